/* eval.c — `einsim eval`: a cascade on seeded random data in double precision and in
 * fixed point, each output's error against the direct reference of its problem family
 * or against another cascade (--ref), judged against a tolerance (run.h). */
#include "run/run.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cascade/mask.h"
#include "func/reference.h"

/* Binds the sizes to c and, with --ref, to ref too: each takes the ranks it has, and a
 * size that names a rank of neither is an error. */
static int bind_all(const EvalRequest *q, const Cascade *c, const Cascade *ref, Diag *d,
                    RankBinding *b, RankBinding *b_ref)
{
    if (!ref)
        return cascade_bind(c, q->ranks, q->n_ranks, false, d, b);
    int errs0 = diag_count(d);
    for (int i = 0; i < q->n_ranks; i++)
        if (cascade_find_rank(c, q->ranks[i].name) < 0 && cascade_find_rank(ref, q->ranks[i].name) < 0)
            diag_error(d, q->ranks[i].loc.file, q->ranks[i].loc.line, "rank %s is a rank of "
                       "neither cascade %s nor cascade %s", q->ranks[i].name, c->name, ref->name);
    if (diag_count(d) > errs0)
        return 1;
    int bad = cascade_bind(c, q->ranks, q->n_ranks, true, d, b);
    return cascade_bind(ref, q->ranks, q->n_ranks, true, d, b_ref) || bad;
}

/* Prints the density of the work of every Einsum that a mask reaches (a where clause,
 * a masked operand, a topk), measured on this data: live terms over the points of its
 * iteration space, elements outside a tensor's extent (a ragged chunk) included. */
static void print_density(const Cascade *c, const RefReport *rep)
{
    int header = 0;
    for (int k = 0; k < c->n_einsums; k++) {
        int i = c->order[k];
        FuncDensity dn = rep->density[i];
        if (cascade_mask_kind(c, i) == MASK_NONE)
            continue;
        if (!header)
            printf("masked work (live terms / points of the iteration space, double precision):\n");
        header = 1;
        printf("  %-8s %-4s %8.4f  (%" PRIu64 " of %" PRIu64 ")\n", c->einsums[i].name,
               cascade_mask_kind(c, i) == MASK_DATA ? "data" : "rule",
               (double)dn.live / (double)dn.points, dn.live, dn.points);
    }
    if (rep->choices)
        printf("topk choices: %" PRIu64 " elements; the fixed-point run chose differently at %"
               PRIu64 "\n", rep->choices, rep->choices_differ);
}

Outcome run_eval(const EvalRequest *q, Diag *d)
{
    Outcome rc = OUTCOME_INPUT;
    Cascade *c = NULL, *ref = NULL;
    ArchSpec *arch = NULL;
    RefReport rep = { 0 };
    ArithSpec arith = { 16, 8, 32, 5 };
    RankBinding b, b_ref;
    FxFormat fx;
    int used = CFG_HAS_CASCADE;
    cascade_load(q->cascade, &q->ov, d, &c);
    if (q->ref)
        cascade_load(q->ref, &q->ov, d, &ref);
    if (!c || (q->ref && !ref))
        goto done;
    if (q->arch) {
        used |= CFG_HAS_ARCH;
        if (config_load_arch(q->arch, &q->ov, d, &arch))
            goto done;
        arith = arch->arith;
    }
    if (config_check_overrides(&q->ov, used, d) || bind_all(q, c, ref, d, &b, &b_ref) ||
        cascade_check_masks(c, &b, d) || (ref && cascade_check_masks(ref, &b_ref, d)))
        goto done;
    if (fx_format_init(&fx, &arith)) {
        diag_error(d, q->arch, 0, "arithmetic widths out of range");
        goto done;
    }
    const NMPattern *nm = q->nm_text ? &q->nm : NULL;
    if (ref ? reference_check_cascade(c, &b, ref, &b_ref, &fx, nm, q->seed, q->lo, q->hi, d, &rep)
            : reference_check(c, &b, &fx, nm, q->seed, q->lo, q->hi, d, &rep))
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
    if (ref)
        printf("reference: cascade %s (%s) in double precision\n", ref->name, q->ref);
    printf("%-8s %10s  %12s %12s  %12s %10s\n", "output", "elements", "double abs", "double rel",
           "fixed abs", "fixed LSB");
    double lsb = ldexp(1.0, arith.frac_bits);
    double tol_lsb = q->tol_lsb >= 0 ? q->tol_lsb
                                     : reference_lsb_bound(ref ? ref->problem : c->problem);
    if (tol_lsb == 0 && q->tol_lsb < 0)
        tol_lsb = 16;
    rc = OUTCOME_OK;
    for (int i = 0; i < rep.n; i++) {
        const RefError *e = &rep.out[i];
        const char *name = c->tensors[e->tensor].name;
        printf("%-8s %10zu  %12.3e %12.3e  %12.3e %10.2f\n", name, e->n, e->dbl_abs, e->dbl_rel,
               e->fx_abs, e->fx_abs * lsb);
        if (e->dbl_mismatched || e->fx_mismatched)
            fprintf(stderr, "einsim eval: %s: %zu elements in double precision and %zu in fixed "
                    "point have a value where the reference has none, or none (masked, absent "
                    "or NaN) where it has one\n", name, e->dbl_mismatched, e->fx_mismatched);
        if (e->dbl_rel > q->tol)
            fprintf(stderr, "einsim eval: %s: double-precision relative error %.3e exceeds the "
                    "tolerance %.3g\n", name, e->dbl_rel, q->tol);
        if (e->fx_abs * lsb > tol_lsb)
            fprintf(stderr, "einsim eval: %s: fixed-point error %.2f LSB exceeds the tolerance "
                    "%g LSB\n", name, e->fx_abs * lsb, tol_lsb);
        if (e->dbl_mismatched || e->fx_mismatched || e->dbl_rel > q->tol || e->fx_abs * lsb > tol_lsb)
            rc = OUTCOME_TOLERANCE;
    }
    print_density(c, &rep);
done:
    ref_report_free(&rep);
    arch_free(arch);
    cascade_free(c);
    cascade_free(ref);
    return diag_count(d) ? OUTCOME_INPUT : rc;
}
