/* sweep.c — `einsim sweep` (sweep.h): the modes of the command — every point in parallel
 * and resumably, one point, job lists for GNU parallel and Slurm, or a merge — on top
 * of the point evaluation in exec.c. */
#include "sweep/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sweep/sweepInt.h"
#include "util/output.h"
#include "util/util.h"

/* Appends `s` in single quotes for a POSIX shell. */
static void shell_quote(Buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_printf(b, "'\\''");
        else
            buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

/* Monotonic wall time in seconds (for the summary line only, never for results). */
static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses a positive decimal integer <= max; returns 0 on error. */
static uint64_t parse_count(const char *s, uint64_t max)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
        return 0;
    uint64_t v = strtoull(s, NULL, 10);
    return v <= max ? v : 0;
}

/* Takes the non-blocking write lock DIR/sweep.lock and removes the temporaries a killed
 * sweep left in DIR (sweep.csv.tmp.PID); returns the lock's descriptor (keep it open
 * while working) or -1 after reporting into `d`. Interrupted points are cleared when
 * they run again (exec.c). */
static int lock_dir(const Sweep *sw, Diag *d)
{
    char *path = path_join(sw->outdir, "sweep.lock");
    int fd = open(path, O_RDWR | O_CREAT, 0666);
    if (fd < 0) {
        diag_error(d, path, 0, "cannot open: %s", strerror(errno));
    } else {
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            diag_error(d, sw->outdir, 0, "another einsim sweep is using this directory");
            close(fd);
            fd = -1;
        } else {
            remove_files(sw->outdir, true);
        }
    }
    free(path);
    return fd;
}

/* --emit-jobs: FILE with one command per point, FILE.sbatch running line
 * $SLURM_ARRAY_TASK_ID of it. Commands cd to the current directory and call this
 * binary by its absolute path, so they run alike from GNU parallel, on other hosts
 * sharing the file system (--sshloginfile) and under Slurm. */
static int emit_jobs(const Sweep *sw, const char *sweep_path, const char *file, bool level_set,
                     Diag *d)
{
    char exe[4096], cwd[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        diag_error(d, "/proc/self/exe", 0, "cannot find the einsim binary: %s", strerror(errno));
        return 1;
    }
    exe[n] = '\0';
    if (!getcwd(cwd, sizeof cwd)) {
        diag_error(d, NULL, 0, "cannot read the working directory: %s", strerror(errno));
        return 1;
    }
    Buf jobs = {0};
    for (uint64_t id = 1; id <= sw->sp->n_points; id++) {
        char *name = sweep_point_name(sw, id);
        buf_printf(&jobs, "cd ");
        shell_quote(&jobs, cwd);
        buf_printf(&jobs, " && ");
        shell_quote(&jobs, exe);
        buf_printf(&jobs, " sweep ");
        shell_quote(&jobs, sweep_path);
        buf_printf(&jobs, " --point %s -o ", name);
        shell_quote(&jobs, sw->outdir);
        if (level_set)
            buf_printf(&jobs, " --level %s", sweep_level_name[sw->level]);
        for (int i = 0; i < sw->n_sets; i++) {
            char *kv = xasprintf("%s=%s", sw->sets[i].key, sw->sets[i].value);
            buf_printf(&jobs, " --set ");
            shell_quote(&jobs, kv);
            free(kv);
        }
        buf_putc(&jobs, '\n');
        free(name);
    }
    int rc = 1;
    char *sb_path = xasprintf("%s.sbatch", file);
    if (file_write(file, jobs.s, jobs.len, d) == 0) {
        char *abs = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", cwd, file);
        Buf sb = {0};
        buf_printf(&sb, "#!/bin/bash\n"
                        "# Slurm job array for the einsim sweep '%s' (%" PRIu64 " points): task i runs\n"
                        "# line i of the job list. Submit with `sbatch %s`; when every task\n"
                        "# has finished, `einsim sweep %s --merge -o %s` writes sweep.csv.\n"
                        "#SBATCH --job-name=einsim-%s\n"
                        "#SBATCH --array=1-%" PRIu64 "\n"
                        "#SBATCH --ntasks=1\n"
                        "#SBATCH --cpus-per-task=1\n"
                        "#SBATCH --output=einsim-%s-%%A_%%a.log\n"
                        "set -eu\n"
                        "line=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" ",
                   sw->sp->name, sw->sp->n_points, sb_path, sweep_path, sw->outdir,
                   sw->sp->name, sw->sp->n_points, sw->sp->name);
        shell_quote(&sb, abs);
        buf_printf(&sb, ")\nexec bash -c \"$line\"\n");
        if (file_write(sb_path, sb.s, sb.len, d) == 0) {
            printf("wrote %s (%" PRIu64 " jobs) and %s\n"
                   "run them with `parallel < %s` (or `sbatch %s`), then\n"
                   "`einsim sweep %s --merge -o %s`\n",
                   file, sw->sp->n_points, sb_path, file, sb_path, sweep_path, sw->outdir);
            rc = 0;
        }
        buf_free(&sb);
        free(abs);
    }
    free(sb_path);
    buf_free(&jobs);
    return rc;
}

/* --merge: sweep.csv from the markers; lists what is missing. */
static Outcome merge(const Sweep *sw, Diag *d)
{
    enum { SHOW = 20 };
    uint64_t missing[SHOW], n_done;
    int n_missing;
    if (sweep_write_csv(sw, &n_done, missing, SHOW, &n_missing, d))
        return OUTCOME_INPUT;
    uint64_t absent = sw->sp->n_points - n_done;
    printf("%s: %" PRIu64 " of %" PRIu64 " points complete\n", sw->csv_path, n_done,
           sw->sp->n_points);
    if (absent == 0)
        return OUTCOME_OK;
    fprintf(stderr, "einsim sweep: error: %" PRIu64 " point(s) missing or stale:", absent);
    for (int i = 0; i < n_missing; i++) {
        char *name = sweep_point_name(sw, missing[i]);
        fprintf(stderr, " %s", name);
        free(name);
    }
    fprintf(stderr, "%s\n", absent > (uint64_t)n_missing ? " ..." : "");
    return OUTCOME_INPUT;
}

/* The default mode: everything not complete yet, then the final CSV. */
static Outcome run_all(const Sweep *sw, int jobs, Diag *d)
{
    char *points = path_join(sw->outdir, "points");
    Outcome rc = OUTCOME_INPUT;
    if (mkdirs(points) != 0) {
        diag_error(d, points, 0, "cannot create the output directory: %s", strerror(errno));
        free(points);
        return rc;
    }
    free(points);
    int lock = lock_dir(sw, d);
    if (lock < 0)
        return rc;
    double t0 = mono_s();
    uint64_t n = sw->sp->n_points, n_pending = 0, n_done, n_inf = 0;
    uint64_t *pending = xcalloc((size_t)n, sizeof *pending);
    for (uint64_t id = 1; id <= n; id++) {
        int state;
        free(sweep_read_marker(sw, id, &state));
        if (state != MARKER_DONE)
            pending[n_pending++] = id;
    }
    /* Start from the complete points' rows only: drops rows an interrupted run appended
     * for points whose marker it never wrote. */
    if (sweep_write_csv(sw, &n_done, NULL, 0, NULL, d) == 0) {
        int fd = open(sw->csv_path, O_WRONLY | O_APPEND);
        if (fd < 0) {
            diag_error(d, sw->csv_path, 0, "cannot open: %s", strerror(errno));
        } else {
            int prc = sweep_run_pending(sw, pending, n_pending, jobs, fd, &n_inf, d);
            close(fd);
            uint64_t final_done;
            if (sweep_write_csv(sw, &final_done, NULL, 0, NULL, d) == 0 && prc == 0) {
                fprintf(stderr, "einsim sweep: %s: %" PRIu64 " points: %" PRIu64 " evaluated (%"
                        PRIu64 " infeasible), %" PRIu64 " already complete; %.3f s\n",
                        sw->sp->name, n, n_pending, n_inf, n - n_pending, mono_s() - t0);
                printf("%s\n", sw->csv_path);
                rc = final_done == n ? OUTCOME_OK : OUTCOME_INTERNAL;
            } else {
                rc = prc == 2 ? OUTCOME_INTERNAL : OUTCOME_INPUT;
            }
        }
    }
    free(pending);
    close(lock);
    return rc;
}

/* --point ID: one point into its directory, skipped when already complete. */
static Outcome run_one(const Sweep *sw, uint64_t id, Diag *d)
{
    int state;
    free(sweep_read_marker(sw, id, &state));
    char *name = sweep_point_name(sw, id);
    Outcome rc = OUTCOME_OK;
    if (state == MARKER_DONE) {
        printf("point %s: already complete\n", name);
    } else {
        bool feasible = false;
        if (sweep_run_point(sw, id, -1, &feasible, d))
            rc = OUTCOME_INPUT;
        else
            printf("point %s: %s\n", name, feasible ? "done" : "done (infeasible)");
    }
    free(name);
    return rc;
}

Outcome sweep_command(const SweepOptions *o, Diag *d)
{
    Outcome rc = OUTCOME_INPUT;
    SweepSpec *sp = NULL;
    Sweep sw = { 0 };
    if (config_load_sweep(o->file, d, &sp) != 0)
        goto done;
    sw.sp = sp;
    char *default_dir = xasprintf("build/sweeps/%s", sp->name);
    sw.outdir = o->outdir ? o->outdir : default_dir;
    sw.csv_path = path_join(sw.outdir, "sweep.csv");
    sw.level = o->level_set ? o->level : sp->level;
    sw.sets = o->sets;
    sw.n_sets = o->n_sets;
    sw.id_width = 3;
    for (uint64_t n = sp->n_points; n >= 1000; n /= 10)
        sw.id_width++;
    sw.hash = xcalloc((size_t)sp->n_points, sizeof *sw.hash);
    const char *delay = getenv("EINSIM_SWEEP_TEST_DELAY_MS");  /* test hook (tests/README.md) */
    sw.test_delay_ms = delay ? strtol(delay, NULL, 10) : 0;
    if (sw.test_delay_ms < 0 || sw.test_delay_ms > 60000)
        sw.test_delay_ms = 0;

    /* A --set may not fight an axis: the axis would no longer vary. */
    for (int i = 0; i < o->n_sets; i++)
        for (int a = 0; a < sp->n_axes; a++)
            for (int k = 0; k < sp->axes[a].n_keys; k++)
                if (strcmp(o->sets[i].key, sp->axes[a].keys[k].key) == 0)
                    diag_error(d, "<command line>", o->sets[i].index, "--set %s=%s: '%s' is an "
                               "axis of the sweep (%s:%d)", o->sets[i].key, o->sets[i].value,
                               o->sets[i].key, sp->axes[a].keys[k].key_loc.file,
                               sp->axes[a].keys[k].key_loc.line);
    if (diag_count(d))
        goto free_all;

    uint64_t only = 0;
    if (o->mode == SWEEP_POINT) {
        only = parse_count(o->point, sp->n_points);
        if (!only) {
            diag_error(d, "<command line>", 0, "--point %s: expected a point id 1..%" PRIu64,
                       o->point, sp->n_points);
            goto free_all;
        }
    }
    if (sweep_check_points(&sw, only, d))
        goto free_all;
    if (o->mode == SWEEP_POINT)
        rc = run_one(&sw, only, d);
    else if (o->mode == SWEEP_EMIT_JOBS)
        rc = emit_jobs(&sw, o->file, o->emit, o->level_set, d) ? OUTCOME_INPUT : OUTCOME_OK;
    else if (o->mode == SWEEP_MERGE) {
        int lock = mkdirs(sw.outdir) == 0 ? lock_dir(&sw, d) : -1;
        if (lock >= 0) {
            rc = merge(&sw, d);
            close(lock);
        } else if (!diag_count(d)) {
            diag_error(d, sw.outdir, 0, "cannot create: %s", strerror(errno));
        }
    } else {
        rc = run_all(&sw, o->jobs, d);
    }
free_all:
    free(sw.hash);
    free(sw.csv_path);
    free(default_dir);
done:
    if (diag_count(d) && rc == OUTCOME_OK)
        rc = OUTCOME_INPUT;
    sweep_free(sp);
    return rc;
}
