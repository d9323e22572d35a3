/* config.c — probing a file's groups and checking that every --set override was used.
 *
 * The loaders live in load_*.c; this file holds the entry points that look at a file or
 * an override list as a whole. */
#include "config/configInt.h"

#include <stdlib.h>
#include <string.h>

int config_probe(const char *path, int *groups, Diag *d)
{
    *groups = 0;
    int before = diag_count(d);
    CfgFile f;
    if (cfg_open(&f, path, d, NULL) == 0) {
        *groups = cfg_check_top(&f);
        if (*groups == 0 && diag_count(d) == before)
            diag_error(d, f.path, 0, "no arch, energy, workload, mapping or cascade group in "
                       "this file");
    }
    cfg_close(&f);
    return diag_count(d) > before ? 1 : 0;
}

int config_check_overrides(const Overrides *ov, int used_groups, Diag *d)
{
    int errors = 0;
    if (!ov)
        return 0;
    /* config_load_arch applies energy.* overrides to the energy table it loads. */
    if (used_groups & CFG_HAS_ARCH)
        used_groups |= CFG_HAS_ENERGY;
    for (int i = 0; i < ov->n; i++) {
        const Override *o = &ov->v[i];
        const char *dot = strchr(o->key, '.');
        size_t len = dot ? (size_t)(dot - o->key) : strlen(o->key);
        char *group = xasprintf("%.*s", (int)len, o->key);
        int k = 0;
        while (k < 5 && strcmp(cfg_top_groups[k], group) != 0)
            k++;
        if (k == 5) {
            const char *sug = cfg_suggest(group, cfg_top_groups, 5);
            diag_error(d, CFG_CMDLINE, o->index, "--set %s: unknown group '%s'%s%s%s (keys "
                       "start with arch, energy, workload, mapping or cascade)", o->key, group,
                       sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
            errors++;
        } else if (!(used_groups & (1 << k))) {
            diag_error(d, CFG_CMDLINE, o->index, "--set %s: no loaded input has group '%s'",
                       o->key, group);
            errors++;
        }
        free(group);
    }
    return errors;
}
