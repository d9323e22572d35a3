/* live.c — which items of a group the cascade's masks leave (model in engineInt.h).
 *
 * An item is dead when every computing Einsum of its group whose own where clause masks
 * it has no point the clause's rules leave in the item (cascade_where_class over the
 * item's ranges, decided exactly from the indices; the Einsums masked through them then
 * have nothing either), or when its step is one that the data masks' density
 * drops. The cascades this models carry their running values unchanged through a fully
 * masked chunk (the max of nothing is the identity), so at a dead item the masked Einsums
 * and those that read them cost nothing (an Einsum that does not depend on them still
 * runs). A partially masked item costs a full one.
 *
 * Data masks (a block-mask file, a topk choice) cannot be decided from indices; the
 * workload's `density` d says which share of the items the rules leave they keep. The
 * kept steps are spread evenly, floor(s * n / 64) < floor((s + 1) * n / 64) with
 * n = round(64 d), the same steps for every block of queries: the pattern that reloads
 * the fewest keys and values (a lower bound on a real pattern's DRAM traffic).
 *
 * Counting is recursive over boxes of items: a box the rules decide (all dead, or all
 * live) is counted at once, the others are halved, so the cost follows the mask's
 * boundary (the diagonal of a causal mask), not the number of items. */
#include "engine/engineInt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cascade/mask.h"
#include "util/util.h"

#define LIVE_RUNS 8
struct LiveCache {
    struct {
        bool valid;
        uint64_t tile, s0, end;
        bool dead;
    } run[LIVE_RUNS];
    int next;
};

int live_init(const EngineInput *in, PlanGroup *p, char *why, size_t n_why)
{
    const Cascade *c = in->cascade;
    p->in = in;
    p->n_masked = 0;
    p->data_masked = false;
    p->dens_num = PLAN_DENS_DEN;
    bool data = false;
    int data_e = -1;
    for (int i = 0; i < p->n_act; i++) {
        if (p->act[i].kind != ACT_EINSUM)
            continue;
        MaskKind k = cascade_work_mask_kind(c, p->act[i].einsum);
        if (k == MASK_NONE || p->n_masked == PLAN_MAX_MASKED)
            continue;
        /* Head routing: the items hold the routed elements only (live_route_init); in a
         * group whose items hold every head it masks part of each item (a full cost). */
        bool routed = live_route_rank(c, p->act[i].einsum, NULL) >= 0;
        if (routed && p->heads_in_item)
            continue;
        p->masked[p->n_masked++] = p->act[i].einsum;
        if (k == MASK_DATA && !routed && p->route_rank < 0) {
            data = true;
            data_e = p->act[i].einsum;
        }
    }
    if (!p->n_masked)
        return 0;
    p->lcache = xcalloc(1, sizeof *p->lcache);
    /* The Einsums whose own where clause masks them decide (the others of the group are
     * masked through them); without one, the whole work of every masked Einsum. */
    int roots = 0;
    for (int k = 0; k < p->n_masked; k++)
        if (c->einsums[p->masked[k]].where >= 0)
            p->masked[roots++] = p->masked[k];
    p->masked_by_where = roots > 0;
    if (roots)
        p->n_masked = roots;
    /* What a dead item skips: the roots and the Einsums that read them (their values
     * carry over); an Einsum that does not depend on them still runs. */
    for (int i = 0; i < p->n_act; i++)
        for (int k = 0; k < p->n_masked; k++)
            p->act[i].maskable |= p->act[i].kind == ACT_EINSUM && p->act[i].einsum == p->masked[k];
    for (bool grew = true; grew;) {
        grew = false;
        for (int i = 0; i < p->n_act; i++) {
            PlanAct *pa = &p->act[i];
            if (pa->kind != ACT_EINSUM || pa->maskable)
                continue;
            for (int k = 0; k < pa->n_deps && !pa->maskable; k++)
                pa->maskable = p->act[pa->deps[k].prod].kind == ACT_EINSUM &&
                               p->act[pa->deps[k].prod].maskable;
            grew |= pa->maskable;
        }
    }
    for (int i = 0; i < p->n_act; i++) {
        PlanAct *pa = &p->act[i];
        if (pa->kind == ACT_STORE)
            pa->maskable = p->act[pa->deps[0].prod].maskable;
        if (pa->kind != ACT_LOAD || pa->n_deps)
            continue;
        bool all = true, any = false;
        for (int k = 0; k < p->n_act; k++)
            for (int q = 0; q < p->act[k].n_deps; q++)
                if (p->act[k].deps[q].prod == i) {
                    any = true;
                    all &= p->act[k].maskable && p->act[k].phase == PH_EVERY;
                }
        pa->maskable = any && all;
    }
    if (data) {
        double d = in->workload->density;
        if (!(d > 0)) {
            snprintf(why, n_why, "einsum %s of cascade %s is masked by data (a block-mask file "
                     "or a topk choice), which the engine cannot decide from indices: give "
                     "the share of the work it keeps as workload.density (einsim eval "
                     "measures it on data)", c->einsums[data_e].name, c->name);
            return 1;
        }
        p->data_masked = true;
        uint64_t n = (uint64_t)llround(d * PLAN_DENS_DEN);
        p->dens_num = n < 1 ? 1 : n > PLAN_DENS_DEN ? PLAN_DENS_DEN : n;
    }
    return 0;
}

/* Kept steps of the density pattern in [0, s). */
static uint64_t pat(const PlanGroup *p, uint64_t s)
{
    return p->dens_num == PLAN_DENS_DEN ? s : s / PLAN_DENS_DEN * p->dens_num +
                                                  s % PLAN_DENS_DEN * p->dens_num / PLAN_DENS_DEN;
}

uint64_t live_pattern_period(const PlanGroup *p)
{
    uint64_t a = p->dens_num, b = PLAN_DENS_DEN;
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return PLAN_DENS_DEN / a;
}

static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* ---- head routing ------------------------------------------------------------------------ */

/* The ranks an access's indices use: a bit per rank. */
static uint64_t access_ranks(const ExprNode *x, int ndim)
{
    uint64_t m = 0;
    for (int k = 0; k < ndim; k++)
        for (int i = 0; i < x->idx[k].n; i++)
            if (x->idx[k].t[i].rank >= 0)
                m |= (uint64_t)1 << x->idx[k].t[i].rank;
    return m;
}

/* The access node of a tensor the predicate subtree n tests, -1 when none (the first
 * found); *plain = false when it is under a negation or a disjunction (then it does not
 * simply keep what the tensor chooses). */
static int pred_tensor(const Einsum *e, int n, bool *plain)
{
    if (n < 0)
        return -1;
    const ExprNode *x = &e->nodes[n];
    if (x->kind == EX_ACCESS)
        return (int)(x - e->nodes);
    if (x->kind == EX_CMP)
        return -1;
    int a = pred_tensor(e, x->a, plain);
    a = a >= 0 ? a : pred_tensor(e, x->b, plain);
    if (a >= 0 && x->kind != EX_AND)
        *plain = false;
    return a;
}

int live_route_rank(const Cascade *c, int e, int *tensor)
{
    const Einsum *x = &c->einsums[e];
    bool plain = true;
    int n = pred_tensor(x, x->where, &plain);
    if (tensor)
        *tensor = n >= 0 ? x->nodes[n].tensor : -1;
    if (n < 0 || !plain || c->head_rank < 0)
        return -1;
    const ExprNode *a = &x->nodes[n];
    uint64_t m = access_ranks(a, c->tensors[a->tensor].ndim), heads = 0;
    for (int r = 0; r < c->n_ranks; r++)
        if (engine_is_head_rank(c, r))
            heads |= (uint64_t)1 << r;
    if (!(m & heads))
        return -1;
    m &= ~heads;
    int it = c->iter_rank, other = -1;
    for (int r = 0; r < c->n_ranks; r++) {
        if (!(m & ((uint64_t)1 << r)))
            continue;
        if (other >= 0 || (it >= 0 && (r == it || r == c->ranks[it].parent || r == c->ranks[it].partner)))
            return -1;
        other = r;
    }
    return other;
}

double live_route_density(const EngineInput *in, int tensor, bool *given)
{
    const Cascade *c = in->cascade;
    *given = in->workload->density > 0;
    if (*given)
        return in->workload->density;
    int w = tensor >= 0 ? c->tensors[engine_view_source(c, tensor)].writer : -1;
    const Einsum *e = w >= 0 ? &c->einsums[w] : NULL;
    if (!e || e->red != RED_TOPK || e->n_red != 1 || !engine_is_head_rank(c, e->red_ranks[0]))
        return 0;
    int64_t k = einsum_topk_k(e, in->sizes), h = in->sizes->size[e->red_ranks[0]];
    return h > 0 && k > 0 && k <= h ? (double)k / (double)h : 0;
}

int live_route_init(const EngineInput *in, PlanGroup *p, char *why, size_t n_why)
{
    const Cascade *c = in->cascade;
    p->route_rank = -1;
    p->route_share = 1;
    if (p->heads_in_item)   /* each item holds every head: routing masks part of it */
        return 0;
    int e = -1, t = -1, r = -1;
    for (int i = 0; i < p->n_act && r < 0; i++)
        if (p->act[i].kind == ACT_EINSUM && (r = live_route_rank(c, p->act[i].einsum, &t)) >= 0)
            e = p->act[i].einsum;
    if (r < 0)
        return 0;
    bool given;
    double d = live_route_density(in, t, &given);
    if (!(d > 0)) {
        snprintf(why, n_why, "einsum %s of cascade %s is routed by data (%s chooses heads, not "
                 "with a topk over them): give the share of the (head, %s) items it keeps as "
                 "workload.density", c->einsums[e].name, c->name, c->tensors[t].name,
                 c->ranks[r].name);
        return 1;
    }
    if (r != p->block_rank || (p->loop_rank >= 0 && p->loop_rank != r)) {
        snprintf(why, n_why, "einsum %s of cascade %s routes each %s to a share of the heads: "
                 "the mapping must spread %s over the columns of the group's 2D unit (its "
                 "blocks) and tile the group over it", c->einsums[e].name, c->name,
                 c->ranks[r].name, c->ranks[r].name);
        return 1;
    }
    uint64_t n = (uint64_t)llround(d * PLAN_ROUTE_DEN);
    p->route_num = n < 1 ? 1 : n > PLAN_ROUTE_DEN ? PLAN_ROUTE_DEN : n;
    p->route_rank = r;
    p->route_given = given;
    /* The routed elements of one head, gathered into full blocks and tiles. */
    uint64_t size = (uint64_t)in->sizes->size[r];
    p->route_size = (size * p->route_num + PLAN_ROUTE_DEN - 1) / PLAN_ROUTE_DEN;
    p->route_share = (double)p->route_size / (double)size;
    return 0;
}

static uint64_t tile_ext(const PlanGroup *p, uint64_t t)
{
    return t + 1 == p->n_tiles ? p->tile_last : p->tile ? p->tile : p->tile_last;
}

/* The ranges of the ranks over a box (a bounding box: sound for LIVE and DEAD). */
static void box_ranges(const PlanGroup *p, const LiveBox *bx, int64_t *lo, int64_t *hi)
{
    const Cascade *c = p->in->cascade;
    const RankBinding *sz = p->in->sizes;
    for (int r = 0; r < c->n_ranks; r++) {
        lo[r] = 0;
        hi[r] = sz->size[r];
    }
    int it = c->iter_rank;
    if (p->steps > 1 && it >= 0) {
        lo[it] = (int64_t)bx->s0;
        hi[it] = (int64_t)bx->s1;
        int root = c->ranks[it].parent;
        if (root >= 0) {
            lo[root] = (int64_t)(bx->s0 * p->chunk);
            hi[root] = (int64_t)umin((uint64_t)sz->size[root], bx->s1 * p->chunk);
        }
    }
    int L = p->loop_rank, B = p->block_rank;
    if (L >= 0) {
        uint64_t first = bx->t0 * p->tile, last = (bx->t1 - 1) * p->tile;
        uint64_t l = first, h = last + tile_ext(p, bx->t1 - 1);
        if (B == L) {
            l = first + bx->b0 * p->block;
            h = last + umin(bx->b1 * p->block, tile_ext(p, bx->t1 - 1));
        }
        lo[L] = (int64_t)l;
        hi[L] = (int64_t)umin((uint64_t)sz->size[L], h);
    }
    if (B >= 0 && B != L) {
        lo[B] = (int64_t)(bx->b0 * p->block);
        hi[B] = (int64_t)umin((uint64_t)sz->size[B], bx->b1 * p->block);
    }
    /* Routed heads: the items hold the routed elements only, gathered, element g of a
     * head at position g / d (spread evenly); the rules see the positions. */
    if (p->route_rank >= 0) {
        int R = p->route_rank;
        uint64_t n = p->route_num;
        lo[R] = (int64_t)((uint64_t)lo[R] * PLAN_ROUTE_DEN / n);
        hi[R] = (int64_t)umin((uint64_t)sz->size[R], ((uint64_t)hi[R] * PLAN_ROUTE_DEN + n - 1) / n);
    }
}

/* The rules over a box: BLOCK_DEAD (every item dead), BLOCK_LIVE (every item has live
 * work, up to the data masks), or BLOCK_PARTIAL. */
static BlockClass rule_class(const PlanGroup *p, const LiveBox *bx)
{
    int64_t lo[CASCADE_MAX_RANKS], hi[CASCADE_MAX_RANKS];
    box_ranges(p, bx, lo, hi);
    bool all_dead = true;
    for (int k = 0; k < p->n_masked; k++) {
        BlockClass b = p->masked_by_where
                       ? cascade_where_class(p->in->cascade, p->masked[k], p->in->sizes, lo, hi)
                       : cascade_block_class_rules(p->in->cascade, p->masked[k], p->in->sizes, lo, hi);
        if (b == BLOCK_LIVE)
            return BLOCK_LIVE;
        all_dead &= b == BLOCK_DEAD;
    }
    return all_dead ? BLOCK_DEAD : BLOCK_PARTIAL;
}


/* Live units of a box: items (unit 0), (tile, step)s with a live item (1), or tiles with
 * one (2). A box the rules decide is counted at once; the others are halved along their
 * longest side among the unit's own (a single unit: whether it has a live item). */
static uint64_t count_live(const PlanGroup *p, LiveBox b, int unit)
{
    uint64_t nt = b.t1 - b.t0, ns = b.s1 - b.s0, nb = b.b1 - b.b0;
    if (!nt || !ns || !nb)
        return 0;
    uint64_t kept = p->n_masked ? pat(p, b.s1) - pat(p, b.s0) : ns;
    if (!kept)
        return 0;
    BlockClass r = p->n_masked ? rule_class(p, &b) : BLOCK_LIVE;
    if (r == BLOCK_DEAD)
        return 0;
    if (r == BLOCK_LIVE)
        return unit == 0 ? nt * kept * nb : unit == 1 ? nt * kept : nt;
    uint64_t units = unit == 0 ? nt * ns * nb : unit == 1 ? nt * ns : nt;
    if (units == 1)
        return unit == 0 ? kept : count_live(p, b, 0) ? 1 : 0;
    LiveBox x = b, y = b;
    if (unit == 2 || (nt >= ns && (nt >= nb || unit)))
        x.t1 = y.t0 = b.t0 + nt / 2;
    else if (ns >= nb || unit)
        x.s1 = y.s0 = b.s0 + ns / 2;
    else
        x.b1 = y.b0 = b.b0 + nb / 2;
    return count_live(p, x, unit) + count_live(p, y, unit);
}

/* Blocks of one query head in a tile: the masks see the same pattern in each head of a
 * group, so the boxes below are in one head's blocks (item blocks modulo these). */
static uint64_t blocks_of(const PlanGroup *p, uint64_t tile)
{
    return plan_head_blocks(p, tile + 1 == p->n_tiles);
}

uint64_t live_items(const PlanGroup *p, LiveBox b)
{
    if (p->hgroup == 1 || b.b1 <= b.b0)
        return count_live(p, b, 0);
    /* The box's first head's part, its whole heads, its last head's part. */
    uint64_t nbh = blocks_of(p, b.t1 - 1), h0 = b.b0 / nbh, h1 = (b.b1 - 1) / nbh;
    LiveBox x = b;
    x.b0 = b.b0 - h0 * nbh;
    x.b1 = h0 == h1 ? b.b1 - h0 * nbh : nbh;
    uint64_t n = count_live(p, x, 0);
    if (h1 > h0) {
        x.b0 = 0;
        if (h1 > h0 + 1)
            n += (h1 - h0 - 1) * count_live(p, x, 0);
        x.b1 = b.b1 - h1 * nbh;
        n += count_live(p, x, 0);
    }
    return n;
}

/* Steps and tiles with a live item: asked over one head's blocks or over all of them. */
static LiveBox head_box(const PlanGroup *p, LiveBox b)
{
    uint64_t nbh = blocks_of(p, b.t1 - 1);
    if (b.b1 - b.b0 >= nbh)
        b.b0 = 0, b.b1 = nbh;
    EINSIM_ASSERT(b.b1 <= nbh || b.b0 / nbh == (b.b1 - 1) / nbh);
    uint64_t h0 = b.b0 / nbh;
    b.b0 -= h0 * nbh;
    b.b1 -= h0 * nbh;
    return b;
}
uint64_t live_steps(const PlanGroup *p, LiveBox b) { return count_live(p, head_box(p, b), 1); }
uint64_t live_tiles(const PlanGroup *p, LiveBox b) { return count_live(p, head_box(p, b), 2); }

static uint64_t uniform_until(const PlanGroup *p, uint64_t tile, uint64_t step, bool *all_dead);

bool live_step(const PlanGroup *p, uint64_t tile, uint64_t step)
{
    if (!p->n_masked)
        return true;
    bool dead;
    if (live_uniform_until(p, tile, step, &dead) > step)
        return !dead && pat(p, step + 1) > pat(p, step);
    return count_live(p, (LiveBox){ tile, tile + 1, step, step + 1, 0, blocks_of(p, tile) }, 0) != 0;
}

static void fill_blocks(const PlanGroup *p, LiveBox b, uint8_t *live)
{
    BlockClass r = rule_class(p, &b);
    if (r != BLOCK_PARTIAL || b.b1 - b.b0 == 1) {
        memset(live + b.b0, r != BLOCK_DEAD, b.b1 - b.b0);
        return;
    }
    LiveBox x = b, y = b;
    x.b1 = y.b0 = b.b0 + (b.b1 - b.b0) / 2;
    fill_blocks(p, x, live);
    fill_blocks(p, y, live);
}

void live_blocks(const PlanGroup *p, uint64_t tile, uint64_t step, uint8_t *live)
{
    uint64_t nb = blocks_of(p, tile);
    bool dead;
    if (!live_step(p, tile, step))
        memset(live, 0, nb);
    else if (live_uniform_until(p, tile, step, &dead) > step)
        memset(live, 1, nb);
    else
        fill_blocks(p, (LiveBox){ tile, tile + 1, step, step + 1, 0, nb }, live);
    for (uint64_t h = 1; h < p->hgroup; h++)     /* every head of the group alike */
        memcpy(live + h * nb, live, nb);
}

bool live_item(const PlanGroup *p, uint64_t tile, uint64_t step, uint64_t block)
{
    if (!p->n_masked)
        return true;
    block %= blocks_of(p, tile);
    return count_live(p, (LiveBox){ tile, tile + 1, step, step + 1, block, block + 1 }, 0) != 0;
}

uint64_t live_uniform_until(const PlanGroup *p, uint64_t tile, uint64_t step, bool *all_dead)
{
    *all_dead = false;
    if (!p->n_masked)
        return p->steps;
    /* The sweep asks at every step of a run: the last run found answers them. */
    LiveCache *lc = p->lcache;
    for (int i = 0; i < LIVE_RUNS; i++)
        if (lc->run[i].valid && lc->run[i].tile == tile && step >= lc->run[i].s0 &&
            step < lc->run[i].end) {
            *all_dead = lc->run[i].dead;
            return lc->run[i].end;
        }
    uint64_t end = uniform_until(p, tile, step, all_dead);
    if (end > step) {
        int i = lc->next++ % LIVE_RUNS;
        lc->run[i].valid = true;
        lc->run[i].tile = tile;
        lc->run[i].s0 = step;
        lc->run[i].end = end;
        lc->run[i].dead = *all_dead;
    }
    return end;
}

static uint64_t uniform_until(const PlanGroup *p, uint64_t tile, uint64_t step, bool *all_dead)
{
    uint64_t nb = blocks_of(p, tile);
    LiveBox b = { tile, tile + 1, step, step + 1, 0, nb };
    BlockClass c0 = rule_class(p, &b);
    if (c0 == BLOCK_PARTIAL)
        return step;
    *all_dead = c0 == BLOCK_DEAD;
    /* Grow [step, end) while the rules decide it the same way: doubling, then halving. */
    uint64_t end = step + 1, d = 1;
    while (end < p->steps) {
        b.s1 = umin(p->steps, end + d);
        if (rule_class(p, &b) != c0)
            break;
        end = b.s1;
        d *= 2;
    }
    while (d > 1 && end < p->steps) {
        d /= 2;
        b.s1 = umin(p->steps, end + d);
        if (rule_class(p, &b) == c0)
            end = b.s1;
    }
    return end;
}
