/* Shared inside bundle/: the streaming reader, SHA256SUMS parsing, the
 * filesystem seam wrappers and small file helpers. Not included from outside
 * bundle/. */
#ifndef NK_BUNDLE_INTERNAL_H
#define NK_BUNDLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle.h"

/* One SHA256SUMS line. */
struct bundle_sum {
    char *name;
    uint8_t sha256[32];
};

/* Parses coreutils sha256sum output: 64 lowercase hex digits, "  " or " *",
 * a name of the allowed form, '\n'. Lines are allocated (free with
 * bundle_sums_free). Rejects duplicates (case ignored) and SHA256SUMS or
 * SHA256SUMS.minisig listing themselves. */
bool bundle_sums_parse(const char *data, size_t len, struct bundle_sum **out, size_t *count,
                       size_t max_lines, struct err *e);
void bundle_sums_free(struct bundle_sum *s, size_t count);

/* What bundle_load keeps (files.c): the manifest's and the articles' bytes
 * (malloc'd, NUL after the data) and the images' sizes, each array sorted by
 * path once the read is done (bundle_files_seal). */
struct bundle_text_file {
    char *path;
    char *data;
    size_t len;
};
struct bundle_image_size {
    char *path;
    uint32_t w, h;
};
struct bundle_files {
    struct edition_files view; /* user: this struct */
    char *manifest;
    size_t manifest_len;
    struct bundle_text_file *texts;
    size_t text_count, text_cap;
    struct bundle_image_size *images;
    size_t image_count, image_cap;
};
/* Takes data (malloc'd) for path; false (data freed) when out of memory. */
bool bundle_files_add_text(struct bundle_files *f, const char *path, char *data, size_t len);
bool bundle_files_add_image(struct bundle_files *f, const char *path, uint32_t w, uint32_t h);
/* Sorts what was added, for the lookups of the view. */
void bundle_files_seal(struct bundle_files *f);

/* What the reader does with one archive. */
struct bundle_read {
    const char *path;  /* file to read */
    const char *label; /* escaped bundle name for messages */
    const struct bundle_options *opt;
    int dest_fd;               /* folder to extract into, or -1 */
    bool check_sequence;       /* reject unless sequence > min_sequence */
    int64_t min_sequence;      /* the installed edition's */
    bool stop_after_manifest;  /* inbox scan: the first entries only */
    struct bundle_files *keep; /* bundle_load: what to keep, or NULL */
    bool no_sync;              /* bundle_unpack into a throwaway folder */
    uint64_t progress_base;    /* added to done */
    uint64_t progress_total;   /* 0: the archive's size */
    /* Install: read the archive from src_fd (not path; left open) and append
     * every byte handed to libarchive to tee_fd (opened read-write, empty).
     * libarchive only ever sees bytes that are in the copy: a seek back
     * rereads the copy, never the source, so what is verified is exactly
     * what was copied, and the source is read once. Off (false): open path. */
    bool tee;
    int src_fd;
    int tee_fd;
};

/* The verified streaming read (read.c). Errors carry no bundle prefix. */
bool bundle_read_archive(const struct bundle_read *r, struct bundle_info *info, struct err *e);

/* Filesystem seam wrappers: the table's member or the real call. */
int bundle_fs_openat(const struct bundle_fs *fs, int dirfd, const char *name, int flags,
                     mode_t mode);
bool bundle_fs_write_all(const struct bundle_fs *fs, int fd, const void *buf, size_t n);
int bundle_fs_fsync(const struct bundle_fs *fs, int fd);
int bundle_fs_syncfs(const struct bundle_fs *fs, int fd);
int bundle_fs_mkdirat(const struct bundle_fs *fs, int dirfd, const char *name, mode_t mode);
int bundle_fs_renameat(const struct bundle_fs *fs, int olddirfd, const char *oldname, int newdirfd,
                       const char *newname);
int bundle_fs_symlinkat(const struct bundle_fs *fs, const char *target, int dirfd,
                        const char *name);
int bundle_fs_unlinkat(const struct bundle_fs *fs, int dirfd, const char *name, int flags);

/* Removes name under dirfd and everything below it (at most three levels;
 * never follows symlinks). Missing is fine. */
bool bundle_remove_tree(const struct bundle_fs *fs, int dirfd, const char *name);

/* Reads a whole regular file (at most max bytes) into a malloc'd buffer
 * with a NUL after the data. */
bool bundle_read_file(int dirfd, const char *path, size_t max, char **out, size_t *len,
                      struct err *e);

/* SHA-256 through Nettle, which picks the CPU's SHA extensions (x86 SHA-NI)
 * at run time where it has them: the install hashes every
 * unpacked byte, so this is most of its CPU time. One context hashes any
 * number of files in turn (start, add..., end); create one per install or
 * check, not one per file. Owned by the caller; one thread at a time. */
struct bundle_sha256;

/* NULL when out of memory. */
struct bundle_sha256 *bundle_sha256_create(void);
void bundle_sha256_destroy(struct bundle_sha256 *h);
/* Nettle's cannot fail: each returns true (kept bool for a backend that can). */
bool bundle_sha256_start(struct bundle_sha256 *h);
bool bundle_sha256_add(struct bundle_sha256 *h, const void *data, size_t n);
bool bundle_sha256_end(struct bundle_sha256 *h, uint8_t out[32]);
/* Hashes what is left of fd (read to its end). false on a read error. */
bool bundle_sha256_fd(struct bundle_sha256 *h, int fd, uint8_t out[32]);

/* The unit libarchive's data is read in. */
#define BUNDLE_BLOCK_BYTES (64 * 1024)

/* SHA-256 of the unpacked files on a second thread (hasher.c), compared
 * with sums (SHA256SUMS, borrowed until finish). The reading thread, and
 * only it, fills the block bundle_hasher_block returns (at most
 * BUNDLE_BLOCK_BYTES), hands it over with bundle_hasher_add (or leaves it
 * unused: the next call returns it again), and marks each file's end with
 * its SHA256SUMS line. NULL from start (no memory, no thread): hash inline. */
struct bundle_hasher;
struct bundle_hasher *bundle_hasher_start(const struct bundle_sum *sums);
uint8_t *bundle_hasher_block(struct bundle_hasher *h);
void bundle_hasher_add(struct bundle_hasher *h, const uint8_t *block, size_t n);
void bundle_hasher_end(struct bundle_hasher *h, size_t line);
/* Takes fd (a written file's own descriptor) and starts writing the file
 * out to disk from the hashing thread, so that the final syncfs has less
 * left to wait for; closes it. */
void bundle_hasher_writeback(struct bundle_hasher *h, int fd);
/* The first line found so far whose file did not match, or -1. */
long bundle_hasher_bad(struct bundle_hasher *h);
/* Hashes what is queued, stops the thread and frees h (NULL: nothing).
 * *bad: the first line whose file did not match, or -1. -1 when hashing
 * failed, else 0. */
int bundle_hasher_finish(struct bundle_hasher *h, long *bad);

/* Lowercase hex of n bytes into out (2n+1). */
void bundle_hex(char *out, const uint8_t *bytes, size_t n);

/* Escaped basename of a path, for "bundle 'x.tar.zst'". */
void bundle_label(char *out, size_t n, const char *path);

/* Signs data in memory (minisign.c) into a malloc'd .minisig text. */
bool bundle_sign_buffer(const char *sec_path, const void *data, size_t len,
                        const char *trusted_comment, char **out, size_t *out_len, struct err *e);

#endif
