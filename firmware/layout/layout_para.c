/* Paragraph breaking: UAX #14 opportunities (libunibreak) turned into
 * Knuth-Plass boxes, glue and penalties, chosen over the whole paragraph
 * (total fit), with libhyphen discretionary hyphens tried only when the
 * paragraph cannot be set without a loose line. */
#include <float.h>
#include <iconv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hyphen.h>
#include <linebreak.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "layout_internal.h"

#define PEN_INF 10000
#define HYPHEN_PENALTY 50
#define EXPLICIT_HYPHEN_PENALTY 50
#define EMERGENCY_PENALTY 800
#define LINE_PENALTY 10
#define DOUBLE_HYPHEN_DEMERITS 10000
#define FINAL_HYPHEN_DEMERITS 5000
#define FITNESS_DEMERITS 3000
#define MAX_WORD_BYTES 96
#define LOOSE_RATIO 0.75
#define MAX_ACTIVE 200 /* active breakpoints kept in total fit */

enum { IT_BOX, IT_GLUE, IT_PEN };

struct item {
    uint8_t type;
    uint8_t face;
    bool flagged;
    bool hyph;  /* a discretionary hyphen: breaking here adds '-' */
    bool est;   /* box width estimated (a fragment of a hyphenated word) */
    bool word;  /* a whole word that the hyphenated pass may split */
    bool inter; /* glue between two characters, not a space of the text */
    int32_t w, stretch, shrink;
    int32_t pen;
    uint32_t off, len; /* box text in the paragraph buffer */
};

struct node {
    int32_t pos; /* item index of the break; -1 for the start */
    int32_t line;
    int32_t prev;
    uint8_t fit;
    bool flagged;
    float ratio; /* adjustment ratio of the line ending here */
    int64_t tw, ty, tz, tinf;
    double dem;
};

struct breaker {
    struct lctx *c;
    const struct para_style *st;
    const char *buf;
    struct para_scratch *ps;
    struct vec *items; /* the list being built or broken: ps->items or ps->hitems */
    int space_w[LAYOUT_FACE_COUNT];
    int hyphen_w[LAYOUT_FACE_COUNT];
    int min_w;
    int8_t have_metrics[LAYOUT_FACE_COUNT]; /* ascent, descent, line_h known */
    int ascent[LAYOUT_FACE_COUNT], descent[LAYOUT_FACE_COUNT], line_h[LAYOUT_FACE_COUNT];
    bool ascii_ready;                        /* ascii_w filled with -1 */
    int16_t ascii_w[LAYOUT_FACE_COUNT][128]; /* advances of ASCII characters, -1 unknown */
    bool bidi; /* levels resolved in c->L->bidi: lines are put in visual order */
};

/* vec_push without the call and the zeroing on the common path: every
 * caller sets the whole element. */
static inline void *
push_fast(struct lctx *c, struct vec *v)
{
    if (v->count == v->cap)
        return vec_push(c, v);
    return (char *)v->data + v->elem * v->count++;
}

static inline void
push_i32(struct lctx *c, struct vec *v, int32_t x)
{
    *(int32_t *)push_fast(c, v) = x;
}

static struct layout_run_props
props_for(const struct para_style *st, const char *text, size_t len)
{
    struct layout_run_props p = st->props;
    if (!p.script)
        p.script = layout_guess_script(text, len);
    return p;
}

static int
box_width(struct breaker *b, uint8_t face, uint32_t off, uint32_t len)
{
    struct layout_font f = {face, b->st->px};
    struct layout_run_props p = props_for(b->st, b->buf + off, len);
    return lctx_measure(b->c, f, &p, b->buf + off, len);
}

static inline void
push_item(struct breaker *b, struct item it)
{
    *(struct item *)push_fast(b->c, b->items) = it;
}

/* A box of known width w; word marks a whole word for the hyphenated pass. */
static void
push_box_known(struct breaker *b, uint8_t face, uint32_t off, uint32_t len, int w, bool word)
{
    push_item(b, (struct item){
                     .type = IT_BOX, .face = face, .off = off, .len = len, .w = w, .word = word});
}

static void
push_box(struct breaker *b, uint8_t face, uint32_t off, uint32_t len)
{
    push_box_known(b, face, off, len, box_width(b, face, off, len), false);
}

static void
push_pen(struct breaker *b, int32_t pen, int32_t w, bool flagged, bool hyph, uint8_t face)
{
    push_item(
        b, (struct item){
               .type = IT_PEN, .pen = pen, .w = w, .flagged = flagged, .hyph = hyph, .face = face});
}

static void
push_glue(struct breaker *b, int32_t w, int32_t stretch, int32_t shrink)
{
    push_item(b, (struct item){.type = IT_GLUE, .w = w, .stretch = stretch, .shrink = shrink});
}

/* True for codepoints that must stay with the character before them. */
static bool
is_mark(ucs4_t cp)
{
    return uc_is_general_category(cp, UC_CATEGORY_M) || cp == 0x200D ||
           (cp >= 0xFE00 && cp <= 0xFE0F);
}

/* A word wider than the narrowest line: allow a break between any two
 * characters (never inside a combining sequence), at a high cost. */
static void
push_split_word(struct breaker *b, uint8_t face, uint32_t off, uint32_t len)
{
    const uint8_t *s = (const uint8_t *)b->buf;
    uint32_t start = off, end = off + len, p = off;
    while (p < end) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, s + p, end - p);
        uint32_t q = p + (uint32_t)n;
        while (q < end) {
            ucs4_t next;
            int m = u8_mbtouc(&next, s + q, end - q);
            if (!is_mark(next))
                break;
            q += (uint32_t)m;
        }
        push_box(b, face, start, q - start);
        if (q < end)
            push_pen(b, EMERGENCY_PENALTY, 0, false, false, face);
        start = q;
        p = q;
    }
}

/* The width of one character in face at the paragraph's size, measured on
 * first use into *slot (-1 = not yet). */
static int
char_width(struct breaker *b, uint8_t face, int *slot, const char *ch)
{
    if (*slot < 0) {
        struct layout_font font = {face, b->st->px};
        *slot = lctx_measure(b->c, font, &b->st->props, ch, 1);
    }
    return *slot;
}

/* The font metrics of face at the paragraph's size, asked once a paragraph. */
static void
face_metrics(struct breaker *b, uint8_t face, int *ascent, int *descent, int *lh)
{
    if (face >= LAYOUT_FACE_COUNT) {
        lctx_font_metrics(b->c, (struct layout_font){face, b->st->px}, ascent, descent, lh);
        return;
    }
    if (!b->have_metrics[face]) {
        lctx_font_metrics(b->c, (struct layout_font){face, b->st->px}, &b->ascent[face],
                          &b->descent[face], &b->line_h[face]);
        b->have_metrics[face] = 1;
    }
    *ascent = b->ascent[face];
    *descent = b->descent[face];
    *lh = b->line_h[face];
}

static int
space_width(struct breaker *b, uint8_t face)
{
    return char_width(b, face, &b->space_w[face], " ");
}

static int
hyphen_width(struct breaker *b, uint8_t face)
{
    return char_width(b, face, &b->hyphen_w[face], "-");
}

static bool
is_letter(const struct breaker *b, ucs4_t cp)
{
    return cp < 128 ? b->c->L->ascii_alpha[cp] : uc_is_alpha(cp);
}

/* Sum of per-character advances of buf[from, to): cheap (few distinct
 * characters, all cached) and used only for proportions. */
static int
char_units(struct breaker *b, uint8_t face, uint32_t from, uint32_t to)
{
    const uint8_t *s = (const uint8_t *)b->buf;
    struct layout_font font = {face, b->st->px};
    int sum = 0;
    if (!b->ascii_ready) {
        memset(b->ascii_w, 0xFF, sizeof b->ascii_w);
        b->ascii_ready = true;
    }
    for (uint32_t p = from; p < to;) {
        if (s[p] < 0x80) {
            int16_t *w = &b->ascii_w[face][s[p]];
            if (*w < 0)
                *w = (int16_t)lctx_measure(b->c, font, &b->st->props, b->buf + p, 1);
            sum += *w;
            p++;
            continue;
        }
        ucs4_t cp;
        int n = u8_mbtouc(&cp, s + p, to - p);
        sum += lctx_measure(b->c, font, &b->st->props, b->buf + p, (size_t)n);
        p += (uint32_t)n;
    }
    return sum;
}

static void
push_box_w(struct breaker *b, uint8_t face, uint32_t off, uint32_t len, int w)
{
    push_item(b, (struct item){
                     .type = IT_BOX, .face = face, .off = off, .len = len, .w = w, .est = true});
}

static uint32_t
layout_memo_hash(uint64_t tag, const char *w, size_t n)
{
    uint32_t h = 2166136261u ^ (uint32_t)(tag * 0x9E3779B97F4A7C15u >> 32);
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)w[i];
        h *= 16777619u;
    }
    return h;
}

bool
layout_memo_get(const struct layout_memo *wm, uint64_t tag, const char *w, size_t n,
                uint64_t *value)
{
    if (!wm->slot)
        return false;
    uint32_t h = layout_memo_hash(tag, w, n);
    const size_t m = wm->slots - 1;
    for (size_t j = h & m; wm->slot[j].len; j = (j + 1) & m) {
        const struct layout_memo_entry *e = &wm->slot[j];
        if (e->hash == h && e->len == n && e->tag == tag && memcmp(wm->pool + e->off, w, n) == 0) {
            *value = e->value;
            return true;
        }
    }
    return false;
}

void
layout_memo_put(struct layout_memo *wm, uint64_t tag, const char *w, size_t n, uint64_t value)
{
    if (n == 0 || n > wm->pool_size)
        return;
    if (!wm->slot) {
        wm->slot = calloc(wm->slots, sizeof *wm->slot);
        wm->pool = malloc(wm->pool_size);
        if (!wm->slot || !wm->pool) {
            layout_memo_free(wm);
            return; /* a memo only: work on without it */
        }
    }
    if (wm->count * 2 >= wm->slots || wm->pool_len + n > wm->pool_size) {
        memset(wm->slot, 0, wm->slots * sizeof *wm->slot);
        wm->count = 0;
        wm->pool_len = 0;
    }
    uint32_t h = layout_memo_hash(tag, w, n);
    const size_t m = wm->slots - 1;
    size_t j = h & m;
    while (wm->slot[j].len)
        j = (j + 1) & m;
    memcpy(wm->pool + wm->pool_len, w, n);
    wm->slot[j] = (struct layout_memo_entry){(uint32_t)wm->pool_len, (uint32_t)n, h, tag, value};
    wm->pool_len += n;
    wm->count++;
}

void
layout_memo_free(struct layout_memo *wm)
{
    free(wm->slot);
    free(wm->pool);
    wm->slot = NULL;
    wm->pool = NULL;
    wm->count = wm->pool_len = 0;
}

/* libhyphen's points for a word of nchars letters (UTF-8, len bytes):
 * bit k set when a hyphen may follow the k-th character, keeping at least
 * 2 characters before and 3 after. */
static uint64_t
hyphen_points(struct layout_hyph *h, const uint8_t *word8, size_t len, size_t nchars)
{
    uint8_t lower[MAX_WORD_BYTES * 2 + 8];
    size_t lower_len = sizeof lower;
    uint8_t *lw = u8_tolower(word8, len, NULL, NULL, lower, &lower_len);
    if (!lw)
        return 0;
    if (lw != lower) {
        free(lw);
        return 0;
    }
    if (lower_len != len)
        return 0;
    /* the word in the dictionary's charset: one byte a character, or UTF-8 */
    char word[MAX_WORD_BYTES * 2 + 8];
    size_t wlen;
    if (h->utf8) {
        memcpy(word, lower, lower_len);
        wlen = lower_len;
    } else {
        char *in = (char *)lower, *outp = word;
        size_t inleft = lower_len, outleft = sizeof word - 1;
        iconv((iconv_t)h->conv, NULL, NULL, NULL, NULL);
        if (iconv((iconv_t)h->conv, &in, &inleft, &outp, &outleft) == (size_t)-1 ||
            (size_t)(outp - word) != nchars)
            return 0;
        wlen = nchars;
    }
    word[wlen] = '\0';
    char hy[MAX_WORD_BYTES * 2 + 16];
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    uint64_t mask = 0;
    if (hnj_hyphen_hyphenate2((HyphenDict *)h->dict, word, (int)wlen, hy, NULL, &rep, &pos, &cut) ==
        0) {
        size_t k = 0;
        for (size_t i = 0; i < wlen; i++) {
            bool char_end = !h->utf8 || i + 1 == wlen || (((uint8_t)word[i + 1]) & 0xC0) != 0x80;
            if (!char_end)
                continue;
            k++;
            if ((hy[i] & 1) && !(rep && rep[i]) && k >= 2 && nchars - k >= 3 && k < 64)
                mask |= (uint64_t)1 << k;
        }
    }
    if (rep) {
        for (size_t i = 0; i < wlen; i++)
            free(rep[i]);
        free(rep);
    }
    free(pos);
    free(cut);
    return mask;
}

/* Pushes a word of shaped width word_w as fragments between its
 * hyphenation points (as one box when it has none). */
static void
push_hyphenated(struct breaker *b, struct layout_hyph *h, uint8_t face, uint32_t off, uint32_t len,
                int word_w)
{
    const uint8_t *s = (const uint8_t *)b->buf + off;
    /* the letters of the word, without leading and trailing punctuation */
    uint32_t a = 0, z = len;
    while (a < len) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, s + a, len - a);
        if (is_letter(b, cp))
            break;
        a += (uint32_t)n;
    }
    uint32_t last_end = a;
    for (uint32_t p = a; p < len;) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, s + p, len - p);
        if (is_letter(b, cp))
            last_end = p + (uint32_t)n;
        else if (cp != '\'' && cp != 0x2019)
            break;
        p += (uint32_t)n;
    }
    z = last_end;
    size_t nchars = 0;
    uint32_t cstart[MAX_WORD_BYTES + 1];
    for (uint32_t p = a; p < z && z - a <= MAX_WORD_BYTES;) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, s + p, z - p);
        if (!is_letter(b, cp)) {
            nchars = 0; /* apostrophes: leave such words alone */
            break;
        }
        cstart[nchars++] = p;
        p += (uint32_t)n;
    }
    if (nchars < 5 || z - a > MAX_WORD_BYTES) {
        push_box_known(b, face, off, len, word_w, false);
        return;
    }
    cstart[nchars] = z;
    uint64_t mask = 0;
    if (!layout_memo_get(&b->c->L->hm, (uint64_t)(uintptr_t)h->dict, (const char *)s + a, z - a,
                         &mask)) {
        mask = hyphen_points(h, s + a, z - a, nchars);
        layout_memo_put(&b->c->L->hm, (uint64_t)(uintptr_t)h->dict, (const char *)s + a, z - a,
                        mask);
    }
    if (!mask) {
        push_box_known(b, face, off, len, word_w, false);
        return;
    }
    /* fragment widths: the word's shaped width shared out in proportion to
     * per-character advances, so that only whole words and the final runs
     * go through the shaper */
    int total_units = char_units(b, face, off, off + len);
    uint32_t start = off;
    int used = 0;
    for (size_t k = 2; k + 3 <= nchars && k < 64; k++) { /* mask holds points below 64 */
        if (!(mask & ((uint64_t)1 << k)))
            continue;
        uint32_t at = off + cstart[k];
        int w = total_units > 0
                    ? (int)lround((double)word_w * char_units(b, face, start, at) / total_units)
                    : 0;
        push_box_w(b, face, start, at - start, w);
        used += w;
        push_pen(b, HYPHEN_PENALTY, hyphen_width(b, face), true, true, face);
        start = at;
    }
    push_box_w(b, face, start, off + len - start, word_w - used);
}

static void
flush_word(struct breaker *b, uint8_t face, uint32_t off, uint32_t len)
{
    if (!len)
        return;
    int w = box_width(b, face, off, len);
    /* a word that goes on in another style follows its first part with no
     * break between: when the two together are wider than the narrowest
     * line, allow one at the change of style (at a high cost), or the line
     * would run past the margin */
    int64_t joined = 0;
    for (size_t i = b->items->count; i-- > 0;) {
        const struct item *it = VEC_AT(b->items, struct item, i);
        if (it->type != IT_BOX)
            break;
        joined += it->w;
    }
    if (joined > 0 && joined + w > b->min_w)
        push_pen(b, EMERGENCY_PENALTY, 0, false, false, face);
    if (w > b->min_w)
        push_split_word(b, face, off, len);
    else
        push_box_known(b, face, off, len, w, true);
}

/* The hyphenated list: the plain one (ps->items) with every whole word
 * split at its hyphenation points, into ps->hitems. The same as building
 * it from the text with hyphenation on, without measuring anything twice. */
static void
expand_hyphenated(struct breaker *b, struct layout_hyph *h)
{
    const struct vec *plain = &b->ps->items;
    b->items = &b->ps->hitems;
    b->items->count = 0;
    for (size_t i = 0; i < plain->count && !b->c->oom; i++) {
        const struct item *it = VEC_AT(plain, struct item, i);
        if (it->type == IT_BOX && it->word)
            push_hyphenated(b, h, it->face, it->off, it->len, it->w);
        else
            push_item(b, *it);
    }
}

/* Ideographs, kana, Hangul syllables and their punctuation and full-width
 * forms: scripts written without spaces, whose lines break between
 * characters (UAX #14 ID) and are justified there. */
static bool
is_wide(ucs4_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* A break between two ideographs: glue of no width that a justified line
 * stretches (an eighth of the size at most before the line counts as
 * loose), never shrinks, and that adds no space to the text. */
static void
push_inter_glue(struct breaker *b, uint8_t face)
{
    (void)face;
    int32_t stretch = b->st->ragged ? 0 : (b->st->px + 7) / 8;
    push_item(b, (struct item){.type = IT_GLUE, .w = 0, .stretch = stretch, .inter = true});
}

static bool
last_is_glue(struct breaker *b)
{
    return b->items->count && VEC_AT(b->items, struct item, b->items->count - 1)->type == IT_GLUE;
}

static bool
at_line_start(struct breaker *b)
{
    if (!b->items->count)
        return true;
    struct item *it = VEC_AT(b->items, struct item, b->items->count - 1);
    return it->type == IT_GLUE || (it->type == IT_PEN && it->pen == -PEN_INF);
}

static void
end_with_forced(struct breaker *b)
{
    while (last_is_glue(b))
        b->items->count--;
    push_glue(b, 0, 0, 0);
    if (b->items->count) /* out of memory leaves it as it was */
        VEC_AT(b->items, struct item, b->items->count - 1)->stretch = -1; /* infinite */
    push_pen(b, -PEN_INF, 0, false, false, 0);
}

/* libunibreak into out[0, n), for text that is not NUL-terminated. The
 * library Debian 12 ships (1.1) aborts on an assertion at U+FFFF (its own
 * end-of-text mark) and at a regional indicator (U+1F1E6..U+1F1FF, the
 * halves of flag emoji) after another character: such text goes to it
 * patched, each of those replaced by a character of the same UTF-8 length
 * that breaks like a letter (U+FFFD, U+10000), so that a flag in an article
 * sets like a word instead of ending the program. */
static void
lb_set(struct lctx *c, const char *s, size_t n, const char *lang, char *out)
{
    const uint8_t *u = (const uint8_t *)s;
    bool patch = false;
    for (size_t i = 0; i + 2 < n && !patch; i++) {
        if (u[i] < 0xEF)
            continue;
        patch = (u[i] == 0xEF && u[i + 1] == 0xBF && u[i + 2] == 0xBF) ||
                (u[i] == 0xF0 && u[i + 1] == 0x9F && u[i + 2] == 0x87 && i + 3 < n &&
                 u[i + 3] >= 0xA6 && u[i + 3] <= 0xBF);
    }
    if (!patch) {
        set_linebreaks_utf8(u, n, lang, out);
        return;
    }
    struct vec *cp = &c->L->ps.lb_copy;
    if (!vec_reserve(c, cp, n)) {
        memset(out, LINEBREAK_NOBREAK, n);
        return;
    }
    uint8_t *t = memcpy(cp->data, s, n);
    for (size_t i = 0; i + 2 < n; i++) {
        if (t[i] == 0xEF && t[i + 1] == 0xBF && t[i + 2] == 0xBF) {
            t[i + 2] = 0xBD; /* U+FFFD */
        } else if (t[i] == 0xF0 && t[i + 1] == 0x9F && t[i + 2] == 0x87 && i + 3 < n &&
                   t[i + 3] >= 0xA6 && t[i + 3] <= 0xBF) {
            memcpy(t + i, "\xF0\x90\x80\x80", 4); /* U+10000 */
            i += 3;
        }
    }
    set_linebreaks_utf8(t, n, lang, out);
}

static bool
is_separator(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static bool
is_ascii_alnum(uint8_t ch)
{
    return ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || (ch >= '0' && ch <= '9');
}

/* Index of lang among the word-break cache's languages (added when new),
 * -1 when it cannot be kept. */
static int
bcache_lang(struct layout *L, const char *lang)
{
    if (!lang || strlen(lang) >= sizeof L->bc_lang[0])
        return -1;
    for (size_t i = 0; i < L->bc_lang_count; i++)
        if (strcmp(L->bc_lang[i], lang) == 0)
            return (int)i;
    if (L->bc_lang_count == LAYOUT_BCACHE_LANGS)
        return -1;
    strcpy(L->bc_lang[L->bc_lang_count], lang);
    return (int)L->bc_lang_count++;
}

/* The word's break opportunities from the memo into brks; false when the
 * word is not in it. */
static bool
bcache_get(struct layout *L, int lang, const char *w, size_t n, char *brks)
{
    uint64_t allow;
    if (!layout_memo_get(&L->bc, (uint64_t)lang, w, n, &allow))
        return false;
    for (size_t k = 0; k < n; k++)
        brks[k] = (allow >> k) & 1 ? LINEBREAK_ALLOWBREAK : LINEBREAK_NOBREAK;
    return true;
}

static void
bcache_put(struct layout *L, int lang, const char *w, size_t n, const char *brks)
{
    uint64_t allow = 0;
    for (size_t k = 0; k < n; k++)
        if (brks[k] == LINEBREAK_ALLOWBREAK)
            allow |= (uint64_t)1 << k;
    layout_memo_put(&L->bc, (uint64_t)lang, w, n, allow);
}

/* libunibreak's break opportunities inside each word of buf (a maximal run
 * of characters other than space, tab, CR and LF), which are the only ones
 * build_items reads: other positions are set to no break. A word is handed
 * to libunibreak on its own: what it answers inside a word preceded by a
 * space, a line end or the start of the text depends on that word alone
 * (test_layout_para checks this against the library on seeded random text),
 * so the answers are kept by word and language across paragraphs and calls.
 * Words of ASCII letters and digits have none (UAX #14 LB23, LB25, LB28)
 * and skip the library. */
static void
fill_breaks(struct lctx *c, const char *buf, size_t n, const char *lang, char *brks)
{
    struct layout *L = c->L;
    int li = -2; /* not looked up yet */
    for (size_t i = 0; i < n;) {
        if (is_separator(buf[i])) {
            brks[i++] = LINEBREAK_NOBREAK;
            continue;
        }
        size_t j = i;
        bool plain = true;
        for (; j < n && !is_separator(buf[j]); j++)
            plain = plain && is_ascii_alnum((uint8_t)buf[j]);
        size_t len = j - i;
        if (plain || len == 1) {
            memset(brks + i, LINEBREAK_NOBREAK, len);
        } else if (len > LAYOUT_BCACHE_WORD) {
            lb_set(c, buf + i, len, lang, brks + i);
        } else {
            if (li == -2)
                li = bcache_lang(L, lang);
            if (li < 0 || !bcache_get(L, li, buf + i, len, brks + i)) {
                lb_set(c, buf + i, len, lang, brks + i);
                if (li >= 0)
                    bcache_put(L, li, buf + i, len, brks + i);
            }
        }
        i = j;
    }
}

/* The plain list (no hyphenation) into ps->items. */
static void
build_items(struct breaker *b, const struct para_span *spans, size_t span_count,
            const uint32_t *span_off, const char *brks)
{
    b->items = &b->ps->items;
    b->items->count = 0;
    const uint8_t *s = (const uint8_t *)b->buf;
    for (size_t k = 0; k < span_count; k++) {
        uint8_t face = spans[k].face;
        uint32_t base = span_off[k], end = base + spans[k].len;
        int64_t word = -1;
        for (uint32_t p = base; p < end;) {
            ucs4_t cp;
            int n = u8_mbtouc(&cp, s + p, end - p);
            uint32_t q = p + (uint32_t)n;
            if (cp == ' ' || cp == '\t' || cp == '\r') {
                if (word >= 0)
                    flush_word(b, face, (uint32_t)word, p - (uint32_t)word);
                word = -1;
                if (!at_line_start(b)) {
                    int sw = space_width(b, face);
                    if (b->st->ragged)
                        push_glue(b, sw, 0, 0);
                    else
                        push_glue(b, sw, (sw * 2 + 1) / 3, (sw + 3) / 6);
                }
            } else if (cp == '\n') {
                if (word >= 0)
                    flush_word(b, face, (uint32_t)word, p - (uint32_t)word);
                word = -1;
                /* a break at the start or after another one would set an
                 * empty line: collapse it */
                bool blank = true;
                for (size_t j = b->items->count; j-- > 0 && blank;) {
                    const struct item *it = VEC_AT(b->items, struct item, j);
                    if (it->type == IT_BOX)
                        blank = false;
                    else if (it->type == IT_PEN && it->pen == -PEN_INF)
                        break;
                }
                if (!blank)
                    end_with_forced(b);
            } else {
                if (word < 0)
                    word = p;
                if (q < end && brks[q - 1] == LINEBREAK_ALLOWBREAK) {
                    ucs4_t next;
                    u8_mbtouc(&next, s + q, end - q);
                    if (next != ' ' && next != '\t' && next != '\n' && next != '\r') {
                        flush_word(b, face, (uint32_t)word, q - (uint32_t)word);
                        word = -1;
                        bool dash = cp == '-' || cp == 0x2010 || cp == 0x2013 || cp == 0x2014;
                        if (!dash && (is_wide(cp) || is_wide(next)))
                            push_inter_glue(b, face);
                        else
                            push_pen(b, dash ? EXPLICIT_HYPHEN_PENALTY : 0, 0, dash, false, face);
                    }
                }
            }
            p = q;
        }
        if (word >= 0)
            flush_word(b, face, (uint32_t)word, end - (uint32_t)word);
    }
    end_with_forced(b);
}

struct ranked {
    double dem;
    int32_t node;
};

static int
cmp_ranked(const void *a, const void *b)
{
    double x = ((const struct ranked *)a)->dem, y = ((const struct ranked *)b)->dem;
    return (x > y) - (x < y);
}

/* Keeps the MAX_ACTIVE active nodes with the fewest demerits, so that a
 * paragraph of very short pieces (a broken URL, CJK) cannot make total fit
 * quadratic. Order among the kept nodes does not matter. */
static void
prune_active(struct lctx *c, struct vec *ranked, struct vec *active, const struct vec *nodes)
{
    size_t n = active->count;
    bool oom = c->oom;
    if (!vec_reserve(c, ranked, n)) {
        c->oom = oom;
        return; /* keep them all: slower, still correct */
    }
    struct ranked *r = ranked->data;
    for (size_t k = 0; k < n; k++) {
        int32_t ni = *VEC_AT(active, int32_t, k);
        r[k] = (struct ranked){VEC_AT(nodes, struct node, ni)->dem, ni};
    }
    qsort(r, n, sizeof *r, cmp_ranked);
    for (size_t k = 0; k < MAX_ACTIVE; k++)
        *VEC_AT(active, int32_t, k) = r[k].node;
    active->count = MAX_ACTIVE;
}

static int
line_width_at(const struct para_style *st, int32_t line)
{
    return line == 0 ? st->width - st->first_indent : st->width;
}

/* Total fit over the items. threshold: largest adjustment ratio allowed
 * (infinity for the emergency pass). Fills breaks (item indexes, last one is
 * the final penalty) and returns their count, 0 when no feasible set. */
static size_t
total_fit(struct breaker *b, double threshold, struct vec *breaks, double *max_ratio)
{
    const struct item *items = b->items->data;
    size_t n = b->items->count;
    struct lctx *c = b->c;
    struct vec *nodes = &b->ps->nodes;
    /* the active breakpoints, compacted in place at each candidate (kept
     * ones first, in order, then the new ones) */
    struct vec *active = &b->ps->active;
    nodes->count = 0;
    active->count = 0;
    *(struct node *)push_fast(c, nodes) = (struct node){.pos = -1, .prev = -1, .fit = 1};
    push_i32(c, active, 0);
    const int lw_first = line_width_at(b->st, 0), lw_rest = line_width_at(b->st, 1);
    const bool ragged = b->st->ragged;
    int64_t sw = 0, sy = 0, sz = 0, sinf = 0;
    for (size_t i = 0; i < n && !c->oom && active->count; i++) {
        const struct item *it = &items[i];
        bool candidate = false;
        if (it->type == IT_BOX) {
            sw += it->w;
        } else if (it->type == IT_GLUE) {
            candidate = i > 0 && items[i - 1].type == IT_BOX;
        } else {
            candidate = it->pen < PEN_INF;
        }
        if (candidate) {
            int32_t pen = it->type == IT_PEN ? it->pen : 0;
            int32_t pw = it->type == IT_PEN ? it->w : 0;
            bool flagged = it->type == IT_PEN && it->flagged;
            double best[4] = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
            double best_r[4] = {0, 0, 0, 0};
            int32_t best_from[4] = {-1, -1, -1, -1};
            int32_t *act = active->data;
            const struct node *all = nodes->data;
            size_t kept = 0;
            for (size_t a = 0; a < active->count; a++) {
                int32_t ai = act[a];
                const struct node *nd = &all[ai];
                int lw = nd->line == 0 ? lw_first : lw_rest;
                int64_t L = sw - nd->tw + pw;
                int64_t Y = sy - nd->ty, Z = sz - nd->tz;
                bool inf = sinf - nd->tinf > 0;
                if (ragged && !inf)
                    Y += lw / 3;
                double r;
                if (L < lw)
                    r = inf ? 0.0 : (Y > 0 ? (double)(lw - L) / (double)Y : 1e6);
                else if (L > lw)
                    r = Z > 0 ? (double)(lw - L) / (double)Z : -1e6;
                else
                    r = 0.0;
                if (r >= -1.0 && pen != -PEN_INF)
                    act[kept++] = ai; /* kept <= a: a is read already */
                if (r < -1.0 || r > threshold)
                    continue;
                double bad = 100.0 * fabs(r) * r * r;
                if (bad > 10000.0)
                    bad = 10000.0;
                double d = (LINE_PENALTY + bad) * (LINE_PENALTY + bad);
                if (pen >= 0)
                    d += (double)pen * pen;
                else if (pen > -PEN_INF)
                    d -= (double)pen * pen;
                if (flagged && nd->flagged)
                    d += DOUBLE_HYPHEN_DEMERITS;
                if (pen == -PEN_INF && nd->flagged)
                    d += FINAL_HYPHEN_DEMERITS;
                uint8_t fit = r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1.0 ? 2 : 3;
                if (abs((int)fit - (int)nd->fit) > 1)
                    d += FITNESS_DEMERITS;
                d += nd->dem;
                if (d < best[fit]) {
                    best[fit] = d;
                    best_r[fit] = r;
                    best_from[fit] = ai;
                }
            }
            active->count = kept;
            if (best_from[0] < 0 && best_from[1] < 0 && best_from[2] < 0 && best_from[3] < 0)
                goto next; /* no line ends here: nothing new */
            /* totals after the break: skip the discardable items that follow */
            int64_t tw = sw, ty = sy, tz = sz, tinf = sinf;
            for (size_t j = i; j < n; j++) {
                if (items[j].type == IT_BOX)
                    break;
                if (items[j].type == IT_GLUE) {
                    tw += items[j].w;
                    if (items[j].stretch < 0)
                        tinf++;
                    else
                        ty += items[j].stretch;
                    tz += items[j].shrink;
                } else if (items[j].pen == -PEN_INF && j > i) {
                    break;
                }
            }
            for (int f = 0; f < 4; f++) {
                if (best_from[f] < 0)
                    continue;
                int32_t from_line = VEC_AT(nodes, struct node, best_from[f])->line;
                *(struct node *)push_fast(c, nodes) = (struct node){.pos = (int32_t)i,
                                                                    .line = from_line + 1,
                                                                    .prev = best_from[f],
                                                                    .fit = (uint8_t)f,
                                                                    .flagged = flagged,
                                                                    .ratio = (float)best_r[f],
                                                                    .tw = tw,
                                                                    .ty = ty,
                                                                    .tz = tz,
                                                                    .tinf = tinf,
                                                                    .dem = best[f]};
                push_i32(c, active, (int32_t)(nodes->count - 1));
            }
            if (active->count > MAX_ACTIVE)
                prune_active(c, &b->ps->ranked, active, nodes);
        }
    next:
        if (it->type == IT_GLUE) {
            sw += it->w;
            if (it->stretch < 0)
                sinf++;
            else
                sy += it->stretch;
            sz += it->shrink;
        }
    }
    /* the best node at the final penalty */
    int32_t best = -1;
    double best_d = DBL_MAX;
    for (size_t a = 0; a < active->count; a++) {
        int32_t ai = *VEC_AT(active, int32_t, a);
        const struct node *nd = VEC_AT(nodes, struct node, ai);
        if (nd->pos == (int32_t)n - 1 && nd->dem < best_d) {
            best_d = nd->dem;
            best = ai;
        }
    }
    size_t count = 0;
    *max_ratio = 0;
    if (best >= 0 && !c->oom) {
        for (int32_t k = best; k > 0; k = VEC_AT(nodes, struct node, k)->prev)
            count++;
        if (!vec_reserve(c, breaks, count))
            return 0;
        breaks->count = count;
        size_t k = count;
        for (int32_t ni = best; ni > 0; ni = VEC_AT(nodes, struct node, ni)->prev) {
            const struct node *nd = VEC_AT(nodes, struct node, ni);
            if (k < count && nd->ratio > *max_ratio)
                *max_ratio = nd->ratio;
            *VEC_AT(breaks, int32_t, --k) = nd->pos;
        }
    }
    return count;
}

/* First fit, the safety net when total fit finds nothing (it always can,
 * unless pruning dropped every path): break at the last legal point before
 * a line overflows, and at every forced break. */
static size_t
greedy_breaks(struct breaker *b, struct vec *breaks)
{
    const struct item *items = b->items->data;
    size_t n = b->items->count;
    breaks->count = 0;
    int64_t w = 0, w_at_last = 0;
    int32_t line = 0, last = -1;
    for (size_t i = 0; i < n && !b->c->oom; i++) {
        const struct item *it = &items[i];
        bool legal = (it->type == IT_GLUE && i > 0 && items[i - 1].type == IT_BOX) ||
                     (it->type == IT_PEN && it->pen < PEN_INF);
        if (legal) {
            int lw = line_width_at(b->st, line);
            int64_t with = w + (it->type == IT_PEN ? it->w : 0);
            if (with > lw && last >= 0) {
                *(int32_t *)vec_push(b->c, breaks) = last;
                line++;
                w -= w_at_last;
                /* the discardable items after that break do not count */
                for (int32_t j = last + 1; j < (int32_t)i && items[j].type != IT_BOX; j++)
                    if (items[j].type == IT_GLUE)
                        w -= items[j].w;
                last = -1;
            }
            if (it->type == IT_PEN && it->pen == -PEN_INF) {
                *(int32_t *)vec_push(b->c, breaks) = (int32_t)i;
                line++;
                w = 0;
                last = -1;
                continue;
            }
            last = (int32_t)i;
            w_at_last = w + (it->type == IT_GLUE ? it->w : 0);
        }
        if (it->type != IT_PEN)
            w += it->w;
    }
    return b->c->oom ? 0 : breaks->count;
}

struct pending_run {
    uint32_t off, len; /* bytes of the paragraph buffer (len without a hyphen) */
    uint8_t face;
    uint8_t dir; /* enum layout_dir */
    bool hyphen; /* the text is a copy ending in an inserted '-' */
    bool gapped; /* a glue (space, or between ideographs) comes before it */
    bool spaced; /* that glue is a space of the text */
    int32_t w, gap, x;
    const char *text;
    uint32_t tlen; /* bytes of text (len + 1 with a hyphen) */
};

/* The line's runs R[0, nr) (logical order) in visual order into ps->vis:
 * each run cut where the embedding level changes, the pieces ordered by
 * fribidi, each with the direction of its level; a space between two runs
 * comes before the piece it falls before on screen. Returns the count, 0
 * when out of memory (then the logical order is used). */
static size_t
visual_runs(struct breaker *b, const struct pending_run *R, size_t nr)
{
    struct lctx *c = b->c;
    struct layout_bidi *bd = &c->L->bidi;
    struct vec *vis = &b->ps->vis, *segs = &b->ps->segs;
    vis->count = 0;
    /* run k owns its characters; -(k + 1) marks the space before run k.
     * One walk over the line's characters (runs are in logical order). */
    size_t a = layout_bidi_char_at(bd, R[0].off);
    struct vec *ov = &bd->owner;
    if (!vec_reserve(c, ov, R[nr - 1].off + R[nr - 1].len - R[0].off))
        return 0;
    int32_t *owner = ov->data;
    const uint32_t *off = bd->offs.data;
    size_t i = a;
    for (size_t k = 0; k < nr; k++) {
        for (; i < bd->n && off[i] < R[k].off; i++)
            owner[i - a] = -(int32_t)k - 1;
        for (uint32_t end = R[k].off + R[k].len; i < bd->n && off[i] < end; i++)
            owner[i - a] = (int32_t)k;
    }
    size_t z = i;
    size_t ns = layout_bidi_line(c, a, z, owner, segs);
    if (!ns || !vec_reserve(c, vis, ns + nr))
        return 0;
    bool gap_open = false;
    int32_t gap_w = 0;
    bool gap_spaced = false;
    for (size_t j = 0; j < ns; j++) {
        const struct bidi_seg *sg = VEC_AT(segs, struct bidi_seg, j);
        if (sg->owner < 0) {
            const struct pending_run *after = &R[-sg->owner - 1];
            gap_open = after->gapped;
            gap_w = after->gap;
            gap_spaced = after->spaced;
            continue;
        }
        const struct pending_run *r = &R[sg->owner];
        struct pending_run *v = push_fast(c, vis);
        *v = *r;
        v->off = sg->off;
        v->len = sg->len;
        v->dir = sg->level & 1 ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR;
        v->text = r->text + (sg->off - r->off);
        bool ends = sg->off + sg->len == r->off + r->len;
        v->tlen = sg->len + (r->hyphen && ends ? 1 : 0);
        v->gapped = gap_open && vis->count > 1;
        v->gap = v->gapped ? gap_w : 0;
        v->spaced = v->gapped && gap_spaced;
        gap_open = false;
        if (sg->len != r->len) {
            struct layout_run_props p = props_for(b->st, v->text, v->tlen);
            p.dir = v->dir;
            v->w = lctx_measure(c, (struct layout_font){v->face, b->st->px}, &p, v->text, v->tlen);
        }
    }
    return c->oom ? 0 : vis->count;
}

static void
emit_line(struct breaker *b, struct flow *f, size_t from, size_t to, size_t line_no, bool last,
          bool one_unit, int32_t *y, int lh, int max_asc, size_t line_total)
{
    struct lctx *c = b->c;
    const struct para_style *st = b->st;
    const struct item *items = b->items->data;
    struct vec *rv = &b->ps->runs;
    rv->count = 0;
    bool gap_pending = false, gap_inter = false;
    int gap_w = 0;
    /* a line that may be justified keeps a run between two ideographs, for
     * the slack goes there; any other joins them */
    bool may_justify = !st->ragged && !st->center && !st->align_right && !last;
    while (from < to && items[from].type != IT_BOX)
        from++;
    for (size_t i = from; i < to && !c->oom; i++) {
        const struct item *it = &items[i];
        if (it->type == IT_GLUE) {
            gap_pending = rv->count > 0;
            gap_w = it->w;
            gap_inter = it->inter;
            continue;
        }
        if (it->type != IT_BOX)
            continue;
        struct pending_run *prev = rv->count ? VEC_AT(rv, struct pending_run, rv->count - 1) : NULL;
        if (prev && (!gap_pending || (gap_inter && !may_justify)) && prev->face == it->face &&
            prev->off + prev->len == it->off) {
            prev->len += it->len;
            prev->w = -1;
            gap_pending = false;
            continue;
        }
        struct pending_run *r = vec_push(c, rv);
        r->off = it->off;
        r->len = it->len;
        r->face = it->face;
        r->dir = st->props.dir;
        r->w = it->est ? -1 : it->w; /* fragments: measure what is drawn */
        r->gapped = prev && gap_pending;
        r->spaced = r->gapped && !gap_inter;
        r->gap = r->gapped ? gap_w : 0;
        gap_pending = false;
    }
    struct pending_run *R = rv->data;
    size_t nr = c->oom ? 0 : rv->count;
    bool hyphenated = to < b->items->count && items[to].type == IT_PEN && items[to].hyph;
    if (hyphenated && nr)
        R[nr - 1].hyphen = true;
    for (size_t k = 0; k < nr; k++) {
        struct layout_font font = {R[k].face, st->px};
        R[k].text = b->buf + R[k].off;
        R[k].tlen = R[k].len;
        if (R[k].hyphen) {
            char *h = lctx_alloc(c, R[k].len + 2);
            if (h) {
                memcpy(h, R[k].text, R[k].len);
                h[R[k].len] = '-';
                R[k].tlen++;
                R[k].text = h;
            } else {
                R[k].hyphen = false;
            }
            R[k].w = -1;
        }
        if (R[k].w < 0) {
            struct layout_run_props p = props_for(st, R[k].text, R[k].tlen);
            R[k].w = lctx_measure(c, font, &p, R[k].text, R[k].tlen);
        }
    }
    /* the runs in visual order: the logical ones unless the paragraph has
     * characters that move */
    struct pending_run *V = R;
    size_t nv = nr;
    if (b->bidi && nr) {
        size_t n = visual_runs(b, R, nr);
        if (n) {
            V = b->ps->vis.data;
            nv = n;
        }
    }
    int natural = 0, ngaps = 0;
    for (size_t k = 0; k < nv; k++) {
        natural += V[k].w + V[k].gap;
        if (V[k].gapped)
            ngaps++;
    }
    int lw = line_width_at(st, (int32_t)line_no);
    int indent = line_no == 0 ? st->first_indent : 0;
    bool rtl = st->props.dir == LAYOUT_DIR_RTL;
    bool justify = may_justify && ngaps > 0;
    int line_w = natural;
    if (justify) {
        double per = (double)(lw - natural) / ngaps, acc = 0;
        for (size_t k = 0; k < nv; k++) {
            if (V[k].gapped)
                acc += V[k].gap + per;
            V[k].x = (int)lround(acc);
            acc += V[k].w;
        }
        V[nv - 1].x = lw - V[nv - 1].w;
        line_w = lw;
    } else {
        int x = 0;
        for (size_t k = 0; k < nv; k++) {
            x += V[k].gap;
            V[k].x = x;
            x += V[k].w;
        }
        if (line_w > lw && ngaps > 0) {
            /* merged runs measured wider than their pieces: close up */
            int over = line_w - lw;
            for (size_t k = 1; k < nv; k++)
                V[k].x -= (int)(((long)over * (long)k) / (long)(nv - 1));
            line_w = lw;
        }
    }
    /* a right-to-left line is set from the right edge, its first-line indent
     * on the right */
    int shift = st->x + (rtl ? 0 : indent);
    if (st->center && line_w < lw)
        shift += (lw - line_w) / 2;
    else if (!st->align_left && (st->align_right || rtl) && line_w < lw)
        shift += lw - line_w;
    /* the line's text in logical order */
    size_t tl = 0;
    for (size_t k = 0; k < nr; k++)
        tl += R[k].tlen + 1;
    char *text = lctx_alloc(c, tl + 1);
    if (text) {
        size_t p = 0;
        for (size_t k = 0; k < nr; k++) {
            if (R[k].spaced)
                text[p++] = ' ';
            memcpy(text + p, R[k].text, R[k].tlen);
            p += R[k].tlen;
        }
        text[p] = '\0';
    }
    if (!one_unit) {
        struct flow_unit *u = flow_unit(c, f, st->block);
        u->h = lh;
        /* widows and orphans: the first two and the last two lines of a
         * paragraph stay in one column */
        u->glue_next = !last && (line_no == 0 || line_no + 2 == line_total);
        *y = 0;
    }
    struct flow_line *fl = vec_push(c, &f->lines);
    fl->x = shift;
    fl->y = *y;
    fl->w = line_w < 1 ? 1 : line_w;
    fl->h = lh;
    fl->role = st->role;
    fl->dir = st->props.dir;
    fl->hyphenated = hyphenated;
    fl->text = text ? text : "";
    fl->first_run = (uint32_t)f->runs.count;
    fl->block = st->block;
    fl->start = fl->end = 0;
    for (size_t k = 0; k < nr; k++) {
        if (k == 0 || R[k].off < fl->start)
            fl->start = R[k].off;
        if (R[k].off + R[k].len > fl->end)
            fl->end = R[k].off + R[k].len;
    }
    struct layout_run marker_run;
    bool marker = line_no == 0 && st->marker && *st->marker;
    if (marker) {
        /* a hanging list marker a little before the text: left of it, or
         * right of it in a right-to-left paragraph */
        struct layout_font mf = {st->marker_face, st->px};
        size_t ml = strlen(st->marker);
        int mw = lctx_measure(c, mf, &st->props, st->marker, ml);
        int mx;
        if (rtl) {
            mx = shift + line_w + st->px / 3;
            fl->w = mx + mw - fl->x;
        } else {
            mx = shift - mw - st->px / 3;
            if (mx < 0)
                mx = 0;
            fl->w += fl->x - mx;
            fl->x = mx;
        }
        int asc, desc, flh;
        lctx_font_metrics(c, mf, &asc, &desc, &flh);
        struct layout_run *r = &marker_run;
        memset(r, 0, sizeof *r);
        r->x = mx;
        r->y = *y + (max_asc - asc);
        r->w = mw;
        r->h = asc + desc;
        r->font = mf;
        r->role = st->role;
        r->color = st->color;
        r->props = st->props;
        r->props.dir = LAYOUT_DIR_LTR; /* "12." reads left to right in both */
        r->text = st->marker;
        r->len = (uint32_t)ml;
        char *t = lctx_alloc(c, ml + strlen(fl->text) + 2);
        if (t) {
            memcpy(t, st->marker, ml);
            t[ml] = ' ';
            strcpy(t + ml + 1, fl->text);
            fl->text = t;
        }
        if (!rtl) /* runs go left to right: the marker first, or last */
            *(struct layout_run *)vec_push(c, &f->runs) = marker_run;
    }
    for (size_t k = 0; k < nv; k++) {
        struct layout_run *r = vec_push(c, &f->runs);
        struct layout_font font = {V[k].face, st->px};
        int asc, desc, flh;
        face_metrics(b, V[k].face, &asc, &desc, &flh);
        r->x = shift + V[k].x;
        r->y = *y + (max_asc - asc);
        r->w = V[k].w;
        r->h = asc + desc;
        r->font = font;
        r->role = st->role;
        r->color = st->color;
        r->props = props_for(st, V[k].text, V[k].tlen);
        r->props.dir = V[k].dir;
        r->text = V[k].text;
        r->len = V[k].tlen;
    }
    if (marker && rtl)
        *(struct layout_run *)vec_push(c, &f->runs) = marker_run;
    fl->run_count = (uint32_t)(f->runs.count - fl->first_run);
    struct flow_unit *u = VEC_AT(&f->units, struct flow_unit, f->units.count - 1);
    if (one_unit) {
        *y += lh;
        u->line_count++;
        u->h = *y;
    } else {
        u->line_count = 1;
    }
}

/* Frees scratch vectors that one huge paragraph grew past
 * LAYOUT_PARA_SCRATCH_MAX, so that memory stays bounded between calls. */
static void
para_scratch_trim(struct para_scratch *ps)
{
    struct vec *all[] = {&ps->items,   &ps->hitems, &ps->nodes, &ps->active, &ps->breaks,
                         &ps->hbreaks, &ps->ranked, &ps->runs,  &ps->brks,   &ps->span_off,
                         &ps->lb_copy, &ps->segs,   &ps->vis};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->cap * all[i]->elem > LAYOUT_PARA_SCRATCH_MAX)
            vec_free(all[i]);
}

size_t
para_set(struct lctx *c, struct flow *f, const struct para_style *style,
         const struct para_span *spans, size_t span_count, bool one_unit, int32_t *y)
{
    /* the style with the paragraph's direction resolved */
    struct para_style resolved = *style;
    const struct para_style *st = &resolved;
    /* concatenate the spans into one buffer in the output arena: runs point
     * into it */
    size_t total = 0;
    for (size_t k = 0; k < span_count; k++)
        total += spans[k].len;
    if (!total)
        return 0;
    struct para_scratch *ps = &c->L->ps;
    if (!ps->items.elem) {
        vec_init(&ps->items, sizeof(struct item));
        vec_init(&ps->hitems, sizeof(struct item));
        vec_init(&ps->nodes, sizeof(struct node));
        vec_init(&ps->active, sizeof(int32_t));
        vec_init(&ps->breaks, sizeof(int32_t));
        vec_init(&ps->hbreaks, sizeof(int32_t));
        vec_init(&ps->ranked, sizeof(struct ranked));
        vec_init(&ps->runs, sizeof(struct pending_run));
        vec_init(&ps->brks, sizeof(char));
        vec_init(&ps->span_off, sizeof(uint32_t));
        vec_init(&ps->lb_copy, sizeof(char));
        vec_init(&ps->segs, sizeof(struct bidi_seg));
        vec_init(&ps->vis, sizeof(struct pending_run));
    }
    char *buf = lctx_alloc(c, total + 1);
    if (!buf || !vec_reserve(c, &ps->span_off, span_count + 1) ||
        !vec_reserve(c, &ps->brks, total)) {
        c->oom = true;
        return 0;
    }
    uint32_t *span_off = ps->span_off.data;
    char *brks = ps->brks.data;
    size_t p = 0;
    for (size_t k = 0; k < span_count; k++) {
        span_off[k] = (uint32_t)p;
        memcpy(buf + p, spans[k].text, spans[k].len);
        p += spans[k].len;
    }
    fill_breaks(c, buf, total, st->props.lang, brks);
    /* bidi: a right-to-left paragraph, or one with a character that can
     * move, has its levels resolved once here and each line reordered by
     * emit_line; all other text skips fribidi */
    bool bidi = style->props.dir == LAYOUT_DIR_RTL || layout_bidi_needed(buf, total);
    resolved.props.dir = LAYOUT_DIR_LTR;
    if (bidi) {
        if (!layout_bidi_para(c, buf, total, style->props.dir))
            return 0;
        resolved.props.dir = c->L->bidi.dir;
        if (resolved.props.dir == LAYOUT_DIR_RTL && style->mirror_w > 0)
            resolved.x = style->mirror_w - style->x - style->width;
    }

    /* set member by member: ascii_w (1.5 KB) is filled only if needed */
    struct breaker b;
    b.c = c;
    b.st = st;
    b.buf = buf;
    b.ps = ps;
    b.items = &ps->items;
    b.ascii_ready = false;
    b.bidi = bidi;
    memset(b.have_metrics, 0, sizeof b.have_metrics);
    b.min_w = st->width - st->first_indent;
    if (b.min_w < 1)
        b.min_w = 1;
    for (int face = 0; face < LAYOUT_FACE_COUNT; face++)
        b.space_w[face] = b.hyphen_w[face] = -1; /* measured on first use */
    struct layout_hyph *h = st->hyphenate ? layout_hyph_for(c->L, st->props.lang) : NULL;
    struct vec *breaks = &ps->breaks;
    double max_ratio = 0;
    build_items(&b, spans, span_count, span_off, brks);
    bool any_box = false;
    for (size_t k = 0; k < b.items->count && !any_box; k++)
        any_box = VEC_AT(b.items, struct item, k)->type == IT_BOX;
    if (!any_box) {
        /* white space only: no line at all */
        para_scratch_trim(ps);
        layout_bidi_trim(&c->L->bidi, LAYOUT_PARA_SCRATCH_MAX);
        return 0;
    }
    size_t nb = total_fit(&b, 1.0, breaks, &max_ratio);
    /* hyphenate only a paragraph that cannot be set, or only with a line
     * whose spaces stretch by more than LOOSE_RATIO of their stretchability */
    if ((!nb || max_ratio > LOOSE_RATIO) && h) {
        double hr = 0;
        expand_hyphenated(&b, h);
        size_t nh = total_fit(&b, 1.5, &ps->hbreaks, &hr);
        if (!nh)
            nh = total_fit(&b, INFINITY, &ps->hbreaks, &hr);
        if (nh) {
            breaks = &ps->hbreaks;
            nb = nh;
        } else {
            b.items = &ps->items;
        }
    }
    if (!nb)
        nb = total_fit(&b, INFINITY, breaks, &max_ratio);
    if (!nb)
        nb = greedy_breaks(&b, breaks);
    int asc = 0, lh = 0;
    for (size_t k = 0; k < span_count; k++) {
        int a, d, l;
        face_metrics(&b, spans[k].face, &a, &d, &l);
        if (a > asc)
            asc = a;
        if (l > lh)
            lh = l;
    }
    if (st->leading)
        lh = st->leading;
    size_t lines = 0;
    size_t shown = nb;
    if (st->max_lines && shown > (size_t)st->max_lines)
        shown = (size_t)st->max_lines;
    for (size_t k = 0; k < shown && !c->oom; k++) {
        int32_t to = *VEC_AT(breaks, int32_t, k);
        int32_t from = k ? *VEC_AT(breaks, int32_t, k - 1) + 1 : 0;
        const struct item *end = VEC_AT(b.items, struct item, to);
        bool last = k + 1 == nb || (end->type == IT_PEN && end->pen == -PEN_INF);
        emit_line(&b, f, (size_t)from, (size_t)to, k, last, one_unit, y, lh, asc, shown);
        lines++;
    }
    para_scratch_trim(ps);
    layout_bidi_trim(&c->L->bidi, LAYOUT_PARA_SCRATCH_MAX);
    return lines;
}
