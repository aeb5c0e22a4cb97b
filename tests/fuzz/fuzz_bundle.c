/* libFuzzer target over the bundle intake: every input is written as an
 * archive file into a private temporary folder and unpacked with
 * bundle_unpack (the verified streaming read with every limit on, smaller
 * than the defaults so the fuzzer reaches them). A failed unpack must leave
 * the destination empty and say why on one line; a good one must verify
 * again with bundle_verify. An input that names SHA256SUMS.minisig in the
 * clear (tar, zip) is read with a trusted key configured, so the signature
 * parser and checks run too. Every file written is removed before the next
 * input. Must never crash, leak or trip a sanitizer, whatever the bytes. */
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
    if (bundle_unpack(in, out, &opt, &e)) {
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
