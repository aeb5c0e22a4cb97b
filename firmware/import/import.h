/* Publisher-side intake: RSS 2.0 (with Media RSS), Atom 1.0, JSON Feed 1.1,
 * saved HTML article pages and plain-text scrapes, detected by content, become
 * an edition folder (manifest.yaml, articles/NAME.md, images/) that
 * `newsbundle pack` accepts. Parsers: libxml2 (feeds, entities never
 * expanded, no network), gumbo (HTML), jansson (JSON Feed); photos through
 * the image module and libjpeg-turbo. No SDL, no globals; one thread per
 * batch. The caller owns every options string; the module copies what it keeps. */
#ifndef NK_IMPORT_H
#define NK_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define IMPORT_MAX_FEED_BYTES (128u * 1024u * 1024u) /* one feed file */
#define IMPORT_MAX_PAGE_BYTES (8u * 1024u * 1024u)   /* one HTML page or text scrape */
#define IMPORT_MAX_ITEM_BYTES (4u * 1024u * 1024u)   /* one item's text or HTML */
#define IMPORT_MAX_ARTICLES 10000u                   /* the edition's own limit */
#define IMPORT_MAX_PHOTO_BYTES (64u * 1024u * 1024u) /* one photo file */
#define IMPORT_MAX_PHOTOS 64u                        /* --image options */
#define IMPORT_DEFAULT_PHOTO_WIDTH 1280u

typedef void import_warn_fn(void *user, const char *msg);

/* --image N=FILE: the photo of a text scrape's N-th caption (1-based). */
struct import_photo {
    unsigned caption;
    const char *file;
};

struct import_options {
    const char *title;    /* the publication for a new folder; NULL: the first feed's */
    const char *language; /* BCP 47; NULL: the feed's, else "en" */
    const char *section;  /* every article's section; NULL: the item's category */
    uint32_t max_photo_width;
    const struct import_photo *photos;
    size_t photo_count;
    const char *today;    /* edition date of a new folder, "YYYY-MM-DD"; NULL: today (UTC) */
    import_warn_fn *warn; /* captions without a photo, dropped blocks; may be NULL */
    void *warn_user;
};
void import_options_default(struct import_options *o);

/* Articles read from inputs, held in memory until written. */
struct import_batch;
struct import_batch *import_batch_create(void);    /* NULL on allocation failure */
void import_batch_destroy(struct import_batch *b); /* NULL is fine */

/* Detects data's kind and adds its articles. name is the input as the user
 * gave it (used in messages); base_dir is the folder relative photo
 * references resolve against (NULL: none resolve). Errors name the input and
 * the item: "feed.xml: item 3: ...". */
bool import_batch_add(struct import_batch *b, const char *name, const char *base_dir,
                      const void *data, size_t len, const struct import_options *o, struct err *e);
size_t import_batch_count(const struct import_batch *b);

/* The Markdown (front matter and body) of article i as it would be written,
 * with photo names images/photo-K.jpg; malloc'd, the caller frees *out. */
bool import_batch_markdown(const struct import_batch *b, size_t i, char **out, size_t *len,
                           struct err *e);

/* Reads each input (a local path or a file: URL; network URLs are refused),
 * then writes src_dir: a new edition folder, or, when src_dir holds one,
 * the same edition with the new articles added and sequence raised by one.
 * Everything is written to a temporary folder beside src_dir, checked with
 * the edition module's rules (those `pack` applies) and renamed into place:
 * on failure src_dir is as it was. *added (may be NULL) gets the count. */
bool import_run(const char *const *inputs, size_t input_count, const char *src_dir,
                const struct import_options *o, size_t *added, struct err *e);

#endif
