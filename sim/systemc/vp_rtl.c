/* vp_rtl.c — the virtual platform's RTL core over the co-simulation bridge (vp_rtl.h). */
#include "systemc/vp_rtl.h"

#include <stdlib.h>
#include <string.h>

#include "cosim/cosim.h"
#include "func/interp.h"
#include "systemc/vp_tiles.h"
#include "util/util.h"

struct VpRtl {
    CosimLib lib;
    CosimHandle *h;
    char *path;
    VpTiles tiles;            /* the loaded job's program */
};

VpRtl *vp_rtl_open(const char *lib, const char *fst, Diag *d)
{
    VpRtl *r = xcalloc(1, sizeof *r);
    char err[512];
    if (cosim_open(lib, &r->lib, err, sizeof err)) {
        diag_error(d, lib, 0, "cannot load the RTL bridge: %s (build it with `make cosim-lib "
                   "ARCH=...`)", err);
        free(r);
        return NULL;
    }
    r->h = r->lib.create(fst);
    if (!r->h) {
        diag_error(d, fst ? fst : lib, 0, "cannot create the RTL model%s",
                   fst ? " (waves file not writable?)" : "");
        cosim_close(&r->lib);
        free(r);
        return NULL;
    }
    r->path = xstrdup(lib);
    return r;
}

int vp_rtl_load(VpRtl *r, const RunInputs *ri, int64_t *const in[], Diag *d)
{
    vp_tiles_free(&r->tiles);
    VpTiles *t = &r->tiles;
    if (vp_tiles_lower(ri, t, d))
        return 1;
    CosimParams p;
    r->lib.params(r->h, &p);
    const RtlGeom *g = &t->g;
    if (p.rows != g->rows || p.cols != g->cols || p.word_bits != g->word_bits ||
        p.frac_bits != g->frac_bits || p.acc_bits != g->acc_bits || p.glb_words != g->glb_words ||
        p.zbuf_words != g->zbuf_words || p.tiles != g->tiles ||
        (t->attention && (p.exp_terms != (uint32_t)ri->arch->arith.exp_terms ||
                          p.attn_blocks != ATTN_MAX_BLOCKS || p.attn_f != ATTN_MAX_F ||
                          p.attn_tiles != ATTN_QUEUE_TILES))) {
        diag_error(d, r->path, 0, "the RTL was built for a %ux%u array, %u/%u/%u-bit arithmetic, "
                   "%u buffer words; %s describes %ux%u, %u/%u/%u, %u: refusing to run (build the "
                   "bridge of this architecture)", p.rows, p.cols, p.word_bits, p.frac_bits,
                   p.acc_bits, p.glb_words, ri->arch->path, g->rows, g->cols, g->word_bits,
                   g->frac_bits, g->acc_bits, g->glb_words);
        return 1;
    }
    r->lib.reset(r->h);
    uint64_t wmask = g->word_bits >= 64 ? UINT64_MAX : ((uint64_t)1 << g->word_bits) - 1;
    const Cascade *c = ri->cascade;
    for (int i = 0; i < (t->attention ? 3 : 2); i++) {
        size_t n = func_tensor_elems(c, &ri->sizes, t->tensor[i]);
        uint32_t base = t->attention ? (i == 0 ? t->attn.q_base : i == 1 ? t->attn.k_base
                                                                         : t->attn.v_base)
                                     : (i == 0 ? t->gemm.a_base : t->gemm.b_base);
        for (size_t e = 0; e < n; e++)
            r->lib.load(r->h, t->attention ? COSIM_ABUF : COSIM_GLB, (uint32_t)(base + e),
                        (uint64_t)in[i][e] & wmask);
    }
    uint64_t w[4];
    /* An empty DMA program, its END and the ring's tail (the data is on chip; the command
     * ring has no reset): the VP never runs a DMA program longer than the ring. */
    lower_dma_encode(NULL, w);
    for (int k = 0; k < 4; k++)
        r->lib.hload(r->h, COSIM_DMA, (uint32_t)k, w[k]);
    r->lib.hload(r->h, COSIM_DMA, COSIM_TAIL, 1);
    if (!t->attention) {
        for (int i = 0; i <= t->gemm.n; i++) {
            lower_encode(i < t->gemm.n ? &t->gemm.t[i] : NULL, w);
            for (int k = 0; k < 4; k++)
                r->lib.load(r->h, COSIM_IMEM, (uint32_t)(4 * i + k), w[k]);
        }
        return 0;
    }
    /* The tile queues are rings the host keeps fed (rtl/README.md, "Attention"); the VP
     * loads a job's whole program before start, so it runs programs that fit the ring
     * (`einsim cosim` feeds longer ones during the run). */
    for (int q = 0; q < 2; q++)
        if (t->attn.n[q] + 1 > ATTN_QUEUE_TILES) {
            diag_error(d, r->path, 0, "the attention job has %d %s tiles; the VP loads a whole "
                       "program into the RTL's tile queues (rings of %d slots, END included): "
                       "use a shorter sequence", t->attn.n[q], q == ATTN_Q2D ? "2D" : "1D",
                       ATTN_QUEUE_TILES);
            return 1;
        }
    r->lib.load(r->h, COSIM_MODE, 0, 1);
    for (int q = 0; q < 2; q++) {
        int sel = q == ATTN_Q2D ? COSIM_Q2D : COSIM_Q1D;
        for (int i = 0; i <= t->attn.n[q]; i++) {
            lower_attn_encode(i < t->attn.n[q] ? &t->attn.t[q][i] : NULL, w);
            for (int k = 0; k < 4; k++)
                r->lib.hload(r->h, sel, (uint32_t)(4 * i + k), w[k]);
        }
        r->lib.hload(r->h, sel, COSIM_TAIL, (uint64_t)t->attn.n[q] + 1);
    }
    return 0;
}

void vp_rtl_start(VpRtl *r) { r->lib.start(r->h); }

int vp_rtl_step(VpRtl *r, uint64_t n) { return r->lib.step(r->h, n); }

uint64_t vp_rtl_cycles(const VpRtl *r) { return r->lib.cycles(r->h); }

uint64_t vp_rtl_limit(const VpRtl *r)
{
    return 4 * (r->tiles.attention ? r->tiles.attn.cycles : r->tiles.gemm.cycles) + 1000;
}

uint64_t vp_rtl_clocks(const VpRtl *r) { return r->lib.clocks(r->h); }

void vp_rtl_output(VpRtl *r, int64_t *out)
{
    const VpTiles *t = &r->tiles;
    uint64_t n = t->attention ? t->attn.F * t->attn.P : t->gemm.M * t->gemm.N;
    for (uint64_t i = 0; i < n; i++)
        out[i] = (int64_t)r->lib.read(r->h, t->attention ? COSIM_OBUF : COSIM_ZBUF, (uint32_t)i);
}

void vp_rtl_stamp(VpRtl *r, uint32_t unit, uint32_t tile, uint64_t *start, uint64_t *end)
{
    int sel = !r->tiles.attention ? COSIM_START : unit == 0 ? COSIM_START2D : COSIM_START1D;
    *start = r->lib.read(r->h, sel, tile);
    *end = r->lib.read(r->h, sel + 1, tile);
}

void vp_rtl_close(VpRtl *r)
{
    if (!r)
        return;
    r->lib.destroy(r->h);
    cosim_close(&r->lib);
    vp_tiles_free(&r->tiles);
    free(r->path);
    free(r);
}
