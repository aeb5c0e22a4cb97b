/* libFuzzer target for the typesetter: any valid UTF-8 text becomes one
 * article (and its index entry), set with a fixed-advance fake font at the
 * screen size, font scale, language and options the first four bytes pick.
 * After them, 0x1E starts a block (its first byte '#', '>', '-' or '1'
 * makes a subhead, pull quote, bullet or numbered item, anything else a
 * paragraph) and 0x1F starts a span in the next style (roman, italic, bold,
 * bold italic). The first block is also the headline, the last the deck.
 * The typesetter lives across inputs, as in the kiosk, so that its width,
 * break and hyphenation caches are exercised warm. Checks: no crash, no
 * sanitizer report, every line and run inside the page. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "layout.h"
#include "layout_fake.h"

#ifndef NK_HYPHEN_DIR
#define NK_HYPHEN_DIR "/usr/share/hyphen"
#endif

#define MAX_BLOCKS 64
#define MAX_SPANS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_pages(const struct layout_pages *p, int w, int h)
{
    for (size_t i = 0; i < p->count; i++) {
        const struct layout_page *pg = &p->pages[i];
        for (size_t l = 0; l < pg->line_count; l++) {
            const struct layout_line *ln = &pg->lines[l];
            if (ln->x < 0 || ln->y < 0 || ln->x + ln->w > w || ln->y + ln->h > h)
                abort(); /* a line outside the page */
            if (ln->first_run + ln->run_count > pg->run_count)
                abort();
        }
        for (size_t r = 0; r < pg->run_count; r++) {
            const struct layout_run *run = &pg->runs[r];
            if (run->x < 0 || run->x + run->w > w || run->y < 0 || run->y + run->h > h)
                abort(); /* a run outside the page */
            if (run->len && !run->text)
                abort();
        }
    }
}

static char *
cstr(struct arena *a, const char *s, size_t n)
{
    char *t = arena_strndup(a, s, n);
    return t ? t : (char *)"";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct layout *L;
    if (!L)
        L = layout_create(&fake, NK_HYPHEN_DIR);
    if (!L || size < 4 || size > 16384)
        return 0;
    const uint8_t *text = data + 4;
    size_t len = size - 4;
    /* the edition's loader hands the typesetter valid UTF-8 without NUL */
    if (u8_check(text, len) || memchr(text, 0, len))
        return 0;
    static const int sizes[][2] = {{480, 272},   {800, 480},  {1024, 600}, {1080, 1920},
                                   {1920, 1080}, {600, 1024}, {1280, 800}, {480, 800}};
    static const char *const langs[] = {"en", "ru", "de", "zh", "el", "en-GB", "ja", "xx"};
    int w = sizes[data[0] % 8][0], h = sizes[data[0] % 8][1];

    struct edition ed;
    memset(&ed, 0, sizeof ed);
    arena_init(&ed.arena, 0);
    struct edition_article art;
    memset(&art, 0, sizeof art);
    struct edition_block *blocks = arena_alloc(&ed.arena, MAX_BLOCKS * sizeof *blocks);
    struct edition_span *spans = arena_alloc(&ed.arena, MAX_SPANS * sizeof *spans);
    if (!blocks || !spans) {
        arena_fini(&ed.arena);
        return 0;
    }
    memset(blocks, 0, MAX_BLOCKS * sizeof *blocks);
    size_t nb = 0, ns = 0;
    uint32_t style = 0;
    const char *s = (const char *)text;
    for (size_t i = 0; i <= len && nb < MAX_BLOCKS;) {
        /* one block: from i to the next 0x1E */
        size_t end = i;
        while (end < len && s[end] != 0x1E)
            end++;
        struct edition_block *b = &blocks[nb];
        size_t from = i;
        b->kind = EDITION_BLOCK_PARAGRAPH;
        if (from < end) {
            char k = s[from];
            b->kind = k == '#'               ? EDITION_BLOCK_SUBHEAD
                      : k == '>'             ? EDITION_BLOCK_QUOTE
                      : k == '-' || k == '1' ? EDITION_BLOCK_LIST_ITEM
                                             : EDITION_BLOCK_PARAGRAPH;
            if (b->kind != EDITION_BLOCK_PARAGRAPH)
                from++;
            b->ordered = k == '1';
        }
        b->level = (uint8_t)(2 + (data[3] & 1));
        b->depth = (uint8_t)(1 + ((data[3] >> 1) & 1));
        b->number = (uint32_t)nb + 1;
        b->spans = &spans[ns];
        for (size_t p = from; p <= end && ns < MAX_SPANS;) {
            size_t q = p;
            while (q < end && s[q] != 0x1F)
                q++;
            if (q > p)
                spans[ns++] = (struct edition_span){s + p, (uint32_t)(q - p), style};
            if (q < end)
                style = (style + 1) & (EDITION_STYLE_EMPH | EDITION_STYLE_STRONG);
            p = q + 1;
        }
        b->span_count = (size_t)(&spans[ns] - b->spans);
        nb++;
        i = end + 1;
    }

    ed.title = "The Harbour Courier";
    ed.edition = "2026-11-28";
    ed.language = langs[(data[2] >> 2) % 8];
    ed.expires = "";
    ed.publisher = "";
    ed.articles = &art;
    ed.article_count = 1;
    art.path = "articles/001-fuzz.md";
    art.title = nb && blocks[0].span_count
                    ? cstr(&ed.arena, blocks[0].spans[0].text, blocks[0].spans[0].len)
                    : "";
    art.deck = nb > 1 && blocks[nb - 1].span_count
                   ? cstr(&ed.arena, blocks[nb - 1].spans[0].text, blocks[nb - 1].spans[0].len)
                   : "";
    art.byline = "By Ada Lantern";
    art.date = "2026-11-27";
    art.section = data[3] & 4 ? "Town" : "";
    art.language = ed.language;
    art.dir = data[3] & 8 ? "rtl" : "";
    art.body_loaded = true;
    art.blocks = blocks;
    art.block_count = nb;

    struct layout_config cfg;
    layout_config_default(&cfg, w, h);
    cfg.font_scale = 0.75f + (float)(data[1] % 6) * 0.25f;
    cfg.ragged = data[2] & 1;
    cfg.hyphenate = !(data[2] & 2);
    cfg.columns = (data[3] >> 4) % 3;

    struct layout_pages p;
    struct err e;
    layout_pages_init(&p);
    if (layout_article(L, &cfg, &ed, 0, &p, &e))
        check_pages(&p, w, h);
    layout_pages_fini(&p);
    layout_pages_init(&p);
    if (layout_index(L, &cfg, &ed, data[3] & 32, &p, &e))
        check_pages(&p, w, h);
    layout_pages_fini(&p);
    arena_fini(&ed.arena);
    return 0;
}
