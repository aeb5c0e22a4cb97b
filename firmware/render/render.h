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

/* Colour themes. Layout names colours (enum layout_color); a theme maps
 * each to RGB. Photos keep their colours in every theme.
 * - normal: near-black on warm off-white, the newspaper look;
 * - contrast: black on white, every text colour at least 7:1 (WCAG AAA);
 * - contrast-dark: white on black (light on dark), also 7:1 and over.
 * The config file's `theme` key and --theme take these names. */
enum render_theme {
    RENDER_THEME_NORMAL,
    RENDER_THEME_CONTRAST,
    RENDER_THEME_CONTRAST_DARK,
    RENDER_THEME_COUNT
};
/* "normal", "contrast", "contrast-dark"; NULL for a value out of range. */
const char *render_theme_name(enum render_theme t);
/* The theme called name; false (out untouched) for an unknown name. */
bool render_theme_parse(const char *name, enum render_theme *out);

/* Colours the renderer and the app draw beyond layout's: slots after the
 * layout_color ones, in the same palettes. */
enum render_color {
    RENDER_COLOR_FOCUS = LAYOUT_COLOR_COUNT, /* the keypad focus ring */
    RENDER_COLOR_PROGRESS,                   /* install progress: done */
    RENDER_COLOR_TRACK,                      /* install progress: to do */
    RENDER_COLOR_SLOTS
};
struct render_rgb {
    uint8_t r, g, b;
};
/* The RGB of slot (an enum layout_color or enum render_color) in theme t;
 * an out-of-range slot gives the theme's text colour. */
struct render_rgb render_theme_color(enum render_theme t, unsigned slot);
/* The WCAG 2.x contrast ratio of two colours, 1.0 .. 21.0: (L1 + 0.05) /
 * (L2 + 0.05) of their relative luminances, the lighter over the darker. */
double render_contrast_ratio(struct render_rgb a, struct render_rgb b);

/* r and t stay owned by the caller and must outlive the render. */
struct render *render_create(SDL_Renderer *r, struct text *t, struct err *e);
void render_destroy(struct render *rd); /* NULL is fine */

/* The folder photos are read from (an unpacked edition); NULL for none.
 * Flushes the caches. The string is copied. */
void render_set_root(struct render *rd, const char *root);

/* The theme pages are drawn in (RENDER_THEME_NORMAL at first). A change
 * forgets the page textures, so the pages are drawn again in it; the
 * decoded photos are kept. */
void render_set_theme(struct render *rd, enum render_theme t);
enum render_theme render_get_theme(const struct render *rd);

/* The keypad focus ring around the box (x, y, w, h), drawn on the current
 * target over the page (never into a page texture): a 3 px frame in the
 * theme's focus colour RENDER_FOCUS_MARGIN px outside the box, with a 1 px
 * paper line between it and the box, so it never covers what the box holds
 * (an index entry's text starts at its box's edge). Where the frame would
 * leave the target (the bar at the screen's foot) it is moved inside. */
#define RENDER_FOCUS_MARGIN 4
void render_focus_ring(struct render *rd, int x, int y, int w, int h);

/* Draws page at (dx, dy) on the current target, background included.
 * A photo that fails to decode is drawn as a neutral placeholder. */
void render_page(struct render *rd, const struct layout_page *page, int dx, int dy);

/* The page drawn into a w x h target texture (XRGB8888), for pages rendered
 * ahead: a page turn is then one SDL_RenderCopy. Kept in a small LRU
 * (RENDER_PAGE_TEXTURES entries) keyed by the page's address and size; the
 * texture is owned by rd and valid until it is evicted (after
 * RENDER_PAGE_TEXTURES other pages), render_forget_pages, render_set_root or
 * render_destroy. Call render_forget_pages whenever the pages behind those
 * addresses change (re-layout). NULL with e set when the renderer has no
 * target textures or memory runs out. */
/* Three: the page shown and its two neighbours rendered ahead (1.5 MB each at
 * 800x480). */
#define RENDER_PAGE_TEXTURES 3
SDL_Texture *render_page_texture(struct render *rd, const struct layout_page *page, int w, int h,
                                 struct err *e);
void render_forget_pages(struct render *rd);
/* Forgets only the textures of these pages (one article's, about to be
 * freed), keeping those of the page shown and its neighbours. */
void render_forget_pages_of(struct render *rd, const struct layout_pages *pages);

/* Drops the decoded photos (e.g. when the edition changes under the same root). */
void render_forget_images(struct render *rd);

/* Budget of the decoded-photo cache, in bytes of texture pixels: half the
 * target's own pixel bytes (w x h x 2), and never under
 * RENDER_IMAGE_BUDGET. The page textures already hold the photos of the
 * pages shown and rendered ahead, so this only spares decodes when a page is
 * drawn again: at 800x480 an article photo is ~210 KB. 1,000 turns through
 * 100 articles decode 490 photos at 1 MB, 360 at 2 MB, 264 at 24 MB (then
 * 5.9 MB held), ~2 ms each here. Scaled with the screen so that a large
 * screen's photos (1 MB and more at 1920x1080) are still kept at all. */
#define RENDER_IMAGE_BUDGET (1u * 1024u * 1024u)
size_t render_image_budget(int w, int h);

/* What the caches hold, for tests and the benchmark. */
struct render_stats {
    size_t images;       /* decoded photos (and remembered failures) */
    size_t image_bytes;  /* their texture pixels, <= image_budget */
    size_t image_budget; /* render_image_budget of the current target */
    size_t page_textures;
};
void render_stats(const struct render *rd, struct render_stats *out);

/* Writes the renderer's current target (w x h px) as a PNG. */
bool render_save_png(SDL_Renderer *r, int w, int h, const char *path, struct err *e);

#endif
