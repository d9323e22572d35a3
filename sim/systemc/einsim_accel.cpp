// einsim_accel.cpp — the accelerator device (einsim_accel.h).
#include "systemc/einsim_accel.h"

#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>

#include "systemc/vp_platform.h"
#include "systemc/vp_rtl.h"

using namespace sc_core;
using tlm::tlm_generic_payload;

namespace {

constexpr uint64_t UNKNOWN = UINT64_MAX;
enum { RD = 0, WR = 1 };
enum { PH_IDLE = 0, PH_DESC = 1, PH_STEPS = 2, PH_RTL = 3, PH_STORE = 4 };

// A thread's own absolute time, ahead of simulated time by at most the global quantum
// (tlm_quantumkeeper decides when to synchronise).
struct LocalTime {
    tlm_utils::tlm_quantumkeeper qk;
    sc_time t;
    LocalTime() : t(sc_time_stamp()) { qk.reset(); }
    void at_least(const sc_time &x) { t = x > t ? x : t; }
    void keep()           // synchronises once the thread is a quantum ahead
    {
        at_least(sc_time_stamp());
        qk.set(t - sc_time_stamp());
        if (qk.need_sync())
            qk.sync();
    }
    bool ahead() const { return t > sc_time_stamp(); }
    void sync()           // before blocking on an event (then check what to wait for)
    {
        at_least(sc_time_stamp());
        if (t > sc_time_stamp())
            wait(t - sc_time_stamp());
        qk.reset();
    }
};

std::string fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char *f, ...)
{
    char b[1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof b, f, ap);
    va_end(ap);
    return b;
}

}  // namespace

// A DMA channel. LT: one payload, b_transport. AT: `slot.size()` payloads, so as many
// transfers in flight; transfer number n uses slot n % size, issued once fewer than
// size transfers are outstanding and the previous BEGIN_REQ has had its END_REQ (the
// base protocol's request exclusion). `done` counts transfers completed in issue order.
struct einsim_accel::DmaSlot {
    tlm_generic_payload gp;
    vp_mem_wait *ext = new vp_mem_wait;       // owned by gp
    bool busy = false;
    int tslot = -1;                           // descriptor slot counted (-1: descriptor)
    uint64_t addr = 0;                        // the transfer's address as issued
    DmaSlot() { gp.set_extension(ext); }
};

struct einsim_accel::Channel {
    std::vector<std::unique_ptr<DmaSlot>> slot;
    LocalTime lt;
    sc_event ev;                  // END_REQ or a response arrived
    bool req_open = false;        // a BEGIN_REQ waits for its END_REQ
    uint64_t issued = 0, done = 0;
    std::deque<std::pair<uint64_t, uint32_t>> marks;  // (transfers, step): the step's
                                  // loads are in once `done` reaches that count
    sc_time last;                 // latest response
    uint64_t bad = UNKNOWN;       // address of the first error response of the run
    explicit Channel(unsigned n)
    {
        for (unsigned k = 0; k < n; k++)
            slot.emplace_back(new DmaSlot);
    }
};

struct einsim_accel::Run {
    VpJob job{};
    EinsimJob desc{};
    sc_time t0, tb;                  // cycle 0 of the job (START), of its steps (fetched)
    std::vector<std::vector<uint8_t>> buf;   // per descriptor slot
    std::vector<int> slot_of;        // cascade tensor -> slot
    std::vector<uint64_t> ready, end;        // cycles from tb
    std::vector<uint32_t> ids;       // step indices handed to the retire queue
    uint64_t max_end = 0;
    sc_event known, inputs_ev, values_ev, abort_ev;
    bool inputs = false, values = false;
    sc_time inputs_at, values_at, wr_done;
    bool abort = false;
    EinsimErr err = EINSIM_ERR_NONE;
    uint64_t err_info = 0;
    std::string err_what;
    sc_time err_at;
    ~Run() { vp_job_free(&job); }
    void fail(EinsimErr e, uint64_t info, const std::string &what, const sc_time &at)
    {
        if (abort)
            return;
        abort = true, err = e, err_info = info, err_what = what, err_at = at;
        abort_ev.notify(SC_ZERO_TIME);
    }
};

einsim_accel::einsim_accel(sc_module_name name, const einsim_accel_config &cfg)
    : sc_module(name), regs("regs"), dma("dma"), irq("irq"), cfg_(cfg)
{
    sc_assert(!cfg_.programs.empty() && cfg_.burst_bytes && !(cfg_.burst_bytes & (cfg_.burst_bytes - 1)));
    period_ = sc_time(1e3 / cfg_.programs[0]->clock_mhz, SC_NS);
    regs.register_b_transport(this, &einsim_accel::regs_b_transport);
    regs.register_transport_dbg(this, &einsim_accel::regs_dbg);
    dma.register_nb_transport_bw(this, &einsim_accel::dma_bw);
    sc_assert(cfg_.outstanding >= 1);
    ch_[RD].reset(new Channel(cfg_.at ? cfg_.outstanding : 1));
    ch_[WR].reset(new Channel(cfg_.at ? cfg_.outstanding : 1));
    if (cfg_.rtl_core) {
        Diag d;
        diag_init(&d);
        rtl_ = vp_rtl_open(cfg_.rtl_lib.c_str(), cfg_.rtl_fst.empty() ? nullptr : cfg_.rtl_fst.c_str(), &d);
        if (!rtl_) {
            std::string m = d.n ? std::string(d.e[0].file ? d.e[0].file : "") + ": " + d.e[0].msg
                                : "cannot open the RTL core";
            diag_free(&d);
            SC_REPORT_ERROR("/einsim/accel/CORE", (std::string(this->name()) + ": " + m).c_str());
        }
        diag_free(&d);
    }
    SC_THREAD(control);
    SC_METHOD(irq_method);
    sensitive << irq_ev_;
}

einsim_accel::~einsim_accel() { vp_rtl_close(rtl_); }

void einsim_accel::trace(sc_trace_file *tf) const
{
    sc_trace(tf, busy_, std::string(name()) + ".busy");
    sc_trace(tf, phase_, std::string(name()) + ".phase");
}

void einsim_accel::irq_method() { irq.write((irq_st_ & irq_en_) != 0); }

// ---- registers ---------------------------------------------------------------------

void einsim_accel::error(EinsimErr code, uint64_t info, const std::string &what)
{
    if (!err_)                                   // the first error is kept until cleared
        err_ = code, err_info_ = info;
    irq_st_ |= EINSIM_IRQ_ERROR;
    drive_irq();
    std::string type = std::string("/einsim/accel/") + einsim_err_name(code);
    SC_REPORT_WARNING(type.c_str(), (std::string(name()) + ": " + what).c_str());
}

bool einsim_accel::reg_read(uint32_t off, uint32_t &v)
{
    if (off >= EINSIM_REG_TENSOR0 && off < EINSIM_REG_END) {
        int i = (int)(off - EINSIM_REG_TENSOR0) / 16;
        switch ((off - EINSIM_REG_TENSOR0) % 16) {
        case EINSIM_TENSOR_BASE_LO: v = (uint32_t)tbase_[i]; break;
        case EINSIM_TENSOR_BASE_HI: v = (uint32_t)(tbase_[i] >> 32); break;
        case EINSIM_TENSOR_SIZE: v = (uint32_t)tsize_[i]; break;
        default: v = (uint32_t)tdma_[i]; break;
        }
        return true;
    }
    switch (off) {
    case EINSIM_REG_ID: v = EINSIM_ID_VALUE; break;
    case EINSIM_REG_VERSION: v = EINSIM_VERSION_VALUE; break;
    case EINSIM_REG_GEOMETRY: v = cfg_.programs[0]->rows | cfg_.programs[0]->cols << 16; break;
    case EINSIM_REG_CAPS:
        v = (uint32_t)cfg_.programs.size() | (cfg_.rtl_core ? EINSIM_CAPS_RTL_CORE : 0);
        break;
    case EINSIM_REG_CTRL: v = 0; break;
    case EINSIM_REG_STATUS:
        v = (busy_ ? EINSIM_STATUS_BUSY : 0) | (done_ ? EINSIM_STATUS_DONE : 0) |
            (err_ ? EINSIM_STATUS_ERROR : 0) | err_ << 8;
        break;
    case EINSIM_REG_IRQ_ENABLE: v = irq_en_; break;
    case EINSIM_REG_IRQ_STATUS: v = irq_st_; break;
    case EINSIM_REG_DESC_LO: v = (uint32_t)desc_; break;
    case EINSIM_REG_DESC_HI: v = (uint32_t)(desc_ >> 32); break;
    case EINSIM_REG_CYCLES_LO: v = (uint32_t)cycles_, cycles_hi_ = (uint32_t)(cycles_ >> 32); break;
    case EINSIM_REG_CYCLES_HI: v = cycles_hi_; break;
    case EINSIM_REG_ERR_INFO_LO: v = (uint32_t)err_info_; break;
    case EINSIM_REG_ERR_INFO_HI: v = (uint32_t)(err_info_ >> 32); break;
    case EINSIM_REG_JOBS: v = jobs_; break;
    default: v = 0; break;                        // reserved
    }
    return true;
}

void einsim_accel::reg_write(uint32_t off, uint32_t v, const sc_time &when)
{
    switch (off) {
    case EINSIM_REG_CTRL:
        if (!(v & EINSIM_CTRL_START))
            break;
        if (busy_) {
            error(EINSIM_ERR_BUSY, off, "START while a job runs (ignored; the job continues)");
            break;
        }
        busy_ = true, done_ = false;
        start_ev_.notify(when - sc_time_stamp());
        break;
    case EINSIM_REG_IRQ_ENABLE:
        irq_en_ = v & (EINSIM_IRQ_DONE | EINSIM_IRQ_ERROR);
        drive_irq();
        break;
    case EINSIM_REG_IRQ_STATUS:
        irq_st_ &= ~v;
        if (v & EINSIM_IRQ_ERROR)
            err_ = 0, err_info_ = 0;
        drive_irq();
        break;
    case EINSIM_REG_DESC_LO: desc_ = (desc_ & ~(uint64_t)0xffffffffu) | v; break;
    case EINSIM_REG_DESC_HI: desc_ = (desc_ & 0xffffffffu) | (uint64_t)v << 32; break;
    default: break;                               // read-only and reserved: ignored
    }
}

void einsim_accel::regs_b_transport(tlm_generic_payload &t, sc_time &delay)
{
    uint64_t off = t.get_address();
    delay += period_;                             // one clock per register access
    if (t.get_data_length() != 4 || t.get_streaming_width() < 4 || t.get_byte_enable_ptr()) {
        t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        error(EINSIM_ERR_ALIGN, off, fmt("register access of %u bytes at 0x%" PRIx64 " (registers "
                                         "are 4-byte accesses)", t.get_data_length(), off));
        return;
    }
    if (off % 4) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        error(EINSIM_ERR_ALIGN, off, fmt("unaligned register access at offset 0x%" PRIx64, off));
        return;
    }
    if (off >= EINSIM_REG_END) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        error(EINSIM_ERR_RANGE, off, fmt("register offset 0x%" PRIx64 " is outside the register "
                                         "map (0x0 .. 0x%x)", off, EINSIM_REG_END - 4));
        return;
    }
    uint8_t *p = t.get_data_ptr();
    if (t.is_read()) {
        uint32_t v = 0;
        reg_read((uint32_t)off, v);
        for (int i = 0; i < 4; i++)
            p[i] = (uint8_t)(v >> (8 * i));
    } else if (t.is_write()) {
        reg_write((uint32_t)off, (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                                     (uint32_t)p[3] << 24, sc_time_stamp() + delay);
    }
    t.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Debug reads show the registers without side effects; debug writes are refused.
unsigned einsim_accel::regs_dbg(tlm_generic_payload &t)
{
    uint64_t off = t.get_address();
    if (!t.is_read() || off % 4 || off >= EINSIM_REG_END || t.get_data_length() < 4)
        return 0;
    uint32_t v = 0, hi = cycles_hi_;
    reg_read((uint32_t)off, v);
    cycles_hi_ = hi;
    for (int i = 0; i < 4; i++)
        t.get_data_ptr()[i] = (uint8_t)(v >> (8 * i));
    return 4;
}

// ---- DMA ---------------------------------------------------------------------------

tlm::tlm_sync_enum einsim_accel::dma_bw(tlm_generic_payload &t, tlm::tlm_phase &ph, sc_time &d)
{
    for (auto &c : ch_)
        for (auto &sl : c->slot) {
            if (&sl->gp != &t)
                continue;
            if (ph == tlm::END_REQ || ph == tlm::BEGIN_RESP) {   // BEGIN_RESP implies END_REQ
                if (&c->slot[(c->issued - 1) % c->slot.size()]->gp == &t)
                    c->req_open = false;
                c->ev.notify(d);
            }
            if (ph != tlm::BEGIN_RESP)
                return tlm::TLM_ACCEPTED;         // END_REQ: the response will follow
            completed(*c, *sl, sc_time_stamp() + d);
            return tlm::TLM_COMPLETED;
        }
    return tlm::TLM_ACCEPTED;
}

// Counts a finished transfer (or records its error response), then moves `done` over
// the transfers finished in issue order and marks the steps whose loads are all in.
void einsim_accel::completed(Channel &c, DmaSlot &sl, const sc_time &at)
{
    tlm_generic_payload &g = sl.gp;
    unsigned len = g.get_data_length();
    sl.busy = false;
    if (g.is_response_error()) {
        c.bad = c.bad == UNKNOWN ? sl.addr : c.bad;
    } else {
        stats_.transfers++;
        stats_.queued += sl.ext->queued;
        if (sl.tslot < 0)
            stats_.desc_bytes += len;
        else {
            (g.is_write() ? stats_.write_bytes : stats_.read_bytes)[sl.tslot] += len;
            tdma_[sl.tslot] += len;
        }
    }
    c.last = at > c.last ? at : c.last;
    while (c.done < c.issued && !c.slot[c.done % c.slot.size()]->busy)
        c.done++;
    while (!c.marks.empty() && c.marks.front().first <= c.done) {
        run_->ready[c.marks.front().second] = cycle_of(*run_, c.last);
        run_->known.notify(SC_ZERO_TIME);
        c.marks.pop_front();
    }
}

// AT: waits until every transfer of channel ch has its response; false (with *bad the
// address) when one got an error response. LT: nothing is in flight.
bool einsim_accel::drain(int ch, uint64_t *bad)
{
    Channel &c = *ch_[ch];
    if (cfg_.at) {
        while (c.done < c.issued)
            wait(c.ev);
        c.lt.t = sc_time_stamp();
    }
    *bad = c.bad;
    return c.bad == UNKNOWN;
}

// Moves n bytes between memory at addr and p through channel ch, in bursts that do not
// cross a burst boundary, starting at the channel's time t (updated). Counts the bytes
// against descriptor slot `slot` (-1: the descriptor). False on an error response, with
// *bad the failing address.
bool einsim_accel::transfer(int ch, bool write, uint64_t addr, uint8_t *p, uint64_t n, int slot,
                            uint64_t *bad)
{
    Channel &c = *ch_[ch];
    for (uint64_t done = 0; done < n;) {
        uint64_t a = addr + done, room = cfg_.burst_bytes - (a & (cfg_.burst_bytes - 1));
        unsigned len = (unsigned)(n - done < room ? n - done : room);
        if (cfg_.at) {
            c.lt.sync();
            while (c.issued - c.done >= c.slot.size() || c.req_open)
                wait(c.ev);
        }
        DmaSlot &sl = *c.slot[c.issued % c.slot.size()];
        tlm_generic_payload &g = sl.gp;
        g.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        g.set_address(a);
        g.set_data_ptr(p + done);
        g.set_data_length(len);
        g.set_streaming_width(len);
        g.set_byte_enable_ptr(nullptr);
        g.set_dmi_allowed(false);
        g.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sl.ext->queued = SC_ZERO_TIME;
        sl.busy = true, sl.tslot = slot, sl.addr = a;
        c.issued++;
        if (!cfg_.at) {
            c.lt.at_least(sc_time_stamp());
            sc_time d = c.lt.t - sc_time_stamp();
            dma->b_transport(g, d);
            c.lt.t = sc_time_stamp() + d;
            completed(c, sl, c.lt.t);
            c.lt.keep();
        } else {
            tlm::tlm_phase ph = tlm::BEGIN_REQ;
            sc_time d = SC_ZERO_TIME;
            c.req_open = true;
            tlm::tlm_sync_enum s = dma->nb_transport_fw(g, ph, d);
            if (s == tlm::TLM_COMPLETED || (s == tlm::TLM_UPDATED && ph == tlm::BEGIN_RESP)) {
                c.req_open = false;
                wait(d);
                completed(c, sl, sc_time_stamp());
                if (s == tlm::TLM_UPDATED) {
                    ph = tlm::END_RESP, d = SC_ZERO_TIME;
                    dma->nb_transport_fw(g, ph, d);
                }
            } else if (s == tlm::TLM_UPDATED && ph == tlm::END_REQ) {
                c.req_open = false;
            }
        }
        if (c.bad != UNKNOWN)
            return drain(ch, bad);
        done += len;
    }
    return true;
}

// One step transfer (strided runs of a tensor) through channel ch; aborts the run on an
// error response.
bool einsim_accel::xfer(int ch, Run &r, const VpXfer &x)
{
    int slot = r.slot_of[(size_t)x.tensor];
    uint8_t *p = r.buf[(size_t)slot].data();
    for (uint64_t row = 0; row < x.rows; row++) {
        uint64_t off = x.offset + row * x.stride, bad = 0;
        if (!transfer(ch, ch == WR, r.desc.addr[slot] + off, p + off, x.row_bytes, slot, &bad)) {
            dma_failed(ch, r, bad);
            return false;
        }
    }
    return true;
}

// Aborts the run on a DMA error response at `bad`, in the tensor that holds it.
void einsim_accel::dma_failed(int ch, Run &r, uint64_t bad)
{
    const char *name = "?";
    for (int i = 0; i < r.job.n_tensors; i++)
        if (bad >= r.desc.addr[i] && bad - r.desc.addr[i] < r.desc.bytes[i])
            name = r.job.t[i].name;
    r.fail(EINSIM_ERR_DMA, bad, fmt("DMA %s of %s at 0x%" PRIx64 " got an error response "
                                    "(unmapped address?); job aborted",
                                    ch == WR ? "write" : "read", name, bad),
           ch_[ch]->lt.t);
}

// Waits for the channel's last transfers (AT); aborts the run on an error response.
bool einsim_accel::finish(int ch, Run &r)
{
    uint64_t bad = 0;
    if (drain(ch, &bad))
        return true;
    dma_failed(ch, r, bad);
    return false;
}

// ---- the job -----------------------------------------------------------------------

sc_time einsim_accel::at_cycle(const Run &r, uint64_t c) const { return r.tb + period_ * (double)c; }

uint64_t einsim_accel::cycle_of(const Run &r, const sc_time &t) const
{
    if (t <= r.tb)
        return 0;
    uint64_t q = (t - r.tb).value(), p = period_.value();
    return (q + p - 1) / p;
}

void einsim_accel::compute_values(Run &r)
{
    const VpJob &j = r.job;
    std::vector<std::vector<int64_t>> w((size_t)j.n_tensors);
    int64_t *pw[EINSIM_MAX_TENSORS];
    for (int i = 0; i < j.n_tensors; i++) {
        uint64_t n = j.t[i].rows * j.t[i].cols;
        w[(size_t)i].resize(n);
        pw[i] = w[(size_t)i].data();
        if (!j.t[i].output)
            vp_unpack(&j, r.buf[(size_t)i].data(), n, pw[i]);
    }
    Diag d;
    diag_init(&d);
    if (vp_job_values(&j, pw, pw, &d))
        r.fail(EINSIM_ERR_CORE, 0, fmt("the functional model cannot evaluate the job: %s",
                                       d.n ? d.e[0].msg : "?"), sc_time_stamp());
    diag_free(&d);
    for (int i = 0; i < j.n_tensors; i++)
        if (j.t[i].output)
            vp_pack(&j, pw[i], j.t[i].rows * j.t[i].cols, r.buf[(size_t)i].data());
}

// Read channel: every step's loads in step order; then the values (C core) or the
// signal that the inputs are in (RTL core).
void einsim_accel::rd_thread(Run &r)
{
    Channel &c = *ch_[RD];
    c.lt.t = sc_time_stamp();
    const VpSteps &s = r.job.steps;
    for (uint32_t i = 0; i < s.n_step && !r.abort; i++) {
        const VpStep &st = s.step[i];
        for (uint32_t x = st.load0; x < st.load0 + st.n_load; x++)
            if (!xfer(RD, r, s.xfer[x]))
                return;
        if (!st.n_load)
            continue;
        if (c.done < c.issued) {          // AT: ready when its transfers have answered
            c.marks.emplace_back(c.issued, i);
            continue;
        }
        r.ready[i] = cycle_of(r, cfg_.at ? c.last : c.lt.t);
        r.known.notify(SC_ZERO_TIME);
    }
    if (!finish(RD, r) || r.abort)
        return;
    r.inputs = true, r.inputs_at = c.lt.t;
    r.inputs_ev.notify(SC_ZERO_TIME);
    if (cfg_.rtl_core)
        return;
    compute_values(r);
    r.values = true, r.values_at = c.lt.t;
    r.values_ev.notify(SC_ZERO_TIME);
}

// One unit: its steps in order, each at the earliest cycle the rules allow.
void einsim_accel::unit_thread(Run &r, uint32_t u)
{
    LocalTime lt;
    const VpSteps &s = r.job.steps;
    uint64_t free = 0;
    for (uint32_t i = 0; i < s.n_step; i++) {
        const VpStep &st = s.step[i];
        if (st.unit != u)
            continue;
        for (;;) {
            bool wait_for = r.ready[i] == UNKNOWN;
            for (uint32_t k = 0; k < st.n_deps; k++)
                wait_for |= r.end[st.dep[k]] == UNKNOWN;
            if (!wait_for || r.abort)
                break;
            if (lt.ahead())
                lt.sync();                        // then look again before blocking
            else
                wait(r.known | r.abort_ev);
        }
        if (r.abort)
            return;
        uint64_t start = free > r.ready[i] ? free : r.ready[i];
        for (uint32_t k = 0; k < st.n_deps; k++)
            start = r.end[st.dep[k]] > start ? r.end[st.dep[k]] : start;
        free = start + st.issue_cyc;
        r.end[i] = start + st.lat_cyc;
        r.max_end = r.end[i] > r.max_end ? r.end[i] : r.max_end;
        r.known.notify(SC_ZERO_TIME);
        sc_time te = at_cycle(r, r.end[i]);
        sc_assert(te >= sc_time_stamp());
        retire_->notify(r.ids[i], te - sc_time_stamp());
        lt.at_least(at_cycle(r, free));
        lt.keep();
    }
}

// Write channel: each ended step's stores, in the order steps end.
void einsim_accel::wr_thread(Run &r)
{
    Channel &c = *ch_[WR];
    c.lt.t = sc_time_stamp();
    const VpSteps &s = r.job.steps;
    uint32_t retired = 0;
    while (retired < s.n_step && !r.abort) {
        uint32_t *id = retire_->get_next_transaction();
        if (!id) {
            if (c.lt.ahead())
                c.lt.sync();                      // then look again before blocking
            else
                wait(retire_->get_event() | r.abort_ev);
            continue;
        }
        retired++;
        const VpStep &st = s.step[*id];
        if (!st.n_store)
            continue;
        if (!r.values) {
            c.lt.sync();
            while (!r.values && !r.abort)
                wait(r.values_ev | r.abort_ev);
            c.lt.at_least(r.values_at);
        }
        c.lt.at_least(at_cycle(r, r.end[*id]));
        for (uint32_t x = st.store0; x < st.store0 + st.n_store && !r.abort; x++)
            if (!xfer(WR, r, s.xfer[x]))
                return;
    }
    finish(WR, r);
    r.wr_done = c.lt.t;
}

// RTL core: once every input is in, the RTL runs its program clock by clock in simulated
// time (a quantum of cycles at a time), then every output is stored.
void einsim_accel::rtl_thread(Run &r)
{
    LocalTime lt;
    while (!r.inputs && !r.abort)
        wait(r.inputs_ev | r.abort_ev);
    if (r.abort)
        return;
    const VpJob &j = r.job;
    uint64_t c0 = cycle_of(r, r.inputs_at);
    lt.at_least(at_cycle(r, c0));
    lt.sync();
    phase_ = PH_RTL;
    std::vector<std::vector<int64_t>> w((size_t)j.n_tensors);
    int64_t *pw[EINSIM_MAX_TENSORS];
    for (int i = 0; i < j.n_tensors; i++) {
        w[(size_t)i].resize(j.t[i].rows * j.t[i].cols);
        pw[i] = w[(size_t)i].data();
        if (!j.t[i].output)
            vp_unpack(&j, r.buf[(size_t)i].data(), w[(size_t)i].size(), pw[i]);
    }
    Diag d;
    diag_init(&d);
    if (vp_rtl_load(rtl_, &j.ri, pw, &d)) {
        r.fail(EINSIM_ERR_CORE, 0, fmt("the RTL core cannot run the job: %s", d.n ? d.e[0].msg : "?"),
               sc_time_stamp());
        diag_free(&d);
        return;
    }
    diag_free(&d);
    vp_rtl_start(rtl_);
    sc_time q = tlm::tlm_global_quantum::instance().get();
    uint64_t chunk = q > period_ ? (uint64_t)(q / period_) : 1, limit = vp_rtl_limit(rtl_), ran = 0;
    bool fin = false;
    while (!fin && ran < limit) {
        uint64_t before = vp_rtl_clocks(rtl_);
        fin = vp_rtl_step(rtl_, chunk) != 0;
        ran += vp_rtl_clocks(rtl_) - before;
        if (!fin) {                // the run ends at its latest tile end (below)
            lt.at_least(at_cycle(r, c0 + ran));
            lt.keep();
        }
    }
    if (!fin) {
        r.fail(EINSIM_ERR_CORE, 0, fmt("the RTL did not finish within %" PRIu64 " cycles", limit),
               lt.t);
        return;
    }
    uint64_t rc = vp_rtl_cycles(rtl_);
    stats_.rtl_cycles = rc;
    r.max_end = c0 + rc;
    lt.at_least(at_cycle(r, r.max_end));
    lt.sync();
    phase_ = PH_STORE;
    // The RTL's tiles against the steps' schedule with every load at cycle 0.
    const VpSteps &s = j.steps;
    std::vector<uint64_t> st(s.n_step), en(s.n_step);
    vp_steps_schedule(&s, nullptr, st.data(), en.data());
    for (uint32_t i = 0; i < s.n_step; i++) {
        uint64_t a, b;
        vp_rtl_stamp(rtl_, s.step[i].unit, s.step[i].tile, &a, &b);
        stats_.rtl_tile_mismatch += a != st[i] || b != en[i];
    }
    for (int i = 0; i < j.n_tensors; i++)
        if (j.t[i].output) {
            vp_rtl_output(rtl_, pw[i]);
            vp_pack(&j, pw[i], w[(size_t)i].size(), r.buf[(size_t)i].data());
        }
    Channel &c = *ch_[WR];
    c.lt.t = lt.t;
    for (uint32_t i = 0; i < s.n_step; i++)
        for (uint32_t x = s.step[i].store0; x < s.step[i].store0 + s.step[i].n_store; x++)
            if (!xfer(WR, r, s.xfer[x]))
                return;
    finish(WR, r);
    r.wr_done = c.lt.t;
}

// Fetches and checks the descriptor, loads the job and runs it. Returns the error that
// ended it (already reported through error()) or EINSIM_ERR_NONE.
EinsimErr einsim_accel::run_job(Run &r)
{
    sc_time now = sc_time_stamp();
    uint64_t p = period_.value();
    r.t0 = r.tb = sc_time::from_value((now.value() + p - 1) / p * p);
    phase_ = PH_DESC;
    Channel &c = *ch_[RD];
    c.lt.t = r.t0;
    // A check failing after the fetch is reported at the fetch's end.
    auto fail = [&](EinsimErr e, uint64_t info, const std::string &what) {
        c.lt.sync();
        error(e, info, what);
        return e;
    };
    if (desc_ % 8)
        return fail(EINSIM_ERR_ALIGN, desc_, fmt("descriptor address 0x%" PRIx64 " is not 8-byte "
                                                 "aligned", desc_));
    uint8_t raw[EINSIM_DESC_BYTES];
    uint64_t bad = 0;
    for (auto &ch : ch_)
        ch->bad = UNKNOWN, ch->marks.clear();
    if (!transfer(RD, false, desc_, raw, sizeof raw, -1, &bad) || !drain(RD, &bad))
        return fail(EINSIM_ERR_DMA, bad, fmt("descriptor fetch at 0x%" PRIx64 " got an error "
                                             "response (unmapped address?)", bad));
    if (einsim_desc_decode(raw, &r.desc))
        return fail(EINSIM_ERR_DESC, desc_, fmt("descriptor at 0x%" PRIx64 ": bad magic or version "
                                                "(want 0x%08x, version %u)", desc_,
                                                EINSIM_DESC_MAGIC, EINSIM_DESC_VERSION));
    if (r.desc.program >= cfg_.programs.size())
        return fail(EINSIM_ERR_DESC, desc_, fmt("descriptor names program %u; the device has %zu",
                                                r.desc.program, cfg_.programs.size()));
    const VpProgram *prog = cfg_.programs[r.desc.program];
    Diag d;
    diag_init(&d);
    EinsimErr e = vp_job_load(&r.job, prog, r.desc.rank, &d);
    std::string why = d.n ? d.e[0].msg : "";
    diag_free(&d);
    if (e) {
        std::string sizes;
        for (int i = 0; i < prog->n_ranks; i++)
            sizes += fmt("%s%s=%" PRIu64, i ? " " : "", vp_rank_name(prog->kind, i), r.desc.rank[i]);
        return fail(e, desc_, fmt("program %u (%s) at %s: %s", r.desc.program, prog->name,
                                  sizes.c_str(), why.c_str()));
    }
    const VpJob &j = r.job;
    if (r.desc.n_tensors != (uint32_t)j.n_tensors)
        return fail(EINSIM_ERR_DESC, desc_, fmt("descriptor lists %u tensors; program %u has %d",
                                                r.desc.n_tensors, r.desc.program, j.n_tensors));
    for (int i = 0; i < j.n_tensors; i++) {
        uint64_t a = r.desc.addr[i], n = r.desc.bytes[i], want = vp_job_bytes(&j, i);
        if (a % j.elem_bytes)
            return fail(EINSIM_ERR_ALIGN, a, fmt("tensor %s at 0x%" PRIx64 " is not aligned to its "
                                                 "%u-byte elements", j.t[i].name, a, j.elem_bytes));
        if (n > UINT64_MAX - a)
            return fail(EINSIM_ERR_RANGE, a, fmt("tensor %s at 0x%" PRIx64 " + %" PRIu64 " bytes "
                                                 "wraps the address space", j.t[i].name, a, n));
        if (n != want)
            return fail(EINSIM_ERR_SIZE, a, fmt("tensor %s is %" PRIu64 " bytes; %" PRIu64 " x %"
                                                PRIu64 " elements of %u bytes make %" PRIu64,
                                                j.t[i].name, n, j.t[i].rows, j.t[i].cols,
                                                j.elem_bytes, want));
    }
    for (int i = 0; i < EINSIM_MAX_TENSORS; i++) {
        tbase_[i] = i < j.n_tensors ? r.desc.addr[i] : 0;
        tsize_[i] = i < j.n_tensors ? r.desc.bytes[i] : 0;
        tdma_[i] = 0;
    }
    // The steps start once the descriptor is in and checked.
    c.lt.sync();
    stats_.fetch = (uint64_t)((sc_time_stamp() - r.t0).value() + p - 1) / p;
    r.tb = r.t0 + period_ * (double)stats_.fetch;
    if (r.tb > sc_time_stamp())
        wait(r.tb - sc_time_stamp());
    phase_ = PH_STEPS;
    const VpSteps &s = j.steps;
    r.buf.resize((size_t)j.n_tensors);
    r.slot_of.assign((size_t)j.ri.cascade->n_tensors, -1);
    for (int i = 0; i < j.n_tensors; i++) {
        r.buf[(size_t)i].assign(vp_job_bytes(&j, i), 0);
        r.slot_of[(size_t)j.t[i].cascade] = i;
    }
    r.ready.assign(s.n_step, 0);
    r.end.assign(s.n_step, UNKNOWN);
    r.ids.resize(s.n_step);
    for (uint32_t i = 0; i < s.n_step; i++) {
        r.ids[i] = i;
        if (s.step[i].n_load)
            r.ready[i] = UNKNOWN;
    }
    stats_.ideal = s.cycles;
    stats_.steps = s.n_step;
    retire_.reset(new tlm_utils::peq_with_get<uint32_t>("retire"));
    std::vector<sc_process_handle> h;
    h.push_back(sc_spawn([this, &r] { rd_thread(r); }, "rd"));
    if (cfg_.rtl_core) {
        h.push_back(sc_spawn([this, &r] { rtl_thread(r); }, "rtl"));
    } else {
        for (uint32_t u = 0; u < s.n_unit; u++)
            h.push_back(sc_spawn([this, &r, u] { unit_thread(r, u); },
                                 sc_gen_unique_name("unit")));
        h.push_back(sc_spawn([this, &r] { wr_thread(r); }, "wr"));
    }
    for (auto &ph : h)
        if (!ph.terminated())
            wait(ph.terminated_event());
    retire_.reset();                      // drops what an aborted run left queued
    if (r.abort) {
        if (r.err_at > sc_time_stamp())
            wait(r.err_at - sc_time_stamp());
        error(r.err, r.err_info, r.err_what);
        return r.err;
    }
    sc_time end = at_cycle(r, r.max_end);
    end = r.wr_done > end ? r.wr_done : end;
    uint64_t total = (uint64_t)((end - r.t0).value() + p - 1) / p;
    sc_time t_done = r.t0 + period_ * (double)total;
    if (t_done > sc_time_stamp())
        wait(t_done - sc_time_stamp());
    stats_.cycles = total;
    stats_.compute = r.max_end;
    stats_.tail = total - stats_.fetch - r.max_end;
    return EINSIM_ERR_NONE;
}

void einsim_accel::control()
{
    for (;;) {
        phase_ = PH_IDLE;
        wait(start_ev_);
        stats_ = einsim_accel_stats();
        stats_.start = sc_time_stamp();
        Run r;
        run_ = &r;
        EinsimErr e = run_job(r);
        run_ = nullptr;
        stats_.error = e;
        stats_.done = sc_time_stamp();
        busy_ = false;
        if (e == EINSIM_ERR_NONE) {
            cycles_ = stats_.cycles;
            done_ = true;
            jobs_++;
            irq_st_ |= EINSIM_IRQ_DONE;
            drive_irq();
        }
    }
}
