/* layers.c — a layer-list workload on the general engine (run.h): each layer binds its
 * rank sizes into the workload's cascade and runs it once; the iteration is the sum over
 * the layers, each `repeat` times. The workload's sparse operands (workload.sparse) take
 * workload.nm on the prunable layers when they give no pattern of their own; the other
 * layers run dense. */
#include "run/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapping/mapping.h"
#include "sparse/nm.h"
#include "util/util.h"

bool workload_is_training(const WorkloadSpec *w)
{
    return w && w->kind && strcmp(w->kind, "training") == 0;
}

/* Layer l of w as a workload of its own (sparse[] is its storage for the sparse
 * operands, w->n_sparse entries). */
static WorkloadSpec layer_workload(const WorkloadSpec *w, int l, SparseOperandSpec *sparse)
{
    const LayerSpec *ls = &w->layers[l];
    WorkloadSpec lw = *w;
    lw.ranks = ls->ranks;
    lw.n_ranks = ls->n_ranks;
    lw.layers = NULL;
    lw.n_layers = 0;
    NMPattern p = { 1, 1, true };
    if (w->nm)
        nm_parse(w->nm, &p);
    lw.sparse = sparse;
    lw.n_sparse = 0;
    for (int k = 0; k < w->n_sparse; k++) {
        SparseOperandSpec sp = w->sparse[k];
        if (sp.m == 0) {
            if (!ls->prunable || p.dense)
                continue;
            sp.n = p.n;
            sp.m = p.m;
            sp.loc = w->nm_loc;   /* errors about the pattern point at workload.nm */
        }
        sparse[lw.n_sparse++] = sp;
    }
    return lw;
}

bool run_prune_keeps_all(const Cascade *c, int e, const WorkloadSpec *w)
{
    if (c->einsums[e].red != RED_PRUNE)
        return false;
    for (int k = 0; k < w->n_sparse; k++)
        if (strcmp(w->sparse[k].tensor, c->tensors[c->einsums[e].out].name) == 0)
            return false;
    return true;
}

/* The cascade c as layer workload lw runs it: c itself, or *copy with its Einsums in
 * *einsums (owned by the caller) where a prune that keeps every value is a copy. */
static const Cascade *layer_cascade(const Cascade *c, const WorkloadSpec *lw, Cascade *copy,
                                    Einsum **einsums)
{
    *einsums = NULL;
    for (int e = 0; e < c->n_einsums; e++) {
        if (!run_prune_keeps_all(c, e, lw))
            continue;
        if (!*einsums) {
            *einsums = xcalloc((size_t)c->n_einsums, sizeof **einsums);
            memcpy(*einsums, c->einsums, (size_t)c->n_einsums * sizeof **einsums);
            *copy = *c;
            copy->einsums = *einsums;
        }
        (*einsums)[e].red = RED_NONE;
        (*einsums)[e].n_red = 0;
    }
    return *einsums ? copy : c;
}

int run_layers_check(const ArchSpec *a, const WorkloadSpec *w, const MappingSpec *m,
                     const Cascade *c, Diag *d)
{
    SparseOperandSpec *sp = xcalloc((size_t)w->n_sparse + 1, sizeof *sp);
    int errs = 0;
    for (int l = 0; l < w->n_layers && errs == 0; l++) {
        WorkloadSpec lw = layer_workload(w, l, sp);
        RankBinding b;
        int before = diag_count(d);
        const LayerSpec *ls = &w->layers[l];
        for (int r = 0; r < c->n_ranks; r++) {
            if (c->ranks[r].kind != RANK_ROOT)
                continue;
            int k = 0;
            while (k < ls->n_ranks && strcmp(ls->ranks[k].name, c->ranks[r].name) != 0)
                k++;
            if (k == ls->n_ranks)
                diag_error(d, ls->loc.file, ls->loc.line, "workload.layers.%s.ranks: no size for "
                           "rank %s of cascade %s", ls->name, c->ranks[r].name, c->name);
        }
        Cascade lc;
        Einsum *le;
        const Cascade *cl = layer_cascade(c, &lw, &lc, &le);
        if (diag_count(d) == before && mapping_check(m, cl, a, &lw, d, &b) == 0) {
            EngineInput in = { a, &lw, m, cl, &b };
            engine_check(&in, d);
        }
        free(le);
        errs += diag_count(d) > before;
    }
    free(sp);
    return errs;
}

/* acc += rep x one, row by row (level, tensor). */
static void add_traffic(TrafficStat *acc, int *n_acc, const TrafficStat *one, int n_one,
                        uint64_t rep, bool *ov)
{
    uint64_t t;
#define ADD(dst, v) (ck_mul_u64((v), rep, &t) && ck_add_u64((dst), t, &(dst)) ? (void)0 : (void)(*ov = true))
    for (int i = 0; i < n_one; i++) {
        const TrafficStat *s = &one[i];
        int k = 0;
        while (k < *n_acc && !(strcmp(acc[k].level, s->level) == 0 &&
                               strcmp(acc[k].tensor, s->tensor) == 0))
            k++;
        if (k == *n_acc) {
            EINSIM_ASSERT(k < ENGINE_MAX_ITEMS);
            acc[(*n_acc)++] = (TrafficStat){ s->level, s->tensor, 0, 0, 0, 0 };
        }
        ADD(acc[k].reads, s->reads);
        ADD(acc[k].writes, s->writes);
        ADD(acc[k].fills, s->fills);
        ADD(acc[k].bytes, s->bytes);
    }
#undef ADD
}

/* acc += rep x one (counts of the same cascade, mapping and architecture). */
static void add_result(EngineResult *acc, const EngineResult *one, uint64_t rep, bool *ov)
{
    uint64_t t;
#define ADD(dst, v) (ck_mul_u64((v), rep, &t) && ck_add_u64((dst), t, &(dst)) ? (void)0 : (void)(*ov = true))
    if (acc->n_einsums == 0) {
        acc->n_einsums = one->n_einsums;
        for (int i = 0; i < one->n_einsums; i++) {
            acc->einsums[i] = one->einsums[i];
            memset(acc->einsums[i].ops, 0, sizeof acc->einsums[i].ops);
            acc->einsums[i].terms = acc->einsums[i].cycles = acc->einsums[i].pe_cycles = 0;
        }
        acc->n_groups = one->n_groups;
        for (int g = 0; g < one->n_groups; g++) {
            acc->groups[g] = one->groups[g];
            acc->groups[g].compute_cycles = acc->groups[g].memory_cycles = 0;
            acc->groups[g].cycles = acc->groups[g].dram_bytes = 0;
            acc->groups[g].tile = acc->groups[g].n_tiles = 0;   /* per layer: not summed */
        }
        acc->n_units = one->n_units;
        for (int u = 0; u < one->n_units; u++)
            acc->unit_name[u] = one->unit_name[u];
    }
    ADD(acc->cycles, one->cycles);
    ADD(acc->dram_bytes, one->dram_bytes);
    uint64_t dense = one->macs_dense_equivalent;
    for (int i = 0; i < one->n_einsums; i++) {
        EinsumStat *a = &acc->einsums[i];
        const EinsumStat *e = &one->einsums[i];
        ADD(a->terms, e->terms);
        ADD(a->cycles, e->cycles);
        ADD(a->pe_cycles, e->pe_cycles);
        for (int o = 0; o < OP__COUNT; o++)
            ADD(a->ops[o], e->ops[o]);
        if (one->macs_dense_equivalent == 0 && !ck_add_u64(dense, e->ops[OP_MAC], &dense))
            *ov = true;
    }
    ADD(acc->macs_dense_equivalent, dense);
    for (int g = 0; g < one->n_groups; g++) {
        GroupStat *a = &acc->groups[g];
        const GroupStat *s = &one->groups[g];
        ADD(a->compute_cycles, s->compute_cycles);
        ADD(a->memory_cycles, s->memory_cycles);
        ADD(a->cycles, s->cycles);
        ADD(a->dram_bytes, s->dram_bytes);
        ADD(a->n_tiles, s->n_tiles);
        a->spilled |= s->spilled;
        a->tile_db |= s->tile_db;
        a->bypass |= s->bypass;
        if (s->footprint_bytes > a->footprint_bytes)
            a->footprint_bytes = s->footprint_bytes;
    }
    add_traffic(acc->traffic, &acc->n_traffic, one->traffic, one->n_traffic, rep, ov);
    add_traffic(acc->reg_traffic, &acc->n_reg_traffic, one->reg_traffic, one->n_reg_traffic,
                rep, ov);
    if (acc->n_levels == 0) {        /* the same architecture: the same levels */
        acc->n_levels = one->n_levels;
        memcpy(acc->levels, one->levels, (size_t)one->n_levels * sizeof one->levels[0]);
    }
    for (int i = 0; i < one->n_levels; i++) {   /* the largest footprint of any layer */
        LevelUse *a = &acc->levels[i];
        const LevelUse *s = &one->levels[i];
        EINSIM_ASSERT(strcmp(a->level, s->level) == 0);
        if (s->used_bytes > a->used_bytes) {
            a->used_bytes = s->used_bytes;
            a->utilization = s->utilization;
        }
        a->tracked |= s->tracked;
    }
    for (int i = 0; i < one->n_actions; i++) {
        const ActionCount *s = &one->actions[i];
        int k = 0;
        while (k < acc->n_actions && !(strcmp(acc->actions[k].component, s->component) == 0 &&
                                       strcmp(acc->actions[k].cls, s->cls) == 0 &&
                                       strcmp(acc->actions[k].action, s->action) == 0))
            k++;
        if (k == acc->n_actions) {
            EINSIM_ASSERT(k < ENGINE_MAX_ITEMS);
            acc->actions[acc->n_actions++] = (ActionCount){ s->component, s->cls, s->action, 0 };
        }
        acc->actions[k].count += (double)rep * s->count;
    }
#undef ADD
}

void run_layers(const RunInputs *ri, bool cycle_level, LayersResult *out)
{
    const WorkloadSpec *w = ri->workload;
    const ArchSpec *a = ri->arch;
    memset(out, 0, sizeof *out);
    out->layers = xcalloc((size_t)w->n_layers + 1, sizeof *out->layers);
    out->sum = xcalloc(1, sizeof *out->sum);
    EngineResult *one = xcalloc(1, sizeof *one);
    SparseOperandSpec *sp = xcalloc((size_t)w->n_sparse + 1, sizeof *sp);
    EngineResult *sum = out->sum;
    sum->feasible = true;
    bool ov = false;
    double busy[ENGINE_MAX_UNITS] = { 0 }, busy_cy[ENGINE_MAX_UNITS] = { 0 };
    CycleResult *cs = &out->cy;
    for (int l = 0; l < w->n_layers; l++) {
        const LayerSpec *ls = &w->layers[l];
        WorkloadSpec lw = layer_workload(w, l, sp);
        RankBinding b;
        Diag d;
        diag_init(&d);
        Cascade lc;
        Einsum *le;
        const Cascade *c = layer_cascade(ri->cascade, &lw, &lc, &le);
        int bad = mapping_check(ri->mapping, c, a, &lw, &d, &b);
        diag_free(&d);
        EINSIM_ASSERT(bad == 0);   /* run_layers_check passed */
        EngineInput in = { a, &lw, ri->mapping, c, &b };
        LayerRun *lr = &out->layers[out->n_layers++];
        lr->name = ls->name;
        lr->repeat = ls->repeat;
        lr->sparse = lw.n_sparse > 0;
        memset(one, 0, sizeof *one);
        engine_analytic(&in, one);
        if (!one->feasible) {
            sum->feasible = false;
            sum->too_large = one->too_large;
            snprintf(sum->reason, sizeof sum->reason, "layer %s: %.400s", ls->name, one->reason);
            free(le);
            break;
        }
        lr->analytic = one->cycles;
        lr->n_groups = one->n_groups < RUN_LAYER_GROUPS ? one->n_groups : RUN_LAYER_GROUPS;
        for (int g = 0; g < lr->n_groups; g++) {
            lr->group_cycles[g] = one->groups[g].cycles;
            lr->group_compute[g] = one->groups[g].compute_cycles;
        }
        for (int i = 0; i < one->n_einsums; i++)
            if (one->einsums[i].group >= 0 && one->einsums[i].group < lr->n_groups)
                lr->group_macs[one->einsums[i].group] += one->einsums[i].ops[OP_MAC];
        CycleResult cy = { 0 };
        if (cycle_level) {
            engine_cycle(&in, one, &cy);
            lr->cycle = cy.cycles;
        }
        add_result(sum, one, ls->repeat, &ov);
        for (int u = 0; u < one->n_units; u++) {
            busy[u] += (double)ls->repeat * one->utilization[u] * (double)one->cycles;
            busy_cy[u] += (double)ls->repeat * cy.utilization[u] * (double)cy.cycles;
        }
        if (cycle_level) {
            uint64_t t;
            uint64_t *dst[] = { &cs->cycles, &cs->fill_drain, &cs->dependency, &cs->bandwidth,
                                &cs->buffer_bandwidth, &cs->steps_total, &cs->steps_simulated };
            uint64_t src[] = { cy.cycles, cy.fill_drain, cy.dependency, cy.bandwidth,
                               cy.buffer_bandwidth, cy.steps_total, cy.steps_simulated };
            for (int k = 0; k < 7; k++)
                if (!ck_mul_u64(src[k], ls->repeat, &t) || !ck_add_u64(*dst[k], t, dst[k]))
                    ov = true;
            cs->ran = l == 0 ? cy.ran : cs->ran && cy.ran;
            cs->overflow |= cy.overflow;
        }
        free(le);
    }
    if (ov) {
        sum->feasible = false;
        sum->too_large = true;
        snprintf(sum->reason, sizeof sum->reason, "counts overflow 64 bits (the workload is "
                 "too large to count exactly)");
    }
    if (sum->feasible) {
        double hz = a->clock_mhz * 1e6;
        sum->seconds = (double)sum->cycles / hz;
        uint64_t mem = 0;
        for (int g = 0; g < sum->n_groups; g++)
            if (sum->groups[g].memory_cycles > sum->groups[g].compute_cycles)
                mem += sum->groups[g].cycles;
        sum->bound = mem * 2 > sum->cycles ? "memory" : "compute";
        for (int u = 0; u < sum->n_units; u++) {
            sum->utilization[u] = sum->cycles ? busy[u] / (double)sum->cycles : 0;
            cs->utilization[u] = cs->cycles ? busy_cy[u] / (double)cs->cycles : 0;
        }
        cs->seconds = (double)cs->cycles / hz;
    }
    free(sp);
    free(one);
}

void run_layers_attribute(const LayersResult *s, const LayersResult *d, const NMPattern *p,
                          bool cyc, LayersAttribution *a)
{
    memset(a, 0, sizeof *a);
    double ideal = p->dense ? 1.0 : nm_bdwp_work_ratio(p);
    double rr = p->dense ? 1.0 : (double)p->n / p->m;
    a->ideal_ratio = ideal;
    for (int l = 0; l < s->n_layers && l < d->n_layers; l++) {
        const LayerRun *ls = &s->layers[l], *ld = &d->layers[l];
        double rep = (double)ls->repeat;
        double ts = (double)(cyc ? ls->cycle : ls->analytic);
        double td = (double)(cyc ? ld->cycle : ld->analytic);
        a->t += rep * ts;
        a->t_dense += rep * td;
        if (!ls->sparse) {
            a->dense_layers += rep * (1.0 - ideal) * td;
            a->imbalance += rep * (ts - td);   /* the same run: 0 */
            continue;
        }
        /* Analytic, per group; what the groups leave of the layer's time is imbalance. */
        double sum_s = 0, sum_d = 0;
        for (int g = 0; g < ls->n_groups && g < ld->n_groups; g++) {
            double sg = (double)ls->group_cycles[g], dg = (double)ld->group_cycles[g];
            double cs = (double)ls->group_compute[g], cd = (double)ld->group_compute[g];
            sum_s += sg;
            sum_d += dg;
            if (dg == 0 && sg > 0) {
                /* Work only the pruned run does: the mask generation (its prune Einsums
                 * keep every value, so do nothing, when the layer is dense). */
                a->maskgen += rep * sg;
            } else if (ls->group_macs[g] < ld->group_macs[g]) {
                a->wg_share += rep * (rr - ideal) * dg;
                a->imbalance += rep * (cs - rr * cd);
                a->memory += rep * ((sg - cs) - rr * (dg - cd));
            } else {
                a->wg_share += rep * (1.0 - ideal) * dg;
                a->imbalance += rep * (sg - dg);
            }
        }
        a->imbalance += rep * (((double)ls->analytic - sum_s) - ideal * ((double)ld->analytic - sum_d));
        if (cyc)
            a->fill_drain += rep * ((double)(ls->cycle - ls->analytic) -
                                    ideal * (double)(ld->cycle - ld->analytic));
    }
}

void layers_result_free(LayersResult *r)
{
    free(r->layers);
    free(r->sum);
    memset(r, 0, sizeof *r);
}
