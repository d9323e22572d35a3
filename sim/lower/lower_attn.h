/* lower_attn.h — lowering the FuseMax 1-pass attention cascade (attention-1pass.cfg with
 * the fusemax.cfg binding) to the attention engine's two tile queues, and the C model's
 * prediction of every tile's start and end cycle.
 *
 * The engine (rtl/einsim_attn.v, rtl/README.md) has an R x C 2D array and a C-PE 1D
 * array, each fed by its own in-order tile queue. A tile is one Einsum on one block of
 * C queries (2D: R keys of chunk m1 down the rows, the block's C queries across the
 * columns; 1D: one query per PE). Timing rules (shared by the RTL and lower_attn_predict):
 *   a tile issues when its unit has finished issuing the previous tile of its queue and,
 *   if it names a dependency (a tile of the other queue), once that tile has ended;
 *   start = max(prev.start + prev.len, dep.end), tile 0 of a queue no earlier than 0;
 *   end   = start + len + lat, lat = STG for the 2D column results that cross the
 *           staging registers into the 1D array (LM, SLD, SLNV), 0 otherwise.
 *   len: BQK E, LM 1, SLN T+2 (sub, then the exp sequence: 1 + T MACs), SLD 1, SLNV F;
 *        RM 1, PRM T+2, SPD 1, RD 1, SPNV F, RNV F, AV F (T = exp_terms).
 * These are the cycle level's per-op costs (one op per PE per cycle; exp = 1 + T MACs)
 * applied block by block. */
#ifndef EINSIM_LOWER_ATTN_H
#define EINSIM_LOWER_ATTN_H

#include <stdbool.h>
#include <stdint.h>

#include "lower/lower.h"

/* Staging registers between the bottom of the 2D array and the 1D array's register file. */
#define ATTN_STG 2
/* Capacity of the engine: query blocks (P / C), value width F, tiles per queue. */
#define ATTN_MAX_BLOCKS 64
#define ATTN_MAX_F 32
#define ATTN_QUEUE_TILES 16384

enum { ATTN_Q2D = 0, ATTN_Q1D = 1 };
/* 2D opcodes */
enum { A2_END = 0, A2_BQK = 1, A2_LM = 2, A2_SLN = 3, A2_SLD = 4, A2_SLNV = 5 };
/* 1D opcodes */
enum { A1_END = 0, A1_RM = 1, A1_PRM = 2, A1_SPD = 3, A1_RD = 4, A1_SPNV = 5, A1_RNV = 6,
       A1_AV = 7 };

typedef struct {
    uint32_t op;
    bool first;                   /* first chunk: RM, RD, RNV start from -inf, 0, 0 */
    bool has_dep;
    uint32_t blk;                 /* query block */
    uint32_t dep;                 /* tile index in the other queue */
    uint32_t a, b;                /* buffer word addresses (row operand, column operand) */
    uint32_t lda, ldb;            /* strides of a and b per stream cycle */
    uint32_t len;                 /* stream cycles */
    uint64_t start_cyc, end_cyc;  /* predicted */
} AttnTile;

typedef struct {
    AttnTile *t[2];
    int n[2];
    uint64_t cycles;              /* predicted run length: the latest end */
    uint64_t E, F, M, P, R, C, T, nb, steps;
    uint32_t q_base, k_base, v_base;  /* engine buffer: Q (E x P), K (E x M), V (F x M) */
} AttnProg;

/* Lowers attention with the given sizes onto geometry g (array rows R = M0, C columns
 * and 1D PEs, exp_terms T). Returns 0, or 1 with an error in d. */
int lower_attn(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M, uint64_t P,
               uint64_t M0, AttnProg *p, Diag *d);
/* Applies the timing rules to p's tiles. Returns 0, or -1 if the dependencies deadlock. */
int lower_attn_predict(AttnProg *p);
void lower_attn_encode(const AttnTile *t, uint64_t w[4]);
void lower_attn_free(AttnProg *p);

#endif
