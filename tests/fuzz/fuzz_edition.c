/* libFuzzer target over the edition parsers: every input is parsed as a
 * manifest, and as an article both fully and meta-only. Must never crash,
 * leak or trip a sanitizer, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "edition.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char manifest[] = "format: 1\ntitle: Fuzz\nedition: 2026-11-28\nsequence: 1\n"
                               "language: en\narticles: [articles/a.md]\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    struct edition *ed = edition_create(NULL);
    if (!ed)
        return 0;
    if (edition_parse_manifest(ed, "manifest.yaml", data, size, &e)) {
        /* a valid manifest must give what the header promises */
        if (ed->article_count == 0 || !edition_valid_article_path(ed->articles[0].path))
            __builtin_trap();
    } else if (e.msg[0] == '\0' || strchr(e.msg, '\n')) {
        __builtin_trap(); /* failures always say why, on one line */
    }
    edition_destroy(ed);

    ed = edition_create(NULL);
    if (!ed)
        return 0;
    if (edition_parse_manifest(ed, "manifest.yaml", manifest, sizeof manifest - 1, &e)) {
        bool full = edition_parse_article(ed, 0, data, size, &e);
        if (!full && (e.msg[0] == '\0' || strchr(e.msg, '\n')))
            __builtin_trap();
        bool meta = edition_parse_article_meta(ed, 0, data, size, &e);
        if (full != meta)
            __builtin_trap(); /* one set of rules for the index and the page */
        const struct edition_article *a = &ed->articles[0];
        for (size_t i = 0; full && i < a->block_count; i++) {
            const struct edition_block *b = &a->blocks[i];
            for (size_t s = 0; s < b->span_count; s++)
                if (b->spans[s].len == 0 || memchr(b->spans[s].text, '\0', b->spans[s].len))
                    __builtin_trap();
            if (b->kind == EDITION_BLOCK_FIGURE && !edition_valid_image_path(b->figure.image))
                __builtin_trap();
        }
    }
    edition_destroy(ed);
    return 0;
}
