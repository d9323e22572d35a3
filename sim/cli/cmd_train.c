/* cmd_train.c — `einsim train-compare`: N:M settings over training workloads, as one
 * table of whole-iteration speedup and energy ratio against dense, with the gap between
 * the modelled and the ideal BDWP speedup attributed to its causes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "energy/energy.h"
#include "energy/train_energy.h"
#include "engine/train.h"
#include "run/run.h"
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

static int split(char *s, char **out, int max)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        out[n++] = tok;
    return n;
}

typedef struct {
    bool ok;
    uint64_t cycles;
    double energy_pj;
    char nm_hw[16];
    double util, eff;
    TrainAttribution at;
} TrainPoint;

/* One (workload, pattern) run; errors (e.g. an unsupported pattern) go to d. */
static void train_point(const char *arch, const char *wl, const char *map, const SetList *sets,
                        const char *nm, bool cycle_level, Diag *d, TrainPoint *pt)
{
    memset(pt, 0, sizeof *pt);
    SetList s = { 0 };
    for (int i = 0; i < sets->n; i++) {
        char *kv = xasprintf("%s=%s", sets->v[i].key, sets->v[i].value);
        cli_add_set(&s, kv);
        /* cli_add_set keeps a pointer to the value inside kv: keep kv alive. */
        s.v[s.n - 1].value = xstrdup(s.v[s.n - 1].value);
        free(kv);
    }
    char *kv = xasprintf("workload.nm=%s", nm);
    cli_add_set(&s, kv);
    s.v[s.n - 1].value = xstrdup(s.v[s.n - 1].value);
    free(kv);
    Overrides ov = cli_overrides(&s);
    RunInputs ri;
    static EngineResult res;
    CycleResult cy;
    TrainResult tr = { 0 };
    if (run_inputs_load(&ri, arch, wl, map, &ov, d) == 0) {
        if (!workload_is_training(ri.workload))
            diag_error(d, wl, 0, "workload %s is not a training workload (kind = \"training\")",
                       ri.workload->name);
        else {
            train_run(&ri.in, cycle_level, &tr, &res, &cy);
            if (!tr.feasible) {
                diag_error(d, map, 0, "%s at %s: infeasible: %s", ri.workload->name, nm, tr.reason);
            } else {
                EnergyReport er;
                energy_price(&res, ri.arch, &er);
                pt->ok = true;
                pt->cycles = cycle_level ? tr.cycle : tr.analytic;
                pt->energy_pj = er.total_pj;
                snprintf(pt->nm_hw, sizeof pt->nm_hw, "%s", tr.nm_hw);
                double peak = (double)tr.pes * (double)tr.lanes * (double)pt->cycles;
                pt->util = peak > 0 ? (double)tr.macs_issued / peak : 0;
                pt->eff = peak > 0 ? (double)tr.macs_dense / peak : 0;
                pt->at = cycle_level ? tr.attr_cycle : tr.attr_analytic;
            }
        }
    }
    train_result_free(&tr);
    run_inputs_free(&ri);
    for (int i = 0; i < s.n; i++)
        free((char *)s.v[i].value);
    cli_free_sets(&s);
}

int cmd_train_compare(int argc, char **argv)
{
    SetList sets = { 0 };
    const char *arch = NULL, *map = NULL, *outdir = NULL;
    char *wl_arg = NULL, *nm_arg = xstrdup("dense,4:8,2:8,1:8,2:4");
    char *wls[MAX_LIST], *nms[MAX_LIST];
    int rc = EXIT_INPUT, cycle_level = 1;
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
                cycle_level = 0;
            else if (strcmp(v, "cycle") == 0)
                cycle_level = 1;
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
    int nw = split(wl_arg, wls, MAX_LIST), nn = split(nm_arg, nms, MAX_LIST);
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
    Buf csv = { 0 };
    buf_printf(&csv, "workload,nm,nm_hw,level,cycles,speedup,ideal_speedup,energy_pj,energy_ratio,"
                     "hw_utilization,effective_throughput,gap_dense_layers,gap_wg_share,"
                     "gap_maskgen,gap_imbalance,gap_hazards,gap_fill_drain,gap_metadata,"
                     "gap_memory\n");
    printf("%s level; speedup and energy ratio over dense; gap = %% of the dense iteration "
           "between the ideal (1+2N/M)/3 and this setting\n", cycle_level ? "cycle" : "analytic");
    printf("%-16s %-5s %-5s %14s %8s %7s %7s %6s %6s | %6s %6s %6s %6s %6s %6s %6s %6s\n",
           "workload", "N:M", "as", "cycles", "speedup", "ideal", "E ratio", "util", "eff",
           "dense", "wgrad", "masks", "imbal", "hazard", "fill", "meta", "dram");
    int failures = 0;
    for (int w = 0; w < nw; w++) {
        TrainPoint base;
        train_point(arch, wls[w], map, &sets, "dense", cycle_level, &d, &base);
        if (!base.ok) {
            failures++;
            continue;
        }
        for (int k = 0; k < nn; k++) {
            TrainPoint pt;
            NMPattern p;
            nm_parse(nms[k], &p);
            if (p.dense)
                pt = base;
            else
                train_point(arch, wls[w], map, &sets, nms[k], cycle_level, &d, &pt);
            char name[64];
            snprintf(name, sizeof name, "%s", wls[w]);
            const char *slash = strrchr(name, '/');
            const char *shown = slash ? slash + 1 : name;
            char shortname[64];
            snprintf(shortname, sizeof shortname, "%s", shown);
            char *dot = strstr(shortname, ".cfg");
            if (dot)
                *dot = '\0';
            if (!pt.ok) {
                printf("%-16s %-5s rejected (see the error below)\n", shortname, nms[k]);
                failures++;
                continue;
            }
            const TrainAttribution *at = &pt.at;
            double td = at->t_dense > 0 ? at->t_dense : 1;
            double g[8] = { at->dense_layers, at->wg_share, at->maskgen, at->imbalance,
                            at->hazards, at->fill_drain, at->metadata, at->memory };
            double speed = pt.cycles ? (double)base.cycles / (double)pt.cycles : 0;
            double ideal = 1.0 / at->ideal_ratio;
            double er = base.energy_pj > 0 ? pt.energy_pj / base.energy_pj : 0;
            printf("%-16s %-5s %-5s %14llu %7.3fx %6.3fx %7.4f %6.4f %6.3f |", shortname, nms[k],
                   pt.nm_hw, (unsigned long long)pt.cycles, speed, ideal, er, pt.util, pt.eff);
            for (int i = 0; i < 8; i++)
                printf(" %6.2f", 100.0 * g[i] / td);
            printf("\n");
            buf_printf(&csv, "%s,%s,%s,%s,%llu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g", shortname,
                       nms[k], pt.nm_hw, cycle_level ? "cycle" : "analytic",
                       (unsigned long long)pt.cycles, speed, ideal, pt.energy_pj, er, pt.util, pt.eff);
            for (int i = 0; i < 8; i++)
                buf_printf(&csv, ",%.17g", 100.0 * g[i] / td);
            buf_printf(&csv, "\n");
        }
    }
    printf("columns after '|': dense = unpruned layers, wgrad = weight-gradient share, masks = "
           "mask generation,\n  imbal = load imbalance (lanes, mux window, ragged groups, idle "
           "PEs), hazard = accumulator hazards,\n  fill = fill/drain + pipeline latency, meta = "
           "metadata bandwidth, dram = DRAM bandwidth;\n  ideal%% + the gap columns = 100 / "
           "speedup\n");
    if (outdir && failures == 0) {
        if (mkdirs(outdir) != 0)
            diag_error(&d, outdir, 0, "cannot create the output directory: %s", strerror(errno));
        else {
            char *path = path_join(outdir, "train-compare.csv");
            if (write_file_atomic(path, csv.s, csv.len))
                diag_error(&d, path, 0, "cannot write: %s", strerror(errno));
            free(path);
        }
    }
    buf_free(&csv);
    rc = cli_report(&d) || failures ? EXIT_INPUT : EXIT_OK;
    diag_free(&d);
out:
    free(wl_arg);
    free(nm_arg);
    cli_free_sets(&sets);
    return rc;
}
