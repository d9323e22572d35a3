/* test_sweep.c — unit tests of sweep files (sim/config/sweep.h): axis forms, value
 * texts, path resolution, point numbering, and the shipped sweeps. Error messages are
 * pinned by the tests/bad/sweep-*.cfg corpus. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "config/sweep.h"

static void test_types(void)
{
    Diag d;
    diag_init(&d);
    SweepSpec *s = NULL;
    CHECK_EQ_INT(config_load_sweep("tests/unit/data/sweep/types.cfg", &d, &s), 0);
    diag_print(&d, stderr);
    diag_free(&d);
    if (!s)
        return;
    CHECK_STR(s->name, "types");
    CHECK_EQ_INT(s->level, SWEEP_BOTH);
    /* Base files are resolved against the sweep file's folder, without detours. */
    CHECK_STR(s->base[SWEEP_KEY_ARCH], "models/fusemax.cfg");
    CHECK(s->base[SWEEP_KEY_MAPPING] == NULL);  /* picked by the zip */
    CHECK_EQ_INT(s->n_fixed, 2);
    CHECK_STR(s->fixed[0].key, "arch.clock_mhz");
    CHECK_STR(s->fixed[0].value, "1000.5");
    CHECK_EQ_INT(s->n_axes, 4);
    CHECK_EQ_INT(s->n_columns, 6);
    CHECK_EQ_INT(s->n_points, 3 * 2 * 2 * 2);
    /* Floats keep a '.' or an exponent so that they stay floats when parsed again. */
    const SweepKey *bw = &s->axes[0].keys[0];
    CHECK_STR(bw->text[0], "400.0");
    CHECK_STR(bw->text[1], "1000.0");
    CHECK_STR(bw->text[2], "0.1");
    CHECK_EQ_INT(bw->loc[0].line, 7);
    CHECK_STR(s->axes[1].keys[0].text[0], "true");
    CHECK_STR(s->axes[1].keys[0].text[1], "false");
    /* `keys` shares one value list; 64-bit values are exact. */
    CHECK_EQ_INT(s->axes[2].n_keys, 2);
    CHECK_STR(s->axes[2].keys[1].key, "arch.array2d.cols");
    CHECK_STR(s->axes[2].keys[1].text[1], "3000000000");
    /* A zip mixes overrides and file picks; strings are verbatim. */
    const SweepAxis *z = &s->axes[3];
    CHECK_EQ_INT(z->n_keys, 2);
    CHECK_EQ_INT(z->keys[0].kind, SWEEP_KEY_SET);
    CHECK_STR(z->keys[0].text[0], "a,b");
    CHECK_STR(z->keys[0].text[1], "q\"uote");
    CHECK_EQ_INT(z->keys[1].kind, SWEEP_KEY_MAPPING);
    CHECK_STR(z->keys[1].text[1], "../../../../mappings/plus-arch.cfg");
    CHECK_STR(z->keys[1].value[1], "mappings/plus-arch.cfg");
    /* Row-major numbering from 1: the last axis varies fastest. */
    int idx[4];
    sweep_point_index(s, 1, idx);
    CHECK(idx[0] == 0 && idx[1] == 0 && idx[2] == 0 && idx[3] == 0);
    sweep_point_index(s, 2, idx);
    CHECK(idx[0] == 0 && idx[1] == 0 && idx[2] == 0 && idx[3] == 1);
    sweep_point_index(s, 11, idx);  /* 10 = 1*8 + 0*4 + 1*2 + 0 */
    CHECK(idx[0] == 1 && idx[1] == 0 && idx[2] == 1 && idx[3] == 0);
    sweep_point_index(s, 24, idx);
    CHECK(idx[0] == 2 && idx[1] == 1 && idx[2] == 1 && idx[3] == 1);
    sweep_free(s);
}

static void test_shipped(void)
{
    Diag d;
    diag_init(&d);
    SweepSpec *s = NULL;
    CHECK_EQ_INT(config_load_sweep("workloads/sweeps/array-size.cfg", &d, &s), 0);
    if (s) {
        CHECK_STR(s->name, "array-size");
        CHECK_EQ_INT(s->level, SWEEP_ANALYTIC);
        CHECK_EQ_INT(s->n_points, 24);
        CHECK_EQ_INT(s->n_columns, 5);
        CHECK_STR(s->axes[0].keys[0].value[3], "workloads/xlm.cfg");
        CHECK_STR(s->axes[1].keys[3].key, "mapping.partitions.M0");
        CHECK_STR(s->axes[1].keys[3].text[5], "512");
        sweep_free(s);
    }
    s = NULL;
    CHECK_EQ_INT(config_load_sweep("workloads/sweeps/seq.cfg", &d, &s), 0);
    if (s) {
        CHECK_EQ_INT(s->n_points, 18);
        CHECK(s->base[SWEEP_KEY_ARCH] == NULL);  /* picked by the zip */
        CHECK_STR(s->axes[1].keys[1].value[2], "mappings/unfused.cfg");
        sweep_free(s);
    }
    diag_print(&d, stderr);
    CHECK_EQ_INT(diag_count(&d), 0);
    /* Not a sweep file: reported, nothing returned. */
    CHECK_EQ_INT(config_load_sweep("models/fusemax.cfg", &d, &s), 1);
    CHECK(s == NULL);
    CHECK(d.n >= 1 && strstr(d.e[0].msg, "unknown top-level key 'arch' in a sweep file"));
    diag_free(&d);
}

int main(void)
{
    test_types();
    test_shipped();
    return CHECK_DONE();
}
