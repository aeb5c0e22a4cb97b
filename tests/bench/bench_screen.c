/* Polls an X display's root window until something is visible, for the
 * bench's launch-to-article rows (issue 15): the time from a process start
 * the caller took (CLOCK_MONOTONIC, ns) to the first capture that shows it.
 *
 *   bench_screen DISPLAY START_NS TIMEOUT_MS colour RRGGBB MIN_PIXELS
 *       visible: at least MIN_PIXELS pixels of exactly that colour
 *   bench_screen DISPLAY START_NS TIMEOUT_MS equal REF.rgb MIN_PERCENT
 *       visible: at least MIN_PERCENT % of pixels equal REF.rgb (8-bit RGB,
 *       the root window's size, row after row)
 *
 * Prints visible_ms=, polls=, matched= and exits 0, or exits 1 on a timeout
 * (2 on usage or X errors). Captures with XGetImage every 5 ms. */
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "bench_common.h"

#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

static double
ns_to_ms(long long ns)
{
    return (double)ns / 1e6;
}

int
main(int argc, char **argv)
{
    if (argc != 7 || (strcmp(argv[4], "colour") != 0 && strcmp(argv[4], "equal") != 0)) {
        fprintf(stderr, "usage: bench_screen DISPLAY START_NS TIMEOUT_MS colour RRGGBB "
                        "MIN_PIXELS | equal REF.rgb MIN_PERCENT\n");
        return 2;
    }
    Display *dpy = XOpenDisplay(argv[1]);
    if (!dpy) {
        fprintf(stderr, "bench_screen: cannot open display %s\n", argv[1]);
        return 2;
    }
    double start = ns_to_ms(strtoll(argv[2], NULL, 10));
    double timeout = strtod(argv[3], NULL);
    bool colour = strcmp(argv[4], "colour") == 0;
    Window root = DefaultRootWindow(dpy);
    XWindowAttributes wa;
    XGetWindowAttributes(dpy, root, &wa);
    size_t npx = (size_t)wa.width * (size_t)wa.height;
    uint32_t want = 0;
    long min = strtol(argv[6], NULL, 10);
    unsigned char *ref = NULL;
    if (colour) {
        want = (uint32_t)strtoul(argv[5], NULL, 16);
    } else {
        FILE *f = fopen(argv[5], "rb");
        ref = malloc(npx * 3);
        if (!f || !ref || fread(ref, 3, npx, f) != npx) {
            fprintf(stderr, "bench_screen: %s is not %dx%d 8-bit RGB\n", argv[5], wa.width,
                    wa.height);
            return 2;
        }
        fclose(f);
        min = (long)((double)npx * (double)min / 100.0);
    }
    long polls = 0, matched = 0;
    for (;;) {
        XImage *im =
            XGetImage(dpy, root, 0, 0, (unsigned)wa.width, (unsigned)wa.height, AllPlanes, ZPixmap);
        if (!im || im->bits_per_pixel != 32 || im->red_mask != 0xff0000 || im->blue_mask != 0xff) {
            fprintf(stderr, "bench_screen: the root window is not 24-bit RGB in 32-bit pixels\n");
            return 2;
        }
        polls++;
        matched = 0;
        for (int y = 0; y < wa.height; y++) {
            const uint32_t *row = (const uint32_t *)(im->data + (size_t)y * im->bytes_per_line);
            for (int x = 0; x < wa.width; x++) {
                uint32_t p = row[x] & 0xffffff;
                if (colour) {
                    matched += p == want;
                } else {
                    const unsigned char *r = ref + ((size_t)y * (size_t)wa.width + (size_t)x) * 3;
                    matched += p == ((uint32_t)r[0] << 16 | (uint32_t)r[1] << 8 | r[2]);
                }
            }
        }
        XDestroyImage(im);
        double now = bench_now_ms();
        if (matched >= min) {
            printf("visible_ms=%.1f\npolls=%ld\nmatched=%ld\n", now - start, polls, matched);
            return 0;
        }
        if (now - start > timeout) {
            printf("timeout_ms=%.0f\npolls=%ld\nmatched=%ld\n", now - start, polls, matched);
            return 1;
        }
        usleep(5000);
    }
}
