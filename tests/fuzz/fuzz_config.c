/* fuzz_config.c — libFuzzer harness of the config loader: the input is one libconfig file
 * (any of the groups arch, energy, workload, mapping, cascade, or a sweep file), loaded
 * with every loader that applies, the way `einsim check` does. Seeds: models/,
 * mappings/, workloads/ and tests/bad/. */
#include "config/config.h"
#include "config/sweep.h"
#include "cascade/cascade.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_input(data, size);
    Diag d;
    diag_init(&d);
    int groups = 0;
    if (config_probe(path, &groups, &d) == 0) {
        Overrides none = { 0 };
        if (groups & CFG_HAS_ARCH) {
            ArchSpec *a = NULL;
            config_load_arch(path, &none, &d, &a);
            arch_free(a);
        }
        if (groups & CFG_HAS_ENERGY) {
            EnergySpec *e = NULL;
            config_load_energy(path, &none, &d, &e);
            energy_free(e);
        }
        if (groups & CFG_HAS_WORKLOAD) {
            WorkloadSpec *w = NULL;
            config_load_workload(path, &none, &d, &w);
            workload_free(w);
        }
        if (groups & CFG_HAS_MAPPING) {
            MappingSpec *m = NULL;
            config_load_mapping(path, &none, &d, &m);
            mapping_free(m);
        }
        if (groups & (CFG_HAS_CASCADE | CFG_HAS_MAPPING)) {
            Cascade *c = NULL;
            cascade_load(path, &none, &d, &c);
            cascade_free(c);
        }
    } else {
        SweepSpec *s = NULL;
        diag_free(&d);
        config_load_sweep(path, &d, &s);
        sweep_free(s);
    }
    diag_print(&d, fuzz_null());
    diag_free(&d);
    return 0;
}
