/* test_overlap.c — overlapped groups (`mapping.overlap = true`): the groups run
 * concurrently, pipelined over the (batch, head) instances, sharing the units, the buffer's
 * ports, the buffer and the DRAM channel.
 *   - the work is the same: traffic per level and tensor and energy equal the groups run
 *     one after another;
 *   - never slower than one after another, at both levels; the cycle level never beats
 *     the analytic bound; the bound is the busiest resource over all groups (FLAT from
 *     256K tokens: its DRAM time, as the FuseMax evaluation computes it);
 *   - one instance has nothing to overlap: exactly the groups one after another;
 *   - more instances overlap more (the ratio to one after another falls);
 *   - the groups' smallest tiles together must fit the buffer they share: infeasible
 *     with the reason when they do not, though each fits alone. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sets.h"
#include "energy/energy.h"
#include "run/run.h"

typedef struct {
    bool ok;
    uint64_t analytic, cycle, dram_bytes;
    char bound[16], reason[512];
    double pj, bytes_per_cycle;
    int n_traffic;
    uint64_t traffic[64][3];    /* reads, writes, fills per row */
} Res;

/* Evaluates with overrides "key=value" (NULL-terminated), both levels. */
static Res eval(const char *arch, const char *wl, const char *map, const char *const *sets)
{
    static TestSets ts;
    Overrides o = test_sets(&ts, sets);
    Diag d;
    diag_init(&d);
    RunInputs ri = { 0 };
    Res r = { 0 };
    static EngineResult er;
    static EnergyReport en;
    if (run_inputs_load(&ri, arch, wl, map, &o, &d) == 0) {
        engine_analytic(&ri.in, &er);
        snprintf(r.reason, sizeof r.reason, "%s", er.reason);
        if (er.feasible) {
            CycleResult cy;
            engine_cycle(&ri.in, &er, &cy);
            r.ok = cy.ran;
            r.analytic = er.cycles;
            r.cycle = cy.cycles;
            r.dram_bytes = er.dram_bytes;
            snprintf(r.bound, sizeof r.bound, "%s", er.bound);
            energy_price(&er, ri.arch, &en);
            r.pj = en.total_pj;
            r.bytes_per_cycle = ri.arch->levels[0].bandwidth_gibps * 1073741824.0 / (ri.arch->clock_mhz * 1e6);
            r.n_traffic = er.n_traffic < 64 ? er.n_traffic : 64;
            for (int i = 0; i < r.n_traffic; i++) {
                r.traffic[i][0] = er.traffic[i].reads;
                r.traffic[i][1] = er.traffic[i].writes;
                r.traffic[i][2] = er.traffic[i].fills;
            }
        }
    }
    diag_print(&d, stdout);
    diag_free(&d);
    run_inputs_free(&ri);
    return r;
}

#define FLAT "models/flat.cfg"
#define BERT "workloads/bert.cfg"
#define UNFUSED "mappings/unfused.cfg"

/* Unfused attention with its groups overlapped or not. */
static Res unfused(bool overlap, const char *seq, const char *batch, const char *heads)
{
    char s[64], b[64], h[64];
    snprintf(s, sizeof s, "workload.seq=%s", seq);
    snprintf(b, sizeof b, "workload.batch=%s", batch);
    snprintf(h, sizeof h, "workload.heads=%s", heads);
    const char *sets[] = { s, b, h, overlap ? "mapping.overlap=true" : "mapping.overlap=false", NULL };
    return eval(FLAT, BERT, UNFUSED, sets);
}

int main(void)
{
    /* The same work, never slower, the bound below the schedule. */
    static const char *const seqs[] = { "1024", "4096", "16384" };
    for (int i = 0; i < 3; i++) {
        Res a = unfused(false, seqs[i], "2", "3"), b = unfused(true, seqs[i], "2", "3");
        CHECK(a.ok && b.ok);
        CHECK_EQ_INT(a.n_traffic, b.n_traffic);
        CHECK(memcmp(a.traffic, b.traffic, sizeof a.traffic) == 0);
        CHECK_NEAR(a.pj, b.pj, 1e-9 * a.pj);
        CHECK(b.analytic <= a.analytic);
        CHECK(b.cycle <= a.cycle);
        CHECK(b.analytic <= b.cycle);
        CHECK(b.analytic >= (uint64_t)ceil((double)b.dram_bytes / b.bytes_per_cycle) - 1);
        printf("unfused seq %-5s (b, h) = 6: one after another %" PRIu64 " / %" PRIu64
               ", overlapped %" PRIu64 " / %" PRIu64 " (analytic / cycle)\n",
               seqs[i], a.analytic, a.cycle, b.analytic, b.cycle);
    }
    /* One instance: nothing overlaps. */
    {
        Res a = unfused(false, "4096", "1", "1"), b = unfused(true, "4096", "1", "1");
        CHECK(a.ok && b.ok);
        CHECK_EQ_INT(a.analytic, b.analytic);
        CHECK_EQ_INT(a.cycle, b.cycle);
    }
    /* More instances overlap more. */
    {
        static const char *const heads[] = { "1", "2", "4", "16" };
        double last = 2;
        for (int i = 0; i < 4; i++) {
            Res a = unfused(false, "4096", "1", heads[i]), b = unfused(true, "4096", "1", heads[i]);
            CHECK(a.ok && b.ok);
            double ratio = (double)b.cycle / (double)a.cycle;
            printf("unfused seq 4096, %s heads: overlapped / one after another %.4f\n", heads[i], ratio);
            CHECK(ratio <= last);
            last = ratio;
        }
        CHECK(last < 0.9);
    }
    /* FLAT from 256K tokens: memory-bound, its bound the DRAM time of all its traffic. */
    {
        const char *sets[] = { "workload.seq=262144", NULL };
        Res f = eval(FLAT, BERT, "mappings/flat-overlap.cfg", sets);
        CHECK(f.ok);
        CHECK_STR(f.bound, "memory");
        CHECK_EQ_INT(f.analytic, (uint64_t)ceil((double)f.dram_bytes / f.bytes_per_cycle));
        CHECK(f.cycle >= f.analytic && (double)f.cycle <= 1.001 * (double)f.analytic);
        printf("flat-overlap BERT 256K: %" PRIu64 " DRAM bytes, analytic %" PRIu64 ", cycle %" PRIu64 "\n",
               f.dram_bytes, f.analytic, f.cycle);
    }
    /* The groups share the buffer: each fits alone in 384 KiB, not together. */
    {
        const char *alone[] = { "workload.seq=65536", "arch.GlobalBuffer.size_kb=384", "mapping.overlap=false", NULL };
        const char *together[] = { "workload.seq=65536", "arch.GlobalBuffer.size_kb=384", NULL };
        Res a = eval(FLAT, BERT, "mappings/flat-overlap.cfg", alone);
        Res b = eval(FLAT, BERT, "mappings/flat-overlap.cfg", together);
        CHECK(a.ok);
        CHECK(!b.ok);
        CHECK_CONTAINS(b.reason, "mapping.overlap: group qk's smallest tile needs 196608 bytes");
    }
    return CHECK_DONE();
}
