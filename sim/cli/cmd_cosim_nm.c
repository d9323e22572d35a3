/* cmd_cosim_nm.c — `einsim nm-rtl-params` and `einsim cosim-nm`: argument parsing and
 * dispatch only (nm_rtl_params_command and nm_cosim_command in sim/cosim/nmcosim.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cosim/nmcosim.h"

static const CliOpt nm_params_opts[] = {
    { "--unit", "NAME", "the sparse unit (default: the first)", 0 },
    CLI_OPT_SET,
    { "-o", "FILE", "write the header to FILE (atomically) instead of stdout", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec nm_params_spec = {
    "nm-rtl-params", "ARCH.cfg",
    "Writes the Verilog header of rtl/nm/ (einsim_nm_params.vh: PEs, lanes, window,\n"
    "latencies, accumulators, widths, supported patterns) generated from the\n"
    "architecture's sparse unit.\n",
    nm_params_opts, NULL,
};

static const CliOpt nm_cosim_opts[] = {
    { "-a", "ARCH.cfg", "architecture with a sparse unit", CLI_REQUIRED },
    { "--lib", "LIB.so", "the Verilated bridge (make cosim-nm-lib builds\n"
                         "build/cosim/nm/ARCH/VARIANT/libeinsim_cosim.so)", CLI_REQUIRED },
    { "--nm", "dense|N:M", "pattern (default 2:8; dense = the multiplexer-free mode)", 0 },
    { "--outputs", "O", "output rows (default 2 x PEs)", 0 },
    { "--cols", "N", "columns (default 2 x I)", 0 },
    { "--red", "K", "reduction length (default 64)", 0 },
    { "--interleave", "I", "outputs interleaved per PE (default: the accumulators)", 0 },
    { "--seed", "S", "data seed (default 1)", 0 },
    { "--corrupt-meta", "repeated|unsorted|range",
      "inject invalid metadata into one group: the C model must reject it\n"
      "and the RTL must raise its assertion flag at the same beat, PE and lane (exit 1)", 0 },
    { "--unit", "NAME", "the sparse unit (default: the first)", 0 },
    { "--weights", "FILE", "co-simulate the N:M-compressed weights of FILE (pattern, rows = O,\n"
                           "k = K, values, in-group indices; rtl/nm/README.md) instead of seeded\n"
                           "random ones; its metadata is checked at load time", 0 },
    CLI_OPT_SET,
    { NULL, NULL, NULL, 0 },
};
const CliSpec nm_cosim_spec = {
    "cosim-nm", NULL,
    "Co-simulates the N:M sparse array RTL (rtl/nm/) on a seeded GEMM Y = W X, W O x K\n"
    "pruned N:M along K, X K x N, and compares every output bit-exact with the C model\n"
    "(nm_mac_group_fx) and every beat's issue and accumulate cycle with\n"
    "sparse_pe_timeline().\n",
    nm_cosim_opts,
    "Exit: 0 match, 1 input error, 2 internal error, 3 mismatch (each one listed with\n"
    "its output, beat/groups and cycle).\n",
};

int cmd_nm_rtl_params(int argc, char **argv)
{
    SetList sets = { 0 };
    const char *arch = NULL, *outp = NULL, *unit = NULL;
    CliArgs p = { &nm_params_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP || k == CLI_ERR || (k == CLI_ARG && arch)) {
            if (k == CLI_ARG)
                fprintf(stderr, "einsim nm-rtl-params: error: unexpected argument '%s'\n", v);
            cli_free_sets(&sets);
            return k == CLI_HELP ? EXIT_OK : EXIT_INPUT;
        }
        const char *a = k == CLI_ARG ? "" : nm_params_opts[k].name;
        if (k == CLI_ARG)
            arch = v;
        else if (strcmp(a, "-o") == 0)
            outp = v;
        else if (strcmp(a, "--unit") == 0)
            unit = v;
        else if (cli_add_set(&sets, v)) {
            cli_free_sets(&sets);
            return EXIT_INPUT;
        }
    }
    if (!arch) {
        cli_usage(&nm_params_spec, stderr);
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
    CliArgs p = { &nm_cosim_spec, 1, 0 };
    const char *val;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &val);
        uint32_t *num = NULL;
        if (k == CLI_HELP || k == CLI_ERR) {
            cli_free_sets(&sets);
            return k == CLI_HELP ? EXIT_OK : EXIT_INPUT;
        }
        const char *opt = nm_cosim_opts[k].name;
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
        } else { /* --interleave */
            num = &o.interleave;
        }
        if (num && (parse_u32(val, num) != 0 || *num == 0)) {
            fprintf(stderr, "einsim cosim-nm: error: %s expects a positive integer, not '%s'\n",
                    opt, val);
            cli_free_sets(&sets);
            return EXIT_INPUT;
        }
    }
    if (cli_check_required(&p)) {
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
