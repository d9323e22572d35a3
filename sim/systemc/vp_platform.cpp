// vp_platform.cpp — the virtual platform's memory, router and host (vp_platform.h).
#include "systemc/vp_platform.h"

#include <cstring>

using namespace sc_core;
using tlm::tlm_generic_payload;
using tlm::tlm_phase;
using tlm::tlm_sync_enum;

// ---- memory ------------------------------------------------------------------------

vp_memory::vp_memory(sc_module_name name, uint64_t size_bytes, double bytes_per_s,
                     sc_time latency)
    : sc_module(name), socket("socket"), mem_(size_bytes), bps_(bytes_per_s),
      lat_(bytes_per_s > 0 ? latency : SC_ZERO_TIME), resp_peq_("resp_peq")
{
    socket.register_b_transport(this, &vp_memory::b_transport);
    socket.register_nb_transport_fw(this, &vp_memory::nb_transport_fw);
    socket.register_transport_dbg(this, &vp_memory::transport_dbg);
    SC_THREAD(serve);
    SC_THREAD(respond);
}

// Range and attribute checks, then the copy. False with an error response set.
bool vp_memory::access(tlm_generic_payload &t)
{
    uint64_t a = t.get_address(), n = t.get_data_length();
    if (a > mem_.size() || n > mem_.size() - a) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (t.get_byte_enable_ptr()) {
        t.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (t.get_streaming_width() < n) {
        t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    if (t.is_read())
        std::memcpy(t.get_data_ptr(), &mem_[a], n);
    else if (t.is_write())
        std::memcpy(&mem_[a], t.get_data_ptr(), n);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

// The channel takes a transfer arriving at `arrival`: books the earliest free interval
// of its duration at or after arrival (the bookings form a calendar, so a transfer that
// arrives earlier in simulated time but is called later, as loosely timed initiators do
// within their quantum, is not queued behind later ones), records the wait in the
// extension and returns the end of the transfer.
sc_time vp_memory::occupy(tlm_generic_payload &t, const sc_time &arrival)
{
    sc_time dur = bps_ > 0 ? sc_time((double)t.get_data_length() / bps_, SC_SEC) : SC_ZERO_TIME;
    while (!book_.empty() && book_.begin()->second <= sc_time_stamp())   // past bookings
        book_.erase(book_.begin());
    sc_time start = arrival;
    if (dur > SC_ZERO_TIME) {
        auto it = book_.upper_bound(start);
        if (it != book_.begin() && std::prev(it)->second > start)
            start = std::prev(it)->second;
        for (; it != book_.end() && it->first < start + dur; ++it)
            start = it->second > start ? it->second : start;
        sc_time end = start + dur;
        it = book_.lower_bound(start);
        auto cur = it != book_.begin() && std::prev(it)->second == start ? std::prev(it)
                                                                         : book_.emplace(start, end).first;
        cur->second = end;
        auto nx = std::next(cur);
        if (nx != book_.end() && nx->first == end) {
            cur->second = nx->second;
            book_.erase(nx);
        }
    }
    busy += dur;
    (t.is_read() ? bytes_read : bytes_written) += t.get_data_length();
    vp_mem_wait *w = t.get_extension<vp_mem_wait>();
    if (w)
        w->queued = start - arrival;
    return start + dur;
}

void vp_memory::b_transport(tlm_generic_payload &t, sc_time &delay)
{
    if (!access(t))
        return;
    sc_time now = sc_time_stamp();
    delay = occupy(t, now + delay) + lat_ - now;
}

tlm_sync_enum vp_memory::nb_transport_fw(tlm_generic_payload &t, tlm_phase &ph, sc_time &delay)
{
    if (ph == tlm::BEGIN_REQ) {
        if (!access(t))                         // errors complete at once
            return tlm::TLM_COMPLETED;
        if (t.has_mm())
            t.acquire();
        reqs_.push_back({ &t, sc_time_stamp() + delay });
        req_ev_.notify(delay);
        return tlm::TLM_ACCEPTED;
    }
    if (ph == tlm::END_RESP) {
        resp_busy_ = false;
        end_resp_ev_.notify(SC_ZERO_TIME);
        if (t.has_mm())
            t.release();
        return tlm::TLM_COMPLETED;
    }
    SC_REPORT_ERROR("/einsim/memory", "nb_transport_fw: unexpected phase");
    return tlm::TLM_COMPLETED;
}

// Requests in arrival order: END_REQ when the channel takes one, the response at the end
// of its transfer plus the latency. The copy was done when the request arrived.
void vp_memory::serve()
{
    for (;;) {
        while (reqs_.empty())
            wait(req_ev_);
        Req r = reqs_.front();
        reqs_.pop_front();
        sc_time end = occupy(*r.t, r.arrival);
        sc_time start = end - (bps_ > 0 ? sc_time((double)r.t->get_data_length() / bps_, SC_SEC)
                                        : SC_ZERO_TIME);
        if (start > sc_time_stamp())
            wait(start - sc_time_stamp());
        tlm_phase ph = tlm::END_REQ;
        sc_time d = SC_ZERO_TIME;
        socket->nb_transport_bw(*r.t, ph, d);
        resp_peq_.notify(*r.t, end + lat_ - sc_time_stamp());
    }
}

void vp_memory::respond()
{
    for (;;) {
        wait(resp_peq_.get_event());
        while (tlm_generic_payload *t = resp_peq_.get_next_transaction()) {
            while (resp_busy_)
                wait(end_resp_ev_);
            tlm_phase ph = tlm::BEGIN_RESP;
            sc_time d = SC_ZERO_TIME;
            tlm_sync_enum s = socket->nb_transport_bw(*t, ph, d);
            if (s == tlm::TLM_ACCEPTED || (s == tlm::TLM_UPDATED && ph == tlm::BEGIN_RESP))
                resp_busy_ = true;                // END_RESP comes on the forward path
            else if (t->has_mm())
                t->release();
        }
    }
}

unsigned vp_memory::transport_dbg(tlm_generic_payload &t)
{
    uint64_t a = t.get_address(), n = t.get_data_length();
    if (a >= mem_.size())
        return 0;
    n = n < mem_.size() - a ? n : mem_.size() - a;
    if (t.is_read())
        std::memcpy(t.get_data_ptr(), &mem_[a], n);
    else if (t.is_write())
        std::memcpy(&mem_[a], t.get_data_ptr(), n);
    return (unsigned)n;
}

// ---- router ------------------------------------------------------------------------

vp_router::vp_router(sc_module_name name) : sc_module(name), tsock("tsock"), isock("isock")
{
    tsock.register_b_transport(this, &vp_router::b_transport);
    tsock.register_nb_transport_fw(this, &vp_router::nb_transport_fw);
    tsock.register_transport_dbg(this, &vp_router::transport_dbg);
    tsock.register_get_direct_mem_ptr(this, &vp_router::get_dmi);
    isock.register_nb_transport_bw(this, &vp_router::nb_transport_bw);
    isock.register_invalidate_direct_mem_ptr(this, &vp_router::invalidate_dmi);
    SC_METHOD(forward_waiting);
    sensitive << fwd_ev_;
    dont_initialize();
}

void vp_router::map(int target, uint64_t base, uint64_t size)
{
    ranges_.push_back({ base, size, target });
}

// The target of t's address range (its address made relative), or -1 with an error
// response when no range holds all of it.
int vp_router::decode(tlm_generic_payload &t)
{
    uint64_t a = t.get_address(), n = t.get_data_length();
    for (const Range &r : ranges_)
        if (a >= r.base && a - r.base < r.size && n <= r.size - (a - r.base)) {
            t.set_address(a - r.base);
            return r.target;
        }
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return -1;
}

// A transaction has completed: its address is the initiator's again.
void vp_router::done(tlm_generic_payload &t)
{
    auto it = pend_.find(&t);
    if (it == pend_.end())
        return;
    t.set_address(it->second.addr);
    pend_.erase(it);
}

void vp_router::b_transport(int, tlm_generic_payload &t, sc_time &delay)
{
    uint64_t a = t.get_address();
    int target = decode(t);
    if (target < 0)
        return;
    isock[target]->b_transport(t, delay);
    t.set_address(a);
}

unsigned vp_router::transport_dbg(int, tlm_generic_payload &t)
{
    uint64_t a = t.get_address();
    int target = decode(t);
    if (target < 0)
        return 0;
    unsigned n = isock[target]->transport_dbg(t);
    t.set_address(a);
    return n;
}

// BEGIN_REQ to `target`, which now has one request outstanding until END_REQ.
tlm_sync_enum vp_router::send_req(int target, tlm_generic_payload &t, tlm_phase &ph, sc_time &d)
{
    req_busy_[target] = &t;
    tlm_sync_enum s = isock[target]->nb_transport_fw(t, ph, d);
    if (s != tlm::TLM_ACCEPTED) {            // END_REQ, BEGIN_RESP or completed at once
        req_busy_[target] = nullptr;
        fwd_ev_.notify(SC_ZERO_TIME);
    }
    if (s == tlm::TLM_COMPLETED)
        done(t);
    return s;
}

tlm_sync_enum vp_router::nb_transport_fw(int id, tlm_generic_payload &t, tlm_phase &ph,
                                         sc_time &delay)
{
    if (ph == tlm::BEGIN_REQ) {
        uint64_t a = t.get_address();
        int target = decode(t);
        if (target < 0)
            return tlm::TLM_COMPLETED;
        pend_[&t] = { id, target, a };
        if (req_busy_[target] || !waiting_[target].empty()) {
            waiting_[target].push_back(&t);
            return tlm::TLM_ACCEPTED;
        }
        return send_req(target, t, ph, delay);
    }
    auto it = pend_.find(&t);
    if (it == pend_.end()) {
        SC_REPORT_ERROR("/einsim/router", "nb_transport_fw: unknown transaction");
        return tlm::TLM_COMPLETED;
    }
    tlm_sync_enum s = isock[it->second.target]->nb_transport_fw(t, ph, delay);
    if (s == tlm::TLM_COMPLETED || ph == tlm::END_RESP)
        done(t);
    return s;
}

// Sends the queued BEGIN_REQs of targets that have none outstanding; the initiator
// hears the outcome on its backward path.
void vp_router::forward_waiting()
{
    for (auto &w : waiting_) {
        int target = w.first;
        while (!req_busy_[target] && !w.second.empty()) {
            tlm_generic_payload *t = w.second.front();
            w.second.pop_front();
            int init = pend_[t].init;
            tlm_phase ph = tlm::BEGIN_REQ;
            sc_time d = SC_ZERO_TIME;
            tlm_sync_enum s = send_req(target, *t, ph, d);
            if (s == tlm::TLM_ACCEPTED)
                continue;
            if (s == tlm::TLM_COMPLETED) {       // tell the initiator: accepted, answered
                tlm_phase p2 = tlm::END_REQ;
                sc_time d2 = SC_ZERO_TIME;
                tsock[init]->nb_transport_bw(*t, p2, d2);
                p2 = tlm::BEGIN_RESP;
                tsock[init]->nb_transport_bw(*t, p2, d2);
            } else {
                tsock[init]->nb_transport_bw(*t, ph, d);
            }
        }
    }
}

tlm_sync_enum vp_router::nb_transport_bw(int target, tlm_generic_payload &t, tlm_phase &ph,
                                         sc_time &delay)
{
    auto it = pend_.find(&t);
    if (it == pend_.end()) {
        SC_REPORT_ERROR("/einsim/router", "nb_transport_bw: unknown transaction");
        return tlm::TLM_COMPLETED;
    }
    int init = it->second.init;
    if ((ph == tlm::END_REQ || ph == tlm::BEGIN_RESP) && req_busy_[target] == &t) {
        req_busy_[target] = nullptr;
        fwd_ev_.notify(SC_ZERO_TIME);
    }
    if (ph == tlm::BEGIN_RESP)
        t.set_address(it->second.addr);
    tlm_sync_enum s = tsock[init]->nb_transport_bw(t, ph, delay);
    if (s == tlm::TLM_COMPLETED || (s == tlm::TLM_UPDATED && ph == tlm::END_RESP))
        done(t);
    return s;
}

// ---- host --------------------------------------------------------------------------

vp_host::vp_host(sc_module_name name, int n_irq)
    : sc_module(name), socket("socket"), irq("irq", (size_t)n_irq)
{
    bus_ = EinsimBus{ this, read32, write32, read_mem, write_mem, wait_irq };
    SC_THREAD(run);
}

void vp_host::run()
{
    if (program)
        program(&bus_);
}

// One blocking transfer (split into bursts of at most 256 bytes). 0, or -1 on an error.
int vp_host::access(tlm::tlm_command cmd, uint64_t addr, uint8_t *p, size_t n)
{
    tlm_generic_payload t;
    for (size_t done = 0; done < n;) {
        size_t len = n - done < 256 ? n - done : 256;
        sc_time d = SC_ZERO_TIME;
        t.set_command(cmd);
        t.set_address(addr + done);
        t.set_data_ptr(p + done);
        t.set_data_length((unsigned)len);
        t.set_streaming_width((unsigned)len);
        t.set_byte_enable_ptr(nullptr);
        t.set_dmi_allowed(false);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(t, d);
        wait(d);
        if (t.is_response_error())
            return -1;
        done += len;
    }
    return 0;
}

int vp_host::read32(void *ctx, uint64_t addr, uint32_t *v)
{
    uint8_t b[4] = { 0, 0, 0, 0 };
    int rc = static_cast<vp_host *>(ctx)->access(tlm::TLM_READ_COMMAND, addr, b, 4);
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return rc;
}

int vp_host::write32(void *ctx, uint64_t addr, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    return static_cast<vp_host *>(ctx)->access(tlm::TLM_WRITE_COMMAND, addr, b, 4);
}

int vp_host::read_mem(void *ctx, uint64_t addr, void *dst, size_t n)
{
    return static_cast<vp_host *>(ctx)->access(tlm::TLM_READ_COMMAND, addr, (uint8_t *)dst, n);
}

int vp_host::write_mem(void *ctx, uint64_t addr, const void *src, size_t n)
{
    std::vector<uint8_t> copy((const uint8_t *)src, (const uint8_t *)src + n);
    return static_cast<vp_host *>(ctx)->access(tlm::TLM_WRITE_COMMAND, addr, copy.data(), n);
}

void vp_host::wait_irq(void *ctx, int line)
{
    vp_host *h = static_cast<vp_host *>(ctx);
    if (!h->irq[(size_t)line].read())
        sc_core::wait(h->irq[(size_t)line].posedge_event());
    h->irq_seen = sc_time_stamp();
    sc_core::wait(h->irq_entry);
}
