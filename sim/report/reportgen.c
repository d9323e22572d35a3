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
    bool seq = false, ratio = false, area = false, size = false;
    for (int i = 0; i < D->n; i++) {
        seq |= D->r[i].has_seq;
        ratio |= D->r[i].has_ratio;
        area |= D->r[i].has_area;
        size |= D->r[i].size != NULL;
    }
    buf_printf(h, "<h2>Runs</h2>\n<table id=\"runs\">\n<tr>");
    th(h, "workload", true);
    if (seq)
        th(h, "seq", false);
    if (size)
        th(h, "2D array", false);
    th(h, "arch", true);
    th(h, "mapping", true);
    th(h, "latency s", false);
    if (ratio)
        th(h, "speedup", false);
    th(h, "energy pJ", false);
    if (ratio)
        th(h, "energy ratio", false);
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
        if (size)
            td(h, false, "%s", r->size ? r->size : "");
        td(h, true, "%s", r->arch);
        td(h, true, "%s", r->mapping);
        if (!r->feasible) {
            buf_printf(h, "<td class=\"l\" colspan=\"%d\">infeasible: ", 5 + 2 * ratio + area);
            html_esc(h, r->reason);
            buf_printf(h, "</td></tr>\n");
            continue;
        }
        td(h, false, "%.6g", r->seconds);
        if (ratio)
            td(h, false, "%.3fx", r->speedup);
        td(h, false, "%.4e", r->energy_pj);
        if (ratio)
            td(h, false, "%.3f", r->energy_ratio);
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

/* Geometric means of the speedups and energy ratios that compare reported, per mapping and
 * workload (over sequence lengths) and over everything. */
static void html_geomean(Buf *h, const Data *D)
{
    char **maps = NULL, **wls = NULL;
    int nm = 0, nw = 0;
    for (int i = 0; i < D->n; i++)
        if (D->r[i].has_ratio) {
            report_intern(&maps, &nm, D->r[i].mapping);
            report_intern(&wls, &nw, D->r[i].workload);
        }
    if (!nm) {
        report_free_list(maps, nm);
        report_free_list(wls, nw);
        return;
    }
    for (int which = 0; which < 2; which++) {
        buf_printf(h, "<h2>%s</h2>\n<p>Geometric mean over the sequence lengths of each "
                      "workload, and over every point (all).</p>\n<table id=\"%s\">\n<tr>",
                   which ? "Average energy ratio" : "Average speedup",
                   which ? "geomean-energy" : "geomean-speedup");
        th(h, "mapping", true);
        for (int w = 0; w < nw; w++)
            th(h, wls[w], false);
        th(h, "all", false);
        buf_printf(h, "</tr>\n");
        for (int m = 0; m < nm; m++) {
            buf_printf(h, "<tr>");
            td(h, true, "%s", maps[m]);
            double all = 0;
            int nall = 0;
            for (int w = 0; w <= nw; w++) {
                double s = 0;
                int k = 0;
                for (int i = 0; i < D->n; i++) {
                    const Row *r = &D->r[i];
                    double v = which ? r->energy_ratio : r->speedup;
                    if (!r->has_ratio || !r->feasible || v <= 0 || strcmp(r->mapping, maps[m]) ||
                        (w < nw && strcmp(r->workload, wls[w])))
                        continue;
                    s += log(v);
                    k++;
                }
                if (w == nw) {
                    s = all;
                    k = nall;
                } else {
                    all += s;
                    nall += k;
                }
                if (k)
                    td(h, false, which ? "%.3f" : "%.3fx", exp(s / k));
                else
                    td(h, false, "-");
            }
            buf_printf(h, "</tr>\n");
        }
        buf_printf(h, "</table>\n");
    }
    report_free_list(maps, nm);
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
    html_geomean(&h, D);
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
    if (report_data_load(&D, o->input, d)) {
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
