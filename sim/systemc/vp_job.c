/* vp_job.c — programs and jobs of the virtual platform's accelerator (vp_job.h). */
#include "systemc/vp_job.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "func/interp.h"
#include "util/util.h"

/* Per kind: the descriptor's ranks (and the --set key each becomes) and its tensors. */
typedef struct {
    const char *problem;
    int n_ranks;
    const char *rank[EINSIM_MAX_RANKS];
    const char *key[EINSIM_MAX_RANKS];
    int n_tensors;
    const char *tensor[EINSIM_MAX_TENSORS];
} KindInfo;

static const KindInfo kinds[] = {
    [VP_GEMM] = { "gemm", 3, { "K", "M", "N" },
                  { "workload.ranks.K", "workload.ranks.M", "workload.ranks.N" },
                  3, { "A", "B", "Z" } },
    [VP_ATTENTION] = { "attention", 3, { "E", "F", "seq" },
                       { "workload.ranks.E", "workload.ranks.F", "workload.seq" },
                       4, { "Q", "K", "V", "AV" } },
};

const char *vp_rank_name(VpKind kind, int i)
{
    return i < kinds[kind].n_ranks ? kinds[kind].rank[i] : "-";
}

static uint64_t rank_size(const RunInputs *ri, const char *name)
{
    int r = cascade_find_rank(ri->cascade, name);
    return r < 0 ? 0 : (uint64_t)ri->sizes.size[r];
}

/* Loads the program's files with its overrides, then `n_extra` more key, value pairs
 * (reported as further --set positions). The loaders count every error already in a
 * Diag, so they report into an empty one whose entries are then appended to d. */
static int load(RunInputs *ri, const VpProgramSpec *s, const char *const *extra, int n_extra,
                Diag *out)
{
    Diag dd, *d = &dd;
    diag_init(d);
    Override *v = xcalloc((size_t)(s->ov.n + n_extra) + 1, sizeof *v);
    if (s->ov.n)
        memcpy(v, s->ov.v, (size_t)s->ov.n * sizeof *v);
    for (int i = 0; i < n_extra; i++)
        v[s->ov.n + i] = (Override){ extra[2 * i], extra[2 * i + 1], s->ov.n + i + 1 };
    Overrides ov = { v, s->ov.n + n_extra };
    int rc = run_inputs_load(ri, s->arch, s->workload, s->mapping, &ov, d);
    free(v);
    for (int i = 0; i < dd.n; i++)
        diag_error_at(out, dd.e[i].file, dd.e[i].line, dd.e[i].col, dd.e[i].context, "%s",
                      dd.e[i].msg);
    diag_free(d);
    return rc;
}

int vp_program_init(VpProgram *p, const VpProgramSpec *spec, Diag *d)
{
    memset(p, 0, sizeof *p);
    p->spec = *spec;
    RunInputs ri;
    int rc = 1;
    if (load(&ri, spec, NULL, 0, d))
        goto done;
    const char *problem = ri.cascade->problem;
    p->kind = strcmp(problem, "gemm") == 0 ? VP_GEMM : strcmp(problem, "attention") == 0
                                                           ? VP_ATTENTION : 0;
    if (!p->kind) {
        diag_error(d, ri.mapping->path, ri.mapping->loc.line, "vp: the platform runs gemm and "
                   "attention cascades; %s computes %s", ri.cascade->name, problem);
        goto done;
    }
    const KindInfo *k = &kinds[p->kind];
    p->n_ranks = k->n_ranks;
    for (int i = 0; i < k->n_ranks; i++)
        p->rank[i] = rank_size(&ri, strcmp(k->rank[i], "seq") == 0 ? "M" : k->rank[i]);
    if (p->kind == VP_ATTENTION && rank_size(&ri, "M") != rank_size(&ri, "P")) {
        diag_error(d, ri.workload->path, ri.workload->loc.line, "vp: attention jobs have one "
                   "sequence length (M = P; set workload.seq)");
        goto done;
    }
    const ComputeUnitSpec *u = arch_find_unit(ri.arch, "array2d");
    p->rows = u ? u->rows : 0, p->cols = u ? u->cols : 0;
    p->name = xasprintf("%s on %s", ri.mapping->name, ri.arch->name);
    const StorageSpec *dram = &ri.arch->levels[0];
    p->dram = xstrdup(dram->name);
    p->clock_mhz = ri.arch->clock_mhz;
    p->dram_gibps = dram->bandwidth_gibps > 0 ? dram->bandwidth_gibps
                  : dram->width_bits / 8.0 * ri.arch->clock_mhz * 1e6 / 1073741824.0;
    rc = 0;
done:
    run_inputs_free(&ri);
    if (rc)
        vp_program_free(p);
    return rc;
}

void vp_program_free(VpProgram *p)
{
    free(p->name);
    free(p->dram);
    memset(p, 0, sizeof *p);
}

/* The program's files at sizes rank (and a DRAM bandwidth when gibps is non-NULL). */
static int load_sized(RunInputs *ri, const VpProgram *p, const uint64_t *rank, const char *gibps,
                      Diag *d)
{
    const KindInfo *k = &kinds[p->kind];
    char val[EINSIM_MAX_RANKS][24], *ideal_key = NULL;
    const char *extra[2 * (EINSIM_MAX_RANKS + 1)];
    int n = 0;
    for (int i = 0; i < k->n_ranks; i++) {
        snprintf(val[i], sizeof val[i], "%" PRIu64, rank[i]);
        extra[2 * n] = k->key[i], extra[2 * n + 1] = val[i], n++;
    }
    if (gibps) {
        ideal_key = xasprintf("arch.%s.bandwidth_gibps", p->dram);
        extra[2 * n] = ideal_key, extra[2 * n + 1] = gibps, n++;
    }
    int rc = load(ri, &p->spec, extra, n, d);
    free(ideal_key);
    return rc;
}

EinsimErr vp_job_load(VpJob *j, const VpProgram *p, const uint64_t *rank, Diag *d)
{
    memset(j, 0, sizeof *j);
    const KindInfo *k = &kinds[p->kind];
    for (int i = 0; i < k->n_ranks; i++)
        if (rank[i] == 0 || rank[i] > UINT32_MAX) {
            diag_error(d, NULL, 0, "vp: descriptor rank %s = %" PRIu64 " (1 .. 2^32 - 1)",
                       k->rank[i], rank[i]);
            return EINSIM_ERR_DESC;
        }
    if (load_sized(&j->ri, p, rank, NULL, d)) {     /* the files were fine at their sizes */
        vp_job_free(j);
        return EINSIM_ERR_INFEASIBLE;
    }
    RunResult rr;
    run_evaluate(&j->ri, false, &rr);
    bool feasible = rr.res->feasible;
    if (!feasible)
        diag_error(d, j->ri.mapping->path, j->ri.mapping->loc.line, "vp: %s is infeasible: %s",
                   p->name, rr.res->reason);
    run_result_free(&rr);
    if (!feasible || vp_steps_build(&j->ri, &j->steps, d)) {
        vp_job_free(j);
        return EINSIM_ERR_INFEASIBLE;
    }
    const Cascade *c = j->ri.cascade;
    j->kind = p->kind;
    j->n_tensors = k->n_tensors;
    for (int i = 0; i < k->n_tensors; i++) {
        VpTensor *t = &j->t[i];
        t->name = k->tensor[i];
        t->cascade = cascade_find_tensor(c, t->name);
        EINSIM_ASSERT(t->cascade >= 0);     /* vp_steps_build found it */
        const CascadeTensor *ct = &c->tensors[t->cascade];
        t->output = ct->is_output;
        t->rows = (uint64_t)cascade_dim_extent(c, &j->ri.sizes, t->cascade, 0);
        t->cols = 1;
        for (int dim = 1; dim < ct->ndim; dim++)
            t->cols *= (uint64_t)cascade_dim_extent(c, &j->ri.sizes, t->cascade, dim);
    }
    j->elem_bytes = ((uint32_t)j->ri.arch->arith.word_bits + 7) / 8;
    EINSIM_ASSERT(fx_format_init(&j->fx, &j->ri.arch->arith) == 0);   /* the lowering checked */
    return EINSIM_ERR_NONE;
}

void vp_job_free(VpJob *j)
{
    vp_steps_free(&j->steps);
    run_inputs_free(&j->ri);
    memset(j, 0, sizeof *j);
}

uint64_t vp_job_bytes(const VpJob *j, int i)
{
    return j->t[i].rows * j->t[i].cols * j->elem_bytes;
}

void vp_job_random_inputs(const VpJob *j, uint64_t seed, int64_t *const in[])
{
    const Cascade *c = j->ri.cascade;
    double **v = func_random_inputs(c, &j->ri.sizes, seed, -1.0, 1.0, ldexp(1.0, -j->fx.F));
    for (int i = 0; i < j->n_tensors; i++)
        if (!j->t[i].output)
            for (uint64_t e = 0; e < j->t[i].rows * j->t[i].cols; e++)
                in[i][e] = fx_from_double(&j->fx, v[j->t[i].cascade][e]);
    func_inputs_free(c, v);
}

int vp_job_values(const VpJob *j, int64_t *const in[], int64_t *const out[], Diag *d)
{
    const Cascade *c = j->ri.cascade;
    FuncEval *f = func_new(c, &j->ri.sizes, FUNC_FIXED, &j->fx, NULL, d);
    if (!f)
        return 1;
    for (int i = 0; i < j->n_tensors; i++) {
        if (j->t[i].output)
            continue;
        uint64_t n = j->t[i].rows * j->t[i].cols;
        double *v = xmalloc(n * sizeof *v);
        for (uint64_t e = 0; e < n; e++)
            v[e] = fx_to_double(&j->fx, in[i][e]);
        func_set_input(f, j->t[i].cascade, v);
        free(v);
    }
    func_run(f);
    for (int i = 0; i < j->n_tensors; i++)
        if (j->t[i].output) {
            const FuncTensor *t = func_tensor(f, j->t[i].cascade);
            EINSIM_ASSERT(t->n == j->t[i].rows * j->t[i].cols);
            memcpy(out[i], t->q, t->n * sizeof *t->q);
        }
    func_free(f);
    return 0;
}

void vp_pack(const VpJob *j, const int64_t *w, uint64_t n, uint8_t *bytes)
{
    uint32_t eb = j->elem_bytes;
    for (uint64_t e = 0; e < n; e++)
        for (uint32_t b = 0; b < eb; b++)
            bytes[e * eb + b] = (uint8_t)((uint64_t)w[e] >> (8 * b));
}

void vp_unpack(const VpJob *j, const uint8_t *bytes, uint64_t n, int64_t *w)
{
    uint32_t eb = j->elem_bytes, bits = 8 * eb;
    for (uint64_t e = 0; e < n; e++) {
        uint64_t u = 0;
        for (uint32_t b = 0; b < eb; b++)
            u |= (uint64_t)bytes[e * eb + b] << (8 * b);
        if (bits < 64 && (u >> (bits - 1)) & 1)
            u |= ~(uint64_t)0 << bits;
        w[e] = (int64_t)u;
    }
}

int vp_engine_cycles(const VpProgram *p, const uint64_t *rank, const char *gibps,
                     uint64_t *cycles, Diag *d)
{
    RunInputs ri;
    int rc = 1;
    if (load_sized(&ri, p, rank, gibps, d) == 0) {
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        if (rr.cy.ran) {
            *cycles = rr.cy.cycles;
            rc = 0;
        } else
            diag_error(d, NULL, 0, "vp: %s: the engine's cycle level did not run: %s", p->name,
                       rr.res->reason);
        run_result_free(&rr);
    }
    run_inputs_free(&ri);
    return rc;
}
