/* bench_fonts: what each font of the fallback chain costs in memory once in
 * use. Starts a text (the six faces), sets an English sample in them, then
 * one script at a time sets a sample in serif, serif bold and sans at the
 * body size: measured (HarfBuzz shaping, the chain font opened from its
 * mapping) and drawn to a surface (FreeType glyphs and SDL2_ttf's caches),
 * as a page of that script would. Reads the resident set from
 * /proc/self/smaps_rollup before and after each. Prints `key=value` lines
 * for scripts/bench:
 *   base_kb          resident after the English sample (the kiosk's fonts before this work)
 *   font_<name>_kb   growth when that script's fonts come into use; _anon_kb the part
 *                    that is heap (the rest: pages of the mapped font files read)
 *   all_kb           resident with every chain font in use; hwm_kb the peak (VmHWM)
 *   mapped_kb        size of every font file mapped (address space, not all resident)
 *   bench_fonts [--px N]
 * Exit codes: 0 done, 1 the fonts failed, 2 usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct sample {
    const char *name, *lang, *text;
    bool rtl;
};

/* Short original sentences, one a script (a library opened new reading rooms). */
static const struct sample samples[] = {
    {"arabic", "ar",
     "\xd8\xa7\xd9\x81\xd8\xaa\xd8\xaa\xd8\xad\xd8\xaa \xd8\xa7\xd9\x84\xd9\x85\xd9\x83\xd8\xaa"
     "\xd8\xa8\xd8\xa9 \xd9\x82\xd8\xa7\xd8\xb9\xd8\xa9 \xd8\xac\xd8\xaf\xd9\x8a\xd8\xaf\xd8\xa9 "
     "\xd9\x84\xd9\x84\xd9\x82\xd8\xb1\xd8\xa7\xd8\xa1\xd8\xa9",
     true},
    {"hebrew", "he",
     "\xd7\x94\xd7\xa1\xd7\xa4\xd7\xa8\xd7\x99\xd7\x99\xd7\x94 \xd7\xa0\xd7\xa4\xd7\xaa\xd7\x97"
     "\xd7\x94 \xd7\x9e\xd7\x97\xd7\x93\xd7\xa9",
     true},
    {"devanagari", "hi",
     "\xe0\xa4\xaa\xe0\xa5\x81\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa4\x95\xe0\xa4\xbe\xe0"
     "\xa4\xb2\xe0\xa4\xaf \xe0\xa4\xae\xe0\xa5\x87\xe0\xa4\x82 \xe0\xa4\xa8\xe0\xa4\x88 \xe0\xa4"
     "\x95\xe0\xa4\xbf\xe0\xa4\xa4\xe0\xa4\xbe\xe0\xa4\xac\xe0\xa5\x87\xe0\xa4\x82",
     false},
    {"bengali", "bn",
     "\xe0\xa6\x97\xe0\xa7\x8d\xe0\xa6\xb0\xe0\xa6\xa8\xe0\xa7\x8d\xe0\xa6\xa5\xe0\xa6\xbe\xe0"
     "\xa6\x97\xe0\xa6\xbe\xe0\xa6\xb0\xe0\xa7\x87 \xe0\xa6\xa8\xe0\xa6\xa4\xe0\xa7\x81\xe0\xa6"
     "\xa8 \xe0\xa6\xac\xe0\xa6\x87",
     false},
    {"ethiopic", "am",
     "\xe1\x8b\xa8\xe1\x8a\xa8\xe1\x89\xb0\xe1\x88\x9b\xe1\x8b\x8d \xe1\x89\xa4\xe1\x89\xb0 "
     "\xe1\x88\x98\xe1\x8c\xbb\xe1\x88\x95\xe1\x8d\x8d\xe1\x89\xb5",
     false},
    {"thai", "th",
     "\xe0\xb8\xab\xe0\xb9\x89\xe0\xb8\xad\xe0\xb8\x87\xe0\xb8\xaa\xe0\xb8\xa1\xe0\xb8\xb8\xe0"
     "\xb8\x94\xe0\xb9\x80\xe0\xb8\x9b\xe0\xb8\xb4\xe0\xb8\x94\xe0\xb9\x83\xe0\xb8\xab\xe0\xb8"
     "\xa1\xe0\xb9\x88",
     false},
    {"cjk", "zh",
     "\xe5\xb8\x82\xe5\x9b\xbe\xe4\xb9\xa6\xe9\xa6\x86\xe4\xbb\x8a\xe5\xa4\xa9\xe8\xbf\x8e\xe6"
     "\x9d\xa5\xe4\xb8\x80\xe6\x89\xb9\xe6\x96\xb0\xe4\xb9\xa6\xe3\x80\x82\xe5\xad\xa9\xe5\xad"
     "\x90\xe4\xbb\xac\xe5\x9d\x90\xe5\x9c\xa8\xe7\xaa\x97\xe8\xbe\xb9\xe5\xae\x89\xe9\x9d\x99"
     "\xe5\x9c\xb0\xe9\x98\x85\xe8\xaf\xbb",
     false},
    {"symbols", "en", "\xe2\x98\x82 \xe2\x9c\x88 \xe2\x99\xa0 \xf0\x9f\x9c\x81", false},
};

/* A field of /proc/self/smaps_rollup or /proc/self/status in kB; -1 if absent. */
static long
proc_kb(const char *file, const char *field)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            kb = strtol(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

static long
rss_kb(void)
{
    return proc_kb("/proc/self/smaps_rollup", "Rss");
}

/* Measures and draws s in face at px, piece by piece as render does. */
static void
set_sample(struct text *t, uint8_t face, int px, const char *lang, bool rtl, const char *s)
{
    struct layout_font f = {face, (uint16_t)px};
    struct layout_run_props props = {
        .script = 0, .dir = rtl ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR, .lang = lang};
    const struct layout_metrics *m = text_metrics(t);
    size_t len = strlen(s);
    if (m->measure(m->ctx, f, &props, s, len) <= 0)
        fprintf(stderr, "bench_fonts: %s measured 0 px\n", lang);
    struct text_piece p[16];
    size_t n = text_itemize(t, f, &props, s, len, p, 16);
    SDL_Color black = {0, 0, 0, 255};
    for (size_t i = 0; i < n && i < 16; i++) {
        if (p[i].source == TEXT_SOURCE_NONE)
            continue;
        TTF_Font *font = text_piece_font(t, f, &props, &p[i]);
        char buf[512];
        if (!font || p[i].len >= sizeof buf)
            continue;
        memcpy(buf, s + p[i].start, p[i].len);
        buf[p[i].len] = 0;
        SDL_Surface *surf = TTF_RenderUTF8_Blended(font, buf, black);
        SDL_FreeSurface(surf);
    }
}

int
main(int argc, char **argv)
{
    int px = 20;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--px") == 0 && i + 1 < argc) {
            px = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_fonts [--px N]\n");
            return 2;
        }
    }
    if (px < 6 || px > 200) {
        fprintf(stderr, "bench_fonts: --px must be 6 to 200\n");
        return 2;
    }
    long start = rss_kb();
    struct text_fonts fonts;
    text_fonts_default(&fonts);
    struct err e = {0};
    struct text *t = text_create(&fonts, &e);
    if (!t) {
        fprintf(stderr, "bench_fonts: %s\n", e.msg);
        return 1;
    }
    const char *english = "The harbour ferry kept its timetable despite the fog \xe2\x80\x94 "
                          "\xe2\x80\x9cstill on time,\xe2\x80\x9d said the caf\xc3\xa9.";
    for (uint8_t face = 0; face < LAYOUT_FACE_COUNT; face++)
        set_sample(t, face, px, "en", false, english);
    long base = rss_kb();
    printf("px=%d\nstart_kb=%ld\nbase_kb=%ld\n", px, start, base);
    struct text_stats st;
    int failed = 0;
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        const struct sample *s = &samples[i];
        long before = rss_kb(), anon = proc_kb("/proc/self/smaps_rollup", "Anonymous");
        const uint8_t faces[] = {LAYOUT_FACE_SERIF, LAYOUT_FACE_SERIF_BOLD, LAYOUT_FACE_SANS};
        for (size_t k = 0; k < sizeof faces; k++)
            set_sample(t, faces[k], px, s->lang, s->rtl, s->text);
        long after = rss_kb();
        const struct layout_metrics *m = text_metrics(t);
        struct layout_run_props props = {.script = 0, .dir = 0, .lang = s->lang};
        int missing = m->missing(m->ctx, (struct layout_font){LAYOUT_FACE_SERIF, (uint16_t)px},
                                 &props, s->text, strlen(s->text));
        failed += missing > 0;
        printf("font_%s_kb=%ld\nfont_%s_anon_kb=%ld\nmissing_%s=%d\n", s->name, after - before,
               s->name, proc_kb("/proc/self/smaps_rollup", "Anonymous") - anon, s->name, missing);
    }
    text_stats(t, &st);
    printf("all_kb=%ld\nhwm_kb=%ld\nchain_loaded=%zu\nfiles_mapped=%zu\nmapped_kb=%zu\n", rss_kb(),
           proc_kb("/proc/self/status", "VmHWM"), st.chain_loaded, st.files_mapped,
           st.bytes_mapped / 1024);
    text_destroy(t);
    if (failed)
        fprintf(stderr, "bench_fonts: %d samples had characters no font covers\n", failed);
    return 0;
}
