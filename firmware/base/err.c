#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistr.h>

static void
sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

bool
err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    if (!e)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    sanitize(e->msg);
    e->code = code;
    return false;
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
    if (!e)
        return;
    char prefix[ERR_MSG_MAX], old[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    /* Truncation is intended: the message stays one bounded line. */
    size_t n = strnlen(prefix, sizeof e->msg - 1);
    memcpy(e->msg, prefix, n);
    size_t rest = sizeof e->msg - n;
    if (rest > 2) {
        memcpy(e->msg + n, ": ", 2);
        size_t m = strnlen(old, rest - 3);
        memcpy(e->msg + n + 2, old, m);
        n += 2 + m;
    }
    e->msg[n] = '\0';
    sanitize(e->msg);
}

void
err_clear(struct err *e)
{
    if (!e)
        return;
    e->code = ERR_OK;
    e->msg[0] = '\0';
}

void
err_escape(char *out, size_t n, const char *s, size_t len)
{
    if (n == 0)
        return;
    size_t o = 0;
    const uint8_t *p = (const uint8_t *)s, *end = p + len;
    while (p < end) {
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, p, (size_t)(end - p));
        char tmp[16];
        size_t tl;
        if (k > 0 && uc >= 0x20 && uc != 0x7f && uc != '\\' && !(uc >= 0x80 && uc < 0xa0)) {
            memcpy(tmp, p, (size_t)k);
            tl = (size_t)k;
        } else {
            k = 1;
            tl = (size_t)snprintf(tmp, sizeof tmp, "\\x%02X", *p);
        }
        if (o + tl + 4 > n) {
            if (n >= 4) {
                memcpy(out + (o < n - 4 ? o : n - 4), "...", 4);
                return;
            }
            break;
        }
        memcpy(out + o, tmp, tl);
        o += tl;
        p += k;
    }
    out[o < n ? o : n - 1] = '\0';
}
