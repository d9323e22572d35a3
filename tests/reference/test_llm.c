/* test_llm.c — whole decoder layers from the shipped files (workloads/llama3-8b-*.cfg,
 * workloads/mistral-7b-*.cfg, mappings/llama-{prefill,decode}.cfg, models/fusemax.cfg).
 *
 * Decode at batch 1 is memory-bound: its DRAM bytes are at least the layer's weights plus
 * its KV cache, and its latency is within 10 % of those bytes over the DRAM bandwidth, at
 * both levels. The weights and the cache are counted here from the published sizes
 * (D, E, HQ, HKV, I, M), not from the engine; the engine's split by role must read every
 * weight exactly once and the cache at least once. Larger batches read the weights once
 * and one cache per sequence, so the bytes and the latency grow, and the time per
 * sequence falls (analytic level). Prefill of the same layer is compute-bound. The
 * encoder layers' attention (BERT, TrXL, T5, XLM) costs what FuseMax's attention alone
 * costs. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "run/run.h"

typedef struct {
    bool ok;
    uint64_t cycles, cycle_level, dram;
    double seconds, cycle_seconds, bytes_per_s;
    DramSplit split;
    const char *bound;
    uint64_t attention;        /* the cycles of the group named "attention" */
} Res;

static Res run(const char *wl, const char *map, const char *batch, bool cycle_level)
{
    Res r = { 0 };
    Override ov[1] = { { "workload.ranks.N", batch ? batch : "", 1 } };
    Overrides o = { ov, batch ? 1 : 0 };
    Diag d;
    diag_init(&d);
    RunInputs ri = { 0 };
    if (run_inputs_load(&ri, "models/fusemax.cfg", wl, map, &o, &d) == 0) {
        RunResult rr;
        run_evaluate(&ri, cycle_level, &rr);
        r.ok = rr.res->feasible && (rr.cy.ran || !cycle_level);
        r.cycles = rr.res->cycles;
        r.seconds = rr.res->seconds;
        r.cycle_level = rr.cy.cycles;
        r.cycle_seconds = rr.cy.seconds;
        r.dram = rr.res->dram_bytes;
        r.split = rr.split;
        r.bound = rr.res->bound;
        r.bytes_per_s = ri.arch->levels[0].bandwidth_gibps * 1073741824.0;
        for (int g = 0; g < rr.res->n_groups; g++)
            if (strcmp(rr.res->groups[g].name, "attention") == 0)
                r.attention = rr.res->groups[g].cycles;
        run_result_free(&rr);
    }
    if (diag_count(&d))
        diag_print(&d, stderr);
    CHECK(r.ok);
    diag_free(&d);
    run_inputs_free(&ri);
    return r;
}

/* Published sizes of a Llama-family layer, 16-bit values. */
typedef struct {
    const char *name, *decode, *prefill;
    uint64_t D, E, HQ, HKV, I, M;
} Layer;

static uint64_t weight_bytes(const Layer *l)
{
    /* RMSNorm gains (2 D), WQ and WO (D x E HQ each), WK and WV (D x E HKV each), SwiGLU's
     * WG, WU, WD (D x I each). */
    return 2 * (2 * l->D + 2 * l->D * l->E * l->HQ + 2 * l->D * l->E * l->HKV + 3 * l->D * l->I);
}

static uint64_t cache_bytes(const Layer *l, uint64_t n)
{
    return 2 * (2 * l->E * l->M * l->HKV * n);   /* K and V of every cached token */
}

int main(void)
{
    static const Layer layers[] = {
        { "Llama 3 8B", "workloads/llama3-8b-decode.cfg", "workloads/llama3-8b-prefill.cfg",
          4096, 128, 32, 8, 14336, 8192 },
        { "Mistral 7B", "workloads/mistral-7b-decode.cfg", "workloads/mistral-7b-prefill.cfg",
          4096, 128, 32, 8, 14336, 4096 },
    };
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        const Layer *l = &layers[i];
        uint64_t w = weight_bytes(l), kv = cache_bytes(l, 1);
        Res d1 = run(l->decode, "mappings/llama-decode.cfg", "1", true);
        if (!d1.ok)
            continue;
        double ideal = (double)(w + kv) / d1.bytes_per_s;
        CHECK_STR(d1.bound, "memory");
        CHECK(d1.dram >= w + kv);
        CHECK(d1.split.declared);
        CHECK_EQ_INT(d1.split.bytes[ROLE_WEIGHT], w);
        CHECK(d1.split.bytes[ROLE_KV_CACHE] >= kv);
        CHECK_EQ_INT(d1.split.bytes[ROLE_WEIGHT] + d1.split.bytes[ROLE_KV_CACHE] +
                     d1.split.bytes[ROLE_ACTIVATION], d1.dram);
        CHECK(fabs(d1.seconds - ideal) <= 0.10 * ideal);
        CHECK(fabs(d1.cycle_seconds - ideal) <= 0.10 * ideal);
        printf("%s decode, batch 1: DRAM %" PRIu64 " B (weights %" PRIu64 " + KV cache %" PRIu64
               " = %" PRIu64 " B by the sizes), latency %.6g s analytic, %.6g s cycle level; "
               "(weights + KV) / bandwidth = %.6g s (%+.2f %%, %+.2f %%)\n", l->name, d1.dram,
               w, kv, w + kv, d1.seconds, d1.cycle_seconds, ideal,
               100 * (d1.seconds - ideal) / ideal, 100 * (d1.cycle_seconds - ideal) / ideal);
        /* Batches share the weights; each sequence brings its own cache. */
        Res prev = d1;
        static const char *const batches[] = { "16", "64" };
        for (int b = 0; b < 2; b++) {
            Res db = run(l->decode, "mappings/llama-decode.cfg", batches[b], false);
            uint64_t n = (uint64_t)atoi(batches[b]);
            if (!db.ok)
                continue;
            CHECK_EQ_INT(db.split.bytes[ROLE_WEIGHT], w);
            CHECK(db.split.bytes[ROLE_KV_CACHE] >= cache_bytes(l, n));
            CHECK(db.dram > prev.dram);
            CHECK(db.cycles > prev.cycles);
            CHECK(db.seconds / (double)n < prev.seconds);
            prev = db;
        }
        Res pf = run(l->prefill, "mappings/llama-prefill.cfg", NULL, false);
        if (pf.ok) {
            CHECK_STR(pf.bound, "compute");
            CHECK(pf.split.bytes[ROLE_WEIGHT] >= w);
        }
    }
    /* The encoder layers of the four FuseMax models: the attention group, FuseMax's
     * binding inside the layer's mapping, costs what FuseMax's attention alone costs
     * (BERT: the published 1,892,352 cycles at 1K tokens, batch 64, 12 heads). */
    static const char *const models[] = { "bert", "trxl", "t5", "xlm" };
    for (int i = 0; i < 4; i++) {
        char layer[64], attn[64];
        snprintf(layer, sizeof layer, "workloads/%s-layer.cfg", models[i]);
        snprintf(attn, sizeof attn, "workloads/%s.cfg", models[i]);
        Res enc = run(layer, "mappings/encoder-layer.cfg", NULL, false);
        Res att = run(attn, "mappings/fusemax.cfg", NULL, false);
        if (enc.ok && att.ok) {
            CHECK_EQ_INT(enc.attention, att.cycles);
            CHECK(enc.cycles > enc.attention);
            CHECK_EQ_INT(enc.split.bytes[ROLE_KV_CACHE], 0);
            if (i == 0)
                CHECK_EQ_INT(att.cycles, 1892352);
        }
    }
    return CHECK_DONE();
}
