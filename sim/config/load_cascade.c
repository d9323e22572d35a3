/* load_cascade.c — the `cascade` group: reading a cascade's source lines for the parser.
 *
 * The config module only gathers the strings (each with the file:line of its element)
 * into a CascadeSrc; parsing and checking the Einsums is cascade_build's job
 * (sim/cascade/). The group is the file's top-level `cascade`, or — in an effective.cfg
 * written from a mapping — the mapping's inline `mapping.cascade` group. */
#include "config/configInt.h"

#include <stdlib.h>
#include <string.h>

#include "cascade/cascade.h"

/* Lines of the file itself quote the caller's `path` string (f->path is a copy with
 * the same text), which outlives this call; lines of @include'd files quote names
 * from a pool that is freed when config_load_cascade returns. */
static SrcLoc main_file(const CfgFile *f, SrcLoc loc)
{
    if (loc.file && strcmp(loc.file, f->path) == 0)
        loc.file = f->caller_path;
    return loc;
}

/* Reads list `key` of strings into a new CascadeLine array (*count entries; texts point
 * into the libconfig tree, valid until the file is closed). */
static CascadeLine *read_lines(CfgFile *f, const Node *n, const char *key, bool req, int *count)
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
        v[(*count)++] = (CascadeLine){ config_setting_get_string(e), main_file(f, cfg_loc(f, e)) };
    }
    return v;
}

int config_load_cascade(const char *path, const Overrides *ov, Diag *d, struct Cascade **out)
{
    static const char *const keys[] = { "name", "problem", "ranks", "partitions", "inputs",
                                        "outputs", "einsums", NULL };
    *out = NULL;
    int before = diag_count(d);
    StrPool pool = {0};
    CfgFile f;
    if (cfg_open(&f, path, d, &pool) == 0) {
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
            f.caller_path = path;
            CascadeSrc src = { .path = path, .problem = "", .loc = main_file(&f, cfg_loc(&f, top)) };
            get_str(&n, "name", true, false, &src.name);
            get_str(&n, "problem", false, false, &src.problem);
            CascadeLine *ranks = read_lines(&f, &n, "ranks", true, &src.n_ranks);
            CascadeLine *parts = read_lines(&f, &n, "partitions", false, &src.n_partitions);
            CascadeLine *ins = read_lines(&f, &n, "inputs", true, &src.n_inputs);
            CascadeLine *outs = read_lines(&f, &n, "outputs", true, &src.n_outputs);
            CascadeLine *ein = read_lines(&f, &n, "einsums", true, &src.n_einsums);
            src.ranks = ranks;
            src.partitions = parts;
            src.inputs = ins;
            src.outputs = outs;
            src.einsums = ein;
            if (diag_count(d) == before && cascade_build(&src, d, out) != 0) {
                cascade_free(*out);
                *out = NULL;
            }
            free(ranks);
            free(parts);
            free(ins);
            free(outs);
            free(ein);
            node_free(&n);
        }
    }
    cfg_close(&f);
    pool_free(&pool);
    if (diag_count(d) > before) {
        cascade_free(*out);
        *out = NULL;
        return 1;
    }
    return 0;
}
