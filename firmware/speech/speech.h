/* Read-aloud: an article's text as sentences (UAX #29 sentence rules over
 * libunistring's character properties: Debian 12's libunibreak 1.1 and
 * libunistring 1.0 have no sentence breaking) and spoken with espeak-ng.
 * The pure part (speech_sentences, speech_plan_*) may be called from any
 * thread. A struct speech owns one worker thread, the only thread that
 * touches espeak-ng (its state is global and not thread-safe); the worker
 * synthesises sentence by sentence into a bounded ring of 16-bit mono PCM
 * that the audio side drains with speech_read. No SDL here: the app opens the
 * audio device and calls speech_read from its audio callback. */
#ifndef NK_SPEECH_H
#define NK_SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edition.h"
#include "err.h"

/* ---- sentences ---- */

/* One sentence: bytes [start, end) of the text it was found in, without the
 * spaces around it. */
struct speech_span {
    uint32_t start, end;
};

/* Splits text (UTF-8, len bytes; invalid bytes count as letters) into
 * sentences by the sentence rules of UAX #29 (SB1-SB11), then joins back
 * sentences that were split after an abbreviation the language keeps a
 * full stop on ("Dr.", "e.g.", a single capital initial; a short list for
 * English, applied to any Latin-script text). lang is BCP 47 ("en"); NULL
 * means English. Writes at most max spans to out and returns how many there
 * are (more than max: call again with a larger out). Text that is all spaces
 * has none. */
size_t speech_sentences(const char *text, size_t len, const char *lang, struct speech_span *out,
                        size_t max);

/* ---- what an article reads as ---- */

/* One utterance: a sentence of a block, or a whole figure read as
 * "Photo: caption. Credit.". */
struct speech_item {
    int32_t block;       /* index into the article's blocks */
    uint32_t start, end; /* the sentence's bytes in the block's text (its spans
                          * concatenated, as layout_line.start/end count); a
                          * figure: 0, 0 (its caption and credit lines) */
    bool figure;
    const char *text; /* what is spoken, NUL-terminated, owned by the plan */
};

/* The utterances of one article in reading order. Caller-owned storage:
 * speech_plan_init, then speech_plan_article, then speech_plan_fini. */
struct speech_plan {
    struct speech_item *items;
    size_t count;
    char *lang; /* the article's language (BCP 47), owned */
    void *mem;  /* internal */
};
void speech_plan_init(struct speech_plan *p);
void speech_plan_fini(struct speech_plan *p);

/* Every block of article a (its body must be loaded) in order: paragraphs,
 * subheads, quotes and list items sentence by sentence, a figure as one item
 * read as "<photo_word>: caption. credit." (photo_word NULL: "Photo"; an
 * empty caption or credit is left out, a figure with neither is skipped).
 * Replaces what p held. False only when out of memory or the body is not
 * loaded, with the reason in e. */
bool speech_plan_article(struct speech_plan *p, const struct edition_article *a,
                         const char *photo_word, struct err *e);

/* ---- the synthesiser ---- */

#define SPEECH_RATE_DEFAULT 175 /* words a minute, espeak-ng's default */
#define SPEECH_RATE_MIN 80
#define SPEECH_RATE_MAX 450
#define SPEECH_VOLUME_DEFAULT 100 /* espeak-ng's scale: 0 silent .. 200 */
#define SPEECH_VOLUME_MAX 200

struct speech_config {
    const char *data_dir; /* espeak-ng-data's parent folder; NULL: the library's own
                           * (Debian: /usr/lib/<triplet>/espeak-ng-data), or
                           * ESPEAK_DATA_PATH when set */
    int rate;             /* words a minute, SPEECH_RATE_MIN .. MAX; 0: default */
    int volume;           /* 0 .. SPEECH_VOLUME_MAX; < 0: default */
};

/* Called from the worker or from the thread calling speech_read when the
 * sentence being heard changes, reading ends, or a message arrives: wake the
 * main thread (write an eventfd, push an event); do no more there. */
typedef void (*speech_notify_fn)(void *user);

enum speech_state {
    SPEECH_IDLE,    /* nothing started, or stopped */
    SPEECH_PLAYING, /* started; item is the sentence being heard (-1 until the first sample) */
    SPEECH_PAUSED,
    SPEECH_DONE, /* the plan was read to its end */
};

struct speech_status {
    enum speech_state state;
    int32_t item;        /* index into the plan given to speech_start; -1 for none */
    uint32_t generation; /* counts speech_start calls: an old one's news is told apart */
    uint64_t samples;    /* samples handed out by speech_read since the start (not silence) */
    char message[160];   /* the last operator message ("no espeak-ng voice for ...") or "" */
};

/* Starts the worker and initialises espeak-ng on it (waits for that: a few
 * milliseconds); NULL with the reason in e when espeak-ng's data cannot be
 * loaded (which folder was tried) or the thread cannot start. notify may be
 * NULL. The config is copied. espeak-ng's state is the process's, so one
 * struct speech exists at a time: a second create fails ("already in use"). */
struct speech *speech_create(const struct speech_config *cfg, speech_notify_fn notify, void *user,
                             struct err *e);
/* Stops the worker and frees everything. NULL is fine. */
void speech_destroy(struct speech *s);

/* Output samples a second (espeak-ng's: 22050), 16-bit signed mono. */
int speech_sample_rate(const struct speech *s);

/* Reads plan's items from first on in the voice for plan->lang (the
 * language, then its primary subtag, then English with a message in
 * speech_status when espeak-ng has no voice for it). The texts are copied:
 * the plan may go at once. Stops what was playing. False only when out of
 * memory. */
bool speech_start(struct speech *s, const struct speech_plan *plan, size_t first, struct err *e);
/* Pauses (true) or resumes (false) the heard output; the worker goes on
 * filling the ring until it is full. */
void speech_pause(struct speech *s, bool paused);
/* Stops reading at once and drops what was synthesised; state IDLE. */
void speech_stop(struct speech *s);
void speech_get_status(struct speech *s, struct speech_status *out);
/* Empties speech_status.message once it has been shown. */
void speech_clear_message(struct speech *s);

/* The audio side: fills out with n samples of what is being read, silence
 * where there is nothing (paused, not yet synthesised, idle). Never blocks on
 * synthesis: only on a short lock. Any one thread (an audio callback). */
void speech_read(struct speech *s, int16_t *out, size_t n);

/* Samples synthesised and waiting in the ring (for tests and benchmarks). */
size_t speech_buffered(struct speech *s);

#endif
