/* dense.h — `einsim cosim` and `einsim rtl-params`: the dense array RTL (rtl/) against the
 * C model.
 *
 * cosim lowers the mapping to the tile program (sim/lower), evaluates the cascade in the
 * fixed-point functional model on seeded data, runs the same data and program on the
 * Verilated RTL through the bridge (cosim.h), and compares every output word and every
 * tile's start / end cycle with the C prediction; all mismatches are collected and
 * printed. GEMM cascades run on gemm-os / gemm-ws style mappings (cosim_gemm.c), the
 * FuseMax 1-pass attention cascade on the attention engine (cosim_attn.c). */
#ifndef EINSIM_COSIM_DENSE_H
#define EINSIM_COSIM_DENSE_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

typedef struct {
    const char *arch, *workload, *mapping;
    Overrides ov;
    uint64_t seed;           /* input data seed */
    const char *waves;       /* NULL, or the directory for rtl.fst, model.vcd, *.gtkw */
    const char *variant;     /* RTL build variant: "normal" or "fault" */
    const char *lib;         /* bridge library; NULL: build/cosim/ARCH/[TOP/]VARIANT/... */
    const char *rtl_list;    /* NULL, or the RTL core's source list (its --top-module line
                                names TOP) */
    const char *rtl_top;     /* NULL, or TOP (default einsim_top) */
    bool timing;             /* also print wall-clock speeds (not deterministic) */
    uint32_t ring;           /* attention: tiles of each queue the host keeps loaded (a
                                power of two up to the RTL's ring); 0: the whole ring */
    uint32_t dma_ring;       /* attention: DMA commands the host keeps loaded ahead of the
                                RTL (up to its DMA ring); 0: the whole ring */
} CosimOptions;

/* Runs one co-simulation and prints its summary. OUTCOME_MISMATCH on any mismatch,
 * OUTCOME_INPUT with errors in d otherwise. */
Outcome cosim_dense(const CosimOptions *o, Diag *d);

/* The Verilog parameter header einsim_params.vh of an architecture: printed, or written
 * atomically to `out` when non-NULL. */
Outcome cosim_rtl_params(const char *arch, const Overrides *ov, const char *out, Diag *d);

#endif
