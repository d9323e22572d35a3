/* test_nest.c — loop-nest mappings (group.nest) over a grid: sizes, factors at every
 * level, loop orders and keep lists of a GEMM (workloads/cascades/gemm.cfg) on the 16 x 16
 * array of models/fusemax-16x16.cfg. At every point:
 *   - the cycle level is never below the analytic level, which is never below the
 *     computes over the PEs the spatial loops use nor below the DRAM bytes over the
 *     bandwidth;
 *   - DRAM reads each operand at least once and writes each output at least once; a
 *     nest whose buffer tiles hold an operand whole reads it exactly once;
 *   - with the data on chip (an RTL run's scenario) the same holds without DRAM time, and
 *     it is never slower than the run from DRAM;
 *   - a quarter of the DRAM bandwidth never takes fewer cycles (both levels);
 *   - twice the work (N doubled, its DRAM factor doubled) never takes fewer cycles, less
 *     energy or fewer DRAM bytes;
 *   - capacity: the PE registers sized to the nest's register tiles (the output tile and
 *     the kept operand tile, from the factors) fit, one word fewer does not, with the
 *     level and the sizes in the reason;
 *   - the same inputs give the same result.
 * Timeloop's own counts for such nests are compared by tests/import/check_timeloop.py. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "run/run.h"
#include "sets.h"

#define ARCH "models/fusemax-16x16.cfg"

typedef struct {
    uint64_t K, M, N;
    uint64_t kr, mr;        /* register-file loops: K, M */
    uint64_t sx, sy;        /* spatial: M on X, N on Y */
    uint64_t kg, ng;        /* buffer loops: K, N (the rest of each rank at DRAM) */
    int order;              /* 0: DRAM loops K, M, N outermost first; 1: N, M, K */
    bool rf_a;              /* the registers keep A as well as Z */
    bool glb_b;             /* the buffer keeps B (else B comes from DRAM at every use) */
} Nest;

typedef struct {
    bool ok;
    uint64_t analytic, cycle, dram_bytes, dram_a, dram_b, dram_z;
    uint64_t chip_analytic, chip_cycle;   /* the scenario of an RTL run: data on chip */
    double energy;
    char reason[512];
} Res;

static char dir[64];

static void write_files(const Nest *p, char *map, size_t n)
{
    char cwd[512];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    snprintf(map, n, "%s/map.cfg", dir);
    FILE *f = fopen(map, "w");
    uint64_t kd = p->K / p->kr / p->kg, md = p->M / p->mr / p->sx, nd = p->N / p->sy / p->ng;
    char dram[96];
    if (p->order == 0)
        snprintf(dram, sizeof dram, "N=%" PRIu64 " M=%" PRIu64 " K=%" PRIu64, nd, md, kd);
    else
        snprintf(dram, sizeof dram, "K=%" PRIu64 " M=%" PRIu64 " N=%" PRIu64, kd, md, nd);
    fprintf(f, "mapping = { name = \"nest\"; cascade = \"%s/workloads/cascades/gemm.cfg\";\n"
               "  binding = ( { einsum = \"Z\"; unit = \"array2d\"; } );\n"
               "  groups = ( { name = \"g\"; stages = ( [ \"Z\" ] ); nest = (\n"
               "    { level = \"array2d\"; keep = [ \"Z\"%s ]; temporal = \"K=%" PRIu64 " M=%" PRIu64 "\"; },\n"
               "    { level = \"GlobalBuffer\"; keep = [ \"A\"%s ]; spatial_x = \"M=%" PRIu64 "\";"
               " spatial_y = \"N=%" PRIu64 "\"; temporal = \"K=%" PRIu64 " N=%" PRIu64 "\"; },\n"
               "    { level = \"DRAM\"; temporal = \"%s\"; } ); } ); };\n",
            cwd, p->rf_a ? ", \"A\"" : "", p->kr, p->mr, p->glb_b ? ", \"B\"" : "", p->sx, p->sy,
            p->kg, p->ng, dram);
    fclose(f);
}

static Res eval(const Nest *p, const char *const *extra)
{
    char map[128], k[32], m[32], nn[32];
    write_files(p, map, sizeof map);
    snprintf(k, sizeof k, "workload.ranks.K=%" PRIu64, p->K);
    snprintf(m, sizeof m, "workload.ranks.M=%" PRIu64, p->M);
    snprintf(nn, sizeof nn, "workload.ranks.N=%" PRIu64, p->N);
    const char *sets[8] = { k, m, nn };
    for (int i = 0; extra && extra[i] && i < 4; i++)
        sets[3 + i] = extra[i];
    TestSets ts;
    Overrides o = test_sets(&ts, sets);
    Res r = { 0 };
    Diag d;
    diag_init(&d);
    RunInputs ri;
    if (run_inputs_load(&ri, ARCH, "workloads/gemm.cfg", map, &o, &d) == 0) {
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        const EngineResult *e = rr.res;
        r.ok = e->feasible && rr.cy.ran;
        snprintf(r.reason, sizeof r.reason, "%s", e->reason);
        r.analytic = e->cycles;
        r.cycle = rr.cy.cycles;
        r.dram_bytes = e->dram_bytes;
        r.energy = rr.er.total_pj;
        for (int i = 0; i < e->n_traffic; i++) {
            const TrafficStat *t = &e->traffic[i];
            if (strcmp(t->level, "DRAM") != 0)
                continue;
            if (strcmp(t->tensor, "A") == 0)
                r.dram_a = t->reads;
            else if (strcmp(t->tensor, "B") == 0)
                r.dram_b = t->reads;
            else if (strcmp(t->tensor, "Z") == 0)
                r.dram_z = t->writes;
        }
        run_result_free(&rr);
        ri.in.data_on_chip = true;
        EngineResult ea;
        engine_analytic(&ri.in, &ea);
        CycleResult cy;
        engine_cycle(&ri.in, &ea, &cy);
        r.chip_analytic = ea.cycles;
        r.chip_cycle = cy.ran ? cy.cycles : 0;
    } else {
        diag_print(&d, stderr);
        snprintf(r.reason, sizeof r.reason, "load failed");
    }
    run_inputs_free(&ri);
    diag_free(&d);
    return r;
}

/* Words the registers of one PE keep: the Z tile (M factor) and, kept, the A tile. */
static uint64_t reg_tile(const Nest *p)
{
    return p->mr + (p->rf_a ? p->kr * p->mr : 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/einsim-test-nest-%d", (int)getpid());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0)
        return 1;
    static const uint64_t Ks[] = { 48, 32 }, Ms[] = { 32, 64 }, Ns[] = { 48 };
    static const uint64_t krs[] = { 1, 2, 4 }, mrs[] = { 1, 2 }, sxs[] = { 4, 16 }, sys_[] = { 8, 16 };
    int points = 0, feasible = 0;
    for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
    for (int c = 0; c < 1; c++)
    for (int i = 0; i < 3; i++)
    for (int j = 0; j < 2; j++)
    for (int x = 0; x < 2; x++)
    for (int y = 0; y < 2; y++)
    for (int v = 0; v < 4; v++) {
        Nest p = { Ks[a], Ms[b], Ns[c], krs[i], mrs[j], sxs[x], sys_[y], 1, 1, v & 1,
                   (v & 2) != 0, (v & 1) == 0 };
        if (p.K % p.kr || p.M % (p.mr * p.sx) || p.N % p.sy)
            continue;
        p.kg = (p.K / p.kr) % 2 == 0 ? 2 : 1;
        p.ng = (p.N / p.sy) % 3 == 0 ? 3 : 1;
        points++;
        Res r = eval(&p, NULL);
        if (!r.ok) {
            fprintf(stderr, "infeasible: %s\n", r.reason);
            continue;
        }
        feasible++;
        uint64_t C = p.K * p.M * p.N, pes = p.sx * p.sy;
        CHECK(r.cycle >= r.analytic);
        /* Data on chip: no DRAM time, so bounded by compute and never slower. */
        CHECK(r.chip_cycle >= r.chip_analytic && r.chip_analytic >= C / pes);
        CHECK(r.chip_cycle <= r.cycle && r.chip_analytic <= r.analytic);
        CHECK(r.analytic >= C / pes);
        /* 400 GiB/s at 940 MHz */
        double bpc = 400.0 * 1073741824.0 / 940e6;
        CHECK((double)r.analytic + 1 >= (double)r.dram_bytes / bpc);
        CHECK(r.dram_a >= p.K * p.M);
        CHECK(r.dram_b >= p.K * p.N);
        CHECK(r.dram_z >= p.M * p.N);
        /* The buffer keeps A and no DRAM loop over N or K comes inside M's: A is read once
         * when only M's DRAM loop (or nothing) is above its buffer tile over A's ranks. */
        if (p.K / p.kr / p.kg == 1 && (p.order == 0 || p.N / p.sy / p.ng == 1))
            CHECK_EQ_INT(r.dram_a, p.K * p.M);
        const char *slow[] = { "arch.DRAM.bandwidth_gibps=100", NULL };
        Res s = eval(&p, slow);
        CHECK(s.ok && s.analytic >= r.analytic && s.cycle >= r.cycle);
        Nest q = p;
        q.N *= 2;
        Res w = eval(&q, NULL);
        CHECK(w.ok && w.analytic >= r.analytic && w.cycle >= r.cycle && w.energy >= r.energy &&
              w.dram_bytes >= r.dram_bytes);
        Res again = eval(&p, NULL);
        CHECK(again.analytic == r.analytic && again.cycle == r.cycle && again.energy == r.energy);
        /* Capacity of the registers, from the factors. */
        char fit[64], tight[64];
        snprintf(fit, sizeof fit, "arch.array2d.reg_words=%" PRIu64, reg_tile(&p));
        snprintf(tight, sizeof tight, "arch.array2d.reg_words=%" PRIu64, reg_tile(&p) - 1);
        const char *f1[] = { fit, NULL }, *f2[] = { tight, NULL };
        Res ok = eval(&p, f1);
        CHECK(ok.ok && ok.analytic == r.analytic);
        if (reg_tile(&p) > 1) {
            Res no = eval(&p, f2);
            CHECK(!no.ok);
            CHECK_CONTAINS(no.reason, "PE registers of array2d hold");
        }
    }
    printf("%d nests, %d feasible\n", points, feasible);
    CHECK(points > 100 && feasible == points);   /* every register tile fits 16 words */
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return CHECK_DONE();
}
