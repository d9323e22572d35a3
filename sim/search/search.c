/* search.c — the mapper's search: exhaustive enumeration or iterated local search over
 * a Mapspace, multi-threaded with pthreads, deterministic for a seed (see search.h). */
#include "search/searchInt.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

const char *const search_objective_name[3] = { "latency", "energy", "edp" };

/* ---- candidates and accumulators ------------------------------------------------------- */

typedef struct {
    uint32_t *choice;   /* n_dims values (owned by the accumulator) */
    uint64_t cycles;
    double energy;
    double obj;
    double obj2;        /* tie-break: energy for latency, cycles otherwise */
} Cand;

/* What one worker (or the final reduction) has seen. The best list and the Pareto
 * front are defined by a total order, so merging accumulators in any order gives the
 * same result. */
typedef struct {
    const Mapspace *ms;
    const SearchOptions *o;
    double cyc_to_s;
    uint64_t evaluated, valid;
    uint64_t *rejects;  /* per reason */
    Cand *top;          /* sorted, at most top_k */
    int n_top;
    Cand *front;        /* unsorted non-dominated set */
    int n_front, cap_front;
} Acc;

static int choice_cmp(const uint32_t *a, const uint32_t *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Total order: objective, then the other metric, then the choice vector. */
static int cand_cmp2(double oa, double oa2, const uint32_t *a, double ob, double ob2,
                     const uint32_t *b, int n)
{
    if (oa != ob)
        return oa < ob ? -1 : 1;
    if (oa2 != ob2)
        return oa2 < ob2 ? -1 : 1;
    return choice_cmp(a, b, n);
}

/* The local search compares by objective and choice only. */
static int cand_cmp(double oa, const uint32_t *a, double ob, const uint32_t *b, int n)
{
    return cand_cmp2(oa, 0, a, ob, 0, b, n);
}

static double objective(const Acc *a, uint64_t cycles, double energy)
{
    switch (a->o->objective) {
    case SEARCH_ENERGY:
        return energy;
    case SEARCH_EDP:
        return energy * ((double)cycles * a->cyc_to_s);
    default:
        return (double)cycles;
    }
}

static void acc_init(Acc *a, const Mapspace *ms, const SearchOptions *o)
{
    memset(a, 0, sizeof *a);
    a->ms = ms;
    a->o = o;
    a->cyc_to_s = 1.0 / (ms->in.arch->clock_mhz * 1e6);
    a->rejects = xcalloc((size_t)ms->n_reasons + 1, sizeof *a->rejects);
    a->top = xcalloc((size_t)o->top_k + 1, sizeof *a->top);
    for (int i = 0; i <= o->top_k; i++)
        a->top[i].choice = xcalloc((size_t)ms->n_dims, sizeof(uint32_t));
}

static void acc_free(Acc *a)
{
    for (int i = 0; i <= a->o->top_k; i++)
        free(a->top[i].choice);
    free(a->top);
    for (int i = 0; i < a->n_front; i++)
        free(a->front[i].choice);
    free(a->front);
    free(a->rejects);
}

static void offer_top(Acc *a, const uint32_t *ch, uint64_t cycles, double energy, double obj)
{
    int n = a->ms->n_dims, k = a->o->top_k;
    double obj2 = a->o->objective == SEARCH_LATENCY ? energy : (double)cycles;
    if (a->n_top == k && cand_cmp2(obj, obj2, ch, a->top[k - 1].obj, a->top[k - 1].obj2,
                                   a->top[k - 1].choice, n) >= 0)
        return;
    int pos = a->n_top;
    for (int i = 0; i < a->n_top; i++) {
        int c = cand_cmp2(obj, obj2, ch, a->top[i].obj, a->top[i].obj2, a->top[i].choice, n);
        if (c == 0)
            return;   /* already listed */
        if (c < 0) {
            pos = i;
            break;
        }
    }
    /* Shift down, recycling the last slot's storage (there are top_k + 1 slots). */
    int last = a->n_top < k ? a->n_top : k;
    Cand spare = a->top[last];
    memmove(&a->top[pos + 1], &a->top[pos], (size_t)(last - pos) * sizeof *a->top);
    a->top[pos] = spare;
    memcpy(a->top[pos].choice, ch, (size_t)n * sizeof *ch);
    a->top[pos].cycles = cycles;
    a->top[pos].energy = energy;
    a->top[pos].obj = obj;
    a->top[pos].obj2 = obj2;
    if (a->n_top < k)
        a->n_top++;
}

static void offer_front(Acc *a, const uint32_t *ch, uint64_t cycles, double energy)
{
    int n = a->ms->n_dims;
    for (int i = 0; i < a->n_front; i++) {
        const Cand *f = &a->front[i];
        if (f->cycles <= cycles && f->energy <= energy &&
            (f->cycles < cycles || f->energy < energy || choice_cmp(f->choice, ch, n) <= 0))
            return;   /* dominated, or the same point with a smaller choice */
    }
    int w = 0;
    for (int i = 0; i < a->n_front; i++) {
        Cand *f = &a->front[i];
        if (cycles <= f->cycles && energy <= f->energy)
            free(f->choice);   /* dominated by (or equal to, with a larger choice) the new one */
        else
            a->front[w++] = *f;
    }
    a->n_front = w;
    if (a->n_front == a->cap_front) {
        a->cap_front = a->cap_front ? 2 * a->cap_front : 16;
        a->front = xrealloc(a->front, (size_t)a->cap_front * sizeof *a->front);
    }
    Cand *c = &a->front[a->n_front++];
    c->choice = xmalloc((size_t)n * sizeof *ch + 1);
    memcpy(c->choice, ch, (size_t)n * sizeof *ch);
    c->cycles = cycles;
    c->energy = energy;
    c->obj = 0;
}

/* Evaluates one candidate into the accumulator; returns true when valid, with *obj. */
static bool eval_into(Acc *a, const uint32_t *ch, double *obj)
{
    uint64_t cycles;
    double energy;
    a->evaluated++;
    int why = mapspace_eval(a->ms, ch, &cycles, &energy);
    if (why >= 0) {
        a->rejects[why]++;
        return false;
    }
    a->valid++;
    *obj = objective(a, cycles, energy);
    offer_top(a, ch, cycles, energy, *obj);
    if (a->o->pareto)
        offer_front(a, ch, cycles, energy);
    return true;
}

static void acc_merge(Acc *into, const Acc *from)
{
    into->evaluated += from->evaluated;
    into->valid += from->valid;
    for (int i = 0; i < into->ms->n_reasons; i++)
        into->rejects[i] += from->rejects[i];
    for (int i = 0; i < from->n_top; i++)
        offer_top(into, from->top[i].choice, from->top[i].cycles, from->top[i].energy,
                  from->top[i].obj);
    for (int i = 0; i < from->n_front; i++)
        offer_front(into, from->front[i].choice, from->front[i].cycles, from->front[i].energy);
}

/* ---- work units --------------------------------------------------------------------------- */

#define CHUNK 4096u

typedef struct {
    const Mapspace *ms;
    const SearchOptions *o;
    uint64_t n_units;        /* chunks (exhaustive) or restarts */
    uint64_t total;          /* exhaustive: candidates; local: evaluation budget */
    bool exhaustive;
    pthread_mutex_t lock;
    uint64_t next;           /* next unit to hand out */
    /* progress (under lock): what finished units reported; wall time for the line only */
    uint64_t done_evals, done_valid;
    double best_obj;         /* INFINITY until a valid candidate is seen */
    double t0, last_print;   /* monotonic seconds */
    bool tty;                /* o->progress is a terminal: rewrite the line in place */
} Work;

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "1.2M" style counts for the progress line. */
static void short_count(char *out, size_t n, double v)
{
    if (v >= 1e9)
        snprintf(out, n, "%.2fG", v / 1e9);
    else if (v >= 1e6)
        snprintf(out, n, "%.2fM", v / 1e6);
    else if (v >= 1e4)
        snprintf(out, n, "%.1fk", v / 1e3);
    else
        snprintf(out, n, "%.0f", v);
}

/* One progress line (called under w->lock). */
static void progress_line(Work *w, double now, bool last)
{
    const SearchOptions *o = w->o;
    double el = now - w->t0, rate = el > 0 ? (double)w->done_evals / el : 0;
    char ev[32], tot[32], va[32], best[48] = "-", eta[32] = "-";
    short_count(ev, sizeof ev, (double)w->done_evals);
    short_count(tot, sizeof tot, (double)w->total);
    short_count(va, sizeof va, (double)w->done_valid);
    if (w->best_obj < INFINITY)
        snprintf(best, sizeof best, o->objective == SEARCH_LATENCY ? "%.0f cycles" : "%.4e %s",
                 w->best_obj, o->objective == SEARCH_ENERGY ? "pJ" : "pJ*s");
    if (last)
        snprintf(eta, sizeof eta, "done in %.1f s", el);
    else if (rate > 0)
        snprintf(eta, sizeof eta, "ETA %.0f s", (double)(w->total - w->done_evals) / rate);
    fprintf(o->progress, "%ssearch: %s/%s evaluated (%s), %s valid, best %s %s, %.0f/s, %s%s",
            w->tty ? "\r" : "", ev, tot, w->exhaustive ? "exhaustive" : "local search", va,
            search_objective_name[o->objective], best, rate, eta,
            w->tty && !last ? "\033[K" : "\n");
    fflush(o->progress);
    w->last_print = now;
}

/* Hands out the next unit; first records what the caller's accumulator has seen since
 * its last call (evals, valid, best) for the progress line. */
static bool take_unit(Work *w, uint64_t *u, const Acc *a, uint64_t *seen_evals, uint64_t *seen_valid)
{
    pthread_mutex_lock(&w->lock);
    w->done_evals += a->evaluated - *seen_evals;
    w->done_valid += a->valid - *seen_valid;
    *seen_evals = a->evaluated;
    *seen_valid = a->valid;
    if (a->n_top && a->top[0].obj < w->best_obj)
        w->best_obj = a->top[0].obj;
    if (w->o->progress) {
        double now = mono_now(), every = w->o->progress_every_s > 0 ? w->o->progress_every_s : 1;
        if (now - w->last_print >= every)
            progress_line(w, now, false);
    }
    bool ok = w->next < w->n_units;
    if (ok)
        *u = w->next++;
    pthread_mutex_unlock(&w->lock);
    return ok;
}

/* Candidates [lo, hi) of the mixed-radix enumeration (dimension 0 most significant). */
static void run_chunk(Acc *a, uint64_t lo, uint64_t hi)
{
    const Mapspace *ms = a->ms;
    int n = ms->n_dims;
    uint32_t ch[MS_MAX_EINSUMS * 2 + 64];
    uint64_t x = lo;
    for (int d = n - 1; d >= 0; d--) {
        ch[d] = (uint32_t)(x % ms->dims[d].radix);
        x /= ms->dims[d].radix;
    }
    double obj;
    for (uint64_t i = lo; i < hi; i++) {
        eval_into(a, ch, &obj);
        for (int d = n - 1; d >= 0; d--) {
            if (++ch[d] < ms->dims[d].radix)
                break;
            ch[d] = 0;
        }
    }
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t rnd(uint64_t *s, uint32_t n) { return (uint32_t)(splitmix(s) % n); }

/* A random option of a dimension among those that can be valid. */
static uint32_t pick(uint64_t *s, const MsDim *dm) { return dm->allowed[rnd(s, dm->n_allowed)]; }

/* One restart of the iterated local search with `budget` evaluations: a random valid
 * start, steepest descent over single-choice changes and swaps of two Einsums' stages,
 * and at each local optimum a kick of three random changes from the restart's best. */
static void run_restart(Acc *a, uint64_t restart, uint64_t budget)
{
    const Mapspace *ms = a->ms;
    int n = ms->n_dims;
    uint64_t rng = a->o->seed * 0x100000001b3ull ^ (restart + 1) * 0x9e3779b97f4a7c15ull;
    uint32_t cur[MS_MAX_EINSUMS * 2 + 64], y[MS_MAX_EINSUMS * 2 + 64];
    uint32_t best[MS_MAX_EINSUMS * 2 + 64], nb[MS_MAX_EINSUMS * 2 + 64];
    uint64_t end = a->evaluated + budget;
    double cur_obj = INFINITY, best_obj = INFINITY, obj;
    bool have = false;
    for (int d = 0; d < n; d++)
        if (!ms->dims[d].n_allowed)
            return;   /* no valid candidate exists */
    while (a->evaluated < end && !have) {
        for (int d = 0; d < n; d++)
            cur[d] = pick(&rng, &ms->dims[d]);
        have = eval_into(a, cur, &cur_obj);
    }
    if (!have)
        return;
    memcpy(best, cur, (size_t)n * sizeof *cur);
    best_obj = cur_obj;
    while (a->evaluated < end) {
        double nb_obj = INFINITY;
        bool found = false;
        for (int d = 0; d < n && a->evaluated < end; d++)
            for (uint32_t k = 0; k < ms->dims[d].n_allowed && a->evaluated < end; k++) {
                uint32_t v = ms->dims[d].allowed[k];
                if (v == cur[d])
                    continue;
                memcpy(y, cur, (size_t)n * sizeof *y);
                y[d] = v;
                if (eval_into(a, y, &obj) && (!found || cand_cmp(obj, y, nb_obj, nb, n) < 0)) {
                    memcpy(nb, y, (size_t)n * sizeof *y);
                    nb_obj = obj;
                    found = true;
                }
            }
        for (int d = 0; d < n && a->evaluated < end; d++)
            for (int e = d + 1; e < n && a->evaluated < end; e++) {
                if (ms->dims[d].kind != DIM_STAGE || ms->dims[e].kind != DIM_STAGE ||
                    cur[d] == cur[e] || ms->grp[ms->dims[d].ref] != ms->grp[ms->dims[e].ref])
                    continue;
                memcpy(y, cur, (size_t)n * sizeof *y);
                y[d] = cur[e];
                y[e] = cur[d];
                if (eval_into(a, y, &obj) && (!found || cand_cmp(obj, y, nb_obj, nb, n) < 0)) {
                    memcpy(nb, y, (size_t)n * sizeof *y);
                    nb_obj = obj;
                    found = true;
                }
            }
        if (found && nb_obj < cur_obj) {
            memcpy(cur, nb, (size_t)n * sizeof *nb);
            cur_obj = nb_obj;
            continue;
        }
        /* Local optimum: keep the restart's best, kick from it. */
        if (cand_cmp(cur_obj, cur, best_obj, best, n) < 0) {
            memcpy(best, cur, (size_t)n * sizeof *cur);
            best_obj = cur_obj;
        }
        bool ok = false;
        while (!ok && a->evaluated < end) {
            memcpy(cur, best, (size_t)n * sizeof *cur);
            for (int k = 0; k < 3; k++) {
                int d = (int)rnd(&rng, (uint32_t)n);
                cur[d] = pick(&rng, &ms->dims[d]);
            }
            ok = eval_into(a, cur, &cur_obj);
        }
    }
}

typedef struct {
    Work *w;
    Acc acc;
} Worker;

static void *worker_main(void *arg)
{
    Worker *wk = arg;
    Work *w = wk->w;
    uint64_t u, seen_evals = 0, seen_valid = 0;
    while (take_unit(w, &u, &wk->acc, &seen_evals, &seen_valid)) {
        if (w->exhaustive) {
            uint64_t lo = u * CHUNK, hi = lo + CHUNK < w->total ? lo + CHUNK : w->total;
            run_chunk(&wk->acc, lo, hi);
        } else {
            uint64_t budget = w->total / w->n_units + (u < w->total % w->n_units);
            run_restart(&wk->acc, u, budget);
        }
    }
    return NULL;
}

/* ---- driver --------------------------------------------------------------------------------- */

static SearchPoint full_point(const Mapspace *ms, const Acc *a, const Cand *c, EngineResult *r)
{
    SearchPoint p;
    p.choice = xmalloc((size_t)ms->n_dims * sizeof *p.choice + 1);
    memcpy(p.choice, c->choice, (size_t)ms->n_dims * sizeof *p.choice);
    p.energy_pj = mapspace_full_eval(ms, p.choice, r);
    /* The lean evaluation composes the engine's own cycles: they must agree. Its energy
     * is close (search.h), and the reported energy is the full engine's. */
    EINSIM_ASSERT(r->feasible && r->cycles == c->cycles);
    EINSIM_ASSERT(fabs(p.energy_pj - c->energy) <= 0.02 * fabs(c->energy) + 1e-6);
    p.cycles = r->cycles;
    p.seconds = r->seconds;
    p.objective = objective(a, p.cycles, p.energy_pj);
    return p;
}

void search_run(const Mapspace *ms, const SearchOptions *o, SearchResult *out)
{
    memset(out, 0, sizeof *out);
    EINSIM_ASSERT(o->threads >= 1 && o->top_k >= 1 && o->max_evals >= 1);
    EINSIM_ASSERT(ms->n_dims <= 2 * MS_MAX_EINSUMS + 64);
    out->space_size = ms->space_size;
    Work w = { .ms = ms, .o = o, .best_obj = INFINITY };
    pthread_mutex_init(&w.lock, NULL);
    w.t0 = w.last_print = mono_now();
    w.tty = o->progress && isatty(fileno(o->progress));
    w.exhaustive = ms->space_size <= (double)o->max_evals;
    if (w.exhaustive) {
        w.total = (uint64_t)ms->space_size;
        w.n_units = (w.total + CHUNK - 1) / CHUNK;
    } else {
        w.total = o->max_evals;
        w.n_units = o->max_evals / SEARCH_EVALS_PER_RESTART ? o->max_evals / SEARCH_EVALS_PER_RESTART : 1;
        out->restarts = w.n_units;
    }
    out->exhaustive = w.exhaustive;
    int nt = o->threads;
    Worker *wk = xcalloc((size_t)nt, sizeof *wk);
    pthread_t *th = xcalloc((size_t)nt, sizeof *th);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < nt; i++) {
        wk[i].w = &w;
        acc_init(&wk[i].acc, ms, o);
    }
    for (int i = 1; i < nt; i++)
        if (pthread_create(&th[i], NULL, worker_main, &wk[i]) != 0)
            EINSIM_ASSERT(!"pthread_create failed");
    worker_main(&wk[0]);
    for (int i = 1; i < nt; i++)
        pthread_join(th[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (o->progress)
        progress_line(&w, mono_now(), true);
    out->eval_seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    pthread_mutex_destroy(&w.lock);
    Acc all;
    acc_init(&all, ms, o);
    for (int i = 0; i < nt; i++) {
        acc_merge(&all, &wk[i].acc);
        acc_free(&wk[i].acc);
    }
    free(wk);
    free(th);
    out->evaluated = all.evaluated;
    out->valid = all.valid;
    out->rejects = xcalloc((size_t)ms->n_reasons + 1, sizeof *out->rejects);
    for (int i = 0; i < ms->n_reasons; i++)
        if (all.rejects[i])
            out->rejects[out->n_rejects++] = (SearchReject){ ms->reasons[i], all.rejects[i] };
    EngineResult *r = xmalloc(sizeof *r);
    out->best = xcalloc((size_t)all.n_top + 1, sizeof *out->best);
    for (int i = 0; i < all.n_top; i++)
        out->best[out->n_best++] = full_point(ms, &all, &all.top[i], r);
    /* Front by increasing cycles (then energy). */
    for (int i = 1; i < all.n_front; i++)
        for (int j = i; j > 0 && (all.front[j - 1].cycles > all.front[j].cycles ||
                                  (all.front[j - 1].cycles == all.front[j].cycles &&
                                   all.front[j - 1].energy > all.front[j].energy)); j--) {
            Cand t = all.front[j];
            all.front[j] = all.front[j - 1];
            all.front[j - 1] = t;
        }
    out->pareto = xcalloc((size_t)all.n_front + 1, sizeof *out->pareto);
    for (int i = 0; i < all.n_front; i++)
        out->pareto[out->n_pareto++] = full_point(ms, &all, &all.front[i], r);
    free(r);
    acc_free(&all);
}

void search_result_free(SearchResult *r)
{
    for (int i = 0; i < r->n_best; i++)
        free(r->best[i].choice);
    for (int i = 0; i < r->n_pareto; i++)
        free(r->pareto[i].choice);
    free(r->best);
    free(r->pareto);
    free(r->rejects);
    memset(r, 0, sizeof *r);
}
