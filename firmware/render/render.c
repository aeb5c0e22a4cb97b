/* Display lists to pixels: paper, rules, photos (decoded once at display
 * size into a bounded LRU of textures) and text runs (SDL2_ttf, blended). */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

#define RENDER_MAX_IMAGES 64
#define RENDER_MAX_IMAGE_FILE (16u * 1024u * 1024u) /* as edition_limits' default */

struct render_image {
    char *path;       /* bundle-relative; NULL = empty slot */
    int w, h;         /* the box it was decoded for */
    SDL_Texture *tex; /* NULL when the photo failed: draw the placeholder */
    size_t bytes;
    uint64_t last_use;
};

struct render_page_tex {
    const struct layout_page *page; /* NULL = empty slot */
    int w, h;
    SDL_Texture *tex;
    uint64_t last_use;
};

struct render {
    SDL_Renderer *r;
    struct text *t;
    char *root;
    struct render_image images[RENDER_MAX_IMAGES];
    size_t image_bytes;
    struct render_page_tex pages[RENDER_PAGE_TEXTURES];
    uint64_t clock;
    enum render_theme theme;
};

/* The palettes, one a theme. Every pair drawn (text on paper, paper on the
 * accent badge, rules and the focus ring on paper) has its contrast ratio
 * checked by test_render: text at least 4.5:1 in normal, 7:1 in the
 * contrast themes. */
static const struct render_rgb render_palettes[RENDER_THEME_COUNT][RENDER_COLOR_SLOTS] =
    {
        [RENDER_THEME_NORMAL] =
            {
                [LAYOUT_COLOR_TEXT] = {0x1A, 0x1A, 0x1A},
                [LAYOUT_COLOR_MUTED] = {0x6B, 0x6B, 0x6B},
                [LAYOUT_COLOR_ACCENT] = {0x9E, 0x1B, 0x22}, /* deep newspaper red */
                [LAYOUT_COLOR_RULE] = {0xCC, 0xCC, 0xCC},
                [LAYOUT_COLOR_PAPER] = {0xFB, 0xFA, 0xF6},
                [RENDER_COLOR_FOCUS] = {0x1F, 0x5F, 0xAD}, /* blue: apart from the red accent */
                [RENDER_COLOR_PROGRESS] = {0x9C, 0x1C, 0x1C},
                [RENDER_COLOR_TRACK] = {0xD8, 0xD4, 0xCC},
            },
        [RENDER_THEME_CONTRAST] =
            {
                [LAYOUT_COLOR_TEXT] = {0x00, 0x00, 0x00},
                [LAYOUT_COLOR_MUTED] = {0x40, 0x40, 0x40},
                [LAYOUT_COLOR_ACCENT] = {0x8B, 0x00, 0x00},
                [LAYOUT_COLOR_RULE] = {0x76, 0x76, 0x76},
                [LAYOUT_COLOR_PAPER] = {0xFF, 0xFF, 0xFF},
                [RENDER_COLOR_FOCUS] = {0x00, 0x40, 0xC0},
                [RENDER_COLOR_PROGRESS] = {0x00, 0x00, 0x00},
                [RENDER_COLOR_TRACK] = {0xB0, 0xB0, 0xB0},
            },
        [RENDER_THEME_CONTRAST_DARK] =
            {
                [LAYOUT_COLOR_TEXT] = {0xFF, 0xFF, 0xFF},
                [LAYOUT_COLOR_MUTED] = {0xD0, 0xD0, 0xD0},
                [LAYOUT_COLOR_ACCENT] = {0xFF, 0xD8, 0x4D}, /* amber */
                [LAYOUT_COLOR_RULE] = {0x9A, 0x9A, 0x9A},
                [LAYOUT_COLOR_PAPER] = {0x00, 0x00, 0x00},
                [RENDER_COLOR_FOCUS] = {0x40, 0xC8, 0xFF}, /* cyan: apart from the amber accent */
                [RENDER_COLOR_PROGRESS] = {0xFF, 0xD8, 0x4D},
                [RENDER_COLOR_TRACK] = {0x50, 0x50, 0x50},
            },
};
static const char *const render_theme_names[RENDER_THEME_COUNT] = {
    [RENDER_THEME_NORMAL] = "normal",
    [RENDER_THEME_CONTRAST] = "contrast",
    [RENDER_THEME_CONTRAST_DARK] = "contrast-dark",
};
/* The photo placeholder: a neutral box with a darker mountain-and-sun glyph. */
static const SDL_Color render_placeholder_bg = {0xDD, 0xDB, 0xD5, 0xFF};
static const SDL_Color render_placeholder_fg = {0xA8, 0xA5, 0x9E, 0xFF};

const char *
render_theme_name(enum render_theme t)
{
    return (unsigned)t < RENDER_THEME_COUNT ? render_theme_names[t] : NULL;
}

bool
render_theme_parse(const char *name, enum render_theme *out)
{
    for (unsigned t = 0; t < RENDER_THEME_COUNT; t++)
        if (name && strcmp(name, render_theme_names[t]) == 0) {
            *out = (enum render_theme)t;
            return true;
        }
    return false;
}

struct render_rgb
render_theme_color(enum render_theme t, unsigned slot)
{
    if ((unsigned)t >= RENDER_THEME_COUNT)
        t = RENDER_THEME_NORMAL;
    if (slot >= RENDER_COLOR_SLOTS)
        slot = LAYOUT_COLOR_TEXT;
    return render_palettes[t][slot];
}

/* WCAG 2.x relative luminance of an sRGB colour, 0 .. 1. */
static double
relative_luminance(struct render_rgb c)
{
    const uint8_t ch[3] = {c.r, c.g, c.b};
    static const double weight[3] = {0.2126, 0.7152, 0.0722};
    double l = 0;
    for (int i = 0; i < 3; i++) {
        double v = ch[i] / 255.0;
        v = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
        l += weight[i] * v;
    }
    return l;
}

double
render_contrast_ratio(struct render_rgb a, struct render_rgb b)
{
    double la = relative_luminance(a), lb = relative_luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static SDL_Color
color_of(const struct render *rd, unsigned slot)
{
    struct render_rgb c = render_theme_color(rd->theme, slot);
    return (SDL_Color){c.r, c.g, c.b, 0xFF};
}

void
render_set_theme(struct render *rd, enum render_theme t)
{
    if ((unsigned)t >= RENDER_THEME_COUNT || t == rd->theme)
        return;
    rd->theme = t;
    render_forget_pages(rd);
}

enum render_theme
render_get_theme(const struct render *rd)
{
    return rd->theme;
}

static void
set_color(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

struct render *
render_create(SDL_Renderer *r, struct text *t, struct err *e)
{
    struct render *rd = calloc(1, sizeof *rd);
    if (!rd) {
        err_set(e, ERR_NOMEM, "render: out of memory");
        return NULL;
    }
    rd->r = r;
    rd->t = t;
    return rd;
}

void
render_forget_images(struct render *rd)
{
    for (size_t i = 0; i < RENDER_MAX_IMAGES; i++) {
        struct render_image *im = &rd->images[i];
        if (im->tex)
            SDL_DestroyTexture(im->tex);
        free(im->path);
        *im = (struct render_image){0};
    }
    rd->image_bytes = 0;
}

void
render_forget_pages(struct render *rd)
{
    for (size_t i = 0; i < RENDER_PAGE_TEXTURES; i++) {
        if (rd->pages[i].tex)
            SDL_DestroyTexture(rd->pages[i].tex);
        rd->pages[i] = (struct render_page_tex){0};
    }
}

void
render_forget_pages_of(struct render *rd, const struct layout_pages *pages)
{
    for (size_t i = 0; i < RENDER_PAGE_TEXTURES; i++) {
        bool theirs = false;
        for (size_t p = 0; p < pages->count && !theirs; p++)
            theirs = rd->pages[i].page == &pages->pages[p];
        if (!theirs)
            continue;
        if (rd->pages[i].tex)
            SDL_DestroyTexture(rd->pages[i].tex);
        rd->pages[i] = (struct render_page_tex){0};
    }
}

void
render_destroy(struct render *rd)
{
    if (!rd)
        return;
    render_forget_images(rd);
    render_forget_pages(rd);
    free(rd->root);
    free(rd);
}

void
render_set_root(struct render *rd, const char *root)
{
    render_forget_images(rd);
    render_forget_pages(rd);
    free(rd->root);
    rd->root = root ? strdup(root) : NULL;
}

/* Reads root/path whole, at most RENDER_MAX_IMAGE_FILE bytes; NULL on any
 * failure (the caller draws the placeholder). */
static void *
read_photo(const char *root, const char *path, size_t *len)
{
    /* edition_open_dir has checked the path's form; still never leave root */
    if (!root || path[0] == '/' || strstr(path, ".."))
        return NULL;
    size_t n = strlen(root) + strlen(path) + 2;
    char *full = malloc(n);
    if (!full)
        return NULL;
    snprintf(full, n, "%s/%s", root, path);
    FILE *f = fopen(full, "rb");
    free(full);
    if (!f)
        return NULL;
    void *data = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size > 0 && (unsigned long)size <= RENDER_MAX_IMAGE_FILE &&
            fseek(f, 0, SEEK_SET) == 0) {
            data = malloc((size_t)size);
            if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
                free(data);
                data = NULL;
            }
            *len = (size_t)size;
        }
    }
    fclose(f);
    return data;
}

static SDL_Texture *
decode_photo(struct render *rd, const char *path, int w, int h)
{
    size_t len = 0;
    void *data = read_photo(rd->root, path, &len);
    if (!data)
        return NULL;
    struct image_pixels px = {0};
    bool ok =
        image_decode(data, len, IMAGE_MAX_PIXELS_DEFAULT, (uint32_t)w, (uint32_t)h, &px, NULL);
    free(data);
    if (!ok)
        return NULL;
    SDL_Texture *tex = NULL;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(px.rgba, (int)px.width, (int)px.height, 32,
                                                        (int)px.stride, SDL_PIXELFORMAT_RGBA32);
    if (s) {
        tex = SDL_CreateTextureFromSurface(rd->r, s);
        SDL_FreeSurface(s);
    }
    image_pixels_free(&px);
    if (tex) {
        /* Photos are opaque; a smaller decode (never upscaled) is stretched
         * smoothly to its box. */
        SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
        SDL_SetTextureScaleMode(tex, SDL_ScaleModeLinear);
    }
    return tex;
}

static void
evict_image(struct render *rd, struct render_image *im)
{
    if (im->tex)
        SDL_DestroyTexture(im->tex);
    free(im->path);
    rd->image_bytes -= im->bytes;
    *im = (struct render_image){0};
}

size_t
render_image_budget(int w, int h)
{
    size_t b = (w > 0 && h > 0) ? (size_t)w * (size_t)h * 2 : 0;
    return b > RENDER_IMAGE_BUDGET ? b : RENDER_IMAGE_BUDGET;
}

/* The budget for the target drawn into now (a page texture or the window). */
static size_t
current_budget(const struct render *rd)
{
    int ow = 0, oh = 0;
    if (SDL_GetRendererOutputSize(rd->r, &ow, &oh) != 0)
        ow = oh = 0;
    return render_image_budget(ow, oh);
}

/* The cached photo for (path, w, h), decoding it on first use; *failed when
 * it cannot be shown. */
static SDL_Texture *
get_photo(struct render *rd, const char *path, int w, int h, bool *failed)
{
    *failed = false;
    struct render_image *free_slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < RENDER_MAX_IMAGES; i++) {
        struct render_image *im = &rd->images[i];
        if (!im->path) {
            if (!free_slot)
                free_slot = im;
            continue;
        }
        if (im->w == w && im->h == h && strcmp(im->path, path) == 0) {
            im->last_use = ++rd->clock;
            *failed = im->tex == NULL;
            return im->tex;
        }
        if (!oldest || im->last_use < oldest->last_use)
            oldest = im;
    }
    /* Budgeted at the box size: the decode is at most that (never upscaled). */
    size_t bytes = (size_t)w * (size_t)h * 4;
    /* Keep within the pixel budget and the slot count: oldest go first. */
    size_t budget = current_budget(rd);
    while (rd->image_bytes + bytes > budget || !free_slot) {
        oldest = NULL;
        for (size_t i = 0; i < RENDER_MAX_IMAGES; i++) {
            struct render_image *im = &rd->images[i];
            if (im->path && (!oldest || im->last_use < oldest->last_use))
                oldest = im;
        }
        if (!oldest)
            break;
        evict_image(rd, oldest);
        if (!free_slot)
            free_slot = oldest;
    }
    SDL_Texture *tex = decode_photo(rd, path, w, h);
    char *copy = strdup(path);
    if (!copy) {
        if (tex)
            SDL_DestroyTexture(tex);
        *failed = true;
        return NULL;
    }
    int tw = 0, th = 0;
    if (tex)
        SDL_QueryTexture(tex, NULL, NULL, &tw, &th);
    *free_slot = (struct render_image){.path = copy,
                                       .w = w,
                                       .h = h,
                                       .tex = tex,
                                       .bytes = (size_t)tw * (size_t)th * 4,
                                       .last_use = ++rd->clock};
    rd->image_bytes += free_slot->bytes;
    *failed = tex == NULL;
    return tex;
}

static void
fill(SDL_Renderer *r, int x, int y, int w, int h)
{
    if (w <= 0 || h <= 0)
        return;
    SDL_Rect rc = {x, y, w, h};
    SDL_RenderFillRect(r, &rc);
}

/* Whether the point (u, v) lies inside the icon, both in units of the
 * icon's height (the theme's box is square, the speaker's 1.2 wide); t is
 * the stroke width in the same units. */
static bool
shape_covers(enum layout_shape shape, float u, float v, float t)
{
    float du, dv, d;
    switch (shape) {
    case LAYOUT_SHAPE_THEME: /* a ring, its left half filled */
        du = u - 0.5f;
        dv = v - 0.5f;
        d = sqrtf(du * du + dv * dv);
        return d <= 0.47f && (d >= 0.47f - t || u <= 0.5f);
    case LAYOUT_SHAPE_SPEAKER: /* a box, a cone and two arcs to its right */
        dv = fabsf(v - 0.5f);
        if (u >= 0.02f && u <= 0.22f && dv <= 0.16f)
            return true;
        if (u >= 0.22f && u <= 0.48f && dv <= 0.16f + (u - 0.22f) * (0.30f / 0.26f))
            return true;
        du = u - 0.44f;
        if (du <= 0.0f || dv > du)
            return false;
        d = sqrtf(du * du + dv * dv);
        return (d >= 0.24f && d <= 0.24f + t) || (d >= 0.50f && d <= 0.50f + t);
    case LAYOUT_SHAPE_FILL:
        break;
    }
    return true;
}

/* An icon drawn as a shape: each pixel's coverage from 4 x 4 samples, mixed
 * with the paper colour (the bar and the index footer the icons stand on),
 * drawn in one batch of points a level. */
static void
draw_shape(struct render *rd, const struct layout_rect *rc, int x, int y)
{
    enum { SAMPLES = 4, LEVELS = SAMPLES * SAMPLES, MAX_SIDE = 256 };
    int w = rc->w < MAX_SIDE ? rc->w : MAX_SIDE, h = rc->h < MAX_SIDE ? rc->h : MAX_SIDE;
    if (w <= 0 || h <= 0)
        return;
    float t = 0.11f, min_t = 1.4f / (float)h; /* never thinner than ~1.4 px */
    if (t < min_t)
        t = min_t;
    unsigned char *cov = malloc((size_t)w * (size_t)h);
    SDL_Point *pts = malloc((size_t)w * (size_t)h * sizeof *pts);
    if (!cov || !pts) {
        free(cov);
        free(pts);
        return;
    }
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) {
            int n = 0;
            for (int sj = 0; sj < SAMPLES; sj++)
                for (int si = 0; si < SAMPLES; si++)
                    n += shape_covers((enum layout_shape)rc->shape,
                                      ((float)i + ((float)si + 0.5f) / SAMPLES) / (float)h,
                                      ((float)j + ((float)sj + 0.5f) / SAMPLES) / (float)h, t);
            cov[j * w + i] = (unsigned char)n;
        }
    SDL_Color fg = color_of(rd, rc->color), bg = color_of(rd, LAYOUT_COLOR_PAPER);
    for (int level = 1; level <= LEVELS; level++) {
        int n = 0;
        for (int k = 0; k < w * h; k++)
            if (cov[k] == level)
                pts[n++] = (SDL_Point){x + k % w, y + k / w};
        if (!n)
            continue;
        SDL_Color c = {(Uint8)((fg.r * level + bg.r * (LEVELS - level) + LEVELS / 2) / LEVELS),
                       (Uint8)((fg.g * level + bg.g * (LEVELS - level) + LEVELS / 2) / LEVELS),
                       (Uint8)((fg.b * level + bg.b * (LEVELS - level) + LEVELS / 2) / LEVELS),
                       0xFF};
        set_color(rd->r, c);
        SDL_RenderDrawPoints(rd->r, pts, n);
    }
    free(cov);
    free(pts);
}

/* A neutral box with a simple photo glyph: a sun and two mountains. */
static void
draw_placeholder(SDL_Renderer *r, int x, int y, int w, int h)
{
    set_color(r, render_placeholder_bg);
    fill(r, x, y, w, h);
    int s = (w < h ? w : h) / 3;
    if (s < 6)
        return;
    SDL_Color fg = render_placeholder_fg;
    int cx = x + w / 2, cy = y + h / 2;
    /* mountains: two triangles on a common base */
    SDL_Vertex v[6];
    float base = (float)(cy + s / 2), left = (float)(cx - s), right = (float)(cx + s);
    float pts[6][2] = {{left, base},
                       {(float)(cx - s / 3), (float)(cy - s / 2)},
                       {(float)(cx + s / 3), base},
                       {(float)(cx - s / 3), base},
                       {(float)(cx + s / 2), (float)(cy - s / 4)},
                       {right, base}};
    for (size_t i = 0; i < 6; i++)
        v[i] = (SDL_Vertex){{pts[i][0], pts[i][1]}, fg, {0, 0}};
    SDL_RenderGeometry(r, NULL, v, 6, NULL, 0);
    /* sun: a filled disc drawn row by row */
    set_color(r, fg);
    int rad = s / 5, sx = cx + s / 2, sy = cy - s / 2 - rad / 2;
    for (int dy = -rad; dy <= rad; dy++) {
        int dx = 0;
        while ((dx + 1) * (dx + 1) + dy * dy <= rad * rad)
            dx++;
        fill(r, sx - dx, sy + dy, 2 * dx + 1, 1);
    }
}

/* Draws text in font with its pen origin at (x, y top): with a space before
 * it (after it, right to left: the space is then still on the left), so the
 * surface starts at a known pen position and a glyph that overhangs to the
 * left (an italic "y") has room, and the pen origin lands on x, as text
 * measured its advance. */
static void
draw_text(struct render *rd, TTF_Font *font, const char *text, size_t len, bool rtl, SDL_Color c,
          int x, int y)
{
    char small[256];
    char *buf = len + 2 <= sizeof small ? small : malloc(len + 2);
    if (!buf)
        return;
    buf[0] = ' ';
    memcpy(buf + !rtl, text, len);
    buf[len] = rtl ? ' ' : buf[len];
    buf[len + 1] = 0;
    int space = 0;
    TTF_SizeUTF8(font, " ", &space, NULL);
    SDL_Surface *s = TTF_RenderUTF8_Blended(font, buf, c);
    if (buf != small)
        free(buf);
    if (!s)
        return;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(rd->r, s);
    if (tex) {
        SDL_Rect dst = {x - space, y, s->w, s->h};
        SDL_RenderCopy(rd->r, tex, NULL, &dst);
        SDL_DestroyTexture(tex);
    }
    SDL_FreeSurface(s);
}

/* n characters no font has, as outlined boxes of width w each from x, their
 * foot on the baseline: visible, never blank, and plainly not a letter. */
static void
draw_missing(struct render *rd, int x, int baseline, int ascent, int w, uint32_t n, SDL_Color c)
{
    int h = ascent * 7 / 10;
    if (h < 3)
        h = 3;
    set_color(rd->r, c);
    for (uint32_t i = 0; i < n; i++) {
        SDL_Rect box = {x + (int)i * w + 1, baseline - h, w > 3 ? w - 2 : 1, h};
        SDL_RenderDrawRect(rd->r, &box);
    }
}

#define RENDER_RUN_PIECES 16

/* One run: split by text into pieces of one font and script each (the same
 * split measuring summed), drawn side by side: left to right, or right to
 * left for an RTL run. Each piece's baseline sits on the run's. */
static void
draw_run(struct render *rd, const struct layout_run *run, int x, int y)
{
    if (run->len == 0 || !run->text)
        return;
    bool rtl = run->props.dir == LAYOUT_DIR_RTL;
    SDL_Color color = color_of(rd, run->color);
    struct text_piece small[RENDER_RUN_PIECES];
    size_t n =
        text_itemize(rd->t, run->font, &run->props, run->text, run->len, small, RENDER_RUN_PIECES);
    if (n == 1 && small[0].source == run->font.face) {
        /* one piece on the run's own face: drawn as measured, with its props */
        TTF_Font *font = text_font_for(rd->t, run->font, &run->props, run->text, run->len);
        if (font)
            draw_text(rd, font, run->text, run->len, rtl, color, x, y);
        return;
    }
    struct text_piece *pieces = small;
    if (n > RENDER_RUN_PIECES) {
        pieces = malloc(n * sizeof *pieces);
        if (!pieces)
            return;
        text_itemize(rd->t, run->font, &run->props, run->text, run->len, pieces, n);
    }
    const struct layout_metrics *m = text_metrics(rd->t);
    int ascent = 0, descent = 0, lh = 0;
    m->font_metrics(m->ctx, run->font, &ascent, &descent, &lh);
    /* one piece starts at x either way: its width is not needed */
    bool one = n == 1 && pieces[0].source != TEXT_SOURCE_NONE;
    int total = 0;
    if (rtl && !one)
        for (size_t i = 0; i < n; i++)
            total += text_piece_width(rd->t, run->font, &run->props, run->text, &pieces[i]);
    int pen = rtl ? x + total : x;
    for (size_t i = 0; i < n; i++) {
        const struct text_piece *p = &pieces[i];
        int w = one ? 0 : text_piece_width(rd->t, run->font, &run->props, run->text, p);
        int px = rtl ? pen - w : pen;
        pen = rtl ? pen - w : pen + w;
        if (p->source == TEXT_SOURCE_NONE) {
            draw_missing(rd, px, y + ascent, ascent, text_placeholder_width(rd->t, run->font),
                         p->missing, color);
            continue;
        }
        TTF_Font *font = text_piece_font(rd->t, run->font, &run->props, p);
        if (font)
            draw_text(rd, font, run->text + p->start, p->len, rtl, color, px,
                      y + ascent - TTF_FontAscent(font));
    }
    if (pieces != small)
        free(pieces);
}

/* The size of the current target: the texture, or the renderer's output. */
static void
target_size(SDL_Renderer *r, int *w, int *h)
{
    SDL_Texture *target = SDL_GetRenderTarget(r);
    if (!target || SDL_QueryTexture(target, NULL, NULL, w, h) != 0)
        SDL_GetRendererOutputSize(r, w, h);
}

void
render_page(struct render *rd, const struct layout_page *page, int dx, int dy)
{
    SDL_Renderer *r = rd->r;
    int tw = 0, th = 0;
    target_size(r, &tw, &th);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    set_color(r, color_of(rd, LAYOUT_COLOR_PAPER));
    fill(r, dx, dy, tw, th);

    for (size_t i = 0; i < page->rect_count; i++) {
        const struct layout_rect *rc = &page->rects[i];
        if (rc->shape != LAYOUT_SHAPE_FILL) {
            draw_shape(rd, rc, dx + rc->x, dy + rc->y);
            continue;
        }
        set_color(r, color_of(rd, rc->color));
        fill(r, dx + rc->x, dy + rc->y, rc->w, rc->h);
    }
    for (size_t i = 0; i < page->figure_count; i++) {
        const struct layout_figure *f = &page->figures[i];
        if (f->w <= 0 || f->h <= 0)
            continue;
        bool failed = true;
        SDL_Texture *tex = f->image ? get_photo(rd, f->image, f->w, f->h, &failed) : NULL;
        if (tex && !failed) {
            SDL_Rect dst = {dx + f->x, dy + f->y, f->w, f->h};
            SDL_RenderCopy(r, tex, NULL, &dst);
        } else {
            draw_placeholder(r, dx + f->x, dy + f->y, f->w, f->h);
        }
    }
    if (page->run_count == 0)
        return;
    /* layout placed every run at its visual x, bidi included */
    for (size_t i = 0; i < page->run_count; i++) {
        const struct layout_run *run = &page->runs[i];
        draw_run(rd, run, dx + run->x, dy + run->y);
    }
}

void
render_focus_ring(struct render *rd, int x, int y, int w, int h)
{
    const int ring = 3, m = RENDER_FOCUS_MARGIN;
    SDL_Renderer *r = rd->r;
    int tw = 0, th = 0;
    target_size(r, &tw, &th);
    int x0 = x - m, y0 = y - m, x1 = x + w + m, y1 = y + h + m; /* the frame's outer edge */
    if (x0 < 0)
        x0 = 0;
    if (y0 < 0)
        y0 = 0;
    if (tw > 0 && x1 > tw)
        x1 = tw;
    if (th > 0 && y1 > th)
        y1 = th;
    int fw = x1 - x0, fh = y1 - y0;
    if (fw <= 2 * (ring + 1) || fh <= 2 * (ring + 1))
        return;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    set_color(r, color_of(rd, RENDER_COLOR_FOCUS));
    fill(r, x0, y0, fw, ring);
    fill(r, x0, y1 - ring, fw, ring);
    fill(r, x0, y0 + ring, ring, fh - 2 * ring);
    fill(r, x1 - ring, y0 + ring, ring, fh - 2 * ring);
    /* a paper line inside: the ring never merges with text or a photo */
    set_color(r, color_of(rd, LAYOUT_COLOR_PAPER));
    SDL_Rect inner = {x0 + ring, y0 + ring, fw - 2 * ring, fh - 2 * ring};
    SDL_RenderDrawRect(r, &inner);
}

SDL_Texture *
render_page_texture(struct render *rd, const struct layout_page *page, int w, int h, struct err *e)
{
    struct render_page_tex *slot = NULL;
    for (size_t i = 0; i < RENDER_PAGE_TEXTURES; i++) {
        struct render_page_tex *p = &rd->pages[i];
        if (p->tex && p->page == page && p->w == w && p->h == h) {
            p->last_use = ++rd->clock;
            return p->tex;
        }
        /* an empty slot, else the least recently used */
        if (!slot || (slot->tex && (!p->tex || p->last_use < slot->last_use)))
            slot = p;
    }
    if (slot->tex)
        SDL_DestroyTexture(slot->tex);
    *slot = (struct render_page_tex){0};
    SDL_Texture *tex =
        SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_TARGET, w, h);
    if (!tex) {
        err_set(e, ERR_NOMEM, "render: cannot create a %dx%d page texture: %s", w, h,
                SDL_GetError());
        return NULL;
    }
    SDL_Texture *old = SDL_GetRenderTarget(rd->r);
    if (SDL_SetRenderTarget(rd->r, tex) != 0) {
        err_set(e, ERR_IO, "render: the renderer cannot draw into textures: %s", SDL_GetError());
        SDL_DestroyTexture(tex);
        return NULL;
    }
    render_page(rd, page, 0, 0);
    SDL_SetRenderTarget(rd->r, old);
    *slot =
        (struct render_page_tex){.page = page, .w = w, .h = h, .tex = tex, .last_use = ++rd->clock};
    return tex;
}

void
render_stats(const struct render *rd, struct render_stats *out)
{
    *out =
        (struct render_stats){.image_bytes = rd->image_bytes, .image_budget = current_budget(rd)};
    for (size_t i = 0; i < RENDER_MAX_IMAGES; i++)
        out->images += rd->images[i].path != NULL;
    for (size_t i = 0; i < RENDER_PAGE_TEXTURES; i++)
        out->page_textures += rd->pages[i].tex != NULL;
}

bool
render_save_png(SDL_Renderer *r, int w, int h, const char *path, struct err *e)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s)
        return err_set(e, ERR_NOMEM, "%s: cannot allocate a %dx%d image: %s", path, w, h,
                       SDL_GetError());
    bool ok = true;
    if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch) != 0)
        ok = err_set(e, ERR_IO, "%s: cannot read the screen's pixels: %s", path, SDL_GetError());
    else
        ok = image_write_png(path, s->pixels, (uint32_t)w, (uint32_t)h, (size_t)s->pitch, e);
    SDL_FreeSurface(s);
    return ok;
}
