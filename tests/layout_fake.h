/* A fake font for layout tests and the layout fuzz target: every character
 * px/2 wide, a space px/4, line height 1.25 px. Exact and cheap, so expected
 * positions can be worked out by hand. Include once per test program. */
#ifndef NK_TEST_LAYOUT_FAKE_H
#define NK_TEST_LAYOUT_FAKE_H

#include <math.h>

#include "layout.h"

static int
fake_measure(void *ctx, struct layout_font font, const struct layout_run_props *props,
             const char *text, size_t len)
{
    (void)ctx;
    (void)props;
    int units = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            units += text[i] == ' ' ? 1 : 2;
    return (int)lround(units * font.px / 4.0);
}

static void
fake_font_metrics(void *ctx, struct layout_font font, int *ascent, int *descent, int *lh)
{
    (void)ctx;
    *ascent = (int)lround(font.px * 0.8);
    *descent = (int)lround(font.px * 0.2);
    *lh = (int)lround(font.px * 1.25);
}

static const struct layout_metrics fake = {NULL, fake_measure, fake_font_metrics, NULL};

#endif
