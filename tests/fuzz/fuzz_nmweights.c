/* fuzz_nmweights.c — libFuzzer harness of the N:M weight-file loader (`einsim cosim-nm
 * --weights`): the input is one weights file. Seeds: tests/cosim/nm/weights-*.cfg and
 * tests/bad/nm-weights-*.cfg. */
#include "config/nmweights.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_input(data, size);
    Diag d;
    diag_init(&d);
    NmWeightsSpec *w = NULL;
    config_load_nm_weights(path, &d, &w);
    nm_weights_free(w);
    diag_print(&d, fuzz_null());
    diag_free(&d);
    return 0;
}
