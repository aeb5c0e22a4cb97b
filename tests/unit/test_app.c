/* Unit tests for app's config file: every key, comments and blank lines,
 * repeatable keys, and one row per bad input: the error names the file, the
 * line and the rule. */
#include <stdlib.h>
#include <unistd.h>

#include "app_internal.h"
#include "check.h"
#include "kiosk.h"

static char dir[] = "/tmp/nk-test-app-XXXXXX";

static const char *
write_conf(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static void
test_good(void)
{
    struct app_config c;
    app_config_defaults(&c);
    CHECK_INT(c.width, 800);
    CHECK_INT(c.height, 480);
    CHECK(c.font_scale == 1.0f);
    CHECK_STR(c.state_dir, APP_DEFAULT_STATE_DIR);
    CHECK(!c.allow_quit);
    CHECK_INT(c.idle_timeout_s, 120);
    CHECK_INT(c.theme, 0); /* normal */

    const char *path = write_conf("good.conf", "# a kiosk in the library\n"
                                               "\n"
                                               "size = 1024x600\n"
                                               "rotate=90\n"
                                               "  fullscreen = yes  \n"
                                               "font_scale = 2.5\n"
                                               "theme = contrast-dark\n"
                                               "margin = 24\n"
                                               "font_size = 20\n"
                                               "ragged_right = true\n"
                                               "idle_timeout = 30\n"
                                               "attract_interval = 4\n"
                                               "allow_quit = no\n"
                                               "state_dir = /srv/kiosk\n"
                                               "inbox = /media/usb0\n"
                                               "inbox = \"/media/usb 1\"\n"
                                               "key = /etc/newskiosk/a.pub\n"
                                               "key = /etc/newskiosk/b.pub\n"
                                               "require_signature = on\r\n");
    struct err e;
    err_clear(&e);
    CHECK_MSG(app_config_load_file(&c, path, false, &e), "%s", e.msg);
    CHECK_INT(c.width, 1024);
    CHECK_INT(c.height, 600);
    CHECK_INT(c.rotate, 90);
    CHECK(c.fullscreen);
    CHECK(c.font_scale == 2.5f);
    CHECK_INT(c.theme, 2); /* RENDER_THEME_CONTRAST_DARK */
    CHECK_INT(c.margin, 24);
    CHECK_INT(c.base_px, 20);
    CHECK(c.ragged);
    CHECK_INT(c.idle_timeout_s, 30);
    CHECK_INT(c.attract_interval_s, 4);
    CHECK(!c.allow_quit);
    CHECK_STR(c.state_dir, "/srv/kiosk");
    CHECK_INT(c.inbox_count, 2);
    CHECK_STR(c.inbox[0], "/media/usb0");
    CHECK_STR(c.inbox[1], "/media/usb 1");
    CHECK_INT(c.key_count, 2);
    CHECK_STR(c.keys[1], "/etc/newskiosk/b.pub");
    CHECK(c.require_signature);

    /* a missing default file is fine; a missing named one is not */
    app_config_defaults(&c);
    CHECK(app_config_load_file(&c, "/nonexistent/kiosk.conf", true, &e));
    CHECK(!app_config_load_file(&c, "/nonexistent/kiosk.conf", false, &e));
    CHECK_CONTAINS(e.msg, "/nonexistent/kiosk.conf: cannot open the config file");

    /* the shipped example config is valid */
    app_config_defaults(&c);
    err_clear(&e);
    CHECK_MSG(app_config_load_file(&c, NK_TEST_DIR "/../assets/kiosk.conf", false, &e), "%s",
              e.msg);

    int w = 0, h = 0;
    CHECK(app_config_parse_size("1080x1920", &w, &h) && w == 1080 && h == 1920);
    CHECK(!app_config_parse_size("1080", &w, &h));
    CHECK(!app_config_parse_size("100x100", &w, &h));
    CHECK(!app_config_parse_size("800x480x", &w, &h));
}

static void
test_bad(void)
{
    static const struct {
        const char *text;
        const char *msg; /* expected in the error after "FILE:" */
    } rows[] = {
        {"size = 800x480\nsizee = 800x480\n", ":2: unknown key 'sizee'"},
        {"# c\n\nfullscreen\n", ":3: expected 'key = value', found 'fullscreen'"},
        {"= 3\n", ":1: a key is missing before '='"},
        {"size = big\n", ":1: size must be WxH"},
        {"size = 99999x480\n", ":1: size must be WxH"},
        {"rotate = 45\n", ":1: rotate must be 0, 90, 180 or 270, not '45'"},
        {"rotate = -90\n", ":1: rotate must be 0, 90, 180 or 270"},
        {"fullscreen = maybe\n", ":1: fullscreen must be yes or no, not 'maybe'"},
        {"allow_quit =\n", ":1: allow_quit must be yes or no, not ''"},
        {"font_scale = 3\n", ":1: font_scale must be a number from 0.75 to 2.5, not '3'"},
        {"font_scale = 1.2x\n", ":1: font_scale must be a number"},
        {"font_scale = 2.6\n", ":1: font_scale must be a number from 0.75 to 2.5, not '2.6'"},
        {"theme = dark\n", ":1: theme must be normal, contrast (black on white) or contrast-dark "
                           "(white on black), not 'dark'"},
        {"theme =\n", ":1: theme must be normal, contrast"},
        {"margin = -4\n", ":1: margin must be 0 (automatic) to 400 px"},
        {"font_size = 4\n", ":1: font_size must be 0 (automatic) or 8 to 96 px"},
        {"idle_timeout = 10m\n", ":1: idle_timeout must be seconds"},
        {"attract_interval = 0\n", ":1: attract_interval must be seconds from 1 to 3600"},
        {"idle_timeout = 99999999999999999999\n", ":1: idle_timeout must be seconds"},
        {"state_dir = var/lib\n", ":1: state_dir must be an absolute path"},
        {"inbox = usb\n", ":1: inbox must be an absolute path"},
        {"inbox = /a\ninbox = /a\ninbox = /a\ninbox = /a\ninbox = /a\ninbox = /a\ninbox = /a\n"
         "inbox = /a\ninbox = /a\n",
         ":9: at most 8 inbox lines"},
        {"key =\n", ":1: key needs the path"},
        {"\x1b[31m = 1\n", ":1: unknown key '\\x1B[31m'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct app_config c;
        app_config_defaults(&c);
        const char *path = write_conf("bad.conf", rows[i].text);
        struct err e;
        err_clear(&e);
        bool ok = app_config_load_file(&c, path, false, &e);
        CHECK_MSG(!ok, "row %zu accepted", i);
        CHECK_INT(e.code, ERR_USAGE);
        char want[600];
        snprintf(want, sizeof want, "%s%s", path, rows[i].msg);
        CHECK_MSG(strncmp(e.msg, want, strlen(want)) == 0, "row %zu: '%s', expected '%s...'", i,
                  e.msg, want);
    }

    /* an overlong line */
    char *big = malloc(6000);
    memset(big, 'a', 5998);
    big[5998] = '\n';
    big[5999] = '\0';
    const char *path = write_conf("long.conf", big);
    free(big);
    struct app_config c;
    app_config_defaults(&c);
    struct err e;
    CHECK(!app_config_load_file(&c, path, false, &e));
    CHECK_CONTAINS(e.msg, ":1: line longer than 4096 characters");

    /* a folder is not a config file */
    CHECK(!app_config_load_file(&c, dir, true, &e));
    CHECK_CONTAINS(e.msg, "cannot read the config file");
}

static void
test_script(void)
{
    const char *path = write_conf("walk.events", "# open the first story\n"
                                                 "tap 400 240\n"
                                                 "\n"
                                                 "  swipe left\n"
                                                 "key Page Down\n"
                                                 "wait 1500\n"
                                                 "screenshot out dir/shot 1.png\n"
                                                 "quit\n");
    struct app_script s;
    struct err e;
    err_clear(&e);
    CHECK_MSG(app_script_load(&s, path, &e), "%s", e.msg);
    CHECK_INT(s.count, 6);
    if (s.count == 6) {
        CHECK_INT(s.cmds[0].op, APP_SCRIPT_TAP);
        CHECK_INT(s.cmds[0].x, 400);
        CHECK_INT(s.cmds[0].y, 240);
        CHECK_INT(s.cmds[0].line, 2);
        CHECK_INT(s.cmds[1].op, APP_SCRIPT_SWIPE);
        CHECK_INT(s.cmds[1].swipe, APP_SWIPE_LEFT);
        CHECK_INT(s.cmds[2].op, APP_SCRIPT_KEY);
        CHECK_STR(s.cmds[2].text, "Page Down");
        CHECK_INT(s.cmds[3].ms, 1500);
        CHECK_STR(s.cmds[4].text, "out dir/shot 1.png");
        CHECK_INT(s.cmds[5].op, APP_SCRIPT_QUIT);
    }
    app_script_fini(&s);

    static const struct {
        const char *text, *msg;
    } rows[] = {
        {"tap 1 2\njump 3\n", ":2: unknown command 'jump'"},
        {"tap 400\n", ":1: tap takes X Y"},
        {"tap -1 5\n", ":1: tap takes X Y"},
        {"tap 1 2 3\n", ":1: tap takes X Y"},
        {"swipe sideways\n", ":1: swipe takes left, right, up or down, not 'sideways'"},
        {"key\n", ":1: key takes an SDL key name"},
        {"wait soon\n", ":1: wait takes milliseconds"},
        {"wait 9999999\n", ":1: wait takes milliseconds"},
        {"screenshot\n", ":1: screenshot takes the path"},
        {"quit now\n", ":1: quit takes no argument"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        path = write_conf("bad.events", rows[i].text);
        err_clear(&e);
        CHECK_MSG(!app_script_load(&s, path, &e), "row %zu accepted", i);
        CHECK_INT(s.count, 0);
        char want[600];
        snprintf(want, sizeof want, "%s%s", path, rows[i].msg);
        CHECK_MSG(strncmp(e.msg, want, strlen(want)) == 0, "row %zu: '%s', expected '%s...'", i,
                  e.msg, want);
        app_script_fini(&s);
    }
    /* the same line reader as the config file, with the script's own limit */
    char *big = malloc(1200);
    memcpy(big, "quit\n", 5);
    memset(big + 5, 'a', 1100);
    memcpy(big + 1105, "\n", 2);
    path = write_conf("long.events", big);
    free(big);
    err_clear(&e);
    CHECK(!app_script_load(&s, path, &e));
    CHECK_CONTAINS(e.msg, ":2: line longer than 1024 characters");
    app_script_fini(&s);

    CHECK(!app_script_load(&s, "/nonexistent.events", &e));
    CHECK_CONTAINS(e.msg, "/nonexistent.events: cannot open the events script");
    app_script_fini(&s);
}

static SDL_Event
finger_event(uint32_t type, SDL_TouchID touch, SDL_FingerID id, float x, float y)
{
    SDL_Event ev = {.type = type};
    ev.tfinger.touchId = touch;
    ev.tfinger.fingerId = id;
    ev.tfinger.x = x;
    ev.tfinger.y = y;
    return ev;
}

static void
test_input(void)
{
    struct app_input in;
    struct ui_input u;
    app_input_init(&in, 800, 480, 800, 480, 0);

    /* a finger: press, move, release, in screen px */
    SDL_Event ev = finger_event(SDL_FINGERDOWN, 3, 1, 0.5f, 0.25f);
    CHECK(app_input_translate(&in, &ev, 10, &u));
    CHECK(u.kind == UI_INPUT_PRESS && u.x == 400 && u.y == 120 && u.now_ms == 10);
    ev = finger_event(SDL_FINGERMOTION, 3, 1, 0.25f, 0.25f);
    CHECK(app_input_translate(&in, &ev, 20, &u));
    CHECK(u.kind == UI_INPUT_MOVE && u.x == 200);
    ev = finger_event(SDL_FINGERUP, 3, 1, 0.25f, 0.25f);
    CHECK(app_input_translate(&in, &ev, 30, &u));
    CHECK(u.kind == UI_INPUT_RELEASE && u.x == 200);

    /* never counted twice: SDL's mouse copy of a touch and touch copy of a mouse */
    SDL_Event m = {.type = SDL_MOUSEBUTTONDOWN};
    m.button.which = SDL_TOUCH_MOUSEID;
    m.button.button = SDL_BUTTON_LEFT;
    m.button.x = 10;
    m.button.y = 20;
    CHECK(!app_input_translate(&in, &m, 40, &u));
    ev = finger_event(SDL_FINGERDOWN, SDL_MOUSE_TOUCHID, 0, 0.1f, 0.1f);
    CHECK(!app_input_translate(&in, &ev, 40, &u));
    m.button.which = 0; /* the real mouse */
    CHECK(app_input_translate(&in, &m, 40, &u));
    CHECK(u.kind == UI_INPUT_PRESS && u.x == 10 && u.y == 20);
    SDL_Event mm = {.type = SDL_MOUSEMOTION};
    mm.motion.x = 50;
    mm.motion.y = 20;
    CHECK(app_input_translate(&in, &mm, 45, &u));
    CHECK(u.kind == UI_INPUT_MOVE && u.x == 50);
    m.type = SDL_MOUSEBUTTONUP;
    m.button.x = 60;
    CHECK(app_input_translate(&in, &m, 50, &u));
    CHECK(u.kind == UI_INPUT_RELEASE && u.x == 60);
    CHECK(!app_input_translate(&in, &mm, 55, &u)); /* motion with no button: nothing */
    m.button.button = SDL_BUTTON_RIGHT;
    m.type = SDL_MOUSEBUTTONDOWN;
    CHECK(!app_input_translate(&in, &m, 60, &u));

    /* two fingers spreading: pinch steps, then one release */
    ev = finger_event(SDL_FINGERDOWN, 3, 7, 0.4f, 0.5f);
    CHECK(app_input_translate(&in, &ev, 100, &u) && u.kind == UI_INPUT_PRESS);
    ev = finger_event(SDL_FINGERDOWN, 3, 8, 0.6f, 0.5f);
    CHECK(!app_input_translate(&in, &ev, 110, &u));
    ev = finger_event(SDL_FINGERMOTION, 3, 8, 0.61f, 0.5f);
    CHECK(!app_input_translate(&in, &ev, 120, &u)); /* +5%: not yet a step */
    ev = finger_event(SDL_FINGERMOTION, 3, 8, 0.7f, 0.5f);
    CHECK(app_input_translate(&in, &ev, 130, &u));
    CHECK(u.kind == UI_INPUT_PINCH && u.scale > 1.4f);
    ev = finger_event(SDL_FINGERUP, 3, 7, 0.4f, 0.5f);
    CHECK(app_input_translate(&in, &ev, 140, &u) && u.kind == UI_INPUT_RELEASE);
    ev = finger_event(SDL_FINGERUP, 3, 8, 0.7f, 0.5f);
    CHECK(!app_input_translate(&in, &ev, 150, &u));

    /* keys */
    SDL_Event k = {.type = SDL_KEYDOWN};
    k.key.keysym.sym = SDLK_PAGEDOWN;
    CHECK(app_input_translate(&in, &k, 200, &u) && u.kind == UI_INPUT_KEY &&
          u.key == UI_KEY_PAGEDOWN);
    k.key.keysym.sym = SDLK_q;
    CHECK(!app_input_translate(&in, &k, 200, &u));
    CHECK(app_input_key(SDLK_ESCAPE) == UI_KEY_ESCAPE);
    CHECK(app_input_key(SDLK_EQUALS) == UI_KEY_PLUS);
    CHECK(app_input_key(SDLK_F1) == UI_KEY_STATUS);
    SDL_Event q = {.type = SDL_QUIT};
    CHECK(app_input_translate(&in, &q, 210, &u) && u.kind == UI_INPUT_CLOSE);

    /* rotation: the window is the panel, the ui sees the turned screen */
    int lx, ly;
    app_input_init(&in, 480, 800, 800, 480, 90); /* portrait 480x800 on a landscape panel */
    app_input_map(&in, 0, 0, &lx, &ly);
    CHECK(lx == 0 && ly == 799);
    app_input_map(&in, 799, 0, &lx, &ly);
    CHECK(lx == 0 && ly == 0);
    app_input_map(&in, 799, 479, &lx, &ly);
    CHECK(lx == 479 && ly == 0);
    app_input_init(&in, 480, 800, 800, 480, 270);
    app_input_map(&in, 0, 0, &lx, &ly);
    CHECK(lx == 479 && ly == 0);
    app_input_map(&in, 799, 479, &lx, &ly);
    CHECK(lx == 0 && ly == 799);
    app_input_init(&in, 800, 480, 800, 480, 180);
    app_input_map(&in, 0, 0, &lx, &ly);
    CHECK(lx == 799 && ly == 479);
}

int
main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_good();
    test_bad();
    test_script();
    test_input();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_summary("app");
}
