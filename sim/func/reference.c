/* reference.c — direct references of the problem families (reference.h) and the checks
 * of `einsim eval`: a cascade against its family's reference, or against another
 * cascade. The references are plain loops over the inputs in double precision; none of
 * them goes through a cascade. */
#include "func/reference.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* ---- tensors of the expected layout ---------------------------------------------------- */

/* A tensor the reference reads or writes: its values and the stride of each dimension. */
typedef struct {
    int t;                          /* cascade tensor, -1 when absent */
    const double *v;                /* inputs: the values */
    int64_t stride[CASCADE_MAX_DIMS];
} Ref;

/* Finds tensor `name` whose dimensions are exactly the ranks listed (NULL-terminated),
 * in order. Returns 0 with *r filled (values from inputs[] for an input), or 1 after
 * reporting the expected layout. */
static int need(const Cascade *c, const RankBinding *b, double *const *in, Diag *d,
                const char *name, Ref *r, ...)
{
    const char *want[CASCADE_MAX_DIMS + 1];
    int nw = 0;
    va_list ap;
    va_start(ap, r);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL && nw < CASCADE_MAX_DIMS;)
        want[nw++] = s;
    va_end(ap);
    int t = cascade_find_tensor(c, name);
    int ok = t >= 0 && c->tensors[t].ndim == nw;
    for (int k = 0; ok && k < nw; k++)
        ok = strcmp(c->ranks[c->tensors[t].dim_rank[k]].name, want[k]) == 0;
    if (!ok) {
        Buf m = {0};
        for (int k = 0; k < nw; k++)
            buf_printf(&m, "%s%s", k ? ", " : "", want[k]);
        diag_error(d, c->path, 0, "cascade %s (problem %s): the reference needs a tensor "
                   "%s[%s]", c->name, c->problem, name, m.s);
        buf_free(&m);
        return 1;
    }
    r->t = t;
    r->v = in[t];
    int64_t s = 1;
    for (int k = nw - 1; k >= 0; k--) {
        r->stride[k] = s;
        s *= cascade_dim_extent(c, b, t, k);
    }
    return 0;
}

static int64_t size_of(const Cascade *c, const RankBinding *b, const char *rank)
{
    int r = cascade_find_rank(c, rank);
    return r >= 0 ? b->size[r] : 0;
}

/* Reports a rank a family needs; returns its size, or 0 after reporting. */
static int64_t need_rank(const Cascade *c, const RankBinding *b, Diag *d, const char *rank)
{
    int64_t n = size_of(c, b, rank);
    if (n == 0)
        diag_error(d, c->path, 0, "cascade %s (problem %s): the reference needs a rank %s",
                   c->name, c->problem, rank);
    return n;
}

static double *add_out(RefOutputs *r, int tensor, size_t n)
{
    RefOutput *o = &r->out[r->n++];
    o->tensor = tensor;
    o->n = n;
    o->v = xcalloc(n, sizeof *o->v);
    return o->v;
}

/* Element (i, j) of a two-dimensional choice tensor of an evaluation: 1 when chosen. */
static int chosen(const FuncEval *f, const Ref *r, int64_t i, int64_t j)
{
    double v = func_value(f, r->t, (size_t)(i * r->stride[0] + j * r->stride[1]));
    return !isnan(v) && v != 0;
}

/* ---- softmax attention with masks and shared heads ----------------------------------------- */

typedef enum { MK_NONE, MK_CAUSAL, MK_WINDOW, MK_BIGBIRD, MK_BLOCKMASK, MK_TOPK } MaskRule;
typedef enum { HD_IMPLICIT, HD_GQA, HD_MQA } HeadRule;

typedef struct {
    const char *name;
    MaskRule mask;
    HeadRule heads;
} AttnFamily;

static const AttnFamily attn_families[] = {
    { "attention", MK_NONE, HD_IMPLICIT },
    { "attention-causal", MK_CAUSAL, HD_IMPLICIT },
    { "attention-window", MK_WINDOW, HD_IMPLICIT },
    { "attention-bigbird", MK_BIGBIRD, HD_IMPLICIT },
    { "attention-blockmask", MK_BLOCKMASK, HD_IMPLICIT },
    { "attention-topk", MK_TOPK, HD_IMPLICIT },
    { "attention-gqa", MK_NONE, HD_GQA },
    { "attention-gqa-causal", MK_CAUSAL, HD_GQA },
    { "attention-mqa", MK_NONE, HD_MQA },
    { "attention-mqa-causal", MK_CAUSAL, HD_MQA },
};

/* Everything the mask of one family needs. */
typedef struct {
    MaskRule rule;
    int64_t M, P, W, M0, P0, M1, P1;
    Ref bm;                  /* MK_BLOCKMASK */
    uint8_t *sel;            /* MK_TOPK: sel[m1 * P1 + p1] */
} Mask;

static int keep(const Mask *k, int64_t m, int64_t p)
{
    switch (k->rule) {
    case MK_NONE: return 1;
    case MK_CAUSAL: return m <= p;
    case MK_WINDOW: return m <= p && p - m < k->W;
    case MK_BIGBIRD: {
        int64_t qb = p / k->P0, kb = m / k->M0;
        return llabs(qb - kb) <= 1 || kb == 0 || kb == k->M1 - 1 || qb == 0 || qb == k->P1 - 1;
    }
    case MK_BLOCKMASK:
        return k->bm.v[(p / k->P0) * k->bm.stride[0] + (m / k->M0) * k->bm.stride[1]] != 0;
    case MK_TOPK: return m <= p && k->sel[(m / k->M0) * k->P1 + p / k->P0];
    }
    return 0;
}

/* MoBA-style selection per query block: its own key block, then the past key blocks
 * by the dot product of mean query and mean key (ties: the lower block), KB in all. */
static void topk_select(const double *q, const Ref *Q, const double *kk, const Ref *K, int64_t E,
                        int64_t kb, Mask *k)
{
    double *pq = xcalloc((size_t)E, sizeof *pq), *pk = xcalloc((size_t)(E * k->M1), sizeof *pk);
    double *s = xcalloc((size_t)k->M1, sizeof *s);
    for (int64_t m = 0; m < k->M; m++)
        for (int64_t e = 0; e < E; e++)
            pk[(m / k->M0) * E + e] += kk[e * K->stride[0] + m * K->stride[1]];
    for (int64_t i = 0; i < E * k->M1; i++)
        pk[i] /= (double)k->M0;
    for (int64_t p1 = 0; p1 < k->P1; p1++) {
        memset(pq, 0, (size_t)E * sizeof *pq);
        for (int64_t p = p1 * k->P0; p < (p1 + 1) * k->P0 && p < k->P; p++)
            for (int64_t e = 0; e < E; e++)
                pq[e] += q[e * Q->stride[0] + p * Q->stride[1]];
        for (int64_t m1 = 0; m1 < k->M1; m1++) {
            s[m1] = 0;
            for (int64_t e = 0; e < E; e++)
                s[m1] += pq[e] / (double)k->P0 * pk[m1 * E + e];
        }
        for (int64_t round = 0; round < kb; round++) {
            int64_t best = -1;
            for (int64_t m1 = 0; m1 <= p1 && m1 < k->M1; m1++) {
                if (k->sel[m1 * k->P1 + p1])
                    continue;
                if (best < 0 || m1 == p1 || (best != p1 && s[m1] > s[best]))
                    best = m1;
            }
            if (best < 0)
                break;
            k->sel[best * k->P1 + p1] = 1;
        }
    }
    free(pq);
    free(pk);
    free(s);
}

/* out[f] = sum_m softmax(s)[m] v[f, m] over the kept keys of one query; NaN when none. */
static void softmax_row(const double *s, const uint8_t *kept, int64_t M, const double *v,
                        int64_t vs_f, int64_t vs_m, int64_t F, double *out, int64_t os_f)
{
    double mx = -INFINITY, den = 0;
    for (int64_t m = 0; m < M; m++)
        if (kept[m])
            mx = fmax(mx, s[m]);
    for (int64_t f = 0; f < F; f++)
        out[f * os_f] = 0;
    if (mx == -INFINITY) {
        for (int64_t f = 0; f < F; f++)
            out[f * os_f] = NAN;
        return;
    }
    for (int64_t m = 0; m < M; m++) {
        if (!kept[m])
            continue;
        double w = exp(s[m] - mx);
        den += w;
        for (int64_t f = 0; f < F; f++)
            out[f * os_f] += w * v[f * vs_f + m * vs_m];
    }
    for (int64_t f = 0; f < F; f++)
        out[f * os_f] /= den;
}

static int ref_attention(const Cascade *c, const RankBinding *b, double *const *in,
                         const AttnFamily *fam, const FuncEval *dec, Diag *d, RefOutputs *r)
{
    Ref Q, K, V, AV;
    int bad;
    int64_t H = 1, G = 1;
    if (fam->heads == HD_IMPLICIT)
        bad = need(c, b, in, d, "Q", &Q, "E", "P", NULL) | need(c, b, in, d, "K", &K, "E", "M", NULL) |
              need(c, b, in, d, "V", &V, "F", "M", NULL) | need(c, b, in, d, "AV", &AV, "F", "P", NULL);
    else if (fam->heads == HD_MQA)
        bad = need(c, b, in, d, "Q", &Q, "E", "P", "H", NULL) | need(c, b, in, d, "K", &K, "E", "M", NULL) |
              need(c, b, in, d, "V", &V, "F", "M", NULL) |
              need(c, b, in, d, "AV", &AV, "F", "P", "H", NULL);
    else
        bad = need(c, b, in, d, "Q", &Q, "E", "P", "H", NULL) |
              need(c, b, in, d, "K", &K, "E", "M", "HK", NULL) |
              need(c, b, in, d, "V", &V, "F", "M", "HK", NULL) |
              need(c, b, in, d, "AV", &AV, "F", "P", "H", NULL) || !need_rank(c, b, d, "G");
    if (bad)
        return 1;
    if (fam->heads != HD_IMPLICIT)
        H = size_of(c, b, "H");
    if (fam->heads == HD_GQA)
        G = size_of(c, b, "G");
    int64_t E = size_of(c, b, "E"), F = size_of(c, b, "F"), M = size_of(c, b, "M"),
            P = size_of(c, b, "P");
    Mask k = { .rule = fam->mask, .M = M, .P = P };
    if (fam->mask == MK_WINDOW && !(k.W = need_rank(c, b, d, "W")))
        return 1;
    if (fam->mask == MK_BIGBIRD || fam->mask == MK_BLOCKMASK || fam->mask == MK_TOPK) {
        if (!(k.M0 = need_rank(c, b, d, "M0")) || !(k.P0 = need_rank(c, b, d, "P0")))
            return 1;
        k.M1 = (M + k.M0 - 1) / k.M0;
        k.P1 = (P + k.P0 - 1) / k.P0;
    }
    if (fam->mask == MK_BLOCKMASK && need(c, b, in, d, "BM", &k.bm, "P1", "M1", NULL))
        return 1;
    if (fam->mask == MK_TOPK) {
        Ref sel;
        int64_t kb = need_rank(c, b, d, "KB");
        if (!kb || need(c, b, in, d, "SEL", &sel, "M1", "P1", NULL))
            return 1;
        k.sel = xcalloc((size_t)(k.M1 * k.P1), 1);
        if (dec) {
            for (int64_t m1 = 0; m1 < k.M1; m1++)
                for (int64_t p1 = 0; p1 < k.P1; p1++)
                    k.sel[m1 * k.P1 + p1] = (uint8_t)chosen(dec, &sel, m1, p1);
        } else {
            topk_select(Q.v, &Q, K.v, &K, E, kb, &k);
        }
    }
    double *out = add_out(r, AV.t, (size_t)(F * P * H));
    double *s = xmalloc((size_t)M * sizeof *s);
    uint8_t *kept = xmalloc((size_t)M);
    for (int64_t h = 0; h < H; h++) {
        int64_t hk = fam->heads == HD_GQA ? h / G : 0;
        int64_t kh = fam->heads == HD_GQA ? hk * K.stride[2] : 0;
        int64_t vh = fam->heads == HD_GQA ? hk * V.stride[2] : 0;
        int64_t qh = fam->heads == HD_IMPLICIT ? 0 : h * Q.stride[2];
        int64_t oh = fam->heads == HD_IMPLICIT ? 0 : h * AV.stride[2];
        for (int64_t p = 0; p < P; p++) {
            for (int64_t m = 0; m < M; m++) {
                kept[m] = (uint8_t)keep(&k, m, p);
                double acc = 0;
                for (int64_t e = 0; e < E; e++)
                    acc += Q.v[e * Q.stride[0] + p * Q.stride[1] + qh] *
                           K.v[e * K.stride[0] + m * K.stride[1] + kh];
                s[m] = acc;
            }
            softmax_row(s, kept, M, V.v + vh, V.stride[0], V.stride[1], F,
                        out + p * AV.stride[1] + oh, AV.stride[0]);
        }
    }
    free(s);
    free(kept);
    free(k.sel);
    return 0;
}

/* ---- mixture of heads --------------------------------------------------------------------- */

static int ref_moh(const Cascade *c, const RankBinding *b, double *const *in, const FuncEval *dec,
                   Diag *d, RefOutputs *r)
{
    Ref Q, K, V, X, WR, AV, SELH;
    if (need(c, b, in, d, "Q", &Q, "E", "P", "H", NULL) | need(c, b, in, d, "K", &K, "E", "M", "H", NULL) |
        need(c, b, in, d, "V", &V, "F", "M", "H", NULL) | need(c, b, in, d, "X", &X, "D", "P", NULL) |
        need(c, b, in, d, "WR", &WR, "D", "H", NULL) | need(c, b, in, d, "AV", &AV, "F", "P", "H", NULL) |
        need(c, b, in, d, "SELH", &SELH, "H", "P", NULL) || !need_rank(c, b, d, "KH"))
        return 1;
    int64_t E = size_of(c, b, "E"), F = size_of(c, b, "F"), M = size_of(c, b, "M"),
            P = size_of(c, b, "P"), H = size_of(c, b, "H"), D = size_of(c, b, "D"),
            KH = size_of(c, b, "KH");
    double *out = add_out(r, AV.t, (size_t)(F * P * H));
    double *rl = xmalloc((size_t)H * sizeof *rl), *s = xmalloc((size_t)M * sizeof *s);
    double *head = xmalloc((size_t)F * sizeof *head);
    uint8_t *sel = xmalloc((size_t)H), *kept = xmalloc((size_t)M);
    for (int64_t p = 0; p < P; p++) {
        double mx = -INFINITY, den = 0;
        for (int64_t h = 0; h < H; h++) {
            rl[h] = 0;
            for (int64_t x = 0; x < D; x++)
                rl[h] += X.v[x * X.stride[0] + p * X.stride[1]] * WR.v[x * WR.stride[0] + h * WR.stride[1]];
            mx = fmax(mx, rl[h]);
            sel[h] = dec ? (uint8_t)chosen(dec, &SELH, h, p) : 0;
        }
        for (int64_t round = 0; !dec && round < KH; round++) {
            int64_t best = -1;
            for (int64_t h = 0; h < H; h++)
                if (!sel[h] && (best < 0 || rl[h] > rl[best]))
                    best = h;
            sel[best] = 1;
        }
        for (int64_t h = 0; h < H; h++)
            den += exp(rl[h] - mx);
        for (int64_t h = 0; h < H; h++) {
            for (int64_t f = 0; !sel[h] && f < F; f++)   /* an unchosen head: no output */
                out[f * AV.stride[0] + p * AV.stride[1] + h * AV.stride[2]] = NAN;
            if (!sel[h])
                continue;
            for (int64_t m = 0; m < M; m++) {
                kept[m] = m <= p;
                double acc = 0;
                for (int64_t e = 0; e < E; e++)
                    acc += Q.v[e * Q.stride[0] + p * Q.stride[1] + h * Q.stride[2]] *
                           K.v[e * K.stride[0] + m * K.stride[1] + h * K.stride[2]];
                s[m] = acc;
            }
            softmax_row(s, kept, M, V.v + h * V.stride[2], V.stride[0], V.stride[1], F, head, 1);
            double gate = exp(rl[h] - mx) / den;
            for (int64_t f = 0; f < F; f++)
                out[f * AV.stride[0] + p * AV.stride[1] + h * AV.stride[2]] = gate * head[f];
        }
    }
    free(rl);
    free(s);
    free(head);
    free(sel);
    free(kept);
    return 0;
}

/* ---- linear attention --------------------------------------------------------------------- */

static double phi(double x) { return x > 0 ? x + 1 : exp(x); }

static int ref_linear(const Cascade *c, const RankBinding *b, double *const *in, Diag *d,
                      RefOutputs *r)
{
    Ref Q, K, V, AV;
    if (need(c, b, in, d, "Q", &Q, "E", "P", NULL) | need(c, b, in, d, "K", &K, "E", "P", NULL) |
        need(c, b, in, d, "V", &V, "F", "P", NULL) | need(c, b, in, d, "AV", &AV, "F", "P", NULL))
        return 1;
    int64_t E = size_of(c, b, "E"), F = size_of(c, b, "F"), P = size_of(c, b, "P");
    double *out = add_out(r, AV.t, (size_t)(F * P));
    for (int64_t p = 0; p < P; p++) {
        double den = 0;
        for (int64_t f = 0; f < F; f++)
            out[f * AV.stride[0] + p * AV.stride[1]] = 0;
        for (int64_t m = 0; m <= p; m++) {
            double w = 0;
            for (int64_t e = 0; e < E; e++)
                w += phi(Q.v[e * Q.stride[0] + p * Q.stride[1]]) * phi(K.v[e * K.stride[0] + m * K.stride[1]]);
            den += w;
            for (int64_t f = 0; f < F; f++)
                out[f * AV.stride[0] + p * AV.stride[1]] += w * V.v[f * V.stride[0] + m * V.stride[1]];
        }
        for (int64_t f = 0; f < F; f++)
            out[f * AV.stride[0] + p * AV.stride[1]] /= den;
    }
    return 0;
}

/* ---- GEMM and N:M training ------------------------------------------------------------------ */

static int ref_gemm(const Cascade *c, const RankBinding *b, double *const *in, Diag *d,
                    RefOutputs *r)
{
    Ref A, B, Z;
    if (need(c, b, in, d, "A", &A, "K", "M", NULL) | need(c, b, in, d, "B", &B, "K", "N", NULL) |
        need(c, b, in, d, "Z", &Z, "M", "N", NULL))
        return 1;
    int64_t K = size_of(c, b, "K"), M = size_of(c, b, "M"), N = size_of(c, b, "N");
    double *out = add_out(r, Z.t, (size_t)(M * N));
    for (int64_t m = 0; m < M; m++)
        for (int64_t n = 0; n < N; n++) {
            double acc = 0;
            for (int64_t k = 0; k < K; k++)
                acc += A.v[k * M + m] * B.v[k * N + n];
            out[m * N + n] = acc;
        }
    return 0;
}

static int ref_training(const Cascade *c, const RankBinding *b, double *const *in,
                        const NMPattern *nm, Diag *d, RefOutputs *r)
{
    Ref w, x, dy, y, dx, dw;
    if (need(c, b, in, d, "W", &w, "O", "I", NULL) | need(c, b, in, d, "X", &x, "I", "N", NULL) |
        need(c, b, in, d, "DY", &dy, "O", "N", NULL) | need(c, b, in, d, "Y", &y, "O", "N", NULL) |
        need(c, b, in, d, "DX", &dx, "I", "N", NULL) | need(c, b, in, d, "DW", &dw, "O", "I", NULL))
        return 1;
    if (!nm) {
        diag_error(d, c->path, 0, "cascade %s: the N:M reference needs a pattern", c->name);
        return 1;
    }
    int64_t O = size_of(c, b, "O"), I = size_of(c, b, "I"), N = size_of(c, b, "N");
    const double *W = w.v, *Xv = x.v, *DYv = dy.v;
    uint8_t *kf = xcalloc((size_t)(O * I), 1), *kb = xcalloc((size_t)(O * I), 1);
    for (int64_t o = 0; o < O; o++) /* forward: groups along i (rows) */
        nm_mask(nm, W + o * I, (size_t)I, 1, kf + o * I, 1);
    for (int64_t i = 0; i < I; i++) /* backward: groups along o (columns) */
        nm_mask(nm, W + i, (size_t)O, I, kb + i, I);
    double *Y = add_out(r, y.t, (size_t)(O * N)), *DX = add_out(r, dx.t, (size_t)(I * N)),
           *DW = add_out(r, dw.t, (size_t)(O * I));
    for (int64_t o = 0; o < O; o++)
        for (int64_t n = 0; n < N; n++) {
            double acc = 0;
            for (int64_t i = 0; i < I; i++)
                acc += (kf[o * I + i] ? W[o * I + i] : 0) * Xv[i * N + n];
            Y[o * N + n] = acc;
        }
    for (int64_t i = 0; i < I; i++)
        for (int64_t n = 0; n < N; n++) {
            double acc = 0;
            for (int64_t o = 0; o < O; o++)
                acc += (kb[o * I + i] ? W[o * I + i] : 0) * DYv[o * N + n];
            DX[i * N + n] = acc;
        }
    for (int64_t o = 0; o < O; o++)
        for (int64_t i = 0; i < I; i++) {
            double acc = 0;
            for (int64_t n = 0; n < N; n++)
                acc += DYv[o * N + n] * Xv[i * N + n];
            DW[o * I + i] = acc;
        }
    free(kf);
    free(kb);
    return 0;
}

/* A convolution's training step (no masks: WF and WB are the masked weights as
 * inputs), from the definition: input row h = p*SH + r - R/2 of the IH rows for output
 * row p and kernel row r (the same along the IW columns), zero outside the image. A
 * pixel no output reads (a stride longer than the kernel) has no gradient (NaN: the
 * cascade leaves it masked). */
static int ref_conv_training(const Cascade *c, const RankBinding *b, double *const *in,
                             Diag *d, RefOutputs *r)
{
    Ref wf, wb, x, dy, y, dx, dw;
    if (need(c, b, in, d, "WF", &wf, "O", "C", "R", "S", NULL) |
        need(c, b, in, d, "WB", &wb, "O", "C", "R", "S", NULL) |
        need(c, b, in, d, "X", &x, "C", "IH", "IW", NULL) |
        need(c, b, in, d, "DY", &dy, "O", "P", "Q", NULL) |
        need(c, b, in, d, "Y", &y, "O", "P", "Q", NULL) |
        need(c, b, in, d, "DX", &dx, "C", "IH", "IW", NULL) |
        need(c, b, in, d, "DW", &dw, "O", "C", "R", "S", NULL))
        return 1;
    int64_t SH = need_rank(c, b, d, "SH"), SW = need_rank(c, b, d, "SW");
    if (!SH || !SW)
        return 1;
    int64_t O = size_of(c, b, "O"), C = size_of(c, b, "C"), R = size_of(c, b, "R"),
            S = size_of(c, b, "S"), P = size_of(c, b, "P"), Q = size_of(c, b, "Q"),
            H = size_of(c, b, "IH"), W = size_of(c, b, "IW");
    double *Y = add_out(r, y.t, (size_t)(O * P * Q)), *DX = add_out(r, dx.t, (size_t)(C * H * W)),
           *DW = add_out(r, dw.t, (size_t)(O * C * R * S));
    uint8_t *read = xcalloc((size_t)(C * H * W), 1);   /* pixels some output reads */
    for (int64_t o = 0; o < O; o++)
        for (int64_t cc = 0; cc < C; cc++)
            for (int64_t rr = 0; rr < R; rr++)
                for (int64_t ss = 0; ss < S; ss++) {
                    size_t wi = (size_t)(((o * C + cc) * R + rr) * S + ss);
                    for (int64_t p = 0; p < P; p++)
                        for (int64_t q = 0; q < Q; q++) {
                            int64_t h = p * SH + rr - R / 2, w = q * SW + ss - S / 2;
                            if (h < 0 || h >= H || w < 0 || w >= W)
                                continue;
                            size_t xi = (size_t)((cc * H + h) * W + w);
                            size_t yi = (size_t)((o * P + p) * Q + q);
                            Y[yi] += wf.v[wi] * x.v[xi];
                            DX[xi] += wb.v[wi] * dy.v[yi];
                            DW[wi] += dy.v[yi] * x.v[xi];
                            read[xi] = 1;
                        }
                }
    for (int64_t i = 0; i < C * H * W; i++)
        if (!read[i])
            DX[i] = NAN;
    free(read);
    return 0;
}

/* ---- families ----------------------------------------------------------------------------- */

/* The fixed-point bounds of sim/func/README.md (LSB of the output word) per family. */
static const struct { const char *problem; double lsb; } lsb_bounds[] = {
    { "attention", 16 }, { "attention-causal", 16 }, { "attention-window", 16 },
    { "attention-bigbird", 16 }, { "attention-blockmask", 16 }, { "attention-topk", 16 },
    { "attention-gqa", 16 }, { "attention-gqa-causal", 16 }, { "attention-mqa", 16 },
    { "attention-mqa-causal", 16 }, { "moh-attention", 16 }, { "linear-attention", 16 },
    { "gemm", 0.5 }, { "nm-training", 0.5 }, { "conv-training", 16 },
};

double reference_lsb_bound(const char *problem)
{
    for (size_t i = 0; i < sizeof lsb_bounds / sizeof lsb_bounds[0]; i++)
        if (strcmp(lsb_bounds[i].problem, problem) == 0)
            return lsb_bounds[i].lsb;
    return 0;
}

int reference_eval(const Cascade *c, const RankBinding *b, double *const *inputs,
                   const NMPattern *nm, const FuncEval *decisions, Diag *d, RefOutputs *out)
{
    memset(out, 0, sizeof *out);
    int rc = -1;
    for (size_t i = 0; i < sizeof attn_families / sizeof attn_families[0]; i++)
        if (strcmp(c->problem, attn_families[i].name) == 0)
            rc = ref_attention(c, b, inputs, &attn_families[i], decisions, d, out);
    if (rc >= 0)
        ;
    else if (strcmp(c->problem, "moh-attention") == 0)
        rc = ref_moh(c, b, inputs, decisions, d, out);
    else if (strcmp(c->problem, "linear-attention") == 0)
        rc = ref_linear(c, b, inputs, d, out);
    else if (strcmp(c->problem, "gemm") == 0)
        rc = ref_gemm(c, b, inputs, d, out);
    else if (strcmp(c->problem, "nm-training") == 0)
        rc = ref_training(c, b, inputs, nm, d, out);
    else if (strcmp(c->problem, "conv-training") == 0)
        rc = ref_conv_training(c, b, inputs, d, out);
    else {
        Buf k = {0};
        for (size_t i = 0; i < sizeof lsb_bounds / sizeof lsb_bounds[0]; i++)
            buf_printf(&k, "%s%s", i ? ", " : "", lsb_bounds[i].problem);
        diag_error(d, c->path, 0, "cascade %s: no reference for problem '%s' (known: %s; "
                   "or compare with another cascade: eval --ref)", c->name, c->problem, k.s);
        buf_free(&k);
        rc = 1;
    }
    if (rc)
        reference_free(out);
    return rc;
}

void reference_free(RefOutputs *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->out[i].v);
    memset(r, 0, sizeof *r);
}

void ref_report_free(RefReport *r)
{
    free(r->density);
    memset(r, 0, sizeof *r);
}

/* ---- checks -------------------------------------------------------------------------------- */

/* Element i of tensor t of an evaluation, NaN when it has no value. */
static double value_of(const FuncEval *f, int t, size_t i)
{
    return func_tensor(f, t)->present[i] == FUNC_PRESENT ? func_value(f, t, i) : NAN;
}

/* Errors of output t_c of the double (fd) and fixed (fq) evaluations against ref[]
 * (NaN: no value expected). A present NaN never matches. */
static RefError compare(const FuncEval *fd, const FuncEval *fq, int t_c, const double *ref, size_t n)
{
    RefError e = { .tensor = t_c, .n = n };
    double rmax = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(ref[i]))
            rmax = fmax(rmax, fabs(ref[i]));
    double floor_ = 1e-6 * rmax > 0 ? 1e-6 * rmax : 1e-300;
    for (size_t i = 0; i < n; i++) {
        double r = ref[i];
        for (int side = 0; side < 2; side++) {
            const FuncEval *f = side ? fq : fd;
            int has = func_tensor(f, t_c)->present[i] == FUNC_PRESENT;
            double x = func_value(f, t_c, i);
            if (has != !isnan(r) || (has && isnan(x))) {
                *(side ? &e.fx_mismatched : &e.dbl_mismatched) += 1;
            } else if (has && side) {
                e.fx_abs = fmax(e.fx_abs, fabs(x - r));
            } else if (has) {
                e.dbl_abs = fmax(e.dbl_abs, fabs(x - r));
                e.dbl_rel = fmax(e.dbl_rel, fabs(x - r) / fmax(fabs(r), floor_));
            }
        }
    }
    return e;
}

/* Density per Einsum of fd, and the topk choices of fq that differ from fd's. */
static void summarise(const Cascade *c, const FuncEval *fd, const FuncEval *fq, RefReport *out)
{
    out->n_density = c->n_einsums;
    out->density = xcalloc((size_t)c->n_einsums + 1, sizeof *out->density);
    for (int i = 0; i < c->n_einsums; i++) {
        out->density[i] = func_density(fd, i);
        const Einsum *e = &c->einsums[i];
        if (e->red != RED_TOPK)
            continue;
        size_t n = func_tensor(fd, e->out)->n;
        for (size_t k = 0; k < n; k++) {
            double a = value_of(fd, e->out, k), q = value_of(fq, e->out, k);
            out->choices++;
            out->choices_differ += (a != 0 && !isnan(a)) != (q != 0 && !isnan(q));
        }
    }
}

/* The double and fixed-point evaluations of one cascade (created, not run: creating
 * them checks the sizes and the N:M pattern before anything is computed). */
static int new_both(const Cascade *c, const RankBinding *b, const FxFormat *fx,
                    const NMPattern *nm, Diag *d, FuncEval **fd, FuncEval **fq)
{
    *fd = func_new(c, b, FUNC_DOUBLE, NULL, nm, d);
    *fq = *fd ? func_new(c, b, FUNC_FIXED, fx, nm, d) : NULL;
    if (*fq)
        return 0;
    func_free(*fd);
    *fd = NULL;
    return 1;
}

/* Runs both evaluations on the given inputs. */
static void run_both(const Cascade *c, double *const *in, FuncEval *fd, FuncEval *fq)
{
    for (int t = 0; t < c->n_tensors; t++)
        if (in[t]) {
            func_set_input(fd, t, in[t]);
            func_set_input(fq, t, in[t]);
        }
    func_run(fd);
    func_run(fq);
}

int reference_check(const Cascade *c, const RankBinding *b, const FxFormat *fx,
                    const NMPattern *nm, uint64_t seed, double lo, double hi, Diag *d,
                    RefReport *out)
{
    memset(out, 0, sizeof *out);
    FuncEval *fd, *fq;
    if (new_both(c, b, fx, nm, d, &fd, &fq))
        return 1;
    double **in = func_random_inputs(c, b, seed, lo, hi, ldexp(1.0, -fx->F));
    RefOutputs ref, ref_q;
    int rc = reference_eval(c, b, in, nm, NULL, d, &ref);
    if (rc == 0) {
        run_both(c, in, fd, fq);
        /* The fixed-point run is judged against the reference of its own choices (the
         * same reference when the cascade makes none). */
        int chooses = 0;
        for (int i = 0; i < c->n_einsums; i++)
            chooses |= c->einsums[i].red == RED_TOPK;
        if ((rc = chooses ? reference_eval(c, b, in, nm, fq, d, &ref_q) : 0) == 0) {
            if (!chooses)
                ref_q = ref;
            for (int i = 0; i < ref.n; i++) {
                RefError ed = compare(fd, fq, ref.out[i].tensor, ref.out[i].v, ref.out[i].n);
                RefError eq = compare(fd, fq, ref_q.out[i].tensor, ref_q.out[i].v, ref_q.out[i].n);
                ed.fx_abs = eq.fx_abs;
                ed.fx_mismatched = eq.fx_mismatched;
                out->out[out->n++] = ed;
            }
            summarise(c, fd, fq, out);
            if (chooses)
                reference_free(&ref_q);
        }
        reference_free(&ref);
    }
    func_free(fd);
    func_free(fq);
    func_inputs_free(c, in);
    return rc;
}

/* Checks that tensor `name` of ref has the dimension ranks of tensor t of c (by name);
 * returns its index, or -1 after reporting. */
static int same_tensor(const Cascade *c, int t, const Cascade *ref, const char *what, Diag *d)
{
    const CascadeTensor *x = &c->tensors[t];
    int u = cascade_find_tensor(ref, x->name);
    int ok = u >= 0 && ref->tensors[u].ndim == x->ndim && ref->tensors[u].recur_dim < 0 &&
             (!x->is_input || ref->tensors[u].is_input);
    for (int k = 0; ok && k < x->ndim; k++)
        ok = strcmp(c->ranks[x->dim_rank[k]].name, ref->ranks[ref->tensors[u].dim_rank[k]].name) == 0;
    if (!ok)
        diag_error(d, ref->path, 0, "eval --ref: %s %s of cascade %s has no counterpart with "
                   "the same dimension ranks in cascade %s", what, x->name, c->name, ref->name);
    return ok ? u : -1;
}

int reference_check_cascade(const Cascade *c, const RankBinding *b_c, const Cascade *ref,
                            const RankBinding *b_ref, const FxFormat *fx, const NMPattern *nm,
                            uint64_t seed, double lo, double hi, Diag *d, RefReport *out)
{
    memset(out, 0, sizeof *out);
    int pairs[REF_MAX_OUTPUTS][2], np = 0, errs0 = diag_count(d);
    for (int t = 0; t < c->n_tensors; t++) {
        if (c->tensors[t].is_input)
            same_tensor(c, t, ref, "input", d);
        if (!c->tensors[t].is_output)
            continue;
        if (np == REF_MAX_OUTPUTS) {
            diag_error(d, c->path, 0, "eval: cascade %s has more than %d outputs", c->name,
                       REF_MAX_OUTPUTS);
            break;
        }
        int u = same_tensor(c, t, ref, "output", d);
        pairs[np][0] = t;
        pairs[np++][1] = u;
    }
    for (int i = 0; i < c->n_ranks && diag_count(d) == errs0; i++) {
        int r = cascade_find_rank(ref, c->ranks[i].name);
        if (r >= 0 && b_ref->size[r] != b_c->size[i])
            diag_error(d, ref->path, 0, "eval --ref: rank %s is %lld in cascade %s but %lld in "
                       "cascade %s", c->ranks[i].name, (long long)b_c->size[i], c->name,
                       (long long)b_ref->size[r], ref->name);
    }
    if (diag_count(d) > errs0)
        return 1;
    FuncEval *fd, *fq, *rd = NULL;
    if (new_both(c, b_c, fx, nm, d, &fd, &fq))
        return 1;
    if (!(rd = func_new(ref, b_ref, FUNC_DOUBLE, NULL, nm, d))) {
        func_free(fd);
        func_free(fq);
        return 1;
    }
    double q = ldexp(1.0, -fx->F);
    double **in = func_random_inputs(c, b_c, seed, lo, hi, q);
    double **in_ref = func_random_inputs(ref, b_ref, seed, lo, hi, q);
    for (int t = 0; t < c->n_tensors; t++)
        if (in[t]) {
            int u = cascade_find_tensor(ref, c->tensors[t].name);
            memcpy(in_ref[u], in[t], func_tensor_elems(c, b_c, t) * sizeof **in);
        }
    run_both(c, in, fd, fq);
    for (int t = 0; t < ref->n_tensors; t++)
        if (in_ref[t])
            func_set_input(rd, t, in_ref[t]);
    func_run(rd);
    for (int i = 0; i < np; i++) {
        size_t n = func_tensor(rd, pairs[i][1])->n;
        double *v = xmalloc(n * sizeof *v);
        for (size_t k = 0; k < n; k++)
            v[k] = value_of(rd, pairs[i][1], k);
        out->out[out->n++] = compare(fd, fq, pairs[i][0], v, n);
        free(v);
    }
    summarise(c, fd, fq, out);
    func_free(fd);
    func_free(fq);
    func_free(rd);
    func_inputs_free(c, in);
    func_inputs_free(ref, in_ref);
    return 0;
}
