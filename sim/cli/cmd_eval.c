/* cmd_eval.c — `einsim eval CASCADE`: argument parsing and dispatch only (run_eval in
 * sim/run/run.h evaluates and prints). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "run/run.h"

static const CliOpt eval_opts[] = {
    { "--rank", "NAME=SIZE", "size of a root rank (E, F, M, P, ...) or of an inner partition\n"
                             "rank (M0); outer partition ranks are derived", CLI_REPEAT },
    { "-a", "ARCH.cfg", "fixed-point arithmetic of this architecture (default: 16-bit\n"
                        "words, 8 fractional bits, 32-bit accumulators, 5-term exp)", 0 },
    { "--seed", "N", "seed of the random inputs (default 1)", 0 },
    { "--range", "LO,HI", "inputs uniform in [LO, HI) (default -1,1)", 0 },
    { "--nm", "N:M", "N:M pattern for cascades that prune (e.g. 2:4)", 0 },
    { "--ref", "OTHER.cfg", "the reference is this cascade (same inputs and ranks by name)", 0 },
    { "--tol", "REL", "largest double-precision relative error (default 1e-9)", 0 },
    { "--tol-lsb", "LSB", "largest fixed-point error in LSB (default: the bound that\n"
                          "sim/func/README.md states for the reference's problem family,\n"
                          "else 16)", 0 },
    CLI_OPT_SET,
    { NULL, NULL, NULL, 0 },
};
const CliSpec eval_spec = {
    "eval", "CASCADE.cfg",
    "Evaluates the cascade on uniform random inputs, drawn on the fixed-point grid so that\n"
    "both arithmetics see the same values, in double precision and in fixed point, and\n"
    "prints, per output, the maximum absolute error and the maximum relative error\n"
    "|x - r| / max(|r|, 1e-6 max|r|) of the double-precision result, and the maximum\n"
    "absolute error of the fixed-point result (also in units of its least significant bit),\n"
    "against a direct double-precision reference of the cascade's problem family (softmax\n"
    "attention and its masked, grouped-query, mixture-of-heads and linear variants, GEMM,\n"
    "N:M training), or against another cascade evaluated in double precision (--ref).\n"
    "Exits with 5 when an output exceeds the tolerance.\n",
    eval_opts, NULL,
};

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
    CliArgs p = { &eval_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP) {
            rc = EXIT_OK;
            goto out;
        }
        if (k == CLI_ERR)
            goto out;
        if (k == CLI_ARG) {
            if (cascade_path) {
                fprintf(stderr, "einsim eval: error: unexpected argument '%s'\n", v);
                goto out;
            }
            cascade_path = v;
            continue;
        }
        const char *a = eval_opts[k].name;
        if (strcmp(a, "--rank") == 0) {
            const char *eq = strchr(v, '=');
            uint64_t n;
            if (!eq || eq == v || eq - v >= 32 || nr == CASCADE_MAX_RANKS || cli_parse_u64(eq + 1, &n)) {
                fprintf(stderr, "einsim eval: error: --rank expects NAME=SIZE, got '%s'\n", v);
                goto out;
            }
            snprintf(rank_names[nr], sizeof rank_names[nr], "%.*s", (int)(eq - v), v);
            ranks[nr] = (RankSize){ rank_names[nr], n, { "<command line>", 0 } };
            nr++;
        } else if (strcmp(a, "-a") == 0) {
            arch_path = v;
        } else if (strcmp(a, "--seed") == 0) {
            if (cli_parse_u64(v, &seed)) {
                fprintf(stderr, "einsim eval: error: --seed expects a non-negative integer\n");
                goto out;
            }
        } else if (strcmp(a, "--range") == 0) {
            char *end;
            lo = strtod(v, &end);
            if (*end != ',' || (hi = strtod(end + 1, &end), *end) || !(lo < hi) ||
                !isfinite(lo) || !isfinite(hi)) {
                fprintf(stderr, "einsim eval: error: --range expects LO,HI with LO < HI\n");
                goto out;
            }
        } else if (strcmp(a, "--ref") == 0) {
            ref_path = v;
        } else if (strcmp(a, "--tol") == 0 || strcmp(a, "--tol-lsb") == 0) {
            char *end;
            double x = strtod(v, &end);
            if (*end || !isfinite(x) || x < 0 || v[0] == '\0') {
                fprintf(stderr, "einsim eval: error: %s expects a non-negative number, got '%s'\n",
                        a, v);
                goto out;
            }
            *(strcmp(a, "--tol") == 0 ? &tol : &tol_lsb) = x;
        } else if (strcmp(a, "--nm") == 0) {
            nm_text = v;
        } else if (cli_add_set(&sets, v)) { /* --set */
            goto out;
        }
    }
    if (!cascade_path) {
        cli_usage(&eval_spec, stderr);
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
