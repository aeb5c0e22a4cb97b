/* The edition object, shared text rules (UTF-8, dates, languages, paths) and
 * the folder reader: edition_open_dir and edition_load_body. */
#include "edition_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

#include "fileio.h"
#include "image.h"

/* A probe reads this much of an image first, then PROBE_MAX if the header
 * (JPEG with a large EXIF block) was not complete. */
#define PROBE_FIRST (16 * 1024)
#define PROBE_MAX (64 * 1024)

void
edition_limits_default(struct edition_limits *l)
{
    l->max_manifest_bytes = 256 * 1024;
    l->max_article_bytes = 2 * 1024 * 1024;
    l->max_articles = 10000;
    l->max_image_pixels = IMAGE_MAX_PIXELS_DEFAULT;
    l->max_image_bytes = 16 * 1024 * 1024;
}

struct edition *
edition_create(const struct edition_limits *limits)
{
    struct edition_priv *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (limits)
        p->limits = *limits;
    else
        edition_limits_default(&p->limits);
    arena_init(&p->pub.arena, EDITION_ARENA_BUDGET);
    arena_init(&p->side, EDITION_ARENA_BUDGET);
    p->pub.title = p->pub.edition = p->pub.language = "";
    p->pub.publisher = p->pub.expires = "";
    return &p->pub;
}

void
edition_destroy(struct edition *ed)
{
    if (!ed)
        return;
    struct edition_priv *p = edition_priv(ed);
    if (p->bodies)
        for (size_t i = 0; i < ed->article_count; i++)
            arena_fini(&p->bodies[i]);
    free(p->bodies);
    arena_fini(&ed->arena);
    arena_fini(&p->side);
    free(p);
}

long
edition_find_article(const struct edition *ed, const char *path)
{
    for (size_t i = 0; i < ed->article_count; i++)
        if (ed->articles[i].path && strcmp(ed->articles[i].path, path) == 0)
            return (long)i;
    return -1;
}

bool
edition_is_expired(const struct edition *ed, int64_t now)
{
    int64_t end;
    if (!ed->expires || !ed->expires[0] || !edition_parse_date(ed->expires, &end))
        return false;
    return now >= end;
}

/* ---- text rules ---- */

size_t
edition_line_at(const char *text, size_t off, size_t first)
{
    size_t line = first;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n')
            line++;
    return line;
}

bool
edition_check_text(const char *name, const char *data, size_t len, size_t first_line, struct err *e)
{
    const uint8_t *bad = u8_check((const uint8_t *)data, len);
    if (bad)
        return err_set(e, ERR_INVALID, "%s:%zu: text is not valid UTF-8 (byte 0x%02x)", name,
                       edition_line_at(data, (size_t)((const char *)bad - data), first_line),
                       (unsigned)*bad);
    const char *nul = memchr(data, '\0', len);
    if (nul)
        return err_set(e, ERR_INVALID, "%s:%zu: text contains a NUL byte", name,
                       edition_line_at(data, (size_t)(nul - data), first_line));
    return true;
}

static bool
digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool
edition_parse_date(const char *s, int64_t *end_utc)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return false;
    int64_t t = days_from_civil(y, mo, d) * 86400;
    const char *p = s + 10;
    if (*p == '\0') {
        if (end_utc)
            *end_utc = t + 86400;
        return true;
    }
    if (*p != 'T' || !digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
        return false;
    p += 6;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec))
            return false;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (h > 23 || mi > 59 || sec > 60)
        return false;
    t += h * 3600 + mi * 60 + sec;
    if (*p == 'Z' && p[1] == '\0') {
        /* UTC */
    } else if ((*p == '+' || *p == '-') && p[6] == '\0') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        int64_t off = oh * 3600 + om * 60;
        t += *p == '+' ? -off : off;
    } else {
        return false; /* a time needs its zone: Z or +HH:MM */
    }
    if (end_utc)
        *end_utc = t;
    return true;
}

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool
edition_valid_language(const char *s)
{
    size_t n = 0;
    while (is_alpha(s[n]))
        n++;
    if (n < 2 || n > 3) /* 4-8 letter primary subtags are reserved or unused */
        return false;
    size_t total = n;
    const char *p = s + n;
    while (*p == '-') {
        p++;
        size_t k = 0;
        while (is_alpha(p[k]) || is_digit(p[k]))
            k++;
        if (k < 1 || k > 8)
            return false;
        p += k;
        total += k + 1;
    }
    return *p == '\0' && total <= 35;
}

static bool
valid_name(const char *name, size_t len)
{
    if (len == 0 || name[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_' && c != '.')
            return false;
    }
    return true;
}

static bool
ends_with_ci(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    if (len < n)
        return false;
    return strncasecmp(s + len - n, suffix, n) == 0;
}

/* The file name of path when path is dir (ending in '/') and a valid name;
 * NULL otherwise. */
static const char *
name_in(const char *path, const char *dir, size_t *len)
{
    size_t n = strlen(dir);
    if (!path || strncmp(path, dir, n) != 0)
        return NULL;
    *len = strlen(path + n);
    return valid_name(path + n, *len) ? path + n : NULL;
}

bool
edition_valid_article_path(const char *path)
{
    size_t len;
    const char *name = name_in(path, "articles/", &len);
    return name && len > 3 && strcmp(name + len - 3, ".md") == 0;
}

bool
edition_valid_image_path(const char *path)
{
    size_t len;
    const char *name = name_in(path, "images/", &len);
    if (!name)
        return false;
    static const char *const ext[] = {".jpg", ".jpeg", ".png", ".webp"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (ends_with_ci(name, len, ext[i]) && len > strlen(ext[i]))
            return true;
    return false;
}

/* ---- reading a folder ---- */

/* Opens dir/sub/leaf below root without following a symbolic link at any
 * step; path is "leaf" or "sub/leaf" (already checked by the path rules). */
static int
open_below(int rootfd, const char *path)
{
    const char *slash = strchr(path, '/');
    if (!slash)
        return openat(rootfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    char sub[64];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof sub) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(sub, path, n);
    sub[n] = '\0';
    int dfd = openat(rootfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int fd = openat(dfd, slash + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    int saved = errno;
    close(dfd);
    errno = saved;
    return fd;
}

static bool
open_regular(int rootfd, const char *path, int *fd_out, off_t *size, struct err *e)
{
    int fd = open_below(rootfd, path);
    if (fd < 0) {
        if (errno == ENOENT)
            return err_set(e, ERR_INVALID, "%s: file not found", path);
        if (errno == ELOOP || errno == ENOTDIR)
            return err_set(e, ERR_INVALID, "%s: symbolic links are not allowed", path);
        return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, ERR_INVALID, "%s: not a regular file", path);
    }
    *fd_out = fd;
    *size = st.st_size;
    return true;
}

bool
edition_read_file(int rootfd, const char *path, size_t max, char **out, size_t *out_len,
                  struct err *e)
{
    int fd;
    off_t size;
    if (!open_regular(rootfd, path, &fd, &size, e))
        return false;
    if ((uint64_t)size > max) {
        close(fd);
        return err_set(e, ERR_LIMIT, "%s: %lld bytes exceeds the limit of %zu bytes", path,
                       (long long)size, max);
    }
    /* The limit is the size fstat saw: a file that grows under us fails. */
    bool ok = fileio_read_all(fd, (size_t)size, (size_t)size, out, out_len);
    int saved = errno;
    close(fd);
    if (ok)
        return true;
    if (saved == ENOMEM)
        return err_set(e, ERR_NOMEM, "%s: out of memory reading %lld bytes", path, (long long)size);
    if (saved == EFBIG)
        return err_set(e, ERR_LIMIT, "%s: file changed size while being read", path);
    return err_set(e, ERR_IO, "%s: read failed: %s", path, strerror(saved));
}

/* Where an open or a body load reads: a folder (rootfd) or files. */
struct image_ctx {
    int rootfd;
    const struct edition_files *files; /* NULL: the folder */
    const struct edition_limits *limits;
};

static bool
check_image(void *vctx, const char *article, size_t line, const char *image, bool want_size,
            uint32_t *w, uint32_t *h, struct err *e)
{
    const struct image_ctx *ctx = vctx;
    if (ctx->files) { /* the provider has checked its header and limits */
        uint32_t iw, ih;
        if (!ctx->files->image_size(ctx->files->user, image, &iw, &ih, e)) {
            err_prefix(e, "%s:%zu", article, line);
            return false;
        }
        if (want_size) {
            *w = iw;
            *h = ih;
        }
        return true;
    }
    int fd;
    off_t size;
    if (!open_regular(ctx->rootfd, image, &fd, &size, e)) {
        err_prefix(e, "%s:%zu", article, line);
        return false;
    }
    if ((uint64_t)size > ctx->limits->max_image_bytes) {
        close(fd);
        return err_set(e, ERR_LIMIT, "%s:%zu: %s: %lld bytes exceeds the image limit of %zu bytes",
                       article, line, image, (long long)size, ctx->limits->max_image_bytes);
    }
    if (!want_size) {
        close(fd);
        return true;
    }
    unsigned char *buf = malloc(PROBE_MAX);
    if (!buf) {
        close(fd);
        return err_set(e, ERR_NOMEM, "%s: out of memory", image);
    }
    size_t len = 0, want = PROBE_FIRST;
    struct image_info info;
    struct err perr = {0};
    bool ok = false;
    for (;;) {
        while (len < want) {
            ssize_t r = pread(fd, buf + len, want - len, (off_t)len);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            len += (size_t)r;
        }
        ok = image_probe(buf, len, ctx->limits->max_image_pixels, &info, &perr);
        if (ok || perr.code != ERR_INVALID || len < want || want == PROBE_MAX)
            break;
        want = PROBE_MAX;
    }
    enum image_type named = image_type_from_name(image), magic = image_type_from_magic(buf, len);
    free(buf);
    close(fd);
    if (ok && named != magic)
        return err_set(e, ERR_INVALID, "%s:%zu: %s: the file is %s but its name says %s", article,
                       line, image, image_type_name(magic), image_type_name(named));
    if (!ok) {
        *e = perr;
        err_prefix(e, "%s:%zu: %s", article, line, image);
        return false;
    }
    *w = info.width;
    *h = info.height;
    return true;
}

/* Reads path from files, at most max bytes (more is ERR_LIMIT, as from a
 * folder); the bytes stay the provider's. */
static bool
files_read(const struct edition_files *files, const char *path, size_t max, const char **data,
           size_t *len, struct err *e)
{
    if (!files->read(files->user, path, data, len, e))
        return false;
    if (*len > max)
        return err_set(e, ERR_LIMIT, "%s: %zu bytes exceeds the limit of %zu bytes", path, *len,
                       max);
    return true;
}

static bool
read_article(struct edition *ed, const struct image_ctx *src, size_t i, bool full, struct err *e)
{
    const char *path = ed->articles[i].path;
    size_t max = edition_priv(ed)->limits.max_article_bytes;
    if (src->files) {
        const char *data;
        size_t len;
        return files_read(src->files, path, max, &data, &len, e) &&
               edition_article_parse(ed, i, data, len, full, check_image, (void *)src, e);
    }
    char *data;
    size_t len;
    if (!edition_read_file(src->rootfd, path, max, &data, &len, e))
        return false;
    bool ok = edition_article_parse(ed, i, data, len, full, check_image, (void *)src, e);
    free(data);
    return ok;
}

/* Below this many articles a second thread costs more than it saves. */
#define OPEN_SPLIT_MIN 64

/* The articles [from, to) read into the shared article array; their strings
 * go to the arena of ed, which only this reader touches meanwhile. */
struct open_part {
    struct edition *ed;
    const struct image_ctx *src;
    size_t from, to;
    bool ok;
    struct err e;
};

static void *
open_part_run(void *v)
{
    struct open_part *p = v;
    p->ok = true;
    for (size_t i = p->from; p->ok && i < p->to; i++)
        p->ok = read_article(p->ed, p->src, i, false, &p->e);
    return NULL;
}

/* Reads every article's metadata, the second half on a second thread (each
 * article is a file to read, check and parse: boot time grows with them).
 * The second thread works on a copy of the edition whose arena is the side
 * arena, and writes only its own entries of the shared article array; the
 * error reported is the first in article order, as when read in turn. */
static bool
read_articles(struct edition *ed, const struct image_ctx *src, struct err *e)
{
    size_t n = ed->article_count;
    struct edition_priv *priv = edition_priv(ed);
    struct edition_priv copy = *priv;
    copy.pub.arena = priv->side;
    struct open_part second = {&copy.pub, src, n / 2, n, false, {0}};
    pthread_t t;
    bool split = n >= OPEN_SPLIT_MIN && pthread_create(&t, NULL, open_part_run, &second) == 0;
    struct open_part first = {ed, src, 0, split ? n / 2 : n, false, {0}};
    open_part_run(&first);
    if (split)
        pthread_join(t, NULL);
    priv->side = copy.pub.arena; /* the blocks it allocated, freed with ed */
    const struct err *failed = !first.ok ? &first.e : split && !second.ok ? &second.e : NULL;
    if (failed && e)
        *e = *failed;
    return !failed;
}

static struct edition *
open_dir(const char *dir, const struct edition_limits *limits, bool use_cache, bool *from_cache,
         struct err *e)
{
    if (from_cache)
        *from_cache = false;
    struct edition *ed = edition_create(limits);
    if (!ed) {
        err_set(e, ERR_NOMEM, "out of memory opening an edition");
        return NULL;
    }
    int rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        err_set(e, errno == ENOENT ? ERR_INVALID : ERR_IO, "%s: cannot open the folder: %s", dir,
                strerror(errno));
        edition_destroy(ed);
        return NULL;
    }
    char *data = NULL;
    size_t len = 0;
    bool ok = edition_read_file(rootfd, "manifest.yaml",
                                edition_priv(ed)->limits.max_manifest_bytes, &data, &len, e) &&
              edition_parse_manifest(ed, "manifest.yaml", data, len, e);
    free(data);
    if (ok && use_cache && edition_cache_read(ed, rootfd, NULL)) {
        if (from_cache)
            *from_cache = true;
    } else if (ok) {
        struct image_ctx src = {rootfd, NULL, &edition_priv(ed)->limits};
        ok = read_articles(ed, &src, e);
    }
    close(rootfd);
    if (ok) {
        ed->root = arena_strdup(&ed->arena, dir);
        if (!ed->root)
            ok = err_set(e, ERR_NOMEM, "out of memory opening an edition");
    }
    if (!ok) {
        edition_destroy(ed);
        return NULL;
    }
    return ed;
}

struct edition *
edition_open_dir(const char *dir, const struct edition_limits *limits, struct err *e)
{
    return open_dir(dir, limits, false, NULL, e);
}

struct edition *
edition_open_files(const struct edition_files *files, const struct edition_limits *limits,
                   struct err *e)
{
    struct edition *ed = edition_create(limits);
    if (!ed) {
        err_set(e, ERR_NOMEM, "out of memory opening an edition");
        return NULL;
    }
    struct edition_priv *p = edition_priv(ed);
    struct image_ctx src = {-1, files, &p->limits};
    const char *data;
    size_t len;
    if (!files_read(files, "manifest.yaml", p->limits.max_manifest_bytes, &data, &len, e) ||
        !edition_parse_manifest(ed, "manifest.yaml", data, len, e) || !read_articles(ed, &src, e)) {
        edition_destroy(ed);
        return NULL;
    }
    p->files = files;
    return ed;
}

struct edition *
edition_open_dir_cached(const char *dir, const struct edition_limits *limits, bool *from_cache,
                        struct err *e)
{
    return open_dir(dir, limits, true, from_cache, e);
}

bool
edition_load_body(struct edition *ed, size_t index, struct err *e)
{
    if (index >= ed->article_count)
        return err_set(e, ERR_USAGE, "article %zu does not exist (the edition has %zu)", index,
                       ed->article_count);
    if (ed->articles[index].body_loaded)
        return true;
    struct edition_priv *p = edition_priv(ed);
    if (!p->files && !ed->root)
        return err_set(e, ERR_USAGE, "%s: the edition was not opened from a folder",
                       ed->articles[index].path);
    if (!p->bodies && !(p->bodies = calloc(ed->article_count, sizeof *p->bodies)))
        return err_set(e, ERR_NOMEM, "%s: out of memory", ed->articles[index].path);
    /* parsed through a copy of the edition whose arena is the article's
     * own (as read_articles does for its second thread); the article's
     * metadata stays what it was, so that unloading frees only blocks */
    const struct edition_article keep = ed->articles[index];
    struct edition_priv copy = *p;
    arena_init(&copy.pub.arena, EDITION_ARENA_BUDGET);
    bool ok;
    if (p->files) {
        struct image_ctx src = {-1, p->files, &p->limits};
        ok = read_article(&copy.pub, &src, index, true, e);
    } else {
        int rootfd = open(ed->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0) {
            arena_fini(&copy.pub.arena);
            return err_set(e, ERR_IO, "%s: cannot open the folder: %s", ed->root, strerror(errno));
        }
        struct image_ctx src = {rootfd, NULL, &p->limits};
        ok = read_article(&copy.pub, &src, index, true, e);
        close(rootfd);
    }
    struct edition_article *a = &ed->articles[index];
    if (!ok) {
        *a = keep;
        arena_fini(&copy.pub.arena);
        return false;
    }
    const struct edition_block *blocks = a->blocks;
    size_t n = a->block_count;
    *a = keep;
    a->blocks = blocks;
    a->block_count = n;
    a->body_loaded = true;
    arena_fini(&p->bodies[index]); /* a body edition_parse_article put elsewhere: none */
    p->bodies[index] = copy.pub.arena;
    return true;
}

void
edition_unload_body(struct edition *ed, size_t index)
{
    struct edition_priv *p = edition_priv(ed);
    if (index >= ed->article_count || !ed->articles[index].body_loaded || !p->bodies)
        return;
    arena_fini(&p->bodies[index]);
    struct edition_article *a = &ed->articles[index];
    a->blocks = NULL;
    a->block_count = 0;
    a->body_loaded = false;
}
