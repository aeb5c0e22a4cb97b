/* RSS 2.0 (and RSS 1.0), Atom 1.0 with Media RSS through libxml2's streaming
 * reader, and JSON Feed 1.1 through jansson. The reader keeps one item's
 * subtree at a time, so memory does not grow with the number of items, and
 * an error names the item it happened in. Entities are never expanded and a
 * DOCTYPE is refused (billion laughs, external entities); XML_PARSE_NONET
 * and libxml2's default size limits (no XML_PARSE_HUGE) stay on. */
#include "import_internal.h"

#include <ctype.h>
#include <jansson.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_MEDIA "http://search.yahoo.com/mrss/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"

/* The text children of n (CDATA included, entity references skipped:
 * they are never expanded), with elements' text for mixed content. */
static void
xml_text(const xmlNode *n, struct sbuf *o, unsigned depth)
{
    for (const xmlNode *c = n->children; c && depth < 64; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            sbuf_adds(o, (const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE)
            xml_text(c, o, depth + 1);
    }
}

static bool
named(const xmlNode *n, const char *ns, const char *local)
{
    if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, local) != 0)
        return false;
    const char *href = n->ns ? (const char *)n->ns->href : NULL;
    if (!ns)
        return href == NULL;
    return href && strcmp(href, ns) == 0;
}

static const char *
xattr(const xmlNode *n, const char *name, struct sbuf *keep)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    keep->len = 0;
    sbuf_adds(keep, (const char *)v);
    xmlFree(v);
    return keep->s ? keep->s : "";
}

/* Plain text (not HTML) split into paragraphs at blank lines. */
static bool
text_body(struct import_batch *b, struct imp_article *a, const char *s, size_t n, struct err *e)
{
    if (n > IMPORT_MAX_ITEM_BYTES) {
        err_set(e, ERR_LIMIT, "%zu bytes of text, more than the %u MiB an item may hold", n,
                IMPORT_MAX_ITEM_BYTES >> 20);
        imp_item_err(e, a);
        return false;
    }
    char *t = imp_clean(b, s, n, true);
    if (!t) {
        err_set(e, ERR_NOMEM, "out of memory");
        imp_item_err(e, a);
        return false;
    }
    for (char *p = t; *p;) {
        char *q = strstr(p, "\n\n");
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (!imp_add(b, a, IMP_PARA, 0, p, len, e))
            return false;
        p += len;
        while (*p == '\n')
            p++;
    }
    return true;
}

static bool
is_image(const char *type, const char *medium, const char *url)
{
    if (medium)
        return strcmp(medium, "image") == 0;
    if (type)
        return strncmp(type, "image/", 6) == 0;
    const char *dot = url ? strrchr(url, '.') : NULL;
    return dot && (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg") ||
                   !strcasecmp(dot, ".png") || !strcasecmp(dot, ".webp"));
}

struct item {
    struct sbuf title, summary, content, author, date, category;
    bool content_html, summary_html;
    struct sbuf tmp, tmp2, tmp3;
};

static void
item_fini(struct item *it)
{
    struct sbuf *all[] = {&it->title,    &it->summary, &it->content, &it->author, &it->date,
                          &it->category, &it->tmp,     &it->tmp2,    &it->tmp3};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sbuf_fini(all[i]);
}

/* media:content (possibly inside media:group) and enclosures become figures. */
static bool
media(struct import_batch *b, struct imp_article *a, const xmlNode *n, const char *item_caption,
      const char *item_credit, struct item *it, struct err *e)
{
    const char *url = xattr(n, named(n, NS_ATOM, "link") ? "href" : "url", &it->tmp);
    if (!url)
        return true;
    char *u = strdup(url);
    const char *type = xattr(n, "type", &it->tmp2);
    char *typ = type ? strdup(type) : NULL;
    const char *medium = xattr(n, "medium", &it->tmp3);
    bool img = u && is_image(typ, medium, u);
    free(typ);
    if (!img) {
        bool had = u != NULL;
        free(u);
        return had || err_set(e, ERR_NOMEM, "out of memory");
    }
    struct sbuf cap = {0}, cred = {0};
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (named(c, NS_MEDIA, "description") || (named(c, NS_MEDIA, "title") && !cap.len))
            cap.len = 0, xml_text(c, &cap, 0);
        else if (named(c, NS_MEDIA, "credit"))
            cred.len = 0, xml_text(c, &cred, 0);
    }
    bool ok =
        imp_add_figure(b, a, u, cap.len ? cap.s : item_caption, cred.len ? cred.s : item_credit, e);
    free(u);
    sbuf_fini(&cap);
    sbuf_fini(&cred);
    return ok;
}

static bool
item(struct import_batch *b, struct imp_article *a, const xmlNode *n, bool atom,
     const struct import_options *o, struct err *e)
{
    struct item it = {0};
    struct sbuf mcap = {0}, mcred = {0};
    bool ok = true;
    /* item-level media:description / media:credit apply to its media */
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (named(c, NS_MEDIA, "description"))
            xml_text(c, &mcap, 0);
        else if (named(c, NS_MEDIA, "credit"))
            xml_text(c, &mcred, 0);
    }
    const char *cap = mcap.s ? mcap.s : "", *cred = mcred.s ? mcred.s : "";
    for (const xmlNode *c = n->children; c && ok; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *ns = atom ? NS_ATOM : NULL;
        if (named(c, ns, "title") && !it.title.len) {
            xml_text(c, &it.title, 0);
            const char *t = xattr(c, "type", &it.tmp);
            if (atom && t && (strcmp(t, "html") == 0)) {
                char *plain = imp_html_text(b, it.title.s ? it.title.s : "", it.title.len);
                it.title.len = 0;
                sbuf_adds(&it.title, plain ? plain : "");
            }
        } else if ((!atom && named(c, NULL, "description")) ||
                   (atom && named(c, NS_ATOM, "summary"))) {
            it.summary.len = 0;
            xml_text(c, &it.summary, 0);
            const char *t = atom ? xattr(c, "type", &it.tmp) : "html";
            it.summary_html = t && strcmp(t, "text") != 0;
        } else if ((!atom && named(c, NS_CONTENT, "encoded")) ||
                   (atom && named(c, NS_ATOM, "content"))) {
            const char *t = atom ? xattr(c, "type", &it.tmp) : "html";
            it.content.len = 0;
            if (t && strcmp(t, "xhtml") == 0) {
                xmlBufferPtr buf = xmlBufferCreate();
                for (const xmlNode *k = c->children; buf && k; k = k->next)
                    xmlNodeDump(buf, c->doc, (xmlNode *)k, 0, 0);
                if (buf)
                    sbuf_add(&it.content, (const char *)xmlBufferContent(buf),
                             (size_t)xmlBufferLength(buf));
                xmlBufferFree(buf);
                it.content_html = true;
            } else {
                xml_text(c, &it.content, 0);
                it.content_html = t && strcmp(t, "text") != 0;
            }
        } else if ((!atom && (named(c, NULL, "author") || named(c, NS_DC, "creator"))) ||
                   (atom && named(c, NS_ATOM, "author"))) {
            struct sbuf who = {0};
            const xmlNode *src = c;
            for (const xmlNode *k = c->children; atom && k; k = k->next)
                if (named(k, NS_ATOM, "name"))
                    src = k;
            xml_text(src, &who, 0);
            const char *w = who.s ? who.s : "";
            /* RSS author is "mail@example.org (Name)": the name */
            const char *lp = strchr(w, '(');
            const char *rp = lp ? strrchr(lp, ')') : NULL;
            if (!atom && lp && rp && strchr(w, '@') && strchr(w, '@') < lp) {
                w = lp + 1;
                who.len = (size_t)(rp - w);
                memmove(who.s, w, who.len);
                who.s[who.len] = '\0';
                w = who.s;
            }
            if (who.len) {
                if (it.author.len)
                    sbuf_adds(&it.author, ", ");
                sbuf_adds(&it.author, w);
            }
            sbuf_fini(&who);
        } else if ((!atom && (named(c, NULL, "pubDate") || named(c, NS_DC, "date"))) ||
                   (atom && (named(c, NS_ATOM, "published") ||
                             (named(c, NS_ATOM, "updated") && !it.date.len)))) {
            it.date.len = 0;
            xml_text(c, &it.date, 0);
        } else if (named(c, ns, "category") && !it.category.len) {
            if (atom) {
                const char *t = xattr(c, "label", &it.tmp);
                if (!t)
                    t = xattr(c, "term", &it.tmp);
                sbuf_adds(&it.category, t ? t : "");
            } else {
                xml_text(c, &it.category, 0);
            }
        } else if (named(c, NS_MEDIA, "content")) {
            ok = media(b, a, c, cap, cred, &it, e);
        } else if (named(c, NS_MEDIA, "group")) {
            for (const xmlNode *k = c->children; k && ok; k = k->next)
                if (named(k, NS_MEDIA, "content")) {
                    ok = media(b, a, k, cap, cred, &it, e);
                    break; /* one rendition of the group */
                }
        } else if ((!atom && named(c, NULL, "enclosure")) || (atom && named(c, NS_ATOM, "link"))) {
            const char *rel = atom ? xattr(c, "rel", &it.tmp) : "enclosure";
            if (rel && strcmp(rel, "enclosure") == 0)
                ok = media(b, a, c, cap, cred, &it, e);
        }
    }
    if (ok && (it.title.failed || it.content.failed || it.summary.failed))
        ok = err_set(e, ERR_NOMEM, "out of memory");
    if (ok) {
        a->title = imp_clean(b, it.title.s ? it.title.s : "", it.title.len, false);
        a->byline = imp_clean(b, it.author.s ? it.author.s : "", it.author.len, false);
        a->date = imp_date(b, it.date.s ? it.date.s : "", it.date.len);
        const char *sec = o->section ? o->section : it.category.s ? it.category.s : "";
        a->section = imp_clean(b, sec, strlen(sec), false);
        if (!a->title || !a->byline || !a->date || !a->section)
            ok = err_set(e, ERR_NOMEM, "out of memory");
    }
    if (ok && it.content.len) {
        if (it.summary.len) {
            a->deck = it.summary_html ? imp_html_text(b, it.summary.s, it.summary.len)
                                      : imp_clean(b, it.summary.s, it.summary.len, false);
            if (!a->deck)
                ok = err_set(e, ERR_NOMEM, "out of memory");
        }
        ok = ok && (it.content_html ? imp_html_body(b, a, it.content.s, it.content.len, e)
                                    : text_body(b, a, it.content.s, it.content.len, e));
    } else if (ok && it.summary.len) {
        ok = it.summary_html ? imp_html_body(b, a, it.summary.s, it.summary.len, e)
                             : text_body(b, a, it.summary.s, it.summary.len, e);
    }
    item_fini(&it);
    sbuf_fini(&mcap);
    sbuf_fini(&mcred);
    return ok;
}

struct xml_error {
    bool set;
    int line, column;
    char msg[200];
};

static void
on_error(void *user, xmlErrorPtr err)
{
    struct xml_error *x = user;
    if (x->set || !err || err->level < XML_ERR_ERROR)
        return;
    x->set = true;
    x->line = err->line;
    x->column = err->int2;
    snprintf(x->msg, sizeof x->msg, "%s", err->message ? err->message : "not well-formed");
    size_t n = strlen(x->msg);
    while (n && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
        x->msg[--n] = '\0';
}

/* Which item (1-based) a parse error at line:column is in, counting the
 * item start tags before it: the reader parses ahead, so the item being
 * handed out is not always the one that failed. 0 before the first item. */
static size_t
item_at(const char *d, size_t n, const char *tag, int line, int column)
{
    size_t off = 0;
    for (int l = 1; l < line && off < n; off++)
        if (d[off] == '\n')
            l++;
    off += column > 0 ? (size_t)column - 1 : 0;
    if (off > n)
        off = n;
    size_t tl = strlen(tag), count = 0;
    for (const char *p = d; (p = memmem(p, (size_t)(d + off - p), "<", 1)) && p < d + off; p++)
        if ((size_t)(d + n - p) > tl + 1 && strncmp(p + 1, tag, tl) == 0 &&
            (p[tl + 1] == '>' || p[tl + 1] == ' ' || p[tl + 1] == '\t' || p[tl + 1] == '\n'))
            count++;
    return count;
}

static char *
xml_string(struct import_batch *b, xmlTextReaderPtr r)
{
    xmlNodePtr n = xmlTextReaderExpand(r);
    if (!n)
        return NULL;
    struct sbuf s = {0};
    xml_text(n, &s, 0);
    char *t = s.failed ? NULL : imp_clean(b, s.s ? s.s : "", s.len, false);
    sbuf_fini(&s);
    return t;
}

bool
imp_xml_feed(struct import_batch *b, const char *name, const char *base, const char *data, size_t n,
             const struct import_options *o, struct err *e)
{
    if (n > INT32_MAX)
        return err_set(e, ERR_LIMIT, "%s: too large for the XML reader", name);
    /* The prolog (before the root element) may not hold a DOCTYPE: refused
     * before libxml2 reads its entity declarations. */
    size_t root = 0;
    while (root + 1 < n && !(data[root] == '<' && isalpha((unsigned char)data[root + 1])))
        root++;
    const char *dt = memmem(data, root, "<!DOCTYPE", 9);
    if (dt) {
        size_t line = 1;
        for (const char *p = data; p < dt; p++)
            line += *p == '\n';
        return err_set(e, ERR_INVALID,
                       "%s: line %zu: a DOCTYPE is not allowed in a feed (entity declarations "
                       "are never expanded; remove the DOCTYPE)",
                       name, line);
    }
    xmlTextReaderPtr r = xmlReaderForMemory(data, (int)n, NULL, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!r)
        return err_set(e, ERR_NOMEM, "%s: out of memory for the XML reader", name);
    struct xml_error xe = {0};
    xmlTextReaderSetStructuredErrorHandler(r, on_error, &xe);
    enum { UNKNOWN, RSS, ATOM } kind = UNKNOWN;
    size_t items = 0;
    bool ok = true, in_item = false, parse_failed = false;
    int ret = xmlTextReaderRead(r);
    while (ret == 1 && ok) {
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            ok = err_set(e, ERR_INVALID,
                         "%s: line %d: a DOCTYPE is not allowed in a feed (its entities would "
                         "be expanded; remove the DOCTYPE)",
                         name, xmlTextReaderGetParserLineNumber(r));
            break;
        }
        if (type != XML_READER_TYPE_ELEMENT) {
            ret = xmlTextReaderRead(r);
            continue;
        }
        const char *ln = (const char *)xmlTextReaderConstLocalName(r);
        const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
        int depth = xmlTextReaderDepth(r);
        if (depth == 0) {
            if (strcmp(ln, "rss") == 0 || strcmp(ln, "RDF") == 0)
                kind = RSS;
            else if (strcmp(ln, "feed") == 0 && ns && strcmp(ns, NS_ATOM) == 0)
                kind = ATOM;
            else {
                ok = err_set(e, ERR_INVALID,
                             "%s: the root element is <%.40s>, not an RSS 2.0 <rss> or an Atom "
                             "1.0 <feed>",
                             name, ln);
                break;
            }
            const char *lang = (const char *)xmlTextReaderConstXmlLang(r);
            if (lang && !b->language)
                b->language = imp_clean(b, lang, strlen(lang), false);
        } else if ((kind == RSS && strcmp(ln, "item") == 0 && !ns) ||
                   (kind == ATOM && strcmp(ln, "entry") == 0 && ns && !strcmp(ns, NS_ATOM))) {
            items++;
            in_item = true;
            xmlNodePtr node = xmlTextReaderExpand(r);
            if (!node) {
                parse_failed = true; /* the error handler says why */
                break;
            }
            struct imp_article *a = imp_article_new(b, name, items, base, e);
            ok = a && item(b, a, node, kind == ATOM, o, e);
            if (a && !ok && e && !strstr(e->msg, ": item "))
                imp_item_err(e, a);
            if (ok && !a->title[0] && a->count == 0) {
                imp_article_drop(b); /* nothing to show */
                if (o->warn) {
                    char msg[300];
                    snprintf(msg, sizeof msg,
                             "%.200s: item %zu has no title and no text, left "
                             "out",
                             name, items);
                    o->warn(o->warn_user, msg);
                }
            }
            in_item = false;
            ret = xmlTextReaderNext(r);
            continue;
        } else if (depth <= 2 && !in_item) {
            const char *nsx = kind == ATOM ? NS_ATOM : NULL;
            bool title =
                strcmp(ln, "title") == 0 && ((nsx && ns && !strcmp(ns, nsx)) || (!nsx && !ns));
            bool lang = kind == RSS && strcmp(ln, "language") == 0 && !ns;
            if ((title && !b->title) || (lang && !b->language)) {
                char *t = xml_string(b, r);
                if (t && t[0]) {
                    if (title)
                        b->title = t;
                    else
                        b->language = t;
                }
                ret = xmlTextReaderNext(r);
                continue;
            }
        }
        ret = xmlTextReaderRead(r);
    }
    if (parse_failed || (ok && (ret < 0 || xe.set))) {
        size_t at = item_at(data, n, kind == ATOM ? "entry" : "item", xe.line, xe.column);
        if (at)
            ok = err_set(e, ERR_INVALID, "%s: item %zu: line %d: not well-formed XML: %s", name, at,
                         xe.line, xe.set ? xe.msg : "unreadable");
        else
            ok = err_set(e, ERR_INVALID, "%s: line %d: not well-formed XML: %s", name, xe.line,
                         xe.set ? xe.msg : "unreadable");
    }
    if (ok && kind == UNKNOWN)
        ok = err_set(e, ERR_INVALID, "%s: no feed element found", name);
    xmlFreeTextReader(r);
    return ok;
}

static const char *
jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
json_item(struct import_batch *b, struct imp_article *a, const json_t *it,
          const struct import_options *o, struct err *e)
{
    const char *s;
    if ((s = jstr(it, "title")))
        a->title = imp_clean(b, s, strlen(s), false);
    if ((s = jstr(it, "date_published")) || (s = jstr(it, "date_modified")))
        a->date = imp_date(b, s, strlen(s));
    struct sbuf who = {0};
    const json_t *authors = json_object_get(it, "authors");
    size_t i;
    const json_t *v;
    json_array_foreach(authors, i, v)
    {
        if ((s = jstr(v, "name"))) {
            if (who.len)
                sbuf_adds(&who, ", ");
            sbuf_adds(&who, s);
        }
    }
    if (!who.len && (s = jstr(json_object_get(it, "author"), "name"))) /* JSON Feed 1.0 */
        sbuf_adds(&who, s);
    a->byline = imp_clean(b, who.s ? who.s : "", who.len, false);
    sbuf_fini(&who);
    const json_t *tags = json_object_get(it, "tags");
    const char *sec = o->section;
    if (!sec && json_is_array(tags) && json_is_string(json_array_get(tags, 0)))
        sec = json_string_value(json_array_get(tags, 0));
    if (sec)
        a->section = imp_clean(b, sec, strlen(sec), false);
    if (!a->title || !a->date || !a->byline || !a->section) {
        err_set(e, ERR_NOMEM, "out of memory");
        imp_item_err(e, a);
        return false;
    }
    if ((s = jstr(it, "image")) || (s = jstr(it, "banner_image")))
        if (!imp_add_figure(b, a, s, "", "", e))
            return false;
    const json_t *att = json_object_get(it, "attachments");
    json_array_foreach(att, i, v)
    {
        const char *url = jstr(v, "url"), *mime = jstr(v, "mime_type");
        const char *t = jstr(v, "title");
        if (url && mime && strncmp(mime, "image/", 6) == 0 &&
            !imp_add_figure(b, a, url, t ? t : "", "", e))
            return false;
    }
    const char *html = jstr(it, "content_html"), *text = jstr(it, "content_text");
    const char *summary = jstr(it, "summary");
    if (summary && (html || text)) {
        a->deck = imp_clean(b, summary, strlen(summary), false);
        if (!a->deck)
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    if (html)
        return imp_html_body(b, a, html, strlen(html), e);
    const char *body = text ? text : summary;
    return body ? text_body(b, a, body, strlen(body), e) : true;
}

bool
imp_json_feed(struct import_batch *b, const char *name, const char *base, const char *data,
              size_t n, const struct import_options *o, struct err *e)
{
    json_error_t je;
    /* jansson refuses NUL in strings, bad UTF-8 and nesting deeper than 2048 */
    json_t *root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return err_set(e, ERR_INVALID, "%s: line %d: not a valid JSON Feed: %s", name, je.line,
                       je.text);
    bool ok = true;
    const char *ver = jstr(root, "version");
    const json_t *items = json_object_get(root, "items");
    if (!ver || strncmp(ver, "https://jsonfeed.org/version/1", 30) != 0)
        ok = err_set(e, ERR_INVALID,
                     "%s: not a JSON Feed: \"version\" must be https://jsonfeed.org/version/1.1",
                     name);
    else if (!json_is_array(items))
        ok = err_set(e, ERR_INVALID, "%s: not a JSON Feed: \"items\" must be an array", name);
    else if (json_array_size(items) > IMPORT_MAX_ARTICLES)
        ok = err_set(e, ERR_LIMIT,
                     "%s: item %u: %zu items, more than the %u articles an edition may hold "
                     "(import fewer items)",
                     name, IMPORT_MAX_ARTICLES + 1, json_array_size(items), IMPORT_MAX_ARTICLES);
    const char *s;
    if (ok && !b->title && (s = jstr(root, "title")))
        b->title = imp_clean(b, s, strlen(s), false);
    if (ok && !b->language && (s = jstr(root, "language")))
        b->language = imp_clean(b, s, strlen(s), false);
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        if (!ok)
            break;
        if (!json_is_object(it)) {
            ok = err_set(e, ERR_INVALID, "%s: item %zu: not a JSON object", name, i + 1);
            break;
        }
        struct imp_article *a = imp_article_new(b, name, i + 1, base, e);
        ok = a && json_item(b, a, it, o, e);
        if (a && !ok && e && !strstr(e->msg, ": item "))
            imp_item_err(e, a);
        if (ok && !a->title[0] && a->count == 0)
            imp_article_drop(b);
    }
    json_decref(root);
    return ok;
}
