/* cmd_train.c — `einsim train-compare`: argument parsing and dispatch only
 * (report_train_compare in sim/report/commands.h evaluates and tabulates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/commands.h"
#include "util/util.h"

static const CliOpt train_opts[] = {
    CLI_OPT_ARCH,
    CLI_OPT_MAPPING,
    { "-w", "WORKLOAD.cfg[,...]", "training workload files, comma-separated", CLI_REQUIRED },
    { "--nm", "P[,P...]", "N:M settings (default dense,4:8,2:8,1:8,2:4)", 0 },
    { "--level", "analytic|cycle", "the level reported (default cycle)", 0 },
    CLI_OPT_SET,
    { "-o", "DIR", "write DIR/train-compare.csv atomically", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec train_compare_spec = {
    "train-compare", NULL,
    "Runs each training workload at each N:M setting (--set workload.nm=P) and prints the\n"
    "whole-iteration cycles, the speedup and energy ratio over dense, the hardware\n"
    "utilisation (issued MACs / peak) and the effective throughput (dense-equivalent MACs\n"
    "/ peak), and where the gap to the ideal BDWP speedup 3 / (1 + 2N/M) goes, in % of\n"
    "the dense iteration. A pattern the unit cannot run is listed with the reason (exit 1).\n",
    train_opts, NULL,
};

#define MAX_LIST 16

int cmd_train_compare(int argc, char **argv)
{
    SetList sets = { 0 };
    const char *arch = NULL, *map = NULL, *outdir = NULL;
    char *wl_arg = NULL, *nm_arg = xstrdup("dense,4:8,2:8,1:8,2:4");
    char *wls[MAX_LIST], *nms[MAX_LIST];
    int rc = EXIT_INPUT;
    bool cycle_level = true;
    CliArgs p = { &train_compare_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP) {
            rc = EXIT_OK;
            goto out;
        }
        if (k == CLI_ERR)
            goto out;
        const char *a = train_opts[k].name;
        if (strcmp(a, "-a") == 0)
            arch = v;
        else if (strcmp(a, "-m") == 0)
            map = v;
        else if (strcmp(a, "-o") == 0)
            outdir = v;
        else if (strcmp(a, "-w") == 0) {
            free(wl_arg);
            wl_arg = xstrdup(v);
        } else if (strcmp(a, "--nm") == 0) {
            free(nm_arg);
            nm_arg = xstrdup(v);
        } else if (strcmp(a, "--set") == 0) {
            if (cli_add_set(&sets, v))
                goto out;
        } else if (strcmp(v, "analytic") == 0) { /* --level */
            cycle_level = false;
        } else if (strcmp(v, "cycle") == 0) {
            cycle_level = true;
        } else {
            fprintf(stderr, "einsim train-compare: error: --level %s: expected analytic or "
                    "cycle\n", v);
            goto out;
        }
    }
    if (cli_check_required(&p))
        goto out;
    int nw = cli_split("train-compare", "-w", wl_arg, wls, MAX_LIST);
    int nn = cli_split("train-compare", "--nm", nm_arg, nms, MAX_LIST);
    if (nw < 0 || nn < 0)
        goto out;
    for (int k = 0; k < nn; k++) {
        NMPattern pat;
        if (nm_parse(nms[k], &pat) != 0) {
            fprintf(stderr, "einsim train-compare: error: --nm '%s': expected N:M with 1 <= N <= "
                    "M <= 64, or dense\n", nms[k]);
            goto out;
        }
    }
    Diag d;
    diag_init(&d);
    TrainCompareCommand c = { arch, map, (const char *const *)wls, nw, (const char *const *)nms,
                              nn, cycle_level, cli_overrides(&sets), outdir };
    rc = cli_finish(&d, report_train_compare(&c, &d));
out:
    free(wl_arg);
    free(nm_arg);
    cli_free_sets(&sets);
    return rc;
}
