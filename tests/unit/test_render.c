/* render: a hand-made page drawn by the software renderer on an XRGB8888
 * surface, checked pixel by pixel: paper where nothing is drawn, dark text
 * inside run boxes, the rule's colour, the photo, the placeholder for a
 * missing or corrupt photo; page textures equal direct drawing; PNG output
 * reads back equal; the themes' contrast ratios (WCAG 2.x) for every colour
 * pair drawn, a page in each theme (photos keep their colours), the focus
 * ring. A failing case writes <case>_err.png. */
#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "render.h"

#define W 400
#define H 240

struct canvas {
    SDL_Surface *surface;
    SDL_Renderer *r;
    uint32_t px[W * H]; /* RGB888 read back */
};

static uint32_t
at(const struct canvas *c, int x, int y)
{
    return c->px[y * W + x] & 0xFFFFFF;
}

static void
read_back(struct canvas *c)
{
    SDL_RenderReadPixels(c->r, NULL, SDL_PIXELFORMAT_RGB888, c->px, W * 4);
}

static void
save_err(struct canvas *c, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s_err.png", name);
    render_save_png(c->r, W, H, path, NULL);
    fprintf(stderr, "wrote %s\n", path);
}

static int
luminance(uint32_t p)
{
    return (int)(((p >> 16) & 0xFF) * 3 + ((p >> 8) & 0xFF) * 6 + (p & 0xFF)) / 10;
}

static bool
inside(int x, int y, int bx, int by, int bw, int bh, int slack)
{
    return x >= bx - slack && x < bx + bw + slack && y >= by - slack && y < by + bh + slack;
}

/* Writes a w x h PNG: red with a blue right half. */
static bool
write_photo(const char *path, int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
    if (!s)
        return false;
    SDL_Rect left = {0, 0, w / 2, h}, right = {w / 2, 0, w - w / 2, h};
    SDL_FillRect(s, &left, SDL_MapRGB(s->format, 200, 30, 30));
    SDL_FillRect(s, &right, SDL_MapRGB(s->format, 30, 30, 200));
    bool ok = IMG_SavePNG(s, path) == 0;
    SDL_FreeSurface(s);
    return ok;
}

static void
write_bytes(const char *path, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(bytes, 1, n, f);
        fclose(f);
    }
}

static const struct layout_run_props en = {.script = 0, .dir = LAYOUT_DIR_LTR, .lang = "en"};

/* Every foreground the renderer and the app draw, over every background it
 * is drawn on: layout's text colours on paper (body and headlines, bylines,
 * credits, header, footer and greyed bar buttons, section labels), paper on
 * the accent (the index's out-of-date badge), hairlines and the accent's
 * rules on paper, the focus ring on paper (it is drawn over the page, inside
 * a link's box, with a paper line inside it), the install progress bar. */
enum pair_kind { PAIR_BODY, PAIR_TEXT, PAIR_GRAPHIC, PAIR_DECOR };
static const struct {
    unsigned fg, bg;
    enum pair_kind kind;
    const char *what;
} pairs[] = {
    {LAYOUT_COLOR_TEXT, LAYOUT_COLOR_PAPER, PAIR_BODY, "text/paper (body, headlines, bar)"},
    {LAYOUT_COLOR_MUTED, LAYOUT_COLOR_PAPER, PAIR_TEXT, "muted/paper (byline, footer, greyed)"},
    {LAYOUT_COLOR_ACCENT, LAYOUT_COLOR_PAPER, PAIR_TEXT, "accent/paper (section labels)"},
    {LAYOUT_COLOR_PAPER, LAYOUT_COLOR_ACCENT, PAIR_TEXT, "paper/accent (out-of-date badge)"},
    {RENDER_COLOR_FOCUS, LAYOUT_COLOR_PAPER, PAIR_GRAPHIC, "focus ring/paper"},
    {RENDER_COLOR_PROGRESS, RENDER_COLOR_TRACK, PAIR_GRAPHIC, "progress/track"},
    {LAYOUT_COLOR_ACCENT, LAYOUT_COLOR_PAPER, PAIR_GRAPHIC, "accent rules/paper"},
    {LAYOUT_COLOR_RULE, LAYOUT_COLOR_PAPER, PAIR_DECOR, "hairline rule/paper"},
};

/* The WCAG formula against known figures, then every pair of every theme:
 * text at least 4.5:1 everywhere, 7:1 (AAA) in the contrast themes; the
 * focus ring and the progress bar at least 3:1 (non-text contrast); in the
 * contrast themes the hairlines too. The figures are printed. */
static void
test_contrast(void)
{
    struct render_rgb black = {0, 0, 0}, white = {255, 255, 255}, grey = {0x76, 0x76, 0x76};
    CHECK(render_contrast_ratio(black, white) > 20.99 &&
          render_contrast_ratio(black, white) < 21.01);
    CHECK(render_contrast_ratio(white, black) > 20.99); /* either order */
    CHECK(render_contrast_ratio(grey, grey) > 0.999 && render_contrast_ratio(grey, grey) < 1.001);
    /* #767676 on white is the well-known 4.54:1, the lightest AA grey */
    double g = render_contrast_ratio(grey, white);
    CHECK_MSG(g > 4.53 && g < 4.55, "#767676 on white: %.3f", g);
    struct render_rgb red = {255, 0, 0};
    double rw = render_contrast_ratio(red, white);
    CHECK_MSG(rw > 3.99 && rw < 4.00, "red on white: %.3f", rw); /* 3.998 */

    for (unsigned t = 0; t < RENDER_THEME_COUNT; t++) {
        bool high = t != RENDER_THEME_NORMAL;
        printf("theme %s:\n", render_theme_name((enum render_theme)t));
        for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
            struct render_rgb fg = render_theme_color((enum render_theme)t, pairs[i].fg);
            struct render_rgb bg = render_theme_color((enum render_theme)t, pairs[i].bg);
            double ratio = render_contrast_ratio(fg, bg);
            double need = 0;
            switch (pairs[i].kind) {
            case PAIR_BODY:
                need = high ? 7.0 : 4.5;
                break;
            case PAIR_TEXT:
                need = high ? 7.0 : 4.5;
                break;
            case PAIR_GRAPHIC:
                need = 3.0;
                break;
            case PAIR_DECOR:
                need = high ? 3.0 : 0; /* a newspaper's hairline may be faint */
                break;
            }
            char needs[40] = "decorative: not checked";
            if (need > 0)
                snprintf(needs, sizeof needs, "needs %.1f", need);
            printf("  %-40s #%02X%02X%02X on #%02X%02X%02X %6.2f:1 (%s)\n", pairs[i].what, fg.r,
                   fg.g, fg.b, bg.r, bg.g, bg.b, ratio, needs);
            CHECK_MSG(ratio >= need, "theme %s: %s is %.2f:1, under %.1f:1",
                      render_theme_name((enum render_theme)t), pairs[i].what, ratio, need);
        }
    }
    /* names round-trip; unknown ones are refused */
    for (unsigned t = 0; t < RENDER_THEME_COUNT; t++) {
        enum render_theme back = RENDER_THEME_COUNT;
        CHECK(render_theme_parse(render_theme_name((enum render_theme)t), &back));
        CHECK_INT(back, t);
    }
    enum render_theme none = RENDER_THEME_NORMAL;
    CHECK(!render_theme_parse("dark", &none) && !render_theme_parse(NULL, &none));
    CHECK(render_theme_name(RENDER_THEME_COUNT) == NULL);
}

static uint32_t
rgb_of(enum render_theme t, unsigned slot)
{
    struct render_rgb c = render_theme_color(t, slot);
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

int
main(void)
{
    test_contrast();
    char root[] = "/tmp/nk-test-render-XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    char images[300], good[320], bad[320], large[320];
    snprintf(images, sizeof images, "%s/images", root);
    mkdir(images, 0700);
    snprintf(good, sizeof good, "%s/images/good.png", root);
    snprintf(bad, sizeof bad, "%s/images/bad.png", root);
    CHECK(write_photo(good, 40, 30));
    snprintf(large, sizeof large, "%s/images/large.png", root);
    CHECK(write_photo(large, 1600, 1200));
    write_bytes(bad, "\x89PNG\r\n\x1a\nthis is not a png at all", 32);

    struct text_fonts fonts;
    text_fonts_default(&fonts);
    struct err e = {0};
    struct text *t = text_create(&fonts, &e);
    CHECK_MSG(t != NULL, "%s", e.msg);
    static struct canvas c;
    c.surface = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_RGB888);
    c.r = c.surface ? SDL_CreateSoftwareRenderer(c.surface) : NULL;
    CHECK(c.r != NULL);
    struct render *rd = t && c.r ? render_create(c.r, t, &e) : NULL;
    CHECK(rd != NULL);
    if (!rd)
        return check_summary("render");
    render_set_root(rd, root);

    /* The page: a headline run, a muted run, a hairline, a photo, a missing
     * photo and a corrupt one. */
    const struct layout_metrics *m = text_metrics(t);
    struct layout_font head = {LAYOUT_FACE_SERIF_BOLD, 28}, body = {LAYOUT_FACE_SANS, 14};
    const char *h1 = "Harbour Ferry Returns", *b1 = "by the kiosk desk";
    int asc, desc, lh_head, lh_body;
    m->font_metrics(m->ctx, head, &asc, &desc, &lh_head);
    m->font_metrics(m->ctx, body, &asc, &desc, &lh_body);
    struct layout_run runs[2] = {
        {.x = 20,
         .y = 16,
         .w = m->measure(m->ctx, head, &en, h1, strlen(h1)),
         .h = lh_head,
         .font = head,
         .role = LAYOUT_ROLE_HEADLINE,
         .color = LAYOUT_COLOR_TEXT,
         .props = en,
         .text = h1,
         .len = (uint32_t)strlen(h1)},
        {.x = 20,
         .y = 60,
         .w = m->measure(m->ctx, body, &en, b1, strlen(b1)),
         .h = lh_body,
         .font = body,
         .role = LAYOUT_ROLE_BYLINE,
         .color = LAYOUT_COLOR_MUTED,
         .props = en,
         .text = b1,
         .len = (uint32_t)strlen(b1)},
    };
    struct layout_line lines[2] = {
        {.x = 20,
         .y = 16,
         .w = runs[0].w,
         .h = runs[0].h,
         .role = LAYOUT_ROLE_HEADLINE,
         .text = h1,
         .first_run = 0,
         .run_count = 1,
         .block = -1},
        {.x = 20,
         .y = 60,
         .w = runs[1].w,
         .h = runs[1].h,
         .role = LAYOUT_ROLE_BYLINE,
         .text = b1,
         .first_run = 1,
         .run_count = 1,
         .block = -1},
    };
    struct layout_rect rects[1] = {
        {.x = 20, .y = 90, .w = 360, .h = 1, .color = LAYOUT_COLOR_RULE}};
    struct layout_figure figs[3] = {
        {.x = 20,
         .y = 110,
         .w = 80,
         .h = 60,
         .image = "images/good.png",
         .caption = "",
         .credit = "",
         .block = -1},
        {.x = 140,
         .y = 110,
         .w = 80,
         .h = 60,
         .image = "images/missing.png",
         .caption = "",
         .credit = "",
         .block = -1},
        {.x = 260,
         .y = 110,
         .w = 80,
         .h = 60,
         .image = "images/bad.png",
         .caption = "",
         .credit = "",
         .block = -1},
    };
    struct layout_page page = {.kind = LAYOUT_PAGE_ARTICLE,
                               .article = 0,
                               .number = 1,
                               .of = 1,
                               .lines = lines,
                               .line_count = 2,
                               .runs = runs,
                               .run_count = 2,
                               .figures = figs,
                               .figure_count = 3,
                               .rects = rects,
                               .rect_count = 1};

    render_page(rd, &page, 0, 0);
    read_back(&c);
    int failed_before = check_failed;
    const uint32_t paper = 0xFBFAF6, rule = 0xCCCCCC;
    CHECK_INT(at(&c, 0, 0), paper);
    CHECK_INT(at(&c, W - 1, H - 1), paper);
    CHECK_INT(at(&c, 200, 90), rule);

    /* Dark pixels inside each run's box; the muted run is grey, not black. */
    for (size_t i = 0; i < 2; i++) {
        int dark = 0, darkest = 255;
        for (int y = runs[i].y; y < runs[i].y + runs[i].h; y++)
            for (int x = runs[i].x; x < runs[i].x + runs[i].w; x++) {
                int l = luminance(at(&c, x, y));
                dark += l < 128;
                darkest = l < darkest ? l : darkest;
            }
        CHECK_MSG(dark > runs[i].w / 2, "run %zu: only %d dark pixels", i, dark);
        if (i == 0)
            CHECK(darkest < 0x30);
        else
            CHECK(darkest >= 0x60 && darkest < 0x80);
    }
    /* Nothing outside the drawn boxes (1 px slack for anti-aliasing). */
    int stray = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            bool in = inside(x, y, rects[0].x, rects[0].y, rects[0].w, rects[0].h, 0);
            for (size_t i = 0; i < 2; i++)
                in |= inside(x, y, runs[i].x, runs[i].y, runs[i].w, runs[i].h, 1);
            for (size_t i = 0; i < 3; i++)
                in |= inside(x, y, figs[i].x, figs[i].y, figs[i].w, figs[i].h, 0);
            stray += !in && at(&c, x, y) != paper;
        }
    CHECK_INT(stray, 0);

    /* The photo fills its box: red on the left, blue on the right. */
    uint32_t l = at(&c, 30, 140), r = at(&c, 90, 140);
    CHECK_MSG(((l >> 16) & 0xFF) > 150 && (l & 0xFF) < 80, "left of photo is %06x", l);
    CHECK_MSG((r & 0xFF) > 150 && ((r >> 16) & 0xFF) < 80, "right of photo is %06x", r);
    /* Missing and corrupt photos: the grey placeholder box with its glyph. */
    for (size_t i = 1; i < 3; i++) {
        uint32_t corner = at(&c, figs[i].x + 2, figs[i].y + 2);
        CHECK_MSG(corner == 0xDDDBD5, "placeholder %zu corner is %06x", i, corner);
        int glyph = 0;
        for (int y = figs[i].y; y < figs[i].y + figs[i].h; y++)
            for (int x = figs[i].x; x < figs[i].x + figs[i].w; x++)
                glyph += at(&c, x, y) == 0xA8A59E;
        CHECK_MSG(glyph > 50, "placeholder %zu glyph has %d pixels", i, glyph);
    }
    if (check_failed != failed_before)
        save_err(&c, "render_page");

    /* A page texture copied to the screen equals drawing directly, and the
     * second request is the cached texture. */
    static uint32_t direct[W * H];
    memcpy(direct, c.px, sizeof direct);
    SDL_SetRenderDrawColor(c.r, 0, 0, 0, 255);
    SDL_RenderClear(c.r);
    SDL_Texture *tex = render_page_texture(rd, &page, W, H, &e);
    CHECK_MSG(tex != NULL, "%s", e.msg);
    CHECK(render_page_texture(rd, &page, W, H, &e) == tex);
    if (tex) {
        SDL_RenderCopy(c.r, tex, NULL, NULL);
        read_back(&c);
        int diff = 0;
        for (size_t i = 0; i < W * H; i++)
            diff += (c.px[i] & 0xFFFFFF) != (direct[i] & 0xFFFFFF);
        CHECK_INT(diff, 0);
        if (diff)
            save_err(&c, "render_page_texture");
    }
    /* Drawing at an offset moves everything and leaves the rest alone. */
    SDL_SetRenderDrawColor(c.r, 0, 0, 0, 255);
    SDL_RenderClear(c.r);
    render_page(rd, &page, 10, 5);
    read_back(&c);
    CHECK_INT(at(&c, 210, 95), rule);
    CHECK_INT(at(&c, 5, 2), 0); /* left of and above the page: untouched */
    CHECK_INT(at(&c, 10, 5), paper);

    /* PNG output reads back pixel for pixel. */
    render_page(rd, &page, 0, 0);
    read_back(&c);
    char png[320];
    snprintf(png, sizeof png, "%s/page.png", root);
    CHECK(render_save_png(c.r, W, H, png, &e));
    SDL_Surface *back = IMG_Load(png);
    CHECK(back != NULL);
    if (back) {
        SDL_Surface *conv = SDL_ConvertSurfaceFormat(back, SDL_PIXELFORMAT_RGB888, 0);
        CHECK(conv && conv->w == W && conv->h == H);
        int diff = 0;
        for (int y = 0; conv && y < H; y++)
            for (int x = 0; x < W; x++) {
                uint32_t p = ((uint32_t *)((char *)conv->pixels + y * conv->pitch))[x];
                diff += (p & 0xFFFFFF) != at(&c, x, y);
            }
        CHECK_INT(diff, 0);
        SDL_FreeSurface(conv);
        SDL_FreeSurface(back);
    }
    /* Writing into a folder that does not exist fails with the path. */
    CHECK(!render_save_png(c.r, W, H, "/nonexistent-dir/x.png", &e));
    CHECK_CONTAINS(e.msg, "/nonexistent-dir/x.png");

    /* A path leaving the root is not read: placeholder. */
    figs[0].image = "../escape.png";
    render_forget_pages(rd);
    render_page(rd, &page, 0, 0);
    read_back(&c);
    CHECK_INT(at(&c, figs[0].x + 2, figs[0].y + 2), 0xDDDBD5);
    figs[0].image = "images/good.png";

    /* The bar's icons, drawn as shapes: the theme's circle dark on its left
     * half, paper inside its right half, its ring dark on the right; the
     * speaker's box and cone dark, paper between the cone and the first
     * wave, the waves dark further right; nothing outside their boxes. */
    {
        struct layout_rect icons[2] = {{.x = 300,
                                        .y = 20,
                                        .w = 24,
                                        .h = 24,
                                        .color = LAYOUT_COLOR_TEXT,
                                        .shape = LAYOUT_SHAPE_THEME},
                                       {.x = 340,
                                        .y = 20,
                                        .w = 29,
                                        .h = 24,
                                        .color = LAYOUT_COLOR_TEXT,
                                        .shape = LAYOUT_SHAPE_SPEAKER}};
        struct layout_page ip = {.kind = LAYOUT_PAGE_ARTICLE, .rects = icons, .rect_count = 2};
        render_page(rd, &ip, 0, 0);
        read_back(&c);
        int before = check_failed;
        CHECK(luminance(at(&c, 305, 32)) < 0x40); /* left half filled */
        CHECK_INT(at(&c, 317, 32), paper);        /* right half open */
        CHECK(luminance(at(&c, 322, 32)) < 0x80); /* its ring */
        CHECK(luminance(at(&c, 343, 32)) < 0x40); /* the speaker's box */
        CHECK(luminance(at(&c, 350, 24)) < 0x80); /* the cone's wide end */
        CHECK_INT(at(&c, 353, 32), paper);        /* before the first wave */
        int wave = 0, stray_px = 0;
        for (int y = 20; y < 44; y++)
            for (int x = 358; x < 369; x++)
                wave += luminance(at(&c, x, y)) < 0x80;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                stray_px += !inside(x, y, 300, 20, 24, 24, 0) &&
                            !inside(x, y, 340, 20, 29, 24, 0) && at(&c, x, y) != paper;
        CHECK_MSG(wave > 12, "the speaker's waves: %d dark pixels", wave);
        CHECK_INT(stray_px, 0);
        if (check_failed != before)
            save_err(&c, "icons");
    }

    /* The page in each theme: the theme's paper and rule, text in the
     * theme's text colour (light on the dark theme), the photo in its own
     * colours; a theme change forgets the page textures (drawn again). */
    for (unsigned ti = 0; ti < RENDER_THEME_COUNT; ti++) {
        enum render_theme th = (enum render_theme)ti;
        CHECK(render_page_texture(rd, &page, W, H, &e) != NULL);
        render_set_theme(rd, th);
        CHECK_INT(render_get_theme(rd), th);
        struct render_stats st;
        render_stats(rd, &st);
        CHECK_INT(st.page_textures, ti == RENDER_THEME_NORMAL ? 1 : 0);
        SDL_Texture *pt = render_page_texture(rd, &page, W, H, &e);
        CHECK(pt != NULL);
        SDL_RenderCopy(c.r, pt, NULL, NULL);
        read_back(&c);
        int before = check_failed;
        uint32_t tp = rgb_of(th, LAYOUT_COLOR_PAPER), ttext = rgb_of(th, LAYOUT_COLOR_TEXT);
        CHECK_INT(at(&c, 0, 0), tp);
        CHECK_INT(at(&c, 200, 90), rgb_of(th, LAYOUT_COLOR_RULE));
        int exact = 0;
        for (int y = runs[0].y; y < runs[0].y + runs[0].h; y++)
            for (int x = runs[0].x; x < runs[0].x + runs[0].w; x++)
                exact += at(&c, x, y) == ttext;
        CHECK_MSG(exact > 100, "theme %s: %d headline pixels in #%06X", render_theme_name(th),
                  exact, ttext);
        uint32_t pl = at(&c, 30, 140), pr = at(&c, 90, 140);
        CHECK_MSG(((pl >> 16) & 0xFF) > 150 && (pl & 0xFF) < 80, "theme %s: photo left %06x",
                  render_theme_name(th), pl);
        CHECK_MSG((pr & 0xFF) > 150 && ((pr >> 16) & 0xFF) < 80, "theme %s: photo right %06x",
                  render_theme_name(th), pr);
        /* the focus ring: over the page, around the box (never over what
         * it holds), in the focus colour, a paper line inside; clamped to
         * the screen at its edge */
        static uint32_t unringed[W * H];
        memcpy(unringed, c.px, sizeof unringed);
        render_focus_ring(rd, 10, 10, 200, 50);
        render_focus_ring(rd, 300, H - 40, 80, 40); /* a bar button at the foot */
        read_back(&c);
        uint32_t ring = rgb_of(th, RENDER_COLOR_FOCUS);
        const int fm = RENDER_FOCUS_MARGIN;
        CHECK_INT(at(&c, 10 - fm, 10 - fm), ring);
        CHECK_INT(at(&c, 10 - fm + 2, 30), ring);
        CHECK_INT(at(&c, 210 + fm - 1, 60 + fm - 1), ring);
        CHECK_INT(at(&c, 100, 10 - fm + 3), tp);         /* the paper line inside */
        CHECK_INT(at(&c, 10 - fm - 1, 10 - fm - 1), tp); /* nothing outside */
        int covered = 0;
        for (int y = 10; y < 60; y++)
            for (int x = 10; x < 210; x++)
                covered += (c.px[y * W + x] & 0xFFFFFF) != (unringed[y * W + x] & 0xFFFFFF);
        CHECK_INT(covered, 0);               /* the headline inside the box untouched */
        CHECK_INT(at(&c, 340, H - 1), ring); /* moved inside at the foot */
        CHECK_INT(at(&c, 300 - fm, H - 20), ring);
        render_stats(rd, &st);
        CHECK_INT(st.page_textures, 1); /* the ring is not a page: none added */
        if (check_failed != before) {
            char name[64];
            snprintf(name, sizeof name, "render_theme_%s", render_theme_name(th));
            save_err(&c, name);
        }
    }
    render_set_theme(rd, RENDER_THEME_NORMAL);

    /* The photo cache stays within its budget: a 1600x1200 photo at ten
     * sizes (30-410 KB of texture each, 1.9 MB in all against the 1 MB
     * budget) evicts the oldest, and each is still drawn right. Page textures
     * are bounded too. */
    {
        struct layout_page pp = {.kind = LAYOUT_PAGE_ARTICLE};
        struct layout_figure big;
        struct render_stats st;
        for (int k = 0; k < 10; k++) {
            int side = 100 + 30 * k;
            big = (struct layout_figure){.x = 0,
                                         .y = 0,
                                         .w = side,
                                         .h = side * 3 / 4,
                                         .image = "images/large.png",
                                         .caption = "",
                                         .credit = "",
                                         .block = -1};
            pp.figures = &big;
            pp.figure_count = 1;
            render_page(rd, &pp, 0, 0);
            read_back(&c);
            uint32_t px = at(&c, side / 4, side / 4); /* in the red left half */
            CHECK_MSG(((px >> 16) & 0xFF) > 150 && (px & 0xFF) < 80, "size %d: %06x", side, px);
            render_stats(rd, &st);
            CHECK_INT(st.image_budget, RENDER_IMAGE_BUDGET); /* 400x240: the floor */
            CHECK_MSG(st.image_bytes <= RENDER_IMAGE_BUDGET, "%zu bytes cached", st.image_bytes);
        }
        CHECK_MSG(st.images >= 3 && st.images < 10, "%zu photos cached", st.images);
        CHECK(st.image_bytes > RENDER_IMAGE_BUDGET / 2);
        /* The budget grows with the screen: half its pixel bytes. */
        CHECK_INT(render_image_budget(800, 480), RENDER_IMAGE_BUDGET);
        CHECK_INT(render_image_budget(1920, 1080), 1920 * 1080 * 2);
        CHECK_INT(render_image_budget(0, 0), RENDER_IMAGE_BUDGET);
        struct layout_page many[RENDER_PAGE_TEXTURES + 2];
        for (size_t i = 0; i < RENDER_PAGE_TEXTURES + 2; i++) {
            many[i] = page;
            CHECK(render_page_texture(rd, &many[i], W, H, &e) != NULL);
        }
        render_stats(rd, &st);
        CHECK_INT(st.page_textures, RENDER_PAGE_TEXTURES);
        /* Forgetting one article's pages (many[3..4]) keeps the others'. */
        SDL_Texture *kept = render_page_texture(rd, &many[2], W, H, &e);
        struct layout_pages evicted = {.pages = &many[3], .count = 2};
        render_forget_pages_of(rd, &evicted);
        render_stats(rd, &st);
        CHECK_INT(st.page_textures, 1);
        CHECK(kept != NULL && render_page_texture(rd, &many[2], W, H, &e) == kept);
        render_forget_pages(rd);
        render_stats(rd, &st);
        CHECK_INT(st.page_textures, 0);
    }

    /* Bidi is layout's: runs LTR "on", RTL "i", RTL "MMMM", LTR "x" in
     * logical order, placed by layout at their visual x (on, MMMM, i, x),
     * are drawn where they are placed, none moved. */
    {
        struct layout_font bf = {LAYOUT_FACE_SANS, 24};
        struct layout_run_props rtl = {.script = 0, .dir = LAYOUT_DIR_RTL, .lang = "he"};
        const char *txt[4] = {"on", "i", "MMMM", "x"};
        static const size_t visual[4] = {0, 2, 1, 3};
        struct layout_run br[4];
        int gap = 14, x = 20;
        for (size_t v = 0; v < 4; v++) {
            size_t i = visual[v];
            const struct layout_run_props *pr = i == 1 || i == 2 ? &rtl : &en;
            int w = m->measure(m->ctx, bf, pr, txt[i], strlen(txt[i]));
            br[i] = (struct layout_run){.x = x,
                                        .y = 100,
                                        .w = w,
                                        .h = 34,
                                        .font = bf,
                                        .role = LAYOUT_ROLE_BODY,
                                        .color = LAYOUT_COLOR_TEXT,
                                        .props = *pr,
                                        .text = txt[i],
                                        .len = (uint32_t)strlen(txt[i])};
            x += w + gap;
        }
        struct layout_line bl = {.x = 20,
                                 .y = 100,
                                 .w = x - gap - 20,
                                 .h = 34,
                                 .role = LAYOUT_ROLE_BODY,
                                 .dir = LAYOUT_DIR_LTR,
                                 .text = "on i MMMM x",
                                 .first_run = 0,
                                 .run_count = 4,
                                 .block = -1};
        struct layout_page bp = {
            .kind = LAYOUT_PAGE_ARTICLE, .lines = &bl, .line_count = 1, .runs = br, .run_count = 4};
        render_page(rd, &bp, 0, 0);
        read_back(&c);
        /* ink in columns [a, b) of the line */
        int ink_m = 0, ink_gap_after_m = 0;
        for (int col = br[2].x; col < br[2].x + br[2].w; col++)
            for (int y = 100; y < 134; y++)
                ink_m += luminance(at(&c, col, y)) < 128;
        for (int col = br[2].x + br[2].w + 3; col < br[1].x - 3; col++)
            for (int y = 100; y < 134; y++)
                ink_gap_after_m += luminance(at(&c, col, y)) < 128;
        CHECK_MSG(ink_m > 10, "MMMM not drawn at its x: %d", ink_m);
        CHECK_INT(ink_gap_after_m, 0);
        if (ink_m <= 10 || ink_gap_after_m)
            save_err(&c, "render_bidi");
    }

    /* World scripts: an Arabic run (right to left), a run of Latin, Arabic
     * and Han (three fonts) and a run with a character no font has. Each is
     * inked across the width text measured and not beyond it (measure and
     * draw agree), each piece of the mixed run where its width puts it, and
     * the missing character is an outlined box, not a blank. */
    {
        struct layout_run_props ar = {.script = 0, .dir = LAYOUT_DIR_RTL, .lang = "ar"};
        struct layout_font wf = {LAYOUT_FACE_SERIF, 28}, sf = {LAYOUT_FACE_SANS, 24};
        const char *txt[3] = {"\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8",
                              "News \xd8\xae\xd8\xa8\xd8\xb1 \xe6\x96\xb0\xe9\x97\xbb",
                              "A\xf4\x8f\xbf\xbd"
                              "B"};
        const struct layout_run_props *pr[3] = {&ar, &en, &en};
        struct layout_font fo[3] = {wf, sf, wf};
        struct layout_run wr[3];
        struct layout_line wl[3];
        for (size_t i = 0; i < 3; i++) {
            int asc_i, desc_i, lh_i;
            m->font_metrics(m->ctx, fo[i], &asc_i, &desc_i, &lh_i);
            int y = 20 + 70 * (int)i;
            wr[i] =
                (struct layout_run){.x = 30,
                                    .y = y,
                                    .w = m->measure(m->ctx, fo[i], pr[i], txt[i], strlen(txt[i])),
                                    .h = lh_i,
                                    .font = fo[i],
                                    .role = LAYOUT_ROLE_BODY,
                                    .color = LAYOUT_COLOR_TEXT,
                                    .props = *pr[i],
                                    .text = txt[i],
                                    .len = (uint32_t)strlen(txt[i])};
            wl[i] = (struct layout_line){.x = 30,
                                         .y = y,
                                         .w = wr[i].w,
                                         .h = lh_i,
                                         .role = LAYOUT_ROLE_BODY,
                                         .dir = pr[i]->dir,
                                         .text = txt[i],
                                         .first_run = (uint32_t)i,
                                         .run_count = 1,
                                         .block = -1};
        }
        struct layout_page wp = {
            .kind = LAYOUT_PAGE_ARTICLE, .lines = wl, .line_count = 3, .runs = wr, .run_count = 3};
        render_page(rd, &wp, 0, 0);
        read_back(&c);
        int before = check_failed;
        for (size_t i = 0; i < 3; i++) {
            int lo = W, hi = -1, dark = 0;
            for (int y = wr[i].y - 12; y < wr[i].y + wr[i].h + 12; y++)
                for (int x = 0; x < W; x++)
                    if (luminance(at(&c, x, y)) < 128) {
                        lo = x < lo ? x : lo;
                        hi = x > hi ? x : hi;
                        dark++;
                    }
            CHECK_MSG(dark > wr[i].w / 2, "world run %zu: %d dark pixels", i, dark);
            CHECK_MSG(lo >= wr[i].x - 3 && lo <= wr[i].x + 4, "world run %zu: ink from %d, run %d",
                      i, lo, wr[i].x);
            CHECK_MSG(hi <= wr[i].x + wr[i].w + 3 && hi >= wr[i].x + wr[i].w - 5,
                      "world run %zu: ink to %d, run ends %d", i, hi, wr[i].x + wr[i].w);
        }
        /* the mixed run: ink in each piece's span */
        struct text_piece pc[4];
        size_t n = text_itemize(t, sf, &en, txt[1], strlen(txt[1]), pc, 4);
        CHECK_INT(n, 3);
        int x0 = wr[1].x;
        for (size_t k = 0; k < n && k < 4; k++) {
            int pw = text_piece_width(t, sf, &en, txt[1], &pc[k]), ink = 0;
            for (int x = x0 + 2; x < x0 + pw - 2; x++)
                for (int y = wr[1].y; y < wr[1].y + wr[1].h; y++)
                    ink += luminance(at(&c, x, y)) < 128;
            CHECK_MSG(ink > pw / 2, "piece %zu: %d dark pixels in %d px", k, ink, pw);
            x0 += pw;
        }
        /* the placeholder: an outlined box between "A" and "B" */
        int wa = m->measure(m->ctx, wf, &en, "A", 1), zero = text_placeholder_width(t, wf);
        int bx = wr[2].x + wa, edge_rows = 0, hollow = 0;
        for (int y = wr[2].y; y < wr[2].y + wr[2].h; y++) {
            bool left = false, right = false;
            for (int x = bx; x < bx + 3; x++)
                left |= luminance(at(&c, x, y)) < 128;
            for (int x = bx + zero - 3; x < bx + zero; x++)
                right |= luminance(at(&c, x, y)) < 128;
            edge_rows += left && right;
            hollow += left && right && luminance(at(&c, bx + zero / 2, y)) > 200;
        }
        CHECK_MSG(edge_rows >= 8, "placeholder: %d rows with both edges", edge_rows);
        CHECK_MSG(hollow >= 6, "placeholder: %d hollow rows", hollow);
        if (check_failed != before)
            save_err(&c, "render_world");
    }

    render_destroy(rd);
    render_destroy(NULL);
    SDL_DestroyRenderer(c.r);
    SDL_FreeSurface(c.surface);
    text_destroy(t);
    unlink(good);
    unlink(large);
    unlink(bad);
    unlink(png);
    rmdir(images);
    rmdir(root);
    return check_summary("render");
}
