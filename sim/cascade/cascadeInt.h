/* cascadeInt.h — internals shared by the cascade parser (parse.c) and builder
 * (cascade.c). Not part of the public surface. */
#ifndef EINSIM_CASCADE_INT_H
#define EINSIM_CASCADE_INT_H

#include "cascade/cascade.h"
#include "cascade/lex.h"

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
} Parser;

void parser_start(Parser *p, Cascade *c, Diag *d, const CascadeLine *line, const char *what);
void perr(Parser *p, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int expect(Parser *p, TokKind k, const char *context);
int take_ident(Parser *p, char *buf, size_t size, const char *context);
int at_end(Parser *p);
int rank_by_var(const Cascade *c, const char *var);
int parse_index(Parser *p, IndexExpr *ix);
int parse_rhs(Parser *p, Einsum *e);
/* Checks that every rank variable of `ix` belongs to the rank of dimension `dim` of `t`
 * (the rank itself or one of its partitions); reports and returns 0 otherwise. */
int check_index_rank(Parser *p, const CascadeTensor *t, int dim, const IndexExpr *ix, int col);

#endif
