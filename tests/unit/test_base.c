/* Unit tests for base: the arena (budgets, alignment, realloc), errors
 * (formatting, sanitising, escaping hostile names) and bounded file reads. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "check.h"
#include "err.h"
#include "fileio.h"

static void
test_arena(void)
{
    struct arena a;
    arena_init(&a, 0);
    char *p = arena_alloc(&a, 3);
    CHECK(p != NULL);
    CHECK(((uintptr_t)p % 16) == 0);
    CHECK(p[0] == 0 && p[2] == 0);
    char *big = arena_alloc(&a, 1 << 20); /* larger than a block */
    CHECK(big != NULL);
    /* a block of its own, from mmap: malloc aligns only to 8 on armhf */
    CHECK(((uintptr_t)big % 16) == 0);
    for (int i = 0; i < 64; i++) {
        char *q = arena_alloc(&a, 40000 + (size_t)i * 1000); /* a new block each second call */
        CHECK_MSG(q && (uintptr_t)q % 16 == 0, "allocation %d at %p", i, (void *)q);
    }
    big[(1 << 20) - 1] = 1;
    CHECK_STR(arena_strndup(&a, "hello world", 5), "hello");
    CHECK_STR(arena_printf(&a, "%d-%s", 42, "x"), "42-x");

    /* realloc of the last allocation grows in place and keeps content */
    int *v = arena_alloc(&a, 4 * sizeof *v);
    for (int i = 0; i < 4; i++)
        v[i] = i;
    int *w = arena_realloc(&a, v, 4 * sizeof *v, 400 * sizeof *v);
    CHECK(w != NULL);
    CHECK(w[3] == 3 && w[399] == 0);
    arena_fini(&a);

    /* a budget is enforced and failure is recoverable */
    arena_init(&a, 100 * 1024);
    CHECK(arena_alloc(&a, 1000) != NULL);
    CHECK(arena_alloc(&a, 200 * 1024) == NULL);
    CHECK(arena_alloc(&a, 1000) != NULL);
    arena_fini(&a);
}

static void
test_err(void)
{
    struct err e;
    err_clear(&e);
    CHECK(e.code == ERR_OK);
    CHECK(!err_set(&e, ERR_INVALID, "%s:%d: title is required", "articles/a.md", 3));
    CHECK(e.code == ERR_INVALID);
    CHECK_STR(e.msg, "articles/a.md:3: title is required");
    err_prefix(&e, "bundle %s", "x.tar.zst");
    CHECK_STR(e.msg, "bundle x.tar.zst: articles/a.md:3: title is required");
    err_set(&e, ERR_INVALID, "bad\nname\033[1m");
    CHECK(strchr(e.msg, '\n') == NULL && strchr(e.msg, '\033') == NULL);
    CHECK(!err_set(NULL, ERR_IO, "ignored")); /* NULL is allowed */

    char out[64];
    const char name[] = "a\nb\\c\xff"
                        "d";
    err_escape(out, sizeof out, name, sizeof name - 1);
    CHECK_STR(out, "a\\x0Ab\\x5Cc\\xFFd");
    err_escape(out, sizeof out, "caf\xc3\xa9", 5); /* valid UTF-8 is kept */
    CHECK_STR(out, "caf\xc3\xa9");
    char small[8];
    err_escape(small, sizeof small, "abcdefghijklmnop", 16);
    CHECK(strlen(small) < sizeof small);
    CHECK_CONTAINS(small, "...");
}

/* A pipe holding len bytes of 'x': a source whose size fstat cannot tell. */
static int
pipe_of(size_t len)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    char chunk[1000];
    memset(chunk, 'x', sizeof chunk);
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        if (write(p[1], chunk, n) != (ssize_t)n)
            break;
        done += n;
    }
    close(p[1]);
    return p[0];
}

static void
test_fileio(void)
{
    char path[] = "/tmp/nk-test-base-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    unlink(path);
    CHECK(write(fd, "hello", 5) == 5);

    /* exactly max bytes is allowed; the buffer ends in a NUL */
    char *buf = NULL;
    size_t len = 0;
    lseek(fd, 0, SEEK_SET);
    CHECK(fileio_read_all(fd, 5, 5, &buf, &len));
    CHECK_INT(len, 5);
    CHECK_STR(buf, "hello");
    free(buf);

    /* one byte more than max is EFBIG, whatever the hint said */
    buf = NULL;
    lseek(fd, 0, SEEK_SET);
    errno = 0;
    CHECK(!fileio_read_all(fd, 4, 4, &buf, &len));
    CHECK_INT(errno, EFBIG);
    CHECK(buf == NULL);

    /* a hint larger than the file (it shrank): what is there is read */
    lseek(fd, 0, SEEK_SET);
    CHECK(fileio_read_all(fd, 4096, 8192, &buf, &len));
    CHECK_INT(len, 5);
    free(buf);

    /* an empty file */
    lseek(fd, 0, SEEK_SET);
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(fileio_read_all(fd, 0, 10, &buf, &len));
    CHECK_INT(len, 0);
    CHECK_STR(buf, "");
    free(buf);
    close(fd);

    /* more than the hint (the file grew, or a pipe): the buffer grows up to max */
    fd = pipe_of(50000);
    CHECK(fileio_read_all(fd, 0, 50000, &buf, &len));
    CHECK_INT(len, 50000);
    CHECK(buf && buf[0] == 'x' && buf[49999] == 'x' && buf[50000] == '\0');
    free(buf);
    close(fd);
    fd = pipe_of(50001);
    buf = NULL;
    errno = 0;
    CHECK(!fileio_read_all(fd, 10, 50000, &buf, &len));
    CHECK_INT(errno, EFBIG);
    CHECK(buf == NULL);
    close(fd);

    /* read errors come back as errno */
    errno = 0;
    CHECK(!fileio_read_all(-1, 0, 10, &buf, &len));
    CHECK_INT(errno, EBADF);
}

/* A write(2) stand-in: an EINTR first, then at most 3 bytes a call, into
 * written[]; after `budget` bytes it writes nothing. */
static char written[64];
static size_t written_len, budget;
static int calls;

static ssize_t
short_write(int fd, const void *buf, size_t n)
{
    (void)fd;
    if (calls++ == 0) {
        errno = EINTR;
        return -1;
    }
    size_t k = n < 3 ? n : 3;
    if (written_len + k > budget)
        k = budget - written_len;
    memcpy(written + written_len, buf, k);
    written_len += k;
    return (ssize_t)k;
}

static void
test_write_all(void)
{
    /* short writes and EINTR are retried until every byte is out */
    budget = sizeof written;
    CHECK(fileio_write_all(7, "newspaper", 9, short_write));
    CHECK_INT(written_len, 9);
    CHECK(memcmp(written, "newspaper", 9) == 0);
    CHECK(calls >= 4);

    /* a write that writes nothing fails with EIO instead of looping */
    written_len = 0;
    calls = 0;
    budget = 4;
    errno = 0;
    CHECK(!fileio_write_all(7, "newspaper", 9, short_write));
    CHECK_INT(errno, EIO);
    CHECK_INT(written_len, 4);

    /* write(2)'s own errors come back as errno */
    errno = 0;
    CHECK(!fileio_write_all(-1, "x", 1, NULL));
    CHECK_INT(errno, EBADF);
}

int
main(void)
{
    test_arena();
    test_err();
    test_fileio();
    test_write_all();
    return check_summary("base");
}
