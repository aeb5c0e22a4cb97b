/* Drawing: display lists (layout pages) become pixels on an SDL_Renderer.
 * The only module with SDL drawing calls and textures. Owns a bounded cache of
 * decoded photos (decoded at display size once, through image/) and of page
 * textures rendered ahead; both are flushed when the edition changes.
 * Main thread only. */
#ifndef NK_RENDER_H
#define NK_RENDER_H

#include <stdbool.h>

#include <SDL.h>

#include "err.h"
#include "layout.h"
#include "text.h"

struct render;

/* r and t stay owned by the caller and must outlive the render. */
struct render *render_create(SDL_Renderer *r, struct text *t, struct err *e);
void render_destroy(struct render *rd); /* NULL is fine */

/* The folder photos are read from (an unpacked edition); NULL for none.
 * Flushes the caches. The string is copied. */
void render_set_root(struct render *rd, const char *root);

/* Draws page at (dx, dy) on the current target, background included.
 * A photo that fails to decode is drawn as a neutral placeholder. */
void render_page(struct render *rd, const struct layout_page *page, int dx, int dy);

/* Writes the renderer's current target (w x h px) as a PNG. */
bool render_save_png(SDL_Renderer *r, int w, int h, const char *path, struct err *e);

#endif
