/* test_dram_lower.c — the GEMM's DRAM lowering reproduces the engine's schedule over a
 * grid, not only at the co-simulation cases.
 *
 * Co-simulation checks the RTL against the tile rules (lower_predict) and the run against
 * the engine's cycle level at a few points. Here, at every point of a grid of array sizes
 * (4x4, 8x8), dataflows (output- and weight-stationary), DRAM bandwidths (slow enough that
 * loads bound the run, to fast), DRAM latencies and K, M, N (below, at and above the array,
 * ragged), with the data in DRAM:
 *   - the lowering accepts the engine's schedule, or refuses it only because the GEMM
 *     does not fit the RTL's buffers, instruction or DMA memories;
 *   - the tile rules give every item the engine's start and end (no `disagree`);
 *   - the predicted run length equals the engine's cycle level;
 *   - the DMA program moves each tensor's words once: A and B loaded, Z stored, whole;
 *   - every tile waits for the loads its item reads, and no load reuses a buffer copy
 *     before the tiles that read it have issued.
 * And attention (dense and causal, ragged causal lengths) over a grid of array sizes,
 * lengths, E = F and the same DRAM settings: its DRAM schedule lowers to the queues and
 * the DMA program, the tile and DMA rules predict a run within 1 % of the engine's
 * cycle level (the engine's buffer-port turns, which the RTL does not have, are the
 * difference), and the DMA loads Q once and stores AV once; streamed event by event with
 * every item released as soon as it is predicted, the lowering gives the same program.
 * Prints how many points it lowered. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cosim/dram_lower.h"
#include "func/fixed.h"
#include "run/run.h"
#include "sets.h"
#include "util/util.h"

typedef struct {
    EngineEvent *v;
    int n, cap;
} Events;

static void on_event(void *ctx, const EngineEvent *ev)
{
    Events *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = *ev;
}

/* "ARCH TAG SET SET ..." for the messages of a point. */
static void describe(char *buf, size_t n, const char *arch, const char *tag, const char *const *sets)
{
    size_t off = (size_t)snprintf(buf, n, "%s%s", arch, tag);
    for (int i = 0; sets[i] && off < n; i++)
        off += (size_t)snprintf(buf + off, n - off, " %s", sets[i]);
}

static int n_lowered, n_refused, n_attn, n_attn_shared;
static uint64_t stream_most;   /* most items one event made ready, streamed */
/* largest |tile and DMA rules - engine| over the attention grid, whole and padded runs */
static double attn_max_pct, attn_max_padded;

static void point(const char *arch, bool ws, const char *const *sets)
{
    static TestSets ts;
    static EngineResult r;
    Overrides o = test_sets(&ts, sets);
    Diag d;
    diag_init(&d);
    RunInputs ri = { 0 };
    Events ev = { 0 };
    TileProg p = { 0 };
    DmaProg dp = { 0 };
    char where[768];
    describe(where, sizeof where, arch, ws ? " ws" : " os", sets);
    if (run_inputs_load(&ri, arch, "workloads/gemm.cfg",
                        ws ? "mappings/gemm-ws.cfg" : "mappings/gemm-os.cfg", &o, &d)) {
        diag_print(&d, stdout);
        CHECK(0);
        goto out;
    }
    const Cascade *c = ri.cascade;
    int tA = cascade_find_tensor(c, "A"), tB = cascade_find_tensor(c, "B"),
        tZ = cascade_find_tensor(c, "Z");
    uint64_t K = (uint64_t)ri.sizes.size[cascade_find_rank(c, "K")],
             M = (uint64_t)ri.sizes.size[cascade_find_rank(c, "M")],
             N = (uint64_t)ri.sizes.size[cascade_find_rank(c, "N")];
    RtlGeom g;
    CHECK(lower_geom(ri.arch, &g, &d) == 0);
    ri.in.data_on_chip = false;
    ri.in.trace = on_event;
    ri.in.trace_ctx = &ev;
    engine_analytic(&ri.in, &r);
    CycleResult cy = { 0 };
    if (r.feasible)
        engine_cycle(&ri.in, &r, &cy);
    CHECK(r.feasible && cy.ran);
    if (!r.feasible || !cy.ran)
        goto out;
    if (dram_lower_gemm(&g, ws, K, M, N, ev.v, ev.n, tA, tB, tZ, &p, &dp, &d)) {
        /* Only capacity may refuse a point: the schedule itself must lower. */
        const char *msg = d.n ? d.e[0].msg : "";
        bool capacity = strstr(msg, "fit") || strstr(msg, "exceed");
        if (!capacity)
            printf("  refused: %s: %s\n", where, msg);
        CHECK(capacity);
        n_refused++;
        goto out;
    }
    n_lowered++;
    if (dp.disagree)
        printf("  tile rules != engine: %s: %s\n", where, dp.disagree);
    CHECK(dp.disagree == NULL);
    if (p.cycles != cy.cycles)
        printf("  run length: %s: %" PRIu64 " by the tile rules, %" PRIu64 " engine\n", where,
               p.cycles, cy.cycles);
    CHECK(p.cycles == cy.cycles);
    /* Words moved per tensor, and the order of the dependencies. */
    uint64_t words[3] = { 0, 0, 0 }, n_loads = 0, n_stores = 0;
    bool deps_ok = true;
    for (int i = 0; i < dp.n; i++) {
        const DmaCmd *x = &dp.c[i];
        if (x->tensor < 3)
            words[x->tensor] += x->words;
        if (x->op == DMA_LOAD) {
            n_loads++;
            /* a load reusing a copy waits for tiles that exist */
            deps_ok = deps_ok && x->dep <= (uint32_t)p.n;
        } else {
            n_stores++;
            /* a store waits for the tile that produced its block */
            deps_ok = deps_ok && x->dep >= 1 && x->dep <= (uint32_t)p.n;
        }
    }
    CHECK(words[0] == K * M && words[1] == K * N && words[2] == M * N);
    for (int t = 0; t < p.n; t++)
        deps_ok = deps_ok && p.t[t].need_loads >= 1 && p.t[t].need_loads <= n_loads &&
                  p.t[t].need_stores <= n_stores && (t == 0 || p.t[t].start_cyc >= p.t[t - 1].start_cyc);
    if (!deps_ok)
        printf("  dependencies: %s\n", where);
    CHECK(deps_ok);
out:
    free(ev.v);
    lower_free(&p);
    lower_dma_free(&dp);
    run_inputs_free(&ri);
    diag_free(&d);
}


/* The lowering streamed (nothing kept: each item read as soon as it is predicted and
 * released at once) gives the same tiles, times and DMA program as the whole program, and
 * holds few items at a time. */
static bool streamed_same(const RtlGeom *g, uint64_t T, const uint64_t *sz, bool causal,
                          const AttnEvent *ev, size_t n_ev, const AttnProg *p, const char *where)
{
    Diag d;
    diag_init(&d);
    AttnLower *L = lower_attn_begin(g, T, sz[0], sz[1], sz[2], sz[3], sz[4], causal, p->nbh,
                                    p->ptile, true, true, false, &d);
    uint64_t got[3] = { 0, 0, 0 }, most = 0;
    bool same = L != NULL;
    for (size_t i = 0; same && i <= n_ev; i++) {
        same = i < n_ev ? lower_attn_push(L, &ev[i]) == 0 : lower_attn_finish(L) == 0;
        for (int q = 0; same && q < 3; q++) {
            uint64_t r = lower_attn_ready(L, q);
            most = r - got[q] > most ? r - got[q] : most;
            for (; same && got[q] < r; got[q]++) {
                uint64_t k = got[q], done, w[4], x[4];
                if (q == ATTN_QDMA) {
                    const DmaCmd *c = lower_attn_cmd(L, k, &done);
                    same = k < (uint64_t)p->n_dma && memcmp(c, &p->dma[k], sizeof *c) == 0 &&
                           done == p->dma_done[k];
                } else {
                    const AttnTile *t = lower_attn_tile(L, q, k);
                    same = k < (uint64_t)p->n[q];
                    if (same) {
                        lower_attn_encode(t, w);
                        lower_attn_encode(&p->t[q][k], x);
                        same = memcmp(w, x, sizeof w) == 0 && t->start_cyc == p->t[q][k].start_cyc &&
                               t->end_cyc == p->t[q][k].end_cyc;
                    }
                }
            }
            lower_attn_release(L, q, got[q]);
        }
    }
    same = same && got[0] == (uint64_t)p->n[0] && got[1] == (uint64_t)p->n[1] &&
           got[2] == (uint64_t)p->n_dma;
    if (!same)
        printf("  attention streamed: %s: differs from the whole program at %" PRIu64 " / %"
               PRIu64 " / %" PRIu64 "%s%s\n", where, got[0], got[1], got[2], d.n ? ": " : "",
               d.n ? d.e[0].msg : "");
    stream_most = most > stream_most ? most : stream_most;
    lower_attn_close(L);
    diag_free(&d);
    return same;
}

static void attn_point(const char *arch, bool causal, const char *const *sets)
{
    static TestSets ts;
    static EngineResult r;
    Overrides o = test_sets(&ts, sets);
    Diag d;
    diag_init(&d);
    RunInputs ri = { 0 };
    AttnProg p = { 0 };
    AttnOrder ord;
    AttnEvent *ev = NULL;
    size_t n_ev = 0;
    char where[768];
    describe(where, sizeof where, arch, causal ? " causal" : "", sets);
    CycleResult cy = { 0 };
    RtlGeom g;
    FxFormat fx;
    if (run_inputs_load(&ri, arch, "workloads/bert.cfg", "mappings/fusemax-rtl.cfg", &o, &d) ||
        lower_geom(ri.arch, &g, &d) || fx_format_init(&fx, &ri.arch->arith) ||
        run_attn_schedule(&ri, false, &ord, &ev, &n_ev, &r, &cy, &d)) {
        printf("  attention refused: %s: %s\n", where, d.n ? d.e[0].msg : "");
        CHECK(0);
        goto out;
    }
    const Cascade *c = ri.cascade;
    uint64_t sz[5];
    static const char *const rk[5] = { "E", "F", "M", "P", "M0" };
    for (int i = 0; i < 5; i++)
        sz[i] = (uint64_t)ri.sizes.size[cascade_find_rank(c, rk[i])];
    int lrc = lower_attn_events(&g, (uint64_t)fx.T, sz[0], sz[1], sz[2], sz[3], sz[4], causal,
                                ord.nbh, ord.ptile, ev, n_ev, &p, &d);
    lower_attn_order_free(&ord);
    if (lrc) {
        printf("  attention not lowered: %s: %s\n", where, d.n ? d.e[0].msg : "");
        CHECK(0);
        goto out;
    }
    n_attn++;
    double pct = cy.cycles ? 100.0 * ((double)p.cycles - (double)cy.cycles) / (double)cy.cycles : 100;
    double tol = p.Mp != p.M || p.Pp != p.P ? ATTN_ENGINE_TOL_PADDED_PCT : ATTN_ENGINE_TOL_PCT;
    if (!(pct >= -tol && pct <= tol))
        printf("  attention run: %s: %" PRIu64 " by the tile and DMA rules, %" PRIu64
               " engine (%+.3f %%)\n", where, p.cycles, cy.cycles, pct);
    CHECK(pct >= -tol && pct <= tol);
    double *worst = tol > ATTN_ENGINE_TOL_PCT ? &attn_max_padded : &attn_max_pct;
    *worst = fabs(pct) > *worst ? fabs(pct) : *worst;
    uint64_t q = 0, av = 0;
    for (int i = 0; i < p.n_dma; i++) {
        if (p.dma[i].op == DMA_LOAD && p.dma[i].tensor == 0)
            q += p.dma[i].words;
        if (p.dma[i].op == DMA_STORE)
            av += p.dma[i].words;
    }
    uint64_t nbh = ri.workload->batch * ri.workload->heads;
    if (q != nbh * sz[0] * sz[3] || av != nbh * sz[1] * sz[3] || p.nbh != nbh)
        printf("  attention DMA: %s: Q %" PRIu64 " words loaded, AV %" PRIu64 " stored\n", where, q, av);
    CHECK(q == nbh * sz[0] * sz[3] && av == nbh * sz[1] * sz[3] && p.nbh == nbh);
    /* Every register block serves its query blocks in turn, one at a time. */
    bool slots_ok = true;
    for (int t = 0; t < p.n[ATTN_Q1D]; t++)
        slots_ok = slots_ok && p.t[ATTN_Q1D][t].slot == p.t[ATTN_Q1D][t].blk % ATTN_MAX_BLOCKS;
    CHECK(slots_ok);
    if (p.nbh * p.nb > ATTN_MAX_BLOCKS)
        n_attn_shared++;
    CHECK(streamed_same(&g, (uint64_t)fx.T, sz, causal, ev, n_ev, &p, where));
out:
    free(ev);
    lower_attn_free(&p);
    run_inputs_free(&ri);
    diag_free(&d);
}

int main(void)
{
    static const char *const archs[] = { "models/fusemax-4x4.cfg", "models/fusemax-8x8.cfg" };
    static const unsigned R[] = { 4, 8 };
    static const char *const bw[] = { "1.5", "2.8", "16", "256" };
    static const char *const lat[] = { "0", "40" };
    for (int a = 0; a < 2; a++)
        for (int ws = 0; ws < 2; ws++)
            for (int b = 0; b < 4; b++)
                for (int l = 0; l < 2; l++) {
                    const unsigned r = R[a];
                    const unsigned ks[] = { 1, r + 1, 3 * r, 13 };
                    const unsigned ms[] = { r - 1, 2 * r, 10 };
                    const unsigned ns[] = { 1, r, 2 * r + 1, 9 };
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 3; j++)
                            for (int k = 0; k < 4; k++) {
                                char s[5][64];
                                snprintf(s[0], sizeof s[0], "arch.DRAM.bandwidth_gibps=%s", bw[b]);
                                snprintf(s[1], sizeof s[1], "arch.DRAM.latency_cycles=%s", lat[l]);
                                snprintf(s[2], sizeof s[2], "workload.ranks.K=%u", ks[i]);
                                snprintf(s[3], sizeof s[3], "workload.ranks.M=%u", ms[j]);
                                snprintf(s[4], sizeof s[4], "workload.ranks.N=%u", ns[k]);
                                const char *sets[] = { s[0], s[1], s[2], s[3], s[4], NULL };
                                point(archs[a], ws, sets);
                            }
                }
    static const char *const aarch[] = { "models/fusemax-4x4.cfg", "models/fusemax-8x8.cfg" };
    /* (batch, heads, DRAM tile of P in blocks; 0: the engine's) */
    static const unsigned bht[3][3] = { { 1, 1, 0 }, { 1, 2, 2 }, { 3, 3, 4 } };
    for (int a = 0; a < 2; a++)
        for (int causal = 0; causal < 2; causal++)
            for (int b = 0; b < 4; b++)
                for (int l = 0; l < 2; l++)
                    for (int v = 0; v < 3; v++) {
                    const unsigned r = R[a];
                    /* dense: whole blocks; causal: also a ragged length */
                    const unsigned seqs[] = { 2 * r, 8 * r, causal ? 5 * r - 2 : 4 * r };
                    const unsigned efs[] = { 8, 16 };
                    for (int i = 0; i < 3; i++)
                        for (int j = 0; j < 2; j++) {
                            char s[11][96];
                            snprintf(s[0], sizeof s[0], "arch.DRAM.bandwidth_gibps=%s", bw[b]);
                            snprintf(s[1], sizeof s[1], "arch.DRAM.latency_cycles=%s", lat[l]);
                            snprintf(s[2], sizeof s[2], "workload.seq=%u", seqs[i]);
                            snprintf(s[3], sizeof s[3], "workload.ranks.E=%u", efs[j]);
                            snprintf(s[4], sizeof s[4], "workload.ranks.F=%u", efs[j]);
                            snprintf(s[5], sizeof s[5], "mapping.partitions.M0=%u", r);
                            snprintf(s[6], sizeof s[6], "workload.batch=%u", bht[v][0]);
                            snprintf(s[7], sizeof s[7], "workload.heads=%u", bht[v][1]);
                            snprintf(s[8], sizeof s[8], causal ? "mapping.cascade=workloads/cascades/attention-causal.cfg"
                                                               : "mapping.ragged=false");
                            snprintf(s[9], sizeof s[9], "mapping.groups.attention.loop.tile=%u",
                                     bht[v][2] * r);
                            const char *sets[12] = { s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] };
                            int n = 9;
                            if (bht[v][2])
                                sets[n++] = s[9];
                            if (causal)
                                sets[n++] = "mapping.ragged=true";
                            attn_point(aarch[a], causal, sets);
                        }
                }
    printf("dram lowering: %d GEMM points lowered, %d refused for capacity; %d attention points "
           "(%d with more query blocks than the RTL's register blocks), run within %.3f %% of "
           "the engine (padded: %.3f %%); streamed, the same program, at most %" PRIu64 " items "
           "made ready by one event\n", n_lowered, n_refused, n_attn, n_attn_shared,
           attn_max_pct, attn_max_padded, stream_most);
    CHECK(n_attn > 0);
    CHECK(n_attn_shared > 0);
    CHECK(n_lowered > 0);
    return CHECK_DONE();
}
