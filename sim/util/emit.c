/* emit.c — the JSON and CSV writer (emit.h). emit_printf walks the format one conversion
 * at a time, so that each number can be checked and the field it belongs to named. */
#include "util/emit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(Emit *e, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_putc(&e->b, s[i]);
}

/* The field a number written now belongs to: the last "KEY": of its line (JSON), else
 * its column in the line (CSV). */
static void record_field(Emit *e)
{
    const char *s = e->b.s ? e->b.s : "";
    const char *line = strrchr(s, '\n');
    line = line ? line + 1 : s;
    const char *colon = NULL;
    for (const char *q = strstr(line, "\":"); q; q = strstr(q + 1, "\":"))
        colon = q;
    if (colon) {
        const char *open = colon;
        while (open > line && open[-1] != '"')
            open--;
        snprintf(e->bad, sizeof e->bad, "%.*s", (int)(colon - open), open);
        return;
    }
    int col = 1;
    bool quoted = false;
    for (const char *q = line; *q; q++) {
        if (*q == '"')
            quoted = !quoted;
        else if (*q == ',' && !quoted)
            col++;
    }
    snprintf(e->bad, sizeof e->bad, "column %d", col);
}

void emit_printf(Emit *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *p = fmt;
    while (*p) {
        if (*p != '%' || p[1] == '%') {
            const char *q = *p == '%' ? p + 1 : strchr(p, '%');
            size_t n = *p == '%' ? 1 : q ? (size_t)(q - p) : strlen(p);
            put(e, p, n);
            p += *p == '%' ? 2 : n;
            continue;
        }
        const char *s = p + 1;
        s += strspn(s, "-+ #0");
        s += strspn(s, "0123456789");
        if (*s == '.') {
            s++;
            s += strspn(s, "0123456789");
        }
        int longs = 0;      /* l count; 'z' as 3 */
        while (*s == 'l' || *s == 'h' || *s == 'z')
            longs += *s == 'l' ? 1 : *s == 'z' ? 3 : 0, s++;
        char conv = *s++;
        char spec[32];
        EINSIM_ASSERT((size_t)(s - p) < sizeof spec);
        memcpy(spec, p, (size_t)(s - p));
        spec[s - p] = '\0';
        char out[512];
        int n;
        switch (conv) {
        case 'd': case 'i':
            n = longs == 3   ? snprintf(out, sizeof out, spec, va_arg(ap, size_t))
              : longs == 2   ? snprintf(out, sizeof out, spec, va_arg(ap, long long))
              : longs == 1   ? snprintf(out, sizeof out, spec, va_arg(ap, long))
                             : snprintf(out, sizeof out, spec, va_arg(ap, int));
            break;
        case 'u': case 'x': case 'X': case 'o':
            n = longs == 3   ? snprintf(out, sizeof out, spec, va_arg(ap, size_t))
              : longs == 2   ? snprintf(out, sizeof out, spec, va_arg(ap, unsigned long long))
              : longs == 1   ? snprintf(out, sizeof out, spec, va_arg(ap, unsigned long))
                             : snprintf(out, sizeof out, spec, va_arg(ap, unsigned));
            break;
        case 'c':
            n = snprintf(out, sizeof out, spec, va_arg(ap, int));
            break;
        case 'p':
            n = snprintf(out, sizeof out, spec, va_arg(ap, void *));
            break;
        case 's': {
            /* Strings can be long: formatted through a Buf, not the fixed buffer. */
            const char *str = va_arg(ap, const char *);
            char *t = xasprintf(spec, str);
            put(e, t, strlen(t));
            free(t);
            p = s;
            continue;
        }
        case 'f': case 'e': case 'g': case 'E': case 'G': {
            double v = va_arg(ap, double);
            if (!isfinite(v)) {
                if (!e->bad[0])
                    record_field(e);
                n = snprintf(out, sizeof out, "null");
            } else {
                n = snprintf(out, sizeof out, spec, v);
            }
            break;
        }
        default:
            EINSIM_ASSERT(!"emit_printf: unsupported conversion");
            n = 0;
        }
        EINSIM_ASSERT(n >= 0 && (size_t)n < sizeof out);
        put(e, out, (size_t)n);
        p = s;
    }
    va_end(ap);
}

void emit_json_str(Emit *e, const char *s)
{
    buf_putc(&e->b, '"');
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            buf_printf(&e->b, "\\%c", ch);
        else if (ch < 0x20)
            buf_printf(&e->b, "\\u%04x", ch);
        else
            buf_putc(&e->b, (char)ch);
    }
    buf_putc(&e->b, '"');
}

void emit_csv_field(Emit *e, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        put(e, s, strlen(s));
        return;
    }
    buf_putc(&e->b, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(&e->b, '"');
        buf_putc(&e->b, *s);
    }
    buf_putc(&e->b, '"');
}

char *emit_take(Emit *e, char *bad)
{
    memcpy(bad, e->bad, EMIT_FIELD_MAX);
    if (e->bad[0]) {
        emit_free(e);
        return NULL;
    }
    return buf_take(&e->b);
}

void emit_free(Emit *e)
{
    buf_free(&e->b);
    e->bad[0] = '\0';
}
