/* load_workload.c — the `workload` group: what to compute (problem shapes).
 *
 * A workload names its problem family (`kind`), the implicit outer ranks batch B and
 * heads H, and the sizes of the cascade's root ranks. For attention, `seq` gives the
 * query and key/value lengths at once (ranks M and P); it may not be combined with
 * ranks.M or ranks.P. Whether the sizes match a particular cascade is checked when the
 * cascade is bound (cascade_bind), not here. */
#include "config/configInt.h"
#include "sparse/nm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    WorkloadSpec w;  /* first: workload_free casts back */
    StrPool pool;
} WorkloadBox;

/* Adds the defaults of optional workload keys (before overrides). */
static void workload_defaults(config_setting_t *top)
{
    def_int(top, "batch", 1);
    def_int(top, "heads", 1);
    def_int(top, "dtype_bits", 16);
    config_setting_t *k = config_setting_get_member(top, "kind");
    if (k && config_setting_type(k) == CONFIG_TYPE_STRING &&
        strcmp(config_setting_get_string(k), "training") == 0) {
        def_str(top, "nm", "dense");
        config_setting_t *list = config_setting_get_member(top, "layers");
        if (list && config_setting_is_aggregate(list))
            for (int i = 0; i < config_setting_length(list); i++) {
                config_setting_t *l = config_setting_get_elem(list, (unsigned)i);
                def_int(l, "repeat", 1);
                def_bool(l, "prunable", true);
            }
    }
}

/* One element of a list of groups, labelled `lab` (taken: freed here): a Node with its
 * keys checked in *out, or false after reporting that it is not a group (`shape` shows
 * what one looks like in the message). */
static bool group_elem(CfgFile *f, config_setting_t *el, char *lab, const char *shape,
                       const char *const *keys, Node *out)
{
    if (!config_setting_is_group(el)) {
        cfg_err(f, el, "%s: expected a group%s, got %s", lab, shape,
                cfg_type_name(config_setting_type(el)));
        free(lab);
        return false;
    }
    *out = node_make(f, el, lab);
    free(lab);
    check_keys(out, keys);
    return true;
}

/* The rank sizes of group rg (labelled `path`) into out[*n]: upper-case names, sizes in
 * 1..CFG_MAX_RANK. Returns false after reporting an error. */
static bool ranks_validate(CfgFile *f, config_setting_t *rg, const char *path, WorkloadBox *box,
                           RankSize *out, int *n)
{
    bool ok = true;
    char *lab = xasprintf("%s.ranks", path);
    Node rn = node_make(f, rg, lab);
    free(lab);
    for (int i = 0; i < config_setting_length(rg); i++) {
        config_setting_t *r = config_setting_get_elem(rg, (unsigned)i);
        const char *name = config_setting_name(r);
        int64_t size;
        if (!cfg_is_rank_name(name)) {
            cfg_err(f, r, "%s.ranks.%s: rank names are upper-case identifiers ([A-Z][A-Z0-9]*)",
                    path, name);
            ok = false;
        } else if (get_int(&rn, name, true, 1, CFG_MAX_RANK, &size) == GET_OK) {
            out[(*n)++] = (RankSize){ pool_add(&box->pool, name), (uint64_t)size, cfg_loc(f, r) };
        } else {
            ok = false;
        }
    }
    node_free(&rn);
    return ok;
}

/* workload.nm and workload.layers of a training workload (kind = "training"): the N:M
 * pattern of every prunable layer and the layer list of one iteration, each layer the
 * rank sizes of the workload's cascade. */
static void training_validate(CfgFile *f, const Node *n, WorkloadBox *box)
{
    static const char *const keys[] = { "name", "ranks", "repeat", "prunable", NULL };
    WorkloadSpec *w = &box->w;
    const char *s;
    if (get_str(n, "nm", true, false, &s) == GET_OK) {
        NMPattern p;
        config_setting_t *ns = config_setting_get_member(n->s, "nm");
        if (nm_parse(s, &p) != 0)
            cfg_err(f, ns, "workload.nm: '%s' is not an N:M pattern (expected N:M with "
                    "1 <= N <= M <= 64, or \"dense\")", s);
        else {
            w->nm = pool_add(&box->pool, s);
            w->nm_loc = cfg_loc(f, ns);
        }
    }
    config_setting_t *list;
    if (get_list(n, "layers", true, &list) != GET_OK)
        return;
    int len = config_setting_length(list);
    if (len == 0)
        cfg_err(f, list, "workload.layers: list at least one layer");
    w->layers = xcalloc((size_t)len + 1, sizeof *w->layers);
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        config_setting_t *nm = config_setting_is_group(el) ? config_setting_get_member(el, "name")
                                                            : NULL;
        char *lab = nm && config_setting_type(nm) == CONFIG_TYPE_STRING
                        ? xasprintf("workload.layers.%s", config_setting_get_string(nm))
                        : xasprintf("workload.layers[%d]", i);
        Node l;
        if (!group_elem(f, el, lab, "", keys, &l))
            continue;
        LayerSpec t = { .repeat = 1, .prunable = true, .loc = cfg_loc(f, el) };
        int64_t rep = 1;
        int ok = get_name(&l, "name", true, &s) == GET_OK;
        if (ok)
            t.name = pool_add(&box->pool, s);
        config_setting_t *rg = config_setting_get_member(el, "ranks");
        if (!rg || !config_setting_is_group(rg) || config_setting_length(rg) == 0) {
            cfg_err(f, rg ? rg : el, "%s.ranks: give the layer's rank sizes (a group such "
                    "as ranks = { O = 768; I = 768; N = 4096; })", l.path);
            ok = 0;
        } else {
            t.ranks = xcalloc((size_t)config_setting_length(rg), sizeof *t.ranks);
            ok &= ranks_validate(f, rg, l.path, box, t.ranks, &t.n_ranks);
        }
        ok &= get_int(&l, "repeat", false, 1, 1 << 20, &rep) != GET_BAD;
        ok &= get_bool(&l, "prunable", false, &t.prunable) != GET_BAD;
        t.repeat = (uint64_t)rep;
        if (ok)
            w->layers[w->n_layers++] = t;
        else
            free(t.ranks);
        node_free(&l);
    }
}

/* workload.sparse: the N:M-sparse operands, `( { tensor; rank; nm; } )`. "dense" and
 * M:M (N = M) mean no sparsity and are dropped, so they give the same numbers as no
 * entry. N > M, N or M out of 1..64 and a tensor listed twice are errors. Whether the
 * tensor and rank exist in the cascade, and whether a unit can run the pattern, is
 * checked when the cascade and the mapping are known (engine_check). In a training
 * workload an entry without nm takes workload.nm on the prunable layers (n = m = 0
 * here; the layer runner fills it). */
static void sparse_validate(CfgFile *f, const Node *n, WorkloadBox *box, bool training)
{
    static const char *const keys[] = { "tensor", "rank", "nm", NULL };
    WorkloadSpec *w = &box->w;
    config_setting_t *list;
    if (get_list(n, "sparse", false, &list) != GET_OK)
        return;
    int len = config_setting_length(list);
    w->sparse = xcalloc((size_t)len + 1, sizeof *w->sparse);
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        char *lab = xasprintf("workload.sparse[%d]", i);
        Node l;
        if (!group_elem(f, el, lab, " { tensor; rank; nm; }", keys, &l))
            continue;
        SparseOperandSpec sp = { .loc = cfg_loc(f, el) };
        const char *t = NULL, *r = NULL, *nm = NULL;
        int ok = get_name(&l, "tensor", true, &t) == GET_OK;
        ok &= get_str(&l, "rank", true, false, &r) == GET_OK;
        if (ok && !cfg_is_rank_name(r)) {
            cfg_err(f, config_setting_get_member(el, "rank"), "%s.rank: '%s' is not a rank name "
                    "(upper-case identifier)", l.path, r);
            ok = 0;
        }
        if (training && !config_setting_get_member(el, "nm")) {
            sp.n = sp.m = 0;   /* workload.nm, per layer */
        } else if (get_str(&l, "nm", true, false, &nm) == GET_OK) {
            config_setting_t *ns = config_setting_get_member(el, "nm");
            int a = 0, b = 0;
            char tail;
            NMPattern p;
            if (sscanf(nm, "%d:%d%c", &a, &b, &tail) == 2 && a > b && b >= 1) {
                cfg_err(f, ns, "%s.nm: %s keeps N = %d of every M = %d: N must not exceed M",
                        l.path, nm, a, b);
                ok = 0;
            } else if (nm_parse(nm, &p) != 0) {
                cfg_err(f, ns, "%s.nm: '%s' is not an N:M pattern (expected N:M with "
                        "1 <= N <= M <= 64, or \"dense\")", l.path, nm);
                ok = 0;
            } else {
                sp.n = p.dense ? 1 : p.n;
                sp.m = p.dense ? 1 : p.m;
            }
        } else {
            ok = 0;
        }
        for (int k = 0; ok && k < w->n_sparse; k++)
            if (strcmp(w->sparse[k].tensor, t) == 0) {
                cfg_err(f, el, "%s: tensor %s is already sparse (line %d): one N:M structure "
                        "per tensor", l.path, t, w->sparse[k].loc.line);
                ok = 0;
            }
        if (ok && (sp.n < sp.m || sp.m == 0)) {
            sp.tensor = pool_add(&box->pool, t);
            sp.rank = pool_add(&box->pool, r);
            char *meta = xasprintf("%s.meta", t);
            sp.meta = pool_add(&box->pool, meta);
            free(meta);
            w->sparse[w->n_sparse++] = sp;
        }
        node_free(&l);
    }
}

/* Validates the workload group into box->w; errors go to f->d. Rank sizes from `seq`
 * (M, P) come first, then the `ranks` group in file order. */
static void workload_validate(CfgFile *f, config_setting_t *top, WorkloadBox *box)
{
    static const char *const keys[] = { "name", "kind", "batch", "heads", "seq", "ranks",
                                        "dtype_bits", "nm", "layers", "sparse", "cascade",
                                        "density", NULL };
    static const char *const kinds[] = { "attention", "gemm", "training", NULL };
    WorkloadSpec *w = &box->w;
    Node n = node_make(f, top, "workload");
    check_keys(&n, keys);
    const char *s;
    if (get_name(&n, "name", true, &s) == GET_OK)
        w->name = pool_add(&box->pool, s);
    if (get_str(&n, "kind", true, false, &s) == GET_OK) {
        int k = 0;
        while (kinds[k] && strcmp(kinds[k], s) != 0)
            k++;
        if (kinds[k]) {
            w->kind = pool_add(&box->pool, s);
        } else {
            const char *sug = cfg_suggest(s, kinds, -1);
            cfg_err(f, config_setting_get_member(top, "kind"), "workload.kind: must be "
                    "\"attention\", \"gemm\" or \"training\" (got \"%s\")%s%s%s", s,
                    sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        }
    }
    int64_t v = 1;
    if (get_int(&n, "batch", false, 1, CFG_MAX_BATCH, &v) != GET_BAD)
        w->batch = (uint64_t)v;
    v = 1;
    if (get_int(&n, "heads", false, 1, CFG_MAX_BATCH, &v) != GET_BAD)
        w->heads = (uint64_t)v;
    v = 16;
    if (get_int(&n, "dtype_bits", false, 1, 64, &v) != GET_BAD)
        w->dtype_bits = (uint32_t)v;

    /* The cascade the workload runs (a masked variant of the mapping's, say): a file
     * relative to this file's folder, or to the working directory from --set. */
    if (get_str(&n, "cascade", false, false, &s) == GET_OK) {
        config_setting_t *cs = config_setting_get_member(top, "cascade");
        char *cp = cfg_override_of(cs) ? xstrdup(s) : path_join(f->dir, s);
        FILE *fp = fopen(cp, "rb");
        if (!fp) {
            cfg_err(f, cs, "workload.cascade: cannot open '%s': %s", cp, strerror(errno));
        } else {
            fclose(fp);
            w->cascade_path = pool_add(&box->pool, cp);
            w->cascade_loc = cfg_loc(f, cs);
        }
        free(cp);
    }
    double dens;
    if (get_float(&n, "density", false, 0, true, 1, false, &dens) == GET_OK) {
        w->density = dens;
        w->density_loc = cfg_loc(f, config_setting_get_member(top, "density"));
    }

    config_setting_t *rg = config_setting_get_member(top, "ranks");
    int cap = 2 + (rg && config_setting_is_group(rg) ? config_setting_length(rg) : 0);
    w->ranks = xcalloc((size_t)cap, sizeof *w->ranks);
    int64_t seq;
    config_setting_t *seq_s = config_setting_get_member(top, "seq");
    bool has_seq = get_int(&n, "seq", false, 1, CFG_MAX_SEQ, &seq) == GET_OK;
    if (has_seq) {
        SrcLoc loc = cfg_loc(f, seq_s);
        w->ranks[w->n_ranks++] = (RankSize){ "M", (uint64_t)seq, loc, true };
        w->ranks[w->n_ranks++] = (RankSize){ "P", (uint64_t)seq, loc, true };
    }
    Node rn;
    if (get_group(&n, "ranks", false, &rn) == GET_OK) {
        for (int i = 0; i < config_setting_length(rg); i++) {
            config_setting_t *r = config_setting_get_elem(rg, (unsigned)i);
            const char *name = config_setting_name(r);
            if (!cfg_is_rank_name(name)) {
                cfg_err(f, r, "workload.ranks.%s: rank names are upper-case identifiers "
                        "([A-Z][A-Z0-9]*)", name);
                continue;
            }
            if (seq_s && (strcmp(name, "M") == 0 || strcmp(name, "P") == 0)) {
                cfg_err(f, r, "workload.ranks.%s: conflicts with workload.seq, which sets both "
                        "M and P; give one or the other", name);
                continue;
            }
            int64_t size;
            if (get_int(&rn, name, true, 1, CFG_MAX_RANK, &size) == GET_OK)
                w->ranks[w->n_ranks++] = (RankSize){ pool_add(&box->pool, name),
                                                     (uint64_t)size, cfg_loc(f, r) };
        }
        node_free(&rn);
    }
    bool training = w->kind && strcmp(w->kind, "training") == 0;
    sparse_validate(f, &n, box, training);
    if (training)
        training_validate(f, &n, box);
    else {
        const char *only[] = { "nm", "layers" };
        for (int k = 0; k < 2; k++) {
            config_setting_t *x = config_setting_get_member(top, only[k]);
            if (x)
                cfg_err(f, x, "workload.%s: only training workloads (kind = \"training\") "
                        "have %s", only[k], only[k]);
        }
    }
    if (!training && !seq_s &&
        (!rg || !config_setting_is_group(rg) || config_setting_length(rg) == 0))
        cfg_err(f, top, "workload.ranks: no rank sizes given (set seq and/or ranks)");
    node_free(&n);
}

int config_load_workload(const char *path, const Overrides *ov, Diag *d, WorkloadSpec **out)
{
    *out = NULL;
    int before = diag_count(d);
    WorkloadBox *box = xcalloc(1, sizeof *box);
    WorkloadSpec *w = &box->w;
    w->path = pool_add(&box->pool, path);
    CfgFile f;
    if (cfg_open(&f, path, d, &box->pool) == 0) {
        cfg_check_top(&f);
        config_setting_t *top = cfg_top_group(&f, "workload", false);
        if (top) {
            w->loc = cfg_loc(&f, top);
            workload_defaults(top);
            cfg_apply_overrides(&f, top, "workload", ov);
            workload_validate(&f, top, box);
            if (diag_count(d) == before) {
                /* The run inlines the workload's cascade in the mapping's group of
                 * effective.cfg, so the path (relative to this file) is not kept. */
                if (w->cascade_path)
                    config_setting_remove(top, "cascade");
                Buf b = {0};
                cfg_write_setting(&b, top, 0, NULL, NULL);
                w->effective_cfg = pool_adopt(&box->pool, buf_take(&b));
            }
        }
    }
    cfg_close(&f);
    if (diag_count(d) > before) {
        workload_free(w);
        return 1;
    }
    *out = w;
    return 0;
}

void workload_free(WorkloadSpec *w)
{
    if (!w)
        return;
    WorkloadBox *box = (WorkloadBox *)w;
    free(box->w.ranks);
    for (int i = 0; i < box->w.n_layers; i++)
        free(box->w.layers[i].ranks);
    free(box->w.layers);
    free(box->w.sparse);
    pool_free(&box->pool);
    free(box);
}
