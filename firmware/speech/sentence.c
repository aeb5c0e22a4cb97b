/* Sentence boundaries: UAX #29's sentence rules written out over
 * libunistring's character properties (its 1.0 and libunibreak 1.1 break
 * lines, words and graphemes, not sentences), then a suppression pass for
 * abbreviations in the manner of CLDR's sentence-break suppressions. */
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <unistr.h>

#include "speech.h"

/* Sentence_Break property values (UAX #29, table 4). */
enum sb {
    SB_OTHER,
    SB_CR,
    SB_LF,
    SB_EXTEND,
    SB_SEP,
    SB_FORMAT,
    SB_SP,
    SB_LOWER,
    SB_UPPER,
    SB_OLETTER,
    SB_NUMERIC,
    SB_ATERM,
    SB_SCONTINUE,
    SB_STERM,
    SB_CLOSE,
};

static bool
is_scontinue(ucs4_t c)
{
    static const ucs4_t list[] = {0x002C, 0x002D, 0x003A, 0x055D, 0x060C, 0x060D, 0x07F8,
                                  0x1802, 0x1808, 0x2013, 0x2014, 0x3001, 0xFE10, 0xFE11,
                                  0xFE13, 0xFE31, 0xFE32, 0xFE50, 0xFE51, 0xFE55, 0xFE58,
                                  0xFE63, 0xFF0C, 0xFF0D, 0xFF1A, 0xFF64};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == c)
            return true;
    return false;
}

/* The property as UAX #29 derives it from the UCD; Numeric is taken as the
 * decimal digits (Line_Break=Numeric less a few separators, which are not
 * exposed by libunistring 1.0). */
static enum sb
sb_class(ucs4_t c)
{
    if (c == 0x0D)
        return SB_CR;
    if (c == 0x0A)
        return SB_LF;
    if (c == 0x85 || c == 0x2028 || c == 0x2029)
        return SB_SEP;
    if (c == 0x200D || uc_is_property_grapheme_extend(c) ||
        uc_is_general_category(c, UC_COMBINING_SPACING_MARK))
        return SB_EXTEND;
    if (c != 0x200C && uc_is_general_category(c, UC_FORMAT))
        return SB_FORMAT;
    if (uc_is_property_white_space(c))
        return SB_SP;
    if (c == 0x2E || c == 0x2024 || c == 0xFE52 || c == 0xFF0E)
        return SB_ATERM;
    if (uc_is_property_sentence_terminal(c))
        return SB_STERM;
    if (uc_is_property_lowercase(c))
        return SB_LOWER;
    if (uc_is_property_uppercase(c) || uc_is_general_category(c, UC_TITLECASE_LETTER))
        return SB_UPPER;
    if (uc_is_property_alphabetic(c) || c == 0xA0 || c == 0x05F3)
        return SB_OLETTER;
    if (uc_is_general_category(c, UC_DECIMAL_DIGIT_NUMBER))
        return SB_NUMERIC;
    if (is_scontinue(c))
        return SB_SCONTINUE;
    if (uc_is_general_category(c, UC_OPEN_PUNCTUATION) ||
        uc_is_general_category(c, UC_CLOSE_PUNCTUATION) || uc_is_property_quotation_mark(c))
        return SB_CLOSE;
    return SB_OTHER;
}

static bool
para_sep(enum sb k)
{
    return k == SB_SEP || k == SB_CR || k == SB_LF;
}

static bool
saterm(enum sb k)
{
    return k == SB_ATERM || k == SB_STERM;
}

/* Abbreviations that keep their full stop inside a sentence (after CLDR's
 * English suppressions, the common ones); compared with the word before the
 * stop, case and all. A single capital letter ("J. Smith") is one too.
 * "etc." is not: it ends sentences as often as not. */
static const char *const abbrev_en[] = {
    "Mr",  "Mrs", "Ms",  "Dr",   "Prof", "St",   "Jr",  "Sr",  "Mt",  "No",     "Nos",
    "Inc", "Ltd", "Co",  "Corp", "vs",   "e.g",  "i.e", "cf",  "Gen", "Gov",    "Sen",
    "Rep", "Lt",  "Col", "Sgt",  "Capt", "Rev",  "Hon", "Fig", "Jan", "Feb",    "Mar",
    "Apr", "Jun", "Jul", "Aug",  "Sep",  "Sept", "Oct", "Nov", "Dec", "approx", "dept",
    "est", "U.S", "U.K", "a.m",  "p.m",  "Ph.D", "Mx"};

/* Whether the stop at byte dot ends an abbreviation: the word before it
 * (letters and inner stops back to a space or the start). */
static bool
abbreviation(const uint8_t *s, size_t dot)
{
    size_t b = dot;
    while (b > 0 && s[b - 1] != ' ' && s[b - 1] != '\t' && s[b - 1] != '\n' && s[b - 1] != '(' &&
           s[b - 1] != '"' && s[b - 1] != '\'')
        b--;
    size_t n = dot - b;
    if (n == 0)
        return false;
    if (n == 1 && s[b] >= 'A' && s[b] <= 'Z')
        return true;
    for (size_t i = 0; i < sizeof abbrev_en / sizeof abbrev_en[0]; i++)
        if (strlen(abbrev_en[i]) == n && memcmp(abbrev_en[i], s + b, n) == 0)
            return true;
    return false;
}

size_t
speech_sentences(const char *text, size_t len, const char *lang, struct speech_span *out,
                 size_t max)
{
    (void)lang; /* one suppression list for now: English, harmless elsewhere */
    const uint8_t *s = (const uint8_t *)text;
    /* the characters that count, Extend and Format folded into the one
     * before them (SB5) */
    size_t cap = len + 1, n = 0;
    enum sb *cls = malloc(cap * sizeof *cls);
    uint32_t *off = malloc((cap + 1) * sizeof *off);
    if (!cls || !off) {
        free(cls);
        free(off);
        return 0;
    }
    for (size_t i = 0; i < len;) {
        ucs4_t c;
        int k = u8_mbtouc(&c, s + i, len - i);
        if (k <= 0)
            k = 1;
        enum sb t = sb_class(c);
        if ((t == SB_EXTEND || t == SB_FORMAT) && n > 0 && !para_sep(cls[n - 1])) {
            i += (size_t)k;
            continue;
        }
        if (t == SB_EXTEND || t == SB_FORMAT)
            t = SB_OTHER;
        cls[n] = t;
        off[n] = (uint32_t)i;
        n++;
        i += (size_t)k;
    }
    off[n] = (uint32_t)len;

    size_t count = 0;
    uint32_t start = 0;
    for (size_t i = 1; i <= n; i++) {
        bool brk;
        if (i == n) {
            brk = true; /* SB2 */
        } else if (cls[i - 1] == SB_CR && cls[i] == SB_LF) {
            brk = false; /* SB3 */
        } else if (para_sep(cls[i - 1])) {
            brk = true; /* SB4 */
        } else if (cls[i - 1] == SB_ATERM && cls[i] == SB_NUMERIC) {
            brk = false; /* SB6 */
        } else if (i >= 2 && (cls[i - 2] == SB_UPPER || cls[i - 2] == SB_LOWER) &&
                   cls[i - 1] == SB_ATERM && cls[i] == SB_UPPER) {
            brk = false; /* SB7 */
        } else {
            /* SATerm Close* Sp* before i? */
            size_t j = i;
            bool sp = false, close = false;
            while (j > 0 && cls[j - 1] == SB_SP) {
                j--;
                sp = true;
            }
            while (j > 0 && cls[j - 1] == SB_CLOSE) {
                j--;
                close = true;
            }
            if (j == 0 || !saterm(cls[j - 1])) {
                brk = false; /* SB998 */
            } else {
                brk = true; /* SB11 */
                if (cls[j - 1] == SB_ATERM) {
                    size_t m = i; /* SB8 */
                    while (m < n && cls[m] != SB_OLETTER && cls[m] != SB_UPPER &&
                           cls[m] != SB_LOWER && !para_sep(cls[m]) && !saterm(cls[m]))
                        m++;
                    if (m < n && cls[m] == SB_LOWER)
                        brk = false;
                }
                if (cls[i] == SB_SCONTINUE || saterm(cls[i]))
                    brk = false; /* SB8a */
                /* tailoring for reading aloud: a quotation ending in ? or !
                 * and going on in lower case is one sentence
                 * ("“Is it?” she asked."), as SB8 has it for a full stop */
                if (cls[j - 1] == SB_STERM && close && sp && cls[i] == SB_LOWER)
                    brk = false;
                if (!sp && (cls[i] == SB_CLOSE || cls[i] == SB_SP || para_sep(cls[i])))
                    brk = false; /* SB9 */
                if (cls[i] == SB_SP || para_sep(cls[i]))
                    brk = false; /* SB10 */
                /* an abbreviation's stop, then spaces and more text */
                if (brk && cls[j - 1] == SB_ATERM && sp && !close && abbreviation(s, off[j - 1]))
                    brk = false;
            }
        }
        if (!brk)
            continue;
        /* the sentence [start, off[i]) less the spaces around it */
        uint32_t a = start, b = off[i];
        start = off[i];
        while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r'))
            a++;
        while (b > a) {
            /* trailing white space, ASCII or not: back to the lead byte */
            size_t back = 1;
            while (back < 4 && b - back > a && (s[b - back] & 0xC0) == 0x80)
                back++;
            ucs4_t c;
            u8_mbtouc(&c, s + b - back, back);
            if (!uc_is_property_white_space(c))
                break;
            b -= (uint32_t)back;
        }
        if (a == b)
            continue;
        if (count < max)
            out[count] = (struct speech_span){a, b};
        count++;
    }
    free(cls);
    free(off);
    return count;
}
