/* cmd_run.c — `einsim run`: evaluate one (architecture, workload, mapping) and write
 * the report files into the output directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "run/run.h"
#include "energy/energy.h"
#include "energy/train_energy.h"
#include "engine/train.h"
#include "report/report.h"
#include "util/util.h"

static const char run_usage[] =
    "usage: einsim run -a ARCH.cfg -w WORKLOAD.cfg -m MAPPING.cfg [--set KEY=VALUE]...\n"
    "                  [--level analytic|cycle|both] [-o DIR]\n"
    "\n"
    "Evaluates the mapping and prints stats.txt. With -o, writes DIR/stats.txt,\n"
    "DIR/stats.json, DIR/stats.csv (header + one row) and DIR/effective.cfg, each\n"
    "atomically. Exit code 4 when the mapping does not fit (the files still say why).\n"
    "  --level L         analytic (steady state), cycle or both (default: both; the cycle\n"
    "                    level is built on the analytic one, so both are reported)\n";

static int write_out(Diag *d, const char *dir, const char *name, const char *text)
{
    char *path = path_join(dir, name);
    int rc = write_file_atomic(path, text, strlen(text));
    if (rc)
        diag_error(d, path, 0, "cannot write: %s", strerror(errno));
    free(path);
    return rc;
}

int run_write_dir(const RunReport *rep, const RunInputs *ri, const char *txt, const char *outdir,
                  Diag *d)
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

int cmd_run(int argc, char **argv)
{
    CliInputs in = { 0 };
    int rc = EXIT_INPUT, cycle_level = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(run_usage, stdout);
            cli_free_sets(&in.sets);
            return EXIT_OK;
        }
        if (!v) {
            fprintf(stderr, "einsim run: error: '%s' needs a value or is unknown\n%s", a, run_usage);
            goto out;
        }
        int got = cli_input_opt(&in, argc, argv, &i);
        if (got < 0)
            goto out;
        if (got > 0)
            continue;
        if (strcmp(a, "--level") == 0) {
            if (strcmp(v, "analytic") == 0)
                cycle_level = 0;
            else if (strcmp(v, "cycle") == 0 || strcmp(v, "both") == 0)
                cycle_level = 1;
            else {
                fprintf(stderr, "einsim run: error: --level %s: expected analytic, cycle or "
                        "both\n", v);
                goto out;
            }
        } else {
            fprintf(stderr, "einsim run: error: unknown option '%s'\n%s", a, run_usage);
            goto out;
        }
        i++;
    }
    if (!in.arch || !in.workload || !in.mapping) {
        fprintf(stderr, "einsim run: error: -a, -w and -m are required\n%s", run_usage);
        goto out;
    }
    Overrides ov = cli_overrides(&in.sets);
    Diag d;
    diag_init(&d);
    RunInputs ri;
    static EngineResult res;
    CycleResult cy = { 0 };
    EnergyReport er;
    TrainResult tr = { 0 };
    if (run_inputs_load(&ri, in.arch, in.workload, in.mapping, &ov, &d) == 0) {
        bool training = workload_is_training(ri.workload);
        if (training) {
            train_run(&ri.in, cycle_level, &tr, &res, &cy);
            energy_price_training(&tr, ri.arch);
        } else {
            engine_analytic(&ri.in, &res);
            if (cycle_level)
                engine_cycle(&ri.in, &res, &cy);
        }
        if (res.feasible)
            energy_price(&res, ri.arch, &er);
        else
            memset(&er, 0, sizeof er);
        RunReport rep = { ri.arch->name, in.arch, ri.workload->name, in.workload,
                          ri.mapping->name, in.mapping, ri.cascade->name, ri.arch->clock_mhz,
                          &res, &cy, &er, training ? &tr : NULL };
        char *txt = report_stats_txt(&rep);
        fputs(txt, stdout);
        if (in.outdir)
            run_write_dir(&rep, &ri, txt, in.outdir, &d);
        free(txt);
        rc = res.feasible ? EXIT_OK : EXIT_INFEASIBLE;
    }
    if (cli_report(&d))
        rc = EXIT_INPUT;
    diag_free(&d);
    train_result_free(&tr);
    run_inputs_free(&ri);
out:
    cli_free_sets(&in.sets);
    return rc;
}
