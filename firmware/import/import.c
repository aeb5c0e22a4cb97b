/* newsbundle import: inputs read and detected by content, articles named,
 * photos converted, the edition folder written beside the target and
 * renamed into place once the edition module has checked it. */
#include "import_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <unistr.h>

#include "edition.h"
#include "fileio.h"

/* All the text of one import, and what photos' captions add. */
#define IMPORT_ARENA_BUDGET (768u * 1024u * 1024u)

void
import_options_default(struct import_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_photo_width = IMPORT_DEFAULT_PHOTO_WIDTH;
}

struct import_batch *
import_batch_create(void)
{
    struct import_batch *b = calloc(1, sizeof *b);
    if (b)
        arena_init(&b->arena, IMPORT_ARENA_BUDGET);
    return b;
}

void
import_batch_destroy(struct import_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->count; i++)
        free(b->arts[i].blocks);
    free(b->arts);
    arena_fini(&b->arena);
    free(b);
}

size_t
import_batch_count(const struct import_batch *b)
{
    return b->count;
}

enum kind { KIND_TEXT, KIND_XML, KIND_HTML, KIND_JSON };

/* What the bytes are: JSON Feed, an XML feed, HTML, or text. */
static enum kind
detect(const char *d, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < n && isspace((unsigned char)d[i]))
        i++;
    if (i < n && d[i] == '{')
        return KIND_JSON;
    if (i >= n || d[i] != '<')
        return KIND_TEXT;
    /* the first element's name, past declarations and comments */
    bool xml_decl = false;
    while (i < n && d[i] == '<') {
        if (n - i >= 4 && memcmp(d + i, "<!--", 4) == 0) {
            const char *end = memmem(d + i, n - i, "-->", 3);
            if (!end)
                return KIND_HTML;
            i = (size_t)(end - d) + 3;
        } else if (n - i >= 2 && d[i + 1] == '?') {
            xml_decl = true;
            const char *end = memmem(d + i, n - i, "?>", 2);
            if (!end)
                return KIND_XML;
            i = (size_t)(end - d) + 2;
        } else {
            size_t s = i + 1;
            if (n - i >= 9 && strncasecmp(d + i, "<!DOCTYPE", 9) == 0) {
                s = i + 9;
                while (s < n && isspace((unsigned char)d[s]))
                    s++;
            }
            size_t e = s;
            while (e < n && (isalnum((unsigned char)d[e]) || d[e] == ':' || d[e] == '-'))
                e++;
            size_t len = e - s;
            if ((len == 3 && strncmp(d + s, "rss", 3) == 0) ||
                (len == 4 && strncmp(d + s, "feed", 4) == 0) ||
                (len == 7 && strncmp(d + s, "rdf:RDF", 7) == 0))
                return KIND_XML;
            /* an XML document that is not XHTML: the feed reader says what it is */
            if (xml_decl && !(len == 4 && strncasecmp(d + s, "html", 4) == 0))
                return KIND_XML;
            return KIND_HTML;
        }
        while (i < n && isspace((unsigned char)d[i]))
            i++;
    }
    return KIND_HTML;
}

bool
import_batch_add(struct import_batch *b, const char *name, const char *base, const void *data,
                 size_t len, const struct import_options *o, struct err *e)
{
    const char *d = data;
    enum kind k = detect(d, len);
    size_t max = k == KIND_XML || k == KIND_JSON ? IMPORT_MAX_FEED_BYTES : IMPORT_MAX_PAGE_BYTES;
    if (len > max)
        return err_set(e, ERR_LIMIT, "%s: %zu bytes, more than the %u MiB a%s may be", name, len,
                       (unsigned)(max >> 20),
                       max == IMPORT_MAX_FEED_BYTES ? " feed" : "n HTML page or text scrape");
    size_t before = b->count;
    bool ok;
    switch (k) {
    case KIND_JSON:
        ok = imp_json_feed(b, name, base, d, len, o, e);
        break;
    case KIND_XML:
        ok = imp_xml_feed(b, name, base, d, len, o, e);
        break;
    case KIND_HTML:
        ok = imp_html_page(b, name, base, d, len, o, e);
        break;
    default: {
        size_t head = len < 4096 ? len : 4096;
        const uint8_t *bad = u8_check((const uint8_t *)d, head);
        /* a character cut at the 4 KiB mark is fine */
        if (memchr(d, '\0', head) || (bad && (size_t)(bad - (const uint8_t *)d) + 4 < head))
            return err_set(e, ERR_INVALID,
                           "%s: not an RSS, Atom or JSON feed, an HTML page or UTF-8 text", name);
        ok = imp_scrape(b, name, base, d, len, o, e);
    }
    }
    if (!ok) {
        while (b->count > before)
            imp_article_drop(b);
        return false;
    }
    /* An item without a headline takes its first words. */
    for (size_t i = before; i < b->count; i++) {
        struct imp_article *a = &b->arts[i];
        if (a->title[0])
            continue;
        const char *src = a->deck[0] ? a->deck : "";
        for (size_t j = 0; !src[0] && j < a->count; j++)
            if (a->blocks[j].kind != IMP_FIGURE)
                src = a->blocks[j].text;
        if (!src[0])
            src = "Untitled";
        size_t n = strlen(src);
        if (n > 80) {
            n = 80;
            while (n > 40 && src[n] != ' ')
                n--;
            while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
                n--;
        }
        a->title = n < strlen(src) ? arena_printf(&b->arena, "%.*s\u2026", (int)n, src)
                                   : arena_strndup(&b->arena, src, n);
        if (!a->title)
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    return true;
}

bool
import_batch_markdown(const struct import_batch *b, size_t i, char **out, size_t *len,
                      struct err *e)
{
    struct sbuf s = {0};
    if (i >= b->count || !imp_markdown(&b->arts[i], &s)) {
        sbuf_fini(&s);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    *out = s.s;
    *len = s.len;
    return true;
}

/* ---- writing the folder ---- */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(path);
}

static void
rm_tree(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool
read_path(const char *path, size_t max, char **data, size_t *len, struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_INVALID, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    bool ok = fstat(fd, &st) == 0;
    if (ok && !S_ISREG(st.st_mode))
        ok = err_set(e, ERR_INVALID, "%s: not a regular file", path);
    else if (ok && !fileio_read_all(fd, (size_t)st.st_size, max, data, len))
        ok = err_set(e, errno == EFBIG ? ERR_LIMIT : ERR_IO, "%s: %s", path,
                     errno == EFBIG ? "larger than the largest input (128 MiB)" : strerror(errno));
    close(fd);
    return ok;
}

static bool
write_path(const char *path, const void *data, size_t len, struct err *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_set(e, ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    bool ok = fileio_write_all(fd, data, len, NULL);
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok)
        return err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(saved));
    return true;
}

/* Copies dir/sub's regular files into tmp/sub. */
static bool
copy_dir(const char *dir, const char *tmp, const char *sub, struct err *e)
{
    char from[4096], to[4096];
    snprintf(from, sizeof from, "%s%s%s", dir, sub[0] ? "/" : "", sub);
    DIR *d = opendir(from);
    if (!d)
        return errno == ENOENT || err_set(e, ERR_IO, "%s: cannot read: %s", from, strerror(errno));
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(from, sizeof from, "%s%s%s/%s", dir, sub[0] ? "/" : "", sub, de->d_name);
        snprintf(to, sizeof to, "%s%s%s/%s", tmp, sub[0] ? "/" : "", sub, de->d_name);
        struct stat st;
        if (lstat(from, &st) != 0 || !S_ISREG(st.st_mode))
            continue; /* folders are made by us; links and others are not carried */
        char *data;
        size_t len;
        ok = read_path(from, SIZE_MAX / 2, &data, &len, e);
        if (ok) {
            ok = write_path(to, data, len, e);
            free(data);
        }
    }
    closedir(d);
    return ok;
}

static void
slug(const char *title, char *out, size_t n)
{
    size_t w = 0;
    bool dash = false;
    for (const char *s = title; *s && w + 2 < n && w < 40; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) && c < 0x80) {
            if (dash && w)
                out[w++] = '-';
            out[w++] = (char)tolower(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    out[w] = '\0';
    if (!w)
        snprintf(out, n, "article");
}

static bool
exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void
today(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d", &tm);
}

/* Photos of article a: converted, written, named; duplicates dropped. */
static bool
photos(struct import_batch *b, struct imp_article *a, const char *tmp, const char *stem,
       const struct import_options *o, struct err *e)
{
    size_t w = 0, k = 0;
    char **seen = calloc(a->count ? a->count : 1, sizeof *seen);
    size_t seen_count = 0;
    bool ok = seen != NULL;
    if (!ok)
        err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; ok && i < a->count; i++) {
        struct imp_block *blk = &a->blocks[i];
        if (blk->kind != IMP_FIGURE) {
            a->blocks[w++] = *blk;
            continue;
        }
        char *path = NULL;
        if (!imp_resolve(blk->src, a->base, &path, e)) {
            imp_item_err(e, a);
            ok = false;
            break;
        }
        bool dup = false;
        for (size_t s = 0; s < seen_count; s++)
            dup = dup || strcmp(seen[s], path) == 0;
        if (dup) {
            free(path);
            continue;
        }
        seen[seen_count++] = path;
        char *jpeg = NULL, *cap = NULL, *cred = NULL;
        size_t jl = 0;
        if (!imp_photo_convert(path, o->max_photo_width, &jpeg, &jl, &cap, &cred, e)) {
            imp_item_err(e, a);
            ok = false;
            break;
        }
        if (!blk->text[0] && cap)
            blk->text = imp_clean(b, cap, strlen(cap), false);
        if (!blk->credit[0] && cred)
            blk->credit = imp_clean(b, cred, strlen(cred), false);
        free(cap);
        free(cred);
        char rel[128], full[4096];
        snprintf(rel, sizeof rel, "images/%s-%zu.jpg", stem, ++k);
        snprintf(full, sizeof full, "%s/%s", tmp, rel);
        blk->image = arena_strdup(&b->arena, rel);
        ok = blk->text && blk->credit && blk->image;
        if (!ok)
            err_set(e, ERR_NOMEM, "out of memory");
        ok = ok && write_path(full, jpeg, jl, e);
        free(jpeg);
        a->blocks[w++] = *blk;
    }
    if (ok)
        a->count = w;
    for (size_t s = 0; s < seen_count; s++)
        free(seen[s]);
    free(seen);
    return ok;
}

static bool
add_section(const char ***secs, size_t *n, const char *s)
{
    if (!s || !s[0])
        return true;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*secs)[i], s) == 0)
            return true;
    const char **p = realloc(*secs, (*n + 1) * sizeof *p);
    if (!p)
        return false;
    p[(*n)++] = s;
    *secs = p;
    return true;
}

static bool
write_manifest(const char *tmp, const struct edition *old, const struct import_batch *b,
               const char *const *paths, const struct import_options *o, struct err *e)
{
    struct sbuf m = {0};
    char date[32];
    if (o->today)
        snprintf(date, sizeof date, "%.10s", o->today);
    else
        today(date, sizeof date);
    sbuf_adds(&m, "# Written by newsbundle import; edit freely, then newsbundle pack.\n"
                  "format: 1\ntitle: ");
    const char *title = o->title                  ? o->title
                        : old                     ? old->title
                        : b->title && b->title[0] ? b->title
                                                  : "Imported edition";
    imp_yaml_string(&m, title);
    char num[128];
    snprintf(num, sizeof num, "\nedition: %s\nsequence: %lld\nlanguage: ", date,
             old ? (long long)old->sequence + 1 : 1LL);
    sbuf_adds(&m, num);
    const char *lang = o->language                     ? o->language
                       : old                           ? old->language
                       : b->language && b->language[0] ? b->language
                                                       : "en";
    imp_yaml_string(&m, lang);
    sbuf_addc(&m, '\n');
    if (old && old->publisher && old->publisher[0]) {
        sbuf_adds(&m, "publisher: ");
        imp_yaml_string(&m, old->publisher);
        sbuf_addc(&m, '\n');
    }
    const char **secs = NULL;
    size_t ns = 0;
    bool ok = true;
    for (size_t i = 0; old && i < old->section_count; i++)
        ok = ok && add_section(&secs, &ns, old->sections[i]);
    for (size_t i = 0; i < b->count; i++)
        ok = ok && add_section(&secs, &ns, b->arts[i].section);
    if (ns) {
        sbuf_adds(&m, "sections:\n");
        for (size_t i = 0; i < ns; i++) {
            sbuf_adds(&m, "  - ");
            imp_yaml_string(&m, secs[i]);
            sbuf_addc(&m, '\n');
        }
    }
    free(secs);
    sbuf_adds(&m, "articles:\n");
    for (size_t i = 0; old && i < old->article_count; i++) {
        sbuf_adds(&m, "  - ");
        sbuf_adds(&m, old->articles[i].path);
        sbuf_addc(&m, '\n');
    }
    for (size_t i = 0; i < b->count; i++) {
        sbuf_adds(&m, "  - ");
        sbuf_adds(&m, paths[i]);
        sbuf_addc(&m, '\n');
    }
    if (!ok || m.failed) {
        sbuf_fini(&m);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    char full[4096];
    snprintf(full, sizeof full, "%s/manifest.yaml", tmp);
    ok = write_path(full, m.s, m.len, e);
    sbuf_fini(&m);
    return ok;
}

/* The edition module's checks, as pack makes them, on the finished folder. */
static bool
check(const char *tmp, const char *src_dir, struct err *e)
{
    struct edition *ed = edition_open_dir(tmp, NULL, e);
    bool ok = ed != NULL;
    for (size_t i = 0; ok && i < ed->article_count; i++)
        ok = edition_load_body(ed, i, e);
    if (!ok)
        err_prefix(e, "%s: the imported edition breaks a rule of the bundle format", src_dir);
    edition_destroy(ed);
    return ok;
}

static bool
write_folder(struct import_batch *b, const char *src_dir, const struct import_options *o,
             struct err *e)
{
    struct stat st;
    bool had = stat(src_dir, &st) == 0;
    if (had && !S_ISDIR(st.st_mode))
        return err_set(e, ERR_USAGE, "%s: exists and is not a folder", src_dir);
    struct edition *old = NULL;
    char path[4096];
    if (had) {
        snprintf(path, sizeof path, "%s/manifest.yaml", src_dir);
        char *data;
        size_t len;
        if (exists(path)) {
            old = edition_create(NULL);
            if (!old)
                return err_set(e, ERR_NOMEM, "out of memory");
            if (!read_path(path, 256 * 1024, &data, &len, e)) {
                edition_destroy(old);
                return false;
            }
            bool ok = edition_parse_manifest(old, "manifest.yaml", data, len, e);
            free(data);
            if (!ok) {
                err_prefix(e, "%s: the folder's edition cannot take more articles", src_dir);
                edition_destroy(old);
                return false;
            }
        } else {
            DIR *d = opendir(src_dir);
            struct dirent *de;
            bool empty = true;
            while (d && (de = readdir(d)))
                empty = empty && (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."));
            if (d)
                closedir(d);
            if (!empty)
                return err_set(e, ERR_USAGE,
                               "%s: exists, is not empty and holds no manifest.yaml; give a new "
                               "folder or an edition folder",
                               src_dir);
        }
    }
    if (old && old->article_count + b->count > IMPORT_MAX_ARTICLES) {
        edition_destroy(old);
        return err_set(e, ERR_LIMIT, "%s: %zu articles with the new ones, more than %u", src_dir,
                       old->article_count + b->count, IMPORT_MAX_ARTICLES);
    }
    /* The temporary folder beside src_dir, on the same filesystem. */
    char *dup1 = strdup(src_dir), *dup2 = strdup(src_dir);
    char tmp[2048];
    if (strlen(src_dir) > 1000) {
        free(dup1);
        free(dup2);
        edition_destroy(old);
        return err_set(e, ERR_USAGE, "%.100s...: the folder's path is too long", src_dir);
    }
    if (!dup1 || !dup2) {
        free(dup1);
        free(dup2);
        edition_destroy(old);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    snprintf(tmp, sizeof tmp, "%s/.%s.import-XXXXXX", dirname(dup1), basename(dup2));
    free(dup1);
    free(dup2);
    if (!mkdtemp(tmp)) {
        edition_destroy(old);
        return err_set(e, ERR_IO, "%s: cannot make a temporary folder beside it: %s", src_dir,
                       strerror(errno));
    }
    bool ok = true;
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/articles", tmp);
    ok = mkdir(sub, 0755) == 0;
    snprintf(sub, sizeof sub, "%s/images", tmp);
    ok = ok && mkdir(sub, 0755) == 0;
    if (!ok)
        err_set(e, ERR_IO, "%s: cannot make folders: %s", tmp, strerror(errno));
    if (ok && had)
        ok = copy_dir(src_dir, tmp, "", e) && copy_dir(src_dir, tmp, "articles", e) &&
             copy_dir(src_dir, tmp, "images", e);
    if (ok && old) { /* the new manifest is written below */
        snprintf(sub, sizeof sub, "%s/manifest.yaml", tmp);
        unlink(sub);
    }
    char **paths = calloc(b->count, sizeof *paths);
    if (!paths && ok)
        ok = err_set(e, ERR_NOMEM, "out of memory");
    size_t first = old ? old->article_count + 1 : 1;
    for (size_t i = 0; ok && i < b->count; i++) {
        struct imp_article *a = &b->arts[i];
        char s[48], stem[64];
        slug(a->title, s, sizeof s);
        for (unsigned k = 0;; k++) {
            if (k)
                snprintf(stem, sizeof stem, "%03zu-%s-%u", first + i, s, k);
            else
                snprintf(stem, sizeof stem, "%03zu-%s", first + i, s);
            snprintf(path, sizeof path, "%s/articles/%s.md", tmp, stem);
            if (!exists(path))
                break;
        }
        ok = photos(b, a, tmp, stem, o, e);
        struct sbuf md = {0};
        if (ok && !imp_markdown(a, &md))
            ok = err_set(e, ERR_NOMEM, "out of memory");
        if (ok && md.len > 2u * 1024 * 1024) {
            err_set(e, ERR_LIMIT, "%zu bytes of Markdown, more than the 2 MiB an article may be",
                    md.len);
            imp_item_err(e, a);
            ok = false;
        }
        ok = ok && write_path(path, md.s, md.len, e);
        sbuf_fini(&md);
        snprintf(sub, sizeof sub, "articles/%s.md", stem);
        if (ok && !(paths[i] = strdup(sub)))
            ok = err_set(e, ERR_NOMEM, "out of memory");
    }
    ok = ok && write_manifest(tmp, old, b, (const char *const *)paths, o, e);
    ok = ok && check(tmp, src_dir, e);
    if (ok && !had && rename(tmp, src_dir) != 0)
        ok = err_set(e, ERR_IO, "%s: cannot rename %s into place: %s", src_dir, tmp,
                     strerror(errno));
    if (ok && had) {
        /* swap the folders in one step, then remove the old one */
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, src_dir, RENAME_EXCHANGE) != 0)
            ok = err_set(e, ERR_IO, "%s: cannot swap in the new edition: %s", src_dir,
                         strerror(errno));
    }
    rm_tree(tmp); /* the old edition after a swap, or what a failure left */
    for (size_t i = 0; paths && i < b->count; i++)
        free(paths[i]);
    free(paths);
    edition_destroy(old);
    return ok;
}

/* An input argument: a path or a file: URL; nothing from the network. */
static bool
input_path(const char *in, char **out, struct err *e)
{
    if (!imp_resolve(in, NULL, out, e)) {
        err_set(e, ERR_INVALID,
                "%.200s: a network URL; newsbundle import reads local files and file: URLs "
                "only (save the feed or page first)",
                in);
        return false;
    }
    return true;
}

bool
import_run(const char *const *inputs, size_t input_count, const char *src_dir,
           const struct import_options *o, size_t *added, struct err *e)
{
    if (o->max_photo_width < 16 || o->max_photo_width > 65535)
        return err_set(e, ERR_USAGE, "--max-photo-width must be 16 to 65535 pixels");
    struct import_batch *b = import_batch_create();
    if (!b)
        return err_set(e, ERR_NOMEM, "out of memory");
    bool ok = true;
    for (size_t i = 0; ok && i < input_count; i++) {
        char *path = NULL, *data = NULL;
        size_t len = 0;
        ok = input_path(inputs[i], &path, e) &&
             read_path(path, IMPORT_MAX_FEED_BYTES, &data, &len, e);
        if (ok) {
            char *d = strdup(path);
            ok = d ? import_batch_add(b, inputs[i], dirname(d), data, len, o, e)
                   : err_set(e, ERR_NOMEM, "out of memory");
            free(d);
        }
        free(data);
        free(path);
    }
    if (ok && b->count == 0)
        ok = err_set(e, ERR_INVALID, "no articles in the inputs (%zu given)", input_count);
    ok = ok && write_folder(b, src_dir, o, e);
    if (ok && added)
        *added = b->count;
    import_batch_destroy(b);
    return ok;
}
