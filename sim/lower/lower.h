/* lower.h — lowering a GEMM mapping to the RTL's tile program, and the C model's
 * prediction of every tile's start and end cycle.
 *
 * The tile ISA (rtl/README.md has the full table): a tile is one array pass,
 *   GEMM_OS: Z[z + i*ldz + j] = sum_{c<k} A[a + c*lda + i] * B[b + c*ldb + j], i<m<=R, j<n<=C
 *   GEMM_WS: Z[z + c*ldz + j] (+)= sum_{i<k} A[a + i*lda + c] * B[b + i*ldb + j], c<m, i<k<=R,
 *            j<n<=C (acc_init adds the accumulator already in Z; final rounds to a word)
 * encoded in four 64-bit words. Timing rules (one pass of the cycle level's array model,
 * with pipelined issue): tile 0 starts at cycle 0; tile t+1 starts ivl_t cycles after
 * tile t, ivl = max(len, R) for OS (len = k) and max(len, R, C) for WS (len = m);
 *   end = start + in_latency (operand register(s): array2d's in_latency) + len + fill,
 *   fill = m + n - 2 (OS: skew to the farthest PE used), R + n - 2 (WS: partial sums
 *   cross every row).
 * The run takes the latest end. These are derived from the array model (rows + cols - 2
 * of fill/drain per pass, paid once when passes are pipelined), not from the RTL; the
 * RTL is checked against them. */
#ifndef EINSIM_LOWER_H
#define EINSIM_LOWER_H

#include <stdbool.h>
#include <stdint.h>

#include "config/spec.h"
#include "lower/opcodes.h"
#include "util/diag.h"
#include "util/util.h"

/* Capacity of the RTL's instruction memory, in tiles (written into the header). */
#define LOWER_IMEM_TILES 4096
/* Largest buffer the RTL simulation allocates, in words. */
#define LOWER_MAX_BUFFER_WORDS ((uint64_t)1 << 24)
/* Slots of the DMA ring, in commands (a power of two: the host keeps a longer attention
 * program fed; a GEMM program is loaded whole); widest memory-port beat, in words. */
#define LOWER_DMA_CMDS 8192
#define LOWER_MAX_BEAT_WORDS 1024


/* The RTL's dimensions, as the generated header states them. */
typedef struct {
    uint32_t rows, cols;          /* 2D array PEs */
    uint32_t word_bits, frac_bits, acc_bits;
    uint32_t glb_words;           /* global buffer, words of word_bits */
    uint32_t zbuf_words;          /* accumulator buffer, words of acc_bits */
    uint32_t tiles;               /* instruction memory, tiles */
    uint32_t stg;                 /* latency of the staging level between the arrays (the
                                     architecture's regfile level; 0 without one) */
    uint32_t in_latency;          /* array2d's in_latency: buffer read to the first PE, in
                                     register stages (1 on rtl/einsim_top.v) */
    uint32_t beat_words;          /* memory-port beat: DRAM bytes per cycle in words, rounded up */
    uint32_t dma_cmds;            /* DMA program capacity, commands */
    double dram_bpc;              /* DRAM bytes per cycle (the engine's) */
    uint32_t dram_latency;        /* DRAM level latency_cycles */
} RtlGeom;

typedef struct {
    TileOp op;
    bool acc_init, final;
    uint32_t m, n, k;             /* tile extents (16-bit fields) */
    uint32_t a, b, z;             /* buffer word addresses */
    uint32_t lda, ldb, ldz;       /* row strides in words (16-bit fields) */
    uint32_t need_loads, need_stores; /* DMA loads / stores complete before it starts */
    uint32_t need_rows;           /* > 0: of the last needed load, its first need_rows x n
                                     words suffice (16-bit fields) */
    uint64_t ready_cyc;           /* earliest start (the engine's schedule; 0 on chip) */
    uint64_t start_cyc, end_cyc;  /* predicted by lower_predict */
} TileInstr;

typedef struct {
    TileInstr *t;                 /* n tiles (owned; free with lower_free) */
    int n;
    uint64_t cycles;              /* predicted run length: the latest end */
    uint32_t a_base, b_base;      /* global-buffer addresses of A (K x M) and B (K x N) */
    uint64_t K, M, N;
    bool ws;
    bool nmajor;                  /* OS tiles in N-block-major order (dram_lower_gemm) */
} TileProg;

/* The DMA program (rtl/README.md, "DRAM and the DMA program"): commands executed in
 * order, each once its dependency holds. */
typedef enum { DMA_END = 0, DMA_LOAD = 1, DMA_STORE = 2 } DmaOp;
typedef struct {
    DmaOp op;
    uint32_t tensor;              /* 0 A, 1 B, 2 Z (the counters' row) */
    uint32_t words;
    uint32_t dram, buf;           /* DRAM and buffer word addresses (contiguous runs) */
    uint32_t dep;                 /* LOAD: tiles finished issuing; STORE: tile + 1 ended */
    uint64_t start, end;          /* the engine's transfer: start, data usable / written */
} DmaCmd;

typedef struct {
    DmaCmd *c;                    /* n commands (owned; free with lower_dma_free) */
    int n;
    uint64_t dram_a, dram_b, dram_z;   /* DRAM word addresses of A, B and Z */
    uint64_t end;                 /* the engine's last transfer end */
    char *disagree;               /* the first item whose engine start / end differs from
                                     the tile rules' (NULL: none), to report */
} DmaProg;

/* Geometry of `a`'s unit named "array2d" and its GlobalBuffer. Returns 0, or 1 with an
 * error in d (no such unit / level, buffer too large for simulation). */
int lower_geom(const ArchSpec *a, RtlGeom *g, Diag *d);

/* The Verilog header einsim_params.vh for geometry g of architecture `src` (a path, for
 * the banner), as a new string owned by the caller. Deterministic. */
char *lower_rtl_params(const RtlGeom *g, const ArchSpec *a);

/* Lowers Z[m,n] = sum_k A[k,m] B[k,n] (K, M, N) to tiles for an output-stationary
 * (ws = false) or weight-stationary mapping, A at global-buffer word 0, B after it, Z at
 * accumulator word 0 (row-major M x N), and predicts each tile's cycles. Returns 0, or 1
 * with an error in d when the problem does not fit the RTL's buffers or fields. */
int lower_gemm(const RtlGeom *g, bool ws, uint64_t K, uint64_t M, uint64_t N, TileProg *p,
               Diag *d);
/* Applies the timing rules above to p's tiles (start_cyc, end_cyc, p->cycles). */
void lower_predict(const RtlGeom *g, TileProg *p);
/* The four instruction words of tile t (an END tile when t is NULL). */
void lower_encode(const TileInstr *t, uint64_t w[4]);
/* Index of the tile that writes Z[m, n] last (its final value). */
int lower_tile_of(const RtlGeom *g, const TileProg *p, uint64_t m, uint64_t n);
void lower_free(TileProg *p);

/* DRAM channel cycles of a transfer of `words` W-bit words at `bpc` bytes per cycle:
 * ceil(ceil(words * W / 8) / bpc) (the engine's rule and the bridge's DRAM model). */
uint64_t lower_dram_cycles(double bpc, uint32_t word_bits, uint64_t words);
/* The four words of DMA command c (an END command when c is NULL). */
void lower_dma_encode(const DmaCmd *c, uint64_t w[4]);
/* DRAM word address of Z[m, n] in dp's layout. */
uint64_t lower_dram_z(const RtlGeom *g, const TileProg *p, const DmaProg *dp, uint64_t m,
                      uint64_t n);
void lower_dma_free(DmaProg *dp);

#endif
