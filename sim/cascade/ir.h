/* ir.h — the parsed form of an extended-Einsum cascade (the IR every other module reads)
 * and the queries on it: lookups, rank binding, index evaluation, ops per term. The
 * syntax and the builder are in cascade.h; ir.c implements what is declared here. */
#ifndef EINSIM_CASCADE_IR_H
#define EINSIM_CASCADE_IR_H

#include <stdbool.h>
#include <stdint.h>

#include "config/spec.h"
#include "util/diag.h"
#include "util/limits.h"

#define CASCADE_MAX_DIMS LIMIT_DIMS    /* dimensions of one tensor */
#define CASCADE_MAX_RANKS LIMIT_RANKS  /* ranks of one cascade (roots and partitions) */
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

/* value = konst + sum over terms, each term
 *     coef * size(size_rank) * var(rank)                  (op IX_PLAIN)
 *     +-floor(that / divisor) or +-(that floor-mod divisor)  (op IX_DIV, IX_MOD; minus
 *                                                          when neg, coef >= 1 then)
 * with divisor = dcoef * size(d_size_rank) >= 1 (rank = -1: no variable; size_rank or
 * d_size_rank = -1: factor 1). `p / G` is a term with op IX_DIV, dcoef 1, d_size_rank G;
 * in `q - p / G` the minus applies to the quotient. */
typedef enum { IX_PLAIN, IX_DIV, IX_MOD } IndexOp;

typedef struct {
    int rank;
    int size_rank;
    int64_t coef;
    IndexOp op;
    bool neg;            /* IX_DIV, IX_MOD: the term is subtracted */
    int64_t dcoef;       /* divisor factor (IX_DIV, IX_MOD); >= 1 */
    int d_size_rank;     /* divisor rank size, or -1 */
} IndexTerm;

typedef struct {
    IndexTerm t[INDEX_MAX_TERMS];
    int n;
    int64_t konst;
} IndexExpr;

/* Index predicates compare two indices. */
typedef enum { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE } CmpOp;

/* Value nodes (EX_NUM .. EX_SIZE) and predicate nodes (EX_CMP .. EX_NOT). An EX_ACCESS
 * in a predicate is a test: true where the element is present and nonzero. */
typedef enum {
    EX_NUM, EX_ACCESS, EX_NEG, EX_ADD, EX_SUB, EX_MUL, EX_DIV, EX_MAX, EX_MIN, EX_EXP,
    EX_SQRT, EX_SELECT, EX_SIZE, EX_CMP, EX_AND, EX_OR, EX_NOT
} ExprKind;

typedef struct {
    ExprKind kind;
    double num;                        /* EX_NUM; may be -inf / inf */
    int tensor;                        /* EX_ACCESS: tensor index */
    int rank;                          /* EX_SIZE: the rank whose size is the value */
    IndexExpr idx[CASCADE_MAX_DIMS];   /* EX_ACCESS: one per dimension of the tensor;
                                          EX_CMP: idx[0] cmp idx[1] */
    CmpOp cmp;                         /* EX_CMP */
    int a, b;                          /* operands (node indices); -1 when unused
                                          (EX_SELECT: a where the predicate holds, else b) */
    int c;                             /* EX_SELECT: the predicate node; else -1 */
    int col;                           /* 1-based column in the Einsum text */
    int depth;                         /* nodes on the longest path down from here
                                          (<= LIMIT_EXPR_DEPTH) */
} ExprNode;

typedef enum { RED_NONE, RED_SUM, RED_MAX, RED_MIN, RED_PRUNE, RED_TOPK } ReduceKind;

/* What a tensor is in a model, as the cascade declares it (`weights`, `kv_cache`);
 * everything else is an activation. Reports split DRAM traffic by it. */
typedef enum { ROLE_ACTIVATION, ROLE_WEIGHT, ROLE_KV_CACHE, ROLE__COUNT } TensorRole;

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
    int data;          /* inputs read from a file: index into Cascade.data, else -1 */
    TensorRole role;   /* what the tensor is in a model (the cascade's weights / kv_cache) */
    SrcLoc loc;
} CascadeTensor;

/* An input tensor whose values come from a file (a block mask): a rows x cols matrix
 * of 0/1 for a two-dimensional tensor, rows along its first dimension. */
typedef struct {
    int tensor;
    char *path;        /* as resolved against the cascade file */
    int64_t rows, cols;
    uint8_t *keep;     /* rows * cols, row-major */
    SrcLoc loc;        /* the file (line of its `rows` list) */
} CascadeData;

typedef enum { PHASE_PRE, PHASE_LOOP, PHASE_POST } EinsumPhase;

typedef struct {
    char *name;                  /* = name of the output tensor */
    char *text;                  /* the source string */
    int out;                     /* output tensor */
    IndexExpr out_idx[CASCADE_MAX_DIMS]; /* left-hand index per dimension */
    int free_ranks[CASCADE_MAX_DIMS];    /* rank of each left-hand variable, dim order */
    int n_free;
    ReduceKind red;              /* RED_NONE for a pure map */
    int red_ranks[CASCADE_MAX_DIMS];     /* reduced (or pruned, or top-k) ranks */
    int n_red;
    int64_t topk_n;              /* RED_TOPK: k = topk_n * size(topk_rank) */
    int topk_rank;               /* RED_TOPK: rank whose size is k, or -1 */
    int where;                   /* predicate node of the `where` clause, or -1 */
    int where_col;               /* 1-based column of the predicate in `text` */
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
    bool has_roles;          /* the cascade declares weights or a KV cache */
    int head_rank;           /* the rank named H when the cascade declares it (heads are
                                then explicit, not an implicit outer rank), else -1 */
    CascadeData *data;       /* inputs read from files */
    int n_data;
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
 * names are errors unless `allow_extra` or the size is `if_present`); outer ranks are
 * derived as ceil(parent / inner). Sizes must be >= 1 and their products must fit in 63 bits, and so must every
 * index of every Einsum at every point of its iteration space (so index_eval cannot
 * overflow). A topk may not keep more elements than its rank has, and a mask read from
 * a file must have its tensor's shape. Returns 0, or 1 with errors in `d`. */
int cascade_bind(const Cascade *c, const RankSize *sizes, int n_sizes, bool allow_extra,
                 Diag *d, RankBinding *out);

/* The k of a topk Einsum under binding b (INT64_MAX when it overflows). */
int64_t einsum_topk_k(const Einsum *e, const RankBinding *b);

/* Extent of dimension `dim` of tensor `t` under binding `b` (size + 1 for the
 * recurrent dimension). */
int64_t cascade_dim_extent(const Cascade *c, const RankBinding *b, int t, int dim);
/* Evaluates an index expression for the given rank-variable values; -1 (outside every
 * tensor) when the value does not fit in 64 bits, which cascade_bind rules out for
 * the variables' ranges. */
int64_t index_eval(const IndexExpr *ix, const RankBinding *b, const int64_t *var);
/* Floor division and floor modulo for a divisor d >= 1 (-7 / 2 = -4, -7 % 2 = 1). */
int64_t index_floor_div(int64_t x, int64_t d);
int64_t index_floor_mod(int64_t x, int64_t d);

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
