/* cmd_report.c — `einsim report`: argument parsing and dispatch only (report_command in
 * sim/report/commands.h draws the plots and the page). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/commands.h"
#include "report/reportgen.h"

static const char report_usage[] =
    "usage: einsim report DIR|CSV [-o OUTDIR] [--title TITLE]\n"
    "\n"
    "Reads a compare directory (compare.csv + run directories), a sweep directory\n"
    "(sweep.csv + points/*/), a CSV of either kind, or one run directory (stats.csv +\n"
    "stats.json) and writes, into OUTDIR (default DIR/report, or report/ beside the CSV):\n"
    "  report.html   one self-contained page: tables (runs, average speedup and energy\n"
    "                ratio, area) and every plot (PNG inlined)\n"
    "  NAME.png/.svg each plot, drawn by gnuplot from NAME.gp and NAME.dat (kept so they\n"
    "                can be edited and redrawn: cd OUTDIR && gnuplot NAME.gp; plots.gp\n"
    "                redraws all)\n"
    "Plots, each when the input has its data: speedup and energy ratio vs sequence length,\n"
    "utilisation per unit, DRAM traffic, energy by component.action and by Einsum, latency\n"
    "vs area, roofline. Needs gnuplot (Debian package gnuplot-nox); the environment\n"
    "variable EINSIM_GNUPLOT names another gnuplot program.\n";

int cmd_report(int argc, char **argv)
{
    ReportOptions o = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(report_usage, stdout);
            return EXIT_OK;
        }
        if (strcmp(a, "-o") == 0 || strcmp(a, "--title") == 0) {
            if (!v) {
                fprintf(stderr, "einsim report: error: '%s' needs a value\n%s", a, report_usage);
                return EXIT_INPUT;
            }
            if (strcmp(a, "-o") == 0)
                o.outdir = v;
            else
                o.title = v;
            i++;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "einsim report: error: unknown option '%s'\n%s", a, report_usage);
            return EXIT_INPUT;
        } else if (o.input) {
            fprintf(stderr, "einsim report: error: one input expected, got '%s' and '%s'\n",
                    o.input, a);
            return EXIT_INPUT;
        } else {
            o.input = a;
        }
    }
    if (!o.input) {
        fprintf(stderr, "einsim report: error: an input DIR or CSV is required\n%s", report_usage);
        return EXIT_INPUT;
    }
    const char *gp = getenv("EINSIM_GNUPLOT");
    o.gnuplot = gp && *gp ? gp : "gnuplot";
    Diag d;
    diag_init(&d);
    return cli_finish(&d, report_command(&o, &d));
}
