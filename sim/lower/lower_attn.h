/* lower_attn.h — lowering the FuseMax 1-pass attention cascade (attention-1pass.cfg with
 * the fusemax.cfg binding) to the accelerator's two attention tile queues, and the C
 * model's prediction of every tile's start and end cycle.
 *
 * The 2D Einsums run on the accelerator's one R x C systolic array (rtl/einsim_array.v,
 * the same PEs as GEMM); the 1D Einsums on a C-PE 1D array below it. Each array is fed
 * by its own in-order tile queue. A tile is one Einsum on one block of C queries (2D: R
 * keys of chunk m1 down the rows, the block's C queries across the columns; 1D: one
 * query per PE). The queues hold the tiles in the order the engine's cycle level issues
 * the passes on each unit (AttnOrder); lower_attn checks that the order keeps every
 * register the two arrays share safe (lower_attn.c). The RTL also runs a pair tile
 * BQK|SLNV (BQK of chunk s + 1 and SLNV of chunk s for one block, alternating element by
 * element), which the engine's schedule does not issue.
 * Timing rules (shared by the RTL and lower_attn_predict):
 *   a tile issues when its unit has finished issuing the previous tile of its queue and,
 *   if it names a dependency (a tile of the other queue), once that tile has ended;
 *   start = max(prev.start + prev.len, dep.end), tile 0 of a queue no earlier than 0.
 *   Stream element c of a 2D tile (issued at start + c) enters the operand register and
 *   reaches PE (i, j) in cycle start + c + 1 + i + j (the skew). Its end is
 *     BQK, SLN       start + c_last + 1 + R + C - 1: the cycle after PE (R-1, C-1) wrote
 *                    its score register (fill = R + C - 1 = 1 operand register + R - 1
 *                    rows + C - 1 columns);
 *     LM, SLD, SLNV  start + c_last + 1 + R + C - 1 + STG: the bottom row's sums of
 *                    column j are delayed by C - 1 - j (deskew) and cross the STG
 *                    staging registers into the 1D register files;
 *     BQK|SLNV       the later of its BQK end and its SLNV end, with c_last of each
 *                    Einsum its position in the pair's stream (BQK on even and SLNV on odd
 *                    positions while both have elements left, then the longer alone);
 *   with c_last = len - 1 for single Einsums. 1D tiles end at start + len. STG is the
 *   architecture's staging latency (the engine's hand-off between units).
 *   len: BQK E, LM 1, SLN T+2 (sub, then the exp sequence: 1 + T MACs), SLD 1, SLNV F,
 *        BQK|SLNV E + F; RM 1, PRM T+2, SPD 1, RD 1, SPNV F, RNV F, AV F (T = exp_terms).
 * These are the cycle level's per-op costs (one op per PE per cycle; exp = 1 + T MACs)
 * applied block by block, plus the systolic fill of each tile. */
#ifndef EINSIM_LOWER_ATTN_H
#define EINSIM_LOWER_ATTN_H

#include <stdbool.h>
#include <stdint.h>

#include "lower/lower.h"

/* Staging registers between the bottom of the 2D array and the 1D array's register file
 * (the RTL's; the architecture's staging level must state this latency). */
#define ATTN_STG 2
/* Capacity of the engine: query blocks (P / C), value width F; each tile queue is a ring
 * of ATTN_QUEUE_TILES slots (a power of two) that the host keeps fed, so a queue's
 * program may hold up to ATTN_MAX_TILES tiles with its END (absolute 32-bit tile ids, an
 * int count here); tile words hold buffer addresses up to ATTN_MAX_ADDR. */
#define ATTN_MAX_BLOCKS 64
#define ATTN_MAX_F 32
#define ATTN_QUEUE_TILES 16384
/* Largest whole-run difference between the tile rules (and the RTL) and the engine's cycle
 * level, percent: the engine's buffer-port turns, which the RTL does not model, cost a few
 * cycles. A padded run (ragged M or P) may differ more: the engine charges a ragged last
 * block's systolic fill for its real columns (R + w - 1), the RTL runs the padded block
 * whole (R + C - 1), once per (batch, head). */
#define ATTN_ENGINE_TOL_PCT 1.0
#define ATTN_ENGINE_TOL_PADDED_PCT 2.0
#define ATTN_MAX_TILES 0x7fffffff
#define ATTN_MAX_ADDR 0xffffffu

enum { ATTN_Q2D = 0, ATTN_Q1D = 1, ATTN_QDMA = 2 };   /* the tile queues; the DMA program */
/* 2D and 1D opcodes: A2_*, A1_* of lower/opcodes.h */

typedef struct {
    uint32_t op;
    bool first;                   /* first chunk: RM, RD, RNV start from -inf, 0, 0 */
    bool has_dep;
    bool mask;                    /* causal diagonal 2D tile: PE (i, j) masks i > j */
    uint32_t blk;                 /* query block: (batch, head) bh's block pb is bh nb + pb */
    uint32_t slot;                /* the RTL's register block (blk mod ATTN_MAX_BLOCKS) */
    uint32_t s;                   /* key chunk (AV: the last) */
    uint32_t need_loads;          /* 2D, data in DRAM: the DMA loads completed before it
                                     issues (the program's first need_loads loads) */
    uint32_t bank;                /* score bank (2D: chunk parity); a pair's BQK bank */
    uint32_t dep;                 /* tile index in the other queue */
    uint32_t a, b;                /* buffer word addresses (row operand, column operand) */
    uint32_t lda, ldb;            /* strides of a and b per stream element */
    uint32_t a2;                  /* a pair's SLNV row operand (V) address */
    uint32_t k, k2;               /* elements: the tile's Einsum (E or F); a pair's E, F */
    uint32_t len;                 /* stream cycles */
    uint64_t start_cyc, end_cyc;  /* predicted */
} AttnTile;
/* Its four 64-bit words (lower_attn_encode, rtl/einsim_aseq.v): w0 [7:0] op, [8] first,
 * [9] has_dep, [10] bank, [11] a pair's SLNV bank (the other), [12] mask, [31:16] k,
 * [63:32] dep (absolute tile id); w1 [31:0] lda, [63:32] ldb; w2 [23:0] a, [47:24] b,
 * [55:48] blk, [63:56] k2; w3 [31:0] need_loads, [55:32] a2. The END tile is all zero. */

/* One tile of a queue in issue order: its Einsum's opcode (A2_* but not A2_PAIR, or
 * A1_*), chunk s, (batch, head) bh, DRAM tile of P and query block b in it (AV: the last
 * chunk). */
typedef struct {
    uint32_t op, s, b, bh, tile;
} AttnSlot;

/* The issue order of each queue (v[ATTN_Q2D], v[ATTN_Q1D]): the engine's schedule, over
 * nbh (batch, head)s (0 or 1: one) and DRAM tiles of ptile queries (0: P whole). dram:
 * the data starts in DRAM (lower_attn_events lays the buffers out); otherwise Q, K and V
 * of the one (batch, head) must fit the buffer whole. */
/* One request of the engine's schedule, in issue order, as the lowering takes it: a pass
 * (tile `at` of queue q), or, with the data in DRAM, a load of Q (tensor 0: the DRAM tile
 * at.tile of (batch, head) at.bh) or of K or V (1, 2: also chunk at.s) into one of
 * `copies` buffer copies, or a store of AV (3: block at.b of the DRAM tile); words moved,
 * and the engine's start and end of the transfer. */
typedef enum { AE_PASS, AE_LOAD, AE_STORE } AttnEventKind;
typedef struct AttnEvent {
    AttnEventKind kind;
    int q;
    AttnSlot at;
    uint32_t tensor;
    uint64_t words, copies, start, end;
} AttnEvent;

typedef struct AttnOrder {
    AttnSlot *v[2];
    int n[2];
    uint64_t nbh, ptile;
    bool dram;
} AttnOrder;

typedef struct {
    AttnTile *t[2];
    int n[2];
    uint64_t cycles;              /* predicted run length: the latest end */
    uint64_t E, F, M, P, R, C, T, nb, steps;
    uint64_t Mp, Pp;              /* M, P padded to whole chunks and blocks (steps R, nb C) */
    uint64_t nbh;                 /* (batch, head)s, each its own Q, K, V and AV */
    uint64_t ptile, nbt, ntp;     /* queries per DRAM tile of P, its blocks, tiles per P */
    bool causal;                  /* causal cascade: only live tiles, diagonal ones masked */
    /* engine buffer: Q (E x Pp), K (E x Mp), V (F x Mp), row-major, padding zero; the
     * output buffer holds AV as F x Pp */
    uint32_t q_base, k_base, v_base;
    /* Data in DRAM (lower_attn_events): the DMA program, run beside the queues (its loads'
     * dependencies in the 2D queue, its stores' in the 1D queue), the DRAM channel's
     * bytes per cycle and latency, and each command's predicted completion (a load's last
     * word in the buffer, a store's write response: the cycle after). n_dma = 0: the data
     * starts in the buffers. */
    DmaCmd *dma;
    int n_dma;
    double dram_bpc;
    uint32_t dram_latency, word_bits;
    uint64_t *dma_done;
    uint64_t dram_q, dram_k, dram_v, dram_av;   /* DRAM word addresses (batch, head) 0 */
    uint64_t dram_bh;             /* DRAM words per (batch, head) */
} AttnProg;

/* Lowers attention with the given sizes onto geometry g (array rows R = M0, C columns
 * and 1D PEs, exp_terms T), each queue in the order `ord` gives. Dense attention needs
 * M and P multiples of R and C. Causal attention (attention-causal.cfg: key m seen by
 * query p when m <= p) needs M = P and R = C, so that a key chunk and a query block
 * start together on the diagonal; it takes only the live items (chunk s of block b with
 * a key before a query of the block: s R <= min(b C + C - 1, P - 1)), as the engine's
 * schedule does, and marks the partly masked ones (the diagonal) for the PEs' mask. A
 * ragged M = P pads the last chunk and block: the padded keys are after every real
 * query, so the diagonal's mask hides them. The order may cover several (batch, head)s
 * and DRAM tiles of P (ord->nbh, ord->ptile; with the data in DRAM only): block b of
 * (batch, head) h is global block h nb + b, held by the RTL's register block
 * (h nb + b) mod ATTN_MAX_BLOCKS; the register blocks serve their blocks in turn, the
 * next one's chunks continuing the previous one's (the rules and the score banks run on
 * across them). Returns 0, or 1 with an error in d (sizes the RTL cannot hold; an order
 * that misses or repeats a tile, or that would let a tile overwrite a register before
 * its reader has read it). The queues' orders are taken in turn (lower_attn_begin, one
 * queue until a tile waits for the other's). */
int lower_attn(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M, uint64_t P,
               uint64_t M0, bool causal, const AttnOrder *ord, AttnProg *p, Diag *d);
/* The same from the engine's schedule with the data in DRAM (its events in issue order):
 * also the DMA program of its loads and stores (lower_attn_begin). */
int lower_attn_events(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M,
                      uint64_t P, uint64_t M0, bool causal, uint64_t nbh, uint64_t ptile,
                      const AttnEvent *ev, size_t n, AttnProg *p, Diag *d);

/* The lowering event by event, in bounded memory: lower_attn_begin takes the sizes (as
 * lower_attn; nbh (batch, head)s, DRAM tiles of ptile queries, dram: the data starts in
 * DRAM), lower_attn_push each event of the schedule in issue order, lower_attn_finish
 * after the last. Each tile is lowered when it arrives (the order checked against the
 * register-safety rules, which every tile put before it must have arrived for), resolved
 * once what it names has arrived (the tile of the other queue it waits for; with dma, the
 * loads it reads and the buffer's layout), and predicted by the timing rules once what
 * it waits for is. With dma the events' loads and stores become the DMA program: a load
 * into a copy waits until every 2D tile reading the live piece it replaces has issued
 * (resolved once all of them have arrived), a store until its block's AV tile has ended;
 * DRAM holds, per (batch, head), Q by DRAM tiles (E x the tile's queries), K and V by
 * chunks of R keys (E or F rows x the chunk's keys), AV by blocks (F x the block's
 * queries): dram_attn_*; the buffer the copies of a Q tile, then of a K and of a V chunk
 * (the engine's numbering: piece i in copy i mod copies, dead pieces counted), the output
 * buffer AV by register blocks of F x C. The predicted items of queue q (ATTN_Q2D,
 * ATTN_Q1D or ATTN_QDMA) are ids below lower_attn_ready(q); each stays readable until
 * lower_attn_release drops the ids below a bound (with keep, nothing is dropped and
 * lower_attn_take moves the whole program into an AttnProg). Begin returns NULL and push
 * and finish 1 with an error in d (as lower_attn, and a schedule the DMA lowering does not
 * support: several groups, Q loaded in parts, a K or V load that is not one chunk, pieces
 * loaded out of order, a block's AV that would overwrite its register block's outputs
 * before their store has read them); after an error every call returns 1. */
typedef struct AttnLower AttnLower;
AttnLower *lower_attn_begin(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M,
                            uint64_t P, uint64_t M0, bool causal, uint64_t nbh, uint64_t ptile,
                            bool dram, bool dma, bool keep, Diag *d);
int lower_attn_push(AttnLower *L, const AttnEvent *e);
int lower_attn_finish(AttnLower *L);
const AttnProg *lower_attn_prog(const AttnLower *L);   /* sizes and layouts */
uint64_t lower_attn_ready(const AttnLower *L, int q);
const AttnTile *lower_attn_tile(const AttnLower *L, int q, uint64_t id);
const DmaCmd *lower_attn_cmd(const AttnLower *L, uint64_t id, uint64_t *done);
void lower_attn_release(AttnLower *L, int q, uint64_t below);
int lower_attn_take(AttnLower *L, AttnProg *p);        /* finishes; keep only */
void lower_attn_close(AttnLower *L);
/* DRAM word addresses of Q[e, q], K[e, m], V[f, m] and AV[f, q] of (batch, head) bh in
 * p's layout (data in DRAM). */
uint64_t dram_attn_q(const AttnProg *p, uint64_t bh, uint64_t e, uint64_t q);
uint64_t dram_attn_k(const AttnProg *p, uint64_t bh, uint64_t e, uint64_t m);
uint64_t dram_attn_v(const AttnProg *p, uint64_t bh, uint64_t f, uint64_t m);
uint64_t dram_attn_av(const AttnProg *p, uint64_t bh, uint64_t f, uint64_t q);
/* The number of live key chunks of query block b (all of them unless causal). */
uint64_t lower_attn_live(const AttnProg *p, uint64_t b);
void lower_attn_order_free(AttnOrder *o);
/* The name of opcode op of queue q (lower/opcodes.h), "?" when it has none. */
const char *lower_attn_op_name(int q, uint32_t op);
/* The Einsum (A2_BQK or A2_SLNV) of stream element c of a BQK|SLNV pair. */
uint32_t lower_attn_pair_op(uint32_t E, uint32_t F, uint32_t c);
/* Stream positions of the last BQK and the last SLNV element in a BQK|SLNV pair. */
void lower_attn_pair_last(uint32_t E, uint32_t F, uint32_t *last_bqk, uint32_t *last_slnv);
/* Applies the timing rules to p's tiles (and, with a DMA program, to its commands: a
 * command issues one cycle after the previous one at the earliest, a load once the
 * first `dep` 2D tiles have issued, a store once 1D tile dep - 1 has ended; the DRAM
 * channel serves them in order, each ceil(ceil(words * W / 8) / bytes per cycle)
 * cycles; a load completes latency cycles after its transfer, and a 2D tile naming
 * need_loads issues no earlier than the completion of that load). Returns 0, or -1 if
 * the dependencies deadlock. */
int lower_attn_predict(AttnProg *p);
void lower_attn_encode(const AttnTile *t, uint64_t w[4]);
void lower_attn_free(AttnProg *p);

#endif
