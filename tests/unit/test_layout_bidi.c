/* Bidi and per-script line breaking in the typesetter, with the fake
 * fixed-advance font: each line's runs, read left to right by x (a
 * right-to-left run's characters reversed), are checked against the visual
 * order libfribidi itself gives the line's logical text; right-to-left lines
 * end at the right edge of the measure; chrome strings are not reversed;
 * CJK breaks between ideographs within the measure; languages without
 * patterns get no hyphenation; hostile text sets without a crash and with
 * bounded output. No SDL. */
#include <fribidi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "check.h"
#include "layout.h"
#include "layout_fake.h"
#include "layout_internal.h"

#ifndef NK_HYPHEN_DIR
#define NK_HYPHEN_DIR "/usr/share/hyphen"
#endif

#define MAX_BLOCKS 16

struct doc {
    struct edition ed;
    struct edition_article art;
    struct edition_block blocks[MAX_BLOCKS];
    struct edition_span spans[MAX_BLOCKS];
};

static void
doc_init(struct doc *d, const char *lang, const char *dir)
{
    memset(d, 0, sizeof *d);
    arena_init(&d->ed.arena, 0);
    d->ed.title = "The Harbour Courier";
    d->ed.edition = "2026-12-05";
    d->ed.language = lang;
    d->ed.expires = "";
    d->ed.publisher = "";
    d->ed.articles = &d->art;
    d->ed.article_count = 1;
    struct edition_article *a = &d->art;
    a->path = "articles/001-test.md";
    a->title = "Harbour";
    a->deck = "";
    a->byline = "Dana Levi";
    a->date = "2026-12-05";
    a->section = "World";
    a->language = lang;
    a->dir = dir;
    a->body_loaded = true;
    a->blocks = d->blocks;
}

static void
add_para(struct doc *d, enum edition_block_kind kind, const char *text)
{
    struct edition_article *a = &d->art;
    size_t i = a->block_count++;
    struct edition_block *b = &d->blocks[i];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->level = 2;
    b->depth = 1;
    d->spans[i] = (struct edition_span){text, (uint32_t)strlen(text), 0};
    b->spans = &d->spans[i];
    b->span_count = 1;
}

static bool
set_article(struct layout *L, struct doc *d, int w, int h, struct layout_pages *p)
{
    struct layout_config cfg;
    layout_config_default(&cfg, w, h);
    layout_pages_init(p);
    struct err e = {0};
    bool ok = layout_article(L, &cfg, &d->ed, 0, p, &e);
    CHECK_MSG(ok, "layout_article %dx%d: %s", w, h, e.msg);
    return ok;
}

/* UTF-8 to code points; returns the count. */
static size_t
decode(const char *s, size_t len, FriBidiChar *out, size_t max)
{
    size_t n = 0;
    for (size_t p = 0; p < len && n < max;) {
        ucs4_t c;
        int k = u8_mbtouc(&c, (const uint8_t *)s + p, len - p);
        out[n++] = c;
        p += (size_t)(k > 0 ? k : 1);
    }
    return n;
}

static size_t
encode(const FriBidiChar *s, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < n && len + 5 < cap; i++)
        len += (size_t)u8_uctomb((uint8_t *)out + len, s[i], 4);
    out[len] = '\0';
    return len;
}

#define VMAX 4096

/* What fribidi makes of text as one line of a paragraph of direction dir:
 * the characters in visual order (no mirroring, marks not moved), spaces
 * squeezed, none at the ends. */
static void
fribidi_visual(const char *text, uint8_t dir, char *out, size_t cap)
{
    static FriBidiChar ch[VMAX], vis[VMAX];
    static FriBidiCharType types[VMAX];
    static FriBidiBracketType br[VMAX];
    static FriBidiLevel lev[VMAX];
    size_t n = decode(text, strlen(text), ch, VMAX);
    fribidi_get_bidi_types(ch, (FriBidiStrIndex)n, types);
    fribidi_get_bracket_types(ch, (FriBidiStrIndex)n, types, br);
    FriBidiParType pd = dir == LAYOUT_DIR_RTL ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    CHECK(fribidi_get_par_embedding_levels_ex(types, br, (FriBidiStrIndex)n, &pd, lev) > 0);
    memcpy(vis, ch, n * sizeof *ch);
    CHECK(fribidi_reorder_line(0, types, (FriBidiStrIndex)n, 0, pd, lev, vis, NULL) > 0);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (vis[i] != ' ' || (m && vis[m - 1] != ' '))
            vis[m++] = vis[i];
    while (m && vis[m - 1] == ' ')
        m--;
    encode(vis, m, out, cap);
}

/* The line as drawn: runs by x, left to right, a right-to-left run's
 * characters reversed, a space where runs are apart. Also checks that runs
 * do not overlap and lie within the line's box. */
static void
runs_visual(const struct layout_page *pg, const struct layout_line *ln, char *out, size_t cap)
{
    static FriBidiChar all[VMAX], piece[VMAX];
    size_t n = 0;
    uint32_t order[256];
    uint32_t rc = ln->run_count < 256 ? ln->run_count : 256;
    for (uint32_t k = 0; k < rc; k++) {
        order[k] = ln->first_run + k;
        CHECK_MSG(k == 0 || pg->runs[order[k]].x >= pg->runs[order[k - 1]].x,
                  "runs of \"%s\" not stored left to right", ln->text);
    }
    for (uint32_t i = 1; i < rc; i++) /* insertion sort by x */
        for (uint32_t j = i; j > 0 && pg->runs[order[j]].x < pg->runs[order[j - 1]].x; j--) {
            uint32_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    int32_t prev_end = 0;
    for (uint32_t k = 0; k < rc; k++) {
        const struct layout_run *r = &pg->runs[order[k]];
        if (k) {
            CHECK_MSG(r->x >= prev_end, "runs overlap in \"%s\": %d < %d", ln->text, r->x,
                      prev_end);
            if (r->x > prev_end && n < VMAX)
                all[n++] = ' ';
        }
        CHECK_MSG(r->x >= ln->x && r->x + r->w <= ln->x + ln->w, "run outside line \"%s\"",
                  ln->text);
        prev_end = r->x + r->w;
        size_t m = decode(r->text, r->len, piece, VMAX);
        for (size_t i = 0; i < m && n < VMAX; i++)
            all[n++] = r->props.dir == LAYOUT_DIR_RTL ? piece[m - 1 - i] : piece[i];
    }
    encode(all, n, out, cap);
}

/* Every line of role in p: drawn as fribidi orders it; returns how many. */
static int
check_lines_visual(const struct layout_pages *p, uint8_t role, const char *what)
{
    static char want[VMAX * 4], got[VMAX * 4];
    int lines = 0;
    for (size_t pi = 0; pi < p->count; pi++) {
        const struct layout_page *pg = &p->pages[pi];
        for (size_t l = 0; l < pg->line_count; l++) {
            const struct layout_line *ln = &pg->lines[l];
            if (ln->role != role)
                continue;
            fribidi_visual(ln->text, ln->dir, want, sizeof want);
            runs_visual(pg, ln, got, sizeof got);
            CHECK_MSG(strcmp(want, got) == 0, "%s: line \"%s\" drawn \"%s\", fribidi \"%s\"", what,
                      ln->text, got, want);
            lines++;
        }
    }
    return lines;
}

static bool
line_has_run(const struct layout_page *pg, const struct layout_line *ln, const char *text,
             uint8_t dir)
{
    for (uint32_t k = 0; k < ln->run_count; k++) {
        const struct layout_run *r = &pg->runs[ln->first_run + k];
        if (r->props.dir == dir && r->len >= strlen(text) &&
            memmem(r->text, r->len, text, strlen(text)))
            return true;
    }
    return false;
}

/* Finds the first line of role containing text; NULL when none. */
static const struct layout_line *
find_line(const struct layout_pages *p, uint8_t role, const char *text,
          const struct layout_page **page)
{
    for (size_t pi = 0; pi < p->count; pi++)
        for (size_t l = 0; l < p->pages[pi].line_count; l++) {
            const struct layout_line *ln = &p->pages[pi].lines[l];
            if (ln->role == role && strstr(ln->text, text)) {
                *page = &p->pages[pi];
                return ln;
            }
        }
    return NULL;
}

/* Hebrew and Arabic words, written for these tests. */
#define HE_HARBOUR "\xd7\x94\xd7\xa0\xd7\x9e\xd7\x9c"                         /* הנמל */
#define HE_NEW "\xd7\x97\xd7\x93\xd7\xa9"                                     /* חדש */
#define HE_LIGHT "\xd7\x90\xd7\x95\xd7\xa8"                                   /* אור */
#define HE_CITY "\xd7\x94\xd7\xa2\xd7\x99\xd7\xa8"                            /* העיר */
#define HE_BEAUTIFUL "\xd7\x99\xd7\xa4\xd7\x94"                               /* יפה */
#define AR_LIGHT "\xd8\xa7\xd9\x84\xd8\xb6\xd9\x88\xd8\xa1"                   /* الضوء */
#define AR_BEAUTIFUL "\xd8\xac\xd9\x85\xd9\x8a\xd9\x84"                       /* جميل */
#define AR_HARBOUR "\xd8\xa7\xd9\x84\xd9\x85\xd9\x8a\xd9\x86\xd8\xa7\xd8\xa1" /* الميناء */

static const char he_para[] = HE_HARBOUR
    " " HE_NEW " " HE_LIGHT " John Smith " HE_CITY " 2026 " HE_LIGHT " 3.5% " HE_HARBOUR " " HE_NEW
    " (" HE_CITY " 1898) " HE_LIGHT " " HE_HARBOUR " [" HE_NEW " abc] " HE_CITY " " HE_LIGHT
    " " HE_HARBOUR " " HE_NEW " " HE_CITY " Maria Lopez " HE_LIGHT " " HE_HARBOUR " 18 " HE_NEW
    " " HE_CITY " " HE_LIGHT " " HE_HARBOUR " " HE_NEW ".";

/* RTL paragraph with Latin names, numbers, brackets: fribidi's order; the
 * Latin runs left to right; lines end at the right edge of the measure. */
static void
test_rtl_paragraph(void)
{
    struct doc d;
    doc_init(&d, "he", "");
    add_para(&d, EDITION_BLOCK_PARAGRAPH, he_para);
    add_para(&d, EDITION_BLOCK_PARAGRAPH, he_para);
    add_para(&d, EDITION_BLOCK_LIST_ITEM, HE_LIGHT " " HE_CITY " 10%");
    /* a prefix letter joined to a number by a maqaf: "ב־3.5%" */
    add_para(&d, EDITION_BLOCK_PARAGRAPH,
             HE_HARBOUR " \xd7\x91\xd6\xbe"
                        "3.5% " HE_CITY " " HE_LIGHT " 2026.");
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    struct layout_pages p;
    if (set_article(L, &d, 480, 800, &p)) {
        int n = check_lines_visual(&p, LAYOUT_ROLE_BODY, "he body");
        CHECK_MSG(n >= 6, "he body: %d lines", n);
        const struct layout_page *pg = NULL;
        const struct layout_line *ln = find_line(&p, LAYOUT_ROLE_BODY, "John", &pg);
        CHECK(ln && ln->dir == LAYOUT_DIR_RTL);
        if (ln)
            CHECK(line_has_run(pg, ln, "John", LAYOUT_DIR_LTR));
        ln = find_line(&p, LAYOUT_ROLE_BODY, "2026", &pg);
        CHECK(ln != NULL);
        if (ln != NULL)
            CHECK(line_has_run(pg, ln, "2026", LAYOUT_DIR_LTR));
        /* right edge: every body line ends at R, but a paragraph's first
         * line, whose indent is on the right, ends at R - indent */
        int32_t right = 0, left = 1 << 30;
        for (size_t pi = 0; pi < p.count; pi++)
            for (size_t l = 0; l < p.pages[pi].line_count; l++) {
                const struct layout_line *x = &p.pages[pi].lines[l];
                if (x->role == LAYOUT_ROLE_BODY && x->x + x->w > right)
                    right = x->x + x->w;
                if (x->role == LAYOUT_ROLE_BODY && x->x < left)
                    left = x->x;
            }
        int indented = 0, flush = 0;
        int32_t prev_block = -1;
        for (size_t pi = 0; pi < p.count; pi++)
            for (size_t l = 0; l < p.pages[pi].line_count; l++) {
                const struct layout_line *x = &p.pages[pi].lines[l];
                if (x->role != LAYOUT_ROLE_BODY)
                    continue;
                CHECK_INT(x->dir, LAYOUT_DIR_RTL);
                bool first = x->block != prev_block;
                prev_block = x->block;
                if (first && x->x + x->w < right) {
                    indented++;
                } else {
                    CHECK_MSG(x->x + x->w == right, "line \"%s\" ends at %d, not %d", x->text,
                              x->x + x->w, right);
                    flush++;
                }
            }
        CHECK_INT(indented, 1); /* the second paragraph; the first follows the head */
        /* the list: its indent and its marker on the right, the marker the
         * rightmost run, at the right edge */
        ln = find_line(&p, LAYOUT_ROLE_LIST, HE_CITY, &pg);
        CHECK(ln != NULL);
        if (ln) {
            check_lines_visual(&p, LAYOUT_ROLE_LIST, "he list");
            const struct layout_run *m = &pg->runs[ln->first_run + ln->run_count - 1];
            CHECK_STR(m->text, "\xE2\x80\xA2");
            CHECK(m->x + m->w <= right && m->x + m->w > right - 40);
            CHECK(ln->x > left + 100); /* short: set from the right */
        }
        CHECK(flush >= 5);
        /* justified lines span the measure: some start at the left edge */
        int full = 0;
        for (size_t pi = 0; pi < p.count; pi++)
            for (size_t l = 0; l < p.pages[pi].line_count; l++) {
                const struct layout_line *x = &p.pages[pi].lines[l];
                full += x->role == LAYOUT_ROLE_BODY && x->x == left;
            }
        CHECK(full >= 4);

        /* chrome and the head: Latin section label and the byline's date
         * read as written */
        char got[256];
        ln = find_line(&p, LAYOUT_ROLE_SECTION, "WORLD", &pg);
        CHECK(ln != NULL);
        if (ln != NULL) {
            runs_visual(pg, ln, got, sizeof got);
            CHECK_STR(got, "WORLD");
            CHECK_INT(ln->x + ln->w, right); /* right-aligned with the text */
        }
        ln = find_line(&p, LAYOUT_ROLE_BYLINE, "December", &pg);
        CHECK(ln != NULL);
        if (ln != NULL) {
            runs_visual(pg, ln, got, sizeof got);
            /* read right to left: the name, then the date; the date (the
             * kiosk's English words) is isolated (LRI ... PDI, invisible) so
             * that it reads "5 December 2026", not "December 2026 5" */
            CHECK_STR(got, "\xE2\x81\xA9"
                           "5 December 2026"
                           "\xE2\x81\xA6 \xC2\xB7 Dana Levi");
        }
        ln = find_line(&p, LAYOUT_ROLE_FOOTER, "page", &pg);
        if (ln) {
            runs_visual(pg, ln, got, sizeof got);
            CHECK_STR(got, ln->text);
        }
    }
    layout_pages_fini(&p);
    layout_destroy(L);
    arena_fini(&d.ed.arena);
}

/* An English paragraph with a Hebrew and an Arabic quote: the quotes' words
 * right to left, the paragraph left to right; a Hebrew publication name in
 * the page header (chrome, LTR) reads right too. */
static void
test_ltr_with_quotes(void)
{
    struct doc d;
    doc_init(&d, "en", "");
    d.ed.title = HE_HARBOUR " " HE_NEW; /* the header's publication */
    add_para(&d, EDITION_BLOCK_PARAGRAPH,
             "A fisherman from Haifa said \"" HE_HARBOUR " " HE_BEAUTIFUL " " HE_LIGHT
             "\" before the crowd cheered, and a visitor from Beirut added \"" AR_LIGHT
             " " AR_BEAUTIFUL " " AR_HARBOUR "\" with a smile. Both had travelled for 2 days "
             "to see the light (and the boats) on the quay.");
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    struct layout_pages p;
    if (set_article(L, &d, 800, 480, &p)) {
        int n = check_lines_visual(&p, LAYOUT_ROLE_BODY, "en body");
        CHECK(n >= 2);
        check_lines_visual(&p, LAYOUT_ROLE_HEADER, "header");
        const struct layout_page *pg = NULL;
        const struct layout_line *ln = find_line(&p, LAYOUT_ROLE_BODY, "fisherman", &pg);
        CHECK(ln != NULL);
        if (ln != NULL) {
            CHECK_INT(ln->dir, LAYOUT_DIR_LTR);
            char got[1024];
            runs_visual(pg, ln, got, sizeof got);
            /* the quote's three Hebrew words in right-to-left order */
            CHECK_MSG(strstr(got, "\xd7\xa8\xd7\x95\xd7\x90 \xd7\x94\xd7\xa4\xd7\x99 "
                                  "\xd7\x9c\xd7\x9e\xd7\xa0\xd7\x94") != NULL,
                      "Hebrew quote not reversed: %s", got);
            CHECK(line_has_run(pg, ln, HE_BEAUTIFUL, LAYOUT_DIR_RTL));
            CHECK(strncmp(got, "A fisherman", 11) == 0);
        }
        ln = find_line(&p, LAYOUT_ROLE_BODY, AR_LIGHT, &pg);
        CHECK(ln != NULL);
        if (ln != NULL)
            CHECK(line_has_run(pg, ln, AR_LIGHT, LAYOUT_DIR_RTL));
        ln = find_line(&p, LAYOUT_ROLE_HEADER, HE_HARBOUR, &pg);
        CHECK(ln != NULL);
        if (ln != NULL)
            CHECK(line_has_run(pg, ln, HE_NEW, LAYOUT_DIR_RTL));
    }
    layout_pages_fini(&p);
    layout_destroy(L);
    arena_fini(&d.ed.arena);
}

/* No language and no dir: each paragraph takes the direction of its first
 * strong character (digits and punctuation are not strong). */
static void
test_direction_from_text(void)
{
    struct doc d;
    doc_init(&d, "", "");
    add_para(&d, EDITION_BLOCK_PARAGRAPH, "The harbour light " HE_LIGHT " is back on the quay.");
    add_para(&d, EDITION_BLOCK_PARAGRAPH, "2026: " HE_HARBOUR " " HE_NEW " John " HE_LIGHT ".");
    add_para(&d, EDITION_BLOCK_PARAGRAPH, "\"" AR_LIGHT " " AR_BEAUTIFUL "\" said everyone.");
    add_para(&d, EDITION_BLOCK_PARAGRAPH, "1, 2, 3.");
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    struct layout_pages p;
    if (set_article(L, &d, 800, 480, &p)) {
        check_lines_visual(&p, LAYOUT_ROLE_BODY, "auto");
        const struct layout_page *pg;
        const struct layout_line *ln = find_line(&p, LAYOUT_ROLE_BODY, "The harbour", &pg);
        CHECK(ln && ln->dir == LAYOUT_DIR_LTR);
        ln = find_line(&p, LAYOUT_ROLE_BODY, "2026:", &pg);
        CHECK(ln && ln->dir == LAYOUT_DIR_RTL);
        ln = find_line(&p, LAYOUT_ROLE_BODY, "said everyone", &pg);
        CHECK(ln && ln->dir == LAYOUT_DIR_RTL);
        ln = find_line(&p, LAYOUT_ROLE_BODY, "1, 2, 3.", &pg);
        CHECK(ln && ln->dir == LAYOUT_DIR_LTR);
    }
    layout_pages_fini(&p);
    /* dir: ltr in the front matter wins over the text */
    d.art.dir = "ltr";
    if (set_article(L, &d, 800, 480, &p)) {
        const struct layout_page *pg;
        const struct layout_line *ln = find_line(&p, LAYOUT_ROLE_BODY, "2026:", &pg);
        CHECK(ln && ln->dir == LAYOUT_DIR_LTR);
        check_lines_visual(&p, LAYOUT_ROLE_BODY, "dir ltr");
    }
    layout_pages_fini(&p);
    layout_destroy(L);
    arena_fini(&d.ed.arena);
}

/* An English article never touches fribidi: the fast scan finds nothing
 * that moves. */
static void
test_ltr_skips_fribidi(void)
{
    struct doc d;
    doc_init(&d, "en", "");
    add_para(&d, EDITION_BLOCK_PARAGRAPH,
             "Plain English with \xE2\x80\x9Cquotes\xE2\x80\x9D, a dash \xE2\x80\x94 and "
             "Caf\xC3\xA9, \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 and \xE4\xB8\xAD.");
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    struct layout_pages p;
    if (set_article(L, &d, 800, 480, &p))
        CHECK_MSG(L->bidi.chars.cap == 0, "fribidi arrays grown for LTR text: %zu",
                  L->bidi.chars.cap);
    layout_pages_fini(&p);
    CHECK(!layout_bidi_needed("abc \xE2\x80\x94 \xE2\x80\x9C", 11));
    CHECK(layout_bidi_needed("a \xE2\x80\xAB b", 7));  /* RLE */
    CHECK(layout_bidi_needed("a \xE2\x81\xA7 b", 7));  /* RLI */
    CHECK(layout_bidi_needed("a \xD9\xA1", 4));        /* Arabic-Indic one */
    CHECK(layout_bidi_needed("x\xEF\xAC\x9D", 4));     /* U+FB1D */
    CHECK(layout_bidi_needed("x\xF0\x90\xA4\x80", 5)); /* Phoenician */
    layout_destroy(L);
    arena_fini(&d.ed.arena);
}

/* CJK: breaks between ideographs, no line past the measure, every
 * character once and in order, justified lines spread over the ideograph
 * breaks (no space added), to the right edge. */
static void
test_cjk(void)
{
    static const char *const chars[] = {"\xe6\xb8\xaf", "\xe5\x8f\xa3", "\xe7\x81\xaf",
                                        "\xe5\xa1\x94", "\xe6\x96\xb0", "\xe5\x85\x89",
                                        "\xe5\xb8\x82", "\xe6\xb0\x91", "\xe3\x80\x82",
                                        "\xe7\x9a\x84", "\xe8\x88\xb9"};
    static char text[4096];
    size_t len = 0;
    for (int i = 0; i < 1200; i++) {
        const char *c = chars[(i * 7 + i / 5) % 11];
        if (i % 37 == 36)
            c = "\xe3\x80\x82"; /* a full stop, which may not start a line */
        len += (size_t)snprintf(text + len, sizeof text - len, "%s", c);
    }
    struct doc d;
    doc_init(&d, "zh", "");
    add_para(&d, EDITION_BLOCK_PARAGRAPH, text);
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    struct layout_pages p;
    if (set_article(L, &d, 800, 480, &p)) {
        static char joined[8192];
        size_t jl = 0;
        int lines = 0, justified = 0;
        int32_t right = 0;
        for (size_t pi = 0; pi < p.count; pi++)
            for (size_t l = 0; l < p.pages[pi].line_count; l++) {
                const struct layout_line *ln = &p.pages[pi].lines[l];
                if (ln->role == LAYOUT_ROLE_BODY && ln->x + ln->w > right)
                    right = ln->x + ln->w;
            }
        for (size_t pi = 0; pi < p.count; pi++)
            for (size_t l = 0; l < p.pages[pi].line_count; l++) {
                const struct layout_page *pg = &p.pages[pi];
                const struct layout_line *ln = &pg->lines[l];
                if (ln->role != LAYOUT_ROLE_BODY)
                    continue;
                lines++;
                CHECK_MSG(!strchr(ln->text, ' '), "space in a CJK line: %s", ln->text);
                CHECK_MSG(strncmp(ln->text, "\xe3\x80\x82", 3) != 0, "line starts with 。");
                size_t tl = strlen(ln->text);
                if (jl + tl < sizeof joined) {
                    memcpy(joined + jl, ln->text, tl);
                    jl += tl;
                }
                for (uint32_t k = 0; k < ln->run_count; k++) {
                    const struct layout_run *r = &pg->runs[ln->first_run + k];
                    CHECK_MSG(r->x + r->w <= right, "run past the measure");
                }
                if (ln->run_count > 1 && ln->x + ln->w == right) {
                    const struct layout_run *a = &pg->runs[ln->first_run];
                    const struct layout_run *z = &pg->runs[ln->first_run + ln->run_count - 1];
                    justified += a->x == ln->x && z->x + z->w == right;
                }
            }
        joined[jl] = '\0';
        CHECK_MSG(jl == len && memcmp(joined, text, len) == 0, "CJK text changed: %zu of %zu", jl,
                  len);
        CHECK(lines >= 10);
        CHECK_MSG(justified >= lines / 2, "%d of %d lines justified", justified, lines);
    }
    layout_pages_fini(&p);
    layout_destroy(L);
    arena_fini(&d.ed.arena);
}

/* Languages without patterns get none (and no hyphen in their lines). */
static void
test_no_patterns(void)
{
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    CHECK(layout_hyph_for(L, "en") != NULL);
    CHECK(layout_hyph_for(L, "hi") == NULL);
    CHECK(layout_hyph_for(L, "ar") == NULL);
    CHECK(layout_hyph_for(L, "zh") == NULL);
    CHECK(layout_hyph_for(L, "he") == NULL);
    layout_destroy(L);
}

/* Hostile text: no crash, no sanitizer report, every line within the page,
 * output bounded by the input. */
static void
check_bounded(const struct layout_pages *p, size_t input, int W, const char *what)
{
    size_t bytes = 0, runs = 0;
    for (size_t pi = 0; pi < p->count; pi++) {
        const struct layout_page *pg = &p->pages[pi];
        runs += pg->run_count;
        for (size_t l = 0; l < pg->line_count; l++) {
            const struct layout_line *ln = &pg->lines[l];
            bytes += strlen(ln->text);
            CHECK_MSG(ln->x >= 0 && ln->x + ln->w <= W, "%s: line %d..%d outside %d", what, ln->x,
                      ln->x + ln->w, W);
        }
        for (size_t k = 0; k < pg->run_count; k++)
            CHECK_MSG(pg->runs[k].x >= 0 && pg->runs[k].x + pg->runs[k].w <= W,
                      "%s: run outside the page", what);
    }
    CHECK_MSG(bytes <= 2 * input + 4096, "%s: %zu bytes of lines for %zu of input", what, bytes,
              input);
    CHECK_MSG(runs <= input + 4096, "%s: %zu runs for %zu bytes", what, runs, input);
}

static void
test_hostile(void)
{
    static char buf[64 * 1024];
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    const char *dirs[] = {"", "rtl", "ltr"};
    for (int dv = 0; dv < 3; dv++) {
        for (int kind = 0; kind < 5; kind++) {
            size_t len = 0;
            switch (kind) {
            case 0: /* lone combining marks at the start */
                len = (size_t)snprintf(buf, sizeof buf,
                                       "\xcc\x81\xcc\x88\xd6\xb0\xd9\x8b " HE_LIGHT
                                       " \xcc\x81 abc \xd9\x8b");
                break;
            case 1: /* 1,000 nested controls of every kind */
                for (int i = 0; i < 1000 && len + 8 < sizeof buf; i++) {
                    static const char *const open[] = {
                        "\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xad", "\xe2\x80\xae",
                        "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8"};
                    memcpy(buf + len, open[i % 7], 3);
                    len += 3;
                    buf[len++] = i % 3 ? 'a' : ' ';
                }
                len += (size_t)snprintf(buf + len, sizeof buf - len, "%s", HE_LIGHT " x ");
                for (int i = 0; i < 1000 && len + 8 < sizeof buf; i++) {
                    memcpy(buf + len, i % 2 ? "\xe2\x80\xac" : "\xe2\x81\xa9", 3); /* PDF, PDI */
                    len += 3;
                }
                buf[len] = '\0';
                break;
            case 2: /* mixed scripts in one word */
                for (int i = 0; i < 40; i++)
                    len += (size_t)snprintf(buf + len, sizeof buf - len,
                                            "ab" HE_LIGHT "12\xd9\xa1\xd9\xa2" AR_LIGHT
                                            "\xd0\xb6\xe6\xb8\xaf(x" HE_NEW "] ");
                break;
            case 3: /* 10,000 characters with no break opportunity */
                for (int i = 0; i < 10000; i++)
                    buf[len++] = (char)('a' + i % 26);
                buf[len] = '\0';
                break;
            case 4: /* the same in Hebrew with a Latin name inside */
                for (int i = 0; i < 5000; i++) {
                    memcpy(buf + len, "\xd7\x90", 2);
                    len += 2;
                    if (i == 2500) {
                        memcpy(buf + len, "John", 4);
                        len += 4;
                    }
                }
                buf[len] = '\0';
                break;
            }
            struct doc d;
            doc_init(&d, dv == 1 ? "he" : "", dirs[dv]);
            add_para(&d, EDITION_BLOCK_PARAGRAPH, buf);
            add_para(&d, EDITION_BLOCK_LIST_ITEM, buf);
            add_para(&d, EDITION_BLOCK_SUBHEAD, buf);
            if (dv == 0) { /* the head and the page header once: slow to set */
                d.art.title = buf;
                d.art.section = buf;
                d.ed.title = buf;
            }
            char what[64];
            snprintf(what, sizeof what, "hostile %d dir '%s'", kind, dirs[dv]);
            int sizes[][2] = {{480, 272}, {800, 480}};
            for (int s = dv == 0 ? 0 : 1; s < 2; s++) {
                struct layout_pages p;
                if (set_article(L, &d, sizes[s][0], sizes[s][1], &p))
                    check_bounded(&p, 5 * len, sizes[s][0], what);
                layout_pages_fini(&p);
            }
            arena_fini(&d.ed.arena);
        }
    }
    layout_destroy(L);
}

int
main(void)
{
    test_rtl_paragraph();
    test_ltr_with_quotes();
    test_direction_from_text();
    test_ltr_skips_fribidi();
    test_cjk();
    test_no_patterns();
    test_hostile();
    return check_summary("layout_bidi");
}
