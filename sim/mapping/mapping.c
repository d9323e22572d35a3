/* mapping.c — cross-file checks of mapping, cascade, architecture and workload. */
#include "mapping/mapping.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int mapping_check(const MappingSpec *m, const Cascade *c, const ArchSpec *a,
                  const WorkloadSpec *w, Diag *d, RankBinding *b)
{
    int errs0 = diag_count(d);
    int *bound = xcalloc((size_t)c->n_einsums + 1, sizeof *bound);
    for (int i = 0; i < m->n_bindings; i++) {
        const BindingSpec *bs = &m->bindings[i];
        int ei = cascade_find_einsum(c, bs->einsum);
        const ComputeUnitSpec *u = arch_find_unit(a, bs->unit);
        if (ei < 0) {
            diag_error(d, bs->loc.file, bs->loc.line, "mapping.binding: einsum %s is not in "
                       "cascade %s", bs->einsum, c->name);
            continue;
        }
        bound[ei] = 1;
        if (!u) {
            diag_error(d, bs->loc.file, bs->loc.line, "mapping.binding: %s is bound to unit %s, "
                       "which architecture %s does not have", bs->einsum, bs->unit, a->name);
            continue;
        }
        uint32_t ops[OP__COUNT];
        einsum_unit_ops(&c->einsums[ei], ops);
        for (int o = 0; o < OP__COUNT; o++)
            if (ops[o] && u->op_cycles[o] == 0)
                diag_error(d, bs->loc.file, bs->loc.line, "mapping.binding: einsum %s needs "
                           "'%s', which unit %s does not support", bs->einsum, op_kind_name[o],
                           u->name);
    }
    for (int i = 0; i < c->n_einsums; i++)
        if (!bound[i] && einsum_computes(&c->einsums[i]))
            diag_error(d, m->loc.file, m->loc.line, "mapping %s: einsum %s computes but is not "
                       "bound to a unit", m->name, c->einsums[i].name);
    free(bound);
    for (int i = 0; i < m->n_partitions; i++) {
        int r = cascade_find_rank(c, m->partitions[i].name);
        if (r < 0 || c->ranks[r].kind != RANK_INNER)
            diag_error(d, m->partitions[i].loc.file, m->partitions[i].loc.line,
                       "mapping.partitions.%s: not an inner partition rank of cascade %s",
                       m->partitions[i].name, c->name);
    }
    if (diag_count(d) == errs0 && w && b) {
        int n = w->n_ranks + m->n_partitions;
        RankSize *all = xcalloc((size_t)n + 2, sizeof *all);
        for (int i = 0; i < w->n_ranks; i++)
            all[i] = w->ranks[i];
        for (int i = 0; i < m->n_partitions; i++)
            all[w->n_ranks + i] = m->partitions[i];
        /* A cascade that indexes the heads itself (rank H) gets the workload's heads,
         * unless the workload sizes H among its ranks. */
        bool h_given = false;
        for (int i = 0; i < w->n_ranks; i++)
            h_given |= strcmp(w->ranks[i].name, "H") == 0;
        if (c->head_rank >= 0 && !h_given)
            all[n++] = (RankSize){ "H", w->heads, w->loc };
        bool sized = cascade_bind(c, all, n, false, d, b) == 0;
        /* A workload's partition size (HQ -> G, HKV: the key/value heads) divides its
         * rank, ragged or not (it is the problem's structure, not a chunking); the shared
         * heads of rank H have their own check (engine_check). */
        for (int i = 0; sized && i < w->n_ranks; i++) {
            int r = cascade_find_rank(c, w->ranks[i].name);
            if (r < 0 || c->ranks[r].kind != RANK_INNER || c->ranks[r].parent == c->head_rank)
                continue;
            int parent = c->ranks[r].parent;
            if (b->size[parent] % b->size[r] != 0)
                diag_error(d, w->ranks[i].loc.file, w->ranks[i].loc.line,
                           "workload %s: %s = %lld is not a multiple of %s = %lld (cascade "
                           "%s splits %s into %s x %s): a partial last group is not "
                           "modelled", w->name, c->ranks[parent].name,
                           (long long)b->size[parent], w->ranks[i].name,
                           (long long)b->size[r], c->name, c->ranks[parent].name,
                           c->ranks[c->ranks[r].partner].name, w->ranks[i].name);
        }
        if (sized && !m->ragged)
            for (int i = 0; i < m->n_partitions; i++) {
                int r = cascade_find_rank(c, m->partitions[i].name);
                int parent = c->ranks[r].parent;
                if (b->size[parent] % b->size[r] != 0)
                    diag_error(d, m->partitions[i].loc.file, m->partitions[i].loc.line,
                               "mapping.partitions.%s = %lld does not divide rank %s = %lld; "
                               "set mapping.ragged = true to allow a partial last chunk",
                               m->partitions[i].name, (long long)b->size[r],
                               c->ranks[parent].name, (long long)b->size[parent]);
            }
        free(all);
    }
    return diag_count(d) - errs0;
}
