/* The reader's screens and navigation as a state machine over struct
 * ui_input (never SDL_Event): the app converts events at the edge, passes the
 * time in with every input (no hidden clock), and draws what ui_get_state
 * says. ui never draws and never lays out by itself: pages come through the
 * struct ui_content seam, which the app backs with the typesetter and tests
 * back with hand-made pages. One thread (the app's main thread).
 *
 * Behaviour (documented choices):
 * - Right-to-left pages (layout_page.dir, an RTL article's or an RTL
 *   edition's index) are read the other way: everything below that says
 *   left or right is mirrored for them (next: a swipe right, the Left key,
 *   the left edge).
 * - Tap: a press and release that moved less than UI_TAP_SLOP px. A link
 *   under the finger acts first; otherwise the left/right 15% edges turn the
 *   page. On the status screen any tap returns to where the reader was.
 * - Swipe left/right: the page follows the finger (offset in ui_state); on
 *   release past 25% of the width, or a flick faster than UI_FLICK_PX_PER_MS,
 *   it animates to the neighbour in UI_SETTLE_MS, else it snaps back. Where
 *   there is no neighbour the page follows at a third of the finger's speed
 *   and always snaps back. Swipe down (from the reader) returns to the index.
 * - Past an article's last page: the next article's first page. Before an
 *   article's first page: the index page that lists the article (where the
 *   reader came from); the previous story is the nav bar's job.
 * - Font scale steps ui_font_scale_step (0.75 .. 2.5); the reader stays on the
 *   page that holds the block it was showing (layout_page_for_block).
 * - Colour theme: the bar's theme button or the theme key (c / F2) moves to
 *   the next of cfg.theme_count themes (normal, contrast, contrast-dark in
 *   the app) and back to the first; the view is unchanged (ui_state.theme).
 * - Keypad focus, for kiosks with keys instead of a touchscreen: Tab or Down
 *   moves a focus to the next enabled link of the page shown (the bar's
 *   buttons, the index's entries and section labels, in layout's order),
 *   Shift+Tab or Up to the previous one (both wrap around); Enter acts on the
 *   focused link as a tap would. While a bar button (any link but an entry
 *   or a section label, with other buttons in its row) has the focus, Left
 *   and Right move it along the bar (by position on the screen, so a
 *   mirrored bar moves the way it is drawn); otherwise (the index's lone
 *   theme button too) they turn pages as before. Escape goes back as before (and
 *   drops the focus); where it has nowhere to go it only drops the focus. A
 *   new page, a touch or the idle timeout drop it too; the font size and
 *   theme buttons keep it on themselves. The app draws the ring
 *   (ui_state.focus) over the page, never into the cached page.
 * - Operator status: hold a finger UI_LONG_PRESS_MS in the top-left corner
 *   (UI_CORNER_PX square), or the status key (F1 / 's').
 * - Kiosk idle: after idle_timeout_ms without input the reader (or status)
 *   goes back to the index page 1; after another idle_timeout_ms on the index
 *   the attract loop shows the first page of each of the top UI_ATTRACT_TOP
 *   stories for attract_interval_ms each, until touched. The touch that ends
 *   the attract loop only returns to the index; it does not act.
 * - Quit: only when allow_quit: Escape on the index or closing the window.
 * - Read-aloud (ui_config.speech): on an article page the bar's speaker
 *   (LAYOUT_ACTION_SPEAK) or the speak key ('r') starts reading, pauses and
 *   resumes; while reading, a tap anywhere but a link pauses (and does not
 *   turn the page), Escape stops (and stays on the page); leaving the
 *   article or the idle timeout stops it. The app reads the wish in
 *   ui_state.speech, turns pages with ui_speech_follow as sentences go by
 *   (a turn that counts as use: the idle timer restarts) and says the end
 *   with ui_speech_done. */
#ifndef NK_UI_H
#define NK_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

#define UI_TAP_SLOP 12            /* px a finger may move and still tap */
#define UI_EDGE_PERCENT 15        /* width of the page-turn edge zones */
#define UI_SWIPE_PERCENT 25       /* release past this share of the width turns */
#define UI_FLICK_PX_PER_MS 0.6    /* or a flick at least this fast */
#define UI_SETTLE_MS 150          /* settle / snap-back animation */
#define UI_FRAME_MS 16            /* animation frame interval */
#define UI_LONG_PRESS_MS 2000     /* status gesture */
#define UI_CORNER_PX 80           /* top-left square for the status gesture */
#define UI_ATTRACT_TOP 5          /* stories shown by the attract loop */
#define UI_NO_DEADLINE UINT64_MAX /* ui_next_deadline: nothing pending */

enum ui_screen {
    UI_SCREEN_SPLASH,     /* no edition yet, one installing: progress */
    UI_SCREEN_NO_EDITION, /* nothing installed, nothing arriving */
    UI_SCREEN_INDEX,      /* the edition's index, page `page` */
    UI_SCREEN_ARTICLE,    /* article `article`, page `page` */
    UI_SCREEN_STATUS,     /* operator status */
    UI_SCREEN_ATTRACT,    /* attract loop: article `article`, page 0 */
};
const char *ui_screen_name(enum ui_screen s); /* "index", "article", ... */

enum ui_key {
    UI_KEY_NONE,
    UI_KEY_LEFT,
    UI_KEY_RIGHT,
    UI_KEY_PAGEUP,
    UI_KEY_PAGEDOWN,
    UI_KEY_SPACE,
    UI_KEY_HOME,
    UI_KEY_ESCAPE,
    UI_KEY_PLUS,
    UI_KEY_MINUS,
    UI_KEY_STATUS,
    UI_KEY_THEME,   /* the next colour theme */
    UI_KEY_UP,      /* focus: the previous link */
    UI_KEY_DOWN,    /* focus: the next link */
    UI_KEY_TAB,     /* focus: the next link */
    UI_KEY_BACKTAB, /* Shift+Tab: the previous link */
    UI_KEY_ENTER,   /* acts on the focused link */
    UI_KEY_SPEAK,   /* read aloud: start, pause, resume */
};

enum ui_speech {
    UI_SPEECH_OFF,
    UI_SPEECH_PLAYING,
    UI_SPEECH_PAUSED,
};

enum ui_input_kind {
    UI_INPUT_PRESS,   /* finger down at x, y */
    UI_INPUT_MOVE,    /* finger moved to x, y (ignored when no finger is down) */
    UI_INPUT_RELEASE, /* finger up at x, y */
    UI_INPUT_KEY,     /* key */
    UI_INPUT_PINCH,   /* two fingers: scale = distance now / distance at gesture start */
    UI_INPUT_TICK,    /* time passes: timers and animations (same as ui_tick) */
    UI_INPUT_CLOSE,   /* the window manager asks to close */
};

/* One input in screen coordinates (the logical, rotated screen), with the
 * time it happened in ms on any monotonic clock. */
struct ui_input {
    enum ui_input_kind kind;
    uint64_t now_ms;
    int x, y;
    enum ui_key key;
    float scale;
};

/* Where the reader is. page is an index into that screen's pages (0-based). */
struct ui_view {
    enum ui_screen screen;
    int32_t article; /* ARTICLE / ATTRACT: index into the edition's articles, else -1 */
    size_t page;
};

/* A snapshot for the app: what to draw and what to render ahead. */
struct ui_state {
    struct ui_view view;
    /* Pages to pre-render: the page a left swipe (next) or a right swipe
     * (prev) would show; has_* false where there is none. */
    bool has_next, has_prev;
    struct ui_view next, prev;
    /* Horizontal offset of the current page in px while a swipe follows the
     * finger or settles: negative shows `next` at offset + width, positive
     * shows `prev` at offset - width; mirrored when rtl (positive shows
     * `next` at offset - width). 0 when at rest. */
    int offset;
    bool rtl;               /* the page reads right to left: next is a swipe right, the Left key */
    bool animating;         /* a settle or snap-back is running: draw a frame each UI_FRAME_MS */
    bool dirty;             /* something changed since ui_clear_dirty */
    float font_scale;       /* the scale pages must be laid out at */
    float progress;         /* an install in progress: 0..1; < 0 when none */
    bool quit;              /* the user asked to quit and it is allowed */
    int theme;              /* the colour theme, 0 .. cfg.theme_count - 1 */
    enum ui_speech speech;  /* read-aloud: what the reader asked for */
    uint32_t speech_starts; /* counts OFF -> PLAYING: a new reading from the page shown */
    /* The keypad focus: a copy of the focused link of the page shown (its
     * box is where the ring goes); has_focus false when none. */
    bool has_focus;
    struct layout_link focus;
};

/* Pages come from the app through this seam. Returned pointers are owned by
 * the provider and valid only until the next call into the seam; ui keeps
 * none of them. NULL means "none" (no edition, or the layout failed). */
struct ui_content {
    void *ctx;
    size_t (*article_count)(void *ctx);
    const struct layout_pages *(*index_pages)(void *ctx, float font_scale);
    const struct layout_pages *(*article_pages)(void *ctx, size_t article, float font_scale);
    /* The section of an article as an index into the edition's sections (the
     * numbering of layout_link.section), -1 for none. A SECTION link jumps to
     * the first index page listing an article of that section. */
    int32_t (*article_section)(void *ctx, size_t article);
};

struct ui_config {
    int width, height;            /* the logical screen in px */
    float font_scale;             /* starting scale, 0.75 .. 2.5 */
    int theme;                    /* starting colour theme, 0 .. theme_count - 1 */
    int theme_count;              /* themes the theme button cycles through; < 2: none */
    uint64_t idle_timeout_ms;     /* 0 = never go idle */
    uint64_t attract_interval_ms; /* per story in the attract loop; 0 = no attract loop */
    bool allow_quit;
    bool speech; /* read-aloud is available (an audio device): the speak key works */
};

/* The next font scale from scale in direction dir (+1 larger, -1 smaller)
 * along the steps 0.75, 0.85, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.25, 2.5;
 * scale itself at either end. */
float ui_font_scale_step(float scale, int dir);

/* The content seam is copied; the provider must outlive the ui. Starts on
 * the no-edition screen. NULL on allocation failure. */
struct ui *ui_create(const struct ui_config *cfg, const struct ui_content *content,
                     uint64_t now_ms);
void ui_destroy(struct ui *ui); /* NULL is fine */

/* Feeds one input; returns true when the state changed (then it is dirty). */
bool ui_handle(struct ui *ui, const struct ui_input *in);
/* Same as a UI_INPUT_TICK: runs due timers and animation steps. */
bool ui_tick(struct ui *ui, uint64_t now_ms);

/* The next time (ms, same clock) ui_tick has work: an animation frame, the
 * long press, the idle timeout or the next attract story; UI_NO_DEADLINE when
 * nothing is pending. */
uint64_t ui_next_deadline(const struct ui *ui);

void ui_get_state(const struct ui *ui, struct ui_state *out);
void ui_clear_dirty(struct ui *ui);

/* The loader's news: whether an edition is open and whether a bundle is
 * being installed (progress 0..1, < 0 for none). A first edition (or a
 * switch to a new one, edition_changed true) shows the index page 1. */
void ui_set_edition(struct ui *ui, bool has_edition, bool edition_changed, uint64_t now_ms);
void ui_set_progress(struct ui *ui, float progress);
/* Shows the operator status screen as the corner gesture does, cancelling
 * a gesture under way; with for_ms > 0 it goes back to where the reader was
 * after for_ms (a tap still returns sooner). The kiosk shows why a bundle
 * was refused this way, to whoever just plugged in the stick. */
void ui_show_status(struct ui *ui, uint64_t now_ms, uint32_t for_ms);
/* Shows the first page of article as a tap on its index entry would (the
 * idle timer starts again); false when there is no edition, no such article
 * or it has no page. */
bool ui_open_article(struct ui *ui, size_t article, uint64_t now_ms);

/* Read-aloud reached page `page` of the article being read: show it (no
 * animation) and restart the idle timer. Nothing when not reading. */
void ui_speech_follow(struct ui *ui, size_t page, uint64_t now_ms);
/* Read-aloud finished the article (or could not go on): speech is OFF. */
void ui_speech_done(struct ui *ui);
/* Whether read-aloud is available after all (ui_config.speech, known only
 * once the audio device and voices opened); off stops a reading. */
void ui_set_speech(struct ui *ui, bool available);

#endif
