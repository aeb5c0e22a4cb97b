/* Shared inside the layout module only: the typesetter's state, the scratch
 * context of one call (growable vectors with a sticky out-of-memory flag),
 * the paragraph breaker and the flow of placeable units that pagination
 * cuts into columns. Never included from outside firmware/layout. */
#ifndef NK_LAYOUT_INTERNAL_H
#define NK_LAYOUT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

#define LAYOUT_TAG(a, b, c, d)                                                                     \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

struct lctx;

#define LAYOUT_HYPH_CACHE 8
#define LAYOUT_BCACHE_LANGS 8

struct layout_hyph {
    char lang[16];
    void *dict; /* HyphenDict *, NULL when no dictionary exists */
    void *conv; /* iconv_t from UTF-8 to the dictionary's charset, NULL for UTF-8 */
    bool utf8;
};

/* A growable array in malloc'd memory, for scratch data. */
struct vec {
    void *data;
    size_t count, cap, elem;
};

/* The paragraph breaker's working storage (layout_para.c), kept from one
 * paragraph and one call to the next so that setting a warm paragraph
 * allocates nothing; para_set frees any of it grown past
 * LAYOUT_PARA_SCRATCH_MAX bytes. */
struct para_scratch {
    struct vec items, hitems;   /* boxes, glue, penalties: plain, hyphenated */
    struct vec nodes, active;   /* total fit */
    struct vec breaks, hbreaks; /* int32_t item indexes */
    struct vec ranked;          /* pruning of active nodes */
    struct vec runs;            /* the runs of one line */
    struct vec brks;            /* char: libunibreak's answers */
    struct vec lb_copy;         /* char: text handed to libunibreak when it must be patched */
    struct vec span_off;        /* uint32_t */
    struct vec segs;            /* struct bidi_seg: one line in visual order */
    struct vec vis;             /* struct pending_run: the line's runs in visual order */
};
#define LAYOUT_PARA_SCRATCH_MAX (1024 * 1024)

/* para_style.props.dir only: the paragraph's direction is that of its first
 * strong character (UAX #9 P2, P3), left to right when it has none. Never
 * in a run or line. */
#define LAYOUT_DIR_AUTO 2

/* Bidi state of one paragraph or chrome string (layout_bidi.c): fribidi's
 * characters, types, bracket types and embedding levels, the byte offset of
 * each character (plus the end), and the line's visual map; kept across
 * paragraphs like para_scratch. */
struct layout_bidi {
    struct vec chars, types, brackets, levels, map, offs;
    struct vec owner; /* int32_t: the caller's owner of each line character */
    size_t n;         /* characters */
    uint8_t dir;      /* enum layout_dir: the resolved paragraph direction */
};

/* A piece of a line in visual order: bytes [off, off + len) of the text,
 * one embedding level (odd: right to left), one owner. */
struct bidi_seg {
    uint32_t off, len;
    int32_t owner;
    uint8_t level;
};

void layout_bidi_init(struct layout_bidi *bd);
void layout_bidi_fini(struct layout_bidi *bd);
/* Frees arrays grown past max_bytes by a huge paragraph. */
void layout_bidi_trim(struct layout_bidi *bd, size_t max_bytes);
/* False when no character of s can move in a left-to-right paragraph (no
 * right-to-left letter, Arabic digit or explicit control): a quick scan
 * that lets all-LTR text skip fribidi. */
bool layout_bidi_needed(const char *s, size_t len);
/* Resolves the levels of paragraph s (UTF-8, len bytes) of direction dir
 * (LAYOUT_DIR_LTR, _RTL or _AUTO) into c->L->bidi; false (c->oom set) when
 * out of memory. */
bool layout_bidi_para(struct lctx *c, const char *s, size_t len, uint8_t dir);
/* Index of the character of the resolved paragraph that holds byte. */
size_t layout_bidi_char_at(const struct layout_bidi *bd, uint32_t byte);
/* Reorders characters [a, z) of the resolved paragraph as one line (UAX #9
 * L1-L2) and puts into segs (struct bidi_seg, emptied first) its pieces in
 * visual order, left to right: maximal runs of characters adjacent in both
 * orders with one level and one owner (owner[i - a] for character i; NULL:
 * one owner). Returns the count; 0 when out of memory. */
size_t layout_bidi_line(struct lctx *c, size_t a, size_t z, const int32_t *owner, struct vec *segs);

/* A bounded memo from (tag, word) to 64 bits, kept across calls (the
 * hyphenation points and libunibreak's answers of words): open addressing
 * over a power-of-two number of slots, the words' bytes in a pool; emptied
 * whole when half full or when the pool is spent. Allocated on first put;
 * a failed allocation leaves it empty (a memo only). layout_para.c. */
struct layout_memo_entry {
    uint32_t off, len, hash; /* len 0: an empty slot */
    uint64_t tag, value;
};
struct layout_memo {
    struct layout_memo_entry *slot;
    char *pool;
    size_t slots, pool_size; /* set before first use */
    size_t count, pool_len;
};
bool layout_memo_get(const struct layout_memo *wm, uint64_t tag, const char *w, size_t n,
                     uint64_t *value);
void layout_memo_put(struct layout_memo *wm, uint64_t tag, const char *w, size_t n, uint64_t value);
void layout_memo_free(struct layout_memo *wm);

struct layout {
    struct layout_metrics m;
    char *hyphen_dir;
    struct layout_hyph hyph[LAYOUT_HYPH_CACHE];
    size_t hyph_count;
    /* hyphenation points by (dictionary, word), kept across calls */
    struct layout_memo hm;
    /* widths measured through m, kept across calls (the metrics and fonts
     * stay the same for the typesetter's life); bounded like hm */
    struct wcache_entry *wc;
    char *wc_pool;
    size_t wc_count, wc_pool_len;
    struct para_scratch ps;
    bool ascii_alpha[128]; /* uc_is_alpha of each ASCII character */
    /* libunibreak's break opportunities inside words (bit k: a break is
     * allowed after byte k) by (language index, word), kept across calls */
    struct layout_memo bc;
    char bc_lang[LAYOUT_BCACHE_LANGS][16]; /* languages of the entries, by index */
    size_t bc_lang_count;
    struct layout_bidi bidi; /* zeroed: set up on first use */
};

/* Width cache entry: one measured (font, props, text); the text's bytes
 * are at pool + off. len 0 marks an empty slot. */
struct wcache_entry {
    uint32_t off, len, hash, script;
    uint16_t px;
    uint8_t face, dir;
    int32_t width;
};
#define LAYOUT_WCACHE_SLOTS 32768        /* a power of two */
#define LAYOUT_WCACHE_POOL (1024 * 1024) /* bytes of measured text */

#define LAYOUT_BCACHE_SLOTS 8192       /* a power of two */
#define LAYOUT_BCACHE_POOL (64 * 1024) /* bytes of words */
#define LAYOUT_BCACHE_WORD 64          /* longer words are not kept */

#define LAYOUT_HMEMO_SLOTS 16384       /* a power of two */
#define LAYOUT_HMEMO_POOL (256 * 1024) /* bytes of words */

/* The scratch context of one layout call. oom is sticky: once an allocation
 * fails, pushes return scratch storage and the call reports ERR_NOMEM at the
 * end, so that deep helpers need not propagate every failure. */
struct lctx {
    struct layout *L;
    struct arena *arena; /* the output arena */
    bool oom;
    _Alignas(16) unsigned char scratch[256];
};

void vec_init(struct vec *v, size_t elem);
void vec_free(struct vec *v);
void *vec_push(struct lctx *c, struct vec *v); /* zeroed element */
/* Makes room for n elements (count unchanged); false (and c->oom) when out
 * of memory. */
bool vec_reserve(struct lctx *c, struct vec *v, size_t n);
#define VEC_AT(v, type, i) (&((type *)(v)->data)[i])
/* Appends one element of type to v, set from the initialisers that follow
 * (designated or positional, as in a compound literal). */
#define VEC_ADD(c, v, type, ...) ((void)(*(type *)vec_push((c), (v)) = (type){__VA_ARGS__}))

char *lctx_strndup(struct lctx *c, const char *s, size_t n);
char *lctx_strdup(struct lctx *c, const char *s);
void *lctx_alloc(struct lctx *c, size_t size); /* zeroed, in the output arena */

/* Measures through the metrics seam with the call's width cache. text must
 * stay valid for the whole call (arena or static). */
int lctx_measure(struct lctx *c, struct layout_font f, const struct layout_run_props *props,
                 const char *text, size_t len);
void lctx_font_metrics(struct lctx *c, struct layout_font f, int *ascent, int *descent, int *lh);

/* ISO 15924 tag of the first strong letter of text, 0 if none. */
uint32_t layout_guess_script(const char *text, size_t len);

/* Hyphenation dictionary for lang (cached), NULL when none. */
struct layout_hyph *layout_hyph_for(struct layout *L, const char *lang);

/* A flow: placeable units, each with lines, runs, figures, rects and links
 * in coordinates relative to the unit's top left. */
struct flow_line {
    int32_t x, y, w, h;
    uint8_t role;
    uint8_t dir; /* enum layout_dir */
    bool hyphenated;
    const char *text;
    uint32_t first_run, run_count; /* into flow.runs */
    int32_t block;
    uint32_t start, end; /* bytes of the paragraph's text the line sets */
};

struct flow_unit {
    int32_t h;      /* vertical extent including the space below it */
    bool space;     /* pure vertical space: dropped at the top of a column */
    bool glue_next; /* no column break between this unit and the next */
    bool floats;    /* a figure: may move after following text */
    uint32_t para;  /* a line of an article's paragraph: 1 + its index in the
                     * paragraphs pagination may set again (layout_doc.c); 0 else */
    int32_t block;
    uint32_t first_line, line_count;
    uint32_t first_fig, fig_count;
    uint32_t first_rect, rect_count;
    uint32_t first_link, link_count;
};

struct flow {
    struct vec units; /* struct flow_unit */
    struct vec lines; /* struct flow_line */
    struct vec runs;  /* struct layout_run */
    struct vec figs;  /* struct layout_figure */
    struct vec rects; /* struct layout_rect */
    struct vec links; /* struct layout_link */
};
void flow_init(struct flow *f);
void flow_free(struct flow *f);
/* Starts a new unit; following adds go into it. */
struct flow_unit *flow_unit(struct lctx *c, struct flow *f, int32_t block);
void flow_space(struct lctx *c, struct flow *f, int32_t h, bool glue_next);

/* One styled piece of a paragraph. */
struct para_span {
    const char *text;
    uint32_t len;
    uint8_t face;
};

struct para_style {
    uint16_t px;
    struct layout_run_props props;
    int width;        /* the measure in px */
    int first_indent; /* first line starts this far right */
    int x;            /* left offset of every line in the unit */
    bool ragged, hyphenate, center, align_right;
    bool align_left; /* flush left even in a right-to-left paragraph (a credit) */
    uint8_t role, color;
    int32_t block;
    int leading;        /* line advance; 0 = the font's line height */
    int max_lines;      /* 0 = unlimited; else lines past it are dropped */
    const char *marker; /* list bullet or number hung before the first line
                         * (left of it, right of it in a right-to-left paragraph) */
    uint8_t marker_face;
    int mirror_w; /* > 0: the width of the box holding the paragraph, inside
                   * which a right-to-left paragraph is mirrored (its lines
                   * start at mirror_w - x - width: a list's indent on the
                   * right); 0: x is kept */
};

/* Sets a paragraph into lines appended to f: with one_unit false each line
 * becomes its own unit (widow/orphan glue set); with one_unit true the lines
 * go into the current unit starting at *y (advanced). Returns the number of
 * lines set. */
size_t para_set(struct lctx *c, struct flow *f, const struct para_style *st,
                const struct para_span *spans, size_t span_count, bool one_unit, int32_t *y);

#endif
