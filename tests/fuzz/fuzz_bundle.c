/* libFuzzer target over the bundle intake: every input is written as an
 * archive file into a private temporary folder and unpacked with
 * bundle_unpack (the verified streaming read with every limit on, smaller
 * than the defaults so the fuzzer reaches them). A failed unpack must leave
 * the destination empty and say why on one line; a good one must verify
 * again with bundle_verify. An input that names SHA256SUMS.minisig in the
 * clear (tar, zip) is read with a trusted key configured, so the signature
 * parser and checks run too. Every file written is removed before the next
 * input. Inputs starting "NKFZ" describe the files instead, and the
 * archive is made here with correct checksums, so mutations of the
 * manifest, articles and images reach the checks behind SHA256SUMS.
 * Must never crash, leak or trip a sanitizer, whatever the bytes. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include "bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The public half of a key made for the seed corpus (its secret half was
 * not kept): corpus/bundle/signed.tar is signed with it. */
static const char pubkey[] = "untrusted comment: minisign public key 8FC5310FA6C28E21\n"
                             "RWQhjsKmDzHFjw3ITUSbNASzdNcSxayTfKSY4FCPDxWszrLGjr8J32Gl\n";

static char dir[4096]; /* the private temporary folder */
static char in[4200];  /* dir/in.bundle: the input as a file */
static char out[4200]; /* dir/out: unpacked into */
static char pub[4200]; /* dir/key.pub */

static void
fail(const char *what)
{
    fprintf(stderr, "fuzz_bundle: %s: %s\n", what, strerror(errno));
    abort();
}

/* fsync on a tmpfs or a scratch folder buys nothing and costs much. */
static int
no_fsync(int fd)
{
    (void)fd;
    return 0;
}

static const struct bundle_fs fast_fs = {.fsync = no_fsync};

/* Removes everything below path (the unpack gives at most two levels).
 * Returns how many entries there were. */
static size_t
empty_folder(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (!d)
        fail(path);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        n++;
        if (unlinkat(dirfd(d), de->d_name, 0) == 0)
            continue;
        if (errno != EISDIR && errno != EPERM)
            fail(de->d_name);
        char sub[8192];
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        if (depth <= 0)
            fail("unexpected deep folder");
        empty_folder(sub, depth - 1);
        if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) != 0)
            fail(sub);
    }
    closedir(d);
    return n;
}

static void
cleanup(void)
{
    if (!dir[0])
        return;
    unlink(in);
    unlink(pub);
    empty_folder(out, 2);
    rmdir(out);
    rmdir(dir);
}

static void
setup(void)
{
    /* tmpfs when there is one: an input is a few file writes. */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fuzz_bundle-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir))
        fail("mkdtemp");
    snprintf(in, sizeof in, "%s/in.bundle", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(pub, sizeof pub, "%s/key.pub", dir);
    if (mkdir(out, 0700) != 0)
        fail(out);
    FILE *f = fopen(pub, "w");
    if (!f || fwrite(pubkey, 1, sizeof pubkey - 1, f) != sizeof pubkey - 1 || fclose(f) != 0)
        fail(pub);
    atexit(cleanup);
}

/* Structured inputs reach past the checksums: "NKFZ", a kind byte ('t'
 * tar, 'g' tar.gz, anything else zip), then files, each "@@ NAME\n" and
 * its bytes. SHA256SUMS is written first, listing every file with its true
 * SHA-256, unless the input gives its own. */
#define MAX_FILES 64
struct part {
    char name[256];
    const uint8_t *data;
    size_t len;
};

static size_t
split_parts(const uint8_t *d, size_t n, struct part *parts)
{
    size_t count = 0;
    const uint8_t *end = d + n;
    const uint8_t *p = memmem(d, n, "@@ ", 3);
    while (p && count < MAX_FILES) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        size_t name_len = (size_t)(nl - p - 3);
        if (name_len >= sizeof parts[0].name)
            name_len = sizeof parts[0].name - 1;
        memcpy(parts[count].name, p + 3, name_len);
        parts[count].name[name_len] = '\0';
        const uint8_t *body = nl + 1;
        const uint8_t *next = memmem(body, (size_t)(end - body), "\n@@ ", 4);
        parts[count].data = body;
        parts[count].len = (size_t)((next ? next : end) - body);
        count++;
        p = next ? next + 1 : NULL;
    }
    return count;
}

static void
add_file(struct archive *a, const char *name, const void *data, size_t len)
{
    struct archive_entry *ae = archive_entry_new();
    archive_entry_set_pathname(ae, name);
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_entry_set_perm(ae, 0644);
    archive_entry_set_size(ae, (la_int64_t)len);
    if (archive_write_header(a, ae) == ARCHIVE_OK && len > 0)
        archive_write_data(a, data, len);
    archive_entry_free(ae);
}

static void
write_structured(const uint8_t *data, size_t size)
{
    static struct part parts[MAX_FILES];
    size_t count = split_parts(data + 5, size - 5, parts);
    struct archive *a = archive_write_new();
    if (!a)
        fail("archive_write_new");
    if (data[4] == 't' || data[4] == 'g') {
        archive_write_set_format_pax_restricted(a);
        if (data[4] == 'g')
            archive_write_add_filter_gzip(a);
    } else {
        archive_write_set_format_zip(a);
    }
    if (archive_write_open_filename(a, in) != ARCHIVE_OK)
        fail(in);
    bool own_sums = false;
    for (size_t i = 0; i < count; i++)
        own_sums = own_sums || strcmp(parts[i].name, "SHA256SUMS") == 0;
    if (!own_sums) {
        static char sums[MAX_FILES * (64 + 2 + 256 + 1) + 1];
        size_t len = 0;
        for (size_t i = 0; i < count; i++) {
            if (strcmp(parts[i].name, "SHA256SUMS.minisig") == 0)
                continue;
            uint8_t sha[32];
            crypto_hash_sha256(sha, parts[i].data, parts[i].len);
            for (size_t k = 0; k < 32; k++)
                len += (size_t)snprintf(sums + len, sizeof sums - len, "%02x", sha[k]);
            len += (size_t)snprintf(sums + len, sizeof sums - len, "  %s\n", parts[i].name);
        }
        add_file(a, "SHA256SUMS", sums, len);
    }
    for (size_t i = 0; i < count; i++)
        add_file(a, parts[i].name, parts[i].data, parts[i].len);
    archive_write_close(a);
    archive_write_free(a);
}

static void
check_message(const struct err *e)
{
    if (e->msg[0] == '\0' || strchr(e->msg, '\n') || strncmp(e->msg, "bundle '", 8) != 0)
        __builtin_trap(); /* failures always say why, on one line, naming the bundle */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        setup();
    if (size > 5 && memcmp(data, "NKFZ", 4) == 0) {
        write_structured(data, size);
    } else {
        int fd = open(in, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            fail(in);
        for (size_t done = 0; done < size;) {
            ssize_t n = write(fd, data + done, size - done);
            if (n <= 0)
                fail(in);
            done += (size_t)n;
        }
        close(fd);
    }

    struct bundle_options opt;
    bundle_options_default(&opt);
    opt.limits.max_entries = 64;
    opt.limits.max_manifest_bytes = 16 * 1024;
    opt.limits.max_article_bytes = 64 * 1024;
    opt.limits.max_image_bytes = 256 * 1024;
    opt.limits.max_image_pixels = 1000 * 1000;
    opt.limits.max_total_bytes = 1024 * 1024;
    opt.limits.max_ratio = 100;
    opt.fs = &fast_fs;
    if (memmem(data, size, "SHA256SUMS.minisig", 18)) {
        opt.keys[0] = pub;
        opt.key_count = 1;
    }

    struct err e;
    bool unpacked = bundle_unpack(in, out, &opt, &e);
    if (getenv("FUZZ_BUNDLE_VERBOSE")) /* to see what one input does */
        fprintf(stderr, "fuzz_bundle: %s\n", unpacked ? "unpacked" : e.msg);
    if (unpacked) {
        struct bundle_info info;
        if (!bundle_verify(in, &opt, &info, &e))
            __builtin_trap(); /* one read, one verdict */
        if (!info.ed || info.ed->article_count == 0 || info.file_count < 3)
            __builtin_trap();
        bundle_info_fini(&info);
        empty_folder(out, 2);
    } else {
        check_message(&e);
        if (empty_folder(out, 2) != 0)
            __builtin_trap(); /* "On failure dest_dir is left empty" */
    }
    unlink(in);
    return 0;
}
