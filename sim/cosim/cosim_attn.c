/* cosim_attn.c — `einsim cosim` on attention: the FuseMax 1-pass cascade, dense
 * (attention-1pass) or causal (attention-causal), with its data in DRAM: the engine's
 * cycle-level schedule lowered, event by event as the engine runs, to the two attention
 * tile queues and the DMA program (sim/lower/lower_attn.c), run on the Verilated RTL
 * behind the lowering and compared with the C model: every tile's start and end with the
 * tile and DMA rules as its stamps come back, every AV word (read back from DRAM) bit for
 * bit with the fixed-point interpreter (run on its own thread meanwhile), the traffic
 * counters with the engine's traffic table, the fixed-point AV within the bound of
 * sim/func/README.md (16 LSB) of a direct double softmax(QK^T)V (causal: over the keys
 * m <= p), and the RTL's whole run within 1 % of the engine's cycle level (`einsim run
 * --level cycle`, data in DRAM). Memory does not grow with the run's length: lowered
 * items are dropped once the RTL is past them.
 * The tile queues are rings of ATTN_QUEUE_TILES slots (rtl/README.md, "Attention"): the
 * host loads the first tiles, then runs in slices and refills the slots of the tiles that
 * have ended between them, so a program may be much longer than the ring. The DMA
 * program is a ring too (rtl/README.md, "DRAM and the DMA program"), fed the same way
 * (DmaFeed, cosim_common.h): its slots free as its commands issue. */
#include "cosim/cosim_common.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosim/cosim.h"
#include "engine/engine.h"
#include "func/interp.h"
#include "cosim/dram_lower.h"
#include "lower/lower_attn.h"
#include "run/run.h"

/* The validated bound of 1-pass attention in fixed point vs the exact result
 * (sim/func/README.md, "Validated error bounds"). */
#define ATTN_BOUND_LSB 16.0
/* ... validated for rows of at most this many keys: beyond, a softmax weight falls below
 * the words' resolution, so the error is reported, not checked. */
#define ATTN_BOUND_MAX_M 256

/* The fixed-point model runs on windows of queries of at most this many tensor elements
 * (about 9 bytes each): a long sequence's P x M intermediates need not fit at once. */
#define ATTN_FUNC_ELEMENTS ((size_t)1 << 25)

/* The mismatches: the first ATTN_LINES of each kind (an output value, or anything else)
 * listed with the cycle each concerns, the rest counted; and the earliest by cycle of all
 * and of the values, kept whether listed or not (a long run that fails everywhere stays
 * bounded). */
#define ATTN_LINES 1000
typedef struct {
    char **v;
    uint64_t *cyc;
    size_t n, cap;
    uint64_t total, kind[2];      /* all; per kind (0 other, 1 value) */
    char *first[2];               /* the earliest of all, of the values */
    uint64_t first_cyc[2];
} Lines;

static void keep_first(Lines *l, int k, uint64_t cycle, const char *s)
{
    if (l->first[k] && cycle >= l->first_cyc[k])
        return;
    free(l->first[k]);
    l->first[k] = xstrdup(s);
    l->first_cyc[k] = cycle;
}

static void add_line(Lines *l, uint64_t cycle, bool value, char *s)
{
    keep_first(l, 0, cycle, s);
    if (value)
        keep_first(l, 1, cycle, s);
    l->total++;
    if (l->kind[value]++ >= ATTN_LINES) {
        free(s);
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
        l->cyc = xrealloc(l->cyc, l->cap * sizeof *l->cyc);
    }
    l->cyc[l->n] = cycle;
    l->v[l->n++] = s;
}

static void lines_free(Lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->cyc);
    free(l->first[0]);
    free(l->first[1]);
}

static int rank_size(const RunInputs *ri, const char *name, uint64_t *out, Diag *d)
{
    int r = cascade_find_rank(ri->cascade, name);
    if (r < 0) {
        diag_error(d, ri->cascade->path, 0, "cosim: cascade %s has no rank %s", ri->cascade->name,
                   name);
        return 1;
    }
    *out = (uint64_t)ri->sizes.size[r];
    return 0;
}

/* The queries of one window: P halved until the evaluation holds at most
 * ATTN_FUNC_ELEMENTS elements (or one query). */
static uint64_t window_queries(const Cascade *c, const RankBinding *all, int rP)
{
    RankBinding b = *all;
    for (;;) {
        size_t n = 0;
        for (int t = 0; t < c->n_tensors; t++)
            n += func_tensor_elems(c, &b, t);
        if (n <= ATTN_FUNC_ELEMENTS || b.size[rP] == 1)
            return (uint64_t)b.size[rP];
        b.size[rP] = (b.size[rP] + 1) / 2;
    }
}

/* The opcode's name (lower/opcodes.h); the 2D pair is shown as its two Einsums. */
static const char *op_name(int q, uint32_t op)
{
    return q == ATTN_Q2D && op == A2_PAIR ? "BQK|SLNV" : lower_attn_op_name(q, op);
}

/* The C model's AV on a thread of its own (it needs nothing of the RTL's run): per
 * (batch, head) the fixed-point model on windows of S queries (their rows are
 * independent: func_set_origin), want[(bh F + f) P + p]; and the worst difference of the
 * fixed point from the exact softmax(QK^T)V (causal: over the keys m <= p). */
typedef struct {
    const Cascade *c;
    const RankBinding *sizes;
    const FxFormat *fx;
    double ***in;
    uint64_t nbh, E, F, M, P, S;
    int rP, tQ, tK, tV, tAV;
    bool causal;
    int64_t *want;
    double worst, seconds;        /* seconds: the fixed-point model's */
    Diag d;
    int rc;
    atomic_bool stop;             /* the run failed: give up */
} Values;

static void *values_run(void *arg)
{
    Values *v = arg;
    uint64_t E = v->E, F = v->F, M = v->M, P = v->P, S = v->S;
    double *s = xcalloc(M, sizeof *s), *qw = xcalloc(E * S, sizeof *qw);
    for (uint64_t bh = 0; bh < v->nbh && !v->rc; bh++) {
        const double *Q = v->in[bh][v->tQ], *K = v->in[bh][v->tK], *V = v->in[bh][v->tV];
        for (uint64_t p0 = 0; p0 < P && !v->rc && !atomic_load(&v->stop); p0 += S) {
            uint64_t w = P - p0 < S ? P - p0 : S;
            double t0 = cosim_now_s();
            RankBinding b = *v->sizes;
            b.size[v->rP] = (int64_t)w;
            FuncEval *fw = func_new(v->c, &b, FUNC_FIXED, v->fx, NULL, &v->d);
            if (!fw) {
                v->rc = 1;
                break;
            }
            for (uint64_t e = 0; e < E; e++)
                memcpy(qw + e * w, Q + e * P + p0, w * sizeof *qw);
            func_set_input(fw, v->tQ, qw);
            func_set_input(fw, v->tK, K);
            func_set_input(fw, v->tV, V);
            func_set_origin(fw, v->rP, (int64_t)p0);
            func_run(fw);
            v->seconds += cosim_now_s() - t0;
            const FuncTensor *AV = func_tensor(fw, v->tAV);
            for (uint64_t p = p0; p < p0 + w; p++) {
                double mx = -INFINITY, den = 0;
                uint64_t nk = v->causal ? p + 1 : M;   /* the keys query p sees */
                for (uint64_t m = 0; m < nk; m++) {
                    double acc = 0;
                    for (uint64_t e = 0; e < E; e++)
                        acc += Q[e * P + p] * K[e * M + m];
                    s[m] = acc;
                    mx = acc > mx ? acc : mx;
                }
                for (uint64_t m = 0; m < nk; m++)
                    den += (s[m] = exp(s[m] - mx));
                for (uint64_t f = 0; f < F; f++) {
                    double num = 0;
                    for (uint64_t m = 0; m < nk; m++)
                        num += s[m] * V[f * M + m];
                    int64_t want = AV->q[f * w + (p - p0)];
                    v->want[(bh * F + f) * P + p] = want;
                    double err = fabs(fx_to_double(v->fx, want) - num / den);
                    v->worst = err > v->worst ? err : v->worst;
                }
            }
            func_free(fw);
        }
    }
    free(s);
    free(qw);
    return NULL;
}

/* The co-simulation streamed from the engine's schedule: each event lowered as it comes
 * (AttnLower), the RTL run in slices whenever each tile queue has a ring's worth of
 * predicted tiles ahead of the RTL (or the schedule has ended), each tile compared as its
 * stamps are read back, and lowered items dropped once the RTL is past them, so that
 * memory stays bounded however long the run.
 * Host side of the two tile queues: tile t of queue q lives in slot t mod slots of the
 * RTL's ring; the host keeps tiles [seen, tail) loaded, at most `window` of them, where
 * every tile before seen has ended and its stamps have been compared. A run slice never
 * lasts longer than the tiles loaded but not yet issued of a queue that has tiles left to
 * load: each tile holds its unit at least one cycle, so the queue cannot reach its tail
 * while the host is not looking. Writes go through the host port (hload, no core clock);
 * each read is one evaluation of the model. The DMA ring is fed the same way (DmaFeed). */
typedef struct {
    const CosimLib *lib;
    CosimHandle *h;
    const RunInputs *ri;
    const RtlGeom *g;
    const FxFormat *fx;
    uint64_t E, F, M, P, M0;
    bool causal, keep;
    uint64_t seed;
    double ***in;                     /* each (batch, head)'s inputs */
    int tQ, tK, tV, tAV, rP;
    Values vals;                      /* the C model's values, on thread vt */
    pthread_t vt;
    bool vt_started;
    EngineResult *res;
    Diag *d;
    AttnLower *L;
    bool lowered;                     /* every event pushed and the lowering finished */
    CosimRun run;
    bool started, ended;
    uint32_t slots, window;           /* the RTL's ring; tiles the host keeps loaded */
    uint64_t tail[2], seen[2];        /* absolute tile counts; tail includes the END */
    uint64_t slices, refills, reads;  /* slices run, tiles written, reads made */
    DmaFeed dma;
    uint64_t dma_seen, dma_same, dma_first, dma_first_done, dma_first_end;
    uint64_t max_err;
    uint32_t *av_tile;                /* each global block's AV tile, and its predicted end */
    uint64_t *av_end;
    Lines mm;
} AttnRun;

static const DmaCmd *dma_get(void *src, uint64_t i)
{
    uint64_t done;
    return lower_attn_cmd(src, i, &done);
}

/* Writes the inputs into DRAM in the lowering's layout (dram_attn_*): per (batch, head)
 * Q, K, V, then AV. */
static void write_dram(AttnRun *r)
{
    const AttnProg *p = lower_attn_prog(r->L);
    const CosimLib *lib = r->lib;
    uint64_t wmask = (((uint64_t)1 << r->g->word_bits) - 1);
    for (uint64_t bh = 0; bh < p->nbh; bh++) {
        const double *Q = r->in[bh][r->tQ], *K = r->in[bh][r->tK], *V = r->in[bh][r->tV];
        for (uint64_t e = 0; e < r->E; e++)
            for (uint64_t q = 0; q < r->P; q++)
                lib->dram_write(r->h, dram_attn_q(p, bh, e, q),
                                (uint64_t)fx_from_double(r->fx, Q[e * r->P + q]) & wmask);
        for (uint64_t m = 0; m < r->M; m++) {
            for (uint64_t e = 0; e < r->E; e++)
                lib->dram_write(r->h, dram_attn_k(p, bh, e, m),
                                (uint64_t)fx_from_double(r->fx, K[e * r->M + m]) & wmask);
            for (uint64_t f = 0; f < r->F; f++)
                lib->dram_write(r->h, dram_attn_v(p, bh, f, m),
                                (uint64_t)fx_from_double(r->fx, V[f * r->M + m]) & wmask);
        }
    }
    lib->dram_write(r->h, dram_attn_av(p, p->nbh - 1, r->F - 1, r->P - 1), 0);   /* holds AV */
}

/* run_attn_stream's start: the lowering for the engine's tiling, the DRAM image. */
static int on_start(void *ctx, const AttnOrder *o)
{
    AttnRun *r = ctx;
    r->L = lower_attn_begin(r->g, (uint64_t)r->fx->T, r->E, r->F, r->M, r->P, r->M0, r->causal,
                            o->nbh, o->ptile, true, true, r->keep, r->d);
    if (!r->L)
        return 1;
    const AttnProg *p = lower_attn_prog(r->L);
    const Cascade *c = r->ri->cascade;
    r->dma.src = r->L;
    r->av_tile = xcalloc(p->nbh * p->nb, sizeof *r->av_tile);
    r->av_end = xcalloc(p->nbh * p->nb, sizeof *r->av_end);
    /* Each (batch, head) its own inputs (seed, then a seed per (batch, head)). */
    r->in = xcalloc(p->nbh, sizeof *r->in);
    for (uint64_t bh = 0; bh < p->nbh; bh++)
        r->in[bh] = func_random_inputs(c, &r->ri->sizes, r->seed + bh * 0x9e3779b97f4a7c15ull,
                                       -1.0, 1.0, ldexp(1.0, -r->fx->F));
    write_dram(r);
    /* The C model's values on a thread of their own while the RTL runs. */
    Values *v = &r->vals;
    *v = (Values){ .c = c, .sizes = &r->ri->sizes, .fx = r->fx, .in = r->in, .nbh = p->nbh,
                   .E = r->E, .F = r->F, .M = r->M, .P = r->P,
                   .S = window_queries(c, &r->ri->sizes, r->rP), .rP = r->rP, .tQ = r->tQ,
                   .tK = r->tK, .tV = r->tV, .tAV = r->tAV, .causal = r->causal,
                   .want = xcalloc(p->nbh * r->F * r->P, sizeof *v->want) };
    diag_init(&v->d);
    atomic_init(&v->stop, false);
    r->vt_started = pthread_create(&r->vt, NULL, values_run, v) == 0;
    if (!r->vt_started)
        values_run(v);
    return 0;
}

/* Loads queue q's predicted tiles up to seen + window (and its END once the lowering has
 * finished), then its tail. */
static void feed_refill(AttnRun *r, int q)
{
    uint64_t ready = lower_attn_ready(r->L, q), n = ready + r->lowered;
    uint64_t upto = r->seen[q] + r->window;
    upto = upto < n ? upto : n;
    if (upto <= r->tail[q])
        return;
    int sel = q == ATTN_Q2D ? COSIM_Q2D : COSIM_Q1D;
    for (uint64_t t = r->tail[q]; t < upto; t++) {
        uint64_t w[4];
        lower_attn_encode(t < ready ? lower_attn_tile(r->L, q, t) : NULL, w);
        uint32_t base = (uint32_t)(4 * (t % r->slots));
        for (int k = 0; k < 4; k++)
            r->lib->hload(r->h, sel, base + (uint32_t)k, w[k]);
    }
    r->refills += upto - r->tail[q];
    r->tail[q] = upto;
    r->lib->hload(r->h, sel, COSIM_TAIL, upto);
}

/* Reads queue q's progress: the tiles issued, and the stamps of the oldest unread tiles
 * that have ended (in order, up to the first that has not), each compared with its
 * prediction. Returns the tiles issued. */
static uint64_t feed_collect(AttnRun *r, int q)
{
    int ended = q == ATTN_Q2D ? COSIM_ENDED2D : COSIM_ENDED1D;
    int ss = q == ATTN_Q2D ? COSIM_START2D : COSIM_START1D;
    uint64_t issued = r->lib->read(r->h, ended, COSIM_ISSUED) & 0xffffffffu;
    uint64_t n = lower_attn_ready(r->L, q);
    r->reads++;
    while (r->seen[q] < n && r->seen[q] < issued) {
        uint64_t t = r->seen[q];
        uint32_t slot = (uint32_t)(t % r->slots);
        r->reads++;
        if (r->lib->read(r->h, ended, slot) != t + 1)
            break;
        uint64_t st = r->lib->read(r->h, ss, slot), en = r->lib->read(r->h, ss + 1, slot);
        r->reads += 2;
        const AttnTile *at = lower_attn_tile(r->L, q, t);
        uint64_t es = st > at->start_cyc ? st - at->start_cyc : at->start_cyc - st;
        uint64_t ee = en > at->end_cyc ? en - at->end_cyc : at->end_cyc - en;
        r->max_err = es > r->max_err ? es : r->max_err;
        r->max_err = ee > r->max_err ? ee : r->max_err;
        if (es || ee)
            add_line(&r->mm, st, false,
                     xasprintf("%s tile %" PRIu64 " (%s block %u) cycle %" PRIu64 ": start %"
                               PRIu64 " / end %" PRIu64 " in the RTL, %" PRIu64 " / %" PRIu64
                               " predicted", q == ATTN_Q2D ? "2D" : "1D", t, op_name(q, at->op),
                               at->blk, st, st, en, at->start_cyc, at->end_cyc));
        if (q == ATTN_Q1D && at->op == A1_AV)
            r->av_tile[at->blk] = (uint32_t)t, r->av_end[at->blk] = at->end_cyc;
        r->seen[q]++;
    }
    lower_attn_release(r->L, q, r->seen[q]);
    return issued;
}

/* The DMA ring: refilled, its issued commands compared with the engine's transfers and
 * dropped. Returns its bound on the next slice. */
static uint64_t feed_dma(AttnRun *r)
{
    r->dma.n = lower_attn_ready(r->L, ATTN_QDMA);
    r->dma.more = !r->lowered;
    uint64_t bound = cosim_dma_feed(&r->dma);
    uint64_t upto = r->ended ? r->dma.n : r->dma.issued;   /* all once the run is over */
    for (; r->dma_seen < upto; r->dma_seen++) {
        uint64_t done;
        const DmaCmd *c = lower_attn_cmd(r->L, r->dma_seen, &done);
        if (done == c->end)
            r->dma_same++;
        else if (r->dma_first == UINT64_MAX)
            r->dma_first = r->dma_seen, r->dma_first_done = done, r->dma_first_end = c->end;
    }
    lower_attn_release(r->L, ATTN_QDMA, r->dma_seen);
    return bound;
}

/* Collects, refills and bounds the next slice (UINT64_MAX: none; 0: more input first). */
static uint64_t feed_slice(AttnRun *r)
{
    uint64_t bound = UINT64_MAX;
    double t0 = cosim_now_s();
    r->slices++;
    for (int q = 0; q < 2; q++) {
        uint64_t issued = feed_collect(r, q);
        feed_refill(r, q);
        if (!r->lowered || r->tail[q] < lower_attn_ready(r->L, q) + 1) {
            /* loaded but not issued; a full ring whose oldest tile has not ended makes the
             * queue wait (the stamps say so): one cycle at a time; an empty one, input */
            uint64_t ahead = r->tail[q] > issued ? r->tail[q] - issued
                           : r->tail[q] == r->seen[q] + r->window ? 1 : 0;
            bound = ahead < bound ? ahead : bound;
        }
    }
    uint64_t dma = feed_dma(r);
    r->run.seconds += cosim_now_s() - t0;
    return dma < bound ? dma : bound;
}

/* Whether each tile queue has a ring's worth of predicted tiles past the RTL's. */
static bool ahead(const AttnRun *r)
{
    for (int q = 0; q < 2; q++)
        if (lower_attn_ready(r->L, q) < r->seen[q] + r->window)
            return false;
    return true;
}

/* Runs the RTL as far as the lowered program allows: while each queue has enough ahead,
 * or to the end once the lowering has finished. */
static void pump(AttnRun *r)
{
    while (!r->ended && (r->lowered || ahead(r))) {
        if (!r->started) {               /* the first tiles and commands before start */
            for (int q = 0; q < 2; q++)
                feed_refill(r, q);
            feed_dma(r);
            r->refills = r->dma.refills = 0;
            cosim_run_open(r->lib, r->h, 4 * r->res->cycles + 1000, &r->run);
            r->started = true;
        }
        uint64_t n = feed_slice(r);
        if (n == 0)
            return;                   /* more input first */
        r->ended = cosim_run_slice(r->lib, r->h, &r->run, n);
    }
}

/* run_attn_stream's event: lowered, then the RTL run as far as it can go. */
static int on_event(void *ctx, const AttnEvent *e)
{
    AttnRun *r = ctx;
    if (!r->L || lower_attn_push(r->L, e))
        return 1;
    pump(r);
    return 0;
}

Outcome cosim_attention(const RunInputs *ri, const char *arch_path, const char *libfile,
                        const char *build, const char *top, uint64_t seed, bool timing,
                        const char *waves, uint32_t window, uint32_t dma_window, Diag *d)
{
    const Cascade *c = ri->cascade;
    Outcome rc = OUTCOME_INPUT;
    int tQ = cascade_find_tensor(c, "Q"), tK = cascade_find_tensor(c, "K"),
        tV = cascade_find_tensor(c, "V"), tAV = cascade_find_tensor(c, "AV");
    uint64_t E, F, M, P, M0;
    bool causal = strcmp(c->name, "attention-causal") == 0;
    if ((!causal && strcmp(c->name, "attention-1pass") != 0) || tQ < 0 || tK < 0 || tV < 0 ||
        tAV < 0) {
        diag_error(d, ri->mapping->path, ri->mapping->loc.line, "cosim: the RTL runs the "
                   "FuseMax 1-pass cascades attention-1pass and attention-causal; cascade %s is "
                   "not supported", c->name);
        return OUTCOME_INPUT;
    }
    if (rank_size(ri, "E", &E, d) || rank_size(ri, "F", &F, d) || rank_size(ri, "M", &M, d) ||
        rank_size(ri, "P", &P, d) || rank_size(ri, "M0", &M0, d))
        return OUTCOME_INPUT;
    int rP = cascade_find_rank(c, "P");
    if (window > ATTN_QUEUE_TILES) {
        diag_error(d, NULL, 0, "cosim: --attn-ring %u exceeds the RTL's tile queues (rings of "
                   "%d slots)", window, ATTN_QUEUE_TILES);
        return OUTCOME_INPUT;
    }
    RtlGeom g;
    if (lower_geom(ri->arch, &g, d))
        return OUTCOME_INPUT;
    if (dma_window > g.dma_cmds) {
        diag_error(d, NULL, 0, "cosim: --dma-ring %u exceeds the RTL's DMA ring (%u slots)",
                   dma_window, g.dma_cmds);
        return OUTCOME_INPUT;
    }
    const ComputeUnitSpec *u1 = arch_find_unit(ri->arch, "array1d");
    if (!u1 || u1->cols != g.cols) {
        diag_error(d, ri->arch->path, ri->arch->loc.line, "cosim: attention needs a "
                   "unit array1d with as many PEs as array2d has columns (%u)", g.cols);
        return OUTCOME_INPUT;
    }
    FxFormat fx;
    if (fx_format_init(&fx, &ri->arch->arith)) {
        diag_error(d, ri->arch->path, 0, "arithmetic widths out of range");
        return OUTCOME_INPUT;
    }
    AttnProg prog = { 0 };            /* the whole program, for waves (keep) */
    EngineResult *res = xcalloc(1, sizeof *res);
    CycleResult cy = { 0 };
    CosimLib lib = { 0 };
    CosimHandle *h = NULL;
    uint64_t nbh = (uint64_t)ri->workload->batch * (uint64_t)ri->workload->heads;
    AttnRun r = { .ri = ri, .g = &g, .fx = &fx, .E = E, .F = F, .M = M, .P = P, .M0 = M0,
                  .causal = causal, .keep = waves != NULL, .tQ = tQ, .tK = tK, .tV = tV,
                  .tAV = tAV, .rP = rP, .seed = seed, .res = res, .d = d,
                  .slots = ATTN_QUEUE_TILES,
                  .window = window ? window : ATTN_QUEUE_TILES, .dma_first = UINT64_MAX };
    char err[512];
    if (cosim_open(libfile, &lib, err, sizeof err)) {
        cosim_open_error(d, libfile, err, build);
        goto done;
    }
    h = cosim_create_model(&lib, libfile, waves, d);
    if (!h)
        goto done;
    CosimParams rp;
    lib.params(h, &rp);
    if (rp.rows != g.rows || rp.cols != g.cols || rp.word_bits != g.word_bits ||
        rp.frac_bits != g.frac_bits || rp.acc_bits != g.acc_bits || rp.glb_words != g.glb_words ||
        rp.exp_terms != (uint32_t)fx.T || rp.attn_blocks != ATTN_MAX_BLOCKS ||
        rp.attn_f != ATTN_MAX_F || rp.attn_tiles != ATTN_QUEUE_TILES) {
        diag_error(d, libfile, 0, "the RTL was built for a %ux%u array, %u/%u/%u-bit arithmetic "
                   "with %u exp terms, %u buffer words, %u blocks, F %u, %u tiles per queue; %s "
                   "describes %ux%u, %u/%u/%u, %d terms, %u words (and einsim expects %d, %d, %d): "
                   "refusing to run (rebuild with make cosim-lib)", rp.rows, rp.cols, rp.word_bits,
                   rp.frac_bits, rp.acc_bits, rp.exp_terms, rp.glb_words, rp.attn_blocks, rp.attn_f,
                   rp.attn_tiles, arch_path, g.rows, g.cols, g.word_bits, g.frac_bits, g.acc_bits,
                   fx.T, g.glb_words, ATTN_MAX_BLOCKS, ATTN_MAX_F, ATTN_QUEUE_TILES);
        goto done;
    }
    if (cosim_dma_check(&lib, h, g.dma_cmds, libfile, build, d))
        goto done;
    uint64_t wmask = (((uint64_t)1 << g.word_bits) - 1);
    lib.load(h, COSIM_MODE, 0, 1);
    lib.dram_config(h, g.dram_bpc, g.dram_latency, g.word_bits);
    /* The engine's cycle level with the data in DRAM, streamed: its tile order and its
     * loads and stores lowered as they come, the RTL run in slices behind them. */
    r.lib = &lib, r.h = h;
    cosim_dma_feed_stream(&r.dma, &lib, h, dma_get, NULL, g.dma_cmds, dma_window);
    double t0 = cosim_now_s();
    int src = run_attn_stream(ri, on_start, on_event, &r, res, &cy, d);
    if (src || !r.L || lower_attn_finish(r.L))
        goto done;
    r.lowered = true;
    pump(&r);
    /* the read-back after the run (its stamps, the DMA's last commands) */
    feed_collect(&r, ATTN_Q2D);
    feed_collect(&r, ATTN_Q1D);
    feed_dma(&r);
    cosim_run_close(&lib, h, &r.run);
    double t_model = cosim_now_s() - t0 - r.run.seconds;
    const AttnProg *pp = lower_attn_prog(r.L);
    CosimRun run = r.run;
    uint64_t rtl_cycles = run.cycles;
    if (!run.finished)
        add_line(&r.mm, run.limit, false,
                 xasprintf("run cycle %" PRIu64 ": the RTL did not finish", run.limit));
    char *busy = cosim_busy_check(&run);
    if (busy)
        add_line(&r.mm, run.cycles, false, xasprintf("run cycle %" PRIu64 ": %s", run.cycles, busy));
    free(busy);

    /* Values: AV[f, p] bit for bit with the fixed-point model (computed meanwhile). */
    if (r.vt_started && pthread_join(r.vt, NULL) == 0)
        r.vt_started = false;
    const Values *vals = &r.vals;
    if (vals->rc) {                       /* the thread's error, into d */
        for (int i = 0; i < vals->d.n; i++)
            diag_error(d, vals->d.e[i].file, vals->d.e[i].line, "%s", vals->d.e[i].msg);
        goto done;
    }
    uint64_t compared = 0;
    for (uint64_t bh = 0; bh < nbh; bh++)
        for (uint64_t f = 0; f < F; f++)
            for (uint64_t p = 0; p < P; p++) {
                int64_t want = vals->want[(bh * F + f) * P + p];
                uint64_t raw = lib.dram_read(h, dram_attn_av(pp, bh, f, p)) & wmask;
                int64_t got = (int64_t)(raw ^ ((uint64_t)1 << (g.word_bits - 1))) -
                              ((int64_t)1 << (g.word_bits - 1));   /* sign-extended */
                compared++;
                if (got == want)
                    continue;
                uint64_t gb = bh * pp->nb + p / pp->C;
                char who[48] = "";            /* which (batch, head), when there are several */
                if (nbh > 1)
                    snprintf(who, sizeof who, "(batch, head) %" PRIu64 " ", bh);
                add_line(&r.mm, r.av_end[gb], true,
                         xasprintf("1D tile %u (AV) cycle %" PRIu64 ": %sAV[%" PRIu64 ", %"
                                   PRIu64 "] = %" PRId64 " in the RTL, %" PRId64 " in the C "
                                   "model", r.av_tile[gb], r.av_end[gb], who, f, p, got, want));
            }
    double worst = vals->worst, t_values = vals->seconds;
    double bound = ATTN_BOUND_LSB * ldexp(1.0, -fx.F);
    bool bounded = M <= ATTN_BOUND_MAX_M;
    if (bounded && worst > bound)
        add_line(&r.mm, rtl_cycles, false,
                 xasprintf("run: fixed-point AV differs from double softmax(QK^T)V by %.6g, "
                           "beyond the bound %.6g (%g LSB) of sim/func/README.md", worst, bound,
                           ATTN_BOUND_LSB));
    /* Traffic: the RTL's counters against the engine's table (Q, K, V, AV; the buffer
     * level and DRAM). A padded (ragged) run reads and writes its padded tiles whole,
     * which the engine does not count: there only fills and DRAM traffic are compared. */
    static const char *const tnames[4] = { "Q", "K", "V", "AV" };
    static const char *const cnames[5] = { "reads", "writes", "fills", "reads", "writes" };
    bool padded = pp->Mp != M || pp->Pp != P;
    uint64_t rtl_tr[4][5], eng_tr[4][5];
    const char *buf_level, *dram_level;
    cosim_traffic(&lib, h, ri, res, 4, tnames, rtl_tr, eng_tr, &buf_level, &dram_level);
    int traffic_bad = 0;
    for (int t = 0; t < 4; t++) {
        for (int k = 0; k < 5; k++) {
            if (rtl_tr[t][k] != eng_tr[t][k] && (k >= 2 || !padded)) {
                traffic_bad++;
                add_line(&r.mm, rtl_cycles, false,
                         xasprintf("run cycle %" PRIu64 ": %s %s %s: %" PRIu64 " words in the "
                                   "RTL, %" PRIu64 " in the engine's traffic table",
                                   rtl_cycles, k < 3 ? buf_level : dram_level, tnames[t],
                                   cnames[k], rtl_tr[t][k], eng_tr[t][k]));
            }
        }
    }
    if (rtl_cycles != pp->cycles)
        add_line(&r.mm, rtl_cycles, false,
                 xasprintf("run cycle %" PRIu64 ": run length %" PRIu64 " in the RTL, %"
                           PRIu64 " predicted", rtl_cycles, rtl_cycles, pp->cycles));
    double pct = cy.ran && cy.cycles ? 100.0 * ((double)rtl_cycles - (double)cy.cycles) /
                                           (double)cy.cycles : 0;
    double tol = padded ? ATTN_ENGINE_TOL_PADDED_PCT : ATTN_ENGINE_TOL_PCT;
    if (!cy.ran)
        add_line(&r.mm, rtl_cycles, false,
                 xasprintf("run: the engine's cycle level did not run (mapping infeasible)"));
    else if (fabs(pct) > tol)
        add_line(&r.mm, rtl_cycles, false,
                 xasprintf("run cycle %" PRIu64 ": %+.3f %% from the engine's cycle level (%"
                           PRIu64 "), beyond %.0f %%", rtl_cycles, pct, cy.cycles,
                           tol));

    char split[96] = "";
    if (nbh > 1 || pp->ntp > 1)
        snprintf(split, sizeof split, ", %" PRIu64 " (batch, head)s, DRAM tiles of %" PRIu64
                 " queries", nbh, pp->ptile);
    printf("cosim %s on %s (FuseMax 1-pass %sattention, %ux%u 2D array + %u-PE 1D array), %s: "
           "E=%" PRIu64 " F=%" PRIu64 " M=%" PRIu64 " P=%" PRIu64 " M0=%" PRIu64 "%s, seed %" PRIu64 "\n",
           ri->mapping->name, ri->arch->name, causal ? "causal " : "", g.rows, g.cols, g.cols,
           ri->workload->name, E, F, M,
           P, M0, split, seed);
    printf("  tiles          : %" PRIu64 " (2D %" PRIu64 ", 1D %" PRIu64 ")\n",
           r.seen[0] + r.seen[1], r.seen[0], r.seen[1]);
    printf("  tile queues    : rings of %u slots, the host keeps up to %u tiles of each "
           "loaded: %" PRIu64 " tiles refilled over %" PRIu64 " run slices\n", r.slots,
           r.window, r.refills, r.slices > 0 ? r.slices - 1 : 0);
    printf("  cycles         : RTL %" PRIu64 ", C tile model %" PRIu64 "\n", rtl_cycles, pp->cycles);
    printf("  max cycle error: %" PRIu64 " (per-tile start and end)\n", r.max_err);
    printf("  values compared: %" PRIu64 " (AV read back from DRAM, bit-exact against the "
           "fixed-point model)\n", compared);
    uint64_t n_dma = lower_attn_ready(r.L, ATTN_QDMA);
    printf("  DMA commands   : %" PRIu64 " (loads of Q, K and V chunks, stores of AV blocks; %u-word "
           "beats, %.4g bytes/cycle, latency %u)\n", n_dma, g.beat_words, g.dram_bpc,
           g.dram_latency);
    printf("  DMA ring       : %u slots, the host keeps up to %u commands loaded ahead: %"
           PRIu64 " commands refilled\n", r.dma.slots, r.dma.window, r.dma.refills);
    printf("  DMA vs engine  : %" PRIu64 " of %" PRIu64 " transfers complete in the engine's "
           "cycle", r.dma_same, n_dma);
    if (r.dma_first != UINT64_MAX)
        printf(" (first other: command %" PRIu64 ", cycle %" PRIu64 " by the tile rules, %"
               PRIu64 " in the engine's schedule)", r.dma_first, r.dma_first_done,
               r.dma_first_end);
    printf("\n");
    printf("  traffic (words): RTL counters = engine %s%s\n", traffic_bad ? "NO" : "yes",
           padded ? " (fills and DRAM; the padded tiles' buffer reads and writes not "
                    "compared)" : "");
    for (int t = 0; t < 4; t++)
        printf("    %-3s %s reads %" PRIu64 " writes %" PRIu64 " fills %" PRIu64 "; %s reads %"
               PRIu64 " writes %" PRIu64 "\n", tnames[t], buf_level, rtl_tr[t][0], rtl_tr[t][1],
               rtl_tr[t][2], dram_level, rtl_tr[t][3], rtl_tr[t][4]);
    cosim_print_busy(&run);
    if (bounded)
        printf("  softmax error  : %.6f max abs vs double softmax(QK^T)V (bound %.6f)\n", worst,
               bound);
    else
        printf("  softmax error  : %.6f max abs vs double softmax(QK^T)V (not checked: the "
               "bound %.6f holds for M <= %d)\n", worst, bound, ATTN_BOUND_MAX_M);
    if (cy.ran)
        printf("  C cycle level  : %" PRIu64 " cycles (engine, whole run, data in DRAM; "
               "analytic %" PRIu64
               "); RTL %+.3f %%\n", cy.cycles, res->cycles, pct);
    printf("  mismatches     : %" PRIu64 "\n", r.mm.total);
    if (r.mm.first[0])
        printf("  first mismatch : %s\n", r.mm.first[0]);
    if (r.mm.first[1])
        printf("  first value    : %s\n", r.mm.first[1]);
    for (size_t i = 0; i < r.mm.n; i++)
        printf("  MISMATCH %s\n", r.mm.v[i]);
    if (r.mm.total > r.mm.n)
        printf("  (%" PRIu64 " more mismatches not listed: the first %d of each kind are)\n",
               r.mm.total - r.mm.n, ATTN_LINES);
    if (timing)
        cosim_print_timing(rtl_cycles, run.seconds, pp->cycles, t_model, t_values);
    printf("%s\n", r.mm.total ? "FAIL" : "PASS");
    rc = r.mm.total ? OUTCOME_MISMATCH : OUTCOME_OK;
    if (waves && (lower_attn_take(r.L, &prog) ||
                  cosim_waves_write(d, waves, &g, NULL, &prog, top, run.offset)))
        rc = OUTCOME_INPUT;

done:
    if (r.vt_started) {
        atomic_store(&r.vals.stop, true);
        pthread_join(r.vt, NULL);
    }
    free(r.vals.want);
    diag_free(&r.vals.d);
    if (h)
        lib.destroy(h);
    cosim_close(&lib);
    lines_free(&r.mm);
    for (uint64_t bh = 0; r.in && bh < nbh; bh++)
        if (r.in[bh])
            func_inputs_free(c, r.in[bh]);
    free(r.in);
    lower_attn_free(&prog);
    lower_attn_close(r.L);
    free(r.av_tile);
    free(r.av_end);
    free(res);
    return rc;
}
