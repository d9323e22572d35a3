/* cmd_search.c — `einsim search`: argument parsing and dispatch only (search_command in
 * sim/search/command.h runs the mapper and writes its results). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "search/command.h"

static const char search_usage[] =
    "usage: einsim search -a ARCH.cfg -w WORKLOAD.cfg -m TEMPLATE.cfg\n"
    "                     [--objective latency|energy|edp] [--pareto latency,energy]\n"
    "                     [--seed N] [-j N] [--max-evals N] [--top K] [--set KEY=VALUE]...\n"
    "                     [-o DIR]\n"
    "\n"
    "Explores the free choices of a mapping template (its mapping.search group: tile,\n"
    "binding, order) with the analytic engine and prints the best mappings and the\n"
    "rejected candidates counted per reason. The space is enumerated exhaustively when it\n"
    "holds at most --max-evals candidates, else searched by iterated local search from\n"
    "seeded random starts; the result depends on the seed and budget, not on -j.\n"
    "  --objective O     latency (cycles, default), energy (pJ) or edp (pJ*s)\n"
    "  --pareto latency,energy  also report the latency-energy Pareto front\n"
    "  --seed N          seed of the random starts (default 1)\n"
    "  -j N              worker threads (default: the online cores)\n"
    "  --max-evals N     evaluation budget and exhaustive threshold (default 1000000)\n"
    "  --top K           best mappings kept and written (default 3)\n"
    "  -o DIR            write DIR/best-1.cfg..best-K.cfg (each runs with `einsim run -m`),\n"
    "                    DIR/summary.txt, DIR/pareto.csv (with --pareto) and\n"
    "                    DIR/run_info.txt (threads, wall time, speed), each atomically\n"
    "Exit code 4 when no candidate is valid.\n";

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
                        SEARCH_DEFAULT_MAX_EVALS, 3 };
    int rc = EXIT_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t x;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(search_usage, stdout);
            cli_free_sets(&in.sets);
            return EXIT_OK;
        }
        if (!v) {
            fprintf(stderr, "einsim search: error: '%s' needs a value or is unknown\n%s", a,
                    search_usage);
            goto out;
        }
        int got = cli_input_opt(&in, argc, argv, &i);
        if (got < 0)
            goto out;
        if (got > 0)
            continue;
        if (strcmp(a, "--objective") == 0) {
            int k = -1;
            for (int j = 0; j < 3; j++)
                if (strcmp(v, search_objective_name[j]) == 0)
                    k = j;
            if (k < 0) {
                fprintf(stderr, "einsim search: error: --objective %s: expected latency, energy "
                        "or edp\n", v);
                goto out;
            }
            o.objective = (SearchObjective)k;
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
        } else {
            fprintf(stderr, "einsim search: error: unknown option '%s'\n%s", a, search_usage);
            goto out;
        }
        i++;
    }
    if (!in.arch || !in.workload || !in.mapping) {
        fprintf(stderr, "einsim search: error: -a, -w and -m are required\n%s", search_usage);
        goto out;
    }
    Diag d;
    diag_init(&d);
    SearchCommand c = { in.arch, in.workload, in.mapping, in.outdir, cli_overrides(&in.sets), o };
    rc = cli_finish(&d, search_command(&c, &d));
out:
    cli_free_sets(&in.sets);
    return rc;
}
