/* reportgen.c — gathering runs for `einsim report`, writing the gnuplot scripts and data
 * files, and the HTML page.
 *
 * Inputs, recognised by their files:
 *   - a compare directory: compare.csv, run directories DIR/WORKLOAD-SEQ-MAPPING/;
 *   - a sweep directory: sweep.csv (a `point` column, one column per axis key, then the
 *     run CSV's columns), run directories DIR/points/POINT/;
 *   - a CSV of either kind (run directories looked up beside it when present);
 *   - one run directory: stats.csv and stats.json.
 * Each run's stats.json (when present) adds the energy breakdowns, area and roofline.
 * Plots are drawn only when the input has their data. */
#include "report/reportgen.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/reportInt.h"

#define MAX_UNITS 8
#define MAX_STACKS 40

typedef struct {
    char *workload, *arch, *mapping, *bound, *reason;
    char *size;            /* array size label ("64x64") from a sweep axis, or NULL */
    char *label;           /* bar label, built once every row is known */
    bool has_seq;
    uint64_t seq;
    bool feasible;
    double seconds, energy_pj, dram_bytes;
    bool has_ratio;        /* speedup and energy ratio given by the input (compare) */
    double speedup, energy_ratio;
    int n_util;
    char *util_name[MAX_UNITS];
    double util[MAX_UNITS];
    bool has_area;
    double area_um2;
    JsonValue *stats;      /* the run's stats.json, or NULL */
    char *stats_path;
} Row;

typedef struct {
    const char *kind;      /* "compare", "sweep", "CSV", "run" */
    char *csv_path;
    char *base;            /* folder holding the run directories */
    Row *r;
    int n;
    bool any_seq_axis;     /* some workload has two or more sequence lengths */
} Data;

/* Plot bookkeeping: the names of the scripts written so far. */
typedef struct {
    const char *dir;
    char **names;          /* NAME.gp */
    char **base;           /* NAME */
    char **caption;
    int n;
    Diag *d;
    int failed;
} Plots;

/* ---- small helpers -------------------------------------------------------------------- */

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* "1K", "256K", "1M" for powers of two, else the number. */
static void seq_short(uint64_t s, char *out, size_t n)
{
    if (s >= 1048576 && s % 1048576 == 0)
        snprintf(out, n, "%" PRIu64 "M", s / 1048576);
    else if (s >= 1024 && s % 1024 == 0)
        snprintf(out, n, "%" PRIu64 "K", s / 1024);
    else
        snprintf(out, n, "%" PRIu64, s);
}

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

static bool parse_double(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return false;
    double v = strtod(s, &end);
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Index of `s` in list (adding it when absent). */
static int intern(char ***list, int *n, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*list)[i], s) == 0)
            return i;
    *list = xrealloc(*list, (size_t)(*n + 1) * sizeof **list);
    (*list)[*n] = xstrdup(s);
    return (*n)++;
}

static void free_list(char **list, int n)
{
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* ---- reading the input ------------------------------------------------------------------ */

/* "array2d 0.077, array1d 0.613" (compare) or "array2d=0.889610" (run CSV). */
static void parse_util(Row *r, const char *s)
{
    char *copy = xstrdup(s), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && r->n_util < MAX_UNITS;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        char *sep = strrchr(tok, '=');
        if (!sep)
            sep = strrchr(tok, ' ');
        double v;
        if (!sep || sep == tok)
            continue;
        *sep = '\0';
        if (!parse_double(sep + 1, &v))
            continue;
        r->util_name[r->n_util] = xstrdup(tok);
        r->util[r->n_util++] = v;
    }
    free(copy);
}

static const char *cell(const CsvTable *t, int row, const char *col)
{
    int c = csv_col(t, col);
    return c < 0 ? NULL : t->rows[row][c];
}

/* Loads a run's stats.json when the file exists; a malformed one is an error. */
static int load_stats(Row *r, char *path, Diag *d)
{
    if (!is_file(path)) {
        free(path);
        return 0;
    }
    size_t len;
    char *text = read_file(path, &len), *err = NULL;
    if (!text) {
        diag_error(d, path, 0, "cannot read: %s", strerror(errno));
        free(path);
        return 1;
    }
    r->stats = json_parse(text, &err);
    free(text);
    if (!r->stats) {
        int line = 0;
        sscanf(err, "line %d", &line);
        const char *msg = strchr(err, ':');
        diag_error(d, path, line, "malformed JSON: %s", msg ? msg + 2 : err);
        free(err);
        free(path);
        return 1;
    }
    r->stats_path = path;
    return 0;
}

static int read_rows(Data *D, const CsvTable *t, Diag *d)
{
    static const char *const required[] = { "workload", "mapping", "feasible", "seconds", NULL };
    for (int i = 0; required[i]; i++)
        if (csv_col(t, required[i]) < 0) {
            diag_error(d, D->csv_path, 1, "missing required column '%s' (expected a compare, "
                       "sweep or run CSV written by einsim)", required[i]);
            return 1;
        }
    bool compare = csv_col(t, "speedup") >= 0 && csv_col(t, "seq") >= 0;
    bool sweep = csv_col(t, "point") >= 0;
    D->r = xcalloc((size_t)t->nrows + 1, sizeof *D->r);
    for (int i = 0; i < t->nrows; i++) {
        Row *r = &D->r[D->n++];
        const char *v;
        r->workload = xstrdup(cell(t, i, "workload"));
        r->mapping = xstrdup(cell(t, i, "mapping"));
        r->arch = xstrdup((v = cell(t, i, "arch")) ? v : "");
        r->bound = xstrdup((v = cell(t, i, "bound")) ? v : "");
        r->reason = xstrdup((v = cell(t, i, "reason")) ? v : "");
        r->feasible = strcmp(cell(t, i, "feasible"), "1") == 0 ||
                      strcmp(cell(t, i, "feasible"), "true") == 0;
        if (r->feasible && !parse_double(cell(t, i, "seconds"), &r->seconds)) {
            diag_error(d, D->csv_path, t->line[i], "column 'seconds': '%s' is not a number",
                       cell(t, i, "seconds"));
            return 1;
        }
        parse_double(cell(t, i, "energy_pj"), &r->energy_pj);
        parse_double(cell(t, i, "dram_bytes"), &r->dram_bytes);
        double sq;
        if (((v = cell(t, i, "seq")) || (v = cell(t, i, "workload.seq"))) &&
            parse_double(v, &sq) && sq >= 1) {
            r->has_seq = true;
            r->seq = (uint64_t)sq;
        }
        if (compare) {
            r->has_ratio = parse_double(cell(t, i, "speedup"), &r->speedup) &&
                           parse_double(cell(t, i, "energy_ratio"), &r->energy_ratio);
        }
        if ((v = cell(t, i, "utilization")))
            parse_util(r, v);
        for (int u = 1; u <= MAX_UNITS; u++) {
            char col[24];
            snprintf(col, sizeof col, "util_%d", u);
            if ((v = cell(t, i, col)) && *v)
                parse_util(r, v);
        }
        const char *rows = cell(t, i, "arch.array2d.rows"), *cols = cell(t, i, "arch.array2d.cols");
        if (rows && *rows)
            r->size = cols && *cols ? xasprintf("%sx%s", rows, cols) : xstrdup(rows);
        r->has_area = parse_double(cell(t, i, "area_um2"), &r->area_um2);

        /* The run's own directory. */
        char *dir = NULL;
        if (sweep)
            dir = xasprintf("%s/points/%s", D->base, cell(t, i, "point"));
        else if (compare)
            dir = xasprintf("%s/%s-%s-%s", D->base, r->workload, cell(t, i, "seq"), r->mapping);
        else if (strcmp(D->kind, "run") == 0)
            dir = xstrdup(D->base);
        if (dir) {
            int bad = load_stats(r, path_join(dir, "stats.json"), d);
            free(dir);
            if (bad)
                return 1;
        }
        if (!r->has_area && r->stats) {
            const JsonValue *a = json_get(r->stats, "area_um2");
            if (a && a->type == JSON_NUM) {
                r->has_area = true;
                r->area_um2 = a->num;
            }
        }
    }
    return 0;
}

static void free_data(Data *D)
{
    for (int i = 0; i < D->n; i++) {
        Row *r = &D->r[i];
        free(r->workload);
        free(r->arch);
        free(r->mapping);
        free(r->bound);
        free(r->reason);
        free(r->size);
        free(r->label);
        for (int u = 0; u < r->n_util; u++)
            free(r->util_name[u]);
        json_free(r->stats);
        free(r->stats_path);
    }
    free(D->r);
    free(D->csv_path);
    free(D->base);
}

static int load_input(Data *D, const char *input, Diag *d)
{
    memset(D, 0, sizeof *D);
    if (is_dir(input)) {
        char *p;
        if (is_file(p = path_join(input, "compare.csv")))
            D->kind = "compare";
        else if (free(p), is_file(p = path_join(input, "sweep.csv")))
            D->kind = "sweep";
        else if (free(p), is_file(p = path_join(input, "stats.csv")))
            D->kind = "run";
        else {
            free(p);
            diag_error(d, input, 0, "no compare.csv, sweep.csv or stats.csv in this directory "
                       "(expected the output directory of einsim compare, sweep or run)");
            return 1;
        }
        D->csv_path = p;
        D->base = xstrdup(input);
    } else if (is_file(input)) {
        D->kind = "CSV";
        D->csv_path = xstrdup(input);
        D->base = path_dirname(input);
    } else {
        diag_error(d, input, 0, "no such file or directory");
        return 1;
    }
    CsvTable t;
    if (csv_read(D->csv_path, &t, d))
        return 1;
    int rc = read_rows(D, &t, d);
    if (rc == 0 && D->n == 0) {
        diag_error(d, D->csv_path, 2, "the CSV has a header but no rows");
        rc = 1;
    }
    csv_free(&t);
    return rc;
}

/* ---- plots ------------------------------------------------------------------------------- */

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

/* Writes the data and script of one plot; the body holds the `set`s and the plot command,
 * played once per terminal. */
static void plot_add(Plots *P, const char *name, const char *title, const char *caption,
                     const char *data, const char *body)
{
    Buf g = {0};
    gp_begin(&g, name, title);
    buf_printf(&g, "set terminal pngcairo noenhanced size 960,600 font 'DejaVu Sans,10'\n");
    buf_printf(&g, "set output '%s.png'\n%s", name, body);
    buf_printf(&g, "set terminal svg noenhanced size 960,600 font 'DejaVu Sans,11' background '#ffffff'\n");
    buf_printf(&g, "set output '%s.svg'\nreplot\nunset output\n", name);
    char *dat = xasprintf("%s/%s.dat", P->dir, name), *gp = xasprintf("%s/%s.gp", P->dir, name);
    if (write_file_atomic(dat, data, strlen(data)) || write_file_atomic(gp, g.s, g.len)) {
        diag_error(P->d, gp, 0, "cannot write: %s", strerror(errno));
        P->failed = 1;
    }
    free(dat);
    free(gp);
    buf_free(&g);
    P->names = xrealloc(P->names, (size_t)(P->n + 1) * sizeof *P->names);
    P->base = xrealloc(P->base, (size_t)(P->n + 1) * sizeof *P->base);
    P->caption = xrealloc(P->caption, (size_t)(P->n + 1) * sizeof *P->caption);
    P->names[P->n] = xasprintf("%s.gp", name);
    P->base[P->n] = xstrdup(name);
    P->caption[P->n++] = xstrdup(caption);
}

static void free_plots(Plots *P)
{
    free_list(P->names, P->n);
    free_list(P->base, P->n);
    free_list(P->caption, P->n);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Distinct sequence lengths among rows `idx`, sorted; returns their count. */
static int distinct_seqs(const Data *D, const int *idx, int n, uint64_t *out)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        bool seen = !r->has_seq;
        for (int j = 0; j < k && !seen; j++)
            seen = out[j] == r->seq;
        if (!seen)
            out[k++] = r->seq;
    }
    qsort(out, (size_t)k, sizeof *out, cmp_u64);
    return k;
}

/* `set xtics ("1K" 1024, ...)` over the sequence lengths, log2 axis. */
static void seq_axis(Buf *g, const uint64_t *seqs, int n)
{
    buf_printf(g, "set logscale x 2\nset xlabel 'sequence length (tokens, log2 scale)'\nset xtics (");
    for (int i = 0; i < n; i++) {
        char s[32];
        seq_short(seqs[i], s, sizeof s);
        buf_printf(g, "%s'%s' %" PRIu64, i ? ", " : "", s, seqs[i]);
    }
    buf_printf(g, ")\nset xrange [%g:%g]\n", (double)seqs[0] / 1.5, (double)seqs[n - 1] * 1.5);
    buf_printf(g, "set key outside right top\n");
}

typedef enum { Y_SPEEDUP, Y_ERATIO, Y_DRAM } LineY;

/* One line per mapping of value-vs-sequence-length for the rows of one workload. */
static void plot_vs_seq(Plots *P, const Data *D, const int *idx, int n, const char *wl, LineY y)
{
    uint64_t seqs[256];
    int ns = distinct_seqs(D, idx, n, seqs);
    char **maps = NULL;
    int nm = 0;
    for (int i = 0; i < n; i++)
        intern(&maps, &nm, D->r[idx[i]].mapping);
    Buf dat = {0}, g = {0};
    seq_axis(&g, seqs, ns);
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
        buf_printf(&g, "set logscale y 10\nset format y '%%.0e'\n"
                       "set ylabel 'DRAM traffic (bytes, log scale)'\n");
    else if (y == Y_SPEEDUP)
        buf_printf(&g, "set logscale y 2\nset yrange [%g:%g]\nset ylabel 'speedup vs %s (log2 scale)'\n",
                   vmin / 1.25, vmax * 1.25, base ? base : "the first mapping");
    else
        buf_printf(&g, "set yrange [0:%g]\nset ylabel 'energy ratio vs %s (lower is better)'\n",
                   vmax * 1.15, base ? base : "the first mapping");
    buf_printf(&g, "plot ");
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
                    buf_printf(&dat, "%s# %s\n", blocks ? "\n\n" : "", maps[m]);
                buf_printf(&dat, "%" PRIu64 " %.10g\n", r->seq, v);
            }
        if (!pts)
            continue;
        buf_printf(&g, "%s'%s.dat' index %d using 1:2 with linespoints lt %d title ", blocks ? ", \\\n     " : "",
                   "@NAME@", blocks, m + 1);
        gp_str(&g, maps[m]);
        blocks++;
    }
    buf_printf(&g, "\n");
    char *sw = safe_name(wl);
    const char *stem = y == Y_SPEEDUP ? "speedup" : y == Y_ERATIO ? "energy-ratio" : "dram";
    char *name = xasprintf("%s-%s", stem, sw);
    char *title = xasprintf("%s: %s vs sequence length", wl, what);
    char *cap = y == Y_DRAM
        ? xasprintf("%s: DRAM traffic (bytes read and written) per mapping vs sequence length.", wl)
        : xasprintf("%s: %s of each mapping against %s (as einsim compare reported it) vs "
                    "sequence length.", wl, what, base ? base : "the first mapping");
    if (blocks) {
        /* The data file name is only known here. */
        char *body = g.s;
        Buf fixed = {0};
        for (char *p = body; *p;) {
            char *at = strstr(p, "@NAME@");
            if (!at) {
                buf_printf(&fixed, "%s", p);
                break;
            }
            buf_printf(&fixed, "%.*s%s", (int)(at - p), p, name);
            p = at + 6;
        }
        plot_add(P, name, title, cap, dat.s, fixed.s);
        buf_free(&fixed);
    }
    free(sw);
    free(name);
    free(title);
    free(cap);
    buf_free(&dat);
    buf_free(&g);
    free_list(maps, nm);
}

/* Utilisation per unit: lines vs sequence length (one per mapping x unit), or clustered
 * bars per run when there is no sequence axis. */
static void plot_util(Plots *P, const Data *D, const int *idx, int n, const char *wl)
{
    uint64_t seqs[256];
    int ns = distinct_seqs(D, idx, n, seqs);
    char **units = NULL, **maps = NULL;
    int nu = 0, nm = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        intern(&maps, &nm, r->mapping);
        for (int u = 0; u < r->n_util; u++)
            intern(&units, &nu, r->util_name[u]);
    }
    char *sw = safe_name(wl), *name = xasprintf("utilization-%s", sw);
    Buf dat = {0}, g = {0};
    int blocks = 0;
    if (nu && ns >= 2) {
        seq_axis(&g, seqs, ns);
        buf_printf(&g, "set ylabel 'utilisation (useful PE-cycles / PE-cycles)'\nset yrange [0:1.05]\nplot ");
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
                                    buf_printf(&dat, "%s# %s %s\n", blocks ? "\n\n" : "", maps[m], units[u]);
                                buf_printf(&dat, "%" PRIu64 " %.10g\n", r->seq, r->util[k]);
                            }
                    }
                if (!pts)
                    continue;
                buf_printf(&g, "%s'%s.dat' index %d using 1:2 with linespoints lt %d dt %d title ",
                           blocks ? ", \\\n     " : "", name, blocks, m + 1, u + 1);
                char *t = xasprintf("%s %s", maps[m], units[u]);
                gp_str(&g, t);
                free(t);
                blocks++;
            }
        buf_printf(&g, "\n");
    } else if (nu) {
        buf_printf(&dat, "run");
        for (int u = 0; u < nu; u++)
            buf_printf(&dat, " \"%s\"", units[u]);
        buf_printf(&dat, "\n");
        for (int i = 0; i < n; i++) {
            const Row *r = &D->r[idx[i]];
            if (!r->feasible)
                continue;
            buf_printf(&dat, "\"%s\"", r->label);
            for (int u = 0; u < nu; u++) {
                double v = 0;
                for (int k = 0; k < r->n_util; k++)
                    if (strcmp(r->util_name[k], units[u]) == 0)
                        v = r->util[k];
                buf_printf(&dat, " %.10g", v);
            }
            buf_printf(&dat, "\n");
            blocks++;
        }
        buf_printf(&g, "set style data histograms\nset style histogram clustered gap 1\n"
                       "set style fill solid 0.85 border -1\nset yrange [0:1.05]\n"
                       "set ylabel 'utilisation (useful PE-cycles / PE-cycles)'\n"
                       "set xtics rotate by 30 right\nset key outside right top\n"
                       "plot for [i=2:%d] '%s.dat' using i:xtic(1) title columnheader(i) lt i-1\n",
                   nu + 1, name);
    }
    if (blocks) {
        char *title = xasprintf("%s: utilisation per unit", wl);
        char *cap = xasprintf("%s: utilisation of each compute unit (analytic level).", wl);
        plot_add(P, name, title, cap, dat.s, g.s);
        free(title);
        free(cap);
    }
    free(sw);
    free(name);
    buf_free(&dat);
    buf_free(&g);
    free_list(units, nu);
    free_list(maps, nm);
}

/* DRAM bytes per run as bars (no sequence axis). */
static void plot_dram_bars(Plots *P, const Data *D, const int *idx, int n, const char *wl)
{
    char *sw = safe_name(wl), *name = xasprintf("dram-%s", sw);
    Buf dat = {0}, g = {0};
    int k = 0;
    buf_printf(&dat, "run bytes\n");
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        if (r->feasible && r->dram_bytes > 0) {
            buf_printf(&dat, "\"%s\" %.10g\n", r->label, r->dram_bytes);
            k++;
        }
    }
    buf_printf(&g, "set style data histograms\nset style fill solid 0.85 border -1\n"
                   "set logscale y 10\nset format y '%%.0e'\nset ylabel 'DRAM traffic (bytes, log scale)'\n"
                   "set xtics rotate by 30 right\nset key off\n"
                   "plot '%s.dat' using 2:xtic(1) lt 1\n", name);
    if (k) {
        char *title = xasprintf("%s: DRAM traffic per run", wl);
        char *cap = xasprintf("%s: DRAM traffic (bytes read and written) of each run.", wl);
        plot_add(P, name, title, cap, dat.s, g.s);
        free(title);
        free(cap);
    }
    free(sw);
    free(name);
    buf_free(&dat);
    buf_free(&g);
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
            intern(&keys, &nk, by_einsum ? (nm && nm->type == JSON_STR ? nm->str : "?") : v->keys[k]);
        }
    }
    char *sw = safe_name(wl);
    char *name = xasprintf("%s-%s", by_einsum ? "energy-einsums" : "energy-components", sw);
    Buf dat = {0}, g = {0};
    buf_printf(&dat, "run");
    for (int k = 0; k < nk; k++)
        buf_printf(&dat, " \"%s\"", keys[k]);
    buf_printf(&dat, "\n");
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
            buf_printf(&dat, "\"%s\"", r->label);
            for (int k = 0; k < nk; k++)
                buf_printf(&dat, " %.6f", 100.0 * val[k] / tot);
            buf_printf(&dat, "\n");
            bars++;
        }
        free(val);
    }
    buf_printf(&g, "set style data histograms\nset style histogram rowstacked\n"
                   "set style fill solid 0.9 border rgb '#ffffff'\nset boxwidth 0.8\n"
                   "set yrange [0:100]\nset ylabel '%% of the run''s %s energy'\n"
                   "set xtics rotate by 35 right %s\nset key outside right top samplen 1.5 %s\n"
                   "plot for [i=2:%d] '%s.dat' using i:xtic(1) title columnheader(i) lt i-1\n",
               by_einsum ? "compute" : "total", bars > 24 ? "font ',7'" : "",
               nk > 24 ? "font ',7'" : "", nk + 1, name);
    if (bars && nk) {
        char *title = xasprintf("%s: energy by %s", wl, by_einsum ? "Einsum" : "component.action");
        char *cap = by_einsum
            ? xasprintf("%s: compute energy of each Einsum, as a share of the run's compute "
                        "energy (stats.json einsums[].energy_pj).", wl)
            : xasprintf("%s: energy per component.action as a share of each run's total "
                        "(stats.json energy_breakdown_pj).", wl);
        plot_add(P, name, title, cap, dat.s, g.s);
        free(title);
        free(cap);
    }
    free(sw);
    free(name);
    buf_free(&dat);
    buf_free(&g);
    free_list(keys, nk);
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
        char s[32] = "";
        if (r->has_seq)
            seq_short(r->seq, s, sizeof s);
        char *key = xasprintf("%s%s%s %s", r->workload, *s ? " " : "", s, r->mapping);
        intern(&series, &ns, key);
        free(key);
    }
    Buf dat = {0}, g = {0};
    const char *name = "latency-area";
    buf_printf(&g, "set logscale x 2\nset logscale y 10\nset xlabel 'on-chip area (mm², log2 scale)'\n"
                   "set ylabel 'latency (s, log scale)'\nset key outside right top\nset format y '%%g'\nplot ");
    int blocks = 0;
    for (int s = 0; s < ns; s++) {
        /* Rows of this series sorted by area (insertion order is kept for equal areas). */
        int *ix = xcalloc((size_t)D->n, sizeof *ix), k = 0;
        for (int i = 0; i < D->n; i++) {
            const Row *r = &D->r[i];
            if (!r->feasible || !r->has_area)
                continue;
            char q[32] = "";
            if (r->has_seq)
                seq_short(r->seq, q, sizeof q);
            char *key = xasprintf("%s%s%s %s", r->workload, *q ? " " : "", q, r->mapping);
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
        buf_printf(&dat, "%s# %s\n", blocks ? "\n\n" : "", series[s]);
        for (int j = 0; j < k; j++) {
            const Row *r = &D->r[ix[j]];
            buf_printf(&dat, "%.10g %.10g \"%s\"\n", r->area_um2 / 1e6, r->seconds,
                       r->size ? r->size : "");
        }
        free(ix);
        buf_printf(&g, "%s'%s.dat' index %d using 1:2 with linespoints lt %d title ", blocks ? ", \\\n     " : "",
                   name, blocks, s + 1);
        gp_str(&g, series[s]);
        if (s == 0)
            buf_printf(&g, ", \\\n     '%s.dat' index %d using 1:2:3 with labels right offset -1.2,0 font ',8' notitle",
                       name, blocks);
        blocks++;
    }
    buf_printf(&g, "\n");
    plot_add(P, name, "Latency vs area", "Latency (analytic level) against on-chip area from the "
             "area table, one line per workload, sequence length and mapping; the labels of the "
             "first line are the 2D array sizes.", dat.s, g.s);
    buf_free(&dat);
    buf_free(&g);
    free_list(series, ns);
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
        intern(&maps, &nm, D->r[i].mapping);
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
        free_list(maps, nm);
        return;
    }
    const char *name = "roofline";
    Buf dat = {0}, g = {0};
    xmin /= 8;
    xmax *= 8;
    ymin = fmin(ymin, xmin * bw[0]) / 2;
    buf_printf(&g, "set logscale xy 10\nset format x '%%.0e'\nset format y '%%.0e'\n"
                   "set xlabel 'operational intensity (ops per DRAM byte, log scale)'\n"
                   "set ylabel 'throughput (ops/s, log scale)'\n"
                   "set xrange [%g:%g]\nset yrange [%g:%g]\nset samples 400\n"
                   "set key outside right top\n", xmin, xmax, ymin, ymax * 2);
    for (int k = 0; k < nroof; k++)
        buf_printf(&g, "roof%d(x) = x * %.10g < %.10g ? x * %.10g : %.10g\n", k, bw[k], peak[k],
                   bw[k], peak[k]);
    buf_printf(&g, "plot ");
    for (int k = 0; k < nroof; k++)
        buf_printf(&g, "%sroof%d(x) with lines lc rgb '#444444' dt %d lw 2 title 'roof: %.4g Tops/s, %.4g GB/s'",
                   k ? ", \\\n     " : "", k, k + 1, peak[k] / 1e12, bw[k] / 1e9);
    int blocks = 0;
    for (int m = 0; m < nm; m++) {
        buf_printf(&dat, "%s# %s\n", blocks ? "\n\n" : "", maps[m]);
        for (int i = 0; i < D->n; i++) {
            const JsonValue *rf = D->r[i].feasible ? json_get(D->r[i].stats, "roofline") : NULL;
            if (!rf || strcmp(D->r[i].mapping, maps[m]) ||
                json_num(rf, "ops_per_dram_byte", 0) <= 0 || json_num(rf, "ops_per_s", 0) <= 0)
                continue;
            buf_printf(&dat, "%.10g %.10g\n", json_num(rf, "ops_per_dram_byte", 0),
                       json_num(rf, "ops_per_s", 0));
        }
        buf_printf(&g, ", \\\n     '%s.dat' index %d using 1:2 with points lt %d pt %d ps 1.4 title ",
                   name, blocks, m + 1, m % 7 + 1);
        gp_str(&g, maps[m]);
        blocks++;
    }
    buf_printf(&g, "\n");
    plot_add(P, name, "Roofline", "Roofline: each run's operations (every op of every term, "
             "once) per second against its operations per DRAM byte, under the compute roof "
             "(one op per PE per cycle) and the DRAM roof of its architecture.", dat.s, g.s);
    buf_free(&dat);
    buf_free(&g);
    free_list(maps, nm);
}

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
            intern(&maps, &nm, D->r[i].mapping);
            intern(&wls, &nw, D->r[i].workload);
        }
    if (!nm) {
        free_list(maps, nm);
        free_list(wls, nw);
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
    free_list(maps, nm);
    free_list(wls, nw);
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
        intern(&seen, &ns, key);
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
    free_list(seen, ns);
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
        char *bytes = read_file(png, &len);
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
        if (write_file_atomic(path, h.s, h.len)) {
            diag_error(d, path, 0, "cannot write: %s", strerror(errno));
            rc = 1;
        }
        free(path);
    }
    buf_free(&h);
    return rc;
}

/* ---- driver ------------------------------------------------------------------------------ */

static void make_labels(Data *D)
{
    bool many_seq = false, many_arch = false;
    for (int i = 1; i < D->n; i++) {
        many_seq |= D->r[i].has_seq != D->r[0].has_seq || D->r[i].seq != D->r[0].seq;
        for (int j = 0; j < i && !many_arch; j++) /* one mapping name on two architectures */
            many_arch = strcmp(D->r[i].mapping, D->r[j].mapping) == 0 &&
                        strcmp(D->r[i].arch, D->r[j].arch) != 0;
    }
    for (int i = 0; i < D->n; i++) {
        Row *r = &D->r[i];
        char s[32] = "";
        if (many_seq && r->has_seq)
            seq_short(r->seq, s, sizeof s);
        r->label = xasprintf("%s%s%s%s%s%s%s", r->size ? r->size : "", r->size ? " " : "", s,
                             *s ? " " : "", many_arch && !r->size ? r->arch : "",
                             many_arch && !r->size ? ":" : "", r->mapping);
    }
}

int report_generate(const ReportOptions *o, ReportResult *res, Diag *d)
{
    memset(res, 0, sizeof *res);
    Data D;
    if (load_input(&D, o->input, d)) {
        free_data(&D);
        return 1;
    }
    char *outdir = o->outdir ? xstrdup(o->outdir)
                 : strcmp(D.kind, "CSV") == 0 ? path_join(D.base, "report")
                                              : path_join(o->input, "report");
    res->outdir = outdir;
    res->n_rows = D.n;
    if (mkdirs(outdir) != 0) {
        diag_error(d, outdir, 0, "cannot create the output directory: %s", strerror(errno));
        free_data(&D);
        return 1;
    }
    make_labels(&D);
    Plots P = { .dir = outdir, .d = d };
    char **wls = NULL;
    int nw = 0;
    for (int i = 0; i < D.n; i++)
        intern(&wls, &nw, D.r[i].workload);
    int *idx = xcalloc((size_t)D.n, sizeof *idx);
    for (int w = 0; w < nw; w++) {
        int n = 0;
        for (int i = 0; i < D.n; i++)
            if (strcmp(D.r[i].workload, wls[w]) == 0)
                idx[n++] = i;
        uint64_t seqs[256];
        bool seq_axis_ok = distinct_seqs(&D, idx, n, seqs) >= 2;
        bool ratio = false;
        for (int i = 0; i < n; i++)
            ratio |= D.r[idx[i]].has_ratio;
        if (seq_axis_ok && ratio) {
            plot_vs_seq(&P, &D, idx, n, wls[w], Y_SPEEDUP);
            plot_vs_seq(&P, &D, idx, n, wls[w], Y_ERATIO);
        }
        plot_util(&P, &D, idx, n, wls[w]);
        if (seq_axis_ok)
            plot_vs_seq(&P, &D, idx, n, wls[w], Y_DRAM);
        else
            plot_dram_bars(&P, &D, idx, n, wls[w]);
        plot_energy_stack(&P, &D, idx, n, wls[w], false);
        plot_energy_stack(&P, &D, idx, n, wls[w], true);
    }
    free(idx);
    free_list(wls, nw);
    plot_latency_area(&P, &D);
    plot_roofline(&P, &D);

    int rc = P.failed;
    if (!rc && P.n) {
        Buf all = {0};
        buf_printf(&all, "# plots.gp — redraws every plot of this report: gnuplot plots.gp\n");
        for (int i = 0; i < P.n; i++)
            buf_printf(&all, "load '%s'\n", P.names[i]);
        char *path = path_join(outdir, "plots.gp");
        if (write_file_atomic(path, all.s, all.len)) {
            diag_error(d, path, 0, "cannot write: %s", strerror(errno));
            rc = 1;
        }
        free(path);
        buf_free(&all);
        if (!rc)
            rc = plot_run(o->gnuplot ? o->gnuplot : "gnuplot", outdir, P.names, P.n, d);
    }
    if (!rc)
        rc = write_html(&D, &P, o->input, o->title ? o->title : "einsim report", outdir, d);
    res->n_plots = P.n;
    free_plots(&P);
    free_data(&D);
    return rc;
}
