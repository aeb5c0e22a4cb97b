/* bench_pango: the reference for the whole-process row of scripts/bench. One
 * Pango process (PangoCairo's font map, as pango-view uses) lays out every
 * article's plain text from scripts/gen-edition's plain/ folder, one layout
 * an article as newskiosk sets them: justified, word wrap, the given font,
 * pixel size and width, language en. Like `newskiosk --dump-layout`, it then
 * writes every line (position, width, text) to OUT, so both sides read their
 * input, lay out, and write what they set. It draws nothing.
 *   bench_pango PLAIN_DIR --font FAMILY --px N --width PX --out FILE|-
 * Exit codes: 0 done, 1 a file could not be read or written, 2 usage error. */
#include <dirent.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
usage(const char *msg)
{
    fprintf(stderr,
            "bench_pango: %s\n"
            "usage: bench_pango PLAIN_DIR --font FAMILY --px N --width PX --out FILE|-\n",
            msg);
    return 2;
}

static int
select_txt(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 4 && d->d_name[0] != '.' && strcmp(d->d_name + n - 4, ".txt") == 0;
}

/* The whole file in a g_malloc'd buffer; NULL (message printed) on failure. */
static char *
read_text(const char *dir, const char *name, gsize *len)
{
    char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, len, &err)) {
        fprintf(stderr, "bench_pango: %s\n", err->message);
        g_error_free(err);
    }
    g_free(path);
    return text;
}

/* Lays out one article and writes its lines; the number of lines. */
static int
set_article(PangoContext *ctx, const PangoFontDescription *font, int width, const char *text,
            int len, FILE *out)
{
    PangoLayout *layout = pango_layout_new(ctx);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, width * PANGO_SCALE);
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    pango_layout_set_justify(layout, TRUE);
    pango_layout_set_text(layout, text, len);
    int lines = 0;
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        fprintf(out, "%d %d %d %.*s\n", PANGO_PIXELS(logical.x), PANGO_PIXELS(logical.y),
                PANGO_PIXELS(logical.width), line->length, text + line->start_index);
        lines++;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
    return lines;
}

int
main(int argc, char **argv)
{
    const char *dir = NULL, *family = NULL, *out_path = NULL;
    int px = 0, width = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' && !dir) {
            dir = a;
            continue;
        }
        if (i + 1 >= argc)
            return usage("an option without its value");
        const char *v = argv[++i];
        if (strcmp(a, "--font") == 0)
            family = v;
        else if (strcmp(a, "--px") == 0)
            px = atoi(v);
        else if (strcmp(a, "--width") == 0)
            width = atoi(v);
        else if (strcmp(a, "--out") == 0)
            out_path = v;
        else
            return usage("unknown option");
    }
    if (!dir || !family || !out_path || px < 4 || px > 400 || width < 50 || width > 10000)
        return usage("PLAIN_DIR, --font, --px (4-400), --width (50-10000) and --out are needed");

    struct dirent **names;
    int count = scandir(dir, &names, select_txt, alphasort);
    if (count < 0) {
        fprintf(stderr, "bench_pango: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    FILE *out = strcmp(out_path, "-") == 0 ? stdout : fopen(out_path, "w");
    if (!out) {
        fprintf(stderr, "bench_pango: %s: %s\n", out_path, strerror(errno));
        return 1;
    }
    PangoFontMap *map = pango_cairo_font_map_get_default();
    PangoContext *ctx = pango_font_map_create_context(map);
    pango_context_set_language(ctx, pango_language_from_string("en"));
    PangoFontDescription *font = pango_font_description_new();
    pango_font_description_set_family(font, family);
    pango_font_description_set_absolute_size(font, px * PANGO_SCALE);

    int rc = 0;
    long lines = 0;
    for (int i = 0; i < count; i++) {
        gsize len = 0;
        char *text = rc ? NULL : read_text(dir, names[i]->d_name, &len);
        if (text && len < (gsize)1 << 30)
            lines += set_article(ctx, font, width, text, (int)len, out);
        else if (!rc)
            rc = 1;
        g_free(text);
        free(names[i]);
    }
    free(names);
    pango_font_description_free(font);
    g_object_unref(ctx);
    if (out == stdout ? fflush(out) != 0 : fclose(out) != 0) {
        fprintf(stderr, "bench_pango: %s: %s\n", out_path, strerror(errno));
        rc = 1;
    }
    if (rc == 0)
        fprintf(stderr, "bench_pango: %d articles, %ld lines\n", count, lines);
    return rc;
}
