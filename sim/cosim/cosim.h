/* cosim.h — the co-simulation bridge: a C API over the Verilated RTL (rtl/einsim_top.v).
 *
 * The bridge (bridge.cpp, C++) is built per architecture and variant into a shared
 * object, build/cosim/ARCH/VARIANT/libeinsim_cosim.so, exporting the einsim_cosim_*
 * functions below with C linkage. einsim loads it with cosim_open (loader.c, C) so the
 * einsim binary itself stays C and does not link Verilator. Each handle owns one
 * VerilatedContext and one model: handles are independent. Nothing here exits; waves
 * (FST) are off unless a path is given.
 *
 * The same bridge serves the N:M sparse array (rtl/nm/einsim_nm_top.v, built by
 * sim/cosim/nm.mk into build/cosim/nm/ARCH/VARIANT/): its selectors and read-back
 * parameters are listed in sim/cosim/nmcosim.h. */
#ifndef EINSIM_COSIM_H
#define EINSIM_COSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COSIM_ABI 6

/* Buffer selectors of load/read (the RTL's ld_sel / rd_sel). */
enum { COSIM_GLB = 0, COSIM_ZBUF = 1, COSIM_IMEM = 2, COSIM_START = 2, COSIM_END = 3 };
/* The DMA program (load) and the traffic counters (read: 8 * tensor + counter). The DMA
 * program is a ring (rtl/README.md, "DRAM and the DMA program"): hload writes a command
 * word at 4 * slot + k, or the tail (commands loaded, absolute) at COSIM_TAIL; read
 * COSIM_DMA_ISSUED gives at address 0 the commands issued (absolute), at address
 * COSIM_DMA_SLOTS the ring's slots. */
enum { COSIM_DMA = 7, COSIM_COUNTERS = 9, COSIM_DMA_ISSUED = 12 };
#define COSIM_DMA_SLOTS 1u
/* Attention engine (einsim_attn): load Q/K/V buffer, 2D / 1D tile queues, mode register
 * (1 = attention); read output buffer, 2D / 1D start and end stamps. */
enum { COSIM_ABUF = 3, COSIM_Q2D = 4, COSIM_Q1D = 5, COSIM_MODE = 6 };
enum { COSIM_OBUF = 4, COSIM_START2D = 5, COSIM_END2D = 6, COSIM_START1D = 7, COSIM_END1D = 8 };
/* The tile queues are rings (rtl/README.md, "Attention"): hload writes a tile word at
 * 4 * slot + k, or the queue's tail at COSIM_TAIL; read COSIM_ENDED2D / 1D gives a slot's
 * ended tile id + 1 (0: none since start), or at COSIM_ISSUED the tiles issued. Stamps
 * (COSIM_START2D ..) are read by slot. */
enum { COSIM_ENDED2D = 10, COSIM_ENDED1D = 11 };
#define COSIM_TAIL 0x80000000u
#define COSIM_ISSUED 0x80000000u

typedef struct CosimHandle CosimHandle;

/* The top's status outputs now, and the clock cycles in which busy_o was high since
 * create (sampled in each cycle, before its rising edge). */
typedef struct {
    int busy, done;
    uint64_t busy_clocks;
} CosimStatus;

/* The parameters the Verilated model was built with (read from its p_*_o outputs). */
typedef struct {
    uint32_t rows, cols, word_bits, frac_bits, acc_bits, glb_words, zbuf_words, tiles;
    uint32_t exp_terms, attn_blocks, attn_f, attn_tiles;   /* attention */
    uint32_t beat_words;                                   /* memory port (0: none) */
} CosimParams;

/* Function table of a loaded bridge. */
typedef struct {
    void *dl;                                       /* dlopen handle */
    int (*abi)(void);
    /* New model, reset; fst_path non-NULL enables waves into that file. NULL on failure. */
    CosimHandle *(*create)(const char *fst_path);
    void (*params)(CosimHandle *h, CosimParams *p);
    void (*reset)(CosimHandle *h);
    /* Writes one word (one clock) into buffer `sel` (COSIM_GLB / ZBUF / IMEM). */
    void (*load)(CosimHandle *h, int sel, uint32_t addr, uint64_t data);
    /* Writes one word through the host port clock, between core cycles (no core clock):
     * the attention tile queues (COSIM_Q2D / Q1D) and the DMA ring (COSIM_DMA). On a top
     * without a host port clock, a load. */
    void (*hload)(CosimHandle *h, int sel, uint32_t addr, uint64_t data);
    /* Reads one word back (COSIM_GLB / ZBUF sign-extended, COSIM_START / END stamps). */
    uint64_t (*read)(CosimHandle *h, int sel, uint32_t addr);
    /* Starts the tile program; cycle 0 is the next clock. */
    void (*start)(CosimHandle *h);
    /* Clocks up to n cycles, stopping when the program is done; returns 1 once done. */
    int (*step)(CosimHandle *h, uint64_t n);
    /* Run length reported by the RTL (its latest tile end). */
    uint64_t (*cycles)(CosimHandle *h);
    /* Clock cycles simulated since create (including loads). */
    uint64_t (*clocks)(CosimHandle *h);
    void (*status)(CosimHandle *h, CosimStatus *s);
    /* The DRAM model behind the memory port: bytes per cycle, latency (cycles from a
     * transfer's end to its data in the core), bits per word; a word's read and write.
     * The image ends at the highest word the host wrote (the core's accesses beyond it
     * read 0 and write nothing), so the host writes the outputs' region too. */
    void (*dram_config)(CosimHandle *h, double bytes_per_cycle, uint32_t latency,
                        uint32_t word_bits);
    void (*dram_write)(CosimHandle *h, uint64_t addr, uint64_t word);
    uint64_t (*dram_read)(CosimHandle *h, uint64_t addr);
    void (*destroy)(CosimHandle *h);
} CosimLib;

/* Exported by the bridge. */
int einsim_cosim_abi(void);
CosimHandle *einsim_cosim_create(const char *fst_path);
void einsim_cosim_params(CosimHandle *h, CosimParams *p);
void einsim_cosim_reset(CosimHandle *h);
void einsim_cosim_load(CosimHandle *h, int sel, uint32_t addr, uint64_t data);
void einsim_cosim_hload(CosimHandle *h, int sel, uint32_t addr, uint64_t data);
uint64_t einsim_cosim_read(CosimHandle *h, int sel, uint32_t addr);
void einsim_cosim_start(CosimHandle *h);
int einsim_cosim_step(CosimHandle *h, uint64_t n);
uint64_t einsim_cosim_cycles(CosimHandle *h);
uint64_t einsim_cosim_clocks(CosimHandle *h);
void einsim_cosim_status(CosimHandle *h, CosimStatus *s);
void einsim_cosim_destroy(CosimHandle *h);
void einsim_cosim_dram_config(CosimHandle *h, double bytes_per_cycle, uint32_t latency,
                              uint32_t word_bits);
void einsim_cosim_dram_write(CosimHandle *h, uint64_t addr, uint64_t word);
uint64_t einsim_cosim_dram_read(CosimHandle *h, uint64_t addr);

/* Loads the bridge at `path`. Returns 0, or -1 with a message in err. */
int cosim_open(const char *path, CosimLib *lib, char *err, size_t errlen);
void cosim_close(CosimLib *lib);

#ifdef __cplusplus
}
#endif

#endif
