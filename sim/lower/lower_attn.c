/* lower_attn.c — FuseMax attention lowering to the engine's tile queues and the
 * tile-level timing rules (lower_attn.h). */
#include "lower/lower_attn.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }
static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }

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

/* Opcodes per queue: A2_* and A1_* are below this. */
#define ATTN_OPS 8

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

/* A queue of items with absolute ids [base, base + n): the lowering's pending and
 * resolved tiles and commands. Items below base have been released. */
typedef struct {
    char *v;
    size_t size;                  /* bytes per item */
    uint64_t base, n, off, cap;   /* item base sits at v[off] */
} Deque;

static void dq_init(Deque *q, size_t size)
{
    memset(q, 0, sizeof *q);
    q->size = size;
}

static void *dq_at(const Deque *q, uint64_t id)
{
    return q->v + (q->off + (id - q->base)) * q->size;
}

static void *dq_push(Deque *q)
{
    if (q->off + q->n == q->cap) {
        if (q->off > q->cap / 2) {
            memmove(q->v, q->v + q->off * q->size, q->n * q->size);
            q->off = 0;
        } else {
            q->cap = q->cap ? 2 * q->cap : 256;
            q->v = xrealloc(q->v, q->cap * q->size);
        }
    }
    void *x = q->v + (q->off + q->n++) * q->size;
    memset(x, 0, q->size);
    return x;
}

/* Drops the items below id (at most to the end). */
static void dq_release(Deque *q, uint64_t id)
{
    uint64_t k = id > q->base ? id - q->base : 0;
    k = k < q->n ? k : q->n;
    q->base += k, q->off += k, q->n -= k;
}

/* A non-owning view of n items of an array (lower_attn_predict). */
static Deque dq_view(void *v, size_t size, uint64_t n)
{
    return (Deque){ .v = v, .size = size, .n = n, .cap = n };
}

/* The predicted ends of the most recent ATTN_RING tiles of a queue (and issue ends, for
 * the DMA's waits) and load completions: what the timing rules look back at. */
#define ATTN_RING ((uint64_t)1 << 18)
#define RING_AT(r, id) ((r)[(id) & (ATTN_RING - 1)])

/* The timing rules over three in-order streams (lower_attn.h: lower_attn_predict): tile
 * queues t[0], t[1] and the DMA program (c with its completions done), each resolved up
 * to its n; head[] says how far it has predicted. */
typedef struct {
    Deque t[2], c, done;
    uint64_t head[2], hd, n_loads;
    uint64_t free_at[2], issue, chan, cycles;
    uint64_t *end[2], *iss, *load_end;   /* rings */
    double bpc;
    uint32_t word_bits, latency;
    uint64_t R, C;
    bool stale;                   /* a wait looked further back than the rings hold */
} Pred;

static void pred_init(Pred *x, const AttnProg *p)
{
    x->end[0] = xcalloc(ATTN_RING, sizeof *x->end[0]);
    x->end[1] = xcalloc(ATTN_RING, sizeof *x->end[1]);
    x->iss = xcalloc(ATTN_RING, sizeof *x->iss);
    x->load_end = xcalloc(ATTN_RING, sizeof *x->load_end);
    x->bpc = p->dram_bpc, x->word_bits = p->word_bits, x->latency = p->dram_latency;
    x->R = p->R, x->C = p->C;
}

static void pred_free(Pred *x)
{
    free(x->end[0]);
    free(x->end[1]);
    free(x->iss);
    free(x->load_end);
}

static bool ring_holds(uint64_t head, uint64_t id) { return id < head && head - id <= ATTN_RING; }

/* End of 2D tile t: the cycle after its last element's last write (lower_attn.h). */
static uint64_t end2d(const Pred *x, const AttnTile *t)
{
    uint64_t fill = x->R + x->C - 1;
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

/* Predicts as far as the resolved items allow. Returns whether it moved. */
static bool pred_run(Pred *x)
{
    bool any = false, moved = true;
    while (moved) {
        moved = false;
        for (int q = 0; q < 2; q++)
            while (x->head[q] < x->t[q].base + x->t[q].n) {
                AttnTile *t = dq_at(&x->t[q], x->head[q]);
                uint64_t s = x->free_at[q];
                if (t->has_dep) {
                    if (t->dep >= x->head[1 - q])
                        break;                       /* not yet scheduled */
                    if (!ring_holds(x->head[1 - q], t->dep)) {
                        x->stale = true;
                        return any;
                    }
                    s = umax(s, RING_AT(x->end[1 - q], t->dep));
                }
                if (t->need_loads) {
                    if (t->need_loads > x->n_loads)
                        break;                       /* the load is not yet scheduled */
                    if (!ring_holds(x->n_loads, t->need_loads - 1)) {
                        x->stale = true;
                        return any;
                    }
                    s = umax(s, RING_AT(x->load_end, t->need_loads - 1));
                }
                t->start_cyc = s;
                t->end_cyc = q == ATTN_Q2D ? end2d(x, t) : s + t->len;
                x->free_at[q] = s + t->len;
                x->cycles = umax(x->cycles, t->end_cyc);
                RING_AT(x->end[q], x->head[q]) = t->end_cyc;
                if (q == ATTN_Q2D)
                    RING_AT(x->iss, x->head[q]) = s + t->len;
                x->head[q]++;
                moved = true;
            }
        while (x->hd < x->c.base + x->c.n) {
            const DmaCmd *c = dq_at(&x->c, x->hd);
            uint64_t at = x->hd ? x->issue + 1 : 0;
            if (c->dep) {
                int q = c->op == DMA_LOAD ? ATTN_Q2D : ATTN_Q1D;
                if (c->dep > x->head[q])
                    break;
                if (!ring_holds(x->head[q], c->dep - 1)) {
                    x->stale = true;
                    return any;
                }
                at = umax(at, RING_AT(q == ATTN_Q2D ? x->iss : x->end[ATTN_Q1D], c->dep - 1));
            }
            uint64_t st = umax(at, x->chan), cyc = lower_dram_cycles(x->bpc, x->word_bits, c->words);
            uint64_t done = c->op == DMA_LOAD ? st + cyc + x->latency : st + cyc;
            x->chan = st + cyc;
            x->issue = at;
            *(uint64_t *)dq_at(&x->done, x->hd) = done;
            if (c->op == DMA_LOAD)
                RING_AT(x->load_end, x->n_loads++) = done;
            x->cycles = umax(x->cycles, done);
            x->hd++;
            moved = true;
        }
        any = any || moved;
    }
    return any;
}

/* Whether every resolved item has been predicted. */
static bool pred_caught_up(const Pred *x)
{
    return x->head[0] == x->t[0].base + x->t[0].n && x->head[1] == x->t[1].base + x->t[1].n &&
           x->hd == x->c.base + x->c.n;
}

int lower_attn_predict(AttnProg *p)
{
    Pred x = { 0 };
    pred_init(&x, p);
    for (int q = 0; q < 2; q++)
        x.t[q] = dq_view(p->t[q], sizeof *p->t[q], (uint64_t)p->n[q]);
    x.c = dq_view(p->dma, sizeof *p->dma, (uint64_t)p->n_dma);
    x.done = dq_view(p->dma_done, sizeof *p->dma_done, (uint64_t)p->n_dma);
    pred_run(&x);
    int rc = pred_caught_up(&x) && !x.stale ? 0 : -1;
    p->cycles = x.cycles;
    pred_free(&x);
    return rc;
}

/* One tensor's loads (Q: a piece per (batch, head) and DRAM tile; K, V: also per chunk):
 * per piece its load's index among all loads (-1: not loaded), its last reader (a 2D
 * tile) and the readers seen; piece i sits in copy i % copies (the engine's numbering:
 * dead pieces count). */
typedef struct {
    int64_t *load, *last;
    uint32_t *readers;
    uint64_t copies, next;        /* next: pieces below it have had their chance to load */
} AttnLoads;

static void loads_init(AttnLoads *l, uint64_t pieces)
{
    l->load = xcalloc(pieces, sizeof *l->load);
    l->last = xcalloc(pieces, sizeof *l->last);
    l->readers = xcalloc(pieces, sizeof *l->readers);
    for (uint64_t i = 0; i < pieces; i++)
        l->load[i] = l->last[i] = -1;
    l->copies = l->next = 0;
}

static void loads_free(AttnLoads *l)
{
    free(l->load);
    free(l->last);
    free(l->readers);
}

/* Per global block: the chunks of each opcode arrived, and the positions of the latest
 * chunks of the tiles others wait for (RM for SLN; LM, SLD, SLNV for RM, RD, RNV). */
#define DEP_KEEP 4
enum { DK_RM, DK_LM, DK_SLD, DK_SLNV, DK_N };
typedef struct {
    uint32_t seen[2][ATTN_OPS];
    bool stored;                  /* its store has arrived */
    int64_t at[DK_N][DEP_KEEP];
    int64_t av;                   /* the AV tile's position, -1 */
    uint64_t vbase;               /* score banks: chunks its register block ran before */
    uint64_t av_start, st_done;   /* predicted: its AV's start, its store's completion */
    bool av_known, st_known;
} AttnBlk;

/* A DMA command not yet resolved: its event; for a load its piece, and the live piece
 * its copy held before (-1: none; a dead piece, never loaded, leaves the copy as it was)
 * with the number of 2D tiles that read it. */
typedef struct {
    AttnEvent e;
    uint64_t piece;
    int64_t replaced;
    uint64_t readers;
} AttnPend;

struct AttnLower {
    AttnProg p;                   /* sizes and layout; with keep, the whole program */
    RtlGeom g;
    Diag *d;
    bool dma, keep, copies_fit;
    int err;
    uint64_t NB, nq, nkv, n2, n1;
    AttnBlk *blk;
    AttnLoads l[3];               /* Q, K, V */
    uint64_t n_in[2], n_loads, n_stores;
    Deque pend[2], cmd_pend;      /* arrived, not yet resolved (AttnTile, AttnPend) */
    Deque cmd_blk;                /* per DMA command: a store's global block, else -1 */
    Pred x;                       /* resolved items and their prediction */
    uint64_t checked[2];          /* predicted items the output check has seen (AV, stores) */
};

static int fail(AttnLower *L)
{
    L->err = 1;
    return 1;
}

static bool rule_broken(AttnLower *L, int q, uint32_t op_a, uint64_t s_a, uint64_t b_a,
                        uint32_t op_b, uint64_t s_b, uint64_t b_b)
{
    /* an AV tile counts once (its chunk is the last) */
    if (L->blk[b_a].seen[q][op_a] > (q == ATTN_Q1D && op_a == A1_AV ? 0 : s_a))
        return false;
    Diag *d = L->d;
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

/* Whether tile (q, op, s) of block b may arrive now: every tile the register-safety rules
 * put before it has (over the block's live chunks; for a block that shares its register
 * block with an earlier one, b - ATTN_MAX_BLOCKS, also the rules across the two, whose
 * chunks run on as if the later block's were the earlier one's next ones). */
static bool order_ok(AttnLower *L, int q, uint32_t op, uint64_t s, uint64_t b)
{
    const size_t nr = sizeof attn_rules / sizeof *attn_rules;
    const AttnProg *p = &L->p;
    uint64_t last = lower_attn_live(p, b) - 1;
    if (q == ATTN_Q1D && op == A1_AV)
        return !rule_broken(L, q, A1_RD, last, b, A1_AV, s, b) &&
               !rule_broken(L, q, A1_RNV, last, b, A1_AV, s, b);
    for (size_t i = 0; i < nr; i++) {
        const AttnRule *r = &attn_rules[i];
        if (r->q != q || r->op_b != op)
            continue;
        int64_t sa = (int64_t)s - r->ds_b + r->ds_a;
        if (sa >= 0 && rule_broken(L, q, r->op_a, (uint64_t)sa, b, op, s, b))
            return false;
    }
    if (b < ATTN_MAX_BLOCKS)
        return true;
    uint64_t a = b - ATTN_MAX_BLOCKS, la = lower_attn_live(p, a) - 1;
    for (size_t i = 0; i < nr; i++) {
        const AttnRule *r = &attn_rules[i];
        uint64_t gap = (uint64_t)(r->ds_b - r->ds_a);   /* chunks from a's to b's */
        if (r->q != q || r->op_b != op || s >= gap || s + la + 1 < gap)
            continue;
        if (rule_broken(L, q, r->op_a, s + la + 1 - gap, a, op, s, b))
            return false;
    }
    if (q == ATTN_Q1D && s == 0 && (op == A1_RD || op == A1_RNV))
        return !rule_broken(L, q, A1_AV, p->steps - 1, a, op, s, b);
    return true;
}

/* The kind of tile a tile of opcode op waits for, and the one others wait for it as. */
static int dep_kind(int q, uint32_t op)
{
    if (q == ATTN_Q2D)
        return op == A2_SLN ? DK_RM : -1;
    return op == A1_RM ? DK_LM : op == A1_RD ? DK_SLD : op == A1_RNV ? DK_SLNV : -1;
}

static int target_kind(int q, uint32_t op)
{
    if (q == ATTN_Q1D)
        return op == A1_RM ? DK_RM : -1;
    return op == A2_LM ? DK_LM : op == A2_SLD ? DK_SLD : op == A2_SLNV ? DK_SLNV : -1;
}

static const uint32_t dk_op[DK_N] = { A1_RM, A2_LM, A2_SLD, A2_SLNV };

/* Pieces of a 2D tile's loads: its DRAM tile of Q (bh ntp + tile), its chunk of K or V. */
static uint64_t piece_q(const AttnProg *p, uint64_t gb)
{
    return gb / p->nb * p->ntp + gb % p->nb / p->nbt;
}

/* The 2D tiles that read piece i of Q (x = 0) or of K or V (x = 1, 2): the live items of
 * the DRAM tile's blocks (one BQK, or one SLNV, each). */
static uint64_t readers_of(const AttnLower *L, int x, uint64_t i)
{
    const AttnProg *p = &L->p;
    uint64_t qi = x ? i / p->steps : i, s = x ? i % p->steps : 0, n = 0;
    uint64_t bh = qi / p->ntp, t = qi % p->ntp;
    for (uint64_t pb = t * p->nbt; pb < p->nb && pb < (t + 1) * p->nbt; pb++) {
        uint64_t live = lower_attn_live(p, bh * p->nb + pb);
        n += x ? live > s : live;
    }
    return n;
}

static uint64_t width(uint64_t n, uint64_t i, uint64_t piece)
{
    uint64_t lo = i * piece;
    return n - lo < piece ? n - lo : piece;
}

/* The buffer layout, once the copies of all three tensors are known: lq.copies copies of
 * a DRAM tile of Q (E x ptile), then of a K chunk (E x R) and of a V chunk (F x R); the
 * output buffer AV by register blocks (F x C each). */
static int layout(AttnLower *L, const RtlGeom *g)
{
    AttnProg *p = &L->p;
    uint64_t cq = L->l[0].copies, ck = L->l[1].copies, cv = L->l[2].copies;
    if (L->copies_fit || !cq || !ck || !cv)
        return 0;
    uint64_t slots = umin(L->NB, ATTN_MAX_BLOCKS);
    p->q_base = 0;
    p->k_base = (uint32_t)(cq * p->E * p->ptile);
    p->v_base = (uint32_t)(p->k_base + ck * p->E * p->R);
    if (p->v_base + cv * p->F * p->R > g->glb_words || p->F * slots * p->C > g->glb_words) {
        diag_error(L->d, NULL, 0, "cosim: %" PRIu64 " copies of a DRAM tile of Q, %" PRIu64 " of "
                   "a K chunk and %" PRIu64 " of a V chunk (%" PRIu64 " words) do not fit the "
                   "attention buffer (%u words)", cq, ck, cv, p->v_base + cv * p->F * p->R,
                   g->glb_words);
        return fail(L);
    }
    L->copies_fit = true;
    return 0;
}

/* Resolves the head of 2D or 1D queue q while it can: its dependency's position, and
 * with the data in DRAM its buffer addresses and the loads it waits for. Returns whether
 * it moved. */
static bool resolve_tiles(AttnLower *L, int q)
{
    AttnProg *p = &L->p;
    bool moved = false;
    while (!L->err && L->pend[q].n) {
        uint64_t id = L->pend[q].base;
        AttnTile *t = dq_at(&L->pend[q], id);
        AttnBlk *k = &L->blk[t->blk];
        int dk = dep_kind(q, t->op);
        if (dk >= 0) {
            uint32_t seen = L->blk[t->blk].seen[1 - q][dk_op[dk]];
            if (seen <= t->s)
                break;
            if (seen - t->s > DEP_KEEP) {
                diag_error(L->d, NULL, 0, "cosim: internal: %s (chunk %u, block %u) waits for a "
                           "tile %u chunks back", lower_attn_op_name(q, t->op), t->s, t->blk,
                           seen - t->s);
                fail(L);
                break;
            }
            t->has_dep = true;
            t->dep = (uint32_t)k->at[dk][t->s % DEP_KEEP];
        }
        if (L->dma && q == ATTN_Q2D && (t->op == A2_BQK || t->op == A2_SLNV)) {
            uint64_t qi = piece_q(p, t->blk), ki = qi * p->steps + t->s, pb = t->blk % p->nb;
            const AttnLoads *lq = &L->l[0], *lk = &L->l[1], *lv = &L->l[2];
            if (!L->copies_fit)
                break;
            if (t->op == A2_BQK) {
                if (lq->load[qi] < 0 || lk->load[ki] < 0)
                    break;
                t->a = (uint32_t)(p->k_base + ki % lk->copies * p->E * p->R);
                t->lda = (uint32_t)width(p->M, t->s, p->R);
                t->b = (uint32_t)(p->q_base + qi % lq->copies * p->E * p->ptile + pb % p->nbt * p->C);
                t->ldb = (uint32_t)width(p->P, pb / p->nbt, p->ptile);
                t->need_loads = (uint32_t)(umax((uint64_t)lq->load[qi], (uint64_t)lk->load[ki]) + 1);
            } else {
                if (lv->load[ki] < 0)
                    break;
                t->a = (uint32_t)(p->v_base + ki % lv->copies * p->F * p->R);
                t->lda = (uint32_t)width(p->M, t->s, p->R);
                t->need_loads = (uint32_t)(lv->load[ki] + 1);
            }
        }
        *(AttnTile *)dq_push(&L->x.t[q]) = *t;
        dq_release(&L->pend[q], id + 1);
        moved = true;
    }
    return moved;
}

/* Resolves the head of the DMA program while it can: a load once the piece it replaces
 * in its copy has had all its readers (it waits until the last has issued) and the
 * buffer's layout is known, a store once its block's AV tile has arrived. */
static bool resolve_cmds(AttnLower *L)
{
    AttnProg *p = &L->p;
    bool moved = false;
    while (!L->err && L->cmd_pend.n) {
        uint64_t id = L->cmd_pend.base;
        const AttnPend *c = dq_at(&L->cmd_pend, id);
        const AttnEvent *e = &c->e;
        DmaCmd cmd;
        int64_t blk = -1;
        if (e->kind == AE_LOAD) {
            int x = (int)e->tensor;
            const AttnLoads *l = &L->l[x];
            if (!L->copies_fit)
                break;
            /* it waits until the last reader of the piece it replaces has issued */
            if (c->replaced >= 0 && l->readers[c->replaced] != c->readers)
                break;
            int64_t prev = c->replaced >= 0 ? l->last[c->replaced] : -1;
            uint64_t i = c->piece, dram, buf;
            if (x == 0) {
                dram = dram_attn_q(p, e->at.bh, 0, (uint64_t)e->at.tile * p->ptile);
                buf = p->q_base + i % l->copies * p->E * p->ptile;
            } else {
                dram = (x == 1 ? dram_attn_k : dram_attn_v)(p, e->at.bh, 0, (uint64_t)e->at.s * p->R);
                buf = x == 1 ? p->k_base + i % l->copies * p->E * p->R
                             : p->v_base + i % l->copies * p->F * p->R;
            }
            cmd = (DmaCmd){ DMA_LOAD, (uint32_t)x, (uint32_t)e->words, (uint32_t)dram,
                            (uint32_t)buf, (uint32_t)(prev + 1), e->start, e->end };
        } else {
            uint64_t pb = (uint64_t)e->at.tile * p->nbt + e->at.b, gb = e->at.bh * p->nb + pb;
            if (L->blk[gb].av < 0)
                break;
            cmd = (DmaCmd){ DMA_STORE, 3, (uint32_t)e->words,
                            (uint32_t)dram_attn_av(p, e->at.bh, 0, pb * p->C),
                            (uint32_t)(gb % ATTN_MAX_BLOCKS * p->F * p->C),
                            (uint32_t)(L->blk[gb].av + 1), e->start, e->end };
            blk = (int64_t)gb;
        }
        *(DmaCmd *)dq_push(&L->x.c) = cmd;
        dq_push(&L->x.done);
        *(int64_t *)dq_push(&L->cmd_blk) = blk;
        dq_release(&L->cmd_pend, id + 1);
        moved = true;
    }
    return moved;
}

/* A register block's AV overwrites its output words: only after the store of the block
 * before it in that register block has read them (the RTL does not wait for it). */
static int check_output(AttnLower *L, uint64_t gb)
{
    const AttnBlk *k = &L->blk[gb], *a = &L->blk[gb - ATTN_MAX_BLOCKS];
    if (!k->av_known || !a->st_known || k->av_start >= a->st_done)
        return 0;
    diag_error(L->d, NULL, 0, "cosim: block %" PRIu64 "'s AV (cycle %" PRIu64 ") would overwrite "
               "the output words of block %" PRIu64 " before their store has read them (cycle %"
               PRIu64 "): the RTL holds %d blocks' outputs", gb, k->av_start,
               gb - ATTN_MAX_BLOCKS, a->st_done, ATTN_MAX_BLOCKS);
    return fail(L);
}

/* Resolves and predicts as far as the events so far allow; checks the outputs. */
static int advance(AttnLower *L)
{
    bool moved = true;
    while (moved && !L->err) {
        moved = resolve_tiles(L, ATTN_Q2D);
        moved = resolve_tiles(L, ATTN_Q1D) || moved;
        moved = resolve_cmds(L) || moved;
        moved = pred_run(&L->x) || moved;
    }
    if (L->x.stale && !L->err) {
        diag_error(L->d, NULL, 0, "cosim: internal: a tile or transfer waits for one more than "
                   "%" PRIu64 " items back", ATTN_RING);
        fail(L);
    }
    if (!L->dma)
        return L->err;
    /* the AV tiles and stores predicted since the last call */
    for (uint64_t i = L->checked[0]; !L->err && i < L->x.head[ATTN_Q1D]; i++) {
        const AttnTile *t = dq_at(&L->x.t[ATTN_Q1D], i);
        if (t->op != A1_AV)
            continue;
        L->blk[t->blk].av_start = t->start_cyc, L->blk[t->blk].av_known = true;
        if (t->blk >= ATTN_MAX_BLOCKS)
            check_output(L, t->blk);
    }
    L->checked[0] = L->x.head[ATTN_Q1D];
    for (uint64_t i = L->checked[1]; !L->err && i < L->x.hd; i++) {
        int64_t gb = *(const int64_t *)dq_at(&L->cmd_blk, i);
        if (gb < 0)
            continue;
        L->blk[gb].st_done = *(const uint64_t *)dq_at(&L->x.done, i);
        L->blk[gb].st_known = true;
        if ((uint64_t)gb + ATTN_MAX_BLOCKS < L->NB)
            check_output(L, (uint64_t)gb + ATTN_MAX_BLOCKS);
    }
    L->checked[1] = L->x.hd;
    return L->err;
}

static int bad_tile(AttnLower *L, int q, const AttnSlot *o)
{
    diag_error(L->d, NULL, 0, "cosim: internal: tile %" PRIu64 " of queue %d (opcode %u, chunk %u, "
               "block %u of tile %u, (batch, head) %u) is not a tile of the cascade or repeats "
               "one", L->n_in[q], q, o->op, o->s, o->b, o->tile, o->bh);
    return fail(L);
}

/* A pass of the schedule: tile n_in[q] of queue q. */
static int push_pass(AttnLower *L, int q, const AttnSlot *o)
{
    AttnProg *p = &L->p;
    uint64_t pb = (uint64_t)o->tile * p->nbt + o->b, gb = o->bh * p->nb + pb;
    bool known = q == ATTN_Q2D ? o->op >= A2_BQK && o->op <= A2_SLNV
                               : q == ATTN_Q1D && o->op >= A1_RM && o->op <= A1_AV;
    bool av = q == ATTN_Q1D && o->op == A1_AV;
    if (!known || o->b >= p->nbt || pb >= p->nb || o->bh >= p->nbh)
        return bad_tile(L, q, o);
    AttnBlk *k = &L->blk[gb];
    uint64_t s = o->s;
    if (av ? s + 1 != p->steps || k->seen[q][o->op] : s >= lower_attn_live(p, gb) ||
                                                       s != k->seen[q][o->op])
        return bad_tile(L, q, o);
    if (!order_ok(L, q, o->op, s, gb))
        return fail(L);
    uint64_t pos = L->n_in[q]++;
    k->seen[q][o->op]++;
    int tk = target_kind(q, o->op);
    if (tk >= 0)
        k->at[tk][s % DEP_KEEP] = (int64_t)pos;
    AttnTile t;
    uint32_t ex = (uint32_t)(p->T + 2);
    if (q == ATTN_Q2D) {
        switch (o->op) {
        case A2_BQK:  t = t_bqk(p, s, gb); break;
        case A2_SLNV: t = t_slnv(p, s, gb); break;
        case A2_SLN:  t = t_one(A2_SLN, s, gb, ex); break;
        default:      t = t_one(o->op, s, gb, 1); break;   /* LM, SLD */
        }
        t.mask = item_partial(p, s, gb);
    } else {
        uint32_t len = o->op == A1_PRM ? ex : o->op >= A1_SPNV ? (uint32_t)p->F : 1;
        if (av) {
            t = (AttnTile){ .op = A1_AV, .blk = (uint32_t)gb, .s = (uint32_t)s };
            if (L->dma)
                t.b = (uint32_t)(gb % ATTN_MAX_BLOCKS * p->F * p->C),
                t.ldb = (uint32_t)width(p->P, pb, p->C);
            else
                t.b = (uint32_t)(gb * p->C), t.ldb = (uint32_t)p->Pp;
            k->av = (int64_t)pos;
        } else {
            t = t_one(o->op, s, gb, len);
        }
        t.len = len;
        if (o->op >= A1_SPNV)
            t.k = (uint32_t)p->F;
    }
    t.slot = (uint32_t)(gb % ATTN_MAX_BLOCKS);
    t.bank = (uint32_t)((k->vbase + s) & 1);
    if (L->dma && q == ATTN_Q2D && (o->op == A2_BQK || o->op == A2_SLNV)) {
        uint64_t qi = piece_q(p, gb), ki = qi * p->steps + s;
        AttnLoads *l = &L->l[o->op == A2_BQK ? 1 : 2];
        l->last[ki] = (int64_t)pos;
        l->readers[ki]++;
        if (o->op == A2_BQK)
            L->l[0].last[qi] = (int64_t)pos, L->l[0].readers[qi]++;
    }
    *(AttnTile *)dq_push(&L->pend[q]) = t;
    return 0;
}

/* A load or a store of the schedule (data in DRAM). */
static int push_move(AttnLower *L, const AttnEvent *e)
{
    AttnProg *p = &L->p;
    Diag *d = L->d;
    const AttnSlot *o = &e->at;
    if (o->bh >= p->nbh || o->tile >= p->ntp) {
        diag_error(d, NULL, 0, "cosim: the engine's schedule has more than one group, or a "
                   "(batch, head) or DRAM tile the attention lowering does not know");
        return fail(L);
    }
    uint64_t qi = (uint64_t)o->bh * p->ntp + o->tile, tw = width(p->P, o->tile, p->ptile);
    AttnPend *c = NULL;
    if (L->n_loads + L->n_stores + 1 >= ATTN_MAX_TILES) {
        diag_error(d, NULL, 0, "cosim: the DMA program exceeds the RTL's 32-bit command and "
                   "load counts (%d commands)", ATTN_MAX_TILES - 1);
        return fail(L);
    }
    if (e->kind == AE_LOAD && e->tensor <= 2) {
        /* piece i: Q's DRAM tile qi, or K's or V's chunk s of it */
        bool isq = e->tensor == 0;
        AttnLoads *l = &L->l[e->tensor];
        uint64_t s = o->s, i = isq ? qi : qi * p->steps + s;
        uint64_t words = isq ? p->E * tw : (e->tensor == 1 ? p->E : p->F) * width(p->M, s, p->R);
        if ((!isq && s >= p->steps) || i < l->next || e->words != words) {
            if (isq)
                diag_error(d, NULL, 0, "cosim: the engine loads %" PRIu64 " words of Q; the "
                           "attention DMA lowering loads one DRAM tile of Q (%" PRIu64 ") at a "
                           "time, once, in order", e->words, words);
            else
                diag_error(d, NULL, 0, "cosim: the engine's load of %s (chunk %" PRIu64 ") "
                           "moves %" PRIu64 " words; the attention DMA lowering loads one chunk "
                           "of %" PRIu64 " keys at a time, once per DRAM tile, in order",
                           e->tensor == 1 ? "K" : "V", s, e->words, p->R);
            return fail(L);
        }
        if (!l->copies)
            l->copies = e->copies ? e->copies : 1;
        c = dq_push(&L->cmd_pend);
        c->piece = i;
        c->replaced = -1;
        /* the pieces below i have had their loads (they come in order): the latest loaded
         * one in i's copy is the one it replaces */
        for (uint64_t j = i; j >= l->copies;) {
            j -= l->copies;
            if (l->load[j] >= 0) {
                c->replaced = (int64_t)j;
                c->readers = readers_of(L, (int)e->tensor, j);
                break;
            }
        }
        l->load[i] = (int64_t)L->n_loads++;
        l->next = i + 1;
    } else if (e->kind == AE_STORE && e->tensor == 3) {
        uint64_t pb = (uint64_t)o->tile * p->nbt + o->b, gb = o->bh * p->nb + pb;
        if (o->b >= p->nbt || pb >= p->nb || L->blk[gb].stored ||
            e->words != p->F * width(p->P, pb, p->C)) {
            diag_error(d, NULL, 0, "cosim: the engine's store %" PRIu64 " of AV (%" PRIu64
                       " words) is not one block of %" PRIu64 " queries", L->n_stores, e->words,
                       p->C);
            return fail(L);
        }
        L->blk[gb].stored = true;
        L->n_stores++;
        c = dq_push(&L->cmd_pend);
    } else {
        diag_error(d, NULL, 0, "cosim: the engine's schedule moves a tensor the attention "
                   "DMA lowering does not know");
        return fail(L);
    }
    c->e = *e;
    return layout(L, &L->g);
}

AttnLower *lower_attn_begin(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M,
                            uint64_t P, uint64_t M0, bool causal, uint64_t nbh, uint64_t ptile,
                            bool dram, bool dma, bool keep, Diag *d)
{
    uint64_t R = g->rows, C = g->cols;
    if (M0 != R) {
        diag_error(d, NULL, 0, "cosim: attention needs mapping.partitions.M0 = the 2D array rows "
                   "(%" PRIu64 "), not %" PRIu64, R, M0);
        return NULL;
    }
    if (causal && (M != P || R != C)) {
        diag_error(d, NULL, 0, "cosim: causal attention needs M = P (got %" PRIu64 ", %" PRIu64
                   ") and a square array (got %" PRIu64 "x%" PRIu64 "): the PEs mask the diagonal "
                   "of a tile whose key chunk and query block start together", M, P, R, C);
        return NULL;
    }
    if (!causal && (M % R || P % C)) {
        diag_error(d, NULL, 0, "cosim: attention needs M (%" PRIu64 ") a multiple of the rows (%"
                   PRIu64 ") and P (%" PRIu64 ") a multiple of the columns (%" PRIu64 ")",
                   M, R, P, C);
        return NULL;
    }
    uint64_t Mp = (M + R - 1) / R * R, Pp = (P + C - 1) / C * C;
    nbh = nbh ? nbh : 1;
    uint64_t pt = ptile && ptile < P ? ptile : Pp;
    if (pt % C || pt / C > ATTN_MAX_BLOCKS) {
        diag_error(d, NULL, 0, "cosim: the engine's DRAM tile of P has %" PRIu64 " queries; the "
                   "RTL needs whole blocks of %" PRIu64 ", at most %d of them (P <= %" PRIu64
                   " or mapping.groups.attention.loop.tile <= %" PRIu64 ")", pt, C,
                   ATTN_MAX_BLOCKS, (uint64_t)ATTN_MAX_BLOCKS * C, (uint64_t)ATTN_MAX_BLOCKS * C);
        return NULL;
    }
    if (F > ATTN_MAX_F || E > 65535 || F < 1 || E < 1) {
        diag_error(d, NULL, 0, "cosim: the RTL takes F <= %d and E <= 65535, got F = %" PRIu64
                   ", E = %" PRIu64, ATTN_MAX_F, F, E);
        return NULL;
    }
    if (nbh * Pp / C > UINT32_MAX) {
        diag_error(d, NULL, 0, "cosim: %" PRIu64 " (batch, head)s of %" PRIu64 " query blocks "
                   "exceed the 32-bit block numbers", nbh, Pp / C);
        return NULL;
    }
    if (!dram && (nbh != 1 || pt != Pp)) {
        diag_error(d, NULL, 0, "cosim: with the data on chip the RTL runs one (batch, head) and "
                   "P whole");
        return NULL;
    }
    if (!dram && (E * Pp + E * Mp + F * Mp > g->glb_words || F * Pp > g->glb_words)) {
        diag_error(d, NULL, 0, "cosim: Q, K and V (%" PRIu64 " words) or AV (%" PRIu64 ") do not "
                   "fit the RTL buffers (%u words each)", E * Pp + E * Mp + F * Mp, F * Pp,
                   g->glb_words);
        return NULL;
    }
    if (g->stg != ATTN_STG) {
        diag_error(d, NULL, 0, "cosim: the RTL stages the 2D array's results for %d cycles on "
                   "their way to the 1D array; the architecture's staging level (regfile) says "
                   "latency_cycles = %u", ATTN_STG, g->stg);
        return NULL;
    }
    if (g->in_latency != 1) {
        diag_error(d, NULL, 0, "cosim: attention runs on rtl/einsim_top.v, whose operands reach "
                   "the array through one register; the architecture's array2d says in_latency "
                   "= %u", g->in_latency);
        return NULL;
    }
    if (g->glb_words > ATTN_MAX_ADDR + 1) {
        diag_error(d, NULL, 0, "cosim: the attention tile words hold 24-bit buffer addresses; the "
                   "buffer has %u words (at most %u)", g->glb_words, ATTN_MAX_ADDR + 1);
        return NULL;
    }
    AttnLower *L = xcalloc(1, sizeof *L);
    AttnProg *p = &L->p;
    L->d = d, L->g = *g, L->dma = dma, L->keep = keep;
    p->E = E, p->F = F, p->M = M, p->P = P, p->R = R, p->C = C, p->T = T;
    p->Mp = Mp, p->Pp = Pp, p->causal = causal;
    p->nb = Pp / C;
    p->steps = Mp / R;
    p->nbh = nbh, p->ptile = pt, p->nbt = pt / C, p->ntp = (Pp + pt - 1) / pt;
    p->q_base = 0;
    p->k_base = (uint32_t)(E * Pp);
    p->v_base = (uint32_t)(E * Pp + E * Mp);
    L->NB = nbh * p->nb;
    L->blk = xcalloc(L->NB, sizeof *L->blk);
    uint64_t live = 0;
    for (uint64_t b = 0; b < L->NB; b++) {
        live += lower_attn_live(p, b);
        L->blk[b].av = -1;
        /* score banks alternate over the chunks a register block runs, across its blocks */
        if (b >= ATTN_MAX_BLOCKS)
            L->blk[b].vbase = L->blk[b - ATTN_MAX_BLOCKS].vbase +
                              lower_attn_live(p, b - ATTN_MAX_BLOCKS);
    }
    L->n2 = live * 5, L->n1 = live * 6 + L->NB;
    /* The queues are rings the host keeps fed: a queue's program (and its END) is bounded
     * by the 32-bit absolute tile ids and the program's int count, not by the ring. */
    if (L->n2 + 1 > ATTN_MAX_TILES || L->n1 + 1 > ATTN_MAX_TILES) {
        diag_error(d, NULL, 0, "cosim: %" PRIu64 " + %" PRIu64 " tiles exceed the RTL's attention "
                   "queues (%d tiles each); use a smaller seq", L->n2, L->n1, ATTN_MAX_TILES - 1);
        lower_attn_close(L);
        return NULL;
    }
    dq_init(&L->pend[0], sizeof(AttnTile));
    dq_init(&L->pend[1], sizeof(AttnTile));
    dq_init(&L->cmd_pend, sizeof(AttnPend));
    dq_init(&L->cmd_blk, sizeof(int64_t));
    dq_init(&L->x.t[0], sizeof(AttnTile));
    dq_init(&L->x.t[1], sizeof(AttnTile));
    dq_init(&L->x.c, sizeof(DmaCmd));
    dq_init(&L->x.done, sizeof(uint64_t));
    if (dma) {
        /* DRAM: per (batch, head), Q by DRAM tiles (tile t: E x its queries), K by chunks
         * of R keys (E x its keys), V likewise (F x keys), AV by blocks of C queries (F x
         * its queries). */
        p->dram_q = 0;
        p->dram_k = E * P;
        p->dram_v = p->dram_k + E * M;
        p->dram_av = p->dram_v + F * M;
        p->dram_bh = p->dram_av + F * P;
        if (nbh * p->dram_bh > UINT32_MAX) {
            diag_error(d, NULL, 0, "cosim: Q, K, V and AV exceed the 32-bit DRAM addresses");
            lower_attn_close(L);
            return NULL;
        }
        p->dram_bpc = g->dram_bpc;
        p->dram_latency = g->dram_latency;
        p->word_bits = g->word_bits;
        L->nq = nbh * p->ntp, L->nkv = L->nq * p->steps;
        loads_init(&L->l[0], L->nq);
        loads_init(&L->l[1], L->nkv);
        loads_init(&L->l[2], L->nkv);
    }
    pred_init(&L->x, p);
    return L;
}

int lower_attn_push(AttnLower *L, const AttnEvent *e)
{
    if (L->err)
        return 1;
    int rc = e->kind == AE_PASS ? push_pass(L, e->q, &e->at)
           : L->dma ? push_move(L, e) : 0;      /* without the DMA, its events are not lowered */
    return rc || advance(L);
}

int lower_attn_finish(AttnLower *L)
{
    if (L->err || advance(L))
        return 1;
    AttnProg *p = &L->p;
    Diag *d = L->d;
    if (L->n_in[ATTN_Q2D] != L->n2 || L->n_in[ATTN_Q1D] != L->n1) {
        diag_error(d, NULL, 0, "cosim: internal: the schedule has %" PRIu64 " + %" PRIu64 " tiles; "
                   "the cascade has %" PRIu64 " + %" PRIu64, L->n_in[0], L->n_in[1], L->n2, L->n1);
        return fail(L);
    }
    if (L->dma && L->n_stores != L->NB) {
        diag_error(d, NULL, 0, "cosim: the engine's schedule stores %" PRIu64 " blocks of AV; "
                   "the attention has %" PRIu64, L->n_stores, L->NB);
        return fail(L);
    }
    if (L->pend[ATTN_Q2D].n) {
        const AttnTile *t = dq_at(&L->pend[ATTN_Q2D], L->pend[ATTN_Q2D].base);
        diag_error(d, NULL, 0, "cosim: the engine's schedule never loads the %s %s reads (chunk "
                   "%u, block %u)", t->op == A2_BQK ? "Q or K" : "V", t->op == A2_BQK ? "a BQK"
                   : "an SLNV", t->s, t->blk);
        return fail(L);
    }
    if (L->pend[ATTN_Q1D].n || L->cmd_pend.n || !pred_caught_up(&L->x)) {
        diag_error(d, NULL, 0, "cosim: internal: the attention tile%s programs deadlock",
                   L->dma ? " and DMA" : "");
        return fail(L);
    }
    p->cycles = L->x.cycles;
    return 0;
}

const AttnProg *lower_attn_prog(const AttnLower *L) { return &L->p; }

uint64_t lower_attn_ready(const AttnLower *L, int q)
{
    return q == ATTN_QDMA ? L->x.hd : L->x.head[q];
}

const AttnTile *lower_attn_tile(const AttnLower *L, int q, uint64_t id)
{
    return dq_at(&L->x.t[q], id);
}

const DmaCmd *lower_attn_cmd(const AttnLower *L, uint64_t id, uint64_t *done)
{
    *done = *(const uint64_t *)dq_at(&L->x.done, id);
    return dq_at(&L->x.c, id);
}

void lower_attn_release(AttnLower *L, int q, uint64_t below)
{
    if (L->keep)
        return;
    if (q == ATTN_QDMA) {
        below = umin(below, umin(L->x.hd, L->checked[1]));
        dq_release(&L->x.c, below);
        dq_release(&L->x.done, below);
        dq_release(&L->cmd_blk, below);
    } else {
        below = umin(below, L->x.head[q]);
        if (q == ATTN_Q1D)
            below = umin(below, L->checked[0]);
        dq_release(&L->x.t[q], below);
    }
}

int lower_attn_take(AttnLower *L, AttnProg *p)
{
    if (lower_attn_finish(L))
        return 1;
    *p = L->p;
    for (int q = 0; q < 2; q++) {
        p->t[q] = (AttnTile *)(void *)L->x.t[q].v;
        p->n[q] = (int)L->x.t[q].n;
        L->x.t[q].v = NULL;
    }
    p->dma = (DmaCmd *)(void *)L->x.c.v;
    p->n_dma = (int)L->x.c.n;
    p->dma_done = (uint64_t *)(void *)L->x.done.v;
    L->x.c.v = L->x.done.v = NULL;
    if (!p->dma_done)
        p->dma_done = xcalloc(1, sizeof *p->dma_done);
    return 0;
}

void lower_attn_close(AttnLower *L)
{
    if (!L)
        return;
    free(L->blk);
    for (int x = 0; L->dma && x < 3; x++)
        loads_free(&L->l[x]);
    free(L->pend[0].v);
    free(L->pend[1].v);
    free(L->cmd_pend.v);
    free(L->cmd_blk.v);
    free(L->x.t[0].v);
    free(L->x.t[1].v);
    free(L->x.c.v);
    free(L->x.done.v);
    pred_free(&L->x);
    free(L);
}

/* The two queues' orders pushed in turn: each queue until a tile of it waits for one of
 * the other, as the engine's schedule interleaves them (a tile never waits for one more
 * than a few chunks of its block back). */
int lower_attn(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M, uint64_t P,
               uint64_t M0, bool causal, const AttnOrder *ord, AttnProg *p, Diag *d)
{
    memset(p, 0, sizeof *p);
    AttnLower *L = lower_attn_begin(g, T, E, F, M, P, M0, causal, ord->nbh, ord->ptile, ord->dram,
                                    false, true, d);
    if (!L)
        return 1;
    int i[2] = { 0, 0 };
    while (!L->err && (i[0] < ord->n[0] || i[1] < ord->n[1])) {
        bool moved = false;
        for (int q = 0; q < 2 && !L->err; q++)
            while (i[q] < ord->n[q] && !L->pend[q].n && !L->err) {
                AttnEvent e = { .kind = AE_PASS, .q = q, .at = ord->v[q][i[q]++] };
                lower_attn_push(L, &e);
                moved = true;
            }
        if (!moved) {                     /* both wait: the next in turn anyway */
            int q = i[0] < ord->n[0] ? 0 : 1;
            AttnEvent e = { .kind = AE_PASS, .q = q, .at = ord->v[q][i[q]++] };
            lower_attn_push(L, &e);
        }
    }
    int rc = L->err || lower_attn_take(L, p);
    lower_attn_close(L);
    return rc;
}

int lower_attn_events(const RtlGeom *g, uint64_t T, uint64_t E, uint64_t F, uint64_t M,
                      uint64_t P, uint64_t M0, bool causal, uint64_t nbh, uint64_t ptile,
                      const AttnEvent *ev, size_t n, AttnProg *p, Diag *d)
{
    memset(p, 0, sizeof *p);
    AttnLower *L = lower_attn_begin(g, T, E, F, M, P, M0, causal, nbh, ptile, true, true, true, d);
    if (!L)
        return 1;
    for (size_t i = 0; i < n && !L->err; i++)
        lower_attn_push(L, &ev[i]);
    int rc = L->err || lower_attn_take(L, p);
    lower_attn_close(L);
    return rc;
}

void lower_attn_order_free(AttnOrder *o)
{
    free(o->v[0]);
    free(o->v[1]);
    memset(o, 0, sizeof *o);
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
