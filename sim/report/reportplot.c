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
    int width;   /* pixels; 0: 960 (side-by-side panels ask for more) */
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
    buf_printf(g, "TITLE = ");
    gp_str(g, title);
    buf_printf(g, "\nset title TITLE\nset style line 100 lc rgb '#d4d4d4' lw 1 dt 1\nset grid back ls 100, ls 100\nset border lc rgb '#444444'\n");
}

/* Writes the data and script of draft d; its body holds the `set`s and the plot command
 * (or a whole multiplot), played once per terminal. Takes (and frees) title and caption. */
static void plot_add(Plots *P, const Draft *d, char *title, char *caption)
{
    const char *name = d->name, *data = d->dat.s ? d->dat.s : "", *body = d->g.s ? d->g.s : "";
    int w = d->width ? d->width : 960;
    Buf g = {0};
    gp_begin(&g, name, title);
    buf_printf(&g, "set terminal pngcairo noenhanced size %d,600 font 'DejaVu Sans,10'\n", w);
    buf_printf(&g, "set output '%s.png'\n%s", name, body);
    buf_printf(&g, "set terminal svg noenhanced size %d,600 font 'DejaVu Sans,11' background '#ffffff'\n", w);
    buf_printf(&g, "set output '%s.svg'\n%sunset output\n", name, body);
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

/* A tick label: v with an SI prefix (n, µ, m, k, M, G, ...) when `si`, then the unit. */
static void tick_label(Buf *g, double v, bool si, const char *unit)
{
    static const char *const prefix[] = { "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E" };
    int e = 4;
    while (si && fabs(v) >= 999.5 && e < 10) {
        v /= 1000;
        e++;
    }
    while (si && v != 0 && fabs(v) < 0.9995 && e > 0) {
        v *= 1000;
        e--;
    }
    char s[64];
    snprintf(s, sizeof s, "%.3g%s%s%s", v, si && (*prefix[e] || *unit) ? " " : "",
             si ? prefix[e] : "", unit);
    gp_str(g, s);
}

/* A readable value axis ('x' or 'y') over the positive values [vmin, vmax]: linear from 0
 * when they span less than a factor of 4, else log10 with ticks at 1-2-5 steps (up to
 * three decades) or at powers of ten, labelled as plain numbers with the unit, never as
 * exponents. `label` is the axis title without its scale, which is appended. */
static void value_axis(Buf *g, char ax, double vmin, double vmax, bool si, const char *unit,
                       const char *label)
{
    if (!(vmin > 0) || vmax / vmin < 4) {
        double top = vmax > 0 ? vmax * 1.15 : 1, raw = top / 5, mag = pow(10, floor(log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        buf_printf(g, "set %clabel ", ax);
        gp_str(g, label);
        buf_printf(g, "\nset %crange [0:%.6g]\nset %ctics (", ax, top, ax);
        for (int k = 0; k * step <= top * (1 + 1e-9) && k < 40; k++) { /* ~5 ticks, 1-2-5 step */
            buf_printf(g, "%s", k ? ", " : "");
            tick_label(g, k * step, si, unit);
            buf_printf(g, " %.10g", k * step);
        }
        buf_printf(g, ")\n");
        return;
    }
    buf_printf(g, "set %clabel ", ax);
    double lo = vmin / 1.3, hi = vmax * 1.3;
    char *l = xasprintf("%s (log scale)", label);
    gp_str(g, l);
    free(l);
    buf_printf(g, "\nset logscale %c 10\nset %crange [%.6g:%.6g]\nset %ctics (", ax, ax, lo, hi, ax);
    int d0 = (int)floor(log10(lo)), d1 = (int)ceil(log10(hi)), n = 0;
    int every = d1 - d0 <= 3 ? 1 : (d1 - d0 + 9) / 10;
    for (int d = d0; d <= d1; d += every)
        for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) { /* 1, 2, 5 */
            double v = m * pow(10, d);
            if ((m > 1 && d1 - d0 > 3) || v < lo || v > hi)
                continue;
            buf_printf(g, "%s", n++ ? ", " : "");
            tick_label(g, v, si, unit);
            buf_printf(g, " %.10g", v);
        }
    buf_printf(g, ")\n");
}

/* The distinct series of rows idx[0 .. n-1], in first-appearance order. */
static int series_of(const Data *D, const int *idx, int n, char ***out)
{
    int ns = 0;
    *out = NULL;
    for (int i = 0; i < n; i++)
        report_intern(out, &ns, D->r[idx[i]].series);
    return ns;
}

typedef enum { Y_SPEEDUP, Y_ERATIO, Y_DRAM, Y_SECONDS } LineY;

static double line_value(const Row *r, LineY y)
{
    return y == Y_SPEEDUP ? r->speedup : y == Y_ERATIO ? r->energy_ratio
         : y == Y_DRAM ? r->dram_bytes : r->seconds;
}

/* One line per series (mapping and the other axes' values) of value-vs-sequence-length
 * for the rows of one workload. */
static void plot_vs_seq(Plots *P, const Data *D, const int *idx, int n, const char *wl, LineY y)
{
    uint64_t seqs[REPORT_MAX_SEQS];
    int ns = report_distinct_seqs(D, idx, n, seqs);
    char **ser = NULL;
    int nser = series_of(D, idx, n, &ser);
    static const char *const stems[] = { "speedup", "energy-ratio", "dram", "latency" };
    static const char *const whats[] = { "speedup", "energy ratio", "DRAM traffic", "latency" };
    Draft dr = draft_new(stems[y], wl);
    seq_axis(&dr.g, seqs, ns);
    const char *base = D->baseline ? D->baseline : "the first mapping";
    double vmin = INFINITY, vmax = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        double v = line_value(r, y);
        if (r->feasible && r->has_seq && v > 0 && (r->has_ratio || y >= Y_DRAM)) {
            vmin = fmin(vmin, v);
            vmax = fmax(vmax, v);
        }
    }
    char *ylabel = y == Y_SPEEDUP ? xasprintf("speedup vs %s", base)
                 : y == Y_ERATIO ? xasprintf("energy ratio vs %s (lower is better)", base)
                 : y == Y_DRAM ? xstrdup("DRAM traffic") : xstrdup("latency (analytic level)");
    value_axis(&dr.g, 'y', vmin, vmax, y >= Y_DRAM, y == Y_DRAM ? "B" : y == Y_SECONDS ? "s" : "x",
               ylabel);
    free(ylabel);
    buf_printf(&dr.g, "plot ");
    int blocks = 0;
    for (int m = 0; m < nser; m++) {
        int pts = 0;
        for (int s = 0; s < ns; s++)
            for (int i = 0; i < n; i++) {
                const Row *r = &D->r[idx[i]];
                if (strcmp(r->series, ser[m]) || !r->has_seq || r->seq != seqs[s] || !r->feasible ||
                    (y < Y_DRAM && !r->has_ratio))
                    continue;
                double v = line_value(r, y);
                if (v <= 0)
                    continue;
                if (!pts++)
                    buf_printf(&dr.dat, "%s# %s\n", blocks ? "\n\n" : "", ser[m]);
                buf_printf(&dr.dat, "%" PRIu64 " %.10g\n", r->seq, v);
            }
        if (!pts)
            continue;
        buf_printf(&dr.g, "%s'%s.dat' index %d using 1:2 with linespoints lt %d title ", blocks ? ", \\\n     " : "",
                   dr.name, blocks, m + 1);
        gp_str(&dr.g, ser[m]);
        blocks++;
    }
    buf_printf(&dr.g, "\n");
    if (blocks) {
        char *title = xasprintf("%s: %s vs sequence length", wl, whats[y]);
        char *cap = y == Y_DRAM
            ? xasprintf("%s: DRAM traffic (bytes read and written) of each series vs sequence "
                        "length.", wl)
            : y == Y_SECONDS
            ? xasprintf("%s: latency (analytic level) of each series vs sequence length.", wl)
            : xasprintf("%s: %s of each series against %s, at the same sequence length and "
                        "other axes, vs sequence length.", wl, whats[y], base);
        plot_add(P, &dr, title, cap);
    }
    draft_free(&dr);
    report_free_list(ser, nser);
}

/* Utilisation per unit: lines vs sequence length (one per series x unit), or clustered
 * bars per run when there is no sequence axis. */
static void plot_util(Plots *P, const Data *D, const int *idx, int n, const char *wl)
{
    uint64_t seqs[REPORT_MAX_SEQS];
    int ns = report_distinct_seqs(D, idx, n, seqs);
    char **units = NULL, **ser = NULL;
    int nu = 0, nser = series_of(D, idx, n, &ser);
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        for (int u = 0; u < r->n_util; u++)
            report_intern(&units, &nu, r->util_name[u]);
    }
    Draft dr = draft_new("utilization", wl);
    int blocks = 0;
    if (nu && ns >= 2) {
        seq_axis(&dr.g, seqs, ns);
        buf_printf(&dr.g, "set ylabel 'utilisation (useful PE-cycles / PE-cycles)'\nset yrange [0:1.05]\n"
                          "set ytics 0.1\nplot ");
        for (int m = 0; m < nser; m++)
            for (int u = 0; u < nu; u++) {
                int pts = 0;
                for (int s = 0; s < ns; s++)
                    for (int i = 0; i < n; i++) {
                        const Row *r = &D->r[idx[i]];
                        if (strcmp(r->series, ser[m]) || !r->has_seq || r->seq != seqs[s] || !r->feasible)
                            continue;
                        for (int k = 0; k < r->n_util; k++)
                            if (strcmp(r->util_name[k], units[u]) == 0) {
                                if (!pts++)
                                    buf_printf(&dr.dat, "%s# %s %s\n", blocks ? "\n\n" : "", ser[m], units[u]);
                                buf_printf(&dr.dat, "%" PRIu64 " %.10g\n", r->seq, r->util[k]);
                            }
                    }
                if (!pts)
                    continue;
                buf_printf(&dr.g, "%s'%s.dat' index %d using 1:2 with linespoints lt %d dt %d title ",
                           blocks ? ", \\\n     " : "", dr.name, blocks, m + 1, u + 1);
                char *t = xasprintf("%s %s", ser[m], units[u]);
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
                       "set style fill solid 0.85 border -1\nset yrange [0:1.05]\nset ytics 0.1\n"
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
    report_free_list(ser, nser);
}

/* DRAM bytes per run as bars (no sequence axis). */
static void plot_dram_bars(Plots *P, const Data *D, const int *idx, int n, const char *wl)
{
    Draft dr = draft_new("dram", wl);
    int k = 0;
    double vmin = INFINITY, vmax = 0;
    buf_printf(&dr.dat, "run bytes\n");
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        if (r->feasible && r->dram_bytes > 0) {
            buf_printf(&dr.dat, "\"%s\" %.10g\n", r->label, r->dram_bytes);
            vmin = fmin(vmin, r->dram_bytes);
            vmax = fmax(vmax, r->dram_bytes);
            k++;
        }
    }
    buf_printf(&dr.g, "set style data histograms\nset style fill solid 0.85 border -1\n");
    value_axis(&dr.g, 'y', vmin, vmax, true, "B", "DRAM traffic");
    /* Bars on a log axis start at its bottom. */
    buf_printf(&dr.g, "set xtics rotate by 30 right\nset key off\n"
                      "plot '%s.dat' using 2:xtic(1) lt 1\n", dr.name);
    if (k) {
        char *title = xasprintf("%s: DRAM traffic per run", wl);
        char *cap = xasprintf("%s: DRAM traffic (bytes read and written) of each run.", wl);
        plot_add(P, &dr, title, cap);
    }
    draft_free(&dr);
}

/* The value of breakdown entry k of a run's stats.json: energy_breakdown_pj (by
 * component.action) or einsums[].energy_pj (by Einsum, compute energy); sets *key. */
static double stack_entry(const JsonValue *v, int k, bool by_einsum, const char **key)
{
    if (by_einsum) {
        const JsonValue *nm = json_get(v->items[k], "name");
        *key = nm && nm->type == JSON_STR ? nm->str : "?";
        return json_num(v->items[k], "energy_pj", 0);
    }
    *key = v->keys[k];
    return v->items[k]->type == JSON_NUM ? v->items[k]->num : 0;
}

/* Stacked bars of an energy breakdown, two panels side by side: absolute (in the largest
 * unit of joules that keeps the tallest bar at 1 or more) and as % of each run's total.
 * By component.action (stats.json energy_breakdown_pj) or by Einsum (compute energy). */
static void plot_energy_stack(Plots *P, const Data *D, const int *idx, int n, const char *wl,
                              bool by_einsum)
{
    const char *member = by_einsum ? "einsums" : "energy_breakdown_pj";
    char **keys = NULL;
    int nk = 0, bars = 0;
    double top = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        const JsonValue *v = r->feasible ? json_get(r->stats, member) : NULL;
        double tot = 0;
        for (int k = 0; v && k < v->n; k++) {
            const char *key;
            double x = stack_entry(v, k, by_einsum, &key);
            if (x <= 0) /* views and unused actions: no bar segment */
                continue;
            tot += x;
            if (nk < MAX_STACKS)
                report_intern(&keys, &nk, key);
        }
        top = fmax(top, tot);
    }
    static const char *const units[] = { "pJ", "nJ", "µJ", "mJ", "J", "kJ", "MJ" };
    int ui = 0;
    double scale = 1;
    while (ui < 6 && top / scale >= 1000) {
        scale *= 1000;
        ui++;
    }
    Draft dr = draft_new(by_einsum ? "energy-einsums" : "energy-components", wl);
    dr.width = 1500;
    buf_printf(&dr.dat, "run");
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < nk; k++)
            buf_printf(&dr.dat, " \"%s\"", keys[k]);
    buf_printf(&dr.dat, "\n");
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        const JsonValue *v = r->feasible ? json_get(r->stats, member) : NULL;
        if (!v || v->n == 0)
            continue;
        double *val = xcalloc((size_t)nk + 1, sizeof *val), tot = 0;
        for (int k = 0; k < v->n; k++) {
            const char *key;
            double x = stack_entry(v, k, by_einsum, &key);
            for (int j = 0; j < nk; j++)
                if (strcmp(keys[j], key) == 0)
                    val[j] += x;
            tot += x;
        }
        if (tot > 0) {
            buf_printf(&dr.dat, "\"%s\"", r->label);
            for (int k = 0; k < nk; k++)
                buf_printf(&dr.dat, " %.10g", val[k] / scale);
            for (int k = 0; k < nk; k++)
                buf_printf(&dr.dat, " %.6f", 100.0 * val[k] / tot);
            buf_printf(&dr.dat, "\n");
            bars++;
        }
        free(val);
    }
    const char *what = by_einsum ? "compute" : "total";
    buf_printf(&dr.g, "set style data histograms\nset style histogram rowstacked\n"
                   "set style fill solid 0.9 border rgb '#ffffff'\nset boxwidth 0.8\n"
                   "set xtics rotate by 35 right %s\nset multiplot layout 1,2 title TITLE\n"
                   "set title 'absolute'\nset key off\nset yrange [0:*]\nset ylabel '%s energy (%s)'\n"
                   "plot for [i=2:%d] '%s.dat' using i:xtic(1) lt i-1 notitle\n"
                   "set title 'normalised'\nset key outside right top samplen 1.5 %s\n"
                   "set yrange [0:100]\nset ylabel '%% of the run''s %s energy'\n"
                   "plot for [i=%d:%d] '%s.dat' using i:xtic(1) title columnheader(i) lt i-%d\n"
                   "unset multiplot\n",
               bars > 24 ? "font ',7'" : "", what, units[ui], nk + 1, dr.name,
               nk > 24 ? "font ',7'" : "", what, nk + 2, 2 * nk + 1, dr.name, nk + 1);
    if (bars && nk) {
        char *title = xasprintf("%s: energy by %s", wl, by_einsum ? "Einsum" : "component.action");
        char *cap = by_einsum
            ? xasprintf("%s: compute energy of each Einsum (stats.json einsums[].energy_pj), "
                        "in %s (left) and as a share of the run's compute energy (right).", wl,
                        units[ui])
            : xasprintf("%s: energy per component.action (stats.json energy_breakdown_pj), in "
                        "%s (left) and as a share of each run's total (right).", wl, units[ui]);
        plot_add(P, &dr, title, cap);
    }
    draft_free(&dr);
    report_free_list(keys, nk);
}

/* FuseMax against FLAT, whenever the runs have both mappings: the speedup of each fusemax
 * run over the flat run with the same workload, sequence length and other axes, and its
 * energy ratio; two panels, lines over the sequence length (or bars without one). */
static void plot_fusemax_flat(Plots *P, const Data *D, const int *idx, int n, const char *wl)
{
    int *pair = xcalloc((size_t)n + 1, sizeof *pair), np = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        const Row *b = strcmp(r->mapping, "fusemax") == 0 && r->feasible ? report_partner(D, r, "flat") : NULL;
        if (b && b->feasible && r->seconds > 0 && b->energy_pj > 0)
            pair[np++] = idx[i];
    }
    uint64_t seqs[REPORT_MAX_SEQS];
    int ns = report_distinct_seqs(D, pair, np, seqs);
    Draft dr = draft_new("fusemax-vs-flat", wl);
    dr.width = 1400;
    double smax = 0, emax = 0;
    for (int i = 0; i < np; i++) {
        const Row *r = &D->r[pair[i]], *b = report_partner(D, r, "flat");
        smax = fmax(smax, b->seconds / r->seconds);
        emax = fmax(emax, r->energy_pj / b->energy_pj);
    }
    if (ns >= 2) {
        char **ser = NULL;
        int nser = series_of(D, pair, np, &ser);
        for (int m = 0; m < nser; m++) {
            buf_printf(&dr.dat, "%s# %s: seq speedup energy_ratio\n", m ? "\n\n" : "", ser[m]);
            for (int s = 0; s < ns; s++)
                for (int i = 0; i < np; i++) {
                    const Row *r = &D->r[pair[i]], *b = report_partner(D, r, "flat");
                    if (strcmp(r->series, ser[m]) == 0 && r->has_seq && r->seq == seqs[s])
                        buf_printf(&dr.dat, "%" PRIu64 " %.10g %.10g\n", r->seq,
                                   b->seconds / r->seconds, r->energy_pj / b->energy_pj);
                }
        }
        seq_axis(&dr.g, seqs, ns);
        for (int panel = 0; panel < 2; panel++) {
            if (!panel)
                buf_printf(&dr.g, "set multiplot layout 1,2 title TITLE\nset key inside left top\n");
            buf_printf(&dr.g, "set title '%s'\n", panel ? "energy ratio (FuseMax / FLAT)" : "speedup (FLAT time / FuseMax time)");
            buf_printf(&dr.g, "unset logscale y\n");
            value_axis(&dr.g, 'y', 0, panel ? emax : smax, false, "x",
                       panel ? "energy ratio vs flat (lower is better)" : "speedup vs flat");
            buf_printf(&dr.g, "plot ");
            for (int m = 0; m < nser; m++) {
                buf_printf(&dr.g, "%s'%s.dat' index %d using 1:%d with linespoints lt %d title ",
                           m ? ", \\\n     " : "", dr.name, m, panel ? 3 : 2, m + 1);
                gp_str(&dr.g, ser[m]);
            }
            buf_printf(&dr.g, "\n");
        }
        report_free_list(ser, nser);
    } else {
        buf_printf(&dr.dat, "run speedup energy_ratio\n");
        for (int i = 0; i < np; i++) {
            const Row *r = &D->r[pair[i]], *b = report_partner(D, r, "flat");
            buf_printf(&dr.dat, "\"%s\" %.10g %.10g\n", r->label, b->seconds / r->seconds,
                       r->energy_pj / b->energy_pj);
        }
        buf_printf(&dr.g, "set style data histograms\nset style fill solid 0.85 border -1\n"
                          "set xtics rotate by 30 right\nset key off\n"
                          "set multiplot layout 1,2 title TITLE\n");
        for (int panel = 0; panel < 2; panel++) {
            buf_printf(&dr.g, "set title '%s'\n", panel ? "energy ratio (FuseMax / FLAT)" : "speedup (FLAT time / FuseMax time)");
            value_axis(&dr.g, 'y', 0, panel ? emax : smax, false, "x",
                       panel ? "energy ratio vs flat (lower is better)" : "speedup vs flat");
            buf_printf(&dr.g, "plot '%s.dat' using %d:xtic(1) lt %d\n", dr.name, panel ? 3 : 2, panel ? 2 : 1);
        }
    }
    buf_printf(&dr.g, "unset multiplot\n");
    if (np)
        plot_add(P, &dr, xasprintf("%s: FuseMax vs FLAT", wl),
                 xasprintf("%s: speedup of each fusemax run over the flat run with the same "
                           "sequence length and other axes (left) and its energy ratio "
                           "(right; below 1: FuseMax uses less energy).", wl));
    draft_free(&dr);
    free(pair);
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
    double amin = INFINITY, amax = 0, tmin = INFINITY, tmax = 0;
    for (int i = 0; i < D->n; i++)
        if (D->r[i].feasible && D->r[i].has_area && D->r[i].seconds > 0) {
            amin = fmin(amin, D->r[i].area_um2 / 1e6);
            amax = fmax(amax, D->r[i].area_um2 / 1e6);
            tmin = fmin(tmin, D->r[i].seconds);
            tmax = fmax(tmax, D->r[i].seconds);
        }
    value_axis(&dr.g, 'x', amin, amax, false, "", "on-chip area (mm²)");
    value_axis(&dr.g, 'y', tmin, tmax, true, "s", "latency (analytic level)");
    buf_printf(&dr.g, "set key outside right top\nplot ");
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
    value_axis(&dr.g, 'x', xmin, xmax, true, "", "operational intensity (ops per DRAM byte)");
    value_axis(&dr.g, 'y', ymin, ymax * 2, true, "op/s", "throughput");
    buf_printf(&dr.g, "set samples 400\nset key outside right top\n");
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
        plot_fusemax_flat(P, D, idx, n, wls[w]);
        if (seq_axis_ok)
            plot_vs_seq(P, D, idx, n, wls[w], Y_SECONDS);
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
