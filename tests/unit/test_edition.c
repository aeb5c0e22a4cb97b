/* Unit tests for edition: manifest rules (a table of good and bad manifests),
 * article front matter and body mapping (spans, subheads, quotes, lists,
 * figures, entities), meta-only parsing, path rules, dates, and
 * edition_open_dir / edition_load_body on folders written here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>

#include "check.h"
#include "edition.h"

#define GOOD_MANIFEST                                                                              \
    "format: 1\n"                                                                                  \
    "title: The Harbour Gazette\n"                                                                 \
    "edition: 2026-11-28\n"                                                                        \
    "sequence: 42\n"                                                                               \
    "language: en\n"                                                                               \
    "publisher: Harbour Press\n"                                                                   \
    "expires: 2026-11-29T06:00:00+01:00\n"                                                         \
    "sections: [News, Culture]\n"                                                                  \
    "articles:\n"                                                                                  \
    "  - articles/001-harbour.md\n"                                                                \
    "  - articles/002-market.md\n"

static void
test_manifest_good(void)
{
    struct edition *ed = edition_create(NULL);
    struct err e = {0};
    CHECK_MSG(edition_parse_manifest(ed, "manifest.yaml", GOOD_MANIFEST, strlen(GOOD_MANIFEST), &e),
              "%s", e.msg);
    CHECK_INT(ed->format, 1);
    CHECK_STR(ed->title, "The Harbour Gazette");
    CHECK_STR(ed->edition, "2026-11-28");
    CHECK_INT(ed->sequence, 42);
    CHECK_STR(ed->language, "en");
    CHECK_STR(ed->publisher, "Harbour Press");
    CHECK_STR(ed->expires, "2026-11-29T06:00:00+01:00");
    CHECK_INT(ed->section_count, 2);
    if (ed->section_count == 2) {
        CHECK_STR(ed->sections[0], "News");
        CHECK_STR(ed->sections[1], "Culture");
    }
    CHECK_INT(ed->article_count, 2);
    if (ed->article_count == 2) {
        CHECK_STR(ed->articles[1].path, "articles/002-market.md");
        CHECK_STR(ed->articles[1].deck, "");
        CHECK(!ed->articles[1].body_loaded);
    }
    CHECK_INT(edition_find_article(ed, "articles/002-market.md"), 1);
    CHECK_INT(edition_find_article(ed, "articles/none.md"), -1);
    /* expires 2026-11-29T05:00:00Z = 1795928400 */
    CHECK(!edition_is_expired(ed, 1795928399));
    CHECK(edition_is_expired(ed, 1795928400));
    edition_destroy(ed);
    edition_destroy(NULL);

    /* minimal: optional keys absent */
    static const char minimal[] = "format: 1\ntitle: T\nedition: 2026-11-28T06:00:00Z\n"
                                  "sequence: 1\nlanguage: pt-BR\narticles: [articles/a.md]\n";
    ed = edition_create(NULL);
    CHECK_MSG(edition_parse_manifest(ed, "manifest.yaml", minimal, strlen(minimal), &e), "%s",
              e.msg);
    CHECK_STR(ed->publisher, "");
    CHECK_STR(ed->expires, "");
    CHECK_INT(ed->section_count, 0);
    CHECK(!edition_is_expired(ed, INT64_MAX));
    CHECK_STR(ed->articles[0].language, "pt-BR");
    edition_destroy(ed);

    /* what editors write: a byte order mark, CRLF, an explicit '---' */
    static const char *const variants[] = {
        "\xef\xbb\xbf"
        "format: 1\ntitle: T\nedition: 2026-11-28\nsequence: 1\nlanguage: en\n"
        "articles: [articles/a.md]\n",
        "format: 1\r\ntitle: T\r\nedition: 2026-11-28\r\nsequence: 1\r\nlanguage: en\r\n"
        "articles:\r\n- articles/a.md\r\n",
        "%YAML 1.1\n---\nformat: 1\ntitle: T\nedition: 2026-11-28\nsequence: 1\n"
        "language: en\narticles: [articles/a.md]\n...\n",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        ed = edition_create(NULL);
        CHECK_MSG(edition_parse_manifest(ed, "manifest.yaml", variants[i], strlen(variants[i]), &e),
                  "variant %zu: %s", i, e.msg);
        edition_destroy(ed);
    }
}

/* Each row replaces one line of the good manifest (or adds one) and must
 * fail with a message holding want. */
static void
test_manifest_bad(void)
{
    static const struct {
        const char *from, *to; /* replace from by to in GOOD_MANIFEST */
        enum err_code code;
        const char *want;
    } rows[] = {
        {"sequence: 42\n", "", ERR_INVALID, "manifest.yaml: sequence is required"},
        {"sequence: 42\n", "sequence: forty\n", ERR_INVALID,
         "manifest.yaml:4: sequence must be an integer"},
        {"sequence: 42\n", "sequence: \"42\"\n", ERR_INVALID, ":4: sequence must be an integer"},
        {"sequence: 42\n", "sequence: 4.2\n", ERR_INVALID, ":4: sequence must be an integer"},
        {"sequence: 42\n", "sequence: 99999999999999999999\n", ERR_INVALID,
         ":4: sequence must be an integer"},
        {"sequence: 42\n", "sequence: [1]\n", ERR_INVALID, ":4: sequence must be a single value"},
        {"format: 1\n", "format: 2\n", ERR_INVALID, "manifest.yaml:1: format 2 is not supported"},
        {"format: 1\n", "", ERR_INVALID, "format is required"},
        {"title: The Harbour Gazette\n", "title: \"\"\n", ERR_INVALID,
         ":2: title must not be empty"},
        {"title: The Harbour Gazette\n", "title: null\n", ERR_INVALID,
         ":2: title must not be empty"},
        {"edition: 2026-11-28\n", "edition: 2026-13-01\n", ERR_INVALID,
         "manifest.yaml:3: edition must be an ISO date"},
        {"edition: 2026-11-28\n", "edition: 2026-02-29\n", ERR_INVALID, ":3: edition must be"},
        {"edition: 2026-11-28\n", "edition: 28/11/2026\n", ERR_INVALID, ":3: edition must be"},
        {"edition: 2026-11-28\n", "edition: 2026-11-28T06:00:00\n", ERR_INVALID,
         ":3: edition must be"},
        {"edition: 2026-11-28\n", "edition: 2026-11-28T25:00:00Z\n", ERR_INVALID,
         ":3: edition must be"},
        {"expires: 2026-11-29T06:00:00+01:00\n", "expires: tomorrow\n", ERR_INVALID,
         ":7: expires must be an ISO date"},
        {"language: en\n", "language: English\n", ERR_INVALID, ":5: language must be a BCP 47"},
        {"language: en\n", "language: e\n", ERR_INVALID, ":5: language must be a BCP 47"},
        {"language: en\n", "language: en_US\n", ERR_INVALID, ":5: language must be a BCP 47"},
        {"publisher: Harbour Press\n", "publisher: Harbour Press\npublsher: x\n", ERR_INVALID,
         "manifest.yaml:7: unknown key 'publsher'"},
        {"title: The Harbour Gazette\n", "title: &t The Harbour Gazette\n", ERR_INVALID,
         "manifest.yaml:2: YAML anchors"},
        {"publisher: Harbour Press\n", "publisher: *t\n", ERR_INVALID,
         "manifest.yaml:6: YAML anchors (&) and aliases (*) are not allowed"},
        {"  - articles/002-market.md\n", "  - articles/001-harbour.md\n", ERR_INVALID,
         "manifest.yaml:11: article 'articles/001-harbour.md' is listed twice (also on line 10)"},
        {"  - articles/002-market.md\n", "  - articles/001-HARBOUR.md\n", ERR_INVALID,
         ":11: article 'articles/001-HARBOUR.md' is listed twice"},
        {"  - articles/002-market.md\n", "  - ../x.md\n", ERR_INVALID,
         "manifest.yaml:11: article path '../x.md' is not of the form articles/NAME.md"},
        {"  - articles/002-market.md\n", "  - articles/sub/x.md\n", ERR_INVALID,
         ":11: article path 'articles/sub/x.md'"},
        {"  - articles/002-market.md\n", "  - articles/.hidden.md\n", ERR_INVALID,
         ":11: article path 'articles/.hidden.md'"},
        {"  - articles/002-market.md\n", "  - articles/a b.md\n", ERR_INVALID,
         ":11: article path 'articles/a b.md'"},
        {"  - articles/002-market.md\n", "  - articles/x.txt\n", ERR_INVALID, ":11: article path"},
        {"  - articles/002-market.md\n", "  - /etc/passwd\n", ERR_INVALID, ":11: article path"},
        {"  - articles/002-market.md\n", "  - {a: b}\n", ERR_INVALID,
         ":9: articles must be a list of paths"},
        {"  - articles/001-harbour.md\n  - articles/002-market.md\n", " []\n", ERR_INVALID,
         "articles must list at least one article"},
        {"sections: [News, Culture]\n", "sections: [News, News]\n", ERR_INVALID,
         ":8: section 'News' is listed twice"},
        {"sections: [News, Culture]\n", "sections: News\n", ERR_INVALID,
         ":8: sections must be a list"},
        {"title: The Harbour Gazette\n", "title: [a\n", ERR_INVALID,
         "manifest.yaml:3: malformed YAML"},
        {"title: The Harbour Gazette\n", "title: A\ntitle: B\n", ERR_INVALID,
         ":3: key 'title' appears twice (first on line 2)"},
        {"title: The Harbour Gazette\n", "title: Caf\xc3\n", ERR_INVALID,
         "manifest.yaml:2: text is not valid UTF-8"},
        {"  - articles/002-market.md\n", "  - articles/002-market.md\n---\nformat: 1\n",
         ERR_INVALID, ":12: only one YAML document is allowed"},
        {"format: 1\n", "? [a, b]\n: c\nformat: 1\n", ERR_INVALID, ":1: keys must be plain words"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char text[2048];
        const char *at = strstr(GOOD_MANIFEST, rows[i].from);
        CHECK_MSG(at != NULL, "row %zu: '%s' not in the manifest", i, rows[i].from);
        if (!at)
            continue;
        size_t pre = (size_t)(at - GOOD_MANIFEST);
        snprintf(text, sizeof text, "%.*s%s%s", (int)pre, GOOD_MANIFEST, rows[i].to,
                 at + strlen(rows[i].from));
        struct edition *ed = edition_create(NULL);
        struct err e = {0};
        bool ok = edition_parse_manifest(ed, "manifest.yaml", text, strlen(text), &e);
        CHECK_MSG(!ok, "row %zu: accepted", i);
        CHECK_MSG(e.code == rows[i].code, "row %zu: code %d, expected %d (%s)", i, e.code,
                  rows[i].code, e.msg);
        CHECK_MSG(strstr(e.msg, rows[i].want) != NULL, "row %zu: \"%s\" lacks \"%s\"", i, e.msg,
                  rows[i].want);
        edition_destroy(ed);
    }
}

static void
test_manifest_limits(void)
{
    struct edition_limits lim;
    edition_limits_default(&lim);
    CHECK_INT(lim.max_manifest_bytes, 256 * 1024);
    CHECK_INT(lim.max_articles, 10000);
    lim.max_articles = 1;
    struct edition *ed = edition_create(&lim);
    struct err e = {0};
    CHECK(!edition_parse_manifest(ed, "manifest.yaml", GOOD_MANIFEST, strlen(GOOD_MANIFEST), &e));
    CHECK_INT(e.code, ERR_LIMIT);
    CHECK_CONTAINS(e.msg, "2 articles exceeds the limit of 1");
    edition_destroy(ed);

    lim.max_articles = 10;
    lim.max_manifest_bytes = 100;
    ed = edition_create(&lim);
    CHECK(!edition_parse_manifest(ed, "manifest.yaml", GOOD_MANIFEST, strlen(GOOD_MANIFEST), &e));
    CHECK_INT(e.code, ERR_LIMIT);
    CHECK_CONTAINS(e.msg, "manifest.yaml:");
    edition_destroy(ed);

    /* a billion-laughs manifest stops at the first anchor */
    static const char laughs[] = "format: 1\nx: &a [lol, lol]\ny: &b [*a, *a]\n";
    ed = edition_create(NULL);
    CHECK(!edition_parse_manifest(ed, "manifest.yaml", laughs, strlen(laughs), &e));
    CHECK_CONTAINS(e.msg, "manifest.yaml:2: YAML anchors");
    edition_destroy(ed);

    /* a NUL byte is not text */
    static const char nul[] = "format: 1\ntitle: a\0b\n";
    ed = edition_create(NULL);
    CHECK(!edition_parse_manifest(ed, "manifest.yaml", nul, sizeof nul - 1, &e));
    CHECK_CONTAINS(e.msg, "manifest.yaml:2: text contains a NUL byte");
    edition_destroy(ed);
}

/* An edition with one article slot, for article tests. */
static struct edition *
one_article(const char *path)
{
    char m[512];
    snprintf(m, sizeof m,
             "format: 1\ntitle: T\nedition: 2026-11-28\nsequence: 1\nlanguage: en\n"
             "articles: [%s]\n",
             path);
    struct edition *ed = edition_create(NULL);
    struct err e = {0};
    bool ok = edition_parse_manifest(ed, "manifest.yaml", m, strlen(m), &e);
    CHECK_MSG(ok, "%s", e.msg);
    return ed;
}

/* The text of a block's spans joined, into buf. */
static const char *
block_text(const struct edition_block *b, char *buf, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < b->span_count && o + 1 < n; i++) {
        size_t k = b->spans[i].len < n - 1 - o ? b->spans[i].len : n - 1 - o;
        memcpy(buf + o, b->spans[i].text, k);
        o += k;
    }
    buf[o] = '\0';
    return buf;
}

static const char article_text[] =
    "---\n"                                                                      /* 1 */
    "title: Harbour reopens\n"                                                   /* 2 */
    "deck: \"After a year of works, the ferries are back\"\n"                    /* 3 */
    "byline: Ana Ruiz\n"                                                         /* 4 */
    "date: 2026-11-27\n"                                                         /* 5 */
    "section: News\n"                                                            /* 6 */
    "dir: auto\n"                                                                /* 7 */
    "draft: false\n"                                                             /* 8 */
    "tags: [port, ferries]\n"                                                    /* 9 */
    "params: {weight: 3, extra: [1, 2]}\n"                                       /* 10 */
    "---\n"                                                                      /* 11 */
    "The *harbour* is **open** again, with `code` and [a link](http://x.org).\n" /* 12 */
    "Second line &amp; &eacute;t&eacute; &#8212; &#x263A; &copy;\\\n"            /* 13 */
    "after break.\n"                                                             /* 14 */
    "\n"                                                                         /* 15 */
    "# Top\n"                                                                    /* 16 */
    "## The works\n"                                                             /* 17 */
    "#### Details\n"                                                             /* 18 */
    "\n"                                                                         /* 19 */
    "> A quote that\n"                                                           /* 20 */
    "> spans lines.\n"                                                           /* 21 */
    ">\n"                                                                        /* 22 */
    "> -- Mayor\n"                                                               /* 23 */
    "\n"                                                                         /* 24 */
    "- one\n"                                                                    /* 25 */
    "  - one a\n"                                                                /* 26 */
    "  - one b\n"                                                                /* 27 */
    "- two\n"                                                                    /* 28 */
    "\n"                                                                         /* 29 */
    "3. three\n"                                                                 /* 30 */
    "4. four\n"                                                                  /* 31 */
    "\n"                                                                         /* 32 */
    "![The ferry *Aurora* at dawn](images/ferry.jpg \"Photo: B. Lee\")\n"        /* 33 */
    "\n"                                                                         /* 34 */
    "Text with ![inline](images/map.png) inside.\n"                              /* 35 */
    "\n"                                                                         /* 36 */
    "<div>hidden html</div>\n"                                                   /* 37 */
    "\n"                                                                         /* 38 */
    "End <b>bold</b>.\n";                                                        /* 39 */

static void
test_article_full(void)
{
    struct edition *ed = one_article("articles/001-harbour.md");
    struct err e = {0};
    CHECK_MSG(edition_parse_article(ed, 0, article_text, strlen(article_text), &e), "%s", e.msg);
    const struct edition_article *a = &ed->articles[0];
    CHECK_STR(a->title, "Harbour reopens");
    CHECK_STR(a->deck, "After a year of works, the ferries are back");
    CHECK_STR(a->byline, "Ana Ruiz");
    CHECK_STR(a->date, "2026-11-27");
    CHECK_STR(a->section, "News");
    CHECK_STR(a->language, "en");
    CHECK_STR(a->dir, "");
    CHECK(a->body_loaded);

    static const struct {
        enum edition_block_kind kind;
        int level, depth, ordered, number;
        const char *text;
    } want[] = {
        {EDITION_BLOCK_PARAGRAPH, 0, 0, 0, 0,
         "The harbour is open again, with code and a link. Second line & \xc3\xa9t\xc3\xa9 "
         "\xe2\x80\x94 \xe2\x98\xba \xc2\xa9\nafter break."},
        {EDITION_BLOCK_SUBHEAD, 2, 0, 0, 0, "Top"},
        {EDITION_BLOCK_SUBHEAD, 2, 0, 0, 0, "The works"},
        {EDITION_BLOCK_SUBHEAD, 3, 0, 0, 0, "Details"},
        {EDITION_BLOCK_QUOTE, 0, 0, 0, 0, "A quote that spans lines.\n-- Mayor"},
        {EDITION_BLOCK_LIST_ITEM, 0, 1, 0, 0, "one"},
        {EDITION_BLOCK_LIST_ITEM, 0, 2, 0, 0, "one a"},
        {EDITION_BLOCK_LIST_ITEM, 0, 2, 0, 0, "one b"},
        {EDITION_BLOCK_LIST_ITEM, 0, 1, 0, 0, "two"},
        {EDITION_BLOCK_LIST_ITEM, 0, 1, 1, 3, "three"},
        {EDITION_BLOCK_LIST_ITEM, 0, 1, 1, 4, "four"},
        {EDITION_BLOCK_FIGURE, 0, 0, 0, 0, ""},
        {EDITION_BLOCK_PARAGRAPH, 0, 0, 0, 0, "Text with  inside."},
        {EDITION_BLOCK_FIGURE, 0, 0, 0, 0, ""},
        {EDITION_BLOCK_PARAGRAPH, 0, 0, 0, 0, "End bold."},
    };
    size_t nwant = sizeof want / sizeof want[0];
    CHECK_INT(a->block_count, nwant);
    for (size_t i = 0; i < nwant && i < a->block_count; i++) {
        const struct edition_block *b = &a->blocks[i];
        char buf[512];
        CHECK_MSG(b->kind == want[i].kind, "block %zu: kind %d, expected %d", i, b->kind,
                  want[i].kind);
        CHECK_MSG(strcmp(block_text(b, buf, sizeof buf), want[i].text) == 0,
                  "block %zu: \"%s\", expected \"%s\"", i, buf, want[i].text);
        if (b->kind == EDITION_BLOCK_SUBHEAD)
            CHECK_INT(b->level, want[i].level);
        if (b->kind == EDITION_BLOCK_LIST_ITEM) {
            CHECK_INT(b->depth, want[i].depth);
            CHECK_INT(b->ordered, want[i].ordered);
            CHECK_INT(b->number, want[i].number);
        }
    }
    if (a->block_count == nwant) {
        /* spans of the first paragraph */
        const struct edition_block *p = &a->blocks[0];
        CHECK(p->span_count >= 8);
        CHECK_INT(p->spans[0].style, 0);
        CHECK_INT(p->spans[1].style, EDITION_STYLE_EMPH);
        CHECK(p->spans[1].len == 7 && memcmp(p->spans[1].text, "harbour", 7) == 0);
        CHECK_INT(p->spans[3].style, EDITION_STYLE_STRONG);
        CHECK_INT(p->spans[5].style, EDITION_STYLE_CODE);
        CHECK_INT(p->spans[7].style, EDITION_STYLE_LINK);
        const struct edition_figure *f = &a->blocks[11].figure;
        CHECK_STR(f->image, "images/ferry.jpg");
        CHECK_STR(f->caption, "The ferry Aurora at dawn");
        CHECK_STR(f->credit, "Photo: B. Lee");
        CHECK_INT(f->width, 0);
        CHECK(a->lead == f);
        CHECK_STR(a->blocks[13].figure.image, "images/map.png");
        CHECK_STR(a->blocks[13].figure.caption, "inline");
        CHECK_STR(a->blocks[13].figure.credit, "");
    }
    uint32_t words = a->word_count;
    CHECK(words > 30);

    /* meta-only: same front matter, lead and word count, no blocks */
    struct edition *m = one_article("articles/001-harbour.md");
    CHECK_MSG(edition_parse_article_meta(m, 0, article_text, strlen(article_text), &e), "%s",
              e.msg);
    const struct edition_article *b = &m->articles[0];
    CHECK_STR(b->title, "Harbour reopens");
    CHECK(!b->body_loaded);
    CHECK(b->blocks == NULL && b->block_count == 0);
    CHECK_INT(b->word_count, words);
    CHECK(b->lead != NULL);
    if (b->lead) {
        CHECK_STR(b->lead->image, "images/ferry.jpg");
        CHECK_STR(b->lead->caption, "The ferry Aurora at dawn");
        CHECK_STR(b->lead->credit, "Photo: B. Lee");
    }
    edition_destroy(m);
    edition_destroy(ed);
}

static void
test_article_words_and_misc(void)
{
    static const struct {
        const char *text;
        uint32_t words;
        size_t blocks;
    } rows[] = {
        {"---\ntitle: x\n---\n", 0, 0},
        {"---\ntitle: x\n---\none two  three\n\nfour\n", 4, 2},
        {"---\ntitle: x\n---\n**bo**ld word\n", 2, 1},
        {"---\ntitle: x\n---\n```\nint x;\n```\n", 2, 1},
        {"---\ntitle: x\n---\n<script>alert(1)</script>\n\nok\n", 1, 1},
        {"\xef\xbb\xbf---\ntitle: x\n---\nBOM first\n", 2, 1},
        {"---\r\ntitle: x\r\n---\r\nCRLF lines\r\n", 2, 1},
        {"---\ntitle: x\n---\n1. a\n\n   b\n2. c\n", 3, 2},
        {"---\ntitle: x\n---\n---\n", 0, 0}, /* a rule */
        /* md4c 0.4.8 reads past its input when it ends right after "](" */
        {"---\ntitle: x\n---\nword [](", 2, 1}, /* literal text */
        {"---\ntitle: x\n---\n![](", 1, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct edition *ed = one_article("articles/a.md");
        struct err e = {0};
        bool ok = edition_parse_article(ed, 0, rows[i].text, strlen(rows[i].text), &e);
        CHECK_MSG(ok, "row %zu: %s", i, e.msg);
        CHECK_MSG(ed->articles[0].word_count == rows[i].words, "row %zu: %u words, expected %u", i,
                  ed->articles[0].word_count, rows[i].words);
        CHECK_MSG(ed->articles[0].block_count == rows[i].blocks,
                  "row %zu: %zu blocks, expected %zu", i, ed->articles[0].block_count,
                  rows[i].blocks);
        edition_destroy(ed);
    }
    /* a code block keeps the code style and its line breaks */
    struct edition *ed = one_article("articles/a.md");
    static const char code[] = "---\ntitle: x\n---\n    a = 1\n    b = 2\n";
    struct err e = {0};
    CHECK(edition_parse_article(ed, 0, code, strlen(code), &e));
    CHECK_INT(ed->articles[0].block_count, 1);
    if (ed->articles[0].block_count == 1) {
        char buf[64];
        CHECK_STR(block_text(&ed->articles[0].blocks[0], buf, sizeof buf), "a = 1\nb = 2");
        CHECK_INT(ed->articles[0].blocks[0].spans[0].style, EDITION_STYLE_CODE);
    }
    /* a list item with its own paragraphs joined */
    static const char loose[] = "---\ntitle: x\nlanguage: fa\ndir: rtl\n---\n- a\n\n  b\n";
    CHECK(edition_parse_article(ed, 0, loose, strlen(loose), &e));
    CHECK_STR(ed->articles[0].language, "fa");
    CHECK_STR(ed->articles[0].dir, "rtl");
    if (ed->articles[0].block_count == 1) {
        char buf[64];
        CHECK_STR(block_text(&ed->articles[0].blocks[0], buf, sizeof buf), "a\nb");
    }
    CHECK(edition_parse_article(ed, 0, "---\ntitle: x\n---\n", 17, &e));
    CHECK(ed->articles[0].lead == NULL);
    /* the article slot must exist */
    CHECK(!edition_parse_article(ed, 5, "---\ntitle: x\n---\n", 17, &e));
    CHECK_INT(e.code, ERR_USAGE);
    edition_destroy(ed);
}

static void
test_article_bad(void)
{
    static const struct {
        const char *text;
        enum err_code code;
        const char *want;
    } rows[] = {
        {"---\ndeck: no title\n---\nbody\n", ERR_INVALID, "articles/a.md:3: title is required"},
        {"---\ntitle: \"\"\n---\nbody\n", ERR_INVALID, "articles/a.md:3: title is required"},
        {"---\ntitle: ~\n---\nbody\n", ERR_INVALID, "articles/a.md:3: title is required"},
        {"---\ntitle: x\nbody without end\n", ERR_INVALID,
         "articles/a.md:1: front matter opened with '---' is never closed"},
        {"---", ERR_INVALID, "articles/a.md:1: front matter opened with '---' is never closed"},
        {"title: x\n\nbody\n", ERR_INVALID, "articles/a.md:1: the article must begin with"},
        {"", ERR_INVALID, "articles/a.md:1: the article must begin with"},
        {"---\ntitle: x\ndeck: [unclosed\n---\n", ERR_INVALID, "articles/a.md:4: malformed YAML"},
        {"---\ntitle: x\n  bad: indent\n---\n", ERR_INVALID, "articles/a.md:3: malformed YAML"},
        {"---\n- a list\n---\n", ERR_INVALID, "articles/a.md:2: expected 'key: value' lines"},
        {"---\ntitle: [a, b]\n---\n", ERR_INVALID, "articles/a.md:2: title must be a single value"},
        {"---\ntitle: x\nbyline: {a: b}\n---\n", ERR_INVALID,
         "articles/a.md:3: byline must be a single value"},
        {"---\ntitle: x\ndir: up\n---\n", ERR_INVALID, "articles/a.md:3: dir must be ltr, rtl"},
        {"---\ntitle: x\nlanguage: 12\n---\n", ERR_INVALID, "articles/a.md:3: language must be"},
        {"---\ntitle: x\ntags: &t [a]\nmore: *t\n---\n", ERR_INVALID,
         "articles/a.md:3: YAML anchors"},
        {"---\ntitle: x\nk: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n---\n", ERR_LIMIT,
         "articles/a.md:3: YAML nested deeper than 32 levels"},
        {"---\ntitle: x\n---\nline one\n\nline three caf\xc3\x28\n", ERR_INVALID,
         "articles/a.md:6: text is not valid UTF-8"},
        {"---\ntitle: caf\xff\n---\n", ERR_INVALID, "articles/a.md:2: text is not valid UTF-8"},
        {"---\ntitle: x\n---\n\nSee ![x](../etc/passwd.jpg).\n", ERR_INVALID,
         "articles/a.md:5: image '../etc/passwd.jpg' must be a file of the edition"},
        {"---\ntitle: x\n---\none\n\ntwo\n\n![x](http://example.com/a.jpg)\n", ERR_INVALID,
         "articles/a.md:8: image 'http://example.com/a.jpg'"},
        {"---\ntitle: x\n---\n![x](images/a.gif)\n", ERR_INVALID, "articles/a.md:4: image"},
        {"---\ntitle: x\n---\n![x](images/sub/a.jpg)\n", ERR_INVALID, "articles/a.md:4: image"},
        {"---\ntitle: x\n---\n![x](<images/a b.jpg>)\n", ERR_INVALID, "articles/a.md:4: image"},
        {"---\ntitle: x\n---\n![x](images/&#46;a.jpg)\n", ERR_INVALID,
         "articles/a.md:4: image 'images/.a.jpg'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct edition *ed = one_article("articles/a.md");
        struct err e = {0};
        bool ok = edition_parse_article(ed, 0, rows[i].text, strlen(rows[i].text), &e);
        CHECK_MSG(!ok, "row %zu: accepted", i);
        CHECK_MSG(e.code == rows[i].code, "row %zu: code %d (%s)", i, e.code, e.msg);
        CHECK_MSG(strstr(e.msg, rows[i].want) != NULL, "row %zu: \"%s\" lacks \"%s\"", i, e.msg,
                  rows[i].want);
        /* the meta pass applies the same rules */
        struct err m = {0};
        CHECK_MSG(!edition_parse_article_meta(ed, 0, rows[i].text, strlen(rows[i].text), &m),
                  "row %zu: meta accepted", i);
        CHECK_MSG(strcmp(m.msg, e.msg) == 0, "row %zu: meta \"%s\" vs \"%s\"", i, m.msg, e.msg);
        /* a failed parse leaves the article as it was */
        CHECK_STR(ed->articles[0].title, "");
        edition_destroy(ed);
    }
    struct edition_limits lim;
    edition_limits_default(&lim);
    lim.max_article_bytes = 10;
    struct edition *ed = edition_create(&lim);
    struct err e = {0};
    static const char m[] = "format: 1\ntitle: T\nedition: 2026-11-28\nsequence: 1\n"
                            "language: en\narticles: [articles/a.md]\n";
    CHECK(edition_parse_manifest(ed, "manifest.yaml", m, strlen(m), &e));
    CHECK(!edition_parse_article(ed, 0, "---\ntitle: long enough\n---\n", 26, &e));
    CHECK_INT(e.code, ERR_LIMIT);
    CHECK_CONTAINS(e.msg, "articles/a.md: 26 bytes exceeds the article limit");
    edition_destroy(ed);

    /* too many images (md4c slows down quadratically with them) */
    ed = one_article("articles/a.md");
    size_t cap = 64 * 1024, len = 0;
    char *big = malloc(cap);
    len += (size_t)snprintf(big, cap, "---\ntitle: x\n---\n");
    for (int i = 0; i < 1001; i++)
        len += (size_t)snprintf(big + len, cap - len, "![a](images/a.jpg)\n");
    CHECK(!edition_parse_article(ed, 0, big, len, &e));
    CHECK_INT(e.code, ERR_LIMIT);
    CHECK_CONTAINS(e.msg, "articles/a.md:1004: more than 1000 images");
    len -= strlen("![a](images/a.jpg)\n");
    CHECK_MSG(edition_parse_article(ed, 0, big, len, &e), "%s", e.msg);
    CHECK_INT(ed->articles[0].block_count, 1000);
    free(big);
    edition_destroy(ed);
}

static void
test_paths_and_dates(void)
{
    static const struct {
        const char *path;
        bool article, image;
    } paths[] = {
        {"articles/001-harbour.md", true, false},
        {"articles/a.b_c-d.md", true, false},
        {"articles/.md", false, false},
        {"articles/.hidden.md", false, false},
        {"articles/a b.md", false, false},
        {"articles/sub/x.md", false, false},
        {"articles/x.MD", false, false},
        {"articles/caf\xc3\xa9.md", false, false},
        {"Articles/x.md", false, false},
        {"../x.md", false, false},
        {"articles/", false, false},
        {"images/a.jpg", false, true},
        {"images/a.JPEG", false, true},
        {"images/a.png", false, true},
        {"images/a.webp", false, true},
        {"images/.jpg", false, false},
        {"images/a.gif", false, false},
        {"images/a\\b.jpg", false, false},
        {"images/sub/a.jpg", false, false},
        {"/images/a.jpg", false, false},
        {"images/a.jpg/", false, false},
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        CHECK_MSG(edition_valid_article_path(paths[i].path) == paths[i].article, "%s",
                  paths[i].path);
        CHECK_MSG(edition_valid_image_path(paths[i].path) == paths[i].image, "%s", paths[i].path);
    }
    CHECK(!edition_valid_article_path(NULL));
    CHECK(!edition_valid_image_path(NULL));

    /* expiry: a plain date lasts to the end of its day (UTC); offsets apply */
    static const struct {
        const char *expires;
        int64_t first_expired;
    } dates[] = {
        {"2026-12-05", 1796515200},
        {"2026-11-29T06:00:00+01:00", 1795928400},
        {"2026-11-29T04:00:00-01:00", 1795928400},
        {"2026-11-29T05:00Z", 1795928400},
        {"2026-11-29T05:00:00.250Z", 1795928400},
        {"2024-02-29T23:30:00Z", 1709249400}, /* a leap day */
        /* past 2^31 and 2^32 seconds: 64-bit on armhf, whose time_t is 32-bit */
        {"2038-01-19", 2147558400},
        {"2106-02-07", 4295030400},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        char m[512];
        snprintf(m, sizeof m,
                 "format: 1\ntitle: T\nedition: 2026-11-28\nsequence: 1\nlanguage: en\n"
                 "expires: %s\narticles: [articles/a.md]\n",
                 dates[i].expires);
        struct edition *ed = edition_create(NULL);
        struct err e = {0};
        CHECK_MSG(edition_parse_manifest(ed, "manifest.yaml", m, strlen(m), &e), "%s: %s",
                  dates[i].expires, e.msg);
        CHECK_MSG(!edition_is_expired(ed, dates[i].first_expired - 1), "%s", dates[i].expires);
        CHECK_MSG(edition_is_expired(ed, dates[i].first_expired), "%s", dates[i].expires);
        edition_destroy(ed);
    }
}

/* ---- folders ---- */

static void
write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK_MSG(f != NULL, "%s: %s", path, strerror(errno));
    if (!f)
        return;
    fwrite(data, 1, len, f);
    fclose(f);
}

static void
write_text(const char *dir, const char *name, const char *text)
{
    write_file(dir, name, text, strlen(text));
}

static void
png_collect(png_structp png, png_bytep data, size_t n)
{
    FILE *f = png_get_io_ptr(png);
    fwrite(data, 1, n, f);
}

static void
png_noflush(png_structp png)
{
    (void)png;
}

static void
write_png(const char *dir, const char *name, uint32_t w, uint32_t h)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        return;
    }
    png_set_write_fn(png, f, png_collect, png_noflush);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    unsigned char *row = calloc(w, 1);
    for (uint32_t y = 0; y < h; y++)
        png_write_row(png, row);
    free(row);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

static void
remove_tree(const char *dir)
{
    static const char *const names[] = {"manifest.yaml", "articles/a.md", "articles/b.md",
                                        "images/a.png",  "images/b.png",  "images/c.jpg",
                                        "images/big.png"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/articles", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/images", dir);
    rmdir(path);
    rmdir(dir);
}

static const char dir_manifest[] = "format: 1\ntitle: Folder Times\nedition: 2026-11-28\n"
                                   "sequence: 7\nlanguage: en\n"
                                   "articles: [articles/a.md, articles/b.md]\n";
static const char dir_article_a[] =
    "---\ntitle: A\n---\nIntro.\n\n"
    "![Lead](images/a.png \"Credit\")\n\nMore ![b](images/b.png) here.\n";

static struct edition *
open_expect_fail(const char *dir, const char *want)
{
    struct err e = {0};
    struct edition *ed = edition_open_dir(dir, NULL, &e);
    CHECK_MSG(ed == NULL, "opened despite: %s", want);
    CHECK_MSG(strstr(e.msg, want) != NULL, "\"%s\" lacks \"%s\"", e.msg, want);
    edition_destroy(ed);
    return NULL;
}

static void
test_open_dir(void)
{
    char dir[] = "edition-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/articles", dir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/images", dir);
    mkdir(sub, 0755);
    write_text(dir, "manifest.yaml", dir_manifest);
    write_text(dir, "articles/a.md", dir_article_a);
    write_text(dir, "articles/b.md", "---\ntitle: B\nsection: News\n---\nJust text here.\n");
    write_png(dir, "images/a.png", 40, 30);
    write_png(dir, "images/b.png", 8, 16);

    struct err e = {0};
    struct edition *ed = edition_open_dir(dir, NULL, &e);
    CHECK_MSG(ed != NULL, "%s", e.msg);
    if (ed) {
        CHECK_STR(ed->title, "Folder Times");
        CHECK_STR(ed->root, dir);
        CHECK_INT(ed->article_count, 2);
        const struct edition_article *a = &ed->articles[0];
        CHECK_STR(a->title, "A");
        CHECK(!a->body_loaded);
        CHECK(a->lead && a->lead->width == 40 && a->lead->height == 30);
        CHECK_INT(a->word_count, 3); /* "Intro." "More" "here." */
        CHECK_STR(ed->articles[1].section, "News");
        CHECK(ed->articles[1].lead == NULL);
        CHECK_MSG(edition_load_body(ed, 0, &e), "%s", e.msg);
        CHECK(a->body_loaded);
        CHECK_INT(a->block_count, 4);
        if (a->block_count == 4) {
            CHECK_INT(a->blocks[1].kind, EDITION_BLOCK_FIGURE);
            CHECK_INT(a->blocks[1].figure.width, 40);
            CHECK_INT(a->blocks[3].kind, EDITION_BLOCK_FIGURE);
            CHECK_INT(a->blocks[3].figure.width, 8);
            CHECK_INT(a->blocks[3].figure.height, 16);
            /* the lead is still the one the open found, the same photo:
             * it outlives the body */
            CHECK(a->lead && a->lead != &a->blocks[1].figure &&
                  strcmp(a->lead->image, a->blocks[1].figure.image) == 0);
        }
        const char *title = a->title;
        const struct edition_figure *lead = a->lead;
        CHECK(edition_load_body(ed, 0, &e)); /* already loaded */
        CHECK(!edition_load_body(ed, 9, &e));
        CHECK_INT(e.code, ERR_USAGE);
        /* unloaded: no blocks, the metadata as it was; loaded again alike */
        edition_unload_body(ed, 0);
        CHECK(!a->body_loaded && a->blocks == NULL && a->block_count == 0);
        CHECK(a->title == title && a->lead == lead);
        CHECK_STR(a->title, "A");
        CHECK_INT(a->word_count, 3);
        edition_unload_body(ed, 0); /* twice, and one never loaded: nothing */
        edition_unload_body(ed, 1);
        edition_unload_body(ed, 9);
        CHECK_MSG(edition_load_body(ed, 0, &e), "%s", e.msg);
        CHECK(a->body_loaded);
        CHECK_INT(a->block_count, 4);
        if (a->block_count == 4)
            CHECK_INT(a->blocks[3].figure.height, 16);
        edition_destroy(ed);
    }

    /* a broken photo that is not the lead: open_dir only checks it exists,
     * loading the body probes it */
    write_text(dir, "images/b.png", "not a picture");
    ed = edition_open_dir(dir, NULL, &e);
    CHECK_MSG(ed != NULL, "%s", e.msg);
    if (ed) {
        CHECK(!edition_load_body(ed, 0, &e));
        CHECK_CONTAINS(e.msg, "articles/a.md:8: images/b.png: not a JPEG, PNG or WebP file");
        CHECK(!ed->articles[0].body_loaded);
        edition_destroy(ed);
    }

    /* a body image that is missing is found at open time, with file:line */
    unlink(strcat(strcpy(sub, dir), "/images/b.png"));
    open_expect_fail(dir, "articles/a.md:8: images/b.png: file not found");

    /* a PNG named .jpg */
    write_png(dir, "images/b.png", 8, 16);
    write_png(dir, "images/c.jpg", 8, 8);
    write_text(dir, "articles/b.md", "---\ntitle: B\n---\n![c](images/c.jpg)\n");
    open_expect_fail(dir, "articles/b.md:4: images/c.jpg: the file is PNG but its name says JPEG");

    /* a lead image over the pixel limit */
    write_png(dir, "images/big.png", 7000, 7000);
    write_text(dir, "articles/b.md", "---\ntitle: B\n---\n![c](images/big.png)\n");
    open_expect_fail(dir, "articles/b.md:4: images/big.png: PNG is 7000x7000");

    /* a listed article that does not exist */
    unlink(strcat(strcpy(sub, dir), "/articles/b.md"));
    open_expect_fail(dir, "articles/b.md: file not found");

    /* an article that is a symbolic link */
    symlink("a.md", strcat(strcpy(sub, dir), "/articles/b.md"));
    open_expect_fail(dir, "articles/b.md: symbolic links are not allowed");
    unlink(sub);

    /* a bad manifest names itself */
    write_text(dir, "articles/b.md", "---\ntitle: B\n---\n");
    write_text(dir, "manifest.yaml", "format: 1\ntitle: x\n");
    open_expect_fail(dir, "manifest.yaml: edition is required");
    unlink(strcat(strcpy(sub, dir), "/manifest.yaml"));
    open_expect_fail(dir, "manifest.yaml: file not found");
    open_expect_fail("no-such-folder", "no-such-folder: cannot open the folder");

    remove_tree(dir);
}

/* An edition large enough that edition_open_dir reads its second half of
 * articles on a second thread: every article comes back as read in turn,
 * and a failure reports the first broken article in manifest order. */
#define MANY 100

static void
many_article(const char *dir, size_t i, bool broken)
{
    char name[64], text[256];
    snprintf(name, sizeof name, "articles/n%03zu.md", i);
    if (broken)
        snprintf(text, sizeof text, "---\ntitle: N%zu\n---\n![x](images/none.png)\n", i);
    else if (i % 3 == 0)
        snprintf(text, sizeof text,
                 "---\ntitle: N%zu\nsection: S%zu\n---\nOne two %zu.\n\n![Cap %zu](images/a.png)\n",
                 i, i % 4, i, i);
    else
        snprintf(text, sizeof text, "---\ntitle: N%zu\nsection: S%zu\n---\nOne two %zu.\n", i,
                 i % 4, i);
    write_text(dir, name, text);
}

static void
test_open_dir_many(void)
{
    char dir[] = "edition-many-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/articles", dir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/images", dir);
    mkdir(sub, 0755);
    write_png(dir, "images/a.png", 30, 20);
    char manifest[4096];
    size_t n =
        (size_t)snprintf(manifest, sizeof manifest,
                         "format: 1\ntitle: Many\nedition: 2026-11-28\nsequence: 1\nlanguage: en\n"
                         "articles:\n");
    for (size_t i = 0; i < MANY; i++) {
        n += (size_t)snprintf(manifest + n, sizeof manifest - n, "  - articles/n%03zu.md\n", i);
        many_article(dir, i, false);
    }
    write_text(dir, "manifest.yaml", manifest);

    struct err e = {0};
    struct edition *ed = edition_open_dir(dir, NULL, &e);
    CHECK_MSG(ed != NULL, "%s", e.msg);
    if (ed) {
        CHECK_INT(ed->article_count, MANY);
        for (size_t i = 0; i < ed->article_count; i++) {
            const struct edition_article *a = &ed->articles[i];
            char want[32];
            snprintf(want, sizeof want, "N%zu", i);
            CHECK_STR(a->title, want);
            snprintf(want, sizeof want, "S%zu", i % 4);
            CHECK_STR(a->section, want);
            CHECK_INT(a->word_count, 3);
            if (i % 3 == 0) {
                CHECK_MSG(a->lead && a->lead->width == 30 && a->lead->height == 20,
                          "article %zu: no lead of 30x20", i);
                snprintf(want, sizeof want, "Cap %zu", i);
                CHECK_STR(a->lead ? a->lead->caption : "", want);
            } else {
                CHECK_MSG(a->lead == NULL, "article %zu: a lead without an image", i);
            }
        }
        CHECK_MSG(edition_load_body(ed, MANY - 1, &e), "%s", e.msg);
        edition_destroy(ed);
    }

    /* broken in the second half only, then in both: the first one is named */
    many_article(dir, 80, true);
    open_expect_fail(dir, "articles/n080.md:4: images/none.png: file not found");
    many_article(dir, 10, true);
    open_expect_fail(dir, "articles/n010.md:4: images/none.png: file not found");

    for (size_t i = 0; i < MANY; i++) {
        snprintf(sub, sizeof sub, "%s/articles/n%03zu.md", dir, i);
        unlink(sub);
    }
    remove_tree(dir);
}

/* The index cache: written from an opened edition, read back in place of
 * the articles when keyed by the same SHA256SUMS, ignored (the articles
 * read instead) when missing, stale, damaged or made for other articles. */
static void
same_articles(const struct edition *a, const struct edition *b)
{
    CHECK_INT(a->article_count, b->article_count);
    for (size_t i = 0; i < a->article_count && i < b->article_count; i++) {
        const struct edition_article *x = &a->articles[i], *y = &b->articles[i];
        CHECK_STR(x->path, y->path);
        CHECK_STR(x->title, y->title);
        CHECK_STR(x->deck, y->deck);
        CHECK_STR(x->byline, y->byline);
        CHECK_STR(x->date, y->date);
        CHECK_STR(x->section, y->section);
        CHECK_STR(x->language, y->language);
        CHECK_STR(x->dir, y->dir);
        CHECK_INT(x->word_count, y->word_count);
        CHECK_MSG((x->lead == NULL) == (y->lead == NULL), "%s: lead differs", x->path);
        if (x->lead && y->lead) {
            CHECK_STR(x->lead->image, y->lead->image);
            CHECK_STR(x->lead->caption, y->lead->caption);
            CHECK_STR(x->lead->credit, y->lead->credit);
            CHECK_INT(x->lead->width, y->lead->width);
            CHECK_INT(x->lead->height, y->lead->height);
        }
    }
}

/* Opens dir through the cache; *cached says whether it was used. */
static struct edition *
open_cached(const char *dir, bool *cached)
{
    struct err e = {0};
    *cached = true;
    struct edition *ed = edition_open_dir_cached(dir, NULL, cached, &e);
    CHECK_MSG(ed != NULL, "%s", e.msg);
    return ed;
}

static void
cache_article(const char *dir, size_t i, const char *title)
{
    char name[64], text[512];
    snprintf(name, sizeof name, "articles/n%03zu.md", i);
    snprintf(text, sizeof text,
             "---\ntitle: %s\ndeck: \"D\u00e9ck %zu, \u201cquoted\u201d\"\nbyline: By %zu\n"
             "date: 2026-11-2%zu\nsection: S%zu\n%s---\nOne two %zu.\n\n%s",
             title, i, i, i % 9, i % 4, i % 5 == 1 ? "language: fr\ndir: rtl\n" : "", i,
             i % 3 == 0 ? "![Cap](images/a.png \"Credit\")\n" : "");
    write_text(dir, name, text);
}

static void
cache_manifest(const char *dir, size_t count, bool reversed)
{
    char manifest[4096];
    size_t n = (size_t)snprintf(manifest, sizeof manifest,
                                "format: 1\ntitle: Cached\nedition: 2026-11-28\nsequence: 1\n"
                                "language: en\narticles:\n");
    for (size_t k = 0; k < count; k++)
        n += (size_t)snprintf(manifest + n, sizeof manifest - n, "  - articles/n%03zu.md\n",
                              reversed ? count - 1 - k : k);
    write_text(dir, "manifest.yaml", manifest);
}

#define CACHED 70

static void
test_index_cache(void)
{
    char dir[] = "edition-cache-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/articles", dir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/images", dir);
    mkdir(sub, 0755);
    write_png(dir, "images/a.png", 30, 20);
    for (size_t i = 0; i < CACHED; i++) {
        char title[32];
        snprintf(title, sizeof title, "N%zu", i);
        cache_article(dir, i, title);
    }
    cache_manifest(dir, CACHED, false);
    char cache[600];
    snprintf(cache, sizeof cache, "%s/%s", dir, EDITION_CACHE_FILE);

    /* no SHA256SUMS: nothing to key a cache by; the edition still opens */
    struct err e = {0};
    bool cached;
    struct edition *plain = edition_open_dir(dir, NULL, &e);
    CHECK_MSG(plain != NULL, "%s", e.msg);
    struct edition *ed = open_cached(dir, &cached);
    CHECK(!cached);
    CHECK(ed && !edition_cache_write(ed, &e));
    CHECK_CONTAINS(e.msg, "SHA256SUMS: file not found");
    CHECK(access(cache, F_OK) != 0);
    edition_destroy(ed);
    struct edition *bare = edition_create(NULL);
    CHECK(bare && !edition_cache_write(bare, &e) && e.code == ERR_USAGE);
    edition_destroy(bare);

    /* missing: read from the articles, then written; read back from it */
    write_text(dir, "SHA256SUMS", "0000  manifest.yaml\n");
    ed = open_cached(dir, &cached);
    CHECK(!cached);
    CHECK_MSG(ed && edition_cache_write(ed, &e), "%s", e.msg);
    edition_destroy(ed);
    struct stat st;
    CHECK(stat(cache, &st) == 0 && st.st_size > 88);
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", cache, (long)getpid());
    CHECK(access(tmp, F_OK) != 0);
    ed = open_cached(dir, &cached);
    CHECK(cached);
    if (ed && plain) {
        same_articles(ed, plain);
        CHECK_STR(ed->articles[1].language, "fr");
        CHECK_STR(ed->articles[1].dir, "rtl");
        CHECK(ed->articles[2].language == ed->language);
        CHECK_STR(ed->articles[0].deck, "D\u00e9ck 0, \u201cquoted\u201d");
        /* bodies still load from the articles */
        CHECK_MSG(edition_load_body(ed, 3, &e), "%s", e.msg);
        CHECK(ed->articles[3].body_loaded && ed->articles[3].lead &&
              ed->articles[3].lead->width == 30);
        /* and a cache written from a cached edition is the same file */
        CHECK_MSG(edition_cache_write(ed, &e), "%s", e.msg);
    }
    edition_destroy(ed);

    /* a folder gone since the open: the write fails and says where */
    ed = open_cached(dir, &cached);
    CHECK(cached);
    char moved[64];
    snprintf(moved, sizeof moved, "%s-moved", dir);
    CHECK(rename(dir, moved) == 0);
    CHECK(ed && !edition_cache_write(ed, &e));
    CHECK_CONTAINS(e.msg, "cannot open the folder");
    CHECK_CONTAINS(e.msg, dir);
    CHECK(rename(moved, dir) == 0);
    edition_destroy(ed);

    /* the cache trusts SHA256SUMS: an article changed behind its back keeps
     * its cached title (the bundle's check of the files catches that) */
    cache_article(dir, 5, "Changed");
    ed = open_cached(dir, &cached);
    CHECK(cached && ed && strcmp(ed->articles[5].title, "N5") == 0);
    edition_destroy(ed);

    /* stale: another SHA256SUMS; the articles are read, new title and all */
    write_text(dir, "SHA256SUMS", "1111  manifest.yaml\n");
    ed = open_cached(dir, &cached);
    CHECK(!cached && ed && strcmp(ed->articles[5].title, "Changed") == 0);
    CHECK_MSG(ed && edition_cache_write(ed, &e), "%s", e.msg);
    edition_destroy(ed);
    ed = open_cached(dir, &cached);
    CHECK(cached && ed && strcmp(ed->articles[5].title, "Changed") == 0);
    edition_destroy(ed);

    /* damaged: a byte of the body flipped, cut short, or not a cache */
    FILE *f = fopen(cache, "rb");
    unsigned char *good = malloc((size_t)st.st_size + 4096);
    size_t len = f && good ? fread(good, 1, (size_t)st.st_size + 4096, f) : 0;
    if (f)
        fclose(f);
    CHECK(len > 200);
    if (len > 200) {
        good[len - 40] ^= 0x20;
        write_file(dir, EDITION_CACHE_FILE, good, len);
        ed = open_cached(dir, &cached);
        CHECK(!cached && ed && strcmp(ed->articles[5].title, "Changed") == 0);
        edition_destroy(ed);
        good[len - 40] ^= 0x20;
        write_file(dir, EDITION_CACHE_FILE, good, len - 7);
        ed = open_cached(dir, &cached);
        CHECK(!cached && ed && ed->article_count == CACHED);
        edition_destroy(ed);
        write_file(dir, EDITION_CACHE_FILE, good, 50);
        ed = open_cached(dir, &cached);
        CHECK(!cached && ed);
        edition_destroy(ed);
        write_file(dir, EDITION_CACHE_FILE, good, len);
        ed = open_cached(dir, &cached);
        CHECK(cached);
        edition_destroy(ed);
    }
    free(good);
    write_text(dir, EDITION_CACHE_FILE, "hello\n");
    ed = open_cached(dir, &cached);
    CHECK(!cached && ed);
    CHECK_MSG(ed && edition_cache_write(ed, &e), "%s", e.msg);
    edition_destroy(ed);

    /* made for other articles: the same SHA256SUMS (a hand-edited folder)
     * but the manifest lists them in another order, or fewer */
    cache_manifest(dir, CACHED, true);
    ed = open_cached(dir, &cached);
    CHECK(!cached && ed && strcmp(ed->articles[0].title, "N69") == 0);
    edition_destroy(ed);
    cache_manifest(dir, CACHED - 1, false);
    ed = open_cached(dir, &cached);
    CHECK(!cached && ed && ed->article_count == CACHED - 1);
    edition_destroy(ed);

    /* a broken article is still found when the cache cannot be used */
    cache_manifest(dir, CACHED, false);
    write_text(dir, "SHA256SUMS", "2222  manifest.yaml\n");
    write_text(dir, "articles/n007.md", "---\ntitle: x\n---\n![x](images/none.png)\n");
    e.msg[0] = '\0';
    ed = edition_open_dir_cached(dir, NULL, &cached, &e);
    CHECK(ed == NULL);
    CHECK_CONTAINS(e.msg, "articles/n007.md:4: images/none.png: file not found");
    edition_destroy(ed);
    edition_destroy(plain);

    for (size_t i = 0; i < CACHED; i++) {
        snprintf(sub, sizeof sub, "%s/articles/n%03zu.md", dir, i);
        unlink(sub);
    }
    unlink(cache);
    snprintf(sub, sizeof sub, "%s/SHA256SUMS", dir);
    unlink(sub);
    remove_tree(dir);
}

/* "test_edition --open DIR": opens a real edition folder (the sample
 * edition, registered as its own test) and loads every body. */
static int
open_folder(const char *dir)
{
    struct err e = {0};
    struct edition *ed = edition_open_dir(dir, NULL, &e);
    CHECK_MSG(ed != NULL, "%s", e.msg);
    size_t figures = 0, words = 0;
    for (size_t i = 0; ed && i < ed->article_count; i++) {
        CHECK_MSG(edition_load_body(ed, i, &e), "%s", e.msg);
        const struct edition_article *a = &ed->articles[i];
        CHECK(a->title[0] != '\0');
        CHECK(a->block_count > 0);
        words += a->word_count;
        for (size_t b = 0; b < a->block_count; b++)
            if (a->blocks[b].kind == EDITION_BLOCK_FIGURE) {
                figures++;
                CHECK_MSG(a->blocks[b].figure.width > 0, "%s: %s has no size", a->path,
                          a->blocks[b].figure.image);
            }
    }
    if (ed)
        printf("%s: %zu articles, %zu words, %zu figures\n", dir, ed->article_count, words,
               figures);
    edition_destroy(ed);
    return check_summary("edition --open");
}

int
main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--open") == 0)
        return open_folder(argv[2]);
    test_manifest_good();
    test_manifest_bad();
    test_manifest_limits();
    test_article_full();
    test_article_words_and_misc();
    test_article_bad();
    test_paths_and_dates();
    test_open_dir();
    test_open_dir_many();
    test_index_cache();
    return check_summary("edition");
}
