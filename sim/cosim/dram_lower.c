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
