/* lex.c — tokenizer for cascade text. */
#include "cascade/lex.h"

#include <ctype.h>
#include <stdlib.h>

void lex_init(Lexer *lx, const char *text)
{
    lx->text = text;
    lx->pos = 0;
    lx->overflow = 0;
    lex_next(lx);
}

void lex_next(Lexer *lx)
{
    const char *t = lx->text;
    while (t[lx->pos] == ' ' || t[lx->pos] == '\t')
        lx->pos++;
    Token *k = &lx->tok;
    k->s = t + lx->pos;
    k->col = lx->pos + 1;
    k->len = 1;
    k->ival = 0;
    k->rval = 0;
    char c = t[lx->pos];
    if (c == '\0') {
        k->kind = TK_END;
        k->len = 0;
        return;
    }
    if (isalpha((unsigned char)c) || c == '_') {
        int p = lx->pos;
        while (isalnum((unsigned char)t[p]) || t[p] == '_')
            p++;
        k->kind = TK_IDENT;
        k->len = p - lx->pos;
        lx->pos = p;
        return;
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)t[lx->pos + 1]))) {
        int p = lx->pos;
        int is_real = 0;
        while (isdigit((unsigned char)t[p]))
            p++;
        if (t[p] == '.') {
            is_real = 1;
            p++;
            while (isdigit((unsigned char)t[p]))
                p++;
        }
        if ((t[p] == 'e' || t[p] == 'E') &&
            (isdigit((unsigned char)t[p + 1]) ||
             ((t[p + 1] == '+' || t[p + 1] == '-') && isdigit((unsigned char)t[p + 2])))) {
            is_real = 1;
            p += 2;
            while (isdigit((unsigned char)t[p]))
                p++;
        }
        k->len = p - lx->pos;
        k->rval = strtod(k->s, NULL);
        if (is_real) {
            k->kind = TK_REAL;
        } else {
            k->kind = TK_INT;
            int64_t v = 0;
            for (int i = lx->pos; i < p; i++) {
                if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, t[i] - '0', &v)) {
                    lx->overflow = 1;
                    v = INT64_MAX;
                    break;
                }
            }
            k->ival = v;
        }
        lx->pos = p;
        return;
    }
    lx->pos++;
    switch (c) {
    case '[': k->kind = TK_LBRACK; break;
    case ']': k->kind = TK_RBRACK; break;
    case '(': k->kind = TK_LPAREN; break;
    case ')': k->kind = TK_RPAREN; break;
    case ',': k->kind = TK_COMMA; break;
    case ':': k->kind = TK_COLON; break;
    case '=':
        k->kind = t[lx->pos] == '=' ? TK_EQEQ : TK_EQ;
        break;
    case '<':
        k->kind = t[lx->pos] == '=' ? TK_LE : TK_LT;
        break;
    case '>':
        k->kind = t[lx->pos] == '=' ? TK_GE : TK_GT;
        break;
    case '!':
        k->kind = t[lx->pos] == '=' ? TK_NE : TK_NOT;
        break;
    case '&':
        k->kind = t[lx->pos] == '&' ? TK_AND : TK_BAD;
        break;
    case '|':
        k->kind = t[lx->pos] == '|' ? TK_OR : TK_BAD;
        break;
    case '%': k->kind = TK_PERCENT; break;
    case '+': k->kind = TK_PLUS; break;
    case '*': k->kind = TK_STAR; break;
    case '/': k->kind = TK_SLASH; break;
    case '-':
        if (t[lx->pos] == '>') {
            lx->pos++;
            k->kind = TK_ARROW;
            k->len = 2;
        } else {
            k->kind = TK_MINUS;
        }
        break;
    default: k->kind = TK_BAD; break;
    }
    if (k->kind == TK_EQEQ || k->kind == TK_LE || k->kind == TK_GE || k->kind == TK_NE ||
        k->kind == TK_AND || k->kind == TK_OR) {
        lx->pos++;
        k->len = 2;
    }
}

const char *tok_kind_str(TokKind k)
{
    switch (k) {
    case TK_END: return "end of text";
    case TK_IDENT: return "a name";
    case TK_INT: return "an integer";
    case TK_REAL: return "a number";
    case TK_LBRACK: return "'['";
    case TK_RBRACK: return "']'";
    case TK_LPAREN: return "'('";
    case TK_RPAREN: return "')'";
    case TK_COMMA: return "','";
    case TK_COLON: return "':'";
    case TK_EQ: return "'='";
    case TK_PLUS: return "'+'";
    case TK_MINUS: return "'-'";
    case TK_STAR: return "'*'";
    case TK_SLASH: return "'/'";
    case TK_ARROW: return "'->'";
    case TK_BAD: return "an unexpected character";
    case TK_PERCENT: return "'%'";
    case TK_LT: return "'<'";
    case TK_LE: return "'<='";
    case TK_GT: return "'>'";
    case TK_GE: return "'>='";
    case TK_EQEQ: return "'=='";
    case TK_NE: return "'!='";
    case TK_AND: return "'&&'";
    case TK_OR: return "'||'";
    case TK_NOT: return "'!'";
    }
    return "?";
}
