/* load_workload.c — the `workload` group: what to compute (problem shapes).
 *
 * A workload names its problem family (`kind`), the implicit outer ranks batch B and
 * heads H, and the sizes of the cascade's root ranks. For attention, `seq` gives the
 * query and key/value lengths at once (ranks M and P); it may not be combined with
 * ranks.M or ranks.P. Whether the sizes match a particular cascade is checked when the
 * cascade is bound (cascade_bind), not here. */
#include "config/configInt.h"

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
}

/* Validates the workload group into box->w; errors go to f->d. Rank sizes from `seq`
 * (M, P) come first, then the `ranks` group in file order. */
static void workload_validate(CfgFile *f, config_setting_t *top, WorkloadBox *box)
{
    static const char *const keys[] = { "name", "kind", "batch", "heads", "seq", "ranks",
                                        "dtype_bits", NULL };
    static const char *const kinds[] = { "attention", "gemm", "training", NULL };
    WorkloadSpec *w = &box->w;
    Node n = node_make(f, top, "workload");
    check_keys(&n, keys);
    const char *s;
    if (get_str(&n, "name", true, false, &s) == GET_OK)
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

    config_setting_t *rg = config_setting_get_member(top, "ranks");
    int cap = 2 + (rg && config_setting_is_group(rg) ? config_setting_length(rg) : 0);
    w->ranks = xcalloc((size_t)cap, sizeof *w->ranks);
    int64_t seq;
    config_setting_t *seq_s = config_setting_get_member(top, "seq");
    bool has_seq = get_int(&n, "seq", false, 1, CFG_MAX_SEQ, &seq) == GET_OK;
    if (has_seq) {
        SrcLoc loc = cfg_loc(f, seq_s);
        w->ranks[w->n_ranks++] = (RankSize){ "M", (uint64_t)seq, loc };
        w->ranks[w->n_ranks++] = (RankSize){ "P", (uint64_t)seq, loc };
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
    if (!seq_s && (!rg || !config_setting_is_group(rg) || config_setting_length(rg) == 0))
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
    pool_free(&box->pool);
    free(box);
}
