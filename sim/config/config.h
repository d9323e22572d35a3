/* config.h — loading, overriding, validating and re-emitting einsim's libconfig inputs.
 *
 * The config module is the only user of libconfig. It reads a file (with @include
 * resolved relative to the file's folder), applies `--set key=value` overrides, fills
 * defaults, validates every key (type, range, unit, cross-field rules; unknown keys are
 * errors) and returns an immutable spec (spec.h), or a cascade's source strings
 * (CascadeSrc) that sim/cascade/ parses.
 *
 * A file holds one or more top-level groups: `arch`, `energy`, `workload`, `mapping`,
 * `cascade`. Errors go into a Diag as "file:line: error: key: message" and the loader
 * returns non-zero; nothing is printed here and nothing exits. */
#ifndef EINSIM_CONFIG_H
#define EINSIM_CONFIG_H

#include "config/spec.h"
#include "util/diag.h"

/* One `--set key.path=value` from the command line. `index` is its 1-based position
 * among the --set options (reported as "<command line>:index"). */
typedef struct {
    const char *key;    /* e.g. "arch.array2d.rows", "workload.seq" */
    const char *value;  /* text after '=' parsed by einsim (not libconfig): integers are
                           64-bit, "1.5" is a float, "true"/"false", otherwise a string */
    int index;
} Override;

typedef struct {
    const Override *v;
    int n;
} Overrides;

/* Which top-level groups a file defines (bit set of the CFG_HAS_* values). */
enum { CFG_HAS_ARCH = 1, CFG_HAS_ENERGY = 2, CFG_HAS_WORKLOAD = 4, CFG_HAS_MAPPING = 8,
       CFG_HAS_CASCADE = 16 };
/* Parses `path` and reports which groups it defines in *groups. Returns 0, or 1 with
 * errors in `d` (syntax errors, unknown top-level keys, no group at all). */
int config_probe(const char *path, int *groups, Diag *d);

/* Loaders. Each parses `path`, applies the overrides whose first key component is its
 * group name ("arch", "workload", ...; others are ignored), validates, and on success
 * stores a new spec in *out (owned by the caller; release with the matching *_free)
 * and returns 0. On failure returns 1, stores NULL and reports into `d`.
 * Overrides addressed to the group that match no key are errors.
 *
 * config_load_arch also applies the `energy.*` overrides to the energy table it loads
 * (arch.energy names a file relative to the arch file's folder, or is an inline group).
 * config_load_mapping checks that the cascade file exists and inlines its `cascade`
 * group (after `cascade.*` overrides) in effective_cfg; a file whose mapping holds the
 * cascade inline is accepted by config_read_cascade. Paths given by --set (arch.energy,
 * mapping.cascade) are relative to the working directory. */
int config_load_arch(const char *path, const Overrides *ov, Diag *d, ArchSpec **out);
int config_load_energy(const char *path, const Overrides *ov, Diag *d, EnergySpec **out);
int config_load_workload(const char *path, const Overrides *ov, Diag *d, WorkloadSpec **out);
int config_load_mapping(const char *path, const Overrides *ov, Diag *d, MappingSpec **out);

/* ---- a cascade's source form (parsed and checked by sim/cascade/) ------------------- */
typedef struct {
    const char *text;  /* one rank, partition, tensor declaration or Einsum */
    SrcLoc loc;
} CascadeLine;

/* An input whose values come from a file (cascade.data): a block mask. */
typedef struct {
    const char *tensor;  /* the input tensor */
    const char *file;    /* resolved against the cascade file's folder (a --set path: the
                            working directory) */
    SrcLoc loc;          /* the entry */
} CascadeDataSrc;

typedef struct {
    const char *name;
    const char *path;
    const char *problem;              /* problem family it computes, e.g. "attention" */
    SrcLoc loc;
    const CascadeLine *ranks;         /* "E", "M", ... root ranks */
    int n_ranks;
    const CascadeLine *partitions;    /* "M -> M1, M0" */
    int n_partitions;
    const CascadeLine *inputs;        /* "Q[e, p]" */
    int n_inputs;
    const CascadeLine *outputs;       /* "AV" */
    int n_outputs;
    const CascadeLine *einsums;       /* in the order written */
    int n_einsums;
    const CascadeLine *weights;       /* tensors that are a model's weights (optional) */
    int n_weights;
    const CascadeLine *kv_cache;      /* tensors that are its KV cache (optional) */
    int n_kv_cache;
    const CascadeDataSrc *data;       /* inputs read from files */
    int n_data;
} CascadeSrc;

/* Reads the `cascade` group of `path` (or a mapping's inline `mapping.cascade`) after
 * the `cascade.*` overrides: the strings of each list with their file:line. Returns 0
 * with a new CascadeSrc in *out (every string it points to is owned by it; release
 * with cascade_src_free), or 1 with errors in `d` and *out = NULL. */
int config_read_cascade(const char *path, const Overrides *ov, Diag *d, CascadeSrc **out);
void cascade_src_free(CascadeSrc *src);

/* A block-mask file: one top-level group
 *
 *   blockmask = {
 *     rows = [ "1100", "1110", "0111", "0011" ];   # one string per row: '1' keeps, '0' masks
 *   };
 *
 * Rows index the first dimension of the mask tensor, characters the second; every row
 * has the same length. Returns 0 with rows x cols values (0/1, row-major, owned by the
 * caller) in *keep and the line of the `rows` list in *line, or 1 with the errors (a
 * wrong character, unequal rows, more than LIMIT_LIST_ELEMENTS characters in a row) in
 * `d` and *keep = NULL. */
int config_load_blockmask(const char *path, Diag *d, int64_t *rows, int64_t *cols,
                          uint8_t **keep, int *line);

void arch_free(ArchSpec *a);
void energy_free(EnergySpec *e);
void workload_free(WorkloadSpec *w);
void mapping_free(MappingSpec *m);

/* Checks that every override was consumed by some loader; reports the others as
 * "<command line>:N: error: --set KEY: no loaded input has group 'G'" (or an unknown
 * group, with a suggestion). `used_groups` is the OR of the CFG_HAS_* groups that were
 * loaded; CFG_HAS_ARCH implies CFG_HAS_ENERGY. Returns the number of errors. */
int config_check_overrides(const Overrides *ov, int used_groups, Diag *d);

#endif
