/* newsbundle import: the fixtures (an RSS 2.0 feed with Media RSS, an Atom
 * feed, a JSON Feed, a saved article page, a text scrape) imported into a
 * scratch folder and read back through the edition module, field by field;
 * a second import into the folder; and every hostile input: one clear
 * message naming the input and the item, nothing written. */
#include <dirent.h>
#include <stdio.h> /* before jpeglib.h */
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "edition.h"
#include "image.h"
#include "import.h"

static char work[256];

static void
put(const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", work, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(data, 1, len, f) == len);
        fclose(f);
    }
}

static void
puts_file(const char *name, const char *text)
{
    put(name, text, strlen(text));
}

static void
fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/import/%s", NK_TEST_DIR, name);
    FILE *f = fopen(path, "rb");
    CHECK_MSG(f != NULL, "%s", path);
    if (!f)
        return;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    put(name, buf, n);
}

/* A w x h JPEG with an optional IPTC (APP13) or XMP (APP1) caption. */
static void
make_jpeg(const char *name, unsigned w, unsigned h, const char *iptc_caption,
          const char *iptc_credit, const char *xmp)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    unsigned char *buf = NULL;
    unsigned long len = 0;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &buf, &len);
    c.image_width = w;
    c.image_height = h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_start_compress(&c, TRUE);
    if (iptc_caption) {
        unsigned char m[512];
        size_t n = 0;
        memcpy(m, "Photoshop 3.0\0008BIM\004\004\0\0", 22);
        n = 26; /* size goes at 22..25 */
        const char *v[2] = {iptc_caption, iptc_credit};
        unsigned ds[2] = {120, 110};
        for (int i = 0; i < 2; i++) {
            size_t l = strlen(v[i]);
            m[n++] = 0x1c;
            m[n++] = 2;
            m[n++] = (unsigned char)ds[i];
            m[n++] = (unsigned char)(l >> 8);
            m[n++] = (unsigned char)l;
            memcpy(m + n, v[i], l);
            n += l;
        }
        size_t sz = n - 26;
        m[22] = (unsigned char)(sz >> 24);
        m[23] = (unsigned char)(sz >> 16);
        m[24] = (unsigned char)(sz >> 8);
        m[25] = (unsigned char)sz;
        if (n & 1)
            m[n++] = 0;
        jpeg_write_marker(&c, JPEG_APP0 + 13, m, (unsigned)n);
    }
    if (xmp) {
        unsigned char m[2048];
        static const char id[] = "http://ns.adobe.com/xap/1.0/";
        memcpy(m, id, sizeof id);
        size_t l = strlen(xmp);
        memcpy(m + sizeof id, xmp, l);
        jpeg_write_marker(&c, JPEG_APP0 + 1, m, (unsigned)(sizeof id + l));
    }
    unsigned char *row = malloc((size_t)w * 3);
    while (c.next_scanline < h) {
        for (unsigned x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(x * 255 / w);
            row[3 * x + 1] = (unsigned char)(c.next_scanline * 255 / h);
            row[3 * x + 2] = 90;
        }
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    put(name, buf, len);
    free(buf);
}

static void
make_png(const char *name, unsigned w, unsigned h)
{
    uint8_t *rgb = malloc((size_t)w * h * 3);
    for (size_t i = 0; i < (size_t)w * h * 3; i++)
        rgb[i] = (uint8_t)(i * 7);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", work, name);
    struct err e;
    CHECK(image_write_png(path, rgb, w, h, (size_t)w * 3, &e));
    free(rgb);
}

static char warnings[4096];

static void
on_warn(void *user, const char *msg)
{
    (void)user;
    size_t n = strlen(warnings);
    snprintf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

static bool
run(const char *const *inputs, size_t n, const char *out, const struct import_photo *photos,
    size_t photo_count, struct err *e)
{
    char ins[8][512];
    const char *argv[8];
    for (size_t i = 0; i < n; i++) {
        if (strchr(inputs[i], ':'))
            snprintf(ins[i], sizeof ins[i], "%s", inputs[i]);
        else
            snprintf(ins[i], sizeof ins[i], "%s/%s", work, inputs[i]);
        argv[i] = ins[i];
    }
    char o[512];
    snprintf(o, sizeof o, "%s/%s", work, out);
    struct import_options opt;
    import_options_default(&opt);
    opt.photos = photos;
    opt.photo_count = photo_count;
    opt.warn = on_warn;
    opt.today = "2026-12-05";
    err_clear(e);
    return import_run(argv, n, o, &opt, NULL, e);
}

static struct edition *
open_out(const char *out)
{
    char o[512];
    snprintf(o, sizeof o, "%s/%s", work, out);
    struct err e;
    struct edition *ed = edition_open_dir(o, NULL, &e);
    CHECK_MSG(ed != NULL, "%s", e.msg);
    for (size_t i = 0; ed && i < ed->article_count; i++)
        CHECK_MSG(edition_load_body(ed, i, &e), "%s", e.msg);
    return ed;
}

/* The block's text, spans joined (a static buffer). */
static const char *
text(const struct edition_block *b)
{
    static char s[8192];
    size_t n = 0;
    for (size_t i = 0; i < b->span_count && n + b->spans[i].len < sizeof s; i++) {
        memcpy(s + n, b->spans[i].text, b->spans[i].len);
        n += b->spans[i].len;
    }
    s[n] = '\0';
    return s;
}

static size_t
count(const struct edition_article *a, enum edition_block_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < a->block_count; i++)
        n += a->blocks[i].kind == k;
    return n;
}

/* The n-th block of kind k (0-based), or NULL. */
static const struct edition_block *
nth(const struct edition_article *a, enum edition_block_kind k, size_t n)
{
    for (size_t i = 0; i < a->block_count; i++)
        if (a->blocks[i].kind == k && n-- == 0)
            return &a->blocks[i];
    return NULL;
}

static bool
starts_with(const struct edition_block *b, const char *p)
{
    return b && strncmp(text(b), p, strlen(p)) == 0;
}

/* None of the words anywhere in the article (blocks, captions, front matter). */
static void
absent(const struct edition_article *a, const char *const *words)
{
    for (size_t w = 0; words[w]; w++) {
        bool found =
            strstr(a->title, words[w]) || strstr(a->deck, words[w]) || strstr(a->byline, words[w]);
        for (size_t i = 0; i < a->block_count; i++) {
            const struct edition_block *b = &a->blocks[i];
            found = found || strstr(text(b), words[w]) ||
                    (b->kind == EDITION_BLOCK_FIGURE &&
                     (strstr(b->figure.caption, words[w]) || strstr(b->figure.credit, words[w])));
        }
        CHECK_MSG(!found, "%s: boilerplate \"%s\" kept", a->title, words[w]);
    }
}

static void
fig(const struct edition_article *a, size_t n, const char *caption, const char *credit,
    unsigned width)
{
    const struct edition_block *b = nth(a, EDITION_BLOCK_FIGURE, n);
    CHECK_MSG(b != NULL, "%s: figure %zu missing", a->title, n);
    if (!b)
        return;
    CHECK_STR(b->figure.caption, caption);
    CHECK_STR(b->figure.credit, credit);
    if (width)
        CHECK_INT(b->figure.width, width);
}

static void
test_fixtures(void)
{
    make_jpeg("photos/quay.jpg", 1600, 1000, NULL, NULL, NULL);
    make_png("photos/nets.png", 640, 400);
    make_jpeg("photos/causeway.jpg", 900, 600, "Water over the causeway at high tide",
              "Marsh office", NULL);
    make_jpeg("photos/pier.jpg", 800, 500, NULL, NULL,
              "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
              "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
              "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
              "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" "
              "photoshop:Credit=\"Ruth Calloway\"><dc:description><rdf:Alt><rdf:li "
              "xml:lang=\"x-default\">The pier kiosk at opening time</rdf:li></rdf:Alt>"
              "</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>");
    make_jpeg("photos/flats.jpg", 1000, 700, "An IPTC caption the page's own overrides", "Nobody",
              NULL);
    make_jpeg("photos/lanterns.jpg", 700, 500, NULL, NULL, NULL);
    const char *const names[] = {"saltmarsh-rss.xml", "marsh-atom.xml", "tidewatch.json",
                                 "oyster-page.html", "lantern-scrape.txt"};
    for (size_t i = 0; i < 5; i++)
        fixture(names[i]);
    char photo[512];
    snprintf(photo, sizeof photo, "%s/photos/lanterns.jpg", work);
    struct import_photo ph = {1, photo};
    struct err e;
    warnings[0] = '\0';
    CHECK_MSG(run(names, 5, "ed", &ph, 1, &e), "%s", e.msg);
    /* the caption with no photo is listed, and left out */
    CHECK_CONTAINS(warnings, "lantern-scrape.txt: caption 2 has no photo");
    CHECK_CONTAINS(warnings, "The choir at the lighthouse steps");

    struct edition *ed = open_out("ed");
    if (!ed)
        return;
    CHECK_INT(ed->article_count, 9);
    CHECK_INT(ed->sequence, 1);
    CHECK_STR(ed->title, "The Saltmarsh Courier");
    CHECK_STR(ed->language, "en-GB");
    CHECK_STR(ed->edition, "2026-12-05");
    CHECK_INT(ed->section_count, 5);
    if (ed->article_count != 9) {
        edition_destroy(ed);
        return;
    }
    const struct edition_article *a = &ed->articles[0];
    /* RSS 2.0: content:encoded, Media RSS, description as the deck */
    CHECK_STR(a->title, "Night ferry returns to Dunmore Quay after winter refit");
    CHECK_STR(a->deck, "The Morwen is back on the 21:15 run, with a new ramp and a heated cabin.");
    CHECK_STR(a->byline, "Ilse Varga");
    CHECK_STR(a->date, "2026-12-01");
    CHECK_STR(a->section, "Harbour");
    CHECK_INT(count(a, EDITION_BLOCK_FIGURE), 2);
    fig(a, 0, "Nets drying on the sea wall at Holm.", "Tomas Reyes", 640);
    fig(a, 1, "The Morwen at Dunmore Quay on Monday evening.", "Photo: Ilse Varga/Courier",
        1280); /* 1600 wide, scaled to --max-photo-width */
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 3);
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 0), "Harbour crews lowered the Morwen"));
    /* Markdown punctuation comes back as it was written */
    CHECK_STR(text(nth(a, EDITION_BLOCK_PARAGRAPH, 1)),
              "The refit cost 84,000 crowns & replaced the *loading ramp*, the [stern] winch "
              "and 1. the cabin heater, said the trust's engineer, Oskar Brandt.");
    CHECK(starts_with(nth(a, EDITION_BLOCK_SUBHEAD, 0), "What changes for passengers"));
    CHECK_INT(count(a, EDITION_BLOCK_LIST_ITEM), 2);
    CHECK(starts_with(nth(a, EDITION_BLOCK_QUOTE, 0), "We missed the last boat"));
    absent(a, (const char *const[]){"Share on", "Copy link", "Read more", "Most popular",
                                    "Storm tables", "trackReader", NULL});

    a = &ed->articles[1];
    CHECK_STR(a->title, "Council & trust agree on \xe2\x80\x9cquiet hours\xe2\x80\x9d for the "
                        "slipway");      /* entities decoded, smart quotes kept */
    CHECK_STR(a->byline, "Marit Olsen"); /* from "desk@courier.example (Marit Olsen)" */
    CHECK_STR(a->deck, "");
    CHECK_STR(a->section, "News");
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 2);
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 0), "Grinding and hammering"));
    absent(a, (const char *const[]){"Advertisement", "boat paint", NULL});

    a = &ed->articles[2]; /* no <title>: its first words */
    CHECK_STR(a->title, "A short item without a headline still gets one from its first words, as "
                        "the\xe2\x80\xa6");
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 1);

    /* Atom: summary as deck, enclosure with the photo's IPTC caption */
    a = &ed->articles[3];
    CHECK_STR(a->title, "Spring tides to flood the causeway twice this week");
    CHECK_STR(a->deck, "Crossings to Holm close for about two hours around each high water.");
    CHECK_STR(a->byline, "Hedda Lind");
    CHECK_STR(a->date, "2026-12-03");
    CHECK_STR(a->section, "Weather");
    fig(a, 0, "Water over the causeway at high tide", "Marsh office", 900);
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 2);
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 0), "The marsh office expects"));
    absent(a, (const char *const[]){"Home", NULL});
    a = &ed->articles[4]; /* type="html" title, xhtml content */
    CHECK_STR(a->title, "Frost returns to the reed beds");
    CHECK_STR(a->date, "2026-12-02");
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 2);
    CHECK(starts_with(nth(a, EDITION_BLOCK_SUBHEAD, 0), "Advice for walkers"));
    CHECK_INT(nth(a, EDITION_BLOCK_SUBHEAD, 0) ? nth(a, EDITION_BLOCK_SUBHEAD, 0)->level : 0, 3);

    /* JSON Feed: NFC, control character removed, XMP caption and credit */
    a = &ed->articles[5];
    CHECK_STR(a->title, "Caf\xc3\xa9 on the pier opens for the winter");
    CHECK_STR(a->deck, "The kiosk at the end of the pier keeps its shutters up until February.");
    CHECK_STR(a->byline, "Ada Quist");
    CHECK_STR(a->date, "2026-12-04");
    CHECK_STR(a->section, "Business");
    fig(a, 0, "The pier kiosk at opening time", "Ruth Calloway", 800);
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 2);
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 0), "Owner Ruth Calloway says"));
    absent(a, (const char *const[]){"Sign up", "newsletter", NULL});
    a = &ed->articles[6];
    CHECK_STR(a->title, "Lifeboat crew rehearse a night rescue");
    CHECK_STR(a->byline, "Desk");
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 2);
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 1), "The drill lasted"));

    /* A saved article page: the article, not the site */
    a = &ed->articles[7];
    CHECK_STR(a->title, "Oyster beds reopen after two closed seasons");
    CHECK_STR(a->deck, "Water tests at Holm Flats came back clean three months running, and the "
                       "first licences go out on Monday");
    CHECK_STR(a->byline, "By Marit Olsen");
    CHECK_STR(a->date, "2026-11-30");
    CHECK_STR(a->section, "Marsh");
    CHECK_INT(count(a, EDITION_BLOCK_FIGURE), 1);
    fig(a, 0, "Oyster racks on Holm Flats at low tide.", "Photo: Tomas Reyes/Courier", 1000);
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 4);
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 0), "Six families who farmed"));
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 3), "The office will publish"));
    CHECK(starts_with(nth(a, EDITION_BLOCK_SUBHEAD, 0), "Who gets a licence"));
    CHECK_INT(count(a, EDITION_BLOCK_LIST_ITEM), 2);
    CHECK(nth(a, EDITION_BLOCK_LIST_ITEM, 1) && nth(a, EDITION_BLOCK_LIST_ITEM, 1)->ordered);
    CHECK(starts_with(nth(a, EDITION_BLOCK_QUOTE, 0), "It is the first good news"));
    absent(a, (const char *const[]){"Advertisement", "winter tyres", "Share", "Post", "Related",
                                    "Algae bloom", "Read more", "Most popular", "Causeway floods",
                                    "Sign up", "Harbour", "analytics", "Saltmarsh Courier",
                                    "30 November", NULL});

    /* A text scrape: one of the twice-saved caption, the furniture gone */
    a = &ed->articles[8];
    CHECK_STR(a->title, "Lantern walk draws a record crowd to the sea wall");
    CHECK_STR(a->deck, "Nearly two thousand people carried paper lanterns from the church to the "
                       "lighthouse on Saturday night");
    CHECK_STR(a->byline, "By Ada Quist");
    CHECK_STR(a->date, "2026-11-29");
    CHECK_INT(count(a, EDITION_BLOCK_FIGURE), 1);
    fig(a, 0, "Lanterns on the sea wall at dusk", "Photo: Ilse Varga/Courier", 700);
    CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 4);
    CHECK_STR(text(nth(a, EDITION_BLOCK_PARAGRAPH, 0)),
              "Children from the village school led the procession, as they have since the "
              "walk began in 1987. The route was lit by the harbour crews' own lamps.");
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 2), "The lighthouse keeper"));
    CHECK(starts_with(nth(a, EDITION_BLOCK_PARAGRAPH, 3), "Next year's walk"));
    CHECK(starts_with(nth(a, EDITION_BLOCK_SUBHEAD, 0), "A night for everyone"));
    absent(a, (const char *const[]){"Advertisement", "Read more", "Most Popular",
                                    "Oyster beds reopen", "Sign up", "The choir", NULL});
    edition_destroy(ed);

    /* A second import adds articles and raises sequence. */
    puts_file("more.json", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"T\","
                           "\"items\":[{\"id\":\"a\",\"title\":\"Harbour lights tested\","
                           "\"content_text\":\"All forty lamps passed.\"}]}");
    const char *more[] = {"more.json"};
    CHECK_MSG(run(more, 1, "ed", NULL, 0, &e), "%s", e.msg);
    ed = open_out("ed");
    if (ed) {
        CHECK_INT(ed->article_count, 10);
        CHECK_INT(ed->sequence, 2);
        CHECK_STR(ed->title, "The Saltmarsh Courier"); /* the folder's, not the new feed's */
        CHECK_STR(ed->articles[0].title, "Night ferry returns to Dunmore Quay after winter refit");
        CHECK_STR(ed->articles[9].title, "Harbour lights tested");
        CHECK_STR(ed->articles[9].path, "articles/010-harbour-lights-tested.md");
    }
    edition_destroy(ed);
}

/* The names in work/out, sorted into one string: to see nothing changed. */
static void
listing(const char *out, char *s, size_t n)
{
    char path[512];
    s[0] = '\0';
    const char *subs[] = {"", "/articles", "/images"};
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/%s%s", work, out, subs[k]);
        struct dirent **list;
        int c = scandir(path, &list, NULL, alphasort);
        for (int i = 0; i < c; i++) {
            size_t l = strlen(s);
            struct stat st;
            char f[1024];
            snprintf(f, sizeof f, "%s/%s", path, list[i]->d_name);
            stat(f, &st);
            snprintf(s + l, n - l, "%s:%lld ", list[i]->d_name, (long long)st.st_size);
            free(list[i]);
        }
        if (c >= 0)
            free(list);
    }
    /* and no temporary folder left beside it */
    struct dirent **list;
    int c = scandir(work, &list, NULL, alphasort);
    for (int i = 0; i < c; i++) {
        CHECK_MSG(!strstr(list[i]->d_name, ".import-"), "left behind: %s", list[i]->d_name);
        free(list[i]);
    }
    if (c >= 0)
        free(list);
}

struct bad {
    const char *name;  /* the input file (written by the test) */
    const char *need1; /* in the message */
    const char *need2;
};

static void
expect_fail(const char *input, const char *need1, const char *need2)
{
    char before[8192], after[8192];
    listing("ed", before, sizeof before);
    const char *in[] = {input};
    struct err e;
    bool ok = run(in, 1, "ed", NULL, 0, &e);
    CHECK_MSG(!ok, "%s imported", input);
    CHECK_MSG(strstr(e.msg, need1) && (!need2 || strstr(e.msg, need2)) && !strchr(e.msg, '\n'),
              "%s: message \"%s\" lacks \"%s\" / \"%s\"", input, e.msg, need1, need2 ? need2 : "");
    listing("ed", after, sizeof after);
    CHECK_MSG(strcmp(before, after) == 0, "%s: the folder changed", input);
    /* and nothing made where no folder was */
    ok = run(in, 1, "fresh", NULL, 0, &e);
    CHECK(!ok);
    char path[512];
    snprintf(path, sizeof path, "%s/fresh", work);
    CHECK_MSG(access(path, F_OK) != 0, "%s: a folder was made", input);
}

static void
test_bad_inputs(void)
{
    /* Malformed XML: the message names the item. */
    puts_file("broken.xml", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n"
                            "<item><title>Fine</title></item>\n"
                            "<item><title>Broken</tite></item>\n</channel></rss>\n");
    expect_fail("broken.xml", "broken.xml: item 2: line 4", "mismatch");
    puts_file("unclosed.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item>"
                              "<title>A</title></item><item><title>B");
    expect_fail("unclosed.xml", "unclosed.xml: item 2", "not well-formed");
    /* Billion laughs: the DOCTYPE is refused before its entities are read. */
    FILE *f;
    char path[512];
    snprintf(path, sizeof path, "%s/laughs.xml", work);
    f = fopen(path, "w");
    fprintf(f, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY l0 \"lol\">\n");
    for (int i = 1; i < 10; i++) {
        fprintf(f, "<!ENTITY l%d \"", i);
        for (int k = 0; k < 10; k++)
            fprintf(f, "&l%d;", i - 1);
        fprintf(f, "\">\n");
    }
    fprintf(f, "]>\n<rss version=\"2.0\"><channel><item><title>&l9;</title></item></channel>"
               "</rss>\n");
    fclose(f);
    expect_fail("laughs.xml", "laughs.xml: line 2", "DOCTYPE is not allowed");
    /* An undeclared entity is not expanded from anywhere: an error. */
    puts_file("entity.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>"
                            "&secret;</title></item></channel></rss>");
    expect_fail("entity.xml", "entity.xml: item 1", "secret");
    /* 100,000 items: refused at the 10,001st, bounded by the streaming reader. */
    snprintf(path, sizeof path, "%s/many.xml", work);
    f = fopen(path, "w");
    fprintf(f, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Many</title>\n");
    for (int i = 0; i < 100000; i++)
        fprintf(f, "<item><title>Item %d</title><description>Text %d.</description></item>\n", i,
                i);
    fprintf(f, "</channel></rss>\n");
    fclose(f);
    expect_fail("many.xml", "many.xml: item 10001", "more than 10000 articles");
    /* The same as a JSON Feed. */
    snprintf(path, sizeof path, "%s/many.json", work);
    f = fopen(path, "w");
    fprintf(f, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[");
    for (int i = 0; i < 100000; i++)
        fprintf(f, "%s{\"id\":\"%d\",\"title\":\"I %d\",\"content_text\":\"x\"}", i ? "," : "", i,
                i);
    fprintf(f, "]}\n");
    fclose(f);
    expect_fail("many.json", "many.json: item 10001", "100000 items");
    /* A 50 MB item, in RSS and in JSON Feed. */
    snprintf(path, sizeof path, "%s/big.xml", work);
    f = fopen(path, "w");
    fprintf(f, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>Small</title>"
               "<description>ok</description></item><item><title>Huge</title><description>");
    for (int i = 0; i < 50 * 1024; i++)
        fprintf(f, "%.1024s",
                "word word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word "
                "word word word word word word word word word word word word ");
    fprintf(f, "</description></item></channel></rss>\n");
    fclose(f);
    expect_fail("big.xml", "big.xml: item 2", "huge text node");
    snprintf(path, sizeof path, "%s/big.json", work);
    f = fopen(path, "w");
    fprintf(f, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\","
               "\"title\":\"Small\",\"content_text\":\"ok\"},{\"id\":\"2\",\"title\":\"Huge\","
               "\"content_html\":\"<p>");
    for (int i = 0; i < 50 * 1024 * 1024 / 10; i++)
        fputs("word word ", f);
    fprintf(f, "\"}]}\n");
    fclose(f);
    expect_fail("big.json", "big.json: item 2 (\"Huge\")", "more than the 4 MiB");
    /* Nesting that would take gumbo minutes (quadratic): refused before it parses. */
    snprintf(path, sizeof path, "%s/deep.html", work);
    f = fopen(path, "w");
    fprintf(f, "<article><h1>Deep</h1>");
    for (int i = 0; i < 100000; i++)
        fputs("<div>", f);
    fclose(f);
    expect_fail("deep.html", "deep.html: item 1", "nested more than 5000");
    snprintf(path, sizeof path, "%s/deep.json", work);
    f = fopen(path, "w");
    fprintf(f, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\","
               "\"title\":\"Fine\",\"content_text\":\"ok\"},{\"id\":\"2\",\"title\":"
               "\"Nested\",\"content_html\":\"");
    for (int i = 0; i < 100000; i++)
        fputs("<b>", f);
    fprintf(f, "\"}]}\n");
    fclose(f);
    expect_fail("deep.json", "deep.json: item 2 (\"Nested\")", "nested more than 5000");
    /* An image that is not an image, one that is missing, a network photo. */
    puts_file("notimage.jpg", "this is not a picture\n");
    puts_file("badimg.xml", "<rss version=\"2.0\"><channel><item><title>Pictured</title>"
                            "<enclosure url=\"notimage.jpg\" type=\"image/jpeg\"/></item>"
                            "</channel></rss>");
    expect_fail("badimg.xml", "badimg.xml: item 1 (\"Pictured\")", "not a JPEG, PNG or WebP");
    make_jpeg("cut.jpg", 64, 64, NULL, NULL, NULL);
    snprintf(path, sizeof path, "%s/cut.jpg", work);
    CHECK(truncate(path, 300) == 0);
    puts_file("cut.html", "<article><h1>Cut</h1><figure><img src=\"cut.jpg\"></figure></article>");
    expect_fail("cut.html", "cut.html: item 1 (\"Cut\")", "cut.jpg");
    puts_file("netimg.xml", "<rss version=\"2.0\"><channel><item><title>Remote</title>"
                            "<enclosure url=\"https://example.org/a.jpg\" type=\"image/jpeg\"/>"
                            "</item></channel></rss>");
    expect_fail("netimg.xml", "netimg.xml: item 1 (\"Remote\")", "network");
    expect_fail("https://example.org/feed.xml", "https://example.org/feed.xml", "network URL");
    /* Not a feed, a page or text; a JSON file that is not a JSON Feed; bad JSON. */
    put("binary.bin", "\x89\x01\x00\xff\xfe", 5);
    expect_fail("binary.bin", "binary.bin", "not an RSS, Atom or JSON feed");
    puts_file("other.json", "{\"version\": 2}");
    expect_fail("other.json", "other.json", "not a JSON Feed");
    puts_file("bad.json", "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [}");
    expect_fail("bad.json", "bad.json: line 1", "not a valid JSON Feed");
    puts_file("notfeed.xml", "<?xml version=\"1.0\"?><catalog><book/></catalog>");
    expect_fail("notfeed.xml", "notfeed.xml", "<catalog>");
}

/* Malformed HTML is still HTML: gumbo recovers as a browser does. */
static void
test_malformed_html(void)
{
    puts_file("half.html", "<html><body><article><h1>Half a page</h1><p>First <b>bold "
                           "<p>Second &bogus; &amp; done</article></div></span><p>");
    const char *in[] = {"half.html"};
    struct err e;
    CHECK_MSG(run(in, 1, "half", NULL, 0, &e), "%s", e.msg);
    struct edition *ed = open_out("half");
    if (ed && ed->article_count == 1) {
        const struct edition_article *a = &ed->articles[0];
        CHECK_STR(a->title, "Half a page");
        CHECK_INT(count(a, EDITION_BLOCK_PARAGRAPH), 2);
        CHECK_STR(text(nth(a, EDITION_BLOCK_PARAGRAPH, 1)), "Second &bogus; & done");
    }
    edition_destroy(ed);
}

/* file: URLs for an input and a photo (percent-encoded space), --section,
 * --language, --title and --max-photo-width. */
static void
test_file_urls_and_options(void)
{
    make_jpeg("photos/wide photo.jpg", 1000, 400, NULL, NULL, NULL);
    char json[1024], url[600], out[512];
    snprintf(json, sizeof json,
             "{\"version\":\"https://jsonfeed.org/version/1.1\",\"language\":\"nb\","
             "\"items\":[{\"id\":\"1\",\"title\":\"Bridge\",\"tags\":[\"Ignored\"],"
             "\"image\":\"file://%s/photos/wide%%20photo.jpg\",\"content_text\":\"Open.\"}]}",
             work);
    puts_file("urls.json", json);
    snprintf(url, sizeof url, "file://%s/urls.json", work);
    snprintf(out, sizeof out, "%s/opts", work);
    struct import_options o;
    import_options_default(&o);
    o.section = "Local";
    o.title = "Options Test";
    o.language = "en-GB";
    o.max_photo_width = 400;
    const char *in[] = {url};
    struct err e;
    CHECK_MSG(import_run(in, 1, out, &o, NULL, &e), "%s", e.msg);
    struct edition *ed = open_out("opts");
    if (ed && ed->article_count == 1) {
        CHECK_STR(ed->title, "Options Test");
        CHECK_STR(ed->language, "en-GB");
        CHECK_STR(ed->articles[0].section, "Local");
        fig(&ed->articles[0], 0, "", "", 400);
        const struct edition_block *f = nth(&ed->articles[0], EDITION_BLOCK_FIGURE, 0);
        CHECK_INT(f ? f->figure.height : 0, 160);
    }
    edition_destroy(ed);
    /* a file: URL on another host is not local */
    snprintf(url, sizeof url, "file://server.example%s/urls.json", work);
    CHECK(!import_run(in, 1, out, &o, NULL, &e));
    CHECK_CONTAINS(e.msg, "network URL");
}

/* What the fuzz target checks, on a few inputs: Markdown that the edition
 * parser reads back. */
static void
test_markdown_roundtrip(void)
{
    static const char page[] =
        "<article><h1># Not a heading</h1><p>- not a list</p><p>2) nor this</p>"
        "<p>`code` <x> \\back\\ **bold** _u_ ~s~ | a | &lt;b&gt; &amp;amp;</p>"
        "<figure><img src=\"p.jpg\"><figcaption>A [caption] \"quoted\" (Photo: \\Name\\ "
        "\"Q\")</figcaption></figure></article>";
    struct import_batch *b = import_batch_create();
    struct import_options o;
    import_options_default(&o);
    struct err e;
    CHECK_MSG(import_batch_add(b, "rt.html", NULL, page, sizeof page - 1, &o, &e), "%s", e.msg);
    char *md = NULL;
    size_t len = 0;
    CHECK(import_batch_markdown(b, 0, &md, &len, &e));
    struct edition *ed = edition_create(NULL);
    static const char man[] = "format: 1\ntitle: T\nedition: 2026-12-05\nsequence: 1\n"
                              "language: en\narticles: [articles/a.md]\n";
    CHECK(edition_parse_manifest(ed, "manifest.yaml", man, sizeof man - 1, &e));
    CHECK_MSG(edition_parse_article(ed, 0, md, len, &e), "%s\n%s", e.msg, md);
    const struct edition_article *a = &ed->articles[0];
    CHECK_STR(a->title, "# Not a heading");
    CHECK_INT(a->block_count, 4);
    if (a->block_count == 4) {
        CHECK_INT(a->blocks[0].kind, EDITION_BLOCK_PARAGRAPH);
        CHECK_STR(text(&a->blocks[0]), "- not a list");
        CHECK_STR(text(&a->blocks[1]), "2) nor this");
        CHECK_STR(text(&a->blocks[2]), "`code` \\back\\ **bold** _u_ ~s~ | a | <b> &amp;");
        CHECK_INT(a->blocks[3].kind, EDITION_BLOCK_FIGURE);
        CHECK_STR(a->blocks[3].figure.caption, "A [caption] \"quoted\"");
        CHECK_STR(a->blocks[3].figure.credit, "Photo: \\Name\\ \"Q\"");
    }
    free(md);
    edition_destroy(ed);
    import_batch_destroy(b);
}

int
main(void)
{
    snprintf(work, sizeof work, "/tmp/nk-import-XXXXXX");
    if (!mkdtemp(work))
        return 1;
    char photos[300];
    snprintf(photos, sizeof photos, "%s/photos", work);
    mkdir(photos, 0755);
    test_fixtures();
    test_bad_inputs();
    test_malformed_html();
    test_file_urls_and_options();
    test_markdown_roundtrip();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", work);
    if (check_failed == 0 && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", work);
    return check_summary("import");
}
