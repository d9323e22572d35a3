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

/* ---- option tables -------------------------------------------------------------------- */

static void wrap_synopsis(const CliSpec *s, FILE *f)
{
    char head[64];
    int indent = snprintf(head, sizeof head, "usage: einsim %s", s->name), col = indent;
    fputs(head, f);
    Buf parts = {0};
    if (s->args)
        buf_printf(&parts, "%s\n", s->args);
    for (int pass = 0; pass < 2; pass++) /* required first, then the optional ones */
        for (const CliOpt *o = s->opts; o && o->name; o++) {
            bool req = (o->flags & CLI_REQUIRED) != 0;
            if (req != (pass == 0))
                continue;
            buf_printf(&parts, "%s%s%s%s%s%s\n", req ? "" : "[", o->name, o->arg ? " " : "",
                       o->arg ? o->arg : "", req ? "" : "]", o->flags & CLI_REPEAT ? "..." : "");
        }
    for (char *p = parts.s, *nl; p && *p; p = nl + 1) {
        nl = strchr(p, '\n');
        int len = (int)(nl - p);
        if (col + 1 + len > 88 && col > indent) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        }
        fprintf(f, " %.*s", len, p);
        col += 1 + len;
    }
    fputc('\n', f);
    buf_free(&parts);
}

void cli_usage(const CliSpec *s, FILE *f)
{
    wrap_synopsis(s, f);
    if (s->about)
        fprintf(f, "\n%s", s->about);
    for (const CliOpt *o = s->opts; o && o->name; o++) {
        char left[64];
        int w = snprintf(left, sizeof left, "  %s%s%s", o->name, o->arg ? " " : "",
                         o->arg ? o->arg : "");
        fputs(left, f);
        if (w > 19)
            fprintf(f, "\n%20s", "");
        else
            fprintf(f, "%*s", 20 - w, "");
        for (const char *h = o->help; *h; h++) {
            fputc(*h, f);
            if (*h == '\n')
                fprintf(f, "%20s", "");
        }
        fputc('\n', f);
    }
    if (s->after)
        fputs(s->after, f);
}

int cli_next(CliArgs *p, int argc, char **argv, const char **val)
{
    const CliSpec *s = p->spec;
    *val = NULL;
    if (p->i >= argc)
        return 0;
    const char *a = argv[p->i++];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        cli_usage(s, stdout);
        return CLI_HELP;
    }
    if (a[0] != '-' || !a[1]) {
        if (!s->args) {  /* the command takes no positional argument */
            fprintf(stderr, "einsim %s: error: unexpected argument '%s'\n", s->name, a);
            return CLI_ERR;
        }
        *val = a;
        return CLI_ARG;
    }
    for (int k = 0; s->opts && s->opts[k].name; k++) {
        const CliOpt *o = &s->opts[k];
        if (strcmp(a, o->name) != 0)
            continue;
        if (o->arg) {
            if (p->i >= argc) {
                fprintf(stderr, "einsim %s: error: '%s' needs a value (%s)\n", s->name, a, o->arg);
                cli_usage(s, stderr);
                return CLI_ERR;
            }
            *val = argv[p->i++];
        }
        if (k < 32)
            p->seen |= 1u << k;
        return k;
    }
    fprintf(stderr, "einsim %s: error: unknown option '%s'\n", s->name, a);
    cli_usage(s, stderr);
    return CLI_ERR;
}

int cli_check_required(const CliArgs *p)
{
    Buf miss = {0};
    int n = 0, total = 0;
    for (int k = 0; p->spec->opts && p->spec->opts[k].name; k++)
        total += (p->spec->opts[k].flags & CLI_REQUIRED) && k < 32 && !(p->seen & (1u << k));
    for (int k = 0; p->spec->opts && p->spec->opts[k].name; k++)
        if ((p->spec->opts[k].flags & CLI_REQUIRED) && k < 32 && !(p->seen & (1u << k))) {
            n++;
            buf_printf(&miss, "%s%s", n == 1 ? "" : n == total ? " and " : ", ",
                       p->spec->opts[k].name);
        }
    if (n) {
        fprintf(stderr, "einsim %s: error: %s %s required\n", p->spec->name, miss.s,
                n == 1 ? "is" : "are");
        cli_usage(p->spec, stderr);
    }
    buf_free(&miss);
    return n ? 1 : 0;
}

int cli_input_take(CliInputs *in, const char *opt, const char *val)
{
    const char **slot = strcmp(opt, "-a") == 0 ? &in->arch
                      : strcmp(opt, "-w") == 0 ? &in->workload
                      : strcmp(opt, "-m") == 0 ? &in->mapping
                      : strcmp(opt, "-o") == 0 ? &in->outdir : NULL;
    if (slot) {
        *slot = val;
        return 1;
    }
    if (strcmp(opt, "--set") == 0)
        return cli_add_set(&in->sets, val) ? -1 : 1;
    return 0;
}

char *cli_synopsis_short(const CliSpec *s)
{
    Buf b = {0};
    bool optional = false;
    buf_printf(&b, "%s", s->name);
    if (s->args)
        buf_printf(&b, " %s", s->args);
    for (const CliOpt *o = s->opts; o && o->name; o++) {
        if (!(o->flags & CLI_REQUIRED)) {
            optional = true;
            continue;
        }
        buf_printf(&b, " %s%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "",
                   o->flags & CLI_REPEAT ? "..." : "");
    }
    if (optional)
        buf_printf(&b, " [options]");
    return buf_take(&b);
}
