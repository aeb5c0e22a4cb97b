/* Read-aloud's cost: the time from the speaker press (an article's reading
 * plan made and speech_start called, as the kiosk's speech_sync does) to the
 * first synthesised sample waiting in the ring for the audio callback, cold
 * (the first reading: the voice loads) and warm; and the resident memory
 * espeak-ng and a loaded voice add (VmRSS before speech_create, after it,
 * and after the first reading). Prints key=value lines for scripts/bench.
 *   bench_speech [--runs N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"
#include "speech.h"

static long
rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* The press to the first sample ready for the audio callback, in ms; < 0
 * when none came in 10 s. */
static double
press_to_sample(struct speech *s, const struct edition_article *a, struct speech_plan *plan)
{
    struct err e = {0};
    double t0 = bench_now_ms();
    if (!speech_plan_article(plan, a, NULL, &e) || !speech_start(s, plan, 0, &e)) {
        fprintf(stderr, "bench_speech: %s\n", e.msg);
        return -1;
    }
    while (speech_buffered(s) == 0) {
        if (bench_now_ms() - t0 > 10000)
            return -1;
        struct timespec ts = {0, 100 * 1000}; /* 0.1 ms */
        nanosleep(&ts, NULL);
    }
    double t = bench_now_ms() - t0;
    speech_stop(s);
    return t;
}

int
main(int argc, char **argv)
{
    int runs = 20;
    if (argc == 3 && strcmp(argv[1], "--runs") == 0)
        runs = atoi(argv[2]);
    if (runs < 1 || runs > 1000 || (argc != 1 && argc != 3)) {
        fprintf(stderr, "usage: bench_speech [--runs N (1..1000)]\n");
        return 2;
    }
    /* the sample edition's first paragraph, as an article of one block */
    static const char text[] =
        "The Brynja will stop running her late-evening crossing to Skerholm from Monday 7 "
        "December, the Gullhaven Harbour Board confirmed on Thursday, ending a service that has "
        "left the town quay at 22:40 every night for thirty-one winters. In its place the board "
        "will add two sailings before eight in the morning.";
    struct edition_span span = {text, (uint32_t)strlen(text), 0};
    struct edition_block block = {.kind = EDITION_BLOCK_PARAGRAPH, .spans = &span, .span_count = 1};
    struct edition_article a = {.path = "bench.md",
                                .language = "en",
                                .body_loaded = true,
                                .blocks = &block,
                                .block_count = 1};

    long base = rss_kb();
    struct err e = {0};
    /* the kiosk creates the engine at the first press: part of that press */
    double c0 = bench_now_ms();
    struct speech *s =
        speech_create(&(struct speech_config){.rate = 0, .volume = -1}, NULL, NULL, &e);
    double create = bench_now_ms() - c0;
    if (!s) {
        fprintf(stderr, "bench_speech: %s\n", e.msg);
        return 1;
    }
    long init = rss_kb();
    struct speech_plan plan;
    speech_plan_init(&plan);
    double cold = press_to_sample(s, &a, &plan);
    long voice = rss_kb();
    double *warm = calloc((size_t)runs, sizeof *warm);
    int ok = cold >= 0 && warm;
    for (int i = 0; ok && i < runs; i++)
        ok = (warm[i] = press_to_sample(s, &a, &plan)) >= 0;
    if (ok) {
        printf("runs=%d\n", runs);
        printf("create_ms=%.2f\n", create);
        printf("first_sample_cold_ms=%.2f\n", cold);
        printf("first_sample_median_ms=%.2f\n", bench_quantile(warm, (size_t)runs, 0.5));
        printf("first_sample_p90_ms=%.2f\n", bench_quantile(warm, (size_t)runs, 0.9));
        printf("sample_rate=%d\n", speech_sample_rate(s));
        printf("rss_base_kb=%ld\nrss_init_kb=%ld\nrss_voice_kb=%ld\n", base, init, voice);
    } else {
        fprintf(stderr, "bench_speech: no sample within 10 s\n");
    }
    free(warm);
    speech_plan_fini(&plan);
    speech_destroy(s);
    return ok ? 0 : 1;
}
