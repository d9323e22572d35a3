/* reportdata.c — the runs `einsim report` presents (reportgenInt.h), read from its input.
 *
 * Inputs, recognised by their files:
 *   - a compare directory: compare.csv, run directories DIR/WORKLOAD-SEQ-MAPPING/;
 *   - a sweep directory: sweep.csv (a `point` column, one column per axis key, then the
 *     run CSV's columns), run directories DIR/points/POINT/;
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
            report_seq_short(r->seq, s, sizeof s);
        r->label = xasprintf("%s%s%s%s%s%s%s", r->size ? r->size : "", r->size ? " " : "", s,
                             *s ? " " : "", many_arch && !r->size ? r->arch : "",
                             many_arch && !r->size ? ":" : "", r->mapping);
    }
}

int report_data_load(Data *D, const char *input, Diag *d)
{
    if (load_input(D, input, d))
        return 1;
    make_labels(D);
    return 0;
}
