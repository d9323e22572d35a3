/* cmd_cosim.c — `einsim cosim` and `einsim rtl-params`: argument parsing and dispatch
 * only (cosim_dense and cosim_rtl_params in sim/cosim/dense.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cosim/dense.h"

static const CliOpt cosim_opts[] = {
    CLI_OPT_ARCH,
    CLI_OPT_WORKLOAD,
    CLI_OPT_MAPPING,
    CLI_OPT_SET,
    { "--seed", "N", "input data seed (default 1)", 0 },
    { "--waves", "DIR", "write DIR/rtl.fst (RTL) and DIR/model.vcd (C model activity), both\n"
                        "in ns (2 ns per cycle), DIR/rtl.gtkw, DIR/model.gtkw (GTKWave\n"
                        "views of the first tiles) and DIR/filter-*.txt (opcode names)", 0 },
    { "--variant", "NAME", "RTL build variant: normal (default) or fault", 0 },
    { "--timing", NULL, "also print wall-clock speeds of the RTL simulation and of the C\n"
                        "model (not deterministic; for make bench)", 0 },
    { "--attn-ring", "N", "attention: keep at most N tiles of each tile queue loaded (at most\n"
                           "the RTL's ring of slots; default the whole ring): the host refills\n"
                           "the queues between shorter run slices, with the same results", 0 },
    { "--dma-ring", "N", "attention: keep at most N DMA commands loaded ahead of the RTL (at\n"
                          "most its DMA ring of slots; default the whole ring): the host\n"
                          "refills the ring between run slices, with the same results", 0 },
    { "--rtl", "LIST", "the RTL core's source list (one file per line, -IDIR, --top-module\n"
                       "TOP; make cosim-lib RTL_LIST=LIST builds it): runs the bridge built for\n"
                       "TOP (default: rtl/einsim_top.v)", 0 },
    { "--rtl-top", "TOP", "the RTL core's top module, built with make cosim-lib RTL_TOP=TOP\n"
                          "RTL_SRCS='FILES' (default einsim_top)", 0 },
    { "--rtl-lib", "FILE", "bridge library (default build/cosim/ARCH/[TOP/]VARIANT/\n"
                           "libeinsim_cosim.so, ARCH the architecture file's base name, TOP/\n"
                           "only for a top other than einsim_top; `make cosim-lib` builds it)",
      0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec cosim_spec = {
    "cosim", NULL,
    "Runs the fixed-point functional model and the Verilated RTL on the same seeded data\n"
    "and tile program, compares every output word bit for bit and every tile's start and\n"
    "end cycle with the C prediction, and prints a summary. The data starts in DRAM: the\n"
    "RTL moves it through its memory port (a DRAM model with the architecture's bandwidth\n"
    "and latency) by a DMA program lowered from the engine's schedule, and the run's\n"
    "length (GEMM: exactly; attention: within 1 %, 2 % with a padded last block) and its\n"
    "traffic per level and tensor are compared with the engine's cycle level too.\n"
    "Attention runs every (batch, head) of the workload, each with its own data, and the\n"
    "engine's DRAM tiles of the queries (mapping.groups.attention.loop.tile): a tile's\n"
    "query blocks must fit the RTL's 64 register blocks. Exit code 3 on any mismatch.\n",
    cosim_opts, NULL,
};

static const CliOpt rtl_params_opts[] = {
    CLI_OPT_SET,
    { "-o", "FILE", "write the header to FILE (atomically) instead of stdout", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec rtl_params_spec = {
    "rtl-params", "ARCH.cfg",
    "Prints (or writes atomically to FILE) the Verilog header einsim_params.vh with the\n"
    "2D array's dimensions, the arithmetic widths and the buffer sizes of ARCH.\n",
    rtl_params_opts, NULL,
};

int cmd_rtl_params(int argc, char **argv)
{
    SetList sets = {0};
    const char *arch_path = NULL, *out = NULL;
    int rc = EXIT_INPUT;
    CliArgs p = { &rtl_params_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP) {
            rc = EXIT_OK;
            goto done;
        }
        if (k == CLI_ERR)
            goto done;
        if (k == CLI_ARG && arch_path) {
            fprintf(stderr, "einsim rtl-params: error: unexpected argument '%s'\n", v);
            goto done;
        }
        if (k == CLI_ARG)
            arch_path = v;
        else if (strcmp(rtl_params_opts[k].name, "-o") == 0)
            out = v;
        else if (cli_add_set(&sets, v))
            goto done;
    }
    if (!arch_path) {
        cli_usage(&rtl_params_spec, stderr);
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
    const char *rtl_list = NULL, *rtl_top = NULL;
    const char *variant = "normal";
    uint64_t seed = 1, ring = 0, dma_ring = 0;
    int rc = EXIT_INPUT;
    bool timing = false;
    CliArgs p = { &cosim_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP) {
            rc = EXIT_OK;
            goto out;
        }
        if (k == CLI_ERR)
            goto out;
        const char *a = cosim_opts[k].name;
        if (strcmp(a, "--timing") == 0) {
            timing = true;
        } else if (strcmp(a, "-a") == 0) {
            arch = v;
        } else if (strcmp(a, "-w") == 0) {
            wl = v;
        } else if (strcmp(a, "-m") == 0) {
            map = v;
        } else if (strcmp(a, "--waves") == 0) {
            waves = v;
        } else if (strcmp(a, "--variant") == 0) {
            variant = v;
        } else if (strcmp(a, "--rtl-lib") == 0) {
            lib_path = v;
        } else if (strcmp(a, "--rtl") == 0) {
            rtl_list = v;
        } else if (strcmp(a, "--rtl-top") == 0) {
            rtl_top = v;
        } else if (strcmp(a, "--attn-ring") == 0) {
            if (cli_parse_u64(v, &ring) || ring < 1 || ring > UINT32_MAX) {
                fprintf(stderr, "einsim cosim: error: --attn-ring expects a positive number "
                        "of tiles\n");
                goto out;
            }
        } else if (strcmp(a, "--dma-ring") == 0) {
            if (cli_parse_u64(v, &dma_ring) || dma_ring < 1 || dma_ring > UINT32_MAX) {
                fprintf(stderr, "einsim cosim: error: --dma-ring expects a positive number "
                        "of commands\n");
                goto out;
            }
        } else if (strcmp(a, "--seed") == 0) {
            if (cli_parse_u64(v, &seed)) {
                fprintf(stderr, "einsim cosim: error: --seed expects a non-negative integer\n");
                goto out;
            }
        } else if (cli_add_set(&sets, v)) { /* --set */
            goto out;
        }
    }
    if (cli_check_required(&p))
        goto out;
    if (strcmp(variant, "normal") != 0 && strcmp(variant, "fault") != 0) {
        fprintf(stderr, "einsim cosim: error: --variant must be normal or fault\n");
        goto out;
    }

    Diag d;
    diag_init(&d);
    CosimOptions o = { arch, wl, map, cli_overrides(&sets), seed, waves, variant, lib_path,
                       rtl_list, rtl_top, timing, (uint32_t)ring, (uint32_t)dma_ring };
    rc = cli_finish(&d, cosim_dense(&o, &d));
out:
    cli_free_sets(&sets);
    return rc;
}
