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
        bool found = energy_lookup(e, a->cls, a->action, &pj, NULL);
        EINSIM_ASSERT(found);
        EnergyItem *it = &out->items[out->n++];
        it->component = a->component;
        it->action = a->action;
        it->count = a->count;
        it->pj = a->count * pj;
        out->total_pj += it->pj;
    }
}
