/* run.h — the inputs of one evaluation, loaded and cross-checked. */
#ifndef EINSIM_RUN_H
#define EINSIM_RUN_H

#include "cascade/cascade.h"
#include "config/config.h"
#include "engine/engine.h"

typedef struct RunInputs {
    ArchSpec *arch;
    WorkloadSpec *workload;
    MappingSpec *mapping;
    Cascade *cascade;
    RankBinding sizes;
    EngineInput in;   /* points at the fields above */
} RunInputs;

/* Loads and checks (config, mapping_check, engine_check). Returns 0, or 1 with errors
 * in `d`; run_inputs_free is safe either way. */
int run_inputs_load(RunInputs *ri, const char *arch, const char *wl, const char *map,
                    const Overrides *ov, Diag *d);
void run_inputs_free(RunInputs *ri);

#endif
