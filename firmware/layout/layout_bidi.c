/* Bidi (UAX #9) with fribidi for the typesetter: the embedding levels of a
 * whole paragraph (explicit controls, isolates and bracket pairs included),
 * then per line the visual order of its characters, cut into segments of
 * one level and one owner (the line's styled run or the space between two
 * of them). Lines are broken on logical text before any of this. */
#include <fribidi.h>
#include <string.h>

#include <unistr.h>

#include "layout_internal.h"

void
layout_bidi_init(struct layout_bidi *bd)
{
    vec_init(&bd->chars, sizeof(FriBidiChar));
    vec_init(&bd->types, sizeof(FriBidiCharType));
    vec_init(&bd->brackets, sizeof(FriBidiBracketType));
    vec_init(&bd->levels, sizeof(FriBidiLevel));
    vec_init(&bd->map, sizeof(FriBidiStrIndex));
    vec_init(&bd->offs, sizeof(uint32_t));
    vec_init(&bd->owner, sizeof(int32_t));
    bd->n = 0;
    bd->dir = LAYOUT_DIR_LTR;
}

void
layout_bidi_fini(struct layout_bidi *bd)
{
    struct vec *all[] = {&bd->chars, &bd->types, &bd->brackets, &bd->levels,
                         &bd->map,   &bd->offs,  &bd->owner};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        vec_free(all[i]);
    bd->n = 0;
}

void
layout_bidi_trim(struct layout_bidi *bd, size_t max_bytes)
{
    struct vec *all[] = {&bd->chars, &bd->types, &bd->brackets, &bd->levels,
                         &bd->map,   &bd->offs,  &bd->owner};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->cap * all[i]->elem > max_bytes)
            vec_free(all[i]);
}

/* True for a character that can make a line's visual order differ from its
 * logical order in a left-to-right paragraph: right-to-left letters, Arabic
 * digits and separators, and the explicit embedding, override and isolate
 * controls. */
static bool
moves(ucs4_t cp)
{
    FriBidiCharType t = fribidi_get_bidi_type(cp);
    return FRIBIDI_IS_RTL(t) || t == FRIBIDI_TYPE_AN || FRIBIDI_IS_EXPLICIT(t) ||
           FRIBIDI_IS_ISOLATE(t);
}

bool
layout_bidi_needed(const char *s, size_t len)
{
    const uint8_t *u = (const uint8_t *)s;
    for (size_t i = 0; i < len; i++) {
        /* ASCII, Latin, Greek, Cyrillic, Armenian (lead bytes below 0xD6:
         * U+0000..U+057F) and the BMP blocks from U+1000 to U+1FFF and
         * U+3000 to U+DFFF (Indic, Ethiopic, CJK, Hangul: lead bytes 0xE1,
         * 0xE3..0xED) hold no character that moves */
        if (u[i] < 0xD6 || u[i] == 0xE1 || (u[i] >= 0xE3 && u[i] <= 0xED) || (u[i] & 0xC0) == 0x80)
            continue;
        ucs4_t cp;
        int n = u8_mbtouc(&cp, u + i, len - i);
        if (moves(cp))
            return true;
        i += (size_t)(n > 0 ? n : 1) - 1;
    }
    return false;
}

bool
layout_bidi_para(struct lctx *c, const char *s, size_t len, uint8_t dir)
{
    struct layout_bidi *bd = &c->L->bidi;
    if (!bd->chars.elem)
        layout_bidi_init(bd);
    bd->n = 0;
    bd->dir = dir == LAYOUT_DIR_RTL ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR;
    if (len >= INT32_MAX / 4) {
        c->oom = true; /* no paragraph is this long: the edition's limits */
        return false;
    }
    /* at most one character a byte */
    struct vec *all[] = {&bd->chars, &bd->types, &bd->brackets, &bd->levels, &bd->map};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!vec_reserve(c, all[i], len))
            return false;
    if (!vec_reserve(c, &bd->offs, len + 1))
        return false;
    FriBidiChar *ch = bd->chars.data;
    uint32_t *off = bd->offs.data;
    size_t n = 0;
    const uint8_t *u = (const uint8_t *)s;
    for (size_t p = 0; p < len;) {
        ucs4_t cp;
        int k = u8_mbtouc(&cp, u + p, len - p);
        off[n] = (uint32_t)p;
        ch[n++] = cp;
        p += (size_t)(k > 0 ? k : 1);
    }
    off[n] = (uint32_t)len;
    bd->n = n;
    FriBidiStrIndex fn = (FriBidiStrIndex)n;
    FriBidiCharType *types = bd->types.data;
    fribidi_get_bidi_types(ch, fn, types);
    fribidi_get_bracket_types(ch, fn, types, bd->brackets.data);
    FriBidiParType pd = dir == LAYOUT_DIR_RTL   ? FRIBIDI_PAR_RTL
                        : dir == LAYOUT_DIR_LTR ? FRIBIDI_PAR_LTR
                                                : FRIBIDI_PAR_ON;
    if (!fribidi_get_par_embedding_levels_ex(types, bd->brackets.data, fn, &pd, bd->levels.data)) {
        c->oom = true; /* fribidi fails only when its allocations do */
        bd->n = 0;
        return false;
    }
    bd->dir = FRIBIDI_IS_RTL(pd) ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR;
    return true;
}

size_t
layout_bidi_char_at(const struct layout_bidi *bd, uint32_t byte)
{
    const uint32_t *off = bd->offs.data;
    size_t lo = 0, hi = bd->n; /* off[hi] is the end */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (off[mid] <= byte)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

size_t
layout_bidi_line(struct lctx *c, size_t a, size_t z, const int32_t *owner, struct vec *segs)
{
    struct layout_bidi *bd = &c->L->bidi;
    segs->count = 0;
    if (z > bd->n)
        z = bd->n;
    if (a >= z)
        return 0;
    FriBidiStrIndex *map = bd->map.data;
    FriBidiLevel *lev = bd->levels.data;
    const uint32_t *off = bd->offs.data;
    for (size_t i = a; i < z; i++)
        map[i] = (FriBidiStrIndex)i;
    FriBidiParType pd = bd->dir == LAYOUT_DIR_RTL ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    /* no flags: marks stay where they are in logical order, for the shaper
     * orders each segment's glyphs itself */
    if (!fribidi_reorder_line(0, bd->types.data, (FriBidiStrIndex)(z - a), (FriBidiStrIndex)a, pd,
                              lev, NULL, map)) {
        c->oom = true;
        return 0;
    }
    for (size_t v = a; v < z && !c->oom;) {
        FriBidiStrIndex lo = map[v], hi = map[v];
        FriBidiLevel l = lev[lo];
        int32_t who = owner ? owner[lo - (FriBidiStrIndex)a] : 0;
        int step = FRIBIDI_LEVEL_IS_RTL(l) ? -1 : 1;
        size_t u = v + 1;
        while (u < z && lev[map[u]] == l && map[u] == map[u - 1] + step &&
               (!owner || owner[map[u] - (FriBidiStrIndex)a] == who)) {
            if (map[u] < lo)
                lo = map[u];
            if (map[u] > hi)
                hi = map[u];
            u++;
        }
        struct bidi_seg *sg = vec_push(c, segs);
        sg->off = off[lo];
        sg->len = off[hi + 1] - off[lo];
        sg->owner = who;
        sg->level = (uint8_t)l;
        v = u;
    }
    return c->oom ? 0 : segs->count;
}
