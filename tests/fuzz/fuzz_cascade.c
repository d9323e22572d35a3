/* fuzz_cascade.c — libFuzzer harness of the cascade parser and checker, and of the
 * functional interpreter on what they accept. The input is text, one statement per line,
 * each led by its kind: "r E" (root rank), "p M -> M1, M0" (partition), "i Q[e, p]"
 * (input), "o AV" (output), "e AV[f, p] = ..." (Einsum or initial value), "s M 5" (the
 * size of a root or inner rank, 1..8; default 3, inner ranks 2). A cascade that builds is
 * summarised, bound and evaluated in double precision and in fixed point (2:4 for prune)
 * when its tensors are small. Seeds: workloads/cascades/ and tests/bad/cascade-*.cfg,
 * converted by tests/fuzz/seeds.py. */
#include <stdlib.h>
#include <string.h>

#include "cascade/cascade.h"
#include "func/interp.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(void *ctx, const char *line)
{
    fputs(line, (FILE *)ctx);
}

enum { KINDS = 5 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    CascadeLine *lines[KINDS];
    int n[KINDS] = { 0 };
    for (int k = 0; k < KINDS; k++)
        lines[k] = calloc(size / 2 + 1, sizeof *lines[k]);
    RankSize sizes[CASCADE_MAX_RANKS];
    char size_name[CASCADE_MAX_RANKS][16];
    int n_sizes = 0, lineno = 0;
    for (char *s = text, *next; s; s = next) {
        next = strchr(s, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (!s[0] || s[1] != ' ')
            continue;
        const char *kinds = "rpioe", *k = strchr(kinds, s[0]);
        SrcLoc loc = { "fuzz.cfg", lineno };
        if (k && s[0]) {
            int ki = (int)(k - kinds);
            lines[ki][n[ki]++] = (CascadeLine){ s + 2, loc };
        } else if (s[0] == 's' && n_sizes < CASCADE_MAX_RANKS) {
            char name[16];
            unsigned v;
            if (sscanf(s + 2, "%15s %u", name, &v) == 2 && v >= 1 && v <= 8) {
                memcpy(size_name[n_sizes], name, sizeof name);
                sizes[n_sizes] = (RankSize){ size_name[n_sizes], v, loc };
                n_sizes++;
            }
        }
    }
    CascadeSrc src = { "fuzz", "fuzz.cfg", "", { "fuzz.cfg", 1 }, lines[0], n[0], lines[1], n[1],
                       lines[2], n[2], lines[3], n[3], lines[4], n[4] };
    Diag d;
    diag_init(&d);
    Cascade *c = NULL;
    if (cascade_build(&src, &d, &c) == 0) {
        cascade_summary(c, discard, fuzz_null());
        /* Every root and inner rank needs a size: the given ones, else 3 (inner 2). */
        RankSize all[CASCADE_MAX_RANKS];
        int na = 0;
        for (int r = 0; r < c->n_ranks; r++) {
            if (c->ranks[r].kind == RANK_OUTER)
                continue;
            all[na] = (RankSize){ c->ranks[r].name, c->ranks[r].kind == RANK_INNER ? 2 : 3,
                                  { "fuzz.cfg", 0 } };
            for (int i = 0; i < n_sizes; i++)
                if (strcmp(sizes[i].name, c->ranks[r].name) == 0)
                    all[na].size = sizes[i].size;
            na++;
        }
        RankBinding b;
        size_t elems = 0;
        if (cascade_bind(c, all, na, false, &d, &b) == 0) {
            for (int t = 0; t < c->n_tensors; t++)
                elems += func_tensor_elems(c, &b, t);
        }
        if (diag_count(&d) == 0 && elems <= 4096) {
            ArithSpec arith = { 16, 8, 32, 5 };
            FxFormat fx;
            NMPattern nm = { 2, 4, false };
            if (fx_format_init(&fx, &arith) == 0) {
                for (int mode = 0; mode < 2; mode++) {
                    FuncEval *f = func_new(c, &b, mode ? FUNC_FIXED : FUNC_DOUBLE, &fx, &nm, &d);
                    if (!f)
                        continue;
                    double **in = func_random_inputs(c, &b, 1, -1.0, 1.0, 1.0 / 256);
                    for (int t = 0; t < c->n_tensors; t++)
                        if (in[t])
                            func_set_input(f, t, in[t]);
                    func_run(f);
                    func_inputs_free(c, in);
                    func_free(f);
                }
            }
        }
    }
    cascade_free(c);
    diag_print(&d, fuzz_null());
    diag_free(&d);
    for (int k = 0; k < KINDS; k++)
        free(lines[k]);
    free(text);
    return 0;
}
