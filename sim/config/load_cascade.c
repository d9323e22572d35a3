/* load_cascade.c — the `cascade` group: reading a cascade's source lines for the parser.
 *
 * The config module only gathers the strings (each with the file:line of its element)
 * into a CascadeSrc; parsing and checking the Einsums is the cascade module's job
 * (cascade_load in sim/cascade/ calls this, then cascade_build). The group is the
 * file's top-level `cascade`, or — in an effective.cfg written from a mapping — the
 * mapping's inline `mapping.cascade` group. */
#include "config/configInt.h"

#include <stdlib.h>
#include <string.h>

/* A CascadeSrc and the storage of every string it points to. */
typedef struct {
    CascadeSrc src;    /* first member: a CascadeSrc * is a SrcBox * */
    StrPool pool;      /* texts, names and file names */
    CascadeLine *lines[7];
    CascadeDataSrc *data;
} SrcBox;

/* Reads list `key` of strings into a new CascadeLine array (*count entries; texts and
 * file names copied into `pool`). */
static CascadeLine *read_lines(CfgFile *f, const Node *n, const char *key, bool req, int *count,
                               StrPool *pool)
{
    config_setting_t *list;
    *count = 0;
    if (get_list(n, key, req, &list) != GET_OK)
        return NULL;
    int len = config_setting_length(list);
    CascadeLine *v = xcalloc((size_t)len + 1, sizeof *v);
    for (int i = 0; i < len; i++) {
        config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        if (config_setting_type(e) != CONFIG_TYPE_STRING) {
            cfg_err(f, e, "%s.%s[%d]: expected a string, got %s", n->path, key, i,
                    cfg_type_name(config_setting_type(e)));
            continue;
        }
        /* cfg_loc falls back to the list's line when libconfig gave the element none. */
        v[(*count)++] = (CascadeLine){ pool_add(pool, config_setting_get_string(e)), cfg_loc(f, e) };
    }
    return v;
}

/* cascade.data = ( { tensor = "BM"; file = "mask.cfg"; }, ... ): inputs read from files,
 * each file relative to the cascade file's folder (to the working directory when a
 * --set override wrote it). */
static CascadeDataSrc *read_data(CfgFile *f, const Node *n, int *count, StrPool *pool)
{
    config_setting_t *list;
    *count = 0;
    if (get_list(n, "data", false, &list) != GET_OK)
        return NULL;
    int len = config_setting_length(list);
    CascadeDataSrc *v = xcalloc((size_t)len + 1, sizeof *v);
    static const char *const keys[] = { "tensor", "file", NULL };
    for (int i = 0; i < len; i++) {
        config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        char label[64];
        snprintf(label, sizeof label, "%s.data[%d]", n->path, i);
        if (!config_setting_is_group(e)) {
            cfg_err(f, e, "%s: expected a group { tensor = ...; file = ...; }, got %s", label,
                    cfg_type_name(config_setting_type(e)));
            continue;
        }
        Node g = node_make(f, e, label);
        const char *tensor, *file;
        check_keys(&g, keys);
        if (get_str(&g, "tensor", true, false, &tensor) == GET_OK &&
            get_str(&g, "file", true, false, &file) == GET_OK) {
            config_setting_t *fs = config_setting_get_member(e, "file");
            char *path = cfg_override_of(fs) ? xstrdup(file) : path_join(f->dir, file);
            v[(*count)++] = (CascadeDataSrc){ pool_add(pool, tensor), pool_adopt(pool, path),
                                              cfg_loc(f, e) };
        }
        node_free(&g);
    }
    return v;
}

void cascade_src_free(CascadeSrc *src)
{
    SrcBox *box = (SrcBox *)src;
    if (!box)
        return;
    for (int i = 0; i < 7; i++)
        free(box->lines[i]);
    free(box->data);
    pool_free(&box->pool);
    free(box);
}

int config_read_cascade(const char *path, const Overrides *ov, Diag *d, CascadeSrc **out)
{
    static const char *const keys[] = { "name", "problem", "ranks", "partitions", "inputs",
                                        "outputs", "einsums", "data", "weights", "kv_cache",
                                        NULL };
    *out = NULL;
    int before = diag_count(d);
    SrcBox *box = xcalloc(1, sizeof *box);
    CfgFile f;
    if (cfg_open(&f, path, d, &box->pool) == 0) {
        int groups = cfg_check_top(&f);
        config_setting_t *top = NULL;
        const char *label = "cascade";
        if (groups & CFG_HAS_CASCADE) {
            top = cfg_top_group(&f, "cascade", false);
        } else {
            config_setting_t *mg = cfg_top_group(&f, "mapping", true);
            config_setting_t *inl = mg ? config_setting_get_member(mg, "cascade") : NULL;
            if (inl && config_setting_is_group(inl)) {
                top = inl;
                label = "mapping.cascade";
            } else {
                diag_error(d, f.path, 0, "no 'cascade' group in this file");
            }
        }
        if (top) {
            cfg_apply_overrides(&f, top, "cascade", ov);
            Node n = node_make(&f, top, label);
            check_keys(&n, keys);
            CascadeSrc *src = &box->src;
            const char *name = NULL, *problem = "";
            src->path = pool_add(&box->pool, path);
            src->loc = cfg_loc(&f, top);
            get_name(&n, "name", true, &name);
            get_name(&n, "problem", false, &problem);
            src->name = pool_add(&box->pool, name);
            src->problem = pool_add(&box->pool, problem);
            src->ranks = box->lines[0] = read_lines(&f, &n, "ranks", true, &src->n_ranks, &box->pool);
            src->partitions = box->lines[1] =
                read_lines(&f, &n, "partitions", false, &src->n_partitions, &box->pool);
            src->inputs = box->lines[2] = read_lines(&f, &n, "inputs", true, &src->n_inputs, &box->pool);
            src->outputs = box->lines[3] =
                read_lines(&f, &n, "outputs", true, &src->n_outputs, &box->pool);
            src->einsums = box->lines[4] =
                read_lines(&f, &n, "einsums", true, &src->n_einsums, &box->pool);
            src->weights = box->lines[5] =
                read_lines(&f, &n, "weights", false, &src->n_weights, &box->pool);
            src->kv_cache = box->lines[6] =
                read_lines(&f, &n, "kv_cache", false, &src->n_kv_cache, &box->pool);
            src->data = box->data = read_data(&f, &n, &src->n_data, &box->pool);
            node_free(&n);
        }
    }
    cfg_close(&f);
    if (diag_count(d) > before) {
        cascade_src_free(&box->src);
        return 1;
    }
    *out = &box->src;
    return 0;
}
