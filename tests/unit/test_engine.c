/* test_engine.c — the engine's schedule against the RTL's timing rules, and its trace.
 *
 * Every co-simulation case (the .case files of tests/cosim) is read back: for the GEMM cases the
 * engine's cycle level, in the RTL's scenario (data starts on chip), must equal the run
 * length of the RTL's tile program as lower_predict computes it — the rules the RTL is
 * checked against tile by tile in co-simulation; for the attention cases, lowered in the
 * order of the engine's own schedule (run_attn_order), it must be within 1 % of
 * lower_attn's prediction. The trace of a run lists every request in
 * issue order, consistent with the reported cycles. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "func/fixed.h"
#include "lower/lower.h"
#include "lower/lower_attn.h"
#include "run/run.h"
#include "util/util.h"

#define MAX_SETS 16

typedef struct {
    char arch[128], wl[128], map[128];
    char key[MAX_SETS][96], val[MAX_SETS][64];
    int n;
} Case;

/* Reads "# arch: NAME" and the -w/-m/--set argument line of a case file. */
static int read_case(const char *path, Case *k)
{
    memset(k, 0, sizeof *k);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        if (strncmp(line, "# arch: ", 8) == 0)
            snprintf(k->arch, sizeof k->arch, "models/%.100s.cfg", line + 8);
        if (line[0] != '-')
            continue;
        char *save = NULL;
        for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            char *v = strtok_r(NULL, " ", &save);
            if (!v)
                break;
            if (strcmp(t, "-w") == 0)
                snprintf(k->wl, sizeof k->wl, "%s", v);
            else if (strcmp(t, "-m") == 0)
                snprintf(k->map, sizeof k->map, "%s", v);
            else if (strcmp(t, "--set") == 0 && k->n < MAX_SETS) {
                char *eq = strchr(v, '=');
                if (eq) {
                    snprintf(k->key[k->n], sizeof k->key[0], "%.*s", (int)(eq - v), v);
                    snprintf(k->val[k->n], sizeof k->val[0], "%s", eq + 1);
                    k->n++;
                }
            }
        }
    }
    fclose(f);
    return !k->arch[0] || !k->wl[0] || !k->map[0];
}

static int load(RunInputs *ri, const Case *k)
{
    Override ov[MAX_SETS];
    for (int i = 0; i < k->n; i++)
        ov[i] = (Override){ k->key[i], k->val[i], i + 1 };
    Overrides o = { ov, k->n };
    Diag d;
    diag_init(&d);
    int rc = run_inputs_load(ri, k->arch, k->wl, k->map, &o, &d);
    diag_print(&d, stderr);
    diag_free(&d);
    return rc;
}

static uint64_t rank_of(const RunInputs *ri, const char *name)
{
    int r = cascade_find_rank(ri->cascade, name);
    return r >= 0 ? (uint64_t)ri->sizes.size[r] : 0;
}

typedef struct {
    uint64_t events, passes, latest;
    bool ordered;       /* issue times never go backwards on one unit */
    uint64_t last_start[8];
    const char *unit[8];
} Trace;

static void on_event(void *ctx, const EngineEvent *ev)
{
    Trace *t = ctx;
    t->events++;
    if (ev->end > t->latest)
        t->latest = ev->end;
    if (ev->kind != EV_PASSES)
        return;
    t->passes += ev->passes;
    for (int i = 0; i < 8; i++) {
        if (t->unit[i] && strcmp(t->unit[i], ev->unit) != 0)
            continue;
        if (t->unit[i] && ev->start < t->last_start[i])
            t->ordered = false;
        t->unit[i] = ev->unit;
        t->last_start[i] = ev->start;
        break;
    }
}

/* Whether an attention case's Q, K and V fit the RTL's buffer whole (the data on chip). */
static bool attn_fits(const RunInputs *ri)
{
    RtlGeom g;
    Diag d;
    diag_init(&d);
    bool ok = lower_geom(ri->arch, &g, &d) == 0 &&
              (uint64_t)(rank_of(ri, "E") * (rank_of(ri, "P") + rank_of(ri, "M")) +
                         rank_of(ri, "F") * rank_of(ri, "M")) <= g.glb_words;
    diag_free(&d);
    return ok;
}

int main(void)
{
    static EngineResult r;
    DIR *dir = opendir("tests/cosim");
    CHECK(dir != NULL);
    char *names[64];
    int nn = 0;
    for (struct dirent *de; dir && (de = readdir(dir)) && nn < 64;)
        if (strstr(de->d_name, ".case") && !strstr(de->d_name, "fault"))
            names[nn++] = xstrdup(de->d_name);
    if (dir)
        closedir(dir);
    /* Sorted, so the output is deterministic. */
    for (int i = 1; i < nn; i++)
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    int n_gemm = 0, n_attn = 0;
    for (int i = 0; i < nn; i++) {
        char path[512];
        snprintf(path, sizeof path, "tests/cosim/%s", names[i]);
        Case k;
        CHECK_EQ_INT(read_case(path, &k), 0);
        RunInputs ri = { 0 };
        if (load(&ri, &k)) {
            CHECK(!"case inputs load");
            continue;
        }
        ri.in.data_on_chip = true;
        engine_analytic(&ri.in, &r);
        if (!strstr(k.map, "gemm") && (ri.workload->batch * ri.workload->heads != 1 ||
                                       (r.n_groups && r.groups[0].n_tiles > 1) ||
                                       !attn_fits(&ri))) {
            /* The data-on-chip lowering takes one (batch, head), P whole and Q, K and V in
             * the buffer; such a case is checked from DRAM (make cosim, test_dram_lower). */
            printf("%-24s (batch, head)s, DRAM tiles or K and V beyond the buffer: from DRAM only\n", names[i]);
            run_inputs_free(&ri);
            free(names[i]);
            continue;
        }
        CycleResult cy;
        engine_cycle(&ri.in, &r, &cy);
        CHECK(r.feasible && cy.ran);
        RtlGeom g;
        Diag d;
        diag_init(&d);
        CHECK_EQ_INT(lower_geom(ri.arch, &g, &d), 0);
        if (strstr(k.map, "gemm")) {
            TileProg p;
            bool ws = strstr(k.map, "-ws") != NULL;
            CHECK_EQ_INT(lower_gemm(&g, ws, rank_of(&ri, "K"), rank_of(&ri, "M"), rank_of(&ri, "N"),
                                    &p, &d), 0);
            printf("%-24s RTL %" PRIu64 ", engine %" PRIu64 "\n", names[i], p.cycles, cy.cycles);
            CHECK_EQ_INT(cy.cycles, p.cycles);
            lower_free(&p);
            n_gemm++;
        } else {
            AttnProg p;
            FxFormat fx;
            fx_format_init(&fx, &ri.arch->arith);
            AttnOrder o;
            int rc = run_attn_order(&ri, &o, &d);
            CHECK_EQ_INT(rc, 0);
            if (rc == 0)
                rc = lower_attn(&g, (uint64_t)fx.T, rank_of(&ri, "E"), rank_of(&ri, "F"),
                                rank_of(&ri, "M"), rank_of(&ri, "P"), rank_of(&ri, "M0"),
                                strcmp(ri.cascade->name, "attention-causal") == 0, &o, &p, &d);
            lower_attn_order_free(&o);
            CHECK_EQ_INT(rc, 0);
            if (rc == 0) {
                double pct = 100.0 * ((double)cy.cycles - (double)p.cycles) / (double)p.cycles;
                printf("%-24s RTL %" PRIu64 ", engine %" PRIu64 " (%+.3f %%)\n", names[i], p.cycles,
                       cy.cycles, pct);
                CHECK(pct <= 1.0 && pct >= -1.0);
                lower_attn_free(&p);
                n_attn++;
            }
        }
        diag_print(&d, stderr);
        diag_free(&d);
        /* The trace: every request in issue order, the latest end = the cycle level. */
        Trace t = { .ordered = true };
        ri.in.trace = on_event;
        ri.in.trace_ctx = &t;
        CycleResult cy2;
        engine_cycle(&ri.in, &r, &cy2);
        CHECK(t.events > 0 && t.ordered);
        CHECK_EQ_INT(t.latest, cy2.cycles);
        CHECK(cy2.cycles >= cy.cycles);   /* the analytic level's option, not the best */
        run_inputs_free(&ri);
        free(names[i]);
    }
    CHECK(n_gemm >= 13 && n_attn >= 5);
    printf("%d GEMM and %d attention cases\n", n_gemm, n_attn);
    return CHECK_DONE();
}
