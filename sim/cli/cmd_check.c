/* cmd_check.c — `einsim check FILES...`: argument parsing and dispatch only (run_check
 * in sim/run/run.h validates and summarises). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "run/run.h"
#include "util/limits.h"

static const CliOpt check_opts[] = {
    CLI_OPT_SET,
    { "--effective", "FILE", "write the effective configuration (includes expanded, overrides\n"
                             "applied, defaults filled in) of the first arch, workload and\n"
                             "mapping; written only when every check passes", 0 },
    { NULL, NULL, NULL, 0 },
};
const CliSpec check_spec = {
    "check", "FILE...",
    "Validates each file (any of the groups arch, energy, workload, mapping, cascade),\n"
    "then the cross-references: a mapping's cascade and bindings against the architecture,\n"
    "and the workload's ranks against the cascade. Prints a one-screen summary.\n",
    check_opts, NULL,
};

int cmd_check(int argc, char **argv)
{
    SetList sets = {0};
    const char *files[LIMIT_CHECK_FILES];
    const char *effective = NULL;
    int nf = 0;
    CliArgs p = { &check_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP || k == CLI_ERR) {
            cli_free_sets(&sets);
            return k == CLI_HELP ? EXIT_OK : EXIT_INPUT;
        }
        if (k == CLI_ARG) {
            if (nf == LIMIT_CHECK_FILES) {
                fprintf(stderr, "einsim check: error: more than %d files (limit); check them in "
                        "several runs\n", LIMIT_CHECK_FILES);
                cli_free_sets(&sets);
                return EXIT_INPUT;
            }
            files[nf++] = v;
        } else if (strcmp(check_opts[k].name, "--effective") == 0) {
            effective = v;
        } else if (cli_add_set(&sets, v)) {
            cli_free_sets(&sets);
            return EXIT_INPUT;
        }
    }
    if (nf == 0) {
        cli_usage(&check_spec, stderr);
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
