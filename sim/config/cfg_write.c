/* cfg_write.c — re-emitting a libconfig tree as text (the effective_cfg of a spec).
 *
 * libconfig's own config_write prints floats with 6 significant digits, which would make
 * effective.cfg lossy. This writer prints every float with the fewest digits (15..17)
 * that read back as the same double, always with a '.' or an exponent so it stays a
 * float; 64-bit integers get the L suffix; strings are quoted and escaped; group keys
 * come out in tree order (file order, then added defaults and overrides). Output is a
 * pure function of the tree, so it is deterministic. */
#include "config/configInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_indent(Buf *b, int indent)
{
    for (int i = 0; i < indent; i++)
        buf_printf(b, "  ");
}

void cfg_write_float(Buf *b, double x)
{
    char tmp[64];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (strtod(tmp, NULL) == x)
            break;
    }
    if (!strpbrk(tmp, ".eEn"))  /* 'n': inf / nan, which validation rejects earlier */
        strcat(tmp, ".0");
    buf_printf(b, "%s", tmp);
}

static void put_string(Buf *b, const char *s)
{
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': buf_printf(b, "\\\""); break;
        case '\\': buf_printf(b, "\\\\"); break;
        case '\n': buf_printf(b, "\\n"); break;
        case '\t': buf_printf(b, "\\t"); break;
        case '\r': buf_printf(b, "\\r"); break;
        case '\f': buf_printf(b, "\\f"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                buf_printf(b, "\\x%02X", *p);
            else
                buf_putc(b, (char)*p);
        }
    }
    buf_putc(b, '"');
}

static void put_value(Buf *b, const config_setting_t *s, int indent, CfgWriteHook hook,
                      void *ctx);

/* A group whose members are all scalars (a list element such as an energy entry or a
 * binding) is written on one line: { class = "pe2d"; action = "mac"; pj = 17.1645; }. */
static bool is_flat_group(const config_setting_t *s)
{
    if (!config_setting_is_group(s))
        return false;
    for (int i = 0; i < config_setting_length(s); i++)
        if (config_setting_is_aggregate(config_setting_get_elem(s, (unsigned)i)))
            return false;
    return true;
}

static void put_flat_group(Buf *b, const config_setting_t *s)
{
    buf_printf(b, "{");
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
        buf_printf(b, " %s = ", config_setting_name(m));
        put_value(b, m, 0, NULL, NULL);
        buf_printf(b, ";");
    }
    buf_printf(b, " }");
}

static void put_value(Buf *b, const config_setting_t *s, int indent, CfgWriteHook hook,
                      void *ctx)
{
    int n = config_setting_length(s);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: buf_printf(b, "%d", config_setting_get_int(s)); break;
    case CONFIG_TYPE_INT64: buf_printf(b, "%lldL", config_setting_get_int64(s)); break;
    case CONFIG_TYPE_FLOAT: cfg_write_float(b, config_setting_get_float(s)); break;
    case CONFIG_TYPE_STRING: put_string(b, config_setting_get_string(s)); break;
    case CONFIG_TYPE_BOOL: buf_printf(b, "%s", config_setting_get_bool(s) ? "true" : "false"); break;
    case CONFIG_TYPE_GROUP:
        buf_printf(b, "{\n");
        for (int i = 0; i < n; i++)
            cfg_write_setting(b, config_setting_get_elem(s, (unsigned)i), indent + 1, hook, ctx);
        put_indent(b, indent);
        buf_putc(b, '}');
        break;
    case CONFIG_TYPE_ARRAY:
        buf_printf(b, "[");
        for (int i = 0; i < n; i++) {
            buf_printf(b, "%s", i ? ", " : " ");
            put_value(b, config_setting_get_elem(s, (unsigned)i), indent + 1, hook, ctx);
        }
        buf_printf(b, " ]");
        break;
    case CONFIG_TYPE_LIST:
        if (n == 0) {
            buf_printf(b, "( )");
            break;
        }
        buf_printf(b, "(\n");
        for (int i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            put_indent(b, indent + 1);
            if (is_flat_group(e))
                put_flat_group(b, e);
            else
                put_value(b, e, indent + 1, hook, ctx);
            buf_printf(b, "%s\n", i + 1 < n ? "," : "");
        }
        put_indent(b, indent);
        buf_putc(b, ')');
        break;
    default:
        EINSIM_ASSERT(!"setting of unknown type");
    }
}

void cfg_write_setting(Buf *b, const config_setting_t *s, int indent, CfgWriteHook hook,
                       void *ctx)
{
    if (hook && hook(ctx, b, s, indent))
        return;
    put_indent(b, indent);
    buf_printf(b, "%s = ", config_setting_name(s));
    put_value(b, s, indent, hook, ctx);
    buf_printf(b, ";\n");
}
