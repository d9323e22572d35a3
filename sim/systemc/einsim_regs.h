/* einsim_regs.h — the register map and job descriptor of einsim_accel, the virtual
 * platform's accelerator: one header shared by the device model (einsim_accel.cpp) and
 * the driver (einsim_drv.c), so the two cannot disagree.
 *
 * Registers are 32 bits wide, little-endian, at byte offsets from the device's base;
 * every access must be a 4-byte access at a 4-byte aligned offset below
 * EINSIM_REG_WINDOW (the device decodes EINSIM_REG_WINDOW bytes; offsets past
 * EINSIM_REG_END read as an error). RO registers ignore writes; W1C bits clear where a 1
 * is written. The descriptor is EINSIM_DESC_BYTES bytes in platform memory, little-endian,
 * 8-byte aligned; the device fetches it by DMA when the driver writes CTRL.START. */
#ifndef EINSIM_REGS_H
#define EINSIM_REGS_H

#include <stdint.h>

#define EINSIM_ID_VALUE 0x45494e53u       /* "EINS" */
#define EINSIM_VERSION_VALUE 0x00010000u  /* major 1, minor 0 */

/* Register offsets (bytes). */
enum {
    EINSIM_REG_ID = 0x00,          /* RO  EINSIM_ID_VALUE */
    EINSIM_REG_VERSION = 0x04,     /* RO  major [31:16], minor [15:0] */
    EINSIM_REG_GEOMETRY = 0x08,    /* RO  2D array rows [15:0], columns [31:16] */
    EINSIM_REG_CAPS = 0x0c,        /* RO  programs [7:0], EINSIM_CAPS_* bits */
    EINSIM_REG_CTRL = 0x10,        /* WO  EINSIM_CTRL_START (reads 0) */
    EINSIM_REG_STATUS = 0x14,      /* RO  EINSIM_STATUS_* bits, error code [15:8] */
    EINSIM_REG_IRQ_ENABLE = 0x18,  /* RW  EINSIM_IRQ_* bits */
    EINSIM_REG_IRQ_STATUS = 0x1c,  /* W1C EINSIM_IRQ_* bits; the line is
                                       (IRQ_STATUS & IRQ_ENABLE) != 0 */
    EINSIM_REG_DESC_LO = 0x20,     /* RW  descriptor address [31:0] */
    EINSIM_REG_DESC_HI = 0x24,     /* RW  descriptor address [63:32] */
    EINSIM_REG_CYCLES_LO = 0x28,   /* RO  accelerator cycles of the last job [31:0]; reading
                                          it latches [63:32] into CYCLES_HI */
    EINSIM_REG_CYCLES_HI = 0x2c,   /* RO  [63:32] as latched by the last CYCLES_LO read */
    EINSIM_REG_ERR_INFO_LO = 0x30, /* RO  address (or register offset) of the last error */
    EINSIM_REG_ERR_INFO_HI = 0x34, /* RO  [63:32] */
    EINSIM_REG_JOBS = 0x38,        /* RO  jobs completed without error since reset */
    EINSIM_REG_TENSOR0 = 0x40,     /* per tensor slot i, at EINSIM_REG_TENSOR0 + 16 i: */
    EINSIM_REG_END = 0x80,
    EINSIM_REG_WINDOW = 0x1000     /* bytes the device decodes */
};
/* Offsets inside a tensor slot (all RO: latched from the descriptor at START, byte counts
 * updated as DMA moves data). */
enum { EINSIM_TENSOR_BASE_LO = 0x0, EINSIM_TENSOR_BASE_HI = 0x4, EINSIM_TENSOR_SIZE = 0x8,
       EINSIM_TENSOR_DMA_BYTES = 0xc };
#define EINSIM_REG_TENSOR(i, field) (EINSIM_REG_TENSOR0 + 16 * (i) + (field))

#define EINSIM_CAPS_RTL_CORE 0x100u        /* values and timing come from the Verilated RTL */
#define EINSIM_CTRL_START 0x1u
#define EINSIM_STATUS_BUSY 0x1u
#define EINSIM_STATUS_DONE 0x2u            /* the last job completed without error */
#define EINSIM_STATUS_ERROR 0x4u           /* an error is recorded (code in [15:8]) */
#define EINSIM_STATUS_CODE(s) (((s) >> 8) & 0xffu)
#define EINSIM_IRQ_DONE 0x1u
#define EINSIM_IRQ_ERROR 0x2u

/* Error codes (STATUS[15:8]). The first error since the last IRQ_STATUS.ERROR clear is
 * kept; ERR_INFO holds its address. */
typedef enum {
    EINSIM_ERR_NONE = 0,
    EINSIM_ERR_ALIGN = 1,       /* unaligned register access, descriptor or tensor address */
    EINSIM_ERR_RANGE = 2,       /* register offset outside the map; a tensor that wraps the
                                   64-bit address space */
    EINSIM_ERR_BUSY = 3,        /* START while a job runs (the running job continues) */
    EINSIM_ERR_DESC = 4,        /* malformed descriptor: magic, version, program, tensor
                                   count, a rank of 0 or above 2^32 */
    EINSIM_ERR_SIZE = 5,        /* a tensor's size is not what the ranks make it */
    EINSIM_ERR_INFEASIBLE = 6,  /* the program's mapping cannot run the descriptor's sizes */
    EINSIM_ERR_DMA = 7,         /* a DMA transfer got an error response (unmapped address) */
    EINSIM_ERR_CORE = 8,        /* the compute core failed (the RTL did not finish) */
    EINSIM_ERR__COUNT
} EinsimErr;

/* Job descriptor (EINSIM_DESC_BYTES, little-endian):
 *   0x00 u32 magic EINSIM_DESC_MAGIC       0x04 u32 version EINSIM_DESC_VERSION
 *   0x08 u32 program (index into the device's program table)
 *   0x0c u32 tensors (the program's tensor count)
 *   0x10 u64 rank[4]   GEMM: K, M, N, 0;  attention: E, F, seq (M = P), 0
 *   0x30 { u64 address; u64 bytes; } tensor[4]
 *        GEMM: A (K x M), B (K x N), Z (M x N) outputs last;
 *        attention: Q (E x P), K (E x M), V (F x M), AV (F x P);
 *        each row-major, one element per word of the architecture's word_bits (rounded
 *        up to whole bytes), two's complement, aligned to its element size. */
#define EINSIM_DESC_MAGIC 0x424f4a45u      /* "EJOB" */
#define EINSIM_DESC_VERSION 1u
#define EINSIM_DESC_BYTES 0x70u
#define EINSIM_MAX_TENSORS 4
#define EINSIM_MAX_RANKS 4

typedef struct {
    uint32_t program;
    uint32_t n_tensors;
    uint64_t rank[EINSIM_MAX_RANKS];
    uint64_t addr[EINSIM_MAX_TENSORS];
    uint64_t bytes[EINSIM_MAX_TENSORS];
} EinsimJob;

#ifdef __cplusplus
extern "C" {
#endif

/* The descriptor bytes of `job` (magic and version filled in). */
void einsim_desc_encode(const EinsimJob *job, uint8_t out[EINSIM_DESC_BYTES]);
/* Decodes a descriptor. Returns 0, or -1 when the magic or version is wrong. */
int einsim_desc_decode(const uint8_t in[EINSIM_DESC_BYTES], EinsimJob *job);
/* Name of an error code ("ALIGN", ...; "?" when unknown). */
const char *einsim_err_name(uint32_t code);

#ifdef __cplusplus
}
#endif

#endif
