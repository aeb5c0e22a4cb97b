/* For each PNG given: "PATH WIDTH HEIGHT INK DARK", where INK counts pixels
 * that differ from the paper colour and DARK those darker than mid-grey (text).
 * Exit 1 if a file cannot be read. Used by the end-to-end render checks. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
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
