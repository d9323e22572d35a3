/* nm.h — N:M structured sparsity: patterns, mask generation and metadata checks.
 *
 * N:M keeps at most N non-zeros in every group of M consecutive elements along a
 * rank. Mask generation keeps the N largest magnitudes of each group; when two
 * magnitudes tie the lower in-group index wins. A final group shorter than
 * M (rank size not a multiple of M) keeps min(N, its length) elements by the same rule.
 * A NaN ranks above every number (it is kept, so it propagates); -0.0 ties with 0.0.
 * Compressed metadata is, per group, N in-group indices that must be strictly
 * increasing and < M; anything else is invalid. */
#ifndef EINSIM_NM_H
#define EINSIM_NM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int n, m;     /* keep n of every m; dense is n = m = 1 */
    bool dense;
} NMPattern;

/* Parses "N:M" (1 <= N <= M <= 64, each one or two decimal digits, no sign or spaces)
 * or "dense". Returns 0, or -1 on bad text (then *p is unchanged). */
int nm_parse(const char *text, NMPattern *p);
/* Formats as "N:M" or "dense" into buf (at least 16 bytes). */
void nm_format(const NMPattern *p, char *buf, size_t size);

/* Mask of one rank: `len` values at v[0], v[stride], ...; keep[i * keep_stride] is set
 * to 1 for kept elements and 0 for pruned ones. Dense keeps everything. */
void nm_mask(const NMPattern *p, const double *v, size_t len, ptrdiff_t stride,
             uint8_t *keep, ptrdiff_t keep_stride);
/* The same on fixed-point (integer) values, comparing |v| exactly. */
void nm_mask_i64(const NMPattern *p, const int64_t *v, size_t len, ptrdiff_t stride,
                 uint8_t *keep, ptrdiff_t keep_stride);

typedef enum { NM_META_OK, NM_META_OUT_OF_RANGE, NM_META_REPEATED, NM_META_UNSORTED } NMMetaError;
/* Checks the N in-group indices of one group; returns the first problem found, scanning
 * left to right (at each position k: idx[k] >= M is out of range, else equal to any
 * earlier index is repeated, else idx[k] < idx[k-1] is unsorted), and stores its
 * position in *pos (-1 when OK; pos may be NULL). Dense (1:1) expects the index 0. */
NMMetaError nm_check_meta(const NMPattern *p, const uint8_t *idx, int *pos);
const char *nm_meta_error_str(NMMetaError e);

/* Compresses one group of `p->m` values (a short final group is padded by the caller
 * with pruned elements) with its mask into exactly N (value, index) pairs, in strictly
 * increasing index order. When fewer than N elements are kept, the N - kept
 * highest-indexed pruned positions are added as padding pairs with value 0 (not the
 * original value), merged into the increasing order; the result always passes
 * nm_check_meta. A mask keeping more than N elements is an internal error (assertion).
 * The caller owns the outputs (N entries each). */
void nm_compress_group(const NMPattern *p, const double *v, const uint8_t *keep,
                       double *val_out, uint8_t *idx_out);

/* Ideal dense-equivalent work ratio of one bidirectional-pruning training iteration
 * (forward and backward-data sparse, weight gradient dense): (1 + 2N/M) / 3. */
double nm_bdwp_work_ratio(const NMPattern *p);

#endif
