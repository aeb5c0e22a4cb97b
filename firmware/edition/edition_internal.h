/* Shared between the edition module's files only: the private edition (limits
 * kept beside the public struct), a flat reader of YAML mappings over
 * libyaml's event API, text checks and the article parser's entry point. */
#ifndef NK_EDITION_INTERNAL_H
#define NK_EDITION_INTERNAL_H

#include "edition.h"

/* The memory an edition's arena may hold: bodies are loaded lazily and each
 * is bounded by max_article_bytes, so this only stops a runaway. */
#define EDITION_ARENA_BUDGET ((size_t)512 * 1024 * 1024)
/* More top-level keys than this in a manifest or front matter is an error. */
#define EDITION_MAX_KEYS 256
/* Images an article may reference. md4c 0.4.8 takes time quadratic in the
 * number of images in one paragraph (seconds for 100,000 in 2 MiB), so the
 * body's "![" openers are counted before md4c sees it. */
#define EDITION_MAX_IMAGES 1000
/* Sections are display headings, a handful an edition. */
#define EDITION_MAX_SECTIONS 256

struct edition_priv {
    struct edition pub; /* first: edition_create hands out &priv->pub */
    struct edition_limits limits;
    /* what the second thread of edition_open_dir allocated (the second half
     * of the articles' strings); freed with the edition */
    struct arena side;
    /* what edition_open_files read from, for edition_load_body; NULL for a
     * folder */
    const struct edition_files *files;
    /* each loaded body's blocks, an arena an article (edition_load_body),
     * so that edition_unload_body gives one back; NULL until the first */
    struct arena *bodies;
};

static inline struct edition_priv *
edition_priv(struct edition *ed)
{
    return (struct edition_priv *)ed;
}

/* Reads at most max bytes of path below rootfd (no symbolic link followed;
 * more is ERR_LIMIT) into a malloc'd buffer the caller frees. */
bool edition_read_file(int rootfd, const char *path, size_t max, char **out, size_t *out_len,
                       struct err *e);

/* Fills the metadata of every article of ed (whose manifest is parsed) from
 * the index cache in the folder rootfd, all or nothing; false (e says why)
 * when the cache is missing, stale or damaged. */
bool edition_cache_read(struct edition *ed, int rootfd, struct err *e);

/* 1-based line of offset off in text whose first line is line first. */
size_t edition_line_at(const char *text, size_t off, size_t first);

/* Valid UTF-8 without NUL bytes, else ERR_INVALID "name:LINE: ...". */
bool edition_check_text(const char *name, const char *data, size_t len, size_t first_line,
                        struct err *e);

/* ISO 8601 date "YYYY-MM-DD" or date-time "YYYY-MM-DDTHH:MM[:SS[.f]](Z|+HH:MM)".
 * On success *end_utc (if not NULL) is the moment the value ends: the
 * date-time itself, or the midnight (UTC) after a plain date. */
bool edition_parse_date(const char *s, int64_t *end_utc);

/* BCP 47 shape: "en", "pt-BR", "zh-Hant-TW", "sr-Latn". Not a registry check. */
bool edition_valid_language(const char *s);

/* One top-level "key: value" of a YAML mapping. Strings are NUL-terminated
 * copies in the reader's arena; lines are 1-based lines of the file. */
enum yentry_kind { YENTRY_SCALAR, YENTRY_LIST, YENTRY_OTHER };

struct yitem {
    const char *text;
    size_t len;
    size_t line;
    bool plain; /* an unquoted scalar (integers must be plain) */
};

struct yentry {
    const char *key;
    size_t line;
    enum yentry_kind kind; /* OTHER: a mapping, or a list holding non-scalars */
    struct yitem value;    /* SCALAR */
    struct yitem *items;   /* LIST of scalars */
    size_t item_count;
};

struct ymap {
    struct yentry *entries;
    size_t count;
};

/* Reads text (YAML of one document whose top level is a mapping, or empty)
 * into out, allocating from tmp. first_line is the file line of text's first
 * line. Refuses anchors, aliases, several documents, duplicate keys and
 * non-scalar keys, with "name:LINE: ..." messages. */
bool edition_yaml_read_map(struct arena *tmp, const char *name, size_t first_line, const char *text,
                           size_t len, struct ymap *out, struct err *e);

/* Called for every image a body references, as it is found: check it and,
 * when want_size, fill *w and *h. A false return stops the parse; e says why
 * (naming article and line). */
typedef bool edition_image_fn(void *ctx, const char *article, size_t line, const char *image,
                              bool want_size, uint32_t *w, uint32_t *h, struct err *e);

/* full: keep the body's blocks; else meta only (front matter, lead figure,
 * word count). on_image may be NULL. */
bool edition_article_parse(struct edition *ed, size_t index, const void *data, size_t len,
                           bool full, edition_image_fn *on_image, void *ctx, struct err *e);

#endif
