/* fixed.c — the fixed-point arithmetic of fixed.h, in exact integer operations.
 *
 * Every operation follows the definitions in fixed.h literally; evaluation uses only
 * integer arithmetic (int64_t, and __int128 where an accumulator plus a product could
 * leave 64 bits), with floor division by powers of two written out explicitly so no
 * result depends on implementation-defined right shifts of negative numbers. Only
 * fx_format_init (the polynomial coefficients) and the double conversions use floating
 * point. Operands outside their declared range (word or accumulator) are internal
 * errors and trip an assertion. */
#include "func/fixed.h"

#include <math.h>

#include "util/util.h"

__extension__ typedef __int128 i128;

/* floor(x / 2^s) for 0 <= s <= 126, without shifting a negative number. */
static i128 floor_shift(i128 x, int s)
{
    if (x >= 0)
        return x >> s;
    return -((-x - 1) >> s) - 1;
}

static int64_t clamp(i128 x, int64_t lo, int64_t hi)
{
    return x < lo ? lo : x > hi ? hi : (int64_t)x;
}

static int64_t sat_w(const FxFormat *f, i128 x) { return clamp(x, f->wmin, f->wmax); }
static int64_t sat_a(const FxFormat *f, i128 x) { return clamp(x, f->amin, f->amax); }

static void assert_word(const FxFormat *f, int64_t v)
{
    EINSIM_ASSERT(v >= f->wmin && v <= f->wmax);
}

static void assert_acc(const FxFormat *f, int64_t v)
{
    EINSIM_ASSERT(v >= f->amin && v <= f->amax);
}

/* Monomial coefficients c[0..deg] of the degree-`deg` polynomial interpolating 2^x at
 * the deg + 1 Chebyshev nodes of [0, 1] (Newton divided differences, then expansion).
 * Pure function of `deg`: same inputs, same doubles. */
static void cheb_exp2_coefs(int deg, double *c)
{
    const double pi = 3.14159265358979323846;
    int n = deg + 1;
    double xs[FX_MAX_TERMS + 1], d[FX_MAX_TERMS + 1];

    for (int j = 0; j < n; j++) {
        xs[j] = 0.5 + 0.5 * cos((2 * j + 1) * pi / (2 * n));
        d[j] = exp2(xs[j]);
    }
    for (int k = 1; k < n; k++)               /* d[j] = f[x_0 .. x_j] */
        for (int j = n - 1; j >= k; j--)
            d[j] = (d[j] - d[j - 1]) / (xs[j] - xs[j - k]);
    /* p(x) = d0 + (x - x0)(d1 + (x - x1)(d2 + ...)), expanded from the inside out. */
    for (int i = 0; i < n; i++)
        c[i] = 0.0;
    c[0] = d[deg];
    for (int i = deg - 1; i >= 0; i--) {      /* c <- c * (x - x_i) + d_i */
        for (int k = deg - i; k >= 1; k--)
            c[k] = c[k - 1] - xs[i] * c[k];
        c[0] = d[i] - xs[i] * c[0];
    }
}

int fx_format_init(FxFormat *f, const ArithSpec *a)
{
    int W = a->word_bits, F = a->frac_bits, A = a->acc_bits, T = a->exp_terms;

    if (W < 2 || W > 32 || F < 0 || F > W - 2 || A < W + F + 1 || A > 64 || 2 * F >= A ||
        T < 1 || T > FX_MAX_TERMS)
        return -1;
    *f = (FxFormat){ .W = W, .F = F, .A = A, .T = T };
    f->wmax = (int64_t)(((uint64_t)1 << (W - 1)) - 1);
    f->wmin = -f->wmax - 1;
    f->amax = (int64_t)(((uint64_t)1 << (A - 1)) - 1);
    f->amin = -f->amax - 1;
    f->log2e = (int64_t)round(ldexp(1.4426950408889634074, F));

    double c[FX_MAX_TERMS + 1];
    cheb_exp2_coefs(T, c);
    for (int i = 0; i <= T; i++) {
        f->coef[i] = (int64_t)round(ldexp(c[i], F));
        EINSIM_ASSERT(f->coef[i] >= f->wmin && f->coef[i] <= f->wmax);
    }
    EINSIM_ASSERT(f->log2e <= f->wmax);
    return 0;
}

/* NaN converts to 0. */
int64_t fx_from_double(const FxFormat *f, double x)
{
    if (isnan(x))
        return 0;
    double s = round(ldexp(x, f->F));   /* exact scaling; round() ties away from zero */
    if (s <= (double)f->wmin)
        return f->wmin;
    if (s >= (double)f->wmax)
        return f->wmax;
    return (int64_t)s;
}

double fx_to_double(const FxFormat *f, int64_t v)
{
    return ldexp((double)v, -f->F);
}

int64_t fx_add(const FxFormat *f, int64_t a, int64_t b)
{
    assert_word(f, a);
    assert_word(f, b);
    return sat_w(f, (i128)a + b);
}

int64_t fx_sub(const FxFormat *f, int64_t a, int64_t b)
{
    assert_word(f, a);
    assert_word(f, b);
    return sat_w(f, (i128)a - b);
}

int64_t fx_mul(const FxFormat *f, int64_t a, int64_t b)
{
    assert_word(f, a);
    assert_word(f, b);
    return sat_w(f, fx_round_shift(a * b, f->F));   /* |a * b| <= 2^62 */
}

int64_t fx_div(const FxFormat *f, int64_t a, int64_t b)
{
    assert_word(f, a);
    assert_word(f, b);
    if (b == 0)
        return a > 0 ? f->wmax : a < 0 ? f->wmin : 0;
    int64_t num = a * ((int64_t)1 << f->F);          /* |num| <= 2^61 */
    return sat_w(f, num / b);                        /* C division truncates toward zero */
}

int64_t fx_sqrt(const FxFormat *f, int64_t x)
{
    assert_word(f, x);
    if (x <= 0)
        return 0;
    /* x / 2^F = v: sqrt(v) * 2^F = sqrt(x * 2^F), the integer square root of x << F. */
    uint64_t n = (uint64_t)x << f->F, r = 0;
    for (uint64_t bit = (uint64_t)1 << 62; bit; bit >>= 2)
        if (n >= r + bit) {
            n -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    return sat_w(f, (int64_t)r);
}

int64_t fx_max(int64_t a, int64_t b) { return a > b ? a : b; }
int64_t fx_min(int64_t a, int64_t b) { return a < b ? a : b; }

int64_t fx_mac(const FxFormat *f, int64_t acc, int64_t a, int64_t b)
{
    assert_acc(f, acc);
    assert_word(f, a);
    assert_word(f, b);
    return sat_a(f, (i128)acc + (i128)a * b);
}

int64_t fx_dot(const FxFormat *f, int64_t acc, const int64_t *a, int64_t sa, const int64_t *b,
               int64_t sb, int64_t n)
{
    assert_acc(f, acc);
    for (int64_t i = 0; i < n; i++, a += sa, b += sb) {
        assert_word(f, *a);
        assert_word(f, *b);
        acc = sat_a(f, (i128)acc + (i128)*a * *b);
    }
    return acc;
}

int64_t fx_acc_add(const FxFormat *f, int64_t acc, int64_t a)
{
    assert_acc(f, acc);
    assert_word(f, a);
    return sat_a(f, (i128)acc + (i128)a * ((int64_t)1 << f->F));
}

int64_t fx_from_acc(const FxFormat *f, int64_t acc)
{
    assert_acc(f, acc);
    return sat_w(f, fx_round_shift(acc, f->F));
}

/* s >= 0; any s >= 64 gives 0 for every int64 x. */
int64_t fx_round_shift(int64_t x, int s)
{
    EINSIM_ASSERT(s >= 0);
    if (s == 0)
        return x;
    if (s >= 64)
        return 0;
    return (int64_t)floor_shift((i128)x + ((i128)1 << (s - 1)), s);
}

/* sat_W(y * 2^k) for a word y and k >= 0. */
static int64_t sat_shl(const FxFormat *f, int64_t y, int64_t k)
{
    if (y == 0)
        return 0;
    if (k >= f->W)                       /* |y| >= 1, so |y * 2^k| >= 2^W: saturated */
        return y > 0 ? f->wmax : f->wmin;
    return sat_w(f, (i128)y * ((int64_t)1 << k));
}

int64_t fx_exp(const FxFormat *f, int64_t x)
{
    assert_word(f, x);
    if (x == f->wmin)
        return 0;
    int F = f->F;
    int64_t t = fx_mac(f, 0, x, f->log2e);   /* exact: |t| < 2^(W+F) <= 2^(A-1) */
    int64_t k = (int64_t)floor_shift(t, 2 * F);
    int64_t fr = (int64_t)floor_shift((i128)t - (i128)k * ((int64_t)1 << (2 * F)), F);
    int64_t y = f->coef[f->T];
    for (int i = f->T - 1; i >= 0; i--)
        y = fx_from_acc(f, fx_mac(f, f->coef[i] * ((int64_t)1 << F), y, fr));
    if (k >= 0)
        return sat_shl(f, y, k);
    return -k > f->W + F ? 0 : fx_round_shift(y, (int)-k);
}

NMMetaError nm_mac_group_fx(const FxFormat *f, const NMPattern *p, int64_t acc,
                            const int64_t *val, const uint8_t *idx, const int64_t *act,
                            int64_t *acc_out, int *pos)
{
    NMMetaError e = nm_check_meta(p, idx, pos);
    if (e != NM_META_OK)
        return e;
    for (int k = 0; k < p->n; k++)
        acc = fx_mac(f, acc, val[k], act[idx[k]]);
    *acc_out = acc;
    return NM_META_OK;
}
