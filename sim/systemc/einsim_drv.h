/* einsim_drv.h — the C driver of einsim_accel (the register map is einsim_regs.h).
 *
 * Host software programs the accelerator only through these calls; the calls reach the
 * device only through an EinsimBus the platform provides (register and memory accesses,
 * waiting for the interrupt line), so the same code runs on the SystemC host model and
 * could run on a real host with MMIO. A job: write the inputs into memory, call
 * einsim_drv_submit (it writes the descriptor, programs DESC and starts), then
 * einsim_drv_wait (it sleeps on the interrupt, reads the status and counters and
 * acknowledges). Nothing here allocates, prints or exits. */
#ifndef EINSIM_DRV_H
#define EINSIM_DRV_H

#include <stddef.h>
#include <stdint.h>

#include "systemc/einsim_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the platform gives the driver. Register and memory accesses return 0, or -1 when
 * the bus answered with an error. wait_irq returns once the line `irq` is high (at once
 * when it already is). */
typedef struct {
    void *ctx;
    int (*read32)(void *ctx, uint64_t addr, uint32_t *value);
    int (*write32)(void *ctx, uint64_t addr, uint32_t value);
    int (*read_mem)(void *ctx, uint64_t addr, void *dst, size_t n);
    int (*write_mem)(void *ctx, uint64_t addr, const void *src, size_t n);
    void (*wait_irq)(void *ctx, int irq);
} EinsimBus;

typedef struct {
    const EinsimBus *bus;
    uint64_t base;            /* register window */
    int irq;                  /* interrupt line the device drives */
    uint32_t version;
    uint32_t rows, cols;      /* 2D array */
    uint32_t programs;        /* programs the device was built with */
    int rtl_core;             /* 1 when the device computes with the Verilated RTL */
} EinsimDev;

typedef struct {
    uint32_t status;          /* STATUS at completion */
    uint32_t error;           /* EinsimErr (0: none) */
    uint64_t error_info;      /* ERR_INFO */
    uint64_t cycles;          /* accelerator cycles of the job */
    uint64_t dma_bytes[EINSIM_MAX_TENSORS];
} EinsimResult;

/* Opens the device at `base`: checks ID and the major version, reads the geometry and
 * capabilities, enables both interrupts and clears any pending one. Returns 0, or -1
 * (bus error, not an einsim_accel, or an unsupported version). */
int einsim_drv_open(EinsimDev *dev, const EinsimBus *bus, uint64_t base, int irq);
/* Writes `job`'s descriptor at desc_addr (8-byte aligned, in memory), programs DESC and
 * writes CTRL.START. Returns 0, or -1 on a bus error. The device reports a bad job
 * through the interrupt (einsim_drv_wait), not here. */
int einsim_drv_submit(const EinsimDev *dev, uint64_t desc_addr, const EinsimJob *job);
/* Waits for the interrupt, fills *r, acknowledges (IRQ_STATUS) and returns r->error
 * (0 when the job completed), or -1 on a bus error. */
int einsim_drv_wait(const EinsimDev *dev, EinsimResult *r);
/* Reads / writes one register (offset from the base). Returns 0, or -1 on a bus error. */
int einsim_drv_read(const EinsimDev *dev, uint32_t off, uint32_t *value);
int einsim_drv_write(const EinsimDev *dev, uint32_t off, uint32_t value);

#ifdef __cplusplus
}
#endif

#endif
