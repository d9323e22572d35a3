/* nest.c — groups mapped by a loop nest (Timeloop's kind of mapping).
 *
 * A group of one Einsum may give, instead of a DRAM loop and residencies, a loop nest per
 * level (`nest`, innermost level first): the PE registers of its unit, then storage
 * levels outward to DRAM. Each level has temporal loops (innermost first), the tensors it
 * keeps, and — at the level just above the registers — spatial loops that spread ranks
 * over the unit's PE columns (x) and rows (y). Every index of every tensor is a plain
 * rank, so a tile is a box and a tensor's data is the product of its ranks' factors.
 *
 * Counts, per (batch, head), with C the iteration points (the product of every factor):
 *   tile(t, l)    the elements of t that level l holds: the factors of t's ranks in the
 *                 loops of level l and below (level l's spatial loops included);
 *   changes(t, l) how often that tile is replaced: the product of the temporal factors
 *                 above level l, outermost first, down to the innermost loop over a rank
 *                 of t (the irrelevant loops inside it reuse the tile);
 *   res(t, l)     tile x changes x the PEs holding a copy (the registers: every PE used).
 * An operand is read by the computes from the innermost level that keeps it (C reads;
 * from above the registers, C / the spatial factors over ranks it lacks, whose PEs share
 * one read), and every other level that keeps it is filled res(t, l) times from the next
 * level out that keeps it, which is read as often (divided again by the PEs that share
 * the data when the fill crosses the spatial loops). The output is updated by every
 * compute in the innermost level keeping it (from above the registers, once per group of
 * PEs that add their partial sums), read at every update but the first of each partial
 * sum (minus first, the residencies that start one), and each outer level
 * keeping it receives the inner one's tiles as updates (once per group of PEs that add
 * their partial sums, a spatial reduction). A reduction split above a level that keeps
 * the output sends each partial sum up and, when it resumes, back down: a read above, a
 * fill below (res - first). These are Timeloop's counts for such nests.
 *
 * Cycles. The analytic level: the temporal iterations x cycles per term on the unit, the
 * words through each buffer's ports over their width, the DRAM bytes over its bandwidth —
 * the largest. The cycle level runs the iterations of the DRAM level's loops in order on
 * the unit, each taking its share of the first two; before an iteration, the DRAM channel
 * loads the tiles that change there (a tensor's tile changes every N / k iterations, k the
 * DRAM factors down to its innermost loop), after it stores the outputs it completes; the
 * level under DRAM holds two copies of its tiles when they fit, so the next iteration's
 * loads overlap this one's compute; the last results leave the array after its pipeline
 * (in_latency + the rows and columns used - 2). A max-plus recurrence over the same work:
 * never below the analytic level. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/nest.h"
#include "util/limits.h"
#include "util/util.h"

/* Einsum of group gs (one stage of one Einsum is checked first). */
static int nest_einsum(const EngineInput *in, const GroupSpec *gs)
{
    return cascade_find_einsum(in->cascade, gs->stages[0].einsums[0]);
}

/* The tensors Einsum e touches: its output first, then each operand once, the first
 * NEST_MAX_TENSORS into t; returns how many there are in all (t may be NULL). */
static int einsum_tensors(const Einsum *e, int *t)
{
    int n = 1;
    if (t)
        t[0] = e->out;
    for (int i = 0; i < e->n_nodes; i++) {
        if (e->nodes[i].kind != EX_ACCESS)
            continue;
        bool seen = e->nodes[i].tensor == e->out;
        for (int j = 0; j < i && !seen; j++)
            seen = e->nodes[j].kind == EX_ACCESS && e->nodes[j].tensor == e->nodes[i].tensor;
        if (seen)
            continue;
        if (t && n < NEST_MAX_TENSORS)
            t[n] = e->nodes[i].tensor;
        n++;
    }
    return n;
}

static bool has_rank(const CascadeTensor *t, int r)
{
    for (int d = 0; d < t->ndim; d++)
        if (t->dim_rank[d] == r)
            return true;
    return false;
}

static bool keeps(const NestLevelSpec *l, const char *tensor)
{
    if (l->keep_all)
        return true;
    for (int i = 0; i < l->n_keep; i++)
        if (strcmp(l->keep[i], tensor) == 0)
            return true;
    return false;
}

/* Every loop of the nest with its level, outermost first. */
typedef struct {
    int level, rank;
    uint64_t f;
    bool spatial;
} Loop;

static int all_loops(const EngineInput *in, const GroupSpec *gs, Loop *v, int max)
{
    int n = 0;
    for (int l = gs->n_nest - 1; l >= 0; l--) {
        const NestLevelSpec *nl = &gs->nest[l];
        for (int j = nl->n_temporal - 1; j >= 0 && n < max; j--)
            v[n++] = (Loop){ l, cascade_find_rank(in->cascade, nl->temporal[j].rank),
                             nl->temporal[j].factor, false };
        for (int j = 0; j < nl->n_spatial_x && n < max; j++)
            v[n++] = (Loop){ l, cascade_find_rank(in->cascade, nl->spatial_x[j].rank),
                             nl->spatial_x[j].factor, true };
        for (int j = 0; j < nl->n_spatial_y && n < max; j++)
            v[n++] = (Loop){ l, cascade_find_rank(in->cascade, nl->spatial_y[j].rank),
                             nl->spatial_y[j].factor, true };
    }
    return n;
}

static uint64_t loops_product(const NestLoop *v, int n)
{
    uint64_t p = 1;
    for (int i = 0; i < n; i++)
        if (!ck_mul_u64(p, v[i].factor, &p))
            return UINT64_MAX;
    return p;
}

int nest_check(const EngineInput *in, int g, Diag *d)
{
    const GroupSpec *gs = &in->mapping->groups[g];
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    int errs0 = diag_count(d);
#define NERR(loc, ...) diag_error(d, (loc).file, (loc).line, __VA_ARGS__)
    if (gs->n_stages != 1 || gs->stages[0].n_einsums != 1) {
        NERR(gs->loc, "group %s: a group with a loop nest runs one Einsum (one stage of one)",
             gs->name);
        return diag_count(d) - errs0;
    }
    if (gs->loop_rank || gs->n_resident || gs->n_streamed || gs->n_spill || gs->n_bypass ||
        gs->n_reg_bypass || gs->block || gs->n_reuse) {
        NERR(gs->loc, "group %s: nest replaces loop, resident, streamed, spill, bypass, "
             "reg_bypass, block and reuse (say what each level keeps in the nest)", gs->name);
    }
    if (in->mapping->overlap)
        NERR(gs->loc, "group %s: a loop nest cannot be overlapped with other groups "
             "(mapping.overlap)", gs->name);
    int ei = nest_einsum(in, gs);
    if (ei < 0)
        return diag_count(d) - errs0;   /* engine_check reports the unknown Einsum */
    const Einsum *e = &c->einsums[ei];
    const BindingSpec *b = engine_binding_of(in->mapping, e->name);
    const ComputeUnitSpec *u = b ? arch_find_unit(a, b->unit) : NULL;
    if (!u)
        return diag_count(d) - errs0;
    if (e->where >= 0 || e->red == RED_MAX || e->red == RED_MIN || e->red == RED_PRUNE ||
        e->red == RED_TOPK || c->iter_rank >= 0)
        NERR(e->loc, "einsum %s: a loop nest maps a sum or a map without a where clause in a "
             "cascade without an iterative rank", e->name);
    int t[NEST_MAX_TENSORS];
    int nt = einsum_tensors(e, t);
    if (nt > NEST_MAX_TENSORS) {
        NERR(e->loc, "einsum %s: %d tensors; a loop nest maps at most %d", e->name, nt,
             NEST_MAX_TENSORS);
        return diag_count(d) - errs0;
    }
    int n_loops = 0;
    for (int l = 0; l < gs->n_nest; l++)
        n_loops += gs->nest[l].n_temporal + gs->nest[l].n_spatial_x + gs->nest[l].n_spatial_y;
    if (n_loops > NEST_MAX_LOOPS)
        NERR(gs->loc, "group %s: %d loops in the nest; einsim evaluates at most %d", gs->name,
             n_loops, NEST_MAX_LOOPS);
    for (int i = 0; i < e->n_nodes; i++) {
        const ExprNode *x = &e->nodes[i];
        if (x->kind != EX_ACCESS)
            continue;
        for (int k = 0; k < c->tensors[x->tensor].ndim; k++) {
            const IndexExpr *ix = &x->idx[k];
            if (ix->n != 1 || ix->konst || ix->t[0].coef != 1 || ix->t[0].op != IX_PLAIN ||
                ix->t[0].size_rank >= 0)
                NERR(e->loc, "einsum %s: tensor %s is indexed by an expression: a loop nest "
                     "needs every index to be a rank", e->name, c->tensors[x->tensor].name);
        }
    }
    /* Levels: the unit's registers, then storage levels outward ending at DRAM. */
    if (strcmp(gs->nest[0].level, u->name) != 0)
        NERR(gs->nest[0].loc, "group %s: nest[0].level: the innermost level is the PE "
             "registers of unit %s, which runs %s", gs->name, u->name, e->name);
    int prev = a->n_levels;
    for (int l = 1; l < gs->n_nest; l++) {
        const NestLevelSpec *nl = &gs->nest[l];
        const StorageSpec *s = arch_find_level(a, nl->level);
        if (!s) {
            NERR(nl->loc, "group %s: nest[%d].level: no storage level '%s' in architecture %s",
                 gs->name, l, nl->level, a->name);
            continue;
        }
        int idx = (int)(s - a->levels);
        if (idx >= prev)
            NERR(nl->loc, "group %s: nest[%d].level %s: levels go outward (the architecture "
                 "lists them outermost first)", gs->name, l, nl->level);
        prev = idx;
    }
    const NestLevelSpec *top = &gs->nest[gs->n_nest - 1];
    if (gs->n_nest < 2 || strcmp(top->level, a->levels[0].name) != 0 ||
        a->levels[0].cls != STORE_DRAM)
        NERR(top->loc, "group %s: the outermost level of the nest is the DRAM level (%s)",
             gs->name, a->levels[0].name);
    for (int i = 0; i < nt; i++)
        if (!keeps(top, c->tensors[t[i]].name))
            NERR(top->loc, "group %s: the DRAM level keeps every tensor (%s is missing)",
                 gs->name, c->tensors[t[i]].name);
    int r[2 * CASCADE_MAX_DIMS];
    int nr = engine_einsum_ranks(e, r);
    uint64_t have[CASCADE_MAX_RANKS];
    for (int k = 0; k < CASCADE_MAX_RANKS; k++)
        have[k] = 1;
    for (int l = 0; l < gs->n_nest; l++) {
        const NestLevelSpec *nl = &gs->nest[l];
        for (int k = 0; k < nl->n_keep; k++) {
            bool ok = false;
            for (int i = 0; i < nt; i++)
                ok |= strcmp(nl->keep[k], c->tensors[t[i]].name) == 0;
            if (!ok)
                NERR(nl->loc, "group %s: nest[%d].keep: %s is not a tensor of einsum %s",
                     gs->name, l, nl->keep[k], e->name);
        }
        if ((nl->n_spatial_x || nl->n_spatial_y) && l != 1)
            NERR(nl->loc, "group %s: nest[%d]: spatial loops belong to the level just above the "
                 "PE registers (nest[1]), which fans its data out to the PEs", gs->name, l);
        const NestLoop *lists[3] = { nl->temporal, nl->spatial_x, nl->spatial_y };
        int counts[3] = { nl->n_temporal, nl->n_spatial_x, nl->n_spatial_y };
        for (int s = 0; s < 3; s++)
            for (int j = 0; j < counts[s]; j++) {
                int rk = cascade_find_rank(c, lists[s][j].rank);
                bool iter = false;
                for (int k = 0; k < nr; k++)
                    iter |= r[k] == rk;
                if (!iter) {
                    NERR(nl->loc, "group %s: nest[%d]: %s is not a rank einsum %s iterates over",
                         gs->name, l, lists[s][j].rank, e->name);
                    continue;
                }
                if (!ck_mul_u64(have[rk], lists[s][j].factor, &have[rk]))
                    have[rk] = UINT64_MAX;
            }
    }
    uint64_t x = loops_product(gs->n_nest > 1 ? gs->nest[1].spatial_x : NULL,
                               gs->n_nest > 1 ? gs->nest[1].n_spatial_x : 0);
    uint64_t y = loops_product(gs->n_nest > 1 ? gs->nest[1].spatial_y : NULL,
                               gs->n_nest > 1 ? gs->nest[1].n_spatial_y : 0);
    if (gs->n_nest > 1 && (x > u->cols || y > u->rows))
        NERR(gs->nest[1].loc, "group %s: nest[1]: the spatial loops use %llu x %llu PEs (x by "
             "y) of unit %s's %u x %u (cols by rows)", gs->name, (unsigned long long)x,
             (unsigned long long)y, u->name, u->cols, u->rows);
    for (int k = 0; k < nr; k++)
        if (have[r[k]] != (uint64_t)in->sizes->size[r[k]])
            NERR(gs->loc, "group %s: nest: the factors of rank %s multiply to %llu, its size is "
                 "%lld", gs->name, c->ranks[r[k]].name, (unsigned long long)have[r[k]],
                 (long long)in->sizes->size[r[k]]);
#undef NERR
    return diag_count(d) - errs0;
}

/* tile(t, l): factors of t's ranks at level l and below. */
static uint64_t tile_of(const Loop *v, int n, const CascadeTensor *t, int l, bool *of)
{
    uint64_t p = 1;
    for (int i = 0; i < n; i++)
        if (v[i].level <= l && has_rank(t, v[i].rank) && !ck_mul_u64(p, v[i].f, &p))
            *of = true;
    return p;
}

/* changes(t, l): temporal factors above l, outermost first, to the innermost over t; with
 * `relevant_only`, only the factors over t's own ranks among them (the distinct tiles). */
static uint64_t changes_of(const Loop *v, int n, const CascadeTensor *t, int l, bool relevant_only,
                           bool *of)
{
    int last = -1;
    for (int i = 0; i < n; i++)
        if (v[i].level > l && !v[i].spatial && v[i].f > 1 && has_rank(t, v[i].rank))
            last = i;
    uint64_t p = 1;
    for (int i = 0; i <= last; i++)
        if (v[i].level > l && !v[i].spatial && (!relevant_only || has_rank(t, v[i].rank)) &&
            !ck_mul_u64(p, v[i].f, &p))
            *of = true;
    return p;
}

static uint64_t mul_of(uint64_t a, uint64_t b, bool *of)
{
    uint64_t r;
    if (!ck_mul_u64(a, b, &r)) {
        *of = true;
        return UINT64_MAX;
    }
    return r;
}

int nest_analyze(const EngineInput *in, int g, NestCounts *nc, char *why, size_t n_why)
{
    const GroupSpec *gs = &in->mapping->groups[g];
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    memset(nc, 0, sizeof *nc);
    nc->einsum = nest_einsum(in, gs);
    const Einsum *e = &c->einsums[nc->einsum];
    nc->unit = arch_find_unit(a, engine_binding_of(in->mapping, e->name)->unit);
    nc->n_lv = gs->n_nest;
    for (int l = 0; l < gs->n_nest; l++)
        nc->level[l] = l == 0 ? NULL : arch_find_level(a, gs->nest[l].level);
    nc->n_t = einsum_tensors(e, nc->tensor);
    Loop v[NEST_MAX_LOOPS];
    int nl = all_loops(in, gs, v, NEST_MAX_LOOPS);
    bool of = false;
    uint64_t C = 1, T = 1, spatial = 1, iters = 1;
    for (int i = 0; i < nl; i++) {
        C = mul_of(C, v[i].f, &of);
        if (v[i].spatial)
            spatial = mul_of(spatial, v[i].f, &of);
        else
            T = mul_of(T, v[i].f, &of);
        if (!v[i].spatial && v[i].level == gs->n_nest - 1)
            iters = mul_of(iters, v[i].f, &of);
    }
    nc->computes = C;
    nc->temporal = T;
    nc->iters = iters;
    nc->pes = spatial;
    nc->cols_used = gs->n_nest > 1 ? loops_product(gs->nest[1].spatial_x, gs->nest[1].n_spatial_x) : 1;
    nc->rows_used = gs->n_nest > 1 ? loops_product(gs->nest[1].spatial_y, gs->nest[1].n_spatial_y) : 1;
    for (int k = 0; k < nc->n_t; k++) {
        const CascadeTensor *t = &c->tensors[nc->tensor[k]];
        bool out = k == 0;
        uint64_t mc = 1;   /* PEs that share one copy of t (spatial ranks t lacks) */
        for (int i = 0; i < nl; i++)
            if (v[i].spatial && !has_rank(t, v[i].rank))
                mc = mul_of(mc, v[i].f, &of);
        /* res[l]: tiles of t that level l receives in all (per PE at the registers);
         * first[l]: of them, an output's residencies that start its partial sums (the
         * others resume a partial sum from the level above: a fill). */
        uint64_t res[NEST_MAX_LEVELS], first[NEST_MAX_LEVELS];
        int prev = -1;
        for (int l = 0; l < nc->n_lv; l++) {
            uint64_t inst = l == 0 ? spatial : 1;
            nc->keep[l][k] = keeps(&gs->nest[l], t->name);
            nc->tile[l][k] = tile_of(v, nl, t, l, &of);
            res[l] = mul_of(mul_of(nc->tile[l][k], changes_of(v, nl, t, l, false, &of), &of), inst, &of);
            first[l] = mul_of(mul_of(nc->tile[l][k], changes_of(v, nl, t, l, true, &of), &of), inst, &of);
            if (!nc->keep[l][k])
                continue;
            /* What the level below delivers: the computes (one read or update each; from
             * above the registers once per group of PEs that share an operand or add
             * their partial sums), or the inner level's tiles (likewise shared or added). */
            uint64_t from = prev < 0 ? (l == 0 ? C : C / mc) : prev == 0 ? res[prev] / mc : res[prev];
            if (out) {
                nc->updates[l][k] = from;
                if (prev < 0)
                    nc->reads[l][k] = from - first[l];
                else   /* partial sums sent back down */
                    nc->reads[l][k] = prev == 0 ? nc->fills[prev][k] / mc : nc->fills[prev][k];
                if (l < nc->n_lv - 1)
                    nc->fills[l][k] = res[l] - first[l];
            } else {
                if (prev >= 0)
                    nc->fills[prev][k] = res[prev];
                nc->reads[l][k] = from;
            }
            prev = l;
        }
        /* The DRAM transfers of t: the DRAM level's iterations where its tile under DRAM
         * changes (the loops above that tile are the DRAM level's). */
        nc->events[k] = changes_of(v, nl, t, nc->n_lv - 2, false, &of);
    }
    for (int l = 0; l < nc->n_lv - 1; l++)
        for (int k = 0; k < nc->n_t; k++)
            if (nc->keep[l][k])
                of |= !ck_add_u64(nc->words[l], nc->tile[l][k], &nc->words[l]);
    if (of) {
        nc->overflow = true;
        snprintf(why, n_why, "workload too large: the loop nest's counts overflow 64 bits");
        return 1;
    }
    /* Capacity: the registers of each PE, each storage level's tiles (two copies of the
     * level under DRAM's when they fit: double buffering). */
    double wbytes = in->workload->dtype_bits / 8.0;
    for (int l = 0; l < nc->n_lv - 1; l++) {
        uint64_t words = nc->words[l];
        if (l == 0 && words > nc->unit->reg_words) {
            snprintf(why, n_why, "group %s: the PE registers of %s hold %u words; the nest keeps "
                     "%llu per PE", gs->name, nc->unit->name, nc->unit->reg_words,
                     (unsigned long long)words);
            return 1;
        }
        if (l > 0 && nc->level[l]->size_bytes &&
            (double)words * wbytes > (double)nc->level[l]->size_bytes) {
            snprintf(why, n_why, "group %s: %s holds %llu bytes; the nest keeps %.0f there",
                     gs->name, nc->level[l]->name, (unsigned long long)nc->level[l]->size_bytes,
                     (double)words * wbytes);
            return 1;
        }
    }
    int under = nc->n_lv - 2;
    double cap = under == 0 ? nc->unit->reg_words
               : nc->level[under]->size_bytes ? (double)nc->level[under]->size_bytes / wbytes : INFINITY;
    nc->double_buffered = 2.0 * (double)nc->words[under] <= cap;
    return 0;
}

/* Cycles of the DRAM transfers of `bytes` (at least one cycle each, as in sched.c). */
static uint64_t xfer(double bytes, double bpc)
{
    double cyc = ceil(bytes / bpc);
    return cyc < 1 ? 1 : cyc < 1.8e19 ? (uint64_t)cyc : UINT64_MAX;
}

void nest_costs(const EngineInput *in, const NestCounts *nc, uint64_t bh, NestCost *out)
{
    double wbytes = in->workload->dtype_bits / 8.0;
    memset(out, 0, sizeof *out);
    const Einsum *e = &in->cascade->einsums[nc->einsum];
    const BindingSpec *b = engine_binding_of(in->mapping, e->name);
    bool of = false;
    out->compute = mul_of(mul_of(nc->temporal, engine_cost_per_term(e, nc->unit, b), &of), bh, &of);
    double dram = 0;
    for (int k = 0; k < nc->n_t; k++)
        dram += (double)(nc->reads[nc->n_lv - 1][k] + nc->updates[nc->n_lv - 1][k]);
    out->dram_bytes = dram * wbytes * (double)bh;
    double mem = engine_dram_cycles(in, out->dram_bytes);
    out->memory = mem < 1.8e19 ? (uint64_t)mem : (of = true, UINT64_MAX);
    for (int l = 1; l < nc->n_lv - 1; l++) {
        uint64_t pw = engine_port_words(nc->level[l], in->workload->dtype_bits);
        uint64_t rd = 0, wr = 0;
        for (int k = 0; k < nc->n_t; k++) {
            rd += nc->reads[l][k];
            wr += nc->fills[l][k] + nc->updates[l][k];
        }
        uint64_t words = rd > wr ? rd : wr;
        uint64_t port = mul_of(words / pw + (words % pw != 0), bh, &of);
        if (port > out->port)
            out->port = port;
    }
    out->cycles = out->compute > out->port ? out->compute : out->port;
    if (out->memory > out->cycles)
        out->cycles = out->memory;
    out->overflow = of;
}

/* Bytes the DRAM channel moves for iteration i: the loads before it, or the stores after
 * it (each tensor's DRAM words spread evenly over its events). */
static double moved(const NestCounts *nc, uint64_t i, bool store, double wbytes)
{
    int top = nc->n_lv - 1;
    double bytes = 0;
    for (int k = 0; k < nc->n_t; k++) {
        uint64_t every = nc->iters / nc->events[k];
        double w = (double)(store ? nc->updates[top][k] : nc->reads[top][k]);
        if (w > 0 && (store ? (i + 1) % every == 0 : i % every == 0))
            bytes += w / (double)nc->events[k] * wbytes;
    }
    return bytes;
}

/* The DRAM channel of the cycle level: serves transfers in issue order. */
typedef struct {
    const EngineInput *in;
    const NestCounts *nc;
    int g;
    double bpc, wbytes;
    uint64_t free;          /* the channel's next free cycle */
} Chan;

/* Moves iteration i's loads (before it) or stores (after it) once they are available at
 * `avail`; returns when the data is usable (loads: after the latency), 0 when none. */
static uint64_t transfer(Chan *c, uint64_t b, uint64_t i, bool store, uint64_t avail, uint64_t lat)
{
    double bytes = moved(c->nc, i, store, c->wbytes);
    if (!(bytes > 0))
        return 0;
    uint64_t s = c->free > avail ? c->free : avail;
    c->free = s + (c->in->data_on_chip ? 0 : xfer(bytes, c->bpc));
    uint64_t done = store ? c->free : c->free + lat;
    if (c->in->trace) {
        const Einsum *e = &c->in->cascade->einsums[c->nc->einsum];
        EngineEvent ev = { store ? EV_STORE : EV_LOAD, c->g, -1, store ? e->out : -1, NULL, b, i,
                           0, 0, 0, 0, (uint64_t)(bytes / c->wbytes), s, done };
        c->in->trace(c->in->trace_ctx, &ev);
    }
    return done;
}

uint64_t nest_cycle(const EngineInput *in, const NestCounts *nc, const NestCost *cost, uint64_t bh,
                    int g, uint64_t *dram_wait, bool *overflow)
{
    const ArchSpec *a = in->arch;
    Chan ch = { in, nc, g, engine_dram_bytes_per_cycle(a), in->workload->dtype_bits / 8.0, 0 };
    uint64_t lat = in->data_on_chip ? 0 : a->levels[0].latency_cycles;
    uint64_t N = nc->iters;
    /* Per (b, h): each iteration's share of the compute and buffer-port time. */
    uint64_t busy = (cost->compute > cost->port ? cost->compute : cost->port) / bh;
    uint64_t ti = busy / N + (busy % N != 0);
    uint64_t drain = nc->unit->in_latency + (nc->rows_used - 1) + (nc->cols_used - 1);
    uint64_t unit = 0, wait = 0;
    bool of = false;
    for (uint64_t b = 0; b < bh && !of; b++) {
        uint64_t prev = unit;   /* the previous iteration's end */
        uint64_t ready = transfer(&ch, b, 0, false, unit, lat);
        for (uint64_t i = 0; i < N; i++) {
            uint64_t start = unit > ready ? unit : ready;
            wait += start - unit;
            unit = start + ti;
            of |= unit < start;
            if (in->trace) {
                EngineEvent ev = { EV_PASSES, g, nc->einsum, in->cascade->einsums[nc->einsum].out,
                                   nc->unit->name, b, i, 0, 0, 1, ti, 0, start, unit + drain };
                in->trace(in->trace_ctx, &ev);
            }
            /* The next iteration's loads (into the copy the iteration before this one
             * used, or into this one's once it ends), then the stores of this
             * iteration's predecessor, whose results have left the array by now. */
            ready = i + 1 < N ? transfer(&ch, b, i + 1, false, nc->double_buffered ? prev : unit, lat)
                              : 0;
            if (i > 0)
                transfer(&ch, b, i - 1, true, prev + drain, lat);
            prev = unit;
        }
        transfer(&ch, b, N - 1, true, unit + drain, lat);
        unit = unit + drain > ch.free ? unit + drain : ch.free;
    }
    *dram_wait = wait;
    *overflow = of;
    return unit;
}
