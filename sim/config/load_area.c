/* load_area.c — the optional `area` table of an energy group, and its cross-check
 * against the architecture's units and storage levels.
 *
 * The table sits beside `actions` in the energy group (models/energy/45nm.cfg):
 *   area = ( { class = "pe2d"; per = "pe"; area_um2 = 5648.0; }, ... );
 * `per` says what one entry is counted per: "pe" (one PE's datapath), "reg_bit" (one
 * register-file bit of a PE) or "kb" (one KiB of a storage level). When the table is
 * present, every compute unit needs a "pe" entry for its energy class and every on-chip
 * storage level (not DRAM) a "kb" entry, so no component silently counts as zero area.
 * Pricing (entries x counts) happens in sim/energy/area.c. */
#include "config/configInt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const area_per_name[AREA_PER__COUNT] = { "pe", "reg_bit", "kb" };

const AreaEntry *area_lookup(const EnergySpec *e, const char *cls, AreaPer per)
{
    for (int i = 0; i < e->n_area; i++)
        if (e->area[i].per == per && strcmp(e->area[i].cls, cls) == 0)
            return &e->area[i];
    return NULL;
}

int area_validate(CfgFile *f, config_setting_t *eg, const char *label, StrPool *pool,
                  EnergySpec *e)
{
    static const char *const entry_keys[] = { "class", "per", "area_um2", NULL };
    config_setting_t *list = config_setting_get_member(eg, "area");
    if (!list)
        return 0;
    int before = diag_count(f->d);
    if (!config_setting_is_list(list) && !config_setting_is_array(list)) {
        cfg_err(f, list, "%s.area: expected a list of groups, got %s", label,
                cfg_type_name(config_setting_type(list)));
        return 1;
    }
    int len = config_setting_length(list);
    if (len == 0)
        cfg_err(f, list, "%s.area: the table is empty (remove it for no area model)", label);
    e->area = xcalloc((size_t)len + 1, sizeof *e->area);
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        char *lab = xasprintf("%s.area[%d]", label, i);
        if (!config_setting_is_group(el)) {
            cfg_err(f, el, "%s: expected a group, got %s", lab,
                    cfg_type_name(config_setting_type(el)));
            free(lab);
            continue;
        }
        Node en = node_make(f, el, lab);
        free(lab);
        check_keys(&en, entry_keys);
        const char *cls = NULL, *per = NULL;
        double um2 = 0;
        int ok = get_name(&en, "class", true, &cls) == GET_OK;
        ok &= get_str(&en, "per", true, false, &per) == GET_OK;
        ok &= get_float(&en, "area_um2", true, 0, false, CFG_MAX_AREA_UM2, false, &um2) == GET_OK;
        int p = -1;
        for (int k = 0; ok && k < AREA_PER__COUNT; k++)
            if (strcmp(per, area_per_name[k]) == 0)
                p = k;
        if (ok && p < 0) {
            cfg_err(f, config_setting_get_member(el, "per"),
                    "%s.per: '%s' is not one of \"pe\", \"reg_bit\", \"kb\"", en.path, per);
            ok = 0;
        }
        if (ok) {
            const AreaEntry *dup = area_lookup(e, cls, (AreaPer)p);
            if (dup) {
                cfg_err(f, el, "%s: duplicate area entry for class '%s' per '%s' (first at "
                        "%s:%d)", en.path, cls, per, dup->loc.file, dup->loc.line);
                ok = 0;
            }
        }
        if (ok)
            e->area[e->n_area++] = (AreaEntry){ pool_add(pool, cls), (AreaPer)p, um2,
                                                cfg_loc(f, el) };
        node_free(&en);
    }
    return diag_count(f->d) - before;
}

int area_check_arch(CfgFile *f, const ArchSpec *a)
{
    const EnergySpec *e = &a->energy;
    int before = diag_count(f->d);
    if (e->n_area == 0)
        return 0;
    for (int i = 0; i < a->n_units; i++) {
        const ComputeUnitSpec *u = &a->units[i];
        if (u->energy_class && !area_lookup(e, u->energy_class, AREA_PER_PE))
            diag_error(f->d, u->loc.file, u->loc.line,
                       "arch.%s: the area table of '%s' has no entry for class '%s' per "
                       "\"pe\"", u->name, e->name ? e->name : "?", u->energy_class);
    }
    for (int i = 0; i < a->n_levels; i++) {
        const StorageSpec *s = &a->levels[i];
        if (s->cls != STORE_DRAM && s->energy_class &&
            !area_lookup(e, s->energy_class, AREA_PER_KB))
            diag_error(f->d, s->loc.file, s->loc.line,
                       "arch.%s: the area table of '%s' has no entry for class '%s' per "
                       "\"kb\"", s->name, e->name ? e->name : "?", s->energy_class);
    }
    return diag_count(f->d) - before;
}
