/* diag.h — user-facing diagnostics: compiler-style error records with file:line.
 *
 * Every module that validates user input reports into a Diag instead of printing or
 * exiting; only the CLI decides how to print and which exit code to use. Errors are
 * kept in the order they were reported (deterministic output), up to DIAG_MAX. */
#ifndef EINSIM_DIAG_H
#define EINSIM_DIAG_H

#include <stdio.h>

#define DIAG_MAX 64

typedef struct {
    char *file;     /* config file, "<command line>" for --set, or NULL */
    int line;       /* 1-based line in `file`, 0 when unknown */
    int col;        /* 1-based column inside `file`'s line or expression, 0 when unknown */
    char *msg;      /* the message, without the "file:line: error: " prefix */
    char *context;  /* optional second line (e.g. the expression with a caret), or NULL */
    int warning;    /* 1: a warning (printed, not counted by diag_count) */
} DiagEntry;

typedef struct {
    DiagEntry e[DIAG_MAX];
    int n;          /* entries stored */
    int dropped;    /* errors reported after the table was full */
    int warnings;   /* entries that are warnings */
} Diag;

void diag_init(Diag *d);
void diag_free(Diag *d);
/* Records an error. `file` may be NULL; strings are copied. */
void diag_error(Diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* As diag_error, with a column and a context line (both copied; context may be NULL). */
void diag_error_at(Diag *d, const char *file, int line, int col, const char *context,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Records a warning: printed with the errors, but not an error (diag_count skips it);
 * a warning already recorded (same file, line and text) is not repeated. */
void diag_warning(Diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Errors recorded (warnings excluded). */
static inline int diag_count(const Diag *d) { return d->n - d->warnings + d->dropped; }
/* Prints every entry as "file:line[:col]: error: msg" (or "warning:"; plus context) to
 * `out`, in the order they were recorded. */
void diag_print(const Diag *d, FILE *out);

/* What a command came to. Library entry points return it; only the command line turns
 * it into an exit code (sim/cli/README.md, "Exit codes"). */
typedef enum {
    OUTCOME_OK,          /* success */
    OUTCOME_INPUT,       /* bad input: the errors are in the Diag */
    OUTCOME_INTERNAL,    /* internal failure (a worker died, the RTL bridge failed) */
    OUTCOME_MISMATCH,    /* co-simulation mismatch */
    OUTCOME_INFEASIBLE,  /* the mapping does not fit (the result says why) */
    OUTCOME_TOLERANCE,   /* `eval`: an output differs from its reference by more than
                            the tolerance */
} Outcome;

#endif
