/* nmcommand.c — `einsim nm-rtl-params` and `einsim cosim-nm` (nmcosim.h): loading the
 * inputs, filling the options' defaults from the architecture, and running the case.
 * Messages of nm_rtl_param_values and the case report are printed as they come. */
#include "cosim/nmcosim.h"

#include <stdio.h>

#include "config/config.h"
#include "util/output.h"

Outcome nm_rtl_params_command(const char *arch, const char *unit, const Overrides *ov,
                              const char *out, Diag *d)
{
    ArchSpec *a = NULL;
    Outcome rc = OUTCOME_OK;
    if (config_load_arch(arch, ov, d, &a) != 0 || config_check_overrides(ov, CFG_HAS_ARCH, d)) {
        rc = OUTCOME_INPUT;
    } else {
        Buf b = { 0 };
        char err[256];
        if (nm_rtl_params(a, unit, &b, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            rc = OUTCOME_INPUT;
        } else if (out) {
            file_write(out, b.s, b.len, d);
        } else {
            fputs(b.s, stdout);
        }
        buf_free(&b);
    }
    arch_free(a);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}

Outcome nm_cosim_command(const char *arch, const char *weights, NmCosimOptions *o,
                         const Overrides *ov, Diag *d)
{
    Outcome rc = OUTCOME_OK;
    ArchSpec *a = NULL;
    NmWeightsSpec *w = NULL;
    if (weights && config_load_nm_weights(weights, d, &w) == 0) {
        o->weights = w;
        o->nm = w->nm;
        o->outs_o = w->rows;
        o->red_k = w->k;
    }
    if (diag_count(d) || config_load_arch(arch, ov, d, &a) != 0
        || config_check_overrides(ov, CFG_HAS_ARCH, d)) {
        rc = OUTCOME_INPUT;
    } else {
        uint64_t pv[NM_P__COUNT];
        char err[256];
        if (nm_rtl_param_values(a, o->unit, pv, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            rc = OUTCOME_INPUT;
        } else {
            uint32_t accs = (uint32_t)pv[NM_P_ACCS];
            if (!o->outs_o)
                o->outs_o = 2 * (uint32_t)pv[NM_P_PES];
            if (!o->cols_n)
                o->cols_n = 2 * (o->interleave ? o->interleave : accs);
            Buf b = { 0 };
            NmCosimStatus st = nm_cosim_run(a, o, &b);
            /* Errors go to stderr, the report to stdout. */
            fputs(b.s ? b.s : "", st == NM_COSIM_MATCH || st == NM_COSIM_MISMATCH ? stdout : stderr);
            buf_free(&b);
            rc = st == NM_COSIM_MATCH ? OUTCOME_OK : st == NM_COSIM_MISMATCH ? OUTCOME_MISMATCH
               : st == NM_COSIM_INPUT ? OUTCOME_INPUT : OUTCOME_INTERNAL;
        }
    }
    arch_free(a);
    nm_weights_free(w);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}
