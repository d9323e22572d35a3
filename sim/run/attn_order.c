/* attn_order.c — the engine's schedule of FuseMax attention as the tile order of the
 * RTL's two attention queues (run.h). */
#include "run/run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower/lower_attn.h"
#include "util/util.h"

typedef struct {
    const Cascade *c;
    AttnOrder *o;
    int cap[2];
    char err[256];
    EngineEvent **ev;             /* run_attn_schedule: every event, in issue order */
    int *n_ev, cap_ev;
} OrderCtx;

/* The opcode of Einsum `name` in queue space s (lower/opcodes.h), or 0. */
static uint32_t op_of(int s, const char *name)
{
    for (int i = 0; i < op_spaces[s].n; i++)
        if (strcmp(op_spaces[s].ops[i].name, name) == 0)
            return (uint32_t)op_spaces[s].ops[i].value;
    return 0;
}

static void on_pass(void *ctx, const EngineEvent *ev)
{
    OrderCtx *x = ctx;
    if (x->ev) {
        if (*x->n_ev == x->cap_ev) {
            x->cap_ev = x->cap_ev ? 2 * x->cap_ev : 256;
            *x->ev = xrealloc(*x->ev, (size_t)x->cap_ev * sizeof **x->ev);
        }
        (*x->ev)[(*x->n_ev)++] = *ev;
    }
    if (ev->kind != EV_PASSES || x->err[0])
        return;
    int q = strcmp(ev->unit, "array2d") == 0 ? ATTN_Q2D : strcmp(ev->unit, "array1d") == 0 ? ATTN_Q1D : -1;
    const char *name = x->c->einsums[ev->einsum].name;
    uint32_t op = q < 0 ? 0 : op_of(q == ATTN_Q2D ? OPS_A2 : OPS_A1, name);
    if (!op || (q == ATTN_Q2D && op == A2_PAIR) || ev->passes != 1 || ev->bh > UINT32_MAX ||
        ev->tile > UINT32_MAX || ev->step > UINT32_MAX || ev->block > UINT32_MAX) {
        snprintf(x->err, sizeof x->err, "%s on %s (%" PRIu64 " passes, (batch, head) %" PRIu64
                 ", tile %" PRIu64 ")", name, ev->unit ? ev->unit : "DRAM", ev->passes, ev->bh,
                 ev->tile);
        return;
    }
    if (x->o->n[q] == x->cap[q]) {
        x->cap[q] = x->cap[q] ? 2 * x->cap[q] : 256;
        x->o->v[q] = xrealloc(x->o->v[q], (size_t)x->cap[q] * sizeof *x->o->v[q]);
    }
    x->o->v[q][x->o->n[q]++] = (AttnSlot){ op, (uint32_t)ev->step, (uint32_t)ev->block,
                                           (uint32_t)ev->bh, (uint32_t)ev->tile };
}

int run_attn_order(const RunInputs *ri, AttnOrder *o, Diag *d)
{
    EngineResult *res = xcalloc(1, sizeof *res);
    CycleResult cy = { 0 };
    int rc = run_attn_schedule(ri, true, o, NULL, NULL, res, &cy, d);
    free(res);
    return rc;
}

int run_attn_schedule(const RunInputs *ri, bool on_chip, AttnOrder *o, EngineEvent **ev,
                      int *n_ev, EngineResult *res, CycleResult *cy, Diag *d)
{
    memset(o, 0, sizeof *o);
    OrderCtx x = { .c = ri->cascade, .o = o, .ev = ev, .n_ev = n_ev };
    if (ev)
        *ev = NULL, *n_ev = 0;
    EngineInput in = ri->in;
    in.data_on_chip = on_chip;
    in.trace = on_pass;
    in.trace_ctx = &x;
    memset(cy, 0, sizeof *cy);
    engine_analytic(&in, res);
    if (res->feasible)
        engine_cycle(&in, res, cy);
    o->nbh = (uint64_t)ri->workload->batch * (uint64_t)ri->workload->heads;
    o->ptile = res->n_groups ? res->groups[0].tile : 0;
    o->dram = !on_chip;
    int rc = 0;
    if (!res->feasible || !cy->ran) {
        diag_error(d, ri->mapping->path, ri->mapping->loc.line, "attention: the engine has no "
                   "cycle-level schedule for this mapping (%s)",
                   res->feasible ? "the cycle level did not run" : res->reason);
        rc = 1;
    } else if (x.err[0]) {
        diag_error(d, ri->mapping->path, ri->mapping->loc.line, "attention: the RTL's queues "
                   "take one pass per block; the engine's schedule has %s", x.err);
        rc = 1;
    }
    if (rc) {
        lower_attn_order_free(o);
        if (ev) {
            free(*ev);
            *ev = NULL, *n_ev = 0;
        }
    }
    return rc;
}
