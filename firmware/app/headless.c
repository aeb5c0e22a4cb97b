/* Headless modes: every page of an edition as PNG files (--render-pages) or
 * as JSON (--dump-layout), with no window and no display: a software renderer
 * on an XRGB8888 surface. Output is byte-identical across runs. */
#include <dirent.h>
#include <errno.h>
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
#include "layout.h"
#include "render.h"
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
    char *tmp_dir; /* a private unpack folder under $TMPDIR, removed at the end */
    struct edition *ed;
    struct text *text;
    struct layout *layout;
    struct l10n *l10n;
    struct layout_config cfg;
    struct layout_pages pages;
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
    layout_pages_fini(&s->pages);
    layout_destroy(s->layout);
    l10n_destroy(s->l10n);
    text_destroy(s->text);
    edition_destroy(s->ed);
    if (s->tmp_dir) {
        nftw(s->tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(s->tmp_dir);
    }
}

/* Opens --bundle (a folder, or an archive unpacked through the bundle
 * module's verified reader into a private temporary folder), or else the
 * installed edition in STATE_DIR/current. */
static bool
open_edition(struct session *s, const struct app_config *c, struct err *e)
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
        struct bundle_options opt;
        bundle_options_default(&opt);
        for (size_t i = 0; i < c->key_count && i < BUNDLE_MAX_KEYS; i++)
            opt.keys[opt.key_count++] = c->keys[i];
        opt.require_signature = c->require_signature;
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
    bool expired = edition_is_expired(s->ed, (int64_t)time(NULL));
    if (!layout_index(s->layout, &s->cfg, s->ed, expired, &s->pages, e))
        return false;
    for (size_t i = 0; i < s->ed->article_count; i++) {
        struct err w = {0};
        if (!edition_load_body(s->ed, i, &w)) {
            fprintf(stderr, "newskiosk: warning: %s (article left out)\n", w.msg);
            continue;
        }
        if (!layout_article(s->layout, &s->cfg, s->ed, i, &s->pages, e))
            return false;
    }
    return true;
}

static int
session_open(struct session *s, const struct app_config *c)
{
    *s = (struct session){0};
    layout_pages_init(&s->pages);
    struct err e = {0};
    if (!open_edition(s, c, &e) || !set_pages(s, c, &e)) {
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
    if (session_open(&s, c) != 0)
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
    if (!make_dirs(c->render_pages, &e)) {
        fprintf(stderr, "newskiosk: %s\n", e.msg);
        rc = e.code == ERR_USAGE ? 2 : 1;
        goto out;
    }
    remove_old_pages(c->render_pages);
    for (size_t i = 0; i < s.pages.count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%04zu.png", c->render_pages, i + 1);
        render_page(rd, &s.pages.pages[i], 0, 0);
        if (!render_save_png(r, w, h, path, &e)) {
            fprintf(stderr, "newskiosk: %s\n", e.msg);
            goto out;
        }
    }
    printf("newskiosk: wrote %zu pages to %s\n", s.pages.count, c->render_pages);
    rc = 0;
out:
    render_destroy(rd);
    if (r)
        SDL_DestroyRenderer(r);
    SDL_FreeSurface(surface);
    session_fini(&s);
    return rc;
}

/* A JSON string: quotes, backslashes and control characters escaped, UTF-8
 * passed through; an invalid byte (never from a validated edition) becomes
 * U+FFFD so the output stays valid JSON. */
static void
json_string(FILE *f, const char *s)
{
    fputc('"', f);
    const uint8_t *p = (const uint8_t *)(s ? s : "");
    size_t len = strlen((const char *)p);
    while (len) {
        ucs4_t u;
        int n = u8_mbtoucr(&u, p, len);
        if (n < 0) {
            fputs("\\ufffd", f);
            n = 1;
        } else if (u == '"' || u == '\\') {
            fputc('\\', f);
            fputc((int)u, f);
        } else if (u == '\n') {
            fputs("\\n", f);
        } else if (u == '\t') {
            fputs("\\t", f);
        } else if (u < 0x20 || u == 0x7F) {
            fprintf(f, "\\u%04x", (unsigned)u);
        } else {
            fwrite(p, 1, (size_t)n, f);
        }
        p += n;
        len -= (size_t)n;
    }
    fputc('"', f);
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
    }
    return "other";
}

static const char *
kind_name(enum layout_page_kind k)
{
    return k == LAYOUT_PAGE_INDEX ? "index" : k == LAYOUT_PAGE_ARTICLE ? "article" : "screen";
}

static void
json_box(FILE *f, int32_t x, int32_t y, int32_t w, int32_t h)
{
    fprintf(f, "\"x\": %d, \"y\": %d, \"w\": %d, \"h\": %d", (int)x, (int)y, (int)w, (int)h);
}

static void
json_page(FILE *f, const struct edition *ed, const struct layout_page *p)
{
    fprintf(f, "  {\"kind\": \"%s\", ", kind_name(p->kind));
    if (p->kind == LAYOUT_PAGE_ARTICLE && p->article >= 0 &&
        (size_t)p->article < ed->article_count) {
        fputs("\"article\": ", f);
        json_string(f, ed->articles[p->article].path);
        fputs(", ", f);
    }
    fprintf(f, "\"number\": %u, \"of\": %u, \"missing_glyphs\": %u,\n   \"lines\": [",
            (unsigned)p->number, (unsigned)p->of, (unsigned)p->missing_glyphs);
    for (size_t i = 0; i < p->line_count; i++) {
        const struct layout_line *l = &p->lines[i];
        fputs(i ? ",\n    {" : "\n    {", f);
        json_box(f, l->x, l->y, l->w, l->h);
        fprintf(f, ", \"role\": \"%s\", \"text\": ", layout_role_name((enum layout_role)l->role));
        json_string(f, l->text);
        fprintf(f, ", \"dir\": \"%s\", \"hyphenated\": %s}",
                l->dir == LAYOUT_DIR_RTL ? "rtl" : "ltr", l->hyphenated ? "true" : "false");
    }
    fputs("],\n   \"figures\": [", f);
    for (size_t i = 0; i < p->figure_count; i++) {
        const struct layout_figure *g = &p->figures[i];
        fputs(i ? ",\n    {" : "\n    {", f);
        json_box(f, g->x, g->y, g->w, g->h);
        fputs(", \"image\": ", f);
        json_string(f, g->image);
        fputs(", \"caption\": ", f);
        json_string(f, g->caption);
        fputs(", \"credit\": ", f);
        json_string(f, g->credit);
        fputc('}', f);
    }
    fputs("],\n   \"links\": [", f);
    for (size_t i = 0; i < p->link_count; i++) {
        const struct layout_link *k = &p->links[i];
        fputs(i ? ",\n    {" : "\n    {", f);
        json_box(f, k->x, k->y, k->w, k->h);
        fprintf(f, ", \"action\": \"%s\", \"enabled\": %s", action_name(k->action),
                k->enabled ? "true" : "false");
        if (k->action == LAYOUT_ACTION_OPEN_ARTICLE && k->article >= 0 &&
            (size_t)k->article < ed->article_count) {
            fputs(", \"article\": ", f);
            json_string(f, ed->articles[k->article].path);
        }
        fputc('}', f);
    }
    fputs("]}", f);
}

int
app_dump_layout(const struct app_config *c)
{
    if (!*c->dump_layout) {
        fprintf(stderr, "newskiosk: --dump-layout needs a file name (or - for standard output)\n");
        return 2;
    }
    struct session s;
    if (session_open(&s, c) != 0)
        return 1;
    bool to_stdout = strcmp(c->dump_layout, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(c->dump_layout, "w");
    if (!f) {
        fprintf(stderr, "newskiosk: %s: cannot write the layout: %s\n", c->dump_layout,
                strerror(errno));
        session_fini(&s);
        return 1;
    }
    fprintf(f, "{\"screen\": {\"width\": %d, \"height\": %d},\n \"pages\": [\n", s.cfg.width,
            s.cfg.height);
    for (size_t i = 0; i < s.pages.count; i++) {
        if (i)
            fputs(",\n", f);
        json_page(f, s.ed, &s.pages.pages[i]);
    }
    fputs("\n ]}\n", f);
    bool ok = !ferror(f);
    if (to_stdout)
        ok = fflush(f) == 0 && ok;
    else
        ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "newskiosk: %s: cannot write the layout: %s\n", c->dump_layout,
                strerror(errno));
    session_fini(&s);
    return ok ? 0 : 1;
}
