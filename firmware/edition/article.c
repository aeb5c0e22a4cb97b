/* One article: YAML front matter between '---' lines, then a CommonMark body
 * read with md4c into blocks of styled spans. The same pass, without keeping
 * blocks, gives the index its lead figure and word count. */
#include "edition_internal.h"

#include <md4c.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#define LIST_DEPTH_MAX 255

/* md4c 0.4.8 (Debian 12) reads past the end of its input when the text
 * ends right after "](" (found by fuzz_edition; valgrind shows it inside
 * libmd4c), and may hand that byte back as text. So md4c always gets a copy
 * that ends with a newline and has zero padding past its size. */
#define MD_PAD 16

struct span_rec {
    size_t off, len;
    uint32_t style;
};

/* The block being built: its text and spans grow in malloc'd buffers and are
 * copied into the edition's arena once complete. */
struct builder {
    bool active;
    enum edition_block_kind kind;
    uint8_t level, depth;
    bool ordered;
    uint32_t number;
    char *text;
    size_t len, cap;
    struct span_rec *spans;
    size_t span_count, span_cap;
};

struct list_level {
    bool ordered;
    uint32_t next;
};

struct body {
    struct edition *ed;
    const char *path;
    const char *src; /* the body's text, for line numbers */
    size_t src_len, first_line;
    bool full;
    edition_image_fn *on_image;
    void *ctx;
    struct err *e;
    bool failed;

    struct builder b;
    struct edition_block *blocks; /* malloc'd while parsing (full) */
    size_t block_count, block_cap;
    struct edition_figure *pending; /* figures waiting for their paragraph to end */
    size_t pending_count, pending_cap;
    struct edition_figure *lead; /* in the arena */

    unsigned quote_depth;
    unsigned html_depth;
    bool code_block;
    struct list_level lists[LIST_DEPTH_MAX];
    size_t list_count; /* may exceed LIST_DEPTH_MAX; deeper levels share the last */
    unsigned emph, strong, code, link;

    unsigned img_depth; /* > 0 inside ![alt](src): text is the caption */
    char *alt;
    size_t alt_len, alt_cap;
    char *img_src, *img_title;
    size_t img_line;

    size_t last_off;          /* furthest source offset seen, for line numbers */
    size_t line_off, line_no; /* a known (offset, line) pair to count on from */
    uint32_t words;
    bool in_word;
};

static int
fail_nomem(struct body *p)
{
    p->failed = true;
    err_set(p->e, ERR_NOMEM, "%s: out of memory", p->path);
    return 1;
}

static bool
grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(*buf, ncap * elem);
    if (!n)
        return false;
    *buf = n;
    *cap = ncap;
    return true;
}

static bool
append_raw(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (!grow((void **)buf, cap, *len + n + 1, 1))
        return false;
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return true;
}

static void
count_words(struct body *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool space = s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r';
        if (!space && !p->in_word)
            p->words++;
        p->in_word = !space;
    }
}

static uint32_t
cur_style(const struct body *p)
{
    uint32_t s = 0;
    if (p->emph)
        s |= EDITION_STYLE_EMPH;
    if (p->strong)
        s |= EDITION_STYLE_STRONG;
    if (p->code || p->code_block)
        s |= EDITION_STYLE_CODE;
    if (p->link)
        s |= EDITION_STYLE_LINK;
    return s;
}

static void
note_pos(struct body *p, const char *s)
{
    if (s >= p->src && s < p->src + p->src_len && (size_t)(s - p->src) > p->last_off)
        p->last_off = (size_t)(s - p->src);
}

/* Adds text to the block being built (full mode) with the current style. */
static bool
add_text(struct body *p, const char *s, size_t n)
{
    if (!p->full || n == 0)
        return true;
    struct builder *b = &p->b;
    uint32_t style = cur_style(p);
    if (b->span_count && b->spans[b->span_count - 1].style == style &&
        b->spans[b->span_count - 1].off + b->spans[b->span_count - 1].len == b->len) {
        b->spans[b->span_count - 1].len += n;
    } else {
        if (!grow((void **)&b->spans, &b->span_cap, b->span_count + 1, sizeof *b->spans))
            return false;
        b->spans[b->span_count++] = (struct span_rec){b->len, n, style};
    }
    return append_raw(&b->text, &b->len, &b->cap, s, n);
}

static void
begin(struct body *p, enum edition_block_kind kind)
{
    struct builder *b = &p->b;
    b->active = true;
    b->kind = kind;
    b->level = b->depth = 0;
    b->ordered = false;
    b->number = 0;
    b->len = b->span_count = 0;
}

/* Separates a paragraph joined into a quote or list item from the text
 * before it. */
static bool
separate(struct body *p)
{
    p->in_word = false;
    if (!p->full || p->b.len == 0)
        return true;
    uint32_t saved_emph = p->emph, saved_strong = p->strong, saved_code = p->code,
             saved_link = p->link;
    bool saved_cb = p->code_block;
    p->emph = p->strong = p->code = p->link = 0;
    p->code_block = false;
    bool ok = add_text(p, "\n", 1);
    p->emph = saved_emph;
    p->strong = saved_strong;
    p->code = saved_code;
    p->link = saved_link;
    p->code_block = saved_cb;
    return ok;
}

static bool
push_block(struct body *p, const struct edition_block *blk)
{
    if (!grow((void **)&p->blocks, &p->block_cap, p->block_count + 1, sizeof *p->blocks))
        return false;
    p->blocks[p->block_count++] = *blk;
    return true;
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Ends the block being built: emits it unless it holds only white space,
 * then the figures found inside it. */
static bool
flush(struct body *p)
{
    struct builder *b = &p->b;
    p->in_word = false;
    if (b->active && p->full) {
        size_t start = 0, end = b->len;
        while (start < end && is_space(b->text[start]))
            start++;
        while (end > start && is_space(b->text[end - 1]))
            end--;
        if (end > start) {
            struct arena *a = &p->ed->arena;
            char *text = arena_strndup(a, b->text + start, end - start);
            struct edition_span *spans = arena_alloc(a, b->span_count * sizeof *spans);
            if (!text || !spans)
                return false;
            size_t n = 0;
            for (size_t i = 0; i < b->span_count; i++) {
                size_t s0 = b->spans[i].off, s1 = s0 + b->spans[i].len;
                if (s0 < start)
                    s0 = start;
                if (s1 > end)
                    s1 = end;
                if (s1 <= s0)
                    continue;
                spans[n].text = text + (s0 - start);
                spans[n].len = (uint32_t)(s1 - s0);
                spans[n].style = b->spans[i].style;
                n++;
            }
            struct edition_block blk = {.kind = b->kind,
                                        .level = b->level,
                                        .depth = b->depth,
                                        .ordered = b->ordered,
                                        .number = b->number,
                                        .spans = spans,
                                        .span_count = n};
            if (!push_block(p, &blk))
                return false;
        }
    }
    b->active = false;
    b->len = b->span_count = 0;
    if (p->full) {
        for (size_t i = 0; i < p->pending_count; i++) {
            struct edition_block blk = {.kind = EDITION_BLOCK_FIGURE, .figure = p->pending[i]};
            if (!push_block(p, &blk))
                return false;
        }
    }
    p->pending_count = 0;
    return true;
}

/* Text arriving outside any block (after a nested list inside an item)
 * starts a plain paragraph. */
static void
ensure_block(struct body *p)
{
    if (!p->b.active)
        begin(p, EDITION_BLOCK_PARAGRAPH);
}

static bool
joined(const struct body *p)
{
    return p->quote_depth > 0 || (p->b.active && p->b.kind == EDITION_BLOCK_LIST_ITEM);
}

static int
on_enter_block(MD_BLOCKTYPE type, void *detail, void *user)
{
    struct body *p = user;
    if (p->failed)
        return 1;
    bool ok = true;
    switch (type) {
    case MD_BLOCK_QUOTE:
        if (p->quote_depth++ == 0) {
            ok = flush(p);
            begin(p, EDITION_BLOCK_QUOTE);
        }
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (p->quote_depth == 0)
            ok = flush(p); /* the parent item's own text comes first */
        if (p->list_count < LIST_DEPTH_MAX) {
            struct list_level *l = &p->lists[p->list_count];
            l->ordered = type == MD_BLOCK_OL;
            l->next = l->ordered ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
        }
        p->list_count++;
        break;
    case MD_BLOCK_LI:
        if (p->quote_depth > 0) {
            ok = separate(p);
        } else {
            ok = flush(p);
            size_t depth = p->list_count < LIST_DEPTH_MAX ? p->list_count : LIST_DEPTH_MAX;
            struct list_level *l = &p->lists[depth - 1];
            begin(p, EDITION_BLOCK_LIST_ITEM);
            p->b.depth = (uint8_t)depth;
            p->b.ordered = l->ordered;
            p->b.number = l->ordered ? l->next++ : 0;
        }
        break;
    case MD_BLOCK_H:
        if (joined(p)) {
            ok = separate(p);
        } else {
            ok = flush(p);
            begin(p, EDITION_BLOCK_SUBHEAD);
            p->b.level = ((MD_BLOCK_H_DETAIL *)detail)->level <= 2 ? 2 : 3;
        }
        break;
    case MD_BLOCK_CODE:
        p->code_block = true; /* set as a paragraph in the code style */
        __attribute__((fallthrough));
    case MD_BLOCK_P:
        if (joined(p)) {
            ok = separate(p);
        } else {
            ok = flush(p);
            begin(p, EDITION_BLOCK_PARAGRAPH);
        }
        break;
    case MD_BLOCK_HTML:
        p->html_depth++; /* raw HTML is never shown */
        break;
    default: /* document, rule, tables (not in CommonMark) */
        break;
    }
    return ok ? 0 : fail_nomem(p);
}

static int
on_leave_block(MD_BLOCKTYPE type, void *detail, void *user)
{
    struct body *p = user;
    if (p->failed)
        return 1;
    (void)detail;
    bool ok = true;
    switch (type) {
    case MD_BLOCK_QUOTE:
        if (--p->quote_depth == 0)
            ok = flush(p);
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        p->list_count--;
        break;
    case MD_BLOCK_LI:
        if (p->quote_depth == 0)
            ok = flush(p);
        break;
    case MD_BLOCK_CODE:
        p->code_block = false;
        __attribute__((fallthrough));
    case MD_BLOCK_H:
    case MD_BLOCK_P:
        if (!joined(p))
            ok = flush(p);
        else
            p->in_word = false;
        break;
    case MD_BLOCK_HTML:
        p->html_depth--;
        break;
    case MD_BLOCK_DOC:
        ok = flush(p);
        break;
    default:
        break;
    }
    return ok ? 0 : fail_nomem(p);
}

/* Named entities publishers use; md4c has already checked the name is a real
 * HTML entity, and any not listed here stays as written. */
static const struct {
    const char *name;
    uint32_t cp;
} named_entities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},       {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0xa0},     {"shy", 0xad},     {"copy", 0xa9},
    {"reg", 0xae},      {"trade", 0x2122},  {"deg", 0xb0},     {"middot", 0xb7},
    {"bull", 0x2022},   {"hellip", 0x2026}, {"ndash", 0x2013}, {"mdash", 0x2014},
    {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201a}, {"ldquo", 0x201c},
    {"rdquo", 0x201d},  {"bdquo", 0x201e},  {"laquo", 0xab},   {"raquo", 0xbb},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203a}, {"euro", 0x20ac},  {"pound", 0xa3},
    {"yen", 0xa5},      {"cent", 0xa2},     {"sect", 0xa7},    {"para", 0xb6},
    {"times", 0xd7},    {"divide", 0xf7},   {"plusmn", 0xb1},  {"frac12", 0xbd},
    {"frac14", 0xbc},   {"frac34", 0xbe},   {"prime", 0x2032}, {"Prime", 0x2033},
    {"thinsp", 0x2009}, {"ensp", 0x2002},   {"emsp", 0x2003},  {"zwj", 0x200d},
    {"zwnj", 0x200c},   {"lrm", 0x200e},    {"rlm", 0x200f},   {"minus", 0x2212},
    {"eacute", 0xe9},   {"egrave", 0xe8},   {"aacute", 0xe1},  {"agrave", 0xe0},
    {"uuml", 0xfc},     {"ouml", 0xf6},     {"auml", 0xe4},    {"szlig", 0xdf},
    {"ccedil", 0xe7},   {"ntilde", 0xf1},   {"iexcl", 0xa1},   {"iquest", 0xbf},
};

/* Decodes entity s (n bytes, "&...;") into out (at least 6 bytes); returns
 * its length, 0 if unknown (the caller keeps the text as written). */
static size_t
decode_entity(const char *s, size_t n, char *out)
{
    if (n < 3 || s[0] != '&' || s[n - 1] != ';')
        return 0;
    uint32_t cp = 0;
    if (s[1] == '#') {
        bool hex = n > 3 && (s[2] == 'x' || s[2] == 'X');
        size_t i = hex ? 3 : 2;
        if (i >= n - 1)
            return 0;
        for (; i < n - 1; i++) {
            char c = s[i];
            uint32_t d;
            if (c >= '0' && c <= '9')
                d = (uint32_t)(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                d = (uint32_t)(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F')
                d = (uint32_t)(c - 'A' + 10);
            else
                return 0;
            cp = cp * (hex ? 16 : 10) + d;
            if (cp > 0x10ffff)
                cp = 0x110000; /* stays out of range, no overflow */
        }
        /* as HTML does: NUL, surrogates and out-of-range become U+FFFD */
        if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            cp = 0xfffd;
    } else {
        for (size_t i = 0; i < sizeof named_entities / sizeof named_entities[0]; i++) {
            size_t k = strlen(named_entities[i].name);
            if (k == n - 2 && memcmp(s + 1, named_entities[i].name, k) == 0) {
                cp = named_entities[i].cp;
                break;
            }
        }
        if (!cp)
            return 0;
    }
    int k = u8_uctomb((uint8_t *)out, cp, 6);
    return k > 0 ? (size_t)k : 0;
}

/* Text of an md4c attribute (image src or title) with entities decoded. */
static char *
attr_text(struct body *p, const MD_ATTRIBUTE *at)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!append_raw(&buf, &len, &cap, "", 0))
        return NULL;
    for (size_t i = 0; at->text && at->substr_offsets[i] < at->size; i++) {
        const char *s = at->text + at->substr_offsets[i];
        size_t n = at->substr_offsets[i + 1] - at->substr_offsets[i];
        char dec[8];
        size_t dn = 0;
        bool ok;
        if (at->substr_types[i] == MD_TEXT_ENTITY && (dn = decode_entity(s, n, dec)) > 0)
            ok = append_raw(&buf, &len, &cap, dec, dn);
        else if (at->substr_types[i] == MD_TEXT_NULLCHAR)
            ok = append_raw(&buf, &len, &cap, "\xef\xbf\xbd", 3);
        else
            ok = append_raw(&buf, &len, &cap, s, n);
        if (!ok) {
            free(buf);
            return NULL;
        }
    }
    (void)p;
    return buf;
}

/* The line of an image: where md4c's src attribute points into the source
 * (it does when the src has no escapes), else the last text seen. Lines are
 * counted on from the previous answer, so many images stay linear. */
static size_t
image_line(struct body *p, const MD_ATTRIBUTE *src)
{
    size_t off = p->last_off;
    if (src->text >= p->src && src->text < p->src + p->src_len)
        off = (size_t)(src->text - p->src);
    if (off < p->line_off) {
        p->line_off = 0;
        p->line_no = p->first_line;
    }
    p->line_no = edition_line_at(p->src + p->line_off, off - p->line_off, p->line_no);
    p->line_off = off;
    return p->line_no;
}

static int
begin_image(struct body *p, const MD_SPAN_IMG_DETAIL *d)
{
    p->img_src = attr_text(p, &d->src);
    p->img_title = attr_text(p, &d->title);
    p->alt_len = 0;
    if (!p->img_src || !p->img_title || !append_raw(&p->alt, &p->alt_len, &p->alt_cap, "", 0))
        return fail_nomem(p);
    p->img_line = image_line(p, &d->src);
    if (!edition_valid_image_path(p->img_src)) {
        char esc[128];
        err_escape(esc, sizeof esc, p->img_src, strlen(p->img_src));
        p->failed = true;
        err_set(p->e, ERR_INVALID,
                "%s:%zu: image '%s' must be a file of the edition named "
                "images/NAME.(jpg|jpeg|png|webp)",
                p->path, p->img_line, esc);
        return 1;
    }
    return 0;
}

static int
end_image(struct body *p)
{
    struct arena *a = &p->ed->arena;
    bool first = p->lead == NULL;
    uint32_t w = 0, h = 0;
    if (p->on_image &&
        !p->on_image(p->ctx, p->path, p->img_line, p->img_src, p->full || first, &w, &h, p->e)) {
        p->failed = true;
        return 1;
    }
    if (!p->full && !first)
        return 0; /* the index keeps only the lead */
    /* the caption is plain text: trim the white space emphasis left */
    size_t s = 0, n = p->alt_len;
    while (s < n && is_space(p->alt[s]))
        s++;
    while (n > s && is_space(p->alt[n - 1]))
        n--;
    struct edition_figure fig = {
        .image = arena_strdup(a, p->img_src),
        .caption = arena_strndup(a, p->alt + s, n - s),
        .credit = arena_strdup(a, p->img_title),
        .width = w,
        .height = h,
    };
    if (!fig.image || !fig.caption || !fig.credit)
        return fail_nomem(p);
    if (first) {
        p->lead = arena_alloc(a, sizeof *p->lead);
        if (!p->lead)
            return fail_nomem(p);
        *p->lead = fig;
    }
    if (p->full) {
        if (!grow((void **)&p->pending, &p->pending_cap, p->pending_count + 1, sizeof *p->pending))
            return fail_nomem(p);
        p->pending[p->pending_count++] = fig;
    }
    return 0;
}

static int
on_enter_span(MD_SPANTYPE type, void *detail, void *user)
{
    struct body *p = user;
    if (p->failed)
        return 1;
    if (p->img_depth > 0) {
        if (type == MD_SPAN_IMG)
            p->img_depth++; /* an image inside a caption: its alt joins the caption */
        return 0;
    }
    switch (type) {
    case MD_SPAN_EM:
        p->emph++;
        break;
    case MD_SPAN_STRONG:
        p->strong++;
        break;
    case MD_SPAN_CODE:
        p->code++;
        break;
    case MD_SPAN_A:
        p->link++;
        break;
    case MD_SPAN_IMG:
        p->img_depth = 1;
        return begin_image(p, detail);
    default:
        break;
    }
    return 0;
}

static int
on_leave_span(MD_SPANTYPE type, void *detail, void *user)
{
    struct body *p = user;
    if (p->failed)
        return 1;
    (void)detail;
    if (p->img_depth > 0) {
        if (type == MD_SPAN_IMG && --p->img_depth == 0) {
            int r = end_image(p);
            free(p->img_src);
            free(p->img_title);
            p->img_src = p->img_title = NULL;
            return r;
        }
        return 0;
    }
    switch (type) {
    case MD_SPAN_EM:
        p->emph--;
        break;
    case MD_SPAN_STRONG:
        p->strong--;
        break;
    case MD_SPAN_CODE:
        p->code--;
        break;
    case MD_SPAN_A:
        p->link--;
        break;
    default:
        break;
    }
    return 0;
}

static int
on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user)
{
    struct body *p = user;
    if (p->failed)
        return 1;
    if (text >= p->src && text <= p->src + p->src_len + MD_PAD) {
        /* never past the text we gave (see parse_body) */
        size_t left = text < p->src + p->src_len ? (size_t)(p->src + p->src_len - text) : 0;
        if (size > left)
            size = (MD_SIZE)left;
    }
    note_pos(p, text);
    if (p->html_depth > 0 || type == MD_TEXT_HTML)
        return 0;
    const char *s = text;
    size_t n = size;
    char dec[8];
    switch (type) {
    case MD_TEXT_NULLCHAR:
        s = "\xef\xbf\xbd";
        n = 3;
        break;
    case MD_TEXT_BR:
        s = "\n";
        n = 1;
        break;
    case MD_TEXT_SOFTBR:
        s = " ";
        n = 1;
        break;
    case MD_TEXT_ENTITY: {
        size_t k = decode_entity(text, size, dec);
        if (k) {
            s = dec;
            n = k;
        }
        break;
    }
    default:
        break;
    }
    if (p->img_depth > 0) {
        if (p->full || p->lead == NULL)
            if (!append_raw(&p->alt, &p->alt_len, &p->alt_cap, s, n))
                return fail_nomem(p);
        return 0;
    }
    count_words(p, s, n);
    if (p->full) {
        ensure_block(p);
        if (!add_text(p, s, n))
            return fail_nomem(p);
    }
    return 0;
}

static bool
parse_body(struct body *p)
{
    MD_PARSER parser = {
        .abi_version = 0,
        .flags = MD_DIALECT_COMMONMARK,
        .enter_block = on_enter_block,
        .leave_block = on_leave_block,
        .enter_span = on_enter_span,
        .leave_span = on_leave_span,
        .text = on_text,
    };
    size_t n = p->src_len;
    char *copy = malloc(n + 1 + MD_PAD);
    if (!copy)
        return err_set(p->e, ERR_NOMEM, "%s: out of memory", p->path);
    if (n)
        memcpy(copy, p->src, n);
    if (n == 0 || copy[n - 1] != '\n')
        copy[n++] = '\n';
    memset(copy + n, 0, MD_PAD);
    p->src = copy;
    p->src_len = n;
    /* md4c does not stop at every non-zero callback return (an image span's
     * is ignored), so a failure is sticky: later callbacks return at once. */
    int r = md_parse(copy, (MD_SIZE)n, &parser, p);
    free(copy);
    p->src = NULL;
    if (p->failed)
        return false;
    if (r != 0)
        return err_set(p->e, ERR_NOMEM, "%s: the Markdown parser failed (out of memory)", p->path);
    return true;
}

static void
body_free(struct body *p)
{
    free(p->b.text);
    free(p->b.spans);
    free(p->blocks);
    free(p->pending);
    free(p->alt);
    free(p->img_src);
    free(p->img_title);
}

/* ---- front matter ---- */

/* Length of the line at s (without its '\n'), and whether it is a '---'
 * fence (trailing spaces and a CR allowed). */
static bool
is_fence(const char *s, size_t n)
{
    if (n < 3 || memcmp(s, "---", 3) != 0)
        return false;
    for (size_t i = 3; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

struct front {
    const char *yaml;
    size_t yaml_len;
    const char *body;
    size_t body_len;
    size_t close_line; /* line of the closing '---' */
};

static bool
split_front(const char *path, const char *data, size_t len, struct front *f, struct err *e)
{
    size_t pos = 0;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        pos = 3; /* a byte order mark some editors write */
    const char *nl = memchr(data + pos, '\n', len - pos);
    size_t n = (nl ? (size_t)(nl - data) : len) - pos;
    if (!is_fence(data + pos, n))
        return err_set(e, ERR_INVALID,
                       "%s:1: the article must begin with front matter: a '---' line, "
                       "'title: ...', and another '---' line",
                       path);
    if (!nl)
        return err_set(e, ERR_INVALID, "%s:1: front matter opened with '---' is never closed",
                       path);
    size_t start = (size_t)(nl - data) + 1, line = 2;
    for (size_t p = start; p < len; line++) {
        const char *end = memchr(data + p, '\n', len - p);
        size_t ln = (end ? (size_t)(end - data) : len) - p;
        if (is_fence(data + p, ln)) {
            f->yaml = data + start;
            f->yaml_len = p - start;
            f->body = end ? end + 1 : data + len;
            f->body_len = (size_t)(data + len - f->body);
            f->close_line = line;
            return true;
        }
        if (!end)
            break;
        p = (size_t)(end - data) + 1;
    }
    return err_set(e, ERR_INVALID, "%s:1: front matter opened with '---' is never closed", path);
}

static bool
front_string(struct edition *ed, const char *path, const struct yentry *ent, const char **out,
             struct err *e)
{
    if (ent->kind != YENTRY_SCALAR)
        return err_set(e, ERR_INVALID, "%s:%zu: %s must be a single value, not a list or map", path,
                       ent->line, ent->key);
    *out = arena_strndup(&ed->arena, ent->value.text, ent->value.len);
    return *out ? true : err_set(e, ERR_NOMEM, "%s: out of memory", path);
}

static bool
parse_front(struct edition *ed, struct edition_article *a, const struct front *f, struct err *e)
{
    struct arena tmp;
    arena_init(&tmp, 0); /* bounded by the article's size */
    struct ymap map;
    bool ok = edition_yaml_read_map(&tmp, a->path, 2, f->yaml, f->yaml_len, &map, e);
    for (size_t i = 0; ok && i < map.count; i++) {
        const struct yentry *ent = &map.entries[i];
        const char *k = ent->key;
        const char **dst = NULL;
        if (strcmp(k, "title") == 0)
            dst = &a->title;
        else if (strcmp(k, "deck") == 0)
            dst = &a->deck;
        else if (strcmp(k, "byline") == 0)
            dst = &a->byline;
        else if (strcmp(k, "date") == 0)
            dst = &a->date;
        else if (strcmp(k, "section") == 0)
            dst = &a->section;
        else if (strcmp(k, "language") == 0)
            dst = &a->language;
        else if (strcmp(k, "dir") == 0)
            dst = &a->dir;
        if (!dst)
            continue; /* other generators' keys (draft, tags, weight...) */
        ok = front_string(ed, a->path, ent, dst, e);
        if (!ok)
            break;
        if (dst == &a->language && !edition_valid_language(a->language))
            ok = err_set(e, ERR_INVALID,
                         "%s:%zu: language must be a BCP 47 tag such as en, fa or pt-BR", a->path,
                         ent->value.line);
        if (dst == &a->dir) {
            if (strcmp(a->dir, "auto") == 0)
                a->dir = "";
            else if (strcmp(a->dir, "ltr") != 0 && strcmp(a->dir, "rtl") != 0)
                ok = err_set(e, ERR_INVALID, "%s:%zu: dir must be ltr, rtl or auto", a->path,
                             ent->value.line);
        }
        if (dst == &a->language && !a->language[0])
            a->language = ed->language;
    }
    arena_fini(&tmp);
    if (ok && !a->title[0])
        return err_set(e, ERR_INVALID, "%s:%zu: title is required (a 'title: ...' line)", a->path,
                       f->close_line);
    return ok;
}

bool
edition_article_parse(struct edition *ed, size_t index, const void *vdata, size_t len, bool full,
                      edition_image_fn *on_image, void *ctx, struct err *e)
{
    if (index >= ed->article_count)
        return err_set(e, ERR_USAGE, "article %zu does not exist (the edition has %zu)", index,
                       ed->article_count);
    const char *data = vdata;
    struct edition_article a = ed->articles[index];
    const struct edition_limits *lim = &edition_priv(ed)->limits;
    if (len > lim->max_article_bytes)
        return err_set(e, ERR_LIMIT, "%s: %zu bytes exceeds the article limit of %zu bytes", a.path,
                       len, lim->max_article_bytes);
    if (!edition_check_text(a.path, data, len, 1, e))
        return false;
    struct front f = {0};
    if (!split_front(a.path, data, len, &f, e))
        return false;
    a.title = a.deck = a.byline = a.date = a.section = a.dir = "";
    a.language = ed->language ? ed->language : "";
    if (!parse_front(ed, &a, &f, e))
        return false;

    size_t openers = 0;
    for (const char *q = f.body; (q = memmem(q, (size_t)(f.body + f.body_len - q), "![", 2));
         q += 2)
        if (++openers > EDITION_MAX_IMAGES)
            return err_set(e, ERR_LIMIT, "%s:%zu: more than %d images in one article", a.path,
                           edition_line_at(f.body, (size_t)(q - f.body), f.close_line + 1),
                           EDITION_MAX_IMAGES);

    struct body p = {
        .ed = ed,
        .path = a.path,
        .src = f.body,
        .src_len = f.body_len,
        .first_line = f.close_line + 1,
        .line_no = f.close_line + 1,
        .full = full,
        .on_image = on_image,
        .ctx = ctx,
        .e = e,
    };
    bool ok = parse_body(&p);
    if (ok && full) {
        struct edition_block *blocks = arena_alloc(&ed->arena, p.block_count * sizeof *blocks);
        if (!blocks) {
            ok = err_set(e, ERR_NOMEM, "%s: out of memory", a.path);
        } else {
            if (p.block_count)
                memcpy(blocks, p.blocks, p.block_count * sizeof *blocks);
            a.blocks = blocks;
            a.block_count = p.block_count;
            a.body_loaded = true;
            a.lead = NULL;
            for (size_t i = 0; i < p.block_count && !a.lead; i++)
                if (blocks[i].kind == EDITION_BLOCK_FIGURE)
                    a.lead = &blocks[i].figure;
        }
    } else if (ok) {
        a.lead = p.lead;
    }
    if (ok) {
        a.word_count = p.words;
        ed->articles[index] = a;
    }
    body_free(&p);
    return ok;
}

bool
edition_parse_article(struct edition *ed, size_t index, const void *data, size_t len, struct err *e)
{
    return edition_article_parse(ed, index, data, len, true, NULL, NULL, e);
}

bool
edition_parse_article_meta(struct edition *ed, size_t index, const void *data, size_t len,
                           struct err *e)
{
    struct edition_article *a = index < ed->article_count ? &ed->articles[index] : NULL;
    if (a && a->body_loaded) {
        /* keep the loaded body: re-reading meta must not drop it */
        const struct edition_block *blocks = a->blocks;
        size_t n = a->block_count;
        const struct edition_figure *lead = a->lead;
        if (!edition_article_parse(ed, index, data, len, false, NULL, NULL, e))
            return false;
        a->blocks = blocks;
        a->block_count = n;
        a->lead = lead;
        a->body_loaded = true;
        return true;
    }
    return edition_article_parse(ed, index, data, len, false, NULL, NULL, e);
}
