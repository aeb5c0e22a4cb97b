/* manifest.yaml: every key checked, unknown keys refused (a typo must not
 * pass silently), messages "manifest.yaml:LINE: rule". */
#include "edition_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct manifest_ctx {
    struct edition *ed;
    const char *name;
    struct err *e;
};

static bool
nomem(struct manifest_ctx *m)
{
    return err_set(m->e, ERR_NOMEM, "%s: out of memory", m->name);
}

static bool
want_scalar(struct manifest_ctx *m, const struct yentry *ent, bool required)
{
    if (ent->kind != YENTRY_SCALAR)
        return err_set(m->e, ERR_INVALID, "%s:%zu: %s must be a single value, not a list or map",
                       m->name, ent->line, ent->key);
    if (required && ent->value.len == 0)
        return err_set(m->e, ERR_INVALID, "%s:%zu: %s must not be empty", m->name, ent->line,
                       ent->key);
    return true;
}

static bool
copy_string(struct manifest_ctx *m, const struct yentry *ent, bool required, const char **out)
{
    if (!want_scalar(m, ent, required))
        return false;
    *out = arena_strndup(&m->ed->arena, ent->value.text, ent->value.len);
    return *out ? true : nomem(m);
}

/* A plain decimal integer: "12", "-3"; no quotes, no 0x, no 1e3. */
static bool
parse_integer(struct manifest_ctx *m, const struct yentry *ent, int64_t *out)
{
    if (!want_scalar(m, ent, true))
        return false;
    const char *s = ent->value.text;
    const char *p = s + (*s == '-' || *s == '+');
    bool ok = ent->value.plain && *p;
    for (; ok && *p; p++)
        ok = *p >= '0' && *p <= '9';
    errno = 0;
    long long v = ok ? strtoll(s, NULL, 10) : 0;
    if (!ok || errno == ERANGE)
        return err_set(m->e, ERR_INVALID, "%s:%zu: %s must be an integer", m->name, ent->value.line,
                       ent->key);
    *out = v;
    return true;
}

static bool
parse_date(struct manifest_ctx *m, const struct yentry *ent, const char **out)
{
    if (!copy_string(m, ent, true, out))
        return false;
    if (!edition_parse_date(*out, NULL))
        return err_set(m->e, ERR_INVALID,
                       "%s:%zu: %s must be an ISO date (2026-11-28) or date-time with a zone "
                       "(2026-11-28T06:00:00Z, 2026-11-28T06:00:00+01:00)",
                       m->name, ent->value.line, ent->key);
    return true;
}

static int
cmp_ci(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcasecmp(*x, *y);
}

static bool
parse_sections(struct manifest_ctx *m, const struct yentry *ent)
{
    if (ent->kind != YENTRY_LIST)
        return err_set(m->e, ERR_INVALID, "%s:%zu: sections must be a list of names", m->name,
                       ent->line);
    if (ent->item_count > EDITION_MAX_SECTIONS)
        return err_set(m->e, ERR_LIMIT, "%s:%zu: more than %d sections", m->name, ent->line,
                       EDITION_MAX_SECTIONS);
    struct edition *ed = m->ed;
    ed->sections = arena_alloc(&ed->arena, (ent->item_count + 1) * sizeof *ed->sections);
    if (!ed->sections)
        return nomem(m);
    for (size_t i = 0; i < ent->item_count; i++) {
        const struct yitem *it = &ent->items[i];
        if (it->len == 0)
            return err_set(m->e, ERR_INVALID, "%s:%zu: a section name must not be empty", m->name,
                           it->line);
        for (size_t j = 0; j < i; j++)
            if (strcmp(ed->sections[j], it->text) == 0)
                return err_set(m->e, ERR_INVALID, "%s:%zu: section '%s' is listed twice", m->name,
                               it->line, it->text);
        ed->sections[i] = arena_strndup(&ed->arena, it->text, it->len);
        if (!ed->sections[i])
            return nomem(m);
    }
    ed->section_count = ent->item_count;
    return true;
}

static bool
parse_articles(struct manifest_ctx *m, const struct yentry *ent)
{
    struct edition *ed = m->ed;
    const struct edition_limits *lim = &edition_priv(ed)->limits;
    if (ent->kind != YENTRY_LIST)
        return err_set(m->e, ERR_INVALID, "%s:%zu: articles must be a list of paths", m->name,
                       ent->line);
    if (ent->item_count == 0)
        return err_set(m->e, ERR_INVALID, "%s:%zu: articles must list at least one article",
                       m->name, ent->line);
    if (ent->item_count > lim->max_articles)
        return err_set(m->e, ERR_LIMIT, "%s:%zu: %zu articles exceeds the limit of %zu", m->name,
                       ent->line, ent->item_count, lim->max_articles);
    size_t n = ent->item_count;
    ed->articles = arena_alloc(&ed->arena, n * sizeof *ed->articles);
    if (!ed->articles)
        return nomem(m);
    for (size_t i = 0; i < n; i++) {
        const struct yitem *it = &ent->items[i];
        if (strlen(it->text) != it->len || !edition_valid_article_path(it->text)) {
            char esc[128];
            err_escape(esc, sizeof esc, it->text, it->len);
            return err_set(m->e, ERR_INVALID,
                           "%s:%zu: article path '%s' is not of the form articles/NAME.md (NAME "
                           "of letters, digits, '-', '_', '.', not starting with '.')",
                           m->name, it->line, esc);
        }
        struct edition_article *a = &ed->articles[i];
        a->path = arena_strndup(&ed->arena, it->text, it->len);
        if (!a->path)
            return nomem(m);
        a->title = a->deck = a->byline = a->date = a->section = a->dir = "";
        a->language = ed->language;
    }
    /* Duplicates ignoring case (two such files cannot coexist on FAT). */
    const char **sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return nomem(m);
    for (size_t i = 0; i < n; i++)
        sorted[i] = ed->articles[i].path;
    qsort(sorted, n, sizeof *sorted, cmp_ci);
    for (size_t i = 1; i < n; i++) {
        if (strcasecmp(sorted[i - 1], sorted[i]) != 0)
            continue;
        /* report the second occurrence in manifest order */
        size_t first = SIZE_MAX, second = 0;
        for (size_t j = 0; j < n; j++)
            if (strcasecmp(ed->articles[j].path, sorted[i]) == 0) {
                if (first == SIZE_MAX) {
                    first = j;
                } else {
                    second = j;
                    break;
                }
            }
        free(sorted);
        return err_set(m->e, ERR_INVALID, "%s:%zu: article '%s' is listed twice (also on line %zu)",
                       m->name, ent->items[second].line, ed->articles[second].path,
                       ent->items[first].line);
    }
    free(sorted);
    ed->article_count = n;
    return true;
}

static bool
interpret(struct manifest_ctx *m, const struct ymap *map)
{
    struct edition *ed = m->ed;
    static const char *const required[] = {"format",   "title",    "edition",
                                           "sequence", "language", "articles"};
    const struct yentry *articles = NULL;
    for (size_t i = 0; i < map->count; i++) {
        const struct yentry *ent = &map->entries[i];
        const char *k = ent->key;
        bool ok;
        if (strcmp(k, "format") == 0) {
            int64_t v = 0;
            ok = parse_integer(m, ent, &v);
            if (ok && v != EDITION_FORMAT)
                ok = err_set(m->e, ERR_INVALID,
                             "%s:%zu: format %lld is not supported (this kiosk reads format %d)",
                             m->name, ent->value.line, (long long)v, EDITION_FORMAT);
            ed->format = (int)v;
        } else if (strcmp(k, "title") == 0) {
            ok = copy_string(m, ent, true, &ed->title);
        } else if (strcmp(k, "edition") == 0) {
            ok = parse_date(m, ent, &ed->edition);
        } else if (strcmp(k, "sequence") == 0) {
            ok = parse_integer(m, ent, &ed->sequence);
            if (ok && ed->sequence < 0)
                ok = err_set(m->e, ERR_INVALID, "%s:%zu: sequence must not be negative", m->name,
                             ent->value.line);
        } else if (strcmp(k, "language") == 0) {
            ok = copy_string(m, ent, true, &ed->language);
            if (ok && !edition_valid_language(ed->language))
                ok = err_set(m->e, ERR_INVALID,
                             "%s:%zu: language must be a BCP 47 tag such as en, fa or pt-BR",
                             m->name, ent->value.line);
        } else if (strcmp(k, "publisher") == 0) {
            ok = copy_string(m, ent, false, &ed->publisher);
        } else if (strcmp(k, "expires") == 0) {
            ok = parse_date(m, ent, &ed->expires);
        } else if (strcmp(k, "sections") == 0) {
            ok = parse_sections(m, ent);
        } else if (strcmp(k, "articles") == 0) {
            articles = ent; /* after language, which articles inherit */
            ok = true;
        } else {
            char esc[64];
            err_escape(esc, sizeof esc, k, strlen(k));
            ok = err_set(m->e, ERR_INVALID,
                         "%s:%zu: unknown key '%s' (known: format, title, edition, sequence, "
                         "language, publisher, expires, sections, articles)",
                         m->name, ent->line, esc);
        }
        if (!ok)
            return false;
    }
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++) {
        bool found = false;
        for (size_t i = 0; i < map->count && !found; i++)
            found = strcmp(map->entries[i].key, required[r]) == 0;
        if (!found)
            return err_set(m->e, ERR_INVALID, "%s: %s is required", m->name, required[r]);
    }
    return parse_articles(m, articles);
}

bool
edition_parse_manifest(struct edition *ed, const char *name, const void *data, size_t len,
                       struct err *e)
{
    struct manifest_ctx m = {ed, name, e};
    const struct edition_limits *lim = &edition_priv(ed)->limits;
    if (len > lim->max_manifest_bytes)
        return err_set(e, ERR_LIMIT, "%s: %zu bytes exceeds the manifest limit of %zu bytes", name,
                       len, lim->max_manifest_bytes);
    if (!edition_check_text(name, data, len, 1, e))
        return false;
    struct arena tmp;
    arena_init(&tmp, 0); /* bounded by the manifest's size */
    struct ymap map;
    bool ok = edition_yaml_read_map(&tmp, name, 1, data, len, &map, e) && interpret(&m, &map);
    arena_fini(&tmp);
    return ok;
}
