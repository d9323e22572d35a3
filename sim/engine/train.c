/* train.c — the N:M sparse-training engine (model in train.h). */
#include "engine/train.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engineInt.h"
#include "sparse/pe.h"
#include "util/util.h"

const char *const train_pass_name[PASS__COUNT] = { "forward", "backward", "wgrad" };

/* Einsums of the nm-training cascade: the three passes and the two masks. */
static const char *const pass_einsum[PASS__COUNT] = { "Y", "DX", "DW" };
static const char *const mask_einsum[2] = { "WF", "WB" };

bool workload_is_training(const WorkloadSpec *w)
{
    return w && w->kind && strcmp(w->kind, "training") == 0;
}

static const BindingSpec *find_binding(const MappingSpec *m, const char *einsum)
{
    for (int i = 0; i < m->n_bindings; i++)
        if (strcmp(m->bindings[i].einsum, einsum) == 0)
            return &m->bindings[i];
    return NULL;
}

/* The first on-chip SRAM level: the buffer operands are staged in. */
static const StorageSpec *train_buffer(const ArchSpec *a)
{
    for (int i = 1; i < a->n_levels; i++)
        if (a->levels[i].cls == STORE_SRAM)
            return &a->levels[i];
    return NULL;
}

static void need_energy(const ArchSpec *a, const char *cls, const char *action, const char *who,
                        SrcLoc loc, Diag *d)
{
    if (!energy_lookup(&a->energy, cls, action, NULL, NULL))
        diag_error(d, loc.file, loc.line, "%s: energy table %s has no entry for class '%s' "
                   "action '%s' (the training engine counts it)", who, a->energy.name, cls, action);
}

int train_check(const EngineInput *in, Diag *d)
{
    int before = diag_count(d);
    const MappingSpec *m = in->mapping;
    const ArchSpec *a = in->arch;
    const WorkloadSpec *w = in->workload;
    if (!m->training.present)
        diag_error(d, m->loc.file, m->loc.line, "mapping %s: no training group; a training "
                   "workload needs mapping.training (the N:M training dataflow)", m->name);
    const ComputeUnitSpec *unit = NULL;
    const char *first = NULL;
    const char *names[PASS__COUNT + 2] = { pass_einsum[0], pass_einsum[1], pass_einsum[2],
                                           mask_einsum[0], mask_einsum[1] };
    for (int k = 0; k < PASS__COUNT + 2; k++) {
        if (cascade_find_einsum(in->cascade, names[k]) < 0) {
            diag_error(d, m->loc.file, m->loc.line, "mapping %s: cascade %s has no Einsum %s; a "
                       "training workload needs the nm-training cascade (Y, DX, DW, WF, WB)",
                       m->name, in->cascade->name, names[k]);
            continue;
        }
        const BindingSpec *b = find_binding(m, names[k]);
        if (!b) {
            diag_error(d, m->loc.file, m->loc.line, "mapping %s: Einsum %s is not bound",
                       m->name, names[k]);
            continue;
        }
        const ComputeUnitSpec *u = arch_find_unit(a, b->unit);
        if (!u)
            continue;   /* mapping_check reported it */
        if (!unit) {
            unit = u;
            first = names[k];
        } else if (u != unit) {
            diag_error(d, b->loc.file, b->loc.line, "mapping.binding.%s: the training engine runs "
                       "every pass and mask on one unit (%s is on %s)", names[k], first,
                       unit->name);
        }
    }
    if (unit && !unit->sparse.present)
        diag_error(d, unit->loc.file, unit->loc.line, "arch.%s: the training passes are bound to "
                   "it but it has no sparse group (lanes, latencies, accumulators, mask "
                   "generator)", unit->name);
    NMPattern p = { 1, 1, true };
    if (w->nm && nm_parse(w->nm, &p) == 0 && !p.dense && unit && unit->sparse.present) {
        NMRemap rm;
        if (nm_remap(&p, unit->sparse.pat_n, unit->sparse.pat_m, unit->sparse.n_patterns,
                     unit->name, &rm) != 0)
            diag_error(d, w->nm_loc.file, w->nm_loc.line, "workload.nm: %s", rm.reason);
    }
    const StorageSpec *glb = train_buffer(a);
    if (!glb)
        diag_error(d, a->loc.file, a->loc.line, "arch %s: the training engine needs an on-chip "
                   "SRAM buffer level", a->name);
    if (unit && unit->sparse.present) {
        const char *acts[] = { "mac", "mux", "max", "meta_read" };
        for (int k = 0; k < 4; k++)
            need_energy(a, unit->energy_class, acts[k], unit->name, unit->loc, d);
    }
    if (glb) {
        need_energy(a, glb->energy_class, "read", glb->name, glb->loc, d);
        need_energy(a, glb->energy_class, "write", glb->name, glb->loc, d);
    }
    need_energy(a, a->levels[0].energy_class, "read", a->levels[0].name, a->levels[0].loc, d);
    need_energy(a, a->levels[0].energy_class, "write", a->levels[0].name, a->levels[0].loc, d);
    return diag_count(d) - before;
}

/* ---- evaluation ---------------------------------------------------------------------- */

typedef struct {
    const EngineInput *in;
    const ComputeUnitSpec *u;
    const SparseUnitSpec *sp;
    const StorageSpec *dram, *glb;
    NMPattern data;              /* pattern of prunable layers */
    NMRemap rm;                  /* how it runs */
    bool sparse_setting;
    double bytes_per_cycle;      /* DRAM */
    double word_bytes;
    uint32_t word_bits;
    double bits_glb, bits_dram, bits_meta;  /* access widths of the energy entries */
    bool overflow;
    TrainResult *tr;
} TCtx;

static uint64_t tmul(TCtx *x, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (!ck_mul_u64(a, b, &r)) {
        x->overflow = true;
        return 0;
    }
    return r;
}

static uint64_t tadd(TCtx *x, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (!ck_add_u64(a, b, &r)) {
        x->overflow = true;
        return 0;
    }
    return r;
}

/* A non-negative double as a count; a value that does not fit (or is not finite) sets
 * the overflow flag like tmul (casting it would be undefined behaviour). */
static uint64_t tcast(TCtx *x, double v)
{
    if (!(v >= 0 && v < 18446744073709551616.0)) {
        x->overflow = true;
        return 0;
    }
    return (uint64_t)v;
}

static uint64_t cdiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

static uint32_t idx_bits(int m)
{
    uint32_t b = 1;
    while ((1 << b) < m)
        b++;
    return b;
}

/* Access width of an energy entry (0 -> the level's width). */
static double entry_bits(const ArchSpec *a, const char *cls, const char *action, double dflt)
{
    uint32_t bits = 0;
    energy_lookup(&a->energy, cls, action, NULL, &bits);
    return bits ? (double)bits : dflt;
}

/* One pass: a GEMM with R output rows (the weight-side operand), C output columns and
 * reduction K, in dense or sparse mode. `out_words` of the output are written. */
static void run_pass(TCtx *x, uint64_t R, uint64_t C, uint64_t K, bool sparse, TrainPassStat *ps)
{
    const ComputeUnitSpec *u = x->u;
    const SparseUnitSpec *sp = x->sp;
    memset(ps, 0, sizeof *ps);
    ps->sparse = sparse;
    ps->rows = R;
    ps->cols = C;
    ps->red = K;
    uint64_t tr = cdiv(R, u->rows), tc = cdiv(C, u->cols);
    uint64_t S = tmul(x, tr, tc);
    uint64_t beats, slots, issued, a_words, meta_bits = 0, meta_row_bits = 0;
    if (!sparse) {
        beats = cdiv(K, sp->lanes);
        slots = issued = K;
        a_words = tmul(x, R, K);
    } else {
        uint64_t hn = (uint64_t)x->rm.hw_n, hm = (uint64_t)x->rm.hw_m;
        uint64_t n = (uint64_t)x->data.n, m = (uint64_t)x->data.m;
        uint64_t G = cdiv(K, hm);
        uint64_t gpb = umax(1, sp->lanes / hn < sp->window / hm ? sp->lanes / hn : sp->window / hm);
        beats = cdiv(G, gpb);
        slots = tmul(x, G, hn);
        issued = tadd(x, tmul(x, K / m, n), K % m < n ? K % m : n);
        a_words = tmul(x, R, slots);
        meta_row_bits = tmul(x, slots, idx_bits((int)hm));   /* one weight row's indices */
        meta_bits = tmul(x, tmul(x, R, tc), meta_row_bits);   /* streamed once per column tile */
    }
    ps->beats = beats;
    ps->outputs_per_pe = S;
    ps->compute = tmul(x, S, beats);
    ps->meta = cdiv(meta_bits, sp->meta_bits_per_cycle);
    ps->meta_bits = meta_bits;
    ps->macs_issued = tmul(x, tmul(x, R, C), issued);
    ps->macs_dense = tmul(x, tmul(x, R, C), K);

    /* DRAM: the cheapest of three loop orders — the row operand blocked in half the
     * buffer and read once while the column operand is re-read per block; the same with
     * the roles swapped; or no reuse beyond the array (each output tile streams its row
     * and column operand tiles over the reduction). The output is written once;
     * metadata is read once, or once per column tile when it does not fit the metadata
     * buffer. */
    double wb = x->word_bytes;
    uint64_t b_words = tmul(x, K, C), c_words = tmul(x, R, C);
    double half = x->glb->size_bytes / 2.0;
    double blk_a = fmax(1.0, ceil((double)a_words * wb / half));
    double blk_b = fmax(1.0, ceil((double)b_words * wb / half));
    double opt[3][2] = { { (double)a_words, (double)b_words * blk_a },
                         { (double)a_words * blk_b, (double)b_words },
                         { (double)a_words * (double)tc, (double)b_words * (double)tr } };
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (opt[k][0] + opt[k][1] < opt[best][0] + opt[best][1])
            best = k;
    uint64_t a_dram = tcast(x, opt[best][0]), b_dram = tcast(x, opt[best][1]);
    uint64_t layer_meta_bits = tmul(x, R, meta_row_bits);
    uint64_t meta_dram_bits = layer_meta_bits / 8 <= sp->meta_bytes ? layer_meta_bits
                                                                   : tmul(x, layer_meta_bits, tc);
    double dram_read_bytes = ((double)a_dram + (double)b_dram) * wb + (double)meta_dram_bits / 8.0;
    double dram_write_bytes = (double)c_words * wb;
    ps->dram_bytes = tcast(x, ceil(dram_read_bytes + dram_write_bytes));
    ps->memory = tcast(x, ceil((dram_read_bytes + dram_write_bytes) / x->bytes_per_cycle));
    ps->analytic = umax(ps->compute, umax(ps->meta, ps->memory));
    /* Global buffer: filled from DRAM, read into the array edges once per output tile
     * (row operand per column tile, column operand per row tile), output written then
     * read back out to DRAM. */
    ps->a_words = a_words;
    ps->a_dram_words = a_dram;
    ps->b_dram_words = b_dram;
    ps->meta_dram_bits = meta_dram_bits;
    ps->tiles_r = tr;
    ps->tiles_c = tc;
    ps->glb_write_words = tadd(x, tadd(x, a_dram, b_dram), c_words);
    ps->glb_read_words = tadd(x, tadd(x, tmul(x, tc, a_words), tmul(x, tr, b_words)), c_words);

    /* Cycle level: accumulator hazards from the PE timeline, fill/drain, latency. */
    uint64_t il = x->in->mapping->training.interleave;
    uint64_t ie = S < il ? S : il;
    SparsePeTiming tm = { sp->mult_latency, sp->adder_latency, sp->acc_latency };
    SparsePeSummary full, rem = { 0 };
    sparse_pe_timeline(&tm, (uint32_t)ie, beats, NULL, 0, &full);
    if (S % ie)
        sparse_pe_timeline(&tm, (uint32_t)(S % ie), beats, NULL, 0, &rem);
    uint64_t spans = tadd(x, tmul(x, S / ie, full.issue_span), rem.issue_span);
    ps->hazard = spans - ps->compute;
    ps->fill = (uint64_t)u->rows + u->cols - 2 + sp->mult_latency + sp->adder_latency;
    ps->cycle = umax(tadd(x, spans, ps->fill), umax(ps->meta, ps->memory));

    double rc_slots = (double)R * (double)C * (double)slots;
    ps->actions[TA_MAC] = rc_slots;
    ps->actions[TA_MUX] = sparse ? rc_slots : 0;
    ps->actions[TA_META_READ] = (double)meta_bits / x->bits_meta;
    ps->actions[TA_GLB_READ] = (double)ps->glb_read_words * x->word_bits / x->bits_glb +
                               (double)meta_dram_bits / x->bits_glb;
    ps->actions[TA_GLB_WRITE] = (double)ps->glb_write_words * x->word_bits / x->bits_glb +
                                (double)meta_dram_bits / x->bits_glb;
    ps->actions[TA_DRAM_READ] = dram_read_bytes * 8.0 / x->bits_dram;
    ps->actions[TA_DRAM_WRITE] = dram_write_bytes * 8.0 / x->bits_dram;
}

/* One layer instance: its three passes (and their dense references) and the masks. */
static void run_layer(TCtx *x, const TrainLayerSpec *ls, TrainLayerStat *st)
{
    memset(st, 0, sizeof *st);
    st->name = ls->name;
    st->repeat = ls->repeat;
    st->prunable = ls->prunable;
    st->sparse = ls->prunable && x->sparse_setting;
    uint64_t C = tmul(x, ls->n, x->in->workload->batch);
    uint64_t R[PASS__COUNT] = { ls->o, ls->i, ls->o };
    uint64_t Cc[PASS__COUNT] = { C, C, ls->i };
    uint64_t K[PASS__COUNT] = { ls->i, ls->o, C };
    for (int p = 0; p < PASS__COUNT; p++) {
        run_pass(x, R[p], Cc[p], K[p], false, &st->dense_ref[p]);
        if (st->sparse && p != PASS_WG)
            run_pass(x, R[p], Cc[p], K[p], true, &st->pass[p]);
        else
            st->pass[p] = st->dense_ref[p];
    }
    if (st->sparse) {
        uint64_t m = (uint64_t)x->data.m, n = (uint64_t)x->data.n;
        uint64_t gf = tmul(x, ls->o, cdiv(ls->i, m)), gb = tmul(x, ls->i, cdiv(ls->o, m));
        uint64_t tp = x->sp->maskgen_groups_per_cycle;
        st->maskgen_groups = tadd(x, gf, gb);
        st->mask_groups[0] = gf;
        st->mask_groups[1] = gb;
        st->mask_cycles[0] = cdiv(gf, tp);
        st->mask_cycles[1] = cdiv(gb, tp);
        st->maskgen_cycles = tadd(x, st->mask_cycles[0], st->mask_cycles[1]);
        /* Both masks read W; the compressed values and indices are written back. */
        double w_words = (double)ls->o * (double)ls->i;
        double meta = (double)st->maskgen_groups * (double)n * idx_bits((int)m);
        st->maskgen_actions[TA_CMP] = (double)st->maskgen_groups * (double)(m * (m - 1) / 2);
        st->maskgen_actions[TA_GLB_READ] = 2.0 * w_words * x->word_bits / x->bits_glb;
        st->maskgen_actions[TA_GLB_WRITE] =
            ((double)st->maskgen_groups * (double)n * x->word_bits + meta) / x->bits_glb;
    }
    bool ov = x->in->mapping->training.maskgen_overlap;
    uint64_t wa = st->pass[PASS_WG].analytic, wc = st->pass[PASS_WG].cycle;
    st->maskgen_exposed_analytic = !ov ? st->maskgen_cycles
                                       : st->maskgen_cycles > wa ? st->maskgen_cycles - wa : 0;
    st->maskgen_exposed_cycle = !ov ? st->maskgen_cycles
                                    : st->maskgen_cycles > wc ? st->maskgen_cycles - wc : 0;
    st->analytic = st->maskgen_exposed_analytic;
    st->cycle = st->maskgen_exposed_cycle;
    for (int p = 0; p < PASS__COUNT; p++) {
        st->analytic = tadd(x, st->analytic, st->pass[p].analytic);
        st->cycle = tadd(x, st->cycle, st->pass[p].cycle);
    }
}

/* Time of a pass at one level, split into compute (issue [+ hazards + fill]) and the
 * excess of the bandwidth bounds over it (metadata or DRAM, whichever binds). */
static void pass_split(const TrainPassStat *s, bool cyc, double *comp, double *meta, double *mem)
{
    double c = (double)s->compute + (cyc ? (double)(s->hazard + s->fill) : 0);
    double t = (double)(cyc ? s->cycle : s->analytic);
    double exc = t - c;
    *comp = c;
    *meta = s->meta >= s->memory ? exc : 0;
    *mem = exc - *meta;
}

static void attribute(const TCtx *x, bool cyc, TrainAttribution *a)
{
    const TrainResult *tr = x->tr;
    memset(a, 0, sizeof *a);
    double rr = x->sparse_setting ? (double)x->data.n / x->data.m : 1.0;
    a->ideal_ratio = x->sparse_setting ? nm_bdwp_work_ratio(&x->data) : 1.0;
    for (int l = 0; l < tr->n_layers; l++) {
        const TrainLayerStat *ls = &tr->layers[l];
        double rep = (double)ls->repeat, td[PASS__COUNT], sum_d = 0;
        for (int p = 0; p < PASS__COUNT; p++) {
            td[p] = (double)(cyc ? ls->dense_ref[p].cycle : ls->dense_ref[p].analytic);
            sum_d += td[p];
        }
        a->t_dense += rep * sum_d;
        a->t += rep * (double)(cyc ? ls->cycle : ls->analytic);
        if (!ls->sparse) {
            a->dense_layers += rep * (1.0 - a->ideal_ratio) * sum_d;
            continue;
        }
        a->wg_share += rep * (rr * (td[PASS_FWD] + td[PASS_BWD]) + td[PASS_WG] -
                              a->ideal_ratio * sum_d);
        a->maskgen += rep * (double)(cyc ? ls->maskgen_exposed_cycle : ls->maskgen_exposed_analytic);
        for (int p = PASS_FWD; p <= PASS_BWD; p++) {
            const TrainPassStat *s = &ls->pass[p], *d = &ls->dense_ref[p];
            double cs, ms, es, cd, md, ed;
            pass_split(s, cyc, &cs, &ms, &es);
            pass_split(d, cyc, &cd, &md, &ed);
            a->imbalance += rep * ((double)s->compute - rr * (double)d->compute);
            if (cyc) {
                a->hazards += rep * ((double)s->hazard - rr * (double)d->hazard);
                a->fill_drain += rep * ((double)s->fill - rr * (double)d->fill);
            }
            a->metadata += rep * (ms - rr * md);
            a->memory += rep * (es - rr * ed);
        }
    }
}

/* Adds an action to r in the fixed order of the calls. */
static void add_action(EngineResult *r, const char *comp, const char *cls, const char *action,
                       double count)
{
    if (count <= 0)
        return;
    EINSIM_ASSERT(r->n_actions < ENGINE_MAX_ITEMS);
    r->actions[r->n_actions++] = (ActionCount){ comp, cls, action, count };
}

static TrafficStat *add_traffic(EngineResult *r, const char *level, const char *tensor)
{
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

/* Iteration totals into the generic result (einsums, traffic, actions, utilisation). */
static void fill_engine_result(TCtx *x, EngineResult *r, CycleResult *cy, bool cycle_level)
{
    const TrainResult *tr = x->tr;
    const ArchSpec *a = x->in->arch;
    const Cascade *c = x->in->cascade;
    /* Tensors of each pass: row operand, column operand, output. */
    static const char *const tens[PASS__COUNT][3] = { { "W", "X", "Y" }, { "W", "DY", "DX" },
                                                      { "DY", "X", "DW" } };
    double act[TA__COUNT] = { 0 };
    uint64_t mem_bound = 0;
    for (int i = 0; i < c->n_einsums; i++) {
        EinsumStat *e = &r->einsums[r->n_einsums++];
        memset(e, 0, sizeof *e);
        e->name = c->einsums[i].name;
        e->unit = x->u->name;
        e->group = -1;
    }
    /* Fixed row order: DRAM then the buffer, tensors in cascade-input order. */
    const char *order[] = { "W", "X", "DY", "Y", "DX", "DW", "META" };
    for (int lv = 0; lv < 2; lv++)
        for (int k = 0; k < 7; k++)
            add_traffic(r, lv ? x->glb->name : x->dram->name, order[k]);
    for (int l = 0; l < tr->n_layers; l++) {
        const TrainLayerStat *ls = &tr->layers[l];
        uint64_t rep = ls->repeat;
        for (int p = 0; p < PASS__COUNT; p++) {
            const TrainPassStat *s = &ls->pass[p];
            int ei = cascade_find_einsum(c, pass_einsum[p]);
            EinsumStat *e = &r->einsums[ei];
            e->cycles = tadd(x, e->cycles, tmul(x, rep, s->analytic));
            e->ops[OP_MAC] = tadd(x, e->ops[OP_MAC], tmul(x, rep, s->macs_issued));
            e->terms = tadd(x, e->terms, tmul(x, rep, s->macs_dense));
            e->pe_cycles = tadd(x, e->pe_cycles, tmul(x, rep, s->macs_issued / x->sp->lanes));
            if (s->memory > umax(s->compute, s->meta))
                mem_bound = tadd(x, mem_bound, tmul(x, rep, s->analytic));
            for (int k = 0; k < TA__COUNT; k++)
                act[k] += (double)rep * s->actions[k];
            uint64_t out_words = tmul(x, s->rows, s->cols);
            uint64_t md_words = cdiv(s->meta_dram_bits, x->word_bits);
            const char *dn = x->dram->name, *gn = x->glb->name;
            TrafficStat *t = add_traffic(r, dn, tens[p][0]);
            t->reads = tadd(x, t->reads, tmul(x, rep, s->a_dram_words));
            t = add_traffic(r, dn, tens[p][1]);
            t->reads = tadd(x, t->reads, tmul(x, rep, s->b_dram_words));
            t = add_traffic(r, dn, tens[p][2]);
            t->writes = tadd(x, t->writes, tmul(x, rep, out_words));
            t = add_traffic(r, dn, "META");
            t->reads = tadd(x, t->reads, tmul(x, rep, md_words));
            t = add_traffic(r, gn, tens[p][0]);
            t->fills = tadd(x, t->fills, tmul(x, rep, s->a_dram_words));
            t->reads = tadd(x, t->reads, tmul(x, rep, tmul(x, s->tiles_c, s->a_words)));
            t = add_traffic(r, gn, tens[p][1]);
            t->fills = tadd(x, t->fills, tmul(x, rep, s->b_dram_words));
            t->reads = tadd(x, t->reads, tmul(x, rep, tmul(x, s->tiles_r, tmul(x, s->red, s->cols))));
            t = add_traffic(r, gn, tens[p][2]);
            t->writes = tadd(x, t->writes, tmul(x, rep, out_words));
            t->reads = tadd(x, t->reads, tmul(x, rep, out_words));
            t = add_traffic(r, gn, "META");
            t->fills = tadd(x, t->fills, tmul(x, rep, md_words));
            t->reads = tadd(x, t->reads, tmul(x, rep, cdiv(s->meta_bits, x->word_bits)));
        }
        if (ls->sparse) {
            /* Mask generation reads W twice and writes the compressed values and indices. */
            const TrainLayerSpec *lsp = &x->in->workload->layers[l];
            uint64_t w_words = tmul(x, lsp->o, lsp->i);
            uint64_t vals = tmul(x, ls->maskgen_groups, (uint64_t)x->data.n);
            uint64_t meta = cdiv(tmul(x, vals, idx_bits(x->data.m)), x->word_bits);
            TrafficStat *t = add_traffic(r, x->glb->name, "W");
            t->reads = tadd(x, t->reads, tmul(x, rep, 2 * w_words));
            t->writes = tadd(x, t->writes, tmul(x, rep, vals));
            t = add_traffic(r, x->glb->name, "META");
            t->writes = tadd(x, t->writes, tmul(x, rep, meta));
        }
        for (int k = 0; k < TA__COUNT; k++)
            act[k] += (double)rep * ls->maskgen_actions[k];
        if (ls->sparse) {
            for (int mk = 0; mk < 2; mk++) {
                int ei = cascade_find_einsum(c, mask_einsum[mk]);
                EinsumStat *e = &r->einsums[ei];
                uint64_t cmp = (uint64_t)(x->data.m * (x->data.m - 1) / 2);
                e->ops[OP_MAX] = tadd(x, e->ops[OP_MAX],
                                      tmul(x, rep, tmul(x, ls->mask_groups[mk], cmp)));
                e->cycles = tadd(x, e->cycles, tmul(x, rep, ls->mask_cycles[mk]));
            }
        }
    }
    for (int i = 0; i < r->n_traffic; i++) {
        TrafficStat *t = &r->traffic[i];
        t->bytes = tcast(x, ceil((double)(t->reads + t->writes + t->fills) * x->word_bytes));
    }
    /* Capacities only: the training model tracks no footprint and no PE register access. */
    engine_levels_init(a, x->word_bits, false, r);
    const char *uc = x->u->energy_class;
    add_action(r, x->u->name, uc, "mac", act[TA_MAC]);
    add_action(r, x->u->name, uc, "mux", act[TA_MUX]);
    add_action(r, x->u->name, uc, "max", act[TA_CMP]);
    add_action(r, x->u->name, uc, "meta_read", act[TA_META_READ]);
    add_action(r, x->glb->name, x->glb->energy_class, "read", act[TA_GLB_READ]);
    add_action(r, x->glb->name, x->glb->energy_class, "write", act[TA_GLB_WRITE]);
    add_action(r, x->dram->name, x->dram->energy_class, "read", act[TA_DRAM_READ]);
    add_action(r, x->dram->name, x->dram->energy_class, "write", act[TA_DRAM_WRITE]);
    r->dram_bytes = 0;
    for (int l = 0; l < tr->n_layers; l++)
        for (int p = 0; p < PASS__COUNT; p++)
            r->dram_bytes = tadd(x, r->dram_bytes,
                                 tmul(x, tr->layers[l].repeat, tr->layers[l].pass[p].dram_bytes));
    r->cycles = tr->analytic;
    r->seconds = (double)r->cycles / (a->clock_mhz * 1e6);
    r->bound = mem_bound * 2 > r->cycles ? "memory" : "compute";
    r->n_units = a->n_units < 16 ? a->n_units : 16;
    double peak = (double)x->u->rows * x->u->cols * x->sp->lanes;
    for (int u = 0; u < r->n_units; u++) {
        r->unit_name[u] = a->units[u].name;
        bool used = &a->units[u] == x->u;
        r->utilization[u] = used && r->cycles ? (double)tr->macs_issued / (peak * (double)r->cycles) : 0;
        if (cy && cycle_level)
            cy->utilization[u] = used && tr->cycle ? (double)tr->macs_issued / (peak * (double)tr->cycle)
                                                   : 0;
    }
    r->macs_dense_equivalent = tr->macs_dense;
    if (cy && cycle_level) {
        cy->ran = true;
        cy->cycles = tr->cycle;
        cy->seconds = (double)tr->cycle / (a->clock_mhz * 1e6);
        uint64_t gap = tr->cycle - tr->analytic, dep = 0;
        for (int l = 0; l < tr->n_layers; l++)
            for (int p = 0; p < PASS__COUNT; p++) {
                const TrainPassStat *s = &tr->layers[l].pass[p];
                uint64_t g = s->cycle - s->analytic;
                dep = tadd(x, dep, tmul(x, tr->layers[l].repeat, g < s->hazard ? g : s->hazard));
            }
        cy->dependency = dep < gap ? dep : gap;
        cy->fill_drain = gap - cy->dependency;
        cy->bandwidth = 0;
    }
}

void train_run(const EngineInput *in, bool cycle_level, TrainResult *tr, EngineResult *r,
               CycleResult *cy)
{
    memset(tr, 0, sizeof *tr);
    memset(r, 0, sizeof *r);
    if (cy)
        memset(cy, 0, sizeof *cy);
    const ArchSpec *a = in->arch;
    const WorkloadSpec *w = in->workload;
    TCtx x = { .in = in, .tr = tr };
    x.u = arch_find_unit(a, find_binding(in->mapping, "Y")->unit);
    x.sp = &x.u->sparse;
    x.dram = &a->levels[0];
    x.glb = train_buffer(a);
    x.word_bits = w->dtype_bits;
    x.word_bytes = w->dtype_bits / 8.0;
    x.bytes_per_cycle = x.dram->bandwidth_gibps * 1073741824.0 / (a->clock_mhz * 1e6);
    x.bits_glb = entry_bits(a, x.glb->energy_class, "read", x.glb->width_bits);
    x.bits_dram = entry_bits(a, x.dram->energy_class, "read", x.dram->width_bits);
    x.bits_meta = entry_bits(a, x.u->energy_class, "meta_read", 64);
    EINSIM_ASSERT(nm_parse(w->nm, &x.data) == 0);
    x.sparse_setting = !x.data.dense;
    nm_format(&x.data, tr->nm, sizeof tr->nm);
    snprintf(tr->nm_hw, sizeof tr->nm_hw, "dense");
    if (x.sparse_setting) {
        EINSIM_ASSERT(nm_remap(&x.data, x.sp->pat_n, x.sp->pat_m, x.sp->n_patterns, x.u->name,
                               &x.rm) == 0);
        snprintf(tr->nm_hw, sizeof tr->nm_hw, "%d:%d", x.rm.hw_n, x.rm.hw_m);
    }
    tr->unit = x.u->name;
    tr->pes = (uint64_t)x.u->rows * x.u->cols;
    tr->lanes = x.sp->lanes;
    tr->feasible = true;
    r->feasible = true;
    uint32_t il = in->mapping->training.interleave;
    if (il > x.sp->accumulators) {
        snprintf(tr->reason, sizeof tr->reason, "mapping.training.interleave = %u outputs per PE "
                 "but unit %s has %u accumulators per PE (set mapping.training.interleave <= %u)",
                 il, x.u->name, x.sp->accumulators, x.sp->accumulators);
        tr->feasible = r->feasible = false;
        snprintf(r->reason, sizeof r->reason, "%s", tr->reason);
        return;
    }
    tr->layers = xcalloc((size_t)w->n_layers + 1, sizeof *tr->layers);
    for (int l = 0; l < w->n_layers; l++) {
        TrainLayerStat *ls = &tr->layers[tr->n_layers++];
        run_layer(&x, &w->layers[l], ls);
        uint64_t rep = ls->repeat;
        tr->analytic = tadd(&x, tr->analytic, tmul(&x, rep, ls->analytic));
        tr->cycle = tadd(&x, tr->cycle, tmul(&x, rep, ls->cycle));
        tr->maskgen_cycles = tadd(&x, tr->maskgen_cycles, tmul(&x, rep, ls->maskgen_cycles));
        for (int p = 0; p < PASS__COUNT; p++) {
            tr->dense_analytic = tadd(&x, tr->dense_analytic, tmul(&x, rep, ls->dense_ref[p].analytic));
            tr->dense_cycle = tadd(&x, tr->dense_cycle, tmul(&x, rep, ls->dense_ref[p].cycle));
            tr->macs_issued = tadd(&x, tr->macs_issued, tmul(&x, rep, ls->pass[p].macs_issued));
            tr->macs_dense = tadd(&x, tr->macs_dense, tmul(&x, rep, ls->pass[p].macs_dense));
        }
    }
    tr->cycle_ran = cycle_level;
    attribute(&x, false, &tr->attr_analytic);
    attribute(&x, true, &tr->attr_cycle);
    fill_engine_result(&x, r, cy, cycle_level);
    if (x.overflow) {
        tr->feasible = r->feasible = false;
        snprintf(tr->reason, sizeof tr->reason, "counts overflow 64 bits (the workload is too "
                 "large to count exactly)");
        snprintf(r->reason, sizeof r->reason, "%s", tr->reason);
    }
}

void train_result_free(TrainResult *tr)
{
    free(tr->layers);
    tr->layers = NULL;
    tr->n_layers = 0;
}
