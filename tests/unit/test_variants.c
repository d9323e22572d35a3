/* test_variants.c — masked attention variants in the performance engine, as properties
 * over grids of sizes: causal FuseMax takes 0.50-0.55 of the dense cycles and energy,
 * a sliding window scales linearly with the length, a block-sparse data mask of density
 * d costs d of the dense work, both levels never drop below the analytic bound, more
 * work never takes fewer cycles, and a workload that names its cascade runs it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sets.h"
#include "run/run.h"


typedef struct {
    bool ok;
    uint64_t cycles, cycle_cycles, dram;
    double energy;
    uint64_t attn_cycles, other_cycles;  /* analytic: the group "attention", the others */
    double density_bqk;
    const char *density_src;
    char cascade[64];
} Point;

/* The analytic cycles of the group "attention" and of the others, the attention's MACs,
 * and BQK's density and its source (1 and NULL when it has none). */
static void split_groups(const EngineResult *r, uint64_t *attn, uint64_t *other, uint64_t *macs,
                         double *density, const char **src)
{
    *attn = *other = *macs = 0;
    *density = 1;
    *src = NULL;
    for (int g = 0; g < r->n_groups; g++)
        if (strcmp(r->groups[g].name, "attention") == 0)
            *attn = r->groups[g].cycles;
        else
            *other += r->groups[g].cycles;
    for (int i = 0; i < r->n_einsums; i++) {
        const EinsumStat *e = &r->einsums[i];
        if (e->group >= 0 && strcmp(r->groups[e->group].name, "attention") == 0)
            *macs += e->ops[OP_MAC];
        if (strcmp(e->name, "BQK") == 0) {
            *density = e->density;
            *src = e->density_source;
        }
    }
}

/* Loads models/fusemax.cfg, workload wl and mapping map with the --set pairs ("key=value",
 * NULL-terminated) into *ri; returns run_inputs_load's code (diagnostics printed). The
 * keys are kept in static storage (one load at a time). */
static int load(RunInputs *ri, const char *wl, const char *map, const char *const *sets)
{
    static TestSets ts;
    Overrides o = test_sets(&ts, sets);
    Diag d;
    diag_init(&d);
    int rc = run_inputs_load(ri, "models/fusemax.cfg", wl, map, &o, &d);
    diag_print(&d, stderr);
    diag_free(&d);
    return rc;
}

/* Runs models/fusemax.cfg, workload wl and mapping map with the --set pairs ("key=value",
 * NULL-terminated). */
static Point run_map(const char *wl, const char *map, bool cycle, const char *const *sets)
{
    Point pt = { 0 };
    RunInputs ri;
    if (load(&ri, wl, map, sets)) {
        run_inputs_free(&ri);
        return pt;
    }
    snprintf(pt.cascade, sizeof pt.cascade, "%s", ri.cascade->name);
    RunResult rr;
    run_evaluate(&ri, cycle, &rr);
    pt.ok = rr.res->feasible && (!cycle || rr.cy.ran);
    pt.cycles = rr.res->cycles;
    pt.cycle_cycles = rr.cy.cycles;
    pt.dram = rr.res->dram_bytes;
    pt.energy = rr.er.total_pj;
    uint64_t macs;
    split_groups(rr.res, &pt.attn_cycles, &pt.other_cycles, &macs, &pt.density_bqk, &pt.density_src);
    run_result_free(&rr);
    run_inputs_free(&ri);
    return pt;
}

static Point run(const char *wl, bool cycle, const char *const *sets)
{
    return run_map(wl, "mappings/fusemax.cfg", cycle, sets);
}

#define DENSE "mapping.cascade=workloads/cascades/attention-1pass.cfg"

/* Causal FuseMax at >= 16K tokens: 0.50-0.55 of dense cycles and energy, both levels. */
static void test_causal(void)
{
    static const char *const seqs[] = { "workload.seq=16384", "workload.seq=32768",
                                        "workload.seq=65536" };
    static const char *const heads[] = { "workload.heads=1", "workload.heads=3" };
    for (int s = 0; s < 3; s++)
        for (int h = 0; h < 2; h++) {
            bool cyc = s < 2;   /* the cycle level on the smaller lengths (sanitizer time) */
            const char *cs[] = { seqs[s], heads[h], NULL };
            const char *ds[] = { seqs[s], heads[h], DENSE, NULL };
            Point c = run("workloads/llama2-7b-causal.cfg", cyc, cs);
            Point dn = run("workloads/llama2-7b-causal.cfg", cyc, ds);
            CHECK(c.ok && dn.ok);
            CHECK_STR(c.cascade, "attention-causal");
            CHECK_STR(dn.cascade, "attention-1pass");
            double rc = (double)c.cycles / (double)dn.cycles, re = c.energy / dn.energy;
            printf("causal %s %s: cycles %.4f energy %.4f", seqs[s], heads[h], rc, re);
            CHECK(rc >= 0.50 && rc <= 0.55);
            CHECK(re >= 0.50 && re <= 0.55);
            CHECK_STR(c.density_src, "rules");
            CHECK(c.density_bqk > 0.5 && c.density_bqk < 0.55);
            CHECK(dn.density_src == NULL && dn.density_bqk == 1.0);
            if (cyc) {
                double rcy = (double)c.cycle_cycles / (double)dn.cycle_cycles;
                printf(", cycle level %.4f", rcy);
                CHECK(rcy >= 0.50 && rcy <= 0.55);
                CHECK(c.cycle_cycles >= c.cycles);    /* never below the bound */
                CHECK(c.cycle_cycles <= dn.cycle_cycles);
            }
            printf("\n");
        }
}

/* Sliding window: linear in the length once it exceeds the window. */
static void test_window(void)
{
    /* The acceptance point at the analytic level (W = 4096, 256K -> 1M), W = 8192 too. */
    static const char *const ws[] = { "workload.ranks.W=4096", "workload.ranks.W=8192" };
    for (int w = 0; w < 2; w++) {
        const char *a[] = { ws[w], "workload.seq=262144", NULL };
        const char *b[] = { ws[w], "workload.seq=1048576", NULL };
        Point p = run("workloads/mistral-7b-window.cfg", false, a);
        Point q = run("workloads/mistral-7b-window.cfg", false, b);
        CHECK(p.ok && q.ok);
        CHECK_STR(p.cascade, "attention-window");
        double r = (double)q.cycles / (double)p.cycles;
        printf("window %s 1M/256K analytic %.4f\n", ws[w], r);
        CHECK(r >= 3.8 && r <= 4.2);
    }
    /* Both levels on smaller windows (lengths of 16 windows and more): L -> 4L. */
    static const char *const sw[] = { "workload.ranks.W=512", "workload.ranks.W=1024" };
    static const char *const ls[][2] = { { "workload.seq=16384", "workload.seq=65536" },
                                         { "workload.seq=32768", "workload.seq=131072" } };
    for (int w = 0; w < 2; w++)
        for (int l = 0; l < 2; l++) {
            const char *a[] = { sw[w], ls[l][0], "workload.heads=1", NULL };
            const char *b[] = { sw[w], ls[l][1], "workload.heads=1", NULL };
            Point p = run("workloads/mistral-7b-window.cfg", true, a);
            Point q = run("workloads/mistral-7b-window.cfg", true, b);
            CHECK(p.ok && q.ok);
            double r = (double)q.cycles / (double)p.cycles;
            double rc = (double)q.cycle_cycles / (double)p.cycle_cycles;
            printf("window %s %s -> %s: analytic %.4f cycle level %.4f\n", sw[w], ls[l][0], ls[l][1], r, rc);
            CHECK(r >= 3.8 && r <= 4.2);
            CHECK(rc >= 3.8 && rc <= 4.2);
            CHECK(p.cycle_cycles >= p.cycles && q.cycle_cycles >= q.cycles);
        }
    /* More work never takes fewer cycles: a wider window, at both levels. */
    uint64_t prev = 0, prev_c = 0;
    static const char *const grow[] = { "workload.ranks.W=256", "workload.ranks.W=1024",
                                        "workload.ranks.W=4096", "workload.ranks.W=16384" };
    for (int w = 0; w < 4; w++) {
        const char *a[] = { grow[w], "workload.seq=16384", "workload.heads=1", NULL };
        Point p = run("workloads/mistral-7b-window.cfg", true, a);
        CHECK(p.ok);
        CHECK(p.cycles >= prev && p.cycle_cycles >= prev_c);
        prev = p.cycles;
        prev_c = p.cycle_cycles;
    }
    /* A window wider than the sequence is causal attention. */
    const char *wide[] = { "workload.ranks.W=16384", "workload.seq=16384", "workload.heads=1", NULL };
    const char *causal[] = { "workload.seq=16384", "workload.heads=1",
                             "workload.ranks.E=128", NULL };
    Point pw = run("workloads/mistral-7b-window.cfg", true, wide);
    Point pc = run("workloads/llama2-7b-causal.cfg", true, causal);
    CHECK_EQ_INT(pw.cycles, pc.cycles);
    CHECK_EQ_INT(pw.cycle_cycles, pc.cycle_cycles);
}

/* A block-sparse data mask (a block-mask file) of density d: d of the dense work. */
static void test_block_sparse(void)
{
    static const char *const dens[] = { "workload.density=1", "workload.density=0.75",
                                        "workload.density=0.5", "workload.density=0.25" };
    static const double dv[] = { 1, 0.75, 0.5, 0.25 };
    static const char *const heads[] = { "workload.heads=1", "workload.heads=12" };
    for (int h = 0; h < 2; h++) {
        const char *ds[] = { "workload.seq=16384", heads[h], DENSE, NULL };
        Point dn = run("workloads/bigbird-base.cfg", true, ds);
        CHECK(dn.ok);
        for (int k = 0; k < 4; k++) {
            const char *s[] = { "workload.seq=16384", heads[h], dens[k],
                                "workload.cascade=workloads/cascades/attention-blockmask.cfg",
                                "mapping.partitions.P0=256", NULL };
            Point p = run("workloads/bigbird-base.cfg", true, s);
            CHECK(p.ok);
            CHECK_STR(p.cascade, "attention-blockmask");
            double r = (double)p.cycles / (double)dn.cycles, e = p.energy / dn.energy;
            double rc = (double)p.cycle_cycles / (double)dn.cycle_cycles;
            printf("block-sparse %s d=%.2f: cycles %.4f cycle level %.4f energy %.4f\n", heads[h],
                   dv[k], r, rc, e);
            CHECK_NEAR(p.density_bqk, dv[k], 1e-12);
            CHECK_STR(p.density_src, "workload.density");
            CHECK_NEAR(r, dv[k], 0.02);
            CHECK(rc >= dv[k] && rc <= dv[k] + 0.05);   /* the dead steps break up prefetch */
            CHECK_NEAR(e, dv[k], 0.03);
            CHECK(p.cycle_cycles >= p.cycles);
            if (k == 0) {
                /* Density 1 is the dense work, plus reading the mask. */
                CHECK_EQ_INT(p.cycles, dn.cycles);
                CHECK(p.dram > dn.dram && p.dram - dn.dram <= dn.dram / 16);
            }
        }
    }
}

/* Block-sparse attention with a top-k block choice (MoBA): the attention costs the
 * density d of causal attention, the selection (pooling, block scores, top-k) runs in
 * groups of its own, reported apart, and adds a few per cent; both levels, the cycle
 * level never below the analytic one, and more kept blocks never cost less. */
static void test_topk(void)
{
    static const char *const dens[] = { "workload.density=1", "workload.density=0.5",
                                        "workload.density=0.25" };
    static const double dv[] = { 1, 0.5, 0.25 };
    static const char *const seqs[] = { "workload.seq=16384", "workload.seq=65536" };
    for (int q = 0; q < 2; q++) {
        const char *cs[] = { seqs[q], NULL };   /* the same shapes as llama3-8b-moba */
        Point causal = run("workloads/llama2-7b-causal.cfg", true, cs);
        CHECK(causal.ok);
        CHECK_STR(causal.cascade, "attention-causal");
        uint64_t prev = UINT64_MAX, prev_cy = UINT64_MAX;
        for (int k = 0; k < 3; k++) {
            const char *s[] = { seqs[q], dens[k], NULL };
            Point p = run_map("workloads/llama3-8b-moba.cfg", "mappings/fusemax-topk.cfg", true, s);
            CHECK(p.ok);
            CHECK_STR(p.cascade, "attention-topk");
            CHECK_STR(p.density_src, "workload.density");
            double r = (double)p.attn_cycles / (double)causal.cycles;
            double sel = (double)p.other_cycles / (double)causal.cycles;
            double rc = (double)(p.cycle_cycles - p.other_cycles) / (double)causal.cycle_cycles;
            printf("topk %s d=%.2f: attention %.4f of causal (cycle level %.4f), selection "
                   "%.4f\n", seqs[q], dv[k], r, rc, sel);
            CHECK(r >= dv[k] - 0.01 && r <= dv[k] + 0.02);
            CHECK(rc >= dv[k] - 0.01 && rc <= dv[k] + 0.06);
            CHECK(sel > 0 && sel < 0.1);
            CHECK_EQ_INT(p.cycles, p.attn_cycles + p.other_cycles);
            CHECK(p.cycle_cycles >= p.cycles);
            CHECK(p.cycles <= prev && p.cycle_cycles <= prev_cy);
            prev = p.cycles;
            prev_cy = p.cycle_cycles;
        }
    }
}

/* Causal linear attention: a state of fixed size, so cycles and DRAM bytes are linear
 * in the length at both levels. */
static void test_linear(void)
{
    const char *s1[] = { "workload.seq=16384", NULL }, *s4[] = { "workload.seq=65536", NULL };
    Point a = run_map("workloads/llama2-7b.cfg", "mappings/fusemax-linear.cfg", true, s1);
    Point b = run_map("workloads/llama2-7b.cfg", "mappings/fusemax-linear.cfg", true, s4);
    CHECK(a.ok && b.ok);
    CHECK_STR(a.cascade, "linear-attention");
    double r = (double)b.cycles / (double)a.cycles, rc = (double)b.cycle_cycles / (double)a.cycle_cycles;
    printf("linear: cycles 64K / 16K %.4f (cycle level %.4f), DRAM %.4f\n", r, rc,
           (double)b.dram / (double)a.dram);
    CHECK_NEAR(r, 4, 0.01);
    CHECK_NEAR(rc, 4, 0.01);
    CHECK_EQ_INT(b.dram, 4 * a.dram);
    CHECK(a.cycle_cycles >= a.cycles && b.cycle_cycles >= b.cycles);
}

/* DRAM words of K and V: the analytic level's traffic rows, and the loads the cycle
 * level issues (its trace). */
typedef struct {
    bool ok;
    uint64_t cycles, cycle_cycles, dram;
    double energy;
    uint64_t kv_reads;          /* traffic rows: DRAM reads of K and V */
    uint64_t kv_loaded;         /* cycle level: words of its loads of K and V (BK, BV) */
    uint64_t attn_macs;         /* MACs of the Einsums of the group "attention" */
    uint64_t attn_cycles, other_cycles; /* analytic: the group "attention", the others */
    double density_bqk;
    const char *density_src;
    const Cascade *c;
} KvPoint;

static void on_load(void *ctx, const EngineEvent *ev)
{
    KvPoint *k = ctx;
    if (ev->kind != EV_LOAD)
        return;
    const char *n = k->c->tensors[ev->tensor].name;
    if (!strcmp(n, "K") || !strcmp(n, "V") || !strcmp(n, "BK") || !strcmp(n, "BV"))
        k->kv_loaded += ev->words;
}

static KvPoint run_kv_map(const char *wl, const char *map, const char *const *sets)
{
    KvPoint k = { 0 };
    RunInputs ri;
    if (load(&ri, wl, map, sets)) {
        run_inputs_free(&ri);
        return k;
    }
    RunResult rr;
    run_evaluate(&ri, true, &rr);
    k.ok = rr.res->feasible && rr.cy.ran;
    k.cycles = rr.res->cycles;
    k.cycle_cycles = rr.cy.cycles;
    k.dram = rr.res->dram_bytes;
    k.energy = rr.er.total_pj;
    for (int i = 0; i < rr.res->n_traffic; i++) {
        const TrafficStat *t = &rr.res->traffic[i];
        if (!strcmp(t->level, "DRAM") && (!strcmp(t->tensor, "K") || !strcmp(t->tensor, "V")))
            k.kv_reads += t->reads;
    }
    split_groups(rr.res, &k.attn_cycles, &k.other_cycles, &k.attn_macs, &k.density_bqk,
                 &k.density_src);
    if (k.ok) {
        /* The traced cycle level: every request of the analytic level's plan (nothing
         * extrapolated). */
        CycleResult cy;
        k.c = ri.cascade;
        ri.in.trace = on_load;
        ri.in.trace_ctx = &k;
        engine_cycle(&ri.in, rr.res, &cy);
        CHECK(cy.ran && cy.cycles >= k.cycles);
        k.c = NULL;
    }
    run_result_free(&rr);
    run_inputs_free(&ri);
    return k;
}

static KvPoint run_kv(const char *wl, const char *const *sets)
{
    return run_kv_map(wl, "mappings/fusemax.cfg", sets);
}

#define GQA "workload.cascade=workloads/cascades/attention-gqa.cfg"
#define MQA "workload.cascade=workloads/cascades/attention-mqa.cfg"
#define CAUSAL "workload.cascade=workloads/cascades/attention-causal.cfg"

/* Grouped-query attention: with G query heads per K/V head, K and V are read from DRAM
 * as for H / G heads (once per group, not per query head) at both levels; G = 1 is
 * multi-head attention, unchanged; multi-query attention (one K/V head) is the extreme. */
static void test_gqa(void)
{
    /* Llama 3 8B: 32 query heads, E = F = 128, causal; G = 4 (8 K/V heads), 2 (16), 1. */
    static const char *const gs[] = { "workload.ranks.G=4", "workload.ranks.G=2", "workload.ranks.G=1" };
    static const uint64_t g[] = { 4, 2, 1 };
    const uint64_t M = 4096, E = 128;
    const char *mha_s[] = { "workload.seq=4096", NULL };
    KvPoint mha = run_kv("workloads/llama2-7b-causal.cfg", mha_s);  /* 32 heads, same shapes */
    CHECK(mha.ok);
    CHECK_EQ_INT(mha.kv_reads, 2 * 32 * M * E);    /* K and V once per head (one tile) */
    CHECK_EQ_INT(mha.kv_loaded, mha.kv_reads);
    for (int k = 0; k < 3; k++) {
        const char *s[] = { GQA, "workload.seq=4096", gs[k], NULL };
        KvPoint p = run_kv("workloads/llama3-8b-gqa.cfg", s);
        CHECK(p.ok);
        uint64_t hkv = 32 / g[k];
        printf("gqa G=%" PRIu64 " (%" PRIu64 " K/V heads), 4096 tokens: K+V DRAM words %" PRIu64
               " (analytic) %" PRIu64 " (cycle level), MHA %" PRIu64 "; cycles %.4f of MHA, "
               "cycle level %.4f, energy %.4f\n", g[k], hkv, p.kv_reads, p.kv_loaded,
               mha.kv_reads, (double)p.cycles / (double)mha.cycles,
               (double)p.cycle_cycles / (double)mha.cycle_cycles, p.energy / mha.energy);
        CHECK_EQ_INT(p.kv_reads, 2 * hkv * M * E);
        CHECK_EQ_INT(p.kv_loaded, p.kv_reads);
        CHECK_EQ_INT(p.cycles, mha.cycles);          /* compute-bound: the same work */
        CHECK(p.cycle_cycles >= p.cycles);
        CHECK(p.energy <= mha.energy);
        if (g[k] == 1) {
            /* G = 1: multi-head attention with explicit heads, exactly the implicit run. */
            CHECK_EQ_INT(p.cycle_cycles, mha.cycle_cycles);
            CHECK_EQ_INT(p.dram, mha.dram);
            CHECK(p.energy == mha.energy);
        } else {
            CHECK(p.dram < mha.dram && p.energy < mha.energy);
        }
    }
    /* 8192 tokens: a group's per-query state (Q, RNV of 4 heads) no longer fits the 16 MiB
     * buffer in one tile, so K and V stream twice per K/V head (the first half of the
     * queries needs only the first half of the keys): 1.5 x 8 heads' worth, still less
     * than 32 heads' worth once. */
    const char *mha8[] = { "workload.seq=8192", NULL };
    const char *gqa8[] = { GQA, "workload.seq=8192", NULL };
    KvPoint m8 = run_kv("workloads/llama2-7b-causal.cfg", mha8);
    KvPoint g8 = run_kv("workloads/llama3-8b-gqa.cfg", gqa8);
    CHECK(m8.ok && g8.ok);
    printf("gqa G=4, 8192 tokens: K+V DRAM words %" PRIu64 " (cycle level %" PRIu64 "), MHA %"
           PRIu64 "\n", g8.kv_reads, g8.kv_loaded, m8.kv_reads);
    CHECK_EQ_INT(m8.kv_reads, 2 * 32 * 8192 * E);
    CHECK_EQ_INT(g8.kv_reads, 2 * 8 * 8192 * E * 3 / 2);
    CHECK_EQ_INT(g8.kv_loaded, g8.kv_reads);
    /* Long sequences with the query tile fixed: K and V are read G times less than for
     * multi-head attention at every tile. Left free, the tile the buffer allows shrinks
     * as G heads' per-query state (Q, RNV) grows; any order that keeps that state on chip
     * passes K and V once per buffer-full of (head, query) pairs, whatever the grouping,
     * so the free-tile ratio rises towards 1 with the length (0.625 at 16K, 0.85 at 64K). */
    const char *t4[] = { GQA, "workload.seq=16384", "workload.ranks.G=4",
                         "mapping.groups.attention.loop.tile=4096", NULL };
    const char *t1[] = { GQA, "workload.seq=16384", "workload.ranks.G=1",
                         "mapping.groups.attention.loop.tile=4096", NULL };
    KvPoint f4 = run_kv("workloads/llama3-8b-gqa.cfg", t4);
    KvPoint f1 = run_kv("workloads/llama3-8b-gqa.cfg", t1);
    CHECK(f4.ok && f1.ok);
    printf("gqa G=4 vs G=1, 16384 tokens, tiles of 4096 queries: K+V DRAM words %" PRIu64 " vs %"
           PRIu64 " (cycle level %" PRIu64 " vs %" PRIu64 ")\n", f4.kv_reads, f1.kv_reads,
           f4.kv_loaded, f1.kv_loaded);
    CHECK_EQ_INT(4 * f4.kv_reads, f1.kv_reads);
    CHECK_EQ_INT(4 * f4.kv_loaded, f1.kv_loaded);
    /* Falcon-7B, multi-query: 71 query heads, one K/V head, E = F = 64. At 512 tokens the
     * 71 heads' queries fit one tile: K and V are read once, as for one head. */
    const char *mq[] = { MQA, "workload.seq=512", NULL };
    const char *mh[] = { CAUSAL, "workload.seq=512", NULL };
    KvPoint q = run_kv("workloads/falcon-7b-mqa.cfg", mq);
    KvPoint h = run_kv("workloads/falcon-7b-mqa.cfg", mh);
    CHECK(q.ok && h.ok);
    printf("mqa 71 heads, 512 tokens: K+V DRAM words %" PRIu64 " (cycle level %" PRIu64 "), "
           "MHA %" PRIu64 "; cycles %.4f of MHA, cycle level %.4f\n", q.kv_reads, q.kv_loaded,
           h.kv_reads, (double)q.cycles / (double)h.cycles,
           (double)q.cycle_cycles / (double)h.cycle_cycles);
    CHECK_EQ_INT(q.kv_reads, 2 * 512 * 64);
    CHECK_EQ_INT(q.kv_loaded, q.kv_reads);
    CHECK_EQ_INT(h.kv_reads, 71 * q.kv_reads);
    CHECK(q.cycles <= h.cycles && q.energy < h.energy);
}

/* Mixture of heads (MoH-LLaMA3-8B's shapes with 8 heads): each token runs KH of the H
 * heads, so each head's attention keeps KH / H of its (head, query block) items, the
 * routed queries gathered into full blocks and tiles. Against causal multi-head
 * attention of the same shapes, at both levels: the attention's MACs and cycles scale
 * with the kept share, K and V are read once per head while one tile holds a head's
 * routed queries and once per tile of them beyond, the router (scores X.WR per token
 * and head on the 2D array, softmax and top-k on the 1D array) is a group of its own,
 * more heads kept or more tokens never cost less, and KH = H is multi-head attention
 * plus the router and the gate's multiply. */
static void test_moh(void)
{
    static const char *const khs[] = { "workload.ranks.KH=8", "workload.ranks.KH=6",
                                       "workload.ranks.KH=2" };
    static const double dv[] = { 1, 0.75, 0.25 };
    static const char *const seqs[] = { "workload.seq=8192", "workload.seq=16384" };
    static const char *const tiles[] = { NULL, "mapping.groups.attention.loop.tile=4096" };
    const uint64_t E = 128;
    for (int q = 0; q < 2; q++) {
        const char *cs[] = { "workload.heads=8", seqs[q], tiles[q], NULL };
        KvPoint mha = run_kv("workloads/llama2-7b-causal.cfg", cs);
        CHECK(mha.ok);
        uint64_t seq = q ? 16384 : 8192, prev = 0, prev_cy = 0, prev_kv = 0, prev_mac = 0;
        uint64_t router = 0;
        for (int k = 0; k < 3; k++) {
            const char *s[] = { "workload.heads=8", seqs[q], khs[k], tiles[q], NULL };
            KvPoint p = run_kv_map("workloads/moh-llama3-8b.cfg", "mappings/fusemax-moh.cfg", s);
            CHECK(p.ok);
            double rm = (double)p.attn_macs / (double)mha.attn_macs;
            double ra = (double)p.attn_cycles / (double)mha.cycles;
            double rc = (double)(p.cycle_cycles - p.other_cycles) / (double)mha.cycle_cycles;
            double rkv = (double)p.kv_reads / (double)mha.kv_reads;
            printf("moh %" PRIu64 " tokens%s KH/H=%.2f: attention MACs %.4f, cycles %.4f (cycle "
                   "level %.4f), K+V words %.4f (%" PRIu64 ", cycle level %" PRIu64 ") of causal "
                   "MHA; router %" PRIu64 " cycles, %.4f of the total\n", seq,
                   tiles[q] ? " (tiles of 4096)" : "", dv[k], rm, ra, rc, rkv, p.kv_reads,
                   p.kv_loaded, p.other_cycles, (double)p.other_cycles / (double)p.cycles);
            CHECK(rm >= dv[k] && rm <= dv[k] + 0.04);
            CHECK(ra >= dv[k] && ra <= dv[k] + 0.06);
            CHECK(rc >= dv[k] - 0.01 && rc <= dv[k] + 0.1);
            CHECK_NEAR(p.density_bqk, dv[k] * mha.density_bqk, 0.03);
            CHECK_STR(p.density_src, "routing k/H");
            CHECK_EQ_INT(p.kv_loaded, p.kv_reads);
            CHECK(p.cycle_cycles >= p.cycles);
            CHECK_EQ_INT(p.cycles, p.attn_cycles + p.other_cycles);
            CHECK(p.other_cycles > 0 && (k == 0 || p.other_cycles == router));
            router = p.other_cycles;   /* the router's work does not depend on KH */
            if (!tiles[q]) {
                CHECK_EQ_INT(p.kv_reads, 2 * 8 * seq * E);   /* once per head */
            } else {
                /* Tiles of 4096 routed queries: K and V up to each tile's last query. */
                double n = (double)seq / 4096;
                CHECK_NEAR(rkv, (dv[k] * n + 1) / (n + 1), 0.03);
            }
            if (k == 0) {
                /* KH = H: multi-head attention, plus the router and the gating (one
                 * multiply per output element). */
                CHECK_EQ_INT(p.attn_macs, mha.attn_macs + 8 * seq * E);
                CHECK_EQ_INT(p.kv_reads, mha.kv_reads);
                CHECK(p.attn_cycles >= mha.cycles && p.attn_cycles <= mha.cycles + mha.cycles / 25);
                CHECK(p.cycles > mha.cycles && p.cycle_cycles > mha.cycle_cycles);
            } else {
                CHECK(p.cycles < prev && p.cycle_cycles < prev_cy);
                CHECK(p.attn_macs < prev_mac && p.kv_reads <= prev_kv);
            }
            prev = p.cycles;
            prev_cy = p.cycle_cycles;
            prev_kv = p.kv_reads;
            prev_mac = p.attn_macs;
        }
    }
    /* More tokens never cost less; a density given in the workload replaces k / H. */
    const char *a[] = { "workload.heads=8", "workload.seq=4096", "workload.ranks.KH=2", NULL };
    const char *b[] = { "workload.heads=8", "workload.seq=8192", "workload.ranks.KH=2", NULL };
    const char *g[] = { "workload.heads=8", "workload.seq=8192", "workload.ranks.KH=2",
                        "workload.density=0.5", NULL };
    KvPoint pa = run_kv_map("workloads/moh-llama3-8b.cfg", "mappings/fusemax-moh.cfg", a);
    KvPoint pb = run_kv_map("workloads/moh-llama3-8b.cfg", "mappings/fusemax-moh.cfg", b);
    KvPoint pg = run_kv_map("workloads/moh-llama3-8b.cfg", "mappings/fusemax-moh.cfg", g);
    CHECK(pa.ok && pb.ok && pg.ok);
    CHECK(pa.cycles < pb.cycles && pa.cycle_cycles < pb.cycle_cycles && pa.energy < pb.energy);
    CHECK_STR(pg.density_src, "workload.density, routed heads");
    CHECK(pg.attn_macs > pb.attn_macs && pg.cycles > pb.cycles);
    CHECK_NEAR((double)pg.attn_macs / (double)pb.attn_macs, 2, 0.15);
}

/* Input errors: a data mask without a density; the dense cascade is never used silently. */
static void test_errors(void)
{
    Diag d;
    diag_init(&d);
    RunInputs ri;
    Override ov[] = { { "workload.cascade", "workloads/cascades/attention-blockmask.cfg", 1 },
                      { "mapping.partitions.P0", "256", 2 }, { "workload.seq", "16384", 3 } };
    Overrides o = { ov, 3 };
    int rc = run_inputs_load(&ri, "models/fusemax.cfg", "workloads/bigbird-base.cfg",
                             "mappings/fusemax.cfg", &o, &d);
    CHECK(rc == 1);
    bool said = false;
    for (int i = 0; i < d.n; i++)
        said |= strstr(d.e[i].msg, "workload.density") != NULL;
    CHECK(said);
    diag_free(&d);
    run_inputs_free(&ri);
    /* A missing cascade file is an error at the workload's line. */
    diag_init(&d);
    Override bad[] = { { "workload.cascade", "workloads/cascades/no-such.cfg", 1 } };
    Overrides ob = { bad, 1 };
    rc = run_inputs_load(&ri, "models/fusemax.cfg", "workloads/llama2-7b-causal.cfg",
                         "mappings/fusemax.cfg", &ob, &d);
    CHECK(rc == 1 && d.n >= 1);
    diag_free(&d);
    run_inputs_free(&ri);
}

int main(void)
{
    test_causal();
    test_window();
    test_block_sparse();
    test_topk();
    test_linear();
    test_gqa();
    test_moh();
    test_errors();
    return CHECK_DONE();
}
