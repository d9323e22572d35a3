/* emit.h — the one writer of einsim's JSON and CSV outputs (stats.json, stats.csv,
 * compare.csv, train-compare.csv, sweep.csv, pareto.csv).
 *
 * Text is appended with emit_printf, which formats like printf but refuses a number that
 * is not finite: inf and nan are not JSON, and a CSV reader (einsim report among them)
 * rejects them. The first such number is remembered with the field it belongs to (the
 * last JSON key, or the CSV column) and the writer's text is then not to be written:
 * emit_take hands out the text only when every number was finite. Names go through
 * emit_json_str (escaped) and emit_csv_field (quoted when they hold a comma, a quote
 * or a line break). */
#ifndef EINSIM_EMIT_H
#define EINSIM_EMIT_H

#include "util/util.h"

#define EMIT_FIELD_MAX 96   /* bytes of a field name kept for the message */

typedef struct {
    Buf b;
    char bad[EMIT_FIELD_MAX];   /* the field of the first non-finite number, "" while none */
} Emit;

/* printf-style formatting of structure, integers, strings and numbers. The conversions
 * known are d i u x c s p and f e g (any flags, width, precision, length). A floating
 * conversion of a non-finite value writes "null" and records the field. */
void emit_printf(Emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal: quotes, backslashes and control characters escaped. */
void emit_json_str(Emit *e, const char *s);
/* A CSV field: as is, or quoted with inner quotes doubled when it holds , " CR or LF. */
void emit_csv_field(Emit *e, const char *s);
/* The text (owned by the caller), or NULL when a number was not finite; the field is
 * then copied into bad (EMIT_FIELD_MAX bytes; "" on success). Either way the writer is
 * left empty. */
char *emit_take(Emit *e, char *bad);
void emit_free(Emit *e);

#endif
