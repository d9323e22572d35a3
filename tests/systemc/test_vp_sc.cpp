// test_vp_sc.cpp — the SystemC virtual platform (sim/systemc): einsim_accel's register map
// (reset values, read-only fields, W1C, error codes), every bad-programming case as a
// device error the simulation survives, LT against AT, and the C core against the
// Verilated RTL core on 4x4 and 8x8 arrays (same values, same cycles).
//
// usage: test_vp_sc [--rtl4 LIB.so] [--rtl8 LIB.so]   (the cosim bridges of fusemax-4x4
// and fusemax-8x8; without them the RTL-core checks are skipped and say so).
// One simulation: a host runs every check through the C driver (einsim_drv.h) on
// devices sharing one memory. Ends with "N passed, N failed".
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "systemc/einsim_accel.h"
#include "systemc/vp_platform.h"

#include "check.h"

using namespace sc_core;

namespace {

const uint64_t REG_BASE = 0x40000000, MEM_BYTES = 16u << 20, UNMAPPED = 0x70000000;

const Override attn4_ov[] = {
    { "workload.batch", "1", 1 }, { "workload.heads", "1", 2 }, { "mapping.partitions.M0", "4", 3 },
    { "workload.seq", "64", 4 }, { "workload.ranks.E", "8", 5 }, { "workload.ranks.F", "8", 6 } };
const Override attn8_ov[] = {
    { "workload.batch", "1", 1 }, { "workload.heads", "1", 2 }, { "mapping.partitions.M0", "8", 3 },
    { "workload.seq", "64", 4 }, { "workload.ranks.E", "8", 5 }, { "workload.ranks.F", "8", 6 } };
const Override gemm_ov[] = {
    { "workload.ranks.K", "16", 1 }, { "workload.ranks.M", "12", 2 }, { "workload.ranks.N", "20", 3 } };

struct ProgramFree {
    void operator()(VpProgram *p) const { vp_program_free(p), delete p; }
};
using ProgramPtr = std::unique_ptr<VpProgram, ProgramFree>;

ProgramPtr program(const char *arch, const char *wl, const char *map,
                                   const Override *ov, int n)
{
    ProgramPtr p(new VpProgram);
    Diag d;
    diag_init(&d);
    VpProgramSpec s = { arch, wl, map, { ov, n } };
    if (vp_program_init(p.get(), &s, &d)) {
        diag_print(&d, stderr);
        fprintf(stderr, "test_vp_sc: cannot load %s %s %s\n", arch, wl, map);
        exit(2);
    }
    diag_free(&d);
    return p;
}

// A job as the software prepares it: its descriptor and the values it expects back.
struct HostJob {
    VpJob job{};
    EinsimJob desc{};
    std::vector<std::vector<int64_t>> words;   // per slot: inputs, expected outputs
    ~HostJob() { vp_job_free(&job); }
};

uint64_t next_free = 0x10000;
uint64_t alloc(uint64_t n)
{
    uint64_t a = next_free;
    next_free += (n + 4095) / 4096 * 4096;
    return a;
}

// Loads program p at its own sizes, with seeded inputs and the interpreter's outputs.
std::unique_ptr<HostJob> host_job(const VpProgram *p, uint32_t index, uint64_t seed)
{
    std::unique_ptr<HostJob> h(new HostJob);
    Diag d;
    diag_init(&d);
    if (vp_job_load(&h->job, p, p->rank, &d)) {
        diag_print(&d, stderr);
        exit(2);
    }
    const VpJob &j = h->job;
    h->desc.program = index;
    h->desc.n_tensors = (uint32_t)j.n_tensors;
    memcpy(h->desc.rank, p->rank, sizeof h->desc.rank);
    int64_t *pw[EINSIM_MAX_TENSORS];
    h->words.resize((size_t)j.n_tensors);
    for (int i = 0; i < j.n_tensors; i++) {
        h->desc.bytes[i] = vp_job_bytes(&j, i);
        h->desc.addr[i] = alloc(h->desc.bytes[i]);
        h->words[(size_t)i].resize(j.t[i].rows * j.t[i].cols);
        pw[i] = h->words[(size_t)i].data();
    }
    vp_job_random_inputs(&j, seed, pw);
    if (vp_job_values(&j, pw, pw, &d)) {
        diag_print(&d, stderr);
        exit(2);
    }
    diag_free(&d);
    return h;
}

struct JobOutcome {
    int rc;               // einsim_drv_wait's return
    EinsimResult res;
    int value_errors;
};

struct Platform {
    const EinsimBus *b = nullptr;
    std::vector<einsim_accel *> acc;
    std::vector<sc_signal<bool> *> irq;
    std::vector<EinsimDev> dev;
    vp_memory *mem = nullptr;

    void put(const HostJob &h)
    {
        for (int i = 0; i < h.job.n_tensors; i++) {
            std::vector<uint8_t> bytes(h.desc.bytes[i], 0xa5);   // outputs start as junk
            if (!h.job.t[i].output)
                vp_pack(&h.job, h.words[(size_t)i].data(), h.words[(size_t)i].size(), bytes.data());
            CHECK(b->write_mem(b->ctx, h.desc.addr[i], bytes.data(), bytes.size()) == 0);
        }
    }
    int value_errors(const HostJob &h)
    {
        int bad = 0;
        for (int i = 0; i < h.job.n_tensors; i++) {
            if (!h.job.t[i].output)
                continue;
            std::vector<uint8_t> bytes(h.desc.bytes[i]);
            std::vector<int64_t> got(h.words[(size_t)i].size());
            CHECK(b->read_mem(b->ctx, h.desc.addr[i], bytes.data(), bytes.size()) == 0);
            vp_unpack(&h.job, bytes.data(), got.size(), got.data());
            for (size_t e = 0; e < got.size(); e++)
                bad += got[e] != h.words[(size_t)i][e];
        }
        return bad;
    }
    // Submits desc (at desc_addr; nullptr: the descriptor is already in memory, or
    // nowhere) to device k and waits for its interrupt.
    JobOutcome run(int k, const HostJob &h, const EinsimJob *desc, uint64_t desc_addr = 0x1000)
    {
        put(h);
        JobOutcome o{};
        if (desc) {
            CHECK(einsim_drv_submit(&dev[(size_t)k], desc_addr, desc) == 0);
        } else {
            wr(k, EINSIM_REG_DESC_LO, (uint32_t)desc_addr);
            wr(k, EINSIM_REG_DESC_HI, (uint32_t)(desc_addr >> 32));
            wr(k, EINSIM_REG_CTRL, EINSIM_CTRL_START);
        }
        o.rc = einsim_drv_wait(&dev[(size_t)k], &o.res);
        o.value_errors = value_errors(h);
        return o;
    }
    uint32_t rd(int k, uint32_t off)
    {
        uint32_t v = 0xdeadbeef;
        CHECK(einsim_drv_read(&dev[(size_t)k], off, &v) == 0);
        return v;
    }
    void wr(int k, uint32_t off, uint32_t v) { CHECK(einsim_drv_write(&dev[(size_t)k], off, v) == 0); }
};

int warnings(const char *code)
{
    return sc_report_handler::get_count((std::string("/einsim/accel/") + code).c_str());
}

// ---- register map -------------------------------------------------------------------

void check_registers(Platform &P)
{
    // Reset values (device 0 is untouched: opened without the driver).
    const uint32_t ro[] = { EINSIM_REG_ID, EINSIM_REG_VERSION, EINSIM_REG_GEOMETRY, EINSIM_REG_CAPS,
                            EINSIM_REG_STATUS, EINSIM_REG_CYCLES_LO, EINSIM_REG_CYCLES_HI,
                            EINSIM_REG_ERR_INFO_LO, EINSIM_REG_ERR_INFO_HI, EINSIM_REG_JOBS };
    EinsimDev raw{};
    raw.bus = P.b, raw.base = REG_BASE;
    P.dev[0] = raw;
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_ID), EINSIM_ID_VALUE);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_VERSION), EINSIM_VERSION_VALUE);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_GEOMETRY), 4u | 4u << 16);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_CAPS), 2u);                 // two programs, C core
    for (uint32_t off = EINSIM_REG_CTRL; off < EINSIM_REG_END; off += 4)
        if (off != EINSIM_REG_CAPS)
            CHECK_EQ_INT(P.rd(0, off), 0);                       // everything else resets to 0
    CHECK(!P.irq[0]->read());
    // Read-only registers ignore writes (and writing them is no error).
    int before = warnings("ALIGN") + warnings("RANGE");
    std::vector<uint32_t> was;
    for (uint32_t off : ro)
        was.push_back(P.rd(0, off));
    for (uint32_t off : ro)
        P.wr(0, off, 0xffffffffu);
    for (uint32_t i = 0; i < EINSIM_MAX_TENSORS * 4; i++)
        P.wr(0, EINSIM_REG_TENSOR0 + 4 * i, 0xffffffffu);
    for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++)
        CHECK_EQ_INT(P.rd(0, ro[i]), was[i]);
    for (uint32_t i = 0; i < EINSIM_MAX_TENSORS * 4; i++)
        CHECK_EQ_INT(P.rd(0, EINSIM_REG_TENSOR0 + 4 * i), 0);
    P.wr(0, EINSIM_REG_CTRL, 0xfffffffeu);                       // START clear: nothing starts
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_CTRL), 0);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_STATUS), 0);
    CHECK_EQ_INT(warnings("ALIGN") + warnings("RANGE") + warnings("BUSY"), before);
    // Read-write and W1C registers.
    P.wr(0, EINSIM_REG_DESC_LO, 0x12345678u);
    P.wr(0, EINSIM_REG_DESC_HI, 0x9abcdef0u);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_DESC_LO), 0x12345678u);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_DESC_HI), 0x9abcdef0u);
    P.wr(0, EINSIM_REG_IRQ_ENABLE, 0xffffffffu);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_IRQ_ENABLE), EINSIM_IRQ_DONE | EINSIM_IRQ_ERROR);
    P.wr(0, EINSIM_REG_IRQ_STATUS, 0xffffffffu);                 // W1C: cannot set bits
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_IRQ_STATUS), 0);
    CHECK(!P.irq[0]->read());

    // Register access errors: a bus error response and a device error (first one kept).
    struct { uint32_t off; unsigned len; EinsimErr code; } bad[] = {
        { 0x2, 4, EINSIM_ERR_ALIGN },                           // unaligned
        { EINSIM_REG_STATUS, 2, EINSIM_ERR_ALIGN },             // not a 4-byte access
        { EINSIM_REG_END, 4, EINSIM_ERR_RANGE },                // past the map
        { EINSIM_REG_WINDOW - 4, 4, EINSIM_ERR_RANGE } };
    for (auto &c : bad) {
        int n = warnings(einsim_err_name(c.code));
        uint8_t buf[4] = {};
        CHECK(P.b->read_mem(P.b->ctx, REG_BASE + c.off, buf, c.len) != 0);
        uint32_t st = P.rd(0, EINSIM_REG_STATUS);
        CHECK_EQ_INT(st & EINSIM_STATUS_ERROR, EINSIM_STATUS_ERROR);
        CHECK_EQ_INT(EINSIM_STATUS_CODE(st), c.code);
        CHECK_EQ_INT(P.rd(0, EINSIM_REG_ERR_INFO_LO), c.off);
        CHECK_EQ_INT(P.rd(0, EINSIM_REG_IRQ_STATUS), EINSIM_IRQ_ERROR);
        CHECK(P.irq[0]->read());                                 // ERROR is enabled
        CHECK_EQ_INT(warnings(einsim_err_name(c.code)), n + 1);
        // A write error too, before clearing: the first error stays recorded.
        CHECK(P.b->write32(P.b->ctx, REG_BASE + EINSIM_REG_END + 8, 0) != 0);
        CHECK_EQ_INT(EINSIM_STATUS_CODE(P.rd(0, EINSIM_REG_STATUS)), c.code);
        CHECK_EQ_INT(P.rd(0, EINSIM_REG_ERR_INFO_LO), c.off);
        P.wr(0, EINSIM_REG_IRQ_STATUS, EINSIM_IRQ_ERROR);        // acknowledge: cleared
        CHECK_EQ_INT(P.rd(0, EINSIM_REG_STATUS), 0);
        CHECK_EQ_INT(P.rd(0, EINSIM_REG_ERR_INFO_LO), 0);
        wait(SC_ZERO_TIME);
        CHECK(!P.irq[0]->read());
    }
    // A masked error is recorded but does not raise the line.
    P.wr(0, EINSIM_REG_IRQ_ENABLE, EINSIM_IRQ_DONE);
    CHECK(P.b->write32(P.b->ctx, REG_BASE + 0x1, 0) != 0);
    wait(SC_ZERO_TIME);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_IRQ_STATUS), EINSIM_IRQ_ERROR);
    CHECK(!P.irq[0]->read());
    P.wr(0, EINSIM_REG_IRQ_STATUS, EINSIM_IRQ_ERROR);
    P.wr(0, EINSIM_REG_DESC_LO, 0);
    P.wr(0, EINSIM_REG_DESC_HI, 0);
    // The driver opens it: identification, geometry, capabilities, both interrupts.
    CHECK(einsim_drv_open(&P.dev[0], P.b, REG_BASE, 0) == 0);
    CHECK_EQ_INT(P.dev[0].rows, 4);
    CHECK_EQ_INT(P.dev[0].cols, 4);
    CHECK_EQ_INT(P.dev[0].programs, 2);
    CHECK_EQ_INT(P.dev[0].rtl_core, 0);
    CHECK_EQ_INT(P.rd(0, EINSIM_REG_IRQ_ENABLE), EINSIM_IRQ_DONE | EINSIM_IRQ_ERROR);
}

// A good job on device k: values, cycles = the steps' prediction (ideal memory), counters.
void check_good(Platform &P, int k, const HostJob &h, uint32_t jobs_before)
{
    JobOutcome o = P.run(k, h, &h.desc);
    CHECK_EQ_INT(o.rc, 0);
    CHECK_EQ_INT(o.value_errors, 0);
    CHECK_EQ_INT(o.res.cycles, h.job.steps.cycles);
    CHECK_EQ_INT(o.res.status, EINSIM_STATUS_DONE);
    CHECK_EQ_INT(P.rd(k, EINSIM_REG_JOBS), jobs_before + 1);
    for (int i = 0; i < h.job.n_tensors; i++) {
        CHECK_EQ_INT(P.rd(k, EINSIM_REG_TENSOR(i, EINSIM_TENSOR_BASE_LO)), (uint32_t)h.desc.addr[i]);
        CHECK_EQ_INT(P.rd(k, EINSIM_REG_TENSOR(i, EINSIM_TENSOR_SIZE)), h.desc.bytes[i]);
        CHECK_EQ_INT(o.res.dma_bytes[i], h.desc.bytes[i]);       // each tensor moved once
    }
}

// ---- bad programming ----------------------------------------------------------------

void expect_error(Platform &P, int k, const char *what, const HostJob &h, const EinsimJob *desc,
                  EinsimErr code, uint64_t info, uint64_t desc_addr = 0x1000)
{
    int n = warnings(einsim_err_name(code));
    uint32_t jobs = P.rd(k, EINSIM_REG_JOBS);
    JobOutcome o = P.run(k, h, desc, desc_addr);
    if (o.rc != (int)code)
        fprintf(stderr, "  bad programming '%s': got %s, want %s\n", what, einsim_err_name((uint32_t)o.rc),
                einsim_err_name(code));
    CHECK_EQ_INT(o.rc, code);
    CHECK_EQ_INT(o.res.error_info, info);
    CHECK_EQ_INT(warnings(einsim_err_name(code)), n + 1);
    CHECK_EQ_INT(P.rd(k, EINSIM_REG_STATUS), 0);                 // idle, acknowledged
    CHECK_EQ_INT(P.rd(k, EINSIM_REG_JOBS), jobs);
}

// Every bad-programming case on device k, each a device error the device survives.
void check_bad_programming(Platform &P, int k, const HostJob &h)
{
    EinsimJob d = h.desc;
    expect_error(P, k, "unaligned descriptor", h, &d, EINSIM_ERR_ALIGN, 0x1004, 0x1004);
    expect_error(P, k, "descriptor at an unmapped address", h, nullptr, EINSIM_ERR_DMA, UNMAPPED,
                 UNMAPPED);
    uint8_t raw[EINSIM_DESC_BYTES];                              // bad magic
    einsim_desc_encode(&h.desc, raw);
    raw[0] ^= 0xff;
    CHECK(P.b->write_mem(P.b->ctx, 0x2000, raw, sizeof raw) == 0);
    expect_error(P, k, "bad magic", h, nullptr, EINSIM_ERR_DESC, 0x2000, 0x2000);
    einsim_desc_encode(&h.desc, raw);                            // bad version
    raw[4] = 9;
    CHECK(P.b->write_mem(P.b->ctx, 0x2000, raw, sizeof raw) == 0);
    expect_error(P, k, "bad version", h, nullptr, EINSIM_ERR_DESC, 0x2000, 0x2000);
    d = h.desc, d.program = 7;
    expect_error(P, k, "program index", h, &d, EINSIM_ERR_DESC, 0x1000);
    d = h.desc, d.rank[1] = 0;
    expect_error(P, k, "a rank of 0", h, &d, EINSIM_ERR_DESC, 0x1000);
    d = h.desc, d.n_tensors = 3;
    expect_error(P, k, "tensor count", h, &d, EINSIM_ERR_DESC, 0x1000);
    d = h.desc, d.bytes[2] -= 2;
    expect_error(P, k, "tensor size", h, &d, EINSIM_ERR_SIZE, h.desc.addr[2]);
    d = h.desc, d.addr[1] += 1;
    expect_error(P, k, "unaligned tensor", h, &d, EINSIM_ERR_ALIGN, h.desc.addr[1] + 1);
    d = h.desc, d.addr[0] = UINT64_MAX - 511;
    expect_error(P, k, "tensor wrapping the address space", h, &d, EINSIM_ERR_RANGE, UINT64_MAX - 511);
    d = h.desc, d.rank[2] = 66;                                  // seq 66: ragged, infeasible
    d.bytes[1] = d.bytes[2] = 66 * 8 * h.job.elem_bytes;
    d.bytes[0] = d.bytes[3] = 66 * 8 * h.job.elem_bytes;
    expect_error(P, k, "infeasible mapping", h, &d, EINSIM_ERR_INFEASIBLE, 0x1000);
    d = h.desc, d.addr[2] = UNMAPPED;                            // V read from nowhere
    expect_error(P, k, "DMA read from an unmapped address", h, &d, EINSIM_ERR_DMA, UNMAPPED);
    d = h.desc, d.addr[3] = UNMAPPED + 0x100;                    // AV written to nowhere
    expect_error(P, k, "DMA write to an unmapped address", h, &d, EINSIM_ERR_DMA, UNMAPPED + 0x100);

    // START while busy: an error now, and the running job still completes correctly.
    int n = warnings("BUSY");
    P.put(h);
    CHECK(einsim_drv_submit(&P.dev[(size_t)k], 0x1000, &h.desc) == 0);
    wait(sc_time(100, SC_NS));
    CHECK_EQ_INT(P.rd(k, EINSIM_REG_STATUS) & EINSIM_STATUS_BUSY, EINSIM_STATUS_BUSY);
    P.wr(k, EINSIM_REG_CTRL, EINSIM_CTRL_START);
    EinsimResult r;
    CHECK_EQ_INT(einsim_drv_wait(&P.dev[(size_t)k], &r), EINSIM_ERR_BUSY);
    CHECK_EQ_INT(r.status & EINSIM_STATUS_BUSY, EINSIM_STATUS_BUSY);
    CHECK_EQ_INT(r.error_info, EINSIM_REG_CTRL);
    CHECK_EQ_INT(warnings("BUSY"), n + 1);
    CHECK_EQ_INT(einsim_drv_wait(&P.dev[(size_t)k], &r), 0);
    CHECK_EQ_INT(r.cycles, h.job.steps.cycles);
    CHECK_EQ_INT(P.value_errors(h), 0);
}

}  // namespace

int sc_main(int argc, char **argv)
{
    std::string rtl4, rtl8;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rtl4")) rtl4 = argv[i + 1];
        else if (!strcmp(argv[i], "--rtl8")) rtl8 = argv[i + 1];
        else {
            fprintf(stderr, "usage: test_vp_sc [--rtl4 LIB.so] [--rtl8 LIB.so]\n");
            return 2;
        }
    }
    sc_set_time_resolution(1, SC_FS);
    tlm::tlm_global_quantum::instance().set(sc_time(1000, SC_NS));
    sc_report_handler::set_actions(SC_WARNING, SC_DISPLAY);      // counted, shown, no abort

    auto attn4 = program("models/fusemax-4x4.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg", attn4_ov, 6);
    auto gemm4 = program("models/fusemax-4x4.cfg", "workloads/gemm.cfg", "mappings/gemm-os.cfg", gemm_ov, 3);
    auto attn8 = program("models/fusemax-8x8.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg", attn8_ov, 6);
    auto gemm8 = program("models/fusemax-8x8.cfg", "workloads/gemm.cfg", "mappings/gemm-ws.cfg", gemm_ov, 3);

    // Devices: 0 C core LT, 1 C core AT (4x4); 2 C core LT (8x8); 3 C core AT with 4 DMA
    // transfers in flight per channel (4x4); then the RTL cores.
    struct Dev { std::vector<const VpProgram *> progs; bool at, rtl; std::string lib; unsigned outstanding; };
    std::vector<Dev> devs = { { { attn4.get(), gemm4.get() }, false, false, "", 1 },
                              { { attn4.get(), gemm4.get() }, true, false, "", 1 },
                              { { attn8.get(), gemm8.get() }, false, false, "", 1 },
                              { { attn4.get(), gemm4.get() }, true, false, "", 4 } };
    int rtl4_dev = -1, rtl8_dev = -1;
    if (!rtl4.empty())
        rtl4_dev = (int)devs.size(), devs.push_back({ { attn4.get(), gemm4.get() }, false, true, rtl4, 1 });
    if (!rtl8.empty())
        rtl8_dev = (int)devs.size(), devs.push_back({ { attn8.get(), gemm8.get() }, true, true, rtl8, 1 });

    vp_memory mem("mem", MEM_BYTES, 0, SC_ZERO_TIME);
    vp_router bus("bus");
    vp_host host("host", (int)devs.size());
    host.socket.bind(bus.tsock);
    bus.isock.bind(mem.socket);
    bus.map(0, 0, MEM_BYTES);
    Platform P;
    P.mem = &mem;
    std::vector<std::unique_ptr<einsim_accel>> acc;
    std::vector<std::unique_ptr<sc_signal<bool>>> irq;
    for (size_t k = 0; k < devs.size(); k++) {
        einsim_accel_config cfg;
        cfg.programs = devs[k].progs;
        cfg.at = devs[k].at;
        cfg.rtl_core = devs[k].rtl;
        cfg.rtl_lib = devs[k].lib;
        cfg.outstanding = devs[k].outstanding;
        acc.emplace_back(new einsim_accel(("accel" + std::to_string(k)).c_str(), cfg));
        irq.emplace_back(new sc_signal<bool>(("irq" + std::to_string(k)).c_str()));
        vp_attach(bus, host, *acc[k], *irq[k], (int)k + 1, (int)k, REG_BASE + EINSIM_REG_WINDOW * k,
                  EINSIM_REG_WINDOW);
        P.acc.push_back(acc[k].get());
        P.irq.push_back(irq[k].get());
    }
    P.dev.resize(devs.size());

    // Jobs: one input set per program (devices running the same program get the same).
    auto ja4 = host_job(attn4.get(), 0, 1), jg4 = host_job(gemm4.get(), 1, 2);
    auto ja8 = host_job(attn8.get(), 0, 3), jg8 = host_job(gemm8.get(), 1, 4);

    bool finished = false;
    host.program = [&](const EinsimBus *b) {
        P.b = b;
        check_registers(P);
        for (size_t k = 1; k < devs.size(); k++)
            CHECK(einsim_drv_open(&P.dev[k], b, REG_BASE + EINSIM_REG_WINDOW * k, (int)k) == 0);
        check_good(P, 0, *ja4, 0);
        check_bad_programming(P, 0, *ja4);
        check_good(P, 0, *jg4, 2);                   // the device still works

        // LT and AT, ideal memory: same values, same cycles.
        check_good(P, 1, *ja4, 0);
        check_good(P, 1, *jg4, 1);
        // On a narrow memory (with latency): same values; cycles within 1 %.
        mem.set_timing(2.0 * 1073741824.0, sc_time(20, SC_NS));
        JobOutcome lt = P.run(0, *ja4, &ja4->desc), at = P.run(1, *ja4, &ja4->desc);
        CHECK_EQ_INT(lt.rc, 0);
        CHECK_EQ_INT(at.rc, 0);
        CHECK_EQ_INT(lt.value_errors + at.value_errors, 0);
        CHECK(lt.res.cycles > ja4->job.steps.cycles);              // DMA costs time
        CHECK_NEAR((double)at.res.cycles / (double)lt.res.cycles, 1.0, 0.01);
        printf("narrow memory (2 GiB/s, 20 ns): attention 4x4 LT %" PRIu64 " cycles, AT %" PRIu64
               " cycles (ideal %" PRIu64 ")\n", lt.res.cycles, at.res.cycles, ja4->job.steps.cycles);
        // AT with 4 transfers in flight per channel: ideal memory, the same cycles; on the
        // narrow memory the same values and bytes, fewer cycles (latency overlapped), yet
        // still slower than the ideal memory; every bad-programming case still a device
        // error, with the transfers in flight drained.
        JobOutcome at4 = P.run(3, *ja4, &ja4->desc);
        CHECK_EQ_INT(at4.rc, 0);
        CHECK_EQ_INT(at4.value_errors, 0);
        CHECK(at4.res.cycles < at.res.cycles);
        CHECK(at4.res.cycles > ja4->job.steps.cycles);
        for (int i = 0; i < ja4->job.n_tensors; i++)
            CHECK_EQ_INT(at4.res.dma_bytes[i], at.res.dma_bytes[i]);
        printf("narrow memory (2 GiB/s, 20 ns): attention 4x4 AT with 4 transfers in flight %" PRIu64
               " cycles\n", at4.res.cycles);
        mem.set_timing(0, SC_ZERO_TIME);
        check_good(P, 3, *ja4, 1);
        check_good(P, 3, *jg4, 2);
        check_bad_programming(P, 3, *ja4);
        check_good(P, 3, *jg4, 4);
        check_good(P, 2, *ja8, 0);
        check_good(P, 2, *jg8, 1);

        // The RTL core: the same values and the same cycles as the C core.
        struct { int dev; const HostJob *h; const char *what; } rtl[] = {
            { rtl4_dev, ja4.get(), "attention 4x4" }, { rtl4_dev, jg4.get(), "GEMM-OS 4x4" },
            { rtl8_dev, ja8.get(), "attention 8x8 (AT)" }, { rtl8_dev, jg8.get(), "GEMM-WS 8x8 (AT)" } };
        for (auto &c : rtl) {
            if (c.dev < 0) {
                printf("skipped: RTL core, %s (no bridge given)\n", c.what);
                continue;
            }
            JobOutcome o = P.run(c.dev, *c.h, &c.h->desc);
            CHECK_EQ_INT(o.rc, 0);
            CHECK_EQ_INT(o.value_errors, 0);
            CHECK_EQ_INT(o.res.cycles, c.h->job.steps.cycles);     // = the C core's (above)
            CHECK_EQ_INT(P.acc[(size_t)c.dev]->stats().rtl_cycles, c.h->job.steps.cycles);
            CHECK_EQ_INT(P.acc[(size_t)c.dev]->stats().rtl_tile_mismatch, 0);
            printf("RTL core, %s: %" PRIu64 " cycles, values %s\n", c.what, o.res.cycles,
                   o.value_errors ? "DIFFER" : "equal");
        }
        finished = true;
    };
    sc_start();
    CHECK(finished);                                 // the host ran every check
    return CHECK_DONE();
}
