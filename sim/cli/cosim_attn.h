/* cosim_attn.h — `einsim cosim` on the FuseMax 1-pass attention cascade (cosim_attn.c). */
#ifndef EINSIM_COSIM_ATTN_H
#define EINSIM_COSIM_ATTN_H

#include <stdbool.h>
#include <stdint.h>

#include "run/run.h"
#include "util/diag.h"

/* Runs the attention co-simulation of ri on the bridge at libfile and prints the summary;
 * waves non-NULL writes the RTL and C model traces there (cosim_common.h).
 * Returns an exit code (EXIT_OK, EXIT_MISMATCH, or EXIT_INPUT with d filled). */
int cosim_attention(const RunInputs *ri, const char *arch_path, const char *libfile, uint64_t seed,
                    bool timing, const char *waves, Diag *d);

#endif
