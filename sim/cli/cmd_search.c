/* cmd_search.c — `einsim search`: argument parsing and dispatch only (search_command in
 * sim/search/command.h runs the mapper and writes its results). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "search/command.h"

static const CliOpt search_opts[] = {
    CLI_OPT_ARCH,
    CLI_OPT_WORKLOAD,
    { "-m", "TEMPLATE.cfg", "the mapping template (a mapping with a mapping.search group)",
      CLI_REQUIRED },
    { "--objective", "latency|energy|edp", "latency (cycles, default), energy (pJ) or edp (pJ*s)",
      0 },
    { "--pareto", "latency,energy", "also report the latency-energy Pareto front", 0 },
    { "--seed", "N", "seed of the random starts (default 1)", 0 },
    { "-j", "N", "worker threads (default: the online cores)", 0 },
    { "--max-evals", "N", "evaluation budget and exhaustive threshold (default 1000000)", 0 },
    { "--top", "K", "best mappings kept and written (default 3)", 0 },
    CLI_OPT_SET,
    { "--no-progress", NULL, "no progress line on stderr (evaluated, valid, best so far,\n"
                             "rate, ETA; printed about once a second and at the end)", 0 },
    { "-o", "DIR", "write DIR/best-1.cfg..best-K.cfg (each runs with `einsim run -m`\n"
                   "from any folder: the cascade is inline), DIR/summary.txt,\n"
                   "DIR/pareto.csv and DIR/pareto-N.cfg (with --pareto: one row and\n"
                   "one mapping file per point, the row naming its id and file) and\n"
                   "DIR/run_info.txt (threads, wall time, speed), each atomically", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec search_spec = {
    "search", NULL,
    "Explores the free choices of a mapping template (its mapping.search group: tile,\n"
    "binding, order) with the analytic engine and prints the best mappings and the\n"
    "rejected candidates counted per reason. The space is enumerated exhaustively when it\n"
    "holds at most --max-evals candidates, else searched by iterated local search from\n"
    "seeded random starts; the result depends on the seed and budget, not on -j.\n",
    search_opts, "Exit code 4 when no candidate is valid.\n",
};

static int parse_u64(const char *opt, const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t x;
    if (cli_parse_u64(v, &x) != 0 || x < lo || x > hi) {
        fprintf(stderr, "einsim search: error: %s %s: expected an integer in %llu..%llu\n", opt, v,
                (unsigned long long)lo, (unsigned long long)hi);
        return 1;
    }
    *out = x;
    return 0;
}

int cmd_search(int argc, char **argv)
{
    CliInputs in = { 0 };
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    SearchOptions o = { SEARCH_LATENCY, false, 1, ncpu > 0 ? (int)ncpu : 1,
                        SEARCH_DEFAULT_MAX_EVALS, 3, stderr, 1.0 };
    int rc = EXIT_INPUT;
    CliArgs p = { &search_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        uint64_t x;
        if (k == CLI_HELP) {
            rc = EXIT_OK;
            goto out;
        }
        if (k == CLI_ERR)
            goto out;
        const char *a = search_opts[k].name;
        int got = cli_input_take(&in, a, v);
        if (got < 0)
            goto out;
        if (got)
            continue;
        if (strcmp(a, "--objective") == 0) {
            int j = -1;
            for (int t = 0; t < 3; t++)
                if (strcmp(v, search_objective_name[t]) == 0)
                    j = t;
            if (j < 0) {
                fprintf(stderr, "einsim search: error: --objective %s: expected latency, energy "
                        "or edp\n", v);
                goto out;
            }
            o.objective = (SearchObjective)j;
        } else if (strcmp(a, "--pareto") == 0) {
            if (strcmp(v, "latency,energy") != 0 && strcmp(v, "energy,latency") != 0) {
                fprintf(stderr, "einsim search: error: --pareto %s: the front is of latency,energy\n", v);
                goto out;
            }
            o.pareto = true;
        } else if (strcmp(a, "--seed") == 0) {
            if (parse_u64(a, v, 0, UINT64_MAX, &o.seed))
                goto out;
        } else if (strcmp(a, "-j") == 0) {
            if (parse_u64(a, v, 1, 256, &x))
                goto out;
            o.threads = (int)x;
        } else if (strcmp(a, "--max-evals") == 0) {
            if (parse_u64(a, v, 1, UINT64_C(1) << 40, &o.max_evals))
                goto out;
        } else if (strcmp(a, "--top") == 0) {
            if (parse_u64(a, v, 1, 1000, &x))
                goto out;
            o.top_k = (int)x;
        } else { /* --no-progress */
            o.progress = NULL;
        }
    }
    if (cli_check_required(&p))
        goto out;
    Diag d;
    diag_init(&d);
    SearchCommand c = { in.arch, in.workload, in.mapping, in.outdir, cli_overrides(&in.sets), o };
    rc = cli_finish(&d, search_command(&c, &d));
out:
    cli_free_sets(&in.sets);
    return rc;
}
