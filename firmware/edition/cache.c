/* The index cache (EDITION_CACHE_FILE): every article's metadata as
 * edition_open_dir reads it, in one file inside the edition folder.
 *
 * Layout (integers little-endian):
 *   header: "NKIDXCA\n", u32 CACHE_VERSION, u32 article count,
 *           key[32] = BLAKE2b-256 of (CACHE_TAG, the limits, SHA256SUMS),
 *           sum[32] = BLAKE2b-256 of the body, u64 body length;
 *   body, per article in manifest order: path, title, deck, byline, date,
 *           section, language, dir (each u32 length + bytes), u32 word count,
 *           u8 has_lead, then when set: image, caption, credit, u32 width,
 *           u32 height.
 * Anything that does not match exactly is a miss, and the caller reads the
 * articles instead. */
#include "edition_internal.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unistr.h>

/* Bump when the parser's rules or what is cached change: an old cache is
 * then stale. */
#define CACHE_VERSION 1u
#define CACHE_TAG "newskiosk edition index cache"
#define CACHE_MAGIC "NKIDXCA\n"
#define CACHE_HEADER (8 + 4 + 4 + 32 + 32 + 8)
/* SHA256SUMS lists every file of an edition (10,000 articles and their
 * photos fit many times over). */
#define CACHE_MAX_SUMS ((size_t)16 * 1024 * 1024)
#define CACHE_MAX_BYTES ((size_t)256 * 1024 * 1024)

static bool
cache_key(const struct edition *ed, int rootfd, uint8_t key[32], struct err *e)
{
    char *sums = NULL;
    size_t len = 0;
    if (!edition_read_file(rootfd, "SHA256SUMS", CACHE_MAX_SUMS, &sums, &len, e))
        return false;
    const struct edition_limits *l = &edition_priv((struct edition *)ed)->limits;
    uint64_t lim[5] = {l->max_manifest_bytes, l->max_article_bytes, l->max_articles,
                       l->max_image_pixels, l->max_image_bytes};
    uint8_t lb[sizeof lim];
    for (size_t i = 0; i < 5; i++)
        for (size_t b = 0; b < 8; b++)
            lb[i * 8 + b] = (uint8_t)(lim[i] >> (8 * b));
    /* BLAKE2b: a third of SHA-256's time here, and nothing to match */
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const uint8_t *)CACHE_TAG, sizeof CACHE_TAG);
    crypto_generichash_update(&st, lb, sizeof lb);
    crypto_generichash_update(&st, (const uint8_t *)sums, len);
    crypto_generichash_final(&st, key, 32);
    free(sums);
    return true;
}

/* ---- writing ---- */

struct out {
    uint8_t *buf;
    size_t len, cap;
    bool failed;
};

static void
put(struct out *o, const void *p, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 64 * 1024;
        while (cap < o->len + n)
            cap *= 2;
        uint8_t *b = cap <= CACHE_MAX_BYTES ? realloc(o->buf, cap) : NULL;
        if (!b) {
            o->failed = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static void
put_u32(struct out *o, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(o, b, 4);
}

static void
put_str(struct out *o, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > UINT32_MAX) {
        o->failed = true;
        return;
    }
    put_u32(o, (uint32_t)n);
    put(o, s ? s : "", n);
}

bool
edition_cache_write(const struct edition *ed, struct err *e)
{
    if (!ed->root)
        return err_set(e, ERR_USAGE, "the edition was not opened from a folder: no index cache");
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    int rootfd = open(ed->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return err_set(e, ERR_IO, "%s: cannot open the folder: %s", ed->root, strerror(errno));
    uint8_t key[32];
    if (!cache_key(ed, rootfd, key, e)) {
        close(rootfd);
        err_prefix(e, "%s: no index cache", ed->root);
        return false;
    }
    struct out o = {0};
    uint8_t header[CACHE_HEADER] = {0};
    put(&o, header, sizeof header); /* filled in below */
    for (size_t i = 0; i < ed->article_count; i++) {
        const struct edition_article *a = &ed->articles[i];
        put_str(&o, a->path);
        put_str(&o, a->title);
        put_str(&o, a->deck);
        put_str(&o, a->byline);
        put_str(&o, a->date);
        put_str(&o, a->section);
        put_str(&o, a->language);
        put_str(&o, a->dir);
        put_u32(&o, a->word_count);
        uint8_t lead = a->lead != NULL;
        put(&o, &lead, 1);
        if (lead) {
            put_str(&o, a->lead->image);
            put_str(&o, a->lead->caption);
            put_str(&o, a->lead->credit);
            put_u32(&o, a->lead->width);
            put_u32(&o, a->lead->height);
        }
    }
    if (o.failed || ed->article_count > UINT32_MAX) {
        free(o.buf);
        close(rootfd);
        return err_set(e, ERR_NOMEM, "%s: the index cache is too large or out of memory", ed->root);
    }
    size_t body = o.len - CACHE_HEADER;
    uint8_t *h = o.buf;
    memcpy(h, CACHE_MAGIC, 8);
    uint32_t v[2] = {CACHE_VERSION, (uint32_t)ed->article_count};
    for (size_t i = 0; i < 2; i++)
        for (size_t b = 0; b < 4; b++)
            h[8 + i * 4 + b] = (uint8_t)(v[i] >> (8 * b));
    memcpy(h + 16, key, 32);
    crypto_generichash(h + 48, 32, o.buf + CACHE_HEADER, body, NULL, 0);
    for (size_t b = 0; b < 8; b++)
        h[80 + b] = (uint8_t)((uint64_t)body >> (8 * b));

    /* a name of this process's own, so two writers never share a file */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", EDITION_CACHE_FILE, (long)getpid());
    int fd = openat(rootfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    bool ok = fd >= 0;
    int saved = errno;
    if (ok) {
        ok = fileio_write_all(fd, o.buf, o.len, NULL);
        saved = errno;
        ok = close(fd) == 0 && ok;
        if (ok && renameat(rootfd, tmp, rootfd, EDITION_CACHE_FILE) != 0) {
            saved = errno;
            ok = false;
        }
        if (!ok)
            unlinkat(rootfd, tmp, 0);
    }
    free(o.buf);
    close(rootfd);
    if (!ok)
        return err_set(e, ERR_IO, "%s/%s: cannot write the index cache: %s", ed->root,
                       EDITION_CACHE_FILE, strerror(saved));
    return true;
}

/* ---- reading ---- */

struct in {
    const uint8_t *p, *end;
    bool bad;
};

static uint32_t
get_u32(struct in *r)
{
    if (r->bad || r->end - r->p < 4) {
        r->bad = true;
        return 0;
    }
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
                 (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}

/* A string of the body copied into the arena: valid UTF-8 without NUL, as
 * the parser left it. */
static const char *
get_str(struct in *r, struct arena *a)
{
    uint32_t n = get_u32(r);
    if (r->bad || (size_t)(r->end - r->p) < n || u8_check(r->p, n) || memchr(r->p, 0, n)) {
        r->bad = true;
        return "";
    }
    char *s = arena_strndup(a, (const char *)r->p, n);
    r->p += n;
    if (!s) {
        r->bad = true;
        return "";
    }
    return s;
}

/* Whether the next string of the body is s (skipped either way). */
static bool
get_eq(struct in *r, const char *s)
{
    uint32_t n = get_u32(r);
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return false;
    }
    bool eq = strlen(s) == n && memcmp(r->p, s, n) == 0;
    r->p += n;
    return eq;
}

static bool
one_of(const char *s, const char *a, const char *b, const char *c)
{
    return strcmp(s, a) == 0 || strcmp(s, b) == 0 || strcmp(s, c) == 0;
}

bool
edition_cache_read(struct edition *ed, int rootfd, struct err *e)
{
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    char *data = NULL;
    size_t len = 0;
    if (!edition_read_file(rootfd, EDITION_CACHE_FILE, CACHE_MAX_BYTES, &data, &len, e))
        return false;
    const uint8_t *h = (const uint8_t *)data;
    uint8_t key[32], sum[32];
    uint64_t body = 0;
    bool ok = len >= CACHE_HEADER && memcmp(h, CACHE_MAGIC, 8) == 0;
    if (ok) {
        for (size_t b = 0; b < 8; b++)
            body |= (uint64_t)h[80 + b] << (8 * b);
        struct in r = {h + 8, h + 16, false};
        ok = get_u32(&r) == CACHE_VERSION && get_u32(&r) == ed->article_count &&
             body == len - CACHE_HEADER;
    }
    if (!ok) {
        free(data);
        return err_set(e, ERR_INVALID, "%s: not an index cache of this edition and version",
                       EDITION_CACHE_FILE);
    }
    if (!cache_key(ed, rootfd, key, e)) {
        free(data);
        return false;
    }
    if (sodium_memcmp(key, h + 16, 32) != 0) {
        free(data);
        return err_set(e, ERR_STALE, "%s: made for another SHA256SUMS", EDITION_CACHE_FILE);
    }
    crypto_generichash(sum, 32, h + CACHE_HEADER, (size_t)body, NULL, 0);
    if (sodium_memcmp(sum, h + 48, 32) != 0) {
        free(data);
        return err_set(e, ERR_INTEGRITY, "%s: damaged (its checksum does not match)",
                       EDITION_CACHE_FILE);
    }
    /* Whole and current: parsed into a copy, committed only if every entry
     * reads back and matches the manifest. */
    size_t n = ed->article_count;
    struct edition_article *arts = n ? calloc(n, sizeof *arts) : NULL;
    struct in r = {h + CACHE_HEADER, h + len, n && !arts};
    struct arena *a = &ed->arena;
    for (size_t i = 0; i < n && !r.bad; i++) {
        struct edition_article *x = &arts[i];
        x->path = ed->articles[i].path;
        bool same_path = get_eq(&r, x->path);
        x->title = get_str(&r, a);
        x->deck = get_str(&r, a);
        x->byline = get_str(&r, a);
        x->date = get_str(&r, a);
        x->section = get_str(&r, a);
        x->language = get_str(&r, a);
        x->dir = get_str(&r, a);
        x->word_count = get_u32(&r);
        uint8_t lead = 0;
        if (!r.bad && r.p < r.end)
            lead = *r.p++;
        else
            r.bad = true;
        if (lead == 1) {
            struct edition_figure *f = arena_alloc(a, sizeof *f);
            if (!f) {
                r.bad = true;
                break;
            }
            f->image = get_str(&r, a);
            f->caption = get_str(&r, a);
            f->credit = get_str(&r, a);
            f->width = get_u32(&r);
            f->height = get_u32(&r);
            x->lead = f;
            if (!r.bad && !edition_valid_image_path(f->image))
                r.bad = true;
        } else if (lead != 0) {
            r.bad = true;
        }
        if (r.bad || !same_path || !x->title[0] || !one_of(x->dir, "", "ltr", "rtl"))
            r.bad = true;
        else if (ed->language && strcmp(x->language, ed->language) == 0)
            x->language = ed->language;
    }
    if (!r.bad && r.p != r.end)
        r.bad = true;
    if (!r.bad && n)
        memcpy(ed->articles, arts, n * sizeof *arts);
    free(arts);
    free(data);
    if (r.bad)
        return err_set(e, ERR_INVALID, "%s: an entry does not match the manifest",
                       EDITION_CACHE_FILE);
    return true;
}
