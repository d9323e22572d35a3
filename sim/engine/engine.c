/* engine.c — the analytic and the cycle level (model in engine.h); their input checks are in
 * check.c. */
#include "engine/engine.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engineInt.h"
#include "engine/nest.h"
#include "util/util.h"

/* ---- evaluation ------------------------------------------------------------------------------ */

typedef struct {
    const EngineInput *in;
    EngineResult *r;
    uint64_t bh;            /* batch × heads (batch alone when the cascade has rank H) */
    int overflow;
    int table_full;
    bool sparse_work;       /* an Einsum runs an N:M-sparse operand */
    uint64_t dense_macs;    /* MACs of every Einsum as if dense */
    const uint64_t *room;   /* overlapped groups: per group, the buffer bytes its tile may
                               take (ov_room); NULL: the whole buffer */
    struct OptLeast *least; /* when set, group_options records its options' least use of
                               each resource there */
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

static void count_action(Ctx *x, const char *comp, const char *cls, const char *action, double n)
{
    EngineResult *r = x->r;
    if (n <= 0)
        return;
    for (int i = 0; i < r->n_actions; i++)
        if (strcmp(r->actions[i].component, comp) == 0 && strcmp(r->actions[i].action, action) == 0) {
            r->actions[i].count += n;
            return;
        }
    if (r->n_actions >= ENGINE_MAX_ITEMS) {
        x->table_full = 1;
        return;
    }
    r->actions[r->n_actions++] = (ActionCount){ comp, cls, action, n };
}

/* Adds n (which may be negative) to an action counted before. */
static void count_adjust(Ctx *x, const char *comp, const char *action, double n)
{
    for (int i = 0; i < x->r->n_actions; i++)
        if (strcmp(x->r->actions[i].component, comp) == 0 && strcmp(x->r->actions[i].action, action) == 0)
            x->r->actions[i].count += n;
}

static TrafficStat *traffic(Ctx *x, const char *level, const char *tensor)
{
    EngineResult *r = x->r;
    for (int i = 0; i < r->n_traffic; i++)
        if (strcmp(r->traffic[i].level, level) == 0 && strcmp(r->traffic[i].tensor, tensor) == 0)
            return &r->traffic[i];
    if (r->n_traffic >= ENGINE_MAX_ITEMS) {
        static TrafficStat sink;
        x->table_full = 1;
        memset(&sink, 0, sizeof sink);
        return &sink;
    }
    TrafficStat *t = &r->traffic[r->n_traffic++];
    memset(t, 0, sizeof *t);
    t->level = level;
    t->tensor = tensor;
    return t;
}

/* PE register accesses of unit u on tensor `name`: the priced action (reg_read for
 * REG_READ, reg_write for the others) and the unit's row of reg_traffic. */
typedef enum { REG_READ, REG_UPDATE, REG_FILL } RegAccess;
static void reg_access(Ctx *x, const ComputeUnitSpec *u, const char *name, RegAccess k, double n)
{
    EngineResult *r = x->r;
    if (n <= 0)
        return;
    count_action(x, u->name, u->energy_class, k == REG_READ ? "reg_read" : "reg_write", n);
    TrafficStat *t = NULL;
    for (int i = 0; i < r->n_reg_traffic && !t; i++)
        if (strcmp(r->reg_traffic[i].level, u->name) == 0 && strcmp(r->reg_traffic[i].tensor, name) == 0)
            t = &r->reg_traffic[i];
    if (!t) {
        if (r->n_reg_traffic >= ENGINE_MAX_ITEMS) {
            x->table_full = 1;
            return;
        }
        t = &r->reg_traffic[r->n_reg_traffic++];
        *t = (TrafficStat){ u->name, name, 0, 0, 0, 0 };
    }
    uint64_t nu = n >= 1.8e19 ? (x->overflow = 1, UINT64_MAX) : (uint64_t)n;
    uint64_t *f = k == REG_READ ? &t->reads : k == REG_UPDATE ? &t->writes : &t->fills;
    *f = add(x, *f, nu);
}

/* The terms Einsum i issues of its `terms` dense ones (all (b, h)): with an N:M-sparse
 * operand, the kept values' (the dense terms they stand for are reported beside them);
 * *sparse says so. */
static uint64_t einsum_issued(Ctx *x, int i, uint64_t terms, bool *sparse)
{
    const EngineInput *in = x->in;
    SparseUse su;
    *sparse = engine_sparse_use(in, i, &su, NULL, 0) == 0 && su.spec;
    if (!*sparse)
        return terms;
    uint64_t ext = (uint64_t)in->sizes->size[su.rank];
    return mul(x, terms / ext, engine_nm_kept(ext, su.spec->n, su.spec->m));
}

/* Useful PE-cycles of `issued` terms: a multi-lane PE does `lanes` MACs per cycle at its
 * peak. */
static uint64_t pe_cycles_of(Ctx *x, const Einsum *e, const ComputeUnitSpec *u,
                             const BindingSpec *b, uint64_t issued)
{
    uint64_t lanes = engine_lanes(e, u);
    uint64_t pc = mul(x, issued, engine_cost_per_term(e, u, b));
    return pc / lanes + (pc % lanes != 0);
}

/* Per-Einsum work (all (b, h)); cycles are filled in from the group plans. */
static void einsum_work(Ctx *x)
{
    const EngineInput *in = x->in;
    const Cascade *c = in->cascade;
    for (int i = 0; i < c->n_einsums; i++) {
        const Einsum *e = &c->einsums[i];
        EinsumStat *st = &x->r->einsums[x->r->n_einsums++];
        memset(st, 0, sizeof *st);
        st->name = e->name;
        st->group = engine_group_of(in, i);
        const BindingSpec *b = engine_binding_of(in->mapping, e->name);
        const ComputeUnitSpec *u = b ? arch_find_unit(in->arch, b->unit) : NULL;
        int r[2 * CASCADE_MAX_DIMS];
        int nr = engine_einsum_ranks(e, r);
        uint64_t terms = x->bh;
        for (int k = 0; k < nr; k++)
            terms = mul(x, terms, (uint64_t)in->sizes->size[r[k]]);
        st->terms = terms;
        st->density = 1.0;
        uint32_t ops[OP__COUNT];
        einsum_unit_ops(e, ops);
        bool sparse;
        uint64_t issued = einsum_issued(x, i, terms, &sparse);
        x->sparse_work |= sparse;
        if (ops[OP_MAC])
            x->dense_macs = add(x, x->dense_macs, mul(x, terms, ops[OP_MAC]));
        for (int o = 0; o < OP__COUNT; o++)
            st->ops[o] = mul(x, issued, ops[o]);
        if (!u || !einsum_computes(e))
            continue;
        st->unit = u->name;
        st->pe_cycles = pe_cycles_of(x, e, u, b, issued);
        if (sparse && issued)
            count_action(x, u->name, u->energy_class, "mux", (double)issued);
        for (int o = 0; o < OP__COUNT; o++) {
            const char *act;
            double per, pj;
            if (st->ops[o] && unit_op_energy(&in->arch->energy, u, (OpKind)o, &act, &per, &pj))
                count_action(x, u->name, u->energy_class, act, (double)st->ops[o] * per);
        }
    }
}

/* Einsum ei ran `share` of its items (masks): its terms, ops, PE-cycles and compute
 * actions count those only. */
static void einsum_scale(Ctx *x, int ei, double share, const char *src)
{
    const EngineInput *in = x->in;
    EinsumStat *st = &x->r->einsums[ei];
    st->density = share;
    st->density_source = src;
    const Einsum *e = &in->cascade->einsums[ei];
    const BindingSpec *b = engine_binding_of(in->mapping, e->name);
    const ComputeUnitSpec *u = b ? arch_find_unit(in->arch, b->unit) : NULL;
    if (share >= 1 || !u)
        return;
    /* An N:M-sparse operand: the live share of the kept values' terms; the dense
     * equivalent and the value muxes follow the same share. */
    uint64_t terms = (uint64_t)floor((double)st->terms * share);
    bool sparse;
    uint64_t full = einsum_issued(x, ei, st->terms, &sparse);
    uint64_t issued = sparse ? (uint64_t)floor((double)full * share) : terms;
    uint32_t ops[OP__COUNT];
    einsum_unit_ops(e, ops);
    if (ops[OP_MAC] && st->terms > terms)
        x->dense_macs -= mul(x, st->terms - terms, ops[OP_MAC]);
    if (sparse && full > issued)
        count_adjust(x, u->name, "mux", -(double)(full - issued));
    for (int o = 0; o < OP__COUNT; o++) {
        uint64_t now = mul(x, issued, ops[o]);
        const char *act;
        double per, pj;
        if (st->ops[o] > now && unit_op_energy(&in->arch->energy, u, (OpKind)o, &act, &per, &pj))
            count_adjust(x, u->name, act, -(double)(st->ops[o] - now) * per);
        st->ops[o] = now;
    }
    st->terms = terms;
    st->pe_cycles = pe_cycles_of(x, e, u, b, issued);
}

/* ---- a group's steady state: the sums over its items ---------------------------------- */

#define MAX_CLASSES 64   /* 3 tile kinds x 3 step kinds x 3 head kinds x 3 block kinds, the
                            first tile apart only with one step (plan_classes) */

typedef struct {
    uint64_t *busy;          /* per unit: cycles held by the group's passes */
    uint64_t *tail;          /* per unit: the largest ivl - lat of its passes */
    double dram_bytes;
    uint64_t port;           /* cycles of the busier buffer port */
    uint64_t compute, memory, cycles; /* compute: the busiest unit or port */
} GroupCost;

static GroupCost gc_new(int n_units)
{
    return (GroupCost){ .busy = xcalloc((size_t)n_units, sizeof(uint64_t)),
                        .tail = xcalloc((size_t)n_units, sizeof(uint64_t)) };
}

static void gc_free(GroupCost *gc)
{
    free(gc->busy);
    free(gc->tail);
}

static double bytes_of(const EngineInput *in, double words)
{
    return ceil(words * (double)in->workload->dtype_bits / 8.0);
}

/* Accesses of unit u's metadata buffer that deliver `words` metadata words (an access
 * is the width its energy entry is priced for). */
static double meta_reads(const EngineInput *in, const ComputeUnitSpec *u, uint64_t words)
{
    double pj;
    uint32_t bits = 0;
    if (!energy_lookup(&in->arch->energy, u->energy_class, "meta_read", &pj, &bits) || bits == 0)
        bits = in->workload->dtype_bits;
    return ceil((double)words * in->workload->dtype_bits / bits);
}

/* Sums group p over its items: unit busy time and DRAM bytes into *gc; with `account`,
 * the Einsums' cycles, traffic rows and storage/register actions into x->r. */
static void group_sums(Ctx *x, const PlanGroup *p, GroupCost *gc, bool account)
{
    const EngineInput *in = x->in;
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    const StorageSpec *buf = plan_buffer(in, p->gs);
    const StorageSpec *stg = plan_staging(a);
    const char *dram = a->levels[0].name;
    ItemClass cls[MAX_CLASSES];
    int nc = plan_classes(p, cls, MAX_CLASSES);
    memset(gc->busy, 0, (size_t)a->n_units * sizeof *gc->busy);
    gc->dram_bytes = 0;
    /* A pass whose issue floor outlasts its results (a tiny pass draining its outputs)
     * may be the unit's last: the bound subtracts that excess once per unit. */
    uint64_t *tail = gc->tail;
    memset(tail, 0, (size_t)a->n_units * sizeof *tail);
    double port[2] = { 0, 0 };     /* words through the buffer's read and write ports */
    /* Unpipelined groups: stages run one after another within an item, so the bound is
     * the sum over stages of each stage's busiest unit. */
    int n_st = p->gs->n_stages;
    uint64_t *stage_u = xcalloc((size_t)n_st * (size_t)a->n_units + 1, sizeof *stage_u);
    double staged = 0;
    double *run_terms = xcalloc((size_t)p->n_act, sizeof *run_terms);
    double *all_terms = xcalloc((size_t)p->n_act, sizeof *all_terms);
    for (int k = 0; k < nc; k++) {
        const ItemClass *ic = &cls[k];
        memset(stage_u, 0, (size_t)n_st * (size_t)a->n_units * sizeof *stage_u);
        for (int i = 0; i < p->n_act; i++) {
            const PlanAct *pa = &p->act[i];
            bool runs = pa->kind == ACT_STORE
                        ? (pa->phase == PH_FIRST ? ic->first_step : pa->phase == PH_LAST ? ic->last_step : true) &&
                          (pa->res != RES_TILE || (ic->last_step && ic->last_block))
                        : plan_runs(p, i, ic);
            if (!runs)
                continue;
            /* Dead items cost nothing: the masked every-step work, its loads and stores
             * run at live items (residency loads at steps / tiles with one); the first and
             * last steps' work (initial and final values) and work that does not depend
             * on the mask run regardless. */
            bool every = pa->phase == PH_EVERY;
            uint64_t cnt = !pa->maskable ? ic->count
                         : pa->kind == ACT_LOAD ? (pa->res == RES_TILE ? ic->live_tiles
                                                   : pa->res == RES_STEP ? ic->live_steps : ic->live)
                         : every && (pa->kind == ACT_EINSUM || pa->res == RES_ITEM) ? ic->live
                         : ic->count;
            if (pa->kind != ACT_EINSUM) {
                uint64_t words = plan_words(in, p, i, ic->x);
                uint64_t meta = plan_meta_words(in, p, i, ic->x);
                gc->dram_bytes += bytes_of(in, (double)words) * (double)cnt;
                if (!account)
                    continue;
                /* An N:M tensor moves as its values and its metadata tensor. */
                const SparseOperandSpec *nm = engine_sparse_of(in, pa->tensor);
                for (int part = 0; part < (nm ? 2 : 1); part++) {
                    const char *name = part ? nm->meta
                                            : c->tensors[engine_view_source(c, pa->tensor)].name;
                    double w = (double)(part ? meta : words - meta) * (double)cnt;
                    TrafficStat *td = traffic(x, dram, name);
                    TrafficStat *tb = buf && !pa->bypass ? traffic(x, buf->name, name) : NULL;
                    uint64_t wu = w >= 1.8e19 ? (x->overflow = 1, UINT64_MAX) : (uint64_t)w;
                    if (pa->kind == ACT_LOAD) {
                        td->reads = add(x, td->reads, wu);
                        if (tb)
                            tb->fills = add(x, tb->fills, wu);
                    } else {
                        td->writes = add(x, td->writes, wu);
                        if (tb)
                            tb->reads = add(x, tb->reads, wu);
                    }
                }
                continue;
            }
            PassShape s = plan_shape(in, p, i, ic->x);
            run_terms[i] += (double)s.terms * (double)cnt;
            all_terms[i] += (double)s.terms * (double)ic->count;
            /* Partial sums continued from the previous tile: read back into the unit. */
            double reread = pa->reload >= 0 && !ic->first_tile
                          ? (double)plan_words(in, p, pa->reload, ic->x) * (double)cnt : 0;
            port[0] += (double)s.rd * (double)cnt + reread;
            port[1] += (double)s.wr * (double)cnt;
            uint64_t held = mul(x, mul(x, s.n, s.ivl), cnt);
            gc->busy[pa->unit] = add(x, gc->busy[pa->unit], held);
            if (pa->stage >= 0 && pa->stage < n_st)
                stage_u[pa->stage * a->n_units + pa->unit] += s.n * s.ivl;
            if (s.ivl > s.lat && s.ivl - s.lat > tail[pa->unit])
                tail[pa->unit] = s.ivl - s.lat;
            if (!account)
                continue;
            EinsumStat *es = &x->r->einsums[pa->einsum];
            es->cycles = add(x, es->cycles, held);
            const ComputeUnitSpec *u = &a->units[pa->unit];
            const Einsum *e = &c->einsums[pa->einsum];
            /* Operands. */
            int seen[CASCADE_MAX_DIMS * 4], n_seen = 0;
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
                /* An initial value only (e.g. RD[0, p]) costs nothing to read. */
                double n = plan_touches(in, p, i, t, ic->x, &s) * (double)cnt;
                int home = plan_home(in, p, t);
                if (home != 3 && home != 1 && plan_forwarded(in, p, i, t))
                    home = 1;
                const char *name = c->tensors[engine_view_source(c, t)].name;
                uint64_t nu = n >= 1.8e19 ? (x->overflow = 1, UINT64_MAX) : (uint64_t)n;
                /* An N:M operand's indices come with its values into the unit. */
                const SparseOperandSpec *nm = engine_sparse_of(in, t);
                uint64_t meta = nm ? plan_meta_of(in, t, n) : 0;
                if (meta && home == 0 && buf) {
                    TrafficStat *tm = traffic(x, buf->name, nm->meta);
                    tm->reads = add(x, tm->reads, meta);
                }
                if (meta && u->sparse.present)
                    count_action(x, u->name, u->energy_class, "meta_read",
                                 meta_reads(in, u, meta));
                if (home == 0 && buf) {
                    TrafficStat *tb = traffic(x, buf->name, name);
                    tb->reads = add(x, tb->reads, nu);
                } else if (home == 2 && stg) {
                    TrafficStat *ts = traffic(x, stg->name, name);
                    ts->reads = add(x, ts->reads, nu);
                } else if (home == 1) {
                    reg_access(x, u, name, REG_READ, n);
                }
            }
            /* The output: written where it lives; a reduction split over passes along
             * the rows writes partial sums and reads them back. */
            int home = plan_home(in, p, e->out);
            double outs = plan_touches(in, p, i, e->out, ic->x, &s) * (double)cnt;
            double psum_reads = s.psum * (double)cnt;
            const char *oname = c->tensors[e->out].name;
            uint64_t ou = outs >= 1.8e19 ? (x->overflow = 1, UINT64_MAX) : (uint64_t)outs;
            uint64_t pu = (uint64_t)psum_reads;
            if (reread > 0 && buf) {   /* loaded into the buffer, read from there */
                TrafficStat *tb = traffic(x, buf->name, oname);
                tb->reads = add(x, tb->reads, reread >= 1.8e19 ? (x->overflow = 1, UINT64_MAX) : (uint64_t)reread);
            }
            if (home == 0 && buf) {
                TrafficStat *tb = traffic(x, buf->name, oname);
                tb->writes = add(x, tb->writes, ou);
                tb->reads = add(x, tb->reads, pu);
            } else if (home == 2 && stg) {
                TrafficStat *ts = traffic(x, stg->name, oname);
                ts->writes = add(x, ts->writes, ou);
            } else if (home == 1 && s.dataflow != DF_OS) {
                reg_access(x, u, oname, REG_UPDATE, outs);
                reg_access(x, u, oname, REG_READ, psum_reads);
            }
            /* The PE register file per term, from the dataflow: an output-stationary
             * result is written back by every term, and read by every term but the
             * first of each output when the Einsum reduces (the accumulator starts
             * from zero: rtl/einsim_array.v takes 0, not the register, at an output's first
             * term); a map rewrites it in place, reading it at every term. A
             * stationary operand is read by every term, after being written (filled)
             * once per pass. */
            double terms = (double)s.terms * (double)cnt;
            if (s.dataflow == DF_OS) {
                bool reduces = terms > outs;
                reg_access(x, u, oname, REG_READ, reduces ? terms - outs : terms);
                reg_access(x, u, oname, REG_UPDATE, terms);
            } else if (s.dataflow == DF_STATIONARY && !plan_reg_bypass(in, p, s.stationary)) {
                const char *sname = c->tensors[engine_view_source(c, s.stationary)].name;
                reg_access(x, u, sname, REG_READ, terms);
                if (plan_home(in, p, s.stationary) != 1)
                    reg_access(x, u, sname, REG_FILL,
                               plan_touches(in, p, i, s.stationary, ic->x, &s) * (double)cnt);
            }
        }
        if (!p->pipelined)
            for (int st = 0; st < n_st; st++) {
                uint64_t mx = 0;
                for (int u = 0; u < a->n_units; u++)
                    mx = stage_u[st * a->n_units + u] > mx ? stage_u[st * a->n_units + u] : mx;
                staged += (double)mx * (double)ic->live;
            }
    }
    /* Routed heads: every Einsum of the group runs the routed elements only. */
    const char *src = p->route_rank >= 0 ? (p->route_given ? "workload.density, routed heads"
                                                           : "routing k/H")
                    : p->data_masked ? "workload.density" : "rules";
    if (account && (p->n_masked || p->route_rank >= 0))
        for (int i = 0; i < p->n_act; i++) {
            bool m = p->act[i].maskable && all_terms[i] > 0;
            if (p->act[i].kind == ACT_EINSUM && (m || p->route_rank >= 0))
                einsum_scale(x, p->act[i].einsum,
                             p->route_share * (m ? run_terms[i] / all_terms[i] : 1), src);
        }
    free(run_terms);
    free(all_terms);
    gc->compute = 0;
    for (int u = 0; u < a->n_units; u++) {
        uint64_t b = gc->busy[u] - (tail[u] < gc->busy[u] ? tail[u] : gc->busy[u]);
        gc->compute = b > gc->compute ? b : gc->compute;
    }
    free(stage_u);
    if (!p->pipelined) {
        uint64_t st = staged < 1.8e19 ? (uint64_t)staged : (x->overflow = 1, UINT64_MAX);
        gc->compute = st > gc->compute ? st : gc->compute;
    }
    /* The buffer's ports are resources too: words over words per cycle. */
    gc->port = 0;
    for (int q = 0; q < 2 && p->port_words; q++) {
        double pc = ceil(port[q] / (double)p->port_words);
        uint64_t cu = pc < 1.8e19 ? (uint64_t)pc : (x->overflow = 1, UINT64_MAX);
        gc->port = cu > gc->port ? cu : gc->port;
    }
    gc->compute = gc->port > gc->compute ? gc->port : gc->compute;
    double mem = engine_dram_cycles(in, gc->dram_bytes);
    if (!(mem < 1.8e19)) {
        x->overflow = 1;
        gc->memory = UINT64_MAX;
    } else {
        gc->memory = (uint64_t)mem;
    }
    gc->cycles = gc->compute > gc->memory ? gc->compute : gc->memory;
}

/* ---- the DRAM-level tile of a group ------------------------------------------------------ */


/* The least each resource is used by any of a group's options (the cycle level may take
 * another option than the analytic level's: a bound over groups that overlap must hold
 * for every choice). */
typedef struct OptLeast {
    uint64_t *unit;          /* per unit: busy cycles less the last pass's tail */
    uint64_t port, cycles;
    double dram_bytes;
    bool any;
} OptLeast;

static void least_add(OptLeast *l, const GroupCost *gc, int n_units)
{
    for (int u = 0; u < n_units; u++) {
        uint64_t b = gc->busy[u] - (gc->tail[u] < gc->busy[u] ? gc->tail[u] : gc->busy[u]);
        l->unit[u] = !l->any || b < l->unit[u] ? b : l->unit[u];
    }
    l->port = !l->any || gc->port < l->port ? gc->port : l->port;
    l->cycles = !l->any || gc->cycles < l->cycles ? gc->cycles : l->cycles;
    l->dram_bytes = !l->any || gc->dram_bytes < l->dram_bytes ? gc->dram_bytes : l->dram_bytes;
    l->any = true;
}

/* The options the engine may choose for a group: its DRAM-level tile (the mapping's, or
 * one of a ladder of the granule times powers of two and the whole rank, the same for
 * every buffer size, so a larger buffer only adds options), the spill tensors in DRAM
 * or not, and tile-resident data double-buffered or not. */
typedef struct {
    PlanOpts o;
    uint64_t cycles;        /* analytic */
    double dram_bytes;
    uint64_t cost;          /* items of a full tile: what the cycle level simulates */
    uint64_t footprint;     /* bytes of the group's buffer it holds */
} GroupOption;

/* Orders options by fewest analytic cycles, then double-buffered tiles (the next tile's
 * data loads while this one computes), then fewest DRAM bytes, then the larger tile. */
static int option_cmp(const void *pa, const void *pb)
{
    const GroupOption *a = pa, *b = pb;
    if (a->cycles != b->cycles)
        return a->cycles < b->cycles ? -1 : 1;
    if (a->o.tile_db != b->o.tile_db)
        return a->o.tile_db ? -1 : 1;
    if (a->dram_bytes != b->dram_bytes)
        return a->dram_bytes < b->dram_bytes ? -1 : 1;
    if (a->o.spilled != b->o.spilled)
        return a->o.spilled ? 1 : -1;
    if (a->o.bypass != b->o.bypass)
        return a->o.bypass ? 1 : -1;
    return a->o.tile > b->o.tile ? -1 : a->o.tile < b->o.tile ? 1 : 0;
}

/* Feasible options of group g, best first (caller frees). Returns their number; 0 with
 * the reason of the smallest non-spilled tile in `why` when nothing fits. */
static int group_options(Ctx *x, int g, GroupOption **out, char *why, size_t n_why)
{
    const EngineInput *in = x->in;
    const GroupSpec *gs = &in->mapping->groups[g];
    uint64_t cand[72];
    int nc = 0;
    if (!gs->loop_rank) {
        cand[nc++] = 0;
    } else {
        uint64_t size = (uint64_t)in->sizes->size[cascade_find_rank(in->cascade, gs->loop_rank)];
        uint64_t gr = gs->loop_granule ? gs->loop_granule : 1;
        if (gs->loop_tile) {
            cand[nc++] = gs->loop_tile < size ? gs->loop_tile : size;
        } else {
            for (uint64_t t = gr; t < size && nc < 70; t *= 2)
                cand[nc++] = t;
            cand[nc++] = size;
        }
    }
    GroupOption *opt = xcalloc((size_t)nc * 8, sizeof *opt);
    int n = 0;
    char why0[512] = "";
    uint64_t crowded = UINT64_MAX;   /* the smallest tile that fits alone but not overlapped */
    GroupCost gc = gc_new(in->arch->n_units);
    for (int spilled = 0; spilled <= (gs->n_spill > 0); spilled++)
        for (int k = 0; k < 2 * nc; k++) {
            PlanOpts o = { cand[k / 2], spilled, k % 2 == 0, true };
            PlanGroup p;
            if (plan_build(in, g, o, &p, why, n_why))
                continue;
            if (plan_capacity(in, &p, why, n_why)) {
                if (!spilled && k == 1)
                    snprintf(why0, sizeof why0, "%s", why);
                plan_free(&p);
                continue;
            }
            if (x->room && p.footprint_bytes > x->room[g]) {
                crowded = p.footprint_bytes < crowded ? p.footprint_bytes : crowded;
                plan_free(&p);
                continue;
            }
            group_sums(x, &p, &gc, false);
            if (x->least)
                least_add(x->least, &gc, in->arch->n_units);
            opt[n++] = (GroupOption){ o, gc.cycles, gc.dram_bytes, p.steps * p.nb_full, p.footprint_bytes };
            plan_free(&p);
        }
    gc_free(&gc);
    if (n == 0 && crowded != UINT64_MAX)
        snprintf(why0, sizeof why0, "mapping.overlap: group %s's smallest tile needs %" PRIu64 " bytes "
                 "of %s; beside the other overlapped groups' smallest tiles there are %" PRIu64,
                 gs->name, crowded, plan_buffer(in, gs)->name, x->room[g]);
    if (why0[0])
        snprintf(why, n_why, "%s", why0);
    qsort(opt, (size_t)n, sizeof *opt, option_cmp);
    *out = opt;
    return n;
}

void engine_levels_init(const ArchSpec *a, uint32_t dtype_bits, bool regs, EngineResult *r)
{
    for (int i = 0; i < a->n_levels && r->n_levels < ENGINE_MAX_ITEMS; i++)
        r->levels[r->n_levels++] = (LevelUse){ a->levels[i].name, false, a->levels[i].size_bytes,
                                               0, false, 0 };
    for (int u = 0; regs && u < a->n_units && r->n_levels < ENGINE_MAX_ITEMS; u++) {
        const ComputeUnitSpec *cu = &a->units[u];
        double bytes = ceil((double)cu->reg_words * cu->rows * cu->cols * dtype_bits / 8.0);
        if (cu->reg_words)
            r->levels[r->n_levels++] = (LevelUse){ cu->name, true, (uint64_t)bytes, 0, false, 0 };
    }
}

/* The footprints of a group's chosen plan: its buffer's bytes and each 2D unit's
 * register words (all its PEs); a level keeps the largest of any group, or their sum
 * when the groups overlap (they hold their tiles at the same time). */
static void level_use_note(Ctx *x, const PlanGroup *p)
{
    const ArchSpec *a = x->in->arch;
    EngineResult *r = x->r;
    for (int i = 0; i < r->n_levels; i++) {
        LevelUse *lu = &r->levels[i];
        uint64_t used;
        if (!lu->regfile) {
            if (p->footprint_level < 0 || strcmp(a->levels[p->footprint_level].name, lu->level) != 0)
                continue;
            used = p->footprint_bytes;
        } else {
            int u = (int)(arch_find_unit(a, lu->level) - a->units);
            if (u >= ENGINE_MAX_UNITS || !p->reg_need[u])
                continue;
            const ComputeUnitSpec *cu = &a->units[u];
            used = (uint64_t)bytes_of(x->in, (double)p->reg_need[u] * cu->rows * cu->cols);
        }
        lu->tracked = true;
        lu->used_bytes = x->in->mapping->overlap ? add(x, lu->used_bytes, used)
                       : used > lu->used_bytes ? used : lu->used_bytes;
        lu->utilization = lu->capacity_bytes ? (double)lu->used_bytes / (double)lu->capacity_bytes : 0;
    }
}

/* Chooses group g's option (the first of group_options) and builds its plan into *best.
 * Returns 0 when nothing fits (infeasible). */
static int choose_plan(Ctx *x, int g, PlanGroup *best, GroupStat *st)
{
    const EngineInput *in = x->in;
    const GroupSpec *gs = &in->mapping->groups[g];
    char why[512] = "";
    GroupOption *opt;
    int n = group_options(x, g, &opt, why, sizeof why);
    if (n == 0) {
        free(opt);
        infeasible(x, "%s%s", why[0] ? why : "group: nothing fits",
                   gs->n_spill ? " (also with the spill tensors in DRAM)" : "");
        return 0;
    }
    int rc = plan_build(in, g, opt[0].o, best, why, sizeof why);
    EINSIM_ASSERT(rc == 0);
    plan_capacity(in, best, why, sizeof why);
    free(opt);
    st->tile = best->tile;
    st->n_tiles = best->loop_rank >= 0 ? best->n_tiles : 0;
    st->spilled = best->spilled;
    st->tile_db = best->tile_db;
    st->bypass = best->bypass;
    st->footprint_bytes = best->footprint_bytes;
    level_use_note(x, best);
    return 1;
}

/* Storage events of one traffic row, as accesses of the energy entry's width. */
static void storage_actions(Ctx *x, const TrafficStat *t)
{
    const ArchSpec *a = x->in->arch;
    const StorageSpec *s = arch_find_level(a, t->level);
    double word_bits = x->in->workload->dtype_bits;
    static const char *const act[2] = { "read", "write" };
    uint64_t words[2] = { t->reads, add(x, t->writes, t->fills) };
    for (int k = 0; k < 2; k++) {
        double pj;
        uint32_t bits = 0;
        energy_lookup_sized(&a->energy, s->energy_class, act[k], s->size_bytes, &pj, &bits);
        if (!bits)
            bits = s->width_bits;
        if (words[k])
            count_action(x, s->name, s->energy_class, act[k], (double)words[k] * word_bits / bits);
    }
}

/* Position of a traffic row's tensor: cascade order, an N:M tensor's metadata right
 * after its values. */
static int traffic_order(const EngineInput *in, const char *name)
{
    for (int i = 0; i < in->workload->n_sparse; i++)
        if (strcmp(in->workload->sparse[i].meta, name) == 0)
            return 2 * cascade_find_tensor(in->cascade, in->workload->sparse[i].tensor) + 1;
    return 2 * cascade_find_tensor(in->cascade, name);
}

/* Rows in a fixed order: storage levels outermost first (units in file order for
 * register rows), tensors in cascade order. */
static void sort_rows(const EngineInput *in, TrafficStat *rows, int n, bool regs)
{
    const ArchSpec *a = in->arch;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            TrafficStat *p0 = &rows[j - 1], *p1 = &rows[j];
            int l0 = regs ? (int)(arch_find_unit(a, p0->level) - a->units)
                          : (int)(arch_find_level(a, p0->level) - a->levels);
            int l1 = regs ? (int)(arch_find_unit(a, p1->level) - a->units)
                          : (int)(arch_find_level(a, p1->level) - a->levels);
            if (l0 < l1 || (l0 == l1 && traffic_order(in, p0->tensor) <= traffic_order(in, p1->tensor)))
                break;
            TrafficStat tmp = *p0;
            *p0 = *p1;
            *p1 = tmp;
        }
}

/* The (batch, head) instances: batch x heads, or the batch alone when the cascade indexes
 * its heads (rank H counts them among its ranks). */
static uint64_t instances(Ctx *x)
{
    const EngineInput *in = x->in;
    return mul(x, in->workload->batch, in->cascade->head_rank >= 0 ? 1 : in->workload->heads);
}

/* ---- groups mapped by a loop nest (nest.c) ---------------------------------------------- */

/* Group g's loop nest into the result: its accesses per level and tensor, its Einsum's
 * cycles, the levels' use, and *cost. Returns false when it does not fit (infeasible). */
static bool nest_group(Ctx *x, int g, GroupStat *st, NestCounts *nc, NestCost *cost)
{
    const EngineInput *in = x->in;
    char why[512];
    if (nest_analyze(in, g, nc, why, sizeof why)) {
        if (nc->overflow)
            x->overflow = 1;
        else
            infeasible(x, "%s", why);
        return false;
    }
    nest_costs(in, nc, x->bh, cost);
    if (cost->overflow)
        x->overflow = 1;
    double bh = (double)x->bh;
    for (int k = 0; k < nc->n_t; k++) {
        const char *name = in->cascade->tensors[nc->tensor[k]].name;
        reg_access(x, nc->unit, name, REG_READ, (double)nc->reads[0][k] * bh);
        reg_access(x, nc->unit, name, REG_UPDATE, (double)nc->updates[0][k] * bh);
        reg_access(x, nc->unit, name, REG_FILL, (double)nc->fills[0][k] * bh);
        for (int l = 1; l < nc->n_lv; l++) {
            if (!nc->reads[l][k] && !nc->updates[l][k] && !nc->fills[l][k])
                continue;
            TrafficStat *t = traffic(x, nc->level[l]->name, name);
            t->reads = add(x, t->reads, mul(x, nc->reads[l][k], x->bh));
            t->writes = add(x, t->writes, mul(x, nc->updates[l][k], x->bh));
            t->fills = add(x, t->fills, mul(x, nc->fills[l][k], x->bh));
        }
    }
    EinsumStat *es = &x->r->einsums[nc->einsum];
    es->cycles = add(x, es->cycles, cost->compute);
    st->compute_cycles = cost->compute > cost->port ? cost->compute : cost->port;
    st->memory_cycles = cost->memory;
    st->cycles = cost->cycles;
    st->dram_bytes = cost->dram_bytes < 1.8e19 ? (uint64_t)ceil(cost->dram_bytes)
                                               : (x->overflow = 1, UINT64_MAX);
    if (nc->n_lv > 2)   /* the on-chip level under DRAM */
        st->footprint_bytes = (uint64_t)bytes_of(in, (double)nc->words[nc->n_lv - 2]);
    for (int i = 0; i < x->r->n_levels; i++) {
        LevelUse *lu = &x->r->levels[i];
        double used = -1;
        for (int l = 0; l < nc->n_lv - 1; l++)
            if (l == 0 ? lu->regfile && strcmp(lu->level, nc->unit->name) == 0
                       : !lu->regfile && strcmp(lu->level, nc->level[l]->name) == 0)
                used = bytes_of(in, (double)nc->words[l] *
                                    (l == 0 ? (double)nc->pes : 1));
        if (used < 0)
            continue;
        lu->tracked = true;
        lu->used_bytes = (uint64_t)used > lu->used_bytes ? (uint64_t)used : lu->used_bytes;
        lu->utilization = lu->capacity_bytes ? (double)lu->used_bytes / (double)lu->capacity_bytes : 0;
    }
    return true;
}

/* ---- overlapped groups ----------------------------------------------------------------- */

/* With `mapping.overlap`, the groups run concurrently, pipelined over the (batch, head)
 * instances: each unit, each buffer's ports and the DRAM channel serve all of them, and
 * the groups' tiles share the buffers. Sums over the groups of what each resource does. */
typedef struct {
    uint64_t *unit;          /* per unit: busy cycles (the groups' passes) */
    uint64_t *port;          /* per storage level: cycles of its busier port */
    uint64_t *held;          /* per storage level: bytes the groups' tiles hold */
    double dram_bytes;
    double chain;            /* the groups' own cycles, one after another */
} OverlapSum;

static OverlapSum ov_new(const ArchSpec *a)
{
    return (OverlapSum){ .unit = xcalloc((size_t)a->n_units, sizeof(uint64_t)),
                         .port = xcalloc((size_t)a->n_levels, sizeof(uint64_t)),
                         .held = xcalloc((size_t)a->n_levels, sizeof(uint64_t)) };
}

static void ov_free(OverlapSum *o)
{
    free(o->unit);
    free(o->port);
    free(o->held);
}

/* Adds group p, whose options use each resource at least as *l says. */
static void ov_add(Ctx *x, OverlapSum *o, const PlanGroup *p, const OptLeast *l)
{
    const ArchSpec *a = x->in->arch;
    for (int u = 0; u < a->n_units; u++)
        o->unit[u] = add(x, o->unit[u], l->unit[u]);
    const StorageSpec *buf = plan_buffer(x->in, p->gs);
    if (buf) {
        int lv = (int)(buf - a->levels);
        o->port[lv] = add(x, o->port[lv], l->port);
        o->held[lv] = add(x, o->held[lv], p->footprint_bytes);
    }
    o->dram_bytes += l->dram_bytes;
    o->chain += (double)l->cycles;
}

/* The overlapped groups' bound: the busiest resource, or one instance's trip through the
 * groups, each group counted with the least its options use (so it bounds the cycle
 * level whichever option that takes); *memory says whether the DRAM channel is that
 * resource. */
static void ov_bound(Ctx *x, const OverlapSum *o, uint64_t *cycles, bool *memory)
{
    const ArchSpec *a = x->in->arch;
    for (int l = 0; l < a->n_levels; l++)    /* ov_room shares the buffers out */
        EINSIM_ASSERT(!a->levels[l].size_bytes || o->held[l] <= a->levels[l].size_bytes);
    uint64_t c = 0;
    for (int u = 0; u < a->n_units; u++)
        c = o->unit[u] > c ? o->unit[u] : c;
    for (int l = 0; l < a->n_levels; l++)
        c = o->port[l] > c ? o->port[l] : c;
    double trip = ceil(o->chain / (double)(x->bh ? x->bh : 1));
    uint64_t t = trip < 1.8e19 ? (uint64_t)trip : (x->overflow = 1, UINT64_MAX);
    c = t > c ? t : c;
    double mem = engine_dram_cycles(x->in, o->dram_bytes);
    uint64_t m = mem < 1.8e19 ? (uint64_t)mem : (x->overflow = 1, UINT64_MAX);
    *memory = m > c;
    *cycles = m > c ? m : c;
}

/* The cycle level of overlapped groups: a software pipeline over the N (batch, head)
 * instances in beats. In beat k, group g works on instance k - g (when that exists), so
 * the beats are N + G - 1. A group's block takes d[g] cycles alone (its schedule over one
 * instance), holds its units (hold[g * n_units + u]) and keeps each shared resource r
 * (the DRAM channel, a level's ports) busy w[g * n_res + r] cycles; inside a beat the
 * blocks share those resources. A beat lasts as long as its busiest unit (the blocks
 * holding it one after another), its busiest shared resource or its longest block. So
 * every unit, port and the channel do at least their work, and an instance crosses the
 * groups in at least the sum of their d: the analytic bound holds. */
static double ov_beat(int lo, int hi, const double *d, const bool *hold, int n_units,
                      const double *w, int n_res)
{
    double len = 0;
    for (int u = 0; u < n_units; u++) {
        double busy = 0;
        for (int g = lo; g <= hi; g++)
            busy += hold[g * n_units + u] ? d[g] : 0;
        len = busy > len ? busy : len;
    }
    for (int r = 0; r < n_res; r++) {
        double busy = 0;
        for (int g = lo; g <= hi; g++)
            busy += w[g * n_res + r];
        len = busy > len ? busy : len;
    }
    for (int g = lo; g <= hi; g++)
        len = d[g] > len ? d[g] : len;
    return len;
}

static double ov_schedule(int G, uint64_t N, const double *d, const bool *hold, int n_units,
                          const double *w, int n_res)
{
    /* The beats with every group (k = G - 1 .. N - 1) are alike: count them once. */
    double t = N >= (uint64_t)G ? (double)(N - (uint64_t)G + 1) * ov_beat(0, G - 1, d, hold, n_units, w, n_res) : 0;
    uint64_t n_beats = N + (uint64_t)G - 1;
    for (uint64_t k = 0; k < n_beats; k++) {
        if (N >= (uint64_t)G && k == (uint64_t)G - 1)
            k = N;   /* past the full beats */
        if (k >= n_beats)
            break;
        int lo = k >= N ? (int)(k - N + 1) : 0;
        int hi = k < (uint64_t)G - 1 ? (int)k : G - 1;
        t += ov_beat(lo, hi, d, hold, n_units, w, n_res);
    }
    return t;
}

/* Overlapped groups hold their tiles at the same time, so they share their buffer: each
 * group gets room for its smallest tile and a part of what those leave in proportion to
 * it (room, per group; UINT64_MAX for a group without a bounded buffer). The parts grow
 * with the buffer, so a larger buffer only adds options to every group. */
static void ov_room(Ctx *x, uint64_t *room)
{
    const EngineInput *in = x->in;
    int G = in->mapping->n_groups;
    uint64_t *least = xcalloc((size_t)G, sizeof *least);
    char why[512];
    GroupOption *opt;
    x->room = NULL;
    for (int g = 0; g < G; g++) {
        int n = group_options(x, g, &opt, why, sizeof why);
        least[g] = n ? UINT64_MAX : 0;
        for (int k = 0; k < n; k++)
            least[g] = opt[k].footprint < least[g] ? opt[k].footprint : least[g];
        free(opt);
    }
    for (int g = 0; g < G; g++) {
        const StorageSpec *buf = plan_buffer(in, &in->mapping->groups[g]);
        room[g] = UINT64_MAX;
        if (!buf || !buf->size_bytes)
            continue;
        uint64_t all = 0;
        for (int h = 0; h < G; h++)
            if (plan_buffer(in, &in->mapping->groups[h]) == buf)
                all = add(x, all, least[h]);
        if (all > buf->size_bytes)   /* what the others' smallest tiles leave, too little */
            room[g] = buf->size_bytes - (all - least[g] < buf->size_bytes ? all - least[g] : buf->size_bytes);
        else
            room[g] = least[g] + (uint64_t)floor((double)(buf->size_bytes - all) * ((double)least[g] / (double)all));
    }
    free(least);
}

void engine_analytic(const EngineInput *in, EngineResult *out)
{
    memset(out, 0, sizeof *out);
    out->feasible = true;
    Ctx x = { in, out, 0, 0, 0, false, 0 };
    x.bh = instances(&x);
    const ArchSpec *a = in->arch;
    einsum_work(&x);
    uint64_t *room = in->mapping->overlap ? xcalloc((size_t)in->mapping->n_groups, sizeof *room) : NULL;
    if (room) {
        ov_room(&x, room);
        x.room = room;
    }
    uint64_t memory_bound_cycles = 0;
    engine_levels_init(a, in->workload->dtype_bits, true, out);
    GroupCost gc = gc_new(a->n_units);
    OverlapSum ov = ov_new(a);
    for (int g = 0; g < in->mapping->n_groups && out->feasible; g++) {
        const GroupSpec *gs = &in->mapping->groups[g];
        if (out->n_groups >= ENGINE_MAX_GROUPS) {
            x.table_full = 1;
            break;
        }
        GroupStat *st = &out->groups[out->n_groups++];
        memset(st, 0, sizeof *st);
        st->name = gs->name;
        if (gs->n_nest) {
            NestCounts nc;
            NestCost cost;
            if (!nest_group(&x, g, st, &nc, &cost))
                break;
            if (cost.memory > st->compute_cycles)
                memory_bound_cycles = add(&x, memory_bound_cycles, st->cycles);
            out->cycles = add(&x, out->cycles, st->cycles);
            out->dram_bytes = add(&x, out->dram_bytes, st->dram_bytes);
            continue;
        }
        PlanGroup p;
        OptLeast least = { .unit = in->mapping->overlap ? xcalloc((size_t)a->n_units, sizeof(uint64_t)) : NULL };
        x.least = least.unit ? &least : NULL;
        bool chosen = choose_plan(&x, g, &p, st);
        x.least = NULL;
        if (!chosen) {
            free(least.unit);
            break;
        }
        group_sums(&x, &p, &gc, true);
        if (in->mapping->overlap)
            ov_add(&x, &ov, &p, &least);
        free(least.unit);
        plan_free(&p);
        st->compute_cycles = gc.compute;
        st->memory_cycles = gc.memory;
        st->cycles = gc.cycles;
        double db = ceil(gc.dram_bytes);
        st->dram_bytes = db < 1.8e19 ? (uint64_t)db : (x.overflow = 1, UINT64_MAX);
        if (st->memory_cycles > st->compute_cycles)
            memory_bound_cycles = add(&x, memory_bound_cycles, st->cycles);
        out->cycles = add(&x, out->cycles, st->cycles);
        out->dram_bytes = add(&x, out->dram_bytes, st->dram_bytes);
    }
    gc_free(&gc);
    bool ov_memory = false;
    if (in->mapping->overlap && out->feasible)
        ov_bound(&x, &ov, &out->cycles, &ov_memory);
    ov_free(&ov);
    free(room);
    if (x.sparse_work)   /* after the groups: masks scale it */
        out->macs_dense_equivalent = x.dense_macs;
    if (x.overflow) {
        infeasible(&x, "workload too large: cycles, counts or bytes overflow 64 bits");
        out->too_large = true;
    }
    if (x.table_full)
        infeasible(&x, "the result has more rows than einsim's tables hold (%d)", ENGINE_MAX_ITEMS);
    sort_rows(in, out->traffic, out->n_traffic, false);
    sort_rows(in, out->reg_traffic, out->n_reg_traffic, true);
    for (int i = 0; i < out->n_traffic; i++) {
        TrafficStat *t = &out->traffic[i];
        uint64_t words = add(&x, add(&x, t->reads, t->writes), t->fills);
        double b = ceil((double)words * in->workload->dtype_bits / 8.0);
        t->bytes = b < 1.8e19 ? (uint64_t)b : UINT64_MAX;
        storage_actions(&x, t);
    }
    out->seconds = (double)out->cycles / (a->clock_mhz * 1e6);
    /* Memory-bound when the groups whose DRAM time exceeds their compute make up more than
     * half of the time (compared without doubling, which could overflow). */
    out->bound = in->mapping->overlap ? (ov_memory ? "memory" : "compute")
               : memory_bound_cycles > out->cycles - memory_bound_cycles ? "memory" : "compute";
    out->n_units = a->n_units < ENGINE_MAX_UNITS ? a->n_units : ENGINE_MAX_UNITS;
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

/* ---- the cycle level ------------------------------------------------------------------------ */

void engine_cycle(const EngineInput *in, const EngineResult *r, CycleResult *out)
{
    memset(out, 0, sizeof *out);
    const ArchSpec *a = in->arch;
    if (!r->feasible)
        return;
    out->ran = true;
    bool overflow = false;
    uint64_t total = 0, dep = 0, bw = 0, port = 0;
    EngineResult *scratch = xcalloc(1, sizeof *scratch);
    Ctx x = { in, scratch, 0, 0, 0 };
    GroupCost gc = gc_new(a->n_units);
    /* Overlapped groups: each group's cycles, units and shared-resource work. */
    bool ov = in->mapping->overlap;
    int n_res = 1 + a->n_levels;   /* the DRAM channel, each level's ports */
    double *ov_d = ov ? xcalloc((size_t)r->n_groups, sizeof *ov_d) : NULL;
    double *ov_w = ov ? xcalloc((size_t)r->n_groups * (size_t)n_res, sizeof *ov_w) : NULL;
    bool *ov_hold = ov ? xcalloc((size_t)r->n_groups * (size_t)a->n_units, sizeof *ov_hold) : NULL;
    uint64_t n_inst = instances(&x);
    uint64_t *room = ov ? xcalloc((size_t)r->n_groups, sizeof *room) : NULL;
    if (room) {
        ov_room(&x, room);
        x.room = room;
    }
    for (int g = 0; g < r->n_groups && !overflow; g++) {
        /* The cycle level takes the option with the fewest cycles (the first in the
         * analytic order among equals). Options are swept cheapest first (fewest items
         * per tile: the simulated prefix before the steady state repeats is shortest),
         * each with the best schedule so far as its cutoff: an option whose analytic
         * bound reaches it is skipped, and a sweep stops as soon as it provably reaches
         * it (SchedLimit), so a larger buffer only adds options. */
        char why[512];
        if (in->mapping->groups[g].n_nest) {
            NestCounts nc;
            NestCost cost;
            int rc = nest_analyze(in, g, &nc, why, sizeof why);
            EINSIM_ASSERT(rc == 0);
            nest_costs(in, &nc, n_inst, &cost);
            uint64_t wait;
            bool of = false;
            uint64_t cyc = nest_cycle(in, &nc, &cost, n_inst, g, &wait, &of);
            if (of || !ck_add_u64(total, cyc, &total)) {
                overflow = true;
                break;
            }
            EINSIM_ASSERT(cyc >= cost.cycles);
            uint64_t gap = cyc - cost.cycles;
            bw += cost.memory > cost.compute ? gap : wait < gap ? wait : gap;
            out->steps_total += nc.iters * n_inst;
            out->steps_simulated += nc.iters * n_inst;
            continue;
        }
        GroupOption *opt;
        int n = group_options(&x, g, &opt, why, sizeof why);
        EINSIM_ASSERT(n > 0);
        int *order = xcalloc((size_t)n, sizeof *order);
        for (int k = 0; k < n; k++)
            order[k] = k;
        /* With a trace, the analytic level's own option only (its events are the plan). */
        int n_try = in->trace ? 1 : n;
        for (int i = 1; i < n_try; i++)           /* stable: by cost, then analytic order */
            for (int j = i; j > 0 && opt[order[j - 1]].cost > opt[order[j]].cost; j--) {
                int t = order[j - 1];
                order[j - 1] = order[j];
                order[j] = t;
            }
        uint64_t best = UINT64_MAX, best_bound = 0;
        int best_k = n;
        SchedOut bs = { 0 };
        bool best_mem = false;
        for (int i = 0; i < n_try; i++) {
            int k = order[i];
            /* To win, option k needs fewer cycles, or as many and an earlier place. */
            uint64_t cutoff = best == UINT64_MAX || k > best_k ? best : best + 1;
            if (opt[k].cycles >= cutoff)
                continue;
            PlanGroup p;
            int rc = plan_build(in, g, opt[k].o, &p, why, sizeof why);
            EINSIM_ASSERT(rc == 0);
            plan_capacity(in, &p, why, sizeof why);
            group_sums(&x, &p, &gc, false);
            SchedLimit lim = { cutoff, gc.busy, gc.tail, gc.dram_bytes };
            SchedOut so;
            bool of = false;
            sched_run(in, &p, x.overflow || in->exhaustive ? NULL : &lim, &so, &of);
            if (!of && !so.pruned && so.cycles < cutoff) {
                EINSIM_ASSERT(so.cycles >= opt[k].cycles);
                best = so.cycles;
                best_k = k;
                bs = so;
                best_bound = opt[k].cycles;
                best_mem = gc.memory > gc.compute;
                if (ov) {
                    ov_d[g] = (double)so.cycles / (double)n_inst;
                    ov_w[g * n_res] = (double)gc.memory / (double)n_inst;
                    const StorageSpec *buf = plan_buffer(in, p.gs);
                    if (buf)
                        ov_w[g * n_res + 1 + (buf - a->levels)] = (double)gc.port / (double)n_inst;
                    for (int u = 0; u < a->n_units; u++)
                        ov_hold[g * a->n_units + u] = gc.busy[u] > 0;
                }
            }
            plan_free(&p);
            if (of) {
                overflow = true;
                break;
            }
        }
        free(order);
        free(opt);
        if (overflow || !ck_add_u64(total, best, &total)) {
            overflow = true;
            break;
        }
        out->steps_total += bs.slots_total;
        out->steps_simulated += bs.slots_simulated;
        /* Attribution of the gap to this option's analytic bound: a memory-bound group's
         * gap is DRAM; otherwise waits for other units' results are dependency stalls,
         * waits for loads bandwidth, and the rest the pipeline's fill and drain. */
        uint64_t gap = best - best_bound;
        if (best_mem) {
            bw += gap;
        } else {
            uint64_t dw = bs.dram_wait < gap ? bs.dram_wait : gap;
            uint64_t pw = bs.port_wait < gap - dw ? bs.port_wait : gap - dw;
            uint64_t uw = bs.unit_wait < gap - dw - pw ? bs.unit_wait : gap - dw - pw;
            bw += dw;
            port += pw;
            dep += uw;
        }
    }
    gc_free(&gc);
    free(scratch);
    if (ov && !overflow && !x.overflow) {
        /* The groups' own stalls are not the total's: its gap to the analytic bound is
         * the DRAM channel's when that bounds it, else the pipeline's fill and drain. */
        double t = ceil(ov_schedule(r->n_groups, n_inst, ov_d, ov_hold, a->n_units, ov_w, n_res));
        /* At least the bound in exact arithmetic; floating rounding may lose a cycle. */
        EINSIM_ASSERT(t + 1 + 1e-9 * t >= (double)r->cycles);
        total = t < (double)r->cycles ? r->cycles : t < 1.8e19 ? (uint64_t)t : (overflow = true, 0);
        dep = port = 0;
        bw = strcmp(r->bound, "memory") == 0 ? total - r->cycles : 0;
    }
    free(ov_d);
    free(ov_w);
    free(ov_hold);
    free(room);
    if (overflow || x.overflow) {
        out->ran = false;
        out->overflow = true;
        return;
    }
    out->cycles = total;
    out->dependency = dep;
    out->bandwidth = bw;
    out->buffer_bandwidth = port;
    /* Each group's option has a bound at least the analytic level's (which minimises
     * it), so cycle - analytic >= dependency + bandwidth; the rest is fill and drain. */
    out->fill_drain = total - r->cycles - dep - bw - port;
    out->seconds = (double)out->cycles / (a->clock_mhz * 1e6);
    for (int u = 0; u < r->n_units; u++)
        out->utilization[u] = out->cycles ? r->utilization[u] * (double)r->cycles / (double)out->cycles : 0;
}
