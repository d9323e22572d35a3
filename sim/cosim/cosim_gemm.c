/* cosim_gemm.c — `einsim cosim` (dense.h): the dispatch on the cascade, GEMM on the 2D
 * array (output- or weight-stationary) against the C model, and `einsim rtl-params`. */
#include "cosim/dense.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosim/cosim.h"
#include "cosim/cosim_common.h"
#include "cosim/dram_lower.h"
#include "engine/engine.h"
#include "func/interp.h"
#include "lower/lower.h"
#include "run/run.h"
#include "util/output.h"
#include "util/util.h"

Outcome cosim_rtl_params(const char *arch, const Overrides *ov, const char *out, Diag *d)
{
    Outcome rc = OUTCOME_INPUT;
    ArchSpec *a = NULL;
    RtlGeom g;
    if (config_load_arch(arch, ov, d, &a) == 0 &&
        config_check_overrides(ov, CFG_HAS_ARCH, d) == 0 && lower_geom(a, &g, d) == 0) {
        char *text = lower_rtl_params(&g, a);
        if (!out)
            fputs(text, stdout);
        else
            file_write(out, text, strlen(text), d);
        rc = OUTCOME_OK;
        free(text);
    }
    arch_free(a);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}

/* One mismatch: what, the tile and the cycle it concerns, and whether it is an output
 * value (else a cycle). */
typedef struct {
    char *what;
    int tile;
    uint64_t cycle;
    bool value;
} Mismatch;

typedef struct {
    Mismatch *v;
    size_t n, cap;
} MismatchList;

static void add_mismatch(MismatchList *l, int tile, uint64_t cycle, char *what)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (Mismatch){ what, tile, cycle, false };
}

static void print_mismatch(const char *label, const Mismatch *m)
{
    if (m->tile >= 0)
        printf("  %s tile %d cycle %" PRIu64 ": %s\n", label, m->tile, m->cycle, m->what);
    else
        printf("  %s run cycle %" PRIu64 ": %s\n", label, m->cycle, m->what);
}

/* The engine's schedule, collected by its trace callback. */
typedef struct {
    EngineEvent *v;
    int n, cap;
} EventList;

static void collect_event(void *ctx, const EngineEvent *ev)
{
    EventList *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = *ev;
}

static int64_t sign_extend(uint64_t v, uint32_t bits)
{
    if (bits >= 64)
        return (int64_t)v;
    uint64_t m = (uint64_t)1 << (bits - 1);
    v &= ((uint64_t)1 << bits) - 1;
    return (int64_t)((v ^ m) - m);
}

Outcome cosim_dense(const CosimOptions *o, Diag *d)
{
    Outcome rc = OUTCOME_INPUT;
    const char *arch = o->arch, *waves = o->waves;
    uint64_t seed = o->seed;
    bool timing = o->timing;
    RunInputs ri;
    EngineResult *res = xcalloc(1, sizeof *res);
    CycleResult cy = { 0 };
    TileProg prog = { 0 };
    DmaProg dma = { 0 };
    EventList evs = { 0 };
    CosimLib lib = { 0 };
    CosimHandle *h = NULL;
    FuncEval *fq = NULL;
    double **in = NULL;
    MismatchList mm = { 0 };
    char *libfile = NULL, *build = NULL, *top = NULL;
    if (run_inputs_load(&ri, arch, o->workload, o->mapping, &o->ov, d))
        goto done;
    if (workload_is_training(ri.workload)) {
        diag_error(d, o->workload, 0, "cosim: workload %s is a layer list (kind = "
                   "\"training\"); the RTL runs one GEMM or attention at one size",
                   ri.workload->name);
        goto done;
    }
    const Cascade *c = ri.cascade;
    if (cosim_lib_path(o, &libfile, &build, &top, d))
        goto done;
    if (strncmp(c->problem, "attention", 9) == 0) {   /* cosim_attention names what it runs */
        rc = cosim_attention(&ri, arch, libfile, build, top, seed, timing, waves, o->ring,
                             o->dma_ring, d);
        goto done;
    }
    int tA = cascade_find_tensor(c, "A"), tB = cascade_find_tensor(c, "B"),
        tZ = cascade_find_tensor(c, "Z");
    int rK = cascade_find_rank(c, "K"), rM = cascade_find_rank(c, "M"), rN = cascade_find_rank(c, "N");
    if (strcmp(c->problem, "gemm") != 0 || tA < 0 || tB < 0 || tZ < 0 || rK < 0 || rM < 0 || rN < 0) {
        diag_error(d, ri.mapping->path, ri.mapping->loc.line, "cosim: only the gemm cascade "
                   "(Z[m, n] = A[k, m] * B[k, n]) is supported by the RTL; cascade %s is not",
                   c->name);
        goto done;
    }
    const SpatialSpec *sp = NULL;
    for (int i = 0; i < ri.mapping->n_spatial; i++)
        if (strcmp(ri.mapping->spatial[i].unit, "array2d") == 0)
            sp = &ri.mapping->spatial[i];
    bool ws;
    if (sp && sp->rows && sp->cols && strcmp(sp->rows, "M") == 0 && strcmp(sp->cols, "N") == 0)
        ws = false;
    else if (sp && sp->rows && sp->cols && strcmp(sp->rows, "K") == 0 && strcmp(sp->cols, "N") == 0)
        ws = true;
    else {
        diag_error(d, sp ? sp->loc.file : ri.mapping->path, sp ? sp->loc.line : ri.mapping->loc.line,
                   "cosim: array2d must map rows = \"M\", cols = \"N\" (output-stationary) or "
                   "rows = \"K\", cols = \"N\" (weight-stationary)");
        goto done;
    }
    uint64_t K = (uint64_t)ri.sizes.size[rK], M = (uint64_t)ri.sizes.size[rM],
             N = (uint64_t)ri.sizes.size[rN];
    RtlGeom g;
    if (lower_geom(ri.arch, &g, d) || lower_gemm(&g, ws, K, M, N, &prog, d))
        goto done;
    lower_free(&prog);

    /* C model: the engine's cycle level with the data in DRAM, its schedule lowered to the
     * DMA and tile programs the RTL runs; the tile rules predict every tile. */
    double t_c0 = cosim_now_s();
    ri.in.data_on_chip = false;
    ri.in.trace = collect_event;
    ri.in.trace_ctx = &evs;
    engine_analytic(&ri.in, res);
    if (res->feasible)
        engine_cycle(&ri.in, res, &cy);
    if (!res->feasible || !cy.ran) {
        diag_error(d, ri.mapping->path, ri.mapping->loc.line, "cosim: the engine's cycle level "
                   "did not run (%s)", res->feasible ? "overflow" : res->reason);
        goto done;
    }
    if (dram_lower_gemm(&g, ws, K, M, N, evs.v, evs.n, tA, tB, tZ, &prog, &dma, d))
        goto done;
    double t_timing = cosim_now_s() - t_c0;
    FxFormat fx;
    if (fx_format_init(&fx, &ri.arch->arith)) {
        diag_error(d, ri.arch->path, 0, "arithmetic widths out of range");
        goto done;
    }
    fq = func_new(c, &ri.sizes, FUNC_FIXED, &fx, NULL, d);
    if (!fq)
        goto done;
    in = func_random_inputs(c, &ri.sizes, seed, -1.0, 1.0, ldexp(1.0, -fx.F));
    for (int t = 0; t < c->n_tensors; t++)
        if (in[t])
            func_set_input(fq, t, in[t]);
    func_run(fq);
    double t_values = cosim_now_s() - t_c0 - t_timing;

    /* RTL. */
    char err[512];
    if (cosim_open(libfile, &lib, err, sizeof err)) {
        cosim_open_error(d, libfile, err, build);
        goto done;
    }
    h = cosim_create_model(&lib, libfile, waves, d);
    if (!h)
        goto done;
    CosimParams rp;
    lib.params(h, &rp);
    if (rp.rows != g.rows || rp.cols != g.cols || rp.word_bits != g.word_bits ||
        rp.frac_bits != g.frac_bits || rp.acc_bits != g.acc_bits || rp.glb_words != g.glb_words ||
        rp.zbuf_words != g.zbuf_words || rp.tiles != g.tiles || rp.beat_words != g.beat_words) {
        diag_error(d, libfile, 0, "the RTL was built for a %ux%u array, %u/%u/%u-bit arithmetic, "
                   "%u/%u buffer words, %u tiles, %u-word beats; %s describes %ux%u, %u/%u/%u, %u/%u, %u, "
                   "%u: refusing to run (rebuild with make cosim-lib)", rp.rows, rp.cols,
                   rp.word_bits, rp.frac_bits, rp.acc_bits, rp.glb_words, rp.zbuf_words, rp.tiles,
                   rp.beat_words, arch, g.rows, g.cols, g.word_bits, g.frac_bits, g.acc_bits,
                   g.glb_words, g.zbuf_words, g.tiles, g.beat_words);
        goto done;
    }
    if (cosim_dma_check(&lib, h, g.dma_cmds, libfile, build, d))
        goto done;
    const FuncTensor *A = func_tensor(fq, tA), *B = func_tensor(fq, tB), *Z = func_tensor(fq, tZ);
    uint64_t wmask = g.word_bits >= 64 ? UINT64_MAX : (((uint64_t)1 << g.word_bits) - 1);
    /* DRAM: A row-major, B by blocks of C columns (dma's layout); the programs. */
    lib.dram_config(h, g.dram_bpc, g.dram_latency, g.word_bits);
    for (size_t i = 0; i < A->n; i++)
        lib.dram_write(h, dma.dram_a + i, (uint64_t)A->q[i] & wmask);
    for (uint64_t kk = 0; kk < K; kk++)
        for (uint64_t n = 0; n < N; n++) {
            uint64_t j = n / g.cols, nb = N - j * g.cols < g.cols ? N - j * g.cols : g.cols;
            lib.dram_write(h, dma.dram_b + K * j * g.cols + kk * nb + (n - j * g.cols),
                           (uint64_t)B->q[kk * N + n] & wmask);
        }
    lib.dram_write(h, dma.dram_z + M * N - 1, 0);   /* the image holds Z's region */
    for (int t = 0; t <= prog.n; t++) {
        uint64_t w[4];
        lower_encode(t < prog.n ? &prog.t[t] : NULL, w);
        for (int k = 0; k < 4; k++)
            lib.load(h, COSIM_IMEM, (uint32_t)(4 * t + k), w[k]);
    }
    cosim_load_dma(&lib, h, dma.c, dma.n, g.dma_cmds);
    CosimRun run = cosim_run(&lib, h, prog.cycles);
    uint64_t rtl_cycles = run.cycles;
    if (!run.finished)
        add_mismatch(&mm, -1, run.limit, xasprintf("the RTL did not finish within %" PRIu64
                                                   " cycles", run.limit));
    char *busy = cosim_busy_check(&run);
    if (busy)
        add_mismatch(&mm, -1, run.cycles, busy);

    /* Values. */
    uint64_t compared = 0;
    for (uint64_t m = 0; m < M; m++)
        for (uint64_t n = 0; n < N; n++) {
            size_t i = (size_t)(m * N + n);
            int64_t want = Z->q[i];
            int64_t got = sign_extend(lib.dram_read(h, lower_dram_z(&g, &prog, &dma, m, n)),
                                      g.word_bits);
            compared++;
            if (got != want) {
                int t = lower_tile_of(&g, &prog, m, n);
                add_mismatch(&mm, t, prog.t[t].end_cyc,
                             xasprintf("Z[%" PRIu64 ", %" PRIu64 "] = %" PRId64 " in the RTL, %"
                                       PRId64 " in the C model", m, n, got, want));
                mm.v[mm.n - 1].value = true;
            }
        }
    /* Tile stamps. */
    uint64_t max_err = 0;
    for (int t = 0; t < prog.n; t++) {
        uint64_t s = lib.read(h, COSIM_START, (uint32_t)t), e = lib.read(h, COSIM_END, (uint32_t)t);
        uint64_t es = s > prog.t[t].start_cyc ? s - prog.t[t].start_cyc : prog.t[t].start_cyc - s;
        uint64_t ee = e > prog.t[t].end_cyc ? e - prog.t[t].end_cyc : prog.t[t].end_cyc - e;
        max_err = es > max_err ? es : max_err;
        max_err = ee > max_err ? ee : max_err;
        if (es)
            add_mismatch(&mm, t, s, xasprintf("start cycle %" PRIu64 " in the RTL, %" PRIu64
                                              " predicted", s, prog.t[t].start_cyc));
        if (ee)
            add_mismatch(&mm, t, e, xasprintf("end cycle %" PRIu64 " in the RTL, %" PRIu64
                                              " predicted", e, prog.t[t].end_cyc));
    }
    if (rtl_cycles != prog.cycles)
        add_mismatch(&mm, -1, rtl_cycles, xasprintf("run length %" PRIu64 " cycles in the RTL, %"
                                                    PRIu64 " predicted", rtl_cycles, prog.cycles));
    /* The engine's schedule of the mapping predicts the RTL exactly. */
    if (!cy.ran || cy.cycles != rtl_cycles)
        add_mismatch(&mm, -1, rtl_cycles, xasprintf("run length %" PRIu64 " cycles in the RTL, %"
                                                    PRIu64 " at the engine's cycle level",
                                                    rtl_cycles, cy.ran ? cy.cycles : 0));
    if (dma.disagree)
        add_mismatch(&mm, -1, 0, xasprintf("the tile rules and the engine's schedule differ: %s",
                                           dma.disagree));
    /* Traffic: the RTL's counters against the engine's table, per level and tensor. */
    static const char *const tnames[3] = { "A", "B", "Z" };
    static const char *const cnames[5] = { "reads", "writes", "fills", "reads", "writes" };
    uint64_t rtl_tr[3][5], eng_tr[3][5];
    const char *buf_level, *dram_level;
    cosim_traffic(&lib, h, &ri, res, 3, tnames, rtl_tr, eng_tr, &buf_level, &dram_level);
    int traffic_bad = 0;
    for (int t = 0; t < 3; t++) {
        for (int k = 0; k < 5; k++) {
            if (rtl_tr[t][k] != eng_tr[t][k]) {
                traffic_bad++;
                add_mismatch(&mm, -1, rtl_cycles, xasprintf("%s %s %s: %" PRIu64 " words in the RTL, %"
                                                            PRIu64 " in the engine's traffic table",
                                                            k < 3 ? buf_level : dram_level, tnames[t],
                                                            cnames[k], rtl_tr[t][k], eng_tr[t][k]));
            }
        }
    }

    printf("cosim %s on %s (%s, %ux%u array), %s: K=%" PRIu64 " M=%" PRIu64 " N=%" PRIu64
           ", seed %" PRIu64 "\n", ri.mapping->name, ri.arch->name, ws ? "weight-stationary" :
           "output-stationary", g.rows, g.cols, ri.workload->name, K, M, N, seed);
    printf("  tiles          : %d (DMA commands %d: loads and stores through DRAM, %u-word beats, "
           "%.4g bytes/cycle, latency %u)\n", prog.n, dma.n, g.beat_words, g.dram_bpc,
           g.dram_latency);
    printf("  cycles         : RTL %" PRIu64 ", C tile model %" PRIu64 "\n", rtl_cycles, prog.cycles);
    printf("  max cycle error: %" PRIu64 " (per-tile start and end)\n", max_err);
    printf("  values compared: %" PRIu64 " (Z read back from DRAM, bit-exact against the "
           "fixed-point model)\n", compared);
    printf("  traffic (words): RTL counters = engine %s\n", traffic_bad ? "NO" : "yes");
    for (int t = 0; t < 3; t++)
        printf("    %-3s %s reads %" PRIu64 " writes %" PRIu64 " fills %" PRIu64 "; %s reads %"
               PRIu64 " writes %" PRIu64 "\n", tnames[t], buf_level, rtl_tr[t][0], rtl_tr[t][1],
               rtl_tr[t][2], dram_level, rtl_tr[t][3], rtl_tr[t][4]);
    cosim_print_busy(&run);
    if (cy.ran)
        printf("  C cycle level  : %" PRIu64 " cycles (engine, whole run, data in DRAM; analytic %"
               PRIu64 ")\n", cy.cycles, res->cycles);
    printf("  mismatches     : %zu\n", mm.n);
    /* The earliest (by cycle, then in list order) of all, and of the values: where a
     * designer starts looking. */
    const Mismatch *first = NULL, *first_value = NULL;
    for (size_t i = 0; i < mm.n; i++) {
        const Mismatch *x = &mm.v[i];
        if (!first || x->cycle < first->cycle)
            first = x;
        if (x->value && (!first_value || x->cycle < first_value->cycle))
            first_value = x;
    }
    if (first)
        print_mismatch("first mismatch :", first);
    if (first_value)
        print_mismatch("first value    :", first_value);
    for (size_t i = 0; i < mm.n; i++)
        print_mismatch("MISMATCH", &mm.v[i]);
    if (timing)
        cosim_print_timing(rtl_cycles, run.seconds, prog.cycles, t_timing, t_values);
    printf("%s\n", mm.n ? "FAIL" : "PASS");
    rc = mm.n ? OUTCOME_MISMATCH : OUTCOME_OK;
    if (waves && cosim_waves_write(d, waves, &g, &prog, NULL, top, run.offset))
        rc = OUTCOME_INPUT;

done:
    if (h)
        lib.destroy(h);
    cosim_close(&lib);
    for (size_t i = 0; i < mm.n; i++)
        free(mm.v[i].what);
    free(mm.v);
    if (in)
        func_inputs_free(ri.cascade, in);
    func_free(fq);
    lower_free(&prog);
    lower_dma_free(&dma);
    free(evs.v);
    free(res);
    free(libfile);
    free(build);
    free(top);
    run_inputs_free(&ri);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}
