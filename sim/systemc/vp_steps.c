/* vp_steps.c — building, scheduling and freeing a step list (vp_steps.h); independent of
 * the timing source that fills it. */
#include "systemc/vp_steps.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void vp_steps_free(VpSteps *s)
{
    free(s->step);
    free(s->xfer);
    memset(s, 0, sizeof *s);
}

VpStep *vp_steps_push(VpSteps *s, uint32_t unit, uint64_t issue, uint64_t lat, const char *op,
                      uint32_t tile)
{
    EINSIM_ASSERT(unit < s->n_unit && lat >= 1);
    if ((s->n_step & (s->n_step - 1)) == 0)       /* grow at powers of two */
        s->step = xrealloc(s->step, (s->n_step ? 2 * (size_t)s->n_step : 16) * sizeof *s->step);
    VpStep *st = &s->step[s->n_step++];
    *st = (VpStep){ .unit = unit, .issue_cyc = issue, .lat_cyc = lat, .load0 = s->n_xfer,
                    .store0 = s->n_xfer, .op = op, .tile = tile };
    return st;
}

void vp_steps_dep(VpSteps *s, uint32_t dep)
{
    VpStep *st = &s->step[s->n_step - 1];
    EINSIM_ASSERT(dep < s->n_step - 1 && st->n_deps < VP_STEP_MAX_DEPS);
    st->dep[st->n_deps++] = dep;
}

void vp_steps_xfer(VpSteps *s, bool store, int tensor, uint64_t offset, uint64_t row_bytes,
                   uint64_t rows, uint64_t stride)
{
    VpStep *st = &s->step[s->n_step - 1];
    EINSIM_ASSERT(store || st->n_store == 0);     /* a step's loads come before its stores */
    if ((s->n_xfer & (s->n_xfer - 1)) == 0)
        s->xfer = xrealloc(s->xfer, (s->n_xfer ? 2 * (size_t)s->n_xfer : 16) * sizeof *s->xfer);
    s->xfer[s->n_xfer++] = (VpXfer){ tensor, offset, row_bytes, rows, stride };
    if (store)
        st->n_store++;
    else
        st->n_load++, st->store0++;
}

uint64_t vp_steps_schedule(const VpSteps *s, const uint64_t *ready, uint64_t *start,
                           uint64_t *end)
{
    uint64_t free_at[VP_MAX_UNITS] = { 0 }, last = 0;
    uint64_t *e = end ? end : xcalloc(s->n_step ? s->n_step : 1, sizeof *e);
    for (uint32_t i = 0; i < s->n_step; i++) {
        const VpStep *st = &s->step[i];
        uint64_t t = free_at[st->unit];
        if (ready && ready[i] > t)
            t = ready[i];
        for (uint32_t k = 0; k < st->n_deps; k++)
            if (e[st->dep[k]] > t)
                t = e[st->dep[k]];
        free_at[st->unit] = t + st->issue_cyc;
        e[i] = t + st->lat_cyc;
        if (start)
            start[i] = t;
        if (e[i] > last)
            last = e[i];
    }
    if (!end)
        free(e);
    return last;
}
