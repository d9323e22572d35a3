/* run.c — loading and checking the inputs of one evaluation and evaluating them (used by
 * the commands, tests and sweeps). */
#include "run/run.h"

#include <stdlib.h>
#include <string.h>

#include "cascade/mask.h"
#include "mapping/mapping.h"
#include "util/util.h"

int run_inputs_load(RunInputs *ri, const char *arch, const char *wl, const char *map,
                    const Overrides *ov, Diag *d)
{
    memset(ri, 0, sizeof *ri);
    int used = CFG_HAS_ARCH | CFG_HAS_WORKLOAD | CFG_HAS_MAPPING | CFG_HAS_CASCADE;
    config_load_arch(arch, ov, d, &ri->arch);
    config_load_workload(wl, ov, d, &ri->workload);
    Override *extra = NULL;
    Overrides mov = run_mapping_overrides(ri->workload, ov, &extra);
    if (config_load_mapping(map, &mov, d, &ri->mapping) == 0)
        cascade_load(ri->mapping->cascade_path, ov, d, &ri->cascade);
    free(extra);
    config_check_overrides(ov, used, d);
    if (diag_count(d))
        return 1;
    /* Its units and levels exist (mapping_check errs otherwise), but what they can do may
     * differ from the machine the mapping was tuned for (FLAT's exp unit, say). */
    const MappingSpec *m = ri->mapping;
    size_t fl = m->written_for ? strlen(m->written_for) : 0;
    const char *an = ri->arch->name;
    if (m->written_for && strcmp(m->written_for, an) != 0 && /* a variant NAME-... is fine */
        !(strncmp(an, m->written_for, fl) == 0 && an[fl] == '-'))
        diag_warning(d, m->written_for_loc.file, m->written_for_loc.line,
                     "mapping %s was written for architecture %s, but runs on %s: its units "
                     "and levels exist there, their costs and sizes may not be the ones it "
                     "was made for", m->name, m->written_for, ri->arch->name);
    ri->in = (EngineInput){ ri->arch, ri->workload, ri->mapping, ri->cascade, &ri->sizes };
    if (!workload_is_training(ri->workload))
        for (int e = 0; e < ri->cascade->n_einsums; e++)
            if (run_prune_keeps_all(ri->cascade, e, ri->workload)) {
                ri->cascade->einsums[e].red = RED_NONE;   /* a copy: a view of W */
                ri->cascade->einsums[e].n_red = 0;
            }
    /* A layer list gives its sizes per layer: each layer is bound and checked (run_layers
     * runs them; ri->sizes stays unbound). */
    if (workload_is_training(ri->workload))
        return run_layers_check(ri->arch, ri->workload, ri->mapping, ri->cascade, d) ? 1 : 0;
    if (mapping_check(ri->mapping, ri->cascade, ri->arch, ri->workload, d, &ri->sizes))
        return 1;
    return engine_check(&ri->in, d) ? 1 : 0;
}

Overrides run_mapping_overrides(const WorkloadSpec *w, const Overrides *ov, Override **extra)
{
    *extra = NULL;
    bool explicit = false;
    for (int i = 0; i < ov->n; i++)
        explicit |= strcmp(ov->v[i].key, "mapping.cascade") == 0;
    if (!w || !w->cascade_path || explicit)
        return *ov;
    *extra = xcalloc((size_t)ov->n + 1, sizeof **extra);
    if (ov->n)
        memcpy(*extra, ov->v, (size_t)ov->n * sizeof **extra);
    (*extra)[ov->n] = (Override){ "mapping.cascade", w->cascade_path, ov->n + 1 };
    return (Overrides){ *extra, ov->n + 1 };
}

void run_inputs_free(RunInputs *ri)
{
    arch_free(ri->arch);
    workload_free(ri->workload);
    mapping_free(ri->mapping);
    cascade_free(ri->cascade);
    memset(ri, 0, sizeof *ri);
}

void run_evaluate(const RunInputs *ri, bool cycle_level, RunResult *out)
{
    memset(out, 0, sizeof *out);
    out->res = xcalloc(1, sizeof *out->res);
    out->training = workload_is_training(ri->workload);
    if (out->training) {
        run_layers(ri, cycle_level, &out->lr);
        *out->res = *out->lr.sum;
        if (cycle_level)
            out->cy = out->lr.cy;
    } else {
        engine_analytic(&ri->in, out->res);
        if (cycle_level)
            engine_cycle(&ri->in, out->res, &out->cy);
    }
    if (out->res->feasible)
        energy_price(out->res, ri->arch, &out->er);
    run_dram_split(ri, out->res, &out->split);
}

void run_dram_split(const RunInputs *ri, const EngineResult *res, DramSplit *s)
{
    memset(s, 0, sizeof *s);
    const Cascade *c = ri->cascade;
    s->declared = c && c->has_roles && res->feasible;
    for (int i = 0; s->declared && i < res->n_traffic; i++) {
        const TrafficStat *t = &res->traffic[i];
        int ti = cascade_find_tensor(c, t->tensor);
        if (strcmp(t->level, ri->arch->levels[0].name) == 0)
            s->bytes[ti >= 0 ? c->tensors[ti].role : ROLE_ACTIVATION] += t->bytes;
    }
}

void run_result_free(RunResult *r)
{
    layers_result_free(&r->lr);
    free(r->res);
    memset(r, 0, sizeof *r);
}
