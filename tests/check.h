/* A minimal test harness for plain CTest executables: CHECK-style macros that
 * count and report failures with file:line, and check_summary() that prints
 * "N passed, M failed" and returns the exit code. Header-only. */
#ifndef NK_CHECK_H
#define NK_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            check_passed++;                                                                        \
        } else {                                                                                   \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (cond) {                                                                                \
            check_passed++;                                                                        \
        } else {                                                                                   \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        intmax_t check_a_ = (intmax_t)(a), check_b_ = (intmax_t)(b);                               \
        CHECK_MSG(check_a_ == check_b_, "%s = %jd, expected %jd", #a, check_a_, check_b_);         \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        CHECK_MSG(check_a_ &&check_b_ &&strcmp(check_a_, check_b_) == 0,                           \
                  "%s = \"%s\", expected \"%s\"", #a, check_a_ ? check_a_ : "(null)",              \
                  check_b_ ? check_b_ : "(null)");                                                 \
    } while (0)

/* True when haystack contains needle. */
#define CHECK_CONTAINS(haystack, needle)                                                           \
    do {                                                                                           \
        const char *check_h_ = (haystack), *check_n_ = (needle);                                   \
        CHECK_MSG(check_h_ &&strstr(check_h_, check_n_), "\"%s\" does not contain \"%s\"",         \
                  check_h_ ? check_h_ : "(null)", check_n_);                                       \
    } while (0)

static inline int
check_summary(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
