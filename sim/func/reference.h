/* reference.h — direct double-precision references for the problem families, computed
 * from the inputs without any cascade, so that every cascade can be checked against
 * the same ground truth; and the checks `einsim eval` runs (against a family's
 * reference, or against another cascade).
 *
 * A cascade names its family with `problem`. The families and the tensors (name and
 * dimension ranks, in order) each reference needs:
 *   attention            Q[E,P] K[E,M] V[F,M] -> AV[F,P] = softmax_m(Q.K) V
 *   attention-causal     the same, query p seeing the keys m <= p
 *   attention-window     the same, keys with m <= p and p - m < W (rank W: the window)
 *   attention-bigbird    blocks of P0 queries x M0 keys: key block kb is kept for query
 *                        block qb when |qb - kb| <= 1, or kb or qb is the first or the
 *                        last block (ranks P0, M0)
 *   attention-blockmask  key block m / M0 kept for query block p / P0 where
 *                        BM[p / P0, m / M0] != 0 (input BM[P1, M1], a block-mask file)
 *   attention-topk       causal; per query block, its own key block and the KB past key
 *                        blocks (KB - 1 besides its own; rank KB) whose mean key has the
 *                        largest dot product with the block's mean query (ties: the
 *                        lower block); the choice is the cascade's tensor SEL[M1, P1]
 *   attention-gqa[-causal]  Q[E,P,H] K[E,M,HK] V[F,M,HK] -> AV[F,P,H], K/V head h / G
 *   attention-mqa[-causal]  Q[E,P,H] K[E,M] V[F,M] -> AV[F,P,H], one K/V for all heads
 *   moh-attention        causal per-head attention Q[E,P,H] K[E,M,H] V[F,M,H]; token p
 *                        runs the KH heads h with the largest router logit
 *                        RL = sum_d X[D,P] WR[D,H] (ties: the lower head; the choice is
 *                        the cascade's SELH[H, P]) and AV[F,P,H] = softmax_h(RL)[h, p]
 *                        times head h's output for those heads (no value for the others)
 *   linear-attention     causal Q[E,P] K[E,P] V[F,P] -> AV[F,P] =
 *                        sum_{m<=p} (phi(q_p).phi(k_m)) v_m / sum_{m<=p} phi(q_p).phi(k_m),
 *                        phi(x) = elu(x) + 1
 *   gemm                 A[K,M] B[K,N] -> Z[M,N] = sum_k A B
 *   nm-training          W[O,I] X[I,N] DY[O,N] -> Y = prune_i(W).X, DX = prune_o(W)^T.DY,
 *                        DW = DY.X^T
 *   conv-training        WF[O,C,R,S] WB[O,C,R,S] X[C,IH,IW] DY[O,P,Q] -> Y[O,P,Q] = WF * X,
 *                        DX[C,IH,IW] = WB^T * DY, DW[O,C,R,S] = DY * X: a convolution of
 *                        stride SH x SW (ranks) and padding R/2 x S/2 (floor), input row
 *                        p*SH + r - R/2, zero outside the image; WF, WB are given masked;
 *                        a pixel no output reads has no DX value
 * An output element with no unmasked key (a fully masked query) has no reference value
 * (NaN): the cascade must leave it masked or absent. */
#ifndef EINSIM_REFERENCE_H
#define EINSIM_REFERENCE_H

#include "cascade/cascade.h"
#include "func/fixed.h"
#include "func/interp.h"
#include "sparse/nm.h"
#include "util/diag.h"

#define REF_MAX_OUTPUTS 8

typedef struct {
    int tensor;  /* the cascade output tensor this reference is for */
    double *v;   /* row-major values in that tensor's layout (NaN: no value); owned */
    size_t n;
} RefOutput;

typedef struct {
    RefOutput out[REF_MAX_OUTPUTS];
    int n;
} RefOutputs;

/* Computes the references of c's problem family from `inputs` (indexed by tensor, as
 * func_random_inputs returns). A family with data-dependent choices (attention-topk,
 * moh-attention) makes its own unless `decisions` is given: then it takes them from
 * that evaluation's choice tensor (SEL, SELH), which is how the fixed-point run is
 * judged on its own choices. Returns 0, or 1 with a reason in `d` when the family is
 * unknown or the tensors do not have the expected layout. */
int reference_eval(const Cascade *c, const RankBinding *b, double *const *inputs,
                   const NMPattern *nm, const FuncEval *decisions, Diag *d, RefOutputs *out);
void reference_free(RefOutputs *r);

/* The fixed-point bound sim/func/README.md states for a family, in LSB of the output
 * word (inputs uniform on the 2^-F grid in [-1, 1), the shapes stated there), or 0 when it
 * states none. */
double reference_lsb_bound(const char *problem);

/* Errors of one output against its reference. An element counts as `mismatched` when
 * one side has a value and the other has none (masked, absent, NaN); such an element
 * is never within a tolerance. */
typedef struct {
    int tensor;
    size_t n;            /* elements compared */
    double dbl_abs;      /* max |x - r| of the double-precision evaluation */
    double dbl_rel;      /* max |x - r| / max(|r|, 1e-6 max|r|) of the double evaluation */
    double fx_abs;       /* max |x - r| of the fixed-point evaluation */
    size_t dbl_mismatched, fx_mismatched;
} RefError;

/* What `einsim eval` prints: the errors per output, the density of the work of every
 * Einsum on this data, and how many data-dependent choices (topk) the fixed-point run
 * made differently from the double one. */
typedef struct {
    RefError out[REF_MAX_OUTPUTS];
    int n;
    FuncDensity *density;    /* per Einsum of the checked cascade, double run; owned */
    int n_density;
    uint64_t choices;        /* topk output elements of the checked cascade */
    uint64_t choices_differ; /* of which the fixed-point run chose differently */
} RefReport;
void ref_report_free(RefReport *r);

/* Draws seeded uniform inputs in [lo, hi) on the 2^-F grid of `fx` (so both arithmetics
 * see the same values; inputs read from files keep their values), evaluates c in double
 * precision and in fixed point, and compares every output with the direct reference
 * (the fixed-point run against the reference made with its own choices). Returns 0, or
 * 1 with the reason in `d` (no reference for the problem, tensors too large, missing
 * N:M pattern). */
int reference_check(const Cascade *c, const RankBinding *b, const FxFormat *fx,
                    const NMPattern *nm, uint64_t seed, double lo, double hi, Diag *d,
                    RefReport *out);

/* As reference_check, but the reference is another cascade `ref` evaluated in double
 * precision on the same inputs: every input of c must be an input of ref with the same
 * dimension ranks (ref's other inputs get their own seeded values), and every output of
 * c a tensor of ref with the same ranks. Both are bound with `b_c` and `b_ref` (the same
 * sizes; each cascade's own ranks). Returns 0, or 1 with the reason in `d`. */
int reference_check_cascade(const Cascade *c, const RankBinding *b_c, const Cascade *ref,
                            const RankBinding *b_ref, const FxFormat *fx, const NMPattern *nm,
                            uint64_t seed, double lo, double hi, Diag *d, RefReport *out);

#endif
