/* fuzz_config.c — libFuzzer harness of the config loader: the input is one libconfig file
 * (any of the groups arch, energy, workload, mapping, cascade, or a sweep file), loaded
 * with every loader that applies, the way `einsim check` does. Lines "#set KEY=VALUE"
 * (a libconfig comment) are --set overrides, applied by the loaders and checked like
 * the command line's. Seeds: models/, mappings/, workloads/ and tests/bad/. */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/sweep.h"
#include "cascade/cascade.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_input(data, size);
    /* The overrides: "#set KEY=VALUE" lines, at most 8. */
    enum { MAX_SETS = 8 };
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    Override sets[MAX_SETS];
    int n_sets = 0;
    for (char *s = text, *next; s && n_sets < MAX_SETS; s = next) {
        next = strchr(s, '\n');
        if (next)
            *next++ = '\0';
        char *eq = strncmp(s, "#set ", 5) == 0 ? strchr(s + 5, '=') : NULL;
        if (eq && eq > s + 5) {
            *eq = '\0';
            sets[n_sets] = (Override){ s + 5, eq + 1, n_sets + 1 };
            n_sets++;
        }
    }
    Diag d;
    diag_init(&d);
    int groups = 0;
    if (config_probe(path, &groups, &d) == 0) {
        Overrides none = { sets, n_sets };
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
        config_check_overrides(&none, groups, &d);
    } else {
        SweepSpec *s = NULL;
        diag_free(&d);
        config_load_sweep(path, &d, &s);
        sweep_free(s);
    }
    diag_print(&d, fuzz_null());
    diag_free(&d);
    free(text);
    return 0;
}
