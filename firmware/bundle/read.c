/* The verified streaming read of one bundle: libarchive with only the tar
 * and zip readers and the gzip, xz and zstd filters; every result other than
 * ARCHIVE_OK is fatal; limits counted from bytes actually read; names from an
 * allow-list; files created by us under dest_fd (never archive_write_disk);
 * SHA-256 of each file compared with SHA256SUMS as it streams. After the
 * manifest, the articles and images are hashed on a thread of their own
 * (hasher.c), and a second thread creates the files SHA256SUMS lists
 * (struct ahead). */
#include "bundle_internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

#define BLOCK_BYTES BUNDLE_BLOCK_BYTES
#define PROBE_BYTES (512 * 1024) /* image header bytes kept for image_probe */
/* Article bodies are parsed in a scratch edition that is dropped (and the
 * manifest parsed again) once its arena holds this much: memory stays
 * bounded however much text a bundle carries. */
#ifndef SCRATCH_BYTES /* overridable to exercise the renewal in a test build */
#define SCRATCH_BYTES ((size_t)32 * 1024 * 1024)
#endif

enum kind { K_SUMS, K_SIG, K_MANIFEST, K_ARTICLE, K_IMAGE };

/* Creating a file is most of an install's time (perf at 1,000 articles:
 * ext4's inode allocation in openat, ~75% of the samples), and the names
 * are known from SHA256SUMS before the files come. So once the signature
 * and the manifest are checked, a second thread creates the listed files,
 * empty, in their order (pack's order: articles/, then images/), while
 * this one unpacks and hashes; the unpacking thread then only opens them.
 * Whichever thread claims a line first creates its file: when the
 * unpacking thread gets ahead it makes the next files itself (it has
 * nothing better to do then), and the creator skips them. The creator is
 * stopped and joined before the syncfs and before any return. */
enum ahead_state {
    AHEAD_TODO, /* nobody has claimed it */
    AHEAD_BUSY, /* the creator is creating it */
    AHEAD_MADE, /* the creator is done: err says how it went */
    AHEAD_MINE, /* the unpacking thread creates it itself */
};

struct ahead {
    struct rd *r;
    pthread_t thread;
    pthread_mutex_t mu; /* guards the fields below */
    pthread_cond_t made;
    unsigned char *state; /* enum ahead_state, by SHA256SUMS line */
    int *err;             /* errno of the creation, 0 when it worked */
    size_t next;          /* the creator's next line */
    bool stop;
    bool waiting; /* the unpacking thread waits for a BUSY line */
};

struct keep {
    uint8_t *data;
    size_t len, cap, max; /* max: stop keeping after this many bytes */
    /* Called once when max bytes are kept (or at the end, by the caller):
     * an image's header is checked while the rest still streams. */
    bool (*full)(struct keep *k, const char *name, uint32_t max_pixels, struct err *e);
    bool checked;
    uint32_t w, h; /* an image's size, once full has checked its header */
};

struct rd {
    const struct bundle_read *p;
    const struct bundle_limits *lim;
    struct archive *a;
    uint64_t file_size;
    uint64_t total;
    size_t entries;
    int art_fd, img_fd;
    struct bundle_sum *sums;
    size_t sum_count;
    bool *seen;
    uint8_t sums_sha[32];
    bool have_sig;
    bool sig_checked;
    char *sums_text;
    size_t sums_len;
    struct edition *ed;      /* manifest + article metadata: returned in info */
    struct edition *scratch; /* full article bodies, dropped now and then */
    struct edition_limits el;
    char *manifest; /* the manifest's bytes, to parse into a new scratch */
    size_t manifest_len;
    bool *article_seen; /* by manifest index */
    struct fig {
        char *image;
        size_t article;
    } * figs; /* every photo an article shows */
    size_t fig_count, fig_cap;
    bool manifest_done;
    struct bundle_info *info;
    uint8_t *block;
    struct bundle_sha256 *sha; /* one context for every file */
    struct tee *tee;           /* install: the copy taken while reading */
    struct ahead *ahead;       /* the creating thread, while it runs */
    /* After the manifest: articles and images are hashed there (NULL:
     * here, as the head of the archive always is). */
    struct bundle_hasher *hasher;
    /* A fake filesystem (the fault tests) is called one call at a time
     * whichever thread calls, so that it need not be thread-safe; the real
     * calls take no lock. */
    pthread_mutex_t *seam_mu;
    pthread_mutex_t seam_lock;
};

/* The install's one pass over the source (see bundle_read.tee). copied
 * bytes of the source are in the copy; pos is libarchive's offset. */
struct tee {
    int src, copy;
    const struct bundle_fs *fs;
    pthread_mutex_t *seam_mu; /* see rd.seam_mu */
    uint64_t copied, pos;
    uint8_t *buf;
    bool failed; /* reading the source or writing the copy failed */
    char msg[160];
};

static void
tee_fail(struct tee *t, const char *what)
{
    t->failed = true;
    snprintf(t->msg, sizeof t->msg, "%s: %s", what, strerror(errno));
}

/* Appends the next block of the source to the copy; its length, 0 at the
 * source's end, -1 on failure. The block stays in t->buf. */
static ssize_t
tee_append(struct tee *t)
{
    ssize_t n;
    do
        n = read(t->src, t->buf, BLOCK_BYTES);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        tee_fail(t, "reading the bundle failed");
        return -1;
    }
    bool wrote = true;
    if (n > 0) {
        if (t->seam_mu)
            pthread_mutex_lock(t->seam_mu);
        wrote = bundle_fs_write_all(t->fs, t->copy, t->buf, (size_t)n);
        if (t->seam_mu)
            pthread_mutex_unlock(t->seam_mu);
    }
    if (!wrote) {
        tee_fail(t, "copying into the state folder failed");
        return -1;
    }
    t->copied += (uint64_t)n;
    return n;
}

static la_ssize_t
tee_read(struct archive *a, void *user, const void **out)
{
    struct tee *t = user;
    *out = t->buf;
    if (t->pos == t->copied) { /* the common case: stream on */
        ssize_t n = tee_append(t);
        if (n < 0) {
            archive_set_error(a, EIO, "%s", t->msg);
            return -1;
        }
        t->pos += (uint64_t)n;
        return n;
    }
    /* After a seek back (zip): reread the copy, never the source. */
    uint64_t want = t->copied - t->pos;
    ssize_t n;
    do
        n = pread(t->copy, t->buf, want < BLOCK_BYTES ? (size_t)want : BLOCK_BYTES, (off_t)t->pos);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        if (n == 0)
            errno = EIO;
        tee_fail(t, "rereading the copy failed");
        archive_set_error(a, EIO, "%s", t->msg);
        return -1;
    }
    t->pos += (uint64_t)n;
    return n;
}

static la_int64_t
tee_seek(struct archive *a, void *user, la_int64_t off, int whence)
{
    struct tee *t = user;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)t->pos : -1;
    if (whence == SEEK_END) { /* copy the rest: the end is the copy's end */
        ssize_t n;
        while ((n = tee_append(t)) > 0)
            ;
        if (n < 0) {
            archive_set_error(a, EIO, "%s", t->msg);
            return ARCHIVE_FATAL;
        }
        base = (int64_t)t->copied;
    }
    int64_t target = base + off;
    if (target < 0)
        return ARCHIVE_FATAL;
    while ((uint64_t)target > t->copied) {
        ssize_t n = tee_append(t);
        if (n < 0) {
            archive_set_error(a, EIO, "%s", t->msg);
            return ARCHIVE_FATAL;
        }
        if (n == 0)
            break;
    }
    t->pos = (uint64_t)target > t->copied ? t->copied : (uint64_t)target;
    return (la_int64_t)t->pos;
}

static void
keep_free(struct keep *k)
{
    free(k->data);
    k->data = NULL;
    k->len = k->cap = 0;
}

static bool
keep_add(struct keep *k, const void *d, size_t n)
{
    if (k->len >= k->max)
        return true;
    if (n > k->max - k->len)
        n = k->max - k->len;
    if (k->len + n + 1 > k->cap) {
        size_t cap = k->cap ? k->cap : 4096;
        while (cap < k->len + n + 1)
            cap *= 2;
        uint8_t *nd = realloc(k->data, cap);
        if (!nd)
            return false;
        k->data = nd;
        k->cap = cap;
    }
    memcpy(k->data + k->len, d, n);
    k->len += n;
    k->data[k->len] = '\0';
    return true;
}

/* Why a name is refused, for the message. */
static const char *
name_problem(const char *name)
{
    if (name[0] == '/')
        return "is an absolute path";
    if (strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 || strstr(name, "/../") ||
        (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0))
        return "contains '..' (path traversal)";
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        if (*c == '\\')
            return "contains a backslash";
        if (*c < 0x20 || *c == 0x7f)
            return "contains a control character";
        if (*c >= 0x80)
            return "contains a character other than ASCII letters, digits, '-', '_' and '.'";
    }
    const char *slash = strchr(name, '/');
    if (slash && strchr(slash + 1, '/'))
        return "is in a folder below articles/ or images/ (no deeper folders)";
    return "is not an allowed name (SHA256SUMS, SHA256SUMS.minisig, manifest.yaml, "
           "articles/NAME.md, images/NAME.jpg|jpeg|png|webp)";
}

static void
esc_name(char *out, size_t n, const char *name)
{
    err_escape(out, n, name, strlen(name));
}

static int
cmp_key_ci(const void *key, const void *elem)
{
    return strcasecmp(key, ((const struct bundle_sum *)elem)->name);
}

static struct bundle_sum *
find_sum(struct rd *r, const char *name)
{
    if (!r->sums)
        return NULL;
    return bsearch(name, r->sums, r->sum_count, sizeof *r->sums, cmp_key_ci);
}

static bool
archive_failed(struct rd *r, const char *what, struct err *e)
{
    if (r->tee && r->tee->failed)
        return err_set(e, ERR_IO, "%s", r->tee->msg);
    const char *msg = archive_error_string(r->a);
    char esc[256];
    err_escape(esc, sizeof esc, msg ? msg : "unknown error", msg ? strlen(msg) : 13);
    return err_set(e, ERR_INVALID, "%s: the archive is damaged or not a tar/zip archive (%s)", what,
                   esc);
}

/* The ratio limit over everything the tar reader takes out of the
 * decompressor, not only file data: libarchive reads pax and GNU extension
 * headers (up to 1 MiB each, 32 in a row) into memory before an entry is
 * returned, so a few KB of zstd could otherwise expand to gigabytes in
 * headers of folder entries. Each entry is allowed HEADER_ALLOWANCE bytes of
 * headers on top, so many small entries still meet the entry limit first. */
#define HEADER_ALLOWANCE 2048
static bool
check_expansion(struct rd *r, struct err *e)
{
    int64_t n = archive_filter_bytes(r->a, 0);
    uint64_t used = n > 0 ? (uint64_t)n : 0;
    if (used > (uint64_t)r->lim->max_ratio * r->file_size + (r->entries + 1) * HEADER_ALLOWANCE)
        return err_set(e, ERR_LIMIT,
                       "the archive expands to more than %u times its size (the compression "
                       "ratio limit; a decompression bomb?)",
                       r->lim->max_ratio);
    return true;
}

static void
report_progress(struct rd *r)
{
    const struct bundle_options *o = r->p->opt;
    if (!o->progress)
        return;
    int64_t done = archive_filter_bytes(r->a, -1);
    uint64_t total = r->p->progress_total ? r->p->progress_total : r->file_size;
    uint64_t d = r->p->progress_base + (done > 0 ? (uint64_t)done : 0);
    o->progress(o->progress_user, d > total ? total : d, total ? total : 1);
}

static bool
seam_write(struct rd *r, int fd, const void *buf, size_t n)
{
    if (r->seam_mu)
        pthread_mutex_lock(r->seam_mu);
    bool ok = bundle_fs_write_all(r->p->opt->fs, fd, buf, n);
    int saved = errno;
    if (r->seam_mu)
        pthread_mutex_unlock(r->seam_mu);
    errno = saved;
    return ok;
}

static int
seam_openat(struct rd *r, int dir_fd, const char *base, int flags, mode_t mode)
{
    if (r->seam_mu)
        pthread_mutex_lock(r->seam_mu);
    int fd = bundle_fs_openat(r->p->opt->fs, dir_fd, base, flags, mode);
    int saved = errno;
    if (r->seam_mu)
        pthread_mutex_unlock(r->seam_mu);
    errno = saved;
    return fd;
}

/* Streams the current entry's data: limits, SHA-256, optional file, optional
 * in-memory copy. sha NULL: the blocks go to r->hasher, and check_sum
 * queues the file's end. */
static bool
stream_data(struct rd *r, const char *name, uint64_t max, int fd, struct keep *keep,
            uint8_t sha[32], struct err *e)
{
    char esc[256];
    if (sha && !bundle_sha256_start(r->sha))
        return err_set(e, ERR_NOMEM, "out of memory hashing %s", name);
    uint64_t n_file = 0;
    for (;;) {
        uint8_t *block = sha ? r->block : bundle_hasher_block(r->hasher);
        la_ssize_t n = archive_read_data(r->a, block, BLOCK_BYTES);
        if (n < 0) {
            esc_name(esc, sizeof esc, name);
            return archive_failed(r, esc, e);
        }
        if (n == 0)
            break;
        n_file += (uint64_t)n;
        r->total += (uint64_t)n;
        if (n_file > max) {
            esc_name(esc, sizeof esc, name);
            return err_set(e, ERR_LIMIT, "%s: larger than the limit of %llu bytes", esc,
                           (unsigned long long)max);
        }
        if (r->total > r->lim->max_total_bytes)
            return err_set(e, ERR_LIMIT, "more than the limit of %llu bytes uncompressed in all",
                           (unsigned long long)r->lim->max_total_bytes);
        if (r->total > (uint64_t)r->lim->max_ratio * r->file_size)
            return err_set(e, ERR_LIMIT,
                           "the archive expands to more than %u times its size (the compression "
                           "ratio limit; a decompression bomb?)",
                           r->lim->max_ratio);
        if (!sha) /* read only, from now until it is hashed */
            bundle_hasher_add(r->hasher, block, (size_t)n);
        else if (!bundle_sha256_add(r->sha, block, (size_t)n))
            return err_set(e, ERR_NOMEM, "out of memory hashing %s", name);
        if (fd >= 0 && !seam_write(r, fd, block, (size_t)n)) {
            esc_name(esc, sizeof esc, name);
            return err_set(e, ERR_IO, "%s: writing the unpacked file failed: %s", esc,
                           strerror(errno));
        }
        if (keep && !keep_add(keep, block, (size_t)n))
            return err_set(e, ERR_NOMEM, "out of memory reading %s", name);
        if (keep && keep->full && !keep->checked && keep->len >= keep->max) {
            keep->checked = true;
            if (!keep->full(keep, name, r->lim->max_image_pixels, e))
                return false;
        }
        report_progress(r);
    }
    if (sha && !bundle_sha256_end(r->sha, sha))
        return err_set(e, ERR_NOMEM, "out of memory hashing %s", name);
    return true;
}

static void
mismatch(const char *name, struct err *e)
{
    char esc[256];
    esc_name(esc, sizeof esc, name);
    err_set(e, ERR_INTEGRITY, "%s: its SHA-256 does not match SHA256SUMS", esc);
}

/* sha NULL: the file was streamed to r->hasher; its end is queued, and a
 * mismatch is reported when the hasher is finished (see read_all). */
static bool
check_sum(struct rd *r, const char *name, const uint8_t sha[32], struct err *e)
{
    struct bundle_sum *s = find_sum(r, name);
    if (!sha) {
        bundle_hasher_end(r->hasher, (size_t)(s - r->sums));
        return true;
    }
    if (sodium_memcmp(s->sha256, sha, 32) != 0) {
        mismatch(name, e);
        return false;
    }
    return true;
}

#define CREATE_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)

static int
create_failed(const char *name, int err, struct err *e)
{
    char esc[256];
    esc_name(esc, sizeof esc, name);
    err_set(e, ERR_IO, "%s: creating the unpacked file failed: %s", esc, strerror(err));
    return -1;
}

/* Opens name (the base name inside dir_fd) for writing, exclusively. */
static int
create_file(struct rd *r, int dir_fd, const char *base, const char *name, struct err *e)
{
    int fd = seam_openat(r, dir_fd, base, CREATE_FLAGS, 0644);
    return fd < 0 ? create_failed(name, errno, e) : fd;
}

/* The folder and base name a listed file is unpacked to; false for
 * manifest.yaml, which comes first and is left to the unpacking thread. */
static bool
unpack_place(const struct rd *r, const char *name, int *dir_fd, const char **base)
{
    if (strncmp(name, "articles/", 9) == 0) {
        *dir_fd = r->art_fd;
        *base = name + 9;
        return true;
    }
    if (strncmp(name, "images/", 7) == 0) {
        *dir_fd = r->img_fd;
        *base = name + 7;
        return true;
    }
    return false;
}

/* Claims the next line to make ahead (BUSY) and makes its file, with a->mu
 * held on entry and on return (unlocked while the file is made). false when
 * there is none left or the making stopped. Both threads call it. */
static bool
ahead_make_next(struct ahead *a)
{
    struct rd *r = a->r;
    while (!a->stop && a->next < r->sum_count) {
        size_t i = a->next++;
        int dir_fd;
        const char *base;
        if (a->state[i] != AHEAD_TODO || !unpack_place(r, r->sums[i].name, &dir_fd, &base))
            continue;
        a->state[i] = AHEAD_BUSY;
        pthread_mutex_unlock(&a->mu);
        int fd = seam_openat(r, dir_fd, base, CREATE_FLAGS, 0644);
        int err = fd < 0 ? errno : 0;
        if (fd >= 0)
            close(fd);
        pthread_mutex_lock(&a->mu);
        a->state[i] = AHEAD_MADE;
        a->err[i] = err;
        if (err) /* the next ones would fail alike: the unpacking thread will say why */
            a->stop = true;
        if (a->waiting)
            pthread_cond_broadcast(&a->made);
        return true;
    }
    return false;
}

static void *
ahead_run(void *arg)
{
    struct ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    while (ahead_make_next(a))
        ;
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* Starts the creator; without it (no memory, no thread) the unpacking
 * thread creates every file itself, as it would anyway. */
static void
ahead_start(struct rd *r)
{
    if (r->p->opt->fs && !r->seam_mu)
        return; /* a fake filesystem is not called from two threads unlocked */
    struct ahead *a = calloc(1, sizeof *a);
    if (!a)
        return;
    a->r = r;
    a->state = calloc(r->sum_count ? r->sum_count : 1, sizeof *a->state);
    a->err = calloc(r->sum_count ? r->sum_count : 1, sizeof *a->err);
    bool ok = a->state && a->err && pthread_mutex_init(&a->mu, NULL) == 0;
    if (ok && pthread_cond_init(&a->made, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        ok = false;
    }
    if (ok && pthread_create(&a->thread, NULL, ahead_run, a) != 0) {
        pthread_cond_destroy(&a->made);
        pthread_mutex_destroy(&a->mu);
        ok = false;
    }
    if (!ok) {
        free(a->state);
        free(a->err);
        free(a);
        return;
    }
    r->ahead = a;
}

/* Stops the creator (the files it has not created yet are not needed) and
 * waits for it. */
static void
ahead_stop(struct rd *r)
{
    struct ahead *a = r->ahead;
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->made);
    pthread_mutex_destroy(&a->mu);
    free(a->state);
    free(a->err);
    free(a);
    r->ahead = NULL;
}

/* Opens the file of SHA256SUMS line si for writing: the one the creator
 * made, or a new one when this thread claims the line first. */
static int
open_listed(struct rd *r, size_t si, int dir_fd, const char *base, const char *name, struct err *e)
{
    struct ahead *a = r->ahead;
    if (!a)
        return create_file(r, dir_fd, base, name, e);
    pthread_mutex_lock(&a->mu);
    if (a->state[si] == AHEAD_TODO) {
        a->state[si] = AHEAD_MINE;
        pthread_mutex_unlock(&a->mu);
        return create_file(r, dir_fd, base, name, e);
    }
    /* The creator is making it: rather than wait, make the next ones
     * meanwhile (when the unpacking thread keeps up with the creator, the
     * two take turns), and wait only when none is left. */
    while (a->state[si] == AHEAD_BUSY) {
        if (ahead_make_next(a))
            continue;
        a->waiting = true;
        pthread_cond_wait(&a->made, &a->mu);
        a->waiting = false;
    }
    int err = a->err[si];
    pthread_mutex_unlock(&a->mu);
    if (err)
        return create_failed(name, err, e);
    /* Made empty by the creator in our own staging folder a moment ago. */
    int fd = seam_openat(r, dir_fd, base, O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    return fd < 0 ? create_failed(name, errno, e) : fd;
}

static bool
finish_file(struct rd *r, int fd, const char *name, bool ok, struct err *e)
{
    (void)name;
    (void)e;
    /* No fsync here: sync_dirs flushes every file at once at the end. */
    if (fd >= 0 && ok && r->hasher && !r->p->opt->fs && !r->p->no_sync)
        bundle_hasher_writeback(r->hasher, fd); /* a head start for that */
    else if (fd >= 0)
        close(fd);
    return ok;
}

static bool
handle_sums(struct rd *r, struct err *e)
{
    struct keep k = {.max = BUNDLE_MAX_SUMS_BYTES};
    int fd = -1;
    if (r->p->dest_fd >= 0 &&
        (fd = create_file(r, r->p->dest_fd, "SHA256SUMS", "SHA256SUMS", e)) < 0)
        return false;
    bool ok = stream_data(r, "SHA256SUMS", BUNDLE_MAX_SUMS_BYTES, fd, &k, r->sums_sha, e);
    ok = finish_file(r, fd, "SHA256SUMS", ok, e);
    if (ok)
        ok = bundle_sums_parse((const char *)k.data, k.len, &r->sums, &r->sum_count,
                               r->lim->max_entries, e);
    if (ok) {
        r->seen = calloc(r->sum_count ? r->sum_count : 1, sizeof *r->seen);
        if (!r->seen)
            ok = err_set(e, ERR_NOMEM, "out of memory");
    }
    if (ok) {
        struct bundle_sum *m = find_sum(r, "manifest.yaml");
        if (!m || strcmp(m->name, "manifest.yaml") != 0)
            ok = err_set(e, ERR_INVALID, "SHA256SUMS: manifest.yaml is not listed");
    }
    if (ok) {
        r->sums_text = (char *)k.data;
        r->sums_len = k.len;
        k.data = NULL;
    }
    keep_free(&k);
    return ok;
}

static bool
check_signature(struct rd *r, const struct keep *sig, struct err *e)
{
    const struct bundle_options *o = r->p->opt;
    if (!sig) {
        if (o->key_count > 0 || o->require_signature)
            return err_set(e, ERR_INTEGRITY,
                           "SHA256SUMS.minisig: missing, and a signature is required (the bundle "
                           "must be signed with a trusted key)");
        return true;
    }
    if (r->info)
        r->info->signature_present = true;
    if (o->key_count == 0 && !o->require_signature)
        return true; /* nothing to check it against */
    char id[17];
    if (!bundle_verify_signature(o->keys, o->key_count, r->sums_text, r->sums_len, sig->data,
                                 sig->len, id, e))
        return false;
    if (r->info) {
        r->info->signature_verified = true;
        memcpy(r->info->key_id, id, sizeof id);
    }
    return true;
}

static bool
handle_manifest(struct rd *r, int fd, struct err *e)
{
    struct keep k = {.max = r->lim->max_manifest_bytes};
    uint8_t sha[32];
    bool ok = stream_data(r, "manifest.yaml", r->lim->max_manifest_bytes, fd, &k, sha, e);
    ok = finish_file(r, fd, "manifest.yaml", ok, e) && ok;
    ok = ok && check_sum(r, "manifest.yaml", sha, e);
    if (ok)
        ok = edition_parse_manifest(r->ed, "manifest.yaml", k.data ? (const char *)k.data : "",
                                    k.len, e);
    if (ok && r->p->keep) { /* bundle_load: a copy for the caller */
        struct bundle_files *f = r->p->keep;
        f->manifest = malloc(k.len + 1);
        if (!f->manifest)
            ok = err_set(e, ERR_NOMEM, "out of memory");
        else if (k.len)
            memcpy(f->manifest, k.data, k.len);
        if (f->manifest) {
            f->manifest[k.len] = '\0';
            f->manifest_len = k.len;
        }
    }
    if (ok) {
        r->article_seen = calloc(r->ed->article_count + 1, sizeof *r->article_seen);
        r->manifest = k.data ? (char *)k.data : NULL;
        r->manifest_len = k.len;
        k.data = NULL;
        if (!r->article_seen)
            ok = err_set(e, ERR_NOMEM, "out of memory");
    }
    keep_free(&k);
    if (!ok)
        return false;
    r->manifest_done = true;
    if (r->p->check_sequence && r->ed->sequence <= r->p->min_sequence) {
        return err_set(e, ERR_STALE,
                       "manifest.yaml: sequence %lld is not newer than the installed edition's "
                       "%lld",
                       (long long)r->ed->sequence, (long long)r->p->min_sequence);
    }
    return true;
}

/* A scratch edition with the manifest parsed, fresh when the last one grew
 * past SCRATCH_BYTES. */
static bool
scratch_ready(struct rd *r, struct err *e)
{
    if (r->scratch && r->scratch->arena.used < SCRATCH_BYTES)
        return true;
    edition_destroy(r->scratch);
    r->scratch = edition_create(&r->el);
    if (!r->scratch)
        return err_set(e, ERR_NOMEM, "out of memory");
    return edition_parse_manifest(r->scratch, "manifest.yaml", r->manifest ? r->manifest : "",
                                  r->manifest_len, e);
}

static bool
collect_figures(struct rd *r, size_t idx, struct err *e)
{
    const struct edition_article *a = &r->scratch->articles[idx];
    for (size_t b = 0; b < a->block_count; b++) {
        const struct edition_block *blk = &a->blocks[b];
        if (blk->kind != EDITION_BLOCK_FIGURE || !blk->figure.image)
            continue;
        if (r->fig_count == r->fig_cap) {
            size_t cap = r->fig_cap ? r->fig_cap * 2 : 64;
            struct fig *nf = realloc(r->figs, cap * sizeof *nf);
            if (!nf)
                return err_set(e, ERR_NOMEM, "out of memory");
            r->figs = nf;
            r->fig_cap = cap;
        }
        char *img = strdup(blk->figure.image);
        if (!img)
            return err_set(e, ERR_NOMEM, "out of memory");
        r->figs[r->fig_count++] = (struct fig){.image = img, .article = idx};
    }
    return true;
}

static bool
handle_article(struct rd *r, const char *name, int fd, struct err *e)
{
    char esc[256];
    long idx = edition_find_article(r->ed, name);
    if (idx < 0) {
        finish_file(r, fd, name, false, e);
        esc_name(esc, sizeof esc, name);
        return err_set(e, ERR_INVALID, "%s: not listed in manifest.yaml's articles", esc);
    }
    struct keep k = {.max = r->lim->max_article_bytes};
    uint8_t digest[32], *sha = r->hasher ? NULL : digest;
    bool ok = stream_data(r, name, r->lim->max_article_bytes, fd, &k, sha, e);
    ok = finish_file(r, fd, name, ok, e) && ok;
    ok = ok && check_sum(r, name, sha, e);
    const char *text = k.data ? (const char *)k.data : "";
    ok =
        ok && scratch_ready(r, e) && edition_parse_article(r->scratch, (size_t)idx, text, k.len, e);
    /* The metadata go to info->ed; bundle_load has no info (its caller
     * parses the kept bytes again), and the full parse above has checked
     * the front matter already. */
    ok = ok && collect_figures(r, (size_t)idx, e) &&
         ((r->p->keep && !r->info) ||
          edition_parse_article_meta(r->ed, (size_t)idx, text, k.len, e));
    if (ok && r->p->keep) { /* bundle_load: the bytes go to the caller */
        char *data = k.data ? (char *)k.data : strdup("");
        k.data = NULL;
        if (!data || !bundle_files_add_text(r->p->keep, name, data, k.len))
            ok = err_set(e, ERR_NOMEM, "out of memory reading %s", name);
    }
    keep_free(&k);
    if (ok)
        r->article_seen[idx] = true;
    return ok;
}

/* The image's magic matches its name, and its header is within limits. */
static bool
image_header_ok(struct keep *k, const char *name, uint32_t max_pixels, struct err *e)
{
    char esc[256];
    esc_name(esc, sizeof esc, name);
    enum image_type want = image_type_from_name(name);
    const void *data = k->data ? (const void *)k->data : ""; /* an empty file */
    enum image_type got = image_type_from_magic(data, k->len);
    if (got == IMAGE_UNKNOWN)
        return err_set(e, ERR_INVALID,
                       "%s: the content is not a JPEG, PNG or WebP image (the name says %s)", esc,
                       image_type_name(want));
    if (got != want)
        return err_set(e, ERR_INVALID, "%s: content is %s but the name says %s", esc,
                       image_type_name(got), image_type_name(want));
    struct image_info info;
    if (!image_probe(data, k->len, max_pixels, &info, e)) {
        err_prefix(e, "%s", esc);
        return false;
    }
    k->w = info.width;
    k->h = info.height;
    return true;
}

static bool
handle_image(struct rd *r, const char *name, int fd, struct err *e)
{
    struct keep k = {.max = PROBE_BYTES, .full = image_header_ok};
    uint8_t digest[32], *sha = r->hasher ? NULL : digest;
    bool ok = stream_data(r, name, r->lim->max_image_bytes, fd, &k, sha, e);
    ok = finish_file(r, fd, name, ok, e) && ok;
    if (ok && !k.checked) /* smaller than PROBE_BYTES */
        ok = image_header_ok(&k, name, r->lim->max_image_pixels, e);
    ok = ok && check_sum(r, name, sha, e);
    keep_free(&k);
    if (ok && r->p->keep && !bundle_files_add_image(r->p->keep, name, k.w, k.h))
        ok = err_set(e, ERR_NOMEM, "out of memory reading %s", name);
    if (ok && r->info)
        r->info->image_count++;
    return ok;
}

static bool
check_entry_type(struct rd *r, struct archive_entry *ae, const char *esc, struct err *e)
{
    (void)r;
    if (archive_entry_hardlink(ae))
        return err_set(e, ERR_INVALID, "%s: a hard link (only regular files are allowed)", esc);
    if (archive_entry_symlink(ae) || archive_entry_filetype(ae) == AE_IFLNK)
        return err_set(e, ERR_INVALID, "%s: a symbolic link (only regular files are allowed)", esc);
    mode_t t = archive_entry_filetype(ae);
    if (t != AE_IFREG && t != AE_IFDIR)
        return err_set(e, ERR_INVALID,
                       "%s: a device, fifo or socket entry (only regular files are allowed)", esc);
    if (archive_entry_sparse_count(ae) > 0)
        return err_set(e, ERR_INVALID, "%s: a sparse file (not allowed)", esc);
    if (archive_entry_is_encrypted(ae))
        return err_set(e, ERR_INVALID, "%s: encrypted (not allowed)", esc);
    return true;
}

/* Returns 1 to go on, 0 on error, 2 to stop (manifest read in scan mode). */
static int
handle_entry(struct rd *r, struct archive_entry *ae, struct keep *sig, struct err *e)
{
    char esc[256];
    const char *name = archive_entry_pathname(ae);
    if (!name)
        return err_set(e, ERR_INVALID, "entry %zu: its name is not readable", r->entries);
    esc_name(esc, sizeof esc, name);
    if (++r->entries > r->lim->max_entries)
        return err_set(e, ERR_LIMIT, "more than the limit of %zu entries", r->lim->max_entries);
    if (!check_entry_type(r, ae, esc, e))
        return 0;
    bool first = r->entries == 1;
    if (first) {
        if (strcmp(name, "SHA256SUMS") != 0)
            return err_set(e, ERR_INVALID,
                           "%s: SHA256SUMS must be the archive's first entry (see "
                           "docs/bundle-format.md)",
                           esc);
        return handle_sums(r, e) ? 1 : 0;
    }
    if (strcmp(name, "SHA256SUMS") == 0)
        return err_set(e, ERR_INVALID, "SHA256SUMS: appears twice");
    if (strcmp(name, "SHA256SUMS.minisig") == 0) {
        if (r->have_sig || r->entries != 2)
            return err_set(e, ERR_INVALID,
                           "SHA256SUMS.minisig: must directly follow SHA256SUMS, once");
        r->have_sig = true;
        sig->max = BUNDLE_MAX_SIG_BYTES;
        uint8_t sha[32];
        int fd = -1;
        if (r->p->dest_fd >= 0 &&
            (fd = create_file(r, r->p->dest_fd, "SHA256SUMS.minisig", name, e)) < 0)
            return 0;
        bool ok = stream_data(r, name, BUNDLE_MAX_SIG_BYTES, fd, sig, sha, e);
        ok = finish_file(r, fd, name, ok, e) && ok;
        r->sig_checked = true;
        return ok && check_signature(r, sig, e) ? 1 : 0;
    }
    if (!r->sig_checked) {
        r->sig_checked = true;
        if (!check_signature(r, NULL, e))
            return 0;
    }
    if (archive_entry_filetype(ae) == AE_IFDIR) {
        if (strcmp(name, "articles/") == 0 || strcmp(name, "images/") == 0 ||
            strcmp(name, "articles") == 0 || strcmp(name, "images") == 0)
            return 1;
        return err_set(e, ERR_INVALID,
                       "%s: folder not allowed (only articles/ and images/ at the root)", esc);
    }

    bool is_manifest = strcmp(name, "manifest.yaml") == 0;
    bool is_article = !is_manifest && edition_valid_article_path(name);
    bool is_image = !is_manifest && !is_article && edition_valid_image_path(name);
    if (!is_manifest && !is_article && !is_image)
        return err_set(e, ERR_INVALID, "%s: entry name %s", esc, name_problem(name));
    struct bundle_sum *s = find_sum(r, name);
    if (!s)
        return err_set(e, ERR_INVALID, "%s: not listed in SHA256SUMS", esc);
    size_t si = (size_t)(s - r->sums);
    if (r->seen[si] || strcmp(s->name, name) != 0) {
        char other[256];
        esc_name(other, sizeof other, s->name);
        return err_set(e, ERR_INVALID,
                       "%s: a second entry with this name (or '%s' differing only in case)", esc,
                       other);
    }
    r->seen[si] = true;
    if (r->info)
        r->info->file_count++;
    if (archive_entry_size_is_set(ae)) {
        uint64_t max = is_manifest  ? r->lim->max_manifest_bytes
                       : is_article ? r->lim->max_article_bytes
                                    : r->lim->max_image_bytes;
        if (archive_entry_size(ae) < 0 || (uint64_t)archive_entry_size(ae) > max)
            return err_set(e, ERR_LIMIT, "%s: larger than the limit of %llu bytes", esc,
                           (unsigned long long)max);
    }
    if (is_article && !r->manifest_done)
        return err_set(e, ERR_INVALID,
                       "%s: comes before manifest.yaml (manifest.yaml must precede the articles)",
                       esc);

    int fd = -1;
    if (r->p->dest_fd >= 0) {
        int dir = is_manifest ? r->p->dest_fd : is_article ? r->art_fd : r->img_fd;
        const char *base = is_manifest ? name : strchr(name, '/') + 1;
        if ((fd = open_listed(r, si, dir, base, name, e)) < 0)
            return 0;
    }
    if (is_manifest) {
        if (!handle_manifest(r, fd, e))
            return 0;
        if (r->p->stop_after_manifest)
            return 2;
        /* SHA256SUMS, its signature (when one is required) and the
         * manifest's sequence are checked: the listed files will be
         * unpacked, so they can be made ahead. */
        if (r->p->dest_fd >= 0 && !r->ahead)
            ahead_start(r);
        if (!r->hasher)
            r->hasher = bundle_hasher_start(r->sums);
        return 1;
    }
    if (is_article)
        return handle_article(r, name, fd, e) ? 1 : 0;
    return handle_image(r, name, fd, e) ? 1 : 0;
}

static bool
image_seen(struct rd *r, const char *path)
{
    struct bundle_sum *s = find_sum(r, path);
    return s && strcmp(s->name, path) == 0 && r->seen[s - r->sums];
}

/* After the last entry: every listed file came, every article of the
 * manifest came, every referenced image is in the bundle. */
static bool
check_complete(struct rd *r, struct err *e)
{
    char esc[256];
    for (size_t i = 0; i < r->sum_count; i++) {
        if (!r->seen[i]) {
            esc_name(esc, sizeof esc, r->sums[i].name);
            return err_set(e, ERR_INVALID, "%s: listed in SHA256SUMS but missing from the archive",
                           esc);
        }
    }
    for (size_t i = 0; i < r->ed->article_count; i++) {
        if (!r->article_seen[i]) {
            esc_name(esc, sizeof esc, r->ed->articles[i].path);
            return err_set(e, ERR_INVALID, "manifest.yaml names %s, which is not in the bundle",
                           esc);
        }
    }
    for (size_t i = 0; i < r->fig_count; i++) {
        if (!image_seen(r, r->figs[i].image)) {
            char img[256];
            esc_name(img, sizeof img, r->figs[i].image);
            esc_name(esc, sizeof esc, r->ed->articles[r->figs[i].article].path);
            return err_set(e, ERR_INVALID, "%s: the photo %s is not in the bundle's images/", esc,
                           img);
        }
    }
    if (r->info)
        r->info->figure_count = r->fig_count;
    return true;
}

static bool
make_subdir(struct rd *r, const char *name, int *fd, struct err *e)
{
    if (bundle_fs_mkdirat(r->p->opt->fs, r->p->dest_fd, name, 0755) != 0)
        return err_set(e, ERR_IO, "creating %s/ in the unpack folder failed: %s", name,
                       strerror(errno));
    *fd = openat(r->p->dest_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (*fd < 0)
        return err_set(e, ERR_IO, "opening %s/ failed: %s", name, strerror(errno));
    return true;
}

static bool
sync_dirs(struct rd *r, struct err *e)
{
    const struct bundle_fs *fs = r->p->opt->fs;
    /* One syncfs(2) makes every file written above durable (data and
     * inodes: the files are written, closed, then the filesystem flushed,
     * and since Linux 5.8 a writeback error of any of them is returned
     * here), instead of an fsync per file (2,230 at 1,000 articles); then the
     * folders' entries. Callers rename the folder into place only after this
     * returns, so a power cut leaves either no new folder in place or a
     * complete one. */
    if (bundle_fs_syncfs(fs, r->p->dest_fd) != 0)
        return err_set(e, ERR_IO, "syncing the unpacked files failed: %s", strerror(errno));
    if (bundle_fs_fsync(fs, r->art_fd) != 0 || bundle_fs_fsync(fs, r->img_fd) != 0 ||
        bundle_fs_fsync(fs, r->p->dest_fd) != 0)
        return err_set(e, ERR_IO, "fsync of the unpack folder failed: %s", strerror(errno));
    return true;
}

static bool
read_all(struct rd *r, struct err *e)
{
    struct tee tee = {
        .src = r->p->src_fd, .copy = r->p->tee_fd, .fs = r->p->opt->fs, .seam_mu = r->seam_mu};
    int fd = r->p->tee ? dup(r->p->src_fd) : open(r->p->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, errno == ENOENT ? ERR_USAGE : ERR_IO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, ERR_INVALID, "not a regular file");
    }
    r->file_size = (uint64_t)st.st_size;
    if (r->file_size == 0) {
        close(fd);
        return err_set(e, ERR_INVALID, "an empty file, not an archive");
    }
    r->a = archive_read_new();
    if (!r->a) {
        close(fd);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    archive_read_support_format_tar(r->a);
    /* The seekable zip reader checks the central directory against the
     * local headers; the streaming one would ignore a broken one. */
    archive_read_support_format_zip_seekable(r->a);
    archive_read_support_filter_gzip(r->a);
    archive_read_support_filter_xz(r->a);
    archive_read_support_filter_zstd(r->a);
    int orc;
    if (r->p->tee) {
        /* libarchive's blocks come from tee_read's own buffer. */
        tee.buf = malloc(BLOCK_BYTES);
        if (!tee.buf) {
            archive_read_free(r->a);
            r->a = NULL;
            close(fd);
            return err_set(e, ERR_NOMEM, "out of memory");
        }
        r->tee = &tee;
        archive_read_set_read_callback(r->a, tee_read);
        archive_read_set_seek_callback(r->a, tee_seek);
        archive_read_set_callback_data(r->a, &tee);
        orc = archive_read_open1(r->a);
    } else {
        orc = archive_read_open_fd(r->a, fd, BLOCK_BYTES);
    }
    if (orc != ARCHIVE_OK) {
        bool ok = archive_failed(r, "opening", e);
        archive_read_free(r->a);
        r->a = NULL;
        r->tee = NULL;
        if (r->p->tee)
            free(tee.buf);
        close(fd);
        return ok;
    }
    bool ok = true;
    if (r->p->dest_fd >= 0)
        ok = make_subdir(r, "articles", &r->art_fd, e) && make_subdir(r, "images", &r->img_fd, e);
    struct keep sig = {0};
    bool stopped = false;
    while (ok) {
        if (r->hasher && bundle_hasher_bad(r->hasher) >= 0)
            break; /* reported below */
        struct archive_entry *ae;
        int rc = archive_read_next_header(r->a, &ae);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc != ARCHIVE_OK) {
            char what[64];
            snprintf(what, sizeof what, "entry %zu", r->entries + 1);
            ok = archive_failed(r, what, e);
            break;
        }
        if (!check_expansion(r, e)) {
            ok = false;
            break;
        }
        int h = handle_entry(r, ae, &sig, e);
        if (h == 0)
            ok = false;
        if (h == 2) {
            stopped = true;
            break;
        }
    }
    ahead_stop(r); /* no file is opened after the last entry */
    /* The first file that did not match comes before anything found wrong
     * since: its end was queued before the checks that followed it, as
     * check_sum came before them when the digest was taken here. */
    long bad;
    int hashed = bundle_hasher_finish(r->hasher, &bad);
    r->hasher = NULL;
    if (bad >= 0) {
        mismatch(r->sums[bad].name, e);
        ok = false;
    } else if (hashed != 0 && ok) {
        ok = err_set(e, ERR_NOMEM, "out of memory hashing the files");
    }
    if (ok && r->entries == 0)
        ok = err_set(e, ERR_INVALID, "an empty archive (SHA256SUMS must be the first entry)");
    if (ok && !r->sig_checked && r->sums && !check_signature(r, NULL, e))
        ok = false;
    if (ok && !r->manifest_done)
        ok = err_set(e, ERR_INVALID, "manifest.yaml: missing from the archive");
    if (ok && !stopped)
        ok = check_complete(r, e);
    /* The copy has served: libarchive has read its end, and the install
     * removes it after the commit. Emptied now, its pages (as many bytes as
     * the bundle) are dropped instead of written back by the syncfs below;
     * a power cut leaves it to be removed as a leftover either way. */
    if (ok && !stopped && r->p->tee && ftruncate(r->p->tee_fd, 0) != 0)
        ok =
            err_set(e, ERR_IO, "emptying the copy in the state folder failed: %s", strerror(errno));
    if (ok && !stopped && r->p->dest_fd >= 0 && !r->p->no_sync)
        ok = sync_dirs(r, e);
    keep_free(&sig);
    archive_read_free(r->a);
    r->a = NULL;
    r->tee = NULL;
    if (r->p->tee)
        free(tee.buf);
    close(fd);
    return ok;
}

bool
bundle_read_archive(const struct bundle_read *p, struct bundle_info *info, struct err *e)
{
    struct rd r = {.p = p, .lim = &p->opt->limits, .art_fd = -1, .img_fd = -1, .info = info};
    if (info)
        memset(info, 0, sizeof *info);
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    edition_limits_default(&r.el);
    r.el.max_manifest_bytes = (size_t)r.lim->max_manifest_bytes;
    r.el.max_article_bytes = (size_t)r.lim->max_article_bytes;
    r.el.max_articles = r.lim->max_entries;
    r.el.max_image_pixels = r.lim->max_image_pixels;
    r.el.max_image_bytes = (size_t)r.lim->max_image_bytes;
    r.ed = edition_create(&r.el);
    r.block = malloc(BLOCK_BYTES);
    r.sha = bundle_sha256_create();
    if (p->opt->fs && pthread_mutex_init(&r.seam_lock, NULL) == 0)
        r.seam_mu = &r.seam_lock;
    bool ok;
    if (!r.ed || !r.block || !r.sha)
        ok = err_set(e, ERR_NOMEM, "out of memory");
    else
        ok = read_all(&r, e);
    if (r.art_fd >= 0)
        close(r.art_fd);
    if (r.img_fd >= 0)
        close(r.img_fd);
    free(r.block);
    bundle_sha256_destroy(r.sha);
    if (r.seam_mu)
        pthread_mutex_destroy(r.seam_mu);
    free(r.seen);
    edition_destroy(r.scratch);
    free(r.manifest);
    free(r.article_seen);
    for (size_t i = 0; i < r.fig_count; i++)
        free(r.figs[i].image);
    free(r.figs);
    free(r.sums_text);
    bundle_sums_free(r.sums, r.sum_count);
    if (ok && info) {
        info->ed = r.ed;
        info->total_bytes = r.total;
        info->file_count++; /* SHA256SUMS */
        bundle_hex(info->sums_sha256, r.sums_sha, 32);
    } else {
        edition_destroy(r.ed);
        if (info)
            info->ed = NULL;
    }
    return ok;
}
