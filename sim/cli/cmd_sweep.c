/* cmd_sweep.c — `einsim sweep`: run every point of a sweep file in parallel and
 * resumably, run one point (--point), write job lists for GNU parallel and Slurm
 * (--emit-jobs), or assemble sweep.csv from the point directories (--merge).
 * The evaluation itself and the output layout are in sweep_exec.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sweep_exec.h"
#include "util/util.h"

static const char sweep_usage[] =
    "usage: einsim sweep SWEEP.cfg [-o DIR] [-j N] [--level L] [--set KEY=VALUE]...\n"
    "       einsim sweep SWEEP.cfg --point ID [-o DIR] [--level L] [--set KEY=VALUE]...\n"
    "       einsim sweep SWEEP.cfg --emit-jobs FILE [-o DIR] [--level L] [--set KEY=VALUE]...\n"
    "       einsim sweep SWEEP.cfg --merge [-o DIR] [--level L] [--set KEY=VALUE]...\n"
    "\n"
    "Evaluates every point of the sweep (the cartesian product of its axes) into\n"
    "DIR/points/ID/ (the files of `einsim run -o`, then a `done` marker) and writes\n"
    "DIR/sweep.csv: point id, one column per axis key, then the run's CSV columns, one row\n"
    "per point in point order. Every input of every point is checked before anything runs.\n"
    "Rerunning the same command skips complete points and redoes interrupted ones.\n"
    "Infeasible points are rows with feasible=0 and the reason (exit code 0).\n"
    "  -o DIR            output directory (default: build/sweeps/NAME)\n"
    "  -j N              parallel worker processes (default: the online cores)\n"
    "  --level L         analytic, cycle or both (default: the sweep file's `level`)\n"
    "  --set KEY=VALUE   an override for every point (wins over the file's `set`)\n"
    "  --point ID        evaluate only point ID (1..N) into its directory; no CSV\n"
    "  --emit-jobs FILE  write one shell command per point to FILE (for `parallel < FILE`)\n"
    "                    and a Slurm array script FILE.sbatch; run nothing\n"
    "  --merge           rebuild DIR/sweep.csv from the point directories and list the\n"
    "                    points that are missing (exit code 1 when any is)\n";

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

/* Takes the non-blocking write lock DIR/sweep.lock; returns its descriptor (keep it
 * open while working) or -1 after reporting into `d`. */
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
    if (write_file_atomic(file, jobs.s, jobs.len) != 0) {
        diag_error(d, file, 0, "cannot write: %s", strerror(errno));
    } else {
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
        if (write_file_atomic(sb_path, sb.s, sb.len) != 0) {
            diag_error(d, sb_path, 0, "cannot write: %s", strerror(errno));
        } else {
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
static int merge(const Sweep *sw, Diag *d)
{
    enum { SHOW = 20 };
    uint64_t missing[SHOW], n_done;
    int n_missing;
    if (sweep_write_csv(sw, &n_done, missing, SHOW, &n_missing, d))
        return EXIT_INPUT;
    uint64_t absent = sw->sp->n_points - n_done;
    printf("%s: %" PRIu64 " of %" PRIu64 " points complete\n", sw->csv_path, n_done,
           sw->sp->n_points);
    if (absent == 0)
        return EXIT_OK;
    fprintf(stderr, "einsim sweep: error: %" PRIu64 " point(s) missing or stale:", absent);
    for (int i = 0; i < n_missing; i++) {
        char *name = sweep_point_name(sw, missing[i]);
        fprintf(stderr, " %s", name);
        free(name);
    }
    fprintf(stderr, "%s\n", absent > (uint64_t)n_missing ? " ..." : "");
    return EXIT_INPUT;
}

/* The default mode: everything not complete yet, then the final CSV. */
static int run_all(const Sweep *sw, int jobs, Diag *d)
{
    char *points = path_join(sw->outdir, "points");
    int rc = EXIT_INPUT;
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
                rc = final_done == n ? EXIT_OK : EXIT_INTERNAL;
            } else {
                rc = prc == 2 ? EXIT_INTERNAL : EXIT_INPUT;
            }
        }
    }
    free(pending);
    close(lock);
    return rc;
}

/* --point ID: one point into its directory, skipped when already complete. */
static int run_one(const Sweep *sw, uint64_t id, Diag *d)
{
    int state;
    free(sweep_read_marker(sw, id, &state));
    char *name = sweep_point_name(sw, id);
    int rc = EXIT_OK;
    if (state == MARKER_DONE) {
        printf("point %s: already complete\n", name);
    } else {
        bool feasible = false;
        if (sweep_run_point(sw, id, -1, &feasible, d))
            rc = EXIT_INPUT;
        else
            printf("point %s: %s\n", name, feasible ? "done" : "done (infeasible)");
    }
    free(name);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    SetList sets = {0};
    const char *file = NULL, *outdir = NULL, *emit = NULL, *point = NULL, *level = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    bool do_merge = false;
    int rc = EXIT_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(sweep_usage, stdout);
            cli_free_sets(&sets);
            return EXIT_OK;
        }
        if (strcmp(a, "--merge") == 0) {
            do_merge = true;
            continue;
        }
        if (a[0] != '-') {
            if (file) {
                fprintf(stderr, "einsim sweep: error: one sweep file expected, got '%s' and "
                        "'%s'\n", file, a);
                goto out;
            }
            file = a;
            continue;
        }
        if (!v) {
            fprintf(stderr, "einsim sweep: error: '%s' needs a value or is unknown\n%s", a,
                    sweep_usage);
            goto out;
        }
        if (strcmp(a, "-o") == 0) {
            outdir = v;
        } else if (strcmp(a, "-j") == 0) {
            jobs = (long)parse_count(v, 1024);
            if (jobs == 0) {
                fprintf(stderr, "einsim sweep: error: -j %s: expected 1..1024\n", v);
                goto out;
            }
        } else if (strcmp(a, "--level") == 0) {
            level = v;
        } else if (strcmp(a, "--emit-jobs") == 0) {
            emit = v;
        } else if (strcmp(a, "--point") == 0) {
            point = v;
        } else if (strcmp(a, "--set") == 0) {
            if (cli_add_set(&sets, v))
                goto out;
        } else {
            fprintf(stderr, "einsim sweep: error: unknown option '%s'\n%s", a, sweep_usage);
            goto out;
        }
        i++;
    }
    if (!file) {
        fprintf(stderr, "einsim sweep: error: a sweep file is required\n%s", sweep_usage);
        goto out;
    }
    if ((emit != NULL) + (point != NULL) + do_merge > 1) {
        fprintf(stderr, "einsim sweep: error: --point, --emit-jobs and --merge exclude each "
                "other\n");
        goto out;
    }
    SweepLevel lv = SWEEP_BOTH;
    if (level) {
        int k = 0;
        while (k < 3 && strcmp(level, sweep_level_name[k]) != 0)
            k++;
        if (k == 3) {
            fprintf(stderr, "einsim sweep: error: --level %s: expected analytic, cycle or "
                    "both\n", level);
            goto out;
        }
        lv = (SweepLevel)k;
    }
    if (jobs < 1)
        jobs = 1;

    Diag d;
    diag_init(&d);
    SweepSpec *sp = NULL;
    Sweep sw = { 0 };
    if (config_load_sweep(file, &d, &sp) != 0)
        goto done;
    sw.sp = sp;
    char *default_dir = xasprintf("build/sweeps/%s", sp->name);
    sw.outdir = outdir ? outdir : default_dir;
    sw.csv_path = path_join(sw.outdir, "sweep.csv");
    sw.level = level ? lv : sp->level;
    sw.sets = sets.v;
    sw.n_sets = sets.n;
    sw.id_width = 3;
    for (uint64_t n = sp->n_points; n >= 1000; n /= 10)
        sw.id_width++;
    sw.hash = xcalloc((size_t)sp->n_points, sizeof *sw.hash);
    const char *delay = getenv("EINSIM_SWEEP_TEST_DELAY_MS");  /* test hook (README) */
    sw.test_delay_ms = delay ? strtol(delay, NULL, 10) : 0;
    if (sw.test_delay_ms < 0 || sw.test_delay_ms > 60000)
        sw.test_delay_ms = 0;

    /* A --set may not fight an axis: the axis would no longer vary. */
    for (int i = 0; i < sets.n; i++)
        for (int a = 0; a < sp->n_axes; a++)
            for (int k = 0; k < sp->axes[a].n_keys; k++)
                if (strcmp(sets.v[i].key, sp->axes[a].keys[k].key) == 0)
                    diag_error(&d, "<command line>", sets.v[i].index, "--set %s=%s: '%s' is an "
                               "axis of the sweep (%s:%d)", sets.v[i].key, sets.v[i].value,
                               sets.v[i].key, sp->axes[a].keys[k].key_loc.file,
                               sp->axes[a].keys[k].key_loc.line);
    if (diag_count(&d))
        goto free_all;

    uint64_t only = 0;
    if (point) {
        only = parse_count(point, sp->n_points);
        if (!only) {
            diag_error(&d, "<command line>", 0, "--point %s: expected a point id 1..%" PRIu64,
                       point, sp->n_points);
            goto free_all;
        }
    }
    if (sweep_check_points(&sw, only, &d))
        goto free_all;
    if (point)
        rc = run_one(&sw, only, &d);
    else if (emit)
        rc = emit_jobs(&sw, file, emit, level != NULL, &d) ? EXIT_INPUT : EXIT_OK;
    else if (do_merge) {
        int lock = mkdirs(sw.outdir) == 0 ? lock_dir(&sw, &d) : -1;
        if (lock >= 0) {
            rc = merge(&sw, &d);
            close(lock);
        } else if (!diag_count(&d)) {
            diag_error(&d, sw.outdir, 0, "cannot create: %s", strerror(errno));
        }
    } else {
        rc = run_all(&sw, (int)jobs, &d);
    }
free_all:
    free(sw.hash);
    free(sw.csv_path);
    free(default_dir);
done:
    if (cli_report(&d) && rc == EXIT_OK)
        rc = EXIT_INPUT;
    diag_free(&d);
    sweep_free(sp);
out:
    cli_free_sets(&sets);
    return rc;
}
