/* cmd_compare.c — `einsim compare`: argument parsing and dispatch only (report_compare
 * in sim/report/commands.h evaluates and tabulates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/commands.h"
#include "util/util.h"

static const char compare_usage[] =
    "usage: einsim compare -p ARCH.cfg:MAPPING.cfg [-p ...]... -w WORKLOAD.cfg[,...]\n"
    "                      [--seq N[,N...]] [--set KEY=VALUE]... [-o DIR]\n"
    "\n"
    "Runs every pair on every workload and sequence length (workload.seq) at the analytic\n"
    "and cycle levels and prints the analytic latency, speedup and energy ratio against the\n"
    "first pair (the baseline), the cycle-level latency, utilisation per unit, DRAM\n"
    "traffic and the bound. With -o, writes\n"
    "DIR/compare.csv and one run directory per point (DIR/WORKLOAD-SEQ-MAPPING).\n";

#define MAX_PAIRS 16
#define MAX_LIST 32

int cmd_compare(int argc, char **argv)
{
    SetList sets = {0};
    char *arch[MAX_PAIRS], *map[MAX_PAIRS], *wls[MAX_LIST], *seqs[MAX_LIST];
    char *wl_arg = NULL, *seq_arg = NULL;
    const char *outdir = NULL;
    int np = 0, nw = 0, ns = 0, rc = EXIT_INPUT;
    char *owned[MAX_PAIRS + 8] = { 0 };
    int nowned = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(compare_usage, stdout);
            rc = EXIT_OK;
            goto out;
        }
        if (!v) {
            fprintf(stderr, "einsim compare: error: '%s' needs a value or is unknown\n%s", a,
                    compare_usage);
            goto out;
        }
        if (nowned == MAX_PAIRS + 8) {
            fprintf(stderr, "einsim compare: error: too many arguments\n");
            goto out;
        }
        if (strcmp(a, "-p") == 0) {
            char *p = owned[nowned++] = xstrdup(v);
            char *colon = strchr(p, ':');
            if (!colon || np == MAX_PAIRS) {
                fprintf(stderr, "einsim compare: error: -p expects ARCH.cfg:MAPPING.cfg (at most "
                        "%d pairs), got '%s'\n", MAX_PAIRS, v);
                goto out;
            }
            *colon = '\0';
            arch[np] = p;
            map[np++] = colon + 1;
        } else if (strcmp(a, "-w") == 0) {
            wl_arg = owned[nowned++] = xstrdup(v);
        } else if (strcmp(a, "--seq") == 0) {
            seq_arg = owned[nowned++] = xstrdup(v);
        } else if (strcmp(a, "-o") == 0) {
            outdir = v;
        } else if (strcmp(a, "--set") == 0) {
            if (cli_add_set(&sets, v))
                goto out;
        } else {
            fprintf(stderr, "einsim compare: error: unknown option '%s'\n%s", a, compare_usage);
            goto out;
        }
        i++;
    }
    if (np == 0 || !wl_arg) {
        fprintf(stderr, "einsim compare: error: at least one -p and a -w are required\n%s",
                compare_usage);
        goto out;
    }
    nw = cli_split("compare", "-w", wl_arg, wls, MAX_LIST);
    ns = seq_arg ? cli_split("compare", "--seq", seq_arg, seqs, MAX_LIST) : 0;
    if (nw < 0 || ns < 0)
        goto out;
    for (int s = 0; s < ns; s++) {
        char *end;
        unsigned long long v = strtoull(seqs[s], &end, 10);
        if (*end || v == 0 || seqs[s][0] == '-') {
            fprintf(stderr, "einsim compare: error: --seq '%s': expected positive integers\n",
                    seqs[s]);
            goto out;
        }
    }

    Diag d;
    diag_init(&d);
    CompareCommand c = { (const char *const *)arch, (const char *const *)map, np,
                         (const char *const *)wls, nw, (const char *const *)seqs, ns,
                         cli_overrides(&sets), outdir };
    rc = cli_finish(&d, report_compare(&c, &d));
out:
    for (int i = 0; i < nowned; i++)
        free(owned[i]);
    cli_free_sets(&sets);
    return rc;
}
