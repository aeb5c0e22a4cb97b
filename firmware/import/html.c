/* HTML through gumbo (an HTML5 tree builder): feed items' HTML content become
 * blocks, and a saved article page gives its headline, deck, byline, date
 * and body with the site around it left out. Chosen over libxml2's HTML
 * parser by measurement (commit message): libxml2 is an HTML 4 parser and
 * nests <figure> inside an unclosed <p>. */
#include "import_internal.h"

#include <ctype.h>
#include <gumbo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Deeper elements are ignored: the walk recurses, the stack is finite. */
#define HTML_MAX_DEPTH 256
#define SKIP_MAX 8

struct walk {
    struct import_batch *b;
    struct imp_article *a;
    struct err *e;
    bool failed;
    bool h1_is_title;  /* a page: its h1 is the headline, not a subhead */
    unsigned in_quote; /* inside a blockquote */
    struct sbuf para;  /* inline text waiting for its block to end */
    struct {
        const char *src, *alt, *title;
    } pending[16]; /* images met inside a paragraph, emitted after it */
    size_t pending_count;
    const GumboNode *skip[SKIP_MAX]; /* nodes already used (deck, byline, date) */
    size_t skip_count;
};

static const char *
tag(const GumboNode *n)
{
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
        return "";
    return gumbo_normalized_tagname(n->v.element.tag);
}

static bool
is(const GumboNode *n, const char *name)
{
    return strcmp(tag(n), name) == 0;
}

static const char *
attr(const GumboNode *n, const char *name)
{
    if (n->type != GUMBO_NODE_ELEMENT)
        return NULL;
    const GumboAttribute *at = gumbo_get_attribute(&n->v.element.attributes, name);
    return at ? at->value : NULL;
}

/* True when a class/id token (split at spaces, '-' and '_') is one of words. */
static bool
has_token(const char *v, const char *const *words)
{
    if (!v)
        return false;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '-' || *p == '_' || *p == '\t')
            p++;
        const char *s = p;
        while (*p && *p != ' ' && *p != '-' && *p != '_' && *p != '\t')
            p++;
        size_t n = (size_t)(p - s);
        for (size_t i = 0; n && words[i]; i++)
            if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
                return true;
    }
    return false;
}

static bool
class_or_id(const GumboNode *n, const char *const *words)
{
    return has_token(attr(n, "class"), words) || has_token(attr(n, "id"), words);
}

/* Phrases whose block (the text, or a container headed by it) is site
 * furniture. */
static const char *const furniture_phrases[] = {
    "most popular", "most read",     "read more",         "related",   "more from",
    "recommended",  "trending",      "you may also like", "sign up",   "subscribe",
    "newsletter",   "advertisement", "share this",        "follow us", NULL};

static bool
furniture_text(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    for (size_t i = 0; furniture_phrases[i]; i++)
        if (strncasecmp(s, furniture_phrases[i], strlen(furniture_phrases[i])) == 0)
            return true;
    return false;
}

static const char *const furniture_words[] = {
    "nav",     "navbar",   "navigation",  "menu",          "breadcrumb", "breadcrumbs", "ad",
    "ads",     "advert",   "adverts",     "advertisement", "sponsor",    "sponsored",   "promo",
    "share",   "sharing",  "social",      "newsletter",    "signup",     "subscribe",   "related",
    "popular", "trending", "recommended", "comments",      "cookie",     "banner",      "footer",
    "sidebar", "masthead", "readmore",    "outbrain",      "taboola",    "paywall",     NULL};

static bool
furniture(const GumboNode *n)
{
    static const char *const tags[] = {"script",   "style",  "noscript", "nav",      "footer",
                                       "aside",    "form",   "button",   "iframe",   "svg",
                                       "template", "select", "input",    "textarea", "object",
                                       "embed",    "canvas", "video",    "audio",    "head",
                                       "header",   "table",  "math",     "dialog",   NULL};
    if (n->type == GUMBO_NODE_TEMPLATE)
        return true;
    if (n->type != GUMBO_NODE_ELEMENT)
        return false;
    const char *t = tag(n);
    for (size_t i = 0; tags[i]; i++)
        if (strcmp(t, tags[i]) == 0)
            return true;
    static const char *const roles[] = {"navigation",  "banner", "complementary",
                                        "contentinfo", "search", NULL};
    const char *aria = attr(n, "aria-hidden");
    return has_token(attr(n, "role"), roles) || (aria && strcmp(aria, "true") == 0) ||
           attr(n, "hidden") != NULL || class_or_id(n, furniture_words);
}

static void
text_of(const GumboNode *n, struct sbuf *o, unsigned depth)
{
    if (depth > HTML_MAX_DEPTH)
        return;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
        sbuf_adds(o, n->v.text.text);
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT || furniture(n))
        return;
    if (is(n, "br"))
        sbuf_addc(o, ' ');
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++)
        text_of(c->data[i], o, depth + 1);
    if (!is(n, "a") && !is(n, "span") && !is(n, "em") && !is(n, "strong") && !is(n, "b") &&
        !is(n, "i"))
        sbuf_addc(o, ' '); /* block ends separate words */
}

static bool
skipped(const struct walk *w, const GumboNode *n)
{
    for (size_t i = 0; i < w->skip_count; i++)
        if (w->skip[i] == n)
            return true;
    return false;
}

static bool
emit(struct walk *w, enum imp_kind kind, uint8_t level, const char *s, size_t n)
{
    if (w->failed)
        return false;
    if (!imp_add(w->b, w->a, kind, level, s, n, w->e))
        w->failed = true;
    return !w->failed;
}

static void
figure(struct walk *w, const char *src, const char *caption, const char *credit)
{
    if (w->failed || !src || !src[0])
        return;
    if (!imp_add_figure(w->b, w->a, src, caption ? caption : "", credit ? credit : "", w->e))
        w->failed = true;
}

static void
flush(struct walk *w)
{
    if (w->para.failed) {
        err_set(w->e, ERR_NOMEM, "out of memory");
        imp_item_err(w->e, w->a);
        w->failed = true;
    }
    if (w->para.len) {
        const char *s = w->para.s;
        while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
            s++;
        /* "Read more: ..." and sign-up prompts inside the body */
        if (!furniture_text(s))
            emit(w, w->in_quote ? IMP_QUOTE : IMP_PARA, 0, w->para.s, w->para.len);
    }
    w->para.len = 0;
    for (size_t i = 0; i < w->pending_count; i++)
        figure(w, w->pending[i].src, w->pending[i].alt, w->pending[i].title);
    w->pending_count = 0;
}

static bool is_inline(const GumboNode *n);
static void walk(struct walk *w, const GumboNode *n, unsigned depth);

/* Inline content into w->para; images wait in w->pending. */
static void
inline_text(struct walk *w, const GumboNode *n, unsigned depth)
{
    if (depth > HTML_MAX_DEPTH || w->failed)
        return;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
        if (w->para.len + strlen(n->v.text.text) > IMPORT_MAX_ITEM_BYTES) {
            err_set(w->e, ERR_LIMIT, "a paragraph of more than %u MiB",
                    IMPORT_MAX_ITEM_BYTES >> 20);
            imp_item_err(w->e, w->a);
            w->failed = true;
            return;
        }
        sbuf_adds(&w->para, n->v.text.text);
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT || furniture(n) || skipped(w, n))
        return;
    if (is(n, "img")) {
        if (w->pending_count < sizeof w->pending / sizeof w->pending[0]) {
            w->pending[w->pending_count].src = attr(n, "src");
            w->pending[w->pending_count].alt = attr(n, "alt");
            w->pending[w->pending_count].title = attr(n, "title");
            w->pending_count++;
        }
        return;
    }
    if (is(n, "br")) {
        sbuf_addc(&w->para, ' ');
        return;
    }
    if (!is_inline(n)) { /* a block inside inline content: its own block */
        flush(w);
        walk(w, n, depth);
        return;
    }
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++)
        inline_text(w, c->data[i], depth + 1);
}

static bool
is_inline(const GumboNode *n)
{
    static const char *const tags[] = {
        "a",   "span", "em",   "strong", "b",    "i",   "u",    "s",    "small", "sub",
        "sup", "mark", "abbr", "cite",   "code", "q",   "time", "bdi",  "bdo",   "font",
        "dfn", "kbd",  "samp", "var",    "del",  "ins", "wbr",  "data", "label", NULL};
    if (n->type != GUMBO_NODE_ELEMENT)
        return true;
    const char *t = tag(n);
    if (!t[0])
        return true; /* an unknown (custom) element: its text flows on */
    for (size_t i = 0; tags[i]; i++)
        if (strcmp(t, tags[i]) == 0)
            return true;
    return false;
}

/* The text of the first heading child of a container, for furniture checks. */
static bool
headed_by_furniture(const GumboNode *n)
{
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++) {
        const GumboNode *k = c->data[i];
        if (k->type == GUMBO_NODE_WHITESPACE || k->type == GUMBO_NODE_COMMENT)
            continue;
        const char *t = tag(k);
        if (!(t[0] == 'h' && t[1] >= '1' && t[1] <= '6' && !t[2]))
            return false;
        struct sbuf s = {0};
        text_of(k, &s, 0);
        bool f = s.s && furniture_text(s.s);
        sbuf_fini(&s);
        return f;
    }
    return false;
}

static void
list(struct walk *w, const GumboNode *n, unsigned depth)
{
    bool ordered = is(n, "ol");
    const char *start = attr(n, "start");
    uint32_t number = start ? (uint32_t)strtoul(start, NULL, 10) : 1;
    if (number == 0 || number > 999999)
        number = 1;
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length && !w->failed; i++) {
        const GumboNode *li = c->data[i];
        if (!is(li, "li") || furniture(li))
            continue;
        /* the item's own text; nested lists become items after it */
        const GumboVector *lc = &li->v.element.children;
        for (unsigned j = 0; j < lc->length; j++) {
            const GumboNode *k = lc->data[j];
            if (is(k, "ul") || is(k, "ol"))
                continue;
            inline_text(w, k, depth + 1);
        }
        size_t before = w->a->count;
        const char *s = w->para.s ? w->para.s : "";
        if (!furniture_text(s))
            emit(w, IMP_ITEM, 0, s, w->para.len);
        w->para.len = 0;
        if (w->a->count > before) {
            w->a->blocks[before].ordered = ordered;
            w->a->blocks[before].number = number;
        }
        number++;
        for (size_t p = 0; p < w->pending_count; p++)
            figure(w, w->pending[p].src, w->pending[p].alt, w->pending[p].title);
        w->pending_count = 0;
        for (unsigned j = 0; j < lc->length; j++)
            if (is(lc->data[j], "ul") || is(lc->data[j], "ol"))
                list(w, lc->data[j], depth + 1);
    }
}

static const GumboNode *
find(const GumboNode *n, const char *name, unsigned depth)
{
    if (n->type != GUMBO_NODE_ELEMENT || depth > HTML_MAX_DEPTH)
        return NULL;
    if (is(n, name))
        return n;
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++) {
        const GumboNode *r = find(c->data[i], name, depth + 1);
        if (r)
            return r;
    }
    return NULL;
}

static const char *const credit_words[] = {"credit",      "credits", "copyright",
                                           "source",      "byline",  "photographer",
                                           "attribution", "rights",  NULL};

static void
figcaption(const GumboNode *n, struct sbuf *cap, struct sbuf *cred, unsigned depth)
{
    if (depth > HTML_MAX_DEPTH)
        return;
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++) {
        const GumboNode *k = c->data[i];
        if (k->type == GUMBO_NODE_ELEMENT &&
            (class_or_id(k, credit_words) || is(k, "small") || is(k, "cite")))
            text_of(k, cred, depth + 1);
        else if (k->type == GUMBO_NODE_ELEMENT && !is_inline(k))
            figcaption(k, cap, cred, depth + 1);
        else
            text_of(k, cap, depth + 1);
    }
}

static void
do_figure(struct walk *w, const GumboNode *n)
{
    const GumboNode *img = find(n, "img", 0);
    const GumboNode *fc = find(n, "figcaption", 0);
    if (!img)
        return;
    struct sbuf cap = {0}, cred = {0};
    if (fc)
        figcaption(fc, &cap, &cred, 0);
    else if (attr(img, "alt"))
        sbuf_adds(&cap, attr(img, "alt"));
    if (!cred.len && cap.s) {
        /* no marked-up credit: "A boat at dusk. Photo: Name" */
        char *t = imp_clean(w->b, cap.s, cap.len, false);
        if (t) {
            size_t cl, co, cn;
            imp_split_credit(t, &cl, &co, &cn);
            cap.len = 0;
            sbuf_add(&cap, t, cl);
            sbuf_add(&cred, t + co, cn);
        }
    }
    figure(w, attr(img, "src"), cap.s ? cap.s : "", cred.s ? cred.s : "");
    sbuf_fini(&cap);
    sbuf_fini(&cred);
}

static void
walk(struct walk *w, const GumboNode *n, unsigned depth)
{
    if (w->failed || depth > HTML_MAX_DEPTH)
        return;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
        n->type == GUMBO_NODE_WHITESPACE) {
        inline_text(w, n, depth);
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT || furniture(n) || skipped(w, n))
        return;
    if (is_inline(n) || is(n, "img")) {
        inline_text(w, n, depth);
        return;
    }
    const char *t = tag(n);
    flush(w);
    if (t[0] == 'h' && t[1] >= '1' && t[1] <= '6' && !t[2]) {
        if (t[1] == '1' && w->h1_is_title)
            return;
        struct sbuf s = {0};
        text_of(n, &s, depth);
        if (s.s && !furniture_text(s.s))
            emit(w, IMP_SUBHEAD, t[1] <= '2' ? 2 : 3, s.s, s.len);
        sbuf_fini(&s);
        return;
    }
    if (is(n, "figure")) {
        do_figure(w, n);
        return;
    }
    if (is(n, "ul") || is(n, "ol")) {
        list(w, n, depth);
        return;
    }
    if (is(n, "blockquote"))
        w->in_quote++;
    const GumboVector *c = &n->v.element.children;
    if (!is(n, "p") && headed_by_furniture(n))
        c = NULL; /* "Most popular", "Read more" blocks */
    bool heading_furniture = false;
    for (unsigned i = 0; c && i < c->length && !w->failed; i++) {
        const GumboNode *k = c->data[i];
        const char *kt = tag(k);
        if (kt[0] == 'h' && kt[1] >= '1' && kt[1] <= '6' && !kt[2]) {
            struct sbuf s = {0};
            text_of(k, &s, depth + 1);
            /* a "Read more" heading takes the siblings up to the next heading */
            heading_furniture = s.s && furniture_text(s.s);
            sbuf_fini(&s);
        }
        if (!heading_furniture)
            walk(w, k, depth + 1);
    }
    flush(w);
    if (is(n, "blockquote"))
        w->in_quote--;
}

/* gumbo's tree building is quadratic in the nesting depth (40,000 nested
 * <div>s take 10 s), so the depth is bounded before gumbo sees the page:
 * start tags less end tags, void and self-closed elements not counted. An
 * article page nests a few dozen deep; unclosed <p>s add a few hundred. */
#define HTML_MAX_NESTING 5000

static bool
too_deep(const char *h, size_t n)
{
    static const char *const voids[] = {"area",  "base",   "br",    "col",  "embed",
                                        "hr",    "img",    "input", "link", "meta",
                                        "param", "source", "track", "wbr",  NULL};
    size_t depth = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (h[i] != '<')
            continue;
        if (h[i + 1] == '/') {
            depth -= depth > 0;
            continue;
        }
        if (h[i + 1] == '!' && i + 3 < n && h[i + 2] == '-' && h[i + 3] == '-') {
            const char *end = memmem(h + i + 4, n - i - 4, "-->", 3);
            if (!end)
                return false;
            i = (size_t)(end - h) + 2;
            continue;
        }
        if (!isalpha((unsigned char)h[i + 1]))
            continue;
        size_t s = i + 1, e = s;
        while (e < n && isalnum((unsigned char)h[e]))
            e++;
        bool is_void = false;
        for (size_t k = 0; voids[k] && !is_void; k++)
            is_void = strlen(voids[k]) == e - s && strncasecmp(h + s, voids[k], e - s) == 0;
        const char *gt = memchr(h + e, '>', n - e);
        bool self = gt && gt > h + e && gt[-1] == '/';
        if (!is_void && !self && ++depth > HTML_MAX_NESTING)
            return true;
    }
    return false;
}

static GumboOutput *
parse(const char *html, size_t n)
{
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0; /* errors are not kept: the tree is what counts */
    return gumbo_parse_with_options(&opt, html, n);
}

bool
imp_html_body(struct import_batch *b, struct imp_article *a, const char *html, size_t n,
              struct err *e)
{
    if (n > IMPORT_MAX_ITEM_BYTES) {
        err_set(e, ERR_LIMIT, "%zu bytes of HTML, more than the %u MiB an item may hold", n,
                IMPORT_MAX_ITEM_BYTES >> 20);
        imp_item_err(e, a);
        return false;
    }
    if (too_deep(html, n)) {
        err_set(e, ERR_LIMIT, "HTML nested more than %u elements deep", HTML_MAX_NESTING);
        imp_item_err(e, a);
        return false;
    }
    GumboOutput *out = parse(html, n);
    if (!out) {
        err_set(e, ERR_NOMEM, "out of memory parsing HTML");
        imp_item_err(e, a);
        return false;
    }
    struct walk w = {.b = b, .a = a, .e = e};
    walk(&w, out->root, 0);
    flush(&w);
    sbuf_fini(&w.para);
    gumbo_destroy_output(&kGumboDefaultOptions, out);
    return !w.failed;
}

char *
imp_html_text(struct import_batch *b, const char *html, size_t n)
{
    if (n > IMPORT_MAX_ITEM_BYTES)
        n = IMPORT_MAX_ITEM_BYTES;
    if (too_deep(html, n))
        return arena_strdup(&b->arena, ""); /* a deck or title is short: dropped */
    GumboOutput *out = parse(html, n);
    if (!out)
        return NULL;
    struct sbuf s = {0};
    text_of(out->root, &s, 0);
    gumbo_destroy_output(&kGumboDefaultOptions, out);
    char *r = s.failed ? NULL : imp_clean(b, s.s ? s.s : "", s.len, false);
    sbuf_fini(&s);
    return r;
}

/* The page's parts, found before the body walk. */
struct page {
    const GumboNode *article, *main, *body, *h1, *article_h1, *title, *deck, *byline, *time;
    const char *og_title, *og_desc, *desc, *author, *published, *og_section;
};

static const char *const deck_words[] = {"standfirst", "deck", "dek",    "subtitle",    "strapline",
                                         "summary",    "lede", "kicker", "subheadline", NULL};
static const char *const byline_words[] = {"byline", "author", "authors", "contributor", NULL};

static size_t
text_len(const GumboNode *n, unsigned depth)
{
    if (depth > HTML_MAX_DEPTH)
        return 0;
    if (n->type == GUMBO_NODE_TEXT)
        return strlen(n->v.text.text);
    if (n->type != GUMBO_NODE_ELEMENT || furniture(n))
        return 0;
    size_t s = 0;
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++)
        s += text_len(c->data[i], depth + 1);
    return s;
}

static void
scan(struct page *p, const GumboNode *n, unsigned depth, bool in_article)
{
    if (n->type != GUMBO_NODE_ELEMENT || depth > HTML_MAX_DEPTH)
        return;
    const char *t = tag(n);
    if (strcmp(t, "meta") == 0) {
        const char *k = attr(n, "property");
        if (!k)
            k = attr(n, "name");
        const char *v = attr(n, "content");
        if (k && v) {
            if (strcasecmp(k, "og:title") == 0)
                p->og_title = v;
            else if (strcasecmp(k, "og:description") == 0)
                p->og_desc = v;
            else if (strcasecmp(k, "description") == 0)
                p->desc = v;
            else if (strcasecmp(k, "author") == 0 || strcasecmp(k, "article:author") == 0)
                p->author = v;
            else if (strcasecmp(k, "article:published_time") == 0)
                p->published = v;
            else if (strcasecmp(k, "article:section") == 0)
                p->og_section = v;
        }
        return;
    }
    if (strcmp(t, "title") == 0 && !p->title)
        p->title = n;
    if (furniture(n) && strcmp(t, "header") != 0 && strcmp(t, "head") != 0)
        return;
    if (strcmp(t, "article") == 0) {
        if (!p->article || text_len(n, 0) > text_len(p->article, 0))
            p->article = n;
        in_article = true;
    }
    if (strcmp(t, "main") == 0 && !p->main)
        p->main = n;
    if (strcmp(t, "body") == 0)
        p->body = n;
    if (strcmp(t, "h1") == 0) {
        if (!p->h1)
            p->h1 = n;
        if (in_article && !p->article_h1)
            p->article_h1 = n;
    }
    if (!p->deck &&
        (class_or_id(n, deck_words) ||
         has_token(attr(n, "itemprop"), (const char *const[]){"description", NULL})) &&
        strcmp(t, "meta") != 0)
        p->deck = n;
    if (!p->byline && (class_or_id(n, byline_words) ||
                       has_token(attr(n, "rel"), (const char *const[]){"author", NULL}) ||
                       has_token(attr(n, "itemprop"), (const char *const[]){"author", NULL})))
        p->byline = n;
    if (!p->time && strcmp(t, "time") == 0)
        p->time = n;
    const GumboVector *c = &n->v.element.children;
    for (unsigned i = 0; i < c->length; i++)
        scan(p, c->data[i], depth + 1, in_article);
}

static char *
node_text(struct import_batch *b, const GumboNode *n)
{
    struct sbuf s = {0};
    text_of(n, &s, 0);
    char *r = s.failed ? NULL : imp_clean(b, s.s ? s.s : "", s.len, false);
    sbuf_fini(&s);
    return r;
}

bool
imp_html_page(struct import_batch *b, const char *name, const char *base, const char *html,
              size_t n, const struct import_options *o, struct err *e)
{
    if (too_deep(html, n))
        return err_set(e, ERR_LIMIT, "%s: item 1: HTML nested more than %u elements deep", name,
                       HTML_MAX_NESTING);
    GumboOutput *out = parse(html, n);
    if (!out)
        return err_set(e, ERR_NOMEM, "%s: out of memory parsing HTML", name);
    struct page p = {0};
    scan(&p, out->root, 0, false);
    struct imp_article *a = imp_article_new(b, name, 1, base, e);
    bool ok = a != NULL;
    char *s;
    if (ok) {
        if (p.article_h1 || p.h1)
            a->title = node_text(b, p.article_h1 ? p.article_h1 : p.h1);
        if ((!a->title || !a->title[0]) && p.og_title)
            a->title = imp_clean(b, p.og_title, strlen(p.og_title), false);
        if ((!a->title || !a->title[0]) && p.title)
            a->title = node_text(b, p.title);
        if (p.deck && (s = node_text(b, p.deck)) && s[0])
            a->deck = s;
        else if (p.og_desc || p.desc) {
            const char *d = p.og_desc ? p.og_desc : p.desc;
            a->deck = imp_clean(b, d, strlen(d), false);
        }
        if (p.byline && (s = node_text(b, p.byline)) && s[0])
            a->byline = s;
        else if (p.author)
            a->byline = imp_clean(b, p.author, strlen(p.author), false);
        const char *dt = p.time ? attr(p.time, "datetime") : NULL;
        if (dt)
            a->date = imp_date(b, dt, strlen(dt));
        else if (p.published)
            a->date = imp_date(b, p.published, strlen(p.published));
        else if (p.time && (s = node_text(b, p.time)))
            a->date = imp_date(b, s, strlen(s));
        if (o->section)
            a->section = imp_clean(b, o->section, strlen(o->section), false);
        else if (p.og_section)
            a->section = imp_clean(b, p.og_section, strlen(p.og_section), false);
        if (!a->title || !a->deck || !a->byline || !a->date || !a->section)
            ok = err_set(e, ERR_NOMEM, "%s: out of memory", name);
    }
    if (ok) {
        struct walk w = {.b = b, .a = a, .e = e, .h1_is_title = true};
        const GumboNode *used[] = {p.deck, p.byline, p.time};
        for (size_t i = 0; i < 3; i++)
            if (used[i])
                w.skip[w.skip_count++] = used[i];
        const GumboNode *root = p.article ? p.article : p.main ? p.main : p.body;
        if (root)
            walk(&w, root, 0);
        flush(&w);
        sbuf_fini(&w.para);
        ok = !w.failed;
    }
    gumbo_destroy_output(&kGumboDefaultOptions, out);
    return ok;
}
