/* reportgenInt.h — the parts of `einsim report` (reportgen.c) in their own files: the
 * runs read from the input (reportdata.c) and the plots drawn from them (reportplot.c). */
#ifndef EINSIM_REPORTGEN_INT_H
#define EINSIM_REPORTGEN_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "report/reportInt.h"

#define MAX_UNITS 8
#define MAX_STACKS 40
#define MAX_AXES 8

typedef struct {
    char *workload, *arch, *mapping, *bound, *reason;
    char *size;            /* array size label ("64x64") from a sweep axis, or NULL */
    char *axv[MAX_AXES];   /* this run's value of each shown sweep axis (Data.axis) */
    char *series;          /* [ARCH:]MAPPING and the shown axes' values: one line or bar
                              group per distinct series (built once every row is known) */
    char *label;           /* bar label: the series, with the sequence length when several */
    char *match;           /* what a baseline must share: workload, seq and the values of
                              every sweep axis but arch and mapping */
    bool has_seq;
    uint64_t seq;
    bool feasible;
    double seconds, energy_pj, dram_bytes;
    bool has_ratio;        /* speedup and energy ratio given by the input (compare) */
    bool is_base;          /* a run of the baseline the ratios are against */
    double speedup, energy_ratio;
    int n_util;
    char *util_name[MAX_UNITS];
    double util[MAX_UNITS];
    bool has_area;
    double area_um2;
    JsonValue *stats;      /* the run's stats.json, or NULL */
    char *stats_path;
} Row;

typedef struct {
    const char *kind;      /* "compare", "sweep", "CSV", "run" */
    char *csv_path;
    char *base;            /* folder holding the run directories */
    Row *r;
    int n;
    bool any_seq_axis;     /* some workload has two or more sequence lengths */
    int n_axes;            /* sweep axes with two or more values, other than workload,
                              workload.seq, arch and mapping (shown in series names) */
    char *axis[MAX_AXES];  /* their keys; zipped keys with equal values are one axis */
    char *baseline;        /* series the ratios are against (--baseline, or compare's first
                              pair), or NULL when the input has no ratios */
} Data;

/* Plot bookkeeping: the names of the scripts written so far. */
typedef struct {
    const char *dir;
    char **names;          /* NAME.gp */
    char **base;           /* NAME */
    char **caption;
    int n;
    Diag *d;
    int failed;
} Plots;

/* ---- the runs (reportdata.c) ----------------------------------------------------------- */
/* Reads the input (a compare or sweep directory, a CSV of either kind, or one run
 * directory) with each run's stats.json when present, and builds the rows' series and bar
 * labels. With `baseline` (a mapping name, ARCH:MAPPING or a series name), every run's
 * speedup and energy ratio are taken against the baseline run that shares its workload,
 * sequence length and other sweep axes (a run without one has no ratio); a baseline that
 * names no run is an error. Returns 0, or 1 with an error in d; D is to be freed with
 * report_data_free either way. */
int report_data_load(Data *D, const char *input, const char *baseline, Diag *d);
/* The run that matches `name` (mapping, ARCH:MAPPING or series) and shares r's workload,
 * sequence length and other axes (Row.match), or NULL. */
const Row *report_partner(const Data *D, const Row *r, const char *name);
void report_data_free(Data *D);
/* "1K", "256K", "1M" for powers of two, else the number. */
void report_seq_short(uint64_t s, char *out, size_t n);
/* Index of `s` in list (adding it when absent). */
int report_intern(char ***list, int *n, const char *s);
void report_free_list(char **list, int n);
/* Distinct sequence lengths of rows idx[0 .. n-1], sorted into out; returns their count
 * (at most REPORT_MAX_SEQS: further lengths are left out). */
#define REPORT_MAX_SEQS 256
int report_distinct_seqs(const Data *D, const int *idx, int n, uint64_t *out);

/* ---- the plots (reportplot.c) ---------------------------------------------------------- */
/* Writes every plot the data has (NAME.gp and NAME.dat in P->dir) and plots.gp, then
 * runs gnuplot on them. Returns 0, or 1 with an error in P->d. */
int report_plots_draw(Plots *P, const Data *D, const char *gnuplot);
void report_plots_free(Plots *P);

#endif
