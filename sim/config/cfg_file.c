/* cfg_file.c — opening libconfig files safely, locating settings, typed getters.
 *
 * libconfig 1.5 silently truncates decimal integer literals above 2^31 that lack the L
 * suffix, reports included files by their bare @include name, and returns "false" for
 * both a missing and a mistyped key. This file wraps those pitfalls: a pre-scan of the
 * raw text (and of every @include'd file) finds truncated literals and missing include
 * targets before libconfig parses; file names are mapped back to paths the user can
 * open; getters report "key: expected an integer, got a string" at the setting's line.
 * Auto-conversion is off: integer keys reject floats, float keys accept integers here. */
#include "config/configInt.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/limits.h"

/* ---- string pool -------------------------------------------------------------------- */

const char *pool_adopt(StrPool *p, char *s)
{
    if (!s)
        return NULL;
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->v = xrealloc(p->v, (size_t)p->cap * sizeof *p->v);
    }
    p->v[p->n++] = s;
    return s;
}

const char *pool_add(StrPool *p, const char *s) { return s ? pool_adopt(p, xstrdup(s)) : NULL; }

const char *pool_intern(StrPool *p, const char *s)
{
    if (!s)
        return NULL;
    for (int i = 0; i < p->n_names; i++)
        if (strcmp(p->names[i], s) == 0)
            return p->names[i];
    if (p->n_names == p->cap_names) {
        p->cap_names = p->cap_names ? 2 * p->cap_names : 8;
        p->names = xrealloc(p->names, (size_t)p->cap_names * sizeof *p->names);
    }
    return p->names[p->n_names++] = pool_add(p, s);
}

void pool_free(StrPool *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    free(p->names);
    memset(p, 0, sizeof *p);
}

/* ---- pre-scan of the raw text ---------------------------------------------------------- */

static bool is_ident_start(int c) { return isalpha(c) || c == '*'; }
static bool is_ident_char(int c) { return isalnum(c) || c == '-' || c == '_' || c == '*'; }

/* Checks one integer literal [start, end) (sign included, suffix excluded). */
static void check_int_literal(CfgFile *f, const char *shown, int line, const char *start,
                              const char *end, bool hex, bool is_long)
{
    const char *p = start;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (hex)
        p += 2;
    unsigned __int128 v = 0;
    bool huge = false;
    for (; p < end; p++) {
        int dv = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        v = v * (hex ? 16 : 10) + (unsigned)dv;
        if (v > ((unsigned __int128)1 << 65))
            huge = true;  /* keep v bounded; the exact value no longer matters */
        if (huge)
            v = (unsigned __int128)1 << 65;
    }
    int len = (int)(end - start);
    if (!is_long) {
        /* libconfig reads hex literals as unsigned 32-bit patterns. */
        unsigned __int128 lim = hex ? 0xFFFFFFFFu : neg ? (unsigned __int128)1 << 31
                                                       : ((unsigned __int128)1 << 31) - 1;
        if (v > lim)
            diag_error(f->d, shown, line, "integer %.*s does not fit in 32 bits; write %.*sL",
                       len, start, len, start);
    } else {
        unsigned __int128 lim = hex ? (unsigned __int128)UINT64_MAX
                                    : neg ? (unsigned __int128)1 << 63
                                          : ((unsigned __int128)1 << 63) - 1;
        if (v > lim)
            diag_error(f->d, shown, line, "integer %.*sL does not fit in 64 bits", len, start);
    }
}

/* Records a string literal (body [body, end) as written) for string_line(). */
static int add_str_token(CfgFile *f, const char *shown, int line, const char *body,
                         const char *end, bool joins_prev)
{
    Buf b = {0};
    for (const char *p = body; p < end; p++) {
        if (*p == '\\' && p + 1 < end) {
            p++;
            buf_putc(&b, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p == 'f' ? '\f' : *p);
        } else {
            buf_putc(&b, *p);
        }
    }
    f->strs = xrealloc(f->strs, (size_t)(f->n_strs + 1) * sizeof *f->strs);
    f->strs[f->n_strs] = (CfgStrToken){ xstrdup(shown), line, 0, buf_take(&b), joins_prev };
    return f->n_strs++;
}

static bool prescan_file(CfgFile *f, const char *shown, int depth);

/* Reports a problem of the pre-scan; the file is then not given to libconfig (its
 * scanner ends the process on an included directory, and is slow past the limits). */
static void scan_error(CfgFile *f, const char *shown, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void scan_error(CfgFile *f, const char *shown, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_error(f->d, shown, line, "%s", msg);
    free(msg);
    f->fatal = true;
}

/* Handles "@include "name"" at p (pointing at '@'); returns the position after it.
 * Checks the limits (depth, count), that the target is a regular file of at most
 * LIMIT_FILE_BYTES, and that it is not a file of the current include chain. */
static const char *prescan_include(CfgFile *f, const char *shown, int line, const char *p,
                                   int depth)
{
    p += strlen("@include");
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '"')
        return p;  /* libconfig reports the syntax error */
    const char *q = ++p;
    while (*q && *q != '"' && *q != '\n')
        q++;
    if (*q != '"')
        return q;
    if (f->fatal)
        return q + 1;  /* one include error is enough */
    char *name = xasprintf("%.*s", (int)(q - p), p);
    char *target = path_join(f->dir, name);
    struct stat st;
    if (++f->n_includes > LIMIT_INCLUDES) {
        scan_error(f, shown, line, "more than %d @includes in one input (limit)",
                   LIMIT_INCLUDES);
    } else if (depth + 1 > LIMIT_INCLUDE_DEPTH) {
        scan_error(f, shown, line, "@include nested deeper than %d files (limit)",
                   LIMIT_INCLUDE_DEPTH);
    } else if (stat(target, &st) != 0) {
        f->missing = xrealloc(f->missing, (size_t)(f->n_missing + 1) * sizeof *f->missing);
        f->missing[f->n_missing++] = (CfgMissingInclude){ line, xstrdup(shown), target };
        target = NULL;  /* libconfig reports it at this line */
    } else if (!S_ISREG(st.st_mode)) {
        scan_error(f, shown, line, "cannot include '%s': not a regular file", target);
    } else if (st.st_size > LIMIT_FILE_BYTES) {
        scan_error(f, shown, line, "cannot include '%s': larger than %d bytes (the limit of "
                   "one input file)", target, LIMIT_FILE_BYTES);
    } else {
        int cyc = -1;
        for (int i = 0; i <= depth && cyc < 0; i++)
            if (f->chain[i].dev == st.st_dev && f->chain[i].ino == st.st_ino)
                cyc = i;
        if (cyc == depth) {
            scan_error(f, shown, line, "@include cycle: %s includes itself", shown);
        } else if (cyc >= 0) {
            Buf b = {0};
            for (int i = cyc; i <= depth; i++)
                buf_printf(&b, "%s -> ", f->chain[i].shown);
            scan_error(f, shown, line, "@include cycle: %s%s", b.s, target);
            buf_free(&b);
        } else {
            f->chain[depth + 1] = (CfgChainLink){ st.st_dev, st.st_ino, target };
            prescan_file(f, target, depth + 1);
        }
    }
    free(target);
    free(name);
    return q + 1;
}

/* Limits of the libconfig structure, counted by the pre-scan: settings of one group
 * (libconfig's lookup of a new key is linear in the group, so a huge group takes
 * quadratic time) and elements of one list. */
typedef struct {
    char kind;        /* '{' group (or the top level), '(' or '[' list */
    long count;       /* settings of a group, commas of a list */
    bool reported;
} ScanLevel;

static void count_item(CfgFile *f, const char *shown, int line, ScanLevel *lv)
{
    long limit = lv->kind == '{' ? LIMIT_GROUP_SETTINGS : LIMIT_LIST_ELEMENTS - 1;
    if (++lv->count > limit && !lv->reported) {
        lv->reported = true;
        if (lv->kind == '{')
            scan_error(f, shown, line, "more than %d settings in one group (limit)",
                       LIMIT_GROUP_SETTINGS);
        else
            scan_error(f, shown, line, "more than %d elements in one list (limit)",
                       LIMIT_LIST_ELEMENTS);
    }
}

/* Scans the text of `shown` outside strings and comments for integer literals that
 * libconfig would truncate, records every string literal (see string_line), counts the
 * settings of each group and the elements of each list, and recurses into @include'd
 * files. Missing included files are recorded (libconfig reports them); an unreadable
 * top file is reported here and returns false. */
static bool prescan_file(CfgFile *f, const char *shown, int depth)
{
    size_t len = 0;
    char *text = read_file(shown, LIMIT_FILE_BYTES, &len);
    if (text && strlen(text) != len) {
        /* libconfig reads past a NUL byte that the scan below would stop at. */
        int line = 1;
        for (const char *q = text; *q; q++)
            line += *q == '\n';
        scan_error(f, shown, line, "not a text file: a NUL byte");
        free(text);
        return false;
    }
    if (!text) {
        if (depth == 0 && errno == EFBIG)
            diag_error(f->d, shown, 0, "cannot read file: larger than %d bytes (the limit of "
                       "one input file)", LIMIT_FILE_BYTES);
        else if (depth == 0)
            diag_error(f->d, shown, 0, "cannot read file: %s", file_strerror(errno));
        else
            scan_error(f, shown, 0, "cannot read file: %s", file_strerror(errno));
        return false;
    }
    if (depth == 0) {
        struct stat st;
        if (stat(shown, &st) == 0)
            f->chain[0] = (CfgChainLink){ st.st_dev, st.st_ino, shown };
    }
    ScanLevel *levels = xcalloc(LIMIT_CFG_NESTING + 1, sizeof *levels);
    int nest = 0;
    levels[0].kind = '{';
    int line = 1;
    bool line_start = true;  /* only blanks so far on this line (for @include) */
    int pending = -1;        /* string token waiting for the line of the next token */
    const char *p = text;
    while (*p && !f->fatal) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n') {
            line++;
            line_start = true;
            p++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
            continue;
        }
        bool at_start = line_start;
        line_start = false;
        bool comment = c == '#' || (c == '/' && (p[1] == '/' || p[1] == '*'));
        int prev_string = comment ? -1 : pending;  /* this token directly follows a string */
        if (!comment && pending >= 0) {
            f->strs[pending].next_line = line;  /* libconfig's lookahead token */
            pending = -1;
        }
        if (c == '#' || (c == '/' && p[1] == '/')) {
            while (*p && *p != '\n')
                p++;
        } else if (c == '/' && p[1] == '*') {
            p += 2;
            while (*p && !(p[0] == '*' && p[1] == '/')) {
                if (*p == '\n')
                    line++;
                p++;
            }
            if (*p)
                p += 2;
        } else if (c == '"') {
            int start_line = line;
            const char *body = ++p;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                if (*p == '\n')
                    line++;
                p++;
            }
            pending = add_str_token(f, shown, start_line, body, p, prev_string >= 0);
            if (*p)
                p++;
        } else if (c == '@' && at_start && strncmp(p, "@include", 8) == 0) {
            p = prescan_include(f, shown, line, p, depth);
        } else if (is_ident_start(c)) {
            while (is_ident_char((unsigned char)*p))
                p++;
        } else if (isdigit(c) || c == '.' ||
                   ((c == '-' || c == '+') && (isdigit((unsigned char)p[1]) || p[1] == '.'))) {
            const char *start = p;
            if (*p == '-' || *p == '+')
                p++;
            bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
            bool is_float = false;
            if (hex)
                p += 2;
            const char *digits = p;
            if (hex) {
                while (isxdigit((unsigned char)*p))
                    p++;
            } else {
                while (isdigit((unsigned char)*p))
                    p++;
                if (*p == '.' || *p == 'e' || *p == 'E') {
                    is_float = true;
                    while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' || *p == 'E' ||
                           ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')))
                        p++;
                }
            }
            const char *end = p;
            bool is_long = false;
            if (*p == 'L') {
                is_long = true;
                p++;
                if (*p == 'L')
                    p++;
            }
            if (!is_float && end > digits)
                check_int_literal(f, shown, line, start, end, hex, is_long);
            if (p == start)
                p++;
        } else {
            if (c == '{' || c == '(' || c == '[') {
                if (nest == LIMIT_CFG_NESTING) {
                    scan_error(f, shown, line, "groups and lists nested deeper than %d (limit)",
                               LIMIT_CFG_NESTING);
                    break;
                }
                levels[++nest] = (ScanLevel){ (char)(c == '{' ? '{' : '('), 0, false };
            } else if ((c == '}' || c == ')' || c == ']') && nest > 0) {
                nest--;
            } else if ((c == '=' || c == ':') && levels[nest].kind == '{') {
                count_item(f, shown, line, &levels[nest]);
            } else if (c == ',' && levels[nest].kind == '(') {
                count_item(f, shown, line, &levels[nest]);
            }
            p++;
        }
    }
    if (pending >= 0)
        f->strs[pending].next_line = line;
    free(levels);
    free(text);
    return true;
}

/* ---- open / close --------------------------------------------------------------------- */

/* Display name for a file name recorded by libconfig (see cfg_file_of). */
static const char *shown_name(CfgFile *f, const char *raw)
{
    if (!raw || (f->cf.num_filenames > 0 && raw == f->cf.filenames[0]))
        return f->path;
    for (int i = 0; i < f->n_names; i++)
        if (f->names[i].raw == raw || strcmp(f->names[i].raw, raw) == 0)
            return f->names[i].shown;
    f->names = xrealloc(f->names, (size_t)(f->n_names + 1) * sizeof *f->names);
    f->names[f->n_names] = (CfgFileName){ raw, path_join(f->dir, raw) };
    return f->names[f->n_names++].shown;
}

int cfg_open(CfgFile *f, const char *path, Diag *d, StrPool *pool)
{
    memset(f, 0, sizeof *f);
    char *installed = share_find(path); /* an installed einsim's shipped inputs */
    f->path = installed ? installed : xstrdup(path);
    f->dir = path_dirname(f->path);
    f->d = d;
    f->pool = pool;
    int before = diag_count(d);

    if (!prescan_file(f, f->path, 0) || f->fatal)
        return 1;

    config_init(&f->cf);
    f->cf_init = true;
    config_set_auto_convert(&f->cf, 0);
    config_set_include_dir(&f->cf, f->dir);
    if (!config_read_file(&f->cf, f->path)) {
        const char *shown = shown_name(f, config_error_file(&f->cf));
        int line = config_error_line(&f->cf);
        const char *text = config_error_text(&f->cf);
        const char *target = NULL;
        for (int i = 0; i < f->n_missing; i++)
            if (f->missing[i].line == line && strcmp(f->missing[i].file, shown) == 0)
                target = f->missing[i].target;
        if (target)
            diag_error(d, shown, line, "%s '%s'", text ? text : "cannot open include file",
                       target);
        else
            diag_error(d, shown, line, "%s", text ? text : "cannot parse file");
        return 1;
    }
    f->parsed = true;
    return diag_count(d) > before ? 1 : 0;
}

void cfg_close(CfgFile *f)
{
    if (f->cf_init)
        config_destroy(&f->cf);
    for (int i = 0; i < f->n_names; i++)
        free(f->names[i].shown);
    for (int i = 0; i < f->n_missing; i++) {
        free(f->missing[i].file);
        free(f->missing[i].target);
    }
    for (int i = 0; i < f->n_strs; i++) {
        free(f->strs[i].file);
        free(f->strs[i].text);
    }
    free(f->strs);
    free(f->names);
    free(f->missing);
    free(f->path);
    free(f->dir);
    memset(f, 0, sizeof *f);
}

/* ---- top level ------------------------------------------------------------------------ */

const char *const cfg_top_groups[5] = { "arch", "energy", "workload", "mapping", "cascade" };

int cfg_check_top(CfgFile *f)
{
    config_setting_t *root = config_root_setting(&f->cf);
    int groups = 0;
    for (int i = 0; i < config_setting_length(root); i++) {
        config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        const char *name = config_setting_name(s);
        int k = -1;
        for (int j = 0; j < 5; j++)
            if (strcmp(name, cfg_top_groups[j]) == 0)
                k = j;
        if (k < 0) {
            const char *sug = cfg_suggest(name, cfg_top_groups, 5);
            cfg_err(f, s, "%s: unknown top-level key '%s'%s%s%s (expected arch, energy, "
                    "workload, mapping or cascade)", name, name, sug ? " (did you mean '" : "",
                    sug ? sug : "", sug ? "'?)" : "");
        } else if (!config_setting_is_group(s)) {
            cfg_err(f, s, "%s: expected a group, got %s", name,
                    cfg_type_name(config_setting_type(s)));
        } else {
            groups |= 1 << k;
        }
    }
    return groups;
}

config_setting_t *cfg_top_group(CfgFile *f, const char *name, bool quiet)
{
    config_setting_t *s = config_setting_get_member(config_root_setting(&f->cf), name);
    if (!s) {
        if (!quiet)
            diag_error(f->d, f->path, 0, "no '%s' group in this file", name);
        return NULL;
    }
    if (!config_setting_is_group(s))
        return NULL;  /* reported by cfg_check_top */
    return s;
}

config_setting_t *cfg_sole_group(CfgFile *f, const char *name, const char *kind)
{
    config_setting_t *root = config_root_setting(&f->cf), *top = NULL;
    int before = diag_count(f->d);
    for (int i = 0; i < config_setting_length(root); i++) {
        config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        const char *key = config_setting_name(s);
        if (strcmp(key, name) != 0)
            cfg_err(f, s, "%s: unknown top-level key '%s' in a %s file (expected %s)", key, key,
                    kind, name);
        else if (!config_setting_is_group(s))
            cfg_err(f, s, "%s: expected a group, got %s", name, cfg_type_name(config_setting_type(s)));
        else
            top = s;
    }
    if (!top && diag_count(f->d) == before)
        diag_error(f->d, f->path, 0, "no '%s' group in this file", name);
    return top;
}

/* ---- locations and errors ------------------------------------------------------------- */

const char *cfg_file_of(CfgFile *f, const config_setting_t *s)
{
    while (s && !config_setting_source_file(s))
        s = config_setting_parent(s);
    return shown_name(f, s ? config_setting_source_file(s) : NULL);
}

/* libconfig 1.5 records a string's line after reading the token that follows it (it
 * must look for an adjacent string to concatenate), so a list element written on its
 * own line gets the line of the next element or of the closing bracket. The pre-scan
 * recorded every string literal with the line of the token after it: the literal
 * whose next-token line is the reported line and whose text ends the value is the
 * one libconfig read. Returns the corrected line, or `line` when nothing matches. */
static int string_line(CfgFile *f, const config_setting_t *s, int line)
{
    const char *v = config_setting_get_string(s);
    const char *file = cfg_file_of(f, s);
    size_t vl = strlen(v);
    int best = 0;
    for (int i = 0; i < f->n_strs; i++) {
        const CfgStrToken *t = &f->strs[i];
        size_t tl = strlen(t->text);
        if (t->next_line != line || t->line > line || tl > vl ||
            strcmp(v + vl - tl, t->text) != 0 || strcmp(t->file, file) != 0)
            continue;
        /* Adjacent literals ("a" "b") form one value: walk back to the first piece. */
        int k = i;
        size_t used = tl;
        while (f->strs[k].joins_prev && k > 0) {
            size_t pl = strlen(f->strs[k - 1].text);
            if (used + pl > vl || strncmp(v + vl - used - pl, f->strs[k - 1].text, pl) != 0)
                break;
            used += pl;
            k--;
        }
        if (f->strs[k].line > best)
            best = f->strs[k].line;
    }
    return best ? best : line;
}

static int line_of(CfgFile *f, const config_setting_t *s)
{
    while (s && config_setting_source_line(s) == 0)
        s = config_setting_parent(s);
    if (!s)
        return 0;
    int line = (int)config_setting_source_line(s);
    if (config_setting_type(s) == CONFIG_TYPE_STRING)
        line = string_line(f, s, line);
    return line;
}

const Override *cfg_override_of(const config_setting_t *s)
{
    return s ? (const Override *)config_setting_get_hook(s) : NULL;
}

SrcLoc cfg_loc(CfgFile *f, const config_setting_t *s)
{
    const Override *o = cfg_override_of(s);
    if (o)
        return (SrcLoc){ CFG_CMDLINE, o->index };
    const char *file = cfg_file_of(f, s);
    return (SrcLoc){ f->pool ? pool_intern(f->pool, file) : file, line_of(f, s) };
}

void cfg_err(CfgFile *f, const config_setting_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    const Override *o = cfg_override_of(s);
    if (o)
        diag_error(f->d, CFG_CMDLINE, o->index, "--set %s=%s: %s", o->key, o->value, msg);
    else
        diag_error(f->d, cfg_file_of(f, s), line_of(f, s), "%s", msg);
    free(msg);
}

const char *cfg_type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP: return "a group";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a float";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_ARRAY: return "an array";
    case CONFIG_TYPE_LIST: return "a list";
    default: return "nothing";
    }
}

int cfg_edit_distance(const char *a, const char *b, int cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > (size_t)cap)
        return cap + 1;
    int *prev = xmalloc((lb + 1) * sizeof *prev), *cur = xmalloc((lb + 1) * sizeof *cur);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        int row_min = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (cur[j] < row_min)
                row_min = cur[j];
        }
        int *t = prev;
        prev = cur;
        cur = t;
        if (row_min > cap) {
            free(prev);
            free(cur);
            return cap + 1;
        }
    }
    int dist = prev[lb];
    free(prev);
    free(cur);
    return dist > cap ? cap + 1 : dist;
}

const char *cfg_suggest(const char *s, const char *const *cands, int n)
{
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; n < 0 ? cands[i] != NULL : i < n; i++) {
        int dist = cfg_edit_distance(s, cands[i], 2);
        if (dist < best_d) {
            best_d = dist;
            best = cands[i];
        }
    }
    return best;
}

/* ---- typed getters -------------------------------------------------------------------- */

Node node_make(CfgFile *f, config_setting_t *s, const char *path)
{
    return (Node){ f, s, xstrdup(path) };
}

void node_free(Node *n)
{
    free(n->path);
    n->path = NULL;
}

/* Looks `key` up; reports a missing required key at the group. */
static config_setting_t *member(const Node *n, const char *key, bool req)
{
    config_setting_t *m = config_setting_get_member(n->s, key);
    if (!m && req)
        cfg_err(n->f, n->s, "%s.%s: required key is missing", n->path, key);
    return m;
}

int get_int(const Node *n, const char *key, bool req, int64_t lo, int64_t hi, int64_t *out)
{
    config_setting_t *m = member(n, key, req);
    if (!m)
        return GET_ABSENT;
    int t = config_setting_type(m);
    if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
        cfg_err(n->f, m, "%s.%s: expected an integer, got %s", n->path, key, cfg_type_name(t));
        return GET_BAD;
    }
    int64_t v = t == CONFIG_TYPE_INT ? config_setting_get_int(m) : config_setting_get_int64(m);
    if (v < lo || v > hi) {
        if (hi == INT64_MAX)
            cfg_err(n->f, m, "%s.%s: must be >= %" PRId64 " (got %" PRId64 ")", n->path, key,
                    lo, v);
        else
            cfg_err(n->f, m, "%s.%s: must be in %" PRId64 "..%" PRId64 " (got %" PRId64 ")",
                    n->path, key, lo, hi, v);
        return GET_BAD;
    }
    *out = v;
    return GET_OK;
}

int get_bool(const Node *n, const char *key, bool req, bool *out)
{
    config_setting_t *m = member(n, key, req);
    if (!m)
        return GET_ABSENT;
    int t = config_setting_type(m);
    if (t != CONFIG_TYPE_BOOL) {
        cfg_err(n->f, m, "%s.%s: expected true or false, got %s", n->path, key, cfg_type_name(t));
        return GET_BAD;
    }
    *out = config_setting_get_bool(m) != 0;
    return GET_OK;
}

int get_float(const Node *n, const char *key, bool req, double lo, bool lo_open, double hi,
              bool hi_open, double *out)
{
    config_setting_t *m = member(n, key, req);
    if (!m)
        return GET_ABSENT;
    int t = config_setting_type(m);
    double v;
    if (t == CONFIG_TYPE_FLOAT)
        v = config_setting_get_float(m);
    else if (t == CONFIG_TYPE_INT)
        v = config_setting_get_int(m);
    else if (t == CONFIG_TYPE_INT64)
        v = (double)config_setting_get_int64(m);
    else {
        cfg_err(n->f, m, "%s.%s: expected a number, got %s", n->path, key, cfg_type_name(t));
        return GET_BAD;
    }
    bool ok = isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (!ok) {
        char range[96];
        if (isinf(hi))
            snprintf(range, sizeof range, "%s %.17g", lo_open ? ">" : ">=", lo);
        else
            snprintf(range, sizeof range, "in %c%.17g, %.17g%c", lo_open ? '(' : '[', lo, hi,
                     hi_open ? ')' : ']');
        cfg_err(n->f, m, "%s.%s: must be %s (got %.17g)", n->path, key, range, v);
        return GET_BAD;
    }
    *out = v;
    return GET_OK;
}

int get_str(const Node *n, const char *key, bool req, bool allow_empty, const char **out)
{
    config_setting_t *m = member(n, key, req);
    if (!m)
        return GET_ABSENT;
    int t = config_setting_type(m);
    if (t != CONFIG_TYPE_STRING) {
        cfg_err(n->f, m, "%s.%s: expected a string, got %s", n->path, key, cfg_type_name(t));
        return GET_BAD;
    }
    const char *v = config_setting_get_string(m);
    if (!allow_empty && !v[0]) {
        cfg_err(n->f, m, "%s.%s: must not be empty", n->path, key);
        return GET_BAD;
    }
    *out = v;
    return GET_OK;
}

/* Why `s` is not a name ("" when it is one), in buf. Names go into file names, CSV and
 * JSON: letters, digits and _ - . +, starting with a letter or a digit, at most
 * LIMIT_NAME_CHARS characters. */
static const char *name_problem(const char *s, char *buf, size_t size)
{
    size_t len = strlen(s), ok = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789_-.+");
    unsigned char bad = (unsigned char)s[ok];
    if (ok < len && isprint(bad))
        snprintf(buf, size, "has a character names may not hold ('%c')", bad);
    else if (ok < len)
        snprintf(buf, size, "has a character names may not hold (byte 0x%02x)", bad);
    else if (len > LIMIT_NAME_CHARS)
        snprintf(buf, size, "is longer than %d characters (limit)", LIMIT_NAME_CHARS);
    else if (!isalnum((unsigned char)s[0]))
        snprintf(buf, size, "must start with a letter or a digit");
    else
        buf[0] = '\0';
    return buf;
}

int cfg_count_limit(CfgFile *f, const config_setting_t *list, const char *label, int len,
                    int limit, const char *what)
{
    if (len <= limit)
        return len;
    cfg_err(f, list, "%s: %d %s, more than %d (limit)", label, len, what, limit);
    return 0;
}

int get_name(const Node *n, const char *key, bool req, const char **out)
{
    const char *v;
    int r = get_str(n, key, req, false, &v);
    if (r != GET_OK)
        return r;
    char why[96];
    if (name_problem(v, why, sizeof why)[0]) {
        cfg_err(n->f, member(n, key, false), "%s.%s: '%.*s' %s; names are letters, digits and "
                "_ - . +, at most %d", n->path, key, LIMIT_NAME_CHARS + 1, v, why,
                LIMIT_NAME_CHARS);
        return GET_BAD;
    }
    *out = v;
    return GET_OK;
}

int get_group(const Node *n, const char *key, bool req, Node *child)
{
    config_setting_t *m = member(n, key, req);
    if (!m)
        return GET_ABSENT;
    if (!config_setting_is_group(m)) {
        cfg_err(n->f, m, "%s.%s: expected a group, got %s", n->path, key,
                cfg_type_name(config_setting_type(m)));
        return GET_BAD;
    }
    char *path = xasprintf("%s.%s", n->path, key);
    *child = (Node){ n->f, m, path };
    return GET_OK;
}

int get_list(const Node *n, const char *key, bool req, config_setting_t **out)
{
    config_setting_t *m = member(n, key, req);
    if (!m)
        return GET_ABSENT;
    if (!config_setting_is_list(m) && !config_setting_is_array(m)) {
        cfg_err(n->f, m, "%s.%s: expected a list, got %s", n->path, key,
                cfg_type_name(config_setting_type(m)));
        return GET_BAD;
    }
    *out = m;
    return GET_OK;
}

int check_keys(const Node *n, const char *const *allowed)
{
    int bad = 0;
    for (int i = 0; i < config_setting_length(n->s); i++) {
        config_setting_t *m = config_setting_get_elem(n->s, (unsigned)i);
        const char *name = config_setting_name(m);
        bool ok = false;
        for (int j = 0; allowed[j]; j++)
            if (strcmp(name, allowed[j]) == 0)
                ok = true;
        if (ok)
            continue;
        bad++;
        const char *sug = cfg_suggest(name, allowed, -1);
        if (sug)
            cfg_err(n->f, m, "%s.%s: unknown key '%s' (did you mean '%s'?)", n->path, name,
                    name, sug);
        else
            cfg_err(n->f, m, "%s.%s: unknown key '%s'", n->path, name, name);
    }
    return bad;
}

bool cfg_is_rank_name(const char *s)
{
    if (!isupper((unsigned char)s[0]))
        return false;
    for (const char *p = s + 1; *p; p++)
        if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p))
            return false;
    return true;
}

/* ---- defaults ------------------------------------------------------------------------- */

void def_int(config_setting_t *g, const char *key, int v)
{
    if (g && config_setting_is_group(g) && !config_setting_get_member(g, key)) {
        config_setting_t *s = config_setting_add(g, key, CONFIG_TYPE_INT);
        if (s)
            config_setting_set_int(s, v);
    }
}

void def_bool(config_setting_t *g, const char *key, bool v)
{
    if (g && config_setting_is_group(g) && !config_setting_get_member(g, key)) {
        config_setting_t *s = config_setting_add(g, key, CONFIG_TYPE_BOOL);
        if (s)
            config_setting_set_bool(s, v);
    }
}

void def_str(config_setting_t *g, const char *key, const char *v)
{
    if (g && config_setting_is_group(g) && !config_setting_get_member(g, key)) {
        config_setting_t *s = config_setting_add(g, key, CONFIG_TYPE_STRING);
        if (s)
            config_setting_set_string(s, v);
    }
}

config_setting_t *def_group(config_setting_t *g, const char *key)
{
    if (!g || !config_setting_is_group(g))
        return NULL;
    config_setting_t *s = config_setting_get_member(g, key);
    if (!s)
        return config_setting_add(g, key, CONFIG_TYPE_GROUP);
    return config_setting_is_group(s) ? s : NULL;
}
