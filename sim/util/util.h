/* util.h — allocation, checked 64-bit arithmetic, always-on assertions, string helpers.
 *
 * Allocation failure is treated as an internal error (message + abort): einsim's inputs
 * are small and a failed malloc means the machine is out of memory, not that the user
 * made a mistake. Arithmetic on values derived from configuration must use the ck_*
 * helpers, which report overflow instead of wrapping. */
#ifndef EINSIM_UTIL_H
#define EINSIM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Internal invariant check; stays on in release builds and names the C source line. A
 * failure prints "einsim: internal error: FILE:LINE: assertion failed: EXPR" and exits
 * with code 2 (sim/cli/README.md, "Exit codes"; fuzzing builds abort instead). */
#define EINSIM_ASSERT(cond) \
    ((cond) ? (void)0 : einsim_assert_fail(#cond, __FILE__, __LINE__))
_Noreturn void einsim_assert_fail(const char *expr, const char *file, int line);

/* Allocators that never return NULL (exit 2 with a message on exhaustion).
 * The caller owns the returned memory and releases it with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Formats into a new string owned by the caller. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Overflow-checked arithmetic: store the result in *out and return true, or return
 * false (leaving *out unspecified) when the exact result does not fit. */
static inline bool ck_add_u64(uint64_t a, uint64_t b, uint64_t *out) { return !__builtin_add_overflow(a, b, out); }
static inline bool ck_mul_u64(uint64_t a, uint64_t b, uint64_t *out) { return !__builtin_mul_overflow(a, b, out); }
static inline bool ck_add_i64(int64_t a, int64_t b, int64_t *out) { return !__builtin_add_overflow(a, b, out); }
static inline bool ck_mul_i64(int64_t a, int64_t b, int64_t *out) { return !__builtin_mul_overflow(a, b, out); }

/* Growable byte buffer for building text. buf_free releases it; buf_take hands the
 * NUL-terminated contents to the caller and leaves the buffer empty. */
typedef struct {
    char *s;     /* NUL-terminated contents (NULL while empty) */
    size_t len;  /* bytes used, excluding the NUL */
    size_t cap;  /* bytes allocated */
} Buf;
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_putc(Buf *b, char c);
char *buf_take(Buf *b);
void buf_free(Buf *b);

/* Writes `len` bytes to `path` atomically: a temp file "PATH.tmp.PID" in the same
 * directory, then rename(). An existing `path` that is not a regular file (a directory,
 * FIFO, device or symbolic link) is left alone: EINVAL. Returns 0, or -1 with errno set
 * (nothing is left at `path` or in the temp file on failure). */
int write_file_atomic(const char *path, const char *data, size_t len);

/* Reads a whole regular file of at most `max` bytes into a NUL-terminated buffer owned
 * by the caller. NULL on error, with errno EINVAL when `path` is not a regular file,
 * EFBIG when it is larger than `max`, else the system's. */
char *read_file(const char *path, size_t max, size_t *len_out);
/* strerror for the errno of read_file and write_file_atomic ("not a regular file" for
 * EINVAL). */
const char *file_strerror(int err);

/* Directory part of `path` ("." when there is none), in a new string owned by the caller. */
char *path_dirname(const char *path);
/* Creates `dir` and its parents; returns 0 or -1 with errno (ENOENT for an empty name,
 * ENOTDIR when `dir` or a parent exists and is not a directory). */
int mkdirs(const char *dir);
/* Joins a directory and a relative path; an absolute `rel` is returned as a copy. */
char *path_join(const char *dir, const char *rel);
/* The installed copy of a shipped input: for a relative `path` that does not exist from
 * the working directory, BINDIR/../share/einsim/path when that exists (BINDIR: the
 * running executable's folder); else NULL. Owned by the caller. */
char *share_find(const char *path);
/* "0.1.0" (util/version.h). */
const char *einsim_version(void);

#endif
