/* SHA-256 of the unpacked files on a thread of its own, so that hashing
 * (a fifth of an install's CPU time when creating files is cheap) runs
 * beside decompressing and writing. The reading thread fills the blocks of
 * a small ring and queues them; each block stays untouched until hashed.
 * Digests are compared with SHA256SUMS here, and the first file that does
 * not match is kept for bundle_hasher_finish. The same thread starts each
 * written file's writeback (sync_file_range), so that the install's one
 * syncfs at the end finds little left to write (~200 -> ~10 ms at 1,000
 * articles). */
#include "bundle_internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

#define RING 8          /* blocks of BUNDLE_BLOCK_BYTES: 512 KiB in flight at most */
#define JOBS (2 * RING) /* queued blocks, files' ends and writebacks */

struct job {
    const uint8_t *data; /* NULL: the end of the file of SHA256SUMS line `line` */
    size_t len;
    size_t line;
    int writeback; /* >= 0 (data NULL): start writing this file out, then close it */
};

struct bundle_hasher {
    const struct bundle_sum *sums;
    struct bundle_sha256 *sha; /* the hashing thread's own context */
    bool in_file;              /* the hashing thread's: a file's digest is started */
    uint8_t *pending;          /* the reader's: handed out and not queued yet */
    uint8_t *ring;             /* RING blocks */
    pthread_t thread;
    pthread_mutex_t mu;  /* guards everything below */
    pthread_cond_t work; /* jobs queued, or quit */
    pthread_cond_t room; /* a job done: room in the queue or the ring */
    struct job jobs[JOBS];
    uint64_t queued, taken, done; /* jobs: queued by the reader, taken and done by the hasher */
    uint64_t blocks_filled;       /* blocks handed out by bundle_hasher_block */
    uint64_t blocks_done;         /* blocks hashed */
    bool idle;                    /* the hasher waits for work */
    bool reader_waits;            /* the reader waits for room */
    bool quit;
    long bad;        /* first line whose digest differs, -1 */
    bool ctx_failed; /* hashing failed: the result cannot be trusted */
};

static void *
hasher_run(void *arg)
{
    struct bundle_hasher *h = arg;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (h->taken == h->queued && !h->quit) {
            h->idle = true;
            pthread_cond_wait(&h->work, &h->mu);
            h->idle = false;
        }
        if (h->taken == h->queued)
            break; /* quit, and nothing left */
        struct job j = h->jobs[h->taken++ % JOBS];
        pthread_mutex_unlock(&h->mu);
        if (j.writeback >= 0) {
            /* Only a head start for the syncfs that makes it durable. */
            sync_file_range(j.writeback, 0, 0, SYNC_FILE_RANGE_WRITE);
            close(j.writeback);
            pthread_mutex_lock(&h->mu);
            h->done++;
            if (h->reader_waits)
                pthread_cond_signal(&h->room);
            continue;
        }
        bool ok = true, differs = false;
        if (!h->in_file)
            ok = bundle_sha256_start(h->sha);
        h->in_file = true;
        if (j.data) {
            ok = ok && bundle_sha256_add(h->sha, j.data, j.len);
        } else {
            uint8_t got[32];
            ok = ok && bundle_sha256_end(h->sha, got);
            differs = ok && sodium_memcmp(got, h->sums[j.line].sha256, 32) != 0;
            h->in_file = false;
        }
        pthread_mutex_lock(&h->mu);
        h->done++;
        if (j.data)
            h->blocks_done++;
        if (!ok)
            h->ctx_failed = true;
        if (differs && h->bad < 0)
            h->bad = (long)j.line;
        if (h->reader_waits)
            pthread_cond_signal(&h->room);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

struct bundle_hasher *
bundle_hasher_start(const struct bundle_sum *sums)
{
    struct bundle_hasher *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->sums = sums;
    h->bad = -1;
    h->ring = malloc((size_t)RING * BUNDLE_BLOCK_BYTES);
    h->sha = bundle_sha256_create();
    int inits = 0;
    bool ok = h->ring && h->sha;
    if (ok && pthread_mutex_init(&h->mu, NULL) == 0)
        inits++;
    if (inits == 1 && pthread_cond_init(&h->work, NULL) == 0)
        inits++;
    if (inits == 2 && pthread_cond_init(&h->room, NULL) == 0)
        inits++;
    if (inits == 3 && pthread_create(&h->thread, NULL, hasher_run, h) == 0)
        return h;
    if (inits >= 3)
        pthread_cond_destroy(&h->room);
    if (inits >= 2)
        pthread_cond_destroy(&h->work);
    if (inits >= 1)
        pthread_mutex_destroy(&h->mu);
    bundle_sha256_destroy(h->sha);
    free(h->ring);
    free(h);
    return NULL;
}

/* With h->mu held: waits until the hasher has done something. */
static void
wait_room(struct bundle_hasher *h)
{
    h->reader_waits = true;
    pthread_cond_wait(&h->room, &h->mu);
    h->reader_waits = false;
}

uint8_t *
bundle_hasher_block(struct bundle_hasher *h)
{
    if (h->pending) /* the last one came back empty (a file's end): reuse it */
        return h->pending;
    pthread_mutex_lock(&h->mu);
    /* The block RING fills ago must be hashed before it is filled again. */
    while (h->blocks_filled - h->blocks_done >= RING)
        wait_room(h);
    h->pending = h->ring + (size_t)(h->blocks_filled++ % RING) * BUNDLE_BLOCK_BYTES;
    pthread_mutex_unlock(&h->mu);
    return h->pending;
}

static void
queue(struct bundle_hasher *h, struct job j)
{
    pthread_mutex_lock(&h->mu);
    while (h->queued - h->done >= JOBS)
        wait_room(h);
    h->jobs[h->queued++ % JOBS] = j;
    if (h->idle)
        pthread_cond_signal(&h->work);
    pthread_mutex_unlock(&h->mu);
}

void
bundle_hasher_add(struct bundle_hasher *h, const uint8_t *block, size_t n)
{
    h->pending = NULL;
    queue(h, (struct job){.data = block, .len = n, .writeback = -1});
}

void
bundle_hasher_end(struct bundle_hasher *h, size_t line)
{
    queue(h, (struct job){.line = line, .writeback = -1});
}

void
bundle_hasher_writeback(struct bundle_hasher *h, int fd)
{
    queue(h, (struct job){.writeback = fd});
}

long
bundle_hasher_bad(struct bundle_hasher *h)
{
    pthread_mutex_lock(&h->mu);
    long bad = h->bad;
    pthread_mutex_unlock(&h->mu);
    return bad;
}

int
bundle_hasher_finish(struct bundle_hasher *h, long *bad)
{
    *bad = -1;
    if (!h)
        return 0;
    pthread_mutex_lock(&h->mu);
    h->quit = true;
    pthread_cond_signal(&h->work);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->thread, NULL); /* it empties the queue first */
    *bad = h->bad;
    int rc = h->ctx_failed ? -1 : 0;
    pthread_cond_destroy(&h->room);
    pthread_cond_destroy(&h->work);
    pthread_mutex_destroy(&h->mu);
    bundle_sha256_destroy(h->sha);
    free(h->ring);
    free(h);
    return rc;
}
