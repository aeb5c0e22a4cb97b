/* bench_turn: times page turns the way the reader draws them, outside the
 * reader's event loop: the pages of the edition's first articles, each shown
 * from its texture rendered ahead (render_page_texture, the reader's LRU),
 * copied over a cleared screen and presented. Reported separately: the turn
 * (what a finger waits for when the neighbour is ready) and the render-ahead
 * of the following page into its texture (done after the turn is shown).
 * Uses the software renderer of whatever SDL video driver is set (dummy in
 * the bench). Prints `key=value` lines for scripts/bench.
 *   bench_turn DIR [--size WxH] [--turns N]
 * Exit codes: 0 done, 1 the edition, fonts or SDL failed, 2 usage error. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "bench_common.h"
#include "edition.h"
#include "layout.h"
#include "render.h"
#include "text.h"

#define BENCH_MAX_PAGES 64

/* What the reader does to show a page: its texture (rendered ahead, so an
 * LRU hit) copied over a cleared screen, then presented. */
static bool
show(SDL_Renderer *r, struct render *rd, const struct layout_page *page, int w, int h,
     struct err *e)
{
    SDL_Texture *tex = render_page_texture(rd, page, w, h, e);
    if (!tex)
        return false;
    SDL_SetRenderDrawColor(r, 0xff, 0xff, 0xff, 0xff);
    SDL_RenderClear(r);
    SDL_RenderCopy(r, tex, NULL, NULL);
    SDL_RenderPresent(r);
    return true;
}

int
main(int argc, char **argv)
{
    const char *dir = NULL;
    int w = 800, h = 480, turns = 1000;
    int bad = bench_args(argc, argv, "bench_turn", "--turns", 1, 100000, &dir, &w, &h, &turns);
    if (bad)
        return bad;

    int status = 1;
    struct err e;
    err_clear(&e);
    struct edition *ed = NULL;
    struct text *t = NULL;
    struct layout *L = NULL;
    struct render *rd = NULL;
    SDL_Window *win = NULL;
    SDL_Renderer *r = NULL;
    double *turn_ms = calloc((size_t)turns, sizeof *turn_ms);
    double *ahead_ms = calloc((size_t)turns, sizeof *ahead_ms);
    struct layout_pages pages;
    layout_pages_init(&pages);

    if (!turn_ms || !ahead_ms) {
        fprintf(stderr, "bench_turn: out of memory\n");
        goto done;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "bench_turn: SDL_Init: %s\n", SDL_GetError());
        goto done;
    }
    win = SDL_CreateWindow("bench_turn", 0, 0, w, h, 0);
    r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE)
            : NULL;
    if (!r) {
        fprintf(stderr, "bench_turn: SDL window or renderer: %s\n", SDL_GetError());
        goto done;
    }

    ed = edition_open_dir(dir, NULL, &e);
    if (!ed)
        goto fail;
    struct text_fonts fonts;
    text_fonts_default(&fonts);
    t = text_create(&fonts, &e);
    if (!t)
        goto fail;
    L = layout_create(text_metrics(t), NK_HYPHEN_DIR);
    if (!L) {
        fprintf(stderr, "bench_turn: out of memory\n");
        goto done;
    }
    struct layout_config cfg;
    layout_config_default(&cfg, w, h);
    /* Pages of the first articles, as many as a reader would flip through. */
    for (size_t i = 0; i < ed->article_count && pages.count < BENCH_MAX_PAGES; i++) {
        if (!edition_load_body(ed, i, &e) || !layout_article(L, &cfg, ed, i, &pages, &e))
            goto fail;
    }
    if (pages.count < 2) {
        fprintf(stderr, "bench_turn: %s: fewer than 2 pages to turn\n", dir);
        goto done;
    }
    rd = render_create(r, t, &e);
    if (!rd)
        goto fail;
    render_set_root(rd, ed->root ? ed->root : dir);

    /* The first page on screen, its neighbour rendered ahead. */
    if (!show(r, rd, &pages.pages[0], w, h, &e))
        goto fail;
    if (!render_page_texture(rd, &pages.pages[1], w, h, &e))
        goto fail;

    size_t shown = 0;
    for (int k = 0; k < turns; k++) {
        shown = (shown + 1) % pages.count;
        double t0 = bench_now_ms();
        if (!show(r, rd, &pages.pages[shown], w, h, &e))
            goto fail;
        turn_ms[k] = bench_now_ms() - t0;

        t0 = bench_now_ms();
        if (!render_page_texture(rd, &pages.pages[(shown + 1) % pages.count], w, h, &e))
            goto fail;
        ahead_ms[k] = bench_now_ms() - t0;
    }

    printf("size=%dx%d\n", w, h);
    printf("driver=%s\n", SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "?");
    printf("pages=%zu\n", pages.count);
    printf("turns=%d\n", turns);
    printf("turn_median_ms=%.3f\n", bench_quantile(turn_ms, (size_t)turns, 0.5));
    printf("turn_p99_ms=%.3f\n", bench_quantile(turn_ms, (size_t)turns, 0.99));
    printf("ahead_median_ms=%.3f\n", bench_quantile(ahead_ms, (size_t)turns, 0.5));
    printf("ahead_p99_ms=%.3f\n", bench_quantile(ahead_ms, (size_t)turns, 0.99));
    status = 0;
    goto done;
fail:
    fprintf(stderr, "bench_turn: %s\n", e.msg);
done:
    render_destroy(rd);
    layout_pages_fini(&pages);
    layout_destroy(L);
    text_destroy(t);
    edition_destroy(ed);
    if (r)
        SDL_DestroyRenderer(r);
    if (win)
        SDL_DestroyWindow(win);
    SDL_Quit();
    free(turn_ms);
    free(ahead_ms);
    return status;
}
