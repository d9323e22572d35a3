/* load_arch.c — the `arch` and `energy` groups: architecture and per-action energies.
 *
 * An architecture names its compute units (PE arrays with per-op cycle costs), its
 * storage levels (outermost DRAM first) and its energy table. `arch.energy` is either a
 * file name (relative to the arch file's folder; relative to the working directory when
 * it comes from --set) holding an `energy` group, or that group written inline. The
 * effective_cfg of an ArchSpec always has the table inline, so it is self-contained.
 * `energy.*` overrides given to config_load_arch apply to the table it loads.
 *
 * Not checked here: that a mapping's binding names existing units (mapping checks) or
 * that every action a unit performs has an energy (the energy model reports those). */
#include "config/configInt.h"
#include "sparse/nm.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A spec and the pool that owns its strings; the spec comes first so *_free can cast. */
typedef struct {
    ArchSpec a;
    StrPool pool;
} ArchBox;

typedef struct {
    EnergySpec e;
    StrPool pool;
} EnergyBox;

static const char *const op_keys[OP__COUNT + 1] = { "mac", "add", "max", "div", "exp", NULL };
_Static_assert(OP__COUNT == 5, "op_keys must list every OpKind");

/* ---- energy ------------------------------------------------------------------------- */

void energy_defaults(config_setting_t *eg)
{
    def_str(eg, "source", "");
    config_setting_t *list = config_setting_get_member(eg, "actions");
    if (!list || !config_setting_is_aggregate(list))
        return;
    for (int i = 0; i < config_setting_length(list); i++)
        def_int(config_setting_get_elem(list, (unsigned)i), "bits", 0);
}

/* Label of an actions entry: "<label>.<class>.<action>" or "<label>.actions[i]". */
static char *entry_label(const char *label, config_setting_t *e, int i)
{
    const char *c = NULL, *a = NULL;
    if (config_setting_is_group(e)) {
        config_setting_t *cs = config_setting_get_member(e, "class");
        config_setting_t *as = config_setting_get_member(e, "action");
        if (cs && config_setting_type(cs) == CONFIG_TYPE_STRING)
            c = config_setting_get_string(cs);
        if (as && config_setting_type(as) == CONFIG_TYPE_STRING)
            a = config_setting_get_string(as);
    }
    if (c && a && c[0] && a[0])
        return xasprintf("%s.%s.%s", label, c, a);
    return xasprintf("%s.actions[%d]", label, i);
}

int energy_validate(CfgFile *f, config_setting_t *eg, const char *label, StrPool *pool,
                    EnergySpec *e)
{
    static const char *const keys[] = { "name", "source", "actions", "area", NULL };
    static const char *const entry_keys[] = { "class", "action", "pj", "bits", "size_kb", NULL };
    int before = diag_count(f->d);
    Node n = node_make(f, eg, label);
    check_keys(&n, keys);
    const char *s;
    if (get_name(&n, "name", true, &s) == GET_OK)
        e->name = pool_add(pool, s);
    e->source = "";
    if (get_str(&n, "source", false, true, &s) == GET_OK)
        e->source = pool_add(pool, s);
    config_setting_t *list;
    if (get_list(&n, "actions", true, &list) == GET_OK) {
        int len = config_setting_length(list);
        if (len == 0)
            cfg_err(f, list, "%s.actions: the table is empty", label);
        e->entries = xcalloc((size_t)len, sizeof *e->entries);
        for (int i = 0; i < len; i++) {
            config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
            char *lab = entry_label(label, el, i);
            if (!config_setting_is_group(el)) {
                cfg_err(f, el, "%s: expected a group, got %s", lab,
                        cfg_type_name(config_setting_type(el)));
                free(lab);
                continue;
            }
            Node en = node_make(f, el, lab);
            free(lab);
            check_keys(&en, entry_keys);
            const char *cls = NULL, *act = NULL;
            double pj = 0;
            int64_t bits = 0, size_kb = 0;
            int ok = get_name(&en, "class", true, &cls) == GET_OK;
            ok &= get_int(&en, "size_kb", false, 1, INT64_MAX / 1024, &size_kb) != GET_BAD;
            ok &= get_name(&en, "action", true, &act) == GET_OK;
            ok &= get_float(&en, "pj", true, 0, false, CFG_MAX_PJ, false, &pj) == GET_OK;
            ok &= get_int(&en, "bits", false, 0, CFG_MAX_WIDTH_BITS, &bits) != GET_BAD;
            if (ok) {
                for (int k = 0; k < e->n_entries; k++) {
                    const EnergyEntry *p = &e->entries[k];
                    if (strcmp(p->cls, cls) == 0 && strcmp(p->action, act) == 0 &&
                        p->size_bytes == (uint64_t)size_kb * 1024) {
                        cfg_err(f, el, "%s: duplicate entry for class '%s' action '%s' "
                                "(first at %s:%d)", en.path, cls, act, p->loc.file, p->loc.line);
                        ok = 0;
                        break;
                    }
                }
            }
            if (ok)
                e->entries[e->n_entries++] = (EnergyEntry){
                    pool_add(pool, cls), pool_add(pool, act), pj, (uint32_t)bits,
                    (uint64_t)size_kb * 1024, cfg_loc(f, el)
                };
            node_free(&en);
        }
    }
    node_free(&n);
    area_validate(f, eg, label, pool, e);
    return diag_count(f->d) - before;
}

/* Frees what an EnergySpec owns outside its pool (the entry array). */
static void energy_release(EnergySpec *e)
{
    free(e->entries);
    e->entries = NULL;
    e->n_entries = 0;
    free(e->area);
    e->area = NULL;
    e->n_area = 0;
}

int config_load_energy(const char *path, const Overrides *ov, Diag *d, EnergySpec **out)
{
    *out = NULL;
    int before = diag_count(d);
    EnergyBox *box = xcalloc(1, sizeof *box);
    CfgFile f;
    if (cfg_open(&f, path, d, &box->pool) == 0) {
        cfg_check_top(&f);
        config_setting_t *top = cfg_top_group(&f, "energy", false);
        if (top) {
            energy_defaults(top);
            cfg_apply_overrides(&f, top, "energy", ov);
            energy_validate(&f, top, "energy", &box->pool, &box->e);
            if (diag_count(d) == before) {
                Buf b = {0};
                cfg_write_setting(&b, top, 0, NULL, NULL);
                box->e.effective_cfg = pool_adopt(&box->pool, buf_take(&b));
            }
        }
    }
    cfg_close(&f);
    if (diag_count(d) > before) {
        energy_free(&box->e);
        return 1;
    }
    *out = &box->e;
    return 0;
}

void energy_free(EnergySpec *e)
{
    if (!e)
        return;
    EnergyBox *box = (EnergyBox *)e;
    energy_release(&box->e);
    pool_free(&box->pool);
    free(box);
}

/* ---- arch --------------------------------------------------------------------------- */

/* Adds the defaults of optional keys to an arch group (before overrides). */
static void arch_defaults(config_setting_t *top)
{
    config_setting_t *ar = def_group(top, "arithmetic");
    def_int(ar, "word_bits", 16);
    def_int(ar, "frac_bits", 8);
    def_int(ar, "acc_bits", 32);
    def_int(ar, "exp_terms", 5);
    config_setting_t *list = config_setting_get_member(top, "compute");
    if (list && config_setting_is_aggregate(list)) {
        for (int i = 0; i < config_setting_length(list); i++) {
            config_setting_t *u = config_setting_get_elem(list, (unsigned)i);
            def_int(u, "rows", 1);
            def_int(u, "reg_words", 0);
            config_setting_t *ops = config_setting_is_group(u) ? config_setting_get_member(u, "ops")
                                                                : NULL;
            if (ops && config_setting_is_group(ops))
                for (int k = 0; k < OP__COUNT; k++)
                    def_int(ops, op_keys[k], 0);
        }
    }
    list = config_setting_get_member(top, "storage");
    if (list && config_setting_is_aggregate(list)) {
        for (int i = 0; i < config_setting_length(list); i++) {
            config_setting_t *l = config_setting_get_elem(list, (unsigned)i);
            def_int(l, "banks", 1);
            def_int(l, "instances", 1);
        }
    }
    config_setting_t *eg = config_setting_get_member(top, "energy");
    if (eg && config_setting_is_group(eg))
        energy_defaults(eg);
}

/* State of one arch load. */
typedef struct {
    CfgFile *f;
    ArchBox *box;
    const Overrides *ov;
    CfgFile ef;              /* the energy file when arch.energy names one */
    bool ef_open;
    config_setting_t *eset;  /* arch.energy as written (string or group) */
    config_setting_t *eg;    /* the energy group (in ef or inline) */
    bool energy_ok;
    const char **names;      /* unit and level names so far, for duplicates */
    SrcLoc *name_locs;
    int n_names;
} ArchLoad;

/* Label of a compute / storage element: its name, or "<list>[i]". */
static char *elem_label(config_setting_t *e, const char *list, int i)
{
    if (config_setting_is_group(e)) {
        config_setting_t *ns = config_setting_get_member(e, "name");
        if (ns && config_setting_type(ns) == CONFIG_TYPE_STRING && config_setting_get_string(ns)[0])
            return xasprintf("arch.%s", config_setting_get_string(ns));
    }
    return xasprintf("arch.%s[%d]", list, i);
}

/* Reads the element's name and checks it is unique across units and levels. */
static const char *elem_name(ArchLoad *L, const Node *n)
{
    const char *s;
    if (get_name(n, "name", true, &s) != GET_OK)
        return NULL;
    config_setting_t *ns = config_setting_get_member(n->s, "name");
    for (int i = 0; i < L->n_names; i++)
        if (strcmp(L->names[i], s) == 0) {
            cfg_err(L->f, ns, "%s.name: duplicate name '%s' (also used at %s:%d)", n->path, s,
                    L->name_locs[i].file, L->name_locs[i].line);
            return NULL;
        }
    L->names[L->n_names] = s;
    L->name_locs[L->n_names++] = cfg_loc(L->f, ns);
    return pool_add(&L->box->pool, s);
}

/* Reads energy_class and checks that the energy table has the class. */
static const char *elem_energy_class(ArchLoad *L, const Node *n)
{
    const char *s;
    if (get_name(n, "energy_class", true, &s) != GET_OK)
        return NULL;
    const EnergySpec *e = &L->box->a.energy;
    if (L->energy_ok) {
        bool found = false;
        const char **classes = xcalloc((size_t)e->n_entries + 1, sizeof *classes);
        int nc = 0;
        for (int i = 0; i < e->n_entries; i++) {
            if (strcmp(e->entries[i].cls, s) == 0)
                found = true;
            bool dup = false;
            for (int k = 0; k < nc; k++)
                dup |= strcmp(classes[k], e->entries[i].cls) == 0;
            if (!dup)
                classes[nc++] = e->entries[i].cls;
        }
        if (!found) {
            const char *sug = cfg_suggest(s, classes, nc);
            cfg_err(L->f, config_setting_get_member(n->s, "energy_class"),
                    "%s.energy_class: unknown energy class '%s' (not in energy table '%s')%s%s%s",
                    n->path, s, e->name ? e->name : "?", sug ? " (did you mean '" : "",
                    sug ? sug : "", sug ? "'?)" : "");
        }
        free(classes);
        if (!found)
            return NULL;
    }
    return pool_add(&L->box->pool, s);
}

/* arch.energy: loads the energy table (a file or an inline group) into a->energy and
 * records whether it is usable for the energy_class checks that follow. The energy
 * file stays open in L->ef until the effective text has been written. */
static void load_energy_ref(ArchLoad *L, const Node *n)
{
    ArchSpec *a = &L->box->a;
    config_setting_t *m = config_setting_get_member(n->s, "energy");
    L->eset = m;
    if (!m) {
        cfg_err(L->f, n->s, "arch.energy: required key is missing (name an energy table file)");
        return;
    }
    int before = diag_count(L->f->d);
    if (config_setting_is_group(m)) {
        L->eg = m;
        energy_validate(L->f, m, "arch.energy", &L->box->pool, &a->energy);
    } else if (config_setting_type(m) == CONFIG_TYPE_STRING) {
        const char *rel = config_setting_get_string(m);
        if (!rel[0]) {
            cfg_err(L->f, m, "arch.energy: must not be empty");
            return;
        }
        /* Paths written in a file are relative to its folder; --set paths to the cwd. */
        char *epath = cfg_override_of(m) ? xstrdup(rel) : path_join(L->f->dir, rel);
        FILE *fp = fopen(epath, "rb");
        if (!fp) {
            cfg_err(L->f, m, "arch.energy: cannot open '%s': %s", epath, strerror(errno));
            free(epath);
            return;
        }
        fclose(fp);
        L->ef_open = true;
        if (cfg_open(&L->ef, epath, L->f->d, &L->box->pool) == 0) {
            cfg_check_top(&L->ef);
            L->eg = cfg_top_group(&L->ef, "energy", false);
            if (L->eg) {
                energy_defaults(L->eg);
                cfg_apply_overrides(&L->ef, L->eg, "energy", L->ov);
                energy_validate(&L->ef, L->eg, "energy", &L->box->pool, &a->energy);
            }
        }
        free(epath);
    } else {
        cfg_err(L->f, m, "arch.energy: expected a string (file name) or a group, got %s",
                cfg_type_name(config_setting_type(m)));
        return;
    }
    L->energy_ok = L->eg && diag_count(L->f->d) == before;
}

/* arch.arithmetic: the fixed-point format of the functional model and the RTL. */
static void load_arith(ArchLoad *L, const Node *n)
{
    static const char *const keys[] = { "word_bits", "frac_bits", "acc_bits", "exp_terms", NULL };
    ArithSpec *ar = &L->box->a.arith;
    Node g;
    if (get_group(n, "arithmetic", false, &g) != GET_OK)
        return;
    check_keys(&g, keys);
    int64_t w = 16, fr = 8, acc = 32, t = 5;
    bool w_ok = get_int(&g, "word_bits", false, 2, 32, &w) != GET_BAD;
    bool f_ok = get_int(&g, "frac_bits", false, 0, w_ok ? w - 2 : 30, &fr) != GET_BAD;
    /* The functional model needs W + F + 1 <= A <= 64 (sim/func/fixed.h); 2F < A follows. */
    config_setting_t *as = config_setting_get_member(g.s, "acc_bits");
    if (get_int(&g, "acc_bits", false, 2, 64, &acc) == GET_OK && w_ok && f_ok &&
        acc < w + fr + 1)
        cfg_err(L->f, as, "arch.arithmetic.acc_bits: must be in %" PRId64 "..64 (at least "
                "word_bits + frac_bits + 1, so exp and MACs cannot overflow; got %" PRId64 ")",
                w + fr + 1, acc);
    get_int(&g, "exp_terms", false, 1, 8, &t);
    *ar = (ArithSpec){ (int)w, (int)fr, (int)acc, (int)t };
    node_free(&g);
}

/* arch.UNIT.sparse: the N:M sparse mode of a unit (SAT-style sparse PE). Every
 * supported pattern must fit the PE: N <= lanes multipliers, M <= the mux window. */
static void load_sparse(ArchLoad *L, const Node *u, ComputeUnitSpec *cu)
{
    static const char *const keys[] = { "patterns", "lanes", "window", "mult_latency",
                                        "adder_latency", "acc_latency", "accumulators",
                                        "meta_bits_per_cycle", "meta_kb",
                                        "maskgen_groups_per_cycle", "skip",
                                        "meta_decode_cycles", NULL };
    Node g;
    if (get_group(u, "sparse", false, &g) != GET_OK)
        return;
    check_keys(&g, keys);
    SparseUnitSpec *sp = &cu->sparse;
    sp->present = true;
    sp->loc = cfg_loc(L->f, g.s);
    int64_t lanes = 1, window = 1, ml = 1, al = 0, cl = 1, acc = 1, mb = 1, mkb = 1, mg = 1;
    bool lanes_ok = get_int(&g, "lanes", true, 1, 64, &lanes) == GET_OK;
    bool window_ok = get_int(&g, "window", true, 1, 256, &window) == GET_OK;
    get_int(&g, "mult_latency", true, 1, 64, &ml);
    get_int(&g, "adder_latency", true, 0, 64, &al);
    get_int(&g, "acc_latency", true, 1, 64, &cl);
    get_int(&g, "accumulators", true, 1, 64, &acc);
    get_int(&g, "meta_bits_per_cycle", true, 1, CFG_MAX_WIDTH_BITS, &mb);
    get_int(&g, "meta_kb", true, 1, INT64_C(1) << 30, &mkb);
    get_int(&g, "maskgen_groups_per_cycle", true, 1, 65536, &mg);
    int64_t dec = 0;
    get_int(&g, "meta_decode_cycles", false, 0, 1024, &dec);
    const char *skip = "skip";
    bool gate = false;
    if (get_str(&g, "skip", false, false, &skip) == GET_OK) {
        gate = strcmp(skip, "gate") == 0;
        if (!gate && strcmp(skip, "skip") != 0)
            cfg_err(L->f, config_setting_get_member(g.s, "skip"), "%s.skip: must be \"skip\" "
                    "(pruned products take no cycle) or \"gate\" (they take their cycle, "
                    "gated: no MAC energy) (got \"%s\")", g.path, skip);
    }
    if (lanes_ok && window_ok && window < lanes)
        cfg_err(L->f, config_setting_get_member(g.s, "window"), "%s.window: must be at least "
                "lanes (%" PRId64 "): dense mode feeds every multiplier its own activation "
                "(got %" PRId64 ")", g.path, lanes, window);
    *sp = (SparseUnitSpec){ .present = true, .lanes = (uint32_t)lanes, .window = (uint32_t)window,
                            .mult_latency = (uint32_t)ml, .adder_latency = (uint32_t)al,
                            .acc_latency = (uint32_t)cl, .accumulators = (uint32_t)acc,
                            .meta_bits_per_cycle = (uint32_t)mb,
                            .meta_bytes = (uint64_t)mkb * 1024,
                            .maskgen_groups_per_cycle = (uint32_t)mg, .gate = gate,
                            .meta_decode_cycles = (uint32_t)dec, .loc = sp->loc };
    if (cu->op_cycles[OP_MAC] == 0)
        cfg_err(L->f, g.s, "%s: a sparse unit needs ops.mac", g.path);
    config_setting_t *list;
    if (get_list(&g, "patterns", true, &list) == GET_OK) {
        int len = config_setting_length(list);
        if (len == 0 || len > SPARSE_MAX_PATTERNS)
            cfg_err(L->f, list, "%s.patterns: list 1 to %d N:M patterns (got %d)", g.path,
                    SPARSE_MAX_PATTERNS, len);
        for (int i = 0; i < len && i < SPARSE_MAX_PATTERNS; i++) {
            config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
            if (config_setting_type(el) != CONFIG_TYPE_STRING) {
                cfg_err(L->f, el, "%s.patterns[%d]: expected a string like \"2:8\", got %s",
                        g.path, i, cfg_type_name(config_setting_type(el)));
                continue;
            }
            const char *t = config_setting_get_string(el);
            NMPattern p;
            if (nm_parse(t, &p) != 0 || p.dense) {
                cfg_err(L->f, el, "%s.patterns[%d]: '%s' is not an N:M pattern (expected N:M "
                        "with 1 <= N <= M <= 64)", g.path, i, t);
                continue;
            }
            bool dup = false;
            for (int k = 0; k < sp->n_patterns; k++)
                dup |= sp->pat_n[k] == p.n && sp->pat_m[k] == p.m;
            if (dup) {
                cfg_err(L->f, el, "%s.patterns[%d]: %s is listed twice", g.path, i, t);
                continue;
            }
            if (lanes_ok && (int64_t)p.n > lanes) {
                cfg_err(L->f, el, "%s.patterns[%d]: %s needs %d multipliers per PE (one per kept "
                        "value of a group) but lanes = %" PRId64, g.path, i, t, p.n, lanes);
                continue;
            }
            if (window_ok && (int64_t)p.m > window) {
                cfg_err(L->f, el, "%s.patterns[%d]: %s needs a mux window of %d activations but "
                        "window = %" PRId64, g.path, i, t, p.m, window);
                continue;
            }
            sp->pat_n[sp->n_patterns] = p.n;
            sp->pat_m[sp->n_patterns++] = p.m;
        }
    }
    node_free(&g);
}

/* arch.compute: the PE arrays, in file order, into a->units. */
static void load_compute(ArchLoad *L, const Node *n)
{
    static const char *const keys[] = { "name", "energy_class", "rows", "cols", "reg_words",
                                        "in_latency", "drain", "ops", "sparse", NULL };
    ArchSpec *a = &L->box->a;
    config_setting_t *list;
    if (get_list(n, "compute", true, &list) != GET_OK)
        return;
    int len = config_setting_length(list);
    if (len == 0)
        cfg_err(L->f, list, "arch.compute: list at least one compute unit");
    len = cfg_count_limit(L->f, list, "arch.compute", len, LIMIT_UNITS, "compute units");
    a->units = xcalloc((size_t)len, sizeof *a->units);
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        char *lab = elem_label(el, "compute", i);
        if (!config_setting_is_group(el)) {
            cfg_err(L->f, el, "%s: expected a group, got %s", lab,
                    cfg_type_name(config_setting_type(el)));
            free(lab);
            continue;
        }
        Node u = node_make(L->f, el, lab);
        free(lab);
        check_keys(&u, keys);
        ComputeUnitSpec cu = { .loc = cfg_loc(L->f, el) };
        int64_t rows = 1, cols = 0, regs = 0;
        cu.name = elem_name(L, &u);
        cu.energy_class = elem_energy_class(L, &u);
        get_int(&u, "rows", false, 1, CFG_MAX_ARRAY_DIM, &rows);
        get_int(&u, "cols", true, 1, CFG_MAX_ARRAY_DIM, &cols);
        get_int(&u, "reg_words", false, 0, CFG_MAX_REG_WORDS, &regs);
        cu.rows = (uint32_t)rows;
        cu.cols = (uint32_t)cols;
        cu.reg_words = (uint32_t)regs;
        /* Input registers in front of a 2D array (1 unless stated); a 1D array has none. */
        int64_t inlat = rows > 1 ? 1 : 0;
        get_int(&u, "in_latency", false, 0, CFG_MAX_OP_CYCLES, &inlat);
        cu.in_latency = (uint32_t)inlat;
        /* How an output-stationary pass's results leave the array. */
        const char *drain = "rows";
        if (get_str(&u, "drain", false, false, &drain) == GET_OK) {
            cu.drain_local = strcmp(drain, "local") == 0;
            if (!cu.drain_local && strcmp(drain, "rows") != 0)
                cfg_err(L->f, config_setting_get_member(u.s, "drain"), "%s.drain: must be "
                        "\"rows\" (results leave through the PE rows, one row per cycle) or "
                        "\"local\" (PE-local output buffers emptied behind the next pass) "
                        "(got \"%s\")", u.path, drain);
        }
        Node ops;
        if (get_group(&u, "ops", true, &ops) == GET_OK) {
            check_keys(&ops, op_keys);
            for (int k = 0; k < OP__COUNT; k++) {
                int64_t c = 0;
                get_int(&ops, op_keys[k], false, 0, CFG_MAX_OP_CYCLES, &c);
                cu.op_cycles[k] = (uint32_t)c;
            }
            node_free(&ops);
        }
        load_sparse(L, &u, &cu);
        a->units[a->n_units++] = cu;
        node_free(&u);
    }
}

/* arch.storage: the storage levels, outermost (DRAM) first, into a->levels. A level has
 * exactly one of size_kb / size_bytes, except DRAM, which has neither (unbounded). */
static void load_storage(ArchLoad *L, const Node *n)
{
    static const char *const keys[] = { "name", "class", "energy_class", "size_kb", "size_bytes",
                                        "width_bits", "banks", "instances", "bandwidth_gibps",
                                        "latency_cycles", NULL };
    static const char *const classes[] = { "DRAM", "SRAM", "regfile", NULL };
    ArchSpec *a = &L->box->a;
    config_setting_t *list;
    if (get_list(n, "storage", true, &list) != GET_OK)
        return;
    int len = config_setting_length(list);
    if (len == 0)
        cfg_err(L->f, list, "arch.storage: list at least the DRAM level");
    len = cfg_count_limit(L->f, list, "arch.storage", len, LIMIT_LEVELS, "storage levels");
    a->levels = xcalloc((size_t)len, sizeof *a->levels);
    for (int i = 0; i < len; i++) {
        config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
        char *lab = elem_label(el, "storage", i);
        if (!config_setting_is_group(el)) {
            cfg_err(L->f, el, "%s: expected a group, got %s", lab,
                    cfg_type_name(config_setting_type(el)));
            free(lab);
            continue;
        }
        Node s = node_make(L->f, el, lab);
        free(lab);
        check_keys(&s, keys);
        StorageSpec st = { .loc = cfg_loc(L->f, el), .cls = STORE_SRAM };
        st.name = elem_name(L, &s);
        const char *cls;
        bool cls_ok = false;
        if (get_str(&s, "class", true, false, &cls) == GET_OK) {
            config_setting_t *cs = config_setting_get_member(el, "class");
            int k = 0;
            while (classes[k] && strcmp(classes[k], cls) != 0)
                k++;
            if (!classes[k]) {
                const char *sug = cfg_suggest(cls, classes, -1);
                cfg_err(L->f, cs, "%s.class: must be \"DRAM\", \"SRAM\" or \"regfile\" (got "
                        "\"%s\")%s%s%s", s.path, cls, sug ? " (did you mean '" : "",
                        sug ? sug : "", sug ? "'?)" : "");
            } else {
                cls_ok = true;
                st.cls = k == 0 ? STORE_DRAM : k == 1 ? STORE_SRAM : STORE_REGFILE;
                if (i == 0 && st.cls != STORE_DRAM)
                    cfg_err(L->f, cs, "%s.class: the first (outermost) storage level must be "
                            "DRAM (got \"%s\")", s.path, cls);
                else if (i > 0 && st.cls == STORE_DRAM)
                    cfg_err(L->f, cs, "%s.class: only the first (outermost) storage level may be "
                            "DRAM", s.path);
            }
        }
        st.energy_class = elem_energy_class(L, &s);

        config_setting_t *kb = config_setting_get_member(el, "size_kb");
        config_setting_t *by = config_setting_get_member(el, "size_bytes");
        if (cls_ok && st.cls == STORE_DRAM) {
            if (kb || by)
                cfg_err(L->f, kb ? kb : by, "%s.%s: DRAM is unbounded; remove the size",
                        s.path, kb ? "size_kb" : "size_bytes");
        } else if (cls_ok) {
            if (kb && by) {
                cfg_err(L->f, by, "%s.size_bytes: give either size_kb or size_bytes, not both",
                        s.path);
            } else if (!kb && !by) {
                cfg_err(L->f, el, "%s.size_kb: required key is missing (or give size_bytes)",
                        s.path);
            } else if (kb) {
                int64_t v;
                if (get_int(&s, "size_kb", true, 1, INT64_MAX, &v) == GET_OK &&
                    !ck_mul_u64((uint64_t)v, 1024, &st.size_bytes))
                    cfg_err(L->f, kb, "%s.size_kb: %" PRId64 " KiB does not fit in 64 bits as "
                            "bytes", s.path, v);
            } else {
                int64_t v;
                if (get_int(&s, "size_bytes", true, 1, INT64_MAX, &v) == GET_OK)
                    st.size_bytes = (uint64_t)v;
            }
        }
        int64_t w = 0, banks = 1, inst = 1;
        get_int(&s, "width_bits", true, 1, CFG_MAX_WIDTH_BITS, &w);
        get_int(&s, "banks", false, 1, CFG_MAX_BANKS, &banks);
        get_int(&s, "instances", false, 1, CFG_MAX_INSTANCES, &inst);
        st.width_bits = (uint32_t)w;
        st.banks = (uint32_t)banks;
        st.instances = (uint32_t)inst;
        double bw = 0;
        bool dram = cls_ok && st.cls == STORE_DRAM;
        get_float(&s, "bandwidth_gibps", dram, CFG_MIN_BANDWIDTH_GIBPS, false,
                  CFG_MAX_BANDWIDTH_GIBPS, false, &bw);
        st.bandwidth_gibps = bw;
        int64_t lat = 0;
        get_int(&s, "latency_cycles", false, 0, CFG_MAX_OP_CYCLES, &lat);
        st.latency_cycles = (uint64_t)lat;
        a->levels[a->n_levels++] = st;
        node_free(&s);
    }
}

/* Writer hook: inlines the energy table in place of an `energy = "file"` reference. */
static bool inline_energy(void *ctx, Buf *b, const config_setting_t *s, int indent)
{
    const ArchLoad *L = ctx;
    if (s != L->eset || config_setting_is_group(s) || !L->eg)
        return false;
    cfg_write_setting(b, L->eg, indent, NULL, NULL);
    return true;
}

int config_load_arch(const char *path, const Overrides *ov, Diag *d, ArchSpec **out)
{
    *out = NULL;
    int before = diag_count(d);
    ArchBox *box = xcalloc(1, sizeof *box);
    ArchSpec *a = &box->a;
    a->path = pool_add(&box->pool, path);
    CfgFile f;
    ArchLoad L = { .f = &f, .box = box, .ov = ov };
    if (cfg_open(&f, path, d, &box->pool) == 0) {
        cfg_check_top(&f);
        config_setting_t *top = cfg_top_group(&f, "arch", false);
        if (top) {
            static const char *const keys[] = { "name", "clock_mhz", "energy", "arithmetic",
                                                "compute", "storage", NULL };
            a->loc = cfg_loc(&f, top);
            arch_defaults(top);
            cfg_apply_overrides(&f, top, "arch", ov);
            config_setting_t *em = config_setting_get_member(top, "energy");
            if (em && config_setting_is_group(em))
                cfg_apply_overrides(&f, em, "energy", ov);

            Node n = node_make(&f, top, "arch");
            check_keys(&n, keys);
            const char *s;
            if (get_name(&n, "name", true, &s) == GET_OK)
                a->name = pool_add(&box->pool, s);
            get_float(&n, "clock_mhz", true, CFG_MIN_CLOCK_MHZ, false, CFG_MAX_CLOCK_MHZ, false,
                      &a->clock_mhz);
            load_arith(&L, &n);
            load_energy_ref(&L, &n);
            int cap = 0;
            config_setting_t *l;
            if ((l = config_setting_get_member(top, "compute")) && config_setting_is_aggregate(l))
                cap += config_setting_length(l);
            if ((l = config_setting_get_member(top, "storage")) && config_setting_is_aggregate(l))
                cap += config_setting_length(l);
            L.names = xcalloc((size_t)cap + 1, sizeof *L.names);
            L.name_locs = xcalloc((size_t)cap + 1, sizeof *L.name_locs);
            load_compute(&L, &n);
            load_storage(&L, &n);
            if (L.energy_ok)
                area_check_arch(&f, a);
            node_free(&n);

            if (diag_count(d) == before) {
                Buf b = {0};
                cfg_write_setting(&b, top, 0, inline_energy, &L);
                a->effective_cfg = pool_adopt(&box->pool, buf_take(&b));
                cfg_write_setting(&b, L.eg, 0, NULL, NULL);
                a->energy.effective_cfg = pool_adopt(&box->pool, buf_take(&b));
            }
            free(L.names);
            free(L.name_locs);
        }
    }
    if (L.ef_open)
        cfg_close(&L.ef);
    cfg_close(&f);
    if (diag_count(d) > before) {
        arch_free(a);
        return 1;
    }
    *out = a;
    return 0;
}

void arch_free(ArchSpec *a)
{
    if (!a)
        return;
    ArchBox *box = (ArchBox *)a;
    free(box->a.units);
    free(box->a.levels);
    energy_release(&box->a.energy);
    pool_free(&box->pool);
    free(box);
}
