/* bench_layout: times layout_article over every article of an unpacked
 * edition with the kiosk's real fonts (text/ over SDL2_ttf), at one screen
 * size with layout_config_default. The cold pass starts from a fresh text and
 * layout (empty width caches, hyphenation patterns not loaded yet); warm
 * passes reuse them. Bodies are parsed before timing starts: only setting
 * type is timed. Prints `key=value` lines for scripts/bench.
 *   bench_layout DIR [--size WxH] [--passes K]
 * Exit codes: 0 done, 1 the edition or fonts failed, 2 usage error. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "edition.h"
#include "layout.h"
#include "text.h"

#define BENCH_MAX_PASSES 50

struct pass {
    double total_ms;
    size_t pages;
    int measure; /* widest body line in px: the column measure */
};

/* One pass over every article; per-article times go to article_ms when not
 * NULL. False with e filled when an article cannot be set. */
static bool
run_pass(struct layout *L, const struct layout_config *cfg, const struct edition *ed,
         double *article_ms, struct pass *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < ed->article_count; i++) {
        struct layout_pages pages;
        layout_pages_init(&pages);
        double t0 = bench_now_ms();
        bool ok = layout_article(L, cfg, ed, i, &pages, e);
        double dt = bench_now_ms() - t0;
        if (ok) {
            out->total_ms += dt;
            out->pages += pages.count;
            if (article_ms)
                article_ms[i] = dt;
            for (size_t p = 0; p < pages.count; p++) {
                const struct layout_page *pg = &pages.pages[p];
                for (size_t l = 0; l < pg->line_count; l++)
                    if (pg->lines[l].role == LAYOUT_ROLE_BODY && pg->lines[l].w > out->measure)
                        out->measure = pg->lines[l].w;
            }
        }
        layout_pages_fini(&pages);
        if (!ok)
            return false;
    }
    return true;
}

int
main(int argc, char **argv)
{
    const char *dir = NULL;
    int w = 800, h = 480, passes = 5;
    int bad = bench_args(argc, argv, "bench_layout", "--passes", 1, BENCH_MAX_PASSES, &dir, &w, &h,
                         &passes);
    if (bad)
        return bad;

    struct err e;
    err_clear(&e);
    struct edition *ed = edition_open_dir(dir, NULL, &e);
    if (!ed) {
        fprintf(stderr, "bench_layout: %s\n", e.msg);
        return 1;
    }
    size_t words = 0;
    for (size_t i = 0; i < ed->article_count; i++) {
        if (!edition_load_body(ed, i, &e)) {
            fprintf(stderr, "bench_layout: %s\n", e.msg);
            edition_destroy(ed);
            return 1;
        }
        words += ed->articles[i].word_count;
    }

    struct text_fonts fonts;
    text_fonts_default(&fonts);
    struct text *t = text_create(&fonts, &e);
    if (!t) {
        fprintf(stderr, "bench_layout: %s\n", e.msg);
        edition_destroy(ed);
        return 1;
    }
    struct layout *L = layout_create(text_metrics(t), NK_HYPHEN_DIR);
    struct layout_config cfg;
    layout_config_default(&cfg, w, h);
    double *article_ms = calloc(ed->article_count ? ed->article_count : 1, sizeof *article_ms);
    double pass_ms[BENCH_MAX_PASSES];
    int status = 1;
    if (!L || !article_ms) {
        fprintf(stderr, "bench_layout: out of memory\n");
        goto done;
    }

    struct pass cold, warm;
    if (!run_pass(L, &cfg, ed, NULL, &cold, &e))
        goto fail;
    for (int p = 0; p < passes; p++) {
        if (!run_pass(L, &cfg, ed, p == passes - 1 ? article_ms : NULL, &warm, &e))
            goto fail;
        pass_ms[p] = warm.total_ms;
    }
    double warm_ms = bench_quantile(pass_ms, (size_t)passes, 0.5);

    /* The per-article target is for 2,500 words: the articles within
     * 10% of that, from the last warm pass. */
    double near[64];
    size_t near_n = 0;
    double max_ms = 0;
    for (size_t i = 0; i < ed->article_count; i++) {
        uint32_t wc = ed->articles[i].word_count;
        if (wc >= 2250 && wc <= 2750 && near_n < sizeof near / sizeof near[0])
            near[near_n++] = article_ms[i];
        if (article_ms[i] > max_ms)
            max_ms = article_ms[i];
    }

    printf("size=%dx%d\n", w, h);
    printf("base_px=%d\n", cfg.base_px);
    printf("margin=%d\n", cfg.margin);
    printf("measure_px=%d\n", cold.measure);
    printf("articles=%zu\n", ed->article_count);
    printf("words=%zu\n", words);
    printf("pages=%zu\n", cold.pages);
    printf("cold_ms=%.3f\n", cold.total_ms);
    printf("warm_ms=%.3f\n", warm_ms);
    printf("warm_passes=%d\n", passes);
    printf("words_per_s=%.0f\n", warm_ms > 0 ? (double)words / (warm_ms / 1e3) : 0.0);
    printf("cold_words_per_s=%.0f\n",
           cold.total_ms > 0 ? (double)words / (cold.total_ms / 1e3) : 0.0);
    printf("max_article_ms=%.3f\n", max_ms);
    if (near_n > 0) {
        printf("articles_2500w=%zu\n", near_n);
        printf("ms_2500w_median=%.3f\n", bench_quantile(near, near_n, 0.5));
    }
    status = 0;
    goto done;
fail:
    fprintf(stderr, "bench_layout: %s\n", e.msg);
done:
    free(article_ms);
    layout_destroy(L);
    text_destroy(t);
    edition_destroy(ed);
    return status;
}
