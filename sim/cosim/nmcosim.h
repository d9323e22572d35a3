/* nmcosim.h — co-simulation of the N:M sparse array RTL (rtl/nm/) against the C model.
 *
 * A seeded GEMM Y[o][n] = sum_k W[o][k] * X[k][n] with W pruned N:M along k (nm_mask_i64,
 * nm_compress_group) and X random on the fixed-point grid is lowered to the RTL's beat
 * program (einsim_nm_seq.v): the PEs of the unit share one activation window; PE p
 * computes the outputs o = ob * PES + p, and interleaves `interleave` columns n over its
 * accumulators (slot j <-> column nb * interleave + j), round robin over beats. The
 * Verilated array runs through the shared bridge (cosim.h); then every output is compared
 * bit-exact with nm_mac_group_fx over the output's groups, and every beat's issue and
 * accumulate cycle with sparse_pe_timeline() (sets of outputs follow each other at the
 * model's issue_span), and the run length with the model's end cycle. All mismatches
 * are collected.
 *
 * Host protocol of einsim_nm_top: the NM_LD_* / NM_RD_* selectors below; parameters are
 * read back through NM_RD_PARAM at the NM_P_* indices and must equal the header that
 * nm_rtl_params() generates from the architecture, or the run is refused. */
#ifndef EINSIM_NMCOSIM_H
#define EINSIM_NMCOSIM_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "config/nmweights.h"
#include "config/spec.h"
#include "sparse/nm.h"
#include "util/util.h"

enum { NM_LD_ACT = 0, NM_LD_WVAL = 1, NM_LD_WIDX = 2, NM_LD_PROG = 3, NM_LD_CFG = 4 };
enum { NM_RD_OUT = 0, NM_RD_ISSUE = 1, NM_RD_ACC = 2, NM_RD_META = 3, NM_RD_PARAM = 4 };
enum {
    NM_P_PES, NM_P_LANES, NM_P_WINDOW, NM_P_MULT_LAT, NM_P_ADDER_LAT, NM_P_ACC_LAT, NM_P_ACCS,
    NM_P_WORD_BITS, NM_P_FRAC_BITS, NM_P_ACC_BITS, NM_P_ACT_ROWS, NM_P_W_ROWS, NM_P_OUT_ROWS,
    NM_P_PROG, NM_P_NPATTERNS, NM_P_PATTERN0, /* NM_P_PATTERN0 + k: (N << 8) | M */
    NM_P__COUNT = NM_P_PATTERN0 + SPARSE_MAX_PATTERNS
};

/* Buffer depths of the co-simulation array (harness sizes, not architecture: the
 * architecture's global buffer is far larger than a test needs). Powers of two. */
#define NM_ACT_ROWS 256   /* activation rows of `window` words */
#define NM_W_ROWS 128     /* weight rows of `lanes` pairs, per PE */
#define NM_OUT_ROWS 64    /* outputs per PE */
#define NM_PROG 1024      /* program entries (beats) */

/* The parameter values of an architecture's sparse unit, indexed by NM_P_*. Returns 0,
 * or -1 with the reason in err (no sparse unit, too many PEs, widths the RTL does not
 * support). `unit` names the unit or is NULL for the first sparse one. */
int nm_rtl_param_values(const ArchSpec *a, const char *unit, uint64_t *vals, char *err,
                        size_t errlen);

/* The Verilog header rtl/nm/ includes (einsim_nm_params.vh), generated from the same
 * values, appended to *out. Returns 0 or -1 (err as above). */
int nm_rtl_params(const ArchSpec *a, const char *unit, Buf *out, char *err, size_t errlen);

typedef struct {
    const char *lib;          /* bridge shared object built from this architecture */
    const char *unit;         /* sparse unit name, NULL = the first */
    NMPattern nm;             /* data pattern (dense or N:M) */
    uint32_t outs_o;          /* GEMM output rows (multiple of the unit's PEs) */
    uint32_t cols_n;          /* GEMM output columns (multiple of interleave) */
    uint32_t red_k;           /* reduction length (multiple of M) */
    uint32_t interleave;      /* outputs interleaved per PE, 0 = the accumulators */
    uint64_t seed;
    int corrupt;              /* NM_META_OK, or the kind of invalid metadata to inject */
    const NmWeightsSpec *weights; /* given weights (nm, outs_o and red_k must match), or
                                     NULL for seeded random ones pruned with nm_mask */
    uint32_t max_report;      /* mismatch lines printed (the count is always printed) */
} NmCosimOptions;

typedef enum {
    NM_COSIM_MATCH,           /* every value, stamp and the run length agree */
    NM_COSIM_MISMATCH,        /* a value, stamp or cycle count differs (exit 3) */
    NM_COSIM_INPUT,           /* bad options, or invalid metadata flagged by C and RTL */
    NM_COSIM_INTERNAL,        /* bridge could not be loaded or did not finish */
} NmCosimStatus;

/* Runs one case; the report (summary line, mismatches, or the errors) is appended to
 * *out. The caller owns *out. */
NmCosimStatus nm_cosim_run(const ArchSpec *a, const NmCosimOptions *o, Buf *out);

/* `einsim nm-rtl-params`: the header of `arch`'s sparse unit (`unit`, or the first),
 * printed or written atomically to `out`. */
Outcome nm_rtl_params_command(const char *arch, const char *unit, const Overrides *ov,
                              const char *out, Diag *d);
/* `einsim cosim-nm`: loads `arch` (and `weights` when non-NULL, which then sets o->nm,
 * o->outs_o and o->red_k), fills the options left 0 with their defaults (outputs = 2 x
 * PEs, columns = 2 x interleave) and runs the case; the report goes to stdout, its
 * errors to stderr. OUTCOME_INTERNAL when the bridge fails. */
Outcome nm_cosim_command(const char *arch, const char *weights, NmCosimOptions *o,
                         const Overrides *ov, Diag *d);

#endif
