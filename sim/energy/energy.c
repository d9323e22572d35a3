/* energy.c — pricing the engine's action counts with the energy table. */
#include "energy/energy.h"

#include <string.h>

#include "util/util.h"

double energy_action_pj(const EnergyReport *er, const char *comp, const char *action)
{
    for (int i = 0; i < er->n; i++)
        if (strcmp(er->items[i].component, comp) == 0 && strcmp(er->items[i].action, action) == 0)
            return er->items[i].pj;
    return 0;
}

/* The energy of each traffic row: its share, by words, of its level's `rd` energy (its
 * reads) and `wr` energy (its writes and fills). The shares of a level's rows add up to
 * its priced actions, so the rows and the action table agree. */
static void rows_pj(const EnergyReport *er, const TrafficStat *rows, int n, const char *rd,
                    const char *wr, double *out)
{
    for (int i = 0; i < n; i++) {
        double rsum = 0, wsum = 0;
        for (int j = 0; j < n; j++)
            if (strcmp(rows[j].level, rows[i].level) == 0) {
                rsum += (double)rows[j].reads;
                wsum += (double)rows[j].writes + (double)rows[j].fills;
            }
        double w = (double)rows[i].writes + (double)rows[i].fills;
        double pr = energy_action_pj(er, rows[i].level, rd), pw = energy_action_pj(er, rows[i].level, wr);
        out[i] = (rsum > 0 ? pr * ((double)rows[i].reads / rsum) : 0) + (wsum > 0 ? pw * (w / wsum) : 0);
    }
}

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
    rows_pj(out, r->traffic, r->n_traffic, "read", "write", out->traffic_pj);
    rows_pj(out, r->reg_traffic, r->n_reg_traffic, "reg_read", "reg_write", out->reg_traffic_pj);
}

double energy_at_cycles(const EnergyReport *er, uint64_t analytic_cycles, uint64_t cycles)
{
    if (!analytic_cycles)
        return er->total_pj;
    return er->total_pj - er->leak_pj + er->leak_pj * ((double)cycles / (double)analytic_cycles);
}
