/* cosim_common.c — running the RTL model, the --timing line, and the C model's activity
 * trace and the GTKWave save files of `einsim cosim --waves` (cosim_common.h). */
#include "cosim/cosim_common.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/output.h"
#include "util/util.h"

#define MAX_SIGS 16

/* A signal shown as a number, not through an opcode filter. */
enum { NOOPS = -1 };

/* One traced signal: its value at every cycle 0 .. cycles of the run. */
typedef struct {
    const char *group;   /* GTKWave group it is shown in */
    const char *name;
    int width;
    int ops;             /* opcode space shown by name (OPS_*), or NOOPS */
    uint32_t *v;
} Sig;

typedef struct {
    Sig s[MAX_SIGS];
    int n;
    uint64_t cycles;
} Trace;

static uint32_t *sig(Trace *t, const char *group, const char *name, int width, int ops)
{
    EINSIM_ASSERT(t->n < MAX_SIGS);
    Sig *s = &t->s[t->n++];
    *s = (Sig){ group, name, width, ops, xcalloc(t->cycles + 1, sizeof(uint32_t)) };
    return s->v;
}

static void trace_free(Trace *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->s[i].v);
}

/* Adds `by` to v[from .. to-1] (clipped to the run). */
static void add_range(const Trace *t, uint32_t *v, uint64_t from, uint64_t to, uint32_t by)
{
    for (uint64_t c = from; c < to && c <= t->cycles; c++)
        v[c] += by;
}

static void set_range(const Trace *t, uint32_t *v, uint64_t from, uint64_t to, uint32_t val)
{
    for (uint64_t c = from; c < to && c <= t->cycles; c++)
        v[c] = val;
}

/* The VCD: one variable per signal, a value change only where the value changes. */
static char *trace_vcd(const Trace *t, uint64_t offset)
{
    Buf b = {0};
    buf_printf(&b, "$comment einsim C model activity (tile-level timing rules) $end\n"
               "$timescale 1ns $end\n$scope module model $end\n");
    for (int i = 0; i < t->n; i++) {
        buf_printf(&b, "$var wire %d %c %s", t->s[i].width, '!' + i, t->s[i].name);
        if (t->s[i].width > 1)
            buf_printf(&b, " [%d:0]", t->s[i].width - 1);
        buf_printf(&b, " $end\n");
    }
    buf_printf(&b, "$upscope $end\n$enddefinitions $end\n");
    for (uint64_t c = 0; c <= t->cycles; c++) {
        bool stamped = false;
        for (int i = 0; i < t->n; i++) {
            const Sig *s = &t->s[i];
            if (c > 0 && s->v[c] == s->v[c - 1])
                continue;
            if (!stamped)
                buf_printf(&b, "#%" PRIu64 "\n", 2 * (offset + c));
            stamped = true;
            if (s->width == 1) {
                buf_printf(&b, "%u%c\n", s->v[c] ? 1u : 0u, '!' + i);
            } else {
                buf_putc(&b, 'b');
                for (int bit = s->width - 1; bit >= 0; bit--)
                    buf_putc(&b, (char)('0' + ((s->v[c] >> bit) & 1)));
                buf_printf(&b, " %c\n", '!' + i);
            }
        }
    }
    buf_printf(&b, "#%" PRIu64 "\n", 2 * (offset + t->cycles + 1));
    return buf_take(&b);
}

/* GTKWave save-file lines of a group of signals: "@800200 -NAME", flag + signal per line,
 * "@1000200 -NAME". Flags: 28 binary (1-bit), 24 decimal (vectors, named with a range),
 * 2024 decimal through the translate filter of "^N FILE" (opcodes by name). */
static void gtkw_group(Buf *b, const char *group, char *const *sigs, const int *ops, int n)
{
    buf_printf(b, "@800200\n-%s\n", group);
    for (int i = 0; i < n; i++) {
        if (ops[i] >= 0)
            buf_printf(b, "@2024\n^%d %s\n%s\n", ops[i] + 1, op_spaces[ops[i]].filter, sigs[i]);
        else
            buf_printf(b, "%s\n%s\n", strchr(sigs[i], '[') ? "@24" : "@28", sigs[i]);
    }
    buf_printf(b, "@1000200\n-%s\n", group);
}

/* The view of both save files: [timestart] two cycles before the run's cycle 0 (time
 * 2 (offset + c) ns), the marker at cycle 0, and a zoom that shows `span` cycles in
 * the 1000-pixel wave pane of a 1400 x 800 window (GTKWave: 200 pixels show
 * 2^-zoom time units). */
static void gtkw_header(Buf *b, const char *what, const char *dump, const char *save,
                        uint64_t offset, uint64_t span)
{
    uint64_t t0 = 2 * offset, from = offset >= 2 ? 2 * (offset - 2) : 0;
    buf_printf(b, "[*] einsim %s (gtkwave %s): time in ns, one clock cycle = 2 ns, cycle c of "
               "the run at %" PRIu64 " + 2c ns\n", what, save, t0);
    buf_printf(b, "[dumpfile] \"%s\"\n[savefile] \"%s\"\n[timestart] %" PRIu64 "\n"
               "[size] 1400 800\n[signals_width] 300\n", dump, save, from);
    buf_printf(b, "*%.6f %" PRIu64 "\n", -log2(200.0 * 2.0 * (double)span / 1000.0), t0);
}

static char *model_gtkw(const Trace *t, uint64_t offset, uint64_t span)
{
    Buf b = {0};
    gtkw_header(&b, "C model activity", "model.vcd", "model.gtkw", offset, span);
    for (int i = 0; i < t->n; i++) {
        if (i > 0 && strcmp(t->s[i].group, t->s[i - 1].group) == 0)
            continue;
        char *names[MAX_SIGS];
        int ops[MAX_SIGS], n = 0;
        for (int k = i; k < t->n && strcmp(t->s[k].group, t->s[i].group) == 0; k++, n++) {
            names[n] = t->s[k].width == 1 ? xasprintf("model.%s", t->s[k].name)
                                          : xasprintf("model.%s[%d:0]", t->s[k].name,
                                                      t->s[k].width - 1);
            ops[n] = t->s[k].ops;
        }
        gtkw_group(&b, t->s[i].group, names, ops, n);
        for (int k = 0; k < n; k++)
            free(names[k]);
    }
    return buf_take(&b);
}

/* RTL signals shown by rtl.gtkw, grouped; every name exists in the FST (tested). The
 * bridge names the model einsim_top, so its top module's scope is einsim_top.TOP
 * (einsim_top.einsim_top for the default core).
 * Width 1 is a bit; COLS is one bit per array column. */
enum { COLS = -1 };
typedef struct {
    const char *name;
    int width;
    int ops;             /* opcode space shown by name, or NOOPS */
} RtlSig;
typedef struct {
    const char *group;
    const RtlSig *sigs;
    int n;
} RtlGroup;

#define SIGS(arr) arr, (int)(sizeof arr / sizeof arr[0])
static const RtlSig rtl_top[] = {
    { "clk_i", 1, NOOPS }, { "start_i", 1, NOOPS }, { "busy_o", 1, NOOPS },
    { "done_o", 1, NOOPS }, { "cycles_o", 32, NOOPS },
};
static const RtlSig rtl_gemm_seq[] = {
    { "u_seq.cyc_q", 32, NOOPS }, { "u_seq.pc_q", 32, NOOPS }, { "u_seq.op", 8, OPS_TILE },
    { "u_seq.cnt_q", 32, NOOPS },
};
static const RtlSig rtl_gemm_array[] = {
    { "av_q", 1, NOOPS }, { "ws_q", 1, NOOPS }, { "res_v", COLS, NOOPS },
};
static const RtlSig rtl_gemm_wb[] = { { "end_v", COLS, NOOPS } };
static const RtlSig rtl_attn_2d[] = {
    { "u_attn.cyc", 32, NOOPS }, { "u_attn.u_q2d.op", 8, OPS_A2 }, { "u_attn.v2", 1, NOOPS },
    { "u_attn.op2", 8, OPS_A2 }, { "u_attn.t2", 32, NOOPS }, { "u_attn.bk2", 16, NOOPS },
    { "u_attn.c2", 32, NOOPS },
};
static const RtlSig rtl_attn_array[] = {
    { "av_q", 1, NOOPS }, { "u_attn.av_bot_i", 1, NOOPS }, { "u_attn.bop", 3, OPS_A2 },
    { "u_attn.btid", 14, NOOPS },
};
static const RtlSig rtl_attn_stg[] = {
    { "u_attn.so_v", 1, NOOPS }, { "u_attn.so_kind", 8, OPS_A2 }, { "u_attn.so_tid", 14, NOOPS },
};
static const RtlSig rtl_attn_1d[] = {
    { "u_attn.v1", 1, NOOPS }, { "u_attn.op1", 8, OPS_A1 }, { "u_attn.t1", 32, NOOPS },
    { "u_attn.bk1", 16, NOOPS }, { "u_attn.c1", 32, NOOPS },
};
static const RtlGroup gemm_groups[] = {
    { "top", SIGS(rtl_top) }, { "sequencer", SIGS(rtl_gemm_seq) },
    { "array", SIGS(rtl_gemm_array) }, { "write-back", SIGS(rtl_gemm_wb) },
};
static const RtlGroup attn_groups[] = {
    { "top", SIGS(rtl_top) }, { "2D queue", SIGS(rtl_attn_2d) },
    { "array (bottom row)", SIGS(rtl_attn_array) }, { "staging into the 1D array", SIGS(rtl_attn_stg) },
    { "1D queue and array", SIGS(rtl_attn_1d) },
};

/* Another core than einsim_top: only the contract's ports are known to exist. */
static const RtlGroup core_groups[] = { { "top (the core contract's ports)", SIGS(rtl_top) } };

static char *rtl_gtkw(const RtlGeom *g, bool attention, const char *top, uint64_t offset,
                      uint64_t span)
{
    Buf b = {0};
    gtkw_header(&b, "RTL waves", "rtl.fst", "rtl.gtkw", offset, span);
    const RtlGroup *gr = top ? core_groups : attention ? attn_groups : gemm_groups;
    int ng = top ? 1 : attention ? (int)(sizeof attn_groups / sizeof attn_groups[0])
                                 : (int)(sizeof gemm_groups / sizeof gemm_groups[0]);
    if (!top)
        top = "einsim_top";
    for (int i = 0; i < ng; i++) {
        char *names[16];
        int ops[16];
        EINSIM_ASSERT(gr[i].n <= 16);
        for (int k = 0; k < gr[i].n; k++) {
            int w = gr[i].sigs[k].width == COLS ? (int)g->cols : gr[i].sigs[k].width;
            ops[k] = gr[i].sigs[k].ops;
            names[k] = w == 1 ? xasprintf("einsim_top.%s.%s", top, gr[i].sigs[k].name)
                              : xasprintf("einsim_top.%s.%s[%d:0]", top, gr[i].sigs[k].name,
                                          w - 1);
        }
        gtkw_group(&b, gr[i].group, names, ops, gr[i].n);
        for (int k = 0; k < gr[i].n; k++)
            free(names[k]);
    }
    return buf_take(&b);
}

/* GEMM: the array's busy flag (a tile in flight), tiles in flight, the tile being issued
 * and whether a stream cycle issues, global-buffer words read per cycle. */
static void gemm_trace(Trace *tr, const RtlGeom *g, const TileProg *p)
{
    tr->cycles = p->cycles;
    uint32_t *busy = sig(tr, "array2d", "array2d_busy", 1, NOOPS);
    uint32_t *issuing = sig(tr, "array2d", "issuing", 1, NOOPS);
    uint32_t *inflight = sig(tr, "array2d", "tiles_in_flight", 16, NOOPS);
    uint32_t *tile = sig(tr, "array2d", "issue_tile", 16, NOOPS);
    uint32_t *op = sig(tr, "array2d", "issue_op", 8, OPS_TILE);
    uint32_t *reads = sig(tr, "GlobalBuffer", "glb_read_words", 16, NOOPS);
    for (int i = 0; i < p->n; i++) {
        const TileInstr *t = &p->t[i];
        uint64_t next = i + 1 < p->n ? p->t[i + 1].start_cyc : p->cycles + 1;
        add_range(tr, inflight, t->start_cyc, t->end_cyc, 1);
        set_range(tr, tile, t->start_cyc, next, (uint32_t)i);
        set_range(tr, op, t->start_cyc, next, (uint32_t)t->op);
        if (t->op == TILE_GEMM_OS) {
            set_range(tr, issuing, t->start_cyc, t->start_cyc + t->k, 1);
            add_range(tr, reads, t->start_cyc, t->start_cyc + t->k, t->m + t->n);
        } else {
            set_range(tr, issuing, t->start_cyc, t->start_cyc + t->m, 1);
            add_range(tr, reads, t->start_cyc, t->start_cyc + t->m, t->k);
            uint64_t wrows = t->k < g->rows ? t->k : g->rows;   /* weight rows, one per cycle */
            add_range(tr, reads, t->start_cyc, t->start_cyc + wrows, t->n);
        }
    }
    for (uint64_t c = 0; c <= tr->cycles; c++)
        busy[c] = inflight[c] > 0;
}

/* Attention: per unit (2D, 1D) the busy flag (a tile in flight), the op (the Einsum's
 * opcode of lower_attn.h), tile and query block issued each cycle; Q/K/V-buffer words read
 * and output-buffer words written. */
static void attn_trace(Trace *tr, const AttnProg *p)
{
    static const char *const unit[2] = { "array2d", "array1d" };
    static const char *const names[2][4] = {
        { "array2d_busy", "array2d_op", "array2d_tile", "array2d_block" },
        { "array1d_busy", "array1d_op", "array1d_tile", "array1d_block" },
    };
    tr->cycles = p->cycles;
    uint32_t *v[2][4], *inflight[2];
    for (int q = 0; q < 2; q++) {
        v[q][0] = sig(tr, unit[q], names[q][0], 1, NOOPS);
        v[q][1] = sig(tr, unit[q], names[q][1], 8, q == ATTN_Q2D ? OPS_A2 : OPS_A1);
        v[q][2] = sig(tr, unit[q], names[q][2], 16, NOOPS);
        v[q][3] = sig(tr, unit[q], names[q][3], 16, NOOPS);
    }
    uint32_t *reads = sig(tr, "buffers", "abuf_read_words", 16, NOOPS);
    uint32_t *writes = sig(tr, "buffers", "obuf_write_words", 16, NOOPS);
    for (int q = 0; q < 2; q++) {
        inflight[q] = xcalloc(tr->cycles + 1, sizeof(uint32_t));
        for (int i = 0; i < p->n[q]; i++) {
            const AttnTile *t = &p->t[q][i];
            uint64_t s = t->start_cyc, e = t->start_cyc + t->len;
            add_range(tr, inflight[q], s, t->end_cyc, 1);
            set_range(tr, v[q][2], s, e, (uint32_t)i);
            set_range(tr, v[q][3], s, e, t->blk);
            if (q == ATTN_Q1D) {
                set_range(tr, v[q][1], s, e, t->op);
                if (t->op == A1_AV)
                    add_range(tr, writes, s, e, (uint32_t)p->C);
                continue;
            }
            /* 2D: the Einsum of each stream element (a pair alternates BQK and SLNV) and
             * its operand reads: a K row and a Q column (BQK), a V row (SLNV). */
            for (uint32_t c = 0; c < t->len; c++) {
                uint32_t op = t->op == A2_PAIR ? lower_attn_pair_op(t->k, t->k2, c) : t->op;
                set_range(tr, v[q][1], s + c, s + c + 1, op);
                if (op == A2_BQK || op == A2_SLNV)
                    add_range(tr, reads, s + c, s + c + 1,
                              (uint32_t)(op == A2_BQK ? p->R + p->C : p->R));
            }
        }
        for (uint64_t c = 0; c <= tr->cycles; c++)
            v[q][0][c] = inflight[q][c] > 0;
        free(inflight[q]);
    }
}

static int write_text(Diag *d, const char *dir, const char *name, char *text)
{
    char *path = path_join(dir, name);
    int rc = file_write(path, text, strlen(text), d);
    free(path);
    free(text);
    return rc;
}

char *cosim_base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    s = s ? s + 1 : path;
    const char *dot = strrchr(s, '.');
    return xasprintf("%.*s", (int)(dot ? dot - s : (long)strlen(s)), s);
}

/* A Verilog module name as the make rules accept it: [A-Za-z_][A-Za-z0-9_]*. */
static bool module_name(const char *s, size_t n)
{
    static const char word[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789";
    return n > 0 && !(s[0] >= '0' && s[0] <= '9') && strspn(s, word) >= n;
}

int cosim_lib_path(const CosimOptions *o, char **lib, char **build, char **top_out, Diag *d)
{
    char *top = NULL, *base = cosim_base_name(o->arch), *extra = NULL;
    *lib = *build = *top_out = NULL;
    if (o->rtl_list) {
        FILE *f = fopen(o->rtl_list, "r");
        if (!f) {
            diag_error(d, o->rtl_list, 0, "cannot read the RTL source list: %s", strerror(errno));
            free(base);
            return 1;
        }
        char line[1024];
        int ln = 0, bad = 0;
        while (!top && !bad && fgets(line, sizeof line, f)) {
            ln++;
            if (strncmp(line, "--top-module", 12) != 0 || !strchr(" \t", line[12]))
                continue;
            char *name = line + 12 + strspn(line + 12, " \t");
            size_t n = strcspn(name, " \t\r\n");
            if (module_name(name, n) && name[n + strspn(name + n, " \t\r\n")] == '\0')
                top = xasprintf("%.*s", (int)n, name);
            else {
                diag_error(d, o->rtl_list, ln, "--top-module expects one module name");
                bad = 1;
            }
        }
        fclose(f);
        if (!top && !bad)
            diag_error(d, o->rtl_list, 0, "the RTL source list has no --top-module NAME line");
        if (!top) {
            free(base);
            return 1;
        }
        extra = xasprintf(" RTL_LIST=%s", o->rtl_list);
    } else if (o->rtl_top) {
        if (!module_name(o->rtl_top, strlen(o->rtl_top))) {
            diag_error(d, NULL, 0, "--rtl-top '%s' is not a module name", o->rtl_top);
            free(base);
            return 1;
        }
        top = xstrdup(o->rtl_top);
        extra = xasprintf(" RTL_TOP=%s RTL_SRCS='FILES'", top);
    }
    bool dflt = !top || strcmp(top, "einsim_top") == 0;
    *lib = o->lib ? xstrdup(o->lib)
                  : xasprintf("build/cosim/%s/%s%s%s/libeinsim_cosim.so", base, dflt ? "" : top,
                              dflt ? "" : "/", o->variant);
    bool fault = strcmp(o->variant, "normal") != 0;
    *build = xasprintf("make cosim-lib ARCH=%s%s%s%s` for models/%s.cfg", base,
                       fault ? " RTL_VARIANT=" : "", fault ? o->variant : "", extra ? extra : "",
                       base);
    *top_out = dflt ? NULL : top;
    if (dflt)
        free(top);
    free(extra);
    free(base);
    return 0;
}

void cosim_open_error(Diag *d, const char *libfile, const char *err, const char *build)
{
    diag_error(d, libfile, 0, "cannot load the RTL bridge: %s (build it with `%s, or give "
               "--rtl-lib)", err, build);
}

double cosim_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cosim_run_open(const CosimLib *lib, CosimHandle *h, uint64_t limit, CosimRun *r)
{
    *r = (CosimRun){ .limit = limit };
    lib->status(h, &r->before);
    lib->start(h);
    r->offset = lib->clocks(h);
}

bool cosim_run_slice(const CosimLib *lib, CosimHandle *h, CosimRun *r, uint64_t n)
{
    uint64_t ran = lib->clocks(h) - r->offset, left = r->limit > ran ? r->limit - ran : 0;
    double t0 = cosim_now_s();
    r->finished = lib->step(h, n < left ? n : left) != 0;
    r->seconds += cosim_now_s() - t0;
    return r->finished || lib->clocks(h) - r->offset >= r->limit;
}

void cosim_run_close(const CosimLib *lib, CosimHandle *h, CosimRun *r)
{
    r->cycles = lib->cycles(h);
    lib->status(h, &r->after);
    r->steps = lib->clocks(h) - r->offset;
    /* the start clock samples busy_o before start_i takes effect */
    r->busy = r->after.busy_clocks - r->before.busy_clocks;
}

CosimRun cosim_run(const CosimLib *lib, CosimHandle *h, uint64_t predicted)
{
    CosimRun r;
    cosim_run_open(lib, h, 4 * predicted + 1000, &r);
    cosim_run_slice(lib, h, &r, r.limit);
    cosim_run_close(lib, h, &r);
    return r;
}

char *cosim_busy_check(const CosimRun *r)
{
    if (r->before.busy || r->before.busy_clocks)
        return xasprintf("busy_o was high before start (%" PRIu64 " cycles)",
                         r->before.busy_clocks);
    if (r->finished && (r->busy != r->steps || r->steps < r->cycles || r->steps > r->cycles + 1))
        return xasprintf("busy_o high in %" PRIu64 " cycles from start to done (%" PRIu64
                         " cycles; run length %" PRIu64 ")", r->busy, r->steps, r->cycles);
    if (r->finished && (r->after.busy || !r->after.done))
        return xasprintf("after done: busy_o = %d, done_o = %d", r->after.busy, r->after.done);
    return NULL;
}

void cosim_print_busy(const CosimRun *r)
{
    printf("  busy_o         : high in %" PRIu64 " of the %" PRIu64 " cycles from start to done_o "
           "(run length %" PRIu64 "); %d before start, %d after done\n", r->busy, r->steps,
           r->cycles, r->before.busy, r->after.busy);
}

static double rate(uint64_t cycles, double s) { return s > 0 ? (double)cycles / s : 0; }

void cosim_print_timing(uint64_t rtl_cycles, double t_rtl, uint64_t c_cycles, double t_timing,
                        double t_values)
{
    printf("  timing         : RTL %" PRIu64 " cycles in %.6f s = %.0f cycles/s; C timing "
           "model (tile rules + cycle level) %.6f s = %.0f cycles/s; C functional model "
           "(fixed-point values) %.6f s = %.0f cycles/s\n", rtl_cycles, t_rtl,
           rate(rtl_cycles, t_rtl), t_timing, rate(c_cycles, t_timing), t_values,
           rate(c_cycles, t_values));
}

CosimHandle *cosim_create_model(const CosimLib *lib, const char *libfile, const char *waves,
                                Diag *d)
{
    if (waves && mkdirs(waves) != 0) {
        diag_error(d, waves, 0, "cannot create the waves directory: %s", strerror(errno));
        return NULL;
    }
    char *fst = waves ? path_join(waves, "rtl.fst") : NULL;
    CosimHandle *h = lib->create(fst);
    if (!h)
        diag_error(d, fst ? fst : libfile, 0, "cannot create the RTL model%s",
                   fst ? " (waves file not writable?)" : "");
    free(fst);
    return h;
}

int cosim_waves_write(Diag *d, const char *dir, const RtlGeom *g, const TileProg *p,
                      const AttnProg *attn, const char *top, uint64_t offset)
{
    Trace tr = { .n = 0 };
    /* The first window of activity: from start to the end of the first tile (of each
     * queue), plus 4 cycles; at least 32 cycles, at most the run. */
    uint64_t first_end;
    if (attn) {
        attn_trace(&tr, attn);
        first_end = attn->n[ATTN_Q2D] ? attn->t[ATTN_Q2D][0].end_cyc : 0;
        if (attn->n[ATTN_Q1D] && attn->t[ATTN_Q1D][0].end_cyc > first_end)
            first_end = attn->t[ATTN_Q1D][0].end_cyc;
    } else {
        gemm_trace(&tr, g, p);
        first_end = p->n ? p->t[0].end_cyc : 0;
    }
    /* The run itself, cycle 0 to its end: a GEMM's first tile may wait for its loads. */
    set_range(&tr, sig(&tr, "run", "run", 1, NOOPS), 0, tr.cycles, 1);
    uint64_t span = first_end + 4 > 32 ? first_end + 4 : 32;
    span = span < tr.cycles + 4 ? span : tr.cycles + 4;
    int rc = 0;
    for (int s = 0; s < OPS_SPACES && !rc; s++) {
        Buf f = {0};
        buf_printf(&f, "# GTKWave translate filter: %s opcodes (value name), generated by einsim "
                   "from sim/lower/opcodes.h\n", op_spaces[s].space);
        for (int i = 0; i < op_spaces[s].n; i++)
            buf_printf(&f, "%d %s\n", op_spaces[s].ops[i].value, op_spaces[s].ops[i].name);
        rc = write_text(d, dir, op_spaces[s].filter, buf_take(&f));
    }
    rc = rc || write_text(d, dir, "model.vcd", trace_vcd(&tr, offset)) ||
         write_text(d, dir, "model.gtkw", model_gtkw(&tr, offset, span)) ||
         write_text(d, dir, "rtl.gtkw", rtl_gtkw(g, attn != NULL, top, offset, span));
    trace_free(&tr);
    return rc;
}

/* Loads commands [f->tail, upto) (index n is the END) into their slots, then the tail. */
static void dma_load_upto(DmaFeed *f, uint64_t upto)
{
    if (upto <= f->tail)
        return;
    for (uint64_t i = f->tail; i < upto; i++) {
        uint64_t w[4];
        lower_dma_encode(i < f->n ? f->c ? &f->c[i] : f->get(f->src, i) : NULL, w);
        uint32_t base = (uint32_t)(4 * (i % f->slots));
        for (int k = 0; k < 4; k++)
            f->lib->hload(f->h, COSIM_DMA, base + (uint32_t)k, w[k]);
    }
    f->refills += upto - f->tail;
    f->tail = upto;
    f->lib->hload(f->h, COSIM_DMA, COSIM_TAIL, upto);
}

void cosim_dma_feed_stream(DmaFeed *f, const CosimLib *lib, CosimHandle *h,
                           const DmaCmd *(*get)(void *src, uint64_t i), void *src,
                           uint32_t slots, uint32_t window)
{
    *f = (DmaFeed){ .lib = lib, .h = h, .get = get, .src = src, .more = true, .slots = slots,
                    .window = window ? window : slots };
}

uint64_t cosim_dma_feed(DmaFeed *f)
{
    uint64_t end = f->n + !f->more;   /* what may be loaded: the END once nothing more comes */
    if (!f->more && f->tail >= end)
        return UINT64_MAX;      /* all loaded: nothing to bound */
    f->issued = f->lib->read(f->h, COSIM_DMA_ISSUED, 0) & 0xffffffffu;
    f->reads++;
    /* an issued command's slot is free (its transfer keeps a copy of what it needs) */
    uint64_t upto = f->issued + f->window;
    dma_load_upto(f, upto < end ? upto : end);
    if (!f->more && f->tail >= end)
        return UINT64_MAX;
    /* at most one command issues a cycle: the DMA cannot pass its tail within the
     * commands loaded but not yet issued */
    return f->tail > f->issued ? f->tail - f->issued : f->more && f->tail == end ? 0 : 1;
}

int cosim_dma_check(const CosimLib *lib, CosimHandle *h, uint32_t slots, const char *libfile,
                    const char *build, Diag *d)
{
    uint64_t rtl = lib->read(h, COSIM_DMA_ISSUED, COSIM_DMA_SLOTS);
    if (rtl == slots)
        return 0;
    diag_error(d, libfile, 0, "the RTL's DMA ring has %" PRIu64 " slots, einsim places "
               "commands in a ring of %u: refusing to run (rebuild it with `%s)", rtl, slots,
               build);
    return 1;
}

void cosim_load_dma(const CosimLib *lib, CosimHandle *h, const DmaCmd *c, int n,
                    uint32_t slots)
{
    DmaFeed f = { .lib = lib, .h = h, .c = c, .n = (uint64_t)n, .slots = slots, .window = slots };
    dma_load_upto(&f, (uint64_t)n + 1 < slots ? (uint64_t)n + 1 : slots);
}

static const TrafficStat *traffic_of(const EngineResult *r, const char *level, const char *tensor)
{
    for (int i = 0; i < r->n_traffic; i++)
        if (strcmp(r->traffic[i].level, level) == 0 && strcmp(r->traffic[i].tensor, tensor) == 0)
            return &r->traffic[i];
    return NULL;
}

void cosim_traffic(const CosimLib *lib, CosimHandle *h, const RunInputs *ri,
                   const EngineResult *res, int n, const char *const *names, uint64_t rtl[][5],
                   uint64_t eng[][5], const char **buf_level, const char **dram_level)
{
    *buf_level = NULL;
    for (int i = 0; i < ri->mapping->n_groups && !*buf_level; i++)
        *buf_level = ri->mapping->groups[i].buffer;
    if (!*buf_level)
        *buf_level = "GlobalBuffer";
    *dram_level = ri->arch->levels[0].name;
    for (int t = 0; t < n; t++) {
        const TrafficStat *gb = traffic_of(res, *buf_level, names[t]);
        const TrafficStat *dr = traffic_of(res, *dram_level, names[t]);
        eng[t][0] = gb ? gb->reads : 0;
        eng[t][1] = gb ? gb->writes : 0;
        eng[t][2] = gb ? gb->fills : 0;
        eng[t][3] = dr ? dr->reads : 0;
        eng[t][4] = dr ? dr->writes : 0;
        for (int k = 0; k < 5; k++)
            rtl[t][k] = lib->read(h, COSIM_COUNTERS, (uint32_t)(8 * t + k));
    }
}
