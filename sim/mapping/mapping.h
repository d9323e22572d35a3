/* mapping.h — cross-file checks of a mapping against its cascade and architecture.
 *
 * The config module validates each file on its own; this module checks what needs all
 * three: every Einsum that computes something is bound to an existing compute unit that
 * supports each of its operations, bound names exist, partition sizes name inner ranks
 * of the cascade, and the workload's ranks bind every rank of the cascade. (Loop nests,
 * capacity and the schedule are the engine's; see mappings/README.md, "Limitations".) */
#ifndef EINSIM_MAPPING_H
#define EINSIM_MAPPING_H

#include "cascade/cascade.h"
#include "config/spec.h"
#include "util/diag.h"

/* Checks mapping m (with its cascade c) against arch a and, when w is not NULL,
 * binds the workload's ranks plus the mapping's partition sizes into *b.
 * Returns the number of errors reported into d. */
int mapping_check(const MappingSpec *m, const Cascade *c, const ArchSpec *a,
                  const WorkloadSpec *w, Diag *d, RankBinding *b);

#endif
