/* cmd_import.c — `einsim import scalesim|timeloop ...`: argument parsing and dispatch only
 * (sim/import/import.h translates, writes and runs). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "import/import.h"
#include "util/limits.h"

static const CliOpt import_opts[] = {
    { "-o", "DIR", "write the einsim files (and, for SCALE-Sim, a run directory per layer\n"
                   "and COMPUTE_REPORT.csv) into DIR", CLI_REQUIRED },
    { NULL, NULL, NULL, 0 },
};
const CliSpec import_spec = {
    "import", "scalesim TOPOLOGY.csv CONFIG.cfg | timeloop SPEC.cfg...",
    "Translates a peer tool's inputs into einsim's architecture, workload and mapping\n"
    "files. scalesim: a SCALE-Sim v2 topology (GEMM or convolution layers) and config;\n"
    "every layer is run and DIR/COMPUTE_REPORT.csv holds its cycles, utilisation and SRAM\n"
    "and DRAM accesses per operand. timeloop: a Timeloop v3 specification in libconfig\n"
    "(arch, problem, mapping; in one or more files); the files are run once, DIR/levels.csv\n"
    "holds the reads, fills and updates per level and data space, and the `einsim run`\n"
    "line is printed. What einsim cannot express is refused at its file:line.\n",
    import_opts,
    "The translation and its limits: sim/import/README.md.\n",
};

int cmd_import(int argc, char **argv)
{
    const char *args[LIMIT_CHECK_FILES + 1];
    const char *outdir = NULL;
    int na = 0;
    CliArgs p = { &import_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP || k == CLI_ERR)
            return k == CLI_HELP ? EXIT_OK : EXIT_INPUT;
        if (k == CLI_ARG) {
            if (na == LIMIT_CHECK_FILES + 1) {
                fprintf(stderr, "einsim import: error: more than %d files (limit)\n", LIMIT_CHECK_FILES);
                return EXIT_INPUT;
            }
            args[na++] = v;
        } else {
            outdir = v;
        }
    }
    if (cli_check_required(&p))
        return EXIT_INPUT;
    bool ss = na > 0 && strcmp(args[0], "scalesim") == 0;
    bool tl = na > 0 && strcmp(args[0], "timeloop") == 0;
    if ((ss && na != 3) || (tl && na < 2) || (!ss && !tl)) {
        fprintf(stderr, "einsim import: error: %s\n\n",
                ss ? "scalesim takes TOPOLOGY.csv CONFIG.cfg"
                   : tl ? "timeloop takes one or more SPEC.cfg files" : "expected scalesim or timeloop");
        cli_usage(&import_spec, stderr);
        return EXIT_INPUT;
    }
    Diag d;
    diag_init(&d);
    Outcome o;
    if (ss) {
        ScaleSimImport r = { args[1], args[2], outdir };
        o = import_scalesim(&r, &d);
    } else {
        TimeloopImport r = { args + 1, na - 1, outdir };
        o = import_timeloop(&r, &d);
    }
    return cli_finish(&d, o);
}
