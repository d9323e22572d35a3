/* train.h — the N:M sparse-training engine: one training iteration of a layer list on a
 * SAT-style dense/sparse PE array (Fang et al., TCAD 2023: BDWP + SAT).
 *
 * Every layer is a GEMM (O outputs rows, reduction I, N columns = per-sample columns x
 * batch) run three times: forward Y = WF·X (W pruned N:M along I), backward-data
 * DX = WB^T·DY (W pruned N:M along O: a second mask) and weight-gradient DW = DY·X^T
 * (dense). Layers marked prunable = false run all three passes dense. The cascade
 * `nm-training` names the passes (Y, DX, DW) and the masks (WF, WB); the mapping binds
 * them to units and gives the training dataflow (mapping.training).
 *
 * Dataflow (output-stationary): a pass's output rows go down the PE rows, its output
 * columns across the PE columns, the reduction runs in time inside each PE; the weight
 * operand (with its metadata) streams along the PE rows.
 *
 * Analytic level, per pass:
 *   - beats per output: dense ceil(K / lanes); sparse ceil(G / gpb) with G = ceil(K /
 *     hm) hardware groups and gpb = min(lanes / hn, window / hm) groups per beat;
 *   - compute = outputs per PE (ceil over the array: idle PEs are load imbalance) x beats;
 *   - metadata = index bits streamed into the array / metadata bits per cycle;
 *   - memory = DRAM bytes / bandwidth (operands, outputs, metadata) under the cheapest
 *     of three loop orders (block either operand in half the buffer and re-read the
 *     other per block, or stream both per output tile);
 *   - pass time = max(compute, metadata, memory).
 * Mask generation (prunable layers, sparse setting): both masks, O·ceil(I/m) +
 * I·ceil(O/m) groups at the unit's mask-generator throughput, serial with the passes
 * unless mapping.training.maskgen_overlap hides it behind the weight-gradient pass.
 * Cycle level: compute uses sparse_pe_timeline() (accumulator hazards when fewer
 * outputs are interleaved than the accumulator latency) plus the array's fill/drain
 * (rows + cols - 2) and the PE pipeline latency once per pass.
 * Issued MACs count kept pairs (N per group); dense-equivalent MACs count O·I·N. */
#ifndef EINSIM_TRAIN_H
#define EINSIM_TRAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "sparse/nm.h"

typedef enum { PASS_FWD, PASS_BWD, PASS_WG, PASS__COUNT } TrainPass;
extern const char *const train_pass_name[PASS__COUNT];   /* "forward", "backward", "wgrad" */

/* Counted actions of one pass (priced by energy_price_training). */
typedef enum {
    TA_MAC, TA_MUX, TA_CMP, TA_META_READ, TA_GLB_READ, TA_GLB_WRITE, TA_DRAM_READ,
    TA_DRAM_WRITE, TA__COUNT
} TrainAction;

typedef struct {
    bool sparse;              /* ran in sparse mode */
    uint64_t rows, cols, red; /* output rows x output columns, reduction */
    uint64_t beats;           /* beats per output */
    uint64_t outputs_per_pe;  /* (max over PEs) */
    uint64_t compute;         /* analytic issue cycles */
    uint64_t meta;            /* metadata-bandwidth cycles */
    uint64_t memory;          /* DRAM cycles */
    uint64_t analytic;        /* max of the three */
    uint64_t hazard;          /* cycle level: accumulator-hazard bubbles */
    uint64_t fill;            /* cycle level: fill/drain + pipeline latency */
    uint64_t cycle;           /* cycle level: max(compute + hazard + fill, meta, memory) */
    uint64_t macs_issued, macs_dense;
    uint64_t dram_bytes, meta_bits;
    uint64_t glb_read_words, glb_write_words;
    uint64_t a_words;         /* row operand (weights: kept values + padding pairs) */
    uint64_t a_dram_words;    /* row operand words read from DRAM (with re-reads) */
    uint64_t b_dram_words;    /* column operand words read from DRAM (with re-reads) */
    uint64_t meta_dram_bits;  /* metadata read from DRAM */
    uint64_t tiles_r, tiles_c;/* output tiles down / across the array */
    double actions[TA__COUNT]; /* events (storage: accesses of the entry's width) */
    double energy_pj;         /* filled by energy_price_training */
} TrainPassStat;

typedef struct {
    const char *name;
    uint64_t repeat;
    bool prunable;
    bool sparse;              /* prunable and the setting is not dense */
    TrainPassStat pass[PASS__COUNT];        /* one instance (multiply by repeat) */
    TrainPassStat dense_ref[PASS__COUNT];   /* the same passes in dense mode */
    uint64_t maskgen_groups, maskgen_cycles, maskgen_exposed_analytic, maskgen_exposed_cycle;
    uint64_t mask_groups[2], mask_cycles[2];  /* forward (WF) and backward (WB) mask */
    double maskgen_actions[TA__COUNT];
    double maskgen_pj;
    uint64_t analytic, cycle;  /* one instance, including exposed mask generation */
    double energy_pj;          /* one instance */
} TrainLayerStat;

/* Where the gap between the ideal BDWP time and the modelled time goes, in cycles of
 * the whole iteration: T = ideal x T_dense + the items below (exactly, up to rounding). */
typedef struct {
    double t_dense;           /* the same iteration with every layer dense */
    double t;                 /* this setting */
    double ideal_ratio;       /* (1 + 2n/m) / 3 */
    double dense_layers;      /* non-prunable layers do not speed up */
    double wg_share;          /* weight-gradient cycle share differs from 1/3 */
    double maskgen;           /* exposed mask generation */
    double imbalance;         /* idle lanes / PEs, mux window, ragged groups, remap padding */
    double hazards;           /* accumulator hazards (cycle level) */
    double fill_drain;        /* array fill/drain and pipeline latency (cycle level) */
    double metadata;          /* metadata-bandwidth bound */
    double memory;            /* DRAM-bandwidth bound */
} TrainAttribution;

typedef struct TrainResult {
    bool feasible;
    char reason[512];
    char nm[16];              /* data pattern of prunable layers */
    char nm_hw[16];           /* hardware pattern it runs as ("dense" when dense) */
    const char *unit;
    uint64_t pes, lanes;      /* PEs, multipliers per PE */
    TrainLayerStat *layers;   /* owned; train_result_free */
    int n_layers;
    uint64_t analytic, cycle, dense_analytic, dense_cycle;
    uint64_t macs_issued, macs_dense;
    uint64_t maskgen_cycles;
    bool cycle_ran;
    TrainAttribution attr_analytic, attr_cycle;
} TrainResult;

/* Checks what the training engine needs: mapping.training, the cascade's passes (Y,
 * DX, DW) and masks (WF, WB) bound to units, sparse units for the passes when the
 * pattern is not dense, the pattern supported or remappable (else the reason, located
 * at workload.nm), an on-chip buffer, and every energy entry it counts. Errors -> d. */
int train_check(const EngineInput *in, Diag *d);

/* Runs the training engine (analytic always; the cycle level when `cycle_level`) into
 * *tr, and fills *r (and *cy when cycle_level) with the iteration totals, so the
 * generic reports and energy pricing apply. A mapping that does not fit (interleave
 * above the accumulators, counts overflowing 64 bits) is a result: feasible = false. */
void train_run(const EngineInput *in, bool cycle_level, TrainResult *tr, EngineResult *r,
               CycleResult *cy);
void train_result_free(TrainResult *tr);

/* True when the workload is a training workload (kind = "training"). */
bool workload_is_training(const WorkloadSpec *w);

#endif
