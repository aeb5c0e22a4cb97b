/* Errors returned from every fallible call: a code callers branch on and a
 * bounded message a kiosk operator can act on (which bundle, which file, which
 * rule). Plain caller-owned data; no hidden last-error state. Any thread. */
#ifndef NK_ERR_H
#define NK_ERR_H

#include <stdbool.h>
#include <stddef.h>

enum err_code {
    ERR_OK = 0,
    ERR_USAGE,     /* bad arguments or options (command exit 2) */
    ERR_INVALID,   /* input breaks a rule of the format (command exit 1) */
    ERR_LIMIT,     /* input exceeds a configured limit */
    ERR_INTEGRITY, /* checksum or signature does not match */
    ERR_STALE,     /* edition not newer than the installed one */
    ERR_IO,        /* the system refused: open, read, write, rename, fsync */
    ERR_NOMEM,     /* a budget or the allocator ran out */
};

#define ERR_MSG_MAX 512

struct err {
    enum err_code code;
    char msg[ERR_MSG_MAX]; /* one line, NUL-terminated, no control characters */
};

/* Fills e (if not NULL) and returns false, so a failing call can end with
 * `return err_set(e, ERR_INVALID, "%s: ...", path);`. Control characters in
 * the formatted message are replaced by '?' so that a hostile file name cannot
 * forge log lines. */
bool err_set(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to an existing message (e.g. the bundle's name). */
void err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void err_clear(struct err *e);

/* Writes s into out (size n) with every control character, non-UTF-8 byte and
 * backslash escaped as \xHH, for quoting untrusted names in messages.
 * Always NUL-terminates; truncates with "..." when out is too small. */
void err_escape(char *out, size_t n, const char *s, size_t len);

#endif
