/* Presenting the software renderer's pixels on Wayland through wl_shm
 * (issue 15). SDL 2.26's wayland driver has no window framebuffer of its
 * own: a software renderer on a Wayland window goes through a GL texture,
 * which maps Mesa's EGL and, with no GPU, llvmpipe (libLLVM, ~90 MB
 * resident). Here the kiosk draws into a plain surface with SDL's software
 * renderer and hands the pixels to the compositor in two shared-memory
 * buffers attached to the window's wl_surface; no GL library is loaded.
 *
 * SDL keeps its own wl_display queue for input and window events; these
 * buffers, the registry and wl_shm live on a private queue, so nothing here
 * dispatches SDL's events. Main thread only. */
#include "kiosk.h"

#ifdef NK_HAVE_WAYLAND

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_syswm.h>
#include <wayland-client.h>

#define WLSHM_BUFFERS 2 /* the one the compositor may read, the one we fill */

struct wlshm_buffer {
    struct wl_buffer *buf;
    void *px;
    bool busy; /* attached and not yet released by the compositor */
};

struct app_wlshm {
    struct wl_display *dpy;
    struct wl_surface *surface;
    struct wl_event_queue *queue;
    struct wl_display *wrapper; /* the display proxy on our queue */
    struct wl_registry *registry;
    struct wl_shm *shm;
    void *map;
    size_t map_size;
    int w, h;
    struct wlshm_buffer b[WLSHM_BUFFERS];
    SDL_Surface *canvas;
};

static void
registry_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
                uint32_t version)
{
    struct app_wlshm *s = data;
    (void)version;
    if (!s->shm && strcmp(iface, wl_shm_interface.name) == 0)
        s->shm = wl_registry_bind(reg, name, &wl_shm_interface, 1);
}

static void
registry_remove(void *data, struct wl_registry *reg, uint32_t name)
{
    (void)data;
    (void)reg;
    (void)name;
}

static const struct wl_registry_listener registry_listener = {registry_global, registry_remove};

static void
buffer_release(void *data, struct wl_buffer *buf)
{
    (void)buf;
    ((struct wlshm_buffer *)data)->busy = false;
}

static const struct wl_buffer_listener buffer_listener = {buffer_release};

bool
app_wlshm_wanted(SDL_Window *win)
{
    const char *d = SDL_GetCurrentVideoDriver();
    const char *r = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    return win && d && strcmp(d, "wayland") == 0 && r && strcmp(r, "software") == 0;
}

struct app_wlshm *
app_wlshm_create(SDL_Window *win, struct err *e)
{
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (!SDL_GetWindowWMInfo(win, &info) || info.subsystem != SDL_SYSWM_WAYLAND) {
        err_set(e, ERR_IO, "the Wayland window has no wl_surface: %s", SDL_GetError());
        return NULL;
    }
    struct app_wlshm *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, ERR_NOMEM, "out of memory for the Wayland buffers");
        return NULL;
    }
    s->dpy = info.info.wl.display;
    s->surface = info.info.wl.surface;
    SDL_GetWindowSize(win, &s->w, &s->h);
    s->queue = wl_display_create_queue(s->dpy);
    s->wrapper = s->queue ? wl_proxy_create_wrapper(s->dpy) : NULL;
    if (!s->wrapper) {
        err_set(e, ERR_IO, "cannot make a Wayland event queue for the window's buffers");
        goto fail;
    }
    wl_proxy_set_queue((struct wl_proxy *)s->wrapper, s->queue);
    s->registry = wl_display_get_registry(s->wrapper);
    wl_registry_add_listener(s->registry, &registry_listener, s);
    if (wl_display_roundtrip_queue(s->dpy, s->queue) < 0 || !s->shm) {
        err_set(e, ERR_IO, "the Wayland compositor offers no wl_shm (needed for the %dx%d window)",
                s->w, s->h);
        goto fail;
    }
    int stride = s->w * 4;
    size_t one = (size_t)stride * (size_t)s->h;
    s->map_size = one * WLSHM_BUFFERS;
    int fd = memfd_create("newskiosk-wl_shm", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)s->map_size) != 0) {
        err_set(e, ERR_IO, "cannot make %zu bytes of shared memory for the window: %s", s->map_size,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        goto fail;
    }
    s->map = mmap(NULL, s->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (s->map == MAP_FAILED) {
        s->map = NULL;
        close(fd);
        err_set(e, ERR_IO, "cannot map the window's shared memory: %s", strerror(errno));
        goto fail;
    }
    struct wl_shm_pool *pool = wl_shm_create_pool(s->shm, fd, (int32_t)s->map_size);
    close(fd); /* the compositor has its own descriptor once the request is sent */
    for (int i = 0; i < WLSHM_BUFFERS; i++) {
        s->b[i].px = (char *)s->map + one * (size_t)i;
        s->b[i].buf = wl_shm_pool_create_buffer(pool, (int32_t)(one * (size_t)i), s->w, s->h,
                                                stride, WL_SHM_FORMAT_XRGB8888);
        wl_buffer_add_listener(s->b[i].buf, &buffer_listener, &s->b[i]);
    }
    wl_shm_pool_destroy(pool);
    /* RGB888 is XRGB8888 in memory on a little-endian machine, like wl_shm's */
    s->canvas = SDL_CreateRGBSurfaceWithFormat(0, s->w, s->h, 32, SDL_PIXELFORMAT_RGB888);
    if (!s->canvas) {
        err_set(e, ERR_NOMEM, "cannot make the %dx%d drawing surface: %s", s->w, s->h,
                SDL_GetError());
        goto fail;
    }
    return s;
fail:
    app_wlshm_destroy(s);
    return NULL;
}

SDL_Surface *
app_wlshm_canvas(struct app_wlshm *s)
{
    return s->canvas;
}

bool
app_wlshm_present(struct app_wlshm *s, struct err *e)
{
    struct wlshm_buffer *free_buf = NULL;
    for (int tries = 0; !free_buf; tries++) {
        if (wl_display_dispatch_queue_pending(s->dpy, s->queue) < 0)
            return err_set(e, ERR_IO, "the Wayland connection failed: %s", strerror(errno));
        for (int i = 0; i < WLSHM_BUFFERS && !free_buf; i++)
            if (!s->b[i].busy)
                free_buf = &s->b[i];
        /* both held: the compositor releases one once it has the newer frame */
        if (!free_buf && (tries == 100 || wl_display_roundtrip_queue(s->dpy, s->queue) < 0))
            return err_set(e, ERR_IO, "the Wayland compositor keeps both window buffers");
    }
    /* The X byte set to 0xff: SDL leaves it 0 where it fills, and screenshot
     * tools (weston-screenshooter) read it as alpha and drop those pixels. */
    for (int y = 0; y < s->h; y++) {
        const uint32_t *src = (const uint32_t *)((const char *)s->canvas->pixels +
                                                 (size_t)y * (size_t)s->canvas->pitch);
        uint32_t *dst = (uint32_t *)free_buf->px + (size_t)y * (size_t)s->w;
        for (int x = 0; x < s->w; x++)
            dst[x] = src[x] | 0xff000000u;
    }
    wl_surface_attach(s->surface, free_buf->buf, 0, 0);
    wl_surface_damage(s->surface, 0, 0, s->w, s->h);
    wl_surface_commit(s->surface);
    free_buf->busy = true;
    if (wl_display_flush(s->dpy) < 0 && errno != EAGAIN)
        return err_set(e, ERR_IO, "the Wayland connection failed: %s", strerror(errno));
    return true;
}

void
app_wlshm_destroy(struct app_wlshm *s)
{
    if (!s)
        return;
    for (int i = 0; i < WLSHM_BUFFERS; i++)
        if (s->b[i].buf)
            wl_buffer_destroy(s->b[i].buf);
    if (s->map)
        munmap(s->map, s->map_size);
    if (s->shm)
        wl_shm_destroy(s->shm);
    if (s->registry)
        wl_registry_destroy(s->registry);
    if (s->wrapper)
        wl_proxy_wrapper_destroy(s->wrapper);
    if (s->queue)
        wl_event_queue_destroy(s->queue);
    SDL_FreeSurface(s->canvas);
    free(s);
}

static void
seat_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface, uint32_t version)
{
    (void)reg;
    (void)name;
    (void)version;
    if (strcmp(iface, wl_seat_interface.name) == 0)
        *(bool *)data = true;
}

static const struct wl_registry_listener seat_listener = {seat_global, registry_remove};

bool
app_wayland_has_seat(void)
{
    struct wl_display *dpy = wl_display_connect(NULL);
    if (!dpy)
        return true;
    bool seat = false;
    struct wl_registry *reg = wl_display_get_registry(dpy);
    if (reg) {
        wl_registry_add_listener(reg, &seat_listener, &seat);
        if (wl_display_roundtrip(dpy) < 0)
            seat = true; /* cannot tell */
        wl_registry_destroy(reg);
    }
    wl_display_disconnect(dpy);
    return seat;
}
#else /* no wayland-client at build time: SDL's own (GL) path is used */

bool
app_wlshm_wanted(SDL_Window *win)
{
    (void)win;
    return false;
}

struct app_wlshm *
app_wlshm_create(SDL_Window *win, struct err *e)
{
    (void)win;
    err_set(e, ERR_IO, "built without wayland-client");
    return NULL;
}

SDL_Surface *
app_wlshm_canvas(struct app_wlshm *s)
{
    (void)s;
    return NULL;
}

bool
app_wlshm_present(struct app_wlshm *s, struct err *e)
{
    (void)s;
    return err_set(e, ERR_IO, "built without wayland-client");
}

void
app_wlshm_destroy(struct app_wlshm *s)
{
    (void)s;
}

bool
app_wayland_has_seat(void)
{
    return true;
}

#endif
