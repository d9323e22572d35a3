/* dram_lower.c — GEMM with its data in DRAM: the engine's cycle-level schedule as the
 * DMA and tile programs of the RTL (dram_lower.h). */
#include "cosim/dram_lower.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }
static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* When the first `words` of a load that started at `start` and holds the DRAM channel
 * `cyc` cycles are in the buffer: the channel moves ceil(bytes / bytes per cycle) cycles
 * of them, then the level's latency (the engine's rule for a streamed stationary operand,
 * and the bridge's DRAM model). */
static uint64_t load_arrival(const RtlGeom *g, uint64_t start, uint64_t cyc, uint64_t words)
{
    return start + umin(lower_dram_cycles(g->dram_bpc, g->word_bits, words), cyc) + g->dram_latency;
}

static void dma_push(DmaProg *dp, int *cap, DmaCmd c)
{
    if (dp->n == *cap) {
        *cap = !*cap ? 64 : *cap > INT_MAX / 2 ? INT_MAX : 2 * *cap;   /* n < n_ev <= INT_MAX */
        dp->c = xrealloc(dp->c, (size_t)*cap * sizeof *dp->c);
    }
    dp->c[dp->n++] = c;
}

int dram_lower_gemm(const RtlGeom *g, bool ws, uint64_t K, uint64_t M, uint64_t N,
                    const EngineEvent *ev, int n_ev, int tA, int tB, int tZ, TileProg *p,
                    DmaProg *dp, Diag *d)
{
    memset(p, 0, sizeof *p);
    memset(dp, 0, sizeof *dp);
    uint64_t R = g->rows, C = g->cols, nbk = cdiv(N, C), passes = ws ? cdiv(K, R) : cdiv(M, R);
    uint64_t nt = nbk * passes;
    if (K > 65535 || M > 65535 || N > 65535) {
        diag_error(d, NULL, 0, "cosim: K, M and N must be at most 65535 (16-bit tile fields)");
        return 1;
    }
    if (nt + 1 > g->tiles) {
        diag_error(d, NULL, 0, "cosim: %" PRIu64 " tiles exceed the RTL instruction memory (%u)",
                   nt, g->tiles - 1);
        return 1;
    }
    /* Layout (words). */
    dp->dram_a = 0;
    dp->dram_b = K * M;
    dp->dram_z = K * M + K * N;
    if (dp->dram_z + M * N > UINT32_MAX || M * N > g->zbuf_words) {
        diag_error(d, NULL, 0, "cosim: Z (%" PRIu64 " words) does not fit the accumulator buffer "
                   "(%u words)", M * N, g->zbuf_words);
        return 1;
    }
    p->t = xcalloc(nt, sizeof *p->t);
    p->a_base = 0;
    p->b_base = (uint32_t)(K * M);
    p->K = K, p->M = M, p->N = N, p->ws = ws, p->nmajor = true;
    int cap = 0, rc = 1;
    uint64_t n_loads = 0, n_b = 0, n_items = 0, n_stores = 0, copies = 0;
    int64_t a_load = -1, a_last = -1;
    int64_t *b_load = xcalloc(nbk, sizeof *b_load), *b_slot = xcalloc(nbk, sizeof *b_slot),
            *item_last = xcalloc(nbk, sizeof *item_last);
    uint64_t *item_start = xcalloc(nbk, sizeof *item_start), *item_end = xcalloc(nbk, sizeof *item_end);
    uint64_t *b_start = xcalloc(nbk, sizeof *b_start), *b_cyc = xcalloc(nbk, sizeof *b_cyc);
    int64_t *slot_last = NULL;
    for (int e = 0; e < n_ev; e++) {
        const EngineEvent *x = &ev[e];
        dp->end = umax(dp->end, x->end);
        if (x->group != 0 || x->bh != 0) {
            diag_error(d, NULL, 0, "cosim: the engine's schedule has more than one group or "
                       "(batch, head); the DMA lowering takes one GEMM");
            goto out;
        }
        if (x->kind == EV_LOAD && x->tensor == tA) {
            if (x->words != K * M) {
                diag_error(d, NULL, 0, "cosim: the engine loads %" PRIu64 " words of A at once; "
                           "the DMA lowering loads A whole (%" PRIu64 ")", x->words, K * M);
                goto out;
            }
            dma_push(dp, &cap, (DmaCmd){ DMA_LOAD, 0, (uint32_t)(K * M), (uint32_t)dp->dram_a, 0,
                                         a_load >= 0 ? (uint32_t)(a_last + 1) : 0, x->start, x->end });
            a_load = (int64_t)n_loads++;
            a_last = -1;
        } else if (x->kind == EV_LOAD && x->tensor == tB) {
            uint64_t j = n_b, nb = j < nbk ? umin(C, N - j * C) : 0;
            if (j >= nbk || x->words != K * nb) {
                diag_error(d, NULL, 0, "cosim: the engine's load %" PRIu64 " of B moves %" PRIu64
                           " words; the DMA lowering loads blocks of %" PRIu64 " columns (K x %"
                           PRIu64 ")", j, x->words, C, nb);
                goto out;
            }
            if (!copies) {
                copies = x->copies ? x->copies : 1;
                if (K * M + copies * K * C > g->glb_words) {
                    diag_error(d, NULL, 0, "cosim: A and %" PRIu64 " copies of a B block (%" PRIu64
                               " words) do not fit the global buffer (%u words)", copies,
                               K * M + copies * K * C, g->glb_words);
                    goto out;
                }
                slot_last = xcalloc(copies, sizeof *slot_last);
                for (uint64_t s = 0; s < copies; s++)
                    slot_last[s] = -2;     /* never used */
            }
            uint64_t slot = j % copies;
            uint32_t dep = slot_last[slot] >= 0 ? (uint32_t)(slot_last[slot] + 1) : 0;
            dma_push(dp, &cap, (DmaCmd){ DMA_LOAD, 1, (uint32_t)(K * nb),
                                         (uint32_t)(dp->dram_b + K * j * C),
                                         (uint32_t)(p->b_base + slot * K * C), dep, x->start, x->end });
            b_load[j] = (int64_t)n_loads++;
            b_slot[j] = (int64_t)slot;
            b_start[j] = x->start;
            b_cyc[j] = x->end - x->start - g->dram_latency;
            slot_last[slot] = -1;
            n_b++;
        } else if (x->kind == EV_PASSES && x->tensor == tZ) {
            uint64_t j = n_items, nb = j < nbk ? umin(C, N - j * C) : 0;
            if (j >= nbk || j >= n_b || a_load < 0 || x->passes != passes ||
                x->len != (ws ? M : K)) {
                diag_error(d, NULL, 0, "cosim: the engine's item %" PRIu64 " (%" PRIu64 " passes of %"
                           PRIu64 " cycles) is not a block of %" PRIu64 " columns after its loads",
                           j, x->passes, x->len, C);
                goto out;
            }
            uint32_t need_l = (uint32_t)(umax((uint64_t)a_load, (uint64_t)b_load[j]) + 1);
            uint32_t need_s = n_stores >= 2 ? (uint32_t)(n_stores - 1) : 0;
            uint64_t n0 = j * C, bslot = p->b_base + (uint64_t)b_slot[j] * K * C, zb = M * n0;
            for (uint64_t q = 0; q < passes; q++) {
                TileInstr t;
                if (!ws) {
                    uint64_t m0 = q * R;
                    t = (TileInstr){ .op = TILE_GEMM_OS, .final = true, .m = (uint32_t)umin(R, M - m0),
                                     .n = (uint32_t)nb, .k = (uint32_t)K, .a = (uint32_t)m0,
                                     .b = (uint32_t)bslot, .z = (uint32_t)(zb + m0 * nb),
                                     .lda = (uint32_t)M, .ldb = (uint32_t)nb, .ldz = (uint32_t)nb };
                } else {
                    uint64_t k0 = q * R;
                    t = (TileInstr){ .op = TILE_GEMM_WS, .acc_init = k0 > 0, .final = k0 + R >= K,
                                     .m = (uint32_t)M, .n = (uint32_t)nb, .k = (uint32_t)umin(R, K - k0),
                                     .a = (uint32_t)(k0 * M), .b = (uint32_t)(bslot + k0 * nb),
                                     .z = (uint32_t)zb, .lda = (uint32_t)M, .ldb = (uint32_t)nb,
                                     .ldz = (uint32_t)nb };
                }
                t.need_loads = need_l;
                t.need_stores = need_s;
                /* WS: the weights of K blocks 0 .. q (B's first rows) suffice, the rest of
                 * the block may still be arriving (the engine's rule for a streamed
                 * stationary operand) */
                t.need_rows = ws && (uint64_t)b_load[j] + 1 == need_l ? (uint32_t)umin(K, (q + 1) * R) : 0;
                t.ready_cyc = q == 0 ? x->start
                            : t.need_rows ? load_arrival(g, b_start[j], b_cyc[j], (uint64_t)t.need_rows * nb)
                                          : 0;
                p->t[p->n++] = t;
            }
            item_last[j] = p->n - 1;
            item_start[j] = x->start;
            item_end[j] = x->end;
            slot_last[b_slot[j]] = p->n - 1;
            a_last = p->n - 1;
            n_items++;
        } else if (x->kind == EV_STORE && x->tensor == tZ) {
            uint64_t j = n_stores, nb = j < nbk ? umin(C, N - j * C) : 0;
            if (j >= n_items || x->words != M * nb) {
                diag_error(d, NULL, 0, "cosim: the engine's store %" PRIu64 " of Z (%" PRIu64 " words) "
                           "is not the block of an item computed before it", j, x->words);
                goto out;
            }
            dma_push(dp, &cap, (DmaCmd){ DMA_STORE, 2, (uint32_t)(M * nb),
                                         (uint32_t)(dp->dram_z + M * j * C), (uint32_t)(M * j * C),
                                         (uint32_t)(item_last[j] + 1), x->start, x->end });
            n_stores++;
        } else {
            diag_error(d, NULL, 0, "cosim: the engine's schedule moves or computes a tensor the "
                       "GEMM DMA lowering does not know (event %d)", e);
            goto out;
        }
    }
    if (n_items != nbk || n_stores != nbk || (uint64_t)p->n != nt) {
        diag_error(d, NULL, 0, "cosim: the engine's schedule has %" PRIu64 " items and %" PRIu64
                   " stores; the GEMM has %" PRIu64 " blocks", n_items, n_stores, nbk);
        goto out;
    }
    if ((uint64_t)dp->n + 1 > g->dma_cmds) {
        diag_error(d, NULL, 0, "cosim: the GEMM's %d DMA commands exceed the RTL's DMA ring "
                   "(%u slots with the END; a GEMM program is loaded whole)", dp->n,
                   g->dma_cmds);
        goto out;
    }
    if (n_loads > 65535 || n_stores > 65535) {
        diag_error(d, NULL, 0, "cosim: the GEMM's %" PRIu64 " loads and %" PRIu64 " stores "
                   "exceed the tiles' 16-bit load and store counts", n_loads, n_stores);
        goto out;
    }
    lower_predict(g, p);
    p->cycles = umax(p->cycles, dp->end);
    for (uint64_t j = 0; j < nbk && !dp->disagree; j++) {
        const TileInstr *f = &p->t[j * passes], *l = &p->t[item_last[j]];
        if (f->start_cyc != item_start[j] || l->end_cyc != item_end[j])
            dp->disagree = xasprintf("item %" PRIu64 " (tiles %" PRIu64 "..%" PRId64 "): start %"
                                     PRIu64 " / end %" PRIu64 " by the tile rules, %" PRIu64 " / %"
                                     PRIu64 " in the engine's schedule", j, j * passes, item_last[j],
                                     f->start_cyc, l->end_cyc, item_start[j], item_end[j]);
    }
    rc = 0;
out:
    free(b_load);
    free(b_slot);
    free(item_last);
    free(item_start);
    free(item_end);
    free(b_start);
    free(b_cyc);
    free(slot_last);
    if (rc) {
        lower_free(p);
        lower_dma_free(dp);
    }
    return rc;
}

/* Attention's DRAM layout (dram_lower.h): (batch, head) bh's region, then within it Q by
 * DRAM tiles of P, K and V by chunks, AV by blocks; each piece row-major over its own
 * queries or keys. */
static uint64_t width(uint64_t n, uint64_t i, uint64_t piece)
{
    return umin(piece, n - i * piece);
}

uint64_t dram_attn_q(const AttnProg *p, uint64_t bh, uint64_t e, uint64_t q)
{
    uint64_t t = q / p->ptile;
    return p->dram_q + bh * p->dram_bh + p->E * t * p->ptile + e * width(p->P, t, p->ptile) +
           q % p->ptile;
}

static uint64_t dram_kv(const AttnProg *p, uint64_t base, uint64_t rows, uint64_t r, uint64_t m)
{
    uint64_t s = m / p->R;
    return base + rows * s * p->R + r * width(p->M, s, p->R) + m % p->R;
}

uint64_t dram_attn_k(const AttnProg *p, uint64_t bh, uint64_t e, uint64_t m)
{
    return dram_kv(p, p->dram_k + bh * p->dram_bh, p->E, e, m);
}

uint64_t dram_attn_v(const AttnProg *p, uint64_t bh, uint64_t f, uint64_t m)
{
    return dram_kv(p, p->dram_v + bh * p->dram_bh, p->F, f, m);
}

uint64_t dram_attn_av(const AttnProg *p, uint64_t bh, uint64_t f, uint64_t q)
{
    uint64_t b = q / p->C;
    return p->dram_av + bh * p->dram_bh + p->F * b * p->C + f * width(p->P, b, p->C) + q % p->C;
}

/* One tensor's loads in the schedule's order: the load of each piece (Q: per (batch,
 * head) and DRAM tile; K, V: also per chunk), its buffer copy, and the last 2D tile
 * that reads it (a load into the copy waits until that tile has issued). */
typedef struct {
    int64_t *load, *last;         /* per piece: its load's index among all loads, its last
                                     reader; piece i sits in copy i % copies (the engine's
                                     numbering: dead pieces count) */
    int64_t *piece;               /* per load of this tensor, in order: its piece */
    uint64_t n, copies;
} AttnLoads;

static void loads_init(AttnLoads *l, uint64_t pieces)
{
    l->load = xcalloc(pieces, sizeof *l->load);
    l->piece = xcalloc(pieces, sizeof *l->piece);
    l->last = xcalloc(pieces, sizeof *l->last);
    for (uint64_t i = 0; i < pieces; i++)
        l->load[i] = l->last[i] = -1;
    l->n = l->copies = 0;
}

static void loads_free(AttnLoads *l)
{
    free(l->load);
    free(l->piece);
    free(l->last);
}

/* Attention: the loads and stores of the engine's schedule as the DMA program
 * (dram_lower.h). */
int dram_lower_attn(const RtlGeom *g, AttnProg *p, const EngineEvent *ev, int n_ev, int tQ,
                    int tBK, int tBV, int tAV, Diag *d)
{
    uint64_t E = p->E, F = p->F, M = p->M, P = p->P, R = p->R, C = p->C;
    uint64_t steps = p->steps, nb = p->nb, NB = p->nbh * nb, ntp = p->ntp, pt = p->ptile;
    uint64_t nq = p->nbh * ntp, nkv = nq * steps, slots = umin(NB, ATTN_MAX_BLOCKS);
    int cap = 0, rc = 1;
    DmaProg dp = { 0 };
    AttnLoads lq, lk, lv;
    loads_init(&lq, nq);
    loads_init(&lk, nkv);
    loads_init(&lv, nkv);
    int64_t *av_tile = xcalloc(NB, sizeof *av_tile), *st_cmd = xcalloc(NB, sizeof *st_cmd);
    for (uint64_t b = 0; b < NB; b++)
        av_tile[b] = st_cmd[b] = -1;
    uint64_t n_loads = 0, n_st = 0;
    /* DRAM: per (batch, head), Q by DRAM tiles (tile t: E x its queries), K by chunks of R
     * keys (E x its keys), V likewise (F x keys), AV by blocks of C queries (F x its
     * queries). */
    p->dram_q = 0;
    p->dram_k = E * P;
    p->dram_v = p->dram_k + E * M;
    p->dram_av = p->dram_v + F * M;
    p->dram_bh = p->dram_av + F * P;
    if (p->nbh * p->dram_bh > UINT32_MAX) {
        diag_error(d, NULL, 0, "cosim: Q, K, V and AV exceed the 32-bit DRAM addresses");
        goto out;
    }
    /* Each load's piece and copy, in the schedule's order. */
    for (int e = 0; e < n_ev; e++) {
        const EngineEvent *x = &ev[e];
        if (x->kind == EV_PASSES)
            continue;
        if (x->group != 0 || x->bh >= p->nbh || x->tile >= ntp) {
            diag_error(d, NULL, 0, "cosim: the engine's schedule has more than one group, or a "
                       "(batch, head) or DRAM tile the attention lowering does not know");
            goto out;
        }
        uint64_t qi = x->bh * ntp + x->tile, tw = width(P, x->tile, pt);
        if (x->kind == EV_LOAD && (x->tensor == tBK || x->tensor == tBV)) {
            bool k = x->tensor == tBK;
            AttnLoads *l = k ? &lk : &lv;
            uint64_t s = x->step, i = qi * steps + s, rows = k ? E : F;
            if (s >= steps || l->load[i] >= 0 || x->words != rows * width(M, s, R)) {
                diag_error(d, NULL, 0, "cosim: the engine's load %" PRIu64 " of %s moves %" PRIu64
                           " words; the attention DMA lowering loads one chunk of %" PRIu64
                           " keys at a time, once per DRAM tile", l->n, k ? "K" : "V", x->words, R);
                goto out;
            }
            if (!l->copies)
                l->copies = x->copies ? x->copies : 1;
            l->load[i] = (int64_t)n_loads++;
            l->piece[l->n++] = (int64_t)i;
        } else if (x->kind == EV_LOAD && x->tensor == tQ) {
            if (lq.load[qi] >= 0 || x->words != E * tw) {
                diag_error(d, NULL, 0, "cosim: the engine loads %" PRIu64 " words of Q; the "
                           "attention DMA lowering loads one DRAM tile of Q (%" PRIu64 ") at a "
                           "time, once", x->words, E * tw);
                goto out;
            }
            if (!lq.copies)
                lq.copies = x->copies ? x->copies : 1;
            lq.load[qi] = (int64_t)n_loads++;
            lq.piece[lq.n++] = (int64_t)qi;
        } else if (x->kind == EV_STORE && x->tensor == tAV) {
            uint64_t pb = x->tile * p->nbt + x->block, gb = x->bh * nb + pb;
            if (x->block >= p->nbt || pb >= nb || st_cmd[gb] >= 0 ||
                x->words != F * width(P, pb, C)) {
                diag_error(d, NULL, 0, "cosim: the engine's store %" PRIu64 " of AV (%" PRIu64
                           " words) is not one block of %" PRIu64 " queries", n_st, x->words, C);
                goto out;
            }
            st_cmd[gb] = 0;
            n_st++;
        } else {
            diag_error(d, NULL, 0, "cosim: the engine's schedule moves a tensor the attention "
                       "DMA lowering does not know (event %d)", e);
            goto out;
        }
    }
    if (n_st != NB) {
        diag_error(d, NULL, 0, "cosim: the engine's schedule stores %" PRIu64 " blocks of AV; "
                   "the attention has %" PRIu64, n_st, NB);
        goto out;
    }
    /* The buffer: lq.copies copies of a DRAM tile of Q (E x ptile), then lk.copies of a K
     * chunk (E x R) and lv.copies of a V chunk (F x R); the output buffer AV by register
     * blocks (F x C each). */
    p->q_base = 0;
    p->k_base = (uint32_t)(lq.copies * E * pt);
    p->v_base = (uint32_t)(p->k_base + lk.copies * E * R);
    if (p->v_base + lv.copies * F * R > g->glb_words || F * slots * C > g->glb_words) {
        diag_error(d, NULL, 0, "cosim: %" PRIu64 " copies of a DRAM tile of Q, %" PRIu64 " of a "
                   "K chunk and %" PRIu64 " of a V chunk (%" PRIu64 " words) do not fit the "
                   "attention buffer (%u words)", lq.copies, lk.copies, lv.copies,
                   p->v_base + lv.copies * F * R, g->glb_words);
        goto out;
    }
    /* The tiles: addresses in the buffers' layout (a chunk's rows as long as its keys, a
     * tile's rows as long as its queries: a ragged last one is packed, and the padded
     * keys or queries read or write the next row's words, which the mask hides or a later
     * row overwrites), each 2D tile's loads, and the last reader of each load. */
    for (int i = 0; i < p->n[ATTN_Q2D]; i++) {
        AttnTile *t = &p->t[ATTN_Q2D][i];
        uint64_t gb = t->blk, pb = gb % nb, qi = gb / nb * ntp + pb / p->nbt;
        uint64_t s = t->s, ki = qi * steps + s;
        if (t->op == A2_BQK) {
            if (lq.load[qi] < 0 || lk.load[ki] < 0) {
                diag_error(d, NULL, 0, "cosim: the engine's schedule never loads the Q or K a "
                           "BQK reads (chunk %" PRIu64 ", block %" PRIu64 ")", s, gb);
                goto out;
            }
            t->a = (uint32_t)(p->k_base + ki % lk.copies * E * R);
            t->lda = (uint32_t)width(M, s, R);
            t->b = (uint32_t)(p->q_base + qi % lq.copies * E * pt + pb % p->nbt * C);
            t->ldb = (uint32_t)width(P, pb / p->nbt, pt);
            t->need_loads = (uint32_t)(umax((uint64_t)lq.load[qi], (uint64_t)lk.load[ki]) + 1);
            lq.last[qi] = lk.last[ki] = i;
        } else if (t->op == A2_SLNV) {
            if (lv.load[ki] < 0) {
                diag_error(d, NULL, 0, "cosim: the engine's schedule never loads the V an SLNV "
                           "reads (chunk %" PRIu64 ", block %" PRIu64 ")", s, gb);
                goto out;
            }
            t->a = (uint32_t)(p->v_base + ki % lv.copies * F * R);
            t->lda = (uint32_t)width(M, s, R);
            t->need_loads = (uint32_t)(lv.load[ki] + 1);
            lv.last[ki] = i;
        }
    }
    for (int i = 0; i < p->n[ATTN_Q1D]; i++) {
        AttnTile *t = &p->t[ATTN_Q1D][i];
        if (t->op == A1_AV) {
            t->b = (uint32_t)(t->slot * F * C);
            t->ldb = (uint32_t)width(P, t->blk % nb, C);
            av_tile[t->blk] = i;
        }
    }
    /* The DMA program in the schedule's order: a load into a copy waits until the last
     * reader of the piece it replaces has issued, a store until its block's AV ended. */
    uint64_t jq = 0, jk = 0, jv = 0;
    for (int e = 0; e < n_ev; e++) {
        const EngineEvent *x = &ev[e];
        if (x->kind == EV_PASSES)
            continue;
        if (x->kind == EV_LOAD) {
            bool isq = x->tensor == tQ, k = x->tensor == tBK;
            AttnLoads *l = isq ? &lq : k ? &lk : &lv;
            uint64_t *j = isq ? &jq : k ? &jk : &jv, i = (uint64_t)l->piece[*j];
            /* The last reader of the live piece this copy held before (a dead piece, never
             * loaded, leaves the copy as it was). */
            int64_t prev = -1;
            for (uint64_t o = i; o >= l->copies;) {
                o -= l->copies;
                if (l->load[o] >= 0) {
                    prev = l->last[o];
                    break;
                }
            }
            uint64_t dram, buf;
            if (isq) {
                dram = dram_attn_q(p, x->bh, 0, x->tile * pt);
                buf = p->q_base + i % l->copies * E * pt;
            } else {
                dram = (k ? dram_attn_k : dram_attn_v)(p, x->bh, 0, x->step * R);
                buf = (k ? p->k_base + i % l->copies * E * R
                         : p->v_base + i % l->copies * F * R);
            }
            dma_push(&dp, &cap, (DmaCmd){ DMA_LOAD, isq ? 0u : k ? 1u : 2u, (uint32_t)x->words,
                                          (uint32_t)dram, (uint32_t)buf, (uint32_t)(prev + 1),
                                          x->start, x->end });
            (*j)++;
        } else {
            uint64_t pb = x->tile * p->nbt + x->block, gb = x->bh * nb + pb;
            const AttnTile *av = &p->t[ATTN_Q1D][av_tile[gb]];   /* its output words */
            st_cmd[gb] = dp.n;
            dma_push(&dp, &cap, (DmaCmd){ DMA_STORE, 3, (uint32_t)x->words,
                                          (uint32_t)dram_attn_av(p, x->bh, 0, pb * C), av->b,
                                          (uint32_t)(av_tile[gb] + 1), x->start, x->end });
        }
    }
    p->dma = dp.c;
    p->n_dma = dp.n;
    dp.c = NULL;
    p->dram_bpc = g->dram_bpc;
    p->dram_latency = g->dram_latency;
    p->word_bits = g->word_bits;
    p->dma_done = xcalloc((size_t)p->n_dma + 1, sizeof *p->dma_done);
    if (lower_attn_predict(p)) {
        diag_error(d, NULL, 0, "cosim: internal: the attention tile and DMA programs deadlock");
        goto out;
    }
    /* A register block's AV overwrites its output words: only after the previous block's
     * store has read them (the RTL does not wait for it). */
    for (uint64_t gb = ATTN_MAX_BLOCKS; gb < NB; gb++) {
        const AttnTile *t = &p->t[ATTN_Q1D][av_tile[gb]];
        uint64_t done = p->dma_done[st_cmd[gb - ATTN_MAX_BLOCKS]];
        if (t->start_cyc < done) {
            diag_error(d, NULL, 0, "cosim: block %" PRIu64 "'s AV (cycle %" PRIu64 ") would "
                       "overwrite the output words of block %" PRIu64 " before their store has "
                       "read them (cycle %" PRIu64 "): the RTL holds %d blocks' outputs",
                       gb, t->start_cyc, gb - ATTN_MAX_BLOCKS, done, ATTN_MAX_BLOCKS);
            goto out;
        }
    }
    rc = 0;
out:
    free(dp.c);
    loads_free(&lq);
    loads_free(&lk);
    loads_free(&lv);
    free(av_tile);
    free(st_cmd);
    return rc;
}
