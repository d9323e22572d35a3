/* load_blockmask.c — block-mask files (config.h: config_load_blockmask): a matrix of
 * 0/1 written as one string per row, read into row-major bytes. */
#include <stdlib.h>
#include <string.h>

#include "config/configInt.h"

/* Reads blockmask.rows; reports at the offending string. */
static void read_rows(CfgFile *f, config_setting_t *top, int64_t *rows, int64_t *cols,
                      uint8_t **keep, int *line)
{
    Node n = node_make(f, top, "blockmask");
    static const char *const keys[] = { "rows", NULL };
    check_keys(&n, keys);
    config_setting_t *l;
    if (get_list(&n, "rows", true, &l) != GET_OK) {
        node_free(&n);
        return;
    }
    *line = config_setting_source_line(l);
    int len = config_setting_length(l);
    if (len == 0)
        cfg_err(f, l, "blockmask.rows: no rows");
    size_t width = 0;
    uint8_t *v = NULL;
    for (int i = 0; i < len; i++) {
        config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        if (config_setting_type(e) != CONFIG_TYPE_STRING) {
            cfg_err(f, e, "blockmask.rows[%d]: expected a string of 0 and 1, got %s", i,
                    cfg_type_name(config_setting_type(e)));
            break;
        }
        const char *r = config_setting_get_string(e);
        size_t w = strlen(r);
        if (i == 0) {
            width = w;
            if (w == 0 || w > LIMIT_LIST_ELEMENTS) {
                cfg_err(f, e, "blockmask.rows[0]: %zu columns; a row has 1 to %d", w,
                        LIMIT_LIST_ELEMENTS);
                break;
            }
            v = xcalloc((size_t)len * width, 1);
        } else if (w != width) {
            cfg_err(f, e, "blockmask.rows[%d]: %zu columns, but row 0 has %zu", i, w, width);
            break;
        }
        size_t bad = strspn(r, "01");
        if (bad < w) {
            cfg_err(f, e, "blockmask.rows[%d]: character %zu is '%c'; a row holds only 0 "
                    "(masked) and 1 (kept)", i, bad + 1, r[bad]);
            break;
        }
        for (size_t k = 0; k < w; k++)
            v[(size_t)i * width + k] = (uint8_t)(r[k] == '1');
    }
    *rows = len;
    *cols = (int64_t)width;
    *keep = v;
    node_free(&n);
}

int config_load_blockmask(const char *path, Diag *d, int64_t *rows, int64_t *cols,
                          uint8_t **keep, int *line)
{
    *keep = NULL;
    *rows = *cols = 0;
    *line = 0;
    int before = diag_count(d);
    CfgFile f;
    if (cfg_open(&f, path, d, NULL) == 0) {
        config_setting_t *top = cfg_sole_group(&f, "blockmask", "block-mask");
        if (top)
            read_rows(&f, top, rows, cols, keep, line);
    }
    cfg_close(&f);
    if (diag_count(d) > before) {
        free(*keep);
        *keep = NULL;
        return 1;
    }
    return 0;
}
