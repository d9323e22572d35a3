/* area.h — area of an architecture from its area table, and the roofs of its roofline.
 *
 * Area is priced the way energy is: the architecture's components times the
 * per-class entries of the table (models/energy/45nm.cfg `area`): PEs x area per PE,
 * PE register bits x area per bit, storage KiB x area per KiB. DRAM is off chip.
 * Not modelled: wiring between the arrays, control, the network-on-chip, I/O. */
#ifndef EINSIM_AREA_H
#define EINSIM_AREA_H

#include <stdbool.h>
#include <stdint.h>

#include "config/spec.h"
#include "util/limits.h"

#define AREA_MAX_ITEMS (2 * LIMIT_UNITS + LIMIT_LEVELS) /* a PE and a register file per unit, each level */

typedef struct {
    const char *component;  /* unit or storage level name */
    const char *part;       /* "pe", "regfile" or "storage" */
    double um2;
} AreaItem;

typedef struct {
    bool modelled;          /* the energy table has an area table */
    AreaItem items[AREA_MAX_ITEMS]; /* units in file order (pe, regfile), then levels */
    int n;
    double total_um2;
    /* Roofs of the architecture's roofline (no area table needed): */
    uint64_t pes;           /* PEs of every compute unit */
    uint64_t peak_ops;      /* ops per cycle of every compute unit at full rate */
    double peak_ops_per_s;  /* one op per PE (per lane of a sparse PE) per cycle at the clock */
    double dram_bytes_per_s;/* bandwidth of the outermost level (DRAM), bytes/s */
} ArchCost;

/* Fills *out from `a` (all names borrowed from `a`). Never fails: an architecture without
 * an area table gives modelled = false and no items. */
void area_price(const ArchSpec *a, ArchCost *out);

#endif
