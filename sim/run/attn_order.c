/* attn_order.c — the engine's schedule of FuseMax attention as the events the attention
 * lowering takes (run.h): the passes as the tile order of the RTL's two attention queues,
 * the loads and stores of its data in DRAM. */
#include "run/run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower/lower_attn.h"
#include "util/util.h"

typedef struct {
    const Cascade *c;
    int tQ, tBK, tBV, tAV;
    AttnOrder *o;                 /* passes per queue (NULL: not kept) */
    int cap[2];
    AttnEvent **ev;               /* every event, in issue order (NULL: not kept) */
    size_t *n_ev, cap_ev;
    AttnStartFn start;            /* streamed: called before the first event */
    AttnEventFn event;
    void *ctx;
    bool stop;                    /* the stream's consumer wants no more */
    char err[256];
} OrderCtx;

/* The opcode of Einsum `name` in queue space s (lower/opcodes.h), or 0. */
static uint32_t op_of(int s, const char *name)
{
    for (int i = 0; i < op_spaces[s].n; i++)
        if (strcmp(op_spaces[s].ops[i].name, name) == 0)
            return (uint32_t)op_spaces[s].ops[i].value;
    return 0;
}

/* The engine's event as the lowering's (x->err set for a pass the queues cannot take).
 * A move of another group, or of a tensor other than Q, BK, BV and AV, keeps a (batch,
 * head) or tensor the lowering refuses. */
static bool convert(OrderCtx *x, const EngineEvent *ev, AttnEvent *e)
{
    bool wide = ev->bh > UINT32_MAX || ev->tile > UINT32_MAX || ev->step > UINT32_MAX ||
                ev->block > UINT32_MAX;
    *e = (AttnEvent){ .at = { 0, (uint32_t)ev->step, (uint32_t)ev->block, (uint32_t)ev->bh,
                              (uint32_t)ev->tile },
                      .words = ev->words, .copies = ev->copies, .start = ev->start,
                      .end = ev->end };
    if (ev->kind != EV_PASSES) {
        e->kind = ev->kind == EV_LOAD ? AE_LOAD : AE_STORE;
        int t = ev->tensor;
        e->tensor = t == x->tQ ? 0 : t == x->tBK ? 1 : t == x->tBV ? 2 : t == x->tAV ? 3 : 99;
        if (ev->group != 0 || wide)
            e->at.bh = UINT32_MAX;
        return true;
    }
    int q = strcmp(ev->unit, "array2d") == 0 ? ATTN_Q2D : strcmp(ev->unit, "array1d") == 0 ? ATTN_Q1D : -1;
    const char *name = x->c->einsums[ev->einsum].name;
    uint32_t op = q < 0 ? 0 : op_of(q == ATTN_Q2D ? OPS_A2 : OPS_A1, name);
    if (!op || (q == ATTN_Q2D && op == A2_PAIR) || ev->passes != 1 || wide) {
        snprintf(x->err, sizeof x->err, "%s on %s (%" PRIu64 " passes, (batch, head) %" PRIu64
                 ", tile %" PRIu64 ")", name, ev->unit ? ev->unit : "DRAM", ev->passes, ev->bh,
                 ev->tile);
        return false;
    }
    e->kind = AE_PASS, e->q = q, e->at.op = op;
    return true;
}

static void on_event(void *ctx, const EngineEvent *ev)
{
    OrderCtx *x = ctx;
    AttnEvent e;
    if (x->err[0] || x->stop || !convert(x, ev, &e))
        return;
    if (x->event && x->event(x->ctx, &e))
        x->stop = true;
    if (x->ev) {
        if (*x->n_ev == x->cap_ev) {
            x->cap_ev = x->cap_ev ? 2 * x->cap_ev : 256;
            *x->ev = xrealloc(*x->ev, x->cap_ev * sizeof **x->ev);
        }
        (*x->ev)[(*x->n_ev)++] = e;
    }
    if (!x->o || e.kind != AE_PASS)
        return;
    int q = e.q;
    if (x->o->n[q] == x->cap[q]) {
        x->cap[q] = x->cap[q] ? 2 * x->cap[q] : 256;
        x->o->v[q] = xrealloc(x->o->v[q], (size_t)x->cap[q] * sizeof *x->o->v[q]);
    }
    x->o->v[q][x->o->n[q]++] = e.at;
}

/* Runs the engine with x's trace; o gets the tiling. */
static int schedule(const RunInputs *ri, bool on_chip, OrderCtx *x, AttnOrder *o,
                    EngineResult *res, CycleResult *cy, Diag *d)
{
    const Cascade *c = ri->cascade;
    x->c = c;
    x->tQ = cascade_find_tensor(c, "Q"), x->tBK = cascade_find_tensor(c, "BK");
    x->tBV = cascade_find_tensor(c, "BV"), x->tAV = cascade_find_tensor(c, "AV");
    EngineInput in = ri->in;
    in.data_on_chip = on_chip;
    in.trace = on_event;
    in.trace_ctx = x;
    memset(cy, 0, sizeof *cy);
    engine_analytic(&in, res);
    o->nbh = (uint64_t)ri->workload->batch * (uint64_t)ri->workload->heads;
    o->ptile = res->n_groups ? res->groups[0].tile : 0;
    o->dram = !on_chip;
    if (res->feasible && x->start && x->start(x->ctx, o))
        x->stop = true;
    if (res->feasible)
        engine_cycle(&in, res, cy);
    if (!res->feasible || !cy->ran) {
        diag_error(d, ri->mapping->path, ri->mapping->loc.line, "attention: the engine has no "
                   "cycle-level schedule for this mapping (%s)",
                   res->feasible ? "the cycle level did not run" : res->reason);
        return 1;
    }
    if (x->err[0]) {
        diag_error(d, ri->mapping->path, ri->mapping->loc.line, "attention: the RTL's queues "
                   "take one pass per block; the engine's schedule has %s", x->err);
        return 1;
    }
    return 0;
}

int run_attn_order(const RunInputs *ri, AttnOrder *o, Diag *d)
{
    EngineResult *res = xcalloc(1, sizeof *res);
    CycleResult cy = { 0 };
    int rc = run_attn_schedule(ri, true, o, NULL, NULL, res, &cy, d);
    free(res);
    return rc;
}

int run_attn_schedule(const RunInputs *ri, bool on_chip, AttnOrder *o, AttnEvent **ev,
                      size_t *n_ev, EngineResult *res, CycleResult *cy, Diag *d)
{
    memset(o, 0, sizeof *o);
    OrderCtx x = { .o = o, .ev = ev, .n_ev = n_ev };
    if (ev)
        *ev = NULL, *n_ev = 0;
    int rc = schedule(ri, on_chip, &x, o, res, cy, d);
    if (rc) {
        lower_attn_order_free(o);
        if (ev) {
            free(*ev);
            *ev = NULL, *n_ev = 0;
        }
    }
    return rc;
}

int run_attn_stream(const RunInputs *ri, AttnStartFn start, AttnEventFn event, void *ctx,
                    EngineResult *res, CycleResult *cy, Diag *d)
{
    AttnOrder o = { 0 };
    OrderCtx x = { .start = start, .event = event, .ctx = ctx };
    return schedule(ri, false, &x, &o, res, cy, d);
}
