/* cmd_compare.c — `einsim compare`: several (architecture, mapping) pairs over a list of
 * workloads and sequence lengths, as one table with speedup and energy ratio against
 * the first pair. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "energy/energy.h"
#include "engine/train.h"
#include "report/report.h"
#include "run/run.h"
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

/* Splits a comma-separated list in place; returns the number of items. */
static int split(char *s, char **out, int max)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        out[n++] = tok;
    return n;
}

typedef struct {
    double seconds, energy;
    int feasible;
} Point;

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
    nw = split(wl_arg, wls, MAX_LIST);
    ns = seq_arg ? split(seq_arg, seqs, MAX_LIST) : 0;
    for (int s = 0; s < ns; s++) {
        char *end;
        unsigned long long v = strtoull(seqs[s], &end, 10);
        if (*end || v == 0 || seqs[s][0] == '-') {
            fprintf(stderr, "einsim compare: error: --seq '%s': expected positive integers\n",
                    seqs[s]);
            goto out;
        }
    }

    Buf csv = {0};
    buf_printf(&csv, "workload,seq,arch,mapping,feasible,cycles,seconds,energy_pj,speedup,"
                     "energy_ratio,dram_bytes,bound,utilization,cycle_cycles,cycle_seconds,reason\n");
    Diag d;
    diag_init(&d);
    rc = EXIT_OK;
    printf("%-8s %9s %-14s %13s %9s %13s %13s %8s %-30s %16s %-8s\n", "workload", "seq",
           "mapping", "latency s", "speedup", "cycle-level s", "energy pJ", "E ratio",
           "utilization", "DRAM bytes", "bound");
    for (int w = 0; w < nw; w++)
        for (int s = 0; s < (ns ? ns : 1); s++) {
            Point base = { 0, 0, 0 };
            for (int p = 0; p < np; p++) {
                /* The user's overrides plus workload.seq for this point. */
                Override *ov = xcalloc((size_t)sets.n + 1, sizeof *ov);
                for (int k = 0; k < sets.n; k++)
                    ov[k] = sets.v[k];
                int n = sets.n;
                if (ns)
                    ov[n++] = (Override){ "workload.seq", seqs[s], sets.n + 1 };
                Overrides o = { ov, n };
                RunInputs ri;
                static EngineResult res;
                EnergyReport er = { 0 };
                int bad = run_inputs_load(&ri, arch[p], wls[w], map[p], &o, &d);
                free(ov);
                if (!bad && workload_is_training(ri.workload)) {
                    diag_error(&d, wls[w], 0, "workload %s is a training workload; compare N:M "
                               "settings with einsim train-compare", ri.workload->name);
                    bad = 1;
                }
                if (bad) {
                    run_inputs_free(&ri);
                    rc = EXIT_INPUT;
                    goto done;
                }
                engine_analytic(&ri.in, &res);
                CycleResult cy = { 0 };
                engine_cycle(&ri.in, &res, &cy);
                if (res.feasible)
                    energy_price(&res, ri.arch, &er);
                Point pt = { res.seconds, er.total_pj, res.feasible };
                if (p == 0)
                    base = pt;
                char util[128] = "";
                for (int u = 0; u < res.n_units; u++) {
                    size_t len = strlen(util);
                    snprintf(util + len, sizeof util - len, "%s%s %.3f", u ? ", " : "",
                             res.unit_name[u], res.utilization[u]);
                }
                const char *seq_txt = ns ? seqs[s] : "-";
                if (!res.feasible) {
                    printf("%-8s %9s %-14s infeasible: %s\n", ri.workload->name, seq_txt,
                           ri.mapping->name, res.reason);
                } else {
                    double sp = base.feasible ? base.seconds / pt.seconds : 0;
                    double er_ = base.feasible ? pt.energy / base.energy : 0;
                    printf("%-8s %9s %-14s %13.6g %8.3fx %13.6g %13.6e %8.3f %-30s %16llu %-8s\n",
                           ri.workload->name, seq_txt, ri.mapping->name, pt.seconds, sp,
                           cy.seconds, pt.energy, er_, util, (unsigned long long)res.dram_bytes,
                           res.bound);
                }
                buf_printf(&csv, "%s,%s,%s,%s,%d,%llu,%.17g,%.17g,%.17g,%.17g,%llu,%s,\"%s\",%llu,%.17g,\"%s\"\n",
                           ri.workload->name, seq_txt, ri.arch->name, ri.mapping->name,
                           res.feasible, (unsigned long long)res.cycles, pt.seconds, pt.energy,
                           base.feasible && pt.feasible ? base.seconds / pt.seconds : 0,
                           base.feasible && pt.feasible ? pt.energy / base.energy : 0,
                           (unsigned long long)res.dram_bytes, res.feasible ? res.bound : "",
                           util, (unsigned long long)cy.cycles, cy.seconds,
                           res.feasible ? "" : res.reason);
                if (outdir) {
                    RunReport rep = { ri.arch->name, arch[p], ri.workload->name, wls[w],
                                      ri.mapping->name, map[p], ri.cascade->name,
                                      ri.arch->clock_mhz, &res, &cy, &er };
                    char *txt = report_stats_txt(&rep);
                    char *sub = xasprintf("%s/%s-%s-%s", outdir, ri.workload->name, seq_txt,
                                          ri.mapping->name);
                    if (run_write_dir(&rep, &ri, txt, sub, &d))
                        rc = EXIT_INPUT;
                    free(sub);
                    free(txt);
                }
                run_inputs_free(&ri);
            }
        }
    if (outdir && rc == EXIT_OK) {
        char *path = path_join(outdir, "compare.csv");
        if (write_file_atomic(path, csv.s, csv.len))
            diag_error(&d, path, 0, "cannot write");
        else
            printf("wrote %s and one run directory per point\n", path);
        free(path);
    }
done:
    buf_free(&csv);
    if (cli_report(&d))
        rc = EXIT_INPUT;
    diag_free(&d);
out:
    for (int i = 0; i < nowned; i++)
        free(owned[i]);
    cli_free_sets(&sets);
    return rc;
}
