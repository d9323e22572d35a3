/* dram_lower.h — GEMM and attention with their data in DRAM: the engine's cycle-level
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

/* Attention with its data in DRAM: p is lowered (lower_attn) from the engine's schedule
 * with the data in DRAM (ev: its events: per (batch, head) and DRAM tile of P, the load
 * of the tile's Q and of K and V chunk by chunk, each into one of its `copies` buffers,
 * and the stores of AV block by block). Builds p's DMA program in the schedule's order
 * (a load into a copy waits until the 2D tiles reading what it replaces have issued, a
 * store until its block's AV tile has ended), lays the buffers out for it (the copies of
 * a Q tile, then of a K and a V chunk; the output buffer AV by register blocks of F x C),
 * sets each BQK's and SLNV's need_loads, and predicts tiles and commands
 * (lower_attn_predict). DRAM holds, per (batch, head), Q by DRAM tiles (E x the tile's
 * queries), K and V by chunks of R keys (E or F rows x the chunk's keys), AV by blocks (F
 * x the block's queries): dram_attn_*. Returns 0, or 1 with an error in d (a schedule it
 * does not support, or one that would overwrite a block's outputs before their store). */
int dram_lower_attn(const RtlGeom *g, AttnProg *p, const EngineEvent *ev, int n_ev, int tQ,
                    int tBK, int tBV, int tAV, Diag *d);
/* DRAM word addresses of Q[e, q], K[e, m], V[f, m] and AV[f, q] of (batch, head) bh in
 * p's layout. */
uint64_t dram_attn_q(const AttnProg *p, uint64_t bh, uint64_t e, uint64_t q);
uint64_t dram_attn_k(const AttnProg *p, uint64_t bh, uint64_t e, uint64_t m);
uint64_t dram_attn_v(const AttnProg *p, uint64_t bh, uint64_t f, uint64_t m);
uint64_t dram_attn_av(const AttnProg *p, uint64_t bh, uint64_t f, uint64_t q);

#endif
