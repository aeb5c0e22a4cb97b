/* Headless modes: every page of an edition as PNG files (--render-pages) or
 * as JSON (--dump-layout), with no window and no display: a software renderer
 * on an XRGB8888 surface. Output is byte-identical across runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <limits.h>
#include <unistd.h>
#include <unistr.h>

#include "app_internal.h"
#include "bundle.h"
#include "edition.h"
#include "l10n.h"
#include "fileio.h"
#include "layout.h"
#include "render.h"
#include "speech.h"
#include "text.h"

#ifndef NK_HYPHEN_DIR
#define NK_HYPHEN_DIR "/usr/share/hyphen"
#endif

void
app_layout_config(const struct app_config *c, struct layout_config *out)
{
    int w = c->width, h = c->height;
    if (c->rotate == 90 || c->rotate == 270) {
        w = c->height;
        h = c->width;
    }
    layout_config_default(out, w, h);
    out->font_scale = c->font_scale > 0 ? c->font_scale : 1.0f;
    if (c->margin > 0)
        out->margin = c->margin;
    if (c->base_px > 0)
        out->base_px = c->base_px;
    out->ragged = c->ragged;
    out->nav_bar = true;
    /* the speaker as a kiosk with audio shows it; the kiosk drops it when no
     * audio device or voice can be opened (loop.c) */
    out->speaker = c->audio;
}

#ifndef NK_LOCALE_DIR
#define NK_LOCALE_DIR "/usr/share/newskiosk/locale"
#endif

struct l10n *
app_l10n_open(void)
{
    unsetenv("LANGUAGE");
    char dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 64);
    bool beside = false;
    if (n > 0) {
        dir[n] = '\0';
        char *slash = strrchr(dir, '/');
        if (slash) {
            strcpy(slash, "/../share/newskiosk/locale");
            struct stat st;
            beside = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
        }
    }
    if (!beside)
        snprintf(dir, sizeof dir, "%s", NK_LOCALE_DIR);
    struct err e = {0};
    struct l10n *l = l10n_create(dir, &e);
    if (!l)
        fprintf(stderr, "newskiosk: warning: %s\n", e.msg);
    return l;
}

/* Everything one headless run holds; released by session_fini. */
struct session {
    char *tmp_dir;              /* a private unpack folder under $TMPDIR, removed at the end */
    struct bundle_files *files; /* an archive read into memory (no photos) */
    struct edition *ed;
    struct text *text;
    struct layout *layout;
    struct l10n *l10n;
    struct layout_config cfg;
    /* The index's pages, then each article's in its own set: appending every
     * article to one set would copy the pages so far each time (quadratic;
     * 63 M instructions at 100 articles). */
    struct layout_pages *sets;
    size_t set_count; /* 1 + the articles laid out so far */
};

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void
session_fini(struct session *s)
{
    for (size_t i = 0; i < s->set_count; i++)
        layout_pages_fini(&s->sets[i]);
    free(s->sets);
    layout_destroy(s->layout);
    l10n_destroy(s->l10n);
    text_destroy(s->text);
    edition_destroy(s->ed);
    bundle_files_destroy(s->files);
    if (s->tmp_dir) {
        nftw(s->tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(s->tmp_dir);
    }
}

/* Opens --bundle (a folder, or an archive through the bundle module's
 * verified reader: into memory when no photo is drawn, else unpacked into a
 * private temporary folder), or else the installed edition in
 * STATE_DIR/current. */
static bool
open_edition(struct session *s, const struct app_config *c, bool photos, struct err *e)
{
    char current[4096];
    const char *path = c->bundle;
    if (!path) {
        snprintf(current, sizeof current, "%s/current", c->state_dir ? c->state_dir : ".");
        path = current;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return err_set(e, ERR_IO, "%s: cannot open the edition: %s%s", path, strerror(errno),
                       c->bundle ? "" : " (give one with --bundle PATH)");
    const char *dir = path;
    struct bundle_options opt;
    bundle_options_default(&opt);
    for (size_t i = 0; i < c->key_count && i < BUNDLE_MAX_KEYS; i++)
        opt.keys[opt.key_count++] = c->keys[i];
    opt.require_signature = c->require_signature;
    opt.transient = true; /* the unpack folder is removed at the end */
    if (!S_ISDIR(st.st_mode) && !photos) {
        /* The layout needs the text and each photo's size, not its pixels:
         * nothing is written to disk, or removed at the end. */
        if (!bundle_load(path, &opt, &s->files, e))
            return false;
        s->ed = edition_open_files(bundle_files_view(s->files), NULL, e);
        if (!s->ed)
            err_prefix(e, "%s", path);
        return s->ed != NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        const char *tmp = getenv("TMPDIR");
        size_t n = strlen(tmp && *tmp ? tmp : "/tmp") + 32;
        s->tmp_dir = malloc(n);
        if (!s->tmp_dir)
            return err_set(e, ERR_NOMEM, "out of memory");
        snprintf(s->tmp_dir, n, "%s/newskiosk-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(s->tmp_dir)) {
            err_set(e, ERR_IO, "%s: cannot create a temporary folder: %s", s->tmp_dir,
                    strerror(errno));
            free(s->tmp_dir);
            s->tmp_dir = NULL;
            return false;
        }
        if (!bundle_unpack(path, s->tmp_dir, &opt, e))
            return false;
        dir = s->tmp_dir;
    }
    s->ed = edition_open_dir(dir, NULL, e);
    if (!s->ed && strncmp(e->msg, path, strlen(path)) != 0)
        err_prefix(e, "%s", path); /* which edition: the message names the file in it */
    return s->ed != NULL;
}

/* Sets the index pages, then each article's pages. An article whose body
 * cannot be read is left out with a warning (skip-and-warn). */
static bool
set_pages(struct session *s, const struct app_config *c, struct err *e)
{
    struct text_fonts fonts;
    text_fonts_default(&fonts);
    s->text = text_create(&fonts, e);
    if (!s->text)
        return false;
    s->layout = layout_create(text_metrics(s->text), NK_HYPHEN_DIR);
    if (!s->layout)
        return err_set(e, ERR_NOMEM, "out of memory creating the typesetter");
    app_layout_config(c, &s->cfg);
    s->l10n = app_l10n_open();
    /* the chrome in the edition's language (NULL: English) */
    const struct l10n_locale *loc = l10n_locale(s->l10n, s->ed->language);
    s->cfg.locale = loc->translated ? &loc->layout : NULL;
    s->sets = calloc(s->ed->article_count + 1, sizeof *s->sets);
    if (!s->sets)
        return err_set(e, ERR_NOMEM, "out of memory for %zu articles' pages", s->ed->article_count);
    layout_pages_init(&s->sets[s->set_count++]);
    bool expired = edition_is_expired(s->ed, (int64_t)time(NULL));
    if (!layout_index(s->layout, &s->cfg, s->ed, expired, &s->sets[0], e))
        return false;
    for (size_t i = 0; i < s->ed->article_count; i++) {
        struct err w = {0};
        if (!edition_load_body(s->ed, i, &w)) {
            fprintf(stderr, "newskiosk: warning: %s (article left out)\n", w.msg);
            continue;
        }
        struct layout_pages *set = &s->sets[s->set_count++];
        layout_pages_init(set);
        if (!layout_article(s->layout, &s->cfg, s->ed, i, set, e))
            return false;
    }
    return true;
}

static int
session_open(struct session *s, const struct app_config *c, bool photos)
{
    *s = (struct session){0};
    struct err e = {0};
    if (!open_edition(s, c, photos, &e) || !set_pages(s, c, &e)) {
        fprintf(stderr, "newskiosk: %s\n", e.msg);
        session_fini(s);
        return 1;
    }
    return 0;
}

/* mkdir -p */
static bool
make_dirs(const char *path, struct err *e)
{
    char buf[4096];
    if (!*path)
        return err_set(e, ERR_USAGE, "--render-pages needs a folder name");
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return err_set(e, ERR_USAGE, "%.64s...: path too long", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char keep = *p;
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return err_set(e, ERR_IO, "%s: cannot create the folder: %s", buf, strerror(errno));
            *p = keep;
            if (!keep)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return err_set(e, ERR_IO, "%s: not a folder", path);
    return true;
}

/* Removes NNNN.png files a previous run left, so DIR holds exactly this
 * edition's pages. Other files are left alone. */
static void
remove_old_pages(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        const char *n = ent->d_name;
        size_t len = strlen(n);
        if (len < 8 || strcmp(n + len - 4, ".png") != 0 || strspn(n, "0123456789") != len - 4)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, n);
        remove(path);
    }
    closedir(d);
}

int
app_render_pages(const struct app_config *c)
{
    if (!*c->render_pages) {
        fprintf(stderr, "newskiosk: --render-pages needs a folder name\n");
        return 2;
    }
    struct session s;
    if (session_open(&s, c, true) != 0)
        return 1;
    int rc = 1;
    struct err e = {0};
    int w = s.cfg.width, h = s.cfg.height;
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
    SDL_Renderer *r = surface ? SDL_CreateSoftwareRenderer(surface) : NULL;
    struct render *rd = r ? render_create(r, s.text, &e) : NULL;
    if (!rd) {
        fprintf(stderr, "newskiosk: cannot create a %dx%d software renderer: %s\n", w, h,
                e.msg[0] ? e.msg : SDL_GetError());
        goto out;
    }
    render_set_root(rd, s.ed->root);
    render_set_theme(rd, (enum render_theme)c->theme);
    if (!make_dirs(c->render_pages, &e)) {
        fprintf(stderr, "newskiosk: %s\n", e.msg);
        rc = e.code == ERR_USAGE ? 2 : 1;
        goto out;
    }
    remove_old_pages(c->render_pages);
    size_t n = 0;
    for (size_t k = 0; k < s.set_count; k++) {
        for (size_t i = 0; i < s.sets[k].count; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%04zu.png", c->render_pages, ++n);
            render_page(rd, &s.sets[k].pages[i], 0, 0);
            if (!render_save_png(r, w, h, path, &e)) {
                fprintf(stderr, "newskiosk: %s\n", e.msg);
                goto out;
            }
        }
    }
    printf("newskiosk: wrote %zu pages to %s\n", n, c->render_pages);
    rc = 0;
out:
    render_destroy(rd);
    if (r)
        SDL_DestroyRenderer(r);
    SDL_FreeSurface(surface);
    session_fini(&s);
    return rc;
}

/* The --dump-layout output: a buffer written out with write(2) whenever it
 * fills (a few MB for an edition of a hundred articles), instead of stdio's
 * locked call per token. The first write error is kept and reported once. */
#define JSON_BUF_BYTES (256 * 1024)
struct json_out {
    int fd;
    int err; /* errno of the first failed write, 0 while all went well */
    size_t len;
    char buf[JSON_BUF_BYTES];
};

static void
json_flush(struct json_out *o)
{
    if (o->len && !o->err && !fileio_write_all(o->fd, o->buf, o->len, NULL))
        o->err = errno ? errno : EIO;
    o->len = 0;
}

static void
json_put(struct json_out *o, const void *data, size_t n)
{
    if (n > sizeof o->buf - o->len) {
        json_flush(o);
        if (n > sizeof o->buf) { /* a line longer than the buffer: write it through */
            if (!o->err && !fileio_write_all(o->fd, data, n, NULL))
                o->err = errno ? errno : EIO;
            return;
        }
    }
    memcpy(o->buf + o->len, data, n);
    o->len += n;
}

static void
json_puts(struct json_out *o, const char *s)
{
    json_put(o, s, strlen(s));
}

/* A decimal integer, as printf's %d writes it. */
static void
json_int(struct json_out *o, int32_t v)
{
    char tmp[12];
    char *p = tmp + sizeof tmp;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    json_put(o, p, (size_t)(tmp + sizeof tmp - p));
}

/* The escape of one character that JSON needs escaped, or NULL. */
static const char *
json_escape(uint8_t c, char tmp[8])
{
    if (c == '"')
        return "\\\"";
    if (c == '\\')
        return "\\\\";
    if (c == '\n')
        return "\\n";
    if (c == '\t')
        return "\\t";
    if (c < 0x20 || c == 0x7F) {
        snprintf(tmp, 8, "\\u%04x", (unsigned)c);
        return tmp;
    }
    return NULL;
}

/* A JSON string: quotes, backslashes and control characters escaped, UTF-8
 * passed through; an invalid byte (never from a validated edition) becomes
 * U+FFFD so the output stays valid JSON. Valid text (all of it, in practice)
 * is copied in runs between the bytes to escape. */
static void
json_string(struct json_out *o, const char *s)
{
    json_put(o, "\"", 1);
    const uint8_t *p = (const uint8_t *)(s ? s : "");
    size_t len = strlen((const char *)p);
    char tmp[8];
    if (!u8_check(p, len)) {
        const uint8_t *run = p;
        for (; len; p++, len--) {
            const char *esc = json_escape(*p, tmp);
            if (esc) {
                json_put(o, run, (size_t)(p - run));
                json_puts(o, esc);
                run = p + 1;
            }
        }
        json_put(o, run, (size_t)(p - run));
        json_put(o, "\"", 1);
        return;
    }
    while (len) {
        ucs4_t u;
        int n = u8_mbtoucr(&u, p, len);
        const char *esc = NULL;
        if (n < 0) {
            esc = "\\ufffd";
            n = 1;
        } else if (u < 0x80) {
            esc = json_escape((uint8_t)u, tmp);
        }
        if (esc)
            json_puts(o, esc);
        else
            json_put(o, p, (size_t)n);
        p += n;
        len -= (size_t)n;
    }
    json_put(o, "\"", 1);
}

static const char *
action_name(uint8_t a)
{
    switch (a) {
    case LAYOUT_ACTION_OPEN_ARTICLE:
        return "open_article";
    case LAYOUT_ACTION_SECTION:
        return "section";
    case LAYOUT_ACTION_PREV_STORY:
        return "prev_story";
    case LAYOUT_ACTION_CONTENTS:
        return "contents";
    case LAYOUT_ACTION_NEXT_STORY:
        return "next_story";
    case LAYOUT_ACTION_FONT_SMALLER:
        return "font_smaller";
    case LAYOUT_ACTION_FONT_LARGER:
        return "font_larger";
    case LAYOUT_ACTION_THEME:
        return "theme";
    case LAYOUT_ACTION_SPEAK:
        return "speak";
    }
    return "other";
}

static const char *
kind_name(enum layout_page_kind k)
{
    return k == LAYOUT_PAGE_INDEX ? "index" : k == LAYOUT_PAGE_ARTICLE ? "article" : "screen";
}

static void
json_box(struct json_out *o, int32_t x, int32_t y, int32_t w, int32_t h)
{
    json_puts(o, "\"x\": ");
    json_int(o, x);
    json_puts(o, ", \"y\": ");
    json_int(o, y);
    json_puts(o, ", \"w\": ");
    json_int(o, w);
    json_puts(o, ", \"h\": ");
    json_int(o, h);
}

bool
app_line_speaking(const struct layout_line *l, const struct speech_item *it)
{
    if (!it || l->block < 0 || l->block != it->block)
        return false;
    if (it->figure)
        return l->role == LAYOUT_ROLE_CAPTION || l->role == LAYOUT_ROLE_CREDIT;
    return l->role != LAYOUT_ROLE_CAPTION && l->role != LAYOUT_ROLE_CREDIT && l->start < it->end &&
           l->end > it->start;
}

/* One page; with speaking, the lines of the sentence being read carry
 * "speaking": true (an addition: every other key is as before). */
static void
json_page(struct json_out *o, const struct edition *ed, const struct layout_page *p,
          const struct speech_item *speaking)
{
    json_puts(o, "  {\"kind\": \"");
    json_puts(o, kind_name(p->kind));
    json_puts(o, "\", ");
    if (p->kind == LAYOUT_PAGE_ARTICLE && p->article >= 0 &&
        (size_t)p->article < ed->article_count) {
        json_puts(o, "\"article\": ");
        json_string(o, ed->articles[p->article].path);
        json_puts(o, ", ");
    }
    char head[128];
    snprintf(head, sizeof head,
             "\"number\": %u, \"of\": %u, \"missing_glyphs\": %u,\n   \"lines\": [",
             (unsigned)p->number, (unsigned)p->of, (unsigned)p->missing_glyphs);
    json_puts(o, head);
    for (size_t i = 0; i < p->line_count; i++) {
        const struct layout_line *l = &p->lines[i];
        json_puts(o, i ? ",\n    {" : "\n    {");
        json_box(o, l->x, l->y, l->w, l->h);
        json_puts(o, ", \"role\": \"");
        json_puts(o, layout_role_name((enum layout_role)l->role));
        json_puts(o, "\", \"text\": ");
        json_string(o, l->text);
        json_puts(o, l->dir == LAYOUT_DIR_RTL ? ", \"dir\": \"rtl\", \"hyphenated\": "
                                              : ", \"dir\": \"ltr\", \"hyphenated\": ");
        json_puts(o, l->hyphenated ? "true" : "false");
        json_puts(o, app_line_speaking(l, speaking) ? ", \"speaking\": true}" : "}");
    }
    json_puts(o, "],\n   \"figures\": [");
    for (size_t i = 0; i < p->figure_count; i++) {
        const struct layout_figure *g = &p->figures[i];
        json_puts(o, i ? ",\n    {" : "\n    {");
        json_box(o, g->x, g->y, g->w, g->h);
        json_puts(o, ", \"image\": ");
        json_string(o, g->image);
        json_puts(o, ", \"caption\": ");
        json_string(o, g->caption);
        json_puts(o, ", \"credit\": ");
        json_string(o, g->credit);
        json_puts(o, "}");
    }
    json_puts(o, "],\n   \"links\": [");
    for (size_t i = 0; i < p->link_count; i++) {
        const struct layout_link *k = &p->links[i];
        json_puts(o, i ? ",\n    {" : "\n    {");
        json_box(o, k->x, k->y, k->w, k->h);
        json_puts(o, ", \"action\": \"");
        json_puts(o, action_name(k->action));
        json_puts(o, k->enabled ? "\", \"enabled\": true" : "\", \"enabled\": false");
        if (k->action == LAYOUT_ACTION_OPEN_ARTICLE && k->article >= 0 &&
            (size_t)k->article < ed->article_count) {
            json_puts(o, ", \"article\": ");
            json_string(o, ed->articles[k->article].path);
        }
        json_puts(o, "}");
    }
    json_puts(o, "]}");
}

int
app_dump_layout(const struct app_config *c)
{
    if (!*c->dump_layout) {
        fprintf(stderr, "newskiosk: --dump-layout needs a file name (or - for standard output)\n");
        return 2;
    }
    struct session s;
    if (session_open(&s, c, false) != 0)
        return 1;
    bool to_stdout = strcmp(c->dump_layout, "-") == 0;
    int fd = to_stdout ? STDOUT_FILENO
                       : open(c->dump_layout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    struct json_out *o = fd >= 0 ? malloc(sizeof *o) : NULL;
    if (!o) {
        fprintf(stderr, "newskiosk: %s: cannot write the layout: %s\n", c->dump_layout,
                strerror(fd < 0 ? errno : ENOMEM));
        if (fd >= 0 && !to_stdout)
            close(fd);
        session_fini(&s);
        return 1;
    }
    o->fd = fd;
    o->err = 0;
    o->len = 0;
    char head[96];
    snprintf(head, sizeof head, "{\"screen\": {\"width\": %d, \"height\": %d},\n \"pages\": [\n",
             s.cfg.width, s.cfg.height);
    json_puts(o, head);
    bool first = true;
    for (size_t k = 0; k < s.set_count; k++) {
        for (size_t i = 0; i < s.sets[k].count; i++) {
            if (!first)
                json_puts(o, ",\n");
            first = false;
            json_page(o, s.ed, &s.sets[k].pages[i], NULL);
        }
    }
    json_puts(o, "\n ]}\n");
    json_flush(o);
    int err = o->err;
    if (!to_stdout && close(fd) != 0 && !err)
        err = errno;
    free(o);
    bool ok = err == 0;
    if (!ok)
        fprintf(stderr, "newskiosk: %s: cannot write the layout: %s\n", c->dump_layout,
                strerror(err));
    session_fini(&s);
    return ok ? 0 : 1;
}

bool
app_dump_page(const char *path, int width, int height, const struct edition *ed,
              const struct layout_page *page, const struct speech_item *speaking, struct err *e)
{
    char shown[256];
    err_escape(shown, sizeof shown, path, strlen(path));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    struct json_out *o = fd >= 0 ? malloc(sizeof *o) : NULL;
    if (!o) {
        int why = fd < 0 ? errno : ENOMEM;
        if (fd >= 0)
            close(fd);
        return err_set(e, ERR_IO, "%s: cannot write the page's layout: %s", shown, strerror(why));
    }
    o->fd = fd;
    o->err = 0;
    o->len = 0;
    char head[96];
    snprintf(head, sizeof head, "{\"screen\": {\"width\": %d, \"height\": %d},\n \"pages\": [\n",
             width, height);
    json_puts(o, head);
    if (page)
        json_page(o, ed, page, speaking);
    json_puts(o, "\n ]}\n");
    json_flush(o);
    int err = o->err;
    free(o);
    if (close(fd) != 0 && !err)
        err = errno;
    if (err)
        return err_set(e, ERR_IO, "%s: cannot write the page's layout: %s", shown, strerror(err));
    return true;
}
