/* The reader's state machine; see ui.h for the behaviour it implements. */
#include "ui.h"

#include <assert.h>
#include <stdlib.h>

static const float font_steps[] = {0.75f, 0.85f, 1.0f, 1.15f, 1.3f, 1.5f, 1.75f, 2.0f, 2.25f, 2.5f};
#define FONT_STEP_COUNT (sizeof font_steps / sizeof font_steps[0])

struct ui {
    struct ui_config cfg;
    struct ui_content content;
    struct ui_view view;
    struct ui_view back;      /* where the status screen returns to */
    uint64_t status_until_ms; /* ui_show_status's return; 0: none */
    float font_scale;
    float progress;
    int theme;
    int focus; /* index into the shown page's links; -1: no focus */
    bool has_edition;
    bool dirty, quit;

    uint64_t last_input_ms; /* idle timers count from here */
    uint64_t attract_next_ms;
    size_t attract_slot;

    /* the finger */
    bool down;
    bool dragging;   /* horizontal swipe following the finger */
    bool vertical;   /* a vertical swipe (no follow) */
    bool swallow;    /* ignore this gesture until release (attract, pinch) */
    bool long_fired; /* the status long press happened */
    int x0, y0, x, y;
    uint64_t t0;
    int last_x;
    uint64_t last_t;
    double velocity; /* px/ms, negative to the left */
    int offset;

    /* settle or snap-back */
    bool anim;
    int anim_from, anim_to;
    uint64_t anim_t0;
    uint64_t frame_ms; /* when the last animation frame was computed */
    int anim_dir;      /* the turn to commit at the end: +1 next, -1 prev, 0 none */

    enum ui_speech speech;
    uint32_t speech_starts;
};

const char *
ui_screen_name(enum ui_screen s)
{
    switch (s) {
    case UI_SCREEN_SPLASH:
        return "splash";
    case UI_SCREEN_NO_EDITION:
        return "no-edition";
    case UI_SCREEN_INDEX:
        return "index";
    case UI_SCREEN_ARTICLE:
        return "article";
    case UI_SCREEN_STATUS:
        return "status";
    case UI_SCREEN_ATTRACT:
        return "attract";
    }
    return "unknown";
}

float
ui_font_scale_step(float scale, int dir)
{
    const float eps = 0.01f;
    if (dir > 0) {
        for (size_t i = 0; i < FONT_STEP_COUNT; i++)
            if (font_steps[i] > scale + eps)
                return font_steps[i];
    } else if (dir < 0) {
        for (size_t i = FONT_STEP_COUNT; i-- > 0;)
            if (font_steps[i] < scale - eps)
                return font_steps[i];
    }
    return scale;
}

static const struct layout_pages *
pages_of(const struct ui *ui, const struct ui_view *v)
{
    if (!ui->has_edition)
        return NULL;
    if (v->screen == UI_SCREEN_INDEX)
        return ui->content.index_pages(ui->content.ctx, ui->font_scale);
    if (v->screen == UI_SCREEN_ARTICLE || v->screen == UI_SCREEN_ATTRACT) {
        if (v->article < 0)
            return NULL;
        return ui->content.article_pages(ui->content.ctx, (size_t)v->article, ui->font_scale);
    }
    return NULL;
}

/* Whether v's page reads right to left: its turns are mirrored. */
static bool
view_rtl(const struct ui *ui, const struct ui_view *v)
{
    if (v->screen != UI_SCREEN_INDEX && v->screen != UI_SCREEN_ARTICLE)
        return false;
    const struct layout_pages *p = pages_of(ui, v);
    return p && v->page < p->count && p->pages[v->page].dir == LAYOUT_DIR_RTL;
}

/* The turn a finger moving by dx asks for: +1 next, -1 previous. */
static int
turn_of(const struct ui *ui, int dx)
{
    return (dx < 0) != view_rtl(ui, &ui->view) ? +1 : -1;
}

static size_t
page_count(const struct ui *ui, const struct ui_view *v)
{
    const struct layout_pages *p = pages_of(ui, v);
    return p ? p->count : 0;
}

static size_t
article_count(const struct ui *ui)
{
    return ui->has_edition ? ui->content.article_count(ui->content.ctx) : 0;
}

static struct ui_view
index_view(size_t page)
{
    return (struct ui_view){.screen = UI_SCREEN_INDEX, .article = -1, .page = page};
}

/* The index page that lists article a (its OPEN_ARTICLE link); 0 if none. */
static size_t
index_page_of(const struct ui *ui, int32_t a)
{
    const struct layout_pages *p =
        ui->has_edition ? ui->content.index_pages(ui->content.ctx, ui->font_scale) : NULL;
    if (!p)
        return 0;
    for (size_t i = 0; i < p->count; i++)
        for (size_t k = 0; k < p->pages[i].link_count; k++) {
            const struct layout_link *l = &p->pages[i].links[k];
            if (l->action == LAYOUT_ACTION_OPEN_ARTICLE && l->article == a)
                return i;
        }
    return 0;
}

/* The screen to show when there is no edition. */
static struct ui_view
empty_view(const struct ui *ui)
{
    return (struct ui_view){.screen = ui->progress >= 0 ? UI_SCREEN_SPLASH : UI_SCREEN_NO_EDITION,
                            .article = -1};
}

/* The view a turn in direction dir (+1 next, -1 previous) leads to. */
static bool
neighbour(const struct ui *ui, const struct ui_view *v, int dir, struct ui_view *out)
{
    if (v->screen != UI_SCREEN_INDEX && v->screen != UI_SCREEN_ARTICLE)
        return false;
    size_t n = page_count(ui, v);
    if (dir > 0 && v->page + 1 < n) {
        *out = *v;
        out->page++;
        return true;
    }
    if (dir < 0 && v->page > 0) {
        *out = *v;
        out->page--;
        return true;
    }
    if (v->screen != UI_SCREEN_ARTICLE)
        return false;
    if (dir > 0) {
        /* the next article that has pages */
        size_t count = article_count(ui);
        for (size_t a = (size_t)v->article + 1; a < count; a++) {
            struct ui_view w = {.screen = UI_SCREEN_ARTICLE, .article = (int32_t)a, .page = 0};
            if (page_count(ui, &w) > 0) {
                *out = w;
                return true;
            }
        }
        return false;
    }
    *out = index_view(index_page_of(ui, v->article));
    return true;
}

static void
go(struct ui *ui, struct ui_view v)
{
    /* reading aloud belongs to one article on the reader's screen */
    if (ui->speech != UI_SPEECH_OFF &&
        (v.screen != UI_SCREEN_ARTICLE || v.article != ui->view.article))
        ui->speech = UI_SPEECH_OFF;
    ui->view = v;
    ui->focus = -1;
    ui->offset = 0;
    ui->anim = false;
    ui->dirty = true;
}

static bool
turn(struct ui *ui, int dir)
{
    struct ui_view v;
    if (!neighbour(ui, &ui->view, dir, &v))
        return false;
    go(ui, v);
    return true;
}

static bool
open_article(struct ui *ui, int32_t a)
{
    if (a < 0 || (size_t)a >= article_count(ui))
        return false;
    struct ui_view v = {.screen = UI_SCREEN_ARTICLE, .article = a, .page = 0};
    if (page_count(ui, &v) == 0)
        return false;
    go(ui, v);
    return true;
}

static bool
to_contents(struct ui *ui)
{
    if (!ui->has_edition)
        return false;
    size_t page = ui->view.screen == UI_SCREEN_ARTICLE ? index_page_of(ui, ui->view.article) : 0;
    go(ui, index_view(page));
    return true;
}

static bool
change_font(struct ui *ui, int dir)
{
    float scale = ui_font_scale_step(ui->font_scale, dir);
    if (scale == ui->font_scale)
        return false;
    int32_t block = -1;
    if (ui->view.screen == UI_SCREEN_ARTICLE) {
        const struct layout_pages *old = pages_of(ui, &ui->view);
        if (old && ui->view.page < old->count)
            block = old->pages[ui->view.page].first_block;
    }
    ui->font_scale = scale;
    struct ui_view v = ui->view;
    const struct layout_pages *now = pages_of(ui, &v);
    size_t n = now ? now->count : 0;
    if (block >= 0 && now)
        v.page = layout_page_for_block(now, block);
    if (n == 0)
        v.page = 0;
    else if (v.page >= n)
        v.page = n - 1;
    go(ui, v);
    return true;
}

static void
show_status(struct ui *ui)
{
    ui->status_until_ms = 0;
    if (ui->view.screen == UI_SCREEN_STATUS)
        return;
    ui->back = ui->view;
    if (ui->back.screen == UI_SCREEN_ATTRACT)
        ui->back = index_view(0);
    go(ui, (struct ui_view){.screen = UI_SCREEN_STATUS, .article = -1});
}

static void
leave_status(struct ui *ui)
{
    ui->status_until_ms = 0;
    struct ui_view v = ui->back;
    if (!ui->has_edition)
        v = empty_view(ui);
    else if (v.screen != UI_SCREEN_INDEX && v.screen != UI_SCREEN_ARTICLE)
        v = index_view(0);
    go(ui, v);
}

/* The SECTION link's target: the first index page listing an article of
 * that section. */
static bool
jump_to_section(struct ui *ui, int32_t section)
{
    const struct layout_pages *p = pages_of(ui, &ui->view);
    if (!p || ui->view.screen != UI_SCREEN_INDEX || section < 0)
        return false;
    for (size_t i = 0; i < p->count; i++)
        for (size_t k = 0; k < p->pages[i].link_count; k++) {
            const struct layout_link *l = &p->pages[i].links[k];
            if (l->action != LAYOUT_ACTION_OPEN_ARTICLE || l->article < 0 ||
                ui->content.article_section(ui->content.ctx, (size_t)l->article) != section)
                continue;
            if (i == ui->view.page)
                return false;
            go(ui, index_view(i));
            return true;
        }
    return false;
}

/* The speaker: start, pause, resume. */
static bool
speak(struct ui *ui)
{
    if (!ui->cfg.speech || ui->view.screen != UI_SCREEN_ARTICLE)
        return false;
    if (ui->speech == UI_SPEECH_OFF) {
        ui->speech = UI_SPEECH_PLAYING;
        ui->speech_starts++;
    } else {
        ui->speech = ui->speech == UI_SPEECH_PLAYING ? UI_SPEECH_PAUSED : UI_SPEECH_PLAYING;
    }
    ui->dirty = true;
    return true;
}

static bool
next_theme(struct ui *ui)
{
    if (ui->cfg.theme_count < 2)
        return false;
    ui->theme = (ui->theme + 1) % ui->cfg.theme_count;
    ui->dirty = true;
    return true;
}

/* The page shown, when it has links (index or article); NULL otherwise. */
static const struct layout_page *
shown_page(const struct ui *ui)
{
    if (ui->view.screen != UI_SCREEN_INDEX && ui->view.screen != UI_SCREEN_ARTICLE)
        return NULL;
    const struct layout_pages *p = pages_of(ui, &ui->view);
    return p && ui->view.page < p->count ? &p->pages[ui->view.page] : NULL;
}

/* The focused link, or NULL. */
static const struct layout_link *
focused(const struct ui *ui)
{
    const struct layout_page *pg = ui->focus >= 0 ? shown_page(ui) : NULL;
    return pg && (size_t)ui->focus < pg->link_count ? &pg->links[ui->focus] : NULL;
}

/* A bar button: anything but an index entry or section label. */
static bool
in_bar(const struct layout_link *l)
{
    return l->action != LAYOUT_ACTION_OPEN_ARTICLE && l->action != LAYOUT_ACTION_SECTION;
}

/* Moves the focus to the next (dir +1) or previous (-1) enabled link in
 * layout's order, wrapping around; from no focus, the first or the last. */
static bool
focus_step(struct ui *ui, int dir)
{
    const struct layout_page *pg = shown_page(ui);
    if (!pg || pg->link_count == 0)
        return false;
    int n = (int)pg->link_count;
    int at = focused(ui) ? ui->focus : (dir > 0 ? -1 : n);
    for (int k = 1; k <= n; k++) {
        int i = ((at + dir * k) % n + n) % n;
        if (pg->links[i].enabled) {
            if (i == ui->focus)
                return false;
            ui->focus = i;
            ui->dirty = true;
            return true;
        }
    }
    return false;
}

/* Whether another enabled bar button shares the focused one's row (the
 * reader's bar; the index's lone theme button has none). */
static bool
bar_row(const struct ui *ui, const struct layout_link *f)
{
    const struct layout_page *pg = shown_page(ui);
    for (size_t i = 0; pg && i < pg->link_count; i++) {
        const struct layout_link *l = &pg->links[i];
        if (l != f && l->enabled && in_bar(l) && l->y == f->y)
            return true;
    }
    return false;
}

/* Moves a bar focus to the nearest enabled bar button on its left (dx < 0)
 * or right (dx > 0) on the screen; false at the end of the bar. */
static bool
focus_along_bar(struct ui *ui, int dx)
{
    const struct layout_page *pg = shown_page(ui);
    const struct layout_link *f = focused(ui);
    if (!pg || !f)
        return false;
    int best = -1, best_d = 0;
    for (size_t i = 0; i < pg->link_count; i++) {
        const struct layout_link *l = &pg->links[i];
        if ((int)i == ui->focus || !l->enabled || !in_bar(l) || l->y != f->y)
            continue;
        int d = (l->x - f->x) * (dx < 0 ? -1 : 1);
        if (d > 0 && (best < 0 || d < best_d)) {
            best = (int)i;
            best_d = d;
        }
    }
    if (best < 0)
        return false;
    ui->focus = best;
    ui->dirty = true;
    return true;
}

/* After the page was laid out again (the font size): the focus back on the
 * link of this action, so Enter on A+ can be pressed again. */
static void
refocus(struct ui *ui, uint8_t action)
{
    const struct layout_page *pg = shown_page(ui);
    for (size_t i = 0; pg && i < pg->link_count; i++)
        if (pg->links[i].action == action) {
            ui->focus = (int)i;
            return;
        }
}

static bool
act(struct ui *ui, const struct layout_link *l)
{
    switch ((enum layout_action)l->action) {
    case LAYOUT_ACTION_OPEN_ARTICLE:
        return open_article(ui, l->article);
    case LAYOUT_ACTION_SECTION:
        return jump_to_section(ui, l->section);
    case LAYOUT_ACTION_PREV_STORY:
        return ui->view.screen == UI_SCREEN_ARTICLE && open_article(ui, ui->view.article - 1);
    case LAYOUT_ACTION_NEXT_STORY:
        return ui->view.screen == UI_SCREEN_ARTICLE && open_article(ui, ui->view.article + 1);
    case LAYOUT_ACTION_CONTENTS:
        return to_contents(ui);
    case LAYOUT_ACTION_FONT_SMALLER:
        return change_font(ui, -1);
    case LAYOUT_ACTION_FONT_LARGER:
        return change_font(ui, +1);
    case LAYOUT_ACTION_THEME:
        return next_theme(ui);
    case LAYOUT_ACTION_SPEAK:
        return speak(ui);
    }
    return false;
}

/* Enter: the focused link acts as a tap on it; the size and theme buttons
 * keep the focus. */
static bool
activate(struct ui *ui)
{
    const struct layout_link *f = focused(ui);
    if (!f || !f->enabled)
        return false;
    struct layout_link l = *f; /* act may lay the pages out again */
    int keep = ui->focus;
    bool changed = act(ui, &l);
    if (l.action == LAYOUT_ACTION_THEME)
        ui->focus = keep;
    else if (l.action == LAYOUT_ACTION_FONT_SMALLER || l.action == LAYOUT_ACTION_FONT_LARGER)
        refocus(ui, l.action);
    return changed;
}

static bool
tap(struct ui *ui, int x, int y)
{
    if (ui->view.screen == UI_SCREEN_STATUS) {
        leave_status(ui);
        return true;
    }
    if (ui->view.screen != UI_SCREEN_INDEX && ui->view.screen != UI_SCREEN_ARTICLE)
        return false;
    const struct layout_pages *p = pages_of(ui, &ui->view);
    if (p && ui->view.page < p->count) {
        const struct layout_page *pg = &p->pages[ui->view.page];
        for (size_t k = 0; k < pg->link_count; k++) {
            const struct layout_link *l = &pg->links[k];
            if (l->enabled && x >= l->x && x < l->x + l->w && y >= l->y && y < l->y + l->h)
                return act(ui, l);
        }
    }
    if (ui->speech == UI_SPEECH_PLAYING) {
        /* a tap while reading pauses it; the speaker resumes */
        ui->speech = UI_SPEECH_PAUSED;
        ui->dirty = true;
        return true;
    }
    int edge = ui->cfg.width * UI_EDGE_PERCENT / 100;
    int back = view_rtl(ui, &ui->view) ? +1 : -1; /* the left edge's turn */
    if (x < edge)
        return turn(ui, back);
    if (x >= ui->cfg.width - edge)
        return turn(ui, -back);
    return false;
}

static bool
key(struct ui *ui, enum ui_key k)
{
    enum ui_screen s = ui->view.screen;
    int right = view_rtl(ui, &ui->view) ? -1 : +1; /* the Right key's turn */
    const struct layout_link *f = focused(ui);
    switch (k) {
    case UI_KEY_RIGHT:
        if (f && in_bar(f) && bar_row(ui, f))
            return focus_along_bar(ui, +1);
        return turn(ui, right);
    case UI_KEY_LEFT:
        if (f && in_bar(f) && bar_row(ui, f))
            return focus_along_bar(ui, -1);
        return turn(ui, -right);
    case UI_KEY_DOWN:
    case UI_KEY_TAB:
        return focus_step(ui, +1);
    case UI_KEY_UP:
    case UI_KEY_BACKTAB:
        return focus_step(ui, -1);
    case UI_KEY_ENTER:
        return activate(ui);
    case UI_KEY_THEME:
        return next_theme(ui);
    case UI_KEY_PAGEDOWN:
    case UI_KEY_SPACE:
        return turn(ui, +1);
    case UI_KEY_PAGEUP:
        return turn(ui, -1);
    case UI_KEY_HOME:
        if (!ui->has_edition)
            return false;
        go(ui, index_view(0));
        return true;
    case UI_KEY_ESCAPE:
        if (ui->speech != UI_SPEECH_OFF) {
            ui->speech = UI_SPEECH_OFF;
            ui->dirty = true;
            return true;
        }
        if (s == UI_SCREEN_STATUS) {
            leave_status(ui);
            return true;
        }
        if (s == UI_SCREEN_ARTICLE)
            return to_contents(ui);
        if (ui->cfg.allow_quit && (s == UI_SCREEN_INDEX || !ui->has_edition)) {
            ui->quit = true;
            ui->dirty = true;
            return true;
        }
        if (s == UI_SCREEN_INDEX && ui->view.page != 0) {
            go(ui, index_view(0));
            return true;
        }
        if (ui->focus >= 0) {
            ui->focus = -1;
            ui->dirty = true;
            return true;
        }
        return false;
    case UI_KEY_PLUS:
        return change_font(ui, +1);
    case UI_KEY_MINUS:
        return change_font(ui, -1);
    case UI_KEY_STATUS:
        if (s == UI_SCREEN_STATUS)
            leave_status(ui);
        else
            show_status(ui);
        return true;
    case UI_KEY_SPEAK:
        return speak(ui);
    case UI_KEY_NONE:
        break;
    }
    return false;
}

/* Finishes a running settle at once (a new gesture interrupts it). */
static void
finish_anim(struct ui *ui)
{
    if (!ui->anim)
        return;
    int dir = ui->anim_dir;
    ui->anim = false;
    ui->offset = 0;
    ui->dirty = true;
    if (dir)
        turn(ui, dir);
}

static void
start_anim(struct ui *ui, int to, int dir, uint64_t now)
{
    ui->anim = true;
    ui->anim_from = ui->offset;
    ui->anim_to = to;
    ui->anim_dir = dir;
    ui->anim_t0 = ui->frame_ms = now;
    ui->dirty = true;
}

static bool
follows(const struct ui *ui)
{
    return ui->view.screen == UI_SCREEN_INDEX || ui->view.screen == UI_SCREEN_ARTICLE;
}

static bool
press(struct ui *ui, const struct ui_input *in)
{
    if (ui->view.screen == UI_SCREEN_ATTRACT) {
        go(ui, index_view(0));
        ui->down = true;
        ui->swallow = true;
        return true;
    }
    bool changed = ui->anim || ui->focus >= 0;
    if (ui->focus >= 0) {
        ui->focus = -1; /* a touch: the keypad's ring goes */
        ui->dirty = true;
    }
    finish_anim(ui);
    ui->down = true;
    ui->swallow = false;
    ui->dragging = ui->vertical = ui->long_fired = false;
    ui->x0 = ui->x = ui->last_x = in->x;
    ui->y0 = ui->y = in->y;
    ui->t0 = ui->last_t = in->now_ms;
    ui->velocity = 0;
    return changed;
}

static bool
move(struct ui *ui, const struct ui_input *in)
{
    if (!ui->down || ui->swallow || ui->long_fired)
        return false;
    ui->x = in->x;
    ui->y = in->y;
    int dx = ui->x - ui->x0, dy = ui->y - ui->y0;
    if (in->now_ms > ui->last_t) {
        double v = (double)(in->x - ui->last_x) / (double)(in->now_ms - ui->last_t);
        ui->velocity = 0.5 * ui->velocity + 0.5 * v;
        ui->last_x = in->x;
        ui->last_t = in->now_ms;
    }
    if (!ui->dragging && !ui->vertical) {
        if (abs(dx) > UI_TAP_SLOP && abs(dx) >= abs(dy) && follows(ui))
            ui->dragging = true;
        else if (abs(dy) > UI_TAP_SLOP && abs(dy) > abs(dx))
            ui->vertical = true;
    }
    if (!ui->dragging)
        return false;
    struct ui_view v;
    int off = neighbour(ui, &ui->view, turn_of(ui, dx), &v) ? dx : dx / 3;
    if (off == ui->offset)
        return false;
    ui->offset = off;
    ui->dirty = true;
    return true;
}

static bool
release(struct ui *ui, const struct ui_input *in)
{
    if (!ui->down)
        return false;
    ui->down = false;
    if (ui->swallow || ui->long_fired)
        return false;
    move(ui,
         &(struct ui_input){.kind = UI_INPUT_MOVE, .now_ms = in->now_ms, .x = in->x, .y = in->y});
    int dx = ui->x - ui->x0, dy = ui->y - ui->y0;
    if (ui->dragging) {
        ui->dragging = false;
        int dir = turn_of(ui, dx);
        struct ui_view v;
        bool far = abs(dx) * 100 > ui->cfg.width * UI_SWIPE_PERCENT;
        bool flick = (dx < 0 && ui->velocity <= -UI_FLICK_PX_PER_MS) ||
                     (dx > 0 && ui->velocity >= UI_FLICK_PX_PER_MS);
        /* the page leaves the way the finger moved */
        if ((far || flick) && neighbour(ui, &ui->view, dir, &v))
            start_anim(ui, (dx < 0 ? -1 : 1) * ui->cfg.width, dir, in->now_ms);
        else
            start_anim(ui, 0, 0, in->now_ms);
        return true;
    }
    if (ui->vertical) {
        ui->vertical = false;
        if (dy * 100 > ui->cfg.height * 15 && ui->view.screen == UI_SCREEN_ARTICLE)
            return to_contents(ui);
        return false;
    }
    return tap(ui, ui->x0, ui->y0);
}

static bool
pinch(struct ui *ui, const struct ui_input *in)
{
    if (ui->down)
        ui->swallow = true; /* the fingers' release is not a tap */
    ui->offset = 0;
    ui->dragging = false;
    if (ui->view.screen != UI_SCREEN_ARTICLE && ui->view.screen != UI_SCREEN_INDEX)
        return false;
    if (in->scale >= 1.1f)
        return change_font(ui, +1);
    if (in->scale > 0 && in->scale <= 0.9f)
        return change_font(ui, -1);
    return false;
}

static bool
in_corner(const struct ui *ui)
{
    return ui->x0 < UI_CORNER_PX && ui->y0 < UI_CORNER_PX;
}

bool
ui_tick(struct ui *ui, uint64_t now)
{
    bool changed = false;
    if (ui->anim) {
        uint64_t t = now > ui->anim_t0 ? now - ui->anim_t0 : 0;
        if (t >= UI_SETTLE_MS) {
            finish_anim(ui);
        } else {
            /* ease out: fast at the start, gentle at the end */
            double f = (double)t / UI_SETTLE_MS;
            f = 1.0 - (1.0 - f) * (1.0 - f);
            ui->frame_ms = now;
            ui->offset = ui->anim_from + (int)((ui->anim_to - ui->anim_from) * f);
            ui->dirty = true;
        }
        changed = true;
    }
    if (ui->down && !ui->dragging && !ui->vertical && !ui->swallow && !ui->long_fired &&
        in_corner(ui) && now >= ui->t0 + UI_LONG_PRESS_MS) {
        ui->long_fired = true;
        show_status(ui);
        changed = true;
    }
    if (ui->status_until_ms && now >= ui->status_until_ms && !ui->down) {
        if (ui->view.screen == UI_SCREEN_STATUS)
            leave_status(ui);
        ui->status_until_ms = 0;
        ui->last_input_ms = now;
        changed = true;
    }
    uint64_t idle = ui->cfg.idle_timeout_ms;
    if (idle && !ui->down && !ui->anim && now >= ui->last_input_ms + idle) {
        enum ui_screen s = ui->view.screen;
        if (s == UI_SCREEN_STATUS || s == UI_SCREEN_ARTICLE ||
            (s == UI_SCREEN_INDEX && ui->view.page != 0)) {
            if (ui->has_edition)
                go(ui, index_view(0));
            else
                go(ui, empty_view(ui));
            ui->last_input_ms = now;
            changed = true;
        } else if (s == UI_SCREEN_INDEX && ui->cfg.attract_interval_ms && article_count(ui) > 0) {
            ui->attract_slot = 0;
            ui->attract_next_ms = now + ui->cfg.attract_interval_ms;
            go(ui, (struct ui_view){.screen = UI_SCREEN_ATTRACT, .article = 0});
            changed = true;
        }
    }
    if (ui->view.screen == UI_SCREEN_ATTRACT && now >= ui->attract_next_ms) {
        size_t top = article_count(ui);
        if (top > UI_ATTRACT_TOP)
            top = UI_ATTRACT_TOP;
        if (top == 0) {
            go(ui, ui->has_edition ? index_view(0) : empty_view(ui));
        } else {
            ui->attract_slot = (ui->attract_slot + 1) % top;
            go(ui,
               (struct ui_view){.screen = UI_SCREEN_ATTRACT, .article = (int32_t)ui->attract_slot});
        }
        ui->attract_next_ms += ui->cfg.attract_interval_ms;
        if (ui->attract_next_ms <= now)
            ui->attract_next_ms = now + ui->cfg.attract_interval_ms;
        changed = true;
    }
    return changed;
}

bool
ui_handle(struct ui *ui, const struct ui_input *in)
{
    if (in->kind != UI_INPUT_TICK && in->kind != UI_INPUT_CLOSE)
        ui->last_input_ms = in->now_ms;
    bool changed = ui_tick(ui, in->now_ms);
    switch (in->kind) {
    case UI_INPUT_PRESS:
        changed |= press(ui, in);
        break;
    case UI_INPUT_MOVE:
        changed |= move(ui, in);
        break;
    case UI_INPUT_RELEASE:
        changed |= release(ui, in);
        break;
    case UI_INPUT_KEY:
        if (ui->view.screen == UI_SCREEN_ATTRACT) {
            go(ui, index_view(0));
            changed = true;
            break;
        }
        finish_anim(ui);
        changed |= key(ui, in->key);
        break;
    case UI_INPUT_PINCH:
        changed |= pinch(ui, in);
        break;
    case UI_INPUT_CLOSE:
        if (ui->cfg.allow_quit) {
            ui->quit = true;
            ui->dirty = true;
            changed = true;
        }
        break;
    case UI_INPUT_TICK:
        break;
    }
    return changed;
}

uint64_t
ui_next_deadline(const struct ui *ui)
{
    uint64_t d = UI_NO_DEADLINE;
    if (ui->anim)
        return ui->frame_ms + UI_FRAME_MS;
    if (ui->down && !ui->dragging && !ui->vertical && !ui->swallow && !ui->long_fired &&
        in_corner(ui))
        d = ui->t0 + UI_LONG_PRESS_MS;
    enum ui_screen s = ui->view.screen;
    if (ui->cfg.idle_timeout_ms && !ui->down &&
        (s == UI_SCREEN_STATUS || s == UI_SCREEN_ARTICLE ||
         (s == UI_SCREEN_INDEX && (ui->view.page != 0 || ui->cfg.attract_interval_ms)))) {
        uint64_t t = ui->last_input_ms + ui->cfg.idle_timeout_ms;
        if (t < d)
            d = t;
    }
    if (s == UI_SCREEN_ATTRACT && ui->attract_next_ms < d)
        d = ui->attract_next_ms;
    if (ui->status_until_ms && !ui->down && ui->status_until_ms < d)
        d = ui->status_until_ms;
    return d;
}

void
ui_get_state(const struct ui *ui, struct ui_state *out)
{
    *out = (struct ui_state){.view = ui->view,
                             .offset = ui->offset,
                             .animating = ui->anim,
                             .dirty = ui->dirty,
                             .font_scale = ui->font_scale,
                             .progress = ui->progress,
                             .quit = ui->quit,
                             .theme = ui->theme,
                             .speech = ui->speech,
                             .speech_starts = ui->speech_starts,
                             .rtl = view_rtl(ui, &ui->view)};
    const struct layout_link *f = focused(ui);
    if (f) {
        out->has_focus = true;
        out->focus = *f;
    }
    out->has_next = neighbour(ui, &ui->view, +1, &out->next);
    out->has_prev = neighbour(ui, &ui->view, -1, &out->prev);
}

void
ui_clear_dirty(struct ui *ui)
{
    ui->dirty = false;
}

void
ui_set_edition(struct ui *ui, bool has_edition, bool edition_changed, uint64_t now_ms)
{
    bool had = ui->has_edition;
    ui->has_edition = has_edition;
    if (has_edition && had && !edition_changed)
        return;
    ui->down = ui->dragging = false;
    ui->last_input_ms = now_ms;
    struct ui_view v = has_edition ? index_view(0) : empty_view(ui);
    if (ui->view.screen == UI_SCREEN_STATUS)
        ui->back = v;
    else
        go(ui, v);
}

void
ui_show_status(struct ui *ui, uint64_t now_ms, uint32_t for_ms)
{
    if (ui->anim)
        finish_anim(ui);
    ui->down = ui->dragging = false;
    ui->offset = 0;
    ui->last_input_ms = now_ms;
    show_status(ui);
    ui->status_until_ms = for_ms ? now_ms + for_ms : 0;
    ui->dirty = true;
}

bool
ui_open_article(struct ui *ui, size_t article, uint64_t now_ms)
{
    if (!ui->has_edition || article > INT32_MAX)
        return false;
    ui->last_input_ms = now_ms;
    return open_article(ui, (int32_t)article);
}

void
ui_set_progress(struct ui *ui, float progress)
{
    if (progress == ui->progress)
        return;
    ui->progress = progress;
    ui->dirty = true;
    if (!ui->has_edition && ui->view.screen != UI_SCREEN_STATUS)
        go(ui, empty_view(ui));
}

struct ui *
ui_create(const struct ui_config *cfg, const struct ui_content *content, uint64_t now_ms)
{
    assert(cfg && content && content->article_count && content->index_pages &&
           content->article_pages && content->article_section);
    struct ui *ui = calloc(1, sizeof *ui);
    if (!ui)
        return NULL;
    ui->cfg = *cfg;
    ui->content = *content;
    ui->font_scale = cfg->font_scale > 0 ? cfg->font_scale : 1.0f;
    ui->progress = -1;
    ui->focus = -1;
    ui->theme = cfg->theme > 0 && cfg->theme < cfg->theme_count ? cfg->theme : 0;
    ui->last_input_ms = now_ms;
    ui->view = empty_view(ui);
    ui->dirty = true;
    return ui;
}

void
ui_destroy(struct ui *ui)
{
    free(ui);
}

void
ui_speech_follow(struct ui *ui, size_t page, uint64_t now_ms)
{
    if (ui->speech == UI_SPEECH_OFF || ui->view.screen != UI_SCREEN_ARTICLE)
        return;
    ui->last_input_ms = now_ms;
    if (page == ui->view.page || page >= page_count(ui, &ui->view) || ui->down)
        return;
    struct ui_view v = ui->view;
    v.page = page;
    go(ui, v);
}

void
ui_set_speech(struct ui *ui, bool available)
{
    ui->cfg.speech = available;
    if (!available && ui->speech != UI_SPEECH_OFF) {
        ui->speech = UI_SPEECH_OFF;
        ui->dirty = true;
    }
}

void
ui_speech_done(struct ui *ui)
{
    if (ui->speech != UI_SPEECH_OFF) {
        ui->speech = UI_SPEECH_OFF;
        ui->dirty = true;
    }
}
