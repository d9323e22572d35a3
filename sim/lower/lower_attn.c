/* lower_attn.c — FuseMax attention lowering to the engine's tile queues and the
 * tile-level timing rules (lower_attn.h). */
#include "lower/lower_attn.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* Tile order: each queue in the order of the engine's schedule (AttnOrder). Dependencies
 * across the queues: RM <- LM, SLN <- RM, RD <- SLD, RNV <- SLNV, of the same chunk and
 * block. Within a queue tiles run in order, so the order must put every writer of a
 * register after the readers of its previous value; with the cross-queue chains that
 * holds when, for every block b and chunk s (checked by order_safe):
 *   2D  BQK(s) < LM(s), SLN(s); SLN(s) < SLD(s), SLNV(s); SLN(s) < LM(s+1): LM(s+1)
 *       overwrites the 1D's LM register only after SLN(s) <- RM(s) read it, and RM(s+1)
 *       <- LM(s+1) overwrites RM after SLN(s) read it at its issue; SLN(s), SLNV(s) <
 *       BQK(s+2), which writes the same score bank;
 *   1D  RM(s) < PRM(s) < SPD(s) < RD(s); PRM(s) < SPNV(s) < RNV(s); RD(s-1) < SPD(s);
 *       RNV(s-1) < SPNV(s); RD(s), RNV(s) < RM(s+1): SLD(s+1) and SLNV(s+1) overwrite the
 *       1D's SLD / SLNV registers only after SLN(s+1) <- RM(s+1); RD, RNV(last) < AV.
 * The 1D queue's other registers (PRM, SPD, RD, SPNV, RNV per block) follow from these
 * chains. */

/* Position of each (opcode, chunk, block) in its queue: pos[op * steps * nb + s * nb + b]. */
typedef struct {
    int *pos[2];
    uint64_t steps, nb;
} AttnPos;

/* Opcodes per queue: A2_* and A1_* are below this. */
#define ATTN_OPS 8

static int *pos_at(const AttnPos *x, int q, uint32_t op, uint64_t s, uint64_t b)
{
    return &x->pos[q][(op * x->steps + s) * x->nb + b];
}

/* The register-safety rules above, as "tile a of queue q issues before tile b". */
typedef struct {
    int q;
    uint32_t op_a;
    int ds_a;                     /* chunk of a relative to s */
    uint32_t op_b;
    int ds_b;
} AttnRule;

static const AttnRule attn_rules[] = {
    { ATTN_Q2D, A2_BQK, 0, A2_LM, 0 },    { ATTN_Q2D, A2_BQK, 0, A2_SLN, 0 },
    { ATTN_Q2D, A2_SLN, 0, A2_SLD, 0 },   { ATTN_Q2D, A2_SLN, 0, A2_SLNV, 0 },
    { ATTN_Q2D, A2_SLN, 0, A2_LM, 1 },    { ATTN_Q2D, A2_SLN, 0, A2_BQK, 2 },
    { ATTN_Q2D, A2_SLNV, 0, A2_BQK, 2 },
    { ATTN_Q1D, A1_RM, 0, A1_PRM, 0 },    { ATTN_Q1D, A1_PRM, 0, A1_SPD, 0 },
    { ATTN_Q1D, A1_SPD, 0, A1_RD, 0 },    { ATTN_Q1D, A1_PRM, 0, A1_SPNV, 0 },
    { ATTN_Q1D, A1_SPNV, 0, A1_RNV, 0 },  { ATTN_Q1D, A1_RD, -1, A1_SPD, 0 },
    { ATTN_Q1D, A1_RNV, -1, A1_SPNV, 0 }, { ATTN_Q1D, A1_RD, 0, A1_RM, 1 },
    { ATTN_Q1D, A1_RNV, 0, A1_RM, 1 },
};

const char *lower_attn_op_name(int q, uint32_t op)
{
    const OpSpace *sp = &op_spaces[q == ATTN_Q2D ? OPS_A2 : OPS_A1];
    for (int i = 0; i < sp->n; i++)
        if ((uint32_t)sp->ops[i].value == op)
            return sp->ops[i].name;
    return "?";
}

static bool rule_broken(const AttnPos *x, int q, uint32_t op_a, uint64_t s_a, uint64_t b_a,
                        uint32_t op_b, uint64_t s_b, uint64_t b_b, Diag *d)
{
    if (*pos_at(x, q, op_a, s_a, b_a) < *pos_at(x, q, op_b, s_b, b_b))
        return false;
    if (b_a != b_b)
        diag_error(d, NULL, 0, "cosim: the engine's schedule issues %s (chunk %" PRIu64 ", block %"
                   PRIu64 ") before %s (chunk %" PRIu64 ", block %" PRIu64 "), and the RTL keeps "
                   "both blocks in one register block (it has %d, used in turn): it runs more "
                   "than %d query blocks at once (a smaller DRAM tile of P, "
                   "mapping.groups.attention.loop.tile, keeps it from doing so)",
                   lower_attn_op_name(q, op_b), s_b, b_b, lower_attn_op_name(q, op_a), s_a, b_a,
                   ATTN_MAX_BLOCKS, ATTN_MAX_BLOCKS);
    else
        diag_error(d, NULL, 0, "cosim: the engine's schedule issues %s (chunk %" PRIu64 ", block %"
                   PRIu64 ") before %s (chunk %" PRIu64 ")%s", lower_attn_op_name(q, op_b), s_b,
                   b_b, lower_attn_op_name(q, op_a), s_a, s_a == s_b ? ", which it reads (internal)"
                   : ": it overlaps two chunks of one query block, and the RTL holds one copy of a "
                     "block's registers (the reuse rules of mappings/fusemax-rtl.cfg keep the "
                     "schedule from doing so)");
    return true;
}

/* Whether the order keeps every register safe (the rules above), over each block's live
 * chunks (a prefix: a causal block's later chunks are dead and not in the order). The
 * RTL's register block gb mod ATTN_MAX_BLOCKS serves blocks gb, gb + ATTN_MAX_BLOCKS, ...
 * in turn: the next block's chunks continue the previous one's (its first chunk is the
 * previous one's last + 1), so the rules hold across them too, and its first RD and RNV
 * overwrite what the previous block's AV reads. */
static bool order_safe(const AttnProg *p, const AttnPos *x, Diag *d)
{
    const size_t nr = sizeof attn_rules / sizeof *attn_rules;
    for (uint64_t b = 0; b < x->nb; b++) {
        uint64_t last = lower_attn_live(p, b) - 1;
        for (uint64_t s = 0; s <= last; s++)
            for (size_t i = 0; i < nr; i++) {
                const AttnRule *r = &attn_rules[i];
                int64_t sa = (int64_t)s + r->ds_a, sb = (int64_t)s + r->ds_b;
                if (sa < 0 || sb > (int64_t)last)
                    continue;
                if (rule_broken(x, r->q, r->op_a, (uint64_t)sa, b, r->op_b, (uint64_t)sb, b, d))
                    return false;
            }
        if (rule_broken(x, ATTN_Q1D, A1_RD, last, b, A1_AV, x->steps - 1, b, d) ||
            rule_broken(x, ATTN_Q1D, A1_RNV, last, b, A1_AV, x->steps - 1, b, d))
            return false;
        if (b < ATTN_MAX_BLOCKS)
            continue;
        uint64_t a = b - ATTN_MAX_BLOCKS, la = lower_attn_live(p, a) - 1;
        for (size_t i = 0; i < nr; i++) {
            const AttnRule *r = &attn_rules[i];
            uint64_t gap = (uint64_t)(r->ds_b - r->ds_a);   /* chunks from a's to b's */
            for (uint64_t sa = la + 1 > gap ? la + 1 - gap : 0; gap && sa <= la; sa++) {
                uint64_t sb = sa + gap - (la + 1);
                if (sb <= last &&
                    rule_broken(x, r->q, r->op_a, sa, a, r->op_b, sb, b, d))
                    return false;
            }
        }
        if (rule_broken(x, ATTN_Q1D, A1_AV, x->steps - 1, a, A1_RD, 0, b, d) ||
            rule_broken(x, ATTN_Q1D, A1_AV, x->steps - 1, a, A1_RNV, 0, b, d))
            return false;
    }
    return true;
}

static AttnTile t_bqk(const AttnProg *p, uint64_t s, uint64_t b)
{
    return (AttnTile){ .op = A2_BQK, .first = s == 0, .blk = (uint32_t)b, .s = (uint32_t)s,
                       .len = (uint32_t)p->E, .k = (uint32_t)p->E,
                       .a = (uint32_t)(p->k_base + s * p->R), .lda = (uint32_t)p->Mp,
                       .b = (uint32_t)(p->q_base + b * p->C), .ldb = (uint32_t)p->Pp };
}

static AttnTile t_slnv(const AttnProg *p, uint64_t s, uint64_t b)
{
    return (AttnTile){ .op = A2_SLNV, .first = s == 0, .blk = (uint32_t)b, .s = (uint32_t)s,
                       .len = (uint32_t)p->F, .k = (uint32_t)p->F,
                       .a = (uint32_t)(p->v_base + s * p->R), .lda = (uint32_t)p->Mp };
}

static AttnTile t_one(uint32_t op, uint64_t s, uint64_t b, uint32_t len)
{
    return (AttnTile){ .op = op, .first = s == 0, .blk = (uint32_t)b, .s = (uint32_t)s,
                       .len = len };
}

uint64_t lower_attn_live(const AttnProg *p, uint64_t gb)
{
    if (!p->causal)
        return p->steps;
    uint64_t b = gb % p->nb;
    uint64_t q_last = b * p->C + p->C - 1 < p->P - 1 ? b * p->C + p->C - 1 : p->P - 1;
    uint64_t n = q_last / p->R + 1;
    return n < p->steps ? n : p->steps;
}

/* Whether the live item (chunk s, block b) has a key after a query, padding included
 * (a padded key is after every query): the diagonal, masked by the PEs. */
static bool item_partial(const AttnProg *p, uint64_t s, uint64_t gb)
{
    return p->causal && s * p->R + p->R - 1 > gb % p->nb * p->C;
}

int lower_attn(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M, uint64_t P,
               uint64_t M0, bool causal, const AttnOrder *ord, AttnProg *p, Diag *d)
{
    memset(p, 0, sizeof *p);
    uint64_t R = g->rows, C = g->cols;
    if (M0 != R) {
        diag_error(d, NULL, 0, "cosim: attention needs mapping.partitions.M0 = the 2D array rows "
                   "(%" PRIu64 "), not %" PRIu64, R, M0);
        return 1;
    }
    if (causal && (M != P || R != C)) {
        diag_error(d, NULL, 0, "cosim: causal attention needs M = P (got %" PRIu64 ", %" PRIu64
                   ") and a square array (got %" PRIu64 "x%" PRIu64 "): the PEs mask the diagonal "
                   "of a tile whose key chunk and query block start together", M, P, R, C);
        return 1;
    }
    if (!causal && (M % R || P % C)) {
        diag_error(d, NULL, 0, "cosim: attention needs M (%" PRIu64 ") a multiple of the rows (%"
                   PRIu64 ") and P (%" PRIu64 ") a multiple of the columns (%" PRIu64 ")",
                   M, R, P, C);
        return 1;
    }
    uint64_t Mp = (M + R - 1) / R * R, Pp = (P + C - 1) / C * C;
    uint64_t nbh = ord->nbh ? ord->nbh : 1, pt = ord->ptile && ord->ptile < P ? ord->ptile : Pp;
    if (pt % C || pt / C > ATTN_MAX_BLOCKS) {
        diag_error(d, NULL, 0, "cosim: the engine's DRAM tile of P has %" PRIu64 " queries; the "
                   "RTL needs whole blocks of %" PRIu64 ", at most %d of them (P <= %" PRIu64
                   " or mapping.groups.attention.loop.tile <= %" PRIu64 ")", pt, C,
                   ATTN_MAX_BLOCKS, (uint64_t)ATTN_MAX_BLOCKS * C, (uint64_t)ATTN_MAX_BLOCKS * C);
        return 1;
    }
    if (F > ATTN_MAX_F || E > 65535 || F < 1 || E < 1) {
        diag_error(d, NULL, 0, "cosim: the RTL takes F <= %d and E <= 65535, got F = %" PRIu64
                   ", E = %" PRIu64, ATTN_MAX_F, F, E);
        return 1;
    }
    if (nbh * Pp / C > UINT32_MAX) {
        diag_error(d, NULL, 0, "cosim: %" PRIu64 " (batch, head)s of %" PRIu64 " query blocks "
                   "exceed the 32-bit block numbers", nbh, Pp / C);
        return 1;
    }
    if (!ord->dram && (nbh != 1 || pt != Pp)) {
        diag_error(d, NULL, 0, "cosim: with the data on chip the RTL runs one (batch, head) and "
                   "P whole");
        return 1;
    }
    if (!ord->dram && (E * Pp + E * Mp + F * Mp > g->glb_words || F * Pp > g->glb_words)) {
        diag_error(d, NULL, 0, "cosim: Q, K and V (%" PRIu64 " words) or AV (%" PRIu64 ") do not "
                   "fit the RTL buffers (%u words each)", E * Pp + E * Mp + F * Mp, F * Pp,
                   g->glb_words);
        return 1;
    }
    if (g->stg != ATTN_STG) {
        diag_error(d, NULL, 0, "cosim: the RTL stages the 2D array's results for %d cycles on "
                   "their way to the 1D array; the architecture's staging level (regfile) says "
                   "latency_cycles = %u", ATTN_STG, g->stg);
        return 1;
    }
    if (g->in_latency != 1) {
        diag_error(d, NULL, 0, "cosim: attention runs on rtl/einsim_top.v, whose operands reach "
                   "the array through one register; the architecture's array2d says in_latency "
                   "= %u", g->in_latency);
        return 1;
    }
    p->E = E, p->F = F, p->M = M, p->P = P, p->R = R, p->C = C, p->T = T;
    p->Mp = Mp, p->Pp = Pp, p->causal = causal;
    p->nb = Pp / C;
    p->steps = Mp / R;
    p->nbh = nbh, p->ptile = pt, p->nbt = pt / C, p->ntp = (Pp + pt - 1) / pt;
    uint64_t nb = p->nb, NB = nbh * nb, steps = p->steps, live = 0;
    for (uint64_t b = 0; b < NB; b++)
        live += lower_attn_live(p, b);
    uint64_t n2 = live * 5, n1 = live * 6 + NB;
    /* The queues are rings the host keeps fed: a queue's program (and its END) is bounded
     * by the 32-bit absolute tile ids and the program's int count, not by the ring; the
     * tile words hold 24-bit buffer addresses. */
    if (n2 + 1 > ATTN_MAX_TILES || n1 + 1 > ATTN_MAX_TILES) {
        diag_error(d, NULL, 0, "cosim: %" PRIu64 " + %" PRIu64 " tiles exceed the RTL's attention queues "
                   "(%d tiles each); use a smaller seq", n2, n1, ATTN_MAX_TILES - 1);
        return 1;
    }
    if (g->glb_words > ATTN_MAX_ADDR + 1) {
        diag_error(d, NULL, 0, "cosim: the attention tile words hold 24-bit buffer addresses; the "
                   "buffer has %u words (at most %u)", g->glb_words, ATTN_MAX_ADDR + 1);
        return 1;
    }
    if ((uint64_t)ord->n[ATTN_Q2D] != n2 || (uint64_t)ord->n[ATTN_Q1D] != n1) {
        diag_error(d, NULL, 0, "cosim: internal: the schedule has %d + %d tiles; the cascade has "
                   "%" PRIu64 " + %" PRIu64, ord->n[ATTN_Q2D], ord->n[ATTN_Q1D], n2, n1);
        return 1;
    }
    p->q_base = 0;
    p->k_base = (uint32_t)(E * Pp);
    p->v_base = (uint32_t)(E * Pp + E * Mp);
    AttnPos x = { { NULL, NULL }, steps, NB };
    uint64_t *vbase = NULL;
    int rc = 1;
    for (int q = 0; q < 2; q++) {
        p->t[q] = xcalloc((size_t)ord->n[q], sizeof *p->t[q]);
        x.pos[q] = xcalloc(ATTN_OPS * steps * NB, sizeof *x.pos[q]);
        for (uint64_t i = 0; i < ATTN_OPS * steps * NB; i++)
            x.pos[q][i] = -1;
        for (int i = 0; i < ord->n[q]; i++) {
            const AttnSlot *o = &ord->v[q][i];
            uint64_t pb = (uint64_t)o->tile * p->nbt + o->b, gb = o->bh * nb + pb;
            bool known = q == ATTN_Q2D ? o->op >= A2_BQK && o->op <= A2_SLNV
                                       : o->op >= A1_RM && o->op <= A1_AV;
            bool av = o->op == A1_AV && q == ATTN_Q1D;
            if (!known || o->b >= p->nbt || pb >= nb || o->bh >= nbh ||
                (av ? o->s + 1 != steps : o->s >= lower_attn_live(p, gb)) ||
                *pos_at(&x, q, o->op, o->s, gb) >= 0) {
                diag_error(d, NULL, 0, "cosim: internal: tile %d of queue %d (opcode %u, chunk %u, "
                           "block %u of tile %u, (batch, head) %u) is not a tile of the cascade "
                           "or repeats one", i, q, o->op, o->s, o->b, o->tile, o->bh);
                goto done;
            }
            *pos_at(&x, q, o->op, o->s, gb) = i;
        }
    }
    if (!order_safe(p, &x, d))
        goto done;
    /* Score banks alternate over the chunks a register block runs, across its blocks. */
    vbase = xcalloc(NB, sizeof *vbase);
    for (uint64_t b = ATTN_MAX_BLOCKS; b < NB; b++)
        vbase[b] = vbase[b - ATTN_MAX_BLOCKS] + lower_attn_live(p, b - ATTN_MAX_BLOCKS);
    uint32_t ex = (uint32_t)(T + 2);
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < ord->n[q]; i++) {
            const AttnSlot *o = &ord->v[q][i];
            AttnTile *t = &p->t[q][i];
            uint64_t s = o->s, b = o->bh * nb + (uint64_t)o->tile * p->nbt + o->b;
            if (q == ATTN_Q2D) {
                switch (o->op) {
                case A2_BQK:  *t = t_bqk(p, s, b); break;
                case A2_SLNV: *t = t_slnv(p, s, b); break;
                case A2_SLN:  *t = t_one(A2_SLN, s, b, ex); break;
                default:      *t = t_one(o->op, s, b, 1); break;   /* LM, SLD */
                }
                t->mask = item_partial(p, s, b);
            } else {
                uint32_t len = o->op == A1_PRM ? ex : o->op >= A1_SPNV ? (uint32_t)F : 1;
                if (o->op == A1_AV)
                    *t = (AttnTile){ .op = A1_AV, .blk = (uint32_t)b, .s = (uint32_t)s,
                                     .b = (uint32_t)(b * C),
                                     .ldb = (uint32_t)Pp };
                else
                    *t = t_one(o->op, s, b, len);
                t->len = len;
                if (o->op >= A1_SPNV)
                    t->k = (uint32_t)F;
            }
            /* The tile of the other queue this one waits for. */
            uint32_t dep = q == ATTN_Q2D ? (o->op == A2_SLN ? A1_RM : 0)
                         : o->op == A1_RM ? A2_LM : o->op == A1_RD ? A2_SLD
                         : o->op == A1_RNV ? A2_SLNV : 0;
            if (dep)
                t->has_dep = true, t->dep = (uint32_t)*pos_at(&x, 1 - q, dep, s, b);
            t->slot = (uint32_t)(b % ATTN_MAX_BLOCKS);
            t->bank = (uint32_t)((vbase[b] + s) & 1);
        }
    p->n[0] = ord->n[0], p->n[1] = ord->n[1];
    if (lower_attn_predict(p)) {
        diag_error(d, NULL, 0, "cosim: internal: the attention tile program deadlocks");
        goto done;
    }
    rc = 0;
done:
    free(vbase);
    free(x.pos[0]);
    free(x.pos[1]);
    if (rc)
        lower_attn_free(p);
    return rc;
}

void lower_attn_order_free(AttnOrder *o)
{
    free(o->v[0]);
    free(o->v[1]);
    memset(o, 0, sizeof *o);
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
    int head[2] = { 0, 0 }, hd = 0, n_loads = 0;
    uint64_t free_at[2] = { 0, 0 }, issue = 0, chan = 0;
    uint64_t *load_end = p->n_dma ? xcalloc((size_t)p->n_dma, sizeof *load_end) : NULL;
    p->cycles = 0;
    int rc = 0;
    while (head[0] < p->n[0] || head[1] < p->n[1] || hd < p->n_dma) {
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
                if (t->need_loads) {
                    if ((int)t->need_loads > n_loads)
                        break;                       /* the load is not yet scheduled */
                    s = umax(s, load_end[t->need_loads - 1]);
                }
                t->start_cyc = s;
                t->end_cyc = q == ATTN_Q2D ? end2d(p, t) : s + t->len;
                free_at[q] = s + t->len;
                p->cycles = umax(p->cycles, t->end_cyc);
                head[q]++;
                moved = true;
            }
        while (hd < p->n_dma) {
            const DmaCmd *c = &p->dma[hd];
            uint64_t at = hd ? issue + 1 : 0;
            if (c->dep && c->op == DMA_LOAD) {
                if ((int)c->dep > head[ATTN_Q2D])
                    break;
                const AttnTile *t = &p->t[ATTN_Q2D][c->dep - 1];
                at = umax(at, t->start_cyc + t->len);
            } else if (c->dep) {
                if ((int)c->dep > head[ATTN_Q1D])
                    break;
                at = umax(at, p->t[ATTN_Q1D][c->dep - 1].end_cyc);
            }
            uint64_t st = umax(at, chan), cyc = lower_dram_cycles(p->dram_bpc, p->word_bits, c->words);
            chan = st + cyc;
            issue = at;
            p->dma_done[hd] = c->op == DMA_LOAD ? st + cyc + p->dram_latency : st + cyc;
            if (c->op == DMA_LOAD)
                load_end[n_loads++] = p->dma_done[hd];
            p->cycles = umax(p->cycles, p->dma_done[hd]);
            hd++;
            moved = true;
        }
        if (!moved) {
            rc = -1;
            break;
        }
    }
    free(load_end);
    return rc;
}

void lower_attn_encode(const AttnTile *t, uint64_t w[4])
{
    if (!t) {
        w[0] = w[1] = w[2] = w[3] = 0;
        return;
    }
    /* The layout of lower_attn.h (AttnTile); lower_attn checks the fields fit. */
    uint32_t bank2 = t->op == A2_PAIR ? t->bank ^ 1 : 0;
    w[0] = (uint64_t)(t->op & 0xff) | (uint64_t)t->first << 8 | (uint64_t)t->has_dep << 9 |
           (uint64_t)(t->bank & 1) << 10 | (uint64_t)bank2 << 11 | (uint64_t)t->mask << 12 |
           (uint64_t)(t->k & 0xffff) << 16 | (uint64_t)t->dep << 32;
    w[1] = (uint64_t)t->lda | (uint64_t)t->ldb << 32;
    w[2] = (uint64_t)(t->a & ATTN_MAX_ADDR) | (uint64_t)(t->b & ATTN_MAX_ADDR) << 24 |
           (uint64_t)(t->slot & 0xff) << 48 | (uint64_t)(t->k2 & 0xff) << 56;
    w[3] = (uint64_t)t->need_loads | (uint64_t)(t->a2 & ATTN_MAX_ADDR) << 32;
}

void lower_attn_free(AttnProg *p)
{
    free(p->t[0]);
    free(p->t[1]);
    free(p->dma);
    free(p->dma_done);
    memset(p, 0, sizeof *p);
}
