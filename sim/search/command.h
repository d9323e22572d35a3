/* command.h — `einsim search`: runs the mapper on a template and writes its results. */
#ifndef EINSIM_SEARCH_COMMAND_H
#define EINSIM_SEARCH_COMMAND_H

#include "run/run.h"
#include "search/search.h"

typedef struct {
    const char *arch, *workload, *mapping;  /* mapping: the template */
    const char *outdir;                     /* NULL: stdout only */
    Overrides ov;
    SearchOptions opt;
} SearchCommand;

/* Loads the inputs, explores the template's mapspace (search_run; its progress line goes
 * to opt.progress), prints the summary and the speed line; with outdir, writes
 * summary.txt, run_info.txt, best-K.cfg and, with opt.pareto, pareto-K.cfg and
 * pareto.csv (id, file, cycles, seconds, energy_pj, edp_pj_s) there, each atomically.
 * Every mapping file holds its cascade inline, so it loads from any folder.
 * OUTCOME_INFEASIBLE when no candidate is valid. */
Outcome search_command(const SearchCommand *c, Diag *d);

#endif
