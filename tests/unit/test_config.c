/* test_config.c — unit tests of the config module (sim/config/).
 *
 * Loads every shipped architecture, energy table, workload and mapping and checks the
 * published values; round-trips every effective_cfg (write, load again, compare the
 * specs and the text); applies --set overrides and checks both results and errors;
 * checks the libconfig pitfalls (32-bit truncation, include paths, string lines); and
 * loads every tests/bad files without an "# args:" line, expecting failure and, for the
 * config module's own entries (expectations starting with "tests/bad/"), its message.
 * Run from the repository root. Temporary files go to a fresh mkdtemp folder. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cascade/cascade.h"
#include "check.h"
#include "config/config.h"
#include "util/util.h"

#define DATA "tests/unit/data/config/"

static char tmpdir[64];

/* Prints a Diag into a new string (owned by the caller). */
static char *diag_text(const Diag *d)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    diag_print(d, f);
    fclose(f);
    return s;
}

/* Writes `text` to a new file in the temp folder; returns its path (caller frees). */
static char *write_tmp(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static Overrides ovs(const Override *v, int n) { return (Overrides){ v, n }; }

/* ---- comparisons (values only; paths and locations differ after a round trip) ---- */

static void same_energy(const EnergySpec *a, const EnergySpec *b)
{
    CHECK_STR(a->name, b->name);
    CHECK_STR(a->source, b->source);
    CHECK_EQ_INT(a->n_entries, b->n_entries);
    for (int i = 0; i < a->n_entries && i < b->n_entries; i++) {
        CHECK_STR(a->entries[i].cls, b->entries[i].cls);
        CHECK_STR(a->entries[i].action, b->entries[i].action);
        CHECK(a->entries[i].pj == b->entries[i].pj);
        CHECK_EQ_INT(a->entries[i].bits, b->entries[i].bits);
    }
}

static void same_arch(const ArchSpec *a, const ArchSpec *b)
{
    CHECK_STR(a->name, b->name);
    CHECK(a->clock_mhz == b->clock_mhz);
    CHECK(memcmp(&a->arith, &b->arith, sizeof a->arith) == 0);
    CHECK_EQ_INT(a->n_units, b->n_units);
    for (int i = 0; i < a->n_units && i < b->n_units; i++) {
        const ComputeUnitSpec *x = &a->units[i], *y = &b->units[i];
        CHECK_STR(x->name, y->name);
        CHECK_STR(x->energy_class, y->energy_class);
        CHECK_EQ_INT(x->rows, y->rows);
        CHECK_EQ_INT(x->cols, y->cols);
        CHECK_EQ_INT(x->reg_words, y->reg_words);
        CHECK(memcmp(x->op_cycles, y->op_cycles, sizeof x->op_cycles) == 0);
    }
    CHECK_EQ_INT(a->n_levels, b->n_levels);
    for (int i = 0; i < a->n_levels && i < b->n_levels; i++) {
        const StorageSpec *x = &a->levels[i], *y = &b->levels[i];
        CHECK_STR(x->name, y->name);
        CHECK_STR(x->energy_class, y->energy_class);
        CHECK_EQ_INT(x->cls, y->cls);
        CHECK(x->size_bytes == y->size_bytes);
        CHECK_EQ_INT(x->width_bits, y->width_bits);
        CHECK_EQ_INT(x->banks, y->banks);
        CHECK_EQ_INT(x->instances, y->instances);
        CHECK(x->bandwidth_gibps == y->bandwidth_gibps);
    }
    same_energy(&a->energy, &b->energy);
}

static void same_ranks(const RankSize *a, int na, const RankSize *b, int nb)
{
    CHECK_EQ_INT(na, nb);
    for (int i = 0; i < na && i < nb; i++) {
        CHECK_STR(a[i].name, b[i].name);
        CHECK(a[i].size == b[i].size);
    }
}

static void same_workload(const WorkloadSpec *a, const WorkloadSpec *b)
{
    CHECK_STR(a->name, b->name);
    CHECK_STR(a->kind, b->kind);
    CHECK(a->batch == b->batch);
    CHECK(a->heads == b->heads);
    CHECK_EQ_INT(a->dtype_bits, b->dtype_bits);
    same_ranks(a->ranks, a->n_ranks, b->ranks, b->n_ranks);
}

static void same_mapping(const MappingSpec *a, const MappingSpec *b)
{
    CHECK_STR(a->name, b->name);
    same_ranks(a->partitions, a->n_partitions, b->partitions, b->n_partitions);
    CHECK_EQ_INT(a->n_bindings, b->n_bindings);
    for (int i = 0; i < a->n_bindings && i < b->n_bindings; i++) {
        CHECK_STR(a->bindings[i].einsum, b->bindings[i].einsum);
        CHECK_STR(a->bindings[i].unit, b->bindings[i].unit);
        for (int o = 0; o < OP__COUNT; o++)
            CHECK_EQ_INT(a->bindings[i].cost[o], b->bindings[i].cost[o]);
    }
    CHECK_EQ_INT(a->ragged, b->ragged);
    CHECK_EQ_INT(a->n_spatial, b->n_spatial);
    for (int i = 0; i < a->n_spatial && i < b->n_spatial; i++) {
        CHECK_STR(a->spatial[i].unit, b->spatial[i].unit);
        CHECK(!a->spatial[i].rows == !b->spatial[i].rows);
        CHECK(!a->spatial[i].cols == !b->spatial[i].cols);
    }
    CHECK_EQ_INT(a->n_groups, b->n_groups);
    for (int g = 0; g < a->n_groups && g < b->n_groups; g++) {
        const GroupSpec *x = &a->groups[g], *y = &b->groups[g];
        CHECK_STR(x->name, y->name);
        CHECK_EQ_INT(x->n_stages, y->n_stages);
        for (int k = 0; k < x->n_stages && k < y->n_stages; k++) {
            CHECK_EQ_INT(x->stages[k].n_einsums, y->stages[k].n_einsums);
            for (int j = 0; j < x->stages[k].n_einsums && j < y->stages[k].n_einsums; j++)
                CHECK_STR(x->stages[k].einsums[j], y->stages[k].einsums[j]);
        }
        CHECK(!x->loop_rank == !y->loop_rank);
        CHECK_EQ_INT(x->loop_granule, y->loop_granule);
        CHECK_EQ_INT(x->n_resident, y->n_resident);
        CHECK_EQ_INT(x->n_streamed, y->n_streamed);
        CHECK_EQ_INT(x->n_spill, y->n_spill);
        CHECK_EQ_INT(x->pipelined, y->pipelined);
    }
}

/* ---- round trips: effective_cfg loads back to the same spec and the same text ---- */

static void roundtrip_arch(const ArchSpec *a)
{
    Diag d;
    diag_init(&d);
    char *p = write_tmp("arch.cfg", a->effective_cfg);
    ArchSpec *b = NULL;
    CHECK_EQ_INT(config_load_arch(p, NULL, &d, &b), 0);
    if (b) {
        same_arch(a, b);
        CHECK_STR(b->effective_cfg, a->effective_cfg);
        CHECK_STR(b->energy.effective_cfg, a->energy.effective_cfg);
    }
    if (diag_count(&d))
        diag_print(&d, stderr);
    arch_free(b);
    diag_free(&d);
    free(p);
}

static void roundtrip_workload(const WorkloadSpec *w)
{
    Diag d;
    diag_init(&d);
    char *p = write_tmp("workload.cfg", w->effective_cfg);
    WorkloadSpec *b = NULL;
    CHECK_EQ_INT(config_load_workload(p, NULL, &d, &b), 0);
    if (b) {
        same_workload(w, b);
        CHECK_STR(b->effective_cfg, w->effective_cfg);
    }
    if (diag_count(&d))
        diag_print(&d, stderr);
    workload_free(b);
    diag_free(&d);
    free(p);
}

/* The mapping round trip also checks that the inlined cascade is the same cascade. */
static void roundtrip_mapping(const MappingSpec *m)
{
    Diag d;
    diag_init(&d);
    char *p = write_tmp("mapping.cfg", m->effective_cfg);
    MappingSpec *b = NULL;
    CHECK_EQ_INT(config_load_mapping(p, NULL, &d, &b), 0);
    if (b) {
        same_mapping(m, b);
        CHECK_STR(b->effective_cfg, m->effective_cfg);
        CHECK_STR(b->cascade_path, p);
        Cascade *c1 = NULL, *c2 = NULL;
        CHECK_EQ_INT(cascade_load(m->cascade_path, NULL, &d, &c1), 0);
        CHECK_EQ_INT(cascade_load(b->cascade_path, NULL, &d, &c2), 0);
        if (c1 && c2) {
            CHECK_STR(c1->name, c2->name);
            CHECK_EQ_INT(c1->n_einsums, c2->n_einsums);
            for (int i = 0; i < c1->n_einsums && i < c2->n_einsums; i++)
                CHECK_STR(c1->einsums[i].text, c2->einsums[i].text);
        }
        cascade_free(c1);
        cascade_free(c2);
    }
    if (diag_count(&d))
        diag_print(&d, stderr);
    mapping_free(b);
    diag_free(&d);
    free(p);
}

/* ---- shipped inputs ------------------------------------------------------------------ */

static void check_energy_table(const EnergySpec *e)
{
    double pj = 0;
    uint32_t bits = 99;
    CHECK_STR(e->name, "45nm");
    CHECK(energy_lookup(e, "pe2d", "mac", &pj, &bits));
    CHECK(pj == 17.1645);
    CHECK_EQ_INT(bits, 0);
    CHECK(energy_lookup(e, "pe2d", "max", &pj, NULL) && pj == 0.028036);
    CHECK(energy_lookup(e, "pe2d", "reg_read", &pj, NULL) && pj == 0.3109);
    CHECK(energy_lookup(e, "pe1d", "div", &pj, NULL) && pj == 36.251153);
    CHECK(!energy_lookup(e, "pe1d", "exp", &pj, NULL));
    CHECK(energy_lookup(e, "pe1d_exp", "exp", &pj, NULL) && pj == 94.6475);
    CHECK(energy_lookup(e, "pe1d_exp", "div", &pj, NULL) && pj == 36.251153);
    CHECK(energy_lookup(e, "hbm2", "read", &pj, &bits) && pj == 249.6 && bits == 64);
    /* the global buffer is priced per capacity: exact at a priced size, interpolated in
     * log2(size) between two, clamped beyond the largest */
    CHECK(energy_lookup_sized(e, "glb", "write", 16384u * 1024, &pj, &bits) && pj == 15751.4 &&
          bits == 4096);
    double lo = 0, hi = 0;
    CHECK(energy_lookup_sized(e, "glb", "read", 128u * 1024, &lo, NULL) && lo == 1610.7);
    CHECK(energy_lookup_sized(e, "glb", "read", 256u * 1024, &hi, NULL) && hi == 1652.6);
    CHECK(energy_lookup_sized(e, "glb", "read", 181u * 1024, &pj, NULL) && pj > lo && pj < hi);
    CHECK(energy_lookup_sized(e, "glb", "read", 64u * 1024, &pj, NULL) && pj == lo);
    CHECK(energy_lookup(e, "rf1d", "read", &pj, &bits) && pj == 0.6534 && bits == 16);
    CHECK(!energy_lookup(e, "nope", "read", NULL, NULL));
}

static void test_shipped_arch(void)
{
    Diag d;
    diag_init(&d);
    ArchSpec *a = NULL;
    CHECK_EQ_INT(config_load_arch("models/fusemax.cfg", NULL, &d, &a), 0);
    if (a) {
        CHECK_STR(a->name, "fusemax");
        CHECK_STR(a->path, "models/fusemax.cfg");
        CHECK(a->clock_mhz == 940.0);
        CHECK_EQ_INT(a->arith.word_bits, 16);
        CHECK_EQ_INT(a->arith.frac_bits, 8);
        CHECK_EQ_INT(a->arith.acc_bits, 32);
        CHECK_EQ_INT(a->arith.exp_terms, 5);
        CHECK_EQ_INT(a->n_units, 2);
        const ComputeUnitSpec *u2 = arch_find_unit(a, "array2d");
        const ComputeUnitSpec *u1 = arch_find_unit(a, "array1d");
        CHECK(u2 && u1 && !arch_find_unit(a, "DRAM"));
        if (u2 && u1) {
            CHECK_EQ_INT(u2->rows, 256);
            CHECK_EQ_INT(u2->cols, 256);
            CHECK_EQ_INT(u2->reg_words, 16);
            CHECK_EQ_INT(u2->op_cycles[OP_MAC], 1);
            CHECK_EQ_INT(u2->op_cycles[OP_EXP], 6);
            CHECK_EQ_INT(u2->op_cycles[OP_DIV], 0);
            CHECK_STR(u2->energy_class, "pe2d");
            CHECK_EQ_INT(u1->rows, 1);
            CHECK_EQ_INT(u1->cols, 256);
            CHECK_EQ_INT(u1->op_cycles[OP_DIV], 1);
            CHECK_STR(u2->loc.file, "models/fusemax.cfg");
            CHECK_EQ_INT(u2->loc.line, 12);
        }
        CHECK_EQ_INT(a->n_levels, 3);
        const StorageSpec *dram = arch_find_level(a, "DRAM");
        const StorageSpec *glb = arch_find_level(a, "GlobalBuffer");
        const StorageSpec *stg = arch_find_level(a, "Staging");
        CHECK(dram == &a->levels[0] && glb && stg && !arch_find_level(a, "array2d"));
        if (dram && glb && stg) {
            CHECK_EQ_INT(dram->cls, STORE_DRAM);
            CHECK(dram->size_bytes == 0);
            CHECK(dram->bandwidth_gibps == 400.0);
            CHECK_EQ_INT(dram->width_bits, 64);
            CHECK_EQ_INT(glb->cls, STORE_SRAM);
            CHECK(glb->size_bytes == 16u << 20);
            CHECK_EQ_INT(glb->width_bits, 4096);
            CHECK_EQ_INT(glb->banks, 4);
            CHECK_EQ_INT(glb->instances, 1);
            CHECK(glb->bandwidth_gibps == 0);
            CHECK_EQ_INT(stg->cls, STORE_REGFILE);
            CHECK(stg->size_bytes == 16384);
        }
        check_energy_table(&a->energy);
        CHECK_STR(a->energy.entries[0].loc.file, "models/energy/45nm.cfg");
        CHECK_CONTAINS(a->effective_cfg, "clock_mhz = 940.0;");
        CHECK_CONTAINS(a->effective_cfg, "size_kb = 16384L;");
        CHECK_CONTAINS(a->effective_cfg, "{ class = \"pe2d\"; action = \"mac\"; pj = 17.1645; bits = 0; }");
        CHECK_CONTAINS(a->energy.effective_cfg, "energy = {");
        roundtrip_arch(a);
    }
    arch_free(a);

    a = NULL;
    CHECK_EQ_INT(config_load_arch("models/flat.cfg", NULL, &d, &a), 0);
    if (a) {
        CHECK_STR(a->name, "flat");
        const ComputeUnitSpec *u1 = arch_find_unit(a, "array1d");
        const StorageSpec *glb = arch_find_level(a, "GlobalBuffer");
        CHECK(u1 && glb);
        if (u1 && glb) {
            CHECK_EQ_INT(u1->op_cycles[OP_EXP], 1);
            CHECK_STR(u1->energy_class, "pe1d_exp");
            CHECK(glb->size_bytes == 32u << 20);
        }
        roundtrip_arch(a);
    }
    arch_free(a);

    EnergySpec *e = NULL;
    CHECK_EQ_INT(config_load_energy("models/energy/45nm.cfg", NULL, &d, &e), 0);
    if (e) {
        check_energy_table(e);
        CHECK_EQ_INT(e->n_entries, 42);
        char *p = write_tmp("energy.cfg", e->effective_cfg);
        EnergySpec *e2 = NULL;
        CHECK_EQ_INT(config_load_energy(p, NULL, &d, &e2), 0);
        if (e2) {
            same_energy(e, e2);
            CHECK_STR(e2->effective_cfg, e->effective_cfg);
        }
        energy_free(e2);
        free(p);
    }
    energy_free(e);
    CHECK_EQ_INT(diag_count(&d), 0);
    if (diag_count(&d))
        diag_print(&d, stderr);
    diag_free(&d);
}

static void test_shipped_workloads(void)
{
    static const struct {
        const char *path, *name;
        int heads, ef;
    } want[] = {
        { "workloads/bert.cfg", "bert", 12, 64 },
        { "workloads/trxl.cfg", "trxl", 16, 64 },
        { "workloads/t5.cfg", "t5", 8, 64 },
        { "workloads/xlm.cfg", "xlm", 16, 128 },
    };
    Diag d;
    diag_init(&d);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        WorkloadSpec *w = NULL;
        CHECK_EQ_INT(config_load_workload(want[i].path, NULL, &d, &w), 0);
        if (!w)
            continue;
        CHECK_STR(w->name, want[i].name);
        CHECK_STR(w->kind, "attention");
        CHECK(w->batch == 64);
        CHECK(w->heads == (uint64_t)want[i].heads);
        CHECK_EQ_INT(w->dtype_bits, 16);
        CHECK_EQ_INT(w->n_ranks, 4);
        const RankSize *m = rank_size_find(w->ranks, w->n_ranks, "M");
        const RankSize *p = rank_size_find(w->ranks, w->n_ranks, "P");
        const RankSize *e = rank_size_find(w->ranks, w->n_ranks, "E");
        const RankSize *f = rank_size_find(w->ranks, w->n_ranks, "F");
        CHECK(m && p && e && f && !rank_size_find(w->ranks, w->n_ranks, "Q"));
        if (m && p && e && f) {
            CHECK(m->size == 1024 && p->size == 1024);
            CHECK(e->size == (uint64_t)want[i].ef && f->size == (uint64_t)want[i].ef);
            CHECK_EQ_INT(m->loc.line, 8);  /* the line of `seq` */
            CHECK_STR(m->loc.file, want[i].path);
        }
        roundtrip_workload(w);
        workload_free(w);
    }
    CHECK_EQ_INT(diag_count(&d), 0);
    if (diag_count(&d))
        diag_print(&d, stderr);
    diag_free(&d);
}

/* Every shipped mapping loads and round-trips through its effective text (groups,
 * stages, spatial mapping, per-binding costs included). */
static void test_all_mappings(void)
{
    static const char *const files[] = { "mappings/fusemax.cfg", "mappings/flat.cfg",
        "mappings/unfused.cfg", "mappings/plus-cascade.cfg", "mappings/plus-arch.cfg",
        "mappings/gemm-os.cfg", "mappings/gemm-ws.cfg" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        Diag d;
        diag_init(&d);
        MappingSpec *m = NULL;
        CHECK_EQ_INT(config_load_mapping(files[i], NULL, &d, &m), 0);
        diag_print(&d, stderr);
        if (m) {
            CHECK(m->n_groups >= 1);
            roundtrip_mapping(m);
        }
        mapping_free(m);
        diag_free(&d);
    }
}

static void test_shipped_mapping(void)
{
    Diag d;
    diag_init(&d);
    MappingSpec *m = NULL;
    CHECK_EQ_INT(config_load_mapping("mappings/fusemax.cfg", NULL, &d, &m), 0);
    if (m) {
        CHECK_STR(m->name, "fusemax");
        CHECK_STR(m->cascade_path, "mappings/../workloads/cascades/attention-1pass.cfg");
        CHECK_EQ_INT(m->n_partitions, 1);
        const RankSize *m0 = rank_size_find(m->partitions, m->n_partitions, "M0");
        CHECK(m0 && m0->size == 256);
        CHECK_EQ_INT(m->n_bindings, 12);
        static const char *const on2d[] = { "BQK", "LM", "SLN", "SLD", "SLNV" };
        static const char *const on1d[] = { "RM", "PRM", "SPD", "RD", "SPNV", "RNV", "AV" };
        for (int i = 0; i < m->n_bindings; i++) {
            bool is2d = false, is1d = false;
            for (int k = 0; k < 5; k++)
                is2d |= strcmp(m->bindings[i].einsum, on2d[k]) == 0;
            for (int k = 0; k < 7; k++)
                is1d |= strcmp(m->bindings[i].einsum, on1d[k]) == 0;
            CHECK(is2d != is1d);
            CHECK_STR(m->bindings[i].unit, is2d ? "array2d" : "array1d");
        }
        CHECK_CONTAINS(m->effective_cfg, "name = \"attention-1pass\";");
        roundtrip_mapping(m);

        Cascade *c = NULL;
        CHECK_EQ_INT(cascade_load(m->cascade_path, NULL, &d, &c), 0);
        if (c)
            for (int i = 0; i < 12; i++)
                CHECK(cascade_find_einsum(c, m->bindings[i].einsum) >= 0);
        cascade_free(c);
    }
    mapping_free(m);

    /* A mapping with its cascade written inline. */
    m = NULL;
    CHECK_EQ_INT(config_load_mapping(DATA "inline-mapping.cfg", NULL, &d, &m), 0);
    if (m) {
        CHECK_STR(m->cascade_path, DATA "inline-mapping.cfg");
        Cascade *c = NULL;
        CHECK_EQ_INT(cascade_load(m->cascade_path, NULL, &d, &c), 0);
        CHECK(c && c->n_einsums == 1);
        cascade_free(c);
        roundtrip_mapping(m);
    }
    mapping_free(m);
    CHECK_EQ_INT(diag_count(&d), 0);
    if (diag_count(&d))
        diag_print(&d, stderr);
    diag_free(&d);
}

/* ---- overrides --------------------------------------------------------------------- */

static void test_overrides(void)
{
    Diag d;
    diag_init(&d);
    const Override ov[] = {
        { "arch.array2d.rows", "64", 1 },
        { "arch.array1d.cols", "64", 2 },
        { "arch.GlobalBuffer.size_kb", "512", 3 },
        { "arch.array2d.ops.exp", "1", 4 },
        { "arch.array2d.ops.div", "3", 5 },            /* added by the defaults, replaced */
        { "arch.clock_mhz", "1000", 6 },               /* an integer replaces a float */
        { "arch.arithmetic.frac_bits", "4", 7 },
        { "arch.DRAM.bandwidth_gibps", "1.5e3", 8 },
        { "energy.pe2d.mac.pj", "20.5", 9 },           /* applied to the arch's table */
        { "energy.source", "\"fm \\\"x\\\"\"", 10 },   /* quoted string with escapes */
        { "workload.seq", "65536", 11 },               /* ignored by the arch loader */
    };
    Overrides o = ovs(ov, 11);
    ArchSpec *a = NULL;
    CHECK_EQ_INT(config_load_arch("models/fusemax.cfg", &o, &d, &a), 0);
    if (a) {
        const ComputeUnitSpec *u2 = arch_find_unit(a, "array2d"), *u1 = arch_find_unit(a, "array1d");
        CHECK(u2 && u1);
        if (u2 && u1) {
            CHECK_EQ_INT(u2->rows, 64);
            CHECK_EQ_INT(u2->cols, 256);
            CHECK_EQ_INT(u1->cols, 64);
            CHECK_EQ_INT(u2->op_cycles[OP_EXP], 1);
            CHECK_EQ_INT(u2->op_cycles[OP_DIV], 3);
        }
        const StorageSpec *glb = arch_find_level(a, "GlobalBuffer");
        CHECK(glb && glb->size_bytes == 512 * 1024);
        CHECK(a->levels[0].bandwidth_gibps == 1500.0);
        CHECK(a->clock_mhz == 1000.0);
        CHECK_EQ_INT(a->arith.frac_bits, 4);
        CHECK_STR(a->energy.source, "fm \"x\"");
        double pj = 0;
        CHECK(energy_lookup(&a->energy, "pe2d", "mac", &pj, NULL) && pj == 20.5);
        CHECK(energy_lookup(&a->energy, "pe1d", "mac", &pj, NULL) && pj == 17.1645);
        CHECK_CONTAINS(a->effective_cfg, "rows = 64;");
        CHECK_CONTAINS(a->effective_cfg, "clock_mhz = 1000.0;");
        CHECK_CONTAINS(a->effective_cfg, "pj = 20.5;");
        CHECK_CONTAINS(a->effective_cfg, "source = \"fm \\\"x\\\"\";");
        roundtrip_arch(a);
    }
    arch_free(a);

    /* Workload: seq overrides, including one that needs 64 bits. */
    const Override wov[] = {
        { "workload.seq", "65536", 1 },
        { "workload.seq", "1048576", 2 },             /* the last one wins */
        { "workload.ranks.E", "128", 3 },
        { "workload.dtype_bits", "8", 4 },
    };
    Overrides wo = ovs(wov, 4);
    WorkloadSpec *w = NULL;
    CHECK_EQ_INT(config_load_workload("workloads/bert.cfg", &wo, &d, &w), 0);
    if (w) {
        const RankSize *m = rank_size_find(w->ranks, w->n_ranks, "M");
        const RankSize *e = rank_size_find(w->ranks, w->n_ranks, "E");
        CHECK(m && m->size == 1048576);
        CHECK(e && e->size == 128);
        CHECK_EQ_INT(w->dtype_bits, 8);
        if (m) {
            CHECK_STR(m->loc.file, "<command line>");
            CHECK_EQ_INT(m->loc.line, 2);
        }
        roundtrip_workload(w);
    }
    workload_free(w);

    const Override big[] = { { "workload.seq", "4294967296", 1 } };
    Overrides bo = ovs(big, 1);
    w = NULL;
    CHECK_EQ_INT(config_load_workload(DATA "seq-int.cfg", &bo, &d, &w), 0);
    if (w) {
        const RankSize *p = rank_size_find(w->ranks, w->n_ranks, "P");
        CHECK(p && p->size == UINT64_C(4294967296));
        CHECK_CONTAINS(w->effective_cfg, "seq = 4294967296L;");
        roundtrip_workload(w);
    }
    workload_free(w);

    /* Mapping: partitions and a binding addressed by its einsum. */
    const Override mov[] = {
        { "mapping.partitions.M0", "128", 1 },
        { "mapping.binding.AV.unit", "array2d", 2 },
    };
    Overrides mo = ovs(mov, 2);
    MappingSpec *m = NULL;
    CHECK_EQ_INT(config_load_mapping("mappings/fusemax.cfg", &mo, &d, &m), 0);
    if (m) {
        CHECK(m->partitions[0].size == 128);
        CHECK_STR(m->bindings[11].einsum, "AV");
        CHECK_STR(m->bindings[11].unit, "array2d");
        roundtrip_mapping(m);
    }
    mapping_free(m);

    CHECK_EQ_INT(diag_count(&d), 0);
    if (diag_count(&d))
        diag_print(&d, stderr);
    diag_free(&d);
}

/* Loads `path` as an arch with one override and returns the printed errors. */
static char *arch_override_errors(const char *key, const char *value, int *rc)
{
    Diag d;
    diag_init(&d);
    const Override ov[] = { { key, value, 3 } };
    Overrides o = ovs(ov, 1);
    ArchSpec *a = NULL;
    *rc = config_load_arch("models/fusemax.cfg", &o, &d, &a);
    CHECK(*rc == 0 || a == NULL);
    arch_free(a);
    char *s = diag_text(&d);
    diag_free(&d);
    return s;
}

static void test_override_errors(void)
{
    static const struct {
        const char *key, *value, *want;
    } cases[] = {
        { "arch.array3d.rows", "64", "<command line>:3: error: --set arch.array3d.rows=64: "
          "arch.array3d: no compute unit or storage level named 'array3d' (available: array2d, "
          "array1d, DRAM, GlobalBuffer, Staging)" },
        { "arch.array2d.rows", "1.5", "<command line>:3: error: --set arch.array2d.rows=1.5: "
          "arch.array2d.rows: expected an integer, got a float" },
        { "arch.array2d.rows", "0", "<command line>:3: error: --set arch.array2d.rows=0: "
          "arch.array2d.rows: must be in 1..65536 (got 0)" },
        { "arch.array2d.colums", "3", "<command line>:3: error: --set arch.array2d.colums=3: "
          "arch.array2d.colums: unknown key 'colums' (did you mean 'cols'?)" },
        { "arch.array2d.rows", "99999999999999999999", "arch.array2d.rows: integer does not "
          "fit in 64 bits" },
        { "arch.name", "5", "--set arch.name=5: arch.name: expected a string, got an integer" },
        { "arch.clock_mhz", "fast", "arch.clock_mhz: expected a float, got a string" },
        { "arch.compute", "1", "arch.compute: cannot replace a list with a value" },
        { "arch.foo.bar", "1", "--set arch.foo.bar=1: arch.foo: no compute unit or storage "
          "level named 'foo'" },
        { "arch.arithmetic.word_bits.x", "1", "arch.arithmetic.word_bits: is an integer, not a "
          "group" },
        { "arch", "1", "--set arch=1: arch: name a setting inside the group" },
        { "arch..rows", "1", "arch..rows: empty key component" },
        { "arch.GlobalBuffer.size_kb", "9000000000000000000", "--set arch.GlobalBuffer.size_kb="
          "9000000000000000000: arch.GlobalBuffer.size_kb: 9000000000000000000 KiB does not "
          "fit in 64 bits as bytes" },
        { "arch.arithmetic.frac_bits", "15", "arch.arithmetic.frac_bits: must be in 0..14" },
        { "arch.energy", "models/energy/none.cfg", "--set arch.energy=models/energy/none.cfg: "
          "arch.energy: cannot open 'models/energy/none.cfg'" },
        { "energy.pe2d.fma.pj", "1", "energy.pe2d.fma: the energy table has no entry with class "
          "'pe2d' and action 'fma'" },
        { "energy.pe2d.mac.pj", "-3", "--set energy.pe2d.mac.pj=-3: energy.pe2d.mac.pj: must be "
          "in [0, 1000000000] (got -3)" },
        { "arch.array2d.energy_class", "pe9d", "<command line>:3: error: --set "
          "arch.array2d.energy_class=pe9d: arch.array2d.energy_class: unknown energy class" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc;
        char *s = arch_override_errors(cases[i].key, cases[i].value, &rc);
        CHECK_EQ_INT(rc, 1);
        CHECK_CONTAINS(s, cases[i].want);
        free(s);
    }

    /* Workload-side errors. */
    static const struct {
        const char *key, *value, *want;
    } wcases[] = {
        { "workload.seq", "0", "--set workload.seq=0: workload.seq: must be in 1..1099511627776" },
        { "workload.seq", "abc", "--set workload.seq=abc: workload.seq: expected an integer, "
          "got a string" },
        { "workload.foo.bar", "1", "--set workload.foo.bar=1: workload.foo: no such key" },
        { "workload.ranks.M", "5", "workload.ranks.M: conflicts with workload.seq" },
        { "workload.heads", "true", "workload.heads: expected an integer, got a boolean" },
    };
    for (size_t i = 0; i < sizeof wcases / sizeof wcases[0]; i++) {
        Diag d;
        diag_init(&d);
        const Override ov[] = { { wcases[i].key, wcases[i].value, 1 } };
        Overrides o = ovs(ov, 1);
        WorkloadSpec *w = NULL;
        CHECK_EQ_INT(config_load_workload("workloads/bert.cfg", &o, &d, &w), 1);
        CHECK(w == NULL);
        char *s = diag_text(&d);
        CHECK_CONTAINS(s, wcases[i].want);
        free(s);
        diag_free(&d);
    }

    /* config_check_overrides. */
    Diag d;
    diag_init(&d);
    const Override ov[] = {
        { "arch.array2d.rows", "64", 1 },
        { "energy.pe2d.mac.pj", "1", 2 },
        { "worklaod.seq", "5", 3 },
        { "mapping.partitions.M0", "64", 4 },
        { "workload.seq", "5", 5 },
    };
    Overrides o = ovs(ov, 5);
    CHECK_EQ_INT(config_check_overrides(&o, CFG_HAS_ARCH | CFG_HAS_WORKLOAD, &d), 2);
    char *s = diag_text(&d);
    CHECK_CONTAINS(s, "<command line>:3: error: --set worklaod.seq: unknown group 'worklaod' "
                   "(did you mean 'workload'?)");
    CHECK_CONTAINS(s, "<command line>:4: error: --set mapping.partitions.M0: no loaded input "
                   "has group 'mapping'");
    free(s);
    diag_free(&d);
}

/* ---- libconfig pitfalls, includes, probing ---------------------------------------------- */

static void test_files(void)
{
    Diag d;
    diag_init(&d);

    /* An @include'd compute list; an integer for a float key; an inline energy table. */
    ArchSpec *a = NULL;
    CHECK_EQ_INT(config_load_arch(DATA "include-main.cfg", NULL, &d, &a), 0);
    if (a) {
        CHECK(a->clock_mhz == 500.0);
        CHECK_EQ_INT(a->n_units, 1);
        CHECK_STR(a->units[0].loc.file, DATA "include-units.cfg");
        CHECK_EQ_INT(a->units[0].loc.line, 3);
        CHECK_EQ_INT(a->units[0].rows, 1);          /* default */
        CHECK_EQ_INT(a->units[0].op_cycles[OP_ADD], 0);
        CHECK_STR(a->energy.name, "tiny");
        CHECK_STR(a->energy.entries[0].loc.file, DATA "include-main.cfg");
        CHECK_CONTAINS(a->effective_cfg, "clock_mhz = 500;");
        roundtrip_arch(a);
    }
    arch_free(a);
    CHECK_EQ_INT(diag_count(&d), 0);

    /* Errors inside an included file name that file. */
    a = NULL;
    CHECK_EQ_INT(config_load_arch(DATA "include-bad.cfg", NULL, &d, &a), 1);
    char *s = diag_text(&d);
    CHECK_CONTAINS(s, DATA "include-bad-units.cfg:4: error: arch.pe.cols: must be in 1..65536 "
                   "(got 0)");
    free(s);
    diag_free(&d);

    WorkloadSpec *w = NULL;
    CHECK_EQ_INT(config_load_workload(DATA "include-syntax.cfg", NULL, &d, &w), 1);
    s = diag_text(&d);
    CHECK_CONTAINS(s, DATA "include-syntax-body.cfg:2: error: syntax error");
    free(s);
    diag_free(&d);

    /* Pre-scan: numbers in strings and comments are ignored; L, hex and 2^31-1 are fine. */
    CHECK_EQ_INT(config_load_workload(DATA "prescan-ok.cfg", NULL, &d, &w), 0);
    if (w) {
        CHECK_STR(w->name, "w99999999999");
        const RankSize *m = rank_size_find(w->ranks, w->n_ranks, "M");
        const RankSize *n = rank_size_find(w->ranks, w->n_ranks, "N");
        CHECK(m && m->size == UINT64_C(4294967296));
        CHECK(n && n->size == 16);
        CHECK_EQ_INT(w->batch, 1);
        CHECK_EQ_INT(w->heads, 1);
        roundtrip_workload(w);
    }
    workload_free(w);
    EnergySpec *es = NULL;  /* a string with an escaped quote: what follows is still string */
    CHECK_EQ_INT(config_load_energy(DATA "prescan-ok.cfg", NULL, &d, &es), 0);
    if (es)
        CHECK_STR(es->source, "w 99999999999 \" 88888888888");
    energy_free(es);
    CHECK_EQ_INT(diag_count(&d), 0);

    /* Pre-scan: every truncated literal is reported, and loading stops there. */
    CHECK_EQ_INT(config_load_workload(DATA "prescan-bad.cfg", NULL, &d, &w), 1);
    CHECK_EQ_INT(diag_count(&d), 3);
    s = diag_text(&d);
    CHECK_CONTAINS(s, "prescan-bad.cfg:3: error: integer 0x1FFFFFFFF does not fit in 32 bits; "
                   "write 0x1FFFFFFFFL");
    CHECK_CONTAINS(s, "integer -2147483649 does not fit in 32 bits; write -2147483649L");
    CHECK_CONTAINS(s, "integer 2147483648 does not fit in 32 bits; write 2147483648L");
    free(s);
    diag_free(&d);

    /* Several independent errors in one file are all reported. */
    CHECK_EQ_INT(config_load_arch(DATA "multi-error.cfg", NULL, &d, &a), 1);
    s = diag_text(&d);
    CHECK_CONTAINS(s, "multi-error.cfg:4: error: arch.clock_mhz: must be in [0.001, 100000] (got -1)");
    CHECK_CONTAINS(s, "multi-error.cfg:6: error: arch.arithmetic.frac_bits: must be in 0..14 (got 15)");
    CHECK_CONTAINS(s, "multi-error.cfg:8: error: arch.a.rows: must be in 1..65536 (got 70000)");
    CHECK_CONTAINS(s, "multi-error.cfg:9: error: arch.a.ops.sqrt: unknown key 'sqrt'");
    CHECK_CONTAINS(s, "multi-error.cfg:12: error: arch.DRAM.bandwidth_gibps: required key is missing");
    free(s);
    diag_free(&d);

    /* Probing. */
    int groups = -1;
    CHECK_EQ_INT(config_probe("models/fusemax.cfg", &groups, &d), 0);
    CHECK_EQ_INT(groups, CFG_HAS_ARCH);
    CHECK_EQ_INT(config_probe(DATA "combined.cfg", &groups, &d), 0);
    CHECK_EQ_INT(groups, CFG_HAS_WORKLOAD | CFG_HAS_ENERGY);
    CHECK_EQ_INT(config_probe("workloads/cascades/attention-1pass.cfg", &groups, &d), 0);
    CHECK_EQ_INT(groups, CFG_HAS_CASCADE);
    CHECK_EQ_INT(diag_count(&d), 0);
    CHECK_EQ_INT(config_probe(DATA "empty.cfg", &groups, &d), 1);
    CHECK_EQ_INT(config_probe(DATA "no-such-file.cfg", &groups, &d), 1);
    s = diag_text(&d);
    CHECK_CONTAINS(s, "empty.cfg: error: no arch, energy, workload, mapping or cascade group");
    CHECK_CONTAINS(s, "no-such-file.cfg: error: cannot read file: No such file or directory");
    free(s);
    diag_free(&d);

    /* A file with several groups loads as each of them. */
    EnergySpec *e = NULL;
    CHECK_EQ_INT(config_load_energy(DATA "combined.cfg", NULL, &d, &e), 0);
    CHECK(e && e->n_entries == 1);
    energy_free(e);
    CHECK_EQ_INT(config_load_workload(DATA "combined.cfg", NULL, &d, &w), 0);
    CHECK(w && w->n_ranks == 3 && strcmp(w->kind, "gemm") == 0);
    workload_free(w);
    CHECK_EQ_INT(config_load_arch(DATA "combined.cfg", NULL, &d, &a), 1);
    CHECK(a == NULL);
    s = diag_text(&d);
    CHECK_CONTAINS(s, "combined.cfg: error: no 'arch' group in this file");
    free(s);
    diag_free(&d);

    /* Cascade lines: each string keeps its own line, also the last one of a list and a
     * string split over two lines. */
    Cascade *c = NULL;
    CHECK_EQ_INT(cascade_load(DATA "lines-cascade.cfg", NULL, &d, &c), 0);
    if (c) {
        int z = cascade_find_einsum(c, "Z"), y = cascade_find_einsum(c, "Y");
        CHECK(z >= 0 && y >= 0);
        if (z >= 0 && y >= 0) {
            CHECK_EQ_INT(c->einsums[z].loc.line, 9);
            CHECK_EQ_INT(c->einsums[y].loc.line, 10);
            CHECK_STR(c->einsums[y].text, "Y[m, n] = Z[m, n] + Z[m, n]");
        }
    }
    cascade_free(c);
    if (diag_count(&d))
        diag_print(&d, stderr);
    CHECK_EQ_INT(diag_count(&d), 0);
    diag_free(&d);

    /* op_kind_name follows OpKind. */
    CHECK_STR(op_kind_name[OP_MAC], "mac");
    CHECK_STR(op_kind_name[OP_EXP], "exp");
}

/* ---- the bad-input corpus ---------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads one tests/bad file as every group it has; returns 1 when a loader failed. */
static int load_all(const char *path, Diag *d)
{
    int groups = 0, rc = config_probe(path, &groups, d);
    if (rc)
        return 1;
    if (groups & CFG_HAS_ARCH) {
        ArchSpec *a = NULL;
        rc |= config_load_arch(path, NULL, d, &a);
        arch_free(a);
    }
    if (groups & CFG_HAS_ENERGY) {
        EnergySpec *e = NULL;
        rc |= config_load_energy(path, NULL, d, &e);
        energy_free(e);
    }
    if (groups & CFG_HAS_WORKLOAD) {
        WorkloadSpec *w = NULL;
        rc |= config_load_workload(path, NULL, d, &w);
        workload_free(w);
    }
    if (groups & CFG_HAS_MAPPING) {
        MappingSpec *m = NULL;
        rc |= config_load_mapping(path, NULL, d, &m);
        mapping_free(m);
    }
    if (groups & CFG_HAS_CASCADE) {
        Cascade *c = NULL;
        rc |= cascade_load(path, NULL, d, &c);
        cascade_free(c);
    }
    return rc;
}

static void test_bad_corpus(void)
{
    DIR *dir = opendir("tests/bad");
    CHECK(dir != NULL);
    if (!dir)
        return;
    char **names = NULL;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len > 4 && strcmp(de->d_name + len - 4, ".cfg") == 0) {
            names = xrealloc(names, (size_t)(n + 1) * sizeof *names);
            names[n++] = xasprintf("tests/bad/%s", de->d_name);
        }
    }
    closedir(dir);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    int checked = 0;
    for (int i = 0; i < n; i++) {
        char *text = read_file(names[i], 1 << 20, NULL);
        CHECK(text != NULL);
        if (!text)
            continue;
        if (strstr(text, "# args:")) {  /* needs the CLI (several files, eval, ...) */
            free(text);
            continue;
        }
        Diag d;
        diag_init(&d);
        int rc = load_all(names[i], &d);
        char *errs = diag_text(&d);
        if (rc != 1 || diag_count(&d) == 0)
            fprintf(stderr, "%s: expected a load error\n", names[i]);
        CHECK_EQ_INT(rc, 1);
        CHECK(diag_count(&d) > 0);
        /* Expectations of the config module's entries quote the full path. */
        for (char *line = text; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            if (strncmp(line, "# expect: tests/bad/", 20) == 0) {
                CHECK_CONTAINS(errs, line + 10);
                checked++;
            }
            line = nl ? nl + 1 : NULL;
        }
        free(errs);
        diag_free(&d);
        free(text);
    }
    CHECK(checked >= 20);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int main(void)
{
    if (access("models/fusemax.cfg", R_OK) != 0) {
        fprintf(stderr, "test_config: run from the repository root\n");
        return 1;
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/einsim-test-config-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_shipped_arch();
    test_shipped_workloads();
    test_shipped_mapping();
    test_all_mappings();
    test_overrides();
    test_override_errors();
    test_files();
    test_bad_corpus();

    static const char *const tmpfiles[] = { "arch.cfg", "workload.cfg", "mapping.cfg",
                                            "energy.cfg" };
    for (size_t i = 0; i < sizeof tmpfiles / sizeof tmpfiles[0]; i++) {
        char *p = xasprintf("%s/%s", tmpdir, tmpfiles[i]);
        unlink(p);
        free(p);
    }
    rmdir(tmpdir);
    return CHECK_DONE();
}
