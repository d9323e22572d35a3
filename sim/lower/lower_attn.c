/* lower_attn.c — FuseMax attention lowering to the engine's tile queues and the
 * tile-level timing rules (lower_attn.h). */
#include "lower/lower_attn.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* Tile order of one chunk m1. The first I2 (I1) Einsums of a queue are interleaved
 * block by block, the others follow one Einsum at a time over all blocks:
 *   2D: (BQK, LM) per block, then SLN, SLD, SLNV
 *   1D: (RM, PRM, SPD, SPNV) per block, then RD, RNV
 * and after the last chunk the 1D divides: AV. Interleaving lets the 1D start on the
 * first block's running max as soon as its scores are reduced. */
enum { N2 = 5, N1 = 6, I2 = 2, I1 = 4 };

/* Position of Einsum k (of n, the first `il` interleaved) of block b in chunk s. */
static uint32_t tile_idx(const AttnProg *p, int n, int il, uint64_t s, int k, uint64_t b)
{
    uint64_t base = s * (uint64_t)n * p->nb;
    if (k < il)
        return (uint32_t)(base + b * (uint64_t)il + (uint64_t)k);
    return (uint32_t)(base + (uint64_t)il * p->nb + (uint64_t)(k - il) * p->nb + b);
}

static uint32_t idx2(const AttnProg *p, uint64_t s, int k, uint64_t b) { return tile_idx(p, N2, I2, s, k, b); }
static uint32_t idx1(const AttnProg *p, uint64_t s, int k, uint64_t b) { return tile_idx(p, N1, I1, s, k, b); }

int lower_attn(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M, uint64_t P,
               uint64_t M0, AttnProg *p, Diag *d)
{
    memset(p, 0, sizeof *p);
    uint64_t R = g->rows, C = g->cols;
    if (M0 != R) {
        diag_error(d, NULL, 0, "cosim: attention needs mapping.partitions.M0 = the 2D array rows "
                   "(%" PRIu64 "), not %" PRIu64, R, M0);
        return 1;
    }
    if (M % R || P % C) {
        diag_error(d, NULL, 0, "cosim: attention needs M (%" PRIu64 ") a multiple of the rows (%"
                   PRIu64 ") and P (%" PRIu64 ") a multiple of the columns (%" PRIu64 ")",
                   M, R, P, C);
        return 1;
    }
    if (P / C > ATTN_MAX_BLOCKS || F > ATTN_MAX_F || E > 65535 || F < 1 || E < 1) {
        diag_error(d, NULL, 0, "cosim: the attention engine holds at most %d query blocks of %"
                   PRIu64 " (P <= %" PRIu64 ") and F <= %d; got P = %" PRIu64 ", F = %" PRIu64,
                   ATTN_MAX_BLOCKS, C, (uint64_t)ATTN_MAX_BLOCKS * C, ATTN_MAX_F, P, F);
        return 1;
    }
    if (E * P + E * M + F * M > g->glb_words) {
        diag_error(d, NULL, 0, "cosim: Q, K and V (%" PRIu64 " words) do not fit the RTL buffer "
                   "(%u words)", E * P + E * M + F * M, g->glb_words);
        return 1;
    }
    p->E = E, p->F = F, p->M = M, p->P = P, p->R = R, p->C = C, p->T = T;
    p->nb = P / C;
    p->steps = M / R;
    uint64_t n2 = p->steps * N2 * p->nb, n1 = p->steps * N1 * p->nb + p->nb;
    if (n2 + 1 > ATTN_QUEUE_TILES || n1 + 1 > ATTN_QUEUE_TILES) {
        diag_error(d, NULL, 0, "cosim: %" PRIu64 " + %" PRIu64 " tiles exceed the engine's queues "
                   "(%d each); use a smaller seq", n2, n1, ATTN_QUEUE_TILES - 1);
        return 1;
    }
    p->q_base = 0;
    p->k_base = (uint32_t)(E * P);
    p->v_base = (uint32_t)(E * P + E * M);
    p->t[0] = xcalloc(n2, sizeof *p->t[0]);
    p->t[1] = xcalloc(n1, sizeof *p->t[1]);
    uint32_t ex = (uint32_t)(T + 2);
    for (uint64_t s = 0; s < p->steps; s++) {
        bool first = s == 0;
        uint32_t krow = (uint32_t)(p->k_base + s * R), vrow = (uint32_t)(p->v_base + s * R);
        static const uint32_t ops2[N2] = { A2_BQK, A2_LM, A2_SLN, A2_SLD, A2_SLNV };
        for (uint64_t i = 0; i < N2 * p->nb; i++) {
                int k;
                uint64_t b;
                if (i < I2 * p->nb)
                    k = (int)(i % I2), b = i / I2;
                else
                    k = I2 + (int)((i - I2 * p->nb) / p->nb), b = (i - I2 * p->nb) % p->nb;
                AttnTile t = { .op = ops2[k], .first = first, .blk = (uint32_t)b };
                switch (ops2[k]) {
                case A2_BQK:
                    t.len = (uint32_t)E, t.a = krow, t.lda = (uint32_t)M;
                    t.b = (uint32_t)(p->q_base + b * C), t.ldb = (uint32_t)P;
                    break;
                case A2_SLN:
                    t.len = ex, t.has_dep = true, t.dep = idx1(p, s, 0, b);   /* RM */
                    break;
                case A2_SLNV:
                    t.len = (uint32_t)F, t.a = vrow, t.lda = (uint32_t)M;
                    break;
                default:
                    t.len = 1;
                }
                EINSIM_ASSERT(idx2(p, s, k, b) == (uint32_t)p->n[0]);
                p->t[0][p->n[0]++] = t;
        }
        static const uint32_t ops1[N1] = { A1_RM, A1_PRM, A1_SPD, A1_SPNV, A1_RD, A1_RNV };
        for (uint64_t i = 0; i < N1 * p->nb; i++) {
                int k;
                uint64_t b;
                if (i < I1 * p->nb)
                    k = (int)(i % I1), b = i / I1;
                else
                    k = I1 + (int)((i - I1 * p->nb) / p->nb), b = (i - I1 * p->nb) % p->nb;
                AttnTile t = { .op = ops1[k], .first = first, .blk = (uint32_t)b };
                switch (ops1[k]) {
                case A1_RM:
                    t.len = 1, t.has_dep = true, t.dep = idx2(p, s, 1, b);     /* LM */
                    break;
                case A1_PRM:
                    t.len = ex;
                    break;
                case A1_RD:
                    t.len = 1, t.has_dep = true, t.dep = idx2(p, s, 3, b);     /* SLD */
                    break;
                case A1_RNV:
                    t.len = (uint32_t)F, t.has_dep = true, t.dep = idx2(p, s, 4, b); /* SLNV */
                    break;
                case A1_SPNV:
                    t.len = (uint32_t)F;
                    break;
                default:
                    t.len = 1;
                }
                EINSIM_ASSERT(idx1(p, s, k, b) == (uint32_t)p->n[1]);
                p->t[1][p->n[1]++] = t;
        }
    }
    for (uint64_t b = 0; b < p->nb; b++)
        p->t[1][p->n[1]++] = (AttnTile){ .op = A1_AV, .blk = (uint32_t)b, .len = (uint32_t)F,
                                         .b = (uint32_t)(b * C), .ldb = (uint32_t)P };
    EINSIM_ASSERT((uint64_t)p->n[0] == n2 && (uint64_t)p->n[1] == n1);
    if (lower_attn_predict(p)) {
        diag_error(d, NULL, 0, "cosim: internal: the attention tile program deadlocks");
        lower_attn_free(p);
        return 1;
    }
    return 0;
}

static uint64_t lat_of(int q, uint32_t op)
{
    return q == ATTN_Q2D && (op == A2_LM || op == A2_SLD || op == A2_SLNV) ? ATTN_STG : 0;
}

int lower_attn_predict(AttnProg *p)
{
    int head[2] = { 0, 0 };
    uint64_t free_at[2] = { 0, 0 };
    p->cycles = 0;
    while (head[0] < p->n[0] || head[1] < p->n[1]) {
        bool moved = false;
        for (int q = 0; q < 2; q++)
            while (head[q] < p->n[q]) {
                AttnTile *t = &p->t[q][head[q]];
                uint64_t s = free_at[q];
                if (t->has_dep) {
                    if ((int)t->dep >= head[1 - q])
                        break;                       /* not yet scheduled */
                    s = umax(s, p->t[1 - q][t->dep].end_cyc);
                }
                t->start_cyc = s;
                t->end_cyc = s + t->len + lat_of(q, t->op);
                free_at[q] = s + t->len;
                p->cycles = umax(p->cycles, t->end_cyc);
                head[q]++;
                moved = true;
            }
        if (!moved)
            return -1;
    }
    return 0;
}

void lower_attn_encode(const AttnTile *t, uint64_t w[4])
{
    if (!t) {
        w[0] = w[1] = w[2] = w[3] = 0;
        return;
    }
    w[0] = (uint64_t)t->op | (uint64_t)t->first << 8 | (uint64_t)t->has_dep << 9 |
           (uint64_t)(t->blk & 0xffff) << 16 | (uint64_t)t->len << 32;
    w[1] = (uint64_t)t->a | (uint64_t)t->b << 32;
    w[2] = (uint64_t)t->lda | (uint64_t)t->ldb << 32;
    w[3] = (uint64_t)t->dep;
}

void lower_attn_free(AttnProg *p)
{
    free(p->t[0]);
    free(p->t[1]);
    memset(p, 0, sizeof *p);
}
