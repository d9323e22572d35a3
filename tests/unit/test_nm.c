/* test_nm.c — unit tests of N:M sparsity (sim/sparse/nm.h).
 *
 * Parsing, mask generation (including ties, strides and ragged groups), the integer
 * variant, metadata checks, compression, the bidirectional-pruning work ratio and the
 * worked 2:4 bidirectional-pruning example, whose numbers are exact in binary. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "sparse/nm.h"

static NMPattern pat(const char *s)
{
    NMPattern p = { 0 };
    CHECK_EQ_INT(nm_parse(s, &p), 0);
    return p;
}

/* Pointer to a parsed pattern, for passing to the nm_* functions inline. */
#define PAT(s) (&(NMPattern[1]){ pat(s) }[0])

/* The kept positions of keep[0..len) as a string like "1,5" (for readable failures). */
static const char *kept_str(const uint8_t *keep, size_t len, ptrdiff_t stride, char *buf)
{
    char *o = buf;
    *o = '\0';
    for (size_t i = 0; i < len; i++)
        if (keep[(ptrdiff_t)i * stride])
            o += sprintf(o, o == buf ? "%zu" : ",%zu", i);
    return buf;
}

static void test_parse(void)
{
    NMPattern p = { 0 };
    char buf[16];
    CHECK_EQ_INT(nm_parse("2:8", &p), 0);
    CHECK_EQ_INT(p.n, 2);
    CHECK_EQ_INT(p.m, 8);
    CHECK(!p.dense);
    nm_format(&p, buf, sizeof buf);
    CHECK_STR(buf, "2:8");
    CHECK_EQ_INT(nm_parse("64:64", &p), 0);
    CHECK_EQ_INT(p.m, 64);
    CHECK_EQ_INT(nm_parse("dense", &p), 0);
    CHECK(p.dense);
    CHECK_EQ_INT(p.n, 1);
    CHECK_EQ_INT(p.m, 1);
    nm_format(&p, buf, sizeof buf);
    CHECK_STR(buf, "dense");

    static const char *const bad[] = { "0:4", "5:4", "2:", "x", "2:65", ":4", "2:4x",
                                       " 2:4", "2 :4", "-1:4", "+2:4", "2:4:8", "",
                                       "Dense", "100:100" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        NMPattern q = { .n = 7, .m = 9 };
        int rc = nm_parse(bad[i], &q);
        if (rc != -1)
            fprintf(stderr, "nm_parse accepted \"%s\"\n", bad[i]);
        CHECK_EQ_INT(rc, -1);
        CHECK_EQ_INT(q.n, 7);                 /* untouched on error */
    }
    CHECK_EQ_INT(nm_parse(NULL, &p), -1);
}

static void test_mask(void)
{
    static const double g[8] = { 0.1, -0.5, 0.3, 0.05, -0.2, 0.7, 0.0, 0.4 };
    uint8_t keep[8];
    char buf[256];
    NMPattern p28 = pat("2:8"), p48 = pat("4:8"), p18 = pat("1:8"), pd = pat("dense");

    nm_mask(&p28, g, 8, 1, keep, 1);
    CHECK_STR(kept_str(keep, 8, 1, buf), "1,5");
    nm_mask(&p48, g, 8, 1, keep, 1);
    CHECK_STR(kept_str(keep, 8, 1, buf), "1,2,5,7");
    nm_mask(&p18, g, 8, 1, keep, 1);
    CHECK_STR(kept_str(keep, 8, 1, buf), "5");
    nm_mask(&pd, g, 8, 1, keep, 1);
    CHECK_STR(kept_str(keep, 8, 1, buf), "0,1,2,3,4,5,6,7");
    for (int i = 0; i < 8; i++)
        CHECK(keep[i] == 0 || keep[i] == 1);

    /* Ties: the lower index wins, also between +x and -x and between 0.0 and -0.0. */
    NMPattern p24 = pat("2:4");
    static const double t1[4] = { 0.5, -0.5, 0.5, 0.1 };
    nm_mask(&p24, t1, 4, 1, keep, 1);
    CHECK_STR(kept_str(keep, 4, 1, buf), "0,1");
    static const double t2[4] = { 0.1, 0.5, 0.2, -0.5 };
    nm_mask(&p24, t2, 4, 1, keep, 1);
    CHECK_STR(kept_str(keep, 4, 1, buf), "1,3");
    static const double t3[4] = { 0.0, -0.0, 0.0, 0.0 };
    nm_mask(&p24, t3, 4, 1, keep, 1);
    CHECK_STR(kept_str(keep, 4, 1, buf), "0,1");
    static const double t4[4] = { 0.25, 0.25, 0.25, 0.25 };
    nm_mask(PAT("1:4"), t4, 4, 1, keep, 1);
    CHECK_STR(kept_str(keep, 4, 1, buf), "0");
    static const double t5[4] = { 0.1, NAN, 9.0, 1.0 };
    nm_mask(PAT("1:4"), t5, 4, 1, keep, 1);
    CHECK_STR(kept_str(keep, 4, 1, buf), "1");

    /* Several groups along a rank of 12 with a ragged final group of 4 at 2:8: groups
     * [0,8) and [8,12). */
    static const double r[12] = { 1, 2, 3, 4, 5, 6, 7, 8, -9, 0.5, 9, 0.25 };
    uint8_t k12[12];
    nm_mask(&p28, r, 12, 1, k12, 1);
    CHECK_STR(kept_str(k12, 12, 1, buf), "6,7,8,10");
    /* Ragged group shorter than N keeps everything: 4:8 on 10 elements, last group 2. */
    nm_mask(&p48, r, 10, 1, k12, 1);
    CHECK_STR(kept_str(k12, 10, 1, buf), "4,5,6,7,8,9");
    /* 2:4 on 6 elements: the ragged group {4, 5} keeps both. */
    nm_mask(&p24, r, 6, 1, k12, 1);
    CHECK_STR(kept_str(k12, 6, 1, buf), "2,3,4,5");
    nm_mask(&p24, r, 0, 1, k12, 1);          /* empty rank: nothing written, no crash */
}

/* Columns of a row-major 3x8 matrix as ranks (stride = 8), with the mask written into a
 * separate row-major 3x8 byte matrix; then the rows (stride 1) of its transpose agree. */
static void test_strided(void)
{
    static const double a[8][3] = {   /* 8 rows (o), 3 columns (i) */
        { 0.1, 1, -3 }, { -0.5, 2, 0 }, { 0.3, 3, 1 }, { 0.05, 4, 0 },
        { -0.2, 5, 2 }, { 0.7, 6, 0 }, { 0.0, 7, -2 }, { 0.4, 8, 0 },
    };
    uint8_t keep[8][3];
    char buf[64];
    memset(keep, 0xAA, sizeof keep);
    NMPattern p = pat("2:8");
    for (int c = 0; c < 3; c++)
        nm_mask(&p, &a[0][c], 8, 3, &keep[0][c], 3);
    CHECK_STR(kept_str(&keep[0][0], 8, 3, buf), "1,5");
    CHECK_STR(kept_str(&keep[0][1], 8, 3, buf), "6,7");
    CHECK_STR(kept_str(&keep[0][2], 8, 3, buf), "0,4");  /* |-3|, then 2 beats -2 by index */

    /* Negative strides walk the rank backwards: ranks are in walk order, so the tie
     * between 2 (walk index 3) and -2 (walk index 1) now goes to -2. */
    uint8_t kb[8];
    nm_mask(&p, &a[7][2], 8, -3, kb, 1);
    CHECK_STR(kept_str(kb, 8, 1, buf), "1,7");

    /* Strided i64 variant on the same data scaled to integers agrees. */
    int64_t ai[8][3];
    for (int o = 0; o < 8; o++)
        for (int c = 0; c < 3; c++)
            ai[o][c] = (int64_t)(a[o][c] * 100);
    uint8_t ki[8][3];
    for (int c = 0; c < 3; c++) {
        nm_mask_i64(&p, &ai[0][c], 8, 3, &ki[0][c], 3);
        for (int o = 0; o < 8; o++)
            CHECK_EQ_INT(ki[o][c], keep[o][c]);
    }
}

static void test_mask_i64(void)
{
    static const int64_t g[8] = { 26, -128, 77, 13, -51, 179, 0, 102 };  /* the group * 256 */
    uint8_t keep[8];
    char buf[64];
    nm_mask_i64(PAT("2:8"), g, 8, 1, keep, 1);
    CHECK_STR(kept_str(keep, 8, 1, buf), "1,5");
    nm_mask_i64(PAT("4:8"), g, 8, 1, keep, 1);
    CHECK_STR(kept_str(keep, 8, 1, buf), "1,2,5,7");
    nm_mask_i64(PAT("1:8"), g, 8, 1, keep, 1);
    CHECK_STR(kept_str(keep, 8, 1, buf), "5");
    static const int64_t t[4] = { 128, -128, 128, 25 };
    nm_mask_i64(PAT("2:4"), t, 4, 1, keep, 1);
    CHECK_STR(kept_str(keep, 4, 1, buf), "0,1");
    /* Exact magnitudes at the extremes: |INT64_MIN| > INT64_MAX. */
    static const int64_t e[4] = { INT64_MAX, 1, INT64_MIN, -INT64_MAX };
    nm_mask_i64(PAT("1:4"), e, 4, 1, keep, 1);
    CHECK_STR(kept_str(keep, 4, 1, buf), "2");
    nm_mask_i64(PAT("2:4"), e, 4, 1, keep, 1);
    CHECK_STR(kept_str(keep, 4, 1, buf), "0,2");

    /* Agreement with the double variant on a pseudo-random sweep (values with many
     * ties: small integers), for several patterns and a ragged length. */
    static const char *const pats[] = { "1:4", "2:4", "2:8", "4:8", "3:7", "1:1", "dense" };
    uint32_t s = 12345;
    for (size_t pi = 0; pi < sizeof pats / sizeof pats[0]; pi++) {
        NMPattern p = pat(pats[pi]);
        for (int rep = 0; rep < 50; rep++) {
            enum { L = 29 };
            int64_t vi[L];
            double vd[L];
            uint8_t k1[L], k2[L];
            for (int i = 0; i < L; i++) {
                s = s * 1664525u + 1013904223u;
                vi[i] = (int64_t)((s >> 16) % 9) - 4;
                vd[i] = (double)vi[i];
            }
            nm_mask(&p, vd, L, 1, k1, 1);
            nm_mask_i64(&p, vi, L, 1, k2, 1);
            CHECK(memcmp(k1, k2, L) == 0);
        }
    }
}

static void test_meta(void)
{
    NMPattern p = pat("2:4"), q = pat("4:8");
    int pos = 99;
    CHECK_EQ_INT(nm_check_meta(&p, (const uint8_t[]){ 0, 3 }, &pos), NM_META_OK);
    CHECK_EQ_INT(pos, -1);
    CHECK_EQ_INT(nm_check_meta(&p, (const uint8_t[]){ 1, 1 }, &pos), NM_META_REPEATED);
    CHECK_EQ_INT(pos, 1);
    CHECK_EQ_INT(nm_check_meta(&p, (const uint8_t[]){ 2, 1 }, &pos), NM_META_UNSORTED);
    CHECK_EQ_INT(pos, 1);
    CHECK_EQ_INT(nm_check_meta(&p, (const uint8_t[]){ 0, 4 }, &pos), NM_META_OUT_OF_RANGE);
    CHECK_EQ_INT(pos, 1);
    CHECK_EQ_INT(nm_check_meta(&p, (const uint8_t[]){ 9, 1 }, &pos), NM_META_OUT_OF_RANGE);
    CHECK_EQ_INT(pos, 0);
    CHECK_EQ_INT(nm_check_meta(&q, (const uint8_t[]){ 0, 2, 5, 7 }, &pos), NM_META_OK);
    /* First problem from the left wins; at one position repeat beats order. */
    CHECK_EQ_INT(nm_check_meta(&q, (const uint8_t[]){ 1, 3, 1, 9 }, &pos), NM_META_REPEATED);
    CHECK_EQ_INT(pos, 2);
    CHECK_EQ_INT(nm_check_meta(&q, (const uint8_t[]){ 1, 5, 3, 3 }, &pos), NM_META_UNSORTED);
    CHECK_EQ_INT(pos, 2);
    CHECK_EQ_INT(nm_check_meta(&q, (const uint8_t[]){ 1, 2, 3, 255 }, NULL), NM_META_OUT_OF_RANGE);
    CHECK_EQ_INT(nm_check_meta(PAT("dense"), (const uint8_t[]){ 0 }, &pos), NM_META_OK);
    CHECK_EQ_INT(nm_check_meta(PAT("dense"), (const uint8_t[]){ 1 }, &pos), NM_META_OUT_OF_RANGE);
    CHECK_STR(nm_meta_error_str(NM_META_OK), "ok");
    CHECK_CONTAINS(nm_meta_error_str(NM_META_REPEATED), "repeated");
    CHECK_CONTAINS(nm_meta_error_str(NM_META_UNSORTED), "increasing");
    CHECK_CONTAINS(nm_meta_error_str(NM_META_OUT_OF_RANGE), "range");
}

static void test_compress(void)
{
    static const double g[8] = { 0.1, -0.5, 0.3, 0.05, -0.2, 0.7, 0.0, 0.4 };
    uint8_t keep[8], idx[4];
    double val[4];
    NMPattern p = pat("4:8");
    nm_mask(&p, g, 8, 1, keep, 1);
    nm_compress_group(&p, g, keep, val, idx);
    static const uint8_t ei[4] = { 1, 2, 5, 7 };
    static const double ev[4] = { -0.5, 0.3, 0.7, 0.4 };
    for (int k = 0; k < 4; k++) {
        CHECK_EQ_INT(idx[k], ei[k]);
        CHECK_NEAR(val[k], ev[k], 0.0);
    }
    CHECK_EQ_INT(nm_check_meta(&p, idx, NULL), NM_META_OK);

    /* Fewer kept than N: a ragged tail {-9, 0.5} padded by the caller to 8 with pruned
     * zeros keeps 0 and 1; padding takes the highest pruned positions 6 and 7. */
    static const double t[8] = { -9, 0.5, 0, 0, 0, 0, 0, 0 };
    static const uint8_t tk[8] = { 1, 1, 0, 0, 0, 0, 0, 0 };
    nm_compress_group(&p, t, tk, val, idx);
    static const uint8_t ti[4] = { 0, 1, 6, 7 };
    static const double tv[4] = { -9, 0.5, 0, 0 };
    for (int k = 0; k < 4; k++) {
        CHECK_EQ_INT(idx[k], ti[k]);
        CHECK_NEAR(val[k], tv[k], 0.0);
    }
    /* Padding merges into the order and carries 0, not the pruned value. */
    static const uint8_t mk[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    nm_compress_group(&p, g, mk, val, idx);
    static const uint8_t mi[4] = { 4, 5, 6, 7 };
    static const double mv[4] = { 0, 0, 0, 0.4 };
    for (int k = 0; k < 4; k++) {
        CHECK_EQ_INT(idx[k], mi[k]);
        CHECK_NEAR(val[k], mv[k], 0.0);
    }
    CHECK_EQ_INT(nm_check_meta(&p, idx, NULL), NM_META_OK);
}

static void test_work_ratio(void)
{
    CHECK_NEAR(nm_bdwp_work_ratio(PAT("2:4")), 2.0 / 3, 1e-15);
    CHECK_NEAR(nm_bdwp_work_ratio(PAT("4:8")), 2.0 / 3, 1e-15);
    CHECK_NEAR(nm_bdwp_work_ratio(PAT("2:8")), 0.5, 1e-15);
    CHECK_NEAR(nm_bdwp_work_ratio(PAT("1:8")), 5.0 / 12, 1e-15);
    CHECK_NEAR(nm_bdwp_work_ratio(PAT("dense")), 1.0, 0.0);
    CHECK_NEAR(1.0 / nm_bdwp_work_ratio(PAT("2:4")), 1.5, 1e-12);
    CHECK_NEAR(1.0 / nm_bdwp_work_ratio(PAT("2:8")), 2.0, 1e-12);
    CHECK_NEAR(1.0 / nm_bdwp_work_ratio(PAT("1:8")), 2.4, 1e-12);
}

/* The worked 2:4 bidirectional-pruning example. W[o][i] is row-major (row = output
 * channel o). Forward prunes along i (each row, stride 1); backward prunes along o
 * (each column, stride 4). All values are dyadic, so the results are exact. */
static void test_bdwp_example(void)
{
    static const double W[4][4] = {
        { 0.875, -0.125, 0.375, 0.25 },
        { -0.25, 0.75, -0.625, 0.0625 },
        { 0.5, 0.125, 0.1875, -0.4375 },
        { 0.3125, -0.4375, 0.125, 0.1875 },
    };
    static const double x[4] = { 1, 2, -1, 0.5 }, dy[4] = { 1, -1, 0.5, 2 };
    NMPattern p = pat("2:4");
    uint8_t kf[4][4], kb[4][4];
    char buf[64];

    for (int o = 0; o < 4; o++)
        nm_mask(&p, W[o], 4, 1, kf[o], 1);
    static const char *const fwd[4] = { "0,2", "1,2", "0,3", "0,1" };
    for (int o = 0; o < 4; o++)
        CHECK_STR(kept_str(kf[o], 4, 1, buf), fwd[o]);
    double Y[4];
    static const double eY[4] = { 0.5, 2.125, 0.28125, -0.5625 };
    for (int o = 0; o < 4; o++) {
        Y[o] = 0;
        for (int i = 0; i < 4; i++)
            Y[o] += kf[o][i] ? W[o][i] * x[i] : 0.0;
        CHECK_NEAR(Y[o], eY[o], 0.0);
    }

    for (int i = 0; i < 4; i++)
        nm_mask(&p, &W[0][i], 4, 4, &kb[0][i], 4);
    static const char *const bwd[4] = { "0,2", "1,3", "0,1", "0,2" };
    for (int i = 0; i < 4; i++)
        CHECK_STR(kept_str(&kb[0][i], 4, 4, buf), bwd[i]);
    double dX[4];
    static const double edX[4] = { 1.125, -1.625, 1.0, 0.03125 };
    for (int i = 0; i < 4; i++) {
        dX[i] = 0;
        for (int o = 0; o < 4; o++)
            dX[i] += kb[o][i] ? W[o][i] * dy[o] : 0.0;
        CHECK_NEAR(dX[i], edX[i], 0.0);
    }
}

int main(void)
{
    test_parse();
    test_mask();
    test_strided();
    test_mask_i64();
    test_meta();
    test_compress();
    test_work_ratio();
    test_bdwp_example();
    return CHECK_DONE();
}
