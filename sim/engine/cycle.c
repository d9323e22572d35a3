/* cycle.c — the cycle level: a step timeline per fused group (model in engine.h). */
#include "engine/engine.h"

#include <math.h>
#include <string.h>

#include "util/util.h"

#define MAX_UNITS 16
#define MAX_STAGES 64

static int unit_index(const ArchSpec *a, const char *name)
{
    for (int u = 0; u < a->n_units && u < MAX_UNITS; u++)
        if (name && strcmp(a->units[u].name, name) == 0)
            return u;
    return -1;
}

/* Fixed per-group quantities of one step. */
typedef struct {
    int n_stages;
    uint64_t work[MAX_STAGES][MAX_UNITS];  /* per-step cycles of each unit in each stage */
    uint64_t skew[MAX_STAGES];             /* fill/drain of the widest array used (0: none) */
    uint64_t handoff[MAX_STAGES];          /* wait for a tensor from another unit */
    double load;                           /* DRAM cycles of one step's traffic */
    uint64_t steps;                        /* steps of the group (all tiles, all (b, h)) */
    bool pipelined;
    uint64_t fill, dep;                    /* what an exposed step adds (see build_steps) */
} GroupSteps;

/* Steps of group g: (b, h) × DRAM tiles × steps of the iterative rank (when the group
 * iterates over it). */
static uint64_t group_steps(const EngineInput *in, const EngineResult *r, int g)
{
    const Cascade *c = in->cascade;
    const GroupSpec *gs = &in->mapping->groups[g];
    uint64_t n = in->workload->batch * in->workload->heads * (r->groups[g].n_tiles ? r->groups[g].n_tiles : 1);
    int iterates = 0;
    for (int s = 0; s < gs->n_stages; s++)
        for (int k = 0; k < gs->stages[s].n_einsums; k++) {
            int e = cascade_find_einsum(c, gs->stages[s].einsums[k]);
            iterates |= c->einsums[e].phase == PHASE_LOOP;
        }
    if (iterates && c->iter_rank >= 0)
        n *= (uint64_t)in->sizes->size[c->iter_rank];
    return n;
}

/* Stage holding Einsum `name` in group gs, or -1. */
static int stage_of(const GroupSpec *gs, const char *name)
{
    for (int s = 0; s < gs->n_stages; s++)
        for (int k = 0; k < gs->stages[s].n_einsums; k++)
            if (strcmp(gs->stages[s].einsums[k], name) == 0)
                return s;
    return -1;
}

static void build_steps(const EngineInput *in, const EngineResult *r, int g, double bytes_per_cycle,
                        GroupSteps *gp)
{
    const Cascade *c = in->cascade;
    const ArchSpec *a = in->arch;
    const GroupSpec *gs = &in->mapping->groups[g];
    memset(gp, 0, sizeof *gp);
    gp->n_stages = gs->n_stages < MAX_STAGES ? gs->n_stages : MAX_STAGES;
    gp->steps = group_steps(in, r, g);
    gp->pipelined = gs->pipelined;
    gp->load = (double)r->groups[g].dram_bytes / (double)gp->steps / bytes_per_cycle;
    for (int s = 0; s < gp->n_stages; s++) {
        uint64_t total[MAX_UNITS] = { 0 };
        for (int k = 0; k < gs->stages[s].n_einsums; k++) {
            int e = cascade_find_einsum(c, gs->stages[s].einsums[k]);
            int u = unit_index(a, r->einsums[e].unit);
            if (u >= 0)
                total[u] += r->einsums[e].cycles;
            /* Hand-off: an input produced by another unit in the previous stage. */
            const Einsum *es = &c->einsums[e];
            for (int j = 0; j < es->n_nodes && s > 0; j++) {
                if (es->nodes[j].kind != EX_ACCESS)
                    continue;
                int w = c->tensors[es->nodes[j].tensor].writer;
                if (w < 0 || stage_of(gs, c->einsums[w].name) != s - 1)
                    continue;
                int wu = unit_index(a, r->einsums[w].unit);
                if (wu >= 0 && wu != u && a->units[wu].rows > gp->handoff[s])
                    gp->handoff[s] = a->units[wu].rows;
            }
        }
        for (int u = 0; u < a->n_units && u < MAX_UNITS; u++) {
            gp->work[s][u] = (total[u] + gp->steps - 1) / gp->steps;
            const ComputeUnitSpec *cu = &a->units[u];
            if (total[u] && cu->rows > 1 && cu->rows + cu->cols - 2 > gp->skew[s])
                gp->skew[s] = cu->rows + cu->cols - 2;
        }
    }
    /* Column blocks: the array's columns hold the loop rank, and a step's tile of it
     * spans `blocks` array passes, issued block by block. */
    uint64_t blocks = 1, first_block = 0;
    uint64_t tile = r->groups[g].tile;
    for (int i = 0; i < in->mapping->n_spatial && gs->loop_rank && tile; i++) {
        const SpatialSpec *sp = &in->mapping->spatial[i];
        int u = unit_index(a, sp->unit);
        if (u < 0 || a->units[u].rows <= 1 || !sp->cols || strcmp(sp->cols, gs->loop_rank) != 0)
            continue;
        blocks = (tile + a->units[u].cols - 1) / a->units[u].cols;
        for (int s = 0; s < gp->n_stages && !first_block; s++)
            first_block = (gp->work[s][u] + blocks - 1) / blocks;
    }
    /* An exposed step (every step of an unpipelined group, the first of a pipelined one)
     * pays each stage's fill and hand-off. Block pipelining: when a pipelined step spans
     * several column blocks, the next stage of block b overlaps this stage of block b + 1,
     * so the first step exposes one fill of the array and, when a stage waits for another
     * unit's output, only the first block's way in: its first-stage array work and a
     * registered hand-off (its column results leave the bottom row as the skew completes,
     * so the rows are not paid again). */
    uint64_t max_skew = 0, waits = 0;
    for (int s = 0; s < gp->n_stages; s++) {
        gp->fill += gp->skew[s];
        max_skew = gp->skew[s] > max_skew ? gp->skew[s] : max_skew;
        waits += gp->handoff[s];
    }
    gp->dep = waits;
    if (gp->pipelined && blocks > 1) {
        gp->fill = max_skew;
        gp->dep = waits ? first_block + 1 : 0;
    }
}

/* Duration of step k of a group, with its stall parts added to the counters. */
static uint64_t step_cycles(const GroupSteps *gp, uint64_t k, int n_units, uint64_t *fill,
                            uint64_t *dep, uint64_t *bw)
{
    uint64_t compute = 0;
    for (int s = 0; s < gp->n_stages; s++) {
        uint64_t stage = 0;
        for (int u = 0; u < n_units; u++)
            stage = gp->work[s][u] > stage ? gp->work[s][u] : stage;
        compute += stage;
    }
    int exposed = !gp->pipelined || k == 0;
    uint64_t f = exposed ? gp->fill : 0, h = exposed ? gp->dep : 0;
    /* Double buffering: step 0 waits for its data; later steps stall when the next
     * load outlasts the current compute. */
    double stall = k == 0 ? gp->load : (gp->load > (double)compute ? gp->load - (double)compute : 0);
    uint64_t b = (uint64_t)ceil(stall);
    *fill += f;
    *dep += h;
    *bw += b;
    return compute + f + h + b;
}

void engine_cycle(const EngineInput *in, const EngineResult *r, CycleResult *out)
{
    memset(out, 0, sizeof *out);
    const ArchSpec *a = in->arch;
    if (!r->feasible)
        return;
    out->ran = true;
    double bytes_per_cycle = a->levels[0].bandwidth_gibps * 1073741824.0 / (a->clock_mhz * 1e6);
    int n_units = a->n_units < MAX_UNITS ? a->n_units : MAX_UNITS;
    for (int g = 0; g < r->n_groups; g++) {
        GroupSteps gp;
        build_steps(in, r, g, bytes_per_cycle, &gp);
        out->steps_total += gp.steps;
        /* Simulate until two consecutive steps take equally long (steady state), then
         * extrapolate: every later step repeats that duration and those stalls. */
        uint64_t fill = 0, dep = 0, bw = 0, total = 0, prev = UINT64_MAX;
        for (uint64_t k = 0; k < gp.steps; k++) {
            uint64_t f0 = fill, d0 = dep, b0 = bw;
            uint64_t t = step_cycles(&gp, k, n_units, &fill, &dep, &bw);
            total += t;
            out->steps_simulated++;
            if (t == prev && k + 1 < gp.steps) {
                uint64_t rest = gp.steps - k - 1;
                total += rest * t;
                fill += rest * (fill - f0);
                dep += rest * (dep - d0);
                bw += rest * (bw - b0);
                break;
            }
            prev = t;
        }
        /* Never below the analytic bound of the group: what remains is start-up and
         * quantisation, reported with the bandwidth stalls. */
        if (total < r->groups[g].cycles) {
            bw += r->groups[g].cycles - total;
            total = r->groups[g].cycles;
        }
        out->cycles += total;
        out->fill_drain += fill;
        out->dependency += dep;
        out->bandwidth += bw;
    }
    /* Bandwidth stalls are reported beyond the analytic time: cycle - analytic splits
     * into fill_drain + dependency + bandwidth. */
    uint64_t gap = out->cycles - r->cycles;
    out->bandwidth = gap > out->fill_drain + out->dependency ? gap - out->fill_drain - out->dependency : 0;
    out->seconds = (double)out->cycles / (a->clock_mhz * 1e6);
    for (int u = 0; u < r->n_units; u++)
        out->utilization[u] = out->cycles ? r->utilization[u] * (double)r->cycles / (double)out->cycles : 0;
}
