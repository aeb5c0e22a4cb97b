/* --events scripts: parsed up front, so a typo fails before anything runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "kiosk.h"

#define SCRIPT_MAX_LINE 1024
#define SCRIPT_MAX_COMMANDS 100000
#define SCRIPT_MAX_WAIT_MS 600000

/* Parses one non-empty line into c; false with the rule in e (no prefix). */
static bool
parse_line(struct app_script *s, char *line, struct app_script_cmd *c, struct err *e)
{
    char *rest = line + strcspn(line, " \t");
    if (*rest)
        *rest++ = '\0';
    rest = app_trim(rest);
    char shown[96];
    if (strcmp(line, "tap") == 0) {
        char *sp = rest + strcspn(rest, " \t");
        if (*sp)
            *sp++ = '\0';
        int x, y;
        if (!app_parse_int(rest, 0, 9999, &x) || !app_parse_int(app_trim(sp), 0, 9999, &y))
            return err_set(e, ERR_USAGE, "tap takes X Y in screen pixels, e.g. 'tap 400 240'");
        c->op = APP_SCRIPT_TAP;
        c->x = x;
        c->y = y;
    } else if (strcmp(line, "swipe") == 0) {
        static const char *const dirs[] = {"left", "right", "up", "down"};
        c->op = APP_SCRIPT_SWIPE;
        c->swipe = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(rest, dirs[i]) == 0)
                c->swipe = i;
        if (c->swipe < 0) {
            err_escape(shown, sizeof shown, rest, strlen(rest));
            return err_set(e, ERR_USAGE, "swipe takes left, right, up or down, not '%s'", shown);
        }
    } else if (strcmp(line, "key") == 0) {
        if (!*rest)
            return err_set(e, ERR_USAGE, "key takes an SDL key name, e.g. 'key Right'");
        c->op = APP_SCRIPT_KEY;
        c->text = arena_strdup(&s->arena, rest);
    } else if (strcmp(line, "wait") == 0) {
        int ms;
        if (!app_parse_int(rest, 0, SCRIPT_MAX_WAIT_MS, &ms))
            return err_set(e, ERR_USAGE, "wait takes milliseconds from 0 to %d",
                           SCRIPT_MAX_WAIT_MS);
        c->op = APP_SCRIPT_WAIT;
        c->ms = (uint32_t)ms;
    } else if (strcmp(line, "screenshot") == 0) {
        if (!*rest)
            return err_set(e, ERR_USAGE, "screenshot takes the path of a PNG file to write");
        c->op = APP_SCRIPT_SCREENSHOT;
        c->text = arena_strdup(&s->arena, rest);
    } else if (strcmp(line, "dump") == 0) {
        if (!*rest)
            return err_set(e, ERR_USAGE, "dump takes the path of a JSON file to write");
        c->op = APP_SCRIPT_DUMP;
        c->text = arena_strdup(&s->arena, rest);
    } else if (strcmp(line, "wait-sentence") == 0) {
        int n;
        if (!app_parse_int(rest, 1, 100000, &n))
            return err_set(e, ERR_USAGE,
                           "wait-sentence takes a count from 1, e.g. 'wait-sentence 3' (the "
                           "third sentence read aloud since the speaker was pressed)");
        c->op = APP_SCRIPT_WAIT_SENTENCE;
        c->ms = (uint32_t)n;
    } else if (strcmp(line, "quit") == 0) {
        if (*rest)
            return err_set(e, ERR_USAGE, "quit takes no argument");
        c->op = APP_SCRIPT_QUIT;
    } else {
        err_escape(shown, sizeof shown, line, strlen(line));
        return err_set(e, ERR_USAGE,
                       "unknown command '%s' (known: tap, swipe, key, wait, screenshot, dump, "
                       "wait-sentence, quit)",
                       shown);
    }
    if ((c->op == APP_SCRIPT_KEY || c->op == APP_SCRIPT_SCREENSHOT || c->op == APP_SCRIPT_DUMP) &&
        !c->text)
        return err_set(e, ERR_NOMEM, "out of memory");
    return true;
}

bool
app_script_load(struct app_script *s, const char *path, struct err *e)
{
    arena_init(&s->arena, 64u * 1024 * 1024);
    s->cmds = NULL;
    s->count = 0;
    char shown[256];
    err_escape(shown, sizeof shown, path, strlen(path));
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, ERR_USAGE, "%s: cannot open the events script: %s", shown,
                       strerror(errno));
    size_t cap = 0;
    char buf[SCRIPT_MAX_LINE + 2];
    unsigned lineno = 0;
    char *line;
    bool ok;
    while ((ok = app_read_line(f, buf, sizeof buf, shown, &lineno, &line, e)) && line) {
        if (s->count == SCRIPT_MAX_COMMANDS) {
            ok = err_set(e, ERR_USAGE, "%s:%u: more than %d commands", shown, lineno,
                         SCRIPT_MAX_COMMANDS);
            break;
        }
        if (s->count == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct app_script_cmd *grown =
                arena_realloc(&s->arena, s->cmds, cap * sizeof *grown, ncap * sizeof *grown);
            if (!grown) {
                ok = err_set(e, ERR_NOMEM, "%s: out of memory", shown);
                break;
            }
            s->cmds = grown;
            cap = ncap;
        }
        struct app_script_cmd *c = &s->cmds[s->count];
        *c = (struct app_script_cmd){.line = lineno};
        if (!parse_line(s, line, c, e)) {
            err_prefix(e, "%s:%u", shown, lineno);
            ok = false;
            break;
        }
        s->count++;
    }
    if (ok && ferror(f))
        ok = err_set(e, ERR_USAGE, "%s: cannot read the events script: %s", shown, strerror(errno));
    fclose(f);
    if (!ok) {
        arena_fini(&s->arena);
        arena_init(&s->arena, 0);
        s->cmds = NULL;
        s->count = 0;
    }
    return ok;
}

void
app_script_fini(struct app_script *s)
{
    arena_fini(&s->arena);
    s->cmds = NULL;
    s->count = 0;
}
