/* Plain-text scrapes as web scrapers save articles: the first line is the
 * headline, the next paragraph the deck, an optional "By ..." line and date;
 * photo captions are lines ending in a parenthesised credit, often saved
 * twice (alt text and caption: one is kept); paragraphs are separated by
 * blank lines; the site's trailing furniture ("Most popular", "Read more:",
 * sign-up prompts) ends the article. A caption becomes a figure only when
 * --image N=FILE gives its photo; the others are reported and left out. */
#include "import_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
starts(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

/* Lines that end the article: everything after them is the site's. */
static bool
ends_article(const char *s)
{
    static const char *const p[] = {
        "most popular", "most read",  "related stories", "related articles",
        "more from",    "sign up",    "subscribe",       "you may also like",
        "recommended",  "share this", "follow us",       "copyright",
        "\xc2\xa9",     NULL};
    for (size_t i = 0; p[i]; i++)
        if (starts(s, p[i]))
            return true;
    return false;
}

/* Lines dropped wherever they are. */
static bool
noise(const char *s)
{
    return starts(s, "read more") || strcasecmp(s, "advertisement") == 0 ||
           strcasecmp(s, "skip advertisement") == 0 || starts(s, "continue reading") ||
           starts(s, "share on ") || strcasecmp(s, "share") == 0;
}

static size_t
words(const char *s, size_t n)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        bool sp = s[i] == ' ';
        if (!sp && !in)
            w++;
        in = !sp;
    }
    return w;
}

/* "A caption (Credit)": offset of the '(' when s is a caption, else 0. */
static size_t
caption_paren(const char *s)
{
    size_t n = strlen(s);
    if (n < 4 || s[n - 1] != ')')
        return 0;
    int depth = 0;
    size_t i = n;
    while (i-- > 0) {
        if (s[i] == ')')
            depth++;
        else if (s[i] == '(' && --depth == 0)
            break;
    }
    if (i == (size_t)-1 || i == 0 || depth != 0)
        return 0;
    const char *c = s + i + 1;
    size_t cl = n - 1 - (i + 1);
    if (cl == 0 || cl > 80 || words(s, i) > 60)
        return 0;
    /* a credit names someone: it starts with a capital, a digit or (c) */
    unsigned char f = (unsigned char)c[0];
    if (!(isupper(f) || isdigit(f) || f >= 0x80))
        return 0;
    return i;
}

static bool
fail_nomem(struct err *e, const char *name)
{
    return err_set(e, ERR_NOMEM, "%s: out of memory", name);
}

bool
imp_scrape(struct import_batch *b, const char *name, const char *base, const char *data, size_t n,
           const struct import_options *o, struct err *e)
{
    (void)base; /* a scrape names no photo files: --image gives them */
    /* Line by line: a caption is told by its line, not its paragraph. */
    char *raw = malloc(n + 1);
    if (!raw)
        return fail_nomem(e, name);
    memcpy(raw, data, n);
    raw[n] = '\0';
    struct imp_article *a = imp_article_new(b, name, 1, NULL, e);
    bool ok = a != NULL;
    enum { HEAD, DECK, META, BODY } at = HEAD;
    struct sbuf para = {0};
    char *last_caption = NULL;
    bool ended = false;
    for (char *line = raw; ok && line && !ended;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *s = imp_clean(b, line, strlen(line), false);
        line = nl ? nl + 1 : NULL;
        if (!s) {
            ok = fail_nomem(e, name);
            break;
        }
        bool blank = s[0] == '\0';
        if (blank || (at >= META && (caption_paren(s) || noise(s) || ends_article(s)))) {
            if (para.len) { /* a paragraph ends */
                char *p = imp_clean(b, para.s, para.len, false);
                para.len = 0;
                if (!p) {
                    ok = fail_nomem(e, name);
                    break;
                }
                if (at == DECK) {
                    a->deck = p;
                    at = META;
                } else {
                    size_t w = words(p, strlen(p));
                    char last = p[strlen(p) - 1];
                    bool head = w <= 10 && !strchr(".!?:;,\"'", last) &&
                                !(strlen(p) >= 3 && (unsigned char)p[strlen(p) - 1] >= 0x80) &&
                                isupper((unsigned char)p[0]) && at == BODY;
                    ok = imp_add(b, a, head ? IMP_SUBHEAD : IMP_PARA, 2, p, strlen(p), e);
                    at = BODY;
                }
            }
            if (blank)
                continue;
        }
        if (at == HEAD) {
            a->title = s;
            at = DECK;
            continue;
        }
        if (at >= META && ends_article(s)) {
            ended = true;
            break;
        }
        if (at >= META && noise(s))
            continue;
        if (at == META && !para.len && (starts(s, "by ") || starts(s, "words by "))) {
            a->byline = s;
            continue;
        }
        if (at == META && !para.len && !a->date[0]) {
            char *d = imp_date(b, s, strlen(s));
            if (d && strlen(d) == 10 && d[4] == '-' && d[7] == '-') {
                a->date = d;
                continue;
            }
        }
        size_t paren = at >= META ? caption_paren(s) : 0;
        if (paren) {
            if (last_caption && strcmp(last_caption, s) == 0)
                continue; /* saved twice: alt text and caption */
            last_caption = s;
            at = BODY;
            unsigned k = ++b->captions;
            const char *file = NULL;
            for (size_t i = 0; i < o->photo_count; i++)
                if (o->photos[i].caption == k)
                    file = o->photos[i].file;
            size_t cl = paren;
            while (cl > 0 && s[cl - 1] == ' ')
                cl--;
            char *cap = imp_clean(b, s, cl, false);
            char *cred = imp_clean(b, s + paren + 1, strlen(s) - paren - 2, false);
            if (!cap || !cred) {
                ok = fail_nomem(e, name);
                break;
            }
            if (file) {
                ok = imp_add_figure(b, a, file, cap, cred, e);
            } else if (o->warn) {
                char msg[400];
                snprintf(msg, sizeof msg,
                         "%.100s: caption %u has no photo (give one with --image %u=FILE), left "
                         "out: %.200s",
                         name, k, k, s);
                o->warn(o->warn_user, msg);
            }
            continue;
        }
        last_caption = NULL;
        if (para.len)
            sbuf_addc(&para, ' ');
        sbuf_adds(&para, s);
        if (para.failed)
            ok = fail_nomem(e, name);
    }
    if (ok && para.len) {
        char *p = imp_clean(b, para.s, para.len, false);
        ok = p ? (at == DECK ? (a->deck = p, true) : imp_add(b, a, IMP_PARA, 0, p, strlen(p), e))
               : fail_nomem(e, name);
    }
    if (ok && o->section)
        a->section = imp_clean(b, o->section, strlen(o->section), false);
    if (ok && !a->title[0])
        ok = err_set(e, ERR_INVALID, "%s: an empty text scrape (the first line is the headline)",
                     name);
    sbuf_fini(&para);
    free(raw);
    return ok;
}
