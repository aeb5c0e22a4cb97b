/* Settling of inbox arrivals: a bundle is read only after its folder has
 * been quiet for the settle time, so a file still being written (a slow
 * copy, a sync engine's download) or renamed into place is never installed
 * half-received. */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"

void
bundle_watch_init(struct bundle_watch *w, uint32_t settle_ms)
{
    *w = (struct bundle_watch){.settle_ms = settle_ms};
}

void
bundle_watch_changed(struct bundle_watch *w, uint64_t now_ms, uint64_t fingerprint)
{
    w->pending = true;
    w->check_at = now_ms + w->settle_ms;
    w->fingerprint = fingerprint;
}

uint64_t
bundle_watch_deadline(const struct bundle_watch *w)
{
    return w->pending ? w->check_at : BUNDLE_WATCH_NONE;
}

bool
bundle_watch_check(struct bundle_watch *w, uint64_t now_ms, uint64_t fingerprint)
{
    if (!w->pending || now_ms < w->check_at)
        return false;
    if (fingerprint != w->fingerprint) {
        /* still changing without an event (a writer inotify does not
         * report, or one between our looks): wait for another quiet spell */
        bundle_watch_changed(w, now_ms, fingerprint);
        return false;
    }
    w->pending = false;
    return true;
}

/* 64-bit FNV-1a over n bytes, continuing from h. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211u;
    }
    return h;
}

uint64_t
bundle_watch_fingerprint(const char *const *inboxes, size_t inbox_count)
{
    /* Files are combined by addition so that readdir's order does not
     * matter; each file's own hash mixes its name, size and mtime. */
    uint64_t sum = 0;
    for (size_t i = 0; i < inbox_count; i++) {
        DIR *d = opendir(inboxes[i]);
        if (!d)
            continue;
        int dfd = dirfd(d);
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!bundle_name_is_bundle(de->d_name))
                continue;
            struct stat st;
            uint64_t h = fnv(14695981039346656037u, &i, sizeof i);
            h = fnv(h, de->d_name, strlen(de->d_name));
            if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                int64_t v[3] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec,
                                (int64_t)st.st_mtim.tv_nsec};
                h = fnv(h, v, sizeof v);
            }
            sum += h;
        }
        closedir(d);
    }
    return sum;
}
