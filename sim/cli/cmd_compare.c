/* cmd_compare.c — `einsim compare`: argument parsing and dispatch only (report_compare
 * in sim/report/commands.h evaluates and tabulates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/commands.h"
#include "util/util.h"

static const CliOpt compare_opts[] = {
    { "-p", "ARCH.cfg:MAPPING.cfg[:KEY=VALUE,...]",
      "a pair (repeatable; the first is the baseline); its own overrides\n"
      "(comma-separated, applied after --set) label its runs\n"
      "MAPPING[KEY=VALUE,...] (NAME alone when they set mapping.name=NAME)",
      CLI_REQUIRED | CLI_REPEAT },
    { "-w", "WORKLOAD.cfg[,...]", "workload files, comma-separated", CLI_REQUIRED },
    { "--seq", "N[,N...]", "sequence lengths (workload.seq); default: the workload's own", 0 },
    CLI_OPT_SET,
    { "-o", "DIR", "write DIR/compare.csv and one run directory per point", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec compare_spec = {
    "compare", NULL,
    "Runs every pair on every workload and sequence length (workload.seq) at the analytic\n"
    "and cycle levels and prints the analytic latency, speedup and energy ratio against the\n"
    "first pair (the baseline), the cycle-level latency, utilisation per unit, DRAM\n"
    "traffic and the bound.\n",
    compare_opts,
    "A mapping that names the architecture it was written for (its `arch` key) and runs\n"
    "on another gets a warning.\n",
};

#define MAX_PAIRS 16
#define MAX_LIST 32

int cmd_compare(int argc, char **argv)
{
    SetList sets = {0}, pair_sets[MAX_PAIRS] = { { 0 } };
    Overrides pair_ov[MAX_PAIRS] = { { 0 } };
    char *arch[MAX_PAIRS], *map[MAX_PAIRS], *wls[MAX_LIST], *seqs[MAX_LIST];
    char *wl_arg = NULL, *seq_arg = NULL;
    const char *outdir = NULL;
    int np = 0, nw = 0, ns = 0, rc = EXIT_INPUT;
    char *owned[MAX_PAIRS + 8] = { 0 };
    int nowned = 0;
    CliArgs pa = { &compare_spec, 1, 0 };
    const char *v;
    while (pa.i < argc) {
        int k = cli_next(&pa, argc, argv, &v);
        if (k == CLI_HELP) {
            rc = EXIT_OK;
            goto out;
        }
        if (k == CLI_ERR)
            goto out;
        const char *a = compare_opts[k].name;
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
            map[np] = colon + 1;
            char *ovs = strchr(colon + 1, ':');
            if (ovs) {
                *ovs++ = '\0';
                char *item[MAX_LIST];
                int ni = cli_split("compare", "-p", ovs, item, MAX_LIST);
                if (ni < 0)
                    goto out;
                for (int j = 0; j < ni; j++)
                    if (cli_add_set(&pair_sets[np], item[j]))
                        goto out;
                if (ni == 0) {
                    fprintf(stderr, "einsim compare: error: -p '%s': no KEY=VALUE after the "
                            "second ':'\n", v);
                    goto out;
                }
                pair_ov[np] = cli_overrides(&pair_sets[np]);
            }
            np++;
        } else if (strcmp(a, "-w") == 0) {
            wl_arg = owned[nowned++] = xstrdup(v);
        } else if (strcmp(a, "--seq") == 0) {
            seq_arg = owned[nowned++] = xstrdup(v);
        } else if (strcmp(a, "-o") == 0) {
            outdir = v;
        } else if (cli_add_set(&sets, v)) { /* --set */
            goto out;
        }
    }
    if (cli_check_required(&pa))
        goto out;
    nw = cli_split("compare", "-w", wl_arg, wls, MAX_LIST);
    ns = seq_arg ? cli_split("compare", "--seq", seq_arg, seqs, MAX_LIST) : 0;
    if (nw < 0 || ns < 0)
        goto out;
    for (int s = 0; s < ns; s++) {
        char *end;
        unsigned long long n = strtoull(seqs[s], &end, 10);
        if (*end || n == 0 || seqs[s][0] == '-') {
            fprintf(stderr, "einsim compare: error: --seq '%s': expected positive integers\n",
                    seqs[s]);
            goto out;
        }
    }

    Diag d;
    diag_init(&d);
    CompareCommand c = { (const char *const *)arch, (const char *const *)map, pair_ov, np,
                         (const char *const *)wls, nw, (const char *const *)seqs, ns,
                         cli_overrides(&sets), outdir };
    rc = cli_finish(&d, report_compare(&c, &d));
out:
    for (int i = 0; i < nowned; i++)
        free(owned[i]);
    cli_free_sets(&sets);
    for (int p = 0; p < MAX_PAIRS; p++)
        cli_free_sets(&pair_sets[p]);
    return rc;
}
