/* scalesim.c — `einsim import scalesim`: SCALE-Sim v2's topology CSV and config into
 * einsim files, every layer run, and a per-layer CSV (import.h).
 *
 * The translation (sim/import/README.md, "SCALE-Sim"):
 *   - a GEMM layer (Layer, M, N, K) is einsim's GEMM cascade Z[m, n] = A[k, m] B[k, n]:
 *     A is SCALE-Sim's ifmap (M x K), B its filter (K x N), Z its ofmap (M x N);
 *   - a convolution layer (H, W, R, S, C, filters, stride[, stride W]) is its im2col
 *     GEMM: M = output pixels, K = R·S·C, N = filters, as SCALE-Sim itself lowers it;
 *   - the dataflow picks the spatial mapping: os puts M x N on the array, ws K x N, is
 *     K x M (the shipped gemm-os/ws/is mappings, with the array's width as the tile
 *     granule);
 *   - a word is one byte (SCALE-Sim's word size); the clock is 2^30 Hz / 10^6 MHz so
 *     that one GiB/s is one byte per cycle: a bandwidth in words per cycle is exact;
 *   - the three operand SRAMs become one global buffer of their total size (einsim has
 *     one buffer level shared by the operands); its ports are wide enough never to
 *     stall, as SCALE-Sim's SRAMs have no port limit;
 *   - InterfaceBandwidth CALC (SCALE-Sim sizes the DRAM interface so that nothing
 *     stalls) is einsim's largest DRAM bandwidth; USER gives each of SCALE-Sim's three
 *     operand interfaces Bandwidth words per cycle, einsim's one channel their sum.
 * Depthwise layers (a name holding "DP") and keys SCALE-Sim v2 does not define are
 * refused. */
#include "import/import.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/importInt.h"
#include "report/commands.h"
#include "run/run.h"
#include "util/emit.h"
#include "util/limits.h"
#include "util/output.h"
#include "util/util.h"

/* ---- the config (an INI file read by Python's configparser) ---------------------------- */

typedef struct {
    int64_t rows, cols, ifmap_kb, filter_kb, ofmap_kb;
    char df[3];              /* "os", "ws" or "is" */
    bool user_bw;            /* InterfaceBandwidth USER */
    int64_t bw_words;        /* USER: words per cycle per operand interface */
    int bw_line;             /* line of Bandwidth, 0 when absent */
} SsConfig;

/* Every key SCALE-Sim v2 reads, by section; `slot` says where the value goes. */
enum { K_IGNORED, K_ROWS, K_COLS, K_IFMAP, K_FILTER, K_OFMAP, K_DATAFLOW, K_BW, K_BWMODE };
static const struct {
    const char *section, *key;
    int slot;
} ss_keys[] = {
    { "general", "run_name", K_IGNORED },
    { "architecture_presets", "ArrayHeight", K_ROWS },
    { "architecture_presets", "ArrayWidth", K_COLS },
    { "architecture_presets", "IfmapSramSzkB", K_IFMAP },
    { "architecture_presets", "FilterSramSzkB", K_FILTER },
    { "architecture_presets", "OfmapSramSzkB", K_OFMAP },
    { "architecture_presets", "IfmapOffset", K_IGNORED },   /* addresses: no timing */
    { "architecture_presets", "FilterOffset", K_IGNORED },
    { "architecture_presets", "OfmapOffset", K_IGNORED },
    { "architecture_presets", "MemoryBanks", K_IGNORED },   /* not read by SCALE-Sim v2 */
    { "architecture_presets", "Bandwidth", K_BW },
    { "architecture_presets", "Dataflow", K_DATAFLOW },
    { "run_presets", "InterfaceBandwidth", K_BWMODE },
    { "network_presets", "TopologyCsvLoc", K_IGNORED },     /* the command line names it */
};
#define N_SS_KEYS ((int)(sizeof ss_keys / sizeof ss_keys[0]))

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* A positive decimal integer in [1, max]; 0 when it is one. */
static int parse_pos(const char *s, int64_t max, int64_t *out)
{
    if (!*s)
        return 1;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || v > (max - (*p - '0')) / 10)
            return 1;
        v = v * 10 + (*p - '0');
    }
    if (v < 1)
        return 1;
    *out = v;
    return 0;
}

static int ss_read_config(const char *path, SsConfig *c, Diag *d)
{
    memset(c, 0, sizeof *c);
    size_t len;
    char *text = read_file(path, LIMIT_FILE_BYTES, &len);
    if (!text) {
        diag_error(d, path, 0, "cannot read the SCALE-Sim config: %s", file_strerror(errno));
        return 1;
    }
    int n0 = diag_count(d);
    int seen_line[N_SS_KEYS] = { 0 };
    char section[64] = "";
    int line = 0;
    for (char *s = text, *next; s; s = next) {
        line++;
        next = strchr(s, '\n');
        if (next)
            *next++ = '\0';
        char *l = trim(s);
        if (!*l || *l == '#' || *l == ';')
            continue;
        if (*l == '[') {
            char *e = strchr(l, ']');
            if (!e || e[1] || e - l - 1 >= (long)sizeof section) {
                diag_error(d, path, line, "expected a section header '[name]'");
                continue;
            }
            *e = '\0';
            snprintf(section, sizeof section, "%s", trim(l + 1));
            bool known = false;
            for (int k = 0; k < N_SS_KEYS; k++)
                known |= strcmp(ss_keys[k].section, section) == 0;
            if (!known)
                diag_error(d, path, line, "section [%s] is not one SCALE-Sim v2 reads (general, "
                           "architecture_presets, run_presets, network_presets)", section);
            continue;
        }
        char *sep = strpbrk(l, ":=");
        if (!sep) {
            diag_error(d, path, line, "expected 'key : value'");
            continue;
        }
        *sep = '\0';
        char *key = trim(l), *val = trim(sep + 1);
        int k = 0;
        while (k < N_SS_KEYS && !(strcmp(ss_keys[k].section, section) == 0 &&
                                  strcasecmp(ss_keys[k].key, key) == 0))
            k++;
        if (k == N_SS_KEYS) {
            diag_error(d, path, line, "[%s] %s: not a key of SCALE-Sim v2's config%s", section, key,
                       section[0] ? "" : " (outside any section)");
            continue;
        }
        if (seen_line[k]) {
            diag_error(d, path, line, "%s given twice (first at line %d)", ss_keys[k].key, seen_line[k]);
            continue;
        }
        seen_line[k] = line;
        int64_t v = 0;
        switch (ss_keys[k].slot) {
        case K_ROWS: case K_COLS:
            if (parse_pos(val, 65536, &v))
                diag_error(d, path, line, "%s: expected an integer 1..65536, got '%s'", key, val);
            *(ss_keys[k].slot == K_ROWS ? &c->rows : &c->cols) = v;
            break;
        case K_IFMAP: case K_FILTER: case K_OFMAP:
            if (parse_pos(val, (int64_t)1 << 30, &v))
                diag_error(d, path, line, "%s: expected a size in KB, an integer 1..2^30, got '%s'",
                           key, val);
            *(ss_keys[k].slot == K_IFMAP ? &c->ifmap_kb : ss_keys[k].slot == K_FILTER ? &c->filter_kb
                                                                                 : &c->ofmap_kb) = v;
            break;
        case K_DATAFLOW:
            if (strcmp(val, "os") && strcmp(val, "ws") && strcmp(val, "is"))
                diag_error(d, path, line, "Dataflow: expected os, ws or is, got '%s'", val);
            else
                snprintf(c->df, sizeof c->df, "%s", val);
            break;
        case K_BWMODE:
            if (strcmp(val, "USER") == 0)
                c->user_bw = true;
            else if (strcmp(val, "CALC") != 0)
                diag_error(d, path, line, "InterfaceBandwidth: expected USER or CALC, got '%s'", val);
            break;
        case K_BW: {
            /* A list; SCALE-Sim v2 uses its first entry for every operand interface. */
            char *comma = strchr(val, ',');
            if (comma)
                *comma = '\0';
            c->bw_line = line;
            if (parse_pos(trim(val), 1000000, &c->bw_words))
                c->bw_words = -1;
            break;
        }
        default:
            break;
        }
    }
    free(text);
    for (int k = 0; k < N_SS_KEYS; k++) {
        int s = ss_keys[k].slot;
        if (!seen_line[k] && s != K_IGNORED && s != K_BW)
            diag_error(d, path, 0, "[%s] %s is missing", ss_keys[k].section, ss_keys[k].key);
    }
    if (c->user_bw && c->bw_line == 0)
        diag_error(d, path, 0, "InterfaceBandwidth is USER but [architecture_presets] Bandwidth is missing");
    else if (c->user_bw && c->bw_words < 0)
        diag_error(d, path, c->bw_line, "Bandwidth: expected words per cycle, an integer 1..1000000");
    return diag_count(d) > n0;
}

/* ---- the topology ------------------------------------------------------------------------ */

typedef struct {
    char name[LIMIT_NAME_CHARS + 1];
    int line;
    uint64_t m, n, k;          /* the GEMM (a convolution's im2col GEMM) */
} SsLayer;

#define SS_MAX_LAYERS 4096

/* Splits a CSV line at commas (no quoting in SCALE-Sim's files); drops one trailing empty
 * field (SCALE-Sim's rows end with a comma). Returns the number of fields. */
static int split_fields(char *l, char **f, int max)
{
    int n = 0;
    for (char *p = l;;) {
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        if (n < max)
            f[n] = trim(p);
        n++;
        if (!c)
            break;
        p = c + 1;
    }
    if (n > 0 && n <= max && !*f[n - 1])
        n--;
    return n;
}

static int ss_read_topology(const char *path, SsLayer **out, int *n_out, Diag *d)
{
    size_t len;
    char *text = read_file(path, LIMIT_FILE_BYTES, &len);
    *out = NULL;
    *n_out = 0;
    if (!text) {
        diag_error(d, path, 0, "cannot read the SCALE-Sim topology: %s", file_strerror(errno));
        return 1;
    }
    int n0 = diag_count(d), line = 0, n = 0;
    bool gemm = false, header = true;
    SsLayer *L = xcalloc(SS_MAX_LAYERS, sizeof *L);
    for (char *s = text, *next; s; s = next) {
        line++;
        next = strchr(s, '\n');
        if (next)
            *next++ = '\0';
        char *l = trim(s);
        if (!*l || *l == '#')   /* einsim's addition: comment lines */
            continue;
        char *f[12];
        int nf = split_fields(l, f, 12);
        if (header) {
            header = false;
            gemm = nf == 4 && strcasecmp(f[1], "M") == 0 && strcasecmp(f[2], "N") == 0 &&
                   strcasecmp(f[3], "K") == 0;
            if (!gemm && nf != 8 && nf != 9)
                diag_error(d, path, line, "header: expected 'Layer, M, N, K' (GEMM) or the 8 or 9 "
                           "columns of a convolution topology (name, IFMAP height and width, filter "
                           "height and width, channels, filters, strides); got %d columns", nf);
            if (diag_count(d) > n0)
                break;
            continue;
        }
        int want = gemm ? 4 : 8;
        if (nf != want && !(nf == 9 && !gemm)) {
            diag_error(d, path, line, "expected %d columns%s like the header, got %d", want,
                       gemm ? "" : " (or 9)", nf);
            continue;
        }
        if (n == SS_MAX_LAYERS) {
            diag_error(d, path, line, "more than %d layers (limit)", SS_MAX_LAYERS);
            break;
        }
        SsLayer *y = &L[n];
        y->line = line;
        const char *name = f[0];
        bool name_ok = *name && strlen(name) <= LIMIT_NAME_CHARS && isalnum((unsigned char)*name);
        for (const char *p = name; *p && name_ok; p++)
            name_ok = isalnum((unsigned char)*p) || strchr("_-.+", *p);
        if (!name_ok) {
            diag_error(d, path, line, "layer name '%s': names are letters, digits and _ - . +, "
                       "starting with a letter or a digit, at most %d", name, LIMIT_NAME_CHARS);
            continue;
        }
        snprintf(y->name, sizeof y->name, "%s", name);
        for (int i = 0; i < n; i++)
            if (strcmp(L[i].name, name) == 0) {
                diag_error(d, path, line, "layer '%s' given twice (first at line %d)", name, L[i].line);
                name_ok = false;
            }
        if (!gemm && strstr(name, "DP")) {
            diag_error(d, path, line, "layer '%s': a depthwise convolution (SCALE-Sim runs it as one "
                       "layer per channel) is not imported", name);
            continue;
        }
        int64_t v[8] = { 0 };
        const char *what[] = { "M", "N", "K" };
        const char *cwhat[] = { "IFMAP height", "IFMAP width", "filter height", "filter width",
                                "channels", "filters", "stride", "stride width" };
        bool ok = name_ok;
        for (int i = 1; i < nf; i++)
            if (parse_pos(f[i], (int64_t)1 << 40, &v[i - 1])) {
                diag_error(d, path, line, "%s: expected an integer 1..2^40, got '%s'",
                           gemm ? what[i - 1] : cwhat[i - 1], f[i]);
                ok = false;
            }
        if (!ok)
            continue;
        if (gemm) {
            y->m = (uint64_t)v[0], y->n = (uint64_t)v[1], y->k = (uint64_t)v[2];
        } else {
            int64_t sh = v[6], sw = nf == 9 ? v[7] : v[6];
            if (v[2] > v[0] || v[3] > v[1]) {
                diag_error(d, path, line, "layer '%s': the filter (%" PRId64 " x %" PRId64 ") is larger "
                           "than the IFMAP (%" PRId64 " x %" PRId64 ")", name, v[2], v[3], v[0], v[1]);
                continue;
            }
            uint64_t oh = (uint64_t)((v[0] - v[2]) / sh + 1), ow = (uint64_t)((v[1] - v[3]) / sw + 1);
            uint64_t m, k;
            if (!ck_mul_u64(oh, ow, &m) || !ck_mul_u64((uint64_t)v[2], (uint64_t)v[3], &k) ||
                !ck_mul_u64(k, (uint64_t)v[4], &k) || m > (1ull << 40) || k > (1ull << 40)) {
                diag_error(d, path, line, "layer '%s': its im2col GEMM has a rank above 2^40", name);
                continue;
            }
            y->m = m, y->k = k, y->n = (uint64_t)v[5];
        }
        n++;
    }
    free(text);
    if (diag_count(d) == n0 && n == 0)
        diag_error(d, path, line, "no layers");
    if (diag_count(d) > n0) {
        free(L);
        return 1;
    }
    *out = L;
    *n_out = n;
    return 0;
}

/* ---- the einsim files -------------------------------------------------------------------- */

/* SCALE-Sim's dataflow as einsim's spatial mapping: the ranks on the array's rows and
 * columns. */
static const struct {
    const char *df, *rows, *cols, *what;
} ss_df[] = {
    { "os", "M", "N", "output-stationary: each PE owns one output Z[m, n]" },
    { "ws", "K", "N", "weight-stationary: each PE holds one filter word B[k, n]" },
    { "is", "K", "M", "input-stationary: each PE holds one ifmap word A[k, m]" },
};

static char *ss_arch_text(const SsConfig *c, const char *energy)
{
    /* One word per byte; at 2^30 Hz one GiB/s is one byte per cycle. */
    double bw = c->user_bw ? 3.0 * (double)c->bw_words : 1e9;
    int64_t wide = c->rows > c->cols ? c->rows : c->cols;
    return xasprintf(
        "# Imported from a SCALE-Sim config by einsim import scalesim (see\n"
        "# sim/import/README.md, \"SCALE-Sim\"): a %" PRId64 " x %" PRId64 " array, one-byte words,\n"
        "# the three operand SRAMs (%" PRId64 " + %" PRId64 " + %" PRId64 " KB) as one buffer, %s.\n"
        "arch = {\n"
        "  name = \"scalesim-%" PRId64 "x%" PRId64 "\";\n"
        "  clock_mhz = 1073.741824;   # 2^30 Hz: 1 GiB/s = 1 byte (one word) per cycle\n"
        "  energy = \"%s\";\n"
        "  arithmetic = { word_bits = 8; frac_bits = 4; acc_bits = 32; exp_terms = 5; };\n"
        "  compute = (\n"
        "    { name = \"array2d\"; energy_class = \"pe2d\"; rows = %" PRId64 "; cols = %" PRId64 ";\n"
        "      reg_words = 16; ops = { mac = 1; }; }\n"
        "  );\n"
        "  storage = (\n"
        "    { name = \"DRAM\"; class = \"DRAM\"; energy_class = \"hbm2\"; width_bits = 64;\n"
        "      bandwidth_gibps = %.17g; },\n"
        "    { name = \"GlobalBuffer\"; class = \"SRAM\"; energy_class = \"glb\"; size_kb = %" PRId64 "L;\n"
        "      width_bits = %" PRId64 "; banks = 4; }   # 4 array rows per cycle: never a port stall\n"
        "  );\n"
        "};\n",
        c->rows, c->cols, c->ifmap_kb, c->filter_kb, c->ofmap_kb,
        c->user_bw ? "DRAM at 3 x Bandwidth words per cycle (USER)" : "DRAM unlimited (CALC)",
        c->rows, c->cols, energy, c->rows, c->cols, bw, c->ifmap_kb + c->filter_kb + c->ofmap_kb,
        8 * wide);
}

/* The mapping of the dataflow with the DRAM loop over `loop` ("M": the ifmap A is tiled
 * and, when `keep`, the filter B kept for the whole layer; "N": the other way round).
 * Without `keep` both operands are loaded per block of the array's columns. */
static char *ss_mapping_text(const SsConfig *c, const char *loop, bool keep)
{
    int i = 0;
    while (strcmp(ss_df[i].df, c->df) != 0)
        i++;
    bool m = strcmp(loop, "M") == 0;
    return xasprintf(
        "# Imported: SCALE-Sim's %s dataflow (%s); as mappings/gemm-%s.cfg,\n"
        "# with the DRAM loop over %s (the %s is tiled, the %s %s).\n"
        "mapping = {\n"
        "  name = \"gemm-%s\";\n"
        "  cascade = \"gemm.cfg\";\n"
        "  binding = ( { einsum = \"Z\"; unit = \"array2d\"; } );\n"
        "  spatial = ( { unit = \"array2d\"; rows = \"%s\"; cols = \"%s\"; } );\n"
        "  groups = (\n"
        "    { name = \"gemm\"; stages = ( [ \"Z\" ] );\n"
        "      loop = { rank = \"%s\"; granule = %" PRId64 "; };\n"
        "      buffer = \"GlobalBuffer\";%s%s%s }\n"
        "  );\n"
        "};\n",
        c->df, ss_df[i].what, c->df, loop, m ? "ifmap" : "filter", m ? "filter" : "ifmap",
        keep ? "kept on chip" : "loaded per block too", c->df, ss_df[i].rows, ss_df[i].cols, loop,
        strcmp(loop, ss_df[i].cols) == 0 ? c->cols : c->rows, keep ? " resident = [ \"" : "",
        keep ? (m ? "B" : "A") : "", keep ? "\" ];" : "");
}

static const char ss_cascade_text[] =
    "# The GEMM of a SCALE-Sim layer: A is the ifmap (M x K), B the filter (K x N), Z the\n"
    "# ofmap (M x N); as workloads/cascades/gemm.cfg.\n"
    "cascade = {\n"
    "  name = \"gemm\";\n"
    "  problem = \"gemm\";\n"
    "  ranks = [ \"K\", \"M\", \"N\" ];\n"
    "  inputs = [ \"A[k, m]\", \"B[k, n]\" ];\n"
    "  outputs = [ \"Z\" ];\n"
    "  einsums = ( \"Z[m, n] = A[k, m] * B[k, n]\" );\n"
    "};\n";

/* ---- running the layers ------------------------------------------------------------------ */

typedef struct {
    bool feasible;
    char reason[512];
    uint64_t cycles, analytic, stall;
    double util;
    uint64_t sram[3], dram[3];   /* ifmap (A) reads, filter (B) reads, ofmap (Z) writes */
} SsRow;

static uint64_t traffic_of(const EngineResult *r, const char *level, const char *tensor, bool writes)
{
    for (int i = 0; i < r->n_traffic; i++)
        if (strcmp(r->traffic[i].level, level) == 0 && strcmp(r->traffic[i].tensor, tensor) == 0)
            return writes ? r->traffic[i].writes : r->traffic[i].reads;
    return 0;
}

/* Runs one layer's files at both levels; writes its run directory; fills *row. */
static int ss_run_layer(const char *arch, const char *wl, const char *map, const char *rundir,
                        SsRow *row, Diag *d)
{
    RunInputs ri;
    int rc = 1;
    memset(row, 0, sizeof *row);
    if (run_inputs_load(&ri, arch, wl, map, &(Overrides){ 0 }, d) == 0) {
        RunResult rr;
        run_evaluate(&ri, true, &rr);
        const EngineResult *e = rr.res;
        row->feasible = e->feasible;
        snprintf(row->reason, sizeof row->reason, "%s", e->feasible ? "" : e->reason);
        if (e->feasible) {
            row->analytic = e->cycles;
            row->cycles = rr.cy.cycles;
            row->stall = rr.cy.bandwidth;
            row->util = rr.cy.utilization[0];
            const char *t[3] = { "A", "B", "Z" };
            for (int i = 0; i < 3; i++) {
                row->sram[i] = traffic_of(e, "GlobalBuffer", t[i], i == 2);
                row->dram[i] = traffic_of(e, "DRAM", t[i], i == 2);
            }
        }
        RunReport rep = { ri.arch->name, arch, ri.workload->name, wl, ri.mapping->name, map,
                          ri.cascade->name, ri.arch->clock_mhz, e, &rr.cy, &rr.er, NULL, 0 };
        RunFiles f;
        if (report_run_files(&rep, &ri, &f, d) == 0)
            rc = report_write_run_dir(&f, rundir, d);
        report_run_files_free(&f);
        run_result_free(&rr);
    }
    run_inputs_free(&ri);
    return rc;
}

Outcome import_scalesim(const ScaleSimImport *r, Diag *d)
{
    SsConfig c;
    SsLayer *L = NULL;
    int n = 0;
    int bad = ss_read_config(r->config, &c, d);
    bad |= ss_read_topology(r->topology, &L, &n, d);
    if (bad) {
        free(L);
        return OUTCOME_INPUT;
    }
    char *energy = import_shipped_path("models/energy/45nm.cfg", d);
    OutDir *o = energy ? outdir_open(r->outdir, "einsim import scalesim", d) : NULL;
    if (!o) {
        free(energy);
        free(L);
        return OUTCOME_INPUT;
    }
    char *dir = xstrdup(outdir_path(o));
    char *arch = ss_arch_text(&c, energy);
    bad = outdir_write(o, "arch.cfg", arch, strlen(arch), d) ||
          outdir_write(o, "gemm.cfg", ss_cascade_text, strlen(ss_cascade_text), d);
    free(arch);
    /* The mappings: loop over M or N, keeping the other operand or not. */
    static const char *const map_name[4] = { "mapping-M.cfg", "mapping-N.cfg",
                                             "mapping-M-stream.cfg", "mapping-N-stream.cfg" };
    char *map_path[4];
    for (int i = 0; i < 4; i++) {
        char *t = ss_mapping_text(&c, i % 2 ? "N" : "M", i < 2);
        bad = bad || outdir_write(o, map_name[i], t, strlen(t), d);
        map_path[i] = path_join(dir, map_name[i]);
        free(t);
    }
    char *arch_path = path_join(dir, "arch.cfg");
    SsRow *rows = xcalloc((size_t)n, sizeof *rows);
    int *used_map = xcalloc((size_t)n, sizeof *used_map);
    printf("SCALE-Sim import: %" PRId64 " x %" PRId64 " array, %s, %d layer%s (%s)\n\n", c.rows,
           c.cols, c.df, n, n == 1 ? "" : "s", r->topology);
    printf("%-16s %8s %8s %8s %12s %12s %7s %12s %12s %12s\n", "layer", "M", "N", "K", "cycles",
           "analytic", "util %", "DRAM ifmap", "DRAM filter", "DRAM ofmap");
    for (int i = 0; i < n && !bad; i++) {
        SsLayer *y = &L[i];
        char *wname = xasprintf("layer-%s.cfg", y->name);
        char *wl = xasprintf("# Layer %s of %s (line %d): M = %" PRIu64 ", N = %" PRIu64 ", K = %" PRIu64 ".\n"
                             "workload = { name = \"%s\"; kind = \"gemm\"; batch = 1; heads = 1;\n"
                             "  ranks = { K = %" PRIu64 "L; M = %" PRIu64 "L; N = %" PRIu64 "L; };\n"
                             "  dtype_bits = 8; };\n",
                             y->name, r->topology, y->line, y->m, y->n, y->k, y->name, y->k, y->m, y->n);
        bad = outdir_write(o, wname, wl, strlen(wl), d);
        char *wl_path = path_join(dir, wname), *runs = path_join(dir, "runs"),
             *rundir = path_join(runs, y->name);
        /* The first mapping that fits: the shipped one of the dataflow (os, ws: the loop
         * over N, the ifmap kept; is: over M, the filter kept), the other loop, then the
         * shipped loop with both operands loaded per block. */
        int first = strcmp(c.df, "is") == 0 ? 0 : 1;
        int order[3] = { first, 1 - first, first + 2 };
        for (int t = 0; t < 3 && !bad && (t == 0 || !rows[i].feasible); t++) {
            used_map[i] = order[t];
            bad = ss_run_layer(arch_path, wl_path, map_path[order[t]], rundir, &rows[i], d);
        }
        if (!bad && rows[i].feasible)
            printf("%-16s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %12" PRIu64 " %12" PRIu64 " %7.2f %12" PRIu64
                   " %12" PRIu64 " %12" PRIu64 "\n", y->name, y->m, y->n, y->k, rows[i].cycles,
                   rows[i].analytic, 100.0 * rows[i].util, rows[i].dram[0], rows[i].dram[1], rows[i].dram[2]);
        else if (!bad)
            printf("%-16s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "  does not fit: %s\n", y->name, y->m, y->n,
                   y->k, rows[i].reason);
        free(wname);
        free(wl);
        free(wl_path);
        free(runs);
        free(rundir);
    }
    if (!bad) {
        /* SCALE-Sim's report names, einsim's numbers: one row per layer. */
        Emit e = { 0 };
        emit_printf(&e, "LayerID,Layer,M,N,K,Total Cycles,Analytic Cycles,Stall Cycles,Overall Util %%,"
                        "SRAM IFMAP Reads,SRAM Filter Reads,SRAM OFMAP Writes,DRAM IFMAP Reads,"
                        "DRAM Filter Reads,DRAM OFMAP Writes,mapping,feasible,reason\n");
        for (int i = 0; i < n; i++) {
            SsRow *w = &rows[i];
            emit_printf(&e, "%d,", i);
            emit_csv_field(&e, L[i].name);
            emit_printf(&e, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", L[i].m, L[i].n, L[i].k);
            if (w->feasible)
                emit_printf(&e, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.17g,%" PRIu64 ",%" PRIu64 ",%" PRIu64
                            ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,1,\n", w->cycles, w->analytic, w->stall,
                            100.0 * w->util, w->sram[0], w->sram[1], w->sram[2], w->dram[0], w->dram[1],
                            w->dram[2], map_name[used_map[i]]);
            else {
                emit_printf(&e, ",,,,,,,,,,%s,0,", map_name[used_map[i]]);
                emit_csv_field(&e, w->reason);
                emit_printf(&e, "\n");
            }
        }
        char why[EMIT_FIELD_MAX];
        char *csv = emit_take(&e, why);
        if (!csv) {
            diag_error(d, r->topology, 0, "a result (%s) is not a finite number; nothing written", why);
            bad = 1;
        } else {
            bad = outdir_write(o, "COMPUTE_REPORT.csv", csv, strlen(csv), d);
        }
        free(csv);
        emit_free(&e);
    }
    if (outdir_close(o, !bad, d))
        bad = 1;
    if (!bad)
        printf("\nwrote %s/COMPUTE_REPORT.csv and a run directory per layer in %s/runs/; one layer "
               "again:\n  einsim run -a %s -w %s/layer-%s.cfg -m %s\n", dir, dir, arch_path, dir,
               L[0].name, map_path[used_map[0]]);
    free(dir);
    free(arch_path);
    for (int i = 0; i < 4; i++)
        free(map_path[i]);
    free(used_map);
    free(rows);
    free(energy);
    free(L);
    return bad || diag_count(d) ? OUTCOME_INPUT : OUTCOME_OK;
}
