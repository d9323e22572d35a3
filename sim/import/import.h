/* import.h — `einsim import`: a peer tool's inputs turned into einsim's own files
 * (architecture, workload, mapping), which are then ordinary einsim inputs.
 *
 * SCALE-Sim (scalesim.c): a topology CSV (GEMM or convolution layers; a convolution is
 * lowered to its im2col GEMM) and a config (array, dataflow os/ws/is, per-operand SRAM
 * sizes, interface bandwidth) become one architecture, one GEMM mapping of the dataflow
 * and one workload per layer; every layer is run at both levels and a per-layer CSV is
 * written beside SCALE-Sim's report names. Timeloop (timeloop.c): a libconfig
 * specification (architecture, problem, mapping) is translated where einsim has the
 * concept and refused, at the file:line of the construct, where it does not.
 *
 * What the peer tool models that einsim does not is never approximated silently: it is
 * either documented as the import's translation (sim/import/README.md) or refused as an input error. */
#ifndef EINSIM_IMPORT_H
#define EINSIM_IMPORT_H

#include <stdbool.h>

#include "util/diag.h"

/* `einsim import scalesim TOPOLOGY.csv CONFIG.cfg -o DIR`. Writes DIR/arch.cfg,
 * DIR/gemm.cfg (the cascade), DIR/mapping.cfg, DIR/layer-NAME.cfg per layer, a run
 * directory DIR/runs/NAME per layer, and DIR/COMPUTE_REPORT.csv (one row per layer);
 * prints the per-layer table. Errors in the inputs are reported at their file:line
 * (OUTCOME_INPUT); a layer that does not fit is a row with its reason. */
typedef struct {
    const char *topology, *config, *outdir;
} ScaleSimImport;
Outcome import_scalesim(const ScaleSimImport *r, Diag *d);

/* `einsim import timeloop SPEC.cfg... -o DIR`: the files read as one Timeloop
 * specification (config_load_timeloop), checked against what einsim can express (an
 * error at the file:line of anything it cannot), then DIR/arch.cfg, energy.cfg,
 * cascade.cfg, workload.cfg and mapping.cfg written and run once: the run directory
 * DIR/run/ and DIR/levels.csv (per level and data space: reads, fills, updates and
 * energy, in Timeloop's terms); prints them and the `einsim run` line. */
typedef struct {
    const char *const *files;
    int n_files;
    const char *outdir;
} TimeloopImport;
Outcome import_timeloop(const TimeloopImport *r, Diag *d);

#endif
