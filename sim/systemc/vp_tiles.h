/* vp_tiles.h — a platform job as the lowering's tile program (sim/lower): the program the
 * RTL core runs, and what the current timing source (vp_steps_lower.c) reads.
 *
 * GEMM (the gemm cascade) runs output-stationary when the mapping spreads M over the
 * array's rows and N over its columns, weight-stationary for K over rows and N over
 * columns; attention is the FuseMax 1-pass cascade (attention-1pass) with M0 = rows. A job
 * is one (batch, head) slice. */
#ifndef EINSIM_VP_TILES_H
#define EINSIM_VP_TILES_H

#include <stdbool.h>
#include <stdint.h>

#include "lower/lower.h"
#include "lower/lower_attn.h"
#include "run/run.h"
#include "util/diag.h"

typedef struct {
    RtlGeom g;
    bool attention;
    bool ws;                  /* GEMM: weight-stationary */
    TileProg gemm;            /* GEMM tiles (owned) */
    AttnProg attn;            /* attention queues (owned) */
    int tensor[4];            /* cascade tensors: A, B, Z or Q, K, V, AV */
    uint64_t eb;              /* bytes per element in memory (word_bits rounded up) */
} VpTiles;

/* Lowers the job `ri` describes. Returns 0, or 1 with an error in d (a cascade or mapping
 * the RTL does not run, sizes the lowering rejects). */
int vp_tiles_lower(const RunInputs *ri, VpTiles *t, Diag *d);
void vp_tiles_free(VpTiles *t);

#endif
