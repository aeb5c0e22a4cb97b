/* Placeholders while config.c, headless.c and loop.c are written (issue 5,
 * issue 2). Each helper deletes the stub it replaces. */
#include <stdio.h>

#include "app_internal.h"

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
