/* check.h — the in-house unit-test macros. Each CHECK counts a pass or a failure;
 * a test binary ends with CHECK_DONE(), which prints "N passed, N failed" and returns
 * non-zero when anything failed. */
#ifndef EINSIM_CHECK_H
#define EINSIM_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_pass_, check_fail_;

#define CHECK(cond) \
    ((cond) ? (void)check_pass_++ \
            : (void)(check_fail_++, fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond)))
#define CHECK_EQ_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ == b_) check_pass_++; else { check_fail_++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, #a, #b, a_, b_); } } while (0)
#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b); \
    if (fabs(a_ - b_) <= (tol)) check_pass_++; else { check_fail_++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s ~= %s (%.17g vs %.17g, tol %g)\n", __FILE__, __LINE__, #a, #b, a_, b_, (double)(tol)); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (a_ && b_ && strcmp(a_, b_) == 0) check_pass_++; else { check_fail_++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s == \"%s\" (got \"%s\")\n", __FILE__, __LINE__, #a, b_ ? b_ : "(null)", a_ ? a_ : "(null)"); } } while (0)
#define CHECK_CONTAINS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); \
    if (h_ && strstr(h_, n_)) check_pass_++; else { check_fail_++; \
    fprintf(stderr, "%s:%d: CHECK failed: \"%s\" contains \"%s\"\n", __FILE__, __LINE__, h_ ? h_ : "(null)", n_); } } while (0)
#define CHECK_DONE() (printf("%s: %d passed, %d failed\n", __FILE__, check_pass_, check_fail_), check_fail_ != 0)

#endif
