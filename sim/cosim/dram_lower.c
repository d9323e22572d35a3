/* dram_lower.c — GEMM with its data in DRAM: the engine's cycle-level schedule as the
 * DMA and tile programs of the RTL (dram_lower.h). */
#include "cosim/dram_lower.h"

#include <inttypes.h>
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
        *cap = *cap ? 2 * *cap : 64;
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
    if ((uint64_t)dp->n + 1 > g->dma_cmds || n_loads > 65535 || n_stores > 65535) {
        diag_error(d, NULL, 0, "cosim: %d DMA commands exceed the RTL's DMA program (%u)", dp->n,
                   g->dma_cmds - 1);
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

/* Attention: the loads and stores of the engine's schedule as the DMA program
 * (dram_lower.h). */
int dram_lower_attn(const RtlGeom *g, AttnProg *p, const EngineEvent *ev, int n_ev, int tQ,
                    int tBK, int tBV, int tAV, Diag *d)
{
    uint64_t E = p->E, F = p->F, M = p->M, P = p->P, R = p->R, C = p->C;
    uint64_t steps = p->steps, nb = p->nb;
    int cap = 0, rc = 1;
    DmaProg dp = { 0 };
    int64_t q_load = -1;
    int64_t *k_load = xcalloc(steps, sizeof *k_load), *v_load = xcalloc(steps, sizeof *v_load);
    int64_t *k_last = xcalloc(steps, sizeof *k_last), *v_last = xcalloc(steps, sizeof *v_last);
    int64_t *av_tile = xcalloc(nb, sizeof *av_tile);
    uint64_t n_loads = 0, n_k = 0, n_v = 0, n_st = 0, ck = 0, cv = 0;
    for (uint64_t s = 0; s < steps; s++)
        k_load[s] = v_load[s] = k_last[s] = v_last[s] = -1;
    /* The last reader of each chunk in the 2D queue (a load into its copy waits until it
     * has issued), each block's AV tile (its store waits until it has ended). */
    for (int i = 0; i < p->n[ATTN_Q2D]; i++) {
        const AttnTile *t = &p->t[ATTN_Q2D][i];
        if (t->op == A2_BQK)
            k_last[t->s] = i;
        else if (t->op == A2_SLNV)
            v_last[t->s] = i;
    }
    for (int i = 0; i < p->n[ATTN_Q1D]; i++)
        if (p->t[ATTN_Q1D][i].op == A1_AV)
            av_tile[p->t[ATTN_Q1D][i].blk] = i;
    /* DRAM: Q (E x P), K by chunks of R keys (chunk s: E x its keys, row-major), V likewise
     * (F x keys), AV by blocks of C queries (block b: F x its queries). */
    p->dram_q = 0;
    p->dram_k = E * P;
    p->dram_v = p->dram_k + E * M;
    p->dram_av = p->dram_v + F * M;
    if (p->dram_av + F * P > UINT32_MAX) {
        diag_error(d, NULL, 0, "cosim: Q, K, V and AV exceed the 32-bit DRAM addresses");
        goto out;
    }
    for (int e = 0; e < n_ev; e++) {
        const EngineEvent *x = &ev[e];
        if (x->kind == EV_PASSES)
            continue;
        if (x->group != 0 || x->bh != 0 || x->tile != 0) {
            diag_error(d, NULL, 0, "cosim: the engine's schedule has more than one group, "
                       "(batch, head) or DRAM tile; the attention DMA lowering takes one");
            goto out;
        }
        if (x->kind == EV_LOAD && (x->tensor == tBK || x->tensor == tBV)) {
            bool k = x->tensor == tBK;
            uint64_t s = k ? n_k : n_v, rows = k ? E : F;
            uint64_t w = s < steps ? (M - s * R < R ? M - s * R : R) : 0;
            if (s >= steps || x->step != s || x->words != rows * w) {
                diag_error(d, NULL, 0, "cosim: the engine's load %" PRIu64 " of %s moves %" PRIu64
                           " words; the attention DMA lowering loads one chunk of %" PRIu64
                           " keys at a time, in order", s, k ? "K" : "V", x->words, R);
                goto out;
            }
            uint64_t *copies = k ? &ck : &cv;
            if (!*copies)
                *copies = x->copies ? x->copies : 1;
            int64_t prev = s >= *copies ? (k ? k_last : v_last)[s - *copies] : -1;
            dma_push(&dp, &cap, (DmaCmd){ DMA_LOAD, k ? 1u : 2u, (uint32_t)(rows * w),
                                          (uint32_t)((k ? p->dram_k : p->dram_v) + rows * s * R), 0,
                                          (uint32_t)(prev + 1), x->start, x->end });
            (k ? k_load : v_load)[s] = (int64_t)n_loads++;
            if (k)
                n_k++;
            else
                n_v++;
        } else if (x->kind == EV_LOAD && x->tensor == tQ) {
            if (q_load >= 0 || x->words != E * P) {
                diag_error(d, NULL, 0, "cosim: the engine loads %" PRIu64 " words of Q; the "
                           "attention DMA lowering loads Q whole (%" PRIu64 "), once", x->words,
                           E * P);
                goto out;
            }
            dma_push(&dp, &cap, (DmaCmd){ DMA_LOAD, 0, (uint32_t)(E * P), (uint32_t)p->dram_q,
                                          p->q_base, 0, x->start, x->end });
            q_load = (int64_t)n_loads++;
        } else if (x->kind == EV_STORE && x->tensor == tAV) {
            uint64_t b = x->block, w = b < nb ? (P - b * C < C ? P - b * C : C) : 0;
            if (b >= nb || x->words != F * w || av_tile[b] < 0) {
                diag_error(d, NULL, 0, "cosim: the engine's store %" PRIu64 " of AV (%" PRIu64
                           " words) is not one block of %" PRIu64 " queries", n_st, x->words, C);
                goto out;
            }
            dma_push(&dp, &cap, (DmaCmd){ DMA_STORE, 3, (uint32_t)(F * w),
                                          (uint32_t)(p->dram_av + F * b * C), (uint32_t)(b * F * C),
                                          (uint32_t)(av_tile[b] + 1), x->start, x->end });
            n_st++;
        } else {
            diag_error(d, NULL, 0, "cosim: the engine's schedule moves a tensor the attention "
                       "DMA lowering does not know (event %d)", e);
            goto out;
        }
    }
    if (q_load < 0 || n_k != steps || n_v != steps || n_st != nb) {
        diag_error(d, NULL, 0, "cosim: the engine's schedule loads Q %s, %" PRIu64 " chunks of K "
                   "and %" PRIu64 " of V and stores %" PRIu64 " blocks of AV; the attention has %"
                   PRIu64 " chunks and %" PRIu64 " blocks", q_load < 0 ? "never" : "once", n_k,
                   n_v, n_st, steps, nb);
        goto out;
    }
    if ((uint64_t)dp.n + 1 > g->dma_cmds || n_loads > 65535) {
        diag_error(d, NULL, 0, "cosim: %d DMA commands exceed the RTL's DMA program (%u)", dp.n,
                   g->dma_cmds - 1);
        goto out;
    }
    /* The buffer: Q at q_base (E x P), then ck copies of a K chunk (E x R) and cv of a V
     * chunk (F x R); the output buffer AV by blocks (F x C). */
    p->k_base = (uint32_t)(E * P);
    p->v_base = (uint32_t)(E * P + ck * E * R);
    if (E * P + ck * E * R + cv * F * R > g->glb_words || F * nb * C > g->glb_words) {
        diag_error(d, NULL, 0, "cosim: Q, %" PRIu64 " copies of a K chunk and %" PRIu64 " of a V "
                   "chunk (%" PRIu64 " words) do not fit the attention buffer (%u words)", ck, cv,
                   E * P + ck * E * R + cv * F * R, g->glb_words);
        goto out;
    }
    for (int i = 0; i < dp.n; i++)
        if (dp.c[i].op == DMA_LOAD && dp.c[i].tensor != 0) {
            bool k = dp.c[i].tensor == 1;
            uint64_t s = (dp.c[i].dram - (k ? p->dram_k : p->dram_v)) / ((k ? E : F) * R);
            dp.c[i].buf = (uint32_t)(k ? p->k_base + (s % ck) * E * R
                                       : p->v_base + (s % cv) * F * R);
        }
    /* The tiles: addresses in the buffers' layout (a chunk's rows and a block's rows as
     * long as its keys or queries: a ragged last one is packed, and the padded keys or
     * queries read or write the next row's words, which the mask hides or a later row
     * overwrites), and each 2D tile's loads. */
    for (int i = 0; i < p->n[ATTN_Q2D]; i++) {
        AttnTile *t = &p->t[ATTN_Q2D][i];
        uint64_t s = t->s, w = M - s * R < R ? M - s * R : R;
        if (t->op == A2_BQK) {
            t->a = (uint32_t)(p->k_base + (s % ck) * E * R);
            t->lda = (uint32_t)w;
            t->b = (uint32_t)(p->q_base + t->blk * C);
            t->ldb = (uint32_t)P;
            t->need_loads = (uint32_t)(umax((uint64_t)q_load, (uint64_t)k_load[s]) + 1);
        } else if (t->op == A2_SLNV) {
            t->a = (uint32_t)(p->v_base + (s % cv) * F * R);
            t->lda = (uint32_t)w;
            t->need_loads = (uint32_t)(v_load[s] + 1);
        }
    }
    for (int i = 0; i < p->n[ATTN_Q1D]; i++) {
        AttnTile *t = &p->t[ATTN_Q1D][i];
        if (t->op == A1_AV) {
            uint64_t b = t->blk;
            t->b = (uint32_t)(b * F * C);
            t->ldb = (uint32_t)(P - b * C < C ? P - b * C : C);
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
    rc = 0;
out:
    free(dp.c);
    free(k_load);
    free(v_load);
    free(k_last);
    free(v_last);
    free(av_tile);
    return rc;
}

uint64_t dram_attn_av(const AttnProg *p, uint64_t f, uint64_t q)
{
    uint64_t b = q / p->C, w = p->P - b * p->C < p->C ? p->P - b * p->C : p->C;
    return p->dram_av + p->F * b * p->C + f * w + q % p->C;
}
