/* timeloop.h — a Timeloop v3 specification in libconfig (architecture, problem, mapping),
 * read as written: config_load_timeloop checks keys, types and ranges, and reports the
 * keys Timeloop has that einsim does not import, each at its file:line. Whether the
 * whole can be expressed in einsim is sim/import's question (import/timeloop.c). */
#ifndef EINSIM_CONFIG_TIMELOOP_H
#define EINSIM_CONFIG_TIMELOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "config/spec.h"
#include "util/diag.h"

#define TL_MAX_LEVELS 16
#define TL_MAX_DIMS 8
#define TL_MAX_DIRECTIVES 64
#define TL_MAX_SPACES 8

typedef struct {
    const char *name;
    SrcLoc loc;
    bool dram;                 /* technology = "DRAM" */
    int64_t entries;           /* words per instance (from entries or sizeKB); 0 for DRAM */
    int64_t instances, meshx;
    int64_t word_bits, block_size;
    double read_bw, write_bw, shared_bw;   /* words per cycle; 0 when not given */
    SrcLoc bw_loc;             /* of the first bandwidth given */
    double access_pj;          /* vector-access-energy per block; < 0 when not given */
} TlStorage;

typedef enum { TL_TEMPORAL, TL_SPATIAL, TL_DATATYPE } TlKind;

typedef struct {
    TlKind kind;
    SrcLoc loc;
    int target;                /* storage level index, 0 = innermost (as listed) */
    int n_factors;             /* TEMPORAL, SPATIAL: the factors as written */
    char rank[TL_MAX_DIMS][4];
    int64_t factor[TL_MAX_DIMS];
    char permutation[TL_MAX_DIMS + 1];   /* innermost first ("" when not given) */
    int split;                 /* SPATIAL: ranks of the permutation on X (-1: not given) */
    int n_keep, n_bypass;      /* DATATYPE */
    const char *keep[TL_MAX_SPACES], *bypass[TL_MAX_SPACES];
} TlDirective;

typedef struct {
    /* arch.arithmetic */
    SrcLoc arith_loc;
    int64_t arith_instances, arith_meshx, arith_word_bits;
    double mac_pj;             /* arithmetic.energy; < 0 when not given */
    /* arch.storage, innermost first */
    TlStorage levels[TL_MAX_LEVELS];
    int n_levels;
    /* problem: "gemm" (M, N, K) or "cnn-layer" (R, S, P, Q, C, K, N) */
    const char *shape;
    SrcLoc problem_loc;
    int n_dims;
    char dim[TL_MAX_DIMS][4];
    int64_t size[TL_MAX_DIMS];
    SrcLoc dim_loc[TL_MAX_DIMS];
    int64_t wstride, hstride, wdilation, hdilation;   /* cnn-layer */
    SrcLoc stride_loc;
    /* mapping */
    SrcLoc mapping_loc;
    TlDirective dirs[TL_MAX_DIRECTIVES];
    int n_dirs;
} TimeloopSpec;

/* Reads the files as one specification: each of the top-level groups `arch`, `problem`
 * and `mapping` in exactly one of them (`mapper` and `arch_constraints`, which only
 * Timeloop's mapper reads, are ignored). Returns 0 with a new spec in *out (free with
 * timeloop_free), or 1 with the errors in d. */
int config_load_timeloop(const char *const *files, int n_files, Diag *d, TimeloopSpec **out);
void timeloop_free(TimeloopSpec *t);

#endif
