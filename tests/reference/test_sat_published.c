/* test_sat_published.c — the published N:M sparse-training headline on the shipped SAT
 * model (Fang et al., TCAD 2023: at 2:8, training runs 1.75x faster than dense on
 * average; the BDWP ideal is 2.0x): for each shipped training workload the
 * whole-iteration 2:8 speedup over dense (cycle level) must lie in [1.5, 2.0], no setting
 * may beat the BDWP ideal 3 / (1 + 2N/M), and the hardware utilisation (issued MACs /
 * peak) must stay <= 1 at every N:M setting. */
#include <stdlib.h>

#include "check.h"
#include "run/run.h"
#include "util/util.h"

static int run(const char *wl, const char *nm, LayersResult *lr)
{
    Override o[1] = { { "workload.nm", nm, 1 } };
    Overrides ov = { o, 1 };
    Diag d;
    diag_init(&d);
    RunInputs ri;
    int rc = run_inputs_load(&ri, "models/sat.cfg", wl, "mappings/sat.cfg", &ov, &d);
    if (rc == 0)
        run_layers(&ri, true, lr);
    else
        diag_print(&d, stderr);
    run_inputs_free(&ri);
    diag_free(&d);
    return rc;
}

int main(void)
{
    const char *wls[] = { "workloads/resnet50-train.cfg", "workloads/vit-b16-train.cfg",
                          "workloads/bert-base-train.cfg" };
    const char *nms[] = { "dense", "4:8", "2:8", "1:8", "2:4" };
    double sum = 0;
    for (int w = 0; w < 3; w++) {
        LayersResult dense;
        CHECK(run(wls[w], "dense", &dense) == 0);
        for (int k = 0; k < 5; k++) {
            LayersResult lr;
            CHECK(run(wls[w], nms[k], &lr) == 0);
            CHECK(lr.sum->feasible && lr.cy.ran);
            CHECK(lr.sum->utilization[0] > 0 && lr.sum->utilization[0] <= 1.0);
            CHECK(lr.cy.utilization[0] > 0 && lr.cy.utilization[0] <= lr.sum->utilization[0]);
            double speedup = (double)dense.cy.cycles / (double)lr.cy.cycles;
            if (k == 2) {
                printf("%-32s 2:8 speedup %.4fx (cycle level), %.4fx analytic\n", wls[w], speedup,
                       (double)dense.sum->cycles / (double)lr.sum->cycles);
                CHECK(speedup >= 1.5 && speedup <= 2.0);
                sum += speedup;
            }
            /* Never faster than the BDWP ideal. */
            NMPattern p;
            nm_parse(nms[k], &p);
            CHECK(speedup <= 1.0 / nm_bdwp_work_ratio(&p) + 1e-12);
            layers_result_free(&lr);
        }
        layers_result_free(&dense);
    }
    printf("mean 2:8 speedup %.4fx (published average 1.75x)\n", sum / 3);
    return CHECK_DONE();
}
