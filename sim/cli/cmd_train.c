/* cmd_train.c — `einsim train-compare`: argument parsing and dispatch only
 * (report_train_compare in sim/report/commands.h evaluates and tabulates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/commands.h"
#include "util/util.h"

static const char train_usage[] =
    "usage: einsim train-compare -a ARCH.cfg -m MAPPING.cfg -w WORKLOAD.cfg[,...]\n"
    "                            [--nm P[,P...]] [--level analytic|cycle]\n"
    "                            [--set KEY=VALUE]... [-o DIR]\n"
    "\n"
    "Runs each training workload at each N:M setting (--set workload.nm=P; default\n"
    "dense,4:8,2:8,1:8,2:4) and prints the whole-iteration cycles, the speedup and energy\n"
    "ratio over dense, the hardware utilisation (issued MACs / peak) and the effective\n"
    "throughput (dense-equivalent MACs / peak), and where the gap to the ideal BDWP\n"
    "speedup 3 / (1 + 2N/M) goes, in % of the dense iteration. --level picks the level\n"
    "(default cycle). A pattern the unit cannot run is listed with the reason (exit 1).\n"
    "With -o, writes DIR/train-compare.csv atomically.\n";

#define MAX_LIST 16

int cmd_train_compare(int argc, char **argv)
{
    SetList sets = { 0 };
    const char *arch = NULL, *map = NULL, *outdir = NULL;
    char *wl_arg = NULL, *nm_arg = xstrdup("dense,4:8,2:8,1:8,2:4");
    char *wls[MAX_LIST], *nms[MAX_LIST];
    int rc = EXIT_INPUT;
    bool cycle_level = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(train_usage, stdout);
            rc = EXIT_OK;
            goto out;
        }
        if (!v) {
            fprintf(stderr, "einsim train-compare: error: '%s' needs a value or is unknown\n%s",
                    a, train_usage);
            goto out;
        }
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
        } else if (strcmp(a, "--level") == 0) {
            if (strcmp(v, "analytic") == 0)
                cycle_level = false;
            else if (strcmp(v, "cycle") == 0)
                cycle_level = true;
            else {
                fprintf(stderr, "einsim train-compare: error: --level %s: expected analytic or "
                        "cycle\n", v);
                goto out;
            }
        } else {
            fprintf(stderr, "einsim train-compare: error: unknown option '%s'\n%s", a, train_usage);
            goto out;
        }
        i++;
    }
    if (!arch || !map || !wl_arg) {
        fprintf(stderr, "einsim train-compare: error: -a, -m and -w are required\n%s", train_usage);
        goto out;
    }
    int nw = cli_split("train-compare", "-w", wl_arg, wls, MAX_LIST);
    int nn = cli_split("train-compare", "--nm", nm_arg, nms, MAX_LIST);
    if (nw < 0 || nn < 0)
        goto out;
    for (int k = 0; k < nn; k++) {
        NMPattern p;
        if (nm_parse(nms[k], &p) != 0) {
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
