/* bench_turn: times page turns the way the reader does them, outside the
 * reader's event loop: pages of the edition's first articles are rendered
 * ahead into target textures (render_page), and a turn copies the next page's
 * texture to the window and presents it. Reported separately: the turn
 * (copy + present, what a finger waits for when the neighbour is ready) and
 * the render-ahead of one page into a texture (done after the turn is shown).
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

static int
usage(const char *msg)
{
    fprintf(stderr, "bench_turn: %s\nusage: bench_turn DIR [--size WxH] [--turns N]\n", msg);
    return 2;
}

int
main(int argc, char **argv)
{
    const char *dir = NULL;
    int w = 800, h = 480, turns = 1000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 100 || h < 100)
                return usage("--size takes WxH, e.g. 800x480");
        } else if (strcmp(argv[i], "--turns") == 0 && i + 1 < argc) {
            turns = atoi(argv[++i]);
            if (turns < 1 || turns > 100000)
                return usage("--turns takes 1..100000");
        } else if (argv[i][0] == '-' || dir) {
            return usage("unexpected argument");
        } else {
            dir = argv[i];
        }
    }
    if (!dir)
        return usage("no edition folder given");

    int status = 1;
    struct err e;
    err_clear(&e);
    struct edition *ed = NULL;
    struct text *t = NULL;
    struct layout *L = NULL;
    struct render *rd = NULL;
    SDL_Window *win = NULL;
    SDL_Renderer *r = NULL;
    SDL_Texture *tex[2] = {NULL, NULL};
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
    r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    for (int i = 0; r && i < 2; i++)
        tex[i] = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_TARGET, w, h);
    if (!tex[0] || !tex[1]) {
        fprintf(stderr, "bench_turn: SDL window, renderer or texture: %s\n", SDL_GetError());
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
    SDL_SetRenderTarget(r, tex[0]);
    render_page(rd, &pages.pages[0], 0, 0);
    SDL_SetRenderTarget(r, NULL);
    SDL_RenderCopy(r, tex[0], NULL, NULL);
    SDL_RenderPresent(r);
    SDL_SetRenderTarget(r, tex[1]);
    render_page(rd, &pages.pages[1], 0, 0);
    SDL_SetRenderTarget(r, NULL);

    size_t shown = 0;
    int cur = 0; /* tex[cur] holds the page on screen, tex[cur ^ 1] the next one */
    for (int k = 0; k < turns; k++) {
        double t0 = bench_now_ms();
        SDL_RenderCopy(r, tex[cur ^ 1], NULL, NULL);
        SDL_RenderPresent(r);
        turn_ms[k] = bench_now_ms() - t0;
        shown = (shown + 1) % pages.count;
        cur ^= 1;

        t0 = bench_now_ms();
        SDL_SetRenderTarget(r, tex[cur ^ 1]);
        render_page(rd, &pages.pages[(shown + 1) % pages.count], 0, 0);
        SDL_SetRenderTarget(r, NULL);
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
    for (int i = 0; i < 2; i++)
        if (tex[i])
            SDL_DestroyTexture(tex[i]);
    if (r)
        SDL_DestroyRenderer(r);
    if (win)
        SDL_DestroyWindow(win);
    SDL_Quit();
    free(turn_ms);
    free(ahead_ms);
    return status;
}
