/* cmd_cosim.c — `einsim cosim` and `einsim rtl-params`: argument parsing and dispatch
 * only (cosim_dense and cosim_rtl_params in sim/cosim/dense.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cosim/dense.h"

static const char cosim_usage[] =
    "usage: einsim cosim -a ARCH.cfg -w WORKLOAD.cfg -m MAPPING.cfg [--set KEY=VALUE]...\n"
    "                    [--seed N] [--waves DIR] [--variant NAME] [--rtl-lib FILE]\n"
    "\n"
    "Runs the fixed-point functional model and the Verilated RTL on the same seeded data\n"
    "and tile program, compares every output word bit for bit and every tile's start and\n"
    "end cycle with the C prediction, and prints a summary. Exit code 3 on any mismatch.\n"
    "  --seed N        input data seed (default 1)\n"
    "  --waves DIR     write DIR/rtl.fst (RTL), DIR/model.vcd (C model activity) and\n"
    "                  DIR/rtl.gtkw, DIR/model.gtkw (GTKWave save files)\n"
    "  --variant NAME  RTL build variant: normal (default) or fault\n"
    "  --timing        also print wall-clock speeds of the RTL simulation and of the C\n"
    "                  model (not deterministic; for make bench)\n"
    "  --rtl-lib FILE  bridge library (default build/cosim/ARCH/VARIANT/libeinsim_cosim.so,\n"
    "                  ARCH the architecture file's base name; `make cosim-lib` builds it)\n";

static const char params_usage[] =
    "usage: einsim rtl-params ARCH.cfg [--set KEY=VALUE]... [-o FILE]\n"
    "\n"
    "Prints (or writes atomically to FILE) the Verilog header einsim_params.vh with the\n"
    "2D array's dimensions, the arithmetic widths and the buffer sizes of ARCH.\n";

int cmd_rtl_params(int argc, char **argv)
{
    SetList sets = {0};
    const char *arch_path = NULL, *out = NULL;
    int rc = EXIT_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(params_usage, stdout);
            cli_free_sets(&sets);
            return EXIT_OK;
        } else if (strcmp(a, "-o") == 0 && v) {
            out = v;
            i++;
        } else if (strcmp(a, "--set") == 0 && v) {
            if (cli_add_set(&sets, v))
                goto done;
            i++;
        } else if (a[0] == '-' || arch_path) {
            fprintf(stderr, "einsim rtl-params: error: unexpected argument '%s'\n%s", a, params_usage);
            goto done;
        } else {
            arch_path = a;
        }
    }
    if (!arch_path) {
        fputs(params_usage, stderr);
        goto done;
    }
    Diag d;
    diag_init(&d);
    Overrides ov = cli_overrides(&sets);
    rc = cli_finish(&d, cosim_rtl_params(arch_path, &ov, out, &d));
done:
    cli_free_sets(&sets);
    return rc;
}

int cmd_cosim(int argc, char **argv)
{
    SetList sets = {0};
    const char *arch = NULL, *wl = NULL, *map = NULL, *waves = NULL, *lib_path = NULL;
    const char *variant = "normal";
    uint64_t seed = 1;
    int rc = EXIT_INPUT;
    bool timing = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--timing") == 0) {
            timing = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(cosim_usage, stdout);
            cli_free_sets(&sets);
            return EXIT_OK;
        } else if (strcmp(a, "-a") == 0 && v) {
            arch = v, i++;
        } else if (strcmp(a, "-w") == 0 && v) {
            wl = v, i++;
        } else if (strcmp(a, "-m") == 0 && v) {
            map = v, i++;
        } else if (strcmp(a, "--waves") == 0 && v) {
            waves = v, i++;
        } else if (strcmp(a, "--variant") == 0 && v) {
            variant = v, i++;
        } else if (strcmp(a, "--rtl-lib") == 0 && v) {
            lib_path = v, i++;
        } else if (strcmp(a, "--seed") == 0 && v) {
            if (cli_parse_u64(v, &seed)) {
                fprintf(stderr, "einsim cosim: error: --seed expects a non-negative integer\n");
                goto out;
            }
            i++;
        } else if (strcmp(a, "--set") == 0 && v) {
            if (cli_add_set(&sets, v))
                goto out;
            i++;
        } else {
            fprintf(stderr, "einsim cosim: error: unexpected argument '%s'\n%s", a, cosim_usage);
            goto out;
        }
    }
    if (!arch || !wl || !map) {
        fprintf(stderr, "einsim cosim: error: -a, -w and -m are required\n%s", cosim_usage);
        goto out;
    }
    if (strcmp(variant, "normal") != 0 && strcmp(variant, "fault") != 0) {
        fprintf(stderr, "einsim cosim: error: --variant must be normal or fault\n");
        goto out;
    }

    Diag d;
    diag_init(&d);
    CosimOptions o = { arch, wl, map, cli_overrides(&sets), seed, waves, variant, lib_path,
                       timing };
    rc = cli_finish(&d, cosim_dense(&o, &d));
out:
    cli_free_sets(&sets);
    return rc;
}
