// bridge.cpp — the co-simulation bridge (cosim.h) over the Verilated einsim_top.
//
// One VerilatedContext and one model per handle; no file-scope state, no exit(). A clock
// cycle is two evaluations (falling then rising edge); with waves on, both edges are
// dumped into the FST at 1 ns per half cycle (the model is Verilated with --timescale
// 1ns/1ns: a clock cycle is 2 ns). Compiled with the same VM_TRACE
// defines as the model (the cosim make rules pass them).
#include "cosim/cosim.h"

#include <cmath>
#include <deque>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

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
// A core of the contract has the memory port (m_*); the N:M array has none.
#ifndef COSIM_DRAM_PORT
#define COSIM_DRAM_PORT COSIM_PARAM_OUTPUTS
#endif

#include COSIM_TOP_H
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

// The DRAM model: one channel serving the requests (reads and writes) in the order the
// core issues them. A transfer of w words (b = ceil(w * word_bits / 8) bytes) accepted in
// cycle c starts at s = max(c, the end of the previous transfer) and occupies the channel
// for ceil(b / bytes_per_cycle) cycles (the engine's DRAM rule, sim/engine/sched.c). A
// read's words arrive in address order at the channel's pace, shifted by the latency: in
// cycle s + latency + i, a beat of the words (at most beat_words) whose first W words
// take ceil(ceil(W * word_bits / 8) / bytes_per_cycle) <= i + 1 cycles, so the first W
// words are in the core from cycle s + latency + that many cycles, the last from
// s + cycles + latency (the engine's arrival of a prefix and of the whole); a write takes one beat
// per cycle from cycle s on and answers on B in cycle s + cycles - 1 (or with its last
// beat, if that comes later).
struct DramXfer {
    bool write;
    uint64_t addr, words, start, cyc, sent;
};

struct Dram {
    double bpc = 1.0;
    uint32_t latency = 0, word_bits = 16;
    std::vector<uint64_t> mem;
    std::deque<DramXfer> rd, wr;   // transfers whose data has not all moved / not answered
    uint64_t free = 0;             // the channel's next free cycle
    bool rdata_set = false;        // the core's R data bus holds a beat's words

    // A request accepted in cycle c: the channel serves requests in order.
    DramXfer accept(bool write, uint64_t addr, uint64_t words, uint64_t c)
    {
        DramXfer x{ write, addr, words, c > free ? c : free, cycles_of(words), 0 };
        free = x.start + x.cyc;
        return x;
    }
    uint64_t cycles_of(uint64_t words) const
    {
        double bytes = std::ceil((double)words * (double)word_bits / 8.0);
        return (uint64_t)std::ceil(bytes / bpc);
    }
    // The image is as large as the host wrote it (einsim_cosim_dram_write); the core's
    // reads outside it return 0 and its writes there are dropped, so a core with a wrong
    // address fails the comparison instead of growing the image without bound.
    uint64_t read(uint64_t a) const { return a < mem.size() ? mem[a] : 0; }
    void write(uint64_t a, uint64_t w)
    {
        if (a < mem.size())
            mem[a] = w;
    }
};

struct CosimHandle {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<COSIM_TOP> top;   
#if VM_TRACE
    std::unique_ptr<VerilatedFstC> fst;
#endif
    uint64_t clocks = 0;
    uint64_t busy_clocks = 0;
    uint64_t run_base = UINT64_MAX;   // clocks at the run's cycle 0
    Dram dram;
};

#if COSIM_DRAM_PORT
// The memory port's wide data buses are Verilator words (32-bit chunks) or one integer.
// A field of n <= 64 bits from bit lo, moved a 32-bit chunk at a time (a beat holds up to
// 1024 words: bit by bit, a full beat cost tens of thousands of instructions).
template <std::size_t N> static uint64_t get_bits(const VlWide<N> &v, uint32_t lo, uint32_t n)
{
    if (lo % 32 + n <= 32)   // within one chunk (a word of 16 or 32 bits, say)
        return (v[lo / 32] >> (lo % 32)) & (n == 32 ? ~0u : ((1u << n) - 1));
    uint64_t r = 0;
    for (uint32_t got = 0; got < n;) {
        uint32_t off = lo % 32, take = 32 - off < n - got ? 32 - off : n - got;
        uint32_t m = take == 32 ? ~0u : ((1u << take) - 1);
        r |= (uint64_t)((v[lo / 32] >> off) & m) << got;
        got += take;
        lo += take;
    }
    return r;
}
template <std::size_t N> static void put_bits(VlWide<N> &v, uint32_t lo, uint32_t n, uint64_t x)
{
    if (lo % 32 + n <= 32) {   // within one chunk
        uint32_t m = (n == 32 ? ~0u : ((1u << n) - 1)) << (lo % 32);
        v[lo / 32] = (v[lo / 32] & ~m) | (((uint32_t)x << (lo % 32)) & m);
        return;
    }
    for (uint32_t put = 0; put < n;) {
        uint32_t off = lo % 32, take = 32 - off < n - put ? 32 - off : n - put;
        uint32_t m = (take == 32 ? ~0u : ((1u << take) - 1)) << off;
        v[lo / 32] = (v[lo / 32] & ~m) | (((uint32_t)(x >> put) << off) & m);
        put += take;
        lo += take;
    }
}
template <std::size_t N> static void clear_bits(VlWide<N> &v)
{
    for (std::size_t i = 0; i < N; i++)
        v[i] = 0;
}
template <typename T> static uint64_t get_bits(const T &v, uint32_t lo, uint32_t n)
{
    return ((uint64_t)v >> lo) & (n >= 64 ? ~0ull : ((1ull << n) - 1));
}
template <typename T> static void put_bits(T &v, uint32_t lo, uint32_t n, uint64_t x)
{
    uint64_t m = (n >= 64 ? ~0ull : ((1ull << n) - 1)) << lo;
    v = (T)(((uint64_t)v & ~m) | ((x << lo) & m));
}
template <typename T> static void clear_bits(T &v) { v = 0; }

static uint32_t beat_words(CosimHandle *h)
{
    return (uint32_t)(h->top->p_beat_words_o);
}

// Cycle c of the run, between the falling-edge evaluation and the rising edge: accept the
// core's requests, drive this cycle's R beat, W ready and B response.
static void dram_cycle(CosimHandle *h, uint64_t c)
{
    Dram &d = h->dram;
    COSIM_TOP *t = h->top.get();
    uint32_t bw = beat_words(h), wb = d.word_bits;
    t->m_arready_i = 1;
    t->m_awready_i = 1;
    t->m_rvalid_i = 0;
    t->m_rlast_i = 0;
    t->m_rwords_i = 0;
    t->m_wready_i = 0;
    t->m_bvalid_i = 0;
    // (the R data bus is cleared only after a beat: it is up to 1024 words wide)
    if (d.rdata_set) {
        clear_bits(t->m_rdata_i);
        d.rdata_set = false;
    }
    if (t->m_arvalid_o)
        d.rd.push_back(d.accept(false, t->m_araddr_o, t->m_arlen_o, c));
    if (t->m_awvalid_o)
        d.wr.push_back(d.accept(true, t->m_awaddr_o, t->m_awlen_o, c));
    if (!d.rd.empty()) {
        // the words whose bytes the channel has moved by the end of this cycle
        DramXfer &x = d.rd.front();
        if (c >= x.start + d.latency) {
            // n: the most words (at most a beat) after the sent ones whose channel time
            // ends by this cycle (cycles_of grows with the words: none, the whole beat, or
            // a binary search between one word, which qualifies, and the beat, which does not)
            uint64_t i = c - x.start - d.latency, n = 0;
            uint64_t lim = x.words - x.sent < bw ? x.words - x.sent : bw;
            if (lim == 0 || d.cycles_of(x.sent + 1) > i + 1) {
                n = 0;
            } else if (d.cycles_of(x.sent + lim) <= i + 1) {
                n = lim;
            } else {
                n = 1;
                uint64_t hi = lim;
                while (hi - n > 1) {
                    uint64_t mid = n + (hi - n) / 2;
                    if (d.cycles_of(x.sent + mid) <= i + 1)
                        n = mid;
                    else
                        hi = mid;
                }
            }
            if (n && t->m_rready_o) {
                for (uint32_t p = 0; p < n; p++)
                    put_bits(t->m_rdata_i, p * wb, wb, d.read(x.addr + x.sent + p));
                d.rdata_set = true;
                t->m_rvalid_i = 1;
                t->m_rwords_i = (uint32_t)n;
                x.sent += n;
                t->m_rlast_i = x.sent == x.words;
                if (x.sent == x.words)
                    d.rd.pop_front();
            }
        }
    }
    if (!d.wr.empty()) {
        DramXfer &x = d.wr.front();
        uint64_t nb = (x.words + bw - 1) / bw;
        if (x.sent < nb && c >= x.start) {
            t->m_wready_i = 1;
            if (t->m_wvalid_o) {
                for (uint32_t p = 0; p < bw && x.sent * bw + p < x.words; p++)
                    d.write(x.addr + x.sent * bw + p, get_bits(t->m_wdata_o, p * wb, wb));
                x.sent++;
            }
        }
        if (x.sent == nb && c + 1 >= x.start + x.cyc && t->m_bready_o) {
            t->m_bvalid_i = 1;
            d.wr.pop_front();
        }
    }
}
#endif

// A top with a host port clock (hclk_i: einsim_top's attention tile queues) takes
// einsim_cosim_hload's writes on it, between core cycles; another top takes them as loads.
template <typename T, typename = void> struct HasHclk : std::false_type {};
template <typename T>
struct HasHclk<T, std::void_t<decltype(std::declval<T &>().hclk_i)>> : std::true_type {};

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

// One clock cycle: the falling edge, the memory port's inputs of the cycle (in a run),
// the rising edge. settled: no input has changed since the last evaluation (the previous
// clock's rising edge). The core has no logic on the falling edge or the clock's level,
// so then, without waves, the falling edge is evaluated together with the memory port's
// inputs (two evaluations a cycle instead of three): busy_o and the port's outputs read
// before are those of the rising edge's evaluation, which the falling edge's would repeat.
static void clock(CosimHandle *h, bool settled)
{
#if VM_TRACE
    if (h->fst)
        settled = false;
#endif
    bool run = COSIM_DRAM_PORT && h->clocks >= h->run_base;
    if (settled && run)
        h->top->clk_i = 0;
    else
        half(h, 0);
    if (h->top->busy_o)
        h->busy_clocks++;
#if COSIM_DRAM_PORT
    if (run) {
        dram_cycle(h, h->clocks - h->run_base);
        h->top->eval();
        if (settled)
            h->ctx->timeInc(1);
    }
#endif
    half(h, 1);
    h->clocks++;
}
static void clock(CosimHandle *h) { clock(h, false); }

template <typename T> static void host_clock_init(T *t)
{
    if constexpr (HasHclk<T>::value)
        t->hclk_i = 0;
    else
        (void)t;
}

template <typename T> static void host_write(CosimHandle *h, T *t)
{
    if constexpr (HasHclk<T>::value) {
        (void)h;
        t->hclk_i = 1;
        t->eval();
        t->hclk_i = 0;
        t->eval();
    } else {
        (void)t;
        clock(h);
    }
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
    host_clock_init(h->top.get());
    h->top->ld_we_i = 0;
    h->top->rd_sel_i = 0;
    h->top->rd_addr_i = 0;
#if COSIM_DRAM_PORT
    h->top->m_arready_i = 0;
    h->top->m_awready_i = 0;
    h->top->m_rvalid_i = 0;
    h->top->m_rlast_i = 0;
    h->top->m_rwords_i = 0;
    h->top->m_wready_i = 0;
    h->top->m_bvalid_i = 0;
    clear_bits(h->top->m_rdata_i);
#endif
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
#if COSIM_DRAM_PORT
    p->beat_words = h->top->p_beat_words_o;
#endif
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

void einsim_cosim_hload(CosimHandle *h, int sel, uint32_t addr, uint64_t data)
{
    h->top->ld_we_i = 1;
    h->top->ld_sel_i = (uint8_t)sel;
    h->top->ld_addr_i = addr;
    h->top->ld_data_i = data;
    host_write(h, h->top.get());
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
    h->run_base = h->clocks + 1;
    h->dram.rd.clear();
    h->dram.wr.clear();
    h->dram.free = 0;
    h->top->start_i = 1;
    clock(h);
    h->top->start_i = 0;
}

int einsim_cosim_step(CosimHandle *h, uint64_t n)
{
    // After the first clock, the inputs change only in the clocks' own evaluations.
    for (uint64_t i = 0; i < n && !h->top->done_o; i++)
        clock(h, i > 0);
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

void einsim_cosim_dram_config(CosimHandle *h, double bytes_per_cycle, uint32_t latency,
                              uint32_t word_bits)
{
    h->dram.bpc = bytes_per_cycle > 0 ? bytes_per_cycle : 1.0;
    h->dram.latency = latency;
    h->dram.word_bits = word_bits ? word_bits : 16;
}

void einsim_cosim_dram_write(CosimHandle *h, uint64_t addr, uint64_t word)
{
    if (addr >= h->dram.mem.size())
        h->dram.mem.resize(addr + 1, 0);
    h->dram.mem[addr] = word;
}

uint64_t einsim_cosim_dram_read(CosimHandle *h, uint64_t addr)
{
    return h->dram.read(addr);
}

}  // extern "C"
