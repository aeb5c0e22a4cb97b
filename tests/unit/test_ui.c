/* Unit tests for ui: the reader's state machine driven with a fake clock and
 * hand-made pages (no SDL, no fonts): taps on links, page turns, swipes that
 * follow and settle or snap back, news navigation, font scale keeping the
 * paragraph (up to 2.5), idle -> index -> attract, the status gesture, keys
 * and quitting, the colour theme, keypad focus. */
#include <stdlib.h>

#include "check.h"
#include "ui.h"

#define W 800
#define H 480

/* Fake content: an index of 2 pages and 3 articles. Article 0 has 3 pages
 * at the normal scale and 5 at larger scales, so re-pagination moves the
 * paragraph to another page number. */
struct fake {
    struct layout_page index[2];
    struct layout_link index0_links[3], index1_links[3];
    struct layout_pages index_pages;
    struct layout_page a0_small[3], a0_large[5], a0_huge[9], a1[2], a2[1];
    struct layout_pages a0_small_pages, a0_large_pages, a0_huge_pages, a1_pages, a2_pages;
    struct layout_link nav[3][6]; /* per article: prev, contents, next, A-, A+, theme */
    int calls;
};

static struct layout_link
link_at(int x, int y, int w, int h, enum layout_action a, int32_t article, int32_t section)
{
    return (struct layout_link){.x = x,
                                .y = y,
                                .w = w,
                                .h = h,
                                .action = (uint8_t)a,
                                .enabled = true,
                                .article = article,
                                .section = section};
}

static void
fill_article(struct fake *f, struct layout_page *pages, size_t n, int32_t article,
             const int32_t *first_blocks)
{
    for (size_t i = 0; i < n; i++) {
        pages[i] = (struct layout_page){.kind = LAYOUT_PAGE_ARTICLE,
                                        .article = article,
                                        .number = (uint32_t)i + 1,
                                        .of = (uint32_t)n,
                                        .first_block = first_blocks[i],
                                        .links = f->nav[article],
                                        .link_count = 6};
    }
}

static void
fake_init(struct fake *f)
{
    *f = (struct fake){0};
    f->index0_links[0] = link_at(100, 100, 500, 40, LAYOUT_ACTION_OPEN_ARTICLE, 0, -1);
    f->index0_links[1] = link_at(100, 150, 500, 40, LAYOUT_ACTION_OPEN_ARTICLE, 1, -1);
    f->index0_links[2] = link_at(100, 300, 200, 30, LAYOUT_ACTION_SECTION, -1, 1);
    f->index1_links[0] = link_at(100, 50, 200, 30, LAYOUT_ACTION_SECTION, -1, 1);
    f->index1_links[1] = link_at(100, 100, 500, 40, LAYOUT_ACTION_OPEN_ARTICLE, 2, -1);
    f->index1_links[2] = link_at(740, 450, 44, 30, LAYOUT_ACTION_THEME, -1, -1); /* footer */
    for (int i = 0; i < 2; i++)
        f->index[i] = (struct layout_page){.kind = LAYOUT_PAGE_INDEX,
                                           .article = -1,
                                           .number = (uint32_t)i + 1,
                                           .of = 2,
                                           .first_block = -1};
    f->index[0].links = f->index0_links;
    f->index[0].link_count = 3;
    f->index[1].links = f->index1_links;
    f->index[1].link_count = 3;
    f->index_pages = (struct layout_pages){.pages = f->index, .count = 2};

    for (int a = 0; a < 3; a++) {
        f->nav[a][0] = link_at(130, 440, 100, 40, LAYOUT_ACTION_PREV_STORY, -1, -1);
        f->nav[a][0].enabled = a > 0;
        f->nav[a][1] = link_at(250, 440, 100, 40, LAYOUT_ACTION_CONTENTS, -1, -1);
        f->nav[a][2] = link_at(370, 440, 100, 40, LAYOUT_ACTION_NEXT_STORY, -1, -1);
        f->nav[a][2].enabled = a < 2;
        f->nav[a][3] = link_at(490, 440, 70, 40, LAYOUT_ACTION_FONT_SMALLER, -1, -1);
        f->nav[a][4] = link_at(580, 440, 70, 40, LAYOUT_ACTION_FONT_LARGER, -1, -1);
        f->nav[a][5] = link_at(680, 440, 70, 40, LAYOUT_ACTION_THEME, -1, -1);
    }
    static const int32_t small[] = {0, 4, 8}, large[] = {0, 2, 4, 6, 8}, a1[] = {0, 3}, a2[] = {0};
    static const int32_t huge[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    fill_article(f, f->a0_small, 3, 0, small);
    fill_article(f, f->a0_large, 5, 0, large);
    fill_article(f, f->a0_huge, 9, 0, huge);
    f->a0_huge_pages = (struct layout_pages){.pages = f->a0_huge, .count = 9};
    fill_article(f, f->a1, 2, 1, a1);
    fill_article(f, f->a2, 1, 2, a2);
    f->a0_small_pages = (struct layout_pages){.pages = f->a0_small, .count = 3};
    f->a0_large_pages = (struct layout_pages){.pages = f->a0_large, .count = 5};
    f->a1_pages = (struct layout_pages){.pages = f->a1, .count = 2};
    f->a2_pages = (struct layout_pages){.pages = f->a2, .count = 1};
}

static size_t
fake_article_count(void *ctx)
{
    (void)ctx;
    return 3;
}

/* Articles 0 and 1 are in section 0, article 2 in section 1. */
static int32_t
fake_article_section(void *ctx, size_t article)
{
    (void)ctx;
    return article == 2 ? 1 : 0;
}

static const struct layout_pages *
fake_index_pages(void *ctx, float scale)
{
    struct fake *f = ctx;
    (void)scale;
    f->calls++;
    return &f->index_pages;
}

static const struct layout_pages *
fake_article_pages(void *ctx, size_t article, float scale)
{
    struct fake *f = ctx;
    f->calls++;
    switch (article) {
    case 0:
        return scale < 1.05f  ? &f->a0_small_pages
               : scale < 2.2f ? &f->a0_large_pages
                              : &f->a0_huge_pages;
    case 1:
        return &f->a1_pages;
    case 2:
        return &f->a2_pages;
    }
    return NULL;
}

static struct fake fake;
static uint64_t now;
static bool make_speech; /* the next make() has read-aloud */

static struct ui *
make_themed(uint64_t idle_ms, uint64_t attract_ms, bool allow_quit, int theme, int theme_count)
{
    fake_init(&fake);
    now = 1000;
    struct ui_config cfg = {.width = W,
                            .height = H,
                            .font_scale = 1.0f,
                            .theme = theme,
                            .theme_count = theme_count,
                            .idle_timeout_ms = idle_ms,
                            .attract_interval_ms = attract_ms,
                            .allow_quit = allow_quit,
                            .speech = make_speech};
    struct ui_content content = {.ctx = &fake,
                                 .article_count = fake_article_count,
                                 .index_pages = fake_index_pages,
                                 .article_pages = fake_article_pages,
                                 .article_section = fake_article_section};
    struct ui *ui = ui_create(&cfg, &content, now);
    CHECK(ui != NULL);
    ui_set_edition(ui, true, true, now);
    return ui;
}

static struct ui *
make(uint64_t idle_ms, uint64_t attract_ms, bool allow_quit)
{
    return make_themed(idle_ms, attract_ms, allow_quit, 0, 3);
}

static void
input(struct ui *ui, enum ui_input_kind kind, int x, int y)
{
    ui_handle(ui, &(struct ui_input){.kind = kind, .now_ms = now, .x = x, .y = y});
}

static void
tap(struct ui *ui, int x, int y)
{
    input(ui, UI_INPUT_PRESS, x, y);
    now += 80;
    input(ui, UI_INPUT_RELEASE, x, y);
    now += 20;
}

static void
press_key(struct ui *ui, enum ui_key k)
{
    ui_handle(ui, &(struct ui_input){.kind = UI_INPUT_KEY, .now_ms = now, .key = k});
    now += 20;
}

/* A drag from x0 to x1 in `steps` moves over `ms`, then release. */
static void
drag(struct ui *ui, int x0, int x1, int y, int steps, uint64_t ms)
{
    input(ui, UI_INPUT_PRESS, x0, y);
    for (int i = 1; i <= steps; i++) {
        now += ms / (uint64_t)steps;
        input(ui, UI_INPUT_MOVE, x0 + (x1 - x0) * i / steps, y);
    }
    input(ui, UI_INPUT_RELEASE, x1, y);
}

/* Runs ticks until the settle animation ends (bounded). */
static void
settle(struct ui *ui)
{
    for (int i = 0; i < 100; i++) {
        struct ui_state s;
        ui_get_state(ui, &s);
        if (!s.animating)
            return;
        uint64_t d = ui_next_deadline(ui);
        CHECK(d != UI_NO_DEADLINE && d <= now + UI_FRAME_MS);
        now = d;
        ui_tick(ui, now);
    }
    CHECK_MSG(false, "animation never ended");
}

static struct ui_state
state(struct ui *ui)
{
    struct ui_state s;
    ui_get_state(ui, &s);
    return s;
}

#define CHECK_VIEW(ui, scr, art, pg)                                                               \
    do {                                                                                           \
        struct ui_state s_ = state(ui);                                                            \
        CHECK_MSG(s_.view.screen == (scr) && s_.view.article == (art) && s_.view.page == (pg),     \
                  "view is %s article %d page %zu, expected %s %d %d",                             \
                  ui_screen_name(s_.view.screen), (int)s_.view.article, s_.view.page,              \
                  ui_screen_name(scr), (int)(art), (int)(pg));                                     \
    } while (0)

static void
test_edition_screens(void)
{
    fake_init(&fake);
    struct ui_config cfg = {.width = W, .height = H, .font_scale = 1.0f};
    struct ui_content content = {.ctx = &fake,
                                 .article_count = fake_article_count,
                                 .index_pages = fake_index_pages,
                                 .article_pages = fake_article_pages,
                                 .article_section = fake_article_section};
    struct ui *ui = ui_create(&cfg, &content, 0);
    CHECK_VIEW(ui, UI_SCREEN_NO_EDITION, -1, 0);
    CHECK(state(ui).dirty);
    ui_clear_dirty(ui);
    ui_set_progress(ui, 0.25f);
    CHECK_VIEW(ui, UI_SCREEN_SPLASH, -1, 0);
    CHECK(state(ui).dirty);
    CHECK(state(ui).progress > 0.2f);
    /* taps and keys do nothing without an edition, nor does --open */
    CHECK(!ui_open_article(ui, 1, 5));
    tap(ui, 150, 120);
    press_key(ui, UI_KEY_RIGHT);
    CHECK_VIEW(ui, UI_SCREEN_SPLASH, -1, 0);
    ui_set_edition(ui, true, true, 10);
    ui_set_progress(ui, -1);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* an install behind a shown edition keeps the reader where it is */
    tap(ui, 150, 120);
    ui_set_progress(ui, 0.5f);
    ui_set_edition(ui, true, false, 20);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    /* a new edition goes back to the index */
    ui_set_edition(ui, true, true, 30);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* --open: an article's first page as its entry's tap; one that is not
     * there changes nothing */
    CHECK(ui_open_article(ui, 2, 31));
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 2, 0);
    CHECK(!ui_open_article(ui, 3, 32));
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 2, 0);
    ui_set_edition(ui, true, true, 33);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    ui_set_edition(ui, false, true, 40);
    CHECK_VIEW(ui, UI_SCREEN_SPLASH, -1, 0);
    ui_set_progress(ui, -1);
    CHECK_VIEW(ui, UI_SCREEN_NO_EDITION, -1, 0);
    ui_destroy(ui);
    ui_destroy(NULL);
}

static void
test_tap_and_turns(void)
{
    struct ui *ui = make(0, 0, false);
    tap(ui, 300, 220); /* nothing there */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    tap(ui, 150, 120); /* article 0's entry */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    struct ui_state s = state(ui);
    CHECK(s.has_next && s.next.article == 0 && s.next.page == 1);
    CHECK(s.has_prev && s.prev.screen == UI_SCREEN_INDEX && s.prev.page == 0);
    tap(ui, W - 10, 240); /* right edge */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    tap(ui, W - W * 15 / 100 - 5, 240); /* just inside the edge zone's border: no turn */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    tap(ui, 10, 240); /* left edge */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    tap(ui, W - 5, 240);
    tap(ui, W - 5, 240);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    s = state(ui);
    CHECK(s.has_next && s.next.screen == UI_SCREEN_ARTICLE && s.next.article == 1 &&
          s.next.page == 0);
    tap(ui, W - 5, 240); /* past the last page: the next article */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    tap(ui, 5, 240); /* before the first page: the index page listing it */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    tap(ui, W - 5, 240); /* index pages turn too */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    tap(ui, W - 5, 240); /* no page after the last index page */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    tap(ui, 150, 120); /* article 2 is listed on index page 2 */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 2, 0);
    CHECK(!state(ui).has_next); /* the last page of the last article */
    tap(ui, W - 5, 240);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 2, 0);
    press_key(ui, UI_KEY_LEFT);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    ui_destroy(ui);
}

static void
test_swipes(void)
{
    struct ui *ui = make(0, 0, false);
    tap(ui, 150, 120);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);

    /* follow the finger, then snap back: a slow 100 px drag */
    input(ui, UI_INPUT_PRESS, 600, 240);
    now += 300;
    input(ui, UI_INPUT_MOVE, 550, 240);
    now += 300;
    input(ui, UI_INPUT_MOVE, 500, 240);
    struct ui_state s = state(ui);
    CHECK_INT(s.offset, -100);
    CHECK(!s.animating);
    now += 300;
    input(ui, UI_INPUT_RELEASE, 500, 240);
    s = state(ui);
    CHECK(s.animating);
    now += UI_SETTLE_MS / 2;
    ui_tick(ui, now);
    s = state(ui);
    CHECK_MSG(s.offset > -100 && s.offset < 0, "offset %d mid snap-back", s.offset);
    settle(ui);
    s = state(ui);
    CHECK_INT(s.offset, 0);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);

    /* a slow drag past a quarter of the width turns and settles */
    drag(ui, 700, 300, 240, 8, 1600);
    s = state(ui);
    CHECK(s.animating);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0); /* committed at the end of the settle */
    now += UI_SETTLE_MS / 2;
    ui_tick(ui, now);
    s = state(ui);
    CHECK_MSG(s.offset < -400 && s.offset > -W, "offset %d mid settle", s.offset);
    settle(ui);
    CHECK_INT(state(ui).offset, 0);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);

    /* a short fast flick turns too */
    drag(ui, 500, 420, 240, 4, 40);
    settle(ui);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);

    /* swipe right goes back */
    drag(ui, 200, 600, 240, 8, 800);
    settle(ui);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);

    /* a new press during a settle finishes it at once */
    drag(ui, 700, 300, 240, 8, 800);
    CHECK(state(ui).animating);
    input(ui, UI_INPUT_PRESS, 400, 200);
    CHECK(!state(ui).animating);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    input(ui, UI_INPUT_RELEASE, 400, 200);

    /* swipe past the end opens the next article */
    drag(ui, 700, 300, 240, 8, 800);
    settle(ui);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);

    /* swipe down returns to the index; a small vertical move is a tap (nothing) */
    input(ui, UI_INPUT_PRESS, 400, 100);
    now += 100;
    input(ui, UI_INPUT_MOVE, 405, 200);
    now += 100;
    input(ui, UI_INPUT_RELEASE, 405, 300);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);

    /* no previous index page: the page follows at a third and snaps back */
    input(ui, UI_INPUT_PRESS, 300, 240);
    now += 500;
    input(ui, UI_INPUT_MOVE, 600, 240);
    CHECK_INT(state(ui).offset, 100);
    now += 500;
    input(ui, UI_INPUT_RELEASE, 600, 240);
    settle(ui);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    CHECK_INT(state(ui).offset, 0);
    ui_destroy(ui);
}

static void
test_nav_bar(void)
{
    struct ui *ui = make(0, 0, false);
    tap(ui, 150, 120);
    tap(ui, 180, 460); /* previous story: disabled on the first article */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    tap(ui, W - 5, 240);
    tap(ui, 420, 460); /* next story from page 2 */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    tap(ui, W - 5, 240);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 1);
    tap(ui, 420, 460); /* next story from the last page */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 2, 0);
    tap(ui, 420, 460); /* disabled on the last article */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 2, 0);
    tap(ui, 180, 460); /* previous story: its first page */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    tap(ui, 300, 460); /* contents: the index page listing article 1 */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    tap(ui, 150, 310); /* the section table entry jumps to where section 1 starts */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    tap(ui, 150, 60); /* the section's own label: already there */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    fake.index1_links[0].section = 0; /* a label of section 0 on page 2 jumps to page 1 */
    tap(ui, 150, 60);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    press_key(ui, UI_KEY_PAGEDOWN);
    tap(ui, 150, 120);
    tap(ui, 300, 460); /* contents from article 2: index page 2 */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    ui_destroy(ui);
}

static void
test_font_scale(void)
{
    CHECK(ui_font_scale_step(1.0f, +1) > 1.14f && ui_font_scale_step(1.0f, +1) < 1.16f);
    CHECK(ui_font_scale_step(1.0f, -1) > 0.84f && ui_font_scale_step(1.0f, -1) < 0.86f);
    CHECK(ui_font_scale_step(2.0f, +1) > 2.24f && ui_font_scale_step(2.0f, +1) < 2.26f);
    CHECK(ui_font_scale_step(2.25f, +1) == 2.5f);
    CHECK(ui_font_scale_step(2.5f, +1) == 2.5f);
    CHECK(ui_font_scale_step(2.5f, -1) > 2.24f && ui_font_scale_step(2.5f, -1) < 2.26f);
    CHECK(ui_font_scale_step(0.75f, -1) == 0.75f);
    CHECK(ui_font_scale_step(1.2f, +1) > 1.29f && ui_font_scale_step(1.2f, +1) < 1.31f);
    CHECK(ui_font_scale_step(1.2f, -1) > 1.14f && ui_font_scale_step(1.2f, -1) < 1.16f);

    struct ui *ui = make(0, 0, false);
    tap(ui, 150, 120);
    tap(ui, W - 5, 240); /* page 2 starts with block 4 */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    tap(ui, 610, 460); /* A+: five pages now; block 4 is on page 3 */
    struct ui_state s = state(ui);
    CHECK(s.font_scale > 1.14f && s.font_scale < 1.16f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    press_key(ui, UI_KEY_PAGEDOWN);
    press_key(ui, UI_KEY_PAGEDOWN);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 4); /* block 8 */
    tap(ui, 520, 460);                       /* A-: back to three pages; block 8 is on page 3 */
    CHECK(state(ui).font_scale == 1.0f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    press_key(ui, UI_KEY_PLUS);
    press_key(ui, UI_KEY_PLUS);
    CHECK(state(ui).font_scale > 1.29f && state(ui).font_scale < 1.31f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 4);
    press_key(ui, UI_KEY_MINUS);
    press_key(ui, UI_KEY_MINUS);
    press_key(ui, UI_KEY_MINUS);
    CHECK(state(ui).font_scale > 0.84f && state(ui).font_scale < 0.86f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    /* pinch: spread fingers larger, pinch smaller; the fingers' release is no tap */
    input(ui, UI_INPUT_PRESS, W - 5, 240);
    ui_handle(ui, &(struct ui_input){.kind = UI_INPUT_PINCH, .now_ms = now, .scale = 1.3f});
    CHECK(state(ui).font_scale == 1.0f);
    input(ui, UI_INPUT_RELEASE, W - 5, 240);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    ui_handle(ui, &(struct ui_input){.kind = UI_INPUT_PINCH, .now_ms = now, .scale = 0.8f});
    CHECK(state(ui).font_scale > 0.84f && state(ui).font_scale < 0.86f);
    ui_handle(ui, &(struct ui_input){.kind = UI_INPUT_PINCH, .now_ms = now, .scale = 1.02f});
    CHECK(state(ui).font_scale > 0.84f && state(ui).font_scale < 0.86f);

    /* up to 2.5 and back: the reader stays with its block at every step */
    press_key(ui, UI_KEY_PLUS); /* 1.0: three pages, block 8 on page 3 */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    press_key(ui, UI_KEY_PLUS); /* 1.15: five pages, block 8 on page 5 */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 4);
    press_key(ui, UI_KEY_PAGEUP);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 3); /* block 6 */
    for (int i = 0; i < 4; i++)
        press_key(ui, UI_KEY_PLUS); /* 1.3, 1.5, 1.75, 2.0: still five pages */
    CHECK(state(ui).font_scale > 1.99f && state(ui).font_scale < 2.01f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 3);
    press_key(ui, UI_KEY_PLUS); /* 2.25: nine pages, one block each */
    CHECK(state(ui).font_scale > 2.24f && state(ui).font_scale < 2.26f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 6);
    tap(ui, 610, 460); /* A+: 2.5 */
    CHECK(state(ui).font_scale == 2.5f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 6);
    press_key(ui, UI_KEY_PLUS); /* the top: nothing changes */
    CHECK(state(ui).font_scale == 2.5f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 6);
    press_key(ui, UI_KEY_PAGEDOWN); /* block 7: on page 4 of five at 2.0 */
    press_key(ui, UI_KEY_MINUS);
    press_key(ui, UI_KEY_MINUS);
    CHECK(state(ui).font_scale > 1.99f && state(ui).font_scale < 2.01f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 3);
    ui_destroy(ui);
}

/* The colour theme: the key and the bar's button move through the themes and
 * back to the first, the view stays; no themes, no change. */
static void
test_theme(void)
{
    struct ui *ui = make(0, 0, false);
    CHECK_INT(state(ui).theme, 0);
    press_key(ui, UI_KEY_THEME);
    CHECK_INT(state(ui).theme, 1);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    tap(ui, 150, 120);
    press_key(ui, UI_KEY_PAGEDOWN);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    ui_clear_dirty(ui);
    tap(ui, 700, 460); /* the bar's theme button */
    struct ui_state s = state(ui);
    CHECK_INT(s.theme, 2);
    CHECK(s.dirty);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1); /* the reader's place kept */
    tap(ui, 700, 460);
    CHECK_INT(state(ui).theme, 0);
    /* the index's footer button */
    press_key(ui, UI_KEY_ESCAPE);
    press_key(ui, UI_KEY_RIGHT);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    tap(ui, 760, 465);
    CHECK_INT(state(ui).theme, 1);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    tap(ui, 760, 465);
    tap(ui, 760, 465);
    CHECK_INT(state(ui).theme, 0);
    /* focused by the keypad, the lone button lets Left turn the page */
    press_key(ui, UI_KEY_UP);
    CHECK(state(ui).has_focus && state(ui).focus.action == LAYOUT_ACTION_THEME);
    press_key(ui, UI_KEY_ENTER);
    CHECK_INT(state(ui).theme, 1);
    press_key(ui, UI_KEY_LEFT);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    press_key(ui, UI_KEY_THEME);
    press_key(ui, UI_KEY_THEME);
    CHECK_INT(state(ui).theme, 0);
    press_key(ui, UI_KEY_STATUS);
    press_key(ui, UI_KEY_THEME); /* on the status screen too */
    CHECK_INT(state(ui).theme, 1);
    CHECK(state(ui).view.screen == UI_SCREEN_STATUS);
    ui_destroy(ui);

    ui = make_themed(0, 0, false, 2, 3); /* the config file's theme */
    CHECK_INT(state(ui).theme, 2);
    press_key(ui, UI_KEY_THEME);
    CHECK_INT(state(ui).theme, 0);
    ui_destroy(ui);

    ui = make_themed(0, 0, false, 0, 0);
    ui_clear_dirty(ui);
    press_key(ui, UI_KEY_THEME);
    CHECK_INT(state(ui).theme, 0);
    CHECK(!state(ui).dirty);
    ui_destroy(ui);
}

/* Whether the focus is on the link of this action (and article/section). */
static bool
focus_on(struct ui *ui, enum layout_action a, int32_t article, int32_t section)
{
    struct ui_state s = state(ui);
    return s.has_focus && s.focus.action == a && s.focus.article == article &&
           s.focus.section == section;
}

/* Keypad navigation: Tab/Down/Up move a focus over the links in order
 * (skipping disabled ones, wrapping), Enter acts, Left/Right move along the
 * bar when a bar button has the focus and turn pages otherwise, Escape goes
 * back or drops the focus, a touch drops it; the size and theme buttons keep
 * it. */
static void
test_keypad(void)
{
    struct ui *ui = make(0, 0, false);
    CHECK(!state(ui).has_focus);
    press_key(ui, UI_KEY_ENTER); /* no focus: nothing */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    press_key(ui, UI_KEY_DOWN);
    CHECK(focus_on(ui, LAYOUT_ACTION_OPEN_ARTICLE, 0, -1));
    struct ui_state s = state(ui);
    CHECK(s.focus.x == 100 && s.focus.y == 100 && s.focus.w == 500 && s.focus.h == 40);
    press_key(ui, UI_KEY_TAB);
    CHECK(focus_on(ui, LAYOUT_ACTION_OPEN_ARTICLE, 1, -1));
    press_key(ui, UI_KEY_DOWN);
    CHECK(focus_on(ui, LAYOUT_ACTION_SECTION, -1, 1));
    press_key(ui, UI_KEY_DOWN); /* wraps */
    CHECK(focus_on(ui, LAYOUT_ACTION_OPEN_ARTICLE, 0, -1));
    press_key(ui, UI_KEY_UP);
    CHECK(focus_on(ui, LAYOUT_ACTION_SECTION, -1, 1));
    press_key(ui, UI_KEY_BACKTAB);
    CHECK(focus_on(ui, LAYOUT_ACTION_OPEN_ARTICLE, 1, -1));
    /* an entry has the focus: Right still turns the page, and the focus goes */
    press_key(ui, UI_KEY_RIGHT);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    CHECK(!state(ui).has_focus);
    press_key(ui, UI_KEY_LEFT);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* the section label: Enter jumps like a tap */
    press_key(ui, UI_KEY_UP);
    CHECK(focus_on(ui, LAYOUT_ACTION_SECTION, -1, 1));
    press_key(ui, UI_KEY_ENTER);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    press_key(ui, UI_KEY_LEFT);
    press_key(ui, UI_KEY_DOWN);
    press_key(ui, UI_KEY_ENTER); /* article 0's entry */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    CHECK(!state(ui).has_focus);
    press_key(ui, UI_KEY_RIGHT); /* nothing focused: a page turn */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    /* into the bar: previous is disabled on the first story, so contents */
    press_key(ui, UI_KEY_TAB);
    CHECK(focus_on(ui, LAYOUT_ACTION_CONTENTS, -1, -1));
    press_key(ui, UI_KEY_LEFT); /* previous is greyed: the focus stays */
    CHECK(focus_on(ui, LAYOUT_ACTION_CONTENTS, -1, -1));
    press_key(ui, UI_KEY_RIGHT);
    CHECK(focus_on(ui, LAYOUT_ACTION_NEXT_STORY, -1, -1));
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1); /* Right moved the focus, turned nothing */
    press_key(ui, UI_KEY_RIGHT);
    press_key(ui, UI_KEY_RIGHT);
    CHECK(focus_on(ui, LAYOUT_ACTION_FONT_LARGER, -1, -1));
    press_key(ui, UI_KEY_ENTER); /* A+: re-paginated, the place and the focus kept */
    CHECK(state(ui).font_scale > 1.14f && state(ui).font_scale < 1.16f);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    CHECK(focus_on(ui, LAYOUT_ACTION_FONT_LARGER, -1, -1));
    press_key(ui, UI_KEY_RIGHT);
    CHECK(focus_on(ui, LAYOUT_ACTION_THEME, -1, -1));
    press_key(ui, UI_KEY_ENTER);
    CHECK_INT(state(ui).theme, 1);
    CHECK(focus_on(ui, LAYOUT_ACTION_THEME, -1, -1));
    press_key(ui, UI_KEY_RIGHT); /* the end of the bar */
    CHECK(focus_on(ui, LAYOUT_ACTION_THEME, -1, -1));
    press_key(ui, UI_KEY_UP); /* in layout order: A+ before the theme */
    CHECK(focus_on(ui, LAYOUT_ACTION_FONT_LARGER, -1, -1));
    /* a touch drops the focus */
    tap(ui, 400, 240);
    CHECK(!state(ui).has_focus);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    /* Escape goes up (and the focus with the page) */
    press_key(ui, UI_KEY_DOWN);
    press_key(ui, UI_KEY_ESCAPE);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    CHECK(!state(ui).has_focus);
    /* where Escape has nowhere to go, it drops the focus */
    press_key(ui, UI_KEY_DOWN);
    CHECK(state(ui).has_focus);
    press_key(ui, UI_KEY_ESCAPE);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    CHECK(!state(ui).has_focus);
    /* Contents through the bar by keys alone */
    press_key(ui, UI_KEY_DOWN);
    press_key(ui, UI_KEY_DOWN);
    press_key(ui, UI_KEY_ENTER);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    press_key(ui, UI_KEY_TAB);
    CHECK(focus_on(ui, LAYOUT_ACTION_PREV_STORY, -1, -1)); /* enabled on article 1 */
    press_key(ui, UI_KEY_RIGHT);
    press_key(ui, UI_KEY_ENTER);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    ui_destroy(ui);
}

static void
test_idle_and_attract(void)
{
    struct ui *ui = make(1000, 1000, false);
    tap(ui, 150, 120);
    tap(ui, W - 5, 240);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    uint64_t last = now - 20; /* the release */
    CHECK_INT(ui_next_deadline(ui), last + 1000);
    ui_tick(ui, last + 999);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    now = last + 1000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0); /* idle: back to the index */
    CHECK_INT(ui_next_deadline(ui), now + 1000);
    now += 1000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_ATTRACT, 0, 0); /* then the attract loop */
    for (int i = 1; i <= 4; i++) {
        CHECK_INT(ui_next_deadline(ui), now + 1000);
        now += 1000;
        ui_tick(ui, now);
        CHECK_VIEW(ui, UI_SCREEN_ATTRACT, i % 3, 0); /* cycles the 3 stories */
    }
    /* a touch returns to the index without acting on it (this is article 0's entry) */
    input(ui, UI_INPUT_PRESS, 150, 120);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    now += 80;
    input(ui, UI_INPUT_RELEASE, 150, 120);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* a key also ends it */
    now += 2000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_ATTRACT, 0, 0);
    press_key(ui, UI_KEY_RIGHT);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* a finger held down is not idle */
    input(ui, UI_INPUT_PRESS, 400, 240);
    now += 5000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    input(ui, UI_INPUT_RELEASE, 400, 240);
    ui_destroy(ui);

    /* idle_timeout 0: never */
    ui = make(0, 1000, false);
    CHECK_INT(ui_next_deadline(ui), UI_NO_DEADLINE);
    ui_tick(ui, now + 1000000);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    ui_destroy(ui);
}

static void
test_status(void)
{
    struct ui *ui = make(0, 0, false);
    tap(ui, 150, 120);
    /* a long press in the top-left corner */
    input(ui, UI_INPUT_PRESS, 20, 20);
    CHECK_INT(ui_next_deadline(ui), now + UI_LONG_PRESS_MS);
    ui_tick(ui, now + UI_LONG_PRESS_MS - 1);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    now += UI_LONG_PRESS_MS;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    now += 100;
    input(ui, UI_INPUT_RELEASE, 20, 20); /* the release does not leave it */
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    tap(ui, 400, 240); /* a tap returns where the reader was */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    /* a short press in the corner is just a tap (left edge: index) */
    tap(ui, 20, 20);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* a long press elsewhere does nothing special */
    input(ui, UI_INPUT_PRESS, 400, 240);
    CHECK_INT(ui_next_deadline(ui), UI_NO_DEADLINE);
    now += 3000;
    ui_tick(ui, now);
    input(ui, UI_INPUT_RELEASE, 400, 240);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* the status key, and Escape back */
    press_key(ui, UI_KEY_STATUS);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    press_key(ui, UI_KEY_ESCAPE);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    press_key(ui, UI_KEY_STATUS);
    press_key(ui, UI_KEY_STATUS);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    ui_destroy(ui);
}

/* ui_show_status: the kiosk's way of showing why a bundle was refused. */
static void
test_status_shown(void)
{
    struct ui *ui = make(0, 0, false);
    tap(ui, 150, 120);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    ui_show_status(ui, now, 20000);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    CHECK(state(ui).dirty);
    CHECK_INT(ui_next_deadline(ui), now + 20000);
    ui_tick(ui, now + 19999);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    now += 20000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0); /* back where the reader was */
    CHECK_INT(ui_next_deadline(ui), UI_NO_DEADLINE);
    /* a tap returns sooner, and the timer does not fire afterwards */
    ui_show_status(ui, now, 20000);
    tap(ui, 400, 240);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    tap(ui, 20, 20); /* the left edge: the index */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    now += 30000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* with no time it stays */
    ui_show_status(ui, now, 0);
    now += 600000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    tap(ui, 400, 240);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* in the middle of a swipe: the gesture is dropped, its release too */
    input(ui, UI_INPUT_PRESS, 600, 240);
    now += 30;
    input(ui, UI_INPUT_MOVE, 500, 240);
    ui_show_status(ui, now, 5000);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    CHECK_INT(state(ui).offset, 0);
    now += 30;
    input(ui, UI_INPUT_RELEASE, 300, 240);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    now += 5000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* opened by hand (F1) over a timed one: it stays until a tap */
    ui_show_status(ui, now, 1000);
    press_key(ui, UI_KEY_STATUS); /* on the status screen: leaves it */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    press_key(ui, UI_KEY_STATUS);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    now += 5000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_STATUS, -1, 0);
    ui_destroy(ui);
}

static void
test_keys_and_quit(void)
{
    struct ui *ui = make(0, 0, false);
    press_key(ui, UI_KEY_PAGEDOWN);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 1);
    press_key(ui, UI_KEY_HOME);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    tap(ui, 150, 120);
    press_key(ui, UI_KEY_SPACE);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    press_key(ui, UI_KEY_RIGHT);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    press_key(ui, UI_KEY_PAGEUP);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    press_key(ui, UI_KEY_LEFT);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    press_key(ui, UI_KEY_HOME);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    tap(ui, 150, 170);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    press_key(ui, UI_KEY_ESCAPE);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    /* nothing quits without allow_quit */
    press_key(ui, UI_KEY_ESCAPE);
    input(ui, UI_INPUT_CLOSE, 0, 0);
    CHECK(!state(ui).quit);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    ui_destroy(ui);

    ui = make(0, 0, true);
    tap(ui, 150, 120);
    press_key(ui, UI_KEY_ESCAPE); /* the reader: back to the index first */
    CHECK(!state(ui).quit);
    press_key(ui, UI_KEY_ESCAPE);
    CHECK(state(ui).quit);
    ui_destroy(ui);
    ui = make(0, 0, true);
    input(ui, UI_INPUT_CLOSE, 0, 0);
    CHECK(state(ui).quit);
    ui_destroy(ui);
}

/* Article 1 reads right to left (an RTL article in an LTR edition): its
 * turns are mirrored; article 0 around it keeps the LTR ones. */
static void
test_mirrored(void)
{
    struct ui *ui = make(0, 0, false);
    for (size_t i = 0; i < fake.a1_pages.count; i++)
        fake.a1[i].dir = LAYOUT_DIR_RTL;
    tap(ui, 150, 170); /* article 1's entry */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    CHECK(state(ui).rtl);
    press_key(ui, UI_KEY_LEFT); /* Left is next */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 1);
    press_key(ui, UI_KEY_RIGHT); /* Right is previous */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    press_key(ui, UI_KEY_PAGEDOWN); /* page keys keep their meaning */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 1);
    press_key(ui, UI_KEY_PAGEUP);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    tap(ui, 10, 240); /* the left edge is next */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 1);
    tap(ui, W - 10, 240); /* the right edge is previous */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);

    /* a swipe right follows the finger, shows the next page and turns to it */
    input(ui, UI_INPUT_PRESS, 200, 240);
    now += 100;
    input(ui, UI_INPUT_MOVE, 300, 240);
    struct ui_state s = state(ui);
    CHECK_INT(s.offset, 100); /* full speed: there is a next page that way */
    CHECK(s.rtl && s.has_next && s.next.article == 1 && s.next.page == 1);
    now += 100;
    input(ui, UI_INPUT_MOVE, 500, 240);
    now += 100;
    input(ui, UI_INPUT_RELEASE, 500, 240);
    s = state(ui);
    CHECK(s.animating && s.offset > 0);
    settle(ui);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 1);
    /* a fast flick right: next again, past the last page to article 2 */
    input(ui, UI_INPUT_PRESS, 300, 240);
    now += 16;
    input(ui, UI_INPUT_MOVE, 330, 240);
    now += 16;
    input(ui, UI_INPUT_MOVE, 360, 240);
    now += 16;
    input(ui, UI_INPUT_RELEASE, 380, 240);
    settle(ui);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 2, 0);
    CHECK(!state(ui).rtl); /* article 2 reads left to right again */
    /* and a swipe left on article 1's first page goes back to the index */
    press_key(ui, UI_KEY_HOME);
    tap(ui, 150, 170);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 1, 0);
    drag(ui, 500, 200, 240, 6, 300);
    settle(ui);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    ui_destroy(ui);
}

/* Read-aloud: the speaker key and link start, pause and resume; a tap
 * pauses without turning; Escape stops on the page; leaving the article, the
 * idle timeout and the end stop; following turns pages and counts as use. */
static void
test_speech(void)
{
    make_speech = false;
    struct ui *ui = make(10000, 0, false);
    tap(ui, 300, 120); /* article 0 */
    press_key(ui, UI_KEY_SPEAK);
    CHECK_INT(state(ui).speech, UI_SPEECH_OFF); /* no audio: nothing */
    ui_destroy(ui);

    make_speech = true;
    ui = make(10000, 0, false);
    press_key(ui, UI_KEY_SPEAK);
    CHECK_INT(state(ui).speech, UI_SPEECH_OFF); /* only on an article */
    tap(ui, 300, 120);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    press_key(ui, UI_KEY_SPEAK);
    CHECK_INT(state(ui).speech, UI_SPEECH_PLAYING);
    CHECK_INT(state(ui).speech_starts, 1);
    tap(ui, 790, 240); /* the right edge while reading: pauses, no turn */
    CHECK_INT(state(ui).speech, UI_SPEECH_PAUSED);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 0);
    tap(ui, 790, 240); /* paused: the edge turns as ever */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 1);
    CHECK_INT(state(ui).speech, UI_SPEECH_PAUSED);
    press_key(ui, UI_KEY_SPEAK); /* resume, not a new start */
    CHECK_INT(state(ui).speech, UI_SPEECH_PLAYING);
    CHECK_INT(state(ui).speech_starts, 1);
    ui_speech_follow(ui, 2, now);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    ui_speech_follow(ui, 7, now); /* no such page: stays */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    press_key(ui, UI_KEY_ESCAPE); /* stops, stays on the page */
    CHECK_INT(state(ui).speech, UI_SPEECH_OFF);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    ui_speech_follow(ui, 0, now); /* not reading: ignored */
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);

    /* the speaker link (the bar's) starts a new reading */
    struct layout_link spk = link_at(660, 440, 60, 40, LAYOUT_ACTION_SPEAK, -1, -1);
    struct layout_page *pg = &fake.a0_small[2];
    struct layout_link links[6];
    for (size_t i = 0; i < 5; i++)
        links[i] = pg->links[i];
    links[5] = spk;
    pg->links = links;
    pg->link_count = 6;
    tap(ui, 680, 460);
    CHECK_INT(state(ui).speech, UI_SPEECH_PLAYING);
    CHECK_INT(state(ui).speech_starts, 2);
    tap(ui, 680, 460); /* the speaker pauses too */
    CHECK_INT(state(ui).speech, UI_SPEECH_PAUSED);
    tap(ui, 680, 460);
    CHECK_INT(state(ui).speech, UI_SPEECH_PLAYING);

    /* following counts as use; a reading left alone past the timeout stops */
    now += 9000;
    ui_speech_follow(ui, 2, now);
    now += 9000;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_ARTICLE, 0, 2);
    CHECK_INT(state(ui).speech, UI_SPEECH_PLAYING);
    now += 1500;
    ui_tick(ui, now);
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    CHECK_INT(state(ui).speech, UI_SPEECH_OFF);

    /* leaving the article stops; the end stops */
    tap(ui, 300, 120);
    press_key(ui, UI_KEY_SPEAK);
    tap(ui, 300, 460); /* Contents in the bar: a link acts even while reading */
    CHECK_VIEW(ui, UI_SCREEN_INDEX, -1, 0);
    CHECK_INT(state(ui).speech, UI_SPEECH_OFF);
    tap(ui, 300, 120);
    press_key(ui, UI_KEY_SPEAK);
    CHECK_INT(state(ui).speech, UI_SPEECH_PLAYING);
    ui_speech_done(ui);
    CHECK_INT(state(ui).speech, UI_SPEECH_OFF);
    ui_destroy(ui);
    make_speech = false;
}

int
main(void)
{
    test_edition_screens();
    test_tap_and_turns();
    test_swipes();
    test_nav_bar();
    test_font_scale();
    test_theme();
    test_keypad();
    test_idle_and_attract();
    test_status();
    test_status_shown();
    test_keys_and_quit();
    test_mirrored();
    test_speech();
    return check_summary("ui");
}
