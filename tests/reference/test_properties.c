/* test_properties.c — properties the model must hold everywhere, checked on a grid of the
 * shipped architectures, mappings and workloads (and array sizes, buffer sizes and
 * bandwidths set with --set-style overrides):
 *   - the analytic level is a lower bound of the cycle level (no clamp makes it so);
 *   - more work never takes fewer cycles: sequence length, batch, heads, E and F, and
 *     the GEMM ranks (multiples or not of the array and tile sizes);
 *   - more buffer, more DRAM bandwidth or more buffer bandwidth (banks) never takes more
 *     cycles, and never turns a feasible mapping infeasible (GEMM's bandwidth series go
 *     down to 0.5 GiB/s, where the weight-stationary passes wait for their weights);
 *   - the scenario of an RTL run (data on chip, loads and stores take no time) holds the
 *     first property too (its analytic level has no DRAM time), is never slower than the
 *     run from DRAM, and its search equals the exhaustive one (at every fourth point);
 *   - the same inputs give the same numbers;
 *   - the cycle level's branch and bound (cutoff, block-level periods) gives exactly the
 *     cycles and stall split of the exhaustive search over the same options;
 * on dense attention, GEMM, grouped-query / multi-query attention (causal) and mixture
 * of heads (routed, with its router).
 * Prints how many points and pairs it checked. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sets.h"
#include "run/run.h"

typedef struct {
    bool ok;            /* loaded and feasible */
    uint64_t analytic, cycle;
} Pt;

static int n_points, n_pairs;

/* Evaluates with up to 12 "key=value" overrides (NULL-terminated). */
static Pt eval(const char *arch, const char *wl, const char *map, const char *const *sets)
{
    static TestSets ts;
    Overrides o = test_sets(&ts, sets);
    Diag d;
    diag_init(&d);
    RunInputs ri = { 0 };
    Pt p = { 0 };
    static EngineResult r;
    if (run_inputs_load(&ri, arch, wl, map, &o, &d) == 0) {
        engine_analytic(&ri.in, &r);
        if (r.feasible) {
            CycleResult cy;
            engine_cycle(&ri.in, &r, &cy);
            p.ok = cy.ran;
            p.analytic = r.cycles;
            p.cycle = cy.cycles;
            n_points++;
            if (!(p.analytic <= p.cycle)) {
                printf("  analytic > cycle: %s %s %s:", arch, wl, map);
                for (int i = 0; sets && sets[i]; i++)
                    printf(" %s", sets[i]);
                printf(" (%" PRIu64 " > %" PRIu64 ")\n", p.analytic, p.cycle);
            }
            CHECK(p.analytic <= p.cycle);
            CycleResult ex;
            ri.in.exhaustive = true;
            engine_cycle(&ri.in, &r, &ex);
            ri.in.exhaustive = false;
            bool same = ex.ran == cy.ran && ex.cycles == cy.cycles && ex.fill_drain == cy.fill_drain &&
                        ex.dependency == cy.dependency && ex.bandwidth == cy.bandwidth &&
                        ex.buffer_bandwidth == cy.buffer_bandwidth;
            if (!same) {
                printf("  search != exhaustive: %s %s %s:", arch, wl, map);
                for (int i = 0; sets && sets[i]; i++)
                    printf(" %s", sets[i]);
                printf(" (%" PRIu64 " vs %" PRIu64 ")\n", cy.cycles, ex.cycles);
            }
            CHECK(same);
            /* The scenario of an RTL run (data on chip: loads and stores take no time):
             * its own analytic level bounds it, it is never slower than the run with
             * DRAM, and its search is exact too. */
            ri.in.data_on_chip = true;
            EngineResult ra;
            engine_analytic(&ri.in, &ra);
            CycleResult oc, oe;
            engine_cycle(&ri.in, &ra, &oc);
            oe = oc;
            if (n_points % 4 == 0) {   /* every fourth point: the exhaustive search is slow */
                ri.in.exhaustive = true;
                engine_cycle(&ri.in, &ra, &oe);
                ri.in.exhaustive = false;
            }
            ri.in.data_on_chip = false;
            bool ok = ra.feasible && oc.ran && ra.cycles <= oc.cycles && oc.cycles <= cy.cycles &&
                      oe.cycles == oc.cycles && ra.cycles <= r.cycles;
            if (!ok) {
                printf("  data on chip: %s %s %s:", arch, wl, map);
                for (int i = 0; sets && sets[i]; i++)
                    printf(" %s", sets[i]);
                printf(" (analytic %" PRIu64 ", cycle %" PRIu64 ", exhaustive %" PRIu64
                       ", with DRAM %" PRIu64 ")\n", ra.cycles, oc.cycles, oe.cycles, cy.cycles);
            }
            CHECK(ok);
        }
    } else {
        diag_print(&d, stdout);
    }
    diag_free(&d);
    run_inputs_free(&ri);
    return p;
}

/* b follows a in a series where b has more work (dir = +1) or more resources (-1). */
static void pair(const Pt *a, const Pt *b, int dir, const char *what, const char *at)
{
    n_pairs++;
    if (dir > 0) {
        /* More work: b infeasible is fine (it may not fit); a infeasible forbids b. */
        if (!a->ok) {
            if (b->ok)
                printf("  %s: feasible with more work but not with less (%s)\n", what, at);
            CHECK(!b->ok);
            return;
        }
        if (!b->ok)
            return;
        if (b->analytic < a->analytic || b->cycle < a->cycle)
            printf("  %s: more work, fewer cycles at %s: analytic %" PRIu64 " -> %" PRIu64
                   ", cycle %" PRIu64 " -> %" PRIu64 "\n", what, at, a->analytic, b->analytic,
                   a->cycle, b->cycle);
        CHECK(b->analytic >= a->analytic);
        CHECK(b->cycle >= a->cycle);
    } else {
        if (!a->ok)
            return;
        if (!b->ok)
            printf("  %s: infeasible with more resources (%s)\n", what, at);
        CHECK(b->ok);
        if (!b->ok)
            return;
        if (b->analytic > a->analytic || b->cycle > a->cycle)
            printf("  %s: more resources, more cycles at %s: analytic %" PRIu64 " -> %" PRIu64
                   ", cycle %" PRIu64 " -> %" PRIu64 "\n", what, at, a->analytic, b->analytic,
                   a->cycle, b->cycle);
        CHECK(b->analytic <= a->analytic);
        CHECK(b->cycle <= a->cycle);
    }
}

typedef struct {
    const char *arch, *map;
    const char *set;    /* one more override, or NULL */
} Config;

/* The shipped attention configurations. */
static const Config attn[] = {
    { "models/fusemax.cfg", "mappings/fusemax.cfg" },
    { "models/fusemax.cfg", "mappings/fusemax-rtl.cfg" },   /* with register-reuse rules */
    { "models/fusemax.cfg", "mappings/plus-arch.cfg" },
    { "models/flat.cfg", "mappings/plus-cascade.cfg" },
    { "models/flat.cfg", "mappings/flat.cfg" },
    { "models/flat.cfg", "mappings/unfused.cfg" },
    { "models/fusemax.cfg", "mappings/fusemax-linear.cfg" },
    { "models/flat.cfg", "mappings/flat-overlap.cfg" },     /* groups overlapped */
    { "models/flat.cfg", "mappings/unfused.cfg", "mapping.overlap=true" },
};
#define N_ATTN (int)(sizeof attn / sizeof attn[0])

/* The fixed overrides of a series on configuration c: c's own, then `fixed`. */
static const char *const *with_set(const Config *c, const char *const *fixed, const char **buf)
{
    int n = 0;
    if (c->set)
        buf[n++] = c->set;
    for (int k = 0; fixed && fixed[k] && n < 10; k++)
        buf[n++] = fixed[k];
    buf[n] = NULL;
    return buf;
}

/* A series of one key's values (more work or more resources as the index grows). */
static void series(const char *arch, const char *wl, const char *map, const char *key,
                   const char *const *vals, int nv, const char *const *fixed, int dir)
{
    Pt prev = { 0 };
    char prev_at[160] = "";
    for (int i = 0; i < nv; i++) {
        const char *sets[12];
        int n = 0;
        char kv[128];
        snprintf(kv, sizeof kv, "%s=%s", key, vals[i]);
        sets[n++] = kv;
        for (int k = 0; fixed && fixed[k] && n < 11; k++)
            sets[n++] = fixed[k];
        sets[n] = NULL;
        Pt p = eval(arch, wl, map, sets);
        char at[320];
        snprintf(at, sizeof at, "%s %s %s %s -> %s", arch, map, wl, prev_at, kv);
        if (i > 0)
            pair(&prev, &p, dir, key, at);
        prev = p;
        snprintf(prev_at, sizeof prev_at, "%s", kv);
    }
}

int main(void)
{
    const char *fb[12];
    static const char *const seqs[] = { "256", "512", "1024", "2048", "4096", "8192", "16384",
                                        "65536", "262144", "1048576" };
    static const char *const seqs_ragged[] = { "1000", "1001", "1023", "1024", "1025", "1100" };
    static const char *const one_bh[] = { "workload.batch=1", "workload.heads=1", NULL };
    static const char *const wls[] = { "workloads/bert.cfg", "workloads/xlm.cfg" };
    for (int c = 0; c < N_ATTN; c++)
        for (int w = 0; w < 2; w++) {
            series(attn[c].arch, wls[w], attn[c].map, "workload.seq", seqs, 10, with_set(&attn[c], one_bh, fb), +1);
            series(attn[c].arch, wls[w], attn[c].map, "workload.seq", seqs, 7, with_set(&attn[c], NULL, fb), +1);
        }
    /* Lengths that are not multiples of the granule or block (mappings without a fixed
     * partition of M). */
    for (int c = 4; c < N_ATTN; c++)
        series(attn[c].arch, "workloads/bert.cfg", attn[c].map, "workload.seq", seqs_ragged, 6, with_set(&attn[c], one_bh, fb), +1);
    /* Batch, heads, E and F. */
    static const char *const small[] = { "1", "2", "3", "4", "8" };
    static const char *const widths[] = { "16", "32", "48", "64", "128" };
    static const char *const at4k[] = { "workload.seq=4096", NULL };
    static const char *const at4k1[] = { "workload.seq=4096", "workload.batch=1", "workload.heads=1", NULL };
    for (int c = 0; c < N_ATTN; c++) {
        series(attn[c].arch, "workloads/bert.cfg", attn[c].map, "workload.batch", small, 5, with_set(&attn[c], at4k, fb), +1);
        series(attn[c].arch, "workloads/bert.cfg", attn[c].map, "workload.heads", small, 5, with_set(&attn[c], at4k, fb), +1);
        series(attn[c].arch, "workloads/bert.cfg", attn[c].map, "workload.ranks.E", widths, 5, with_set(&attn[c], at4k1, fb), +1);
        series(attn[c].arch, "workloads/bert.cfg", attn[c].map, "workload.ranks.F", widths, 5, with_set(&attn[c], at4k1, fb), +1);
    }
    /* Buffer size and DRAM bandwidth. */
    static const char *const kbs[] = { "256", "512", "1024", "2048", "4096", "8192", "16384",
                                       "32768", "65536" };
    static const char *const bws[] = { "25", "50", "100", "200", "400", "800", "1600" };
    static const char *const lens[][3] = { { "workload.seq=4096", NULL, NULL },
                                           { "workload.seq=65536", "workload.batch=1", NULL },
                                           { "workload.seq=262144", "workload.batch=1", NULL } };
    for (int c = 0; c < N_ATTN; c++)
        for (int l = 0; l < 3; l++) {
            series(attn[c].arch, "workloads/bert.cfg", attn[c].map, "arch.GlobalBuffer.size_kb",
                   kbs, 9, with_set(&attn[c], lens[l], fb), -1);
            series(attn[c].arch, "workloads/bert.cfg", attn[c].map, "arch.DRAM.bandwidth_gibps",
                   bws, 7, with_set(&attn[c], lens[l], fb), -1);
            static const char *const banks[] = { "1", "2", "4", "8" };
            series(attn[c].arch, "workloads/bert.cfg", attn[c].map, "arch.GlobalBuffer.banks",
                   banks, 4, with_set(&attn[c], lens[l], fb), -1);
        }
    /* Array sizes 4 .. 512 (FuseMax; rows, columns, 1D columns and M0 together). */
    static const char *const ns[] = { "4", "8", "16", "32", "64", "128", "256", "512" };
    for (int i = 0; i < 8; i++)
        for (int s = 0; s < 2; s++) {
            char r[64], cc[64], c1[64], m0[64], sq[64];
            snprintf(r, sizeof r, "arch.array2d.rows=%s", ns[i]);
            snprintf(cc, sizeof cc, "arch.array2d.cols=%s", ns[i]);
            snprintf(c1, sizeof c1, "arch.array1d.cols=%s", ns[i]);
            snprintf(m0, sizeof m0, "mapping.partitions.M0=%s", ns[i]);
            snprintf(sq, sizeof sq, "workload.seq=%s", s ? "65536" : "4096");
            const char *fixed[] = { r, cc, c1, m0, "workload.batch=1", "workload.heads=2", NULL };
            static const char *const bs[] = { "1", "2", "4" };
            const char *fixed2[] = { r, cc, c1, m0, sq, NULL };
            for (int m = 0; m < 2; m++) {
                const char *map = m ? "mappings/fusemax-rtl.cfg" : "mappings/fusemax.cfg";
                series("models/fusemax.cfg", "workloads/bert.cfg", map, "workload.batch", bs, 3,
                       fixed, +1);
                eval("models/fusemax.cfg", "workloads/bert.cfg", map, fixed2);
            }
        }
    /* GEMM: OS, WS and IS on a 16 x 16 array and on the 256 x 256 one, every rank. */
    static const char *const gmaps[] = { "mappings/gemm-os.cfg", "mappings/gemm-ws.cfg",
                                         "mappings/gemm-is.cfg" };
    static const char *const gsz[] = { "1", "15", "16", "17", "64", "255", "256", "257", "1000", "1024" };
    static const char *const ranks[] = { "workload.ranks.K", "workload.ranks.M", "workload.ranks.N" };
    static const char *const garch[] = { "models/fusemax-16x16.cfg", "models/fusemax.cfg" };
    for (int a = 0; a < 2; a++)
        for (int m = 0; m < 3; m++)
            for (int k = 0; k < 3; k++) {
                const char *fixed[4];
                int nf = 0;
                for (int q = 0; q < 3; q++)
                    if (q != k)
                        fixed[nf++] = q == 0 ? "workload.ranks.K=100" : q == 1 ? "workload.ranks.M=100"
                                                                       : "workload.ranks.N=100";
                fixed[nf++] = "arch.GlobalBuffer.size_kb=1024";
                fixed[nf] = NULL;
                series(garch[a], "workloads/gemm.cfg", gmaps[m], ranks[k], gsz, 10, fixed, +1);
            }
    /* GEMM with DRAM bounding it (a weight-stationary pass waits for its weight rows): more
     * bandwidth never slower, at square and ragged ranks. */
    static const char *const gbws[] = { "0.5", "1.5", "2.8", "8", "32", "128", "512" };
    static const char *const gsq[] = { "workload.ranks.K=100", "workload.ranks.M=100",
                                       "workload.ranks.N=100", NULL };
    static const char *const grag[] = { "workload.ranks.K=37", "workload.ranks.M=20",
                                        "workload.ranks.N=40", NULL };
    for (int a = 0; a < 2; a++)
        for (int m = 0; m < 3; m++) {
            series(garch[a], "workloads/gemm.cfg", gmaps[m], "arch.DRAM.bandwidth_gibps", gbws, 7, gsq, -1);
            series(garch[a], "workloads/gemm.cfg", gmaps[m], "arch.DRAM.bandwidth_gibps", gbws, 7, grag, -1);
        }
    /* Grouped-query and multi-query attention (causal; the query heads of a K/V head
     * share its tiles): length, heads and batch (more work), buffer and bandwidth (more
     * resources). */
#define GQA "workload.cascade=workloads/cascades/attention-gqa.cfg"
#define MQA "workload.cascade=workloads/cascades/attention-mqa.cfg"
    static const char *const gseqs[] = { "256", "512", "1024", "2048", "4096", "8192" };
    static const char *const gheads[] = { "4", "8", "12", "16" };
    static const char *const gq8[] = { GQA, "workload.heads=8", NULL };
    static const char *const gq2k[] = { GQA, "workload.seq=2048", NULL };
    static const char *const gq2k8[] = { GQA, "workload.seq=2048", "workload.heads=8", NULL };
    static const char *const mq4[] = { MQA, "workload.heads=4", NULL };
    static const char *const mq1k[] = { MQA, "workload.seq=1024", NULL };
    static const char *const gkbs[] = { "2048", "4096", "8192", "16384", "32768" };
    series("models/fusemax.cfg", "workloads/llama3-8b-gqa.cfg", "mappings/fusemax.cfg", "workload.seq",
           gseqs, 6, gq8, +1);
    series("models/fusemax.cfg", "workloads/llama3-8b-gqa.cfg", "mappings/fusemax.cfg",
           "workload.heads", gheads, 4, gq2k, +1);
    series("models/fusemax.cfg", "workloads/llama3-8b-gqa.cfg", "mappings/fusemax.cfg",
           "workload.batch", small, 3, gq2k8, +1);
    series("models/fusemax.cfg", "workloads/llama3-8b-gqa.cfg", "mappings/fusemax.cfg",
           "arch.GlobalBuffer.size_kb", gkbs, 5, gq2k8, -1);
    series("models/fusemax.cfg", "workloads/llama3-8b-gqa.cfg", "mappings/fusemax.cfg",
           "arch.DRAM.bandwidth_gibps", bws, 7, gq2k8, -1);
    series("models/fusemax.cfg", "workloads/falcon-7b-mqa.cfg", "mappings/fusemax.cfg", "workload.seq",
           gseqs, 5, mq4, +1);
    series("models/fusemax.cfg", "workloads/falcon-7b-mqa.cfg", "mappings/fusemax.cfg",
           "workload.heads", small, 5, mq1k, +1);
    /* Mixture of heads (the router's group before the attention, whose (head, query
     * block) items keep KH / H or the workload's density): length, heads, batch, heads
     * kept per token and density (more work), buffer and bandwidth (more resources). */
#define MOH_W "workloads/moh-llama3-8b.cfg"
#define MOH_M "mappings/fusemax-moh.cfg"
    static const char *const mh8[] = { "workload.heads=8", "workload.ranks.KH=2", NULL };
    static const char *const mh2k[] = { "workload.seq=2048", "workload.ranks.KH=1",
                                        "workload.density=0.25", NULL };
    static const char *const mh2k8[] = { "workload.seq=2048", "workload.heads=8",
                                         "workload.ranks.KH=2", NULL };
    static const char *const mkhs[] = { "1", "2", "4", "6", "8" };
    static const char *const mdens[] = { "0.125", "0.25", "0.5", "0.75", "1" };
    series("models/fusemax.cfg", MOH_W, MOH_M, "workload.seq", gseqs, 6, mh8, +1);
    series("models/fusemax.cfg", MOH_W, MOH_M, "workload.heads", gheads, 4, mh2k, +1);
    series("models/fusemax.cfg", MOH_W, MOH_M, "workload.batch", small, 3, mh2k8, +1);
    series("models/fusemax.cfg", MOH_W, MOH_M, "workload.ranks.KH", mkhs, 5, mh2k8, +1);
    series("models/fusemax.cfg", MOH_W, MOH_M, "workload.density", mdens, 5, mh2k8, +1);
    series("models/fusemax.cfg", MOH_W, MOH_M, "arch.GlobalBuffer.size_kb", gkbs, 5, mh2k8, -1);
    series("models/fusemax.cfg", MOH_W, MOH_M, "arch.DRAM.bandwidth_gibps", bws, 7, mh2k8, -1);
    /* Determinism: the same inputs twice. */
    static const char *const det[] = { "workload.seq=16384", NULL };
    Pt d1 = eval("models/fusemax.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg", det);
    Pt d2 = eval("models/fusemax.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg", det);
    CHECK(d1.ok && d1.analytic == d2.analytic && d1.cycle == d2.cycle);
    static const char *const gdet[] = { GQA, "workload.seq=4096", NULL };
    Pt g1 = eval("models/fusemax.cfg", "workloads/llama3-8b-gqa.cfg", "mappings/fusemax.cfg", gdet);
    Pt g2 = eval("models/fusemax.cfg", "workloads/llama3-8b-gqa.cfg", "mappings/fusemax.cfg", gdet);
    CHECK(g1.ok && g1.analytic == g2.analytic && g1.cycle == g2.cycle);
    static const char *const mdet[] = { "workload.seq=4096", NULL };
    Pt m1 = eval("models/fusemax.cfg", MOH_W, MOH_M, mdet);
    Pt m2 = eval("models/fusemax.cfg", MOH_W, MOH_M, mdet);
    CHECK(m1.ok && m1.analytic == m2.analytic && m1.cycle == m2.cycle);
    printf("properties: %d evaluations, %d ordered pairs checked\n", n_points, n_pairs);
    return CHECK_DONE();
}
