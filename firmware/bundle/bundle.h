/* Edition bundles: the archive intake shared by the kiosk and newsbundle.
 * Reads a .tar/.tar.gz/.tar.xz/.tar.zst/.zip bundle once with libarchive under
 * hard limits, checks SHA256SUMS and its minisign signature, validates the
 * edition (manifest, articles, image headers), and installs it atomically in a
 * state folder with one previous edition kept. No globals: every function may
 * run on any thread as long as two calls do not share a struct; concurrent
 * installs into one state folder are refused by a lock file.
 * The rules and the state folder layout are documented in docs/bundle-format.md. */
#ifndef NK_BUNDLE_H
#define NK_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "edition.h"
#include "err.h"

#define BUNDLE_MAX_ENTRIES 10000
#define BUNDLE_MAX_MANIFEST_BYTES (256u * 1024u)
#define BUNDLE_MAX_ARTICLE_BYTES (2u * 1024u * 1024u)
#define BUNDLE_MAX_IMAGE_BYTES (16u * 1024u * 1024u)
#define BUNDLE_MAX_IMAGE_PIXELS (40u * 1000u * 1000u)
#define BUNDLE_MAX_TOTAL_BYTES (1024ull * 1024u * 1024u)
#define BUNDLE_MAX_RATIO 100
#define BUNDLE_MAX_SUMS_BYTES (2u * 1024u * 1024u) /* SHA256SUMS itself */
#define BUNDLE_MAX_SIG_BYTES (16u * 1024u)         /* SHA256SUMS.minisig */
#define BUNDLE_MAX_KEYS 8

/* Limits counted from bytes actually read, never from headers. */
struct bundle_limits {
    size_t max_entries;          /* archive entries, folders included */
    uint64_t max_manifest_bytes; /* manifest.yaml */
    uint64_t max_article_bytes;  /* each articles/NAME.md */
    uint64_t max_image_bytes;    /* each images/NAME.ext */
    uint32_t max_image_pixels;   /* width * height from the image header */
    uint64_t max_total_bytes;    /* all entries' data, uncompressed */
    uint32_t max_ratio;          /* uncompressed total / archive file size */
};
void bundle_limits_default(struct bundle_limits *l);

/* Progress: done and total in bytes of the archive file (total > 0).
 * Called from the thread that runs the bundle call. */
typedef void bundle_progress_fn(void *user, uint64_t done, uint64_t total);

/* The filesystem write path of install, as a seam: tests put a failing
 * function here to simulate a power cut at each step. Every member has the
 * POSIX signature and errno behaviour; NULL members use the real call. */
struct bundle_fs {
    int (*openat)(int dirfd, const char *name, int flags, mode_t mode);
    ssize_t (*write)(int fd, const void *buf, size_t n);
    int (*fsync)(int fd);
    int (*mkdirat)(int dirfd, const char *name, mode_t mode);
    int (*renameat)(int olddirfd, const char *oldname, int newdirfd, const char *newname);
    int (*symlinkat)(const char *target, int dirfd, const char *name);
    int (*unlinkat)(int dirfd, const char *name, int flags);
    /* Flushes the whole filesystem holding fd (syncfs(2)); NULL: the real
     * call. The installer writes every file, then syncs once. */
    int (*syncfs)(int fd);
};

struct bundle_options {
    struct bundle_limits limits;
    /* Trusted minisign public key files (paths, copied on use). When any is
     * given, a bundle must carry SHA256SUMS.minisig made by one of them. */
    const char *keys[BUNDLE_MAX_KEYS];
    size_t key_count;
    bool require_signature; /* reject unsigned bundles even without keys */
    bundle_progress_fn *progress;
    void *progress_user;
    const struct bundle_fs *fs; /* NULL: the real filesystem */
    /* bundle_unpack only: the folder is thrown away after use (a bundle
     * shown with --bundle, not installed), so nothing is synced to disk.
     * bundle_install always syncs. */
    bool transient;
};
/* Default limits, no keys, no progress, real filesystem. */
void bundle_options_default(struct bundle_options *o);

/* What a verified read found. ed belongs to the caller (bundle_info_fini):
 * the manifest and each article's front matter, lead figure and word count
 * (edition_parse_article_meta); bodies are validated but not kept, so memory
 * stays bounded. */
struct bundle_info {
    struct edition *ed;
    size_t file_count;    /* regular files, SHA256SUMS included */
    size_t image_count;   /* files under images/ */
    size_t figure_count;  /* photos shown by the articles, all together */
    uint64_t total_bytes; /* uncompressed data */
    bool signature_present;
    bool signature_verified;
    char key_id[17];      /* hex id of the key that signed, "" if none */
    char sums_sha256[65]; /* SHA-256 of SHA256SUMS: the bundle's identity */
};
void bundle_info_fini(struct bundle_info *info); /* destroys info->ed */

/* The whole verified streaming read of an archive without writing anything:
 * limits, names, checksums, signature, manifest, articles, image headers,
 * references. info may be NULL. Errors read
 * "bundle 'x.tar.zst': images/a.jpg: content is PNG but the name says JPEG". */
bool bundle_verify(const char *archive_path, const struct bundle_options *opt,
                   struct bundle_info *info, struct err *e);

/* The same read, extracting into dest_dir, an existing empty folder (files
 * 0644, folders 0755, never the archive's modes). Touches no state folder.
 * On failure dest_dir is left empty. */
bool bundle_unpack(const char *archive_path, const char *dest_dir, const struct bundle_options *opt,
                   struct err *e);

/* An edition read from an archive into memory, to show a bundle without
 * installing or unpacking it (newskiosk --bundle B --dump-layout): the same
 * verified read as bundle_verify (limits, names, checksums, signature,
 * manifest, articles, image headers, references), keeping manifest.yaml's
 * and every article's bytes and each image's size from its header; image
 * data is hashed and dropped. Memory: the articles' bytes (at most
 * limits.max_total_bytes). Owned by the caller: bundle_files_destroy (NULL
 * is fine). Errors read as bundle_verify's. */
struct bundle_files;
bool bundle_load(const char *archive_path, const struct bundle_options *opt,
                 struct bundle_files **out, struct err *e);
void bundle_files_destroy(struct bundle_files *f);
/* The files for edition_open_files; valid while f lives. */
const struct edition_files *bundle_files_view(const struct bundle_files *f);

/* State folder (DIR):
 *   DIR/current -> editions/<sequence>-<id>   symlink, switched by rename(2)
 *   DIR/previous -> editions/<sequence>-<id>  the edition before it
 *   DIR/editions/                             unpacked editions (at most two)
 *   DIR/incoming-XXXXXX, DIR/staging-XXXXXX   an install in progress
 *   DIR/rejected.log                          bad bundles, not retried
 *   DIR/fallback                              why current was rolled back
 * bundle_install copies archive_path into DIR first, verifies and unpacks
 * that copy, and switches current. Fails with ERR_STALE if the sequence is
 * not newer than the installed one; a bad bundle is remembered by (size,
 * mtime, SHA-256) and refused at once next time. DIR is created if missing.
 * On any failure the installed edition is untouched and DIR holds no
 * incoming or staging folder. info may be NULL. */
bool bundle_install(const char *archive_path, const char *state_dir,
                    const struct bundle_options *opt, struct bundle_info *info, struct err *e);

/* What the operator status screen shows. Strings are NUL-terminated and
 * hold no control characters. */
struct bundle_status {
    bool installed;
    char title[128];
    char edition[64];
    int64_t sequence;
    char path[512]; /* DIR/current resolved, "" if none */
    bool rejected;  /* a bundle has been rejected */
    char rejected_name[256];
    char rejected_reason[ERR_MSG_MAX];
    bool fell_back; /* current failed its check; previous was restored */
    char fallback_reason[ERR_MSG_MAX];
};

/* Boot-time repair: removes leftovers of an interrupted install (incoming,
 * staging, half-made links, unreferenced editions), checks current against
 * its SHA256SUMS (and signature when keys are configured) and, if that
 * fails, switches current back to previous and records why in DIR/fallback.
 * Then fills st (may be NULL). Fails only when nothing valid is installed
 * after an attempted fallback or when DIR cannot be used; a missing DIR or
 * an empty one is fine (st->installed false). */
bool bundle_recover(const char *state_dir, const struct bundle_options *opt,
                    struct bundle_status *st, struct err *e);

/* bundle_recover in two halves, for a boot that shows the edition first.
 * bundle_recover_quick: the leftovers removed and the status read (current
 * resolves, its manifest parses), no hashing; a current whose manifest does
 * not parse falls back at once as bundle_recover does. bundle_check_current
 * then does the full check of current against its SHA256SUMS (and
 * signature) and, when it fails, the fallback to previous; st then says
 * fell_back and why. Both take the state folder's lock. */
bool bundle_recover_quick(const char *state_dir, const struct bundle_options *opt,
                          struct bundle_status *st, struct err *e);
bool bundle_check_current(const char *state_dir, const struct bundle_options *opt,
                          struct bundle_status *st, struct err *e);

/* Reads the status without repairing anything. */
bool bundle_status_read(const char *state_dir, struct bundle_status *st, struct err *e);

/* Scans inbox folders for *.tar, *.tar.gz, *.tar.xz, *.tar.zst and *.zip,
 * reads each one's manifest cheaply (the first entries only), skips bundles
 * already rejected and those not newer than the installed sequence, and
 * writes the path of the one with the highest sequence to out. Returns false
 * with e->code ERR_OK when there is nothing to install; missing inbox folders
 * are skipped. */
bool bundle_scan_inbox(const char *const *inboxes, size_t inbox_count, const char *state_dir,
                       const struct bundle_options *opt, char *out, size_t out_size, struct err *e);

/* Arrivals in watched inbox folders (Syncthing, rsync, cp): a change seen in
 * an inbox (inotify) starts a settle period, and the inboxes are scanned only
 * once their bundle files (the names bundle_scan_inbox reads: never hidden
 * ones, so Syncthing's .syncthing.NAME.tmp and other temporary files do not
 * count) have kept the same names, sizes and modification times for
 * settle_ms with no further change seen: a file still growing or being
 * renamed into place is never read. Plain state over a monotonic clock in ms
 * that the caller passes, so it is tested with a fake clock; the fingerprint
 * is taken by the caller with bundle_watch_fingerprint. */
struct bundle_watch {
    uint32_t settle_ms;   /* quiet time before the inboxes are scanned */
    bool pending;         /* a change was seen and has not settled yet */
    uint64_t check_at;    /* when to look again, while pending */
    uint64_t fingerprint; /* of the inboxes at the last change or look */
};
#define BUNDLE_WATCH_NONE UINT64_MAX /* bundle_watch_deadline: nothing pending */

void bundle_watch_init(struct bundle_watch *w, uint32_t settle_ms);
/* A change was seen at now_ms; fingerprint is the inboxes' at that moment.
 * Each change starts the settle period again. */
void bundle_watch_changed(struct bundle_watch *w, uint64_t now_ms, uint64_t fingerprint);
/* When bundle_watch_check is due, or BUNDLE_WATCH_NONE. */
uint64_t bundle_watch_deadline(const struct bundle_watch *w);
/* Call at or after the deadline with the fingerprint now. True once: the
 * inboxes kept the same fingerprint for the settle period (scan them now).
 * False while nothing is pending, before the deadline, or when they changed
 * since (then another settle period starts from now). */
bool bundle_watch_check(struct bundle_watch *w, uint64_t now_ms, uint64_t fingerprint);
/* A hash of the names, sizes and modification times (ns) of the bundle files
 * in the inboxes (missing folders count as empty), in no particular order. */
uint64_t bundle_watch_fingerprint(const char *const *inboxes, size_t inbox_count);
/* True for a name bundle_scan_inbox reads: not hidden, ends in .tar,
 * .tar.gz, .tar.xz, .tar.zst or .zip. */
bool bundle_name_is_bundle(const char *name);

/* Publisher side. warn gets skip-and-warn messages (unreferenced files). */
typedef void bundle_warn_fn(void *user, const char *msg);

/* Validates SRC (manifest, each article with file:line errors, each
 * referenced image fully decoded) and writes a deterministic archive
 * (sorted names, mtime 0, uid/gid 0, mode 0644) whose type follows
 * out_path's extension: SHA256SUMS first, SHA256SUMS.minisig if seckey_path
 * is set, manifest.yaml, articles, referenced images. Written to a temporary
 * file next to out_path, renamed when complete. */
bool bundle_pack(const char *src_dir, const char *out_path, const char *seckey_path,
                 const struct bundle_options *opt, bundle_warn_fn *warn, void *warn_user,
                 struct err *e);

/* minisign-compatible keys and signatures (Ed25519, libsodium). */

/* Writes a password-less minisign key pair (minisign -G -W format). Refuses
 * to overwrite existing files. key_id gets the 16 hex digits (may be NULL). */
bool bundle_keygen(const char *pub_path, const char *sec_path, char key_id[17], struct err *e);

/* Signs the file at path into sig_path (the "ED" prehashed form current
 * minisign writes), trusted comment "timestamp:<now>\tfile:<basename>\thashed"
 * unless trusted_comment is given. Encrypted secret keys are refused. */
bool bundle_sign_file(const char *sec_path, const char *path, const char *sig_path,
                      const char *trusted_comment, struct err *e);

/* Checks sig (a .minisig file's bytes) over data against the public key
 * files: the signature and the global signature over the trusted comment.
 * key_id gets the signer's id (may be NULL). */
bool bundle_verify_signature(const char *const *key_paths, size_t key_count, const void *data,
                             size_t len, const void *sig, size_t sig_len, char key_id[17],
                             struct err *e);

#endif
