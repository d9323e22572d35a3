/* test_sat.c — N:M sparse training: BDWP arithmetic, mask generation, the sparse PE
 * timeline (accumulator hazards), pattern remapping, the fixed-point N:M MAC, and the
 * shipped training workloads (layer lists) on the shipped SAT model. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "energy/energy.h"
#include "run/run.h"
#include "func/fixed.h"
#include "sparse/pe.h"
#include "util/util.h"

static NMPattern pat(const char *s)
{
    NMPattern p;
    CHECK(nm_parse(s, &p) == 0);
    return p;
}

/* The dense-equivalent work ratio per iteration is (1 + 2N/M)/3. */
static void test_bdwp_ratio(void)
{
    const char *names[] = { "2:4", "4:8", "2:8", "1:8" };
    double speedup[] = { 1.5, 1.5, 2.0, 2.4 };
    for (int i = 0; i < 4; i++) {
        NMPattern p = pat(names[i]);
        CHECK_NEAR(nm_bdwp_work_ratio(&p), (1.0 + 2.0 * p.n / p.m) / 3.0, 1e-15);
        CHECK_NEAR(1.0 / nm_bdwp_work_ratio(&p), speedup[i], 1e-12);
    }
    NMPattern d = pat("dense");
    CHECK_NEAR(nm_bdwp_work_ratio(&d), 1.0, 0);
}

static void test_mask_example(void)
{
    const double g[8] = { 0.1, -0.5, 0.3, 0.05, -0.2, 0.7, 0.0, 0.4 };
    const char *names[] = { "2:8", "4:8", "1:8" };
    const int want[3][8] = { { 0, 1, 0, 0, 0, 1, 0, 0 }, { 0, 1, 1, 0, 0, 1, 0, 1 },
                             { 0, 0, 0, 0, 0, 1, 0, 0 } };
    for (int k = 0; k < 3; k++) {
        NMPattern p = pat(names[k]);
        uint8_t keep[8];
        nm_mask(&p, g, 8, 1, keep, 1);
        for (int i = 0; i < 8; i++)
            CHECK_EQ_INT(keep[i], want[k][i]);
    }
}

static void test_timeline(void)
{
    SparsePeTiming t = { 2, 2, 3 };
    SparsePeEvent ev[64];
    SparsePeSummary s;
    /* Single accumulator, latency 3: every beat after the first waits 2 cycles. */
    sparse_pe_timeline(&t, 1, 4, ev, 64, &s);
    for (int b = 0; b < 4; b++) {
        CHECK_EQ_INT(ev[b].issue, 3 * b);
        CHECK_EQ_INT(ev[b].acc, 3 * b + 4);
        CHECK_EQ_INT(ev[b].bubbles, b ? 2 : 0);
    }
    CHECK_EQ_INT(s.beats, 4);
    CHECK_EQ_INT(s.bubbles, 6);
    CHECK_EQ_INT(s.issue_span, 12);
    CHECK_EQ_INT(s.end, 9 + 2 + 2 + 3);
    /* Interleave 4 >= latency 3: back to back, no bubbles. */
    sparse_pe_timeline(&t, 4, 5, ev, 64, &s);
    for (int k = 0; k < 20; k++) {
        CHECK_EQ_INT(ev[k].issue, k);
        CHECK_EQ_INT(ev[k].output, k % 4);
        CHECK_EQ_INT(ev[k].beat, k / 4);
    }
    CHECK_EQ_INT(s.bubbles, 0);
    CHECK_EQ_INT(s.issue_span, 20);
    /* Interleave 3 = latency: still none. Interleave 2 < 3: one bubble per round. */
    sparse_pe_timeline(&t, 3, 7, NULL, 0, &s);
    CHECK_EQ_INT(s.bubbles, 0);
    CHECK_EQ_INT(s.issue_span, 21);
    sparse_pe_timeline(&t, 2, 3, ev, 64, &s);
    const uint64_t want[6] = { 0, 1, 3, 4, 6, 7 };
    for (int k = 0; k < 6; k++)
        CHECK_EQ_INT(ev[k].issue, want[k]);
    CHECK_EQ_INT(s.bubbles, 2);
    CHECK_EQ_INT(s.issue_span, 9);
    /* Extrapolated summaries equal the simulated ones. */
    SparsePeTiming t2 = { 1, 3, 5 };
    SparsePeEvent *big = xcalloc(2 * 1000, sizeof *big);
    for (uint32_t o = 1; o <= 6; o++) {
        SparsePeSummary a, b;
        sparse_pe_timeline(&t2, o, 333, big, 2000, &a);
        sparse_pe_timeline(&t2, o, 333, NULL, 0, &b);
        CHECK_EQ_INT(a.bubbles, b.bubbles);
        CHECK_EQ_INT(a.issue_span, b.issue_span);
        CHECK_EQ_INT(a.end, b.end);
        CHECK_EQ_INT(b.issue_span, 333 * (o > 5 ? o : 5));   /* max(interleave, latency) */
    }
    free(big);
}

static void test_remap(void)
{
    NMRemap r;
    int n24[] = { 2 }, m24[] = { 4 };
    NMPattern p = pat("2:8");
    CHECK(nm_remap(&p, n24, m24, 1, "u", &r) == 0);
    CHECK_EQ_INT(r.hw_n, 2);
    CHECK_EQ_INT(r.hw_m, 4);
    CHECK_EQ_INT(r.split, 2);
    p = pat("1:4");
    CHECK(nm_remap(&p, n24, m24, 1, "u", &r) == 0);
    CHECK_EQ_INT(r.split, 1);
    int n14[] = { 1 }, m14[] = { 4 };
    p = pat("2:8");
    CHECK(nm_remap(&p, n14, m14, 1, "u", &r) == -1);
    CHECK_CONTAINS(r.reason, "2:8 is not always two valid 1:4 groups");
    p = pat("4:8");
    CHECK(nm_remap(&p, n24, m24, 1, "u", &r) == -1);
    CHECK_CONTAINS(r.reason, "4:8 is not always two valid 2:4 groups");
    p = pat("2:6");
    CHECK(nm_remap(&p, n24, m24, 1, "u", &r) == -1);
    CHECK_CONTAINS(r.reason, "no supported M divides 6");
    /* Direct support wins over a split; the cheapest candidate is chosen. */
    int nn[] = { 2, 2 }, mm[] = { 4, 8 };
    p = pat("2:8");
    CHECK(nm_remap(&p, nn, mm, 2, "u", &r) == 0);
    CHECK_EQ_INT(r.hw_m, 8);
    CHECK_EQ_INT(r.split, 1);
}

static void test_mac_fx(void)
{
    ArithSpec as = { 16, 8, 32, 5 };
    FxFormat f;
    CHECK(fx_format_init(&f, &as) == 0);
    NMPattern p = pat("2:8");
    int64_t act[8], val[2] = { fx_from_double(&f, -0.5), fx_from_double(&f, 0.75) };
    for (int i = 0; i < 8; i++)
        act[i] = fx_from_double(&f, 0.125 * (i - 3));
    uint8_t idx[2] = { 1, 5 };
    int64_t acc = 0, pos = 0;
    int ip;
    CHECK(nm_mac_group_fx(&f, &p, 7, val, idx, act, &acc, &ip) == NM_META_OK);
    CHECK_EQ_INT(acc, fx_mac(&f, fx_mac(&f, 7, val[0], act[1]), val[1], act[5]));
    /* -0.5 * -0.25 + 0.75 * 0.25 = 0.3125 -> 0.3125 * 2^16 + 7 */
    CHECK_EQ_INT(acc, 7 + (int64_t)(0.3125 * 65536));
    uint8_t bad[3][2] = { { 5, 5 }, { 5, 1 }, { 1, 8 } };
    NMMetaError want[3] = { NM_META_REPEATED, NM_META_UNSORTED, NM_META_OUT_OF_RANGE };
    for (int k = 0; k < 3; k++) {
        acc = 123;
        CHECK(nm_mac_group_fx(&f, &p, 7, val, bad[k], act, &acc, &ip) == want[k]);
        CHECK_EQ_INT(acc, 123);
        CHECK_EQ_INT(ip, 1);
    }
    (void)pos;
}

/* Runs a shipped training workload (a layer list) at pattern nm on mappings/sat.cfg at
 * both levels into *lr; returns 0 on success. */
static RunInputs ri;   /* the inputs of the last run_train (names in results point here) */

/* A training workload at pattern nm on `arch`, with one more override key = val when key
 * is not NULL. */
static int run_train_on(const char *arch, const char *wl, const char *nm, const char *key,
                        const char *val, LayersResult *lr)
{
    run_inputs_free(&ri);
    Override o[2] = { { "workload.nm", nm, 1 }, { key, val, 2 } };
    Overrides ov = { o, key ? 2 : 1 };
    Diag d;
    diag_init(&d);
    int rc = run_inputs_load(&ri, arch, wl, "mappings/sat.cfg", &ov, &d);
    if (rc == 0)
        run_layers(&ri, true, lr);
    else
        diag_print(&d, stderr);
    diag_free(&d);
    return rc;
}

static int run_train(const char *wl, const char *nm, LayersResult *lr)
{
    return run_train_on("models/sat.cfg", wl, nm, NULL, NULL, lr);
}

/* The unit's accumulators, metadata bandwidth and drain, from the architecture file, on
 * BERT-base's QKV (group 2: its forward pass, 48 beats per output at 2:8, 192 dense) and
 * attention-score GEMM (I = 64: 16 dense beats per output, fewer than the 32 rows). */
static void test_unit_effects(void)
{
    const char *bert = "workloads/bert-base-train.cfg";
    LayersResult base, x;
    CHECK(run_train(bert, "2:8", &base) == 0);
    /* One accumulator, busy 3 cycles per addition: every beat of an output waits 3 cycles
     * (sparse_pe_timeline), so the passes take 3x, dense and sparse; 3 accumulators hide
     * it again. */
    CHECK(run_train_on("models/sat-1acc.cfg", bert, "2:8", NULL, NULL, &x) == 0);
    CHECK_EQ_INT(x.layers[0].group_compute[2], 3 * base.layers[0].group_compute[2]);
    CHECK_EQ_INT(x.layers[1].group_compute[2], 3 * base.layers[1].group_compute[2]);
    layers_result_free(&x);
    CHECK(run_train_on("models/sat-1acc.cfg", bert, "2:8", "arch.sat.sparse.accumulators", "3",
                       &x) == 0);
    CHECK_EQ_INT(x.layers[0].group_compute[2], base.layers[0].group_compute[2]);
    layers_result_free(&x);
    /* The metadata into the array: a pass of 32 weight rows x 192 kept pairs x 3 index
     * bits (18432 bits) over 16 bits per cycle takes 1152 cycles, not 48. */
    CHECK(run_train_on("models/sat.cfg", bert, "2:8", "arch.sat.sparse.meta_bits_per_cycle", "16",
                       &x) == 0);
    CHECK_EQ_INT(x.layers[0].group_compute[2], 24 * base.layers[0].group_compute[2]);
    CHECK_EQ_INT(x.layers[1].group_compute[2], base.layers[1].group_compute[2]);   /* dense */
    layers_result_free(&x);
    /* Results through the rows: a pass takes at least 32 cycles, twice the attention
     * score's 16; PE-local output buffers (models/sat.cfg) leave it at 16. */
    CHECK(run_train_on("models/sat.cfg", bert, "2:8", "arch.sat.drain", "rows", &x) == 0);
    CHECK_EQ_INT(x.layers[1].group_compute[2], 2 * base.layers[1].group_compute[2]);
    CHECK_EQ_INT(x.layers[0].group_compute[2], base.layers[0].group_compute[2]);
    layers_result_free(&x);
    layers_result_free(&base);
}

/* One layer of the linear training cascade run on its own (ranks, N:M of WF and WB):
 * its cycles at one level. */
static uint64_t layer_alone(const char *layer_ranks, const char *nm, bool cyc)
{
    RunInputs one;
    char *path = xasprintf("%s/einsim-test-sat-%ld.cfg", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                           (long)getpid());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) {
        free(path);
        return 0;
    }
    fprintf(f, "workload = { name = \"one\"; kind = \"gemm\"; ranks = { %s }; sparse = ( "
               "{ tensor = \"WF\"; rank = \"I\"; nm = \"%s\"; }, { tensor = \"WB\"; rank = "
               "\"O\"; nm = \"%s\"; } ); };\n", layer_ranks, nm, nm);
    fclose(f);
    Overrides ov = { NULL, 0 };
    Diag d;
    diag_init(&d);
    uint64_t cycles = 0;
    if (run_inputs_load(&one, "models/sat.cfg", path, "mappings/sat.cfg", &ov, &d) == 0) {
        RunResult rr;
        run_evaluate(&one, cyc, &rr);
        cycles = cyc ? rr.cy.cycles : rr.res->cycles;
        run_result_free(&rr);
    } else {
        diag_print(&d, stderr);
    }
    CHECK(cycles > 0);
    diag_free(&d);
    run_inputs_free(&one);
    remove(path);
    free(path);
    return cycles;
}

static void test_engine(void)
{
    LayersResult lr, dense;
    /* BERT-base at 2:8: QKV's forward issues exactly a quarter of the dense MACs (768 is a
     * multiple of 8) and runs 4x faster than dense (2 groups of 8 per beat against 4
     * lanes); its weight gradient is dense. */
    CHECK(run_train("workloads/bert-base-train.cfg", "dense", &dense) == 0);
    CHECK(run_train("workloads/bert-base-train.cfg", "2:8", &lr) == 0);
    CHECK(lr.sum->feasible && dense.sum->feasible);
    const LayerRun *qkv = &lr.layers[0], *qkv_d = &dense.layers[0];
    CHECK_STR(qkv->name, "qkv");
    CHECK(qkv->sparse && !qkv_d->sparse);
    CHECK_EQ_INT(qkv->n_groups, 5);
    /* The masks: 2304 x 768 magnitudes each on the 32 comparators of the mask
     * generator; nothing on the dense layer (the prunes keep every weight). */
    CHECK_EQ_INT(qkv->group_compute[0], 2304ULL * 768 / 32);
    CHECK_EQ_INT(qkv->group_compute[1], 2304ULL * 768 / 32);
    CHECK_EQ_INT(qkv_d->group_cycles[0] + qkv_d->group_cycles[1], 0);
    CHECK_EQ_INT(qkv->group_macs[2] * 4, qkv_d->group_macs[2]);
    CHECK_EQ_INT(qkv_d->group_macs[2], 2304ULL * 768 * 4096);
    CHECK_EQ_INT(qkv->group_compute[2] * 4, qkv_d->group_compute[2]);
    CHECK_EQ_INT(qkv->group_macs[4], qkv_d->group_macs[4]);
    CHECK(!lr.layers[1].sparse);   /* attention scores are not pruned */
    /* The sums: cycles at both levels are the layers' x repeat; MACs issued below the
     * dense-equivalent; utilisation within 1. */
    uint64_t an = 0, cy = 0;
    for (int l = 0; l < lr.n_layers; l++) {
        an += lr.layers[l].repeat * lr.layers[l].analytic;
        cy += lr.layers[l].repeat * lr.layers[l].cycle;
    }
    CHECK_EQ_INT(lr.sum->cycles, an);
    CHECK_EQ_INT(lr.cy.cycles, cy);
    uint64_t issued = 0;
    for (int i = 0; i < lr.sum->n_einsums; i++)
        issued += lr.sum->einsums[i].ops[OP_MAC];
    CHECK_EQ_INT(lr.sum->macs_dense_equivalent, dense.sum->macs_dense_equivalent);
    CHECK(issued < lr.sum->macs_dense_equivalent);
    CHECK(lr.sum->utilization[0] > 0 && lr.sum->utilization[0] <= 1.0);
    CHECK(lr.cy.utilization[0] > 0 && lr.cy.utilization[0] <= 1.0);
    CHECK(lr.cy.cycles >= lr.sum->cycles);
    /* A layer of the list is the cascade run alone with the layer's sizes. */
    CHECK_EQ_INT(lr.layers[4].analytic,
                 layer_alone("O = 3072; I = 768; N = 4096;", "2:8", false));
    CHECK_EQ_INT(lr.layers[4].cycle,
                 layer_alone("O = 3072; I = 768; N = 4096;", "2:8", true));
    /* The attribution adds up to the modelled time at both levels. */
    NMPattern p = pat("2:8");
    for (int cyc = 0; cyc < 2; cyc++) {
        LayersAttribution a;
        run_layers_attribute(&lr, &dense, &p, cyc, &a);
        double sum = a.ideal_ratio * a.t_dense + a.dense_layers + a.wg_share + a.maskgen +
                     a.imbalance + a.hazards + a.fill_drain + a.metadata + a.memory;
        CHECK_NEAR(sum / a.t, 1.0, 1e-9);
        CHECK_NEAR(a.t, (double)(cyc ? lr.cy.cycles : lr.sum->cycles), 0.5);
        CHECK_NEAR(a.t_dense, (double)(cyc ? dense.cy.cycles : dense.sum->cycles), 0.5);
        CHECK(a.dense_layers > 0);   /* the attention GEMMs */
    }
    layers_result_free(&lr);
    layers_result_free(&dense);
    /* Dense setting: issued = dense-equivalent. */
    CHECK(run_train("workloads/resnet50-train.cfg", "dense", &lr) == 0);
    issued = 0;
    for (int i = 0; i < lr.sum->n_einsums; i++)
        issued += lr.sum->einsums[i].ops[OP_MAC];
    CHECK_EQ_INT(issued, lr.sum->macs_dense_equivalent);
    for (int l = 0; l < lr.n_layers; l++)
        CHECK(!lr.layers[l].sparse);
    layers_result_free(&lr);
    run_inputs_free(&ri);
}

int main(void)
{
    test_bdwp_ratio();
    test_mask_example();
    test_timeline();
    test_remap();
    test_mac_fx();
    test_engine();
    test_unit_effects();
    return CHECK_DONE();
}
