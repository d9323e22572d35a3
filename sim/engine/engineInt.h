/* engineInt.h — internals shared by the engine's files: the plan a fused group lowers to
 * (plan.c), and the schedule that runs it (sched.c).
 *
 * A group's work is a sequence of items. An item is one step of the iterative rank (or
 * the whole group when it has none) for one block of the group's block rank (the rank
 * its first 2D unit spreads over its columns; one block = that many columns) inside one
 * DRAM tile of one (batch, head). Items are numbered globally:
 *   item = ((bh * tiles + tile) * steps + step) * blocks(tile) + block
 * (the last tile may hold fewer blocks). Every computing Einsum of the group issues its
 * passes for an item on its unit; Einsum e issues in "slot" item + skew(e), and within a
 * slot Einsums issue in stage order. Loads (DRAM -> buffer) and stores (buffer -> DRAM)
 * are issued on the DRAM channel in the same sweep. Every resource (unit, DRAM channel)
 * serves its requests in issue order. */
#ifndef EINSIM_ENGINE_INT_H
#define EINSIM_ENGINE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

#define PLAN_MAX_DEPS 24
typedef struct LiveCache LiveCache;
#define PLAN_MAX_MASKED 64   /* the Einsums of a cascade */
#define PLAN_DENS_DEN 64     /* a workload's density is modelled in steps of 1/64 */
#define PLAN_ROUTE_DEN 4096  /* a routing density (head routing) in steps of 1/4096 */

/* What one Einsum does in one item on its unit. */
typedef struct {
    uint64_t n;         /* passes over the unit for the item (>= 1 when it runs) */
    uint64_t len;       /* issue cycles of one pass */
    uint64_t ivl;       /* cycles the unit is held per pass (>= len) */
    uint64_t lat;       /* issue of a pass to its last result usable by a consumer */
    uint64_t terms;     /* iteration points in the item (useful work) */
    uint64_t rd, wr;    /* words the item reads from / writes to the group's buffer
                           (operands, partial sums, results held there) */
    double psum;        /* partial sums the item reads back (a reduction split over row
                           passes: every pass after the first), wherever they live */
    int dataflow;       /* 2D: DF_OS, DF_STATIONARY (WS / IS), or DF_NONE */
    int stationary;     /* DF_STATIONARY: the tensor held in the PEs, else -1 */
} PassShape;

enum { DF_NONE = 0, DF_OS = 1, DF_STATIONARY = 2 };

typedef enum {
    DEP_REL,            /* producer item = consumer item + dstep steps (same block) */
    DEP_TILE_FIRST      /* producer's item at step 0 of the consumer's tile (same block) */
} DepKind;

typedef struct {
    int prod;           /* index into PlanGroup.ein (an Einsum or a load) */
    DepKind kind;
    int32_t dstep;      /* DEP_REL: producer step - consumer step (<= 0) */
    bool whole;         /* the value lacks the block rank: the producer's last block */
    bool in_unit;       /* made and kept in the same unit: its pipeline orders them */
} PlanDep;

/* Which items an Einsum runs at. */
typedef enum { PH_EVERY, PH_FIRST, PH_LAST } PlanPhase;

/* How long a tensor stays in the group's buffer once loaded / produced. */
typedef enum { RES_TILE, RES_STEP, RES_ITEM } Residency;

typedef enum { ACT_EINSUM, ACT_LOAD, ACT_STORE } ActKind;

/* One actor of the sweep: an Einsum, or a load / store of one tensor. */
typedef struct {
    ActKind kind;
    int einsum;         /* cascade Einsum (ACT_EINSUM), or -1 */
    int tensor;         /* cascade tensor (loads and stores; ACT_EINSUM: its output) */
    int unit;           /* arch unit index (ACT_EINSUM), or -1 for the DRAM channel */
    int order;          /* issue position within a slot */
    int stage;          /* ACT_EINSUM: its stage in the group (unpipelined groups wait for
                           the previous stage); -1 otherwise */
    bool bypass;        /* loads / stores of a tensor that skips the buffer */
    uint32_t skew;      /* slots after its item that it issues in */
    PlanPhase phase;
    Residency res;      /* loads and stores: residency they serve */
    uint32_t copies;    /* loads: buffer copies of the residency (>= 1) */
    int n_deps;
    PlanDep deps[PLAN_MAX_DEPS];
    bool has_block;     /* the output / tensor has the block rank */
    int store;          /* ACT_EINSUM: index of the store of its output in this group, -1 */
    int reload;         /* ACT_EINSUM that reduces the loop rank: index of the load of its
                           partial sums from the previous tile (tiles after the first), -1 */
    int reloads;        /* loads: the store whose results of the previous tile it reads
                           back (partial sums; from the second tile on), -1 */
    uint64_t stream_div; /* loads: > 1 when consumers read it pass by pass (a slice per
                           pass streams through the buffer), the passes of a full item */
    bool maskable;      /* skipped at dead items (live.c): an Einsum that reads a masked
                           root (directly or through the group's Einsums), a load all of
                           whose readers are, the store of such an Einsum */
} PlanAct;

/* Extents of one item class: the block, the chunk of the iterative rank's inner
 * partition, and the DRAM tile of the loop rank. */
typedef struct {
    uint64_t blk, chunk, tile;
} ItemExt;

typedef struct {
    int group;               /* mapping group index */
    const GroupSpec *gs;
    int block_rank;          /* cascade rank spread over the columns, or -1 */
    uint64_t block;          /* block size (elements of block_rank) */
    int loop_rank;           /* DRAM-level loop rank, or -1 */
    uint64_t tile;           /* tile of loop_rank (0: no loop) */
    uint64_t n_tiles;        /* tiles per (b, h) */
    uint64_t steps;          /* steps of the iterative rank per tile (1 when none) */
    uint64_t chunk, chunk_last; /* extent of the iterative rank's inner rank per step */
    uint64_t nb_full, nb_last;  /* blocks of a full tile and of the last tile */
    uint64_t blk_last_full, blk_last_last; /* extent of the last block of each */
    uint64_t tile_last;      /* extent of the last tile */
    uint64_t bh;             /* batch x heads (explicit heads: batch x K/V heads; batch
                                alone when the items hold every head) */
    bool heads_in_item;      /* an Einsum of the group reduces over the explicit heads (a
                                router choosing among them): each item holds every head */
    uint64_t hgroup;         /* query heads whose items share one K/V head's residencies:
                                a tile's blocks are hgroup x the blocks of one head,
                                head-major (1 without shared heads) */
    uint64_t items_per_bh, items; /* items per (b, h) and in all */
    int n_act;
    PlanAct *act;            /* issue order within a slot */
    uint32_t max_skew;
    uint32_t max_lookback_steps; /* deepest DEP_REL (in steps) */
    bool pipelined;
    bool has_reload;         /* an Einsum reduces the loop rank: partial sums reloaded */
    bool spilled;            /* the group's spill tensors go through DRAM */
    bool tile_db;            /* tile-resident loads double-buffered */
    bool bypass;             /* the bypass tensors skip the buffer */
    double bytes_per_cycle;  /* DRAM */
    uint64_t dram_latency;   /* cycles from a transfer's end to its data being usable */
    uint64_t handoff_latency; /* staging between units (cycles) */
    int *ord;                /* issue order within a slot: loads, Einsums (stage order),
                                stores; n_act entries */
    /* Masks (live.c): an item in which every masked Einsum of the group is masked by
     * the rules, or whose step the data masks' density pattern drops, is dead: it costs
     * nothing (its running values carry over unchanged). */
    const EngineInput *in;   /* for the liveness queries */
    int n_masked;            /* computing Einsums of the group that a mask reaches */
    int masked[PLAN_MAX_MASKED];
    bool masked_by_where;    /* masked[] are the Einsums whose own where clause masks them */
    struct LiveCache *lcache; /* the last uniform run of steps found (live.c) */
    bool data_masked;        /* a data mask reaches them (dens_num is the workload's) */
    uint64_t dens_num;       /* data masks: live steps per PLAN_DENS_DEN steps (spread
                                evenly, the same steps for every block); PLAN_DENS_DEN
                                when there is none */
    /* Head routing (live.c): a where clause tests a choice of heads per element of the
     * block rank (SELH[h, p]). Each head's items hold only the elements routed to it,
     * gathered in order into full blocks and tiles: route_num of every PLAN_ROUTE_DEN,
     * spread evenly over the positions (the same share in every head), so the rank's
     * extent per head is route_size. */
    int route_rank;          /* the routed rank (the block and loop rank), or -1 */
    uint64_t route_num;      /* routed elements per PLAN_ROUTE_DEN (>= 1) */
    uint64_t route_size;     /* routed elements of one head */
    double route_share;      /* route_size / the rank's size (1 without routing) */
    bool route_given;        /* the density is the workload's (else the topk's k / H) */
    uint64_t footprint_bytes; /* the group's buffer bytes (every copy) */
    int footprint_level;     /* the arch level that holds them (-1: none) */
    uint64_t reg_need[ENGINE_MAX_UNITS]; /* words per PE the group needs in each 2D unit's
                                            registers (0: unit unused or not checked) */
    uint64_t port_words;     /* words per cycle of each of the buffer's read and write
                                ports (row width x banks); 0: no buffer */
} PlanGroup;

/* Blocks of one head in a tile, and the extent of block b of a tile (item numbering). */
static inline uint64_t plan_head_blocks(const PlanGroup *p, bool last_tile)
{
    return (last_tile ? p->nb_last : p->nb_full) / p->hgroup;
}
static inline uint64_t plan_block_ext(const PlanGroup *p, bool last_tile, uint64_t b)
{
    uint64_t nbh = plan_head_blocks(p, last_tile);
    return b % nbh + 1 < nbh ? p->block : last_tile ? p->blk_last_last : p->blk_last_full;
}

/* Helpers shared by the engine's files. */
/* Query heads that share one key/value head in group g (g < 0: the cascade): the inner
 * partition G of an explicit head rank ("H -> HK, G"), every head when an input the
 * group reads has no head rank (multi-query), else 1. */
uint64_t engine_head_group(const EngineInput *in, int g);
/* An Einsum of group g reduces over the heads (a router's choice among them): each of
 * the group's items then holds every head. */
bool engine_reduces_heads(const EngineInput *in, int g);
bool engine_is_head_rank(const Cascade *c, int r);  /* H or one of its partitions */
/* A loop over rank r in tiles of `tile` splits a reduction of e (over r, over its outer
 * partition, or over an inner partition the tile is not a multiple of). */
bool engine_splits_reduction(const EngineInput *in, const Einsum *e, int r, uint64_t tile);
const SpatialSpec *engine_spatial_of(const MappingSpec *m, const char *unit);
/* Cycles of one term of Einsum e on unit u: its ops at the unit's costs, or the binding's. */
uint64_t engine_cost_per_term(const Einsum *e, const ComputeUnitSpec *u, const BindingSpec *b);
/* Bytes the DRAM channel (the architecture's first level) moves per clock cycle. */
double engine_dram_bytes_per_cycle(const ArchSpec *a);
/* The analytic level's DRAM time for `bytes`: bytes over bytes per cycle, rounded up; none
 * in the scenario of an RTL run with the data on chip, whose loads and stores take no time. */
double engine_dram_cycles(const EngineInput *in, double bytes);
/* Words per cycle of each of storage level s's read and write ports (row width x banks,
 * at least 1). */
uint64_t engine_port_words(const StorageSpec *s, uint32_t dtype_bits);
const BindingSpec *engine_binding_of(const MappingSpec *m, const char *einsum); /* or NULL */
/* Whether name is one of the n names of v. */
bool engine_in_names(const char *const *v, int n, const char *name);
/* The spatial mapping Einsum `einsum` runs with on `unit`: its binding's own rows / cols
 * when it gives them, else the unit's (mapping.spatial); NULL when neither. */
const SpatialSpec *engine_spatial_for(const MappingSpec *m, const char *einsum, const char *unit);
int engine_view_source(const Cascade *c, int t);     /* a view's source tensor, else t */
int engine_einsum_ranks(const Einsum *e, int *r);    /* iteration ranks of e */
int engine_group_of(const EngineInput *in, int e);   /* mapping group of Einsum e, -1 */

/* N:M-sparse operands (nm_use.c). An Einsum that multiplies an operand the workload
 * makes N:M along a rank it reduces runs that operand compressed on its unit's sparse
 * mode. The rank in time (output-stationary): per output, ceil(ext / M) data groups,
 * each `split` hardware groups of hw_n pairs, `gpb` hardware groups per beat
 * (min(lanes / hw_n, window / hw_m)). The rank down the PE rows (weight- or
 * input-stationary, a spatial reduction): the rows hold the pairs only, so the rank's
 * extent becomes its pair count. With skip = "gate" the beats and rows stay dense
 * (energy follows the density, cycles do not). */
typedef struct {
    const SparseOperandSpec *spec; /* NULL: the Einsum runs dense */
    int tensor;         /* the sparse operand (view source), -1 */
    int rank;           /* the reduced rank its groups run along, -1 */
    int hw_n, hw_m, split; /* hardware pattern, hardware groups per data group */
    uint64_t gpb;       /* hardware groups per beat (>= 1) */
    bool gate;          /* the unit gates pruned products instead of skipping them */
} SparseUse;
/* Fills *su for Einsum e (su->spec NULL when it runs dense). Returns 0, or -1 with the
 * reason in `why` when its unit cannot run it (no sparse mode, pattern not runnable,
 * the sparse rank spread over the PEs, not a MAC, two sparse operands). */
int engine_sparse_use(const EngineInput *in, int e, SparseUse *su, char *why, size_t n_why);
/* The N:M property of tensor t (through views), or NULL. */
const SparseOperandSpec *engine_sparse_of(const EngineInput *in, int t);
/* Values stored of `ext` elements along an n:m rank (a short last group keeps up to n). */
uint64_t engine_nm_kept(uint64_t ext, int n, int m);
/* Bits of one in-group index of a group of m. */
uint32_t engine_nm_index_bits(int m);
/* Beats of one output's reduction of extent ext along the sparse rank. */
uint64_t engine_nm_beats(const SparseUse *su, uint64_t ext);
/* Pairs (kept values plus the hardware pattern's zero padding) of extent ext along the
 * sparse rank: the PE rows a weight-stationary pass packs them into. */
uint64_t engine_nm_slots(const SparseUse *su, uint64_t ext);
/* Terms of its temporal reduction a PE of unit u finishes per cycle for Einsum e: the
 * multiplier lanes of a sparse unit's PE for a MAC Einsum, else 1. */
uint32_t engine_lanes(const Einsum *e, const ComputeUnitSpec *u);
/* Issue cycles of one PE of a sparse unit reducing `outputs` outputs of `beats` beats
 * each, interleaving them with the next pass's outputs over its `accumulators` (the
 * accumulator hazards of sparse_pe_timeline, in the steady state of back-to-back passes;
 * = outputs x beats when the accumulators hide the latency). */
uint64_t engine_acc_span(const SparseUnitSpec *sp, uint64_t outputs, uint64_t beats);

/* The choices the engine makes for a group (the mapping may fix the tile). */
typedef struct {
    uint64_t tile;      /* DRAM-level tile of the loop rank (0: no loop) */
    bool spilled;       /* the spill tensors go through DRAM */
    bool tile_db;       /* tile-resident loads are double-buffered (the next tile's data
                           loads while this tile computes) */
    bool bypass;        /* the group's bypass tensors skip the buffer */
} PlanOpts;

/* Builds the plan of group g with choices o. Returns 0, or non-zero with a reason in
 * `why` (an infeasibility the caller reports). */
int plan_build(const EngineInput *in, int g, PlanOpts o, PlanGroup *p, char *why, size_t n_why);
void plan_free(PlanGroup *p);

/* Shape of actor a (an Einsum) for an item of extents x. */
PassShape plan_shape(const EngineInput *in, const PlanGroup *p, int a, ItemExt x);
/* Words a load / store moves for one residency of extents x. */
uint64_t plan_words(const EngineInput *in, const PlanGroup *p, int a, ItemExt x);
/* The stationary tensor of Einsum actor a's passes at an item of extents x, streamed by
 * load `ld` (RES_ITEM): the pass's tile of it is its rows rank's block of `ur` (and cols
 * rank's block of `uc`), the last block ragged, rows blocks inner. */
typedef struct {
    uint64_t words;            /* the load's words */
    uint64_t er, ec, ur, uc;   /* rows / cols extents of the plane and of a tile */
    uint64_t dr, tiles;        /* tiles down the rows, tiles in all */
} PlanStationary;
void plan_stationary(const EngineInput *in, const PlanGroup *p, int a, int ld, ItemExt x,
                     PlanStationary *g);
/* The words of the load that passes 0 .. pass of n hold (passes beyond the tiles reuse
 * the last; passes spread evenly when n differs from the tiles). */
uint64_t plan_stationary_words(const PlanStationary *g, uint64_t pass, uint64_t n);
/* Of those, the words of an N:M-sparse tensor's metadata (its in-group indices). */
uint64_t plan_meta_words(const EngineInput *in, const PlanGroup *p, int a, ItemExt x);
/* Metadata words that accompany `values` stored values of N:M tensor t (0 when dense). */
uint64_t plan_meta_of(const EngineInput *in, int t, double values);

/* The buffer a group stages its tensors in (its named buffer, else the first SRAM),
 * and the staging level between units (the first regfile level); NULL when none. */
const StorageSpec *plan_buffer(const EngineInput *in, const GroupSpec *gs);
const StorageSpec *plan_staging(const ArchSpec *a);
/* Where tensor t lives while group p uses it: 0 the buffer, 1 the registers of the unit
 * that made it, 2 the staging level (a hand-off between units), 3 DRAM (bypassed). */
int plan_home(const EngineInput *in, const PlanGroup *p, int t);
/* Einsum actor a reads tensor t as its unit's previous Einsum made it (same item, next
 * in the unit's order): forwarded in the unit's registers, not read from its home. */
bool plan_forwarded(const EngineInput *in, const PlanGroup *p, int a, int t);
/* Elements of tensor t that one item of Einsum actor a reads (or writes, for its output),
 * times the passes that re-read them. */
double plan_touches(const EngineInput *in, const PlanGroup *p, int a, int t, ItemExt x,
                    const PassShape *s);

/* Counts of items by class, for the analytic level and the accounting: calls `fn` once
 * per distinct (extents, phase set) with the number of items of that class. */
typedef struct {
    ItemExt x;
    bool first_step, last_step;   /* the items are at step 0 / the last step */
    bool first_block;             /* the items are block 0 (residency starts) */
    bool first_tile_item;         /* step 0 and block 0 */
    bool first_tile;              /* the items are in the first tile of their (b, h) */
    bool last_block;              /* the items are the last block of their step */
    uint64_t count;               /* items of this class in all (b, h) */
    uint64_t live;                /* of them, items not dead (all when unmasked) */
    uint64_t live_steps;          /* first_block: steps of these items with a live item */
    uint64_t live_tiles;          /* first_tile_item: tiles of these items with a live item */
} ItemClass;
int plan_classes(const PlanGroup *p, ItemClass *out, int max);
/* True when actor a runs at items of class c (its phase, and loads at residency starts). */
bool plan_runs(const PlanGroup *p, int a, const ItemClass *c);

/* Liveness under the masks (live.c). A box of items of one (b, h): tiles [t0, t1),
 * steps [s0, s1), blocks [b0, b1) (blocks of the tiles' kind: t1 - 1 < n_tiles - 1, or
 * the last tile alone). Every (b, h) has the same pattern. */
typedef struct {
    uint64_t t0, t1, s0, s1, b0, b1;
} LiveBox;
/* Sets the group's masked Einsums and density (plan_build calls it). Returns 0, or 1
 * with the reason in `why` (a data mask without a workload density). */
int live_init(const EngineInput *in, PlanGroup *p, char *why, size_t n_why);
uint64_t live_items(const PlanGroup *p, LiveBox b);        /* live items in the box */
uint64_t live_steps(const PlanGroup *p, LiveBox b);        /* (tile, step)s with one */
uint64_t live_tiles(const PlanGroup *p, LiveBox b);        /* tiles with one */
bool live_item(const PlanGroup *p, uint64_t tile, uint64_t step, uint64_t block);
bool live_step(const PlanGroup *p, uint64_t tile, uint64_t step);   /* has a live item */
/* live[b] = 1 for the live blocks of a step (blocks of the tile's kind entries). */
void live_blocks(const PlanGroup *p, uint64_t tile, uint64_t step, uint8_t *live);
/* For the cycle level's steady state: the end of the run of steps from `step` of `tile`
 * whose liveness is uniform (every item dead, or every item live by the rules); returns
 * `step` when that step is mixed. *all_dead tells which. */
uint64_t live_uniform_until(const PlanGroup *p, uint64_t tile, uint64_t step, bool *all_dead);
/* Head routing. The rank other than the heads at which Einsum e's where clause keeps
 * what a choice of heads chooses (SELH[h, p], alone or and-ed with rules: P); -1 when
 * it tests no tensor that way; *tensor (may be NULL) the tensor it tests, -1 when none. */
int live_route_rank(const Cascade *c, int e, int *tensor);
/* The share of (head, block) items a routing through choice tensor `tensor` keeps: the
 * workload's density (*given), else k / H of the topk over the heads that writes it;
 * 0 when neither. */
double live_route_density(const EngineInput *in, int tensor, bool *given);
/* Sets p's routing (route_*): 0, or 1 with the reason (no density; the routed rank not
 * the group's block and loop rank). plan_build calls it before it tiles the group. */
int live_route_init(const EngineInput *in, PlanGroup *p, char *why, size_t n_why);
/* Steps after which the density pattern repeats (1 without data masks). */
uint64_t live_pattern_period(const PlanGroup *p);

/* Buffer bytes and PE-register words the plan needs; 0, or 1 with the reason (tensor,
 * level, bytes needed and available) in `why`. */
int plan_capacity(const EngineInput *in, PlanGroup *p, char *why, size_t n_why);
/* r->levels: every storage level of a, then (with `regs`) each compute unit with PE
 * registers, with their capacity and nothing used yet. */
void engine_levels_init(const ArchSpec *a, uint32_t dtype_bits, bool regs, EngineResult *r);
/* Tensor t (or the tensor it views) is in the group's reg_bypass. */
bool plan_reg_bypass(const EngineInput *in, const PlanGroup *p, int t);

/* The cycle level of one group: runs the sweep. Returns the cycles; fills the stall
 * split. Sets *overflow on 64-bit overflow.
 *
 * With a cutoff, the sweep stops early (pruned) once its cycles provably reach the
 * cutoff. The proof: every resource serves its requests in issue order, so the group
 * cannot end before a unit's free time plus the pass time still to issue on it (less
 * the largest issue floor beyond a pass's latency), nor before the DRAM channel's free
 * time plus the bytes still to move over the bandwidth. The totals are the analytic
 * level's sums of the same passes and transfers (checked at the end of a full sweep). */
typedef struct {
    uint64_t cutoff;          /* UINT64_MAX: none */
    const uint64_t *busy;     /* per unit: the sum of n x ivl of every pass */
    const uint64_t *tail;     /* per unit: the largest ivl - lat of its passes */
    double dram_bytes;        /* every transfer's bytes */
} SchedLimit;

typedef struct {
    bool pruned;              /* stopped at the cutoff: cycles is a lower bound only */
    uint64_t cycles;          /* the group's last result */
    uint64_t slots_total, slots_simulated;
    uint64_t unit_wait;       /* cycles a unit waited for another unit's result */
    uint64_t dram_wait;       /* cycles a unit waited for a load */
    uint64_t port_wait;       /* cycles a unit waited for a buffer port */
} SchedOut;
void sched_run(const EngineInput *in, const PlanGroup *p, const SchedLimit *lim, SchedOut *out,
               bool *overflow);

#endif
