/* cmd_run.c — `einsim run`: argument parsing and dispatch only (report_run in
 * sim/report/commands.h evaluates and writes). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/commands.h"

static const CliOpt run_opts[] = {
    CLI_OPT_ARCH,
    CLI_OPT_WORKLOAD,
    CLI_OPT_MAPPING,
    CLI_OPT_SET,
    { "--level", "analytic|cycle|both", "analytic (steady state), cycle or both (default: both; the cycle\n"
                      "level is built on the analytic one, so both are reported)", 0 },
    { "-o", "DIR", "write DIR/stats.txt, stats.json, stats.csv (header + one row) and\n"
                   "effective.cfg, each atomically", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec run_spec = {
    "run", NULL,
    "Evaluates the mapping and prints stats.txt. Exit code 4 when the mapping does not fit\n"
    "(the files still say why).\n",
    run_opts, NULL,
};

int cmd_run(int argc, char **argv)
{
    CliInputs in = { 0 };
    int rc = EXIT_INPUT;
    bool cycle_level = true;
    CliArgs p = { &run_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP) {
            rc = EXIT_OK;
            goto out;
        }
        if (k == CLI_ERR)
            goto out;
        int got = cli_input_take(&in, run_opts[k].name, v);
        if (got < 0)
            goto out;
        if (got)
            continue;
        /* --level */
        if (strcmp(v, "analytic") == 0)
            cycle_level = false;
        else if (strcmp(v, "cycle") == 0 || strcmp(v, "both") == 0)
            cycle_level = true;
        else {
            fprintf(stderr, "einsim run: error: --level %s: expected analytic, cycle or both\n", v);
            goto out;
        }
    }
    if (cli_check_required(&p))
        goto out;
    Diag d;
    diag_init(&d);
    RunCommand c = { in.arch, in.workload, in.mapping, in.outdir, cycle_level,
                     cli_overrides(&in.sets) };
    rc = cli_finish(&d, report_run(&c, &d));
out:
    cli_free_sets(&in.sets);
    return rc;
}
