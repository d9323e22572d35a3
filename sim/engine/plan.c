/* plan.c — lowering one fused group of a mapping to the actors of the sweep: its Einsums
 * with their pass shapes and dependencies, the loads and stores of its DRAM tensors,
 * and the skew that software-pipelines them (model in engineInt.h and engine.h). */
#include "engine/engineInt.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* ---- lookups ------------------------------------------------------------------------ */

static int unit_index(const ArchSpec *a, const char *name)
{
    for (int u = 0; u < a->n_units; u++)
        if (strcmp(a->units[u].name, name) == 0)
            return u;
    return -1;
}

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }
static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Saturating arithmetic: plan quantities are bounded by the checked totals the engine
 * computes from them, which report overflow; saturation only keeps UB out. */
static uint64_t smul(uint64_t a, uint64_t b)
{
    uint64_t r;
    return ck_mul_u64(a, b, &r) ? r : UINT64_MAX;
}
static uint64_t sadd(uint64_t a, uint64_t b)
{
    uint64_t r;
    return ck_add_u64(a, b, &r) ? r : UINT64_MAX;
}

static bool tensor_has_rank(const Cascade *c, int t, int r)
{
    for (int k = 0; k < c->tensors[t].ndim; k++)
        if (c->tensors[t].dim_rank[k] == r)
            return true;
    return false;
}

/* ---- extents ------------------------------------------------------------------------- */

/* A partition of the loop rank (m1, m0 of M) inside a tile of the loop rank: the tile
 * holds tile / M0 outer indices of M0 inner ones (rounded up when the tile is not a
 * multiple of the inner size). False when r is not such a partition. */
static bool loop_part_ext(const EngineInput *in, const PlanGroup *p, int r, ItemExt x, uint64_t *ext)
{
    const Cascade *c = in->cascade;
    if (p->loop_rank < 0 || c->ranks[r].parent != p->loop_rank)
        return false;
    bool inner = c->ranks[r].kind == RANK_INNER;
    uint64_t isz = (uint64_t)in->sizes->size[inner ? r : c->ranks[r].partner];
    *ext = inner ? (isz < x.tile ? isz : x.tile) : cdiv(x.tile, isz);
    return true;
}

/* Extent of rank r for one (batch, head) of plan p: its size, the kept elements of a
 * routed rank. */
static uint64_t rank_size(const EngineInput *in, const PlanGroup *p, int r)
{
    return r == p->route_rank ? p->route_size : (uint64_t)in->sizes->size[r];
}

/* Extent of rank r inside one item (or residency) of plan p. */
static uint64_t item_rank_ext(const EngineInput *in, const PlanGroup *p, int r, Residency res,
                              ItemExt x)
{
    const Cascade *c = in->cascade;
    uint64_t full = rank_size(in, p, r);
    int it = c->iter_rank;
    bool stepwise = res != RES_TILE && p->steps > 1 && it >= 0;
    if (engine_is_head_rank(c, r) && p->heads_in_item)
        return full;
    if (engine_is_head_rank(c, r))   /* an item is one query head; a residency its group */
        return r == c->head_rank || c->ranks[r].kind == RANK_INNER
               ? (res == RES_ITEM ? 1 : p->hgroup) : 1;
    if (stepwise && r == it)
        return 1;
    if (stepwise && it >= 0 && (r == c->ranks[it].partner || r == c->ranks[it].parent))
        return x.chunk;
    if (res == RES_ITEM && r == p->block_rank)
        return x.blk;
    if (r == p->loop_rank)
        return x.tile;
    uint64_t part;
    if (loop_part_ext(in, p, r, x, &part))
        return part;
    return full;
}

/* Elements of tensor t held for one residency of extents x (a running value such as
 * RM[m1, p] keeps one slice of its recurrent dimension). */
static uint64_t tensor_elems(const EngineInput *in, const PlanGroup *p, int t, Residency res,
                             ItemExt x)
{
    const Cascade *c = in->cascade;
    const CascadeTensor *ct = &c->tensors[t];
    const SparseOperandSpec *nm = engine_sparse_of(in, t);
    int sr = nm ? cascade_find_rank(c, nm->rank) : -1;
    uint64_t n = 1;
    for (int k = 0; k < ct->ndim; k++) {
        uint64_t ext = k == ct->recur_dim ? 1 : item_rank_ext(in, p, ct->dim_rank[k], res, x);
        if (nm && ct->dim_rank[k] == sr)
            ext = engine_nm_kept(ext, nm->n, nm->m);   /* stored compressed */
        n = smul(n, ext);
    }
    return n;
}

uint64_t plan_meta_of(const EngineInput *in, int t, double values)
{
    const SparseOperandSpec *sp = engine_sparse_of(in, t);
    if (!sp)
        return 0;
    double w = ceil(values * engine_nm_index_bits(sp->m) / (double)in->workload->dtype_bits);
    return w < 1.8e19 ? (uint64_t)w : UINT64_MAX;
}

/* Values (not metadata) a load / store moves for one residency of extents x. */
static uint64_t plan_values(const EngineInput *in, const PlanGroup *p, int a, ItemExt x)
{
    const PlanAct *pa = &p->act[a];
    if (pa->kind == ACT_LOAD && pa->bypass) {
        /* No buffer in between: every use of an element is a DRAM read. */
        double w = 0;
        for (int k = 0; k < p->n_act; k++)
            for (int q = 0; q < p->act[k].n_deps; q++)
                if (p->act[k].kind == ACT_EINSUM && p->act[k].deps[q].prod == a) {
                    PassShape s = plan_shape(in, p, k, x);
                    w += plan_touches(in, p, k, pa->tensor, x, &s);
                }
        return w < 1.8e19 ? (uint64_t)w : UINT64_MAX;
    }
    return tensor_elems(in, p, pa->tensor, pa->res, x);
}

uint64_t plan_meta_words(const EngineInput *in, const PlanGroup *p, int a, ItemExt x)
{
    return plan_meta_of(in, p->act[a].tensor, (double)plan_values(in, p, a, x));
}

uint64_t plan_words(const EngineInput *in, const PlanGroup *p, int a, ItemExt x)
{
    uint64_t v = plan_values(in, p, a, x);
    return sadd(v, plan_meta_of(in, p->act[a].tensor, (double)v));
}

/* ---- pass shapes ----------------------------------------------------------------------- */

/* Does any Einsum of the group on a unit other than `unit` read tensor t? And does any
 * consumer at all outside the same unit (other units, other groups, the output)? */
static bool read_off_unit(const EngineInput *in, const PlanGroup *p, int t, int unit)
{
    const Cascade *c = in->cascade;
    if (c->tensors[t].is_output)
        return true;
    for (int i = 0; i < c->n_einsums; i++) {
        const Einsum *e = &c->einsums[i];
        bool reads = false;
        for (int j = 0; j < e->n_nodes && !reads; j++)
            reads = e->nodes[j].kind == EX_ACCESS && e->nodes[j].tensor == t && i != c->tensors[t].writer;
        if (!reads)
            continue;
        int ai = -1;
        for (int k = 0; k < p->n_act; k++)
            if (p->act[k].kind == ACT_EINSUM && p->act[k].einsum == i)
                ai = k;
        if (ai < 0 || p->act[ai].unit != unit)
            return true;
    }
    return false;
}

/* Is tensor t read by Einsums on `unit` only, and held in the group's buffer lists? */
static bool listed_on_chip(const GroupSpec *gs, const char *name)
{
    return engine_in_names(gs->resident, gs->n_resident, name) || engine_in_names(gs->streamed, gs->n_streamed, name);
}

/* The ranks Einsum actor a maps to its unit's rows (-1 when the mapping names none or
 * the unit has one row) and columns (-1 when none). */
static void act_spatial_ranks(const EngineInput *in, const PlanGroup *p, int a, int *rr, int *rc)
{
    const Cascade *c = in->cascade;
    const ComputeUnitSpec *u = &in->arch->units[p->act[a].unit];
    const SpatialSpec *sp = engine_spatial_for(in->mapping, c->einsums[p->act[a].einsum].name, u->name);
    *rr = sp && sp->rows && u->rows > 1 ? cascade_find_rank(c, sp->rows) : -1;
    *rc = sp && sp->cols ? cascade_find_rank(c, sp->cols) : -1;
}

PassShape plan_shape(const EngineInput *in, const PlanGroup *p, int a, ItemExt x)
{
    const Cascade *c = in->cascade;
    const ArchSpec *ar = in->arch;
    const PlanAct *pa = &p->act[a];
    const Einsum *e = &c->einsums[pa->einsum];
    const ComputeUnitSpec *u = &ar->units[pa->unit];
    const BindingSpec *b = engine_binding_of(in->mapping, e->name);
    const SpatialSpec *sp = engine_spatial_for(in->mapping, e->name, u->name);
    int rr, rc;
    act_spatial_ranks(in, p, a, &rr, &rc);
    int r[2 * CASCADE_MAX_DIMS];
    int nr = engine_einsum_ranks(e, r);
    PassShape s = { .n = 1, .terms = 1, .stationary = -1 };
    uint64_t temporal = 1, ext_rows = 0, ext_cols = 0;
    bool rows_reduced = false;
    /* The temporal reduction: a PE of a multi-lane unit finishes `lanes` of its terms per
     * cycle; an N:M-sparse operand's rank issues beats of kept pairs instead (nm_use.c). */
    SparseUse su;
    if (engine_sparse_use(in, pa->einsum, &su, NULL, 0) != 0)
        su.spec = NULL;   /* engine_check refused it */
    uint64_t lanes = engine_lanes(e, u), t_red = 1, ext_sparse = 0;
    for (int k = 0; k < nr; k++) {
        uint64_t ext = item_rank_ext(in, p, r[k], RES_ITEM, x);
        s.terms = smul(s.terms, ext);
        if (r[k] == rr) {
            if (su.spec && r[k] == su.rank && k >= e->n_free) {
                /* The kept pairs packed down the rows (dense rows when gated). */
                s.terms = smul(s.terms / ext, engine_nm_kept(ext, su.spec->n, su.spec->m));
                if (!su.gate)
                    ext = engine_nm_slots(&su, ext);
            }
            ext_rows = ext;
            rows_reduced = k >= e->n_free;
            s.n = smul(s.n, cdiv(ext, u->rows));
        } else if (r[k] == rc) {
            ext_cols = ext;
            s.n = smul(s.n, cdiv(ext, u->cols));
        } else if (k >= e->n_free && su.spec && r[k] == su.rank) {
            ext_sparse = ext;
        } else if (k >= e->n_free) {
            t_red = smul(t_red, ext);
        } else {
            temporal = smul(temporal, ext);
        }
    }
    uint64_t outs_pe = temporal;   /* outputs each PE finishes in one pass */
    if (ext_sparse) {
        /* Issued MACs: the kept values; beats: the unit's groups per beat (dense beats
         * when the unit gates the pruned products instead of skipping them). */
        s.terms = smul(s.terms / ext_sparse, engine_nm_kept(ext_sparse, su.spec->n, su.spec->m));
        temporal = su.gate ? smul(temporal, cdiv(smul(t_red, ext_sparse), lanes))
                           : smul(smul(temporal, t_red), engine_nm_beats(&su, ext_sparse));
    } else {
        temporal = smul(temporal, cdiv(t_red, lanes));
    }
    uint64_t cpt = engine_cost_per_term(e, u, b);
    if (!sp) {
        /* No spatial mapping: the unit's PEs share the terms evenly, one pass. */
        s.n = 1;
        s.len = cdiv(smul(s.terms, cpt), smul((uint64_t)u->rows * u->cols, lanes));
    } else {
        s.len = smul(temporal, cpt);
        /* Accumulator hazards: an output reduced in time adds each beat into its
         * accumulator, busy acc_latency cycles; the PE interleaves `accumulators` outputs
         * (of this pass and the unit's next ones) to hide it. */
        uint64_t beats = temporal / (outs_pe ? outs_pe : 1);
        if (u->sparse.present && lanes > 1 && !rows_reduced && beats > 1)
            s.len = umax(s.len, smul(engine_acc_span(&u->sparse, outs_pe, beats), cpt));
    }
    if (s.len == 0)
        s.len = 1;
    s.ivl = s.len;
    s.lat = s.len;
    if (u->rows > 1) {
        /* A systolic pass: operands enter through the input registers, skew to the
         * farthest PE used (partial sums of a spatial reduction cross every row), and
         * results bound for another unit cross the staging path. */
        uint64_t rows_used = ext_rows ? ext_rows - (cdiv(ext_rows, u->rows) - 1) * u->rows : 1;
        uint64_t cols_used = ext_cols ? ext_cols - (cdiv(ext_cols, u->cols) - 1) * u->cols : 1;
        if (!sp)
            rows_used = u->rows, cols_used = u->cols;
        uint64_t rows_span = rows_reduced ? u->rows : rows_used;
        s.lat = u->in_latency + s.len + (rows_span - 1) + (cols_used - 1);
        if (ext_sparse)
            s.lat += u->sparse.meta_decode_cycles;
        bool leaves = read_off_unit(in, p, e->out, pa->unit);
        if (leaves && pa->store < 0 && !listed_on_chip(p->gs, c->tensors[e->out].name))
            s.lat += p->handoff_latency;
        /* Double-buffered stationary registers: a stationary operand read from the buffer
         * is shifted in one row per cycle (rows cycles) and its shadow copy is held until
         * the swap has crossed the columns (cols cycles); an output-stationary result
         * written to the buffer leaves one row per cycle per column (rows cycles), unless
         * the unit drains into PE-local output buffers behind the next pass (drain =
         * "local"; the buffer's write port still carries the words). */
        uint64_t floor = 0;
        if (ext_rows && ext_cols) {
            if (rows_reduced) {
                for (int j = 0; j < e->n_nodes; j++) {
                    if (e->nodes[j].kind != EX_ACCESS)
                        continue;
                    int t = e->nodes[j].tensor;
                    if (!tensor_has_rank(c, t, rr) || !tensor_has_rank(c, t, rc))
                        continue;
                    s.dataflow = DF_STATIONARY;
                    s.stationary = t;
                    int w = c->tensors[engine_view_source(c, t)].writer;
                    bool in_array = false;
                    for (int k = 0; k < p->n_act; k++)
                        if (p->act[k].kind == ACT_EINSUM && p->act[k].einsum == w &&
                            p->act[k].unit == pa->unit)
                            in_array = true;
                    if (!in_array)
                        floor = umax(u->rows, u->cols);
                }
            } else {
                s.dataflow = DF_OS;
                if (leaves && !u->drain_local)
                    floor = u->rows;
            }
        }
        s.ivl = umax(s.len, floor);
    }
    /* A stall the binding states: the unit idles after each pass. */
    if (b && b->stall) {
        uint64_t st = b->stall == STALL_ROWS ? u->rows : b->stall == STALL_COLS ? u->cols
                                                                                 : (uint64_t)b->stall;
        s.ivl = sadd(s.ivl, st);
        s.lat = sadd(s.lat, st);
    }
    /* Buffer words: operands held in the buffer, once per touch; the output written
     * there, with the partial sums of a reduction split over row passes read back. */
    if (p->n_act) {
        int seen[CASCADE_MAX_DIMS * 4], n_seen = 0;
        double rd = 0, wr = 0;
        uint64_t meta = 0;   /* metadata words the unit reads in the item */
        for (int j = 0; j < e->n_nodes; j++) {
            if (e->nodes[j].kind != EX_ACCESS)
                continue;
            int t = e->nodes[j].tensor;
            bool dup = false;
            for (int q = 0; q < n_seen; q++)
                dup |= seen[q] == t;
            if (dup || n_seen >= (int)(sizeof seen / sizeof *seen))
                continue;
            seen[n_seen++] = t;
            double v = plan_touches(in, p, a, t, x, &s);
            uint64_t mw = plan_meta_of(in, t, v);   /* an N:M operand's indices */
            if (plan_home(in, p, t) == 0 && !plan_forwarded(in, p, a, t))
                rd += v + (double)mw;
            meta = sadd(meta, mw);
        }
        /* The indices enter the array at the unit's metadata bandwidth: a pass takes at
         * least its share of them over meta_bits_per_cycle. */
        if (meta && u->sparse.present && s.n) {
            uint64_t mc = cdiv(smul(meta, in->workload->dtype_bits),
                               smul(u->sparse.meta_bits_per_cycle, s.n));
            s.ivl = umax(s.ivl, mc);
            s.lat = umax(s.lat, mc);
        }
        double outs = plan_touches(in, p, a, e->out, x, &s);
        if (rows_reduced && u->rows > 1 && ext_rows > u->rows) {
            double pr = (double)cdiv(ext_rows, u->rows);
            s.psum = outs * (pr - 1) / pr;
        }
        if (plan_home(in, p, e->out) == 0) {
            wr = outs;
            rd += s.psum;
        }
        s.rd = rd < 1.8e19 ? (uint64_t)rd : UINT64_MAX;
        s.wr = wr < 1.8e19 ? (uint64_t)wr : UINT64_MAX;
    }
    return s;
}

/* ---- where values live, and what a pass reads -------------------------------------- */

/* The buffer a group stages its tensors in: its named buffer, else the first SRAM. */
const StorageSpec *plan_buffer(const EngineInput *in, const GroupSpec *gs)
{
    const ArchSpec *a = in->arch;
    if (gs->buffer)
        return arch_find_level(a, gs->buffer);
    for (int i = 1; i < a->n_levels; i++)
        if (a->levels[i].cls == STORE_SRAM)
            return &a->levels[i];
    return NULL;
}

const StorageSpec *plan_staging(const ArchSpec *a)
{
    for (int i = 1; i < a->n_levels; i++)
        if (a->levels[i].cls == STORE_REGFILE)
            return &a->levels[i];
    return NULL;
}

/* Where tensor t lives while group p uses it: 0 the buffer, 1 the registers of the unit
 * that produced it (kept in the array), 2 the staging level (a hand-off between units). */
int plan_home(const EngineInput *in, const PlanGroup *p, int t)
{
    const Cascade *c = in->cascade;
    int src = engine_view_source(c, t);
    if (p->bypass && (engine_in_names(p->gs->bypass, p->gs->n_bypass, c->tensors[t].name) ||
                      engine_in_names(p->gs->bypass, p->gs->n_bypass, c->tensors[src].name)))
        return 3;
    for (int i = 0; i < p->n_act; i++) {
        const PlanAct *pa = &p->act[i];
        if (pa->kind == ACT_LOAD && engine_view_source(c, pa->tensor) == src)
            return 0;
    }
    const char *name = c->tensors[src].name;
    if (engine_in_names(p->gs->resident, p->gs->n_resident, name) ||
        engine_in_names(p->gs->streamed, p->gs->n_streamed, name))
        return 0;
    int prod = -1;
    for (int i = 0; i < p->n_act; i++)
        if (p->act[i].kind == ACT_EINSUM && p->act[i].tensor == src)
            prod = i;
    if (prod < 0)
        return 0;
    if (p->act[prod].store >= 0)
        return 0;
    /* Read by an Einsum on another unit: handed off; else kept where it was made. */
    for (int i = 0; i < p->n_act; i++) {
        const PlanAct *pa = &p->act[i];
        if (pa->kind != ACT_EINSUM || pa->unit == p->act[prod].unit)
            continue;
        for (int k = 0; k < pa->n_deps; k++)
            if (pa->deps[k].prod == prod)
                return 2;
    }
    return 1;
}

bool plan_forwarded(const EngineInput *in, const PlanGroup *p, int a, int t)
{
    const Cascade *c = in->cascade;
    const PlanAct *pa = &p->act[a];
    for (int q = 0; q < pa->n_deps; q++) {
        const PlanDep *d = &pa->deps[q];
        const PlanAct *pw = &p->act[d->prod];
        if (pw->kind != ACT_EINSUM || pw->tensor != engine_view_source(c, t) ||
            pw->unit != pa->unit || pw->skew != pa->skew || d->kind != DEP_REL || d->dstep)
            continue;
        /* The consumer is the next Einsum its unit issues after the producer. */
        for (int k = d->prod + 1; k < a; k++)
            if (p->act[k].kind == ACT_EINSUM && p->act[k].unit == pa->unit)
                return false;
        return d->prod < a;
    }
    return false;
}

bool plan_reg_bypass(const EngineInput *in, const PlanGroup *p, int t)
{
    const Cascade *c = in->cascade;
    return engine_in_names(p->gs->reg_bypass, p->gs->n_reg_bypass, c->tensors[t].name) ||
           engine_in_names(p->gs->reg_bypass, p->gs->n_reg_bypass, c->tensors[engine_view_source(c, t)].name);
}

/* Elements of tensor t touched by one item of Einsum actor `a`, times the passes that
 * re-read them (a pass reads each operand element it touches once: the stationary
 * operand once per pass, a streamed one once per pass along the spatial rank it lacks;
 * an operand the PE registers bypass at every term, so along its temporal ranks too). */
double plan_touches(const EngineInput *in, const PlanGroup *p, int a, int t, ItemExt x,
                           const PassShape *s)
{
    const Cascade *c = in->cascade;
    const PlanAct *pa = &p->act[a];
    const Einsum *e = &c->einsums[pa->einsum];
    const ComputeUnitSpec *u = &in->arch->units[pa->unit];
    int rr, rc;
    act_spatial_ranks(in, p, a, &rr, &rc);
    int r[2 * CASCADE_MAX_DIMS];
    int nr = engine_einsum_ranks(e, r);
    /* The ranks of t as the Einsum iterates them: an access index such as m1*M0 + m0 on
     * dimension M touches the Einsum's ranks m1 and m0. */
    double elems = 1, rereads = 1;
    const CascadeTensor *ct = &c->tensors[t];
    const SparseOperandSpec *nm = engine_sparse_of(in, t);
    int sr = nm ? cascade_find_rank(c, nm->rank) : -1;
    bool every_term = plan_reg_bypass(in, p, t);
    for (int k = 0; k < nr; k++) {
        bool has = false;
        for (int d = 0; d < ct->ndim && !has; d++) {
            int dr = ct->dim_rank[d];
            has = dr == r[k] || c->ranks[r[k]].parent == dr;
        }
        uint64_t ext = item_rank_ext(in, p, r[k], RES_ITEM, x);
        if (has && r[k] == sr)
            elems *= (double)engine_nm_kept(ext, nm->n, nm->m);  /* compressed */
        else if (has)
            elems *= (double)ext;
        else if (r[k] == rr)
            rereads *= (double)((ext + u->rows - 1) / u->rows);
        else if (r[k] == rc)
            rereads *= (double)((ext + u->cols - 1) / u->cols);
        else if (every_term)
            rereads *= (double)ext;
    }
    (void)s;
    return elems * rereads;
}

/* ---- item classes ------------------------------------------------------------------ */

int plan_classes(const PlanGroup *p, ItemClass *out, int max)
{
    int n = 0;
    /* Full tiles, the last tile; with partial sums reloaded from the previous tile, the
     * first full tile apart from the others. */
    bool split = p->has_reload && p->n_tiles > 2;
    for (int tk = split ? 0 : 1; tk < 3; tk++) {     /* first full tile, full tiles, last */
        uint64_t ntiles = tk == 2 ? 1 : tk == 0 ? 1 : p->n_tiles - 1 - (split ? 1 : 0);
        if (!ntiles)
            continue;
        bool last_tile = tk == 2;
        uint64_t nb = last_tile ? p->nb_last : p->nb_full;
        uint64_t blk_last = last_tile ? p->blk_last_last : p->blk_last_full;
        uint64_t tile = last_tile ? p->tile_last : (p->tile ? p->tile : p->tile_last);
        uint64_t t0 = last_tile ? p->n_tiles - 1 : tk == 0 || !split ? 0 : 1, t1 = t0 + ntiles;
        for (uint64_t sk = 0; sk < 3; sk++) {        /* step 0, middle steps, last step */
            uint64_t nsteps;
            bool first = false, last = false;
            if (p->steps == 1) {
                if (sk)
                    continue;
                nsteps = 1, first = last = true;
            } else if (sk == 0) {
                nsteps = 1, first = true;
            } else if (sk == 1) {
                nsteps = p->steps - 2;
            } else {
                nsteps = 1, last = true;
            }
            if (!nsteps)
                continue;
            /* Blocks of one head: block 0, middle blocks, last block; of the heads
             * sharing a K/V head: the first, the middle ones, the last. */
            uint64_t nbh = nb / p->hgroup;
            for (int hk = 0; hk < 3; hk++) {
                uint64_t nheads = p->hgroup == 1 ? (hk ? 0 : 1) : hk == 1 ? p->hgroup - 2 : 1;
                if (!nheads)
                    continue;
                uint64_t h0 = hk == 0 ? 0 : hk == 1 ? 1 : p->hgroup - 1;
                for (int bk = 0; bk < 3; bk++) {
                    uint64_t nblocks;
                    if (nbh == 1) {
                        if (bk)
                            continue;
                        nblocks = 1;
                    } else {
                        nblocks = bk == 1 ? nbh - 2 : 1;
                    }
                    if (!nblocks)
                        continue;
                    EINSIM_ASSERT(n < max);
                    ItemClass *ic = &out[n++];
                    bool first_head = hk == 0, last_head = p->hgroup == 1 || hk == 2;
                    ic->x.blk = (bk == 2 || nbh == 1) ? blk_last : p->block;
                    ic->x.chunk = last ? p->chunk_last : p->chunk;
                    ic->x.tile = tile;
                    ic->first_step = first;
                    ic->last_step = last;
                    ic->first_block = first_head && bk == 0;
                    ic->first_tile_item = first && ic->first_block;
                    ic->first_tile = t0 == 0 && t1 == 1;
                    ic->last_block = last_head && (bk == 2 || nbh == 1);
                    ic->count = smul(smul(smul(smul(p->bh, ntiles), nsteps), nblocks), nheads);
                    ic->live = ic->live_steps = ic->live_tiles = ic->count;
                    if (p->n_masked) {
                        /* Every (b, h) has the same pattern of dead items, and so has
                         * every query head of a group. */
                        uint64_t s0 = sk == 0 ? 0 : sk == 1 ? 1 : p->steps - 1;
                        uint64_t b0 = h0 * nbh + (bk == 0 ? 0 : bk == 1 ? 1 : nbh - 1);
                        LiveBox box = { t0, t1, s0, s0 + nsteps, b0, b0 + nblocks };
                        ic->live = smul(smul(p->bh, nheads), live_items(p, box));
                        if (ic->first_block)
                            ic->live_steps = smul(p->bh, live_steps(p, (LiveBox){ t0, t1, s0, s0 + nsteps, 0, nb }));
                        if (ic->first_tile_item)
                            ic->live_tiles = smul(p->bh, live_tiles(p, (LiveBox){ t0, t1, 0, p->steps, 0, nb }));
                    }
                }
            }
        }
    }
    return n;
}

bool plan_runs(const PlanGroup *p, int a, const ItemClass *ic)
{
    const PlanAct *pa = &p->act[a];
    if (pa->kind == ACT_LOAD) {
        if (pa->reloads >= 0)
            return !ic->first_tile;
        if (pa->res == RES_TILE)
            return ic->first_tile_item;
        if (pa->res == RES_STEP)
            return ic->first_block;
        return true;
    }
    if (pa->phase == PH_FIRST)
        return ic->first_step;
    if (pa->phase == PH_LAST)
        return ic->last_step;
    return true;
}

/* ---- building ------------------------------------------------------------------------ */

static int add_act(PlanGroup *p, PlanAct a)
{
    p->act = xrealloc(p->act, (size_t)(p->n_act + 1) * sizeof *p->act);
    a.store = a.reload = a.reloads = -1;
    p->act[p->n_act] = a;
    return p->n_act++;
}

static int find_act(const PlanGroup *p, ActKind k, int einsum_or_tensor)
{
    for (int i = 0; i < p->n_act; i++)
        if (p->act[i].kind == k &&
            (k == ACT_EINSUM ? p->act[i].einsum : p->act[i].tensor) == einsum_or_tensor)
            return i;
    return -1;
}

/* Which mapping group holds Einsum e (a view: its first consumer's group); -1. */
int engine_group_of(const EngineInput *in, int e)
{
    const Cascade *c = in->cascade;
    const MappingSpec *m = in->mapping;
    for (int g = 0; g < m->n_groups; g++)
        for (int s = 0; s < m->groups[g].n_stages; s++)
            if (engine_in_names(m->groups[g].stages[s].einsums, m->groups[g].stages[s].n_einsums,
                         c->einsums[e].name))
                return g;
    for (int k = 0; k < c->n_einsums; k++) {
        const Einsum *ek = &c->einsums[k];
        if (k == e)
            continue;
        for (int j = 0; j < ek->n_nodes; j++)
            if (ek->nodes[j].kind == EX_ACCESS && ek->nodes[j].tensor == c->einsums[e].out) {
                int g = engine_group_of(in, k);
                if (g >= 0)
                    return g;
            }
    }
    return -1;
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

/* True when an Einsum of group g has a rank of the cascade's explicit heads (H or a
 * partition of it): among its reduced ranks, or, unless `reduced_only`, its free ones. */
static bool group_head_ranks(const EngineInput *in, int g, bool reduced_only)
{
    const Cascade *c = in->cascade;
    for (int e = 0; e < c->n_einsums; e++) {
        const Einsum *x = &c->einsums[e];
        if (engine_group_of(in, e) != g)
            continue;
        for (int k = 0; k < x->n_red; k++)
            if (engine_is_head_rank(c, x->red_ranks[k]))
                return true;
        for (int k = 0; !reduced_only && k < x->n_free; k++)
            if (engine_is_head_rank(c, x->free_ranks[k]))
                return true;
    }
    return false;
}

bool engine_reduces_heads(const EngineInput *in, int g)
{
    return group_head_ranks(in, g, true);
}

/* Step offset at which consumer Einsum e reads tensor t through access node j:
 * 0 / -1 ... relative, or DEP_TILE_FIRST when t has no iterative dimension but is
 * produced once per tile. Returns false when the access reads an initial value only
 * (no producer step). */
static bool access_step(const Cascade *c, const Einsum *e, int j, const Einsum *w, int32_t *dstep,
                        DepKind *kind)
{
    const ExprNode *nd = &e->nodes[j];
    const CascadeTensor *ct = &c->tensors[nd->tensor];
    int it = c->iter_rank;
    *kind = DEP_REL;
    *dstep = 0;
    if (it < 0)
        return true;
    for (int k = 0; k < ct->ndim; k++) {
        if (ct->dim_rank[k] != it)
            continue;
        /* Producer writes value v at step v - cw; the consumer reads value s + cr. */
        const IndexExpr *wi = &w->out_idx[k], *ri = &nd->idx[k];
        int64_t cw = wi->konst, cr = ri->konst;
        bool r_var = false;
        for (int q = 0; q < ri->n; q++)
            r_var |= ri->t[q].rank == it;
        if (!r_var) {
            /* A constant index: the final value (M1) read after the loop, or the
             * initial value (0). */
            bool final = false;
            for (int q = 0; q < ri->n; q++)
                final |= ri->t[q].size_rank == it;
            if (!final)
                return false;
            (void)cw;
            *dstep = 0;      /* the final value: the consumer runs at the last step */
            return true;
        }
        *dstep = (int32_t)(cr - cw);
        return true;
    }
    /* The tensor has no iterative dimension. */
    if (w->phase == PHASE_PRE && e->phase != PHASE_PRE)
        *kind = DEP_TILE_FIRST;
    return true;
}

/* The hand-off between units: the staging level's latency (a regfile level named by the
 * architecture between the arrays), 0 without one. */
static uint64_t handoff_latency(const ArchSpec *a)
{
    for (int i = 0; i < a->n_levels; i++)
        if (a->levels[i].cls == STORE_REGFILE)
            return a->levels[i].latency_cycles;
    return 0;
}

/* The slices in which Einsum actor a reads (or writes) tensor t in one item: one per
 * pass along a spatial rank t has (1: every pass needs all of t). A pass's slice is the
 * tile the buffer holds for it, double-buffered. */
static uint64_t stream_slices(const EngineInput *in, const PlanGroup *p, int a, int t, ItemExt x)
{
    const Cascade *c = in->cascade;
    const PlanAct *pa = &p->act[a];
    const Einsum *e = &c->einsums[pa->einsum];
    const ComputeUnitSpec *u = &in->arch->units[pa->unit];
    int rr, rc;
    act_spatial_ranks(in, p, a, &rr, &rc);
    int src = engine_view_source(c, t);
    int r[2 * CASCADE_MAX_DIMS];
    int nr = engine_einsum_ranks(e, r);
    uint64_t div = 1;
    for (int k = 0; k < nr; k++) {
        bool has = false;
        for (int d = 0; d < c->tensors[src].ndim && !has; d++) {
            int dr = c->tensors[src].dim_rank[d];
            has = dr == r[k] || c->ranks[r[k]].parent == dr;
        }
        if (!has)
            continue;
        uint64_t ext = item_rank_ext(in, p, r[k], RES_ITEM, x);
        if (r[k] == rr)
            div = smul(div, cdiv(ext, u->rows));
        else if (r[k] == rc)
            div = smul(div, cdiv(ext, u->cols));
    }
    return div ? div : 1;
}

void plan_stationary(const EngineInput *in, const PlanGroup *p, int a, int ld, ItemExt x,
                     PlanStationary *g)
{
    const Cascade *c = in->cascade;
    const ComputeUnitSpec *u = &in->arch->units[p->act[a].unit];
    int rr, rc;
    act_spatial_ranks(in, p, a, &rr, &rc);
    int src = engine_view_source(c, p->act[ld].tensor);
    *g = (PlanStationary){ .words = plan_words(in, p, ld, x), .er = 1, .ec = 1, .ur = 1, .uc = 1 };
    for (int d = 0; d < c->tensors[src].ndim; d++) {
        int dr = c->tensors[src].dim_rank[d];
        if (rr >= 0 && (dr == rr || c->ranks[rr].parent == dr))
            g->er = item_rank_ext(in, p, rr, RES_ITEM, x), g->ur = u->rows;
        else if (rc >= 0 && (dr == rc || c->ranks[rc].parent == dr))
            g->ec = item_rank_ext(in, p, rc, RES_ITEM, x), g->uc = u->cols;
    }
    g->dr = cdiv(g->er, g->ur);
    uint64_t dc = cdiv(g->ec, g->uc);
    g->tiles = smul(g->dr, dc);
    /* One tile's words: its rows times its columns (the last block of each ragged) times
     * the words per element of the plane. */
    uint64_t plane = smul(g->er, g->ec);
    if (!plane || !g->tiles)
        return;
    uint64_t rag_r = g->er - (g->dr - 1) * g->ur, rag_c = g->ec - (dc - 1) * g->uc;
    uint64_t per = cdiv(g->words, plane);
    g->step_max = sadd(smul(per, smul(umin(g->ur, g->er), umin(g->uc, g->ec))), 1);
    if (g->words % plane == 0)
        g->step_min = smul(per, smul(umin(g->ur, rag_r), umin(g->uc, rag_c)));
}

uint64_t plan_stationary_words(const PlanStationary *g, uint64_t pass, uint64_t n)
{
    uint64_t plane = smul(g->er, g->ec);
    if (!g->tiles || !n || !plane)
        return g->words;
    /* pass -> tile: one tile per pass, or the passes spread evenly over the tiles */
    uint64_t t = n == g->tiles ? pass : (uint64_t)((double)pass * (double)g->tiles / (double)n);
    if (t >= g->tiles)
        t = g->tiles - 1;
    uint64_t tc = t / g->dr, tr = t % g->dr;
    uint64_t cols_before = umin(smul(tc, g->uc), g->ec);
    uint64_t cols_cur = umin(g->ec - cols_before, g->uc);
    uint64_t rows_thr = umin(smul(tr + 1, g->ur), g->er);
    /* words per element of the stationary (rows x cols) plane, times the elements */
    uint64_t elems = sadd(smul(cols_before, g->er), smul(cols_cur, rows_thr));
    if (g->words % plane == 0)
        return smul(g->words / plane, elems);
    return (uint64_t)((double)g->words / (double)plane * (double)elems + 0.5);
}

/* The latency cover consumer a takes (items after a producer on another unit), at
 * most cap. */
static int64_t act_cover(const PlanGroup *p, int a, const uint64_t *lat, uint64_t item_time,
                         int64_t cap)
{
    const PlanAct *pa = &p->act[a];
    int64_t c = 0;
    if (!p->pipelined || pa->kind != ACT_EINSUM)
        return 0;
    for (int q = 0; q < pa->n_deps; q++) {
        const PlanDep *d = &pa->deps[q];
        const PlanAct *pw = &p->act[d->prod];
        if (pw->kind == ACT_EINSUM && pw->unit != pa->unit && (d->kind != DEP_REL || d->dstep == 0)) {
            int64_t v = (int64_t)cdiv(lat[d->prod], item_time);
            c = v > c ? v : c;
        }
    }
    return c < cap ? c : cap;
}

/* Skews: every actor issues after what it reads (later in the slot or in a later
 * slot), at least early[a], consumers of another unit's result act_cover items later. */
static int plan_skews(PlanGroup *p, const int *pos, const uint64_t *lat, uint64_t item_time,
                      const int64_t *cap, const uint32_t *early, uint64_t nb_min, uint64_t nb_max,
                      char *why, size_t n_why)
{
    int n = p->n_act;
    for (int a = 0; a < n; a++)
        p->act[a].skew = early[a];
    bool changed = true;
    int rounds = 0;
    while (changed) {
        changed = false;
        if (++rounds > 4 * n + 8) {
            snprintf(why, n_why, "group %s: the stage order cannot be scheduled (a dependency "
                     "cycle that no step of the iterative rank breaks)", p->gs->name);
            return 1;
        }
        for (int a = 0; a < n; a++) {
            PlanAct *pa = &p->act[a];
            if (pa->kind == ACT_LOAD && pa->n_deps == 0)
                continue;       /* prefetching loads are timed by residency */
            int64_t cover = act_cover(p, a, lat, item_time, cap[a]);
            for (int q = 0; q < pa->n_deps; q++) {
                const PlanDep *d = &pa->deps[q];
                const PlanAct *pw = &p->act[d->prod];
                if (pw->kind == ACT_LOAD && pw->n_deps == 0)
                    continue;
                int64_t need = (int64_t)pw->skew + (pos[d->prod] >= pos[a] ? 1 : 0);
                if (d->kind == DEP_REL)
                    need += (int64_t)d->dstep * (int64_t)nb_min;
                if (d->whole)
                    need += (int64_t)nb_max - 1;
                if (p->pipelined && pa->kind == ACT_EINSUM && pw->kind == ACT_EINSUM &&
                    pw->unit != pa->unit && (d->kind != DEP_REL || d->dstep == 0))
                    need += (int64_t)cdiv(lat[d->prod], item_time) < cover
                          ? (int64_t)cdiv(lat[d->prod], item_time) : cover;
                if (need > (int64_t)pa->skew) {
                    if (need > (int64_t)UINT32_MAX / 2) {
                        snprintf(why, n_why, "group %s: the stage order needs a pipeline deeper "
                                 "than einsim supports", p->gs->name);
                        return 1;
                    }
                    pa->skew = (uint32_t)need;
                    changed = true;
                }
            }
        }
    }
    return 0;
}

/* The first reuse rule the skews break: *w the writer, *r the reader, *lim the largest
 * skew(r) - skew(w) it allows. */
static void reuse_broken(const EngineInput *in, const PlanGroup *p, const int *pos, uint64_t nb,
                         int *w, int *r, int64_t *lim)
{
    const Cascade *c = in->cascade;
    const GroupSpec *gs = p->gs;
    for (int k = 0; k < gs->n_reuse; k++) {
        const ReuseSpec *rs = &gs->reuse[k];
        int aw = find_act(p, ACT_EINSUM, cascade_find_einsum(c, rs->einsum));
        for (int j = 0; j < rs->n_after; j++) {
            int ar = find_act(p, ACT_EINSUM, cascade_find_einsum(c, rs->after[j]));
            if (aw < 0 || ar < 0)
                continue;
            int64_t l = (int64_t)rs->copies * (int64_t)nb - (pos[ar] < pos[aw] ? 0 : 1);
            if ((int64_t)p->act[ar].skew - (int64_t)p->act[aw].skew > l) {
                *w = aw;
                *r = ar;
                *lim = l;
                return;
            }
        }
    }
}

/* Issue order within a slot, and the skew of every actor: a consumer issues after what
 * it reads (later in the slot or in a later slot); in a pipelined group a result handed
 * to another unit is consumed one item later, so the hand-off overlaps other work. */
static int plan_schedule(const EngineInput *in, PlanGroup *p, char *why, size_t n_why)
{
    int n = p->n_act;
    p->ord = xmalloc((size_t)n * sizeof *p->ord);
    int *pos = xmalloc((size_t)n * sizeof *pos);
    int k = 0;
    for (int kind = 0; kind < 3; kind++) {
        ActKind want = kind == 0 ? ACT_LOAD : kind == 1 ? ACT_EINSUM : ACT_STORE;
        for (int a = 0; a < n; a++)
            if (p->act[a].kind == want) {
                pos[a] = k;
                p->ord[k++] = a;
            }
    }
    uint64_t nb_min = p->nb_full < p->nb_last ? p->nb_full : p->nb_last;
    uint64_t nb_max = p->nb_full > p->nb_last ? p->nb_full : p->nb_last;
    /* A result handed to another unit is consumed enough items later to cover its
     * latency: items of the busiest unit's work per item. */
    ItemExt x = { plan_block_ext(p, false, 0), p->chunk, p->tile ? p->tile : p->tile_last };
    uint64_t *per_unit = xcalloc((size_t)in->arch->n_units, sizeof *per_unit);
    uint64_t *lat = xcalloc((size_t)n, sizeof *lat);
    uint64_t item_time = 1;
    for (int a = 0; a < n; a++) {
        if (p->act[a].kind != ACT_EINSUM)
            continue;
        PassShape s = plan_shape(in, p, a, x);
        lat[a] = s.lat + smul(s.n - 1, s.ivl);
        per_unit[p->act[a].unit] = sadd(per_unit[p->act[a].unit], smul(s.n, s.ivl));
    }
    for (int u = 0; u < in->arch->n_units; u++)
        item_time = per_unit[u] > item_time ? per_unit[u] : item_time;
    free(per_unit);
    /* Register reuse (the group's `reuse`): writer w of chunk s + c issues after reader r
     * of chunk s. Both are on one unit, which issues in slot order, so r's slot must come
     * first: skew(r) - skew(w) < c x nb, or equal with r earlier in the slot. Where the
     * latency covers break that, they shrink (cap, per consumer), and where the plain
     * order of the dependencies does, the writer issues later (lo). */
    int64_t *cap = xmalloc((size_t)n * sizeof *cap);
    uint32_t *early = xcalloc((size_t)n, sizeof *early);
    for (int a = 0; a < n; a++)
        cap[a] = INT64_MAX;
    int rc = 0;
    for (int attempt = 0;; attempt++) {
        rc = plan_skews(p, pos, lat, item_time, cap, early, nb_min, nb_max, why, n_why);
        int w = -1, r = -1;
        int64_t lim = 0;
        if (!rc)
            reuse_broken(in, p, pos, nb_min, &w, &r, &lim);
        if (rc || w < 0)
            break;
        if (attempt > 16 * n + 16) {
            snprintf(why, n_why, "group %s: the reuse rules cannot be met (%s after %s)",
                     p->gs->name, in->cascade->einsums[p->act[w].einsum].name,
                     in->cascade->einsums[p->act[r].einsum].name);
            rc = 1;
            break;
        }
        /* Shrink the covers of the consumers between them by one item; without any,
         * delay the writer (its earliest skew). */
        bool shrunk = false;
        for (int a = 0; a < n; a++) {
            const PlanAct *pa = &p->act[a];
            if (pa->kind != ACT_EINSUM || pa->skew <= p->act[w].skew || pa->skew > p->act[r].skew)
                continue;
            int64_t used = act_cover(p, a, lat, item_time, cap[a]);
            if (used > 0) {
                cap[a] = used - 1;
                shrunk = true;
            }
        }
        if (!shrunk)
            early[w] = (uint32_t)((int64_t)p->act[r].skew - lim);
    }
    free(cap);
    free(early);
    if (rc) {
        free(pos);
        free(lat);
        return 1;
    }
    free(pos);
    free(lat);
    /* Loads: buffer copies for their consumers' skew spread, plus one to prefetch. */
    p->max_skew = 0;
    p->max_lookback_steps = 0;
    for (int a = 0; a < n; a++) {
        PlanAct *pa = &p->act[a];
        if (pa->skew > p->max_skew)
            p->max_skew = pa->skew;
        for (int q = 0; q < pa->n_deps; q++)
            if (pa->deps[q].kind == DEP_REL && (uint32_t)(-pa->deps[q].dstep) > p->max_lookback_steps)
                p->max_lookback_steps = (uint32_t)(-pa->deps[q].dstep);
        if (pa->kind != ACT_LOAD || pa->n_deps)
            continue;
        uint32_t lo = UINT32_MAX, hi = 0;
        for (int c = 0; c < n; c++)
            for (int q = 0; q < p->act[c].n_deps; q++)
                if (p->act[c].deps[q].prod == a) {
                    lo = p->act[c].skew < lo ? p->act[c].skew : lo;
                    hi = p->act[c].skew > hi ? p->act[c].skew : hi;
                }
        if (lo == UINT32_MAX)
            lo = hi = 0;
        pa->skew = lo;
        uint64_t spread = hi - lo;
        uint64_t per = pa->res == RES_ITEM ? 1 : pa->res == RES_STEP ? nb_min
                     : p->steps * nb_min;
        uint64_t need = 1 + cdiv(spread, per);
        if (pa->res != RES_TILE || p->tile_db)
            need += 1;          /* double-buffered: the next residency loads meanwhile */
        if (need > pa->copies)
            pa->copies = (uint32_t)need;
        if (pa->reloads >= 0) {
            /* A reload of residency q issues in slot q - copies + hi + 1, after the store of
             * the same item a tile back (slot q - items per tile + its skew). */
            int64_t room = (int64_t)(p->steps * nb_min) + hi - p->act[pa->reloads].skew;
            if (room < 1) {
                snprintf(why, n_why, "group %s: tiles of %" PRIu64 " items are too short to "
                         "reload the partial sums of %s", p->gs->name, p->steps * nb_min,
                         in->cascade->tensors[pa->tensor].name);
                return 1;
            }
            if ((int64_t)pa->copies > room)
                pa->copies = (uint32_t)room;
        }
    }
    return 0;
}

int plan_build(const EngineInput *in, int g, PlanOpts o, PlanGroup *p, char *why, size_t n_why)
{
    uint64_t tile = o.tile;
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    const MappingSpec *m = in->mapping;
    const GroupSpec *gs = &m->groups[g];
    memset(p, 0, sizeof *p);
    p->route_rank = -1;
    p->group = g;
    p->gs = gs;
    p->pipelined = gs->pipelined;
    p->spilled = o.spilled;
    p->tile_db = o.tile_db;
    p->bypass = o.bypass;
    p->heads_in_item = c->head_rank >= 0 && engine_reduces_heads(in, g);
    /* The cascade's explicit heads repeat only the groups whose Einsums have them. */
    bool headless = c->head_rank >= 0 && !group_head_ranks(in, g, false);
    p->hgroup = p->heads_in_item || headless ? 1 : engine_head_group(in, g);
    p->bh = smul(in->workload->batch, c->head_rank < 0 ? in->workload->heads
                                      : p->heads_in_item || headless ? 1
                                      : (uint64_t)in->sizes->size[c->head_rank] / p->hgroup);
    p->bytes_per_cycle = engine_dram_bytes_per_cycle(a);
    p->dram_latency = a->levels[0].latency_cycles;
    p->handoff_latency = handoff_latency(a);
    const StorageSpec *buf = plan_buffer(in, gs);
    p->port_words = buf ? engine_port_words(buf, in->workload->dtype_bits) : 0;
    why[0] = 0;

    /* Einsum actors in stage order. */
    bool loops = false;
    for (int s = 0; s < gs->n_stages; s++)
        for (int k = 0; k < gs->stages[s].n_einsums; k++) {
            int e = cascade_find_einsum(c, gs->stages[s].einsums[k]);
            const Einsum *es = &c->einsums[e];
            if (!einsum_computes(es))
                continue;
            const BindingSpec *b = engine_binding_of(m, es->name);
            PlanAct pa = { .kind = ACT_EINSUM, .einsum = e, .tensor = es->out,
                           .unit = unit_index(a, b->unit), .phase = PH_EVERY, .stage = s };
            pa.has_block = false;
            loops |= es->phase == PHASE_LOOP;
            add_act(p, pa);
        }
    /* Block rank: the columns of the first 2D unit the group uses (else any unit's). */
    p->block_rank = -1;
    for (int pass = 0; pass < 2 && p->block_rank < 0; pass++)
        for (int i = 0; i < p->n_act && p->block_rank < 0; i++) {
            const ComputeUnitSpec *u = &a->units[p->act[i].unit];
            const SpatialSpec *sp = engine_spatial_for(m, c->einsums[p->act[i].einsum].name, u->name);
            if (!sp || !sp->cols || (!pass && u->rows <= 1))
                continue;
            /* Blocks split the work into independent items: the rank must index every
             * result of the group (a reduced rank would split a reduction). */
            int r = cascade_find_rank(c, sp->cols);
            bool everywhere = true;
            for (int k = 0; k < p->n_act && everywhere; k++)
                everywhere = tensor_has_rank(c, p->act[k].tensor, r);
            if (everywhere) {
                p->block_rank = r;
                p->block = gs->block ? gs->block : u->cols;
            }
        }
    /* Iterative steps. */
    int it = c->iter_rank;
    p->steps = 1;
    p->chunk = p->chunk_last = 1;
    if (loops && it >= 0) {
        p->steps = (uint64_t)in->sizes->size[it];
        /* A partitioned rank (M1 of M): chunks of its inner rank; a root rank (a
         * recurrence over P itself): one element per step. */
        int inner = c->ranks[it].partner, root = c->ranks[it].parent;
        if (inner >= 0 && root >= 0) {
            p->chunk = (uint64_t)in->sizes->size[inner];
            uint64_t total = (uint64_t)in->sizes->size[root];
            p->chunk_last = total - (p->steps - 1) * p->chunk;
        }
    }
    for (int i = 0; i < p->n_act; i++) {
        EinsumPhase ph = c->einsums[p->act[i].einsum].phase;
        p->act[i].phase = p->steps == 1 ? PH_EVERY : ph == PHASE_PRE ? PH_FIRST
                        : ph == PHASE_POST ? PH_LAST : PH_EVERY;
        p->act[i].has_block = p->block_rank >= 0 && tensor_has_rank(c, p->act[i].tensor, p->block_rank);
    }
    /* Tiles and blocks. */
    p->loop_rank = gs->loop_rank ? cascade_find_rank(c, gs->loop_rank) : -1;
    if (live_route_init(in, p, why, n_why)) {
        plan_free(p);
        return 1;
    }
    uint64_t lsize = p->loop_rank >= 0 ? rank_size(in, p, p->loop_rank) : 1;
    p->tile = p->loop_rank >= 0 ? (tile && tile < lsize ? tile : lsize) : 0;
    p->n_tiles = p->loop_rank >= 0 ? cdiv(lsize, p->tile) : 1;
    p->tile_last = p->loop_rank >= 0 ? lsize - (p->n_tiles - 1) * p->tile : 1;
    uint64_t bsize_full, bsize_last;
    if (p->block_rank < 0) {
        bsize_full = bsize_last = 1;
        p->block = 1;
    } else if (p->block_rank == p->loop_rank) {
        bsize_full = p->tile, bsize_last = p->tile_last;
    } else {
        bsize_full = bsize_last = rank_size(in, p, p->block_rank);
    }
    p->nb_full = cdiv(bsize_full, p->block);
    p->nb_last = cdiv(bsize_last, p->block);
    p->blk_last_full = bsize_full - (p->nb_full - 1) * p->block;
    p->blk_last_last = bsize_last - (p->nb_last - 1) * p->block;
    /* Shared heads: in each step, the blocks of the hgroup query heads of one K/V head
     * follow each other (head-major), so the step's K/V chunk serves all of them. */
    p->nb_full = smul(p->nb_full, p->hgroup);
    p->nb_last = smul(p->nb_last, p->hgroup);
    p->items_per_bh = sadd(smul(smul(p->n_tiles - 1, p->steps), p->nb_full), smul(p->steps, p->nb_last));
    p->items = smul(p->items_per_bh, p->bh);

    /* Dependencies, loads and stores. */
    int n_ein = p->n_act;
    for (int i = 0; i < n_ein; i++) {
        const Einsum *e = &c->einsums[p->act[i].einsum];
        for (int j = 0; j < e->n_nodes; j++) {
            if (e->nodes[j].kind != EX_ACCESS)
                continue;
            int t = e->nodes[j].tensor;
            int src = engine_view_source(c, t);
            int w = c->tensors[src].writer;
            int wa = w >= 0 ? find_act(p, ACT_EINSUM, w) : -1;
            PlanDep d = { 0 };
            bool through_dram = p->spilled && engine_in_names(gs->spill, gs->n_spill, c->tensors[src].name);
            if (wa >= 0 && !through_dram) {
                if (!access_step(c, e, j, &c->einsums[w], &d.dstep, &d.kind))
                    continue;
                if (wa == i && d.dstep >= 0)
                    continue;
                d.prod = wa;
                d.whole = !p->act[wa].has_block;
            } else {
                /* From DRAM: a load of the source tensor, once per residency. */
                const char *name = c->tensors[t].name;
                Residency res = engine_in_names(gs->resident, gs->n_resident, name) ||
                                engine_in_names(gs->resident, gs->n_resident, c->tensors[src].name)
                              ? RES_TILE
                              : engine_in_names(gs->streamed, gs->n_streamed, name) ||
                                engine_in_names(gs->streamed, gs->n_streamed, c->tensors[src].name)
                              ? RES_STEP : RES_ITEM;
                if (p->steps == 1 && res == RES_STEP)
                    res = RES_ITEM;
                int la = -1;
                for (int k = 0; k < p->n_act; k++)
                    if (p->act[k].kind == ACT_LOAD && p->act[k].tensor == t)
                        la = k;
                bool byp = p->bypass && (engine_in_names(gs->bypass, gs->n_bypass, name) ||
                                         engine_in_names(gs->bypass, gs->n_bypass, c->tensors[src].name));
                if (through_dram || byp)
                    res = RES_ITEM;
                if (la < 0) {
                    PlanAct ld = { .kind = ACT_LOAD, .einsum = -1, .tensor = t, .unit = -1,
                                   .res = res, .copies = res == RES_TILE ? 1 : 2 };
                    ld.has_block = p->block_rank >= 0 && tensor_has_rank(c, t, p->block_rank);
                    ld.bypass = byp;
                    la = add_act(p, ld);
                    e = &c->einsums[p->act[i].einsum];
                }
                d.prod = la;
                d.kind = DEP_REL;
                d.dstep = 0;
                d.whole = false;
            }
            PlanAct *pa = &p->act[i];
            bool dup = false;
            for (int q = 0; q < pa->n_deps; q++)
                dup |= pa->deps[q].prod == d.prod && pa->deps[q].dstep == d.dstep &&
                       pa->deps[q].kind == d.kind;
            if (dup)
                continue;
            if (pa->n_deps >= PLAN_MAX_DEPS) {
                snprintf(why, n_why, "group %s: einsum %s reads more than %d tensors", gs->name,
                         e->name, PLAN_MAX_DEPS);
                plan_free(p);
                return 1;
            }
            pa->deps[pa->n_deps++] = d;
        }
    }
    /* Stores: outputs of the cascade and tensors read by other groups. */
    for (int i = 0; i < n_ein; i++) {
        int t = p->act[i].tensor;
        const CascadeTensor *ct = &c->tensors[t];
        bool elsewhere = ct->is_output ||
                         (p->spilled && engine_in_names(gs->spill, gs->n_spill, ct->name));
        for (int k = 0; k < c->n_einsums && !elsewhere; k++) {
            const Einsum *ek = &c->einsums[k];
            int gk = engine_group_of(in, k);
            if (gk == g || gk < 0)
                continue;
            for (int j = 0; j < ek->n_nodes; j++)
                elsewhere |= ek->nodes[j].kind == EX_ACCESS && engine_view_source(c, ek->nodes[j].tensor) == t;
        }
        if (!elsewhere)
            continue;
        PlanAct st = { .kind = ACT_STORE, .einsum = -1, .tensor = t, .unit = -1,
                       .res = engine_in_names(gs->resident, gs->n_resident, ct->name) ? RES_TILE : RES_ITEM,
                       .copies = gs->store_copies ? gs->store_copies : 2,
                       .phase = p->act[i].phase };
        st.has_block = p->act[i].has_block;
        st.bypass = p->bypass && engine_in_names(gs->bypass, gs->n_bypass, ct->name);
        st.deps[0] = (PlanDep){ .prod = i, .kind = DEP_REL };
        st.n_deps = 1;
        int sa = add_act(p, st);
        p->act[i].store = sa;
        /* A spilled tensor is read back by its own load, after its store. */
        for (int k = 0; k < p->n_act; k++)
            if (p->act[k].kind == ACT_LOAD && engine_view_source(c, p->act[k].tensor) == t) {
                p->act[k].deps[0] = (PlanDep){ .prod = sa, .kind = DEP_REL };
                p->act[k].n_deps = 1;
                p->act[k].copies = 1;
            }
    }
    /* A loop over a rank an Einsum reduces (a GEMM's K): from the second tile on, the
     * Einsum continues the partial sums the previous tile stored, loaded back from DRAM
     * (engine_check refuses the cases this does not cover). */
    for (int i = 0; i < n_ein && p->n_tiles > 1; i++) {
        if (!engine_splits_reduction(in, &c->einsums[p->act[i].einsum], p->loop_rank, p->tile))
            continue;
        int sa = p->act[i].store;
        if (sa < 0 || p->steps != 1 || p->nb_full != p->nb_last) {   /* engine_check refuses */
            snprintf(why, n_why, "group %s: the tile %s = %" PRIu64 " splits the reduction of "
                     "%s", gs->name, c->ranks[p->loop_rank].name, p->tile,
                     c->einsums[p->act[i].einsum].name);
            plan_free(p);
            return 1;
        }
        PlanAct ld = { .kind = ACT_LOAD, .einsum = -1, .tensor = p->act[i].tensor, .unit = -1,
                       .res = RES_ITEM, .copies = 1, .has_block = p->act[i].has_block };
        int la = add_act(p, ld);
        p->act[la].reloads = sa;
        PlanAct *pa = &p->act[i];
        if (pa->n_deps >= PLAN_MAX_DEPS) {
            snprintf(why, n_why, "group %s: einsum %s reads more than %d tensors", gs->name,
                     c->einsums[pa->einsum].name, PLAN_MAX_DEPS);
            plan_free(p);
            return 1;
        }
        pa->deps[pa->n_deps++] = (PlanDep){ .prod = la, .kind = DEP_REL };
        pa->reload = la;
        p->has_reload = true;
    }
    for (int i = 0; i < p->n_act; i++) {
        PlanAct *pa = &p->act[i];
        for (int q = 0; q < pa->n_deps; q++) {
            PlanDep *d = &pa->deps[q];
            const PlanAct *pw = &p->act[d->prod];
            d->in_unit = pa->kind == ACT_EINSUM && pw->kind == ACT_EINSUM && pw->unit == pa->unit &&
                         pw->store < 0 && !listed_on_chip(gs, c->tensors[pw->tensor].name);
        }
    }
    if (plan_schedule(in, p, why, n_why) || live_init(in, p, why, n_why)) {
        plan_free(p);
        return 1;
    }
    /* Item loads (and stores) stream through the buffer in slices as their consumer
     * (producer) reads (writes) them. */
    ItemExt xf = { plan_block_ext(p, false, 0), p->chunk, p->tile ? p->tile : p->tile_last };
    for (int ld = 0; ld < p->n_act; ld++) {
        PlanAct *pa = &p->act[ld];
        pa->stream_div = 1;
        if (pa->kind == ACT_STORE && pa->res == RES_ITEM) {
            pa->stream_div = stream_slices(in, p, pa->deps[0].prod, pa->tensor, xf);
            continue;
        }
        if (pa->kind != ACT_LOAD || pa->res != RES_ITEM)
            continue;
        for (int k = 0; k < p->n_act; k++) {
            const PlanAct *pc = &p->act[k];
            bool reads = false;
            for (int q = 0; q < pc->n_deps; q++)
                reads |= pc->deps[q].prod == ld;
            if (!reads || pc->kind != ACT_EINSUM)
                continue;
            uint64_t d = stream_slices(in, p, k, pa->tensor, xf);
            if (d > pa->stream_div)
                pa->stream_div = d;
        }
    }
    return 0;
}

void plan_free(PlanGroup *p)
{
    free(p->act);
    free(p->ord);
    free(p->lcache);
    memset(p, 0, sizeof *p);
}

/* ---- capacity ---------------------------------------------------------------------------- */

static uint64_t bytes_of(const EngineInput *in, uint64_t words)
{
    uint64_t bits = smul(words, in->workload->dtype_bits);
    return bits / 8 + (bits % 8 != 0);
}

/* Does Einsum actor i write its result in place of one of its inputs? An element-wise
 * map (no reduction) whose output has the same dimensions as an input made in this
 * group, which nothing later in the group reads, needs no space of its own (the
 * softmax of FLAT rewrites QK in place: SN, then A). */
static bool in_place(const EngineInput *in, const PlanGroup *p, int i)
{
    const Cascade *c = in->cascade;
    const Einsum *e = &c->einsums[p->act[i].einsum];
    const CascadeTensor *out = &c->tensors[e->out];
    if (e->red != RED_NONE)
        return false;
    for (int j = 0; j < e->n_nodes; j++) {
        if (e->nodes[j].kind != EX_ACCESS)
            continue;
        const CascadeTensor *src = &c->tensors[e->nodes[j].tensor];
        if (src->ndim != out->ndim || memcmp(src->dim_rank, out->dim_rank, sizeof src->dim_rank) ||
            src->recur_dim >= 0 || out->recur_dim >= 0)
            continue;
        int w = -1;
        for (int k = 0; k < p->n_act; k++)
            if (p->act[k].kind == ACT_EINSUM && p->act[k].einsum == src->writer)
                w = k;
        if (w < 0 || p->act[w].store >= 0)
            continue;
        bool later = false;
        for (int k = i + 1; k < p->n_act && !later; k++) {
            if (p->act[k].kind != ACT_EINSUM)
                continue;
            const Einsum *ek = &c->einsums[p->act[k].einsum];
            for (int q = 0; q < ek->n_nodes; q++)
                later |= ek->nodes[q].kind == EX_ACCESS && ek->nodes[q].tensor == e->nodes[j].tensor;
        }
        if (!later)
            return true;
    }
    return false;
}

int plan_capacity(const EngineInput *in, PlanGroup *p, char *why, size_t n_why)
{
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    const GroupSpec *gs = p->gs;
    /* The largest item: a full block of a full tile (or the only tile). */
    ItemExt x = { plan_head_blocks(p, false) > 1 || p->n_tiles > 1 ? p->block : p->blk_last_last,
                  p->chunk, p->tile ? p->tile : p->tile_last };
    if (p->n_tiles == 1)
        x.blk = plan_head_blocks(p, true) > 1 ? p->block : p->blk_last_last;
    const StorageSpec *buf = gs->buffer ? arch_find_level(a, gs->buffer) : NULL;
    if (!buf)
        for (int i = 1; i < a->n_levels && !buf; i++)
            if (a->levels[i].cls == STORE_SRAM)
                buf = &a->levels[i];
    Buf parts = { 0 };
    uint64_t total = 0;
    int listed = 0;
    /* Loads and stores: one residency per copy. */
    for (int i = 0; i < p->n_act; i++) {
        const PlanAct *pa = &p->act[i];
        if (pa->kind == ACT_EINSUM)
            continue;
        if (pa->bypass)
            continue;
        uint64_t copies = pa->kind == ACT_STORE && pa->res == RES_TILE ? 1 : pa->copies;
        uint64_t words = plan_words(in, p, i, x);
        bool through_dram = p->spilled && engine_in_names(gs->spill, gs->n_spill,
                                                   c->tensors[engine_view_source(c, pa->tensor)].name);
        if (pa->stream_div > 1) {
            /* A pass's slice at a time, double-buffered. */
            words = cdiv(words, pa->stream_div);
            copies = 2;
        }
        if (through_dram) {
            /* A spilled tensor streams through the buffer a row at a time. */
            uint64_t row = buf ? buf->width_bits / in->workload->dtype_bits : 1;
            words = words < row ? words : row;
            copies = 2;
        }
        uint64_t b = smul(bytes_of(in, words), copies);
        total = sadd(total, b);
        if (listed++ < 8)
            buf_printf(&parts, "%s%s%s %" PRIu64 " B x%" PRIu64, listed > 1 ? ", " : "",
                       c->tensors[engine_view_source(c, pa->tensor)].name,
                       pa->reloads >= 0 ? " (partial sums read back)" : "", b / copies, copies);
    }
    /* Intermediates the mapping keeps in the buffer: resident ones for a tile, streamed
     * ones for a step (two copies: the step being produced and the one being read). */
    for (int i = 0; i < p->n_act; i++) {
        const PlanAct *pa = &p->act[i];
        if (pa->kind != ACT_EINSUM || pa->store >= 0)
            continue;
        const char *name = c->tensors[pa->tensor].name;
        bool res = engine_in_names(gs->resident, gs->n_resident, name);
        bool str = engine_in_names(gs->streamed, gs->n_streamed, name);
        if ((!res && !str) || in_place(in, p, i))
            continue;
        PlanAct tmp = *pa;
        tmp.res = res ? RES_TILE : (p->steps > 1 ? RES_STEP : RES_ITEM);
        uint64_t copies = res ? 1 : 2;
        uint64_t w = tensor_elems(in, p, pa->tensor, tmp.res, x);
        uint64_t b = smul(bytes_of(in, w), copies);
        total = sadd(total, b);
        if (listed++ < 8)
            buf_printf(&parts, "%s%s %" PRIu64 " B x%" PRIu64, listed > 1 ? ", " : "", name,
                       b / copies, copies);
    }
    if (listed > 8)
        buf_printf(&parts, ", ...");
    p->footprint_bytes = total;
    p->footprint_level = buf ? (int)(buf - a->levels) : -1;
    if (buf && total > buf->size_bytes) {
        if (p->loop_rank >= 0) {
            /* "the tile P = 1024 needs" */
            char head[128];
            snprintf(head, sizeof head, "group %s: the tile %s = %" PRIu64 " needs", gs->name,
                     c->ranks[p->loop_rank].name, p->tile);
            snprintf(why, n_why, "%s %" PRIu64 " bytes in %s (%s), more than its %" PRIu64
                     " bytes", head, total, buf->name, parts.s ? parts.s : "", buf->size_bytes);
        } else {
            snprintf(why, n_why, "group %s needs %" PRIu64 " bytes in %s (%s), more than its %"
                     PRIu64 " bytes", gs->name, total, buf->name, parts.s ? parts.s : "",
                     buf->size_bytes);
        }
        buf_free(&parts);
        return 1;
    }
    buf_free(&parts);
    /* PE registers of each 2D unit: results kept in the array between Einsums, for every
     * item in flight between their producer and their last consumer, plus the
     * double-buffered stationary (or accumulator) register of a pass. */
    for (int u = 0; u < a->n_units; u++) {
        const ComputeUnitSpec *cu = &a->units[u];
        if (cu->rows <= 1 || cu->reg_words == 0)
            continue;
        uint64_t need = 0, worst = 0;
        int worst_t = -1;
        bool used = false;
        for (int i = 0; i < p->n_act; i++) {
            const PlanAct *pa = &p->act[i];
            if (pa->kind != ACT_EINSUM || pa->unit != u)
                continue;
            used = true;
            if (read_off_unit(in, p, pa->tensor, u) || listed_on_chip(gs, c->tensors[pa->tensor].name))
                continue;
            uint32_t last = pa->skew;
            for (int k = 0; k < p->n_act; k++)
                for (int q = 0; q < p->act[k].n_deps; q++)
                    if (p->act[k].deps[q].prod == i && p->act[k].skew > last)
                        last = p->act[k].skew;
            uint64_t per_pe = cdiv(tensor_elems(in, p, pa->tensor, RES_ITEM, x),
                                   (uint64_t)cu->rows * cu->cols);
            uint64_t w = smul(per_pe, (uint64_t)(last - pa->skew) + 1);
            need = sadd(need, w);
            if (w > worst)
                worst = w, worst_t = pa->tensor;
        }
        if (!used)
            continue;
        need = sadd(need, 2);
        if (u < ENGINE_MAX_UNITS)
            p->reg_need[u] = need;
        if (need > cu->reg_words) {
            if (worst_t >= 0)
                snprintf(why, n_why, "group %s: tensor %s needs %" PRIu64 " words per PE in the "
                         "registers of %s (%" PRIu64 " in all with the other live values and the "
                         "double-buffered operand), more than its %u (reg_words); %" PRIu64
                         " bytes needed, %" PRIu64 " available", gs->name,
                         c->tensors[worst_t].name, worst, cu->name, need, cu->reg_words,
                         bytes_of(in, need), bytes_of(in, cu->reg_words));
            else
                snprintf(why, n_why, "group %s: the registers of %s hold %u words per PE; a pass "
                         "needs %" PRIu64, gs->name, cu->name, cu->reg_words, need);
            return 1;
        }
    }
    return 0;
}
