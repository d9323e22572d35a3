/* report.h — text, JSON and CSV renderings of one evaluation.
 *
 * Reports only format what the engine and the energy module computed; they compute no
 * model results. Every number is printed in a fixed order with a fixed format, so the
 * same inputs give byte-identical files (wall time and host go elsewhere). */
#ifndef EINSIM_REPORT_H
#define EINSIM_REPORT_H

#include "energy/energy.h"
#include "engine/engine.h"
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
    const struct TrainResult *train;  /* training workloads: per layer and pass (else NULL) */
} RunReport;

/* Each returns a new NUL-terminated string owned by the caller. The JSON and the CSV row
 * are written by the one writer of util/emit.h: a number that is not finite makes them
 * return NULL with its field in bad (EMIT_FIELD_MAX bytes). */
char *report_stats_txt(const RunReport *r);
char *report_stats_json(const RunReport *r, char *bad);
/* The CSV header line and one row (both end with a newline). */
char *report_csv_header(void);
char *report_csv_row(const RunReport *r, char *bad);

#endif
