/* output.h — output files and directories that readers can trust.
 *
 * file_write writes one file atomically and reports a failure; an existing non-regular
 * file (a FIFO, a device) is never replaced.
 *
 * An output directory (`-o DIR`):
 * The directory is created when absent; a path that exists and is not a directory (a
 * file, a FIFO, a device) is an error and is left alone. One einsim at a time writes a
 * directory: an fcntl lock on DIR/.einsim.lock, released when the writer closes the
 * directory or dies. Opening removes the completion marker DIR/COMPLETE (the set is
 * incomplete from then on) and the temporaries (NAME.tmp.PID) of writers that were
 * killed. Every file is written atomically (a temporary, then rename). Closing after
 * success writes COMPLETE last: the command and the files of the set, one per line.
 * So a directory with COMPLETE holds a whole set from one run; one without it was
 * interrupted (or is being written). */
#ifndef EINSIM_OUTPUT_H
#define EINSIM_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

#define OUTDIR_MARKER "COMPLETE"

/* write_file_atomic (util.h), reporting a failure into d as "PATH: error: cannot
 * write: WHY". Returns 0 or 1. */
int file_write(const char *path, const char *data, size_t len, Diag *d);

typedef struct OutDir OutDir;

/* Opens `path` for writing the files of command `what` ("einsim run"). Returns NULL
 * with the error in d (located at `path`). */
OutDir *outdir_open(const char *path, const char *what, Diag *d);
/* The directory's path (owned by the OutDir). */
const char *outdir_path(const OutDir *o);
/* Writes DIR/NAME atomically and records it for the marker. Returns 0, or 1 with the
 * error in d. */
int outdir_write(OutDir *o, const char *name, const char *data, size_t len, Diag *d);
/* Writes COMPLETE when `ok` (returns 1 with the error in d when that fails), releases
 * the lock and frees `o` (NULL is fine). */
int outdir_close(OutDir *o, bool ok, Diag *d);

/* Removes the regular files of directory `dir` — only the temporaries NAME.tmp.PID that
 * write_file_atomic leaves when killed, with `temporaries_only` (nothing else is
 * touched: no directory, link or special file). */
void remove_files(const char *dir, bool temporaries_only);

#endif
