/* engine.h — evaluation of (architecture, workload, mapping, cascade) into cycles,
 * utilisation, buffer traffic and event counts: one model, two views.
 *
 * Lowering (plan.c). Every fused group of the mapping becomes a sequence of items: one
 * step of the iterative rank for one block of the group's block rank (the rank its 2D
 * array spreads over its columns) inside one DRAM-level tile of one (batch, head). In
 * each item every Einsum of the group issues its passes on its unit. A pass is one
 * sweep of the unit over a block of its row and column ranks; its shape comes from the
 * unit's geometry and the dataflow the spatial mapping implies:
 *   len  = the temporal iterations of the pass x the cycles per term (unit or binding);
 *   lat  = in_latency + len + (rows crossed - 1) + (columns used - 1), + the staging
 *          level's latency when the result is handed to another unit (2D arrays; a 1D
 *          array: lat = len). Rows crossed: all of them when the rows rank is reduced
 *          (partial sums flow down the columns), else the rows used;
 *   ivl  = the cycles before the unit issues its next pass: len, at least rows and cols
 *          when a stationary operand is preloaded from the buffer into double-buffered
 *          PE registers, at least rows when an output-stationary result drains to the
 *          buffer through the PE rows (the unit's drain = "rows", the default); on a unit
 *          with an N:M sparse group, len covers its accumulator hazards and ivl its
 *          metadata over meta_bits_per_cycle; lat when the mapping says the group is not
 *          pipelined.
 * Tensors read from DRAM are loaded per tile (resident), per step (streamed) or per item
 * (otherwise), into `copies` buffers (double-buffered where a second copy fits); an
 * operand a consumer splits into passes along its ranks streams in per-pass slices.
 * Results read outside the group are stored per item (or per tile when resident).
 * Software pipelining: an Einsum issues `skew` items after the item it computes, so it
 * runs after what it reads; a result handed to another unit is consumed enough items
 * later to cover the producer's latency (pipelined groups), unless the group's reuse
 * rules (registers that hold `copies` chunks of a block) need the readers of a chunk's
 * registers to issue before the next writer: then the cover shrinks, or the writer waits.
 *
 * Resources: each compute unit, the DRAM channel (bandwidth; a load's data is usable
 * latency_cycles after its transfer), and the read and write ports of the group's
 * buffer (row width x banks words per cycle). Capacity: the buffer holds every copy of
 * every residency and the intermediates the mapping keeps there; the PE registers hold
 * the results kept in the array for every item in flight plus the double-buffered
 * stationary register. A mapping that does not fit is a result (feasible = false, with
 * the tensor, level, bytes needed and available), not an error.
 *
 * The analytic level is the steady-state bound of those passes: a group takes its
 * busiest resource (the sum of the passes' ivl on each unit, the words through each
 * buffer port, the DRAM bytes over the bandwidth); groups add up. The engine chooses a
 * group's DRAM tile (the mapping's, or one of a ladder of the granule times powers of
 * two and the whole rank), spilling and double buffering, minimising this bound.
 *
 * The cycle level (sched.c) issues the same passes, loads and stores on the same
 * resources, in order, each as soon as its resource is free and what it reads is
 * ready; it takes, among the same options, the one with the fewest cycles (branch and
 * bound: a simulation stops once it provably cannot beat the best so far). It is a
 * max-plus recurrence, so it is never below the bound, and more work never takes fewer
 * cycles. The steady state is detected (the live state repeats up to a shift) and
 * extrapolated exactly. All counts are checked 64-bit integers: a result that does not
 * fit is reported, never wrapped. Nothing about a particular design is built in: it all
 * comes from the input files. */
#ifndef EINSIM_ENGINE_H
#define EINSIM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "cascade/cascade.h"
#include "config/spec.h"
#include "util/diag.h"

typedef struct {
    const char *name;          /* Einsum */
    const char *unit;          /* bound unit, or NULL for a view (no ops) */
    int group;                 /* fused group index, -1 for a view */
    uint64_t terms;            /* iteration points, all (b, h) */
    uint64_t ops[OP__COUNT];   /* ops issued: terms × ops per term */
    uint64_t cycles;           /* cycles on its unit if it ran alone, all (b, h) */
    uint64_t pe_cycles;        /* useful PE-cycles: terms × cycles per term */
    double density;            /* share of its items the engine ran: 1, or less when masks
                                  leave items dead (terms, ops, pe_cycles count those run) */
    const char *density_source; /* NULL (dense), "rules" (decided from the mask's indices)
                                   or "workload.density" (a data mask) */
} EinsumStat;

typedef struct {
    const char *level;         /* storage level name */
    const char *tensor;
    uint64_t reads;            /* words read out of the level */
    uint64_t writes;           /* words written or updated in the level by compute */
    uint64_t fills;            /* words written into the level from the level above */
    uint64_t bytes;            /* (reads + writes + fills) × bytes per word */
} TrafficStat;

/* One storage level, or the PE registers of a compute unit (Timeloop's innermost level),
 * as a whole: its capacity and the largest footprint a fused group keeps in it. */
typedef struct {
    const char *level;         /* storage level name, or the compute unit's name */
    bool regfile;              /* the PE registers of a compute unit */
    uint64_t capacity_bytes;   /* a storage level's size (one instance; 0 for DRAM), a
                                  unit's registers in all its PEs */
    uint64_t used_bytes;       /* the largest footprint of a group, every copy */
    bool tracked;              /* used_bytes is modelled: a group's buffer, a 2D unit's PE
                                  registers; not DRAM, staging levels, 1D units */
    double utilization;        /* used / capacity; 0 when not tracked */
} LevelUse;

typedef struct {
    const char *name;
    uint64_t compute_cycles;   /* stages, all (b, h) */
    uint64_t memory_cycles;    /* DRAM bytes / bandwidth, all (b, h) */
    uint64_t cycles;           /* max of the two */
    uint64_t dram_bytes;
    uint64_t tile;             /* DRAM-level tile of the loop rank (0 without a loop) */
    uint64_t n_tiles;
    bool spilled;              /* spill tensors went through DRAM */
    bool tile_db;              /* tile-resident data double-buffered across tiles */
    bool bypass;               /* the mapping's bypass tensors skipped the buffer */
    uint64_t footprint_bytes;  /* on-chip bytes of one tile */
} GroupStat;

/* One counted action of a component, priced by the energy table at report time. */
typedef struct {
    const char *component;     /* unit or level name */
    const char *cls;           /* energy class */
    const char *action;        /* "mac", "read", ... */
    double count;              /* events (for storage: accesses of `bits` bits) */
} ActionCount;

/* Capacities of a result; engine_check rejects inputs that would exceed them. */
#define ENGINE_MAX_ITEMS 256   /* Einsums; traffic rows; counted actions */
#define ENGINE_MAX_UNITS 64
#define ENGINE_MAX_GROUPS 64

typedef struct {
    bool feasible;
    bool too_large;            /* a cycle, count or byte total overflows 64 bits: the
                                * workload is too large (an input error, not a misfit) */
    char reason[512];          /* why not, when infeasible */
    uint64_t cycles;
    double seconds;
    uint64_t dram_bytes;
    const char *bound;         /* "compute" or "memory" (the dominant part of the time) */
    int n_units;
    const char *unit_name[ENGINE_MAX_UNITS];
    double utilization[ENGINE_MAX_UNITS]; /* useful PE-cycles / (PEs × cycles), per unit */
    EinsumStat einsums[ENGINE_MAX_ITEMS];
    int n_einsums;
    GroupStat groups[ENGINE_MAX_GROUPS];
    int n_groups;
    TrafficStat traffic[ENGINE_MAX_ITEMS];
    int n_traffic;
    /* PE register accesses per compute unit (level = the unit's name) and tensor: reads by
     * the PEs, writes (updates) by their compute, fills (a stationary operand preloaded
     * from its level). Their energy is the unit's reg_read / reg_write actions. */
    TrafficStat reg_traffic[ENGINE_MAX_ITEMS];
    int n_reg_traffic;
    LevelUse levels[ENGINE_MAX_ITEMS]; /* storage levels outermost first, then the units
                                          with PE registers, in file order */
    int n_levels;
    ActionCount actions[ENGINE_MAX_ITEMS];
    int n_actions;
    uint64_t macs_dense_equivalent; /* N:M sparse work: the dense MACs it stands for
                                       (0: same as the MACs issued) */
} EngineResult;

/* The cycle level of a feasible analytic result: cycles, and the gap to the analytic
 * level by cause (fill/drain and the pipeline's tail, waits for another unit's result,
 * waits for DRAM, waits for a buffer port). */
typedef struct {
    bool ran;
    uint64_t cycles;
    double seconds;
    double utilization[ENGINE_MAX_UNITS]; /* same units and order as EngineResult */
    uint64_t fill_drain;       /* stall cycles by cause, all groups */
    uint64_t dependency;
    uint64_t bandwidth;        /* start-up and DRAM stalls beyond the analytic bound */
    uint64_t buffer_bandwidth; /* waits for a buffer port busy with other units' words */
    uint64_t steps_total;      /* slots (items, plus the pipeline's tail) of the schedule */
    uint64_t steps_simulated;  /* slots simulated; the rest extrapolated exactly */
    bool overflow;             /* the schedule's times overflow 64 bits (ran = false) */
} CycleResult;

/* One request of the cycle level's schedule, in issue order (engine_cycle with a trace):
 * an Einsum's passes for one item on its unit, or a load / store on the DRAM channel. */
typedef enum { EV_PASSES, EV_LOAD, EV_STORE } EngineEventKind;
typedef struct {
    EngineEventKind kind;
    int group;                 /* mapping group */
    int einsum;                /* cascade Einsum (EV_PASSES), else -1 */
    int tensor;                /* cascade tensor: the Einsum's output, or the one moved */
    const char *unit;          /* unit name (EV_PASSES), NULL for the DRAM channel */
    uint64_t bh, tile, step, block;  /* the item (for a load: the first of its residency) */
    uint64_t passes, len;      /* EV_PASSES: passes and issue cycles of each */
    uint64_t words;            /* EV_LOAD / EV_STORE: words moved */
    uint64_t start, end;       /* issue cycle and the cycle its result is usable */
    uint32_t copies;           /* EV_LOAD: buffer copies of the tensor's residency (the load
                                  of residency q reuses the copy of q - copies) */
} EngineEvent;

/* Everything one evaluation needs; all borrowed. */
typedef struct {
    const ArchSpec *arch;
    const WorkloadSpec *workload;
    const MappingSpec *mapping;
    const Cascade *cascade;
    const RankBinding *sizes;  /* from mapping_check */
    bool data_on_chip;         /* the cycle level's scenario of an RTL run without DRAM:
                                  inputs start in the buffer and outputs stay there, so
                                  loads and stores take no time (traffic is still counted) */
    /* Optional: called for every request of the cycle level's schedule in issue order
     * (the steady state is then simulated in full, not extrapolated: use it for runs of
     * the size a platform or an RTL executes). The cycle level runs the analytic level's
     * own option (tile, spilling, buffering), so the events describe that plan. Each
     * group's events are timed from its own start (with mapping.overlap too: the groups'
     * own schedules, not the pipeline's). */
    void (*trace)(void *ctx, const EngineEvent *ev);
    void *trace_ctx;
    /* For tests of the search: the cycle level without its cutoff and without block-level
     * periods (every option that its bound does not exclude simulated to the end). The
     * results must be the same; only the slots simulated differ. */
    bool exhaustive;
} EngineInput;

/* Checks what the engine needs beyond mapping_check (groups cover every computing
 * Einsum once, stage and buffer names exist, spatial ranks are ranks of the cascade,
 * every counted action has an energy entry). Returns the number of errors. */
int engine_check(const EngineInput *in, Diag *d);

/* Runs the analytic level into *out (always filled; see out->feasible). Names in the
 * result point into the inputs' specs and stay valid while those live. */
void engine_analytic(const EngineInput *in, EngineResult *out);

/* Runs the cycle level from a feasible analytic result of the same input. */
void engine_cycle(const EngineInput *in, const EngineResult *analytic, CycleResult *out);

#endif
