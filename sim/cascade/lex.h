/* lex.h — tokenizer for cascade text (rank declarations, partitions, Einsums).
 * Internal to sim/cascade/. Columns are 1-based positions inside one string. */
#ifndef EINSIM_CASCADE_LEX_H
#define EINSIM_CASCADE_LEX_H

#include <stdint.h>

typedef enum {
    TK_END, TK_IDENT, TK_INT, TK_REAL, TK_LBRACK, TK_RBRACK, TK_LPAREN, TK_RPAREN,
    TK_COMMA, TK_COLON, TK_EQ, TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_ARROW, TK_BAD,
    TK_PERCENT, TK_LT, TK_LE, TK_GT, TK_GE, TK_EQEQ, TK_NE, TK_AND, TK_OR, TK_NOT
} TokKind;

typedef struct {
    TokKind kind;
    int col;          /* 1-based column of the first character */
    int len;          /* characters */
    const char *s;    /* start of the token in the source text */
    int64_t ival;     /* TK_INT */
    double rval;      /* TK_INT and TK_REAL */
} Token;

typedef struct {
    const char *text;
    int pos;          /* byte offset of the next unread character */
    Token tok;        /* current token */
    int overflow;     /* set when an integer literal does not fit in 63 bits */
} Lexer;

void lex_init(Lexer *lx, const char *text);
/* Advances to the next token (stored in lx->tok). */
void lex_next(Lexer *lx);
/* Human-readable description of a token kind ("']'", "identifier", ...). */
const char *tok_kind_str(TokKind k);

#endif
