/* load_nmweights.c — the loader of N:M-compressed weight files (nmweights.h). */
#include <stdlib.h>
#include <string.h>

#include "config/configInt.h"
#include "config/nmweights.h"
#include "util/util.h"

/* Reads list `key` of exactly `count` numbers into v (integers when `ints`, within
 * lo..hi). Returns the number of errors. */
static int read_numbers(const Node *n, const char *key, size_t count, bool ints, double lo,
                        double hi, double *v)
{
    config_setting_t *l;
    if (get_list(n, key, true, &l) != GET_OK)
        return 1;
    size_t len = (size_t)config_setting_length(l);
    if (len != count) {
        cfg_err(n->f, l, "%s.%s: expected %zu entries (rows x k/M groups x N), got %zu",
                n->path, key, count, len);
        return 1;
    }
    int bad = 0;
    for (size_t i = 0; i < len; i++) {
        config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        int t = config_setting_type(e);
        bool num = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64
                   || (!ints && t == CONFIG_TYPE_FLOAT);
        double x = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(e)
                                          : (double)config_setting_get_int64(e);
        if (!num) {
            cfg_err(n->f, e, "%s.%s[%zu]: expected %s, got %s", n->path, key, i,
                    ints ? "an integer" : "a number", cfg_type_name(t));
            bad++;
        } else if (!(x >= lo && x <= hi)) {
            cfg_err(n->f, e, "%s.%s[%zu]: must be in %g..%g (got %g)", n->path, key, i, lo, hi,
                    x);
            bad++;
        } else {
            v[i] = x;
        }
        if (bad >= 10)
            break;
    }
    return bad;
}

static void validate(CfgFile *f, config_setting_t *top, NmWeightsSpec *w)
{
    Node n = node_make(f, top, "weights");
    static const char *const keys[] = { "pattern", "rows", "k", "values", "indices", NULL };
    check_keys(&n, keys);
    const char *pat;
    int64_t rows = 0, k = 0;
    bool ok = get_str(&n, "pattern", true, false, &pat) == GET_OK;
    if (ok && (nm_parse(pat, &w->nm) != 0 || w->nm.dense)) {
        cfg_err(f, config_setting_lookup(top, "pattern"),
                "weights.pattern: '%s' is not an N:M pattern (expected N:M with "
                "1 <= N <= M <= 64)", pat);
        ok = false;
    }
    ok &= get_int(&n, "rows", true, 1, 65536, &rows) == GET_OK;
    ok &= get_int(&n, "k", true, 1, 1 << 20, &k) == GET_OK;
    if (ok && k % w->nm.m) {
        cfg_err(f, config_setting_lookup(top, "k"),
                "weights.k: %lld is not a multiple of M = %d", (long long)k, w->nm.m);
        ok = false;
    }
    if (!ok) {
        node_free(&n);
        return;
    }
    w->rows = (uint32_t)rows;
    w->k = (uint32_t)k;
    size_t groups = (size_t)w->rows * (w->k / (uint32_t)w->nm.m);
    size_t count = groups * (size_t)w->nm.n;
    double *idx = xcalloc(count, sizeof *idx);
    w->values = xcalloc(count, sizeof *w->values);
    w->indices = xcalloc(count, 1);
    int bad = read_numbers(&n, "values", count, false, -1e300, 1e300, w->values);
    bad += read_numbers(&n, "indices", count, true, 0, 255, idx);
    if (!bad) {
        config_setting_t *l = config_setting_lookup(top, "indices");
        for (size_t i = 0; i < count; i++)
            w->indices[i] = (uint8_t)idx[i];
        for (size_t g = 0; g < groups && bad < 10; g++) {
            int pos;
            NMMetaError e = nm_check_meta(&w->nm, w->indices + g * (size_t)w->nm.n, &pos);
            if (e == NM_META_OK)
                continue;
            size_t at = g * (size_t)w->nm.n + (size_t)pos;
            size_t per_row = w->k / (uint32_t)w->nm.m;
            const char *what = e == NM_META_OUT_OF_RANGE ? "is out of range"
                               : e == NM_META_REPEATED   ? "repeats an earlier index"
                                                         : "is below the previous index";
            cfg_err(f, config_setting_get_elem(l, (unsigned)at),
                    "weights.indices[%zu]: row %zu, group %zu: index %u %s (the %d indices of "
                    "a group must be strictly increasing and below M = %d)", at, g / per_row,
                    g % per_row, w->indices[at], what, w->nm.n, w->nm.m);
            bad++;
        }
    }
    free(idx);
    node_free(&n);
}

int config_load_nm_weights(const char *path, Diag *d, NmWeightsSpec **out)
{
    *out = NULL;
    NmWeightsSpec *w = xcalloc(1, sizeof *w);
    int before = diag_count(d);
    CfgFile f;
    if (cfg_open(&f, path, d, NULL) == 0) {
        config_setting_t *top = cfg_sole_group(&f, "weights", "weights");
        if (top)
            validate(&f, top, w);
    }
    cfg_close(&f);
    if (diag_count(d) > before) {
        nm_weights_free(w);
        return 1;
    }
    w->path = xstrdup(path);
    *out = w;
    return 0;
}

void nm_weights_free(NmWeightsSpec *w)
{
    if (!w)
        return;
    free((char *)w->path);
    free(w->values);
    free(w->indices);
    free(w);
}
