/* fuzz.h — what the libFuzzer harnesses of tests/fuzz/ share: a work directory laid out
 * like the repository (so an input's relative references to energy tables and cascades
 * resolve to the shipped files) and writing an input there as a file. */
#ifndef EINSIM_FUZZ_H
#define EINSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Path of the input file (WORK/models/in.cfg) after writing `size` bytes of `data` to
 * it; WORK is created on the first call (under $EINSIM_FUZZ_WORK, default
 * build/fuzz/work-PID) with models/energy, workloads and mappings linked to the
 * repository's (the harness runs from the repository root). Aborts on I/O failure. */
const char *fuzz_write_input(const uint8_t *data, size_t size);

/* A stream that discards what is written (diagnostics and reports are formatted but not
 * shown). */
FILE *fuzz_null(void);

#endif
