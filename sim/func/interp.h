/* interp.h — the functional model: evaluates any cascade on real tensors.
 *
 * Two arithmetics: double precision (the reference for cascade correctness) and the
 * fixed-point arithmetic of fixed.h (bit-identical to the RTL). Semantics:
 *   - Einsums run in the cascade's order; those that iterate over the iterative rank
 *     run step by step (all of them for step 0, then step 1, ...);
 *   - an access outside a tensor's extent reads an absent element; a map with an absent
 *     operand is absent; reductions skip absent terms (absent if all are);
 *   - `where P` masks the points of an Einsum's iteration space where P is false: they
 *     add no term. An element with no unmasked point is masked; a map with a masked
 *     operand is masked (absent wins over masked); a reduction skips masked terms, and
 *     one whose unmasked points gave no present term but some masked one is its
 *     identity (sum 0, max -inf, min +inf), so a fully masked row is defined and a
 *     running max or sum over masked chunks carries on;
 *   - select(P, a, b) is a where P holds and b elsewhere (only that operand is read);
 *     a tensor in a predicate is true where its element is present and nonzero;
 *   - in double precision (-inf) - (-inf) is 0, as in fixed point (the minimum word
 *     minus itself), so a running max that has seen only masked steps rescales by
 *     exp(0) = 1 sums that are still 0;
 *   - fixed point: a sum whose map expression is a product accumulates exact products
 *     (fx_mac) and rounds once; any other sum accumulates words (fx_acc_add); max/min
 *     compare words; maps use fx_add/fx_sub/fx_mul/fx_div/fx_exp; constants go through
 *     fx_from_double (-inf becomes the minimum word);
 *   - prune(r: x) keeps, per group of M along rank r, the N largest |x| (ties: lower
 *     index) and writes 0 elsewhere; topk(r: x, k) writes 1 at the k largest present x
 *     along r (ties: lower index; all present ones when fewer) and 0 elsewhere;
 *   - inputs read from files (cascade.data) take the file's values in
 *     func_random_inputs.
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

/* The state of a tensor element. */
enum { FUNC_ABSENT = 0, FUNC_PRESENT = 1, FUNC_MASKED = 2 };

typedef struct {
    int ndim;
    int64_t dim[CASCADE_MAX_DIMS];  /* extents */
    size_t n;                       /* elements (product of extents) */
    double *d;                      /* FUNC_DOUBLE values, row-major; NULL in fixed mode */
    int64_t *q;                     /* FUNC_FIXED words, row-major; NULL in double mode */
    uint8_t *present;               /* FUNC_PRESENT, FUNC_ABSENT or FUNC_MASKED */
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
/* Makes this evaluation a window of a larger problem along rank `rank`: its index i there
 * is index origin + i of the whole, which `where` predicates compare (tensor accesses
 * stay within the window's tensors). A window of the queries of a causal cascade, say:
 * the rows of attention are independent, so each window gives the whole's rows. Call
 * before func_run. */
void func_set_origin(FuncEval *f, int rank, int64_t origin);
/* Runs every Einsum. */
void func_run(FuncEval *f);
const FuncTensor *func_tensor(const FuncEval *f, int t);
/* Element i of tensor t as a double (dequantised in fixed mode); NaN when absent or
 * masked. */
double func_value(const FuncEval *f, int t, size_t i);

/* The points of Einsum `einsum`'s iteration space that the runs so far evaluated, and
 * those that were live (unmasked by its `where`, every operand present): live / points
 * is the density of the work a masked Einsum does on this data. Prune and topk count
 * one point per element. */
typedef struct {
    uint64_t points, live;
} FuncDensity;
FuncDensity func_density(const FuncEval *f, int einsum);
/* Whether the point `var` (indexed by rank; each variable in 0 .. size-1, as at every
 * point of the iteration space) of Einsum `einsum`'s iteration space is live
 * after func_run: its where clause holds and every operand it reads has a value. For
 * sampling the density of a block of data-masked work. */
int func_point_live(const FuncEval *f, int einsum, const int64_t *var);

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
