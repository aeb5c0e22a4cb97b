/* Fonts and shaping: opens the kiosk's TrueType faces through SDL2_ttf
 * (built with HarfBuzz on Debian) at any size on demand, and implements
 * layout's measuring seam with a per-font cache of shaped word widths, so
 * measuring and drawing take the same path. A run the six faces do not cover
 * is split into pieces by script and by the font of a fallback chain (Arabic,
 * Hebrew, Indic, Ethiopic, Thai, CJK, symbols) that has the glyphs; chain
 * fonts are opened only when a character needs them. Font files are mapped
 * read-only once and opened from memory. Owns every font and mapping it
 * opens. Main thread only. */
#ifndef NK_TEXT_H
#define NK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL_ttf.h>

#include "err.h"
#include "layout.h"

/* The scripts of the fallback chain that have fonts of their own. */
enum text_chain {
    TEXT_CHAIN_ARABIC, /* Arabic, Persian, Urdu: Noto Naskh Arabic (serif), Noto Sans Arabic */
    TEXT_CHAIN_HEBREW,
    TEXT_CHAIN_DEVANAGARI,
    TEXT_CHAIN_BENGALI,
    TEXT_CHAIN_ETHIOPIC,
    TEXT_CHAIN_THAI,
    TEXT_CHAIN_CJK, /* Han, kana, Hangul: .ttc collections, face chosen by language */
    TEXT_CHAIN_COUNT
};

/* The style of a chain font: the faces of enum layout_face map to these
 * (italics to their upright style: the chain scripts have no italics). */
enum text_style {
    TEXT_STYLE_SERIF,
    TEXT_STYLE_SERIF_BOLD,
    TEXT_STYLE_SANS,
    TEXT_STYLE_SANS_BOLD,
    TEXT_STYLE_COUNT
};

#define TEXT_SYMBOL_FONTS 3 /* tried in order for what nothing else covers */

/* Paths of the faces, indexed by enum layout_face, and of the chain fonts;
 * text_fonts_default fills the Debian paths found at build time. A chain or
 * symbol path may be NULL or "" (not installed): its characters then fall
 * through to the next font, and to a placeholder box when none has them.
 * The strings are copied by text_create. */
struct text_fonts {
    const char *path[LAYOUT_FACE_COUNT];
    const char *chain[TEXT_CHAIN_COUNT][TEXT_STYLE_COUNT];
    const char *symbols[TEXT_SYMBOL_FONTS];
};
void text_fonts_default(struct text_fonts *f);

/* Initialises SDL2_ttf if needed and checks every face opens. */
struct text *text_create(const struct text_fonts *fonts, struct err *e);
void text_destroy(struct text *t); /* NULL is fine */

/* The measuring seam for layout_create; valid while t lives. */
const struct layout_metrics *text_metrics(struct text *t);

/* The font for f, set up for props (script, direction), opened on first use;
 * owned by t. The sizes of a face share a few fonts, so use it before the
 * next call into t, which may set it to another size. NULL if it cannot be
 * opened. */
TTF_Font *text_font(struct text *t, struct layout_font f, const struct layout_run_props *props);

/* As text_font, but a script of 0 in props is guessed from text (len bytes)
 * exactly as measuring guesses it, so drawing shapes like measuring did. */
TTF_Font *text_font_for(struct text *t, struct layout_font f, const struct layout_run_props *props,
                        const char *text, size_t len);

/* A piece of a run: bytes [start, start + len) of the run's text, shaped
 * with one font of the chain and one script. source names the font for
 * text_piece_font; TEXT_SOURCE_NONE means no font of the chain covers these
 * characters, and they are drawn as `missing` placeholder boxes, each
 * text_placeholder_width wide. */
#define TEXT_SOURCE_NONE (-1)
struct text_piece {
    uint32_t start, len;
    int32_t source;   /* a font of t, or TEXT_SOURCE_NONE */
    uint32_t script;  /* ISO 15924 tag it is shaped with, as HB_TAG('A','r','a','b') */
    uint32_t missing; /* characters drawn as a placeholder (only with TEXT_SOURCE_NONE) */
};

/* Splits a run (text, len bytes of UTF-8, as layout gives it with font f and
 * props) into pieces, in logical order: by script (spaces, digits,
 * punctuation and combining marks stay with their neighbours) and by the
 * first font of the chain that has each character. Fills out[0..max) and
 * returns how many pieces there are (more than max: call again with room for
 * all). Opens the chain fonts it needs. Invalid UTF-8 bytes are taken as
 * U+FFFD. */
size_t text_itemize(struct text *t, struct layout_font f, const struct layout_run_props *props,
                    const char *text, size_t len, struct text_piece *out, size_t max);

/* The font of a piece (not TEXT_SOURCE_NONE) at f's size, set up for the
 * piece's script and props->dir; owned by t, valid until the next call into
 * t. NULL if it cannot be opened. */
TTF_Font *text_piece_font(struct text *t, struct layout_font f,
                          const struct layout_run_props *props, const struct text_piece *p);

/* The advance in px of piece p of text: what measuring counts for it, so the
 * pieces of a run drawn side by side fill the width layout measured. */
int text_piece_width(struct text *t, struct layout_font f, const struct layout_run_props *props,
                     const char *text, const struct text_piece *p);

/* The width in px of one placeholder box at f: the advance of "0" in f. */
int text_placeholder_width(struct text *t, struct layout_font f);

/* What t has opened so far, for tests and benchmarks. */
struct text_stats {
    size_t files_mapped;          /* font files mapped (each once, whatever its faces and sizes) */
    size_t bytes_mapped;          /* their total size (address space; resident only as read) */
    size_t chain_loaded;          /* chain and symbol fonts opened (a CJK face counts once) */
    size_t ttf_fonts;             /* TTF_Fonts open now, base faces included */
    bool chain[TEXT_CHAIN_COUNT]; /* some font of that script is loaded */
};
void text_stats(const struct text *t, struct text_stats *out);

#endif
