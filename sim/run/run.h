/* run.h — one evaluation: its inputs loaded and cross-checked, the engine run at the
 * requested level (once per layer for a layer list) and the counts priced; and the two commands that
 * need nothing more: `einsim check` (validate files, print a summary) and `einsim eval`
 * (a cascade on random data against its direct reference). Presenting results (stats
 * files, tables) is sim/report's job. */
#ifndef EINSIM_RUN_H
#define EINSIM_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "cascade/cascade.h"
#include "config/config.h"
#include "energy/energy.h"
#include "engine/engine.h"
#include "sparse/nm.h"

typedef struct RunInputs {
    ArchSpec *arch;
    WorkloadSpec *workload;
    MappingSpec *mapping;
    Cascade *cascade;
    RankBinding sizes;
    EngineInput in;   /* points at the fields above */
} RunInputs;

/* Loads and checks (config, mapping_check, engine_check). Returns 0, or 1 with errors
 * in `d`; run_inputs_free is safe either way. */
int run_inputs_load(RunInputs *ri, const char *arch, const char *wl, const char *map,
                    const Overrides *ov, Diag *d);
void run_inputs_free(RunInputs *ri);

/* Is Einsum e of c a prune whose output has no N:M structure in workload w (a layer that
 * is not pruned, a dense pattern)? It keeps every value, so a run makes it a copy, which
 * the engine treats as a view of its operand: nothing computed, nothing moved. */
bool run_prune_keeps_all(const Cascade *c, int e, const WorkloadSpec *w);

/* The overrides a mapping loads with for workload w: `ov`, plus mapping.cascade = the
 * workload's cascade when it names one (workload.cascade) and `ov` sets none, so that a
 * masked variant runs on the mapping's binding and the mapping's effective group
 * inlines it. *extra (free it) holds the new array, or NULL. */
Overrides run_mapping_overrides(const WorkloadSpec *w, const Overrides *ov, Override **extra);

/* The engine's cycle-level schedule of a FuseMax attention run (one batch and head, data
 * on chip as in the RTL) as the issue order of the RTL's two attention queues: the passes
 * on array2d and on array1d, each in the order its unit issues them. Returns 0, or 1
 * with an error in d (no cycle-level schedule, or one the queues cannot take: several
 * (batch, head) pairs or DRAM tiles, a pass over several blocks). Free o with
 * lower_attn_order_free. */
struct AttnOrder;
int run_attn_order(const RunInputs *ri, struct AttnOrder *o, Diag *d);
/* The same with the data on chip or in DRAM (on_chip = false: the loads and stores of
 * the engine's schedule are in it), the engine's results in *res and *cy (res is filled
 * even when the schedule is refused), and, when ev is not NULL, every event of the
 * schedule in issue order in *ev (n_ev of them, as the attention lowering takes them;
 * free it). */
struct AttnEvent;
int run_attn_schedule(const RunInputs *ri, bool on_chip, struct AttnOrder *o,
                      struct AttnEvent **ev, size_t *n_ev, EngineResult *res, CycleResult *cy,
                      Diag *d);
/* The schedule streamed (data in DRAM): start(ctx, o) once the analytic level has chosen
 * the tiling (o: nbh, ptile, dram; no passes), then event(ctx, e) for each event in issue
 * order while the cycle level runs; either returns nonzero to stop taking events (the
 * engine runs on; its results still come). Returns 0, or 1 with an error in d (as
 * run_attn_schedule's). */
typedef int (*AttnStartFn)(void *ctx, const struct AttnOrder *o);
typedef int (*AttnEventFn)(void *ctx, const struct AttnEvent *e);
int run_attn_stream(const RunInputs *ri, AttnStartFn start, AttnEventFn event, void *ctx,
                    EngineResult *res, CycleResult *cy, Diag *d);

/* A layer-list workload (kind = "training"): the cascade (the workload's, else the
 * mapping's) runs once per layer on the engine with the layer's rank sizes; the workload's sparse operands
 * without a pattern of their own take workload.nm on the prunable layers. */
bool workload_is_training(const WorkloadSpec *w);
/* Checks every layer's binding (mapping_check, engine_check). Returns the error count. */
int run_layers_check(const ArchSpec *a, const WorkloadSpec *w, const MappingSpec *m,
                     const Cascade *c, Diag *d);

#define RUN_LAYER_GROUPS 16
typedef struct {
    const char *name;
    uint64_t repeat;
    bool sparse;                 /* some operand ran N:M-sparse */
    uint64_t analytic, cycle;    /* one instance (cycle: 0 at the analytic level) */
    int n_groups;                /* the mapping's groups (at most RUN_LAYER_GROUPS kept) */
    uint64_t group_cycles[RUN_LAYER_GROUPS], group_compute[RUN_LAYER_GROUPS];  /* analytic */
    uint64_t group_macs[RUN_LAYER_GROUPS];   /* MACs issued by the group's Einsums */
} LayerRun;
typedef struct LayersResult {
    LayerRun *layers;            /* owned */
    int n_layers;
    EngineResult *sum;           /* owned: the iteration (every layer x its repeat) */
    CycleResult cy;              /* the same at the cycle level (ran = false otherwise) */
} LayersResult;
/* Runs every layer (analytic, and the cycle level too when `cycle_level`) and sums them;
 * a layer that does not fit makes the sum infeasible with its reason. Free with
 * layers_result_free. */
void run_layers(const RunInputs *ri, bool cycle_level, LayersResult *out);
void layers_result_free(LayersResult *r);

/* Where the gap between the ideal BDWP time and a layer list's time at pattern p goes,
 * in cycles of the whole iteration, from its run `s` and the same run with every layer
 * dense `d` (both at the level `cyc`): t = ideal x t_dense + the items (exactly, up to
 * rounding). Per layer and mapping group (analytic): a group whose Einsums issue fewer
 * MACs than dense is a sparse pass, expected to take n/m of its dense time; the other
 * groups of a sparse layer are expected to take their dense time (wg_share: their share
 * differs from what the ideal assumes); the excess of a sparse pass splits into its
 * compute (issue cycles beyond n/m of dense: idle lanes, PEs and rows, remap padding, the
 * result drain's floor, hazards, the metadata bound) and its DRAM-bound excess; at the cycle level the layer's gap to
 * its analytic time beyond the ideal share of dense's (start-up, fill and drain, waits)
 * is fill_drain. A group that is idle in the dense run (its prune Einsums keep every
 * value) is the mask generation (maskgen). Accumulator hazards and the metadata bound
 * lengthen a pass's issue and are counted in imbalance (hazards and metadata stay 0). */
typedef struct {
    double t_dense, t, ideal_ratio;
    double dense_layers, wg_share, maskgen, imbalance, hazards, fill_drain, metadata, memory;
} LayersAttribution;
void run_layers_attribute(const LayersResult *s, const LayersResult *d, const NMPattern *p,
                          bool cyc, LayersAttribution *a);

/* The results of one evaluation. */
/* A run's DRAM bytes by the role of each tensor (a model's weights, its KV cache, the
 * activations: everything else), from the per-tensor traffic; `declared` only when the
 * cascade names its weights or KV cache. Computed by the run layer (run_evaluate). */
typedef struct {
    bool declared;
    uint64_t bytes[ROLE__COUNT];   /* indexed by TensorRole */
} DramSplit;

typedef struct {
    bool training;       /* the workload is a layer list (lr is filled; res and cy are
                            its sums) */
    EngineResult *res;   /* owned */
    CycleResult cy;      /* ran = false at the analytic level */
    EnergyReport er;     /* zero when infeasible */
    LayersResult lr;     /* layer lists only */
    DramSplit split;     /* DRAM bytes by tensor role (declared when the cascade has roles) */
} RunResult;

/* Evaluates loaded inputs at the analytic level, and the cycle level too when
 * `cycle_level`; prices the energy of a feasible result. Free with run_result_free. */
void run_evaluate(const RunInputs *ri, bool cycle_level, RunResult *out);
void run_result_free(RunResult *r);
/* The DRAM bytes of a result by the role of each tensor (outermost level's traffic rows),
 * declared when the cascade names weights or a KV cache and the result is feasible. */
void run_dram_split(const RunInputs *ri, const EngineResult *res, DramSplit *s);

/* `einsim check`: validates each file on its own, then the cross-references between the
 * first architecture, workload and mapping; prints a summary per file on stdout and,
 * with `effective` non-NULL and no error, writes the effective configuration there
 * atomically. Errors go to `d`. */
typedef struct {
    const char *const *files;
    int n_files;
    Overrides ov;
    const char *effective;
} CheckRequest;
Outcome run_check(const CheckRequest *r, Diag *d);

/* `einsim eval`: the cascade bound to `ranks`, on seeded uniform inputs in [lo, hi) on
 * the fixed-point grid of the architecture's arithmetic (or the default one), in double
 * and fixed point, each output against the direct reference of its family or, with
 * `ref`, against that cascade in double precision; prints the table and the density of
 * masked work. Returns OUTCOME_TOLERANCE when an output's double-precision relative
 * error exceeds `tol`, its fixed-point error exceeds `tol_lsb` (negative: the bound
 * sim/func/README.md states for the reference's family, 16 when it states none), or it
 * has values where the reference has none or the other way round. */
typedef struct {
    const char *cascade, *arch;      /* arch may be NULL */
    const char *ref;                 /* NULL, or the cascade to compare with */
    double tol, tol_lsb;
    const RankSize *ranks;
    int n_ranks;
    uint64_t seed;
    double lo, hi;
    const char *nm_text;             /* NULL, or the --nm text (nm holds its pattern) */
    NMPattern nm;
    Overrides ov;
} EvalRequest;
Outcome run_eval(const EvalRequest *r, Diag *d);

/* `einsim area-match`: prints the on-chip areas of `arch` (with `ov`) and `like`, and the
 * size of `arch`'s level `level` (NULL: its largest SRAM level) that gives it the
 * largest area not above `like`'s, with the --set that applies it. Errors (no area
 * table, no such level, a match needing less than nothing) go to `d`. */
typedef struct {
    const char *arch, *like, *level;
    Overrides ov;
} AreaMatchRequest;
Outcome run_area_match(const AreaMatchRequest *r, Diag *d);

#endif
