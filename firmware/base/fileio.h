/* Reading a whole file with a size limit, and writing a whole buffer: the
 * one read loop and the one write loop the edition module and the bundle
 * intake share. Opening (which links to follow, which
 * folder) and the wording of errors stay with the caller. Any thread. */
#ifndef NK_FILEIO_H
#define NK_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads fd from its offset to the end into a malloc'd buffer that the caller
 * frees, with a '\0' after the last byte (not counted in *len). size_hint is
 * the expected size (from fstat) and sizes the first buffer; the file may
 * shrink or grow while it is read, up to max bytes. Retries on EINTR; does
 * not close fd. False with errno set, *out untouched: EFBIG when the file
 * holds more than max bytes (max = the fstat size notices any growth),
 * ENOMEM, or read(2)'s error. */
bool fileio_read_all(int fd, size_t size_hint, size_t max, char **out, size_t *len);

/* Writes all n bytes of buf to fd, retrying short writes and EINTR. write is
 * write(2) when NULL (a test hook otherwise). False with errno set (EIO when
 * a write wrote nothing). */
bool fileio_write_all(int fd, const void *buf, size_t n,
                      ssize_t (*write_fn)(int fd, const void *buf, size_t n));

#endif
