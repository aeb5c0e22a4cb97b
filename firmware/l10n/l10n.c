/* The chrome's words from gettext catalogues, one text domain a language.
 *
 * glibc's gettext picks a catalogue by the LC_MESSAGES locale's name, or by
 * LANGUAGE, which it ignores while that locale is "C" (the kiosk's, and the
 * only one boards and CI have besides C.UTF-8). So the language is put in
 * the domain's name instead ("newskiosk-fa") and lookups run with the
 * calling thread's locale switched to C.UTF-8 (built into glibc since 2.35),
 * under which gettext reads DIR/C.UTF-8/LC_MESSAGES/newskiosk-fa.mo. Nothing
 * process-wide changes after l10n_create: no setlocale, no setenv. */
#include "l10n.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Marks strings for xgettext (scripts/update-po); gettext looks them up. */
#define N_(s) s
#define NC_(ctx, s) ctx "\004" s

#define L10N_DOMAIN_PREFIX "newskiosk-"
#define L10N_MAX_LANGS 32 /* languages kept; more fall back to English */
#define L10N_LANG_MAX 8   /* a primary subtag of 2 or 3 letters, NUL-terminated */

/* The English words, which are also the msgids (with a context where one
 * English word has several roles). */
static const char *const layout_ids[LAYOUT_TEXT_COUNT] = {
    /* TRANSLATORS: nav bar button: the previous story. The arrow points back
     * in reading order: keep it first (right-to-left text mirrors it). */
    [LAYOUT_TEXT_PREVIOUS] = N_("\xE2\x80\xB9 Previous"),
    /* TRANSLATORS: the same button when the bar is narrow: as short as you can. */
    [LAYOUT_TEXT_PREVIOUS_SHORT] = NC_("narrow bar", "\xE2\x80\xB9 Prev"),
    /* TRANSLATORS: nav bar button back to the list of stories, and the
     * header of that list: as a newspaper names its contents. */
    [LAYOUT_TEXT_CONTENTS] = N_("Contents"),
    /* TRANSLATORS: the contents button when the bar is narrow. */
    [LAYOUT_TEXT_CONTENTS_SHORT] = NC_("narrow bar", "Index"),
    /* TRANSLATORS: nav bar button: the next story; keep the arrow last. */
    [LAYOUT_TEXT_NEXT] = N_("Next \xE2\x80\xBA"),
    /* TRANSLATORS: the next-story button when the bar is narrow. */
    [LAYOUT_TEXT_NEXT_SHORT] = NC_("narrow bar", "Next \xE2\x80\xBA"),
    /* TRANSLATORS: page footer; keep {page} and {pages} as they are. */
    [LAYOUT_TEXT_PAGE_OF] = N_("page {page} of {pages}"),
    /* TRANSLATORS: the index's section for stories filed under none, shown
     * in capitals where the script has them: as a newspaper's "Miscellany". */
    [LAYOUT_TEXT_MORE] = NC_("section", "More"),
    /* TRANSLATORS: badge under the date of an edition past its expiry date. */
    [LAYOUT_TEXT_OUT_OF_DATE] = N_("OUT OF DATE"),
};

static const char *const digit_ids[10] = {
    /* TRANSLATORS: the digits the language writes numbers with (Western
     * 0-9 unless another set is the norm). */
    NC_("digit", "0"), NC_("digit", "1"), NC_("digit", "2"), NC_("digit", "3"), NC_("digit", "4"),
    NC_("digit", "5"), NC_("digit", "6"), NC_("digit", "7"), NC_("digit", "8"), NC_("digit", "9"),
};

static const char *const month_ids[12] = {
    /* TRANSLATORS: Gregorian months in the form a date uses (genitive where
     * the language declines them: "5 декабря"). */
    NC_("month in a date", "January"),   NC_("month in a date", "February"),
    NC_("month in a date", "March"),     NC_("month in a date", "April"),
    NC_("month in a date", "May"),       NC_("month in a date", "June"),
    NC_("month in a date", "July"),      NC_("month in a date", "August"),
    NC_("month in a date", "September"), NC_("month in a date", "October"),
    NC_("month in a date", "November"),  NC_("month in a date", "December"),
};

static const char *const weekday_ids[7] = {
    /* TRANSLATORS: weekdays as they start the index's date line. */
    NC_("weekday", "Sunday"),    NC_("weekday", "Monday"),   NC_("weekday", "Tuesday"),
    NC_("weekday", "Wednesday"), NC_("weekday", "Thursday"), NC_("weekday", "Friday"),
    NC_("weekday", "Saturday"),
};

/* TRANSLATORS: the index's date line: reorder and add words as the language
 * writes a full date; {monthnum} is the month's number. */
static const char *const date_long_id = NC_("date line", "{weekday} {day} {month} {year}");
/* TRANSLATORS: a story's date under its byline. */
static const char *const date_short_id = NC_("byline date", "{day} {month} {year}");

static const char *const msg_ids[L10N_MSG_COUNT] = {
    /* TRANSLATORS: the operator's status screen (a long press in the corner). */
    [L10N_MSG_STATUS_TITLE] = N_("Operator status"),
    [L10N_MSG_EDITION] = N_("Edition: {title}, {date} (sequence {sequence})"),
    [L10N_MSG_EDITION_EXPIRED] = N_("Edition: {title}, {date} (sequence {sequence}), out of date"),
    [L10N_MSG_NO_EDITION] = N_("Edition: none installed"),
    [L10N_MSG_INSTALLED_IN] = N_("Installed in: {path}"),
    /* TRANSLATORS: {name} is a file name, {reason} an English error message. */
    [L10N_MSG_REJECTED] = N_("Last bundle rejected: {name}: {reason}"),
    [L10N_MSG_REJECTED_NONE] = N_("Last bundle rejected: none"),
    [L10N_MSG_ROLLED_BACK] = N_("Rolled back: {reason}"),
    [L10N_MSG_SHOWN_FROM] = N_("Shown from: {path} (not installed)"),
    [L10N_MSG_INSTALLING] = N_("Installing: {name} ({percent}%)"),
    [L10N_MSG_TAP_TO_RETURN] = N_("Tap anywhere to return."),
    /* TRANSLATORS: read aloud before a photo's caption and credit, as in
       "Photo: The ferry at dawn. Credit." (one word, no colon). */
    [L10N_MSG_PHOTO] = N_("Photo"),
    /* TRANSLATORS: status screen: how many times the kiosk program was
       started again (after a crash or a hang) since the board was switched on. */
    [L10N_MSG_RESTARTS] = N_("Restarts since the board started: {count}"),
};

struct l10n_entry {
    char lang[L10N_LANG_MAX]; /* primary subtag; "" for the English fallback entry */
    struct l10n_locale loc;
};

struct l10n {
    char *dir;
    locale_t messages; /* LC_MESSAGES = C.UTF-8, for the lookups' thread */
    struct l10n_entry entry[L10N_MAX_LANGS];
    size_t count;
};

/* The English words, with the contexts cut off. */
static const char *
english_of(const char *id)
{
    const char *eot = strchr(id, '\004');
    return eot ? eot + 1 : id;
}

static struct l10n_locale english;
static bool english_ready;

static void
fill_english(struct l10n_locale *loc)
{
    memset(loc, 0, sizeof *loc);
    loc->layout.lang = "en";
    loc->layout.dir = LAYOUT_DIR_LTR;
    for (size_t k = 0; k < LAYOUT_TEXT_COUNT; k++)
        loc->layout.text[k] = english_of(layout_ids[k]);
    for (size_t k = 0; k < 10; k++)
        loc->layout.digits[k] = english_of(digit_ids[k]);
    for (size_t k = 0; k < 12; k++)
        loc->layout.months[k] = english_of(month_ids[k]);
    for (size_t k = 0; k < 7; k++)
        loc->layout.weekdays[k] = english_of(weekday_ids[k]);
    loc->layout.date_long = english_of(date_long_id);
    loc->layout.date_short = english_of(date_short_id);
    for (size_t k = 0; k < L10N_MSG_COUNT; k++)
        loc->msg[k] = english_of(msg_ids[k]);
}

const struct l10n_locale *
l10n_english(void)
{
    if (!english_ready) {
        fill_english(&english);
        english_ready = true;
    }
    return &english;
}

/* The primary subtag of tag, lower-cased, into out; false when tag is not a
 * language tag (2 or 3 ASCII letters, then nothing or '-'/'_' and more). */
static bool
primary_subtag(const char *tag, char out[L10N_LANG_MAX])
{
    if (!tag)
        return false;
    size_t n = 0;
    while (n < 4 && ((tag[n] >= 'a' && tag[n] <= 'z') || (tag[n] >= 'A' && tag[n] <= 'Z'))) {
        if (n < 3)
            out[n] = (char)(tag[n] | 0x20);
        n++;
    }
    if (n < 2 || n > 3 || (tag[n] && tag[n] != '-' && tag[n] != '_'))
        return false;
    out[n] = '\0';
    return true;
}

/* Whether a later subtag of tag equals s (case-insensitive). */
static bool
has_subtag(const char *tag, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = tag; (p = strpbrk(p, "-_")); p++)
        if (strncasecmp(p + 1, s, n) == 0 &&
            (p[1 + n] == '\0' || p[1 + n] == '-' || p[1 + n] == '_'))
            return true;
    return false;
}

bool
l10n_is_rtl(const char *lang)
{
    static const char *const rtl[] = {"ar", "arc", "ckb", "dv", "fa", "he", "iw",
                                      "ps", "sd",  "syr", "ug", "ur", "yi"};
    char p[L10N_LANG_MAX];
    if (!primary_subtag(lang, p))
        return false;
    for (size_t k = 0; k < sizeof rtl / sizeof rtl[0]; k++)
        if (strcmp(p, rtl[k]) == 0)
            return true;
    return false;
}

/* How often field f (n bytes, "{name}") occurs in s; {monthnum} counts
 * as {month} when month_alias. */
static size_t
field_count(const char *s, const char *f, size_t n, bool month_alias)
{
    size_t count = 0;
    for (; (s = strchr(s, '{')); s++)
        count += strncmp(s, f, n) == 0 || (month_alias && n == 7 && strncmp(f, "{month}", 7) == 0 &&
                                           strncmp(s, "{monthnum}", 10) == 0);
    return count;
}

/* Whether translation t names the same {fields} as English en, each as
 * often, with as many braces (no field of its own); a date may write the
 * month as its number ({monthnum} for {month}). */
static bool
same_fields(const char *en, const char *t)
{
    for (const char *p = en; (p = strchr(p, '{')); p++) {
        const char *q = strchr(p, '}');
        if (!q)
            break;
        size_t n = (size_t)(q - p + 1);
        if (field_count(en, p, n, false) != field_count(t, p, n, true))
            return false;
    }
    return field_count(en, "{", 1, false) == field_count(t, "{", 1, false);
}

/* id's translation in domain, or its English words when it has none (or
 * one with other {fields}). */
static const char *
lookup(const char *domain, const char *id)
{
    const char *en = english_of(id);
    const char *t = dgettext(domain, id);
    if (t == id || !*t || !same_fields(en, t))
        return en;
    return t;
}

/* Fills loc from lang's catalogue; false when there is none. */
static bool
fill(struct l10n *l, const char *lang, struct l10n_locale *loc)
{
    char domain[64];
    snprintf(domain, sizeof domain, "%s%s", L10N_DOMAIN_PREFIX, lang);
    if (!bindtextdomain(domain, l->dir) || !bind_textdomain_codeset(domain, "UTF-8"))
        return false;
    locale_t old = uselocale(l->messages);
    /* the header entry (msgid ""): present exactly when the catalogue loaded */
    static const char header_id[] = "";
    const char *header = dgettext(domain, header_id);
    bool ok = header && *header;
    if (ok) {
        fill_english(loc);
        for (size_t k = 0; k < LAYOUT_TEXT_COUNT; k++)
            loc->layout.text[k] = lookup(domain, layout_ids[k]);
        for (size_t k = 0; k < 10; k++)
            loc->layout.digits[k] = lookup(domain, digit_ids[k]);
        for (size_t k = 0; k < 12; k++)
            loc->layout.months[k] = lookup(domain, month_ids[k]);
        for (size_t k = 0; k < 7; k++)
            loc->layout.weekdays[k] = lookup(domain, weekday_ids[k]);
        loc->layout.date_long = lookup(domain, date_long_id);
        loc->layout.date_short = lookup(domain, date_short_id);
        for (size_t k = 0; k < L10N_MSG_COUNT; k++)
            loc->msg[k] = lookup(domain, msg_ids[k]);
        loc->layout.lang = NULL; /* set by the caller, from its own copy */
        loc->layout.dir = l10n_is_rtl(lang) ? LAYOUT_DIR_RTL : LAYOUT_DIR_LTR;
        loc->translated = true;
    }
    uselocale(old);
    return ok;
}

const struct l10n_locale *
l10n_locale(struct l10n *l, const char *lang)
{
    char p[L10N_LANG_MAX];
    if (!l || !primary_subtag(lang, p))
        return l10n_english();
    /* the zh catalogue is Simplified Chinese: not for Traditional readers */
    if (strcmp(p, "zh") == 0 && (has_subtag(lang, "hant") || has_subtag(lang, "tw") ||
                                 has_subtag(lang, "hk") || has_subtag(lang, "mo")))
        return l10n_english();
    for (size_t k = 0; k < l->count; k++)
        if (strcmp(l->entry[k].lang, p) == 0)
            return l->entry[k].loc.translated ? &l->entry[k].loc : l10n_english();
    if (l->count == L10N_MAX_LANGS)
        return l10n_english();
    struct l10n_entry *en = &l->entry[l->count];
    memcpy(en->lang, p, sizeof p);
    bool found = fill(l, p, &en->loc);
    en->loc.translated = found; /* remembered either way: one lookup a language */
    en->loc.layout.lang = en->lang;
    l->count++;
    return found ? &en->loc : l10n_english();
}

struct l10n *
l10n_create(const char *dir, struct err *e)
{
    const char *language = getenv("LANGUAGE");
    if (language && *language) {
        err_set(e, ERR_USAGE,
                "l10n: LANGUAGE=%.64s is set: glibc would choose the kiosk's catalogues by it "
                "instead of by the edition's language; unset it",
                language);
        return NULL;
    }
    struct l10n *l = calloc(1, sizeof *l);
    if (!l) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    l->dir = strdup(dir ? dir : "");
    l->messages = newlocale(LC_MESSAGES_MASK, "C.UTF-8", (locale_t)0);
    if (!l->dir || !l->messages) {
        err_set(e, l->dir ? ERR_IO : ERR_NOMEM,
                "l10n: the C.UTF-8 locale is missing (glibc 2.35 or later has it built in): "
                "the chrome stays in English");
        l10n_destroy(l);
        return NULL;
    }
    return l;
}

void
l10n_destroy(struct l10n *l)
{
    if (!l)
        return;
    if (l->messages)
        freelocale(l->messages);
    free(l->dir);
    free(l);
}

void
l10n_format(char *out, size_t size, const char *pattern, const char *const *names,
            const char *const *values, size_t count)
{
    if (!size)
        return;
    size_t at = 0;
    for (const char *p = pattern; *p;) {
        const char *v = NULL;
        size_t skip = 1;
        if (*p == '{') {
            for (size_t k = 0; k < count && !v; k++) {
                size_t nl = strlen(names[k]);
                if (strncmp(p + 1, names[k], nl) == 0 && p[1 + nl] == '}') {
                    v = values[k] ? values[k] : "";
                    skip = nl + 2;
                }
            }
        }
        size_t vl = v ? strlen(v) : 1;
        if (at + vl >= size) {
            /* cut at a character boundary */
            size_t room = size - 1 - at;
            const char *src = v ? v : p;
            while (room > 0 && ((unsigned char)src[room] & 0xC0) == 0x80)
                room--;
            memcpy(out + at, src, room);
            at += room;
            break;
        }
        memcpy(out + at, v ? v : p, vl);
        at += vl;
        p += skip;
    }
    out[at] = '\0';
}

void
l10n_number(const struct l10n_locale *loc, unsigned long long v, char *out, size_t size)
{
    char ascii[24];
    snprintf(ascii, sizeof ascii, "%llu", v);
    static const char *const names[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    char pattern[24 * 3 + 1];
    size_t at = 0;
    for (const char *p = ascii; *p; p++) {
        pattern[at++] = '{';
        pattern[at++] = *p;
        pattern[at++] = '}';
    }
    pattern[at] = '\0';
    const char *const *digits = loc ? loc->layout.digits : l10n_english()->layout.digits;
    l10n_format(out, size, pattern, names, digits, 10);
}
