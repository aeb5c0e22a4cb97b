/* The espeak-ng worker and the PCM ring (speech.h). espeak-ng keeps its
 * state in globals: only worker_main and what it calls touch it. */
#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <espeak-ng/espeak_ng.h>

#include "speech.h"

#define RING_SECONDS 6    /* synthesised ahead at most: bounds memory, not latency */
#define MARK_MAX 256      /* sentence starts waiting in the ring */
#define SYNTH_CHUNK_MS 40 /* espeak-ng hands samples over this often */
#define MARK_END (-2)

/* espeak-ng's state is the process's: one struct speech at a time.
 * espeak-ng 1.51 (Debian 12) deadlocks in espeak_ng_Terminate after
 * synchronous synthesis (its event thread waits on a condition nobody
 * signals), so it is initialised once and left so for the process's life; a
 * later struct speech reuses it (its data folder then is the first one's).
 * Both are touched only by the worker of the one struct speech. */
static atomic_flag espeak_taken = ATOMIC_FLAG_INIT;
static bool espeak_ready;
static int espeak_rate_hz;

/* espeak-ng is opened with dlopen at the first struct speech, not linked:
 * through libpcaudio it brings ~30 libraries (PulseAudio, ALSA, libsndfile
 * and its codecs, D-Bus, libgcrypt) that every start of the kiosk would map
 * and relocate, ~2 MB resident and ~25% of the libraries loaded, for a
 * feature most kiosks never use. Worker thread only, like the rest. */
#define ESPEAK_LIBRARY "libespeak-ng.so.1"
static struct {
    void (*InitializePath)(const char *);
    espeak_ng_STATUS (*Initialize)(espeak_ng_ERROR_CONTEXT *);
    espeak_ng_STATUS (*InitializeOutput)(espeak_ng_OUTPUT_MODE, int, const char *);
    int (*GetSampleRate)(void);
    void (*GetStatusCodeMessage)(espeak_ng_STATUS, char *, size_t);
    void (*ClearErrorContext)(espeak_ng_ERROR_CONTEXT *);
    espeak_ng_STATUS (*SetVoiceByProperties)(espeak_VOICE *);
    espeak_ng_STATUS (*SetParameter)(espeak_PARAMETER, int, int);
    espeak_ng_STATUS (*Synthesize)(const void *, size_t, unsigned int, espeak_POSITION_TYPE,
                                   unsigned int, unsigned int, unsigned int *, void *);
    void (*SetSynthCallback)(t_espeak_callback *);
} es;

/* Opens the library and finds its functions; false with the reason in why. */
static bool
espeak_load(char *why, size_t size)
{
    void *h = dlopen(ESPEAK_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why, size, "cannot load %s (install libespeak-ng1): %s", ESPEAK_LIBRARY,
                 dlerror());
        return false;
    }
    static const char *const names[] = {
        "espeak_ng_InitializePath",       "espeak_ng_Initialize",
        "espeak_ng_InitializeOutput",     "espeak_ng_GetSampleRate",
        "espeak_ng_GetStatusCodeMessage", "espeak_ng_ClearErrorContext",
        "espeak_ng_SetVoiceByProperties", "espeak_ng_SetParameter",
        "espeak_ng_Synthesize",           "espeak_SetSynthCallback"};
    void *fn[sizeof names / sizeof *names];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!(fn[i] = dlsym(h, names[i]))) {
            snprintf(why, size, "%s has no %s (espeak-ng older than 1.49?)", ESPEAK_LIBRARY,
                     names[i]);
            dlclose(h);
            return false;
        }
    }
    /* POSIX: a function pointer converts from dlsym's void * */
    memcpy(&es.InitializePath, &fn[0], sizeof fn[0]);
    memcpy(&es.Initialize, &fn[1], sizeof fn[1]);
    memcpy(&es.InitializeOutput, &fn[2], sizeof fn[2]);
    memcpy(&es.GetSampleRate, &fn[3], sizeof fn[3]);
    memcpy(&es.GetStatusCodeMessage, &fn[4], sizeof fn[4]);
    memcpy(&es.ClearErrorContext, &fn[5], sizeof fn[5]);
    memcpy(&es.SetVoiceByProperties, &fn[6], sizeof fn[6]);
    memcpy(&es.SetParameter, &fn[7], sizeof fn[7]);
    memcpy(&es.Synthesize, &fn[8], sizeof fn[8]);
    memcpy(&es.SetSynthCallback, &fn[9], sizeof fn[9]);
    return true; /* kept open for the process's life, as espeak-ng's state is */
}

struct mark {
    uint64_t pos; /* absolute sample position where the item starts */
    int32_t item; /* or MARK_END: the plan's end */
};

struct speech {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* the worker: a job, space in the ring, quit; create: init done */
    speech_notify_fn notify;
    void *user;
    struct speech_config cfg;
    int rate_hz;
    bool init_done, init_ok;
    struct err init_err;
    bool quit;

    /* the job (under mu) */
    uint32_t gen;
    bool job_pending;
    char **texts;
    size_t count, first;
    char lang[40];

    /* the worker's own (worker thread only) */
    uint32_t w_gen;
    int32_t w_item;
    bool w_marked;

    /* the ring (under mu) */
    int16_t *ring;
    size_t cap;
    uint64_t wpos, rpos;
    struct mark marks[MARK_MAX];
    size_t mhead, mcount;

    /* what is heard (under mu) */
    enum speech_state state;
    int32_t item;
    uint64_t samples;
    char message[160];
};

static void
free_texts(char **texts, size_t count)
{
    if (!texts)
        return;
    for (size_t i = 0; i < count; i++)
        free(texts[i]);
    free(texts);
}

/* Under mu: a fresh, empty ring. */
static void
ring_reset(struct speech *s)
{
    s->wpos = s->rpos = 0;
    s->mhead = s->mcount = 0;
}

/* Under mu, worker: appends a mark, waiting for room; false when the job
 * changed meanwhile. */
static bool
push_mark(struct speech *s, int32_t item)
{
    while (s->mcount == MARK_MAX && s->gen == s->w_gen && !s->quit)
        pthread_cond_wait(&s->cv, &s->mu);
    if (s->gen != s->w_gen || s->quit)
        return false;
    s->marks[(s->mhead + s->mcount) % MARK_MAX] = (struct mark){s->wpos, item};
    s->mcount++;
    return true;
}

static int
synth_cb(short *wav, int n, espeak_EVENT *ev)
{
    struct speech *s = ev ? ev->user_data : NULL;
    if (!s)
        return 0;
    pthread_mutex_lock(&s->mu);
    int abort = 0;
    if (s->gen != s->w_gen || s->quit) {
        abort = 1;
    } else if (wav && n > 0) {
        if (!s->w_marked) {
            s->w_marked = true;
            if (!push_mark(s, s->w_item))
                abort = 1;
        }
        size_t left = (size_t)n;
        const int16_t *src = wav;
        while (!abort && left) {
            size_t room = s->cap - (size_t)(s->wpos - s->rpos);
            if (room == 0) {
                pthread_cond_wait(&s->cv, &s->mu);
                if (s->gen != s->w_gen || s->quit)
                    abort = 1;
                continue;
            }
            size_t k = left < room ? left : room;
            for (size_t i = 0; i < k; i++)
                s->ring[(s->wpos + i) % s->cap] = src[i];
            s->wpos += k;
            src += k;
            left -= k;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return abort;
}

/* Worker: the voice for lang, else its primary subtag, else English; a
 * message for the operator when it had to fall back. */
static void
set_voice(struct speech *s, const char *lang)
{
    char want[40], primary[40];
    snprintf(want, sizeof want, "%s", lang && *lang ? lang : "en");
    for (char *p = want; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    snprintf(primary, sizeof primary, "%s", want);
    primary[strcspn(primary, "-_")] = '\0';
    const char *tries[] = {want, primary, "en"};
    for (int i = 0; i < 3; i++) {
        espeak_VOICE sel = {.languages = tries[i]};
        if (es.SetVoiceByProperties(&sel) == ENS_OK) {
            if (i == 2 && strcmp(primary, "en") != 0) {
                pthread_mutex_lock(&s->mu);
                if (s->gen == s->w_gen)
                    snprintf(s->message, sizeof s->message,
                             "read-aloud: espeak-ng has no voice for language '%s'; reading in "
                             "English (install its voice data in espeak-ng-data)",
                             want);
                pthread_mutex_unlock(&s->mu);
                if (s->notify)
                    s->notify(s->user);
            }
            break;
        }
    }
    es.SetParameter(espeakRATE, s->cfg.rate ? s->cfg.rate : SPEECH_RATE_DEFAULT, 0);
    es.SetParameter(espeakVOLUME, s->cfg.volume >= 0 ? s->cfg.volume : SPEECH_VOLUME_DEFAULT, 0);
}

static void *
worker_main(void *arg)
{
    struct speech *s = arg;
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    espeak_ng_STATUS st = ENS_OK;
    char why[256] = "";
    bool loaded = espeak_ready || espeak_load(why, sizeof why);
    if (loaded && !espeak_ready) {
        es.InitializePath(s->cfg.data_dir);
        st = es.Initialize(&ctx);
        if (st == ENS_OK)
            st = es.InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, SYNTH_CHUNK_MS, NULL);
        if (st == ENS_OK) {
            espeak_ready = true;
            espeak_rate_hz = es.GetSampleRate();
        }
    }
    pthread_mutex_lock(&s->mu);
    if (!loaded) {
        err_set(&s->init_err, ERR_IO, "read-aloud: %s", why);
        s->init_done = true;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return NULL;
    }
    if (st != ENS_OK) {
        es.GetStatusCodeMessage(st, why, sizeof why);
        const char *dir = s->cfg.data_dir ? s->cfg.data_dir : getenv("ESPEAK_DATA_PATH");
        err_set(&s->init_err, ERR_IO,
                "read-aloud: espeak-ng cannot load its data from %s%s: %s (install "
                "espeak-ng-data, or set speech_data in the config file)",
                dir ? dir : "its built-in folder", dir ? "/espeak-ng-data" : "", why);
        es.ClearErrorContext(&ctx);
        s->init_done = true;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return NULL;
    }
    es.SetSynthCallback(synth_cb);
    s->rate_hz = espeak_rate_hz;
    s->cap = (size_t)s->rate_hz * RING_SECONDS;
    s->ring = malloc(s->cap * sizeof *s->ring);
    s->init_ok = s->ring != NULL;
    if (!s->ring)
        err_set(&s->init_err, ERR_NOMEM, "read-aloud: out of memory for the audio ring");
    s->init_done = true;
    pthread_cond_broadcast(&s->cv);
    char last_lang[40] = "";
    while (s->init_ok) {
        while (!s->quit && !s->job_pending)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->quit)
            break;
        char **texts = s->texts;
        size_t count = s->count, first = s->first;
        char lang[40];
        memcpy(lang, s->lang, sizeof lang);
        s->texts = NULL;
        s->count = 0;
        s->job_pending = false;
        s->w_gen = s->gen;
        pthread_mutex_unlock(&s->mu);

        if (strcmp(lang, last_lang) != 0 || !*last_lang) {
            set_voice(s, lang);
            memcpy(last_lang, lang, sizeof last_lang);
        }
        bool cancelled = false;
        for (size_t i = first; i < count && !cancelled; i++) {
            s->w_item = (int32_t)i;
            s->w_marked = false;
            size_t n = strlen(texts[i]) + 1;
            es.Synthesize(texts[i], n, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, s);
            pthread_mutex_lock(&s->mu);
            cancelled = s->gen != s->w_gen || s->quit;
            pthread_mutex_unlock(&s->mu);
        }
        free_texts(texts, count);
        pthread_mutex_lock(&s->mu);
        if (!cancelled)
            push_mark(s, MARK_END);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

struct speech *
speech_create(const struct speech_config *cfg, speech_notify_fn notify, void *user, struct err *e)
{
    if (atomic_flag_test_and_set(&espeak_taken)) {
        err_set(e, ERR_USAGE, "read-aloud: espeak-ng is already in use in this process");
        return NULL;
    }
    struct speech *s = calloc(1, sizeof *s);
    if (!s) {
        atomic_flag_clear(&espeak_taken);
        err_set(e, ERR_NOMEM, "read-aloud: out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    s->notify = notify;
    s->user = user;
    s->item = -1;
    s->state = SPEECH_IDLE;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->thread, NULL, worker_main, s) != 0) {
        err_set(e, ERR_IO, "read-aloud: cannot start its thread");
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        free(s);
        atomic_flag_clear(&espeak_taken);
        return NULL;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->init_done)
        pthread_cond_wait(&s->cv, &s->mu);
    bool ok = s->init_ok;
    pthread_mutex_unlock(&s->mu);
    if (!ok) {
        if (e)
            *e = s->init_err;
        speech_destroy(s);
        return NULL;
    }
    return s;
}

void
speech_destroy(struct speech *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->quit = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    free_texts(s->texts, s->count);
    free(s->ring);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
    atomic_flag_clear(&espeak_taken);
}

int
speech_sample_rate(const struct speech *s)
{
    return s->rate_hz;
}

bool
speech_start(struct speech *s, const struct speech_plan *plan, size_t first, struct err *e)
{
    char **texts = calloc(plan->count ? plan->count : 1, sizeof *texts);
    bool ok = texts != NULL;
    for (size_t i = 0; ok && i < plan->count; i++)
        ok = (texts[i] = strdup(plan->items[i].text)) != NULL;
    if (!ok) {
        free_texts(texts, plan->count);
        return err_set(e, ERR_NOMEM, "read-aloud: out of memory");
    }
    pthread_mutex_lock(&s->mu);
    s->gen++;
    free_texts(s->texts, s->count);
    s->texts = texts;
    s->count = plan->count;
    s->first = first;
    snprintf(s->lang, sizeof s->lang, "%s", plan->lang ? plan->lang : "en");
    s->job_pending = true;
    ring_reset(s);
    s->state = SPEECH_PLAYING;
    s->item = -1;
    s->samples = 0;
    s->message[0] = '\0';
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return true;
}

void
speech_pause(struct speech *s, bool paused)
{
    pthread_mutex_lock(&s->mu);
    if (s->state == SPEECH_PLAYING || s->state == SPEECH_PAUSED)
        s->state = paused ? SPEECH_PAUSED : SPEECH_PLAYING;
    pthread_mutex_unlock(&s->mu);
}

void
speech_stop(struct speech *s)
{
    pthread_mutex_lock(&s->mu);
    s->gen++;
    free_texts(s->texts, s->count);
    s->texts = NULL;
    s->count = 0;
    s->job_pending = false;
    ring_reset(s);
    s->state = SPEECH_IDLE;
    s->item = -1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void
speech_get_status(struct speech *s, struct speech_status *out)
{
    pthread_mutex_lock(&s->mu);
    out->state = s->state;
    out->item = s->item;
    out->generation = s->gen;
    out->samples = s->samples;
    memcpy(out->message, s->message, sizeof out->message);
    pthread_mutex_unlock(&s->mu);
}

void
speech_clear_message(struct speech *s)
{
    pthread_mutex_lock(&s->mu);
    s->message[0] = '\0';
    pthread_mutex_unlock(&s->mu);
}

size_t
speech_buffered(struct speech *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = (size_t)(s->wpos - s->rpos);
    pthread_mutex_unlock(&s->mu);
    return n;
}

void
speech_read(struct speech *s, int16_t *out, size_t n)
{
    size_t i = 0;
    bool news = false;
    pthread_mutex_lock(&s->mu);
    while (i < n && s->state == SPEECH_PLAYING) {
        while (s->mcount && s->marks[s->mhead].pos <= s->rpos) {
            int32_t item = s->marks[s->mhead].item;
            s->mhead = (s->mhead + 1) % MARK_MAX;
            s->mcount--;
            if (item == MARK_END) {
                s->state = SPEECH_DONE;
                s->item = -1;
            } else {
                s->item = item;
            }
            news = true;
        }
        if (s->state != SPEECH_PLAYING)
            break;
        uint64_t limit = s->wpos - s->rpos;
        if (s->mcount && s->marks[s->mhead].pos - s->rpos < limit)
            limit = s->marks[s->mhead].pos - s->rpos;
        if (limit == 0)
            break; /* not synthesised yet: silence */
        size_t k = n - i < limit ? n - i : (size_t)limit;
        for (size_t j = 0; j < k; j++)
            out[i + j] = s->ring[(s->rpos + j) % s->cap];
        s->rpos += k;
        s->samples += k;
        i += k;
        pthread_cond_broadcast(&s->cv); /* room for the worker */
    }
    pthread_mutex_unlock(&s->mu);
    if (i < n)
        memset(out + i, 0, (n - i) * sizeof *out);
    if (news && s->notify)
        s->notify(s->user);
}
