/* energy.c — pricing the engine's action counts with the energy table. */
#include "energy/energy.h"

#include <string.h>

#include "util/util.h"

void energy_price(const EngineResult *r, const EnergySpec *e, EnergyReport *out)
{
    memset(out, 0, sizeof *out);
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
