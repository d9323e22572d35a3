/* mask.c — mask queries (mask.h): the kind of mask that reaches an Einsum, and the
 * classification of a block of its iteration space by interval arithmetic on the
 * indices and three-valued logic on the predicates and on the presence of operands. */
#include "cascade/mask.h"

#include <string.h>

#include "util/util.h"

/* ---- kinds ------------------------------------------------------------------------------ */

static MaskKind kmax(MaskKind a, MaskKind b) { return a > b ? a : b; }

static MaskKind tensor_kind(const Cascade *c, int t, int depth);

/* The kind of a predicate subtree: RULE, or DATA when it tests a tensor. */
static MaskKind pred_kind(const Einsum *e, int n)
{
    if (n < 0)
        return MASK_NONE;
    const ExprNode *x = &e->nodes[n];
    if (x->kind == EX_ACCESS)
        return MASK_DATA;
    if (x->kind == EX_CMP)
        return MASK_RULE;
    return kmax(pred_kind(e, x->a), pred_kind(e, x->b));
}

/* The kind of mask on the presence of a value subtree. */
static MaskKind value_kind(const Cascade *c, const Einsum *e, int n, int depth)
{
    if (n < 0)
        return MASK_NONE;
    const ExprNode *x = &e->nodes[n];
    if (x->kind == EX_ACCESS)
        return tensor_kind(c, x->tensor, depth + 1);
    MaskKind k = kmax(value_kind(c, e, x->a, depth), value_kind(c, e, x->b, depth));
    return x->kind == EX_SELECT ? kmax(k, pred_kind(e, x->c)) : k;
}

static MaskKind einsum_kind(const Cascade *c, const Einsum *e, int depth)
{
    return kmax(pred_kind(e, e->where), value_kind(c, e, e->root, depth));
}

/* Which mask decides where tensor t has values: inputs and recurrences have them
 * everywhere; a reduction wherever its own where clause leaves a point. */
static MaskKind tensor_kind(const Cascade *c, int t, int depth)
{
    const CascadeTensor *x = &c->tensors[t];
    EINSIM_ASSERT(depth <= c->n_einsums + 1);
    if (x->writer < 0 || x->recur_dim >= 0)
        return MASK_NONE;
    const Einsum *w = &c->einsums[x->writer];
    if (w->red == RED_SUM || w->red == RED_MAX || w->red == RED_MIN)
        return pred_kind(w, w->where);
    return einsum_kind(c, w, depth);
}

MaskKind cascade_mask_kind(const Cascade *c, int e)
{
    const Einsum *x = &c->einsums[e];
    MaskKind k = einsum_kind(c, x, 0);
    return x->red == RED_TOPK ? kmax(k, MASK_DATA) : k;
}

MaskKind cascade_work_mask_kind(const Cascade *c, int e)
{
    return einsum_kind(c, &c->einsums[e], 0);
}

/* ---- intervals ------------------------------------------------------------------------------ */

/* Values are kept within +-2^62 (saturated), far beyond any bound rank size. */
#define IV_CAP ((__int128)1 << 62)

typedef struct {
    __int128 lo, hi;
} Iv;

static __int128 sat(__int128 x) { return x > IV_CAP ? IV_CAP : x < -IV_CAP ? -IV_CAP : x; }

static __int128 fdiv(__int128 x, __int128 d)
{
    __int128 q = x / d;
    return (x % d != 0 && x < 0) ? q - 1 : q;
}

/* The range of one index term over the box. */
static Iv term_range(const IndexTerm *t, const RankBinding *b, const int64_t *lo, const int64_t *hi)
{
    __int128 k = t->coef;
    if (t->size_rank >= 0)
        k = sat(k * b->size[t->size_rank]);
    Iv v = { k, k };
    if (t->rank >= 0) {
        __int128 a = sat(k * lo[t->rank]), z = sat(k * (hi[t->rank] - 1));
        v = (Iv){ a < z ? a : z, a < z ? z : a };
    }
    if (t->op == IX_PLAIN)
        return v;
    __int128 dv = t->dcoef;
    if (t->d_size_rank >= 0)
        dv = sat(dv * b->size[t->d_size_rank]);
    if (t->op == IX_DIV)
        v = (Iv){ fdiv(v.lo, dv), fdiv(v.hi, dv) };
    else if (fdiv(v.lo, dv) != fdiv(v.hi, dv))
        v = (Iv){ 0, dv - 1 };
    else
        v = (Iv){ v.lo - fdiv(v.lo, dv) * dv, v.hi - fdiv(v.hi, dv) * dv };
    return t->neg ? (Iv){ -v.hi, -v.lo } : v;
}

/* The range of sign * ix over the box (sign = +1 or -1), added to *acc. Plain terms of
 * one rank are merged first, so that m - m is 0 and each rank counts once. */
static void add_range(const IndexExpr *ix, int sign, const RankBinding *b, const int64_t *lo,
                      const int64_t *hi, Iv *acc, __int128 *coef_of_rank)
{
    acc->lo = sat(acc->lo + sign * (__int128)ix->konst);
    acc->hi = sat(acc->hi + sign * (__int128)ix->konst);
    for (int i = 0; i < ix->n; i++) {
        const IndexTerm *t = &ix->t[i];
        if (t->op == IX_PLAIN && t->rank >= 0) {
            __int128 k = t->coef;
            if (t->size_rank >= 0)
                k = sat(k * b->size[t->size_rank]);
            coef_of_rank[t->rank] = sat(coef_of_rank[t->rank] + sign * k);
            continue;
        }
        Iv v = term_range(t, b, lo, hi);
        if (sign > 0) {
            acc->lo = sat(acc->lo + v.lo);
            acc->hi = sat(acc->hi + v.hi);
        } else {
            acc->lo = sat(acc->lo - v.hi);
            acc->hi = sat(acc->hi - v.lo);
        }
    }
}

/* The range over the box of the sum of n indices, each with its sign. */
static Iv sum_range(const IndexExpr *const *ix, const int *sign, int n, const RankBinding *b,
                    const int64_t *lo, const int64_t *hi)
{
    Iv acc = { 0, 0 };
    __int128 k[CASCADE_MAX_RANKS] = { 0 };
    for (int i = 0; i < n; i++)
        add_range(ix[i], sign[i], b, lo, hi, &acc, k);
    for (int r = 0; r < CASCADE_MAX_RANKS; r++) {
        if (k[r] == 0)
            continue;
        __int128 x = sat(k[r] * lo[r]), z = sat(k[r] * (hi[r] - 1));
        acc.lo = sat(acc.lo + (x < z ? x : z));
        acc.hi = sat(acc.hi + (x < z ? z : x));
    }
    return acc;
}

/* The range of a - b (b may be NULL) over the box. */
static Iv diff_range(const IndexExpr *a, const IndexExpr *bx, const RankBinding *b,
                     const int64_t *lo, const int64_t *hi)
{
    const IndexExpr *ix[2] = { a, bx };
    static const int sign[2] = { 1, -1 };
    return sum_range(ix, sign, bx ? 2 : 1, b, lo, hi);
}

/* ---- three-valued logic over a box --------------------------------------------------------- */

typedef enum { T_FALSE, T_TRUE, T_UNKNOWN } Tri;

static Tri t_and(Tri a, Tri b)
{
    return a == T_FALSE || b == T_FALSE ? T_FALSE : a == T_TRUE && b == T_TRUE ? T_TRUE : T_UNKNOWN;
}

static Tri t_or(Tri a, Tri b)
{
    return a == T_TRUE || b == T_TRUE ? T_TRUE : a == T_FALSE && b == T_FALSE ? T_FALSE : T_UNKNOWN;
}

static Tri t_not(Tri a) { return a == T_UNKNOWN ? T_UNKNOWN : a == T_TRUE ? T_FALSE : T_TRUE; }

typedef struct {
    const Cascade *c;
    const RankBinding *b;
    int depth;
    int ext_only;   /* ignore where clauses: is an element there at all, masked or not
                       (not absent: outside an extent, or all of its terms absent)? */
    int rule_only;  /* a predicate that reads a tensor (a data mask) holds where it is not
                       negated: what the rules alone leave */
} Ctx;

/* The comparisons of a chain of && under node n, as "form <= c" inequalities: form =
 * (left - right) * s; at most `max` of them. */
typedef struct {
    const IndexExpr *l, *r;
    int s;
    __int128 c;
} Ineq;

static int conjuncts(const Einsum *e, int n, Ineq *out, int k, int max)
{
    const ExprNode *nd = &e->nodes[n];
    if (nd->kind == EX_AND)
        return conjuncts(e, nd->b, out, conjuncts(e, nd->a, out, k, max), max);
    if (nd->kind != EX_CMP || k == max || nd->cmp == CMP_EQ || nd->cmp == CMP_NE)
        return k;
    int s = nd->cmp == CMP_LT || nd->cmp == CMP_LE ? 1 : -1;
    __int128 c = nd->cmp == CMP_LT || nd->cmp == CMP_GT ? -1 : 0;
    out[k] = (Ineq){ &nd->idx[0], &nd->idx[1], s, c };
    return k + 1;
}

/* Whether two comparisons of a conjunction contradict each other over the box: the sum
 * of their forms always exceeds the sum of their bounds (p - m < W and m <= p cannot
 * both hold when W <= 0). */
static int contradicts(const Einsum *e, int n, const RankBinding *b, const int64_t *lo,
                       const int64_t *hi)
{
    Ineq q[8];
    int k = conjuncts(e, n, q, 0, 8);
    for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++) {
            const IndexExpr *ix[4] = { q[i].l, q[i].r, q[j].l, q[j].r };
            int sign[4] = { q[i].s, -q[i].s, q[j].s, -q[j].s };
            if (sum_range(ix, sign, 4, b, lo, hi).lo > q[i].c + q[j].c)
                return 1;
        }
    return 0;
}

static Tri pred_over(const Ctx *x, const Einsum *e, int n, const int64_t *lo, const int64_t *hi)
{
    if (n < 0)
        return T_TRUE;
    const ExprNode *nd = &e->nodes[n];
    switch (nd->kind) {
    case EX_AND: {
        Tri t = t_and(pred_over(x, e, nd->a, lo, hi), pred_over(x, e, nd->b, lo, hi));
        return t == T_UNKNOWN && contradicts(e, n, x->b, lo, hi) ? T_FALSE : t;
    }
    case EX_OR: return t_or(pred_over(x, e, nd->a, lo, hi), pred_over(x, e, nd->b, lo, hi));
    case EX_NOT: {
        if (!x->rule_only)
            return t_not(pred_over(x, e, nd->a, lo, hi));
        Ctx plain = *x;
        plain.rule_only = 0;
        return t_not(pred_over(&plain, e, nd->a, lo, hi));
    }
    case EX_ACCESS: return x->rule_only ? T_TRUE : T_UNKNOWN; /* a data mask */
    case EX_CMP: break;
    default: EINSIM_ASSERT(!"not a predicate node");
    }
    Iv d = diff_range(&nd->idx[0], &nd->idx[1], x->b, lo, hi); /* left - right */
    switch (nd->cmp) {
    case CMP_LT: return d.hi < 0 ? T_TRUE : d.lo >= 0 ? T_FALSE : T_UNKNOWN;
    case CMP_LE: return d.hi <= 0 ? T_TRUE : d.lo > 0 ? T_FALSE : T_UNKNOWN;
    case CMP_GT: return d.lo > 0 ? T_TRUE : d.hi <= 0 ? T_FALSE : T_UNKNOWN;
    case CMP_GE: return d.lo >= 0 ? T_TRUE : d.hi < 0 ? T_FALSE : T_UNKNOWN;
    case CMP_EQ: return d.lo == 0 && d.hi == 0 ? T_TRUE : (d.lo > 0 || d.hi < 0) ? T_FALSE : T_UNKNOWN;
    case CMP_NE: return d.lo == 0 && d.hi == 0 ? T_FALSE : (d.lo > 0 || d.hi < 0) ? T_TRUE : T_UNKNOWN;
    }
    return T_UNKNOWN;
}

static Tri tensor_over(const Ctx *x, int t, const int64_t *lo, const int64_t *hi);

/* Whether a value subtree has a value over the box. */
static Tri value_over(const Ctx *x, const Einsum *e, int n, const int64_t *lo, const int64_t *hi)
{
    const ExprNode *nd = &e->nodes[n];
    switch (nd->kind) {
    case EX_NUM: case EX_SIZE: return T_TRUE;
    case EX_SELECT: {
        Tri p = pred_over(x, e, nd->c, lo, hi);
        return t_or(t_and(p, value_over(x, e, nd->a, lo, hi)),
                    t_and(t_not(p), value_over(x, e, nd->b, lo, hi)));
    }
    case EX_ACCESS: break;
    default: {
        Tri v = value_over(x, e, nd->a, lo, hi);
        return nd->b >= 0 ? t_and(v, value_over(x, e, nd->b, lo, hi)) : v;
    }
    }
    /* The box of the tensor's dimensions that the access reads. */
    const CascadeTensor *ct = &x->c->tensors[nd->tensor];
    int64_t tlo[CASCADE_MAX_DIMS], thi[CASCADE_MAX_DIMS];
    Tri inside = T_TRUE;
    for (int k = 0; k < ct->ndim; k++) {
        Iv v = diff_range(&nd->idx[k], NULL, x->b, lo, hi);
        __int128 ext = cascade_dim_extent(x->c, x->b, nd->tensor, k);
        if (v.hi < 0 || v.lo >= ext)
            return T_FALSE;
        if (v.lo < 0 || v.hi >= ext)
            inside = T_UNKNOWN;
        tlo[k] = (int64_t)(v.lo < 0 ? 0 : v.lo);
        thi[k] = (int64_t)(v.hi >= ext ? ext : v.hi + 1);
    }
    return t_and(inside, tensor_over(x, nd->tensor, tlo, thi));
}

/* Whether the points of Einsum e over the box are live: its where and its operands. */
static Tri work_over(const Ctx *x, const Einsum *e, const int64_t *lo, const int64_t *hi)
{
    Tri p = x->ext_only ? T_TRUE : pred_over(x, e, e->where, lo, hi);
    return t_and(p, value_over(x, e, e->root, lo, hi));
}

/* Whether tensor t has values over the box tlo..thi of its dimensions. */
static Tri tensor_over(const Ctx *x, int t, const int64_t *tlo, const int64_t *thi)
{
    const CascadeTensor *ct = &x->c->tensors[t];
    if (ct->writer < 0 || ct->recur_dim >= 0)
        return T_TRUE;
    const Einsum *w = &x->c->einsums[ct->writer];
    EINSIM_ASSERT(x->depth <= x->c->n_einsums + 1);
    Ctx sub = { x->c, x->b, x->depth + 1, x->ext_only, x->rule_only };
    int64_t lo[CASCADE_MAX_RANKS], hi[CASCADE_MAX_RANKS];
    for (int r = 0; r < x->c->n_ranks; r++) {
        lo[r] = 0;
        hi[r] = x->b->size[r];
    }
    for (int k = 0; k < ct->ndim; k++) {
        lo[w->free_ranks[k]] = tlo[k];
        hi[w->free_ranks[k]] = thi[k];
    }
    if (w->red == RED_SUM || w->red == RED_MAX || w->red == RED_MIN) {
        /* A value wherever some point is unmasked and some term is there, masked or not
         * (at worst the identity). The reduced ranks cover their whole range, so "some"
         * is decided only when all agree; otherwise the answer is unknown. */
        Ctx ext = sub;
        ext.ext_only = 1;
        Tri there = value_over(&ext, w, w->root, lo, hi);
        return x->ext_only ? there : t_and(pred_over(&sub, w, w->where, lo, hi), there);
    }
    return work_over(&sub, w, lo, hi);
}

static BlockClass block_class(const Cascade *c, int e, const RankBinding *b, const int64_t *lo,
                              const int64_t *hi, int rule_only)
{
    const Einsum *x = &c->einsums[e];
    int64_t l[CASCADE_MAX_RANKS], h[CASCADE_MAX_RANKS];
    for (int r = 0; r < c->n_ranks; r++) {
        l[r] = 0;
        h[r] = b->size[r];
    }
    for (int k = 0; k < x->n_free; k++) {
        l[x->free_ranks[k]] = lo[x->free_ranks[k]];
        h[x->free_ranks[k]] = hi[x->free_ranks[k]];
    }
    for (int k = 0; k < x->n_red; k++) {
        l[x->red_ranks[k]] = lo[x->red_ranks[k]];
        h[x->red_ranks[k]] = hi[x->red_ranks[k]];
    }
    for (int r = 0; r < c->n_ranks; r++)
        EINSIM_ASSERT(l[r] < h[r]);
    Ctx ctx = { c, b, 0, 0, rule_only };
    Tri t = work_over(&ctx, x, l, h);
    return t == T_TRUE ? BLOCK_LIVE : t == T_FALSE ? BLOCK_DEAD : BLOCK_PARTIAL;
}

BlockClass cascade_block_class(const Cascade *c, int e, const RankBinding *b, const int64_t *lo,
                               const int64_t *hi)
{
    return block_class(c, e, b, lo, hi, 0);
}

BlockClass cascade_where_class(const Cascade *c, int e, const RankBinding *b, const int64_t *lo,
                               const int64_t *hi)
{
    const Einsum *x = &c->einsums[e];
    Ctx ctx = { c, b, 0, 0, 1 };
    Tri t = pred_over(&ctx, x, x->where, lo, hi);
    return t == T_TRUE ? BLOCK_LIVE : t == T_FALSE ? BLOCK_DEAD : BLOCK_PARTIAL;
}

BlockClass cascade_block_class_rules(const Cascade *c, int e, const RankBinding *b,
                                     const int64_t *lo, const int64_t *hi)
{
    return block_class(c, e, b, lo, hi, 1);
}

int cascade_check_masks(const Cascade *c, const RankBinding *b, Diag *d)
{
    int bad = 0;
    for (int i = 0; i < c->n_einsums; i++) {
        const Einsum *e = &c->einsums[i];
        if (e->where < 0)
            continue;
        int64_t lo[CASCADE_MAX_RANKS] = { 0 }, hi[CASCADE_MAX_RANKS];
        for (int r = 0; r < c->n_ranks; r++)
            hi[r] = b->size[r];
        Ctx ctx = { c, b, 0, 0, 0 };
        if (pred_over(&ctx, e, e->where, lo, hi) == T_FALSE) {
            diag_error(d, e->loc.file, e->loc.line, "einsum %s: its where clause holds at no "
                       "point for these rank sizes (an empty window or block pattern?), so it "
                       "masks all of its work", e->name);
            bad = 1;
        }
    }
    return bad;
}
