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
    SearchSpec search; /* m.search points here for a template */
    StrPool pool;
    void **arrays;  /* name arrays of groups and stages (owned) */
    int n_arrays;
} MappingBox;

/* Allocates n + 1 zeroed elements of `size` bytes owned by the box. */
static void *box_alloc(MappingBox *box, size_t n, size_t size)
{
    void *a = xcalloc(n + 1, size);
    box->arrays = xrealloc(box->arrays, (size_t)(box->n_arrays + 1) * sizeof *box->arrays);
    box->arrays[box->n_arrays++] = a;
    return a;
}

/* Allocates a zeroed array of n + 1 name pointers owned by the box. */
static const char **new_names(MappingBox *box, int n)
{
    return box_alloc(box, (size_t)n, sizeof(const char *));
}

static const char *const op_keys[] = { "mac", "add", "max", "div", "exp", NULL };

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
    static const char *const keys[] = { "einsum", "unit", "cost", "stall", "rows", "cols", NULL };
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
        BindingSpec bs = { .loc = cfg_loc(L->f, el) };
        for (int o = 0; o < OP__COUNT; o++)
            bs.cost[o] = -1;
        Node cost;
        if (get_group(&b, "cost", false, &cost) == GET_OK) {
            check_keys(&cost, op_keys);
            for (int o = 0; o < OP__COUNT; o++) {
                int64_t v;
                if (get_int(&cost, op_kind_name[o], false, 0, 1000, &v) == GET_OK)
                    bs.cost[o] = (int32_t)v;
            }
            node_free(&cost);
        }
        /* stall: cycles the unit idles after each pass of this Einsum, a number or the
         * unit's "rows" / "cols". */
        config_setting_t *st = config_setting_get_member(el, "stall");
        if (st) {
            if (config_setting_type(st) == CONFIG_TYPE_STRING) {
                const char *v = config_setting_get_string(st);
                if (strcmp(v, "rows") == 0)
                    bs.stall = STALL_ROWS;
                else if (strcmp(v, "cols") == 0)
                    bs.stall = STALL_COLS;
                else
                    cfg_err(L->f, st, "%s.stall: expected a number of cycles, \"rows\" or "
                            "\"cols\" (got \"%s\")", b.path, v);
            } else {
                int64_t v;
                if (get_int(&b, "stall", false, 0, CFG_MAX_OP_CYCLES, &v) == GET_OK)
                    bs.stall = (int32_t)v;
            }
        }
        /* rows / cols: this Einsum's own spatial mapping on its unit (its dataflow). */
        const char *rows = NULL, *cols = NULL;
        get_str(&b, "rows", false, false, &rows);
        get_str(&b, "cols", false, false, &cols);
        if (rows && cols && strcmp(rows, cols) == 0)
            cfg_err(L->f, el, "%s: rank %s is mapped to both the rows and the columns of "
                    "unit %s", b.path, rows, unit ? unit : "?");
        if (ok && (rows || cols)) {
            bs.has_spatial = true;
            bs.spatial = (SpatialSpec){ pool_add(&L->box->pool, unit),
                                        rows ? pool_add(&L->box->pool, rows) : NULL,
                                        cols ? pool_add(&L->box->pool, cols) : NULL, bs.loc };
        }
        if (ok) {
            bs.einsum = pool_add(&L->box->pool, einsum);
            bs.unit = pool_add(&L->box->pool, unit);
            m->bindings[m->n_bindings++] = bs;
        }
        node_free(&b);
    }
}

/* A list or array of names (`key = [ "A", "B" ]`) into pool strings; *out may stay NULL. */
static void get_names(MappingLoad *L, const Node *n, const char *key, bool req,
                      const char ***out, int *count)
{
    config_setting_t *list;
    *out = NULL;
    *count = 0;
    if (get_list(n, key, req, &list) != GET_OK)
        return;
    int len = config_setting_length(list);
    *out = new_names(L->box, len);
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        if (config_setting_type(el) != CONFIG_TYPE_STRING || !config_setting_get_string(el)[0]) {
            cfg_err(L->f, el, "%s.%s[%d]: expected a non-empty string, got %s", n->path, key, i,
                    cfg_type_name(config_setting_type(el)));
            continue;
        }
        (*out)[(*count)++] = pool_add(&L->box->pool, config_setting_get_string(el));
    }
}

/* Validates that a list element is a group and returns its Node labelled PATH[i]. */
static bool elem_group(MappingLoad *L, config_setting_t *el, const char *path, int i, Node *out)
{
    char *lab = xasprintf("%s[%d]", path, i);
    if (!config_setting_is_group(el)) {
        cfg_err(L->f, el, "%s: expected a group, got %s", lab, cfg_type_name(config_setting_type(el)));
        free(lab);
        return false;
    }
    *out = node_make(L->f, el, lab);
    free(lab);
    return true;
}

/* mapping.spatial: ranks spread over each unit's PE rows and columns. */
static void load_spatial(MappingLoad *L, const Node *n)
{
    static const char *const keys[] = { "unit", "rows", "cols", NULL };
    MappingSpec *m = &L->box->m;
    config_setting_t *list;
    if (get_list(n, "spatial", false, &list) != GET_OK)
        return;
    int len = config_setting_length(list);
    m->spatial = xcalloc((size_t)len + 1, sizeof *m->spatial);
    for (int i = 0; i < len; i++) {
        Node g;
        if (!elem_group(L, config_setting_get_elem(list, (unsigned)i), "mapping.spatial", i, &g))
            continue;
        check_keys(&g, keys);
        const char *unit = NULL, *rows = NULL, *cols = NULL;
        if (get_str(&g, "unit", true, false, &unit) == GET_OK) {
            get_str(&g, "rows", false, false, &rows);
            get_str(&g, "cols", false, false, &cols);
            if (rows && cols && strcmp(rows, cols) == 0)
                cfg_err(L->f, g.s, "%s: rank %s is mapped to both the rows and the columns of "
                        "unit %s", g.path, rows, unit);
            for (int k = 0; k < m->n_spatial; k++)
                if (strcmp(m->spatial[k].unit, unit) == 0)
                    cfg_err(L->f, g.s, "%s.unit: unit '%s' already has a spatial mapping",
                            g.path, unit);
            m->spatial[m->n_spatial++] = (SpatialSpec){
                pool_add(&L->box->pool, unit), rows ? pool_add(&L->box->pool, rows) : NULL,
                cols ? pool_add(&L->box->pool, cols) : NULL, cfg_loc(L->f, g.s) };
        }
        node_free(&g);
    }
}

/* A nest level's loops: "P=8 C=2 K=16" (rank=factor, innermost first). */
static void get_loops(MappingLoad *L, const Node *n, const char *key, NestLoop **out, int *count)
{
    const char *s;
    *out = NULL;
    *count = 0;
    if (get_str(n, key, false, true, &s) != GET_OK)
        return;
    size_t len = strlen(s);
    *out = box_alloc(L->box, len / 2 + 1, sizeof **out);
    for (const char *p = s; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *eq = p;
        while (*eq && *eq != '=' && *eq != ' ')
            eq++;
        char *end = NULL;
        unsigned long long f = *eq == '=' && eq > p ? strtoull(eq + 1, &end, 10) : 0;
        if (!end || end == eq + 1 || (*end && *end != ' ') || f < 1 || f > CFG_MAX_RANK ||
            eq[1] == '-' || eq[1] == '+') {
            cfg_err(L->f, config_setting_get_member(n->s, key), "%s.%s: expected loops as "
                    "RANK=FACTOR separated by spaces, innermost first (e.g. \"P=8 C=2\"), "
                    "factors 1 to %lld: '%s'", n->path, key, (long long)CFG_MAX_RANK, s);
            *count = 0;
            return;
        }
        char *name = xasprintf("%.*s", (int)(eq - p), p);
        (*out)[(*count)++] = (NestLoop){ pool_add(&L->box->pool, name), (uint64_t)f };
        free(name);
        p = end;
    }
}

/* group.nest: the loop nest per level, innermost level first. */
static void load_nest(MappingLoad *L, const Node *g, GroupSpec *gs)
{
    static const char *const keys[] = { "level", "keep", "temporal", "spatial_x", "spatial_y",
                                         NULL };
    config_setting_t *list;
    if (get_list(g, "nest", false, &list) != GET_OK)
        return;
    char *lab = xasprintf("%s.nest", g->path);
    int len = cfg_count_limit(L->f, list, lab, config_setting_length(list), LIMIT_LEVELS + 1,
                              "nest levels");
    if (len == 0)
        cfg_err(L->f, list, "%s: at least one level", lab);
    gs->nest = box_alloc(L->box, (size_t)len, sizeof *gs->nest);
    for (int i = 0; i < len; i++) {
        Node v;
        if (!elem_group(L, config_setting_get_elem(list, (unsigned)i), lab, i, &v))
            continue;
        check_keys(&v, keys);
        NestLevelSpec *nl = &gs->nest[gs->n_nest++];
        nl->loc = cfg_loc(L->f, v.s);
        const char *s;
        nl->level = get_str(&v, "level", true, false, &s) == GET_OK ? pool_add(&L->box->pool, s)
                                                                   : "";
        nl->keep_all = !config_setting_get_member(v.s, "keep");
        get_names(L, &v, "keep", false, &nl->keep, &nl->n_keep);
        get_loops(L, &v, "temporal", &nl->temporal, &nl->n_temporal);
        get_loops(L, &v, "spatial_x", &nl->spatial_x, &nl->n_spatial_x);
        get_loops(L, &v, "spatial_y", &nl->spatial_y, &nl->n_spatial_y);
        node_free(&v);
    }
    free(lab);
}

/* mapping.groups: fused groups with their stages, DRAM-level loop and buffering. */
static void load_groups(MappingLoad *L, const Node *n)
{
    static const char *const keys[] = { "name", "stages", "loop", "buffer", "resident",
                                         "streamed", "spill", "bypass", "reg_bypass", "block",
                                         "pipelined", "reuse", "nest", "store_copies", NULL };
    static const char *const reuse_keys[] = { "einsum", "copies", "after", NULL };
    static const char *const loop_keys[] = { "rank", "granule", "tile", NULL };
    MappingSpec *m = &L->box->m;
    config_setting_t *list;
    if (get_list(n, "groups", false, &list) != GET_OK)
        return;
    int len = cfg_count_limit(L->f, list, "mapping.groups", config_setting_length(list),
                              LIMIT_GROUPS, "fused groups");
    m->groups = xcalloc((size_t)len + 1, sizeof *m->groups);
    for (int i = 0; i < len; i++) {
        Node g;
        if (!elem_group(L, config_setting_get_elem(list, (unsigned)i), "mapping.groups", i, &g))
            continue;
        check_keys(&g, keys);
        GroupSpec *gs = &m->groups[m->n_groups++];
        gs->loc = cfg_loc(L->f, g.s);
        def_bool(g.s, "pipelined", true);
        gs->pipelined = true;
        get_bool(&g, "pipelined", false, &gs->pipelined);
        const char *s;
        gs->name = get_name(&g, "name", true, &s) == GET_OK ? pool_add(&L->box->pool, s) : "";
        config_setting_t *st;
        if (get_list(&g, "stages", true, &st) == GET_OK) {
            int ns = config_setting_length(st);
            char *slab = xasprintf("%s.stages", g.path);
            if (ns == 0)
                cfg_err(L->f, st, "%s: at least one stage", slab);
            ns = cfg_count_limit(L->f, st, slab, ns, LIMIT_STAGES, "stages");
            free(slab);
            gs->stages = xcalloc((size_t)ns + 1, sizeof *gs->stages);
            for (int k = 0; k < ns; k++) {
                config_setting_t *el = config_setting_get_elem(st, (unsigned)k);
                char *lab = xasprintf("%s.stages", g.path);
                StageSpec *sp = &gs->stages[gs->n_stages++];
                sp->loc = cfg_loc(L->f, el);
                if (!config_setting_is_array(el) && !config_setting_is_list(el)) {
                    cfg_err(L->f, el, "%s[%d]: expected a list of einsum names", lab, k);
                } else {
                    int ne = config_setting_length(el);
                    sp->einsums = new_names(L->box, ne);
                    for (int j = 0; j < ne; j++) {
                        config_setting_t *e = config_setting_get_elem(el, (unsigned)j);
                        if (config_setting_type(e) != CONFIG_TYPE_STRING ||
                            !config_setting_get_string(e)[0])
                            cfg_err(L->f, e, "%s[%d][%d]: expected an einsum name", lab, k, j);
                        else
                            sp->einsums[sp->n_einsums++] =
                                pool_add(&L->box->pool, config_setting_get_string(e));
                    }
                    if (ne == 0)
                        cfg_err(L->f, el, "%s[%d]: empty stage", lab, k);
                }
                free(lab);
            }
        }
        Node loop;
        if (get_group(&g, "loop", false, &loop) == GET_OK) {
            check_keys(&loop, loop_keys);
            int64_t gran = 1;
            if (get_str(&loop, "rank", true, false, &s) == GET_OK)
                gs->loop_rank = pool_add(&L->box->pool, s);
            get_int(&loop, "granule", false, 1, CFG_MAX_RANK, &gran);
            gs->loop_granule = (uint64_t)gran;
            int64_t tile = 0;
            if (get_int(&loop, "tile", false, 1, CFG_MAX_RANK, &tile) == GET_OK)
                gs->loop_tile = (uint64_t)tile;
            node_free(&loop);
        }
        gs->buffer = get_str(&g, "buffer", false, false, &s) == GET_OK ? pool_add(&L->box->pool, s)
                                                                      : NULL;
        int64_t blk = 0;
        if (get_int(&g, "block", false, 1, CFG_MAX_RANK, &blk) == GET_OK)
            gs->block = (uint64_t)blk;
        int64_t sc = 0;
        if (get_int(&g, "store_copies", false, 1, 1024, &sc) == GET_OK)
            gs->store_copies = (uint32_t)sc;
        get_names(L, &g, "resident", false, &gs->resident, &gs->n_resident);
        get_names(L, &g, "streamed", false, &gs->streamed, &gs->n_streamed);
        get_names(L, &g, "spill", false, &gs->spill, &gs->n_spill);
        get_names(L, &g, "bypass", false, &gs->bypass, &gs->n_bypass);
        get_names(L, &g, "reg_bypass", false, &gs->reg_bypass, &gs->n_reg_bypass);
        config_setting_t *rl;
        if (get_list(&g, "reuse", false, &rl) == GET_OK) {
            char *rlab = xasprintf("%s.reuse", g.path);
            int nr = cfg_count_limit(L->f, rl, rlab, config_setting_length(rl), LIMIT_STAGES,
                                     "reuse rules");
            gs->reuse = xcalloc((size_t)nr + 1, sizeof *gs->reuse);
            for (int k = 0; k < nr; k++) {
                Node r;
                if (!elem_group(L, config_setting_get_elem(rl, (unsigned)k), rlab, k, &r))
                    continue;
                check_keys(&r, reuse_keys);
                ReuseSpec *rs = &gs->reuse[gs->n_reuse++];
                rs->loc = cfg_loc(L->f, r.s);
                rs->einsum = get_str(&r, "einsum", true, false, &s) == GET_OK
                           ? pool_add(&L->box->pool, s) : "";
                int64_t copies = 1;
                get_int(&r, "copies", true, 1, 16, &copies);
                rs->copies = (int)copies;
                get_names(L, &r, "after", true, &rs->after, &rs->n_after);
                node_free(&r);
            }
            free(rlab);
        }
        load_nest(L, &g, gs);
        if ((gs->n_resident || gs->n_streamed) && !gs->buffer)
            cfg_err(L->f, g.s, "%s.buffer: required when the group keeps tensors on chip", g.path);
        node_free(&g);
    }
}

/* A string or a list of strings (`key = "A"` or `key = [ "A", "B" ]`) into pool strings;
 * reports duplicates. Returns GET_OK, GET_ABSENT or GET_BAD. */
static int get_name_or_names(MappingLoad *L, const Node *n, const char *key, const char ***out,
                             int *count, SrcLoc *loc)
{
    config_setting_t *m = config_setting_get_member(n->s, key);
    *out = NULL;
    *count = 0;
    if (!m)
        return GET_ABSENT;
    *loc = cfg_loc(L->f, m);
    if (config_setting_type(m) == CONFIG_TYPE_STRING) {
        const char *v = config_setting_get_string(m);
        if (!v[0]) {
            cfg_err(L->f, m, "%s.%s: must not be empty", n->path, key);
            return GET_BAD;
        }
        *out = new_names(L->box, 1);
        (*out)[(*count)++] = pool_add(&L->box->pool, v);
        return GET_OK;
    }
    if (!config_setting_is_list(m) && !config_setting_is_array(m)) {
        cfg_err(L->f, m, "%s.%s: expected a name or a list of names, got %s", n->path, key,
                cfg_type_name(config_setting_type(m)));
        return GET_BAD;
    }
    int len = config_setting_length(m), before = diag_count(L->f->d);
    if (len == 0)
        cfg_err(L->f, m, "%s.%s: the list is empty", n->path, key);
    *out = new_names(L->box, len);
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(m, (unsigned)i);
        if (config_setting_type(el) != CONFIG_TYPE_STRING || !config_setting_get_string(el)[0]) {
            cfg_err(L->f, el, "%s.%s[%d]: expected a non-empty string, got %s", n->path, key, i,
                    cfg_type_name(config_setting_type(el)));
            continue;
        }
        const char *v = config_setting_get_string(el);
        for (int k = 0; k < *count; k++)
            if (strcmp((*out)[k], v) == 0)
                cfg_err(L->f, el, "%s.%s: '%s' is listed twice", n->path, key, v);
        (*out)[(*count)++] = pool_add(&L->box->pool, v);
    }
    return diag_count(L->f->d) == before ? GET_OK : GET_BAD;
}

/* mapping.search: the free choices of a mapping template (Timeloop-mapspace-like):
 *   tile    = { rank = "P" | [ "P", ... ]; granule = N; }  DRAM-level tile and loop rank
 *   binding = "all" | [ "RM", ... ]   Einsums whose unit is free
 *   units   = [ "array2d", ... ]      candidate units (default: every unit)
 *   order   = true                    the stage of each Einsum within its group is free
 * Names are checked against the template's binding here; ranks and units against the
 * cascade and the architecture by the mapper. */
static void load_search(MappingLoad *L, const Node *n)
{
    static const char *const keys[] = { "tile", "binding", "units", "order", NULL };
    static const char *const tile_keys[] = { "rank", "granule", NULL };
    MappingSpec *m = &L->box->m;
    SearchSpec *sp = &L->box->search;
    Node s;
    if (get_group(n, "search", false, &s) != GET_OK)
        return;
    check_keys(&s, keys);
    sp->loc = cfg_loc(L->f, s.s);
    Node t;
    if (get_group(&s, "tile", false, &t) == GET_OK) {
        check_keys(&t, tile_keys);
        sp->tile = true;
        sp->tile_loc = cfg_loc(L->f, t.s);
        SrcLoc rl;
        if (get_name_or_names(L, &t, "rank", &sp->tile_ranks, &sp->n_tile_ranks, &rl) == GET_ABSENT)
            cfg_err(L->f, t.s, "%s.rank: required key is missing (the rank the DRAM-level loop "
                    "tiles, or a list of candidates)", t.path);
        int64_t gran;
        if (get_int(&t, "granule", false, 1, CFG_MAX_RANK, &gran) == GET_OK)
            sp->tile_granule = (uint64_t)gran;
        node_free(&t);
    }
    config_setting_t *b = config_setting_get_member(s.s, "binding");
    if (b && config_setting_type(b) == CONFIG_TYPE_STRING &&
        strcmp(config_setting_get_string(b), "all") == 0) {
        sp->binding_loc = cfg_loc(L->f, b);
        sp->binding = new_names(L->box, m->n_bindings);
        for (int i = 0; i < m->n_bindings; i++)
            sp->binding[sp->n_binding++] = m->bindings[i].einsum;
    } else if (b && config_setting_type(b) == CONFIG_TYPE_STRING) {
        cfg_err(L->f, b, "%s.binding: expected \"all\" or a list of einsum names, got '%s'",
                s.path, config_setting_get_string(b));
    } else if (get_name_or_names(L, &s, "binding", &sp->binding, &sp->n_binding,
                                 &sp->binding_loc) == GET_OK) {
        for (int i = 0; i < sp->n_binding; i++) {
            int found = 0;
            for (int k = 0; k < m->n_bindings; k++)
                found |= strcmp(m->bindings[k].einsum, sp->binding[i]) == 0;
            if (!found)
                cfg_err(L->f, b, "%s.binding: einsum %s is not bound in mapping.binding (the "
                        "template binds every Einsum; the search frees some)", s.path,
                        sp->binding[i]);
        }
    }
    get_name_or_names(L, &s, "units", &sp->units, &sp->n_units, &sp->units_loc);
    get_bool(&s, "order", false, &sp->order);
    if (!sp->tile && !sp->n_binding && !sp->order && !config_setting_get_member(s.s, "binding"))
        cfg_err(L->f, s.s, "%s: frees nothing; give tile, binding or order = true", s.path);
    m->search = sp;
    node_free(&s);
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
    static const char *const keys[] = { "name", "arch", "cascade", "partitions", "ragged",
                                        "overlap", "binding", "spatial", "groups", "search",
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
            def_bool(top, "overlap", false);
            cfg_apply_overrides(&f, top, "mapping", ov);
            config_setting_t *cg = config_setting_get_member(top, "cascade");
            if (cg && config_setting_is_group(cg))
                cfg_apply_overrides(&f, cg, "cascade", ov);
            Node n = node_make(&f, top, "mapping");
            check_keys(&n, keys);
            const char *s;
            if (get_name(&n, "name", true, &s) == GET_OK)
                m->name = pool_add(&box->pool, s);
            if (get_str(&n, "arch", false, false, &s) == GET_OK) {
                m->written_for = pool_add(&box->pool, s);
                m->written_for_loc = cfg_loc(&f, config_setting_get_member(top, "arch"));
            }
            load_cascade_ref(&L, &n);
            get_bool(&n, "ragged", false, &m->ragged);
            get_bool(&n, "overlap", false, &m->overlap);
            m->overlap_loc = cfg_loc(&f, config_setting_get_member(top, "overlap"));
            load_partitions(&L, &n);
            load_bindings(&L, &n);
            load_spatial(&L, &n);
            load_groups(&L, &n);
            load_search(&L, &n);
            node_free(&n);
            if (diag_count(d) == before) {
                Buf b = {0};
                cfg_write_setting(&b, top, 0, inline_cascade, &L);
                m->effective_cfg = pool_adopt(&box->pool, buf_take(&b));
                if (L.cg) {
                    Buf cb = {0};
                    cfg_write_setting(&cb, L.cg, 1, NULL, NULL);
                    m->cascade_cfg = pool_adopt(&box->pool, buf_take(&cb));
                }
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
    free(box->m.spatial);
    for (int i = 0; i < box->m.n_groups; i++) {
        free(box->m.groups[i].stages);
        free(box->m.groups[i].reuse);
    }
    free(box->m.groups);
    for (int i = 0; i < box->n_arrays; i++)
        free(box->arrays[i]);
    free(box->arrays);
    pool_free(&box->pool);
    free(box);
}
