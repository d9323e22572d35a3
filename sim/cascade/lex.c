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
    /* Punctuation: two-character tokens first, then single characters. */
    static const struct { char c[3]; TokKind k; } punct[] = {
        { "->", TK_ARROW }, { "==", TK_EQEQ }, { "<=", TK_LE }, { ">=", TK_GE }, { "!=", TK_NE },
        { "&&", TK_AND }, { "||", TK_OR }, { "[", TK_LBRACK }, { "]", TK_RBRACK },
        { "(", TK_LPAREN }, { ")", TK_RPAREN }, { ",", TK_COMMA }, { ":", TK_COLON },
        { "=", TK_EQ }, { "<", TK_LT }, { ">", TK_GT }, { "!", TK_NOT }, { "%", TK_PERCENT },
        { "+", TK_PLUS }, { "-", TK_MINUS }, { "*", TK_STAR }, { "/", TK_SLASH },
    };
    k->kind = TK_BAD;
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++) {
        int len = punct[i].c[1] ? 2 : 1;
        if (c == punct[i].c[0] && (len == 1 || t[lx->pos + 1] == punct[i].c[1])) {
            k->kind = punct[i].k;
            k->len = len;
            break;
        }
    }
    lx->pos += k->len;
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
