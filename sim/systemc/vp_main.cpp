// vp_main.cpp — einsim-vp: the virtual platform (sc_main). A host CPU, a memory with the
// architecture's DRAM bandwidth, a router and one or more einsim_accel devices; the host's
// software drives each device through the C driver (einsim_drv.h).
//
// The software writes seeded inputs, then runs the job:
//   1. on an ideal memory (no DMA time): the accelerator's cycles against the timing
//      source's own prediction (exact) and `einsim run --level cycle` with an ideal
//      memory (within 1 %);
//   2. on the architecture's DRAM, each device alone: the extra cycles split into the
//      descriptor fetch, DMA stalls of the steps and stores after the last step;
//   3. with two or more devices, all at once: each job's cycles against alone, and the
//      time its DMA waited for the memory channel behind the others.
// After every run the results read back from memory are compared word for word with the
// fixed-point interpreter. Exit codes: 0, 1 input error, 2 internal, 3 a value or cycle
// check failed, 4 the job is infeasible at its sizes.
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "systemc/einsim_accel.h"
#include "systemc/vp_platform.h"

using namespace sc_core;

namespace {

const uint64_t REG_BASE = 0x40000000, MEM_BASE = 0;

struct Options {
    const char *arch = nullptr, *workload = nullptr, *mapping = nullptr;
    std::vector<Override> sets;
    std::vector<std::string> set_text;
    bool rtl = false, at = false, ideal_only = false, timing = false;
    std::string lib, waves;
    unsigned accels = 1, burst = 64, outstanding = 1;
    uint64_t seed = 1, mem_mib = 64;
    double quantum_ns = 1000, latency_ns = 0, irq_entry_ns = 0, gibps = -1;
    const char *gibps_text = nullptr;
};

void usage(FILE *f)
{
    fprintf(f,
            "usage: einsim-vp -a ARCH.cfg -w WORKLOAD.cfg -m MAPPING.cfg [--set KEY=VALUE]...\n"
            "                 [--core c|rtl] [--lib BRIDGE.so] [--mode lt|at] [--accels N]\n"
            "                 [--ideal-only 0|1] [--dram-gibps X] [--dram-latency-ns X]\n"
            "                 [--quantum-ns X] [--burst BYTES] [--irq-entry-ns X] [--seed N]\n"
            "                 [--outstanding N] [--memory-mib N] [--waves DIR] [--timing 0|1]\n"
            "Runs the job (the files as for `einsim run`) on the SystemC virtual platform: on\n"
            "an ideal memory, then on the architecture's DRAM (each of --accels devices alone,\n"
            "then all at once), checking values against the fixed-point interpreter and\n"
            "cycles against `einsim run --level cycle`.\n");
}

bool num(const char *s, double &out)
{
    char *e;
    out = strtod(s, &e);
    return *s && !*e && std::isfinite(out) && out >= 0;
}

bool u64(const char *s, uint64_t &out)
{
    if (!*s || *s == '-')
        return false;
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    out = v;
    return !*e && errno == 0;
}

// Returns 0, 1 (error printed) or -1 (help printed).
int parse(int argc, char **argv, Options &o)
{
    o.set_text.reserve((size_t)argc);
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            usage(stdout);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "einsim-vp: error: %s: missing value (or unknown option)\n", a.c_str());
            return 1;
        }
        const char *v = argv[++i];
        double x;
        uint64_t n;
        bool ok = true;
        if (a == "-a") o.arch = v;
        else if (a == "-w") o.workload = v;
        else if (a == "-m") o.mapping = v;
        else if (a == "--set") {
            const char *eq = strchr(v, '=');
            ok = eq && eq != v;
            if (ok) {
                o.set_text.push_back(std::string(v, (size_t)(eq - v)));
                o.sets.push_back({ o.set_text.back().c_str(), eq + 1, (int)o.sets.size() + 1 });
            }
        } else if (a == "--core") { ok = !strcmp(v, "c") || !strcmp(v, "rtl"); o.rtl = !strcmp(v, "rtl"); }
        else if (a == "--mode") { ok = !strcmp(v, "lt") || !strcmp(v, "at"); o.at = !strcmp(v, "at"); }
        else if (a == "--lib") o.lib = v;
        else if (a == "--waves") o.waves = v;
        else if (a == "--ideal-only") { ok = !strcmp(v, "1") || !strcmp(v, "0"); o.ideal_only = *v == '1'; }
        else if (a == "--timing") { ok = !strcmp(v, "1") || !strcmp(v, "0"); o.timing = *v == '1'; }
        else if (a == "--accels") { ok = u64(v, n) && n >= 1 && n <= 8; o.accels = (unsigned)n; }
        else if (a == "--burst") { ok = u64(v, n) && n >= 4 && n <= 4096 && !(n & (n - 1)); o.burst = (unsigned)n; }
        else if (a == "--outstanding") { ok = u64(v, n) && n >= 1 && n <= 64; o.outstanding = (unsigned)n; }
        else if (a == "--seed") ok = u64(v, o.seed);
        else if (a == "--memory-mib") { ok = u64(v, n) && n >= 1 && n <= 4096; o.mem_mib = n; }
        else if (a == "--quantum-ns") { ok = num(v, x) && x > 0; o.quantum_ns = x; }
        else if (a == "--dram-latency-ns") { ok = num(v, x); o.latency_ns = x; }
        else if (a == "--dram-gibps") { ok = num(v, x) && x > 0; o.gibps = x, o.gibps_text = v; }
        else if (a == "--irq-entry-ns") { ok = num(v, x); o.irq_entry_ns = x; }
        else {
            fprintf(stderr, "einsim-vp: error: unknown option %s\n", a.c_str());
            return 1;
        }
        if (!ok) {
            fprintf(stderr, "einsim-vp: error: %s: bad value '%s'\n", a.c_str(), v);
            return 1;
        }
    }
    if (o.outstanding > 1 && !o.at) {
        fprintf(stderr, "einsim-vp: error: --outstanding %u needs --mode at (a loosely timed "
                "transfer waits for the previous one)\n", o.outstanding);
        return 1;
    }
    if (!o.arch || !o.workload || !o.mapping) {
        fprintf(stderr, "einsim-vp: error: -a, -w and -m are required\n");
        usage(stderr);
        return 1;
    }
    return 0;
}

// One device's job as the software sees it: where its tensors live, its inputs and the
// values the interpreter gives.
struct HostJob {
    EinsimDev dev{};
    EinsimJob desc{};
    uint64_t desc_addr = 0;
    std::vector<std::vector<int64_t>> words;   // per slot: inputs, expected outputs
};

struct Run {
    std::string what;
    int accel;
    EinsimResult res;
    einsim_accel_stats st;
    int value_errors;
    uint64_t compared;
    sc_time returned;        // when the driver's wait returned
};

double ns(const sc_time &t) { return t.to_seconds() * 1e9; }

}  // namespace

int sc_main(int argc, char **argv)
{
    Options o;
    int prc = parse(argc, argv, o);
    if (prc)
        return prc < 0 ? 0 : 1;
    sc_set_time_resolution(1, SC_FS);
    tlm::tlm_global_quantum::instance().set(sc_time(o.quantum_ns, SC_NS));

    VpProgramSpec spec = { o.arch, o.workload, o.mapping, { o.sets.data(), (int)o.sets.size() } };
    VpProgram prog;
    Diag d;
    diag_init(&d);
    if (vp_program_init(&prog, &spec, &d)) {
        diag_print(&d, stderr);
        diag_free(&d);
        return 1;
    }
    VpJob job;
    EinsimErr je = vp_job_load(&job, &prog, prog.rank, &d);
    uint64_t eng_ideal = 0, eng_dram = 0;
    if (je || vp_engine_cycles(&prog, prog.rank, VP_IDEAL_GIBPS, &eng_ideal, &d) ||
        vp_engine_cycles(&prog, prog.rank, o.gibps > 0 ? o.gibps_text : nullptr, &eng_dram, &d)) {
        diag_print(&d, stderr);
        diag_free(&d);
        vp_program_free(&prog);
        return je == EINSIM_ERR_INFEASIBLE ? 4 : 1;
    }
    diag_free(&d);
    std::string arch_base = o.arch;
    arch_base = arch_base.substr(arch_base.rfind('/') + 1);
    arch_base = arch_base.substr(0, arch_base.rfind('.'));
    if (o.rtl && o.lib.empty())
        o.lib = "build/cosim/" + arch_base + "/normal/libeinsim_cosim.so";
    double gibps = o.gibps > 0 ? o.gibps : prog.dram_gibps;
    double bps = gibps * 1073741824.0;
    sc_time latency(o.latency_ns, SC_NS);

    // Memory layout: descriptors at 0x1000, each device's tensors in its own region.
    uint64_t region = 0;
    for (int i = 0; i < job.n_tensors; i++)
        region += (vp_job_bytes(&job, i) + 4095) / 4096 * 4096;
    uint64_t mem_bytes = o.mem_mib << 20;
    if (0x10000 + region * o.accels > mem_bytes) {
        fprintf(stderr, "einsim-vp: error: the tensors need %" PRIu64 " bytes; raise --memory-mib\n",
                0x10000 + region * o.accels);
        vp_job_free(&job);
        vp_program_free(&prog);
        return 1;
    }

    // The platform.
    vp_memory mem("mem", mem_bytes, 0, SC_ZERO_TIME);
    vp_router bus("bus");
    vp_host host("host", (int)o.accels);
    host.irq_entry = sc_time(o.irq_entry_ns, SC_NS);
    einsim_accel_config cfg;
    cfg.programs = { &prog };
    cfg.at = o.at;
    cfg.rtl_core = o.rtl;
    cfg.rtl_lib = o.lib;
    cfg.burst_bytes = o.burst;
    cfg.outstanding = o.outstanding;
    std::error_code ec;
    if (!o.waves.empty() && !std::filesystem::create_directories(o.waves, ec) && ec) {
        fprintf(stderr, "%s: error: cannot create the waves directory\n", o.waves.c_str());
        return 1;
    }
    std::vector<std::unique_ptr<einsim_accel>> acc;
    std::vector<std::unique_ptr<sc_signal<bool>>> irq;
    host.socket.bind(bus.tsock);
    bus.isock.bind(mem.socket);
    bus.map(0, MEM_BASE, mem_bytes);
    for (unsigned k = 0; k < o.accels; k++) {
        if (o.rtl && !o.waves.empty())
            cfg.rtl_fst = o.waves + "/rtl" + (o.accels > 1 ? std::to_string(k) : "") + ".fst";
        acc.emplace_back(new einsim_accel(("accel" + std::to_string(k)).c_str(), cfg));
        irq.emplace_back(new sc_signal<bool>(("irq" + std::to_string(k)).c_str()));
        vp_attach(bus, host, *acc[k], *irq[k], (int)k + 1, (int)k, REG_BASE + 0x1000 * k,
                  EINSIM_REG_WINDOW);
    }
    sc_trace_file *tf = nullptr;
    if (!o.waves.empty()) {
        tf = sc_create_vcd_trace_file((o.waves + "/platform").c_str());
        tf->set_time_unit(1, SC_FS);
        for (unsigned k = 0; k < o.accels; k++) {
            acc[k]->trace(tf);
            sc_trace(tf, *irq[k], "irq" + std::to_string(k));
        }
    }

    // The software's data: seeded inputs and the interpreter's outputs, prepared before
    // the simulation (the platform's speed counts the platform, not this reference).
    std::vector<HostJob> hj(o.accels);
    std::vector<Run> runs;
    bool io_error = false;
    for (unsigned k = 0; k < o.accels; k++) {
        HostJob &h = hj[k];
        h.desc_addr = 0x1000 + 0x100 * k;
        h.desc.program = 0;
        h.desc.n_tensors = (uint32_t)job.n_tensors;
        memcpy(h.desc.rank, prog.rank, sizeof h.desc.rank);
        uint64_t at = 0x10000 + region * k;
        h.words.resize((size_t)job.n_tensors);
        int64_t *pw[EINSIM_MAX_TENSORS];
        for (int i = 0; i < job.n_tensors; i++) {
            h.desc.addr[i] = at, h.desc.bytes[i] = vp_job_bytes(&job, i);
            at += (h.desc.bytes[i] + 4095) / 4096 * 4096;
            h.words[(size_t)i].resize(job.t[i].rows * job.t[i].cols);
            pw[i] = h.words[(size_t)i].data();
        }
        vp_job_random_inputs(&job, o.seed + k, pw);
        Diag dv;
        diag_init(&dv);
        io_error |= vp_job_values(&job, pw, pw, &dv) != 0;
        diag_free(&dv);
    }
    // The software.
    host.program = [&](const EinsimBus *b) {
        for (unsigned k = 0; k < o.accels; k++) {
            HostJob &h = hj[k];
            if (einsim_drv_open(&h.dev, b, REG_BASE + 0x1000 * k, (int)k)) {
                io_error = true;
                return;
            }
            for (int i = 0; i < job.n_tensors; i++)
                if (!job.t[i].output) {
                    std::vector<uint8_t> bytes(h.desc.bytes[i]);
                    vp_pack(&job, h.words[(size_t)i].data(), h.words[(size_t)i].size(), bytes.data());
                    io_error |= b->write_mem(b->ctx, h.desc.addr[i], bytes.data(), bytes.size()) != 0;
                }
        }
        // Runs devices `which` at once, then checks what each wrote.
        auto run = [&](const std::string &what, const std::vector<unsigned> &which) {
            for (unsigned k : which) {
                HostJob &h = hj[k];
                for (int i = 0; i < job.n_tensors; i++)   // outputs start as garbage
                    if (job.t[i].output) {
                        std::vector<uint8_t> junk(h.desc.bytes[i], 0xa5);
                        io_error |= b->write_mem(b->ctx, h.desc.addr[i], junk.data(), junk.size()) != 0;
                    }
            }
            for (unsigned k : which)
                io_error |= einsim_drv_submit(&hj[k].dev, hj[k].desc_addr, &hj[k].desc) != 0;
            size_t first = runs.size();
            for (unsigned k : which) {
                Run r{ what, (int)k, {}, {}, 0, 0, SC_ZERO_TIME };
                io_error |= einsim_drv_wait(&hj[k].dev, &r.res) < 0;
                r.returned = sc_time_stamp();
                r.st = acc[k]->stats();
                runs.push_back(r);
            }
            for (size_t n = first; n < runs.size(); n++) {
                Run &r = runs[n];
                HostJob &h = hj[(size_t)r.accel];
                for (int i = 0; i < job.n_tensors; i++) {
                    if (!job.t[i].output)
                        continue;
                    std::vector<uint8_t> bytes(h.desc.bytes[i]);
                    std::vector<int64_t> got(h.words[(size_t)i].size());
                    io_error |= b->read_mem(b->ctx, h.desc.addr[i], bytes.data(), bytes.size()) != 0;
                    vp_unpack(&job, bytes.data(), got.size(), got.data());
                    for (size_t e = 0; e < got.size(); e++)
                        r.value_errors += got[e] != h.words[(size_t)i][e];
                    r.compared += got.size();
                }
            }
        };
        run("ideal memory", { 0 });
        if (o.ideal_only)
            return;
        mem.set_timing(bps, latency);
        for (unsigned k = 0; k < o.accels; k++)
            run("DRAM, alone", { k });
        if (o.accels > 1) {
            std::vector<unsigned> all;
            for (unsigned k = 0; k < o.accels; k++)
                all.push_back(k);
            run("DRAM, together", all);
        }
    };

    auto w0 = std::chrono::steady_clock::now();
    try {
        sc_start();
    } catch (const std::exception &e) {
        fprintf(stderr, "einsim-vp: internal error: %s\n", e.what());
        return 2;
    }
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    if (tf)
        sc_close_vcd_trace_file(tf);

    // The report.
    int fails = 0;
    const char *core = o.rtl ? "RTL core (Verilated)" : "C core (fixed-point interpreter)";
    std::string sizes;
    for (int i = 0; i < prog.n_ranks; i++)
        sizes += std::string(i ? " " : "") + vp_rank_name(prog.kind, i) + "=" + std::to_string(prog.rank[i]);
    printf("einsim-vp: %s, %s %s; %s, %s, %u device%s\n", prog.name,
           prog.kind == VP_GEMM ? "GEMM" : "attention", sizes.c_str(), core,
           o.at ? "approximately timed (AT)" : "loosely timed (LT)", o.accels, o.accels > 1 ? "s" : "");
    printf("  timing source      : %s, %u steps on %u unit%s, %" PRIu64 " cycles with every load ready\n",
           job.steps.source, job.steps.n_step, job.steps.n_unit, job.steps.n_unit > 1 ? "s" : "",
           job.steps.cycles);
    printf("  memory             : level %s, %.6g GiB/s = %.4g bytes/cycle at %.6g MHz, latency %.6g ns; "
           "DMA bursts of %u bytes, %u in flight per channel\n", prog.dram, gibps,
           bps / (prog.clock_mhz * 1e6), prog.clock_mhz, o.latency_ns, o.burst, o.at ? o.outstanding : 1);
    printf("  simulated time     : %.3f us (the host writes the inputs, then runs and checks every job)\n",
           sc_time_stamp().to_seconds() * 1e6);
    if (io_error) {
        printf("  FAIL: the host's bus accesses failed\n");
        fails++;
    }
    sc_time period = acc[0]->clock_period();
    uint64_t alone[8] = {}, total_cycles = 0;
    einsim_accel_stats st_alone[8];
    for (const Run &r : runs) {
        const einsim_accel_stats &s = r.st;
        total_cycles += s.cycles;
        printf("\n  %s%s\n", r.what.c_str(), o.accels > 1 ? (", accel" + std::to_string(r.accel)).c_str() : "");
        if (r.res.error) {
            printf("    FAIL: device error %s (info 0x%" PRIx64 ")\n", einsim_err_name(r.res.error), r.res.error_info);
            fails++;
            continue;
        }
        printf("    accelerator cycles : %" PRIu64 " (START to interrupt, CYCLES register); simulated %.3f ns\n",
               r.res.cycles, ns(s.done - s.start));
        printf("      = descriptor %" PRIu64 " + steps %" PRIu64 " (%" PRIu64 " with every load ready; DMA stalls %" PRId64
               ") + stores after the last step %" PRIu64 "\n", s.fetch, s.compute, s.ideal,
               (int64_t)s.compute - (int64_t)s.ideal, s.tail);
        if (o.rtl)
            printf("    RTL                : %" PRIu64 " cycles, %" PRIu64 " tiles off the steps' schedule\n",
                   s.rtl_cycles, s.rtl_tile_mismatch);
        std::string dma;
        for (int i = 0; i < job.n_tensors; i++)
            dma += std::string(i ? ", " : "") + job.t[i].name + " " +
                   std::to_string(job.t[i].output ? s.write_bytes[i] : s.read_bytes[i]) +
                   (job.t[i].output ? " written" : " read");
        printf("    DMA bytes          : %s; descriptor %" PRIu64 " read; %" PRIu64 " transfers, %.3f ns "
               "waiting for the memory channel\n", dma.c_str(), s.desc_bytes, s.transfers, ns(s.queued));
        printf("    interrupt          : raised at completion, %.3f ns after START; the driver's wait "
               "returned %.3f ns later (ISR entry %.6g ns, status and counter reads, acknowledge)\n",
               ns(s.done - s.start), ns(r.returned - s.done), o.irq_entry_ns);
        printf("    values             : %" PRIu64 " output words, %d differ from the fixed-point interpreter\n",
               r.compared, r.value_errors);
        if (r.value_errors) {
            printf("    FAIL: values differ\n");
            fails++;
        }
        if (o.rtl && s.rtl_tile_mismatch) {
            printf("    FAIL: RTL tiles differ from the steps' schedule\n");
            fails++;
        }
        if (r.what == "ideal memory") {
            double pct = 100.0 * ((double)r.res.cycles - (double)eng_ideal) / (double)eng_ideal;
            printf("    check              : %" PRIu64 " cycles = timing source %" PRIu64 " %s; "
                   "einsim run --level cycle --set arch.%s.bandwidth_gibps=%s: %" PRIu64 " (%+.3f %%, %s 1 %%)\n",
                   r.res.cycles, job.steps.cycles, r.res.cycles == job.steps.cycles ? "(exact)" : "(DIFFERS)",
                   prog.dram, VP_IDEAL_GIBPS, eng_ideal, pct, std::fabs(pct) <= 1.0 ? "within" : "NOT within");
            if (r.res.cycles != job.steps.cycles || std::fabs(pct) > 1.0) {
                printf("    FAIL: cycles\n");
                fails++;
            }
        } else if (r.what == "DRAM, alone") {
            alone[r.accel] = r.res.cycles;
            st_alone[r.accel] = s;
            printf("    against ideal      : %+" PRId64 " cycles, all DMA (descriptor %" PRIu64 ", stalls %" PRId64
                   ", stores after the last step %" PRIu64 "); einsim run --level cycle at this bandwidth: %"
                   PRIu64 "\n",
                   (int64_t)r.res.cycles - (int64_t)s.ideal, s.fetch, (int64_t)s.compute - (int64_t)s.ideal,
                   s.tail, eng_dram);
        } else {
            int64_t extra = (int64_t)r.res.cycles - (int64_t)alone[r.accel];
            const einsim_accel_stats &a = st_alone[r.accel];
            printf("    against alone      : %+" PRId64 " cycles (%+.1f %%) = descriptor %+" PRId64 " + DMA stalls %+"
                   PRId64 " + stores after the last step %+" PRId64 "; its DMA waited %+.3f ns more for the "
                   "memory channel (%.1f cycles)\n", extra, 100.0 * (double)extra / (double)alone[r.accel],
                   (int64_t)s.fetch - (int64_t)a.fetch, (int64_t)s.compute - (int64_t)a.compute,
                   (int64_t)s.tail - (int64_t)a.tail, ns(s.queued - a.queued), (s.queued - a.queued) / period);
            if (extra <= 0) {
                printf("    FAIL: not slower than alone\n");
                fails++;
            }
        }
    }
    if (o.timing)
        printf("\n  timing             : %" PRIu64 " accelerator cycles in %.3f s = %.0f cycles/s\n",
               total_cycles, wall, wall > 0 ? (double)total_cycles / wall : 0);
    printf("%s\n", fails ? "FAIL" : "PASS");
    vp_job_free(&job);
    vp_program_free(&prog);
    return fails ? 3 : 0;
}
