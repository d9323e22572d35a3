/* jsonread.c — a small JSON reader for the stats.json files that runs write.
 *
 * Full JSON syntax except \u escapes beyond ASCII (kept as '?'); numbers are read as
 * doubles. Nesting is limited to 64 levels. */
#include "report/reportInt.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    int line;
    char *err;
    int depth;
} JsonParser;

static void jerr(JsonParser *p, const char *what)
{
    if (!p->err)
        p->err = xasprintf("line %d: %s", p->line, what);
}

static void ws(JsonParser *p)
{
    while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r') {
        if (*p->s == '\n')
            p->line++;
        p->s++;
    }
}

static char *parse_string(JsonParser *p)
{
    Buf b = {0};
    buf_printf(&b, "%s", "");
    p->s++; /* opening quote */
    while (*p->s != '"') {
        if (*p->s == '\0' || *p->s == '\n') {
            jerr(p, "unterminated string");
            buf_free(&b);
            return NULL;
        }
        if (*p->s == '\\') {
            p->s++;
            char c = *p->s;
            if (c == 'n') buf_putc(&b, '\n');
            else if (c == 't') buf_putc(&b, '\t');
            else if (c == 'r') buf_putc(&b, '\r');
            else if (c == 'b' || c == 'f') buf_putc(&b, ' ');
            else if (c == 'u') {
                unsigned v = 0;
                for (int i = 1; i <= 4; i++) {
                    char h = p->s[i];
                    int x = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                          : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (x < 0) {
                        jerr(p, "bad \\u escape");
                        buf_free(&b);
                        return NULL;
                    }
                    v = v * 16 + (unsigned)x;
                }
                buf_putc(&b, v < 0x80 && v >= 0x20 ? (char)v : '?');
                p->s += 4;
            } else if (c == '"' || c == '\\' || c == '/') buf_putc(&b, c);
            else {
                jerr(p, "bad escape in string");
                buf_free(&b);
                return NULL;
            }
            p->s++;
        } else {
            buf_putc(&b, *p->s++);
        }
    }
    p->s++;
    return buf_take(&b);
}

static JsonValue *parse_value(JsonParser *p);

static JsonValue *jnew(JsonType t)
{
    JsonValue *v = xcalloc(1, sizeof *v);
    v->type = t;
    return v;
}

static JsonValue *parse_container(JsonParser *p, bool obj)
{
    JsonValue *v = jnew(obj ? JSON_OBJ : JSON_ARR);
    char close = obj ? '}' : ']';
    p->s++;
    ws(p);
    if (*p->s == close) {
        p->s++;
        return v;
    }
    for (;;) {
        ws(p);
        char *key = NULL;
        if (obj) {
            if (*p->s != '"') {
                jerr(p, "expected a string key");
                break;
            }
            if (!(key = parse_string(p)))
                break;
            ws(p);
            if (*p->s != ':') {
                jerr(p, "expected ':'");
                free(key);
                break;
            }
            p->s++;
        }
        JsonValue *x = parse_value(p);
        if (!x) {
            free(key);
            break;
        }
        v->items = xrealloc(v->items, (size_t)(v->n + 1) * sizeof *v->items);
        if (obj) {
            v->keys = xrealloc(v->keys, (size_t)(v->n + 1) * sizeof *v->keys);
            v->keys[v->n] = key;
        }
        v->items[v->n++] = x;
        ws(p);
        if (*p->s == ',') {
            p->s++;
            continue;
        }
        if (*p->s == close) {
            p->s++;
            return v;
        }
        jerr(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    json_free(v);
    return NULL;
}

static JsonValue *parse_value(JsonParser *p)
{
    ws(p);
    if (++p->depth > 64) {
        jerr(p, "nested too deeply");
        return NULL;
    }
    JsonValue *v = NULL;
    char c = *p->s;
    if (c == '{' || c == '[') {
        v = parse_container(p, c == '{');
    } else if (c == '"') {
        char *s = parse_string(p);
        if (s) {
            v = jnew(JSON_STR);
            v->str = s;
        }
    } else if (strncmp(p->s, "true", 4) == 0 || strncmp(p->s, "false", 5) == 0) {
        v = jnew(JSON_BOOL);
        v->num = c == 't';
        p->s += c == 't' ? 4 : 5;
    } else if (strncmp(p->s, "null", 4) == 0) {
        v = jnew(JSON_NULL);
        p->s += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        char *end;
        double x = strtod(p->s, &end);
        if (end == p->s)
            jerr(p, "bad number");
        else {
            v = jnew(JSON_NUM);
            v->num = x;
            p->s = end;
        }
    } else {
        jerr(p, c ? "unexpected character" : "unexpected end of text");
    }
    p->depth--;
    return v;
}

JsonValue *json_parse(const char *text, char **err)
{
    JsonParser p = { text, 1, NULL, 0 };
    JsonValue *v = parse_value(&p);
    if (v) {
        ws(&p);
        if (*p.s) {
            jerr(&p, "text after the JSON value");
            json_free(v);
            v = NULL;
        }
    }
    *err = p.err;
    return v;
}

void json_free(JsonValue *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->n; i++) {
        json_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

const JsonValue *json_get(const JsonValue *v, const char *key)
{
    if (!v || v->type != JSON_OBJ)
        return NULL;
    for (int i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return v->items[i];
    return NULL;
}

double json_num(const JsonValue *v, const char *key, double dflt)
{
    const JsonValue *x = json_get(v, key);
    return x && x->type == JSON_NUM ? x->num : dflt;
}
