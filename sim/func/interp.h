/* interp.h — the functional model: evaluates any cascade on real tensors.
 *
 * Two arithmetics: double precision (the reference for cascade correctness) and the
 * fixed-point arithmetic of fixed.h (bit-identical to the RTL). Semantics:
 *   - Einsums run in the cascade's order; those that iterate over the iterative rank
 *     run step by step (all of them for step 0, then step 1, ...);
 *   - an access outside a tensor's extent reads an absent element; a map with an absent
 *     operand is absent; reductions skip absent terms (absent if all are);
 *   - fixed point: a sum whose map expression is a product accumulates exact products
 *     (fx_mac) and rounds once; any other sum accumulates words (fx_acc_add); max/min
 *     compare words; maps use fx_add/fx_sub/fx_mul/fx_div/fx_exp; constants go through
 *     fx_from_double (-inf becomes the minimum word);
 *   - prune(r: x) keeps, per group of M along rank r, the N largest |x| (ties: lower
 *     index) and writes 0 elsewhere.
 * Batch and heads are not modelled here: one (b, h) slice is evaluated. */
#ifndef EINSIM_INTERP_H
#define EINSIM_INTERP_H

#include <stddef.h>
#include <stdint.h>

#include "cascade/cascade.h"
#include "func/fixed.h"
#include "sparse/nm.h"
#include "util/diag.h"

typedef enum { FUNC_DOUBLE, FUNC_FIXED } FuncMode;

typedef struct {
    int ndim;
    int64_t dim[CASCADE_MAX_DIMS];  /* extents */
    size_t n;                       /* elements (product of extents) */
    double *d;                      /* FUNC_DOUBLE values, row-major; NULL in fixed mode */
    int64_t *q;                     /* FUNC_FIXED words, row-major; NULL in double mode */
    uint8_t *present;               /* 1 where the element exists */
} FuncTensor;

typedef struct FuncEval FuncEval;

/* Largest total number of tensor elements one evaluation may hold. */
#define FUNC_MAX_ELEMENTS ((size_t)1 << 27)

/* Creates an evaluation of `c` (borrowed; must outlive the FuncEval) under binding `b`.
 * `fx` is required for FUNC_FIXED; `nm` is required when the cascade prunes. Returns
 * NULL and reports into `d` when the tensors would exceed FUNC_MAX_ELEMENTS or a
 * required argument is missing. Release with func_free. */
FuncEval *func_new(const Cascade *c, const RankBinding *b, FuncMode mode, const FxFormat *fx,
                   const NMPattern *nm, Diag *d);
void func_free(FuncEval *f);

/* Sets input tensor `t` from row-major doubles (quantised in fixed mode). */
void func_set_input(FuncEval *f, int t, const double *vals);
/* Runs every Einsum. */
void func_run(FuncEval *f);
const FuncTensor *func_tensor(const FuncEval *f, int t);
/* Element i of tensor t as a double (dequantised in fixed mode); NaN when absent. */
double func_value(const FuncEval *f, int t, size_t i);

/* Number of elements of tensor t under binding b. */
size_t func_tensor_elems(const Cascade *c, const RankBinding *b, int t);

/* Fills every input tensor with uniform values in [lo, hi) from a seeded generator
 * (splitmix64; same seed, same values), rounded down to a multiple of `quantum` when it
 * is > 0 (pass 2^-F so that the double and fixed-point evaluations see identical
 * inputs). Returns an array of c->n_tensors pointers (NULL for non-inputs), owned by the
 * caller: free with func_inputs_free. */
double **func_random_inputs(const Cascade *c, const RankBinding *b, uint64_t seed, double lo,
                            double hi, double quantum);
void func_inputs_free(const Cascade *c, double **in);

#endif
