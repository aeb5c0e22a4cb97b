/* Shared by the benchmark drivers in tests/bench: a monotonic clock in
 * milliseconds and order statistics over a sample of timings. Header-only;
 * the drivers print `key=value` lines that scripts/bench reads. */
#ifndef NK_BENCH_COMMON_H
#define NK_BENCH_COMMON_H

#include <stdlib.h>
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

#endif
