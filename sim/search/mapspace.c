/* mapspace.c — the mapspace of a mapping template: its dimensions, the cost tables
 * built with the full engine, the lean evaluation of one candidate, and the candidate
 * as a mapping (spec for the engine, text for a file). Model in search.h. */
#include "search/searchInt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy/energy.h"
#include "util/util.h"

/* ---- reasons -------------------------------------------------------------------------- */

static int reason_add(Mapspace *ms, char *text)
{
    for (int i = 0; i < ms->n_reasons; i++)
        if (strcmp(ms->reasons[i], text) == 0) {
            free(text);
            return i;
        }
    ms->reasons = xrealloc(ms->reasons, (size_t)(ms->n_reasons + 1) * sizeof *ms->reasons);
    ms->reasons[ms->n_reasons] = text;
    return ms->n_reasons++;
}

const char *mapspace_reason(const Mapspace *ms, int reason) { return ms->reasons[reason]; }
int mapspace_dims(const Mapspace *ms) { return ms->n_dims; }
uint32_t mapspace_radix(const Mapspace *ms, int d) { return ms->dims[d].radix; }

/* ---- candidate -> mapping spec ---------------------------------------------------------- */

/* Units, stages and tile combination of a choice vector. */
void ms_decode(const Mapspace *ms, const uint32_t *ch, int *unit, int *stage, size_t *combo)
{
    memcpy(unit, ms->base_unit, (size_t)ms->ne * sizeof *unit);
    memcpy(stage, ms->base_stage, (size_t)ms->ne * sizeof *stage);
    size_t cb = 0;
    for (int d = 0; d < ms->n_dims; d++) {
        const MsDim *dm = &ms->dims[d];
        if (dm->kind == DIM_TILE)
            cb += ch[d] * ms->combo_stride[dm->ref];
        else if (dm->kind == DIM_BIND)
            unit[dm->ref] = ms->cand_unit[ch[d]];
        else
            stage[dm->ref] = (int)ch[d];
    }
    *combo = cb;
}

/* Tile option of group g in combination `combo`. */
static int combo_opt(const Mapspace *ms, size_t combo, int g)
{
    return (int)((combo / ms->combo_stride[g]) % (size_t)ms->n_opts[g]);
}

/* Builds the mapping of (unit, stage, combo) into *v, borrowing the template's strings.
 * Within a stage, Einsums are listed in the cascade's evaluation order. A binding that
 * moves to another unit drops the template's per-op cost override (it described the
 * template's unit). */
static void variant_build(const Mapspace *ms, const int *unit, const int *stage, size_t combo,
                          Variant *v)
{
    const MappingSpec *t = ms->in.mapping;
    const Cascade *c = ms->in.cascade;
    v->m = *t;
    v->b = xcalloc((size_t)t->n_bindings + 1, sizeof *v->b);
    for (int i = 0; i < t->n_bindings; i++) {
        v->b[i] = t->bindings[i];
        int e = cascade_find_einsum(c, t->bindings[i].einsum);
        if (unit[e] != ms->base_unit[e]) {
            v->b[i].unit = ms->in.arch->units[unit[e]].name;
            for (int o = 0; o < OP__COUNT; o++)
                v->b[i].cost[o] = -1;
        }
    }
    v->m.bindings = v->b;
    v->g = xcalloc((size_t)t->n_groups + 1, sizeof *v->g);
    int total_stages = 0;
    for (int g = 0; g < t->n_groups; g++)
        total_stages += ms->n_stages[g];
    v->st = xcalloc((size_t)total_stages + 1, sizeof *v->st);
    v->names = xcalloc((size_t)c->n_einsums + 1, sizeof *v->names);
    int ns = 0, nn = 0;
    for (int g = 0; g < t->n_groups; g++) {
        v->g[g] = t->groups[g];
        v->g[g].stages = &v->st[ns];
        v->g[g].n_stages = 0;
        for (int s = 0; s < ms->n_stages[g]; s++) {
            StageSpec *sp = &v->st[ns];
            sp->einsums = &v->names[nn];
            sp->n_einsums = 0;
            sp->loc = t->groups[g].loc;
            for (int k = 0; k < c->n_einsums; k++) {
                int e = c->order[k];
                if (ms->grp[e] == g && ms->base_unit[e] >= 0 && stage[e] == s)
                    v->names[nn++] = c->einsums[e].name, sp->n_einsums++;
            }
            if (sp->n_einsums) {
                ns++;
                v->g[g].n_stages++;
            }
        }
        if (ms->opt_rank[g]) {
            int o = combo_opt(ms, combo, g);
            v->g[g].loop_rank = ms->opt_rank[g][o];
            v->g[g].loop_tile = ms->opt_tile[g][o];
        }
    }
    v->m.groups = v->g;
    v->m.search = NULL;
}

static void variant_free(Variant *v)
{
    free(v->b);
    free(v->g);
    free(v->st);
    free(v->names);
}

/* Runs the full engine and pricing on a variant; returns the total energy (NaN when
 * infeasible). */
static double variant_eval(const Mapspace *ms, const Variant *v, EngineResult *r)
{
    EngineInput in = ms->in;
    in.mapping = &v->m;
    engine_analytic(&in, r);
    if (!r->feasible)
        return NAN;
    EnergyReport *er = xmalloc(sizeof *er);
    energy_price(r, ms->in.arch, er);
    double e = er->total_pj;
    free(er);
    return e;
}

double mapspace_full_eval(const Mapspace *ms, const uint32_t *choice, EngineResult *r)
{
    int unit[MS_MAX_EINSUMS], stage[MS_MAX_EINSUMS];
    size_t combo;
    ms_decode(ms, choice, unit, stage, &combo);
    Variant v;
    variant_build(ms, unit, stage, combo, &v);
    double e = variant_eval(ms, &v, r);
    variant_free(&v);
    return e;
}

/* ---- lean evaluation ------------------------------------------------------------------------ */

int mapspace_eval(const Mapspace *ms, const uint32_t *ch, uint64_t *cycles, double *energy_pj)
{
    int unit[MS_MAX_EINSUMS], stage[MS_MAX_EINSUMS];
    size_t combo;
    ms_decode(ms, ch, unit, stage, &combo);
    const int nau = ms->n_arch_units;
    for (int k = 0; k < ms->n_comp; k++) {
        int e = ms->comp[k];
        int bad = ms->bad[e * nau + unit[e]];
        if (bad >= 0)
            return bad;
    }
    if (ms->combo_reason[combo] >= 0)
        return ms->combo_reason[combo];
    if (ms->n_intra || ms->n_carried) {
        int skew[MS_MAX_EINSUMS] = { 0 };
        for (int i = 0; i < ms->n_intra; i++) {
            const MsEdge *ed = &ms->intra[i];
            int f = ed->from, t = ed->to;
            int need = stage[f] < stage[t] || (stage[f] == stage[t] && unit[f] == unit[t]) ? 0 : 1;
            if (skew[f] + need > skew[t]) {
                skew[t] = skew[f] + need;
                if (skew[t] > ms->max_skew)
                    return ed->reason;
            }
        }
        for (int i = 0; i < ms->n_carried; i++) {
            const MsEdge *ed = &ms->carried[i];
            int f = ed->from, t = ed->to;
            int S = ms->n_stages[ms->grp[f]];
            int lhs = (skew[f] - skew[t] - 1) * S + stage[f];
            if (!(lhs < stage[t] || (lhs == stage[t] && unit[f] == unit[t] &&
                                     ms->pos[f] < ms->pos[t])))
                return ed->reason;
        }
    }
    uint64_t total = 0;
    double energy = ms->combo_energy[combo];
    for (int g = 0; g < ms->n_groups; g++) {
        /* The engine's bound of a group: its busiest unit (stages order the work but
         * do not separate it: a software-pipelined group overlaps them). */
        uint64_t load[MS_MAX_UNITS];
        memset(load, 0, (size_t)nau * sizeof *load);
        for (int k = ms->grp_first[g]; k < ms->grp_first[g + 1]; k++) {
            int e = ms->comp[k];
            load[unit[e]] += ms->cyc[e * nau + unit[e]];
        }
        uint64_t compute = 0;
        for (int u = 0; u < nau; u++)
            compute = load[u] > compute ? load[u] : compute;
        uint64_t mem = ms->combo_mem[combo * (size_t)ms->n_groups + (size_t)g];
        total += compute > mem ? compute : mem;
    }
    for (int k = 0; k < ms->n_comp; k++) {
        int e = ms->comp[k];
        energy += ms->dE[e * nau + unit[e]];
    }
    *cycles = total;
    *energy_pj = energy;
    return -1;
}

/* ---- construction ------------------------------------------------------------------------------- */

static int einsum_has_rank(const Einsum *e, int r)
{
    for (int i = 0; i < e->n_free; i++)
        if (e->free_ranks[i] == r)
            return 1;
    if (e->red != RED_PRUNE)
        for (int i = 0; i < e->n_red; i++)
            if (e->red_ranks[i] == r)
                return 1;
    return 0;
}

/* Why einsum e cannot run on unit u (a reason index), or -1. */
static int unit_reason(Mapspace *ms, int e, int u)
{
    const Cascade *c = ms->in.cascade;
    const ComputeUnitSpec *cu = &ms->in.arch->units[u];
    const Einsum *es = &c->einsums[e];
    uint32_t ops[OP__COUNT];
    einsum_unit_ops(es, ops);
    for (int o = 0; o < OP__COUNT; o++)
        if (ops[o] && cu->op_cycles[o] == 0)
            return reason_add(ms, xasprintf("op unsupported by unit: einsum %s needs '%s', which "
                                            "%s lacks", es->name, op_kind_name[o], cu->name));
    /* The Einsum's own dataflow where its binding gives one for this unit, else the
     * unit's. */
    const MappingSpec *m = ms->in.mapping;
    const SpatialSpec *own = NULL;
    for (int i = 0; i < m->n_bindings; i++)
        if (strcmp(m->bindings[i].einsum, es->name) == 0 && m->bindings[i].has_spatial &&
            strcmp(m->bindings[i].spatial.unit, cu->name) == 0)
            own = &m->bindings[i].spatial;
    for (int i = 0; i < (own ? 1 : m->n_spatial); i++) {
        const SpatialSpec *sp = own ? own : &m->spatial[i];
        if (strcmp(sp->unit, cu->name) != 0)
            continue;
        const char *dims[2] = { sp->rows, sp->cols };
        for (int k = 0; k < 2; k++)
            if (dims[k] && !einsum_has_rank(es, cascade_find_rank(c, dims[k])))
                return reason_add(ms, xasprintf("spatial rank not a rank of the einsum: %s "
                                                "spreads %s over its %s, which einsum %s lacks",
                                                cu->name, dims[k], k ? "cols" : "rows", es->name));
    }
    return -1;
}

static void add_dim(Mapspace *ms, MsDimKind kind, int ref, uint32_t radix)
{
    ms->dims = xrealloc(ms->dims, (size_t)(ms->n_dims + 1) * sizeof *ms->dims);
    ms->dims[ms->n_dims++] = (MsDim){ kind, ref, radix, NULL, 0 };
}

static void add_edge(MsEdge **v, int *n, int from, int to, int reason)
{
    for (int i = 0; i < *n; i++)
        if ((*v)[i].from == from && (*v)[i].to == to)
            return;
    *v = xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
    (*v)[(*n)++] = (MsEdge){ from, to, reason };
}

/* Dependency edges between the checked Einsums of one group (see search.h). */
static void build_edges(Mapspace *ms)
{
    const Cascade *c = ms->in.cascade;
    int iter = c->iter_rank >= 0;
    ms->max_skew = iter ? 1 : 0;
    int checked[MS_MAX_EINSUMS];
    for (int e = 0; e < ms->ne; e++)
        checked[e] = ms->base_unit[e] >= 0 && ms->grp[e] >= 0 &&
                     (!iter || c->einsums[e].phase == PHASE_LOOP);
    for (int k = 0; k < c->n_einsums; k++) {
        int t = c->order[k];
        if (!checked[t])
            continue;
        const Einsum *es = &c->einsums[t];
        for (int j = 0; j < es->n_nodes; j++) {
            const ExprNode *nd = &es->nodes[j];
            if (nd->kind != EX_ACCESS)
                continue;
            const CascadeTensor *ct = &c->tensors[nd->tensor];
            int f = ct->writer;
            if (f < 0 || !checked[f] || ms->grp[f] != ms->grp[t])
                continue;
            int carried = 0;
            if (ct->recur_dim >= 0) {
                const IndexExpr *ix = &nd->idx[ct->recur_dim];
                carried = ix->konst == 0;
            }
            if (f == t)
                continue;
            const char *fn = c->einsums[f].name, *tn = es->name;
            if (carried)
                add_edge(&ms->carried, &ms->n_carried, f, t,
                         reason_add(ms, xasprintf("stage order: %s needs %s of the previous step "
                                                  "(loop-carried), which is not done within one "
                                                  "step", tn, fn)));
            else if (iter)
                add_edge(&ms->intra, &ms->n_intra, f, t,
                         reason_add(ms, xasprintf("stage order: %s needs %s of the same step and "
                                                  "would fall more than one step behind", tn, fn)));
            else
                add_edge(&ms->intra, &ms->n_intra, f, t,
                         reason_add(ms, xasprintf("stage order: %s needs %s but is not in a later "
                                                  "stage (or the same stage on the same unit)",
                                                  tn, fn)));
        }
    }
}

/* Tile options of group g: (rank, tile) for every candidate rank and every multiple of
 * the granule that divides the rank (the whole rank when it is at most the granule). */
static void tile_options(Mapspace *ms, int g)
{
    const SearchSpec *sp = ms->in.mapping->search;
    const GroupSpec *gs = &ms->in.mapping->groups[g];
    const Cascade *c = ms->in.cascade;
    uint64_t gran = sp->tile_granule ? sp->tile_granule : (gs->loop_granule ? gs->loop_granule : 1);
    for (int i = 0; i < sp->n_tile_ranks; i++) {
        int r = cascade_find_rank(c, sp->tile_ranks[i]);
        uint64_t size = (uint64_t)ms->in.sizes->size[r];
        /* As the engine: tiles k * granule for every k dividing size / granule. */
        uint64_t units = size <= gran ? 1 : size / gran;
        uint64_t *ks = NULL;
        int nk = 0;
        for (uint64_t k = 1; k <= units / k; k++) {
            if (units % k)
                continue;
            ks = xrealloc(ks, (size_t)(nk + 2) * sizeof *ks);
            ks[nk++] = k;
            if (k != units / k)
                ks[nk++] = units / k;
            if (nk > MS_MAX_TILE_OPTS)
                break;
        }
        for (int a = 1; a < nk; a++)   /* ascending */
            for (int b = a; b > 0 && ks[b - 1] > ks[b]; b--) {
                uint64_t t = ks[b];
                ks[b] = ks[b - 1];
                ks[b - 1] = t;
            }
        for (int k = 0; k < nk && ms->n_opts[g] <= MS_MAX_TILE_OPTS; k++) {
            ms->opt_rank[g] = xrealloc(ms->opt_rank[g], (size_t)(ms->n_opts[g] + 1) * sizeof(char *));
            ms->opt_tile[g] = xrealloc(ms->opt_tile[g], (size_t)(ms->n_opts[g] + 1) * sizeof(uint64_t));
            ms->opt_rank[g][ms->n_opts[g]] = sp->tile_ranks[i];
            ms->opt_tile[g][ms->n_opts[g]++] = size <= gran ? size : ks[k] * gran;
        }
        free(ks);
    }
}

/* Checks the search group against the cascade and the architecture. */
static int check_search(Mapspace *ms, Diag *d)
{
    const SearchSpec *sp = ms->in.mapping->search;
    const MappingSpec *m = ms->in.mapping;
    const Cascade *c = ms->in.cascade;
    const ArchSpec *a = ms->in.arch;
    int errs0 = diag_count(d);
    if (!sp) {
        diag_error(d, m->loc.file, m->loc.line, "mapping %s: no mapping.search group; a "
                   "template marks its free choices there (tile, binding, order)", m->name);
        return 1;
    }
    if (c->n_einsums > MS_MAX_EINSUMS || a->n_units > MS_MAX_UNITS)
        diag_error(d, m->loc.file, m->loc.line, "mapping %s: the mapper handles at most %d "
                   "einsums and %d units", m->name, MS_MAX_EINSUMS, MS_MAX_UNITS);
    for (int g = 0; g < m->n_groups; g++)
        if (m->groups[g].n_nest)
            diag_error(d, m->groups[g].loc.file, m->groups[g].loc.line, "mapping %s: group %s is "
                       "a loop nest; the mapper does not search loop nests", m->name,
                       m->groups[g].name);
    for (int g = 0; g < m->n_groups; g++)
        if (m->groups[g].n_stages > MS_MAX_STAGES)
            diag_error(d, m->groups[g].loc.file, m->groups[g].loc.line, "mapping.groups.%s: the "
                       "mapper handles at most %d stages per group", m->groups[g].name,
                       MS_MAX_STAGES);
    for (int i = 0; i < sp->n_tile_ranks; i++) {
        int r = cascade_find_rank(c, sp->tile_ranks[i]);
        if (r < 0 || c->ranks[r].kind != RANK_ROOT)
            diag_error(d, sp->tile_loc.file, sp->tile_loc.line, "mapping.search.tile.rank: %s is "
                       "not a root rank of cascade %s", sp->tile_ranks[i], c->name);
    }
    if (sp->tile) {
        int loops = 0;
        for (int g = 0; g < m->n_groups; g++)
            loops += m->groups[g].loop_rank != NULL;
        if (!loops)
            diag_error(d, sp->tile_loc.file, sp->tile_loc.line, "mapping.search.tile: no group "
                       "has a DRAM-level loop (mapping.groups[].loop) to tile");
    }
    for (int i = 0; i < sp->n_units; i++)
        if (!arch_find_unit(a, sp->units[i]))
            diag_error(d, sp->units_loc.file, sp->units_loc.line, "mapping.search.units: unit %s "
                       "is not in architecture %s", sp->units[i], a->name);
    if (diag_count(d) > errs0)
        return 1;
    for (int i = 0; i < m->n_bindings && sp->n_units; i++) {
        int found = 0;
        for (int k = 0; k < sp->n_units; k++)
            found |= strcmp(sp->units[k], m->bindings[i].unit) == 0;
        if (!found)
            diag_error(d, sp->units_loc.file, sp->units_loc.line, "mapping.search.units: must "
                       "include %s, which the template binds %s to", m->bindings[i].unit,
                       m->bindings[i].einsum);
    }
    return diag_count(d) > errs0;
}

int mapspace_new(const EngineInput *in, Diag *d, Mapspace **out)
{
    *out = NULL;
    Mapspace *ms = xcalloc(1, sizeof *ms);
    ms->in = *in;
    if (check_search(ms, d)) {
        mapspace_free(ms);
        return 1;
    }
    const MappingSpec *m = in->mapping;
    const SearchSpec *sp = m->search;
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    int nau = ms->n_arch_units = a->n_units;
    int ne = ms->ne = c->n_einsums;
    ms->n_groups = m->n_groups;
    ms->grp = xcalloc((size_t)ne + 1, sizeof *ms->grp);
    ms->base_unit = xcalloc((size_t)ne + 1, sizeof *ms->base_unit);
    ms->base_stage = xcalloc((size_t)ne + 1, sizeof *ms->base_stage);
    ms->pos = xcalloc((size_t)ne + 1, sizeof *ms->pos);
    for (int k = 0; k < ne; k++)
        ms->pos[c->order[k]] = k;
    for (int e = 0; e < ne; e++) {
        ms->grp[e] = -1;
        ms->base_unit[e] = -1;
    }
    ms->n_stages = xcalloc((size_t)m->n_groups + 1, sizeof *ms->n_stages);
    for (int g = 0; g < m->n_groups; g++) {
        ms->n_stages[g] = m->groups[g].n_stages;
        for (int s = 0; s < m->groups[g].n_stages; s++)
            for (int k = 0; k < m->groups[g].stages[s].n_einsums; k++) {
                int e = cascade_find_einsum(c, m->groups[g].stages[s].einsums[k]);
                ms->grp[e] = g;
                ms->base_stage[e] = s;
            }
    }
    for (int i = 0; i < m->n_bindings; i++) {
        int e = cascade_find_einsum(c, m->bindings[i].einsum);
        if (einsum_computes(&c->einsums[e]))
            ms->base_unit[e] = (int)(arch_find_unit(a, m->bindings[i].unit) - a->units);
    }
    /* Computing, scheduled Einsums, grouped by group, each group in evaluation order. */
    ms->comp = xcalloc((size_t)ne + 1, sizeof *ms->comp);
    ms->grp_first = xcalloc((size_t)m->n_groups + 2, sizeof *ms->grp_first);
    for (int g = 0; g < m->n_groups; g++) {
        ms->grp_first[g] = ms->n_comp;
        for (int k = 0; k < ne; k++) {
            int e = c->order[k];
            if (ms->grp[e] == g && ms->base_unit[e] >= 0)
                ms->comp[ms->n_comp++] = e;
        }
    }
    ms->grp_first[m->n_groups] = ms->n_comp;
    /* Candidate units. */
    ms->cand_unit = xcalloc((size_t)nau + 1, sizeof *ms->cand_unit);
    if (sp->n_units)
        for (int i = 0; i < sp->n_units; i++)
            ms->cand_unit[ms->n_cand++] = (int)(arch_find_unit(a, sp->units[i]) - a->units);
    else
        for (int u = 0; u < nau; u++)
            ms->cand_unit[ms->n_cand++] = u;
    /* Tile options and combinations. */
    ms->n_opts = xcalloc((size_t)m->n_groups + 1, sizeof *ms->n_opts);
    ms->opt_rank = xcalloc((size_t)m->n_groups + 1, sizeof *ms->opt_rank);
    ms->opt_tile = xcalloc((size_t)m->n_groups + 1, sizeof *ms->opt_tile);
    ms->combo_stride = xcalloc((size_t)m->n_groups + 1, sizeof *ms->combo_stride);
    ms->n_combos = 1;
    for (int g = 0; g < m->n_groups; g++) {
        if (sp->tile && m->groups[g].loop_rank)
            tile_options(ms, g);
        if (ms->n_opts[g] > MS_MAX_TILE_OPTS) {
            diag_error(d, sp->tile_loc.file, sp->tile_loc.line, "mapping.search.tile: group %s "
                       "has more than %d tile options; give a coarser granule",
                       m->groups[g].name, MS_MAX_TILE_OPTS);
            mapspace_free(ms);
            return 1;
        }
        if (ms->n_combos * (size_t)(ms->n_opts[g] ? ms->n_opts[g] : 1) > MS_MAX_COMBOS) {
            diag_error(d, sp->tile_loc.file, sp->tile_loc.line, "mapping.search.tile: more than "
                       "%d tile combinations over the groups; give a coarser granule", MS_MAX_COMBOS);
            mapspace_free(ms);
            return 1;
        }
        if (ms->n_opts[g] == 0)
            ms->n_opts[g] = 1;   /* the group's loop as written */
        ms->combo_stride[g] = ms->n_combos;
        ms->n_combos *= (size_t)ms->n_opts[g];
    }
    /* Dimensions: tiles, then bindings, then stages (a fixed order). */
    for (int g = 0; g < m->n_groups; g++)
        if (ms->opt_rank[g] && ms->n_opts[g] > 1)
            add_dim(ms, DIM_TILE, g, (uint32_t)ms->n_opts[g]);
    for (int i = 0; i < sp->n_binding; i++) {
        int e = cascade_find_einsum(c, sp->binding[i]);
        if (e >= 0 && ms->base_unit[e] >= 0 && ms->grp[e] >= 0 && ms->n_cand > 1)
            add_dim(ms, DIM_BIND, e, (uint32_t)ms->n_cand);
    }
    if (sp->order)
        for (int k = 0; k < ms->n_comp; k++)
            if (ms->n_stages[ms->grp[ms->comp[k]]] > 1)
                add_dim(ms, DIM_STAGE, ms->comp[k], (uint32_t)ms->n_stages[ms->grp[ms->comp[k]]]);
    if (ms->n_dims == 0) {
        diag_error(d, sp->loc.file, sp->loc.line, "mapping.search: the template leaves no choice "
                   "with more than one option");
        mapspace_free(ms);
        return 1;
    }
    ms->space_size = 1;
    for (int i = 0; i < ms->n_dims; i++)
        ms->space_size *= ms->dims[i].radix;
    /* Cost tables: every tile combination with the template's binding, then every
     * (Einsum, unit) with the first feasible combination. */
    EngineResult *r = xmalloc(sizeof *r);
    ms->combo_reason = xcalloc(ms->n_combos, sizeof *ms->combo_reason);
    ms->combo_mem = xcalloc(ms->n_combos * (size_t)m->n_groups + 1, sizeof *ms->combo_mem);
    ms->combo_energy = xcalloc(ms->n_combos, sizeof *ms->combo_energy);
    size_t ref = SIZE_MAX;
    Variant v;
    for (size_t cb = 0; cb < ms->n_combos; cb++) {
        variant_build(ms, ms->base_unit, ms->base_stage, cb, &v);
        double e = variant_eval(ms, &v, r);
        variant_free(&v);
        ms->combo_reason[cb] = -1;
        if (!r->feasible) {
            const GroupStat *gst = r->n_groups ? &r->groups[r->n_groups - 1] : NULL;
            const GroupSpec *gs = gst ? &m->groups[r->n_groups - 1] : NULL;
            ms->combo_reason[cb] = gs && gs->buffer && strstr(r->reason, " bytes in ")
                ? reason_add(ms, xasprintf("capacity exceeded for level %s (group %s)",
                                           gs->buffer, gs->name))
                : reason_add(ms, xstrdup(r->reason));
            continue;
        }
        for (int g = 0; g < m->n_groups; g++)
            ms->combo_mem[cb * (size_t)m->n_groups + (size_t)g] = r->groups[g].memory_cycles;
        ms->combo_energy[cb] = e;
        if (ref == SIZE_MAX)
            ref = cb;
    }
    ms->cyc = xcalloc((size_t)ne * (size_t)nau + 1, sizeof *ms->cyc);
    ms->dE = xcalloc((size_t)ne * (size_t)nau + 1, sizeof *ms->dE);
    ms->bad = xcalloc((size_t)ne * (size_t)nau + 1, sizeof *ms->bad);
    for (int i = 0; i < ne * nau; i++)
        ms->bad[i] = -1;
    variant_build(ms, ms->base_unit, ms->base_stage, ref == SIZE_MAX ? 0 : ref, &v);
    double e_ref = variant_eval(ms, &v, r);
    variant_free(&v);
    for (int e = 0; e < ne; e++)
        if (ms->base_unit[e] >= 0)
            ms->cyc[e * nau + ms->base_unit[e]] = r->einsums[e].cycles;
    int *unit = xcalloc((size_t)ne + 1, sizeof *unit);
    for (int i = 0; i < ms->n_dims; i++) {
        if (ms->dims[i].kind != DIM_BIND)
            continue;
        int e = ms->dims[i].ref;
        for (int k = 0; k < ms->n_cand; k++) {
            int u = ms->cand_unit[k];
            int why = unit_reason(ms, e, u);
            ms->bad[e * nau + u] = why;
            if (why >= 0 || u == ms->base_unit[e])
                continue;
            memcpy(unit, ms->base_unit, (size_t)ne * sizeof *unit);
            unit[e] = u;
            variant_build(ms, unit, ms->base_stage, ref == SIZE_MAX ? 0 : ref, &v);
            double ev = variant_eval(ms, &v, r);
            variant_free(&v);
            ms->cyc[e * nau + u] = r->einsums[e].cycles;
            ms->dE[e * nau + u] = ref == SIZE_MAX ? 0 : ev - e_ref;
        }
    }
    /* The template's own units can be invalid for the mapper (a spatial rank missing). */
    for (int e = 0; e < ne; e++)
        if (ms->base_unit[e] >= 0 && ms->grp[e] >= 0)
            ms->bad[e * nau + ms->base_unit[e]] = unit_reason(ms, e, ms->base_unit[e]);
    free(unit);
    build_edges(ms);
    /* Static pruning: a unit that cannot run the Einsum, or a tile in no feasible
     * combination, never gives a valid candidate. */
    for (int di = 0; di < ms->n_dims; di++) {
        MsDim *dm = &ms->dims[di];
        dm->allowed = xcalloc(dm->radix, sizeof *dm->allowed);
        for (uint32_t o = 0; o < dm->radix; o++) {
            int ok = 1;
            if (dm->kind == DIM_BIND)
                ok = ms->bad[dm->ref * nau + ms->cand_unit[o]] < 0;
            else if (dm->kind == DIM_TILE) {
                ok = 0;
                for (size_t cb = 0; cb < ms->n_combos; cb++)
                    ok |= combo_opt(ms, cb, dm->ref) == (int)o && ms->combo_reason[cb] < 0;
            }
            if (ok)
                dm->allowed[dm->n_allowed++] = o;
        }
    }
    /* The template's tile choice: the tile the engine picks for it as written. */
    ms->tpl_opt = xcalloc((size_t)m->n_groups + 1, sizeof *ms->tpl_opt);
    engine_analytic(in, r);
    for (int g = 0; g < m->n_groups && g < r->n_groups; g++)
        for (int o = 0; o < ms->n_opts[g] && ms->opt_rank[g]; o++)
            if (strcmp(ms->opt_rank[g][o], m->groups[g].loop_rank) == 0 &&
                ms->opt_tile[g][o] == (m->groups[g].loop_tile ? m->groups[g].loop_tile : r->groups[g].tile))
                ms->tpl_opt[g] = o;
    free(r);
    *out = ms;
    return 0;
}

void mapspace_free(Mapspace *ms)
{
    if (!ms)
        return;
    for (int i = 0; i < ms->n_reasons; i++)
        free(ms->reasons[i]);
    free(ms->reasons);
    for (int g = 0; g < ms->n_groups; g++) {
        free(ms->opt_rank ? ms->opt_rank[g] : NULL);
        free(ms->opt_tile ? ms->opt_tile[g] : NULL);
    }
    free(ms->opt_rank);
    free(ms->opt_tile);
    free(ms->n_opts);
    free(ms->tpl_opt);
    free(ms->combo_stride);
    free(ms->combo_reason);
    free(ms->combo_mem);
    free(ms->combo_energy);
    for (int d = 0; d < ms->n_dims; d++)
        free(ms->dims[d].allowed);
    free(ms->dims);
    free(ms->grp);
    free(ms->base_unit);
    free(ms->base_stage);
    free(ms->pos);
    free(ms->n_stages);
    free(ms->comp);
    free(ms->grp_first);
    free(ms->cand_unit);
    free(ms->cyc);
    free(ms->dE);
    free(ms->bad);
    free(ms->intra);
    free(ms->carried);
    free(ms);
}

void mapspace_template_choice(const Mapspace *ms, uint32_t *choice)
{
    for (int d = 0; d < ms->n_dims; d++) {
        const MsDim *dm = &ms->dims[d];
        choice[d] = 0;
        if (dm->kind == DIM_TILE)
            choice[d] = (uint32_t)ms->tpl_opt[dm->ref];
        else if (dm->kind == DIM_STAGE)
            choice[d] = (uint32_t)ms->base_stage[dm->ref];
        else
            for (int k = 0; k < ms->n_cand; k++)
                if (ms->cand_unit[k] == ms->base_unit[dm->ref])
                    choice[d] = (uint32_t)k;
    }
}

/* ---- text ------------------------------------------------------------------------------------- */

char *mapspace_describe(const Mapspace *ms)
{
    Buf b = {0};
    const MappingSpec *m = ms->in.mapping;
    const Cascade *c = ms->in.cascade;
    for (int g = 0; g < ms->n_groups; g++) {
        if (!ms->opt_rank[g])
            continue;
        buf_printf(&b, "  tile of group %s:", m->groups[g].name);
        for (int o = 0; o < ms->n_opts[g]; o++)
            buf_printf(&b, " %s=%llu", ms->opt_rank[g][o], (unsigned long long)ms->opt_tile[g][o]);
        buf_printf(&b, " (%d options)\n", ms->n_opts[g]);
    }
    int nb = 0, nst = 0;
    for (int d = 0; d < ms->n_dims; d++)
        nb += ms->dims[d].kind == DIM_BIND, nst += ms->dims[d].kind == DIM_STAGE;
    if (nb) {
        buf_printf(&b, "  unit of %d einsums over", nb);
        for (int k = 0; k < ms->n_cand; k++)
            buf_printf(&b, " %s", ms->in.arch->units[ms->cand_unit[k]].name);
        buf_printf(&b, ":");
        for (int d = 0; d < ms->n_dims; d++)
            if (ms->dims[d].kind == DIM_BIND)
                buf_printf(&b, " %s", c->einsums[ms->dims[d].ref].name);
        buf_printf(&b, "\n");
    }
    int pruned = 0;
    for (int d = 0; d < ms->n_dims; d++)
        pruned += (int)(ms->dims[d].radix - ms->dims[d].n_allowed);
    if (pruned) {
        buf_printf(&b, "  never valid, skipped by the local search (%d options):", pruned);
        for (int d = 0; d < ms->n_dims; d++) {
            const MsDim *dm = &ms->dims[d];
            for (uint32_t v = 0, k = 0; v < dm->radix; v++) {
                if (k < dm->n_allowed && dm->allowed[k] == v) {
                    k++;
                    continue;
                }
                if (dm->kind == DIM_BIND)
                    buf_printf(&b, " %s@%s", c->einsums[dm->ref].name,
                               ms->in.arch->units[ms->cand_unit[v]].name);
                else
                    buf_printf(&b, " %s=%llu", ms->opt_rank[dm->ref][v],
                               (unsigned long long)ms->opt_tile[dm->ref][v]);
            }
        }
        buf_printf(&b, "\n");
    }
    if (nst) {
        buf_printf(&b, "  stage of %d einsums:", nst);
        for (int g = 0; g < ms->n_groups; g++)
            buf_printf(&b, " group %s (%d stages)", m->groups[g].name, ms->n_stages[g]);
        buf_printf(&b, "\n");
    }
    return buf_take(&b);
}

char *mapspace_choice_text(const Mapspace *ms, const uint32_t *choice)
{
    int unit[MS_MAX_EINSUMS], stage[MS_MAX_EINSUMS];
    size_t combo;
    ms_decode(ms, choice, unit, stage, &combo);
    Variant v;
    variant_build(ms, unit, stage, combo, &v);
    Buf b = {0};
    const Cascade *c = ms->in.cascade;
    for (int g = 0; g < v.m.n_groups; g++) {
        const GroupSpec *gs = &v.m.groups[g];
        buf_printf(&b, "      group %s:", gs->name);
        if (gs->loop_rank && gs->loop_tile)
            buf_printf(&b, " tile %s=%llu;", gs->loop_rank, (unsigned long long)gs->loop_tile);
        for (int s = 0; s < gs->n_stages; s++) {
            buf_printf(&b, " [");
            for (int k = 0; k < gs->stages[s].n_einsums; k++) {
                int e = cascade_find_einsum(c, gs->stages[s].einsums[k]);
                buf_printf(&b, "%s%s@%s", k ? " " : "", gs->stages[s].einsums[k],
                           ms->in.arch->units[unit[e]].name);
            }
            buf_printf(&b, "]");
        }
        buf_printf(&b, "\n");
    }
    variant_free(&v);
    return buf_take(&b);
}

static void put_str(Buf *b, const char *s)
{
    buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static void put_u64(Buf *b, uint64_t v)
{
    buf_printf(b, "%llu%s", (unsigned long long)v, v > INT32_MAX ? "L" : "");
}

static void put_names(Buf *b, const char *key, const char *const *v, int n)
{
    if (!n)
        return;
    buf_printf(b, "      %s = [ ", key);
    for (int i = 0; i < n; i++) {
        put_str(b, v[i]);
        buf_printf(b, i + 1 < n ? ", " : " ");
    }
    buf_printf(b, "];\n");
}

char *mapspace_mapping_text(const Mapspace *ms, const uint32_t *choice, const char *name,
                            const char *cascade_ref, const char *header)
{
    int unit[MS_MAX_EINSUMS], stage[MS_MAX_EINSUMS];
    size_t combo;
    ms_decode(ms, choice, unit, stage, &combo);
    Variant v;
    variant_build(ms, unit, stage, combo, &v);
    const MappingSpec *m = &v.m;
    Buf b = {0};
    if (header)
        for (const char *p = header; *p;) {
            const char *nl = strchr(p, '\n');
            int len = nl ? (int)(nl - p) : (int)strlen(p);
            buf_printf(&b, "# %.*s\n", len, p);
            p += len + (nl != NULL);
        }
    buf_printf(&b, "mapping = {\n  name = ");
    put_str(&b, name);
    if (cascade_ref) {
        buf_printf(&b, ";\n  cascade = ");
        put_str(&b, cascade_ref);
        buf_printf(&b, ";\n");
    } else {
        EINSIM_ASSERT(ms->in.mapping->cascade_cfg);
        buf_printf(&b, ";\n%s", ms->in.mapping->cascade_cfg);
    }
    if (m->n_partitions) {
        buf_printf(&b, "  partitions = {");
        for (int i = 0; i < m->n_partitions; i++) {
            buf_printf(&b, " %s = ", m->partitions[i].name);
            put_u64(&b, m->partitions[i].size);
            buf_printf(&b, ";");
        }
        buf_printf(&b, " };\n");
    }
    buf_printf(&b, "  ragged = %s;\n  binding = (\n", m->ragged ? "true" : "false");
    for (int i = 0; i < m->n_bindings; i++) {
        const BindingSpec *bs = &m->bindings[i];
        buf_printf(&b, "    { einsum = ");
        put_str(&b, bs->einsum);
        buf_printf(&b, "; unit = ");
        put_str(&b, bs->unit);
        buf_printf(&b, ";");
        int any = 0;
        for (int o = 0; o < OP__COUNT; o++)
            any |= bs->cost[o] >= 0;
        if (any) {
            buf_printf(&b, " cost = {");
            for (int o = 0; o < OP__COUNT; o++)
                if (bs->cost[o] >= 0)
                    buf_printf(&b, " %s = %d;", op_kind_name[o], (int)bs->cost[o]);
            buf_printf(&b, " };");
        }
        const char *dims[2] = { bs->spatial.rows, bs->spatial.cols };
        bool own = bs->has_spatial && strcmp(bs->spatial.unit, bs->unit) == 0;
        for (int k = 0; k < 2 && own; k++)
            if (dims[k]) {
                buf_printf(&b, " %s = ", k ? "cols" : "rows");
                put_str(&b, dims[k]);
                buf_printf(&b, ";");
            }
        buf_printf(&b, " }%s\n", i + 1 < m->n_bindings ? "," : "");
    }
    buf_printf(&b, "  );\n");
    if (m->n_spatial) {
        buf_printf(&b, "  spatial = (\n");
        for (int i = 0; i < m->n_spatial; i++) {
            const SpatialSpec *sp = &m->spatial[i];
            buf_printf(&b, "    { unit = ");
            put_str(&b, sp->unit);
            buf_printf(&b, ";");
            if (sp->rows) {
                buf_printf(&b, " rows = ");
                put_str(&b, sp->rows);
                buf_printf(&b, ";");
            }
            if (sp->cols) {
                buf_printf(&b, " cols = ");
                put_str(&b, sp->cols);
                buf_printf(&b, ";");
            }
            buf_printf(&b, " }%s\n", i + 1 < m->n_spatial ? "," : "");
        }
        buf_printf(&b, "  );\n");
    }
    buf_printf(&b, "  groups = (\n");
    for (int g = 0; g < m->n_groups; g++) {
        const GroupSpec *gs = &m->groups[g];
        buf_printf(&b, "    { name = ");
        put_str(&b, gs->name);
        buf_printf(&b, ";\n      stages = (\n");
        for (int s = 0; s < gs->n_stages; s++) {
            buf_printf(&b, "        [ ");
            for (int k = 0; k < gs->stages[s].n_einsums; k++) {
                put_str(&b, gs->stages[s].einsums[k]);
                buf_printf(&b, k + 1 < gs->stages[s].n_einsums ? ", " : " ");
            }
            buf_printf(&b, "]%s\n", s + 1 < gs->n_stages ? "," : "");
        }
        buf_printf(&b, "      );\n");
        if (gs->loop_rank) {
            buf_printf(&b, "      loop = { rank = ");
            put_str(&b, gs->loop_rank);
            buf_printf(&b, "; granule = ");
            put_u64(&b, gs->loop_granule ? gs->loop_granule : 1);
            if (gs->loop_tile) {
                buf_printf(&b, "; tile = ");
                put_u64(&b, gs->loop_tile);
            }
            buf_printf(&b, "; };\n");
        }
        if (gs->buffer) {
            buf_printf(&b, "      buffer = ");
            put_str(&b, gs->buffer);
            buf_printf(&b, ";\n");
        }
        put_names(&b, "resident", gs->resident, gs->n_resident);
        put_names(&b, "streamed", gs->streamed, gs->n_streamed);
        put_names(&b, "spill", gs->spill, gs->n_spill);
        put_names(&b, "bypass", gs->bypass, gs->n_bypass);
        put_names(&b, "reg_bypass", gs->reg_bypass, gs->n_reg_bypass);
        buf_printf(&b, "      pipelined = %s;\n    }%s\n", gs->pipelined ? "true" : "false",
                   g + 1 < m->n_groups ? "," : "");
    }
    buf_printf(&b, "  );\n};\n");
    variant_free(&v);
    return buf_take(&b);
}
