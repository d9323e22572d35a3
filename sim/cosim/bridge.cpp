// bridge.cpp — the co-simulation bridge (cosim.h) over the Verilated einsim_top.
//
// One VerilatedContext and one model per handle; no file-scope state, no exit(). A clock
// cycle is two evaluations (falling then rising edge); with waves on, both edges are
// dumped into the FST at 1 ns per half cycle (the model is Verilated with --timescale
// 1ns/1ns: a clock cycle is 2 ns). Compiled with the same VM_TRACE
// defines as the model (the cosim make rules pass them).
#include "cosim/cosim.h"

#include <memory>

// The Verilated top is selectable: COSIM_TOP names its class and COSIM_TOP_H its
// header (default: the dense array, Veinsim_top). A top without the fixed p_*_o
// parameter outputs (COSIM_PARAM_OUTPUTS=0, e.g. rtl/nm/einsim_nm_top.v) returns its
// parameters through the read port instead, and einsim_cosim_params() zeroes *p.
#ifndef COSIM_TOP
#define COSIM_TOP Veinsim_top
#define COSIM_TOP_H "Veinsim_top.h"
#endif
#ifndef COSIM_PARAM_OUTPUTS
#define COSIM_PARAM_OUTPUTS 1
#endif

#include COSIM_TOP_H
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

struct CosimHandle {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<COSIM_TOP> top;   
#if VM_TRACE
    std::unique_ptr<VerilatedFstC> fst;
#endif
    uint64_t clocks = 0;
    uint64_t busy_clocks = 0;
};

static void half(CosimHandle *h, int clk)
{
    h->top->clk_i = clk;
    h->top->eval();
#if VM_TRACE
    if (h->fst)
        h->fst->dump(h->ctx->time());
#endif
    h->ctx->timeInc(1);
}

static void clock(CosimHandle *h)
{
    half(h, 0);
    if (h->top->busy_o)
        h->busy_clocks++;
    half(h, 1);
    h->clocks++;
}

extern "C" {

int einsim_cosim_abi(void) { return COSIM_ABI; }

CosimHandle *einsim_cosim_create(const char *fst_path)
{
    CosimHandle *h = new CosimHandle;
    h->ctx.reset(new VerilatedContext);
    h->ctx->debug(0);
    h->ctx->randReset(0);
    // An RTL immediate assertion ($error) reports and sets a sticky flag the C side
    // reads; it must not abort the host process.
    h->ctx->fatalOnError(false);
#if VM_TRACE
    if (fst_path)
        h->ctx->traceEverOn(true);
#endif
    h->top.reset(new COSIM_TOP(h->ctx.get(), "einsim_top"));   
#if VM_TRACE
    if (fst_path) {
        h->fst.reset(new VerilatedFstC);
        h->top->trace(h->fst.get(), 99);
        h->fst->open(fst_path);
        if (!h->fst->isOpen()) {
            h->top->final();
            delete h;
            return nullptr;
        }
    }
#else
    if (fst_path) {
        delete h;
        return nullptr;
    }
#endif
    h->top->start_i = 0;
    h->top->ld_we_i = 0;
    h->top->rd_sel_i = 0;
    h->top->rd_addr_i = 0;
    einsim_cosim_reset(h);
    return h;
}

void einsim_cosim_params(CosimHandle *h, CosimParams *p)
{
    h->top->eval();
#if !COSIM_PARAM_OUTPUTS
    *p = CosimParams{};
#else
    p->rows = h->top->p_rows_o;
    p->cols = h->top->p_cols_o;
    p->word_bits = h->top->p_word_bits_o;
    p->frac_bits = h->top->p_frac_bits_o;
    p->acc_bits = h->top->p_acc_bits_o;
    p->glb_words = h->top->p_glb_words_o;
    p->zbuf_words = h->top->p_zbuf_words_o;
    p->tiles = h->top->p_tiles_o;
    p->exp_terms = h->top->p_exp_terms_o;
    p->attn_blocks = h->top->p_attn_blocks_o;
    p->attn_f = h->top->p_attn_f_o;
    p->attn_tiles = h->top->p_attn_tiles_o;
#endif
}

void einsim_cosim_reset(CosimHandle *h)
{
    h->top->rst_ni = 0;
    clock(h);
    h->top->rst_ni = 1;
    clock(h);
}

void einsim_cosim_load(CosimHandle *h, int sel, uint32_t addr, uint64_t data)
{
    h->top->ld_we_i = 1;
    h->top->ld_sel_i = (uint8_t)sel;
    h->top->ld_addr_i = addr;
    h->top->ld_data_i = data;
    clock(h);
    h->top->ld_we_i = 0;
}

uint64_t einsim_cosim_read(CosimHandle *h, int sel, uint32_t addr)
{
    h->top->rd_sel_i = (uint8_t)sel;
    h->top->rd_addr_i = addr;
    h->top->eval();
    return h->top->rd_data_o;
}

void einsim_cosim_start(CosimHandle *h)
{
    h->top->start_i = 1;
    clock(h);
    h->top->start_i = 0;
}

int einsim_cosim_step(CosimHandle *h, uint64_t n)
{
    for (uint64_t i = 0; i < n && !h->top->done_o; i++)
        clock(h);
    return h->top->done_o ? 1 : 0;
}

uint64_t einsim_cosim_cycles(CosimHandle *h) { return h->top->cycles_o; }

uint64_t einsim_cosim_clocks(CosimHandle *h) { return h->clocks; }

void einsim_cosim_status(CosimHandle *h, CosimStatus *s)
{
    h->top->eval();
    s->busy = h->top->busy_o;
    s->done = h->top->done_o;
    s->busy_clocks = h->busy_clocks;
}

void einsim_cosim_destroy(CosimHandle *h)
{
    if (!h)
        return;
    h->top->final();
#if VM_TRACE
    if (h->fst)
        h->fst->close();
#endif
    delete h;
}

}  // extern "C"
