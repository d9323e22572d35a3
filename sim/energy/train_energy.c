/* train_energy.c — energy of each layer and pass of a training iteration. */
#include "energy/train_energy.h"

#include <string.h>

#include "util/util.h"

/* Energy per event of each TrainAction on the training unit, its buffer and DRAM. */
static void action_pj(const ArchSpec *a, const char *unit, double pj[TA__COUNT])
{
    const ComputeUnitSpec *u = arch_find_unit(a, unit);
    const StorageSpec *glb = NULL;
    for (int i = 1; i < a->n_levels && !glb; i++)
        if (a->levels[i].cls == STORE_SRAM)
            glb = &a->levels[i];
    EINSIM_ASSERT(u && glb);
    const struct { const char *cls, *action; } e[TA__COUNT] = {
        [TA_MAC] = { u->energy_class, "mac" },       [TA_MUX] = { u->energy_class, "mux" },
        [TA_CMP] = { u->energy_class, "max" },       [TA_META_READ] = { u->energy_class, "meta_read" },
        [TA_GLB_READ] = { glb->energy_class, "read" }, [TA_GLB_WRITE] = { glb->energy_class, "write" },
        [TA_DRAM_READ] = { a->levels[0].energy_class, "read" },
        [TA_DRAM_WRITE] = { a->levels[0].energy_class, "write" },
    };
    for (int k = 0; k < TA__COUNT; k++) {
        bool found = energy_lookup(&a->energy, e[k].cls, e[k].action, &pj[k], NULL);
        EINSIM_ASSERT(found);
    }
}

void energy_price_training(TrainResult *tr, const ArchSpec *a)
{
    if (!tr->feasible || !tr->unit)
        return;
    double pj[TA__COUNT];
    action_pj(a, tr->unit, pj);
    for (int l = 0; l < tr->n_layers; l++) {
        TrainLayerStat *ls = &tr->layers[l];
        ls->energy_pj = 0;
        for (int p = 0; p < PASS__COUNT; p++) {
            TrainPassStat *ps[2] = { &ls->pass[p], &ls->dense_ref[p] };
            for (int k = 0; k < 2; k++) {
                ps[k]->energy_pj = 0;
                for (int t = 0; t < TA__COUNT; t++)
                    ps[k]->energy_pj += ps[k]->actions[t] * pj[t];
            }
            ls->energy_pj += ls->pass[p].energy_pj;
        }
        ls->maskgen_pj = 0;
        for (int t = 0; t < TA__COUNT; t++)
            ls->maskgen_pj += ls->maskgen_actions[t] * pj[t];
        ls->energy_pj += ls->maskgen_pj;
    }
}
