/* spec.h — immutable specifications produced by the config module.
 *
 * Every struct here is plain data filled by the loaders in sim/config/ and then only
 * read. Strings point into memory owned by the enclosing Spec (freed by its *_free).
 * Each item records where it came from (SrcLoc) so later stages — mapping checks, the
 * engine's infeasibility reasons — can still quote file:line. No libconfig type
 * appears here: only the config module includes <libconfig.h>. */
#ifndef EINSIM_SPEC_H
#define EINSIM_SPEC_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *file;  /* path of the config file, or "<command line>" for --set */
    int line;          /* 1-based line, 0 when unknown */
} SrcLoc;

/* Operations a compute unit may support. The order is the order of reports. */
typedef enum {
    OP_MAC,  /* multiply-accumulate (also plain multiply) */
    OP_ADD,  /* add or subtract */
    OP_MAX,  /* max (and min) */
    OP_DIV,  /* divide */
    OP_EXP,  /* exponential */
    OP__COUNT
} OpKind;
extern const char *const op_kind_name[OP__COUNT]; /* "mac", "add", "max", "div", "exp" */

/* Fixed-point arithmetic of the functional model and the RTL (sim/func/fixed.h). */
typedef struct {
    int word_bits;   /* operand / stored-tensor width, 2..32 */
    int frac_bits;   /* fractional bits of stored values, 0..word_bits-2 */
    int acc_bits;    /* accumulator width, word_bits + frac_bits + 1 .. 64; holds 2*frac_bits */
    int exp_terms;   /* Horner steps of the 2^f polynomial in exp (total MACs = 1 + this) */
} ArithSpec;

/* Sparse (N:M) mode of a compute unit: a SAT-style sparse PE takes N (value, in-group
 * index) weight pairs per group and an index-driven multiplexer picks the matching
 * activations from a window of M. `present` is false for dense-only units. */
#define SPARSE_MAX_PATTERNS 8
typedef struct {
    bool present;
    int n_patterns;
    int pat_n[SPARSE_MAX_PATTERNS];   /* supported patterns N:M, in file order */
    int pat_m[SPARSE_MAX_PATTERNS];
    uint32_t lanes;             /* multipliers per PE (dense mode: lanes MACs per cycle) */
    uint32_t window;            /* activations the index mux selects from per cycle */
    uint32_t mult_latency;      /* cycles, multiplier */
    uint32_t adder_latency;     /* cycles, adder tree over the lanes */
    uint32_t acc_latency;       /* cycles before an accumulator can take its next sum */
    uint32_t accumulators;      /* interleaved accumulators per PE */
    uint32_t meta_bits_per_cycle; /* metadata bandwidth from the buffer into the array */
    uint64_t meta_bytes;        /* metadata buffer capacity */
    uint32_t maskgen_groups_per_cycle; /* top-N-of-M groups the mask generator finishes per
                                          cycle */
    bool gate;                  /* skip = "gate": pruned products are gated (energy follows
                                   the density, cycles do not); "skip" (default): they are
                                   skipped (both follow it) */
    uint32_t meta_decode_cycles; /* cycles the index decoder adds to every sparse pass's
                                    latency (default 0) */
    SrcLoc loc;
} SparseUnitSpec;

typedef struct {
    const char *name;         /* unique within the architecture, e.g. "array2d" */
    const char *energy_class; /* row group in the energy table, e.g. "pe2d" */
    uint32_t rows, cols;      /* PEs; a 1D array has rows = 1 */
    uint32_t op_cycles[OP__COUNT]; /* cycles per op per PE; 0 = unsupported */
    uint32_t reg_words;       /* register-file words per PE */
    uint32_t in_latency;      /* cycles of input registers before the first PE (default: 1
                                 for a 2D array, 0 for a 1D array) */
    bool drain_local;         /* drain = "local": an output-stationary pass's results go to
                                 PE-local output buffers that empty to the buffer behind the
                                 next pass; "rows" (default, false): they leave through the
                                 PE rows, one row per cycle, so a pass takes >= rows cycles */
    SrcLoc loc;
    SparseUnitSpec sparse;    /* N:M sparse mode (arch.UNIT.sparse), if any */
} ComputeUnitSpec;

typedef enum { STORE_DRAM, STORE_SRAM, STORE_REGFILE } StorageClass;

typedef struct {
    const char *name;          /* e.g. "DRAM", "GlobalBuffer" */
    const char *energy_class;  /* row group in the energy table */
    StorageClass cls;
    uint64_t size_bytes;       /* capacity per instance; 0 = unbounded (DRAM) */
    uint32_t width_bits;       /* bits per access (row width) */
    uint32_t banks;            /* independent banks (>= 1) */
    uint32_t instances;        /* copies (e.g. one per PE) */
    double bandwidth_gibps;    /* GiB/s (2^30 bytes/s); 0 = derived from width × clock */
    uint64_t latency_cycles;   /* cycles from a transfer's (DRAM) or hand-off's (staging
                                  regfile) end to its data being usable; default 0 */
    SrcLoc loc;
} StorageSpec;

typedef struct {
    const char *cls;     /* energy class, e.g. "pe2d", "DRAM" */
    const char *action;  /* e.g. "mac", "read", "write", "leak" */
    double pj;           /* energy per action in pJ (per access of `bits` bits for storage) */
    uint32_t bits;       /* access width the energy refers to; 0 for compute actions */
    uint64_t size_bytes; /* storage classes: the capacity this price is for (0: any); a
                            level between two priced sizes is interpolated */
    SrcLoc loc;
} EnergyEntry;

/* What one area entry is counted per (area comes from a table, like energy). */
typedef enum {
    AREA_PER_PE,       /* one PE of a compute unit (datapath, without its register file) */
    AREA_PER_REG_BIT,  /* one register-file bit of a PE (x reg_words x word_bits per PE) */
    AREA_PER_KB,       /* one KiB of a storage level's capacity (x instances) */
    AREA_PER__COUNT
} AreaPer;
extern const char *const area_per_name[AREA_PER__COUNT]; /* "pe", "reg_bit", "kb" */

typedef struct {
    const char *cls;     /* energy class it prices, e.g. "pe2d", "glb" */
    AreaPer per;
    double um2;          /* area in um^2 per `per` */
    SrcLoc loc;
} AreaEntry;

typedef struct {
    const char *name;     /* e.g. "45nm" */
    const char *source;   /* citation of the published table */
    EnergyEntry *entries; /* in file order */
    int n_entries;
    const char *effective_cfg; /* libconfig text of the `energy` group after includes,
                                  overrides and defaults */
    AreaEntry *area;      /* the optional `area` table, in file order (NULL: no area model) */
    int n_area;
} EnergySpec;

typedef struct {
    const char *name;
    const char *path;         /* file it was loaded from */
    double clock_mhz;
    ArithSpec arith;
    ComputeUnitSpec *units;   /* in file order */
    int n_units;
    StorageSpec *levels;      /* outermost (DRAM) first */
    int n_levels;
    EnergySpec energy;        /* from the file named by arch.energy, or the inline group */
    const char *effective_cfg; /* libconfig text after includes, overrides, defaults; the
                                  energy table is inlined (arch.energy = { ... }) */
    SrcLoc loc;
} ArchSpec;

/* One named rank size of a workload (e.g. E = 64). */
typedef struct {
    const char *name;  /* upper-case rank name as used by cascades */
    uint64_t size;
    SrcLoc loc;
    bool if_present;   /* set by workload.seq (M and P): binds only a cascade that has it
                          (self-attention written over P alone has no M) */
} RankSize;

/* One layer of a layer-list workload (kind = "training"): the sizes of the workload's
 * cascade's ranks (`ranks = { ... }`), `repeat` identical copies; the cascade runs once
 * per layer. */
typedef struct {
    const char *name;
    RankSize *ranks;       /* the layer's rank sizes (owned by the spec) */
    int n_ranks;
    uint64_t repeat;       /* identical layers */
    bool prunable;         /* the workload's N:M operands without a pattern of their own
                              take workload.nm (false: they run dense; activation x
                              activation GEMMs, first and last layers) */
    SrcLoc loc;
} LayerSpec;

/* An N:M-sparse operand of a workload (`workload.sparse`): tensor `tensor` of the cascade
 * keeps at most n of every m consecutive elements along rank `rank`, stored compressed
 * (n values per group) with a metadata tensor of its own: ceil(log2 m) index bits per
 * stored value. Dense patterns (M:M, "dense") are not listed. */
typedef struct {
    const char *tensor;    /* cascade tensor name */
    const char *rank;      /* rank the groups run along */
    const char *meta;      /* its metadata tensor's name in reports: "TENSOR.meta" */
    int n, m;              /* keep n of every m, 1 <= n < m <= 64 */
    SrcLoc loc;
} SparseOperandSpec;

typedef struct {
    const char *name;
    const char *path;
    const char *kind;      /* problem family: "attention", "gemm", ... */
    uint64_t batch;        /* implicit outer rank B */
    uint64_t heads;        /* implicit outer rank H */
    RankSize *ranks;       /* root-rank sizes; for attention, M and P come from `seq` */
    int n_ranks;
    uint32_t dtype_bits;   /* bits per value in memory traffic */
    const char *effective_cfg; /* libconfig text after includes, overrides, defaults */
    SrcLoc loc;
    const char *nm;        /* training: N:M pattern of prunable layers ("2:8", "dense") */
    SrcLoc nm_loc;
    LayerSpec *layers;     /* training: the layers of one iteration, in order */
    int n_layers;
    SparseOperandSpec *sparse; /* N:M-sparse operands (workload.sparse), in file order */
    int n_sparse;
    const char *cascade_path; /* the cascade this workload runs (workload.cascade, resolved
                                 against the workload file's folder), or NULL: the
                                 mapping's */
    SrcLoc cascade_loc;
    double density;        /* workload.density: the share of the work a data mask (a
                              block-mask file, a topk choice) keeps, in (0, 1]; 0 = not
                              given */
    SrcLoc density_loc;
} WorkloadSpec;

/* Which ranks a compute unit spreads over its PE rows and columns. */
typedef struct {
    const char *unit;
    const char *rows;    /* rank name, or NULL when the rows are not used */
    const char *cols;    /* rank name, or NULL */
    SrcLoc loc;
} SpatialSpec;

/* Binding of one Einsum of the cascade to a compute unit. */
typedef struct {
    const char *einsum;
    const char *unit;
    int32_t cost[OP__COUNT];   /* per-op cycles for this Einsum overriding the unit's
                                  (e.g. a subtraction folded into the exp unit: add = 0);
                                  -1 = the unit's own cost */
    int32_t stall;             /* cycles the unit idles after each pass of this Einsum (a
                                  design that drains a reduction before its next tile):
                                  >= 0, or STALL_ROWS / STALL_COLS of the unit */
    bool has_spatial;          /* the binding gives its own rows / cols (this Einsum's
                                  dataflow), overriding the unit's mapping.spatial */
    SpatialSpec spatial;       /* has_spatial: unit, rows, cols of this Einsum */
    SrcLoc loc;
} BindingSpec;
enum { STALL_ROWS = -1, STALL_COLS = -2 };

/* Einsums that run concurrently (on different units) in one step of a fused group. */
typedef struct {
    const char **einsums;
    int n_einsums;
    SrcLoc loc;
} StageSpec;

/* A register-reuse rule of a group (`reuse`): the registers `einsum` writes hold
 * `copies` chunks of a block, so within each block of the group's block rank `einsum`
 * for chunk s + copies issues only after every Einsum of `after` (the readers of what
 * it overwrites, on its unit) has issued chunk s. */
typedef struct {
    const char *einsum;
    int copies;
    const char **after;
    int n_after;
    SrcLoc loc;
} ReuseSpec;

/* One loop of a loop nest: a rank and its factor at that level. */
typedef struct {
    const char *rank;        /* cascade rank name */
    uint64_t factor;         /* >= 1 */
} NestLoop;

/* One level of a group's loop nest (`nest`), Timeloop's kind of mapping: the level (the
 * PE registers of the group's unit, or a storage level), the tensors it keeps, its
 * temporal loops (innermost first) and the spatial loops that fan its data out to the
 * level below over the unit's PE columns (x) and rows (y). */
typedef struct {
    const char *level;       /* unit name (its PE registers) or storage level name */
    const char **keep;       /* tensors the level holds (keep_all: every tensor) */
    int n_keep;
    bool keep_all;           /* `keep` absent: the level keeps every tensor */
    NestLoop *temporal;      /* innermost first */
    int n_temporal;
    NestLoop *spatial_x, *spatial_y;
    int n_spatial_x, n_spatial_y;
    SrcLoc loc;
} NestLevelSpec;

/* A fused group: Einsums that run together on chip. Tensors that cross group
 * boundaries, the cascade's inputs and its outputs go through DRAM. */
typedef struct {
    const char *name;
    StageSpec *stages;       /* in order; together they hold each Einsum once */
    int n_stages;
    const char *loop_rank;   /* rank tiled by the DRAM-level loop, or NULL (no tiling) */
    uint64_t loop_granule;   /* the tile is a multiple of this that divides the rank */
    uint64_t loop_tile;      /* explicit DRAM-level tile (elements of loop_rank), honoured
                                as given (clamped to the rank size); 0 = the engine picks
                                the largest granule multiple that fits */
    const char *buffer;      /* storage level holding the group's on-chip tensors */
    uint32_t store_copies;   /* outputs stored per item: how many the buffer holds until
                                their store has read them (0: 2, double-buffered) */
    const char **resident;   /* tensors kept for a whole DRAM tile */
    int n_resident;
    const char **streamed;   /* tensors held one step of the iterative rank at a time */
    int n_streamed;
    const char **spill;      /* resident tensors the engine may send through DRAM */
    int n_spill;
    const char **bypass;     /* tensors that skip the buffer: read from DRAM at every use,
                                written to DRAM from the unit (Timeloop's bypass) */
    int n_bypass;
    const char **reg_bypass; /* operands the PE registers do not keep: read from their
                                level at every term that uses them (Timeloop's bypass at
                                the register file) */
    int n_reg_bypass;
    uint64_t block;          /* elements of the block rank one item covers (its operands'
                                residency); 0 = the unit's columns */
    bool pipelined;          /* consecutive array passes and stage hand-offs overlap, so
                                fill/drain and hand-off latency are paid once per group
                                (cycle level); false pays them on every step */
    ReuseSpec *reuse;        /* register-reuse rules (none: every item its own registers) */
    int n_reuse;
    NestLevelSpec *nest;     /* a loop nest per level, innermost level first (a group of
                                one Einsum; replaces loop, spatial and residency), or NULL */
    int n_nest;
    SrcLoc loc;
} GroupSpec;

/* The free choices of a mapping template (`mapping.search`, read by `einsim search`).
 * Everything the template does not free stays as written in the mapping. */
typedef struct {
    bool tile;                 /* the DRAM-level tile of every group with a loop is free */
    const char **tile_ranks;   /* candidate loop ranks (n_tile_ranks of them) */
    int n_tile_ranks;
    uint64_t tile_granule;     /* tiles are multiples of this dividing the rank; 0 = each
                                  group's own loop granule */
    const char **binding;      /* Einsums whose unit is free (in file order) */
    int n_binding;
    const char **units;        /* candidate units; 0 of them = every unit of the arch */
    int n_units;
    bool order;                /* the stage of each Einsum within its group is free */
    SrcLoc loc, tile_loc, binding_loc, units_loc;
} SearchSpec;

typedef struct {
    const char *name;
    const char *path;
    const char *written_for;   /* `arch`: the architecture (name) the mapping was written
                                  for, or NULL; running it on another (other than a
                                  variant named NAME-...) gets a warning */
    SrcLoc written_for_loc;
    const char *cascade_path;  /* resolved relative to the mapping file's folder; the
                                  mapping file itself when the cascade is inline */
    RankSize *partitions;      /* sizes of the inner ranks of partitions, e.g. M0 = 256 */
    int n_partitions;
    bool ragged;               /* partitions may leave a partial last chunk (else they
                                  must divide their rank exactly) */
    bool overlap;              /* the groups run concurrently, software-pipelined over the
                                  (batch, head) instances; else one after another */
    SrcLoc overlap_loc;
    BindingSpec *bindings;
    int n_bindings;
    SpatialSpec *spatial;      /* at most one per unit */
    int n_spatial;
    GroupSpec *groups;         /* fused groups in execution order (empty: check only) */
    int n_groups;
    const SearchSpec *search;  /* free choices when the mapping is a template, else NULL
                                  (`run` evaluates a template's written choices) */
    const char *effective_cfg; /* libconfig text after includes, overrides, defaults */
    const char *cascade_cfg;   /* the cascade group as `cascade = { ... };` lines (after
                                  `cascade.*` overrides) at one level of indentation, to
                                  inline it in a mapping written elsewhere; NULL when the
                                  mapping failed to load */
    SrcLoc loc;
} MappingSpec;

/* Looks a rank size up by name; returns NULL when absent. */
const RankSize *rank_size_find(const RankSize *r, int n, const char *name);
/* Looks a unit / storage level up by name; NULL when absent. */
const ComputeUnitSpec *arch_find_unit(const ArchSpec *a, const char *name);
const StorageSpec *arch_find_level(const ArchSpec *a, const char *name);
/* Bytes the DRAM level (levels[0]) moves per clock cycle: its bandwidth at the clock. */
double arch_dram_bytes_per_cycle(const ArchSpec *a);
/* Energy per action; returns false when the table has no entry. */
bool energy_lookup(const EnergySpec *e, const char *cls, const char *action, double *pj,
                   uint32_t *bits);

/* Energy per action of a storage level of `size_bytes`: the entry priced for that size,
 * else interpolated between the nearest priced sizes linearly in log2(size) (clamped to
 * the smallest and largest priced sizes), else the class's unsized entry. */
bool energy_lookup_sized(const EnergySpec *e, const char *cls, const char *action,
                         uint64_t size_bytes, double *pj, uint32_t *bits);

/* Area entry of (class, per); NULL when the table has none. */
const AreaEntry *area_lookup(const EnergySpec *e, const char *cls, AreaPer per);

/* How one op of unit u is charged: its own energy entry (*events_per_op = 1), or, when
 * the unit has no dedicated hardware for it, op_cycles[o] MACs. Stores the action name
 * and the energy per event; returns false when the table has neither entry. */
bool unit_op_energy(const EnergySpec *e, const ComputeUnitSpec *u, OpKind o,
                    const char **action, double *events_per_op, double *pj);

#endif
