/* vp_rtl.h — the virtual platform's RTL core: a job's tile program (vp_tiles.h) run on the
 * Verilated dense array (rtl/einsim_top.v) through the co-simulation bridge (cosim.h;
 * build/cosim/ARCH/normal/libeinsim_cosim.so, made by `make cosim-lib ARCH=...`).
 *
 * The RTL has no memory port: its inputs are written into its buffers through the
 * bridge's load port (clocks the platform does not count as accelerator time), then the
 * program starts and the caller clocks it (vp_rtl_step) in step with simulated time. One
 * handle serves any number of jobs (the model is reset before each). */
#ifndef EINSIM_VP_RTL_H
#define EINSIM_VP_RTL_H

#include <stdint.h>

#include "run/run.h"
#include "util/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct VpRtl VpRtl;

/* Loads the bridge at `lib` and creates its model, tracing it into `fst` when non-NULL.
 * Returns NULL with an error in d. */
VpRtl *vp_rtl_open(const char *lib, const char *fst, Diag *d);
/* Resets the model, lowers the job `ri`, checks that the model was built for its
 * architecture, loads the input words in[] (descriptor order: A, B or Q, K, V) and the
 * tile program. Returns 0, or 1 with an error in d. */
int vp_rtl_load(VpRtl *r, const RunInputs *ri, int64_t *const in[], Diag *d);
/* Starts the loaded program (cycle 0 is the next clock). */
void vp_rtl_start(VpRtl *r);
/* Clocks up to n cycles; returns 1 once the program is done. */
int vp_rtl_step(VpRtl *r, uint64_t n);
/* The run length the RTL reports (its latest tile end), and a limit it must finish in
 * (4 x the tile rules' prediction + 1000). */
uint64_t vp_rtl_cycles(const VpRtl *r);
uint64_t vp_rtl_limit(const VpRtl *r);
/* Clocks since vp_rtl_open (loads included): the FST's time is 2 x this. */
uint64_t vp_rtl_clocks(const VpRtl *r);
/* Reads the output tensor (Z or AV, row-major) into out. */
void vp_rtl_output(VpRtl *r, int64_t *out);
/* The RTL's start and end cycle of tile `tile` of unit `unit` (0: the 2D array's program
 * or queue, 1: the 1D array's queue). */
void vp_rtl_stamp(VpRtl *r, uint32_t unit, uint32_t tile, uint64_t *start, uint64_t *end);
void vp_rtl_close(VpRtl *r);

#ifdef __cplusplus
}
#endif

#endif
