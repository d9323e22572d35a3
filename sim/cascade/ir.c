/* ir.c — queries on a built cascade (sim/cascade/ir.h): lookups, rank binding, index
 * evaluation, the ops of an Einsum's term, the one-screen summary, and freeing. */
#include "cascade/ir.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int cascade_find_tensor(const Cascade *c, const char *name)
{
    for (int i = 0; i < c->n_tensors; i++)
        if (strcmp(c->tensors[i].name, name) == 0)
            return i;
    return -1;
}

int cascade_find_einsum(const Cascade *c, const char *name)
{
    for (int i = 0; i < c->n_einsums; i++)
        if (strcmp(c->einsums[i].name, name) == 0)
            return i;
    return -1;
}

int cascade_find_rank(const Cascade *c, const char *name)
{
    for (int i = 0; i < c->n_ranks; i++)
        if (strcmp(c->ranks[i].name, name) == 0)
            return i;
    return -1;
}

void cascade_free(Cascade *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n_ranks; i++) {
        free(c->ranks[i].name);
        free(c->ranks[i].var);
    }
    for (int i = 0; i < c->n_tensors; i++)
        free(c->tensors[i].name);
    for (int i = 0; i < c->n_einsums; i++) {
        free(c->einsums[i].name);
        free(c->einsums[i].text);
        free(c->einsums[i].nodes);
    }
    for (int i = 0; i < c->n_data; i++) {
        free(c->data[i].path);
        free(c->data[i].keep);
    }
    free(c->data);
    for (int i = 0; i < c->n_files; i++)
        free(c->files[i]);
    free(c->files);
    free(c->ranks);
    free(c->tensors);
    free(c->einsums);
    free(c->order);
    free(c->name);
    free(c->path);
    free(c->problem);
    free(c);
}

const char *reduce_kind_word(ReduceKind k)
{
    switch (k) {
    case RED_SUM: return "sum";
    case RED_MAX: return "max";
    case RED_MIN: return "min";
    case RED_PRUNE: return "prune";
    case RED_TOPK: return "topk";
    default: return "map";
    }
}

/* ---- indices ---------------------------------------------------------------------------------- */

int64_t index_floor_div(int64_t x, int64_t d)
{
    int64_t q = x / d;
    return (x % d != 0 && x < 0) ? q - 1 : q;
}

int64_t index_floor_mod(int64_t x, int64_t d)
{
    int64_t r = x % d;
    return r < 0 ? r + d : r;
}

/* The divisor of term t: dcoef * size(d_size_rank); 0 when it overflows. */
static int64_t term_divisor(const IndexTerm *t, const RankBinding *b)
{
    int64_t dv = t->dcoef;
    if (t->d_size_rank >= 0 && !ck_mul_i64(dv, b->size[t->d_size_rank], &dv))
        return 0;
    return dv;
}

int64_t index_eval(const IndexExpr *ix, const RankBinding *b, const int64_t *var)
{
    int64_t v = ix->konst;
    for (int i = 0; i < ix->n; i++) {
        const IndexTerm *t = &ix->t[i];
        int64_t term = t->coef;
        if ((t->size_rank >= 0 && !ck_mul_i64(term, b->size[t->size_rank], &term)) ||
            (t->rank >= 0 && !ck_mul_i64(term, var[t->rank], &term)))
            return -1;
        if (t->op != IX_PLAIN) {
            int64_t dv = term_divisor(t, b);
            if (dv < 1)
                return -1;
            term = t->op == IX_DIV ? index_floor_div(term, dv) : index_floor_mod(term, dv);
            term = t->neg ? -term : term;
        }
        if (!ck_add_i64(v, term, &v))
            return -1;
    }
    return v;
}

/* Whether |ix| stays below 2^63 for every rank variable in 0..size (the recurrent
 * dimension reaches size): the sum of the absolute values of its terms at their
 * largest (a quotient is no larger than its dividend, a modulo is below its divisor). */
static bool index_fits(const IndexExpr *ix, const RankBinding *b)
{
    uint64_t bound = ix->konst < 0 ? (uint64_t)0 - (uint64_t)ix->konst : (uint64_t)ix->konst;
    for (int i = 0; i < ix->n; i++) {
        const IndexTerm *t = &ix->t[i];
        uint64_t term = t->coef < 0 ? (uint64_t)0 - (uint64_t)t->coef : (uint64_t)t->coef;
        if ((t->size_rank >= 0 && !ck_mul_u64(term, (uint64_t)b->size[t->size_rank], &term)) ||
            (t->rank >= 0 && !ck_mul_u64(term, (uint64_t)b->size[t->rank], &term)))
            return false;
        if (t->op != IX_PLAIN) {
            int64_t dv = term_divisor(t, b);
            if (dv < 1 || term > (uint64_t)INT64_MAX)
                return false;
            if (t->op == IX_MOD)
                term = (uint64_t)dv;
        }
        if (!ck_add_u64(bound, term, &bound))
            return false;
    }
    return bound <= (uint64_t)INT64_MAX;
}

/* Reports the first index of Einsum e that may overflow under b; returns 0 or 1. */
static int check_indices(const Cascade *c, const Einsum *e, const RankBinding *b, Diag *d)
{
    const CascadeTensor *out = &c->tensors[e->out];
    for (int k = 0; k < out->ndim; k++)
        if (!index_fits(&e->out_idx[k], b)) {
            diag_error(d, e->loc.file, e->loc.line, "einsum %s: index %d of its left-hand side "
                       "overflows 64 bits for the bound rank sizes", e->name, k + 1);
            return 1;
        }
    for (int j = 0; j < e->n_nodes; j++) {
        const ExprNode *nd = &e->nodes[j];
        if (nd->kind == EX_CMP) {
            for (int k = 0; k < 2; k++)
                if (!index_fits(&nd->idx[k], b)) {
                    diag_error(d, e->loc.file, e->loc.line, "einsum %s: a side of the comparison "
                               "at column %d overflows 64 bits for the bound rank sizes", e->name,
                               nd->col);
                    return 1;
                }
            continue;
        }
        if (nd->kind != EX_ACCESS)
            continue;
        const CascadeTensor *t = &c->tensors[nd->tensor];
        for (int k = 0; k < t->ndim; k++)
            if (!index_fits(&nd->idx[k], b)) {
                diag_error(d, e->loc.file, e->loc.line, "einsum %s: index %d of %s overflows 64 "
                           "bits for the bound rank sizes", e->name, k + 1, t->name);
                return 1;
            }
    }
    return 0;
}

/* ---- binding ------------------------------------------------------------------------------ */

int cascade_bind(const Cascade *c, const RankSize *sizes, int n_sizes, bool allow_extra,
                 Diag *d, RankBinding *out)
{
    int errs0 = diag_count(d);
    memset(out, 0, sizeof *out);
    for (int i = 0; i < n_sizes; i++) {
        int r = cascade_find_rank(c, sizes[i].name);
        if (r < 0) {
            if (!allow_extra && !sizes[i].if_present)
                diag_error(d, sizes[i].loc.file, sizes[i].loc.line, "rank %s is not a rank of "
                           "cascade %s", sizes[i].name, c->name);
            continue;
        }
        if (c->ranks[r].kind == RANK_OUTER) {
            diag_error(d, sizes[i].loc.file, sizes[i].loc.line, "rank %s is derived (ceil of %s "
                       "/ %s) and cannot be set", sizes[i].name, c->ranks[c->ranks[r].parent].name,
                       c->ranks[c->ranks[r].partner].name);
            continue;
        }
        if (sizes[i].size < 1 || sizes[i].size > ((uint64_t)1 << 40)) {
            diag_error(d, sizes[i].loc.file, sizes[i].loc.line, "rank %s = %llu: must be between "
                       "1 and 2^40", sizes[i].name, (unsigned long long)sizes[i].size);
            continue;
        }
        out->size[r] = (int64_t)sizes[i].size;
    }
    for (int r = 0; r < c->n_ranks; r++)
        if (c->ranks[r].kind != RANK_OUTER && out->size[r] == 0)
            diag_error(d, c->path, 0, "cascade %s: no size given for rank %s", c->name,
                       c->ranks[r].name);
    if (diag_count(d) > errs0)
        return 1;
    /* Outer ranks, parents first (a partitioned rank may itself be an outer/inner rank). */
    for (int pass = 0; pass < c->n_ranks; pass++)
        for (int r = 0; r < c->n_ranks; r++) {
            const CascadeRank *k = &c->ranks[r];
            if (k->kind == RANK_OUTER && out->size[r] == 0 && out->size[k->parent] > 0) {
                int64_t par = out->size[k->parent], in = out->size[k->partner];
                out->size[r] = (par + in - 1) / in;
            }
        }
    for (int t = 0; t < c->n_tensors; t++) {
        uint64_t n = 1;
        for (int k = 0; k < c->tensors[t].ndim; k++)
            if (!ck_mul_u64(n, (uint64_t)cascade_dim_extent(c, out, t, k), &n) || n > INT64_MAX) {
                diag_error(d, c->tensors[t].loc.file, c->tensors[t].loc.line, "tensor %s: the "
                           "product of its dimension sizes overflows 64 bits", c->tensors[t].name);
                return 1;
            }
    }
    for (int i = 0; i < c->n_einsums; i++)
        if (check_indices(c, &c->einsums[i], out, d))
            return 1;
    for (int i = 0; i < c->n_einsums; i++) {
        const Einsum *e = &c->einsums[i];
        if (e->red != RED_TOPK)
            continue;
        int64_t k = einsum_topk_k(e, out), n = out->size[e->red_ranks[0]];
        if (k > n)
            diag_error(d, e->loc.file, e->loc.line, "einsum %s: topk keeps k = %lld of the %lld "
                       "elements of rank %s; k must not exceed the rank's size", e->name,
                       (long long)k, (long long)n, c->ranks[e->red_ranks[0]].name);
    }
    for (int i = 0; i < c->n_data; i++) {
        const CascadeData *x = &c->data[i];
        const CascadeTensor *t = &c->tensors[x->tensor];
        int64_t r = cascade_dim_extent(c, out, x->tensor, 0), k = cascade_dim_extent(c, out, x->tensor, 1);
        if (x->rows != r || x->cols != k)
            diag_error(d, x->loc.file, x->loc.line, "blockmask: %lld x %lld, but %s[%s, %s] is "
                       "%lld x %lld at these rank sizes", (long long)x->rows,
                       (long long)x->cols, t->name, c->ranks[t->dim_rank[0]].var,
                       c->ranks[t->dim_rank[1]].var, (long long)r, (long long)k);
    }
    return diag_count(d) > errs0;
}

int64_t einsum_topk_k(const Einsum *e, const RankBinding *b)
{
    int64_t k = e->topk_n;
    if (e->topk_rank >= 0 && !ck_mul_i64(k, b->size[e->topk_rank], &k))
        return INT64_MAX;
    return k;
}

int64_t cascade_dim_extent(const Cascade *c, const RankBinding *b, int t, int dim)
{
    const CascadeTensor *x = &c->tensors[t];
    return b->size[x->dim_rank[dim]] + (x->recur_dim == dim ? 1 : 0);
}

void einsum_unit_ops(const Einsum *e, uint32_t ops[OP__COUNT])
{
    memcpy(ops, e->map_ops, sizeof e->map_ops);
    if (e->red == RED_SUM) {
        if (e->nodes[e->root].kind == EX_MUL)
            return; /* the product's MAC also accumulates */
        ops[OP_ADD]++;
    } else if (e->red == RED_MAX || e->red == RED_MIN || e->red == RED_PRUNE || e->red == RED_TOPK) {
        ops[OP_MAX]++;
    }
}

bool einsum_computes(const Einsum *e)
{
    uint32_t ops[OP__COUNT];
    einsum_unit_ops(e, ops);
    for (int o = 0; o < OP__COUNT; o++)
        if (ops[o])
            return true;
    return false;
}

/* ---- summary ------------------------------------------------------------------------------- */

void cascade_summary(const Cascade *c, void (*emit)(void *ctx, const char *line), void *ctx)
{
    Buf b = {0};
    buf_printf(&b, "cascade %s (%s): %d ranks, %d tensors, %d einsums", c->name,
               c->problem[0] ? c->problem : "-", c->n_ranks, c->n_tensors, c->n_einsums);
    if (c->iter_rank >= 0)
        buf_printf(&b, ", iterates over %s", c->ranks[c->iter_rank].var);
    emit(ctx, b.s);
    buf_free(&b);
    buf_printf(&b, "  ranks:");
    for (int i = 0; i < c->n_ranks; i++) {
        const CascadeRank *r = &c->ranks[i];
        buf_printf(&b, " %s", r->name);
        if (r->kind == RANK_OUTER)
            buf_printf(&b, "(=%s/%s)", c->ranks[r->parent].name, c->ranks[r->partner].name);
    }
    emit(ctx, b.s);
    buf_free(&b);
    static const char *phase[] = { "pre ", "loop", "post" };
    for (int k = 0; k < c->n_einsums; k++) {
        const Einsum *e = &c->einsums[c->order[k]];
        buf_printf(&b, "  %-4s %-6s %-5s ops/term:", phase[e->phase], e->name, reduce_kind_word(e->red));
        uint32_t ops[OP__COUNT];
        einsum_unit_ops(e, ops);
        int any = 0;
        for (int o = 0; o < OP__COUNT; o++)
            if (ops[o]) {
                buf_printf(&b, " %s=%u", op_kind_name[o], ops[o]);
                any = 1;
            }
        if (!any)
            buf_printf(&b, " - (view)");
        if (e->where >= 0)
            buf_printf(&b, "  where %s", e->text + e->where_col - 1);
        emit(ctx, b.s);
        buf_free(&b);
    }
}
