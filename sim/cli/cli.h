/* cli.h — the einsim command line: argument parsing and dispatch only. Each sub-command
 * parses its options and calls one library function; only this module chooses exit
 * codes (EXIT_* below, documented in sim/cli/README.md). */
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

/* ---- option tables (options.c) ------------------------------------------------------
 * Each command describes its options once, in a table that both its parser (cli_next)
 * and its usage text (cli_usage: the synopsis, then one line per option) are generated
 * from, so `einsim help COMMAND`, the man page and the completion cannot drift from
 * what the parser accepts. */
enum { CLI_REQUIRED = 1, CLI_REPEAT = 2 };
typedef struct {
    const char *name;   /* "-o", "--level"; NULL ends a table */
    const char *arg;    /* value placeholder ("DIR"), or NULL for a flag */
    const char *help;   /* '\n' separates lines */
    int flags;          /* CLI_REQUIRED, CLI_REPEAT */
} CliOpt;
typedef struct {
    const char *name;   /* the command */
    const char *args;   /* positional arguments for the synopsis ("FILE..."), or NULL */
    const char *about;  /* paragraph between the synopsis and the options */
    const CliOpt *opts;
    const char *after;  /* text after the options, or NULL */
} CliSpec;
/* The shared input options, for tables: -a, -w, -m (required), -o DIR, --set. */
#define CLI_OPT_ARCH { "-a", "ARCH.cfg", "architecture file", CLI_REQUIRED }
#define CLI_OPT_WORKLOAD { "-w", "WORKLOAD.cfg", "workload file", CLI_REQUIRED }
#define CLI_OPT_MAPPING { "-m", "MAPPING.cfg", "mapping file", CLI_REQUIRED }
#define CLI_OPT_SET { "--set", "KEY=VALUE", "override a parameter (e.g. arch.array2d.rows=64,\n" \
                      "workload.seq=65536); repeatable", CLI_REPEAT }
/* Writes the usage of s: "usage: einsim NAME SYNOPSIS" (generated from the table and
 * wrapped), the about text, the options and the after text. */
void cli_usage(const CliSpec *s, FILE *f);
enum { CLI_ARG = -1, CLI_HELP = -2, CLI_ERR = -3 };
typedef struct {
    const CliSpec *spec;
    int i;              /* argv index being read (start at 1) */
    unsigned seen;      /* bit k: opts[k] was given */
} CliArgs;
/* Reads the next argument of argv into *val: returns the index in spec->opts of the
 * option (its value in *val, NULL for a flag), CLI_ARG for a positional argument (an
 * error, CLI_ERR, when the spec has no positional arguments),
 * CLI_HELP after printing the usage on stdout (--help, -h), or CLI_ERR after printing an
 * error and the usage on stderr (unknown option, missing value). Returns 0 past the end
 * with *val = NULL and p->i = argc: call while p->i < argc. */
int cli_next(CliArgs *p, int argc, char **argv, const char **val);
/* After the loop: 0, or 1 after printing which CLI_REQUIRED options are missing. */
int cli_check_required(const CliArgs *p);
/* Records one of the shared input options (-a, -w, -m, -o, --set) named `opt` with
 * value `val` into in: 1 when taken, 0 when opt is another option, -1 after printing
 * a bad --set. */
int cli_input_take(CliInputs *in, const char *opt, const char *val);

/* "NAME ARGS REQUIRED-OPTIONS [options]" of s, for the command list (owned by the caller). */
char *cli_synopsis_short(const CliSpec *s);
/* Each command's table (cmd_*.c). */
extern const CliSpec check_spec, eval_spec, run_spec, compare_spec, report_spec, sweep_spec,
    search_spec, train_compare_spec, cosim_spec, import_spec, rtl_params_spec, nm_cosim_spec, nm_params_spec,
    area_match_spec;

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
int cmd_import(int argc, char **argv);
int cmd_area_match(int argc, char **argv);

#endif
