/* ir.h — the parsed form of an extended-Einsum cascade (the IR every other module reads)
 * and the queries on it: lookups, rank binding, index evaluation, ops per term. The
 * syntax and the builder are in cascade.h; ir.c implements what is declared here. */
#ifndef EINSIM_CASCADE_IR_H
#define EINSIM_CASCADE_IR_H

#include <stdbool.h>
#include <stdint.h>

#include "config/spec.h"
#include "util/diag.h"

#define CASCADE_MAX_DIMS 8    /* dimensions of one tensor */
#define CASCADE_MAX_RANKS 32  /* ranks of one cascade (roots and partitions) */
#define INDEX_MAX_TERMS 4     /* variable terms of one affine index */

/* ---- parsed form ------------------------------------------------------------------ */

typedef enum { RANK_ROOT, RANK_OUTER, RANK_INNER } RankKind;

typedef struct {
    char *name;      /* "M", "M1", "M0" */
    char *var;       /* "m", "m1", "m0" */
    RankKind kind;
    int parent;      /* partitioned rank (OUTER/INNER), else -1 */
    int partner;     /* the other half of the partition (OUTER<->INNER), else -1 */
    SrcLoc loc;
} CascadeRank;

/* value = konst + sum over terms of coef * size(size_rank) * var(rank)
 * (rank = -1: constant term; size_rank = -1: factor 1). */
typedef struct {
    int rank;
    int size_rank;
    int64_t coef;
} IndexTerm;

typedef struct {
    IndexTerm t[INDEX_MAX_TERMS];
    int n;
    int64_t konst;
} IndexExpr;

typedef enum {
    EX_NUM, EX_ACCESS, EX_NEG, EX_ADD, EX_SUB, EX_MUL, EX_DIV, EX_MAX, EX_MIN, EX_EXP
} ExprKind;

typedef struct {
    ExprKind kind;
    double num;                        /* EX_NUM; may be -inf / inf */
    int tensor;                        /* EX_ACCESS: tensor index */
    IndexExpr idx[CASCADE_MAX_DIMS];   /* EX_ACCESS: one per dimension of the tensor */
    int a, b;                          /* operands (node indices); -1 when unused */
    int col;                           /* 1-based column in the Einsum text */
} ExprNode;

typedef enum { RED_NONE, RED_SUM, RED_MAX, RED_MIN, RED_PRUNE } ReduceKind;

typedef struct {
    char *name;
    int ndim;
    int dim_rank[CASCADE_MAX_DIMS];  /* rank of each dimension */
    int recur_dim;     /* dimension written as v+1 (extent = size + 1), else -1 */
    bool is_input;
    bool is_output;
    int writer;        /* Einsum that produces it, -1 for inputs */
    bool has_init;     /* recurrent tensors: initial slice (index 0 of recur_dim) */
    double init_value;
    SrcLoc loc;
} CascadeTensor;

typedef enum { PHASE_PRE, PHASE_LOOP, PHASE_POST } EinsumPhase;

typedef struct {
    char *name;                  /* = name of the output tensor */
    char *text;                  /* the source string */
    int out;                     /* output tensor */
    IndexExpr out_idx[CASCADE_MAX_DIMS]; /* left-hand index per dimension */
    int free_ranks[CASCADE_MAX_DIMS];    /* rank of each left-hand variable, dim order */
    int n_free;
    ReduceKind red;              /* RED_NONE for a pure map */
    int red_ranks[CASCADE_MAX_DIMS];     /* reduced (or pruned) ranks */
    int n_red;
    ExprNode *nodes;             /* expression tree; nodes[root] is the top */
    int n_nodes;
    int root;
    uint32_t map_ops[OP__COUNT]; /* ops per evaluated term of the map expression */
    EinsumPhase phase;           /* PRE / LOOP (per step of the iterative rank) / POST */
    SrcLoc loc;
} Einsum;

typedef struct Cascade {
    char *name;
    char *path;
    char *problem;
    CascadeRank *ranks;
    int n_ranks;
    CascadeTensor *tensors;  /* inputs first, then Einsum outputs in source order */
    int n_tensors;
    Einsum *einsums;         /* in source order (initialisations are not Einsums) */
    int n_einsums;
    int *order;              /* evaluation order: a topological order of Einsums,
                                loop-carried (v+1) edges excluded */
    int iter_rank;           /* the iterative rank (has v+1 recurrences), else -1 */
    char **files;            /* file names the SrcLocs above point to (owned) */
    int n_files;
} Cascade;

void cascade_free(Cascade *c);

int cascade_find_tensor(const Cascade *c, const char *name);  /* -1 when absent */
int cascade_find_einsum(const Cascade *c, const char *name);  /* -1 when absent */
int cascade_find_rank(const Cascade *c, const char *name);    /* by rank name; -1 */

/* Sizes of every rank of a cascade for one evaluation. */
typedef struct {
    int64_t size[CASCADE_MAX_RANKS];  /* per rank index of the cascade */
} RankBinding;

/* Binds sizes: every root rank and every inner partition rank must be given (extra
 * names are errors unless `allow_extra`); outer ranks are derived as ceil(parent /
 * inner). Sizes must be >= 1 and their products must fit in 63 bits. `where` names
 * the origin of the sizes for messages. Returns 0, or 1 with errors in `d`. */
int cascade_bind(const Cascade *c, const RankSize *sizes, int n_sizes, bool allow_extra,
                 Diag *d, RankBinding *out);

/* Extent of dimension `dim` of tensor `t` under binding `b` (size + 1 for the
 * recurrent dimension). */
int64_t cascade_dim_extent(const Cascade *c, const RankBinding *b, int t, int dim);
/* Evaluates an index expression for the given rank-variable values. */
int64_t index_eval(const IndexExpr *ix, const RankBinding *b, const int64_t *var);

/* Operations one term of Einsum e needs from its unit: the map's ops plus the
 * reduction's (a sum of products is one MAC; another sum an add; max/min/prune a max). */
void einsum_unit_ops(const Einsum *e, uint32_t ops[OP__COUNT]);
/* True when Einsum e computes (needs a unit); false for a view such as
 * BK[e, m1, m0] = K[e, m1*M0 + m0], which only re-indexes its input. */
bool einsum_computes(const Einsum *e);

/* "sum", "max", "min", "prune", or "map" for RED_NONE. */
const char *reduce_kind_word(ReduceKind k);

/* Writes a one-screen summary (ranks, tensors, Einsums with their unit ops). */
void cascade_summary(const Cascade *c, void (*emit)(void *ctx, const char *line), void *ctx);

#endif
