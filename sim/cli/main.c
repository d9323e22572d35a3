/* main.c — einsim entry point: argument parsing and dispatch only (the sub-commands are
 * cmd_*.c; the option helpers they share, options.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

/* Every command once: the dispatch, `einsim help` (the list, with each synopsis
 * generated from the command's option table) and `einsim help COMMAND` (the usage
 * generated from the same table) all read it. */
typedef struct {
    const CliSpec *spec;   /* the command's option table: name, synopsis, options */
    int (*fn)(int argc, char **argv);
    const char *summary;   /* lines of at most 62 columns, '\n'-separated */
} Command;

static const Command commands[] = {
    { &check_spec, cmd_check,
      "validate architecture, energy, workload, mapping and cascade\nfiles (and their "
      "cross-references) and print a summary" },
    { &eval_spec, cmd_eval,
      "evaluate a cascade on seeded random data in double precision\nand in fixed point; "
      "print the error against a direct reference" },
    { &run_spec, cmd_run,
      "evaluate a mapping (analytic and cycle level): cycles,\nutilisation, energy, buffer "
      "traffic; write stats.txt/.json/.csv" },
    { &compare_spec, cmd_compare,
      "several mappings over workloads and sequence lengths:\nlatency, speedup, energy ratio, "
      "utilisation, DRAM traffic" },
    { &report_spec, cmd_report,
      "plots (gnuplot, PNG + SVG) and a self-contained report.html\nfrom the output of "
      "compare, sweep or run" },
    { &sweep_spec, cmd_sweep,
      "evaluate every point of a sweep file (axes over any --set\nkey or input file) in "
      "parallel and resumably into\nDIR/points/ID/ and DIR/sweep.csv; or write a job list "
      "for\nGNU parallel / Slurm, or merge the point directories" },
    { &search_spec, cmd_search,
      "the mapper: explore a mapping template's free choices (tile,\nbinding, stage order); "
      "write the best as mapping files" },
    { &train_compare_spec, cmd_train_compare,
      "N:M sparse training: speedup and energy ratio of each N:M\nsetting over dense, with "
      "the gap to the ideal attributed" },
    { &import_spec, cmd_import,
      "SCALE-Sim (topology + config) or Timeloop (libconfig spec)\ninputs as einsim files, "
      "run; per-layer or per-level CSV" },
    { &cosim_spec, cmd_cosim,
      "run a Verilated RTL core and the C model on one GEMM or\nFuseMax attention mapping; "
      "compare values and per-tile cycles\n(exit 3 on mismatch)" },
    { &area_match_spec, cmd_area_match,
      "iso-area: the size of a storage level that gives an\narchitecture another's on-chip area" },
    { &rtl_params_spec, cmd_rtl_params, "the Verilog parameter header of an architecture" },
    { &nm_cosim_spec, cmd_cosim_nm, "co-simulate the N:M sparse array RTL against the C model" },
    { &nm_params_spec, cmd_nm_rtl_params,
      "the Verilog parameter header of the N:M sparse array RTL" },
};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

static const Command *find_command(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].spec->name, name) == 0)
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
        char *syn = cli_synopsis_short(c->spec);
        int w = fprintf(f, "  %s", syn);
        free(syn);
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

static int dispatch(int argc, char **argv)
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
            return c->fn(2, (char *[]){ (char *)c->spec->name, "--help", NULL });
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

/* Every command writes its report to stdout: a write that failed (a full disk, a closed
 * pipe) is an error, not a success with a truncated report. */
int main(int argc, char **argv)
{
    int rc = dispatch(argc, argv);
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, "einsim: error: cannot write the standard output: %s\n",
                strerror(errno ? errno : EIO));
        return rc == EXIT_OK ? EXIT_INPUT : rc;
    }
    return rc;
}
