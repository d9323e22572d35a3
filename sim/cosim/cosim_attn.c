/* cosim_attn.c — `einsim cosim` on attention: the FuseMax 1-pass cascade, dense
 * (attention-1pass) or causal (attention-causal), with its data in DRAM: the engine's
 * cycle-level schedule lowered to the two attention tile queues (sim/lower/lower_attn.c)
 * and the DMA program (sim/cosim/dram_lower.c), run on the Verilated RTL and compared
 * with the C model: every AV word (read back from DRAM) bit for bit with the fixed-point
 * interpreter, every tile's start and end with lower_attn_predict, the traffic counters
 * with the engine's traffic table, the fixed-point AV within the bound of
 * sim/func/README.md (16 LSB) of a direct double softmax(QK^T)V (causal: over the keys
 * m <= p), and the RTL's whole run within 1 % of the engine's cycle level (`einsim run
 * --level cycle`, data in DRAM).
 * The tile queues are rings of ATTN_QUEUE_TILES slots (rtl/README.md, "Attention"): the
 * host loads the first tiles, then runs in slices and refills the slots of the tiles that
 * have ended between them (AttnFeed), so a program may be much longer than the ring. The
 * DMA program is a ring too (rtl/README.md, "DRAM and the DMA program"), fed the same way
 * (DmaFeed, cosim_common.h): its slots free as its commands issue. */
#include "cosim/cosim_common.h"

#include <inttypes.h>
#include <math.h>
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

/* The mismatches: each text, the cycle it concerns and whether it is an output value. */
typedef struct {
    char **v;
    uint64_t *cyc;
    bool *value;
    size_t n, cap;
} Lines;

static void add_line(Lines *l, uint64_t cycle, bool value, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
        l->cyc = xrealloc(l->cyc, l->cap * sizeof *l->cyc);
        l->value = xrealloc(l->value, l->cap * sizeof *l->value);
    }
    l->cyc[l->n] = cycle;
    l->value[l->n] = value;
    l->v[l->n++] = s;
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

/* The host side of the two tile queues: tile t of queue q lives in slot t mod slots of
 * the RTL's ring; the host keeps tiles [seen, tail) loaded, at most `window` of them,
 * where every tile before seen has ended and its stamps have been read (st, en). A run
 * slice never lasts longer than the tiles loaded but not yet issued of a queue that has
 * tiles left to load: each tile holds its unit at least one cycle, so the queue cannot
 * reach its tail while the host is not looking. Writes go through the host port (hload,
 * no core clock); each read is one evaluation of the model. */
typedef struct {
    const CosimLib *lib;
    CosimHandle *h;
    const AttnProg *prog;
    uint32_t slots, window;           /* the RTL's ring; tiles the host keeps loaded */
    uint64_t tail[2], seen[2];        /* absolute tile counts; tail includes the END */
    uint64_t *st[2], *en[2];          /* the RTL's start and end stamp of each tile */
    uint64_t slices, refills, reads;  /* slices run, tiles written, reads made */
    DmaFeed dma;                      /* the DMA ring, fed between the same slices */
} AttnFeed;

/* Loads queue q's tiles up to seen + window (and its END), then its tail. */
static void feed_refill(AttnFeed *f, int q)
{
    uint64_t n = (uint64_t)f->prog->n[q] + 1, upto = f->seen[q] + f->window;
    upto = upto < n ? upto : n;
    if (upto <= f->tail[q])
        return;
    int sel = q == ATTN_Q2D ? COSIM_Q2D : COSIM_Q1D;
    for (uint64_t t = f->tail[q]; t < upto; t++) {
        uint64_t w[4];
        lower_attn_encode(t < (uint64_t)f->prog->n[q] ? &f->prog->t[q][t] : NULL, w);
        uint32_t base = (uint32_t)(4 * (t % f->slots));
        for (int k = 0; k < 4; k++)
            f->lib->hload(f->h, sel, base + (uint32_t)k, w[k]);
    }
    f->refills += upto - f->tail[q];
    f->tail[q] = upto;
    f->lib->hload(f->h, sel, COSIM_TAIL, upto);
}

/* Reads queue q's progress: the tiles issued, and the stamps of the oldest unread tiles
 * that have ended (in order, up to the first that has not). Returns the tiles issued. */
static uint64_t feed_collect(AttnFeed *f, int q)
{
    int ended = q == ATTN_Q2D ? COSIM_ENDED2D : COSIM_ENDED1D;
    int ss = q == ATTN_Q2D ? COSIM_START2D : COSIM_START1D;
    uint64_t issued = f->lib->read(f->h, ended, COSIM_ISSUED) & 0xffffffffu;
    uint64_t n = (uint64_t)f->prog->n[q];
    f->reads++;
    while (f->seen[q] < n && f->seen[q] < issued) {
        uint32_t slot = (uint32_t)(f->seen[q] % f->slots);
        f->reads++;
        if (f->lib->read(f->h, ended, slot) != f->seen[q] + 1)
            break;
        f->st[q][f->seen[q]] = f->lib->read(f->h, ss, slot);
        f->en[q][f->seen[q]] = f->lib->read(f->h, ss + 1, slot);
        f->reads += 2;
        f->seen[q]++;
    }
    return issued;
}

/* cosim_run's feed: collects, refills and bounds the next slice (UINT64_MAX: none). */
static uint64_t feed_slice(void *ctx)
{
    AttnFeed *f = ctx;
    uint64_t bound = UINT64_MAX;
    f->slices++;
    for (int q = 0; q < 2; q++) {
        uint64_t issued = feed_collect(f, q);
        feed_refill(f, q);
        if (f->tail[q] < (uint64_t)f->prog->n[q] + 1) {
            /* a full ring whose oldest tile has not ended: the queue will wait (and the
             * stamps say so); step one cycle at a time */
            uint64_t ahead = f->tail[q] > issued ? f->tail[q] - issued : 1;
            bound = ahead < bound ? ahead : bound;
        }
    }
    uint64_t dma = cosim_dma_feed(&f->dma);
    return dma < bound ? dma : bound;
}

/* The opcode's name (lower/opcodes.h); the 2D pair is shown as its two Einsums. */
static const char *op_name(int q, uint32_t op)
{
    return q == ATTN_Q2D && op == A2_PAIR ? "BQK|SLNV" : lower_attn_op_name(q, op);
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
    AttnProg prog = { 0 };
    AttnOrder ord;
    AttnEvent *evs = NULL;
    size_t n_ev = 0;
    EngineResult *res = xcalloc(1, sizeof *res);
    CycleResult cy = { 0 };
    CosimLib lib = { 0 };
    CosimHandle *h = NULL;
    double ***in = NULL;
    uint64_t nbh = 0;
    Lines mm = { 0 };
    AttnFeed feed = { 0 };
    double t0 = cosim_now_s();
    /* The engine's cycle level with the data in DRAM: its tile order and its loads and
     * stores, lowered to the queues and the DMA program. */
    if (run_attn_schedule(ri, false, &ord, &evs, &n_ev, res, &cy, d))
        goto done;
    int lrc = lower_attn_events(&g, (uint64_t)fx.T, E, F, M, P, M0, causal, ord.nbh, ord.ptile,
                                evs, n_ev, &prog, d);
    lower_attn_order_free(&ord);
    if (lrc)
        goto done;
    double t_model = cosim_now_s() - t0;
    /* Each (batch, head) its own inputs (seed, then a seed per (batch, head)). */
    nbh = prog.nbh;
    in = xcalloc(nbh, sizeof *in);
    for (uint64_t bh = 0; bh < nbh; bh++)
        in[bh] = func_random_inputs(c, &ri->sizes, seed + bh * 0x9e3779b97f4a7c15ull, -1.0, 1.0,
                                    ldexp(1.0, -fx.F));
    uint64_t S = window_queries(c, &ri->sizes, rP);

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
    /* DRAM (dram_lower_attn's layout, dram_attn_*): per (batch, head) Q, K, V, then AV. */
    lib.dram_config(h, g.dram_bpc, g.dram_latency, g.word_bits);
    for (uint64_t bh = 0; bh < nbh; bh++) {
        const double *Q = in[bh][tQ], *K = in[bh][tK], *V = in[bh][tV];
        for (uint64_t e = 0; e < E; e++)
            for (uint64_t p = 0; p < P; p++)
                lib.dram_write(h, dram_attn_q(&prog, bh, e, p),
                               (uint64_t)fx_from_double(&fx, Q[e * P + p]) & wmask);
        for (uint64_t m = 0; m < M; m++) {
            for (uint64_t e = 0; e < E; e++)
                lib.dram_write(h, dram_attn_k(&prog, bh, e, m),
                               (uint64_t)fx_from_double(&fx, K[e * M + m]) & wmask);
            for (uint64_t f = 0; f < F; f++)
                lib.dram_write(h, dram_attn_v(&prog, bh, f, m),
                               (uint64_t)fx_from_double(&fx, V[f * M + m]) & wmask);
        }
    }
    lib.dram_write(h, dram_attn_av(&prog, nbh - 1, F - 1, P - 1), 0);   /* the image holds AV */
    /* The queues and the DMA ring: the first tiles and commands before start, the rest
     * fed between slices. */
    feed = (AttnFeed){ .lib = &lib, .h = h, .prog = &prog, .slots = ATTN_QUEUE_TILES,
                       .window = window ? window : ATTN_QUEUE_TILES };
    cosim_dma_feed_init(&feed.dma, &lib, h, prog.dma, prog.n_dma, g.dma_cmds, dma_window);
    for (int q = 0; q < 2; q++) {
        feed.st[q] = xcalloc((size_t)prog.n[q] + 1, sizeof *feed.st[q]);
        feed.en[q] = xcalloc((size_t)prog.n[q] + 1, sizeof *feed.en[q]);
        feed_refill(&feed, q);
    }
    feed.refills = 0;
    CosimRun run = cosim_run_fed(&lib, h, prog.cycles, feed_slice, &feed);
    uint64_t rtl_cycles = run.cycles;
    if (!run.finished)
        add_line(&mm, run.limit, false,
                 xasprintf("run cycle %" PRIu64 ": the RTL did not finish", run.limit));
    char *busy = cosim_busy_check(&run);
    if (busy)
        add_line(&mm, run.cycles, false, xasprintf("run cycle %" PRIu64 ": %s", run.cycles, busy));
    free(busy);

    /* Values: AV[f, p] bit for bit with the fixed-point model, run on windows of S
     * queries (their rows are independent: func_set_origin); the fixed point against the
     * exact softmax(QK^T)V. */
    uint64_t compared = 0;
    double worst = 0, t_values = 0;
    double *s = xcalloc(M, sizeof *s), *qw = xcalloc(E * S, sizeof *qw);
    uint32_t *av_tile = xcalloc(nbh * prog.nb, sizeof *av_tile);   /* each block's AV tile */
    for (int t = 0; t < prog.n[ATTN_Q1D]; t++)
        if (prog.t[ATTN_Q1D][t].op == A1_AV)
            av_tile[prog.t[ATTN_Q1D][t].blk] = (uint32_t)t;
    for (uint64_t bh = 0; bh < nbh; bh++) {
        const double *Q = in[bh][tQ], *K = in[bh][tK], *V = in[bh][tV];
        for (uint64_t p0 = 0; p0 < P; p0 += S) {
            uint64_t w = P - p0 < S ? P - p0 : S;
            double tw = cosim_now_s();
            RankBinding b = ri->sizes;
            b.size[rP] = (int64_t)w;
            FuncEval *fw = func_new(c, &b, FUNC_FIXED, &fx, NULL, d);
            if (!fw) {
                free(s);
                free(qw);
                free(av_tile);
                goto done;
            }
            for (uint64_t e = 0; e < E; e++)
                memcpy(qw + e * w, Q + e * P + p0, w * sizeof *qw);
            func_set_input(fw, tQ, qw);
            func_set_input(fw, tK, K);
            func_set_input(fw, tV, V);
            func_set_origin(fw, rP, (int64_t)p0);
            func_run(fw);
            t_values += cosim_now_s() - tw;
            const FuncTensor *AV = func_tensor(fw, tAV);
            for (uint64_t p = p0; p < p0 + w; p++) {
                double mx = -INFINITY, den = 0;
                uint64_t nk = causal ? p + 1 : M;      /* the keys query p sees */
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
                    uint64_t raw = lib.dram_read(h, dram_attn_av(&prog, bh, f, p)) & wmask;
                    int64_t got = (int64_t)(raw ^ ((uint64_t)1 << (g.word_bits - 1))) -
                                  ((int64_t)1 << (g.word_bits - 1));   /* sign-extended */
                    compared++;
                    double errv = fabs(fx_to_double(&fx, want) - num / den);
                    worst = errv > worst ? errv : worst;
                    if (got != want) {
                        uint32_t tile = av_tile[bh * prog.nb + p / prog.C];
                        char who[48] = "";    /* which (batch, head), when there are several */
                        if (nbh > 1)
                            snprintf(who, sizeof who, "(batch, head) %" PRIu64 " ", bh);
                        add_line(&mm, prog.t[ATTN_Q1D][tile].end_cyc, true,
                                 xasprintf("1D tile %u (AV) cycle %" PRIu64 ": %sAV[%" PRIu64
                                           ", %" PRIu64 "] = %" PRId64 " in the RTL, %" PRId64
                                           " in the C model", tile,
                                           prog.t[ATTN_Q1D][tile].end_cyc, who, f, p, got,
                                           want));
                    }
                }
            }
            func_free(fw);
        }
    }
    free(s);
    free(qw);
    free(av_tile);
    double bound = ATTN_BOUND_LSB * ldexp(1.0, -fx.F);
    bool bounded = M <= ATTN_BOUND_MAX_M;
    if (bounded && worst > bound)
        add_line(&mm, rtl_cycles, false,
                 xasprintf("run: fixed-point AV differs from double softmax(QK^T)V by %.6g, "
                           "beyond the bound %.6g (%g LSB) of sim/func/README.md", worst, bound,
                           ATTN_BOUND_LSB));
    /* Tile stamps. */
    uint64_t max_err = 0;
    int ntiles = 0;
    for (int q = 0; q < 2; q++)
        for (int t = 0; t < prog.n[q]; t++) {
            const AttnTile *at = &prog.t[q][t];
            uint64_t st = feed.st[q][t], en = feed.en[q][t];
            uint64_t es = st > at->start_cyc ? st - at->start_cyc : at->start_cyc - st;
            uint64_t ee = en > at->end_cyc ? en - at->end_cyc : at->end_cyc - en;
            max_err = es > max_err ? es : max_err;
            max_err = ee > max_err ? ee : max_err;
            ntiles++;
            if (es || ee)
                add_line(&mm, st, false,
                         xasprintf("%s tile %d (%s block %u) cycle %" PRIu64 ": start %"
                                   PRIu64 " / end %" PRIu64 " in the RTL, %" PRIu64 " / %"
                                   PRIu64 " predicted", q == ATTN_Q2D ? "2D" : "1D", t,
                                   op_name(q, at->op), at->blk, st, st, en, at->start_cyc,
                                   at->end_cyc));
        }
    /* Traffic: the RTL's counters against the engine's table (Q, K, V, AV; the buffer
     * level and DRAM). A padded (ragged) run reads and writes its padded tiles whole,
     * which the engine does not count: there only fills and DRAM traffic are compared. */
    static const char *const tnames[4] = { "Q", "K", "V", "AV" };
    static const char *const cnames[5] = { "reads", "writes", "fills", "reads", "writes" };
    bool padded = prog.Mp != M || prog.Pp != P;
    uint64_t rtl_tr[4][5], eng_tr[4][5];
    const char *buf_level, *dram_level;
    cosim_traffic(&lib, h, ri, res, 4, tnames, rtl_tr, eng_tr, &buf_level, &dram_level);
    int traffic_bad = 0;
    for (int t = 0; t < 4; t++) {
        for (int k = 0; k < 5; k++) {
            if (rtl_tr[t][k] != eng_tr[t][k] && (k >= 2 || !padded)) {
                traffic_bad++;
                add_line(&mm, rtl_cycles, false,
                         xasprintf("run cycle %" PRIu64 ": %s %s %s: %" PRIu64 " words in the "
                                   "RTL, %" PRIu64 " in the engine's traffic table",
                                   rtl_cycles, k < 3 ? buf_level : dram_level, tnames[t],
                                   cnames[k], rtl_tr[t][k], eng_tr[t][k]));
            }
        }
    }
    if (rtl_cycles != prog.cycles)
        add_line(&mm, rtl_cycles, false,
                 xasprintf("run cycle %" PRIu64 ": run length %" PRIu64 " in the RTL, %"
                           PRIu64 " predicted", rtl_cycles, rtl_cycles, prog.cycles));
    double pct = cy.ran && cy.cycles ? 100.0 * ((double)rtl_cycles - (double)cy.cycles) /
                                           (double)cy.cycles : 0;
    double tol = padded ? ATTN_ENGINE_TOL_PADDED_PCT : ATTN_ENGINE_TOL_PCT;
    if (!cy.ran)
        add_line(&mm, rtl_cycles, false,
                 xasprintf("run: the engine's cycle level did not run (mapping infeasible)"));
    else if (fabs(pct) > tol)
        add_line(&mm, rtl_cycles, false,
                 xasprintf("run cycle %" PRIu64 ": %+.3f %% from the engine's cycle level (%"
                           PRIu64 "), beyond %.0f %%", rtl_cycles, pct, cy.cycles,
                           tol));

    char split[96] = "";
    if (nbh > 1 || prog.ntp > 1)
        snprintf(split, sizeof split, ", %" PRIu64 " (batch, head)s, DRAM tiles of %" PRIu64
                 " queries", nbh, prog.ptile);
    printf("cosim %s on %s (FuseMax 1-pass %sattention, %ux%u 2D array + %u-PE 1D array), %s: "
           "E=%" PRIu64 " F=%" PRIu64 " M=%" PRIu64 " P=%" PRIu64 " M0=%" PRIu64 "%s, seed %" PRIu64 "\n",
           ri->mapping->name, ri->arch->name, causal ? "causal " : "", g.rows, g.cols, g.cols,
           ri->workload->name, E, F, M,
           P, M0, split, seed);
    printf("  tiles          : %d (2D %d, 1D %d)\n", ntiles, prog.n[0], prog.n[1]);
    printf("  tile queues    : rings of %u slots, the host keeps up to %u tiles of each "
           "loaded: %" PRIu64 " tiles refilled over %" PRIu64 " run slices\n", feed.slots,
           feed.window, feed.refills, feed.slices > 0 ? feed.slices - 1 : 0);
    printf("  cycles         : RTL %" PRIu64 ", C tile model %" PRIu64 "\n", rtl_cycles, prog.cycles);
    printf("  max cycle error: %" PRIu64 " (per-tile start and end)\n", max_err);
    printf("  values compared: %" PRIu64 " (AV read back from DRAM, bit-exact against the "
           "fixed-point model)\n", compared);
    printf("  DMA commands   : %d (loads of Q, K and V chunks, stores of AV blocks; %u-word "
           "beats, %.4g bytes/cycle, latency %u)\n", prog.n_dma, g.beat_words, g.dram_bpc,
           g.dram_latency);
    printf("  DMA ring       : %u slots, the host keeps up to %u commands loaded ahead: %"
           PRIu64 " commands refilled\n", feed.dma.slots, feed.dma.window, feed.dma.refills);
    int dma_same = 0, dma_first = -1;
    for (int i = 0; i < prog.n_dma; i++) {
        if (prog.dma_done[i] == prog.dma[i].end)
            dma_same++;
        else if (dma_first < 0)
            dma_first = i;
    }
    printf("  DMA vs engine  : %d of %d transfers complete in the engine's cycle", dma_same,
           prog.n_dma);
    if (dma_first >= 0)
        printf(" (first other: command %d, cycle %" PRIu64 " by the tile rules, %" PRIu64
               " in the engine's schedule)", dma_first, prog.dma_done[dma_first],
               prog.dma[dma_first].end);
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
    printf("  mismatches     : %zu\n", mm.n);
    /* The earliest (by cycle, then in list order) of all, and of the values. */
    size_t first = mm.n, first_value = mm.n;
    for (size_t i = 0; i < mm.n; i++) {
        if (first == mm.n || mm.cyc[i] < mm.cyc[first])
            first = i;
        if (mm.value[i] && (first_value == mm.n || mm.cyc[i] < mm.cyc[first_value]))
            first_value = i;
    }
    if (first < mm.n)
        printf("  first mismatch : %s\n", mm.v[first]);
    if (first_value < mm.n)
        printf("  first value    : %s\n", mm.v[first_value]);
    for (size_t i = 0; i < mm.n; i++)
        printf("  MISMATCH %s\n", mm.v[i]);
    if (timing)
        cosim_print_timing(rtl_cycles, run.seconds, prog.cycles, t_model, t_values);
    printf("%s\n", mm.n ? "FAIL" : "PASS");
    rc = mm.n ? OUTCOME_MISMATCH : OUTCOME_OK;
    if (waves && cosim_waves_write(d, waves, &g, NULL, &prog, top, run.offset))
        rc = OUTCOME_INPUT;

done:
    if (h)
        lib.destroy(h);
    cosim_close(&lib);
    for (size_t i = 0; i < mm.n; i++)
        free(mm.v[i]);
    free(mm.v);
    free(mm.cyc);
    free(mm.value);
    for (uint64_t bh = 0; bh < nbh; bh++) {
        if (in[bh])
            func_inputs_free(c, in[bh]);
    }
    free(in);
    for (int q = 0; q < 2; q++) {
        free(feed.st[q]);
        free(feed.en[q]);
    }
    lower_attn_free(&prog);
    free(evs);
    free(res);
    return rc;
}
