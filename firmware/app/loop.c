/* The interactive kiosk: the window, the edition source (a --bundle, or the
 * installed edition with new bundles from the inboxes installed by a worker
 * thread), the page cache behind the ui, and the quiet event loop.
 *
 * Waking: on X11/Wayland SDL_WaitEventTimeout really blocks, so the loop
 * waits there with the next deadline, and a small watcher thread turns the
 * signalfd and the worker's eventfd into SDL user events. On the dummy and
 * KMSDRM drivers SDL polls every millisecond, so the loop blocks in poll()
 * itself on a timerfd (the next deadline), the eventfd, the signalfd and the
 * evdev input nodes, then pumps SDL. Our own evdev descriptors are drained
 * after each wake-up: every evdev client has its own queue, so this takes
 * nothing from SDL's descriptors and keeps poll() from spinning.
 *
 * Scripted input (--events) goes through the same path: SDL_PushEvent of
 * finger and key events. The ui's clock is then virtual: it starts at 1000
 * ms and moves only when a timer of the loop fires (a script wait, an
 * animation frame, the idle timeout), to exactly that deadline, while the
 * loop really sleeps that long; so a scripted run is deterministic. */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifdef NK_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "app_internal.h"
#include "bundle.h"
#include "edition.h"
#include "kiosk.h"
#include "l10n.h"
#include "layout.h"
#include "render.h"
#include "speech.h"
#include "text.h"
#include "ui.h"

#ifndef NK_HYPHEN_DIR
#define NK_HYPHEN_DIR "/usr/share/hyphen"
#endif

#define ARTICLE_CACHE 6    /* articles kept laid out (current, neighbours, attract) */
#define MAX_EVDEV 16       /* input device nodes watched on KMSDRM */
#define MAX_PENDING 16     /* synthetic events of one scripted gesture */
#define SCRIPT_STEP_MS 16  /* between the events of a scripted swipe */
#define SCRIPT_TAP_MS 60   /* a scripted tap's press to release */
#define TRIM_AFTER_MS 250  /* a sleep at least this long returns free heap pages */
#define SCRIPT_CLOCK0 1000 /* the virtual clock's start */
#define PROGRESS_BAR_PX 6
#define REFUSAL_SHOW_MS 20000    /* the status screen after a refused bundle */
#define INSTALL_RETRY_MS 60000   /* an install that failed on the state folder is tried again */
#define AUDIO_SAMPLES 512        /* a callback's worth: 23 ms at 22050 Hz */
#define WAIT_SENTENCE_MS 30000   /* a script's wait-sentence gives up after this */
#define WAIT_SENTENCE_POLL_MS 10 /* and looks this often */

enum wake_code { WAKE_WORKER = 1, WAKE_SIGNAL = 2, WAKE_INBOX = 3 };

struct cached_article {
    int32_t article; /* -1: free */
    bool ok;
    uint64_t used;
    struct layout_pages pages;
};

struct pending_event {
    uint64_t due; /* virtual ms */
    SDL_Event ev;
};

struct kiosk {
    const struct app_config *cfg;
    struct bundle_options bopt;
    int lw, lh; /* the logical screen the pages are laid out for */
    int pw, ph; /* the window */
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *rotated; /* logical-size target when --rotate is not 0 */
    struct app_wlshm *wl; /* Wayland with the software renderer: our wl_shm buffers */
    struct text *text;
    struct render *rd;
    struct layout *L;
    struct layout_config lc;
    struct l10n *l10n;               /* NULL: the chrome stays English */
    const struct l10n_locale *words; /* the chrome's, in the edition's language */

    long restarts; /* starts since the board booted less one; -1: not known (count_start) */

    /* the edition on screen */
    struct edition *ed;
    char *tmp_dir; /* --bundle archive unpacked here, removed at exit */
    bool expired;
    bool from_state; /* the installed edition (not --bundle) */
    struct bundle_status status;

    /* pages behind the ui, all at scale */
    float scale;
    struct layout_pages index;
    bool index_ok, index_tried;
    struct cached_article cache[ARTICLE_CACHE];
    uint64_t use_clock;
    struct layout_pages screen; /* splash, no-edition or status */
    bool screen_ok;
    int screen_key; /* what screen holds: screen kind * 1000 + percent */

    struct ui *ui;
    struct app_input input;
    bool redraw;
    bool trimmed; /* the heap's free pages returned since the last draw */

    /* waking up */
    bool use_poll;
    int tfd, efd, sfd;
    int ifd; /* inotify on the inbox folders, -1 if none */
    int evdev[MAX_EVDEV];
    int evdev_count;
    struct app_abs abs[MAX_EVDEV]; /* those of evdev[] that are absolute pointers */
    int abs_count;
    Uint32 wake_event;
    pthread_t watcher;
    bool watcher_running;
    atomic_bool stopping;

    /* the install worker */
    pthread_t worker;
    bool worker_running;
    atomic_bool worker_done;
    atomic_uint_fast64_t done_bytes, total_bytes;
    atomic_int last_percent;
    bool worker_ok;
    struct err worker_err;
    bool check_pending; /* the installed edition's full check is still to run */
    bool worker_check;  /* the worker runs that check, not an install */
    struct bundle_status check_status;
    char installing[PATH_MAX];
    /* the worker's own copy: it may outlive app_run's caller, whose struct
     * app_config (k->cfg) is gone once the process is exiting (close_kiosk) */
    char worker_state_dir[PATH_MAX];
    bool rescan;
    bool plugged;      /* SIGUSR1 (a stick's hand-over) since the inboxes were last found empty */
    bool dump_screen;  /* SIGUSR2: write what the screen shows (after the next frame) */
    uint64_t retry_ms; /* real_ms() of the next try after a failed install; 0: none */
    struct bundle_watch watch; /* settling of files arriving in the inboxes */

    /* scripted input */
    bool scripted;
    struct app_script script;
    size_t script_next;
    uint64_t vnow;
    uint64_t script_wait_until; /* 0: not waiting */
    struct pending_event pending[MAX_PENDING];
    size_t pending_count, pending_next;

    /* systemd */
    uint64_t watchdog_ms, watchdog_next;
    bool notified_ready;

    /* --latency-log: the input waiting for its frame (0: none) */
    FILE *latency;
    uint64_t input_ns;
    char input_kind[40]; /* "key Right", "pointer" */

    /* read-aloud: the engine, the audio device that drains it, and what is
     * being read (the plan of one article, the item heard) */
    struct speech *speech;    /* espeak-ng, from the first press on (open_engine) */
    SDL_AudioDeviceID audio;  /* open only while reading (0 otherwise) */
    SDL_AudioSpec audio_want; /* what the device is opened with (open_engine) */
    bool audio_ok;            /* audio = on and a device opened once (open_speech) */
    struct speech_plan plan;
    int32_t plan_article;   /* the article plan reads, -1 for none */
    uint32_t speech_starts; /* the ui's count of starts last acted on */
    enum ui_speech speech_ui;
    int32_t speech_item;          /* the item being heard (highlighted), -1 for none */
    uint32_t speech_heard;        /* sentences begun since the last start */
    uint32_t speech_gen;          /* the engine's generation of our last start */
    uint32_t wait_sentence;       /* a script's wait-sentence N, 0: none */
    uint64_t wait_sentence_until; /* real ms */

    bool first_frame;
    bool cache_pending; /* the installed edition shown has no index cache yet */
    bool quit;
    int exit_code;
};

static uint64_t
mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t
real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Something changed in an inbox folder: (re)start its settle period. */
static void
inbox_changed(struct kiosk *k)
{
    bundle_watch_changed(&k->watch, real_ms(),
                         bundle_watch_fingerprint(k->cfg->inbox, k->cfg->inbox_count));
}

/* The inboxes were quiet for the settle time: scan them. */
static void
inbox_settled(struct kiosk *k)
{
    uint64_t now = real_ms();
    if (k->retry_ms && now >= k->retry_ms) {
        k->retry_ms = 0;
        k->rescan = true;
    }
    if (now >= bundle_watch_deadline(&k->watch) &&
        bundle_watch_check(&k->watch, now,
                           bundle_watch_fingerprint(k->cfg->inbox, k->cfg->inbox_count)))
        k->rescan = true;
}

/* The ui's clock. */
static uint64_t
now_ms(const struct kiosk *k)
{
    return k->scripted ? k->vnow : real_ms();
}

/* ---- pages behind the ui ---- */

static void
forget_layouts(struct kiosk *k)
{
    if (k->rd)
        render_forget_pages(k->rd);
    layout_pages_fini(&k->index);
    layout_pages_init(&k->index);
    k->index_ok = k->index_tried = false;
    for (size_t i = 0; i < ARTICLE_CACHE; i++) {
        if (k->cache[i].article >= 0)
            layout_pages_fini(&k->cache[i].pages);
        k->cache[i].article = -1;
    }
}

static void
use_scale(struct kiosk *k, float scale)
{
    if (scale == k->scale)
        return;
    forget_layouts(k);
    k->scale = scale;
    k->lc.font_scale = scale;
}

static size_t
content_article_count(void *ctx)
{
    struct kiosk *k = ctx;
    return k->ed ? k->ed->article_count : 0;
}

static const struct layout_pages *
content_index(void *ctx, float scale)
{
    struct kiosk *k = ctx;
    if (!k->ed)
        return NULL;
    use_scale(k, scale);
    if (!k->index_tried) {
        k->index_tried = true;
        struct err e = {0};
        k->index_ok = layout_index(k->L, &k->lc, k->ed, k->expired, &k->index, &e);
        if (!k->index_ok)
            fprintf(stderr, "newskiosk: the index cannot be set: %s\n", e.msg);
    }
    return k->index_ok ? &k->index : NULL;
}

static const struct layout_pages *
content_article(void *ctx, size_t a, float scale)
{
    struct kiosk *k = ctx;
    if (!k->ed || a >= k->ed->article_count)
        return NULL;
    use_scale(k, scale);
    struct cached_article *slot = NULL;
    for (size_t i = 0; i < ARTICLE_CACHE; i++)
        if (k->cache[i].article == (int32_t)a) {
            k->cache[i].used = ++k->use_clock;
            return k->cache[i].ok ? &k->cache[i].pages : NULL;
        }
    for (size_t i = 0; i < ARTICLE_CACHE; i++)
        if (!slot || k->cache[i].article < 0 ||
            (slot->article >= 0 && k->cache[i].used < slot->used))
            slot = &k->cache[i];
    if (slot->article >= 0) {
        /* page textures are keyed by page address: forget the evicted
         * article's with its pages (not the page shown and its neighbours,
         * rendered ahead so that the next turn is a copy) */
        render_forget_pages_of(k->rd, &slot->pages);
        layout_pages_fini(&slot->pages);
        /* and its body: otherwise every article read stays parsed for
         * the kiosk's life (2 MB over the 100-article edition) */
        if (slot->article >= 0 && (size_t)slot->article < k->ed->article_count)
            edition_unload_body(k->ed, (size_t)slot->article);
    }
    layout_pages_init(&slot->pages);
    slot->article = (int32_t)a;
    slot->used = ++k->use_clock;
    struct err e = {0};
    slot->ok =
        edition_load_body(k->ed, a, &e) && layout_article(k->L, &k->lc, k->ed, a, &slot->pages, &e);
    if (!slot->ok)
        fprintf(stderr, "newskiosk: warning: %s (article not shown)\n", e.msg);
    if (slot->ok && slot->pages.count == 0)
        slot->ok = false;
    return slot->ok ? &slot->pages : NULL;
}

static int32_t
content_section(void *ctx, size_t a)
{
    struct kiosk *k = ctx;
    return k->ed ? layout_section_of(k->ed, a) : -1; /* the index's own numbering */
}

/* ---- the edition ---- */

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void
close_edition(struct kiosk *k)
{
    forget_layouts(k);
    k->words = l10n_english();
    k->lc.locale = NULL;
    edition_destroy(k->ed);
    k->ed = NULL;
}

/* Writes the index cache of the installed edition shown when it had none.
 * Main thread, with no install running (the worker may replace editions). */
static void
write_cache(struct kiosk *k)
{
    if (!k->cache_pending || !k->ed)
        return;
    k->cache_pending = false;
    struct err e = {0};
    if (!edition_cache_write(k->ed, &e))
        fprintf(stderr, "newskiosk: %s\n", e.msg);
}

/* Opens the edition folder dir (for the installed one, the resolved target
 * of current, so a later switch of current cannot change files under it).
 * An installed edition (installed: its files are checked against SHA256SUMS
 * after the first frame) opens from its index cache, and gets one written
 * when it has none (after the first frame at boot: write_cache), so that
 * the next boot reads two files instead of every article. */
static bool
open_edition_dir(struct kiosk *k, const char *dir, bool installed, struct err *e)
{
    bool cached = false;
    struct edition *ed =
        installed ? edition_open_dir_cached(dir, NULL, &cached, e) : edition_open_dir(dir, NULL, e);
    if (!ed)
        return false;
    close_edition(k);
    k->ed = ed;
    /* the chrome in the edition's language */
    k->words = l10n_locale(k->l10n, ed->language);
    k->lc.locale = k->words->translated ? &k->words->layout : NULL;
    k->screen_ok = false;
    k->cache_pending = installed && !cached;
    if (k->first_frame)
        write_cache(k);
    k->expired = edition_is_expired(ed, (int64_t)time(NULL));
    render_set_root(k->rd, ed->root ? ed->root : dir);
    return true;
}

/* Counts this start in $RUNTIME_DIRECTORY/starts (systemd's
 * RuntimeDirectory=, kept across the service's restarts and emptied at
 * boot): k->restarts is the number of times the kiosk was started again
 * since the board booted, for the status screen (a watchdog that keeps
 * firing shows there). Without the variable (a desktop) it stays -1. A file
 * that does not hold a number counts as 0; one that cannot be written is
 * said once on stderr and the count is still shown. */
static void
count_start(struct kiosk *k)
{
    k->restarts = -1;
    const char *dir = getenv("RUNTIME_DIRECTORY");
    if (!dir || !*dir || strchr(dir, ':')) /* one folder only */
        return;
    char path[PATH_MAX], tmp[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/starts", dir) >= (int)sizeof path ||
        snprintf(tmp, sizeof tmp, "%s/starts.tmp", dir) >= (int)sizeof tmp)
        return;
    long starts = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%ld", &starts) != 1 || starts < 0 || starts > 1000000000L)
            starts = 0;
        fclose(f);
    }
    starts++;
    k->restarts = starts - 1;
    f = fopen(tmp, "w");
    bool ok = f && fprintf(f, "%ld\n", starts) > 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0)
        fprintf(stderr, "newskiosk: warning: %s: cannot count this start: %s\n", path,
                strerror(errno));
}

/* --open PATH: the first frame is that article's first page. */
static bool
open_article_option(struct kiosk *k, struct err *e)
{
    char shown[256];
    err_escape(shown, sizeof shown, k->cfg->open_article, strlen(k->cfg->open_article));
    if (!k->ed)
        return err_set(e, ERR_USAGE, "--open %s: there is no edition to open it in", shown);
    for (size_t i = 0; i < k->ed->article_count; i++)
        if (strcmp(k->ed->articles[i].path, k->cfg->open_article) == 0) {
            if (!ui_open_article(k->ui, i, now_ms(k)))
                return err_set(e, ERR_USAGE, "--open %s: the article has no page to show", shown);
            return true;
        }
    return err_set(e, ERR_USAGE,
                   "--open %s: the edition has no such article (give its path in the bundle, "
                   "e.g. %s)",
                   shown, k->ed->article_count ? k->ed->articles[0].path : "articles/001.md");
}

static bool
open_bundle_option(struct kiosk *k, struct err *e)
{
    const char *path = k->cfg->bundle;
    struct stat st;
    if (stat(path, &st) != 0)
        return err_set(e, ERR_IO, "%s: cannot open the bundle: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return open_edition_dir(k, path, false, e);
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    size_t n = strlen(tmp) + 32;
    k->tmp_dir = malloc(n);
    if (!k->tmp_dir)
        return err_set(e, ERR_NOMEM, "out of memory");
    snprintf(k->tmp_dir, n, "%s/newskiosk-XXXXXX", tmp);
    if (!mkdtemp(k->tmp_dir)) {
        err_set(e, ERR_IO, "%s: cannot create a temporary folder: %s", k->tmp_dir, strerror(errno));
        free(k->tmp_dir);
        k->tmp_dir = NULL;
        return false;
    }
    struct bundle_options opt = k->bopt;
    opt.transient = true; /* removed when the kiosk exits */
    if (!bundle_unpack(path, k->tmp_dir, &opt, e))
        return false;
    return open_edition_dir(k, k->tmp_dir, false, e);
}

/* Opens state_dir/current if an edition is installed; false only on a
 * broken installed edition (e says why), true with no edition otherwise. */
static bool
open_installed(struct kiosk *k, struct err *e)
{
    if (!bundle_status_read(k->cfg->state_dir, &k->status, e))
        return false;
    if (!k->status.installed || !k->status.path[0])
        return true;
    return open_edition_dir(k, k->status.path, true, e);
}

/* ---- the install worker ---- */

static void
wake(struct kiosk *k)
{
    uint64_t one = 1;
    ssize_t n = write(k->efd, &one, sizeof one);
    (void)n; /* a full counter already means "wake up" */
}

static void
worker_progress(void *user, uint64_t done, uint64_t total)
{
    struct kiosk *k = user;
    atomic_store(&k->done_bytes, done);
    atomic_store(&k->total_bytes, total);
    int pct = total ? (int)(done * 100 / total) : 0;
    if (atomic_exchange(&k->last_percent, pct) != pct)
        wake(k);
}

static void *
worker_main(void *arg)
{
    struct kiosk *k = arg;
    struct bundle_options opt = k->bopt;
    const char *state_dir = k->worker_state_dir;
    opt.progress = worker_progress;
    opt.progress_user = k;
    if (k->worker_check)
        k->worker_ok = bundle_check_current(state_dir, &opt, &k->check_status, &k->worker_err);
    else
        k->worker_ok = bundle_install(k->installing, state_dir, &opt, NULL, &k->worker_err);
    atomic_store(&k->worker_done, true);
    wake(k);
    return NULL;
}

/* After the first frame: the full check of the installed edition (every
 * file against SHA256SUMS) in the worker, so that boot shows the edition
 * after the cheap checks only (bundle_recover_quick). A failed check falls
 * back to the previous edition; worker_news then switches the screen. */
static void
start_check(struct kiosk *k)
{
    k->check_pending = false;
    if (k->worker_running)
        return;
    atomic_store(&k->worker_done, false);
    err_clear(&k->worker_err);
    k->worker_check = true;
    if (pthread_create(&k->worker, NULL, worker_main, k) != 0) {
        fprintf(stderr, "newskiosk: cannot start the checking thread\n");
        k->worker_check = false;
        return;
    }
    k->worker_running = true;
}

/* Whoever just plugged in a stick sees why its bundle was refused: the
 * status screen (its "refused" line) for REFUSAL_SHOW_MS, then the page
 * they were on. Only after SIGUSR1, which the USB hand-over sends: a bundle
 * a sync engine drops in the inbox has no one waiting at the screen, and a
 * reader is not interrupted for it. With no edition the no-edition screen
 * says it already. */
static void
show_refusal(struct kiosk *k)
{
    if (k->ed && k->status.rejected && k->plugged)
        ui_show_status(k->ui, now_ms(k), REFUSAL_SHOW_MS);
}

/* A scan reads each new bundle's first entries and refuses (and remembers)
 * one that is broken or not signed by a trusted key there and then: say so
 * in the log and on the status screen, as a failed install does. */
static void
note_scan_rejection(struct kiosk *k)
{
    struct bundle_status st;
    struct err e = {0};
    if (!bundle_status_read(k->cfg->state_dir, &st, &e) || !st.rejected)
        return;
    if (!k->status.rejected || strcmp(st.rejected_name, k->status.rejected_name) != 0 ||
        strcmp(st.rejected_reason, k->status.rejected_reason) != 0) {
        fprintf(stderr, "newskiosk: bundle '%s' refused: %s\n", st.rejected_name,
                st.rejected_reason);
        k->status = st;
        k->screen_ok = false; /* the status screen laid out before says "none" */
        show_refusal(k);
        k->redraw = true;
    }
    k->status = st;
}

/* Looks in the inboxes and starts installing the newest new bundle. */
static void
scan_inboxes(struct kiosk *k)
{
    k->rescan = false;
    if (k->cfg->bundle || k->worker_running || k->cfg->inbox_count == 0)
        return;
    if (!k->check_pending)
        k->retry_ms = 0; /* this scan is the retry */
    if (k->check_pending) {
        /* The installed edition is checked first (then rescan). */
        k->rescan = true;
        return;
    }
    struct err e = {0};
    bool found = bundle_scan_inbox(k->cfg->inbox, k->cfg->inbox_count, k->cfg->state_dir, &k->bopt,
                                   k->installing, sizeof k->installing, &e);
    note_scan_rejection(k);
    if (!found) {
        if (e.code != ERR_OK)
            fprintf(stderr, "newskiosk: inbox: %s\n", e.msg);
        k->plugged = false;
        return;
    }
    atomic_store(&k->worker_done, false);
    atomic_store(&k->done_bytes, 0);
    atomic_store(&k->total_bytes, 0);
    atomic_store(&k->last_percent, 0);
    err_clear(&k->worker_err);
    if (pthread_create(&k->worker, NULL, worker_main, k) != 0) {
        fprintf(stderr, "newskiosk: cannot start the installer thread\n");
        return;
    }
    k->worker_running = true;
    fprintf(stderr, "newskiosk: installing %s\n", k->installing);
    ui_set_progress(k->ui, 0.0f);
}

/* The worker's news: progress, or the end of an install. */
static void
worker_news(struct kiosk *k)
{
    if (!k->worker_running)
        return;
    if (!atomic_load(&k->worker_done)) {
        uint64_t total = atomic_load(&k->total_bytes), done = atomic_load(&k->done_bytes);
        ui_set_progress(k->ui, total ? (float)((double)done / (double)total) : 0.0f);
        return;
    }
    pthread_join(k->worker, NULL);
    k->worker_running = false;
    if (k->worker_check) {
        k->worker_check = false;
        if (k->check_status.fell_back || !k->worker_ok) {
            struct err e = {0};
            if (!k->worker_ok)
                fprintf(stderr, "newskiosk: %s\n", k->worker_err.msg);
            close_edition(k);
            if (open_installed(k, &e) && k->ed) {
                fprintf(stderr, "newskiosk: %s\n", k->status.fallback_reason);
                ui_set_edition(k->ui, true, true, now_ms(k));
            } else {
                if (e.code != ERR_OK)
                    fprintf(stderr, "newskiosk: the installed edition cannot be opened: %s\n",
                            e.msg);
                ui_set_edition(k->ui, false, true, now_ms(k));
            }
        }
        k->redraw = true;
        k->rescan = true;
        return;
    }
    if (k->worker_ok) {
        struct err e = {0};
        if (open_installed(k, &e) && k->ed) {
            fprintf(stderr, "newskiosk: showing the new edition %s (%s)\n", k->status.title,
                    k->status.edition);
            ui_set_edition(k->ui, true, true, now_ms(k));
        } else {
            fprintf(stderr, "newskiosk: the new edition cannot be opened: %s\n", e.msg);
        }
    } else if (k->worker_err.code != ERR_STALE) {
        struct err e = {0};
        bundle_status_read(k->cfg->state_dir, &k->status, &e);
        k->screen_ok = false; /* the status screen shows k->status */
        if (k->worker_err.code == ERR_INVALID || k->worker_err.code == ERR_LIMIT ||
            k->worker_err.code == ERR_INTEGRITY) {
            fprintf(stderr, "newskiosk: %s\n", k->worker_err.msg);
            show_refusal(k); /* what bundle_install remembers as refused */
        } else {
            /* Not the bundle's fault (a full or read-only state folder, a
             * bundle gone): the same scan would pick it again at once, in
             * a loop. Tried again in a minute, or when an inbox changes or
             * a stick is plugged in. */
            fprintf(stderr, "newskiosk: %s (trying again in %d s)\n", k->worker_err.msg,
                    INSTALL_RETRY_MS / 1000);
            k->retry_ms = real_ms() + INSTALL_RETRY_MS;
            ui_set_progress(k->ui, -1.0f);
            k->redraw = true;
            return;
        }
    }
    ui_set_progress(k->ui, -1.0f);
    k->redraw = true;
    k->rescan = true; /* another bundle may be waiting */
}

/* Any change in an inbox folder (a file created, written, closed, renamed in
 * or out, removed) wakes the loop, which scans the inboxes once they have
 * been quiet for the settle time (bundle_watch): a sync engine's download or
 * a slow copy is never read half-received. Folders that do not exist yet (a
 * USB stick not mounted) rely on SIGUSR1 from the udev hand-over, which
 * scans at once: a stick's files are complete when it is mounted. */
static void
watch_inboxes(struct kiosk *k)
{
    bundle_watch_init(&k->watch, (uint32_t)k->cfg->inbox_settle_ms);
    if (k->cfg->bundle || k->cfg->inbox_count == 0)
        return;
    k->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (k->ifd < 0)
        return;
    size_t watched = 0;
    uint32_t mask =
        IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE;
    for (size_t i = 0; i < k->cfg->inbox_count; i++)
        if (inotify_add_watch(k->ifd, k->cfg->inbox[i], mask) >= 0)
            watched++;
    if (!watched) {
        close(k->ifd);
        k->ifd = -1;
    }
}

/* ---- screens drawn from layout_screen ---- */

#define SCREEN_LINES 10
#define SCREEN_LINE_MAX 700

/* Appends a formatted line (cut to SCREEN_LINE_MAX) to a message screen. */
static void __attribute__((format(printf, 3, 4)))
add_line(char (*buf)[SCREEN_LINE_MAX], size_t *n, const char *fmt, ...)
{
    if (*n == SCREEN_LINES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf[*n], SCREEN_LINE_MAX, fmt, ap);
    va_end(ap);
    (*n)++;
}

/* Appends pattern with its {fields} filled (l10n_format) to a message screen. */
static void
add_pattern(char (*buf)[SCREEN_LINE_MAX], size_t *n, const char *pattern, const char *const *names,
            const char *const *values, size_t count)
{
    if (*n == SCREEN_LINES)
        return;
    l10n_format(buf[*n], SCREEN_LINE_MAX, pattern, names, values, count);
    (*n)++;
}

static const struct layout_page *
screen_page(struct kiosk *k, const struct ui_state *st)
{
    int pct = st->progress >= 0 ? (int)(st->progress * 100) : -1;
    int key = (int)st->view.screen * 1000 + pct + 1;
    if (k->screen_ok && k->screen_key == key)
        return &k->screen.pages[0];
    layout_pages_fini(&k->screen);
    layout_pages_init(&k->screen);
    k->screen_key = key;
    char buf[SCREEN_LINES][SCREEN_LINE_MAX];
    const char *lines[SCREEN_LINES];
    size_t n = 0;
    const char *title;
    if (st->view.screen == UI_SCREEN_SPLASH) {
        title = "Loading the edition";
        add_line(buf, &n, "Checking and installing the new edition: %d%%", pct < 0 ? 0 : pct);
        add_line(buf, &n, "It will open here in a moment.");
    } else if (st->view.screen == UI_SCREEN_NO_EDITION) {
        title = "No edition installed";
        add_line(buf, &n,
                 "To load one, copy an edition bundle (a .tar.zst file) to the root of a USB "
                 "stick and plug it into the kiosk.");
        add_line(buf, &n, "The kiosk checks it, installs it and shows it here.");
        if (k->status.rejected) {
            add_line(buf, &n, "Last bundle refused: %s: %s", k->status.rejected_name,
                     k->status.rejected_reason);
        }
    } else {
        /* in the edition's language (the splash and no-edition screens have
         * none to go by); the build line is for whoever services the kiosk */
        const struct l10n_locale *w = k->ed ? k->words : l10n_english();
        title = w->msg[L10N_MSG_STATUS_TITLE];
        char num[2][64];
        if (k->ed) {
            l10n_number(w, (unsigned long long)(k->ed->sequence < 0 ? 0 : k->ed->sequence), num[0],
                        sizeof num[0]);
            static const char *const f[] = {"title", "date", "sequence"};
            const char *v[] = {k->ed->title, k->ed->edition, num[0]};
            add_pattern(buf, &n, w->msg[k->expired ? L10N_MSG_EDITION_EXPIRED : L10N_MSG_EDITION],
                        f, v, 3);
        } else {
            add_line(buf, &n, "%s", w->msg[L10N_MSG_NO_EDITION]);
        }
        static const char *const path_f[] = {"path"};
        static const char *const reject_f[] = {"name", "reason"};
        if (k->from_state) {
            const char *v[] = {k->status.path[0] ? k->status.path : k->cfg->state_dir};
            add_pattern(buf, &n, w->msg[L10N_MSG_INSTALLED_IN], path_f, v, 1);
            if (k->status.rejected) {
                const char *r[] = {k->status.rejected_name, k->status.rejected_reason};
                add_pattern(buf, &n, w->msg[L10N_MSG_REJECTED], reject_f, r, 2);
            } else {
                add_line(buf, &n, "%s", w->msg[L10N_MSG_REJECTED_NONE]);
            }
            if (k->status.fell_back) {
                const char *r[] = {k->status.fallback_reason};
                add_pattern(buf, &n, w->msg[L10N_MSG_ROLLED_BACK], reject_f + 1, r, 1);
            }
        } else {
            const char *v[] = {k->cfg->bundle};
            add_pattern(buf, &n, w->msg[L10N_MSG_SHOWN_FROM], path_f, v, 1);
        }
        if (k->worker_running) {
            static const char *const f[] = {"name", "percent"};
            l10n_number(w, (unsigned long long)(pct < 0 ? 0 : pct), num[1], sizeof num[1]);
            const char *v[] = {k->installing, num[1]};
            add_pattern(buf, &n, w->msg[L10N_MSG_INSTALLING], f, v, 2);
        }
        if (k->restarts >= 0) {
            static const char *const f[] = {"count"};
            l10n_number(w, (unsigned long long)k->restarts, num[1], sizeof num[1]);
            const char *v[] = {num[1]};
            add_pattern(buf, &n, w->msg[L10N_MSG_RESTARTS], f, v, 1);
        }
        add_line(buf, &n, "newskiosk %s, screen %dx%d, rotation %d, driver %s", NK_VERSION, k->lw,
                 k->lh, k->cfg->rotate, SDL_GetCurrentVideoDriver());
        add_line(buf, &n, "%s", w->msg[L10N_MSG_TAP_TO_RETURN]);
    }
    for (size_t i = 0; i < n; i++)
        lines[i] = buf[i];
    struct err e = {0};
    struct layout_config lc = k->lc;
    lc.font_scale = 1.0f;
    if (st->view.screen != UI_SCREEN_STATUS || !k->ed)
        lc.locale = NULL; /* the English lines above */
    k->screen_ok = layout_screen(k->L, &lc, title, lines, n, &k->screen, &e) && k->screen.count;
    if (!k->screen_ok) {
        fprintf(stderr, "newskiosk: cannot set the %s screen: %s\n",
                ui_screen_name(st->view.screen), e.msg);
        return NULL;
    }
    return &k->screen.pages[0];
}

/* ---- drawing ---- */

static const struct layout_page *
view_page(struct kiosk *k, const struct ui_view *v, float scale)
{
    const struct layout_pages *p = NULL;
    if (v->screen == UI_SCREEN_INDEX)
        p = content_index(k, scale);
    else if ((v->screen == UI_SCREEN_ARTICLE || v->screen == UI_SCREEN_ATTRACT) && v->article >= 0)
        p = content_article(k, (size_t)v->article, scale);
    return p && v->page < p->count ? &p->pages[v->page] : NULL;
}

static void
copy_page(struct kiosk *k, const struct layout_page *page, int dx)
{
    struct err e = {0};
    SDL_Texture *t = render_page_texture(k->rd, page, k->lw, k->lh, &e);
    if (t) {
        SDL_Rect dst = {dx, 0, k->lw, k->lh};
        SDL_RenderCopy(k->ren, t, NULL, &dst);
    } else {
        render_page(k->rd, page, dx, 0);
    }
}

/* The read-aloud item being heard, when it belongs to the page's article. */
static const struct speech_item *
speaking_item(const struct kiosk *k, const struct ui_view *v)
{
    if (!k->speech || k->speech_item < 0 || (size_t)k->speech_item >= k->plan.count ||
        v->screen != UI_SCREEN_ARTICLE || v->article != k->plan_article)
        return NULL;
    return &k->plan.items[k->speech_item];
}

/* Marks the lines of the sentence being read over the page's texture (the
 * cached page is not drawn again): a translucent band under each line. */
static void
draw_speaking(struct kiosk *k, const struct layout_page *page, const struct speech_item *it, int dx)
{
    if (!page || !it)
        return;
    SDL_SetRenderDrawBlendMode(k->ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(k->ren, 0xf2, 0xc0, 0x2a, 0x60);
    for (size_t i = 0; i < page->line_count; i++) {
        const struct layout_line *l = &page->lines[i];
        if (!app_line_speaking(l, it))
            continue;
        SDL_Rect r = {l->x + dx - 3, l->y, l->w + 6, l->h};
        SDL_RenderFillRect(k->ren, &r);
    }
    SDL_SetRenderDrawBlendMode(k->ren, SDL_BLENDMODE_NONE);
}

static void
set_theme_color(struct kiosk *k, unsigned slot)
{
    struct render_rgb c = render_theme_color(render_get_theme(k->rd), slot);
    SDL_SetRenderDrawColor(k->ren, c.r, c.g, c.b, 0xff);
}

static void
fill_bar(struct kiosk *k, int y, int h, float fraction)
{
    int w = (int)((float)k->lw * (fraction < 0 ? 0 : fraction > 1 ? 1 : fraction));
    SDL_Rect back = {0, y, k->lw, h}, done = {0, y, w, h};
    set_theme_color(k, RENDER_COLOR_TRACK);
    SDL_RenderFillRect(k->ren, &back);
    set_theme_color(k, RENDER_COLOR_PROGRESS);
    SDL_RenderFillRect(k->ren, &done);
}

/* Draws the screen the ui describes into the logical target; writes it to
 * shot (a PNG) when given; then shows it. */
static bool
draw(struct kiosk *k, const char *shot, struct err *e)
{
    struct ui_state st;
    ui_get_state(k->ui, &st);
    /* a new theme forgets the page textures: pages are drawn again in it,
     * the view (the reader's place) unchanged */
    render_set_theme(k->rd, (enum render_theme)st.theme);
    const struct layout_page *cur = NULL, *side = NULL;
    int side_dx = 0;
    bool message = st.view.screen == UI_SCREEN_SPLASH || st.view.screen == UI_SCREEN_NO_EDITION ||
                   st.view.screen == UI_SCREEN_STATUS;
    if (message) {
        cur = screen_page(k, &st);
    } else {
        cur = view_page(k, &st.view, st.font_scale);
        /* the neighbour the page uncovers: the next one on the side the
         * page moves away from (the right for a right-to-left page) */
        bool forward = st.rtl ? st.offset > 0 : st.offset < 0;
        int dx = st.offset < 0 ? st.offset + k->lw : st.offset - k->lw;
        if (st.offset != 0 && forward && st.has_next) {
            side = view_page(k, &st.next, st.font_scale);
            side_dx = dx;
        } else if (st.offset != 0 && !forward && st.has_prev) {
            side = view_page(k, &st.prev, st.font_scale);
            side_dx = dx;
        }
        /* the current page may have been evicted by the neighbour's layout */
        cur = view_page(k, &st.view, st.font_scale);
    }
    if (k->rotated)
        SDL_SetRenderTarget(k->ren, k->rotated);
    set_theme_color(k, LAYOUT_COLOR_PAPER);
    SDL_RenderClear(k->ren);
    if (cur && message)
        render_page(k->rd, cur, 0, 0);
    else if (cur)
        copy_page(k, cur, st.offset);
    if (cur && !message)
        draw_speaking(k, cur, speaking_item(k, &st.view), st.offset);
    if (side)
        copy_page(k, side, side_dx);
    /* the keypad focus, over the cached page (never drawn into it) */
    if (cur && !message && st.has_focus && st.offset == 0)
        render_focus_ring(k->rd, st.focus.x, st.focus.y, st.focus.w, st.focus.h);
    if (st.view.screen == UI_SCREEN_SPLASH)
        fill_bar(k, k->lh * 3 / 4, PROGRESS_BAR_PX * 2, st.progress);
    else if (st.progress >= 0 && !message)
        fill_bar(k, k->lh - PROGRESS_BAR_PX, PROGRESS_BAR_PX, st.progress);
    bool ok = true;
    if (shot)
        ok = render_save_png(k->ren, k->lw, k->lh, shot, e);
    if (k->rotated) {
        SDL_SetRenderTarget(k->ren, NULL);
        SDL_SetRenderDrawColor(k->ren, 0, 0, 0, 0xff);
        SDL_RenderClear(k->ren);
        SDL_Rect dst = {(k->pw - k->lw) / 2, (k->ph - k->lh) / 2, k->lw, k->lh};
        SDL_RenderCopyEx(k->ren, k->rotated, NULL, &dst, (double)k->cfg->rotate, NULL,
                         SDL_FLIP_NONE);
    }
    SDL_RenderPresent(k->ren);
    if (k->wl && !app_wlshm_present(k->wl, e))
        ok = false;
    if (k->input_ns) {
        fprintf(k->latency, "%s %.3f\n", k->input_kind, (double)(mono_ns() - k->input_ns) / 1e6);
        k->input_ns = 0;
    }
    ui_clear_dirty(k->ui);
    k->redraw = false;
    k->trimmed = false;

    /* render the neighbours ahead, so a turn is one texture copy */
    if (!message && !st.animating && st.offset == 0) {
        if (st.has_next && (side = view_page(k, &st.next, st.font_scale)))
            render_page_texture(k->rd, side, k->lw, k->lh, NULL);
        if (st.has_prev && (side = view_page(k, &st.prev, st.font_scale)))
            render_page_texture(k->rd, side, k->lw, k->lh, NULL);
    }
    return ok;
}

/* ---- read-aloud ---- */

static void
audio_cb(void *user, Uint8 *stream, int len)
{
    speech_read(user, (int16_t *)(void *)stream, (size_t)len / sizeof(int16_t));
}

/* From the speech worker or the audio thread: something to look at. */
static void
speech_notify(void *user)
{
    wake(user);
}

/* The audio device is open only while reading: SDL 2's audio thread runs
 * as long as a device is open, paused or not (writing silence, 43 wake-ups
 * a second at 512 samples), and an idle kiosk must stay asleep. A device
 * that will not open now stops the reading, with one line saying why. */
static void
audio_run(struct kiosk *k, bool on)
{
    if (!k->speech || on == (k->audio != 0))
        return;
    if (!on) {
        SDL_CloseAudioDevice(k->audio); /* waits for the callback to return */
        k->audio = 0;
        return;
    }
    SDL_AudioSpec have;
    k->audio = SDL_OpenAudioDevice(NULL, 0, &k->audio_want, &have, 0);
    if (!k->audio) {
        fprintf(stderr, "newskiosk: read-aloud stopped: cannot open the audio device: %s\n",
                SDL_GetError());
        speech_stop(k->speech);
        ui_speech_done(k->ui);
        return;
    }
    SDL_PauseAudioDevice(k->audio, 0);
}

/* Whether the kiosk has an audio device: opened once and closed (the device
 * is open only while reading, audio_run). Without one the speaker is not
 * shown and the kiosk runs on, with one line saying why. espeak-ng itself
 * opens at the first press (open_engine): its ~2 MB and its set-up stay out
 * of a kiosk nobody asks to read aloud. */
static void
open_speech(struct kiosk *k)
{
    if (!k->cfg->audio)
        return;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        fprintf(stderr, "newskiosk: read-aloud off: no audio (SDL audio driver %s): %s\n",
                getenv("SDL_AUDIODRIVER") ? getenv("SDL_AUDIODRIVER") : "auto", SDL_GetError());
        return;
    }
    /* espeak-ng's rate (22,050 Hz); open_engine sets the engine's own */
    SDL_AudioSpec want = {.freq = 22050,
                          .format = AUDIO_S16SYS,
                          .channels = 1,
                          .samples = AUDIO_SAMPLES,
                          .callback = audio_cb},
                  have;
    SDL_AudioDeviceID id = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!id) {
        fprintf(stderr, "newskiosk: read-aloud off: cannot open an audio device (%s): %s\n",
                SDL_GetCurrentAudioDriver() ? SDL_GetCurrentAudioDriver() : "none", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return;
    }
    SDL_CloseAudioDevice(id); /* opened paused: the callback never ran */
    k->audio_ok = true;
}

/* Read-aloud cannot be had after all: the speaker leaves the bar (pages
 * laid out again) and the speak key does nothing. */
static void
speech_unavailable(struct kiosk *k)
{
    k->audio_ok = false;
    k->lc.speaker = false;
    ui_set_speech(k->ui, false);
    forget_layouts(k);
    k->redraw = true;
}

/* espeak-ng, at the first press; false (and no speaker any more) when its
 * voices or thread cannot be had. */
static bool
open_engine(struct kiosk *k)
{
    if (k->speech)
        return true;
    struct err e = {0};
    struct speech_config sc = {.data_dir = k->cfg->speech_data,
                               .rate = k->cfg->speech_rate,
                               .volume = k->cfg->speech_volume};
    k->speech = speech_create(&sc, speech_notify, k, &e);
    if (!k->speech) {
        fprintf(stderr, "newskiosk: read-aloud off: %s\n", e.msg);
        speech_unavailable(k);
        return false;
    }
    k->audio_want = (SDL_AudioSpec){.freq = speech_sample_rate(k->speech),
                                    .format = AUDIO_S16SYS,
                                    .channels = 1,
                                    .samples = AUDIO_SAMPLES,
                                    .callback = audio_cb,
                                    .userdata = k->speech};
    return true;
}

/* After the first frame: is there an audio device? When audio = on and
 * there is none, the speaker leaves the bar. */
static void
open_speech_late(struct kiosk *k)
{
    open_speech(k);
    if (k->cfg->audio && !k->audio_ok)
        speech_unavailable(k);
}

static void
close_speech(struct kiosk *k)
{
    if (k->audio)
        SDL_CloseAudioDevice(k->audio); /* waits for the callback: speech outlives it */
    k->audio = 0;
    speech_destroy(k->speech);
    k->speech = NULL;
    speech_plan_fini(&k->plan);
}

/* Whether page pg shows some line of item it. */
static bool
page_shows(const struct layout_page *pg, const struct speech_item *it)
{
    for (size_t i = 0; i < pg->line_count; i++)
        if (app_line_speaking(&pg->lines[i], it))
            return true;
    return false;
}

/* The item to start from on page `page`: the first sentence that begins
 * there (shown on it and not on the page before), else the first shown. */
static size_t
first_item_on(const struct layout_pages *p, size_t page, const struct speech_plan *plan)
{
    size_t shown = plan->count;
    for (size_t i = 0; i < plan->count; i++) {
        if (!page_shows(&p->pages[page], &plan->items[i]))
            continue;
        if (shown == plan->count)
            shown = i;
        if (page == 0 || !page_shows(&p->pages[page - 1], &plan->items[i]))
            return i;
    }
    return shown == plan->count ? 0 : shown;
}

/* Puts the plan in the order the pages show it: by the first page holding
 * each item, block order within a page. A figure that the typesetter floated
 * past the text after it is then read on its own page, after the paragraph it
 * follows there, and reading never turns back. */
static void
order_by_page(const struct layout_pages *p, struct speech_plan *plan)
{
    size_t *page = malloc((plan->count ? plan->count : 1) * sizeof *page);
    if (!page)
        return; /* block order, then */
    for (size_t i = 0; i < plan->count; i++) {
        page[i] = p->count;
        for (size_t j = 0; j < p->count && page[i] == p->count; j++)
            if (page_shows(&p->pages[j], &plan->items[i]))
                page[i] = j;
    }
    for (size_t i = 1; i < plan->count; i++) { /* stable: insertion */
        struct speech_item it = plan->items[i];
        size_t pg = page[i], j = i;
        for (; j > 0 && page[j - 1] > pg; j--) {
            plan->items[j] = plan->items[j - 1];
            page[j] = page[j - 1];
        }
        plan->items[j] = it;
        page[j] = pg;
    }
    free(page);
}

static void
stop_reading(struct kiosk *k)
{
    speech_stop(k->speech);
    audio_run(k, false);
    if (k->speech_item >= 0)
        k->redraw = true;
    k->speech_item = -1;
}

static void
start_reading(struct kiosk *k, const struct ui_view *v, float scale)
{
    struct err e = {0};
    const struct layout_pages *p = content_article(k, (size_t)v->article, scale);
    bool ok =
        p && v->page < p->count &&
        speech_plan_article(
            &k->plan, &k->ed->articles[v->article],
            l10n_locale(k->l10n, k->ed->articles[v->article].language)->msg[L10N_MSG_PHOTO], &e);
    if (!ok || k->plan.count == 0) {
        if (!ok && e.msg[0])
            fprintf(stderr, "newskiosk: read-aloud: %s\n", e.msg);
        ui_speech_done(k->ui);
        return;
    }
    k->plan_article = v->article;
    order_by_page(p, &k->plan);
    size_t first = first_item_on(p, v->page, &k->plan);
    stop_reading(k);
    if (!speech_start(k->speech, &k->plan, first, &e)) {
        fprintf(stderr, "newskiosk: read-aloud: %s\n", e.msg);
        ui_speech_done(k->ui);
        return;
    }
    struct speech_status ss;
    speech_get_status(k->speech, &ss);
    k->speech_gen = ss.generation;
    k->speech_heard = 0;
    audio_run(k, true);
}

/* Brings the engine in line with what the reader asked for, and the screen
 * in line with what is being heard: the sentence marked, its page shown. */
static void
speech_sync(struct kiosk *k)
{
    if (!k->audio_ok)
        return;
    struct ui_state st;
    ui_get_state(k->ui, &st);
    bool started = false;
    if (st.speech == UI_SPEECH_PLAYING && st.speech_starts != k->speech_starts) {
        k->speech_starts = st.speech_starts;
        if (!open_engine(k))
            return; /* speech_unavailable turned the speaker off */
        start_reading(k, &st.view, st.font_scale);
        ui_get_state(k->ui, &st);
        started = true;
    }
    if (!k->speech) { /* never started: nothing to pause or follow */
        k->speech_starts = st.speech_starts;
        k->speech_ui = st.speech;
        return;
    }
    if (!started && st.speech != k->speech_ui) {
        if (st.speech == UI_SPEECH_OFF) {
            stop_reading(k);
        } else {
            speech_pause(k->speech, st.speech == UI_SPEECH_PAUSED);
            audio_run(k, st.speech == UI_SPEECH_PLAYING);
        }
    }
    k->speech_starts = st.speech_starts;
    k->speech_ui = st.speech;
    if (st.speech == UI_SPEECH_OFF)
        return;
    struct speech_status ss;
    speech_get_status(k->speech, &ss);
    if (ss.generation != k->speech_gen)
        return;
    if (ss.message[0]) {
        fprintf(stderr, "newskiosk: %s\n", ss.message);
        speech_clear_message(k->speech);
    }
    if (ss.item >= 0 && ss.item != k->speech_item) {
        k->speech_item = ss.item;
        k->speech_heard++;
        k->redraw = true;
        /* the page holding the sentence: from the one shown on, then from
         * the start (a reader may have turned back) */
        const struct layout_pages *p = content_article(k, (size_t)st.view.article, st.font_scale);
        const struct speech_item *it = &k->plan.items[ss.item];
        if (p && st.view.page < p->count && !page_shows(&p->pages[st.view.page], it)) {
            size_t n = p->count;
            for (size_t j = 0; j < n; j++) {
                size_t pg = (st.view.page + j) % n;
                if (page_shows(&p->pages[pg], it)) {
                    ui_speech_follow(k->ui, pg, now_ms(k));
                    break;
                }
            }
        } else {
            ui_speech_follow(k->ui, st.view.page, now_ms(k)); /* still in use */
        }
    }
    if (ss.state == SPEECH_DONE) {
        ui_speech_done(k->ui);
        k->speech_ui = UI_SPEECH_OFF;
        stop_reading(k);
    }
}

/* ---- events ---- */

static void handle_signal(struct kiosk *k, int sig);

static void
dispatch(struct kiosk *k, const SDL_Event *ev)
{
    if (ev->type == k->wake_event) {
        if (ev->user.code == WAKE_INBOX)
            inbox_changed(k);
        if (ev->user.code == WAKE_SIGNAL) {
            int sig = (int)(intptr_t)ev->user.data1;
            handle_signal(k, sig);
        }
        worker_news(k);
        return;
    }
    if (ev->type == SDL_WINDOWEVENT) {
        if (ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
            ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            k->redraw = true;
        return;
    }
    if (ev->type == SDL_RENDER_TARGETS_RESET || ev->type == SDL_RENDER_DEVICE_RESET) {
        render_forget_pages(k->rd);
        k->redraw = true;
        return;
    }
    /* an absolute pointer's events as SDL read them: replaced by ours */
    if ((ev->type == SDL_MOUSEMOTION &&
         app_abs_from_device(k->abs, k->abs_count, ev->motion.which)) ||
        ((ev->type == SDL_MOUSEBUTTONDOWN || ev->type == SDL_MOUSEBUTTONUP) &&
         app_abs_from_device(k->abs, k->abs_count, ev->button.which)))
        return;
    struct ui_input in;
    uint64_t t0 = k->latency && !k->input_ns ? mono_ns() : 0;
    if (app_input_translate(&k->input, ev, now_ms(k), &in)) {
        ui_handle(k->ui, &in);
        if (t0) {
            k->input_ns = t0;
            bool key = ev->type == SDL_KEYDOWN || ev->type == SDL_KEYUP;
            snprintf(k->input_kind, sizeof k->input_kind, "%s%s", key ? "key " : "pointer",
                     key ? SDL_GetKeyName(ev->key.keysym.sym) : "");
        }
    }
}

static void
handle_signal(struct kiosk *k, int sig)
{
    if (sig == SIGUSR1) {
        k->rescan = true;
        k->plugged = true;
    } else if (sig == SIGUSR2) {
        k->dump_screen = true;
        k->redraw = true;
    } else {
        k->quit = true;
    }
}

/* Reads everything fd has; true if there was something. */
static bool
drain(int fd)
{
    char buf[4096] __attribute__((aligned(8)));
    bool any = false;
    while (read(fd, buf, sizeof buf) > 0)
        any = true;
    return any;
}

/* Reads what woke poll(): signals, the worker, input nodes. */
static void
drain_fds(struct kiosk *k)
{
    uint64_t v;
    if (read(k->efd, &v, sizeof v) == (ssize_t)sizeof v)
        worker_news(k);
    struct signalfd_siginfo si;
    while (read(k->sfd, &si, sizeof si) == (ssize_t)sizeof si)
        handle_signal(k, (int)si.ssi_signo);
    for (int i = 0; i < k->abs_count; i++)
        app_abs_read(&k->abs[i], SDL_GetWindowID(k->win), k->pw, k->ph);
    char buf[1024];
    for (int i = 0; i < k->evdev_count; i++)
        while (read(k->evdev[i], buf, sizeof buf) > 0)
            ;
    while (read(k->tfd, &v, sizeof v) == (ssize_t)sizeof v)
        ;
    if (k->ifd >= 0 && drain(k->ifd))
        inbox_changed(k);
}

/* X11/Wayland: turns the signalfd, the eventfd and inotify into SDL user
 * events. */
static void *
watcher_main(void *arg)
{
    struct kiosk *k = arg;
    for (;;) {
        struct pollfd p[3] = {{k->sfd, POLLIN, 0}, {k->efd, POLLIN, 0}, {k->ifd, POLLIN, 0}};
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            return NULL;
        if (atomic_load(&k->stopping))
            return NULL;
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(k->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                SDL_Event ev = {.type = k->wake_event};
                ev.user.code = WAKE_SIGNAL;
                ev.user.data1 = (void *)(intptr_t)si.ssi_signo;
                SDL_PushEvent(&ev);
            }
        }
        if (p[1].revents & POLLIN) {
            uint64_t v;
            if (read(k->efd, &v, sizeof v) == (ssize_t)sizeof v) {
                SDL_Event ev = {.type = k->wake_event};
                ev.user.code = WAKE_WORKER;
                SDL_PushEvent(&ev);
            }
        }
        if ((p[2].revents & POLLIN) && drain(k->ifd)) {
            SDL_Event ev = {.type = k->wake_event};
            ev.user.code = WAKE_INBOX;
            SDL_PushEvent(&ev);
        }
    }
}

/* Writes what the screen shows as --dump-layout's page JSON to path (the
 * script's dump command, and SIGUSR2). */
static bool
dump_view(struct kiosk *k, const char *path, struct err *e)
{
    struct ui_state st;
    ui_get_state(k->ui, &st);
    const struct layout_page *page = view_page(k, &st.view, st.font_scale);
    if (!page && st.view.screen != UI_SCREEN_INDEX && st.view.screen != UI_SCREEN_ARTICLE &&
        st.view.screen != UI_SCREEN_ATTRACT)
        page = screen_page(k, &st); /* status, splash, no edition: as drawn */
    return app_dump_page(path, k->lw, k->lh, k->ed, page, speaking_item(k, &st.view), e);
}

/* SIGUSR2: the text on the screen, for an operator at a serial console or a
 * remote shell (and board-test), in $RUNTIME_DIRECTORY/screen.json (or
 * $XDG_RUNTIME_DIR/newskiosk-screen.json on a desktop): written under a
 * temporary name and renamed, so a reader never sees half of it. */
static void
dump_screen(struct kiosk *k)
{
    k->dump_screen = false;
    const char *dir = getenv("RUNTIME_DIRECTORY"), *name = "screen.json";
    if (!dir || !*dir || strchr(dir, ':')) {
        dir = getenv("XDG_RUNTIME_DIR");
        name = "newskiosk-screen.json";
    }
    if (!dir || !*dir) {
        fprintf(stderr, "newskiosk: SIGUSR2: no folder to write the screen's text in "
                        "(RUNTIME_DIRECTORY or XDG_RUNTIME_DIR is not set)\n");
        return;
    }
    char path[PATH_MAX], tmp[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
        snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        fprintf(stderr, "newskiosk: SIGUSR2: the folder name %s is too long\n", dir);
        return;
    }
    struct err e = {0};
    if (!dump_view(k, tmp, &e)) {
        fprintf(stderr, "newskiosk: SIGUSR2: %s\n", e.msg);
        unlink(tmp);
        return;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "newskiosk: SIGUSR2: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return;
    }
    fprintf(stderr, "newskiosk: the screen's text is in %s\n", path);
}

/* ---- scripted input ---- */

static void
to_window(const struct kiosk *k, int lx, int ly, float *nx, float *ny)
{
    int px = lx, py = ly;
    switch (k->cfg->rotate) {
    case 90:
        px = k->lh - 1 - ly;
        py = lx;
        break;
    case 180:
        px = k->lw - 1 - lx;
        py = k->lh - 1 - ly;
        break;
    case 270:
        px = ly;
        py = k->lw - 1 - lx;
        break;
    default:
        break;
    }
    *nx = ((float)px + 0.5f) / (float)k->pw;
    *ny = ((float)py + 0.5f) / (float)k->ph;
}

static void
queue_finger(struct kiosk *k, uint64_t due, Uint32 type, int lx, int ly)
{
    if (k->pending_count == MAX_PENDING)
        return;
    SDL_Event ev = {.type = type};
    ev.tfinger.touchId = APP_SCRIPT_TOUCH_ID;
    ev.tfinger.fingerId = 1;
    ev.tfinger.windowID = SDL_GetWindowID(k->win);
    ev.tfinger.pressure = 1.0f;
    to_window(k, lx, ly, &ev.tfinger.x, &ev.tfinger.y);
    k->pending[k->pending_count++] = (struct pending_event){.due = due, .ev = ev};
}

static void
queue_key(struct kiosk *k, uint64_t due, Uint32 type, SDL_Keycode key)
{
    if (k->pending_count == MAX_PENDING)
        return;
    SDL_Event ev = {.type = type};
    ev.key.windowID = SDL_GetWindowID(k->win);
    ev.key.state = type == SDL_KEYDOWN ? SDL_PRESSED : SDL_RELEASED;
    ev.key.keysym.sym = key;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    k->pending[k->pending_count++] = (struct pending_event){.due = due, .ev = ev};
}

/* Checks what only SDL can: key names, and taps inside the screen. */
static bool
script_check(struct kiosk *k, struct err *e)
{
    char shown[256];
    err_escape(shown, sizeof shown, k->cfg->events, strlen(k->cfg->events));
    for (size_t i = 0; i < k->script.count; i++) {
        const struct app_script_cmd *c = &k->script.cmds[i];
        if (c->op == APP_SCRIPT_KEY && SDL_GetKeyFromName(c->text) == SDLK_UNKNOWN) {
            char name[96];
            err_escape(name, sizeof name, c->text, strlen(c->text));
            return err_set(e, ERR_USAGE,
                           "%s:%u: unknown key name '%s' (SDL key names: Right, Left, Up, Down, "
                           "PageDown, PageUp, Space, Home, Escape, Tab, Return, +, -, C, F1, "
                           "F2)",
                           shown, c->line, name);
        }
        if (c->op == APP_SCRIPT_TAP && (c->x >= k->lw || c->y >= k->lh))
            return err_set(e, ERR_USAGE, "%s:%u: tap %d %d is outside the %dx%d screen", shown,
                           c->line, c->x, c->y, k->lw, k->lh);
    }
    return true;
}

/* Pushes the synthetic events that are due; true when it pushed some (they
 * are handled before the script goes on) or some remain. */
static bool
push_pending(struct kiosk *k)
{
    size_t before = k->pending_next;
    while (k->pending_next < k->pending_count && k->pending[k->pending_next].due <= k->vnow) {
        SDL_Event ev = k->pending[k->pending_next++].ev;
        ev.common.timestamp = SDL_GetTicks();
        SDL_PushEvent(&ev);
    }
    bool pushed = k->pending_next != before;
    if (k->pending_next == k->pending_count)
        k->pending_next = k->pending_count = 0;
    return pushed || k->pending_count != 0;
}

/* Runs script commands until one needs time to pass. */
static void
script_step(struct kiosk *k)
{
    if (push_pending(k))
        return;
    if (k->script_wait_until) {
        if (k->vnow < k->script_wait_until)
            return;
        k->script_wait_until = 0;
    }
    if (k->wait_sentence) {
        const struct app_script_cmd *c = &k->script.cmds[k->script_next - 1];
        const char *why = NULL;
        if (k->speech_heard >= k->wait_sentence)
            k->wait_sentence = 0;
        else if (!k->audio_ok)
            why = "read-aloud is off (audio = off, no audio device or no voices)";
        else if (k->speech_ui == UI_SPEECH_OFF)
            why = "read-aloud stopped";
        else if (real_ms() >= k->wait_sentence_until)
            why = "time ran out (30 s)";
        if (why) {
            fprintf(stderr,
                    "newskiosk: %s:%u: wait-sentence %u: %s after %u sentence(s) were heard\n",
                    k->cfg->events, c->line, k->wait_sentence, why, k->speech_heard);
            k->exit_code = 1;
            k->quit = true;
        }
        if (k->wait_sentence)
            return;
    }
    while (k->script_next < k->script.count && !k->quit) {
        const struct app_script_cmd *c = &k->script.cmds[k->script_next++];
        uint64_t t = k->vnow;
        switch (c->op) {
        case APP_SCRIPT_TAP:
            queue_finger(k, t, SDL_FINGERDOWN, c->x, c->y);
            queue_finger(k, t + SCRIPT_TAP_MS, SDL_FINGERUP, c->x, c->y);
            push_pending(k);
            return;
        case APP_SCRIPT_SWIPE: {
            /* 60% of the screen in 6 steps of 16 ms: a decided swipe */
            int x0 = k->lw / 2, y0 = k->lh / 2, dx = 0, dy = 0;
            if (c->swipe == APP_SWIPE_LEFT || c->swipe == APP_SWIPE_RIGHT) {
                dx = (c->swipe == APP_SWIPE_LEFT ? -1 : 1) * k->lw * 3 / 5;
                x0 -= dx / 2;
            } else {
                dy = (c->swipe == APP_SWIPE_UP ? -1 : 1) * k->lh * 3 / 5;
                y0 -= dy / 2;
            }
            queue_finger(k, t, SDL_FINGERDOWN, x0, y0);
            for (int i = 1; i <= 6; i++)
                queue_finger(k, t + (uint64_t)i * SCRIPT_STEP_MS, SDL_FINGERMOTION, x0 + dx * i / 6,
                             y0 + dy * i / 6);
            queue_finger(k, t + 7 * SCRIPT_STEP_MS, SDL_FINGERUP, x0 + dx, y0 + dy);
            push_pending(k);
            return;
        }
        case APP_SCRIPT_KEY: {
            SDL_Keycode key = SDL_GetKeyFromName(c->text);
            queue_key(k, t, SDL_KEYDOWN, key);
            queue_key(k, t, SDL_KEYUP, key);
            push_pending(k);
            return;
        }
        case APP_SCRIPT_WAIT:
            k->script_wait_until = t + c->ms;
            return;
        case APP_SCRIPT_SCREENSHOT: {
            struct err e = {0};
            if (!draw(k, c->text, &e)) {
                fprintf(stderr, "newskiosk: %s:%u: %s\n", k->cfg->events, c->line, e.msg);
                k->exit_code = 1;
                k->quit = true;
            }
            return;
        }
        case APP_SCRIPT_QUIT:
            k->quit = true;
            return;
        case APP_SCRIPT_DUMP: {
            struct err e = {0};
            if (!dump_view(k, c->text, &e)) {
                fprintf(stderr, "newskiosk: %s:%u: %s\n", k->cfg->events, c->line, e.msg);
                k->exit_code = 1;
                k->quit = true;
                return;
            }
            break;
        }
        case APP_SCRIPT_WAIT_SENTENCE:
            k->wait_sentence = c->ms;
            k->wait_sentence_until = real_ms() + WAIT_SENTENCE_MS;
            return;
        }
    }
}

/* The next time (ui clock) the script needs the loop; UI_NO_DEADLINE if none. */
static uint64_t
script_deadline(const struct kiosk *k)
{
    if (k->pending_next < k->pending_count)
        return k->pending[k->pending_next].due;
    if (k->script_wait_until)
        return k->script_wait_until;
    if (k->wait_sentence)
        return k->vnow + WAIT_SENTENCE_POLL_MS; /* the audio's pace, not the script's */
    if (k->script_next < k->script.count)
        return k->vnow; /* more to do now */
    return UI_NO_DEADLINE;
}

/* ---- set-up ---- */

static bool
wants_poll(void)
{
    const char *d = SDL_GetCurrentVideoDriver();
    return d && (strcmp(d, "dummy") == 0 || strcmp(d, "KMSDRM") == 0 || strcmp(d, "evdev") == 0 ||
                 strcmp(d, "offscreen") == 0);
}

static void
open_evdev(struct kiosk *k)
{
    const char *d = SDL_GetCurrentVideoDriver();
    if (!d || strcmp(d, "KMSDRM") != 0)
        return;
    glob_t g;
    if (glob("/dev/input/event*", 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc && k->evdev_count < MAX_EVDEV; i++) {
        int fd = open(g.gl_pathv[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        k->evdev[k->evdev_count++] = fd;
        if (app_abs_probe(&k->abs[k->abs_count], fd, g.gl_pathv[i]))
            k->abs_count++;
    }
    globfree(&g);
}

/* The renderer, chosen by measurement (issue 15). Left to itself SDL tries
 * an OpenGL renderer first, and even its software renderer backs the window
 * surface with a GL texture (SDL_HINT_FRAMEBUFFER_ACCELERATION): either way
 * Mesa is mapped, and on a machine without a GPU driver that is llvmpipe
 * (libLLVM-15, swrast_dri). Under Xvfb, 800x480, 100 articles: 113 MB peak
 * RSS and 0.63 s to the first frame that way; with the software renderer
 * drawing into the X11 shared-memory window surface, 23 MB and 0.22 s
 * (headless: 22 MB, 0.16 s, same load). On Wayland SDL 2.26 has no window
 * surface without GL, so wlshm.c presents the software renderer's frames.
 *
 * KMSDRM has no window surface at all: every frame goes through EGL on GBM,
 * and the renderer must be OpenGL ES 2. SDL's own order puts "opengl" first,
 * and on a board without desktop GL (no libGL.so.1: Debian's Mesa packages
 * for KMS, Raspberry Pi OS Lite) SDL 2.26's KMSDRM driver falls back to an
 * ES 2.0 context, yet the "opengl" renderer is still created on it. Its
 * fixed-function calls then all fail (Mesa: GL_INVALID_ENUM in
 * glEnable(GL_TEXTURE_2D), "unsupported function called") and only
 * glClear works: the screen showed the paper colour and nothing else
 * (issue 12; with the software renderer, whose window texture goes through
 * the same "opengl" renderer, it stayed black). So on KMSDRM both the
 * renderer and the software renderer's window texture are GLES2, and the
 * context asked for is ES 2.0 from the start (the window is then not made
 * twice when the renderer starts).
 *
 * Hints are set at normal priority, so the environment overrides them:
 * SDL_RENDER_DRIVER=opengles2 (or opengl) and SDL_FRAMEBUFFER_ACCELERATION=1
 * bring back the GL paths on X11 and Wayland. */
static void
choose_renderer(void)
{
    const char *d = SDL_GetCurrentVideoDriver();
    if (d && strcmp(d, "KMSDRM") == 0) {
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "opengles2");
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "opengles2");
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 2);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
        return;
    }
    if (!d || (strcmp(d, "x11") != 0 && strcmp(d, "wayland") != 0))
        return;
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
}

static bool
open_window(struct kiosk *k, struct err *e)
{
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0"); /* a finger is not also a mouse */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1"); /* SIGTERM/SIGINT come through our signalfd */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    /* A kiosk has no title bar; libdecor without its plugins also crashes SDL 2.26. */
    SDL_SetHint(SDL_HINT_VIDEO_WAYLAND_ALLOW_LIBDECOR, "0");
    /* SDL 2.26 takes wayland when asked, or when there is no X display */
    const char *drv = getenv("SDL_VIDEODRIVER");
    bool wayland =
        drv ? strcmp(drv, "wayland") == 0 : getenv("WAYLAND_DISPLAY") && !getenv("DISPLAY");
    if (wayland && !app_wayland_has_seat())
        return err_set(e, ERR_IO,
                       "cannot start the display: the Wayland compositor (%s) has no input seat "
                       "yet, and SDL 2.26 cannot open a window without one (connect the "
                       "touchscreen, or start the compositor with an input device)",
                       getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "wayland-0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
        return err_set(e, ERR_IO, "cannot start the display (SDL video driver %s): %s",
                       getenv("SDL_VIDEODRIVER") ? getenv("SDL_VIDEODRIVER") : "auto",
                       SDL_GetError());
    choose_renderer();
    Uint32 flags = SDL_WINDOW_SHOWN | (k->cfg->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    k->win = SDL_CreateWindow("newskiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              k->cfg->width, k->cfg->height, flags);
    if (!k->win)
        return err_set(e, ERR_IO, "cannot open a %dx%d window: %s", k->cfg->width, k->cfg->height,
                       SDL_GetError());
    if (k->cfg->fullscreen)
        SDL_ShowCursor(SDL_DISABLE); /* a fullscreen kiosk is a touch panel: no pointer on it */
    if (app_wlshm_wanted(k->win)) {
        if (!(k->wl = app_wlshm_create(k->win, e)))
            return false;
        k->ren = SDL_CreateSoftwareRenderer(app_wlshm_canvas(k->wl));
    } else {
        k->ren =
            SDL_CreateRenderer(k->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_TARGETTEXTURE);
        if (!k->ren)
            k->ren = SDL_CreateRenderer(k->win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!k->ren)
        return err_set(e, ERR_IO, "cannot create a renderer: %s", SDL_GetError());
    if (SDL_GetRendererOutputSize(k->ren, &k->pw, &k->ph) != 0) {
        k->pw = k->cfg->width;
        k->ph = k->cfg->height;
    }
    /* The logical screen: the window turned by --rotate. */
    k->lw = k->pw;
    k->lh = k->ph;
    if (k->cfg->rotate == 90 || k->cfg->rotate == 270) {
        k->lw = k->ph;
        k->lh = k->pw;
    }
    if (k->cfg->rotate) {
        k->rotated = SDL_CreateTexture(k->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_TARGET,
                                       k->lw, k->lh);
        if (!k->rotated)
            return err_set(e, ERR_IO, "--rotate %d needs target textures: %s", k->cfg->rotate,
                           SDL_GetError());
    }
    k->wake_event = SDL_RegisterEvents(1);
    if (k->wake_event == (Uint32)-1)
        return err_set(e, ERR_IO, "cannot register an SDL event: %s", SDL_GetError());
    app_input_init(&k->input, k->lw, k->lh, k->pw, k->ph, k->cfg->rotate);
    return true;
}

static bool
open_kiosk(struct kiosk *k, struct err *e)
{
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGUSR1);
    sigaddset(&sigs, SIGUSR2);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    /* blocked before SDL starts threads, so every thread inherits it */
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    k->sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
    k->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    k->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (k->sfd < 0 || k->efd < 0 || k->tfd < 0)
        return err_set(e, ERR_IO, "cannot create the loop's descriptors: %s", strerror(errno));

    if (k->cfg->events) {
        if (!app_script_load(&k->script, k->cfg->events, e))
            return false;
        k->scripted = true;
        k->vnow = SCRIPT_CLOCK0;
    }
    /* before SDL and the watcher start threads: it edits the environment */
    k->l10n = app_l10n_open();
    k->words = l10n_english();
    if (!open_window(k, e))
        return false;
    if (k->scripted && !script_check(k, e))
        return false;
    k->use_poll = wants_poll();
    open_evdev(k);

    struct text_fonts fonts;
    text_fonts_default(&fonts);
    k->text = text_create(&fonts, e);
    if (!k->text)
        return false;
    k->L = layout_create(text_metrics(k->text), NK_HYPHEN_DIR);
    if (!k->L)
        return err_set(e, ERR_NOMEM, "out of memory creating the typesetter");
    k->rd = render_create(k->ren, k->text, e);
    if (!k->rd)
        return false;
    struct app_config lcfg = *k->cfg;
    lcfg.width = k->pw; /* fullscreen may differ from --size */
    lcfg.height = k->ph;
    app_layout_config(&lcfg, &k->lc);
    k->scale = k->lc.font_scale;
    /* Read-aloud opens after the first frame (open_speech_late): espeak-ng's
     * set-up and the audio device cost ~80 ms of boot. Until then the bar
     * has the speaker when audio = on; a kiosk whose device or voices fail
     * lays its pages out again without it. */
    k->plan_article = -1;
    k->speech_item = -1;
    speech_plan_init(&k->plan);
    k->lc.speaker = k->cfg->audio;

    struct ui_config ucfg = {
        .width = k->lw,
        .height = k->lh,
        .font_scale = k->lc.font_scale,
        .idle_timeout_ms = (uint64_t)k->cfg->idle_timeout_s * 1000u,
        .attract_interval_ms = (uint64_t)k->cfg->attract_interval_s * 1000u,
        .allow_quit = k->cfg->allow_quit,
        .theme = k->cfg->theme,
        .theme_count = RENDER_THEME_COUNT,
        .speech = k->cfg->audio,
    };
    render_set_theme(k->rd, (enum render_theme)k->cfg->theme);
    struct ui_content content = {.ctx = k,
                                 .article_count = content_article_count,
                                 .index_pages = content_index,
                                 .article_pages = content_article,
                                 .article_section = content_section};
    k->ui = ui_create(&ucfg, &content, now_ms(k));
    if (!k->ui)
        return err_set(e, ERR_NOMEM, "out of memory");

    if (k->cfg->bundle) {
        if (!open_bundle_option(k, e))
            return false;
    } else {
        k->from_state = true;
        struct err re = {0};
        /* Cheap checks only before the first frame; the full one runs in
         * the worker right after it (start_check). */
        if (!bundle_recover_quick(k->cfg->state_dir, &k->bopt, &k->status, &re))
            fprintf(stderr, "newskiosk: %s\n", re.msg);
        k->check_pending = k->status.installed;
        struct err oe = {0};
        if (!open_installed(k, &oe))
            fprintf(stderr, "newskiosk: the installed edition cannot be opened: %s\n", oe.msg);
    }
    if (k->ed)
        ui_set_edition(k->ui, true, true, now_ms(k));
    if (k->cfg->open_article && !open_article_option(k, e))
        return false;
    watch_inboxes(k);
    scan_inboxes(k);

    if (!k->use_poll) {
        if (pthread_create(&k->watcher, NULL, watcher_main, k) != 0)
            return err_set(e, ERR_IO, "cannot start the watcher thread");
        k->watcher_running = true;
    }
#ifdef NK_HAVE_SYSTEMD
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2000) {
        k->watchdog_ms = usec / 2000u; /* half the period */
        k->watchdog_next = real_ms() + k->watchdog_ms;
    }
#endif
    return true;
}

/* Releases everything but k itself. An install still running is not waited
 * for (the kiosk must stop promptly on SIGTERM, and --exit-after-first-frame
 * must not wait for it): the worker keeps k, its eventfd and the options
 * until the process exits, and bundle_recover removes the unfinished
 * staging at the next start. Returns whether k may be freed. */
static bool
close_kiosk(struct kiosk *k)
{
    bool worker = k->worker_running && !atomic_load(&k->worker_done);
    if (k->worker_running && !worker)
        pthread_join(k->worker, NULL);
    if (worker && k->worker_check)
        fprintf(stderr, "newskiosk: stopping during the check of the installed edition; it "
                        "runs again at the next start\n");
    else if (worker)
        fprintf(stderr,
                "newskiosk: stopping during the install of %s; it is cleaned up at the "
                "next start\n",
                k->installing);
    if (k->watcher_running) {
        atomic_store(&k->stopping, true);
        wake(k);
        pthread_join(k->watcher, NULL);
    }
    close_speech(k);
    ui_destroy(k->ui);
    forget_layouts(k);
    layout_pages_fini(&k->index);
    layout_pages_fini(&k->screen);
    edition_destroy(k->ed);
    render_destroy(k->rd);
    layout_destroy(k->L);
    l10n_destroy(k->l10n);
    text_destroy(k->text);
    if (k->rotated)
        SDL_DestroyTexture(k->rotated);
    if (k->ren)
        SDL_DestroyRenderer(k->ren);
    app_wlshm_destroy(k->wl);
    if (k->win)
        SDL_DestroyWindow(k->win);
    SDL_Quit();
    if (k->tmp_dir) {
        nftw(k->tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(k->tmp_dir);
    }
    app_script_fini(&k->script);
    for (int i = 0; i < k->evdev_count; i++)
        close(k->evdev[i]);
    if (k->sfd >= 0)
        close(k->sfd);
    if (k->ifd >= 0)
        close(k->ifd);
    if (k->efd >= 0 && !worker)
        close(k->efd);
    if (k->tfd >= 0)
        close(k->tfd);
    return !worker;
}

/* ---- the loop ---- */

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Sleeps until an input, a wake-up or the next deadline. */
static void
wait_for_work(struct kiosk *k)
{
    uint64_t vd =
        min_u64(ui_next_deadline(k->ui), k->scripted ? script_deadline(k) : UI_NO_DEADLINE);
    uint64_t now = real_ms();
    uint64_t rd = UI_NO_DEADLINE; /* real-time deadline */
    if (vd != UI_NO_DEADLINE)
        rd = k->scripted ? now + (vd > k->vnow ? vd - k->vnow : 0) : vd;
    if (k->watchdog_ms)
        rd = min_u64(rd, k->watchdog_next);
    rd = min_u64(rd, bundle_watch_deadline(&k->watch));
    if (k->retry_ms)
        rd = min_u64(rd, k->retry_ms);
    if (k->redraw || (k->rescan && !k->worker_running))
        rd = now;
    /* About to sleep a while after drawing: give the heap's free pages back
     * to the system (a turn frees layout and drawing scratch that glibc
     * would keep). Once per quiet spell, so never in a busy loop. */
    if (!k->trimmed && (rd == UI_NO_DEADLINE || rd >= now + TRIM_AFTER_MS)) {
        malloc_trim(0);
        k->trimmed = true;
    }

    if (k->use_poll) {
        struct itimerspec its = {0};
        if (rd != UI_NO_DEADLINE) {
            uint64_t at = rd > now ? rd : now;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            uint64_t base_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
            uint64_t target_ns = base_ns + (at - now) * 1000000u;
            if (target_ns == base_ns)
                target_ns++;
            its.it_value.tv_sec = (time_t)(target_ns / 1000000000u);
            its.it_value.tv_nsec = (long)(target_ns % 1000000000u);
        }
        timerfd_settime(k->tfd, TFD_TIMER_ABSTIME, &its, NULL);
        struct pollfd p[4 + MAX_EVDEV];
        int n = 0;
        p[n++] = (struct pollfd){k->tfd, POLLIN, 0};
        p[n++] = (struct pollfd){k->efd, POLLIN, 0};
        p[n++] = (struct pollfd){k->sfd, POLLIN, 0};
        p[n++] = (struct pollfd){k->ifd, POLLIN, 0}; /* -1 is skipped by poll */
        for (int i = 0; i < k->evdev_count; i++)
            p[n++] = (struct pollfd){k->evdev[i], POLLIN, 0};
        if (poll(p, (nfds_t)n, -1) > 0)
            drain_fds(k);
        SDL_PumpEvents();
    } else {
        int timeout = -1;
        if (rd != UI_NO_DEADLINE)
            timeout = rd > now ? (int)min_u64(rd - now, INT32_MAX) : 0;
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, timeout))
            dispatch(k, &ev);
    }
    uint64_t after = real_ms();
    if (k->scripted && vd != UI_NO_DEADLINE && after >= now + (vd > k->vnow ? vd - k->vnow : 0))
        k->vnow = vd > k->vnow ? vd : k->vnow;
    if (k->watchdog_ms && after >= k->watchdog_next) {
#ifdef NK_HAVE_SYSTEMD
        sd_notify(0, "WATCHDOG=1");
#endif
        k->watchdog_next = after + k->watchdog_ms;
    }
}

int
app_run(const struct app_config *c)
{
    /* Page-sized buffers (SDL's surfaces while a page is drawn, decoded
     * photos) come and go on every turn. glibc raises its mmap threshold
     * after the first such buffer is freed, and later ones then come from
     * the heap, which fragments and keeps its peak: a fixed threshold keeps
     * them mmapped and returned on free. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    struct kiosk *k = calloc(1, sizeof *k);
    if (!k) {
        fprintf(stderr, "newskiosk: out of memory\n");
        return 1;
    }
    k->cfg = c;
    snprintf(k->worker_state_dir, sizeof k->worker_state_dir, "%s", c->state_dir);
    k->sfd = k->efd = k->tfd = k->ifd = -1;
    k->scale = -1;
    count_start(k);
    layout_pages_init(&k->index);
    layout_pages_init(&k->screen);
    for (size_t i = 0; i < ARTICLE_CACHE; i++)
        k->cache[i].article = -1;
    bundle_options_default(&k->bopt);
    for (size_t i = 0; i < c->key_count && i < BUNDLE_MAX_KEYS; i++)
        k->bopt.keys[k->bopt.key_count++] = c->keys[i];
    k->bopt.require_signature = c->require_signature;

    struct err e = {0};
    if (c->latency_log && !(k->latency = fopen(c->latency_log, "w"))) {
        fprintf(stderr, "newskiosk: --latency-log %s: %s\n", c->latency_log, strerror(errno));
        free(k);
        return 1;
    }
    if (!open_kiosk(k, &e)) {
        fprintf(stderr, "newskiosk: %s\n", e.msg);
        int rc = e.code == ERR_USAGE ? 2 : 1;
        if (k->latency)
            fclose(k->latency);
        if (close_kiosk(k))
            free(k);
        return rc;
    }
    k->redraw = true;
    while (!k->quit) {
        SDL_Event ev;
        while (SDL_PollEvent(&ev))
            dispatch(k, &ev);
        if (k->quit)
            break;
        inbox_settled(k);
        if (k->rescan && !k->worker_running)
            scan_inboxes(k);
        ui_tick(k->ui, now_ms(k));
        speech_sync(k);
        struct ui_state st;
        ui_get_state(k->ui, &st);
        if (st.quit)
            break;
        if (k->input_ns && !st.dirty && !k->redraw)
            k->input_ns = 0; /* an input that changed nothing on screen */
        if (st.dirty || k->redraw) {
            struct err de = {0};
            draw(k, NULL, &de);
            if (k->dump_screen)
                dump_screen(k);
            if (!k->first_frame) {
                k->first_frame = true;
#ifdef NK_HAVE_SYSTEMD
                sd_notify(0, "READY=1");
#endif
                write_cache(k);
                if (c->exit_after_first_frame)
                    break;
                open_speech_late(k);
                if (k->check_pending)
                    start_check(k);
            }
        }
        if (k->scripted) {
            script_step(k);
            if (k->quit)
                break;
            /* events just pushed are handled before sleeping */
            if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
                continue;
        }
        wait_for_work(k);
    }
    int rc = k->exit_code;
    if (k->latency && fclose(k->latency) != 0 && rc == 0) {
        fprintf(stderr, "newskiosk: --latency-log %s: %s\n", c->latency_log, strerror(errno));
        rc = 1;
    }
    k->latency = NULL;
    if (close_kiosk(k))
        free(k);
    return rc;
}
