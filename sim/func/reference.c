/* reference.c — direct references for attention, GEMM and N:M training (reference.h). */
#include "func/reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "func/interp.h"
#include "util/util.h"

/* Finds the two-dimensional tensor `name` whose dimensions are ranks r0 and r1, in that
 * order. Returns its index, or -1 after reporting the expected layout. */
static int need(const Cascade *c, Diag *d, const char *name, const char *r0, const char *r1)
{
    int t = cascade_find_tensor(c, name);
    const char *want[2] = { r0, r1 };
    int ok = t >= 0 && c->tensors[t].ndim == 2;
    for (int k = 0; ok && k < 2; k++)
        ok = strcmp(c->ranks[c->tensors[t].dim_rank[k]].name, want[k]) == 0;
    if (!ok) {
        diag_error(d, c->path, 0, "cascade %s (problem %s): the reference needs a tensor "
                   "%s[%s, %s]", c->name, c->problem, name, r0, r1);
        return -1;
    }
    return t;
}

static int64_t size_of(const Cascade *c, const RankBinding *b, const char *rank)
{
    return b->size[cascade_find_rank(c, rank)];
}

static double *add_out(RefOutputs *r, int tensor, size_t n)
{
    RefOutput *o = &r->out[r->n++];
    o->tensor = tensor;
    o->n = n;
    o->v = xcalloc(n, sizeof *o->v);
    return o->v;
}

static int ref_attention(const Cascade *c, const RankBinding *b, double *const *in, Diag *d,
                         RefOutputs *r)
{
    int q = need(c, d, "Q", "E", "P"), k = need(c, d, "K", "E", "M"),
        v = need(c, d, "V", "F", "M"), av = need(c, d, "AV", "F", "P");
    if (q < 0 || k < 0 || v < 0 || av < 0)
        return 1;
    int64_t E = size_of(c, b, "E"), F = size_of(c, b, "F"), M = size_of(c, b, "M"),
            P = size_of(c, b, "P");
    double *out = add_out(r, av, (size_t)(F * P));
    double *s = xmalloc((size_t)M * sizeof *s);
    for (int64_t p = 0; p < P; p++) {
        double mx = -INFINITY;
        for (int64_t m = 0; m < M; m++) {
            double acc = 0;
            for (int64_t e = 0; e < E; e++)
                acc += in[q][e * P + p] * in[k][e * M + m];
            s[m] = acc;
            mx = acc > mx ? acc : mx;
        }
        double den = 0;
        for (int64_t m = 0; m < M; m++)
            den += (s[m] = exp(s[m] - mx));
        for (int64_t f = 0; f < F; f++) {
            double acc = 0;
            for (int64_t m = 0; m < M; m++)
                acc += s[m] * in[v][f * M + m];
            out[f * P + p] = acc / den;
        }
    }
    free(s);
    return 0;
}

static int ref_gemm(const Cascade *c, const RankBinding *b, double *const *in, Diag *d,
                    RefOutputs *r)
{
    int a = need(c, d, "A", "K", "M"), bb = need(c, d, "B", "K", "N"), z = need(c, d, "Z", "M", "N");
    if (a < 0 || bb < 0 || z < 0)
        return 1;
    int64_t K = size_of(c, b, "K"), M = size_of(c, b, "M"), N = size_of(c, b, "N");
    double *out = add_out(r, z, (size_t)(M * N));
    for (int64_t m = 0; m < M; m++)
        for (int64_t n = 0; n < N; n++) {
            double acc = 0;
            for (int64_t k = 0; k < K; k++)
                acc += in[a][k * M + m] * in[bb][k * N + n];
            out[m * N + n] = acc;
        }
    return 0;
}

static int ref_training(const Cascade *c, const RankBinding *b, double *const *in,
                        const NMPattern *nm, Diag *d, RefOutputs *r)
{
    int w = need(c, d, "W", "O", "I"), x = need(c, d, "X", "I", "N"), dy = need(c, d, "DY", "O", "N"),
        y = need(c, d, "Y", "O", "N"), dx = need(c, d, "DX", "I", "N"), dw = need(c, d, "DW", "O", "I");
    if (w < 0 || x < 0 || dy < 0 || y < 0 || dx < 0 || dw < 0)
        return 1;
    if (!nm) {
        diag_error(d, c->path, 0, "cascade %s: the N:M reference needs a pattern", c->name);
        return 1;
    }
    int64_t O = size_of(c, b, "O"), I = size_of(c, b, "I"), N = size_of(c, b, "N");
    uint8_t *kf = xcalloc((size_t)(O * I), 1), *kb = xcalloc((size_t)(O * I), 1);
    for (int64_t o = 0; o < O; o++) /* forward: groups along i (rows) */
        nm_mask(nm, in[w] + o * I, (size_t)I, 1, kf + o * I, 1);
    for (int64_t i = 0; i < I; i++) /* backward: groups along o (columns) */
        nm_mask(nm, in[w] + i, (size_t)O, I, kb + i, I);
    double *Y = add_out(r, y, (size_t)(O * N)), *DX = add_out(r, dx, (size_t)(I * N)),
           *DW = add_out(r, dw, (size_t)(O * I));
    for (int64_t o = 0; o < O; o++)
        for (int64_t n = 0; n < N; n++) {
            double acc = 0;
            for (int64_t i = 0; i < I; i++)
                acc += (kf[o * I + i] ? in[w][o * I + i] : 0) * in[x][i * N + n];
            Y[o * N + n] = acc;
        }
    for (int64_t i = 0; i < I; i++)
        for (int64_t n = 0; n < N; n++) {
            double acc = 0;
            for (int64_t o = 0; o < O; o++)
                acc += (kb[o * I + i] ? in[w][o * I + i] : 0) * in[dy][o * N + n];
            DX[i * N + n] = acc;
        }
    for (int64_t o = 0; o < O; o++)
        for (int64_t i = 0; i < I; i++) {
            double acc = 0;
            for (int64_t n = 0; n < N; n++)
                acc += in[dy][o * N + n] * in[x][i * N + n];
            DW[o * I + i] = acc;
        }
    free(kf);
    free(kb);
    return 0;
}

int reference_eval(const Cascade *c, const RankBinding *b, double *const *inputs,
                   const NMPattern *nm, Diag *d, RefOutputs *out)
{
    memset(out, 0, sizeof *out);
    int rc;
    if (strcmp(c->problem, "attention") == 0)
        rc = ref_attention(c, b, inputs, d, out);
    else if (strcmp(c->problem, "gemm") == 0)
        rc = ref_gemm(c, b, inputs, d, out);
    else if (strcmp(c->problem, "nm-training") == 0)
        rc = ref_training(c, b, inputs, nm, d, out);
    else {
        diag_error(d, c->path, 0, "cascade %s: no reference for problem '%s' (known: attention, "
                   "gemm, nm-training)", c->name, c->problem);
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

static RefError compare(const FuncEval *fd, const FuncEval *fq, const RefOutput *r)
{
    RefError e = { .tensor = r->tensor, .n = r->n };
    double rmax = 0;
    for (size_t i = 0; i < r->n; i++)
        rmax = fmax(rmax, fabs(r->v[i]));
    double floor_ = 1e-6 * rmax > 0 ? 1e-6 * rmax : 1e-300;
    for (size_t i = 0; i < r->n; i++) {
        double x = func_value(fd, r->tensor, i), q = func_value(fq, r->tensor, i);
        if (isnan(x) || isnan(q)) {
            e.absent++;
            continue;
        }
        e.dbl_abs = fmax(e.dbl_abs, fabs(x - r->v[i]));
        e.dbl_rel = fmax(e.dbl_rel, fabs(x - r->v[i]) / fmax(fabs(r->v[i]), floor_));
        e.fx_abs = fmax(e.fx_abs, fabs(q - r->v[i]));
    }
    return e;
}

int reference_check(const Cascade *c, const RankBinding *b, const FxFormat *fx,
                    const NMPattern *nm, uint64_t seed, double lo, double hi, Diag *d,
                    RefReport *out)
{
    memset(out, 0, sizeof *out);
    FuncEval *fd = func_new(c, b, FUNC_DOUBLE, NULL, nm, d);
    FuncEval *fq = fd ? func_new(c, b, FUNC_FIXED, fx, nm, d) : NULL;
    if (!fq) {
        func_free(fd);
        return 1;
    }
    double **in = func_random_inputs(c, b, seed, lo, hi, ldexp(1.0, -fx->F));
    RefOutputs ref;
    int rc = reference_eval(c, b, in, nm, d, &ref);
    if (rc == 0) {
        for (int t = 0; t < c->n_tensors; t++)
            if (in[t]) {
                func_set_input(fd, t, in[t]);
                func_set_input(fq, t, in[t]);
            }
        func_run(fd);
        func_run(fq);
        for (int i = 0; i < ref.n; i++)
            out->out[out->n++] = compare(fd, fq, &ref.out[i]);
        reference_free(&ref);
    }
    func_inputs_free(c, in);
    func_free(fd);
    func_free(fq);
    return rc;
}
