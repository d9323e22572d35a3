/* cmd_check.c — `einsim check FILES...`: argument parsing and dispatch only (run_check
 * in sim/run/run.h validates and summarises). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "run/run.h"
#include "util/limits.h"

static const char check_usage[] =
    "usage: einsim check [--set KEY=VALUE]... FILE...\n"
    "\n"
    "Validates each file (any of the groups arch, energy, workload, mapping, cascade),\n"
    "then the cross-references: a mapping's cascade and bindings against the architecture,\n"
    "and the workload's ranks against the cascade. Prints a one-screen summary.\n"
    "  --set KEY=VALUE   override a parameter, e.g. arch.array2d.rows=64, workload.seq=65536\n"
    "  --effective FILE  write the effective configuration (includes expanded, overrides\n"
    "                    applied, defaults filled in) of the first arch, workload and\n"
    "                    mapping; written only when every check passes\n";

int cmd_check(int argc, char **argv)
{
    SetList sets = {0};
    const char *files[LIMIT_CHECK_FILES];
    const char *effective = NULL;
    int nf = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(check_usage, stdout);
            cli_free_sets(&sets);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
            if (cli_add_set(&sets, argv[++i])) {
                cli_free_sets(&sets);
                return EXIT_INPUT;
            }
        } else if (strcmp(argv[i], "--effective") == 0 && i + 1 < argc) {
            effective = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "einsim check: error: unknown option '%s'\n%s", argv[i], check_usage);
            cli_free_sets(&sets);
            return EXIT_INPUT;
        } else if (nf == LIMIT_CHECK_FILES) {
            fprintf(stderr, "einsim check: error: more than %d files (limit); check them in "
                    "several runs\n", LIMIT_CHECK_FILES);
            cli_free_sets(&sets);
            return EXIT_INPUT;
        } else {
            files[nf++] = argv[i];
        }
    }
    if (nf == 0) {
        fputs(check_usage, stderr);
        cli_free_sets(&sets);
        return EXIT_INPUT;
    }
    Diag d;
    diag_init(&d);
    CheckRequest r = { files, nf, cli_overrides(&sets), effective };
    Outcome o = run_check(&r, &d);
    int nerr = diag_count(&d);
    int rc = cli_finish(&d, o);
    if (nerr)
        fprintf(stderr, "einsim check: %d error%s\n", nerr, nerr == 1 ? "" : "s");
    cli_free_sets(&sets);
    return rc;
}
