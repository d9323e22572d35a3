/* fixed.h — the fixed-point arithmetic shared by the functional model and the RTL.
 *
 * One arithmetic, implemented twice bit-identically (here and in rtl/). A value is a
 * signed integer `v` meaning v / 2^F, stored in W bits (word); accumulators hold A bits
 * with 2F fractional bits. Every operation below is defined exactly — rounding,
 * saturation and the exp sequence — so the Verilog can match it bit for bit:
 *
 *   round_shift(x, s)  = floor((x + 2^(s-1)) / 2^s) for s >= 1 (round half up), x for 0
 *   sat_W(x)           = clamp(x, -2^(W-1), 2^(W-1) - 1); sat_A likewise with A bits
 *   from_double(x)     = sat_W(round-half-away-from-zero(x * 2^F)); -inf/inf saturate,
 *                        NaN gives 0
 *   add/sub(a, b)      = sat_W(a ± b)
 *   mul(a, b)          = sat_W(round_shift(a * b, F))
 *   mac(acc, a, b)     = sat_A(acc + a * b)              (acc in 2F fractional bits)
 *   acc_add(acc, a)    = sat_A(acc + a * 2^F)
 *   from_acc(acc)      = sat_W(round_shift(acc, F))
 *   div(a, b)          = sat_W(trunc_toward_zero(a * 2^F / b)); b = 0 gives max for
 *                        a > 0, min for a < 0, 0 for a = 0
 *   sqrt(x)            = floor(sqrt(x * 2^F)) for x > 0 (exact), 0 for x <= 0
 *   exp(x)             = 0 for x = -2^(W-1) (the minimum word stands for -inf; this
 *                        is a special case checked first), otherwise 1 + T MACs
 *                        (T = exp_terms):
 *       t   = mac(0, x, LOG2E)              (MAC 1, 2F fractional bits, exact in A bits)
 *       k   = floor(t / 2^2F); f = floor((t - k * 2^2F) / 2^F)   (0 <= f < 2^F)
 *       y   = C[T]; for i = T-1 .. 0: y = from_acc(mac(C[i] * 2^F, y, f))   (T MACs)
 *       result = k >= 0 ? sat_W(y * 2^k) : round_shift(y, -k)  (0 once -k > W + F)
 *     LOG2E = round(log2(e) * 2^F) and C[i] = round(c_i * 2^F) (rounding half away
 *     from zero), where c_0..c_T are the monomial coefficients of the degree-T
 *     polynomial interpolating 2^f at the T + 1 Chebyshev nodes
 *     f_j = (1 + cos((2j + 1) * pi / (2T + 2))) / 2, computed in double precision by
 *     fx_format_init. Because A >= W + F + 1, |t| < 2^(W-1) * 2^(F+1) <= 2^(A-1) and
 *     no MAC of exp ever saturates (only from_acc and the final sat_W can).
 *
 * Operands must lie in their declared range (words in W bits, accumulators in A bits);
 * anything else is an internal error and trips an assertion. */
#ifndef EINSIM_FIXED_H
#define EINSIM_FIXED_H

#include <stdint.h>

#include "config/spec.h"
#include "sparse/nm.h"

#define FX_MAX_TERMS 8

typedef struct {
    int W, F, A, T;            /* word bits, fractional bits, accumulator bits, exp terms */
    int64_t wmin, wmax;        /* word range */
    int64_t amin, amax;        /* accumulator range */
    int64_t log2e;             /* round(log2(e) * 2^F) */
    int64_t coef[FX_MAX_TERMS + 1]; /* C[0..T] */
} FxFormat;

/* Derives the constants of a format (LOG2E, C[0..T]) from the spec; deterministic.
 * Returns 0, or -1 if the widths are out of range (2 <= W <= 32, 0 <= F <= W - 2,
 * W + F + 1 <= A <= 64, 1 <= T <= FX_MAX_TERMS; 2F < A follows). */
int fx_format_init(FxFormat *f, const ArithSpec *a);

int64_t fx_from_double(const FxFormat *f, double x);
double  fx_to_double(const FxFormat *f, int64_t v);
int64_t fx_add(const FxFormat *f, int64_t a, int64_t b);
int64_t fx_sub(const FxFormat *f, int64_t a, int64_t b);
int64_t fx_mul(const FxFormat *f, int64_t a, int64_t b);
int64_t fx_div(const FxFormat *f, int64_t a, int64_t b);
int64_t fx_max(int64_t a, int64_t b);
int64_t fx_min(int64_t a, int64_t b);
int64_t fx_exp(const FxFormat *f, int64_t x);
/* Square root of a word, rounded down (the exact floor of sqrt(x) in the word's
 * fixed-point format); the square root of a negative word is 0. */
int64_t fx_sqrt(const FxFormat *f, int64_t x);
int64_t fx_mac(const FxFormat *f, int64_t acc, int64_t a, int64_t b);
/* n MACs in order: acc = mac(acc, a[i * sa], b[i * sb]) for i = 0 .. n-1 (saturating
 * after each, exactly as n calls of fx_mac). */
int64_t fx_dot(const FxFormat *f, int64_t acc, const int64_t *a, int64_t sa, const int64_t *b,
               int64_t sb, int64_t n);
int64_t fx_acc_add(const FxFormat *f, int64_t acc, int64_t a);
int64_t fx_from_acc(const FxFormat *f, int64_t acc);
/* round_shift above, for any int64 x and s >= 0 (0 for every x once s >= 64). */
int64_t fx_round_shift(int64_t x, int s);

/* The bit-exact fixed-point N:M MAC of one group, as the sparse PE computes it:
 * acc' = mac(... mac(mac(acc, val[0], act[idx[0]]), val[1], act[idx[1]]) ..., val[N-1],
 * act[idx[N-1]]) with fx_mac (exact products, saturation to A bits after each step), in
 * increasing index order. `act` holds the group's window of M activations (words).
 * The metadata is checked first (nm_check_meta): on invalid indices nothing is
 * computed, *acc_out is left alone and the error (and its position in *pos) returned. */
NMMetaError nm_mac_group_fx(const FxFormat *f, const NMPattern *p, int64_t acc,
                            const int64_t *val, const uint8_t *idx, const int64_t *act,
                            int64_t *acc_out, int *pos);

#endif
