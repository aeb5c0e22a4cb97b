/* Shared inside app/: the kiosk's settings (command line over config file
 * over defaults) and the entry points of its modes. Not included from outside
 * app/. Main thread only. */
#ifndef NK_APP_INTERNAL_H
#define NK_APP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

#define APP_MAX_INBOXES 8
#define APP_MAX_KEYS 8
#define APP_DEFAULT_CONFIG "/etc/newskiosk/kiosk.conf"
#define APP_DEFAULT_STATE_DIR "/var/lib/newskiosk"
/* Quiet time (ms) a new file in an inbox keeps before it is read: Syncthing
 * renames a finished download into place, a copy may pause between writes. */
#define APP_DEFAULT_INBOX_SETTLE_MS 1500

struct app_config {
    /* what to show */
    const char *bundle;    /* --bundle: an archive or unpacked folder, shown without installing */
    const char *state_dir; /* --state-dir / state_dir: installed editions live in <dir>/current */
    const char *inbox[APP_MAX_INBOXES]; /* --inbox (repeatable) / inbox */
    size_t inbox_count;
    const char *keys[APP_MAX_KEYS]; /* --key PUBFILE (repeatable) / key: trusted minisign keys */
    size_t key_count;
    bool require_signature; /* --require-signature / require_signature */
    int inbox_settle_ms;    /* inbox_settle: quiet time before a new inbox file is read */

    /* the screen */
    int width, height; /* --size WxH / size; default 800x480 */
    int rotate;        /* --rotate 0|90|180|270 / rotate */
    bool fullscreen;   /* --fullscreen / fullscreen */
    float font_scale;  /* --font-scale / font_scale; 1.0 */
    int margin;        /* margin (px); 0 = automatic */
    int base_px;       /* font_size (px); 0 = automatic */
    bool ragged;       /* ragged_right */
    int theme;         /* --theme / theme: enum render_theme (normal, contrast, contrast-dark) */

    /* kiosk behaviour */
    int idle_timeout_s;     /* idle_timeout: back to the index, then attract loop; 0 = never */
    int attract_interval_s; /* attract_interval: seconds per story in the attract loop */
    bool
        allow_quit; /* --allow-quit / allow_quit: Escape on the index or closing the window quits */

    /* read-aloud (espeak-ng through SDL audio) */
    bool audio;        /* audio = on|off: off (or no audio device) hides the speaker */
    int speech_rate;   /* speech_rate: words a minute, 80..450; 175 */
    int speech_volume; /* speech_volume: 0..200; 100 */
    const char
        *speech_data; /* speech_data: the folder holding espeak-ng-data; NULL: the system's */

    /* modes */
    const char
        *config_path; /* --config FILE; default APP_DEFAULT_CONFIG (missing default is fine) */
    const char *render_pages;    /* --render-pages DIR */
    const char *dump_layout;     /* --dump-layout FILE */
    const char *events;          /* --events FILE: scripted input */
    bool exit_after_first_frame; /* --exit-after-first-frame */
    const char *latency_log;     /* --latency-log FILE: input-to-frame times */
    const char *open_article;    /* --open PATH: the first frame is this article's page 1 */
};

/* Defaults for every field. */
void app_config_defaults(struct app_config *c);

/* Reads a config file of `key = value` lines (# comments, blank lines);
 * unknown keys and bad values fail with "FILE:LINE: ..." in e. Strings are
 * kept in storage owned by the config module for the process's life. */
bool app_config_load_file(struct app_config *c, const char *path, bool missing_ok, struct err *e);
/* Parses "800x480" (each side 240..4096) for --size and size =. */
bool app_config_parse_size(const char *s, int *w, int *h);

/* The line-oriented text formats (config file, --events scripts; textfile.c).
 * app_read_line reads f into buf (size bytes: lines of up to size - 2
 * characters) until a line that is neither blank nor a '#' comment, and sets
 * *line to it, trimmed, inside buf; *line is NULL at the end of the file or
 * on a read error (check ferror). *lineno counts every line read. False on a
 * longer line, with "NAME:LINE: line longer than N characters" in e. */
bool app_read_line(FILE *f, char *buf, size_t size, const char *name, unsigned *lineno, char **line,
                   struct err *e);
/* Trims spaces, tabs and line ends at both ends of s in place; returns the
 * first character kept. */
char *app_trim(char *s);
/* A whole decimal number from lo to hi; false on anything else (empty,
 * trailing characters, out of range). */
bool app_parse_int(const char *s, long lo, long hi, int *out);

struct layout_config;
/* The typesetting settings for c's screen (rotated 90/270: width and height
 * swap), font scale, margin, size, ragged right, with the reader's navigation
 * bar (its speaker when audio = on): one builder for the reader and the headless modes, so a
 * rendered page is exactly what the screen shows (headless.c). */
void app_layout_config(const struct app_config *c, struct layout_config *out);

struct l10n;
/* The chrome's catalogues, from BIN/../share/newskiosk/locale beside the
 * running binary (the build tree and the installed package alike), else
 * NK_LOCALE_DIR. LANGUAGE is removed from the environment first (the
 * chrome's language is the edition's, and glibc would let LANGUAGE override
 * it), so call before starting threads. NULL, with a warning on stderr, when
 * they cannot be used: the chrome is then English. (headless.c) */
struct l10n *app_l10n_open(void);

/* Headless: every page of every screen (index pages, then each article's
 * pages) to DIR/NNNN.png; returns the exit code. (headless.c) */
int app_render_pages(const struct app_config *c);
/* Headless: the typeset pages as JSON to FILE (headless.c). */
int app_dump_layout(const struct app_config *c);
struct layout_line;
struct layout_page;
struct speech_item;
struct edition;
/* Whether line l sets (part of) the read-aloud item it (NULL: none): a line
 * of its block whose bytes overlap the sentence's, or a figure's caption and
 * credit lines. (headless.c) */
bool app_line_speaking(const struct layout_line *l, const struct speech_item *it);
/* One page in the --dump-layout JSON shape (a "pages" array of one; none
 * when page is NULL) to path, the lines of speaking marked "speaking": true.
 * (headless.c, for the events script's `dump`) */
bool app_dump_page(const char *path, int width, int height, const struct edition *ed,
                   const struct layout_page *page, const struct speech_item *speaking,
                   struct err *e);

/* The interactive kiosk: window (or dummy driver), loader, event loop,
 * scripted events (loop.c). */
int app_run(const struct app_config *c);

#endif
