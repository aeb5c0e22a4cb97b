/* Absolute pointers on KMSDRM: evdev devices with ABS_X/ABS_Y and a left
 * button but no touch (QEMU's virtio and USB tablets, touch panels that
 * present themselves as a mouse). SDL 2.26's evdev code passes their raw
 * axis values (0..32767 on QEMU's tablet) as window pixels ("FIXME:
 * Normalize to input device's reported input range" in SDL_evdev.c), so
 * every tap lands clamped in the bottom-right corner. The kiosk reads these
 * devices itself, scales them by the ranges the kernel reports, and pushes
 * mouse events marked APP_ABS_MOUSE_ID; SDL's own events from the same nodes
 * are dropped (app_abs_from_device). Main thread only. */
#include <fcntl.h>
#include <limits.h>
#include <linux/input.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kiosk.h"

#define BITS_PER_LONG (8 * sizeof(unsigned long))
#define NLONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static bool
has_bit(const unsigned long *bits, unsigned bit)
{
    return (bits[bit / BITS_PER_LONG] >> (bit % BITS_PER_LONG)) & 1u;
}

bool
app_abs_probe(struct app_abs *a, int fd, const char *path)
{
    unsigned long abs[NLONGS(ABS_CNT)] = {0}, key[NLONGS(KEY_CNT)] = {0};
    if (ioctl(fd, EVIOCGBIT(EV_ABS, sizeof abs), abs) < 0 ||
        ioctl(fd, EVIOCGBIT(EV_KEY, sizeof key), key) < 0)
        return false;
    /* touch devices (BTN_TOUCH, multi-touch slots) go through SDL's
     * touchscreen path, which scales them itself */
    if (!has_bit(abs, ABS_X) || !has_bit(abs, ABS_Y) || !has_bit(key, BTN_LEFT) ||
        has_bit(key, BTN_TOUCH) || has_bit(abs, ABS_MT_POSITION_X))
        return false;
    struct input_absinfo ix, iy;
    if (ioctl(fd, EVIOCGABS(ABS_X), &ix) < 0 || ioctl(fd, EVIOCGABS(ABS_Y), &iy) < 0 ||
        ix.maximum <= ix.minimum || iy.maximum <= iy.minimum)
        return false;
    *a = (struct app_abs){.fd = fd,
                          .min_x = ix.minimum,
                          .max_x = ix.maximum,
                          .min_y = iy.minimum,
                          .max_y = iy.maximum,
                          .x = ix.value,
                          .y = iy.value};
    snprintf(a->path, sizeof a->path, "%s", path);
    return true;
}

static int
scale(int v, int lo, int hi, int size)
{
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return (int)((long long)(v - lo) * (size - 1) / (hi - lo));
}

static void
push(const struct app_abs *a, Uint32 type, Uint32 window_id, int w, int h)
{
    SDL_Event ev = {.type = type};
    int x = scale(a->x, a->min_x, a->max_x, w), y = scale(a->y, a->min_y, a->max_y, h);
    if (type == SDL_MOUSEMOTION) {
        ev.motion = (SDL_MouseMotionEvent){.type = type,
                                           .timestamp = SDL_GetTicks(),
                                           .windowID = window_id,
                                           .which = APP_ABS_MOUSE_ID,
                                           .state = a->down ? SDL_BUTTON_LMASK : 0,
                                           .x = x,
                                           .y = y};
    } else {
        ev.button = (SDL_MouseButtonEvent){.type = type,
                                           .timestamp = SDL_GetTicks(),
                                           .windowID = window_id,
                                           .which = APP_ABS_MOUSE_ID,
                                           .button = SDL_BUTTON_LEFT,
                                           .state = a->down ? SDL_PRESSED : SDL_RELEASED,
                                           .clicks = 1,
                                           .x = x,
                                           .y = y};
    }
    SDL_PushEvent(&ev);
}

void
app_abs_read(struct app_abs *a, Uint32 window_id, int w, int h)
{
    struct input_event ev[32];
    ssize_t n;
    while ((n = read(a->fd, ev, sizeof ev)) > 0) {
        for (size_t i = 0; i < (size_t)n / sizeof ev[0]; i++) {
            const struct input_event *e = &ev[i];
            if (e->type == EV_ABS && e->code == ABS_X) {
                a->x = e->value;
                a->moved = true;
            } else if (e->type == EV_ABS && e->code == ABS_Y) {
                a->y = e->value;
                a->moved = true;
            } else if (e->type == EV_KEY && e->code == BTN_LEFT && e->value != 2) {
                a->pressed = e->value != 0;
                a->pressed_changed = true;
            } else if (e->type == EV_SYN && e->code == SYN_REPORT) {
                /* the position first: a press lands where the report says */
                if (a->moved)
                    push(a, SDL_MOUSEMOTION, window_id, w, h);
                if (a->pressed_changed && a->pressed != a->down) {
                    a->down = a->pressed;
                    push(a, a->down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP, window_id, w, h);
                }
                a->moved = a->pressed_changed = false;
            }
        }
    }
}

bool
app_abs_from_device(const struct app_abs *a, int count, Uint32 which)
{
    if (count == 0 || which == SDL_TOUCH_MOUSEID || which == APP_ABS_MOUSE_ID || which > INT_MAX)
        return false;
    /* id 0: a motion SDL makes itself when its idea of the pointer leaves
     * the window (seen with QEMU's tablet: a press at 209,235 followed by
     * SDL's motion to 799,479, which made the tap a drag) */
    if (which == 0)
        return true;
    /* SDL 2.26's evdev mouse id is its own descriptor of the node */
    char link[32], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%u", (unsigned)which);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return false;
    path[n] = '\0';
    for (int i = 0; i < count; i++)
        if (strcmp(a[i].path, path) == 0)
            return true;
    return false;
}
