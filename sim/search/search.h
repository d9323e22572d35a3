/* search.h — the mapper: explores the free choices of a mapping template.
 *
 * A template is a mapping with a `search` group (config/spec.h SearchSpec) that frees
 * the DRAM-level tile and loop rank of its groups, the unit of some Einsums, and the
 * stage of each Einsum within its group. The mapspace is the cartesian product of
 * those choices; a candidate is one value per free dimension (a choice vector).
 *
 * Evaluation is lean: mapspace_new runs the full analytic engine a few times to
 * tabulate what each choice contributes — every Einsum's cycles and energy on every
 * candidate unit, every tile combination's feasibility, DRAM-bound cycles and energy —
 * and a candidate is then priced by the engine's own composition rules (a group takes
 * max(its busiest unit, memory), groups add up) without touching configs or
 * EngineResult; energy adds each Einsum's change from the template, which is close but
 * not exact (where a value is held depends on its consumers' units too). The best
 * mappings are re-evaluated with the full engine, which must agree exactly on cycles
 * (an assertion) and gives their reported energy.
 *
 * A candidate is rejected, with a reason counted per kind, when an Einsum's unit lacks
 * one of its ops, when its unit spreads a rank over PEs that the Einsum does not have,
 * when a tile exceeds a buffer's capacity, or when its stage order breaks a
 * dependency: within one step of the iterative rank a consumer may run in a later stage
 * (or the same stage on the same unit), or be deferred to the next step (a skew of one,
 * as FuseMax runs RD and RNV beside the next step's BQK); a loop-carried dependency
 * must be met within one step. Without an iterative rank no skew is allowed.
 *
 * Search: exhaustive when the mapspace holds at most max_evals candidates; otherwise an
 * iterated local search (steepest descent over single-choice changes and stage swaps,
 * random kicks at local optima) from seeded random starts. Work is split into units
 * (index ranges, or restarts with their own PRNG stream derived from the seed) whose
 * results do not depend on the thread that runs them, and the best-K list and Pareto
 * front are kept under a total order (objective, then the choice vector), so the
 * outcome depends on the seed and the budget only, never on the number of threads. */
#ifndef EINSIM_SEARCH_H
#define EINSIM_SEARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"
#include "util/diag.h"

typedef enum { SEARCH_LATENCY, SEARCH_ENERGY, SEARCH_EDP } SearchObjective;
extern const char *const search_objective_name[3]; /* "latency", "energy", "edp" */

typedef struct {
    SearchObjective objective;
    bool pareto;          /* also collect the latency-energy Pareto front */
    uint64_t seed;
    int threads;          /* worker threads, >= 1 */
    uint64_t max_evals;   /* evaluation budget; also the exhaustive threshold */
    int top_k;            /* best mappings kept, >= 1 */
    FILE *progress;       /* NULL: silent; else a progress line (evaluated, valid, best so
                             far, rate, ETA) at most every progress_every_s seconds while
                             the search runs, and a last one when it ends. On a terminal
                             the line is rewritten in place. Only this stream sees wall
                             time: the results do not depend on it. */
    double progress_every_s; /* <= 0: 1 s */
} SearchOptions;

#define SEARCH_DEFAULT_MAX_EVALS 1000000u
#define SEARCH_EVALS_PER_RESTART 5000u

typedef struct {
    uint32_t *choice;     /* choice vector (owned by the result) */
    uint64_t cycles;      /* full analytic engine */
    double seconds;
    double energy_pj;
    double objective;     /* cycles, pJ or pJ·s */
} SearchPoint;

typedef struct {
    const char *reason;   /* owned by the Mapspace */
    uint64_t count;
} SearchReject;

typedef struct {
    double space_size;    /* candidates in the mapspace (a double: it may exceed 2^64) */
    bool exhaustive;
    uint64_t restarts;    /* local search: restarts run (0 when exhaustive) */
    uint64_t evaluated;   /* candidates evaluated (rejected ones included) */
    uint64_t valid;
    SearchPoint *best;    /* best first; n_best <= top_k */
    int n_best;
    SearchPoint *pareto;  /* by increasing cycles */
    int n_pareto;
    SearchReject *rejects; /* reasons that occurred, in a fixed order */
    int n_rejects;
    double eval_seconds;  /* wall time of the evaluation phase (not deterministic) */
} SearchResult;

typedef struct Mapspace Mapspace;

/* Builds the mapspace of the template in->mapping (which must have a search group):
 * checks the search group against the cascade and the architecture (file:line errors
 * into d) and tabulates the costs. Returns 0 and *out (free with mapspace_free), or 1.
 * The inputs are borrowed and must outlive the Mapspace. */
int mapspace_new(const EngineInput *in, Diag *d, Mapspace **out);
void mapspace_free(Mapspace *ms);

int mapspace_dims(const Mapspace *ms);
/* Options of dimension d (its values are 0 .. radix - 1). */
uint32_t mapspace_radix(const Mapspace *ms, int d);
/* One line per free dimension group, e.g. "tile of group attention: P in {256, ...}". */
char *mapspace_describe(const Mapspace *ms);
/* The template's own choices as a choice vector (ms dims long, caller's buffer). */
void mapspace_template_choice(const Mapspace *ms, uint32_t *choice);

/* Lean evaluation of one candidate: returns -1 and its cycles and energy when valid,
 * else the index of the rejection reason (mapspace_reason). */
int mapspace_eval(const Mapspace *ms, const uint32_t *choice, uint64_t *cycles,
                  double *energy_pj);
const char *mapspace_reason(const Mapspace *ms, int reason);

/* Full evaluation: builds the candidate's mapping and runs the analytic engine and the
 * energy pricing into *r (caller-provided; large) and returns its total energy. */
double mapspace_full_eval(const Mapspace *ms, const uint32_t *choice, EngineResult *r);

/* The candidate as a mapping file that `einsim run -m` accepts: libconfig text owned by
 * the caller. `cascade_ref` is written as the cascade path (relative to the file's
 * folder); NULL writes the cascade group inline, so the file loads from any folder.
 * `header` (may be NULL) is written as comment lines first. */
char *mapspace_mapping_text(const Mapspace *ms, const uint32_t *choice, const char *name,
                            const char *cascade_ref, const char *header);
/* One-paragraph description of a candidate: tile, units changed from the template,
 * stages. Owned by the caller. */
char *mapspace_choice_text(const Mapspace *ms, const uint32_t *choice);

/* Runs the search. Fills *out (free with search_result_free). */
void search_run(const Mapspace *ms, const SearchOptions *o, SearchResult *out);
void search_result_free(SearchResult *r);

#endif
