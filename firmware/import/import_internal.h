/* Shared between the import module's files only. */
#ifndef NK_IMPORT_INTERNAL_H
#define NK_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "import.h"

/* A growing byte string (malloc'd, always NUL-terminated once used). */
struct sbuf {
    char *s;
    size_t len, cap;
    bool failed; /* an allocation failed: s holds what fitted */
};
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_fini(struct sbuf *b);

enum imp_kind { IMP_PARA, IMP_SUBHEAD, IMP_QUOTE, IMP_ITEM, IMP_FIGURE };

struct imp_block {
    enum imp_kind kind;
    uint8_t level;   /* subhead: 2 or 3 */
    bool ordered;    /* list item */
    uint32_t number; /* list item in an ordered list */
    char *text;      /* clean text; a figure's caption */
    char *credit;    /* figure */
    char *src;       /* figure: the photo reference as the input gave it */
    char *image;     /* figure: images/NAME.jpg once the photo is written */
};

struct imp_article {
    char *title, *deck, *byline, *date, *section; /* clean text, "" when absent */
    struct imp_block *blocks;
    size_t count, cap;
    char *base;        /* folder photo references resolve against, or NULL */
    const char *input; /* name of the input, in the batch's arena */
    size_t item;       /* 1-based item of the input */
};

struct import_batch {
    struct arena arena; /* every string and array of the batch */
    struct imp_article *arts;
    size_t count, cap;
    char *title, *language; /* from the first input that has them, or NULL */
    size_t text_bytes;      /* all article text, against the arena budget */
    unsigned captions;      /* text-scrape captions met so far (--image N counts them) */
};

/* Clean text in the batch's arena: invalid UTF-8 replaced, control
 * characters removed, whitespace runs collapsed to one space (paragraph
 * breaks kept as "\n\n" when keep_breaks), trimmed, NFC. NULL on OOM. */
char *imp_clean(struct import_batch *b, const char *s, size_t n, bool keep_breaks);

struct imp_article *imp_article_new(struct import_batch *b, const char *input, size_t item,
                                    const char *base, struct err *e);
/* Appends a block (text cleaned and copied); empty text is skipped unless a figure. */
bool imp_add(struct import_batch *b, struct imp_article *a, enum imp_kind kind, uint8_t level,
             const char *text, size_t n, struct err *e);
bool imp_add_figure(struct import_batch *b, struct imp_article *a, const char *src,
                    const char *caption, const char *credit, struct err *e);
/* Removes the last article (an item that turned out empty). */
void imp_article_drop(struct import_batch *b);
/* "feed.xml: item 3" style prefix for an article's messages. */
void imp_item_err(struct err *e, const struct imp_article *a);

/* Splits a figcaption's text into caption and credit ("... Photo: X"). */
void imp_split_credit(const char *text, size_t *caption_len, size_t *credit_off,
                      size_t *credit_len);

/* HTML (gumbo). */
bool imp_html_body(struct import_batch *b, struct imp_article *a, const char *html, size_t n,
                   struct err *e);
bool imp_html_page(struct import_batch *b, const char *name, const char *base, const char *html,
                   size_t n, const struct import_options *o, struct err *e);
/* Plain text of an HTML fragment (a feed's summary), cleaned, in the arena. */
char *imp_html_text(struct import_batch *b, const char *html, size_t n);

/* Feeds. */
bool imp_xml_feed(struct import_batch *b, const char *name, const char *base, const char *data,
                  size_t n, const struct import_options *o, struct err *e);
bool imp_json_feed(struct import_batch *b, const char *name, const char *base, const char *data,
                   size_t n, const struct import_options *o, struct err *e);
bool imp_scrape(struct import_batch *b, const char *name, const char *base, const char *data,
                size_t n, const struct import_options *o, struct err *e);

/* A date the way the edition shows it: ISO dates and RFC 822 dates become
 * "YYYY-MM-DD"; anything else is kept as cleaned text. */
char *imp_date(struct import_batch *b, const char *s, size_t n);

/* Photos: decode, scale, re-encode JPEG q85; caption/credit from IPTC or XMP
 * when the figure has none. jpeg gets malloc'd bytes. */
bool imp_photo_convert(const char *path, uint32_t max_width, char **jpeg, size_t *jpeg_len,
                       char **caption, char **credit, struct err *e);
/* Resolves a photo reference against base: a relative path or a file: URL;
 * network and data URLs are refused. out gets a malloc'd path. */
bool imp_resolve(const char *ref, const char *base, char **out, struct err *e);

/* Markdown of one article; image names must be set (or placeholders). */
bool imp_markdown(const struct imp_article *a, struct sbuf *out);
void imp_yaml_string(struct sbuf *out, const char *s);

#endif
