/* check.c — `einsim check`: validate each file, then the cross-references of the first
 * architecture, workload and mapping, and print a one-screen summary (run.h). */
#include "run/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapping/mapping.h"
#include "util/output.h"
#include "util/util.h"

static void emit_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("  %s\n", line);
}

static void print_ops(const uint32_t *ops)
{
    for (int o = 0; o < OP__COUNT; o++)
        if (ops[o])
            printf(" %s=%u", op_kind_name[o], ops[o]);
}

static void summarize_arch(const ArchSpec *a)
{
    printf("%s: arch %s, %.6g MHz, %d-bit words (%d fractional bits), %d-bit accumulators\n",
           a->path, a->name, a->clock_mhz, a->arith.word_bits, a->arith.frac_bits,
           a->arith.acc_bits);
    for (int i = 0; i < a->n_units; i++) {
        const ComputeUnitSpec *u = &a->units[i];
        printf("  %-12s %5u x %-5u PEs  ops:", u->name, u->rows, u->cols);
        print_ops(u->op_cycles);
        printf("  (cycles)  regs %u words\n", u->reg_words);
    }
    for (int i = 0; i < a->n_levels; i++) {
        const StorageSpec *s = &a->levels[i];
        printf("  %-12s ", s->name);
        if (s->size_bytes == 0)
            printf("%-12s", "unbounded");
        else if (s->size_bytes % (1024 * 1024) == 0)
            printf("%8llu MiB", (unsigned long long)(s->size_bytes >> 20));
        else
            printf("%8llu B  ", (unsigned long long)s->size_bytes);
        printf("  %u-bit x %u bank(s)", s->width_bits, s->banks);
        if (s->bandwidth_gibps > 0)
            printf("  %.6g GiB/s", s->bandwidth_gibps);
        printf("\n");
    }
    printf("  energy table %s: %d actions\n", a->energy.name, a->energy.n_entries);
}

static void summarize_workload(const WorkloadSpec *w)
{
    printf("%s: workload %s (%s), B=%llu H=%llu", w->path, w->name, w->kind,
           (unsigned long long)w->batch, (unsigned long long)w->heads);
    for (int i = 0; i < w->n_ranks; i++)
        printf(" %s=%llu", w->ranks[i].name, (unsigned long long)w->ranks[i].size);
    printf(", %u-bit values\n", w->dtype_bits);
    if (w->n_layers)
        printf("  training: N:M %s, %d layer entries\n", w->nm, w->n_layers);
}

static void summarize_mapping(const MappingSpec *m, const Cascade *c)
{
    printf("%s: mapping %s -> cascade %s", m->path, m->name, m->cascade_path);
    for (int i = 0; i < m->n_partitions; i++)
        printf(" %s=%llu", m->partitions[i].name, (unsigned long long)m->partitions[i].size);
    printf("\n");
    if (c)
        cascade_summary(c, emit_line, NULL);
    for (int i = 0; i < m->n_bindings; i++) {
        if (i == 0 || strcmp(m->bindings[i].unit, m->bindings[i - 1].unit) != 0)
            printf("%s  %s:", i ? "\n" : "", m->bindings[i].unit);
        printf(" %s", m->bindings[i].einsum);
    }
    if (m->n_bindings)
        printf("\n");
}

Outcome run_check(const CheckRequest *req, Diag *d)
{
    const Overrides ov = req->ov;
    const char *const *files = req->files;
    const char *effective = req->effective;
    int nf = req->n_files;
    ArchSpec *arch = NULL;
    WorkloadSpec *wl = NULL;
    MappingSpec *map = NULL;
    Cascade *map_cascade = NULL;
    int used = 0;
    for (int i = 0; i < nf; i++) {
        int groups = 0;
        if (config_probe(files[i], &groups, d))
            continue;
        used |= groups;
        if (groups & CFG_HAS_ARCH) {
            ArchSpec *a = NULL;
            if (config_load_arch(files[i], &ov, d, &a) == 0) {
                summarize_arch(a);
                if (!arch)
                    arch = a;
                else
                    arch_free(a);
            }
        }
        if (groups & CFG_HAS_ENERGY) {
            EnergySpec *e = NULL;
            if (config_load_energy(files[i], &ov, d, &e) == 0) {
                printf("%s: energy table %s, %d actions\n", files[i], e->name, e->n_entries);
                energy_free(e);
            }
        }
        if (groups & CFG_HAS_WORKLOAD) {
            WorkloadSpec *w = NULL;
            if (config_load_workload(files[i], &ov, d, &w) == 0) {
                summarize_workload(w);
                if (!wl)
                    wl = w;
                else
                    workload_free(w);
            }
        }
        if (groups & CFG_HAS_CASCADE) {
            Cascade *c = NULL;
            if (cascade_load(files[i], &ov, d, &c) == 0) {
                printf("%s:\n", files[i]);
                cascade_summary(c, emit_line, NULL);
                cascade_free(c);
            }
        }
        if (groups & CFG_HAS_MAPPING) {
            MappingSpec *m = NULL;
            if (config_load_mapping(files[i], &ov, d, &m) == 0) {
                Cascade *c = NULL;
                used |= CFG_HAS_CASCADE;
                cascade_load(m->cascade_path, &ov, d, &c);
                summarize_mapping(m, c);
                if (!map) {
                    map = m;
                    map_cascade = c;
                } else {
                    mapping_free(m);
                    cascade_free(c);
                }
            }
        }
    }
    /* A workload that names its cascade runs it on the mapping: check that pair, and
     * write it to the effective configuration. */
    if (map && wl && wl->cascade_path && diag_count(d) == 0) {
        Override *extra;
        Overrides mov = run_mapping_overrides(wl, &ov, &extra);
        MappingSpec *m2 = NULL;
        Cascade *c2 = NULL;
        if (extra && config_load_mapping(map->path, &mov, d, &m2) == 0 &&
            cascade_load(m2->cascade_path, &ov, d, &c2) == 0) {
            printf("%s: runs on %s with the workload's cascade %s\n", wl->path, map->path,
                   c2->name);
            mapping_free(map);
            cascade_free(map_cascade);
            map = m2;
            map_cascade = c2;
        } else {
            mapping_free(m2);
        }
        free(extra);
    }
    config_check_overrides(&ov, used, d);
    if (map && map_cascade && arch && diag_count(d) == 0) {
        RankBinding b;
        /* A layer list's sizes are per layer: each layer is bound and checked. */
        bool training = workload_is_training(wl);
        if (training) {
            run_layers_check(arch, wl, map, map_cascade, d);
        } else if (mapping_check(map, map_cascade, arch, wl, d, &b) == 0 && wl && map->n_groups) {
            EngineInput in = { arch, wl, map, map_cascade, &b };
            engine_check(&in, d);
        }
        if (diag_count(d) == 0 && wl && !training) {
            printf("bound:");
            for (int r = 0; r < map_cascade->n_ranks; r++)
                printf(" %s=%lld", map_cascade->ranks[r].name, (long long)b.size[r]);
            printf("\n");
        }
    }
    if (effective && diag_count(d) == 0) {
        Buf b = {0};
        buf_printf(&b, "# effective configuration written by einsim check\n");
        const char *parts[] = { arch ? arch->effective_cfg : NULL, wl ? wl->effective_cfg : NULL,
                                map ? map->effective_cfg : NULL };
        for (int i = 0; i < 3; i++)
            if (parts[i])
                buf_printf(&b, "%s", parts[i]);
        file_write(effective, b.s, b.len, d);
        buf_free(&b);
    }
    if (diag_count(d) == 0)
        printf("ok: %d file%s checked\n", nf, nf == 1 ? "" : "s");
    arch_free(arch);
    workload_free(wl);
    mapping_free(map);
    cascade_free(map_cascade);
    return diag_count(d) ? OUTCOME_INPUT : OUTCOME_OK;
}
