/* cascade.c — building a checked cascade from its source statements.
 *
 * Order of work: rank and partition declarations, input tensors, the left-hand sides of
 * all Einsums (so later statements may be referenced, as recurrences need), initial
 * values, the right-hand sides, then cross-statement checks: reduced ranks, recurrent
 * accesses, phases (before / inside / after the loop over the iterative rank) and a
 * topological evaluation order in which only recurrences (v+1) may close a cycle. */
#include "cascade/cascade.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cascade/parse.h"
#include "util/util.h"

/* ---- declarations ------------------------------------------------------------------- */

/* A copy of `l` whose file name is owned by the cascade (the source's may not outlive it). */
static SrcLoc own_loc(Cascade *c, SrcLoc l)
{
    if (!l.file)
        return l;
    for (int i = 0; i < c->n_files; i++)
        if (strcmp(c->files[i], l.file) == 0)
            return (SrcLoc){ c->files[i], l.line };
    c->files = xrealloc(c->files, (size_t)(c->n_files + 1) * sizeof *c->files);
    c->files[c->n_files] = xstrdup(l.file);
    return (SrcLoc){ c->files[c->n_files++], l.line };
}

static int is_rank_name(const char *s)
{
    if (!isupper((unsigned char)s[0]))
        return 0;
    for (const char *q = s + 1; *q; q++)
        if (!isupper((unsigned char)*q) && !isdigit((unsigned char)*q))
            return 0;
    return 1;
}

/* Words of the Einsum syntax, which can name neither a tensor nor a rank variable. */
static int is_reserved(const char *w)
{
    static const char *const words[] = { "exp", "max", "min", "sum", "prune", "topk", "inf",
                                         "select", "where", "sqrt", NULL };
    for (int i = 0; words[i]; i++)
        if (strcmp(w, words[i]) == 0)
            return 1;
    return 0;
}

static int add_rank(Parser *p, const char *name, int col, RankKind kind, int parent)
{
    Cascade *c = p->c;
    if (!is_rank_name(name)) {
        perr(p, col, "rank name '%s' must be upper case (letters and digits, e.g. M0)", name);
        return -1;
    }
    if (strcmp(name, "B") == 0) {
        perr(p, col, "rank B is implicit (batch B is an outer rank of every tensor)");
        return -1;
    }
    if (strcmp(name, "H") == 0 && kind != RANK_ROOT) {
        perr(p, col, "rank H names the heads; declare it in ranks (to index heads explicitly) "
             "or leave it out (heads are then an implicit outer rank)");
        return -1;
    }
    if (cascade_find_rank(c, name) >= 0) {
        perr(p, col, "rank %s is declared twice", name);
        return -1;
    }
    if (c->n_ranks == CASCADE_MAX_RANKS) {
        perr(p, col, "more than %d ranks (limit)", CASCADE_MAX_RANKS);
        return -1;
    }
    char var[64];
    snprintf(var, sizeof var, "%s", name);
    for (char *q = var; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    if (is_reserved(var)) {
        perr(p, col, "rank %s would have the variable '%s', a reserved word", name, var);
        return -1;
    }
    if (strcmp(name, "H") == 0)
        c->head_rank = c->n_ranks;
    CascadeRank *r = &c->ranks[c->n_ranks];
    r->name = xstrdup(name);
    r->var = xstrdup(var);
    r->kind = kind;
    r->parent = parent;
    r->partner = -1;
    r->loc = own_loc(c, p->line->loc);
    return c->n_ranks++;
}

static void parse_rank_decl(Cascade *c, Diag *d, const CascadeLine *ln)
{
    Parser p;
    parser_start(&p, c, d, ln, "rank");
    char name[64];
    int col = p.lx.tok.col;
    if (take_ident(&p, name, sizeof name, "for the rank") && at_end(&p))
        add_rank(&p, name, col, RANK_ROOT, -1);
}

static void parse_partition(Cascade *c, Diag *d, const CascadeLine *ln)
{
    Parser p;
    parser_start(&p, c, d, ln, "partition");
    char parent[64], outer[64], inner[64];
    int pcol = p.lx.tok.col, ocol, icol;
    if (!take_ident(&p, parent, sizeof parent, "of the rank to partition") ||
        !expect(&p, TK_ARROW, "after the partitioned rank (form: M -> M1, M0)"))
        return;
    ocol = p.lx.tok.col;
    if (!take_ident(&p, outer, sizeof outer, "for the outer rank") ||
        !expect(&p, TK_COMMA, "between the outer and inner ranks"))
        return;
    icol = p.lx.tok.col;
    if (!take_ident(&p, inner, sizeof inner, "for the inner rank") || !at_end(&p))
        return;
    int pr = cascade_find_rank(c, parent);
    if (pr < 0) {
        perr(&p, pcol, "undefined rank %s", parent);
        return;
    }
    for (int i = 0; i < c->n_ranks; i++)
        if (c->ranks[i].parent == pr) {
            perr(&p, pcol, "rank %s is partitioned twice", parent);
            return;
        }
    int o = add_rank(&p, outer, ocol, RANK_OUTER, pr);
    if (o < 0)
        return;
    int in = add_rank(&p, inner, icol, RANK_INNER, pr);
    if (in < 0)
        return;
    c->ranks[o].partner = in;
    c->ranks[in].partner = o;
}

static CascadeTensor *add_tensor(Parser *p, const char *name, int col)
{
    Cascade *c = p->c;
    int prev = cascade_find_tensor(c, name);
    if (prev >= 0) {
        const CascadeTensor *t = &c->tensors[prev];
        perr(p, col, "tensor %s is %s twice (first at %s:%d)", name,
             t->is_input ? "declared" : "written", t->loc.file ? t->loc.file : "?", t->loc.line);
        return NULL;
    }
    if (cascade_find_rank(c, name) >= 0 || rank_by_var(c, name) >= 0 || is_reserved(name)) {
        perr(p, col, "'%s' is a rank or a reserved word and cannot name a tensor", name);
        return NULL;
    }
    CascadeTensor *t = &c->tensors[c->n_tensors++];
    memset(t, 0, sizeof *t);
    t->name = xstrdup(name);
    t->recur_dim = -1;
    t->writer = -1;
    t->data = -1;
    t->loc = own_loc(c, p->line->loc);
    return t;
}

static void parse_input(Cascade *c, Diag *d, const CascadeLine *ln)
{
    Parser p;
    parser_start(&p, c, d, ln, "input");
    char name[64];
    int col = p.lx.tok.col;
    if (!take_ident(&p, name, sizeof name, "for the tensor") ||
        !expect(&p, TK_LBRACK, "after the tensor name (form: Q[e, p])"))
        return;
    int dims[CASCADE_MAX_DIMS], nd = 0;
    for (;;) {
        char var[64];
        int vcol = p.lx.tok.col;
        if (!take_ident(&p, var, sizeof var, "as a rank variable"))
            return;
        int r = rank_by_var(c, var);
        if (r < 0) {
            perr(&p, vcol, "undefined rank variable '%s'", var);
            return;
        }
        for (int i = 0; i < nd; i++)
            if (dims[i] == r) {
                perr(&p, vcol, "rank variable '%s' appears twice", var);
                return;
            }
        if (nd == CASCADE_MAX_DIMS) {
            perr(&p, vcol, "more than %d dimensions (limit)", CASCADE_MAX_DIMS);
            return;
        }
        dims[nd++] = r;
        if (p.lx.tok.kind != TK_COMMA)
            break;
        lex_next(&p.lx);
    }
    if (!expect(&p, TK_RBRACK, "to close the dimension list") || !at_end(&p))
        return;
    CascadeTensor *t = add_tensor(&p, name, col);
    if (!t)
        return;
    t->is_input = true;
    t->ndim = nd;
    memcpy(t->dim_rank, dims, sizeof dims[0] * (size_t)nd);
}

/* ---- statements ------------------------------------------------------------------------ */

typedef enum { LHS_VAR, LHS_NEXT, LHS_ZERO } LhsForm;

/* A parsed left-hand side, kept between the passes. */
typedef struct {
    const CascadeLine *ln;
    char name[64];
    int name_col;
    int ndim;
    LhsForm form[CASCADE_MAX_DIMS];
    int rank[CASCADE_MAX_DIMS];      /* rank of the variable (-1 for LHS_ZERO) */
    IndexExpr idx[CASCADE_MAX_DIMS];
    int is_init;
    Lexer after_eq;                  /* lexer positioned at the right-hand side */
    int ok;
} Lhs;

static int parse_lhs(Cascade *c, Diag *d, const CascadeLine *ln, Lhs *l)
{
    Parser p;
    memset(l, 0, sizeof *l);
    l->ln = ln;
    parser_start(&p, c, d, ln, "einsum");
    l->name_col = p.lx.tok.col;
    if (!take_ident(&p, l->name, sizeof l->name, "for the output tensor") ||
        !expect(&p, TK_LBRACK, "after the output tensor (form: OUT[i, j] = ...)"))
        return 0;
    int n_zero = 0, n_next = 0;
    for (;;) {
        int col = p.lx.tok.col;
        if (l->ndim == CASCADE_MAX_DIMS) {
            perr(&p, col, "more than %d dimensions (limit)", CASCADE_MAX_DIMS);
            return 0;
        }
        IndexExpr ix;
        if (!parse_index(&p, &ix))
            return 0;
        int k = l->ndim++;
        l->idx[k] = ix;
        int plain = ix.n == 1 && ix.t[0].rank >= 0 && ix.t[0].size_rank < 0 && ix.t[0].coef == 1 &&
                    ix.t[0].op == IX_PLAIN;
        if (plain && ix.konst == 0) {
            l->form[k] = LHS_VAR;
            l->rank[k] = ix.t[0].rank;
        } else if (plain && ix.konst == 1) {
            l->form[k] = LHS_NEXT;
            l->rank[k] = ix.t[0].rank;
            n_next++;
        } else if (ix.n == 0 && ix.konst == 0) {
            l->form[k] = LHS_ZERO;
            l->rank[k] = -1;
            n_zero++;
        } else {
            perr(&p, col, "a left-hand index must be a rank variable, a recurrence 'v+1' or "
                 "the initial index 0");
            return 0;
        }
        for (int j = 0; j < k; j++)
            if (l->rank[k] >= 0 && l->rank[j] == l->rank[k]) {
                perr(&p, col, "rank variable '%s' appears twice on the left-hand side",
                     c->ranks[l->rank[k]].var);
                return 0;
            }
        if (p.lx.tok.kind != TK_COMMA)
            break;
        lex_next(&p.lx);
    }
    if (!expect(&p, TK_RBRACK, "to close the left-hand index list") ||
        !expect(&p, TK_EQ, "after the left-hand side"))
        return 0;
    if (n_zero + n_next > 1 || (n_zero && n_next)) {
        perr(&p, l->name_col, "at most one recurrent dimension (v+1 or 0) per tensor");
        return 0;
    }
    l->is_init = n_zero == 1;
    l->after_eq = p.lx;
    l->ok = 1;
    return 1;
}

/* Defines the output tensor and the Einsum record of a non-initial statement. */
static void define_einsum(Cascade *c, Diag *d, Lhs *l)
{
    Parser p;
    parser_start(&p, c, d, l->ln, "einsum");
    if (cascade_find_tensor(c, l->name) >= 0 &&
        c->tensors[cascade_find_tensor(c, l->name)].is_input) {
        perr(&p, l->name_col, "%s is an input and cannot be written", l->name);
        l->ok = 0;
        return;
    }
    if (c->n_einsums == LIMIT_EINSUMS) {
        perr(&p, l->name_col, "more than %d Einsums in one cascade (limit)", LIMIT_EINSUMS);
        l->ok = 0;
        return;
    }
    CascadeTensor *t = add_tensor(&p, l->name, l->name_col);
    if (!t) {
        l->ok = 0;
        return;
    }
    int ti = (int)(t - c->tensors);
    Einsum *e = &c->einsums[c->n_einsums];
    memset(e, 0, sizeof *e);
    e->name = xstrdup(l->name);
    e->text = xstrdup(l->ln->text);
    e->out = ti;
    e->loc = own_loc(c, l->ln->loc);
    e->root = -1;
    t->writer = c->n_einsums++;
    t->ndim = l->ndim;
    for (int k = 0; k < l->ndim; k++) {
        t->dim_rank[k] = l->rank[k];
        e->out_idx[k] = l->idx[k];
        e->free_ranks[e->n_free++] = l->rank[k];
        if (l->form[k] == LHS_NEXT) {
            t->recur_dim = k;
            if (c->iter_rank >= 0 && c->iter_rank != l->rank[k]) {
                perr(&p, l->name_col, "a second iterative rank '%s' (the cascade already "
                     "iterates over '%s')", c->ranks[l->rank[k]].var, c->ranks[c->iter_rank].var);
                l->ok = 0;
            }
            c->iter_rank = l->rank[k];
        }
    }
}

/* Initial value statement R[0, p] = constant. */
static void define_init(Cascade *c, Diag *d, Lhs *l)
{
    Parser p;
    parser_start(&p, c, d, l->ln, "initial value");
    int ti = cascade_find_tensor(c, l->name);
    if (ti < 0 || c->tensors[ti].is_input) {
        perr(&p, l->name_col, "initial value for %s, which no recurrence (%s[v+1, ...] = ...) "
             "writes", l->name, l->name);
        return;
    }
    CascadeTensor *t = &c->tensors[ti];
    if (t->recur_dim < 0 || t->ndim != l->ndim || l->form[t->recur_dim] != LHS_ZERO) {
        perr(&p, l->name_col, "initial value for %s does not match its recurrence "
             "(index 0 must stand where the recurrence has v+1)", l->name);
        return;
    }
    for (int k = 0; k < l->ndim; k++)
        if (k != t->recur_dim && l->rank[k] != t->dim_rank[k]) {
            perr(&p, l->name_col, "initial value for %s: dimension %d is rank %s, not %s",
                 l->name, k, c->ranks[t->dim_rank[k]].var,
                 l->rank[k] >= 0 ? c->ranks[l->rank[k]].var : "0");
            return;
        }
    if (t->has_init) {
        perr(&p, l->name_col, "%s has two initial values", l->name);
        return;
    }
    Einsum tmp;
    memset(&tmp, 0, sizeof tmp);
    p.lx = l->after_eq;
    int ok = parse_rhs(&p, &tmp);
    double v = 0;
    if (ok) {
        const ExprNode *n = &tmp.nodes[tmp.root];
        int plain = tmp.red == RED_NONE && tmp.where < 0;
        if (plain && n->kind == EX_NUM) {
            v = n->num;
        } else if (plain && n->kind == EX_NEG && tmp.nodes[n->a].kind == EX_NUM) {
            v = -tmp.nodes[n->a].num;
        } else {
            perr(&p, l->after_eq.tok.col, "an initial value must be a constant (a number, inf "
                 "or -inf)");
            ok = 0;
        }
    }
    free(tmp.nodes);
    if (ok) {
        t->has_init = true;
        t->init_value = v;
    }
}


static int has_rank(const int *v, int n, int r)
{
    for (int i = 0; i < n; i++)
        if (v[i] == r)
            return 1;
    return 0;
}

/* The rank variables of an Einsum's right-hand side, in order of first use: those of
 * its values (accesses outside predicates) and those of its predicates (the `where`
 * clause, select's first argument), with the column of each predicate rank's first use. */
typedef struct {
    int val[CASCADE_MAX_RANKS], n_val;
    int pred[CASCADE_MAX_RANKS], n_pred;
    int pred_col[CASCADE_MAX_RANKS];
} RhsRanks;

static void add_ranks(const IndexExpr *ix, int n_ix, int *v, int *n, int *cols, int col)
{
    for (int k = 0; k < n_ix; k++)
        for (int j = 0; j < ix[k].n; j++) {
            int r = ix[k].t[j].rank;
            if (r >= 0 && !has_rank(v, *n, r) && *n < CASCADE_MAX_RANKS) {
                if (cols)
                    cols[*n] = col;
                v[(*n)++] = r;
            }
        }
}

static void collect_ranks(const Cascade *c, const Einsum *e, int node, int in_pred, RhsRanks *rr)
{
    if (node < 0)
        return;
    const ExprNode *nd = &e->nodes[node];
    if (nd->kind == EX_ACCESS) {
        int nd_dims = c->tensors[nd->tensor].ndim;
        if (in_pred)
            add_ranks(nd->idx, nd_dims, rr->pred, &rr->n_pred, rr->pred_col, nd->col);
        else
            add_ranks(nd->idx, nd_dims, rr->val, &rr->n_val, NULL, 0);
        return;
    }
    if (nd->kind == EX_CMP) {
        add_ranks(nd->idx, 2, rr->pred, &rr->n_pred, rr->pred_col, nd->col);
        return;
    }
    collect_ranks(c, e, nd->a, in_pred, rr);
    collect_ranks(c, e, nd->b, in_pred, rr);
    collect_ranks(c, e, nd->c, 1, rr);
}

static void check_reduction(Parser *p, Einsum *e)
{
    const Cascade *c = p->c;
    RhsRanks rk = { .n_val = 0 };
    collect_ranks(c, e, e->root, 0, &rk);
    collect_ranks(c, e, e->where, 1, &rk);
    int rr[2 * CASCADE_MAX_RANKS];
    int nr = 0;
    for (int i = 0; i < rk.n_val; i++)
        rr[nr++] = rk.val[i];
    for (int i = 0; i < rk.n_pred; i++)
        if (!has_rank(rr, nr, rk.pred[i]))
            rr[nr++] = rk.pred[i];
    int col = p->red_col ? p->red_col : 1;
    /* A predicate filters the iteration space; it cannot add a rank to it. */
    for (int i = 0; i < rk.n_pred; i++) {
        int r = rk.pred[i];
        if (!has_rank(rk.val, rk.n_val, r) && !has_rank(e->free_ranks, e->n_free, r) &&
            !(e->red != RED_NONE && has_rank(e->red_ranks, e->n_red, r))) {
            perr(p, rk.pred_col[i], "rank variable '%s' appears only in a predicate; a predicate "
                 "filters the einsum's ranks (its left-hand side and its expression) and cannot "
                 "add one", c->ranks[r].var);
            return;
        }
    }
    if (e->red == RED_PRUNE || e->red == RED_TOPK) {
        const char *w = reduce_kind_word(e->red);
        if (e->n_red != 1 || !has_rank(e->free_ranks, e->n_free, e->red_ranks[0])) {
            perr(p, col, "%s names exactly one rank, which must be on the left-hand side", w);
            return;
        }
        if (e->where >= 0) {
            perr(p, e->nodes[e->where].col, "%s cannot have a where clause; mask its operand "
                 "instead", w);
            return;
        }
        for (int i = 0; i < nr; i++)
            if (!has_rank(e->free_ranks, e->n_free, rr[i])) {
                perr(p, col, "%s cannot reduce: rank variable '%s' is not on the left-hand side",
                     w, c->ranks[rr[i]].var);
                return;
            }
        return;
    }
    if (e->red != RED_NONE) {
        for (int i = 0; i < e->n_red; i++) {
            int r = e->red_ranks[i];
            if (has_rank(e->free_ranks, e->n_free, r)) {
                perr(p, col, "rank variable '%s' is on the left-hand side and cannot be reduced",
                     c->ranks[r].var);
                return;
            }
            if (!has_rank(rr, nr, r)) {
                perr(p, col, "reduced rank variable '%s' does not appear in the expression",
                     c->ranks[r].var);
                return;
            }
        }
        for (int i = 0; i < nr; i++)
            if (!has_rank(e->free_ranks, e->n_free, rr[i]) &&
                !has_rank(e->red_ranks, e->n_red, rr[i])) {
                perr(p, col, "rank variable '%s' is reduced too; name it in %s(...)",
                     c->ranks[rr[i]].var, reduce_kind_word(e->red));
                return;
            }
        return;
    }
    for (int i = 0; i < nr; i++)
        if (!has_rank(e->free_ranks, e->n_free, rr[i]))
            e->red_ranks[e->n_red++] = rr[i];
    if (e->n_red)
        e->red = RED_SUM;
}

static void count_ops(Einsum *e)
{
    memset(e->map_ops, 0, sizeof e->map_ops);
    for (int i = 0; i < e->n_nodes; i++)
        switch (e->nodes[i].kind) {
        case EX_ADD: case EX_SUB: case EX_NEG: e->map_ops[OP_ADD]++; break;
        case EX_MUL: e->map_ops[OP_MAC]++; break;
        /* A square root runs on the divider (a digit-recurrence divide/sqrt unit). */
        case EX_DIV: case EX_SQRT: e->map_ops[OP_DIV]++; break;
        case EX_MAX: case EX_MIN: e->map_ops[OP_MAX]++; break;
        case EX_EXP: e->map_ops[OP_EXP]++; break;
        case EX_SELECT: e->map_ops[OP_MAX]++; break; /* a compare and a multiplexer */
        default: break;
        }
}

/* How an access reads a recurrent tensor along its recurrent dimension. */
typedef enum { RA_PREV, RA_CUR, RA_FINAL, RA_INITIAL, RA_BAD } RecurAccess;

static RecurAccess recur_access(const Cascade *c, const IndexExpr *ix)
{
    int it = c->iter_rank;
    if (ix->n == 1 && ix->t[0].op != IX_PLAIN)
        return RA_BAD;
    if (ix->n == 1 && ix->t[0].rank == it && ix->t[0].size_rank < 0 && ix->t[0].coef == 1)
        return ix->konst == 0 ? RA_PREV : ix->konst == 1 ? RA_CUR : RA_BAD;
    if (ix->n == 1 && ix->t[0].rank < 0 && ix->t[0].size_rank == it && ix->t[0].coef == 1 &&
        ix->konst == 0)
        return RA_FINAL;
    if (ix->n == 0 && ix->konst == 0)
        return RA_INITIAL;
    return RA_BAD;
}

/* ---- dependencies, phases, order ----------------------------------------------------------- */

typedef struct {
    int n;
    uint8_t *edge;  /* n × n: edge[a * n + b] = 1 when b needs a in the same step */
} Graph;

static void report_at(Diag *d, const Einsum *e, const char *fmt, const char *a, const char *b)
{
    diag_error(d, e->loc.file, e->loc.line, fmt, a, b);
}

/* Moves Einsum i, and every Einsum it reads, before the loop over the iterative rank;
 * reports and returns 0 when one of them reads a recurrence (it then needs the loop). */
static int hoist_before_loop(Cascade *c, Diag *d, int i, int depth)
{
    Einsum *e = &c->einsums[i];
    EINSIM_ASSERT(depth <= c->n_einsums);
    e->phase = PHASE_PRE;
    for (int j = 0; j < e->n_nodes; j++) {
        const ExprNode *nd = &e->nodes[j];
        if (nd->kind != EX_ACCESS)
            continue;
        const CascadeTensor *t = &c->tensors[nd->tensor];
        if (t->recur_dim >= 0) {
            report_at(d, e, "einsum %s needs every step of the iterative rank before the loop "
                      "(a topk or prune along it), but reads the recurrence %s", e->name, t->name);
            return 0;
        }
        if (t->writer >= 0 && c->einsums[t->writer].phase == PHASE_LOOP &&
            !hoist_before_loop(c, d, t->writer, depth + 1))
            return 0;
    }
    return 1;
}

/* Builds the dependency edges and phases; returns 0 on an error (reported). */
static int build_deps(Cascade *c, Diag *d, Graph *g)
{
    int n = c->n_einsums;
    int ok = 1;
    for (int i = 0; i < n; i++) {
        Einsum *e = &c->einsums[i];
        e->phase = (c->iter_rank >= 0 && has_rank(e->free_ranks, e->n_free, c->iter_rank))
                       ? PHASE_LOOP : PHASE_PRE;
    }
    /* A topk or prune along the iterative rank needs every step of its operand: it and
     * what it reads run before the loop. */
    for (int i = 0; i < n; i++) {
        Einsum *e = &c->einsums[i];
        if ((e->red == RED_TOPK || e->red == RED_PRUNE) && e->red_ranks[0] == c->iter_rank &&
            !hoist_before_loop(c, d, i, 0))
            ok = 0;
    }
    for (int i = 0; i < n; i++) {
        Einsum *e = &c->einsums[i];
        for (int j = 0; j < e->n_nodes; j++) {
            const ExprNode *nd = &e->nodes[j];
            if (nd->kind != EX_ACCESS)
                continue;
            const CascadeTensor *t = &c->tensors[nd->tensor];
            if (t->writer < 0)
                continue;
            const Einsum *w = &c->einsums[t->writer];
            if (t->recur_dim >= 0) {
                RecurAccess ra = recur_access(c, &nd->idx[t->recur_dim]);
                int in_loop = e->phase == PHASE_LOOP;
                if (ra == RA_BAD) {
                    report_at(d, e, "einsum %s: the recurrent dimension of %s must be indexed by "
                              "v (previous step), v+1 (this step), 0 (initial) or the rank size "
                              "(final)", e->name, t->name);
                    ok = 0;
                } else if ((ra == RA_PREV || ra == RA_CUR) && !in_loop) {
                    report_at(d, e, "einsum %s reads a step of the recurrence %s but does not "
                              "iterate over it (put the iterative rank on its left-hand side)",
                              e->name, t->name);
                    ok = 0;
                } else if (ra == RA_FINAL && in_loop) {
                    report_at(d, e, "einsum %s reads the final value of %s inside the loop that "
                              "computes it", e->name, t->name);
                    ok = 0;
                } else if (ra == RA_CUR || ra == RA_FINAL) {
                    g->edge[t->writer * n + i] = 1;
                }
                continue;
            }
            g->edge[t->writer * n + i] = 1;
            if (w->phase == PHASE_LOOP && e->phase == PHASE_LOOP) {
                for (int k = 0; k < t->ndim; k++) {
                    if (t->dim_rank[k] != c->iter_rank)
                        continue;
                    int r;
                    if (!index_is_plain(&nd->idx[k], &r) || r != c->iter_rank) {
                        report_at(d, e, "einsum %s must read %s at the current step of the "
                                  "iterative rank (index it with the plain variable)",
                                  e->name, t->name);
                        ok = 0;
                    }
                }
            }
        }
    }
    /* Everything downstream of the loop runs after it. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                if (g->edge[a * n + b] && c->einsums[a].phase != PHASE_PRE &&
                    c->einsums[b].phase == PHASE_PRE) {
                    c->einsums[b].phase = PHASE_POST;
                    changed = 1;
                }
    }
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            if (g->edge[a * n + b] && c->einsums[a].phase == PHASE_POST &&
                c->einsums[b].phase == PHASE_LOOP) {
                report_at(d, &c->einsums[b], "einsum %s inside the loop depends on %s, which "
                          "needs the whole loop", c->einsums[b].name, c->einsums[a].name);
                ok = 0;
            }
    return ok;
}

/* Kahn's algorithm, smallest (phase, source index) first. Reports a cycle if any. */
static int topo_order(Cascade *c, Diag *d, const Graph *g)
{
    int n = c->n_einsums;
    int *indeg = xcalloc((size_t)n, sizeof *indeg);
    uint8_t *done = xcalloc((size_t)n, 1);
    c->order = xcalloc((size_t)n, sizeof *c->order);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            indeg[b] += g->edge[a * n + b];
    int k = 0;
    for (; k < n; k++) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (!done[i] && indeg[i] == 0 &&
                (best < 0 || c->einsums[i].phase < c->einsums[best].phase))
                best = i;
        if (best < 0)
            break;
        done[best] = 1;
        c->order[k] = best;
        for (int b = 0; b < n; b++)
            indeg[b] -= g->edge[best * n + b];
    }
    int ok = k == n;
    if (!ok) {
        /* Walk back along unfinished predecessors until a node repeats. */
        int *seen = xcalloc((size_t)n, sizeof *seen);
        int *path = xcalloc((size_t)n + 1, sizeof *path);
        int cur = -1, len = 0;
        for (int i = 0; i < n && cur < 0; i++)
            if (!done[i])
                cur = i;
        while (!seen[cur]) {
            seen[cur] = ++len;
            path[len - 1] = cur;
            int pred = -1;
            for (int a = 0; a < n && pred < 0; a++)
                if (!done[a] && g->edge[a * n + cur])
                    pred = a;
            cur = pred;
        }
        Buf b = {0};
        for (int i = len - 1; i >= seen[cur] - 1; i--)
            buf_printf(&b, "%s -> ", c->einsums[path[i]].name);
        buf_printf(&b, "%s", c->einsums[path[len - 1]].name);
        const Einsum *e = &c->einsums[cur];
        diag_error(d, e->loc.file, e->loc.line, "dependency cycle %s, not broken by a "
                   "recurrence (v+1)", b.s);
        buf_free(&b);
        free(seen);
        free(path);
    }
    free(indeg);
    free(done);
    return ok;
}

/* The inputs read from files (their values are loaded by cascade_load). */
static void add_data(Cascade *c, Diag *d, const CascadeSrc *src)
{
    c->data = xcalloc((size_t)src->n_data + 1, sizeof *c->data);
    for (int i = 0; i < src->n_data; i++) {
        const CascadeDataSrc *x = &src->data[i];
        int t = cascade_find_tensor(c, x->tensor);
        if (t < 0 || c->tensors[t].ndim != 2 || c->tensors[t].data >= 0) {
            diag_error(d, x->loc.file, x->loc.line, "cascade.data: %s %s", x->tensor,
                       t < 0 ? "is not an input of the cascade"
                       : c->tensors[t].data >= 0 ? "is read from two files"
                       : "is not two-dimensional (a block mask is a matrix)");
            continue;
        }
        c->tensors[t].data = c->n_data;
        c->data[c->n_data++] = (CascadeData){ t, xstrdup(x->file), 0, 0, NULL,
                                              own_loc(c, x->loc) };
    }
}

int cascade_build(const CascadeSrc *src, Diag *d, Cascade **out)
{
    int errs0 = diag_count(d);
    Cascade *c = xcalloc(1, sizeof *c);
    *out = NULL;
    c->name = xstrdup(src->name ? src->name : "cascade");
    c->path = xstrdup(src->path ? src->path : "");
    c->problem = xstrdup(src->problem ? src->problem : "");
    c->iter_rank = -1;
    c->head_rank = -1;
    c->ranks = xcalloc(CASCADE_MAX_RANKS, sizeof *c->ranks);
    c->tensors = xcalloc((size_t)(src->n_inputs + src->n_einsums) + 1, sizeof *c->tensors);
    c->einsums = xcalloc((size_t)src->n_einsums + 1, sizeof *c->einsums);

    if (src->n_ranks == 0)
        diag_error(d, src->loc.file, src->loc.line, "cascade %s: no ranks declared", c->name);
    if (src->n_einsums == 0)
        diag_error(d, src->loc.file, src->loc.line, "cascade %s: no einsums", c->name);
    for (int i = 0; i < src->n_ranks; i++)
        parse_rank_decl(c, d, &src->ranks[i]);
    for (int i = 0; i < src->n_partitions; i++)
        parse_partition(c, d, &src->partitions[i]);
    for (int i = 0; i < src->n_inputs; i++)
        parse_input(c, d, &src->inputs[i]);
    if (diag_count(d) > errs0)
        goto fail;
    add_data(c, d, src);

    Lhs *lhs = xcalloc((size_t)src->n_einsums + 1, sizeof *lhs);
    for (int i = 0; i < src->n_einsums; i++)
        if (parse_lhs(c, d, &src->einsums[i], &lhs[i]) && !lhs[i].is_init)
            define_einsum(c, d, &lhs[i]);
    for (int i = 0; i < src->n_einsums; i++)
        if (lhs[i].ok && lhs[i].is_init)
            define_init(c, d, &lhs[i]);
    if (diag_count(d) > errs0) {
        free(lhs);
        goto fail;
    }
    for (int i = 0, k = 0; i < src->n_einsums; i++) {
        if (lhs[i].is_init)
            continue;
        Einsum *e = &c->einsums[k++];
        Parser p;
        parser_start(&p, c, d, lhs[i].ln, "einsum");
        p.lx = lhs[i].after_eq;
        if (parse_rhs(&p, e)) {
            check_reduction(&p, e);
            count_ops(e);
        }
        const CascadeTensor *t = &c->tensors[e->out];
        if (t->recur_dim >= 0 && !t->has_init)
            diag_error(d, e->loc.file, e->loc.line, "recurrent tensor %s has no initial value "
                       "(add a statement %s[..., 0, ...] = value)", t->name, t->name);
    }
    free(lhs);

    for (int i = 0; i < src->n_outputs; i++) {
        const CascadeLine *ln = &src->outputs[i];
        int ti = cascade_find_tensor(c, ln->text);
        if (ti < 0 || c->tensors[ti].is_input)
            diag_error(d, ln->loc.file, ln->loc.line, "output '%s' is not written by any einsum",
                       ln->text);
        else
            c->tensors[ti].is_output = true;
    }
    if (src->n_outputs == 0)
        diag_error(d, src->loc.file, src->loc.line, "cascade %s: no outputs", c->name);
    /* Roles: each a tensor of the cascade, at most one role each. */
    for (int k = 0; k < 2; k++) {
        const CascadeLine *lines = k ? src->kv_cache : src->weights;
        int n = k ? src->n_kv_cache : src->n_weights;
        for (int i = 0; i < n; i++) {
            int ti = cascade_find_tensor(c, lines[i].text);
            if (ti < 0)
                diag_error(d, lines[i].loc.file, lines[i].loc.line, "%s: '%s' is not a tensor "
                           "of cascade %s", k ? "kv_cache" : "weights", lines[i].text, c->name);
            else if (c->tensors[ti].role != ROLE_ACTIVATION)
                diag_error(d, lines[i].loc.file, lines[i].loc.line, "%s: '%s' is already "
                           "listed as %s", k ? "kv_cache" : "weights", lines[i].text,
                           c->tensors[ti].role == ROLE_WEIGHT ? "a weight" : "KV cache");
            else
                c->tensors[ti].role = k ? ROLE_KV_CACHE : ROLE_WEIGHT;
        }
        c->has_roles |= n > 0;
    }
    if (diag_count(d) > errs0)
        goto fail;

    Graph g = { c->n_einsums, xcalloc((size_t)c->n_einsums * (size_t)c->n_einsums + 1, 1) };
    int ok = build_deps(c, d, &g) && topo_order(c, d, &g);
    free(g.edge);
    if (!ok)
        goto fail;
    *out = c;
    return 0;
fail:
    cascade_free(c);
    return 1;
}


int cascade_load(const char *path, const Overrides *ov, Diag *d, Cascade **out)
{
    CascadeSrc *src = NULL;
    *out = NULL;
    if (config_read_cascade(path, ov, d, &src))
        return 1;
    int rc = cascade_build(src, d, out);
    cascade_src_free(src);
    for (int i = 0; rc == 0 && i < (*out)->n_data; i++) {
        CascadeData *x = &(*out)->data[i];
        int line;
        if (config_load_blockmask(x->path, d, &x->rows, &x->cols, &x->keep, &line))
            rc = 1;
        else
            x->loc = own_loc(*out, (SrcLoc){ x->path, line });
    }
    if (rc && *out) {
        cascade_free(*out);
        *out = NULL;
    }
    return rc;
}
