// vp_example_two.cpp — einsim-vp-two, the shipped example platform: two einsim_accel
// devices on one memory, as someone would put the device into their own platform.
//
//   host ──┐                 ┌── mem (DRAM: bandwidth from the architecture, or --dram-gibps)
//   accel0.dma ──> router ───┼── accel0.regs at 0x40000000
//   accel1.dma ──┘           └── accel1.regs at 0x40001000
//
// Both devices are built with the same program table (FuseMax attention and a GEMM on
// models/fusemax-8x8.cfg); the host runs the attention on accel0 and the GEMM on accel1,
// each alone, then both at once, and reports how much longer each job took together and
// how much of that its DMA spent waiting for the memory channel behind the other device.
// Values are checked against the fixed-point interpreter after every run.
// usage: einsim-vp-two [--dram-gibps X] [--mode lt|at]. Exit 0, or 3 when a check fails.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "systemc/einsim_accel.h"
#include "systemc/vp_platform.h"

using namespace sc_core;

namespace {

const uint64_t MEM_BYTES = 16u << 20, REG_BASE = 0x40000000;
const Override attn_ov[] = {
    { "workload.batch", "1", 1 }, { "workload.heads", "1", 2 }, { "mapping.partitions.M0", "8", 3 },
    { "workload.seq", "256", 4 }, { "workload.ranks.E", "32", 5 }, { "workload.ranks.F", "32", 6 } };
const Override gemm_ov[] = {
    { "workload.ranks.K", "96", 1 }, { "workload.ranks.M", "64", 2 }, { "workload.ranks.N", "64", 3 } };

struct Job {           // one device's job as the software prepares it
    VpJob job{};
    EinsimJob desc{};
    uint64_t desc_addr = 0;
    std::vector<std::vector<int64_t>> words;   // per slot: inputs, then expected outputs
};

}  // namespace

int sc_main(int argc, char **argv)
{
    double gibps = 0;
    bool at = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dram-gibps") && i + 1 < argc && atof(argv[i + 1]) > 0)
            gibps = atof(argv[++i]);
        else if (!strcmp(argv[i], "--mode") && i + 1 < argc && (!strcmp(argv[i + 1], "lt") || !strcmp(argv[i + 1], "at")))
            at = !strcmp(argv[++i], "at");
        else {
            fprintf(stderr, "usage: einsim-vp-two [--dram-gibps X] [--mode lt|at]\n");
            return 1;
        }
    }
    sc_set_time_resolution(1, SC_FS);
    tlm::tlm_global_quantum::instance().set(sc_time(1, SC_US));

    // The device's programs: the files `einsim run` takes.
    VpProgram prog[2];
    VpProgramSpec spec[2] = {
        { "models/fusemax-8x8.cfg", "workloads/bert.cfg", "mappings/fusemax.cfg", { attn_ov, 6 } },
        { "models/fusemax-8x8.cfg", "workloads/gemm.cfg", "mappings/gemm-os.cfg", { gemm_ov, 3 } } };
    Job job[2];
    Diag d;
    diag_init(&d);
    for (int k = 0; k < 2; k++)
        if (vp_program_init(&prog[k], &spec[k], &d) || vp_job_load(&job[k].job, &prog[k], prog[k].rank, &d)) {
            diag_print(&d, stderr);
            return 1;
        }
    if (gibps <= 0)
        gibps = prog[0].dram_gibps;

    // The platform: memory, router, host, two devices, two interrupt lines.
    vp_memory mem("mem", MEM_BYTES, 0, SC_ZERO_TIME);   // ideal until the host says otherwise
    vp_router bus("bus");
    vp_host host("host", 2);
    einsim_accel_config cfg;
    cfg.programs = { &prog[0], &prog[1] };
    cfg.at = at;
    einsim_accel acc0("accel0", cfg), acc1("accel1", cfg);
    einsim_accel *acc[2] = { &acc0, &acc1 };
    sc_signal<bool> irq[2];
    host.socket.bind(bus.tsock);
    bus.isock.bind(mem.socket);                // router target 0
    bus.map(0, 0, MEM_BYTES);
    for (int k = 0; k < 2; k++) {
        acc[k]->dma.bind(bus.tsock);
        bus.isock.bind(acc[k]->regs);          // router target k + 1
        bus.map(k + 1, REG_BASE + EINSIM_REG_WINDOW * (uint64_t)k, EINSIM_REG_WINDOW);
        acc[k]->irq.bind(irq[k]);
        host.irq[(size_t)k].bind(irq[k]);
    }

    // The software: inputs and expected outputs, then the runs, through the C driver.
    struct Result { uint64_t cycles; einsim_accel_stats st; int bad; };
    Result alone[2] = {}, together[2] = {};
    bool bus_error = false;
    host.program = [&](const EinsimBus *b) {
        EinsimDev dev[2];
        uint64_t at_addr = 0x10000;
        for (int k = 0; k < 2; k++) {
            Job &j = job[k];
            bus_error |= einsim_drv_open(&dev[k], b, REG_BASE + EINSIM_REG_WINDOW * (uint64_t)k, k) != 0;
            j.desc_addr = 0x1000 + 0x100 * (uint64_t)k;
            j.desc.program = (uint32_t)k;
            j.desc.n_tensors = (uint32_t)j.job.n_tensors;
            memcpy(j.desc.rank, prog[k].rank, sizeof j.desc.rank);
            int64_t *pw[EINSIM_MAX_TENSORS];
            j.words.resize((size_t)j.job.n_tensors);
            for (int i = 0; i < j.job.n_tensors; i++) {
                j.desc.addr[i] = at_addr, j.desc.bytes[i] = vp_job_bytes(&j.job, i);
                at_addr += (j.desc.bytes[i] + 4095) / 4096 * 4096;
                j.words[(size_t)i].resize(j.job.t[i].rows * j.job.t[i].cols);
                pw[i] = j.words[(size_t)i].data();
            }
            vp_job_random_inputs(&j.job, 1 + (uint64_t)k, pw);
            bus_error |= vp_job_values(&j.job, pw, pw, &d) != 0;
            for (int i = 0; i < j.job.n_tensors; i++)
                if (!j.job.t[i].output) {
                    std::vector<uint8_t> bytes(j.desc.bytes[i]);
                    vp_pack(&j.job, pw[i], j.words[(size_t)i].size(), bytes.data());
                    bus_error |= b->write_mem(b->ctx, j.desc.addr[i], bytes.data(), bytes.size()) != 0;
                }
        }
        mem.set_timing(gibps * 1073741824.0, SC_ZERO_TIME);
        auto run = [&](std::vector<int> which, Result *out) {
            for (int k : which)
                bus_error |= einsim_drv_submit(&dev[k], job[k].desc_addr, &job[k].desc) != 0;
            for (int k : which) {
                EinsimResult r;
                bus_error |= einsim_drv_wait(&dev[k], &r) != 0;
                out[k] = { r.cycles, acc[k]->stats(), 0 };
                for (int i = 0; i < job[k].job.n_tensors; i++) {   // read back and compare
                    if (!job[k].job.t[i].output)
                        continue;
                    std::vector<uint8_t> bytes(job[k].desc.bytes[i]);
                    std::vector<int64_t> got(job[k].words[(size_t)i].size());
                    bus_error |= b->read_mem(b->ctx, job[k].desc.addr[i], bytes.data(), bytes.size()) != 0;
                    vp_unpack(&job[k].job, bytes.data(), got.size(), got.data());
                    for (size_t e = 0; e < got.size(); e++)
                        out[k].bad += got[e] != job[k].words[(size_t)i][e];
                }
            }
        };
        run({ 0 }, alone);
        run({ 1 }, alone);
        run({ 0, 1 }, together);
    };
    sc_start();

    double bpc = gibps * 1073741824.0 / (prog[0].clock_mhz * 1e6);
    printf("einsim-vp-two: two einsim_accel devices on one memory (%.6g GiB/s = %.4g bytes/cycle), %s\n",
           gibps, bpc, at ? "approximately timed (AT)" : "loosely timed (LT)");
    int fails = bus_error;
    for (int k = 0; k < 2; k++) {
        const Job &j = job[k];
        int64_t extra = (int64_t)together[k].cycles - (int64_t)alone[k].cycles;
        const einsim_accel_stats &a = alone[k].st, &t = together[k].st;
        double waited = (t.queued - a.queued) / acc[k]->clock_period();
        uint64_t bytes = 0;
        for (int i = 0; i < j.job.n_tensors; i++)
            bytes += j.desc.bytes[i];
        printf("  accel%d  %-34s %7" PRIu64 " B of DMA; alone %8" PRIu64 " cycles, together %8" PRIu64
               " (%+" PRId64 ", %+.1f %%)\n", k, prog[k].name, bytes, alone[k].cycles, together[k].cycles,
               extra, 100.0 * (double)extra / (double)alone[k].cycles);
        // The compute is the same alone and together: every extra cycle is DMA.
        printf("          contention: %+" PRId64 " = descriptor fetch %+" PRId64 " + DMA stalls of the steps %+"
               PRId64 " + stores after the last step %+" PRId64 "; its transfers waited %.1f cycles more "
               "for the memory channel behind accel%d; values %s\n",
               extra, (int64_t)t.fetch - (int64_t)a.fetch, (int64_t)t.compute - (int64_t)a.compute,
               (int64_t)t.tail - (int64_t)a.tail, waited, 1 - k,
               alone[k].bad + together[k].bad ? "DIFFER" : "match the interpreter");
        fails += extra <= 0 || alone[k].bad || together[k].bad;
    }
    printf("%s\n", fails ? "FAIL" : "PASS");
    for (int k = 0; k < 2; k++) {
        vp_job_free(&job[k].job);
        vp_program_free(&prog[k]);
    }
    diag_free(&d);
    return fails ? 3 : 0;
}
