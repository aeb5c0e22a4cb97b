/* Unit tests for l10n: every shipped language's catalogue loads without any
 * system locale (the test runs under env -i) and translates every string;
 * digits and dates per language through the typesetter (fake font);
 * English for unknown, malformed and Traditional Chinese tags; a faulty
 * catalogue's bad strings replaced by English; LANGUAGE refused. The
 * expected dates are written by hand from each language's rules, not taken
 * from the program's output. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "edition.h"
#include "l10n.h"
#include "layout_fake.h"

struct lang_case {
    const char *lang;
    bool rtl;
    const char *digits;      /* 0..9 concatenated */
    const char *date_long;   /* 2026-12-05, the index's date line */
    const char *date_short;  /* the same date under a byline */
    const char *page_1_of_1; /* the index's footer */
    const char *page_1_of_2; /* the article's (its photo goes to page 2) */
};

static const struct lang_case langs[] = {
    {"ar", true, "٠١٢٣٤٥٦٧٨٩", "السبت، ٥ ديسمبر ٢٠٢٦", "٥ ديسمبر ٢٠٢٦", "صفحة ١ من ١",
     "صفحة ١ من ٢"},
    {"fa", true, "۰۱۲۳۴۵۶۷۸۹", "شنبه ۵ دسامبر ۲۰۲۶", "۵ دسامبر ۲۰۲۶", "صفحهٔ ۱ از ۱", "صفحهٔ ۱ از ۲"},
    {"he", true, "0123456789", "שבת, 5 בדצמבר 2026", "5 בדצמבר 2026", "עמוד 1 מתוך 1",
     "עמוד 1 מתוך 2"},
    {"hi", false, "०१२३४५६७८९", "शनिवार, ५ दिसंबर २०२६", "५ दिसंबर २०२६", "पृष्ठ १ (कुल १)",
     "पृष्ठ १ (कुल २)"},
    {"bn", false, "০১২৩৪৫৬৭৮৯", "শনিবার, ৫ ডিসেম্বর ২০২৬", "৫ ডিসেম্বর ২০২৬", "পৃষ্ঠা ১ (মোট ১)",
     "পৃষ্ঠা ১ (মোট ২)"},
    {"am", false, "0123456789", "ቅዳሜ፣ 5 ዲሴምበር 2026", "5 ዲሴምበር 2026", "ገጽ 1 ከ1", "ገጽ 1 ከ2"},
    {"sw", false, "0123456789", "Jumamosi, 5 Desemba 2026", "5 Desemba 2026", "ukurasa 1 kati ya 1",
     "ukurasa 1 kati ya 2"},
    {"ru", false, "0123456789", "Суббота, 5 декабря 2026", "5 декабря 2026", "страница 1 из 1",
     "страница 1 из 2"},
    {"uk", false, "0123456789", "Субота, 5 грудня 2026", "5 грудня 2026", "сторінка 1 з 1",
     "сторінка 1 з 2"},
    {"fr", false, "0123456789", "Samedi 5 décembre 2026", "5 décembre 2026", "page 1 sur 1",
     "page 1 sur 2"},
    {"es", false, "0123456789", "Sábado, 5 de diciembre de 2026", "5 de diciembre de 2026",
     "página 1 de 1", "página 1 de 2"},
    {"pt", false, "0123456789", "Sábado, 5 de dezembro de 2026", "5 de dezembro de 2026",
     "página 1 de 1", "página 1 de 2"},
    {"zh", false, "0123456789", "2026年12月5日 星期六", "2026年12月5日", "第 1 页，共 1 页",
     "第 1 页，共 2 页"},
    {"xx", false, "0123456789", "Saturday 5 December 2026", "5 December 2026", "page 1 of 1",
     "page 1 of 2"},
};

/* A one-article edition in language lang, dated 2026-12-05, article dated
 * the same day with no byline (so its byline line is the date alone). */
static struct edition *
edition_in(const char *lang)
{
    char manifest[512];
    snprintf(manifest, sizeof manifest,
             "format: 1\ntitle: \"The Test Ledger\"\nedition: 2026-12-05\nsequence: 3\n"
             "language: %s\narticles:\n  - articles/one.md\n",
             lang);
    static const char article[] = "---\ntitle: \"Harbour\"\ndate: 2026-12-05\n---\n\n"
                                  "The quay opened at dawn and the boats came in.\n\n"
                                  "![The quay](images/quay.jpg \"Desk\")\n";
    struct edition *ed = edition_create(NULL);
    struct err e = {0};
    bool ok = ed && edition_parse_manifest(ed, "manifest.yaml", manifest, strlen(manifest), &e) &&
              edition_parse_article(ed, 0, article, sizeof article - 1, &e);
    CHECK_MSG(ok, "%s edition: %s", lang, e.msg);
    if (!ok) {
        edition_destroy(ed);
        return NULL;
    }
    return ed;
}

/* The text of the first line of role on page p, NULL if none. */
static const char *
line_of(const struct layout_page *p, enum layout_role role)
{
    for (size_t i = 0; i < p->line_count; i++)
        if (p->lines[i].role == role)
            return p->lines[i].text;
    return NULL;
}

/* Every string of loc is its own (a pointer into the catalogue), not the
 * English fallback: fails naming the first untranslated one. */
static void
check_all_translated(const char *lang, const struct l10n_locale *loc)
{
    const struct l10n_locale *en = l10n_english();
    CHECK_MSG(loc->translated, "%s: no catalogue", lang);
    for (size_t k = 0; k < LAYOUT_TEXT_COUNT; k++)
        CHECK_MSG(loc->layout.text[k] != en->layout.text[k], "%s: \"%s\" untranslated", lang,
                  en->layout.text[k]);
    for (size_t k = 0; k < 10; k++)
        CHECK_MSG(loc->layout.digits[k] != en->layout.digits[k], "%s: digit %zu untranslated", lang,
                  k);
    for (size_t k = 0; k < 12; k++)
        CHECK_MSG(loc->layout.months[k] != en->layout.months[k], "%s: \"%s\" untranslated", lang,
                  en->layout.months[k]);
    for (size_t k = 0; k < 7; k++)
        CHECK_MSG(loc->layout.weekdays[k] != en->layout.weekdays[k], "%s: \"%s\" untranslated",
                  lang, en->layout.weekdays[k]);
    CHECK_MSG(loc->layout.date_long != en->layout.date_long, "%s: date line untranslated", lang);
    CHECK_MSG(loc->layout.date_short != en->layout.date_short, "%s: byline date untranslated",
              lang);
    for (size_t k = 0; k < L10N_MSG_COUNT; k++)
        CHECK_MSG(loc->msg[k] != en->msg[k], "%s: \"%s\" untranslated", lang, en->msg[k]);
}

static void
test_languages(struct l10n *l)
{
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    CHECK(L != NULL);
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        const struct lang_case *lc = &langs[i];
        const struct l10n_locale *loc = l10n_locale(l, lc->lang);
        bool english = strcmp(lc->lang, "xx") == 0;
        if (english)
            CHECK(loc == l10n_english() && !loc->translated);
        else
            check_all_translated(lc->lang, loc);
        CHECK_STR(loc->layout.lang, english ? "en" : lc->lang);
        CHECK_INT(loc->layout.dir, lc->rtl ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR);
        char digits[64] = "";
        for (size_t k = 0; k < 10; k++)
            strcat(digits, loc->layout.digits[k]);
        CHECK_STR(digits, lc->digits);
        CHECK(l10n_locale(l, lc->lang) == loc); /* cached */

        struct edition *ed = edition_in(lc->lang);
        if (!ed || !L)
            continue;
        struct layout_config cfg;
        layout_config_default(&cfg, 800, 480);
        cfg.locale = &loc->layout;
        struct layout_pages pages;
        layout_pages_init(&pages);
        struct err e = {0};
        CHECK_MSG(layout_index(L, &cfg, ed, false, &pages, &e), "%s index: %s", lc->lang, e.msg);
        if (pages.count) {
            /* the index's first column (the first section's link) is on the
             * reading side */
            const struct layout_page *pg = &pages.pages[0];
            for (size_t k = 0; k < pg->link_count; k++)
                if (pg->links[k].action == LAYOUT_ACTION_SECTION)
                    CHECK_MSG(lc->rtl ? pg->links[k].x > 400 : pg->links[k].x < 400,
                              "%s: section link at x %d", lc->lang, (int)pg->links[k].x);
            CHECK_STR(line_of(&pages.pages[0], LAYOUT_ROLE_BYLINE), lc->date_long);
            CHECK_STR(line_of(&pages.pages[0], LAYOUT_ROLE_FOOTER), lc->page_1_of_1);
            CHECK_INT(pages.pages[0].dir, lc->rtl ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR);
        }
        layout_pages_fini(&pages);
        layout_pages_init(&pages);
        CHECK_MSG(layout_article(L, &cfg, ed, 0, &pages, &e), "%s article: %s", lc->lang, e.msg);
        if (pages.count) {
            const struct layout_page *pg = &pages.pages[0];
            CHECK_STR(line_of(pg, LAYOUT_ROLE_BYLINE), lc->date_short);
            /* the nav bar's words are the language's; the page number too */
            const char *next = loc->layout.text[LAYOUT_TEXT_NEXT];
            const char *narrow = loc->layout.text[LAYOUT_TEXT_NEXT_SHORT];
            bool has_next = false;
            for (size_t k = 0; k < pg->line_count; k++)
                has_next |=
                    strcmp(pg->lines[k].text, next) == 0 || strcmp(pg->lines[k].text, narrow) == 0;
            CHECK_MSG(has_next, "%s: no \"%s\" in the bar", lc->lang, next);
            CHECK_STR(line_of(pg, LAYOUT_ROLE_FOOTER), lc->page_1_of_2);
            CHECK_INT(pg->dir, lc->rtl ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR);
            /* the bar: previous, contents, next from the reading side, the
             * size buttons at the other end; mirrored for right to left */
            int x[8] = {0};
            for (size_t k = 0; k < pg->link_count; k++)
                if (pg->links[k].action < 8)
                    x[pg->links[k].action] = pg->links[k].x + pg->links[k].w / 2;
            int prev = x[LAYOUT_ACTION_PREV_STORY], contents = x[LAYOUT_ACTION_CONTENTS];
            int nx = x[LAYOUT_ACTION_NEXT_STORY], smaller = x[LAYOUT_ACTION_FONT_SMALLER];
            int larger = x[LAYOUT_ACTION_FONT_LARGER];
            if (lc->rtl)
                CHECK_MSG(larger < smaller && smaller < 400 && nx < contents && contents < prev &&
                              prev > 400,
                          "%s bar: %d %d %d %d %d", lc->lang, prev, contents, nx, smaller, larger);
            else
                CHECK_MSG(prev < contents && contents < nx && nx < 400 && smaller > 400 &&
                              smaller < larger,
                          "%s bar: %d %d %d %d %d", lc->lang, prev, contents, nx, smaller, larger);
        }
        /* the caption starts on the reading side, the credit ends opposite */
        bool caption = false;
        for (size_t i2 = 0; i2 < pages.count; i2++)
            for (size_t k = 0; k < pages.pages[i2].line_count; k++) {
                const struct layout_line *ln = &pages.pages[i2].lines[k];
                int left = cfg.margin, right = 800 - cfg.margin;
                if (ln->role == LAYOUT_ROLE_CAPTION) {
                    caption = true;
                    CHECK_MSG(lc->rtl ? ln->x + ln->w == right : ln->x == left,
                              "%s caption at %d..%d", lc->lang, (int)ln->x, (int)(ln->x + ln->w));
                } else if (ln->role == LAYOUT_ROLE_CREDIT) {
                    CHECK_MSG(lc->rtl ? ln->x == left : ln->x + ln->w == right,
                              "%s credit at %d..%d", lc->lang, (int)ln->x, (int)(ln->x + ln->w));
                }
            }
        CHECK_MSG(caption, "%s: no caption", lc->lang);
        layout_pages_fini(&pages);
        edition_destroy(ed);
    }
    layout_destroy(L);
}

/* Where the arrow of the bar's button for action act shows on page pg, and
 * which way it points: side -1 left of the label's words, +1 right of them;
 * point -1 left, +1 right (U+2039/U+203A, mirrored in a right-to-left run as
 * HarfBuzz draws it). false if the button has no arrow. */
static bool
bar_arrow(const struct layout_page *pg, enum layout_action act, int *side, int *point)
{
    const struct layout_link *lk = NULL;
    for (size_t k = 0; k < pg->link_count; k++)
        if (pg->links[k].action == act)
            lk = &pg->links[k];
    if (!lk)
        return false;
    int arrow_x = -1, words_x = -1, pointing = 0;
    for (size_t k = 0; k < pg->run_count; k++) {
        const struct layout_run *r = &pg->runs[k];
        if (r->y < lk->y || r->x < lk->x || r->x + r->w > lk->x + lk->w)
            continue;
        bool rtl = r->props.dir == LAYOUT_DIR_RTL, letters = false;
        for (uint32_t i = 0; i < r->len; i++) {
            unsigned char b = (unsigned char)r->text[i];
            /* ASCII letters, or the lead byte of Latin, Hebrew or Arabic */
            letters |= (b >= 'A' && b <= 'z') || (b >= 0xC3 && b <= 0xDF);
        }
        if (letters)
            words_x = r->x + r->w / 2;
        for (uint32_t i = 0; i + 3 <= r->len; i++) {
            int dirn = memcmp(r->text + i, "\xE2\x80\xB9", 3) == 0   ? -1
                       : memcmp(r->text + i, "\xE2\x80\xBA", 3) == 0 ? +1
                                                                     : 0;
            if (!dirn)
                continue;
            pointing = rtl ? -dirn : dirn;
            /* at the run's logical start or end: its left or right edge */
            bool left = (i == 0) != rtl;
            arrow_x = left ? r->x : r->x + r->w;
        }
    }
    if (arrow_x < 0 || words_x < 0)
        return false;
    *side = arrow_x < words_x ? -1 : +1;
    *point = pointing;
    return true;
}

/* The bar's arrows point the way their buttons lie whatever the chrome's
 * language: English chrome over a right-to-left article ("< Next" on the
 * left), Arabic chrome over an English article, and both matching. */
static void
test_bar_arrows(struct l10n *l)
{
    static const struct {
        const char *chrome, *article;
        bool rtl;
    } cases[] = {{"xx", "en", false}, {"xx", "ar", true}, {"ar", "en", false},
                 {"ar", "ar", true},  {"he", "he", true}, {"fr", "he", true}};
    struct layout *L = layout_create(&fake, NK_HYPHEN_DIR);
    CHECK(L != NULL);
    for (size_t i = 0; L && i < sizeof cases / sizeof cases[0]; i++) {
        char manifest[512], article[512];
        snprintf(
            manifest, sizeof manifest,
            "format: 1\ntitle: \"Ledger\"\nedition: 2026-12-05\nsequence: 3\n"
            "language: %s\narticles:\n  - articles/a.md\n  - articles/b.md\n  - articles/c.md\n",
            cases[i].chrome);
        const char *body =
            cases[i].rtl ? "\xD8\xA7\xD9\x84\xD9\x85\xD9\x8A\xD9\x86\xD8\xA7\xD8\xA1 "
                           "\xD9\x81\xD8\xAA\xD8\xAD \xD8\xA7\xD9\x84\xD9\x8A\xD9\x88\xD9\x85."
                         : "The quay opened at dawn.";
        snprintf(article, sizeof article,
                 "---\ntitle: \"Harbour\"\nlanguage: %s\ndate: 2026-12-05\n---\n\n%s\n",
                 cases[i].article, body);
        struct edition *ed = edition_create(NULL);
        struct err e = {0};
        bool ok = ed && edition_parse_manifest(ed, "manifest.yaml", manifest, strlen(manifest), &e);
        for (size_t a = 0; ok && a < 3; a++)
            ok = edition_parse_article(ed, a, article, strlen(article), &e);
        CHECK_MSG(ok, "%s/%s: %s", cases[i].chrome, cases[i].article, e.msg);
        struct layout_config cfg;
        layout_config_default(&cfg, 800, 480);
        cfg.locale = &l10n_locale(l, cases[i].chrome)->layout;
        struct layout_pages pages;
        layout_pages_init(&pages);
        /* the middle article: previous and next both enabled */
        if (ok && layout_article(L, &cfg, ed, 1, &pages, &e) && pages.count) {
            const struct layout_page *pg = &pages.pages[0];
            CHECK_INT(pg->dir, cases[i].rtl ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR);
            int side, point;
            int out = cases[i].rtl ? -1 : +1; /* where next lies */
            CHECK_MSG(bar_arrow(pg, LAYOUT_ACTION_NEXT_STORY, &side, &point) && side == out &&
                          point == out,
                      "%s chrome, %s article: next's arrow on side %d pointing %d", cases[i].chrome,
                      cases[i].article, side, point);
            CHECK_MSG(bar_arrow(pg, LAYOUT_ACTION_PREV_STORY, &side, &point) && side == -out &&
                          point == -out,
                      "%s chrome, %s article: previous's arrow on side %d pointing %d",
                      cases[i].chrome, cases[i].article, side, point);
        } else {
            CHECK_MSG(false, "%s/%s article: %s", cases[i].chrome, cases[i].article, e.msg);
        }
        layout_pages_fini(&pages);
        edition_destroy(ed);
    }
    layout_destroy(L);
}

static void
test_tags(struct l10n *l)
{
    const struct l10n_locale *en = l10n_english();
    const struct l10n_locale *fa = l10n_locale(l, "fa");
    CHECK(fa != en);
    CHECK(l10n_locale(l, "fa-IR") == fa);
    CHECK(l10n_locale(l, "FA_ir") == fa);
    CHECK(l10n_locale(l, "pt-BR") == l10n_locale(l, "pt"));
    CHECK(l10n_locale(l, "zh-CN") == l10n_locale(l, "zh"));
    CHECK(l10n_locale(l, "zh-Hans") == l10n_locale(l, "zh"));
    /* hostile or malformed tags: English, no path built from them */
    static const char *const bad[] = {
        "",        "f",     "fars",  "../../etc/passwd", "fa/../x", "fa.UTF8", "1a",         "fa\n",
        "zh-Hant", "zh-TW", "zh_hk", "zh-Hant-MO",       "en",      "de",      "ar-\xff\xfe"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const struct l10n_locale *loc = l10n_locale(l, bad[i]);
        bool expect_ar = strncmp(bad[i], "ar-", 3) == 0; /* the primary subtag is fine */
        CHECK_MSG(expect_ar ? loc == l10n_locale(l, "ar") : !loc->translated, "tag \"%s\"", bad[i]);
    }
    CHECK(l10n_locale(l, NULL) == en);
    CHECK(l10n_locale(NULL, "fa") == en);
    CHECK(l10n_is_rtl("ur-PK") && l10n_is_rtl("he") && l10n_is_rtl("fa") && l10n_is_rtl("ar"));
    CHECK(!l10n_is_rtl("en") && !l10n_is_rtl("hi") && !l10n_is_rtl(NULL) && !l10n_is_rtl("a"));

    char buf[64];
    l10n_number(fa, 2026, buf, sizeof buf);
    CHECK_STR(buf, "۲۰۲۶");
    l10n_number(l10n_locale(l, "bn"), 1234567890, buf, sizeof buf);
    CHECK_STR(buf, "১২৩৪৫৬৭৮৯০");
    l10n_number(NULL, 42, buf, sizeof buf);
    CHECK_STR(buf, "42");
    static const char *const names[] = {"a", "bb"};
    static const char *const values[] = {"X", "ۍۍ"};
    l10n_format(buf, sizeof buf, "{a}-{bb}-{c}-{a", names, values, 2);
    CHECK_STR(buf, "X-ۍۍ-{c}-{a");
    /* cut at a character boundary: "X-" and half of a 2-byte letter would not fit in 4 */
    l10n_format(buf, 5, "{a}-{bb}", names, values, 2);
    CHECK_STR(buf, "X-ۍ");
    l10n_format(buf, 4, "{a}-{bb}", names, values, 2);
    CHECK_STR(buf, "X-");
}

static void
test_faulty_catalogue(void)
{
    struct err e = {0};
    struct l10n *l = l10n_create(NK_L10N_BAD_DIR, &e);
    CHECK_MSG(l != NULL, "%s", e.msg);
    if (!l)
        return;
    const struct l10n_locale *en = l10n_english();
    const struct l10n_locale *qq = l10n_locale(l, "qq");
    CHECK(qq->translated);
    CHECK_STR(qq->layout.text[LAYOUT_TEXT_CONTENTS], "Qqqq");
    /* a field of its own, a field dropped, an empty string: the English */
    CHECK(qq->layout.text[LAYOUT_TEXT_PAGE_OF] == en->layout.text[LAYOUT_TEXT_PAGE_OF]);
    CHECK(qq->layout.date_short == en->layout.date_short);
    CHECK(qq->layout.text[LAYOUT_TEXT_CONTENTS_SHORT] ==
          en->layout.text[LAYOUT_TEXT_CONTENTS_SHORT]);
    CHECK(qq->layout.months[0] == en->layout.months[0]);
    /* a folder with no catalogues: English for everyone */
    struct l10n *none = l10n_create("/nonexistent/newskiosk-locale", &e);
    CHECK(none != NULL);
    if (none)
        CHECK(!l10n_locale(none, "fa")->translated);
    l10n_destroy(none);
    l10n_destroy(l);
}

static void
test_language_variable(void)
{
    /* glibc would choose catalogues by LANGUAGE under C.UTF-8: refused */
    setenv("LANGUAGE", "de:en", 1);
    struct err e = {0};
    struct l10n *l = l10n_create(NK_LOCALE_DIR, &e);
    CHECK(l == NULL);
    CHECK_MSG(strstr(e.msg, "LANGUAGE") != NULL, "%s", e.msg);
    l10n_destroy(l);
    unsetenv("LANGUAGE");
    l10n_destroy(NULL);
}

int
main(void)
{
    /* the clean environment the kiosk meets on a board */
    CHECK(getenv("LANG") == NULL && getenv("LC_ALL") == NULL);
    struct err e = {0};
    struct l10n *l = l10n_create(NK_LOCALE_DIR, &e);
    CHECK_MSG(l != NULL, "%s", e.msg);
    if (l) {
        test_languages(l);
        test_tags(l);
        test_bar_arrows(l);
    }
    l10n_destroy(l);
    test_faulty_catalogue();
    test_language_variable();
    return check_summary("l10n");
}
