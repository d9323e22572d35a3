/* test_area.c — the area table (sim/config/load_area.c) and its pricing (sim/energy/area.c),
 * plus the readers `einsim report` uses (CSV, JSON). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config/config.h"
#include "energy/area.h"
#include "report/reportInt.h"
#include "util/util.h"

/* Loads models/fusemax.cfg with an N x N 2D array and an N-PE 1D array. */
static ArchSpec *load_n(const char *path, const char *n)
{
    char *k[3] = { "arch.array2d.rows", "arch.array2d.cols", "arch.array1d.cols" };
    Override o[3];
    for (int i = 0; i < 3; i++)
        o[i] = (Override){ k[i], n, i + 1 };
    Overrides ov = { o, n ? 3 : 0 };
    Diag d;
    diag_init(&d);
    ArchSpec *a = NULL;
    int rc = config_load_arch(path, &ov, &d, &a);
    if (rc)
        diag_print(&d, stderr);
    diag_free(&d);
    return rc ? NULL : a;
}

static const AreaItem *item(const ArchCost *c, const char *comp, const char *part)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->items[i].component, comp) == 0 && strcmp(c->items[i].part, part) == 0)
            return &c->items[i];
    return NULL;
}

static void test_area_fusemax(void)
{
    ArchSpec *a = load_n("models/fusemax.cfg", NULL);
    CHECK(a != NULL);
    if (!a)
        return;
    ArchCost c;
    area_price(a, &c);
    CHECK(c.modelled);
    /* The breakdown sums to the total. */
    double sum = 0;
    for (int i = 0; i < c.n; i++) {
        CHECK(c.items[i].um2 > 0);
        sum += c.items[i].um2;
    }
    CHECK_NEAR(sum, c.total_um2, 1e-6 * c.total_um2);
    /* Counts x table entries: 65536 PEs x 5642.15625 um^2; 16 words x 16 bits x 7.5684375
     * per PE; 16 MiB x 14218.97... per KiB; DRAM is off chip. */
    const AreaItem *pe = item(&c, "array2d", "pe"), *rf = item(&c, "array2d", "regfile");
    const AreaItem *glb = item(&c, "GlobalBuffer", "storage");
    CHECK(pe && rf && glb && !item(&c, "DRAM", "storage"));
    if (pe && rf && glb) {
        CHECK_NEAR(pe->um2, 65536.0 * 5642.15625, 1e-3);
        CHECK_NEAR(rf->um2, 65536.0 * 16 * 16 * 7.5684375, 1e-3);
        CHECK_NEAR(glb->um2, 16384.0 * 14218.971428571428, 1e-3);
    }
    CHECK_EQ_INT(c.pes, 65536 + 256);
    CHECK_NEAR(c.peak_ops_per_s, (65536.0 + 256) * 940e6, 1);
    CHECK_NEAR(c.dram_bytes_per_s, 400.0 * 1073741824.0, 1);
    arch_free(a);
}

static void test_area_scales(void)
{
    static const char *sizes[] = { "16", "64", "128", "256", "512" };
    double prev_total = 0, prev_pe = 0;
    for (int i = 0; i < 5; i++) {
        ArchSpec *a = load_n("models/fusemax.cfg", sizes[i]);
        CHECK(a != NULL);
        if (!a)
            return;
        ArchCost c;
        area_price(a, &c);
        const AreaItem *pe = item(&c, "array2d", "pe"), *pe1 = item(&c, "array1d", "pe");
        CHECK(pe && pe1);
        if (pe && pe1) {
            double n = atof(sizes[i]);
            CHECK_NEAR(pe->um2, n * n * 5642.15625, 1e-6 * pe->um2);
            CHECK_NEAR(pe1->um2, n * 8480.3203125, 1e-6 * pe1->um2);
            CHECK(c.total_um2 > prev_total);
            if (prev_pe > 0 && i >= 2) /* doubling N quadruples the 2D array */
                CHECK_NEAR(pe->um2 / prev_pe, 4.0, 1e-9);
            prev_pe = pe->um2;
        }
        prev_total = c.total_um2;
        arch_free(a);
    }
}

/* An energy table without `area`: no area model, roofs still known. */
static void test_area_absent(void)
{
    const char *path = "build/test_area_noarea.cfg";
    const char *text =
        "arch = { name = \"t\"; clock_mhz = 1000.0;\n"
        "  energy = { name = \"e\"; actions = ( { class = \"pe\"; action = \"mac\"; pj = 1.0; },\n"
        "    { class = \"d\"; action = \"read\"; pj = 1.0; bits = 64; },\n"
        "    { class = \"d\"; action = \"write\"; pj = 1.0; bits = 64; } ); };\n"
        "  compute = ( { name = \"u\"; energy_class = \"pe\"; rows = 4; cols = 8; ops = { mac = 1; }; } );\n"
        "  storage = ( { name = \"DRAM\"; class = \"DRAM\"; energy_class = \"d\"; width_bits = 64;\n"
        "                bandwidth_gibps = 1.0; } ); };\n";
    CHECK_EQ_INT(write_file_atomic(path, text, strlen(text)), 0);
    ArchSpec *a = load_n(path, NULL);
    CHECK(a != NULL);
    if (!a)
        return;
    ArchCost c;
    area_price(a, &c);
    CHECK(!c.modelled);
    CHECK_EQ_INT(c.n, 0);
    CHECK_NEAR(c.total_um2, 0, 0);
    CHECK_NEAR(c.peak_ops_per_s, 32 * 1e9, 1e-3);
    CHECK_NEAR(c.dram_bytes_per_s, 1073741824.0, 1e-6);
    arch_free(a);
    remove(path);
}

static void test_csv_json(void)
{
    const char *path = "build/test_area_csv.csv";
    const char *text = "a,b,c\n1,\"x, \"\"y\"\"\",3\n\n4,5,6\n";
    CHECK_EQ_INT(write_file_atomic(path, text, strlen(text)), 0);
    CsvTable t;
    Diag d;
    diag_init(&d);
    CHECK_EQ_INT(csv_read(path, &t, &d), 0);
    CHECK_EQ_INT(t.ncols, 3);
    CHECK_EQ_INT(t.nrows, 2);
    if (t.nrows == 2) {
        CHECK_STR(t.rows[0][1], "x, \"y\"");
        CHECK_STR(t.rows[1][2], "6");
        CHECK_EQ_INT(t.line[1], 4);
    }
    CHECK_EQ_INT(csv_col(&t, "c"), 2);
    CHECK_EQ_INT(csv_col(&t, "z"), -1);
    csv_free(&t);
    const char *bad = "a,b\n1,2\n3\n";
    CHECK_EQ_INT(write_file_atomic(path, bad, strlen(bad)), 0);
    CHECK_EQ_INT(csv_read(path, &t, &d), 1);
    CHECK_EQ_INT(d.n, 1);
    if (d.n)
        CHECK(d.e[0].line == 3 && strstr(d.e[0].msg, "1 fields, but the header has 2"));
    diag_free(&d);
    remove(path);

    char *err = NULL;
    JsonValue *v = json_parse("{ \"a\": [1, 2.5e3, true, null], \"s\": \"q\\\"\\u0041\",\n"
                              "  \"o\": { \"x\": -3 } }", &err);
    CHECK(v && !err);
    if (v) {
        const JsonValue *a = json_get(v, "a");
        CHECK(a && a->type == JSON_ARR && a->n == 4);
        if (a && a->n == 4)
            CHECK_NEAR(a->items[1]->num, 2500, 0);
        CHECK_STR(json_get(v, "s")->str, "q\"A");
        CHECK_NEAR(json_num(json_get(v, "o"), "x", 0), -3, 0);
        CHECK(json_get(v, "missing") == NULL);
    }
    json_free(v);
    v = json_parse("{ \"a\": 1,\n \"b\" 2 }", &err);
    CHECK(v == NULL && err && strstr(err, "line 2"));
    free(err);
}

int main(void)
{
    test_area_fusemax();
    test_area_scales();
    test_area_absent();
    test_csv_json();
    return CHECK_DONE();
}
