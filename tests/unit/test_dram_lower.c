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
 * Prints how many points it lowered. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cosim/dram_lower.h"
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

static int n_lowered, n_refused;

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
    char where[512];
    int off = snprintf(where, sizeof where, "%s %s", arch, ws ? "ws" : "os");
    for (int i = 0; sets[i] && off < (int)sizeof where; i++)
        off += snprintf(where + off, sizeof where - (size_t)off, " %s", sets[i]);
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
    printf("dram lowering: %d points lowered, %d refused for capacity\n", n_lowered, n_refused);
    CHECK(n_lowered > 0);
    return CHECK_DONE();
}
