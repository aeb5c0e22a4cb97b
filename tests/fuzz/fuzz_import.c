/* libFuzzer target over newsbundle import's intake: the bytes go through
 * content detection and the RSS/Atom (libxml2), JSON Feed (jansson), HTML
 * (gumbo) or text-scrape reader, in memory (no files are written). Must
 * never crash, leak or trip a sanitizer; a failure says why on one line
 * naming the input; every article made must be Markdown that the edition
 * parser reads back (the escaping is right whatever the text). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edition.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char manifest[] = "format: 1\ntitle: Fuzz\nedition: 2026-12-05\nsequence: 1\n"
                               "language: en\narticles: [articles/a.md]\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_batch *b = import_batch_create();
    if (!b)
        return 0;
    struct import_options o;
    import_options_default(&o);
    struct import_photo ph = {1, "photo.jpg"};
    o.photos = &ph;
    o.photo_count = 1;
    struct err e;
    err_clear(&e);
    if (!import_batch_add(b, "fuzz.in", NULL, data, size, &o, &e)) {
        if (!strstr(e.msg, "fuzz.in") || strchr(e.msg, '\n'))
            __builtin_trap(); /* one line naming the input */
        import_batch_destroy(b);
        return 0;
    }
    for (size_t i = 0; i < import_batch_count(b); i++) {
        char *md = NULL;
        size_t len = 0;
        if (!import_batch_markdown(b, i, &md, &len, &e))
            continue; /* out of memory */
        struct edition *ed = edition_create(NULL);
        if (ed && edition_parse_manifest(ed, "manifest.yaml", manifest, sizeof manifest - 1, &e) &&
            !edition_parse_article(ed, 0, md, len, &e) && len <= 2u * 1024 * 1024)
            __builtin_trap(); /* the importer wrote Markdown the edition refuses */
        edition_destroy(ed);
        free(md);
    }
    import_batch_destroy(b);
    return 0;
}
