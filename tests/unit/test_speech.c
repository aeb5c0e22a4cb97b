/* speech: sentence boundaries, an article's reading plan, and espeak-ng
 * synthesising into memory through the worker and the ring (no audio
 * device: the test drains speech_read itself, faster than real time). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "speech.h"

/* ---- sentences ---- */

struct seg_case {
    const char *lang;
    const char *text;
    const char *want[6]; /* the sentences, NULL-terminated */
};

static const struct seg_case seg_cases[] = {
    {"en", "Dr. Smith paid 3.5 euros. He left.", {"Dr. Smith paid 3.5 euros.", "He left.", NULL}},
    {"en",
     "Mr. Brown arrived. Mrs. Green came too.",
     {"Mr. Brown arrived.", "Mrs. Green came too.", NULL}},
    {"en", "J. R. R. Tolkien wrote it.", {"J. R. R. Tolkien wrote it.", NULL}},
    {"en", "Rates rose 2.5%. Prices fell.", {"Rates rose 2.5%.", "Prices fell.", NULL}},
    {"en",
     "He saw cats, e.g. the tabby. Then more.",
     {"He saw cats, e.g. the tabby.", "Then more.", NULL}},
    {"en", "Wait... what? Yes!", {"Wait... what?", "Yes!", NULL}},
    {"en", "He said \"Stop.\" Then he left.", {"He said \"Stop.\"", "Then he left.", NULL}},
    {"en",
     "\xE2\x80\x9CIs it?\xE2\x80\x9D she asked. (Maybe.) Fine.",
     {"\xE2\x80\x9CIs it?\xE2\x80\x9D she asked.", "(Maybe.)", "Fine.", NULL}},
    {"en",
     "They sold apples etc. Then they left.",
     {"They sold apples etc.", "Then they left.", NULL}},
    {"en", "  One.   Two.  ", {"One.", "Two.", NULL}},
    {"en", "No terminator at all", {"No terminator at all", NULL}},
    {"en", "Line one\nLine two", {"Line one", "Line two", NULL}},
    /* Arabic and Persian question mark U+061F, Arabic full stop as '.' */
    {"ar",
     "\xD9\x87\xD9\x84 \xD8\xA3\xD9\x86\xD8\xAA \xD8\xA8\xD8\xAE\xD9\x8A\xD8\xB1\xD8\x9F "
     "\xD9\x86\xD8\xB9\xD9\x85.",
     {"\xD9\x87\xD9\x84 \xD8\xA3\xD9\x86\xD8\xAA \xD8\xA8\xD8\xAE\xD9\x8A\xD8\xB1\xD8\x9F",
      "\xD9\x86\xD8\xB9\xD9\x85.", NULL}},
    /* Hindi danda U+0964 */
    {"hi",
     "\xE0\xA4\xAF\xE0\xA4\xB9 \xE0\xA4\xB8\xE0\xA4\xB9\xE0\xA5\x80 "
     "\xE0\xA4\xB9\xE0\xA5\x88\xE0\xA5\xA4 "
     "\xE0\xA4\xB5\xE0\xA4\xB9 \xE0\xA4\xAD\xE0\xA5\x80\xE0\xA5\xA4",
     {"\xE0\xA4\xAF\xE0\xA4\xB9 \xE0\xA4\xB8\xE0\xA4\xB9\xE0\xA5\x80 "
      "\xE0\xA4\xB9\xE0\xA5\x88\xE0\xA5\xA4",
      "\xE0\xA4\xB5\xE0\xA4\xB9 \xE0\xA4\xAD\xE0\xA5\x80\xE0\xA5\xA4", NULL}},
    /* Chinese ideographic full stop U+3002, no space after it */
    {"zh",
     "\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82\xE5\x86\x8D\xE8\xA7\x81\xE3\x80\x82",
     {"\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82", "\xE5\x86\x8D\xE8\xA7\x81\xE3\x80\x82", NULL}},
    /* Amharic full stop U+1362 */
    {"am",
     "\xE1\x88\xB0\xE1\x88\x8B\xE1\x88\x9D\xE1\x8D\xA2 "
     "\xE1\x8B\xB0\xE1\x88\x85\xE1\x8A\x93\xE1\x8D\xA2",
     {"\xE1\x88\xB0\xE1\x88\x8B\xE1\x88\x9D\xE1\x8D\xA2",
      "\xE1\x8B\xB0\xE1\x88\x85\xE1\x8A\x93\xE1\x8D\xA2", NULL}},
    {"en", "   ", {NULL}},
    {"en", "", {NULL}},
};

static void
test_sentences(void)
{
    for (size_t c = 0; c < sizeof seg_cases / sizeof seg_cases[0]; c++) {
        const struct seg_case *t = &seg_cases[c];
        struct speech_span out[8];
        size_t n = speech_sentences(t->text, strlen(t->text), t->lang, out, 8);
        size_t want = 0;
        while (t->want[want])
            want++;
        CHECK_MSG(n == want, "case %zu \"%s\": %zu sentences, expected %zu", c, t->text, n, want);
        for (size_t i = 0; i < n && i < want; i++) {
            char got[256];
            size_t len = out[i].end - out[i].start;
            snprintf(got, sizeof got, "%.*s", (int)len, t->text + out[i].start);
            CHECK_MSG(strcmp(got, t->want[i]) == 0,
                      "case %zu sentence %zu: \"%s\", expected \"%s\"", c, i, got, t->want[i]);
        }
    }
    /* too small an out: the count still comes back, nothing written past max */
    struct speech_span one[2] = {{7, 7}, {9, 9}};
    const char *three = "A b. C d. E f.";
    CHECK_INT(speech_sentences(three, strlen(three), "en", one, 1), 3);
    CHECK_INT(one[1].start, 9);
    CHECK_INT(speech_sentences(three, strlen(three), NULL, NULL, 0), 3);
}

/* ---- the plan ---- */

static void
test_plan(void)
{
    static const struct edition_span p0[] = {{"First one. Second", 17, 0}, {" two.", 5, 1}};
    static const struct edition_span p2[] = {{"Last words here", 15, 0}};
    struct edition_block blocks[3] = {
        {.kind = EDITION_BLOCK_PARAGRAPH, .spans = p0, .span_count = 2},
        {.kind = EDITION_BLOCK_FIGURE,
         .figure = {.image = "images/a.jpg", .caption = "A harbour at dawn", .credit = "Ann Lee"}},
        {.kind = EDITION_BLOCK_PARAGRAPH, .spans = p2, .span_count = 1},
    };
    struct edition_article a = {.path = "articles/t.md",
                                .title = "T",
                                .language = "en",
                                .body_loaded = true,
                                .blocks = blocks,
                                .block_count = 3};
    struct speech_plan p;
    speech_plan_init(&p);
    struct err e = {0};
    CHECK(speech_plan_article(&p, &a, NULL, &e));
    CHECK_INT(p.count, 4);
    if (p.count == 4) {
        CHECK_STR(p.items[0].text, "First one.");
        CHECK_INT(p.items[0].block, 0);
        CHECK_INT(p.items[0].start, 0);
        CHECK_INT(p.items[0].end, 10);
        CHECK_STR(p.items[1].text, "Second two."); /* across the two spans */
        CHECK_INT(p.items[1].start, 11);
        CHECK_INT(p.items[1].end, 22);
        CHECK_STR(p.items[2].text, "Photo: A harbour at dawn. Ann Lee.");
        CHECK(p.items[2].figure);
        CHECK_INT(p.items[2].block, 1);
        CHECK_STR(p.items[3].text, "Last words here");
        CHECK_INT(p.items[3].block, 2);
    }
    CHECK_STR(p.lang, "en");
    /* a body not loaded is the caller's mistake, said plainly */
    a.body_loaded = false;
    CHECK(!speech_plan_article(&p, &a, "Foto", &e));
    CHECK_CONTAINS(e.msg, "articles/t.md");
    CHECK_INT(p.count, 0);
    speech_plan_fini(&p);
}

/* ---- synthesis into memory ---- */

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap(void)
{
    struct timespec ts = {0, 2 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* Words in a text: runs of non-spaces. */
static size_t
words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; *s; s++) {
        bool sp = *s == ' ';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

struct heard {
    double seconds;
    double rms;
    int32_t order[8]; /* the items in the order they were heard */
    size_t order_n;
    bool done;
    char message[160];
};

/* Plays plan from item 0 into memory until done (30 s at most). */
static void
hear(struct speech *s, const struct speech_plan *plan, struct heard *h)
{
    memset(h, 0, sizeof *h);
    struct err e = {0};
    CHECK(speech_start(s, plan, 0, &e));
    int16_t buf[1024];
    double sum = 0;
    uint64_t n = 0;
    double t0 = now_s();
    struct speech_status st;
    int32_t last = -1;
    while (now_s() - t0 < 30) {
        if (speech_buffered(s) == 0) {
            speech_get_status(s, &st);
            if (st.state == SPEECH_DONE)
                break;
            nap();
        }
        speech_get_status(s, &st);
        uint64_t before = st.samples;
        speech_read(s, buf, sizeof buf / sizeof buf[0]);
        speech_get_status(s, &st);
        size_t got = (size_t)(st.samples - before);
        for (size_t i = 0; i < got; i++)
            sum += (double)buf[i] * buf[i];
        n += got;
        if (st.item >= 0 && st.item != last && h->order_n < 8)
            h->order[h->order_n++] = last = st.item;
        if (st.state == SPEECH_DONE)
            break;
    }
    speech_get_status(s, &st);
    h->done = st.state == SPEECH_DONE;
    h->seconds = (double)n / speech_sample_rate(s);
    h->rms = n ? sqrt(sum / (double)n) : 0;
    memcpy(h->message, st.message, sizeof h->message);
}

static void
test_synthesis(void)
{
    struct err e = {0};
    struct speech_config cfg = {.data_dir = NULL, .rate = 0, .volume = -1};
    struct speech *s = speech_create(&cfg, NULL, NULL, &e);
    CHECK_MSG(s != NULL, "%s", e.msg);
    if (!s)
        return;
    CHECK_INT(speech_sample_rate(s), 22050);

    static const struct edition_span para[] = {
        {"The harbour opened at dawn and the first boats came in with fish. "
         "By noon the market was full of people who had walked from the hills. "
         "Nobody had seen so many visitors since the bridge was built.",
         0, 0}};
    struct edition_span sp = para[0];
    sp.len = (uint32_t)strlen(sp.text);
    struct edition_block b = {.kind = EDITION_BLOCK_PARAGRAPH, .spans = &sp, .span_count = 1};
    struct edition_article a = {
        .path = "a.md", .language = "en", .body_loaded = true, .blocks = &b, .block_count = 1};
    struct speech_plan plan;
    speech_plan_init(&plan);
    CHECK(speech_plan_article(&plan, &a, NULL, &e));
    CHECK_INT(plan.count, 3);
    size_t nwords = words(sp.text);

    struct heard h;
    hear(s, &plan, &h);
    CHECK(h.done);
    /* the three sentences, in order, each heard */
    CHECK_INT(h.order_n, 3);
    CHECK_INT(h.order[0], 0);
    CHECK_INT(h.order[1], 1);
    CHECK_INT(h.order[2], 2);
    /* speech, not silence: RMS of 16-bit samples above 500 (-36 dBFS);
     * espeak-ng at volume 100 speaks at several thousand */
    CHECK_MSG(h.rms > 500, "rms %.0f", h.rms);
    /* plausible length: at 175 words a minute a word takes 343 ms on
     * average with its pauses; allow 100..400 ms a word (short words go
     * faster, sentence pauses add) */
    double per_word = h.seconds / (double)nwords;
    CHECK_MSG(per_word > 0.100 && per_word < 0.400, "%.3f s a word (%zu words, %.2f s)", per_word,
              nwords, h.seconds);
    printf("synthesis: %zu words, %.2f s, %.0f ms a word, rms %.0f\n", nwords, h.seconds,
           per_word * 1000, h.rms);
    CHECK_STR(h.message, "");
    double normal_s = h.seconds;

    /* espeak-ng is one per process: a second synthesiser is refused */
    struct speech *two = speech_create(&cfg, NULL, NULL, &e);
    CHECK(two == NULL);
    CHECK_CONTAINS(e.msg, "already");

    /* pause: silence and no progress; resume goes on */
    CHECK(speech_start(s, &plan, 1, &e));
    double t0 = now_s();
    while (speech_buffered(s) < 4096 && now_s() - t0 < 10)
        nap();
    int16_t buf[512];
    speech_pause(s, true);
    struct speech_status st;
    speech_get_status(s, &st);
    CHECK_INT(st.state, SPEECH_PAUSED);
    memset(buf, 0x55, sizeof buf);
    speech_read(s, buf, 512);
    bool silent = true;
    for (size_t i = 0; i < 512; i++)
        silent = silent && buf[i] == 0;
    CHECK(silent);
    speech_get_status(s, &st);
    CHECK_INT(st.samples, 0);
    speech_pause(s, false);
    speech_read(s, buf, 512);
    speech_get_status(s, &st);
    CHECK_INT(st.samples, 512);
    CHECK_INT(st.item, 1); /* started from item 1 */
    /* stop: idle, the ring emptied, silence */
    speech_stop(s);
    speech_get_status(s, &st);
    CHECK_INT(st.state, SPEECH_IDLE);
    CHECK_INT(speech_buffered(s), 0);
    speech_read(s, buf, 512);
    CHECK(buf[0] == 0 && buf[511] == 0);

    /* a language with no voice reads in English and says so */
    free(plan.lang);
    plan.lang = strdup("xx-ZZ");
    hear(s, &plan, &h);
    CHECK(h.done && h.seconds > 1);
    CHECK_CONTAINS(h.message, "no voice for language 'xx-zz'");
    /* a region espeak-ng does not know falls back to the language's voice,
     * without a message; and the kiosk's world languages have voices */
    static const char *const langs[] = {"en-GB", "fa", "ar", "hi", "bn", "am", "sw", "ru", "zh"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        free(plan.lang);
        plan.lang = strdup(langs[i]);
        struct speech_plan one = plan;
        one.count = 1;
        hear(s, &one, &h);
        CHECK_MSG(h.done && h.message[0] == '\0' && h.rms > 500, "%s: %s (rms %.0f)", langs[i],
                  h.message, h.rms);
    }
    speech_destroy(s);

    /* after the first is gone, another may start: a faster rate reads the same text in less time */
    struct speech *fast =
        speech_create(&(struct speech_config){.rate = 350, .volume = -1}, NULL, NULL, &e);
    CHECK(fast != NULL);
    if (fast) {
        struct heard hf;
        hear(fast, &plan, &hf);
        CHECK_MSG(hf.done && hf.seconds < normal_s * 0.75, "%.2f s at 350 vs %.2f s at 175",
                  hf.seconds, normal_s);
        speech_destroy(fast);
    }

    speech_plan_fini(&plan);
}

/* A data folder with no espeak-ng-data: a clear error, no exit. Run alone
 * (unit.speech_data): espeak-ng is initialised once a process. */
static void
test_bad_data(void)
{
    struct err e = {0};
    char dir[] = "/tmp/nk-speech-XXXXXX"; /* a folder that exists but holds no voices */
    CHECK(mkdtemp(dir) != NULL);
    struct speech *s =
        speech_create(&(struct speech_config){.data_dir = dir, .volume = -1}, NULL, NULL, &e);
    CHECK(s == NULL);
    CHECK_CONTAINS(e.msg, dir);
    CHECK_CONTAINS(e.msg, "install espeak-ng-data");
    printf("%s\n", e.msg);
    speech_destroy(s);
    rmdir(dir);
}

int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bad-data") == 0) {
        test_bad_data();
        return check_summary("test_speech bad-data");
    }
    test_sentences();
    test_plan();
    test_synthesis();
    return check_summary("test_speech");
}
