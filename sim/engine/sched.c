/* sched.c — the cycle level of one fused group: the sweep over its items (model in
 * engine.h and engineInt.h).
 *
 * Slots are visited in order; in slot k every actor issues its work for item k - skew:
 * prefetching loads first, then the Einsums in stage order, then the stores. Each
 * resource (a compute unit, the DRAM channel) serves requests in this issue order, so a
 * request starts at max(resource free, every value it needs available) — the schedule
 * is a max-plus recurrence computed in one pass, and more work never makes it shorter.
 *
 * Loads: a tensor read from DRAM is held in the buffer for one residency (a tile, a
 * step, or an item) in one of `copies` buffers. The load of residency q is issued once
 * every consumer of residency q - copies has issued, and it waits (write-after-read)
 * until they have finished; with copies >= 2 it overlaps the compute of the residencies
 * before it. Loads that wait for a store of the same group (spilled tensors) are issued
 * just in time. Stores wait for their producer; a producer waits until the store of its
 * output two runs back has drained its staging buffer.
 *
 * Steady state: at the start of every step the live state (resource times, the results
 * future requests may read, the buffers in flight) is recorded relative to the current
 * time. When the state at slot k equals the state at slot k - p shifted by a constant,
 * and the items the next periods process look exactly like the previous period's (same
 * extents, same phases), every following period repeats with the same shift, so the
 * sweep jumps over as many whole periods as the structure allows. Candidate periods: a
 * few steps inside a tile, a few tiles inside a (batch, head), and whole (batch, head)s;
 * in a tile of one step whose items read no other item's results, a few blocks.
 *
 * Cutoff: the engine sweeps a group's options with the best schedule so far as a cutoff
 * (SchedLimit); the sweep stops once the cutoff is provably reached. */
#include "engine/engineInt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define ABSENT UINT64_MAX
#define PORT_SNAP 8        /* port intervals a snapshot pads to */
#define STEP_CACHE 8       /* steps whose live blocks are remembered */

typedef struct {
    uint64_t tag;          /* item, or residency number; ABSENT when empty */
    uint64_t end;          /* result usable (Einsums: last pass; loads: data in the buffer) */
    uint64_t use_end;      /* loads: last consumer finished */
    uint64_t start, cyc;   /* loads: transfer start and cycles (streamed slices) */
} Rec;

typedef struct {
    uint64_t bh, tile, step, block;  /* tile and step inside the (b, h) */
    uint64_t nb;                     /* blocks of this tile */
    uint64_t tile_first;             /* global item of the tile's first item */
    uint64_t step_first;             /* global item of the step's first item */
    uint64_t gtile, gstep;           /* global tile and step numbers */
    ItemExt x;
    bool dead;                       /* masked out: costs nothing (live.c) */
} Item;

typedef struct {
    ItemExt x;
    PassShape s;
    bool valid;
} ShapeCache;

/* A buffer port's busy time as disjoint sorted intervals [b, e): words stream through
 * it in whatever cycles are free from a request's start on, so requests issued out of
 * time order share it without leaving it idle. */
typedef struct {
    uint64_t *b, *e;
    int n, cap;
} Calendar;

/* Reserves `need` free cycles from `start` on; returns the cycle after the last. The
 * intervals stay sorted, disjoint and not touching; only the ones next to an inserted
 * interval can come to touch, so only those are merged. */
static uint64_t cal_take(Calendar *c, uint64_t start, uint64_t need)
{
    if (need == 0)
        return start;
    uint64_t t = start, done = start;
    int lo = 0, hi = c->n;   /* the first interval ending after t */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (c->e[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    int i = lo, first = -1, last = -1;
    /* Walk gaps: [t, next busy start). */
    while (need) {
        uint64_t gap_end = i < c->n ? c->b[i] : UINT64_MAX;
        if (t < gap_end) {
            uint64_t take = gap_end - t < need ? gap_end - t : need;
            /* Insert [t, t + take) before interval i. */
            if (c->n == c->cap) {
                c->cap = c->cap ? 2 * c->cap : 16;
                c->b = xrealloc(c->b, (size_t)c->cap * sizeof *c->b);
                c->e = xrealloc(c->e, (size_t)c->cap * sizeof *c->e);
            }
            memmove(c->b + i + 1, c->b + i, (size_t)(c->n - i) * sizeof *c->b);
            memmove(c->e + i + 1, c->e + i, (size_t)(c->n - i) * sizeof *c->e);
            c->b[i] = t;
            c->e[i] = t + take;
            c->n++;
            if (first < 0)
                first = i;
            last = i;
            need -= take;
            done = t + take;
            t += take;
            i++;
        }
        if (!need)
            break;
        t = c->e[i] > t ? c->e[i] : t;
        i++;
    }
    /* Merge touching intervals in [first - 1, last + 1]. */
    int a = first > 0 ? first - 1 : 0, z = last + 1 < c->n ? last + 1 : c->n - 1, k = a;
    for (int j = a + 1; j <= z; j++) {
        if (c->b[j] <= c->e[k]) {
            if (c->e[j] > c->e[k])
                c->e[k] = c->e[j];
        } else {
            k++;
            c->b[k] = c->b[j];
            c->e[k] = c->e[j];
        }
    }
    if (z > k) {
        memmove(c->b + k + 1, c->b + z + 1, (size_t)(c->n - z - 1) * sizeof *c->b);
        memmove(c->e + k + 1, c->e + z + 1, (size_t)(c->n - z - 1) * sizeof *c->e);
        c->n -= z - k;
    }
    return done;
}

/* Forgets the busy time before `floor` (no request can start earlier). */
static void cal_prune(Calendar *c, uint64_t floor)
{
    int k = 0;
    while (k < c->n && c->e[k] <= floor)
        k++;
    if (k) {
        memmove(c->b, c->b + k, (size_t)(c->n - k) * sizeof *c->b);
        memmove(c->e, c->e + k, (size_t)(c->n - k) * sizeof *c->e);
        c->n -= k;
    }
    if (c->n && c->b[0] < floor)
        c->b[0] = floor;
}

typedef struct {
    const EngineInput *in;
    const PlanGroup *p;
    int n_units;
    uint64_t *unit_free;
    uint64_t dram_free;
    Calendar port[2];      /* the group buffer's read and write ports */
    uint64_t slot_end;     /* unpipelined groups: the last result of the previous slot */
    Rec **ring;            /* per actor */
    uint64_t *ring_size;   /* powers of two */
    uint64_t **store_runs; /* stores: completion of the last `copies` runs, by run count */
    uint64_t *store_nrun;
    ShapeCache (*cache)[8];
    uint64_t *dram_cyc_cache_words, *dram_cyc_cache;  /* per actor, one entry */
    double *dram_byte_cache;
    const SchedLimit *lim;
    uint64_t *done;        /* per unit: n x ivl issued so far */
    double done_bytes;     /* DRAM bytes moved so far */
    uint64_t end;          /* latest end so far */
    uint64_t unit_wait, dram_wait, port_wait;
    uint32_t *max_cons_skew, *min_cons_skew; /* loads */
    uint64_t live;         /* items before the current slot whose results may still be read */
    uint64_t chain;        /* unpipelined groups: a lower bound on a full slot (slot_chain) */
    uint64_t dc_item[4];   /* decode cache (run_slot visits a few distinct items a slot) */
    Item dc[4];
    uint8_t *sc_live[STEP_CACHE];    /* masks: the live blocks of a few (tile, step)s */
    uint64_t sc_tile[STEP_CACHE], sc_step[STEP_CACHE], sc_next;
    bool sc_valid[STEP_CACHE];
    bool overflow;
} Sw;

static uint64_t add(Sw *w, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (!ck_add_u64(a, b, &r)) {
        w->overflow = true;
        return UINT64_MAX / 4;
    }
    return r;
}

static uint64_t mul(Sw *w, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (!ck_mul_u64(a, b, &r)) {
        w->overflow = true;
        return UINT64_MAX / 4;
    }
    return r;
}

static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* ---- items and residencies ------------------------------------------------------------ */

static uint64_t items_per_full_tile(const PlanGroup *p) { return p->steps * p->nb_full; }

static void decode(const PlanGroup *p, uint64_t i, Item *it)
{
    it->bh = i / p->items_per_bh;
    uint64_t rem = i % p->items_per_bh, ipt = items_per_full_tile(p);
    uint64_t bh_first = i - rem;
    if (rem < (p->n_tiles - 1) * ipt) {
        it->tile = rem / ipt;
        it->nb = p->nb_full;
        rem %= ipt;
    } else {
        it->tile = p->n_tiles - 1;
        it->nb = p->nb_last;
        rem -= (p->n_tiles - 1) * ipt;
    }
    it->step = rem / it->nb;
    it->block = rem % it->nb;
    it->tile_first = bh_first + it->tile * ipt;
    it->step_first = it->tile_first + it->step * it->nb;
    it->gtile = it->bh * p->n_tiles + it->tile;
    it->gstep = it->gtile * p->steps + it->step;
    bool last_tile = it->tile == p->n_tiles - 1;
    it->x.blk = plan_block_ext(p, last_tile, it->block);
    it->x.chunk = it->step + 1 < p->steps ? p->chunk : p->chunk_last;
    it->x.tile = last_tile ? p->tile_last : (p->tile ? p->tile : p->tile_last);
    it->dead = false;   /* decode_cached fills it in */
}

/* Is residency q of load actor pa (first item `it`) dead: no live item reads it? */
static const uint8_t *step_blocks(Sw *w, uint64_t tile, uint64_t step);
static const Item *decode_cached(Sw *w, uint64_t i);
static bool residency_dead(Sw *w, const PlanAct *pa, uint64_t q, const Item *it)
{
    const PlanGroup *p = w->p;
    if (!p->n_masked || !pa->maskable)
        return false;
    if (pa->res == RES_ITEM)
        return decode_cached(w, q)->dead;
    if (pa->res == RES_STEP) {
        const uint8_t *live = step_blocks(w, it->tile, it->step);
        for (uint64_t b = 0; b < it->nb; b++)
            if (live[b])
                return false;
        return true;
    }
    return !live_tiles(p, (LiveBox){ it->tile, it->tile + 1, 0, p->steps, 0, it->nb });
}

/* Residency number of item `it` for residency kind r, and the range of items it covers. */
static uint64_t residency_of(const Item *it, Residency r, uint64_t item)
{
    return r == RES_TILE ? it->gtile : r == RES_STEP ? it->gstep : item;
}

static uint64_t residencies_total(const PlanGroup *p, Residency r)
{
    return r == RES_TILE ? p->bh * p->n_tiles : r == RES_STEP ? p->bh * p->n_tiles * p->steps : p->items;
}

/* First item of residency q. */
static uint64_t residency_first(const PlanGroup *p, Residency r, uint64_t q)
{
    if (r == RES_ITEM)
        return q;
    uint64_t gtile = r == RES_TILE ? q : q / p->steps, step = r == RES_TILE ? 0 : q % p->steps;
    uint64_t bh = gtile / p->n_tiles, tile = gtile % p->n_tiles;
    uint64_t first = bh * p->items_per_bh + tile * items_per_full_tile(p);
    uint64_t nb = tile == p->n_tiles - 1 ? p->nb_last : p->nb_full;
    return first + step * nb;
}

/* Is item i the last item of its residency? */
static bool residency_last_item(const PlanGroup *p, Residency r, const Item *it)
{
    if (r == RES_ITEM)
        return true;
    if (it->block + 1 != it->nb)
        return false;
    return r == RES_STEP || it->step + 1 == p->steps;
}

/* ---- rings ---------------------------------------------------------------------------- */

static Rec *rec_at(Sw *w, int a, uint64_t tag)
{
    return &w->ring[a][tag & (w->ring_size[a] - 1)];
}

static const Rec *rec_find(const Sw *w, int a, uint64_t tag)
{
    const Rec *r = &w->ring[a][tag & (w->ring_size[a] - 1)];
    return r->tag == tag && tag != ABSENT ? r : NULL;
}

static PassShape shape_of(Sw *w, int a, ItemExt x)
{
    ShapeCache *c = w->cache[a];
    for (int i = 0; i < 8; i++)
        if (c[i].valid && c[i].x.blk == x.blk && c[i].x.chunk == x.chunk && c[i].x.tile == x.tile)
            return c[i].s;
    int slot = 0;
    while (slot < 7 && c[slot].valid)
        slot++;
    c[slot].x = x;
    c[slot].s = plan_shape(w->in, w->p, a, x);
    c[slot].valid = true;
    return c[slot].s;
}

static uint64_t dram_cycles(Sw *w, int a, ItemExt x)
{
    if (w->in->data_on_chip)
        return 0;
    uint64_t words = plan_words(w->in, w->p, a, x);
    if (w->dram_cyc_cache_words[a] != words) {
        double bytes = ceil((double)words * (double)w->in->workload->dtype_bits / 8.0);
        double cyc = ceil(bytes / w->p->bytes_per_cycle);
        w->dram_cyc_cache_words[a] = words;
        w->dram_cyc_cache[a] = cyc >= 1.8e19 ? (w->overflow = true, UINT64_MAX / 4) : (uint64_t)cyc;
        w->dram_byte_cache[a] = bytes;
    }
    w->done_bytes += w->dram_byte_cache[a];    /* one call per transfer */
    return w->dram_cyc_cache[a];
}

/* ---- issuing ----------------------------------------------------------------------------- */

static void issue_load(Sw *w, int a, uint64_t q, uint64_t dep_ready)
{
    const PlanGroup *p = w->p;
    const PlanAct *pa = &p->act[a];
    Item it;
    decode(p, residency_first(p, pa->res, q), &it);
    uint64_t ready = dep_ready;
    /* Partial sums (pa->reloads): the store of the same item a tile back was issued
     * before this load (plan_schedule bounds the load's prefetch) on the same DRAM
     * channel, which serves requests in issue order, so it has finished when this
     * transfer starts. */
    if (q >= pa->copies) {
        const Rec *old = rec_find(w, a, q - pa->copies);
        if (old)
            ready = umax(ready, old->use_end);
    }
    if (residency_dead(w, pa, q, &it) || (pa->reloads >= 0 && it.tile == 0)) {
        /* Nothing live reads it (or no partial sums yet): no transfer. */
        Rec *r = rec_at(w, a, q);
        *r = (Rec){ q, ready, ready, ready, 0 };
        return;
    }
    uint64_t start = umax(w->dram_free, ready);
    uint64_t cyc = dram_cycles(w, a, it.x);
    w->dram_free = add(w, start, cyc);
    Rec *r = rec_at(w, a, q);
    r->tag = q;
    r->end = add(w, w->dram_free, w->in->data_on_chip ? 0 : p->dram_latency);
    r->use_end = r->end;
    r->start = start;
    r->cyc = cyc;
    w->end = umax(w->end, r->end);
    if (w->in->trace)
        w->in->trace(w->in->trace_ctx, &(EngineEvent){
            EV_LOAD, p->group, -1, pa->tensor, NULL, it.bh, it.tile, it.step, it.block, 0, 0,
            plan_words(w->in, p, a, it.x), start, r->end, pa->copies });
}

/* When the value dependency d of actor a at item `item` is usable. A load streamed pass
 * by pass is usable once its first slice has arrived; *tail is then raised to the end of
 * the whole transfer, which the last pass must wait for. */
static uint64_t dep_time(Sw *w, int a, const PlanDep *d, const Item *it, uint64_t item, bool *from_dram,
                         uint64_t units_hint, uint64_t *tail)
{
    const PlanGroup *p = w->p;
    const PlanAct *pr = &p->act[d->prod];
    if (pr->kind == ACT_LOAD) {
        uint64_t q = residency_of(it, pr->res, item);
        const Rec *r = rec_find(w, d->prod, q);
        EINSIM_ASSERT(r);
        *from_dram = true;
        uint64_t lat = w->in->data_on_chip ? 0 : p->dram_latency;
        if (pr->res == RES_ITEM && pr->stream_div > 1) {
            /* An item's operand streams in while the passes read it: the first pass
             * starts once the first of its `units` slices (every issue cycle of every
             * pass reads one) has arrived, and the last element is read after the whole
             * transfer (*tail). */
            *tail = umax(*tail, r->end);
            uint64_t units = units_hint ? units_hint : 1;
            return add(w, add(w, r->start, (r->cyc + units - 1) / units), lat);
        }
        if (pr->res == RES_TILE && pr->has_block && it->nb > 1) {
            /* A tile's data arrives block by block: block b is usable once the first
             * b + 1 blocks' share of the transfer is done. */
            uint64_t part = mul(w, r->cyc, it->block + 1) / it->nb;
            return add(w, add(w, r->start, part), lat);
        }
        return r->end;
    }
    if (pr->kind == ACT_STORE) {
        const Rec *r = rec_find(w, d->prod, item);
        *from_dram = true;
        return r ? r->end : 0;
    }
    uint64_t base;
    if (d->kind == DEP_TILE_FIRST) {
        base = it->tile_first;
    } else {
        int64_t s = (int64_t)it->step + d->dstep;
        if (s < 0)
            return 0;                  /* an initial value */
        base = it->step_first - (uint64_t)(-d->dstep) * it->nb;
    }
    uint64_t prod_item = base + (d->whole ? it->nb - 1 : it->block);
    const Rec *r = rec_find(w, d->prod, prod_item);
    (void)a;
    EINSIM_ASSERT(r);
    return r->end;
}

/* When the words of passes 0 .. q of n of a stationary operand g, streamed by transfer r,
 * are in the buffer. */
static uint64_t stationary_arrival(Sw *w, const PlanStationary *g, const Rec *r, uint64_t q,
                                   uint64_t n)
{
    uint64_t words = plan_stationary_words(g, q, n);
    double bytes = ceil((double)words * (double)w->in->workload->dtype_bits / 8.0);
    double cyc = ceil(bytes / w->p->bytes_per_cycle);
    uint64_t c = cyc >= 1.8e19 ? (w->overflow = true, UINT64_MAX / 4) : (uint64_t)cyc;
    if (c > r->cyc)
        c = r->cyc;
    return add(w, add(w, r->start, c), w->p->dram_latency);
}

/* When the last of the n passes starts: the first at `start` (after its words arrived),
 * pass q at max(pass q-1 + ivl, arrival(q)). From one pass to the next the arrival grows
 * by at least `lo` and at most `hi` cycles (a tile's fewest and most words; a step covers
 * at most one tile when n >= the tiles). When hi <= ivl the passes follow every ivl; when
 * lo >= ivl (a tile per pass, uncapped) each waits for its own words, so the last starts
 * at max(start + (n-1) ivl, arrival(n-1)); otherwise pass by pass, until one starts after
 * the whole transfer has arrived. O(1) per item except in that last case. */
static uint64_t stationary_last(Sw *w, const PlanStationary *g, const Rec *r, uint64_t start,
                                uint64_t n, uint64_t ivl)
{
    double bits = (double)w->in->workload->dtype_bits, bpc = w->p->bytes_per_cycle;
    double lo = floor(floor((double)g->step_min * bits / 8.0) / bpc);
    double hi = ceil(ceil((double)g->step_max * bits / 8.0) / bpc);
    uint64_t follow = add(w, start, mul(w, n - 1, ivl));
    uint64_t all = add(w, add(w, r->start, r->cyc), w->p->dram_latency);
    if (n >= g->tiles && hi <= (double)ivl)
        return follow;
    if (g->step_min && n == g->tiles && lo >= (double)ivl) {
        uint64_t a = stationary_arrival(w, g, r, n - 1, n);
        if (a <= all)
            return umax(follow, a);
    }
    uint64_t q = 0, q_start = start;
    while (q + 1 < n && q_start < all) {
        q++;
        q_start = umax(add(w, q_start, ivl), stationary_arrival(w, g, r, q, n));
    }
    return add(w, q_start, mul(w, n - 1 - q, ivl));
}

static void note_use(Sw *w, const PlanAct *pa, const Item *it, uint64_t item, uint64_t end)
{
    for (int k = 0; k < pa->n_deps; k++) {
        const PlanDep *d = &pa->deps[k];
        const PlanAct *pr = &w->p->act[d->prod];
        if (pr->kind != ACT_LOAD)
            continue;
        Rec *r = rec_at(w, d->prod, residency_of(it, pr->res, item));
        r->use_end = umax(r->use_end, end);
    }
}

static uint64_t issue_einsum(Sw *w, int a, uint64_t item, const Item *it, uint64_t barrier)
{
    const PlanGroup *p = w->p;
    const PlanAct *pa = &p->act[a];
    PassShape s = shape_of(w, a, it->x);
    uint64_t ready = barrier, ready_dram = 0, tail = 0;
    int st_ld = -1;            /* a streamed load of the operand the passes hold stationary */
    for (int k = 0; k < pa->n_deps; k++) {
        bool dram = false;
        if (pa->deps[k].in_unit)
            continue;          /* the unit's own pipeline keeps them in order */
        const PlanAct *pr = &p->act[pa->deps[k].prod];
        if (pr->kind == ACT_LOAD && pr->res == RES_ITEM && pr->stream_div > 1 &&
            s.dataflow == DF_STATIONARY && s.stationary >= 0 && !w->in->data_on_chip &&
            engine_view_source(w->in->cascade, pr->tensor) ==
                engine_view_source(w->in->cascade, s.stationary)) {
            st_ld = pa->deps[k].prod;
            continue;          /* per pass, below */
        }
        uint64_t t = dep_time(w, a, &pa->deps[k], it, item, &dram, mul(w, s.n, s.len), &tail);
        if (dram)
            ready_dram = umax(ready_dram, t);
        else
            ready = umax(ready, t);
    }
    if (pa->store >= 0) {
        uint64_t sc = p->act[pa->store].copies, nr = w->store_nrun[pa->store];
        if (nr >= sc)
            ready = umax(ready, w->store_runs[pa->store][nr % sc]);
    }
    /* A stationary operand streamed from DRAM: a pass loads its tile of it into the PEs
     * at its start, so pass q starts once the words of passes 0 .. q have arrived (the
     * transfer's first W bytes take ceil(W / bytes per cycle) cycles, then the latency);
     * later passes slip behind a slow transfer. */
    const Rec *st_rec = NULL;
    PlanStationary st;
    if (st_ld >= 0) {
        st_rec = rec_find(w, st_ld, residency_of(it, p->act[st_ld].res, item));
        EINSIM_ASSERT(st_rec);
        plan_stationary(w->in, p, a, st_ld, it->x, &st);
        ready_dram = umax(ready_dram, stationary_arrival(w, &st, st_rec, 0, s.n));
    }
    uint64_t *uf = &w->unit_free[pa->unit];
    uint64_t start = umax(*uf, umax(ready, ready_dram));
    if (start > *uf) {
        if (ready_dram > ready)
            w->dram_wait = add(w, w->dram_wait, start - *uf);
        else
            w->unit_wait = add(w, w->unit_wait, start - *uf);
    }
    /* The buffer's ports stream the item's words while it issues, shared with the other
     * units first come first served: the item cannot finish issuing before its words
     * have been through the port. */
    uint64_t port_done = 0;
    uint64_t port_need[2] = { s.rd, s.wr };
    if (pa->reload >= 0 && it->tile)   /* partial sums from the previous tile */
        port_need[0] = add(w, port_need[0], plan_words(w->in, p, pa->reload, it->x));
    if (w->port[0].n + w->port[1].n > 64) {
        /* No request starts before the earliest unit of the group can issue. */
        uint64_t floor = UINT64_MAX;
        for (int k = 0; k < p->n_act; k++)
            if (p->act[k].kind == ACT_EINSUM)
                floor = umax(0, floor < w->unit_free[p->act[k].unit] ? floor : w->unit_free[p->act[k].unit]);
        cal_prune(&w->port[0], floor);
        cal_prune(&w->port[1], floor);
    }
    for (int q = 0; q < 2 && p->port_words; q++)
        if (port_need[q])
            port_done = umax(port_done, cal_take(&w->port[q], start,
                                                 (port_need[q] + p->port_words - 1) / p->port_words));
    uint64_t issue_end = add(w, start, mul(w, s.n, s.ivl));
    w->done[pa->unit] = add(w, w->done[pa->unit], mul(w, s.n, s.ivl));
    if (port_done > issue_end) {
        w->port_wait = add(w, w->port_wait, port_done - issue_end);
        tail = umax(tail, port_done);
    }
    /* The last pass reads its last element (its last issue cycle) after a streamed
     * load's last data has arrived. */
    uint64_t last = add(w, start, mul(w, s.n - 1, s.ivl));
    if (st_rec)
        last = umax(last, stationary_last(w, &st, st_rec, start, s.n, s.ivl));
    if (tail > last + s.len)
        last = tail - s.len;
    *uf = add(w, last, s.ivl);
    uint64_t end = add(w, last, s.lat);
    Rec *r = rec_at(w, a, item);
    r->tag = item;
    r->end = end;
    r->use_end = end;
    if (w->in->trace)
        w->in->trace(w->in->trace_ctx, &(EngineEvent){
            EV_PASSES, p->group, pa->einsum, pa->tensor, w->in->arch->units[pa->unit].name,
            it->bh, it->tile, it->step, it->block, s.n, s.len, 0, start, end });
    w->end = umax(w->end, end);
    /* A pass reads its operands from the buffer while it issues: the buffer copy is free
     * once the unit has issued it, before its results drain. */
    note_use(w, pa, it, item, *uf);
    return end;
}

/* A dead item: the Einsum's value carries over unchanged (a fully masked chunk leaves
 * the running values as they were), usable when what it would have read is; no unit
 * time, no buffer words. */
static uint64_t pass_einsum(Sw *w, int a, uint64_t item, const Item *it)
{
    const PlanGroup *p = w->p;
    const PlanAct *pa = &p->act[a];
    uint64_t ready = 0, tail = 0;
    for (int k = 0; k < pa->n_deps; k++) {
        bool dram = false;
        if (p->act[pa->deps[k].prod].kind != ACT_EINSUM)
            continue;
        ready = umax(ready, dep_time(w, a, &pa->deps[k], it, item, &dram, 1, &tail));
    }
    Rec *r = rec_at(w, a, item);
    r->tag = item;
    r->end = r->use_end = ready;
    return ready;
}

static void issue_store(Sw *w, int a, uint64_t item, const Item *it)
{
    const PlanGroup *p = w->p;
    const PlanAct *pa = &p->act[a];
    const Rec *src = rec_find(w, pa->deps[0].prod, item);
    EINSIM_ASSERT(src);
    uint64_t start = umax(w->dram_free, src->end);
    w->dram_free = add(w, start, dram_cycles(w, a, it->x));
    Rec *r = rec_at(w, a, item);
    r->tag = item;
    r->end = w->dram_free;
    r->use_end = r->end;
    w->store_runs[a][w->store_nrun[a] % pa->copies] = w->dram_free;
    w->store_nrun[a]++;
    w->end = umax(w->end, w->dram_free);
    if (w->in->trace)
        w->in->trace(w->in->trace_ctx, &(EngineEvent){
            EV_STORE, p->group, -1, pa->tensor, NULL, it->bh, it->tile, it->step, it->block, 0, 0,
            plan_words(w->in, p, a, it->x), start, w->dram_free });
}

static bool runs_at(const PlanGroup *p, const PlanAct *pa, const Item *it)
{
    if (pa->phase == PH_FIRST && it->step != 0)
        return false;
    if (pa->phase == PH_LAST && it->step + 1 != p->steps)
        return false;
    return true;
}

/* The live blocks of a step, from a cache of the last few (every (b, h) has the same
 * pattern). */
static const uint8_t *step_blocks(Sw *w, uint64_t tile, uint64_t step)
{
    for (int k = 0; k < STEP_CACHE; k++)
        if (w->sc_valid[k] && w->sc_tile[k] == tile && w->sc_step[k] == step)
            return w->sc_live[k];
    int slot = (int)(w->sc_next++ % STEP_CACHE);
    w->sc_valid[slot] = true;
    w->sc_tile[slot] = tile;
    w->sc_step[slot] = step;
    live_blocks(w->p, tile, step, w->sc_live[slot]);
    return w->sc_live[slot];
}

static const Item *decode_cached(Sw *w, uint64_t i)
{
    for (int c = 0; c < 4; c++)
        if (w->dc_item[c] == i)
            return &w->dc[c];
    int c = (int)(i & 3);
    w->dc_item[c] = i;
    Item *it = &w->dc[c];
    decode(w->p, i, it);
    if (w->p->n_masked) {
        it->dead = !step_blocks(w, it->tile, it->step)[it->block];
    }
    return it;
}

/* Slot k: everything issued in it. */
static void run_slot(Sw *w, uint64_t k)
{
    const PlanGroup *p = w->p;
    /* An unpipelined group runs its stages one after another: a stage waits for the
     * results of the stage before it (and the first stage for the previous slot). */
    uint64_t barrier = 0, run_end = w->slot_end;
    int cur_stage = -1;
    for (int oi = 0; oi < p->n_act; oi++) {
        int a = p->ord[oi];
        const PlanAct *pa = &p->act[a];
        if (pa->kind == ACT_LOAD) {
            uint64_t total = residencies_total(p, pa->res);
            if (pa->n_deps) {
                /* Just in time (a spilled tensor): residency of item k - skew. */
                if (k < pa->skew || k - pa->skew >= p->items)
                    continue;
                uint64_t item = k - pa->skew;
                Item it;
                decode(p, item, &it);
                uint64_t q = residency_of(&it, pa->res, item);
                if (residency_first(p, pa->res, q) != item)
                    continue;
                const Rec *st = rec_find(w, pa->deps[0].prod, item);
                issue_load(w, a, q, st ? st->end : 0);
                continue;
            }
            if (k == 0)
                for (uint64_t q = 0; q < pa->copies && q < total; q++)
                    issue_load(w, a, q, 0);
            uint64_t lag = (uint64_t)w->max_cons_skew[a] + 1;
            if (k < lag || k - lag >= p->items)
                continue;
            uint64_t j = k - lag;
            Item it = *decode_cached(w, j);
            if (!residency_last_item(p, pa->res, &it))
                continue;
            uint64_t q = residency_of(&it, pa->res, j) + pa->copies;
            if (q < total)
                issue_load(w, a, q, 0);
            continue;
        }
        if (k < pa->skew || k - pa->skew >= p->items)
            continue;
        uint64_t item = k - pa->skew;
        Item it = *decode_cached(w, item);
        if (!runs_at(p, pa, &it))
            continue;
        if (it.dead && pa->phase == PH_EVERY && pa->maskable) {
            if (pa->kind == ACT_EINSUM)
                run_end = umax(run_end, pass_einsum(w, a, item, &it));
            if (pa->kind == ACT_EINSUM || pa->res == RES_ITEM)
                continue;
        }
        if (pa->kind == ACT_EINSUM) {
            if (!p->pipelined && pa->stage != cur_stage) {
                barrier = run_end;
                cur_stage = pa->stage;
            }
            uint64_t e = issue_einsum(w, a, item, &it, p->pipelined ? 0 : barrier);
            run_end = umax(run_end, e);
        } else {
            if (pa->res == RES_TILE && (it.step + 1 != p->steps || it.block + 1 != it.nb))
                continue;
            issue_store(w, a, item, &it);
        }
    }
    w->slot_end = run_end;
}

/* ---- steady state ----------------------------------------------------------------------- */

/* The live state at slot k, relative: every time minus `base`, every ring entry by its
 * position relative to k (Einsums, stores) or to the residency of item k (loads). */
typedef struct {
    uint64_t k;
    uint64_t base;
    uint64_t *v;       /* times relative to base (ABSENT for absent entries) */
    size_t n, cap;
    uint64_t hash;     /* of v[], to reject unequal states quickly */
    uint64_t *nrun;    /* stores: runs so far, per actor */
    int n_act, n_units;
    uint64_t unit_wait, dram_wait, port_wait;
    uint64_t *done;    /* per unit, and the bytes moved: work so far (for the cutoff) */
    double done_bytes;
} Snap;

static void snap_take(Sw *w, uint64_t k, Snap *s)
{
    const PlanGroup *p = w->p;
    /* units, DRAM, slot end; per port its length and PORT_SNAP intervals; the rings */
    size_t n = (size_t)w->n_units + 2 + 2 * (1 + 2 * (size_t)PORT_SNAP);
    for (int a = 0; a < p->n_act; a++)
        n += (size_t)w->ring_size[a] * 4 + (p->act[a].kind == ACT_STORE ? p->act[a].copies : 0);
    if (n > s->cap) {
        s->cap = n;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->k = k;
    s->unit_wait = w->unit_wait;
    s->dram_wait = w->dram_wait;
    s->port_wait = w->port_wait;
    s->n_act = p->n_act;
    s->nrun = xrealloc(s->nrun, (size_t)p->n_act * sizeof *s->nrun);
    memcpy(s->nrun, w->store_nrun, (size_t)p->n_act * sizeof *s->nrun);
    s->n_units = w->n_units;
    s->done = xrealloc(s->done, (size_t)w->n_units * sizeof *s->done);
    memcpy(s->done, w->done, (size_t)w->n_units * sizeof *s->done);
    s->done_bytes = w->done_bytes;
    /* The base: the earliest time a resource the group uses is free. Any time before it
     * can no longer delay anything (every request starts at max(its resource free, the
     * times it waits for)), so all such times compare equal. */
    uint64_t base = UINT64_MAX;
    bool dram_used = false;
    for (int a = 0; a < p->n_act; a++) {
        if (p->act[a].kind == ACT_EINSUM)
            base = base < w->unit_free[p->act[a].unit] ? base : w->unit_free[p->act[a].unit];
        else
            dram_used = true;
    }
    if (dram_used)
        base = base < w->dram_free ? base : w->dram_free;

    s->base = base;
    size_t i = 0;
#define REL(t) ((t) == ABSENT || (t) < base ? ABSENT : (t) - base)
    for (int u = 0; u < w->n_units; u++)
        s->v[i++] = REL(w->unit_free[u]);
    s->v[i++] = REL(w->dram_free);
    s->v[i++] = REL(w->slot_end);
    /* Port calendars: busy time before the base can no longer matter. */
    for (int q = 0; q < 2; q++) {
        cal_prune(&w->port[q], base);
        s->v[i++] = (uint64_t)w->port[q].n;
        for (int j = 0; j < w->port[q].n && j < PORT_SNAP; j++) {
            s->v[i++] = w->port[q].b[j] - base;
            s->v[i++] = w->port[q].e[j] - base;
        }
        for (int j = w->port[q].n; j < PORT_SNAP; j++)
            s->v[i++] = ABSENT, s->v[i++] = ABSENT;
    }
    Item it;
    decode(p, k < p->items ? k : p->items - 1, &it);
    for (int a = 0; a < p->n_act; a++) {
        const PlanAct *pa = &p->act[a];
        uint64_t sz = w->ring_size[a];
        if (pa->kind == ACT_LOAD) {
            /* The residencies still referenced: from the one the oldest consumer still
             * to issue reads (less the copies its reload waits for) to the prefetched. */
            uint64_t lag = (uint64_t)w->max_cons_skew[a] + 1;
            Item old;
            decode(p, k > lag ? k - lag : 0, &old);
            uint64_t rcur = residency_of(&it, pa->res, k);
            uint64_t back = rcur - residency_of(&old, pa->res, k > lag ? k - lag : 0) + pa->copies + 1;
            /* A fixed window relative to the current residency (absent below 0). */
            for (uint64_t d = 0; d < sz; d++) {
                uint64_t off = d;          /* residency rcur - back + d */
                const Rec *r = rcur + off >= back && off <= back + pa->copies + 1
                               ? rec_find(w, a, rcur + off - back) : NULL;
                s->v[i++] = r ? REL(r->end) : ABSENT;
                s->v[i++] = r ? REL(r->use_end) : ABSENT;
                s->v[i++] = r ? REL(r->start) : ABSENT;
                /* The transfer's length matters only while its end can still delay. */
                s->v[i++] = r && REL(r->end) != ABSENT ? r->cyc : ABSENT;
            }
        } else {
            /* Results of the items a later slot may still read. */
            for (uint64_t d = 0; d < w->live; d++) {
                const Rec *r = k + d >= w->live ? rec_find(w, a, k + d - w->live) : NULL;
                s->v[i++] = r ? REL(r->end) : ABSENT;
            }
        }
        if (pa->kind == ACT_STORE) {
            /* The last `copies` runs, newest first. */
            uint64_t nr = w->store_nrun[a], sc = pa->copies;
            for (uint64_t j = 1; j <= sc; j++)
                s->v[i++] = nr >= j ? REL(w->store_runs[a][(nr - j) % sc]) : ABSENT;
        }
    }
#undef REL
    EINSIM_ASSERT(i <= n);
    s->n = i;
    uint64_t h = 1469598103934665603ull;
    for (size_t j = 0; j < i; j++)
        h = (h ^ s->v[j]) * 1099511628211ull;
    s->hash = h;
}

/* dst = src (dst keeps its buffers). */
static void snap_copy(Snap *dst, const Snap *src)
{
    if (src->n > dst->cap) {
        dst->cap = src->n;
        dst->v = xrealloc(dst->v, dst->cap * sizeof *dst->v);
    }
    memcpy(dst->v, src->v, src->n * sizeof *src->v);
    dst->nrun = xrealloc(dst->nrun, (size_t)src->n_act * sizeof *dst->nrun);
    memcpy(dst->nrun, src->nrun, (size_t)src->n_act * sizeof *src->nrun);
    dst->done = xrealloc(dst->done, (size_t)src->n_units * sizeof *dst->done);
    memcpy(dst->done, src->done, (size_t)src->n_units * sizeof *src->done);
    dst->n_units = src->n_units;
    dst->done_bytes = src->done_bytes;
    dst->k = src->k, dst->base = src->base, dst->n = src->n, dst->hash = src->hash;
    dst->unit_wait = src->unit_wait, dst->dram_wait = src->dram_wait;
    dst->port_wait = src->port_wait;
}

static void snap_free(Snap *s)
{
    free(s->v);
    free(s->nrun);
    free(s->done);
}

/* *lambda = the constant shift from a to b when their states are equal up to it. */
static bool snap_equal(const Snap *a, const Snap *b, uint64_t *lambda)
{
    if (a->n != b->n || a->hash != b->hash || b->base < a->base)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i] != b->v[i])
            return false;
    *lambda = b->base - a->base;
    return true;
}

static bool tiles_uniform(const PlanGroup *p)
{
    return p->nb_last == p->nb_full && p->blk_last_last == p->blk_last_full &&
           p->tile_last == (p->tile ? p->tile : p->tile_last);
}

/* Items are alike for the schedule: same extents and phases. */
static bool alike(const PlanGroup *p, uint64_t i, uint64_t j)
{
    bool pi = i < p->items, pj = j < p->items;
    if (!pi || !pj)
        return pi == pj;
    Item a, b;
    decode(p, i, &a);
    decode(p, j, &b);
    int sa = a.step == 0 ? 0 : a.step + 1 == p->steps ? 2 : 1;
    int sb = b.step == 0 ? 0 : b.step + 1 == p->steps ? 2 : 1;
    int ba = a.block == 0 ? 0 : a.block + 1 == a.nb ? 2 : 1;
    int bb = b.block == 0 ? 0 : b.block + 1 == b.nb ? 2 : 1;
    /* The last tile differs from the others only when it is ragged. */
    bool lta = a.tile == p->n_tiles - 1 && !tiles_uniform(p);
    bool ltb = b.tile == p->n_tiles - 1 && !tiles_uniform(p);
    /* With partial sums reloaded, the first tile has no reloads. */
    if (p->has_reload && (a.tile == 0) != (b.tile == 0))
        return false;
    return sa == sb && ba == bb && a.nb == b.nb && lta == ltb && a.x.blk == b.x.blk &&
           a.x.chunk == b.x.chunk && a.x.tile == b.x.tile &&
           a.block == b.block && (a.step == b.step || (sa == 1 && sb == 1));
}

/* Largest q >= 0 such that the items the slots [k, k + q*p) and the loads they issue
 * touch look like the items p earlier. `mlo` covers skews and look-back below k,
 * `margin` the skews and the loads issued ahead above it.
 * Items from k - per - margin onwards must be alike their shift by per; found by
 * walking the structure: the answer is bounded by the next item whose class changes. */
static uint64_t periods_allowed(const PlanGroup *p, uint64_t k, uint64_t per, uint64_t mlo,
                                uint64_t margin, int level)
{
    if (k < per + mlo)
        return 0;
    uint64_t lo = k - per - mlo;
    /* The span of items [lo, hi) with alike(i, i + per) for all i in it. */
    uint64_t hi;
    Item it;
    decode(p, lo, &it);
    /* With partial sums reloaded a (b, h)'s first tile differs from the others: steps and
     * tiles repeat only from the second tile of one (b, h) on. */
    if (level < 2 && p->has_reload && (it.tile == 0 || it.bh != k / p->items_per_bh))
        return 0;
    if (level == 0) {
        /* Steps of one tile: middle steps only. */
        if (it.step < 1)
            return 0;
        uint64_t last_mid = it.step_first + (p->steps - 2 - it.step) * it.nb + it.nb; /* end of middle steps */
        if (p->steps < 3 || last_mid < per)
            return 0;
        hi = last_mid - per;
        if (p->n_masked) {
            /* Only inside a run of steps the masks treat alike (all dead, or all live by
             * the rules with the density pattern repeating every per). */
            bool dead;
            uint64_t end = live_uniform_until(p, it.tile, it.step, &dead);
            uint64_t end_item = it.tile_first + end * it.nb;
            if (end <= it.step || end_item < per ||
                (!dead && (per / it.nb) % live_pattern_period(p)))
                return 0;
            hi = hi < end_item - per ? hi : end_item - per;
        }
    } else if (level == 1) {
        /* Tiles see different parts of a mask. */
        if (p->n_masked)
            return 0;
        /* Tiles of one (b, h): full tiles only (the last may be ragged). */
        if (tiles_uniform(p)) {
            hi = p->items > per ? p->items - per : 0;
        } else {
            if (it.tile == p->n_tiles - 1)
                return 0;
            uint64_t bh_first = it.bh * p->items_per_bh;
            uint64_t end_full = bh_first + (p->n_tiles - 1) * items_per_full_tile(p);
            hi = end_full > per ? end_full - per : 0;
        }
        if (p->has_reload) {   /* not into the next (b, h)'s first tile */
            uint64_t bh_end = (it.bh + 1) * p->items_per_bh;
            uint64_t lim = bh_end > per ? bh_end - per : 0;
            hi = hi < lim ? hi : lim;
        }
    } else {
        hi = p->items > per ? p->items - per : 0;
    }
    if (hi <= k + margin)
        return 0;
    /* Slots [k, k + q*per) touch items up to k + q*per + margin. */
    uint64_t room = hi - k - margin;
    uint64_t q = room / per;
    /* Spot-check the structure at the boundaries (cheap insurance). */
    if (q && (!alike(p, lo, lo + per) || !alike(p, hi - 1, hi - 1 + per)))
        return 0;
    return q;
}

/* Moves the whole state forward by q periods of `per` slots and lambda cycles each. */
static void jump(Sw *w, uint64_t q, uint64_t per, uint64_t lambda, const Snap *prev, const Snap *cur)
{
    const PlanGroup *p = w->p;
    uint64_t dt = mul(w, q, lambda), di = q * per;
    for (int u = 0; u < w->n_units; u++)
        w->unit_free[u] = add(w, w->unit_free[u], dt);
    w->dram_free = add(w, w->dram_free, dt);
    w->slot_end = add(w, w->slot_end, dt);
    for (int pq = 0; pq < 2; pq++)
        for (int j = 0; j < w->port[pq].n; j++) {
            w->port[pq].b[j] = add(w, w->port[pq].b[j], dt);
            w->port[pq].e[j] = add(w, w->port[pq].e[j], dt);
        }
    w->end = add(w, w->end, dt);
    w->port_wait = add(w, w->port_wait, mul(w, q, cur->port_wait - prev->port_wait));
    w->unit_wait = add(w, w->unit_wait, mul(w, q, cur->unit_wait - prev->unit_wait));
    w->dram_wait = add(w, w->dram_wait, mul(w, q, cur->dram_wait - prev->dram_wait));
    for (int u = 0; u < w->n_units; u++)
        w->done[u] = add(w, w->done[u], mul(w, q, cur->done[u] - prev->done[u]));
    w->done_bytes += (double)q * (cur->done_bytes - prev->done_bytes);
    for (int a = 0; a < p->n_act; a++) {
        const PlanAct *pa = &p->act[a];
        uint64_t sz = w->ring_size[a];
        uint64_t dtag = di;
        if (pa->kind == ACT_LOAD && pa->res != RES_ITEM) {
            /* per is a whole number of residencies at the jump levels used. */
            Item i0, i1;
            decode(p, cur->k, &i0);
            decode(p, cur->k - per, &i1);
            dtag = q * (residency_of(&i0, pa->res, cur->k) - residency_of(&i1, pa->res, cur->k - per));
        }
        Rec *old = w->ring[a];
        Rec *nw = xcalloc(sz, sizeof *nw);
        for (uint64_t i = 0; i < sz; i++)
            nw[i].tag = ABSENT;
        for (uint64_t i = 0; i < sz; i++) {
            if (old[i].tag == ABSENT)
                continue;
            Rec r = old[i];
            r.tag += dtag;
            r.end = add(w, r.end, dt);
            r.use_end = add(w, r.use_end, dt);
            if (pa->kind == ACT_LOAD)
                r.start = add(w, r.start, dt);
            nw[r.tag & (sz - 1)] = r;
        }
        free(old);
        w->ring[a] = nw;
        if (pa->kind == ACT_STORE) {
            uint64_t nr = w->store_nrun[a];
            uint64_t runs_per = q * (cur->nrun[a] - prev->nrun[a]);
            uint64_t sc = pa->copies, *old_runs = xcalloc(sc, sizeof *old_runs);
            memcpy(old_runs, w->store_runs[a], sc * sizeof *old_runs);
            w->store_nrun[a] = nr + runs_per;
            /* Run nr - j (slot (nr - j) % sc) repeats as run nr + runs_per - j. */
            for (uint64_t j = 1; j <= sc; j++)
                w->store_runs[a][(nr + runs_per - j) % sc] = add(w, old_runs[(nr % sc + sc - j) % sc], dt);
            free(old_runs);
        }
    }
}

/* An unpipelined group's slot runs its stages one after another, each from the end of
 * the one before (run_slot): a slot in which every Einsum runs ends at least this long
 * after the slot before it — the slot run alone, its units free at the start and every
 * operand ready but those its own earlier passes make for the same item, each pass the
 * least of every item class (a max-plus recurrence only ends later with later starts or
 * longer passes). 0 when masks may leave an Einsum's item dead. */
static uint64_t slot_chain(const Sw *w)
{
    const PlanGroup *p = w->p;
    if (p->pipelined || p->n_masked)
        return 0;
    const uint64_t blk[3] = { p->block, p->blk_last_full, p->blk_last_last };
    const uint64_t chunk[2] = { p->chunk, p->chunk_last };
    const uint64_t tile[2] = { p->tile ? p->tile : p->tile_last, p->tile_last };
    uint64_t *uf = xcalloc((size_t)w->n_units, sizeof *uf);
    uint64_t *end = xcalloc((size_t)p->n_act, sizeof *end);
    bool *ran = xcalloc((size_t)p->n_act, sizeof *ran);
    uint64_t barrier = 0, run_end = 0;
    int cur = -1;
    for (int oi = 0; oi < p->n_act; oi++) {
        int a = p->ord[oi];
        const PlanAct *pa = &p->act[a];
        if (pa->kind != ACT_EINSUM || pa->phase != PH_EVERY)
            continue;
        if (pa->stage != cur) {
            barrier = run_end;
            cur = pa->stage;
        }
        uint64_t span = UINT64_MAX, ivl = UINT64_MAX, lat = UINT64_MAX;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                for (int t = 0; t < 2; t++) {
                    PassShape s = plan_shape(w->in, p, a, (ItemExt){ .blk = blk[i], .chunk = chunk[j],
                                                                     .tile = tile[t] });
                    uint64_t v = s.n ? (s.n - 1) * s.ivl : 0;
                    span = v < span ? v : span;
                    ivl = s.ivl < ivl ? s.ivl : ivl;
                    lat = s.lat < lat ? s.lat : lat;
                }
        uint64_t ready = barrier;
        for (int k = 0; k < pa->n_deps; k++) {
            const PlanDep *d = &pa->deps[k];
            if (!d->in_unit && d->kind == DEP_REL && d->dstep == 0 && !d->whole && ran[d->prod] &&
                p->act[d->prod].skew == pa->skew)
                ready = umax(ready, end[d->prod]);
        }
        uint64_t last = umax(ready, uf[pa->unit]) + span;
        uf[pa->unit] = last + ivl;
        end[a] = last + lat;
        ran[a] = true;
        run_end = umax(run_end, end[a]);
    }
    free(uf);
    free(end);
    free(ran);
    return run_end;
}

/* Has the sweep provably reached the cutoff (SchedLimit in engineInt.h) before slot k? */
static bool cutoff_reached(const Sw *w, uint64_t k)
{
    const SchedLimit *l = w->lim;
    if (!l || l->cutoff == UINT64_MAX)
        return false;
    if (w->end >= l->cutoff)
        return true;
    uint64_t from = k > w->p->max_skew ? k : w->p->max_skew, slots_rest, chain_end;
    if (w->chain && from < w->p->items && ck_mul_u64(w->p->items - from, w->chain, &slots_rest) &&
        ck_add_u64(w->slot_end, slots_rest, &chain_end) && chain_end >= l->cutoff)
        return true;
    for (int u = 0; u < w->n_units; u++) {
        if (l->busy[u] < w->done[u])
            continue;          /* not the analytic level's passes: no claim */
        uint64_t lb = w->unit_free[u] + (l->busy[u] - w->done[u]);
        if (lb >= w->unit_free[u] && lb - (lb < l->tail[u] ? lb : l->tail[u]) >= l->cutoff)
            return true;
    }
    if (!w->in->data_on_chip && l->dram_bytes > w->done_bytes) {
        /* Each transfer takes at least its bytes over the bandwidth; the margin covers
         * the rounding of the byte sums. */
        double rest = floor((l->dram_bytes - w->done_bytes) / w->p->bytes_per_cycle * (1 - 1e-9));
        if (rest < 1.8e19 && (double)w->dram_free + rest >= (double)l->cutoff + 1)
            return true;
    }
    return false;
}

static uint64_t pow2_at_least(uint64_t n)
{
    uint64_t r = 1;
    while (r < n)
        r <<= 1;
    return r;
}

void sched_run(const EngineInput *in, const PlanGroup *p, const SchedLimit *lim, SchedOut *out,
               bool *overflow)
{
    memset(out, 0, sizeof *out);
    Sw w = { .in = in, .p = p, .n_units = in->arch->n_units, .lim = lim };
    w.done = xcalloc((size_t)w.n_units, sizeof *w.done);
    w.dram_byte_cache = xcalloc((size_t)p->n_act, sizeof *w.dram_byte_cache);
    w.unit_free = xcalloc((size_t)w.n_units, sizeof *w.unit_free);
    w.ring = xcalloc((size_t)p->n_act, sizeof *w.ring);
    w.ring_size = xcalloc((size_t)p->n_act, sizeof *w.ring_size);
    w.store_runs = xcalloc((size_t)p->n_act, sizeof *w.store_runs);
    w.store_nrun = xcalloc((size_t)p->n_act, sizeof *w.store_nrun);
    w.cache = xcalloc((size_t)p->n_act, sizeof *w.cache);
    w.dram_cyc_cache_words = xcalloc((size_t)p->n_act, sizeof *w.dram_cyc_cache_words);
    w.dram_cyc_cache = xcalloc((size_t)p->n_act, sizeof *w.dram_cyc_cache);
    w.max_cons_skew = xcalloc((size_t)p->n_act, sizeof *w.max_cons_skew);
    w.min_cons_skew = xcalloc((size_t)p->n_act, sizeof *w.min_cons_skew);
    for (int a = 0; a < p->n_act; a++)
        w.dram_cyc_cache_words[a] = ABSENT;
    for (int c = 0; c < 4; c++)
        w.dc_item[c] = ABSENT;
    for (int c = 0; c < STEP_CACHE && p->n_masked; c++)
        w.sc_live[c] = xcalloc(p->nb_full > p->nb_last ? p->nb_full : p->nb_last, 1);
    uint64_t nb_max = p->nb_full > p->nb_last ? p->nb_full : p->nb_last;
    if (lim)
        w.chain = slot_chain(&w);
    /* Block-level periods, for a tile of one step in which no item reads another item's
     * result (no look-back, no value lacking the block rank): an item then reads only
     * its own item's results, skewed, so the live state (and the rings) is the skew window, and
     * the middle blocks of a step can repeat block by block. */
    bool by_block = !in->trace && !in->exhaustive && p->steps == 1 && p->max_lookback_steps == 0 &&
                    !p->n_masked && /* masks: blocks of a step may differ in liveness */
                    p->hgroup == 1; /* shared heads: each head's last block may be ragged */
    for (int a = 0; a < p->n_act; a++)
        for (int q = 0; q < p->act[a].n_deps; q++)
            by_block &= !p->act[a].deps[q].whole;
    for (int a = 0; a < p->n_act; a++) {
        const PlanAct *pa = &p->act[a];
        w.min_cons_skew[a] = UINT32_MAX;
        for (int c = 0; c < p->n_act; c++)
            for (int k = 0; k < p->act[c].n_deps; k++)
                if (p->act[c].deps[k].prod == a) {
                    if (p->act[c].skew > w.max_cons_skew[a])
                        w.max_cons_skew[a] = p->act[c].skew;
                    if (p->act[c].skew < w.min_cons_skew[a])
                        w.min_cons_skew[a] = p->act[c].skew;
                }
        uint64_t need;
        if (pa->kind == ACT_LOAD) {
            /* Residencies alive: the copies, those in use over the skew window. */
            need = pa->copies + 4 + p->max_skew + 1 + (pa->res == RES_ITEM ? 0 : 2);
        } else {
            need = 2 * ((uint64_t)p->max_skew + 2 + (by_block ? 0 : ((uint64_t)p->max_lookback_steps + 1) * nb_max + nb_max));
        }
        w.ring_size[a] = pow2_at_least(need);
        w.ring[a] = xcalloc(w.ring_size[a], sizeof **w.ring);
        for (uint64_t i = 0; i < w.ring_size[a]; i++)
            w.ring[a][i].tag = ABSENT;
        w.store_runs[a] = xcalloc(p->act[a].kind == ACT_STORE ? p->act[a].copies : 1,
                                  sizeof **w.store_runs);
    }

    /* Snapshots at step starts: the last NFULL in full and the hashes of the last NSTEP for
     * step-level periods (a DRAM transfer split into slices of unequal length repeats only
     * every few dozen steps), the tile starts and (b, h) starts for the outer levels. A
     * hash that matches beyond NFULL steps back keeps the current state as a candidate,
     * compared in full one period later. */
    enum { NFULL = 8, NSTEP = 64, NTILE = 8, NBH = 4 };
    Snap steps[NFULL] = { 0 }, tiles[NTILE] = { 0 }, bhs[NBH] = { 0 }, cand = { 0 };
    uint64_t hk[NSTEP], hh[NSTEP], cand_per = 0;
    uint64_t n_steps_snap = 0, n_tiles_snap = 0, n_bh_snap = 0;
    Snap cur = { 0 };
    /* Margins of items around a jump: skews and look-back on the low side, plus the
     * loads issued ahead on the high side; tile-resident loads only matter from the tile
     * level up (inside a tile's middle steps none is issued). */
    uint64_t margin0 = (uint64_t)p->max_skew + 2 + (uint64_t)(p->max_lookback_steps + 1) * nb_max + nb_max;
    uint64_t margin1 = margin0, mlo = margin0;
    w.live = mlo;
    uint64_t blo = (uint64_t)p->max_skew + 2, bhi = 2;  /* items below and above a slot */
    for (int a = 0; a < p->n_act; a++)
        if (p->act[a].kind == ACT_LOAD && p->act[a].copies + 2 > bhi)
            bhi = p->act[a].copies + 2;
    if (by_block)
        w.live = blo;
    enum { NBLK = 8 };
    Snap blks[NBLK] = { 0 };
    uint64_t n_blk_snap = 0;
    for (int a = 0; a < p->n_act; a++)
        if (p->act[a].kind == ACT_LOAD) {
            bool tile = p->act[a].res == RES_TILE;
            uint64_t per = tile ? items_per_full_tile(p) : p->act[a].res == RES_STEP ? nb_max : 1;
            uint64_t look = (p->act[a].copies + 1) * per + mlo;
            if (!tile && look > margin0)
                margin0 = look;
            if (look > margin1)
                margin1 = look;
        }
    uint64_t slots = p->items + p->max_skew + 1;
    uint64_t pat_per = live_pattern_period(p);  /* steps of the density pattern (1: none) */
    out->slots_total = slots;
    for (uint64_t k = 0; k < slots && !w.overflow; k++) {
        if ((k & (w.chain ? 15 : 255)) == 0 && cutoff_reached(&w, k)) {
            out->pruned = true;
            break;
        }
        if (k < p->items && by_block) {
            /* Block level: items [k - c - blo, k + q*c + bhi) all middle blocks of this
             * step (same extents), the state at k the state at k - c shifted by lambda > 0. */
            Item it;
            decode(p, k, &it);
            uint64_t first = it.step_first + 1, end = it.step_first + it.nb - 1;
            if (it.block == 0) {
                n_blk_snap = 0;
            } else if (k >= first + blo + 1 && k + bhi < end) {
                Snap *cs = &blks[n_blk_snap % NBLK];
                snap_take(&w, k, cs);
                uint64_t lambda;
                bool jumped = false;
                for (uint64_t c = 1; c <= NBLK && c < n_blk_snap + 1 && !jumped; c++) {
                    const Snap *prev = &blks[(n_blk_snap - c) % NBLK];
                    if (prev->k + c != k || k - c < first + blo)
                        continue;
                    uint64_t q = (end - bhi - k) / c;
                    if (q && snap_equal(prev, cs, &lambda) && lambda > 0) {
                        jump(&w, q, c, lambda, prev, cs);
                        k += q * c;
                        jumped = true;
                    }
                }
                n_blk_snap = jumped ? 0 : n_blk_snap + 1;
                if (jumped) {
                    k--;
                    continue;
                }
            }
        }
        if (k < p->items) {
            Item it;
            decode(p, k, &it);
            /* Snapshots cost a pass over the live state: take them where a jump can
             * follow (inside a tile's middle steps, or at a tile start). */
            bool useful = !in->trace && it.block == 0 && k > 0 &&
                          (it.step == 0 || periods_allowed(p, k, it.nb * pat_per, mlo, margin0, 0) ||
                           periods_allowed(p, k + NSTEP * it.nb, it.nb * pat_per, mlo, margin0, 0));
            if (useful) {
                snap_take(&w, k, &cur);
                uint64_t lambda;
                bool jumped = false, outer = false;
                /* Level 0: c steps inside the tile (c = 1 .. NFULL), then the candidate. */
                for (uint64_t c = 1; c <= NFULL && c <= n_steps_snap && !jumped; c++) {
                    Snap *prev = &steps[(n_steps_snap - c) % NFULL];
                    uint64_t per = k - prev->k;
                    if (per != c * it.nb)
                        continue;
                    uint64_t q = periods_allowed(p, k, per, mlo, margin0, 0);
                    if (q && snap_equal(prev, &cur, &lambda)) {
                        jump(&w, q, per, lambda, prev, &cur);
                        k += q * per;
                        jumped = true;
                    }
                }
                if (!jumped && cand_per && k - cand.k == cand_per) {
                    uint64_t q = periods_allowed(p, k, cand_per, mlo, margin0, 0);
                    if (q && snap_equal(&cand, &cur, &lambda)) {
                        jump(&w, q, cand_per, lambda, &cand, &cur);
                        k += q * cand_per;
                        jumped = true;
                    }
                    cand_per = 0;
                }
                /* Hashes further back: a match makes this state the candidate. */
                for (uint64_t c = NFULL + 1; c <= NSTEP && c <= n_steps_snap && !jumped && !cand_per; c++) {
                    uint64_t j = (n_steps_snap - c) % NSTEP, per = k - hk[j];
                    if (hh[j] == cur.hash && per == c * it.nb &&
                        periods_allowed(p, k + per, per, mlo, margin0, 0)) {
                        snap_copy(&cand, &cur);
                        cand_per = per;
                    }
                }
                /* Level 1: tiles. */
                if (!jumped && it.step == 0) {
                    for (uint64_t c = 1; c <= NTILE && c <= n_tiles_snap && !jumped; c++) {
                        Snap *prev = &tiles[(n_tiles_snap - c) % NTILE];
                        uint64_t per = k - prev->k;
                        uint64_t q = per % items_per_full_tile(p) ? 0 : periods_allowed(p, k, per, mlo, margin1, 1);
                        if (q && snap_equal(prev, &cur, &lambda)) {
                            jump(&w, q, per, lambda, prev, &cur);
                            k += q * per;
                            jumped = outer = true;
                        }
                    }
                }
                /* Level 2: (b, h). */
                for (uint64_t c = 1; !jumped && it.step == 0 && it.tile == 0 && c <= NBH && c <= n_bh_snap; c++) {
                    Snap *prev = &bhs[(n_bh_snap - c) % NBH];
                    uint64_t per = k - prev->k;
                    uint64_t q = periods_allowed(p, k, per, mlo, margin1, 2);
                    if (q && snap_equal(prev, &cur, &lambda)) {
                        jump(&w, q, per, lambda, prev, &cur);
                        k += q * per;
                        jumped = outer = true;
                    }
                }
                if (jumped) {
                    /* Step snapshots before a jump no longer line up; tile and (b, h)
                     * snapshots stay exact states unless the jump crossed them. */
                    n_steps_snap = 0;
                    cand_per = 0;
                    (void)outer;
                } else {
                    hk[n_steps_snap % NSTEP] = cur.k;
                    hh[n_steps_snap % NSTEP] = cur.hash;
                    Snap *dst = &steps[n_steps_snap++ % NFULL];
                    Snap tmp = *dst;
                    *dst = cur;
                    cur = tmp;
                    if (it.step == 0) {
                        Snap *t = &tiles[n_tiles_snap++ % NTILE];
                        snap_take(&w, k, t);
                        if (it.tile == 0)
                            snap_take(&w, k, &bhs[n_bh_snap++ % NBH]);
                    }
                }
                if (jumped) {
                    k--;    /* the loop's k++ lands on the first slot after the jump */
                    continue;
                }
            }
        }
        run_slot(&w, k);
        out->slots_simulated++;
    }
    if (lim && !out->pruned && !w.overflow) {
        /* The cutoff's totals are this sweep's work (what makes the cutoff sound). */
        for (int u = 0; u < w.n_units; u++)
            EINSIM_ASSERT(w.done[u] == lim->busy[u]);
        EINSIM_ASSERT(in->data_on_chip || fabs(w.done_bytes - lim->dram_bytes) <= 1e-6 * lim->dram_bytes + 1);
    }
    out->cycles = w.end;
    out->unit_wait = w.unit_wait;
    out->dram_wait = w.dram_wait;
    out->port_wait = w.port_wait;
    *overflow = w.overflow;
    for (int i = 0; i < NFULL; i++)
        snap_free(&steps[i]);
    for (int i = 0; i < NTILE; i++)
        snap_free(&tiles[i]);
    for (int i = 0; i < NBH; i++)
        snap_free(&bhs[i]);
    for (int i = 0; i < NBLK; i++)
        snap_free(&blks[i]);
    snap_free(&cand);
    snap_free(&cur);
    free(w.done);
    free(w.dram_byte_cache);
    for (int c = 0; c < STEP_CACHE; c++)
        free(w.sc_live[c]);
    for (int a = 0; a < p->n_act; a++) {
        free(w.ring[a]);
        free(w.store_runs[a]);
    }
    free(w.ring);
    free(w.ring_size);
    free(w.store_runs);
    free(w.store_nrun);
    free(w.cache);
    free(w.dram_cyc_cache_words);
    free(w.dram_cyc_cache);
    free(w.max_cons_skew);
    free(w.min_cons_skew);
    free(w.unit_free);
    for (int q = 0; q < 2; q++)
        free(w.port[q].b), free(w.port[q].e);
}
