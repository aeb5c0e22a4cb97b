/* newsbundle: the publisher's and operator's edition tool (import, pack,
 * verify, inspect, install, sign, keygen) over the same bundle and edition code as
 * the kiosk. Exit codes: 0 good, 1 the bundle or source is invalid, 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "import.h"

enum { EXIT_GOOD = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

struct cmd {
    const char *name;
    const char *usage;
    const char *help;
};

static const struct cmd cmds[] = {
    {"pack", "newsbundle pack SRC_DIR -o OUT.tar.zst [--sign SECKEY]",
     "Validates SRC_DIR (manifest.yaml, articles/*.md, images/*) and writes a bundle.\n"
     "The archive type follows OUT's extension: .tar, .tar.gz, .tar.xz, .tar.zst, .zip.\n"
     "--sign SECKEY   also writes SHA256SUMS.minisig (a password-less minisign key)\n"},
    {"verify", "newsbundle verify BUNDLE [--key PUBKEY]... [--require-signature]",
     "Reads BUNDLE exactly as the kiosk does (limits, names, checksums, signature,\n"
     "manifest, articles, image headers) without writing anything.\n"},
    {"inspect", "newsbundle inspect BUNDLE [--key PUBKEY]...",
     "Verifies BUNDLE, then lists the edition: articles, sections, word and image counts.\n"},
    {"install", "newsbundle install BUNDLE --state-dir DIR [--key PUBKEY]... [--require-signature]",
     "Installs BUNDLE into DIR exactly as the kiosk's loader does; the edition lives\n"
     "under DIR/current afterwards and the one before it under DIR/previous.\n"},
    {"sign", "newsbundle sign FILE -s SECKEY [-x SIGFILE] [-t TRUSTED_COMMENT]",
     "Writes a minisign signature of FILE to FILE.minisig (or SIGFILE).\n"},
    {"keygen", "newsbundle keygen -p PUBKEY -s SECKEY",
     "Writes a minisign-compatible key pair; the secret key has no password.\n"},
    {"import",
     "newsbundle import INPUT... -o SRC_DIR [--title T] [--language L] [--section S] "
     "[--max-photo-width PX] [--image N=FILE]...",
     "Turns RSS 2.0, Atom 1.0 and JSON Feed files, saved HTML article pages and plain-text\n"
     "scrapes (told apart by content) into the edition folder SRC_DIR for `pack`; when\n"
     "SRC_DIR already holds an edition, the articles are added and sequence raised.\n"
     "Local files and file: URLs only. Photos are scaled to --max-photo-width (1280)\n"
     "and written as JPEG. --image N=FILE gives a text scrape's N-th caption its photo.\n"
     "Nothing in SRC_DIR changes unless every input is read and every article passes.\n"},
};

static void
usage_all(FILE *f)
{
    fprintf(f, "usage:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %s\n", cmds[i].usage);
    fprintf(f, "`newsbundle COMMAND --help` explains one command. Exit: 0 good, 1 invalid bundle "
               "or source, 2 usage.\n");
}

static int
usage_error(const struct cmd *c, const char *what)
{
    fprintf(stderr, "newsbundle: %s (usage: %s)\n", what, c ? c->usage : "newsbundle COMMAND ...");
    return EXIT_USAGE;
}

/* A terminal progress bar on stderr, only when stderr is a terminal. */
struct bar {
    int last;
    bool open; /* a bar line without its newline yet */
};

static struct bar the_bar = {.last = -1};

static int
fail(const struct err *e)
{
    if (the_bar.open) /* the error goes on a line of its own */
        fputc('\n', stderr);
    the_bar.open = false;
    fprintf(stderr, "newsbundle: %s\n", e->msg);
    return e->code == ERR_USAGE ? EXIT_USAGE : EXIT_INVALID;
}

static void
bar_update(void *user, uint64_t done, uint64_t total)
{
    struct bar *b = user;
    int pct = total ? (int)(done * 100 / total) : 100;
    if (pct == b->last)
        return;
    b->last = pct;
    char line[64];
    int fill = pct * 40 / 100;
    memset(line, '#', (size_t)fill);
    memset(line + fill, '-', (size_t)(40 - fill));
    line[40] = '\0';
    fprintf(stderr, "\r[%s] %3d%%", line, pct);
    b->open = pct < 100;
    if (pct >= 100)
        fputc('\n', stderr);
}

static void
warn_line(void *user, const char *msg)
{
    (void)user;
    fprintf(stderr, "newsbundle: warning: %s\n", msg);
}

struct args {
    const char *pos;
    const char *out, *sign, *state_dir, *sig, *tc, *pub, *sec;
    bool require_signature;
    bool help;
    struct bundle_options opt;
};

/* Parses the options a command accepts (allowed: a string of letters). */
static int
parse_args(const struct cmd *c, int argc, char **argv, const char *allowed, struct args *a)
{
    memset(a, 0, sizeof *a);
    bundle_options_default(&a->opt);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(flag, letter, field)                                                                  \
    if (strcmp(s, flag) == 0 && strchr(allowed, letter)) {                                         \
        if (!v)                                                                                    \
            return usage_error(c, flag " needs a value");                                          \
        a->field = v;                                                                              \
        i++;                                                                                       \
        continue;                                                                                  \
    }
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            a->help = true;
            return -1;
        }
        TAKE("-o", 'o', out)
        TAKE("--sign", 'S', sign)
        TAKE("--state-dir", 'd', state_dir)
        TAKE("-x", 'x', sig)
        TAKE("-t", 't', tc)
        TAKE("-p", 'p', pub)
        TAKE("-s", 's', sec)
#undef TAKE
        if (strcmp(s, "--key") == 0 && strchr(allowed, 'k')) {
            if (!v)
                return usage_error(c, "--key needs a value");
            if (a->opt.key_count == BUNDLE_MAX_KEYS)
                return usage_error(c, "too many --key options");
            a->opt.keys[a->opt.key_count++] = v;
            i++;
            continue;
        }
        if (strcmp(s, "--require-signature") == 0 && strchr(allowed, 'r')) {
            a->opt.require_signature = true;
            continue;
        }
        if (s[0] == '-' && s[1] != '\0') {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown option %.60s", s);
            return usage_error(c, msg);
        }
        if (a->pos)
            return usage_error(c, "too many arguments");
        a->pos = s;
    }
    if (!a->pos && strchr(allowed, 'P'))
        return usage_error(c, "missing argument");
    if (isatty(STDERR_FILENO)) {
        a->opt.progress = bar_update;
        a->opt.progress_user = &the_bar;
    }
    return -1;
}

static int
cmd_pack(const struct cmd *c, struct args *a)
{
    if (!a->out)
        return usage_error(c, "missing -o OUT");
    struct err e;
    err_clear(&e);
    if (!bundle_pack(a->pos, a->out, a->sign, &a->opt, warn_line, NULL, &e))
        return fail(&e);
    return EXIT_GOOD;
}

static int
cmd_verify(struct args *a, bool inspect)
{
    struct err e;
    err_clear(&e);
    struct bundle_info info;
    if (!bundle_verify(a->pos, &a->opt, &info, &e))
        return fail(&e);
    const struct edition *ed = info.ed;
    if (!inspect) {
        printf("%s: good: sequence %lld, %zu articles, %zu images, %zu files, %llu bytes, %s\n",
               a->pos, (long long)ed->sequence, ed->article_count, info.image_count,
               info.file_count, (unsigned long long)info.total_bytes,
               info.signature_verified  ? "signed by a trusted key"
               : info.signature_present ? "signed (no key given to check it)"
                                        : "unsigned");
        bundle_info_fini(&info);
        return EXIT_GOOD;
    }
    printf("title:     %s\nedition:   %s\nsequence:  %lld\nlanguage:  %s\n", ed->title, ed->edition,
           (long long)ed->sequence, ed->language);
    if (ed->publisher && ed->publisher[0])
        printf("publisher: %s\n", ed->publisher);
    if (ed->expires && ed->expires[0])
        printf("expires:   %s\n", ed->expires);
    printf("sections: ");
    for (size_t i = 0; i < ed->section_count; i++)
        printf(" %s%s", ed->sections[i], i + 1 < ed->section_count ? "," : "");
    printf("\n");
    uint64_t words = 0;
    printf("articles:  %zu\n", ed->article_count);
    for (size_t i = 0; i < ed->article_count; i++) {
        const struct edition_article *art = &ed->articles[i];
        words += art->word_count;
        printf("  %-32s %-12s %6u words  %-5s  %s\n", art->path,
               art->section[0] ? art->section : "-", art->word_count, art->lead ? "photo" : "-",
               art->title);
    }
    printf("words:     %llu\nimages:    %zu (%zu shown in articles)\nsignature: %s%s\n",
           (unsigned long long)words, info.image_count, info.figure_count,
           info.signature_verified  ? "verified, key "
           : info.signature_present ? "present (not checked: no --key)"
                                    : "none",
           info.key_id);
    bundle_info_fini(&info);
    return EXIT_GOOD;
}

static int
cmd_install(const struct cmd *c, struct args *a)
{
    if (!a->state_dir)
        return usage_error(c, "missing --state-dir DIR");
    struct err e;
    err_clear(&e);
    struct bundle_info info;
    if (!bundle_install(a->pos, a->state_dir, &a->opt, &info, &e))
        return fail(&e);
    printf("installed %s: %s, %s, sequence %lld\n", a->pos, info.ed->title, info.ed->edition,
           (long long)info.ed->sequence);
    bundle_info_fini(&info);
    return EXIT_GOOD;
}

static int
cmd_sign(const struct cmd *c, struct args *a)
{
    if (!a->sec)
        return usage_error(c, "missing -s SECKEY");
    char def[4096];
    if (!a->sig) {
        snprintf(def, sizeof def, "%s.minisig", a->pos);
        a->sig = def;
    }
    struct err e;
    err_clear(&e);
    if (!bundle_sign_file(a->sec, a->pos, a->sig, a->tc, &e))
        return fail(&e);
    return EXIT_GOOD;
}

static int
cmd_keygen(const struct cmd *c, struct args *a)
{
    if (!a->pub || !a->sec)
        return usage_error(c, "missing -p PUBKEY or -s SECKEY");
    struct err e;
    err_clear(&e);
    char id[17];
    if (!bundle_keygen(a->pub, a->sec, id, &e))
        return fail(&e);
    printf("key %s: public key in %s, secret key (no password) in %s\n", id, a->pub, a->sec);
    return EXIT_GOOD;
}

static void
import_warn(void *user, const char *msg)
{
    (void)user;
    fprintf(stderr, "newsbundle: %s\n", msg);
}

/* newsbundle import: several inputs and options of its own. */
static int
cmd_import(const struct cmd *c, int argc, char **argv)
{
    struct import_options o;
    import_options_default(&o);
    o.warn = import_warn;
    static struct import_photo photos[IMPORT_MAX_PHOTOS];
    const char *out = NULL;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t n = 0;
    if (!inputs)
        return usage_error(c, "out of memory");
    int rc = -1;
    for (int i = 0; i < argc && rc < 0; i++) {
        const char *s = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            printf("usage: %s\n%s", c->usage, c->help);
            rc = EXIT_GOOD;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--title") == 0 ||
                   strcmp(s, "--language") == 0 || strcmp(s, "--section") == 0 ||
                   strcmp(s, "--max-photo-width") == 0 || strcmp(s, "--image") == 0) {
            if (!v) {
                char msg[64];
                snprintf(msg, sizeof msg, "%s needs a value", s);
                rc = usage_error(c, msg);
                break;
            }
            i++;
            char *end;
            if (strcmp(s, "-o") == 0)
                out = v;
            else if (strcmp(s, "--title") == 0)
                o.title = v;
            else if (strcmp(s, "--language") == 0)
                o.language = v;
            else if (strcmp(s, "--section") == 0)
                o.section = v;
            else if (strcmp(s, "--max-photo-width") == 0) {
                unsigned long w = strtoul(v, &end, 10);
                if (*end || w < 16 || w > 65535)
                    rc = usage_error(c, "--max-photo-width takes 16 to 65535 pixels");
                o.max_photo_width = (uint32_t)w;
            } else {
                unsigned long k = strtoul(v, &end, 10);
                if (k == 0 || k > 100000 || *end != '=' || !end[1])
                    rc = usage_error(c, "--image takes N=FILE (N counts captions from 1)");
                else if (o.photo_count == IMPORT_MAX_PHOTOS)
                    rc = usage_error(c, "too many --image options");
                else
                    photos[o.photo_count++] = (struct import_photo){(unsigned)k, end + 1};
            }
        } else if (s[0] == '-' && s[1] != '\0') {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown option %.60s", s);
            rc = usage_error(c, msg);
        } else {
            inputs[n++] = s;
        }
    }
    if (rc < 0 && !out)
        rc = usage_error(c, "missing -o SRC_DIR");
    if (rc < 0 && n == 0)
        rc = usage_error(c, "missing INPUT");
    if (rc < 0) {
        o.photos = photos;
        struct err e;
        err_clear(&e);
        size_t added = 0;
        if (!import_run(inputs, n, out, &o, &added, &e))
            rc = fail(&e);
        else {
            printf("%s: %zu article%s imported\n", out, added, added == 1 ? "" : "s");
            rc = EXIT_GOOD;
        }
    }
    free(inputs);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage_all(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage_all(stdout);
        return EXIT_GOOD;
    }
    if (strcmp(argv[1], "import") == 0)
        return cmd_import(&cmds[6], argc - 2, argv + 2);
    static const char *const allowed[] = {"PoS", "Pkr", "Pk", "Pdkr", "Psxt", "ps"};
    for (size_t i = 0; i < 6; i++) {
        const struct cmd *c = &cmds[i];
        if (strcmp(argv[1], c->name) != 0)
            continue;
        struct args a;
        int rc = parse_args(c, argc - 2, argv + 2, allowed[i], &a);
        if (rc >= 0)
            return rc;
        if (a.help) {
            printf("usage: %s\n%s", c->usage, c->help);
            return EXIT_GOOD;
        }
        switch (i) {
        case 0:
            return cmd_pack(c, &a);
        case 1:
            return cmd_verify(&a, false);
        case 2:
            return cmd_verify(&a, true);
        case 3:
            return cmd_install(c, &a);
        case 4:
            return cmd_sign(c, &a);
        default:
            return cmd_keygen(c, &a);
        }
    }
    char msg[128];
    snprintf(msg, sizeof msg, "unknown command %.60s", argv[1]);
    return usage_error(NULL, msg);
}
