/* sweepInt.h — evaluating sweep points, shared by the modes of sweep.c (run all, one
 * point, job lists, merge). Internal to sim/sweep/. The on-disk layout and the resume
 * rule are documented in exec.c. */
#ifndef EINSIM_SWEEP_INT_H
#define EINSIM_SWEEP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "config/sweep.h"
#include "util/diag.h"

/* One sweep invocation: the spec plus what the command line adds. */
typedef struct {
    const SweepSpec *sp;
    const char *outdir;      /* DIR */
    char *csv_path;          /* DIR/sweep.csv (owned) */
    SweepLevel level;        /* the file's level, or --level */
    const Override *sets;    /* the command line's --set (borrowed) */
    int n_sets;
    int id_width;            /* digits of point ids (at least 3) */
    uint64_t *hash;          /* n_points fingerprints, filled by sweep_check_points (owned) */
    long test_delay_ms;      /* test hook (EINSIM_SWEEP_TEST_DELAY_MS): sleep this long
                                between a point's run files and its marker */
} Sweep;

enum { MARKER_ABSENT, MARKER_STALE, MARKER_DONE };

/* Point ids and directories, in new strings owned by the caller. */
char *sweep_point_name(const Sweep *sw, uint64_t id);
char *sweep_point_dir(const Sweep *sw, uint64_t id);
/* The sweep.csv header line (with its newline). */
char *sweep_csv_header(const Sweep *sw);

/* Loads every point (or only point `only` when non-zero) the way a run would, without
 * evaluating it, and records its fingerprint. Errors go to `d`, located in the sweep
 * file when they concern one of its overrides, once per distinct error. Returns 0 or 1. */
int sweep_check_points(Sweep *sw, uint64_t only, Diag *d);

/* Reads point `id`'s marker: *state is MARKER_ABSENT, MARKER_STALE (written for other
 * inputs, or damaged) or MARKER_DONE, in which case the point's CSV row is returned
 * (owned by the caller). Needs the point's fingerprint. */
char *sweep_read_marker(const Sweep *sw, uint64_t id, int *state);

/* Evaluates point `id` into its directory: clears what an interrupted run left there,
 * writes the run files, then the marker, then (csv_fd >= 0) appends its row to csv_fd
 * with a single write(). Returns 0, or 1 with errors in `d`. */
int sweep_run_point(const Sweep *sw, uint64_t id, int csv_fd, bool *feasible, Diag *d);

/* Runs the pending points with `jobs` forked workers; progress on stderr. Returns 0,
 * 1 when a point failed (its errors were printed by the worker), 2 on an internal
 * failure (errors in `d`). *n_infeasible counts infeasible points. */
int sweep_run_pending(const Sweep *sw, const uint64_t *pending, uint64_t n_pending, int jobs,
                      int csv_fd, uint64_t *n_infeasible, Diag *d);

/* Rewrites sweep.csv atomically from the markers, in point order. *n_done counts the
 * complete points; the first n_missing_max incomplete ids go to missing[] (may be NULL
 * when n_missing is NULL). Returns 0, or 1 with the error in `d`. */
int sweep_write_csv(const Sweep *sw, uint64_t *n_done, uint64_t *missing, int n_missing_max,
                    int *n_missing, Diag *d);

#endif
