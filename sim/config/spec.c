/* spec.c — small lookups over the immutable specs (no libconfig here). */
#include "config/spec.h"

#include <math.h>
#include <string.h>

const char *const op_kind_name[OP__COUNT] = { "mac", "add", "max", "div", "exp" };

const RankSize *rank_size_find(const RankSize *r, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(r[i].name, name) == 0)
            return &r[i];
    return NULL;
}

const ComputeUnitSpec *arch_find_unit(const ArchSpec *a, const char *name)
{
    for (int i = 0; i < a->n_units; i++)
        if (strcmp(a->units[i].name, name) == 0)
            return &a->units[i];
    return NULL;
}

const StorageSpec *arch_find_level(const ArchSpec *a, const char *name)
{
    for (int i = 0; i < a->n_levels; i++)
        if (strcmp(a->levels[i].name, name) == 0)
            return &a->levels[i];
    return NULL;
}

double arch_dram_bytes_per_cycle(const ArchSpec *a)
{
    return a->levels[0].bandwidth_gibps * 1073741824.0 / (a->clock_mhz * 1e6);
}

bool energy_lookup(const EnergySpec *e, const char *cls, const char *action, double *pj,
                   uint32_t *bits)
{
    for (int i = 0; i < e->n_entries; i++) {
        const EnergyEntry *x = &e->entries[i];
        if (strcmp(x->cls, cls) == 0 && strcmp(x->action, action) == 0) {
            if (pj)
                *pj = x->pj;
            if (bits)
                *bits = x->bits;
            return true;
        }
    }
    return false;
}

bool energy_lookup_sized(const EnergySpec *e, const char *cls, const char *action,
                         uint64_t size_bytes, double *pj, uint32_t *bits)
{
    const EnergyEntry *lo = NULL, *hi = NULL, *any = NULL;
    for (int i = 0; i < e->n_entries; i++) {
        const EnergyEntry *x = &e->entries[i];
        if (strcmp(x->cls, cls) != 0 || strcmp(x->action, action) != 0)
            continue;
        if (!x->size_bytes) {
            any = any ? any : x;
            continue;
        }
        if (x->size_bytes <= size_bytes && (!lo || x->size_bytes > lo->size_bytes))
            lo = x;
        if (x->size_bytes >= size_bytes && (!hi || x->size_bytes < hi->size_bytes))
            hi = x;
    }
    if (!lo && !hi) {
        if (!any)
            return false;
        lo = hi = any;
    }
    if (!lo)
        lo = hi;
    if (!hi)
        hi = lo;
    double v = lo->pj;
    if (hi != lo && size_bytes) {
        double t = (log2((double)size_bytes) - log2((double)lo->size_bytes)) /
                   (log2((double)hi->size_bytes) - log2((double)lo->size_bytes));
        v = lo->pj + t * (hi->pj - lo->pj);
    }
    if (pj)
        *pj = v;
    if (bits)
        *bits = lo->bits;
    return true;
}

bool unit_op_energy(const EnergySpec *e, const ComputeUnitSpec *u, OpKind o,
                    const char **action, double *events_per_op, double *pj)
{
    if (energy_lookup(e, u->energy_class, op_kind_name[o], pj, NULL)) {
        *action = op_kind_name[o];
        *events_per_op = 1;
        return true;
    }
    *action = "mac";
    *events_per_op = u->op_cycles[o];
    return energy_lookup(e, u->energy_class, "mac", pj, NULL);
}
