/* bundle_load: the verified read keeping an edition's text in memory, and the
 * edition_files view over it. */
#include "bundle_internal.h"

#include <stdlib.h>
#include <string.h>

static int
cmp_text(const void *a, const void *b)
{
    return strcmp(((const struct bundle_text_file *)a)->path,
                  ((const struct bundle_text_file *)b)->path);
}

static int
cmp_image(const void *a, const void *b)
{
    return strcmp(((const struct bundle_image_size *)a)->path,
                  ((const struct bundle_image_size *)b)->path);
}

static int
cmp_text_key(const void *key, const void *elem)
{
    return strcmp(key, ((const struct bundle_text_file *)elem)->path);
}

static int
cmp_image_key(const void *key, const void *elem)
{
    return strcmp(key, ((const struct bundle_image_size *)elem)->path);
}

static bool
files_read(void *user, const char *path, const char **data, size_t *len, struct err *e)
{
    const struct bundle_files *f = user;
    if (strcmp(path, "manifest.yaml") == 0 && f->manifest) {
        *data = f->manifest;
        *len = f->manifest_len;
        return true;
    }
    const struct bundle_text_file *t =
        f->text_count ? bsearch(path, f->texts, f->text_count, sizeof *f->texts, cmp_text_key)
                      : NULL;
    if (!t)
        return err_set(e, ERR_INVALID, "%s: file not found", path);
    *data = t->data;
    *len = t->len;
    return true;
}

static bool
files_image_size(void *user, const char *path, uint32_t *w, uint32_t *h, struct err *e)
{
    const struct bundle_files *f = user;
    const struct bundle_image_size *i =
        f->image_count ? bsearch(path, f->images, f->image_count, sizeof *f->images, cmp_image_key)
                       : NULL;
    if (!i)
        return err_set(e, ERR_INVALID, "%s: file not found", path);
    *w = i->w;
    *h = i->h;
    return true;
}

/* Room for one more element in *arr (of *cap). */
static bool
grow(void **arr, size_t *cap, size_t count, size_t elem)
{
    if (count < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, n * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = n;
    return true;
}

bool
bundle_files_add_text(struct bundle_files *f, const char *path, char *data, size_t len)
{
    char *p = NULL;
    if (!grow((void **)&f->texts, &f->text_cap, f->text_count, sizeof *f->texts) ||
        !(p = strdup(path))) {
        free(data);
        return false;
    }
    f->texts[f->text_count++] = (struct bundle_text_file){p, data, len};
    return true;
}

bool
bundle_files_add_image(struct bundle_files *f, const char *path, uint32_t w, uint32_t h)
{
    char *p = NULL;
    if (!grow((void **)&f->images, &f->image_cap, f->image_count, sizeof *f->images) ||
        !(p = strdup(path)))
        return false;
    f->images[f->image_count++] = (struct bundle_image_size){p, w, h};
    return true;
}

void
bundle_files_seal(struct bundle_files *f)
{
    if (f->text_count)
        qsort(f->texts, f->text_count, sizeof *f->texts, cmp_text);
    if (f->image_count)
        qsort(f->images, f->image_count, sizeof *f->images, cmp_image);
}

void
bundle_files_destroy(struct bundle_files *f)
{
    if (!f)
        return;
    free(f->manifest);
    for (size_t i = 0; i < f->text_count; i++) {
        free(f->texts[i].path);
        free(f->texts[i].data);
    }
    free(f->texts);
    for (size_t i = 0; i < f->image_count; i++)
        free(f->images[i].path);
    free(f->images);
    free(f);
}

const struct edition_files *
bundle_files_view(const struct bundle_files *f)
{
    return &f->view;
}

bool
bundle_load(const char *archive_path, const struct bundle_options *opt, struct bundle_files **out,
            struct err *e)
{
    *out = NULL;
    struct bundle_files *f = calloc(1, sizeof *f);
    if (!f)
        return err_set(e, ERR_NOMEM, "out of memory");
    f->view = (struct edition_files){files_read, files_image_size, f};
    struct bundle_options def;
    if (!opt) {
        bundle_options_default(&def);
        opt = &def;
    }
    char label[256];
    bundle_label(label, sizeof label, archive_path);
    struct bundle_read r = {
        .path = archive_path, .label = label, .opt = opt, .dest_fd = -1, .keep = f};
    if (!bundle_read_archive(&r, NULL, e)) {
        err_prefix(e, "bundle '%s'", label);
        bundle_files_destroy(f);
        return false;
    }
    bundle_files_seal(f);
    *out = f;
    return true;
}
