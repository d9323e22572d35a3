/* vp_tiles.c — lowering a platform job to the RTL's tile program (vp_tiles.h). */
#include "systemc/vp_tiles.h"

#include <string.h>

#include "func/fixed.h"

static int rank_of(const RunInputs *ri, const char *name, uint64_t *out, Diag *d)
{
    int r = cascade_find_rank(ri->cascade, name);
    if (r < 0) {
        diag_error(d, ri->cascade->path, 0, "vp: cascade %s has no rank %s", ri->cascade->name, name);
        return 1;
    }
    *out = (uint64_t)ri->sizes.size[r];
    return 0;
}

static int tensors(const RunInputs *ri, const char *const *names, int n, int *out, Diag *d)
{
    for (int i = 0; i < n; i++) {
        out[i] = cascade_find_tensor(ri->cascade, names[i]);
        if (out[i] < 0) {
            diag_error(d, ri->cascade->path, 0, "vp: cascade %s has no tensor %s",
                       ri->cascade->name, names[i]);
            return 1;
        }
    }
    return 0;
}

static int lower_gemm_job(const RunInputs *ri, VpTiles *t, Diag *d)
{
    static const char *const names[] = { "A", "B", "Z" };
    uint64_t K, M, N;
    if (tensors(ri, names, 3, t->tensor, d) || rank_of(ri, "K", &K, d) || rank_of(ri, "M", &M, d) ||
        rank_of(ri, "N", &N, d))
        return 1;
    const SpatialSpec *sp = NULL;
    for (int i = 0; i < ri->mapping->n_spatial; i++)
        if (strcmp(ri->mapping->spatial[i].unit, "array2d") == 0)
            sp = &ri->mapping->spatial[i];
    bool os = sp && sp->rows && sp->cols && !strcmp(sp->rows, "M") && !strcmp(sp->cols, "N");
    t->ws = sp && sp->rows && sp->cols && !strcmp(sp->rows, "K") && !strcmp(sp->cols, "N");
    if (!os && !t->ws) {
        diag_error(d, sp ? sp->loc.file : ri->mapping->path, sp ? sp->loc.line : ri->mapping->loc.line,
                   "vp: array2d must map rows = \"M\", cols = \"N\" (output-stationary) or "
                   "rows = \"K\", cols = \"N\" (weight-stationary)");
        return 1;
    }
    return lower_gemm(&t->g, t->ws, K, M, N, &t->gemm, d);
}

static int lower_attn_job(const RunInputs *ri, VpTiles *t, Diag *d)
{
    static const char *const names[] = { "Q", "K", "V", "AV" };
    const Cascade *c = ri->cascade;
    uint64_t E, F, M, P, M0;
    if (strcmp(c->name, "attention-1pass") != 0) {
        diag_error(d, ri->mapping->path, ri->mapping->loc.line, "vp: attention runs the "
                   "attention-1pass cascade (FuseMax); cascade %s is not supported", c->name);
        return 1;
    }
    if (tensors(ri, names, 4, t->tensor, d) || rank_of(ri, "E", &E, d) || rank_of(ri, "F", &F, d) ||
        rank_of(ri, "M", &M, d) || rank_of(ri, "P", &P, d) || rank_of(ri, "M0", &M0, d))
        return 1;
    const ComputeUnitSpec *u1 = arch_find_unit(ri->arch, "array1d");
    if (!u1 || u1->cols != t->g.cols) {
        diag_error(d, ri->arch->path, ri->arch->loc.line, "vp: attention needs a unit array1d "
                   "with as many PEs as array2d has columns (%u)", t->g.cols);
        return 1;
    }
    FxFormat fx;
    if (fx_format_init(&fx, &ri->arch->arith)) {
        diag_error(d, ri->arch->path, ri->arch->loc.line, "vp: arithmetic widths out of range");
        return 1;
    }
    t->attention = true;
    AttnOrder ord;
    if (run_attn_order(ri, &ord, d))
        return 1;
    int rc = lower_attn(&t->g, (uint64_t)fx.T, E, F, M, P, M0, false, &ord, &t->attn, d);
    lower_attn_order_free(&ord);
    return rc;
}

int vp_tiles_lower(const RunInputs *ri, VpTiles *t, Diag *d)
{
    memset(t, 0, sizeof *t);
    if (ri->workload->batch * ri->workload->heads != 1) {
        diag_error(d, ri->workload->path, ri->workload->loc.line, "vp: a job is one (batch, head); "
                   "set workload.batch=1 and workload.heads=1");
        return 1;
    }
    if (lower_geom(ri->arch, &t->g, d))
        return 1;
    t->eb = ((uint64_t)ri->arch->arith.word_bits + 7) / 8;
    const char *problem = ri->cascade->problem;
    int rc;
    if (strcmp(problem, "gemm") == 0)
        rc = lower_gemm_job(ri, t, d);
    else if (strcmp(problem, "attention") == 0)
        rc = lower_attn_job(ri, t, d);
    else {
        diag_error(d, ri->mapping->path, ri->mapping->loc.line, "vp: the platform runs gemm and "
                   "attention cascades; %s computes %s", ri->cascade->name, problem);
        rc = 1;
    }
    if (rc)
        vp_tiles_free(t);
    return rc;
}

void vp_tiles_free(VpTiles *t)
{
    lower_free(&t->gemm);
    lower_attn_free(&t->attn);
    memset(t, 0, sizeof *t);
}
