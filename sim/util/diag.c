/* diag.c — collecting and printing compiler-style diagnostics. */
#include "util/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void diag_init(Diag *d) { memset(d, 0, sizeof *d); }

void diag_free(Diag *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->e[i].file);
        free(d->e[i].msg);
        free(d->e[i].context);
    }
    diag_init(d);
}

static void add(Diag *d, const char *file, int line, int col, const char *context,
                const char *fmt, va_list ap)
{
    if (d->n == DIAG_MAX) {
        d->dropped++;
        return;
    }
    char *msg = xvasprintf(fmt, ap);
    DiagEntry *e = &d->e[d->n++];
    e->file = file ? xstrdup(file) : NULL;
    e->line = line;
    e->col = col;
    e->msg = msg;
    e->context = context ? xstrdup(context) : NULL;
}

void diag_error(Diag *d, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, file, line, 0, NULL, fmt, ap);
    va_end(ap);
}

void diag_warning(Diag *d, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int before = d->n;
    add(d, file, line, 0, NULL, fmt, ap);
    va_end(ap);
    if (d->n == before)
        return;
    DiagEntry *w = &d->e[before];
    for (int i = 0; i < before; i++) { /* once per file, line and text */
        const DiagEntry *e = &d->e[i];
        if (e->warning && e->line == w->line && strcmp(e->msg, w->msg) == 0 &&
            (e->file == w->file || (e->file && w->file && strcmp(e->file, w->file) == 0))) {
            free(w->file);
            free(w->msg);
            free(w->context);
            d->n--;
            return;
        }
    }
    w->warning = 1;
    d->warnings++;
}

void diag_error_at(Diag *d, const char *file, int line, int col, const char *context,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, file, line, col, context, fmt, ap);
    va_end(ap);
}

void diag_print(const Diag *d, FILE *out)
{
    for (int i = 0; i < d->n; i++) {
        const DiagEntry *e = &d->e[i];
        if (e->file && e->line > 0)
            fprintf(out, "%s:%d: ", e->file, e->line);
        else if (e->file)
            fprintf(out, "%s: ", e->file);
        fprintf(out, "%s: %s\n", e->warning ? "warning" : "error", e->msg);
        if (e->context)
            fprintf(out, "%s\n", e->context);
    }
    if (d->dropped)
        fprintf(out, "einsim: %d more error(s) not shown\n", d->dropped);
}
