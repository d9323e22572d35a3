/* interp.c — cascade interpreter in double precision and in fixed point (see interp.h
 * for the semantics). Odometer loops over each Einsum's free and reduced ranks; meant
 * for correctness and co-simulation sizes. Two things keep it fast enough to be the
 * compute core of the virtual platform, neither changing a result: every index is
 * compiled once into a linear form (LinIndex), and a fixed-point sum of a product of
 * two accesses over one rank runs as a strided loop (mac_line). */
#include "func/interp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* An index compiled at func_new: konst + sum of c[j] * var[r[j]] (IX_PLAIN terms with
 * their size factors folded in; cascade_bind guarantees no overflow), or `general`
 * (a floor-division or modulo term: index_eval). */
typedef struct {
    int n, general;
    int r[INDEX_MAX_TERMS];
    int64_t c[INDEX_MAX_TERMS];
    int64_t konst;
} LinIndex;

/* An access compiled: its indices, and when every index is linear and stays inside its
 * dimension at every point (each rank variable in 0 .. size-1), the element's offset
 * folded into one linear form (`inside`; no bounds to check). */
typedef struct {
    LinIndex d[CASCADE_MAX_DIMS];
    int inside, n;
    int r[CASCADE_MAX_DIMS * INDEX_MAX_TERMS];
    int64_t c[CASCADE_MAX_DIMS * INDEX_MAX_TERMS];
    int64_t konst;
} LinAccess;

struct FuncEval {
    const Cascade *c;
    RankBinding b;
    FuncMode mode;
    FxFormat fx;
    NMPattern nm;
    int has_nm;
    FuncTensor *t;               /* one per cascade tensor */
    int64_t (*stride)[CASCADE_MAX_DIMS];
    FuncDensity *density;        /* one per Einsum */
    LinAccess **lin;             /* per Einsum, per node: its access compiled (EX_ACCESS) */
    LinAccess *lin_out;          /* per Einsum: its left-hand side compiled */
    int64_t origin[CASCADE_MAX_RANKS];  /* func_set_origin: each rank's first index */
    int has_origin;
};

static void lin_index(LinIndex *li, const IndexExpr *ix, const RankBinding *b)
{
    *li = (LinIndex){ .konst = ix->konst };
    for (int i = 0; i < ix->n; i++) {
        const IndexTerm *t = &ix->t[i];
        int64_t c = t->coef;
        if (t->op != IX_PLAIN ||
            (t->size_rank >= 0 && !ck_mul_i64(c, b->size[t->size_rank], &c))) {
            li->general = 1;
            return;
        }
        if (t->rank < 0)
            li->konst += c;
        else
            li->r[li->n] = t->rank, li->c[li->n++] = c;
    }
}

static void lin_access(LinAccess *la, const IndexExpr *idx, const FuncEval *f, int t)
{
    const FuncTensor *x = &f->t[t];
    la->inside = 1;
    for (int k = 0; k < x->ndim; k++) {
        LinIndex *li = &la->d[k];
        lin_index(li, &idx[k], &f->b);
        int64_t lo = li->konst, hi = li->konst;
        for (int j = 0; j < li->n && !li->general; j++) {
            int64_t ext = li->c[j] * (f->b.size[li->r[j]] - 1);
            lo += ext < 0 ? ext : 0;
            hi += ext > 0 ? ext : 0;
        }
        if (li->general || lo < 0 || hi >= x->dim[k]) {
            la->inside = 0;
            continue;
        }
        la->konst += li->konst * f->stride[t][k];     /* inside: below the tensor's size */
        for (int j = 0; j < li->n; j++) {
            int64_t cs;
            if (f->b.size[li->r[j]] == 1)                 /* its variable is always 0 */
                continue;
            if (!ck_mul_i64(li->c[j], f->stride[t][k], &cs)) {
                la->inside = 0;
                break;
            }
            int m = 0;
            while (m < la->n && la->r[m] != li->r[j])
                m++;
            if (m == la->n)
                la->r[la->n++] = li->r[j], la->c[m] = 0;
            la->c[m] += cs;
        }
    }
}

static void lin_compile(FuncEval *f)
{
    const Cascade *c = f->c;
    f->lin = xcalloc((size_t)c->n_einsums + 1, sizeof *f->lin);
    f->lin_out = xcalloc((size_t)c->n_einsums + 1, sizeof *f->lin_out);
    for (int i = 0; i < c->n_einsums; i++) {
        const Einsum *e = &c->einsums[i];
        lin_access(&f->lin_out[i], e->out_idx, f, e->out);
        f->lin[i] = xcalloc((size_t)e->n_nodes + 1, sizeof *f->lin[i]);
        for (int n = 0; n < e->n_nodes; n++)
            if (e->nodes[n].kind == EX_ACCESS)
                lin_access(&f->lin[i][n], e->nodes[n].idx, f, e->nodes[n].tensor);
    }
}

static int64_t lin_value(const LinIndex *li, const int64_t *var)
{
    int64_t v = li->konst;
    for (int j = 0; j < li->n; j++)
        v += li->c[j] * var[li->r[j]];
    return v;
}

static int64_t lin_eval(const LinIndex *li, const IndexExpr *ix, const RankBinding *b,
                        const int64_t *var)
{
    return li->general ? index_eval(ix, b, var) : lin_value(li, var);
}

size_t func_tensor_elems(const Cascade *c, const RankBinding *b, int t)
{
    size_t n = 1;
    for (int k = 0; k < c->tensors[t].ndim; k++)
        n *= (size_t)cascade_dim_extent(c, b, t, k);
    return n;
}

FuncEval *func_new(const Cascade *c, const RankBinding *b, FuncMode mode, const FxFormat *fx,
                   const NMPattern *nm, Diag *d)
{
    size_t total = 0;
    for (int t = 0; t < c->n_tensors; t++) {
        size_t n = func_tensor_elems(c, b, t);
        if (n > FUNC_MAX_ELEMENTS || total + n > FUNC_MAX_ELEMENTS) {
            diag_error(d, c->path, 0, "cascade %s: tensors need more than %zu elements; the "
                       "functional model is for small problems (reduce the rank sizes)",
                       c->name, FUNC_MAX_ELEMENTS);
            return NULL;
        }
        total += n;
    }
    int prunes = 0;
    for (int i = 0; i < c->n_einsums; i++)
        prunes |= c->einsums[i].red == RED_PRUNE;
    if (prunes && !nm) {
        diag_error(d, c->path, 0, "cascade %s prunes N:M but no pattern was given (--nm N:M "
                   "or workload.nm)", c->name);
        return NULL;
    }
    EINSIM_ASSERT(mode == FUNC_DOUBLE || fx);
    FuncEval *f = xcalloc(1, sizeof *f);
    f->c = c;
    f->b = *b;
    f->mode = mode;
    if (fx)
        f->fx = *fx;
    if (nm) {
        f->nm = *nm;
        f->has_nm = 1;
    }
    f->t = xcalloc((size_t)c->n_tensors, sizeof *f->t);
    f->density = xcalloc((size_t)c->n_einsums + 1, sizeof *f->density);
    f->stride = xcalloc((size_t)c->n_tensors, sizeof *f->stride);
    for (int t = 0; t < c->n_tensors; t++) {
        FuncTensor *x = &f->t[t];
        x->ndim = c->tensors[t].ndim;
        for (int k = 0; k < x->ndim; k++)
            x->dim[k] = cascade_dim_extent(c, b, t, k);
        int64_t s = 1;
        for (int k = x->ndim - 1; k >= 0; k--) {
            f->stride[t][k] = s;
            s *= x->dim[k];
        }
        x->n = func_tensor_elems(c, b, t);
        if (mode == FUNC_DOUBLE)
            x->d = xcalloc(x->n, sizeof *x->d);
        else
            x->q = xcalloc(x->n, sizeof *x->q);
        x->present = xcalloc(x->n, 1);
    }
    lin_compile(f);
    return f;
}

void func_free(FuncEval *f)
{
    if (!f)
        return;
    for (int t = 0; t < f->c->n_tensors; t++) {
        free(f->t[t].d);
        free(f->t[t].q);
        free(f->t[t].present);
    }
    free(f->t);
    free(f->stride);
    free(f->density);
    for (int i = 0; i < f->c->n_einsums; i++)
        free(f->lin[i]);
    free(f->lin);
    free(f->lin_out);
    free(f);
}

void func_set_input(FuncEval *f, int t, const double *vals)
{
    FuncTensor *x = &f->t[t];
    for (size_t i = 0; i < x->n; i++) {
        if (f->mode == FUNC_DOUBLE)
            x->d[i] = vals[i];
        else
            x->q[i] = fx_from_double(&f->fx, vals[i]);
        x->present[i] = FUNC_PRESENT;
    }
}

void func_set_origin(FuncEval *f, int rank, int64_t origin)
{
    EINSIM_ASSERT(rank >= 0 && rank < f->c->n_ranks);
    f->origin[rank] = origin;
    f->has_origin = 1;
}

const FuncTensor *func_tensor(const FuncEval *f, int t) { return &f->t[t]; }

FuncDensity func_density(const FuncEval *f, int einsum) { return f->density[einsum]; }


double func_value(const FuncEval *f, int t, size_t i)
{
    const FuncTensor *x = &f->t[t];
    if (x->present[i] != FUNC_PRESENT)
        return NAN;
    return f->mode == FUNC_DOUBLE ? x->d[i] : fx_to_double(&f->fx, x->q[i]);
}

/* Offset of the element that `idx` (compiled as `la`) addresses in tensor t under the
 * current rank variables, or -1 when it lies outside the tensor. */
static int64_t offset_of(const FuncEval *f, int t, const IndexExpr *idx, const LinAccess *la,
                         const int64_t *var)
{
    if (la->inside) {
        int64_t off = la->konst;
        for (int j = 0; j < la->n; j++)
            off += la->c[j] * var[la->r[j]];
        return off;
    }
    const FuncTensor *x = &f->t[t];
    int64_t off = 0;
    for (int k = 0; k < x->ndim; k++) {
        int64_t i = lin_eval(&la->d[k], &idx[k], &f->b, var);
        if (i < 0 || i >= x->dim[k])
            return -1;
        off += i * f->stride[t][k];
    }
    return off;
}

static int pred_eval(const FuncEval *f, const Einsum *e, int n, const int64_t *var);

static double eval_d(const FuncEval *f, const Einsum *e, int n, const int64_t *var, int *ok)
{
    const ExprNode *nd = &e->nodes[n];
    switch (nd->kind) {
    case EX_NUM:
        return nd->num;
    case EX_SIZE:
        return (double)f->b.size[nd->rank];
    case EX_ACCESS: {
        int64_t off = offset_of(f, nd->tensor, nd->idx, &f->lin[e - f->c->einsums][n], var);
        if (off < 0 || f->t[nd->tensor].present[off] == FUNC_ABSENT) {
            *ok = FUNC_ABSENT;
            return 0;
        }
        if (f->t[nd->tensor].present[off] == FUNC_MASKED && *ok != FUNC_ABSENT)
            *ok = FUNC_MASKED;
        return f->t[nd->tensor].d[off];
    }
    case EX_NEG: return -eval_d(f, e, nd->a, var, ok);
    case EX_EXP: return exp(eval_d(f, e, nd->a, var, ok));
    case EX_SQRT: return sqrt(eval_d(f, e, nd->a, var, ok));
    case EX_SELECT: return eval_d(f, e, pred_eval(f, e, nd->c, var) ? nd->a : nd->b, var, ok);
    default: break;
    }
    double a = eval_d(f, e, nd->a, var, ok);
    double b = eval_d(f, e, nd->b, var, ok);
    switch (nd->kind) {
    case EX_ADD: return a + b;
    case EX_SUB: return (isinf(a) && a == b) ? 0 : a - b; /* -inf - -inf = 0, as in fixed point */
    case EX_MUL: return a * b;
    case EX_DIV: return a / b;
    case EX_MAX: return a > b ? a : b;
    case EX_MIN: return a < b ? a : b;
    default: EINSIM_ASSERT(!"unknown expression node");
    }
    return 0;
}

static int64_t eval_q(const FuncEval *f, const Einsum *e, int n, const int64_t *var, int *ok)
{
    const FxFormat *fx = &f->fx;
    const ExprNode *nd = &e->nodes[n];
    switch (nd->kind) {
    case EX_NUM:
        return fx_from_double(fx, nd->num);
    case EX_SIZE:
        return fx_from_double(fx, (double)f->b.size[nd->rank]);
    case EX_ACCESS: {
        int64_t off = offset_of(f, nd->tensor, nd->idx, &f->lin[e - f->c->einsums][n], var);
        if (off < 0 || f->t[nd->tensor].present[off] == FUNC_ABSENT) {
            *ok = FUNC_ABSENT;
            return 0;
        }
        if (f->t[nd->tensor].present[off] == FUNC_MASKED && *ok != FUNC_ABSENT)
            *ok = FUNC_MASKED;
        return f->t[nd->tensor].q[off];
    }
    case EX_NEG: return fx_sub(fx, 0, eval_q(f, e, nd->a, var, ok));
    case EX_EXP: return fx_exp(fx, eval_q(f, e, nd->a, var, ok));
    case EX_SQRT: return fx_sqrt(fx, eval_q(f, e, nd->a, var, ok));
    case EX_SELECT: return eval_q(f, e, pred_eval(f, e, nd->c, var) ? nd->a : nd->b, var, ok);
    default: break;
    }
    int64_t a = eval_q(f, e, nd->a, var, ok);
    int64_t b = eval_q(f, e, nd->b, var, ok);
    switch (nd->kind) {
    case EX_ADD: return fx_add(fx, a, b);
    case EX_SUB: return fx_sub(fx, a, b);
    case EX_MUL: return fx_mul(fx, a, b);
    case EX_DIV: return fx_div(fx, a, b);
    case EX_MAX: return fx_max(a, b);
    case EX_MIN: return fx_min(a, b);
    default: EINSIM_ASSERT(!"unknown expression node");
    }
    return 0;
}

/* A predicate at the current rank variables: comparisons of indices, and tests of
 * tensor elements (true when present and nonzero). */
static int pred_eval(const FuncEval *f, const Einsum *e, int n, const int64_t *var)
{
    const ExprNode *nd = &e->nodes[n];
    switch (nd->kind) {
    case EX_CMP: {
        int64_t g[CASCADE_MAX_RANKS];      /* the indices in the whole (func_set_origin) */
        if (f->has_origin) {
            for (int r = 0; r < f->c->n_ranks; r++)
                g[r] = var[r] + f->origin[r];
            var = g;
        }
        int64_t a = index_eval(&nd->idx[0], &f->b, var), b = index_eval(&nd->idx[1], &f->b, var);
        switch (nd->cmp) {
        case CMP_LT: return a < b;
        case CMP_LE: return a <= b;
        case CMP_GT: return a > b;
        case CMP_GE: return a >= b;
        case CMP_EQ: return a == b;
        case CMP_NE: return a != b;
        }
        return 0;
    }
    case EX_AND: return pred_eval(f, e, nd->a, var) && pred_eval(f, e, nd->b, var);
    case EX_OR: return pred_eval(f, e, nd->a, var) || pred_eval(f, e, nd->b, var);
    case EX_NOT: return !pred_eval(f, e, nd->a, var);
    case EX_ACCESS: {
        const FuncTensor *x = &f->t[nd->tensor];
        int64_t off = offset_of(f, nd->tensor, nd->idx, &f->lin[e - f->c->einsums][n], var);
        return off >= 0 && x->present[off] == FUNC_PRESENT &&
               (f->mode == FUNC_DOUBLE ? x->d[off] != 0 : x->q[off] != 0);
    }
    default: EINSIM_ASSERT(!"not a predicate node");
    }
    return 0;
}

/* Advances an odometer over ranks r[0..n) (last fastest); returns 0 when it wraps. */
static int odometer_next(const FuncEval *f, const int *r, int n, int64_t *var)
{
    for (int k = n - 1; k >= 0; k--) {
        if (++var[r[k]] < f->b.size[r[k]])
            return 1;
        var[r[k]] = 0;
    }
    return 0;
}

/* The fixed-point sum over one reduced rank r of the product of two accesses, without a
 * where clause, as a strided loop. Each index is linear in var[r], so when the first
 * and the last point of the line are inside their tensors every point is. Returns 0
 * (nothing done) when an operand is not an access, an index is not linear or the line
 * leaves a tensor: the caller then runs the general loop. Same terms in the same order
 * as the general loop, so the same result, state and density. */
static int mac_line(FuncEval *f, const Einsum *e, int64_t *var, int64_t *acc, int *any,
                    int *masked_term)
{
    const ExprNode *top = &e->nodes[e->root];
    const LinAccess *lin = f->lin[e - f->c->einsums];
    int r = e->red_ranks[0], node[2] = { top->a, top->b };
    int64_t len = f->b.size[r], off[2] = { 0, 0 }, step[2] = { 0, 0 };
    const FuncTensor *x[2];
    if (len < 2)
        return 0;
    var[r] = 0;
    for (int o = 0; o < 2; o++) {
        const ExprNode *nd = &e->nodes[node[o]];
        if (nd->kind != EX_ACCESS)
            return 0;
        x[o] = &f->t[nd->tensor];
        const LinAccess *la = &lin[node[o]];
        if (la->inside) {                 /* one linear form, every point inside */
            off[o] = la->konst;
            for (int j = 0; j < la->n; j++) {
                off[o] += la->c[j] * var[la->r[j]];
                step[o] += la->r[j] == r ? la->c[j] : 0;
            }
            continue;
        }
        for (int k = 0; k < x[o]->ndim; k++) {
            const LinIndex *li = &la->d[k];
            if (li->general)
                return 0;
            int64_t d = 0, i0 = lin_value(li, var);
            for (int j = 0; j < li->n; j++)
                d += li->r[j] == r ? li->c[j] : 0;
            int64_t i1 = i0 + d * (len - 1);
            if (i0 < 0 || i0 >= x[o]->dim[k] || i1 < 0 || i1 >= x[o]->dim[k])
                return 0;
            off[o] += i0 * f->stride[nd->tensor][k];
            step[o] += d * f->stride[nd->tensor][k];
        }
    }
    FuncDensity *dn = &f->density[e - f->c->einsums];
    const uint8_t *pa = x[0]->present, *pb = x[1]->present;
    const int64_t *qa = x[0]->q, *qb = x[1]->q;
    int64_t a = off[0], b = off[1], s = *acc, v = 0;
    while (v < len && pa[a + v * step[0]] == FUNC_PRESENT && pb[b + v * step[1]] == FUNC_PRESENT)
        v++;
    if (v == len) {                     /* every term present: one dot product */
        *acc = fx_dot(&f->fx, s, qa + a, step[0], qb + b, step[1], len);
        *any = 1;
        dn->live += (uint64_t)len;
        dn->points += (uint64_t)len;
        return 1;
    }
    for (v = 0; v < len; v++, a += step[0], b += step[1]) {
        if (pa[a] == FUNC_PRESENT && pb[b] == FUNC_PRESENT) {
            s = fx_mac(&f->fx, s, qa[a], qb[b]);
            *any = 1;
            dn->live++;
        } else if (pa[a] != FUNC_ABSENT && pb[b] != FUNC_ABSENT) {
            *masked_term = 1;       /* one is masked and neither absent */
        }
    }
    dn->points += (uint64_t)len;
    *acc = s;
    return 1;
}

/* One output element: reduce over the reduced ranks and store (semantics in interp.h:
 * an element with no unmasked point is masked; else the reduction of its present
 * terms; else, when some term was masked, the reduction's identity; else absent). */
static void eval_element(FuncEval *f, const Einsum *e, int64_t *var)
{
    FuncTensor *out = &f->t[e->out];
    FuncDensity *dn = &f->density[e - f->c->einsums];
    int64_t off = offset_of(f, e->out, e->out_idx, &f->lin_out[e - f->c->einsums], var);
    EINSIM_ASSERT(off >= 0);
    const ExprNode *top = &e->nodes[e->root];
    int any = 0, unmasked = 0, masked_term = 0;
    for (int k = 0; k < e->n_red; k++)
        var[e->red_ranks[k]] = 0;
    if (f->mode == FUNC_DOUBLE) {
        double acc = e->red == RED_MAX ? -INFINITY : e->red == RED_MIN ? INFINITY : 0;
        do {
            dn->points++;
            if (e->where >= 0 && !pred_eval(f, e, e->where, var))
                continue;
            unmasked = 1;
            int st = FUNC_PRESENT;
            double v = eval_d(f, e, e->root, var, &st);
            if (st != FUNC_PRESENT) {
                masked_term |= st == FUNC_MASKED;
                continue;
            }
            any = 1;
            dn->live++;
            if (e->red == RED_MAX)
                acc = v > acc ? v : acc;
            else if (e->red == RED_MIN)
                acc = v < acc ? v : acc;
            else
                acc += v;
        } while (e->n_red && odometer_next(f, e->red_ranks, e->n_red, var));
        out->d[off] = acc;
    } else {
        const FxFormat *fx = &f->fx;
        int mac = e->red == RED_SUM && top->kind == EX_MUL;
        int64_t acc = e->red == RED_MAX ? fx->wmin : e->red == RED_MIN ? fx->wmax : 0;
        if (mac && e->where < 0 && e->n_red == 1 && mac_line(f, e, var, &acc, &any, &masked_term))
            unmasked = 1;
        else do {
            dn->points++;
            if (e->where >= 0 && !pred_eval(f, e, e->where, var))
                continue;
            unmasked = 1;
            int st = FUNC_PRESENT;
            int64_t v;
            if (mac) {
                int64_t a = eval_q(f, e, top->a, var, &st);
                int64_t b = eval_q(f, e, top->b, var, &st);
                if (st != FUNC_PRESENT) {
                    masked_term |= st == FUNC_MASKED;
                    continue;
                }
                acc = fx_mac(fx, acc, a, b);
            } else {
                v = eval_q(f, e, e->root, var, &st);
                if (st != FUNC_PRESENT) {
                    masked_term |= st == FUNC_MASKED;
                    continue;
                }
                if (e->red == RED_MAX)
                    acc = fx_max(acc, v);
                else if (e->red == RED_MIN)
                    acc = fx_min(acc, v);
                else if (e->red == RED_SUM)
                    acc = fx_acc_add(fx, acc, v);
                else
                    acc = v;
            }
            any = 1;
            dn->live++;
        } while (e->n_red && odometer_next(f, e->red_ranks, e->n_red, var));
        out->q[off] = e->red == RED_SUM ? fx_from_acc(fx, acc) : acc;
    }
    uint8_t st = FUNC_ABSENT;
    if (!unmasked || (!any && masked_term && e->red == RED_NONE))
        st = FUNC_MASKED;
    else if (any || masked_term)
        st = FUNC_PRESENT;
    out->present[off] = st;
}

/* prune(r: x) and topk(r: x, k) along rank r: evaluate x along r, then prune keeps the
 * N:M survivors' values (0 elsewhere) and topk writes 1 for the k largest present
 * values (ties: the lower index) and 0 elsewhere. Absent values stay absent. */
static void eval_select_line(FuncEval *f, const Einsum *e, int64_t *var)
{
    int r = e->red_ranks[0];
    int64_t len = f->b.size[r];
    FuncTensor *out = &f->t[e->out];
    FuncDensity *dn = &f->density[e - f->c->einsums];
    double *vd = xcalloc((size_t)len, sizeof *vd);
    int64_t *vq = xcalloc((size_t)len, sizeof *vq);
    uint8_t *ok = xcalloc((size_t)len, 1);
    uint8_t *keep = xcalloc((size_t)len, 1);
    for (int64_t i = 0; i < len; i++) {
        int st = FUNC_PRESENT;
        var[r] = i;
        if (f->mode == FUNC_DOUBLE)
            vd[i] = eval_d(f, e, e->root, var, &st);
        else
            vq[i] = eval_q(f, e, e->root, var, &st);
        ok[i] = (uint8_t)st;
        if (st != FUNC_PRESENT)
            vd[i] = 0, vq[i] = 0;
        dn->points++;
        dn->live += st == FUNC_PRESENT;
    }
    if (e->red == RED_TOPK) {
        /* k rounds of "largest present value not yet kept", lowest index on ties. */
        int64_t k = einsum_topk_k(e, &f->b);
        for (int64_t round = 0; round < k; round++) {
            int64_t best = -1;
            for (int64_t i = 0; i < len; i++)
                if (ok[i] == FUNC_PRESENT && !keep[i] &&
                    (best < 0 || (f->mode == FUNC_DOUBLE ? vd[i] > vd[best] : vq[i] > vq[best])))
                    best = i;
            if (best < 0)
                break;
            keep[best] = 1;
        }
    } else if (f->mode == FUNC_DOUBLE) {
        nm_mask(&f->nm, vd, (size_t)len, 1, keep, 1);
    } else {
        nm_mask_i64(&f->nm, vq, (size_t)len, 1, keep, 1);
    }
    int topk = e->red == RED_TOPK;
    for (int64_t i = 0; i < len; i++) {
        var[r] = i;
        int64_t off = offset_of(f, e->out, e->out_idx, &f->lin_out[e - f->c->einsums], var);
        EINSIM_ASSERT(off >= 0);
        if (f->mode == FUNC_DOUBLE)
            out->d[off] = keep[i] ? (topk ? 1.0 : vd[i]) : 0;
        else
            out->q[off] = keep[i] ? (topk ? fx_from_double(&f->fx, 1.0) : vq[i]) : 0;
        out->present[off] = ok[i];
    }
    free(vd);
    free(vq);
    free(ok);
    free(keep);
}

/* Evaluates Einsum e over all its free ranks except `fixed` (-1 for none), whose
 * variable is already set in var[]. */
static void eval_einsum(FuncEval *f, const Einsum *e, int fixed, int64_t *var)
{
    int loop[CASCADE_MAX_DIMS], n = 0;
    int line = e->red == RED_PRUNE || e->red == RED_TOPK;
    int pruned = line ? e->red_ranks[0] : -1;
    for (int k = 0; k < e->n_free; k++)
        if (e->free_ranks[k] != fixed && e->free_ranks[k] != pruned)
            loop[n++] = e->free_ranks[k];
    for (int k = 0; k < n; k++)
        var[loop[k]] = 0;
    do {
        if (line)
            eval_select_line(f, e, var);
        else
            eval_element(f, e, var);
    } while (n && odometer_next(f, loop, n, var));
}

static void init_recurrences(FuncEval *f)
{
    const Cascade *c = f->c;
    for (int t = 0; t < c->n_tensors; t++) {
        const CascadeTensor *ct = &c->tensors[t];
        if (ct->recur_dim < 0)
            continue;
        FuncTensor *x = &f->t[t];
        int64_t s = f->stride[t][ct->recur_dim];
        int64_t ext = x->dim[ct->recur_dim];
        for (size_t i = 0; i < x->n; i++) {
            if (((int64_t)i / s) % ext != 0)
                continue;
            if (f->mode == FUNC_DOUBLE)
                x->d[i] = ct->init_value;
            else
                x->q[i] = fx_from_double(&f->fx, ct->init_value);
            x->present[i] = FUNC_PRESENT;
        }
    }
}

void func_run(FuncEval *f)
{
    const Cascade *c = f->c;
    int64_t var[CASCADE_MAX_RANKS] = {0};
    init_recurrences(f);
    int k = 0;
    while (k < c->n_einsums && c->einsums[c->order[k]].phase == PHASE_PRE)
        eval_einsum(f, &c->einsums[c->order[k++]], -1, var);
    int loop_begin = k;
    while (k < c->n_einsums && c->einsums[c->order[k]].phase == PHASE_LOOP)
        k++;
    if (k > loop_begin) {
        int it = c->iter_rank;
        for (int64_t step = 0; step < f->b.size[it]; step++)
            for (int j = loop_begin; j < k; j++) {
                var[it] = step;
                eval_einsum(f, &c->einsums[c->order[j]], it, var);
            }
    }
    for (; k < c->n_einsums; k++)
        eval_einsum(f, &c->einsums[c->order[k]], -1, var);
}

int func_point_live(const FuncEval *f, int einsum, const int64_t *var)
{
    const Einsum *e = &f->c->einsums[einsum];
    if (e->where >= 0 && !pred_eval(f, e, e->where, var))
        return 0;
    int st = FUNC_PRESENT;
    if (f->mode == FUNC_DOUBLE)
        eval_d(f, e, e->root, var, &st);
    else
        eval_q(f, e, e->root, var, &st);
    return st == FUNC_PRESENT;
}

/* ---- seeded random inputs ------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double **func_random_inputs(const Cascade *c, const RankBinding *b, uint64_t seed, double lo,
                            double hi, double quantum)
{
    double **in = xcalloc((size_t)c->n_tensors, sizeof *in);
    uint64_t s = seed;
    for (int t = 0; t < c->n_tensors; t++) {
        if (!c->tensors[t].is_input)
            continue;
        size_t n = func_tensor_elems(c, b, t);
        in[t] = xmalloc(n * sizeof **in);
        if (c->tensors[t].data >= 0) {
            const CascadeData *x = &c->data[c->tensors[t].data];
            EINSIM_ASSERT((size_t)(x->rows * x->cols) == n);
            for (size_t i = 0; i < n; i++)
                in[t][i] = x->keep[i];
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            double u = (double)(splitmix64(&s) >> 11) * 0x1.0p-53;
            double x = lo + (hi - lo) * u;
            in[t][i] = quantum > 0 ? fmax(lo, floor(x / quantum) * quantum) : x;
        }
    }
    return in;
}

void func_inputs_free(const Cascade *c, double **in)
{
    if (!in)
        return;
    for (int t = 0; t < c->n_tensors; t++)
        free(in[t]);
    free(in);
}
