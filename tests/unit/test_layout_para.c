/* The paragraph breaker's shortcuts and guards, with a fake fixed-advance
 * font: libunibreak's answers inside a word do not depend on the text
 * around it (what the per-word break cache relies on), a typesetter whose
 * caches are warm from other text sets the same lines as a fresh one, and
 * text that makes Debian 12's libunibreak abort (flag emoji, U+FFFF) sets
 * as words instead. No SDL. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linebreak.h>

#include <unistr.h>

#include "check.h"
#include "layout.h"
#include "layout_fake.h"

#ifndef NK_HYPHEN_DIR
#define NK_HYPHEN_DIR "/usr/share/hyphen"
#endif

static unsigned
next_rand(unsigned *x)
{
    *x = *x * 1103515245u + 12345u;
    return *x >> 8;
}

/* Characters of many line-breaking classes: letters of four scripts,
 * digits, every ASCII punctuation mark, quotes, dashes, soft and
 * non-breaking hyphens and spaces, zero-width and joiner characters,
 * combining marks, CJK and kana, Hangul jamo, Thai, emoji, line and
 * paragraph separators, and the word separators themselves. */
static const uint32_t pool[] = {
    'a',    'e',    'n',    'T',     'x',    '0',    '7',    '!',    '"',    '#',    '$',    '%',
    '&',    '\'',   '(',    ')',     '*',    '+',    ',',    '-',    '.',    '/',    ':',    ';',
    '<',    '=',    '>',    '?',     '@',    '[',    '\\',   ']',    '^',    '_',    '`',    '{',
    '|',    '}',    '~',    ' ',     ' ',    ' ',    ' ',    '\t',   '\n',   '\r',   0x85,   0xA0,
    0xAB,   0xAD,   0xB0,   0xBB,    0x301,  0x3B1,  0x436,  0x5D0,  0x5BE,  0x627,  0x915,  0x94D,
    0xE01,  0xE31,  0x1100, 0x1161,  0x11A8, 0x2010, 0x2011, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C,
    0x201D, 0x201E, 0x2024, 0x2026,  0x2028, 0x2029, 0x200B, 0x200C, 0x200D, 0x2060, 0x20AC, 0x2212,
    0x3000, 0x3001, 0x3002, 0x300C,  0x300D, 0x3005, 0x3041, 0x30FC, 0x4E2D, 0x6587, 0xAC00, 0xFB1D,
    0xFEFF, 0xFF01, 0xFF08, 0x1F600, 0x1F3FB};

static bool
is_separator(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* What the per-word break cache relies on: for every word of a text (a
 * maximal run of characters other than space, tab, CR and LF), whether
 * libunibreak allows a break between two of its characters is the same
 * when the word is given alone as inside the whole text. Checked on seeded
 * random text in every language the library tailors. */
static void
test_word_breaks_context_free(void)
{
    static const char *const langs[] = {"en", "ru", "de", "fr", "es", "zh", "ja", "ko", "el", ""};
    static char text[4096], whole[4096], alone[4096];
    unsigned x = 2026;
    long checked = 0, differ = 0;
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        int n = 1 + (int)(next_rand(&x) % 80);
        for (int k = 0; k < n; k++) {
            unsigned r = next_rand(&x);
            /* letters more often, as in text */
            uint32_t cp = r % 3 == 0 ? (uint32_t)('a' + (r >> 4) % 26)
                                     : pool[(r >> 2) % (sizeof pool / sizeof pool[0])];
            len += (size_t)u8_uctomb((uint8_t *)text + len, cp, 4);
        }
        const char *lang = langs[round % (sizeof langs / sizeof langs[0])];
        set_linebreaks_utf8((const utf8_t *)text, len, lang, whole);
        for (size_t i = 0; i < len;) {
            if (is_separator(text[i])) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < len && !is_separator(text[j]))
                j++;
            set_linebreaks_utf8((const utf8_t *)text + i, j - i, lang, alone);
            for (size_t k = i; k + 1 < j; k++) {
                checked++;
                if ((whole[k] == LINEBREAK_ALLOWBREAK) != (alone[k - i] == LINEBREAK_ALLOWBREAK) &&
                    differ++ < 5)
                    fprintf(stderr,
                            "lang \"%s\": word \"%.*s\", byte %zu: %d in the text, %d alone\n",
                            lang, (int)(j - i), text + i, k - i, whole[k], alone[k - i]);
            }
            i = j;
        }
    }
    CHECK_MSG(differ == 0, "%ld of %ld positions inside words differ", differ, checked);
    CHECK(checked > 100000);
}

/* ---- articles built by hand ---- */

struct doc {
    struct edition ed;
    struct edition_article art[1];
    struct edition_block blocks[16];
    struct edition_span spans[16][4];
};

static void
doc_init(struct doc *d, const char *lang)
{
    memset(d, 0, sizeof *d);
    arena_init(&d->ed.arena, 0);
    d->ed.title = "The Harbour Courier";
    d->ed.edition = "2026-11-28";
    d->ed.language = lang;
    d->ed.expires = "";
    d->ed.publisher = "";
    d->ed.articles = d->art;
    d->ed.article_count = 1;
    struct edition_article *a = d->art;
    a->path = "articles/001-test.md";
    a->title = "Harbour lights return after a long winter";
    a->deck = "The old lamps along the quay shine again";
    a->byline = "By Ada Lantern";
    a->date = "2026-11-27";
    a->section = "Town";
    a->language = lang;
    a->dir = "";
    a->body_loaded = true;
    a->blocks = d->blocks;
}

/* A paragraph of up to four spans, roman, italic, bold, roman. */
static void
add_para(struct doc *d, const char *const *texts, size_t n)
{
    struct edition_article *a = d->art;
    struct edition_block *b = &d->blocks[a->block_count];
    memset(b, 0, sizeof *b);
    b->kind = EDITION_BLOCK_PARAGRAPH;
    static const uint32_t styles[] = {0, EDITION_STYLE_EMPH, EDITION_STYLE_STRONG, 0};
    for (size_t k = 0; k < n && k < 4; k++)
        d->spans[a->block_count][k] =
            (struct edition_span){texts[k], (uint32_t)strlen(texts[k]), styles[k]};
    b->spans = d->spans[a->block_count];
    b->span_count = n < 4 ? n : 4;
    a->block_count++;
}

/* Every line's text and every run's place and text, one line each. */
static char *
pages_text(const struct layout_pages *p)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < p->count; i++) {
        const struct layout_page *pg = &p->pages[i];
        for (size_t l = 0; l < pg->line_count; l++) {
            const struct layout_line *ln = &pg->lines[l];
            for (uint32_t r = ln->first_run; r <= ln->first_run + ln->run_count; r++) {
                char one[512];
                int m;
                if (r == ln->first_run + ln->run_count)
                    m = snprintf(one, sizeof one, "%zu %d %d %d %d [%s]\n", i, ln->x, ln->y, ln->w,
                                 ln->hyphenated, ln->text);
                else
                    m = snprintf(one, sizeof one, " %d %d %d [%.*s]\n", pg->runs[r].x,
                                 pg->runs[r].y, pg->runs[r].w, (int)pg->runs[r].len,
                                 pg->runs[r].text);
                if (m < 0)
                    continue;
                if ((size_t)m >= sizeof one)
                    m = sizeof one - 1;
                while (len + (size_t)m + 1 > cap) {
                    char *grown = realloc(out, cap * 2);
                    if (!grown) {
                        free(out);
                        return NULL;
                    }
                    out = grown;
                    cap *= 2;
                }
                memcpy(out + len, one, (size_t)m + 1);
                len += (size_t)m;
            }
        }
    }
    return out;
}

static char *
set_text(struct layout *L, struct doc *d, int w, int h, float scale, bool ragged)
{
    struct layout_config cfg;
    layout_config_default(&cfg, w, h);
    cfg.font_scale = scale;
    cfg.ragged = ragged;
    struct layout_pages p;
    layout_pages_init(&p);
    struct err e = {0};
    char *out = NULL;
    if (layout_article(L, &cfg, &d->ed, 0, &p, &e))
        out = pages_text(&p);
    else
        fprintf(stderr, "layout_article: %s\n", e.msg);
    layout_pages_fini(&p);
    return out;
}

static const char *const words[] = {
    "harbour",
    "lamplighters",
    "quay,",
    "evening.",
    "the",
    "town",
    "council’s",
    "“light”",
    "well-known",
    "winter—keepers",
    "of",
    "a",
    "salt/wind",
    "1,000.5",
    "re-examination",
    "international",
    "(bright)",
    "nights;",
    "fishermen:",
    "market",
    "https://ex.org",
    "bells!",
    "afternoon?",
    "tide",
    "rope",
    "приветствие",
    "переговоры,",
    "αθήνα",
    "Straße",
    "extraordinarily",
    "responsibility",
    "characteristically",
    "unbelievable",
    "counterproductive",
    "and",
};

/* Random paragraphs from the word list in one to four styled spans. */
static void
random_article(struct doc *d, unsigned *x, char *store, size_t store_len)
{
    size_t used = 0;
    int paras = 1 + (int)(next_rand(x) % 6);
    for (int p = 0; p < paras; p++) {
        const char *texts[4];
        size_t nspans = 1 + next_rand(x) % 4;
        for (size_t s = 0; s < nspans; s++) {
            char *t = store + used;
            size_t len = 0;
            int n = 1 + (int)(next_rand(x) % 60);
            for (int k = 0; k < n && used + len + 64 < store_len; k++) {
                const char *w = words[next_rand(x) % (sizeof words / sizeof words[0])];
                size_t wl = strlen(w);
                memcpy(t + len, w, wl);
                len += wl;
                t[len++] = next_rand(x) % 29 == 0 ? '\n' : ' ';
            }
            t[len++] = '\0';
            used += len;
            texts[s] = t;
        }
        add_para(d, texts, nspans);
    }
}

/* Width, break and hyphenation caches persist in the typesetter: two that
 * set the same articles in opposite orders (so with other words cached at
 * each one) and a fresh one set exactly the same lines. */
static void
test_warm_equals_fresh(void)
{
    enum { ROUNDS = 24, FRESH = 4 };
    static const int sizes[][2] = {{480, 272}, {800, 480}, {1024, 600}, {1080, 1920}};
    static const char *const langs[] = {"en", "ru"};
    static char store[ROUNDS][32 * 1024];
    static struct doc docs[ROUNDS];
    static char *fwd[ROUNDS], *back[ROUNDS];
    struct layout *a = layout_create(&fake, NK_HYPHEN_DIR);
    struct layout *b = layout_create(&fake, NK_HYPHEN_DIR);
    CHECK(a && b);
    unsigned x = 7;
    for (int r = 0; r < ROUNDS; r++) {
        doc_init(&docs[r], langs[r % 2]);
        random_article(&docs[r], &x, store[r], sizeof store[r]);
    }
    for (int k = 0; k < 2 * ROUNDS && a && b; k++) {
        int r = k < ROUNDS ? k : 2 * ROUNDS - 1 - k;
        char **out = k < ROUNDS ? &fwd[r] : &back[r];
        *out = set_text(k < ROUNDS ? a : b, &docs[r], sizes[r % 4][0], sizes[r % 4][1],
                        0.75f + (float)(r % 5) * 0.25f, r % 7 == 0);
    }
    int same = 0, hyphenated = 0;
    for (int r = 0; r < ROUNDS; r++) {
        /* a line "page x y w 1 [text]" ends in a hyphen it adds */
        if (fwd[r] && strstr(fwd[r], " 1 ["))
            hyphenated++;
        char *fresh_text = NULL;
        if (r < FRESH) {
            struct layout *fresh = layout_create(&fake, NK_HYPHEN_DIR);
            fresh_text = fresh ? set_text(fresh, &docs[r], sizes[r % 4][0], sizes[r % 4][1],
                                          0.75f + (float)(r % 5) * 0.25f, r % 7 == 0)
                               : NULL;
            layout_destroy(fresh);
            CHECK_MSG(fresh_text && fwd[r] && strcmp(fresh_text, fwd[r]) == 0,
                      "article %d: a warm typesetter set other lines than a fresh one", r);
        }
        CHECK_MSG(fwd[r] && back[r] && strcmp(fwd[r], back[r]) == 0,
                  "article %d: set in another order, other lines", r);
        if (fwd[r] && back[r] && strcmp(fwd[r], back[r]) == 0)
            same++;
        free(fresh_text);
        free(fwd[r]);
        free(back[r]);
        arena_fini(&docs[r].ed.arena);
    }
    CHECK_INT(same, ROUNDS);
    CHECK_MSG(hyphenated >= ROUNDS / 2, "only %d of %d articles hyphenated", hyphenated, ROUNDS);
    layout_destroy(a);
    layout_destroy(b);
}

#define FLAG_GB "\xF0\x9F\x87\xAC\xF0\x9F\x87\xA7"
#define FLAG_DE "\xF0\x9F\x87\xA9\xF0\x9F\x87\xAA"
#define NONCHAR "\xEF\xBF\xBF"

/* Debian 12's libunibreak aborts on a regional indicator after another
 * character and on U+FFFF: an article and an index with them in the
 * headline, deck and body set, and keep the characters as written. */
static void
test_flags_and_nonchars(void)
{
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    CHECK(L != NULL);
    if (!L)
        return;
    struct doc d;
    doc_init(&d, "en");
    d.art[0].title = "Visitors from " FLAG_GB " and " FLAG_DE " fill the quay";
    d.art[0].deck = "Flags" FLAG_GB FLAG_DE " everywhere" NONCHAR " tonight";
    const char *one[] = {"Boats came from " FLAG_GB ", from" FLAG_DE "and from far away; a "
                         "stray" NONCHAR "character and a lone \xF0\x9F\x87\xA6 too."};
    add_para(&d, one, 1);
    const char *spans[] = {"Styled " FLAG_GB, FLAG_DE " halves", NONCHAR "x" FLAG_GB};
    add_para(&d, spans, 3);
    char *text = set_text(L, &d, 800, 480, 1.0f, false);
    CHECK(text != NULL);
    if (text) {
        CHECK_CONTAINS(text, "from " FLAG_GB ",");
        CHECK_CONTAINS(text, "stray" NONCHAR "character");
        CHECK_CONTAINS(text, NONCHAR "x" FLAG_GB);
    }
    free(text);
    struct layout_config cfg;
    layout_config_default(&cfg, 800, 480);
    struct layout_pages p;
    layout_pages_init(&p);
    struct err e = {0};
    bool ok = layout_index(L, &cfg, &d.ed, false, &p, &e);
    CHECK_MSG(ok, "layout_index: %s", e.msg);
    layout_pages_fini(&p);
    arena_fini(&d.ed.arena);
    layout_destroy(L);
}

/* A word longer than the line that changes style in the middle (a long
 * address half in bold) is broken, never set past the margin: before, its
 * two parts were kept together with no break between them. */
static void
test_long_word_across_styles(void)
{
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    CHECK(L != NULL);
    if (!L)
        return;
    static char first[200], second[200];
    memset(first, 'x', 60);
    memset(second, 'y', 60);
    static const int sizes[][2] = {{480, 272}, {800, 480}, {1920, 1080}};
    for (size_t k = 0; k < 3; k++) {
        int w = sizes[k][0], h = sizes[k][1];
        struct doc d;
        doc_init(&d, "en");
        const char *spans[] = {"See ", first, second, " for the timetable."};
        add_para(&d, spans, 4);
        struct layout_config cfg;
        layout_config_default(&cfg, w, h);
        cfg.font_scale = 2.0f;
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        bool ok = layout_article(L, &cfg, &d.ed, 0, &p, &e);
        CHECK_MSG(ok, "%dx%d: %s", w, h, e.msg);
        size_t xs = 0, ys = 0;
        for (size_t i = 0; ok && i < p.count; i++) {
            const struct layout_page *pg = &p.pages[i];
            for (size_t l = 0; l < pg->line_count; l++) {
                const struct layout_line *ln = &pg->lines[l];
                CHECK_MSG(ln->x >= 0 && ln->x + ln->w <= w, "%dx%d: line \"%s\" %d..%d", w, h,
                          ln->text, ln->x, ln->x + ln->w);
                for (const char *t = ln->text; ln->role == LAYOUT_ROLE_BODY && *t; t++) {
                    xs += *t == 'x';
                    ys += *t == 'y';
                }
            }
        }
        CHECK_INT(xs, 60);
        CHECK_INT(ys, 60);
        layout_pages_fini(&p);
        arena_fini(&d.ed.arena);
    }
    layout_destroy(L);
}

int
main(void)
{
    test_word_breaks_context_free();
    test_warm_equals_fresh();
    test_flags_and_nonchars();
    test_long_word_across_styles();
    return check_summary("layout_para");
}
