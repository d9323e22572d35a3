/* cosim_common.h — what the GEMM and attention co-simulations share (internal to
 * sim/cosim/): creating and running the RTL model, the --timing line, and for --waves
 * the C model's activity as a VCD next to the RTL's FST, with GTKWave save files that
 * open each with its signals grouped.
 *
 * The model trace is built from the predicted tile timing (per cycle: each unit's busy
 * flag, the op / tile / block it issues, tiles in flight, buffer words read and written).
 * Cycle c is at time 2 * (offset + c), the time base of the RTL trace (two edges per
 * clock, offset = clocks spent loading before start). */
#ifndef EINSIM_COSIM_COMMON_H
#define EINSIM_COSIM_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "cosim/cosim.h"
#include "cosim/dense.h"
#include "lower/lower.h"
#include "lower/lower_attn.h"
#include "run/run.h"
#include "util/diag.h"

/* Creates the RTL model of lib; with waves non-NULL, makes that directory and traces the
 * RTL into waves/rtl.fst. Returns NULL with an error in d on failure. */
CosimHandle *cosim_create_model(const CosimLib *lib, const char *libfile, const char *waves,
                                Diag *d);
/* One run of the tile program loaded into h: clocks start at `offset` (clocks spent
 * loading), the RTL may take up to `limit` cycles (cosim_run: 4 x predicted + 1000). */
typedef struct {
    uint64_t offset, limit;
    bool finished;
    uint64_t cycles;             /* run length the RTL reports */
    double seconds;              /* wall time of the run */
    /* busy_o: before start (through reset and loads), the cycles it was high from start
     * until done_o rose (steps of them), and after done */
    CosimStatus before, after;
    uint64_t busy, steps;
} CosimRun;
CosimRun cosim_run(const CosimLib *lib, CosimHandle *h, uint64_t predicted);
/* The same in parts, for a host that decides between slices when to go on (the attention
 * run streamed from the engine's schedule): open starts the run (up to `limit` cycles),
 * each slice steps at most n cycles (its time counts in seconds) and returns whether the
 * run has ended (done, or the limit reached), close reads the results. */
void cosim_run_open(const CosimLib *lib, CosimHandle *h, uint64_t limit, CosimRun *r);
bool cosim_run_slice(const CosimLib *lib, CosimHandle *h, CosimRun *r, uint64_t n);
void cosim_run_close(const CosimLib *lib, CosimHandle *h, CosimRun *r);
/* The traffic of tensors names[0 .. n - 1]: the RTL's counters (rd_sel 9: rtl[t][0 .. 4])
 * and the engine's table (eng[t]: reads, writes and fills at the mapping's buffer level,
 * *buf_level, then reads and writes at the DRAM level, *dram_level; 0 without a row). */
void cosim_traffic(const CosimLib *lib, CosimHandle *h, const RunInputs *ri,
                   const EngineResult *res, int n, const char *const *names, uint64_t rtl[][5],
                   uint64_t eng[][5], const char **buf_level, const char **dram_level);
/* The host side of the DMA ring (rtl/README.md, "DRAM and the DMA program"): command i
 * of c[0 .. n - 1] (and the END, command n) lives in slot i mod slots of the RTL's ring;
 * the host keeps at most `window` commands loaded but not issued (an issued command's
 * slot is free: its transfer has copied what it needs). Writes go through the host port
 * (hload, no core clock on einsim_top). */
typedef struct {
    const CosimLib *lib;
    CosimHandle *h;
    const DmaCmd *c;                  /* the program (cosim_load_dma), or NULL and: */
    const DmaCmd *(*get)(void *src, uint64_t i);   /* command i of a streamed program */
    void *src;
    uint64_t n;                       /* commands known, the END after them ... */
    bool more;                        /* ... unless more will come (the caller sets n, more) */
    uint32_t slots, window;           /* the RTL's ring; commands kept loaded ahead */
    uint64_t tail, issued;            /* absolute: loaded (END included), issued */
    uint64_t refills, reads;          /* commands written after the first load, reads */
} DmaFeed;
/* 0 when the RTL's DMA ring has `slots` slots (read back), else 1 with an error in d
 * naming libfile and the make command `build` that rebuilds it. */
int cosim_dma_check(const CosimLib *lib, CosimHandle *h, uint32_t slots, const char *libfile,
                    const char *build, Diag *d);
/* A streamed program: nothing loaded yet; the caller keeps f->n and f->more up to date. */
void cosim_dma_feed_stream(DmaFeed *f, const CosimLib *lib, CosimHandle *h,
                           const DmaCmd *(*get)(void *src, uint64_t i), void *src,
                           uint32_t slots, uint32_t window);
/* Between run slices: reads the commands issued, refills the freed slots up to the
 * window and moves the tail; returns the most cycles the next slice may last so that the
 * DMA cannot reach its tail before the next call (UINT64_MAX: the program is loaded; 0:
 * a streamed program has no command loaded ahead, and more must come first). */
uint64_t cosim_dma_feed(DmaFeed *f);
/* Loads the whole DMA program c[0 .. n - 1], its END and the tail into h before start
 * (GEMM: dram_lower_gemm refuses a program that does not fit, n + 1 > slots). */
void cosim_load_dma(const CosimLib *lib, CosimHandle *h, const DmaCmd *c, int n,
                    uint32_t slots);
/* NULL when busy_o was low before start, high in every cycle from the run's cycle 0
 * until done_o rose, at most one cycle after the run's last result (the done
 * detection), and low again after; else what differs (to free). */
char *cosim_busy_check(const CosimRun *r);
void cosim_print_busy(const CosimRun *r);
/* Base name of a path without its extension, in a new string. */
char *cosim_base_name(const char *path);
/* Where the bridge of one RTL core is: opts->lib, else the library `make cosim-lib`
 * builds for architecture file opts->arch (models/NAME.cfg), variant opts->variant and the
 * core's top (opts->rtl_list's --top-module line, else opts->rtl_top, else einsim_top):
 * build/cosim/NAME/[TOP/]VARIANT/libeinsim_cosim.so, TOP/ only for a top other than
 * einsim_top. Sets *lib, *build (that make command, for errors) and *top (NULL for
 * einsim_top), to free. Returns 0, or 1 with an error in d (a list without a valid
 * --top-module line, a top that is not a module name). */
int cosim_lib_path(const CosimOptions *opts, char **lib, char **build, char **top, Diag *d);
/* "cannot load the RTL bridge" at libfile, with the make command `build` that builds it. */
void cosim_open_error(Diag *d, const char *libfile, const char *err, const char *build);
/* Monotonic wall clock, seconds. */
double cosim_now_s(void);
/* The --timing line: the RTL's speed and the C models' on the same run (cycles of the C
 * tile model; t_timing the tile rules and the engine, t_values the fixed-point values). */
void cosim_print_timing(uint64_t rtl_cycles, double t_rtl, uint64_t c_cycles, double t_timing,
                        double t_values);
/* Writes DIR/model.vcd and DIR/model.gtkw, DIR/rtl.gtkw of a GEMM tile program (attn
 * NULL) or of an attention program (p NULL); top names a core other than einsim_top (its
 * view then shows the contract's ports), or is NULL. Returns 0, or 1 with an error in d. */
int cosim_waves_write(Diag *d, const char *dir, const RtlGeom *g, const TileProg *p,
                      const AttnProg *attn, const char *top, uint64_t offset);

/* Runs the attention co-simulation of ri on the bridge at libfile (built by `build`, for
 * the core top, NULL for einsim_top) and prints the summary; waves non-NULL writes the RTL
 * and C model traces there; window (0: the whole ring) bounds the tiles of each queue the
 * host keeps loaded, dma_window (0: the whole ring) the DMA commands (cosim_attn.c). */
Outcome cosim_attention(const RunInputs *ri, const char *arch_path, const char *libfile,
                        const char *build, const char *top, uint64_t seed, bool timing,
                        const char *waves, uint32_t window, uint32_t dma_window, Diag *d);

#endif
