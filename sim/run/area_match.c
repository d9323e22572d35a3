/* area_match.c — `einsim area-match`: the size of one storage level of an architecture
 * that gives it the on-chip area of another (iso-area comparisons, run.h). Area is
 * linear in a level's capacity (area.h: KiB x area per KiB x instances), so the size is
 * solved for, not searched: the largest whole number of KiB whose total stays at or
 * below the other architecture's area. */
#include "run/run.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "energy/area.h"

/* The level's area now and per KiB of its capacity, from its item in c; false if it
 * has none (no capacity). */
static bool level_area(const ArchCost *c, const StorageSpec *s, double *per_kib, double *now)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->items[i].component, s->name) == 0 && strcmp(c->items[i].part, "storage") == 0) {
            *now = c->items[i].um2;
            *per_kib = s->size_bytes ? c->items[i].um2 / ((double)s->size_bytes / 1024.0) : 0;
            return *per_kib > 0;
        }
    return false;
}

Outcome run_area_match(const AreaMatchRequest *r, Diag *d)
{
    ArchSpec *a = NULL, *b = NULL;
    Outcome o = OUTCOME_INPUT;
    Overrides none = { NULL, 0 };
    if (config_load_arch(r->arch, &r->ov, d, &a) != 0 || config_load_arch(r->like, &none, d, &b) != 0)
        goto done;
    ArchCost ca, cb;
    area_price(a, &ca);
    area_price(b, &cb);
    if (!ca.modelled || !cb.modelled) {
        diag_error(d, ca.modelled ? r->like : r->arch, 0, "its energy table has no area table "
                   "(an `area` list): no area to match");
        goto done;
    }
    /* The level to resize: the one named, else the largest on-chip SRAM level. */
    const StorageSpec *s = NULL;
    for (int i = 0; i < a->n_levels; i++) {
        const StorageSpec *l = &a->levels[i];
        if (r->level ? strcmp(l->name, r->level) == 0
                     : l->cls == STORE_SRAM && (!s || l->size_bytes > s->size_bytes))
            s = l;
    }
    if (!s || s->cls == STORE_DRAM) {
        diag_error(d, r->arch, 0, "%s%s%s is not an on-chip storage level of %s", r->level ? "level " : "",
                   r->level ? r->level : "an SRAM level", r->level ? "" : " (there is none)", a->name);
        goto done;
    }
    double per_kib, now;
    if (!level_area(&ca, s, &per_kib, &now)) {
        diag_error(d, r->arch, 0, "level %s has no area to scale (no capacity)", s->name);
        goto done;
    }
    double rest = ca.total_um2 - now;
    double kib = floor((cb.total_um2 - rest) / per_kib * (1 + 1e-12));
    printf("arch   %-14s %12.3f mm^2 on chip (%s %" PRIu64 " KiB)\n", a->name, ca.total_um2 / 1e6,
           s->name, s->size_bytes / 1024);
    printf("like   %-14s %12.3f mm^2 on chip\n", b->name, cb.total_um2 / 1e6);
    if (kib < 1) {
        diag_error(d, r->arch, 0, "%s cannot match %s's %.3f mm^2: with 1 KiB of %s it already "
                   "takes %.3f mm^2", a->name, b->name, cb.total_um2 / 1e6, s->name,
                   (rest + per_kib) / 1e6);
        goto done;
    }
    double matched = rest + kib * per_kib;
    printf("match  %s = %.0f KiB: %.3f mm^2 (%+.4f %% of %s; one KiB more would exceed it)\n",
           s->name, kib, matched / 1e6, 100.0 * (matched / cb.total_um2 - 1), b->name);
    printf("       --set arch.%s.size_kb=%.0f\n", s->name, kib);
    o = OUTCOME_OK;
done:
    if (a)
        arch_free(a);
    if (b)
        arch_free(b);
    return o;
}
