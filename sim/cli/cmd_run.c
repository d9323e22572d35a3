/* cmd_run.c — `einsim run`: argument parsing and dispatch only (report_run in
 * sim/report/commands.h evaluates and writes). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/commands.h"

static const char run_usage[] =
    "usage: einsim run -a ARCH.cfg -w WORKLOAD.cfg -m MAPPING.cfg [--set KEY=VALUE]...\n"
    "                  [--level analytic|cycle|both] [-o DIR]\n"
    "\n"
    "Evaluates the mapping and prints stats.txt. With -o, writes DIR/stats.txt,\n"
    "DIR/stats.json, DIR/stats.csv (header + one row) and DIR/effective.cfg, each\n"
    "atomically. Exit code 4 when the mapping does not fit (the files still say why).\n"
    "  --level L         analytic (steady state), cycle or both (default: both; the cycle\n"
    "                    level is built on the analytic one, so both are reported)\n";

int cmd_run(int argc, char **argv)
{
    CliInputs in = { 0 };
    int rc = EXIT_INPUT;
    bool cycle_level = true;
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
                cycle_level = false;
            else if (strcmp(v, "cycle") == 0 || strcmp(v, "both") == 0)
                cycle_level = true;
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
    Diag d;
    diag_init(&d);
    RunCommand c = { in.arch, in.workload, in.mapping, in.outdir, cycle_level,
                     cli_overrides(&in.sets) };
    rc = cli_finish(&d, report_run(&c, &d));
out:
    cli_free_sets(&in.sets);
    return rc;
}
