/* limits.h — every input limit of einsim in one place (sim/cli/README.md, "Limits").
 *
 * Each limit is enforced where the input is read, with a file:line error that names it;
 * nothing past a limit is silently dropped or truncated. The model tables of the engine
 * are sized from these (units, levels, groups, stages). */
#ifndef EINSIM_LIMITS_H
#define EINSIM_LIMITS_H

#define LIMIT_FILE_BYTES (16 << 20)   /* one input file (each @include'd file too) */
#define LIMIT_INCLUDE_DEPTH 10        /* @include nesting (libconfig's own limit) */
#define LIMIT_INCLUDES 64             /* @include lines processed for one input, in all */
#define LIMIT_GROUP_SETTINGS 4096     /* settings in one libconfig group */
#define LIMIT_LIST_ELEMENTS 65536     /* elements of one list or array */
#define LIMIT_CFG_NESTING 64          /* groups and lists nested in one file */
#define LIMIT_NAME_CHARS 64           /* a name: letters, digits, _ - . + */
#define LIMIT_UNITS 16                /* compute units of an architecture */
#define LIMIT_LEVELS 16               /* storage levels of an architecture */
#define LIMIT_EINSUMS 64              /* Einsums of a cascade */
#define LIMIT_RANKS 32                /* ranks of a cascade (roots and partitions) */
#define LIMIT_DIMS 8                  /* dimensions of one tensor */
#define LIMIT_EXPR_DEPTH 256          /* nesting of one Einsum's expression tree */
#define LIMIT_GROUPS 16               /* fused groups of a mapping */
#define LIMIT_STAGES 64               /* stages of one fused group */
#define LIMIT_NEST_LOOPS 256          /* loops of a group's loop nest, all levels */
#define LIMIT_NEST_TENSORS 8          /* tensors of the Einsum of a loop-nest group */
#define LIMIT_CHECK_FILES 256         /* files of one `einsim check` */
#define LIMIT_RESULT_BYTES (1 << 30)  /* a CSV, stats.json or plot read by `einsim report` */

#endif
