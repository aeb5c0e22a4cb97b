/* Typesetting: an article (edition model) becomes pages of display lists:
 * positioned glyph runs, figures, rules and tap targets. Pure C: no SDL, no
 * file I/O. Text is measured through struct layout_metrics (SDL2_ttf +
 * HarfBuzz in text/, a fixed-advance fake in tests). Lines are broken by
 * UAX #14 (libunibreak), chosen over the whole paragraph (total fit) and
 * hyphenated with libhyphen patterns for the text's language; then each line
 * is put in visual order (UAX #9 with fribidi): runs are cut where the
 * embedding level changes and placed at their final x, so a renderer draws
 * each run at its x and never reorders.
 * A struct layout is used by one thread at a time. */
#ifndef NK_LAYOUT_H
#define NK_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "edition.h"
#include "err.h"

enum layout_face {
    LAYOUT_FACE_SERIF,
    LAYOUT_FACE_SERIF_ITALIC,
    LAYOUT_FACE_SERIF_BOLD,
    LAYOUT_FACE_SERIF_BOLD_ITALIC,
    LAYOUT_FACE_SANS,
    LAYOUT_FACE_SANS_BOLD,
    LAYOUT_FACE_COUNT
};

struct layout_font {
    uint8_t face; /* enum layout_face */
    uint16_t px;  /* pixel size */
};

enum layout_dir { LAYOUT_DIR_LTR = 0, LAYOUT_DIR_RTL = 1 };

/* What a run of text is, for shaping: a later font fallback chain and full
 * right-to-left editions are additions to these fields, not a rewrite. */
struct layout_run_props {
    uint32_t script;  /* ISO 15924 tag as HB_TAG('L','a','t','n'); 0 = guess */
    uint8_t dir;      /* enum layout_dir */
    const char *lang; /* BCP 47, e.g. "en", "ru"; never NULL */
};

/* The measuring seam. Widths are whole pixels, measured through the same
 * shaping path the renderer draws with. */
struct layout_metrics {
    void *ctx;
    /* Advance width in px of text (UTF-8, len bytes) shaped as one run. */
    int (*measure)(void *ctx, struct layout_font font, const struct layout_run_props *props,
                   const char *text, size_t len);
    /* Ascent and descent (both >= 0) and the recommended line height in px. */
    void (*font_metrics)(void *ctx, struct layout_font font, int *ascent, int *descent,
                         int *line_height);
    /* How many characters of text (UTF-8, len bytes) no font of the fallback
     * chain covers, so they are drawn as a placeholder. NULL: none ever are. */
    int (*missing)(void *ctx, struct layout_font font, const struct layout_run_props *props,
                   const char *text, size_t len);
};

enum layout_role {
    LAYOUT_ROLE_HEADLINE,
    LAYOUT_ROLE_DECK,
    LAYOUT_ROLE_BYLINE,
    LAYOUT_ROLE_SECTION,
    LAYOUT_ROLE_BODY,
    LAYOUT_ROLE_SUBHEAD,
    LAYOUT_ROLE_QUOTE,
    LAYOUT_ROLE_LIST,
    LAYOUT_ROLE_CAPTION,
    LAYOUT_ROLE_CREDIT,
    LAYOUT_ROLE_HEADER,
    LAYOUT_ROLE_FOOTER,
    LAYOUT_ROLE_OTHER,
    LAYOUT_ROLE_COUNT
};
/* "headline", "deck", ... as in the --dump-layout JSON. */
const char *layout_role_name(enum layout_role r);

enum layout_color {
    LAYOUT_COLOR_TEXT,   /* near-black body text */
    LAYOUT_COLOR_MUTED,  /* grey: bylines, credits, header, footer */
    LAYOUT_COLOR_ACCENT, /* the section colour: section labels, pull-quote rules */
    LAYOUT_COLOR_RULE,   /* hairlines */
    LAYOUT_COLOR_PAPER,  /* the page background, for filled boxes */
    LAYOUT_COLOR_COUNT
};

/* One glyph run: text drawn with one font from (x, y), where y is the top of
 * the run's box and the baseline is y + ascent of the font. x..x+w lies
 * inside the page. text points into the pages' arena (UTF-8, len bytes, in
 * logical order); props.dir is the run's own direction (its bidi level), in
 * which the shaper lays its glyphs out from x. A line's runs are stored left
 * to right in visual order. */
struct layout_run {
    int32_t x, y, w, h;
    struct layout_font font;
    uint8_t role;  /* enum layout_role */
    uint8_t color; /* enum layout_color */
    struct layout_run_props props;
    const char *text;
    uint32_t len;
};

/* One typeset line, for tests, the JSON dump and re-pagination. text is the
 * characters of the line in logical order (NUL-terminated, in the arena);
 * hyphenated is true when the line ends in a hyphen the typesetter inserted.
 * The line's runs are runs[first_run .. first_run + run_count). */
struct layout_line {
    int32_t x, y, w, h;
    uint8_t role;
    uint8_t dir; /* enum layout_dir: the line's base (paragraph) direction */
    bool hyphenated;
    const char *text;
    uint32_t first_run, run_count;
    int32_t block; /* index of the article block it belongs to, -1 for none */
    /* The bytes [start, end) of the block's text this line sets: the block's
     * spans concatenated (a figure's caption or credit for those lines);
     * 0, 0 for chrome. How read-aloud finds the lines of a sentence. */
    uint32_t start, end;
};

struct layout_figure {
    int32_t x, y, w, h; /* where the photo is drawn, aspect ratio kept */
    const char *image;  /* bundle-relative path */
    const char *caption;
    const char *credit;
    int32_t block;
};

/* What a rect draws: a filled box, or one of the bar's icons drawn as a
 * shape inside the box (no font: an English edition opens no symbol font
 * for them). */
enum layout_shape {
    LAYOUT_SHAPE_FILL,    /* the whole box in its colour */
    LAYOUT_SHAPE_THEME,   /* a circle with its left half filled (the colour theme) */
    LAYOUT_SHAPE_SPEAKER, /* a loudspeaker with two sound waves (read aloud) */
};

struct layout_rect {
    int32_t x, y, w, h;
    uint8_t color; /* enum layout_color */
    uint8_t shape; /* enum layout_shape */
};

/* What a tap on a link does; the ui acts on it, layout only places it. */
enum layout_action {
    LAYOUT_ACTION_OPEN_ARTICLE, /* article: which one */
    LAYOUT_ACTION_SECTION,      /* section: jump to the index page where it starts */
    LAYOUT_ACTION_PREV_STORY,   /* reader navigation bar */
    LAYOUT_ACTION_CONTENTS,
    LAYOUT_ACTION_NEXT_STORY,
    LAYOUT_ACTION_FONT_SMALLER, /* A- */
    LAYOUT_ACTION_FONT_LARGER,  /* A+ */
    LAYOUT_ACTION_THEME,        /* the colour theme: normal, high contrast, light on dark */
    LAYOUT_ACTION_SPEAK,        /* read aloud: start, pause, resume (layout_config.speaker) */
};

/* A tap target. On index pages: each article's entry and section labels; on
 * article pages: the navigation bar's buttons (drawn as runs and rects of
 * role OTHER, so a rendered page is exactly what the screen shows). */
struct layout_link {
    int32_t x, y, w, h;
    uint8_t action;  /* enum layout_action */
    bool enabled;    /* false: drawn greyed (no previous story on the first) */
    int32_t article; /* OPEN_ARTICLE: index into edition->articles, else -1 */
    int32_t section; /* SECTION: index into ed->sections order used, else -1 */
};

enum layout_page_kind { LAYOUT_PAGE_INDEX, LAYOUT_PAGE_ARTICLE, LAYOUT_PAGE_SCREEN };

struct layout_page {
    enum layout_page_kind kind;
    int32_t article;     /* index into edition->articles; -1 for index and screen pages */
    uint32_t number, of; /* 1-based page number within this article or the index */
    int32_t first_block; /* first article block that starts or continues here */
    struct layout_line *lines;
    size_t line_count;
    struct layout_run *runs;
    size_t run_count;
    struct layout_figure *figures;
    size_t figure_count;
    struct layout_rect *rects;
    size_t rect_count;
    struct layout_link *links;
    size_t link_count;
    uint32_t missing_glyphs; /* characters on the page drawn as a placeholder */
    uint8_t dir; /* enum layout_dir the page reads in (its article's, or the edition's for
                  * the index): the next page of an RTL one lies to the left, so the ui
                  * mirrors turns, swipes and keys */
};

/* A set of pages and everything they point to, owned by the caller:
 * initialise with layout_pages_init, free with layout_pages_fini. */
struct layout_pages {
    struct arena arena;
    struct layout_page *pages;
    size_t count;
};
void layout_pages_init(struct layout_pages *p);
void layout_pages_fini(struct layout_pages *p);

/* The kiosk's own words on pages, by what they say (filled per language by
 * the l10n module from gettext catalogues; layout never reads files). */
enum layout_text {
    LAYOUT_TEXT_PREVIOUS,       /* nav bar: "‹ Previous" (the previous story) */
    LAYOUT_TEXT_PREVIOUS_SHORT, /* the same when the bar is narrow: "‹ Prev" */
    LAYOUT_TEXT_CONTENTS,       /* nav bar and index header: "Contents" */
    LAYOUT_TEXT_CONTENTS_SHORT, /* narrow bar: "Index" */
    LAYOUT_TEXT_NEXT,           /* nav bar: "Next ›" (the next story) */
    LAYOUT_TEXT_NEXT_SHORT,     /* narrow bar: "Next ›" */
    LAYOUT_TEXT_PAGE_OF,        /* footer and bar: "page {page} of {pages}" */
    LAYOUT_TEXT_MORE,           /* index section of articles with none: "More" */
    LAYOUT_TEXT_OUT_OF_DATE,    /* index badge of an expired edition: "OUT OF DATE" */
    LAYOUT_TEXT_COUNT
};

/* The chrome's language: its words, digits and dates. Patterns name their
 * fields in braces: {page} {pages} in LAYOUT_TEXT_PAGE_OF; {weekday} {day}
 * {month} {monthnum} {year} in the dates (Gregorian calendar). Numbers are
 * written with digits[]. A NULL string anywhere means the built-in English
 * one. Plain data: the filler owns the strings and keeps them alive while
 * pages are set with it (pages copy what they keep). */
struct layout_locale {
    const char *lang; /* BCP 47 of the strings, e.g. "fa"; chrome runs are shaped with it */
    uint8_t dir;      /* enum layout_dir of the chrome: bar order, header alignment */
    const char *text[LAYOUT_TEXT_COUNT];
    const char *digits[10];  /* "0".."9", or the script's own (UTF-8) */
    const char *months[12];  /* January first, in the form a date uses ("декабря") */
    const char *weekdays[7]; /* Sunday first, as it starts the index's date line */
    const char *date_long;   /* index date line: "{weekday} {day} {month} {year}" */
    const char *date_short;  /* byline date: "{day} {month} {year}" */
};

/* The reader's text size range: A-/A+, pinch, font_scale and --font-scale. */
#define LAYOUT_FONT_SCALE_MIN 0.75f
#define LAYOUT_FONT_SCALE_MAX 2.5f

struct layout_config {
    int width, height;       /* the screen in px, after rotation */
    int margin;              /* outer margin in px; 0 = from the screen size */
    int base_px;             /* body text size before scaling; 0 = from the screen size */
    float font_scale;        /* accessibility scale, 1.0 = normal
                              * (LAYOUT_FONT_SCALE_MIN .. LAYOUT_FONT_SCALE_MAX) */
    bool ragged;             /* ragged-right instead of justified */
    bool hyphenate;          /* use hyphenation patterns when they avoid a loose line */
    int columns;             /* 0 = automatic (two when both measures are readable), 1, 2 */
    bool nav_bar;            /* article pages end with the reader's navigation bar
                              * (previous story / contents / next story, theme, A-/A+) */
    bool speaker;            /* the bar has a read-aloud button before A- (a kiosk with audio) */
    const char *publication; /* for page headers; NULL uses the edition's title */
    const struct layout_locale *locale; /* the chrome's language; NULL = built-in English */
};
/* Defaults for a screen of w x h px: margins and body size that suit it. */
void layout_config_default(struct layout_config *c, int w, int h);

/* A typesetter with its caches (hyphenation dictionaries by language).
 * hyphen_dir is the folder of hyph_<lang>.dic files (Debian: /usr/share/hyphen);
 * m is copied. NULL on allocation failure. */
struct layout *layout_create(const struct layout_metrics *m, const char *hyphen_dir);
void layout_destroy(struct layout *L); /* NULL is fine */

/* Sets every page of article index of ed into out (appending to out->pages).
 * The article's body must be loaded (edition_load_body). Fails only on
 * exhausted memory or a body not loaded. */
bool layout_article(struct layout *L, const struct layout_config *cfg, const struct edition *ed,
                    size_t index, struct layout_pages *out, struct err *e);

/* Sets the edition index: masthead (publication, edition date, an out-of-date
 * badge when expired is true), sections in display order, and per article its
 * headline, a deck snippet and a thumbnail figure, with one link each. */
bool layout_index(struct layout *L, const struct layout_config *cfg, const struct edition *ed,
                  bool expired, struct layout_pages *out, struct err *e);

/* The section of article `article` as numbered by layout_index's SECTION
 * links (layout_link.section): the manifest's sections in order, then the
 * sections of articles not listed there in order of first use (an empty or
 * missing section is one of those, shown as "More"); -1 when no such article. */
int32_t layout_section_of(const struct edition *ed, size_t article);

/* Sets a simple message screen (no edition, status, splash): a title and
 * lines of text, centred vertically; one page. */
bool layout_screen(struct layout *L, const struct layout_config *cfg, const char *title,
                   const char *const *lines, size_t line_count, struct layout_pages *out,
                   struct err *e);

/* The page (index into p->pages) holding article block `block`, for keeping
 * the reader's place after re-pagination; 0 if not found. */
size_t layout_page_for_block(const struct layout_pages *p, int32_t block);

#endif
