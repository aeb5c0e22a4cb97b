/* An article's utterances in reading order (speech.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speech.h"

/* A growing list of items and one growing buffer of their texts (offsets
 * until the end, when the pointers are fixed). */
struct plan_mem {
    struct speech_item *items;
    size_t count, cap;
    char *text;
    size_t len, tcap;
    bool oom;
};

static size_t
add_text(struct plan_mem *m, const char *s, size_t n)
{
    if (m->len + n + 1 > m->tcap) {
        size_t cap = m->tcap ? m->tcap * 2 : 4096;
        while (cap < m->len + n + 1)
            cap *= 2;
        char *t = realloc(m->text, cap);
        if (!t) {
            m->oom = true;
            return 0;
        }
        m->text = t;
        m->tcap = cap;
    }
    size_t at = m->len;
    memcpy(m->text + at, s, n);
    m->text[at + n] = '\0';
    m->len += n + 1;
    return at;
}

static void
add_item(struct plan_mem *m, int32_t block, uint32_t start, uint32_t end, bool figure,
         size_t text_at)
{
    if (m->oom)
        return;
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct speech_item *it = realloc(m->items, cap * sizeof *it);
        if (!it) {
            m->oom = true;
            return;
        }
        m->items = it;
        m->cap = cap;
    }
    /* the text's offset rides in the pointer until the buffer stops moving */
    m->items[m->count++] = (struct speech_item){.block = block,
                                                .start = start,
                                                .end = end,
                                                .figure = figure,
                                                .text = (const char *)(uintptr_t)text_at};
}

void
speech_plan_init(struct speech_plan *p)
{
    *p = (struct speech_plan){0};
}

void
speech_plan_fini(struct speech_plan *p)
{
    if (p->mem) {
        struct plan_mem *m = p->mem;
        free(m->items);
        free(m->text);
        free(m);
    }
    free(p->lang);
    *p = (struct speech_plan){0};
}

/* "caption." with a full stop added when the text ends in none (stop
 * false: as it is). */
static void
append_sentence(char **buf, size_t *len, size_t *cap, const char *s, bool stop_it, bool *oom)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        n--;
    if (n == 0)
        return;
    bool stop = stop_it && strchr(".!?\"')", s[n - 1]) == NULL && (unsigned char)s[n - 1] < 0x80;
    size_t need = *len + n + 3;
    if (need > *cap) {
        size_t c = need * 2;
        char *b = realloc(*buf, c);
        if (!b) {
            *oom = true;
            return;
        }
        *buf = b;
        *cap = c;
    }
    if (*len)
        (*buf)[(*len)++] = ' ';
    memcpy(*buf + *len, s, n);
    *len += n;
    if (stop)
        (*buf)[(*len)++] = '.';
    (*buf)[*len] = '\0';
}

bool
speech_plan_article(struct speech_plan *p, const struct edition_article *a, const char *photo_word,
                    struct err *e)
{
    speech_plan_fini(p);
    if (!a->body_loaded)
        return err_set(e, ERR_USAGE, "%s: the article's body is not loaded", a->path);
    struct plan_mem *m = calloc(1, sizeof *m);
    if (!m)
        return err_set(e, ERR_NOMEM, "%s: out of memory for read-aloud", a->path);
    p->mem = m;
    p->lang = strdup(a->language && *a->language ? a->language : "en");
    if (!p->lang)
        m->oom = true;
    char *buf = NULL; /* one block's text */
    size_t cap = 0;
    struct speech_span *spans = NULL;
    size_t span_cap = 0;
    for (size_t bi = 0; bi < a->block_count && !m->oom; bi++) {
        const struct edition_block *b = &a->blocks[bi];
        size_t len = 0;
        if (b->kind == EDITION_BLOCK_FIGURE) {
            const struct edition_figure *f = &b->figure;
            bool cap_ok = f->caption && *f->caption, cred_ok = f->credit && *f->credit;
            if (!cap_ok && !cred_ok)
                continue;
            char head[64];
            snprintf(head, sizeof head, "%s:", photo_word ? photo_word : "Photo");
            append_sentence(&buf, &len, &cap, head, false, &m->oom);
            if (cap_ok)
                append_sentence(&buf, &len, &cap, f->caption, true, &m->oom);
            if (cred_ok)
                append_sentence(&buf, &len, &cap, f->credit, true, &m->oom);
            if (!m->oom)
                add_item(m, (int32_t)bi, 0, 0, true, add_text(m, buf, len));
            continue;
        }
        for (size_t k = 0; k < b->span_count; k++)
            len += b->spans[k].len;
        if (len + 1 > cap) {
            char *nb = realloc(buf, len + 1);
            if (!nb) {
                m->oom = true;
                break;
            }
            buf = nb;
            cap = len + 1;
        }
        size_t at = 0;
        for (size_t k = 0; k < b->span_count; k++) {
            memcpy(buf + at, b->spans[k].text, b->spans[k].len);
            at += b->spans[k].len;
        }
        if (buf)
            buf[len] = '\0';
        size_t n = speech_sentences(buf, len, p->lang, spans, span_cap);
        if (n > span_cap) {
            struct speech_span *ns = realloc(spans, n * sizeof *ns);
            if (!ns) {
                m->oom = true;
                break;
            }
            spans = ns;
            span_cap = n;
            n = speech_sentences(buf, len, p->lang, spans, span_cap);
        }
        for (size_t k = 0; k < n && !m->oom; k++) {
            size_t t = add_text(m, buf + spans[k].start, spans[k].end - spans[k].start);
            add_item(m, (int32_t)bi, spans[k].start, spans[k].end, false, t);
        }
    }
    free(buf);
    free(spans);
    if (m->oom) {
        speech_plan_fini(p);
        return err_set(e, ERR_NOMEM, "%s: out of memory for read-aloud", a->path);
    }
    for (size_t i = 0; i < m->count; i++)
        m->items[i].text = m->text + (uintptr_t)m->items[i].text;
    p->items = m->items;
    p->count = m->count;
    return true;
}
