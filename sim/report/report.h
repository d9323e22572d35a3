/* report.h — text, JSON and CSV renderings of one evaluation.
 *
 * Reports only format what the engine and the energy module computed; they compute no
 * model results. Every number is printed in a fixed order with a fixed format, so the
 * same inputs give byte-identical files (wall time and host go elsewhere). */
#ifndef EINSIM_REPORT_H
#define EINSIM_REPORT_H

#include "energy/energy.h"
#include "engine/engine.h"
#include "run/run.h"
#include "util/emit.h"

typedef struct RunReport {
    const char *arch, *arch_path;
    const char *workload, *workload_path;
    const char *mapping, *mapping_path;
    const char *cascade;
    double clock_mhz;
    const EngineResult *analytic;
    const CycleResult *cycle;  /* NULL when only the analytic level ran */
    const EnergyReport *energy;
    const struct LayersResult *layers; /* layer lists: every layer (else NULL) */
    uint64_t seq;              /* attention: the sequence length (report_seq_of), else 0 */
    const DramSplit *split;    /* NULL, or the DRAM bytes by role (printed when declared) */
} RunReport;

/* The sequence length of an attention workload (its rank M), else 0. */
uint64_t report_seq_of(const WorkloadSpec *w);

/* Each returns a new NUL-terminated string owned by the caller. The JSON and the CSV row
 * are written by the one writer of util/emit.h: a number that is not finite makes them
 * return NULL with its field in bad (EMIT_FIELD_MAX bytes). */
char *report_stats_txt(const RunReport *r);
char *report_stats_json(const RunReport *r, char *bad);
/* The CSV header line and one row (both end with a newline). One column set, shared by
 * stats.csv, compare.csv (which appends speedup, energy_ratio, run_dir) and sweep.csv
 * (which puts point and the axis columns first); every cell of a number column is a bare
 * number or empty (not applicable), text cells are bare or double-quoted:
 *   workload, seq (attention; empty otherwise), arch, mapping, feasible (1/0), cycles,
 *   seconds, energy_pj, edp_pj_s, dram_bytes, bound, unit_1, util_1, unit_2, util_2
 *   (the first two compute units and their analytic utilisation, 0..1), cycle_cycles,
 *   cycle_seconds (empty without the cycle level), area_um2 (empty without an area
 *   table), reason (why infeasible; empty when feasible). */
char *report_csv_header(void);
char *report_csv_row(const RunReport *r, char *bad);

#endif
