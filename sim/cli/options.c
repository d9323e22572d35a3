/* options.c — argument parsing and dispatch only: the option helpers every sub-command
 * uses (--set lists, integers, the shared -a/-w/-m/-o options, lists) and the mapping
 * of a command's outcome to its exit code (cli.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

int cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int cli_input_opt(CliInputs *in, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    const char **slot = strcmp(a, "-a") == 0 ? &in->arch
                      : strcmp(a, "-w") == 0 ? &in->workload
                      : strcmp(a, "-m") == 0 ? &in->mapping
                      : strcmp(a, "-o") == 0 ? &in->outdir : NULL;
    if (!v || (!slot && strcmp(a, "--set") != 0))
        return 0;
    if (!slot && cli_add_set(&in->sets, v))
        return -1;
    if (slot)
        *slot = v;
    ++*i;
    return 1;
}

int cli_add_set(SetList *s, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        fprintf(stderr, "einsim: error: --set expects KEY=VALUE, got '%s'\n", arg);
        return 1;
    }
    s->v = xrealloc(s->v, (size_t)(s->n + 1) * sizeof *s->v);
    Override *o = &s->v[s->n++];
    o->key = xasprintf("%.*s", (int)(eq - arg), arg);
    o->value = eq + 1;
    o->index = s->n;
    return 0;
}

void cli_free_sets(SetList *s)
{
    for (int i = 0; i < s->n; i++)
        free((char *)s->v[i].key);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

Overrides cli_overrides(const SetList *s) { return (Overrides){ s->v, s->n }; }

int cli_split(const char *cmd, const char *opt, char *s, char **out, int max)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
        if (n == max) {
            fprintf(stderr, "einsim %s: error: %s: more than %d items\n", cmd, opt, max);
            return -1;
        }
        out[n++] = tok;
    }
    return n;
}

int cli_finish(Diag *d, Outcome o)
{
    int errors = diag_count(d);
    diag_print(d, stderr);
    diag_free(d);
    switch (o) {
    case OUTCOME_OK: return errors ? EXIT_INPUT : EXIT_OK;
    case OUTCOME_INPUT: return EXIT_INPUT;
    case OUTCOME_MISMATCH: return EXIT_MISMATCH;
    case OUTCOME_INFEASIBLE: return EXIT_INFEASIBLE;
    case OUTCOME_TOLERANCE: return EXIT_TOLERANCE;
    case OUTCOME_INTERNAL: break;
    }
    return EXIT_INTERNAL;
}
