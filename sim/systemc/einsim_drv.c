/* einsim_drv.c — the driver of einsim_accel and its descriptor format (einsim_drv.h,
 * einsim_regs.h). */
#include "systemc/einsim_drv.h"

#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

void einsim_desc_encode(const EinsimJob *job, uint8_t out[EINSIM_DESC_BYTES])
{
    memset(out, 0, EINSIM_DESC_BYTES);
    put32(out + 0x00, EINSIM_DESC_MAGIC);
    put32(out + 0x04, EINSIM_DESC_VERSION);
    put32(out + 0x08, job->program);
    put32(out + 0x0c, job->n_tensors);
    for (int i = 0; i < EINSIM_MAX_RANKS; i++)
        put64(out + 0x10 + 8 * i, job->rank[i]);
    for (int i = 0; i < EINSIM_MAX_TENSORS; i++) {
        put64(out + 0x30 + 16 * i, job->addr[i]);
        put64(out + 0x38 + 16 * i, job->bytes[i]);
    }
}

int einsim_desc_decode(const uint8_t in[EINSIM_DESC_BYTES], EinsimJob *job)
{
    memset(job, 0, sizeof *job);
    if (get32(in) != EINSIM_DESC_MAGIC || get32(in + 0x04) != EINSIM_DESC_VERSION)
        return -1;
    job->program = get32(in + 0x08);
    job->n_tensors = get32(in + 0x0c);
    for (int i = 0; i < EINSIM_MAX_RANKS; i++)
        job->rank[i] = get64(in + 0x10 + 8 * i);
    for (int i = 0; i < EINSIM_MAX_TENSORS; i++) {
        job->addr[i] = get64(in + 0x30 + 16 * i);
        job->bytes[i] = get64(in + 0x38 + 16 * i);
    }
    return 0;
}

const char *einsim_err_name(uint32_t code)
{
    static const char *const names[EINSIM_ERR__COUNT] = {
        "NONE", "ALIGN", "RANGE", "BUSY", "DESC", "SIZE", "INFEASIBLE", "DMA", "CORE" };
    return code < EINSIM_ERR__COUNT ? names[code] : "?";
}

int einsim_drv_read(const EinsimDev *dev, uint32_t off, uint32_t *value)
{
    return dev->bus->read32(dev->bus->ctx, dev->base + off, value);
}

int einsim_drv_write(const EinsimDev *dev, uint32_t off, uint32_t value)
{
    return dev->bus->write32(dev->bus->ctx, dev->base + off, value);
}

int einsim_drv_open(EinsimDev *dev, const EinsimBus *bus, uint64_t base, int irq)
{
    memset(dev, 0, sizeof *dev);
    dev->bus = bus, dev->base = base, dev->irq = irq;
    uint32_t id, geom, caps, pending;
    if (einsim_drv_read(dev, EINSIM_REG_ID, &id) || id != EINSIM_ID_VALUE ||
        einsim_drv_read(dev, EINSIM_REG_VERSION, &dev->version) ||
        dev->version >> 16 != EINSIM_VERSION_VALUE >> 16 ||
        einsim_drv_read(dev, EINSIM_REG_GEOMETRY, &geom) ||
        einsim_drv_read(dev, EINSIM_REG_CAPS, &caps))
        return -1;
    dev->rows = geom & 0xffff, dev->cols = geom >> 16;
    dev->programs = caps & 0xff;
    dev->rtl_core = (caps & EINSIM_CAPS_RTL_CORE) != 0;
    if (einsim_drv_read(dev, EINSIM_REG_IRQ_STATUS, &pending) ||
        einsim_drv_write(dev, EINSIM_REG_IRQ_STATUS, pending) ||
        einsim_drv_write(dev, EINSIM_REG_IRQ_ENABLE, EINSIM_IRQ_DONE | EINSIM_IRQ_ERROR))
        return -1;
    return 0;
}

int einsim_drv_submit(const EinsimDev *dev, uint64_t desc_addr, const EinsimJob *job)
{
    uint8_t desc[EINSIM_DESC_BYTES];
    einsim_desc_encode(job, desc);
    if (dev->bus->write_mem(dev->bus->ctx, desc_addr, desc, sizeof desc) ||
        einsim_drv_write(dev, EINSIM_REG_DESC_LO, (uint32_t)desc_addr) ||
        einsim_drv_write(dev, EINSIM_REG_DESC_HI, (uint32_t)(desc_addr >> 32)) ||
        einsim_drv_write(dev, EINSIM_REG_CTRL, EINSIM_CTRL_START))
        return -1;
    return 0;
}

int einsim_drv_wait(const EinsimDev *dev, EinsimResult *r)
{
    memset(r, 0, sizeof *r);
    uint32_t pending = 0, lo, hi, v;
    if (einsim_drv_read(dev, EINSIM_REG_IRQ_STATUS, &pending))
        return -1;
    while (!(pending & (EINSIM_IRQ_DONE | EINSIM_IRQ_ERROR))) {
        dev->bus->wait_irq(dev->bus->ctx, dev->irq);
        if (einsim_drv_read(dev, EINSIM_REG_IRQ_STATUS, &pending))
            return -1;
    }
    if (einsim_drv_read(dev, EINSIM_REG_STATUS, &r->status) ||
        einsim_drv_read(dev, EINSIM_REG_CYCLES_LO, &lo) ||
        einsim_drv_read(dev, EINSIM_REG_CYCLES_HI, &hi))
        return -1;
    r->cycles = (uint64_t)hi << 32 | lo;
    if (einsim_drv_read(dev, EINSIM_REG_ERR_INFO_LO, &lo) ||
        einsim_drv_read(dev, EINSIM_REG_ERR_INFO_HI, &hi))
        return -1;
    r->error_info = (uint64_t)hi << 32 | lo;
    for (int i = 0; i < EINSIM_MAX_TENSORS; i++) {
        if (einsim_drv_read(dev, EINSIM_REG_TENSOR(i, EINSIM_TENSOR_DMA_BYTES), &v))
            return -1;
        r->dma_bytes[i] = v;
    }
    r->error = r->status & EINSIM_STATUS_ERROR ? EINSIM_STATUS_CODE(r->status) : 0;
    if (einsim_drv_write(dev, EINSIM_REG_IRQ_STATUS, pending))
        return -1;
    return (int)r->error;
}
