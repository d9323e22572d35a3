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
    /* The run CSV's columns (report.h), then the ratios and the run directory. */
    char *hdr = report_csv_header();
    hdr[strlen(hdr) - 1] = '\0'; /* its newline */
    emit_printf(&csv, "%s,speedup,energy_ratio,run_dir\n", hdr);
    free(hdr);
    Outcome rc = OUTCOME_OK;
    printf("%-8s %9s %-14s %13s %9s %13s %13s %8s %-30s %16s %-8s\n", "workload", "seq",
           "mapping", "latency s", "speedup", "cycle-level s", "energy pJ", "E ratio",
           "utilization", "DRAM bytes", "bound");
    for (int w = 0; w < c->n_workloads; w++)
        for (int s = 0; s < (c->n_seqs ? c->n_seqs : 1); s++) {
            Point base = { 0, 0, 0 };
            for (int p = 0; p < c->n_pairs; p++) {
                /* The user's overrides, the pair's own, then workload.seq for this point. */
                const Overrides *po = c->pair_ov ? &c->pair_ov[p] : NULL;
                int npo = po ? po->n : 0;
                Override *ov = xcalloc((size_t)(c->ov.n + npo) + 1, sizeof *ov);
                int n = 0;
                for (int k = 0; k < c->ov.n; k++)
                    ov[n++] = c->ov.v[k];
                for (int k = 0; k < npo; k++) {
                    ov[n] = po->v[k];
                    ov[n].index = n + 1;
                    n++;
                }
                if (c->n_seqs) {
                    ov[n] = (Override){ "workload.seq", c->seqs[s], n + 1 };
                    n++;
                }
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
                                  ri.cascade->name, ri.arch->clock_mhz, res, cy, &rr.er, NULL,
                                  report_seq_of(ri.workload), &rr.split };
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
                /* The pair's label, and its run directory (no '/' from an override value). */
                /* A pair that names its mapping (mapping.name=NAME) is labelled NAME. */
                bool named = false;
                for (int k = 0; k < npo; k++)
                    named |= strcmp(po->v[k].key, "mapping.name") == 0;
                Buf lb = {0};
                buf_printf(&lb, "%s", ri.mapping->name);
                for (int k = 0; k < npo && !named; k++)
                    buf_printf(&lb, "%s%s=%s", k ? "," : "[", po->v[k].key, po->v[k].value);
                buf_printf(&lb, "%s", npo && !named ? "]" : "");
                char *label = buf_take(&lb);
                char *rdir = xasprintf("%s-%s-%s", ri.workload->name, seq_txt, label);
                for (char *q = rdir; *q; q++)
                    if (*q == '/')
                        *q = '_';
                if (!res->feasible) {
                    printf("%-8s %9s %-14s infeasible: %s\n", ri.workload->name, seq_txt,
                           label, res->reason);
                } else {
                    double sp = base.feasible ? base.seconds / pt.seconds : 0;
                    /* No ratio to a baseline without energy (an energy table of zeros). */
                    char er_[16] = "-";
                    if (base.feasible && base.energy > 0)
                        snprintf(er_, sizeof er_, "%.3f", pt.energy / base.energy);
                    printf("%-8s %9s %-14s %13.6g %8.3fx %13.6g %13.6e %8s %-30s %16llu %-8s\n",
                           ri.workload->name, seq_txt, label, pt.seconds, sp,
                           cy->seconds, pt.energy, er_, util, (unsigned long long)res->dram_bytes,
                           res->bound);
                }
                RunReport row_rep = rep;
                row_rep.mapping = label;
                char bad_row[EMIT_FIELD_MAX], *row = report_csv_row(&row_rep, bad_row);
                if (!row) {
                    diag_error(d, c->outdir ? c->outdir : "compare.csv", 0, "compare.csv: %s is "
                               "not a finite number", bad_row);
                    rc = OUTCOME_INPUT;
                } else {
                    row[strlen(row) - 1] = '\0'; /* its newline */
                    emit_printf(&csv, "%s,", row);
                }
                free(row);
                if (base.feasible && pt.feasible)
                    emit_printf(&csv, "%.17g,", base.seconds / pt.seconds);
                else
                    emit_printf(&csv, ",");
                if (base.feasible && pt.feasible && base.energy > 0)
                    emit_printf(&csv, "%.17g,", pt.energy / base.energy);
                else
                    emit_printf(&csv, ",");
                emit_csv_field(&csv, rdir);
                emit_printf(&csv, "\n");
                if (c->outdir) {
                    char *sub = path_join(c->outdir, rdir);
                    if (report_write_run_dir(&f, sub, d))
                        rc = OUTCOME_INPUT;
                    free(sub);
                }
                free(label);
                free(rdir);
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
