/* reference.h — direct double-precision references for the problem families, computed
 * from the inputs without any cascade, so that every cascade can be checked against
 * the same ground truth:
 *   attention    Q[e,p] K[e,m] V[f,m]  ->  AV[f,p] = sum_m softmax_m(sum_e Q K)[m,p] V[f,m]
 *   gemm         A[k,m] B[k,n]         ->  Z[m,n] = sum_k A B
 *   nm-training  W[o,i] X[i,n] DY[o,n] ->  Y = prune_i(W)·X, DX = prune_o(W)^T·DY, DW = DY·X^T
 * The cascade must declare those tensors with those ranks. */
#ifndef EINSIM_REFERENCE_H
#define EINSIM_REFERENCE_H

#include "cascade/cascade.h"
#include "func/fixed.h"
#include "sparse/nm.h"
#include "util/diag.h"

typedef struct {
    int tensor;  /* the cascade output tensor this reference is for */
    double *v;   /* row-major values in that tensor's layout; owned by the RefOutputs */
    size_t n;
} RefOutput;

typedef struct {
    RefOutput out[4];
    int n;
} RefOutputs;

/* Computes the references of c's problem family from `inputs` (indexed by tensor, as
 * func_random_inputs returns). Returns 0, or 1 with a reason in `d` when the family is
 * unknown or the tensors do not have the expected layout. */
int reference_eval(const Cascade *c, const RankBinding *b, double *const *inputs,
                   const NMPattern *nm, Diag *d, RefOutputs *out);
void reference_free(RefOutputs *r);

/* Errors of one cascade output against its reference. */
typedef struct {
    int tensor;
    size_t n;          /* elements compared */
    double dbl_abs;    /* max |x - r| of the double-precision evaluation */
    double dbl_rel;    /* max |x - r| / max(|r|, 1e-6 max|r|) of the double evaluation */
    double fx_abs;     /* max |x - r| of the fixed-point evaluation */
    size_t absent;     /* output elements missing in either evaluation (a bug if > 0) */
} RefError;

typedef struct {
    RefError out[4];
    int n;
} RefReport;

/* Draws seeded uniform inputs in [lo, hi) on the 2^-F grid of `fx` (so both arithmetics
 * see the same values), evaluates c in double precision and in fixed point, and
 * compares every output with the direct reference. Returns 0, or 1 with the reason in
 * `d` (no reference for the problem, tensors too large, missing N:M pattern). */
int reference_check(const Cascade *c, const RankBinding *b, const FxFormat *fx,
                    const NMPattern *nm, uint64_t seed, double lo, double hi, Diag *d,
                    RefReport *out);

#endif
