/* Options, verify and unpack: the read without a state folder. */
#include "bundle_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void
bundle_limits_default(struct bundle_limits *l)
{
    l->max_entries = BUNDLE_MAX_ENTRIES;
    l->max_manifest_bytes = BUNDLE_MAX_MANIFEST_BYTES;
    l->max_article_bytes = BUNDLE_MAX_ARTICLE_BYTES;
    l->max_image_bytes = BUNDLE_MAX_IMAGE_BYTES;
    l->max_image_pixels = BUNDLE_MAX_IMAGE_PIXELS;
    l->max_total_bytes = BUNDLE_MAX_TOTAL_BYTES;
    l->max_ratio = BUNDLE_MAX_RATIO;
}

void
bundle_options_default(struct bundle_options *o)
{
    memset(o, 0, sizeof *o);
    bundle_limits_default(&o->limits);
}

void
bundle_info_fini(struct bundle_info *info)
{
    if (!info)
        return;
    edition_destroy(info->ed);
    info->ed = NULL;
}

static const struct bundle_options *
options_or_default(const struct bundle_options *opt, struct bundle_options *def)
{
    if (opt)
        return opt;
    bundle_options_default(def);
    return def;
}

bool
bundle_verify(const char *archive_path, const struct bundle_options *opt, struct bundle_info *info,
              struct err *e)
{
    struct bundle_options def;
    char label[256];
    bundle_label(label, sizeof label, archive_path);
    struct bundle_read r = {
        .path = archive_path, .label = label, .opt = options_or_default(opt, &def), .dest_fd = -1};
    if (!bundle_read_archive(&r, info, e)) {
        err_prefix(e, "bundle '%s'", label);
        return false;
    }
    return true;
}

/* True when the folder holds nothing but "." and "..". */
static bool
dir_is_empty(int fd)
{
    int dup_fd = dup(fd);
    if (dup_fd < 0)
        return false;
    DIR *d = fdopendir(dup_fd);
    if (!d) {
        close(dup_fd);
        return false;
    }
    rewinddir(d);
    bool empty = true;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            empty = false;
    closedir(d);
    return empty;
}

static void
empty_dir(const struct bundle_fs *fs, int fd)
{
    static const char *const names[] = {"SHA256SUMS", "SHA256SUMS.minisig", "manifest.yaml",
                                        "articles", "images"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        bundle_remove_tree(fs, fd, names[i]);
}

bool
bundle_unpack(const char *archive_path, const char *dest_dir, const struct bundle_options *opt,
              struct err *e)
{
    struct bundle_options def;
    char label[256];
    bundle_label(label, sizeof label, archive_path);
    opt = options_or_default(opt, &def);
    int fd = open(dest_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        char esc[256];
        err_escape(esc, sizeof esc, dest_dir, strlen(dest_dir));
        return err_set(e, ERR_USAGE, "%s: cannot open the folder to unpack into: %s", esc,
                       strerror(errno));
    }
    if (!dir_is_empty(fd)) {
        close(fd);
        char esc[256];
        err_escape(esc, sizeof esc, dest_dir, strlen(dest_dir));
        return err_set(e, ERR_USAGE, "%s: the folder to unpack into is not empty", esc);
    }
    struct bundle_read r = {
        .path = archive_path, .label = label, .opt = opt, .dest_fd = fd, .no_sync = opt->transient};
    bool ok = bundle_read_archive(&r, NULL, e);
    if (!ok) {
        err_prefix(e, "bundle '%s'", label);
        empty_dir(NULL, fd);
    }
    close(fd);
    return ok;
}
