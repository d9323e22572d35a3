/* load_timeloop.c — a Timeloop v3 libconfig specification into a TimeloopSpec
 * (timeloop.h).
 *
 * Keys follow Timeloop's own parser: `word-bits` or `word_bits`, `block-size` or
 * `block_size`, a storage size as `entries` or `sizeKB`, bandwidths in words per cycle,
 * the mapping as a list of directives (`target` a level index or name; `type` temporal,
 * spatial or datatype; `factors` like "R1 S1 P8"; `permutation` innermost first;
 * `split`; `keep` and `bypass`). A key of Timeloop's that einsim does not import (a
 * cluster size, ports, banks, multiple buffering, networks, sparsity) is an error at its
 * line naming it; a key Timeloop does not have either is an unknown key. */
#include "config/configInt.h"
#include "config/timeloop.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    TimeloopSpec t;  /* first: timeloop_free casts back */
    StrPool pool;
} TimeloopBox;

/* Checks the members of n: each must be in `imported`, else it is reported as a
 * Timeloop feature not imported (in `refused`) or as an unknown key. */
static void tl_keys(const Node *n, const char *const *imported, const char *const *refused)
{
    for (int i = 0; i < config_setting_length(n->s); i++) {
        config_setting_t *m = config_setting_get_elem(n->s, (unsigned)i);
        const char *name = config_setting_name(m);
        bool ok = false, no = false;
        for (int j = 0; imported[j] && !ok; j++)
            ok = strcmp(name, imported[j]) == 0;
        for (int j = 0; refused && refused[j] && !no; j++)
            no = strcmp(name, refused[j]) == 0;
        if (ok)
            continue;
        if (no) {
            cfg_err(n->f, m, "%s.%s: Timeloop's '%s' has no einsim equivalent; not imported", n->path,
                    name, name);
            continue;
        }
        const char *sug = cfg_suggest(name, imported, -1);
        if (sug)
            cfg_err(n->f, m, "%s.%s: unknown key '%s' (did you mean '%s'?)", n->path, name, name, sug);
        else
            cfg_err(n->f, m, "%s.%s: unknown key '%s'", n->path, name, name);
    }
}

/* An integer under either spelling (`word-bits` / `word_bits`). */
static int get_int2(const Node *n, const char *k1, const char *k2, bool req, int64_t lo, int64_t hi,
                    int64_t *out)
{
    if (config_setting_get_member(n->s, k2))
        return get_int(n, k2, req, lo, hi, out);
    return get_int(n, k1, req, lo, hi, out);
}

static void load_arith(CfgFile *f, const Node *arch, TimeloopBox *box)
{
    static const char *const keys[] = { "name", "instances", "word-bits", "word_bits", "datawidth",
                                        "meshX", "energy", NULL };
    static const char *const refused[] = { "meshY", "area", "attributes", "network_operand",
                                           "network_result", NULL };
    TimeloopSpec *t = &box->t;
    Node a;
    if (get_group(arch, "arithmetic", true, &a) != GET_OK)
        return;
    t->arith_loc = cfg_loc(f, a.s);
    tl_keys(&a, keys, refused);
    get_int(&a, "instances", true, 1, CFG_MAX_INSTANCES, &t->arith_instances);
    if (config_setting_get_member(a.s, "datawidth"))
        get_int(&a, "datawidth", true, 1, 64, &t->arith_word_bits);
    else
        get_int2(&a, "word-bits", "word_bits", true, 1, 64, &t->arith_word_bits);
    t->arith_meshx = t->arith_instances;
    get_int(&a, "meshX", false, 1, CFG_MAX_INSTANCES, &t->arith_meshx);
    t->mac_pj = -1;
    get_float(&a, "energy", false, 0, false, CFG_MAX_PJ, false, &t->mac_pj);
    node_free(&a);
}

static void load_storage(CfgFile *f, const Node *arch, TimeloopBox *box)
{
    static const char *const keys[] = { "name", "technology", "class", "entries", "sizeKB", "instances",
                                        "meshX", "word-bits", "word_bits", "block-size", "block_size",
                                        "read_bandwidth", "write_bandwidth", "shared_bandwidth",
                                        "bandwidth", "vector-access-energy", NULL };
    static const char *const refused[] = {
        "meshY", "cluster-size", "num-ports", "num-banks", "n_ports", "n_banks", "multiple-buffering",
        "min-utilization", "addr-gen-energy", "cluster-area", "network_read", "network_fill",
        "network_update", "network_drain", "network_fill_latency", "network_drain_latency",
        "allow_overbooking", "attributes", "depth", "width", "memory_depth", "memory_width",
        "data_storage_depth", "data_storage_width", "metadata_block_size", "metadata_datawidth",
        "metadata_storage_depth", "metadata_storage_width", "metadata_word_bits", "n_words",
        "word_width", "datawidth", "compression_supported", "decompression_supported",
        "concordant_compressed_tile_traversal", "tile_partition_supported", "reduction_supported",
        NULL };
    TimeloopSpec *t = &box->t;
    config_setting_t *list;
    if (get_list(arch, "storage", true, &list) != GET_OK)
        return;
    int len = cfg_count_limit(f, list, "arch.storage", config_setting_length(list), TL_MAX_LEVELS,
                              "storage levels");
    if (len == 0 && config_setting_length(list) == 0)
        cfg_err(f, list, "arch.storage: no storage level");
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        char *lab = xasprintf("arch.storage[%d]", i);
        if (!config_setting_is_group(el)) {
            cfg_err(f, el, "%s: expected a group, got %s", lab, cfg_type_name(config_setting_type(el)));
            free(lab);
            continue;
        }
        Node s = node_make(f, el, lab);
        free(lab);
        tl_keys(&s, keys, refused);
        TlStorage *l = &t->levels[t->n_levels++];
        l->loc = cfg_loc(f, el);
        const char *str;
        if (get_name(&s, "name", true, &str) == GET_OK)
            l->name = pool_add(&box->pool, str);
        if (get_str(&s, "technology", false, false, &str) == GET_OK)
            l->dram = strcmp(str, "DRAM") == 0;
        if (get_str(&s, "class", false, false, &str) == GET_OK && strcmp(str, "DRAM") == 0)
            l->dram = true;
        l->instances = 1;
        get_int(&s, "instances", false, 1, CFG_MAX_INSTANCES, &l->instances);
        l->meshx = l->instances;
        get_int(&s, "meshX", false, 1, CFG_MAX_INSTANCES, &l->meshx);
        l->word_bits = 16;
        get_int2(&s, "word-bits", "word_bits", !l->dram, 1, 64, &l->word_bits);
        l->block_size = 1;
        get_int2(&s, "block-size", "block_size", false, 1, 1 << 16, &l->block_size);
        double kb = 0;
        bool has_e = config_setting_get_member(el, "entries"), has_kb = config_setting_get_member(el, "sizeKB");
        if (has_e && has_kb)
            cfg_err(f, config_setting_get_member(el, "sizeKB"), "%s: give entries or sizeKB, not both",
                    s.path);
        else if (has_e)
            get_int(&s, "entries", true, 1, INT64_C(1) << 40, &l->entries);
        else if (has_kb && get_float(&s, "sizeKB", true, 0, true, 1e9, false, &kb) == GET_OK)
            l->entries = (int64_t)(kb * 8192.0 / (double)l->word_bits);
        else if (!l->dram)
            cfg_err(f, el, "%s: a storage level other than DRAM needs entries or sizeKB", s.path);
        static const char *const bw[] = { "read_bandwidth", "write_bandwidth", "shared_bandwidth",
                                          "bandwidth" };
        double *dst[] = { &l->read_bw, &l->write_bw, &l->shared_bw, &l->shared_bw };
        for (int k = 0; k < 4; k++) {
            config_setting_t *m = config_setting_get_member(el, bw[k]);
            if (m && get_float(&s, bw[k], true, 0, true, 1e12, false, dst[k]) == GET_OK && !l->bw_loc.line)
                l->bw_loc = cfg_loc(f, m);
        }
        l->access_pj = -1;
        get_float(&s, "vector-access-energy", false, 0, false, CFG_MAX_PJ, false, &l->access_pj);
        node_free(&s);
    }
}

/* "R1 S1 P8": rank names (upper case) with positive factors. */
static void parse_factors(CfgFile *f, config_setting_t *m, const char *lab, const char *s, TlDirective *d)
{
    const char *p = s;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        char r[4];
        int n = 0;
        while (isupper((unsigned char)*p) && n < 3)
            r[n++] = *p++;
        r[n] = '\0';
        char *end;
        long long v = n ? strtoll(p, &end, 10) : 0;
        if (!n || end == p || v < 1 || (*end && !isspace((unsigned char)*end))) {
            cfg_err(f, m, "%s.factors: expected rank names with factors like \"M16 N4 K1\", got \"%s\"",
                    lab, s);
            return;
        }
        if (d->n_factors == TL_MAX_DIMS) {
            cfg_err(f, m, "%s.factors: more than %d factors (limit)", lab, TL_MAX_DIMS);
            return;
        }
        memcpy(d->rank[d->n_factors], r, sizeof r);
        d->factor[d->n_factors++] = v;
        p = end;
    }
}

static void load_mapping(CfgFile *f, config_setting_t *list, TimeloopBox *box)
{
    static const char *const keys[] = { "target", "type", "factors", "permutation", "split", "keep",
                                        "bypass", NULL };
    static const char *const refused[] = { "no_link_transfer", "no_multicast_no_reduction",
                                           "no_temporal_reuse", NULL };
    TimeloopSpec *t = &box->t;
    t->mapping_loc = cfg_loc(f, list);
    if (!config_setting_is_list(list) && !config_setting_is_array(list)) {
        cfg_err(f, list, "mapping: expected a list of directives ( { target; type; ... }, ... )");
        return;
    }
    int len = cfg_count_limit(f, list, "mapping", config_setting_length(list), TL_MAX_DIRECTIVES,
                              "directives");
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        char *lab = xasprintf("mapping[%d]", i);
        if (!config_setting_is_group(el)) {
            cfg_err(f, el, "%s: expected a group, got %s", lab, cfg_type_name(config_setting_type(el)));
            free(lab);
            continue;
        }
        Node n = node_make(f, el, lab);
        free(lab);
        tl_keys(&n, keys, refused);
        TlDirective *d = &t->dirs[t->n_dirs++];
        d->loc = cfg_loc(f, el);
        d->split = -1;
        d->target = -1;
        config_setting_t *tg = config_setting_get_member(el, "target");
        if (!tg)
            cfg_err(f, el, "%s: target is missing", n.path);
        else if (config_setting_type(tg) == CONFIG_TYPE_STRING) {
            const char *name = config_setting_get_string(tg);
            for (int k = 0; k < t->n_levels; k++)
                if (t->levels[k].name && strcmp(t->levels[k].name, name) == 0)
                    d->target = k;
            if (d->target < 0)
                cfg_err(f, tg, "%s.target: no storage level is named '%s'", n.path, name);
        } else {
            int64_t v;
            if (get_int(&n, "target", true, 0, TL_MAX_LEVELS - 1, &v) == GET_OK) {
                d->target = (int)v;
                if (d->target >= t->n_levels)
                    cfg_err(f, tg, "%s.target: level %d, but the architecture has %d storage levels",
                            n.path, d->target, t->n_levels);
            }
        }
        const char *type = NULL;
        if (get_str(&n, "type", true, false, &type) == GET_OK) {
            if (strcmp(type, "temporal") == 0)
                d->kind = TL_TEMPORAL;
            else if (strcmp(type, "spatial") == 0)
                d->kind = TL_SPATIAL;
            else if (strcmp(type, "datatype") == 0 || strcmp(type, "bypass") == 0)
                d->kind = TL_DATATYPE;
            else
                cfg_err(f, config_setting_get_member(el, "type"), "%s.type: expected temporal, spatial "
                        "or datatype, got '%s'", n.path, type);
        }
        const char *s;
        if (get_str(&n, "factors", false, false, &s) == GET_OK)
            parse_factors(f, config_setting_get_member(el, "factors"), n.path, s, d);
        if (get_str(&n, "permutation", false, false, &s) == GET_OK) {
            bool ok = strlen(s) <= TL_MAX_DIMS;
            for (const char *p = s; *p && ok; p++)
                ok = isupper((unsigned char)*p) && !strchr(p + 1, *p);
            if (!ok)
                cfg_err(f, config_setting_get_member(el, "permutation"), "%s.permutation: expected "
                        "distinct one-letter rank names, innermost first (\"KMN\"), got \"%s\"", n.path, s);
            else
                snprintf(d->permutation, sizeof d->permutation, "%s", s);
        }
        int64_t v;
        if (get_int(&n, "split", false, 0, TL_MAX_DIMS, &v) == GET_OK)
            d->split = (int)v;
        static const char *const lists[2] = { "keep", "bypass" };
        for (int k = 0; k < 2; k++) {
            config_setting_t *l;
            if (get_list(&n, lists[k], false, &l) != GET_OK)
                continue;
            int c = config_setting_length(l);
            for (int j = 0; j < c; j++) {
                config_setting_t *e = config_setting_get_elem(l, (unsigned)j);
                if (config_setting_type(e) != CONFIG_TYPE_STRING || j >= TL_MAX_SPACES) {
                    cfg_err(f, e, "%s.%s: expected at most %d data-space names", n.path, lists[k],
                            TL_MAX_SPACES);
                    break;
                }
                const char *nm = pool_add(&box->pool, config_setting_get_string(e));
                if (k == 0)
                    d->keep[d->n_keep++] = nm;
                else
                    d->bypass[d->n_bypass++] = nm;
            }
        }
        node_free(&n);
    }
}

static void load_problem(CfgFile *f, config_setting_t *g, TimeloopBox *box)
{
    static const char *const gemm_keys[] = { "shape", "M", "N", "K", NULL };
    static const char *const cnn_keys[] = { "shape", "R", "S", "P", "Q", "C", "K", "N", "Wstride",
                                            "Hstride", "Wdilation", "Hdilation", NULL };
    static const char *const refused[] = { "densities", "instance", NULL };
    TimeloopSpec *t = &box->t;
    Node n = node_make(f, g, "problem");
    t->problem_loc = cfg_loc(f, g);
    t->shape = "cnn-layer";
    config_setting_t *sh = config_setting_get_member(g, "shape");
    if (sh && config_setting_type(sh) != CONFIG_TYPE_STRING)
        cfg_err(f, sh, "problem.shape: an inline problem shape is not imported (einsim imports the "
                "shapes \"gemm\" and \"cnn-layer\")");
    else if (sh) {
        const char *s = config_setting_get_string(sh);
        if (strcmp(s, "gemm") != 0 && strcmp(s, "cnn-layer") != 0 && strcmp(s, "cnn_layer") != 0)
            cfg_err(f, sh, "problem.shape: '%s' is not imported (einsim imports the shapes \"gemm\" and "
                    "\"cnn-layer\")", s);
        else
            t->shape = strcmp(s, "gemm") == 0 ? "gemm" : "cnn-layer";
    }
    bool gemm = strcmp(t->shape, "gemm") == 0;
    const char *const *keys = gemm ? gemm_keys : cnn_keys;
    tl_keys(&n, keys, refused);
    for (int i = 1; i < (gemm ? 4 : 8); i++) {
        int k = t->n_dims++;
        snprintf(t->dim[k], sizeof t->dim[k], "%s", keys[i]);
        t->size[k] = 1;
        get_int(&n, keys[i], !gemm ? false : true, 1, CFG_MAX_RANK, &t->size[k]);
        config_setting_t *m = config_setting_get_member(g, keys[i]);
        t->dim_loc[k] = cfg_loc(f, m ? m : g);
    }
    t->wstride = t->hstride = t->wdilation = t->hdilation = 1;
    if (!gemm) {
        get_int(&n, "Wstride", false, 1, 1 << 20, &t->wstride);
        get_int(&n, "Hstride", false, 1, 1 << 20, &t->hstride);
        get_int(&n, "Wdilation", false, 1, 1 << 20, &t->wdilation);
        get_int(&n, "Hdilation", false, 1, 1 << 20, &t->hdilation);
        config_setting_t *m = config_setting_get_member(g, "Wstride");
        t->stride_loc = cfg_loc(f, m ? m : g);
    }
    node_free(&n);
}

int config_load_timeloop(const char *const *files, int n_files, Diag *d, TimeloopSpec **out)
{
    TimeloopBox *box = xcalloc(1, sizeof *box);
    *out = NULL;
    int n0 = diag_count(d);
    /* Which file holds each group, so that a second one is reported. */
    static const char *const groups[] = { "arch", "problem", "mapping" };
    SrcLoc seen[3] = { { 0 } };
    CfgFile *fs = xcalloc((size_t)n_files, sizeof *fs);
    config_setting_t *found[3] = { 0 };
    CfgFile *found_f[3] = { 0 };
    for (int i = 0; i < n_files; i++) {
        if (cfg_open(&fs[i], files[i], d, &box->pool) != 0)
            continue;
        config_setting_t *root = config_root_setting(&fs[i].cf);
        for (int k = 0; k < config_setting_length(root); k++) {
            config_setting_t *m = config_setting_get_elem(root, (unsigned)k);
            const char *name = config_setting_name(m);
            int gi = -1;
            for (int j = 0; j < 3; j++)
                if (strcmp(name, groups[j]) == 0)
                    gi = j;
            if (gi < 0) {
                if (strcmp(name, "mapper") && strcmp(name, "arch_constraints") &&
                    strcmp(name, "mapspace_constraints"))
                    cfg_err(&fs[i], m, "%s: not a top-level group of a Timeloop specification (arch, "
                            "problem, mapping; mapper and arch_constraints are ignored)", name);
                continue;
            }
            if (found[gi]) {
                cfg_err(&fs[i], m, "%s: given twice (first at %s:%d)", name, seen[gi].file, seen[gi].line);
                continue;
            }
            found[gi] = m;
            found_f[gi] = &fs[i];
            seen[gi] = cfg_loc(&fs[i], m);
        }
    }
    if (diag_count(d) == n0) {
        for (int j = 0; j < 3; j++)
            if (!found[j])
                diag_error(d, files[0], 0, "the specification has no top-level '%s'%s", groups[j],
                           n_files > 1 ? " in any of its files" : "");
    }
    if (diag_count(d) == n0) {
        CfgFile *f = found_f[0];
        if (!config_setting_is_group(found[0]))
            cfg_err(f, found[0], "arch: expected a group");
        else {
            Node a = node_make(f, found[0], "arch");
            static const char *const keys[] = { "arithmetic", "storage", "version", NULL };
            tl_keys(&a, keys, NULL);
            load_arith(f, &a, box);
            load_storage(f, &a, box);
            node_free(&a);
        }
        if (!config_setting_is_group(found[1]))
            cfg_err(found_f[1], found[1], "problem: expected a group");
        else
            load_problem(found_f[1], found[1], box);
        load_mapping(found_f[2], found[2], box);
    }
    for (int i = 0; i < n_files; i++)
        cfg_close(&fs[i]);
    free(fs);
    if (diag_count(d) > n0) {
        timeloop_free(&box->t);
        return 1;
    }
    *out = &box->t;
    return 0;
}

void timeloop_free(TimeloopSpec *t)
{
    if (!t)
        return;
    TimeloopBox *box = (TimeloopBox *)t;
    pool_free(&box->pool);
    free(box);
}
