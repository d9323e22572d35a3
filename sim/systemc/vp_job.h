/* vp_job.h — the accelerator's programs and jobs: the C side of the virtual platform.
 *
 * A program is what the device is built with: one einsim architecture, workload and
 * mapping (the files `einsim run` takes, with their --set overrides). A job is a
 * program at the sizes a descriptor selects (einsim_regs.h: GEMM K, M, N; attention E,
 * F and seq), loaded and checked like `einsim run` would, with
 *   - its tensors in descriptor order (GEMM A, B, Z; attention Q, K, V, AV), row-major,
 *     one word of word_bits per element, rounded up to whole bytes in memory;
 *   - its step list (vp_steps.h), the platform's timing;
 *   - its values: the fixed-point functional interpreter (sim/func) on given inputs.
 * Nothing here prints or exits; errors go to a Diag. */
#ifndef EINSIM_VP_JOB_H
#define EINSIM_VP_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "func/fixed.h"
#include "run/run.h"
#include "systemc/einsim_regs.h"
#include "systemc/vp_steps.h"
#include "util/diag.h"

typedef enum { VP_GEMM = 1, VP_ATTENTION = 2 } VpKind;

typedef struct {
    const char *arch, *workload, *mapping;   /* paths (borrowed) */
    Overrides ov;                            /* borrowed */
} VpProgramSpec;

typedef struct {
    VpProgramSpec spec;
    VpKind kind;
    int n_ranks;                             /* descriptor ranks this kind uses */
    uint64_t rank[EINSIM_MAX_RANKS];         /* the sizes the files give */
    uint32_t rows, cols;                     /* the 2D array */
    char *name;                              /* "gemm-os on fusemax-4x4" (owned) */
    char *dram;                              /* the architecture's DRAM level name (owned) */
    double dram_gibps;                       /* its bandwidth, GiB/s */
    double clock_mhz;
} VpProgram;

typedef struct {
    const char *name;                        /* cascade tensor name */
    int cascade;                             /* cascade tensor index */
    uint64_t rows, cols;                     /* row-major extents, elements */
    bool output;
} VpTensor;

typedef struct {
    RunInputs ri;
    VpKind kind;
    int n_tensors;
    VpTensor t[EINSIM_MAX_TENSORS];          /* descriptor order */
    uint32_t elem_bytes;                     /* bytes per element in memory */
    FxFormat fx;
    VpSteps steps;
} VpJob;

/* Loads the program's files once: checks them, learns the kind and the default sizes
 * (whether a job at some sizes can run is vp_job_load's answer). Returns 0, or 1 with
 * input errors in d (also for a cascade that is neither GEMM nor attention). Release
 * with vp_program_free. */
int vp_program_init(VpProgram *p, const VpProgramSpec *spec, Diag *d);
void vp_program_free(VpProgram *p);
/* The descriptor rank names of a kind ("K", "M", "N" / "E", "F", "seq"). */
const char *vp_rank_name(VpKind kind, int i);

/* Loads the job of program p at sizes rank[0 .. p->n_ranks) and builds its steps.
 * Returns EINSIM_ERR_NONE, EINSIM_ERR_DESC (a size of 0 or above 2^32) or
 * EINSIM_ERR_INFEASIBLE (the mapping cannot run it: the mapping's checks reject the sizes,
 * `einsim run` finds it infeasible, or the timing source cannot express it), with the
 * reason in d. The job
 * is empty on error; vp_job_free is safe either way. */
EinsimErr vp_job_load(VpJob *j, const VpProgram *p, const uint64_t *rank, Diag *d);
void vp_job_free(VpJob *j);
/* Bytes of tensor slot i in memory. */
uint64_t vp_job_bytes(const VpJob *j, int i);

/* Seeded inputs on the fixed-point grid (func_random_inputs in [-1, 1)): in[i] gets the
 * words of every input slot i (outputs are left alone). */
void vp_job_random_inputs(const VpJob *j, uint64_t seed, int64_t *const in[]);
/* The fixed-point interpreter on the input words in[]: fills out[i] for every output
 * slot. Returns 0, or 1 with an error in d (tensors too large for the interpreter). */
int vp_job_values(const VpJob *j, int64_t *const in[], int64_t *const out[], Diag *d);

/* Words <-> little-endian memory bytes (elem_bytes each; unpack sign-extends). */
void vp_pack(const VpJob *j, const int64_t *w, uint64_t n, uint8_t *bytes);
void vp_unpack(const VpJob *j, const uint8_t *bytes, uint64_t n, int64_t *w);

/* `einsim run --level cycle` of program p at sizes rank (the engine's cycle level), with
 * the architecture's DRAM or, when `gibps` is non-NULL, its bandwidth set to that text
 * (VP_IDEAL_GIBPS: an ideal memory). Returns 0 with the cycles, or 1 with an error in d. */
#define VP_IDEAL_GIBPS "1e9"
int vp_engine_cycles(const VpProgram *p, const uint64_t *rank, const char *gibps,
                     uint64_t *cycles, Diag *d);

#endif
