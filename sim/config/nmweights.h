/* nmweights.h — N:M-compressed weight files: kept values plus in-group indices.
 *
 * A weights file holds one top-level group `weights` (rtl/nm/README.md):
 *
 *   weights = {
 *     pattern = "2:8";          # N:M along the reduction rank
 *     rows = 4;                 # output rows (O)
 *     k = 16;                   # reduction length, a multiple of M
 *     values  = [ 0.5, -0.25, ... ];   # rows x k/M groups x N kept values, row-major
 *     indices = [ 1, 6, ... ];         # the in-group index of each value
 *   };
 *
 * The indices of a group must be strictly increasing and below M; a
 * repeated, unsorted or out-of-range index is an error at its own line. Values are
 * rounded to the architecture's fixed-point format by whoever uses them. */
#ifndef EINSIM_NMWEIGHTS_H
#define EINSIM_NMWEIGHTS_H

#include <stdint.h>

#include "sparse/nm.h"
#include "util/diag.h"

typedef struct {
    const char *path;
    NMPattern nm;       /* never dense */
    uint32_t rows;      /* output rows */
    uint32_t k;         /* reduction length (multiple of nm.m) */
    double *values;     /* rows x (k / M) x N, row-major */
    uint8_t *indices;   /* same layout */
} NmWeightsSpec;

/* Loads and checks a weights file. Returns 0 with *out set (free with nm_weights_free),
 * or 1 with the errors in d. */
int config_load_nm_weights(const char *path, Diag *d, NmWeightsSpec **out);
void nm_weights_free(NmWeightsSpec *w);

#endif
