/* reportplot.c — the plots of `einsim report` (reportgenInt.h): one gnuplot script and
 * data file per plot, drawn only when the runs have their data, then gnuplot on them. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/reportgenInt.h"

/* Keeps a file name to [A-Za-z0-9_-]. */
static char *safe_name(const char *s)
{
    char *o = xstrdup(s);
    for (char *p = o; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            *p = '_';
    return o;
}

/* One plot being written: its file stem (NAME.gp, NAME.dat), data and gnuplot body. */
typedef struct {
    char *name;
    Buf dat, g;
} Draft;

/* A draft named STEM-WORKLOAD (the workload kept to file-name characters). */
static Draft draft_new(const char *stem, const char *wl)
{
    char *sw = safe_name(wl);
    Draft d = { .name = xasprintf("%s-%s", stem, sw) };
    free(sw);
    return d;
}

static void draft_free(Draft *d)
{
    free(d->name);
    buf_free(&d->dat);
    buf_free(&d->g);
}

static const char *const palette[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
};
#define N_COLORS ((int)(sizeof palette / sizeof palette[0]))

/* Script preamble: PNG first, then the caller's commands are replayed for SVG. */
static void gp_begin(Buf *g, const char *name, const char *title)
{
    buf_printf(g, "# %s.gp — written by einsim report; rerun with: gnuplot %s.gp\n", name, name);
    buf_printf(g, "reset\nset termoption noenhanced\nset encoding utf8\n");
    for (int i = 0; i < N_COLORS; i++)
        buf_printf(g, "set linetype %d lc rgb '%s' lw 2 pt %d ps 1.1\n", i + 1, palette[i],
                   i % 7 + 1);
    buf_printf(g, "set linetype cycle %d\n", N_COLORS);
    buf_printf(g, "set title ");
    gp_str(g, title);
    buf_printf(g, "\nset grid lc rgb '#dddddd'\nset border lc rgb '#444444'\n");
}

/* Writes the data and script of draft d; its body holds the `set`s and the plot command,
 * played once per terminal. Takes (and frees) title and caption. */
static void plot_add(Plots *P, const Draft *d, char *title, char *caption)
{
    const char *name = d->name, *data = d->dat.s ? d->dat.s : "", *body = d->g.s ? d->g.s : "";
    Buf g = {0};
    gp_begin(&g, name, title);
    buf_printf(&g, "set terminal pngcairo noenhanced size 960,600 font 'DejaVu Sans,10'\n");
    buf_printf(&g, "set output '%s.png'\n%s", name, body);
    buf_printf(&g, "set terminal svg noenhanced size 960,600 font 'DejaVu Sans,11' background '#ffffff'\n");
    buf_printf(&g, "set output '%s.svg'\nreplot\nunset output\n", name);
    char *dat = xasprintf("%s/%s.dat", P->dir, name), *gp = xasprintf("%s/%s.gp", P->dir, name);
    if (file_write(dat, data, strlen(data), P->d) || file_write(gp, g.s, g.len, P->d))
        P->failed = 1;
    free(dat);
    free(gp);
    buf_free(&g);
    P->names = xrealloc(P->names, (size_t)(P->n + 1) * sizeof *P->names);
    P->base = xrealloc(P->base, (size_t)(P->n + 1) * sizeof *P->base);
    P->caption = xrealloc(P->caption, (size_t)(P->n + 1) * sizeof *P->caption);
    P->names[P->n] = xasprintf("%s.gp", name);
    P->base[P->n] = xstrdup(name);
    P->caption[P->n++] = caption;
    free(title);
}

void report_plots_free(Plots *P)
{
    report_free_list(P->names, P->n);
    report_free_list(P->base, P->n);
    report_free_list(P->caption, P->n);
}



/* `set xtics ("1K" 1024, ...)` over the sequence lengths, log2 axis. */
static void seq_axis(Buf *g, const uint64_t *seqs, int n)
{
    buf_printf(g, "set logscale x 2\nset xlabel 'sequence length (tokens, log2 scale)'\nset xtics (");
    for (int i = 0; i < n; i++) {
        char s[32];
        report_seq_short(seqs[i], s, sizeof s);
        buf_printf(g, "%s'%s' %" PRIu64, i ? ", " : "", s, seqs[i]);
    }
    buf_printf(g, ")\nset xrange [%g:%g]\n", (double)seqs[0] / 1.5, (double)seqs[n - 1] * 1.5);
    buf_printf(g, "set key outside right top\n");
}

typedef enum { Y_SPEEDUP, Y_ERATIO, Y_DRAM } LineY;

/* One line per mapping of value-vs-sequence-length for the rows of one workload. */
static void plot_vs_seq(Plots *P, const Data *D, const int *idx, int n, const char *wl, LineY y)
{
    uint64_t seqs[REPORT_MAX_SEQS];
    int ns = report_distinct_seqs(D, idx, n, seqs);
    char **maps = NULL;
    int nm = 0;
    for (int i = 0; i < n; i++)
        report_intern(&maps, &nm, D->r[idx[i]].mapping);
    const char *stem = y == Y_SPEEDUP ? "speedup" : y == Y_ERATIO ? "energy-ratio" : "dram";
    Draft dr = draft_new(stem, wl);
    seq_axis(&dr.g, seqs, ns);
    const char *what = y == Y_SPEEDUP ? "speedup" : y == Y_ERATIO ? "energy ratio" : "DRAM traffic";
    const char *base = NULL;
    for (int i = 0; i < D->n && !base; i++)
        if (D->r[i].has_ratio)
            base = D->r[i].mapping;
    double vmin = INFINITY, vmax = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        double v = y == Y_SPEEDUP ? r->speedup : y == Y_ERATIO ? r->energy_ratio : r->dram_bytes;
        if (r->feasible && r->has_seq && v > 0) {
            vmin = fmin(vmin, v);
            vmax = fmax(vmax, v);
        }
    }
    if (y == Y_DRAM)
        buf_printf(&dr.g, "set logscale y 10\nset format y '%%.0e'\n"
                       "set ylabel 'DRAM traffic (bytes, log scale)'\n");
    else if (y == Y_SPEEDUP)
        buf_printf(&dr.g, "set logscale y 2\nset yrange [%g:%g]\nset ylabel 'speedup vs %s (log2 scale)'\n",
                   vmin / 1.25, vmax * 1.25, base ? base : "the first mapping");
    else
        buf_printf(&dr.g, "set yrange [0:%g]\nset ylabel 'energy ratio vs %s (lower is better)'\n",
                   vmax * 1.15, base ? base : "the first mapping");
    buf_printf(&dr.g, "plot ");
    int blocks = 0;
    for (int m = 0; m < nm; m++) {
        int pts = 0;
        for (int s = 0; s < ns; s++)
            for (int i = 0; i < n; i++) {
                const Row *r = &D->r[idx[i]];
                if (strcmp(r->mapping, maps[m]) || !r->has_seq || r->seq != seqs[s] || !r->feasible)
                    continue;
                double v = y == Y_SPEEDUP ? r->speedup : y == Y_ERATIO ? r->energy_ratio : r->dram_bytes;
                if (v <= 0)
                    continue;
                if (!pts++)
                    buf_printf(&dr.dat, "%s# %s\n", blocks ? "\n\n" : "", maps[m]);
                buf_printf(&dr.dat, "%" PRIu64 " %.10g\n", r->seq, v);
            }
        if (!pts)
            continue;
        buf_printf(&dr.g, "%s'%s.dat' index %d using 1:2 with linespoints lt %d title ", blocks ? ", \\\n     " : "",
                   dr.name, blocks, m + 1);
        gp_str(&dr.g, maps[m]);
        blocks++;
    }
    buf_printf(&dr.g, "\n");
    if (blocks) {
        char *title = xasprintf("%s: %s vs sequence length", wl, what);
        char *cap = y == Y_DRAM
            ? xasprintf("%s: DRAM traffic (bytes read and written) per mapping vs sequence "
                        "length.", wl)
            : xasprintf("%s: %s of each mapping against %s (as einsim compare reported it) vs "
                        "sequence length.", wl, what, base ? base : "the first mapping");
        plot_add(P, &dr, title, cap);
    }
    draft_free(&dr);
    report_free_list(maps, nm);
}

/* Utilisation per unit: lines vs sequence length (one per mapping x unit), or clustered
 * bars per run when there is no sequence axis. */
static void plot_util(Plots *P, const Data *D, const int *idx, int n, const char *wl)
{
    uint64_t seqs[REPORT_MAX_SEQS];
    int ns = report_distinct_seqs(D, idx, n, seqs);
    char **units = NULL, **maps = NULL;
    int nu = 0, nm = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        report_intern(&maps, &nm, r->mapping);
        for (int u = 0; u < r->n_util; u++)
            report_intern(&units, &nu, r->util_name[u]);
    }
    Draft dr = draft_new("utilization", wl);
    int blocks = 0;
    if (nu && ns >= 2) {
        seq_axis(&dr.g, seqs, ns);
        buf_printf(&dr.g, "set ylabel 'utilisation (useful PE-cycles / PE-cycles)'\nset yrange [0:1.05]\nplot ");
        for (int m = 0; m < nm; m++)
            for (int u = 0; u < nu; u++) {
                int pts = 0;
                for (int s = 0; s < ns; s++)
                    for (int i = 0; i < n; i++) {
                        const Row *r = &D->r[idx[i]];
                        if (strcmp(r->mapping, maps[m]) || !r->has_seq || r->seq != seqs[s] || !r->feasible)
                            continue;
                        for (int k = 0; k < r->n_util; k++)
                            if (strcmp(r->util_name[k], units[u]) == 0) {
                                if (!pts++)
                                    buf_printf(&dr.dat, "%s# %s %s\n", blocks ? "\n\n" : "", maps[m], units[u]);
                                buf_printf(&dr.dat, "%" PRIu64 " %.10g\n", r->seq, r->util[k]);
                            }
                    }
                if (!pts)
                    continue;
                buf_printf(&dr.g, "%s'%s.dat' index %d using 1:2 with linespoints lt %d dt %d title ",
                           blocks ? ", \\\n     " : "", dr.name, blocks, m + 1, u + 1);
                char *t = xasprintf("%s %s", maps[m], units[u]);
                gp_str(&dr.g, t);
                free(t);
                blocks++;
            }
        buf_printf(&dr.g, "\n");
    } else if (nu) {
        buf_printf(&dr.dat, "run");
        for (int u = 0; u < nu; u++)
            buf_printf(&dr.dat, " \"%s\"", units[u]);
        buf_printf(&dr.dat, "\n");
        for (int i = 0; i < n; i++) {
            const Row *r = &D->r[idx[i]];
            if (!r->feasible)
                continue;
            buf_printf(&dr.dat, "\"%s\"", r->label);
            for (int u = 0; u < nu; u++) {
                double v = 0;
                for (int k = 0; k < r->n_util; k++)
                    if (strcmp(r->util_name[k], units[u]) == 0)
                        v = r->util[k];
                buf_printf(&dr.dat, " %.10g", v);
            }
            buf_printf(&dr.dat, "\n");
            blocks++;
        }
        buf_printf(&dr.g, "set style data histograms\nset style histogram clustered gap 1\n"
                       "set style fill solid 0.85 border -1\nset yrange [0:1.05]\n"
                       "set ylabel 'utilisation (useful PE-cycles / PE-cycles)'\n"
                       "set xtics rotate by 30 right\nset key outside right top\n"
                       "plot for [i=2:%d] '%s.dat' using i:xtic(1) title columnheader(i) lt i-1\n",
                   nu + 1, dr.name);
    }
    if (blocks) {
        char *title = xasprintf("%s: utilisation per unit", wl);
        char *cap = xasprintf("%s: utilisation of each compute unit (analytic level).", wl);
        plot_add(P, &dr, title, cap);
    }
    draft_free(&dr);
    report_free_list(units, nu);
    report_free_list(maps, nm);
}

/* DRAM bytes per run as bars (no sequence axis). */
static void plot_dram_bars(Plots *P, const Data *D, const int *idx, int n, const char *wl)
{
    Draft dr = draft_new("dram", wl);
    int k = 0;
    buf_printf(&dr.dat, "run bytes\n");
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        if (r->feasible && r->dram_bytes > 0) {
            buf_printf(&dr.dat, "\"%s\" %.10g\n", r->label, r->dram_bytes);
            k++;
        }
    }
    buf_printf(&dr.g, "set style data histograms\nset style fill solid 0.85 border -1\n"
                   "set logscale y 10\nset format y '%%.0e'\nset ylabel 'DRAM traffic (bytes, log scale)'\n"
                   "set xtics rotate by 30 right\nset key off\n"
                   "plot '%s.dat' using 2:xtic(1) lt 1\n", dr.name);
    if (k) {
        char *title = xasprintf("%s: DRAM traffic per run", wl);
        char *cap = xasprintf("%s: DRAM traffic (bytes read and written) of each run.", wl);
        plot_add(P, &dr, title, cap);
    }
    draft_free(&dr);
}

/* Stacked bars of an energy breakdown, as % of each run's total: by component.action
 * (stats.json energy_breakdown_pj) or by Einsum (einsums[].energy_pj, compute energy). */
static void plot_energy_stack(Plots *P, const Data *D, const int *idx, int n, const char *wl,
                              bool by_einsum)
{
    char **keys = NULL;
    int nk = 0, bars = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        const JsonValue *v = r->feasible ? json_get(r->stats, by_einsum ? "einsums" : "energy_breakdown_pj") : NULL;
        for (int k = 0; v && k < v->n && nk < MAX_STACKS; k++) {
            const JsonValue *nm = by_einsum ? json_get(v->items[k], "name") : NULL;
            double x = by_einsum ? json_num(v->items[k], "energy_pj", 0)
                                 : (v->items[k]->type == JSON_NUM ? v->items[k]->num : 0);
            if (x <= 0) /* views and unused actions: no bar segment */
                continue;
            report_intern(&keys, &nk, by_einsum ? (nm && nm->type == JSON_STR ? nm->str : "?") : v->keys[k]);
        }
    }
    Draft dr = draft_new(by_einsum ? "energy-einsums" : "energy-components", wl);
    buf_printf(&dr.dat, "run");
    for (int k = 0; k < nk; k++)
        buf_printf(&dr.dat, " \"%s\"", keys[k]);
    buf_printf(&dr.dat, "\n");
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        const JsonValue *v = r->feasible ? json_get(r->stats, by_einsum ? "einsums" : "energy_breakdown_pj") : NULL;
        if (!v || v->n == 0)
            continue;
        double *val = xcalloc((size_t)nk + 1, sizeof *val), tot = 0;
        for (int k = 0; k < v->n; k++) {
            double x = by_einsum ? json_num(v->items[k], "energy_pj", 0)
                                 : (v->items[k]->type == JSON_NUM ? v->items[k]->num : 0);
            const JsonValue *nm = by_einsum ? json_get(v->items[k], "name") : NULL;
            const char *key = by_einsum ? (nm && nm->type == JSON_STR ? nm->str : "?") : v->keys[k];
            for (int j = 0; j < nk; j++)
                if (strcmp(keys[j], key) == 0)
                    val[j] += x;
            tot += x;
        }
        if (tot > 0) {
            buf_printf(&dr.dat, "\"%s\"", r->label);
            for (int k = 0; k < nk; k++)
                buf_printf(&dr.dat, " %.6f", 100.0 * val[k] / tot);
            buf_printf(&dr.dat, "\n");
            bars++;
        }
        free(val);
    }
    buf_printf(&dr.g, "set style data histograms\nset style histogram rowstacked\n"
                   "set style fill solid 0.9 border rgb '#ffffff'\nset boxwidth 0.8\n"
                   "set yrange [0:100]\nset ylabel '%% of the run''s %s energy'\n"
                   "set xtics rotate by 35 right %s\nset key outside right top samplen 1.5 %s\n"
                   "plot for [i=2:%d] '%s.dat' using i:xtic(1) title columnheader(i) lt i-1\n",
               by_einsum ? "compute" : "total", bars > 24 ? "font ',7'" : "",
               nk > 24 ? "font ',7'" : "", nk + 1, dr.name);
    if (bars && nk) {
        char *title = xasprintf("%s: energy by %s", wl, by_einsum ? "Einsum" : "component.action");
        char *cap = by_einsum
            ? xasprintf("%s: compute energy of each Einsum, as a share of the run's compute "
                        "energy (stats.json einsums[].energy_pj).", wl)
            : xasprintf("%s: energy per component.action as a share of each run's total "
                        "(stats.json energy_breakdown_pj).", wl);
        plot_add(P, &dr, title, cap);
    }
    draft_free(&dr);
    report_free_list(keys, nk);
}

/* The latency-vs-area series of a run: "WORKLOAD [SEQ] MAPPING". */
static char *series_key(const Row *r)
{
    char q[32] = "";
    if (r->has_seq)
        report_seq_short(r->seq, q, sizeof q);
    return xasprintf("%s%s%s %s", r->workload, *q ? " " : "", q, r->mapping);
}

/* Latency vs area: one line per (workload, sequence length, mapping), points labelled with
 * the array size when a sweep axis gives it. Needs two or more distinct areas. */
static void plot_latency_area(Plots *P, const Data *D)
{
    /* Only when some series has two areas (an array-size sweep), not for a comparison of
     * two fixed architectures. */
    bool varies = false;
    for (int i = 0; i < D->n && !varies; i++)
        for (int j = i + 1; j < D->n && !varies; j++) {
            const Row *a = &D->r[i], *b = &D->r[j];
            varies = a->feasible && b->feasible && a->has_area && b->has_area &&
                     a->area_um2 != b->area_um2 && strcmp(a->workload, b->workload) == 0 &&
                     strcmp(a->mapping, b->mapping) == 0 && a->has_seq == b->has_seq &&
                     a->seq == b->seq;
        }
    if (!varies)
        return;
    char **series = NULL;
    int ns = 0;
    for (int i = 0; i < D->n; i++) {
        const Row *r = &D->r[i];
        if (!r->feasible || !r->has_area)
            continue;
        char *key = series_key(r);
        report_intern(&series, &ns, key);
        free(key);
    }
    Draft dr = { .name = xstrdup("latency-area") };
    buf_printf(&dr.g, "set logscale x 2\nset logscale y 10\nset xlabel 'on-chip area (mm², log2 scale)'\n"
                   "set ylabel 'latency (s, log scale)'\nset key outside right top\nset format y '%%g'\nplot ");
    int blocks = 0;
    for (int s = 0; s < ns; s++) {
        /* Rows of this series sorted by area (insertion order is kept for equal areas). */
        int *ix = xcalloc((size_t)D->n, sizeof *ix), k = 0;
        for (int i = 0; i < D->n; i++) {
            const Row *r = &D->r[i];
            if (!r->feasible || !r->has_area)
                continue;
            char *key = series_key(r);
            if (strcmp(key, series[s]) == 0) {
                int j = k++;
                while (j > 0 && D->r[ix[j - 1]].area_um2 > r->area_um2) {
                    ix[j] = ix[j - 1];
                    j--;
                }
                ix[j] = i;
            }
            free(key);
        }
        buf_printf(&dr.dat, "%s# %s\n", blocks ? "\n\n" : "", series[s]);
        for (int j = 0; j < k; j++) {
            const Row *r = &D->r[ix[j]];
            buf_printf(&dr.dat, "%.10g %.10g \"%s\"\n", r->area_um2 / 1e6, r->seconds,
                       r->size ? r->size : "");
        }
        free(ix);
        buf_printf(&dr.g, "%s'%s.dat' index %d using 1:2 with linespoints lt %d title ", blocks ? ", \\\n     " : "",
                   dr.name, blocks, s + 1);
        gp_str(&dr.g, series[s]);
        if (s == 0)
            buf_printf(&dr.g, ", \\\n     '%s.dat' index %d using 1:2:3 with labels right offset -1.2,0 font ',8' notitle",
                       dr.name, blocks);
        blocks++;
    }
    buf_printf(&dr.g, "\n");
    plot_add(P, &dr, xstrdup("Latency vs area"),
             xstrdup("Latency (analytic level) against on-chip area from the area table, one "
                     "line per workload, sequence length and mapping; the labels of the first "
                     "line are the 2D array sizes."));
    draft_free(&dr);
    report_free_list(series, ns);
}

/* Roofline: each run at (ops per DRAM byte, ops/s), under min(peak, intensity x bandwidth)
 * of each distinct architecture. */
static void plot_roofline(Plots *P, const Data *D)
{
    double peak[8], bw[8], xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0;
    int nroof = 0;
    char **maps = NULL;
    int nm = 0;
    for (int i = 0; i < D->n; i++) {
        const JsonValue *rf = D->r[i].feasible ? json_get(D->r[i].stats, "roofline") : NULL;
        double pk = json_num(rf, "peak_ops_per_s", 0), b = json_num(rf, "dram_bytes_per_s", 0);
        double oi = json_num(rf, "ops_per_dram_byte", 0), ops = json_num(rf, "ops_per_s", 0);
        if (!rf || pk <= 0 || b <= 0 || oi <= 0 || ops <= 0)
            continue;
        report_intern(&maps, &nm, D->r[i].mapping);
        bool seen = false;
        for (int k = 0; k < nroof; k++)
            seen |= peak[k] == pk && bw[k] == b;
        if (!seen && nroof < 8) {
            peak[nroof] = pk;
            bw[nroof++] = b;
        }
        xmin = fmin(xmin, fmin(oi, pk / b));
        xmax = fmax(xmax, fmax(oi, pk / b));
        ymin = fmin(ymin, ops);
        ymax = fmax(ymax, pk);
    }
    if (!nroof) {
        report_free_list(maps, nm);
        return;
    }
    Draft dr = { .name = xstrdup("roofline") };
    xmin /= 8;
    xmax *= 8;
    ymin = fmin(ymin, xmin * bw[0]) / 2;
    buf_printf(&dr.g, "set logscale xy 10\nset format x '%%.0e'\nset format y '%%.0e'\n"
                   "set xlabel 'operational intensity (ops per DRAM byte, log scale)'\n"
                   "set ylabel 'throughput (ops/s, log scale)'\n"
                   "set xrange [%g:%g]\nset yrange [%g:%g]\nset samples 400\n"
                   "set key outside right top\n", xmin, xmax, ymin, ymax * 2);
    for (int k = 0; k < nroof; k++)
        buf_printf(&dr.g, "roof%d(x) = x * %.10g < %.10g ? x * %.10g : %.10g\n", k, bw[k], peak[k],
                   bw[k], peak[k]);
    buf_printf(&dr.g, "plot ");
    for (int k = 0; k < nroof; k++)
        buf_printf(&dr.g, "%sroof%d(x) with lines lc rgb '#444444' dt %d lw 2 title 'roof: %.4g Tops/s, %.4g GB/s'",
                   k ? ", \\\n     " : "", k, k + 1, peak[k] / 1e12, bw[k] / 1e9);
    int blocks = 0;
    for (int m = 0; m < nm; m++) {
        buf_printf(&dr.dat, "%s# %s\n", blocks ? "\n\n" : "", maps[m]);
        for (int i = 0; i < D->n; i++) {
            const JsonValue *rf = D->r[i].feasible ? json_get(D->r[i].stats, "roofline") : NULL;
            if (!rf || strcmp(D->r[i].mapping, maps[m]) ||
                json_num(rf, "ops_per_dram_byte", 0) <= 0 || json_num(rf, "ops_per_s", 0) <= 0)
                continue;
            buf_printf(&dr.dat, "%.10g %.10g\n", json_num(rf, "ops_per_dram_byte", 0),
                       json_num(rf, "ops_per_s", 0));
        }
        buf_printf(&dr.g, ", \\\n     '%s.dat' index %d using 1:2 with points lt %d pt %d ps 1.4 title ",
                   dr.name, blocks, m + 1, m % 7 + 1);
        gp_str(&dr.g, maps[m]);
        blocks++;
    }
    buf_printf(&dr.g, "\n");
    plot_add(P, &dr, xstrdup("Roofline"),
             xstrdup("Roofline: each run's operations (every op of every term, once) per "
                     "second against its operations per DRAM byte, under the compute roof (one "
                     "op per PE per cycle) and the DRAM roof of its architecture."));
    draft_free(&dr);
    report_free_list(maps, nm);
}

int report_plots_draw(Plots *P, const Data *D, const char *gnuplot)
{
    char **wls = NULL;
    int nw = 0;
    for (int i = 0; i < D->n; i++)
        report_intern(&wls, &nw, D->r[i].workload);
    int *idx = xcalloc((size_t)D->n, sizeof *idx);
    for (int w = 0; w < nw; w++) {
        int n = 0;
        for (int i = 0; i < D->n; i++)
            if (strcmp(D->r[i].workload, wls[w]) == 0)
                idx[n++] = i;
        uint64_t seqs[REPORT_MAX_SEQS];
        bool seq_axis_ok = report_distinct_seqs(D, idx, n, seqs) >= 2;
        bool ratio = false;
        for (int i = 0; i < n; i++)
            ratio |= D->r[idx[i]].has_ratio;
        if (seq_axis_ok && ratio) {
            plot_vs_seq(P, D, idx, n, wls[w], Y_SPEEDUP);
            plot_vs_seq(P, D, idx, n, wls[w], Y_ERATIO);
        }
        plot_util(P, D, idx, n, wls[w]);
        if (seq_axis_ok)
            plot_vs_seq(P, D, idx, n, wls[w], Y_DRAM);
        else
            plot_dram_bars(P, D, idx, n, wls[w]);
        plot_energy_stack(P, D, idx, n, wls[w], false);
        plot_energy_stack(P, D, idx, n, wls[w], true);
    }
    free(idx);
    report_free_list(wls, nw);
    plot_latency_area(P, D);
    plot_roofline(P, D);

    if (P->failed || !P->n)
        return P->failed;
    Buf all = {0};
    buf_printf(&all, "# plots.gp — redraws every plot of this report: gnuplot plots.gp\n");
    for (int i = 0; i < P->n; i++)
        buf_printf(&all, "load '%s'\n", P->names[i]);
    char *path = path_join(P->dir, "plots.gp");
    int rc = file_write(path, all.s, all.len, P->d);
    free(path);
    buf_free(&all);
    return rc ? 1 : plot_run(gnuplot, P->dir, P->names, P->n, P->d);
}
