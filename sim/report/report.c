/* report.c — stats.txt (Timeloop-like), stats.json (keys in sim/report/README.md) and CSV rows. */
#include "report/report.h"

#include <inttypes.h>
#include <string.h>

#include "run/run.h"
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


/* stats.txt section of a layer list: every layer (one instance) at both levels, and its
 * mapping groups' analytic cycles. */
static void layers_txt(Buf *b, const LayersResult *t, const EngineResult *a, bool cyc)
{
    buf_printf(b, "\nLayers (one instance; the totals multiply by rep)\n");
    buf_printf(b, "-------------------------------------------------\n");
    buf_printf(b, "  %-16s %5s %-6s %14s %14s", "layer", "rep", "N:M", "analytic cyc", "cycle cyc");
    for (int g = 0; g < a->n_groups && g < RUN_LAYER_GROUPS; g++)
        buf_printf(b, " %16s", a->groups[g].name);
    buf_printf(b, "\n");
    for (int l = 0; l < t->n_layers; l++) {
        const LayerRun *ls = &t->layers[l];
        buf_printf(b, "  %-16s %5llu %-6s %14llu %14llu", ls->name, ull(ls->repeat),
                   ls->sparse ? "sparse" : "dense", ull(ls->analytic), cyc ? ull(ls->cycle) : 0ULL);
        for (int g = 0; g < ls->n_groups; g++)
            buf_printf(b, " %16llu", ull(ls->group_cycles[g]));
        buf_printf(b, "\n");
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


/* What an Einsum's density_source means, for stats.txt. */
static const char *source_text(const char *src)
{
    return strcmp(src, "rules") == 0 ? "rules (decided from the mask's indices)"
         : strcmp(src, "workload.density") == 0 ? "workload.density (a data mask; kept steps spread evenly)"
         : strcmp(src, "routing k/H") == 0 ? "routing k/H (the router's topk keeps k of H heads per token)"
         : "workload.density (routed heads: kept (head, block) items gathered)";
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

/* The energy of one LevelUse: a storage level's every action (leakage too), a unit's PE
 * registers' reg_read and reg_write. */
static double level_pj(const LevelUse *lu, const LevelEnergy *lv, int n)
{
    for (int k = 0; k < n; k++)
        if (strcmp(lv[k].name, lu->level) == 0)
            return lu->regfile ? lv[k].reg_pj : lv[k].pj;
    return 0;
}

/* The per-level section, Timeloop's view: per level and data space the words read,
 * filled and updated (einsim's writes) and their energy; per level its energy and
 * capacity use; the totals. Names are stats.json's keys. */
static void per_level_txt(Buf *b, const RunReport *r)
{
    const EngineResult *a = r->analytic;
    const EnergyReport *er = r->energy;
    buf_printf(b, "\nPer level (Timeloop's names; words, pJ)\n---------------------------------------\n");
    buf_printf(b, "  %-14s %-8s %18s %18s %18s %16s\n", "level", "tensor", "reads", "fills",
               "updates", "energy_pj");
    for (int k = 0; k < 2; k++) {
        const TrafficStat *rows = k ? a->reg_traffic : a->traffic;
        const double *pj = k ? er->reg_traffic_pj : er->traffic_pj;
        for (int i = 0; i < (k ? a->n_reg_traffic : a->n_traffic); i++)
            buf_printf(b, "  %-14s %-8s %18llu %18llu %18llu %16.6e\n", rows[i].level, rows[i].tensor,
                       ull(rows[i].reads), ull(rows[i].fills), ull(rows[i].writes), pj[i]);
    }
    LevelEnergy lv[ENGINE_MAX_ITEMS];
    int n = energy_levels(r, lv, ENGINE_MAX_ITEMS);
    buf_printf(b, "\n  %-14s %-12s %16s %16s %16s %12s\n", "level", "kind", "energy_pj",
               "capacity_bytes", "used_bytes", "utilization");
    for (int i = 0; i < a->n_levels; i++) {
        const LevelUse *lu = &a->levels[i];
        char cap[32] = "-", used[32] = "-", util[32] = "-";
        if (lu->capacity_bytes)
            snprintf(cap, sizeof cap, "%llu", ull(lu->capacity_bytes));
        if (lu->tracked)
            snprintf(used, sizeof used, "%llu", ull(lu->used_bytes));
        if (lu->tracked && lu->capacity_bytes)
            snprintf(util, sizeof util, "%.4f", lu->utilization);
        buf_printf(b, "  %-14s %-12s %16.6e %16s %16s %12s\n", lu->level,
                   lu->regfile ? "PE registers" : "storage", level_pj(lu, lv, n), cap, used, util);
    }
    uint64_t m = macs(a);
    buf_printf(b, "\n  energy_pj       : %.6e\n  macs            : %llu\n  pj_per_mac      : %.6g\n"
                  "  edp_pj_s        : %.6e\n", er->total_pj, ull(m),
               m ? er->total_pj / (double)m : 0.0, er->total_pj * a->seconds);
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
        buf_printf(&b, "  Timeline        : %llu steps, %llu simulated, the rest extrapolated from "
                       "the steady state\n", ull(cy->steps_total), ull(cy->steps_simulated));
    }
    if (r->layers)
        layers_txt(&b, r->layers, a, cy != NULL);
    {
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
                           source_text(a->einsums[i].density_source));
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
    per_level_txt(&b, r);
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

/* "layers" of a layer list: every layer (one instance), its groups' analytic cycles. */
static void layers_json(Emit *b, const LayersResult *t, const EngineResult *a, bool cyc)
{
    emit_printf(b, "\n  \"layers\": [");
    for (int l = 0; l < t->n_layers; l++) {
        const LayerRun *ls = &t->layers[l];
        emit_printf(b, "%s\n    { \"name\": ", l ? "," : "");
        emit_json_str(b, ls->name);
        emit_printf(b, ", \"repeat\": %llu, \"sparse\": %s, \"cycles_analytic\": %llu, "
                      "\"cycles_cycle\": %llu, \"groups\": [", ull(ls->repeat),
                   ls->sparse ? "true" : "false", ull(ls->analytic), cyc ? ull(ls->cycle) : 0ULL);
        for (int g = 0; g < ls->n_groups && g < a->n_groups; g++) {
            emit_printf(b, "%s{ \"name\": ", g ? ", " : " ");
            emit_json_str(b, a->groups[g].name);
            emit_printf(b, ", \"cycles\": %llu, \"compute_cycles\": %llu, \"macs\": %llu }",
                       ull(ls->group_cycles[g]), ull(ls->group_compute[g]), ull(ls->group_macs[g]));
        }
        emit_printf(b, " ] }");
    }
    emit_printf(b, "\n  ]");
}

/* "levels": per_level_txt's numbers, under the same names. */
static void per_level_json(Emit *b, const RunReport *r)
{
    const EngineResult *a = r->analytic;
    const EnergyReport *er = r->energy;
    LevelEnergy lv[ENGINE_MAX_ITEMS];
    int n = a->feasible ? energy_levels(r, lv, ENGINE_MAX_ITEMS) : 0;
    emit_printf(b, "\n  \"levels\": [");
    for (int i = 0; a->feasible && i < a->n_levels; i++) {
        const LevelUse *lu = &a->levels[i];
        emit_printf(b, "%s\n    { \"level\": ", i ? "," : "");
        emit_json_str(b, lu->level);
        emit_printf(b, ", \"kind\": \"%s\", \"energy_pj\": %.17g, \"capacity_bytes\": ",
                    lu->regfile ? "PE registers" : "storage", level_pj(lu, lv, n));
        if (lu->capacity_bytes)
            emit_printf(b, "%llu", ull(lu->capacity_bytes));
        else
            emit_printf(b, "null");
        if (lu->tracked)
            emit_printf(b, ", \"used_bytes\": %llu", ull(lu->used_bytes));
        else
            emit_printf(b, ", \"used_bytes\": null");
        if (lu->tracked && lu->capacity_bytes)
            emit_printf(b, ", \"utilization\": %.17g", lu->utilization);
        else
            emit_printf(b, ", \"utilization\": null");
        emit_printf(b, ",\n      \"dataspaces\": [");
        int shown = 0;
        for (int k = 0; k < 2; k++) {
            const TrafficStat *rows = k ? a->reg_traffic : a->traffic;
            const double *pj = k ? er->reg_traffic_pj : er->traffic_pj;
            for (int j = 0; j < (k ? a->n_reg_traffic : a->n_traffic); j++) {
                if ((k == 1) != lu->regfile || strcmp(rows[j].level, lu->level) != 0)
                    continue;
                emit_printf(b, "%s\n        { \"tensor\": ", shown++ ? "," : "");
                emit_json_str(b, rows[j].tensor);
                emit_printf(b, ", \"reads\": %llu, \"fills\": %llu, \"updates\": %llu, "
                               "\"energy_pj\": %.17g }", ull(rows[j].reads), ull(rows[j].fills),
                            ull(rows[j].writes), pj[j]);
            }
        }
        emit_printf(b, " ] }");
    }
    emit_printf(b, "\n  ],");
    uint64_t m = macs(a);
    double e = a->feasible ? er->total_pj : 0;
    emit_printf(b, "\n  \"level_totals\": { \"energy_pj\": %.17g, \"macs\": %llu, "
                   "\"pj_per_mac\": %.17g, \"edp_pj_s\": %.17g }",
                e, ull(m), m ? e / (double)m : 0.0, e * a->seconds);
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
    emit_printf(&b, "\n  ],");
    per_level_json(&b, r);
    emit_printf(&b, ",\n  \"energy_breakdown_pj\": {");
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
    if (r->layers && a->feasible) {
        emit_printf(&b, "\n  ],");
        layers_json(&b, r->layers, a, cy != NULL);
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
