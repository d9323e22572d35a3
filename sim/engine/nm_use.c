/* nm_use.c — how an Einsum runs an N:M-sparse operand on its unit (model in engineInt.h).
 *
 * A workload may give any tensor of the cascade an N:M structure along one of its ranks
 * (workload.sparse). An Einsum that multiplies such an operand and reduces over that rank
 * in time runs it on a unit with an N:M sparse mode (arch.UNIT.sparse): each group of M
 * is issued as the N kept (value, index) pairs, on the unit's hardware pattern (nm_remap:
 * data n:m runs as m/hm groups of hn pairs), `gpb` groups per beat of the unit's
 * multiplier lanes and mux window. Nothing here knows a tensor or rank by name: it all
 * comes from the workload and the cascade. */
#include "engine/engineInt.h"

#include <stdio.h>
#include <string.h>

#include "sparse/pe.h"
#include "util/util.h"

const SparseOperandSpec *engine_sparse_of(const EngineInput *in, int t)
{
    const Cascade *c = in->cascade;
    if (t < 0)
        return NULL;
    const char *name = c->tensors[engine_view_source(c, t)].name;
    for (int i = 0; i < in->workload->n_sparse; i++)
        if (strcmp(in->workload->sparse[i].tensor, name) == 0)
            return &in->workload->sparse[i];
    return NULL;
}

uint64_t engine_nm_kept(uint64_t ext, int n, int m)
{
    uint64_t tail = ext % (uint64_t)m;
    return ext / (uint64_t)m * (uint64_t)n + (tail < (uint64_t)n ? tail : (uint64_t)n);
}

uint32_t engine_nm_index_bits(int m)
{
    uint32_t b = 1;
    while ((1 << b) < m)
        b++;
    return b;
}

/* A multiply-accumulate Einsum: one MAC per term and no other op. */
static bool is_mac(const Einsum *e)
{
    uint32_t ops[OP__COUNT];
    einsum_unit_ops(e, ops);
    for (int o = 0; o < OP__COUNT; o++)
        if (ops[o] != (o == OP_MAC ? 1u : 0u))
            return false;
    return true;
}

uint32_t engine_lanes(const Einsum *e, const ComputeUnitSpec *u)
{
    return u && u->sparse.present && is_mac(e) ? u->sparse.lanes : 1;
}

uint64_t engine_acc_span(const SparseUnitSpec *sp, uint64_t outputs, uint64_t beats)
{
    SparsePeTiming tm = { sp->mult_latency, sp->adder_latency, sp->acc_latency };
    uint32_t ie = sp->accumulators;
    SparsePeSummary set;
    sparse_pe_timeline(&tm, ie, beats, NULL, 0, &set);
    /* `ie` outputs take set.issue_span cycles; an output, its share of them. */
    uint64_t total;
    if (!ck_mul_u64(outputs, set.issue_span, &total))
        return UINT64_MAX;   /* saturates, like the plan's other quantities */
    return (total + ie - 1) / ie;
}

int engine_sparse_use(const EngineInput *in, int ei, SparseUse *su, char *why, size_t n_why)
{
    const Cascade *c = in->cascade;
    const Einsum *e = &c->einsums[ei];
    memset(su, 0, sizeof *su);
    su->tensor = su->rank = -1;
    if (why && n_why)
        why[0] = 0;
    const BindingSpec *b = engine_binding_of(in->mapping, e->name);
    const ComputeUnitSpec *u = b ? arch_find_unit(in->arch, b->unit) : NULL;
    if (!u || !einsum_computes(e) || in->workload->n_sparse == 0)
        return 0;
    int r[2 * CASCADE_MAX_DIMS];
    int nr = engine_einsum_ranks(e, r);
    for (int j = 0; j < e->n_nodes; j++) {
        if (e->nodes[j].kind != EX_ACCESS)
            continue;
        int t = e->nodes[j].tensor;
        const SparseOperandSpec *sp = engine_sparse_of(in, t);
        if (!sp)
            continue;
        int rank = cascade_find_rank(c, sp->rank);
        bool reduced = false;
        for (int k = e->n_free; k < nr; k++)
            reduced |= r[k] == rank;
        if (!reduced)
            continue;   /* zeros along a rank the Einsum keeps: computed dense */
        int src = engine_view_source(c, t);
        if (su->spec && su->tensor != src) {
            snprintf(why, n_why, "Einsum %s reduces over two N:M-sparse operands (%s and %s); a "
                     "unit skips along one", e->name, c->tensors[su->tensor].name,
                     c->tensors[src].name);
            return -1;
        }
        su->spec = sp;
        su->tensor = src;
        su->rank = rank;
    }
    if (!su->spec)
        return 0;
    const SparseOperandSpec *sp = su->spec;
    if (!is_mac(e)) {
        snprintf(why, n_why, "Einsum %s reduces over %s, N:M %d:%d along %s, but is not a "
                 "multiply-accumulate: N:M skipping needs one MAC per term", e->name,
                 sp->tensor, sp->n, sp->m, sp->rank);
        return -1;
    }
    if (!u->sparse.present) {
        snprintf(why, n_why, "Einsum %s reduces over %s, N:M %d:%d along %s, but its unit %s "
                 "has no N:M sparse mode (arch.%s.sparse)", e->name, sp->tensor, sp->n, sp->m,
                 sp->rank, u->name, u->name);
        return -1;
    }
    const SpatialSpec *spat = engine_spatial_for(in->mapping, e->name, u->name);
    if (spat && spat->cols && strcmp(spat->cols, sp->rank) == 0) {
        snprintf(why, n_why, "Einsum %s: unit %s spreads %s over its PE columns, but the N:M "
                 "groups of %s run along %s: the unit packs kept pairs in time or down its "
                 "rows (the partial-sum chain), not across its columns", e->name, u->name,
                 sp->rank, sp->tensor, sp->rank);
        return -1;
    }
    if (spat && spat->rows && u->rows > 1 && strcmp(spat->rows, sp->rank) == 0) {
        /* Packed down the rows: each PE holds its own pair and index, so the sparse
         * operand must be the one the PEs hold (it has the columns' rank too). */
        int rc = spat->cols ? cascade_find_rank(c, spat->cols) : -1;
        bool held = false;
        for (int k = 0; k < c->tensors[su->tensor].ndim; k++)
            held |= c->tensors[su->tensor].dim_rank[k] == rc;
        if (!held) {
            snprintf(why, n_why, "Einsum %s: unit %s reduces %s down its PE rows, but %s (N:M "
                     "along %s) streams through them: a spatial N:M reduction needs the sparse "
                     "operand held in the PEs (a tensor with the rows' and the columns' ranks)",
                     e->name, u->name, sp->rank, sp->tensor, sp->rank);
            return -1;
        }
    }
    NMPattern p = { sp->n, sp->m, false };
    NMRemap rm;
    char unit_label[160];
    snprintf(unit_label, sizeof unit_label, "%s (Einsum %s, operand %s)", u->name, e->name,
             sp->tensor);
    if (nm_remap(&p, u->sparse.pat_n, u->sparse.pat_m, u->sparse.n_patterns, unit_label, &rm) != 0) {
        snprintf(why, n_why, "%s", rm.reason);
        return -1;
    }
    su->hw_n = rm.hw_n;
    su->hw_m = rm.hw_m;
    su->split = rm.split;
    uint64_t by_lanes = u->sparse.lanes / (uint32_t)rm.hw_n;
    uint64_t by_window = u->sparse.window / (uint32_t)rm.hw_m;
    su->gpb = by_lanes < by_window ? by_lanes : by_window;
    if (su->gpb == 0)
        su->gpb = 1;
    su->gate = u->sparse.gate;
    return 0;
}

uint64_t engine_nm_beats(const SparseUse *su, uint64_t ext)
{
    uint64_t groups = (ext + (uint64_t)su->spec->m - 1) / (uint64_t)su->spec->m;
    uint64_t hw = groups * (uint64_t)su->split;
    return (hw + su->gpb - 1) / su->gpb;
}

uint64_t engine_nm_slots(const SparseUse *su, uint64_t ext)
{
    uint64_t groups = (ext + (uint64_t)su->spec->m - 1) / (uint64_t)su->spec->m;
    return groups * (uint64_t)su->split * (uint64_t)su->hw_n;
}
