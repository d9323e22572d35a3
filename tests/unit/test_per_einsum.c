/* test_per_einsum.c — per-Einsum mappings: two Einsums of one cascade mapped differently
 * on one unit give the cycles of each run alone plus the hand-off, at both levels.
 *
 * The cascade (tests/unit/data/per-einsum/chain.cfg) is a chain of two GEMMs,
 * Z[m, n] = A[k, m] B[k, n] and Y[j, n] = Z[m, n] C[m, j], both on the 2D array of
 * models/fusemax-16x16.cfg, each with its own spatial mapping in its binding (Z output
 * stationary over M x N, Y weight stationary over M x J with C held in the PEs, or input
 * stationary over M x N with Z held in them) and, in map-groups.cfg, its own group: DRAM
 * loop rank, tile and resident tensors. z.cfg and y.cfg are each Einsum alone, with the
 * same binding and group (map-z.cfg, map-y.cfg; map-y-is.cfg: Y with the fused binding).
 *   - every Einsum's own cycles (its passes on its unit) are those of its run alone;
 *   - one group per Einsum: the chain takes exactly the cycles of the two runs alone at
 *     both levels, and its DRAM bytes are theirs; the hand-off is Z's store (the Z run's
 *     output) and its load (the Y run's input), which the chain moves through DRAM;
 *   - one fused group: the hand-off goes through the buffer, so the chain moves Z's bytes
 *     neither out nor in; the analytic level is the two Einsums' time on the shared unit,
 *     the cycle level lies between it and the two runs alone (no DRAM round trip);
 * at several sizes (ragged tiles and blocks included). And the cascade's explicit heads
 * (heads.cfg) repeat only the groups whose Einsums have them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "run/run.h"

#define ARCH "models/fusemax-16x16.cfg"
#define DIR "tests/unit/data/per-einsum/"

typedef struct {
    bool ok;
    uint64_t analytic, cycle, dram;
    uint64_t z_cyc, y_cyc;            /* each Einsum's own cycles on its unit */
    uint64_t z_dram_rd, z_dram_wr;    /* Z's DRAM words */
    uint64_t unit_time;               /* the sum over groups of the compute cycles */
} Res;

/* One evaluation at both levels of the test's architecture; ok when it loaded and is
 * feasible. Close with eval_close (the result refers to the inputs). */
typedef struct {
    RunInputs ri;
    RunResult rr;
    bool loaded, ok;
} Eval;

static void eval_open(Eval *ev, const char *workload, const char *map, Override *ov, int n)
{
    Overrides o = { ov, n };
    Diag d;
    diag_init(&d);
    memset(ev, 0, sizeof *ev);
    if (run_inputs_load(&ev->ri, ARCH, workload, map, &o, &d) == 0) {
        run_evaluate(&ev->ri, true, &ev->rr);
        ev->loaded = true;
        ev->ok = ev->rr.res->feasible && ev->rr.cy.ran;
    }
    if (diag_count(&d))
        diag_print(&d, stderr);
    CHECK(ev->ok);
    diag_free(&d);
}

static void eval_close(Eval *ev)
{
    if (ev->loaded)
        run_result_free(&ev->rr);
    run_inputs_free(&ev->ri);
}

static Res run(const char *map, uint64_t k, uint64_t m, uint64_t n, uint64_t j)
{
    Res r = { 0 };
    char s[4][32];
    uint64_t v[4] = { k, m, n, j };
    for (int i = 0; i < 4; i++)
        snprintf(s[i], sizeof s[i], "%" PRIu64, v[i]);
    Override ov[4] = { { "workload.ranks.K", s[0], 1 }, { "workload.ranks.M", s[1], 2 },
                       { "workload.ranks.N", s[2], 3 }, { "workload.ranks.J", s[3], 4 } };
    Eval ev;
    eval_open(&ev, DIR "workload.cfg", map, ov, 4);
    if (ev.ok) {
        const EngineResult *res = ev.rr.res;
        r.ok = true;
        r.analytic = res->cycles;
        r.cycle = ev.rr.cy.cycles;
        r.dram = res->dram_bytes;
        for (int i = 0; i < res->n_einsums; i++) {
            const EinsumStat *e = &res->einsums[i];
            if (strcmp(e->name, "Z") == 0)
                r.z_cyc = e->cycles;
            if (strcmp(e->name, "Y") == 0)
                r.y_cyc = e->cycles;
        }
        for (int i = 0; i < res->n_traffic; i++) {
            const TrafficStat *t = &res->traffic[i];
            if (strcmp(t->tensor, "Z") == 0 && strcmp(t->level, "DRAM") == 0) {
                r.z_dram_rd += t->reads;
                r.z_dram_wr += t->writes;
            }
        }
        for (int g = 0; g < res->n_groups; g++)
            r.unit_time += res->groups[g].compute_cycles;
    }
    eval_close(&ev);
    return r;
}

/* The cascade's explicit heads (rank H, heads.cfg) repeat only the groups whose Einsums
 * have them: the shared projection A costs the same cycles, ops and DRAM traffic of its
 * inputs at every H; the per-head group B grows with H. */
typedef struct {
    bool ok;
    uint64_t g_cycles[2], a_ops, b_ops, x_rd, u_rd, a_wr, cycle;
} HeadRes;

static HeadRes run_heads(uint64_t h)
{
    HeadRes r = { 0 };
    char s[32];
    snprintf(s, sizeof s, "%" PRIu64, h);
    Override ov[1] = { { "workload.ranks.H", s, 1 } };
    Eval ev;
    eval_open(&ev, DIR "workload-heads.cfg", DIR "map-heads.cfg", ov, 1);
    if (ev.ok) {
        const EngineResult *res = ev.rr.res;
        r.ok = res->n_groups == 2;
        for (int g = 0; g < res->n_groups && g < 2; g++)
            r.g_cycles[g] = res->groups[g].cycles;
        for (int i = 0; i < res->n_einsums; i++) {
            const EinsumStat *e = &res->einsums[i];
            *(strcmp(e->name, "A") == 0 ? &r.a_ops : &r.b_ops) = e->ops[OP_MAC];
        }
        for (int i = 0; i < res->n_traffic; i++) {
            const TrafficStat *t = &res->traffic[i];
            if (strcmp(t->level, "DRAM") != 0)
                continue;
            if (strcmp(t->tensor, "X") == 0)
                r.x_rd = t->reads;
            if (strcmp(t->tensor, "U") == 0)
                r.u_rd = t->reads;
            if (strcmp(t->tensor, "A") == 0)
                r.a_wr = t->writes;
        }
        r.cycle = ev.rr.cy.cycles;
        CHECK(r.cycle >= res->cycles);
    }
    CHECK(r.ok);
    eval_close(&ev);
    return r;
}

static void test_heads(void)
{
    HeadRes one = run_heads(1);
    for (uint64_t h = 2; h <= 8; h *= 2) {
        HeadRes r = run_heads(h);
        if (!one.ok || !r.ok)
            return;
        CHECK_EQ_INT(r.g_cycles[0], one.g_cycles[0]);   /* the shared group: once */
        CHECK_EQ_INT(r.a_ops, one.a_ops);
        CHECK_EQ_INT(r.x_rd, one.x_rd);
        CHECK_EQ_INT(r.u_rd, one.u_rd);
        CHECK_EQ_INT(r.a_wr, one.a_wr);
        CHECK_EQ_INT(r.b_ops, h * one.b_ops);            /* the per-head group: H times */
        CHECK(r.g_cycles[1] >= h * one.g_cycles[1] - h);
        CHECK(r.cycle > one.cycle);
        printf("heads H=%" PRIu64 ": shared group %" PRIu64 " cycles (H=1: %" PRIu64
               "), per-head group %" PRIu64 " (H=1: %" PRIu64 ")\n", h, r.g_cycles[0],
               one.g_cycles[0], r.g_cycles[1], one.g_cycles[1]);
    }
}

int main(void)
{
    test_heads();
    static const uint64_t sizes[][4] = {
        { 64, 32, 64, 48 },    /* K, M, N, J: whole blocks */
        { 96, 40, 80, 24 },    /* ragged row passes (M), column blocks (N) and tiles */
        { 16, 16, 512, 256 },  /* many tiles of N and J */
        { 200, 64, 48, 100 },
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint64_t k = sizes[i][0], m = sizes[i][1], n = sizes[i][2], j = sizes[i][3];
        Res z = run(DIR "map-z.cfg", k, m, n, j);
        Res y = run(DIR "map-y.cfg", k, m, n, j);
        Res g = run(DIR "map-groups.cfg", k, m, n, j);
        Res f = run(DIR "map-fused.cfg", k, m, n, j);
        Res yi = run(DIR "map-y-is.cfg", k, m, n, j);  /* Y alone with the fused binding */
        if (!z.ok || !y.ok || !g.ok || !f.ok || !yi.ok)
            continue;
        /* Each Einsum keeps its own dataflow inside the chain. */
        CHECK_EQ_INT(g.z_cyc, z.z_cyc);
        CHECK_EQ_INT(g.y_cyc, y.y_cyc);
        CHECK_EQ_INT(f.z_cyc, z.z_cyc);
        CHECK_EQ_INT(f.y_cyc, yi.y_cyc);
        /* One group per Einsum: the runs alone add up, the hand-off through DRAM included. */
        CHECK_EQ_INT(g.analytic, z.analytic + y.analytic);
        CHECK_EQ_INT(g.cycle, z.cycle + y.cycle);
        CHECK_EQ_INT(g.dram, z.dram + y.dram);
        CHECK_EQ_INT(z.z_dram_wr, m * n);         /* the hand-off: Z out ... */
        CHECK(y.z_dram_rd >= m * n);              /* ... and in (once per tile of J) */
        CHECK_EQ_INT(g.z_dram_wr, z.z_dram_wr);
        CHECK_EQ_INT(g.z_dram_rd, y.z_dram_rd);
        /* One fused group: the hand-off stays on chip. */
        CHECK_EQ_INT(f.z_dram_rd + f.z_dram_wr, 0);
        CHECK(f.dram < g.dram);
        CHECK_EQ_INT(f.unit_time, f.z_cyc + f.y_cyc);
        CHECK(f.analytic >= f.unit_time);
        CHECK(f.cycle >= f.analytic);
        CHECK(f.cycle <= z.cycle + yi.cycle);
        printf("K=%" PRIu64 " M=%" PRIu64 " N=%" PRIu64 " J=%" PRIu64 ": alone %" PRIu64 " + %"
               PRIu64 " (cycle level %" PRIu64 " + %" PRIu64 "), groups %" PRIu64 " (%" PRIu64
               "), fused %" PRIu64 " (%" PRIu64 ")\n", k, m, n, j, z.analytic, y.analytic,
               z.cycle, y.cycle, g.analytic, g.cycle, f.analytic, f.cycle);
    }
    return CHECK_DONE();
}
