/* parse.h — the cascade statement parser (parse.c), used by the builder (cascade.c).
 * Internal to sim/cascade/. It depends on the IR (ir.h), the lexer and the source
 * lines (config.h) only, so the builder calls the parser and never the other way
 * round. */
#ifndef EINSIM_CASCADE_PARSE_H
#define EINSIM_CASCADE_PARSE_H

#include "cascade/ir.h"
#include "cascade/lex.h"
#include "config/config.h"

typedef struct {
    Cascade *c;
    Diag *d;
    const CascadeLine *line;  /* statement being parsed */
    const char *what;         /* "einsum", "partition", ... for messages */
    Lexer lx;
    int failed;               /* one error per statement */
    Einsum *e;                /* Einsum whose expression nodes are being built */
    int nodes_cap;
    int red_col;              /* column of the last reduced rank named */
    int nest;                 /* expression recursion depth (<= LIMIT_EXPR_DEPTH) */
} Parser;

void parser_start(Parser *p, Cascade *c, Diag *d, const CascadeLine *line, const char *what);
void perr(Parser *p, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int expect(Parser *p, TokKind k, const char *context);
int take_ident(Parser *p, char *buf, size_t size, const char *context);
int at_end(Parser *p);
int rank_by_var(const Cascade *c, const char *var);
/* True when ix is one rank variable on its own (coefficient 1, nothing added, no
 * division); its rank in *rank (may be NULL). */
int index_is_plain(const IndexExpr *ix, int *rank);
int parse_index(Parser *p, IndexExpr *ix);
int parse_rhs(Parser *p, Einsum *e);

#endif
