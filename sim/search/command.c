/* command.c — `einsim search`: the mapper on one template, its summary on stdout, and the
 * best mappings as re-runnable files (command.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "search/command.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/emit.h"
#include "util/output.h"
#include "util/util.h"

static int write_text(Diag *d, OutDir *od, const char *name, const char *text)
{
    return outdir_write(od, name, text, strlen(text), d);
}

static const char *obj_unit(SearchObjective o)
{
    return o == SEARCH_LATENCY ? "cycles" : o == SEARCH_ENERGY ? "pJ" : "pJ*s";
}

static char *summary_text(const RunInputs *ri, const char *arch, const char *wl, const char *tpl,
                          const Mapspace *ms, const SearchOptions *o, const SearchResult *r,
                          uint64_t tpl_cycles, double tpl_energy, int tpl_reason)
{
    Buf b = {0};
    buf_printf(&b, "einsim search (analytic level)\n==============================\n\n");
    buf_printf(&b, "Architecture : %s (%s)\nWorkload     : %s (%s)\n", ri->arch->name, arch,
               ri->workload->name, wl);
    buf_printf(&b, "Template     : %s (%s), cascade %s\n", ri->mapping->name, tpl, ri->cascade->name);
    buf_printf(&b, "Objective    : %s (%s)\n", search_objective_name[o->objective],
               obj_unit(o->objective));
    char *desc = mapspace_describe(ms);
    buf_printf(&b, "Free choices :\n%s", desc);
    free(desc);
    buf_printf(&b, "Mapspace     : %.6g candidates (%d dimensions)\n", r->space_size,
               mapspace_dims(ms));
    if (r->exhaustive)
        buf_printf(&b, "Method       : exhaustive (the mapspace holds at most --max-evals = %llu)\n",
                   (unsigned long long)o->max_evals);
    else
        buf_printf(&b, "Method       : iterated local search, seed %llu, %llu restarts of about %llu "
                   "evaluations (the mapspace exceeds --max-evals = %llu)\n",
                   (unsigned long long)o->seed, (unsigned long long)r->restarts,
                   (unsigned long long)(o->max_evals / (r->restarts ? r->restarts : 1)),
                   (unsigned long long)o->max_evals);
    buf_printf(&b, "Evaluated    : %llu\nValid        : %llu\nRejected     : %llu\n",
               (unsigned long long)r->evaluated, (unsigned long long)r->valid,
               (unsigned long long)(r->evaluated - r->valid));
    if (r->n_rejects) {
        buf_printf(&b, "\nRejected candidates by reason\n-----------------------------\n");
        for (int i = 0; i < r->n_rejects; i++)
            buf_printf(&b, "  %12llu  %s\n", (unsigned long long)r->rejects[i].count,
                       r->rejects[i].reason);
    }
    buf_printf(&b, "\nTemplate as written\n-------------------\n");
    if (tpl_reason < 0)
        buf_printf(&b, "  cycles %llu, energy %.6e pJ\n", (unsigned long long)tpl_cycles, tpl_energy);
    else
        buf_printf(&b, "  rejected: %s\n", mapspace_reason(ms, tpl_reason));
    buf_printf(&b, "\nBest mappings (re-evaluated with the full analytic engine)\n"
               "-----------------------------------------------------------\n");
    buf_printf(&b, "  rank          cycles       seconds      energy pJ        EDP pJ*s  vs template\n");
    for (int i = 0; i < r->n_best; i++) {
        const SearchPoint *p = &r->best[i];
        buf_printf(&b, "  %4d  %14llu  %12.6g  %13.6e  %14.6e", i + 1, (unsigned long long)p->cycles,
                   p->seconds, p->energy_pj, p->energy_pj * p->seconds);
        if (tpl_reason < 0 && tpl_cycles)
            buf_printf(&b, "  %+.3f%% cycles", 100.0 * ((double)p->cycles / (double)tpl_cycles - 1));
        buf_printf(&b, "\n");
        char *ct = mapspace_choice_text(ms, p->choice);
        buf_printf(&b, "%s", ct);
        free(ct);
    }
    if (!r->n_best)
        buf_printf(&b, "  none: every evaluated candidate was rejected\n");
    if (o->pareto) {
        buf_printf(&b, "\nPareto front (latency, energy): %d points\n", r->n_pareto);
        for (int i = 0; i < r->n_pareto; i++)
            buf_printf(&b, "  %14llu cycles  %13.6e pJ\n", (unsigned long long)r->pareto[i].cycles,
                       r->pareto[i].energy_pj);
    }
    return buf_take(&b);
}

/* What every written mapping file shares. */
typedef struct {
    const Mapspace *ms;
    const RunInputs *ri;
    const SearchCommand *c;
    const SearchOptions *o;
    OutDir *od;
    const char *arch, *workload;  /* as the reproduce line names them */
    const char *sets;             /* " --set K=V" of the non-mapping overrides */
} MappingOut;

/* Writes OUTDIR/KIND-K.cfg (KIND "best" or "pareto", K of n): the candidate as a mapping
 * with its cascade inline and a header saying where it came from and how to rerun it. */
static void write_mapping(const MappingOut *mo, const char *kind, int k, int n,
                          const SearchPoint *p, Diag *d)
{
    const SearchCommand *c = mo->c;
    char *fname = xasprintf("%s-%d.cfg", kind, k);
    char *fpath = path_join(c->outdir, fname);
    char *name = xasprintf("%s-%s-%d", mo->ri->mapping->name, kind, k);
    char *what = strcmp(kind, "best") == 0
        ? xasprintf("rank %d of %d by %s", k, n, search_objective_name[mo->o->objective])
        : xasprintf("latency-energy Pareto point %d of %d (by increasing cycles)", k, n);
    char *hdr = xasprintf("%s — written by einsim search from %s\n%s; analytic: %llu cycles, "
                          "%.6e pJ\nreproduce: einsim run -a %s -w %s -m %s%s", fname, c->mapping,
                          what, (unsigned long long)p->cycles, p->energy_pj, mo->arch,
                          mo->workload, fpath, mo->sets);
    char *txt = mapspace_mapping_text(mo->ms, p->choice, name, NULL, hdr);
    write_text(d, mo->od, fname, txt);
    free(txt);
    free(hdr);
    free(what);
    free(name);
    free(fpath);
    free(fname);
}

Outcome search_command(const SearchCommand *c, Diag *d)
{
    OutDir *od = NULL;
    if (c->outdir && !(od = outdir_open(c->outdir, "einsim search", d)))
        return OUTCOME_INPUT;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    const SearchOptions o = c->opt;
    Outcome rc = OUTCOME_INPUT;
    RunInputs ri;
    Mapspace *ms = NULL;
    int not_run = run_inputs_load(&ri, c->arch, c->workload, c->mapping, &c->ov, d);
    if (!not_run && workload_is_training(ri.workload)) {
        diag_error(d, c->workload, 0, "workload %s is a layer list (kind = \"training\"); the "
                   "mapper searches one run at one size", ri.workload->name);
        not_run = 1;
    }
    if (!not_run && mapspace_new(&ri.in, d, &ms) == 0) {
        uint32_t *tch = xcalloc((size_t)mapspace_dims(ms) + 1, sizeof *tch);
        mapspace_template_choice(ms, tch);
        uint64_t tcyc = 0;
        double ten = 0;
        int treason = mapspace_eval(ms, tch, &tcyc, &ten);
        free(tch);
        SearchResult res;
        search_run(ms, &o, &res);
        char *sum = summary_text(&ri, c->arch, c->workload, c->mapping, ms, &o, &res, tcyc, ten,
                                 treason);
        fputs(sum, stdout);
        int cores = o.threads < ncpu ? o.threads : (int)(ncpu > 0 ? ncpu : 1);
        double rate = res.eval_seconds > 0 ? (double)res.evaluated / res.eval_seconds : 0;
        char *info = xasprintf("threads: %d\nevaluation wall time: %.6f s\nspeed: %.0f evaluated "
                               "mappings/s, %.0f per core\n", o.threads, res.eval_seconds, rate,
                               rate / cores);
        printf("\nspeed: %.0f evaluated mappings/s on %d thread%s = %.0f per core (%.3f s)\n",
               rate, o.threads, o.threads > 1 ? "s" : "", rate / cores, res.eval_seconds);
        rc = res.n_best ? OUTCOME_OK : OUTCOME_INFEASIBLE;
        if (od) {
            write_text(d, od, "summary.txt", sum);
            write_text(d, od, "run_info.txt", info);
            /* The reproduce line names the inputs by absolute path and each mapping holds
             * its cascade inline, so the files work from any folder and after a move. */
            char *arch = realpath(c->arch, NULL), *wl = realpath(c->workload, NULL);
            Buf sets_txt = {0};
            for (int i = 0; i < c->ov.n; i++)
                if (strncmp(c->ov.v[i].key, "mapping.", 8) != 0)
                    buf_printf(&sets_txt, " --set %s=%s", c->ov.v[i].key, c->ov.v[i].value);
            MappingOut mo = { ms, &ri, c, &o, od, arch ? arch : c->arch, wl ? wl : c->workload,
                              sets_txt.s ? sets_txt.s : "" };
            for (int i = 0; i < res.n_best && !diag_count(d); i++)
                write_mapping(&mo, "best", i + 1, res.n_best, &res.best[i], d);
            if (o.pareto && !diag_count(d)) {
                Emit csv = { 0 };
                emit_printf(&csv, "id,file,cycles,seconds,energy_pj,edp_pj_s\n");
                for (int i = 0; i < res.n_pareto && !diag_count(d); i++) {
                    const SearchPoint *p = &res.pareto[i];
                    write_mapping(&mo, "pareto", i + 1, res.n_pareto, p, d);
                    emit_printf(&csv, "pareto-%d,pareto-%d.cfg,%llu,%.9g,%.9g,%.9g\n", i + 1, i + 1,
                                (unsigned long long)p->cycles, p->seconds, p->energy_pj,
                                p->energy_pj * p->seconds);
                }
                char bad[EMIT_FIELD_MAX], *t = emit_take(&csv, bad);
                if (t)
                    write_text(d, od, "pareto.csv", t);
                else
                    diag_error(d, c->mapping, 0, "pareto.csv: %s is not a finite number", bad);
                free(t);
            }
            buf_free(&sets_txt);
            free(arch);
            free(wl);
        }
        free(info);
        free(sum);
        search_result_free(&res);
    }
    mapspace_free(ms);
    run_inputs_free(&ri);
    outdir_close(od, diag_count(d) == 0, d);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}
