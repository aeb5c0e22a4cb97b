/* text: real Noto fonts through SDL2_ttf; the width cache agrees with
 * TTF_SizeUTF8 (bidi is layout's: test_layout_bidi); the fallback
 * chain: world scripts measured as HarfBuzz shapes them on the chain font,
 * pieces by script and font, lazy loading, placeholders counted, hostile
 * text. */
#include <hb-ot.h>
#include <hb.h>
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

/* HarfBuzz on its own, on a font file: the advance of text shaped with
 * script and dir at px (the sum of the glyphs' advances, each rounded to a
 * whole pixel as FreeType's light hinting rounds them), and the same without
 * shaping (each character's nominal glyph). *glyphs_changed: the shaped
 * glyphs are not the characters' nominal glyphs in logical order (a
 * ligature, a joining form, a conjunct, a reordering). */
struct hb_ref {
    int shaped, unshaped;
    unsigned glyphs;
    bool glyphs_changed;
    hb_codepoint_t first_glyph;
};

static bool
hb_reference(const char *path, unsigned index, const char *text, const char *script, bool rtl,
             const char *lang, int px, struct hb_ref *out)
{
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, index);
    hb_font_t *font = hb_font_create(face);
    hb_font_set_scale(font, px * 64, px * 64);
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, -1, 0, -1);
    hb_buffer_set_script(buf, hb_script_from_string(script, -1));
    hb_buffer_set_direction(buf, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_set_language(buf, hb_language_from_string(lang, -1));
    hb_shape(font, buf, NULL, 0);
    unsigned n = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    *out = (struct hb_ref){.glyphs = n, .first_glyph = n ? info[0].codepoint : 0};
    for (unsigned i = 0; i < n; i++)
        out->shaped += (pos[i].x_advance + 32) / 64;
    /* nominal glyphs, in logical order */
    hb_codepoint_t nominal[64];
    unsigned count = 0;
    const unsigned char *s = (const unsigned char *)text;
    hb_buffer_t *cps = hb_buffer_create();
    hb_buffer_add_utf8(cps, text, -1, 0, -1);
    unsigned ncp = 0;
    hb_glyph_info_t *cp = hb_buffer_get_glyph_infos(cps, &ncp);
    for (unsigned i = 0; i < ncp && count < 64; i++) {
        hb_codepoint_t g = 0;
        hb_font_get_nominal_glyph(font, cp[i].codepoint, &g);
        nominal[count++] = g;
        out->unshaped += (hb_font_get_glyph_h_advance(font, g) + 32) / 64;
    }
    (void)s;
    out->glyphs_changed = count != n;
    for (unsigned i = 0; i < n && !out->glyphs_changed; i++) {
        unsigned k = rtl ? n - 1 - i : i; /* RTL output runs from the last character */
        out->glyphs_changed = info[k].codepoint != nominal[i];
    }
    bool ok = hb_face_get_glyph_count(face) > 0;
    hb_buffer_destroy(cps);
    hb_buffer_destroy(buf);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return ok;
}

/* The face index of the CJK collection named "<family> SC" and so on. */
static unsigned
ttc_index(const char *path, const char *suffix)
{
    hb_blob_t *blob = hb_blob_create_from_file(path);
    unsigned n = hb_face_count(blob), found = 0;
    for (unsigned i = 0; i < n; i++) {
        hb_face_t *face = hb_face_create(blob, i);
        char name[128];
        unsigned len = sizeof name;
        hb_ot_name_get_utf8(face, HB_OT_NAME_ID_FONT_FAMILY, HB_LANGUAGE_INVALID, &len, name);
        hb_face_destroy(face);
        size_t sl = strlen(suffix);
        if (len >= sl && strcmp(name + len - sl, suffix) == 0 && !strstr(name, "Mono")) {
            found = i;
            break;
        }
    }
    hb_blob_destroy(blob);
    return found;
}

/* Each script measures as HarfBuzz shapes it on the chain font of its script
 * (file, size, script, direction), as one piece on that font; where shaping
 * changes the glyphs the unshaped sum is not what is measured. */
static void
test_shaping(struct text *t)
{
    struct text_fonts fonts;
    text_fonts_default(&fonts);
    const char *cjk = fonts.chain[TEXT_CHAIN_CJK][TEXT_STYLE_SERIF];
    static const struct {
        const char *name, *text, *script, *lang;
        int chain;
        bool rtl;
        bool width_differs; /* shaped and unshaped advances differ (checked with hb-shape) */
    } cases[] = {
        {"lam-alef", "\xd9\x84\xd8\xa7", "Arab", "ar", TEXT_CHAIN_ARABIC, true, true},
        {"joining", "\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8", "Arab", "ar", TEXT_CHAIN_ARABIC, true,
         true},
        {"persian zwnj", "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85",
         "Arab", "fa", TEXT_CHAIN_ARABIC, true, true},
        {"hebrew niqqud", "\xd7\xa9\xd6\xb8\xd7\x81\xd7\x9c\xd7\x95\xd6\xb9\xd7\x9d", "Hebr", "he",
         TEXT_CHAIN_HEBREW, true, false},
        {"devanagari ksha", "\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xb7", "Deva", "hi",
         TEXT_CHAIN_DEVANAGARI, false, true},
        {"devanagari ki", "\xe0\xa4\x95\xe0\xa4\xbf", "Deva", "hi", TEXT_CHAIN_DEVANAGARI, false,
         false},
        {"bengali ksha", "\xe0\xa6\x95\xe0\xa7\x8d\xe0\xa6\xb7", "Beng", "bn", TEXT_CHAIN_BENGALI,
         false, true},
        {"ethiopic", "\xe1\x88\x98\xe1\x8c\xbb\xe1\x88\x95\xe1\x8d\x8d\xe1\x89\xb5", "Ethi", "am",
         TEXT_CHAIN_ETHIOPIC, false, false},
        {"han", "\xe5\x9b\xbe\xe4\xb9\xa6\xe9\xa6\x86", "Hani", "zh", TEXT_CHAIN_CJK, false, false},
    };
    const struct layout_metrics *m = text_metrics(t);
    const int px = 24;
    struct layout_font f = {LAYOUT_FACE_SERIF, px};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *path = fonts.chain[cases[i].chain][TEXT_STYLE_SERIF];
        if (!path || !path[0]) {
            fprintf(stderr, "skip %s: chain font not installed\n", cases[i].name);
            continue;
        }
        unsigned index = cases[i].chain == TEXT_CHAIN_CJK ? ttc_index(cjk, " SC") : 0;
        struct layout_run_props props = {.script = 0,
                                         .dir = cases[i].rtl ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR,
                                         .lang = cases[i].lang};
        const char *s = cases[i].text;
        struct text_piece pieces[4];
        size_t n = text_itemize(t, f, &props, s, strlen(s), pieces, 4);
        CHECK_MSG(n == 1, "%s: %zu pieces", cases[i].name, n);
        if (n != 1)
            continue;
        CHECK_MSG(pieces[0].source != TEXT_SOURCE_NONE && pieces[0].source != f.face,
                  "%s: source %d", cases[i].name, (int)pieces[0].source);
        CHECK_INT(pieces[0].missing, 0);
        CHECK_INT(pieces[0].len, strlen(s));
        uint32_t tag =
            HB_TAG(cases[i].script[0], cases[i].script[1], cases[i].script[2], cases[i].script[3]);
        CHECK_MSG(pieces[0].script == tag, "%s: script %08x", cases[i].name, pieces[0].script);

        struct hb_ref ref;
        CHECK(hb_reference(path, index, s, cases[i].script, cases[i].rtl, cases[i].lang, px, &ref));
        int got = m->measure(m->ctx, f, &props, s, strlen(s));
        CHECK_MSG(abs(got - ref.shaped) <= 1, "%s: measured %d, hb_shape %d (unshaped %d)",
                  cases[i].name, got, ref.shaped, ref.unshaped);
        CHECK_INT(m->missing(m->ctx, f, &props, s, strlen(s)), 0);
        if (cases[i].width_differs) {
            CHECK_MSG(ref.glyphs_changed, "%s: hb_shape kept the nominal glyphs", cases[i].name);
            CHECK_MSG(abs(got - ref.unshaped) >= 2, "%s: measured %d, unshaped %d", cases[i].name,
                      got, ref.unshaped);
        }
    }
    /* Reordering: in "कि" the vowel sign i is drawn before the consonant. */
    const char *ki = "\xe0\xa4\x95\xe0\xa4\xbf";
    const char *deva = fonts.chain[TEXT_CHAIN_DEVANAGARI][TEXT_STYLE_SERIF];
    struct hb_ref r;
    if (deva && deva[0] && hb_reference(deva, 0, ki, "Deva", false, "hi", px, &r)) {
        hb_blob_t *blob = hb_blob_create_from_file(deva);
        hb_face_t *face = hb_face_create(blob, 0);
        hb_font_t *font = hb_font_create(face);
        hb_codepoint_t ka = 0;
        hb_font_get_nominal_glyph(font, 0x915, &ka);
        CHECK_INT(r.glyphs, 2);
        CHECK(r.first_glyph != ka);
        CHECK(r.glyphs_changed);
        hb_font_destroy(font);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
    }
}

/* Latin, Arabic and Han in one run: three pieces on three fonts, the spaces
 * with the text before them, widths summing to the run's measure. */
static void
test_mixed(struct text *t)
{
    const char *s = "News \xd8\xae\xd8\xa8\xd8\xb1 \xe6\x96\xb0\xe9\x97\xbb";
    struct layout_run_props props = {.script = 0, .dir = LAYOUT_DIR_LTR, .lang = "en"};
    struct layout_font f = {LAYOUT_FACE_SANS, 20};
    struct text_piece p[8];
    size_t n = text_itemize(t, f, &props, s, strlen(s), p, 8);
    CHECK_INT(n, 3);
    if (n != 3)
        return;
    CHECK_INT(p[0].source, LAYOUT_FACE_SANS);
    CHECK(p[1].source != p[0].source && p[1].source != TEXT_SOURCE_NONE);
    CHECK(p[2].source != p[1].source && p[2].source != p[0].source &&
          p[2].source != TEXT_SOURCE_NONE);
    CHECK_INT(p[0].start, 0);
    CHECK_INT(p[0].len, 5); /* "News " */
    CHECK_INT(p[1].start, 5);
    CHECK_INT(p[1].len, 7); /* the Arabic word and its space */
    CHECK_INT(p[2].start, 12);
    CHECK_INT(p[2].len, 6);
    CHECK(p[0].script == HB_TAG('L', 'a', 't', 'n'));
    CHECK(p[1].script == HB_TAG('A', 'r', 'a', 'b'));
    CHECK(p[2].script == HB_TAG('H', 'a', 'n', 'i'));
    const struct layout_metrics *m = text_metrics(t);
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += text_piece_width(t, f, &props, s, &p[i]);
    CHECK_INT(m->measure(m->ctx, f, &props, s, strlen(s)), sum);
    /* each piece's font is set up for it */
    for (size_t i = 0; i < n; i++)
        CHECK(text_piece_font(t, f, &props, &p[i]) != NULL);
    struct text_stats st;
    text_stats(t, &st);
    CHECK(st.chain[TEXT_CHAIN_ARABIC]);
    CHECK(st.chain[TEXT_CHAIN_CJK]);
}

/* An English edition opens no chain font: accented Latin, Greek, Cyrillic
 * and typographic punctuation are in the faces. The first Arabic word opens
 * one Arabic font and nothing else; Japanese and Chinese share the mapping of
 * one CJK collection, each with its own face. */
static void
test_lazy(void)
{
    struct text_fonts fonts;
    text_fonts_default(&fonts);
    struct err e = {0};
    struct text *t = text_create(&fonts, &e);
    CHECK_MSG(t != NULL, "%s", e.msg);
    if (!t)
        return;
    const struct layout_metrics *m = text_metrics(t);
    const char *words[] = {"Harbour",
                           "caf\xc3\xa9",
                           "\xe2\x80\x9cquoted\xe2\x80\x9d",
                           "na\xc3\xafve \xe2\x80\x94 1,024",
                           "\xd0\x9d\xd0\xbe\xd0\xb2\xd0\xbe",
                           "\xce\x95\xce\xb9\xce\xb4"};
    struct text_stats st;
    for (int face = 0; face < LAYOUT_FACE_COUNT; face++)
        for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
            struct layout_font f = {(uint8_t)face, 18};
            CHECK(m->measure(m->ctx, f, &latin, words[i], strlen(words[i])) > 0);
            CHECK_INT(m->missing(m->ctx, f, &latin, words[i], strlen(words[i])), 0);
        }
    text_stats(t, &st);
    CHECK_INT(st.chain_loaded, 0);
    CHECK(st.files_mapped <= LAYOUT_FACE_COUNT);
    for (int c = 0; c < TEXT_CHAIN_COUNT; c++)
        CHECK(!st.chain[c]);
    size_t base_files = st.files_mapped;

    struct layout_run_props ar = {.script = 0, .dir = LAYOUT_DIR_RTL, .lang = "ar"};
    const char *kitab = "\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8";
    CHECK(m->measure(m->ctx, (struct layout_font){LAYOUT_FACE_SERIF, 18}, &ar, kitab,
                     strlen(kitab)) > 0);
    text_stats(t, &st);
    CHECK_INT(st.chain_loaded, 1);
    CHECK(st.chain[TEXT_CHAIN_ARABIC]);
    CHECK(!st.chain[TEXT_CHAIN_CJK]);
    CHECK_INT(st.files_mapped, base_files + 1);

    const char *han = "\xe6\x96\xb0";
    struct layout_run_props zh = {.script = 0, .dir = LAYOUT_DIR_LTR, .lang = "zh"};
    struct layout_run_props ja = {.script = 0, .dir = LAYOUT_DIR_LTR, .lang = "ja"};
    struct layout_font f = {LAYOUT_FACE_SERIF, 18};
    CHECK(m->measure(m->ctx, f, &zh, han, strlen(han)) > 0);
    CHECK(m->measure(m->ctx, f, &ja, han, strlen(han)) > 0);
    text_stats(t, &st);
    CHECK_INT(st.chain_loaded, 3);
    CHECK(st.chain[TEXT_CHAIN_CJK]);
    CHECK_INT(st.files_mapped, base_files + 2);
    text_destroy(t);
}

/* Characters no font has: one placeholder each, the width of "0", counted
 * by the missing seam; a chain font that is not installed lets its script
 * fall through to the placeholder. */
static void
test_missing(struct text *t)
{
    const struct layout_metrics *m = text_metrics(t);
    struct layout_font f = {LAYOUT_FACE_SERIF, 20};
    const char *plane16 = "A\xf4\x8f\xbf\xbd"
                          "B"; /* U+10FFFD, private use, in no font */
    CHECK_INT(m->missing(m->ctx, f, &latin, plane16, strlen(plane16)), 1);
    struct text_piece p[4];
    size_t n = text_itemize(t, f, &latin, plane16, strlen(plane16), p, 4);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_INT(p[1].source, TEXT_SOURCE_NONE);
        CHECK_INT(p[1].missing, 1);
        CHECK_INT(p[1].start, 1);
        CHECK_INT(p[1].len, 4);
        CHECK_INT(text_piece_width(t, f, &latin, plane16, &p[1]), measure(t, 0, 20, "0"));
    }
    /* U+2212 MINUS SIGN, which Noto Serif lacks, comes from the symbol
     * fonts (DejaVu Sans first); the digit and degree sign after it go back
     * to the face: "down to " | minus | "3 °C" */
    const char *frost = "down to \xe2\x88\x92"
                        "3 \xc2\xb0"
                        "C";
    n = text_itemize(t, f, &latin, frost, strlen(frost), p, 4);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_INT(p[0].source, LAYOUT_FACE_SERIF);
        CHECK_INT(p[1].start, 8);
        CHECK_INT(p[1].len, 3);
        CHECK(p[1].source != LAYOUT_FACE_SERIF && p[1].source != TEXT_SOURCE_NONE);
        CHECK_INT(p[2].source, LAYOUT_FACE_SERIF);
        CHECK_INT(p[2].start, 11);
    }
    CHECK_INT(text_placeholder_width(t, f), measure(t, 0, 20, "0"));
    CHECK_INT(m->measure(m->ctx, f, &latin, plane16, strlen(plane16)),
              measure(t, 0, 20, "A") + measure(t, 0, 20, "0") + measure(t, 0, 20, "B"));
    /* U+0378 is unassigned: also a placeholder; two in a row count 2. */
    CHECK_INT(m->missing(m->ctx, f, &latin, "\xcd\xb8\xcd\xb8", 4), 2);

    /* No Arabic fonts and no symbol fonts installed: Arabic is boxes. */
    struct text_fonts fonts;
    text_fonts_default(&fonts);
    for (int s = 0; s < TEXT_STYLE_COUNT; s++)
        fonts.chain[TEXT_CHAIN_ARABIC][s] = NULL;
    for (int s = 0; s < TEXT_SYMBOL_FONTS; s++)
        fonts.symbols[s] = "";
    struct err e = {0};
    struct text *bare = text_create(&fonts, &e);
    CHECK_MSG(bare != NULL, "%s", e.msg);
    if (bare) {
        const struct layout_metrics *bm = text_metrics(bare);
        struct layout_run_props ar = {.script = 0, .dir = LAYOUT_DIR_RTL, .lang = "ar"};
        const char *kitab = "\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8";
        CHECK_INT(bm->missing(bm->ctx, f, &ar, kitab, strlen(kitab)), 4);
        CHECK_INT(bm->measure(bm->ctx, f, &ar, kitab, strlen(kitab)),
                  4 * text_placeholder_width(bare, f));
        /* Hebrew still has its font */
        CHECK_INT(bm->missing(bm->ctx, f, &ar, "\xd7\xa9\xd7\x9c", 4), 0);
        text_destroy(bare);
    }
    /* A chain font path that does not exist: the same fall-through, no error. */
    text_fonts_default(&fonts);
    fonts.chain[TEXT_CHAIN_ETHIOPIC][TEXT_STYLE_SERIF] = "/nonexistent/NoEthiopic.ttf";
    for (int s = 0; s < TEXT_SYMBOL_FONTS; s++)
        fonts.symbols[s] = ""; /* DejaVu Sans has some Ethiopic */
    bare = text_create(&fonts, &e);
    CHECK_MSG(bare != NULL, "%s", e.msg);
    if (bare) {
        const struct layout_metrics *bm = text_metrics(bare);
        struct layout_run_props am = {.script = 0, .dir = LAYOUT_DIR_LTR, .lang = "am"};
        CHECK_INT(bm->missing(bm->ctx, f, &am, "\xe1\x88\x98\xe1\x8c\xbb", 6), 2);
        text_destroy(bare);
    }
}

/* Hostile text: lone combining marks, invalid UTF-8, a 10,000-character run
 * of mixed scripts with no break, control and format characters. Measured
 * and itemized without a crash or sanitizer report; pieces tile the text. */
static void
test_hostile(struct text *t)
{
    const struct layout_metrics *m = text_metrics(t);
    struct layout_font f = {LAYOUT_FACE_SERIF, 20};
    const char *cases[] = {
        "\xcc\x81",                             /* a lone combining acute */
        "\xcc\x81\xcc\x88\xd9\x8e\xe0\xa5\x8d", /* marks of three scripts, no base */
        "\xff\xfe abc \xc3",                    /* invalid bytes and a cut sequence */
        "\xe2\x80\x8c\xe2\x80\x8d\xef\xb8\x8f", /* ZWNJ, ZWJ, VS16 alone */
        "x\xe2\x80\xae"
        "abc\xe2\x80\xac", /* a bidi override inside */
        "\xed\xa0\x80",    /* an encoded surrogate */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = strlen(cases[i]);
        (void)m->measure(m->ctx, f, &latin, cases[i], len);
        int miss = m->missing(m->ctx, f, &latin, cases[i], len);
        CHECK(miss >= 0 && miss <= (int)len);
        struct text_piece p[16];
        size_t n = text_itemize(t, f, &latin, cases[i], len, p, 16);
        CHECK(n >= 1 && n <= 16);
        uint32_t at = 0;
        for (size_t k = 0; k < n && k < 16; k++) {
            CHECK_INT(p[k].start, at);
            at += p[k].len;
        }
        CHECK_INT(at, len);
    }
    /* 10,000 characters: Latin, Arabic and Han mixed, one "word". */
    const char *unit = "ab\xd9\x83\xd8\xaa\xe6\x96\xb0"; /* 5 characters, 9 bytes */
    size_t ulen = strlen(unit), len = 2000 * ulen;
    char *big = malloc(len);
    CHECK(big != NULL);
    if (!big)
        return;
    for (size_t i = 0; i < 2000; i++)
        memcpy(big + i * ulen, unit, ulen);
    int w = m->measure(m->ctx, f, &latin, big, len);
    CHECK(w > 10000);
    CHECK_INT(m->missing(m->ctx, f, &latin, big, len), 0);
    size_t n = text_itemize(t, f, &latin, big, len, NULL, 0);
    CHECK_INT(n, 6000);
    /* a run of 10,000 combining marks after one letter */
    size_t mlen = 1 + 2 * 10000;
    char *marks = malloc(mlen);
    CHECK(marks != NULL);
    if (marks) {
        marks[0] = 'e';
        for (size_t i = 0; i < 10000; i++)
            memcpy(marks + 1 + 2 * i, "\xcc\x81", 2);
        CHECK(m->measure(m->ctx, f, &latin, marks, mlen) > 0);
        CHECK_INT(text_itemize(t, f, &latin, marks, mlen, NULL, 0), 1);
        free(marks);
    }
    free(big);
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
    test_shaping(t);
    test_mixed(t);
    test_missing(t);
    test_hostile(t);
    test_lazy();
    test_bad_font();
    text_destroy(t);
    return check_summary("text");
}
