/* text: real Noto fonts through SDL2_ttf; the width cache agrees with
 * TTF_SizeUTF8. (Bidi is layout's: test_layout_bidi.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "text.h"

static const struct layout_run_props latin = {.script = 0, .dir = LAYOUT_DIR_LTR, .lang = "en"};

static int
measure(struct text *t, int face, int px, const char *s)
{
    const struct layout_metrics *m = text_metrics(t);
    return m->measure(m->ctx, (struct layout_font){(uint8_t)face, (uint16_t)px}, &latin, s,
                      strlen(s));
}

static void
test_measure(struct text *t)
{
    const char *sentence = "The harbour ferry kept its timetable despite the fog.";
    struct layout_font f = {LAYOUT_FACE_SERIF, 20};
    TTF_Font *font = text_font_for(t, f, &latin, sentence, strlen(sentence));
    CHECK(font != NULL);
    int tw = 0, th = 0;
    CHECK_INT(TTF_SizeUTF8(font, sentence, &tw, &th), 0);
    /* measure is the pen advance; TTF_SizeUTF8 the ink box, which differs
     * only by the overhang of the first and last glyphs (a few px). */
    int first = measure(t, LAYOUT_FACE_SERIF, 20, sentence);
    CHECK(first > 200);
    CHECK_MSG(abs(first - tw) <= 3, "advance %d vs ink box %d", first, tw);
    /* An italic "y" overhangs to the left and "f" to the right: the advance
     * is narrower than the ink box, and the advances of two words and a
     * space add up to the advance of the phrase (within rounding). */
    struct layout_font it = {LAYOUT_FACE_SERIF_ITALIC, 26};
    TTF_Font *itf = text_font_for(t, it, &latin, "you", 3);
    int ink_you = 0;
    TTF_SizeUTF8(itf, "you", &ink_you, NULL);
    int adv_you = measure(t, LAYOUT_FACE_SERIF_ITALIC, 26, "you");
    CHECK_MSG(adv_you < ink_you && adv_you >= ink_you - 8, "you: advance %d, ink %d", adv_you,
              ink_you);
    int phrase = measure(t, LAYOUT_FACE_SERIF_ITALIC, 26, "of you");
    int parts = measure(t, LAYOUT_FACE_SERIF_ITALIC, 26, "of") +
                measure(t, LAYOUT_FACE_SERIF_ITALIC, 26, " ") + adv_you;
    CHECK_MSG(abs(phrase - parts) <= 2, "of you: %d vs parts %d", phrase, parts);

    /* Cached (short words) equal uncached measurements, repeatedly. */
    const char *words[] = {"harbour", "ferry", "Timetable", "fog.", "AVAWAY", "ffi", "quay"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        int a = measure(t, LAYOUT_FACE_SERIF, 20, words[i]);
        int b = measure(t, LAYOUT_FACE_SERIF, 20, words[i]);
        TTF_Font *ff = text_font_for(t, f, &latin, words[i], strlen(words[i]));
        int w = -1;
        CHECK_INT(TTF_SizeUTF8(ff, words[i], &w, NULL), 0);
        CHECK(a > 0);
        CHECK_INT(a, b);
        CHECK_MSG(abs(a - w) <= 3, "%s: advance %d, ink %d", words[i], a, w);
    }
    /* A prefix is measured as its own bytes (len), not to the NUL. */
    const struct layout_metrics *m = text_metrics(t);
    CHECK_INT(m->measure(m->ctx, f, &latin, "ferryboat", 5),
              measure(t, LAYOUT_FACE_SERIF, 20, "ferry"));

    /* Widths grow with size; bold is wider than regular. */
    int prev = 0;
    for (int px = 10; px <= 60; px += 10) {
        int w = measure(t, LAYOUT_FACE_SERIF, px, "newspaper");
        CHECK_MSG(w > prev, "width %d at %d px not above %d", w, px, prev);
        prev = w;
    }
    CHECK(measure(t, LAYOUT_FACE_SERIF_BOLD, 30, "newspaper") >
          measure(t, LAYOUT_FACE_SERIF, 30, "newspaper"));

    /* Cyrillic and Greek have glyphs in Noto (no tofu: wider than one box). */
    int ru = measure(t, LAYOUT_FACE_SERIF, 20, "Новости гавани");
    int el = measure(t, LAYOUT_FACE_SANS, 20, "Ειδήσεις λιμανιού");
    CHECK(ru > 60);
    CHECK(el > 60);

    int asc = 0, desc = 0, lh = 0;
    m->font_metrics(m->ctx, f, &asc, &desc, &lh);
    CHECK(asc > 10 && asc < 30);
    CHECK(desc > 0 && desc < 15);
    CHECK(lh >= asc + desc);
    /* fetched again: the sizes measured since may have resized it */
    font = text_font_for(t, f, &latin, sentence, strlen(sentence));
    CHECK_INT(asc, TTF_FontAscent(font));
}

/* More sizes than the font cache holds: evicted fonts reopen, and
 * measurements stay the same. */
static void
test_eviction(struct text *t)
{
    int before = measure(t, LAYOUT_FACE_SANS, 17, "evicted");
    for (int px = 8; px < 8 + 40; px++)
        CHECK(measure(t, LAYOUT_FACE_SANS_BOLD, px, "x") > 0);
    CHECK_INT(measure(t, LAYOUT_FACE_SANS, 17, "evicted"), before);
    /* A long string (past the cached key length) is measured too. */
    const char *lng = "a sentence well past the forty-eight bytes of a cached key, measured";
    TTF_Font *ff =
        text_font_for(t, (struct layout_font){LAYOUT_FACE_SANS, 17}, &latin, lng, strlen(lng));
    int w = 0;
    TTF_SizeUTF8(ff, lng, &w, NULL);
    CHECK(abs(measure(t, LAYOUT_FACE_SANS, 17, lng) - w) <= 3);
    CHECK_INT(measure(t, LAYOUT_FACE_SANS, 17, lng), measure(t, LAYOUT_FACE_SANS, 17, lng));
}

/* The width table of a font starts small and grows as words come, then
 * starts over once full: through both, a word measures the same as on a
 * fresh font. Words "w0".."w2999" in two sizes, read back in a second pass
 * after the table has grown (and been emptied) in between. */
static void
test_width_table(struct text *t)
{
    enum { N = 3000 };
    static int first[2][N];
    char w[16];
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < N; i++) {
            snprintf(w, sizeof w, "w%d", i);
            for (int s = 0; s < 2; s++) {
                int got = measure(t, LAYOUT_FACE_SERIF, 18 + s, w);
                if (pass == 0) {
                    first[s][i] = got;
                    CHECK_MSG(got > 0, "%s at %d px: %d", w, 18 + s, got);
                } else if (got != first[s][i]) {
                    CHECK_MSG(got == first[s][i], "%s at %d px: %d, first %d", w, 18 + s, got,
                              first[s][i]);
                    return;
                }
            }
        }
}

/* The sizes of a face share a few fonts, resized as asked: a face taken at
 * more sizes than it has fonts, in a shuffled order, gives the metrics of a
 * font freshly opened at each size, measures a string too long for the width
 * table as that font does (the advance: " s " less two spaces, as text
 * measures), and text_font_for hands out a font at the size asked for. */
static void
test_shared_sizes(struct text *t)
{
    const char *lng = "Harbour ferries kept their timetable despite the fog on the quay.";
    char padded[80];
    snprintf(padded, sizeof padded, " %s ", lng);
    const int sizes[] = {12, 20, 31, 12, 44, 20, 9, 31, 44, 9, 20};
    const struct layout_metrics *m = text_metrics(t);
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        int px = sizes[i];
        struct layout_font f = {LAYOUT_FACE_SERIF_BOLD, (uint16_t)px};
        TTF_Font *ref = TTF_OpenFont(NK_FONT_SERIF_BOLD, px);
        CHECK(ref != NULL);
        if (!ref)
            break;
        TTF_SetFontHinting(ref, TTF_HINTING_LIGHT);
        TTF_SetFontKerning(ref, 1);
        TTF_SetFontScriptName(ref, "Latn");
        TTF_SetFontDirection(ref, TTF_DIRECTION_LTR);
        int asc = 0, desc = 0, lh = 0;
        m->font_metrics(m->ctx, f, &asc, &desc, &lh);
        CHECK_MSG(asc == TTF_FontAscent(ref) && desc == -TTF_FontDescent(ref) &&
                      lh == TTF_FontLineSkip(ref),
                  "%d px: %d/%d/%d, fresh font %d/%d/%d", px, asc, desc, lh, TTF_FontAscent(ref),
                  -TTF_FontDescent(ref), TTF_FontLineSkip(ref));
        int all = 0, pad = 0;
        TTF_SizeUTF8(ref, padded, &all, NULL);
        TTF_SizeUTF8(ref, "  ", &pad, NULL);
        int got = measure(t, LAYOUT_FACE_SERIF_BOLD, px, lng);
        CHECK_MSG(got == all - pad && got > 0, "%d px: %d, fresh font %d", px, got, all - pad);
        TTF_Font *font = text_font_for(t, f, &latin, lng, strlen(lng));
        CHECK(font && TTF_FontLineSkip(font) == TTF_FontLineSkip(ref) &&
              TTF_FontAscent(font) == TTF_FontAscent(ref));
        TTF_CloseFont(ref);
    }
}

static void
test_bad_font(void)
{
    struct text_fonts f;
    text_fonts_default(&f);
    f.path[LAYOUT_FACE_SANS] = "/nonexistent/NoSuchFont.ttf";
    struct err e = {0};
    struct text *t = text_create(&f, &e);
    CHECK(t == NULL);
    CHECK_INT(e.code, ERR_IO);
    CHECK_CONTAINS(e.msg, "/nonexistent/NoSuchFont.ttf");
    text_destroy(NULL);
}

int
main(void)
{
    struct text_fonts fonts;
    text_fonts_default(&fonts);
    struct err e = {0};
    struct text *t = text_create(&fonts, &e);
    CHECK_MSG(t != NULL, "%s", e.msg);
    if (!t)
        return check_summary("text");
    test_measure(t);
    test_eviction(t);
    test_width_table(t);
    test_shared_sizes(t);
    test_bad_font();
    text_destroy(t);
    return check_summary("text");
}
