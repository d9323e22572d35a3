/* load_sweep.c — the `sweep` group: base inputs, fixed overrides and axes (sweep.h).
 *
 * Values are kept as text, the way the command line passes `--set KEY=VALUE`: einsim's
 * override parser reads them again when a point is loaded, so a sweep value and a
 * command-line value behave the same. Integers are written in decimal, floats so that
 * they read back exactly (always with a '.' or an exponent, so they stay floats). File
 * picks are resolved against the sweep file's folder. What this loader cannot know —
 * whether `arch.array2d.rows` exists in the chosen architecture — is checked by loading
 * every point before anything runs. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "config/configInt.h"
#include "config/sweep.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const sweep_level_name[3] = { "analytic", "cycle", "both" };

static const char *const pick_key[4] = { NULL, "arch", "workload", "mapping" };

typedef struct {
    SweepSpec s;     /* first: sweep_free casts back */
    StrPool pool;
} SweepBox;

/* A key as it appears in the file, for the duplicate check. */
typedef struct {
    const char *key;
    SrcLoc loc;
} SeenKey;

typedef struct {
    CfgFile *f;
    SweepBox *box;
    SeenKey *seen;
    int n_seen;
} Loader;

/* Classifies an override key or a file pick. Returns NULL when the key is well formed,
 * else a message (static, or written into `buf`). */
static const char *key_problem(const char *key, SweepKeyKind *kind, char *buf, size_t bufsz)
{
    for (int k = SWEEP_KEY_ARCH; k <= SWEEP_KEY_MAPPING; k++)
        if (strcmp(key, pick_key[k]) == 0) {
            *kind = (SweepKeyKind)k;
            return NULL;
        }
    *kind = SWEEP_KEY_SET;
    const char *dot = strchr(key, '.');
    size_t glen = dot ? (size_t)(dot - key) : strlen(key);
    int g = -1;
    for (int j = 0; j < 5; j++)
        if (strlen(cfg_top_groups[j]) == glen && strncmp(key, cfg_top_groups[j], glen) == 0)
            g = j;
    if (g < 0) {
        char group[64];
        snprintf(group, sizeof group, "%.*s", (int)(glen < 63 ? glen : 63), key);
        const char *sug = cfg_suggest(group, cfg_top_groups, 5);
        if (sug)
            snprintf(buf, bufsz, "unknown group '%s' (did you mean '%s'?)", group, sug);
        else
            snprintf(buf, bufsz, "unknown group '%s' (keys start with arch, energy, workload, "
                     "mapping or cascade; arch, workload and mapping alone pick a file)", group);
        return buf;
    }
    if (!dot)
        return "'energy' and 'cascade' cannot be picked by file here (use arch.energy or "
               "mapping.cascade)";
    for (const char *p = key; *p; p++) {
        if (*p == '.' && (p[1] == '.' || p[1] == '\0'))
            return "empty key component";
        if (!isalnum((unsigned char)*p) && !strchr("._-[]", *p))
            return "keys hold letters, digits and . _ - [ ] only";
    }
    return NULL;
}

/* Records `key` and reports it when an earlier setting already uses it. */
static void note_key(Loader *L, const config_setting_t *at, const char *label, const char *key)
{
    SrcLoc here = cfg_loc(L->f, at);
    for (int i = 0; i < L->n_seen; i++)
        if (strcmp(L->seen[i].key, key) == 0) {
            cfg_err(L->f, at, "%s: '%s' is also set at %s:%d", label, key, L->seen[i].loc.file,
                    L->seen[i].loc.line);
            return;
        }
    L->seen = xrealloc(L->seen, (size_t)(L->n_seen + 1) * sizeof *L->seen);
    L->seen[L->n_seen++] = (SeenKey){ key, here };
}

/* Resolves a file named in the sweep file against its folder. The result is written
 * without "dir/.." detours when that names the same file (so messages and reports show
 * "models/fusemax.cfg", not "workloads/sweeps/../../models/fusemax.cfg"). Reports an
 * unreadable file at `at` and returns NULL. The result is owned by the pool. */
static const char *resolve_file(Loader *L, const config_setting_t *at, const char *label,
                                const char *rel)
{
    char *joined = path_join(L->f->dir, rel);
    FILE *fp = fopen(joined, "rb");
    if (!fp) {
        cfg_err(L->f, at, "%s: cannot open '%s': %s", label, joined, strerror(errno));
        free(joined);
        return NULL;
    }
    fclose(fp);
    /* Lexical clean-up: drop "." components and "name/.." pairs. */
    char *tmp = xstrdup(joined);
    char **comp = xcalloc(strlen(tmp) + 1, sizeof *comp);
    int n = 0;
    bool abs_path = tmp[0] == '/';
    for (char *tok = strtok(tmp, "/"); tok; tok = strtok(NULL, "/")) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0 && n > 0 && strcmp(comp[n - 1], "..") != 0)
            n--;
        else
            comp[n++] = tok;
    }
    Buf b = {0};
    if (abs_path)
        buf_putc(&b, '/');
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? "/" : "", comp[i]);
    char *clean = b.s ? buf_take(&b) : xstrdup(".");
    free(comp);
    free(tmp);
    char *r1 = realpath(joined, NULL), *r2 = realpath(clean, NULL);
    bool same = r1 && r2 && strcmp(r1, r2) == 0;
    free(r1);
    free(r2);
    if (same) {
        free(joined);
        return pool_adopt(&L->box->pool, clean);
    }
    free(clean);
    return pool_adopt(&L->box->pool, joined);
}

/* The text of one list element: integers in decimal, floats exactly, booleans, strings
 * verbatim. Reports other types and returns NULL. Owned by the pool. */
static const char *value_text(Loader *L, const config_setting_t *e, const char *label)
{
    Buf b = {0};
    switch (config_setting_type(e)) {
    case CONFIG_TYPE_INT: buf_printf(&b, "%d", config_setting_get_int(e)); break;
    case CONFIG_TYPE_INT64: buf_printf(&b, "%lld", config_setting_get_int64(e)); break;
    case CONFIG_TYPE_FLOAT: cfg_write_float(&b, config_setting_get_float(e)); break;
    case CONFIG_TYPE_BOOL: buf_printf(&b, "%s", config_setting_get_bool(e) ? "true" : "false"); break;
    case CONFIG_TYPE_STRING:
        if (!config_setting_get_string(e)[0]) {
            cfg_err(L->f, e, "%s: an empty string is not a value", label);
            return NULL;
        }
        buf_printf(&b, "%s", config_setting_get_string(e));
        break;
    default:
        cfg_err(L->f, e, "%s: expected a number, a string or a boolean, got %s", label,
                cfg_type_name(config_setting_type(e)));
        return NULL;
    }
    return pool_adopt(&L->box->pool, buf_take(&b));
}

/* Fills one axis key from its key setting and value list. `vals_at` is the `values`
 * setting. Returns the number of values, or -1 after an error. */
static int load_key(Loader *L, SweepKey *k, const config_setting_t *key_s, const char *key_label,
                    const config_setting_t *vals, const char *vals_label)
{
    int before = diag_count(L->f->d);
    const char *key = config_setting_get_string(key_s);
    char buf[256];
    const char *why = key_problem(key, &k->kind, buf, sizeof buf);
    if (why)
        cfg_err(L->f, key_s, "%s: '%s': %s", key_label, key, why);
    else
        note_key(L, key_s, key_label, key);
    k->key = pool_add(&L->box->pool, key);
    k->key_loc = cfg_loc(L->f, key_s);
    int n = config_setting_length(vals);
    if (n == 0) {
        cfg_err(L->f, vals, "%s: the list is empty", vals_label);
        return -1;
    }
    k->text = xcalloc((size_t)n, sizeof *k->text);
    k->value = xcalloc((size_t)n, sizeof *k->value);
    k->loc = xcalloc((size_t)n, sizeof *k->loc);
    for (int i = 0; i < n; i++) {
        config_setting_t *e = config_setting_get_elem(vals, (unsigned)i);
        char *label = xasprintf("%s.[%d]", vals_label, i);
        k->loc[i] = cfg_loc(L->f, e);
        if (!why && k->kind != SWEEP_KEY_SET && config_setting_type(e) != CONFIG_TYPE_STRING)
            cfg_err(L->f, e, "%s: '%s' picks a file: expected a string, got %s", label, key,
                    cfg_type_name(config_setting_type(e)));
        else if ((k->text[i] = value_text(L, e, label)) != NULL)
            k->value[i] = k->kind == SWEEP_KEY_SET || why
                              ? k->text[i] : resolve_file(L, e, label, k->text[i]);
        free(label);
    }
    return diag_count(L->f->d) > before ? -1 : n;
}

/* A required string-valued member, reported like the typed getters. */
static config_setting_t *string_member(const Node *n, const char *key)
{
    const char *s;
    return get_str(n, key, true, false, &s) == GET_OK ? config_setting_get_member(n->s, key)
                                                      : NULL;
}

/* One element of `axes`. Returns 0, or -1 after an error. */
static int load_axis(Loader *L, SweepAxis *ax, config_setting_t *g, const char *label)
{
    static const char *const keys[] = { "key", "keys", "zip", "values", NULL };
    ax->loc = cfg_loc(L->f, g);
    if (!config_setting_is_group(g)) {
        cfg_err(L->f, g, "%s: expected a group { key = \"...\"; values = [...]; }, got %s",
                label, cfg_type_name(config_setting_type(g)));
        return -1;
    }
    Node n = node_make(L->f, g, label);
    int rc = check_keys(&n, keys) ? -1 : 0;
    bool has_key = config_setting_get_member(g, "key") != NULL;
    bool has_keys = config_setting_get_member(g, "keys") != NULL;
    bool has_zip = config_setting_get_member(g, "zip") != NULL;
    config_setting_t *vals = NULL;
    if (has_key + has_keys + has_zip != 1) {
        cfg_err(L->f, g, "%s: needs exactly one of 'key', 'keys' or 'zip'", label);
        rc = -1;
    } else if (has_zip) {
        if (config_setting_get_member(g, "values")) {
            cfg_err(L->f, config_setting_get_member(g, "values"), "%s.values: a zip takes its "
                    "values from its members", label);
            rc = -1;
        }
        config_setting_t *zip;
        if (get_list(&n, "zip", true, &zip) != GET_OK) {
            rc = -1;
        } else if (config_setting_length(zip) == 0) {
            cfg_err(L->f, zip, "%s.zip: the list is empty", label);
            rc = -1;
        } else {
            ax->n_keys = config_setting_length(zip);
            ax->keys = xcalloc((size_t)ax->n_keys, sizeof *ax->keys);
            int first = -1;
            for (int i = 0; i < ax->n_keys; i++) {
                static const char *const zkeys[] = { "key", "values", NULL };
                config_setting_t *m = config_setting_get_elem(zip, (unsigned)i);
                char *ml = xasprintf("%s.zip.[%d]", label, i);
                if (!config_setting_is_group(m)) {
                    cfg_err(L->f, m, "%s: expected a group { key = \"...\"; values = [...]; }, "
                            "got %s", ml, cfg_type_name(config_setting_type(m)));
                    rc = -1;
                    free(ml);
                    continue;
                }
                Node mn = node_make(L->f, m, ml);
                config_setting_t *ks = string_member(&mn, "key"), *vs = NULL;
                if (check_keys(&mn, zkeys) || !ks || get_list(&mn, "values", true, &vs) != GET_OK)
                    rc = -1;
                else {
                    char *kl = xasprintf("%s.key", ml), *vl = xasprintf("%s.values", ml);
                    int nv = load_key(L, &ax->keys[i], ks, kl, vs, vl);
                    if (nv < 0)
                        rc = -1;
                    else if (first < 0)
                        first = nv;
                    else if (nv != first) {
                        cfg_err(L->f, vs, "%s: %d values, but the first list of this zip has %d "
                                "(zipped lists advance together)", vl, nv, first);
                        rc = -1;
                    }
                    free(kl);
                    free(vl);
                }
                node_free(&mn);
                free(ml);
            }
            ax->n_values = first;
        }
    } else {
        config_setting_t *ks = NULL;
        char *vl = xasprintf("%s.values", label);
        if (get_list(&n, "values", true, &vals) != GET_OK) {
            rc = -1;
        } else if (has_key) {
            ks = string_member(&n, "key");
            ax->n_keys = 1;
            ax->keys = xcalloc(1, sizeof *ax->keys);
            char *kl = xasprintf("%s.key", label);
            if (!ks || (ax->n_values = load_key(L, &ax->keys[0], ks, kl, vals, vl)) < 0)
                rc = -1;
            free(kl);
        } else {
            config_setting_t *kl_s;
            if (get_list(&n, "keys", true, &kl_s) != GET_OK) {
                rc = -1;
            } else if (config_setting_length(kl_s) == 0) {
                cfg_err(L->f, kl_s, "%s.keys: the list is empty", label);
                rc = -1;
            } else {
                ax->n_keys = config_setting_length(kl_s);
                ax->keys = xcalloc((size_t)ax->n_keys, sizeof *ax->keys);
                for (int i = 0; i < ax->n_keys; i++) {
                    config_setting_t *e = config_setting_get_elem(kl_s, (unsigned)i);
                    char *kl = xasprintf("%s.keys.[%d]", label, i);
                    if (config_setting_type(e) != CONFIG_TYPE_STRING) {
                        cfg_err(L->f, e, "%s: expected a string, got %s", kl,
                                cfg_type_name(config_setting_type(e)));
                        rc = -1;
                    } else if ((ax->n_values = load_key(L, &ax->keys[i], e, kl, vals, vl)) < 0) {
                        rc = -1;
                    }
                    free(kl);
                }
            }
        }
        free(vl);
    }
    node_free(&n);
    return rc;
}

static void sweep_validate(Loader *L, config_setting_t *top)
{
    static const char *const keys[] = { "name", "arch", "workload", "mapping", "level", "set",
                                        "axes", NULL };
    CfgFile *f = L->f;
    SweepSpec *s = &L->box->s;
    Node n = node_make(f, top, "sweep");
    check_keys(&n, keys);

    const char *v;
    if (get_str(&n, "name", false, false, &v) == GET_OK) {
        if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
                strlen(v) || v[0] == '.')
            cfg_err(f, config_setting_get_member(top, "name"), "sweep.name: '%s': use letters, "
                    "digits and . _ - only (it names the output directory)", v);
        else
            s->name = pool_add(&L->box->pool, v);
    } else {
        /* The file's base name without its extension. */
        const char *base = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
        size_t len = strlen(base);
        if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
            len -= 4;
        s->name = pool_adopt(&L->box->pool, xasprintf("%.*s", (int)len, base));
    }

    for (int k = SWEEP_KEY_ARCH; k <= SWEEP_KEY_MAPPING; k++)
        if (get_str(&n, pick_key[k], false, false, &v) == GET_OK) {
            config_setting_t *at = config_setting_get_member(top, pick_key[k]);
            char *label = xasprintf("sweep.%s", pick_key[k]);
            s->base[k] = resolve_file(L, at, label, v);
            s->base_loc[k] = cfg_loc(f, at);
            note_key(L, at, label, pick_key[k]);
            free(label);
        }

    s->level = SWEEP_BOTH;
    if (get_str(&n, "level", false, false, &v) == GET_OK) {
        int k = 0;
        while (k < 3 && strcmp(v, sweep_level_name[k]) != 0)
            k++;
        if (k < 3)
            s->level = (SweepLevel)k;
        else
            cfg_err(f, config_setting_get_member(top, "level"), "sweep.level: must be "
                    "\"analytic\", \"cycle\" or \"both\" (got \"%s\")", v);
    }

    config_setting_t *set;
    if (get_list(&n, "set", false, &set) == GET_OK) {
        int m = config_setting_length(set);
        s->fixed = xcalloc((size_t)m + 1, sizeof *s->fixed);
        s->fixed_loc = xcalloc((size_t)m + 1, sizeof *s->fixed_loc);
        for (int i = 0; i < m; i++) {
            config_setting_t *e = config_setting_get_elem(set, (unsigned)i);
            char *label = xasprintf("sweep.set.[%d]", i);
            const char *t = config_setting_type(e) == CONFIG_TYPE_STRING
                                ? config_setting_get_string(e) : NULL;
            const char *eq = t ? strchr(t, '=') : NULL;
            if (!t) {
                cfg_err(f, e, "%s: expected a string \"KEY=VALUE\", got %s", label,
                        cfg_type_name(config_setting_type(e)));
            } else if (!eq || eq == t || !eq[1]) {
                cfg_err(f, e, "%s: expected \"KEY=VALUE\", got \"%s\"", label, t);
            } else {
                char *key = xasprintf("%.*s", (int)(eq - t), t);
                char buf[256];
                SweepKeyKind kind;
                const char *why = key_problem(key, &kind, buf, sizeof buf);
                if (!why && kind != SWEEP_KEY_SET)
                    why = "a file pick goes in sweep.arch, sweep.workload or sweep.mapping";
                if (why) {
                    cfg_err(f, e, "%s: '%s': %s", label, key, why);
                    free(key);
                } else {
                    note_key(L, e, label, key);
                    s->fixed[s->n_fixed] = (Override){ pool_adopt(&L->box->pool, key),
                                                       pool_add(&L->box->pool, eq + 1), 0 };
                    s->fixed_loc[s->n_fixed++] = cfg_loc(f, e);
                }
            }
            free(label);
        }
    }

    config_setting_t *axes;
    s->n_points = 1;
    if (get_list(&n, "axes", false, &axes) == GET_OK) {
        s->n_axes = config_setting_length(axes);
        s->axes = xcalloc((size_t)s->n_axes + 1, sizeof *s->axes);
        bool ok = true;
        for (int i = 0; i < s->n_axes; i++) {
            char *label = xasprintf("sweep.axes.[%d]", i);
            if (load_axis(L, &s->axes[i], config_setting_get_elem(axes, (unsigned)i), label))
                ok = false;
            s->n_columns += s->axes[i].n_keys;
            free(label);
        }
        for (int i = 0; ok && i < s->n_axes; i++)
            if (!ck_mul_u64(s->n_points, (uint64_t)s->axes[i].n_values, &s->n_points) ||
                s->n_points > SWEEP_MAX_POINTS) {
                cfg_err(f, axes, "sweep.axes: more than %d points", SWEEP_MAX_POINTS);
                ok = false;
            }
    }

    /* Every input file comes from a base key or an axis (not both: checked above). */
    for (int k = SWEEP_KEY_ARCH; k <= SWEEP_KEY_MAPPING; k++) {
        bool found = false;
        for (int i = 0; i < L->n_seen; i++)
            found |= strcmp(L->seen[i].key, pick_key[k]) == 0;
        if (!found)
            cfg_err(f, top, "sweep: no %s file: set sweep.%s or add an axis over '%s'",
                    pick_key[k], pick_key[k], pick_key[k]);
    }
    node_free(&n);
}

int config_load_sweep(const char *path, Diag *d, SweepSpec **out)
{
    *out = NULL;
    SweepBox *box = xcalloc(1, sizeof *box);
    int before = diag_count(d);
    CfgFile f;
    if (cfg_open(&f, path, d, &box->pool) == 0) {
        config_setting_t *top = cfg_sole_group(&f, "sweep", "sweep");
        if (top) {
            box->s.path = pool_add(&box->pool, path);
            Loader L = { &f, box, NULL, 0 };
            sweep_validate(&L, top);
            free(L.seen);
        }
    }
    cfg_close(&f);
    if (diag_count(d) > before) {
        sweep_free(&box->s);
        return 1;
    }
    *out = &box->s;
    return 0;
}

void sweep_free(SweepSpec *s)
{
    if (!s)
        return;
    SweepBox *box = (SweepBox *)s;
    for (int i = 0; i < s->n_axes; i++) {
        for (int k = 0; k < s->axes[i].n_keys; k++) {
            free((void *)s->axes[i].keys[k].text);
            free((void *)s->axes[i].keys[k].value);
            free(s->axes[i].keys[k].loc);
        }
        free(s->axes[i].keys);
    }
    free(s->axes);
    free(s->fixed);
    free(s->fixed_loc);
    pool_free(&box->pool);
    free(box);
}

void sweep_point_index(const SweepSpec *s, uint64_t id, int *idx)
{
    EINSIM_ASSERT(id >= 1 && id <= s->n_points);
    uint64_t rest = id - 1;
    for (int i = s->n_axes - 1; i >= 0; i--) {
        idx[i] = (int)(rest % (uint64_t)s->axes[i].n_values);
        rest /= (uint64_t)s->axes[i].n_values;
    }
}
