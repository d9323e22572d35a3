/* vp_steps_lower.c — the virtual platform's timing source today: the lowering's tile
 * programs (vp_tiles.h, sim/lower) as a step list (vp_steps.h).
 *
 * GEMM: one step per tile on array2d; a tile's issue is the distance to the next tile's
 * predicted start (GEMM tiles have no dependencies), its latency end - start.
 * Attention: one step per tile of the 2D queue (array2d) and of the 1D queue (array1d),
 * merged by predicted start; issue is the tile's stream length, latency end - start, and
 * a tile naming a tile of the other queue depends on it.
 * Data as the RTL holds it: each input tile is loaded once, by the first step that reads
 * it, and stays in the buffer (the lowering has checked that every input fits); an output
 * tile is stored by the step that writes its final value. Replacing this file (and
 * nothing else) switches the platform to another timing source. */
#include "systemc/vp_steps.h"

#include <stdlib.h>
#include <string.h>

#include "systemc/vp_tiles.h"
#include "util/util.h"

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* True the first time tile i of a tensor is asked for (it is then on chip). */
static bool first(bool *seen, uint64_t i)
{
    bool f = !seen[i];
    seen[i] = true;
    return f;
}

/* Loads (store = false) or stores rows r0 .. r0+nr, columns c0 .. c0+nc of a row-major
 * tensor with `cols` columns of `eb`-byte elements. */
static void slice(VpSteps *s, bool store, int t, uint64_t cols, uint64_t eb, uint64_t r0,
                  uint64_t nr, uint64_t c0, uint64_t nc)
{
    if (nc == cols)                                  /* whole rows: one contiguous run */
        vp_steps_xfer(s, store, t, r0 * cols * eb, nr * cols * eb, 1, 0);
    else
        vp_steps_xfer(s, store, t, (r0 * cols + c0) * eb, nc * eb, nr, cols * eb);
}

static void gemm_steps(const VpTiles *tl, VpSteps *s)
{
    const TileProg *p = &tl->gemm;
    uint64_t R = tl->g.rows, C = tl->g.cols, K = p->K, M = p->M, N = p->N, eb = tl->eb;
    int tA = tl->tensor[0], tB = tl->tensor[1], tZ = tl->tensor[2];
    bool *a_in = xcalloc(cdiv(tl->ws ? K : M, R), 1), *b_in = xcalloc(cdiv(N, C), 1);
    s->n_unit = 1;
    s->unit[0] = "array2d";
    for (int i = 0; i < p->n; i++) {
        const TileInstr *t = &p->t[i];
        uint64_t lat = t->end_cyc - t->start_cyc;
        uint64_t issue = i + 1 < p->n ? p->t[i + 1].start_cyc - t->start_cyc : lat;
        vp_steps_push(s, 0, issue, lat, tl->ws ? "GEMM-WS" : "GEMM-OS", (uint32_t)i);
        if (!tl->ws) {                               /* Z[m0.., n0..] over all of K */
            uint64_t m0 = t->a, n0 = t->b - p->b_base;
            if (first(a_in, m0 / R))
                slice(s, false, tA, M, eb, 0, K, m0, t->m);
            if (first(b_in, n0 / C))
                slice(s, false, tB, N, eb, 0, K, n0, t->n);
            slice(s, true, tZ, N, eb, m0, t->m, n0, t->n);
        } else {                                     /* rows k0.. of B held in the PEs */
            uint64_t k0 = t->a / M, n0 = t->z;
            if (first(a_in, k0 / R))
                slice(s, false, tA, M, eb, k0, t->k, 0, M);
            slice(s, false, tB, N, eb, k0, t->k, n0, t->n);
            if (t->final)
                slice(s, true, tZ, N, eb, 0, M, n0, t->n);
        }
    }
    s->cycles = p->cycles;
    free(a_in);
    free(b_in);
}

static const char *attn_op(int q, uint32_t op)
{
    static const char *const n2[] = { "END", "BQK", "LM", "SLN", "SLD", "SLNV", "BQK|SLNV" };
    static const char *const n1[] = { "END", "RM", "PRM", "SPD", "RD", "SPNV", "RNV", "AV" };
    return q == ATTN_Q2D ? (op < 7 ? n2[op] : "?") : (op < 8 ? n1[op] : "?");
}

static void attn_steps(const VpTiles *tl, VpSteps *s)
{
    const AttnProg *p = &tl->attn;
    uint64_t E = p->E, F = p->F, M = p->M, P = p->P, eb = tl->eb;
    int tQ = tl->tensor[0], tK = tl->tensor[1], tV = tl->tensor[2], tAV = tl->tensor[3];
    s->n_unit = 2;
    s->unit[ATTN_Q2D] = "array2d";
    s->unit[ATTN_Q1D] = "array1d";
    /* Merge the queues by predicted start (a dependency ends before its user starts). */
    uint32_t *gidx[2] = { xcalloc((size_t)p->n[0] + 1, sizeof(uint32_t)),
                          xcalloc((size_t)p->n[1] + 1, sizeof(uint32_t)) };
    bool *k_in = xcalloc(p->steps, 1), *v_in = xcalloc(p->steps, 1), *q_in = xcalloc(p->nb, 1);
    int h[2] = { 0, 0 };
    while (h[0] < p->n[0] || h[1] < p->n[1]) {
        int q = h[1] >= p->n[1] ||
                (h[0] < p->n[0] && p->t[0][h[0]].start_cyc <= p->t[1][h[1]].start_cyc)
                    ? ATTN_Q2D : ATTN_Q1D;
        const AttnTile *t = &p->t[q][h[q]];
        gidx[q][h[q]] = s->n_step;
        vp_steps_push(s, (uint32_t)q, t->len, t->end_cyc - t->start_cyc, attn_op(q, t->op),
                      (uint32_t)h[q]);
        if (t->has_dep)
            vp_steps_dep(s, gidx[1 - q][t->dep]);
        h[q]++;
        if (q == ATTN_Q2D && (t->op == A2_BQK || t->op == A2_PAIR)) {
            uint64_t ch = (t->a - p->k_base) / p->R;   /* K chunk, Q block */
            if (first(k_in, ch))
                slice(s, false, tK, M, eb, 0, E, ch * p->R, p->R);
            if (first(q_in, t->blk))
                slice(s, false, tQ, P, eb, 0, E, t->blk * p->C, p->C);
        }
        if (q == ATTN_Q2D && (t->op == A2_SLNV || t->op == A2_PAIR)) {
            uint64_t ch = ((t->op == A2_PAIR ? t->a2 : t->a) - p->v_base) / p->R;
            if (first(v_in, ch))
                slice(s, false, tV, M, eb, 0, F, ch * p->R, p->R);
        }
        if (q == ATTN_Q1D && t->op == A1_AV)
            slice(s, true, tAV, P, eb, 0, F, t->blk * p->C, p->C);
    }
    s->cycles = p->cycles;
    free(gidx[0]);
    free(gidx[1]);
    free(k_in);
    free(v_in);
    free(q_in);
}

int vp_steps_build(const RunInputs *ri, VpSteps *s, Diag *d)
{
    memset(s, 0, sizeof *s);
    VpTiles tl;
    if (vp_tiles_lower(ri, &tl, d))
        return 1;
    s->source = "tile timing rules (sim/lower)";
    if (tl.attention)
        attn_steps(&tl, s);
    else
        gemm_steps(&tl, s);
    vp_tiles_free(&tl);
    return 0;
}
