/* test_vp.c — the C side of the virtual platform (sim/systemc): the step list against the
 * lowering it adapts, the transfers it asks for, jobs and their errors, the descriptor
 * format, and the 1 % agreement with the engine's cycle level under an ideal memory. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lower/lower.h"
#include "lower/lower_attn.h"
#include "systemc/einsim_drv.h"
#include "systemc/vp_job.h"
#include "systemc/vp_tiles.h"
#include "util/util.h"

static VpProgram program(const char *arch, const char *wl, const char *map, const Override *ov,
                         int n)
{
    VpProgram p;
    Diag d;
    diag_init(&d);
    VpProgramSpec s = { arch, wl, map, { ov, n } };
    int rc = vp_program_init(&p, &s, &d);
    if (rc)
        diag_print(&d, stderr);
    CHECK(rc == 0);
    diag_free(&d);
    return p;
}

static const Override attn_ov[] = {
    { "workload.batch", "1", 1 }, { "workload.heads", "1", 2 },
    { "mapping.partitions.M0", "4", 3 } };
static const Override attn8_ov[] = {
    { "workload.batch", "1", 1 }, { "workload.heads", "1", 2 },
    { "mapping.partitions.M0", "8", 3 } };

/* Bytes each tensor's loads (or stores) cover, and whether any byte is covered twice. */
static void coverage(const VpJob *j, bool store, uint64_t *bytes, int *twice)
{
    *twice = 0;
    for (int i = 0; i < j->n_tensors; i++) {
        uint64_t n = vp_job_bytes(j, i);
        uint8_t *seen = xcalloc(n, 1);
        bytes[i] = 0;
        for (uint32_t s = 0; s < j->steps.n_step; s++) {
            const VpStep *st = &j->steps.step[s];
            uint32_t x0 = store ? st->store0 : st->load0, nx = store ? st->n_store : st->n_load;
            for (uint32_t x = x0; x < x0 + nx; x++) {
                const VpXfer *xf = &j->steps.xfer[x];
                if (xf->tensor != j->t[i].cascade)
                    continue;
                for (uint64_t r = 0; r < xf->rows; r++)
                    for (uint64_t b = 0; b < xf->row_bytes; b++) {
                        uint64_t o = xf->offset + r * xf->stride + b;
                        if (o < n)
                            *twice += seen[o]++ > 0;
                        else
                            *twice += 1000000;     /* outside the tensor */
                    }
                bytes[i] += xf->rows * xf->row_bytes;
            }
        }
        free(seen);
    }
}

/* The job's steps reproduce the lowering's tile timing exactly with ideal memory, move
 * every input byte in once and every output byte out once; the engine's cycle level with
 * an ideal memory is within 1 % of it. */
static void check_job(const VpProgram *p, const uint64_t *rank, const char *what)
{
    Diag d;
    diag_init(&d);
    VpJob j;
    CHECK_EQ_INT(vp_job_load(&j, p, rank, &d), EINSIM_ERR_NONE);
    if (diag_count(&d))
        diag_print(&d, stderr);
    uint64_t n = j.steps.n_step;
    uint64_t *start = xcalloc(n, sizeof *start), *end = xcalloc(n, sizeof *end);
    uint64_t cyc = vp_steps_schedule(&j.steps, NULL, start, end);
    CHECK_EQ_INT(cyc, j.steps.cycles);
    VpTiles tl;
    CHECK(vp_tiles_lower(&j.ri, &tl, &d) == 0);
    int bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        const VpStep *st = &j.steps.step[i];
        uint64_t s0, e0;
        if (tl.attention) {
            s0 = tl.attn.t[st->unit][st->tile].start_cyc, e0 = tl.attn.t[st->unit][st->tile].end_cyc;
        } else {
            s0 = tl.gemm.t[st->tile].start_cyc, e0 = tl.gemm.t[st->tile].end_cyc;
        }
        bad += start[i] != s0 || end[i] != e0;
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(j.steps.cycles, tl.attention ? tl.attn.cycles : tl.gemm.cycles);
    vp_tiles_free(&tl);
    /* A late load delays its step and everything after it on the critical path. */
    uint64_t *ready = xcalloc(n, sizeof *ready);
    ready[0] = 1000;
    CHECK_EQ_INT(vp_steps_schedule(&j.steps, ready, NULL, NULL), cyc + 1000);
    free(ready);
    uint64_t bytes[EINSIM_MAX_TENSORS];
    int twice;
    coverage(&j, false, bytes, &twice);
    for (int i = 0; i < j.n_tensors; i++)
        CHECK_EQ_INT(bytes[i], j.t[i].output ? 0 : vp_job_bytes(&j, i));
    CHECK_EQ_INT(twice, 0);
    coverage(&j, true, bytes, &twice);
    for (int i = 0; i < j.n_tensors; i++)
        CHECK_EQ_INT(bytes[i], j.t[i].output ? vp_job_bytes(&j, i) : 0);
    CHECK_EQ_INT(twice, 0);
    uint64_t eng = 0;
    CHECK(vp_engine_cycles(p, rank, VP_IDEAL_GIBPS, &eng, &d) == 0);
    double pct = 100.0 * ((double)cyc - (double)eng) / (double)eng;
    printf("%-36s steps %6" PRIu64 "  tile rules %7" PRIu64 "  engine (ideal memory) %7" PRIu64
           "  %+.3f %%\n", what, n, cyc, eng, pct);
    CHECK(pct <= 1.0 && pct >= -1.0);
    free(start);
    free(end);
    vp_job_free(&j);
    diag_free(&d);
}

static void check_errors(const VpProgram *attn)
{
    Diag d;
    diag_init(&d);
    VpJob j;
    uint64_t zero[] = { 8, 0, 64 }, huge[] = { 8, 8, (uint64_t)1 << 33 };
    uint64_t ragged[] = { 8, 8, 66 }, big[] = { 8, 8, 4096 };
    CHECK_EQ_INT(vp_job_load(&j, attn, zero, &d), EINSIM_ERR_DESC);
    CHECK_EQ_INT(vp_job_load(&j, attn, huge, &d), EINSIM_ERR_DESC);
    CHECK_EQ_INT(vp_job_load(&j, attn, ragged, &d), EINSIM_ERR_INFEASIBLE);
    CHECK_EQ_INT(vp_job_load(&j, attn, big, &d), EINSIM_ERR_INFEASIBLE);
    CHECK(diag_count(&d) >= 4);
    CHECK_EQ_INT(j.steps.n_step, 0);
    vp_job_free(&j);
    diag_free(&d);
}

static void check_values(const VpProgram *p, const uint64_t *rank)
{
    Diag d;
    diag_init(&d);
    VpJob j;
    CHECK_EQ_INT(vp_job_load(&j, p, rank, &d), EINSIM_ERR_NONE);
    int64_t *w[EINSIM_MAX_TENSORS], *w2[EINSIM_MAX_TENSORS];
    for (int i = 0; i < j.n_tensors; i++) {
        w[i] = xcalloc(j.t[i].rows * j.t[i].cols, sizeof **w);
        w2[i] = xcalloc(j.t[i].rows * j.t[i].cols, sizeof **w);
    }
    vp_job_random_inputs(&j, 7, w);
    vp_job_random_inputs(&j, 7, w2);
    CHECK(vp_job_values(&j, w, w, &d) == 0);
    CHECK(vp_job_values(&j, w2, w2, &d) == 0);
    int same = 1, nonzero = 0;
    for (int i = 0; i < j.n_tensors; i++) {
        uint64_t n = j.t[i].rows * j.t[i].cols;
        same &= memcmp(w[i], w2[i], n * sizeof **w) == 0;
        for (uint64_t e = 0; e < n; e++)
            nonzero += w[i][e] != 0;
        /* Memory bytes round trip, negative words included. */
        uint8_t *b = xcalloc(n, j.elem_bytes);
        vp_pack(&j, w[i], n, b);
        vp_unpack(&j, b, n, w2[i]);
        same &= memcmp(w[i], w2[i], n * sizeof **w) == 0;
        free(b);
    }
    CHECK(same);
    CHECK(nonzero > 0);
    for (int i = 0; i < j.n_tensors; i++) {
        free(w[i]);
        free(w2[i]);
    }
    vp_job_free(&j);
    diag_free(&d);
}

static void check_desc(void)
{
    EinsimJob a = { .program = 2, .n_tensors = 4, .rank = { 8, 16, 64, 0 } }, b;
    for (int i = 0; i < 4; i++)
        a.addr[i] = 0x123456789a00ull + (uint64_t)i * 0x1000, a.bytes[i] = 1024u * (uint64_t)(i + 1);
    uint8_t raw[EINSIM_DESC_BYTES];
    einsim_desc_encode(&a, raw);
    CHECK(raw[0] == 0x45 && raw[3] == 0x42);          /* "EJOB", little-endian */
    CHECK(einsim_desc_decode(raw, &b) == 0);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    raw[4] = 9;                                        /* unknown version */
    CHECK(einsim_desc_decode(raw, &b) == -1);
    CHECK_STR(einsim_err_name(EINSIM_ERR_INFEASIBLE), "INFEASIBLE");
    CHECK_STR(einsim_err_name(99), "?");
}

int main(void)
{
    check_desc();
    VpProgram attn4 = program("models/fusemax-4x4.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg",
                              attn_ov, 3);
    VpProgram attn8 = program("models/fusemax-8x8.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg",
                              attn8_ov, 3);
    VpProgram os8 = program("models/fusemax-8x8.cfg", "workloads/gemm.cfg", "mappings/gemm-os.cfg",
                            NULL, 0);
    VpProgram ws8 = program("models/fusemax-8x8.cfg", "workloads/gemm.cfg", "mappings/gemm-ws.cfg",
                            NULL, 0);
    VpProgram ws4 = program("models/fusemax-4x4.cfg", "workloads/gemm.cfg", "mappings/gemm-ws.cfg",
                            NULL, 0);
    CHECK_EQ_INT(attn4.kind, VP_ATTENTION);
    CHECK_EQ_INT(os8.kind, VP_GEMM);
    CHECK_EQ_INT(attn4.rank[2], 1024);                 /* bert.cfg's seq */
    CHECK_STR(attn4.dram, "DRAM");
    uint64_t a4[] = { 8, 8, 64 }, a4b[] = { 16, 16, 128 }, a8[] = { 32, 32, 256 };
    uint64_t g64[] = { 64, 64, 64 }, g4[] = { 128, 32, 32 };
    check_job(&attn4, a4, "attention 4x4 seq 64 E=F=8");
    check_job(&attn4, a4b, "attention 4x4 seq 128 E=F=16");
    check_job(&attn8, a8, "attention 8x8 seq 256 E=F=32");
    check_job(&os8, g64, "GEMM-OS 8x8 K=M=N=64");
    check_job(&ws8, g64, "GEMM-WS 8x8 K=M=N=64");
    check_job(&ws4, g4, "GEMM-WS 4x4 K=128 M=N=32");
    check_errors(&attn4);
    check_values(&attn4, a4);
    check_values(&os8, g64);
    vp_program_free(&attn4);
    vp_program_free(&attn8);
    vp_program_free(&os8);
    vp_program_free(&ws8);
    vp_program_free(&ws4);
    return CHECK_DONE();
}
