/* commands.h — the commands that evaluate and present: `einsim run`, `einsim compare` and
 * `einsim train-compare` load and evaluate their inputs through sim/run, then format the
 * results (report.h) on stdout and into their output directory; `einsim report` draws
 * plots and a page from what runs wrote (reportgen.h). */
#ifndef EINSIM_REPORT_COMMANDS_H
#define EINSIM_REPORT_COMMANDS_H

#include <stdbool.h>

#include "report/report.h"
#include "run/run.h"

/* `einsim run`: prints stats.txt; with outdir, writes the run directory
 * (report_write_run_dir). OUTCOME_INFEASIBLE when the mapping does not fit. */
typedef struct {
    const char *arch, *workload, *mapping;
    const char *outdir;        /* NULL: stdout only */
    bool cycle_level;
    Overrides ov;
} RunCommand;
Outcome report_run(const RunCommand *c, Diag *d);

/* `einsim compare`: every (arch[i], mapping[i]) pair on every workload and sequence
 * length (workload.seq; none: the workload's own) at both levels, as one table against
 * the first pair; with outdir, compare.csv (its run_dir column names each point's run
 * directory) and one run directory per point. A pair's own overrides (pair_ov[i]) apply
 * after the common ones; its runs are then labelled MAPPING[KEY=VALUE,...] (the mapping
 * column of the table and the CSV). */
typedef struct {
    const char *const *arch, *const *mapping;   /* n_pairs each */
    const Overrides *pair_ov;                   /* n_pairs (n = 0: none), or NULL */
    int n_pairs;
    const char *const *workloads;
    int n_workloads;
    const char *const *seqs;                    /* decimal texts, already checked */
    int n_seqs;
    Overrides ov;
    const char *outdir;
} CompareCommand;
Outcome report_compare(const CompareCommand *c, Diag *d);

/* `einsim train-compare`: each training workload at each N:M setting (workload.nm)
 * against dense: cycles, speedup, energy ratio, utilisation and the gap to the ideal
 * attributed; with outdir, train-compare.csv. */
typedef struct {
    const char *arch, *mapping;
    const char *const *workloads;
    int n_workloads;
    const char *const *nms;                     /* texts, already checked by nm_parse */
    int n_nms;
    bool cycle_level;
    Overrides ov;
    const char *outdir;
} TrainCompareCommand;
Outcome report_train_compare(const TrainCompareCommand *c, Diag *d);

/* `einsim report`: report_generate (reportgen.h), then the summary line on stdout. */
struct ReportOptions;
Outcome report_command(const struct ReportOptions *o, Diag *d);

/* The files of one run (owned): stats.txt, stats.json, stats.csv (header + row),
 * effective.cfg, and the CSV row alone. */
typedef struct {
    char *txt, *json, *csv, *eff, *row;
} RunFiles;
/* Renders them; a result that is not finite is an error naming the workload and the
 * field (nothing rendered). Returns 0, or 1 with the error in d. report_run_files_free
 * is safe either way. */
int report_run_files(const RunReport *rep, const RunInputs *ri, RunFiles *f, Diag *d);
void report_run_files_free(RunFiles *f);
/* Writes them into outdir (util/output.h: locked, each file atomic, COMPLETE last).
 * Returns 0, or 1 with the error in d. */
int report_write_run_dir(const RunFiles *f, const char *outdir, Diag *d);

#endif
