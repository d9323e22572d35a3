/* lower_attn.c — FuseMax attention lowering to the engine's tile queues and the
 * tile-level timing rules (lower_attn.h). */
#include "lower/lower_attn.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* Tile order: block by block, as two software pipelines. 2D queue: the prologue (BQK,
 * LM) per block of chunk 0; then for each chunk s and block b
 *   SLN(s, b), SLD(s, b), BQK(s+1, b) | SLNV(s, b), LM(s+1, b)
 * (the last chunk: SLN, SLD, SLNV alone). 1D queue: for each chunk s and block b
 *   RD(s-1, b), RNV(s-1, b) (not for s = 0), RM(s, b), PRM(s, b), SPD(s, b), SPNV(s, b)
 * and after the last chunk, per block, RD, RNV and the divides AV. The pair keeps the
 * 2D array on BQK of the next chunk while SLNV of this one streams (FuseMax's BQK | SLNV
 * binding); while the 1D array works on block b, the 2D array works on the blocks after
 * it, which hides the array's fill. Dependencies across the queues: RM <- LM, SLN <- RM,
 * RD <- SLD, RNV <- SLNV (the pair holding it). Within a queue tiles run in order, and
 * every other reuse of a register is ordered through these chains: SLD(s+1, b) and
 * SLNV(s+1, b) overwrite the 1D's SLD / SLNV registers of block b only after SLN(s+1, b)
 * <- RM(s+1, b), which the 1D queue issues after RD(s, b) and RNV(s, b) read them;
 * LM(s+1, b) follows SLN(s, b) <- RM(s, b), which read LM(s, b); RM(s+1, b) <- LM(s+1, b)
 * follows SLN(s, b), which read RM(s, b) at its issue; BQK(s+1, b) writes score bank
 * (s+1) mod 2 after every reader of chunk s-1 in the 2D queue. */

/* Per (chunk, block) tile indices, s * nb + b. */
typedef struct {
    uint32_t *lm, *sld, *slnv, *sln, *rm;
} AttnIdx;

static void push(AttnProg *p, int q, AttnTile t, uint32_t *idx)
{
    if (idx)
        *idx = (uint32_t)p->n[q];
    p->t[q][p->n[q]++] = t;
}

static AttnTile t_bqk(const AttnProg *p, uint64_t s, uint64_t b)
{
    return (AttnTile){ .op = A2_BQK, .first = s == 0, .blk = (uint32_t)b, .bank = (uint32_t)(s & 1),
                       .len = (uint32_t)p->E, .k = (uint32_t)p->E,
                       .a = (uint32_t)(p->k_base + s * p->R), .lda = (uint32_t)p->M,
                       .b = (uint32_t)(p->q_base + b * p->C), .ldb = (uint32_t)p->P };
}

static AttnTile t_slnv(const AttnProg *p, uint64_t s, uint64_t b)
{
    return (AttnTile){ .op = A2_SLNV, .first = s == 0, .blk = (uint32_t)b, .bank = (uint32_t)(s & 1),
                       .len = (uint32_t)p->F, .k = (uint32_t)p->F,
                       .a = (uint32_t)(p->v_base + s * p->R), .lda = (uint32_t)p->M };
}

static AttnTile t_one(uint32_t op, uint64_t s, uint64_t b, uint32_t len)
{
    return (AttnTile){ .op = op, .first = s == 0, .blk = (uint32_t)b, .bank = (uint32_t)(s & 1),
                       .len = len };
}

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
        diag_error(d, NULL, 0, "cosim: the RTL holds at most %d query blocks of %"
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
    uint64_t nb = p->nb, steps = p->steps;
    uint64_t n2 = steps * 4 * nb + nb, n1 = steps * 6 * nb + nb;
    if (n2 + 1 > ATTN_QUEUE_TILES || n1 + 1 > ATTN_QUEUE_TILES) {
        diag_error(d, NULL, 0, "cosim: %" PRIu64 " + %" PRIu64 " tiles exceed the RTL's attention queues "
                   "(%d each); use a smaller seq", n2, n1, ATTN_QUEUE_TILES - 1);
        return 1;
    }
    p->q_base = 0;
    p->k_base = (uint32_t)(E * P);
    p->v_base = (uint32_t)(E * P + E * M);
    p->t[0] = xcalloc(n2, sizeof *p->t[0]);
    p->t[1] = xcalloc(n1, sizeof *p->t[1]);
    AttnIdx ix;
    uint32_t **ixv[] = { &ix.lm, &ix.sld, &ix.slnv, &ix.sln, &ix.rm };
    for (size_t i = 0; i < sizeof ixv / sizeof *ixv; i++)
        *ixv[i] = xcalloc(steps * nb, sizeof **ixv[i]);
    uint32_t ex = (uint32_t)(T + 2);

    /* 2D queue; SLN's dependency (RM) is filled in once the 1D queue exists. */
    for (uint64_t b = 0; b < nb; b++) {
        push(p, ATTN_Q2D, t_bqk(p, 0, b), NULL);
        push(p, ATTN_Q2D, t_one(A2_LM, 0, b, 1), &ix.lm[b]);
    }
    for (uint64_t s = 0; s < steps; s++)
        for (uint64_t b = 0; b < nb; b++) {
            uint64_t i = s * nb + b;
            push(p, ATTN_Q2D, t_one(A2_SLN, s, b, ex), &ix.sln[i]);
            push(p, ATTN_Q2D, t_one(A2_SLD, s, b, 1), &ix.sld[i]);
            AttnTile v = t_slnv(p, s, b);
            if (s + 1 == steps) {
                push(p, ATTN_Q2D, v, &ix.slnv[i]);
                continue;
            }
            AttnTile t = t_bqk(p, s + 1, b);
            t.op = A2_PAIR;
            t.k2 = v.k, t.a2 = v.a, t.len = t.k + v.k;
            EINSIM_ASSERT(v.lda == t.lda && v.bank != t.bank);
            push(p, ATTN_Q2D, t, &ix.slnv[i]);
            push(p, ATTN_Q2D, t_one(A2_LM, s + 1, b, 1), &ix.lm[i + nb]);
        }
    /* 1D queue. */
    for (uint64_t s = 0; s <= steps; s++)
        for (uint64_t b = 0; b < nb; b++) {
            if (s > 0) {
                uint64_t i = (s - 1) * nb + b;
                AttnTile t = t_one(A1_RD, s - 1, b, 1);
                t.has_dep = true, t.dep = ix.sld[i];
                push(p, ATTN_Q1D, t, NULL);
                t = t_one(A1_RNV, s - 1, b, (uint32_t)F);
                t.k = (uint32_t)F, t.has_dep = true, t.dep = ix.slnv[i];
                push(p, ATTN_Q1D, t, NULL);
            }
            if (s == steps) {
                AttnTile t = { .op = A1_AV, .blk = (uint32_t)b, .len = (uint32_t)F,
                               .k = (uint32_t)F, .b = (uint32_t)(b * C), .ldb = (uint32_t)P };
                push(p, ATTN_Q1D, t, NULL);
                continue;
            }
            AttnTile t = t_one(A1_RM, s, b, 1);
            t.has_dep = true, t.dep = ix.lm[s * nb + b];
            push(p, ATTN_Q1D, t, &ix.rm[s * nb + b]);
            push(p, ATTN_Q1D, t_one(A1_PRM, s, b, ex), NULL);
            push(p, ATTN_Q1D, t_one(A1_SPD, s, b, 1), NULL);
            t = t_one(A1_SPNV, s, b, (uint32_t)F);
            t.k = (uint32_t)F;
            push(p, ATTN_Q1D, t, NULL);
        }
    for (uint64_t i = 0; i < steps * nb; i++) {
        AttnTile *t = &p->t[ATTN_Q2D][ix.sln[i]];
        t->has_dep = true, t->dep = ix.rm[i];
    }
    for (size_t i = 0; i < sizeof ixv / sizeof *ixv; i++)
        free(*ixv[i]);
    EINSIM_ASSERT((uint64_t)p->n[0] == n2 && (uint64_t)p->n[1] == n1);
    if (lower_attn_predict(p)) {
        diag_error(d, NULL, 0, "cosim: internal: the attention tile program deadlocks");
        lower_attn_free(p);
        return 1;
    }
    return 0;
}

uint32_t lower_attn_pair_op(uint32_t E, uint32_t F, uint32_t c)
{
    uint32_t both = 2 * (E < F ? E : F);   /* alternating while both have elements */
    if (c < both)
        return c % 2 ? A2_SLNV : A2_BQK;
    return E > F ? A2_BQK : A2_SLNV;
}

void lower_attn_pair_last(uint32_t E, uint32_t F, uint32_t *last_bqk, uint32_t *last_slnv)
{
    *last_bqk = E <= F ? 2 * E - 2 : E + F - 1;
    *last_slnv = F <= E ? 2 * F - 1 : E + F - 1;
}

/* End of 2D tile t: the cycle after its last element's last write (lower_attn.h). */
static uint64_t end2d(const AttnProg *p, const AttnTile *t)
{
    uint64_t fill = p->R + p->C - 1;
    switch (t->op) {
    case A2_BQK:
    case A2_SLN:
        return t->start_cyc + t->len + fill;
    case A2_PAIR: {
        uint32_t lb, lv;
        lower_attn_pair_last(t->k, t->k2, &lb, &lv);
        return t->start_cyc + umax(lb + 1 + fill, lv + 1 + fill + ATTN_STG);
    }
    default:                                  /* LM, SLD, SLNV: deskew and staging */
        return t->start_cyc + t->len + fill + ATTN_STG;
    }
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
                t->end_cyc = q == ATTN_Q2D ? end2d(p, t) : s + t->len;
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
    uint32_t bank2 = t->op == A2_PAIR ? t->bank ^ 1 : 0;
    w[0] = (uint64_t)t->op | (uint64_t)t->first << 8 | (uint64_t)t->has_dep << 9 |
           (uint64_t)(t->bank & 1) << 10 | (uint64_t)bank2 << 11 |
           (uint64_t)(t->blk & 0xffff) << 16 | (uint64_t)(t->k & 0xffff) << 32 |
           (uint64_t)(t->k2 & 0xffff) << 48;
    w[1] = (uint64_t)t->a | (uint64_t)t->b << 32;
    w[2] = (uint64_t)t->lda | (uint64_t)t->ldb << 32;
    w[3] = (uint64_t)t->dep | (uint64_t)t->a2 << 32;
}

void lower_attn_free(AttnProg *p)
{
    free(p->t[0]);
    free(p->t[1]);
    memset(p, 0, sizeof *p);
}
