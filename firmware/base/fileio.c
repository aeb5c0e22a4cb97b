#include "fileio.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/* 32-bit targets (armhf) build with -D_FILE_OFFSET_BITS=64, as
 * board/toolchains/arm-linux-gnueabihf.cmake does. Without it readdir fails
 * with EOVERFLOW where inode numbers or directory offsets need 64 bits (a
 * 32-bit system on a 64-bit kernel, qemu-arm on a 64-bit host): the folder
 * loops in bundle and app would take that for an empty folder. */
_Static_assert(sizeof(off_t) == 8, "off_t must be 64-bit: compile with -D_FILE_OFFSET_BITS=64");

bool
fileio_read_all(int fd, size_t size_hint, size_t max, char **out, size_t *len)
{
    assert(max <= SIZE_MAX - 2);
    /* Room for one byte past max, to notice more, and for the '\0'. */
    size_t cap = (size_hint < max ? size_hint : max) + 2, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        errno = ENOMEM;
        return false;
    }
    for (;;) {
        if (n + 1 == cap) { /* full, n <= max: grow towards max + 2 */
            size_t ncap = cap <= (max + 2) / 2 ? cap * 2 : max + 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                errno = ENOMEM;
                return false;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int saved = errno;
            free(buf);
            errno = saved;
            return false;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max) {
            free(buf);
            errno = EFBIG;
            return false;
        }
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return true;
}

bool
fileio_write_all(int fd, const void *buf, size_t n,
                 ssize_t (*write_fn)(int fd, const void *buf, size_t n))
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write_fn ? write_fn(fd, p, n) : write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}
