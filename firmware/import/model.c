/* The article model the readers fill, text cleaning, and the Markdown and
 * YAML the writer emits (escaped so that md4c and libyaml read back the same
 * text). */
#include "import_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistr.h>
#include <uninorm.h>

void
sbuf_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void
sbuf_adds(struct sbuf *b, const char *s)
{
    sbuf_add(b, s, strlen(s));
}

void
sbuf_addc(struct sbuf *b, char c)
{
    sbuf_add(b, &c, 1);
}

void
sbuf_fini(struct sbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

static bool
is_ws(ucs4_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           c == 0x2028 || c == 0x2029;
}

char *
imp_clean(struct import_batch *b, const char *s, size_t n, bool keep_breaks)
{
    struct sbuf t = {0};
    size_t newlines = 0;
    bool in_ws = false, any = false;
    const uint8_t *p = (const uint8_t *)s, *end = p + n;
    while (p < end) {
        ucs4_t c;
        int k = u8_mbtouc(&c, p, (size_t)(end - p)); /* invalid bytes give U+FFFD */
        p += k;
        if (is_ws(c)) {
            in_ws = true;
            newlines += c == '\n' || c == 0x2029;
            continue;
        }
        if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfeff)
            continue; /* control characters and a stray byte-order mark */
        if (in_ws && any)
            sbuf_adds(&t, keep_breaks && newlines >= 2 ? "\n\n" : " ");
        in_ws = false;
        newlines = 0;
        any = true;
        uint8_t u[6];
        int m = u8_uctomb(u, c, sizeof u);
        if (m > 0)
            sbuf_add(&t, (const char *)u, (size_t)m);
    }
    if (t.failed) {
        sbuf_fini(&t);
        return NULL;
    }
    if (!t.s)
        return arena_strdup(&b->arena, "");
    size_t nl = 0;
    uint8_t *nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)t.s, t.len, NULL, &nl);
    char *r = nfc ? arena_strndup(&b->arena, (const char *)nfc, nl) : NULL;
    free(nfc);
    sbuf_fini(&t);
    if (r)
        b->text_bytes += nl;
    return r;
}

struct imp_article *
imp_article_new(struct import_batch *b, const char *input, size_t item, const char *base,
                struct err *e)
{
    if (b->count >= IMPORT_MAX_ARTICLES)
        return err_set(e, ERR_LIMIT,
                       "%s: item %zu: more than %u articles, the most an edition "
                       "may hold (import fewer items)",
                       input, item, IMPORT_MAX_ARTICLES),
               NULL;
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        void *p = realloc(b->arts, cap * sizeof *b->arts);
        if (!p)
            return err_set(e, ERR_NOMEM, "%s: out of memory", input), NULL;
        b->arts = p;
        b->cap = cap;
    }
    struct imp_article *a = &b->arts[b->count];
    memset(a, 0, sizeof *a);
    a->title = a->deck = a->byline = a->date = a->section = "";
    a->input = arena_strdup(&b->arena, input);
    a->base = base ? arena_strdup(&b->arena, base) : NULL;
    a->item = item;
    if (!a->input || (base && !a->base))
        return err_set(e, ERR_NOMEM, "%s: out of memory", input), NULL;
    b->count++;
    return a;
}

void
imp_article_drop(struct import_batch *b)
{
    if (b->count) {
        free(b->arts[b->count - 1].blocks);
        b->count--;
    }
}

void
imp_item_err(struct err *e, const struct imp_article *a)
{
    if (a->title[0])
        err_prefix(e, "%s: item %zu (\"%.60s\")", a->input, a->item, a->title);
    else
        err_prefix(e, "%s: item %zu", a->input, a->item);
}

static struct imp_block *
push(struct imp_article *a)
{
    if (a->count == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        void *p = realloc(a->blocks, cap * sizeof *a->blocks);
        if (!p)
            return NULL;
        a->blocks = p;
        a->cap = cap;
    }
    struct imp_block *k = &a->blocks[a->count++];
    memset(k, 0, sizeof *k);
    return k;
}

static bool
over_budget(struct import_batch *b, struct imp_article *a, struct err *e)
{
    if (b->arena.budget && b->arena.used > b->arena.budget - b->arena.budget / 8) {
        err_set(e, ERR_LIMIT, "more text than an import may hold at once (%zu MiB)",
                b->arena.budget >> 20);
        imp_item_err(e, a);
        return true;
    }
    return false;
}

bool
imp_add(struct import_batch *b, struct imp_article *a, enum imp_kind kind, uint8_t level,
        const char *text, size_t n, struct err *e)
{
    char *t = imp_clean(b, text, n, false);
    if (!t) {
        err_set(e, ERR_NOMEM, "out of memory");
        imp_item_err(e, a);
        return false;
    }
    if (over_budget(b, a, e))
        return false;
    if (!t[0])
        return true;
    struct imp_block *k = push(a);
    if (!k) {
        err_set(e, ERR_NOMEM, "out of memory");
        imp_item_err(e, a);
        return false;
    }
    k->kind = kind;
    k->level = level;
    k->text = t;
    return true;
}

bool
imp_add_figure(struct import_batch *b, struct imp_article *a, const char *src, const char *caption,
               const char *credit, struct err *e)
{
    struct imp_block *k = push(a);
    if (k) {
        k->kind = IMP_FIGURE;
        k->src = arena_strdup(&b->arena, src);
        k->text = imp_clean(b, caption, strlen(caption), false);
        k->credit = imp_clean(b, credit, strlen(credit), false);
    }
    if (!k || !k->src || !k->text || !k->credit) {
        err_set(e, ERR_NOMEM, "out of memory");
        imp_item_err(e, a);
        return false;
    }
    return !over_budget(b, a, e);
}

/* Credit labels a caption ends with; the label stays part of the credit. */
static const char *const credit_labels[] = {
    "Photo:",  "Photograph:", "Photos:",       "Picture:",        "Image:",  "Illustration:",
    "Credit:", "Photo by",    "Photograph by", "Illustration by", "\xc2\xa9"};

void
imp_split_credit(const char *text, size_t *caption_len, size_t *credit_off, size_t *credit_len)
{
    size_t n = strlen(text);
    *caption_len = n;
    *credit_off = n;
    *credit_len = 0;
    /* The last credit label at the start of a word: "A boat. Photo: X". */
    size_t best = n;
    for (size_t i = 0; i < sizeof credit_labels / sizeof credit_labels[0]; i++) {
        const char *l = credit_labels[i];
        size_t ll = strlen(l);
        for (size_t at = 0; at + ll <= n; at++)
            if (strncmp(text + at, l, ll) == 0 &&
                (at == 0 || text[at - 1] == ' ' || text[at - 1] == '(') && (best == n || at > best))
                best = at;
    }
    if (best == n)
        return;
    size_t cl = best, end = n;
    if (cl > 0 && text[cl - 1] == '(') {
        cl--;
        if (text[end - 1] == ')')
            end--;
    }
    while (cl > 0 && (text[cl - 1] == ' ' || text[cl - 1] == '|' || text[cl - 1] == '-'))
        cl--;
    *caption_len = cl;
    *credit_off = best;
    *credit_len = end - best;
}

char *
imp_date(struct import_batch *b, const char *s, size_t n)
{
    char *t = imp_clean(b, s, n, false);
    if (!t || !t[0])
        return t;
    struct tm tm;
    static const char *const forms[] = {"%Y-%m-%d", "%a, %d %b %Y", "%d %b %Y", "%B %d, %Y",
                                        "%d %B %Y"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        memset(&tm, 0, sizeof tm);
        const char *end = strptime(t, forms[i], &tm);
        if (!end || tm.tm_year < 0 || tm.tm_year > 8099)
            continue;
        char out[32];
        strftime(out, sizeof out, "%Y-%m-%d", &tm);
        return arena_strdup(&b->arena, out);
    }
    return t;
}

/* Markdown-significant ASCII punctuation, escaped wherever it appears. */
static bool
md_special(char c)
{
    return strchr("\\`*_[]<>!&#|~{}", c) != NULL && c != '\0';
}

static void
md_text(struct sbuf *o, const char *s)
{
    /* What would open a block at the start of a line: a list marker, a
     * heading underline, a numbered-list marker ("1." or "1)"). */
    if (s[0] == '-' || s[0] == '+' || s[0] == '=' || s[0] == ':')
        sbuf_addc(o, '\\');
    size_t d = 0;
    while (s[d] >= '0' && s[d] <= '9')
        d++;
    if (d > 0 && d < 10 && (s[d] == '.' || s[d] == ')')) {
        sbuf_add(o, s, d);
        sbuf_addc(o, '\\');
        s += d;
    }
    for (; *s; s++) {
        if (md_special(*s))
            sbuf_addc(o, '\\');
        sbuf_addc(o, *s);
    }
}

void
imp_yaml_string(struct sbuf *o, const char *s)
{
    sbuf_addc(o, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sbuf_addc(o, '\\');
        sbuf_addc(o, *s);
    }
    sbuf_addc(o, '"');
}

static void
fm_key(struct sbuf *o, const char *k, const char *v)
{
    if (!v || !v[0])
        return;
    sbuf_adds(o, k);
    sbuf_adds(o, ": ");
    imp_yaml_string(o, v);
    sbuf_addc(o, '\n');
}

bool
imp_markdown(const struct imp_article *a, struct sbuf *o)
{
    sbuf_adds(o, "---\n");
    fm_key(o, "title", a->title);
    fm_key(o, "deck", a->deck);
    fm_key(o, "byline", a->byline);
    fm_key(o, "date", a->date);
    fm_key(o, "section", a->section);
    sbuf_adds(o, "---\n");
    enum imp_kind prev = IMP_PARA;
    for (size_t i = 0; i < a->count; i++) {
        const struct imp_block *k = &a->blocks[i];
        /* list items of one list stay together; everything else is its own block */
        if (!(k->kind == IMP_ITEM && prev == IMP_ITEM && i > 0))
            sbuf_addc(o, '\n');
        prev = k->kind;
        char num[16];
        switch (k->kind) {
        case IMP_PARA:
            md_text(o, k->text);
            break;
        case IMP_SUBHEAD:
            sbuf_adds(o, k->level >= 3 ? "### " : "## ");
            md_text(o, k->text);
            break;
        case IMP_QUOTE:
            sbuf_adds(o, "> ");
            md_text(o, k->text);
            break;
        case IMP_ITEM:
            if (k->ordered)
                snprintf(num, sizeof num, "%u. ", k->number ? k->number : 1);
            else
                snprintf(num, sizeof num, "- ");
            sbuf_adds(o, num);
            md_text(o, k->text);
            break;
        case IMP_FIGURE:
            sbuf_adds(o, "![");
            for (const char *s = k->text; *s; s++) {
                if (md_special(*s))
                    sbuf_addc(o, '\\');
                sbuf_addc(o, *s);
            }
            sbuf_adds(o, "](");
            sbuf_adds(o, k->image ? k->image : "images/photo.jpg");
            sbuf_adds(o, " \"");
            for (const char *s = k->credit; *s; s++) {
                if (*s == '"' || *s == '\\' || *s == '&')
                    sbuf_addc(o, '\\');
                sbuf_addc(o, *s);
            }
            sbuf_adds(o, "\")");
            break;
        }
        sbuf_addc(o, '\n');
    }
    return !o->failed;
}
