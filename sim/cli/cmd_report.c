/* cmd_report.c — `einsim report`: argument parsing and dispatch only (report_command in
 * sim/report/commands.h draws the plots and the page). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/commands.h"
#include "report/reportgen.h"

static const CliOpt report_opts[] = {
    { "-o", "OUTDIR", "output directory (default DIR/report, or report/ beside the CSV)", 0 },
    { "--title", "TITLE", "page title (default: einsim report)", 0 },
    { "--baseline", "NAME", "speedups and energy ratios against the runs of NAME (a mapping,\n"
                            "ARCH:MAPPING or series name) with the same workload, sequence\n"
                            "length and other axes; default: compare's first pair", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec report_spec = {
    "report", "DIR|CSV",
    "Reads a compare directory (compare.csv + run directories), a sweep directory\n"
    "(sweep.csv + points/*/), a CSV of either kind, or one run directory (stats.csv +\n"
    "stats.json) and writes, into OUTDIR:\n"
    "  report.html   one self-contained page: headline, tables (average speedup and energy\n"
    "                ratio, runs, area) and every plot (PNG inlined)\n"
    "  NAME.png/.svg each plot, drawn by gnuplot from NAME.gp and NAME.dat (kept so they\n"
    "                can be edited and redrawn: cd OUTDIR && gnuplot NAME.gp; plots.gp\n"
    "                redraws all)\n"
    "Plots, each when the input has its data: speedup and energy ratio vs sequence length,\n"
    "FuseMax vs FLAT (when both mappings ran), latency, utilisation per unit, DRAM\n"
    "traffic, energy by component.action and by Einsum (absolute and normalised), latency\n"
    "vs area, roofline. Runs that differ in a sweep axis other than the plotted one are\n"
    "separate series, named by the axis values in legends and labels.\n",
    report_opts,
    "Needs gnuplot (Debian package gnuplot-nox); the environment variable EINSIM_GNUPLOT\n"
    "names another gnuplot program.\n",
};

int cmd_report(int argc, char **argv)
{
    ReportOptions o = { 0 };
    CliArgs p = { &report_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP)
            return EXIT_OK;
        if (k == CLI_ERR)
            return EXIT_INPUT;
        if (k == CLI_ARG && o.input) {
            fprintf(stderr, "einsim report: error: one input expected, got '%s' and '%s'\n",
                    o.input, v);
            return EXIT_INPUT;
        }
        const char **slot[] = { &o.outdir, &o.title, &o.baseline };
        *(k == CLI_ARG ? &o.input : slot[k]) = v;
    }
    if (!o.input) {
        fprintf(stderr, "einsim report: error: an input DIR or CSV is required\n");
        cli_usage(&report_spec, stderr);
        return EXIT_INPUT;
    }
    const char *gp = getenv("EINSIM_GNUPLOT");
    o.gnuplot = gp && *gp ? gp : "gnuplot";
    Diag d;
    diag_init(&d);
    return cli_finish(&d, report_command(&o, &d));
}
