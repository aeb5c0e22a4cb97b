/* Unit tests for app's config file: every key, comments and blank lines,
 * repeatable keys, and one row per bad input: the error names the file, the
 * line and the rule. */
#include <stdlib.h>
#include <unistd.h>

#include "app_internal.h"
#include "check.h"

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

    const char *path = write_conf("good.conf", "# a kiosk in the library\n"
                                               "\n"
                                               "size = 1024x600\n"
                                               "rotate=90\n"
                                               "  fullscreen = yes  \n"
                                               "font_scale = 1.25\n"
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
    CHECK(c.font_scale == 1.25f);
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
        {"font_scale = 3\n", ":1: font_scale must be a number from 0.75 to 2.0, not '3'"},
        {"font_scale = 1.2x\n", ":1: font_scale must be a number"},
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

int
main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_good();
    test_bad();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_summary("app");
}
