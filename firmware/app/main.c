/* Command line: options override the config file, which overrides defaults;
 * then one of the modes runs. */
#include "app.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "layout.h"
#include "render.h"

static void
usage(FILE *out)
{
    fprintf(
        out,
        "usage: newskiosk [options]\n"
        "  --bundle PATH          show this bundle archive or unpacked edition (not installed)\n"
        "  --state-dir DIR        installed editions (default " APP_DEFAULT_STATE_DIR ")\n"
        "  --inbox DIR            look for new bundles here (repeatable)\n"
        "  --key PUBFILE          trusted minisign public key (repeatable)\n"
        "  --require-signature    refuse unsigned bundles\n"
        "  --config FILE          config file (default " APP_DEFAULT_CONFIG ")\n"
        "  --size WxH             panel size (default 800x480; common panels: 800x480,\n"
        "                         1024x600, 1280x800, 1080x1920)\n"
        "  --rotate DEG           turn the page 0, 90, 180 or 270 degrees clockwise\n"
        "                         (a panel mounted sideways)\n"
        "  --fullscreen           fill the display\n"
        "  --font-scale X         text size factor, 0.75 to 2.5\n"
        "  --theme NAME           colours: normal, contrast (black on white) or\n"
        "                         contrast-dark (white on black)\n"
        "  --allow-quit           let Escape on the index or closing the window quit\n"
        "  --render-pages DIR     write every page as DIR/NNNN.png and exit (headless)\n"
        "  --dump-layout FILE     write the typeset pages as JSON and exit (headless)\n"
        "  --events FILE          replay scripted input (tap, swipe, key, wait, screenshot, dump,\n"
        "                         wait-sentence, quit)\n"
        "  --open ARTICLE         start on this article's first page instead of the index\n"
        "                         (its path in the bundle, e.g. articles/004-seed-library.md)\n"
        "  --exit-after-first-frame  exit 0 once the first frame is presented\n"
        "  --latency-log FILE     write each input's time to the frame it changed (ms), for\n"
        "                         the benchmark\n"
        "Keys: arrows, Page Up/Down, Space turn pages; Home and Escape go to the index;\n"
        "+ and - change the text size; c or F2 switches the colour theme; Tab, Up and\n"
        "Down move a focus ring over the bar's buttons and the index's entries, Left and\n"
        "Right along the bar, Enter acts, Escape drops the focus;\n"
        "F1 or s shows the operator status (also: hold a\n"
        "finger 2 s in the top-left corner). Signals: SIGUSR1 looks in the inboxes again;\n"
        "SIGUSR2 writes the screen's text as JSON to $RUNTIME_DIRECTORY/screen.json\n"
        "(or $XDG_RUNTIME_DIR/newskiosk-screen.json); SIGTERM and SIGINT quit.\n"
        "  --version, --help\n");
}

int
app_main(int argc, char **argv)
{
    enum {
        OPT_BUNDLE = 256,
        OPT_STATE,
        OPT_INBOX,
        OPT_KEY,
        OPT_REQSIG,
        OPT_CONFIG,
        OPT_SIZE,
        OPT_ROTATE,
        OPT_FULL,
        OPT_SCALE,
        OPT_THEME,
        OPT_QUIT,
        OPT_RENDER,
        OPT_DUMP,
        OPT_EVENTS,
        OPT_FIRST,
        OPT_OPEN,
        OPT_LATENCY,
        OPT_VERSION,
        OPT_HELP
    };
    static const struct option opts[] = {
        {"bundle", required_argument, NULL, OPT_BUNDLE},
        {"state-dir", required_argument, NULL, OPT_STATE},
        {"inbox", required_argument, NULL, OPT_INBOX},
        {"key", required_argument, NULL, OPT_KEY},
        {"require-signature", no_argument, NULL, OPT_REQSIG},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"size", required_argument, NULL, OPT_SIZE},
        {"rotate", required_argument, NULL, OPT_ROTATE},
        {"fullscreen", no_argument, NULL, OPT_FULL},
        {"font-scale", required_argument, NULL, OPT_SCALE},
        {"theme", required_argument, NULL, OPT_THEME},
        {"allow-quit", no_argument, NULL, OPT_QUIT},
        {"render-pages", required_argument, NULL, OPT_RENDER},
        {"dump-layout", required_argument, NULL, OPT_DUMP},
        {"events", required_argument, NULL, OPT_EVENTS},
        {"exit-after-first-frame", no_argument, NULL, OPT_FIRST},
        {"open", required_argument, NULL, OPT_OPEN},
        {"latency-log", required_argument, NULL, OPT_LATENCY},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };

    /* First pass: only --config, so the file is read before the other
     * options override it. */
    const char *config_path = APP_DEFAULT_CONFIG;
    bool config_given = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
            config_given = true;
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            config_path = argv[i] + 9;
            config_given = true;
        }
    }

    struct app_config c;
    app_config_defaults(&c);
    c.config_path = config_path;
    struct err e;
    err_clear(&e);
    if (!app_config_load_file(&c, config_path, !config_given, &e)) {
        fprintf(stderr, "newskiosk: %s\n", e.msg);
        return 2;
    }

    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case OPT_BUNDLE:
            c.bundle = optarg;
            break;
        case OPT_STATE:
            c.state_dir = optarg;
            break;
        case OPT_INBOX:
            if (c.inbox_count == APP_MAX_INBOXES) {
                fprintf(stderr, "newskiosk: at most %d --inbox folders\n", APP_MAX_INBOXES);
                return 2;
            }
            c.inbox[c.inbox_count++] = optarg;
            break;
        case OPT_KEY:
            if (c.key_count == APP_MAX_KEYS) {
                fprintf(stderr, "newskiosk: at most %d --key files\n", APP_MAX_KEYS);
                return 2;
            }
            c.keys[c.key_count++] = optarg;
            break;
        case OPT_REQSIG:
            c.require_signature = true;
            break;
        case OPT_CONFIG:
            break; /* read above */
        case OPT_SIZE:
            if (!app_config_parse_size(optarg, &c.width, &c.height)) {
                fprintf(stderr, "newskiosk: --size takes WxH between 240 and 4096, e.g. 800x480\n");
                return 2;
            }
            break;
        case OPT_ROTATE:
            if (!app_parse_int(optarg, 0, 270, &c.rotate) || c.rotate % 90) {
                fprintf(stderr, "newskiosk: --rotate takes 0, 90, 180 or 270\n");
                return 2;
            }
            break;
        case OPT_FULL:
            c.fullscreen = true;
            break;
        case OPT_SCALE: {
            char *end;
            double s = strtod(optarg, &end);
            if (*end || !(s >= LAYOUT_FONT_SCALE_MIN && s <= LAYOUT_FONT_SCALE_MAX)) {
                fprintf(stderr, "newskiosk: --font-scale takes a number from %.2g to %.2g\n",
                        (double)LAYOUT_FONT_SCALE_MIN, (double)LAYOUT_FONT_SCALE_MAX);
                return 2;
            }
            c.font_scale = (float)s;
            break;
        }
        case OPT_THEME: {
            enum render_theme t;
            if (!render_theme_parse(optarg, &t)) {
                fprintf(stderr, "newskiosk: --theme takes normal, contrast or contrast-dark\n");
                return 2;
            }
            c.theme = (int)t;
            break;
        }
        case OPT_QUIT:
            c.allow_quit = true;
            break;
        case OPT_RENDER:
            c.render_pages = optarg;
            break;
        case OPT_DUMP:
            c.dump_layout = optarg;
            break;
        case OPT_EVENTS:
            c.events = optarg;
            break;
        case OPT_FIRST:
            c.exit_after_first_frame = true;
            break;
        case OPT_OPEN:
            c.open_article = optarg;
            break;
        case OPT_LATENCY:
            c.latency_log = optarg;
            break;
        case OPT_VERSION:
            printf("newskiosk %s\n", NK_VERSION);
            return 0;
        case OPT_HELP:
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "newskiosk: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }

    if (c.render_pages || c.dump_layout) {
        int rc = 0;
        if (c.dump_layout)
            rc = app_dump_layout(&c);
        if (rc == 0 && c.render_pages)
            rc = app_render_pages(&c);
        return rc;
    }
    return app_run(&c);
}
