/* test_nm_engine.c — N:M-sparse operands on the general engine (workload.sparse).
 *
 * A GEMM on the SAT array (tests/nm/gemm-sat-os.cfg) with A N:M along K, against the
 * same GEMM dense: MACs issued follow the kept values and the dense-equivalent MACs stay;
 * "dense", M:M and no entry give identical results; compute cycles follow the beats of
 * the unit's sparse mode (exactly, with the DRAM and buffer made wide enough that compute
 * binds); traffic moves the compressed values plus a metadata tensor of its own;
 * utilisation stays <= 1; a pattern the unit cannot run, a rank the unit spreads over its
 * PEs and a unit without a sparse mode are file:line errors; skip = "gate" keeps the
 * dense cycles and the sparse MAC count. A causal (masked) cascade with an N:M operand
 * scales both ways at once. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "run/run.h"

#define ARCH "models/sat.cfg"
#define MAP "tests/nm/gemm-sat-os.cfg"

typedef struct {
    int rc;
    bool feasible;
    uint64_t cycles, cycle_cycles, macs, dense_eq, dram_bytes;
    double util, energy;
    uint64_t traffic[8][2];   /* DRAM reads of A, A.meta; GlobalBuffer fills of A, A.meta */
    char err[600];
} Res;

/* Runs the GEMM with the given overrides (key=value pairs, NULL-terminated). */
static Res run_on(const char *map, const char *wl, const char *const *sets)
{
    Res r;
    memset(&r, 0, sizeof r);
    Override ov[16];
    int n = 0;
    for (; sets && sets[2 * n]; n++)
        ov[n] = (Override){ sets[2 * n], sets[2 * n + 1], n + 1 };
    Overrides o = { ov, n };
    Diag d;
    diag_init(&d);
    RunInputs ri;
    r.rc = run_inputs_load(&ri, ARCH, wl, map, &o, &d);
    if (r.rc) {
        FILE *m = fmemopen(r.err, sizeof r.err - 1, "w");
        diag_print(&d, m);
        fclose(m);
    } else {
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        r.feasible = rr.res->feasible;
        r.cycles = rr.res->cycles;
        r.cycle_cycles = rr.cy.cycles;
        uint64_t macs = 0;
        for (int i = 0; i < rr.res->n_einsums; i++)
            macs += rr.res->einsums[i].ops[OP_MAC];
        r.macs = macs;
        r.dense_eq = rr.res->macs_dense_equivalent ? rr.res->macs_dense_equivalent : macs;
        r.dram_bytes = rr.res->dram_bytes;
        r.util = rr.res->utilization[0];
        r.energy = rr.er.total_pj;
        for (int i = 0; i < rr.res->n_traffic; i++) {
            const TrafficStat *t = &rr.res->traffic[i];
            int lv = strcmp(t->level, "DRAM") == 0 ? 0 : 1;
            int k = strcmp(t->tensor, "A") == 0 ? 0 : strcmp(t->tensor, "A.meta") == 0 ? 1 : -1;
            if (k >= 0)
                r.traffic[lv * 2 + k][0] = lv ? t->fills : t->reads;
        }
        run_result_free(&rr);
    }
    run_inputs_free(&ri);
    diag_free(&d);
    return r;
}

static Res run(const char *wl, const char *const *sets) { return run_on(MAP, wl, sets); }

#define SHAPE "workload.ranks.K", "1024", "workload.ranks.M", "512", "workload.ranks.N", "512"
/* Wide enough that the buffer ports and DRAM never bind: cycles are the unit's beats. */
#define WIDE "arch.GlobalBuffer.width_bits", "65536", "arch.DRAM.bandwidth_gibps", "100000"
#define NM "workload.sparse.[0].nm"
#define SP "tests/nm/gemm-2-8.cfg"   /* the GEMM with A 2:8 along K */

/* The BDWP self-attention step (tests/nm/attention-bdwp*.cfg): every pass reports cycles,
 * energy and traffic; the sparse forward and backward-data projections take half the
 * cycles and MACs of the dense run (2:4: two groups of 4 per beat on 4 lanes, against
 * 4 dense terms per cycle), the dense weight gradients and attention GEMMs the same. */
static void attention_bdwp(void)
{
    static const char *const w[] = { "WQF", "WKF", "WVF", "WOF", "WQB", "WKB", "WVB", "WOB" };
    char keys[8][48];
    Override ov[8];
    for (int i = 0; i < 8; i++) {
        snprintf(keys[i], sizeof keys[i], "workload.sparse.[%d].nm", i);
        ov[i] = (Override){ keys[i], "dense", i + 1 };
    }
    /* Both runs stay loaded: the results' names point into their specs. */
    RunInputs ri[2];
    RunResult rr[2];
    for (int k = 0; k < 2; k++) {
        Overrides o = { ov, k ? 8 : 0 };
        Diag d;
        diag_init(&d);
        int rc = run_inputs_load(&ri[k], "tests/nm/sat-attn.cfg", "tests/nm/attention-bdwp-2-4.cfg",
                                 "tests/nm/attention-bdwp-sat.cfg", &o, &d);
        diag_print(&d, stderr);
        diag_free(&d);
        CHECK(rc == 0);
        if (rc == 0) {
            run_evaluate(&ri[k], true, &rr[k]);
            CHECK(rr[k].res->feasible && rr[k].cy.ran && rr[k].cy.cycles >= rr[k].res->cycles);
        } else {
            run_inputs_free(&ri[k]);
            if (k)
                run_result_free(&rr[0]), run_inputs_free(&ri[0]);
            return;
        }
    }
    const double *pj[2] = { rr[0].er.einsum_pj, rr[1].er.einsum_pj };
    const EngineResult *sp = rr[0].res, *dn = rr[1].res;
    CHECK_EQ_INT(sp->n_einsums, 24);
    int halved = 0, same = 0;
    for (int i = 0; i < sp->n_einsums; i++) {
        const EinsumStat *a = &sp->einsums[i], *b = &dn->einsums[i];
        CHECK(a->cycles > 0 && pj[0][i] > 0);
        const char *n = a->name;
        bool sparse = (strlen(n) == 1 && strchr("QKVO", n[0])) || strcmp(n, "DAV") == 0 ||
                      (strncmp(n, "DX", 2) == 0);
        if (sparse) {
            halved += a->cycles * 2 == b->cycles && a->ops[OP_MAC] * 2 == b->ops[OP_MAC] &&
                      pj[0][i] < pj[1][i];
        } else {
            same += a->cycles == b->cycles && a->ops[OP_MAC] == b->ops[OP_MAC];
        }
    }
    CHECK_EQ_INT(halved, 8);
    CHECK_EQ_INT(same, 16);
    /* Each weight moves as its values and its metadata tensor (2 bits per kept value). */
    int meta = 0;
    for (int k = 0; k < 8; k++) {
        char name[16];
        snprintf(name, sizeof name, "%s.meta", w[k]);
        for (int i = 0; i < sp->n_traffic; i++)
            if (strcmp(sp->traffic[i].tensor, name) == 0 && strcmp(sp->traffic[i].level, "DRAM") == 0)
                for (int j = 0; j < sp->n_traffic; j++)
                    if (strcmp(sp->traffic[j].tensor, w[k]) == 0 &&
                        strcmp(sp->traffic[j].level, "DRAM") == 0)
                        meta += sp->traffic[i].reads * 8 == sp->traffic[j].reads &&
                                sp->traffic[j].reads == 4ull * 256 * 128;
    }
    CHECK_EQ_INT(meta, 8);
    CHECK(sp->cycles < dn->cycles && sp->dram_bytes < dn->dram_bytes);
    uint64_t dense_macs = 0;
    for (int i = 0; i < dn->n_einsums; i++)
        dense_macs += dn->einsums[i].ops[OP_MAC];
    CHECK_EQ_INT(sp->macs_dense_equivalent, dense_macs);
    CHECK_EQ_INT(dn->macs_dense_equivalent, 0);   /* dense: MACs issued are the work */
    for (int k = 0; k < 2; k++) {
        run_result_free(&rr[k]);
        run_inputs_free(&ri[k]);
    }
}

/* The shipped BDWP linear-layer cascade (workloads/cascades/linear-train.cfg) on the SAT
 * array with its per-pass dataflows (mappings/sat-linear-train.cfg), BERT-base's FFN1
 * (O = 3072, I = 768, N = 128 x 32): each pass's analytic cycles are its beats, what
 * the training engine computes for the same layer (outputs per PE 96 x 128 = 12288 for
 * the forward pass; x 48 beats at 2:8, x 192 dense; weight gradient 2304 x 1024). */
static void linear_train(void)
{
    const char *nm[] = { "2:8", "dense" };
    /* The masks (prune Einsums on the 32-comparator mask generator: O x I / 32 cycles
     * each; nothing when dense), then the three passes. */
    uint64_t want[2][5] = { { 3072ull * 768 / 32, 3072ull * 768 / 32, 12288ull * 48, 12288ull * 48,
                              2304ull * 1024 },
                            { 0, 0, 12288ull * 192, 12288ull * 192, 2304ull * 1024 } };
    for (int k = 0; k < 2; k++) {
        Override ov[2] = { { "workload.sparse.[0].nm", nm[k], 1 }, { "workload.sparse.[1].nm", nm[k], 2 } };
        Overrides o = { ov, 2 };
        Diag d;
        diag_init(&d);
        RunInputs ri;
        int rc = run_inputs_load(&ri, ARCH, "tests/nm/linear-2-8.cfg", "mappings/sat-linear-train.cfg",
                                 &o, &d);
        diag_print(&d, stderr);
        diag_free(&d);
        CHECK(rc == 0);
        if (rc == 0) {
            RunResult rr;
            run_evaluate(&ri, true, &rr);
            CHECK(rr.res->feasible && rr.res->n_groups == 5);
            for (int g = 0; g < 5 && g < rr.res->n_groups; g++)
                CHECK_EQ_INT(rr.res->groups[g].cycles, want[k][g]);
            CHECK(rr.res->utilization[0] <= 1.0);
            run_result_free(&rr);
        }
        run_inputs_free(&ri);
    }
}

/* Causal attention (a masked cascade) with K 2:4-sparse along E on a sparse-capable 2D
 * array (tests/nm/fusemax-nm.cfg), against the same runs with K dense and against the
 * unmasked 1-pass cascade: the masks and the N:M structure compose. The scores' MACs
 * are half the dense causal ones (2 of 4 kept), which are the dense 1-pass ones times
 * the causal density; the dense-equivalent MACs are the dense causal run's; the mux
 * count is the MACs issued; K moves half its values plus its metadata (2 bits per kept
 * value), in DRAM and in the buffer, so a dead item moves neither. */
static const EngineResult *causal_load(RunInputs *ri, RunResult *rr, const char *nm,
                                       const char *cascade)
{
    Override ov[2] = { { "workload.sparse.[0].nm", nm, 1 }, { "workload.cascade", cascade, 2 } };
    Overrides o = { ov, 2 };
    Diag d;
    diag_init(&d);
    int rc = run_inputs_load(ri, "tests/nm/fusemax-nm.cfg", "tests/nm/causal-2-4.cfg",
                             "mappings/fusemax.cfg", &o, &d);
    diag_print(&d, stderr);
    diag_free(&d);
    CHECK(rc == 0);
    if (rc)
        return NULL;
    run_evaluate(ri, true, rr);
    CHECK(rr->res->feasible && rr->cy.ran);
    return rr->res;
}

static const EinsumStat *stat_of(const EngineResult *r, const char *name)
{
    for (int i = 0; i < r->n_einsums; i++)
        if (strcmp(r->einsums[i].name, name) == 0)
            return &r->einsums[i];
    return NULL;
}

static uint64_t traffic_of(const EngineResult *r, const char *level, const char *tensor, bool fills)
{
    for (int i = 0; i < r->n_traffic; i++)
        if (strcmp(r->traffic[i].level, level) == 0 && strcmp(r->traffic[i].tensor, tensor) == 0)
            return fills ? r->traffic[i].fills : r->traffic[i].reads;
    return 0;
}

static uint64_t all_macs(const EngineResult *r)
{
    uint64_t n = 0;
    for (int i = 0; i < r->n_einsums; i++)
        n += r->einsums[i].ops[OP_MAC];
    return n;
}

static void causal_nm(void)
{
    const char *causal = "workloads/cascades/attention-causal.cfg";
    const char *full = "workloads/cascades/attention-1pass.cfg";
    RunInputs ri[4];
    RunResult rr[4];
    const EngineResult *r[4];
    const char *nm[4] = { "2:4", "dense", "2:4", "dense" };
    int n = 0;
    for (; n < 4; n++) {
        r[n] = causal_load(&ri[n], &rr[n], nm[n], n < 2 ? causal : full);
        if (!r[n]) {
            run_inputs_free(&ri[n]);
            break;
        }
    }
    if (n == 4) {
        const EngineResult *sc = r[0], *dc = r[1], *sf = r[2], *df = r[3];
        const EinsumStat *s = stat_of(sc, "BQK"), *d = stat_of(dc, "BQK");
        const EinsumStat *s1 = stat_of(sf, "BQK"), *d1 = stat_of(df, "BQK");
        CHECK(s && d && s1 && d1);
        if (s && d && s1 && d1) {
            double dens = d->density;
            CHECK(dens > 0.5 && dens < 0.6 && s->density == dens);
            CHECK_EQ_INT(d1->ops[OP_MAC], 4ull * 4096 * 4096 * 128);
            CHECK_EQ_INT(s1->ops[OP_MAC], d1->ops[OP_MAC] / 2);
            CHECK(fabs((double)d->ops[OP_MAC] - dens * (double)d1->ops[OP_MAC]) <= 1);
            CHECK_EQ_INT(s->ops[OP_MAC] * 2, d->ops[OP_MAC]);
            CHECK(fabs((double)s->ops[OP_MAC] - dens * (double)s1->ops[OP_MAC]) <= 1);
            CHECK_EQ_INT(s->pe_cycles * 2, d->pe_cycles);
            CHECK_EQ_INT(s->cycles * 2, d->cycles);
            CHECK_EQ_INT(all_macs(sc) + s->ops[OP_MAC], all_macs(dc));
            CHECK_EQ_INT(sc->macs_dense_equivalent, all_macs(dc));
            double mux = 0;
            for (int i = 0; i < sc->n_actions; i++)
                if (strcmp(sc->actions[i].action, "mux") == 0)
                    mux += sc->actions[i].count;
            CHECK(mux == (double)s->ops[OP_MAC]);
        }
        CHECK_EQ_INT(traffic_of(sc, "DRAM", "K", false) * 2, traffic_of(dc, "DRAM", "K", false));
        CHECK_EQ_INT(traffic_of(sc, "DRAM", "K.meta", false) * 8, traffic_of(sc, "DRAM", "K", false));
        uint64_t kb = traffic_of(sc, "GlobalBuffer", "K", false);
        CHECK(kb > 0 && kb < traffic_of(sf, "GlobalBuffer", "K", false));
        CHECK_EQ_INT(kb * 2, traffic_of(dc, "GlobalBuffer", "K", false));
        CHECK_EQ_INT(traffic_of(sc, "GlobalBuffer", "K.meta", false) * 8, kb);
        CHECK(rr[0].er.total_pj < rr[1].er.total_pj && sc->cycles <= dc->cycles);
        CHECK(sc->utilization[0] <= 1.0 && sf->utilization[0] <= 1.0);
    }
    for (int k = 0; k < n; k++) {
        run_result_free(&rr[k]);
        run_inputs_free(&ri[k]);
    }
}

int main(void)
{
    causal_nm();
    linear_train();
    attention_bdwp();
    const char *dense[] = { SHAPE, WIDE, NULL };
    const char *nm28[] = { WIDE, NULL };
    const char *nm88[] = { WIDE, NM, "8:8", NULL };
    const char *nmd[] = { WIDE, NM, "dense", NULL };
    const char *nm24[] = { WIDE, NM, "2:4", NULL };
    const char *gate[] = { WIDE, "arch.sat.sparse.skip", "gate", NULL };
    Res d = run("workloads/gemm.cfg", dense), s = run(SP, nm28), e88 = run(SP, nm88);
    Res ed = run("tests/nm/gemm-dense.cfg", nmd), s24 = run(SP, nm24), g = run(SP, gate);
    CHECK(d.rc == 0 && s.rc == 0 && e88.rc == 0 && ed.rc == 0 && s24.rc == 0 && g.rc == 0);
    if (d.rc || s.rc || g.rc)
        fprintf(stderr, "%s%s%s", d.err, s.err, g.err);
    CHECK(d.feasible && s.feasible && g.feasible);

    /* 8:8 and "dense" are the dense run, number for number. */
    CHECK(e88.cycles == d.cycles && e88.cycle_cycles == d.cycle_cycles);
    CHECK(ed.cycles == d.cycles && ed.dram_bytes == d.dram_bytes && ed.energy == d.energy);
    CHECK(e88.energy == d.energy && e88.macs == d.macs);

    /* MACs: 512 x 512 outputs x 1024 dense; 2:8 keeps 256 of the 1024 per output. */
    CHECK_EQ_INT(d.macs, 512ull * 512 * 1024);
    CHECK_EQ_INT(s.macs, 512ull * 512 * 256);
    CHECK_EQ_INT(s.dense_eq, d.macs);
    CHECK_EQ_INT(s24.macs, 512ull * 512 * 512);

    /* Cycles: 16 x 16 passes of the 32 x 32 array; dense: 1024 / 4 lanes = 256 beats per
     * output; 2:8: 128 groups, two per beat (4 lanes / 2 kept, window 16 / 8) = 64 beats;
     * 2:4: 256 groups, two per beat = 128 beats. */
    CHECK_EQ_INT(d.cycles, 256ull * 256);
    CHECK_EQ_INT(s.cycles, 256ull * 64);
    CHECK_EQ_INT(s24.cycles, 256ull * 128);
    CHECK(s.cycle_cycles >= s.cycles && s.cycle_cycles < d.cycle_cycles);
    /* Utilisation: MACs issued over the peak (PEs x lanes x cycles), never above 1. */
    CHECK(fabs(d.util - 1.0) < 1e-9);
    CHECK(fabs(s.util - 1.0) < 1e-9);    /* 2 of 4 lanes x 2 groups per beat: all busy */
    CHECK(s.util <= 1.0 && s24.util <= 1.0 && g.util <= 1.0);

    /* Gating: dense beats, the sparse MAC count (energy), utilisation a quarter. */
    CHECK_EQ_INT(g.cycles, d.cycles);
    CHECK_EQ_INT(g.macs, s.macs);
    CHECK(g.energy < d.energy);
    CHECK(fabs(g.util - 0.25) < 1e-9);

    /* Traffic: A is 1024 x 512, stored as 256 x 512 values and 3-bit indices (16-bit
     * words: 256 x 512 x 3 / 16). DRAM reads and buffer fills both. */
    CHECK_EQ_INT(d.traffic[0][0], 1024ull * 512);
    CHECK_EQ_INT(d.traffic[1][0], 0);
    CHECK_EQ_INT(s.traffic[0][0], 256ull * 512);
    CHECK_EQ_INT(s.traffic[1][0], 256ull * 512 * 3 / 16);
    CHECK_EQ_INT(s.traffic[2][0], 256ull * 512);
    CHECK_EQ_INT(s.traffic[3][0], 256ull * 512 * 3 / 16);
    CHECK(s.dram_bytes < d.dram_bytes);
    CHECK(s.energy < d.energy);

    /* Errors at the workload's file:line. */
    const char *bad_pat[] = { NM, "3:5", NULL };
    Res b = run(SP, bad_pat);
    CHECK(b.rc != 0 && strstr(b.err, "error: workload.sparse: ") && strstr(b.err, "3:5"));
    const char *bad_rank[] = { "workload.sparse.[0].rank", "N", NULL };
    b = run(SP, bad_rank);
    CHECK(b.rc != 0 && strstr(b.err, "N is not a rank of tensor A"));
    const char *free_rank[] = { "workload.sparse.[0].rank", "M", NULL };
    b = run(SP, free_rank);   /* M is not reduced: computed dense, A stored compressed */
    CHECK(b.rc == 0 && b.macs == 512ull * 512 * 1024 && b.traffic[0][0] == 1024ull * 128);
    const char *bad_nm[] = { NM, "5:4", NULL };
    b = run(SP, bad_nm);
    CHECK(b.rc != 0 && strstr(b.err, "N must not exceed M"));
    const char *bad_t[] = { "workload.sparse.[0].tensor", "Q", NULL };
    b = run(SP, bad_t);
    CHECK(b.rc != 0 && strstr(b.err, "tensor Q is not in cascade gemm"));
    const char *other[] = { "workload.sparse.[0].tensor", "B", WIDE, NULL };
    b = run(SP, other);     /* B 2:8 along K instead of A: the same work */
    CHECK(b.rc == 0 && b.macs == s.macs && b.cycles == s.cycles);

    /* Input-stationary (K down the rows, M across; A held in the PEs): the rows hold A's
     * kept pairs, so 2:8 takes a quarter of the row passes; one MAC per PE per cycle (the
     * lanes serve a reduction in time): 8 x 16 passes of N = 512 cycles. */
    Res is_d = run_on("tests/nm/gemm-sat-is.cfg", "workloads/gemm.cfg", dense);
    Res is_s = run_on("tests/nm/gemm-sat-is.cfg", SP, nm28);
    CHECK(is_d.rc == 0 && is_s.rc == 0 && is_s.feasible);
    CHECK_EQ_INT(is_d.cycles, 32ull * 16 * 512);
    CHECK_EQ_INT(is_s.cycles, 8ull * 16 * 512);
    CHECK_EQ_INT(is_s.macs, s.macs);
    CHECK(is_s.util <= 1.0 && fabs(is_s.util - 0.25) < 1e-9);
    /* Weight-stationary with B held: A streams down the rows it is sparse along. */
    Res ws = run_on("tests/nm/gemm-sat-ws.cfg", SP, nm28);
    CHECK(ws.rc != 0 && strstr(ws.err, "streams through them"));
    const char *ws_b[] = { WIDE, "workload.sparse.[0].tensor", "B", NULL };
    ws = run_on("tests/nm/gemm-sat-ws.cfg", SP, ws_b);
    CHECK(ws.rc == 0 && ws.feasible && ws.cycles == is_s.cycles && ws.macs == s.macs);
    return CHECK_DONE();
}
