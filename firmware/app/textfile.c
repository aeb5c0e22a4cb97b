/* The small line-oriented text formats app/ reads (the config file, --events
 * scripts): one line reader with a length limit, trimming and whole-number
 * parsing, so both formats follow the same rules. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"

char *
app_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

bool
app_parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (end == s || *end || errno || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

bool
app_read_line(FILE *f, char *buf, size_t size, const char *name, unsigned *lineno, char **line,
              struct err *e)
{
    assert(size > 2 && size <= INT_MAX);
    size_t max = size - 2; /* room for the newline and the terminator */
    while (fgets(buf, (int)size, f)) {
        ++*lineno;
        size_t n = strlen(buf);
        if (n > max && buf[n - 1] != '\n')
            return err_set(e, ERR_USAGE, "%s:%u: line longer than %zu characters", name, *lineno,
                           max);
        char *s = app_trim(buf);
        if (*s && *s != '#') {
            *line = s;
            return true;
        }
    }
    *line = NULL;
    return true;
}
