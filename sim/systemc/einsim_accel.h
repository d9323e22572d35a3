// einsim_accel.h — the einsim accelerator as a SystemC TLM-2.0 device (C++17, SystemC 2.3).
//
// Sockets and pins: `regs`, a target socket for the control/status registers
// (einsim_regs.h; 4-byte accesses, b_transport or nb_transport, each taking one clock);
// `dma`, an initiator socket through which the device fetches its job descriptor and
// moves tensors; `irq`, the interrupt output (IRQ_STATUS & IRQ_ENABLE).
//
// A job: CTRL.START fetches the descriptor at DESC, checks it (program index, sizes,
// tensor addresses, alignment), loads the program at those sizes (vp_job.h), then runs
// the job's step list (vp_steps.h) on the device's units:
//   - a read DMA channel moves every step's loads in step order, burst by burst;
//   - a unit starts a step once it has issued the previous one, the steps it depends on
//     have ended and its loads are done; the step ends lat_cyc later;
//   - a write DMA channel moves each ended step's stores, in the order steps end;
//   - the job ends when the last store is done: STATUS.DONE, IRQ_STATUS.DONE, CYCLES.
// Values: once every input is in the device's buffer, the core computes the outputs —
// the fixed-point interpreter (C core), or the Verilated RTL (RTL core); a store that
// falls due earlier (only when DMA is slower than compute) waits for them.
// The RTL core has no memory port: its program starts once all loads are done, runs
// clock by clock in simulated time (its own cycles are the compute time), and the
// stores follow; with an ideal memory it takes the same cycles as the C core.
//
// Timing modes: loosely timed (b_transport; every thread runs ahead of simulated time by
// at most the global quantum, tlm_utils::tlm_quantumkeeper), or approximately timed
// (nb_transport with BEGIN_REQ / END_REQ / BEGIN_RESP / END_RESP, up to
// `outstanding` transfers in flight per channel, a step's loads ready when all of theirs
// have answered; threads synchronised at every transfer).
//
// Bad programming is a device error, never a crash: the status register's error code,
// ERR_INFO, IRQ_STATUS.ERROR and an SC_REPORT_WARNING with message type
// "/einsim/accel/CODE"; the simulation continues and the device takes the next START.
#ifndef EINSIM_ACCEL_H
#define EINSIM_ACCEL_H

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <systemc>
#include <tlm>
#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include "systemc/vp_job.h"
}

struct VpRtl;

struct einsim_accel_config {
    std::vector<const VpProgram *> programs;   // the program table (borrowed; same
                                               // architecture; at least one)
    bool at = false;                           // approximately timed DMA
    bool rtl_core = false;                     // values and compute time from the RTL
    std::string rtl_lib;                       // RTL core: the bridge shared object
    std::string rtl_fst;                       // RTL core: waves of the RTL ("" = none)
    unsigned burst_bytes = 64;                 // largest DMA transfer (a power of two)
    unsigned outstanding = 1;                  // AT: DMA transfers in flight per channel
                                               // (LT: each waits for the previous)
};

// What the device measured about its last job (for platform reports and tests).
struct einsim_accel_stats {
    uint64_t cycles = 0;          // START to completion (CYCLES)
    uint64_t ideal = 0;           // the steps' own prediction (every load at cycle 0)
    uint64_t fetch = 0;           // START to the end of the descriptor fetch and checks
    uint64_t compute = 0;         // fetch end to the last step's end
    uint64_t tail = 0;            // last step's end to completion (stores after it)
    uint64_t steps = 0;
    uint64_t rtl_cycles = 0;      // RTL core: the RTL's run length
    uint64_t rtl_tile_mismatch = 0;  // RTL core: tiles whose start/end differ from the
                                     // steps' schedule with every load at cycle 0
    uint64_t read_bytes[EINSIM_MAX_TENSORS] = {}, write_bytes[EINSIM_MAX_TENSORS] = {};
    uint64_t desc_bytes = 0, transfers = 0;
    sc_core::sc_time queued;      // time DMA transfers waited for the memory channel
    sc_core::sc_time start, done; // START write; completion (IRQ raised)
    uint32_t error = 0;           // EinsimErr of the job (0: completed)
};

class einsim_accel : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<einsim_accel> regs;
    tlm_utils::simple_initiator_socket<einsim_accel> dma;
    sc_core::sc_out<bool> irq;

    SC_HAS_PROCESS(einsim_accel);
    einsim_accel(sc_core::sc_module_name name, const einsim_accel_config &cfg);
    ~einsim_accel() override;
    const einsim_accel_stats &stats() const { return stats_; }
    sc_core::sc_time clock_period() const { return period_; }
    // Adds the device's state signals to a trace file: busy, and the phase of the job
    // (0 idle, 1 descriptor, 2 steps, 3 RTL running, 4 stores after the RTL).
    void trace(sc_core::sc_trace_file *tf) const;

private:
    struct Run;
    struct Channel;
    struct DmaSlot;
    einsim_accel_config cfg_;
    sc_core::sc_time period_;
    einsim_accel_stats stats_;
    // registers
    uint32_t irq_en_ = 0, irq_st_ = 0, err_ = 0, cycles_hi_ = 0, jobs_ = 0;
    uint64_t desc_ = 0, cycles_ = 0, err_info_ = 0;
    uint64_t tbase_[EINSIM_MAX_TENSORS] = {}, tsize_[EINSIM_MAX_TENSORS] = {};
    uint64_t tdma_[EINSIM_MAX_TENSORS] = {};
    bool busy_ = false, done_ = false;
    sc_core::sc_event start_ev_, irq_ev_;
    // DMA channels (read, write) and the job being run
    std::unique_ptr<Channel> ch_[2];
    std::unique_ptr<tlm_utils::peq_with_get<uint32_t>> retire_;   // steps, at their end
    Run *run_ = nullptr;
    VpRtl *rtl_ = nullptr;
    uint32_t phase_ = 0;          // traced: see trace()

    void regs_b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
    unsigned regs_dbg(tlm::tlm_generic_payload &t);
    bool reg_read(uint32_t off, uint32_t &v);
    void reg_write(uint32_t off, uint32_t v, const sc_core::sc_time &when);
    tlm::tlm_sync_enum dma_bw(tlm::tlm_generic_payload &t, tlm::tlm_phase &ph,
                              sc_core::sc_time &delay);
    void drive_irq() { irq_ev_.notify(sc_core::SC_ZERO_TIME); }
    void irq_method();
    void error(EinsimErr code, uint64_t info, const std::string &what);
    void control();
    EinsimErr run_job(Run &r);
    bool transfer(int ch, bool write, uint64_t addr, uint8_t *p, uint64_t n, int slot,
                  uint64_t *bad);
    bool xfer(int ch, Run &r, const VpXfer &x);
    void completed(Channel &c, DmaSlot &sl, const sc_core::sc_time &at);
    bool drain(int ch, uint64_t *bad);
    bool finish(int ch, Run &r);
    void dma_failed(int ch, Run &r, uint64_t bad);
    void rd_thread(Run &r);
    void unit_thread(Run &r, uint32_t u);
    void wr_thread(Run &r);
    void rtl_thread(Run &r);
    void compute_values(Run &r);
    sc_core::sc_time at_cycle(const Run &r, uint64_t c) const;
    uint64_t cycle_of(const Run &r, const sc_core::sc_time &t) const;
};

#endif
