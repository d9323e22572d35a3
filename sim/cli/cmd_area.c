/* cmd_area.c — `einsim area-match`: argument parsing and dispatch only (run_area_match
 * in sim/run/run.h solves for the size). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "run/run.h"

static const CliOpt area_match_opts[] = {
    CLI_OPT_ARCH,
    { "--like", "OTHER.cfg", "the architecture whose on-chip area to match", CLI_REQUIRED },
    { "--level", "NAME", "the storage level of ARCH to resize (default: its largest SRAM\n"
                         "level)", 0 },
    CLI_OPT_SET,
    { NULL, NULL, NULL, 0 },
};
const CliSpec area_match_spec = {
    "area-match", NULL,
    "Iso-area: prints the on-chip area of ARCH (with the --set overrides) and of OTHER,\n"
    "and the size of one storage level of ARCH that gives it the largest area not above\n"
    "OTHER's, as the --set that applies it. Area comes from the energy table's area list\n"
    "(models/README.md); it is linear in a level's capacity, so the size is solved for.\n",
    area_match_opts, NULL,
};

int cmd_area_match(int argc, char **argv)
{
    SetList sets = {0};
    AreaMatchRequest r = { 0 };
    int rc = EXIT_INPUT;
    CliArgs p = { &area_match_spec, 1, 0 };
    const char *v;
    while (p.i < argc) {
        int k = cli_next(&p, argc, argv, &v);
        if (k == CLI_HELP || k == CLI_ERR) {
            rc = k == CLI_HELP ? EXIT_OK : EXIT_INPUT;
            goto done;
        }
        const char *name = area_match_opts[k].name;
        if (strcmp(name, "-a") == 0)
            r.arch = v;
        else if (strcmp(name, "--like") == 0)
            r.like = v;
        else if (strcmp(name, "--level") == 0)
            r.level = v;
        else if (cli_add_set(&sets, v))
            goto done;
    }
    if (cli_check_required(&p))
        goto done;
    Diag d;
    diag_init(&d);
    r.ov = cli_overrides(&sets);
    rc = cli_finish(&d, run_area_match(&r, &d));
done:
    cli_free_sets(&sets);
    return rc;
}
