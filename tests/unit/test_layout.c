/* Layout tests with a fake fixed-advance font (every character px/2, a
 * space px/4, ascent 0.8 px, descent 0.2 px, line height 1.25 px) on
 * articles built by hand: breaking, justification, hyphenation (English and
 * Russian patterns), widows and orphans, subheads, figures, word order,
 * page numbering, columns, boxes at every size, re-pagination and the
 * index. No SDL. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "check.h"
#include "layout.h"
#include "layout_fake.h"

#ifndef NK_HYPHEN_DIR
#define NK_HYPHEN_DIR "/usr/share/hyphen"
#endif

/* ---- the fake font ---- */

static int
utf8_chars(const char *s, size_t len, int *spaces)
{
    int n = 0;
    *spaces = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (s[i] == ' ')
            (*spaces)++;
        else
            n++;
    }
    return n;
}

/* ---- building articles by hand ---- */

#define MAX_BLOCKS 256

struct doc {
    struct edition ed;
    struct edition_article art[8];
    struct edition_block blocks[8][MAX_BLOCKS];
    const char *sections[4];
};

static void
doc_init(struct doc *d, size_t articles)
{
    memset(d, 0, sizeof *d);
    arena_init(&d->ed.arena, 0);
    d->ed.title = "The Harbour Courier";
    d->ed.edition = "2026-11-28";
    d->ed.language = "en";
    d->ed.expires = "";
    d->ed.publisher = "";
    d->ed.articles = d->art;
    d->ed.article_count = articles;
    for (size_t i = 0; i < articles; i++) {
        struct edition_article *a = &d->art[i];
        a->path = arena_printf(&d->ed.arena, "articles/%03zu-test.md", i + 1);
        a->title = "Harbour lights return after a long winter";
        a->deck = "The old lamps along the quay shine again, and the town came out to see them";
        a->byline = "By Ada Lantern";
        a->date = "2026-11-27";
        a->section = "Town";
        a->language = "en";
        a->dir = "";
        a->body_loaded = true;
        a->blocks = d->blocks[i];
    }
}

static void
doc_fini(struct doc *d)
{
    arena_fini(&d->ed.arena);
}

/* A paragraph from text where '*' toggles italics and '#' toggles bold. */
static struct edition_block *
add_block(struct doc *d, size_t art, enum edition_block_kind kind, const char *text)
{
    struct edition_article *a = &d->art[art];
    struct edition_block *b = &d->blocks[art][a->block_count++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->level = 2;
    b->depth = 1;
    struct edition_span *spans = arena_alloc(&d->ed.arena, 64 * sizeof *spans);
    size_t n = 0;
    uint32_t style = 0;
    const char *p = text, *start = text;
    for (;; p++) {
        if (*p == '*' || *p == '#' || !*p) {
            if (p > start && n < 64)
                spans[n++] = (struct edition_span){start, (uint32_t)(p - start), style};
            if (!*p)
                break;
            style ^= *p == '*' ? EDITION_STYLE_EMPH : EDITION_STYLE_STRONG;
            start = p + 1;
        }
    }
    b->spans = spans;
    b->span_count = n;
    return b;
}

static void
add_figure(struct doc *d, size_t art, const char *image, uint32_t w, uint32_t h)
{
    struct edition_block *b = add_block(d, art, EDITION_BLOCK_FIGURE, "");
    b->figure.image = image;
    b->figure.caption = "Lamplighters at work on the north quay as the evening comes in";
    b->figure.credit = "Photo: Nell Harbour";
    b->figure.width = w;
    b->figure.height = h;
    if (!d->art[art].lead)
        d->art[art].lead = &b->figure;
}

static const char *const vocab[] = {
    "harbour", "lamp",   "quay",    "evening", "boats",     "the",    "town",   "council",
    "light",   "winter", "keepers", "of",      "a",         "salt",   "wind",   "people",
    "walked",  "along",  "water",   "old",     "returned",  "bright", "nights", "fishermen",
    "market",  "square", "bells",   "and",     "afternoon", "tide",   "rope",   "north",
};

/* Deterministic pseudo-random text of n words. */
static char *
words(struct doc *d, unsigned seed, int n)
{
    size_t cap = (size_t)n * 12 + 2, len = 0;
    char *s = arena_alloc(&d->ed.arena, cap);
    unsigned x = seed * 2654435761u + 12345u;
    for (int i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        const char *w = vocab[(x >> 16) % (sizeof vocab / sizeof vocab[0])];
        len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? " " : "", w);
    }
    return s;
}

/* ---- helpers over pages ---- */

static struct layout *
make_layout(void)
{
    return layout_create(&fake, NK_HYPHEN_DIR);
}

static bool
set_article(struct layout *L, struct doc *d, size_t art, int w, int h, float scale, bool nav,
            struct layout_pages *p)
{
    struct layout_config cfg;
    layout_config_default(&cfg, w, h);
    cfg.font_scale = scale;
    cfg.nav_bar = nav;
    layout_pages_init(p);
    struct err e = {0};
    bool ok = layout_article(L, &cfg, &d->ed, art, p, &e);
    CHECK_MSG(ok, "layout_article %dx%d scale %.2f: %s", w, h, scale, e.msg);
    return ok;
}

static bool
is_flow_role(uint8_t r)
{
    return r == LAYOUT_ROLE_BODY || r == LAYOUT_ROLE_SUBHEAD || r == LAYOUT_ROLE_QUOTE ||
           r == LAYOUT_ROLE_LIST;
}

/* Appends the words of every body-flow line in page order, joining words
 * split by an inserted hyphen and dropping list markers. */
static size_t
collect_words(const struct layout_pages *p, char *out, size_t cap)
{
    size_t len = 0;
    bool joining = false;
    out[0] = '\0';
    for (size_t i = 0; i < p->count; i++) {
        for (size_t l = 0; l < p->pages[i].line_count; l++) {
            const struct layout_line *ln = &p->pages[i].lines[l];
            if (!is_flow_role(ln->role))
                continue;
            const char *t = ln->text;
            if (ln->role == LAYOUT_ROLE_LIST && strncmp(t, "\xE2\x80\xA2 ", 4) == 0)
                t += 4;
            size_t tl = strlen(t);
            if (ln->hyphenated && tl)
                tl--; /* drop the inserted hyphen */
            if (len && !joining && len + 1 < cap)
                out[len++] = ' ';
            if (len + tl + 1 < cap) {
                memcpy(out + len, t, tl);
                len += tl;
            }
            out[len] = '\0';
            joining = ln->hyphenated;
        }
    }
    return len;
}

static bool
inside(int32_t x, int32_t y, int32_t w, int32_t h, int W, int H)
{
    return x >= 0 && y >= 0 && w >= 0 && h >= 0 && x + w <= W && y + h <= H;
}

static bool
overlap(int32_t ax, int32_t ay, int32_t aw, int32_t ah, int32_t bx, int32_t by, int32_t bw,
        int32_t bh)
{
    return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

/* Every box inside the page; no two lines or figures overlapping. */
static void
check_boxes(const struct layout_pages *p, int W, int H, const char *what)
{
    for (size_t i = 0; i < p->count; i++) {
        const struct layout_page *pg = &p->pages[i];
        for (size_t l = 0; l < pg->line_count; l++) {
            const struct layout_line *a = &pg->lines[l];
            CHECK_MSG(inside(a->x, a->y, a->w, a->h, W, H),
                      "%s page %zu line \"%s\" at %d,%d %dx%d", what, i + 1, a->text, a->x, a->y,
                      a->w, a->h);
            for (size_t k = l + 1; k < pg->line_count; k++) {
                const struct layout_line *b = &pg->lines[k];
                CHECK_MSG(!overlap(a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h),
                          "%s page %zu: \"%s\" overlaps \"%s\"", what, i + 1, a->text, b->text);
            }
            for (size_t f = 0; f < pg->figure_count; f++) {
                const struct layout_figure *g = &pg->figures[f];
                CHECK_MSG(!overlap(a->x, a->y, a->w, a->h, g->x, g->y, g->w, g->h),
                          "%s page %zu: \"%s\" overlaps figure %s", what, i + 1, a->text, g->image);
            }
        }
        for (size_t r = 0; r < pg->run_count; r++) {
            const struct layout_run *a = &pg->runs[r];
            CHECK_MSG(inside(a->x, a->y, a->w, a->h, W, H), "%s page %zu run \"%.*s\" outside",
                      what, i + 1, (int)a->len, a->text);
        }
        for (size_t f = 0; f < pg->figure_count; f++) {
            const struct layout_figure *g = &pg->figures[f];
            CHECK_MSG(inside(g->x, g->y, g->w, g->h, W, H), "%s page %zu figure outside", what,
                      i + 1);
            for (size_t k = f + 1; k < pg->figure_count; k++) {
                const struct layout_figure *b = &pg->figures[k];
                CHECK_MSG(!overlap(g->x, g->y, g->w, g->h, b->x, b->y, b->w, b->h),
                          "%s page %zu: figures overlap", what, i + 1);
            }
        }
        for (size_t r = 0; r < pg->rect_count; r++) {
            const struct layout_rect *a = &pg->rects[r];
            CHECK_MSG(inside(a->x, a->y, a->w, a->h, W, H), "%s page %zu rect outside", what,
                      i + 1);
        }
        for (size_t k = 0; k < pg->link_count; k++) {
            const struct layout_link *a = &pg->links[k];
            CHECK_MSG(inside(a->x, a->y, a->w, a->h, W, H), "%s page %zu link outside", what,
                      i + 1);
        }
    }
}

/* With LAYOUT_DUMP set in the environment, prints pages for debugging. */
static void
dump(const struct layout_pages *p, const char *what)
{
    if (!getenv("LAYOUT_DUMP"))
        return;
    for (size_t i = 0; i < p->count; i++) {
        const struct layout_page *pg = &p->pages[i];
        printf("== %s page %u of %u (first block %d)\n", what, pg->number, pg->of, pg->first_block);
        for (size_t l = 0; l < pg->line_count; l++) {
            const struct layout_line *ln = &pg->lines[l];
            printf("  %-8s b%-3d %4d,%-4d %4dx%-3d %s%s\n", layout_role_name(ln->role), ln->block,
                   ln->x, ln->y, ln->w, ln->h, ln->text, ln->hyphenated ? "  [hy]" : "");
        }
        for (size_t f = 0; f < pg->figure_count; f++)
            printf("  figure   b%-3d %4d,%-4d %4dx%-3d %s\n", pg->figures[f].block,
                   pg->figures[f].x, pg->figures[f].y, pg->figures[f].w, pg->figures[f].h,
                   pg->figures[f].image);
    }
}

/* ---- the tests ---- */

/* The Knuth-Plass objective for one line set with the fake font: the same
 * demerits the typesetter minimises, recomputed from the lines' text. */
struct line_cost {
    double demerits, sq_slack;
};

static void
cost_of_line(const char *text, int lw, int px, bool last, int *fit_prev, struct line_cost *c)
{
    int spaces, chars = utf8_chars(text, strlen(text), &spaces);
    int nat = (int)lround((chars * 2 + spaces) * px / 4.0);
    int sp = (int)lround(px / 4.0);
    if (last)
        return;
    double r;
    if (nat < lw)
        r = spaces ? (double)(lw - nat) / (spaces * ((sp * 2 + 1) / 3)) : 1e6;
    else if (nat > lw)
        r = spaces ? (double)(lw - nat) / (spaces * ((sp + 3) / 6)) : -1e6;
    else
        r = 0;
    double bad = 100.0 * fabs(r) * r * r;
    if (bad > 10000)
        bad = 10000;
    c->demerits += (10 + bad) * (10 + bad);
    int fit = r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1.0 ? 2 : 3;
    if (abs(fit - *fit_prev) > 1)
        c->demerits += 3000;
    *fit_prev = fit;
    c->sq_slack += (double)(lw - nat) * (lw - nat);
}

static void
test_total_fit_beats_greedy(void)
{
    struct layout *L = make_layout();
    int better = 0;
    for (unsigned seed = 1; seed <= 12; seed++) {
        struct doc d;
        doc_init(&d, 1);
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, seed, 70));
        struct layout_config cfg;
        layout_config_default(&cfg, 420, 2000);
        cfg.margin = 20;
        cfg.base_px = 20;
        cfg.hyphenate = false;
        cfg.nav_bar = false;
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        CHECK(layout_article(L, &cfg, &d.ed, 0, &p, &e));
        int lw = 420 - 40;
        /* the typesetter's body lines */
        struct line_cost kp = {0, 0};
        int fit = 1;
        size_t nlines = 0;
        const struct layout_line *body[64];
        for (size_t i = 0; i < p.count; i++)
            for (size_t l = 0; l < p.pages[i].line_count; l++)
                if (p.pages[i].lines[l].role == LAYOUT_ROLE_BODY && nlines < 64)
                    body[nlines++] = &p.pages[i].lines[l];
        for (size_t k = 0; k < nlines; k++)
            cost_of_line(body[k]->text, lw, 20, k + 1 == nlines, &fit, &kp);
        /* the greedy reference: as many words as fit on each line */
        const char *para = d.blocks[0][0].spans[0].text;
        struct line_cost gr = {0, 0};
        fit = 1;
        char line[512] = "";
        const char *w = para;
        while (*w) {
            const char *end = strchr(w, ' ');
            size_t wl = end ? (size_t)(end - w) : strlen(w);
            char trial[512];
            size_t ll = strlen(line);
            memcpy(trial, line, ll);
            if (ll)
                trial[ll++] = ' ';
            memcpy(trial + ll, w, wl);
            trial[ll + wl] = '\0';
            int spaces, chars = utf8_chars(trial, strlen(trial), &spaces);
            if ((chars * 2 + spaces) * 5 > lw && line[0]) {
                cost_of_line(line, lw, 20, false, &fit, &gr);
                snprintf(line, sizeof line, "%.*s", (int)wl, w);
            } else {
                memcpy(line, trial, strlen(trial) + 1);
            }
            w = end ? end + 1 : w + wl;
        }
        cost_of_line(line, lw, 20, true, &fit, &gr);
        CHECK_MSG(kp.demerits <= gr.demerits + 1e-6, "seed %u: total fit %.0f > greedy %.0f", seed,
                  kp.demerits, gr.demerits);
        if (kp.demerits < gr.demerits && kp.sq_slack < gr.sq_slack)
            better++;
        layout_pages_fini(&p);
        doc_fini(&d);
    }
    CHECK_MSG(better >= 3, "total fit beat greedy on only %d of 12 paragraphs", better);
    layout_destroy(L);
}

/* Justified lines end on the column's right edge; no line passes it. */
static void
test_justified_edges(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    for (unsigned k = 0; k < 6; k++)
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, k + 40, 60 + (int)k * 9));
    struct layout_config cfg;
    layout_config_default(&cfg, 800, 480);
    cfg.margin = 36;
    struct layout_pages p;
    layout_pages_init(&p);
    struct err e = {0};
    CHECK(layout_article(L, &cfg, &d.ed, 0, &p, &e));
    int left = 36, right = 800 - 36;
    int justified = 0;
    for (size_t i = 0; i < p.count; i++) {
        const struct layout_page *pg = &p.pages[i];
        for (size_t l = 0; l < pg->line_count; l++) {
            const struct layout_line *ln = &pg->lines[l];
            if (ln->role != LAYOUT_ROLE_BODY)
                continue;
            CHECK(ln->x >= left && ln->x + ln->w <= right);
            for (uint32_t r = 0; r < ln->run_count; r++) {
                const struct layout_run *run = &pg->runs[ln->first_run + r];
                CHECK(run->x >= left && run->x + run->w <= right);
            }
            /* the paragraph goes on after this line: it is justified */
            const struct layout_line *next = NULL;
            for (size_t k = l + 1; k < pg->line_count && !next; k++)
                if (pg->lines[k].role == LAYOUT_ROLE_BODY)
                    next = &pg->lines[k];
            if (!next && i + 1 < p.count)
                for (size_t k = 0; k < p.pages[i + 1].line_count && !next; k++)
                    if (p.pages[i + 1].lines[k].role == LAYOUT_ROLE_BODY)
                        next = &p.pages[i + 1].lines[k];
            if (next && next->block == ln->block) {
                const struct layout_run *last = &pg->runs[ln->first_run + ln->run_count - 1];
                CHECK_MSG(abs(last->x + last->w - right) <= 1, "line \"%s\" ends at %d, not %d",
                          ln->text, last->x + last->w, right);
                justified++;
            }
        }
    }
    CHECK(justified > 20);
    layout_pages_fini(&p);
    doc_fini(&d);
    layout_destroy(L);
}

static void
test_long_word_broken(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    static const char url[] =
        "https://example.org/harbour/lamps/archive/2026/the-very-long-path/index.html";
    char text[512];
    snprintf(text, sizeof text, "See %s for the archive of every lamp.", url);
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, text);
    struct layout_pages p;
    if (set_article(L, &d, 0, 320, 480, 1.0f, true, &p)) {
        struct layout_config cfg;
        layout_config_default(&cfg, 320, 480);
        int right = 320 - cfg.margin;
        char joined[1024] = "";
        int body_lines = 0;
        for (size_t i = 0; i < p.count; i++)
            for (size_t l = 0; l < p.pages[i].line_count; l++) {
                const struct layout_line *ln = &p.pages[i].lines[l];
                if (ln->role != LAYOUT_ROLE_BODY)
                    continue;
                body_lines++;
                CHECK_MSG(ln->x + ln->w <= right, "\"%s\" passes the margin", ln->text);
                for (uint32_t r = 0; r < ln->run_count; r++) {
                    const struct layout_run *run = &p.pages[i].runs[ln->first_run + r];
                    CHECK(run->x + run->w <= right && run->x >= cfg.margin);
                }
                strncat(joined, ln->text, sizeof joined - strlen(joined) - 1);
            }
        CHECK(body_lines >= 3);
        CHECK_CONTAINS(joined, url);
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

static int
count_hyphenated(const struct layout_pages *p, bool check_runs)
{
    int n = 0;
    for (size_t i = 0; i < p->count; i++)
        for (size_t l = 0; l < p->pages[i].line_count; l++) {
            const struct layout_line *ln = &p->pages[i].lines[l];
            if (!ln->hyphenated)
                continue;
            n++;
            size_t tl = strlen(ln->text);
            CHECK(tl && ln->text[tl - 1] == '-');
            if (check_runs && ln->run_count) {
                const struct layout_run *r = &p->pages[i].runs[ln->first_run + ln->run_count - 1];
                CHECK(r->len && r->text[r->len - 1] == '-');
            }
        }
    return n;
}

static void
test_hyphenation_english(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    static const char text[] =
        "Extraordinary responsibilities accompanied the unquestionably international "
        "reconstruction of the harbour, and the administration acknowledged considerable "
        "uncertainty about communication between departments and neighbourhood "
        "representatives throughout the reconstruction.";
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, text);
    struct layout_pages p;
    if (set_article(L, &d, 0, 300, 800, 1.0f, false, &p)) {
        CHECK_MSG(count_hyphenated(&p, true) >= 1, "no hyphenated line in a narrow column");
        static char got[4096];
        collect_words(&p, got, sizeof got);
        CHECK_STR(got, text);
        layout_pages_fini(&p);
    }
    /* without patterns or with hyphenation off: no inserted hyphen */
    struct layout_config cfg;
    layout_config_default(&cfg, 300, 800);
    cfg.hyphenate = false;
    cfg.nav_bar = false;
    layout_pages_init(&p);
    struct err e = {0};
    CHECK(layout_article(L, &cfg, &d.ed, 0, &p, &e));
    CHECK_INT(count_hyphenated(&p, true), 0);
    layout_pages_fini(&p);
    doc_fini(&d);
    layout_destroy(L);
}

static void
test_hyphenation_russian(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    d.art[0].language = "ru";
    d.art[0].title = "Огни гавани";
    static const char text[] =
        "Достопримечательности побережья привлекают многочисленных путешественников, "
        "которые интересуются историей судостроительного предприятия и "
        "высококвалифицированных специалистов городской администрации.";
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, text);
    struct layout_pages p;
    if (set_article(L, &d, 0, 300, 800, 1.0f, false, &p)) {
        CHECK_MSG(count_hyphenated(&p, true) >= 1, "no Russian word hyphenated");
        static char got[4096];
        collect_words(&p, got, sizeof got);
        CHECK_STR(got, text);
        bool cyrl = false;
        for (size_t l = 0; l < p.pages[0].line_count; l++) {
            const struct layout_line *ln = &p.pages[0].lines[l];
            if (ln->role == LAYOUT_ROLE_BODY && ln->run_count) {
                const struct layout_run *r = &p.pages[0].runs[ln->first_run];
                cyrl = r->props.script == (('C' << 24) | ('y' << 16) | ('r' << 8) | 'l') &&
                       strcmp(r->props.lang, "ru") == 0;
            }
        }
        CHECK_MSG(cyrl, "Russian runs carry script Cyrl and lang ru");
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

/* For every paragraph cut between columns, at least two of its lines on each
 * side; a subhead never ends a column. Columns are told apart by x. */
struct col_stats {
    int splits, checked;
};

static void
check_widows(const struct layout_pages *p, struct col_stats *st, const char *what)
{
    size_t ncols = 0;
    /* lines of the last paragraph at a column's bottom and of the same
     * paragraph at the next column's top */
    struct {
        int32_t first_block, last_block;
        int first_count, last_count;
        uint8_t last_role;
    } c2[64];
    for (size_t i = 0; i < p->count; i++) {
        int32_t colx = -1;
        for (size_t l = 0; l < p->pages[i].line_count; l++) {
            const struct layout_line *ln = &p->pages[i].lines[l];
            if (ln->role != LAYOUT_ROLE_BODY && ln->role != LAYOUT_ROLE_SUBHEAD)
                continue;
            int32_t cx = ln->x < p->pages[i].lines[0].x + 200 ? 0 : 1;
            if (colx != cx && ncols < 64) {
                colx = cx;
                c2[ncols].first_block = ln->block;
                c2[ncols].first_count = 0;
                c2[ncols].last_block = -1;
                c2[ncols].last_count = 0;
                ncols++;
            }
            if (ln->block == c2[ncols - 1].first_block && c2[ncols - 1].last_block <= ln->block &&
                c2[ncols - 1].last_count == c2[ncols - 1].first_count)
                c2[ncols - 1].first_count++;
            if (ln->block == c2[ncols - 1].last_block)
                c2[ncols - 1].last_count++;
            else {
                c2[ncols - 1].last_block = ln->block;
                c2[ncols - 1].last_count = 1;
            }
            c2[ncols - 1].last_role = ln->role;
        }
    }
    for (size_t k = 0; k + 1 < ncols; k++) {
        st->checked++;
        CHECK_MSG(c2[k].last_role != LAYOUT_ROLE_SUBHEAD, "%s: a subhead ends column %zu", what,
                  k + 1);
        if (c2[k].last_block == c2[k + 1].first_block) {
            st->splits++;
            CHECK_MSG(c2[k].last_count >= 2, "%s: orphan: 1 line of block %d ends column %zu", what,
                      c2[k].last_block, k + 1);
            CHECK_MSG(c2[k + 1].first_count >= 2, "%s: widow: 1 line of block %d starts column %zu",
                      what, c2[k + 1].first_block, k + 2);
        }
    }
}

static void
test_widows_orphans_subheads(void)
{
    struct layout *L = make_layout();
    struct col_stats st = {0, 0};
    for (int filler = 1; filler <= 60; filler += 2) {
        struct doc d;
        doc_init(&d, 1);
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 7, filler * 3));
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 8, 28)); /* about 3 lines */
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 9, 40));
        add_block(&d, 0, EDITION_BLOCK_SUBHEAD, "Lamps along the quay");
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 10, 50));
        add_block(&d, 0, EDITION_BLOCK_SUBHEAD, "What the keepers say");
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 11, 45));
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 12, 90));
        struct layout_pages p;
        if (set_article(L, &d, 0, 800, 480, 1.0f, true, &p)) {
            char what[32];
            snprintf(what, sizeof what, "filler %d", filler);
            check_widows(&p, &st, what);
            layout_pages_fini(&p);
        }
        doc_fini(&d);
    }
    CHECK_MSG(st.splits >= 10, "only %d paragraphs were split across columns", st.splits);
    CHECK(st.checked >= 30);
    layout_destroy(L);
}

/* A pull quote of four lines or more breaks between pages like a paragraph
 * (two lines at least on each side) rather than leaving a hole; the head
 * leaves room for four body lines on the first page. */
static void
test_quote_split_and_head(void)
{
    struct layout *L = make_layout();
    int splits = 0, checked = 0;
    for (int filler = 1; filler <= 40; filler++) {
        struct doc d;
        doc_init(&d, 1);
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 7, filler * 4));
        add_block(&d, 0, EDITION_BLOCK_QUOTE, words(&d, 8, 40));
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 9, 120));
        struct layout_pages p;
        if (set_article(L, &d, 0, 800, 480, 1.0f, true, &p)) {
            size_t per_page[64] = {0}, pages = 0, total = 0;
            for (size_t i = 0; i < p.count && i < 64; i++) {
                for (size_t l = 0; l < p.pages[i].line_count; l++)
                    per_page[i] += p.pages[i].lines[l].role == LAYOUT_ROLE_QUOTE;
                pages += per_page[i] > 0;
                total += per_page[i];
            }
            CHECK_MSG(total >= 4, "filler %d: the quote has %zu lines", filler, total);
            for (size_t i = 0; i < p.count && i < 64; i++)
                CHECK_MSG(per_page[i] == 0 || per_page[i] >= 2 || pages == 1,
                          "filler %d: %zu quote lines alone on page %zu", filler, per_page[i],
                          i + 1);
            splits += pages > 1;
            checked++;
            layout_pages_fini(&p);
        }
        doc_fini(&d);
    }
    CHECK_MSG(splits >= 3, "the quote was split in only %d of %d cases", splits, checked);
    for (int deck = 5; deck <= 45; deck += 10) {
        struct doc d;
        doc_init(&d, 1);
        d.art[0].title = words(&d, 40, 12);
        d.art[0].deck = words(&d, 41, deck);
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 42, 200));
        struct layout_pages p;
        if (set_article(L, &d, 0, 800, 480, 1.0f, true, &p)) {
            int body = 0;
            for (size_t l = 0; l < p.pages[0].line_count; l++)
                body += p.pages[0].lines[l].role == LAYOUT_ROLE_BODY;
            CHECK_MSG(body >= 4, "deck of %d words: %d body lines on the first page", deck, body);
            layout_pages_fini(&p);
        }
        doc_fini(&d);
    }
    layout_destroy(L);
}

static const struct layout_figure *
find_figure(const struct layout_pages *p, size_t *page)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->pages[i].figure_count) {
            *page = i;
            return &p->pages[i].figures[0];
        }
    return NULL;
}

static void
test_figure_kept_with_caption(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 3, 30));
    add_figure(&d, 0, "images/quay.jpg", 1200, 800);
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 4, 200));
    struct layout_pages p;
    if (set_article(L, &d, 0, 800, 480, 1.0f, true, &p)) {
        size_t pg = 0;
        const struct layout_figure *f = find_figure(&p, &pg);
        CHECK(f != NULL);
        if (f) {
            CHECK_MSG(fabs((double)f->w / f->h - 1.5) < 0.02, "aspect %dx%d", f->w, f->h);
            CHECK_MSG(f->h <= 480 / 2, "figure %d px tall on a 480 px page", f->h);
            CHECK_STR(f->image, "images/quay.jpg");
            int caption = 0, credit = 0;
            for (size_t l = 0; l < p.pages[pg].line_count; l++) {
                const struct layout_line *ln = &p.pages[pg].lines[l];
                if (ln->role == LAYOUT_ROLE_CAPTION) {
                    caption++;
                    CHECK(ln->y >= f->y + f->h);
                }
                if (ln->role == LAYOUT_ROLE_CREDIT) {
                    credit++;
                    CHECK(ln->y >= f->y + f->h);
                }
            }
            CHECK(caption >= 1);
            CHECK(credit == 1);
            for (size_t i = 0; i < p.count; i++)
                if (i != pg)
                    for (size_t l = 0; l < p.pages[i].line_count; l++)
                        CHECK(p.pages[i].lines[l].role != LAYOUT_ROLE_CAPTION &&
                              p.pages[i].lines[l].role != LAYOUT_ROLE_CREDIT);
        }
        layout_pages_fini(&p);
    }
    /* unknown size: 3:2 assumed */
    d.blocks[0][1].figure.width = 0;
    d.blocks[0][1].figure.height = 0;
    if (set_article(L, &d, 0, 800, 480, 1.0f, true, &p)) {
        size_t pg = 0;
        const struct layout_figure *f = find_figure(&p, &pg);
        CHECK(f && fabs((double)f->w / f->h - 1.5) < 0.02);
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

static void
test_figure_deferred(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    /* enough text to nearly fill the first page, then a tall figure */
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 5, 30));
    add_figure(&d, 0, "images/portrait.jpg", 800, 1000);
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 6, 120));
    struct layout_pages p;
    if (set_article(L, &d, 0, 800, 480, 1.0f, true, &p)) {
        dump(&p, "deferred");
        size_t pg = 0;
        const struct layout_figure *f = find_figure(&p, &pg);
        CHECK(f != NULL);
        CHECK_INT(pg, 1);
        /* text after the figure (block 2) filled page 1's gap */
        bool after_on_first = false;
        for (size_t l = 0; l < p.pages[0].line_count; l++)
            after_on_first |= p.pages[0].lines[l].block == 2;
        CHECK_MSG(after_on_first, "the paragraph after the figure did not fill page 1");
        /* and the figure heads its column on page 2 */
        if (f)
            for (size_t l = 0; l < p.pages[pg].line_count; l++) {
                const struct layout_line *ln = &p.pages[pg].lines[l];
                if (ln->role == LAYOUT_ROLE_BODY)
                    CHECK(ln->y >= f->y + f->h);
            }
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

/* A long article with every kind of block. */
static char *
long_article(struct doc *d, size_t art)
{
    size_t cap = 64 * 1024, len = 0;
    char *all = arena_alloc(&d->ed.arena, cap);
    for (unsigned k = 0; k < 40; k++) {
        const char *t;
        if (k % 9 == 4) {
            t = "The keepers count the lamps";
            add_block(d, art, EDITION_BLOCK_SUBHEAD, t);
        } else if (k % 13 == 7) {
            t = "\xE2\x80\x9CWe waited all winter for this,\xE2\x80\x9D said a fisherman.";
            add_block(d, art, EDITION_BLOCK_QUOTE, t);
        } else if (k % 11 == 5) {
            t = words(d, k, 14);
            add_block(d, art, EDITION_BLOCK_LIST_ITEM, t);
        } else if (k % 10 == 8) {
            add_figure(d, art, "images/lamps.jpg", 1600, 900);
            continue;
        } else {
            t = words(d, k + 100, 30 + (int)(k * 7) % 70);
            add_block(d, art, EDITION_BLOCK_PARAGRAPH, t);
        }
        len += (size_t)snprintf(all + len, cap - len, "%s%s", len ? " " : "", t);
    }
    return all;
}

static void
test_words_in_order_and_numbers(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    const char *all = long_article(&d, 0);
    static const int sizes[][2] = {{800, 480}, {1280, 800}, {480, 272}, {600, 1024}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct layout_pages p;
        if (!set_article(L, &d, 0, sizes[s][0], sizes[s][1], 1.0f, true, &p))
            continue;
        static char got[64 * 1024];
        collect_words(&p, got, sizeof got);
        CHECK_MSG(strcmp(got, all) == 0, "%dx%d: words differ:\n got %.200s\nwant %.200s",
                  sizes[s][0], sizes[s][1], got, all);
        CHECK(p.count >= 2);
        for (size_t i = 0; i < p.count; i++) {
            CHECK_INT(p.pages[i].number, i + 1);
            CHECK_INT(p.pages[i].of, p.count);
            CHECK_INT(p.pages[i].kind, LAYOUT_PAGE_ARTICLE);
            char want[64];
            snprintf(want, sizeof want, "page %zu of %zu", i + 1, p.count);
            bool footer = false, header = false;
            int nav = 0;
            for (size_t l = 0; l < p.pages[i].line_count; l++) {
                const struct layout_line *ln = &p.pages[i].lines[l];
                if (ln->role == LAYOUT_ROLE_FOOTER)
                    footer = strcmp(ln->text, want) == 0 ||
                             (strchr(ln->text, '/') && atoi(ln->text) == (int)i + 1);
                if (ln->role == LAYOUT_ROLE_HEADER)
                    header = strcmp(ln->text, "The Harbour Courier \xC2\xB7 Town") == 0;
            }
            for (size_t k = 0; k < p.pages[i].link_count; k++) {
                const struct layout_link *lk = &p.pages[i].links[k];
                nav++;
                CHECK(lk->h >= 40 && lk->w >= 40);
                if (lk->action == LAYOUT_ACTION_PREV_STORY ||
                    lk->action == LAYOUT_ACTION_NEXT_STORY)
                    CHECK(!lk->enabled); /* the only article */
            }
            CHECK_MSG(footer, "%dx%d page %zu: no footer \"%s\"", sizes[s][0], sizes[s][1], i + 1,
                      want);
            CHECK(header);
            CHECK_INT(nav, 6); /* previous, contents, next, theme, A-, A+ */
        }
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

static int
body_columns(const struct layout_pages *p, int W)
{
    bool left = false, right = false;
    for (size_t i = 0; i < p->count; i++)
        for (size_t l = 0; l < p->pages[i].line_count; l++) {
            const struct layout_line *ln = &p->pages[i].lines[l];
            if (ln->role != LAYOUT_ROLE_BODY)
                continue;
            if (ln->x + ln->w <= W / 2 + 2)
                left = true;
            else if (ln->x >= W / 2 - 2)
                right = true;
            else
                return 1; /* a line across the middle: one column */
        }
    return left && right ? 2 : 1;
}

static void
test_columns(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    long_article(&d, 0);
    static const struct {
        int w, h, cols;
    } cases[] = {{1280, 800, 2}, {1920, 1080, 2}, {800, 480, 1},
                 {1024, 600, 2}, {600, 1024, 1},  {1080, 1920, 1}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct layout_pages p;
        if (set_article(L, &d, 0, cases[k].w, cases[k].h, 1.0f, true, &p)) {
            if (k == 3)
                dump(&p, "columns");
            CHECK_MSG(body_columns(&p, cases[k].w) == cases[k].cols, "%dx%d: expected %d columns",
                      cases[k].w, cases[k].h, cases[k].cols);
            layout_pages_fini(&p);
        }
    }
    doc_fini(&d);
    layout_destroy(L);
}

static void
test_every_size_and_scale(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    long_article(&d, 0);
    d.art[0].title = "A very long headline about the harbour lights, the lamplighters, the "
                     "council, the winter storms and everything else that happened this year";
    static const int sizes[][2] = {{480, 272},  {800, 480},   {1024, 600}, {600, 1024},
                                   {1280, 800}, {1920, 1080}, {1080, 1920}};
    static const float scales[] = {0.75f, 1.0f, 1.5f, 2.0f};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
            struct layout_pages p;
            if (!set_article(L, &d, 0, sizes[s][0], sizes[s][1], scales[k], true, &p))
                continue;
            char what[64];
            snprintf(what, sizeof what, "%dx%d at %.2f", sizes[s][0], sizes[s][1], scales[k]);
            check_boxes(&p, sizes[s][0], sizes[s][1], what);
            layout_pages_fini(&p);
        }
    doc_fini(&d);
    layout_destroy(L);
}

static void
test_page_for_block(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    long_article(&d, 0);
    struct layout_pages a, b;
    if (set_article(L, &d, 0, 800, 480, 1.0f, true, &a)) {
        CHECK(a.count >= 4);
        size_t from = a.count / 2;
        int32_t block = a.pages[from].first_block;
        CHECK(block > 0);
        /* the first page holding the block: this one, or the one before
         * when the paragraph started there */
        size_t at = layout_page_for_block(&a, block);
        CHECK(at == from || (at + 1 == from && a.pages[at].first_block <= block));
        if (set_article(L, &d, 0, 800, 480, 1.5f, true, &b)) {
            CHECK(b.count > a.count);
            size_t to = layout_page_for_block(&b, block);
            bool holds = false;
            for (size_t l = 0; l < b.pages[to].line_count; l++)
                holds |= b.pages[to].lines[l].block == block;
            for (size_t f = 0; f < b.pages[to].figure_count; f++)
                holds |= b.pages[to].figures[f].block == block;
            CHECK_MSG(holds, "page %zu after re-layout does not hold block %d", to, block);
            layout_pages_fini(&b);
        }
        layout_pages_fini(&a);
    }
    CHECK_INT(layout_page_for_block(NULL, 3), 0);
    doc_fini(&d);
    layout_destroy(L);
}

static void
test_index(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 6);
    d.sections[0] = "Town";
    d.sections[1] = "Sea";
    d.ed.sections = d.sections;
    d.ed.section_count = 2;
    static const char *const secs[] = {"Sea", "Town", "Weather", "Sea", "", "Town"};
    for (size_t i = 0; i < 6; i++) {
        d.art[i].section = secs[i];
        d.art[i].title = words(&d, (unsigned)i + 300, 4 + (int)i * 3);
        d.art[i].body_loaded = false;
        if (i % 2 == 0)
            add_figure(&d, i, "images/thumb.jpg", 1000, 700);
    }
    d.art[3].deck = words(&d, 77, 60); /* cut to about 20 words */
    static const int sizes[][2] = {{800, 480}, {1280, 800}, {480, 272}, {1080, 1920}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct layout_config cfg;
        layout_config_default(&cfg, sizes[s][0], sizes[s][1]);
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        CHECK(layout_index(L, &cfg, &d.ed, true, &p, &e));
        int links[6] = {0};
        int sections = 0;
        bool badge = false, date = false, deck_cut = false;
        for (size_t i = 0; i < p.count; i++) {
            CHECK_INT(p.pages[i].kind, LAYOUT_PAGE_INDEX);
            CHECK_INT(p.pages[i].of, p.count);
            for (size_t k = 0; k < p.pages[i].link_count; k++) {
                const struct layout_link *lk = &p.pages[i].links[k];
                if (lk->action == LAYOUT_ACTION_OPEN_ARTICLE && lk->article >= 0 && lk->article < 6)
                    links[lk->article]++;
                if (lk->action == LAYOUT_ACTION_SECTION)
                    sections++;
            }
            for (size_t l = 0; l < p.pages[i].line_count; l++) {
                const char *t = p.pages[i].lines[l].text;
                badge |= strcmp(t, "OUT OF DATE") == 0;
                date |= strcmp(t, "Saturday 28 November 2026") == 0;
                deck_cut |= strstr(t, "\xE2\x80\xA6") != NULL;
            }
        }
        for (size_t i = 0; i < 6; i++)
            CHECK_MSG(links[i] == 1, "%dx%d: article %zu has %d links", sizes[s][0], sizes[s][1], i,
                      links[i]);
        CHECK_INT(sections, 4); /* Town, Sea, then Weather and More */
        /* entries in two columns on landscape screens wide enough, one on
         * narrow and portrait ones; the masthead page lists entries too */
        int32_t xs[2] = {-1, -1};
        int columns = 0, first_page_entries = 0;
        for (size_t i = 0; i < p.count; i++)
            for (size_t k = 0; k < p.pages[i].link_count; k++) {
                const struct layout_link *lk = &p.pages[i].links[k];
                if (lk->action != LAYOUT_ACTION_OPEN_ARTICLE)
                    continue;
                first_page_entries += i == 0;
                if (columns < 2 && xs[0] != lk->x && xs[1] != lk->x)
                    xs[columns++] = lk->x;
            }
        bool two = sizes[s][0] >= 800 && sizes[s][0] > sizes[s][1];
        CHECK_MSG(columns == (two ? 2 : 1), "%dx%d: index entries in %d columns", sizes[s][0],
                  sizes[s][1], columns);
        CHECK_MSG(first_page_entries >= (two ? 2 : 1), "%dx%d: %d entries under the masthead",
                  sizes[s][0], sizes[s][1], first_page_entries);
        /* every section label's number is that of the entries under it (the
         * ui jumps to the first entry whose article is in that section) */
        int32_t label = -2;
        int labels_ok = 0;
        for (size_t i = 0; i < p.count; i++)
            for (size_t k = 0; k < p.pages[i].link_count; k++) {
                const struct layout_link *lk = &p.pages[i].links[k];
                if (lk->action == LAYOUT_ACTION_SECTION) {
                    label = lk->section;
                } else if (lk->action == LAYOUT_ACTION_OPEN_ARTICLE && label != -2) {
                    CHECK_INT(layout_section_of(&d.ed, (size_t)lk->article), label);
                    labels_ok++;
                    label = -2;
                }
            }
        CHECK_INT(labels_ok, 4);
        /* one theme button a page, at the footer's right end, a touch
         * target clear of every entry and label */
        for (size_t i = 0; i < p.count; i++) {
            const struct layout_page *pg = &p.pages[i];
            int themes = 0;
            for (size_t k = 0; k < pg->link_count; k++) {
                const struct layout_link *t = &pg->links[k];
                if (t->action != LAYOUT_ACTION_THEME)
                    continue;
                themes++;
                CHECK_MSG(t->enabled && t->w >= 44 && t->h >= 24 && t->x + t->w <= sizes[s][0] &&
                              t->y + t->h == sizes[s][1] && t->x + t->w > sizes[s][0] * 3 / 4,
                          "%dx%d page %zu: theme button %d,%d %dx%d", sizes[s][0], sizes[s][1],
                          i + 1, t->x, t->y, t->w, t->h);
                for (size_t j = 0; j < pg->link_count; j++) {
                    const struct layout_link *o = &pg->links[j];
                    if (j != k)
                        CHECK_MSG(o->y + o->h <= t->y || o->x + o->w <= t->x || t->x + t->w <= o->x,
                                  "%dx%d page %zu: link %zu overlaps the theme button", sizes[s][0],
                                  sizes[s][1], i + 1, j);
                }
            }
            CHECK_INT(themes, 1);
        }
        static const char *const want_order[] = {"TOWN", "SEA", "WEATHER", "MORE"};
        size_t seen = 0;
        for (size_t i = 0; i < p.count; i++)
            for (size_t l = 0; l < p.pages[i].line_count; l++)
                if (p.pages[i].lines[l].role == LAYOUT_ROLE_SECTION && seen < 4 &&
                    strcmp(p.pages[i].lines[l].text, want_order[seen]) == 0)
                    seen++;
        CHECK_MSG(seen == 4, "%dx%d: sections out of order (%zu in order)", sizes[s][0],
                  sizes[s][1], seen);
        CHECK(badge);
        CHECK(date);
        CHECK(deck_cut);
        char what[32];
        snprintf(what, sizeof what, "index %dx%d", sizes[s][0], sizes[s][1]);
        check_boxes(&p, sizes[s][0], sizes[s][1], what);
        layout_pages_fini(&p);
    }
    /* listed sections keep their manifest number; the others follow */
    static const int32_t want_sec[] = {1, 0, 2, 1, 3, 0};
    for (size_t i = 0; i < 6; i++)
        CHECK_INT(layout_section_of(&d.ed, i), want_sec[i]);
    CHECK_INT(layout_section_of(&d.ed, 6), -1);
    CHECK_INT(layout_section_of(NULL, 0), -1);
    doc_fini(&d);
    layout_destroy(L);
}

/* An edition of n articles for the index alone (bodies not loaded): titles
 * from words(), every other one with a thumbnail, decks from deck(i). */
static struct edition
index_edition(struct doc *d, size_t n, const char *(*deck)(struct doc *, size_t))
{
    static const struct edition_figure thumb = {"images/thumb.jpg", "", "", 1000, 700};
    struct edition ed = d->ed;
    ed.article_count = n;
    ed.articles = arena_alloc(&d->ed.arena, n * sizeof *ed.articles);
    ed.section_count = 0;
    for (size_t i = 0; i < n && ed.articles; i++) {
        struct edition_article *a = &ed.articles[i];
        *a = d->art[0];
        a->path = arena_printf(&d->ed.arena, "articles/%04zu.md", i);
        a->title = words(d, (unsigned)i + 900, 3 + (int)(i % 7));
        a->deck = deck(d, i);
        a->section = i % 3 ? "Town" : "Sea";
        a->body_loaded = false;
        a->blocks = NULL;
        a->block_count = 0;
        a->lead = i % 2 ? NULL : &thumb;
    }
    return ed;
}

static const char *
mixed_deck(struct doc *d, size_t i)
{
    return words(d, (unsigned)i + 4000, 6 + (int)(i * 7 % 23));
}

/* The index's entries of p: 1 when every thumbnail is right of its
 * headline (tight), 0 when every one is left of the snippet (compact), -1
 * when mixed or none. */
static int
tight_form(const struct layout_pages *p)
{
    int right = 0, left = 0;
    for (size_t i = 0; i < p->count; i++) {
        const struct layout_page *pg = &p->pages[i];
        for (size_t f = 0; f < pg->figure_count; f++) {
            const struct layout_figure *fg = &pg->figures[f];
            for (size_t k = 0; k < pg->link_count; k++) {
                const struct layout_link *lk = &pg->links[k];
                if (lk->action != LAYOUT_ACTION_OPEN_ARTICLE || fg->x < lk->x ||
                    fg->x >= lk->x + lk->w || fg->y < lk->y || fg->y >= lk->y + lk->h)
                    continue;
                if (fg->x + fg->w / 2 > lk->x + lk->w / 2)
                    right++;
                else
                    left++;
            }
        }
    }
    return right && !left ? 1 : left && !right ? 0 : -1;
}

/* The tight entries are tried on a short index only: some short editions
 * at 800x480 pick them (their compact last page nearly empty), a long one
 * (over INDEX_TIGHT_MAX_PAGES compact pages) keeps compact entries however
 * full its last page is, so its index is set once. */
static void
test_index_tight(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    struct layout_config cfg;
    layout_config_default(&cfg, 800, 480);
    int tight_short = 0, compact_long = 0, long_runs = 0;
    for (size_t n = 4; n <= 40; n++) {
        struct edition ed = index_edition(&d, n, mixed_deck);
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        CHECK_MSG(layout_index(L, &cfg, &ed, false, &p, &e), "%zu entries: %s", n, e.msg);
        int form = tight_form(&p);
        CHECK_MSG(form >= 0, "%zu entries: thumbnails in both forms", n);
        if (form == 1) {
            tight_short++;
            CHECK_MSG(p.count <= 12, "%zu entries: tight on %zu pages", n, p.count);
        }
        layout_pages_fini(&p);
    }
    for (size_t n = 150; n < 170; n++) {
        struct edition ed = index_edition(&d, n, mixed_deck);
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        CHECK_MSG(layout_index(L, &cfg, &ed, false, &p, &e), "%zu entries: %s", n, e.msg);
        long_runs++;
        compact_long += p.count > 12 && tight_form(&p) == 0;
        layout_pages_fini(&p);
    }
    CHECK_MSG(tight_short > 0, "no short edition picked the tight entries");
    CHECK_INT(compact_long, long_runs);
    doc_fini(&d);
    layout_destroy(L);
}

/* A deck of n copies of one four-letter word. */
static const char *
uniform_deck(struct doc *d, size_t i)
{
    int n = 2 + (int)(i % 30);
    char *s = arena_alloc(&d->ed.arena, (size_t)n * 5 + 1);
    for (int k = 0; k < n; k++)
        memcpy(s + k * 5, k + 1 < n ? "word " : "word", k + 1 < n ? 5 : 4);
    return s;
}

/* Lines of width w that k four-letter words take, the last with an
 * ellipsis when cut, in the fake font at px (greedy: with equal words it
 * is the fewest lines). */
static int
uniform_lines(int k, bool cut, int w, int px)
{
    int word = (int)lround(8 * px / 4.0), last = (int)lround((cut ? 10 : 8) * px / 4.0);
    int space = (int)lround(px / 4.0), lines = 1, x = 0;
    for (int i = 0; i < k; i++) {
        int ww = i + 1 == k ? last : word;
        if (x && x + space + ww > w) {
            lines++;
            x = 0;
        }
        x += (x ? space : 0) + ww;
    }
    return lines;
}

/* The snippet lines of the entry of link lk: their count, the words
 * ("word") on them, whether cut (an ellipsis) and their size. */
static int
snippet_of(const struct layout_page *pg, const struct layout_link *lk, int *words, bool *cut,
           int *px)
{
    int lines = 0;
    *words = 0;
    *cut = false;
    for (size_t l = 0; l < pg->line_count; l++) {
        const struct layout_line *ln = &pg->lines[l];
        if (ln->role != LAYOUT_ROLE_DECK || ln->x < lk->x || ln->x >= lk->x + lk->w ||
            ln->y < lk->y || ln->y >= lk->y + lk->h)
            continue;
        lines++;
        *px = pg->runs[ln->first_run].font.px;
        for (const char *t = strstr(ln->text, "word"); t; t = strstr(t + 4, "word"))
            (*words)++;
        *cut |= strstr(ln->text, "\xE2\x80\xA6") != NULL;
    }
    return lines;
}

/* Each snippet is the longest try (20, 17, 14, 11, 8, 7 ... words) that
 * fits the entry's snippet lines (two for compact entries, one for tight
 * ones: the most any entry shows), however many tries are skipped without
 * being set. Short and long indexes, so both forms are seen. */
static void
test_index_snippets(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    static const size_t counts[] = {60, 200};
    int forms[3] = {0};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        struct layout_config cfg;
        layout_config_default(&cfg, 1280, 800);
        struct edition ed = index_edition(&d, counts[c], uniform_deck);
        for (size_t i = 0; i < ed.article_count; i++)
            ed.articles[i].lead = NULL; /* the snippet takes the column's width */
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        CHECK_MSG(layout_index(L, &cfg, &ed, false, &p, &e), "%s", e.msg);
        int max = 0, checked = 0, words, px = 0;
        bool cut;
        for (size_t i = 0; i < p.count; i++)
            for (size_t k = 0; k < p.pages[i].link_count; k++)
                if (p.pages[i].links[k].action == LAYOUT_ACTION_OPEN_ARTICLE) {
                    int n = snippet_of(&p.pages[i], &p.pages[i].links[k], &words, &cut, &px);
                    max = n > max ? n : max;
                }
        CHECK(max == 1 || max == 2);
        if (max >= 1 && max <= 2)
            forms[max]++;
        for (size_t i = 0; i < p.count; i++) {
            const struct layout_page *pg = &p.pages[i];
            for (size_t k = 0; k < pg->link_count; k++) {
                const struct layout_link *lk = &pg->links[k];
                if (lk->action != LAYOUT_ACTION_OPEN_ARTICLE)
                    continue;
                int lines = snippet_of(pg, lk, &words, &cut, &px);
                int total = 2 + lk->article % 30;
                static const int tries[] = {20, 17, 14, 11, 8, 7, 6, 5, 4, 3};
                int want = 3;
                for (size_t t = 0; t < sizeof tries / sizeof tries[0]; t++) {
                    int n = tries[t] < total ? tries[t] : total;
                    if (uniform_lines(n, n < total, lk->w, px) <= max) {
                        want = n;
                        break;
                    }
                }
                CHECK_MSG(lines >= 1 && lines <= max, "entry %d: %d snippet lines", lk->article,
                          lines);
                CHECK_MSG(words == want, "%zu entries: entry %d of %d words: %d shown, want %d",
                          counts[c], lk->article, total, words, want);
                CHECK_MSG(cut == (want < total), "entry %d: ellipsis %d", lk->article, cut);
                checked++;
            }
        }
        CHECK_INT(checked, counts[c]);
        layout_pages_fini(&p);
    }
    CHECK_MSG(forms[1] && forms[2], "one-line snippets in %d, two-line in %d indexes", forms[1],
              forms[2]);
    doc_fini(&d);
    layout_destroy(L);
}

static void
test_screen_and_errors(void)
{
    struct layout *L = make_layout();
    struct layout_config cfg;
    layout_config_default(&cfg, 800, 480);
    struct layout_pages p;
    layout_pages_init(&p);
    static const char *const lines[] = {
        "Copy a bundle to the root of a USB stick and plug it in.",
        "The kiosk checks it and shows the new edition.",
    };
    struct err e = {0};
    CHECK(layout_screen(L, &cfg, "No edition installed", lines, 2, &p, &e));
    CHECK_INT(p.count, 1);
    if (p.count) {
        CHECK_INT(p.pages[0].kind, LAYOUT_PAGE_SCREEN);
        CHECK(p.pages[0].line_count >= 3);
        const struct layout_line *t = &p.pages[0].lines[0];
        CHECK_STR(t->text, "No edition installed");
        CHECK(abs((t->x + t->w / 2) - 400) <= 1); /* centred */
        CHECK(t->y > 100);                        /* vertically centred block */
        check_boxes(&p, 800, 480, "screen");
    }
    layout_pages_fini(&p);

    struct doc d;
    doc_init(&d, 1);
    d.art[0].body_loaded = false;
    layout_pages_init(&p);
    CHECK(!layout_article(L, &cfg, &d.ed, 0, &p, &e));
    CHECK_CONTAINS(e.msg, "articles/001-test.md");
    CHECK_CONTAINS(e.msg, "not loaded");
    CHECK(!layout_article(L, &cfg, &d.ed, 5, &p, &e));
    /* a screen too small to set anything: refused with a clear message */
    d.art[0].body_loaded = true;
    struct layout_config tiny;
    layout_config_default(&tiny, 0, 0);
    CHECK(!layout_article(L, &tiny, &d.ed, 0, &p, &e));
    CHECK_CONTAINS(e.msg, "0x0 screen is too small");
    CHECK(!layout_index(L, &tiny, &d.ed, false, &p, &e));
    CHECK(!layout_screen(L, &tiny, "t", NULL, 0, &p, &e));
    CHECK_INT(p.count, 0);
    layout_pages_fini(&p);
    doc_fini(&d);

    CHECK_STR(layout_role_name(LAYOUT_ROLE_HEADLINE), "headline");
    CHECK_STR(layout_role_name(LAYOUT_ROLE_FOOTER), "footer");
    layout_destroy(NULL);
    layout_destroy(L);
}

/* Odd but possible input: no crash, no box outside the page, no empty
 * lines, ragged lines inside the column. */
/* The headline is set at twice the body size, one step smaller when it would
 * fill more than a third of the first page; the head block comes first. */
static void
test_headline(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 1, 80));
    static const char *const titles[] = {
        "Lamps return",
        "A very long headline about the harbour lights, the lamplighters, the council, the "
        "winter storms, the ferry and everything else that happened along the quay this year",
    };
    for (size_t t = 0; t < 2; t++) {
        d.art[0].title = titles[t];
        struct layout_pages p;
        if (!set_article(L, &d, 0, 800, 480, 1.0f, true, &p))
            continue;
        const struct layout_page *pg = &p.pages[0];
        int px = 0, top = 480, bottom = 0, body_px = 0;
        for (size_t r = 0; r < pg->run_count; r++) {
            if (pg->runs[r].role == LAYOUT_ROLE_HEADLINE)
                px = pg->runs[r].font.px;
            if (pg->runs[r].role == LAYOUT_ROLE_BODY)
                body_px = pg->runs[r].font.px;
        }
        for (size_t l = 0; l < pg->line_count; l++)
            if (pg->lines[l].role == LAYOUT_ROLE_HEADLINE) {
                if (pg->lines[l].y < top)
                    top = pg->lines[l].y;
                if (pg->lines[l].y + pg->lines[l].h > bottom)
                    bottom = pg->lines[l].y + pg->lines[l].h;
            }
        CHECK_INT(body_px, 20);
        if (t == 0) {
            CHECK_INT(px, 40);
        } else {
            CHECK_MSG(px < 40 && px > 20, "long headline at %d px", px);
            CHECK_MSG((bottom - top) * 3 <= 480, "long headline %d px tall", bottom - top);
        }
        /* reading order: section, headline, deck, byline, then body */
        static const uint8_t order[] = {LAYOUT_ROLE_HEADER,   LAYOUT_ROLE_SECTION,
                                        LAYOUT_ROLE_HEADLINE, LAYOUT_ROLE_DECK,
                                        LAYOUT_ROLE_BYLINE,   LAYOUT_ROLE_BODY};
        size_t k = 0;
        for (size_t l = 0; l < pg->line_count && k < sizeof order; l++) {
            if (pg->lines[l].role == order[k])
                continue;
            if (k + 1 < sizeof order && pg->lines[l].role == order[k + 1])
                k++;
        }
        CHECK_INT(k, sizeof order - 1);
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

/* Pages hold copies: they stay readable after the edition's strings are
 * freed (AddressSanitizer would report a use after free). */
static void
test_pages_outlive_edition(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    d.art[0].language = arena_strdup(&d.ed.arena, "en");
    d.art[0].section = arena_strdup(&d.ed.arena, "Town");
    d.ed.title = arena_strdup(&d.ed.arena, "The Harbour Courier");
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 21, 120));
    add_figure(&d, 0, arena_strdup(&d.ed.arena, "images/quay.jpg"), 1200, 800);
    d.blocks[0][1].figure.caption = arena_strdup(&d.ed.arena, "The quay at dusk");
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 22, 60));
    struct layout_pages p, ix;
    bool ok = set_article(L, &d, 0, 800, 480, 1.0f, true, &p);
    struct layout_config cfg;
    layout_config_default(&cfg, 800, 480);
    layout_pages_init(&ix);
    struct err e = {0};
    ok = layout_index(L, &cfg, &d.ed, false, &ix, &e) && ok;
    CHECK(ok);
    doc_fini(&d);
    size_t bytes = 0;
    const struct layout_pages *sets[] = {&p, &ix};
    for (size_t k = 0; k < 2 && ok; k++)
        for (size_t i = 0; i < sets[k]->count; i++) {
            const struct layout_page *pg = &sets[k]->pages[i];
            for (size_t l = 0; l < pg->line_count; l++)
                bytes += strlen(pg->lines[l].text);
            for (size_t r = 0; r < pg->run_count; r++)
                bytes +=
                    strnlen(pg->runs[r].text, pg->runs[r].len) + strlen(pg->runs[r].props.lang);
            for (size_t f = 0; f < pg->figure_count; f++)
                bytes += strlen(pg->figures[f].image) + strlen(pg->figures[f].caption) +
                         strlen(pg->figures[f].credit);
        }
    CHECK(bytes > 1000);
    layout_pages_fini(&p);
    layout_pages_fini(&ix);
    layout_destroy(L);
}

/* The navigation bar: previous greyed on the first story, next on the last;
 * A-/A+ greyed at the ends of the scale (0.75 and 2.5); the theme button
 * always there and enabled, in the right-hand group with A-/A+. */
static void
test_nav_bar(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 3);
    for (size_t a = 0; a < 3; a++)
        add_block(&d, a, EDITION_BLOCK_PARAGRAPH, words(&d, (unsigned)a, 40));
    static const struct {
        size_t article;
        float scale;
        bool prev, next, smaller, larger;
    } cases[] = {
        {0, 1.0f, false, true, true, true},
        {1, 0.75f, true, true, false, true},
        {2, 2.0f, true, false, true, true},
        {2, 2.5f, true, false, true, false},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct layout_pages p;
        if (!set_article(L, &d, cases[k].article, 800, 480, cases[k].scale, true, &p))
            continue;
        for (size_t i = 0; i < p.count; i++) {
            int found = 0, theme_x = -1, smaller_x = -1, contents_x = -1;
            for (size_t j = 0; j < p.pages[i].link_count; j++) {
                const struct layout_link *lk = &p.pages[i].links[j];
                bool want = true;
                switch ((enum layout_action)lk->action) {
                case LAYOUT_ACTION_PREV_STORY:
                    want = cases[k].prev;
                    break;
                case LAYOUT_ACTION_NEXT_STORY:
                    want = cases[k].next;
                    break;
                case LAYOUT_ACTION_FONT_SMALLER:
                    want = cases[k].smaller;
                    break;
                case LAYOUT_ACTION_FONT_LARGER:
                    want = cases[k].larger;
                    break;
                case LAYOUT_ACTION_THEME:
                    theme_x = lk->x;
                    break;
                case LAYOUT_ACTION_CONTENTS:
                    contents_x = lk->x;
                    break;
                default:
                    break;
                }
                if (lk->action == LAYOUT_ACTION_FONT_SMALLER)
                    smaller_x = lk->x;
                CHECK_MSG(lk->enabled == want, "article %zu action %d enabled %d", cases[k].article,
                          lk->action, lk->enabled);
                CHECK(lk->y + lk->h == 480 && lk->h >= 40);
                found++;
            }
            CHECK_INT(found, 6);
            CHECK_MSG(theme_x > contents_x && theme_x < smaller_x,
                      "theme button at x %d: contents at %d, A- at %d", theme_x, contents_x,
                      smaller_x);
            /* the theme button holds its icon, a shape and no text: an
             * English page opens no symbol font for it */
            int icons = 0;
            for (size_t r = 0; r < p.pages[i].rect_count; r++) {
                const struct layout_rect *rc = &p.pages[i].rects[r];
                if (rc->shape == LAYOUT_SHAPE_FILL)
                    continue;
                icons++;
                CHECK_INT(rc->shape, LAYOUT_SHAPE_THEME);
                CHECK_MSG(rc->x >= theme_x && rc->w >= 8 && rc->h == rc->w && rc->y > 420 &&
                              rc->y + rc->h < 480,
                          "theme icon at %d,%d %dx%d, its button at x %d", rc->x, rc->y, rc->w,
                          rc->h, theme_x);
            }
            CHECK_INT(icons, 1);
            for (size_t l = 0; l < p.pages[i].line_count; l++)
                CHECK_MSG(p.pages[i].lines[l].text[0] != '\0', "an empty line on page %zu", i);
        }
        layout_pages_fini(&p);
    }
    /* without the bar: a footer line and no links */
    struct layout_pages p;
    if (set_article(L, &d, 1, 800, 480, 1.0f, false, &p)) {
        CHECK_INT(p.pages[0].link_count, 0);
        bool footer = false;
        for (size_t l = 0; l < p.pages[0].line_count; l++)
            footer |= p.pages[0].lines[l].role == LAYOUT_ROLE_FOOTER &&
                      strcmp(p.pages[0].lines[l].text, "page 1 of 1") == 0;
        CHECK(footer);
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

/* The first-line indent of block bi: its first line's x less its second's
 * (both in the same column); -1 when it has fewer than two lines. */
static int
block_indent(const struct layout_pages *p, int32_t bi)
{
    const struct layout_line *first = NULL;
    for (size_t i = 0; i < p->count; i++)
        for (size_t l = 0; l < p->pages[i].line_count; l++) {
            const struct layout_line *ln = &p->pages[i].lines[l];
            if (ln->block != bi || ln->role != LAYOUT_ROLE_BODY)
                continue;
            if (!first)
                first = ln;
            else if (ln->y > first->y)
                return first->x - ln->x;
        }
    return -1;
}

/* Chinese and Japanese paragraphs are all set in by two ideographs, the
 * first after a heading too; English ones by 1.2 em, and only after another
 * paragraph. The layout ends (the indent's two variants used to be tried in
 * turn for ever when both were indented). */
static void
test_cjk_indent(void)
{
    struct layout *L = make_layout();
    int indent[2][3];
    for (int k = 0; k < 2; k++) {
        struct doc d;
        doc_init(&d, 1);
        d.art[0].language = k ? "zh-Hans" : "en";
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 1, 60));
        add_block(&d, 0, EDITION_BLOCK_SUBHEAD, "A heading");
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 2, 60));
        add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 3, 60));
        struct layout_pages p;
        if (set_article(L, &d, 0, 800, 480, 1.0f, false, &p)) {
            indent[k][0] = block_indent(&p, 0);
            indent[k][1] = block_indent(&p, 2);
            indent[k][2] = block_indent(&p, 3);
            layout_pages_fini(&p);
        }
        doc_fini(&d);
    }
    CHECK_MSG(indent[0][0] == 0 && indent[0][1] == 0 && indent[0][2] > 10, "en: indents %d %d %d",
              indent[0][0], indent[0][1], indent[0][2]);
    for (int b = 0; b < 3; b++) /* 2 em against 1.2 em */
        CHECK_MSG(abs(indent[1][b] * 6 - indent[0][2] * 10) <= 12,
                  "zh paragraph %d: indent %d, en %d", b, indent[1][b], indent[0][2]);
    layout_destroy(L);
}

/* Read-aloud's parts of a page: the bar's speaker (layout_config.speaker)
 * fits beside the others down to 480x272 and at the largest scale, and each
 * body line's start/end are the bytes of its block's text it sets. */
static void
test_speaker_and_line_bytes(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 0, 120));
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 1, 60));
    static const struct {
        int w, h;
        float scale;
    } cases[] = {{800, 480, 1.0f}, {480, 272, 1.0f}, {480, 272, 2.0f},
                 {800, 480, 2.0f}, {480, 272, 2.5f}, {800, 480, 2.5f}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct layout_config cfg;
        layout_config_default(&cfg, cases[k].w, cases[k].h);
        cfg.font_scale = cases[k].scale;
        cfg.nav_bar = true;
        cfg.speaker = true;
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        if (!layout_article(L, &cfg, &d.ed, 0, &p, &e)) {
            CHECK_MSG(false, "%s", e.msg);
            continue;
        }
        for (size_t i = 0; i < p.count; i++) {
            const struct layout_page *pg = &p.pages[i];
            int speak = 0;
            CHECK_INT(pg->link_count, 7); /* with the theme button */
            for (size_t j = 0; j < pg->link_count; j++) {
                const struct layout_link *a = &pg->links[j];
                speak += a->action == LAYOUT_ACTION_SPEAK && a->enabled;
                CHECK_MSG(a->x >= 0 && a->x + a->w <= cases[k].w, "%dx%d: link %d at %d+%d",
                          cases[k].w, cases[k].h, a->action, a->x, a->w);
                for (size_t m = j + 1; m < pg->link_count; m++) {
                    const struct layout_link *b = &pg->links[m];
                    CHECK_MSG(a->x + a->w <= b->x || b->x + b->w <= a->x,
                              "%dx%d scale %.1f: links %d and %d overlap", cases[k].w, cases[k].h,
                              (double)cases[k].scale, a->action, b->action);
                }
            }
            CHECK_INT(speak, 1);
            /* the speaker's and the theme's icons each lie inside their button */
            for (size_t r = 0; r < pg->rect_count; r++) {
                const struct layout_rect *rc = &pg->rects[r];
                if (rc->shape == LAYOUT_SHAPE_FILL)
                    continue;
                enum layout_action want =
                    rc->shape == LAYOUT_SHAPE_SPEAKER ? LAYOUT_ACTION_SPEAK : LAYOUT_ACTION_THEME;
                bool inside = false;
                for (size_t j = 0; j < pg->link_count; j++) {
                    const struct layout_link *a = &pg->links[j];
                    inside |= a->action == want && rc->x >= a->x && rc->x + rc->w <= a->x + a->w &&
                              rc->y >= a->y && rc->y + rc->h <= a->y + a->h;
                }
                CHECK_MSG(inside, "%dx%d scale %.1f: icon %d at %d,%d %dx%d outside its button",
                          cases[k].w, cases[k].h, (double)cases[k].scale, rc->shape, rc->x, rc->y,
                          rc->w, rc->h);
            }
            /* body lines: their bytes, in order, are their text */
            for (size_t l = 0; l < pg->line_count; l++) {
                const struct layout_line *ln = &pg->lines[l];
                if (ln->role != LAYOUT_ROLE_BODY)
                    continue;
                const struct edition_block *b = &d.ed.articles[0].blocks[ln->block];
                const char *src = b->spans[0].text;
                size_t n = strlen(ln->text) - (ln->hyphenated ? 1 : 0);
                CHECK_MSG(ln->end > ln->start && ln->end - ln->start == n &&
                              memcmp(src + ln->start, ln->text, n) == 0,
                          "line '%s' says bytes %u..%u", ln->text, ln->start, ln->end);
            }
        }
        layout_pages_fini(&p);
    }
    /* without the speaker: six buttons (the theme's among them) */
    struct layout_pages p;
    if (set_article(L, &d, 0, 480, 272, 1.0f, true, &p)) {
        CHECK_INT(p.pages[0].link_count, 6);
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

/* cfg->columns overrides the automatic choice; ragged-right lines stay in
 * the column and are not all flush right. */
static void
test_columns_override_and_ragged(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    const char *all = long_article(&d, 0);
    static const struct {
        int w, h, columns, want;
    } cases[] = {{1920, 1080, 1, 1}, {800, 480, 2, 2}};
    for (size_t k = 0; k < 2; k++) {
        struct layout_config cfg;
        layout_config_default(&cfg, cases[k].w, cases[k].h);
        cfg.columns = cases[k].columns;
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        CHECK(layout_article(L, &cfg, &d.ed, 0, &p, &e));
        CHECK_MSG(body_columns(&p, cases[k].w) == cases[k].want, "%dx%d columns=%d", cases[k].w,
                  cases[k].h, cases[k].columns);
        check_boxes(&p, cases[k].w, cases[k].h, "columns override");
        layout_pages_fini(&p);
    }
    struct layout_config cfg;
    layout_config_default(&cfg, 800, 480);
    cfg.ragged = true;
    struct layout_pages p;
    layout_pages_init(&p);
    struct err e = {0};
    CHECK(layout_article(L, &cfg, &d.ed, 0, &p, &e));
    int right = 800 - cfg.margin, flush = 0, short_lines = 0;
    for (size_t i = 0; i < p.count; i++)
        for (size_t l = 0; l < p.pages[i].line_count; l++) {
            const struct layout_line *ln = &p.pages[i].lines[l];
            if (ln->role != LAYOUT_ROLE_BODY)
                continue;
            CHECK(ln->x + ln->w <= right);
            if (ln->x + ln->w >= right - 1)
                flush++;
            else
                short_lines++;
        }
    CHECK_MSG(short_lines > 3 * flush, "ragged: %d flush lines, %d short", flush, short_lines);
    static char got[64 * 1024];
    collect_words(&p, got, sizeof got);
    CHECK_STR(got, all);
    layout_pages_fini(&p);
    doc_fini(&d);
    layout_destroy(L);
}

/* Seeded random text (letters, CJK, combining marks, emoji, spaces, hard
 * breaks, dashes, slashes) in random blocks at random sizes: no crash, no
 * sanitizer report, no box outside the page, every line inside its page. */

static void
test_random_text(void)
{
    struct layout *L = make_layout();
    static const uint32_t pool[] = {'a',    'e',    'o',    'n',     't',    'r',    ' ',
                                    ' ',    ' ',    '-',    '/',     '.',    ',',    '\n',
                                    0x301,  0x4E2D, 0x6587, 0x1F600, 0x2014, 0x00A0, 0x0436,
                                    0x05D0, 0x0627, 0x200D, 0x2019,  'W',    'M',    0x3000};
    unsigned x = 12345;
    for (int round = 0; round < 80; round++) {
        struct doc d;
        doc_init(&d, 1);
        d.art[0].language = round % 3 == 0 ? "ru" : round % 3 == 1 ? "en" : "zh";
        int blocks = 1 + round % 7;
        for (int bi = 0; bi < blocks; bi++) {
            char *t = arena_alloc(&d.ed.arena, 4096);
            size_t len = 0;
            x = x * 1103515245u + 12345u;
            int n = (int)((x >> 16) % 600);
            for (int k = 0; k < n; k++) {
                x = x * 1103515245u + 12345u;
                uint32_t cp = pool[(x >> 16) % (sizeof pool / sizeof pool[0])];
                if ((x >> 8) % 97 == 0)
                    for (int r = 0; r < 40; r++) /* now and then a very long word */
                        len += (size_t)u8_uctomb((uint8_t *)t + len, 'x', 4);
                len += (size_t)u8_uctomb((uint8_t *)t + len, cp, 4);
            }
            t[len] = '\0';
            static const enum edition_block_kind kinds[] = {
                EDITION_BLOCK_PARAGRAPH, EDITION_BLOCK_PARAGRAPH, EDITION_BLOCK_SUBHEAD,
                EDITION_BLOCK_QUOTE, EDITION_BLOCK_LIST_ITEM};
            add_block(&d, 0, kinds[(x >> 20) % 5], t);
        }
        static const int sizes[][2] = {{480, 272}, {800, 480}, {1280, 800}, {600, 1024}};
        int w = sizes[round % 4][0], h = sizes[round % 4][1];
        struct layout_config cfg;
        layout_config_default(&cfg, w, h);
        cfg.font_scale = 0.75f + (float)(round % 6) * 0.25f;
        cfg.ragged = round % 5 == 0;
        struct layout_pages p;
        layout_pages_init(&p);
        struct err e = {0};
        bool ok = layout_article(L, &cfg, &d.ed, 0, &p, &e);
        CHECK_MSG(ok, "round %d: %s", round, e.msg);
        char what[32];
        snprintf(what, sizeof what, "random %d", round);
        if (ok)
            check_boxes(&p, w, h, what);
        layout_pages_fini(&p);
        /* the same text as titles and decks in the index */
        d.art[0].title = d.blocks[0][0].spans ? d.blocks[0][0].spans[0].text : "";
        d.art[0].deck = d.art[0].title;
        d.ed.title = round % 2 ? d.art[0].title : "Courier";
        layout_pages_init(&p);
        ok = layout_index(L, &cfg, &d.ed, round % 2, &p, &e);
        CHECK_MSG(ok, "round %d index: %s", round, e.msg);
        snprintf(what, sizeof what, "random index %d", round);
        if (ok)
            check_boxes(&p, w, h, what);
        layout_pages_fini(&p);
        doc_fini(&d);
    }
    layout_destroy(L);
}

#define EA "e\xCC\x81" /* e and a combining acute accent */

static void
test_odd_input(void)
{
    struct layout *L = make_layout();
    struct doc d;
    doc_init(&d, 1);
    d.art[0].deck = "";
    d.art[0].byline = "";
    d.art[0].section = "";
    d.art[0].date = "not a date";
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, "   ");
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, "");
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH,
              "First line\nafter a hard break\n\nand *another* one");
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH,
              "Combining: " EA EA EA EA EA EA EA EA EA EA EA EA EA EA EA EA EA EA EA EA EA EA
              " done");
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH,
              "\xD8\xA7\xD9\x84\xD9\x85\xD9\x8A\xD9\x86\xD8\xA7\xD8\xA1 and "
              "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D mixed with "
              "\xCE\xB8\xCE\xAC\xCE\xBB\xCE\xB1\xCF\x83\xCF\x83\xCE\xB1");
    add_block(&d, 0, EDITION_BLOCK_SUBHEAD, "");
    add_block(&d, 0, EDITION_BLOCK_QUOTE, "");
    struct edition_block *li = add_block(&d, 0, EDITION_BLOCK_LIST_ITEM, "deep item");
    li->depth = 9;
    li->ordered = true;
    li->number = 4294967295u;
    add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, "trailing words of the article");
    add_block(&d, 0, EDITION_BLOCK_FIGURE, "")->figure.image = "images/x.png";
    static const int sizes[][2] = {{120, 90}, {480, 272}, {800, 480}};
    static const float scales[] = {0.5f, 1.0f, 3.0f};
    for (size_t s = 0; s < 3; s++)
        for (size_t k = 0; k < 3; k++)
            for (int ragged = 0; ragged < 2; ragged++) {
                struct layout_config cfg;
                layout_config_default(&cfg, sizes[s][0], sizes[s][1]);
                cfg.font_scale = scales[k];
                cfg.ragged = ragged;
                struct layout_pages p;
                layout_pages_init(&p);
                struct err e = {0};
                bool ok = layout_article(L, &cfg, &d.ed, 0, &p, &e);
                CHECK_MSG(ok, "%s", e.msg);
                char what[48];
                snprintf(what, sizeof what, "odd %dx%d %.1f%s", sizes[s][0], sizes[s][1], scales[k],
                         ragged ? " ragged" : "");
                if (sizes[s][0] >= 480 && scales[k] <= 1.0f)
                    check_boxes(&p, sizes[s][0], sizes[s][1], what);
                bool rtl = false, grek = false;
                for (size_t i = 0; i < p.count; i++)
                    for (size_t l = 0; l < p.pages[i].line_count; l++) {
                        const struct layout_line *ln = &p.pages[i].lines[l];
                        CHECK_MSG(ln->text[0] || ln->role == LAYOUT_ROLE_FOOTER, "%s: empty line",
                                  what);
                        if (ln->role == LAYOUT_ROLE_BODY && ragged && sizes[s][0] >= 480)
                            CHECK(ln->x + ln->w <= sizes[s][0] - cfg.margin);
                        for (uint32_t r = 0; r < ln->run_count; r++) {
                            const struct layout_run *run = &p.pages[i].runs[ln->first_run + r];
                            grek |=
                                run->props.script == (('G' << 24) | ('r' << 16) | ('e' << 8) | 'k');
                            rtl |=
                                run->props.script == (('A' << 24) | ('r' << 16) | ('a' << 8) | 'b');
                        }
                    }
                CHECK(grek && rtl);
                layout_pages_fini(&p);
            }
    /* a right-to-left article: runs carry the direction */
    d.art[0].language = "ar";
    struct layout_pages p;
    if (set_article(L, &d, 0, 800, 480, 1.0f, true, &p)) {
        bool rtl_dir = false;
        for (size_t r = 0; r < p.pages[0].run_count; r++)
            rtl_dir |= p.pages[0].runs[r].role == LAYOUT_ROLE_BODY &&
                       p.pages[0].runs[r].props.dir == LAYOUT_DIR_RTL;
        CHECK(rtl_dir);
        layout_pages_fini(&p);
    }
    doc_fini(&d);
    layout_destroy(L);
}

/* ---- the typesetter's rules over whole articles with figures ---- */

/* One line or figure of an article in reading order. */
struct rd_item {
    int col;            /* page * 8 + column */
    int32_t x, y, left; /* left: the column's left edge */
    uint8_t role;       /* LAYOUT_ROLE_COUNT for a figure */
    int32_t block;
    bool hyphenated;
    const char *text;
};

static bool
is_chrome_role(uint8_t r)
{
    return r == LAYOUT_ROLE_HEADER || r == LAYOUT_ROLE_FOOTER || r == LAYOUT_ROLE_OTHER;
}

static int
rd_cmp(const void *a, const void *b)
{
    const struct rd_item *x = a, *y = b;
    if (x->col != y->col)
        return x->col - y->col;
    if (x->y != y->y)
        return x->y < y->y ? -1 : 1;
    return (x->role != LAYOUT_ROLE_COUNT) - (y->role != LAYOUT_ROLE_COUNT);
}

/* The lines (not chrome) and figures of p in reading order: page by page,
 * column by column (columns found from where body, subhead and caption lines
 * start, and the page header for the first), top to bottom. Returns the count;
 * *out is malloc'd. */
static size_t
reading_order(const struct layout_pages *p, int W, struct rd_item **out)
{
    size_t n = 0, cap = 64;
    struct rd_item *it = malloc(cap * sizeof *it);
    for (size_t i = 0; i < p->count && it; i++) {
        const struct layout_page *pg = &p->pages[i];
        int32_t starts[8];
        int ns = 0;
        for (int32_t x = -1;;) {
            /* the smallest start right of the last column by a quarter page */
            int32_t best = INT32_MAX;
            for (size_t l = 0; l < pg->line_count; l++) {
                const struct layout_line *ln = &pg->lines[l];
                if ((ln->role == LAYOUT_ROLE_BODY || ln->role == LAYOUT_ROLE_SUBHEAD ||
                     ln->role == LAYOUT_ROLE_CAPTION || ln->role == LAYOUT_ROLE_HEADER) &&
                    (x < 0 || ln->x - x > W / 4) && ln->x < best)
                    best = ln->x;
            }
            if (best == INT32_MAX || ns == 8)
                break;
            starts[ns++] = x = best;
        }
        if (!ns)
            starts[ns++] = 0;
        size_t first = n;
        for (size_t k = 0; k < pg->line_count + pg->figure_count; k++) {
            bool fig = k >= pg->line_count;
            const struct layout_line *ln = fig ? NULL : &pg->lines[k];
            const struct layout_figure *fg = fig ? &pg->figures[k - pg->line_count] : NULL;
            if (ln && is_chrome_role(ln->role))
                continue;
            int32_t x = fig ? fg->x : ln->x;
            int c = 0;
            for (int j = 0; j < ns; j++)
                if (x >= starts[j])
                    c = j;
            if (n == cap) {
                cap *= 2;
                struct rd_item *grown = realloc(it, cap * sizeof *it);
                if (!grown) {
                    free(it);
                    *out = NULL;
                    return 0;
                }
                it = grown;
            }
            it[n++] = (struct rd_item){(int)i * 8 + c,
                                       x,
                                       fig ? fg->y : ln->y,
                                       starts[c],
                                       fig ? (uint8_t)LAYOUT_ROLE_COUNT : ln->role,
                                       fig ? fg->block : ln->block,
                                       ln && ln->hyphenated,
                                       fig ? fg->image : ln->text};
        }
        qsort(it + first, n - first, sizeof *it, rd_cmp);
    }
    *out = it;
    return it ? n : 0;
}

struct rule_stats {
    int splits;     /* paragraphs cut between columns */
    int indents;    /* paragraph starts checked */
    int after_fig;  /* of them, right after a figure */
    int max_gap;    /* the largest white space at a column's foot, in px */
    int max_gap_lh; /* ... in body lines (rounded up) */
};

/* The rules the typesetter keeps on every article page: a paragraph cut
 * between columns keeps two lines on each side (unless a column holds
 * nothing but it); no hyphen in headlines, decks and subheads; a paragraph
 * is indented exactly when the line printed before it in reading order is
 * body text of another paragraph. Also measures the white space at the
 * foot of every full column (all but the article's last). */
static void
check_rules(const struct layout_pages *p, int W, int H, int body_lh, struct rule_stats *st,
            const char *what)
{
    struct rd_item *it;
    size_t n = reading_order(p, W, &it);
    CHECK(it != NULL);
    if (!it)
        return;
    for (size_t k = 0; k < n; k++) {
        const struct rd_item *a = &it[k];
        CHECK_MSG(
            !(a->hyphenated && (a->role == LAYOUT_ROLE_HEADLINE || a->role == LAYOUT_ROLE_DECK ||
                                a->role == LAYOUT_ROLE_SUBHEAD)),
            "%s: %s line \"%s\" is hyphenated", what, layout_role_name(a->role), a->text);
        if (a->role != LAYOUT_ROLE_BODY)
            continue;
        bool first = true;
        for (size_t j = 0; j < k && first; j++)
            first = !(it[j].role == LAYOUT_ROLE_BODY && it[j].block == a->block);
        if (!first)
            continue;
        /* a paragraph's first line: its indent, and how it is cut */
        const struct rd_item *prev = k ? &it[k - 1] : NULL;
        bool want = prev && prev->role == LAYOUT_ROLE_BODY;
        bool indented = a->x - a->left > 2;
        CHECK_MSG(indented == want, "%s: paragraph %d (\"%.30s\") %s after %s \"%.30s\"", what,
                  a->block, a->text, indented ? "indented" : "not indented",
                  prev ? (prev->role == LAYOUT_ROLE_COUNT ? "figure" : layout_role_name(prev->role))
                       : "nothing",
                  prev ? prev->text : "");
        st->indents++;
        st->after_fig +=
            prev && (prev->role == LAYOUT_ROLE_COUNT || prev->role == LAYOUT_ROLE_CAPTION ||
                     prev->role == LAYOUT_ROLE_CREDIT);
        int pieces[64], piece_col[64], np = 0;
        for (size_t j = k; j < n; j++) {
            if (it[j].role != LAYOUT_ROLE_BODY || it[j].block != a->block)
                continue;
            if (np && piece_col[np - 1] == it[j].col) {
                pieces[np - 1]++;
            } else if (np < 64) {
                piece_col[np] = it[j].col;
                pieces[np++] = 1;
            }
        }
        if (np < 2)
            continue;
        st->splits++;
        /* alone in its column: a column too short for two lines */
        int in_first = 0, others_last = 0;
        for (size_t j = 0; j < n; j++) {
            in_first += it[j].col == piece_col[0];
            others_last += it[j].col == piece_col[np - 2] && it[j].block != a->block;
        }
        CHECK_MSG(pieces[0] >= 2 || in_first == 1,
                  "%s: orphan: the first line of paragraph %d (\"%.30s\") ends a column alone",
                  what, a->block, a->text);
        CHECK_MSG(pieces[np - 1] >= 2 || others_last == 0,
                  "%s: widow: the last line of paragraph %d (\"%.30s\") starts a column alone",
                  what, a->block, a->text);
    }
    /* white space at the foot of each column of every page but the last
     * (whose text may end anywhere), from the nav bar's top */
    for (size_t i = 0; i + 1 < p->count; i++) {
        const struct layout_page *pg = &p->pages[i];
        int32_t bottom = H;
        for (size_t k = 0; k < pg->link_count; k++)
            if (pg->links[k].action == LAYOUT_ACTION_CONTENTS && pg->links[k].y < bottom)
                bottom = pg->links[k].y;
        int32_t low[8] = {0};
        bool used[8] = {false};
        for (size_t k = 0; k < n; k++) {
            if (it[k].col / 8 != (int)i)
                continue;
            int c = it[k].col % 8;
            const struct layout_page *q = pg;
            int32_t h = 0;
            for (size_t l = 0; l < q->line_count; l++)
                if (q->lines[l].x == it[k].x && q->lines[l].y == it[k].y)
                    h = q->lines[l].h;
            for (size_t f = 0; f < q->figure_count; f++)
                if (q->figures[f].x == it[k].x && q->figures[f].y == it[k].y)
                    h = q->figures[f].h;
            if (it[k].y + h > low[c])
                low[c] = it[k].y + h;
            used[c] = true;
        }
        for (int c = 0; c < 8; c++) {
            if (!used[c])
                continue;
            int gap = bottom - low[c];
            if (gap > st->max_gap)
                st->max_gap = gap;
            int in_lines = (gap + body_lh - 1) / body_lh;
            if (in_lines > st->max_gap_lh)
                st->max_gap_lh = in_lines;
        }
    }
    free(it);
}

/* An English news article of paragraphs of varied length, two subheads and
 * two captioned photos (a landscape and a portrait one; with a long caption
 * either takes most of a column), from a seed. */
static void
news_article(struct doc *d, size_t art, unsigned seed)
{
    d->art[art].title = "Island councils sign a ferry cooperation agreement after ten winters "
                        "of argument";
    d->art[art].deck = "Three islands will share one timetable, one ticket and the cost of a "
                       "second boat from April, and the first joint timetable will be posted to "
                       "every household in February";
    unsigned x = seed * 2654435761u + 7u;
    for (int k = 0; k < 14; k++) {
        x = x * 1103515245u + 12345u;
        int len = 8 + (int)((x >> 16) % (40 + seed % 60));
        if (k == 3 || k == 9) {
            struct edition_block *b = add_block(d, art, EDITION_BLOCK_FIGURE, "");
            b->figure.image = k == 3 ? "images/pier.jpg" : "images/beacon.jpg";
            /* captions of 4 to 47 words: a long one leaves a line or
             * two under its photo where the text goes on */
            b->figure.caption = words(d, seed + (unsigned)k, 4 + (int)((seed * 7 + k) % 44));
            b->figure.credit = "Photo: Register test desk";
            b->figure.width = k == 3 ? 1600 : 900;
            b->figure.height = k == 3 ? 1000 : 1300;
            continue;
        }
        if (k == 6 || k == 11) {
            add_block(d, art, EDITION_BLOCK_SUBHEAD, k == 6 ? "What changes" : "On the islands");
            continue;
        }
        add_block(d, art, EDITION_BLOCK_PARAGRAPH, words(d, seed * 31 + (unsigned)k, len));
    }
}

/* Widows, orphans, hyphenated display text and the indent rule, checked on
 * many articles at the four reference screens; these caught a widow after a
 * page taken mostly by a figure, orphans under figures that head a column, a
 * hyphenated headline and paragraphs indented as if a figure that had
 * floated away were still before them. */
#define RULE_SEEDS 120
static void
test_rules_over_articles(void)
{
    struct layout *L = make_layout();
    static const int sizes[][2] = {{480, 272}, {800, 480}, {1024, 600}, {1080, 1920}};
    struct rule_stats st[4] = {{0}};
    for (size_t s = 0; s < 4; s++) {
        for (unsigned seed = 1; seed <= RULE_SEEDS; seed++) {
            struct doc d;
            doc_init(&d, 1);
            news_article(&d, 0, seed);
            struct layout_pages p;
            if (set_article(L, &d, 0, sizes[s][0], sizes[s][1], 1.0f, true, &p)) {
                char what[64];
                snprintf(what, sizeof what, "%dx%d seed %u", sizes[s][0], sizes[s][1], seed);
                struct layout_config cfg;
                layout_config_default(&cfg, sizes[s][0], sizes[s][1]);
                int body_lh = (int)lround(cfg.base_px * 1.25);
                check_boxes(&p, sizes[s][0], sizes[s][1], what);
                check_rules(&p, sizes[s][0], sizes[s][1], body_lh, &st[s], what);
                layout_pages_fini(&p);
            }
            doc_fini(&d);
        }
        printf("  %dx%d: %d paragraph starts (%d after a figure), %d cut between columns, "
               "largest white space at a column's foot %d px (%d body lines)\n",
               sizes[s][0], sizes[s][1], st[s].indents, st[s].after_fig, st[s].splits,
               st[s].max_gap, st[s].max_gap_lh);
        /* the page stays well filled: a column's foot is never more than
         * 40% of the screen empty (a figure waiting for a column it fits
         * in; a glued group moved on leaves less than its own height) */
        CHECK_MSG(st[s].max_gap * 5 <= sizes[s][1] * 2, "%dx%d: %d px empty at a column's foot",
                  sizes[s][0], sizes[s][1], st[s].max_gap);
        CHECK_MSG(st[s].splits >= 20, "%dx%d: only %d paragraphs cut", sizes[s][0], sizes[s][1],
                  st[s].splits);
        CHECK_MSG(st[s].after_fig >= 5, "%dx%d: only %d paragraphs right after a figure",
                  sizes[s][0], sizes[s][1], st[s].after_fig);
    }
    layout_destroy(L);
}

/* Headlines and decks are not hyphenated at any size or text scale, even a
 * headline stepped down to its smallest size under a long deck; a word
 * wider than the measure is still broken (without a hyphen) and stays on
 * the page. */
static void
test_display_not_hyphenated(void)
{
    struct layout *L = make_layout();
    static const int sizes[][2] = {{480, 272}, {800, 480}, {1024, 600}, {1080, 1920}};
    static const float scales[] = {0.75f, 1.0f, 1.25f, 1.5f, 2.0f};
    static const char *const titles[] = {
        "Island councils sign a ferry cooperation agreement after ten winters of argument",
        "Councils promise cooperation on ferries after ten winters of argument in the drill hall",
        "Ferry cooperation at last: three island councils agree on one timetable",
        "Harbourmasters' intercommunication difficulties",
    };
    int headline_lines = 0;
    for (size_t t = 0; t < sizeof titles / sizeof titles[0]; t++)
        for (size_t s = 0; s < 4; s++)
            for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
                struct doc d;
                doc_init(&d, 1);
                d.art[0].title = titles[t];
                d.art[0].deck = "Three islands will share one timetable, one ticket and the cost "
                                "of a second boat from April, and the ferry committee says the "
                                "first joint timetable will be posted to every household";
                add_block(&d, 0, EDITION_BLOCK_SUBHEAD,
                          "Neighbourhood representatives' "
                          "recommendations");
                add_block(&d, 0, EDITION_BLOCK_PARAGRAPH, words(&d, 3, 120));
                struct layout_pages p;
                if (set_article(L, &d, 0, sizes[s][0], sizes[s][1], scales[k], true, &p)) {
                    char what[64];
                    snprintf(what, sizeof what, "title %zu at %dx%d scale %.2f", t, sizes[s][0],
                             sizes[s][1], scales[k]);
                    check_boxes(&p, sizes[s][0], sizes[s][1], what);
                    for (size_t i = 0; i < p.count; i++)
                        for (size_t l = 0; l < p.pages[i].line_count; l++) {
                            const struct layout_line *ln = &p.pages[i].lines[l];
                            headline_lines += ln->role == LAYOUT_ROLE_HEADLINE;
                            CHECK_MSG(!(ln->hyphenated && (ln->role == LAYOUT_ROLE_HEADLINE ||
                                                           ln->role == LAYOUT_ROLE_DECK ||
                                                           ln->role == LAYOUT_ROLE_SUBHEAD)),
                                      "%s: %s line \"%s\" is hyphenated", what,
                                      layout_role_name(ln->role), ln->text);
                        }
                    layout_pages_fini(&p);
                }
                doc_fini(&d);
            }
    CHECK_MSG(headline_lines >= 150, "only %d headline lines set", headline_lines);
    layout_destroy(L);
}

int
main(void)
{
    test_total_fit_beats_greedy();
    test_justified_edges();
    test_long_word_broken();
    test_hyphenation_english();
    test_hyphenation_russian();
    test_widows_orphans_subheads();
    test_quote_split_and_head();
    test_figure_kept_with_caption();
    test_figure_deferred();
    test_words_in_order_and_numbers();
    test_columns();
    test_every_size_and_scale();
    test_page_for_block();
    test_index();
    test_index_tight();
    test_index_snippets();
    test_screen_and_errors();
    test_odd_input();
    test_headline();
    test_pages_outlive_edition();
    test_nav_bar();
    test_speaker_and_line_bytes();
    test_cjk_indent();
    test_columns_override_and_ragged();
    test_random_text();
    test_rules_over_articles();
    test_display_not_hyphenated();
    return check_summary("layout");
}
