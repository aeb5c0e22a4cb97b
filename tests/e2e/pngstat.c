/* For each PNG given: "PATH WIDTH HEIGHT INK DARK", where INK counts pixels
 * that differ from the paper colour and DARK those darker than mid-grey (text).
 *   e2e_pngstat --compare A.png X Y W H B.png X2 Y2
 * compares the W x H box at X,Y of A with the one at X2,Y2 of B and prints
 * "DIFFERING TOTAL": pixels whose channels differ by more than 48 (a glyph
 * drawn elsewhere, not antialiasing noise). Exit 1 if a file cannot be read
 * or a box is not inside its picture, 2 on a usage error. Used by the
 * end-to-end render and world-edition checks. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SDL_Surface *
load_rgb(const char *path)
{
    SDL_Surface *s = IMG_Load(path);
    SDL_Surface *c = s ? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB888, 0) : NULL;
    if (!c)
        fprintf(stderr, "pngstat: %s: cannot read: %s\n", path, SDL_GetError());
    SDL_FreeSurface(s);
    return c;
}

static Uint32
pixel_at(const SDL_Surface *c, int x, int y)
{
    const Uint32 *row =
        (const Uint32 *)(const void *)((const Uint8 *)c->pixels + (size_t)y * (size_t)c->pitch);
    return row[x] & 0xFFFFFF;
}

static int
compare(char **argv)
{
    int v[6];
    const int at[6] = {2, 3, 4, 5, 7, 8};
    for (int i = 0; i < 6; i++) {
        char *end;
        long n = strtol(argv[at[i]], &end, 10);
        if (*end || end == argv[at[i]] || n < 0 || n > 100000) {
            fprintf(stderr, "pngstat: --compare: '%s' is not a pixel count\n", argv[at[i]]);
            return 2;
        }
        v[i] = (int)n;
    }
    SDL_Surface *a = load_rgb(argv[1]), *b = load_rgb(argv[6]);
    int rc = 0;
    if (!a || !b)
        rc = 1;
    else if (v[0] + v[2] > a->w || v[1] + v[3] > a->h || v[4] + v[2] > b->w || v[5] + v[3] > b->h) {
        fprintf(stderr, "pngstat: --compare: a %dx%d box is not inside both pictures\n", v[2],
                v[3]);
        rc = 1;
    } else {
        long diff = 0;
        for (int y = 0; y < v[3]; y++)
            for (int x = 0; x < v[2]; x++) {
                Uint32 p = pixel_at(a, v[0] + x, v[1] + y), q = pixel_at(b, v[4] + x, v[5] + y);
                for (int sh = 0; sh < 24; sh += 8)
                    if (abs((int)((p >> sh) & 0xFF) - (int)((q >> sh) & 0xFF)) > 48) {
                        diff++;
                        break;
                    }
            }
        printf("%ld %ld\n", diff, (long)v[2] * v[3]);
    }
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--compare") == 0) {
        if (argc != 10) {
            fprintf(stderr, "usage: e2e_pngstat --compare A.png X Y W H B.png X2 Y2\n");
            return 2;
        }
        return compare(argv + 1);
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        SDL_Surface *s = IMG_Load(argv[i]);
        SDL_Surface *c = s ? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB888, 0) : NULL;
        if (!c) {
            fprintf(stderr, "pngstat: %s: cannot read: %s\n", argv[i], SDL_GetError());
            SDL_FreeSurface(s);
            rc = 1;
            continue;
        }
        long ink = 0, dark = 0;
        for (int y = 0; y < c->h; y++) {
            const Uint32 *row = (const Uint32 *)(const void *)((const Uint8 *)c->pixels +
                                                               (size_t)y * (size_t)c->pitch);
            for (int x = 0; x < c->w; x++) {
                Uint32 p = row[x] & 0xFFFFFF;
                int lum = (int)(((p >> 16) & 0xFF) * 3 + ((p >> 8) & 0xFF) * 6 + (p & 0xFF)) / 10;
                ink += p != 0xFBFAF6;
                dark += lum < 128;
            }
        }
        printf("%s %d %d %ld %ld\n", argv[i], c->w, c->h, ink, dark);
        SDL_FreeSurface(c);
        SDL_FreeSurface(s);
    }
    return rc;
}
