/* check.c — engine_check: what the engine needs of the architecture, workload, cascade and
 * mapping beyond what the loaders check (engine.h), every problem reported at its line. */
#include "engine/engine.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cascade/mask.h"
#include "engine/engineInt.h"
#include "engine/nest.h"
#include "util/util.h"


static bool group_has(const GroupSpec *gs, const char *name)
{
    for (int s = 0; s < gs->n_stages; s++)
        if (engine_in_names(gs->stages[s].einsums, gs->stages[s].n_einsums, name))
            return true;
    return false;
}

/* A reuse rule names Einsums of its group bound to one unit (the unit's issue order is
 * what keeps the readers ahead of the writer). */
static void check_reuse(const MappingSpec *m, const GroupSpec *gs, const ReuseSpec *r, Diag *d)
{
    const BindingSpec *bw = engine_binding_of(m, r->einsum);
    if (!group_has(gs, r->einsum)) {
        diag_error(d, r->loc.file, r->loc.line, "mapping.groups.%s.reuse: einsum %s is not in "
                   "the group", gs->name, r->einsum);
        return;
    }
    for (int k = 0; k < r->n_after; k++) {
        const BindingSpec *br = engine_binding_of(m, r->after[k]);
        if (!group_has(gs, r->after[k]))
            diag_error(d, r->loc.file, r->loc.line, "mapping.groups.%s.reuse: einsum %s (after) "
                       "is not in the group", gs->name, r->after[k]);
        else if (bw && br && strcmp(bw->unit, br->unit) != 0)
            diag_error(d, r->loc.file, r->loc.line, "mapping.groups.%s.reuse: %s runs on %s and "
                       "%s on %s; a reuse rule orders Einsums of one unit", gs->name, r->after[k],
                       br->unit, r->einsum, bw->unit);
    }
}

/* A group's loop over a rank one of its Einsums reduces carries partial sums from tile to
 * tile through DRAM: only for a result the group stores, element-wise sums, and groups
 * without an iterative rank. */
static void check_reduced_loop(const EngineInput *in, int gi, int r, Diag *d)
{
    const Cascade *c = in->cascade;
    const GroupSpec *gs = &in->mapping->groups[gi];
    bool iterates = false;
    for (int e = 0; e < c->n_einsums; e++)
        iterates |= engine_group_of(in, e) == gi && c->einsums[e].phase == PHASE_LOOP && c->iter_rank >= 0;
    for (int e = 0; e < c->n_einsums; e++) {
        const Einsum *es = &c->einsums[e];
        if (engine_group_of(in, e) != gi || !einsum_computes(es) ||
            !engine_splits_reduction(in, es, r, gs->loop_tile ? gs->loop_tile : gs->loop_granule))
            continue;
        const char *out = c->tensors[es->out].name;
        const char *why = NULL;
        bool stored = c->tensors[es->out].is_output, read_here = false;
        for (int j = 0; j < c->n_einsums; j++)
            for (int n = 0; j != e && n < c->einsums[j].n_nodes; n++)
                if (c->einsums[j].nodes[n].kind == EX_ACCESS &&
                    engine_view_source(c, c->einsums[j].nodes[n].tensor) == es->out) {
                    read_here |= engine_group_of(in, j) == gi;
                    stored |= engine_group_of(in, j) != gi;
                }
        if (es->red == RED_TOPK || es->red == RED_PRUNE)
            why = "a selection cannot be split into tiles";
        else if (iterates)
            why = "the group also iterates over a recurrence, which einsim does not combine with partial sums";
        else if (read_here)
            why = "its partial result would be read in the same group";
        else if (engine_in_names(gs->resident, gs->n_resident, out) || engine_in_names(gs->streamed, gs->n_streamed, out))
            why = "its partial sums go through DRAM between tiles, so it cannot be resident or streamed";
        else if (!stored)
            why = "its result is neither an output nor read by another group";
        if (why)
            diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s.loop.rank: the loop "
                       "over %s splits the reduction of einsum %s: %s", gs->name,
                       c->ranks[r].name, es->name, why);
    }
}

int engine_check(const EngineInput *in, Diag *d)
{
    int errs0 = diag_count(d);
    const MappingSpec *m = in->mapping;
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    if (a->n_units > ENGINE_MAX_UNITS)
        diag_error(d, a->loc.file, a->loc.line, "arch %s: %d compute units; einsim evaluates at "
                   "most %d", a->name, a->n_units, ENGINE_MAX_UNITS);
    if (m->n_groups > ENGINE_MAX_GROUPS)
        diag_error(d, m->loc.file, m->loc.line, "mapping %s: %d groups; einsim evaluates at most "
                   "%d", m->name, m->n_groups, ENGINE_MAX_GROUPS);
    if (c->n_einsums > ENGINE_MAX_ITEMS)
        diag_error(d, c->path, 0, "cascade %s: %d einsums; einsim evaluates at most %d", c->name,
                   c->n_einsums, ENGINE_MAX_ITEMS);
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
                else if (!engine_binding_of(m, name))
                    diag_error(d, gs->stages[s].loc.file, gs->stages[s].loc.line,
                               "mapping.groups.%s: einsum %s is scheduled but not bound",
                               gs->name, name);
            }
        if (gs->n_nest) {   /* a loop nest replaces the rest of the group's keys */
            if (diag_count(d) == errs0 && in->sizes)
                nest_check(in, g, d);
            continue;
        }
        if (gs->loop_rank) {
            int r = cascade_find_rank(c, gs->loop_rank);
            if (r < 0 || c->ranks[r].kind != RANK_ROOT)
                diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s.loop.rank: %s is "
                           "not a root rank of cascade %s", gs->name, gs->loop_rank, c->name);
            else
                check_reduced_loop(in, g, r, d);
        }
        if (gs->buffer) {
            const StorageSpec *lv = arch_find_level(a, gs->buffer);
            if (!lv || lv->cls == STORE_DRAM)
                diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s.buffer: %s is not "
                           "an on-chip storage level of %s", gs->name, gs->buffer, a->name);
        }
        const char *const *lists[4] = { gs->resident, gs->streamed, gs->spill, gs->reg_bypass };
        int counts[4] = { gs->n_resident, gs->n_streamed, gs->n_spill, gs->n_reg_bypass };
        for (int l = 0; l < 4; l++)
            for (int k = 0; k < counts[l]; k++)
                if (cascade_find_tensor(c, lists[l][k]) < 0)
                    diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s: tensor %s is "
                               "not in cascade %s", gs->name, lists[l][k], c->name);
        for (int k = 0; k < gs->n_reuse; k++)
            check_reuse(m, gs, &gs->reuse[k], d);
        /* The PE registers bypass operands only: a result accumulates in them. */
        for (int s = 0; s < gs->n_stages; s++)
            for (int k = 0; k < gs->stages[s].n_einsums; k++) {
                int ei = cascade_find_einsum(c, gs->stages[s].einsums[k]);
                if (ei >= 0 && engine_in_names(gs->reg_bypass, gs->n_reg_bypass,
                                        c->tensors[c->einsums[ei].out].name))
                    diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s.reg_bypass: %s is "
                               "the result of einsum %s; only its operands can bypass the PE "
                               "registers", gs->name, c->tensors[c->einsums[ei].out].name,
                               c->einsums[ei].name);
            }
        for (int k = 0; k < gs->n_spill; k++)
            if (!engine_in_names(gs->resident, gs->n_resident, gs->spill[k]))
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
    /* A binding's own rows / cols (one Einsum's dataflow on its unit). */
    for (int i = 0; i < m->n_bindings; i++) {
        const BindingSpec *b = &m->bindings[i];
        const ComputeUnitSpec *u = arch_find_unit(a, b->unit);
        const char *dims[2] = { b->spatial.rows, b->spatial.cols };
        for (int k = 0; k < 2 && b->has_spatial; k++)
            if (dims[k] && cascade_find_rank(c, dims[k]) < 0)
                diag_error(d, b->loc.file, b->loc.line, "mapping.binding.%s.%s: %s is not a "
                           "rank of cascade %s", b->einsum, k ? "cols" : "rows", dims[k], c->name);
        if (b->has_spatial && u && b->spatial.rows && u->rows == 1)
            diag_error(d, b->loc.file, b->loc.line, "mapping.binding.%s.rows: unit %s has a "
                       "single row", b->einsum, u->name);
    }
    /* N:M-sparse operands: a tensor of the cascade, a rank of that tensor, and every
     * Einsum reducing over it on a unit that can run the pattern. */
    const WorkloadSpec *w = in->workload;
    bool nm_used = false;
    for (int i = 0; i < w->n_sparse; i++) {
        const SparseOperandSpec *sp = &w->sparse[i];
        int t = cascade_find_tensor(c, sp->tensor);
        int r = cascade_find_rank(c, sp->rank);
        bool has = false;
        for (int k = 0; t >= 0 && k < c->tensors[t].ndim; k++)
            has |= c->tensors[t].dim_rank[k] == r;
        if (t < 0)
            diag_error(d, sp->loc.file, sp->loc.line, "workload.sparse: tensor %s is not in "
                       "cascade %s", sp->tensor, c->name);
        else if (!has)
            diag_error(d, sp->loc.file, sp->loc.line, "workload.sparse: %s is not a rank of "
                       "tensor %s in cascade %s", sp->rank, sp->tensor, c->name);
    }
    for (int i = 0; i < c->n_einsums && w->n_sparse && diag_count(d) == errs0; i++) {
        SparseUse su;
        char why[400];
        if (engine_sparse_use(in, i, &su, why, sizeof why) != 0) {
            const SparseOperandSpec *sp = su.spec ? su.spec : &w->sparse[0];
            diag_error(d, sp->loc.file, sp->loc.line, "workload.sparse: %s", why);
        }
        nm_used |= su.spec != NULL;
    }
    for (int i = 0; i < a->n_units && nm_used; i++) {
        const ComputeUnitSpec *u = &a->units[i];
        const char *acts[] = { "mux", "meta_read" };
        double pj;
        for (int k = 0; k < 2 && u->sparse.present; k++)
            if (!energy_lookup(&a->energy, u->energy_class, acts[k], &pj, NULL))
                diag_error(d, u->loc.file, u->loc.line, "arch.%s: energy class %s has no entry "
                           "for '%s' (N:M-sparse operands are run on it)", u->name,
                           u->energy_class, acts[k]);
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
    /* The PE registers every computing Einsum's unit reads and writes. */
    for (int i = 0; i < m->n_bindings; i++) {
        const ComputeUnitSpec *u = arch_find_unit(a, m->bindings[i].unit);
        int e = cascade_find_einsum(c, m->bindings[i].einsum);
        double pj;
        if (!u || e < 0 || !einsum_computes(&c->einsums[e]))
            continue;
        if (!energy_lookup(&a->energy, u->energy_class, "reg_read", &pj, NULL) ||
            !energy_lookup(&a->energy, u->energy_class, "reg_write", &pj, NULL))
            diag_error(d, u->loc.file, u->loc.line, "arch.%s: energy class %s needs 'reg_read' "
                       "and 'reg_write' entries (its PE registers)", u->name, u->energy_class);
    }
    for (int i = 0; i < a->n_levels; i++) {
        const StorageSpec *s = &a->levels[i];
        double pj;
        if (!energy_lookup(&a->energy, s->energy_class, "read", &pj, NULL) ||
            !energy_lookup(&a->energy, s->energy_class, "write", &pj, NULL))
            diag_error(d, s->loc.file, s->loc.line, "arch.%s: energy class %s needs 'read' and "
                       "'write' entries", s->name, s->energy_class);
    }
    /* Shared heads: each key/value head serves G whole query heads, and an item is one
     * query head (heads are neither spread over a unit nor tiled). */
    if (c->head_rank >= 0 && in->sizes) {
        uint64_t hs = (uint64_t)in->sizes->size[c->head_rank], g = engine_head_group(in, -1);
        if (g > 1 && hs % g) {
            /* Only a partition "H -> HK, G" can leave a partial group: at G's size. */
            SrcLoc loc = w->loc;
            const char *gn = "the group size";
            for (int r = 0; r < c->n_ranks; r++)
                if (c->ranks[r].parent == c->head_rank && c->ranks[r].kind == RANK_INNER)
                    gn = c->ranks[r].name;
            for (int i = 0; i < w->n_ranks; i++)
                if (strcmp(w->ranks[i].name, gn) == 0)
                    loc = w->ranks[i].loc;
            diag_error(d, loc.file, loc.line, "workload %s: %s = %" PRIu64 " query heads is not "
                       "a multiple of %s = %" PRIu64 ", the query heads of cascade %s that share "
                       "one key/value head: the last key/value head would serve a partial group",
                       w->name, c->ranks[c->head_rank].name, hs, gn, g, c->name);
        }
        for (int i = 0; i < m->n_spatial + m->n_bindings; i++) {
            const SpatialSpec *sp = i < m->n_spatial ? &m->spatial[i]
                                  : m->bindings[i - m->n_spatial].has_spatial
                                  ? &m->bindings[i - m->n_spatial].spatial : NULL;
            const char *dims[2] = { sp ? sp->rows : NULL, sp ? sp->cols : NULL };
            for (int k = 0; k < 2; k++) {
                int r = dims[k] ? cascade_find_rank(c, dims[k]) : -1;
                if (r >= 0 && engine_is_head_rank(c, r))
                    diag_error(d, sp->loc.file, sp->loc.line, "mapping: unit %s spreads rank %s "
                               "of the heads over its PEs; the engine runs one query head per "
                               "item", sp->unit, dims[k]);
            }
        }
        for (int gi = 0; gi < m->n_groups; gi++) {
            const GroupSpec *gs = &m->groups[gi];
            int r = gs->loop_rank ? cascade_find_rank(c, gs->loop_rank) : -1;
            if (r >= 0 && engine_is_head_rank(c, r))
                diag_error(d, gs->loc.file, gs->loc.line, "mapping.groups.%s.loop.rank: the "
                           "heads (%s) are not a rank the engine tiles", gs->name, gs->loop_rank);
        }
    }
    /* A data mask (a block-mask file, a topk choice) is modelled from its density; a
     * topk's choice of heads (routing) keeps k / H of them unless the workload says. */
    bool routes = false, other = false;
    for (int i = 0; i < c->n_einsums && in->sizes; i++) {
        int t, r = live_route_rank(c, i, &t);
        bool given;
        if (t >= 0 && r >= 0 && live_route_density(in, t, &given) > 0)
            routes = true;
        else if (t >= 0)
            other = true;
    }
    for (int i = 0; i < c->n_einsums && !(w->density > 0) && !(routes && !other); i++)
        if (cascade_work_mask_kind(c, i) == MASK_DATA) {
            diag_error(d, w->loc.file, w->loc.line, "workload %s: einsum %s of cascade %s is "
                       "masked by data (a block-mask file or a topk choice), which the engine "
                       "cannot decide from indices: give the share of the work it keeps as "
                       "workload.density (einsim eval prints it as 'density' on data)", w->name,
                       c->einsums[i].name, c->name);
            break;
        }
    if (w->density > 0 && diag_count(d) == errs0) {
        bool data = false;
        for (int i = 0; i < c->n_einsums; i++)
            data |= cascade_work_mask_kind(c, i) == MASK_DATA;
        if (!data)
            diag_warning(d, w->density_loc.file, w->density_loc.line, "workload %s: density "
                         "is ignored: cascade %s has no data mask", w->name, c->name);
    }
    return diag_count(d) - errs0;
}
