/* fuzz_mapping.c — libFuzzer harness of the mapping loader and of everything a mapping
 * drives: the cross-file checks, the engine at both levels, energy, the report
 * renderings, and (for a template) the mapper's lean evaluation of the template. The
 * input is a mapping file; an optional first line "#pair=K" picks the architecture and
 * workload it is checked against (0 fusemax + bert, 1 flat + bert, 2 fusemax + gemm,
 * 3 sat + resnet50-train). Seeds: mappings/ and tests/bad/ (tests/fuzz/seeds.py). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report/report.h"
#include "run/run.h"
#include "search/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const pairs[][2] = {
    { "models/fusemax.cfg", "workloads/bert.cfg" },
    { "models/flat.cfg", "workloads/bert.cfg" },
    { "models/fusemax.cfg", "workloads/gemm.cfg" },
    { "models/sat.cfg", "workloads/resnet50-train.cfg" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int pair = 0;
    if (size >= 7 && memcmp(data, "#pair=", 6) == 0 && data[6] >= '0' && data[6] <= '3')
        pair = data[6] - '0';
    const char *path = fuzz_write_input(data, size);
    Diag d;
    diag_init(&d);
    Overrides none = { 0 };
    RunInputs ri;
    if (run_inputs_load(&ri, pairs[pair][0], pairs[pair][1], path, &none, &d) == 0) {
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        RunReport rep = { ri.arch->name, pairs[pair][0], ri.workload->name, pairs[pair][1],
                          ri.mapping->name, path, ri.cascade->name, ri.arch->clock_mhz, rr.res,
                          &rr.cy, &rr.er, rr.training ? &rr.lr : NULL };
        char bad[EMIT_FIELD_MAX];
        char *txt = report_stats_txt(&rep), *json = report_stats_json(&rep, bad),
             *row = report_csv_row(&rep, bad);
        fputs(txt, fuzz_null());
        free(txt);
        free(json);
        free(row);
        run_result_free(&rr);
        Mapspace *ms = NULL;
        if (ri.mapping->search && mapspace_new(&ri.in, &d, &ms) == 0) {
            uint32_t *choice = calloc((size_t)mapspace_dims(ms) + 1, sizeof *choice);
            uint64_t cycles;
            double energy;
            mapspace_template_choice(ms, choice);
            mapspace_eval(ms, choice, &cycles, &energy);
            free(choice);
        }
        mapspace_free(ms);
    }
    run_inputs_free(&ri);
    diag_print(&d, fuzz_null());
    diag_free(&d);
    return 0;
}
