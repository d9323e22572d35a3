/* searchInt.h — internals shared by mapspace.c and search.c. Not public. */
#ifndef EINSIM_SEARCH_INT_H
#define EINSIM_SEARCH_INT_H

#include <stddef.h>

#include "search/search.h"

#define MS_MAX_EINSUMS 64     /* einsums of a cascade the mapper handles */
#define MS_MAX_UNITS 16       /* units of an architecture (the engine's limit) */
#define MS_MAX_STAGES 32      /* stages of one group */
#define MS_MAX_TILE_OPTS 64   /* tile options of one group */
#define MS_MAX_COMBOS 4096    /* tile combinations over all groups */

typedef enum { DIM_TILE, DIM_BIND, DIM_STAGE } MsDimKind;

/* One free dimension of the mapspace. */
typedef struct {
    MsDimKind kind;
    int ref;          /* group (TILE) or einsum (BIND, STAGE) */
    uint32_t radix;   /* options */
    uint32_t *allowed; /* options that can be valid (the local search draws only these) */
    uint32_t n_allowed;
} MsDim;

/* A dependency between two scheduled Einsums of one group. */
typedef struct {
    int from, to;     /* einsums: `to` reads what `from` writes */
    int reason;       /* rejection reason when the schedule breaks it */
} MsEdge;

struct Mapspace {
    EngineInput in;          /* borrowed specs; in.mapping is the template */
    MsDim *dims;
    int n_dims;
    double space_size;       /* product of the radices */
    int ne;                  /* einsums of the cascade */
    int n_arch_units;
    int n_groups;
    int *grp;                /* group of each einsum, -1 when not scheduled */
    int *base_unit;          /* template's unit (arch index) of each computing einsum, else -1 */
    int *base_stage;         /* template's stage of each scheduled einsum */
    int *pos;                /* position in the cascade's evaluation order */
    int *n_stages;           /* stages of each group */
    int *comp;               /* computing scheduled einsums, by group, evaluation order */
    int n_comp;
    int *grp_first;          /* comp[grp_first[g] .. grp_first[g+1]) are group g's */
    int *cand_unit;          /* candidate units (arch indices) */
    int n_cand;
    /* tiles */
    int *n_opts;             /* tile options of each group (1 when its tile is not free) */
    const char ***opt_rank;  /* [g][o] loop rank; NULL row when the tile is not free */
    uint64_t **opt_tile;     /* [g][o] tile */
    int *tpl_opt;            /* the template's option of each group */
    size_t *combo_stride;    /* mixed radix of the combination index */
    size_t n_combos;
    int *combo_reason;       /* [combo]: rejection reason, or -1 when it fits */
    uint64_t *combo_mem;     /* [combo * n_groups + g]: DRAM-bound cycles of group g */
    double *combo_energy;    /* [combo]: energy with the template's binding, pJ */
    /* per (einsum, arch unit) */
    uint64_t *cyc;           /* [e * n_arch_units + u]: cycles of e on u (all b, h) */
    double *dE;              /* energy change from moving e to u, pJ */
    int *bad;                /* rejection reason of e on u, or -1 */
    /* schedule */
    MsEdge *intra;           /* same-step edges, by consumer evaluation order */
    int n_intra;
    MsEdge *carried;         /* loop-carried edges */
    int n_carried;
    int max_skew;            /* steps a consumer may fall behind (1 iterative, else 0) */
    char **reasons;          /* rejection reasons, in the order first registered */
    int n_reasons;
};

/* A candidate's mapping, borrowing the template's strings. */
typedef struct {
    MappingSpec m;
    BindingSpec *b;
    GroupSpec *g;
    StageSpec *st;
    const char **names;
} Variant;

void ms_decode(const Mapspace *ms, const uint32_t *ch, int *unit, int *stage, size_t *combo);

#endif
