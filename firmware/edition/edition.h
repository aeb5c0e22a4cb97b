/* The edition model: manifest.yaml and articles/<name>.md (YAML front matter
 * + CommonMark body) parsed with libyaml and md4c into plain structs. No I/O
 * policy and no SDL: callers hand in bytes, or a folder for edition_open_dir.
 * Everything an edition holds lives in its arena and dies with
 * edition_destroy. One thread at a time per edition. */
#ifndef NK_EDITION_H
#define NK_EDITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"

#define EDITION_FORMAT 1

/* Limits on untrusted content; edition_limits_default fills the documented
 * defaults (docs/bundle-format.md). */
struct edition_limits {
    size_t max_manifest_bytes; /* 256 KiB */
    size_t max_article_bytes;  /* 2 MiB */
    size_t max_articles;       /* 10,000 */
    uint32_t max_image_pixels; /* 40 megapixels */
    size_t max_image_bytes;    /* 16 MiB */
};
void edition_limits_default(struct edition_limits *l);

/* Inline text style bits of a span. */
enum {
    EDITION_STYLE_EMPH = 1u << 0,
    EDITION_STYLE_STRONG = 1u << 1,
    EDITION_STYLE_CODE = 1u << 2,
    EDITION_STYLE_LINK = 1u << 3, /* link text; the target is not shown */
};

/* A run of text with one style. text is valid UTF-8, not NUL-terminated
 * within the paragraph (use len). Soft line breaks of the source become one
 * space; hard breaks become '\n'. */
struct edition_span {
    const char *text;
    uint32_t len;
    uint32_t style;
};

enum edition_block_kind {
    EDITION_BLOCK_PARAGRAPH,
    EDITION_BLOCK_SUBHEAD,   /* ## or ###: level 2 or 3 (# is treated as 2) */
    EDITION_BLOCK_QUOTE,     /* a block quote: set as a pull quote */
    EDITION_BLOCK_LIST_ITEM, /* one item; nested lists raise depth */
    EDITION_BLOCK_FIGURE,    /* a paragraph that holds an image */
};

struct edition_figure {
    const char *image;      /* bundle-relative path, e.g. "images/harbour.jpg" */
    const char *caption;    /* alt text, "" if none */
    const char *credit;     /* title, "" if none */
    uint32_t width, height; /* from the image header; 0 if unknown (not probed) */
};

struct edition_block {
    enum edition_block_kind kind;
    uint8_t level;   /* subhead: 2 or 3 */
    uint8_t depth;   /* list item: 1 for top level */
    bool ordered;    /* list item: numbered list */
    uint32_t number; /* list item: its number in an ordered list */
    const struct edition_span *spans;
    size_t span_count;
    struct edition_figure figure; /* EDITION_BLOCK_FIGURE only */
};

struct edition_article {
    const char *path;  /* "articles/001-harbour.md" */
    const char *title; /* required */
    const char *deck;  /* optional: "" when absent (never NULL) */
    const char *byline;
    const char *date;
    const char *section;               /* "" when absent */
    const char *language;              /* BCP 47; the edition's language when absent */
    const char *dir;                   /* "ltr", "rtl" or "" (auto) */
    const struct edition_figure *lead; /* the first figure, for thumbnails; NULL if none */
    uint32_t word_count;               /* words in the body */
    bool body_loaded;                  /* blocks are valid */
    const struct edition_block *blocks;
    size_t block_count;
};

struct edition {
    struct arena arena; /* owns every string and array below */
    int format;
    const char *title;   /* the publication */
    const char *edition; /* ISO date, optionally with time, as written */
    int64_t sequence;
    const char *language;
    const char *publisher; /* "" when absent */
    const char *expires;   /* ISO date or date-time; "" when absent */
    const char **sections; /* display order from the manifest; may be empty */
    size_t section_count;
    struct edition_article *articles; /* in manifest order */
    size_t article_count;
    char *root; /* folder the edition was opened from, or NULL */
};

/* Creates an empty edition with the given limits (NULL for defaults).
 * NULL on allocation failure. */
struct edition *edition_create(const struct edition_limits *limits);
void edition_destroy(struct edition *ed); /* NULL is fine */

/* Parses manifest.yaml bytes into ed (title, edition, sequence, ..., and one
 * article entry a listed path, with only path set). name is used in messages.
 * Validates: UTF-8, format == 1, required keys, types, no YAML anchors or
 * aliases, article paths of the allowed form, no duplicate paths. */
bool edition_parse_manifest(struct edition *ed, const char *name, const void *data, size_t len,
                            struct err *e);

/* Parses one article's bytes (front matter and body) into ed->articles[index].
 * Messages name the path and the line: "articles/x.md:3: title is required".
 * The body's figures get width/height 0; edition_open_dir probes them. */
bool edition_parse_article(struct edition *ed, size_t index, const void *data, size_t len,
                           struct err *e);

/* Parses only the front matter (title, deck, ...) and finds the lead figure
 * and word count cheaply, without keeping blocks: for the index. */
bool edition_parse_article_meta(struct edition *ed, size_t index, const void *data, size_t len,
                                struct err *e);

/* Opens an unpacked edition folder: manifest and every article's front
 * matter (bodies lazily, see edition_load_body); probes each figure's image
 * header for its size; checks every referenced image exists in images/.
 * Does not check SHA256SUMS (the bundle module does). */
struct edition *edition_open_dir(const char *dir, const struct edition_limits *limits,
                                 struct err *e);

/* The files of an edition that is not in a folder (a bundle read into
 * memory: bundle_load), for edition_open_files. Both callbacks may be called
 * from two threads at once (the open reads half the articles on a second
 * one), so they only look things up. */
struct edition_files {
    /* The bytes of path ("manifest.yaml" or "articles/NAME.md"), borrowed and
     * valid as long as the edition. false with e set (ERR_INVALID "PATH: file
     * not found") when there is no such file. */
    bool (*read)(void *user, const char *path, const char **data, size_t *len, struct err *e);
    /* The size of image path ("images/NAME.jpg"), from a header the provider
     * has already checked (its kind matches the name, within the limits).
     * false with e set (ERR_INVALID "PATH: file not found") when there is no
     * such image. */
    bool (*image_size)(void *user, const char *path, uint32_t *w, uint32_t *h, struct err *e);
    void *user;
};

/* As edition_open_dir, reading files instead of a folder: the same checks
 * and the same edition, with root NULL. files (the struct and what it
 * reads) must outlive the edition: edition_load_body reads bodies from it. */
struct edition *edition_open_files(const struct edition_files *files,
                                   const struct edition_limits *limits, struct err *e);

/* The index cache: what edition_open_dir reads from every article for the
 * index (front matter, lead figure, word count), kept in one derived file
 * inside the edition folder, so that opening an installed edition of
 * thousands of articles reads two files instead of every article. Keyed by
 * a hash (BLAKE2b) of the folder's SHA256SUMS, the cache format and the
 * limits: a different SHA256SUMS makes it stale. Never listed in
 * SHA256SUMS; deleting it is always safe. */
#define EDITION_CACHE_FILE "index.cache"

/* As edition_open_dir, but the articles' metadata come from
 * dir/EDITION_CACHE_FILE when it is there, whole (its own checksum) and keyed
 * by dir's SHA256SUMS; when it is missing, stale or damaged, the articles are
 * read as by edition_open_dir. *from_cache (may be NULL) says which. Only for
 * folders whose files are checked against their SHA256SUMS (an installed
 * edition): the cache trusts SHA256SUMS to describe the files, so an article
 * changed without its SHA256SUMS keeps its cached title until that check
 * fails. */
struct edition *edition_open_dir_cached(const char *dir, const struct edition_limits *limits,
                                        bool *from_cache, struct err *e);

/* Writes ed->root/EDITION_CACHE_FILE from ed (opened from a folder that has a
 * SHA256SUMS; the articles' metadata as they are now), replacing any old one
 * by a rename. Not synced: a cache cut short by a power cut fails its
 * checksum and is ignored. Meant for the installer once it has checked an
 * edition, and for the kiosk when an installed edition has none. */
bool edition_cache_write(const struct edition *ed, struct err *e);

/* Parses the body of article index from ed->root (or the files the edition
 * was opened from) if not yet loaded. */
bool edition_load_body(struct edition *ed, size_t index, struct err *e);

/* Frees what edition_load_body loaded for article index (its blocks; its
 * title, lead photo and the rest stay): a kiosk that keeps a few articles
 * laid out gives the others back, and its memory does not grow with every
 * article read. Pointers into the blocks are invalid after it; a later
 * edition_load_body reads the body again. A body not loaded is left alone. */
void edition_unload_body(struct edition *ed, size_t index);

/* Index of the article with this path, or -1. */
long edition_find_article(const struct edition *ed, const char *path);

/* True when the manifest has expires and now (UTC seconds) is past it. */
bool edition_is_expired(const struct edition *ed, int64_t now);

/* Path rules shared by the manifest, articles and the archive loader:
 * "articles/NAME.md", "images/NAME.(jpg|jpeg|png|webp)", NAME of ASCII
 * letters, digits, '-', '_' and '.', not starting with '.'. */
bool edition_valid_article_path(const char *path);
bool edition_valid_image_path(const char *path);

#endif
