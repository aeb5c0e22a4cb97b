/* Fonts on demand (two TTF_Fonts a face, resized as asked) and the measuring
 * seam with a per-size cache of shaped word widths. */
#include "text.h"

#include <hb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#define TEXT_MAX_SIZES 32 /* (face, size) pairs with a width table */
/* Per size, a power of two: starts at TEXT_WIDTH_FIRST slots (4 KB) and
 * doubles up to TEXT_WIDTH_SLOTS (16 KB) as words come. layout keeps its own
 * width cache in front of this one, so this one sees mostly misses: at 2,048
 * slots (128 KB a size, 2 MB an edition) bench_layout over 1,000 articles
 * took the same CPU time (1.9 s user) as at 256. */
#define TEXT_WIDTH_FIRST 64
#define TEXT_WIDTH_SLOTS 256
#define TEXT_WIDTH_KEY_MAX 48 /* longer strings are measured every time */
#define TEXT_MIN_PX 4
#define TEXT_MAX_PX 400

/* One cached width: the shaped string with the props that change shaping. */
struct text_width {
    uint32_t hash; /* 0 = empty slot */
    uint32_t script;
    int32_t width;
    uint8_t dir;
    uint8_t len;
    char key[TEXT_WIDTH_KEY_MAX];
};

/* TEXT_FONTS_PER_FACE TTF_Fonts a face, each set to a size asked for (the
 * least recently used one is resized): the sizes of a face share these
 * fonts' FreeType faces and HarfBuzz tables (~150 KB a font), where a font
 * for each size held fifteen of them for an edition. A change of size is
 * TTF_SetFontSize, which empties that font's glyph cache: with one font a
 * face, pages drawn ahead took 1.9 ms instead of 1.2 at 800x480 (the body
 * size and another of the same face on most pages); with two, 1.3 ms. */
#define TEXT_FONTS_PER_FACE 2
struct text_face {
    TTF_Font *font;  /* NULL until first used */
    int px;          /* the size it is set to */
    uint32_t script; /* as last set on font; 0 = never set */
    int dir;         /* as last set on font; -1 = never set */
    uint64_t last_use;
};

/* What is kept per face and size: metrics and shaped widths. */
struct text_font_slot {
    bool used;
    struct layout_font id;
    uint64_t last_use;
    int pad; /* px of two spaces with pad_script, pad_dir; -1 = not measured */
    uint32_t pad_script;
    int pad_dir;
    bool has_metrics;
    int ascent, descent, line_height;
    struct text_width *widths; /* width_cap entries, allocated on first measure */
    size_t width_count, width_cap;
};

struct text {
    char *path[LAYOUT_FACE_COUNT];
    struct text_face faces[LAYOUT_FACE_COUNT][TEXT_FONTS_PER_FACE];
    struct text_font_slot slots[TEXT_MAX_SIZES];
    uint64_t clock;
    bool ttf_owned; /* we called TTF_Init and must call TTF_Quit */
    struct layout_metrics metrics;
};

void
text_fonts_default(struct text_fonts *f)
{
    f->path[LAYOUT_FACE_SERIF] = NK_FONT_SERIF;
    f->path[LAYOUT_FACE_SERIF_ITALIC] = NK_FONT_SERIF_ITALIC;
    f->path[LAYOUT_FACE_SERIF_BOLD] = NK_FONT_SERIF_BOLD;
    f->path[LAYOUT_FACE_SERIF_BOLD_ITALIC] = NK_FONT_SERIF_BOLD_ITALIC;
    f->path[LAYOUT_FACE_SANS] = NK_FONT_SANS;
    f->path[LAYOUT_FACE_SANS_BOLD] = NK_FONT_SANS_BOLD;
}

static void
slot_clear(struct text_font_slot *s)
{
    free(s->widths);
    *s = (struct text_font_slot){.pad = -1};
}

static struct layout_font
valid_font(struct layout_font f)
{
    if (f.face >= LAYOUT_FACE_COUNT)
        f.face = LAYOUT_FACE_SERIF;
    return f;
}

/* A font of f's face set to f's size: one already at that size, else a new
 * one, else the least recently used one resized. NULL if it cannot be opened
 * or resized. */
static struct text_face *
face_at(struct text *t, struct layout_font f)
{
    f = valid_font(f);
    int px = f.px < TEXT_MIN_PX ? TEXT_MIN_PX : f.px > TEXT_MAX_PX ? TEXT_MAX_PX : f.px;
    struct text_face *all = t->faces[f.face], *fc = &all[0];
    for (size_t i = 0; i < TEXT_FONTS_PER_FACE; i++) {
        if (all[i].font && all[i].px == px) {
            fc = &all[i];
            fc->last_use = ++t->clock;
            return fc;
        }
        if (!all[i].font ? fc->font != NULL : fc->font && all[i].last_use < fc->last_use)
            fc = &all[i];
    }
    if (!fc->font) {
        fc->font = TTF_OpenFont(t->path[f.face], px);
        if (!fc->font)
            return NULL;
        /* Measuring and drawing must agree: one hinting mode, kerning on. */
        TTF_SetFontHinting(fc->font, TTF_HINTING_LIGHT);
        TTF_SetFontKerning(fc->font, 1);
        fc->script = 0;
        fc->dir = -1;
    } else if (TTF_SetFontSize(fc->font, px) != 0) {
        /* the font is in an unknown state: open it afresh next time */
        TTF_CloseFont(fc->font);
        *fc = (struct text_face){.dir = -1};
        return NULL;
    }
    fc->px = px;
    fc->last_use = ++t->clock;
    return fc;
}

/* The slot of f (evicting the least recently used slot if needed). */
static struct text_font_slot *
get_slot(struct text *t, struct layout_font f)
{
    f = valid_font(f);
    struct text_font_slot *victim = &t->slots[0];
    for (size_t i = 0; i < TEXT_MAX_SIZES; i++) {
        struct text_font_slot *s = &t->slots[i];
        if (s->used && s->id.face == f.face && s->id.px == f.px) {
            s->last_use = ++t->clock;
            return s;
        }
        if (!s->used) {
            if (victim->used)
                victim = s;
        } else if (victim->used && s->last_use < victim->last_use) {
            victim = s;
        }
    }
    slot_clear(victim);
    victim->used = true;
    victim->id = f;
    victim->last_use = ++t->clock;
    return victim;
}

/* The script of the first character that has one; Latin when none does. */
static uint32_t
guess_script(const char *s, size_t len)
{
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    size_t i = 0;
    while (i < len) {
        ucs4_t c;
        int n = u8_mbtouc(&c, (const uint8_t *)s + i, len - i);
        if (n <= 0)
            break;
        i += (size_t)n;
        hb_script_t sc = hb_unicode_script(uf, c);
        if (sc != HB_SCRIPT_COMMON && sc != HB_SCRIPT_INHERITED && sc != HB_SCRIPT_UNKNOWN)
            return (uint32_t)hb_script_to_iso15924_tag(sc);
    }
    return HB_TAG('L', 'a', 't', 'n');
}

static void
apply_props(struct text_face *fc, uint32_t script, int dir)
{
    if (script != fc->script) {
        char name[5] = {(char)(script >> 24), (char)(script >> 16), (char)(script >> 8),
                        (char)script, 0};
        /* An unknown tag keeps the previous script; harmless for measuring
         * since draw and measure both come through here. */
        TTF_SetFontScriptName(fc->font, name);
        fc->script = script;
    }
    if (dir != fc->dir) {
        TTF_SetFontDirection(fc->font,
                             dir == LAYOUT_DIR_RTL ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
        fc->dir = dir;
    }
}

static uint32_t
props_script(const struct layout_run_props *props, const char *text, size_t len)
{
    if (props && props->script)
        return props->script;
    return guess_script(text, len);
}

TTF_Font *
text_font(struct text *t, struct layout_font f, const struct layout_run_props *props)
{
    struct text_face *fc = face_at(t, f);
    if (!fc)
        return NULL;
    uint32_t script = props && props->script ? props->script : HB_TAG('L', 'a', 't', 'n');
    apply_props(fc, script, props ? props->dir : LAYOUT_DIR_LTR);
    return fc->font;
}

TTF_Font *
text_font_for(struct text *t, struct layout_font f, const struct layout_run_props *props,
              const char *text, size_t len)
{
    struct text_face *fc = face_at(t, f);
    if (!fc)
        return NULL;
    apply_props(fc, props_script(props, text, len), props ? props->dir : LAYOUT_DIR_LTR);
    return fc->font;
}

/* FNV-1a over the bytes, mixed with the props; never 0. */
static uint32_t
width_hash(const char *s, size_t len, uint32_t script, int dir)
{
    uint32_t h = 2166136261u ^ script ^ ((uint32_t)dir << 31);
    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h ? h : 1;
}

/* The pen advance of text: how far the next run starts, which is what layout
 * places runs by. TTF_SizeUTF8 gives the ink box instead (an italic "y" or
 * "f" overhangs its advance by several px, which would open uneven gaps
 * between words), but it counts a space's advance in full and an overhang
 * stays inside a neighbouring space: so the advance is the size of the text
 * between two spaces less the size of two spaces, on the same shaping path
 * the drawing takes (render draws a run after a space, from the space's
 * origin). The two spaces' size is kept per font until its props change. */
static int
measure_uncached(struct text_face *fc, struct text_font_slot *s, const char *text, size_t len)
{
    TTF_Font *font = fc->font;
    char small[256];
    char *buf = len + 3 <= sizeof small ? small : malloc(len + 3);
    if (!buf)
        return 0;
    buf[0] = ' ';
    memcpy(buf + 1, text, len);
    buf[len + 1] = ' ';
    buf[len + 2] = 0;
    if (s->pad < 0 || s->pad_script != fc->script || s->pad_dir != fc->dir) {
        if (TTF_SizeUTF8(font, "  ", &s->pad, NULL) != 0)
            s->pad = -1;
        s->pad_script = fc->script;
        s->pad_dir = fc->dir;
    }
    int w = 0;
    if (s->pad < 0 || TTF_SizeUTF8(font, buf, &w, NULL) != 0)
        w = 0;
    if (buf != small)
        free(buf);
    return w > s->pad ? w - s->pad : 0;
}

/* Measures on the face's font, set to f's size and props; 0 if it cannot be
 * opened. */
static int
measure_font(struct text *t, struct text_font_slot *s, uint32_t script, int dir, const char *text,
             size_t len)
{
    struct text_face *fc = face_at(t, s->id);
    if (!fc)
        return 0;
    apply_props(fc, script, dir);
    return measure_uncached(fc, s, text, len);
}

/* The slot of (text, props) in s's table: its entry, or the empty slot
 * where it goes. The table is never full (kept under three quarters). */
static struct text_width *
widths_find(struct text_font_slot *s, uint32_t h, const char *text, size_t len, uint32_t script,
            int dir)
{
    size_t mask = s->width_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct text_width *w = &s->widths[i];
        if (w->hash == 0 || (w->hash == h && w->len == len && w->script == script &&
                             w->dir == dir && memcmp(w->key, text, len) == 0))
            return w;
    }
}

/* Allocates s's table (TEXT_WIDTH_FIRST slots) or doubles it, keeping the
 * entries; false when memory runs out (the old table stays). */
static bool
widths_grow(struct text_font_slot *s)
{
    size_t cap = s->widths ? s->width_cap * 2 : TEXT_WIDTH_FIRST;
    struct text_width *old = s->widths, *grown = calloc(cap, sizeof *grown);
    if (!grown)
        return false;
    size_t old_cap = s->width_cap;
    s->widths = grown;
    s->width_cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        const struct text_width *o = &old[i];
        if (o->hash)
            *widths_find(s, o->hash, o->key, o->len, o->script, o->dir) = *o;
    }
    free(old);
    return true;
}

static int
text_measure(void *ctx, struct layout_font f, const struct layout_run_props *props,
             const char *text, size_t len)
{
    struct text *t = ctx;
    if (len == 0)
        return 0;
    struct text_font_slot *s = get_slot(t, f);
    uint32_t script = props_script(props, text, len);
    int dir = props ? props->dir : LAYOUT_DIR_LTR;
    if (len > TEXT_WIDTH_KEY_MAX || (!s->widths && !widths_grow(s)))
        return measure_font(t, s, script, dir, text, len);
    uint32_t h = width_hash(text, len, script, dir);
    struct text_width *w = widths_find(s, h, text, len, script, dir);
    if (w->hash)
        return w->width;
    int width = measure_font(t, s, script, dir, text, len);
    /* Bounded: when three quarters full, grow up to TEXT_WIDTH_SLOTS, then
     * start over rather than probe long. */
    if (s->width_count >= s->width_cap / 4 * 3) {
        if (s->width_cap >= TEXT_WIDTH_SLOTS || !widths_grow(s)) {
            memset(s->widths, 0, s->width_cap * sizeof *s->widths);
            s->width_count = 0;
        }
        w = widths_find(s, h, text, len, script, dir);
    }
    *w = (struct text_width){
        .hash = h, .script = script, .width = width, .dir = (uint8_t)dir, .len = (uint8_t)len};
    memcpy(w->key, text, len);
    s->width_count++;
    return width;
}

static void
text_font_metrics(void *ctx, struct layout_font f, int *ascent, int *descent, int *line_height)
{
    struct text *t = ctx;
    struct text_font_slot *s = get_slot(t, f);
    if (!s->has_metrics) {
        struct text_face *fc = face_at(t, f);
        if (!fc) {
            *ascent = f.px;
            *descent = f.px / 4;
            *line_height = *ascent + *descent;
            return;
        }
        s->ascent = TTF_FontAscent(fc->font);
        s->descent = -TTF_FontDescent(fc->font);
        if (s->descent < 0)
            s->descent = 0;
        s->line_height = TTF_FontLineSkip(fc->font);
        s->has_metrics = true;
    }
    *ascent = s->ascent;
    *descent = s->descent;
    *line_height = s->line_height;
}

struct text *
text_create(const struct text_fonts *fonts, struct err *e)
{
    struct text *t = calloc(1, sizeof *t);
    if (!t) {
        err_set(e, ERR_NOMEM, "text: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < TEXT_MAX_SIZES; i++)
        t->slots[i] = (struct text_font_slot){.pad = -1};
    for (size_t i = 0; i < LAYOUT_FACE_COUNT; i++)
        for (size_t j = 0; j < TEXT_FONTS_PER_FACE; j++)
            t->faces[i][j].dir = -1;
    if (!TTF_WasInit()) {
        if (TTF_Init() != 0) {
            err_set(e, ERR_IO, "text: cannot initialise SDL2_ttf: %s", TTF_GetError());
            free(t);
            return NULL;
        }
        t->ttf_owned = true;
    }
    for (size_t i = 0; i < LAYOUT_FACE_COUNT; i++) {
        const char *p = fonts && fonts->path[i] ? fonts->path[i] : NULL;
        if (!p) {
            err_set(e, ERR_INVALID, "text: no font file given for face %zu", i);
            text_destroy(t);
            return NULL;
        }
        t->path[i] = strdup(p);
        if (!t->path[i]) {
            err_set(e, ERR_NOMEM, "text: out of memory");
            text_destroy(t);
            return NULL;
        }
        TTF_Font *probe = TTF_OpenFont(p, 12);
        if (!probe) {
            err_set(e, ERR_IO, "%s: cannot open font: %s (install fonts-noto-core)", p,
                    TTF_GetError());
            text_destroy(t);
            return NULL;
        }
        TTF_CloseFont(probe);
    }
    t->metrics = (struct layout_metrics){
        .ctx = t, .measure = text_measure, .font_metrics = text_font_metrics};
    return t;
}

void
text_destroy(struct text *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < TEXT_MAX_SIZES; i++)
        slot_clear(&t->slots[i]);
    for (size_t i = 0; i < LAYOUT_FACE_COUNT; i++)
        for (size_t j = 0; j < TEXT_FONTS_PER_FACE; j++)
            if (t->faces[i][j].font)
                TTF_CloseFont(t->faces[i][j].font);
    for (size_t i = 0; i < LAYOUT_FACE_COUNT; i++)
        free(t->path[i]);
    if (t->ttf_owned)
        TTF_Quit();
    free(t);
}

const struct layout_metrics *
text_metrics(struct text *t)
{
    return &t->metrics;
}
