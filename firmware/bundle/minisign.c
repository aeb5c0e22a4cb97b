/* minisign-compatible keys and signatures over libsodium (Ed25519, BLAKE2b).
 * Layouts (all base64, standard alphabet with padding):
 *   public key: "Ed" | key id (8) | Ed25519 public key (32)
 *   secret key: "Ed" | kdf "\0\0" | "B2" | salt (32) | opslimit (8) | memlimit (8)
 *               | key id (8) | Ed25519 secret key (64) | BLAKE2b-256 checksum (32)
 *   signature:  "Ed" or "ED" (prehashed) | key id (8) | signature (64), then
 *               "trusted comment: TEXT" and the global signature over
 *               signature | TEXT. */
#include "bundle_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PK_BYTES (2 + 8 + crypto_sign_PUBLICKEYBYTES)
#define SIG_BYTES (2 + 8 + crypto_sign_BYTES)
#define SK_BYTES (2 + 2 + 2 + 32 + 8 + 8 + 8 + crypto_sign_SECRETKEYBYTES + 32)
#define SK_KEYNUM_OFF (2 + 2 + 2 + 32 + 8 + 8)
#define SK_SK_OFF (SK_KEYNUM_OFF + 8)
#define SK_CHK_OFF (SK_SK_OFF + crypto_sign_SECRETKEYBYTES)
#define KEY_FILE_MAX 4096

struct mkey {
    uint8_t id[8];
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
};

/* minisign prints the key id as a little-endian 64-bit number. */
static void
key_id_hex(char out[17], const uint8_t id[8])
{
    static const char digits[] = "0123456789ABCDEF";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = digits[id[7 - i] >> 4];
        out[2 * i + 1] = digits[id[7 - i] & 15];
    }
    out[16] = '\0';
}

/* Splits text into at most max lines (without '\n' or a trailing '\r'). */
static size_t
split_lines(const char *text, size_t len, const char **lines, size_t *lens, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len && n < max; i++) {
        if (i == len || text[i] == '\n') {
            if (i == len && i == start)
                break;
            size_t l = i - start;
            if (l > 0 && text[start + l - 1] == '\r')
                l--;
            lines[n] = text + start;
            lens[n] = l;
            n++;
            start = i + 1;
        }
    }
    return n;
}

static bool
decode_b64(const char *s, size_t len, uint8_t *out, size_t want)
{
    size_t got = 0;
    uint8_t tmp[256];
    if (want > sizeof tmp)
        return false;
    if (sodium_base642bin(tmp, sizeof tmp, s, len, NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != want)
        return false;
    memcpy(out, tmp, want);
    sodium_memzero(tmp, sizeof tmp);
    return true;
}

static bool
starts_with(const char *s, size_t len, const char *prefix)
{
    size_t pl = strlen(prefix);
    return len >= pl && memcmp(s, prefix, pl) == 0;
}

static bool
load_public_key(const char *path, struct mkey *k, struct err *e)
{
    char *text = NULL;
    size_t len = 0;
    if (!bundle_read_file(AT_FDCWD, path, KEY_FILE_MAX, &text, &len, e)) {
        if (e)
            e->code = ERR_USAGE; /* a bad --key is the operator's, not the bundle's */
        err_prefix(e, "public key");
        return false;
    }
    const char *lines[3];
    size_t lens[3];
    size_t n = split_lines(text, len, lines, lens, 3);
    size_t i = (n > 0 && starts_with(lines[0], lens[0], "untrusted comment:")) ? 1 : 0;
    uint8_t raw[PK_BYTES];
    bool ok = i < n && decode_b64(lines[i], lens[i], raw, sizeof raw) && memcmp(raw, "Ed", 2) == 0;
    free(text);
    if (!ok)
        return err_set(e, ERR_USAGE,
                       "%s: not a minisign public key (want an untrusted comment line "
                       "and a base64 Ed25519 key)",
                       path);
    memcpy(k->id, raw + 2, 8);
    memcpy(k->pk, raw + 10, sizeof k->pk);
    return true;
}

bool
bundle_verify_signature(const char *const *key_paths, size_t key_count, const void *data,
                        size_t len, const void *sig, size_t sig_len, char key_id[17], struct err *e)
{
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    const char *lines[5];
    size_t lens[5];
    size_t n = split_lines(sig, sig_len, lines, lens, 5);
    uint8_t raw[SIG_BYTES], global[crypto_sign_BYTES];
    if (n < 4 || !starts_with(lines[0], lens[0], "untrusted comment:") ||
        !decode_b64(lines[1], lens[1], raw, sizeof raw) ||
        !starts_with(lines[2], lens[2], "trusted comment: ") ||
        !decode_b64(lines[3], lens[3], global, sizeof global))
        return err_set(e, ERR_INTEGRITY,
                       "SHA256SUMS.minisig: not a minisign signature (four lines expected)");
    bool prehashed;
    if (memcmp(raw, "Ed", 2) == 0)
        prehashed = false;
    else if (memcmp(raw, "ED", 2) == 0)
        prehashed = true;
    else
        return err_set(e, ERR_INTEGRITY, "SHA256SUMS.minisig: unknown signature algorithm");
    char id_hex[17];
    key_id_hex(id_hex, raw + 2);
    if (key_count == 0)
        return err_set(e, ERR_INTEGRITY,
                       "SHA256SUMS.minisig: signed by key %s but no trusted key is configured "
                       "(--key)",
                       id_hex);
    for (size_t i = 0; i < key_count; i++) {
        struct mkey k;
        if (!load_public_key(key_paths[i], &k, e))
            return false;
        if (memcmp(k.id, raw + 2, 8) != 0)
            continue;
        uint8_t hash[crypto_generichash_BYTES_MAX];
        const uint8_t *msg = data;
        size_t msg_len = len;
        if (prehashed) {
            crypto_generichash(hash, sizeof hash, data, len, NULL, 0);
            msg = hash;
            msg_len = sizeof hash;
        }
        if (crypto_sign_verify_detached(raw + 10, msg, msg_len, k.pk) != 0)
            return err_set(e, ERR_INTEGRITY,
                           "SHA256SUMS.minisig: the signature by key %s does not match SHA256SUMS",
                           id_hex);
        size_t tc_len = lens[2] - strlen("trusted comment: ");
        uint8_t *glob_msg = malloc(crypto_sign_BYTES + tc_len + 1);
        if (!glob_msg)
            return err_set(e, ERR_NOMEM, "out of memory checking the signature");
        memcpy(glob_msg, raw + 10, crypto_sign_BYTES);
        memcpy(glob_msg + crypto_sign_BYTES, lines[2] + strlen("trusted comment: "), tc_len);
        int rc = crypto_sign_verify_detached(global, glob_msg, crypto_sign_BYTES + tc_len, k.pk);
        free(glob_msg);
        if (rc != 0)
            return err_set(e, ERR_INTEGRITY,
                           "SHA256SUMS.minisig: the trusted comment's signature does not match");
        if (key_id)
            memcpy(key_id, id_hex, 17);
        return true;
    }
    return err_set(e, ERR_INTEGRITY,
                   "SHA256SUMS.minisig: signed by key %s, which is not a trusted key", id_hex);
}

/* Loads a password-less minisign secret key. Caller wipes sk. */
static bool
load_secret_key(const char *path, uint8_t id[8], uint8_t sk[crypto_sign_SECRETKEYBYTES],
                struct err *e)
{
    char *text = NULL;
    size_t len = 0;
    if (!bundle_read_file(AT_FDCWD, path, KEY_FILE_MAX, &text, &len, e))
        return false;
    const char *lines[3];
    size_t lens[3];
    size_t n = split_lines(text, len, lines, lens, 3);
    uint8_t raw[SK_BYTES];
    bool ok = n >= 2 && starts_with(lines[0], lens[0], "untrusted comment:") &&
              decode_b64(lines[1], lens[1], raw, sizeof raw) && memcmp(raw, "Ed", 2) == 0 &&
              memcmp(raw + 4, "B2", 2) == 0;
    sodium_memzero(text, len);
    free(text);
    if (!ok) {
        sodium_memzero(raw, sizeof raw);
        return err_set(e, ERR_USAGE, "%s: not a minisign secret key", path);
    }
    if (memcmp(raw + 2, "\0\0", 2) != 0) {
        sodium_memzero(raw, sizeof raw);
        return err_set(e, ERR_USAGE,
                       "%s: the secret key is password-protected; newsbundle needs one made by "
                       "`newsbundle keygen` or `minisign -G -W`",
                       path);
    }
    /* The checksum covers algorithm, key id and secret key; minisign leaves
     * it zero in password-less keys, so accept zero or a match. */
    uint8_t chk[32], in[2 + 8 + crypto_sign_SECRETKEYBYTES];
    memcpy(in, raw, 2);
    memcpy(in + 2, raw + SK_KEYNUM_OFF, 8 + crypto_sign_SECRETKEYBYTES);
    crypto_generichash(chk, sizeof chk, in, sizeof in, NULL, 0);
    uint8_t zero[32] = {0};
    ok = sodium_memcmp(chk, raw + SK_CHK_OFF, 32) == 0 ||
         sodium_memcmp(zero, raw + SK_CHK_OFF, 32) == 0;
    memcpy(id, raw + SK_KEYNUM_OFF, 8);
    memcpy(sk, raw + SK_SK_OFF, crypto_sign_SECRETKEYBYTES);
    sodium_memzero(in, sizeof in);
    sodium_memzero(raw, sizeof raw);
    if (!ok) {
        sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
        return err_set(e, ERR_USAGE, "%s: the secret key's checksum does not match", path);
    }
    return true;
}

static char *
b64(const uint8_t *bin, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *s = malloc(n);
    if (s)
        sodium_bin2base64(s, n, bin, len, sodium_base64_VARIANT_ORIGINAL);
    return s;
}

static bool
sign_prehashed(const uint8_t id[8], const uint8_t *sk, const uint8_t hash[64], const char *tc,
               char **out, size_t *out_len, struct err *e)
{
    uint8_t raw[SIG_BYTES], global[crypto_sign_BYTES];
    memcpy(raw, "ED", 2);
    memcpy(raw + 2, id, 8);
    crypto_sign_detached(raw + 10, NULL, hash, 64, sk);
    size_t tc_len = strlen(tc);
    uint8_t *glob_msg = malloc(crypto_sign_BYTES + tc_len + 1);
    if (!glob_msg)
        return err_set(e, ERR_NOMEM, "out of memory signing");
    memcpy(glob_msg, raw + 10, crypto_sign_BYTES);
    memcpy(glob_msg + crypto_sign_BYTES, tc, tc_len);
    crypto_sign_detached(global, NULL, glob_msg, crypto_sign_BYTES + tc_len, sk);
    free(glob_msg);
    char *s1 = b64(raw, sizeof raw), *s2 = b64(global, sizeof global);
    size_t cap = 128 + tc_len + (s1 ? strlen(s1) : 0) + (s2 ? strlen(s2) : 0);
    char *text = s1 && s2 ? malloc(cap) : NULL;
    if (text) {
        int n = snprintf(text, cap,
                         "untrusted comment: signature from newsbundle secret key\n%s\n"
                         "trusted comment: %s\n%s\n",
                         s1, tc, s2);
        *out_len = (size_t)n;
    }
    free(s1);
    free(s2);
    if (!text)
        return err_set(e, ERR_NOMEM, "out of memory signing");
    *out = text;
    return true;
}

static bool
valid_comment(const char *tc)
{
    for (const char *p = tc; *p; p++)
        if (*p == '\n' || *p == '\r')
            return false;
    return true;
}

bool
bundle_sign_buffer(const char *sec_path, const void *data, size_t len, const char *trusted_comment,
                   char **out, size_t *out_len, struct err *e)
{
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    if (!valid_comment(trusted_comment))
        return err_set(e, ERR_USAGE, "the trusted comment must be one line");
    uint8_t id[8], sk[crypto_sign_SECRETKEYBYTES], hash[64];
    if (!load_secret_key(sec_path, id, sk, e))
        return false;
    crypto_generichash(hash, sizeof hash, data, len, NULL, 0);
    bool ok = sign_prehashed(id, sk, hash, trusted_comment, out, out_len, e);
    sodium_memzero(sk, sizeof sk);
    return ok;
}

static bool
write_new_file(const char *path, const void *data, size_t len, mode_t mode, bool exclusive,
               struct err *e)
{
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (exclusive ? O_EXCL : O_TRUNC);
    int fd = open(path, flags, mode);
    if (fd < 0)
        return err_set(e, errno == EEXIST ? ERR_USAGE : ERR_IO, "%s: %s%s", path, strerror(errno),
                       errno == EEXIST ? " (refusing to overwrite)" : "");
    bool ok = bundle_fs_write_all(NULL, fd, data, len) && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(path);
        return err_set(e, ERR_IO, "%s: %s", path, strerror(saved));
    }
    return true;
}

bool
bundle_sign_file(const char *sec_path, const char *path, const char *sig_path,
                 const char *trusted_comment, struct err *e)
{
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_USAGE, "%s: %s", path, strerror(errno));
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 64);
    uint8_t buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            return err_set(e, ERR_IO, "%s: %s", path, strerror(saved));
        }
        if (n == 0)
            break;
        crypto_generichash_update(&st, buf, (size_t)n);
    }
    close(fd);
    uint8_t hash[64];
    crypto_generichash_final(&st, hash, sizeof hash);

    char tc_buf[1024];
    if (!trusted_comment) {
        const char *base = strrchr(path, '/');
        snprintf(tc_buf, sizeof tc_buf, "timestamp:%lld\tfile:%s\thashed", (long long)time(NULL),
                 base ? base + 1 : path);
        trusted_comment = tc_buf;
    }
    if (!valid_comment(trusted_comment))
        return err_set(e, ERR_USAGE, "the trusted comment must be one line");
    uint8_t id[8], sk[crypto_sign_SECRETKEYBYTES];
    if (!load_secret_key(sec_path, id, sk, e))
        return false;
    char *text = NULL;
    size_t text_len = 0;
    bool ok = sign_prehashed(id, sk, hash, trusted_comment, &text, &text_len, e);
    sodium_memzero(sk, sizeof sk);
    if (ok)
        ok = write_new_file(sig_path, text, text_len, 0644, false, e);
    free(text);
    return ok;
}

bool
bundle_keygen(const char *pub_path, const char *sec_path, char key_id[17], struct err *e)
{
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "libsodium failed to initialise");
    if (access(pub_path, F_OK) == 0 || access(sec_path, F_OK) == 0)
        return err_set(e, ERR_USAGE, "%s or %s exists already (refusing to overwrite)", pub_path,
                       sec_path);
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], raw[SK_BYTES], pub[PK_BYTES];
    memset(raw, 0, sizeof raw);
    memcpy(raw, "Ed", 2);
    memcpy(raw + 4, "B2", 2);
    randombytes_buf(raw + SK_KEYNUM_OFF, 8);
    crypto_sign_keypair(pk, raw + SK_SK_OFF);
    uint8_t in[2 + 8 + crypto_sign_SECRETKEYBYTES];
    memcpy(in, raw, 2);
    memcpy(in + 2, raw + SK_KEYNUM_OFF, 8 + crypto_sign_SECRETKEYBYTES);
    crypto_generichash(raw + SK_CHK_OFF, 32, in, sizeof in, NULL, 0);
    sodium_memzero(in, sizeof in);
    memcpy(pub, "Ed", 2);
    memcpy(pub + 2, raw + SK_KEYNUM_OFF, 8);
    memcpy(pub + 10, pk, sizeof pk);
    char id_hex[17];
    key_id_hex(id_hex, raw + SK_KEYNUM_OFF);

    char *sk64 = b64(raw, sizeof raw), *pk64 = b64(pub, sizeof pub);
    sodium_memzero(raw, sizeof raw);
    bool ok = sk64 && pk64;
    if (!ok)
        err_set(e, ERR_NOMEM, "out of memory");
    char text[1024];
    if (ok) {
        int n = snprintf(text, sizeof text,
                         "untrusted comment: minisign encrypted secret key\n%s\n", sk64);
        ok = write_new_file(sec_path, text, (size_t)n, 0600, true, e);
        sodium_memzero(text, sizeof text);
    }
    if (ok) {
        int n = snprintf(text, sizeof text, "untrusted comment: minisign public key %s\n%s\n",
                         id_hex, pk64);
        ok = write_new_file(pub_path, text, (size_t)n, 0644, true, e);
        if (!ok)
            unlink(sec_path);
    }
    if (sk64)
        sodium_memzero(sk64, strlen(sk64));
    free(sk64);
    free(pk64);
    if (ok && key_id)
        memcpy(key_id, id_hex, 17);
    return ok;
}
