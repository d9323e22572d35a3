/* test_cascade.c — unit tests of the cascade parser/checker and the interpreter on
 * cascades built in memory (the shipped library is tested in test_library.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cascade/cascade.h"
#include "cascade/mask.h"
#include "check.h"
#include "sizes.h"
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


/* ---- masks, select, topk, divisions, heads ---------------------------------------------- */

/* As build_err, for a cascade over ranks E, M, P (M and P partitioned), inputs Q and K,
 * and the rank sizes W and KB. */
static char *build_err2(const char *const *ein, const char *out, int *col)
{
    Src s;
    const char *outs[] = { out, NULL };
    mk(&s, (const char *const[]){ "E", "M", "P", "W", "KB", NULL },
       (const char *const[]){ "M -> M1, M0", "P -> P1, P0", NULL }, I_QK, outs, ein);
    Diag d;
    diag_init(&d);
    Cascade *c = NULL;
    char *msg = NULL;
    if (cascade_build(&s.src, &d, &c)) {
        msg = xstrdup(d.e[0].msg);
        if (col)
            *col = d.e[0].col;
    }
    cascade_free(c);
    diag_free(&d);
    return msg;
}

static void test_mask_errors(void)
{
    static const struct { const char *ein[3]; const char *out, *want; } cases[] = {
        { { "QK[m, p] = Q[e, p] * K[e, m] where x <= p" }, "QK", "undefined rank variable or size 'x'" },
        { { "QK[m, p] = Q[e, p] * K[e, m] where m0 <= p" }, "QK", "'m0' appears only in a predicate" },
        { { "QK[m, p] = Q[e, p] * K[e, m] where m" }, "QK", "expected a comparison" },
        { { "QK[m, p] = Q[e, p] * K[e, m] where m <= p &&" }, "QK", "expected a rank variable" },
        { { "QK[m, p] = Q[e, p] * K[e, m] where m <= p)" }, "QK", "unexpected ')'" },
        { { "QK[m, p] = Q[e, p] * K[e, m] where (m <= p" }, "QK", "expected ')' to close '('" },
        { { "QK[m, p] = select(m <= p, Q[e, p] * K[e, m])" }, "QK", "expected ','" },
        { { "QK[m, p] = select(Q[e, p], 1, 0)" }, "QK", "appears only in a predicate" },
        { { "X[p] = Q[0, p / 0]" }, "X", "division by zero in an index" },
        { { "X[p] = Q[0, (p - 1) % 2]" }, "X", "an index has no parentheses" },
        { { "X[p] = Q[0, p / m]" }, "X", "'m' is a rank variable" },
        { { "X[p] = Q[0, p / 2 * 3]" }, "X", "one division or modulo per index term" },
        { { "X[p] = Q[0, p] where p <= 3 where p >= 1" }, "X", "unexpected a name" },
        { { "S[m, p] = Q[0, p] * K[0, m]", "T[m, p] = topk(m: S[m, p], 0)" }, "T", "topk keeps 0 elements" },
        { { "S[m, p] = Q[0, p] * K[0, m]", "T[m, p] = topk(m: S[m, p])" }, "T", "expected ',' before the count of topk" },
        { { "S[m, p] = Q[0, p] * K[0, m]", "T[p] = topk(m: S[m, p], 2)" }, "T", "topk names exactly one rank" },
        { { "S[m, p] = Q[0, p] * K[0, m]", "T[m, p] = topk(m: S[m, p], w)" }, "T", "'w' is a rank variable" },
        { { "S[m, p] = Q[0, p] * K[0, m]", "T[m, p] = topk(m: S[m, p], KB) where m <= p" }, "T", "topk cannot have a where clause" },
        { { "S[m, p] = Q[0, p] * K[0, m]", "T[m, p] = topk S[m, p]" }, "T", "topk needs the form topk(rank: expression, k)" },
        { { "X[p] = topk(p: Q[0, p], 2) + 1" }, "X", "unexpected '+' after the end" },
        { { "X[p] = Q[0, p] + topk(p: Q[0, p], 2)" }, "X", "must be the whole right-hand side" },
        { { "R[0, p] = 0 where p <= 1", "R[m1+1, p] = R[m1, p] + Q[0, p]" }, "R", "an initial value must be a constant" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *m = build_err2(cases[i].ein, cases[i].out, NULL);
        if (!m || !strstr(m, cases[i].want))
            fprintf(stderr, "case %zu: %s\n", i, cases[i].ein[0]);
        CHECK_CONTAINS(m, cases[i].want);
        free(m);
    }
    int col = 0;
    char *m = build_err2((const char *const[]){ "QK[m, p] = Q[e, p] * K[e, m] where m <= x", NULL }, "QK", &col);
    CHECK_CONTAINS(m, "undefined rank variable or size 'x'");
    CHECK_EQ_INT(col, 41);
    free(m);
    /* A topk along the iterative rank runs before the loop; reading a recurrence there fails. */
    m = build_err2((const char *const[]){ "R[0, p] = 0", "R[m1+1, p] = R[m1, p] + T[m1, p]",
                                          "T[m1, p] = topk(m1: R[m1, p], 1)", NULL }, "R", NULL);
    CHECK(m != NULL);
    free(m);
    /* Rank names. */
    Src s;
    Diag d;
    Cascade *c = NULL;
    diag_init(&d);
    mk(&s, (const char *const[]){ "E", "H", "WHERE", NULL }, (const char *const[]){ "E -> H1, H", NULL },
       NULL, (const char *const[]){ "X", NULL }, (const char *const[]){ "X[e] = 1", NULL });
    CHECK(cascade_build(&s.src, &d, &c) != 0);
    CHECK(d.n >= 2);
    CHECK_CONTAINS(d.e[0].msg, "variable 'where', a reserved word");
    CHECK_CONTAINS(d.e[1].msg, "rank H names the heads");
    diag_free(&d);
}

/* Builds a cascade over ranks E, M, P (P partitioned) with inputs Q[e, p], K[e, m]; binds
 * E=1, M=6, P=6, P0=2 and the sizes given, evaluates it in `mode` on inputs q[], k[], and
 * returns the evaluation (caller frees it and *cp). */
static FuncEval *eval_small(const char *const *ein, const char *out, FuncMode mode, const double *q,
                            const double *k, Cascade **cp)
{
    Src s;
    const char *outs[] = { out, NULL };
    mk(&s, (const char *const[]){ "E", "M", "P", "KB", NULL }, (const char *const[]){ "P -> P1, P0", NULL },
       I_QK, outs, ein);
    Diag d;
    diag_init(&d);
    Cascade *c = NULL;
    *cp = NULL;
    if (cascade_build(&s.src, &d, &c)) {
        diag_print(&d, stderr);
        CHECK(0);
        diag_free(&d);
        return NULL;
    }
    RankSize sz[] = { { "E", 1, { 0 } }, { "M", 6, { 0 } }, { "P", 6, { 0 } }, { "P0", 2, { 0 } },
                      { "KB", 2, { 0 } } };
    RankBinding b;
    FxFormat fx;
    fx_format_init(&fx, &(ArithSpec){ 16, 8, 32, 5 });
    CHECK_EQ_INT(cascade_bind(c, sz, 5, false, &d, &b), 0);
    FuncEval *f = func_new(c, &b, mode, &fx, NULL, &d);
    func_set_input(f, cascade_find_tensor(c, "Q"), q);
    func_set_input(f, cascade_find_tensor(c, "K"), k);
    func_run(f);
    diag_free(&d);
    *cp = c;
    return f;
}

static void test_mask_semantics(void)
{
    static const double q[6] = { 0.5, -0.25, 1, 0.75, -1, 0.125 }, k[6] = { 1, 0.5, -0.5, 0.25, 0.5, -1 };
    for (int mode = 0; mode < 2; mode++) {
        FuncMode fm = mode ? FUNC_FIXED : FUNC_DOUBLE;
        Cascade *c;
        /* A masked element is masked; a reduction over masked terms only is the identity;
         * a map of a masked operand is masked; select picks per point; a rank size is a value. */
        FuncEval *f = eval_small((const char *const[]){
            "S[m, p] = Q[0, p] * K[0, m] where m <= p && p - m < 2",
            "MX[p] = max(m: S[m, p])",
            "SM[p] = sum(m: S[m, p])",
            "X[m, p] = S[m, p] + 1",
            "CNT[p] = sum(m: K[0, m] * 0 + 1) where m <= p",
            "L[m] = max(p: S[m, p])",
            "SEL[m, p] = select(m == p, inf, S[m, p])",
            "Z[p] = Q[0, p] * P0 + P1",
            "BLK[m, p] = Q[0, p] where m / 2 == p / P0 && m % 2 != 1",
            NULL }, "X", fm, q, k, &c);
        if (!f)
            continue;
        int S = cascade_find_tensor(c, "S"), MX = cascade_find_tensor(c, "MX"),
            X = cascade_find_tensor(c, "X"), CNT = cascade_find_tensor(c, "CNT"),
            L = cascade_find_tensor(c, "L"), SEL = cascade_find_tensor(c, "SEL"),
            Z = cascade_find_tensor(c, "Z"), BLK = cascade_find_tensor(c, "BLK");
        for (int m = 0; m < 6; m++)
            for (int p = 0; p < 6; p++) {
                size_t i = (size_t)(m * 6 + p);
                int live = m <= p && p - m < 2;
                CHECK_EQ_INT(func_tensor(f, S)->present[i], live ? FUNC_PRESENT : FUNC_MASKED);
                CHECK_EQ_INT(func_tensor(f, X)->present[i], live ? FUNC_PRESENT : FUNC_MASKED);
                if (live)
                    CHECK_NEAR(func_value(f, S, i), q[p] * k[m], mode ? 1.0 / 256 : 1e-15);
                CHECK_EQ_INT(func_tensor(f, SEL)->present[i], m == p || live ? FUNC_PRESENT : FUNC_MASKED);
                if (m == p)
                    CHECK(func_value(f, SEL, i) >= (mode ? 127.99 : INFINITY));
                int blk = m / 2 == p / 2 && m % 2 == 0;
                CHECK_EQ_INT(func_tensor(f, BLK)->present[i], blk ? FUNC_PRESENT : FUNC_MASKED);
            }
        for (int p = 0; p < 6; p++) {
            double want = p ? fmax(q[p] * k[p], q[p] * k[p - 1]) : q[0] * k[0];
            CHECK_NEAR(func_value(f, MX, (size_t)p), want, mode ? 1.0 / 256 : 1e-15);
            CHECK_NEAR(func_value(f, CNT, (size_t)p), p + 1, 1e-15);
            CHECK_NEAR(func_value(f, Z, (size_t)p), q[p] * 2 + 3, 1e-15);
        }
        /* L[5] reduces over p with S[5, p] masked for every p < 5 but present at p = 5. */
        CHECK_EQ_INT(func_tensor(f, L)->present[5], FUNC_PRESENT);
        func_free(f);
        cascade_free(c);
        /* Fully masked rows: for p = 0 every S[m, 0] is masked (m > p never holds), so
         * max is -inf and sum 0, both present; topk keeps the KB = 2 largest present
         * values (ties: the lower index), all of them when fewer are present. */
        f = eval_small((const char *const[]){
            "S[m, p] = Q[0, p] * K[0, m] where m > p",
            "MX[p] = max(m: S[m, p])",
            "SM[p] = sum(m: S[m, p])",
            "E2[m, p] = K[0, m] * K[0, m] + Q[0, p] * 0",
            "T[m, p] = topk(m: E2[m, p], KB)",
            "U[m, p] = topk(m: S[m, p], KB)",
            "D[p] = MX[p] - MX[p]",
            NULL }, "T", fm, q, k, &c);
        if (!f)
            continue;
        MX = cascade_find_tensor(c, "MX");
        int SM = cascade_find_tensor(c, "SM"), T = cascade_find_tensor(c, "T"),
            U = cascade_find_tensor(c, "U"), D = cascade_find_tensor(c, "D");
        CHECK_EQ_INT(func_tensor(f, MX)->present[5], FUNC_PRESENT);
        CHECK(func_value(f, MX, 5) == (mode ? -128.0 : -INFINITY));
        CHECK(func_value(f, SM, 5) == 0);
        CHECK(func_value(f, D, 5) == 0); /* (-inf) - (-inf) = 0 in both arithmetics */
        for (int p = 0; p < 6; p++) {
            /* K^2 = 1, .25, .25, .0625, .25, 1: the two largest are m = 0 and m = 5 */
            for (int m = 0; m < 6; m++)
                CHECK(func_value(f, T, (size_t)(m * 6 + p)) == (m == 0 || m == 5 ? 1 : 0));
            int present = 5 - p, kept = 0;
            for (int m = 0; m < 6; m++) {
                size_t i = (size_t)(m * 6 + p);
                CHECK_EQ_INT(func_tensor(f, U)->present[i], m > p ? FUNC_PRESENT : FUNC_MASKED);
                kept += func_value(f, U, i) == 1;
            }
            CHECK_EQ_INT(kept, present < 2 ? present : 2);
        }
        func_free(f);
        cascade_free(c);
    }
    /* Indices: floor division and modulo, the sign of a term applying to its quotient. */
    CHECK_EQ_INT(index_floor_div(-7, 2), -4);
    CHECK_EQ_INT(index_floor_mod(-7, 2), 1);
    CHECK_EQ_INT(index_floor_div(7, 2), 3);
    CHECK_EQ_INT(index_floor_mod(7, 3), 1);
}

/* splitmix64, for the random blocks of test_block_class. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Loads a shipped cascade and binds it to `shape` ("E=2 F=2 ..."); NULL on failure. */
static Cascade *load_bound(const char *file, const char *shape, RankBinding *b, Diag *d)
{
    Cascade *c = NULL;
    if (cascade_load(file, NULL, d, &c)) {
        diag_print(d, stderr);
        CHECK(0);
        return NULL;
    }
    RankSize sz[CASCADE_MAX_RANKS];
    char names[CASCADE_MAX_RANKS][8];
    int n = parse_sizes(shape, sz, names, CASCADE_MAX_RANKS);
    CHECK_EQ_INT(cascade_bind(c, sz, n, false, d, b), 0);
    return c;
}

/* cascade_block_class against the interpreter, point by point: on random blocks of every
 * masked Einsum of the shipped masked cascades, LIVE must mean every point live and
 * DEAD none; for the causal BQK (one comparison, each rank once, no ragged chunk) the
 * answer must be exact. */
static void test_block_class(void)
{
    static const struct { const char *file, *shape; int exact; } v[] = {
        { "workloads/cascades/attention-causal.cfg", "E=2 F=2 M=32 P=32 M0=4", 1 },
        { "workloads/cascades/attention-causal.cfg", "E=2 F=2 M=30 P=27 M0=4", 0 },
        { "workloads/cascades/attention-window.cfg", "E=2 F=2 M=32 P=32 M0=4 W=6", 0 },
        { "workloads/cascades/attention-bigbird.cfg", "E=2 F=2 M=30 P=32 M0=4 P0=4", 0 },
        { "workloads/cascades/attention-blockmask.cfg", "E=2 F=2 M=64 P=64 M0=1 P0=1", 0 },
        { "workloads/cascades/attention-topk.cfg", "E=2 F=2 M=32 P=32 M0=4 P0=4 KB=2", 0 },
        { "workloads/cascades/attention-gqa.cfg", "E=2 F=2 M=12 P=12 M0=4 H=4 G=2", 0 },
        { "workloads/cascades/moh-attention.cfg", "E=2 F=2 M=8 P=8 M0=4 H=4 D=2 KH=2", 0 },
    };
    uint64_t seed = 99;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        Diag d;
        diag_init(&d);
        RankBinding b;
        Cascade *c = load_bound(v[i].file, v[i].shape, &b, &d);
        if (!c) {
            diag_free(&d);
            continue;
        }
        FuncEval *f = func_new(c, &b, FUNC_DOUBLE, NULL, NULL, &d);
        double **in = func_random_inputs(c, &b, 5, -1, 1, 0);
        for (int t = 0; t < c->n_tensors; t++)
            if (in[t])
                func_set_input(f, t, in[t]);
        func_run(f);
        int checked = 0, dead = 0, live = 0;
        for (int e = 0; e < c->n_einsums; e++) {
            const Einsum *x = &c->einsums[e];
            if (cascade_mask_kind(c, e) == MASK_NONE || x->red == RED_TOPK)
                continue;
            int ranks[2 * CASCADE_MAX_DIMS], nr = 0;
            for (int k = 0; k < x->n_free; k++)
                ranks[nr++] = x->free_ranks[k];
            for (int k = 0; k < x->n_red; k++)
                ranks[nr++] = x->red_ranks[k];
            for (int trial = 0; trial < 60; trial++) {
                int64_t lo[CASCADE_MAX_RANKS] = { 0 }, hi[CASCADE_MAX_RANKS] = { 0 };
                for (int k = 0; k < nr; k++) {
                    int64_t sz_r = b.size[ranks[k]];
                    int64_t a = (int64_t)(next_rand(&seed) % (uint64_t)sz_r);
                    int64_t w = 1 + (int64_t)(next_rand(&seed) % (uint64_t)(trial % 3 ? 3 : sz_r));
                    lo[ranks[k]] = a;
                    hi[ranks[k]] = a + w < sz_r ? a + w : sz_r;
                }
                BlockClass cls = cascade_block_class(c, e, &b, lo, hi);
                /* Count the live points of the block. */
                int64_t var[CASCADE_MAX_RANKS] = { 0 };
                for (int k = 0; k < nr; k++)
                    var[ranks[k]] = lo[ranks[k]];
                uint64_t pts = 0, nlive = 0;
                for (;;) {
                    pts++;
                    nlive += (uint64_t)func_point_live(f, e, var);
                    int k = nr - 1;
                    for (; k >= 0; k--) {
                        if (++var[ranks[k]] < hi[ranks[k]])
                            break;
                        var[ranks[k]] = lo[ranks[k]];
                    }
                    if (k < 0)
                        break;
                }
                if ((cls == BLOCK_LIVE && nlive != pts) || (cls == BLOCK_DEAD && nlive != 0) ||
                    (v[i].exact && strcmp(x->name, "BQK") == 0 && cls == BLOCK_PARTIAL &&
                     (nlive == 0 || nlive == pts)))
                    fprintf(stderr, "%s %s: class %d, %llu of %llu live\n", v[i].file, x->name,
                            (int)cls, (unsigned long long)nlive, (unsigned long long)pts);
                /* What the engine classifies its items with: the rules alone, and the
                 * where clause alone, never call a block with a live point dead. */
                CHECK(cascade_block_class_rules(c, e, &b, lo, hi) != BLOCK_DEAD || nlive == 0);
                if (x->where >= 0)
                    CHECK(cascade_where_class(c, e, &b, lo, hi) != BLOCK_DEAD || nlive == 0);
                CHECK(cls != BLOCK_LIVE || nlive == pts);
                CHECK(cls != BLOCK_DEAD || nlive == 0);
                if (v[i].exact && strcmp(x->name, "BQK") == 0)
                    CHECK(cls != BLOCK_PARTIAL || (nlive > 0 && nlive < pts));
                dead += cls == BLOCK_DEAD;
                live += cls == BLOCK_LIVE;
                checked++;
            }
        }
        /* The rule masks decide some blocks both ways. */
        if (cascade_mask_kind(c, cascade_find_einsum(c, "BQK") >= 0 ? cascade_find_einsum(c, "BQK") : 0) == MASK_RULE)
            CHECK(dead > 0 && live > 0);
        CHECK(checked > 0);
        /* A topk's work is its operand's; its choice masks what reads it. */
        for (int e = 0; e < c->n_einsums; e++)
            if (c->einsums[e].red == RED_TOPK) {
                CHECK(cascade_mask_kind(c, e) == MASK_DATA);
                CHECK(cascade_work_mask_kind(c, e) != MASK_DATA);
            }
        func_inputs_free(c, in);
        func_free(f);
        cascade_free(c);
        diag_free(&d);
    }
    /* Dense cascades: no mask anywhere, nothing the engine lacks. */
    static const char *dense[] = { "workloads/cascades/attention-1pass.cfg",
                                   "workloads/cascades/attention-3pass.cfg", "workloads/cascades/gemm.cfg",
                                   "workloads/cascades/nm-training.cfg" };
    for (size_t i = 0; i < sizeof dense / sizeof dense[0]; i++) {
        Diag d;
        diag_init(&d);
        Cascade *c = NULL;
        CHECK_EQ_INT(cascade_load(dense[i], NULL, &d, &c), 0);
        for (int e = 0; c && e < c->n_einsums; e++)
            CHECK_EQ_INT(cascade_mask_kind(c, e), MASK_NONE);
        cascade_free(c);
        diag_free(&d);
    }
}


/* The fixed-point evaluation of queries p0 .. p0 + w - 1 (Q's columns of `in`) as a
 * problem of its own, at origin p0 of the whole when `origin`. */
static FuncEval *eval_window(const Cascade *c, const RankBinding *b, const FxFormat *fx,
                             double **in, int64_t p0, int64_t w, bool origin, Diag *d)
{
    int rP = cascade_find_rank(c, "P"), tQ = cascade_find_tensor(c, "Q");
    int64_t P = b->size[rP], E = b->size[cascade_find_rank(c, "E")];
    RankBinding bw = *b;
    bw.size[rP] = w;
    FuncEval *f = func_new(c, &bw, FUNC_FIXED, fx, NULL, d);
    double *q = xcalloc((size_t)(E * w), sizeof *q);
    for (int64_t e = 0; e < E; e++)
        memcpy(q + e * w, in[tQ] + e * P + p0, (size_t)w * sizeof *q);
    for (int t = 0; t < c->n_tensors; t++)
        if (in[t])
            func_set_input(f, t, t == tQ ? q : in[t]);
    if (origin)
        func_set_origin(f, rP, p0);
    func_run(f);
    free(q);
    return f;
}

/* func_set_origin: attention's rows are independent, so evaluating a window of queries
 * (P = w, origin p0) gives the whole's rows bit for bit, masks included (the `where`
 * compares global indices), at ragged sizes and window widths that do not divide P; a
 * masked cascade's late window without the origin does not. */
static void test_query_windows(void)
{
    static const struct { const char *file, *shape; } v[] = {
        { "workloads/cascades/attention-1pass.cfg", "E=3 F=2 M=20 P=17 M0=4" },
        { "workloads/cascades/attention-causal.cfg", "E=2 F=2 M=32 P=32 M0=4" },
        { "workloads/cascades/attention-causal.cfg", "E=2 F=3 M=30 P=27 M0=4" },
        { "workloads/cascades/attention-window.cfg", "E=2 F=2 M=32 P=32 M0=4 W=6" },
    };
    FxFormat fx;
    fx_format_init(&fx, &(ArithSpec){ 16, 8, 32, 5 });
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        Diag d;
        diag_init(&d);
        RankBinding b;
        Cascade *c = load_bound(v[i].file, v[i].shape, &b, &d);
        if (!c) {
            diag_free(&d);
            continue;
        }
        int tAV = cascade_find_tensor(c, "AV");
        int64_t P = b.size[cascade_find_rank(c, "P")], F = b.size[cascade_find_rank(c, "F")];
        double **in = func_random_inputs(c, &b, 11 + i, -1, 1, ldexp(1.0, -fx.F));
        FuncEval *whole = eval_window(c, &b, &fx, in, 0, P, false, &d);
        const FuncTensor *all = func_tensor(whole, tAV);
        for (int64_t w = 1; w <= P; w += w < 4 ? 2 : 3) {
            int bad = 0;
            for (int64_t p0 = 0; p0 < P; p0 += w) {
                int64_t ww = P - p0 < w ? P - p0 : w;
                FuncEval *f = eval_window(c, &b, &fx, in, p0, ww, true, &d);
                const FuncTensor *part = func_tensor(f, tAV);
                for (int64_t x = 0; x < F; x++)
                    for (int64_t p = 0; p < ww; p++) {
                        size_t a = (size_t)(x * P + p0 + p), o = (size_t)(x * ww + p);
                        bad += part->q[o] != all->q[a] || part->present[o] != all->present[a];
                    }
                func_free(f);
            }
            CHECK_EQ_INT(bad, 0);
        }
        if (strstr(v[i].file, "1pass") == NULL) {
            FuncEval *f = eval_window(c, &b, &fx, in, P - 4, 4, false, &d);
            const FuncTensor *part = func_tensor(f, tAV);
            int differ = 0;
            for (int64_t x = 0; x < F; x++)
                for (int64_t p = 0; p < 4; p++)
                    differ += part->q[x * 4 + p] != all->q[x * P + P - 4 + p];
            CHECK(differ > 0);
            func_free(f);
        }
        func_inputs_free(c, in);
        func_free(whole);
        cascade_free(c);
        diag_free(&d);
    }
}

int main(void)
{
    test_errors();
    test_interp_recurrence();
    test_mask_errors();
    test_mask_semantics();
    test_block_class();
    test_query_windows();
    return CHECK_DONE();
}
