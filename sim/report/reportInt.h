/* reportInt.h — internals of `einsim report` shared by the files of sim/report/:
 * a CSV reader, a small JSON reader (for the runs' stats.json), gnuplot driving and HTML
 * helpers. Nothing here computes a model result: these only read what runs wrote. */
#ifndef EINSIM_REPORT_INT_H
#define EINSIM_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"
#include "util/limits.h"
#include "util/output.h"
#include "util/util.h"

/* ---- CSV (csvread.c) ------------------------------------------------------------------ */
/* A CSV file: a header line and rows of the same width. Fields may be double-quoted
 * ("" inside quotes is a quote). Everything is owned by the table. */
typedef struct {
    char **head;     /* column names */
    int ncols;
    char ***rows;    /* rows[r][c] */
    int *line;       /* 1-based source line of each row */
    int nrows;
} CsvTable;

/* Parses `path`; returns 0, or 1 with a file:line error in d. */
int csv_read(const char *path, CsvTable *t, Diag *d);
void csv_free(CsvTable *t);
/* Column index of `name`, or -1. */
int csv_col(const CsvTable *t, const char *name);

/* ---- JSON (jsonread.c) ------------------------------------------------------------------ */
typedef enum { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ } JsonType;
typedef struct JsonValue JsonValue;
struct JsonValue {
    JsonType type;
    double num;          /* JSON_NUM, JSON_BOOL (0/1) */
    char *str;           /* JSON_STR */
    JsonValue **items;   /* JSON_ARR elements, JSON_OBJ values (in file order) */
    char **keys;         /* JSON_OBJ keys */
    int n;
};
/* Parses `text`; returns the tree (owned by the caller, json_free) or NULL with a
 * message "line N: ..." in *err (owned by the caller). */
JsonValue *json_parse(const char *text, char **err);
void json_free(JsonValue *v);
/* Member of an object (NULL when absent or `v` is not an object). */
const JsonValue *json_get(const JsonValue *v, const char *key);
/* Number member, or `dflt`. */
double json_num(const JsonValue *v, const char *key, double dflt);

/* ---- gnuplot (plot.c) -------------------------------------------------------------------- */
/* Runs `gnuplot` (program name or path) on the scripts `names` (NAME.gp, n of them) in
 * directory `dir`, with stderr to dir/gnuplot.log. Returns 0, or 1 with the reason in d
 * (gnuplot missing: names the Debian package). */
int plot_run(const char *gnuplot, const char *dir, char **names, int n, Diag *d);
/* Appends a gnuplot single-quoted string (quotes doubled). */
void gp_str(Buf *b, const char *s);

/* ---- HTML (html.c) ----------------------------------------------------------------------- */
/* Appends `s` with & < > " escaped. */
void html_esc(Buf *b, const char *s);
/* Appends the base64 encoding of `len` bytes. */
void base64_put(Buf *b, const unsigned char *p, size_t len);

#endif
