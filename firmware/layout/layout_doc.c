/* Articles, the edition index and message screens: blocks become a flow of
 * units (lines, figures, entries), cut into columns and pages with widow,
 * orphan and keep-with-next rules and deferred figures; then every page gets
 * its header, footer and navigation bar. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>

#include "layout_internal.h"

struct geom {
    int W, H, margin, base;
    float scale;
    int body_px, body_lh;
    int text_x, text_w, text_top, text_bottom, text_h;
    int ncols, col_w, gutter;
    int header_y, rule_y;
    int bar_h;     /* nav bar height, 0 without */
    int footer_y;  /* footer line top without a nav bar */
    int chrome_px; /* header, footer and bar labels */
    double avg;    /* average character advance of body text */

    /* the chrome's language (never NULL) */
    const struct layout_locale *loc;
};

/* A page being assembled: scratch vectors copied into the arena at the end. */
struct pb {
    struct vec lines, runs, figs, rects, links;
    int32_t first_block;
    int32_t col_top; /* where the columns start (below a spanning head) */
};

static void
pb_init(struct pb *p)
{
    vec_init(&p->lines, sizeof(struct layout_line));
    vec_init(&p->runs, sizeof(struct layout_run));
    vec_init(&p->figs, sizeof(struct layout_figure));
    vec_init(&p->rects, sizeof(struct layout_rect));
    vec_init(&p->links, sizeof(struct layout_link));
    p->first_block = -1;
    p->col_top = 0;
}

static void
pb_free(struct pb *p)
{
    vec_free(&p->lines);
    vec_free(&p->runs);
    vec_free(&p->figs);
    vec_free(&p->rects);
    vec_free(&p->links);
}

static int
scaled(int px, double k)
{
    int v = (int)lround(px * k);
    return v < 6 ? 6 : v;
}

static int
line_height(struct lctx *c, uint8_t face, int px)
{
    int a, d, lh;
    struct layout_font f = {face, (uint16_t)px};
    lctx_font_metrics(c, f, &a, &d, &lh);
    return lh > 0 ? lh : px;
}

/* The built-in English chrome: what every string of a locale falls back to. */
static const struct layout_locale english = {
    .lang = "en",
    .dir = LAYOUT_DIR_LTR,
    .text = {[LAYOUT_TEXT_PREVIOUS] = "\xE2\x80\xB9 Previous",
             [LAYOUT_TEXT_PREVIOUS_SHORT] = "\xE2\x80\xB9 Prev",
             [LAYOUT_TEXT_CONTENTS] = "Contents",
             [LAYOUT_TEXT_CONTENTS_SHORT] = "Index",
             [LAYOUT_TEXT_NEXT] = "Next \xE2\x80\xBA",
             [LAYOUT_TEXT_NEXT_SHORT] = "Next \xE2\x80\xBA",
             [LAYOUT_TEXT_PAGE_OF] = "page {page} of {pages}",
             [LAYOUT_TEXT_MORE] = "More",
             [LAYOUT_TEXT_OUT_OF_DATE] = "OUT OF DATE"},
    .digits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
    .months = {"January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"},
    .weekdays = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
    .date_long = "{weekday} {day} {month} {year}",
    .date_short = "{day} {month} {year}",
};

/* String k of the chrome's words, English where the locale has none. */
static const char *
loc_text(const struct layout_locale *loc, enum layout_text k)
{
    return loc->text[k] ? loc->text[k] : english.text[k];
}

/* v (>= 0) written with the locale's digits, in the arena. */
static const char *
loc_number(struct lctx *c, const struct layout_locale *loc, unsigned long long v)
{
    char ascii[24];
    int n = snprintf(ascii, sizeof ascii, "%llu", v);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        const char *d = loc->digits[ascii[i] - '0'];
        len += strlen(d ? d : english.digits[ascii[i] - '0']);
    }
    char *r = lctx_alloc(c, len + 1);
    if (!r)
        return "";
    for (int i = 0, at = 0; i < n; i++) {
        const char *d = loc->digits[ascii[i] - '0'];
        d = d ? d : english.digits[ascii[i] - '0'];
        size_t dl = strlen(d);
        memcpy(r + at, d, dl);
        at += (int)dl;
    }
    return r;
}

/* pattern with each {names[k]} replaced by values[k], in the arena; an
 * unknown or unclosed brace stays as written. */
static const char *
fill_pattern(struct lctx *c, const char *pattern, const char *const *names,
             const char *const *values, size_t count)
{
    size_t len = 0;
    for (int pass = 0; pass < 2; pass++) {
        char *out = pass ? lctx_alloc(c, len + 1) : NULL;
        if (pass && !out)
            return "";
        size_t at = 0;
        for (const char *p = pattern; *p;) {
            const char *v = NULL;
            size_t skip = 1;
            if (*p == '{') {
                for (size_t k = 0; k < count && !v; k++) {
                    size_t nl = strlen(names[k]);
                    if (strncmp(p + 1, names[k], nl) == 0 && p[1 + nl] == '}') {
                        v = values[k];
                        skip = nl + 2;
                    }
                }
            }
            size_t vl = v ? strlen(v) : 1;
            if (out)
                memcpy(out + at, v ? v : p, vl);
            at += vl;
            p += skip;
        }
        if (out) {
            out[at] = '\0';
            return out;
        }
        len = at;
    }
    return "";
}

/* "page 3 of 12" (long) or "3/12" in the locale's words and digits. */
static const char *
page_of(struct lctx *c, const struct layout_locale *loc, size_t page, size_t pages, bool brief)
{
    static const char *const names[] = {"page", "pages"};
    const char *values[] = {loc_number(c, loc, page), loc_number(c, loc, pages)};
    return fill_pattern(c, brief ? "{page}/{pages}" : loc_text(loc, LAYOUT_TEXT_PAGE_OF), names,
                        values, 2);
}

static void
geom_init(struct lctx *c, const struct layout_config *cfg, bool nav_bar, struct geom *g)
{
    struct layout_config def;
    layout_config_default(&def, cfg->width, cfg->height);
    memset(g, 0, sizeof *g);
    g->loc = cfg->locale ? cfg->locale : &english;
    g->W = cfg->width;
    g->H = cfg->height;
    g->margin = cfg->margin > 0 ? cfg->margin : def.margin;
    g->base = cfg->base_px > 0 ? cfg->base_px : def.base_px;
    g->scale = cfg->font_scale > 0.1f ? cfg->font_scale : 1.0f;
    if (g->scale < 0.5f)
        g->scale = 0.5f;
    if (g->scale > 3.0f)
        g->scale = 3.0f;
    g->body_px = scaled(g->base, g->scale);
    g->body_lh = line_height(c, LAYOUT_FACE_SERIF, g->body_px);
    g->chrome_px = scaled(g->base, 0.7);
    int chrome_lh = line_height(c, LAYOUT_FACE_SANS, g->chrome_px);
    g->text_x = g->margin;
    g->text_w = g->W - 2 * g->margin;
    if (g->text_w < 40)
        g->text_w = g->W > 40 ? g->W - 4 : g->W;
    if (g->text_w != g->W - 2 * g->margin)
        g->text_x = (g->W - g->text_w) / 2;
    g->header_y = g->margin / 2;
    g->rule_y = g->header_y + chrome_lh + 2;
    g->text_top = g->rule_y + 1 + g->base / 2;
    if (nav_bar) {
        g->bar_h = (int)lround(44.0 * g->base / 20.0);
        if (g->bar_h < 40)
            g->bar_h = 40;
        g->text_bottom = g->H - g->bar_h - g->base / 2;
    } else {
        g->footer_y = g->H - g->margin / 2 - chrome_lh;
        g->text_bottom = g->footer_y - 3 - g->base / 2;
    }
    g->text_h = g->text_bottom - g->text_top;
    if (g->text_h < g->body_lh)
        g->text_h = g->body_lh;
    /* two columns when each holds a readable measure: 40 average characters
     * of the face or more (newspapers set 35-45; 1024x600 gets two of about
     * 45, 800x480 keeps one of about 70) */
    static const char sample[] = "the quick brown fox jumps over a lazy dog and";
    struct layout_font f = {LAYOUT_FACE_SERIF, (uint16_t)g->body_px};
    struct layout_run_props p = {LAYOUT_TAG('L', 'a', 't', 'n'), LAYOUT_DIR_LTR, "en"};
    double avg = (double)lctx_measure(c, f, &p, sample, sizeof sample - 1) / (sizeof sample - 1);
    g->avg = avg;
    g->gutter = scaled(g->body_px, 1.5);
    int two = (g->text_w - g->gutter) / 2;
    if (cfg->columns == 1 || cfg->columns == 2)
        g->ncols = cfg->columns;
    else
        g->ncols = two >= 40.0 * avg ? 2 : 1;
    g->col_w = g->ncols == 2 ? two : g->text_w;
}

static struct layout_run_props
props_of(struct lctx *c, const struct edition *ed, const struct edition_article *a)
{
    struct layout_run_props p = {0, LAYOUT_DIR_LTR, "en"};
    const char *lang = a && a->language && *a->language ? a->language : NULL;
    if (!lang && ed && ed->language && *ed->language)
        lang = ed->language;
    if (lang)
        p.lang = lang;
    const char *dir = a && a->dir ? a->dir : "";
    if (strcmp(dir, "rtl") == 0)
        p.dir = LAYOUT_DIR_RTL;
    else if (!*dir && (strncmp(p.lang, "ar", 2) == 0 || strncmp(p.lang, "he", 2) == 0 ||
                       strncmp(p.lang, "fa", 2) == 0 || strncmp(p.lang, "ur", 2) == 0))
        p.dir = LAYOUT_DIR_RTL;
    else if (!*dir && !lang)
        p.dir = LAYOUT_DIR_AUTO;     /* each paragraph from its first strong character */
    p.lang = lctx_strdup(c, p.lang); /* copied: pages may outlive the edition */
    return p;
}

/* "Saturday 28 November 2026" (weekday) or "28 November 2026" from an ISO
 * date, in the locale's words, digits and order; NULL when not one. */
static const char *
format_date(struct lctx *c, const struct layout_locale *loc, const char *iso, bool weekday)
{
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31 ||
        y < 0)
        return NULL;
    /* day of the week by Sakamoto's method (Gregorian calendar) */
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int yy = m < 3 ? y - 1 : y;
    int wd = (yy + yy / 4 - yy / 100 + yy / 400 + t[m - 1] + d) % 7;
    static const char *const names[] = {"weekday", "day", "month", "monthnum", "year"};
    const char *values[] = {
        loc->weekdays[wd] ? loc->weekdays[wd] : english.weekdays[wd],
        loc_number(c, loc, (unsigned)d),
        loc->months[m - 1] ? loc->months[m - 1] : english.months[m - 1],
        loc_number(c, loc, (unsigned)m),
        loc_number(c, loc, (unsigned)y),
    };
    const char *pattern = weekday ? loc->date_long : loc->date_short;
    if (!pattern)
        pattern = weekday ? english.date_long : english.date_short;
    return fill_pattern(c, pattern, names, values, 5);
}

static const char *
upper(struct lctx *c, const char *s)
{
    size_t n = 0;
    uint8_t *u = u8_toupper((const uint8_t *)s, strlen(s), NULL, NULL, NULL, &n);
    if (!u)
        return s;
    char *r = lctx_strndup(c, (const char *)u, n);
    free(u);
    return r;
}

static size_t
set_text(struct lctx *c, struct flow *f, const struct para_style *st, uint8_t face,
         const char *text, bool one_unit, int32_t *y)
{
    struct para_span sp = {text, (uint32_t)strlen(text), face};
    return para_set(c, f, st, &sp, 1, one_unit, y);
}

static struct para_style
style(struct layout_run_props props, int px, int width, uint8_t role, uint8_t color)
{
    struct para_style st = {0};
    st.px = (uint16_t)px;
    st.props = props;
    st.width = width;
    st.role = role;
    st.color = color;
    st.block = -1;
    return st;
}

static void
unit_rect(struct lctx *c, struct flow *f, int x, int y, int w, int h, uint8_t color)
{
    VEC_ADD(c, &f->rects, struct layout_rect, x, y, w, h, color, LAYOUT_SHAPE_FILL);
    VEC_AT(&f->units, struct flow_unit, f->units.count - 1)->rect_count++;
}

/* Appends n elements of src from first to dst, moved by (X, Y): for runs,
 * figures, rects and links, which all begin with int32_t x, y. */
static void
copy_shifted(struct lctx *c, struct vec *dst, const struct vec *src, uint32_t first, uint32_t n,
             int X, int Y)
{
    _Static_assert(offsetof(struct layout_run, y) == sizeof(int32_t) &&
                       offsetof(struct layout_figure, y) == sizeof(int32_t) &&
                       offsetof(struct layout_rect, y) == sizeof(int32_t) &&
                       offsetof(struct layout_link, y) == sizeof(int32_t),
                   "x, y lead each placed element");
    for (uint32_t i = 0; i < n; i++) {
        unsigned char *d = vec_push(c, dst);
        if (d == c->scratch)
            return; /* out of memory (sticky) */
        memcpy(d, (const unsigned char *)src->data + (size_t)(first + i) * src->elem, src->elem);
        int32_t xy[2];
        memcpy(xy, d, sizeof xy);
        xy[0] += X;
        xy[1] += Y;
        memcpy(d, xy, sizeof xy);
    }
}

/* Copies unit u of f to (X, Y) on page p. */
static void
place_unit(struct lctx *c, struct pb *p, const struct flow *f, const struct flow_unit *u, int X,
           int Y)
{
    for (uint32_t i = 0; i < u->line_count; i++) {
        const struct flow_line *fl = VEC_AT(&f->lines, struct flow_line, u->first_line + i);
        VEC_ADD(c, &p->lines, struct layout_line, .x = X + fl->x, .y = Y + fl->y, .w = fl->w,
                .h = fl->h, .role = fl->role, .dir = fl->dir, .hyphenated = fl->hyphenated,
                .text = fl->text, .first_run = (uint32_t)p->runs.count, .run_count = fl->run_count,
                .block = fl->block, .start = fl->start, .end = fl->end);
        copy_shifted(c, &p->runs, &f->runs, fl->first_run, fl->run_count, X, Y);
        if (p->first_block < 0 && fl->block >= 0)
            p->first_block = fl->block;
    }
    size_t nf = p->figs.count;
    copy_shifted(c, &p->figs, &f->figs, u->first_fig, u->fig_count, X, Y);
    for (size_t i = nf; i < p->figs.count && p->first_block < 0; i++)
        p->first_block = VEC_AT(&p->figs, struct layout_figure, i)->block;
    copy_shifted(c, &p->rects, &f->rects, u->first_rect, u->rect_count, X, Y);
    copy_shifted(c, &p->links, &f->links, u->first_link, u->link_count, X, Y);
}

struct placement {
    uint32_t unit;
    int32_t y;
};

/* A paragraph of an article's flow, kept so that pagination can set it
 * again with the other first-line indent. set_blocks indents a paragraph
 * that follows another in the source and not one after a figure or a
 * heading; what is printed before it is known only once the figures have
 * found their places (a figure may float past the paragraph after it, or
 * wait for the top of the column a paragraph starts in). */
struct flow_para {
    struct para_style st;          /* as set_blocks set it */
    const struct edition_block *b; /* its spans, to set it again */
    int other_indent;              /* the first_indent of the other variant */
    bool fixed;                    /* one indent whatever precedes it (Chinese, Japanese) */
    uint32_t first, end;           /* its units in the main sequence */
    bool alt_set;                  /* the other variant is units [alt_first, alt_end) */
    uint32_t alt_first, alt_end;
};

_Static_assert(sizeof(struct flow_para) <= sizeof((struct lctx *)0)->scratch,
               "vec_push's stand-in on exhausted memory holds a struct flow_para");

static uint8_t face_for(uint32_t style);

/* The spans of block b as the typesetter sets them, into spans. */
static void
block_spans(struct lctx *c, struct vec *spans, const struct edition_block *b)
{
    spans->count = 0;
    for (size_t k = 0; k < b->span_count; k++) {
        struct para_span *s = vec_push(c, spans);
        s->text = b->spans[k].text;
        s->len = b->spans[k].len;
        s->face = face_for(b->spans[k].style);
    }
}

/* Sets paragraph P's other variant once, appended to f (after the main
 * sequence); false when it has no units. */
static bool
para_alt(struct lctx *c, struct flow *f, struct vec *paras, struct flow_para *P)
{
    if (!P->alt_set) {
        struct vec spans;
        vec_init(&spans, sizeof(struct para_span));
        block_spans(c, &spans, P->b);
        struct para_style st = P->st;
        st.first_indent = P->other_indent;
        P->alt_first = (uint32_t)f->units.count;
        int32_t y = 0;
        para_set(c, f, &st, spans.data, spans.count, false, &y);
        P->alt_end = (uint32_t)f->units.count;
        P->alt_set = true;
        uint32_t id = (uint32_t)(P - (struct flow_para *)paras->data) + 1;
        for (uint32_t k = P->alt_first; k < P->alt_end; k++)
            VEC_AT(&f->units, struct flow_unit, k)->para = id;
        vec_free(&spans);
    }
    return P->alt_end > P->alt_first;
}

/* The unit after unit i in reading order: the other variant of a paragraph
 * goes on where its main sequence ends. */
static size_t
unit_next(const struct flow *f, const struct vec *paras, size_t i)
{
    const struct flow_unit *u = VEC_AT(&f->units, struct flow_unit, i);
    if (u->para) {
        const struct flow_para *P = VEC_AT(paras, struct flow_para, u->para - 1);
        if (P->alt_set && i >= P->alt_first && i + 1 == P->alt_end)
            return P->end;
    }
    return i + 1;
}

/* Whether unit u is a line of a paragraph (body text): what is printed
 * before a paragraph decides its indent. */
static bool
unit_is_body(const struct flow *f, const struct flow_unit *u)
{
    return u->line_count && !u->fig_count &&
           VEC_AT(&f->lines, struct flow_line, u->first_line)->role == LAYOUT_ROLE_BODY;
}

/* Whether the last unit (not space) of plan is body text; when plan has
 * none, otherwise. */
static bool
plan_ends_in_body(const struct flow *f, const struct vec *plan, bool otherwise)
{
    for (size_t k = plan->count; k-- > 0;) {
        const struct flow_unit *u =
            VEC_AT(&f->units, struct flow_unit, VEC_AT(plan, struct placement, k)->unit);
        if (!u->space)
            return unit_is_body(f, u);
    }
    return otherwise;
}

/* Cuts units [first, count) of f into columns and pages. The units before
 * first (the head: headline block or masthead) span every column of the
 * first page. Figures (floats) that do not fit where they come wait for the
 * top of the next column while the text after them fills the gap. A column
 * breaks only after a unit without glue_next (widows, orphans, headings
 * kept with their text) or right after the figures that head it, unless a
 * glued group is taller than the column. paras (NULL for none) are the
 * paragraphs whose first line follows what is printed before it: indented
 * after body text, not after anything else (a figure, a heading, the head,
 * nothing); the other variant is set when needed. */
static void
paginate(struct lctx *c, struct flow *f, size_t first, const struct geom *g, bool rtl,
         struct vec *pages, struct vec *paras)
{
    size_t n = f->units.count;
    /* the other variants of paragraphs go after a unit never reached, so
     * that index n only ever means the end */
    if (paras && paras->count)
        flow_space(c, f, 1, false);
    const struct flow_unit *U = f->units.data;
    struct pb *page = vec_push(c, pages);
    pb_init(page);
    int head_h = 0;
    for (size_t i = 0; i < first; i++) {
        if (U[i].space && head_h == 0)
            continue;
        place_unit(c, page, f, &U[i], g->text_x, g->text_top + head_h);
        head_h += U[i].h;
    }
    page->col_top = g->text_top + head_h;
    struct vec pending, plan;
    vec_init(&pending, sizeof(uint32_t));
    vec_init(&plan, sizeof(struct placement));
    size_t pend_head = 0, i = first;
    bool first_page = true;
    bool after_body = false; /* what the columns so far end in */
    while (!c->oom) {
        for (int col = 0; col < g->ncols && !c->oom; col++) {
            int top = g->text_top + (first_page ? head_h : 0);
            int avail = g->text_bottom - top;
            /* right to left: the first column on the right */
            int X = g->text_x + (rtl ? g->ncols - 1 - col : col) * (g->col_w + g->gutter);
            int yy = 0;
            plan.count = 0;
            while (pend_head < pending.count) {
                uint32_t ui = *VEC_AT(&pending, uint32_t, pend_head);
                /* a figure too tall for the first page's short columns waits
                 * for a full one; one taller than any column goes anyway */
                if (yy + U[ui].h > avail && (plan.count || first_page))
                    break;
                *(struct placement *)vec_push(c, &plan) = (struct placement){ui, yy};
                yy += U[ui].h;
                pend_head++;
            }
            /* the column may end with the figures that head it: text whose
             * glued lines do not fit under them starts the next column
             * whole, rather than leave a widow or an orphan; the white
             * space left is less than that glued group */
            bool has_bp = plan.count > 0;
            size_t bp_plan = plan.count, bp_i = i, bp_pend = pending.count;
            while (i != n && !c->oom) {
                const struct flow_unit *u = &U[i];
                if (u->space && plan.count == 0) {
                    i = unit_next(f, paras, i);
                    continue;
                }
                if (u->para) {
                    struct flow_para *P = VEC_AT(paras, struct flow_para, u->para - 1);
                    bool alt = P->alt_set && i == P->alt_first;
                    if (i == P->first || alt) {
                        bool want = plan_ends_in_body(f, &plan, after_body);
                        bool indented = (alt ? P->other_indent : P->st.first_indent) > 0;
                        bool other =
                            !P->fixed && want != indented && (alt || para_alt(c, f, paras, P));
                        U = f->units.data; /* para_alt may have moved them */
                        if (other) {
                            i = alt ? P->first : P->alt_first;
                            continue;
                        }
                        u = &U[i];
                    }
                }
                if (u->floats && (pend_head < pending.count || (yy + u->h > avail && plan.count))) {
                    *(uint32_t *)vec_push(c, &pending) = (uint32_t)i;
                    i = unit_next(f, paras, i);
                    continue;
                }
                if (u->floats && yy + u->h > avail && first_page && avail < g->text_h) {
                    *(uint32_t *)vec_push(c, &pending) = (uint32_t)i;
                    i = unit_next(f, paras, i);
                    continue;
                }
                /* a unit taller than a column goes alone into an empty one,
                 * but not into the short columns under the first page's head */
                if (yy + u->h <= avail || (plan.count == 0 && (!first_page || head_h == 0))) {
                    *(struct placement *)vec_push(c, &plan) = (struct placement){(uint32_t)i, yy};
                    yy += u->h;
                    i = unit_next(f, paras, i);
                    if (!u->glue_next) {
                        has_bp = true;
                        bp_plan = plan.count;
                        bp_i = i;
                        bp_pend = pending.count;
                    }
                    continue;
                }
                if (has_bp) {
                    plan.count = bp_plan;
                    i = bp_i;
                    pending.count = bp_pend;
                }
                break;
            }
            after_body = plan_ends_in_body(f, &plan, after_body);
            for (size_t k = 0; k < plan.count; k++) {
                const struct placement *pl = VEC_AT(&plan, struct placement, k);
                place_unit(c, page, f, &U[pl->unit], X, top + pl->y);
            }
        }
        if (i == n && pend_head >= pending.count)
            break;
        page = vec_push(c, pages);
        pb_init(page);
        page->col_top = g->text_top;
        first_page = false;
    }
    vec_free(&pending);
    vec_free(&plan);
}

/* The runs of one chrome line t (len bytes, a paragraph of base direction
 * dir) in visual order from lx, each with the direction of its level;
 * returns the width they take. */
static int
chrome_runs(struct lctx *c, struct pb *p, int lx, int y, struct layout_font font, uint8_t role,
            uint8_t color, const char *t, size_t len, const char *lang, uint8_t dir, int asc_desc)
{
    struct vec segs;
    vec_init(&segs, sizeof(struct bidi_seg));
    int x = lx;
    size_t n = 0;
    if (layout_bidi_para(c, t, len, dir))
        n = layout_bidi_line(c, 0, c->L->bidi.n, NULL, &segs);
    for (size_t k = 0; k < n; k++) {
        const struct bidi_seg *sg = VEC_AT(&segs, struct bidi_seg, k);
        struct layout_run_props props = {0, sg->level & 1 ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR, lang};
        props.script = layout_guess_script(t + sg->off, sg->len);
        int w = lctx_measure(c, font, &props, t + sg->off, sg->len);
        VEC_ADD(c, &p->runs, struct layout_run, .x = x, .y = y, .w = w, .h = asc_desc, .font = font,
                .role = role, .color = color, .props = props, .text = t + sg->off, .len = sg->len);
        x += w;
    }
    vec_free(&segs);
    return x - lx;
}

/* One line of chrome (header, footer, bar label) in the locale's language
 * lang: truncated with an
 * ellipsis to maxw; align 0 left, 1 centre, 2 right within [x, x+maxw).
 * dir is the base direction of the string (enum layout_dir: the chrome's
 * language, not the article's): a Latin label stays as written in a
 * right-to-left article, and an Arabic one with Western digits reads right. */
static int
chrome_text(struct lctx *c, struct pb *p, int x, int y, int maxw, struct layout_font font,
            uint8_t role, uint8_t color, const char *text, int align, const char *lang, uint8_t dir)
{
    struct layout_run_props props = {0, dir, lang ? lang : "en"};
    size_t len = strlen(text);
    int w = lctx_measure(c, font, &props, text, len);
    const char *t = lctx_strndup(c, text, len); /* copied: pages may outlive it */
    if (w > maxw) {
        /* cut at a character boundary and end with an ellipsis: the longest
         * prefix that fits, found by halving (a 10,000-character title
         * costs a few measures, not one a character) */
        size_t lo = 0, hi = len; /* a cut at lo is tried last; at hi it is too wide */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            while (mid > lo && ((uint8_t)text[mid] & 0xC0) == 0x80)
                mid--;
            if (mid == lo) {
                mid = lo + 1;
                while (mid < hi && ((uint8_t)text[mid] & 0xC0) == 0x80)
                    mid++;
                if (mid >= hi)
                    break;
            }
            char *b = arena_printf(c->arena, "%.*s\xE2\x80\xA6", (int)mid, text);
            if (!b) {
                c->oom = true;
                return 0;
            }
            if (lctx_measure(c, font, &props, b, strlen(b)) <= maxw)
                lo = mid;
            else
                hi = mid;
        }
        char *buf = arena_printf(c->arena, "%.*s\xE2\x80\xA6", (int)lo, text);
        if (!buf) {
            c->oom = true;
            return 0;
        }
        w = lctx_measure(c, font, &props, buf, strlen(buf));
        t = buf;
        len = strlen(t);
        if (w > maxw)
            return 0;
    }
    int a, d, lh;
    lctx_font_metrics(c, font, &a, &d, &lh);
    int lx = align == 1 ? x + (maxw - w) / 2 : align == 2 ? x + maxw - w : x;
    if (dir == LAYOUT_DIR_RTL || layout_bidi_needed(t, len)) {
        uint32_t first = (uint32_t)p->runs.count;
        int bw = chrome_runs(c, p, lx, y, font, role, color, t, len, props.lang, dir, a + d);
        /* pieces measured apart may differ from the whole by a pixel */
        int dx = align == 1 ? (w - bw) / 2 : align == 2 ? w - bw : 0;
        for (size_t k = first; k < p->runs.count; k++)
            VEC_AT(&p->runs, struct layout_run, k)->x += dx;
        VEC_ADD(c, &p->lines, struct layout_line, .x = lx + dx, .y = y, .w = bw, .h = lh,
                .role = role, .dir = c->L->bidi.dir, .text = t, .first_run = first,
                .run_count = (uint32_t)(p->runs.count - first), .block = -1);
        return bw;
    }
    VEC_ADD(c, &p->lines, struct layout_line, .x = lx, .y = y, .w = w, .h = lh, .role = role,
            .dir = dir, .text = t, .first_run = (uint32_t)p->runs.count, .run_count = 1,
            .block = -1);
    props.script = layout_guess_script(t, len);
    VEC_ADD(c, &p->runs, struct layout_run, .x = lx, .y = y, .w = w, .h = a + d, .font = font,
            .role = role, .color = color, .props = props, .text = t, .len = (uint32_t)len);
    return w;
}

static void
pb_rect(struct lctx *c, struct pb *p, int x, int y, int w, int h, uint8_t color)
{
    VEC_ADD(c, &p->rects, struct layout_rect, x, y, w, h, color, LAYOUT_SHAPE_FILL);
}

/* The side of a bar icon set beside text of font px: 0.85 em, as tall as
 * the symbol glyphs it replaces. */
static int
icon_size(int px)
{
    int s = (px * 17 + 10) / 20;
    return s < 8 ? 8 : s;
}

/* The width of an icon of height s: the speaker's waves need 1.2 s. */
static int
icon_width(enum layout_shape shape, int s)
{
    return shape == LAYOUT_SHAPE_SPEAKER ? (s * 6 + 2) / 5 : s;
}

/* An icon of height s centred in the button [x, x + w) and on the capital
 * height of text whose run box starts at ty with ascent a (caps are ~0.71
 * em tall in the chrome's sans). */
static void
pb_icon(struct lctx *c, struct pb *p, int x, int w, int ty, int a, int px, int s,
        enum layout_shape shape, uint8_t color)
{
    int cap_mid = ty + a - (px * 357 + 500) / 1000, iw = icon_width(shape, s);
    VEC_ADD(c, &p->rects, struct layout_rect, x + (w - iw) / 2, cap_mid - s / 2, iw, s, color,
            (uint8_t)shape);
}

static void
pb_link(struct lctx *c, struct pb *p, int x, int y, int w, int h, enum layout_action a,
        bool enabled)
{
    VEC_ADD(c, &p->links, struct layout_link, x, y, w, h, (uint8_t)a, enabled, -1, -1);
}

/* Appends src's content to dst, remapping run indexes. */
static void
pb_append(struct lctx *c, struct pb *dst, const struct pb *src)
{
    uint32_t base = (uint32_t)dst->runs.count;
    for (size_t i = 0; i < src->runs.count; i++)
        *(struct layout_run *)vec_push(c, &dst->runs) = *VEC_AT(&src->runs, struct layout_run, i);
    for (size_t i = 0; i < src->lines.count; i++) {
        struct layout_line *l = vec_push(c, &dst->lines);
        *l = *VEC_AT(&src->lines, struct layout_line, i);
        l->first_run += base;
    }
    for (size_t i = 0; i < src->figs.count; i++)
        *(struct layout_figure *)vec_push(c, &dst->figs) =
            *VEC_AT(&src->figs, struct layout_figure, i);
    for (size_t i = 0; i < src->rects.count; i++)
        *(struct layout_rect *)vec_push(c, &dst->rects) =
            *VEC_AT(&src->rects, struct layout_rect, i);
    for (size_t i = 0; i < src->links.count; i++)
        *(struct layout_link *)vec_push(c, &dst->links) =
            *VEC_AT(&src->links, struct layout_link, i);
}

static void *
copy_out(struct lctx *c, const struct vec *v)
{
    if (!v->count)
        return NULL;
    void *p = lctx_alloc(c, v->count * v->elem);
    if (p)
        memcpy(p, v->data, v->count * v->elem);
    return p;
}

struct chrome {
    const char *header;
    bool nav;
    int32_t article; /* for the bar: previous/next enabled */
    size_t article_count;
    float scale;
    uint8_t dir;  /* enum layout_dir the pages read in: RTL mirrors the bar */
    bool speaker; /* a read-aloud button before A- */
};

static void
add_bar(struct lctx *c, struct pb *p, const struct geom *g, const struct chrome *ch,
        const char *page_text, const char *page_short)
{
    const struct layout_locale *loc = g->loc;
    const char *lang = loc->lang ? loc->lang : "en";
    int top = g->H - g->bar_h;
    pb_rect(c, p, 0, top, g->W, g->bar_h, LAYOUT_COLOR_PAPER);
    pb_rect(c, p, 0, top, g->W, 1, LAYOUT_COLOR_RULE);
    int px = scaled(g->base, 0.75);
    if (px > g->bar_h / 2)
        px = g->bar_h / 2;
    struct layout_font bold = {LAYOUT_FACE_SANS_BOLD, (uint16_t)px};
    struct layout_font plain = {LAYOUT_FACE_SANS, (uint16_t)px};
    struct layout_run_props props = {0, loc->dir, lang};
    int a, d, lh;
    lctx_font_metrics(c, bold, &a, &d, &lh);
    int ty = top + (g->bar_h - lh) / 2;
    /* left group: previous, contents, next; right group: the theme, the
     * speaker (a kiosk with audio), A-, A+ (mirrored below for a
     * right-to-left page). The theme and the speaker are icons drawn as
     * shapes (a half-filled circle, a loudspeaker), words in no language
     * like A- and A+; as characters (U+25D0, U+1F50A) they opened both
     * Noto symbol fonts, 1.5 MB, in every edition. */
    enum { BAR_BUTTONS = 7, BAR_LEFT = 3, BAR_THEME = 3, BAR_SPEAKER = 4 };
    int icon = icon_size(px);
    const char *const long_labels[BAR_BUTTONS] = {loc_text(loc, LAYOUT_TEXT_PREVIOUS),
                                                  loc_text(loc, LAYOUT_TEXT_CONTENTS),
                                                  loc_text(loc, LAYOUT_TEXT_NEXT),
                                                  "", /* icons: see BAR_THEME */
                                                  "",
                                                  "A\xE2\x80\x93",
                                                  "A+"};
    const char *const short_labels[BAR_BUTTONS] = {loc_text(loc, LAYOUT_TEXT_PREVIOUS_SHORT),
                                                   loc_text(loc, LAYOUT_TEXT_CONTENTS_SHORT),
                                                   loc_text(loc, LAYOUT_TEXT_NEXT_SHORT),
                                                   "",
                                                   "",
                                                   "A\xE2\x80\x93",
                                                   "A+"};
    static const enum layout_action acts[BAR_BUTTONS] = {
        LAYOUT_ACTION_PREV_STORY, LAYOUT_ACTION_CONTENTS, LAYOUT_ACTION_NEXT_STORY,
        LAYOUT_ACTION_THEME,      LAYOUT_ACTION_SPEAK,    LAYOUT_ACTION_FONT_SMALLER,
        LAYOUT_ACTION_FONT_LARGER};
    bool enabled[BAR_BUTTONS] = {ch->article > 0,
                                 true,
                                 ch->article >= 0 && (size_t)ch->article + 1 < ch->article_count,
                                 true,
                                 true,
                                 ch->scale > LAYOUT_FONT_SCALE_MIN + 0.01f,
                                 ch->scale < LAYOUT_FONT_SCALE_MAX - 0.01f};
    bool shown[BAR_BUTTONS] = {true, true, true, true, ch->speaker, true, true};
    int pad = px / 2 + 4, minw = 44;
    const char *const *labels = long_labels;
    int w[BAR_BUTTONS] = {0}, bw[BAR_BUTTONS] = {0}, total = 0, pw = 0;
    const char *ptext = page_text;
    for (int attempt = 0; attempt < 3; attempt++) {
        total = 0;
        for (int k = 0; k < BAR_BUTTONS; k++) {
            if (!shown[k])
                continue;
            w[k] = k == BAR_THEME     ? icon_width(LAYOUT_SHAPE_THEME, icon)
                   : k == BAR_SPEAKER ? icon_width(LAYOUT_SHAPE_SPEAKER, icon)
                                      : lctx_measure(c, bold, &props, labels[k], strlen(labels[k]));
            bw[k] = w[k] + 2 * pad < minw ? minw : w[k] + 2 * pad;
            total += bw[k];
        }
        pw = lctx_measure(c, plain, &props, ptext, strlen(ptext));
        if (total + pw + 2 * pad <= g->text_w)
            break;
        if (attempt == 0)
            labels = short_labels;
        else
            ptext = page_short;
    }
    size_t first_line = p->lines.count, first_run = p->runs.count, first_link = p->links.count;
    size_t first_rect = p->rects.count;
    int x = g->text_x - pad;
    if (x < 0)
        x = 0;
    int left_end = 0;
    for (int k = 0; k < BAR_LEFT; k++) {
        pb_link(c, p, x, top, bw[k], g->bar_h, acts[k], enabled[k]);
        /* set in the bar's direction, not the language's: the arrows then
         * point the way the buttons lie (an English "Next >" on the left of
         * a right-to-left page reads "< Next"; an Arabic label on the right
         * of a left-to-right page gets an arrow pointing right) */
        chrome_text(c, p, x, ty, bw[k], bold, LAYOUT_ROLE_OTHER,
                    enabled[k] ? LAYOUT_COLOR_TEXT : LAYOUT_COLOR_MUTED, labels[k], 1, lang,
                    ch->dir);
        x += bw[k];
    }
    left_end = x;
    int xr = g->text_x + g->text_w + pad;
    if (xr > g->W)
        xr = g->W;
    for (int k = BAR_LEFT; k < BAR_BUTTONS; k++)
        xr -= bw[k];
    int right_start = xr;
    for (int k = BAR_LEFT; k < BAR_BUTTONS; k++) {
        if (!shown[k])
            continue;
        pb_link(c, p, xr, top, bw[k], g->bar_h, acts[k], enabled[k]);
        uint8_t colour = enabled[k] ? LAYOUT_COLOR_TEXT : LAYOUT_COLOR_MUTED;
        if (k == BAR_THEME || k == BAR_SPEAKER)
            pb_icon(c, p, xr, bw[k], ty, a, px, icon,
                    k == BAR_THEME ? LAYOUT_SHAPE_THEME : LAYOUT_SHAPE_SPEAKER, colour);
        else
            chrome_text(c, p, xr, ty, bw[k], bold, LAYOUT_ROLE_OTHER, colour, labels[k], 1, "en",
                        LAYOUT_DIR_LTR);
        xr += bw[k];
    }
    if (right_start - left_end > 0)
        chrome_text(c, p, left_end, ty, right_start - left_end, plain, LAYOUT_ROLE_FOOTER,
                    LAYOUT_COLOR_MUTED, ptext, 1, lang, loc->dir);
    if (ch->dir == LAYOUT_DIR_RTL) {
        /* the mirror image: next on the left, previous on the right, A+/A- on
         * the left; each label moves whole, centred in its button, its runs
         * kept in the visual order they were set in */
        for (size_t i = first_line; i < p->lines.count; i++) {
            struct layout_line *l = VEC_AT(&p->lines, struct layout_line, i);
            int dx = g->W - 2 * l->x - l->w;
            l->x += dx;
            for (uint32_t k = 0; k < l->run_count; k++)
                if (l->first_run + k >= first_run && l->first_run + k < p->runs.count)
                    VEC_AT(&p->runs, struct layout_run, l->first_run + k)->x += dx;
        }
        for (size_t i = first_link; i < p->links.count; i++) {
            struct layout_link *l = VEC_AT(&p->links, struct layout_link, i);
            l->x = g->W - l->x - l->w;
        }
        for (size_t i = first_rect; i < p->rects.count; i++) {
            struct layout_rect *r = VEC_AT(&p->rects, struct layout_rect, i);
            r->x = g->W - r->x - r->w;
        }
    }
}

/* Characters of the page's runs that no font covers (drawn as placeholders),
 * through the metrics seam; 0 when the metrics cannot tell. */
static uint32_t
page_missing(const struct layout *L, const struct layout_page *pg)
{
    if (!L->m.missing)
        return 0;
    uint32_t n = 0;
    for (size_t i = 0; i < pg->run_count; i++) {
        const struct layout_run *r = &pg->runs[i];
        if (r->text && r->len)
            n += (uint32_t)L->m.missing(L->m.ctx, r->font, &r->props, r->text, r->len);
    }
    return n;
}

/* The index has no bar: its theme button sits at the end of the footer
 * (the right, or the left for right-to-left chrome), from under the footer
 * rule to the foot of the screen, at least 44 px wide. */
static void
add_theme_button(struct lctx *c, struct pb *p, const struct geom *g, struct layout_font hf,
                 uint8_t cdir)
{
    struct layout_font bold = {LAYOUT_FACE_SANS_BOLD, hf.px};
    int pad = hf.px / 2 + 4, icon = icon_size(hf.px);
    int w = icon + 2 * pad;
    if (w < 44)
        w = 44;
    int y = g->footer_y - 2, h = g->H - y;
    int x = cdir == LAYOUT_DIR_RTL ? g->text_x - pad : g->text_x + g->text_w + pad - w;
    if (x + w > g->W)
        x = g->W - w;
    if (x < 0)
        x = 0;
    pb_link(c, p, x, y, w, h, LAYOUT_ACTION_THEME, true);
    int a, d, lh; /* the icon on the capital height of the footer beside it */
    lctx_font_metrics(c, bold, &a, &d, &lh);
    pb_icon(c, p, x, w, g->footer_y, a, hf.px, icon, LAYOUT_SHAPE_THEME, LAYOUT_COLOR_TEXT);
}

/* Copies the assembled pages into out with header, footer and bar. */
static void
finish_pages(struct lctx *c, struct vec *pages, const struct geom *g, const struct chrome *ch,
             enum layout_page_kind kind, int32_t article, struct layout_pages *out)
{
    size_t n = pages->count;
    struct layout_page *arr = lctx_alloc(c, (out->count + n) * sizeof *arr);
    if (!arr)
        return;
    if (out->count)
        memcpy(arr, out->pages, out->count * sizeof *arr);
    int32_t last_block = -1;
    struct layout_font hf = {LAYOUT_FACE_SANS, (uint16_t)g->chrome_px};
    const char *lang = g->loc->lang ? g->loc->lang : "en";
    uint8_t cdir = g->loc->dir;
    for (size_t i = 0; i < n && !c->oom; i++) {
        struct pb *src = VEC_AT(pages, struct pb, i);
        struct pb fin;
        pb_init(&fin);
        if (ch->header) {
            chrome_text(c, &fin, g->text_x, g->header_y, g->text_w, hf, LAYOUT_ROLE_HEADER,
                        LAYOUT_COLOR_MUTED, ch->header, cdir == LAYOUT_DIR_RTL ? 2 : 0, lang, cdir);
            pb_rect(c, &fin, g->text_x, g->rule_y, g->text_w, 1, LAYOUT_COLOR_RULE);
        }
        if (g->ncols == 2 && kind != LAYOUT_PAGE_SCREEN) {
            /* a hairline between the columns, from the first column line */
            int top = src->col_top, bottom = top;
            for (size_t l = 0; l < src->lines.count; l++) {
                const struct layout_line *ln = VEC_AT(&src->lines, struct layout_line, l);
                if (ln->y >= top && ln->y + ln->h > bottom)
                    bottom = ln->y + ln->h;
            }
            for (size_t k = 0; k < src->figs.count; k++) {
                const struct layout_figure *fg = VEC_AT(&src->figs, struct layout_figure, k);
                if (fg->y >= top && fg->y + fg->h > bottom)
                    bottom = fg->y + fg->h;
            }
            if (bottom > top)
                pb_rect(c, src, g->text_x + g->col_w + g->gutter / 2, top, 1, bottom - top,
                        LAYOUT_COLOR_RULE);
        }
        pb_append(c, &fin, src);
        const char *pt = page_of(c, g->loc, i + 1, n, false);
        const char *ps = page_of(c, g->loc, i + 1, n, true);
        if (c->oom) {
            c->oom = true;
            pb_free(&fin);
            break;
        }
        if (ch->nav) {
            add_bar(c, &fin, g, ch, pt, ps);
        } else if (kind != LAYOUT_PAGE_SCREEN) {
            pb_rect(c, &fin, g->text_x, g->footer_y - 3, g->text_w, 1, LAYOUT_COLOR_RULE);
            chrome_text(c, &fin, g->text_x, g->footer_y, g->text_w, hf, LAYOUT_ROLE_FOOTER,
                        LAYOUT_COLOR_MUTED, pt, 1, lang, cdir);
            if (kind == LAYOUT_PAGE_INDEX)
                add_theme_button(c, &fin, g, hf, cdir);
        }
        struct layout_page *pg = &arr[out->count + i];
        memset(pg, 0, sizeof *pg);
        pg->kind = kind;
        pg->article = article;
        pg->number = (uint32_t)(i + 1);
        pg->of = (uint32_t)n;
        pg->dir = ch->dir;
        pg->first_block = src->first_block >= 0 ? src->first_block : last_block;
        last_block = pg->first_block;
        pg->lines = copy_out(c, &fin.lines);
        pg->line_count = fin.lines.count;
        pg->runs = copy_out(c, &fin.runs);
        pg->run_count = fin.runs.count;
        pg->missing_glyphs = page_missing(c->L, pg);
        pg->figures = copy_out(c, &fin.figs);
        pg->figure_count = fin.figs.count;
        pg->rects = copy_out(c, &fin.rects);
        pg->rect_count = fin.rects.count;
        pg->links = copy_out(c, &fin.links);
        pg->link_count = fin.links.count;
        pb_free(&fin);
    }
    if (!c->oom) {
        out->pages = arr;
        out->count += n;
    }
}

static void
free_pages(struct vec *pages)
{
    for (size_t i = 0; i < pages->count; i++)
        pb_free(VEC_AT(pages, struct pb, i));
    vec_free(pages);
}

/* Smallest screen side the typesetter accepts, in px. */
#define LAYOUT_MIN_SIDE 64

static bool
screen_ok(const struct layout_config *cfg, struct err *e)
{
    if (cfg->width < LAYOUT_MIN_SIDE || cfg->height < LAYOUT_MIN_SIDE)
        return err_set(e, ERR_USAGE, "layout: a %dx%d screen is too small (at least %dx%d px)",
                       cfg->width, cfg->height, LAYOUT_MIN_SIDE, LAYOUT_MIN_SIDE);
    return true;
}

static bool
lctx_begin(struct lctx *c, struct layout *L, struct layout_pages *out)
{
    memset(c, 0, sizeof *c);
    c->L = L;
    c->arena = &out->arena;
    return true;
}

/* The start of one layout call: its context, the page geometry and an
 * empty flow. */
static void
call_begin(struct lctx *c, struct layout *L, struct layout_pages *out,
           const struct layout_config *cfg, bool nav_bar, struct geom *g, struct flow *f)
{
    lctx_begin(c, L, out);
    geom_init(c, cfg, nav_bar, g);
    flow_init(f);
}

static bool
lctx_end(struct lctx *c, struct err *e, const char *what)
{

    if (c->oom)
        return err_set(e, ERR_NOMEM, "layout: out of memory while setting %s", what);
    return true;
}

static uint8_t
face_for(uint32_t style)
{
    bool em = style & EDITION_STYLE_EMPH, strong = style & EDITION_STYLE_STRONG;
    if (style & EDITION_STYLE_CODE)
        return strong ? LAYOUT_FACE_SANS_BOLD : LAYOUT_FACE_SANS;
    if (em && strong)
        return LAYOUT_FACE_SERIF_BOLD_ITALIC;
    if (em)
        return LAYOUT_FACE_SERIF_ITALIC;
    if (strong)
        return LAYOUT_FACE_SERIF_BOLD;
    return LAYOUT_FACE_SERIF;
}

/* Sets text as one unit a line, all kept together (unless taller than a
 * column) and with the unit that follows; extra is added below the last
 * line. Returns the height. */
static int
set_glued(struct lctx *c, struct flow *f, const struct para_style *st, uint8_t face,
          const char *text, int extra)
{
    size_t first = f->units.count;
    int32_t y = 0;
    set_text(c, f, st, face, text, false, &y);
    int h = 0;
    for (size_t k = first; k < f->units.count; k++) {
        struct flow_unit *u = VEC_AT(&f->units, struct flow_unit, k);
        u->glue_next = true;
        if (k + 1 == f->units.count)
            u->h += extra;
        h += u->h;
    }
    return h;
}

#define HEAD_STEPS 4 /* headline sizes tried, largest first */

/* Display text is not hyphenated, as newspapers set it: headlines, decks
 * and subheads never, captions of up to this many words neither (a longer
 * caption reads like text). A word wider than the measure is still broken,
 * without a hyphen, as a last resort (layout_para.c). */
#define DISPLAY_HYPHEN_WORDS 12

/* Words in s (runs of characters other than ASCII white space). */
static size_t
word_count(const char *s)
{
    size_t n = 0;
    bool in_word = false;
    for (; s && *s; s++) {
        bool sp = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
        n += !sp && !in_word;
        in_word = !sp;
    }
    return n;
}

/* The article's headline block at width w into f, the headline at size step
 * first_step or smaller; returns its height. */
static int
set_head(struct lctx *c, struct flow *f, const struct geom *g, const struct edition *ed,
         const struct edition_article *a, int w, size_t first_step)
{
    struct layout_run_props props = props_of(c, ed, a);
    int y = 0, total = 0;
    int body = g->body_px;
    size_t head_last = 0; /* 1 + the headline's last unit */
    int head_px = 0;      /* the headline's size */
    if (a->section && *a->section) {
        struct para_style st =
            style(props, scaled(body, 0.75), w, LAYOUT_ROLE_SECTION, LAYOUT_COLOR_ACCENT);
        st.ragged = true;
        st.leading = line_height(c, LAYOUT_FACE_SANS_BOLD, st.px) + body / 4;
        total += set_glued(c, f, &st, LAYOUT_FACE_SANS_BOLD, upper(c, a->section), 0);
    }
    /* the headline, one size smaller while it fills over a third of the page;
     * past the last of the HEAD_STEPS, down to the body's size and just
     * under while it is taller than the page (a long headline at a large
     * font scale on a small screen), so that it is never cut between pages */
    static const double steps[HEAD_STEPS + 6] = {2.0, 1.6, 1.3, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5};
    int floor_px = scaled(g->base, 1.1); /* the smallest headline at scale 1 */
    for (size_t s = first_step; s < sizeof steps / sizeof steps[0]; s++) {
        size_t nu = f->units.count, nl = f->lines.count, nr = f->runs.count;
        int px = scaled(body, steps[s]);
        bool last = s + 1 == sizeof steps / sizeof steps[0] ||
                    (s + 1 >= HEAD_STEPS && scaled(body, steps[s + 1]) < floor_px);
        struct para_style st = style(props, px, w, LAYOUT_ROLE_HEADLINE, LAYOUT_COLOR_TEXT);
        st.ragged = true;
        st.hyphenate = false; /* headlines are not hyphenated (see DISPLAY_HYPHEN_WORDS) */
        st.leading = (int)lround(st.px * 1.15);
        y = 0;
        size_t lines =
            set_text(c, f, &st, LAYOUT_FACE_SERIF_BOLD, a->title ? a->title : "", false, &y);
        y = (int32_t)lines * st.leading;
        /* the space under it shrinks to keep it whole in a column */
        int after = body / 2;
        if (s + 1 >= HEAD_STEPS && total + y + after > g->text_h)
            after = g->text_h - total - y > 0 ? g->text_h - total - y : 0;
        if (y * 3 <= g->text_h || (s + 1 >= HEAD_STEPS && total + y <= g->text_h) || last) {
            /* one unit a line, kept together unless taller than a column */
            for (size_t k = nu; k < f->units.count; k++)
                VEC_AT(&f->units, struct flow_unit, k)->glue_next = true;
            if (f->units.count > nu)
                VEC_AT(&f->units, struct flow_unit, f->units.count - 1)->h += after;
            total += y + after;
            head_last = f->units.count;
            head_px = px;
            break;
        }
        f->units.count = nu;
        f->lines.count = nl;
        f->runs.count = nr;
    }
    if (a->deck && *a->deck) {
        /* never larger than a headline stepped down under it */
        int dpx = scaled(body, 1.1);
        if (head_px && head_px < dpx)
            dpx = head_px;
        struct para_style st = style(props, dpx, w, LAYOUT_ROLE_DECK, LAYOUT_COLOR_TEXT);
        st.ragged = true;
        st.hyphenate = false;
        total += set_glued(c, f, &st, LAYOUT_FACE_SERIF_ITALIC, a->deck, body / 3);
    }
    const char *by = a->byline && *a->byline ? a->byline : NULL;
    const char *date = NULL;
    if (a->date && *a->date) {
        date = format_date(c, g->loc, a->date, false);
        if (!date)
            date = a->date;
        /* the date is in the kiosk's language: set in its direction, so that
         * "4 December 2026" is not turned into "December 2026 4" by a
         * right-to-left byline (and an Arabic date not by a left-to-right
         * one): a directional isolate, LRI or RLI ... PDI */
        uint8_t cdir = g->loc ? g->loc->dir : LAYOUT_DIR_LTR;
        bool auto_rtl = props.dir == LAYOUT_DIR_AUTO && by && layout_bidi_needed(by, strlen(by));
        if (cdir != props.dir && (props.dir != LAYOUT_DIR_AUTO || auto_rtl) && date)
            date = arena_printf(c->arena, "%s%s\xE2\x81\xA9",
                                cdir == LAYOUT_DIR_RTL ? "\xE2\x81\xA7" : "\xE2\x81\xA6", date);
    }
    if (by || date) {
        const char *line = by && date ? arena_printf(c->arena, "%s \xC2\xB7 %s", by, date)
                           : by       ? by
                                      : date;
        if (!line) {
            c->oom = true;
            line = "";
        }
        struct para_style st =
            style(props, scaled(body, 0.8), w, LAYOUT_ROLE_BYLINE, LAYOUT_COLOR_MUTED);
        st.ragged = true;
        total += set_glued(c, f, &st, LAYOUT_FACE_SANS, line, 0);
    }
    /* a rule under the head, with space around it; the column may end
     * there when the text's first glued lines do not fit under a head set
     * in the column (a small screen), rather than leave an orphan */
    struct flow_unit *u = flow_unit(c, f, -1);
    int gap = g->body_lh / 2;
    u->h = 2 * gap + 1;
    /* a head taller than the column (large text on a small screen) may break
     * after the headline or between the lines under it, never inside it */
    if (head_last && total + u->h > g->text_h)
        for (size_t k = head_last - 1; k + 1 < f->units.count; k++)
            VEC_AT(&f->units, struct flow_unit, k)->glue_next = false;
    u->glue_next = false;
    unit_rect(c, f, 0, gap, w, 1, LAYOUT_COLOR_RULE);
    total += u->h;
    return total;
}

/* A figure (photo, caption, credit) as one floating unit of width w. */
static void
set_figure(struct lctx *c, struct flow *f, const struct geom *g, struct layout_run_props props,
           const struct edition_figure *fig, int32_t block, int w, int max_h, bool hyphenate)
{
    int body = g->body_px;
    double fw = fig->width ? fig->width : 3.0, fh = fig->height ? fig->height : 2.0;
    if (!fig->width || !fig->height) {
        fw = 3.0;
        fh = 2.0;
    }
    int pad_top = g->body_lh / 3, gap = body / 3, pad_bottom = (g->body_lh * 2) / 3;
    int iw = w, ih = (int)lround(w * fh / fw);
    int limit = g->text_h / 2;
    if (ih > limit) {
        ih = limit;
        iw = (int)lround(ih * fw / fh);
    }
    /* caption and credit first, to know what room the photo has; at a
     * large font scale on a small screen they step down until they fit
     * under a quarter-height photo, never below their size at scale 1 */
    static const double cap_steps[] = {0.8, 0.7, 0.6, 0.5, 0.4, 0.32};
    struct flow tmp;
    int32_t ty = 0;
    bool squeezed = false; /* even the smallest caption leaves no quarter-height photo */
    int cap_floor = scaled(g->base, 0.8), credit_floor = scaled(g->base, 0.7);
    if (cap_floor > scaled(body, 0.8))
        cap_floor = scaled(body, 0.8); /* a scale under 1: the sizes as they were */
    if (credit_floor > scaled(body, 0.7))
        credit_floor = scaled(body, 0.7);
    for (size_t step = 0;; step++) {
        flow_init(&tmp);
        flow_unit(c, &tmp, block); /* one unit holding every caption line */
        ty = 0;
        int cpx = scaled(body, cap_steps[step]), rpx = scaled(body, cap_steps[step] * 7 / 8);
        bool last = step + 1 == sizeof cap_steps / sizeof cap_steps[0] || cpx <= cap_floor;
        if (cpx < cap_floor)
            cpx = cap_floor;
        if (rpx < credit_floor)
            rpx = credit_floor;
        struct para_style cs = style(props, cpx, w, LAYOUT_ROLE_CAPTION, LAYOUT_COLOR_TEXT);
        cs.ragged = true;
        cs.hyphenate = hyphenate && word_count(fig->caption) > DISPLAY_HYPHEN_WORDS;
        cs.block = block;
        /* the caption starts where the text does, the credit ends opposite */
        bool rtl = props.dir == LAYOUT_DIR_RTL;
        cs.align_right = rtl;
        if (fig->caption && *fig->caption)
            set_text(c, &tmp, &cs, LAYOUT_FACE_SANS, fig->caption, true, &ty);
        struct para_style rs = style(props, rpx, w, LAYOUT_ROLE_CREDIT, LAYOUT_COLOR_MUTED);
        rs.ragged = true;
        rs.align_right = !rtl;
        rs.align_left = rtl;
        rs.block = block;
        if (fig->credit && *fig->credit)
            set_text(c, &tmp, &rs, LAYOUT_FACE_SANS, fig->credit, true, &ty);
        bool fits = pad_top + max_h / 4 + gap + ty + pad_bottom <= max_h;
        if (last || c->oom || fits) {
            squeezed = !fits;
            break;
        }
        flow_free(&tmp);
    }
    int cap_h = ty;
    int room = max_h - pad_top - pad_bottom - gap - cap_h;
    if (ih > room) {
        int min_ih = squeezed ? max_h / 8 : max_h / 4; /* the caption before the photo */
        ih = room > min_ih ? room : min_ih;
        iw = (int)lround(ih * fw / fh);
        if (iw > w) {
            iw = w;
            ih = (int)lround(w * fh / fw);
        }
    }
    if (ih < 1)
        ih = 1;
    if (iw < 1)
        iw = 1;
    struct flow_unit *u = flow_unit(c, f, block);
    u->floats = true;
    struct layout_figure *lf = vec_push(c, &f->figs);
    lf->x = (w - iw) / 2;
    lf->y = pad_top;
    lf->w = iw;
    lf->h = ih;
    lf->image = lctx_strdup(c, fig->image ? fig->image : "");
    lf->caption = lctx_strdup(c, fig->caption ? fig->caption : "");
    lf->credit = lctx_strdup(c, fig->credit ? fig->credit : "");
    lf->block = block;
    u = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
    u->fig_count = 1;
    /* copy the caption lines below the photo, dropping those with no room */
    int base_y = pad_top + ih + gap;
    for (size_t l = 0; l < tmp.lines.count; l++) {
        const struct flow_line *fl = VEC_AT(&tmp.lines, struct flow_line, l);
        if (base_y + fl->y + fl->h + pad_bottom > max_h && l > 0)
            break;
        struct flow_line *nl = vec_push(c, &f->lines);
        *nl = *fl;
        nl->y += base_y;
        nl->first_run = (uint32_t)f->runs.count;
        for (uint32_t k = 0; k < fl->run_count; k++) {
            struct layout_run *r = vec_push(c, &f->runs);
            *r = *VEC_AT(&tmp.runs, struct layout_run, fl->first_run + k);
            r->y += base_y;
        }
        u = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
        u->line_count++;
        u->h = nl->y + nl->h;
    }
    u = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
    if (u->h < pad_top + ih)
        u->h = pad_top + ih;
    u->h += pad_bottom;
    flow_free(&tmp);
}

/* Whether paragraphs in lang (BCP 47) follow the Chinese and Japanese rule
 * of an indent on every paragraph, two ideographs wide. */
static bool
cjk_paragraphs(const char *lang)
{
    return lang && (strncmp(lang, "zh", 2) == 0 || strncmp(lang, "ja", 2) == 0) &&
           (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

/* The article's blocks into f; each paragraph is also recorded in paras
 * (struct flow_para), for pagination to set again with the other indent. */
static void
set_blocks(struct lctx *c, struct flow *f, const struct geom *g, const struct layout_config *cfg,
           const struct edition *ed, const struct edition_article *a, struct vec *paras)
{
    struct layout_run_props props = props_of(c, ed, a);
    int body = g->body_px, lh = g->body_lh;
    enum { PREV_NONE, PREV_PARA, PREV_OTHER } prev = PREV_NONE;
    bool in_list = false;
    struct vec spans;
    vec_init(&spans, sizeof(struct para_span));
    for (size_t bi = 0; bi < a->block_count && !c->oom; bi++) {
        const struct edition_block *b = &a->blocks[bi];
        int32_t y = 0;
        block_spans(c, &spans, b);
        if (in_list && b->kind != EDITION_BLOCK_LIST_ITEM) {
            flow_space(c, f, lh / 2, false);
            in_list = false;
        }
        switch (b->kind) {
        case EDITION_BLOCK_PARAGRAPH: {
            struct para_style st =
                style(props, body, g->col_w, LAYOUT_ROLE_BODY, LAYOUT_COLOR_TEXT);
            st.ragged = cfg->ragged;
            st.hyphenate = cfg->hyphenate;
            st.block = (int32_t)bi;
            /* Chinese and Japanese set every paragraph in by two ideographs
             * (the first after a heading too); the rest indent a paragraph
             * that follows another, by 1.2 em */
            bool cjk = cjk_paragraphs(props.lang);
            int indent = cjk ? scaled(body, 2.0) : scaled(body, 1.2);
            st.first_indent = cjk || prev == PREV_PARA ? indent : 0;
            st.leading = lh;
            size_t u0 = f->units.count;
            if (para_set(c, f, &st, spans.data, spans.count, false, &y)) {
                prev = PREV_PARA;
                struct flow_para *P = vec_push(c, paras);
                if (P == (void *)c->scratch)
                    break; /* out of memory (sticky) */
                *P = (struct flow_para){.st = st,
                                        .b = b,
                                        .other_indent = st.first_indent ? 0 : indent,
                                        .fixed = cjk,
                                        .first = (uint32_t)u0,
                                        .end = (uint32_t)f->units.count};
                for (size_t k = u0; k < f->units.count; k++)
                    VEC_AT(&f->units, struct flow_unit, k)->para = (uint32_t)paras->count;
            }
            break;
        }
        case EDITION_BLOCK_SUBHEAD: {
            if (prev != PREV_NONE)
                flow_space(c, f, (lh * 3) / 4, false);
            for (size_t k = 0; k < spans.count; k++)
                VEC_AT(&spans, struct para_span, k)->face = LAYOUT_FACE_SANS_BOLD;
            /* one unit a line, all kept with the text that follows; at a
             * large font scale on a small screen it steps down while it and
             * the next paragraph's first two lines are taller than the
             * column (they could not be kept together: an orphan), never
             * under its size at scale 1 */
            static const double sub_steps[] = {1.0, 0.85, 0.75, 0.65, 0.58, 0.5};
            double k0 = b->level >= 3 ? 0.95 : 1.1;
            int floor_px = scaled(g->base, k0);
            size_t first = f->units.count, nl = f->lines.count, nr = f->runs.count;
            for (size_t step = 0;; step++) {
                int px = scaled(body, k0 * sub_steps[step]);
                bool last = step + 1 == sizeof sub_steps / sizeof sub_steps[0] || px <= floor_px;
                if (step > 0 && px < floor_px)
                    px = floor_px;
                struct para_style st =
                    style(props, px, g->col_w, LAYOUT_ROLE_SUBHEAD, LAYOUT_COLOR_TEXT);
                st.ragged = true;
                st.block = (int32_t)bi;
                y = 0;
                para_set(c, f, &st, spans.data, spans.count, false, &y);
                int h = 0;
                for (size_t k = first; k < f->units.count; k++)
                    h += VEC_AT(&f->units, struct flow_unit, k)->h;
                if (last || c->oom || h + lh / 4 + 2 * lh <= g->text_h)
                    break;
                f->units.count = first;
                f->lines.count = nl;
                f->runs.count = nr;
            }
            for (size_t k = first; k < f->units.count; k++)
                VEC_AT(&f->units, struct flow_unit, k)->glue_next = true;
            if (f->units.count > first)
                VEC_AT(&f->units, struct flow_unit, f->units.count - 1)->h += lh / 4;
            prev = PREV_OTHER;
            break;
        }
        case EDITION_BLOCK_QUOTE: {
            /* a pull quote: larger italic between two accent rules, inset
             * on both sides; a quote of four lines or more may break between
             * columns like a paragraph (two lines at least on each side, each
             * rule kept with its lines) rather than leave a hole */
            int px = scaled(body, 1.3);
            int inset = scaled(body, 1.0);
            struct para_style st =
                style(props, px, g->col_w - 2 * inset, LAYOUT_ROLE_QUOTE, LAYOUT_COLOR_TEXT);
            st.ragged = true;
            st.hyphenate = cfg->hyphenate;
            st.block = (int32_t)bi;
            st.x = inset;
            for (size_t k = 0; k < spans.count; k++) {
                struct para_span *s = VEC_AT(&spans, struct para_span, k);
                s->face = s->face == LAYOUT_FACE_SERIF_ITALIC        ? LAYOUT_FACE_SERIF
                          : s->face == LAYOUT_FACE_SERIF_BOLD        ? LAYOUT_FACE_SERIF_BOLD_ITALIC
                          : s->face == LAYOUT_FACE_SERIF_BOLD_ITALIC ? LAYOUT_FACE_SERIF_BOLD
                                                                     : LAYOUT_FACE_SERIF_ITALIC;
            }
            int pad = lh / 2, gap = lh / 3;
            flow_space(c, f, pad, false);
            struct flow_unit *u = flow_unit(c, f, (int32_t)bi);
            u->glue_next = true;
            u->h = 2 + gap;
            unit_rect(c, f, inset, 0, g->col_w - 2 * inset, 2, LAYOUT_COLOR_ACCENT);
            size_t first = f->units.count;
            size_t ql = para_set(c, f, &st, spans.data, spans.count, false, &y);
            for (size_t k = first; k < f->units.count && ql < 4; k++)
                VEC_AT(&f->units, struct flow_unit, k)->glue_next = true;
            if (f->units.count > first)
                VEC_AT(&f->units, struct flow_unit, f->units.count - 1)->glue_next = true;
            u = flow_unit(c, f, (int32_t)bi);
            unit_rect(c, f, inset, gap, g->col_w - 2 * inset, 2, LAYOUT_COLOR_ACCENT);
            u = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
            u->h = gap + 2 + pad;
            prev = PREV_OTHER;
            break;
        }
        case EDITION_BLOCK_LIST_ITEM: {
            if (!in_list && prev != PREV_NONE)
                flow_space(c, f, lh / 3, false);
            in_list = true;
            int depth = b->depth ? b->depth : 1;
            int indent = scaled(body, 1.6) * depth;
            if (indent > g->col_w / 2)
                indent = g->col_w / 2;
            struct para_style st =
                style(props, body, g->col_w - indent, LAYOUT_ROLE_LIST, LAYOUT_COLOR_TEXT);
            st.ragged = cfg->ragged;
            st.hyphenate = cfg->hyphenate;
            st.block = (int32_t)bi;
            st.x = indent;
            st.leading = lh;
            st.mirror_w = g->col_w; /* the indent on the right in a right-to-left list */
            st.marker = b->ordered ? arena_printf(c->arena, "%u.", b->number)
                                   : (depth > 1 ? "\xE2\x80\x93" : "\xE2\x80\xA2");
            st.marker_face = LAYOUT_FACE_SERIF;
            if (!st.marker)
                c->oom = true;
            para_set(c, f, &st, spans.data, spans.count, false, &y);
            flow_space(c, f, lh / 6, false);
            prev = PREV_OTHER;
            break;
        }
        case EDITION_BLOCK_FIGURE:
            set_figure(c, f, g, props, &b->figure, (int32_t)bi, g->col_w, g->text_h,
                       cfg->hyphenate);
            prev = PREV_OTHER;
            break;
        }
    }
    vec_free(&spans);
}

static const char *
publication(const struct layout_config *cfg, const struct edition *ed)
{
    if (cfg->publication && *cfg->publication)
        return cfg->publication;
    return ed && ed->title ? ed->title : "";
}

bool
layout_article(struct layout *L, const struct layout_config *cfg, const struct edition *ed,
               size_t index, struct layout_pages *out, struct err *e)
{
    if (!ed || index >= ed->article_count)
        return err_set(e, ERR_USAGE, "layout: article %zu does not exist", index);
    if (!screen_ok(cfg, e))
        return false;
    const struct edition_article *a = &ed->articles[index];
    if (!a->body_loaded)
        return err_set(e, ERR_USAGE, "layout: %s: body not loaded (call edition_load_body first)",
                       a->path ? a->path : "article");
    struct lctx c;
    struct geom g;
    struct flow f;
    call_begin(&c, L, out, cfg, cfg->nav_bar, &g, &f);
    size_t head_units = 0;
    bool span = g.ncols == 2;
    /* the headline one step smaller while the head leaves fewer than four
     * body lines on the first page (a paragraph of four must not be cut 2+2
     * under a head that fills the screen); spanning the columns only while
     * the head takes at most half the page */
    for (size_t step = 0; step < HEAD_STEPS; step++) {
        flow_free(&f);
        flow_init(&f);
        int h = set_head(&c, &f, &g, ed, a, span ? g.text_w : g.col_w, step);
        if (span && h * 2 > g.text_h) {
            span = false;
            step = (size_t)-1; /* again from the largest step, in one column */
            continue;
        }
        if (g.text_h - h >= 4 * g.body_lh || step + 1 == HEAD_STEPS || c.oom)
            break;
    }
    if (span)
        head_units = f.units.count;
    struct vec paras;
    vec_init(&paras, sizeof(struct flow_para));
    set_blocks(&c, &f, &g, cfg, ed, a, &paras);
    bool rtl = props_of(&c, ed, a).dir == LAYOUT_DIR_RTL;
    struct vec pages;
    vec_init(&pages, sizeof(struct pb));
    paginate(&c, &f, head_units, &g, rtl, &pages, &paras);
    vec_free(&paras);
    const char *pub = publication(cfg, ed);
    struct chrome ch = {0};
    ch.header =
        a->section && *a->section ? arena_printf(c.arena, "%s \xC2\xB7 %s", pub, a->section) : pub;
    if (!ch.header)
        c.oom = true;
    ch.nav = cfg->nav_bar;
    ch.speaker = cfg->speaker;
    ch.article = (int32_t)index;
    ch.article_count = ed->article_count;
    ch.scale = g.scale;
    ch.dir = rtl ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR;
    if (!c.oom)
        finish_pages(&c, &pages, &g, &ch, LAYOUT_PAGE_ARTICLE, (int32_t)index, out);
    free_pages(&pages);
    flow_free(&f);
    return lctx_end(&c, e, a->path ? a->path : "an article");
}

/* The first n words of s, with an ellipsis when cut. */
static const char *
first_words(struct lctx *c, const char *s, int n)
{
    const char *p = s;
    int words = 0;
    bool in_word = false;
    for (; *p; p++) {
        bool sp = *p == ' ' || *p == '\n' || *p == '\t';
        if (!sp && !in_word) {
            if (words == n)
                break;
            words++;
        }
        in_word = !sp;
    }
    if (!*p)
        return s;
    const char *end = p;
    while (end > s && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == ',' || end[-1] == ';'))
        end--;
    char *r = arena_printf(c->arena, "%.*s\xE2\x80\xA6", (int)(end - s), s);
    if (!r) {
        c->oom = true;
        return "";
    }
    return r;
}

/* Whether text, set by para_set with st (ragged, no indent) in face, needs
 * more than max lines: a shortcut that skips setting a snippet that cannot
 * fit, never a different answer. Ragged lines have spaces that do not
 * shrink and must not be wider than the measure, and a hyphenated word's
 * pieces add up to its width, so k words on L lines take at least the sum
 * of their widths plus k - L spaces, at most L measures; more than that on
 * max lines means more lines. The same holds for the first words alone
 * (their part of each line is no wider), so the count stops as soon as
 * they overflow. False when unsure: a word wider than the measure (split
 * anywhere) or a hard break before that, or no more words than lines.
 * Words are measured as para_set measures them, so its width cache then
 * has them; memo keeps the widths by word position across the tries of one
 * snippet (each a prefix of the one before, but for its last word). */
#define MEMO_WORDS 24
struct word_memo {
    int count;
    const char *text[MEMO_WORDS];
    size_t len[MEMO_WORDS];
    int w[MEMO_WORDS];
};

static bool
cannot_fit(struct lctx *c, const struct para_style *st, uint8_t face, const char *text, int max,
           struct word_memo *memo)
{
    if (!st->ragged || st->first_indent || max < 1)
        return false;
    struct layout_font font = {face, (uint16_t)st->px};
    int64_t sum = 0, room = (int64_t)max * st->width;
    int words = 0;
    int space = lctx_measure(c, font, &st->props, " ", 1);
    for (const char *p = text; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        const char *q = p;
        while (*q && *q != ' ' && *q != '\n' && *q != '\t' && *q != '\r')
            q++;
        if (q == p)
            return false; /* a hard break or a tab */
        size_t len = (size_t)(q - p);
        int w;
        if (words < memo->count && memo->len[words] == len &&
            memcmp(memo->text[words], p, len) == 0) {
            w = memo->w[words];
        } else {
            struct layout_run_props pr = st->props;
            if (!pr.script)
                pr.script = layout_guess_script(p, len);
            w = lctx_measure(c, font, &pr, p, len);
            if (words < MEMO_WORDS && words <= memo->count) {
                memo->text[words] = p; /* in the arena until the call ends */
                memo->len[words] = len;
                memo->w[words] = w;
                memo->count = words + 1;
            }
        }
        if (w > st->width)
            return false;
        sum += w;
        words++;
        p = q;
        /* a pixel a word of slack: rounding, never a reason to skip */
        if (words > max && sum + (int64_t)(words - max) * space - words > room)
            return true;
    }
    return false;
}

/* How an index entry is set: wide (one column of entries): the thumbnail
 * right of the text; compact (two columns): the headline across the column,
 * a small thumbnail left of the snippet; tight (two columns, when compact
 * entries leave a last page nearly empty): a one-line snippet and a small
 * thumbnail right of the headline. */
enum entry_form { ENTRY_WIDE, ENTRY_COMPACT, ENTRY_TIGHT };

/* The index's unit of space around entries and labels: the body's line
 * height, at most 1.5 times what it is at scale 1. */
static int
index_space(const struct geom *g)
{
    int most = (int)lround(g->base * 1.25 * 1.5);
    return g->body_lh < most ? g->body_lh : most;
}

/* One index entry: headline, deck snippet and thumbnail; reserve px of the
 * column are kept for what it is glued under (its section's label). */
static void
set_entry(struct lctx *c, struct flow *f, const struct geom *g, const struct edition *ed, size_t ai,
          enum entry_form form, int reserve)
{
    bool compact = form != ENTRY_WIDE;
    const struct edition_article *a = &ed->articles[ai];
    struct layout_run_props props = props_of(c, ed, a);
    int body = g->body_px;
    int w = g->col_w;
    /* the headline a quarter larger than the snippet under it */
    int hpx = scaled(body, 1.0), dpx = scaled(body, compact ? 0.8 : 0.85);
    int hlh = line_height(c, LAYOUT_FACE_SERIF_BOLD, hpx);
    int dlh = line_height(c, LAYOUT_FACE_SERIF, dpx);
    if (compact) {
        /* set close, as newspapers set headlines over short columns */
        hlh = (int)lround(hpx * 1.15);
        dlh = (int)lround(dpx * 1.25);
    }
    int snippet_lines = g->text_h >= 300 && form != ENTRY_TIGHT ? 2 : 1;
    int thumb_w = 0, thumb_h = 0, gap = compact ? body * 3 / 4 : body;
    if (a->lead && a->lead->image && *a->lead->image) {
        if (form == ENTRY_TIGHT) {
            /* as tall as two headline lines, right of the text */
            thumb_h = 2 * hlh - 4;
            thumb_w = thumb_h * 3 / 2;
            if (thumb_w > w / 4) {
                thumb_w = w / 4;
                thumb_h = thumb_w * 2 / 3;
            }
        } else if (compact) {
            /* as tall as the snippet's lines beside it */
            thumb_h = snippet_lines * dlh - 2;
            thumb_w = thumb_h * 3 / 2;
            if (thumb_w > w / 3) {
                thumb_w = w / 3;
                thumb_h = thumb_w * 2 / 3;
            }
        } else {
            thumb_w = w * 18 / 100;
            if (thumb_w > 260)
                thumb_w = 260;
            if (thumb_w < 60)
                thumb_w = w / 4;
            thumb_h = thumb_w * 2 / 3;
            /* no taller than two headline lines and the snippet beside it */
            int most = 2 * hlh + snippet_lines * dlh;
            if (most > g->text_h / 2)
                most = g->text_h / 2;
            if (thumb_h > most) {
                thumb_h = most;
                thumb_w = thumb_h * 3 / 2;
            }
        }
    }
    bool beside = form == ENTRY_COMPACT; /* thumbnail left of the snippet */
    int tw = thumb_w && !beside ? w - thumb_w - gap : w;
    /* a right-to-left edition's entries are mirrored: the thumbnail left of
     * the text (right of the snippet when beside it) */
    bool mirror = props_of(c, ed, NULL).dir == LAYOUT_DIR_RTL;
    int text_x = mirror && thumb_w && !beside ? thumb_w + gap : 0;
    /* the space around an entry grows with the text up to 1.5 times its
     * size at scale 1: past that it would take lines from the headline */
    int pad_lh = index_space(g);
    int pad = compact ? pad_lh / 3 : pad_lh / 2;
    int budget = g->text_h - 2 * pad - reserve;
    struct flow_unit *u = flow_unit(c, f, -1);
    int32_t y = pad / 2;
    /* The headline is not cut short where it can be helped: at a large font
     * scale on a small screen, where its lines do not fit with the snippet,
     * it steps down (never under its size at scale 1), and failing that the
     * snippet gives way to it. At scale 1 and under, as it always was. */
    static const double hsteps[] = {1.0, 0.85, 0.72, 0.6, 0.5};
    const char *title = a->title ? a->title : "";
    int hfloor = scaled(g->base, 1.0);
    if (hfloor > hpx)
        hfloor = hpx;
    bool no_deck = false;
    for (size_t step = 0;; step++) {
        int px = scaled(body, hsteps[step]);
        bool last = step + 1 == sizeof hsteps / sizeof hsteps[0] || px <= hfloor;
        if (px < hfloor)
            px = hfloor;
        hlh = compact ? (int)lround(px * 1.15) : line_height(c, LAYOUT_FACE_SERIF_BOLD, px);
        struct para_style hs = style(props, px, tw, LAYOUT_ROLE_HEADLINE, LAYOUT_COLOR_TEXT);
        hs.ragged = true;
        hs.x = text_x;
        hs.leading = compact ? hlh : 0;
        /* compact: the whole headline, leaving room for the snippet's row */
        int allowed = compact ? (budget - pad - snippet_lines * dlh - dlh / 8 - 2) / hlh
                              : budget * 2 / 3 / hlh;
        if (allowed > 4 && !compact)
            allowed = 4;
        if (allowed < 1)
            allowed = 1;
        int alone = (budget - pad) / hlh; /* the headline's lines with no snippet */
        if (alone < allowed)
            alone = allowed;
        hs.max_lines = allowed;
        if (step == 0 && last) {
            set_text(c, f, &hs, LAYOUT_FACE_SERIF_BOLD, title, true, &y);
            break;
        }
        struct flow_unit *cu = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
        struct flow_unit saved = *cu;
        size_t nl = f->lines.count, nr = f->runs.count;
        int32_t y0 = y;
        hs.max_lines = alone + 1; /* one more than may show: tells a cut */
        int n = (int)set_text(c, f, &hs, LAYOUT_FACE_SERIF_BOLD, title, true, &y);
        if (n <= allowed)
            break;
        if (n <= alone) {
            no_deck = true;
            break;
        }
        cu = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
        *cu = saved;
        f->lines.count = nl;
        f->runs.count = nr;
        y = y0;
        if (last) {
            /* too long even so (a 26-word title at 2.5 on 480x272): its
             * first words with an ellipsis, as many as fit; the article's
             * own page sets it whole */
            no_deck = true;
            for (int words = (int)word_count(title) - 1; words >= 1 && !c->oom; words--) {
                hs.max_lines = words == 1 ? alone : alone + 1;
                n = (int)set_text(c, f, &hs, LAYOUT_FACE_SERIF_BOLD, first_words(c, title, words),
                                  true, &y);
                if (n <= alone)
                    break;
                cu = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
                *cu = saved;
                f->lines.count = nl;
                f->runs.count = nr;
                y = y0;
            }
            break;
        }
    }
    int thumb_y = pad / 2;
    if (beside) {
        y += dlh / 8;
        thumb_y = y + 2;
    }
    if (a->deck && *a->deck && !no_deck) {
        int dx = beside && thumb_w ? thumb_w + gap : 0;
        /* tight: under a thumbnail the headline is taller than, the whole width */
        int dw = form == ENTRY_TIGHT && y >= thumb_y + thumb_h ? w : tw - dx;
        if (mirror)
            dx = dw == w || beside ? 0 : text_x;
        struct para_style ds = style(props, dpx, dw, LAYOUT_ROLE_DECK, LAYOUT_COLOR_MUTED);
        ds.x = dx;
        ds.ragged = true;
        ds.leading = compact ? dlh : 0;
        ds.max_lines = (budget - y) / dlh;
        if (ds.max_lines > snippet_lines)
            ds.max_lines = snippet_lines;
        int max = ds.max_lines;
        ds.max_lines = 0;
        /* fewer words until the snippet, with its ellipsis, fits the lines;
         * tries that cannot fit are skipped unset (cannot_fit), and so are
         * repeats of the whole deck when it has fewer words than a try */
        bool whole_failed = false;
        struct word_memo memo;
        memo.count = 0;
        for (int n = 20; max >= 1 && n > 0; n -= n > 8 ? 3 : 1) {
            const char *snippet = first_words(c, a->deck, n);
            bool whole = snippet == a->deck;
            if (n > 3 && ((whole && whole_failed) ||
                          cannot_fit(c, &ds, LAYOUT_FACE_SERIF, snippet, max, &memo))) {
                whole_failed = whole_failed || whole;
                continue;
            }
            struct flow_unit *cu = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
            struct flow_unit saved = *cu;
            ds.max_lines = n <= 3 ? max : 0;
            size_t nl = f->lines.count, nr = f->runs.count;
            int32_t y0 = y;
            size_t lines = set_text(c, f, &ds, LAYOUT_FACE_SERIF, snippet, true, &y);
            if ((int)lines <= max || n <= 3)
                break;
            whole_failed = whole_failed || whole;
            cu = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
            *cu = saved;
            f->lines.count = nl;
            f->runs.count = nr;
            y = y0;
        }
    }
    u = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
    int h = y;
    if (thumb_w) {
        double fw = a->lead->width ? a->lead->width : 3.0;
        double fh = a->lead->height ? a->lead->height : 2.0;
        if (!a->lead->width || !a->lead->height) {
            fw = 3.0;
            fh = 2.0;
        }
        int iw = thumb_w, ih = (int)lround(thumb_w * fh / fw);
        if (ih > thumb_h) {
            ih = thumb_h;
            iw = (int)lround(thumb_h * fw / fh);
        }
        struct layout_figure *lf = vec_push(c, &f->figs);
        lf->x = (beside != mirror ? 0 : w - thumb_w) + (thumb_w - iw) / 2;
        lf->y = thumb_y + (thumb_h - ih) / 2;
        lf->w = iw < 1 ? 1 : iw;
        lf->h = ih < 1 ? 1 : ih;
        lf->image = lctx_strdup(c, a->lead->image);
        lf->caption = lctx_strdup(c, a->lead->caption ? a->lead->caption : "");
        lf->credit = lctx_strdup(c, a->lead->credit ? a->lead->credit : "");
        lf->block = -1;
        u->fig_count = 1;
        if (thumb_y + thumb_h > h)
            h = thumb_y + thumb_h;
    }
    struct layout_link *l = vec_push(c, &f->links);
    *l = (struct layout_link){0,    0,           w, h + pad / 2, LAYOUT_ACTION_OPEN_ARTICLE,
                              true, (int32_t)ai, -1};
    u->link_count = 1;
    unit_rect(c, f, 0, h + pad / 2, w, 1, LAYOUT_COLOR_RULE);
    u = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
    u->h = h + pad;
}

static bool
same_section(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

int32_t
layout_section_of(const struct edition *ed, size_t article)
{
    if (!ed || article >= ed->article_count)
        return -1;
    const char *s = ed->articles[article].section;
    for (size_t k = 0; k < ed->section_count; k++)
        if (same_section(ed->sections[k], s))
            return (int32_t)k;
    /* not listed: numbered after the listed ones, in order of first use */
    int32_t n = (int32_t)ed->section_count;
    for (size_t i = 0; i < article; i++) {
        const char *t = ed->articles[i].section;
        bool listed = false, seen = false;
        for (size_t k = 0; k < ed->section_count && !listed; k++)
            listed = same_section(ed->sections[k], t);
        for (size_t j = 0; j < i && !listed && !seen; j++)
            seen = same_section(ed->articles[j].section, t);
        if (listed || seen)
            continue;
        if (same_section(t, s))
            return n;
        n++;
    }
    return n;
}

/* Section s of order (its label, a link, then its entries) into f; a
 * section no article is in is left out (and keeps its number). */
static void
set_section(struct lctx *c, struct flow *f, const struct geom *g, const struct edition *ed,
            struct layout_run_props props, const char *const *order, size_t s, enum entry_form form)
{
    const char *name = order[s];
    bool any = false;
    for (size_t i = 0; i < ed->article_count && !any; i++)
        any = same_section(ed->articles[i].section, name);
    if (!any)
        return;
    bool compact = form != ENTRY_WIDE;
    /* a label, not text to read: past 1.5 times its size at scale 1 it
     * grows no more, leaving the column to the entries under it */
    int lpx = scaled(g->body_px, 0.85);
    if (lpx > scaled(g->base, 0.85 * 1.5))
        lpx = scaled(g->base, 0.85 * 1.5);
    struct para_style ls = style(props, lpx, g->col_w, LAYOUT_ROLE_SECTION, LAYOUT_COLOR_ACCENT);
    ls.ragged = true;
    ls.max_lines = 1;
    struct flow_unit *u = flow_unit(c, f, -1);
    u->glue_next = true;
    int space = index_space(g);
    int32_t y = compact ? space / 4 : space / 3;
    set_text(c, f, &ls, LAYOUT_FACE_SANS_BOLD,
             upper(c, *name ? name : loc_text(g->loc, LAYOUT_TEXT_MORE)), true, &y);
    unit_rect(c, f, 0, y + 2, g->col_w, 2, LAYOUT_COLOR_ACCENT);
    VEC_ADD(c, &f->links, struct layout_link, 0, 0, g->col_w, y + 4, LAYOUT_ACTION_SECTION, true,
            -1, (int32_t)s);
    u = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
    u->link_count = 1;
    u->h = y + 4 + (compact ? space / 6 : space / 4);
    /* the first entry leaves room for the label over it, so that the two
     * fit a column together (large text on a small screen) */
    int reserve = u->h;
    for (size_t i = 0; i < ed->article_count; i++)
        if (same_section(ed->articles[i].section, name)) {
            set_entry(c, f, g, ed, i, form, reserve);
            reserve = 0;
        }
}

/* How much of the last page's columns is used, in px summed over columns
 * (from the top of the text area to the lowest box of each column). */
static int
last_page_fill(const struct vec *pages, const struct geom *g)
{
    const struct pb *p = VEC_AT(pages, struct pb, pages->count - 1);
    int used = 0;
    for (int col = 0; col < g->ncols; col++) {
        int x0 = g->text_x + col * (g->col_w + g->gutter), low = p->col_top;
        for (size_t i = 0; i < p->lines.count; i++) {
            const struct layout_line *l = VEC_AT(&p->lines, struct layout_line, i);
            if (l->x >= x0 && l->x < x0 + g->col_w && l->y + l->h > low)
                low = l->y + l->h;
        }
        used += low - p->col_top;
    }
    return used;
}

/* The longest compact index that is also tried with tight entries. */
#define INDEX_TIGHT_MAX_PAGES 12

bool
layout_index(struct layout *L, const struct layout_config *cfg, const struct edition *ed,
             bool expired, struct layout_pages *out, struct err *e)
{
    if (!ed)
        return err_set(e, ERR_USAGE, "layout: no edition to index");
    if (!screen_ok(cfg, e))
        return false;
    struct lctx c;
    struct geom g;
    struct flow f;
    call_begin(&c, L, out, cfg, false, &g, &f);
    /* entries in two columns on landscape screens where each column holds
     * a headline of about 30 characters; one on narrow and portrait ones */
    bool compact = false;
    if (cfg->columns == 0 && g.W > g.H) {
        int two = (g.text_w - g.gutter) / 2;
        compact = two >= 300 && two >= 30.0 * g.avg;
        g.ncols = compact ? 2 : 1;
        g.col_w = compact ? two : g.text_w;
    }
    struct layout_run_props props = props_of(&c, ed, NULL);
    const char *pub = publication(cfg, ed);
    int body = g.body_px;
    int w = g.ncols == 2 ? g.text_w : g.col_w;
    /* masthead: the publication as large as fits on one line, the date */
    static const double steps[] = {2.4, 2.0, 1.6, 1.3};
    /* with two columns of entries the masthead starts a step smaller, so
     * that the first page lists more of them */
    for (size_t s = compact ? 2 : 0; s < sizeof steps / sizeof steps[0]; s++) {
        size_t nu = f.units.count, nl = f.lines.count, nr = f.runs.count;
        struct para_style st =
            style(props, scaled(body, steps[s]), w, LAYOUT_ROLE_HEADLINE, LAYOUT_COLOR_TEXT);
        st.center = true;
        st.ragged = true;
        /* the smallest step keeps two lines at most: the masthead is a
         * title, not text to read, and must leave room for the contents */
        if (s + 1 == sizeof steps / sizeof steps[0])
            st.max_lines = 2;
        struct flow_unit *u = flow_unit(&c, &f, -1);
        u->glue_next = true;
        int32_t y = 0;
        size_t lines = set_text(&c, &f, &st, LAYOUT_FACE_SERIF_BOLD, pub, true, &y);
        if ((lines <= 1 && y * 4 <= g.text_h) || s + 1 == sizeof steps / sizeof steps[0]) {
            VEC_AT(&f.units, struct flow_unit, f.units.count - 1)->h = y;
            break;
        }
        f.units.count = nu;
        f.lines.count = nl;
        f.runs.count = nr;
    }
    const char *date = format_date(&c, g.loc, ed->edition, true);
    if (!date)
        date = ed->edition ? ed->edition : "";
    struct para_style ds =
        style(props, scaled(body, 0.85), w, LAYOUT_ROLE_BYLINE, LAYOUT_COLOR_MUTED);
    ds.center = true;
    ds.ragged = true;
    struct flow_unit *u = flow_unit(&c, &f, -1);
    u->glue_next = true;
    int32_t y = 0;
    set_text(&c, &f, &ds, LAYOUT_FACE_SANS, date, true, &y);
    if (expired) {
        /* the badge: light text on an accent box, centred under the date */
        int px = scaled(body, 0.8);
        struct layout_font bf = {LAYOUT_FACE_SANS_BOLD, (uint16_t)px};
        const char *badge = lctx_strdup(&c, loc_text(g.loc, LAYOUT_TEXT_OUT_OF_DATE));
        size_t badge_len = strlen(badge);
        struct layout_run_props bprops = {0, g.loc->dir, g.loc->lang ? g.loc->lang : "en"};
        int bw = lctx_measure(&c, bf, &bprops, badge, badge_len);
        int a, d, lh;
        lctx_font_metrics(&c, bf, &a, &d, &lh);
        int padx = px / 2, bx = (w - bw) / 2, by = y + body / 4;
        unit_rect(&c, &f, bx - padx, by, bw + 2 * padx, lh + 4, LAYOUT_COLOR_ACCENT);
        struct flow_line *fl = vec_push(&c, &f.lines);
        fl->x = bx;
        fl->y = by + 2;
        fl->w = bw;
        fl->h = lh;
        fl->role = LAYOUT_ROLE_OTHER;
        fl->dir = bprops.dir;
        fl->text = badge;
        fl->block = -1;
        fl->start = fl->end = 0;
        fl->first_run = (uint32_t)f.runs.count;
        fl->run_count = 1;
        struct layout_run *r = vec_push(&c, &f.runs);
        *r = (struct layout_run){bx,
                                 by + 2,
                                 bw,
                                 a + d,
                                 bf,
                                 LAYOUT_ROLE_OTHER,
                                 LAYOUT_COLOR_PAPER,
                                 bprops,
                                 badge,
                                 (uint32_t)badge_len};
        r->props.script = layout_guess_script(badge, badge_len);
        u = VEC_AT(&f.units, struct flow_unit, f.units.count - 1);
        u->line_count++;
        y = by + lh + 4;
    }
    u = VEC_AT(&f.units, struct flow_unit, f.units.count - 1);
    u->h = y;
    u = flow_unit(&c, &f, -1);
    int gap = g.body_lh / 2;
    unit_rect(&c, &f, 0, gap, w, 2, LAYOUT_COLOR_RULE);
    u = VEC_AT(&f.units, struct flow_unit, f.units.count - 1);
    u->h = 2 * gap + 2;
    size_t head_units = f.units.count;
    if (g.ncols == 1)
        head_units = 0; /* streamed like the rest */
    /* sections in manifest order, then those of articles not listed */
    struct vec order;
    vec_init(&order, sizeof(const char *));
    for (size_t s = 0; s < ed->section_count; s++)
        *(const char **)vec_push(&c, &order) = ed->sections[s];
    for (size_t i = 0; i < ed->article_count; i++)
        if (layout_section_of(ed, i) == (int32_t)order.count)
            *(const char **)vec_push(&c, &order) =
                ed->articles[i].section ? ed->articles[i].section : "";
    /* compact entries; when their last page is under a third full, tight
     * ones too, kept if they take fewer pages. Only for a short index (at
     * most INDEX_TIGHT_MAX_PAGES compact pages, about 70 entries at
     * 800x480): there the pages saved are a real share of it, while on a
     * long one (hundreds of entries, whose index is set before the first
     * frame) the second pass would double that time for a few pages in
     * dozens. */
    size_t mark[6] = {f.units.count, f.lines.count, f.runs.count,
                      f.figs.count,  f.rects.count, f.links.count};
    struct vec pages;
    vec_init(&pages, sizeof(struct pb));
    enum entry_form forms[2] = {compact ? ENTRY_COMPACT : ENTRY_WIDE, ENTRY_TIGHT};
    for (size_t pass = 0; pass < (compact ? 2u : 1u) && !c.oom; pass++) {
        f.units.count = mark[0];
        f.lines.count = mark[1];
        f.runs.count = mark[2];
        f.figs.count = mark[3];
        f.rects.count = mark[4];
        f.links.count = mark[5];
        for (size_t s = 0; s < order.count && !c.oom; s++)
            set_section(&c, &f, &g, ed, props, order.data, s, forms[pass]);
        struct vec try;
        vec_init(&try, sizeof(struct pb));
        paginate(&c, &f, head_units, &g, props.dir == LAYOUT_DIR_RTL, &try, NULL);
        if (pass == 0 || try.count < pages.count) {
            free_pages(&pages);
            pages = try;
        } else {
            free_pages(&try);
        }
        if (pages.count < 2 || pages.count > INDEX_TIGHT_MAX_PAGES ||
            last_page_fill(&pages, &g) * 3 >= g.text_h * g.ncols)
            break;
    }
    vec_free(&order);
    struct chrome ch = {0};
    ch.header = arena_printf(c.arena, "%s \xC2\xB7 %s", pub, loc_text(g.loc, LAYOUT_TEXT_CONTENTS));
    if (!ch.header)
        c.oom = true;
    ch.article = -1;
    ch.scale = g.scale;
    ch.dir = props.dir;
    if (!c.oom)
        finish_pages(&c, &pages, &g, &ch, LAYOUT_PAGE_INDEX, -1, out);
    free_pages(&pages);
    flow_free(&f);
    return lctx_end(&c, e, "the edition index");
}

bool
layout_screen(struct layout *L, const struct layout_config *cfg, const char *title,
              const char *const *lines, size_t line_count, struct layout_pages *out, struct err *e)
{
    if (!screen_ok(cfg, e))
        return false;
    struct lctx c;
    struct geom g;
    struct flow f;
    call_begin(&c, L, out, cfg, false, &g, &f);
    /* the lines are the app's, in the locale's language */
    struct layout_run_props props = {0, g.loc->dir, g.loc->lang ? g.loc->lang : "en"};
    int body = g.body_px;
    int32_t y = 0;
    struct flow_unit *u = flow_unit(&c, &f, -1);
    if (title && *title) {
        struct para_style st =
            style(props, scaled(body, 1.6), g.text_w, LAYOUT_ROLE_HEADLINE, LAYOUT_COLOR_TEXT);
        st.center = true;
        st.ragged = true;
        set_text(&c, &f, &st, LAYOUT_FACE_SERIF_BOLD, title, true, &y);
        y += g.body_lh / 2;
    }
    for (size_t i = 0; i < line_count; i++) {
        if (!lines[i])
            continue;
        struct para_style st = style(props, body, g.text_w, LAYOUT_ROLE_OTHER, LAYOUT_COLOR_TEXT);
        st.center = true;
        st.ragged = true;
        set_text(&c, &f, &st, LAYOUT_FACE_SANS, lines[i], true, &y);
    }
    u = VEC_AT(&f.units, struct flow_unit, f.units.count - 1);
    u->h = y;
    /* centred vertically; lines that do not fit the screen are dropped */
    int avail = g.H - 2 * g.margin;
    int top = y < avail ? (g.H - y) / 2 : g.margin;
    struct pb page;
    pb_init(&page);
    struct flow_unit fit = *u;
    fit.line_count = 0;
    for (uint32_t l = 0; l < u->line_count; l++) {
        const struct flow_line *fl = VEC_AT(&f.lines, struct flow_line, u->first_line + l);
        if (fl->y + fl->h > avail && l > 0)
            break;
        fit.line_count++;
    }
    place_unit(&c, &page, &f, &fit, g.text_x, top);
    struct vec pages;
    vec_init(&pages, sizeof(struct pb));
    *(struct pb *)vec_push(&c, &pages) = page;
    struct chrome ch = {0};
    ch.article = -1;
    ch.scale = g.scale;
    if (!c.oom)
        finish_pages(&c, &pages, &g, &ch, LAYOUT_PAGE_SCREEN, -1, out);
    free_pages(&pages);
    flow_free(&f);
    return lctx_end(&c, e, "a message screen");
}
