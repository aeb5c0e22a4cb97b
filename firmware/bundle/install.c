/* The state folder: atomic install with one previous edition kept, boot-time
 * repair and fallback, the memory of rejected bundles, the inbox scan.
 * Layout and steps: docs/bundle-format.md. */
#include "bundle_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINK_MAX_LEN 256
#define REJECTED_LOG "rejected.log"
#define REJECTED_LOG_MAX (256u * 1024u)
#define FALLBACK_FILE "fallback"

static const struct bundle_options *
opts(const struct bundle_options *opt, struct bundle_options *def)
{
    if (opt)
        return opt;
    bundle_options_default(def);
    return def;
}

static bool
starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Reads a link in dirfd into out; false when missing or not a link. */
static bool
read_link(int dirfd, const char *name, char *out, size_t n)
{
    ssize_t l = readlinkat(dirfd, name, out, n - 1);
    if (l <= 0 || (size_t)l >= n - 1)
        return false;
    out[l] = '\0';
    return true;
}

/* "editions/<seq>-<id>" -> the sequence. */
static bool
link_sequence(const char *target, int64_t *seq)
{
    if (!starts_with(target, "editions/"))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(target + strlen("editions/"), &end, 10);
    if (errno || *end != '-')
        return false;
    *seq = v;
    return true;
}

static int
open_state_dir(const char *state_dir, bool create, struct err *e)
{
    char esc[256];
    err_escape(esc, sizeof esc, state_dir, strlen(state_dir));
    if (create && mkdir(state_dir, 0755) != 0 && errno != EEXIST)
        return err_set(e, ERR_IO, "state folder %s: %s", esc, strerror(errno)), -1;
    int fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        err_set(e, ERR_IO, "state folder %s: %s", esc, strerror(errno));
    return fd;
}

/* An exclusive lock on DIR/.lock: one install or repair at a time. */
static int
lock_state_dir(int dfd, const char *state_dir, struct err *e)
{
    int fd = openat(dfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        err_set(e, ERR_IO, "state folder %s: cannot create .lock: %s", state_dir, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        err_set(e, ERR_IO, "state folder %s: another install is running", state_dir);
        return -1;
    }
    return fd;
}

/* Removes what an interrupted install left: incoming-*, staging-*, the
 * half-made links, and editions that neither current nor previous names. */
static bool
remove_leftovers(const struct bundle_fs *fs, int dfd)
{
    bool ok = true;
    int dup_fd = dup(dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0)
            close(dup_fd);
        return false;
    }
    rewinddir(d); /* a dup shares the offset of earlier reads */
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (starts_with(de->d_name, "incoming-") || starts_with(de->d_name, "staging-") ||
            strcmp(de->d_name, "current.new") == 0 || strcmp(de->d_name, "previous.new") == 0)
            ok = bundle_remove_tree(fs, dfd, de->d_name) && ok;
    }
    closedir(d);

    char cur[LINK_MAX_LEN] = "", prev[LINK_MAX_LEN] = "";
    read_link(dfd, "current", cur, sizeof cur);
    read_link(dfd, "previous", prev, sizeof prev);
    int efd = openat(dfd, "editions", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (efd < 0)
        return ok;
    dup_fd = dup(efd);
    d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0)
            close(dup_fd);
        close(efd);
        return false;
    }
    rewinddir(d);
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char full[LINK_MAX_LEN + 16];
        snprintf(full, sizeof full, "editions/%s", de->d_name);
        if (strcmp(full, cur) == 0 || strcmp(full, prev) == 0)
            continue;
        ok = bundle_remove_tree(fs, efd, de->d_name) && ok;
    }
    closedir(d);
    close(efd);
    return ok;
}

/* Hashes a whole file (SHA-256): for the odd rejected bundle, so a context
 * of its own. */
static bool
hash_fd(int fd, uint8_t out[32])
{
    struct bundle_sha256 *h = bundle_sha256_create();
    bool ok = h && bundle_sha256_fd(h, fd, out);
    bundle_sha256_destroy(h);
    return ok;
}

/* Checks an unpacked edition against its SHA256SUMS (and signature when the
 * options ask for one). */
static bool
check_edition(int dfd, const char *name, const struct bundle_options *opt, struct err *e)
{
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_INTEGRITY, "its folder is missing (%s)", strerror(errno));
    char *text = NULL;
    size_t len = 0;
    struct bundle_sum *sums = NULL;
    size_t count = 0;
    struct bundle_sha256 *h = bundle_sha256_create(); /* one for every file */
    if (!h) {
        close(fd);
        return err_set(e, ERR_NOMEM, "out of memory (SHA-256 context)");
    }
    bool ok = bundle_read_file(fd, "SHA256SUMS", BUNDLE_MAX_SUMS_BYTES, &text, &len, e) &&
              bundle_sums_parse(text, len, &sums, &count, opt->limits.max_entries, e);
    if (ok && (opt->key_count > 0 || opt->require_signature)) {
        char *sig = NULL;
        size_t sig_len = 0;
        ok = bundle_read_file(fd, "SHA256SUMS.minisig", BUNDLE_MAX_SIG_BYTES, &sig, &sig_len, e) &&
             bundle_verify_signature(opt->keys, opt->key_count, text, len, sig, sig_len, NULL, e);
        free(sig);
    }
    for (size_t i = 0; ok && i < count; i++) {
        int f = openat(fd, sums[i].name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        uint8_t sha[32];
        if (f < 0) {
            ok = err_set(e, ERR_INTEGRITY, "%s: missing (%s)", sums[i].name, strerror(errno));
            break;
        }
        if (!bundle_sha256_fd(h, f, sha) || sodium_memcmp(sha, sums[i].sha256, 32) != 0)
            ok = err_set(e, ERR_INTEGRITY, "%s: its SHA-256 does not match SHA256SUMS",
                         sums[i].name);
        close(f);
    }
    bundle_sha256_destroy(h);
    bundle_sums_free(sums, count);
    free(text);
    close(fd);
    return ok;
}

/* Writes a small file atomically (temp + rename) with the real filesystem. */
static void
write_small_file(int dfd, const char *name, const char *text)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", name);
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    bool ok = bundle_fs_write_all(NULL, fd, text, strlen(text)) && fsync(fd) == 0;
    close(fd);
    if (ok && renameat(dfd, tmp, dfd, name) == 0)
        fsync(dfd);
    else
        unlinkat(dfd, tmp, 0);
}

static void
record_rejection(int dfd, const struct stat *st, const uint8_t sha[32], const char *label,
                 const char *reason)
{
    char hex[65], line[ERR_MSG_MAX + 512];
    bundle_hex(hex, sha, 32);
    int n = snprintf(line, sizeof line, "%lld %lld %s\t%s\t%s\n", (long long)st->st_size,
                     (long long)st->st_mtime, hex, label, reason);
    for (int i = 0; i < n - 1; i++) /* one line, whatever the reason held */
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = '?';
    int fd =
        openat(dfd, REJECTED_LOG, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    struct stat ls;
    if (fstat(fd, &ls) == 0 && ls.st_size > (off_t)REJECTED_LOG_MAX) {
        /* Keep the log bounded: start over with the newest line. */
        close(fd);
        write_small_file(dfd, REJECTED_LOG, line);
        return;
    }
    if (bundle_fs_write_all(NULL, fd, line, (size_t)n))
        fsync(fd);
    close(fd);
}

/* Looks up a bundle file in rejected.log by size and mtime, then SHA-256.
 * Fills reason with the recorded one. */
static bool
known_bad(int dfd, int src_fd, const struct stat *st, char *reason, size_t reason_n)
{
    char *text = NULL;
    size_t len = 0;
    if (!bundle_read_file(dfd, REJECTED_LOG, REJECTED_LOG_MAX * 2, &text, &len, NULL))
        return false;
    bool hashed = false, found = false;
    uint8_t sha[32];
    char hex[65] = "";
    for (char *line = text, *nl; !found && line < text + len; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = '\0';
        long long size, mtime;
        char h[65];
        if (sscanf(line, "%lld %lld %64s", &size, &mtime, h) != 3)
            continue;
        if (size != (long long)st->st_size || mtime != (long long)st->st_mtime)
            continue;
        if (!hashed) {
            if (lseek(src_fd, 0, SEEK_SET) != 0 || !hash_fd(src_fd, sha))
                break;
            bundle_hex(hex, sha, 32);
            hashed = true;
        }
        if (strcmp(h, hex) != 0)
            continue;
        found = true;
        const char *t = strchr(line, '\t');
        t = t ? strchr(t + 1, '\t') : NULL;
        snprintf(reason, reason_n, "%s", t ? t + 1 : "rejected earlier");
    }
    free(text);
    lseek(src_fd, 0, SEEK_SET);
    return found;
}

static bool
installed_sequence(int dfd, int64_t *seq)
{
    char cur[LINK_MAX_LEN];
    return read_link(dfd, "current", cur, sizeof cur) && link_sequence(cur, seq);
}

static void
random_name(char *out, size_t n, const char *prefix)
{
    uint8_t r[6];
    char hex[13];
    randombytes_buf(r, sizeof r);
    bundle_hex(hex, r, sizeof r);
    snprintf(out, n, "%s%s", prefix, hex);
}

/* Points DIR/<name> at target atomically: a new link, then rename(2). */
static bool
switch_link(const struct bundle_fs *fs, int dfd, const char *name, const char *target,
            struct err *e)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.new", name);
    unlinkat(dfd, tmp, 0);
    if (bundle_fs_symlinkat(fs, target, dfd, tmp) != 0)
        return err_set(e, ERR_IO, "creating the %s link failed: %s", name, strerror(errno));
    if (bundle_fs_renameat(fs, dfd, tmp, dfd, name) != 0)
        return err_set(e, ERR_IO, "switching %s failed: %s", name, strerror(errno));
    return true;
}

/* From a verified staging folder to DIR/current. */
static bool
commit_edition(const struct bundle_options *opt, int dfd, const char *staging,
               const struct bundle_info *info, struct err *e)
{
    const struct bundle_fs *fs = opt->fs;
    if (bundle_fs_fsync(fs, dfd) != 0)
        return err_set(e, ERR_IO, "fsync of the state folder failed: %s", strerror(errno));
    if (bundle_fs_mkdirat(fs, dfd, "editions", 0755) != 0 && errno != EEXIST)
        return err_set(e, ERR_IO, "creating editions/ failed: %s", strerror(errno));
    int efd = openat(dfd, "editions", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (efd < 0)
        return err_set(e, ERR_IO, "opening editions/ failed: %s", strerror(errno));
    char ename[64], target[96];
    snprintf(ename, sizeof ename, "%" PRId64 "-%.12s", info->ed->sequence, info->sums_sha256);
    snprintf(target, sizeof target, "editions/%s", ename);
    bundle_remove_tree(NULL, efd, ename); /* a leftover of an earlier attempt */
    bool ok = true;
    if (bundle_fs_renameat(fs, dfd, staging, efd, ename) != 0)
        ok = err_set(e, ERR_IO, "moving the edition into editions/ failed: %s", strerror(errno));
    if (ok && bundle_fs_fsync(fs, efd) != 0)
        ok = err_set(e, ERR_IO, "fsync of editions/ failed: %s", strerror(errno));
    char cur[LINK_MAX_LEN];
    if (ok && read_link(dfd, "current", cur, sizeof cur))
        ok = switch_link(fs, dfd, "previous", cur, e);
    if (ok)
        ok = switch_link(fs, dfd, "current", target, e);
    if (ok && bundle_fs_fsync(fs, dfd) != 0)
        ok = err_set(e, ERR_IO, "fsync of the state folder failed: %s", strerror(errno));
    close(efd);
    return ok;
}

bool
bundle_install(const char *archive_path, const char *state_dir, const struct bundle_options *opt,
               struct bundle_info *info, struct err *e)
{
    struct bundle_options def;
    opt = opts(opt, &def);
    char label[256];
    bundle_label(label, sizeof label, archive_path);
    struct bundle_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");

    int src = open(archive_path, O_RDONLY | O_CLOEXEC);
    struct stat sst;
    if (src < 0) {
        err_set(e, errno == ENOENT ? ERR_USAGE : ERR_IO, "cannot open: %s", strerror(errno));
        err_prefix(e, "bundle '%s'", label);
        return false;
    }
    if (fstat(src, &sst) != 0 || !S_ISREG(sst.st_mode)) {
        close(src);
        err_set(e, ERR_INVALID, "not a regular file");
        err_prefix(e, "bundle '%s'", label);
        return false;
    }
    int dfd = open_state_dir(state_dir, true, e);
    if (dfd < 0) {
        close(src);
        return false;
    }
    int lock = lock_state_dir(dfd, state_dir, e);
    if (lock < 0) {
        close(dfd);
        close(src);
        return false;
    }
    remove_leftovers(NULL, dfd);

    char reason[ERR_MSG_MAX];
    char incoming[64] = "", staging[64] = "";
    bool ok = true, record = false;
    uint8_t sha[32];
    if (known_bad(dfd, src, &sst, reason, sizeof reason)) {
        ok = err_set(e, ERR_INVALID, "rejected before, not tried again (%s)", reason);
    }
    int64_t seq = 0;
    bool have = installed_sequence(dfd, &seq);
    /* One pass over the bundle: libarchive reads it through a tee that
     * appends every byte it hands over to DIR/incoming-XXXX, and rereads
     * only that copy when it seeks back (zip), so what is verified and
     * unpacked is exactly what was copied off the medium, and the medium is
     * read once. */
    int copy = -1;
    if (ok) {
        random_name(incoming, sizeof incoming, "incoming-");
        copy = bundle_fs_openat(opt->fs, dfd, incoming,
                                O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (copy < 0)
            ok = err_set(e, ERR_IO, "copying into the state folder failed: %s", strerror(errno));
    }
    if (ok && lseek(src, 0, SEEK_SET) != 0)
        ok = err_set(e, ERR_IO, "reading the bundle failed: %s", strerror(errno));
    if (ok) {
        random_name(staging, sizeof staging, "staging-");
        if (bundle_fs_mkdirat(opt->fs, dfd, staging, 0755) != 0)
            ok = err_set(e, ERR_IO, "creating the staging folder failed: %s", strerror(errno));
    }
    if (ok) {
        int sfd = openat(dfd, staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sfd < 0) {
            ok = err_set(e, ERR_IO, "opening the staging folder failed: %s", strerror(errno));
        } else {
            struct bundle_read r = {.path = archive_path,
                                    .label = label,
                                    .opt = opt,
                                    .dest_fd = sfd,
                                    .check_sequence = have,
                                    .min_sequence = seq,
                                    .tee = true,
                                    .src_fd = src,
                                    .tee_fd = copy};
            ok = bundle_read_archive(&r, info, e);
            record = !ok && e &&
                     (e->code == ERR_INVALID || e->code == ERR_LIMIT || e->code == ERR_INTEGRITY);
            close(sfd);
        }
    }
    if (copy >= 0)
        close(copy);
    /* The memory of rejected bundles is keyed by the bundle file's size,
     * mtime and SHA-256, as known_bad looks it up: hashed only now, when it
     * is rejected, not on every install. */
    if (record && !(lseek(src, 0, SEEK_SET) == 0 && hash_fd(src, sha)))
        record = false;
    if (ok)
        ok = commit_edition(opt, dfd, staging, info, e);
    if (ok) {
        bundle_fs_unlinkat(opt->fs, dfd, incoming, 0);
        unlinkat(dfd, FALLBACK_FILE, 0);
        remove_leftovers(opt->fs, dfd);
        fsync(dfd);
    } else {
        remove_leftovers(opt->fs, dfd);
        if (record && e)
            record_rejection(dfd, &sst, sha, label, e->msg);
        err_prefix(e, "bundle '%s'", label);
        bundle_info_fini(info);
    }
    if (info == &local)
        bundle_info_fini(info);
    close(lock);
    close(dfd);
    close(src);
    return ok;
}

static void
copy_str(char *out, size_t n, const char *s)
{
    err_escape(out, n, s ? s : "", s ? strlen(s) : 0);
}

bool
bundle_status_read(const char *state_dir, struct bundle_status *st, struct err *e)
{
    memset(st, 0, sizeof *st);
    int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return errno == ENOENT ? true : err_set(e, ERR_IO, "state folder: %s", strerror(errno));
    char cur[LINK_MAX_LEN];
    if (read_link(dfd, "current", cur, sizeof cur)) {
        char path[600];
        snprintf(path, sizeof path, "%s/manifest.yaml", cur);
        char *text = NULL;
        size_t len = 0;
        struct edition *ed = edition_create(NULL);
        if (ed && bundle_read_file(dfd, path, BUNDLE_MAX_MANIFEST_BYTES, &text, &len, NULL) &&
            edition_parse_manifest(ed, "manifest.yaml", text, len, NULL)) {
            st->installed = true;
            copy_str(st->title, sizeof st->title, ed->title);
            copy_str(st->edition, sizeof st->edition, ed->edition);
            st->sequence = ed->sequence;
            snprintf(st->path, sizeof st->path, "%s/%s", state_dir, cur);
        }
        free(text);
        edition_destroy(ed);
    }
    char *text = NULL;
    size_t len = 0;
    if (bundle_read_file(dfd, REJECTED_LOG, REJECTED_LOG_MAX * 2, &text, &len, NULL)) {
        /* The last complete line is the newest rejection. */
        char *end = text + len;
        while (end > text && end[-1] == '\n')
            *--end = '\0';
        char *line = end;
        while (line > text && line[-1] != '\n')
            line--;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (t1 && t2) {
            *t2 = '\0';
            st->rejected = true;
            snprintf(st->rejected_name, sizeof st->rejected_name, "%s", t1 + 1);
            snprintf(st->rejected_reason, sizeof st->rejected_reason, "%s", t2 + 1);
        }
        free(text);
    }
    if (bundle_read_file(dfd, FALLBACK_FILE, ERR_MSG_MAX, &text, &len, NULL)) {
        while (len > 0 && text[len - 1] == '\n')
            text[--len] = '\0';
        st->fell_back = true;
        copy_str(st->fallback_reason, sizeof st->fallback_reason, text);
        free(text);
    }
    close(dfd);
    return true;
}

/* Whether the edition in dfd/cur can be shown: a full check (hashes), or
 * a quick one (its manifest parses). */
static bool
edition_ok(int dfd, const char *cur, const struct bundle_options *opt, bool full, struct err *e)
{
    if (full)
        return check_edition(dfd, cur, opt, e);
    char path[LINK_MAX_LEN + 32];
    snprintf(path, sizeof path, "%s/manifest.yaml", cur);
    char *text = NULL;
    size_t len = 0;
    struct edition *ed = edition_create(NULL);
    bool ok = ed != NULL;
    if (!ok)
        err_set(e, ERR_NOMEM, "out of memory");
    if (ok && !bundle_read_file(dfd, path, BUNDLE_MAX_MANIFEST_BYTES, &text, &len, e))
        ok = false;
    if (ok && !edition_parse_manifest(ed, "manifest.yaml", text, len, e))
        ok = false;
    free(text);
    edition_destroy(ed);
    return ok;
}

static bool
recover(const char *state_dir, const struct bundle_options *opt, struct bundle_status *st,
        bool full, struct err *e)
{
    struct bundle_options def;
    opt = opts(opt, &def);
    struct bundle_status local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        if (errno == ENOENT)
            return true;
        return err_set(e, ERR_IO, "state folder %s: %s", state_dir, strerror(errno));
    }
    int lock = lock_state_dir(dfd, state_dir, e);
    if (lock < 0) {
        close(dfd);
        return false;
    }
    bool ok = true;
    remove_leftovers(NULL, dfd);
    char cur[LINK_MAX_LEN], prev[LINK_MAX_LEN];
    struct err ce;
    err_clear(&ce);
    if (read_link(dfd, "current", cur, sizeof cur) && !edition_ok(dfd, cur, opt, full, &ce)) {
        char reason[ERR_MSG_MAX + 2 * LINK_MAX_LEN + 128]; /* never truncated */
        struct err pe;
        /* The previous edition is checked in full whenever it is switched
         * to: it was not shown yet. */
        if (read_link(dfd, "previous", prev, sizeof prev) && check_edition(dfd, prev, opt, &pe) &&
            switch_link(NULL, dfd, "current", prev, &pe)) {
            unlinkat(dfd, "previous", 0);
            fsync(dfd);
            snprintf(reason, sizeof reason,
                     "the installed edition %s failed its check (%s); showing the previous "
                     "edition %s",
                     cur + strlen("editions/"), ce.msg, prev + strlen("editions/"));
            write_small_file(dfd, FALLBACK_FILE, reason);
            remove_leftovers(NULL, dfd);
        } else {
            snprintf(reason, sizeof reason,
                     "the installed edition %s failed its check (%s) and no valid previous "
                     "edition is kept",
                     cur + strlen("editions/"), ce.msg);
            write_small_file(dfd, FALLBACK_FILE, reason);
            ok = err_set(e, ERR_INTEGRITY, "%s", reason);
        }
    }
    close(lock);
    close(dfd);
    if (!bundle_status_read(state_dir, st, ok ? e : NULL))
        ok = false;
    if (!ok)
        st->installed = false;
    return ok;
}

bool
bundle_recover(const char *state_dir, const struct bundle_options *opt, struct bundle_status *st,
               struct err *e)
{
    return recover(state_dir, opt, st, true, e);
}

bool
bundle_recover_quick(const char *state_dir, const struct bundle_options *opt,
                     struct bundle_status *st, struct err *e)
{
    return recover(state_dir, opt, st, false, e);
}

bool
bundle_check_current(const char *state_dir, const struct bundle_options *opt,
                     struct bundle_status *st, struct err *e)
{
    return recover(state_dir, opt, st, true, e);
}

bool
bundle_name_is_bundle(const char *n)
{
    static const char *const ext[] = {".tar", ".tar.gz", ".tar.xz", ".tar.zst", ".zip"};
    size_t l = strlen(n);
    if (n[0] == '.')
        return false;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t el = strlen(ext[i]);
        if (l > el && strcmp(n + l - el, ext[i]) == 0)
            return true;
    }
    return false;
}

bool
bundle_scan_inbox(const char *const *inboxes, size_t inbox_count, const char *state_dir,
                  const struct bundle_options *opt, char *out, size_t out_size, struct err *e)
{
    struct bundle_options def;
    opt = opts(opt, &def);
    err_clear(e);
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    int dfd = open_state_dir(state_dir, false, NULL);
    int64_t installed = 0;
    bool have = dfd >= 0 && installed_sequence(dfd, &installed);
    int64_t best = 0;
    bool found = false;
    for (size_t i = 0; i < inbox_count; i++) {
        DIR *d = opendir(inboxes[i]);
        if (!d)
            continue;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!bundle_name_is_bundle(de->d_name))
                continue;
            size_t plen = strlen(inboxes[i]) + strlen(de->d_name) + 2;
            char *path = malloc(plen);
            if (!path)
                continue;
            snprintf(path, plen, "%s/%s", inboxes[i], de->d_name);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            struct stat st;
            char reason[ERR_MSG_MAX];
            bool skip = fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
                        (dfd >= 0 && known_bad(dfd, fd, &st, reason, sizeof reason));
            if (fd >= 0)
                close(fd);
            if (!skip) {
                char label[256];
                bundle_label(label, sizeof label, path);
                struct bundle_read r = {.path = path,
                                        .label = label,
                                        .opt = opt,
                                        .dest_fd = -1,
                                        .stop_after_manifest = true};
                struct bundle_info info;
                struct err se;
                if (bundle_read_archive(&r, &info, &se)) {
                    int64_t s = info.ed->sequence;
                    if ((!have || s > installed) && (!found || s > best) &&
                        strlen(path) < out_size) {
                        best = s;
                        found = true;
                        snprintf(out, out_size, "%s", path);
                    }
                    bundle_info_fini(&info);
                } else if (dfd >= 0 && (se.code == ERR_INVALID || se.code == ERR_LIMIT ||
                                        se.code == ERR_INTEGRITY)) {
                    /* Remember it so that the next boot does not read it again. */
                    int f2 = open(path, O_RDONLY | O_CLOEXEC);
                    uint8_t sha[32];
                    if (f2 >= 0 && hash_fd(f2, sha))
                        record_rejection(dfd, &st, sha, label, se.msg);
                    if (f2 >= 0)
                        close(f2);
                }
            }
            free(path);
        }
        closedir(d);
    }
    if (dfd >= 0)
        close(dfd);
    return found;
}
