/* Placeholders while config.c, headless.c and loop.c are written (issue 5,
 * issue 2). Each helper deletes the stub it replaces. */
#include <stdio.h>

#include "app_internal.h"

void
app_config_defaults(struct app_config *c)
{
    *c = (struct app_config){.state_dir = APP_DEFAULT_STATE_DIR, .width = 800, .height = 480,
                             .font_scale = 1.0f, .idle_timeout_s = 120, .attract_interval_s = 6};
}

bool
app_config_load_file(struct app_config *c, const char *path, bool missing_ok, struct err *e)
{
    (void)c, (void)path, (void)missing_ok, (void)e;
    return true;
}

int
app_render_pages(const struct app_config *c)
{
    (void)c;
    fprintf(stderr, "newskiosk: --render-pages is not built yet\n");
    return 1;
}

int
app_dump_layout(const struct app_config *c)
{
    (void)c;
    fprintf(stderr, "newskiosk: --dump-layout is not built yet\n");
    return 1;
}

int
app_run(const struct app_config *c)
{
    (void)c;
    fprintf(stderr, "newskiosk: the interactive kiosk is not built yet\n");
    return 1;
}
