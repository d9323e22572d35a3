/* pe.c — sparse PE timing (accumulator hazards) and N:M pattern remapping (model in
 * pe.h). */
#include "sparse/pe.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"

#define PE_MAX_OUTPUTS 64   /* accumulators per PE are validated to <= 64 */

void sparse_pe_timeline(const SparsePeTiming *t, uint32_t outputs, uint64_t beats_per_output,
                        SparsePeEvent *ev, size_t ev_cap, SparsePeSummary *sum)
{
    EINSIM_ASSERT(outputs >= 1 && outputs <= PE_MAX_OUTPUTS && beats_per_output >= 1);
    EINSIM_ASSERT(t->acc_latency >= 1);
    uint64_t last[PE_MAX_OUTPUTS];   /* issue cycle of each output's previous beat */
    uint64_t next = 0;               /* earliest cycle for the next issue */
    uint64_t bubbles = 0, last_issue = 0;
    uint64_t prev_round = 0, prev_len = 0, n_ev = 0;
    for (uint64_t round = 0; round < beats_per_output; round++) {
        uint64_t round_start = next, round_bubbles = 0;
        for (uint32_t j = 0; j < outputs; j++) {
            uint64_t at = next;
            if (round > 0 && last[j] + t->acc_latency > at)
                at = last[j] + t->acc_latency;
            round_bubbles += at - next;
            if (ev && n_ev < ev_cap)
                ev[n_ev++] = (SparsePeEvent){ j, round, at,
                                              at + t->mult_latency + t->adder_latency, at - next };
            last[j] = at;
            last_issue = at;
            next = at + 1;
        }
        bubbles += round_bubbles;
        uint64_t len = next - round_start;
        /* Round r >= 2 equal to round r-1 in length and bubbles: every later round is
         * identical (the state is the issue offsets within a round), so extrapolate. */
        if (!ev && round >= 2 && len == prev_len && round_bubbles == prev_round) {
            uint64_t rest = beats_per_output - 1 - round;
            next += rest * len;
            last_issue += rest * len;
            bubbles += rest * round_bubbles;
            break;
        }
        prev_len = len;
        prev_round = round_bubbles;
    }
    /* The next set reuses the accumulators. Issues within a round are consecutive (a
     * bubble can only precede output 0), so output j of the last round issued at
     * last_issue - (outputs - 1 - j), and the next set's output j, issued j cycles after
     * its output 0, is free exactly when output 0 is. */
    uint64_t span = next, first_free = last_issue - (outputs - 1) + t->acc_latency;
    if (first_free > span)
        span = first_free;
    sum->beats = (uint64_t)outputs * beats_per_output;
    sum->bubbles = bubbles;
    sum->issue_span = span;
    sum->end = last_issue + t->mult_latency + t->adder_latency + t->acc_latency;
}

int nm_remap(const NMPattern *data, const int *pat_n, const int *pat_m, int n_pat,
             const char *unit, NMRemap *out)
{
    memset(out, 0, sizeof *out);
    int best = -1, best_cost = 0;
    for (int k = 0; k < n_pat; k++) {
        if (data->m % pat_m[k] != 0 || data->n > pat_n[k])
            continue;
        int cost = data->m / pat_m[k] * pat_n[k];
        if (best < 0 || cost < best_cost) {
            best = k;
            best_cost = cost;
        }
    }
    if (best >= 0) {
        out->hw_n = pat_n[best];
        out->hw_m = pat_m[best];
        out->split = data->m / pat_m[best];
        return 0;
    }
    Buf b = {0};
    buf_printf(&b, "%d:%d is not supported by unit %s (patterns", data->n, data->m, unit);
    for (int k = 0; k < n_pat; k++)
        buf_printf(&b, "%s %d:%d", k ? "," : "", pat_n[k], pat_m[k]);
    buf_printf(&b, ")");
    /* Explain with the first pattern whose M divides the data's M, if any. */
    int why = -1;
    for (int k = 0; k < n_pat && why < 0; k++)
        if (data->m % pat_m[k] == 0)
            why = k;
    static const char *const words[] = { "zero", "one", "two", "three", "four", "five", "six",
                                         "seven", "eight" };
    if (why >= 0) {
        int s = data->m / pat_m[why];
        if (s <= 8)
            buf_printf(&b, " and %d:%d is not always %s valid %d:%d group%s", data->n, data->m,
                       words[s], pat_n[why], pat_m[why], s == 1 ? "" : "s");
        else
            buf_printf(&b, " and %d:%d is not always %d valid %d:%d groups", data->n, data->m,
                       s, pat_n[why], pat_m[why]);
        buf_printf(&b, " (all %d kept values may fall in one group of %d)", data->n, pat_m[why]);
    } else {
        buf_printf(&b, " and no supported M divides %d", data->m);
    }
    snprintf(out->reason, sizeof out->reason, "%s", b.s);
    buf_free(&b);
    return -1;
}
