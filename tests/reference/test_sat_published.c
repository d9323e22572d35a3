/* test_sat.c — the published N:M sparse-training headline on the shipped SAT model
 * (Fang et al., TCAD 2023: at 2:8, training runs 1.75x faster than dense on average;
 * the BDWP ideal is 2.0x): for each shipped training workload the whole-iteration 2:8
 * speedup over dense (cycle level) must lie in [1.5, 2.0], and the hardware
 * utilisation (issued MACs / peak) must stay <= 1 at every N:M setting. */
#include <stdlib.h>

#include "check.h"
#include "engine/train.h"
#include "run/run.h"
#include "util/util.h"

static int run(const char *wl, const char *nm, TrainResult *tr, EngineResult *r, CycleResult *cy)
{
    Override o[1] = { { "workload.nm", nm, 1 } };
    Overrides ov = { o, 1 };
    Diag d;
    diag_init(&d);
    RunInputs ri;
    int rc = run_inputs_load(&ri, "models/sat.cfg", wl, "mappings/sat.cfg", &ov, &d);
    if (rc == 0)
        train_run(&ri.in, true, tr, r, cy);
    else
        diag_print(&d, stderr);
    run_inputs_free(&ri);
    diag_free(&d);
    return rc;
}

int main(void)
{
    static EngineResult r;
    CycleResult cy;
    const char *wls[] = { "workloads/resnet50-train.cfg", "workloads/vit-b16-train.cfg",
                          "workloads/bert-base-train.cfg" };
    const char *nms[] = { "dense", "4:8", "2:8", "1:8", "2:4" };
    double sum = 0;
    for (int w = 0; w < 3; w++) {
        for (int k = 0; k < 5; k++) {
            TrainResult tr;
            CHECK(run(wls[w], nms[k], &tr, &r, &cy) == 0);
            CHECK(tr.feasible);
            double peak = (double)tr.pes * (double)tr.lanes;
            double util_a = (double)tr.macs_issued / (peak * (double)tr.analytic);
            double util_c = (double)tr.macs_issued / (peak * (double)tr.cycle);
            CHECK(util_a > 0 && util_a <= 1.0);
            CHECK(util_c > 0 && util_c <= util_a);
            CHECK(r.utilization[0] <= 1.0 && cy.utilization[0] <= 1.0);
            double speedup = (double)tr.dense_cycle / (double)tr.cycle;
            if (k == 2) {
                printf("%-32s 2:8 speedup %.4fx (cycle level), %.4fx analytic\n", wls[w], speedup,
                       (double)tr.dense_analytic / (double)tr.analytic);
                CHECK(speedup >= 1.5 && speedup <= 2.0);
                sum += speedup;
            }
            /* Never faster than the BDWP ideal. */
            NMPattern p;
            nm_parse(nms[k], &p);
            CHECK(speedup <= 1.0 / nm_bdwp_work_ratio(&p) + 1e-12);
            train_result_free(&tr);
        }
    }
    printf("mean 2:8 speedup %.4fx (published average 1.75x)\n", sum / 3);
    return CHECK_DONE();
}
