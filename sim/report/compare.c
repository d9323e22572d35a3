/* compare.c — `einsim compare`: several (architecture, mapping) pairs over a list of
 * workloads and sequence lengths, as one table with speedup and energy ratio against
 * the first pair (commands.h). */
#include "report/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/output.h"
#include "util/util.h"

typedef struct {
    double seconds, energy;
    int feasible;
} Point;

Outcome report_compare(const CompareCommand *c, Diag *d)
{
    OutDir *od = NULL;
    if (c->outdir && !(od = outdir_open(c->outdir, "einsim compare", d)))
        return OUTCOME_INPUT;
    Emit csv = { 0 };
    emit_printf(&csv, "workload,seq,arch,mapping,feasible,cycles,seconds,energy_pj,speedup,"
                      "energy_ratio,dram_bytes,bound,utilization,cycle_cycles,cycle_seconds,reason\n");
    Outcome rc = OUTCOME_OK;
    printf("%-8s %9s %-14s %13s %9s %13s %13s %8s %-30s %16s %-8s\n", "workload", "seq",
           "mapping", "latency s", "speedup", "cycle-level s", "energy pJ", "E ratio",
           "utilization", "DRAM bytes", "bound");
    for (int w = 0; w < c->n_workloads; w++)
        for (int s = 0; s < (c->n_seqs ? c->n_seqs : 1); s++) {
            Point base = { 0, 0, 0 };
            for (int p = 0; p < c->n_pairs; p++) {
                /* The user's overrides plus workload.seq for this point. */
                Override *ov = xcalloc((size_t)c->ov.n + 1, sizeof *ov);
                for (int k = 0; k < c->ov.n; k++)
                    ov[k] = c->ov.v[k];
                int n = c->ov.n;
                if (c->n_seqs)
                    ov[n++] = (Override){ "workload.seq", c->seqs[s], c->ov.n + 1 };
                Overrides o = { ov, n };
                RunInputs ri;
                int bad = run_inputs_load(&ri, c->arch[p], c->workloads[w], c->mapping[p], &o, d);
                free(ov);
                if (!bad && workload_is_training(ri.workload)) {
                    diag_error(d, c->workloads[w], 0, "workload %s is a training workload; "
                               "compare N:M settings with einsim train-compare",
                               ri.workload->name);
                    bad = 1;
                }
                if (bad) {
                    run_inputs_free(&ri);
                    rc = OUTCOME_INPUT;
                    goto done;
                }
                RunResult rr;
                run_evaluate(&ri, true, &rr);
                const EngineResult *res = rr.res;
                const CycleResult *cy = &rr.cy;
                RunReport rep = { ri.arch->name, c->arch[p], ri.workload->name,
                                  c->workloads[w], ri.mapping->name, c->mapping[p],
                                  ri.cascade->name, ri.arch->clock_mhz, res, cy, &rr.er };
                RunFiles f;
                if (report_run_files(&rep, &ri, &f, d)) {
                    run_result_free(&rr);
                    run_inputs_free(&ri);
                    rc = OUTCOME_INPUT;
                    goto done;
                }
                Point pt = { res->seconds, rr.er.total_pj, res->feasible };
                if (p == 0)
                    base = pt;
                char util[128] = "";
                for (int u = 0; u < res->n_units; u++) {
                    size_t len = strlen(util);
                    snprintf(util + len, sizeof util - len, "%s%s %.3f", u ? ", " : "",
                             res->unit_name[u], res->utilization[u]);
                }
                const char *seq_txt = c->n_seqs ? c->seqs[s] : "-";
                if (!res->feasible) {
                    printf("%-8s %9s %-14s infeasible: %s\n", ri.workload->name, seq_txt,
                           ri.mapping->name, res->reason);
                } else {
                    double sp = base.feasible ? base.seconds / pt.seconds : 0;
                    double er_ = base.feasible ? pt.energy / base.energy : 0;
                    printf("%-8s %9s %-14s %13.6g %8.3fx %13.6g %13.6e %8.3f %-30s %16llu %-8s\n",
                           ri.workload->name, seq_txt, ri.mapping->name, pt.seconds, sp,
                           cy->seconds, pt.energy, er_, util, (unsigned long long)res->dram_bytes,
                           res->bound);
                }
                const char *names[4] = { ri.workload->name, seq_txt, ri.arch->name,
                                         ri.mapping->name };
                for (int k = 0; k < 4; k++) {
                    emit_csv_field(&csv, names[k]);
                    emit_printf(&csv, ",");
                }
                emit_printf(&csv, "%d,%llu,%.17g,%.17g,%.17g,%.17g,%llu,%s,\"%s\",%llu,%.17g,",
                            res->feasible, (unsigned long long)res->cycles, pt.seconds, pt.energy,
                            base.feasible && pt.feasible ? base.seconds / pt.seconds : 0,
                            base.feasible && pt.feasible ? pt.energy / base.energy : 0,
                            (unsigned long long)res->dram_bytes, res->feasible ? res->bound : "",
                            util, (unsigned long long)cy->cycles, cy->seconds);
                emit_printf(&csv, "\"");
                for (const char *q = res->feasible ? "" : res->reason; *q; q++)
                    emit_printf(&csv, *q == '"' ? "\"\"" : "%c", *q);
                emit_printf(&csv, "\"\n");
                if (c->outdir) {
                    char *sub = xasprintf("%s/%s-%s-%s", c->outdir, ri.workload->name, seq_txt,
                                          ri.mapping->name);
                    if (report_write_run_dir(&f, sub, d))
                        rc = OUTCOME_INPUT;
                    free(sub);
                }
                report_run_files_free(&f);
                run_result_free(&rr);
                run_inputs_free(&ri);
            }
        }
    char bad[EMIT_FIELD_MAX], *text = emit_take(&csv, bad);
    if (!text)
        diag_error(d, c->outdir ? c->outdir : "compare.csv", 0, "compare.csv: %s is not a finite "
                   "number", bad);
    else if (od && rc == OUTCOME_OK && outdir_write(od, "compare.csv", text, strlen(text), d) == 0) {
        char *path = path_join(c->outdir, "compare.csv");
        printf("wrote %s and one run directory per point\n", path);
        free(path);
    }
    free(text);
done:
    outdir_close(od, rc == OUTCOME_OK && diag_count(d) == 0, d);
    emit_free(&csv);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}
