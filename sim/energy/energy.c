/* energy.c — pricing the engine's action counts with the energy table. */
#include "energy/energy.h"

#include <string.h>

#include "util/util.h"

void energy_price(const EngineResult *r, const ArchSpec *arch, EnergyReport *out)
{
    const EnergySpec *e = &arch->energy;
    memset(out, 0, sizeof *out);
    area_price(arch, &out->arch);
    for (int i = 0; i < r->n_einsums; i++) {
        const EinsumStat *es = &r->einsums[i];
        const ComputeUnitSpec *u = es->unit ? arch_find_unit(arch, es->unit) : NULL;
        for (int o = 0; u && o < OP__COUNT; o++) {
            const char *act;
            double per, pj;
            if (es->ops[o] && unit_op_energy(e, u, (OpKind)o, &act, &per, &pj))
                out->einsum_pj[i] += (double)es->ops[o] * per * pj;
        }
    }
    for (int i = 0; i < r->n_actions; i++) {
        const ActionCount *a = &r->actions[i];
        double pj = 0;
        /* A storage level's price depends on its size. */
        const StorageSpec *lv = arch_find_level(arch, a->component);
        bool found = lv ? energy_lookup_sized(e, a->cls, a->action, lv->size_bytes, &pj, NULL)
                        : energy_lookup(e, a->cls, a->action, &pj, NULL);
        EINSIM_ASSERT(found);
        EnergyItem *it = &out->items[out->n++];
        it->component = a->component;
        it->action = a->action;
        it->count = a->count;
        it->pj = a->count * pj;
        out->total_pj += it->pj;
    }
    /* Leakage over the analytic time, per PE or per KiB. */
    double cyc = (double)r->cycles;
    for (int i = 0; i < arch->n_units + arch->n_levels && out->n < ENGINE_MAX_ITEMS; i++) {
        bool unit = i < arch->n_units;
        const char *cls = unit ? arch->units[i].energy_class : arch->levels[i - arch->n_units].energy_class;
        double pj;
        if (!(unit ? energy_lookup(e, cls, "leak", &pj, NULL)
                   : energy_lookup_sized(e, cls, "leak", arch->levels[i - arch->n_units].size_bytes,
                                         &pj, NULL)))
            continue;
        double inst;
        if (unit) {
            inst = (double)arch->units[i].rows * arch->units[i].cols;
        } else {
            const StorageSpec *s = &arch->levels[i - arch->n_units];
            inst = s->size_bytes ? (double)s->size_bytes / 1024.0 * s->instances : 1.0;
        }
        EnergyItem *it = &out->items[out->n++];
        it->component = unit ? arch->units[i].name : arch->levels[i - arch->n_units].name;
        it->action = "leak";
        it->count = cyc * inst;
        it->pj = it->count * pj;
        out->total_pj += it->pj;
        out->leak_pj += it->pj;
    }
}

double energy_at_cycles(const EnergyReport *er, uint64_t analytic_cycles, uint64_t cycles)
{
    if (!analytic_cycles)
        return er->total_pj;
    return er->total_pj - er->leak_pj + er->leak_pj * ((double)cycles / (double)analytic_cycles);
}
