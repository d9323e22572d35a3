/* cfg_override.c — applying `--set KEY=VALUE` overrides to a libconfig tree.
 *
 * Overrides are applied after defaults are filled in and before validation, so the
 * validators see (and report) overridden values like any other; each written setting
 * remembers its override in the libconfig hook so errors about it are reported at
 * "<command line>:N" with a "--set KEY=VALUE: " prefix.
 *
 * Key resolution. The first component names the group ("arch", "energy", ...). Then:
 *   arch.UNIT.k...      UNIT not a member of arch: the compute unit or storage level
 *                       whose `name` is UNIT (arch.array2d.rows, arch.GlobalBuffer.size_kb)
 *   energy.CLS.ACT.k    CLS not a member of energy: the actions entry with class CLS and
 *                       action ACT (energy.pe2d.mac.pj)
 *   a.b.c               otherwise a plain path; inside a list a component is "[i]"
 *                       (0-based) or the element whose `name` or `einsum` equals it
 *                       (mapping.binding.BQK.unit).
 * The last component is replaced when it exists and is added to its parent group when
 * it does not (validation then rejects unknown keys).
 *
 * Values are parsed here, never by libconfig: "-12" is a 64-bit integer (overflow is an
 * error), "1.5" / "1e3" a float, true / false a boolean, anything else a string (double
 * quotes around it are removed). An integer may replace a float; any other change of
 * type is an error. */
#include "config/configInt.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OV_INT, OV_FLOAT, OV_BOOL, OV_STR } OvKind;

typedef struct {
    OvKind kind;
    int64_t i;
    double x;
    bool b;
    char *s;  /* OV_STR, owned */
} OvValue;

static void ov_err(CfgFile *f, const Override *o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void ov_err(CfgFile *f, const Override *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_error(f->d, CFG_CMDLINE, o->index, "--set %s=%s: %s", o->key, o->value, msg);
    free(msg);
}

/* Parses the text of a value (see the file comment). Returns 0, or -1 with *err set. */
static int parse_value(const char *t, OvValue *v, const char **err)
{
    memset(v, 0, sizeof *v);
    const char *p = t + (t[0] == '-');
    if (*p && strspn(p, "0123456789") == strlen(p)) {
        uint64_t mag = 0;
        for (; *p; p++) {
            if (!ck_mul_u64(mag, 10, &mag) || !ck_add_u64(mag, (uint64_t)(*p - '0'), &mag)) {
                *err = "integer does not fit in 64 bits";
                return -1;
            }
        }
        bool neg = t[0] == '-';
        if (mag > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) {
            *err = "integer does not fit in 64 bits";
            return -1;
        }
        v->kind = OV_INT;
        v->i = neg ? (int64_t)(0 - mag) : (int64_t)mag;
        return 0;
    }
    if ((isdigit((unsigned char)t[0]) || t[0] == '-' || t[0] == '+' || t[0] == '.') &&
        strpbrk(t, ".eE")) {
        char *end;
        double x = strtod(t, &end);
        if (*end == '\0' && end != t) {
            if (!isfinite(x)) {
                *err = "number does not fit in a double";
                return -1;
            }
            v->kind = OV_FLOAT;
            v->x = x;
            return 0;
        }
    }
    if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0) {
        v->kind = OV_BOOL;
        v->b = t[0] == 't';
        return 0;
    }
    v->kind = OV_STR;
    size_t n = strlen(t);
    if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
        char *s = xmalloc(n);
        size_t k = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            if (t[i] == '\\' && i + 2 < n && (t[i + 1] == '"' || t[i + 1] == '\\'))
                i++;
            s[k++] = t[i];
        }
        s[k] = '\0';
        v->s = s;
    } else {
        v->s = xstrdup(t);
    }
    return 0;
}

/* "an integer", ... for the kind of a parsed override value. */
static const char *kind_name(OvKind k)
{
    switch (k) {
    case OV_INT: return "an integer";
    case OV_FLOAT: return "a float";
    case OV_BOOL: return "a boolean";
    default: return "a string";
    }
}

/* Stores the value into an existing scalar setting. Returns false on a type change. */
static bool replace_value(config_setting_t *s, const OvValue *v)
{
    int t = config_setting_type(s);
    switch (v->kind) {
    case OV_INT:
        if (t == CONFIG_TYPE_INT) {
            if (v->i >= INT32_MIN && v->i <= INT32_MAX) {
                config_setting_set_int(s, (int)v->i);
            } else {
                /* libconfig 1.5 cannot widen a setting through its API (set_int64 on an
                 * INT stores 0); the struct is public and both are plain union members. */
                s->type = CONFIG_TYPE_INT64;
                s->value.llval = v->i;
            }
            return true;
        }
        if (t == CONFIG_TYPE_INT64)
            return config_setting_set_int64(s, v->i) == CONFIG_TRUE;
        if (t == CONFIG_TYPE_FLOAT)
            return config_setting_set_float(s, (double)v->i) == CONFIG_TRUE;
        return false;
    case OV_FLOAT:
        return t == CONFIG_TYPE_FLOAT && config_setting_set_float(s, v->x) == CONFIG_TRUE;
    case OV_BOOL:
        return t == CONFIG_TYPE_BOOL && config_setting_set_bool(s, v->b) == CONFIG_TRUE;
    default:
        return t == CONFIG_TYPE_STRING && config_setting_set_string(s, v->s) == CONFIG_TRUE;
    }
}

/* Adds `name` with the value to group `g`; NULL when libconfig rejects the name. */
static config_setting_t *add_value(config_setting_t *g, const char *name, const OvValue *v)
{
    int type = v->kind == OV_FLOAT ? CONFIG_TYPE_FLOAT
             : v->kind == OV_BOOL ? CONFIG_TYPE_BOOL
             : v->kind == OV_STR ? CONFIG_TYPE_STRING
             : (v->i >= INT32_MIN && v->i <= INT32_MAX) ? CONFIG_TYPE_INT : CONFIG_TYPE_INT64;
    config_setting_t *s = config_setting_add(g, name, type);
    if (!s)
        return NULL;
    switch (v->kind) {
    case OV_INT:
        if (type == CONFIG_TYPE_INT)
            config_setting_set_int(s, (int)v->i);
        else
            config_setting_set_int64(s, v->i);
        break;
    case OV_FLOAT: config_setting_set_float(s, v->x); break;
    case OV_BOOL: config_setting_set_bool(s, v->b); break;
    default: config_setting_set_string(s, v->s); break;
    }
    return s;
}

/* Returns the string member `key` of an element group, or NULL. */
static const char *elem_str(const config_setting_t *e, const char *key)
{
    if (!config_setting_is_group(e))
        return NULL;
    config_setting_t *m = config_setting_get_member(e, key);
    return m && config_setting_type(m) == CONFIG_TYPE_STRING ? config_setting_get_string(m)
                                                             : NULL;
}

/* Child `comp` of an aggregate: a group member, or a list element by "[i]" or by the
 * element's name / einsum. NULL when there is none. */
static config_setting_t *child(config_setting_t *cur, const char *comp)
{
    if (config_setting_is_group(cur))
        return config_setting_get_member(cur, comp);
    if (!config_setting_is_aggregate(cur))
        return NULL;
    int n = config_setting_length(cur);
    if (comp[0] == '[') {
        char *end;
        long k = strtol(comp + 1, &end, 10);
        if (end != comp + 1 && strcmp(end, "]") == 0 && k >= 0 && k < n)
            return config_setting_get_elem(cur, (unsigned)k);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        config_setting_t *e = config_setting_get_elem(cur, (unsigned)i);
        const char *nm = elem_str(e, "name");
        const char *es = elem_str(e, "einsum");
        if ((nm && strcmp(nm, comp) == 0) || (es && strcmp(es, comp) == 0))
            return e;
    }
    return NULL;
}

/* The compute unit or storage level of `arch` named `name`; NULL after listing the
 * available names into *names. */
static config_setting_t *arch_element(config_setting_t *arch, const char *name, Buf *names)
{
    static const char *const lists[] = { "compute", "storage" };
    for (int l = 0; l < 2; l++) {
        config_setting_t *list = config_setting_get_member(arch, lists[l]);
        if (!list || !config_setting_is_aggregate(list))
            continue;
        for (int i = 0; i < config_setting_length(list); i++) {
            config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
            const char *nm = elem_str(e, "name");
            if (!nm)
                continue;
            if (strcmp(nm, name) == 0)
                return e;
            buf_printf(names, "%s%s", names->len ? ", " : "", nm);
        }
    }
    return NULL;
}

/* The energy actions entry (cls, act), or NULL. */
static config_setting_t *energy_entry(config_setting_t *energy, const char *cls,
                                      const char *act)
{
    config_setting_t *list = config_setting_get_member(energy, "actions");
    if (!list || !config_setting_is_aggregate(list))
        return NULL;
    for (int i = 0; i < config_setting_length(list); i++) {
        config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        const char *c = elem_str(e, "class"), *a = elem_str(e, "action");
        if (c && a && strcmp(c, cls) == 0 && strcmp(a, act) == 0)
            return e;
    }
    return NULL;
}

/* Splits a dotted key into components (new strings in *comps, count returned). */
static int split_key(const char *key, char ***comps)
{
    int n = 1;
    for (const char *p = key; *p; p++)
        n += *p == '.';
    char **v = xcalloc((size_t)n, sizeof *v);
    const char *start = key;
    for (int i = 0; i < n; i++) {
        const char *dot = strchr(start, '.');
        size_t len = dot ? (size_t)(dot - start) : strlen(start);
        v[i] = xasprintf("%.*s", (int)len, start);
        start = dot ? dot + 1 : start + len;
    }
    *comps = v;
    return n;
}

/* Applies override `o` (key split into n components, comps[0] == group) to the tree
 * under `top`; reports failures at "<command line>:index". */
static void apply_one(CfgFile *f, config_setting_t *top, const char *group, const Override *o,
                      char **comps, int n)
{
    for (int i = 0; i < n; i++)
        if (!comps[i][0]) {
            ov_err(f, o, "%s: empty key component", o->key);
            return;
        }
    if (n < 2) {
        ov_err(f, o, "%s: name a setting inside the group, e.g. %s.name", o->key, group);
        return;
    }
    OvValue v;
    const char *perr = NULL;
    if (parse_value(o->value, &v, &perr) != 0) {
        ov_err(f, o, "%s: %s", o->key, perr);
        return;
    }

    config_setting_t *cur = top;
    int i = 1;
    if (strcmp(group, "arch") == 0 && n >= 3 && !config_setting_get_member(top, comps[1])) {
        Buf names = {0};
        cur = arch_element(top, comps[1], &names);
        if (!cur)
            ov_err(f, o, "arch.%s: no compute unit or storage level named '%s' (available: "
                   "%s)", comps[1], comps[1], names.len ? names.s : "none");
        buf_free(&names);
        i = 2;
    } else if (strcmp(group, "energy") == 0 && n >= 4 &&
               !config_setting_get_member(top, comps[1])) {
        cur = energy_entry(top, comps[1], comps[2]);
        if (!cur)
            ov_err(f, o, "energy.%s.%s: the energy table has no entry with class '%s' and "
                   "action '%s'", comps[1], comps[2], comps[1], comps[2]);
        i = 3;
    }
    for (; cur && i < n - 1; i++) {
        config_setting_t *next = child(cur, comps[i]);
        if (!next || !config_setting_is_aggregate(next)) {
            Buf path = {0};
            for (int k = 0; k <= i; k++)
                buf_printf(&path, "%s%s", k ? "." : "", comps[k]);
            if (!next)
                ov_err(f, o, "%s: no such key", path.s);
            else
                ov_err(f, o, "%s: is %s, not a group", path.s,
                       cfg_type_name(config_setting_type(next)));
            buf_free(&path);
            cur = NULL;
        } else {
            cur = next;
        }
    }
    if (cur) {
        const char *last = comps[n - 1];
        config_setting_t *s = child(cur, last);
        if (s && config_setting_is_aggregate(s)) {
            ov_err(f, o, "%s: cannot replace %s with a value", o->key,
                   cfg_type_name(config_setting_type(s)));
        } else if (s) {
            if (replace_value(s, &v))
                config_setting_set_hook(s, (void *)o);
            else
                ov_err(f, o, "%s: expected %s, got %s", o->key,
                       cfg_type_name(config_setting_type(s)), kind_name(v.kind));
        } else if (!config_setting_is_group(cur)) {
            ov_err(f, o, "%s: no such element", o->key);
        } else {
            s = add_value(cur, last, &v);
            if (s)
                config_setting_set_hook(s, (void *)o);
            else
                ov_err(f, o, "%s: '%s' is not a valid key name", o->key, last);
        }
    }
    free(v.s);
}

void cfg_apply_overrides(CfgFile *f, config_setting_t *top, const char *group,
                         const Overrides *ov)
{
    if (!ov || !top)
        return;
    for (int k = 0; k < ov->n; k++) {
        const Override *o = &ov->v[k];
        char **comps;
        int n = split_key(o->key, &comps);
        if (strcmp(comps[0], group) == 0)
            apply_one(f, top, group, o, comps, n);
        for (int i = 0; i < n; i++)
            free(comps[i]);
        free(comps);
    }
}
