/* reportgen.h — `einsim report`: plots (gnuplot) and one self-contained HTML page from
 * what runs already wrote (a compare directory, a sweep directory, a CSV, or one run
 * directory). It reads and presents results; it computes no model results (the only
 * arithmetic is presentation: percentages of a breakdown, geometric means of speedups
 * that compare reported, unit conversions). */
#ifndef EINSIM_REPORTGEN_H
#define EINSIM_REPORTGEN_H

#include "util/diag.h"

typedef struct ReportOptions {
    const char *input;    /* DIR (compare.csv, sweep.csv or stats.json inside) or a CSV */
    const char *outdir;   /* NULL: DIR/report, or report/ beside the CSV */
    const char *title;    /* NULL: "einsim report" */
    const char *gnuplot;  /* program to run; NULL: "gnuplot" */
    const char *baseline; /* NULL: the input's own ratios (compare's first pair); else the
                             mapping, ARCH:MAPPING or series name the ratios are against */
} ReportOptions;

typedef struct {
    char *outdir;         /* where the files went (owned by the caller) */
    int n_rows;           /* runs read */
    int n_plots;          /* plots drawn (each as NAME.png and NAME.svg) */
} ReportResult;

/* Writes OUTDIR/report.html, and NAME.gp, NAME.dat, NAME.png and NAME.svg per plot,
 * plus plots.gp (reruns every script) and gnuplot.log. Returns 0, or 1 with the errors
 * in d (missing input, a CSV without the required columns, a malformed stats.json,
 * gnuplot missing or failing). Every file is written atomically except gnuplot's own. */
int report_generate(const ReportOptions *o, ReportResult *res, Diag *d);

#endif
