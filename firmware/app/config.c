/* The kiosk's config file: `key = value` lines, `#` comment lines and blank
 * lines. Every key is checked; an unknown key or a bad value stops the kiosk
 * with "FILE:LINE: ..." so an operator finds the typo at once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "arena.h"
#include "layout.h"
#include "render.h"

#define CONFIG_MAX_LINE 4096

/* Strings read from config files live here for the process's life (the
 * config's const char * fields point into it). */
static struct arena config_strings;
static bool config_strings_ready;

void
app_config_defaults(struct app_config *c)
{
    *c = (struct app_config){.state_dir = APP_DEFAULT_STATE_DIR,
                             .config_path = APP_DEFAULT_CONFIG,
                             .width = 800,
                             .height = 480,
                             .font_scale = 1.0f,
                             .idle_timeout_s = 120,
                             .audio = true,
                             .speech_rate = 175,
                             .speech_volume = 100,
                             .attract_interval_s = 6,
                             .inbox_settle_ms = APP_DEFAULT_INBOX_SETTLE_MS};
}

bool
app_config_parse_size(const char *s, int *w, int *h)
{
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X') || errno)
        return false;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (end == t || *end || errno || a < 240 || b < 240 || a > 4096 || b > 4096)
        return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

static bool
parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static const char *
keep(const char *s)
{
    if (!config_strings_ready) {
        arena_init(&config_strings, 0);
        config_strings_ready = true;
    }
    char *copy = arena_strdup(&config_strings, s);
    if (!copy)
        abort(); /* a few short strings: out of memory at start-up is fatal */
    return copy;
}

/* Applies one key = value; false with the rule broken in e (no prefix). */
static bool
apply(struct app_config *c, const char *k, const char *v, struct err *e)
{
    char shown[96];
    err_escape(shown, sizeof shown, v, strlen(v));
    if (strcmp(k, "size") == 0) {
        if (!app_config_parse_size(v, &c->width, &c->height))
            return err_set(e, ERR_USAGE,
                           "size must be WxH between 240 and 4096, e.g. 800x480, not '%s'", shown);
    } else if (strcmp(k, "rotate") == 0) {
        int r;
        if (!app_parse_int(v, 0, 270, &r) || r % 90)
            return err_set(e, ERR_USAGE, "rotate must be 0, 90, 180 or 270, not '%s'", shown);
        c->rotate = r;
    } else if (strcmp(k, "fullscreen") == 0 || strcmp(k, "ragged_right") == 0 ||
               strcmp(k, "allow_quit") == 0 || strcmp(k, "require_signature") == 0) {
        bool b;
        if (!parse_bool(v, &b))
            return err_set(e, ERR_USAGE, "%s must be yes or no, not '%s'", k, shown);
        if (k[0] == 'f')
            c->fullscreen = b;
        else if (k[0] == 'r' && k[1] == 'a')
            c->ragged = b;
        else if (k[0] == 'a')
            c->allow_quit = b;
        else
            c->require_signature = b;
    } else if (strcmp(k, "font_scale") == 0) {
        char *end;
        double s = strtod(v, &end);
        if (end == v || *end || !(s >= LAYOUT_FONT_SCALE_MIN && s <= LAYOUT_FONT_SCALE_MAX))
            return err_set(e, ERR_USAGE, "font_scale must be a number from %.2g to %.2g, not '%s'",
                           (double)LAYOUT_FONT_SCALE_MIN, (double)LAYOUT_FONT_SCALE_MAX, shown);
        c->font_scale = (float)s;
    } else if (strcmp(k, "theme") == 0) {
        enum render_theme t;
        if (!render_theme_parse(v, &t))
            return err_set(e, ERR_USAGE,
                           "theme must be normal, contrast (black on white) or contrast-dark "
                           "(white on black), not '%s'",
                           shown);
        c->theme = (int)t;
    } else if (strcmp(k, "margin") == 0) {
        if (!app_parse_int(v, 0, 400, &c->margin))
            return err_set(e, ERR_USAGE, "margin must be 0 (automatic) to 400 px, not '%s'", shown);
    } else if (strcmp(k, "font_size") == 0) {
        if (!app_parse_int(v, 0, 96, &c->base_px) || (c->base_px && c->base_px < 8))
            return err_set(e, ERR_USAGE, "font_size must be 0 (automatic) or 8 to 96 px, not '%s'",
                           shown);
    } else if (strcmp(k, "idle_timeout") == 0) {
        if (!app_parse_int(v, 0, 86400, &c->idle_timeout_s))
            return err_set(e, ERR_USAGE,
                           "idle_timeout must be seconds from 0 (never) to 86400, not '%s'", shown);
    } else if (strcmp(k, "attract_interval") == 0) {
        if (!app_parse_int(v, 1, 3600, &c->attract_interval_s))
            return err_set(e, ERR_USAGE,
                           "attract_interval must be seconds from 1 to 3600, not '%s'", shown);
    } else if (strcmp(k, "inbox_settle") == 0) {
        if (!app_parse_int(v, 0, 600000, &c->inbox_settle_ms))
            return err_set(e, ERR_USAGE,
                           "inbox_settle must be milliseconds from 0 to 600000, not '%s'", shown);
    } else if (strcmp(k, "audio") == 0) {
        if (!parse_bool(v, &c->audio))
            return err_set(e, ERR_USAGE, "audio must be on or off, not '%s'", shown);
    } else if (strcmp(k, "speech_rate") == 0) {
        if (!app_parse_int(v, 80, 450, &c->speech_rate))
            return err_set(e, ERR_USAGE,
                           "speech_rate must be words a minute from 80 to 450 (175 is espeak-ng's "
                           "normal), not '%s'",
                           shown);
    } else if (strcmp(k, "speech_volume") == 0) {
        if (!app_parse_int(v, 0, 200, &c->speech_volume))
            return err_set(e, ERR_USAGE,
                           "speech_volume must be from 0 (silent) to 200 (100 is normal), not '%s'",
                           shown);
    } else if (strcmp(k, "speech_data") == 0) {
        if (v[0] != '/')
            return err_set(e, ERR_USAGE,
                           "speech_data must be the absolute path of the folder holding "
                           "espeak-ng-data, not '%s'",
                           shown);
        c->speech_data = keep(v);
    } else if (strcmp(k, "state_dir") == 0) {
        if (v[0] != '/')
            return err_set(e, ERR_USAGE, "state_dir must be an absolute path, not '%s'", shown);
        c->state_dir = keep(v);
    } else if (strcmp(k, "inbox") == 0) {
        if (v[0] != '/')
            return err_set(e, ERR_USAGE, "inbox must be an absolute path, not '%s'", shown);
        if (c->inbox_count == APP_MAX_INBOXES)
            return err_set(e, ERR_USAGE, "at most %d inbox lines", APP_MAX_INBOXES);
        c->inbox[c->inbox_count++] = keep(v);
    } else if (strcmp(k, "key") == 0) {
        if (!v[0])
            return err_set(e, ERR_USAGE, "key needs the path of a minisign public key file");
        if (c->key_count == APP_MAX_KEYS)
            return err_set(e, ERR_USAGE, "at most %d key lines", APP_MAX_KEYS);
        c->keys[c->key_count++] = keep(v);
    } else {
        char name[96];
        err_escape(name, sizeof name, k, strlen(k));
        return err_set(
            e, ERR_USAGE,
            "unknown key '%s' (known: size, rotate, fullscreen, font_scale, theme, margin, "
            "font_size, ragged_right, idle_timeout, attract_interval, allow_quit, "
            "state_dir, inbox, inbox_settle, key, require_signature, audio, "
            "speech_rate, speech_volume, speech_data)",
            name);
    }
    return true;
}

bool
app_config_load_file(struct app_config *c, const char *path, bool missing_ok, struct err *e)
{
    char shown[256];
    err_escape(shown, sizeof shown, path, strlen(path));
    FILE *f = fopen(path, "r");
    if (!f) {
        if (missing_ok && errno == ENOENT)
            return true;
        return err_set(e, ERR_IO, "%s: cannot open the config file: %s", shown, strerror(errno));
    }
    char line[CONFIG_MAX_LINE + 2];
    unsigned lineno = 0;
    char *s;
    bool ok;
    while ((ok = app_read_line(f, line, sizeof line, shown, &lineno, &s, e)) && s) {
        char *eq = strchr(s, '=');
        if (!eq) {
            char text[96];
            err_escape(text, sizeof text, s, strlen(s));
            ok = err_set(e, ERR_USAGE, "%s:%u: expected 'key = value', found '%s'", shown, lineno,
                         text);
            break;
        }
        *eq = '\0';
        char *k = app_trim(s), *v = app_trim(eq + 1);
        size_t vl = strlen(v);
        if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') { /* optional quotes */
            v[vl - 1] = '\0';
            v++;
        }
        if (!*k) {
            ok = err_set(e, ERR_USAGE, "%s:%u: a key is missing before '='", shown, lineno);
            break;
        }
        if (!apply(c, k, v, e)) {
            err_prefix(e, "%s:%u", shown, lineno);
            ok = false;
            break;
        }
    }
    if (ok && ferror(f))
        ok = err_set(e, ERR_IO, "%s: cannot read the config file: %s", shown, strerror(errno));
    fclose(f);
    return ok;
}
