/* report.c — stats.txt (Timeloop-like), stats.json (DESIGN §9 keys) and CSV rows. */
#include "report/report.h"

#include <inttypes.h>
#include <string.h>

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
                       "bandwidth/start-up %llu\n", ull(gap), ull(cy->fill_drain),
                   ull(cy->dependency), ull(cy->bandwidth));
        buf_printf(&b, "  Timeline        : %llu steps, %llu simulated, the rest extrapolated from "
                       "the steady state\n", ull(cy->steps_total), ull(cy->steps_simulated));
    }
    buf_printf(&b, "\nFused groups (analytic)\n-----------------------\n");
    buf_printf(&b, "  %-12s %16s %16s %16s %10s %8s %14s %s\n", "group", "compute cyc",
               "memory cyc", "cycles", "tile", "tiles", "on-chip bytes", "spill");
    for (int g = 0; g < a->n_groups; g++) {
        const GroupStat *s = &a->groups[g];
        buf_printf(&b, "  %-12s %16llu %16llu %16llu %10llu %8llu %14llu %s\n", s->name,
                   ull(s->compute_cycles), ull(s->memory_cycles), ull(s->cycles), ull(s->tile),
                   ull(s->n_tiles), ull(s->footprint_bytes), s->spilled ? "yes" : "no");
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

static void json_str(Buf *b, const char *s)
{
    buf_putc(b, '"');
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            buf_printf(b, "\\%c", ch);
        else if (ch < 0x20)
            buf_printf(b, "\\u%04x", ch);
        else
            buf_putc(b, (char)ch);
    }
    buf_putc(b, '"');
}

/* "area_um2", "area_breakdown_um2" (when the architecture has an area table) and
 * "roofline": the run's operations (each op of each term once), its operational
 * intensity against DRAM and the architecture's two roofs. Only for feasible runs. */
static void json_area_roofline(Buf *b, const RunReport *r)
{
    const EngineResult *a = r->analytic;
    const ArchCost *ac = &r->energy->arch;
    if (!a->feasible)
        return;
    if (ac->modelled) {
        buf_printf(b, ",\n  \"area_um2\": %.17g,\n  \"area_breakdown_um2\": {", ac->total_um2);
        for (int i = 0; i < ac->n; i++) {
            char key[96];
            snprintf(key, sizeof key, "%s.%s", ac->items[i].component, ac->items[i].part);
            buf_printf(b, "%s\n    ", i ? "," : "");
            json_str(b, key);
            buf_printf(b, ": %.17g", ac->items[i].um2);
        }
        buf_printf(b, "\n  }");
    }
    uint64_t ops = 0;
    for (int i = 0; i < a->n_einsums; i++)
        ops += total_ops(&a->einsums[i]);
    buf_printf(b, ",\n  \"roofline\": { \"ops\": %llu, \"ops_per_s\": %.17g, "
                  "\"ops_per_dram_byte\": %.17g, \"peak_ops_per_s\": %.17g, "
                  "\"dram_bytes_per_s\": %.17g }",
               ull(ops), a->seconds > 0 ? (double)ops / a->seconds : 0.0,
               a->dram_bytes ? (double)ops / (double)a->dram_bytes : 0.0, ac->peak_ops_per_s,
               ac->dram_bytes_per_s);
}

char *report_stats_json(const RunReport *r)
{
    const EngineResult *a = r->analytic;
    Buf b = {0};
    buf_printf(&b, "{\n  \"feasible\": %s,\n  \"infeasible_reason\": ", a->feasible ? "true" : "false");
    if (a->feasible)
        buf_printf(&b, "null");
    else
        json_str(&b, a->reason);
    buf_printf(&b, ",\n  \"arch\": ");
    json_str(&b, r->arch);
    buf_printf(&b, ",\n  \"workload\": ");
    json_str(&b, r->workload);
    buf_printf(&b, ",\n  \"mapping\": ");
    json_str(&b, r->mapping);
    buf_printf(&b, ",\n  \"cascade\": ");
    json_str(&b, r->cascade);
    double energy = a->feasible ? r->energy->total_pj : 0;
    buf_printf(&b, ",\n  \"analytic\": {\n    \"cycles\": %llu,\n    \"seconds\": %.17g,\n"
                   "    \"energy_pj\": %.17g,\n    \"edp_pj_s\": %.17g,\n    \"dram_bytes\": %llu,\n"
                   "    \"utilization\": {", ull(a->cycles), a->seconds, energy, energy * a->seconds,
               ull(a->dram_bytes));
    for (int u = 0; u < a->n_units; u++) {
        buf_printf(&b, "%s ", u ? "," : "");
        json_str(&b, a->unit_name[u]);
        buf_printf(&b, ": %.17g", a->utilization[u]);
    }
    buf_printf(&b, " },\n    \"bound\": ");
    json_str(&b, a->feasible ? a->bound : "");
    buf_printf(&b, "\n  },");
    const CycleResult *cy = r->cycle && r->cycle->ran ? r->cycle : NULL;
    if (cy) {
        buf_printf(&b, "\n  \"cycle\": {\n    \"cycles\": %llu,\n    \"seconds\": %.17g,\n"
                       "    \"energy_pj\": %.17g,\n    \"edp_pj_s\": %.17g,\n    \"dram_bytes\": %llu,\n"
                       "    \"utilization\": {", ull(cy->cycles), cy->seconds, energy,
                   energy * cy->seconds, ull(a->dram_bytes));
        for (int u = 0; u < a->n_units; u++) {
            buf_printf(&b, "%s ", u ? "," : "");
            json_str(&b, a->unit_name[u]);
            buf_printf(&b, ": %.17g", cy->utilization[u]);
        }
        buf_printf(&b, " },\n    \"bound\": ");
        json_str(&b, a->bound);
        buf_printf(&b, ",\n    \"stall_cycles\": { \"fill_drain\": %llu, \"bandwidth\": %llu, "
                       "\"dependency\": %llu },\n    \"steps\": %llu,\n    \"steps_simulated\": %llu\n  },",
                   ull(cy->fill_drain), ull(cy->bandwidth), ull(cy->dependency),
                   ull(cy->steps_total), ull(cy->steps_simulated));
    }
    buf_printf(&b, "\n  \"groups\": [");
    for (int g = 0; g < a->n_groups; g++) {
        const GroupStat *s = &a->groups[g];
        buf_printf(&b, "%s\n    { \"name\": ", g ? "," : "");
        json_str(&b, s->name);
        buf_printf(&b, ", \"compute_cycles\": %llu, \"memory_cycles\": %llu, \"cycles\": %llu, "
                       "\"dram_bytes\": %llu, \"tile\": %llu, \"tiles\": %llu, "
                       "\"footprint_bytes\": %llu, \"spilled\": %s }",
                   ull(s->compute_cycles), ull(s->memory_cycles), ull(s->cycles),
                   ull(s->dram_bytes), ull(s->tile), ull(s->n_tiles), ull(s->footprint_bytes),
                   s->spilled ? "true" : "false");
    }
    buf_printf(&b, "\n  ],\n  \"traffic\": [");
    for (int i = 0; i < a->n_traffic; i++) {
        const TrafficStat *t = &a->traffic[i];
        buf_printf(&b, "%s\n    { \"level\": ", i ? "," : "");
        json_str(&b, t->level);
        buf_printf(&b, ", \"tensor\": ");
        json_str(&b, t->tensor);
        buf_printf(&b, ", \"reads\": %llu, \"writes\": %llu, \"fills\": %llu, \"bytes\": %llu }",
                   ull(t->reads), ull(t->writes), ull(t->fills), ull(t->bytes));
    }
    buf_printf(&b, "\n  ],\n  \"energy_breakdown_pj\": {");
    for (int i = 0; a->feasible && i < r->energy->n; i++) {
        const EnergyItem *it = &r->energy->items[i];
        char key[96];
        snprintf(key, sizeof key, "%s.%s", it->component, it->action);
        buf_printf(&b, "%s\n    ", i ? "," : "");
        json_str(&b, key);
        buf_printf(&b, ": %.17g", it->pj);
    }
    buf_printf(&b, "\n  },\n  \"einsums\": [");
    for (int i = 0; i < a->n_einsums; i++) {
        const EinsumStat *e = &a->einsums[i];
        buf_printf(&b, "%s\n    { \"name\": ", i ? "," : "");
        json_str(&b, e->name);
        buf_printf(&b, ", \"unit\": ");
        if (e->unit)
            json_str(&b, e->unit);
        else
            buf_printf(&b, "null");
        buf_printf(&b, ", \"cycles\": %llu, \"ops\": %llu, \"energy_pj\": %.17g }", ull(e->cycles),
                   ull(total_ops(e)), a->feasible ? r->energy->einsum_pj[i] : 0.0);
    }
    uint64_t m = macs(a);
    buf_printf(&b, "\n  ],\n  \"macs\": { \"issued\": %llu, \"dense_equivalent\": %llu }",
               ull(m), ull(m));
    json_area_roofline(&b, r);
    buf_printf(&b, "\n}\n");
    return buf_take(&b);
}

char *report_csv_header(void)
{
    return xstrdup("arch,workload,mapping,feasible,cycles,seconds,energy_pj,edp_pj_s,dram_bytes,"
                   "bound,util_1,util_2,cycle_cycles,cycle_seconds,reason,area_um2\n");
}

char *report_csv_row(const RunReport *r)
{
    const EngineResult *a = r->analytic;
    double energy = a->feasible ? r->energy->total_pj : 0;
    Buf b = {0};
    buf_printf(&b, "%s,%s,%s,%d,%llu,%.17g,%.17g,%.17g,%llu,%s,", r->arch, r->workload,
               r->mapping, a->feasible, ull(a->cycles), a->seconds, energy, energy * a->seconds,
               ull(a->dram_bytes), a->feasible ? a->bound : "");
    for (int u = 0; u < 2; u++) {
        if (u < a->n_units)
            buf_printf(&b, "%s=%.6f", a->unit_name[u], a->utilization[u]);
        buf_putc(&b, ',');
    }
    if (r->cycle && r->cycle->ran)
        buf_printf(&b, "%llu,%.17g,", ull(r->cycle->cycles), r->cycle->seconds);
    else
        buf_printf(&b, ",,");
    /* The reason is quoted (it may contain commas); quotes inside are doubled. */
    buf_putc(&b, '"');
    for (const char *s = a->feasible ? "" : a->reason; *s; s++) {
        if (*s == '"')
            buf_putc(&b, '"');
        buf_putc(&b, *s);
    }
    buf_putc(&b, '"');
    /* Appended last so consumers of the older columns keep working. */
    buf_putc(&b, ',');
    if (a->feasible && r->energy->arch.modelled)
        buf_printf(&b, "%.17g", r->energy->arch.total_um2);
    buf_putc(&b, '\n');
    return buf_take(&b);
}
