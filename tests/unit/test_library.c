/* test_library.c — the shipped cascade library against direct references:
 * every attention cascade equals softmax(QK^T)V in double precision (max relative
 * error <= 1e-9) on several shapes, ragged ones included (M not a multiple of M0), and
 * stays within the fixed-point bound of sim/func/README.md; GEMM and the N:M training layer match
 * their references; the worked 2:4 example of the training layer is reproduced. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cascade/cascade.h"
#include "check.h"
#include "sizes.h"
#include "config/config.h"
#include "func/interp.h"
#include "func/reference.h"
#include "util/util.h"

/* The fixed-point bound for attention of sim/func/README.md (16-bit words with 8 fractional bits,
 * 32-bit accumulators, inputs uniform on the 2^-8 grid in [-1, 1), E, F <= 64, M <= 256):
 * max |AV - reference| <= 16 LSB. Measured worst over 30 seeds x 5 shapes: 0.035
 * (1-pass), 0.032 (2-pass), 0.046 (3-pass: A = SN/SD is rounded before the product with
 * V), 0.042 (division deferred). */
#define LSB (1.0 / 256)
#define ATTENTION_BOUND (16 * LSB)

static Cascade *load(const char *path)
{
    Diag d;
    diag_init(&d);
    Cascade *c = NULL;
    if (cascade_load(path, NULL, &d, &c))
        diag_print(&d, stderr);
    diag_free(&d);
    CHECK(c != NULL);
    return c;
}

typedef struct {
    double dbl_rel, dbl_abs, fx_abs;
} Errs;

/* Runs cascade c through reference_check (the driver of `einsim eval`) with the default
 * fixed-point format; returns the worst errors over its outputs. */
static Errs run_fx(const Cascade *c, const RankSize *sz, int nsz, const NMPattern *nm,
                   uint64_t seed, const ArithSpec *arith);

static Errs run(const Cascade *c, const RankSize *sz, int nsz, const NMPattern *nm,
                uint64_t seed)
{
    return run_fx(c, sz, nsz, nm, seed, &(ArithSpec){ 16, 8, 32, 5 });
}

/* As run, with the fixed-point format `arith`. */
static Errs run_fx(const Cascade *c, const RankSize *sz, int nsz, const NMPattern *nm,
                   uint64_t seed, const ArithSpec *arith)
{
    Errs e = { 0 };
    Diag d;
    diag_init(&d);
    RankBinding b;
    FxFormat fx;
    RefReport rep;
    CHECK_EQ_INT(fx_format_init(&fx, arith), 0);
    if (cascade_bind(c, sz, nsz, true, &d, &b) || reference_check(c, &b, &fx, nm, seed, -1, 1, &d, &rep)) {
        diag_print(&d, stderr);
        CHECK(0);
        diag_free(&d);
        return (Errs){ INFINITY, INFINITY, INFINITY };
    }
    CHECK(rep.n > 0);
    for (int i = 0; i < rep.n; i++) {
        CHECK_EQ_INT(rep.out[i].dbl_mismatched, 0);
        CHECK_EQ_INT(rep.out[i].fx_mismatched, 0);
        e.dbl_rel = fmax(e.dbl_rel, rep.out[i].dbl_rel);
        e.dbl_abs = fmax(e.dbl_abs, rep.out[i].dbl_abs);
        e.fx_abs = fmax(e.fx_abs, rep.out[i].fx_abs);
    }
    ref_report_free(&rep);
    diag_free(&d);
    return e;
}

static void test_attention(void)
{
    static const struct { const char *file; double bound; } files[] = {
        { "workloads/cascades/attention-1pass.cfg", ATTENTION_BOUND },
        { "workloads/cascades/attention-2pass.cfg", ATTENTION_BOUND },
        { "workloads/cascades/attention-3pass.cfg", ATTENTION_BOUND },
        { "workloads/cascades/attention-3pass-deferred.cfg", ATTENTION_BOUND },
    };
    /* E, F, M, P, M0: square, ragged (M % M0 != 0), M < M0, a single key, larger. */
    static const int64_t shapes[][5] = {
        { 4, 3, 16, 5, 4 }, { 8, 8, 37, 9, 8 }, { 16, 16, 100, 7, 32 }, { 3, 5, 3, 2, 4 },
        { 2, 2, 1, 3, 2 }, { 64, 64, 200, 4, 64 }, { 64, 64, 256, 8, 32 }, { 64, 32, 256, 8, 256 },
    };
    double worst_fx[4] = { 0 };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        Cascade *c = load(files[f].file);
        if (!c)
            continue;
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            RankSize sz[] = {
                { "E", (uint64_t)shapes[s][0], { 0 } }, { "F", (uint64_t)shapes[s][1], { 0 } },
                { "M", (uint64_t)shapes[s][2], { 0 } }, { "P", (uint64_t)shapes[s][3], { 0 } },
                { "M0", (uint64_t)shapes[s][4], { 0 } },
            };
            Errs e = run(c, sz, 5, NULL, 11 + s);
            if (!(e.dbl_rel <= 1e-9) || !(e.fx_abs <= files[f].bound))
                fprintf(stderr, "%s shape %zu: double rel %.3g, fixed abs %.4g\n", files[f].file,
                        s, e.dbl_rel, e.fx_abs);
            CHECK(e.dbl_rel <= 1e-9);
            CHECK(e.fx_abs <= files[f].bound);
            worst_fx[f] = fmax(worst_fx[f], e.fx_abs);
        }
        printf("%s: worst fixed-point abs error %.5f (bound %.5f)\n", files[f].file, worst_fx[f],
               files[f].bound);
        cascade_free(c);
    }
}

/* Every masked, grouped, mixture-of-heads and linear variant against its direct
 * reference, on shapes with ragged chunks and blocks, over several seeds: double
 * precision within 1e-9 relative, fixed point within the bound of sim/func/README.md (16 LSB, the
 * fixed-point run judged with its own topk choices). */
static void test_variants(void)
{
    static const struct {
        const char *file;
        const char *shapes[4];
    } v[] = {
        { "workloads/cascades/attention-causal.cfg",
          { "E=8 F=8 M=37 P=37 M0=8", "E=16 F=8 M=64 P=64 M0=16", "E=4 F=4 M=5 P=5 M0=8",
            "E=8 F=8 M=40 P=24 M0=8" } },
        { "workloads/cascades/attention-causal-3pass.cfg",
          { "E=8 F=8 M=37 P=37", "E=16 F=8 M=64 P=64", "E=4 F=4 M=5 P=5", "E=8 F=8 M=40 P=24" } },
        { "workloads/cascades/attention-window.cfg",
          { "E=8 F=8 M=37 P=37 M0=8 W=10", "E=16 F=8 M=64 P=64 M0=16 W=5",
            "E=4 F=4 M=9 P=9 M0=4 W=1", "E=8 F=8 M=40 P=40 M0=8 W=64" } },
        { "workloads/cascades/attention-bigbird.cfg",
          { "E=8 F=8 M=60 P=60 M0=8 P0=8", "E=8 F=8 M=64 P=48 M0=4 P0=8",
            "E=4 F=4 M=7 P=9 M0=2 P0=3", "E=16 F=8 M=96 P=96 M0=16 P0=16" } },
        { "workloads/cascades/attention-blockmask.cfg",
          { "E=8 F=8 M=64 P=64 M0=1 P0=1", "E=8 F=8 M=128 P=128 M0=2 P0=2",
            "E=4 F=4 M=127 P=128 M0=2 P0=2", NULL } },
        { "workloads/cascades/attention-topk.cfg",
          { "E=8 F=8 M=64 P=64 M0=8 P0=8 KB=3", "E=8 F=8 M=60 P=60 M0=8 P0=8 KB=1",
            "E=16 F=8 M=64 P=64 M0=4 P0=4 KB=16", "E=8 F=4 M=40 P=40 M0=8 P0=8 KB=5" } },
        { "workloads/cascades/attention-gqa.cfg",
          { "E=8 F=8 M=20 P=20 M0=8 H=8 G=4", "E=8 F=8 M=20 P=20 M0=8 H=8 G=3",
            "E=4 F=4 M=16 P=16 M0=4 H=4 G=4", "E=8 F=8 M=16 P=16 M0=16 H=3 G=1" } },
        { "workloads/cascades/attention-mqa.cfg",
          { "E=8 F=8 M=20 P=20 M0=8 H=3", "E=16 F=8 M=33 P=33 M0=8 H=2",
            "E=4 F=4 M=4 P=4 M0=8 H=5", NULL } },
        { "workloads/cascades/moh-attention.cfg",
          { "E=8 F=8 M=16 P=16 M0=4 H=6 D=8 KH=4", "E=8 F=8 M=12 P=12 M0=4 H=4 D=16 KH=1",
            "E=4 F=4 M=9 P=9 M0=4 H=8 D=8 KH=8", NULL } },
        { "workloads/cascades/linear-attention.cfg",
          { "E=4 F=4 P=8", "E=4 F=4 P=16", "E=2 F=8 P=16", NULL } },
    };
    for (size_t f = 0; f < sizeof v / sizeof v[0]; f++) {
        Cascade *c = load(v[f].file);
        if (!c)
            continue;
        double worst_rel = 0, worst_fx = 0;
        for (int sh = 0; sh < 4 && v[f].shapes[sh]; sh++) {
            RankSize sz[CASCADE_MAX_RANKS];
            char names[CASCADE_MAX_RANKS][8];
            int n = parse_sizes(v[f].shapes[sh], sz, names, CASCADE_MAX_RANKS);
            for (uint64_t seed = 1; seed <= 8; seed++) {
                Errs e = run(c, sz, n, NULL, seed * 101 + (uint64_t)sh);
                if (!(e.dbl_rel <= 1e-9) || !(e.fx_abs <= ATTENTION_BOUND))
                    fprintf(stderr, "%s [%s] seed %llu: double rel %.3g, fixed abs %.4g\n",
                            v[f].file, v[f].shapes[sh], (unsigned long long)seed, e.dbl_rel,
                            e.fx_abs);
                CHECK(e.dbl_rel <= 1e-9);
                CHECK(e.fx_abs <= ATTENTION_BOUND);
                worst_rel = fmax(worst_rel, e.dbl_rel);
                worst_fx = fmax(worst_fx, e.fx_abs);
            }
        }
        printf("%s: worst double rel %.2e, worst fixed-point abs error %.5f (bound %.5f)\n",
               v[f].file, worst_rel, worst_fx, ATTENTION_BOUND);
        cascade_free(c);
    }
}

/* Linear attention's running state grows with the position: with 16-bit words it
 * saturates beyond E * seq of about 64; 24-bit words (8 fractional bits, 48-bit
 * accumulators) keep the bound of sim/func/README.md at E = F = 64 and 256 tokens. */
static void test_linear_width(void)
{
    Cascade *c = load("workloads/cascades/linear-attention.cfg");
    if (!c)
        return;
    RankSize sz[] = { { "E", 64, { 0 } }, { "F", 64, { 0 } }, { "P", 256, { 0 } } };
    double worst = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        Errs e = run_fx(c, sz, 3, NULL, seed, &(ArithSpec){ 24, 8, 48, 5 });
        CHECK(e.dbl_rel <= 1e-9);
        CHECK(e.fx_abs <= ATTENTION_BOUND);
        worst = fmax(worst, e.fx_abs);
    }
    printf("linear-attention, E = F = 64, 256 tokens, 24-bit words: worst fixed-point abs "
           "error %.5f\n", worst);
    cascade_free(c);
}

static void test_gemm_and_training(void)
{
    Cascade *g = load("workloads/cascades/gemm.cfg");
    if (g) {
        RankSize sz[] = { { "K", 13, { 0 } }, { "M", 7, { 0 } }, { "N", 5, { 0 } } };
        Errs e = run(g, sz, 3, NULL, 5);
        CHECK(e.dbl_abs <= 1e-12);
        CHECK(e.fx_abs <= 0.5 * LSB); /* grid inputs: exact products, one final rounding */
        cascade_free(g);
    }
    Cascade *t = load("workloads/cascades/nm-training.cfg");
    if (!t)
        return;
    static const char *pats[] = { "2:4", "2:8", "1:8", "4:8", "dense" };
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        NMPattern nm;
        CHECK_EQ_INT(nm_parse(pats[i], &nm), 0);
        RankSize sz[] = { { "O", 16, { 0 } }, { "I", 24, { 0 } }, { "N", 5, { 0 } } };
        Errs e = run(t, sz, 3, &nm, 9);
        CHECK(e.dbl_abs <= 1e-12);
        CHECK(e.fx_abs <= 0.5 * LSB); /* same masks in both arithmetics on grid inputs */
    }

    /* The worked 2:4 example (exact in both arithmetics: every value is a multiple of 2^-5). */
    static const double W[16] = { 0.875, -0.125, 0.375, 0.25, -0.25, 0.75, -0.625, 0.0625,
                                  0.5, 0.125, 0.1875, -0.4375, 0.3125, -0.4375, 0.125, 0.1875 };
    static const double X[4] = { 1, 2, -1, 0.5 }, DY[4] = { 1, -1, 0.5, 2 };
    static const double Y[4] = { 0.5, 2.125, 0.28125, -0.5625 };
    static const double DX[4] = { 1.125, -1.625, 1.0, 0.03125 };
    static const int fwd_keep[4][2] = { { 0, 2 }, { 1, 2 }, { 0, 3 }, { 0, 1 } };
    static const int bwd_keep[4][2] = { { 0, 2 }, { 1, 3 }, { 0, 1 }, { 0, 2 } };
    NMPattern nm;
    nm_parse("2:4", &nm);
    RankSize sz[] = { { "O", 4, { 0 } }, { "I", 4, { 0 } }, { "N", 1, { 0 } } };
    Diag d;
    diag_init(&d);
    RankBinding b;
    CHECK_EQ_INT(cascade_bind(t, sz, 3, false, &d, &b), 0);
    FxFormat fx;
    fx_format_init(&fx, &(ArithSpec){ 16, 8, 32, 5 });
    for (int mode = 0; mode < 2; mode++) {
        FuncEval *f = func_new(t, &b, mode ? FUNC_FIXED : FUNC_DOUBLE, &fx, &nm, &d);
        func_set_input(f, cascade_find_tensor(t, "W"), W);
        func_set_input(f, cascade_find_tensor(t, "X"), X);
        func_set_input(f, cascade_find_tensor(t, "DY"), DY);
        func_run(f);
        int wf = cascade_find_tensor(t, "WF"), wb = cascade_find_tensor(t, "WB");
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 4; i++) {
                int kf = i == fwd_keep[o][0] || i == fwd_keep[o][1];
                int kb = o == bwd_keep[i][0] || o == bwd_keep[i][1];
                CHECK(func_value(f, wf, (size_t)(o * 4 + i)) == (kf ? W[o * 4 + i] : 0));
                CHECK(func_value(f, wb, (size_t)(o * 4 + i)) == (kb ? W[o * 4 + i] : 0));
            }
        for (int k = 0; k < 4; k++) {
            CHECK(func_value(f, cascade_find_tensor(t, "Y"), (size_t)k) == Y[k]);
            CHECK(func_value(f, cascade_find_tensor(t, "DX"), (size_t)k) == DX[k]);
        }
        func_free(f);
    }
    diag_free(&d);
    cascade_free(t);
}

int main(void)
{
    test_attention();
    test_variants();
    test_linear_width();
    test_gemm_and_training();
    return CHECK_DONE();
}
