/* cmd_cosim_nm.c — `einsim nm-rtl-params` and `einsim cosim-nm`: argument parsing and
 * dispatch only (nm_rtl_params_command and nm_cosim_command in sim/cosim/nmcosim.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cosim/nmcosim.h"

static const char params_usage[] =
    "usage: einsim nm-rtl-params ARCH.cfg [--unit NAME] [--set KEY=VALUE]... [-o FILE]\n"
    "\n"
    "Writes the Verilog header of rtl/nm/ (einsim_nm_params.vh: PEs, lanes, window,\n"
    "latencies, accumulators, widths, supported patterns) generated from the\n"
    "architecture's sparse unit (the first, or --unit), to FILE (atomically) or stdout.\n";

static const char cosim_usage[] =
    "usage: einsim cosim-nm -a ARCH.cfg --lib LIB.so [--nm dense|N:M] [--outputs O]\n"
    "                       [--cols N] [--red K] [--interleave I] [--seed S]\n"
    "                       [--corrupt-meta repeated|unsorted|range] [--unit NAME]\n"
    "                       [--weights FILE] [--set KEY=VALUE]...\n"
    "\n"
    "Co-simulates the N:M sparse array RTL (rtl/nm/, built by make cosim-nm-lib into\n"
    "build/cosim/nm/ARCH/VARIANT/libeinsim_cosim.so) on a seeded GEMM Y = W X, W O x K\n"
    "pruned N:M along K (default 2:8; dense = the multiplexer-free mode), X K x N, and\n"
    "compares every output bit-exact with the C model (nm_mac_group_fx) and every beat's\n"
    "issue and accumulate cycle with sparse_pe_timeline(). Defaults: O = 2 x PEs,\n"
    "I = the accumulators, N = 2 x I, K = 64, seed 1.\n"
    "--weights FILE co-simulates the N:M-compressed weights of FILE (pattern, rows = O,\n"
    "k = K, values, in-group indices; see README) instead of seeded random ones; its\n"
    "metadata is checked at load time (file:line errors, exit 1).\n"
    "--corrupt-meta injects invalid metadata into one group: the C model must reject it\n"
    "and the RTL must raise its assertion flag at the same beat, PE and lane (exit 1).\n"
    "Exit: 0 match, 1 input error, 2 internal error, 3 mismatch (each one listed with\n"
    "its output, beat/groups and cycle).\n";

int cmd_nm_rtl_params(int argc, char **argv)
{
    SetList sets = { 0 };
    const char *arch = NULL, *outp = NULL, *unit = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(params_usage, stdout);
            cli_free_sets(&sets);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
            if (cli_add_set(&sets, argv[++i])) {
                cli_free_sets(&sets);
                return EXIT_INPUT;
            }
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            outp = argv[++i];
        } else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc) {
            unit = argv[++i];
        } else if (argv[i][0] == '-' || arch) {
            fprintf(stderr, "einsim nm-rtl-params: error: unexpected argument '%s'\n%s", argv[i],
                    params_usage);
            cli_free_sets(&sets);
            return EXIT_INPUT;
        } else {
            arch = argv[i];
        }
    }
    if (!arch) {
        fputs(params_usage, stderr);
        cli_free_sets(&sets);
        return EXIT_INPUT;
    }
    Diag d;
    diag_init(&d);
    Overrides ov = cli_overrides(&sets);
    int rc = cli_finish(&d, nm_rtl_params_command(arch, unit, &ov, outp, &d));
    cli_free_sets(&sets);
    return rc;
}

/* Parses a non-negative decimal below 2^32; returns 0 or -1. */
static int parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;
    if (cli_parse_u64(s, &v) != 0 || v > 0xffffffffULL)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int cmd_cosim_nm(int argc, char **argv)
{
    SetList sets = { 0 };
    const char *arch = NULL, *nm = "2:8", *corrupt = NULL, *weights = NULL;
    NmCosimOptions o = { .seed = 1, .red_k = 64, .max_report = 20 };
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint32_t *num = NULL;
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            fputs(cosim_usage, stdout);
            cli_free_sets(&sets);
            return EXIT_OK;
        }
        if (!val || opt[0] != '-') {
            fprintf(stderr, "einsim cosim-nm: error: unexpected argument '%s'\n%s", opt,
                    cosim_usage);
            cli_free_sets(&sets);
            return EXIT_INPUT;
        }
        i++;
        if (strcmp(opt, "--set") == 0) {
            if (cli_add_set(&sets, val)) {
                cli_free_sets(&sets);
                return EXIT_INPUT;
            }
        } else if (strcmp(opt, "-a") == 0) {
            arch = val;
        } else if (strcmp(opt, "--lib") == 0) {
            o.lib = val;
        } else if (strcmp(opt, "--nm") == 0) {
            nm = val;
        } else if (strcmp(opt, "--unit") == 0) {
            o.unit = val;
        } else if (strcmp(opt, "--weights") == 0) {
            weights = val;
        } else if (strcmp(opt, "--corrupt-meta") == 0) {
            corrupt = val;
        } else if (strcmp(opt, "--seed") == 0) {
            if (cli_parse_u64(val, &o.seed) != 0) {
                fprintf(stderr, "einsim cosim-nm: error: --seed expects an integer, not '%s'\n",
                        val);
                cli_free_sets(&sets);
                return EXIT_INPUT;
            }
        } else if (strcmp(opt, "--outputs") == 0) {
            num = &o.outs_o;
        } else if (strcmp(opt, "--cols") == 0) {
            num = &o.cols_n;
        } else if (strcmp(opt, "--red") == 0) {
            num = &o.red_k;
        } else if (strcmp(opt, "--interleave") == 0) {
            num = &o.interleave;
        } else {
            fprintf(stderr, "einsim cosim-nm: error: unknown option '%s'\n%s", opt, cosim_usage);
            cli_free_sets(&sets);
            return EXIT_INPUT;
        }
        if (num && (parse_u32(val, num) != 0 || *num == 0)) {
            fprintf(stderr, "einsim cosim-nm: error: %s expects a positive integer, not '%s'\n",
                    opt, argv[i]);
            cli_free_sets(&sets);
            return EXIT_INPUT;
        }
    }
    if (!arch || !o.lib) {
        fprintf(stderr, "einsim cosim-nm: error: -a ARCH and --lib LIB are required\n%s",
                cosim_usage);
        cli_free_sets(&sets);
        return EXIT_INPUT;
    }
    if (nm_parse(nm, &o.nm) != 0) {
        fprintf(stderr, "einsim cosim-nm: error: --nm expects dense or N:M, not '%s'\n", nm);
        cli_free_sets(&sets);
        return EXIT_INPUT;
    }
    o.corrupt = NM_META_OK;
    if (corrupt) {
        if (strcmp(corrupt, "repeated") == 0)
            o.corrupt = NM_META_REPEATED;
        else if (strcmp(corrupt, "unsorted") == 0)
            o.corrupt = NM_META_UNSORTED;
        else if (strcmp(corrupt, "range") == 0)
            o.corrupt = NM_META_OUT_OF_RANGE;
        else {
            fprintf(stderr, "einsim cosim-nm: error: --corrupt-meta expects repeated, unsorted "
                    "or range, not '%s'\n", corrupt);
            cli_free_sets(&sets);
            return EXIT_INPUT;
        }
    }
    Diag d;
    diag_init(&d);
    Overrides ov = cli_overrides(&sets);
    rc = cli_finish(&d, nm_cosim_command(arch, weights, &o, &ov, &d));
    cli_free_sets(&sets);
    return rc;
}
