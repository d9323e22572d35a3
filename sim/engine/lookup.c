/* lookup.c — what the engine's files look up in the specs: a unit's (or one Einsum's)
 * spatial mapping, the source of a view, the iteration ranks of an Einsum, the heads
 * that share a key/value head, a term's cycles, the DRAM's and a buffer's rates. */
#include "engine/engineInt.h"

#include <math.h>
#include <string.h>

#include "util/util.h"

const BindingSpec *engine_binding_of(const MappingSpec *m, const char *einsum)
{
    for (int i = 0; i < m->n_bindings; i++)
        if (strcmp(m->bindings[i].einsum, einsum) == 0)
            return &m->bindings[i];
    return NULL;
}

bool engine_in_names(const char *const *v, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return true;
    return false;
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

uint64_t engine_cost_per_term(const Einsum *e, const ComputeUnitSpec *u, const BindingSpec *b)
{
    uint32_t ops[OP__COUNT];
    einsum_unit_ops(e, ops);
    uint64_t cyc = 0;
    for (int o = 0; o < OP__COUNT; o++)
        cyc += (uint64_t)ops[o] * (uint64_t)(b && b->cost[o] >= 0 ? (uint32_t)b->cost[o] : u->op_cycles[o]);
    return cyc;
}

double engine_dram_bytes_per_cycle(const ArchSpec *a)
{
    return arch_dram_bytes_per_cycle(a);
}

double engine_dram_cycles(const EngineInput *in, double bytes)
{
    return in->data_on_chip ? 0 : ceil(bytes / engine_dram_bytes_per_cycle(in->arch));
}

uint64_t engine_port_words(const StorageSpec *s, uint32_t dtype_bits)
{
    uint64_t w;
    if (!ck_mul_u64((uint64_t)s->width_bits / dtype_bits, s->banks, &w))
        w = UINT64_MAX;
    return w ? w : 1;
}
