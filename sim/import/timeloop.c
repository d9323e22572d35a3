/* timeloop.c — `einsim import timeloop`: a Timeloop v3 specification (architecture,
 * problem, mapping) into einsim files, run once, with einsim's counts in Timeloop's
 * terms (import.h).
 *
 * What is translated (sim/import/README.md, "Timeloop"):
 *   - three storage levels: a register file in every PE (instances = the arithmetic's),
 *     one shared buffer, DRAM; the arithmetic's instances / meshX as the array's rows
 *     and meshX as its columns; the register file's entries as the PEs' reg_words;
 *   - the problem shapes gemm (D[m, n] = A[m, k] B[n, k] + C[m, n], C read-only) and
 *     cnn-layer with a 1 x 1 window;
 *   - the mapping as einsim's loop nest (mappings/README.md, "Loop-nest groups"): per
 *     level its keep list, its temporal factors in its permutation's order, and the
 *     buffer's spatial factors over the array's X (columns) and Y (rows) by `split`;
 *   - per-access energies from `vector-access-energy` and the arithmetic's `energy`.
 * Everything else is refused at the file:line of the construct, naming it; a level
 * without an energy is priced at 0 with a warning. */
#include "import/import.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/timeloop.h"
#include "import/importInt.h"
#include "report/commands.h"
#include "run/run.h"
#include "util/emit.h"
#include "util/output.h"
#include "util/util.h"

/* A data space of the problem: its name and the ranks it is indexed by. */
typedef struct {
    const char *name;
    const char *ranks;   /* one letter per rank */
    bool output;
} TlSpace;

static const TlSpace gemm_spaces[] = {
    { "A", "MK", false }, { "B", "NK", false }, { "C", "MN", false }, { "D", "MN", true },
};
static const TlSpace cnn_spaces[] = {
    { "Weights", "CK", false }, { "Inputs", "NCPQ", false }, { "Outputs", "NKPQ", true },
};

typedef struct {
    const TimeloopSpec *t;
    Diag *d;
    bool gemm;
    const TlSpace *sp;
    int n_sp;
    int64_t rows, cols;               /* the array */
    char temporal[3][TL_MAX_DIMS * 24]; /* per level: einsim's "R=f ..." loops, innermost first */
    char spatial_x[TL_MAX_DIMS * 24], spatial_y[TL_MAX_DIMS * 24]; /* at the buffer */
    bool kept[3][TL_MAX_SPACES];      /* per level: data space kept */
    int out;                          /* index of the output data space */
} Tl;

static int64_t dim_size(const TimeloopSpec *t, const char *r)
{
    for (int i = 0; i < t->n_dims; i++)
        if (strcmp(t->dim[i], r) == 0)
            return t->size[i];
    return 0;
}

static int space_of(const Tl *x, const char *name)
{
    for (int i = 0; i < x->n_sp; i++)
        if (strcmp(x->sp[i].name, name) == 0)
            return i;
    return -1;
}

#define REFUSE(loc, ...) diag_error(x->d, (loc).file, (loc).line, __VA_ARGS__)

/* The architecture: three levels, one word size, bandwidths that einsim can express. */
static void check_arch(Tl *x)
{
    const TimeloopSpec *t = x->t;
    if (t->n_levels != 3 || !t->levels[2].dram || t->levels[0].dram || t->levels[1].dram) {
        REFUSE(t->levels[0].loc, "arch.storage: einsim imports three storage levels, innermost first: a "
               "register file in each PE, one shared buffer, DRAM (technology = \"DRAM\"); this "
               "architecture has %d", t->n_levels);
        return;
    }
    const TlStorage *rf = &t->levels[0], *gb = &t->levels[1], *dr = &t->levels[2];
    if (rf->instances != t->arith_instances || rf->meshx != t->arith_meshx)
        REFUSE(rf->loc, "arch.storage.%s: %" PRId64 " instances (meshX %" PRId64 "), but the arithmetic "
               "has %" PRId64 " (meshX %" PRId64 "): einsim's register file is one per PE", rf->name,
               rf->instances, rf->meshx, t->arith_instances, t->arith_meshx);
    if (gb->instances != 1)
        REFUSE(gb->loc, "arch.storage.%s: %" PRId64 " instances: einsim's buffer level is one shared "
               "buffer", gb->name, gb->instances);
    if (dr->instances != 1)
        REFUSE(dr->loc, "arch.storage.%s: %" PRId64 " instances: einsim has one DRAM channel", dr->name,
               dr->instances);
    for (int i = 0; i < 3; i++)
        if (t->levels[i].word_bits != t->arith_word_bits)
            REFUSE(t->levels[i].loc, "arch.storage.%s: word bits %" PRId64 ", the arithmetic's %" PRId64
                   ": einsim has one word size", t->levels[i].name, t->levels[i].word_bits,
                   t->arith_word_bits);
    if (t->arith_word_bits < 2 || t->arith_word_bits > 32)
        REFUSE(t->arith_loc, "arch.arithmetic: word bits %" PRId64 ": einsim's words are 2..32 bits",
               t->arith_word_bits);
    if (rf->block_size != 1)
        REFUSE(rf->loc, "arch.storage.%s: block size %" PRId64 ": einsim's PE registers are read a word "
               "at a time", rf->name, rf->block_size);
    if (rf->read_bw || rf->write_bw || rf->shared_bw)
        REFUSE(rf->bw_loc, "arch.storage.%s: a bandwidth: einsim's PE registers have no bandwidth limit",
               rf->name);
    if (gb->read_bw || gb->write_bw || gb->shared_bw)
        REFUSE(gb->bw_loc, "arch.storage.%s: a bandwidth: not imported (einsim's buffer ports are its "
               "row width times its banks)", gb->name);
    if ((dr->read_bw || dr->write_bw) && (dr->shared_bw || dr->read_bw != dr->write_bw))
        REFUSE(dr->bw_loc, "arch.storage.%s: separate read and write bandwidths: einsim's DRAM channel "
               "has one bandwidth (give shared_bandwidth, or equal read and write ones)", dr->name);
    if (t->arith_instances % t->arith_meshx != 0)
        REFUSE(t->arith_loc, "arch.arithmetic: %" PRId64 " instances do not fill rows of meshX = %" PRId64,
               t->arith_instances, t->arith_meshx);
    x->cols = t->arith_meshx;
    x->rows = t->arith_instances / t->arith_meshx;
    if (x->rows > 65536 || x->cols > 65536)
        REFUSE(t->arith_loc, "arch.arithmetic: a %" PRId64 " x %" PRId64 " array: einsim's rows and "
               "columns are at most 65536", x->rows, x->cols);
}

static void check_problem(Tl *x)
{
    const TimeloopSpec *t = x->t;
    x->gemm = strcmp(t->shape, "gemm") == 0;
    x->sp = x->gemm ? gemm_spaces : cnn_spaces;
    x->n_sp = x->gemm ? 4 : 3;
    x->out = x->n_sp - 1;
    if (!x->gemm && (dim_size(t, "R") != 1 || dim_size(t, "S") != 1))
        REFUSE(t->dim_loc[0], "problem: a %" PRId64 " x %" PRId64 " convolution window: einsim imports "
               "cnn-layer problems with R = S = 1 (a GEMM over the pixels); a sliding window has no "
               "einsim cascade yet", dim_size(t, "R"), dim_size(t, "S"));
    if (!x->gemm && (t->wstride != 1 || t->hstride != 1))
        REFUSE(t->stride_loc, "problem: strides %" PRId64 " x %" PRId64 ": einsim imports stride 1",
               t->hstride, t->wstride);
}

/* The factors of rank r in directive d (1 when absent). */
static int64_t factor_of(const TlDirective *d, const char *r)
{
    for (int i = 0; i < d->n_factors; i++)
        if (strcmp(d->rank[i], r) == 0)
            return d->factor[i];
    return 1;
}

static void check_mapping(Tl *x)
{
    const TimeloopSpec *t = x->t;
    const TlDirective *tmp[3] = { 0 }, *spa[3] = { 0 }, *dt[3] = { 0 };
    for (int l = 0; l < 3; l++)
        for (int s = 0; s < x->n_sp; s++)
            x->kept[l][s] = true;
    for (int i = 0; i < t->n_dirs; i++) {
        const TlDirective *d = &t->dirs[i];
        if (d->target < 0 || d->target > 2)
            continue;
        const TlDirective **slot = d->kind == TL_TEMPORAL ? &tmp[d->target]
                                   : d->kind == TL_SPATIAL ? &spa[d->target] : &dt[d->target];
        if (*slot) {
            REFUSE(d->loc, "mapping: a second %s directive for level %d (first at line %d)",
                   d->kind == TL_TEMPORAL ? "temporal" : d->kind == TL_SPATIAL ? "spatial" : "datatype",
                   d->target, (*slot)->loc.line);
            continue;
        }
        *slot = d;
        for (int k = 0; k < d->n_factors; k++)
            if (!dim_size(t, d->rank[k]))
                REFUSE(d->loc, "mapping: factor %s%" PRId64 ": the problem has no rank %s", d->rank[k],
                       d->factor[k], d->rank[k]);
        if (d->kind == TL_DATATYPE) {
            for (int k = 0; k < d->n_keep + d->n_bypass; k++) {
                const char *nm = k < d->n_keep ? d->keep[k] : d->bypass[k - d->n_keep];
                int s = space_of(x, nm);
                if (s < 0)
                    REFUSE(d->loc, "mapping: '%s' is not a data space of the %s problem", nm, t->shape);
                else
                    x->kept[d->target][s] = k < d->n_keep;
            }
        }
    }
    if (diag_count(x->d))
        return;
    /* Every rank's factors multiply to its size. */
    for (int r = 0; r < t->n_dims; r++) {
        int64_t p = 1;
        for (int l = 0; l < 3; l++) {
            if (tmp[l])
                p *= factor_of(tmp[l], t->dim[r]);
            if (spa[l])
                p *= factor_of(spa[l], t->dim[r]);
        }
        if (p != t->size[r])
            REFUSE(t->mapping_loc, "mapping: the factors of rank %s multiply to %" PRId64 ", its size is %"
                   PRId64 " (einsim imports complete mappings)", t->dim[r], p, t->size[r]);
    }
    /* DRAM keeps everything; the register file keeps the output only (output stationary). */
    for (int s = 0; s < x->n_sp; s++)
        if (!x->kept[2][s])
            REFUSE(dt[2] ? dt[2]->loc : t->mapping_loc, "mapping: DRAM bypasses %s: the outermost level "
                   "holds every data space", x->sp[s].name);
    if (spa[0] || spa[2]) {
        const TlDirective *d = spa[0] ? spa[0] : spa[2];
        REFUSE(d->loc, "mapping: spatial factors at %s: einsim imports spatial factors at the shared "
               "buffer (the array below it)", t->levels[d->target].name);
    }
    /* The loops of each level, innermost first (the permutation's order), and the spatial
     * ones over X (the permutation's first `split` ranks) and Y. */
    for (int l = 0; l < 3; l++) {
        const TlDirective *ds[2] = { tmp[l], spa[l] };
        for (int k = 0; k < 2; k++) {
            const TlDirective *d = ds[k];
            if (!d)
                continue;
            int split = d->split >= 0 ? d->split : (int)strlen(d->permutation);
            for (int j = 0; j < d->n_factors; j++)
                if (d->factor[j] > 1 && !strchr(d->permutation, d->rank[j][0]))
                    REFUSE(d->loc, "mapping: factor %s%" PRId64 ": %s is not in the permutation (give "
                           "every rank with a factor there)", d->rank[j], d->factor[j], d->rank[j]);
            int64_t xs = 1, ys = 1;
            for (const char *p = d->permutation; *p; p++) {
                char r[2] = { *p, 0 };
                int64_t f = factor_of(d, r);
                if (f == 1)
                    continue;
                bool on_x = p - d->permutation < split;
                char *buf = k == 0 ? x->temporal[l] : on_x ? x->spatial_x : x->spatial_y;
                size_t n = strlen(buf);
                snprintf(buf + n, sizeof x->spatial_x - n, "%s%s=%" PRId64, n ? " " : "", r, f);
                if (k == 1)
                    *(on_x ? &xs : &ys) *= f;
            }
            if (k == 1 && (xs > x->cols || ys > x->rows))
                REFUSE(d->loc, "mapping: the spatial factors use %" PRId64 " x %" PRId64 " PEs (X by Y) of the "
                       "%" PRId64 " x %" PRId64 " array", xs, ys, x->cols, x->rows);
        }
    }
}

/* ---- the files --------------------------------------------------------------------------- */

static double pj_or_zero(double v) { return v < 0 ? 0 : v; }

static char *tl_energy_text(const Tl *x)
{
    const TimeloopSpec *t = x->t;
    int64_t wb = t->arith_word_bits;
    const TlStorage *rf = &t->levels[0], *gb = &t->levels[1], *dr = &t->levels[2];
    return xasprintf(
        "# Per-access energies of the imported Timeloop specification (vector-access-energy,\n"
        "# arithmetic energy); a value the specification does not give is 0 here.\n"
        "energy = {\n"
        "  name = \"timeloop-import\";\n"
        "  source = \"the Timeloop specification's per-access energies\";\n"
        "  actions = (\n"
        "    { class = \"pe\"; action = \"mac\"; pj = %.17g; },\n"
        "    { class = \"pe\"; action = \"add\"; pj = 0.0; },   # the addend of gemm: one compute per point\n"
        "    { class = \"pe\"; action = \"reg_read\"; pj = %.17g; },\n"
        "    { class = \"pe\"; action = \"reg_write\"; pj = %.17g; },\n"
        "    { class = \"buf\"; action = \"read\"; pj = %.17g; bits = %" PRId64 "; },\n"
        "    { class = \"buf\"; action = \"write\"; pj = %.17g; bits = %" PRId64 "; },\n"
        "    { class = \"dram\"; action = \"read\"; pj = %.17g; bits = %" PRId64 "; },\n"
        "    { class = \"dram\"; action = \"write\"; pj = %.17g; bits = %" PRId64 "; }\n"
        "  );\n"
        "};\n",
        pj_or_zero(t->mac_pj), pj_or_zero(rf->access_pj), pj_or_zero(rf->access_pj),
        pj_or_zero(gb->access_pj), wb * gb->block_size, pj_or_zero(gb->access_pj), wb * gb->block_size,
        pj_or_zero(dr->access_pj), wb * dr->block_size, pj_or_zero(dr->access_pj), wb * dr->block_size);
}

static char *tl_arch_text(const Tl *x, const char *spec)
{
    const TimeloopSpec *t = x->t;
    const TlStorage *rf = &t->levels[0], *gb = &t->levels[1], *dr = &t->levels[2];
    int64_t wb = t->arith_word_bits;
    double bw = dr->shared_bw ? dr->shared_bw : dr->read_bw;
    /* At 2^30 Hz one GiB/s is one byte per cycle. */
    double gibps = bw ? bw * (double)wb / 8.0 : 1e9;
    int64_t gb_bytes = gb->entries * wb / 8;
    return xasprintf(
        "# Imported from %s by einsim import timeloop (sim/import/README.md,\n"
        "# \"Timeloop\"): %s (%" PRId64 " PEs, meshX %" PRId64 ") with a %" PRId64 "-entry %s in each PE,\n"
        "# %s (%" PRId64 " words), %s.\n"
        "arch = {\n"
        "  name = \"timeloop-import\";\n"
        "  clock_mhz = 1073.741824;   # 2^30 Hz: 1 GiB/s = 1 byte per cycle\n"
        "  energy = \"energy.cfg\";\n"
        "  arithmetic = { word_bits = %" PRId64 "; frac_bits = %" PRId64 "; acc_bits = 64; exp_terms = 5; };\n"
        "  compute = (\n"
        "    { name = \"array2d\"; energy_class = \"pe\"; rows = %" PRId64 "; cols = %" PRId64 ";\n"
        "      reg_words = %" PRId64 "; ops = { mac = 1; add = 1; }; }\n"
        "  );\n"
        "  storage = (\n"
        "    { name = \"%s\"; class = \"DRAM\"; energy_class = \"dram\"; width_bits = %" PRId64 ";\n"
        "      bandwidth_gibps = %.17g; },%s\n"
        "    { name = \"%s\"; class = \"SRAM\"; energy_class = \"buf\"; size_bytes = %" PRId64 "L;\n"
        "      width_bits = %" PRId64 "; banks = 1048576; }   # no port limit (none in the specification)\n"
        "  );\n"
        "};\n",
        spec, "the arithmetic", t->arith_instances, t->arith_meshx, rf->entries, rf->name, gb->name,
        gb->entries, dr->name, wb, wb / 2, x->rows, x->cols, rf->entries, dr->name, wb * dr->block_size,
        gibps, bw ? "" : "   # unlimited (no bandwidth in the specification)", gb->name, gb_bytes,
        wb * gb->block_size);
}

static char *tl_cascade_text(const Tl *x)
{
    if (x->gemm)
        return xstrdup(
            "# Timeloop's gemm shape: every point (m, n, k) reads A[m, k], B[n, k] and the read-only\n"
            "# C[m, n] and updates D[m, n]. Written as one Einsum so that every point reads the\n"
            "# same data (its value is A.B + K.C: this cascade is for performance, not eval).\n"
            "cascade = {\n"
            "  name = \"timeloop-gemm\";\n"
            "  ranks = [ \"M\", \"N\", \"K\" ];\n"
            "  inputs = [ \"A[m, k]\", \"B[n, k]\", \"C[m, n]\" ];\n"
            "  outputs = [ \"D\" ];\n"
            "  einsums = ( \"D[m, n] = A[m, k] * B[n, k] + C[m, n]\" );\n"
            "};\n");
    return xstrdup(
        "# Timeloop's cnn-layer shape with a 1 x 1 window: a GEMM over the pixels.\n"
        "cascade = {\n"
        "  name = \"timeloop-cnn-1x1\";\n"
        "  ranks = [ \"N\", \"K\", \"C\", \"P\", \"Q\" ];\n"
        "  inputs = [ \"Weights[c, k]\", \"Inputs[n, c, p, q]\" ];\n"
        "  outputs = [ \"Outputs\" ];\n"
        "  einsums = ( \"Outputs[n, k, p, q] = Weights[c, k] * Inputs[n, c, p, q]\" );\n"
        "};\n");
}

static char *tl_workload_text(const Tl *x)
{
    const TimeloopSpec *t = x->t;
    Buf b = { 0 };
    buf_printf(&b, "# The problem of the Timeloop specification.\n"
                   "workload = { name = \"timeloop-%s\"; kind = \"%s\"; batch = 1; heads = 1;\n  ranks = {",
               x->gemm ? "gemm" : "cnn", "gemm");
    for (int i = 0; i < t->n_dims; i++)
        if (x->gemm || strchr("NKCPQ", t->dim[i][0]))
            buf_printf(&b, " %s = %" PRId64 "L;", t->dim[i], t->size[i]);
    buf_printf(&b, " };\n  dtype_bits = %" PRId64 "; };\n", t->arith_word_bits);
    return buf_take(&b);
}

/* Names of the data spaces level l keeps, as a libconfig list. */
static void keep_list(Buf *b, const Tl *x, int l)
{
    buf_printf(b, "keep = [");
    for (int s = 0, n = 0; s < x->n_sp; s++)
        if (x->kept[l][s])
            buf_printf(b, "%s \"%s\"", n++ ? "," : "", x->sp[s].name);
    buf_printf(b, " ];");
}

static char *tl_mapping_text(const Tl *x)
{
    const TimeloopSpec *t = x->t;
    Buf b = { 0 };
    buf_printf(&b, "# The Timeloop mapping as einsim's loop nest: per level, innermost first, what it keeps\n"
                   "# and its loops (innermost first); the buffer's spatial loops over the array's X\n"
                   "# (columns) and Y (rows).\n"
                   "mapping = {\n  name = \"timeloop-import\";\n  cascade = \"cascade.cfg\";\n"
                   "  binding = ( { einsum = \"%s\"; unit = \"array2d\";%s } );%s\n"
                   "  groups = (\n    { name = \"layer\"; stages = ( [ \"%s\" ] );\n      nest = (\n",
               x->sp[x->out].name, x->gemm ? " cost = { add = 0; };" : "",
               x->gemm ? "   # the addend's add: one compute per point" : "", x->sp[x->out].name);
    for (int l = 0; l < 3; l++) {
        buf_printf(&b, "        { level = \"%s\"; ", l == 0 ? "array2d" : t->levels[l].name);
        keep_list(&b, x, l);
        if (x->temporal[l][0])
            buf_printf(&b, " temporal = \"%s\";", x->temporal[l]);
        if (l == 1 && x->spatial_x[0])
            buf_printf(&b, " spatial_x = \"%s\";", x->spatial_x);
        if (l == 1 && x->spatial_y[0])
            buf_printf(&b, " spatial_y = \"%s\";", x->spatial_y);
        buf_printf(&b, " }%s   # %s\n", l < 2 ? "," : "", t->levels[l].name);
    }
    buf_printf(&b, "      ); }\n  );\n};\n");
    return buf_take(&b);
}

/* ---- einsim's counts in Timeloop's terms ------------------------------------------------- */

/* levels.csv: the run's per-level rows (stats.txt's "Per level" section: reads, fills,
 * updates and energy per level and data space), innermost level first as Timeloop
 * prints them, the array's PE registers under the register file's name; then the
 * computes and the totals. */
static char *tl_levels_csv(const Tl *x, const RunResult *rr, char *bad)
{
    const EngineResult *r = rr->res;
    const EnergyReport *er = &rr->er;
    Emit e = { 0 };
    emit_printf(&e, "level,dataspace,reads,fills,updates,energy_pj\n");
    for (int i = 0; i < r->n_reg_traffic; i++) {
        const TrafficStat *ts = &r->reg_traffic[i];
        emit_printf(&e, "%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.17g\n", x->t->levels[0].name,
                    ts->tensor, ts->reads, ts->fills, ts->writes, er->reg_traffic_pj[i]);
    }
    for (int l = 1; l < 3; l++)
        for (int i = 0; i < r->n_traffic; i++) {
            const TrafficStat *ts = &r->traffic[i];
            if (strcmp(ts->level, x->t->levels[l].name) == 0)
                emit_printf(&e, "%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.17g\n", ts->level, ts->tensor,
                            ts->reads, ts->fills, ts->writes, er->traffic_pj[i]);
        }
    uint64_t macs = r->einsums[0].ops[OP_MAC];
    emit_printf(&e, "compute,,%" PRIu64 ",,,%.17g\n", macs, energy_action_pj(er, "array2d", "mac") +
                energy_action_pj(er, "array2d", "add"));
    emit_printf(&e, "cycles,analytic,%" PRIu64 ",,,\n", r->cycles);
    if (rr->cy.ran)
        emit_printf(&e, "cycles,cycle,%" PRIu64 ",,,\n", rr->cy.cycles);
    emit_printf(&e, "energy,total,,,,%.17g\n", er->total_pj);
    char *out = emit_take(&e, bad);
    emit_free(&e);
    return out;
}

Outcome import_timeloop(const TimeloopImport *q, Diag *d)
{
    TimeloopSpec *t;
    if (config_load_timeloop(q->files, q->n_files, d, &t))
        return OUTCOME_INPUT;
    Tl x = { .t = t, .d = d };
    check_arch(&x);
    if (!diag_count(d))
        check_problem(&x);
    if (!diag_count(d))
        check_mapping(&x);
    if (!diag_count(d)) {
        for (int l = 0; l < 3; l++)
            if (t->levels[l].access_pj < 0)
                diag_warning(d, t->levels[l].loc.file, t->levels[l].loc.line, "%s has no "
                             "vector-access-energy: priced at 0 pJ in energy.cfg", t->levels[l].name);
        if (t->mac_pj < 0)
            diag_warning(d, t->arith_loc.file, t->arith_loc.line, "the arithmetic has no energy: "
                         "priced at 0 pJ per compute in energy.cfg");
    }
    if (diag_count(d)) {
        timeloop_free(t);
        return OUTCOME_INPUT;
    }
    OutDir *o = outdir_open(q->outdir, "einsim import timeloop", d);
    if (!o) {
        timeloop_free(t);
        return OUTCOME_INPUT;
    }
    char *dir = xstrdup(outdir_path(o));
    char *texts[5] = { tl_arch_text(&x, q->files[0]), tl_energy_text(&x), tl_cascade_text(&x),
                       tl_workload_text(&x), tl_mapping_text(&x) };
    static const char *const names[5] = { "arch.cfg", "energy.cfg", "cascade.cfg", "workload.cfg",
                                          "mapping.cfg" };
    int bad = 0;
    for (int i = 0; i < 5; i++) {
        bad = bad || outdir_write(o, names[i], texts[i], strlen(texts[i]), d);
        free(texts[i]);
    }
    char *arch = path_join(dir, "arch.cfg"), *wl = path_join(dir, "workload.cfg"),
         *map = path_join(dir, "mapping.cfg"), *rundir = path_join(dir, "run");
    Outcome rc = OUTCOME_INPUT;
    RunInputs ri;
    if (!bad && run_inputs_load(&ri, arch, wl, map, &(Overrides){ 0 }, d) == 0) {
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        RunReport rep = { ri.arch->name, arch, ri.workload->name, wl, ri.mapping->name, map,
                          ri.cascade->name, ri.arch->clock_mhz, rr.res, &rr.cy, &rr.er, NULL, 0 };
        RunFiles f;
        char why[EMIT_FIELD_MAX];
        char *csv = NULL;
        if (!rr.res->feasible)
            diag_error(d, map, 0, "the imported mapping does not fit einsim's architecture: %s",
                       rr.res->reason);
        else if (!(csv = tl_levels_csv(&x, &rr, why)))
            diag_error(d, q->files[0], 0, "a result (%s) is not a finite number; nothing written", why);
        else if (report_run_files(&rep, &ri, &f, d) == 0) {
            bad = outdir_write(o, "levels.csv", csv, strlen(csv), d) || report_write_run_dir(&f, rundir, d);
            report_run_files_free(&f);
            if (!bad) {
                printf("Timeloop import: %" PRId64 " x %" PRId64 " array (X: %s, Y: %s), %s problem; cycles %"
                       PRIu64 " (analytic) / %" PRIu64 " (cycle level)\n\n%s\nwrote %s/levels.csv and the "
                       "run in %s/run/; again:\n  einsim run -a %s -w %s -m %s\n",
                       x.rows, x.cols, x.spatial_x[0] ? x.spatial_x : "-", x.spatial_y[0] ? x.spatial_y : "-",
                       t->shape, rr.res->cycles, rr.cy.cycles, csv, dir, dir, arch, wl, map);
                rc = OUTCOME_OK;
            }
        }
        free(csv);
        run_result_free(&rr);
    }
    run_inputs_free(&ri);
    if (outdir_close(o, rc == OUTCOME_OK, d))
        rc = OUTCOME_INPUT;
    free(arch);
    free(wl);
    free(map);
    free(rundir);
    free(dir);
    timeloop_free(t);
    return rc;
}
