/* cmd_sweep.c — `einsim sweep`: argument parsing and dispatch only (sweep_command in
 * sim/sweep/sweep.h runs the points, writes job lists or merges). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sweep/sweep.h"

static const CliOpt sweep_opts[] = {
    { "-o", "DIR", "output directory (default: build/sweeps/NAME)", 0 },
    { "-j", "N", "parallel worker processes (default: the online cores)", 0 },
    { "--level", "analytic|cycle|both", "default: the sweep file's `level`", 0 },
    { "--set", "KEY=VALUE", "an override for every point (wins over the file's `set`)",
      CLI_REPEAT },
    { "--point", "ID", "evaluate only point ID (1..N) into its directory; no CSV", 0 },
    { "--emit-jobs", "FILE", "write one shell command per point to FILE (for `parallel < FILE`)\n"
                             "and a Slurm array script FILE.sbatch; run nothing", 0 },
    { "--merge", NULL, "rebuild DIR/sweep.csv from the point directories and list the\n"
                       "points that are missing (exit code 1 when any is)", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec sweep_spec = {
    "sweep", "SWEEP.cfg",
    "Evaluates every point of the sweep (the cartesian product of its axes) into\n"
    "DIR/points/ID/ (the files of `einsim run -o`, then a `done` marker) and writes\n"
    "DIR/sweep.csv: point id, one column per axis key, then the run's CSV columns, one row\n"
    "per point in point order. Every input of every point is checked before anything runs.\n"
    "Rerunning the same command skips complete points and redoes interrupted ones.\n"
    "Infeasible points are rows with feasible=0 and the reason (exit code 0).\n"
    "--point, --emit-jobs and --merge exclude each other.\n",
    sweep_opts, NULL,
};

int cmd_sweep(int argc, char **argv)
{
    SetList sets = {0};
    const char *file = NULL, *outdir = NULL, *emit = NULL, *point = NULL, *level = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    bool do_merge = false;
    int rc = EXIT_INPUT;
    CliArgs p = { &sweep_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP) {
            cli_free_sets(&sets);
            return EXIT_OK;
        }
        if (k == CLI_ERR)
            goto out;
        if (k == CLI_ARG) {
            if (file) {
                fprintf(stderr, "einsim sweep: error: one sweep file expected, got '%s' and "
                        "'%s'\n", file, v);
                goto out;
            }
            file = v;
            continue;
        }
        const char *a = sweep_opts[k].name;
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
        } else if (strcmp(a, "--merge") == 0) {
            do_merge = true;
        } else if (cli_add_set(&sets, v)) { /* --set */
            goto out;
        }
    }
    if (!file) {
        fprintf(stderr, "einsim sweep: error: a sweep file is required\n");
        cli_usage(&sweep_spec, stderr);
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
