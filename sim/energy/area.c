/* area.c — pricing an architecture's components with the area table. */
#include "energy/area.h"

#include <string.h>

#include "util/util.h"

static void add_item(ArchCost *c, const char *component, const char *part, double um2)
{
    EINSIM_ASSERT(c->n < AREA_MAX_ITEMS);
    c->items[c->n++] = (AreaItem){ component, part, um2 };
    c->total_um2 += um2;
}

void area_price(const ArchSpec *a, ArchCost *out)
{
    const EnergySpec *e = &a->energy;
    memset(out, 0, sizeof *out);
    out->modelled = e->n_area > 0;
    for (int i = 0; i < a->n_units; i++) {
        const ComputeUnitSpec *u = &a->units[i];
        uint64_t pes = (uint64_t)u->rows * u->cols;
        out->pes += pes;
        /* A sparse-capable PE has `lanes` multipliers: that many ops per cycle. */
        out->peak_ops += pes * (u->sparse.present ? u->sparse.lanes : 1);
        if (!out->modelled)
            continue;
        const AreaEntry *pe = area_lookup(e, u->energy_class, AREA_PER_PE);
        const AreaEntry *rb = area_lookup(e, u->energy_class, AREA_PER_REG_BIT);
        EINSIM_ASSERT(pe); /* area_check_arch guarantees it */
        add_item(out, u->name, "pe", (double)pes * pe->um2);
        if (rb && u->reg_words)
            add_item(out, u->name, "regfile",
                     (double)pes * u->reg_words * (double)a->arith.word_bits * rb->um2);
    }
    out->peak_ops_per_s = (double)out->peak_ops * a->clock_mhz * 1e6;
    for (int i = 0; i < a->n_levels; i++) {
        const StorageSpec *s = &a->levels[i];
        if (s->cls == STORE_DRAM) {
            if (out->dram_bytes_per_s == 0)
                out->dram_bytes_per_s = s->bandwidth_gibps > 0
                    ? s->bandwidth_gibps * 1073741824.0
                    : s->width_bits / 8.0 * a->clock_mhz * 1e6;
            continue;
        }
        if (!out->modelled)
            continue;
        const AreaEntry *kb = area_lookup(e, s->energy_class, AREA_PER_KB);
        EINSIM_ASSERT(kb);
        add_item(out, s->name, "storage",
                 (double)s->size_bytes / 1024.0 * (s->instances ? s->instances : 1) * kb->um2);
    }
}
