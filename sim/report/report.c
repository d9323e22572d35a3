/* report.c — stats.txt (Timeloop-like), stats.json (DESIGN §9 keys) and CSV rows. */
#include "report/report.h"

#include <inttypes.h>
#include <string.h>

#include "engine/train.h"
#include "util/emit.h"
#include "util/util.h"

static unsigned long long ull(uint64_t v) { return (unsigned long long)v; }

static uint64_t total_ops(const EinsumStat *e)
{
    uint64_t n = 0;
    for (int o = 0; o < OP__COUNT; o++)
        n += e->ops[o];
    return n;
}

/* MACs issued (all units); for dense work the dense equivalent is the same. */
static uint64_t macs(const EngineResult *a)
{
    uint64_t n = 0;
    for (int i = 0; i < a->n_einsums; i++)
        n += a->einsums[i].ops[OP_MAC];
    return n;
}

static double pct(double x, double of) { return of > 0 ? 100.0 * x / of : 0.0; }

/* The gap between BDWP's ideal and the modelled time, as % of the dense iteration. */
static void attribution_txt(Buf *b, const TrainAttribution *a, const char *level)
{
    double td = a->t_dense;
    buf_printf(b, "  Gap to ideal (%s level, %% of the dense iteration):\n", level);
    buf_printf(b, "    ideal (1 + 2N/M)/3      %8.3f %%\n", 100.0 * a->ideal_ratio);
    const char *names[] = { "dense (unpruned) layers", "weight-gradient share", "mask generation",
                            "load imbalance", "accumulator hazards", "fill/drain + latency",
                            "metadata bandwidth", "DRAM bandwidth" };
    double v[] = { a->dense_layers, a->wg_share, a->maskgen, a->imbalance, a->hazards,
                   a->fill_drain, a->metadata, a->memory };
    for (int i = 0; i < 8; i++)
        buf_printf(b, "    + %-22s %+8.3f %%\n", names[i], pct(v[i], td));
    buf_printf(b, "    = this setting          %8.3f %% -> speedup %.4fx (ideal %.4fx)\n",
               pct(a->t, td), a->t > 0 ? td / a->t : 0.0, a->ideal_ratio > 0 ? 1.0 / a->ideal_ratio : 0.0);
}

/* stats.txt section of a training run: summary, attribution, per layer and pass. */
static void train_txt(Buf *b, const TrainResult *t, bool cyc)
{
    buf_printf(b, "\nN:M sparse training\n-------------------\n");
    buf_printf(b, "  Pattern         : %s on prunable layers, run as %s on unit %s (%llu PEs x "
                  "%llu lanes)\n", t->nm, t->nm_hw, t->unit, ull(t->pes), ull(t->lanes));
    buf_printf(b, "  MACs            : issued %llu, dense-equivalent %llu (issued/dense %.4f)\n",
               ull(t->macs_issued), ull(t->macs_dense),
               t->macs_dense ? (double)t->macs_issued / (double)t->macs_dense : 0.0);
    double peak = (double)t->pes * (double)t->lanes;
    uint64_t cyc_n = cyc ? t->cycle : t->analytic;
    buf_printf(b, "  Throughput      : hardware utilization %.4f (issued MACs / peak); effective "
                  "%.4fx the dense peak (dense-equivalent MACs / peak)\n",
               cyc_n ? (double)t->macs_issued / (peak * (double)cyc_n) : 0.0,
               cyc_n ? (double)t->macs_dense / (peak * (double)cyc_n) : 0.0);
    buf_printf(b, "  Dense iteration : %llu cycles analytic", ull(t->dense_analytic));
    if (cyc)
        buf_printf(b, ", %llu cycle level", ull(t->dense_cycle));
    buf_printf(b, "\n  Speedup         : %.4fx analytic", t->analytic ? (double)t->dense_analytic /
                                                                       (double)t->analytic : 0.0);
    if (cyc)
        buf_printf(b, ", %.4fx cycle level", t->cycle ? (double)t->dense_cycle / (double)t->cycle : 0.0);
    buf_printf(b, " over dense\n  Mask generation : %llu cycles (both masks, every iteration)\n",
               ull(t->maskgen_cycles));
    attribution_txt(b, &t->attr_analytic, "analytic");
    if (cyc)
        attribution_txt(b, &t->attr_cycle, "cycle");
    buf_printf(b, "\nLayers and passes (one instance; the totals multiply by rep)\n");
    buf_printf(b, "-------------------------------------------------------------\n");
    buf_printf(b, "  %-16s %5s %-9s %-7s %14s %14s %10s %14s %16s %18s %18s\n", "layer", "rep",
               "pass", "mode", "analytic cyc", "cycle cyc", "hazard", "energy pJ", "DRAM bytes",
               "MACs issued", "MACs dense-eq");
    for (int l = 0; l < t->n_layers; l++) {
        const TrainLayerStat *ls = &t->layers[l];
        for (int p = 0; p < PASS__COUNT; p++) {
            const TrainPassStat *s = &ls->pass[p];
            buf_printf(b, "  %-16s %5llu %-9s %-7s %14llu %14llu %10llu %14.6e %16llu %18llu %18llu\n",
                       ls->name, ull(ls->repeat), train_pass_name[p], s->sparse ? t->nm_hw : "dense",
                       ull(s->analytic), cyc ? ull(s->cycle) : 0ULL, cyc ? ull(s->hazard) : 0ULL,
                       s->energy_pj, ull(s->dram_bytes), ull(s->macs_issued), ull(s->macs_dense));
        }
        if (ls->sparse)
            buf_printf(b, "  %-16s %5llu %-9s %-7s %14llu %14llu %10s %14.6e %16s %18s %18s\n",
                       ls->name, ull(ls->repeat), "masks", t->nm, ull(ls->maskgen_exposed_analytic),
                       cyc ? ull(ls->maskgen_exposed_cycle) : 0ULL, "-", ls->maskgen_pj, "-", "-", "-");
    }
}

/* Energy per component (unit or storage level, in the table's order of first use), with
 * its register-file and leakage parts, and the energy per MAC. */
typedef struct {
    const char *name;
    double pj, reg_pj, leak_pj;
} LevelEnergy;

static int energy_levels(const RunReport *r, LevelEnergy *lv, int max)
{
    int n = 0;
    for (int i = 0; i < r->energy->n; i++) {
        const EnergyItem *it = &r->energy->items[i];
        int k = 0;
        while (k < n && strcmp(lv[k].name, it->component) != 0)
            k++;
        if (k == n) {
            if (n == max)
                continue;
            lv[n++] = (LevelEnergy){ it->component, 0, 0, 0 };
        }
        lv[k].pj += it->pj;
        if (strncmp(it->action, "reg_", 4) == 0)
            lv[k].reg_pj += it->pj;
        if (strcmp(it->action, "leak") == 0)
            lv[k].leak_pj += it->pj;
    }
    return n;
}

static void energy_levels_txt(Buf *b, const RunReport *r)
{
    LevelEnergy lv[ENGINE_MAX_ITEMS];
    int n = energy_levels(r, lv, ENGINE_MAX_ITEMS);
    double total = r->energy->total_pj;
    buf_printf(b, "\nEnergy per component (pJ)\n-------------------------\n");
    buf_printf(b, "  %-14s %16s %16s %16s %7s\n", "component", "total", "register file",
               "leakage", "share");
    for (int k = 0; k < n; k++)
        buf_printf(b, "  %-14s %16.6e %16.6e %16.6e %6.2f%%\n", lv[k].name, lv[k].pj, lv[k].reg_pj,
                   lv[k].leak_pj, total > 0 ? 100.0 * lv[k].pj / total : 0.0);
    uint64_t m = macs(r->analytic);
    buf_printf(b, "  pJ per MAC      : %.6g (%llu MACs)\n", m ? total / (double)m : 0.0, ull(m));
}

char *report_stats_txt(const RunReport *r)
{
    const EngineResult *a = r->analytic;
    Buf b = {0};
    const CycleResult *cy = r->cycle && r->cycle->ran ? r->cycle : NULL;
    const char *title = cy ? "einsim statistics (analytic and cycle levels)"
                           : "einsim statistics (analytic level)";
    buf_printf(&b, "%s\n", title);
    for (size_t i = 0; i < strlen(title); i++)
        buf_putc(&b, '=');
    buf_printf(&b, "\n\n");
    buf_printf(&b, "Architecture : %s (%s)\n", r->arch, r->arch_path);
    buf_printf(&b, "Workload     : %s (%s)\n", r->workload, r->workload_path);
    buf_printf(&b, "Mapping      : %s (%s), cascade %s\n\n", r->mapping, r->mapping_path, r->cascade);
    if (!a->feasible) {
        buf_printf(&b, "INFEASIBLE: %s\n", a->reason);
        return buf_take(&b);
    }
    double energy = r->energy->total_pj;
    buf_printf(&b, "Summary\n-------\n");
    buf_printf(&b, "  Cycles          : %llu\n", ull(a->cycles));
    buf_printf(&b, "  Time            : %.6g s at %.6g MHz\n", a->seconds, r->clock_mhz);
    buf_printf(&b, "  Bound           : %s\n", a->bound);
    buf_printf(&b, "  Energy          : %.6e pJ\n", energy);
    buf_printf(&b, "  EDP             : %.6e pJ*s\n", energy * a->seconds);
    buf_printf(&b, "  DRAM traffic    : %llu bytes\n", ull(a->dram_bytes));
    if (r->split && r->split->declared)
        buf_printf(&b, "  DRAM by role    : weights %llu, KV cache %llu, activations %llu bytes\n",
                   ull(r->split->bytes[ROLE_WEIGHT]), ull(r->split->bytes[ROLE_KV_CACHE]),
                   ull(r->split->bytes[ROLE_ACTIVATION]));
    for (int u = 0; u < a->n_units; u++)
        buf_printf(&b, "  Utilization     : %-12s %.4f\n", a->unit_name[u], a->utilization[u]);
    if (r->energy->arch.modelled)
        buf_printf(&b, "  Area            : %.6g mm^2 (on chip)\n", r->energy->arch.total_um2 / 1e6);
    if (cy) {
        uint64_t gap = cy->cycles - a->cycles;
        buf_printf(&b, "\nCycle level\n-----------\n");
        buf_printf(&b, "  Cycles          : %llu (%.6g s), %+.3f %% over analytic\n", ull(cy->cycles),
                   cy->seconds, a->cycles ? 100.0 * (double)gap / (double)a->cycles : 0.0);
        for (int u = 0; u < a->n_units; u++)
            buf_printf(&b, "  Utilization     : %-12s %.4f\n", a->unit_name[u], cy->utilization[u]);
        buf_printf(&b, "  Gap to analytic : %llu cycles = fill/drain %llu + dependency %llu + "
                       "bandwidth/start-up %llu + buffer ports %llu\n", ull(gap), ull(cy->fill_drain),
                   ull(cy->dependency), ull(cy->bandwidth), ull(cy->buffer_bandwidth));
        buf_printf(&b, "  Energy          : %.6e pJ (leakage over the cycle-level time)\n",
                   energy_at_cycles(r->energy, a->cycles, cy->cycles));
        if (r->train)
            buf_printf(&b, "  (training: dependency = accumulator-hazard bubbles from the sparse PE "
                           "timeline; fill/drain = array skew + PE pipeline latency per pass)\n");
        else
            buf_printf(&b, "  Timeline        : %llu steps, %llu simulated, the rest extrapolated from "
                           "the steady state\n", ull(cy->steps_total), ull(cy->steps_simulated));
    }
    if (r->train)
        train_txt(&b, r->train, cy != NULL);
    else {
        buf_printf(&b, "\nFused groups (analytic)\n-----------------------\n");
        buf_printf(&b, "  %-12s %16s %16s %16s %10s %8s %14s %s\n", "group", "compute cyc",
                   "memory cyc", "cycles", "tile", "tiles", "on-chip bytes", "spill");
        for (int g = 0; g < a->n_groups; g++) {
            const GroupStat *s = &a->groups[g];
            buf_printf(&b, "  %-12s %16llu %16llu %16llu %10llu %8llu %14llu %s\n", s->name,
                       ull(s->compute_cycles), ull(s->memory_cycles), ull(s->cycles), ull(s->tile),
                       ull(s->n_tiles), ull(s->footprint_bytes), s->spilled ? "yes" : "no");
        }
    }
    buf_printf(&b, "\nEinsums (cycles each would take alone on its unit; share of total)\n");
    buf_printf(&b, "-------------------------------------------------------------------\n");
    buf_printf(&b, "  %-8s %-10s %18s %7s %20s %16s\n", "einsum", "unit", "cycles", "share", "ops",
               "compute pJ");
    for (int i = 0; i < a->n_einsums; i++) {
        const EinsumStat *e = &a->einsums[i];
        buf_printf(&b, "  %-8s %-10s %18llu %6.1f%% %20llu %16.6e\n", e->name,
                   e->unit ? e->unit : "(view)", ull(e->cycles),
                   a->cycles ? 100.0 * (double)e->cycles / (double)a->cycles : 0.0,
                   ull(total_ops(e)), r->energy->einsum_pj[i]);
    }
    bool masked = false;
    for (int i = 0; i < a->n_einsums; i++)
        masked |= a->einsums[i].density_source != NULL;
    if (masked) {
        buf_printf(&b, "\nMasks (share of each Einsum's items that run; the rest are fully masked)\n");
        buf_printf(&b, "------------------------------------------------------------------------\n");
        buf_printf(&b, "  %-8s %10s  %s\n", "einsum", "density", "source");
        for (int i = 0; i < a->n_einsums; i++)
            if (a->einsums[i].density_source)
                buf_printf(&b, "  %-8s %10.6f  %s\n", a->einsums[i].name, a->einsums[i].density,
                           strcmp(a->einsums[i].density_source, "rules") == 0
                               ? "rules (decided from the mask's indices)"
                               : "workload.density (a data mask; kept steps spread evenly)");
    }
    buf_printf(&b, "\nBuffer traffic (words)\n----------------------\n");
    buf_printf(&b, "  %-14s %-8s %18s %18s %18s %20s\n", "level", "tensor", "reads", "writes",
               "fills", "bytes");
    for (int i = 0; i < a->n_traffic; i++) {
        const TrafficStat *t = &a->traffic[i];
        buf_printf(&b, "  %-14s %-8s %18llu %18llu %18llu %20llu\n", t->level, t->tensor,
                   ull(t->reads), ull(t->writes), ull(t->fills), ull(t->bytes));
    }
    buf_printf(&b, "\nEnergy (pJ)\n-----------\n");
    buf_printf(&b, "  %-24s %20s %16s %7s\n", "component.action", "events", "pJ", "share");
    for (int i = 0; i < r->energy->n; i++) {
        const EnergyItem *it = &r->energy->items[i];
        char key[96];
        snprintf(key, sizeof key, "%s.%s", it->component, it->action);
        buf_printf(&b, "  %-24s %20.6e %16.6e %6.2f%%\n", key, it->count, it->pj,
                   energy > 0 ? 100.0 * it->pj / energy : 0.0);
    }
    energy_levels_txt(&b, r);
    const ArchCost *ac = &r->energy->arch;
    if (ac->modelled) {
        buf_printf(&b, "\nArea (um^2; DRAM is off chip)\n-----------------------------\n");
        buf_printf(&b, "  %-24s %16s %7s\n", "component.part", "um^2", "share");
        for (int i = 0; i < ac->n; i++) {
            char key[96];
            snprintf(key, sizeof key, "%s.%s", ac->items[i].component, ac->items[i].part);
            buf_printf(&b, "  %-24s %16.6e %6.2f%%\n", key, ac->items[i].um2,
                       ac->total_um2 > 0 ? 100.0 * ac->items[i].um2 / ac->total_um2 : 0.0);
        }
        buf_printf(&b, "  %-24s %16.6e\n", "total", ac->total_um2);
    }
    if (!cy)
        buf_printf(&b, "\nThe analytic level has no fill/drain, start-up or stalls; run with\n"
                       "--level both to see them.\n");
    return buf_take(&b);
}

/* "area_um2", "area_breakdown_um2" (when the architecture has an area table) and
 * "roofline": the run's operations (each op of each term once), its operational
 * intensity against DRAM and the architecture's two roofs. Only for feasible runs. */
static void json_area_roofline(Emit *b, const RunReport *r)
{
    const EngineResult *a = r->analytic;
    const ArchCost *ac = &r->energy->arch;
    if (!a->feasible)
        return;
    if (ac->modelled) {
        emit_printf(b, ",\n  \"area_um2\": %.17g,\n  \"area_breakdown_um2\": {", ac->total_um2);
        for (int i = 0; i < ac->n; i++) {
            char key[96];
            snprintf(key, sizeof key, "%s.%s", ac->items[i].component, ac->items[i].part);
            emit_printf(b, "%s\n    ", i ? "," : "");
            emit_json_str(b, key);
            emit_printf(b, ": %.17g", ac->items[i].um2);
        }
        emit_printf(b, "\n  }");
    }
    uint64_t ops = 0;
    for (int i = 0; i < a->n_einsums; i++)
        ops += total_ops(&a->einsums[i]);
    emit_printf(b, ",\n  \"roofline\": { \"ops\": %llu, \"ops_per_s\": %.17g, "
                  "\"ops_per_dram_byte\": %.17g, \"peak_ops_per_s\": %.17g, "
                  "\"dram_bytes_per_s\": %.17g }",
               ull(ops), a->seconds > 0 ? (double)ops / a->seconds : 0.0,
               a->dram_bytes ? (double)ops / (double)a->dram_bytes : 0.0, ac->peak_ops_per_s,
               ac->dram_bytes_per_s);
}

static void attribution_json(Emit *b, const TrainAttribution *a)
{
    emit_printf(b, "{ \"t_dense\": %.17g, \"t\": %.17g, \"ideal_ratio\": %.17g, "
                  "\"dense_layers\": %.17g, \"wg_share\": %.17g, \"maskgen\": %.17g, "
                  "\"imbalance\": %.17g, \"hazards\": %.17g, \"fill_drain\": %.17g, "
                  "\"metadata\": %.17g, \"memory\": %.17g }",
               a->t_dense, a->t, a->ideal_ratio, a->dense_layers, a->wg_share, a->maskgen,
               a->imbalance, a->hazards, a->fill_drain, a->metadata, a->memory);
}

/* "training" (summary, attribution) and "layers" (per layer and pass) of a training run. */
static void train_json(Emit *b, const TrainResult *t, bool cyc)
{
    emit_printf(b, "\n  \"training\": { \"nm\": ");
    emit_json_str(b, t->nm);
    emit_printf(b, ", \"nm_hw\": ");
    emit_json_str(b, t->nm_hw);
    emit_printf(b, ", \"unit\": ");
    emit_json_str(b, t->unit);
    double peak = (double)t->pes * (double)t->lanes;
    emit_printf(b, ",\n    \"cycles_analytic\": %llu, \"dense_cycles_analytic\": %llu, "
                  "\"speedup_analytic\": %.17g,\n    \"hw_utilization_analytic\": %.17g, "
                  "\"effective_throughput_analytic\": %.17g, \"maskgen_cycles\": %llu,\n"
                  "    \"attribution_analytic\": ",
               ull(t->analytic), ull(t->dense_analytic),
               t->analytic ? (double)t->dense_analytic / (double)t->analytic : 0.0,
               t->analytic ? (double)t->macs_issued / (peak * (double)t->analytic) : 0.0,
               t->analytic ? (double)t->macs_dense / (peak * (double)t->analytic) : 0.0,
               ull(t->maskgen_cycles));
    attribution_json(b, &t->attr_analytic);
    if (cyc) {
        emit_printf(b, ",\n    \"cycles_cycle\": %llu, \"dense_cycles_cycle\": %llu, "
                      "\"speedup_cycle\": %.17g,\n    \"hw_utilization_cycle\": %.17g, "
                      "\"effective_throughput_cycle\": %.17g,\n    \"attribution_cycle\": ",
                   ull(t->cycle), ull(t->dense_cycle),
                   t->cycle ? (double)t->dense_cycle / (double)t->cycle : 0.0,
                   t->cycle ? (double)t->macs_issued / (peak * (double)t->cycle) : 0.0,
                   t->cycle ? (double)t->macs_dense / (peak * (double)t->cycle) : 0.0);
        attribution_json(b, &t->attr_cycle);
    }
    emit_printf(b, " },\n  \"layers\": [");
    for (int l = 0; l < t->n_layers; l++) {
        const TrainLayerStat *ls = &t->layers[l];
        emit_printf(b, "%s\n    { \"name\": ", l ? "," : "");
        emit_json_str(b, ls->name);
        emit_printf(b, ", \"repeat\": %llu, \"prunable\": %s, \"sparse\": %s, "
                      "\"cycles_analytic\": %llu, \"cycles_cycle\": %llu, \"energy_pj\": %.17g, "
                      "\"maskgen_cycles\": %llu, \"maskgen_energy_pj\": %.17g, \"passes\": [",
                   ull(ls->repeat), ls->prunable ? "true" : "false", ls->sparse ? "true" : "false",
                   ull(ls->analytic), cyc ? ull(ls->cycle) : 0ULL, ls->energy_pj,
                   ull(ls->maskgen_cycles), ls->maskgen_pj);
        for (int p = 0; p < PASS__COUNT; p++) {
            const TrainPassStat *s = &ls->pass[p];
            emit_printf(b, "%s\n      { \"pass\": \"%s\", \"mode\": \"%s\", \"rows\": %llu, "
                          "\"cols\": %llu, \"reduction\": %llu, \"cycles_analytic\": %llu, "
                          "\"cycles_cycle\": %llu, \"compute\": %llu, \"metadata\": %llu, "
                          "\"memory\": %llu, \"hazard\": %llu, \"fill_drain\": %llu, "
                          "\"macs_issued\": %llu, \"macs_dense\": %llu, \"dram_bytes\": %llu, "
                          "\"meta_bits\": %llu, \"energy_pj\": %.17g }",
                       p ? "," : "", train_pass_name[p], s->sparse ? t->nm_hw : "dense",
                       ull(s->rows), ull(s->cols), ull(s->red), ull(s->analytic),
                       cyc ? ull(s->cycle) : 0ULL, ull(s->compute), ull(s->meta), ull(s->memory),
                       cyc ? ull(s->hazard) : 0ULL, cyc ? ull(s->fill) : 0ULL,
                       ull(s->macs_issued), ull(s->macs_dense), ull(s->dram_bytes),
                       ull(s->meta_bits), s->energy_pj);
        }
        emit_printf(b, " ] }");
    }
    emit_printf(b, "\n  ]");
}

char *report_stats_json(const RunReport *r, char *bad)
{
    const EngineResult *a = r->analytic;
    Emit b = { 0 };
    emit_printf(&b, "{\n  \"version\": \"%s\",\n  \"feasible\": %s,\n  \"infeasible_reason\": ",
                einsim_version(), a->feasible ? "true" : "false");
    if (a->feasible)
        emit_printf(&b, "null");
    else
        emit_json_str(&b, a->reason);
    emit_printf(&b, ",\n  \"arch\": ");
    emit_json_str(&b, r->arch);
    emit_printf(&b, ",\n  \"workload\": ");
    emit_json_str(&b, r->workload);
    emit_printf(&b, ",\n  \"mapping\": ");
    emit_json_str(&b, r->mapping);
    emit_printf(&b, ",\n  \"cascade\": ");
    emit_json_str(&b, r->cascade);
    double energy = a->feasible ? r->energy->total_pj : 0;
    emit_printf(&b, ",\n  \"analytic\": {\n    \"cycles\": %llu,\n    \"seconds\": %.17g,\n"
                   "    \"energy_pj\": %.17g,\n    \"edp_pj_s\": %.17g,\n    \"dram_bytes\": %llu,\n"
                   "    \"utilization\": {", ull(a->cycles), a->seconds, energy, energy * a->seconds,
               ull(a->dram_bytes));
    for (int u = 0; u < a->n_units; u++) {
        emit_printf(&b, "%s ", u ? "," : "");
        emit_json_str(&b, a->unit_name[u]);
        emit_printf(&b, ": %.17g", a->utilization[u]);
    }
    emit_printf(&b, " },\n    \"bound\": ");
    emit_json_str(&b, a->feasible ? a->bound : "");
    if (r->split && r->split->declared)
        emit_printf(&b, ",\n    \"dram_bytes_by_role\": { \"weights\": %llu, \"kv_cache\": %llu, "
                       "\"activations\": %llu }", ull(r->split->bytes[ROLE_WEIGHT]),
                    ull(r->split->bytes[ROLE_KV_CACHE]), ull(r->split->bytes[ROLE_ACTIVATION]));
    emit_printf(&b, "\n  },");
    const CycleResult *cy = r->cycle && r->cycle->ran ? r->cycle : NULL;
    if (cy) {
        emit_printf(&b, "\n  \"cycle\": {\n    \"cycles\": %llu,\n    \"seconds\": %.17g,\n"
                       "    \"energy_pj\": %.17g,\n    \"edp_pj_s\": %.17g,\n    \"dram_bytes\": %llu,\n"
                       "    \"utilization\": {", ull(cy->cycles), cy->seconds,
                   energy_at_cycles(r->energy, a->cycles, cy->cycles),
                   energy_at_cycles(r->energy, a->cycles, cy->cycles) * cy->seconds, ull(a->dram_bytes));
        for (int u = 0; u < a->n_units; u++) {
            emit_printf(&b, "%s ", u ? "," : "");
            emit_json_str(&b, a->unit_name[u]);
            emit_printf(&b, ": %.17g", cy->utilization[u]);
        }
        emit_printf(&b, " },\n    \"bound\": ");
        emit_json_str(&b, a->bound);
        emit_printf(&b, ",\n    \"stall_cycles\": { \"fill_drain\": %llu, \"bandwidth\": %llu, "
                       "\"dependency\": %llu, \"buffer_bandwidth\": %llu },\n    \"steps\": %llu,\n"
                       "    \"steps_simulated\": %llu\n  },",
                   ull(cy->fill_drain), ull(cy->bandwidth), ull(cy->dependency),
                   ull(cy->buffer_bandwidth), ull(cy->steps_total), ull(cy->steps_simulated));
    }
    emit_printf(&b, "\n  \"groups\": [");
    for (int g = 0; g < a->n_groups; g++) {
        const GroupStat *s = &a->groups[g];
        emit_printf(&b, "%s\n    { \"name\": ", g ? "," : "");
        emit_json_str(&b, s->name);
        emit_printf(&b, ", \"compute_cycles\": %llu, \"memory_cycles\": %llu, \"cycles\": %llu, "
                       "\"dram_bytes\": %llu, \"tile\": %llu, \"tiles\": %llu, "
                       "\"footprint_bytes\": %llu, \"spilled\": %s }",
                   ull(s->compute_cycles), ull(s->memory_cycles), ull(s->cycles),
                   ull(s->dram_bytes), ull(s->tile), ull(s->n_tiles), ull(s->footprint_bytes),
                   s->spilled ? "true" : "false");
    }
    emit_printf(&b, "\n  ],\n  \"traffic\": [");
    for (int i = 0; i < a->n_traffic; i++) {
        const TrafficStat *t = &a->traffic[i];
        emit_printf(&b, "%s\n    { \"level\": ", i ? "," : "");
        emit_json_str(&b, t->level);
        emit_printf(&b, ", \"tensor\": ");
        emit_json_str(&b, t->tensor);
        emit_printf(&b, ", \"reads\": %llu, \"writes\": %llu, \"fills\": %llu, \"bytes\": %llu }",
                   ull(t->reads), ull(t->writes), ull(t->fills), ull(t->bytes));
    }
    emit_printf(&b, "\n  ],\n  \"energy_breakdown_pj\": {");
    for (int i = 0; a->feasible && i < r->energy->n; i++) {
        const EnergyItem *it = &r->energy->items[i];
        char key[96];
        snprintf(key, sizeof key, "%s.%s", it->component, it->action);
        emit_printf(&b, "%s\n    ", i ? "," : "");
        emit_json_str(&b, key);
        emit_printf(&b, ": %.17g", it->pj);
    }
    emit_printf(&b, "\n  },\n  \"energy_per_component_pj\": {");
    if (a->feasible) {
        LevelEnergy lv[ENGINE_MAX_ITEMS];
        int nl = energy_levels(r, lv, ENGINE_MAX_ITEMS);
        double reg = 0, leak = 0;
        for (int k = 0; k < nl; k++) {
            emit_printf(&b, "%s\n    ", k ? "," : "");
            emit_json_str(&b, lv[k].name);
            emit_printf(&b, ": %.17g", lv[k].pj);
            reg += lv[k].reg_pj;
            leak += lv[k].leak_pj;
        }
        uint64_t nm = macs(a);
        emit_printf(&b, "\n  },\n  \"register_file_pj\": %.17g,\n  \"leakage_pj\": %.17g,\n"
                       "  \"pj_per_mac\": %.17g", reg, leak, nm ? r->energy->total_pj / (double)nm : 0.0);
    } else {
        emit_printf(&b, "\n  },\n  \"register_file_pj\": 0,\n  \"leakage_pj\": 0,\n  \"pj_per_mac\": 0");
    }
    emit_printf(&b, ",\n  \"einsums\": [");
    for (int i = 0; i < a->n_einsums; i++) {
        const EinsumStat *e = &a->einsums[i];
        emit_printf(&b, "%s\n    { \"name\": ", i ? "," : "");
        emit_json_str(&b, e->name);
        emit_printf(&b, ", \"unit\": ");
        if (e->unit)
            emit_json_str(&b, e->unit);
        else
            emit_printf(&b, "null");
        emit_printf(&b, ", \"cycles\": %llu, \"ops\": %llu, \"energy_pj\": %.17g", ull(e->cycles),
                   ull(total_ops(e)), a->feasible ? r->energy->einsum_pj[i] : 0.0);
        if (e->density_source) {
            emit_printf(&b, ", \"density\": %.17g, \"density_source\": ", e->density);
            emit_json_str(&b, e->density_source);
        }
        emit_printf(&b, " }");
    }
    uint64_t m = macs(a);
    if (r->train && a->feasible) {
        emit_printf(&b, "\n  ],");
        train_json(&b, r->train, cy != NULL);
    } else {
        emit_printf(&b, "\n  ]");
    }
    emit_printf(&b, ",\n  \"macs\": { \"issued\": %llu, \"dense_equivalent\": %llu }",
               ull(m), ull(a->macs_dense_equivalent ? a->macs_dense_equivalent : m));
    json_area_roofline(&b, r);
    emit_printf(&b, "\n}\n");
    return emit_take(&b, bad);
}

uint64_t report_seq_of(const WorkloadSpec *w)
{
    if (!w || !w->kind || strcmp(w->kind, "attention") != 0)
        return 0;
    for (int i = 0; i < w->n_ranks; i++)
        if (strcmp(w->ranks[i].name, "M") == 0)
            return w->ranks[i].size;
    return 0;
}

char *report_csv_header(void)
{
    return xstrdup("workload,seq,arch,mapping,feasible,cycles,seconds,energy_pj,edp_pj_s,"
                   "dram_bytes,bound,unit_1,util_1,unit_2,util_2,cycle_cycles,cycle_seconds,"
                   "area_um2,reason\n");
}


char *report_csv_row(const RunReport *r, char *bad)
{
    const EngineResult *a = r->analytic;
    double energy = a->feasible ? r->energy->total_pj : 0;
    Emit b = { 0 };
    emit_csv_field(&b, r->workload);
    emit_printf(&b, ",");
    if (r->seq)
        emit_printf(&b, "%llu", ull(r->seq));
    emit_printf(&b, ",");
    emit_csv_field(&b, r->arch);
    emit_printf(&b, ",");
    emit_csv_field(&b, r->mapping);
    emit_printf(&b, ",%d,%llu,%.17g,%.17g,%.17g,%llu,%s", a->feasible, ull(a->cycles), a->seconds,
                energy, energy * a->seconds, ull(a->dram_bytes), a->feasible ? a->bound : "");
    for (int u = 0; u < 2; u++) {
        emit_printf(&b, ",");
        if (u < a->n_units) {
            emit_csv_field(&b, a->unit_name[u]);
            emit_printf(&b, ",%.6f", a->utilization[u]);
        } else {
            emit_printf(&b, ",");
        }
    }
    if (r->cycle && r->cycle->ran)
        emit_printf(&b, ",%llu,%.17g,", ull(r->cycle->cycles), r->cycle->seconds);
    else
        emit_printf(&b, ",,,");
    if (a->feasible && r->energy->arch.modelled)
        emit_printf(&b, "%.17g", r->energy->arch.total_um2);
    emit_printf(&b, ",");
    emit_csv_field(&b, a->feasible ? "" : a->reason);
    emit_printf(&b, "\n");
    return emit_take(&b, bad);
}
