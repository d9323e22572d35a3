/* configInt.h — internals shared by the files of the config module. Not public.
 *
 * The loaders (load_*.c) all follow the same steps on a CfgFile:
 *   cfg_open        pre-scan the raw text (32-bit integer truncation, missing @include
 *                   files), then parse with libconfig (include dir = the file's folder);
 *   cfg_top_group   check the top-level keys and find the loader's group;
 *   *_defaults      add absent optional keys with their default values to the tree;
 *   cfg_apply_overrides  apply the `--set` overrides addressed to the group;
 *   validate        walk the tree with the typed getters below, filling the spec;
 *   cfg_write_*     re-emit the group as the spec's effective_cfg.
 *
 * Every diagnostic goes through cfg_err(), which picks the location: the setting's own
 * file:line, or "<command line>:N" with a "--set KEY=VALUE: " prefix when the setting
 * was written by override N (recorded in the setting's libconfig hook). */
#ifndef EINSIM_CONFIG_INT_H
#define EINSIM_CONFIG_INT_H

#include <libconfig.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <sys/types.h>

#include "config/config.h"
#include "util/limits.h"
#include "util/util.h"

#define CFG_CMDLINE "<command line>"

/* ---- value ranges (one place, so the numbers in messages and checks agree) ----- */
#define CFG_MAX_ARRAY_DIM 65536        /* rows, cols */
#define CFG_MAX_OP_CYCLES 1000
#define CFG_MIN_CLOCK_MHZ 0.001          /* 1 kHz: seconds of 2^64 cycles stay finite */
#define CFG_MAX_CLOCK_MHZ 100000.0
#define CFG_MAX_REG_WORDS (1 << 20)
#define CFG_MAX_WIDTH_BITS (1 << 20)
#define CFG_MAX_BANKS (1 << 20)
#define CFG_MAX_INSTANCES (1 << 30)
#define CFG_MIN_BANDWIDTH_GIBPS 0.001    /* 1 MiB/s: below, DRAM time is not meaningful */
#define CFG_MAX_BANDWIDTH_GIBPS 1e9
#define CFG_MAX_PJ 1e9                   /* 1 mJ per action: 2^64 actions stay finite */
#define CFG_MAX_AREA_UM2 1e12            /* 1 m^2 per entry */
#define CFG_MAX_SEQ (INT64_C(1) << 40)
#define CFG_MAX_RANK (INT64_C(1) << 40)
#define CFG_MAX_BATCH (1 << 20)

/* ---- string pool: every string a spec points to is owned by its pool ------------ */
typedef struct {
    char **v;
    int n, cap;
    const char **names;  /* the interned file names (also in v) */
    int n_names, cap_names;
} StrPool;

/* Copies `s` into the pool and returns the copy (NULL for NULL). File names are
 * interned: the same text returns the same pointer. */
const char *pool_add(StrPool *p, const char *s);
const char *pool_intern(StrPool *p, const char *s);
/* Adopts a malloc'ed string: the pool frees it. Returns `s`. */
const char *pool_adopt(StrPool *p, char *s);
void pool_free(StrPool *p);

/* ---- one parsed input file ------------------------------------------------------- */
typedef struct {
    const char *raw;   /* file name as libconfig recorded it */
    char *shown;       /* the same file as the user can open it (owned) */
} CfgFileName;

typedef struct {
    int line;          /* line of the @include in the including file */
    char *file;        /* display name of the including file (owned) */
    char *target;      /* path that could not be opened (owned) */
} CfgMissingInclude;

typedef struct {
    char *file;        /* display name of the file (owned) */
    int line;          /* line where the string literal starts */
    int next_line;     /* line of the token after it */
    char *text;        /* its contents, escapes resolved (owned) */
    bool joins_prev;   /* directly follows another literal (concatenated with it) */
} CfgStrToken;

/* One file of the current @include chain (the top file at index 0). */
typedef struct {
    dev_t dev;
    ino_t ino;
    const char *shown;  /* not owned */
} CfgChainLink;

typedef struct {
    config_t cf;
    bool cf_init;       /* cf was initialised (config_destroy needed) */
    bool parsed;        /* libconfig accepted the file */
    char *path;         /* path as given by the caller (owned copy) */
    const char *caller_path; /* the caller's own string, when a loader needs it */
    char *dir;          /* its folder: include dir, base of relative file references */
    Diag *d;            /* where errors go (not owned) */
    StrPool *pool;      /* the spec's pool, for SrcLoc file names (not owned) */
    CfgFileName *names; /* display-name cache */
    int n_names;
    CfgMissingInclude *missing; /* @include targets found missing by the pre-scan */
    int n_missing;
    CfgStrToken *strs;  /* string literals seen by the pre-scan, for their lines */
    int n_strs;
    int n_includes;     /* @include lines the pre-scan followed (LIMIT_INCLUDES) */
    CfgChainLink chain[LIMIT_INCLUDE_DEPTH + 1]; /* the include chain being scanned */
    bool fatal;         /* the pre-scan found what libconfig must not parse */
} CfgFile;

/* Opens and parses `path`. Reports unreadable files, integer literals that libconfig
 * would truncate, missing @include targets and syntax errors into `d`. Returns 0 when
 * the tree is usable, 1 otherwise. Always call cfg_close afterwards. `pool` receives
 * the file names quoted by SrcLocs (may be NULL when no spec is built). */
int cfg_open(CfgFile *f, const char *path, Diag *d, StrPool *pool);
void cfg_close(CfgFile *f);

/* The top-level keys einsim knows, in CFG_HAS_* bit order. */
extern const char *const cfg_top_groups[5];
/* Checks the top-level keys of an open file (unknown ones are errors; known ones must
 * be groups) and returns the bit set of groups present. */
int cfg_check_top(CfgFile *f);
/* Returns the top-level group `name`, or NULL after reporting that it is absent or not
 * a group (`quiet`: no report when absent). */
config_setting_t *cfg_top_group(CfgFile *f, const char *name, bool quiet);
/* For a file of one kind holding only the top-level group `name` (a sweep, weights or
 * block-mask file; `kind` names it in messages): returns that group, or NULL after
 * reporting an unknown top-level key, a non-group, or its absence. */
config_setting_t *cfg_sole_group(CfgFile *f, const char *name, const char *kind);

/* ---- locations and errors --------------------------------------------------------- */
/* Display name of the file a setting was read from (walks up to the nearest setting
 * that has one); owned by `f`. */
const char *cfg_file_of(CfgFile *f, const config_setting_t *s);
/* Source location of a setting for a spec: file name interned in f->pool, or
 * "<command line>" and the override index when an override wrote it. */
SrcLoc cfg_loc(CfgFile *f, const config_setting_t *s);
/* The override that last wrote `s`, or NULL. */
const Override *cfg_override_of(const config_setting_t *s);
/* Reports an error located at setting `s` (see the file comment for the location). */
void cfg_err(CfgFile *f, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "an integer", "a string", ... for messages. */
const char *cfg_type_name(int type);
/* Levenshtein distance, capped: returns `cap + 1` as soon as it exceeds `cap`. */
int cfg_edit_distance(const char *a, const char *b, int cap);
/* The entry of `cands` (n of them, or NULL-terminated when n < 0) closest to `s`
 * within edit distance 2, or NULL. */
const char *cfg_suggest(const char *s, const char *const *cands, int n);

/* ---- typed access to one group ------------------------------------------------------ */
/* A group being validated and its dotted label for messages ("arch.array2d"). */
typedef struct {
    CfgFile *f;
    config_setting_t *s;
    char *path;   /* owned; release with node_free */
} Node;

Node node_make(CfgFile *f, config_setting_t *s, const char *path);
void node_free(Node *n);

enum { GET_BAD = -1, GET_ABSENT = 0, GET_OK = 1 };

/* Each getter looks up `key` in n->s. It returns GET_OK with the value stored, or
 * GET_ABSENT (nothing stored; an error was reported when `req`), or GET_BAD after
 * reporting a wrong type or an out-of-range value at the setting. */
int get_int(const Node *n, const char *key, bool req, int64_t lo, int64_t hi, int64_t *out);
/* Floats accept integer values. The range is lo..hi, each end open when its flag says;
 * hi = INFINITY for none. Non-finite values are errors. */
int get_float(const Node *n, const char *key, bool req, double lo, bool lo_open, double hi,
              bool hi_open, double *out);
int get_bool(const Node *n, const char *key, bool req, bool *out);
/* Strings must be non-empty unless `allow_empty`. *out points into the libconfig tree. */
int get_str(const Node *n, const char *key, bool req, bool allow_empty, const char **out);
/* `len` when it is at most `limit`; else reports "LABEL: LEN WHAT, more than LIMIT
 * (limit)" at the list and returns 0 (the list is then not read). */
int cfg_count_limit(CfgFile *f, const config_setting_t *list, const char *label, int len,
                    int limit, const char *what);
/* A string that names something (a unit, a workload, a group, ...): letters, digits
 * and _ - . +, starting with a letter or a digit, at most LIMIT_NAME_CHARS long. */
int get_name(const Node *n, const char *key, bool req, const char **out);
/* Group member: *child is a new Node labelled "<n.path>.<key>" (node_free it). */
int get_group(const Node *n, const char *key, bool req, Node *child);
/* List or array member (an empty `()` or `[]` is fine). */
int get_list(const Node *n, const char *key, bool req, config_setting_t **out);
/* Reports every member of n->s not in `allowed` (NULL-terminated), suggesting the
 * closest allowed key. Returns the number of unknown keys. */
int check_keys(const Node *n, const char *const *allowed);
/* Checks that a string is an upper-case identifier [A-Z][A-Z0-9]*. */
bool cfg_is_rank_name(const char *s);

/* ---- defaults (added to the tree before overrides, so overrides can replace them) - */
/* Adds `key = v` to group `g` when absent (g must be a group; otherwise nothing). */
void def_int(config_setting_t *g, const char *key, int v);
void def_str(config_setting_t *g, const char *key, const char *v);
void def_bool(config_setting_t *g, const char *key, bool v);
/* Returns member `key` of `g` when it is a group, creates it when absent, else NULL. */
config_setting_t *def_group(config_setting_t *g, const char *key);

/* ---- overrides ---------------------------------------------------------------------- */
/* Applies every override whose first key component is `group` to the tree rooted at
 * `top` (the group's setting; NULL when the file lacks the group, which is reported
 * elsewhere). Resolution rules are documented in cfg_override.c. Errors are reported
 * at "<command line>:index". */
void cfg_apply_overrides(CfgFile *f, config_setting_t *top, const char *group,
                         const Overrides *ov);

/* ---- writer ------------------------------------------------------------------------- */
/* Called for every group member before it is written (except inside the one-line
 * groups that list elements with only scalar members become); returns true when it
 * wrote the setting itself (used to inline referenced files). `indent` is the depth. */
typedef bool (*CfgWriteHook)(void *ctx, Buf *b, const config_setting_t *s, int indent);
/* Writes `s` as "name = value;" lines in libconfig syntax (keys in tree order, floats
 * that read back exactly, L on 64-bit integers, escaped strings). */
void cfg_write_setting(Buf *b, const config_setting_t *s, int indent, CfgWriteHook hook,
                       void *ctx);
/* Writes a float so that libconfig reads back the same double (always a '.' or 'e'). */
void cfg_write_float(Buf *b, double x);

/* ---- pieces shared between loaders --------------------------------------------------- */
/* Fills the energy group's defaults, validates it into *e (strings in `pool`) and
 * returns the number of errors. `label` prefixes messages ("energy", "arch.energy"). */
void energy_defaults(config_setting_t *eg);
int energy_validate(CfgFile *f, config_setting_t *eg, const char *label, StrPool *pool,
                    EnergySpec *e);
/* The energy group's optional `area` table into e->area (load_area.c); returns the
 * number of errors. */
int area_validate(CfgFile *f, config_setting_t *eg, const char *label, StrPool *pool,
                  EnergySpec *e);
/* When the table is present: every unit and on-chip level has an entry for its class. */
int area_check_arch(CfgFile *f, const ArchSpec *a);

#endif
