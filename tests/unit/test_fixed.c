/* test_fixed.c — unit tests of the fixed-point arithmetic (sim/func/fixed.h).
 *
 * Exact bit patterns for rounding, saturation, division and exp in the default format
 * (W=16, F=8, A=32, T=5) and a wide one (W=32, F=16, A=64, T=5), plus an accuracy sweep
 * of exp. The exp bit patterns were computed by hand (x = +-1.0 in the default format)
 * and by an independent Python model of the fixed.h definition; they are the reference
 * values for the Verilog exp unit as well. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "func/fixed.h"

static FxFormat make(int W, int F, int A, int T)
{
    ArithSpec s = { .word_bits = W, .frac_bits = F, .acc_bits = A, .exp_terms = T };
    FxFormat f;
    int rc = fx_format_init(&f, &s);
    CHECK_EQ_INT(rc, 0);
    return f;
}

static int init_rc(int W, int F, int A, int T)
{
    ArithSpec s = { .word_bits = W, .frac_bits = F, .acc_bits = A, .exp_terms = T };
    FxFormat f;
    return fx_format_init(&f, &s);
}

static void test_init(void)
{
    CHECK_EQ_INT(init_rc(16, 8, 32, 5), 0);
    CHECK_EQ_INT(init_rc(2, 0, 3, 1), 0);
    CHECK_EQ_INT(init_rc(32, 30, 63, 8), 0);
    CHECK_EQ_INT(init_rc(1, 0, 8, 1), -1);     /* W < 2 */
    CHECK_EQ_INT(init_rc(33, 8, 64, 5), -1);   /* W > 32 */
    CHECK_EQ_INT(init_rc(16, 15, 40, 5), -1);  /* F > W - 2 */
    CHECK_EQ_INT(init_rc(16, -1, 32, 5), -1);
    CHECK_EQ_INT(init_rc(16, 8, 24, 5), -1);   /* A < W + F + 1 */
    CHECK_EQ_INT(init_rc(16, 8, 25, 5), 0);
    CHECK_EQ_INT(init_rc(16, 8, 65, 5), -1);   /* A > 64 */
    CHECK_EQ_INT(init_rc(16, 8, 32, 0), -1);   /* T < 1 */
    CHECK_EQ_INT(init_rc(16, 8, 32, FX_MAX_TERMS + 1), -1);

    FxFormat f = make(16, 8, 32, 5);
    CHECK_EQ_INT(f.wmin, -32768);
    CHECK_EQ_INT(f.wmax, 32767);
    CHECK_EQ_INT(f.amin, INT32_MIN);
    CHECK_EQ_INT(f.amax, INT32_MAX);
    CHECK_EQ_INT(f.log2e, 369);
    static const int64_t c16[] = { 256, 177, 61, 14, 2, 0 };
    for (int i = 0; i <= 5; i++)
        CHECK_EQ_INT(f.coef[i], c16[i]);

    FxFormat g = make(32, 16, 64, 5);
    CHECK_EQ_INT(g.wmin, INT32_MIN);
    CHECK_EQ_INT(g.wmax, INT32_MAX);
    CHECK_EQ_INT(g.amin, INT64_MIN);
    CHECK_EQ_INT(g.amax, INT64_MAX);
    CHECK_EQ_INT(g.log2e, 94548);
    static const int64_t c32[] = { 65536, 45427, 15738, 3661, 587, 124 };
    for (int i = 0; i <= 5; i++)
        CHECK_EQ_INT(g.coef[i], c32[i]);
}

static void test_round_shift(void)
{
    CHECK_EQ_INT(fx_round_shift(128, 8), 1);     /* +0.5 LSB -> 1 */
    CHECK_EQ_INT(fx_round_shift(127, 8), 0);
    CHECK_EQ_INT(fx_round_shift(384, 8), 2);     /* +1.5 -> 2 */
    CHECK_EQ_INT(fx_round_shift(-128, 8), 0);    /* -0.5 -> 0 (half up) */
    CHECK_EQ_INT(fx_round_shift(-129, 8), -1);
    CHECK_EQ_INT(fx_round_shift(-384, 8), -1);   /* -1.5 -> -1 */
    CHECK_EQ_INT(fx_round_shift(-385, 8), -2);
    CHECK_EQ_INT(fx_round_shift(-1, 1), 0);
    CHECK_EQ_INT(fx_round_shift(-3, 1), -1);
    CHECK_EQ_INT(fx_round_shift(-32768, 16), 0);
    CHECK_EQ_INT(fx_round_shift(-98304, 16), -1);
    CHECK_EQ_INT(fx_round_shift(-7, 0), -7);
    CHECK_EQ_INT(fx_round_shift(INT64_MAX, 63), 1);
    CHECK_EQ_INT(fx_round_shift(INT64_MIN, 63), -1);
    CHECK_EQ_INT(fx_round_shift(INT64_MAX, 1), (int64_t)1 << 62);
    CHECK_EQ_INT(fx_round_shift(INT64_MIN, 1), -((int64_t)1 << 62));
    CHECK_EQ_INT(fx_round_shift(INT64_MIN, 64), 0);
    CHECK_EQ_INT(fx_round_shift(INT64_MAX, 70), 0);
}

static void test_from_double(void)
{
    FxFormat f = make(16, 8, 32, 5);
    const double lsb = 1.0 / 256;
    CHECK_EQ_INT(fx_from_double(&f, 1.0), 256);
    CHECK_EQ_INT(fx_from_double(&f, -2.25), -576);
    CHECK_EQ_INT(fx_from_double(&f, 0.5 * lsb), 1);      /* ties away from zero */
    CHECK_EQ_INT(fx_from_double(&f, -0.5 * lsb), -1);
    CHECK_EQ_INT(fx_from_double(&f, 2.5 * lsb), 3);      /* not to even */
    CHECK_EQ_INT(fx_from_double(&f, -2.5 * lsb), -3);
    CHECK_EQ_INT(fx_from_double(&f, 0.49 * lsb), 0);
    CHECK_EQ_INT(fx_from_double(&f, -1.51 * lsb), -2);
    CHECK_EQ_INT(fx_from_double(&f, 32767 * lsb), 32767);
    CHECK_EQ_INT(fx_from_double(&f, 32767.5 * lsb), 32767); /* rounds to 32768, saturates */
    CHECK_EQ_INT(fx_from_double(&f, 128.0), 32767);
    CHECK_EQ_INT(fx_from_double(&f, -128.0), -32768);
    CHECK_EQ_INT(fx_from_double(&f, -128.5), -32768);
    CHECK_EQ_INT(fx_from_double(&f, 1e300), 32767);
    CHECK_EQ_INT(fx_from_double(&f, INFINITY), 32767);
    CHECK_EQ_INT(fx_from_double(&f, -INFINITY), -32768);
    CHECK_EQ_INT(fx_from_double(&f, NAN), 0);
    CHECK_NEAR(fx_to_double(&f, -576), -2.25, 0.0);
    CHECK_NEAR(fx_to_double(&f, 32767), 127.99609375, 0.0);

    FxFormat g = make(32, 16, 64, 5);
    const double glsb = 1.0 / 65536;
    CHECK_EQ_INT(fx_from_double(&g, 1.0), 65536);
    CHECK_EQ_INT(fx_from_double(&g, 0.5 * glsb), 1);
    CHECK_EQ_INT(fx_from_double(&g, -0.5 * glsb), -1);
    CHECK_EQ_INT(fx_from_double(&g, -1.5 * glsb), -2);
    CHECK_EQ_INT(fx_from_double(&g, 4.5 * glsb), 5);
    CHECK_EQ_INT(fx_from_double(&g, 32767.9999847412109375), INT32_MAX);
    CHECK_EQ_INT(fx_from_double(&g, 32768.0), INT32_MAX);
    CHECK_EQ_INT(fx_from_double(&g, -32768.0), INT32_MIN);
    CHECK_EQ_INT(fx_from_double(&g, -40000.0), INT32_MIN);
    CHECK_EQ_INT(fx_from_double(&g, INFINITY), INT32_MAX);
    CHECK_EQ_INT(fx_from_double(&g, -INFINITY), INT32_MIN);
    CHECK_NEAR(fx_to_double(&g, INT32_MIN), -32768.0, 0.0);
}

static void test_add_sub_mul(void)
{
    FxFormat f = make(16, 8, 32, 5);
    CHECK_EQ_INT(fx_add(&f, 100, -300), -200);
    CHECK_EQ_INT(fx_add(&f, 32767, 1), 32767);
    CHECK_EQ_INT(fx_add(&f, -32768, -1), -32768);
    CHECK_EQ_INT(fx_add(&f, 32767, 32767), 32767);
    CHECK_EQ_INT(fx_sub(&f, -32768, 1), -32768);
    CHECK_EQ_INT(fx_sub(&f, 32767, -1), 32767);
    CHECK_EQ_INT(fx_sub(&f, 0, -32768), 32767);
    CHECK_EQ_INT(fx_sub(&f, -32768, -32768), 0);
    CHECK_EQ_INT(fx_mul(&f, 512, 384), 768);          /* 2 * 1.5 = 3 */
    CHECK_EQ_INT(fx_mul(&f, -512, 384), -768);
    CHECK_EQ_INT(fx_mul(&f, 1, 128), 1);              /* 0.5 LSB rounds up */
    CHECK_EQ_INT(fx_mul(&f, -1, 128), 0);             /* -0.5 LSB -> 0 */
    CHECK_EQ_INT(fx_mul(&f, -3, 128), -1);            /* -1.5 LSB -> -1 */
    CHECK_EQ_INT(fx_mul(&f, 32767, 32767), 32767);
    CHECK_EQ_INT(fx_mul(&f, -32768, 32767), -32768);
    CHECK_EQ_INT(fx_mul(&f, -32768, -32768), 32767);
    CHECK_EQ_INT(fx_max(-3, 5), 5);
    CHECK_EQ_INT(fx_min(-3, 5), -3);

    FxFormat g = make(32, 16, 64, 5);
    CHECK_EQ_INT(fx_add(&g, INT32_MAX, 1), INT32_MAX);
    CHECK_EQ_INT(fx_add(&g, INT32_MIN, INT32_MIN), INT32_MIN);
    CHECK_EQ_INT(fx_sub(&g, INT32_MIN, INT32_MAX), INT32_MIN);
    CHECK_EQ_INT(fx_sub(&g, 0, INT32_MIN), INT32_MAX);
    CHECK_EQ_INT(fx_mul(&g, 3 * 65536, 32768), 98304);  /* 3 * 0.5 = 1.5 */
    CHECK_EQ_INT(fx_mul(&g, 1, 32768), 1);
    CHECK_EQ_INT(fx_mul(&g, -1, 32768), 0);
    CHECK_EQ_INT(fx_mul(&g, -3, 32768), -1);
    CHECK_EQ_INT(fx_mul(&g, INT32_MAX, INT32_MAX), INT32_MAX);
    CHECK_EQ_INT(fx_mul(&g, INT32_MIN, INT32_MIN), INT32_MAX);
    CHECK_EQ_INT(fx_mul(&g, INT32_MIN, INT32_MAX), INT32_MIN);
}

static void test_acc(void)
{
    FxFormat f = make(16, 8, 32, 5);
    CHECK_EQ_INT(fx_mac(&f, 0, 256, 256), 65536);
    CHECK_EQ_INT(fx_mac(&f, 100, -3, 5), 85);
    CHECK_EQ_INT(fx_mac(&f, INT32_MAX, 1, 1), INT32_MAX);
    CHECK_EQ_INT(fx_mac(&f, INT32_MIN, -1, 1), INT32_MIN);
    CHECK_EQ_INT(fx_mac(&f, INT32_MAX - 5, -32768, -32768), INT32_MAX);
    CHECK_EQ_INT(fx_acc_add(&f, 0, 3), 768);
    CHECK_EQ_INT(fx_acc_add(&f, 1000, -2), 488);
    CHECK_EQ_INT(fx_acc_add(&f, INT32_MAX - 10, 1), INT32_MAX);
    CHECK_EQ_INT(fx_acc_add(&f, INT32_MIN, -1), INT32_MIN);
    CHECK_EQ_INT(fx_from_acc(&f, 65536), 256);
    CHECK_EQ_INT(fx_from_acc(&f, 128), 1);
    CHECK_EQ_INT(fx_from_acc(&f, -128), 0);
    CHECK_EQ_INT(fx_from_acc(&f, -384), -1);
    CHECK_EQ_INT(fx_from_acc(&f, INT32_MAX), 32767);
    CHECK_EQ_INT(fx_from_acc(&f, INT32_MIN), -32768);
    /* A dot product 1.5*2 + (-0.25)*3 = 2.25 through the accumulator. */
    int64_t acc = fx_mac(&f, 0, 384, 512);
    acc = fx_mac(&f, acc, -64, 768);
    CHECK_EQ_INT(fx_from_acc(&f, acc), 576);

    FxFormat g = make(32, 16, 64, 5);
    CHECK_EQ_INT(fx_mac(&g, 0, INT32_MIN, INT32_MIN), (int64_t)1 << 62);
    CHECK_EQ_INT(fx_mac(&g, INT64_MAX, 1, 1), INT64_MAX);
    CHECK_EQ_INT(fx_mac(&g, INT64_MAX, INT32_MIN, INT32_MIN), INT64_MAX);
    CHECK_EQ_INT(fx_mac(&g, INT64_MIN, INT32_MIN, INT32_MAX), INT64_MIN);
    CHECK_EQ_INT(fx_mac(&g, INT64_MIN, -1, -1), INT64_MIN + 1);
    CHECK_EQ_INT(fx_acc_add(&g, INT64_MAX, INT32_MAX), INT64_MAX);
    CHECK_EQ_INT(fx_acc_add(&g, INT64_MIN, INT32_MIN), INT64_MIN);
    CHECK_EQ_INT(fx_acc_add(&g, 0, -1), -65536);
    CHECK_EQ_INT(fx_from_acc(&g, 32768), 1);
    CHECK_EQ_INT(fx_from_acc(&g, -32768), 0);
    CHECK_EQ_INT(fx_from_acc(&g, -98304), -1);
    CHECK_EQ_INT(fx_from_acc(&g, INT64_MAX), INT32_MAX);
    CHECK_EQ_INT(fx_from_acc(&g, INT64_MIN), INT32_MIN);
}

static void test_div(void)
{
    FxFormat f = make(16, 8, 32, 5);
    CHECK_EQ_INT(fx_div(&f, 256, 512), 128);       /* 1 / 2 = 0.5 */
    CHECK_EQ_INT(fx_div(&f, 768, 512), 384);       /* 3 / 2 = 1.5 */
    CHECK_EQ_INT(fx_div(&f, -768, 512), -384);
    CHECK_EQ_INT(fx_div(&f, 256, 768), 85);        /* 1/3: 85.33 truncated */
    CHECK_EQ_INT(fx_div(&f, -256, 768), -85);      /* toward zero, not -86 */
    CHECK_EQ_INT(fx_div(&f, 256, -768), -85);
    CHECK_EQ_INT(fx_div(&f, -256, -768), 85);
    CHECK_EQ_INT(fx_div(&f, -1, 3), -85);
    CHECK_EQ_INT(fx_div(&f, 0, 7), 0);
    CHECK_EQ_INT(fx_div(&f, 256, 1), 32767);       /* 256.0: saturates */
    CHECK_EQ_INT(fx_div(&f, -256, 1), -32768);
    CHECK_EQ_INT(fx_div(&f, -32768, -1), 32767);
    CHECK_EQ_INT(fx_div(&f, 5, 0), 32767);
    CHECK_EQ_INT(fx_div(&f, -5, 0), -32768);
    CHECK_EQ_INT(fx_div(&f, 0, 0), 0);

    FxFormat g = make(32, 16, 64, 5);
    CHECK_EQ_INT(fx_div(&g, 65536, 3 * 65536), 21845);
    CHECK_EQ_INT(fx_div(&g, -65536, 3 * 65536), -21845);
    CHECK_EQ_INT(fx_div(&g, 65536, -3 * 65536), -21845);
    CHECK_EQ_INT(fx_div(&g, 7 * 65536, 2 * 65536), 229376);  /* 3.5 exactly */
    CHECK_EQ_INT(fx_div(&g, 65536, 1), INT32_MAX);
    CHECK_EQ_INT(fx_div(&g, INT32_MIN, -1), INT32_MAX);
    CHECK_EQ_INT(fx_div(&g, INT32_MIN, 1), INT32_MIN);
    CHECK_EQ_INT(fx_div(&g, INT32_MAX, INT32_MAX), 65536);
    CHECK_EQ_INT(fx_div(&g, 1, 0), INT32_MAX);
    CHECK_EQ_INT(fx_div(&g, INT32_MIN, 0), INT32_MIN);
    CHECK_EQ_INT(fx_div(&g, 0, 0), 0);
}

/* Largest |fx_exp(x) - e^x| in LSBs relative to max(1, e^x) over every word x in
 * [-12, 4]. */
static double exp_sweep_err(const FxFormat *f)
{
    double worst = 0.0;
    int64_t one = (int64_t)1 << f->F;
    for (int64_t x = -12 * one; x <= 4 * one; x++) {
        double e = exp(fx_to_double(f, x));
        double err = fabs(fx_to_double(f, fx_exp(f, x)) - e) * (double)one / (e > 1.0 ? e : 1.0);
        if (err > worst)
            worst = err;
    }
    return worst;
}

static void test_exp(void)
{
    FxFormat f = make(16, 8, 32, 5);
    CHECK(llabs((long long)fx_exp(&f, 0) - 256) <= 1);
    CHECK_EQ_INT(fx_exp(&f, -32768), 0);                 /* minimum word = -inf */
    CHECK_EQ_INT(fx_exp(&f, 5 * 256), 32767);            /* e^5 > 127.996 */
    CHECK_EQ_INT(fx_exp(&f, 32767), 32767);
    /* Pinned bit patterns. exp(1.0) by hand: t = 256 * 369 = 94464, k = 1,
     * f = (94464 - 65536) >> 8 = 113; Horner from C5 = 0 gives y = 2, 15, 68, 207, 347;
     * result 347 * 2 = 694. exp(-1.0): t = -94464, k = -2, f = 143; y = 2, 15, 69, 216,
     * 377; round_shift(377, 2) = 94. */
    static const int64_t x16[] = { 0, 1, -1, 256, -256, 384, -384, 512, -512, 1000, -1000, 1024, -2048, -32767 };
    static const int64_t y16[] = { 256, 257, 254, 694, 94, 1144, 57, 1884, 35, 12640, 5, 13888, 0, 0 };
    for (size_t i = 0; i < sizeof x16 / sizeof x16[0]; i++)
        CHECK_EQ_INT(fx_exp(&f, x16[i]), y16[i]);
    /* Measured 2.4809 LSB (at x = 879/256 = 3.4336). */
    double e16 = exp_sweep_err(&f);
    CHECK(e16 <= 2.75);

    FxFormat g = make(32, 16, 64, 5);
    CHECK(llabs((long long)fx_exp(&g, 0) - 65536) <= 1);
    CHECK_EQ_INT(fx_exp(&g, INT32_MIN), 0);
    CHECK_EQ_INT(fx_exp(&g, 11 * 65536), INT32_MAX);     /* e^11 > 32768 */
    CHECK_EQ_INT(fx_exp(&g, INT32_MAX), INT32_MAX);
    static const int64_t x32[] = { 0, 1, -1, 65536, -65536, 98304, -98304, 131072, -131072,
                                   262144, -524288, 1000, -1000, -(INT32_MAX) };
    static const int64_t y32[] = { 65536, 65537, 65535, 178144, 24110, 293712, 14623, 484248,
                                   8869, 3578080, 22, 66543, 64544, 0 };
    for (size_t i = 0; i < sizeof x32 / sizeof x32[0]; i++)
        CHECK_EQ_INT(fx_exp(&g, x32[i]), y32[i]);
    /* Measured 2.3057 LSB (at x = 249067/65536 = 3.8005). */
    double e32 = exp_sweep_err(&g);
    CHECK(e32 <= 2.75);

    /* With F = W - 2 the minimum word is only -2.0: exp of it is 0 by the special case,
     * while its neighbour gives e^-1.99994 ~ 0.1353. */
    FxFormat h = make(16, 14, 31, 5);
    CHECK_EQ_INT(fx_exp(&h, -32768), 0);
    CHECK_NEAR(fx_to_double(&h, fx_exp(&h, -32767)), exp(-32767.0 / 16384), 2.0 / 16384);
}

int main(void)
{
    test_init();
    test_round_shift();
    test_from_double();
    test_add_sub_mul();
    test_acc();
    test_div();
    test_exp();
    return CHECK_DONE();
}
