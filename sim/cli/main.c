/* main.c — einsim entry point: argument parsing and dispatch only (the sub-commands are
 * cmd_*.c; the option helpers they share, options.c). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

/* Every command once: the dispatch, `einsim help` (the list below is generated from
 * this table) and `einsim help COMMAND` (the command's own --help) all read it. */
typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *synopsis;  /* after the name */
    const char *summary;   /* lines of at most 56 columns, '\n'-separated */
} Command;

static const Command commands[] = {
    { "check", cmd_check, "FILES...",
      "validate architecture, energy, workload, mapping and cascade\nfiles (and their "
      "cross-references) and print a summary" },
    { "eval", cmd_eval, "CASCADE",
      "evaluate a cascade on seeded random data in double precision\nand in fixed point; "
      "print the error against a direct reference" },
    { "run", cmd_run, "-a ARCH -w WORKLOAD -m MAPPING [--set K=V]... [-o DIR]",
      "evaluate a mapping (analytic level): cycles, utilisation,\nenergy, buffer traffic; "
      "write stats.txt/.json/.csv" },
    { "compare", cmd_compare, "-p ARCH:MAPPING[:K=V,...]... -w WORKLOADS [--seq N,...]",
      "several mappings over workloads and sequence lengths:\nlatency, speedup, energy ratio, "
      "utilisation, DRAM traffic" },
    { "report", cmd_report, "DIR|CSV [-o OUTDIR] [--baseline NAME]",
      "plots (gnuplot, PNG + SVG) and a self-contained report.html\nfrom the output of "
      "compare, sweep or run" },
    { "sweep", cmd_sweep, "SWEEP.cfg [-o DIR] [-j N] [--emit-jobs FILE | --merge | --point ID]",
      "evaluate every point of a sweep file (axes over any --set\nkey or input file) in "
      "parallel and resumably into\nDIR/points/ID/ and DIR/sweep.csv; or write a job list "
      "for\nGNU parallel / Slurm, or merge the point directories" },
    { "search", cmd_search, "-a ARCH -w WORKLOAD -m TEMPLATE [--objective latency|energy|edp]",
      "the mapper: explore a mapping template's free choices (tile,\nbinding, stage order); "
      "write the best as mapping files" },
    { "train-compare", cmd_train_compare, "-a ARCH -m MAPPING -w WORKLOADS [--nm P,...]",
      "N:M sparse training: speedup and energy ratio of each N:M\nsetting over dense, with "
      "the gap to the ideal attributed" },
    { "cosim", cmd_cosim, "-a ARCH -w WORKLOAD -m MAPPING [--seed N] [--waves DIR]",
      "run the Verilated RTL and the C model on one GEMM mapping;\ncompare values and "
      "per-tile cycles (exit 3 on mismatch)" },
    { "rtl-params", cmd_rtl_params, "ARCH [-o FILE]",
      "the Verilog parameter header of an architecture" },
    { "cosim-nm", cmd_cosim_nm, "-a ARCH --lib LIB.so [--nm N:M]",
      "co-simulate the N:M sparse array RTL against the C model" },
    { "nm-rtl-params", cmd_nm_rtl_params, "ARCH",
      "the Verilog parameter header of the N:M sparse array RTL" },
};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

static const Command *find_command(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* `einsim help`: the usage line, every command with its synopsis and summary, the
 * global options and the exit codes. */
static void usage(FILE *f)
{
    fprintf(f, "usage: einsim <command> [options]\n       einsim --version\n\ncommands:\n");
    for (int i = 0; i < N_COMMANDS; i++) {
        const Command *c = &commands[i];
        int w = fprintf(f, "  %s %s", c->name, c->synopsis);
        bool same_line = w <= 23;
        fprintf(f, same_line ? "%*s" : "\n%*s", same_line ? 24 - w : 24, "");
        for (const char *p = c->summary; *p; p++) {
            fputc(*p, f);
            if (*p == '\n')
                fprintf(f, "%24s", "");
        }
        fputc('\n', f);
    }
    fprintf(f, "  help [COMMAND]        this text, or a command's options\n\n"
               "  --version             print the version and exit\n\n"
               "exit codes: 0 success, 1 input error, 2 internal error, 3 co-simulation mismatch,\n"
               "            4 infeasible mapping\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("einsim %s\n", einsim_version());
        return EXIT_OK;
    }
    const Command *c = find_command(cmd);
    if (c)
        return c->fn(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (argc > 2 && (c = find_command(argv[2])) != NULL)
            return c->fn(2, (char *[]){ (char *)c->name, "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "help") != 0) {
            fprintf(stderr, "einsim help: error: unknown command '%s'\n\n", argv[2]);
            usage(stderr);
            return EXIT_INPUT;
        }
        usage(stdout);
        return EXIT_OK;
    }
    fprintf(stderr, "einsim: error: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return EXIT_INPUT;
}
