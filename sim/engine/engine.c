/* engine.c — the analytic level (model in engine.h). */
#include "engine/engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* ---- lookups -------------------------------------------------------------------------- */

static const BindingSpec *binding_of(const MappingSpec *m, const char *einsum)
{
    for (int i = 0; i < m->n_bindings; i++)
        if (strcmp(m->bindings[i].einsum, einsum) == 0)
            return &m->bindings[i];
    return NULL;
}

static const SpatialSpec *spatial_of(const MappingSpec *m, const char *unit)
{
    for (int i = 0; i < m->n_spatial; i++)
        if (strcmp(m->spatial[i].unit, unit) == 0)
            return &m->spatial[i];
    return NULL;
}

static int in_names(const char *const *v, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return 1;
    return 0;
}

/* Ranks of an Einsum's iteration space (left-hand ranks, then reduced ranks). */
static int einsum_ranks(const Einsum *e, int *r)
{
    int n = 0;
    for (int i = 0; i < e->n_free; i++)
        r[n++] = e->free_ranks[i];
    if (e->red != RED_PRUNE)
        for (int i = 0; i < e->n_red; i++)
            r[n++] = e->red_ranks[i];
    return n;
}

/* Group of every Einsum: the group whose stage lists it; a view (no ops) belongs to the
 * group of its first consumer; -1 when none. */
static void einsum_groups(const EngineInput *in, int *grp)
{
    const Cascade *c = in->cascade;
    const MappingSpec *m = in->mapping;
    for (int i = 0; i < c->n_einsums; i++) {
        grp[i] = -1;
        for (int g = 0; g < m->n_groups; g++)
            for (int s = 0; s < m->groups[g].n_stages; s++)
                if (in_names(m->groups[g].stages[s].einsums, m->groups[g].stages[s].n_einsums,
                             c->einsums[i].name))
                    grp[i] = g;
    }
    for (int i = 0; i < c->n_einsums; i++) {
        if (grp[i] >= 0)
            continue;
        for (int k = 0; k < c->n_einsums && grp[i] < 0; k++) {
            const Einsum *e = &c->einsums[k];
            for (int j = 0; j < e->n_nodes; j++)
                if (e->nodes[j].kind == EX_ACCESS && e->nodes[j].tensor == c->einsums[i].out &&
                    grp[k] >= 0) {
                    grp[i] = grp[k];
                    break;
                }
        }
    }
}

/* ---- validation ------------------------------------------------------------------------- */

int engine_check(const EngineInput *in, Diag *d)
{
    int errs0 = diag_count(d);
    const MappingSpec *m = in->mapping;
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    if (m->n_groups == 0)
        diag_error(d, m->loc.file, m->loc.line, "mapping %s: no groups; the engine needs the "
                   "fused groups and their stages (mapping.groups)", m->name);
    int *seen = xcalloc((size_t)c->n_einsums + 1, sizeof *seen);
    for (int g = 0; g < m->n_groups; g++) {
        const GroupSpec *gs = &m->groups[g];
        for (int s = 0; s < gs->n_stages; s++)
            for (int k = 0; k < gs->stages[s].n_einsums; k++) {
                const char *name = gs->stages[s].einsums[k];
                int e = cascade_find_einsum(c, name);
                if (e < 0)
                    diag_error(d, gs->stages[s].loc.file, gs->stages[s].loc.line,
                               "mapping.groups.%s: einsum %s is not in cascade %s", gs->name,
                               name, c->name);
                else if (seen[e]++)
                    diag_error(d, gs->stages[s].loc.file, gs->stages[s].loc.line,
                               "mapping.groups.%s: einsum %s is scheduled twice", gs->name, name);
                else if (!binding_of(m, name))
                    diag_error(d, gs->stages[s].loc.file, gs->stages[s].loc.line,
                               "mapping.groups.%s: einsum %s is scheduled but not bound",
                               gs->name, name);
            }
        if (gs->loop_rank) {
            int r = cascade_find_rank(c, gs->loop_rank);
            if (r < 0 || c->ranks[r].kind != RANK_ROOT)
                diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s.loop.rank: %s is "
                           "not a root rank of cascade %s", gs->name, gs->loop_rank, c->name);
        }
        if (gs->buffer) {
            const StorageSpec *lv = arch_find_level(a, gs->buffer);
            if (!lv || lv->cls == STORE_DRAM)
                diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s.buffer: %s is not "
                           "an on-chip storage level of %s", gs->name, gs->buffer, a->name);
        }
        const char *const *lists[3] = { gs->resident, gs->streamed, gs->spill };
        int counts[3] = { gs->n_resident, gs->n_streamed, gs->n_spill };
        for (int l = 0; l < 3; l++)
            for (int k = 0; k < counts[l]; k++)
                if (cascade_find_tensor(c, lists[l][k]) < 0)
                    diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s: tensor %s is "
                               "not in cascade %s", gs->name, lists[l][k], c->name);
        for (int k = 0; k < gs->n_spill; k++)
            if (!in_names(gs->resident, gs->n_resident, gs->spill[k]))
                diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s.spill: %s must also "
                           "be resident", gs->name, gs->spill[k]);
    }
    for (int i = 0; i < c->n_einsums && m->n_groups; i++)
        if (!seen[i] && einsum_computes(&c->einsums[i]))
            diag_error(d, m->loc.file, m->loc.line, "mapping %s: einsum %s is not in any stage "
                       "of mapping.groups", m->name, c->einsums[i].name);
    free(seen);
    for (int i = 0; i < m->n_spatial; i++) {
        const SpatialSpec *sp = &m->spatial[i];
        if (!arch_find_unit(a, sp->unit))
            diag_error(d, sp->loc.file, sp->loc.line, "mapping.spatial: unit %s is not in %s",
                       sp->unit, a->name);
        const char *dims[2] = { sp->rows, sp->cols };
        for (int k = 0; k < 2; k++)
            if (dims[k] && cascade_find_rank(c, dims[k]) < 0)
                diag_error(d, sp->loc.file, sp->loc.line, "mapping.spatial.%s.%s: %s is not a "
                           "rank of cascade %s", sp->unit, k ? "cols" : "rows", dims[k], c->name);
        const ComputeUnitSpec *u = arch_find_unit(a, sp->unit);
        if (u && sp->rows && u->rows == 1)
            diag_error(d, sp->loc.file, sp->loc.line, "mapping.spatial.%s.rows: unit %s has a "
                       "single row", sp->unit, sp->unit);
    }
    /* Energy entries for every action the engine will count. */
    for (int i = 0; i < a->n_units; i++) {
        const ComputeUnitSpec *u = &a->units[i];
        const char *act;
        double per, pj;
        for (int o = 0; o < OP__COUNT; o++)
            if (u->op_cycles[o] && !unit_op_energy(&a->energy, u, (OpKind)o, &act, &per, &pj))
                diag_error(d, u->loc.file, u->loc.line, "arch.%s: energy class %s has no entry "
                           "for '%s' (nor 'mac' to charge it as MACs)", u->name, u->energy_class,
                           op_kind_name[o]);
    }
    for (int i = 0; i < a->n_levels; i++) {
        const StorageSpec *s = &a->levels[i];
        double pj;
        if (!energy_lookup(&a->energy, s->energy_class, "read", &pj, NULL) ||
            !energy_lookup(&a->energy, s->energy_class, "write", &pj, NULL))
            diag_error(d, s->loc.file, s->loc.line, "arch.%s: energy class %s needs 'read' and "
                       "'write' entries", s->name, s->energy_class);
    }
    return diag_count(d) - errs0;
}

/* ---- evaluation ------------------------------------------------------------------------------ */

typedef struct {
    const EngineInput *in;
    EngineResult *r;
    uint64_t bh;            /* batch × heads */
    double word_bytes;      /* bytes per value in memory */
    int overflow;
} Ctx;

static void infeasible(Ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void infeasible(Ctx *x, const char *fmt, ...)
{
    if (!x->r->feasible)
        return;
    x->r->feasible = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->r->reason, sizeof x->r->reason, fmt, ap);
    va_end(ap);
}

static uint64_t mul(Ctx *x, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (!ck_mul_u64(a, b, &r)) {
        x->overflow = 1;
        return UINT64_MAX;
    }
    return r;
}

static uint64_t add(Ctx *x, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (!ck_add_u64(a, b, &r)) {
        x->overflow = 1;
        return UINT64_MAX;
    }
    return r;
}

/* Rank r is `root` or one of its partitions. */
static int under(const Cascade *c, int r, int root)
{
    while (r >= 0 && r != root)
        r = c->ranks[r].parent;
    return r == root;
}

/* Elements of tensor t with rank `tiled` (and its partitions) limited to a tile of
 * `tile` elements (0 = no limit), the recurrent dimension kept to one value when
 * `running`, and the iterative rank limited to one step when `one_step`. */
static uint64_t tensor_elems(Ctx *x, int t, int tiled, uint64_t tile, int running, int one_step)
{
    const Cascade *c = x->in->cascade;
    const CascadeTensor *ct = &c->tensors[t];
    uint64_t n = 1;
    for (int k = 0; k < ct->ndim; k++) {
        int r = ct->dim_rank[k];
        uint64_t ext = (uint64_t)cascade_dim_extent(c, x->in->sizes, t, k);
        if (running && k == ct->recur_dim)
            ext = 1;
        else if (one_step && r == c->iter_rank)
            ext = 1;
        else if (tile && r == tiled && ext > tile)
            ext = tile;
        n = mul(x, n, ext);
    }
    return n;
}

/* Rank r's contribution to the time of an Einsum on unit u: its size, or the number of
 * passes over the PE rows or columns when the mapping spreads it there. */
static uint64_t rank_passes(const Cascade *c, const MappingSpec *m, const ComputeUnitSpec *u,
                            int r, uint64_t size)
{
    const SpatialSpec *sp = u ? spatial_of(m, u->name) : NULL;
    if (sp && sp->rows && r == cascade_find_rank(c, sp->rows))
        return (size + u->rows - 1) / u->rows;
    if (sp && sp->cols && r == cascade_find_rank(c, sp->cols))
        return (size + u->cols - 1) / u->cols;
    return size;
}

static uint64_t cost_per_term(const Einsum *e, const ComputeUnitSpec *u, const BindingSpec *b)
{
    uint32_t ops[OP__COUNT];
    einsum_unit_ops(e, ops);
    uint64_t cyc = 0;
    for (int o = 0; o < OP__COUNT; o++)
        cyc += (uint64_t)ops[o] * (uint64_t)(b && b->cost[o] >= 0 ? (uint32_t)b->cost[o] : u->op_cycles[o]);
    return cyc;
}

static void count_action(Ctx *x, const char *comp, const char *cls, const char *action, double n)
{
    EngineResult *r = x->r;
    for (int i = 0; i < r->n_actions; i++)
        if (strcmp(r->actions[i].component, comp) == 0 && strcmp(r->actions[i].action, action) == 0) {
            r->actions[i].count += n;
            return;
        }
    EINSIM_ASSERT(r->n_actions < ENGINE_MAX_ITEMS);
    r->actions[r->n_actions++] = (ActionCount){ comp, cls, action, n };
}

static TrafficStat *traffic(Ctx *x, const char *level, const char *tensor)
{
    EngineResult *r = x->r;
    for (int i = 0; i < r->n_traffic; i++)
        if (strcmp(r->traffic[i].level, level) == 0 && strcmp(r->traffic[i].tensor, tensor) == 0)
            return &r->traffic[i];
    EINSIM_ASSERT(r->n_traffic < ENGINE_MAX_ITEMS);
    TrafficStat *t = &r->traffic[r->n_traffic++];
    memset(t, 0, sizeof *t);
    t->level = level;
    t->tensor = tensor;
    return t;
}

/* Per-Einsum work and time (all (b, h)). */
static void einsum_work(Ctx *x, const int *grp)
{
    const EngineInput *in = x->in;
    const Cascade *c = in->cascade;
    for (int i = 0; i < c->n_einsums; i++) {
        const Einsum *e = &c->einsums[i];
        EinsumStat *st = &x->r->einsums[x->r->n_einsums++];
        memset(st, 0, sizeof *st);
        st->name = e->name;
        st->group = grp[i];
        const BindingSpec *b = binding_of(in->mapping, e->name);
        const ComputeUnitSpec *u = b ? arch_find_unit(in->arch, b->unit) : NULL;
        int r[2 * CASCADE_MAX_DIMS];
        int nr = einsum_ranks(e, r);
        uint64_t terms = x->bh, padded = x->bh;
        const SpatialSpec *sp = u ? spatial_of(in->mapping, u->name) : NULL;
        for (int k = 0; k < nr; k++) {
            uint64_t sz = (uint64_t)in->sizes->size[r[k]];
            terms = mul(x, terms, sz);
            padded = mul(x, padded, rank_passes(c, in->mapping, u, r[k], sz));
        }
        st->terms = terms;
        uint32_t ops[OP__COUNT];
        einsum_unit_ops(e, ops);
        for (int o = 0; o < OP__COUNT; o++)
            st->ops[o] = mul(x, terms, ops[o]);
        if (!u || !einsum_computes(e))
            continue;
        st->unit = u->name;
        uint64_t cpt = cost_per_term(e, u, b);
        st->pe_cycles = mul(x, terms, cpt);
        /* Without a spatial mapping the unit's PEs share the terms evenly. */
        st->cycles = sp ? mul(x, padded, cpt)
                        : (st->pe_cycles + (uint64_t)u->rows * u->cols - 1) / ((uint64_t)u->rows * u->cols);
        for (int o = 0; o < OP__COUNT; o++) {
            const char *act;
            double per, pj;
            if (st->ops[o] && unit_op_energy(&in->arch->energy, u, (OpKind)o, &act, &per, &pj))
                count_action(x, u->name, u->energy_class, act, (double)st->ops[o] * per);
        }
    }
}

/* Tensor t is read by group g's einsums; returns 1 when so. */
static int group_reads(const Cascade *c, const int *grp, int g, int t)
{
    for (int i = 0; i < c->n_einsums; i++) {
        if (grp[i] != g)
            continue;
        const Einsum *e = &c->einsums[i];
        for (int j = 0; j < e->n_nodes; j++)
            if (e->nodes[j].kind == EX_ACCESS && e->nodes[j].tensor == t)
                return 1;
    }
    return 0;
}

/* On-chip bytes of group g for a tile of `tile` along its loop rank. */
static uint64_t footprint(Ctx *x, const GroupSpec *gs, int loop_rank, uint64_t tile, int spilled)
{
    const Cascade *c = x->in->cascade;
    uint64_t words = 0;
    for (int k = 0; k < gs->n_resident; k++) {
        if (spilled && in_names(gs->spill, gs->n_spill, gs->resident[k]))
            continue;
        words = add(x, words, tensor_elems(x, cascade_find_tensor(c, gs->resident[k]), loop_rank,
                                           tile, 1, 0));
    }
    for (int k = 0; k < gs->n_streamed; k++)
        words = add(x, words, tensor_elems(x, cascade_find_tensor(c, gs->streamed[k]), loop_rank,
                                           tile, 1, 1));
    return (uint64_t)ceil((double)words * x->word_bytes);
}

/* Chooses the DRAM-level tile of group g; returns 0 when nothing fits. */
static int choose_tile(Ctx *x, const GroupSpec *gs, GroupStat *st)
{
    const Cascade *c = x->in->cascade;
    int lr = gs->loop_rank ? cascade_find_rank(c, gs->loop_rank) : -1;
    const StorageSpec *buf = gs->buffer ? arch_find_level(x->in->arch, gs->buffer) : NULL;
    uint64_t cap = buf ? buf->size_bytes : UINT64_MAX;
    for (int spilled = 0; spilled <= (gs->n_spill > 0); spilled++) {
        st->spilled = spilled;
        if (lr < 0) {
            st->tile = 0;
            st->n_tiles = 1;
            st->footprint_bytes = footprint(x, gs, -1, 0, spilled);
            if (st->footprint_bytes <= cap)
                return 1;
            continue;
        }
        uint64_t size = (uint64_t)x->in->sizes->size[lr];
        if (gs->loop_tile) {
            /* An explicit tile is a mapping choice: honoured as given, or infeasible. */
            uint64_t tile = gs->loop_tile < size ? gs->loop_tile : size;
            st->footprint_bytes = footprint(x, gs, lr, tile, spilled);
            if (st->footprint_bytes <= cap) {
                st->tile = tile;
                st->n_tiles = (size + tile - 1) / tile;
                return 1;
            }
            if (spilled == (gs->n_spill > 0)) {
                infeasible(x, "group %s: the tile %s = %llu needs %llu bytes on chip, more than "
                           "%s holds (%llu bytes)%s", gs->name, gs->loop_rank,
                           (unsigned long long)tile, (unsigned long long)st->footprint_bytes,
                           buf ? buf->name : "the buffer", (unsigned long long)cap,
                           gs->n_spill ? " even with the spill tensors in DRAM" : "");
                return 0;
            }
            continue;
        }
        uint64_t g = gs->loop_granule ? gs->loop_granule : 1;
        uint64_t units = size <= g ? 1 : size / g;
        /* Largest k dividing `units` whose tile of k·g fits. */
        for (uint64_t k = units; k >= 1; k--) {
            if (units % k)
                continue;
            uint64_t tile = size <= g ? size : k * g;
            uint64_t fp = footprint(x, gs, lr, tile, spilled);
            if (fp <= cap) {
                st->tile = tile;
                st->n_tiles = (size + tile - 1) / tile;
                st->footprint_bytes = fp;
                return 1;
            }
        }
        st->footprint_bytes = footprint(x, gs, lr, size <= g ? size : g, spilled);
    }
    infeasible(x, "group %s: the smallest tile needs %llu bytes on chip, more than %s holds "
               "(%llu bytes)%s", gs->name, (unsigned long long)st->footprint_bytes,
               buf ? buf->name : "the buffer", (unsigned long long)cap,
               gs->n_spill ? " even with the spill tensors in DRAM" : "");
    return 0;
}

/* DRAM traffic and buffer traffic of group g. */
static void group_traffic(Ctx *x, int g, const int *grp, GroupStat *st)
{
    const EngineInput *in = x->in;
    const Cascade *c = in->cascade;
    const GroupSpec *gs = &in->mapping->groups[g];
    const StorageSpec *dram = &in->arch->levels[0];
    int lr = gs->loop_rank ? cascade_find_rank(c, gs->loop_rank) : -1;
    for (int t = 0; t < c->n_tensors; t++) {
        const CascadeTensor *ct = &c->tensors[t];
        int writer_g = ct->writer >= 0 ? grp[ct->writer] : -1;
        int reads = group_reads(c, grp, g, t);
        int spilled = st->spilled && in_names(gs->spill, gs->n_spill, ct->name);
        /* A view (an Einsum without ops) reads its source where its consumers run. */
        if (ct->writer >= 0 && !einsum_computes(&c->einsums[ct->writer]))
            continue;
        uint64_t elems = mul(x, tensor_elems(x, t, -1, 0, 1, 0), x->bh);
        if (reads && (ct->is_input || (writer_g != g && writer_g >= 0) || spilled)) {
            int depends = 0;
            for (int k = 0; k < ct->ndim; k++)
                depends |= lr >= 0 && under(c, ct->dim_rank[k], lr);
            uint64_t times = depends || lr < 0 ? 1 : st->n_tiles;
            uint64_t words = mul(x, elems, times);
            TrafficStat *ts = traffic(x, dram->name, ct->name);
            ts->reads = add(x, ts->reads, words);
            st->dram_bytes = add(x, st->dram_bytes, (uint64_t)ceil((double)words * x->word_bytes));
            if (gs->buffer) {
                TrafficStat *tb = traffic(x, gs->buffer, ct->name);
                tb->fills = add(x, tb->fills, words);
            }
        }
        int read_elsewhere = 0;
        for (int h = 0; h < in->mapping->n_groups; h++)
            read_elsewhere |= h != g && group_reads(c, grp, h, t);
        if (writer_g == g && (ct->is_output || read_elsewhere || spilled)) {
            TrafficStat *ts = traffic(x, dram->name, ct->name);
            ts->writes = add(x, ts->writes, elems);
            st->dram_bytes = add(x, st->dram_bytes, (uint64_t)ceil((double)elems * x->word_bytes));
        }
    }
}

/* Reads of on-chip tensors by the compute units: each operand element is read once per
 * tile of the ranks of the Einsum it does not depend on (spatial ranks per array pass). */
static void buffer_reads(Ctx *x, int g, const int *grp)
{
    const EngineInput *in = x->in;
    const Cascade *c = in->cascade;
    const GroupSpec *gs = &in->mapping->groups[g];
    if (!gs->buffer)
        return;
    for (int i = 0; i < c->n_einsums; i++) {
        const Einsum *e = &c->einsums[i];
        if (grp[i] != g || !x->r->einsums[i].unit)
            continue;
        const ComputeUnitSpec *u = arch_find_unit(in->arch, binding_of(in->mapping, e->name)->unit);
        int r[2 * CASCADE_MAX_DIMS];
        int nr = einsum_ranks(e, r);
        for (int j = 0; j < e->n_nodes; j++) {
            if (e->nodes[j].kind != EX_ACCESS)
                continue;
            int t = e->nodes[j].tensor;
            const CascadeTensor *ct = &c->tensors[t];
            /* Tensors in the buffer: resident, streamed, and DRAM inputs staged there. */
            if (!in_names(gs->resident, gs->n_resident, ct->name) &&
                !in_names(gs->streamed, gs->n_streamed, ct->name) && !ct->is_input)
                continue;
            uint64_t n = mul(x, tensor_elems(x, t, -1, 0, 0, 0), x->bh);
            for (int k = 0; k < nr; k++) {
                int dep = 0;
                for (int d = 0; d < ct->ndim; d++)
                    dep |= ct->dim_rank[d] == r[k];
                if (dep)
                    continue;
                n = mul(x, n, rank_passes(c, in->mapping, u, r[k], (uint64_t)in->sizes->size[r[k]]));
            }
            TrafficStat *ts = traffic(x, gs->buffer, ct->name);
            ts->reads = add(x, ts->reads, n);
        }
        const CascadeTensor *out = &c->tensors[e->out];
        if (in_names(gs->resident, gs->n_resident, out->name)) {
            TrafficStat *ts = traffic(x, gs->buffer, out->name);
            ts->writes = add(x, ts->writes, mul(x, tensor_elems(x, e->out, -1, 0, 0, 0), x->bh));
        }
    }
}

/* Storage events of one traffic row, as accesses of the energy entry's width. */
static void storage_actions(Ctx *x, const TrafficStat *t)
{
    const ArchSpec *a = x->in->arch;
    const StorageSpec *s = arch_find_level(a, t->level);
    double word_bits = x->in->workload->dtype_bits;
    static const char *const act[2] = { "read", "write" };
    uint64_t words[2] = { t->reads, t->writes + t->fills };
    for (int k = 0; k < 2; k++) {
        double pj;
        uint32_t bits = 0;
        energy_lookup(&a->energy, s->energy_class, act[k], &pj, &bits);
        if (!bits)
            bits = s->width_bits;
        if (words[k])
            count_action(x, s->name, s->energy_class, act[k], (double)words[k] * word_bits / bits);
    }
}

void engine_analytic(const EngineInput *in, EngineResult *out)
{
    memset(out, 0, sizeof *out);
    out->feasible = true;
    Ctx x = { in, out, 0, in->workload->dtype_bits / 8.0, 0 };
    x.bh = mul(&x, in->workload->batch, in->workload->heads);
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    int *grp = xcalloc((size_t)c->n_einsums + 1, sizeof *grp);
    einsum_groups(in, grp);
    einsum_work(&x, grp);

    double bytes_per_cycle = a->levels[0].bandwidth_gibps * 1073741824.0 / (a->clock_mhz * 1e6);
    uint64_t memory_bound_cycles = 0;
    for (int g = 0; g < in->mapping->n_groups && out->feasible; g++) {
        const GroupSpec *gs = &in->mapping->groups[g];
        GroupStat *st = &out->groups[out->n_groups++];
        memset(st, 0, sizeof *st);
        st->name = gs->name;
        if (!choose_tile(&x, gs, st))
            break;
        for (int s = 0; s < gs->n_stages; s++) {
            /* Einsums on one unit serialise; units overlap: the stage takes the largest. */
            uint64_t per_unit[16] = { 0 }, stage = 0;
            for (int k = 0; k < gs->stages[s].n_einsums; k++) {
                const EinsumStat *es = &out->einsums[cascade_find_einsum(c, gs->stages[s].einsums[k])];
                for (int u = 0; u < a->n_units && u < 16; u++)
                    if (es->unit && strcmp(es->unit, a->units[u].name) == 0)
                        per_unit[u] = add(&x, per_unit[u], es->cycles);
            }
            for (int u = 0; u < a->n_units && u < 16; u++)
                stage = per_unit[u] > stage ? per_unit[u] : stage;
            st->compute_cycles = add(&x, st->compute_cycles, stage);
        }
        group_traffic(&x, g, grp, st);
        buffer_reads(&x, g, grp);
        st->memory_cycles = (uint64_t)ceil((double)st->dram_bytes / bytes_per_cycle);
        st->cycles = st->compute_cycles > st->memory_cycles ? st->compute_cycles : st->memory_cycles;
        if (st->memory_cycles > st->compute_cycles)
            memory_bound_cycles = add(&x, memory_bound_cycles, st->cycles);
        out->cycles = add(&x, out->cycles, st->cycles);
        out->dram_bytes = add(&x, out->dram_bytes, st->dram_bytes);
    }
    free(grp);
    if (x.overflow)
        infeasible(&x, "counts overflow 64 bits (the workload is too large to count exactly)");
    /* Rows in a fixed order: storage levels outermost first, tensors in cascade order. */
    for (int i = 1; i < out->n_traffic; i++)
        for (int j = i; j > 0; j--) {
            TrafficStat *p0 = &out->traffic[j - 1], *p1 = &out->traffic[j];
            int l0 = (int)(arch_find_level(a, p0->level) - a->levels);
            int l1 = (int)(arch_find_level(a, p1->level) - a->levels);
            if (l0 < l1 || (l0 == l1 && cascade_find_tensor(c, p0->tensor) <= cascade_find_tensor(c, p1->tensor)))
                break;
            TrafficStat tmp = *p0;
            *p0 = *p1;
            *p1 = tmp;
        }
    for (int i = 0; i < out->n_traffic; i++) {
        TrafficStat *t = &out->traffic[i];
        t->bytes = (uint64_t)ceil((double)(t->reads + t->writes + t->fills) * x.word_bytes);
        storage_actions(&x, t);
    }
    out->seconds = (double)out->cycles / (a->clock_mhz * 1e6);
    out->bound = memory_bound_cycles * 2 > out->cycles ? "memory" : "compute";
    out->n_units = a->n_units < 16 ? a->n_units : 16;
    for (int u = 0; u < out->n_units; u++) {
        const ComputeUnitSpec *cu = &a->units[u];
        double busy = 0;
        for (int i = 0; i < out->n_einsums; i++)
            if (out->einsums[i].unit && strcmp(out->einsums[i].unit, cu->name) == 0)
                busy += (double)out->einsums[i].pe_cycles;
        out->unit_name[u] = cu->name;
        out->utilization[u] = out->cycles ? busy / ((double)cu->rows * cu->cols * (double)out->cycles) : 0;
    }
}
