/* Small helpers of the bundle module: the filesystem seam, tree removal,
 * whole-file reads, SHA-256 and SHA256SUMS parsing. */
#include "bundle_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

int
bundle_fs_openat(const struct bundle_fs *fs, int dirfd, const char *name, int flags, mode_t mode)
{
    if (fs && fs->openat)
        return fs->openat(dirfd, name, flags, mode);
    return openat(dirfd, name, flags, mode);
}

bool
bundle_fs_write_all(const struct bundle_fs *fs, int fd, const void *buf, size_t n)
{
    return fileio_write_all(fd, buf, n, fs ? fs->write : NULL);
}

int
bundle_fs_fsync(const struct bundle_fs *fs, int fd)
{
    return (fs && fs->fsync) ? fs->fsync(fd) : fsync(fd);
}

int
bundle_fs_syncfs(const struct bundle_fs *fs, int fd)
{
    return (fs && fs->syncfs) ? fs->syncfs(fd) : syncfs(fd);
}

int
bundle_fs_mkdirat(const struct bundle_fs *fs, int dirfd, const char *name, mode_t mode)
{
    return (fs && fs->mkdirat) ? fs->mkdirat(dirfd, name, mode) : mkdirat(dirfd, name, mode);
}

int
bundle_fs_renameat(const struct bundle_fs *fs, int olddirfd, const char *oldname, int newdirfd,
                   const char *newname)
{
    if (fs && fs->renameat)
        return fs->renameat(olddirfd, oldname, newdirfd, newname);
    return renameat(olddirfd, oldname, newdirfd, newname);
}

int
bundle_fs_symlinkat(const struct bundle_fs *fs, const char *target, int dirfd, const char *name)
{
    if (fs && fs->symlinkat)
        return fs->symlinkat(target, dirfd, name);
    return symlinkat(target, dirfd, name);
}

int
bundle_fs_unlinkat(const struct bundle_fs *fs, int dirfd, const char *name, int flags)
{
    if (fs && fs->unlinkat)
        return fs->unlinkat(dirfd, name, flags);
    return unlinkat(dirfd, name, flags);
}

static bool
remove_tree_depth(const struct bundle_fs *fs, int parent, const char *name, int depth)
{
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode))
        return bundle_fs_unlinkat(fs, parent, name, 0) == 0 || errno == ENOENT;
    if (depth <= 0)
        return false;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return false;
    }
    bool ok = true;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (!remove_tree_depth(fs, dirfd(d), de->d_name, depth - 1))
            ok = false;
    }
    closedir(d);
    if (bundle_fs_unlinkat(fs, parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        ok = false;
    return ok;
}

bool
bundle_remove_tree(const struct bundle_fs *fs, int dirfd, const char *name)
{
    return remove_tree_depth(fs, dirfd, name, 3);
}

bool
bundle_read_file(int dirfd, const char *path, size_t max, char **out, size_t *len, struct err *e)
{
    char esc[256];
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err_escape(esc, sizeof esc, path, strlen(path));
        return err_set(e, errno == ENOENT ? ERR_USAGE : ERR_IO, "%s: %s", esc, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        err_escape(esc, sizeof esc, path, strlen(path));
        return err_set(e, ERR_INVALID, "%s: not a regular file", esc);
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        err_escape(esc, sizeof esc, path, strlen(path));
        return err_set(e, ERR_LIMIT, "%s: %lld bytes, more than the limit of %zu", esc,
                       (long long)st.st_size, max);
    }
    bool ok = fileio_read_all(fd, (size_t)st.st_size, max, out, len);
    int saved = errno;
    close(fd);
    if (ok)
        return true;
    if (saved == ENOMEM)
        return err_set(e, ERR_NOMEM, "out of memory reading %s", path);
    err_escape(esc, sizeof esc, path, strlen(path));
    if (saved == EFBIG) /* the file grew while we read it */
        return err_set(e, ERR_LIMIT, "%s: more than the limit of %zu bytes", esc, max);
    return err_set(e, ERR_IO, "%s: %s", esc, strerror(saved));
}

/* Nettle's SHA-256: it picks the CPU's SHA instructions at run time (x86
 * SHA-NI; Debian builds it "fat"), and libarchive already maps it, so it
 * costs the kiosk no resident memory (OpenSSL's libcrypto cost 3.4 MB). */
struct bundle_sha256 {
    struct sha256_ctx ctx;
};

struct bundle_sha256 *
bundle_sha256_create(void)
{
    return calloc(1, sizeof(struct bundle_sha256));
}

void
bundle_sha256_destroy(struct bundle_sha256 *h)
{
    free(h);
}

bool
bundle_sha256_start(struct bundle_sha256 *h)
{
    sha256_init(&h->ctx);
    return true;
}

bool
bundle_sha256_add(struct bundle_sha256 *h, const void *data, size_t n)
{
    sha256_update(&h->ctx, n, data);
    return true;
}

bool
bundle_sha256_end(struct bundle_sha256 *h, uint8_t out[32])
{
    sha256_digest(&h->ctx, SHA256_DIGEST_SIZE, out);
    return true;
}

bool
bundle_sha256_fd(struct bundle_sha256 *h, int fd, uint8_t out[32])
{
    uint8_t buf[65536];
    if (!bundle_sha256_start(h))
        return false;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            break;
        if (!bundle_sha256_add(h, buf, (size_t)n))
            return false;
    }
    return bundle_sha256_end(h, out);
}

void
bundle_hex(char *out, const uint8_t *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

void
bundle_label(char *out, size_t n, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    err_escape(out, n, base, strlen(base));
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

void
bundle_sums_free(struct bundle_sum *s, size_t count)
{
    if (!s)
        return;
    for (size_t i = 0; i < count; i++)
        free(s[i].name);
    free(s);
}

static int
cmp_sum_ci(const void *a, const void *b)
{
    return strcasecmp(((const struct bundle_sum *)a)->name, ((const struct bundle_sum *)b)->name);
}

bool
bundle_sums_parse(const char *data, size_t len, struct bundle_sum **out, size_t *count,
                  size_t max_lines, struct err *e)
{
    *out = NULL;
    *count = 0;
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += data[i] == '\n';
    if (len == 0)
        return err_set(e, ERR_INVALID, "SHA256SUMS: empty");
    if (data[len - 1] != '\n')
        return err_set(e, ERR_INVALID, "SHA256SUMS:%zu: the last line does not end with a newline",
                       lines + 1);
    if (lines > max_lines)
        return err_set(e, ERR_LIMIT, "SHA256SUMS: %zu lines, more than the limit of %zu entries",
                       lines, max_lines);
    struct bundle_sum *s = calloc(lines ? lines : 1, sizeof *s);
    if (!s)
        return err_set(e, ERR_NOMEM, "out of memory reading SHA256SUMS");
    size_t n = 0, line = 0;
    const char *p = data, *end = data + len;
    while (p < end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)(nl - p);
        if (l < 67 || p[64] != ' ' || (p[65] != ' ' && p[65] != '*')) {
            bundle_sums_free(s, n);
            return err_set(e, ERR_INVALID,
                           "SHA256SUMS:%zu: not a sha256sum line (64 lowercase hex digits, two "
                           "spaces, a name)",
                           line);
        }
        for (int i = 0; i < 64; i++) {
            int hi = hexval(p[i]);
            if (hi < 0) {
                bundle_sums_free(s, n);
                return err_set(e, ERR_INVALID,
                               "SHA256SUMS:%zu: the checksum is not 64 lowercase hex digits", line);
            }
            if (i % 2 == 0)
                s[n].sha256[i / 2] = (uint8_t)(hi << 4);
            else
                s[n].sha256[i / 2] |= (uint8_t)hi;
        }
        const char *name = p + 66;
        size_t name_len = l - 66;
        char *nm = malloc(name_len + 1);
        if (!nm) {
            bundle_sums_free(s, n);
            return err_set(e, ERR_NOMEM, "out of memory reading SHA256SUMS");
        }
        memcpy(nm, name, name_len);
        nm[name_len] = '\0';
        s[n].name = nm;
        n++;
        if (strlen(nm) != name_len ||
            (strcmp(nm, "manifest.yaml") != 0 && !edition_valid_article_path(nm) &&
             !edition_valid_image_path(nm))) {
            char esc[256];
            err_escape(esc, sizeof esc, name, name_len);
            bundle_sums_free(s, n);
            return err_set(e, ERR_INVALID,
                           "SHA256SUMS:%zu: '%s' is not an allowed name (manifest.yaml, "
                           "articles/NAME.md, images/NAME.jpg|jpeg|png|webp)",
                           line, esc);
        }
        p = nl + 1;
    }
    qsort(s, n, sizeof *s, cmp_sum_ci);
    for (size_t i = 1; i < n; i++) {
        if (strcasecmp(s[i - 1].name, s[i].name) == 0) {
            char esc[256];
            err_escape(esc, sizeof esc, s[i].name, strlen(s[i].name));
            bundle_sums_free(s, n);
            return err_set(e, ERR_INVALID,
                           "SHA256SUMS: '%s' is listed twice (names must differ when case is "
                           "ignored)",
                           esc);
        }
    }
    *out = s;
    *count = n;
    return true;
}
