/* nest.h — groups mapped by a loop nest per level (nest.c). */
#ifndef EINSIM_NEST_H
#define EINSIM_NEST_H

#include "engine/engineInt.h"
#include "util/limits.h"

#define NEST_MAX_LEVELS (LIMIT_LEVELS + 1)
#define NEST_MAX_TENSORS LIMIT_NEST_TENSORS
#define NEST_MAX_LOOPS LIMIT_NEST_LOOPS

/* Counts of one group per (batch, head). Tensor k = 0 is the output. */
typedef struct {
    int einsum;
    const ComputeUnitSpec *unit;
    int n_lv;                                  /* nest levels, innermost first */
    const StorageSpec *level[NEST_MAX_LEVELS]; /* NULL for the PE registers (level 0) */
    int n_t;
    int tensor[NEST_MAX_TENSORS];
    bool keep[NEST_MAX_LEVELS][NEST_MAX_TENSORS];
    uint64_t tile[NEST_MAX_LEVELS][NEST_MAX_TENSORS];    /* elements per instance */
    uint64_t reads[NEST_MAX_LEVELS][NEST_MAX_TENSORS];   /* all PEs for level 0 */
    uint64_t fills[NEST_MAX_LEVELS][NEST_MAX_TENSORS];
    uint64_t updates[NEST_MAX_LEVELS][NEST_MAX_TENSORS];
    uint64_t words[NEST_MAX_LEVELS];           /* words a level keeps (per PE for level 0) */
    uint64_t computes, temporal, pes, rows_used, cols_used;
    uint64_t iters;                            /* iterations of the DRAM level's loops */
    uint64_t events[NEST_MAX_TENSORS];         /* of them, where tensor k's tile changes */
    bool double_buffered;                      /* the level under DRAM holds two copies */
    bool overflow;
} NestCounts;

typedef struct {
    uint64_t compute, port, memory, cycles;    /* all (b, h) */
    double dram_bytes;
    bool overflow;
} NestCost;

/* Checks group g's nest against the cascade, the architecture and the sizes; returns the
 * number of errors (file:line). */
int nest_check(const EngineInput *in, int g, Diag *d);
/* Counts group g's accesses; 0, or 1 with the reason (capacity, overflow) in why. */
int nest_analyze(const EngineInput *in, int g, NestCounts *nc, char *why, size_t n_why);
/* The analytic level's cost of bh (batch, head) instances. */
void nest_costs(const EngineInput *in, const NestCounts *nc, uint64_t bh, NestCost *out);
/* The cycle level (group g, for the trace); *dram_wait: cycles the unit waited for loads. */
uint64_t nest_cycle(const EngineInput *in, const NestCounts *nc, const NestCost *cost, uint64_t bh,
                    int g, uint64_t *dram_wait, bool *overflow);

#endif
