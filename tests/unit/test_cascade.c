/* test_cascade.c — unit tests of the cascade parser/checker and the interpreter on
 * cascades built in memory (the shipped library is tested in test_library.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cascade/cascade.h"
#include "check.h"
#include "func/interp.h"
#include "util/util.h"

#define MAXL 32

/* A cascade source assembled from string arrays; line numbers are positions. */
typedef struct {
    CascadeLine ranks[MAXL], parts[MAXL], ins[MAXL], outs[MAXL], ein[MAXL];
    CascadeSrc src;
} Src;

static int fill(CascadeLine *dst, const char *const *v, int line0)
{
    int n = 0;
    for (; v && v[n]; n++)
        dst[n] = (CascadeLine){ v[n], { "t.cfg", line0 + n } };
    return n;
}

static void mk(Src *s, const char *const *ranks, const char *const *parts,
               const char *const *ins, const char *const *outs, const char *const *ein)
{
    memset(s, 0, sizeof *s);
    s->src.name = "t";
    s->src.path = "t.cfg";
    s->src.problem = "test";
    s->src.loc = (SrcLoc){ "t.cfg", 1 };
    s->src.ranks = s->ranks;
    s->src.n_ranks = fill(s->ranks, ranks, 10);
    s->src.partitions = s->parts;
    s->src.n_partitions = fill(s->parts, parts, 20);
    s->src.inputs = s->ins;
    s->src.n_inputs = fill(s->ins, ins, 30);
    s->src.outputs = s->outs;
    s->src.n_outputs = fill(s->outs, outs, 40);
    s->src.einsums = s->ein;
    s->src.n_einsums = fill(s->ein, ein, 50);
}

static const char *const R_EMP[] = { "E", "M", "P", NULL };
static const char *const I_QK[] = { "Q[e, p]", "K[e, m]", NULL };

/* Builds a cascade with the given einsums over ranks E, M, P and inputs Q, K; returns
 * the first error message (owned by the caller) or NULL when it builds. */
static char *build_err(const char *const *ein, const char *out, int *line, int *col)
{
    Src s;
    const char *outs[] = { out, NULL };
    mk(&s, R_EMP, (const char *const[]){ "M -> M1, M0", NULL }, I_QK, outs, ein);
    Diag d;
    diag_init(&d);
    Cascade *c = NULL;
    int rc = cascade_build(&s.src, &d, &c);
    char *msg = NULL;
    if (rc) {
        msg = xstrdup(d.e[0].msg);
        if (line)
            *line = d.e[0].line;
        if (col)
            *col = d.e[0].col;
    }
    cascade_free(c);
    diag_free(&d);
    return msg;
}

static void test_errors(void)
{
    int line = 0, col = 0;
    char *m;
    m = build_err((const char *const[]){ "QK[m, p] = Q[e, p] * KK[e, m]", NULL }, "QK", &line, &col);
    CHECK_CONTAINS(m, "undefined tensor 'KK'");
    CHECK_EQ_INT(line, 50);
    CHECK_EQ_INT(col, 22);
    free(m);
    m = build_err((const char *const[]){ "QK[m, p] = Q[e, p] * K[e, x]", NULL }, "QK", &line, &col);
    CHECK_CONTAINS(m, "undefined rank variable or size 'x'");
    free(m);
    m = build_err((const char *const[]){ "QK[m, p] = Q[e, p] * K[e, m", NULL }, "QK", NULL, NULL);
    CHECK_CONTAINS(m, "expected ']'");
    free(m);
    m = build_err((const char *const[]){ "QK[m, p] = Q[p, e] * K[e, m]", NULL }, "QK", NULL, NULL);
    CHECK_CONTAINS(m, "ranges over rank P, but dimension 0 of Q is rank E");
    free(m);
    m = build_err((const char *const[]){ "QK[m, p] = Q[e, p] * K[e]", NULL }, "QK", NULL, NULL);
    CHECK_CONTAINS(m, "indexed with 1");
    free(m);
    m = build_err((const char *const[]){ "QK[m, p] = Q[e, p] * K[e, m] +", NULL }, "QK", NULL, NULL);
    CHECK_CONTAINS(m, "expected a tensor, a number");
    free(m);
    m = build_err((const char *const[]){ "L[p] = max(m: Q[e, p] * K[e, m])", NULL }, "L", NULL, NULL);
    CHECK_CONTAINS(m, "'e' is reduced too");
    free(m);
    m = build_err((const char *const[]){ "L[m, p] = max(m: Q[e, p] * K[e, m])", NULL }, "L", NULL, NULL);
    CHECK_CONTAINS(m, "on the left-hand side and cannot be reduced");
    free(m);
    m = build_err((const char *const[]){ "A[p] = Q[0, p] + B[p]", "B[p] = A[p] * Q[0, p]", NULL },
                  "B", &line, NULL);
    CHECK_CONTAINS(m, "dependency cycle B -> A -> B");
    free(m);
    m = build_err((const char *const[]){ "R[m1+1, p] = R[m1, p] + Q[0, p]", NULL }, "R", NULL, NULL);
    CHECK_CONTAINS(m, "no initial value");
    free(m);
    m = build_err((const char *const[]){ "Q[e, p] = K[e, p]", NULL }, "Q", NULL, NULL);
    CHECK_CONTAINS(m, "is an input and cannot be written");
    free(m);
    m = build_err((const char *const[]){ "X[p] = exp(Q[0, p]", NULL }, "X", NULL, NULL);
    CHECK_CONTAINS(m, "expected ')'");
    free(m);
    m = build_err((const char *const[]){ "X[p] = Q[0, p] $ 2", NULL }, "X", NULL, NULL);
    CHECK_CONTAINS(m, "unexpected character");
    free(m);
    m = build_err((const char *const[]){ "X[p] = Q[0, p]", NULL }, "Y", NULL, NULL);
    CHECK_CONTAINS(m, "output 'Y' is not written");
    free(m);
    m = build_err((const char *const[]){ "X[p] = Q[0, p] * Q[e*m, p]", NULL }, "X", NULL, NULL);
    CHECK_CONTAINS(m, "affine");
    free(m);
    m = build_err((const char *const[]){ "X[p] = Q[99999999999999999999, p]", NULL }, "X", NULL, NULL);
    CHECK_CONTAINS(m, "too large");
    free(m);
    /* A valid recurrence builds. */
    m = build_err((const char *const[]){ "R[0, p] = -inf", "L[m1, p] = max(m0: K[0, m1*M0 + m0] + Q[0, p])",
                                         "R[m1+1, p] = max(R[m1, p], L[m1, p])", NULL }, "R", NULL, NULL);
    CHECK(m == NULL);
    free(m);
}

/* Ragged running max: R over chunks of M0 equals the max over all M. */
static void test_interp_recurrence(void)
{
    Src s;
    mk(&s, R_EMP, (const char *const[]){ "M -> M1, M0", NULL }, I_QK,
       (const char *const[]){ "G", NULL },
       (const char *const[]){ "R[0, p] = -inf",
                              "L[m1, p] = max(m0: K[0, m1*M0 + m0] + Q[0, p])",
                              "R[m1+1, p] = max(R[m1, p], L[m1, p])",
                              "G[p] = R[M1, p] - Q[0, p]", NULL });
    Diag d;
    diag_init(&d);
    Cascade *c = NULL;
    CHECK_EQ_INT(cascade_build(&s.src, &d, &c), 0);
    diag_print(&d, stderr);
    if (!c)
        return;
    RankSize sz[] = { { "E", 1, { 0 } }, { "M", 10, { 0 } }, { "P", 3, { 0 } }, { "M0", 4, { 0 } } };
    RankBinding b;
    CHECK_EQ_INT(cascade_bind(c, sz, 4, false, &d, &b), 0);
    CHECK_EQ_INT(b.size[cascade_find_rank(c, "M1")], 3);
    FuncEval *f = func_new(c, &b, FUNC_DOUBLE, NULL, NULL, &d);
    double **in = func_random_inputs(c, &b, 7, -1, 1, 0);
    int q = cascade_find_tensor(c, "Q"), k = cascade_find_tensor(c, "K");
    func_set_input(f, q, in[q]);
    func_set_input(f, k, in[k]);
    func_run(f);
    double mx = -INFINITY;
    for (int m = 0; m < 10; m++)
        mx = fmax(mx, in[k][m]);
    int g = cascade_find_tensor(c, "G");
    for (int p = 0; p < 3; p++)
        CHECK_NEAR(func_value(f, g, (size_t)p), mx, 1e-15);
    func_inputs_free(c, in);
    func_free(f);
    /* Binding errors. */
    RankSize bad[] = { { "E", 1, { 0 } }, { "M", 10, { 0 } }, { "M1", 4, { 0 } } };
    CHECK(cascade_bind(c, bad, 3, false, &d, &b) != 0);
    CHECK(diag_count(&d) >= 2);
    diag_free(&d);
    cascade_free(c);
}

int main(void)
{
    test_errors();
    test_interp_recurrence();
    return CHECK_DONE();
}
