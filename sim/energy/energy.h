/* energy.h — energy from event counts: Σ count × energy per event, at report time.
 *
 * The engine counts actions per component (unit or storage level) with the component's
 * energy class; this module prices them with the architecture's energy table, in the
 * engine's (fixed) order, so the sum is deterministic. */
#ifndef EINSIM_ENERGY_H
#define EINSIM_ENERGY_H

#include "config/spec.h"
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
} EnergyReport;

/* Prices every action of `r` with table `e` (entries are required: engine_check verifies
 * them). */
void energy_price(const EngineResult *r, const EnergySpec *e, EnergyReport *out);

#endif
