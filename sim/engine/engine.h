/* engine.h — evaluation of (architecture, workload, mapping, cascade) into cycles,
 * utilisation, buffer traffic and event counts.
 *
 * The analytic level is a steady-state model (what Timeloop and the FuseMax artifact
 * compute):
 *   - an Einsum's time on its unit is the product, over the ranks of its iteration
 *     space, of the rank size — or, for a rank the mapping spreads over the unit's PE
 *     rows or columns, ceil(size / rows-or-cols) — times its cycles per term (the sum
 *     of the unit's (or the binding's) cycles for each op of a term);
 *   - a fused group runs its stages in order; in a stage, Einsums on different units
 *     overlap and Einsums on one unit serialise, so a stage takes the largest per-unit
 *     sum; work is spread evenly over the steps of the group (no fill or drain);
 *   - a group's DRAM traffic is its inputs (re-read once per tile of the DRAM-level loop
 *     when they do not depend on the tiled rank), outputs and spilled tensors; the tile
 *     is the largest multiple of the granule dividing the rank whose resident and
 *     streamed tensors fit the buffer; a group takes max(compute, DRAM bytes / bandwidth);
 *   - groups run one after another; batch B and heads H multiply everything.
 * Nothing about a particular design is built in: it all comes from the input files.
 * A mapping that does not fit is a result (feasible = false, with the reason), not an
 * error. */
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
} EinsumStat;

typedef struct {
    const char *level;         /* storage level name */
    const char *tensor;
    uint64_t reads;            /* words read out of the level */
    uint64_t writes;           /* words written or updated in the level by compute */
    uint64_t fills;            /* words written into the level from the level above */
    uint64_t bytes;            /* (reads + writes + fills) × bytes per word */
} TrafficStat;

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
    ActionCount actions[ENGINE_MAX_ITEMS];
    int n_actions;
    uint64_t macs_dense_equivalent; /* N:M sparse work: the dense MACs it stands for
                                       (0: same as the MACs issued) */
} EngineResult;

/* The cycle level (cycle.c): a step-by-step timeline of every fused group. A step is one
 * iteration of the iterative rank (or the whole group when it has none) for one DRAM
 * tile and one (b, h). Beyond the analytic level it models:
 *   - fill/drain: an array pass over a rows × cols PE array takes rows + cols - 2 extra
 *     cycles of skew; a pipelined group pays it once, an unpipelined one on every step
 *     of every stage that uses the array;
 *   - dependency: a stage that consumes a tensor another unit produced in the previous
 *     stage waits for it to leave that unit (its number of rows); once per pipelined
 *     group, on every step otherwise;
 *   - block pipelining: when the array's columns hold the loop rank and a step's tile
 *     spans several column blocks, blocks are issued one after another, so a pipelined
 *     group's first step exposes one fill and (when some stage waits for another unit)
 *     the first block's first-stage array work plus a one-cycle hand-off instead;
 *   - bandwidth: DRAM traffic is double-buffered step by step: the first step waits for
 *     its data (start-up), later steps stall by max(0, load - compute);
 *   - quantisation: per-step work is rounded up to whole cycles.
 * Steps repeat exactly, so the timeline is simulated until a step's duration repeats and
 * the rest is extrapolated; the cost does not depend on the sequence length. */
typedef struct {
    bool ran;
    uint64_t cycles;
    double seconds;
    double utilization[ENGINE_MAX_UNITS]; /* same units and order as EngineResult */
    uint64_t fill_drain;       /* stall cycles by cause, all groups */
    uint64_t dependency;
    uint64_t bandwidth;        /* start-up and DRAM stalls beyond the analytic bound */
    uint64_t buffer_bandwidth; /* waits for a buffer port busy with other units' words */
    uint64_t steps_total;      /* steps the timeline stands for */
    uint64_t steps_simulated;  /* steps actually simulated before extrapolating */
    bool overflow;             /* the schedule's times overflow 64 bits (ran = false) */
} CycleResult;

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
