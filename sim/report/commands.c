/* commands.c — `einsim run`, the files of one run directory, and `einsim report`
 * (commands.h). */
#include "report/commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/reportgen.h"
#include "util/util.h"

static int write_out(Diag *d, const char *dir, const char *name, const char *text)
{
    char *path = path_join(dir, name);
    int rc = write_file_atomic(path, text, strlen(text));
    if (rc)
        diag_error(d, path, 0, "cannot write: %s", strerror(errno));
    free(path);
    return rc;
}

int report_write_run_dir(const RunReport *rep, const RunInputs *ri, const char *txt,
                         const char *outdir, Diag *d)
{
    char *json = report_stats_json(rep), *hdr = report_csv_header(), *row = report_csv_row(rep);
    char *csv = xasprintf("%s%s", hdr, row);
    char *eff = xasprintf("# effective configuration of this run\n%s%s%s", ri->arch->effective_cfg,
                          ri->workload->effective_cfg, ri->mapping->effective_cfg);
    int rc = 1;
    if (mkdirs(outdir) != 0)
        diag_error(d, outdir, 0, "cannot create the output directory: %s", strerror(errno));
    else if (write_out(d, outdir, "stats.json", json) == 0 &&
             write_out(d, outdir, "stats.txt", txt) == 0 &&
             write_out(d, outdir, "stats.csv", csv) == 0 &&
             write_out(d, outdir, "effective.cfg", eff) == 0)
        rc = 0;
    free(json);
    free(hdr);
    free(row);
    free(csv);
    free(eff);
    return rc;
}

Outcome report_run(const RunCommand *c, Diag *d)
{
    RunInputs ri;
    Outcome rc = OUTCOME_INPUT;
    if (run_inputs_load(&ri, c->arch, c->workload, c->mapping, &c->ov, d) == 0) {
        RunResult rr;
        run_evaluate(&ri, c->cycle_level, &rr);
        RunReport rep = { ri.arch->name, c->arch, ri.workload->name, c->workload,
                          ri.mapping->name, c->mapping, ri.cascade->name, ri.arch->clock_mhz,
                          rr.res, &rr.cy, &rr.er, rr.training ? &rr.tr : NULL };
        char *txt = report_stats_txt(&rep);
        fputs(txt, stdout);
        if (c->outdir)
            report_write_run_dir(&rep, &ri, txt, c->outdir, d);
        free(txt);
        rc = rr.res->feasible ? OUTCOME_OK : OUTCOME_INFEASIBLE;
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
