/* mask.h — what the masks of a cascade leave of each Einsum's work: the queries an
 * engine asks to skip masked tiles and to model data-dependent density.
 *
 * The work of an Einsum is its iteration space (its free and reduced ranks); a point
 * is live when its `where` predicate holds and every operand it reads has a value
 * (interp.h gives the semantics). Rule masks (predicates over indices) can be decided
 * for a whole block of the space from the ranges of its ranks; data masks (a predicate
 * that reads a tensor, such as a block-mask file or a topk choice) cannot: their density
 * is measured by evaluating the cascade on data (`einsim eval`, func_density in
 * sim/func/interp.h). */
#ifndef EINSIM_CASCADE_MASK_H
#define EINSIM_CASCADE_MASK_H

#include <stdint.h>

#include "cascade/ir.h"
#include "util/diag.h"

typedef enum {
    MASK_NONE,  /* dense: no mask reaches this Einsum's work */
    MASK_RULE,  /* thinned by index predicates only (causal, window, block rules) */
    MASK_DATA   /* thinned by data: a predicate reads a tensor (a block-mask file, a topk
                   choice), directly or through a masked operand */
} MaskKind;

/* How masks reach the work of Einsum `e`: its own `where` clause and select
 * predicates, and the masks of the operands it reads through maps (a reduction's
 * result has a value wherever its own where clause leaves a point, so masks upstream
 * of a reduction do not reach past it). */
MaskKind cascade_mask_kind(const Cascade *c, int e);

/* The mask on the work Einsum e does (the points it computes), for its cost: as above,
 * except that a topk's choice masks its result, not its work (it compares every element
 * of its operand). */
MaskKind cascade_work_mask_kind(const Cascade *c, int e);

typedef enum {
    BLOCK_LIVE,     /* every point of the block is live */
    BLOCK_DEAD,     /* no point is live: the block costs nothing */
    BLOCK_PARTIAL   /* some are, or it cannot be decided from the ranges (data masks) */
} BlockClass;

/* Classifies the block lo[r] <= var(r) < hi[r] of Einsum e's iteration space under
 * binding b; lo and hi are indexed by rank (CASCADE_MAX_RANKS entries); ranks outside
 * e's space are ignored, and an empty range (lo >= hi) is an internal error. The answer
 * is exact for a predicate that is one comparison of affine indices in which each rank
 * appears in one term, and for conjunctions whose answer is LIVE; otherwise it is
 * conservative: BLOCK_DEAD and BLOCK_LIVE are never claimed wrongly, and what cannot
 * be decided is BLOCK_PARTIAL. Elements outside a tensor's extent (a ragged last chunk,
 * an index before the first key) count as not live. */
BlockClass cascade_block_class(const Cascade *c, int e, const RankBinding *b, const int64_t *lo,
                               const int64_t *hi);

/* The same for the rule masks alone: a predicate that reads a tensor (a block-mask file,
 * a topk choice) is taken to hold wherever it is not negated. BLOCK_DEAD then means the
 * rules mask the whole block whatever the data; BLOCK_LIVE that only data can mask it. */
BlockClass cascade_block_class_rules(const Cascade *c, int e, const RankBinding *b,
                                     const int64_t *lo, const int64_t *hi);

/* Einsum e's own where clause alone over the box (ranges indexed by rank), the rules
 * only as above (BLOCK_LIVE when it has none): cheaper than the whole work's class, for
 * a caller that knows the Einsum's operands have values wherever it computes. */
BlockClass cascade_where_class(const Cascade *c, int e, const RankBinding *b, const int64_t *lo,
                               const int64_t *hi);

/* Reports (at the Einsum's file:line) every where clause that provably holds at no point
 * of its Einsum's iteration space under b — a window of 0, a contradiction — and
 * returns 1; 0 when there is none. (The proof uses the intervals above and pairs of
 * comparisons, so an empty mask of another shape may go unnoticed.) */
int cascade_check_masks(const Cascade *c, const RankBinding *b, Diag *d);

#endif
