/* A weston module for the Wayland end-to-end test (issue 15): weston's
 * headless backend has no input devices, so it announces no wl_seat, and
 * SDL 2.26's wayland driver dereferences a missing seat in SDL_Init (a
 * segfault). This module gives the compositor one seat with a pointer, a
 * keyboard and a touch screen, as a kiosk's panel would have. Loaded with
 * weston --modules=/path/weston_seat.so. */
#include <stdlib.h>

#include <libweston/libweston.h>

/* Exported by libweston-10 for its backends, declared in its uninstalled
 * backend.h: the seat calls, with the signatures of weston 10.0. */
struct xkb_keymap;
void weston_seat_init(struct weston_seat *seat, struct weston_compositor *ec, const char *name);
void weston_seat_init_pointer(struct weston_seat *seat);
int weston_seat_init_keyboard(struct weston_seat *seat, struct xkb_keymap *keymap);
void weston_seat_init_touch(struct weston_seat *seat);

int wet_module_init(struct weston_compositor *compositor, int *argc, char *argv[]);

WL_EXPORT int
wet_module_init(struct weston_compositor *compositor, int *argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct weston_seat *seat = calloc(1, sizeof *seat);
    if (!seat)
        return -1;
    weston_seat_init(seat, compositor, "newskiosk-test");
    weston_seat_init_pointer(seat);
    if (weston_seat_init_keyboard(seat, NULL) < 0)
        return -1;
    weston_seat_init_touch(seat);
    return 0;
}
