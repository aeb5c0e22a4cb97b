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
};
#define LAYOUT_PARA_SCRATCH_MAX (1024 * 1024)

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
    uint8_t role, color;
    int32_t block;
    int leading;        /* line advance; 0 = the font's line height */
    int max_lines;      /* 0 = unlimited; else lines past it are dropped */
    const char *marker; /* list bullet or number set left of the first line */
    uint8_t marker_face;
};

/* Sets a paragraph into lines appended to f: with one_unit false each line
 * becomes its own unit (widow/orphan glue set); with one_unit true the lines
 * go into the current unit starting at *y (advanced). Returns the number of
 * lines set. */
size_t para_set(struct lctx *c, struct flow *f, const struct para_style *st,
                const struct para_span *spans, size_t span_count, bool one_unit, int32_t *y);

#endif
