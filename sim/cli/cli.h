/* cli.h — the einsim command line: argument parsing and dispatch only. Each sub-command
 * parses its options and calls one library function; only this module chooses exit
 * codes (EXIT_* below, documented in the README). */
#ifndef EINSIM_CLI_H
#define EINSIM_CLI_H

#include <stdint.h>

#include "config/config.h"

enum {
    EXIT_OK = 0,          /* success */
    EXIT_INPUT = 1,       /* bad input: config, command line, cascade */
    EXIT_INTERNAL = 2,    /* internal error (a bug: please report) */
    EXIT_MISMATCH = 3,    /* co-simulation mismatch */
    EXIT_INFEASIBLE = 4,  /* mapping does not fit (stats.json still written) */
    EXIT_TOLERANCE = 5,   /* eval: an output exceeds the tolerance */
};

/* Collected --set options; the strings point into argv except `key`, which is owned. */
typedef struct {
    Override *v;
    int n;
} SetList;

/* Parses "KEY=VALUE" into the list; returns 0, or 1 after printing a usage error. */
int cli_add_set(SetList *s, const char *arg);
/* Parses a non-negative decimal integer that fits 64 bits (no sign, no trailing text);
 * returns 0, or -1 without touching *out. */
int cli_parse_u64(const char *s, uint64_t *out);
void cli_free_sets(SetList *s);

/* The options the model commands share: -a ARCH, -w WORKLOAD, -m MAPPING, -o DIR and
 * --set KEY=VALUE (repeatable). */
typedef struct {
    const char *arch, *workload, *mapping, *outdir;
    SetList sets;
} CliInputs;
/* If argv[*i] is one of CliInputs's options and has a value, records it, moves *i to the
 * value and returns 1; returns -1 after printing the error of a bad --set, 0 otherwise. */
int cli_input_opt(CliInputs *in, int argc, char **argv, int *i);
Overrides cli_overrides(const SetList *s);
/* Splits a comma-separated list in place into out[]; returns the number of items, or
 * -1 after printing "einsim CMD: error: OPT: more than MAX items". */
int cli_split(const char *cmd, const char *opt, char *s, char **out, int max);

/* Prints the diagnostics of d to stderr, frees them, and returns the exit code of the
 * command's outcome (an outcome of success with errors printed is an input error). */
int cli_finish(Diag *d, Outcome o);

int cmd_check(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_train_compare(int argc, char **argv);
int cmd_cosim(int argc, char **argv);
int cmd_rtl_params(int argc, char **argv);
int cmd_nm_rtl_params(int argc, char **argv);   /* cmd_cosim_nm.c */
int cmd_cosim_nm(int argc, char **argv);

#endif
