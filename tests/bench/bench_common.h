/* Shared by the benchmark drivers in tests/bench: a monotonic clock in
 * milliseconds and order statistics over a sample of timings. Header-only;
 * the drivers print `key=value` lines that scripts/bench reads. */
#ifndef NK_BENCH_COMMON_H
#define NK_BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double
bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of v[0..n), nearest rank; sorts v. 0 when n is 0. */
static inline double
bench_quantile(double *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, bench_cmp_double);
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* The drivers' command line: DIR [--size WxH] [OPT N], OPT an integer option
 * (e.g. "--turns") in min..max. Fills *dir, *w, *h, *n (left as they are
 * when not given). 0 when fine; else prints the problem and the usage
 * (prog: DIR [--size WxH] [OPT N]) and returns 2, the exit status. */
static inline int
bench_args(int argc, char **argv, const char *prog, const char *opt, int min, int max,
           const char **dir, int *w, int *h, int *n)
{
    const char *msg = NULL;
    for (int i = 1; i < argc && !msg; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", w, h) != 2 || *w < 100 || *h < 100)
                msg = "--size takes WxH, e.g. 800x480";
        } else if (strcmp(argv[i], opt) == 0 && i + 1 < argc) {
            *n = atoi(argv[++i]);
            if (*n < min || *n > max)
                msg = "a count out of range";
        } else if (argv[i][0] == '-' || *dir) {
            msg = "unexpected argument";
        } else {
            *dir = argv[i];
        }
    }
    if (!msg && !*dir)
        msg = "no edition folder given";
    if (!msg)
        return 0;
    fprintf(stderr, "%s: %s\nusage: %s DIR [--size WxH] [%s %d..%d]\n", prog, msg, prog, opt, min,
            max);
    return 2;
}

#endif
