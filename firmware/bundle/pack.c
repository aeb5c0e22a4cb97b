/* newsbundle pack: validate a publisher's folder and write a deterministic
 * bundle (SHA256SUMS first) with libarchive's writer. */
#include "bundle_internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image.h"

struct pfile {
    char *name; /* bundle path */
    char *data;
    size_t len;
};

struct pack {
    struct pfile *files;
    size_t count, cap;
};

static void
pack_free(struct pack *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->files[i].name);
        free(p->files[i].data);
    }
    free(p->files);
}

static bool
pack_add(struct pack *p, const char *name, char *data, size_t len, struct err *e)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        struct pfile *nf = realloc(p->files, cap * sizeof *nf);
        if (!nf)
            return err_set(e, ERR_NOMEM, "out of memory");
        p->files = nf;
        p->cap = cap;
    }
    char *n = strdup(name);
    if (!n)
        return err_set(e, ERR_NOMEM, "out of memory");
    p->files[p->count++] = (struct pfile){.name = n, .data = data, .len = len};
    return true;
}

static bool
has_file(const struct pack *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->files[i].name, name) == 0)
            return true;
    return false;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the regular entries of dir (malloc'd). */
static bool
list_dir(const char *dir, char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 32;
            char **nv = realloc(*out, cap * sizeof *nv);
            if (!nv)
                break;
            *out = nv;
        }
        (*out)[(*count)++] = strdup(de->d_name);
    }
    closedir(d);
    if (*count)
        qsort(*out, *count, sizeof **out, cmp_names);
    return true;
}

static void
free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void
warnf(bundle_warn_fn *warn, void *user, const char *name, const char *why)
{
    if (!warn)
        return;
    char esc[256], msg[512];
    err_escape(esc, sizeof esc, name, strlen(name));
    snprintf(msg, sizeof msg, "%s: %s", esc, why);
    warn(user, msg);
}

/* Reads, validates and collects the source files. */
static bool
collect(const char *src, const struct bundle_options *opt, struct pack *p, bundle_warn_fn *warn,
        void *warn_user, struct err *e)
{
    int sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sfd < 0)
        return err_set(e, ERR_USAGE, "%s: cannot open the source folder: %s", src, strerror(errno));
    struct edition *ed = edition_create(NULL);
    char *data = NULL;
    size_t len = 0;
    bool ok = ed != NULL;
    if (!ok)
        err_set(e, ERR_NOMEM, "out of memory");
    ok = ok &&
         bundle_read_file(sfd, "manifest.yaml", opt->limits.max_manifest_bytes, &data, &len, e);
    ok = ok && edition_parse_manifest(ed, "manifest.yaml", data, len, e);
    ok = ok && pack_add(p, "manifest.yaml", data, len, e);
    if (!ok)
        free(data);
    for (size_t i = 0; ok && i < ed->article_count; i++) {
        const char *path = ed->articles[i].path;
        if (!bundle_read_file(sfd, path, opt->limits.max_article_bytes, &data, &len, e)) {
            if (e && e->code == ERR_USAGE) /* missing: the source is incomplete */
                err_set(e, ERR_INVALID, "%s: listed in manifest.yaml but missing from %s", path,
                        src);
            ok = false;
            break;
        }
        ok = edition_parse_article(ed, i, data, len, e) && pack_add(p, path, data, len, e);
        if (!ok) {
            if (data)
                free(data);
            break;
        }
        data = NULL;
    }
    /* Every referenced image, fully decoded once. */
    for (size_t i = 0; ok && i < ed->article_count; i++) {
        const struct edition_article *a = &ed->articles[i];
        for (size_t b = 0; ok && b < a->block_count; b++) {
            const struct edition_block *blk = &a->blocks[b];
            if (blk->kind != EDITION_BLOCK_FIGURE || !blk->figure.image ||
                has_file(p, blk->figure.image))
                continue;
            const char *img = blk->figure.image;
            data = NULL;
            if (!edition_valid_image_path(img)) {
                ok = err_set(e, ERR_INVALID, "%s: the photo %s is not an allowed image name",
                             a->path, img);
                break;
            }
            if (!bundle_read_file(sfd, img, opt->limits.max_image_bytes, &data, &len, e)) {
                if (e && e->code == ERR_USAGE)
                    e->code = ERR_INVALID;
                err_prefix(e, "%s: photo", a->path);
                ok = false;
                break;
            }
            enum image_type want = image_type_from_name(img);
            enum image_type got = image_type_from_magic(data, len);
            struct image_pixels px = {0};
            if (got != want)
                ok = err_set(e, ERR_INVALID, "%s: content is %s but the name says %s", img,
                             image_type_name(got), image_type_name(want));
            else if (!image_decode(data, len, opt->limits.max_image_pixels, 0, 0, &px, e)) {
                err_prefix(e, "%s", img);
                ok = false;
            }
            image_pixels_free(&px);
            ok = ok && pack_add(p, img, data, len, e);
            if (!ok)
                free(data);
        }
    }
    /* Files the bundle would not carry. */
    char **names;
    size_t n;
    if (ok && list_dir(src, &names, &n)) {
        for (size_t i = 0; i < n; i++)
            if (strcmp(names[i], "manifest.yaml") != 0 && strcmp(names[i], "articles") != 0 &&
                strcmp(names[i], "images") != 0)
                warnf(warn, warn_user, names[i], "not part of a bundle, left out");
        free_list(names, n);
    }
    static const char *const sub[] = {"articles", "images"};
    for (size_t s = 0; ok && s < 2; s++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", src, sub[s]);
        if (!list_dir(dir, &names, &n))
            continue;
        for (size_t i = 0; i < n; i++) {
            char full[512];
            snprintf(full, sizeof full, "%s/%s", sub[s], names[i]);
            if (!has_file(p, full))
                warnf(warn, warn_user, full,
                      s == 0 ? "not listed in manifest.yaml, left out"
                             : "no article shows it, left out");
        }
        free_list(names, n);
    }
    if (ok && p->count > opt->limits.max_entries)
        ok = err_set(e, ERR_LIMIT, "%zu files, more than the limit of %zu", p->count,
                     opt->limits.max_entries);
    edition_destroy(ed);
    close(sfd);
    return ok;
}

static int
cmp_pfile(const void *a, const void *b)
{
    const struct pfile *x = a, *y = b;
    /* manifest.yaml, then articles/, then images/, each sorted. */
    int rx = strcmp(x->name, "manifest.yaml") == 0 ? 0 : x->name[0] == 'a' ? 1 : 2;
    int ry = strcmp(y->name, "manifest.yaml") == 0 ? 0 : y->name[0] == 'a' ? 1 : 2;
    if (rx != ry)
        return rx - ry;
    return strcmp(x->name, y->name);
}

static bool
set_format(struct archive *a, const char *out, struct err *e)
{
    size_t l = strlen(out);
#define ENDS(s) (l > strlen(s) && strcmp(out + l - strlen(s), s) == 0)
    int rc;
    if (ENDS(".zip")) {
        rc = archive_write_set_format_zip(a);
    } else if (ENDS(".tar")) {
        rc = archive_write_set_format_pax_restricted(a);
    } else if (ENDS(".tar.gz")) {
        rc = archive_write_set_format_pax_restricted(a);
        rc = rc == ARCHIVE_OK ? archive_write_add_filter_gzip(a) : rc;
        if (rc == ARCHIVE_OK)
            archive_write_set_options(a, "gzip:!timestamp");
    } else if (ENDS(".tar.xz")) {
        rc = archive_write_set_format_pax_restricted(a);
        rc = rc == ARCHIVE_OK ? archive_write_add_filter_xz(a) : rc;
    } else if (ENDS(".tar.zst")) {
        rc = archive_write_set_format_pax_restricted(a);
        rc = rc == ARCHIVE_OK ? archive_write_add_filter_zstd(a) : rc;
    } else {
        return err_set(e, ERR_USAGE,
                       "%s: the output name must end in .tar, .tar.gz, .tar.xz, .tar.zst or .zip",
                       out);
    }
#undef ENDS
    if (rc != ARCHIVE_OK)
        return err_set(e, ERR_IO, "libarchive: %s", archive_error_string(a));
    return true;
}

static bool
write_entry(struct archive *a, struct archive_entry *ae, const char *name, const void *data,
            size_t len, struct err *e)
{
    archive_entry_clear(ae);
    archive_entry_set_pathname(ae, name);
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_entry_set_perm(ae, 0644);
    archive_entry_set_size(ae, (la_int64_t)len);
    archive_entry_set_mtime(ae, 0, 0);
    archive_entry_set_uid(ae, 0);
    archive_entry_set_gid(ae, 0);
    if (archive_write_header(a, ae) != ARCHIVE_OK ||
        (len > 0 && archive_write_data(a, data, len) != (la_ssize_t)len))
        return err_set(e, ERR_IO, "%s: writing failed: %s", name, archive_error_string(a));
    return true;
}

bool
bundle_pack(const char *src_dir, const char *out_path, const char *seckey_path,
            const struct bundle_options *opt, bundle_warn_fn *warn, void *warn_user, struct err *e)
{
    struct bundle_options def;
    if (!opt) {
        bundle_options_default(&def);
        opt = &def;
    }
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    struct pack p = {0};
    struct archive *a = NULL;
    bool ok = collect(src_dir, opt, &p, warn, warn_user, e);
    if (ok)
        qsort(p.files, p.count, sizeof *p.files, cmp_pfile);

    /* SHA256SUMS in sha256sum's format, in archive order. */
    char *sums = NULL, *sig = NULL;
    size_t sums_len = 0, sig_len = 0;
    if (ok) {
        size_t cap = 1;
        for (size_t i = 0; i < p.count; i++)
            cap += 64 + 2 + strlen(p.files[i].name) + 1;
        sums = malloc(cap);
        struct bundle_sha256 *h = bundle_sha256_create();
        if (!sums || !h)
            ok = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; ok && i < p.count; i++) {
            uint8_t sha[32];
            char hex[65];
            if (!bundle_sha256_start(h) || !bundle_sha256_add(h, p.files[i].data, p.files[i].len) ||
                !bundle_sha256_end(h, sha)) {
                ok = err_set(e, ERR_NOMEM, "out of memory hashing %s", p.files[i].name);
                break;
            }
            bundle_hex(hex, sha, 32);
            sums_len +=
                (size_t)snprintf(sums + sums_len, cap - sums_len, "%s  %s\n", hex, p.files[i].name);
        }
        bundle_sha256_destroy(h);
    }
    if (ok && seckey_path) {
        char tc[128];
        snprintf(tc, sizeof tc, "timestamp:%lld\tfile:SHA256SUMS\thashed", (long long)time(NULL));
        ok = bundle_sign_buffer(seckey_path, sums, sums_len, tc, &sig, &sig_len, e);
    }

    char *tmp = NULL;
    int fd = -1;
    if (ok) {
        size_t tl = strlen(out_path) + 16;
        tmp = malloc(tl);
        uint8_t r[4];
        char hex[9];
        randombytes_buf(r, sizeof r);
        bundle_hex(hex, r, sizeof r);
        if (tmp)
            snprintf(tmp, tl, "%s.tmp-%s", out_path, hex);
        fd = tmp ? open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
        if (fd < 0)
            ok = err_set(e, ERR_IO, "%s: cannot create the output: %s", out_path, strerror(errno));
    }
    if (ok) {
        a = archive_write_new();
        ok = a && set_format(a, out_path, e);
        if (ok && archive_write_open_fd(a, fd) != ARCHIVE_OK)
            ok = err_set(e, ERR_IO, "%s: %s", out_path, archive_error_string(a));
    }
    struct archive_entry *ae = ok ? archive_entry_new() : NULL;
    if (ok)
        ok = write_entry(a, ae, "SHA256SUMS", sums, sums_len, e);
    if (ok && sig)
        ok = write_entry(a, ae, "SHA256SUMS.minisig", sig, sig_len, e);
    for (size_t i = 0; ok && i < p.count; i++) {
        ok = write_entry(a, ae, p.files[i].name, p.files[i].data, p.files[i].len, e);
        if (opt->progress)
            opt->progress(opt->progress_user, i + 1, p.count);
    }
    archive_entry_free(ae);
    if (a) {
        if (ok && archive_write_close(a) != ARCHIVE_OK)
            ok = err_set(e, ERR_IO, "%s: %s", out_path, archive_error_string(a));
        archive_write_free(a);
    }
    if (fd >= 0) {
        if (ok && fsync(fd) != 0)
            ok = err_set(e, ERR_IO, "%s: fsync: %s", out_path, strerror(errno));
        close(fd);
        if (ok && rename(tmp, out_path) != 0)
            ok = err_set(e, ERR_IO, "%s: %s", out_path, strerror(errno));
        if (!ok)
            unlink(tmp);
    }
    free(tmp);
    free(sums);
    free(sig);
    pack_free(&p);
    return ok;
}
