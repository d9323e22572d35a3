/* eval.c — `einsim eval`: a cascade on seeded random data in double precision and in
 * fixed point, each output's error against the direct reference of its problem family
 * (run.h). */
#include "run/run.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "func/reference.h"

Outcome run_eval(const EvalRequest *q, Diag *d)
{
    Outcome rc = OUTCOME_INPUT;
    Cascade *c = NULL;
    ArchSpec *arch = NULL;
    RefReport rep;
    ArithSpec arith = { 16, 8, 32, 5 };
    RankBinding b;
    FxFormat fx;
    int used = CFG_HAS_CASCADE;
    if (cascade_load(q->cascade, &q->ov, d, &c))
        goto done;
    if (q->arch) {
        used |= CFG_HAS_ARCH;
        if (config_load_arch(q->arch, &q->ov, d, &arch))
            goto done;
        arith = arch->arith;
    }
    if (config_check_overrides(&q->ov, used, d) || cascade_bind(c, q->ranks, q->n_ranks, false, d, &b))
        goto done;
    if (fx_format_init(&fx, &arith)) {
        diag_error(d, q->arch, 0, "arithmetic widths out of range");
        goto done;
    }
    if (reference_check(c, &b, &fx, q->nm_text ? &q->nm : NULL, q->seed, q->lo, q->hi, d, &rep))
        goto done;

    printf("cascade %s (%s):", c->name, c->problem);
    for (int r = 0; r < c->n_ranks; r++)
        printf(" %s=%" PRId64, c->ranks[r].name, b.size[r]);
    printf("\ninputs: uniform in [%g, %g) on the fixed-point grid (multiples of 2^-%d), seed %"
           PRIu64 "%s%s\n", q->lo, q->hi, arith.frac_bits, q->seed, q->nm_text ? ", N:M " : "",
           q->nm_text ? q->nm_text : "");
    printf("fixed point: %d-bit words, %d fractional bits, %d-bit accumulators, exp with %d "
           "terms%s%s\n", arith.word_bits, arith.frac_bits, arith.acc_bits, arith.exp_terms,
           q->arch ? " from " : " (default)", q->arch ? q->arch : "");
    printf("%-8s %10s  %12s %12s  %12s %10s\n", "output", "elements", "double abs", "double rel",
           "fixed abs", "fixed LSB");
    rc = OUTCOME_OK;
    for (int i = 0; i < rep.n; i++) {
        const RefError *e = &rep.out[i];
        printf("%-8s %10zu  %12.3e %12.3e  %12.3e %10.2f\n", c->tensors[e->tensor].name, e->n,
               e->dbl_abs, e->dbl_rel, e->fx_abs, e->fx_abs * ldexp(1.0, arith.frac_bits));
        if (e->absent) {
            fprintf(stderr, "einsim eval: internal error: %zu absent elements in output %s\n",
                    e->absent, c->tensors[e->tensor].name);
            rc = OUTCOME_INTERNAL;
        }
    }
done:
    arch_free(arch);
    cascade_free(c);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}
