/* commands.c — `einsim run`, the files of one run directory, and `einsim report`
 * (commands.h). */
#include "report/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/reportgen.h"
#include "util/output.h"
#include "util/util.h"

int report_run_files(const RunReport *rep, const RunInputs *ri, RunFiles *f, Diag *d)
{
    memset(f, 0, sizeof *f);
    char bad[EMIT_FIELD_MAX];
    f->json = report_stats_json(rep, bad);
    f->row = f->json ? report_csv_row(rep, bad) : NULL;
    if (!f->row) {
        diag_error(d, rep->workload_path, 0, "workload %s on mapping %s: the result %s is not a "
                   "finite number (the inputs take the model out of its range); nothing written",
                   rep->workload, rep->mapping, bad);
        report_run_files_free(f);
        return 1;
    }
    char *hdr = report_csv_header();
    f->csv = xasprintf("%s%s", hdr, f->row);
    free(hdr);
    f->txt = report_stats_txt(rep);
    f->eff = xasprintf("# effective configuration of this run\n%s%s%s", ri->arch->effective_cfg,
                       ri->workload->effective_cfg, ri->mapping->effective_cfg);
    return 0;
}

void report_run_files_free(RunFiles *f)
{
    free(f->txt);
    free(f->json);
    free(f->csv);
    free(f->eff);
    free(f->row);
    memset(f, 0, sizeof *f);
}

int report_write_run_dir(const RunFiles *f, const char *outdir, Diag *d)
{
    OutDir *o = outdir_open(outdir, "einsim run", d);
    if (!o)
        return 1;
    int rc = outdir_write(o, "stats.json", f->json, strlen(f->json), d) ||
             outdir_write(o, "stats.txt", f->txt, strlen(f->txt), d) ||
             outdir_write(o, "stats.csv", f->csv, strlen(f->csv), d) ||
             outdir_write(o, "effective.cfg", f->eff, strlen(f->eff), d);
    return outdir_close(o, rc == 0, d) || rc;
}

Outcome report_run(const RunCommand *c, Diag *d)
{
    RunInputs ri;
    Outcome rc = OUTCOME_INPUT;
    if (run_inputs_load(&ri, c->arch, c->workload, c->mapping, &c->ov, d) == 0) {
        RunResult rr;
        run_evaluate(&ri, c->cycle_level, &rr);
        if (rr.res->too_large || rr.cy.overflow) {
            /* Not a mapping that does not fit: no result exists for these sizes. */
            diag_error(d, ri.workload->loc.file, ri.workload->loc.line,
                       "workload too large: its %s cycles, counts or bytes overflow 64 bits "
                       "(%s on %s)", rr.res->too_large ? "analytic" : "cycle-level",
                       ri.mapping->name, ri.arch->name);
            run_result_free(&rr);
            run_inputs_free(&ri);
            return OUTCOME_INPUT;
        }
        RunReport rep = { ri.arch->name, c->arch, ri.workload->name, c->workload,
                          ri.mapping->name, c->mapping, ri.cascade->name, ri.arch->clock_mhz,
                          rr.res, &rr.cy, &rr.er, rr.training ? &rr.lr : NULL,
                          report_seq_of(ri.workload), &rr.split };
        RunFiles f;
        if (report_run_files(&rep, &ri, &f, d) == 0) {
            fputs(f.txt, stdout);
            if (c->outdir)
                report_write_run_dir(&f, c->outdir, d);
            rc = rr.res->feasible ? OUTCOME_OK : OUTCOME_INFEASIBLE;
        }
        report_run_files_free(&f);
        run_result_free(&rr);
    }
    run_inputs_free(&ri);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}

Outcome report_command(const ReportOptions *o, Diag *d)
{
    ReportResult res;
    int rc = report_generate(o, &res, d);
    if (rc == 0)
        printf("report: %d run%s, %d plot%s (PNG + SVG) in %s\nwrote %s/report.html\n", res.n_rows,
               res.n_rows == 1 ? "" : "s", res.n_plots, res.n_plots == 1 ? "" : "s", res.outdir,
               res.outdir);
    free(res.outdir);
    return rc || diag_count(d) ? OUTCOME_INPUT : OUTCOME_OK;
}
