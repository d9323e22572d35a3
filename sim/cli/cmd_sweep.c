/* cmd_sweep.c — `einsim sweep`: argument parsing and dispatch only (sweep_command in
 * sim/sweep/sweep.h runs the points, writes job lists or merges). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sweep/sweep.h"

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
            uint64_t j;
            if (cli_parse_u64(v, &j) || j < 1 || j > 1024) {
                fprintf(stderr, "einsim sweep: error: -j %s: expected 1..1024\n", v);
                goto out;
            }
            jobs = (long)j;
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
    SweepOptions o = { file, outdir, point ? SWEEP_POINT : emit ? SWEEP_EMIT_JOBS
                                   : do_merge ? SWEEP_MERGE : SWEEP_RUN_ALL,
                       point, emit, level != NULL, lv, (int)jobs, sets.v, sets.n };
    rc = cli_finish(&d, sweep_command(&o, &d));
out:
    cli_free_sets(&sets);
    return rc;
}
