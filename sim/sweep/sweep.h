/* sweep.h — `einsim sweep`: every point of a sweep file evaluated in parallel and
 * resumably (sim/sweep/README.md), one point (--point), job lists for GNU parallel and
 * Slurm (--emit-jobs), or sweep.csv assembled from the point directories (--merge).
 * The sweep file itself is loaded by sim/config (config/sweep.h). */
#ifndef EINSIM_SWEEP_CMD_H
#define EINSIM_SWEEP_CMD_H

#include <stdbool.h>

#include "config/config.h"
#include "config/sweep.h"

typedef enum { SWEEP_RUN_ALL, SWEEP_POINT, SWEEP_EMIT_JOBS, SWEEP_MERGE } SweepMode;

typedef struct {
    const char *file;        /* the sweep file */
    const char *outdir;      /* NULL: build/sweeps/NAME */
    SweepMode mode;
    const char *point;       /* SWEEP_POINT: the id text (checked against the points) */
    const char *emit;        /* SWEEP_EMIT_JOBS: the job list file */
    bool level_set;          /* --level given: `level` wins over the file's */
    SweepLevel level;
    int jobs;                /* worker processes, >= 1 */
    const Override *sets;    /* the command line's --set, applied to every point */
    int n_sets;
} SweepOptions;

/* Runs the sweep as `o` says; progress and the summary go to stderr, the CSV path (or
 * the mode's result) to stdout. OUTCOME_INPUT for input errors and for --merge with
 * points missing, OUTCOME_INTERNAL when a worker died. */
Outcome sweep_command(const SweepOptions *o, Diag *d);

#endif
