/* train_compare.c — `einsim train-compare`: N:M settings over training workloads, as one
 * table of whole-iteration speedup and energy ratio against dense, with the gap between
 * the modelled and the ideal BDWP speedup attributed to its causes (commands.h). */
#include "report/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy/energy.h"
#include "sparse/pe.h"
#include "util/output.h"
#include "util/emit.h"
#include "util/util.h"

typedef struct {
    bool ok;
    uint64_t cycles;
    double energy_pj;
    char nm_hw[16];
    double util, eff;
    LayersResult lr;          /* owned */
} TrainPoint;

/* The pattern the mapping's first sparse-capable unit runs nm as ("dense" when dense). */
static void hw_pattern(const RunInputs *ri, const char *nm, char *out, size_t n)
{
    NMPattern p;
    snprintf(out, n, "dense");
    if (nm_parse(nm, &p) != 0 || p.dense)
        return;
    for (int b = 0; b < ri->mapping->n_bindings; b++) {
        const ComputeUnitSpec *u = arch_find_unit(ri->arch, ri->mapping->bindings[b].unit);
        NMRemap rm;
        if (u && u->sparse.present &&
            nm_remap(&p, u->sparse.pat_n, u->sparse.pat_m, u->sparse.n_patterns, u->name, &rm) == 0) {
            snprintf(out, n, "%d:%d", rm.hw_n, rm.hw_m);
            return;
        }
    }
    nm_format(&p, out, n);
}

/* Peak MACs per cycle of the units the mapping binds (PEs x lanes, each unit once). */
static double peak_macs(const RunInputs *ri)
{
    double peak = 0;
    const ComputeUnitSpec *seen[ENGINE_MAX_UNITS];
    int n = 0;
    for (int b = 0; b < ri->mapping->n_bindings; b++) {
        const ComputeUnitSpec *u = arch_find_unit(ri->arch, ri->mapping->bindings[b].unit);
        bool dup = !u;
        for (int k = 0; k < n && !dup; k++)
            dup = seen[k] == u;
        if (dup || n == ENGINE_MAX_UNITS)
            continue;
        seen[n++] = u;
        peak += (double)u->rows * u->cols * (u->sparse.present ? u->sparse.lanes : 1);
    }
    return peak;
}

/* One (workload, pattern) run; errors (e.g. an unsupported pattern) go to d. */
static void train_point(const char *arch, const char *wl, const char *map, const Overrides *sets,
                        const char *nm, bool cycle_level, Diag *d, TrainPoint *pt)
{
    memset(pt, 0, sizeof *pt);
    /* The user's overrides, then workload.nm = this setting. */
    Override *v = xcalloc((size_t)sets->n + 1, sizeof *v);
    for (int i = 0; i < sets->n; i++)
        v[i] = sets->v[i];
    v[sets->n] = (Override){ "workload.nm", nm, sets->n + 1 };
    Overrides ov = { v, sets->n + 1 };
    RunInputs ri;
    if (run_inputs_load(&ri, arch, wl, map, &ov, d) == 0) {
        if (!workload_is_training(ri.workload)) {
            diag_error(d, wl, 0, "workload %s is not a training workload (kind = \"training\" "
                       "with a cascade and its layers)", ri.workload->name);
        } else {
            run_layers(&ri, cycle_level, &pt->lr);
            const EngineResult *res = pt->lr.sum;
            if (!res->feasible) {
                diag_error(d, map, 0, "%s at %s: infeasible: %s", ri.workload->name, nm, res->reason);
            } else {
                EnergyReport er;
                energy_price(res, ri.arch, &er);
                pt->ok = true;
                pt->cycles = cycle_level ? pt->lr.cy.cycles : res->cycles;
                pt->energy_pj = er.total_pj;
                hw_pattern(&ri, nm, pt->nm_hw, sizeof pt->nm_hw);
                double issued = 0;
                for (int i = 0; i < res->n_einsums; i++)
                    issued += (double)res->einsums[i].ops[OP_MAC];
                double peak = peak_macs(&ri) * (double)pt->cycles;
                pt->util = peak > 0 ? issued / peak : 0;
                pt->eff = peak > 0 ? (double)res->macs_dense_equivalent / peak : 0;
            }
        }
    }
    run_inputs_free(&ri);
    free(v);
}

Outcome report_train_compare(const TrainCompareCommand *c, Diag *d)
{
    Emit csv = { 0 };
    emit_printf(&csv, "workload,nm,nm_hw,level,cycles,speedup,ideal_speedup,energy_pj,energy_ratio,"
                     "hw_utilization,effective_throughput,gap_dense_layers,gap_wg_share,"
                     "gap_maskgen,gap_imbalance,gap_hazards,gap_fill_drain,gap_metadata,"
                     "gap_memory\n");
    printf("%s level; speedup and energy ratio over dense; gap = %% of the dense iteration "
           "between the ideal (1+2N/M)/3 and this setting\n", c->cycle_level ? "cycle" : "analytic");
    printf("%-16s %-5s %-5s %14s %8s %7s %7s %6s %6s | %6s %6s %6s %6s %6s %6s %6s %6s\n",
           "workload", "N:M", "as", "cycles", "speedup", "ideal", "E ratio", "util", "eff",
           "dense", "wgrad", "masks", "imbal", "hazard", "fill", "meta", "dram");
    int failures = 0;
    for (int w = 0; w < c->n_workloads; w++) {
        TrainPoint base;
        train_point(c->arch, c->workloads[w], c->mapping, &c->ov, "dense", c->cycle_level, d, &base);
        if (!base.ok) {
            layers_result_free(&base.lr);
            failures++;
            continue;
        }
        for (int k = 0; k < c->n_nms; k++) {
            TrainPoint pt;
            NMPattern p;
            nm_parse(c->nms[k], &p);
            if (p.dense)
                pt = base;
            else
                train_point(c->arch, c->workloads[w], c->mapping, &c->ov, c->nms[k], c->cycle_level, d, &pt);
            LayersAttribution at;
            if (pt.ok)
                run_layers_attribute(&pt.lr, &base.lr, &p, c->cycle_level, &at);
            if (!p.dense)
                layers_result_free(&pt.lr);
            char name[64];
            snprintf(name, sizeof name, "%s", c->workloads[w]);
            const char *slash = strrchr(name, '/');
            const char *shown = slash ? slash + 1 : name;
            char shortname[64];
            snprintf(shortname, sizeof shortname, "%s", shown);
            char *dot = strstr(shortname, ".cfg");
            if (dot)
                *dot = '\0';
            if (!pt.ok) {
                printf("%-16s %-5s rejected (see the error below)\n", shortname, c->nms[k]);
                failures++;
                continue;
            }
            double td = at.t_dense > 0 ? at.t_dense : 1;
            double g[8] = { at.dense_layers, at.wg_share, at.maskgen, at.imbalance,
                            at.hazards, at.fill_drain, at.metadata, at.memory };
            double speed = pt.cycles ? (double)base.cycles / (double)pt.cycles : 0;
            double ideal = 1.0 / at.ideal_ratio;
            double er = base.energy_pj > 0 ? pt.energy_pj / base.energy_pj : 0;
            printf("%-16s %-5s %-5s %14llu %7.3fx %6.3fx %7.4f %6.4f %6.3f |", shortname, c->nms[k],
                   pt.nm_hw, (unsigned long long)pt.cycles, speed, ideal, er, pt.util, pt.eff);
            for (int i = 0; i < 8; i++)
                printf(" %6.2f", 100.0 * g[i] / td);
            printf("\n");
            emit_csv_field(&csv, shortname);
            emit_printf(&csv, ",%s,%s,%s,%llu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g", c->nms[k],
                        pt.nm_hw, c->cycle_level ? "cycle" : "analytic",
                        (unsigned long long)pt.cycles, speed, ideal, pt.energy_pj, er, pt.util,
                        pt.eff);
            for (int i = 0; i < 8; i++)
                emit_printf(&csv, ",%.17g", 100.0 * g[i] / td);
            emit_printf(&csv, "\n");
        }
        layers_result_free(&base.lr);
    }
    printf("columns after '|': dense = unpruned layers, wgrad = weight-gradient share, masks = "
           "mask generation,\n  imbal = sparse passes' issue beyond N/M of dense (lanes, mux "
           "window, ragged groups, idle PEs,\n  the results' drain floor, accumulator hazards, "
           "the metadata bandwidth), fill = cycle level\n  beyond analytic (fill/drain, start-up, "
           "waits), dram = DRAM bandwidth; hazard and meta are not\n  separated from imbal (0); "
           "ideal%% + the gap columns = 100 / speedup\n");
    char bad[EMIT_FIELD_MAX], *text = emit_take(&csv, bad);
    if (!text) {
        diag_error(d, c->mapping, 0, "train-compare.csv: %s is not a finite number (the inputs "
                   "take the model out of its range)", bad);
    } else if (c->outdir && failures == 0) {
        OutDir *od = outdir_open(c->outdir, "einsim train-compare", d);
        if (od)
            outdir_close(od, outdir_write(od, "train-compare.csv", text, strlen(text), d) == 0, d);
    }
    free(text);
    return diag_count(d) || failures ? OUTCOME_INPUT : OUTCOME_OK;
}
