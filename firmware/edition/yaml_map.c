/* A flat reader for the two YAML documents of the format (manifest.yaml and
 * article front matter): a top-level mapping whose values are scalars or
 * lists of scalars. Built on libyaml's event API so that anchors and aliases
 * are seen (and refused) before anything is expanded. */
#include "edition_internal.h"

#include <string.h>
#include <yaml.h>

struct yreader {
    yaml_parser_t parser;
    struct arena *tmp;
    const char *name;
    size_t first_line;
    size_t depth; /* open sequences and mappings */
    struct err *e;
};

/* libyaml 0.2.5 slows down quadratically with flow nesting ("[[[[...": half
 * a minute for 100 KB), so nesting is cut off as the events arrive. Front
 * matter of static-site generators nests a few levels at most. */
#define YAML_MAX_DEPTH 32

static size_t
mark_line(const struct yreader *r, yaml_mark_t m)
{
    return r->first_line + m.line;
}

/* The next event, refusing aliases and anchors wherever they appear. */
static bool
next_event(struct yreader *r, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&r->parser, ev)) {
        yaml_mark_t m = r->parser.problem_mark;
        return err_set(r->e, ERR_INVALID, "%s:%zu: malformed YAML: %s%s%s", r->name,
                       mark_line(r, m), r->parser.problem ? r->parser.problem : "parse error",
                       r->parser.context ? " " : "", r->parser.context ? r->parser.context : "");
    }
    const yaml_char_t *anchor = NULL;
    if (ev->type == YAML_SCALAR_EVENT)
        anchor = ev->data.scalar.anchor;
    else if (ev->type == YAML_SEQUENCE_START_EVENT)
        anchor = ev->data.sequence_start.anchor;
    else if (ev->type == YAML_MAPPING_START_EVENT)
        anchor = ev->data.mapping_start.anchor;
    if (ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT) {
        if (++r->depth > YAML_MAX_DEPTH) {
            size_t line = mark_line(r, ev->start_mark);
            yaml_event_delete(ev);
            return err_set(r->e, ERR_LIMIT, "%s:%zu: YAML nested deeper than %d levels", r->name,
                           line, YAML_MAX_DEPTH);
        }
    } else if (ev->type == YAML_SEQUENCE_END_EVENT || ev->type == YAML_MAPPING_END_EVENT) {
        r->depth--;
    }
    if (ev->type == YAML_ALIAS_EVENT || anchor) {
        size_t line = mark_line(r, ev->start_mark);
        yaml_event_delete(ev);
        return err_set(r->e, ERR_INVALID,
                       "%s:%zu: YAML anchors (&) and aliases (*) are not allowed", r->name, line);
    }
    return true;
}

/* YAML's spellings of null: "key: ~" means the same as "key:". */
static bool
is_null(const yaml_event_t *ev)
{
    static const char *const nulls[] = {"~", "null", "Null", "NULL"};
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strcmp((const char *)ev->data.scalar.value, nulls[i]) == 0)
            return true;
    return false;
}

static bool
scalar_item(struct yreader *r, const yaml_event_t *ev, struct yitem *out)
{
    size_t len = is_null(ev) ? 0 : ev->data.scalar.length;
    out->text = arena_strndup(r->tmp, (const char *)ev->data.scalar.value, len);
    if (!out->text)
        return err_set(r->e, ERR_NOMEM, "%s: out of memory reading YAML", r->name);
    out->len = len;
    out->line = mark_line(r, ev->start_mark);
    out->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return true;
}

/* Skips the rest of a collection whose start event was just read. */
static bool
skip_collection(struct yreader *r)
{
    size_t depth = 1;
    while (depth > 0) {
        yaml_event_t ev;
        if (!next_event(r, &ev))
            return false;
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
            depth--;
        else if (ev.type == YAML_STREAM_END_EVENT)
            depth = 0; /* cannot happen after a start event; never loop */
        yaml_event_delete(&ev);
    }
    return true;
}

/* Reads a list whose start event was just read into ent. */
static bool
read_list(struct yreader *r, struct yentry *ent)
{
    size_t cap = 0;
    ent->kind = YENTRY_LIST;
    for (;;) {
        yaml_event_t ev;
        if (!next_event(r, &ev))
            return false;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return true;
        }
        if (ev.type == YAML_SCALAR_EVENT) {
            if (ent->item_count == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                struct yitem *items =
                    arena_realloc(r->tmp, ent->items, cap * sizeof *items, ncap * sizeof *items);
                if (!items) {
                    yaml_event_delete(&ev);
                    return err_set(r->e, ERR_NOMEM, "%s: out of memory reading YAML", r->name);
                }
                ent->items = items;
                cap = ncap;
            }
            bool ok = scalar_item(r, &ev, &ent->items[ent->item_count]);
            yaml_event_delete(&ev);
            if (!ok)
                return false;
            ent->item_count++;
        } else {
            /* a nested list or mapping: the value is no list of scalars */
            ent->kind = YENTRY_OTHER;
            yaml_event_delete(&ev);
            if (!skip_collection(r))
                return false;
        }
    }
}

static bool
read_pairs(struct yreader *r, struct ymap *out)
{
    size_t cap = 0;
    for (;;) {
        yaml_event_t ev;
        if (!next_event(r, &ev))
            return false;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return true;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            size_t line = mark_line(r, ev.start_mark);
            yaml_event_delete(&ev);
            return err_set(r->e, ERR_INVALID, "%s:%zu: keys must be plain words, not lists or maps",
                           r->name, line);
        }
        if (out->count == EDITION_MAX_KEYS) {
            size_t line = mark_line(r, ev.start_mark);
            yaml_event_delete(&ev);
            return err_set(r->e, ERR_LIMIT, "%s:%zu: more than %d keys", r->name, line,
                           EDITION_MAX_KEYS);
        }
        if (out->count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct yentry *v =
                arena_realloc(r->tmp, out->entries, cap * sizeof *v, ncap * sizeof *v);
            if (!v) {
                yaml_event_delete(&ev);
                return err_set(r->e, ERR_NOMEM, "%s: out of memory reading YAML", r->name);
            }
            out->entries = v;
            cap = ncap;
        }
        struct yentry *ent = &out->entries[out->count];
        memset(ent, 0, sizeof *ent);
        struct yitem key;
        bool ok = scalar_item(r, &ev, &key);
        yaml_event_delete(&ev);
        if (!ok)
            return false;
        ent->key = key.text;
        ent->line = key.line;
        for (size_t i = 0; i < out->count; i++)
            if (strcmp(out->entries[i].key, key.text) == 0)
                return err_set(r->e, ERR_INVALID,
                               "%s:%zu: key '%s' appears twice (first on line %zu)", r->name,
                               key.line, key.text, out->entries[i].line);
        out->count++;

        if (!next_event(r, &ev))
            return false;
        if (ev.type == YAML_SCALAR_EVENT) {
            ent->kind = YENTRY_SCALAR;
            ok = scalar_item(r, &ev, &ent->value);
            yaml_event_delete(&ev);
        } else if (ev.type == YAML_SEQUENCE_START_EVENT) {
            yaml_event_delete(&ev);
            ok = read_list(r, ent);
        } else {
            ent->kind = YENTRY_OTHER;
            yaml_event_delete(&ev);
            ok = skip_collection(r);
        }
        if (!ok)
            return false;
    }
}

static bool
read_document(struct yreader *r, struct ymap *out)
{
    yaml_event_t ev;
    if (!next_event(r, &ev))
        return false;
    yaml_event_type_t type = ev.type;
    yaml_event_delete(&ev);
    if (type != YAML_STREAM_START_EVENT)
        return err_set(r->e, ERR_INVALID, "%s: malformed YAML stream", r->name);
    if (!next_event(r, &ev))
        return false;
    type = ev.type;
    yaml_event_delete(&ev);
    if (type == YAML_STREAM_END_EVENT)
        return true; /* empty, or only comments */
    if (type != YAML_DOCUMENT_START_EVENT)
        return err_set(r->e, ERR_INVALID, "%s: malformed YAML stream", r->name);

    if (!next_event(r, &ev))
        return false;
    size_t line = mark_line(r, ev.start_mark);
    bool ok = true;
    if (ev.type == YAML_MAPPING_START_EVENT) {
        yaml_event_delete(&ev);
        ok = read_pairs(r, out);
    } else if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
               ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        yaml_event_delete(&ev); /* an empty document */
    } else {
        yaml_event_delete(&ev);
        return err_set(r->e, ERR_INVALID, "%s:%zu: expected 'key: value' lines", r->name, line);
    }
    if (!ok)
        return false;

    if (!next_event(r, &ev)) /* document end */
        return false;
    yaml_event_delete(&ev);
    if (!next_event(r, &ev))
        return false;
    type = ev.type;
    line = mark_line(r, ev.start_mark);
    yaml_event_delete(&ev);
    if (type != YAML_STREAM_END_EVENT)
        return err_set(r->e, ERR_INVALID, "%s:%zu: only one YAML document is allowed", r->name,
                       line);
    return true;
}

bool
edition_yaml_read_map(struct arena *tmp, const char *name, size_t first_line, const char *text,
                      size_t len, struct ymap *out, struct err *e)
{
    struct yreader r = {.tmp = tmp, .name = name, .first_line = first_line, .e = e};
    out->entries = NULL;
    out->count = 0;
    if (!yaml_parser_initialize(&r.parser))
        return err_set(e, ERR_NOMEM, "%s: out of memory starting the YAML parser", name);
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3; /* a byte order mark some editors write */
        len -= 3;
    }
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
    bool ok = read_document(&r, out);
    yaml_parser_delete(&r.parser);
    return ok;
}
