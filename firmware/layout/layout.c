/* The typesetter object, its hyphenation dictionary cache, the scratch
 * context of a call (vectors, width cache) and the small public helpers. */
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyphen.h>
#include <linebreak.h>
#include <unictype.h>
#include <unistr.h>

#include "layout_internal.h"

void
vec_init(struct vec *v, size_t elem)
{
    v->data = NULL;
    v->count = v->cap = 0;
    v->elem = elem;
}

void
vec_free(struct vec *v)
{
    free(v->data);
    v->data = NULL;
    v->count = v->cap = 0;
}

bool
vec_reserve(struct lctx *c, struct vec *v, size_t n)
{
    if (n <= v->cap)
        return true;
    size_t cap = v->cap ? v->cap : 16;
    while (cap < n)
        cap *= 2;
    void *d = realloc(v->data, cap * v->elem);
    if (!d) {
        c->oom = true;
        return false;
    }
    v->data = d;
    v->cap = cap;
    return true;
}

void *
vec_push(struct lctx *c, struct vec *v)
{
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void *d = realloc(v->data, cap * v->elem);
        if (!d) {
            c->oom = true;
            memset(c->scratch, 0, sizeof c->scratch);
            return c->scratch;
        }
        v->data = d;
        v->cap = cap;
    }
    void *p = (char *)v->data + v->count * v->elem;
    memset(p, 0, v->elem);
    v->count++;
    return p;
}

void *
lctx_alloc(struct lctx *c, size_t size)
{
    void *p = arena_alloc(c->arena, size);
    if (!p)
        c->oom = true;
    return p;
}

char *
lctx_strndup(struct lctx *c, const char *s, size_t n)
{
    char *p = arena_strndup(c->arena, s, n);
    if (!p) {
        c->oom = true;
        return (char *)"";
    }
    return p;
}

char *
lctx_strdup(struct lctx *c, const char *s)
{
    return lctx_strndup(c, s, strlen(s));
}

static uint32_t
hash_text(struct layout_font f, uint32_t script, uint8_t dir, const char *s, size_t n)
{
    uint32_t h = 2166136261u ^ ((uint32_t)f.face * 131u + f.px) ^ (script * 7u) ^ dir;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

int
lctx_measure(struct lctx *c, struct layout_font f, const struct layout_run_props *props,
             const char *text, size_t len)
{
    struct layout *L = c->L;
    if (!len)
        return 0;
    uint32_t script = props ? props->script : 0;
    uint8_t dir = props ? props->dir : 0;
    if (!L->wc) {
        L->wc = calloc(LAYOUT_WCACHE_SLOTS, sizeof *L->wc);
        L->wc_pool = malloc(LAYOUT_WCACHE_POOL);
        if (!L->wc || !L->wc_pool) {
            free(L->wc);
            free(L->wc_pool);
            L->wc = NULL;
            L->wc_pool = NULL;
            return L->m.measure(L->m.ctx, f, props, text, len);
        }
    }
    uint32_t h = hash_text(f, script, dir, text, len);
    const size_t m = LAYOUT_WCACHE_SLOTS - 1;
    size_t j = h & m;
    for (; L->wc[j].len; j = (j + 1) & m) {
        const struct wcache_entry *e = &L->wc[j];
        if (e->hash == h && e->len == len && e->face == f.face && e->px == f.px &&
            e->script == script && e->dir == dir && memcmp(L->wc_pool + e->off, text, len) == 0)
            return e->width;
    }
    int w = L->m.measure(L->m.ctx, f, props, text, len);
    if (len > LAYOUT_WCACHE_POOL / 64)
        return w; /* long strings: not worth keeping */
    if (L->wc_count * 2 >= LAYOUT_WCACHE_SLOTS || L->wc_pool_len + len > LAYOUT_WCACHE_POOL) {
        memset(L->wc, 0, LAYOUT_WCACHE_SLOTS * sizeof *L->wc);
        L->wc_count = 0;
        L->wc_pool_len = 0;
        j = h & m;
    }
    memcpy(L->wc_pool + L->wc_pool_len, text, len);
    L->wc[j] = (struct wcache_entry){
        (uint32_t)L->wc_pool_len, (uint32_t)len, h, script, f.px, f.face, dir, w};
    L->wc_pool_len += len;
    L->wc_count++;
    return w;
}

void
lctx_font_metrics(struct lctx *c, struct layout_font f, int *ascent, int *descent, int *lh)
{
    c->L->m.font_metrics(c->L->m.ctx, f, ascent, descent, lh);
}

uint32_t
layout_guess_script(const char *text, size_t len)
{
    const uint8_t *s = (const uint8_t *)text;
    for (size_t i = 0; i < len;) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, s + i, len - i);
        i += (size_t)n;
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
            (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7))
            return LAYOUT_TAG('L', 'a', 't', 'n');
        if (cp >= 0x370 && cp <= 0x3FF)
            return LAYOUT_TAG('G', 'r', 'e', 'k');
        if (cp >= 0x400 && cp <= 0x52F)
            return LAYOUT_TAG('C', 'y', 'r', 'l');
        if (cp >= 0x590 && cp <= 0x5FF)
            return LAYOUT_TAG('H', 'e', 'b', 'r');
        if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F))
            return LAYOUT_TAG('A', 'r', 'a', 'b');
    }
    return 0;
}

/* gcc says __SANITIZE_ADDRESS__, clang (the fuzz preset) __has_feature */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LAYOUT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(LAYOUT_ASAN)
/* libhyphen 2.8.8 leaks inside hnj_hyphen_load on dictionaries that repeat a
 * pattern's letters with other digits (hyph_ru_RU, hyph_de_DE): once per
 * dictionary, in the library, not in our code. LeakSanitizer reads this hook
 * in every program that links the typesetter, so sanitized tests and runs
 * that set Russian or German stay clean without a suppressions file. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);
const char *
__lsan_default_suppressions(void)
{
    return "leak:libhyphen.so\n";
}
const char *
__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#endif

static HyphenDict *
load_dict(const char *dir, const char *name)
{
    char path[512];
    if (snprintf(path, sizeof path, "%s/hyph_%s.dic", dir, name) >= (int)sizeof path)
        return NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    fclose(fp);
    return hnj_hyphen_load(path);
}

struct layout_hyph *
layout_hyph_for(struct layout *L, const char *lang)
{
    char key[16];
    size_t n = 0;
    /* "en", "en-GB", "ru_RU": the language subtag and the region */
    for (; lang && lang[n] && n < sizeof key - 1; n++)
        key[n] = lang[n] == '-' ? '_' : lang[n];
    key[n] = '\0';
    for (size_t i = 0; i < L->hyph_count; i++)
        if (strcmp(L->hyph[i].lang, key) == 0)
            return L->hyph[i].dict ? &L->hyph[i] : NULL;
    if (L->hyph_count == LAYOUT_HYPH_CACHE || !L->hyphen_dir)
        return NULL;
    struct layout_hyph *h = &L->hyph[L->hyph_count++];
    memset(h, 0, sizeof *h);
    memcpy(h->lang, key, n + 1);
    char base[8];
    size_t bl = 0;
    while (bl < n && bl < sizeof base - 1 && key[bl] != '_') {
        base[bl] = (char)(key[bl] >= 'A' && key[bl] <= 'Z' ? key[bl] + 32 : key[bl]);
        bl++;
    }
    base[bl] = '\0';
    static const char *const region[][2] = {{"en", "en_US"}, {"ru", "ru_RU"}, {"de", "de_DE"}};
    HyphenDict *d = NULL;
    if (bl < n)
        d = load_dict(L->hyphen_dir, key);
    for (size_t i = 0; !d && i < sizeof region / sizeof region[0]; i++)
        if (strcmp(base, region[i][0]) == 0)
            d = load_dict(L->hyphen_dir, region[i][1]);
    if (!d && bl)
        d = load_dict(L->hyphen_dir, base);
    if (!d)
        return NULL;
    h->dict = d;
    h->utf8 = d->utf8 || strcmp(d->cset, "UTF-8") == 0;
    if (!h->utf8) {
        iconv_t cd = iconv_open(d->cset, "UTF-8");
        if (cd == (iconv_t)-1) {
            hnj_hyphen_free(d);
            h->dict = NULL;
            return NULL;
        }
        h->conv = cd;
    }
    return h;
}

struct layout *
layout_create(const struct layout_metrics *m, const char *hyphen_dir)
{
    struct layout *L = calloc(1, sizeof *L);
    if (!L)
        return NULL;
    L->m = *m;
    if (hyphen_dir) {
        L->hyphen_dir = strdup(hyphen_dir);
        if (!L->hyphen_dir) {
            free(L);
            return NULL;
        }
    }
    for (ucs4_t cp = 0; cp < 128; cp++)
        L->ascii_alpha[cp] = uc_is_alpha(cp);
    L->hm.slots = LAYOUT_HMEMO_SLOTS;
    L->hm.pool_size = LAYOUT_HMEMO_POOL;
    L->bc.slots = LAYOUT_BCACHE_SLOTS;
    L->bc.pool_size = LAYOUT_BCACHE_POOL;
    init_linebreak();
    return L;
}

void
layout_destroy(struct layout *L)
{
    if (!L)
        return;
    for (size_t i = 0; i < L->hyph_count; i++) {
        if (L->hyph[i].conv)
            iconv_close((iconv_t)L->hyph[i].conv);
        if (L->hyph[i].dict)
            hnj_hyphen_free((HyphenDict *)L->hyph[i].dict);
    }
    struct para_scratch *ps = &L->ps;
    struct vec *scratch[] = {&ps->items,   &ps->hitems, &ps->nodes, &ps->active, &ps->breaks,
                             &ps->hbreaks, &ps->ranked, &ps->runs,  &ps->brks,   &ps->span_off,
                             &ps->lb_copy, &ps->segs,   &ps->vis};
    for (size_t i = 0; i < sizeof scratch / sizeof scratch[0]; i++)
        vec_free(scratch[i]);
    layout_bidi_fini(&L->bidi);
    layout_memo_free(&L->bc);
    layout_memo_free(&L->hm);
    free(L->wc);
    free(L->wc_pool);
    free(L->hyphen_dir);
    free(L);
}

void
layout_config_default(struct layout_config *c, int w, int h)
{
    memset(c, 0, sizeof *c);
    c->width = w;
    c->height = h;
    int small = w < h ? w : h;
    /* body size grows slower than the screen, so that wide screens get two
     * readable columns rather than one huge line */
    double s = pow(small / 480.0, 0.35);
    if (s < 0.7)
        s = 0.7;
    if (s > 2.0)
        s = 2.0;
    c->base_px = (int)lround(20.0 * s);
    c->margin = (int)lround(w * 0.045);
    if (c->margin < 10)
        c->margin = 10;
    c->font_scale = 1.0f;
    c->ragged = false;
    c->hyphenate = true;
    c->columns = 0;
    c->nav_bar = true;
    c->publication = NULL;
}

void
layout_pages_init(struct layout_pages *p)
{
    memset(p, 0, sizeof *p);
    arena_init(&p->arena, 0);
}

void
layout_pages_fini(struct layout_pages *p)
{
    arena_fini(&p->arena);
    p->pages = NULL;
    p->count = 0;
}

const char *
layout_role_name(enum layout_role r)
{
    static const char *const names[LAYOUT_ROLE_COUNT] = {
        "headline", "deck",    "byline", "section", "body",   "subhead", "quote",
        "list",     "caption", "credit", "header",  "footer", "other",
    };
    return (unsigned)r < LAYOUT_ROLE_COUNT ? names[r] : "other";
}

size_t
layout_page_for_block(const struct layout_pages *p, int32_t block)
{
    if (!p || block < 0)
        return 0;
    for (size_t i = 0; i < p->count; i++) {
        const struct layout_page *pg = &p->pages[i];
        for (size_t l = 0; l < pg->line_count; l++)
            if (pg->lines[l].block == block)
                return i;
        for (size_t f = 0; f < pg->figure_count; f++)
            if (pg->figures[f].block == block)
                return i;
    }
    /* the block set no line (an empty paragraph): the last page starting
     * before it */
    size_t best = 0;
    for (size_t i = 0; i < p->count; i++)
        if (p->pages[i].first_block >= 0 && p->pages[i].first_block <= block)
            best = i;
    return best;
}

void
flow_init(struct flow *f)
{
    vec_init(&f->units, sizeof(struct flow_unit));
    vec_init(&f->lines, sizeof(struct flow_line));
    vec_init(&f->runs, sizeof(struct layout_run));
    vec_init(&f->figs, sizeof(struct layout_figure));
    vec_init(&f->rects, sizeof(struct layout_rect));
    vec_init(&f->links, sizeof(struct layout_link));
}

void
flow_free(struct flow *f)
{
    vec_free(&f->units);
    vec_free(&f->lines);
    vec_free(&f->runs);
    vec_free(&f->figs);
    vec_free(&f->rects);
    vec_free(&f->links);
}

struct flow_unit *
flow_unit(struct lctx *c, struct flow *f, int32_t block)
{
    struct flow_unit *u = vec_push(c, &f->units);
    u->block = block;
    u->first_line = (uint32_t)f->lines.count;
    u->first_fig = (uint32_t)f->figs.count;
    u->first_rect = (uint32_t)f->rects.count;
    u->first_link = (uint32_t)f->links.count;
    return u;
}

void
flow_space(struct lctx *c, struct flow *f, int32_t h, bool glue_next)
{
    if (h <= 0)
        return;
    struct flow_unit *u = flow_unit(c, f, -1);
    u->h = h;
    u->space = true;
    u->glue_next = glue_next;
}
