/* vp_steps.h — the virtual platform's timing source: a job as a list of tile steps.
 *
 * This is the only interface through which the platform learns about time from the C
 * model. A step is one tile of work on one compute unit: it starts when
 *   - the unit has finished issuing the previous step of that unit (its start plus that
 *     step's issue_cyc),
 *   - every step it depends on has ended, and
 *   - its loads (transfers from platform memory into the accelerator's buffer) are done;
 * and it ends lat_cyc cycles after its start, when its stores (transfers from the buffer
 * to memory) may begin. With every load ready at cycle 0 the job takes `cycles`: the
 * timing source's own prediction, which vp_steps_schedule reproduces.
 *
 * The list is in an order where each step's dependencies and the earlier steps of its
 * unit come first. Loads and stores are strided byte runs of one tensor, each as large
 * as the mapping's tiles make it; the platform splits them into bus bursts.
 *
 * The one implementation today (vp_steps_lower.c) adapts the lowering's tile programs
 * (sim/lower: GEMM output- and weight-stationary, FuseMax 1-pass attention), whose
 * timing the RTL reproduces cycle for cycle. Another timing source (the engine's own
 * step schedule) replaces that one file. */
#ifndef EINSIM_VP_STEPS_H
#define EINSIM_VP_STEPS_H

#include <stdbool.h>
#include <stdint.h>

#include "run/run.h"
#include "util/diag.h"

#define VP_MAX_UNITS 4
#define VP_STEP_MAX_DEPS 2

/* `rows` runs of `row_bytes` bytes, `stride` bytes apart, starting `offset` bytes into
 * tensor `tensor` (a cascade tensor index; the tensor is stored row-major). */
typedef struct {
    int tensor;
    uint64_t offset, row_bytes, rows, stride;
} VpXfer;

typedef struct {
    uint32_t unit;                   /* index into VpSteps.unit */
    uint64_t issue_cyc;              /* cycles the unit spends issuing it */
    uint64_t lat_cyc;                /* start to end (>= 1) */
    uint32_t n_deps;
    uint32_t dep[VP_STEP_MAX_DEPS];  /* indices of earlier steps */
    uint32_t load0, n_load;          /* its loads: xfer[load0 .. load0 + n_load) */
    uint32_t store0, n_store;        /* its stores, after it ends */
    const char *op;                  /* what it computes ("BQK|SLNV", "GEMM-OS", ...) */
    uint32_t tile;                   /* its tile index in its unit's program */
} VpStep;

typedef struct {
    VpStep *step;                    /* owned */
    uint32_t n_step;
    VpXfer *xfer;                    /* owned */
    uint32_t n_xfer;
    uint32_t n_unit;
    const char *unit[VP_MAX_UNITS];  /* unit names (static strings or the arch's) */
    uint64_t cycles;                 /* predicted run length with every load ready at 0 */
    const char *source;              /* name of the timing source, for reports */
} VpSteps;

/* Builds the step list of the job `ri` describes (one (batch, head) slice; tensors of
 * word_bits rounded up to bytes). Returns 0, or 1 with an error in d when the timing
 * source cannot express the job (an unsupported cascade or mapping, sizes the lowering
 * rejects). */
int vp_steps_build(const RunInputs *ri, VpSteps *s, Diag *d);
void vp_steps_free(VpSteps *s);

/* For timing sources: appends a step (its loads and stores follow with vp_steps_xfer,
 * loads first; its dependencies with vp_steps_dep). The returned pointer is valid until
 * the next push. */
VpStep *vp_steps_push(VpSteps *s, uint32_t unit, uint64_t issue, uint64_t lat, const char *op,
                      uint32_t tile);
void vp_steps_dep(VpSteps *s, uint32_t dep);
void vp_steps_xfer(VpSteps *s, bool store, int tensor, uint64_t offset, uint64_t row_bytes,
                   uint64_t rows, uint64_t stride);

/* Schedules the steps by the rules above with step i's loads done at ready[i] (NULL:
 * all at 0); fills start[i] and end[i] when non-NULL and returns the latest end. */
uint64_t vp_steps_schedule(const VpSteps *s, const uint64_t *ready, uint64_t *start,
                           uint64_t *end);

#endif
