/* Bidi ordering of a line with fribidi: lines are broken in logical order by
 * layout, then each line's directional runs are put in visual order here. */
#include <fribidi.h>
#include <stdlib.h>
#include <unistr.h>

#include "text.h"

/* Working arrays for one line, one allocation. */
struct bidi_work {
    FriBidiChar *chars;
    FriBidiCharType *types;
    FriBidiBracketType *brackets;
    FriBidiLevel *levels;
    FriBidiStrIndex *map;
    uint32_t *offset; /* byte offset of each character, plus one past the end */
};

static void *
bidi_alloc(struct bidi_work *w, size_t n)
{
    size_t per = sizeof *w->chars + sizeof *w->types + sizeof *w->brackets + sizeof *w->levels +
                 sizeof *w->map + sizeof *w->offset;
    char *p = malloc(per * n + sizeof *w->offset);
    if (!p)
        return NULL;
    char *q = p;
    w->chars = (FriBidiChar *)(void *)q, q += sizeof *w->chars * n;
    w->types = (FriBidiCharType *)(void *)q, q += sizeof *w->types * n;
    w->brackets = (FriBidiBracketType *)(void *)q, q += sizeof *w->brackets * n;
    w->map = (FriBidiStrIndex *)(void *)q, q += sizeof *w->map * n;
    w->offset = (uint32_t *)(void *)q, q += sizeof *w->offset * (n + 1);
    w->levels = (FriBidiLevel *)(void *)q;
    return p;
}

size_t
text_bidi_runs(const char *text, size_t len, int base, struct text_bidi_run *out, size_t max,
               struct err *e)
{
    if (len == 0 || max == 0) {
        if (max == 0)
            err_set(e, ERR_LIMIT, "bidi: no room for runs");
        else
            out[0] = (struct text_bidi_run){0, 0, (uint8_t)base};
        return max == 0 ? 0 : 1;
    }
    if (len > INT32_MAX / 2 || u8_check((const uint8_t *)text, len))
        return err_set(e, ERR_INVALID, "bidi: line is not valid UTF-8"), 0;
    size_t n = u8_mbsnlen((const uint8_t *)text, len);
    struct bidi_work w;
    void *mem = bidi_alloc(&w, n);
    if (!mem)
        return err_set(e, ERR_NOMEM, "bidi: out of memory"), 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        ucs4_t c;
        int k = u8_mbtouc(&c, (const uint8_t *)text + at, len - at);
        w.offset[i] = (uint32_t)at;
        w.chars[i] = c;
        w.map[i] = (FriBidiStrIndex)i;
        at += (size_t)(k > 0 ? k : 1);
    }
    w.offset[n] = (uint32_t)len;

    FriBidiStrIndex fn = (FriBidiStrIndex)n;
    fribidi_get_bidi_types(w.chars, fn, w.types);
    fribidi_get_bracket_types(w.chars, fn, w.types, w.brackets);
    FriBidiParType dir = base == LAYOUT_DIR_RTL ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    size_t count = 0;
    if (!fribidi_get_par_embedding_levels_ex(w.types, w.brackets, fn, &dir, w.levels) ||
        !fribidi_reorder_line(0, w.types, fn, 0, dir, w.levels, NULL, w.map)) {
        err_set(e, ERR_NOMEM, "bidi: fribidi failed to order the line");
        goto out;
    }
    /* Visual positions whose logical indices follow on at one level form a
     * run: ascending for even (LTR) levels, descending for odd (RTL). */
    size_t v = 0;
    while (v < n) {
        FriBidiStrIndex lo = w.map[v], hi = w.map[v];
        FriBidiLevel lv = w.levels[lo];
        bool rtl = FRIBIDI_LEVEL_IS_RTL(lv);
        size_t u = v + 1;
        while (u < n && w.levels[w.map[u]] == lv &&
               w.map[u] == (rtl ? w.map[u - 1] - 1 : w.map[u - 1] + 1)) {
            if (w.map[u] < lo)
                lo = w.map[u];
            if (w.map[u] > hi)
                hi = w.map[u];
            u++;
        }
        if (count == max) {
            err_set(e, ERR_LIMIT, "bidi: line has more than %zu directional runs", max);
            count = 0;
            goto out;
        }
        out[count++] = (struct text_bidi_run){
            .start = w.offset[lo],
            .len = w.offset[hi + 1] - w.offset[lo],
            .dir = rtl ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR,
        };
        v = u;
    }
out:
    free(mem);
    return count;
}

void
text_bidi_order(const struct layout_run *runs, size_t n, int base, size_t *order)
{
    bool mixed = base == LAYOUT_DIR_RTL;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 0; i < n && !mixed; i++)
        mixed = runs[i].props.dir == LAYOUT_DIR_RTL;
    if (!mixed || n < 2)
        return;
    struct bidi_work w;
    void *mem = bidi_alloc(&w, n);
    if (!mem)
        return; /* logical order: readable, if not ideal */
    /* One pseudo-character a run, at the level the run's direction has in a
     * paragraph of direction base (X rules for isolated runs). */
    for (size_t i = 0; i < n; i++) {
        bool rtl = runs[i].props.dir == LAYOUT_DIR_RTL;
        w.types[i] = rtl ? FRIBIDI_TYPE_RTL : FRIBIDI_TYPE_LTR;
        if (base == LAYOUT_DIR_RTL)
            w.levels[i] = rtl ? 1 : 2;
        else
            w.levels[i] = rtl ? 1 : 0;
        w.map[i] = (FriBidiStrIndex)i;
    }
    FriBidiParType dir = base == LAYOUT_DIR_RTL ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    if (fribidi_reorder_line(0, w.types, (FriBidiStrIndex)n, 0, dir, w.levels, NULL, w.map)) {
        for (size_t i = 0; i < n; i++)
            order[i] = (size_t)w.map[i];
    }
    free(mem);
}
