/* csvread.c — a small CSV reader for `einsim report` (compare, sweep and run CSVs). */
#include "report/reportInt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Parses one record starting at *p; advances past its line end. Fields are new strings. */
static char **parse_record(const char **p, int *n, int *line, bool *bad_quote)
{
    char **f = NULL;
    int nf = 0;
    const char *s = *p;
    *bad_quote = false;
    for (;;) {
        Buf b = {0};
        buf_printf(&b, "%s", "");
        if (*s == '"') {
            s++;
            for (;;) {
                if (*s == '\0') {
                    *bad_quote = true;
                    break;
                }
                if (*s == '"' && s[1] == '"') {
                    buf_putc(&b, '"');
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    if (*s == '\n')
                        (*line)++;
                    buf_putc(&b, *s++);
                }
            }
        }
        while (*s && *s != ',' && *s != '\n' && *s != '\r')
            buf_putc(&b, *s++);
        f = xrealloc(f, (size_t)(nf + 1) * sizeof *f);
        f[nf++] = buf_take(&b);
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s == '\r')
            s++;
        if (*s == '\n')
            s++;
        break;
    }
    *p = s;
    *n = nf;
    return f;
}

static void free_fields(char **f, int n)
{
    for (int i = 0; i < n; i++)
        free(f[i]);
    free(f);
}

int csv_read(const char *path, CsvTable *t, Diag *d)
{
    memset(t, 0, sizeof *t);
    size_t len;
    char *text = read_file(path, LIMIT_RESULT_BYTES, &len);
    if (!text) {
        diag_error(d, path, 0, "cannot read: %s", file_strerror(errno));
        return 1;
    }
    if (strlen(text) != len) {
        diag_error(d, path, 0, "not a text CSV file (it contains a NUL byte)");
        free(text);
        return 1;
    }
    const char *p = text;
    int line = 1, rc = 0;
    bool badq;
    if (*p == '\0') {
        diag_error(d, path, 1, "empty file: expected a CSV header line");
        free(text);
        return 1;
    }
    t->head = parse_record(&p, &t->ncols, &line, &badq);
    line++;
    while (*p && rc == 0) {
        int start = line, n;
        if (*p == '\n' || (*p == '\r' && p[1] == '\n')) { /* blank line */
            p += *p == '\r' ? 2 : 1;
            line++;
            continue;
        }
        char **f = parse_record(&p, &n, &line, &badq);
        line++;
        if (badq) {
            diag_error(d, path, start, "unterminated quoted field");
            rc = 1;
        } else if (n != t->ncols) {
            diag_error(d, path, start, "%d fields, but the header has %d", n, t->ncols);
            rc = 1;
        }
        if (rc) {
            free_fields(f, n);
            break;
        }
        t->rows = xrealloc(t->rows, (size_t)(t->nrows + 1) * sizeof *t->rows);
        t->line = xrealloc(t->line, (size_t)(t->nrows + 1) * sizeof *t->line);
        t->rows[t->nrows] = f;
        t->line[t->nrows++] = start;
    }
    free(text);
    if (rc)
        csv_free(t);
    return rc;
}

void csv_free(CsvTable *t)
{
    for (int r = 0; r < t->nrows; r++)
        free_fields(t->rows[r], t->ncols);
    free_fields(t->head, t->ncols);
    free(t->rows);
    free(t->line);
    memset(t, 0, sizeof *t);
}

int csv_col(const CsvTable *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->head[c], name) == 0)
            return c;
    return -1;
}
