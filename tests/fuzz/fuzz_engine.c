/* fuzz_engine.c — libFuzzer harness of the engine on generated configurations: the input
 * bytes pick a shipped (architecture, workload, mapping) triple and values for its main
 * parameters (array size, buffer size, DRAM bandwidth, clock, sequence length or GEMM
 * ranks, batch, heads, partition size), given as --set overrides. What loads is
 * evaluated at both levels and priced; a feasible result must have positive cycles and
 * finite times and energies, and its reports must render. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "run/run.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const char *arch, *workload, *mapping;
    const char *array;     /* the 2D unit, or NULL */
    int kind;              /* 0 attention (seq, M0), 1 gemm (K, M, N), 2 training */
} Triple;

static const Triple triples[] = {
    { "models/fusemax.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg", "array2d", 0 },
    { "models/flat.cfg", "workloads/bert.cfg", "mappings/flat.cfg", "array2d", 0 },
    { "models/flat.cfg", "workloads/bert.cfg", "mappings/unfused.cfg", "array2d", 0 },
    { "models/flat.cfg", "workloads/bert.cfg", "mappings/plus-cascade.cfg", "array2d", 0 },
    { "models/fusemax.cfg", "workloads/xlm.cfg", "mappings/plus-arch.cfg", "array2d", 0 },
    { "models/fusemax.cfg", "workloads/gemm.cfg", "mappings/gemm-os.cfg", "array2d", 1 },
    { "models/fusemax.cfg", "workloads/gemm.cfg", "mappings/gemm-ws.cfg", "array2d", 1 },
    { "models/fusemax.cfg", "workloads/gemm.cfg", "mappings/gemm-os-k.cfg", "array2d", 1 },
    { "models/fusemax.cfg", "workloads/bert.cfg", "mappings/fusemax-rtl.cfg", "array2d", 0 },
    { "models/flat.cfg", "workloads/bert.cfg", "mappings/flat-overlap.cfg", "array2d", 0 },
    { "models/sat.cfg", "workloads/resnet50-train.cfg", "mappings/sat.cfg", "sat", 2 },
};

typedef struct {
    const uint8_t *p;
    size_t n;
} Bytes;

static uint64_t take(Bytes *b, int nbytes)
{
    uint64_t v = 0;
    for (int i = 0; i < nbytes; i++) {
        v = v << 8 | (b->n ? *b->p : 0);
        if (b->n) {
            b->p++;
            b->n--;
        }
    }
    return v;
}

/* A value in lo..hi spread log-uniformly by two bytes. */
static double log_range(Bytes *b, double lo, double hi)
{
    double u = (double)take(b, 2) / 65535.0;
    return lo * pow(hi / lo, u);
}

static void check(int ok, const char *what, const Triple *t)
{
    if (!ok) {
        fprintf(stderr, "fuzz_engine: %s (%s, %s, %s)\n", what, t->arch, t->workload, t->mapping);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Bytes b = { data, size };
    const Triple *t = &triples[take(&b, 1) % (sizeof triples / sizeof triples[0])];
    char text[16][96];
    Override ov[16];
    int n = 0;
#define SET(key, ...) do { \
        snprintf(text[n], sizeof text[n], __VA_ARGS__); \
        ov[n] = (Override){ key, text[n], n + 1 }; n++; } while (0)
    uint8_t mask = (uint8_t)take(&b, 1);   /* which parameters to set */
    if (t->array && (mask & 1)) {
        SET(t->kind == 2 ? "arch.sat.rows" : "arch.array2d.rows", "%d", 1 + (int)(take(&b, 2) % 1024));
        SET(t->kind == 2 ? "arch.sat.cols" : "arch.array2d.cols", "%d", 1 + (int)(take(&b, 2) % 1024));
    }
    if (mask & 2)
        SET("arch.GlobalBuffer.size_kb", "%" PRIu64 "L", 1 + take(&b, 3) % (UINT64_C(1) << 22));
    if (mask & 4)
        SET("arch.DRAM.bandwidth_gibps", "%.6g", log_range(&b, 1e-3, 1e6));
    if (mask & 8)
        SET("arch.clock_mhz", "%.6g", log_range(&b, 1.0, 1e5));
    if (t->kind == 0 && (mask & 16))
        SET("workload.seq", "%" PRIu64 "L", 1 + take(&b, 4) % (UINT64_C(1) << 30));
    if (t->kind == 0 && (mask & 32))
        SET("mapping.partitions.M0", "%d", 1 + (int)(take(&b, 2) % 2048));
    if (t->kind == 1 && (mask & 16)) {
        SET("workload.ranks.K", "%" PRIu64 "L", 1 + take(&b, 3) % (UINT64_C(1) << 20));
        SET("workload.ranks.M", "%" PRIu64 "L", 1 + take(&b, 3) % (UINT64_C(1) << 20));
        SET("workload.ranks.N", "%" PRIu64 "L", 1 + take(&b, 3) % (UINT64_C(1) << 20));
    }
    if (t->kind != 1 && (mask & 64))
        SET("workload.batch", "%d", 1 + (int)(take(&b, 2) % 1024));
    if (t->kind == 0 && (mask & 128))
        SET("workload.heads", "%d", 1 + (int)(take(&b, 1) % 64));
    if (t->kind == 2 && (mask & 32)) {
        static const char *const nm[] = { "dense", "1:4", "2:4", "1:8", "2:8", "4:8" };
        SET("workload.nm", "%s", nm[take(&b, 1) % 6]);
    }
#undef SET
    Overrides o = { ov, n };
    Diag d;
    diag_init(&d);
    RunInputs ri;
    if (run_inputs_load(&ri, t->arch, t->workload, t->mapping, &o, &d) == 0) {
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        const EngineResult *r = rr.res;
        if (r->feasible) {
            check(r->cycles > 0, "feasible with 0 cycles", t);
            check(isfinite(r->seconds) && r->seconds > 0, "non-finite or zero seconds", t);
            check(isfinite(rr.er.total_pj) && rr.er.total_pj >= 0, "non-finite energy", t);
            for (int u = 0; u < r->n_units; u++)
                check(isfinite(r->utilization[u]), "non-finite utilisation", t);
            if (rr.cy.ran)
                check(isfinite(rr.cy.seconds), "non-finite cycle-level seconds", t);
        }
        RunReport rep = { ri.arch->name, t->arch, ri.workload->name, t->workload,
                          ri.mapping->name, t->mapping, ri.cascade->name, ri.arch->clock_mhz,
                          r, &rr.cy, &rr.er, rr.training ? &rr.tr : NULL };
        char bad[EMIT_FIELD_MAX];
        char *txt = report_stats_txt(&rep), *json = report_stats_json(&rep, bad),
             *row = report_csv_row(&rep, bad);
        check(json && row, "a result that stats.json refuses (not finite)", t);
        free(txt);
        free(json);
        free(row);
        run_result_free(&rr);
    }
    run_inputs_free(&ri);
    diag_print(&d, fuzz_null());
    diag_free(&d);
    return 0;
}
