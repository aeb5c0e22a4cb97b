/* Localized chrome: the kiosk's own words (nav bar, page numbers, dates,
 * badge, message and status screens) in an edition's language, from gettext
 * catalogues compiled at build time, one text domain a language
 * ("newskiosk-fa" in DIR/C.UTF-8/LC_MESSAGES/newskiosk-fa.mo). The language
 * is chosen by the edition, never by the machine's locale: lookups switch
 * only the calling thread's LC_MESSAGES to C.UTF-8 (uselocale), so no locale
 * needs to be generated and nothing process-wide changes after creation.
 * Owns the filled locales; one thread at a time (the app's main thread). */
#ifndef NK_L10N_H
#define NK_L10N_H

#include <stdbool.h>

#include "err.h"
#include "layout.h"

/* The app's message and status screens, by what they say. Patterns name
 * their fields in braces, filled by l10n_format. */
enum l10n_msg {
    L10N_MSG_STATUS_TITLE,    /* "Operator status" */
    L10N_MSG_EDITION,         /* "Edition: {title}, {date} (sequence {sequence})" */
    L10N_MSG_EDITION_EXPIRED, /* the same with ", out of date" */
    L10N_MSG_NO_EDITION,      /* "Edition: none installed" */
    L10N_MSG_INSTALLED_IN,    /* "Installed in: {path}" */
    L10N_MSG_REJECTED,        /* "Last bundle rejected: {name}: {reason}" */
    L10N_MSG_REJECTED_NONE,   /* "Last bundle rejected: none" */
    L10N_MSG_ROLLED_BACK,     /* "Rolled back: {reason}" */
    L10N_MSG_SHOWN_FROM,      /* "Shown from: {path} (not installed)" */
    L10N_MSG_INSTALLING,      /* "Installing: {name} ({percent}%)" */
    L10N_MSG_TAP_TO_RETURN,   /* "Tap anywhere to return." */
    L10N_MSG_PHOTO,           /* "Photo": read aloud before a photo's caption */
    L10N_MSG_RESTARTS,        /* "Restarts since the board started: {count}" */
    L10N_MSG_COUNT
};

/* A language's chrome: what the typesetter needs, and the app's screens. */
struct l10n_locale {
    struct layout_locale layout;
    const char *msg[L10N_MSG_COUNT];
    bool translated; /* a catalogue was found; false: the built-in English */
};

struct l10n;

/* Catalogues from dir (the folder holding C.UTF-8/LC_MESSAGES/), which is
 * copied; a language's text domain is bound on its first l10n_locale
 * (glibc locks its bindings, so other threads' gettext calls, e.g. in
 * strerror, are safe meanwhile). Fails with a message naming the rule when
 * the C.UTF-8 locale is missing or LANGUAGE is set in the environment
 * (glibc would then choose catalogues by it, not by the edition); a folder
 * without catalogues is not an error: every language is then English. */
struct l10n *l10n_create(const char *dir, struct err *e);
void l10n_destroy(struct l10n *l); /* NULL is fine */

/* The chrome for BCP 47 language lang ("fa", "pt-BR", "zh-Hans"): its
 * catalogue by the primary subtag (zh-Hant, zh-TW, zh-HK and zh-MO have
 * none: the zh catalogue is Simplified), else the built-in English (also for
 * NULL, "" or a malformed tag). A translated string whose {fields} differ
 * from the English one is replaced by the English. Owned by l, valid until
 * l10n_destroy; never NULL. */
const struct l10n_locale *l10n_locale(struct l10n *l, const char *lang);

/* The built-in English chrome, without catalogues. */
const struct l10n_locale *l10n_english(void);

/* Whether lang's chrome is right to left (ar, fa, he, ur and the other
 * Arabic- and Hebrew-script languages), by the primary subtag. */
bool l10n_is_rtl(const char *lang);

/* pattern with each {names[k]} replaced by values[k] into out (size bytes,
 * always NUL-terminated, cut at a character boundary when too long). */
void l10n_format(char *out, size_t size, const char *pattern, const char *const *names,
                 const char *const *values, size_t count);

/* v written with loc's digits into out (size bytes). */
void l10n_number(const struct l10n_locale *loc, unsigned long long v, char *out, size_t size);

#endif
