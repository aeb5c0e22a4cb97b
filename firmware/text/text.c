/* Fonts on demand (two TTF_Fonts a face, resized as asked) and the measuring
 * seam with a per-size cache of shaped word widths. */
#include "text.h"

#include <fcntl.h>
#include <hb-ot.h>
#include <hb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
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
    uint8_t dir; /* enum layout_dir, and the CJK face above it */
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
#define TEXT_COVER_FAST 0x3000 /* Latin to Indic and punctuation: 3 KB a font */
struct text_face {
    TTF_Font *font;  /* NULL until first used */
    int px;          /* the size it is set to */
    uint32_t script; /* as last set on font; 0 = never set */
    int dir;         /* as last set on font; -1 = never set */
    int pad;         /* px of two spaces with script, dir and px; -1 = not measured */
    bool fresh;      /* opened and not shaped with yet: see drop_pages */
    uint64_t last_use;
};

/* A font file, mapped read-only on first use and shared by every face and
 * size opened from it (FreeType reads it through SDL_RWFromConstMem, HarfBuzz
 * through a blob over the same pages). */
struct text_file {
    char *path;
    const unsigned char *map; /* NULL until mapped */
    size_t size;
    hb_blob_t *blob;
    bool failed; /* could not be mapped: not tried again */
};

/* Where the sources of t come from: the six faces, then the chain. */
enum {
    TEXT_CJK_JP,
    TEXT_CJK_KR,
    TEXT_CJK_SC,
    TEXT_CJK_TC,
    TEXT_CJK_VARIANTS,
    SRC_CHAIN = LAYOUT_FACE_COUNT, /* (chain, style) for the chains before CJK */
    SRC_CJK = SRC_CHAIN + TEXT_CHAIN_CJK * TEXT_STYLE_COUNT, /* (style, variant) */
    SRC_SYMBOLS = SRC_CJK + TEXT_STYLE_COUNT * TEXT_CJK_VARIANTS,
    SRC_COUNT = SRC_SYMBOLS + TEXT_SYMBOL_FONTS
};

/* A font of t: one face of one file, with its coverage (a HarfBuzz font on
 * the mapped file: a cmap lookup, no copy) and its TTF_Fonts by size. */
struct text_source {
    int file;         /* index into t->files; -1 = not installed */
    int variant;      /* CJK collections: which language's face; -1 otherwise */
    bool loaded;      /* cover is set up */
    bool failed;      /* could not be loaded: its characters fall through */
    unsigned face;    /* face index in the file */
    hb_font_t *cover; /* for coverage; NULL until loaded */
    bool ascii;       /* covers every printable ASCII character */
    /* Coverage below TEXT_COVER_FAST known so far, two bits a code point
     * (looked up, has a glyph), so the text of a Latin edition is checked
     * with a bit test instead of a cmap search; NULL until first used. */
    uint32_t *cover_bits;
    struct text_face fonts[TEXT_FONTS_PER_FACE];
};

/* What is kept per face and size: metrics and shaped widths. */
struct text_font_slot {
    bool used;
    struct layout_font id;
    uint64_t last_use;
    bool has_metrics;
    int ascent, descent, line_height;
    int zero;                  /* advance of "0", the placeholder's width; -1 = not measured */
    struct text_width *widths; /* width_cap entries, allocated on first measure */
    size_t width_count, width_cap;
};

#define TEXT_MAX_FILES (SRC_COUNT)

struct text {
    struct text_file files[TEXT_MAX_FILES];
    size_t file_count;
    struct text_source src[SRC_COUNT];
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
#define TEXT_CHAIN_PATHS(c, tag)                                                                   \
    f->chain[c][TEXT_STYLE_SERIF] = NK_FONT_##tag##_SERIF;                                         \
    f->chain[c][TEXT_STYLE_SERIF_BOLD] = NK_FONT_##tag##_SERIF_BOLD;                               \
    f->chain[c][TEXT_STYLE_SANS] = NK_FONT_##tag##_SANS;                                           \
    f->chain[c][TEXT_STYLE_SANS_BOLD] = NK_FONT_##tag##_SANS_BOLD
    TEXT_CHAIN_PATHS(TEXT_CHAIN_ARABIC, ARAB);
    TEXT_CHAIN_PATHS(TEXT_CHAIN_HEBREW, HEBR);
    TEXT_CHAIN_PATHS(TEXT_CHAIN_DEVANAGARI, DEVA);
    TEXT_CHAIN_PATHS(TEXT_CHAIN_BENGALI, BENG);
    TEXT_CHAIN_PATHS(TEXT_CHAIN_ETHIOPIC, ETHI);
    TEXT_CHAIN_PATHS(TEXT_CHAIN_THAI, THAI);
    TEXT_CHAIN_PATHS(TEXT_CHAIN_CJK, CJK);
#undef TEXT_CHAIN_PATHS
    /* DejaVu Sans first: it has the common signs the Noto text faces lack
     * (U+2212 MINUS SIGN, most mathematical operators, arrows and box
     * drawing), so a weather column's minus sign opens one font, not three */
    f->symbols[0] = NK_FONT_DEJAVU;
    f->symbols[1] = NK_FONT_SYMBOLS;
    f->symbols[2] = NK_FONT_SYMBOLS2;
}

static void
slot_clear(struct text_font_slot *s)
{
    free(s->widths);
    *s = (struct text_font_slot){.zero = -1};
}

static struct layout_font
valid_font(struct layout_font f)
{
    if (f.face >= LAYOUT_FACE_COUNT)
        f.face = LAYOUT_FACE_SERIF;
    return f;
}

/* Maps the file once; false (and not tried again) when it cannot be read. */
static bool
file_map(struct text_file *fl)
{
    if (fl->map)
        return true;
    if (fl->failed)
        return false;
    fl->failed = true;
    int fd = open(fl->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size > 0 && (uint64_t)st.st_size <= UINT32_MAX)
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return false;
    fl->map = map;
    fl->size = (size_t)st.st_size;
    fl->blob =
        hb_blob_create((const char *)map, (unsigned)fl->size, HB_MEMORY_MODE_READONLY, NULL, NULL);
    fl->failed = false;
    return true;
}

/* The face of a CJK collection for variant (JP, KR, SC, TC), found by its
 * family name ("Noto Serif CJK SC"), so a collection that orders its faces
 * otherwise still gives the language's glyph forms; 0 when none is named so. */
static unsigned
cjk_face(hb_blob_t *blob, int variant)
{
    static const char *const suffix[TEXT_CJK_VARIANTS] = {" JP", " KR", " SC", " TC"};
    unsigned n = hb_face_count(blob);
    for (unsigned i = 0; i < n; i++) {
        hb_face_t *face = hb_face_create(blob, i);
        char name[128];
        unsigned len = sizeof name;
        unsigned got =
            hb_ot_name_get_utf8(face, HB_OT_NAME_ID_FONT_FAMILY, HB_LANGUAGE_INVALID, &len, name);
        hb_face_destroy(face);
        if (got == 0 || len >= sizeof name)
            continue;
        size_t sl = strlen(suffix[variant]);
        if (len >= sl && strcmp(name + len - sl, suffix[variant]) == 0 && !strstr(name, "Mono"))
            return i;
    }
    return 0;
}

/* Sets up src's coverage (mapping its file on first use); false when the
 * font is not installed or cannot be read. */
static bool
source_load(struct text *t, struct text_source *src)
{
    if (src->loaded)
        return true;
    if (src->failed || src->file < 0)
        return false;
    src->failed = true;
    struct text_file *fl = &t->files[src->file];
    if (!file_map(fl))
        return false;
    if (src->variant >= 0)
        src->face = cjk_face(fl->blob, src->variant);
    hb_face_t *face = hb_face_create(fl->blob, src->face);
    if (hb_face_get_glyph_count(face) == 0) {
        hb_face_destroy(face);
        return false;
    }
    src->cover = hb_font_create(face);
    hb_face_destroy(face);
    src->ascii = true;
    for (hb_codepoint_t c = 0x20; c < 0x7f && src->ascii; c++) {
        hb_codepoint_t g;
        src->ascii = hb_font_get_nominal_glyph(src->cover, c, &g);
    }
    src->loaded = true;
    src->failed = false;
    return true;
}

/* Whether source i has a glyph for c (loading it on first use). */
static bool
covers(struct text *t, int i, hb_codepoint_t c)
{
    struct text_source *src = &t->src[i];
    if (!src->loaded && !source_load(t, src))
        return false;
    hb_codepoint_t g;
    if (c >= TEXT_COVER_FAST)
        return hb_font_get_nominal_glyph(src->cover, c, &g);
    if (!src->cover_bits) {
        src->cover_bits = calloc(TEXT_COVER_FAST / 16, sizeof *src->cover_bits);
        if (!src->cover_bits)
            return hb_font_get_nominal_glyph(src->cover, c, &g);
    }
    uint32_t *word = &src->cover_bits[c / 16], shift = (c % 16) * 2;
    if (!(*word >> shift & 1))
        *word |= (1u | (uint32_t)hb_font_get_nominal_glyph(src->cover, c, &g) << 1) << shift;
    return *word >> (shift + 1) & 1;
}

/* FreeType and SDL2_ttf's HarfBuzz copy what they keep of the tables they
 * read through the stream (a CJK collection's subroutines and layout tables:
 * megabytes), at opening and at the first shaping: the mapping's pages read
 * for that are dropped from the resident set then, and fault back from the
 * page cache when a glyph needs them. 4 MB less resident a CJK face. */
static void
drop_pages(const struct text_file *fl)
{
    /* Every file, the Latin faces too (0.5-0.7 MB each): 1.1 MB less peak
     * RSS over 1,000 page turns of the 100-article edition (217 drops),
     * for no time measurable in a 100-article --dump-layout (105.2 against
     * 105.9 ms, median of 12 interleaved runs, 2026-12-06). */
    madvise((void *)fl->map, fl->size, MADV_DONTNEED);
}

/* A TTF_Font of source i set to px: one already at that size, else a new
 * one, else the least recently used one resized. NULL if it cannot be opened
 * or resized. */
static struct text_face *
source_at(struct text *t, int i, int px)
{
    px = px < TEXT_MIN_PX ? TEXT_MIN_PX : px > TEXT_MAX_PX ? TEXT_MAX_PX : px;
    struct text_source *src = &t->src[i];
    struct text_face *all = src->fonts, *fc = &all[0];
    for (size_t k = 0; k < TEXT_FONTS_PER_FACE; k++) {
        if (all[k].font && all[k].px == px) {
            fc = &all[k];
            fc->last_use = ++t->clock;
            return fc;
        }
        if (!all[k].font ? fc->font != NULL : fc->font && all[k].last_use < fc->last_use)
            fc = &all[k];
    }
    if (!fc->font) {
        if (!source_load(t, src))
            return NULL;
        const struct text_file *fl = &t->files[src->file];
        SDL_RWops *rw = SDL_RWFromConstMem(fl->map, (int)fl->size);
        if (!rw)
            return NULL;
        fc->font = TTF_OpenFontIndexRW(rw, 1, px, (long)src->face);
        if (!fc->font)
            return NULL;
        drop_pages(fl);
        fc->fresh = true;
        /* Measuring and drawing must agree: one hinting mode, kerning on. */
        TTF_SetFontHinting(fc->font, TTF_HINTING_LIGHT);
        TTF_SetFontKerning(fc->font, 1);
        fc->script = 0;
        fc->dir = -1;
    } else if (TTF_SetFontSize(fc->font, px) != 0) {
        /* the font is in an unknown state: open it afresh next time */
        TTF_CloseFont(fc->font);
        *fc = (struct text_face){.dir = -1, .pad = -1};
        return NULL;
    }
    fc->px = px;
    fc->pad = -1;
    fc->fresh = true; /* a new size reads the hinting tables again */
    fc->last_use = ++t->clock;
    return fc;
}

/* A font of f's face set to f's size. */
static struct text_face *
face_at(struct text *t, struct layout_font f)
{
    f = valid_font(f);
    return source_at(t, f.face, f.px);
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
        fc->pad = -1;
    }
    if (dir != fc->dir) {
        TTF_SetFontDirection(fc->font,
                             dir == LAYOUT_DIR_RTL ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
        fc->dir = dir;
        fc->pad = -1;
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
measure_uncached(struct text_face *fc, const char *text, size_t len)
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
    if (fc->pad < 0 && TTF_SizeUTF8(font, "  ", &fc->pad, NULL) != 0)
        fc->pad = -1;
    int w = 0;
    if (fc->pad < 0 || TTF_SizeUTF8(font, buf, &w, NULL) != 0)
        w = 0;
    if (buf != small)
        free(buf);
    return w > fc->pad ? w - fc->pad : 0;
}

/* Measures on source i's font at px with script and dir; 0 if it cannot be
 * opened. */
static int
measure_source(struct text *t, int i, int px, uint32_t script, int dir, const char *text,
               size_t len)
{
    struct text_face *fc = source_at(t, i, px);
    if (!fc)
        return 0;
    apply_props(fc, script, dir);
    int w = measure_uncached(fc, text, len);
    if (fc->fresh) {
        fc->fresh = false;
        drop_pages(&t->files[t->src[i].file]);
    }
    return w;
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

/* ---- the fallback chain ---- */

static int
style_of(uint8_t face)
{
    switch (face) {
    case LAYOUT_FACE_SERIF_BOLD:
    case LAYOUT_FACE_SERIF_BOLD_ITALIC:
        return TEXT_STYLE_SERIF_BOLD;
    case LAYOUT_FACE_SANS:
        return TEXT_STYLE_SANS;
    case LAYOUT_FACE_SANS_BOLD:
        return TEXT_STYLE_SANS_BOLD;
    default:
        return TEXT_STYLE_SERIF;
    }
}

static int
chain_of_script(hb_script_t sc)
{
    switch (sc) {
    case HB_SCRIPT_ARABIC:
        return TEXT_CHAIN_ARABIC;
    case HB_SCRIPT_HEBREW:
        return TEXT_CHAIN_HEBREW;
    case HB_SCRIPT_DEVANAGARI:
        return TEXT_CHAIN_DEVANAGARI;
    case HB_SCRIPT_BENGALI:
        return TEXT_CHAIN_BENGALI;
    case HB_SCRIPT_ETHIOPIC:
        return TEXT_CHAIN_ETHIOPIC;
    case HB_SCRIPT_THAI:
        return TEXT_CHAIN_THAI;
    case HB_SCRIPT_HAN:
    case HB_SCRIPT_HIRAGANA:
    case HB_SCRIPT_KATAKANA:
    case HB_SCRIPT_HANGUL:
    case HB_SCRIPT_BOPOMOFO:
        return TEXT_CHAIN_CJK;
    default:
        return -1;
    }
}

/* The chain a language writes in, for punctuation and digits with no strong
 * neighbour ("。" alone in a Chinese run); -1 for none. */
static int
chain_of_lang(const char *lang)
{
    static const struct {
        const char *lang;
        int chain;
    } map[] = {
        {"ar", TEXT_CHAIN_ARABIC},     {"fa", TEXT_CHAIN_ARABIC},     {"ur", TEXT_CHAIN_ARABIC},
        {"ps", TEXT_CHAIN_ARABIC},     {"he", TEXT_CHAIN_HEBREW},     {"yi", TEXT_CHAIN_HEBREW},
        {"hi", TEXT_CHAIN_DEVANAGARI}, {"mr", TEXT_CHAIN_DEVANAGARI}, {"ne", TEXT_CHAIN_DEVANAGARI},
        {"bn", TEXT_CHAIN_BENGALI},    {"am", TEXT_CHAIN_ETHIOPIC},   {"ti", TEXT_CHAIN_ETHIOPIC},
        {"th", TEXT_CHAIN_THAI},       {"zh", TEXT_CHAIN_CJK},        {"ja", TEXT_CHAIN_CJK},
        {"ko", TEXT_CHAIN_CJK}};
    if (!lang)
        return -1;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        size_t n = strlen(map[i].lang);
        if (strncmp(lang, map[i].lang, n) == 0 &&
            (lang[n] == 0 || lang[n] == '-' || lang[n] == '_'))
            return map[i].chain;
    }
    return -1;
}

/* The face of the CJK collections for a language: Japanese, Korean,
 * traditional Chinese (zh-Hant, zh-TW, zh-HK, zh-MO), else simplified. */
static int
cjk_variant(const char *lang)
{
    if (!lang)
        return TEXT_CJK_SC;
    if (strncmp(lang, "ja", 2) == 0)
        return TEXT_CJK_JP;
    if (strncmp(lang, "ko", 2) == 0)
        return TEXT_CJK_KR;
    if (strncmp(lang, "zh", 2) == 0 &&
        (strstr(lang, "Hant") || strstr(lang, "TW") || strstr(lang, "HK") || strstr(lang, "MO")))
        return TEXT_CJK_TC;
    return TEXT_CJK_SC;
}

/* The source of chain c for a run of face and lang; -1 when not installed. */
static int
chain_source(const struct text *t, int chain, uint8_t face, const char *lang)
{
    int style = style_of(face), i;
    if (chain == TEXT_CHAIN_CJK)
        i = SRC_CJK + style * TEXT_CJK_VARIANTS + cjk_variant(lang);
    else
        i = SRC_CHAIN + chain * TEXT_STYLE_COUNT + style;
    return t->src[i].file >= 0 ? i : -1;
}

/* How a character joins the pieces around it. */
enum item_kind {
    ITEM_STRONG, /* has a script of its own */
    ITEM_WEAK,   /* Common: spaces, digits, punctuation; goes with a neighbour that has it */
    ITEM_MARK,   /* Inherited: combining marks; goes with the character before if it can */
    ITEM_ATTACH, /* format and control characters (ZWJ, ZWNJ, variation selectors, bidi
                  * marks): HarfBuzz hides them, so they stay in the piece they are in */
};

static enum item_kind
item_kind(hb_unicode_funcs_t *uf, hb_codepoint_t c, hb_script_t *sc)
{
    *sc = hb_unicode_script(uf, c);
    hb_unicode_general_category_t gc = hb_unicode_general_category(uf, c);
    if (gc == HB_UNICODE_GENERAL_CATEGORY_FORMAT || gc == HB_UNICODE_GENERAL_CATEGORY_CONTROL ||
        (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef))
        return ITEM_ATTACH;
    if (*sc == HB_SCRIPT_INHERITED)
        return ITEM_MARK;
    if (*sc == HB_SCRIPT_COMMON || *sc == HB_SCRIPT_UNKNOWN)
        return ITEM_WEAK;
    return ITEM_STRONG;
}

/* Han, kana, Hangul and Bopomofo mix within one CJK text and one font: one
 * piece, not one a script change. */
static bool
same_class(uint32_t a, uint32_t b)
{
    if (a == b)
        return true;
    int ca = chain_of_script(hb_script_from_iso15924_tag(a));
    int cb = chain_of_script(hb_script_from_iso15924_tag(b));
    return ca == TEXT_CHAIN_CJK && cb == TEXT_CHAIN_CJK;
}

/* The state of one itemization: the run, the piece being built, and the
 * next strong character ahead (found once per stretch of weak ones). */
struct items {
    struct text *t;
    uint8_t face;
    const char *lang;
    int lang_chain;
    uint32_t run_script; /* props->script; 0 = none given */
    hb_unicode_funcs_t *uf;
    const uint8_t *s;
    size_t len;
    struct text_piece cur; /* len 0 = none yet */
    bool have;
    uint32_t last_script; /* of the last piece emitted, for weak-only pieces */
    size_t ahead_pos;     /* byte offset of the next strong character; len = none */
    int ahead_src;
    uint32_t ahead_script;
    bool ahead_valid;
    struct text_piece *out;
    size_t max, count;
};

/* The first font of the chain that has c (a strong character of script sc):
 * the face itself, its script's chain font, the symbol fonts; -1 if none. */
static int
pick_strong(struct items *it, hb_codepoint_t c, hb_script_t sc)
{
    struct text *t = it->t;
    if (covers(t, it->face, c))
        return it->face;
    int chain = chain_of_script(sc);
    int i = chain >= 0 ? chain_source(t, chain, it->face, it->lang) : -1;
    if (i >= 0 && covers(t, i, c))
        return i;
    for (int k = 0; k < TEXT_SYMBOL_FONTS; k++)
        if (t->src[SRC_SYMBOLS + k].file >= 0 && covers(t, SRC_SYMBOLS + k, c))
            return SRC_SYMBOLS + k;
    return TEXT_SOURCE_NONE;
}

/* As pick_strong for a character of no script: the face, the chain of the
 * run's language, CJK for the CJK punctuation and full-width blocks, then
 * the symbol fonts. */
static int
pick_weak(struct items *it, hb_codepoint_t c)
{
    struct text *t = it->t;
    if (covers(t, it->face, c))
        return it->face;
    int chain = it->lang_chain;
    if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef))
        chain = TEXT_CHAIN_CJK;
    int i = chain >= 0 ? chain_source(t, chain, it->face, it->lang) : -1;
    if (i >= 0 && covers(t, i, c))
        return i;
    for (int k = 0; k < TEXT_SYMBOL_FONTS; k++)
        if (t->src[SRC_SYMBOLS + k].file >= 0 && covers(t, SRC_SYMBOLS + k, c))
            return SRC_SYMBOLS + k;
    return TEXT_SOURCE_NONE;
}

static void
emit(struct items *it)
{
    if (!it->have)
        return;
    struct text_piece *p = &it->cur;
    if (!p->script)
        p->script = it->ahead_valid && it->ahead_pos < it->len ? it->ahead_script
                    : it->last_script                          ? it->last_script
                    : it->run_script                           ? it->run_script
                                                               : HB_TAG('L', 'a', 't', 'n');
    it->last_script = p->script;
    if (it->count < it->max)
        it->out[it->count] = *p;
    it->count++;
    it->have = false;
}

static void
start(struct items *it, size_t at, int src, uint32_t script)
{
    emit(it);
    it->cur = (struct text_piece){.start = (uint32_t)at, .source = src, .script = script};
    it->have = true;
}

/* Finds the next strong character at or after byte from, and its font. */
static void
look_ahead(struct items *it, size_t from)
{
    it->ahead_valid = true;
    it->ahead_pos = it->len;
    size_t i = from;
    while (i < it->len) {
        ucs4_t c;
        int n = u8_mbtouc(&c, it->s + i, it->len - i);
        hb_script_t sc;
        if (item_kind(it->uf, c, &sc) == ITEM_STRONG) {
            it->ahead_pos = i;
            it->ahead_src = pick_strong(it, c, sc);
            it->ahead_script = hb_script_to_iso15924_tag(sc);
            return;
        }
        i += (size_t)(n > 0 ? n : 1);
    }
}

/* Places c (n bytes at byte i) of kind k: in the current piece when its font
 * has it and the script agrees, else in a new piece. */
static void
place(struct items *it, size_t i, size_t n, hb_codepoint_t c, enum item_kind k, hb_script_t sc)
{
    struct text_piece *p = &it->cur;
    if (k == ITEM_ATTACH && it->have) {
        p->len += (uint32_t)n;
        return;
    }
    if (k == ITEM_MARK && it->have &&
        (p->source == TEXT_SOURCE_NONE || covers(it->t, p->source, c))) {
        p->len += (uint32_t)n; /* a mark on a placeholder is not a character of its own */
        return;
    }
    int src;
    uint32_t script = 0;
    if (k == ITEM_STRONG) {
        src = pick_strong(it, c, sc);
        script = hb_script_to_iso15924_tag(sc);
        if (it->have && p->source == src && (!p->script || same_class(p->script, script))) {
            if (!p->script)
                p->script = script;
            p->len += (uint32_t)n;
            p->missing += src == TEXT_SOURCE_NONE;
            return;
        }
    } else {
        /* a symbol font is a last resort for the characters nothing else
         * has: the digits and spaces after a minus sign go back to the text's
         * font, not on in DejaVu */
        bool symbol = p->source >= SRC_SYMBOLS && p->source < SRC_SYMBOLS + TEXT_SYMBOL_FONTS;
        if (it->have && p->source != TEXT_SOURCE_NONE && !symbol && covers(it->t, p->source, c)) {
            p->len += (uint32_t)n;
            return;
        }
        if (!it->ahead_valid || it->ahead_pos < i)
            look_ahead(it, i);
        if (it->ahead_pos < it->len && it->ahead_src != TEXT_SOURCE_NONE &&
            (k == ITEM_ATTACH || covers(it->t, it->ahead_src, c))) {
            src = it->ahead_src;
            script = it->ahead_script;
        } else if (k == ITEM_ATTACH) {
            src = it->face; /* nothing to attach to: hidden by the shaper anyway */
        } else {
            src = pick_weak(it, c);
        }
        if (it->have && p->source == src &&
            (!script || !p->script || same_class(p->script, script))) {
            p->len += (uint32_t)n;
            p->missing += src == TEXT_SOURCE_NONE && k != ITEM_ATTACH;
            return;
        }
    }
    start(it, i, src, script);
    it->cur.len = (uint32_t)n;
    it->cur.missing = src == TEXT_SOURCE_NONE && k != ITEM_ATTACH;
}

/* Itemizes text into it->out (up to it->max); returns the piece count. */
static size_t
itemize(struct text *t, struct layout_font f, const struct layout_run_props *props,
        const char *text, size_t len, struct text_piece *out, size_t max)
{
    f = valid_font(f);
    uint32_t run_script = props ? props->script : 0;
    /* The English path: printable ASCII the face covers is one piece. */
    size_t i = 0;
    while (i < len && (uint8_t)text[i] >= 0x20 && (uint8_t)text[i] < 0x7f)
        i++;
    if (i == len && (t->src[f.face].loaded || source_load(t, &t->src[f.face])) &&
        t->src[f.face].ascii) {
        if (max > 0)
            out[0] =
                (struct text_piece){.start = 0,
                                    .len = (uint32_t)len,
                                    .source = f.face,
                                    .script = run_script ? run_script : HB_TAG('L', 'a', 't', 'n')};
        return len > 0;
    }
    struct items it = {.t = t,
                       .face = f.face,
                       .lang = props ? props->lang : NULL,
                       .lang_chain = chain_of_lang(props ? props->lang : NULL),
                       .run_script = run_script,
                       .uf = hb_unicode_funcs_get_default(),
                       .s = (const uint8_t *)text,
                       .len = len,
                       .out = out,
                       .max = max};
    i = 0;
    while (i < len) {
        ucs4_t c;
        int n = u8_mbtouc(&c, it.s + i, len - i);
        if (n <= 0) {
            c = 0xfffd;
            n = 1;
        }
        hb_script_t sc;
        enum item_kind k = item_kind(it.uf, c, &sc);
        place(&it, i, (size_t)n, c, k, sc);
        i += (size_t)n;
    }
    emit(&it);
    return it.count;
}

size_t
text_itemize(struct text *t, struct layout_font f, const struct layout_run_props *props,
             const char *text, size_t len, struct text_piece *out, size_t max)
{
    return itemize(t, f, props, text, len, out, max);
}

int
text_placeholder_width(struct text *t, struct layout_font f)
{
    struct text_font_slot *s = get_slot(t, f);
    if (s->zero < 0)
        s->zero = measure_source(t, valid_font(f).face, f.px, HB_TAG('L', 'a', 't', 'n'),
                                 LAYOUT_DIR_LTR, "0", 1);
    return s->zero > 0 ? s->zero : f.px / 2;
}

int
text_piece_width(struct text *t, struct layout_font f, const struct layout_run_props *props,
                 const char *text, const struct text_piece *p)
{
    if (p->source == TEXT_SOURCE_NONE)
        return (int)p->missing * text_placeholder_width(t, f);
    if (p->source < 0 || p->source >= SRC_COUNT)
        return 0;
    return measure_source(t, p->source, f.px, p->script, props ? props->dir : LAYOUT_DIR_LTR,
                          text + p->start, p->len);
}

TTF_Font *
text_piece_font(struct text *t, struct layout_font f, const struct layout_run_props *props,
                const struct text_piece *p)
{
    if (p->source < 0 || p->source >= SRC_COUNT)
        return NULL;
    struct text_face *fc = source_at(t, p->source, f.px);
    if (!fc)
        return NULL;
    apply_props(fc, p->script, props ? props->dir : LAYOUT_DIR_LTR);
    return fc->font;
}

/* The advance of a run: its one piece on the face (the common case, kept as
 * before), or the sum of its pieces on their fonts. */
static int
measure_run(struct text *t, struct text_font_slot *s, const struct layout_run_props *props,
            uint32_t script, int dir, const char *text, size_t len)
{
    struct text_piece small[8];
    size_t n = itemize(t, s->id, props, text, len, small, 8);
    struct text_piece *pieces = small;
    if (n > 8) {
        pieces = malloc(n * sizeof *pieces);
        if (!pieces)
            return 0;
        itemize(t, s->id, props, text, len, pieces, n);
    }
    int w = 0;
    if (n == 1 && pieces[0].source == s->id.face)
        w = measure_source(t, s->id.face, s->id.px, script, dir, text, len);
    else
        for (size_t i = 0; i < n; i++)
            w += text_piece_width(t, s->id, props, text, &pieces[i]);
    if (pieces != small)
        free(pieces);
    return w;
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
    /* Han takes the glyphs of the language's CJK face: the key has both. */
    int key = dir | cjk_variant(props ? props->lang : NULL) << 1;
    if (len > TEXT_WIDTH_KEY_MAX || (!s->widths && !widths_grow(s)))
        return measure_run(t, s, props, script, dir, text, len);
    uint32_t h = width_hash(text, len, script, key);
    struct text_width *w = widths_find(s, h, text, len, script, key);
    if (w->hash)
        return w->width;
    int width = measure_run(t, s, props, script, dir, text, len);
    /* Bounded: when three quarters full, grow up to TEXT_WIDTH_SLOTS, then
     * start over rather than probe long. measure_run may have evicted s's
     * table: look it up again. */
    s = get_slot(t, f);
    if (!s->widths && !widths_grow(s))
        return width;
    if (s->width_count >= s->width_cap / 4 * 3) {
        if (s->width_cap >= TEXT_WIDTH_SLOTS || !widths_grow(s)) {
            memset(s->widths, 0, s->width_cap * sizeof *s->widths);
            s->width_count = 0;
        }
    }
    w = widths_find(s, h, text, len, script, key);
    if (w->hash)
        return w->width;
    *w = (struct text_width){
        .hash = h, .script = script, .width = width, .dir = (uint8_t)key, .len = (uint8_t)len};
    memcpy(w->key, text, len);
    s->width_count++;
    return width;
}

/* The missing seam: characters no font of the chain covers. */
static int
text_missing(void *ctx, struct layout_font f, const struct layout_run_props *props,
             const char *text, size_t len)
{
    struct text *t = ctx;
    /* Layout asks for every run of every page: text the face has whole is
     * answered without itemizing (ASCII, then a bit test a character). */
    f = valid_font(f);
    size_t i = 0;
    while (i < len) {
        uint8_t b = (uint8_t)text[i];
        if (b >= 0x20 && b < 0x7f) {
            i++;
            continue;
        }
        ucs4_t c;
        int n = u8_mbtouc(&c, (const uint8_t *)text + i, len - i);
        if (n <= 0 || !covers(t, f.face, c))
            break;
        i += (size_t)n;
    }
    if (i == len)
        return 0;
    struct text_piece small[8];
    size_t n = itemize(t, f, props, text, len, small, 8);
    struct text_piece *pieces = small;
    if (n > 8) {
        pieces = malloc(n * sizeof *pieces);
        if (!pieces)
            return 0;
        itemize(t, f, props, text, len, pieces, n);
    }
    int missing = 0;
    for (size_t k = 0; k < n; k++)
        missing += (int)pieces[k].missing;
    if (pieces != small)
        free(pieces);
    return missing;
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

/* The index of path among t's files, added if new; -1 for no path. */
static int
add_file(struct text *t, const char *path, struct err *e)
{
    if (!path || !path[0])
        return -1;
    for (size_t i = 0; i < t->file_count; i++)
        if (strcmp(t->files[i].path, path) == 0)
            return (int)i;
    if (t->file_count == TEXT_MAX_FILES)
        return -1; /* cannot happen: one file a source at most */
    char *copy = strdup(path);
    if (!copy) {
        err_set(e, ERR_NOMEM, "text: out of memory");
        return -2;
    }
    t->files[t->file_count] = (struct text_file){.path = copy};
    return (int)t->file_count++;
}

/* Sets up the sources from fonts: files are only recorded here, mapped on
 * first use. */
static bool
add_sources(struct text *t, const struct text_fonts *fonts, struct err *e)
{
    for (int i = 0; i < SRC_COUNT; i++) {
        struct text_source *src = &t->src[i];
        const char *path = NULL;
        src->variant = -1;
        if (i < LAYOUT_FACE_COUNT) {
            path = fonts->path[i];
        } else if (i < SRC_CJK) {
            int k = i - SRC_CHAIN;
            path = fonts->chain[k / TEXT_STYLE_COUNT][k % TEXT_STYLE_COUNT];
        } else if (i < SRC_SYMBOLS) {
            int k = i - SRC_CJK;
            path = fonts->chain[TEXT_CHAIN_CJK][k / TEXT_CJK_VARIANTS];
            src->variant = k % TEXT_CJK_VARIANTS;
        } else {
            path = fonts->symbols[i - SRC_SYMBOLS];
        }
        src->file = add_file(t, path, e);
        if (src->file == -2)
            return false;
        for (size_t j = 0; j < TEXT_FONTS_PER_FACE; j++)
            src->fonts[j] = (struct text_face){.dir = -1, .pad = -1};
    }
    return true;
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
        t->slots[i] = (struct text_font_slot){.zero = -1};
    if (!TTF_WasInit()) {
        if (TTF_Init() != 0) {
            err_set(e, ERR_IO, "text: cannot initialise SDL2_ttf: %s", TTF_GetError());
            free(t);
            return NULL;
        }
        t->ttf_owned = true;
    }
    for (size_t i = 0; i < LAYOUT_FACE_COUNT; i++) {
        if (!fonts || !fonts->path[i] || !fonts->path[i][0]) {
            err_set(e, ERR_INVALID, "text: no font file given for face %zu", i);
            text_destroy(t);
            return NULL;
        }
    }
    if (!add_sources(t, fonts, e)) {
        text_destroy(t);
        return NULL;
    }
    /* The six faces must open: map each and open it once from memory. */
    for (int i = 0; i < LAYOUT_FACE_COUNT; i++) {
        const char *p = fonts->path[i];
        if (!source_load(t, &t->src[i])) {
            err_set(e, ERR_IO, "%s: cannot read font (install fonts-noto-core)", p);
            text_destroy(t);
            return NULL;
        }
        const struct text_file *fl = &t->files[t->src[i].file];
        TTF_Font *probe = TTF_OpenFontIndexRW(SDL_RWFromConstMem(fl->map, (int)fl->size), 1, 12, 0);
        if (!probe) {
            err_set(e, ERR_IO, "%s: cannot open font: %s (install fonts-noto-core)", p,
                    TTF_GetError());
            text_destroy(t);
            return NULL;
        }
        TTF_CloseFont(probe);
        drop_pages(fl);
    }
    t->metrics = (struct layout_metrics){.ctx = t,
                                         .measure = text_measure,
                                         .font_metrics = text_font_metrics,
                                         .missing = text_missing};
    return t;
}

void
text_destroy(struct text *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < TEXT_MAX_SIZES; i++)
        slot_clear(&t->slots[i]);
    for (size_t i = 0; i < SRC_COUNT; i++) {
        struct text_source *src = &t->src[i];
        for (size_t j = 0; j < TEXT_FONTS_PER_FACE; j++)
            if (src->fonts[j].font)
                TTF_CloseFont(src->fonts[j].font);
        hb_font_destroy(src->cover);
        free(src->cover_bits);
    }
    for (size_t i = 0; i < t->file_count; i++) {
        struct text_file *fl = &t->files[i];
        hb_blob_destroy(fl->blob);
        if (fl->map)
            munmap((void *)fl->map, fl->size);
        free(fl->path);
    }
    if (t->ttf_owned)
        TTF_Quit();
    free(t);
}

void
text_stats(const struct text *t, struct text_stats *out)
{
    *out = (struct text_stats){0};
    for (size_t i = 0; i < t->file_count; i++)
        if (t->files[i].map) {
            out->files_mapped++;
            out->bytes_mapped += t->files[i].size;
        }
    for (int i = 0; i < SRC_COUNT; i++) {
        const struct text_source *src = &t->src[i];
        for (size_t j = 0; j < TEXT_FONTS_PER_FACE; j++)
            out->ttf_fonts += src->fonts[j].font != NULL;
        if (i < LAYOUT_FACE_COUNT || !src->loaded)
            continue;
        out->chain_loaded++;
        if (i < SRC_CJK)
            out->chain[(i - SRC_CHAIN) / TEXT_STYLE_COUNT] = true;
        else if (i < SRC_SYMBOLS)
            out->chain[TEXT_CHAIN_CJK] = true;
    }
}

const struct layout_metrics *
text_metrics(struct text *t)
{
    return &t->metrics;
}
