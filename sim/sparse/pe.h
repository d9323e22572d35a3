/* pe.h — the SAT-style sparse PE: per-group issue timing and pattern remapping.
 *
 * A sparse PE has `lanes` multipliers, an adder tree over them and a set of interleaved
 * accumulators. Each cycle it can issue one *beat*: the (value, in-group index) pairs of
 * up to `groups_per_beat` groups of ONE output; an index-driven multiplexer picks the
 * matching activations from a window of M per group, the products go through the adder
 * tree and the sum is added to that output's accumulator. An accumulator is busy for
 * `acc_latency` cycles after each addition, so consecutive beats of one output must be
 * at least acc_latency cycles apart; interleaving several outputs (round robin over
 * their accumulators) hides that latency. Dense mode is the same machine with the mux
 * bypassed (a beat = `lanes` consecutive reduction elements).
 *
 * The PE's bit-exact fixed-point N:M MAC is nm_mac_group_fx (func/fixed.h).
 *
 * sparse_pe_timeline() is the single statement of this timing: the cycle level of the
 * training engine uses it, and an RTL co-simulation compares its per-group events
 * cycle for cycle. */
#ifndef EINSIM_SPARSE_PE_H
#define EINSIM_SPARSE_PE_H

#include <stddef.h>
#include <stdint.h>

#include "sparse/nm.h"

typedef struct {
    uint32_t mult_latency;   /* cycles from issue to product */
    uint32_t adder_latency;  /* cycles through the adder tree */
    uint32_t acc_latency;    /* cycles an accumulator is busy per addition (>= 1) */
} SparsePeTiming;

/* One issued beat. Cycle 0 is the first cycle the PE may issue. */
typedef struct {
    uint32_t output;         /* output within the interleaved set, 0-based */
    uint64_t beat;           /* beat of that output, 0-based */
    uint64_t issue;          /* cycle its pairs enter the multipliers */
    uint64_t acc;            /* cycle its sum enters the accumulator: issue + mult + adder */
    uint64_t bubbles;        /* idle issue cycles just before it (accumulator hazard) */
} SparsePeEvent;

typedef struct {
    uint64_t beats;          /* beats issued (outputs x beats per output) */
    uint64_t issue_span;     /* cycle at which the next set of outputs may issue its first
                                beat (each accumulator free again); = beats + bubbles */
    uint64_t end;            /* cycle after the last accumulation completes:
                                last issue + mult + adder + acc latency */
    uint64_t bubbles;        /* idle issue cycles caused by accumulator hazards */
} SparsePeSummary;

/* Timeline of one PE reducing `outputs` (>= 1) interleaved outputs, each in
 * `beats_per_output` (>= 1) beats, issued round robin: output 0 beat 0, output 1 beat
 * 0, ..., output 0 beat 1, ... A beat issues at the earliest cycle that is after the
 * previous issue and at least acc_latency cycles after the previous beat of the same
 * output (so its accumulation does not collide). When `ev` is not NULL, the first
 * min(ev_cap, outputs x beats) events are stored in issue order (and the timeline is
 * simulated beat by beat); otherwise steady state is detected after two identical
 * rounds and the rest is extrapolated exactly. Fills *sum; no allocation. */
void sparse_pe_timeline(const SparsePeTiming *t, uint32_t outputs, uint64_t beats_per_output,
                        SparsePeEvent *ev, size_t ev_cap, SparsePeSummary *sum);

/* How N:M data runs on a unit supporting the patterns pat_n[k]:pat_m[k].
 * The rule: data n:m runs on hardware hn:hm when hm divides m and n <= hn — then each
 * data group is m/hm hardware groups, each holding at most n <= hn kept values (all n
 * may fall in one of them), padded with zero pairs to hn. Among the candidates the one
 * issuing the fewest pairs per data group ((m/hm) x hn) wins, the first listed on ties.
 * Examples: 2:8 on {2:4} -> two 2:4 groups; 1:4 on {2:4} -> one 2:4 group with a zero
 * pair; 2:8 on {1:4} -> rejected: "2:8 is not always two valid 1:4 groups". */
typedef struct {
    int hw_n, hw_m;          /* hardware pattern used */
    int split;               /* hardware groups per data group (m / hw_m) */
    char reason[200];        /* why not, when nm_remap returns -1 */
} NMRemap;
int nm_remap(const NMPattern *data, const int *pat_n, const int *pat_m, int n_pat,
             const char *unit, NMRemap *out);

#endif
