/* reportdata.c — the runs `einsim report` presents (reportgenInt.h), read from its input.
 *
 * Inputs, recognised by their files:
 *   - a compare directory: compare.csv, run directories DIR/RUN_DIR/ (its run_dir
 *     column; older files: DIR/WORKLOAD-SEQ-MAPPING/);
 *   - a sweep directory: sweep.csv (the run CSV's columns, then a `point` column and one
 *     column per axis key), run directories DIR/points/POINT/;
 *   - a CSV of either kind (run directories looked up beside it when present);
 *   - one run directory: stats.csv and stats.json.
 * Each run's stats.json (when present) adds the energy breakdowns, area and roofline. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/reportgenInt.h"

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
void report_seq_short(uint64_t s, char *out, size_t n)
{
    if (s >= 1048576 && s % 1048576 == 0)
        snprintf(out, n, "%" PRIu64 "M", s / 1048576);
    else if (s >= 1024 && s % 1024 == 0)
        snprintf(out, n, "%" PRIu64 "K", s / 1024);
    else
        snprintf(out, n, "%" PRIu64, s);
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
int report_intern(char ***list, int *n, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*list)[i], s) == 0)
            return i;
    *list = xrealloc(*list, (size_t)(*n + 1) * sizeof **list);
    (*list)[*n] = xstrdup(s);
    return (*n)++;
}

void report_free_list(char **list, int n)
{
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Distinct sequence lengths among rows `idx`, sorted; returns their count. */
int report_distinct_seqs(const Data *D, const int *idx, int n, uint64_t *out)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        const Row *r = &D->r[idx[i]];
        bool seen = !r->has_seq;
        for (int j = 0; j < k && !seen; j++)
            seen = out[j] == r->seq;
        if (!seen && k < REPORT_MAX_SEQS)
            out[k++] = r->seq;
    }
    qsort(out, (size_t)k, sizeof *out, cmp_u64);
    return k;
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
    char *text = read_file(path, LIMIT_RESULT_BYTES, &len), *err = NULL;
    if (!text) {
        diag_error(d, path, 0, "cannot read: %s", file_strerror(errno));
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
        if ((v = cell(t, i, "utilization"))) /* older compare.csv */
            parse_util(r, v);
        for (int u = 1; u <= MAX_UNITS && r->n_util < MAX_UNITS; u++) {
            char col[24], ucol[24];
            snprintf(col, sizeof col, "util_%d", u);
            snprintf(ucol, sizeof ucol, "unit_%d", u);
            const char *name = cell(t, i, ucol);
            double x;
            if (!(v = cell(t, i, col)) || !*v)
                continue;
            if (!name) { /* older files: "array2d=0.889610" */
                parse_util(r, v);
            } else if (*name && parse_double(v, &x)) {
                r->util_name[r->n_util] = xstrdup(name);
                r->util[r->n_util++] = x;
            }
        }
        const char *rows = cell(t, i, "arch.array2d.rows"), *cols = cell(t, i, "arch.array2d.cols");
        if (rows && *rows)
            r->size = cols && *cols ? xasprintf("%sx%s", rows, cols) : xstrdup(rows);
        r->has_area = parse_double(cell(t, i, "area_um2"), &r->area_um2);

        /* The run's own directory. */
        char *dir = NULL;
        if (sweep)
            dir = xasprintf("%s/points/%s", D->base, cell(t, i, "point"));
        else if (compare && (v = cell(t, i, "run_dir")) && *v)
            dir = path_join(D->base, v);
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

void report_data_free(Data *D)
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
        free(r->series);
        free(r->match);
        for (int a = 0; a < D->n_axes; a++)
            free(r->axv[a]);
        for (int u = 0; u < r->n_util; u++)
            free(r->util_name[u]);
        json_free(r->stats);
        free(r->stats_path);
    }
    free(D->r);
    for (int a = 0; a < D->n_axes; a++)
        free(D->axis[a]);
    free(D->baseline);
    free(D->csv_path);
    free(D->base);
}

/* An axis that picks the architecture or mapping file (named in every series). */
static bool names_input(const char *key)
{
    return !strcmp(key, "arch_file") || !strcmp(key, "mapping_file");
}

/* The sweep axes of a sweep CSV (the columns after `point`, which follows the run CSV's
 * columns; in sweep.csv files written before that order, the columns between `point`
 * and `workload`) that tell runs apart in a plot: those with two or more values, other
 * than the workload file and workload.seq (each workload has its own plots, the sequence
 * length is their x axis) and the architecture and mapping files (their names are in
 * every series). Zipped keys whose values are equal in every row are shown once, under
 * the first key. Also sets each row's Row.match. */
static void find_axes(Data *D, const CsvTable *t)
{
    int first = csv_col(t, "point") + 1, last = csv_col(t, "workload");
    if (first <= 0)
        last = first = 0;
    else if (last < first)
        last = t->ncols;
    for (int i = 0; i < D->n; i++) {
        Buf m = {0};
        buf_printf(&m, "%s\037%" PRIu64, D->r[i].workload, D->r[i].has_seq ? D->r[i].seq : 0);
        for (int c = first; c < last; c++)
            if (!names_input(t->head[c]))
                buf_printf(&m, "\037%s", t->rows[i][c]);
        D->r[i].match = buf_take(&m);
    }
    for (int c = first; c < last && D->n_axes < MAX_AXES; c++) {
        const char *k = t->head[c];
        if (names_input(k) || !strcmp(k, "workload_file") || !strcmp(k, "workload.seq"))
            continue;
        bool varies = false, dup = false;
        for (int i = 1; i < t->nrows && !varies; i++)
            varies = strcmp(t->rows[i][c], t->rows[0][c]) != 0;
        for (int c2 = first; c2 < c && varies && !dup; c2++) {
            dup = true;
            for (int i = 0; i < t->nrows && dup; i++)
                dup = strcmp(t->rows[i][c], t->rows[i][c2]) == 0;
        }
        if (!varies || dup)
            continue;
        D->axis[D->n_axes] = xstrdup(k);
        for (int i = 0; i < D->n; i++)
            D->r[i].axv[D->n_axes] = xstrdup(t->rows[i][c]);
        D->n_axes++;
    }
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
    if (rc == 0)
        find_axes(D, &t);
    csv_free(&t);
    return rc;
}

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
        Buf s = {0};
        buf_printf(&s, "%s%s%s", many_arch ? r->arch : "", many_arch ? ":" : "", r->mapping);
        for (int a = 0; a < D->n_axes; a++)
            buf_printf(&s, " %s=%s", D->axis[a], r->axv[a]);
        r->series = buf_take(&s);
        char q[32] = "";
        if (many_seq && r->has_seq)
            report_seq_short(r->seq, q, sizeof q);
        r->label = xasprintf("%s%s%s", q, *q ? " " : "", r->series);
        if (!r->match)
            r->match = xasprintf("%s\037%" PRIu64, r->workload, r->has_seq ? r->seq : 0);
    }
}

static bool names(const Row *r, const char *name)
{
    size_t la = strlen(r->arch);
    return strcmp(r->mapping, name) == 0 || strcmp(r->series, name) == 0 ||
           (strncmp(name, r->arch, la) == 0 && name[la] == ':' && strcmp(name + la + 1, r->mapping) == 0);
}

const Row *report_partner(const Data *D, const Row *r, const char *name)
{
    for (int i = 0; i < D->n; i++)
        if (names(&D->r[i], name) && strcmp(D->r[i].match, r->match) == 0)
            return &D->r[i];
    return NULL;
}

/* Ratios against the runs of `name` (see report_data_load). */
static int apply_baseline(Data *D, const char *name, Diag *d)
{
    bool any = false;
    for (int i = 0; i < D->n && !any; i++)
        any = names(&D->r[i], name);
    if (!any) {
        Buf l = {0};
        char **seen = NULL;
        int ns = 0;
        for (int i = 0; i < D->n; i++) {
            int before = ns;
            report_intern(&seen, &ns, D->r[i].mapping);
            if (ns > before)
                buf_printf(&l, "%s%s", before ? ", " : "", D->r[i].mapping);
        }
        diag_error(d, D->csv_path, 0, "--baseline '%s' names no run (mappings: %s; a series "
                   "or ARCH:MAPPING also works)", name, l.s);
        report_free_list(seen, ns);
        buf_free(&l);
        return 1;
    }
    for (int i = 0; i < D->n; i++) {
        Row *r = &D->r[i];
        r->is_base = names(r, name);
        const Row *b = report_partner(D, r, name);
        r->has_ratio = b && b->feasible && r->feasible && r->seconds > 0 && b->energy_pj > 0;
        if (r->has_ratio) {
            r->speedup = b->seconds / r->seconds;
            r->energy_ratio = r->energy_pj / b->energy_pj;
        }
    }
    D->baseline = xstrdup(name);
    return 0;
}

int report_data_load(Data *D, const char *input, const char *baseline, Diag *d)
{
    if (load_input(D, input, d))
        return 1;
    make_labels(D);
    if (baseline)
        return apply_baseline(D, baseline, d);
    for (int i = 0; i < D->n && !D->baseline; i++)
        if (D->r[i].has_ratio) /* compare: its first pair */
            D->baseline = xstrdup(D->r[i].series);
    for (int i = 0; i < D->n && D->baseline; i++)
        D->r[i].is_base = strcmp(D->r[i].series, D->baseline) == 0;
    return 0;
}
