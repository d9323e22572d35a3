/* reportgen.c — `einsim report`: the runs (reportdata.c), their plots (reportplot.c) and
 * the HTML page that shows both with the tables. */
#include "report/reportgen.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/reportgenInt.h"

/* ---- HTML -------------------------------------------------------------------------------- */

static const char css[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:2em auto;max-width:1200px;"
    "color:#222;padding:0 1em}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;font-size:0.85em;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}"
    "th{background:#f0f0f0}td.l,th.l{text-align:left}tr:nth-child(even){background:#fafafa}"
    "figure{margin:1.5em 0}img{max-width:100%;border:1px solid #eee}"
    "figcaption{font-size:0.9em;color:#555}code{background:#f4f4f4;padding:0 3px}";

static void th(Buf *h, const char *s, bool left)
{
    buf_printf(h, "<th%s>", left ? " class=\"l\"" : "");
    html_esc(h, s);
    buf_printf(h, "</th>");
}

static void td(Buf *h, bool left, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void td(Buf *h, bool left, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    buf_printf(h, "<td%s>", left ? " class=\"l\"" : "");
    html_esc(h, s);
    buf_printf(h, "</td>");
    free(s);
}

static void html_runs(Buf *h, const Data *D)
{
    bool seq = false, ratio = false, area = false;
    for (int i = 0; i < D->n; i++) {
        seq |= D->r[i].has_seq;
        ratio |= D->r[i].has_ratio;
        area |= D->r[i].has_area;
    }
    buf_printf(h, "<h2>Runs</h2>\n<table id=\"runs\">\n<tr>");
    th(h, "workload", true);
    if (seq)
        th(h, "seq", false);
    for (int a = 0; a < D->n_axes; a++)
        th(h, D->axis[a], false);
    th(h, "arch", true);
    th(h, "mapping", true);
    th(h, "latency s", false);
    char *sp = xasprintf("speedup vs %s", D->baseline ? D->baseline : "baseline");
    char *er = xasprintf("energy ratio vs %s", D->baseline ? D->baseline : "baseline");
    if (ratio)
        th(h, sp, false);
    th(h, "energy pJ", false);
    if (ratio)
        th(h, er, false);
    free(sp);
    free(er);
    th(h, "DRAM bytes", false);
    th(h, "bound", true);
    th(h, "utilisation", true);
    if (area)
        th(h, "area mm²", false);
    buf_printf(h, "</tr>\n");
    for (int i = 0; i < D->n; i++) {
        const Row *r = &D->r[i];
        buf_printf(h, "<tr>");
        td(h, true, "%s", r->workload);
        if (seq && r->has_seq)
            td(h, false, "%" PRIu64, r->seq);
        else if (seq)
            td(h, false, "-");
        for (int a = 0; a < D->n_axes; a++)
            td(h, false, "%s", r->axv[a]);
        td(h, true, "%s", r->arch);
        td(h, true, "%s", r->mapping);
        if (!r->feasible) {
            buf_printf(h, "<td class=\"l\" colspan=\"%d\">infeasible: ", 5 + 2 * ratio + area);
            html_esc(h, r->reason);
            buf_printf(h, "</td></tr>\n");
            continue;
        }
        td(h, false, "%.6g", r->seconds);
        if (ratio && r->has_ratio)
            td(h, false, "%.3fx", r->speedup);
        else if (ratio)
            td(h, false, "-");
        td(h, false, "%.4e", r->energy_pj);
        if (ratio && r->has_ratio)
            td(h, false, "%.3f", r->energy_ratio);
        else if (ratio)
            td(h, false, "-");
        td(h, false, "%.0f", r->dram_bytes);
        td(h, true, "%s", r->bound);
        Buf u = {0};
        buf_printf(&u, "%s", "");
        for (int k = 0; k < r->n_util; k++)
            buf_printf(&u, "%s%s %.3f", k ? ", " : "", r->util_name[k], r->util[k]);
        td(h, true, "%s", u.s);
        buf_free(&u);
        if (area)
        {
            if (r->has_area)
                td(h, false, "%.2f", r->area_um2 / 1e6);
            else
                td(h, false, "-");
        }
        buf_printf(h, "</tr>\n");
    }
    buf_printf(h, "</table>\n");
}

/* Geometric mean of the speedups (which 0) or energy ratios (1) of the feasible runs of
 * series `ser` (and workload `wl`, NULL for all); 0 with *k = 0 when there are none. */
static double geomean(const Data *D, const char *ser, const char *wl, int which, int *k)
{
    double s = 0;
    *k = 0;
    for (int i = 0; i < D->n; i++) {
        const Row *r = &D->r[i];
        double v = which ? r->energy_ratio : r->speedup;
        if (!r->has_ratio || !r->feasible || v <= 0 || strcmp(r->series, ser) ||
            (wl && strcmp(r->workload, wl)))
            continue;
        s += log(v);
        (*k)++;
    }
    return *k ? exp(s / *k) : 0;
}

/* The headline (one sentence that answers the comparison) and the geometric means of the
 * speedups and energy ratios, per series and workload and over everything. */
static void html_summary(Buf *h, const Data *D)
{
    char **ser = NULL, **wls = NULL;
    int nser = 0, nw = 0;
    for (int i = 0; i < D->n; i++)
        if (D->r[i].has_ratio) {
            report_intern(&ser, &nser, D->r[i].series);
            report_intern(&wls, &nw, D->r[i].workload);
        }
    buf_printf(h, "<h2>Summary</h2>\n<p id=\"headline\">");
    int best = -1, kb = 0;
    double sb = 0;
    for (int m = 0; m < nser; m++) {
        int k;
        double g = geomean(D, ser[m], NULL, 0, &k);
        bool base = false;
        for (int i = 0; i < D->n && !base; i++)
            base = D->r[i].is_base && strcmp(D->r[i].series, ser[m]) == 0;
        if (k && !base && g > sb) {
            best = m;
            sb = g;
            kb = k;
        }
    }
    if (best >= 0) {
        int k;
        double e = geomean(D, ser[best], NULL, 1, &k);
        buf_printf(h, "Against <b>");
        html_esc(h, D->baseline);
        buf_printf(h, "</b>, the fastest is <b>");
        html_esc(h, ser[best]);
        buf_printf(h, "</b>: %.3fx speedup and %.3f energy ratio (geometric means over %d "
                      "point%s).", sb, e, kb, kb == 1 ? "" : "s");
    } else {
        int f = -1;
        for (int i = 0; i < D->n; i++)
            if (D->r[i].feasible && (f < 0 || D->r[i].seconds < D->r[f].seconds))
                f = i;
        buf_printf(h, "%d run%s", D->n, D->n == 1 ? "" : "s");
        if (f >= 0) {
            buf_printf(h, "; the fastest is <b>");
            html_esc(h, D->r[f].label);
            buf_printf(h, "</b> on ");
            html_esc(h, D->r[f].workload);
            buf_printf(h, " (%.6g s, %.4e pJ)", D->r[f].seconds, D->r[f].energy_pj);
        }
        buf_printf(h, ".");
    }
    buf_printf(h, "</p>\n");
    for (int which = 0; which < 2 && nser; which++) {
        buf_printf(h, "<h3>%s vs %s</h3>\n<p>Geometric mean over the sequence lengths of each "
                      "workload, and over every point (all).</p>\n<table id=\"%s\">\n<tr>",
                   which ? "Average energy ratio" : "Average speedup", D->baseline,
                   which ? "geomean-energy" : "geomean-speedup");
        th(h, "series", true);
        for (int w = 0; w < nw; w++)
            th(h, wls[w], false);
        th(h, "all", false);
        buf_printf(h, "</tr>\n");
        for (int m = 0; m < nser; m++) {
            buf_printf(h, "<tr>");
            td(h, true, "%s", ser[m]);
            for (int w = 0; w <= nw; w++) {
                int k;
                double g = geomean(D, ser[m], w < nw ? wls[w] : NULL, which, &k);
                if (k)
                    td(h, false, which ? "%.3f" : "%.3fx", g);
                else
                    td(h, false, "-");
            }
            buf_printf(h, "</tr>\n");
        }
        buf_printf(h, "</table>\n");
    }
    report_free_list(ser, nser);
    report_free_list(wls, nw);
}

/* Area breakdown of each distinct architecture configuration (from stats.json). */
static void html_area(Buf *h, const Data *D)
{
    char **seen = NULL;
    int ns = 0, shown = 0;
    for (int i = 0; i < D->n; i++) {
        const Row *r = &D->r[i];
        const JsonValue *br = json_get(r->stats, "area_breakdown_um2");
        if (!br || !r->has_area)
            continue;
        char *key = xasprintf("%s %s %.6f", r->arch, r->size ? r->size : "", r->area_um2);
        int before = ns;
        report_intern(&seen, &ns, key);
        free(key);
        if (ns == before)
            continue;
        if (!shown++)
            buf_printf(h, "<h2>Area</h2>\n<p>On-chip area from the architecture's area table "
                          "(DRAM is off chip); sources are named in the table file.</p>\n"
                          "<table id=\"area\">\n<tr><th class=\"l\">architecture</th>"
                          "<th class=\"l\">component.part</th><th>mm²</th><th>share</th></tr>\n");
        for (int k = 0; k < br->n; k++) {
            double v = br->items[k]->type == JSON_NUM ? br->items[k]->num : 0;
            buf_printf(h, "<tr>");
            td(h, true, "%s%s%s", r->arch, r->size ? " " : "", r->size ? r->size : "");
            td(h, true, "%s", br->keys[k]);
            td(h, false, "%.3f", v / 1e6);
            td(h, false, "%.2f%%", r->area_um2 > 0 ? 100 * v / r->area_um2 : 0);
            buf_printf(h, "</tr>\n");
        }
        buf_printf(h, "<tr><td class=\"l\"></td><td class=\"l\"><b>total</b></td><td><b>%.3f</b>"
                      "</td><td></td></tr>\n", r->area_um2 / 1e6);
    }
    if (shown)
        buf_printf(h, "</table>\n");
    report_free_list(seen, ns);
}

static int write_html(const Data *D, const Plots *P, const char *input, const char *title,
                      const char *outdir, Diag *d)
{
    Buf h = {0};
    buf_printf(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    html_esc(&h, title);
    buf_printf(&h, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    html_esc(&h, title);
    buf_printf(&h, "</h1>\n<p>Input: <code>");
    html_esc(&h, input);
    buf_printf(&h, "</code> (%s, %d run%s). Written by <code>einsim report</code>; it only "
                   "presents what the runs reported. Each plot's gnuplot script and data file "
                   "are beside this page (<code>NAME.gp</code>, <code>NAME.dat</code>; "
                   "<code>gnuplot plots.gp</code> redraws them all).</p>\n",
               D->kind, D->n, D->n == 1 ? "" : "s");
    if (P->n) {
        buf_printf(&h, "<p>Plots:");
        for (int i = 0; i < P->n; i++) {
            buf_printf(&h, " <a href=\"#%s\">", P->base[i]);
            html_esc(&h, P->base[i]);
            buf_printf(&h, "</a>");
        }
        buf_printf(&h, "</p>\n");
    }
    html_summary(&h, D);
    html_runs(&h, D);
    html_area(&h, D);
    if (P->n)
        buf_printf(&h, "<h2>Plots</h2>\n");
    int rc = 0;
    for (int i = 0; i < P->n && !rc; i++) {
        char *png = xasprintf("%s/%s.png", outdir, P->base[i]);
        size_t len;
        char *bytes = read_file(png, LIMIT_RESULT_BYTES, &len);
        if (!bytes || len < 8 || memcmp(bytes, "\x89PNG", 4) != 0) {
            diag_error(d, png, 0, "gnuplot did not write this plot (see gnuplot.log)");
            rc = 1;
        } else {
            buf_printf(&h, "<figure id=\"%s\">\n<img alt=\"", P->base[i]);
            html_esc(&h, P->base[i]);
            buf_printf(&h, "\" src=\"data:image/png;base64,");
            base64_put(&h, (const unsigned char *)bytes, len);
            buf_printf(&h, "\">\n<figcaption>");
            html_esc(&h, P->caption[i]);
            buf_printf(&h, " (<code>%s.svg</code>, <code>%s.png</code>)</figcaption>\n</figure>\n",
                       P->base[i], P->base[i]);
        }
        free(bytes);
        free(png);
    }
    buf_printf(&h, "</body>\n</html>\n");
    if (!rc) {
        char *path = path_join(outdir, "report.html");
        rc = file_write(path, h.s, h.len, d);
        free(path);
    }
    buf_free(&h);
    return rc;
}

int report_generate(const ReportOptions *o, ReportResult *res, Diag *d)
{
    memset(res, 0, sizeof *res);
    Data D;
    if (report_data_load(&D, o->input, o->baseline, d)) {
        report_data_free(&D);
        return 1;
    }
    char *outdir = o->outdir ? xstrdup(o->outdir)
                 : strcmp(D.kind, "CSV") == 0 ? path_join(D.base, "report")
                                              : path_join(o->input, "report");
    res->outdir = outdir;
    res->n_rows = D.n;
    OutDir *od = outdir_open(outdir, "einsim report", d);   /* locked; COMPLETE last */
    if (!od) {
        report_data_free(&D);
        return 1;
    }
    Plots P = { .dir = outdir, .d = d };
    int rc = report_plots_draw(&P, &D, o->gnuplot ? o->gnuplot : "gnuplot");
    if (!rc)
        rc = write_html(&D, &P, o->input, o->title ? o->title : "einsim report", outdir, d);
    res->n_plots = P.n;
    rc |= outdir_close(od, rc == 0, d);
    report_plots_free(&P);
    report_data_free(&D);
    return rc;
}
