/* exec.c — evaluating the points of a sweep: loading and checking each point,
 * completion markers, the sweep CSV, and the forked workers with their progress display.
 *
 * Layout of an output directory DIR (sim/sweep/README.md):
 *   DIR/points/<id>/   stats.txt, stats.json, stats.csv, effective.cfg as `einsim run -o`
 *                      writes them, then `done`, written last (atomically): the marker
 *                      that the point is complete. It holds a fingerprint of the point's
 *                      inputs and the point's sweep.csv row.
 *   DIR/sweep.csv      header + one row per complete point. While a sweep runs, rows are
 *                      appended in completion order, each with a single write() on an
 *                      O_APPEND descriptor (a kill cannot tear a row); when it ends, and
 *                      at the start of every rerun, the file is rebuilt from the markers
 *                      in point order and replaced atomically. The final file is
 *                      therefore the same for any -j and any history of interruptions.
 *   DIR/sweep.lock     an fcntl lock held by the running sweep (two sweeps may not share
 *                      DIR; a killed sweep's lock vanishes with it).
 * A point is complete when its marker exists and its fingerprint matches the inputs the
 * point has now (FNV-1a of the level, the point's axis values and its effective
 * configuration): editing the sweep file or an input file makes the point run again. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "sweep/sweepInt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "energy/energy.h"
#include "report/commands.h"
#include "run/run.h"
#include "util/output.h"
#include "util/util.h"

/* Overrides written in the sweep file get indices from here on, so that diagnostics
 * about them ("<command line>:N") can be traced back to their line in the sweep file. */
#define SWEEP_OV_BASE 1000000

#define MARKER_MAGIC "einsim-sweep-point"

/* ---- small helpers ------------------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(1099511628211);
    }
    return h ^ 0xff;  /* separates consecutive strings */
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

char *sweep_point_name(const Sweep *sw, uint64_t id)
{
    return xasprintf("%0*" PRIu64, sw->id_width, id);
}

char *sweep_point_dir(const Sweep *sw, uint64_t id)
{
    char *name = sweep_point_name(sw, id);
    char *dir = xasprintf("%s/points/%s", sw->outdir, name);
    free(name);
    return dir;
}

char *sweep_csv_header(const Sweep *sw)
{
    static const char *const pick_col[4] = { NULL, "arch_file", "workload_file", "mapping_file" };
    Emit e = { 0 };
    /* The run CSV's columns (report.h), then the point and the sweep axes. */
    char *run = report_csv_header();
    run[strlen(run) - 1] = '\0';   /* its newline */
    emit_printf(&e, "%s,point", run);
    free(run);
    for (int a = 0; a < sw->sp->n_axes; a++)
        for (int k = 0; k < sw->sp->axes[a].n_keys; k++) {
            const SweepKey *key = &sw->sp->axes[a].keys[k];
            emit_printf(&e, ",");
            emit_csv_field(&e, key->kind == SWEEP_KEY_SET ? key->key : pick_col[key->kind]);
        }
    emit_printf(&e, "\n");
    char bad[EMIT_FIELD_MAX];
    return emit_take(&e, bad);  /* no numbers: never NULL */
}

/* ---- one point's inputs ------------------------------------------------------------------ */

/* The overrides of point `id` in application order (sweep `set`, axis values, then the
 * command line's --set, so the command line wins over `set`), with the files it picks.
 * ov[] borrows its strings from the spec and the command line; free(ov) only. */
typedef struct {
    Override *ov;
    int n;
    const char *file[4];   /* by SweepKeyKind */
} PointInputs;

static void point_inputs(const Sweep *sw, uint64_t id, PointInputs *p)
{
    const SweepSpec *sp = sw->sp;
    int *idx = xcalloc((size_t)sp->n_axes + 1, sizeof *idx);
    sweep_point_index(sp, id, idx);
    p->ov = xcalloc((size_t)(sp->n_fixed + sp->n_columns + sw->n_sets) + 1, sizeof *p->ov);
    p->n = 0;
    for (int k = 1; k < 4; k++)
        p->file[k] = sp->base[k];
    int slot = SWEEP_OV_BASE;
    for (int i = 0; i < sp->n_fixed; i++) {
        p->ov[p->n] = sp->fixed[i];
        p->ov[p->n++].index = slot++;
    }
    for (int a = 0; a < sp->n_axes; a++)
        for (int k = 0; k < sp->axes[a].n_keys; k++, slot++) {
            const SweepKey *key = &sp->axes[a].keys[k];
            if (key->kind != SWEEP_KEY_SET)
                p->file[key->kind] = key->value[idx[a]];
            else
                p->ov[p->n++] = (Override){ key->key, key->value[idx[a]], slot };
        }
    for (int i = 0; i < sw->n_sets; i++)
        p->ov[p->n++] = sw->sets[i];
    free(idx);
}

/* Where override `index` of a point is written: its SrcLoc in the sweep file and its
 * "KEY=VALUE" text (owned by the caller). Returns false for command-line overrides. */
static bool override_origin(const Sweep *sw, uint64_t id, int index, SrcLoc *loc, char **text)
{
    const SweepSpec *sp = sw->sp;
    if (index < SWEEP_OV_BASE)
        return false;
    int slot = index - SWEEP_OV_BASE;
    if (slot < sp->n_fixed) {
        *loc = sp->fixed_loc[slot];
        *text = xasprintf("%s=%s", sp->fixed[slot].key, sp->fixed[slot].value);
        return true;
    }
    slot -= sp->n_fixed;
    int *idx = xcalloc((size_t)sp->n_axes + 1, sizeof *idx);
    sweep_point_index(sp, id, idx);
    bool found = false;
    for (int a = 0; a < sp->n_axes && !found; a++)
        for (int k = 0; k < sp->axes[a].n_keys && !found; k++, slot--)
            if (slot == 0) {
                const SweepKey *key = &sp->axes[a].keys[k];
                *loc = key->loc[idx[a]];
                *text = xasprintf("%s=%s", key->key, key->text[idx[a]]);
                found = true;
            }
    free(idx);
    return found;
}

/* "arch.array2d.rows=64, workload_file=../bert.cfg": the point's axis values. */
static char *point_label(const Sweep *sw, uint64_t id)
{
    const SweepSpec *sp = sw->sp;
    int *idx = xcalloc((size_t)sp->n_axes + 1, sizeof *idx);
    sweep_point_index(sp, id, idx);
    Buf b = {0};
    char *name = sweep_point_name(sw, id);
    buf_printf(&b, "  in sweep point %s", name);
    free(name);
    for (int a = 0; a < sp->n_axes; a++)
        for (int k = 0; k < sp->axes[a].n_keys; k++)
            buf_printf(&b, "%s%s=%s", a || k ? ", " : " (", sp->axes[a].keys[k].key,
                       sp->axes[a].keys[k].text[idx[a]]);
    if (sp->n_axes)
        buf_putc(&b, ')');
    free(idx);
    return buf_take(&b);
}

/* Copies the errors of `from` into `to`, skipping ones already there (the same error in
 * many points is reported once). Errors about an override written in the sweep file are
 * placed at its line there ("FILE:LINE: error: KEY=VALUE: ..."); every copied error
 * gets a context line naming the point. */
static void merge_diag(const Sweep *sw, uint64_t id, const Diag *from, Diag *to)
{
    char *label = NULL;
    for (int i = 0; i < from->n; i++) {
        const DiagEntry *e = &from->e[i];
        const char *file = e->file;
        int line = e->line;
        char *msg = NULL, *text = NULL;
        const char *core = NULL;  /* the message after "KEY=VALUE: " */
        SrcLoc loc;
        if (file && strcmp(file, "<command line>") == 0 &&
            override_origin(sw, id, line, &loc, &text)) {
            const char *m = e->msg;
            size_t pre = strlen("--set ") + strlen(text) + 2;
            if (strncmp(m, "--set ", 6) == 0 && strlen(m) >= pre && strncmp(m + 6, text, strlen(text)) == 0)
                m += pre;
            msg = xasprintf("%s: %s", text, m);
            core = msg + strlen(text) + 2;
            file = loc.file;
            line = loc.line;
        } else {
            msg = xstrdup(e->msg);
        }
        /* A duplicate: the same place and text; for a sweep-file override, the same
         * place and text after "KEY=VALUE: " (one report for a misspelt axis key, not
         * one per value). */
        bool dup = false;
        for (int j = 0; j < to->n && !dup; j++) {
            const DiagEntry *t = &to->e[j];
            size_t tl = strlen(t->msg), cl = core ? strlen(core) : 0;
            bool same_text = strcmp(t->msg, msg) == 0 ||
                             (core && tl > cl && strcmp(t->msg + tl - cl, core) == 0 &&
                              t->msg[tl - cl - 1] == ' ' && t->msg[tl - cl - 2] == ':');
            dup = t->line == line && same_text &&
                  ((!t->file && !file) || (t->file && file && strcmp(t->file, file) == 0));
        }
        if (!dup) {
            if (!label && sw->sp->n_points > 1)
                label = point_label(sw, id);
            diag_error_at(to, file, line, e->col, e->context ? e->context : label, "%s", msg);
        }
        free(msg);
        free(text);
    }
    if (from->dropped)
        to->dropped += from->dropped;
    free(label);
}

/* Loads point `id` into *ri. Returns 0, or 1 with its errors merged into `d`
 * (run_inputs_free is needed either way). */
static int point_load(const Sweep *sw, uint64_t id, RunInputs *ri, Diag *d)
{
    PointInputs p;
    point_inputs(sw, id, &p);
    Overrides ov = { p.ov, p.n };
    Diag pd;
    diag_init(&pd);
    int rc = run_inputs_load(ri, p.file[SWEEP_KEY_ARCH], p.file[SWEEP_KEY_WORKLOAD],
                             p.file[SWEEP_KEY_MAPPING], &ov, &pd);
    if (rc)
        merge_diag(sw, id, &pd, d);
    diag_free(&pd);
    free(p.ov);
    return rc;
}

/* The CSV text that follows the run's columns: ",id,axis values". */
static char *row_extra(const Sweep *sw, uint64_t id)
{
    const SweepSpec *sp = sw->sp;
    int *idx = xcalloc((size_t)sp->n_axes + 1, sizeof *idx);
    sweep_point_index(sp, id, idx);
    Emit e = { 0 };
    char *name = sweep_point_name(sw, id);
    emit_printf(&e, ",%s", name);
    free(name);
    for (int a = 0; a < sp->n_axes; a++)
        for (int k = 0; k < sp->axes[a].n_keys; k++) {
            emit_printf(&e, ",");
            emit_csv_field(&e, sp->axes[a].keys[k].text[idx[a]]);
        }
    free(idx);
    char bad[EMIT_FIELD_MAX];
    return emit_take(&e, bad);  /* no numbers: never NULL */
}

static uint64_t fingerprint(const Sweep *sw, const RunInputs *ri, const char *extra)
{
    uint64_t h = UINT64_C(14695981039346656037);
    h = fnv1a(h, sweep_level_name[sw->level]);
    h = fnv1a(h, extra);
    h = fnv1a(h, ri->arch->effective_cfg);
    h = fnv1a(h, ri->workload->effective_cfg);
    h = fnv1a(h, ri->mapping->effective_cfg);
    return h;
}

int sweep_check_points(Sweep *sw, uint64_t only, Diag *d)
{
    uint64_t lo = only ? only : 1, hi = only ? only : sw->sp->n_points;
    int bad = 0;
    for (uint64_t id = lo; id <= hi && diag_count(d) < DIAG_MAX; id++) {
        RunInputs ri;
        if (point_load(sw, id, &ri, d) == 0) {
            char *extra = row_extra(sw, id);
            sw->hash[id - 1] = fingerprint(sw, &ri, extra);
            free(extra);
        } else {
            bad++;
        }
        run_inputs_free(&ri);
    }
    return bad || diag_count(d) ? 1 : 0;
}

/* ---- markers ------------------------------------------------------------------------------- */

char *sweep_read_marker(const Sweep *sw, uint64_t id, int *state)
{
    char *dir = sweep_point_dir(sw, id);
    char *path = path_join(dir, "done");
    char *text = read_file(path, 1 << 20, NULL);  /* a marker is one CSV row */
    free(path);
    free(dir);
    *state = MARKER_ABSENT;
    if (!text)
        return NULL;
    char *name = sweep_point_name(sw, id);
    char *head = xasprintf("%s %s %016" PRIx64 "\n", MARKER_MAGIC, name, sw->hash[id - 1]);
    free(name);
    char *row = NULL;
    size_t hl = strlen(head), tl = strlen(text);
    if (tl > hl && strncmp(text, head, hl) == 0 && text[tl - 1] == '\n' &&
        !strchr(text + hl, '\n')[1]) {
        row = xstrdup(text + hl);
        *state = MARKER_DONE;
    } else {
        *state = MARKER_STALE;
    }
    free(head);
    free(text);
    return row;
}

int sweep_run_point(const Sweep *sw, uint64_t id, int csv_fd, bool *feasible, Diag *d)
{
    RunInputs ri;
    int rc = 1;
    RunResult rr = { 0 };
    char *dir = sweep_point_dir(sw, id);
    if (point_load(sw, id, &ri, d) == 0) {
        char *extra = row_extra(sw, id);
        uint64_t h = fingerprint(sw, &ri, extra);
        /* The evaluation `einsim run` makes at the sweep's level, energy priced (a
         * training workload runs each of its layers). */
        run_evaluate(&ri, sw->level != SWEEP_ANALYTIC, &rr);
        const EngineResult *res = rr.res;
        PointInputs p;
        point_inputs(sw, id, &p);
        RunReport rep = { ri.arch->name, p.file[SWEEP_KEY_ARCH], ri.workload->name,
                          p.file[SWEEP_KEY_WORKLOAD], ri.mapping->name,
                          p.file[SWEEP_KEY_MAPPING], ri.cascade->name, ri.arch->clock_mhz, res,
                          &rr.cy, &rr.er, rr.training ? &rr.lr : NULL,
                          report_seq_of(ri.workload), &rr.split };
        RunFiles f;
        int bad = report_run_files(&rep, &ri, &f, d);
        char *row = bad ? NULL : xasprintf("%.*s%s\n", (int)strlen(f.row) - 1, f.row, extra);
        char *name = sweep_point_name(sw, id);
        char *marker = bad ? NULL : xasprintf("%s %s %016" PRIx64 "\n%s", MARKER_MAGIC, name, h, row);
        char *mpath = path_join(dir, "done");
        remove_files(dir, false);  /* what an interrupted run left */
        if (!bad && report_write_run_dir(&f, dir, d) == 0) {
            if (sw->test_delay_ms > 0) {
                struct timespec ts = { sw->test_delay_ms / 1000,
                                       (sw->test_delay_ms % 1000) * 1000000L };
                nanosleep(&ts, NULL);
            }
            if (file_write(mpath, marker, strlen(marker), d) == 0) {
                if (csv_fd >= 0 && write(csv_fd, row, strlen(row)) != (ssize_t)strlen(row))
                    diag_error(d, sw->csv_path, 0, "cannot append a row: %s", strerror(errno));
                else
                    rc = 0;
            }
        }
        *feasible = res->feasible;
        free(mpath);
        free(marker);
        free(name);
        free(row);
        report_run_files_free(&f);
        free(p.ov);
        free(extra);
    }
    run_result_free(&rr);
    run_inputs_free(&ri);
    free(dir);
    return rc;
}

int sweep_write_csv(const Sweep *sw, uint64_t *n_done, uint64_t *missing, int n_missing_max,
                    int *n_missing, Diag *d)
{
    char *hdr = sweep_csv_header(sw);
    Buf b = {0};
    buf_printf(&b, "%s", hdr);
    free(hdr);
    *n_done = 0;
    if (n_missing)
        *n_missing = 0;
    for (uint64_t id = 1; id <= sw->sp->n_points; id++) {
        int state;
        char *row = sweep_read_marker(sw, id, &state);
        if (row) {
            buf_printf(&b, "%s", row);
            ++*n_done;
        } else if (n_missing && *n_missing < n_missing_max) {
            missing[(*n_missing)++] = id;
        }
        free(row);
    }
    int rc = 0;
    if (file_write(sw->csv_path, b.s, b.len, d) != 0)
        rc = 1;
    buf_free(&b);
    return rc;
}

/* ---- running many points -------------------------------------------------------------------- */

/* Shared between the parent and the forked workers (an anonymous shared mapping). */
typedef struct {
    atomic_uint_fast64_t next;   /* next index into the pending list */
    atomic_int stop;             /* set by a worker that failed: others stop taking points */
} Shared;

/* One message per finished point, written to the progress pipe (atomic: < PIPE_BUF). */
typedef struct {
    uint64_t id;
    int status;   /* 0 feasible, 4 infeasible, 1 failed */
} Msg;

static void worker(const Sweep *sw, const uint64_t *pending, uint64_t n_pending, Shared *sh,
                   int csv_fd, int msg_fd)
{
    for (;;) {
        if (atomic_load(&sh->stop))
            break;
        uint64_t k = atomic_fetch_add(&sh->next, 1);
        if (k >= n_pending)
            break;
        Diag d;
        diag_init(&d);
        bool feasible = false;
        int rc = sweep_run_point(sw, pending[k], csv_fd, &feasible, &d);
        if (rc) {
            diag_print(&d, stderr);
            atomic_store(&sh->stop, 1);
        }
        diag_free(&d);
        Msg m = { pending[k], rc ? 1 : feasible ? 0 : 4 };
        if (write(msg_fd, &m, sizeof m) != (ssize_t)sizeof m)
            break;
        if (rc)
            break;
    }
}

/* Progress on stderr: a bar redrawn at most 10 times a second on a terminal, one line
 * per point otherwise. */
typedef struct {
    bool tty;
    double start, last_draw;
    uint64_t done, total, infeasible;
} Progress;

static void progress_draw(Progress *p, bool final)
{
    double t = now_s();
    if (!final && t - p->last_draw < 0.1)
        return;
    p->last_draw = t;
    double el = t - p->start;
    double eta = p->done ? el / (double)p->done * (double)(p->total - p->done) : 0;
    int width = 30, fill = p->total ? (int)((double)width * (double)p->done / (double)p->total) : width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %" PRIu64 "/%" PRIu64 " %3.0f%%  %s %d:%02d  infeasible %" PRIu64 " ",
            bar, p->done, p->total, p->total ? 100.0 * (double)p->done / (double)p->total : 100.0,
            final ? "time" : "ETA", (int)(final ? el : eta) / 60, (int)(final ? el : eta) % 60,
            p->infeasible);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

int sweep_run_pending(const Sweep *sw, const uint64_t *pending, uint64_t n_pending, int jobs,
                      int csv_fd, uint64_t *n_infeasible, Diag *d)
{
    *n_infeasible = 0;
    if (n_pending == 0)
        return 0;
    Shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        diag_error(d, NULL, 0, "cannot map shared memory: %s", strerror(errno));
        return 2;
    }
    atomic_init(&sh->next, 0);
    atomic_init(&sh->stop, 0);
    int fds[2];
    if (pipe(fds) != 0) {
        diag_error(d, NULL, 0, "cannot create a pipe: %s", strerror(errno));
        munmap(sh, sizeof *sh);
        return 2;
    }
    if ((uint64_t)jobs > n_pending)
        jobs = (int)n_pending;
    pid_t *pids = xcalloc((size_t)jobs, sizeof *pids);
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    int started = 0;
    for (int w = 0; w < jobs; w++) {
        pid_t pid = fork();
        if (pid < 0) {
            diag_error(d, NULL, 0, "cannot start a worker: %s", strerror(errno));
            break;
        }
        if (pid == 0) {
            close(fds[0]);
#ifdef __linux__
            prctl(PR_SET_PDEATHSIG, SIGKILL);  /* a killed sweep takes its workers along */
#endif
            if (getppid() != parent)
                _exit(1);
            worker(sw, pending, n_pending, sh, csv_fd, fds[1]);
            fflush(stderr);
            _exit(0);
        }
        pids[started++] = pid;
    }
    close(fds[1]);

    Progress pr = { isatty(2) != 0, now_s(), 0, 0, n_pending, 0 };
    int rc = 0;
    Msg m;
    ssize_t got;
    while ((got = read(fds[0], &m, sizeof m)) == (ssize_t)sizeof m) {
        pr.done++;
        if (m.status == 4)
            pr.infeasible++;
        if (m.status == 1)
            rc = 1;
        if (pr.tty) {
            progress_draw(&pr, false);
        } else {
            char *name = sweep_point_name(sw, m.id);
            fprintf(stderr, "einsim sweep: %" PRIu64 "/%" PRIu64 " point %s %s\n", pr.done,
                    pr.total, name, m.status == 0 ? "done" : m.status == 4 ? "infeasible"
                                                                           : "FAILED");
            free(name);
        }
    }
    close(fds[0]);
    if (pr.tty)
        progress_draw(&pr, true);
    for (int w = 0; w < started; w++) {
        int st;
        while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR)
            ;
        if (WIFSIGNALED(st)) {
            diag_error(d, NULL, 0, "a sweep worker died from signal %d", WTERMSIG(st));
            rc = 2;
        } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && rc == 0) {
            rc = 1;
        }
    }
    if (started == 0)
        rc = 2;
    if (rc == 0 && pr.done != n_pending) {
        diag_error(d, NULL, 0, "%" PRIu64 " of %" PRIu64 " points were not evaluated",
                   n_pending - pr.done, n_pending);
        rc = 2;
    }
    *n_infeasible = pr.infeasible;
    free(pids);
    munmap(sh, sizeof *sh);
    return rc;
}
