/* SDL events to struct ui_input: the edge where the ui meets SDL. */
#include <math.h>

#include "kiosk.h"

#define PINCH_STEP 1.1f /* a pinch step: the fingers' distance changed by 10% */

void
app_input_init(struct app_input *in, int lw, int lh, int pw, int ph, int rotate)
{
    *in = (struct app_input){.lw = lw, .lh = lh, .pw = pw, .ph = ph, .rotate = rotate};
}

void
app_input_map(const struct app_input *in, float px, float py, int *lx, int *ly)
{
    int x = (int)floorf(px), y = (int)floorf(py);
    switch (in->rotate) {
    case 90: /* logical (x, y) is drawn at window (lh-1-y, x) */
        *lx = y;
        *ly = in->lh - 1 - x;
        break;
    case 180:
        *lx = in->lw - 1 - x;
        *ly = in->lh - 1 - y;
        break;
    case 270: /* logical (x, y) is drawn at window (y, lw-1-x) */
        *lx = in->lw - 1 - y;
        *ly = x;
        break;
    default:
        *lx = x;
        *ly = y;
        break;
    }
}

enum ui_key
app_input_key(SDL_Keycode k)
{
    switch (k) {
    case SDLK_LEFT:
        return UI_KEY_LEFT;
    case SDLK_RIGHT:
        return UI_KEY_RIGHT;
    case SDLK_PAGEUP:
        return UI_KEY_PAGEUP;
    case SDLK_PAGEDOWN:
        return UI_KEY_PAGEDOWN;
    case SDLK_SPACE:
        return UI_KEY_SPACE;
    case SDLK_HOME:
        return UI_KEY_HOME;
    case SDLK_ESCAPE:
    case SDLK_AC_BACK:
        return UI_KEY_ESCAPE;
    case SDLK_PLUS:
    case SDLK_EQUALS: /* + without shift on most layouts */
    case SDLK_KP_PLUS:
        return UI_KEY_PLUS;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        return UI_KEY_MINUS;
    case SDLK_F1:
    case SDLK_s:
        return UI_KEY_STATUS;
    case SDLK_F2:
    case SDLK_c:
        return UI_KEY_THEME;
    case SDLK_UP:
        return UI_KEY_UP;
    case SDLK_DOWN:
        return UI_KEY_DOWN;
    case SDLK_TAB:
        return UI_KEY_TAB;
    case SDLK_RETURN:
    case SDLK_RETURN2:
    case SDLK_KP_ENTER:
    case SDLK_SELECT:
        return UI_KEY_ENTER;
    case SDLK_r: /* read aloud */
    case SDLK_AUDIOPLAY:
        return UI_KEY_SPEAK;
    default:
        return UI_KEY_NONE;
    }
}

static int
finger_slot(const struct app_input *in, SDL_FingerID id)
{
    for (int i = 0; i < in->fingers; i++)
        if (in->finger[i] == id)
            return i;
    return -1;
}

static float
finger_distance(const struct app_input *in)
{
    float dx = in->fx[0] - in->fx[1], dy = in->fy[0] - in->fy[1];
    return sqrtf(dx * dx + dy * dy);
}

static void
point(struct app_input *in, enum ui_input_kind kind, float px, float py, uint64_t now,
      struct ui_input *out)
{
    *out = (struct ui_input){.kind = kind, .now_ms = now};
    app_input_map(in, px, py, &out->x, &out->y);
}

static bool
finger(struct app_input *in, const SDL_TouchFingerEvent *f, uint32_t type, uint64_t now,
       struct ui_input *out)
{
    if (f->touchId == SDL_MOUSE_TOUCHID)
        return false; /* SDL's copy of a mouse event: the mouse event is taken instead */
    float px = f->x * (float)in->pw, py = f->y * (float)in->ph;
    int slot = finger_slot(in, f->fingerId);
    if (type == SDL_FINGERDOWN) {
        if (slot >= 0 || in->fingers == 2)
            return false;
        slot = in->fingers++;
        in->finger[slot] = f->fingerId;
        in->fx[slot] = px;
        in->fy[slot] = py;
        if (slot == 0) {
            point(in, UI_INPUT_PRESS, px, py, now, out);
            return true;
        }
        in->pinch_base = finger_distance(in);
        return false;
    }
    if (slot < 0)
        return false;
    in->fx[slot] = px;
    in->fy[slot] = py;
    if (type == SDL_FINGERMOTION) {
        if (in->fingers == 2) {
            float d = finger_distance(in);
            if (in->pinch_base < 1.0f)
                in->pinch_base = d;
            float ratio = in->pinch_base >= 1.0f ? d / in->pinch_base : 1.0f;
            if (ratio >= PINCH_STEP || ratio <= 1.0f / PINCH_STEP) {
                in->pinch_base = d;
                *out = (struct ui_input){.kind = UI_INPUT_PINCH, .now_ms = now, .scale = ratio};
                return true;
            }
            return false;
        }
        point(in, UI_INPUT_MOVE, px, py, now, out);
        return true;
    }
    /* SDL_FINGERUP: the first finger's release ends the gesture */
    bool primary = slot == 0;
    if (primary && in->fingers == 2) {
        in->finger[0] = in->finger[1];
        in->fx[0] = in->fx[1];
        in->fy[0] = in->fy[1];
    }
    in->fingers--;
    if (!primary && in->fingers == 1)
        return false;
    point(in, UI_INPUT_RELEASE, px, py, now, out);
    if (primary && in->fingers == 1)
        in->fingers = 0; /* the other finger's lift is ignored */
    return true;
}

bool
app_input_translate(struct app_input *in, const SDL_Event *ev, uint64_t now_ms,
                    struct ui_input *out)
{
    switch (ev->type) {
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP:
        return finger(in, &ev->tfinger, ev->type, now_ms, out);
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            return false;
        in->mouse_down = true;
        point(in, UI_INPUT_PRESS, (float)ev->button.x, (float)ev->button.y, now_ms, out);
        return true;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID || !in->mouse_down)
            return false;
        point(in, UI_INPUT_MOVE, (float)ev->motion.x, (float)ev->motion.y, now_ms, out);
        return true;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT ||
            !in->mouse_down)
            return false;
        in->mouse_down = false;
        point(in, UI_INPUT_RELEASE, (float)ev->button.x, (float)ev->button.y, now_ms, out);
        return true;
    case SDL_KEYDOWN: {
        enum ui_key k = app_input_key(ev->key.keysym.sym);
        if (k == UI_KEY_NONE)
            return false;
        if (k == UI_KEY_TAB && (ev->key.keysym.mod & KMOD_SHIFT))
            k = UI_KEY_BACKTAB;
        *out = (struct ui_input){.kind = UI_INPUT_KEY, .now_ms = now_ms, .key = k};
        return true;
    }
    case SDL_QUIT:
        *out = (struct ui_input){.kind = UI_INPUT_CLOSE, .now_ms = now_ms};
        return true;
    default:
        return false;
    }
}
