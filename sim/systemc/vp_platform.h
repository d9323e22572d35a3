// vp_platform.h — the virtual platform's memory, interconnect and host (SystemC 2.3,
// TLM-2.0 base protocol, C++17).
//
//   vp_memory  a TLM target memory with one channel: a transfer of n bytes occupies it
//              n / bandwidth, and its data is usable `latency` later; a transfer takes
//              the earliest free slot at or after its arrival time (b_transport: the
//              call's time plus its annotated delay, so loosely timed initiators running
//              ahead of each other queue by simulated time, not by call order;
//              nb_transport: BEGIN_REQ queued, END_REQ when the channel takes it,
//              BEGIN_RESP at the end of transfer + latency). A vp_mem_wait
//              extension on the payload, when present, receives the time the transfer
//              waited for the channel. A bandwidth of 0 is an ideal memory (no time).
//   vp_router  address decoder between any number of initiators and targets; b_transport,
//              nb_transport (one outstanding BEGIN_REQ per target, others queued in
//              arrival order) and transport_dbg; an unmapped address answers
//              TLM_ADDRESS_ERROR_RESPONSE. No DMI.
//   vp_host    the CPU: an SC_THREAD running a C function that drives devices through
//              the driver API (einsim_drv.h); its EinsimBus does blocking register and
//              memory accesses (each waits its annotated delay) and waits on IRQ lines.
#ifndef EINSIM_VP_PLATFORM_H
#define EINSIM_VP_PLATFORM_H

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <new>
#include <vector>

#include "systemc/einsim_drv.h"

// Set by vp_memory: how long a transfer waited for the channel behind other transfers.
struct vp_mem_wait : tlm::tlm_extension<vp_mem_wait> {
    sc_core::sc_time queued;
    tlm::tlm_extension_base *clone() const override { return new vp_mem_wait(*this); }
    void copy_from(const tlm::tlm_extension_base &e) override
    {
        queued = static_cast<const vp_mem_wait &>(e).queued;
    }
};

class vp_memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<vp_memory> socket;
    // bytes_per_s = 0: ideal (transfers take no time; latency ignored).
    SC_HAS_PROCESS(vp_memory);
    vp_memory(sc_core::sc_module_name name, uint64_t size_bytes, double bytes_per_s,
              sc_core::sc_time latency);
    // Changes the channel's timing (only while no transfer is in flight).
    void set_timing(double bytes_per_s, sc_core::sc_time latency)
    {
        bps_ = bytes_per_s, lat_ = bytes_per_s > 0 ? latency : sc_core::SC_ZERO_TIME;
    }
    uint64_t bytes_read = 0, bytes_written = 0;   // by timed transfers
    sc_core::sc_time busy;                        // time the channel was transferring

private:
    // Zeroed storage from calloc: the system maps its pages when they are first touched,
    // so an unused memory costs neither the time to clear it nor its pages.
    struct zeroed_bytes {
        explicit zeroed_bytes(uint64_t n) : p((uint8_t *)std::calloc(n, 1)), n(n)
        {
            if (!p)
                throw std::bad_alloc();
        }
        ~zeroed_bytes() { std::free(p); }
        zeroed_bytes(const zeroed_bytes &) = delete;
        zeroed_bytes &operator=(const zeroed_bytes &) = delete;
        uint64_t size() const { return n; }
        uint8_t &operator[](uint64_t i) { return p[i]; }
        uint8_t *p;
        uint64_t n;
    } mem_;
    double bps_;
    sc_core::sc_time lat_;
    std::map<sc_core::sc_time, sc_core::sc_time> book_;   // channel bookings: start -> end
    struct Req {
        tlm::tlm_generic_payload *t;
        sc_core::sc_time arrival;
    };
    std::deque<Req> reqs_;
    sc_core::sc_event req_ev_, end_resp_ev_;
    bool resp_busy_ = false;
    tlm_utils::peq_with_get<tlm::tlm_generic_payload> resp_peq_;

    bool access(tlm::tlm_generic_payload &t);
    sc_core::sc_time occupy(tlm::tlm_generic_payload &t, const sc_core::sc_time &arrival);
    void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload &t, tlm::tlm_phase &ph,
                                       sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &t);
    void serve();
    void respond();
};

class vp_router : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<vp_router> tsock;     // initiators bind here
    tlm_utils::multi_passthrough_initiator_socket<vp_router> isock;  // here to targets
    SC_HAS_PROCESS(vp_router);
    explicit vp_router(sc_core::sc_module_name name);
    // Maps [base, base + size) to the target bound as isock's `target`-th binding.
    void map(int target, uint64_t base, uint64_t size);

private:
    struct Range {
        uint64_t base, size;
        int target;
    };
    struct Pending {
        int init, target;
        uint64_t addr;
    };
    std::vector<Range> ranges_;
    std::map<tlm::tlm_generic_payload *, Pending> pend_;
    std::map<int, std::deque<tlm::tlm_generic_payload *>> waiting_;
    std::map<int, tlm::tlm_generic_payload *> req_busy_;   // BEGIN_REQ without END_REQ
    sc_core::sc_event fwd_ev_;

    int decode(tlm::tlm_generic_payload &t);
    void done(tlm::tlm_generic_payload &t);
    tlm::tlm_sync_enum send_req(int target, tlm::tlm_generic_payload &t, tlm::tlm_phase &ph,
                                sc_core::sc_time &d);
    void forward_waiting();
    void b_transport(int id, tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
    tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload &t, tlm::tlm_phase &ph,
                                       sc_core::sc_time &delay);
    tlm::tlm_sync_enum nb_transport_bw(int id, tlm::tlm_generic_payload &t, tlm::tlm_phase &ph,
                                       sc_core::sc_time &delay);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload &t);
    bool get_dmi(int, tlm::tlm_generic_payload &, tlm::tlm_dmi &) { return false; }
    void invalidate_dmi(int, sc_dt::uint64, sc_dt::uint64) {}
};

class vp_host : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<vp_host> socket;
    sc_core::sc_vector<sc_core::sc_in<bool>> irq;
    // The software: runs once in the host's thread with the bus to the platform.
    std::function<void(const EinsimBus *)> program;
    SC_HAS_PROCESS(vp_host);
    vp_host(sc_core::sc_module_name name, int n_irq);
    // Time the host spends between an IRQ line rising and its handler's first access.
    sc_core::sc_time irq_entry = sc_core::SC_ZERO_TIME;
    sc_core::sc_time irq_seen;      // when wait_irq last returned

private:
    EinsimBus bus_;
    void run();
    int access(tlm::tlm_command cmd, uint64_t addr, uint8_t *p, size_t n);
    static int read32(void *ctx, uint64_t addr, uint32_t *v);
    static int write32(void *ctx, uint64_t addr, uint32_t v);
    static int read_mem(void *ctx, uint64_t addr, void *dst, size_t n);
    static int write_mem(void *ctx, uint64_t addr, const void *src, size_t n);
    static void wait_irq(void *ctx, int line);
};

// Wires a device with a DMA initiator `dma`, a register target `regs` and an interrupt
// output `irq` (an einsim_accel) into a platform: its DMA masters the router, its
// registers are router target `target` at [base, base + size), its interrupt drives
// `line` and the host's input `host_irq`.
template <class Dev>
void vp_attach(vp_router &bus, vp_host &host, Dev &dev, sc_core::sc_signal<bool> &line,
               int target, int host_irq, uint64_t base, uint64_t size)
{
    dev.dma.bind(bus.tsock);
    bus.isock.bind(dev.regs);
    bus.map(target, base, size);
    dev.irq.bind(line);
    host.irq[(size_t)host_irq].bind(line);
}

#endif
