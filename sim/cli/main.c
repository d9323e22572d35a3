/* main.c — einsim entry point: argument parsing and dispatch only (the sub-commands are
 * cmd_*.c; the option helpers they share, options.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: einsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  check FILES...        validate architecture, energy, workload, mapping and cascade\n"
    "                        files (and their cross-references) and print a summary\n"
    "  eval CASCADE          evaluate a cascade on seeded random data in double precision\n"
    "                        and in fixed point; print the error against a direct reference\n"
    "  run -a ARCH -w WORKLOAD -m MAPPING [--set K=V]... [-o DIR]\n"
    "                        evaluate a mapping (analytic level): cycles, utilisation,\n"
    "                        energy, buffer traffic; write stats.txt/.json/.csv\n"
    "  compare -p ARCH:MAPPING... -w WORKLOADS [--seq N,...]\n"
    "                        several mappings over workloads and sequence lengths:\n"
    "                        latency, speedup, energy ratio, utilisation, DRAM traffic\n"
    "  report DIR|CSV [-o OUTDIR]\n"
    "                        plots (gnuplot, PNG + SVG) and a self-contained report.html\n"
    "                        from the output of compare, sweep or run\n"
    "  sweep SWEEP.cfg [-o DIR] [-j N] [--emit-jobs FILE | --merge | --point ID]\n"
    "                        evaluate every point of a sweep file (axes over any --set\n"
    "                        key or input file) in parallel and resumably into\n"
    "                        DIR/points/ID/ and DIR/sweep.csv; or write a job list for\n"
    "                        GNU parallel / Slurm, or merge the point directories\n"
    "  search -a ARCH -w WORKLOAD -m TEMPLATE [--objective latency|energy|edp]\n"
    "                        the mapper: explore a mapping template's free choices (tile,\n"
    "                        binding, stage order); write the best as mapping files\n"
    "  train-compare -a ARCH -m MAPPING -w WORKLOADS [--nm P,...]\n"
    "                        N:M sparse training: speedup and energy ratio of each N:M\n"
    "                        setting over dense, with the gap to the ideal attributed\n"
    "  cosim -a ARCH -w WORKLOAD -m MAPPING [--seed N] [--waves DIR]\n"
    "                        run the Verilated RTL and the C model on one GEMM mapping;\n"
    "                        compare values and per-tile cycles (exit 3 on mismatch)\n"
    "  rtl-params ARCH [-o FILE]  the Verilog parameter header of an architecture\n"
    "  cosim-nm -a ARCH --lib LIB.so [--nm N:M]\n"
    "                        co-simulate the N:M sparse array RTL against the C model\n"
    "  nm-rtl-params ARCH    the Verilog parameter header of the N:M sparse array RTL\n"
    "  help [COMMAND]        this text, or a command's options\n"
    "\n"
    "exit codes: 0 success, 1 input error, 2 internal error, 3 co-simulation mismatch,\n"
    "            4 infeasible mapping\n";

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0)
        return cmd_eval(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "search") == 0)
        return cmd_search(argc - 1, argv + 1);
    if (strcmp(cmd, "train-compare") == 0)
        return cmd_train_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "cosim") == 0)
        return cmd_cosim(argc - 1, argv + 1);
    if (strcmp(cmd, "rtl-params") == 0)
        return cmd_rtl_params(argc - 1, argv + 1);
    if (strcmp(cmd, "cosim-nm") == 0)
        return cmd_cosim_nm(argc - 1, argv + 1);
    if (strcmp(cmd, "nm-rtl-params") == 0)
        return cmd_nm_rtl_params(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (argc > 2 && strcmp(argv[2], "check") == 0)
            return cmd_check(2, (char *[]){ "check", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "eval") == 0)
            return cmd_eval(2, (char *[]){ "eval", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "compare") == 0)
            return cmd_compare(2, (char *[]){ "compare", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "report") == 0)
            return cmd_report(2, (char *[]){ "report", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "sweep") == 0)
            return cmd_sweep(2, (char *[]){ "sweep", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "search") == 0)
            return cmd_search(2, (char *[]){ "search", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "train-compare") == 0)
            return cmd_train_compare(2, (char *[]){ "train-compare", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "cosim") == 0)
            return cmd_cosim(2, (char *[]){ "cosim", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "cosim-nm") == 0)
            return cmd_cosim_nm(2, (char *[]){ "cosim-nm", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "nm-rtl-params") == 0)
            return cmd_nm_rtl_params(2, (char *[]){ "nm-rtl-params", "--help", NULL });
        if (argc > 2 && strcmp(argv[2], "run") == 0)
            return cmd_run(2, (char *[]){ "run", "--help", NULL });
        fputs(usage, stdout);
        return EXIT_OK;
    }
    fprintf(stderr, "einsim: error: unknown command '%s'\n\n%s", cmd, usage);
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
