/* cmd_eval.c — `einsim eval CASCADE`: argument parsing and dispatch only (run_eval in
 * sim/run/run.h evaluates and prints). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "run/run.h"

static const char eval_usage[] =
    "usage: einsim eval CASCADE.cfg --rank NAME=SIZE... [-a ARCH.cfg] [--seed N]\n"
    "                   [--range LO,HI] [--nm N:M] [--ref OTHER.cfg] [--tol REL]\n"
    "                   [--tol-lsb LSB] [--set KEY=VALUE]...\n"
    "\n"
    "Evaluates the cascade on uniform random inputs in [LO, HI) (default -1,1; seed 1),\n"
    "drawn on the fixed-point grid so that both arithmetics see the same values, in\n"
    "double precision and in the fixed-point arithmetic of ARCH (default: 16-bit words,\n"
    "8 fractional bits, 32-bit accumulators, 5-term exp), and prints, per output, the\n"
    "maximum absolute error and the maximum relative error |x - r| / max(|r|, 1e-6 max|r|)\n"
    "of the double-precision result, and the maximum absolute error of the fixed-point\n"
    "result (also in units of its least significant bit), against a direct\n"
    "double-precision reference of the cascade's problem family (softmax attention and\n"
    "its masked, grouped-query, mixture-of-heads and linear variants, GEMM, N:M training),\n"
    "or against another cascade evaluated in double precision (--ref). Exits with 5 when\n"
    "an output exceeds the tolerance.\n"
    "  --rank NAME=SIZE  size of a root rank (E, F, M, P, ...) or of an inner partition\n"
    "                    rank (M0); outer partition ranks are derived\n"
    "  --nm N:M          N:M pattern for cascades that prune (e.g. 2:4)\n"
    "  --ref OTHER.cfg   the reference is this cascade (same inputs and ranks by name)\n"
    "  --tol REL         largest double-precision relative error (default 1e-9)\n"
    "  --tol-lsb LSB     largest fixed-point error in LSB (default: the bound the README\n"
    "                    states for the reference's problem family, else 16)\n";

int cmd_eval(int argc, char **argv)
{
    SetList sets = {0};
    const char *cascade_path = NULL, *arch_path = NULL, *nm_text = NULL, *ref_path = NULL;
    double tol = 1e-9, tol_lsb = -1;
    RankSize ranks[CASCADE_MAX_RANKS];
    char rank_names[CASCADE_MAX_RANKS][32];
    int nr = 0, rc = EXIT_INPUT;
    uint64_t seed = 1;
    double lo = -1, hi = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(eval_usage, stdout);
            cli_free_sets(&sets);
            return EXIT_OK;
        } else if (strcmp(a, "--rank") == 0 && v) {
            const char *eq = strchr(v, '=');
            uint64_t n;
            if (!eq || eq == v || eq - v >= 32 || nr == CASCADE_MAX_RANKS || cli_parse_u64(eq + 1, &n)) {
                fprintf(stderr, "einsim eval: error: --rank expects NAME=SIZE, got '%s'\n", v);
                goto out;
            }
            snprintf(rank_names[nr], sizeof rank_names[nr], "%.*s", (int)(eq - v), v);
            ranks[nr] = (RankSize){ rank_names[nr], n, { "<command line>", 0 } };
            nr++;
            i++;
        } else if (strcmp(a, "-a") == 0 && v) {
            arch_path = v;
            i++;
        } else if (strcmp(a, "--seed") == 0 && v) {
            if (cli_parse_u64(v, &seed)) {
                fprintf(stderr, "einsim eval: error: --seed expects a non-negative integer\n");
                goto out;
            }
            i++;
        } else if (strcmp(a, "--range") == 0 && v) {
            char *end;
            lo = strtod(v, &end);
            if (*end != ',' || (hi = strtod(end + 1, &end), *end) || !(lo < hi) ||
                !isfinite(lo) || !isfinite(hi)) {
                fprintf(stderr, "einsim eval: error: --range expects LO,HI with LO < HI\n");
                goto out;
            }
            i++;
        } else if (strcmp(a, "--ref") == 0 && v) {
            ref_path = v;
            i++;
        } else if ((strcmp(a, "--tol") == 0 || strcmp(a, "--tol-lsb") == 0) && v) {
            char *end;
            double x = strtod(v, &end);
            if (*end || !isfinite(x) || x < 0 || v[0] == '\0') {
                fprintf(stderr, "einsim eval: error: %s expects a non-negative number, got '%s'\n",
                        a, v);
                goto out;
            }
            *(strcmp(a, "--tol") == 0 ? &tol : &tol_lsb) = x;
            i++;
        } else if (strcmp(a, "--nm") == 0 && v) {
            nm_text = v;
            i++;
        } else if (strcmp(a, "--set") == 0 && v) {
            if (cli_add_set(&sets, v))
                goto out;
            i++;
        } else if (a[0] == '-' || cascade_path) {
            fprintf(stderr, "einsim eval: error: unexpected argument '%s'\n%s", a, eval_usage);
            goto out;
        } else {
            cascade_path = a;
        }
    }
    if (!cascade_path) {
        fputs(eval_usage, stderr);
        goto out;
    }
    NMPattern nm = { 1, 1, true };
    if (nm_text && nm_parse(nm_text, &nm)) {
        fprintf(stderr, "einsim eval: error: --nm '%s': expected N:M with 1 <= N <= M <= 64, "
                "or dense\n", nm_text);
        goto out;
    }

    Diag d;
    diag_init(&d);
    EvalRequest r = { cascade_path, arch_path, ref_path, tol, tol_lsb, ranks, nr, seed, lo, hi,
                      nm_text, nm, cli_overrides(&sets) };
    rc = cli_finish(&d, run_eval(&r, &d));
out:
    cli_free_sets(&sets);
    return rc;
}
