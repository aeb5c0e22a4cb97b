/* Fonts and shaping: opens the kiosk's TrueType faces through SDL2_ttf
 * (built with HarfBuzz on Debian) at any size on demand, and implements
 * layout's measuring seam with a per-font cache of shaped word widths, so
 * measuring and drawing take the same path. Owns every TTF_Font it opens.
 * Main thread only. */
#ifndef NK_TEXT_H
#define NK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL_ttf.h>

#include "err.h"
#include "layout.h"

/* Paths of the faces, indexed by enum layout_face; text_fonts_default fills
 * the Debian paths found at build time. */
struct text_fonts {
    const char *path[LAYOUT_FACE_COUNT];
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

#endif
