/* lookup.c — what the engine's files look up in the specs: a unit's (or one Einsum's)
 * spatial mapping, the source of a view, the iteration ranks of an Einsum, the heads
 * that share a key/value head. */
#include "engine/engineInt.h"

#include <string.h>

const BindingSpec *engine_binding_of(const MappingSpec *m, const char *einsum)
{
    for (int i = 0; i < m->n_bindings; i++)
        if (strcmp(m->bindings[i].einsum, einsum) == 0)
            return &m->bindings[i];
    return NULL;
}

const SpatialSpec *engine_spatial_of(const MappingSpec *m, const char *unit)
{
    for (int i = 0; i < m->n_spatial; i++)
        if (strcmp(m->spatial[i].unit, unit) == 0)
            return &m->spatial[i];
    return NULL;
}

const SpatialSpec *engine_spatial_for(const MappingSpec *m, const char *einsum, const char *unit)
{
    const BindingSpec *b = engine_binding_of(m, einsum);
    if (b && b->has_spatial && strcmp(b->unit, unit) == 0)
        return &b->spatial;
    return engine_spatial_of(m, unit);
}

/* The tensor an access really reads: a view (an Einsum without ops, such as
 * BK[e, m1, m0] = K[e, m1*M0 + m0]) stands for its source. */
int engine_view_source(const Cascade *c, int t)
{
    for (int guard = 0; guard < c->n_tensors; guard++) {
        int w = c->tensors[t].writer;
        if (w < 0 || einsum_computes(&c->einsums[w]))
            return t;
        const Einsum *e = &c->einsums[w];
        int src = -1;
        for (int j = 0; j < e->n_nodes; j++)
            if (e->nodes[j].kind == EX_ACCESS)
                src = e->nodes[j].tensor;
        if (src < 0)
            return t;
        t = src;
    }
    return t;
}

/* Ranks of an Einsum's iteration space (left-hand ranks, then reduced ranks). A prune
 * or a topk chooses along one of its left-hand ranks: it visits each element once (a
 * streaming top-k compares each element with the k-th best so far). */
int engine_einsum_ranks(const Einsum *e, int *r)
{
    int n = 0;
    for (int i = 0; i < e->n_free; i++)
        r[n++] = e->free_ranks[i];
    if (e->red != RED_PRUNE && e->red != RED_TOPK)
        for (int i = 0; i < e->n_red; i++)
            r[n++] = e->red_ranks[i];
    return n;
}

bool engine_splits_reduction(const EngineInput *in, const Einsum *e, int r, uint64_t tile)
{
    const Cascade *c = in->cascade;
    for (int i = 0; r >= 0 && i < e->n_red; i++) {
        int x = e->red_ranks[i];
        /* An inner partition (m0 of M) is whole in tiles that are multiples of it. */
        if (x == r || (c->ranks[x].parent == r &&
                       (c->ranks[x].kind == RANK_OUTER || (in->sizes && tile % (uint64_t)in->sizes->size[x]))))
            return true;
    }
    return false;
}

bool engine_is_head_rank(const Cascade *c, int r)
{
    return c->head_rank >= 0 && (r == c->head_rank || c->ranks[r].parent == c->head_rank);
}

/* Group g reads input t (through views); g < 0: any group. */
static bool group_reads(const EngineInput *in, int g, int t)
{
    const Cascade *c = in->cascade;
    if (g < 0)
        return true;
    for (int e = 0; e < c->n_einsums; e++) {
        const Einsum *x = &c->einsums[e];
        if (engine_group_of(in, e) != g || engine_view_source(c, x->out) != x->out)
            continue;
        for (int j = 0; j < x->n_nodes; j++)
            if (x->nodes[j].kind == EX_ACCESS && engine_view_source(c, x->nodes[j].tensor) == t)
                return true;
    }
    return false;
}

uint64_t engine_head_group(const EngineInput *in, int g)
{
    const Cascade *c = in->cascade;
    int h = c->head_rank;
    if (h < 0)
        return 1;
    for (int r = 0; r < c->n_ranks; r++)
        if (c->ranks[r].parent == h && c->ranks[r].kind == RANK_INNER)
            return (uint64_t)in->sizes->size[r];
    for (int t = 0; t < c->n_tensors; t++) {
        if (!c->tensors[t].is_input || !group_reads(in, g, t))
            continue;
        bool headed = false;
        for (int k = 0; k < c->tensors[t].ndim; k++)
            headed |= engine_is_head_rank(c, c->tensors[t].dim_rank[k]);
        if (!headed)
            return (uint64_t)in->sizes->size[h];
    }
    return 1;
}

bool engine_reduces_heads(const EngineInput *in, int g)
{
    const Cascade *c = in->cascade;
    for (int e = 0; e < c->n_einsums; e++) {
        const Einsum *x = &c->einsums[e];
        if (engine_group_of(in, e) != g)
            continue;
        for (int k = 0; k < x->n_red; k++)
            if (engine_is_head_rank(c, x->red_ranks[k]))
                return true;
    }
    return false;
}
