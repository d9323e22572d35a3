/* parse.c — parser of the cascade text: rank and tensor declarations, partitions and
 * Einsum statements (grammar in cascade.h). Produces the IR in cascade.h; the
 * cross-statement checks (shapes, phases, cycles) are in cascade.c.
 *
 * Every error quotes the statement's file:line, the column inside the statement, and
 * the statement itself with a caret under the offending token. */
#include "cascade/parse.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void perr(Parser *p, int col, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    /* The statement with a caret under the column; a long one is shown around it. */
    enum { SHOW = 100 };
    const char *text = p->line->text;
    int len = (int)strlen(text), from = col > SHOW / 2 ? col - 1 - SHOW / 2 : 0;
    int to = from + SHOW < len ? from + SHOW : len;
    Buf b = {0};
    buf_printf(&b, "    %s%.*s%s\n    %s", from ? "..." : "", to - from, text + from,
               to < len ? "..." : "", from ? "   " : "");
    for (int i = from + 1; i < col; i++)
        buf_putc(&b, text[i - 1] == '\t' ? '\t' : ' ');
    buf_putc(&b, '^');
    char *ctx = buf_take(&b);
    diag_error_at(p->d, p->line->loc.file, p->line->loc.line, col, ctx, "%s: column %d: %s",
                  p->what, col, msg);
    free(ctx);
    free(msg);
}

void parser_start(Parser *p, Cascade *c, Diag *d, const CascadeLine *line, const char *what)
{
    memset(p, 0, sizeof *p);
    p->c = c;
    p->d = d;
    p->line = line;
    p->what = what;
    lex_init(&p->lx, line->text ? line->text : "");
}

static const Token *tok(Parser *p) { return &p->lx.tok; }

static int tok_is(Parser *p, TokKind k) { return p->lx.tok.kind == k; }

static int tok_is_word(Parser *p, const char *w)
{
    const Token *t = tok(p);
    return t->kind == TK_IDENT && (int)strlen(w) == t->len && strncmp(t->s, w, (size_t)t->len) == 0;
}

/* Consumes a token of kind k or reports what was expected. */
int expect(Parser *p, TokKind k, const char *context)
{
    if (p->failed)
        return 0;
    if (!tok_is(p, k)) {
        perr(p, tok(p)->col, "expected %s %s, found %s", tok_kind_str(k), context,
             tok_kind_str(tok(p)->kind));
        return 0;
    }
    lex_next(&p->lx);
    return 1;
}

/* Copies the current identifier into buf (truncated to size) and advances. */
int take_ident(Parser *p, char *buf, size_t size, const char *context)
{
    if (p->failed)
        return 0;
    if (!tok_is(p, TK_IDENT)) {
        perr(p, tok(p)->col, "expected a name %s, found %s", context, tok_kind_str(tok(p)->kind));
        return 0;
    }
    const Token *t = tok(p);
    if ((size_t)t->len >= size) {
        perr(p, t->col, "name '%.*s' is too long (at most %zu characters)", t->len, t->s, size - 1);
        return 0;
    }
    memcpy(buf, t->s, (size_t)t->len);
    buf[t->len] = '\0';
    lex_next(&p->lx);
    return 1;
}

int at_end(Parser *p)
{
    if (p->failed)
        return 0;
    if (!tok_is(p, TK_END)) {
        perr(p, tok(p)->col, "unexpected %s after the end of the statement",
             tok_kind_str(tok(p)->kind));
        return 0;
    }
    return 1;
}

int rank_by_var(const Cascade *c, const char *var)
{
    for (int i = 0; i < c->n_ranks; i++)
        if (strcmp(c->ranks[i].var, var) == 0)
            return i;
    return -1;
}

/* ---- index expressions ------------------------------------------------------------ */

/* One product term of an index: [-] factor (* factor)* [(/ | %) divisor], factors
 * being integers, rank variables (at most one) and rank sizes (at most one); the
 * divisor is one integer (>= 1) or one rank size. */
static int parse_index_term(Parser *p, int sign, IndexExpr *ix)
{
    int64_t coef = sign;
    int var = -1, size_rank = -1;
    int col0 = tok(p)->col;
    for (;;) {
        const Token *t = tok(p);
        if (t->kind == TK_INT) {
            if (p->lx.overflow || !ck_mul_i64(coef, t->ival, &coef)) {
                perr(p, t->col, "integer in index is too large");
                return 0;
            }
            lex_next(&p->lx);
        } else if (t->kind == TK_IDENT) {
            char name[64];
            int col = t->col;
            if (!take_ident(p, name, sizeof name, "in an index"))
                return 0;
            int r = rank_by_var(p->c, name);
            if (r >= 0) {
                if (var >= 0) {
                    perr(p, col, "index term multiplies two rank variables ('%s' and '%s'); "
                         "indices must be affine", p->c->ranks[var].var, name);
                    return 0;
                }
                var = r;
            } else if ((r = cascade_find_rank(p->c, name)) >= 0) {
                if (size_rank >= 0) {
                    perr(p, col, "index term multiplies two rank sizes");
                    return 0;
                }
                size_rank = r;
            } else {
                perr(p, col, "undefined rank variable or size '%s'", name);
                return 0;
            }
        } else if (t->kind == TK_LPAREN) {
            perr(p, t->col, "an index has no parentheses: divide or take the modulo term by term "
                 "(p %% S == m %% S rather than (p - m) %% S == 0)");
            return 0;
        } else {
            perr(p, t->col, "expected a rank variable, a rank size or an integer in the index, "
                 "found %s", tok_kind_str(t->kind));
            return 0;
        }
        if (!tok_is(p, TK_STAR))
            break;
        lex_next(&p->lx);
    }
    IndexTerm term = { .rank = var, .size_rank = size_rank, .coef = coef, .op = IX_PLAIN,
                       .dcoef = 1, .d_size_rank = -1 };
    if (tok_is(p, TK_SLASH) || tok_is(p, TK_PERCENT)) {
        term.op = tok_is(p, TK_SLASH) ? IX_DIV : IX_MOD;
        lex_next(&p->lx);
        const Token *t = tok(p);
        if (t->kind == TK_INT) {
            if (p->lx.overflow || t->ival == 0) {
                perr(p, t->col, t->ival == 0 ? "division by zero in an index"
                                             : "integer in index is too large");
                return 0;
            }
            term.dcoef = t->ival;
            lex_next(&p->lx);
        } else if (t->kind == TK_IDENT) {
            char name[64];
            int col = t->col;
            if (!take_ident(p, name, sizeof name, "as the divisor"))
                return 0;
            term.d_size_rank = cascade_find_rank(p->c, name);
            if (term.d_size_rank < 0) {
                perr(p, col, "the divisor of an index must be an integer or a rank size; '%s' is %s",
                     name, rank_by_var(p->c, name) >= 0 ? "a rank variable" : "undefined");
                return 0;
            }
        } else {
            perr(p, t->col, "expected an integer or a rank size as the divisor, found %s",
                 tok_kind_str(t->kind));
            return 0;
        }
        if (tok_is(p, TK_STAR) || tok_is(p, TK_SLASH) || tok_is(p, TK_PERCENT)) {
            perr(p, tok(p)->col, "one division or modulo per index term, and it comes last");
            return 0;
        }
        /* The sign of the term applies to the quotient: a - b / 2 = a - (b / 2). */
        term.neg = coef < 0;
        term.coef = coef < 0 ? -coef : coef;
    }
    if (var < 0 && size_rank < 0) {
        int64_t v = coef;
        if (term.op != IX_PLAIN && term.d_size_rank < 0) {
            v = term.op == IX_DIV ? index_floor_div(term.coef, term.dcoef)
                                  : index_floor_mod(term.coef, term.dcoef);
            v = term.neg ? -v : v;
        } else if (term.op != IX_PLAIN) {
            goto keep; /* a constant divided by a rank size: evaluated at binding */
        }
        if (!ck_add_i64(ix->konst, v, &ix->konst)) {
            perr(p, col0, "integer in index is too large");
            return 0;
        }
        return 1;
    }
keep:
    if (ix->n == INDEX_MAX_TERMS) {
        perr(p, col0, "index has more than %d terms", INDEX_MAX_TERMS);
        return 0;
    }
    ix->t[ix->n++] = term;
    return 1;
}

int parse_index(Parser *p, IndexExpr *ix)
{
    memset(ix, 0, sizeof *ix);
    int sign = 1;
    if (tok_is(p, TK_MINUS)) {
        sign = -1;
        lex_next(&p->lx);
    }
    if (!parse_index_term(p, sign, ix))
        return 0;
    while (tok_is(p, TK_PLUS) || tok_is(p, TK_MINUS)) {
        sign = tok_is(p, TK_PLUS) ? 1 : -1;
        lex_next(&p->lx);
        if (!parse_index_term(p, sign, ix))
            return 0;
    }
    return 1;
}

/* True when `ix` is one rank variable on its own (coefficient 1, no size, offset or
 * division); its rank in *rank. */
int index_is_plain(const IndexExpr *ix, int *rank)
{
    if (ix->n != 1 || ix->konst != 0 || ix->t[0].rank < 0 || ix->t[0].size_rank >= 0 ||
        ix->t[0].coef != 1 || ix->t[0].op != IX_PLAIN)
        return 0;
    if (rank)
        *rank = ix->t[0].rank;
    return 1;
}

/* A plain index (one variable on its own) must range over the rank of dimension `dim`
 * of `t` (the rank itself or one of its partitions), which catches swapped indices. A
 * compound index (an offset, a sum, a product with a size, a division) may combine any
 * ranks — m1*M0 + m0, p - w, h / G — and an element it addresses outside the tensor is
 * absent. Reports and returns 0 on a mismatch. */
static int check_index_rank(Parser *p, const CascadeTensor *t, int dim, const IndexExpr *ix, int col)
{
    int want = t->dim_rank[dim], r;
    if (!index_is_plain(ix, &r))
        return 1;
    int a = r;
    while (a >= 0 && a != want)
        a = p->c->ranks[a].parent;
    if (a != want) {
        perr(p, col, "index variable '%s' ranges over rank %s, but dimension %d of %s is "
             "rank %s", p->c->ranks[r].var, p->c->ranks[r].name, dim, t->name,
             p->c->ranks[want].name);
        return 0;
    }
    return 1;
}


/* ---- expressions -------------------------------------------------------------------- */

static int new_node(Parser *p, ExprKind k, int col)
{
    Einsum *e = p->e;
    if (e->n_nodes == p->nodes_cap) {
        p->nodes_cap = p->nodes_cap ? 2 * p->nodes_cap : 16;
        e->nodes = xrealloc(e->nodes, (size_t)p->nodes_cap * sizeof *e->nodes);
    }
    ExprNode *n = &e->nodes[e->n_nodes];
    memset(n, 0, sizeof *n);
    n->kind = k;
    n->a = n->b = n->c = -1;
    n->tensor = -1;
    n->rank = -1;
    n->col = col;
    n->depth = 1;
    return e->n_nodes++;
}

static int parse_expr(Parser *p);

/* Sets the depth of node n from its operands; reports a tree deeper than the limit
 * (the interpreter evaluates it recursively). Returns n, or -1. */
static int set_depth(Parser *p, int n)
{
    ExprNode *x = &p->e->nodes[n];
    int da = x->a >= 0 ? p->e->nodes[x->a].depth : 0, db = x->b >= 0 ? p->e->nodes[x->b].depth : 0;
    int dc = x->c >= 0 ? p->e->nodes[x->c].depth : 0;
    x->depth = 1 + (da > db ? (da > dc ? da : dc) : (db > dc ? db : dc));
    if (x->depth > LIMIT_EXPR_DEPTH) {
        perr(p, x->col, "expression nested deeper than %d levels (limit)", LIMIT_EXPR_DEPTH);
        return -1;
    }
    return n;
}

/* A new node of kind k over operands a and b (b may be -1); returns it, or -1 when
 * the tree grows deeper than the limit. */
static int bin_node(Parser *p, ExprKind k, int col, int a, int b)
{
    int n = new_node(p, k, col);
    p->e->nodes[n].a = a;
    p->e->nodes[n].b = b;
    return set_depth(p, n);
}

/* Enters one level of recursion; reports nesting deeper than the limit. */
static int enter(Parser *p)
{
    if (++p->nest <= LIMIT_EXPR_DEPTH)
        return 1;
    perr(p, tok(p)->col, "expression nested deeper than %d levels (limit)", LIMIT_EXPR_DEPTH);
    return 0;
}

static int parse_access(Parser *p, int tensor, int col)
{
    const CascadeTensor *t = &p->c->tensors[tensor];
    int n = new_node(p, EX_ACCESS, col);
    p->e->nodes[n].tensor = tensor;
    if (!expect(p, TK_LBRACK, "after the tensor name"))
        return -1;
    int dim = 0;
    for (;;) {
        int icol = tok(p)->col;
        if (dim == t->ndim) {
            perr(p, icol, "tensor %s has %d dimension%s but is indexed with more", t->name,
                 t->ndim, t->ndim == 1 ? "" : "s");
            return -1;
        }
        IndexExpr ix;
        if (!parse_index(p, &ix))
            return -1;
        if (!check_index_rank(p, t, dim, &ix, icol))
            return -1;
        p->e->nodes[n].idx[dim++] = ix;
        if (tok_is(p, TK_COMMA)) {
            lex_next(&p->lx);
            continue;
        }
        break;
    }
    if (dim != t->ndim) {
        perr(p, tok(p)->col, "tensor %s has %d dimension%s but is indexed with %d", t->name,
             t->ndim, t->ndim == 1 ? "" : "s", dim);
        return -1;
    }
    if (!expect(p, TK_RBRACK, "to close the index list"))
        return -1;
    return n;
}

/* ---- predicates ------------------------------------------------------------------------- */

static int parse_pred(Parser *p);

/* A comparison of two indices, a tensor test T[...], '!' P or '(' P ')'. */
static int parse_pred_unary(Parser *p)
{
    const Token *t = tok(p);
    int col = t->col;
    if (p->failed)
        return -1;
    if (t->kind == TK_NOT) {
        lex_next(&p->lx);
        int a = enter(p) ? parse_pred_unary(p) : -1;
        p->nest--;
        if (a < 0)
            return -1;
        return bin_node(p, EX_NOT, col, a, -1);
    }
    if (t->kind == TK_LPAREN) {
        lex_next(&p->lx);
        int n = parse_pred(p);
        if (n < 0 || !expect(p, TK_RPAREN, "to close '(' in the predicate"))
            return -1;
        return n;
    }
    if (t->kind == TK_IDENT) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", t->len, t->s);
        int ti = cascade_find_tensor(p->c, name);
        if (ti >= 0) {
            lex_next(&p->lx);
            return parse_access(p, ti, col);
        }
    }
    int n = new_node(p, EX_CMP, col);
    if (!parse_index(p, &p->e->nodes[n].idx[0]))
        return -1;
    static const struct { TokKind k; CmpOp op; } ops[] = {
        { TK_LT, CMP_LT }, { TK_LE, CMP_LE }, { TK_GT, CMP_GT }, { TK_GE, CMP_GE },
        { TK_EQEQ, CMP_EQ }, { TK_NE, CMP_NE },
    };
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && !tok_is(p, ops[k].k))
        k++;
    if (k == sizeof ops / sizeof ops[0]) {
        perr(p, tok(p)->col, "expected a comparison (<, <=, >, >=, ==, !=) in the predicate, "
             "found %s%s", tok_kind_str(tok(p)->kind), tok_is(p, TK_RPAREN)
             ? " (parentheses group predicates; an index has no parentheses: write p % S == "
               "m % S rather than (p - m) % S == 0)" : "");
        return -1;
    }
    p->e->nodes[n].cmp = ops[k].op;
    lex_next(&p->lx);
    if (!parse_index(p, &p->e->nodes[n].idx[1]))
        return -1;
    return n;
}

/* P && P && ... (level 1) or P || P || ... (level 0); && binds tighter. */
static int parse_pred_binary(Parser *p, int level)
{
    int a = level == 0 ? parse_pred_binary(p, 1) : parse_pred_unary(p);
    while (a >= 0 && tok_is(p, level == 0 ? TK_OR : TK_AND)) {
        int col = tok(p)->col;
        lex_next(&p->lx);
        int b = level == 0 ? parse_pred_binary(p, 1) : parse_pred_unary(p);
        if (b < 0)
            return -1;
        a = bin_node(p, level == 0 ? EX_OR : EX_AND, col, a, b);
    }
    return a;
}

static int parse_pred(Parser *p)
{
    int n = enter(p) ? parse_pred_binary(p, 0) : -1;
    p->nest--;
    return n;
}

/* select(P, a, b): a where the predicate P holds, b elsewhere. */
static int parse_select(Parser *p, int col)
{
    lex_next(&p->lx); /* select */
    if (!expect(p, TK_LPAREN, "after select (form: select(predicate, value, value))"))
        return -1;
    int n = new_node(p, EX_SELECT, col);
    int c = parse_pred(p);
    if (c < 0 || !expect(p, TK_COMMA, "after the predicate of select"))
        return -1;
    int a = parse_expr(p);
    if (a < 0 || !expect(p, TK_COMMA, "between the two values of select"))
        return -1;
    int b = parse_expr(p);
    if (b < 0 || !expect(p, TK_RPAREN, "to close select"))
        return -1;
    ExprNode *x = &p->e->nodes[n];
    x->a = a;
    x->b = b;
    x->c = c;
    return set_depth(p, n);
}

static int parse_call(Parser *p, ExprKind k, int col, int nargs)
{
    lex_next(&p->lx); /* the function name */
    if (!expect(p, TK_LPAREN, "after the function name"))
        return -1;
    int n = new_node(p, k, col);
    int a = parse_expr(p);
    if (a < 0)
        return -1;
    p->e->nodes[n].a = a;
    if (nargs == 2) {
        if (tok_is(p, TK_COLON)) {
            perr(p, tok(p)->col, "a reduction such as max(m: ...) must be the whole right-hand side");
            return -1;
        }
        if (!expect(p, TK_COMMA, "between the two arguments"))
            return -1;
        int b = parse_expr(p);
        if (b < 0)
            return -1;
        p->e->nodes[n].b = b;
    }
    if (!expect(p, TK_RPAREN, "to close the call"))
        return -1;
    return set_depth(p, n);
}

static int parse_primary(Parser *p)
{
    const Token *t = tok(p);
    int col = t->col;
    if (p->failed)
        return -1;
    if (t->kind == TK_INT || t->kind == TK_REAL) {
        int n = new_node(p, EX_NUM, col);
        p->e->nodes[n].num = t->rval;
        lex_next(&p->lx);
        return n;
    }
    if (t->kind == TK_LPAREN) {
        lex_next(&p->lx);
        int n = parse_expr(p);
        if (n < 0 || !expect(p, TK_RPAREN, "to close '('"))
            return -1;
        return n;
    }
    if (t->kind == TK_IDENT) {
        if (tok_is_word(p, "inf")) {
            int n = new_node(p, EX_NUM, col);
            p->e->nodes[n].num = INFINITY;
            lex_next(&p->lx);
            return n;
        }
        if (tok_is_word(p, "exp"))
            return parse_call(p, EX_EXP, col, 1);
        if (tok_is_word(p, "sqrt"))
            return parse_call(p, EX_SQRT, col, 1);
        if (tok_is_word(p, "max"))
            return parse_call(p, EX_MAX, col, 2);
        if (tok_is_word(p, "min"))
            return parse_call(p, EX_MIN, col, 2);
        if (tok_is_word(p, "select"))
            return parse_select(p, col);
        if (tok_is_word(p, "sum") || tok_is_word(p, "prune") || tok_is_word(p, "topk")) {
            perr(p, col, "a reduction such as %.*s(m: ...) must be the whole right-hand side",
                 t->len, t->s);
            return -1;
        }
        char name[64];
        if (!take_ident(p, name, sizeof name, "in the expression"))
            return -1;
        int ti = cascade_find_tensor(p->c, name);
        int rk = cascade_find_rank(p->c, name);
        if (ti < 0 && rk >= 0) {
            int n = new_node(p, EX_SIZE, col);
            p->e->nodes[n].rank = rk;
            return n;
        }
        if (ti < 0) {
            if (rank_by_var(p->c, name) >= 0)
                perr(p, col, "rank variable '%s' used as a value; only tensors, numbers and rank sizes "
                     "are values", name);
            else
                perr(p, col, "undefined tensor '%s'", name);
            return -1;
        }
        return parse_access(p, ti, col);
    }
    perr(p, col, "expected a tensor, a number, '(' or a function, found %s", tok_kind_str(t->kind));
    return -1;
}

static int parse_unary(Parser *p)
{
    if (tok_is(p, TK_MINUS)) {
        int col = tok(p)->col;
        lex_next(&p->lx);
        int a = enter(p) ? parse_unary(p) : -1;
        p->nest--;
        if (a < 0)
            return -1;
        return bin_node(p, EX_NEG, col, a, -1);
    }
    return parse_primary(p);
}

static int parse_binary(Parser *p, int level)
{
    int a = level == 0 ? parse_binary(p, 1) : parse_unary(p);
    while (a >= 0) {
        TokKind k = tok(p)->kind;
        ExprKind ek;
        if (level == 0 && (k == TK_PLUS || k == TK_MINUS))
            ek = k == TK_PLUS ? EX_ADD : EX_SUB;
        else if (level == 1 && (k == TK_STAR || k == TK_SLASH))
            ek = k == TK_STAR ? EX_MUL : EX_DIV;
        else
            break;
        int col = tok(p)->col;
        lex_next(&p->lx);
        int b = level == 0 ? parse_binary(p, 1) : parse_unary(p);
        if (b < 0)
            return -1;
        a = bin_node(p, ek, col, a, b);
    }
    return a;
}

static int parse_expr(Parser *p)
{
    int n = enter(p) ? parse_binary(p, 0) : -1;
    p->nest--;
    return n;
}

/* The k of topk(r: expr, k): ", k" with k an integer >= 1 or a rank size. */
static int parse_topk_count(Parser *p, Einsum *e)
{
    if (!expect(p, TK_COMMA, "before the count of topk (form: topk(rank: expression, k))"))
        return 0;
    const Token *t = tok(p);
    e->topk_n = 1;
    if (t->kind == TK_INT) {
        if (p->lx.overflow || t->ival < 1) {
            perr(p, t->col, "topk keeps %s elements; k must be at least 1",
                 p->lx.overflow ? "too many" : "0");
            return 0;
        }
        e->topk_n = t->ival;
        lex_next(&p->lx);
        return 1;
    }
    if (t->kind == TK_IDENT) {
        char name[64];
        int col = t->col;
        if (!take_ident(p, name, sizeof name, "as the count of topk"))
            return 0;
        if ((e->topk_rank = cascade_find_rank(p->c, name)) >= 0)
            return 1;
        perr(p, col, "the count of topk must be an integer or a rank size; '%s' is %s", name,
             rank_by_var(p->c, name) >= 0 ? "a rank variable" : "undefined");
        return 0;
    }
    perr(p, t->col, "expected the count of topk (an integer or a rank size), found %s",
         tok_kind_str(t->kind));
    return 0;
}

/* Right-hand side: an optional top-level reduction, prune or topk, the map expression, then
 * the optional `where` predicate. Fills e->red, e->red_ranks (as named), e->topk_*,
 * e->where and e->root. */
int parse_rhs(Parser *p, Einsum *e)
{
    p->e = e;
    e->red = RED_NONE;
    e->where = -1;
    e->topk_rank = -1;
    static const struct { const char *w; ReduceKind k; } reds[] = {
        { "sum", RED_SUM }, { "max", RED_MAX }, { "min", RED_MIN }, { "prune", RED_PRUNE },
        { "topk", RED_TOPK },
    };
    int explicit_red = 0;
    for (size_t i = 0; i < sizeof reds / sizeof reds[0]; i++) {
        if (!tok_is_word(p, reds[i].w))
            continue;
        /* max( and min( are also the binary map actions: a reduction has "name :" or
         * "name , name :" right after the parenthesis. */
        Lexer save = p->lx;
        lex_next(&p->lx);
        int is_red = 0;
        if (tok_is(p, TK_LPAREN)) {
            lex_next(&p->lx);
            while (tok_is(p, TK_IDENT)) {
                lex_next(&p->lx);
                if (tok_is(p, TK_COLON)) {
                    is_red = 1;
                    break;
                }
                if (!tok_is(p, TK_COMMA))
                    break;
                lex_next(&p->lx);
            }
        }
        p->lx = save;
        if (!is_red && (reds[i].k == RED_SUM || reds[i].k == RED_PRUNE || reds[i].k == RED_TOPK)) {
            lex_next(&p->lx);
            perr(p, tok(p)->col, "%s needs the form %s(rank: expression%s)", reds[i].w, reds[i].w,
                 reds[i].k == RED_TOPK ? ", k" : "");
            return 0;
        }
        if (!is_red)
            break;
        explicit_red = 1;
        e->red = reds[i].k;
        lex_next(&p->lx);
        lex_next(&p->lx); /* '(' */
        for (;;) {
            char var[64];
            int col = tok(p)->col;
            if (!take_ident(p, var, sizeof var, "naming a rank to reduce"))
                return 0;
            int r = rank_by_var(p->c, var);
            if (r < 0) {
                perr(p, col, "undefined rank variable '%s'", var);
                return 0;
            }
            for (int j = 0; j < e->n_red; j++)
                if (e->red_ranks[j] == r) {
                    perr(p, col, "rank variable '%s' named twice", var);
                    return 0;
                }
            if (e->n_red == CASCADE_MAX_DIMS) {
                perr(p, col, "too many reduced ranks");
                return 0;
            }
            e->red_ranks[e->n_red++] = r;
            p->red_col = col;
            if (tok_is(p, TK_COLON))
                break;
            if (!expect(p, TK_COMMA, "between reduced ranks"))
                return 0;
        }
        lex_next(&p->lx); /* ':' */
        break;
    }
    int root = parse_expr(p);
    if (root < 0)
        return 0;
    if (e->red == RED_TOPK && !parse_topk_count(p, e))
        return 0;
    if (explicit_red && !expect(p, TK_RPAREN, "to close the reduction"))
        return 0;
    if (tok_is_word(p, "where")) {
        lex_next(&p->lx);
        e->where_col = tok(p)->col;
        if ((e->where = parse_pred(p)) < 0)
            return 0;
    }
    if (!at_end(p))
        return 0;
    e->root = root;
    return 1;
}
