/* dram_lower.h — GEMM with its data in DRAM: the engine's cycle-level
 * schedule (its trace events) lowered to the RTL's DMA and tile programs
 * (sim/lower/lower.h's and lower_attn.h's types).
 * It sits in cosim, above both the engine and lower, so that data flows one way: the
 * engine schedules, this file reads the schedule, lower owns the ISA and timing rules. */
#ifndef EINSIM_COSIM_DRAM_LOWER_H
#define EINSIM_COSIM_DRAM_LOWER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lower/lower.h"
#include "lower/lower_attn.h"
#include "util/diag.h"

/* Lowers the GEMM with its data in DRAM from the engine's schedule (the events of
 * engine_cycle's trace, data_on_chip = false): the DMA program of its loads and stores in
 * the order the DRAM channel serves them, and the tile program of its passes in issue
 * order, each tile waiting for the loads (and the stores two items back) the engine's
 * item waits for. DRAM holds A (K x M row-major) at 0, B by blocks of C columns (block j:
 * K x nb row-major) after it, Z by blocks (M x nb) after B; the global buffer A at 0 and
 * the engine's copies of a B block after it; the accumulator buffer Z by blocks. The
 * prediction is the tile rules with each item's first tile ready at the engine's item
 * start, and the run's end the later of the last tile's end and the last transfer's.
 * Returns 0, or 1 with an error in d (a schedule the lowering does not support). */
int dram_lower_gemm(const RtlGeom *g, bool ws, uint64_t K, uint64_t M, uint64_t N,
                    const EngineEvent *ev, int n_ev, int tA, int tB, int tZ, TileProg *p,
                    DmaProg *dp, Diag *d);

#endif
