/* Inside app/: the interactive kiosk's parts. input.c turns SDL events into
 * struct ui_input (the only place the ui meets SDL); script.c reads --events
 * files; abspointer.c reads absolute pointers SDL mis-scales on KMSDRM. Main
 * thread only. Not included from outside app/. */
#ifndef NK_KIOSK_H
#define NK_KIOSK_H

#include <stdbool.h>
#include <stdint.h>

#include <SDL.h>

#include "arena.h"
#include "err.h"
#include "ui.h"

/* Finger events pushed by --events scripts carry this touch id; their
 * timestamp is the script's clock in ms, not SDL_GetTicks. */
#define APP_SCRIPT_TOUCH_ID ((SDL_TouchID)0x6e6b)

/* Input translation state: the screen geometry and the fingers down.
 * Rule against double counting: mouse events are taken as touches on the
 * desktop, except those SDL synthesises from touches (which ==
 * SDL_TOUCH_MOUSEID); finger events are taken except those SDL synthesises
 * from the mouse (touchId == SDL_MOUSE_TOUCHID, SDL_MOUSE_TOUCH_EVENTS=1). */
struct app_input {
    int lw, lh;  /* the logical (rotated) screen the ui sees */
    int pw, ph;  /* the window's output in px */
    int rotate;  /* 0, 90, 180, 270: the logical screen is turned clockwise */
    int fingers; /* 0, 1 or 2 tracked */
    SDL_FingerID finger[2];
    float fx[2], fy[2]; /* window px */
    float pinch_base;   /* finger distance at the last pinch step */
    bool mouse_down;
};

void app_input_init(struct app_input *in, int lw, int lh, int pw, int ph, int rotate);

/* Window px to logical screen px under the rotation. */
void app_input_map(const struct app_input *in, float px, float py, int *lx, int *ly);

/* Turns ev into out; false when the event means nothing to the ui (or is a
 * duplicate by the rule above). now_ms is the ui clock for out->now_ms. */
bool app_input_translate(struct app_input *in, const SDL_Event *ev, uint64_t now_ms,
                         struct ui_input *out);

/* The ui key for an SDL key: arrows, Page Up/Down, Space, Home, Escape,
 * +/= and -, F1 or 's' for the status screen; UI_KEY_NONE otherwise. */
enum ui_key app_input_key(SDL_Keycode k);

/* Absolute pointers without touch (QEMU's tablets, mouse-mode touch panels)
 * on KMSDRM, read by the kiosk itself (abspointer.c): SDL 2.26 passes their
 * raw axis values as pixels. Events the kiosk pushes for them carry
 * APP_ABS_MOUSE_ID. */
#define APP_ABS_MOUSE_ID ((Uint32)0x6e6b)

struct app_abs {
    int fd; /* the kiosk's own descriptor of the node (not owned here) */
    char path[64];
    int min_x, max_x, min_y, max_y; /* the axes' ranges, from the kernel */
    int x, y;                       /* the last axis values */
    bool pressed, down;             /* the button as read; as last pushed */
    bool moved, pressed_changed;    /* since the last SYN_REPORT */
};

/* Fills a and returns true when fd (opened from path) is such a pointer. */
bool app_abs_probe(struct app_abs *a, int fd, const char *path);

/* Reads what a's node has and pushes mouse events in window px (w x h). */
void app_abs_read(struct app_abs *a, Uint32 window_id, int w, int h);

/* Whether an SDL mouse event's which names one of the count nodes in a
 * (SDL's evdev mouse id is its descriptor of the node), or is SDL's own
 * id 0, while there is any such node. */
bool app_abs_from_device(const struct app_abs *a, int count, Uint32 which);

enum app_script_op {
    APP_SCRIPT_TAP,
    APP_SCRIPT_SWIPE,
    APP_SCRIPT_KEY,
    APP_SCRIPT_WAIT,
    APP_SCRIPT_SCREENSHOT,
    APP_SCRIPT_QUIT,
    APP_SCRIPT_DUMP,          /* the page shown as --dump-layout JSON, the sentence read marked */
    APP_SCRIPT_WAIT_SENTENCE, /* until read-aloud has begun its ms-th sentence (real time) */
};

enum app_swipe { APP_SWIPE_LEFT, APP_SWIPE_RIGHT, APP_SWIPE_UP, APP_SWIPE_DOWN };

struct app_script_cmd {
    enum app_script_op op;
    unsigned line;    /* 1-based, for messages */
    int x, y;         /* tap */
    int swipe;        /* enum app_swipe */
    uint32_t ms;      /* wait; wait-sentence: the count */
    const char *text; /* key: SDL key name; screenshot, dump: path */
};

/* A parsed --events file; everything in arena. Initialise by loading. */
struct app_script {
    struct arena arena;
    struct app_script_cmd *cmds;
    size_t count;
};

/* Reads `tap X Y`, `swipe left|right|up|down`, `key NAME`, `wait MS`,
 * `screenshot PATH`, `dump PATH`, `wait-sentence N`, `quit` lines (`#` comments, blank lines).
 * Fails with "FILE:LINE: ..." on an unknown command or a bad argument; s is then empty but must
 * still be finished. */
bool app_script_load(struct app_script *s, const char *path, struct err *e);
void app_script_fini(struct app_script *s);

/* wlshm.c: the window's pixels on Wayland through wl_shm, no GL (SDL's
 * wayland driver would put the software renderer's frames through a GL
 * texture). wanted: the driver is wayland and the render driver hint is
 * "software". create: two shared-memory buffers and a drawing surface the
 * size of the window; NULL and e filled on failure. canvas: the surface to
 * draw in (owned by s). present: copies the canvas into a buffer the
 * compositor has released and commits it. destroy(NULL) does nothing. */
struct app_wlshm;
bool app_wlshm_wanted(SDL_Window *win);
struct app_wlshm *app_wlshm_create(SDL_Window *win, struct err *e);
SDL_Surface *app_wlshm_canvas(struct app_wlshm *s);
bool app_wlshm_present(struct app_wlshm *s, struct err *e);
void app_wlshm_destroy(struct app_wlshm *s);

/* Whether the Wayland compositor named by WAYLAND_DISPLAY offers an input
 * seat (wl_seat): SDL 2.26's wayland driver crashes in SDL_Init without one
 * (weston before its first input device). True when it cannot tell (no
 * connection: SDL then says so itself). */
bool app_wayland_has_seat(void);

#endif
