/* test_lower_attn.c — the attention lowering (sim/lower/lower_attn.c): the BQK|SLNV pair's
 * element order, the tile program's dependencies for a given queue order, the timing
 * rules of lower_attn.h applied by lower_attn_predict, the orders it refuses (a tile
 * missing or repeated, a register overwritten before it is read), deadlock detection,
 * the tile encoding and the input checks. The RTL side of the same rules is checked by
 * `make cosim`; the order the engine gives, by test_engine. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lower/lower_attn.h"
#include "util/diag.h"
#include "util/util.h"

/* The pair's stream as the RTL queue (einsim_aseq.v) issues it, written out directly:
 * BQK on even and SLNV on odd positions while both have elements left, then the longer
 * one alone. Checks lower_attn_pair_op element by element; returns the last positions of
 * each Einsum. */
static void pair_stream(uint32_t E, uint32_t F, uint32_t *lb, uint32_t *lv)
{
    uint32_t nb = 0, nv = 0;
    for (uint32_t c = 0; c < E + F; c++) {
        int slnv;
        if (nb < E && nv < F)
            slnv = c % 2 == 1;
        else
            slnv = nv < F;
        CHECK_EQ_INT(lower_attn_pair_op(E, F, c), slnv ? A2_SLNV : A2_BQK);
        if (slnv)
            *lv = c, nv++;
        else
            *lb = c, nb++;
    }
    CHECK_EQ_INT(nb, E);
    CHECK_EQ_INT(nv, F);
}

static void test_pair_last(void)
{
    static const uint32_t ef[][2] = { { 8, 8 }, { 8, 3 }, { 3, 8 }, { 1, 1 }, { 1, 32 }, { 32, 1 },
                                      { 16, 17 } };
    for (size_t i = 0; i < sizeof ef / sizeof *ef; i++) {
        uint32_t lb = 0, lv = 0, wb = 0, wv = 0;
        lower_attn_pair_last(ef[i][0], ef[i][1], &lb, &lv);
        pair_stream(ef[i][0], ef[i][1], &wb, &wv);
        CHECK_EQ_INT(lb, wb);
        CHECK_EQ_INT(lv, wv);
    }
}

static RtlGeom geom(uint32_t r, uint32_t c)
{
    return (RtlGeom){ .rows = r, .cols = c, .word_bits = 16, .frac_bits = 8, .acc_bits = 32,
                      .glb_words = 32768, .zbuf_words = 32768, .tiles = 4096, .stg = ATTN_STG,
                      .in_latency = 1 };
}

static void put(AttnOrder *o, int q, uint32_t op, uint64_t s, uint64_t b)
{
    o->v[q][o->n[q]++] = (AttnSlot){ op, (uint32_t)s, (uint32_t)b };
}

/* A software pipeline written out by hand: 2D, BQK and LM of chunk 0 for every block,
 * then per chunk s and block b SLN, SLD, SLNV, BQK(s + 1), LM(s + 1); 1D, per chunk and
 * block RD(s - 1), RNV(s - 1), RM, PRM, SPD, SPNV, and per block RD, RNV, AV at the end.
 * Causal (a square array, M = P): block b has only its chunks s <= b, as the engine's
 * schedule gives them. */
static AttnOrder order_of(uint64_t steps, uint64_t nb, bool causal)
{
    AttnOrder o = { { xcalloc(steps * 5 * nb, sizeof(AttnSlot)),
                      xcalloc(steps * 6 * nb + nb, sizeof(AttnSlot)) }, { 0, 0 } };
    for (uint64_t b = 0; b < nb; b++)
        put(&o, ATTN_Q2D, A2_BQK, 0, b), put(&o, ATTN_Q2D, A2_LM, 0, b);
    for (uint64_t s = 0; s < steps; s++)
        for (uint64_t b = 0; b < nb; b++) {
            uint64_t live = causal && b + 1 < steps ? b + 1 : steps;
            if (s >= live)
                continue;
            put(&o, ATTN_Q2D, A2_SLN, s, b), put(&o, ATTN_Q2D, A2_SLD, s, b);
            put(&o, ATTN_Q2D, A2_SLNV, s, b);
            if (s + 1 < live)
                put(&o, ATTN_Q2D, A2_BQK, s + 1, b), put(&o, ATTN_Q2D, A2_LM, s + 1, b);
        }
    for (uint64_t s = 0; s <= steps; s++)
        for (uint64_t b = 0; b < nb; b++) {
            uint64_t live = causal && b + 1 < steps ? b + 1 : steps;
            if (s > 0 && s - 1 < live)
                put(&o, ATTN_Q1D, A1_RD, s - 1, b), put(&o, ATTN_Q1D, A1_RNV, s - 1, b);
            if (s == steps) {
                put(&o, ATTN_Q1D, A1_AV, s - 1, b);
                continue;
            }
            if (s < live) {
                put(&o, ATTN_Q1D, A1_RM, s, b), put(&o, ATTN_Q1D, A1_PRM, s, b);
                put(&o, ATTN_Q1D, A1_SPD, s, b), put(&o, ATTN_Q1D, A1_SPNV, s, b);
            }
        }
    return o;
}

static int lower_with(const RtlGeom *g, uint64_t E, uint64_t F, uint64_t M, uint64_t P,
                      uint64_t M0, AttnProg *p, Diag *d)
{
    AttnOrder o = order_of(M / g->rows, P / g->cols, false);
    int rc = lower_attn(g, 5, E, F, M, P, M0, false, &o, p, d);
    lower_attn_order_free(&o);
    return rc;
}

/* Dependencies name the right Einsum of the same block; every tile obeys the rules. */
static void test_program(uint32_t R, uint32_t C, uint64_t E, uint64_t F, uint64_t M, uint64_t P)
{
    RtlGeom g = geom(R, C);
    AttnProg p;
    Diag d;
    diag_init(&d);
    CHECK(lower_with(&g, E, F, M, P, R, &p, &d) == 0);
    CHECK_EQ_INT(diag_count(&d), 0);
    diag_free(&d);
    uint64_t steps = M / R, nb = P / C;
    CHECK_EQ_INT(p.n[ATTN_Q2D], steps * 5 * nb);
    CHECK_EQ_INT(p.n[ATTN_Q1D], steps * 6 * nb + nb);
    uint64_t fill = R + C - 1, av = 0, latest = 0;
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < p.n[q]; i++) {
            const AttnTile *t = &p.t[q][i];
            const AttnTile *prev = i ? &p.t[q][i - 1] : NULL;
            CHECK(t->start_cyc >= (prev ? prev->start_cyc + prev->len : 0));
            uint64_t ready = prev ? prev->start_cyc + prev->len : 0;
            if (t->has_dep) {
                const AttnTile *dt = &p.t[1 - q][t->dep];
                CHECK_EQ_INT(dt->blk, t->blk);
                ready = dt->end_cyc > ready ? dt->end_cyc : ready;
                if (q == ATTN_Q2D) {
                    CHECK_EQ_INT(t->op, A2_SLN);
                    CHECK_EQ_INT(dt->op, A1_RM);
                } else if (t->op == A1_RM) {
                    CHECK_EQ_INT(dt->op, A2_LM);
                } else if (t->op == A1_RD) {
                    CHECK_EQ_INT(dt->op, A2_SLD);
                } else {
                    CHECK_EQ_INT(t->op, A1_RNV);
                    CHECK_EQ_INT(dt->op, A2_SLNV);
                }
            } else {
                CHECK(!(q == ATTN_Q2D && t->op == A2_SLN));
                CHECK(!(q == ATTN_Q1D && (t->op == A1_RM || t->op == A1_RD || t->op == A1_RNV)));
            }
            CHECK_EQ_INT(t->start_cyc, ready);       /* zero issue overhead */
            uint64_t want = t->start_cyc + t->len;
            CHECK(!(q == ATTN_Q2D && t->op == A2_PAIR));
            if (q == ATTN_Q2D && (t->op == A2_BQK || t->op == A2_SLN))
                want += fill;
            else if (q == ATTN_Q2D)
                want += fill + ATTN_STG;
            av += q == ATTN_Q1D && t->op == A1_AV;
            CHECK_EQ_INT(t->end_cyc, want);
            latest = t->end_cyc > latest ? t->end_cyc : latest;
        }
    CHECK_EQ_INT(av, nb);
    CHECK_EQ_INT(p.cycles, latest);
    /* The first tile: BQK of block 0, chunk 0, bank 0, ending after the array's fill. */
    CHECK_EQ_INT(p.t[ATTN_Q2D][0].op, A2_BQK);
    CHECK_EQ_INT(p.t[ATTN_Q2D][0].end_cyc, E + fill);
    CHECK_EQ_INT(p.t[ATTN_Q2D][1].end_cyc, E + 1 + fill + ATTN_STG);    /* LM */
    CHECK_EQ_INT(p.t[ATTN_Q1D][0].start_cyc, E + 1 + fill + ATTN_STG);  /* RM waits for LM */
    lower_attn_free(&p);
}

/* The pair tile's encoding (the RTL decodes it; the engine's schedule does not issue it):
 * BQK of chunk s + 1 on its bank, SLNV of chunk s on the other, E, F and both rows. */
static void test_encode(void)
{
    AttnTile pt = { .op = A2_PAIR, .blk = 67, .slot = 3, .bank = 1, .k = 8, .k2 = 6, .len = 14, .a = 100,
                    .a2 = 200, .lda = 16, .dep = 7 };
    uint64_t w[4];
    lower_attn_encode(&pt, w);
    CHECK_EQ_INT(w[0] & 0xff, A2_PAIR);
    CHECK_EQ_INT((w[0] >> 10) & 1, 1);                   /* BQK bank: chunk s + 1 */
    CHECK_EQ_INT((w[0] >> 11) & 1, 0);                   /* SLNV bank: chunk s */
    CHECK_EQ_INT((w[2] >> 48) & 0xff, 3);                /* the register block */
    CHECK_EQ_INT((w[0] >> 16) & 0xffff, 8);              /* E */
    CHECK_EQ_INT(w[2] >> 56, 6);                         /* F */
    CHECK_EQ_INT(w[2] & 0xffffff, 100);                  /* K rows of chunk s + 1 */
    CHECK_EQ_INT(w[1] & 0xffffffff, 16);                 /* lda */
    CHECK_EQ_INT((w[3] >> 32) & 0xffffff, 200);          /* V rows of chunk s */
    CHECK_EQ_INT(w[0] >> 32, 7);                         /* dependency */
    /* Absolute ids and load counts beyond 16 bits (the queues are rings). */
    pt.need_loads = 0x123456;                            /* DMA loads, w3[31:0] */
    pt.dep = 0x89abcdefu;
    pt.b = 0xfedcba;
    lower_attn_encode(&pt, w);
    CHECK(w[0] >> 32 == 0x89abcdefu);
    CHECK_EQ_INT(w[3] & 0xffffffff, 0x123456);
    CHECK_EQ_INT((w[2] >> 24) & 0xffffff, 0xfedcba);
    CHECK_EQ_INT(w[2] & 0xffffff, 100);
    lower_attn_encode(NULL, w);
    CHECK(w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0);
}

/* Orders lower_attn refuses, each with one error: a tile repeated in place of another, a
 * tile of the wrong queue, and swaps that overwrite a register before its reader ran
 * (RM(1) before RD(0) of the same block; BQK(2) before SLNV(0); LM(1) before SLN(0)). */
static void test_bad_orders(void)
{
    RtlGeom g = geom(4, 4);
    uint64_t steps = 4, nb = 2;
    for (int k = 0; k < 5; k++) {
        AttnOrder o = order_of(steps, nb, false);
        AttnSlot *v2 = o.v[ATTN_Q2D], *v1 = o.v[ATTN_Q1D];
        int a = -1, b = -1;
        if (k == 0)
            v1[5] = v1[4];
        else if (k == 1)
            v2[0].op = A1_AV;
        for (int i = 0; k >= 2 && i < o.n[k == 2 ? ATTN_Q1D : ATTN_Q2D]; i++) {
            const AttnSlot *t = k == 2 ? &v1[i] : &v2[i];
            if (t->b != 0)
                continue;
            if ((k == 2 && t->op == A1_RD && t->s == 0) || (k == 3 && t->op == A2_SLNV && t->s == 0) ||
                (k == 4 && t->op == A2_SLN && t->s == 0))
                a = i;
            if ((k == 2 && t->op == A1_RM && t->s == 1) || (k == 3 && t->op == A2_BQK && t->s == 2) ||
                (k == 4 && t->op == A2_LM && t->s == 1))
                b = i;
        }
        if (k >= 2) {
            CHECK(a >= 0 && b > a);
            AttnSlot *v = k == 2 ? v1 : v2;
            AttnSlot tmp = v[a];
            v[a] = v[b], v[b] = tmp;
        }
        AttnProg p;
        Diag d;
        diag_init(&d);
        CHECK(lower_attn(&g, 5, 8, 8, steps * 4, nb * 4, 4, false, &o, &p, &d) == 1);
        CHECK_EQ_INT(diag_count(&d), 1);
        diag_free(&d);
        lower_attn_order_free(&o);
    }
}

/* Two tiles that wait for each other: the predictor reports the deadlock. */
static void test_deadlock(void)
{
    AttnProg p = { 0 };
    AttnTile a = { .op = A2_SLN, .has_dep = true, .dep = 0, .len = 7 };
    AttnTile b = { .op = A1_RM, .has_dep = true, .dep = 0, .len = 1 };
    p.t[0] = &a, p.t[1] = &b, p.n[0] = p.n[1] = 1;
    p.R = p.C = 4;
    CHECK(lower_attn_predict(&p) == -1);
}

/* The DMA beside the queues: a command issues a cycle after the previous one at the
 * earliest, a load once its 2D tiles have issued, a store once its 1D tile has ended;
 * the channel serves them in order (ceil(bytes / bytes per cycle) cycles each, a load
 * usable the latency later); a 2D tile waits for its need_loads. */
static void test_dma_predict(void)
{
    AttnProg p = { 0 };
    AttnTile t2[2] = { { .op = A2_BQK, .len = 8, .need_loads = 1 },
                       { .op = A2_BQK, .len = 8, .need_loads = 2 } };
    AttnTile t1[1] = { { .op = A1_AV, .len = 4 } };
    DmaCmd c[3] = { { .op = DMA_LOAD, .words = 10 },                /* 20 bytes: 5 cycles */
                    { .op = DMA_LOAD, .words = 10, .dep = 1 },      /* after tile 0 issued */
                    { .op = DMA_STORE, .words = 4, .dep = 1 } };    /* after 1D tile 0 */
    uint64_t done[3];
    p.t[0] = t2, p.t[1] = t1, p.n[0] = 2, p.n[1] = 1;
    p.R = p.C = 4;
    p.dma = c, p.n_dma = 3, p.dma_done = done;
    p.dram_bpc = 4.0, p.dram_latency = 3, p.word_bits = 16;
    CHECK(lower_attn_predict(&p) == 0);
    CHECK_EQ_INT(done[0], 8);                 /* 0 + 5 + 3 */
    CHECK_EQ_INT(t2[0].start_cyc, 8);
    CHECK_EQ_INT(done[1], 16 + 5 + 3);        /* issues once tile 0 has issued (8 + 8) */
    CHECK_EQ_INT(t2[1].start_cyc, 24);
    CHECK_EQ_INT(t1[0].end_cyc, 4);
    CHECK_EQ_INT(done[2], 21 + 2);            /* after load 1's transfer on the channel */
    CHECK_EQ_INT(p.cycles, t2[1].end_cyc);
    /* a tile waiting for a load that waits for the tile: deadlock */
    t2[0].need_loads = 2;
    CHECK(lower_attn_predict(&p) == -1);
}

/* Causal: only the live tiles (chunk s <= block b), the diagonal ones masked (bit 12 of
 * word 0), the rest as dense; a ragged M = P pads to whole chunks and blocks (strides of
 * the padded rows); M != P or a dense ragged M is refused; an order with a dead tile is
 * refused. */
static void test_causal(void)
{
    RtlGeom g = geom(4, 4);
    static const uint64_t seqs[] = { 16, 14, 13 };
    for (size_t k = 0; k < sizeof seqs / sizeof *seqs; k++) {
        AttnOrder o = order_of(4, 4, true);
        AttnProg p;
        Diag d;
        diag_init(&d);
        CHECK(lower_attn(&g, 5, 8, 8, seqs[k], seqs[k], 4, true, &o, &p, &d) == 0);
        CHECK_EQ_INT(diag_count(&d), 0);
        diag_free(&d);
        lower_attn_order_free(&o);
        CHECK_EQ_INT(p.n[ATTN_Q2D], 5 * (1 + 2 + 3 + 4));
        CHECK_EQ_INT(p.n[ATTN_Q1D], 6 * (1 + 2 + 3 + 4) + 4);
        CHECK_EQ_INT(p.Mp, 16);
        CHECK_EQ_INT(p.Pp, 16);
        int masked = 0;
        for (int i = 0; i < p.n[ATTN_Q2D]; i++) {
            const AttnTile *t = &p.t[ATTN_Q2D][i];
            uint32_t s = (t->a - (t->op == A2_BQK ? p.k_base : p.v_base)) / 4;
            uint64_t w[4];
            lower_attn_encode(t, w);
            CHECK_EQ_INT((w[0] >> 12) & 1, t->mask);
            if (t->op == A2_BQK || t->op == A2_SLNV) {
                CHECK_EQ_INT(t->mask, s == t->blk);
                CHECK_EQ_INT(t->lda, 16);
            }
            if (t->op == A2_BQK)
                CHECK_EQ_INT(t->ldb, 16);
            masked += t->mask;
        }
        CHECK_EQ_INT(masked, 5 * 4);
        for (int i = 0; i < p.n[ATTN_Q1D]; i++)
            CHECK(!p.t[ATTN_Q1D][i].mask && (p.t[ATTN_Q1D][i].op != A1_AV ||
                                             p.t[ATTN_Q1D][i].ldb == 16));
        lower_attn_free(&p);
    }
    static const uint64_t bad[][3] = { { 16, 12, 1 }, { 14, 14, 0 }, { 16, 16, 2 } };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        AttnOrder o = order_of(4, 4, bad[k][2] == 1);
        if (bad[k][2] == 2)
            o.v[ATTN_Q1D][0].s = 3;           /* RM of the dead chunk 3 of block 0 */
        AttnProg p;
        Diag d;
        diag_init(&d);
        CHECK(lower_attn(&g, 5, 8, 8, bad[k][0], bad[k][1], 4, bad[k][2] != 0, &o, &p, &d) == 1);
        CHECK_EQ_INT(diag_count(&d), 1);
        diag_free(&d);
        lower_attn_order_free(&o);
    }
    /* Attention runs on rtl/einsim_top.v only: one operand register (in_latency 1). */
    g.in_latency = 3;
    AttnOrder o = order_of(4, 4, false);
    AttnProg p;
    Diag d;
    diag_init(&d);
    CHECK(lower_attn(&g, 5, 8, 8, 16, 16, 4, false, &o, &p, &d) == 1);
    CHECK_EQ_INT(diag_count(&d), 1);
    diag_free(&d);
    lower_attn_order_free(&o);
}

static void test_errors(void)
{
    RtlGeom g = geom(4, 4);
    AttnProg p;
    static const uint64_t bad[][5] = {
        { 8, 8, 64, 64, 8 },        /* M0 != rows */
        { 8, 8, 66, 64, 4 },        /* M not a multiple of rows */
        { 8, 8, 64, 62, 4 },        /* P not a multiple of cols */
        { 8, 33, 64, 64, 4 },       /* F > 32 */
        { 8, 8, 64, 4 * 65, 4 },    /* 65 query blocks */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        Diag d;
        diag_init(&d);
        CHECK(lower_with(&g, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], &p, &d) == 1);
        CHECK(diag_count(&d) == 1);
        diag_free(&d);
    }
    /* The architecture's staging latency must be the RTL's. */
    g.stg = ATTN_STG + 1;
    Diag d;
    diag_init(&d);
    CHECK(lower_with(&g, 8, 8, 16, 8, 4, &p, &d) == 1);
    CHECK(diag_count(&d) == 1);
    diag_free(&d);
    /* Tile words hold 24-bit buffer addresses. */
    g.stg = ATTN_STG;
    g.glb_words = ATTN_MAX_ADDR + 2;
    diag_init(&d);
    CHECK(lower_with(&g, 8, 8, 16, 8, 4, &p, &d) == 1);
    CHECK(diag_count(&d) == 1);
    diag_free(&d);
    /* More tiles than the RTL's rings (the host feeds them during the run): seq 256 on
     * 4x4 lowers, 24640 1D tiles, ids beyond the ring in the dependencies. */
    g = geom(4, 4);
    diag_init(&d);
    CHECK(lower_with(&g, 8, 8, 256, 256, 4, &p, &d) == 0);
    CHECK_EQ_INT(diag_count(&d), 0);
    diag_free(&d);
    CHECK_EQ_INT(p.n[ATTN_Q1D], 24640);
    CHECK(p.n[ATTN_Q1D] > ATTN_QUEUE_TILES);
    uint32_t maxdep = 0;
    for (int i = 0; i < p.n[ATTN_Q1D]; i++)
        if (p.t[ATTN_Q1D][i].has_dep && p.t[ATTN_Q1D][i].dep > maxdep)
            maxdep = p.t[ATTN_Q1D][i].dep;
    CHECK(maxdep >= ATTN_QUEUE_TILES);
    uint64_t w[4];
    for (int i = 0; i < p.n[ATTN_Q1D]; i++)
        if (p.t[ATTN_Q1D][i].dep == maxdep) {
            lower_attn_encode(&p.t[ATTN_Q1D][i], w);
            CHECK(w[0] >> 32 == maxdep);
            break;
        }
    lower_attn_free(&p);
}

/* Two (batch, head)s of 40 blocks each: 80 query blocks on the RTL's 64 register blocks,
 * block gb in register block gb mod 64. One (batch, head) after the other is safe, and a
 * register block's score banks keep alternating across the blocks it serves; both
 * (batch, head)s in one sweep over the chunks would overwrite a shared register block's
 * registers before they are read, and are refused. */
static void test_shared_blocks(void)
{
    RtlGeom g = geom(4, 4);
    const uint64_t steps = 3, nb = 40;
    for (int mixed = 0; mixed < 2; mixed++) {
        AttnOrder o;
        if (mixed) {
            o = order_of(steps, 2 * nb, false);
            for (int q = 0; q < 2; q++)
                for (int i = 0; i < o.n[q]; i++)
                    o.v[q][i].bh = o.v[q][i].b / nb, o.v[q][i].b %= nb;
        } else {
            AttnOrder one = order_of(steps, nb, false);
            o = (AttnOrder){ { xcalloc(2 * (size_t)one.n[0], sizeof(AttnSlot)),
                               xcalloc(2 * (size_t)one.n[1], sizeof(AttnSlot)) }, { 0, 0 } };
            for (uint32_t bh = 0; bh < 2; bh++)
                for (int q = 0; q < 2; q++)
                    for (int i = 0; i < one.n[q]; i++) {
                        o.v[q][o.n[q]] = one.v[q][i];
                        o.v[q][o.n[q]++].bh = bh;
                    }
            lower_attn_order_free(&one);
        }
        o.nbh = 2;
        o.dram = true;
        AttnProg p;
        Diag d;
        diag_init(&d);
        int rc = lower_attn(&g, 5, 8, 8, steps * 4, nb * 4, 4, false, &o, &p, &d);
        CHECK_EQ_INT(rc, mixed);
        if (mixed)
            CHECK(d.n && strstr(d.e[0].msg, "one register block") != NULL);
        for (int i = 0; !rc && i < p.n[ATTN_Q2D]; i++) {
            const AttnTile *t = &p.t[ATTN_Q2D][i];
            CHECK_EQ_INT(t->slot, t->blk % ATTN_MAX_BLOCKS);
            /* register block 0..15 serve a second block: its chunks continue at 3 */
            uint64_t chunks_before = t->blk >= ATTN_MAX_BLOCKS ? steps : 0;
            CHECK_EQ_INT(t->bank, (chunks_before + t->s) & 1);
        }
        if (!rc)
            lower_attn_free(&p);
        lower_attn_order_free(&o);
        diag_free(&d);
    }
}

int main(void)
{
    test_pair_last();
    test_program(4, 4, 8, 8, 16, 8);
    test_program(4, 4, 8, 8, 64, 64);
    test_program(8, 8, 16, 4, 64, 64);
    test_program(4, 8, 3, 12, 32, 16);
    test_program(16, 16, 32, 32, 64, 64);
    test_encode();
    test_bad_orders();
    test_deadlock();
    test_dma_predict();
    test_errors();
    test_causal();
    test_shared_blocks();
    return CHECK_DONE();
}
