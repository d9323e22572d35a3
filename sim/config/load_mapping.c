/* load_mapping.c — the `mapping` group: how one cascade runs on one architecture.
 *
 * A mapping names its cascade (a file, relative to the mapping file's folder, or the
 * working directory when it comes from --set; or a `cascade` group written inline), the
 * sizes of the inner partition ranks (M0 = 256) and the binding of each compute Einsum
 * to a unit. The effective_cfg inlines the cascade group, so it is self-contained; a
 * spec loaded from it has cascade_path = the file itself (config_load_cascade accepts a
 * file whose mapping holds the cascade inline).
 *
 * Cross-file checks (bound Einsums exist in the cascade, units exist in the arch,
 * partition names are ranks of the cascade) belong to the mapping module. */
#include "config/configInt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    MappingSpec m;  /* first: mapping_free casts back */
    StrPool pool;
} MappingBox;

typedef struct {
    CfgFile *f;
    MappingBox *box;
    const Overrides *ov;
    config_setting_t *cset;  /* mapping.cascade as written */
    CfgFile cf;              /* the cascade file when mapping.cascade names one */
    bool cf_open;
    config_setting_t *cg;    /* the cascade group (in cf or inline) */
} MappingLoad;

/* mapping.cascade: resolves and checks the cascade file (or takes the inline group)
 * and keeps its group for the effective text; the cascade itself is validated by
 * config_load_cascade. */
static void load_cascade_ref(MappingLoad *L, const Node *n)
{
    MappingSpec *m = &L->box->m;
    config_setting_t *c = config_setting_get_member(n->s, "cascade");
    L->cset = c;
    if (!c) {
        cfg_err(L->f, n->s, "mapping.cascade: required key is missing (name a cascade file)");
        return;
    }
    if (config_setting_is_group(c)) {
        L->cg = c;
        m->cascade_path = m->path;
        return;
    }
    if (config_setting_type(c) != CONFIG_TYPE_STRING) {
        cfg_err(L->f, c, "mapping.cascade: expected a string (file name) or a group, got %s",
                cfg_type_name(config_setting_type(c)));
        return;
    }
    const char *rel = config_setting_get_string(c);
    if (!rel[0]) {
        cfg_err(L->f, c, "mapping.cascade: must not be empty");
        return;
    }
    /* Paths written in a file are relative to its folder; --set paths to the cwd. */
    char *cpath = cfg_override_of(c) ? xstrdup(rel) : path_join(L->f->dir, rel);
    FILE *fp = fopen(cpath, "rb");
    if (!fp) {
        cfg_err(L->f, c, "mapping.cascade: cannot open '%s': %s", cpath, strerror(errno));
        free(cpath);
        return;
    }
    fclose(fp);
    m->cascade_path = pool_add(&L->box->pool, cpath);
    free(cpath);
    /* Parsed here only to inline it in effective_cfg; config_load_cascade validates it. */
    L->cf_open = true;
    if (cfg_open(&L->cf, m->cascade_path, L->f->d, &L->box->pool) == 0) {
        cfg_check_top(&L->cf);
        L->cg = cfg_top_group(&L->cf, "cascade", true);
        if (!L->cg)
            cfg_err(L->f, c, "mapping.cascade: '%s' has no 'cascade' group", m->cascade_path);
        else
            cfg_apply_overrides(&L->cf, L->cg, "cascade", L->ov);
    }
}

/* mapping.partitions: sizes of inner partition ranks (M0 = 256), in file order. */
static void load_partitions(MappingLoad *L, const Node *n)
{
    MappingSpec *m = &L->box->m;
    Node p;
    if (get_group(n, "partitions", false, &p) != GET_OK)
        return;
    int len = config_setting_length(p.s);
    m->partitions = xcalloc((size_t)len + 1, sizeof *m->partitions);
    for (int i = 0; i < len; i++) {
        config_setting_t *r = config_setting_get_elem(p.s, (unsigned)i);
        const char *name = config_setting_name(r);
        if (!cfg_is_rank_name(name)) {
            cfg_err(L->f, r, "mapping.partitions.%s: rank names are upper-case identifiers "
                    "([A-Z][A-Z0-9]*)", name);
            continue;
        }
        int64_t size;
        if (get_int(&p, name, true, 1, CFG_MAX_RANK, &size) == GET_OK)
            m->partitions[m->n_partitions++] = (RankSize){ pool_add(&L->box->pool, name),
                                                           (uint64_t)size, cfg_loc(L->f, r) };
    }
    node_free(&p);
}

/* mapping.binding: Einsum -> compute unit, each Einsum at most once. */
static void load_bindings(MappingLoad *L, const Node *n)
{
    static const char *const keys[] = { "einsum", "unit", NULL };
    MappingSpec *m = &L->box->m;
    config_setting_t *list;
    if (get_list(n, "binding", true, &list) != GET_OK)
        return;
    int len = config_setting_length(list);
    if (len == 0)
        cfg_err(L->f, list, "mapping.binding: bind at least one Einsum to a unit");
    m->bindings = xcalloc((size_t)len + 1, sizeof *m->bindings);
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        config_setting_t *es = config_setting_is_group(el) ? config_setting_get_member(el, "einsum")
                                                            : NULL;
        char *lab = es && config_setting_type(es) == CONFIG_TYPE_STRING &&
                            config_setting_get_string(es)[0]
                        ? xasprintf("mapping.binding.%s", config_setting_get_string(es))
                        : xasprintf("mapping.binding[%d]", i);
        if (!config_setting_is_group(el)) {
            cfg_err(L->f, el, "%s: expected a group, got %s", lab,
                    cfg_type_name(config_setting_type(el)));
            free(lab);
            continue;
        }
        Node b = node_make(L->f, el, lab);
        free(lab);
        check_keys(&b, keys);
        const char *einsum = NULL, *unit = NULL;
        int ok = get_str(&b, "einsum", true, false, &einsum) == GET_OK;
        ok &= get_str(&b, "unit", true, false, &unit) == GET_OK;
        if (einsum)
            for (int k = 0; k < m->n_bindings; k++)
                if (strcmp(m->bindings[k].einsum, einsum) == 0) {
                    cfg_err(L->f, es, "%s.einsum: '%s' is bound twice (first at %s:%d)", b.path,
                            einsum, m->bindings[k].loc.file, m->bindings[k].loc.line);
                    ok = 0;
                    break;
                }
        if (ok)
            m->bindings[m->n_bindings++] = (BindingSpec){ pool_add(&L->box->pool, einsum),
                                                          pool_add(&L->box->pool, unit),
                                                          cfg_loc(L->f, el) };
        node_free(&b);
    }
}

/* Writer hook: inlines the cascade group in place of a `cascade = "file"` reference. */
static bool inline_cascade(void *ctx, Buf *b, const config_setting_t *s, int indent)
{
    const MappingLoad *L = ctx;
    if (s != L->cset || config_setting_is_group(s) || !L->cg)
        return false;
    cfg_write_setting(b, L->cg, indent, NULL, NULL);
    return true;
}

int config_load_mapping(const char *path, const Overrides *ov, Diag *d, MappingSpec **out)
{
    static const char *const keys[] = { "name", "cascade", "partitions", "ragged", "binding",
                                        NULL };
    *out = NULL;
    int before = diag_count(d);
    MappingBox *box = xcalloc(1, sizeof *box);
    MappingSpec *m = &box->m;
    m->path = pool_add(&box->pool, path);
    CfgFile f;
    MappingLoad L = { .f = &f, .box = box, .ov = ov };
    if (cfg_open(&f, path, d, &box->pool) == 0) {
        cfg_check_top(&f);
        config_setting_t *top = cfg_top_group(&f, "mapping", false);
        if (top) {
            m->loc = cfg_loc(&f, top);
            def_bool(top, "ragged", false);
            cfg_apply_overrides(&f, top, "mapping", ov);
            config_setting_t *cg = config_setting_get_member(top, "cascade");
            if (cg && config_setting_is_group(cg))
                cfg_apply_overrides(&f, cg, "cascade", ov);
            Node n = node_make(&f, top, "mapping");
            check_keys(&n, keys);
            const char *s;
            if (get_str(&n, "name", true, false, &s) == GET_OK)
                m->name = pool_add(&box->pool, s);
            load_cascade_ref(&L, &n);
            get_bool(&n, "ragged", false, &m->ragged);
            load_partitions(&L, &n);
            load_bindings(&L, &n);
            node_free(&n);
            if (diag_count(d) == before) {
                Buf b = {0};
                cfg_write_setting(&b, top, 0, inline_cascade, &L);
                m->effective_cfg = pool_adopt(&box->pool, buf_take(&b));
            }
        }
    }
    if (L.cf_open)
        cfg_close(&L.cf);
    cfg_close(&f);
    if (diag_count(d) > before) {
        mapping_free(m);
        return 1;
    }
    *out = m;
    return 0;
}

void mapping_free(MappingSpec *m)
{
    if (!m)
        return;
    MappingBox *box = (MappingBox *)m;
    free(box->m.partitions);
    free(box->m.bindings);
    pool_free(&box->pool);
    free(box);
}
