/* test_published.c — the analytic level against published numbers (DESIGN §6 and the
 * FuseMax array-size sweep), from the shipped model, workload and mapping files alone:
 * every value within 1 % (energy within 5 %), FLAT's on-chip/spill switch, and an
 * infeasible mapping reported with its reason. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "energy/energy.h"
#include "run/run.h"

static EngineResult res;
static CycleResult cyc;
static RunInputs ri; /* kept until the next run: res borrows its names */

/* Runs arch/workload/mapping with up to 8 "key=value" overrides; returns feasibility. */
static int run(const char *arch, const char *wl, const char *map, const char *const *sets,
               double *energy_pj)
{
    Override ov[8];
    char keys[8][64];
    int n = 0;
    for (; sets && sets[n]; n++) {
        const char *eq = strchr(sets[n], '=');
        snprintf(keys[n], sizeof keys[n], "%.*s", (int)(eq - sets[n]), sets[n]);
        ov[n] = (Override){ keys[n], eq + 1, n + 1 };
    }
    Overrides o = { ov, n };
    Diag d;
    diag_init(&d);
    run_inputs_free(&ri);
    int rc = run_inputs_load(&ri, arch, wl, map, &o, &d);
    diag_print(&d, stderr);
    CHECK_EQ_INT(rc, 0);
    if (rc == 0) {
        engine_analytic(&ri.in, &res);
        engine_cycle(&ri.in, &res, &cyc);
        /* The cycle level is never below the analytic level, its excess is attributed in
         * full, and it simulates a handful of steps whatever the sequence length. */
        if (res.feasible) {
            CHECK(cyc.ran);
            CHECK(cyc.cycles >= res.cycles);
            CHECK_EQ_INT(cyc.cycles - res.cycles, cyc.fill_drain + cyc.dependency + cyc.bandwidth);
            CHECK(cyc.steps_simulated <= 3 * (uint64_t)res.n_groups);
        }
        if (res.feasible && energy_pj) {
            EnergyReport er;
            energy_price(&res, ri.arch, &er);
            *energy_pj = er.total_pj;
        }
    }
    diag_free(&d);
    return rc == 0 && res.feasible;
}

static double util(const char *unit)
{
    for (int u = 0; u < res.n_units; u++)
        if (strcmp(res.unit_name[u], unit) == 0)
            return res.utilization[u];
    return -1;
}

#define WITHIN(x, ref, tol) CHECK_NEAR((double)(x), (double)(ref), (tol) * fabs((double)(ref)))

int main(void)
{
    double e = 0;
    /* FuseMax, BERT, 1K: cycles, time, utilisations, DRAM traffic, energy. */
    CHECK(run("models/fusemax.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg", NULL, &e));
    WITHIN(res.cycles, 1892352, 0.01);
    WITHIN(res.seconds * 1e3, 2.01314, 0.01);
    WITHIN(util("array2d"), 0.8896, 0.01);
    WITHIN(util("array1d"), 1.0, 0.01);
    WITHIN(res.dram_bytes, 402653184, 0.01);
    WITHIN(e, 1.95065e12, 0.05);
    CHECK_STR(res.bound, "compute");
    /* FuseMax, XLM, 1K. */
    CHECK(run("models/fusemax.cfg", "workloads/xlm.cfg", "mappings/fusemax.cfg", NULL, NULL));
    WITHIN(res.cycles, 4882432, 0.01);
    WITHIN(res.seconds * 1e3, 5.19408, 0.01);
    /* FLAT, BERT, 1K: 1D-array bound. */
    CHECK(run("models/flat.cfg", "workloads/bert.cfg", "mappings/flat.cfg", NULL, NULL));
    WITHIN(res.cycles, 12582912, 0.01);
    WITHIN(res.seconds * 1e3, 13.3861, 0.01);
    WITHIN(util("array2d"), 0.125, 0.01);
    /* Unfused, BERT, 1K: three phases through DRAM. */
    CHECK(run("models/flat.cfg", "workloads/bert.cfg", "mappings/unfused.cfg", NULL, NULL));
    WITHIN(res.seconds * 1e3, 21.8236, 0.01);
    CHECK_EQ_INT(res.n_groups, 3);
    CHECK(res.groups[0].memory_cycles > res.groups[0].compute_cycles); /* QK DRAM-bound */
    CHECK(res.groups[2].memory_cycles > res.groups[2].compute_cycles); /* AV DRAM-bound */
    CHECK(res.groups[1].compute_cycles > res.groups[1].memory_cycles); /* softmax: 1D */

    /* FLAT keeps QK and A on chip up to 64K and spills (DRAM-bound) from 256K on. */
    CHECK(run("models/flat.cfg", "workloads/bert.cfg", "mappings/flat.cfg",
              (const char *const[]){ "workload.seq=65536", NULL }, NULL));
    CHECK(!res.groups[0].spilled);
    CHECK_STR(res.bound, "compute");
    CHECK(run("models/flat.cfg", "workloads/bert.cfg", "mappings/flat.cfg",
              (const char *const[]){ "workload.seq=262144", NULL }, NULL));
    CHECK(res.groups[0].spilled);
    CHECK_STR(res.bound, "memory");

    /* FuseMax is compute-bound at every length; K and V passes grow with length. */
    static const char *seqs[] = { "workload.seq=1024", "workload.seq=4096", "workload.seq=16384",
                                  "workload.seq=65536", "workload.seq=262144", "workload.seq=1048576" };
    static const char *models[] = { "workloads/bert.cfg", "workloads/trxl.cfg", "workloads/t5.cfg",
                                    "workloads/xlm.cfg" };
    for (int w = 0; w < 4; w++)
        for (int s = 0; s < 6; s++) {
            CHECK(run("models/fusemax.cfg", models[w], "mappings/fusemax.cfg",
                      (const char *const[]){ seqs[s], NULL }, NULL));
            CHECK_STR(res.bound, "compute");
        }

    /* Array-size sweep, BERT at 256K tokens (FuseMax paper): latency within 1 %. */
    static const struct { const char *n; double seconds; } sweep[] = {
        { "64", 1891.83 }, { "256", 118.28 }, { "512", 29.583 },
    };
    for (int i = 0; i < 3; i++) {
        char r[64], c[64], c1[64], m0[64];
        snprintf(r, sizeof r, "arch.array2d.rows=%s", sweep[i].n);
        snprintf(c, sizeof c, "arch.array2d.cols=%s", sweep[i].n);
        snprintf(c1, sizeof c1, "arch.array1d.cols=%s", sweep[i].n);
        snprintf(m0, sizeof m0, "mapping.partitions.M0=%s", sweep[i].n);
        CHECK(run("models/fusemax.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg",
                  (const char *const[]){ "workload.seq=262144", r, c, c1, m0, NULL }, NULL));
        WITHIN(res.seconds, sweep[i].seconds, 0.01);
    }

    /* Cycle level: FuseMax's pipelining hides fill/drain except once (< 1 % over the
     * analytic level at 1K); +architecture pays it, and the 2D -> 1D hand-off, per step. */
    CHECK(run("models/fusemax.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg", NULL, NULL));
    CHECK(cyc.cycles < res.cycles + res.cycles / 100);
    /* A step's P tile (1024) spans four 256-column blocks, issued block by block: the
     * first step exposes one fill of the array (not one per stage using it) and the first
     * block's way in (BQK and LM of 256 queries, E = 64, plus a registered hand-off). */
    CHECK(cyc.fill_drain == 256 + 256 - 2);
    CHECK(cyc.dependency == 64 + 1 + 1);
    uint64_t fuse_cycle = cyc.cycles;
    CHECK(run("models/fusemax.cfg", "workloads/bert.cfg", "mappings/plus-arch.cfg", NULL, NULL));
    CHECK(cyc.fill_drain == 3 * 510 * 3072ull); /* 3072 steps = 768 (b, h) x 4 chunks */
    CHECK(cyc.dependency > 0);
    CHECK(cyc.cycles > 2 * fuse_cycle);

    /* A buffer too small for even one block is a result with a reason, not an error. */
    CHECK(!run("models/fusemax.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg",
               (const char *const[]){ "arch.GlobalBuffer.size_kb=64", NULL }, NULL));
    CHECK(!res.feasible);
    CHECK_CONTAINS(res.reason, "group attention: the smallest tile needs");
    CHECK_CONTAINS(res.reason, "GlobalBuffer");
    run_inputs_free(&ri);
    return CHECK_DONE();
}
