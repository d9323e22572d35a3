/* sweep.h — sweep files: base inputs plus axes over configuration keys.
 *
 * A sweep file holds one top-level group `sweep` (sim/sweep/README.md, "Sweep file"):
 *
 *   sweep = {
 *     name = "array-size";                    # optional; default: the file's base name
 *     arch = "../../models/fusemax.cfg";      # base inputs, relative to the sweep file
 *     workload = "../bert.cfg";
 *     mapping = "../../mappings/fusemax.cfg";
 *     level = "analytic";                     # analytic | cycle | both (default both)
 *     set = [ "workload.seq=262144" ];        # fixed overrides, as with --set
 *     axes = (
 *       { key = "workload"; values = [ "../bert.cfg", "../xlm.cfg" ]; },
 *       { zip = ( { key = "arch.array2d.rows"; values = [ 64, 256 ]; },
 *                 { key = "arch.array2d.cols"; values = [ 64, 256 ]; } ); },
 *       { keys = [ "arch.array1d.cols", "mapping.partitions.M0" ]; values = [ 64, 256 ]; }
 *     );
 *   };
 *
 * An axis is one key with its values, a `zip` of keys whose value lists advance
 * together, or `keys` sharing one value list (a zip with equal lists). Axes combine
 * as a cartesian product; points are numbered from 1 in row-major order (the last
 * axis varies fastest). The keys `arch`, `workload` and `mapping` pick input files
 * (relative to the sweep file); every other key is a `--set` override. This module
 * checks the file's structure and key syntax; whether an override names an existing
 * configuration key is checked by loading each point's inputs (the sweep command). */
#ifndef EINSIM_SWEEP_H
#define EINSIM_SWEEP_H

#include <stdint.h>

#include "config/config.h"

#define SWEEP_MAX_POINTS 1000000

typedef enum { SWEEP_ANALYTIC, SWEEP_CYCLE, SWEEP_BOTH } SweepLevel;
extern const char *const sweep_level_name[3]; /* "analytic", "cycle", "both" */

/* Which input a key addresses: a file pick or a configuration override. */
typedef enum { SWEEP_KEY_SET, SWEEP_KEY_ARCH, SWEEP_KEY_WORKLOAD, SWEEP_KEY_MAPPING } SweepKeyKind;

typedef struct {
    const char *key;      /* "workload.seq", or "arch" / "workload" / "mapping" */
    SweepKeyKind kind;
    const char **text;    /* n_values values as written (the CSV column); numbers in
                             libconfig's notation, strings verbatim */
    const char **value;   /* what the point uses: the override text, or for a file pick
                             the path relative to the working directory */
    SrcLoc *loc;          /* where each value is written */
    SrcLoc key_loc;
} SweepKey;

typedef struct {
    SweepKey *keys;       /* one key, or the keys of a zip */
    int n_keys;
    int n_values;         /* common length of the value lists (>= 1) */
    SrcLoc loc;
} SweepAxis;

typedef struct {
    const char *name;        /* [A-Za-z0-9._-]+, used as a directory name */
    const char *path;        /* the sweep file as given */
    const char *base[4];     /* by SweepKeyKind: base input file (relative to the working
                                directory), or NULL when an axis picks it */
    SrcLoc base_loc[4];
    SweepLevel level;
    Override *fixed;         /* the `set` list; key and value owned by the spec; `index`
                                is 0 (the sweep command numbers overrides itself) */
    SrcLoc *fixed_loc;
    int n_fixed;
    SweepAxis *axes;
    int n_axes;
    int n_columns;           /* total keys over all axes (CSV columns) */
    uint64_t n_points;       /* product of the axes' lengths (1 with no axes) */
} SweepSpec;

/* Parses and validates `path` into a new spec owned by the caller (sweep_free).
 * Returns 0, or 1 with errors in `d` ("file:line: error: sweep.axes.[1].values: ...")
 * and *out = NULL. Checks: known keys only, types, non-empty value lists, equal zip
 * lengths, key syntax and group, a key set twice (two axes, or an axis and `set`),
 * readable input files, every input given by a base or an axis, the point count. */
int config_load_sweep(const char *path, Diag *d, SweepSpec **out);
void sweep_free(SweepSpec *s);

/* Point `id` (1..n_points): the value index of each axis, in axis order, stored in
 * idx[0..n_axes-1]. */
void sweep_point_index(const SweepSpec *s, uint64_t id, int *idx);

#endif
