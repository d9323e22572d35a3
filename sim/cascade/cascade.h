/* cascade.h — extended-Einsum cascades: source form, parsed IR and rank binding.
 *
 * A cascade is a list of Einsums over named ranks (FuseMax / TeAAL style). Syntax of one
 * Einsum (one string in the cascade file):
 *
 *   OUT[i, j] = expr                      map; ranks on the right but not the left are
 *                                         reduced by sum (products contract: GEMM)
 *   OUT[i] = sum(j: expr) | max(j: expr) | min(j: expr)   explicit reduction over j
 *   OUT[o, i] = prune(i: expr)            N:M pruning along rank i (top-N magnitudes of
 *                                         each group of M; pattern bound at evaluation)
 *   expr := expr (+|-) expr | expr (*|/) expr | -expr | (expr) | number | inf
 *         | T[idx, ...] | exp(expr) | max(expr, expr) | min(expr, expr)
 *   idx  := affine form of rank variables and rank sizes: m1*M0 + m0, m1 + 1, M1, 0
 *   R[m1+1, p] = f(R[m1, p], ...)         recurrence over the iterative rank m1
 *   R[0, p] = -inf                        its initial value (a constant)
 *
 * Rank variables are the lower-case names of ranks (rank M has variable m). Root ranks
 * are declared by the cascade; partitions "M -> M1, M0" add an outer rank M1 (size
 * ceil(M / M0)) and an inner rank M0 whose size is bound later (by the mapping or the
 * command line). Batch B and heads H are implicit outer ranks of every tensor and do
 * not appear in the text. An access outside a tensor's extent (the ragged tail of a
 * partitioned rank) reads an absent element: maps with an absent operand give absent,
 * reductions skip absent terms.
 *
 * The parser reports errors with the file:line of the string and the column inside
 * it; cascade_build also checks undefined tensors and ranks, shapes, and dependency
 * cycles that are not broken by a recurrence. */
#ifndef EINSIM_CASCADE_H
#define EINSIM_CASCADE_H

#include "cascade/ir.h"
#include "config/config.h"

/* Parses and checks a cascade. On success returns 0 and a new Cascade in *out (caller
 * frees with cascade_free); on failure returns 1, *out = NULL, errors in `d`. */
int cascade_build(const CascadeSrc *src, Diag *d, Cascade **out);

/* Reads the cascade of `path` (config_read_cascade: its `cascade` group, or a mapping's
 * inline one, after the `cascade.*` overrides) and builds it. Returns 0 with a new
 * Cascade in *out, or 1 with errors in `d` and *out = NULL. */
int cascade_load(const char *path, const Overrides *ov, Diag *d, Cascade **out);

#endif
