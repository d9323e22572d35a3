/* loader.c — loading a co-simulation bridge shared object (cosim.h) with dlopen. */
#include "cosim/cosim.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int cosim_open(const char *path, CosimLib *lib, char *err, size_t errlen)
{
    memset(lib, 0, sizeof *lib);
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        snprintf(err, errlen, "%s", dlerror());
        return -1;
    }
    struct { const char *name; void **slot; } syms[] = {
        { "einsim_cosim_abi", (void **)&lib->abi },
        { "einsim_cosim_create", (void **)&lib->create },
        { "einsim_cosim_params", (void **)&lib->params },
        { "einsim_cosim_reset", (void **)&lib->reset },
        { "einsim_cosim_load", (void **)&lib->load },
        { "einsim_cosim_hload", (void **)&lib->hload },
        { "einsim_cosim_read", (void **)&lib->read },
        { "einsim_cosim_start", (void **)&lib->start },
        { "einsim_cosim_step", (void **)&lib->step },
        { "einsim_cosim_cycles", (void **)&lib->cycles },
        { "einsim_cosim_clocks", (void **)&lib->clocks },
        { "einsim_cosim_status", (void **)&lib->status },
        { "einsim_cosim_destroy", (void **)&lib->destroy },
        { "einsim_cosim_dram_config", (void **)&lib->dram_config },
        { "einsim_cosim_dram_write", (void **)&lib->dram_write },
        { "einsim_cosim_dram_read", (void **)&lib->dram_read },
    };
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        void *p = dlsym(dl, syms[i].name);
        if (!p) {
            snprintf(err, errlen, "%s: missing symbol %s", path, syms[i].name);
            dlclose(dl);
            memset(lib, 0, sizeof *lib);
            return -1;
        }
        memcpy(syms[i].slot, &p, sizeof p);
    }
    if (lib->abi() != COSIM_ABI) {
        snprintf(err, errlen, "%s: bridge ABI %d, einsim expects %d (rebuild it)", path, lib->abi(),
                 COSIM_ABI);
        dlclose(dl);
        memset(lib, 0, sizeof *lib);
        return -1;
    }
    lib->dl = dl;
    return 0;
}

void cosim_close(CosimLib *lib)
{
    if (lib->dl)
        dlclose(lib->dl);
    memset(lib, 0, sizeof *lib);
}
