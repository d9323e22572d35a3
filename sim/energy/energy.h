/* energy.h — energy from event counts: Σ count × energy per event, at report time.
 *
 * The engine counts actions per component (unit or storage level) with the component's
 * energy class; this module prices them with the architecture's energy table, in the
 * engine's (fixed) order, so the sum is deterministic. */
#ifndef EINSIM_ENERGY_H
#define EINSIM_ENERGY_H

#include "config/spec.h"
#include "energy/area.h"
#include "engine/engine.h"

typedef struct {
    const char *component;
    const char *action;
    double count;
    double pj;          /* count × energy per event */
} EnergyItem;

typedef struct {
    EnergyItem items[ENGINE_MAX_ITEMS];
    int n;
    double total_pj;
    double leak_pj;     /* leakage, part of total_pj: static energy over the analytic time */
    double einsum_pj[ENGINE_MAX_ITEMS];  /* compute energy of each Einsum (r->einsums order) */
    double traffic_pj[ENGINE_MAX_ITEMS]; /* energy of each r->traffic row: its share of its
                                            level's read and write energy (by words) */
    double reg_traffic_pj[ENGINE_MAX_ITEMS]; /* each r->reg_traffic row: its share of its
                                                unit's reg_read and reg_write energy */
    ArchCost arch;      /* area (when the table has one) and roofline roofs (area.h) */
} EnergyReport;

/* Prices every action of `r` with the energy table of `a` (entries are required:
 * engine_check verifies them), and the compute energy of each Einsum (its ops on its
 * unit; an op without its own entry is charged as the unit's MACs for it). Also prices
 * the area of `a` into out->arch (area_price). */
void energy_price(const EngineResult *r, const ArchSpec *a, EnergyReport *out);

/* The priced energy of one action of a component (pJ; 0 when it has none). */
double energy_action_pj(const EnergyReport *er, const char *comp, const char *action);

/* Leakage: a "leak" entry of an energy class is pJ per cycle per PE (compute classes) or
 * per KiB of capacity (storage classes; per cycle for DRAM, which has no size), charged
 * over the run's cycles as the component's "leak" action. */

/* The total energy of a run that takes `cycles` instead of the analytic level's
 * `analytic_cycles` (the leakage scales with the time). */
double energy_at_cycles(const EnergyReport *er, uint64_t analytic_cycles, uint64_t cycles);

#endif
