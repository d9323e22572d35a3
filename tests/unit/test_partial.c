/* test_partial.c — a DRAM-level loop over a rank an Einsum reduces carries the partial sums
 * from tile to tile through DRAM (mappings/gemm-os-k.cfg: a GEMM tiled over K).
 *   - traffic: Z is written once per tile of K and read back by every tile but the first
 *     (DRAM reads, buffer fills and the unit's buffer reads), at any number of tiles,
 *     ragged last tile included; a single tile reads nothing back;
 *   - the cycle level never beats the analytic bound and equals the exhaustive search;
 *     traced, every reload starts after the store it reads back has finished;
 *   - more K never takes fewer cycles; a tile of one block per tile (the next tile waits
 *     for the store it reads back) is slower than the bound;
 *   - unfused attention (AV on tiles of keys) over several (b, h)s: the same accounting,
 *     and the cycle level's steady-state jumps (checked against the analytic totals
 *     inside the engine, and against the exhaustive search here).
 * The checks that refuse what the reload does not cover are bad-input cases
 * (tests/bad/mapping-loop-*.cfg). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "run/run.h"

#define ARCH "models/fusemax-16x16.cfg"
#define MAP "mappings/gemm-os-k.cfg"

/* The traced schedule: each reload of Z's partial sums starts after the store of the same
 * block in the previous tile has finished (the engine relies on the DRAM channel's
 * order for it, not on an explicit wait). */
typedef struct {
    int z;                       /* tensor index of Z */
    uint64_t store_end[64][64];  /* [tile][block], + 1 (0: none yet) */
    uint64_t reloads, late;      /* Z loads seen, of them starting before their store ended */
} Order;

static void on_event(void *ctx, const EngineEvent *ev)
{
    Order *o = ctx;
    if (ev->tensor != o->z || ev->bh || ev->tile >= 64 || ev->block >= 64)
        return;
    if (ev->kind == EV_STORE)
        o->store_end[ev->tile][ev->block] = ev->end + 1;
    if (ev->kind == EV_LOAD) {
        o->reloads++;
        uint64_t st = ev->tile ? o->store_end[ev->tile - 1][ev->block] : 0;
        o->late += !st || ev->start < st - 1;
    }
}

typedef struct {
    bool ok;
    uint64_t reloads, late;
    uint64_t analytic, cycle, exhaustive;
    uint64_t z_dram_reads, z_dram_writes, z_fills, z_buf_reads;
} Res;

static Res run(uint64_t k, uint64_t m, uint64_t n, uint64_t tile)
{
    Res r = { 0 };
    char ks[32], ms[32], ns[32], ts[32];
    snprintf(ks, sizeof ks, "%" PRIu64, k);
    snprintf(ms, sizeof ms, "%" PRIu64, m);
    snprintf(ns, sizeof ns, "%" PRIu64, n);
    snprintf(ts, sizeof ts, "%" PRIu64, tile);
    Override ov[4] = { { "workload.ranks.K", ks, 1 }, { "workload.ranks.M", ms, 2 },
                       { "workload.ranks.N", ns, 3 }, { "mapping.groups.gemm.loop.tile", ts, 4 } };
    Overrides o = { ov, 4 };
    Diag d;
    diag_init(&d);
    RunInputs ri = { 0 };
    if (run_inputs_load(&ri, ARCH, "workloads/gemm.cfg", MAP, &o, &d) == 0) {
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        r.ok = rr.res->feasible && rr.cy.ran;
        r.analytic = rr.res->cycles;
        r.cycle = rr.cy.cycles;
        for (int i = 0; i < rr.res->n_traffic; i++) {
            const TrafficStat *t = &rr.res->traffic[i];
            if (strcmp(t->tensor, "Z") != 0)
                continue;
            if (strcmp(t->level, "DRAM") == 0) {
                r.z_dram_reads = t->reads;
                r.z_dram_writes = t->writes;
            } else {
                r.z_fills = t->fills;
                r.z_buf_reads = t->reads;
            }
        }
        run_result_free(&rr);
        ri.in.exhaustive = true;
        run_evaluate(&ri, true, &rr);
        r.exhaustive = rr.cy.cycles;
        run_result_free(&rr);
        ri.in.exhaustive = false;
        static Order ord;
        memset(&ord, 0, sizeof ord);
        ord.z = cascade_find_tensor(ri.cascade, "Z");
        ri.in.trace = on_event;
        ri.in.trace_ctx = &ord;
        run_evaluate(&ri, true, &rr);
        r.reloads = ord.reloads;
        r.late = ord.late;
        run_result_free(&rr);
    }
    diag_print(&d, stderr);
    diag_free(&d);
    run_inputs_free(&ri);
    return r;
}

static void no_trace(void *ctx, const EngineEvent *ev)
{
    (void)ctx;
    (void)ev;
}

int main(void)
{
    /* (K, M, N, tile of K): several tiles, a ragged last tile, one tile, one block. */
    static const uint64_t pts[][4] = { { 256, 256, 256, 64 }, { 1000, 40, 48, 64 },
                                       { 1000, 40, 17, 128 }, { 64, 32, 32, 64 },
                                       { 512, 16, 16, 32 } };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        uint64_t k = pts[i][0], m = pts[i][1], n = pts[i][2], t = pts[i][3];
        Res r = run(k, m, n, t);
        CHECK(r.ok);
        uint64_t tiles = (k + t - 1) / t, z = m * n;
        printf("K %4" PRIu64 " M %3" PRIu64 " N %3" PRIu64 " tile %3" PRIu64 ": Z DRAM reads %" PRIu64
               " writes %" PRIu64 ", cycles analytic %" PRIu64 " cycle %" PRIu64 "\n",
               k, m, n, t, r.z_dram_reads, r.z_dram_writes, r.analytic, r.cycle);
        CHECK_EQ_INT(r.z_dram_writes, tiles * z);
        CHECK_EQ_INT(r.z_dram_reads, (tiles - 1) * z);
        CHECK_EQ_INT(r.z_fills, (tiles - 1) * z);
        /* The unit reads the partial sums it continues; the stores read every tile's. */
        CHECK_EQ_INT(r.z_buf_reads, (tiles - 1) * z + tiles * z);
        CHECK(r.cycle >= r.analytic);
        CHECK_EQ_INT(r.exhaustive, r.cycle);
        uint64_t nb = (n + 15) / 16;   /* blocks of N on the 16 columns */
        if (m == 256 || k == 1000) {   /* one (b, h), under 64 tiles and blocks */
            CHECK_EQ_INT(r.reloads, (tiles - 1) * nb);
            CHECK_EQ_INT(r.late, 0);
        }
        if (n <= 16 && tiles > 1)   /* one block per tile: each tile waits for the last */
            CHECK(r.cycle > r.analytic);
    }
    /* Unfused attention's AV on tiles of keys (mappings/unfused.cfg), several (b, h)s and
     * tiles: AV is written once per tile and read back by every tile but each (b, h)'s
     * first; the steady state repeats only whole (b, h)s and tiles after the first. */
    static const char *const bh[][2] = { { "1", "1" }, { "4", "1" }, { "2", "3" } };
    for (int i = 0; i < 3; i++) {
        /* The tiles fixed (the engine's choice here), so that the traced run below, which
         * simulates the analytic level's option only, runs the same schedule. */
        Override ov[7] = { { "workload.seq", "4096", 1 }, { "workload.batch", bh[i][0], 2 },
                           { "workload.heads", bh[i][1], 3 },
                           { "arch.GlobalBuffer.size_kb", "256", 4 },
                           { "mapping.groups.qk.loop.tile", "1024", 5 },
                           { "mapping.groups.softmax.loop.tile", "16", 6 },
                           { "mapping.groups.av.loop.tile", "1024", 7 } };
        Overrides o = { ov, 7 };
        Diag d;
        diag_init(&d);
        RunInputs ri = { 0 };
        CHECK(run_inputs_load(&ri, "models/flat.cfg", "workloads/bert.cfg", "mappings/unfused.cfg",
                              &o, &d) == 0);
        diag_print(&d, stderr);
        diag_free(&d);
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        CHECK(rr.res->feasible && rr.cy.ran);
        uint64_t rd = 0, wr = 0, nbh = (uint64_t)atoi(bh[i][0]) * (uint64_t)atoi(bh[i][1]);
        for (int t = 0; t < rr.res->n_traffic; t++)
            if (strcmp(rr.res->traffic[t].tensor, "AV") == 0 && strcmp(rr.res->traffic[t].level, "DRAM") == 0)
                rd = rr.res->traffic[t].reads, wr = rr.res->traffic[t].writes;
        uint64_t av = 4096 * 64 * nbh;   /* P x F per (b, h) */
        printf("unfused, seq 4096, %" PRIu64 " (b, h): AV DRAM reads %" PRIu64 " writes %" PRIu64
               ", cycles analytic %" PRIu64 " cycle %" PRIu64 "\n", nbh, rd, wr, rr.res->cycles,
               rr.cy.cycles);
        CHECK(wr > av);
        CHECK_EQ_INT(rd, wr - av);
        CHECK(rr.cy.cycles >= rr.res->cycles);
        uint64_t cyc = rr.cy.cycles;
        run_result_free(&rr);
        ri.in.exhaustive = true;
        run_evaluate(&ri, true, &rr);
        CHECK_EQ_INT(rr.cy.cycles, cyc);
        run_result_free(&rr);
        /* Traced, every slot is simulated (no steady-state jumps): the same cycles. */
        ri.in.trace = no_trace;
        run_evaluate(&ri, true, &rr);
        CHECK_EQ_INT(rr.cy.cycles, cyc);
        run_result_free(&rr);
        run_inputs_free(&ri);
    }
    /* More K, never fewer cycles. */
    Res prev = { 0 };
    for (uint64_t k = 64; k <= 2048; k += 96) {
        Res r = run(k, 64, 64, 64);
        CHECK(r.ok);
        if (k > 64) {
            CHECK(r.analytic >= prev.analytic);
            CHECK(r.cycle >= prev.cycle);
        }
        prev = r;
    }
    return CHECK_DONE();
}
