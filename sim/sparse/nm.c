/* nm.c — N:M structured sparsity: parsing, mask generation, metadata checks.
 *
 * Mask generation ranks the elements of each group by magnitude with a strict total
 * order (larger magnitude first, then lower in-group index), so the result never
 * depends on sort stability or on the order of comparisons, and the RTL can reproduce
 * it with pairwise comparators. Groups are at most 64 elements, so the quadratic
 * ranking is cheap. */
#include "sparse/nm.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

/* Parses 1..2 decimal digits (no sign, no spaces) at *s into *out; advances *s. */
static int parse_small(const char **s, int *out)
{
    const char *p = *s;
    int v = 0, nd = 0;
    while (*p >= '0' && *p <= '9') {
        if (++nd > 2)
            return -1;
        v = v * 10 + (*p - '0');
        p++;
    }
    if (nd == 0)
        return -1;
    *s = p;
    *out = v;
    return 0;
}

int nm_parse(const char *text, NMPattern *p)
{
    if (!text)
        return -1;
    if (strcmp(text, "dense") == 0) {
        *p = (NMPattern){ .n = 1, .m = 1, .dense = true };
        return 0;
    }
    const char *s = text;
    int n, m;
    if (parse_small(&s, &n) != 0 || *s++ != ':' || parse_small(&s, &m) != 0 || *s != '\0')
        return -1;
    if (n < 1 || n > m || m > 64)
        return -1;
    *p = (NMPattern){ .n = n, .m = m, .dense = false };
    return 0;
}

void nm_format(const NMPattern *p, char *buf, size_t size)
{
    if (p->dense)
        snprintf(buf, size, "dense");
    else
        snprintf(buf, size, "%d:%d", p->n, p->m);
}

/* Magnitude key of a double: NaN ranks above every number (it is kept and propagates). */
static bool mag_gt_d(double a, double b)
{
    if (isnan(a))
        return !isnan(b);
    if (isnan(b))
        return false;
    return fabs(a) > fabs(b);
}

static uint64_t mag_i64(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* outranks(v, stride, a, b): element a (index along the rank) precedes element b in the
 * keep order; a strict total order for a != b. */
typedef bool (*Outranks)(const void *v, ptrdiff_t stride, size_t a, size_t b);

static bool outranks_d(const void *v, ptrdiff_t stride, size_t a, size_t b)
{
    const double *d = v;
    double x = d[(ptrdiff_t)a * stride], y = d[(ptrdiff_t)b * stride];
    if (mag_gt_d(x, y))
        return true;
    if (mag_gt_d(y, x))
        return false;
    return a < b;                      /* equal magnitudes: the lower index wins */
}

static bool outranks_i(const void *v, ptrdiff_t stride, size_t a, size_t b)
{
    const int64_t *d = v;
    uint64_t x = mag_i64(d[(ptrdiff_t)a * stride]), y = mag_i64(d[(ptrdiff_t)b * stride]);
    return x != y ? x > y : a < b;
}

static void mask_generic(const NMPattern *p, const void *v, size_t len, ptrdiff_t stride,
                         uint8_t *keep, ptrdiff_t keep_stride, Outranks outranks)
{
    if (p->dense || p->n >= p->m) {
        for (size_t i = 0; i < len; i++)
            keep[(ptrdiff_t)i * keep_stride] = 1;
        return;
    }
    size_t m = (size_t)p->m, n = (size_t)p->n;
    for (size_t g0 = 0; g0 < len; g0 += m) {
        size_t g1 = len - g0 < m ? len : g0 + m;
        for (size_t i = g0; i < g1; i++) {
            size_t rank = 0;           /* elements of the group that precede i */
            for (size_t j = g0; j < g1 && rank < n; j++)
                if (j != i && outranks(v, stride, j, i))
                    rank++;
            keep[(ptrdiff_t)i * keep_stride] = rank < n;
        }
    }
}

void nm_mask(const NMPattern *p, const double *v, size_t len, ptrdiff_t stride,
             uint8_t *keep, ptrdiff_t keep_stride)
{
    mask_generic(p, v, len, stride, keep, keep_stride, outranks_d);
}

void nm_mask_i64(const NMPattern *p, const int64_t *v, size_t len, ptrdiff_t stride,
                 uint8_t *keep, ptrdiff_t keep_stride)
{
    mask_generic(p, v, len, stride, keep, keep_stride, outranks_i);
}

NMMetaError nm_check_meta(const NMPattern *p, const uint8_t *idx, int *pos)
{
    for (int k = 0; k < p->n; k++) {
        NMMetaError e = NM_META_OK;
        if (idx[k] >= p->m) {
            e = NM_META_OUT_OF_RANGE;
        } else {
            for (int j = 0; j < k; j++)
                if (idx[j] == idx[k])
                    e = NM_META_REPEATED;
            if (e == NM_META_OK && k > 0 && idx[k] < idx[k - 1])
                e = NM_META_UNSORTED;
        }
        if (e != NM_META_OK) {
            if (pos)
                *pos = k;
            return e;
        }
    }
    if (pos)
        *pos = -1;
    return NM_META_OK;
}

const char *nm_meta_error_str(NMMetaError e)
{
    switch (e) {
    case NM_META_OK: return "ok";
    case NM_META_OUT_OF_RANGE: return "index out of range";
    case NM_META_REPEATED: return "repeated index";
    case NM_META_UNSORTED: return "indices not increasing";
    }
    return "unknown metadata error";
}

void nm_compress_group(const NMPattern *p, const double *v, const uint8_t *keep,
                       double *val_out, uint8_t *idx_out)
{
    int m = p->m, n = p->n, kept = 0;
    EINSIM_ASSERT(m >= 1 && m <= 64 && n >= 1 && n <= m);
    for (int i = 0; i < m; i++)
        kept += keep[i] != 0;
    EINSIM_ASSERT(kept <= n);
    int pad = n - kept;                /* highest-indexed pruned positions become padding */
    bool use[64] = { false };
    for (int i = m - 1; i >= 0; i--) {
        if (keep[i])
            use[i] = true;
        else if (pad > 0) {
            use[i] = true;
            pad--;
        }
    }
    int k = 0;
    for (int i = 0; i < m; i++) {
        if (!use[i])
            continue;
        val_out[k] = keep[i] ? v[i] : 0.0;
        idx_out[k] = (uint8_t)i;
        k++;
    }
    EINSIM_ASSERT(k == n);
}

double nm_bdwp_work_ratio(const NMPattern *p)
{
    if (p->dense)
        return 1.0;
    return (1.0 + 2.0 * p->n / p->m) / 3.0;
}
