#include "image.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

/* ---- type detection ---- */

static int
ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool
ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return false;
    return *a == *b;
}

enum image_type
image_type_from_name(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot)
        return IMAGE_UNKNOWN;
    if (ascii_ieq(dot, ".jpg") || ascii_ieq(dot, ".jpeg"))
        return IMAGE_JPEG;
    if (ascii_ieq(dot, ".png"))
        return IMAGE_PNG;
    if (ascii_ieq(dot, ".webp"))
        return IMAGE_WEBP;
    return IMAGE_UNKNOWN;
}

enum image_type
image_type_from_magic(const void *data, size_t len)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    const unsigned char *p = data;
    if (!p)
        return IMAGE_UNKNOWN;
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return IMAGE_JPEG;
    if (len >= 8 && memcmp(p, png_sig, 8) == 0)
        return IMAGE_PNG;
    if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return IMAGE_WEBP;
    return IMAGE_UNKNOWN;
}

const char *
image_type_name(enum image_type t)
{
    switch (t) {
    case IMAGE_JPEG:
        return "JPEG";
    case IMAGE_PNG:
        return "PNG";
    case IMAGE_WEBP:
        return "WebP";
    case IMAGE_UNKNOWN:
        break;
    }
    return "unknown";
}

static bool
check_limits(enum image_type t, uint32_t w, uint32_t h, uint32_t max_pixels, struct err *e)
{
    if (w == 0 || h == 0)
        return err_set(e, ERR_INVALID, "%s header gives an empty size %ux%u", image_type_name(t),
                       (unsigned)w, (unsigned)h);
    if (w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE)
        return err_set(e, ERR_LIMIT, "%s is %ux%u pixels: a side exceeds the limit of %u",
                       image_type_name(t), (unsigned)w, (unsigned)h, IMAGE_MAX_SIDE);
    if ((uint64_t)w * h > max_pixels)
        return err_set(e, ERR_LIMIT, "%s is %ux%u = %llu pixels, over the limit of %u",
                       image_type_name(t), (unsigned)w, (unsigned)h,
                       (unsigned long long)((uint64_t)w * h), (unsigned)max_pixels);
    return true;
}

/* ---- JPEG (libjpeg-turbo) ---- */

/* A progressive JPEG may hold any number of scans, each a pass over every
 * coefficient: a small file could keep a kiosk busy for minutes. Real
 * encoders write about ten (libjpeg-turbo's advice is to stop at a few
 * hundred). The coefficient buffers of a 40 MP progressive photo take 120 MB
 * (4:2:0) to 240 MB (4:4:4); beyond that libjpeg fails cleanly. */
#define JPEG_MAX_SCANS 256
#define JPEG_MAX_MEMORY (320L * 1024 * 1024)

struct jpeg_guard {
    struct jpeg_error_mgr mgr;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
    bool warnings_fatal;
};

static void
jpeg_on_error(j_common_ptr cinfo)
{
    struct jpeg_guard *g = (struct jpeg_guard *)cinfo->err;
    cinfo->err->format_message(cinfo, g->msg);
    longjmp(g->jump, 1);
}

/* libjpeg reports damaged or truncated data ("Premature end of JPEG file")
 * only as a warning and fills the rest with grey: a broken photo must not
 * pass, so warnings end the decode like errors. */
static void
jpeg_on_message(j_common_ptr cinfo, int level)
{
    struct jpeg_guard *g = (struct jpeg_guard *)cinfo->err;
    if (level < 0) {
        cinfo->err->num_warnings++;
        if (g->warnings_fatal) {
            cinfo->err->format_message(cinfo, g->msg);
            longjmp(g->jump, 1);
        }
    }
}

static void
jpeg_on_progress(j_common_ptr cinfo)
{
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    struct jpeg_guard *g = (struct jpeg_guard *)cinfo->err;
    if (d->input_scan_number > JPEG_MAX_SCANS) {
        snprintf(g->msg, sizeof g->msg, "more than %d progressive scans", JPEG_MAX_SCANS);
        longjmp(g->jump, 1);
    }
}

static void
jpeg_guard_init(struct jpeg_decompress_struct *cinfo, struct jpeg_guard *g, bool warnings_fatal)
{
    memset(g, 0, sizeof *g);
    cinfo->err = jpeg_std_error(&g->mgr);
    g->mgr.error_exit = jpeg_on_error;
    g->mgr.emit_message = jpeg_on_message;
    g->progress.progress_monitor = jpeg_on_progress;
    g->warnings_fatal = warnings_fatal;
}

static bool
jpeg_probe(const void *data, size_t len, struct image_info *out, struct err *e)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_guard g;
    jpeg_guard_init(&cinfo, &g, false);
    if (setjmp(g.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return err_set(e, ERR_INVALID, "unreadable JPEG header: %s", g.msg);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    out->type = IMAGE_JPEG;
    out->width = cinfo.image_width;
    out->height = cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    return true;
}

/* State the longjmp must not clobber lives behind a pointer. */
struct jpeg_job {
    uint8_t *rgba;
    uint32_t width, height;
    uint8_t *row;  /* one decoded scanline, when scaling */
    uint64_t *sum; /* the output row being summed, 4 channels a pixel */
};

static void
jpeg_job_free(struct jpeg_job *job)
{
    free(job->rgba);
    free(job->row);
    free(job->sum);
    *job = (struct jpeg_job){0};
}

static void fit_size(uint32_t w, uint32_t h, uint32_t max_w, uint32_t max_h, uint32_t *ow,
                     uint32_t *oh);

/* Adds one source row (sw pixels) to the output row sums (dw pixels): each
 * output pixel sums the source columns [x * sw / dw, (x + 1) * sw / dw). */
static void
sum_row(uint64_t *sum, const uint8_t *src, uint32_t sw, uint32_t dw)
{
    for (uint32_t x = 0; x < dw; x++) {
        uint32_t x0 = (uint32_t)((uint64_t)x * sw / dw);
        uint32_t x1 = (uint32_t)((uint64_t)(x + 1) * sw / dw);
        if (x1 <= x0)
            x1 = x0 + 1;
        uint64_t *q = sum + (size_t)x * 4;
        for (const uint8_t *p = src + (size_t)x0 * 4, *end = src + (size_t)x1 * 4; p < end; p += 4)
            for (int c = 0; c < 4; c++)
                q[c] += p[c];
    }
}

/* Decodes at the largest DCT reduction that still covers want_w x want_h,
 * then, when that is larger, area-averages it down scanline by scanline (the
 * same box filter as box_downscale), so only the output and one source row
 * are held, not the whole reduced image. */
static bool
jpeg_decode(const void *data, size_t len, uint32_t want_w, uint32_t want_h, struct jpeg_job *job,
            struct err *e)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_guard g;
    jpeg_guard_init(&cinfo, &g, true);
    if (setjmp(g.jump)) {
        jpeg_destroy_decompress(&cinfo);
        jpeg_job_free(job);
        return err_set(e, ERR_INVALID, "broken JPEG data: %s", g.msg);
    }
    jpeg_create_decompress(&cinfo);
    cinfo.progress = &g.progress;
    cinfo.mem->max_memory_to_use = JPEG_MAX_MEMORY;
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    /* Largest DCT reduction that still leaves at least the wanted size, so
     * the box filter only has a little left to do. */
    unsigned denom = 8;
    while (denom > 1 && ((cinfo.image_width + denom - 1) / denom < want_w ||
                         (cinfo.image_height + denom - 1) / denom < want_h))
        denom /= 2;
    cinfo.scale_num = 1;
    cinfo.scale_denom = denom;
    cinfo.out_color_space = JCS_EXT_RGBA;
    jpeg_start_decompress(&cinfo);
    uint32_t sw = cinfo.output_width, sh = cinfo.output_height, dw, dh;
    /* libjpeg's scaled size may differ from ours by rounding: fit again */
    fit_size(sw, sh, want_w, want_h, &dw, &dh);
    job->width = dw;
    job->height = dh;
    size_t stride = (size_t)dw * 4;
    job->rgba = malloc(stride * dh);
    if (dw != sw || dh != sh) {
        job->row = malloc((size_t)sw * 4);
        job->sum = calloc((size_t)dw * 4, sizeof *job->sum);
    }
    if (!job->rgba || ((dw != sw || dh != sh) && (!job->row || !job->sum))) {
        jpeg_destroy_decompress(&cinfo);
        jpeg_job_free(job);
        return err_set(e, ERR_NOMEM, "out of memory decoding a %ux%u JPEG", (unsigned)sw,
                       (unsigned)sh);
    }
    uint32_t y = 0; /* the output row the next source rows add to */
    while (cinfo.output_scanline < sh) {
        uint32_t sy = cinfo.output_scanline;
        JSAMPROW row = job->row ? job->row : job->rgba + stride * sy;
        jpeg_read_scanlines(&cinfo, &row, 1);
        if (!job->row)
            continue;
        sum_row(job->sum, job->row, sw, dw);
        uint32_t y0 = (uint32_t)((uint64_t)y * sh / dh);
        uint32_t y1 = (uint32_t)((uint64_t)(y + 1) * sh / dh);
        if (y1 <= y0)
            y1 = y0 + 1;
        if (sy + 1 < y1)
            continue;
        /* the last source row of output row y: average it out */
        uint8_t *q = job->rgba + stride * y;
        for (uint32_t x = 0; x < dw; x++) {
            uint32_t x0 = (uint32_t)((uint64_t)x * sw / dw);
            uint32_t x1 = (uint32_t)((uint64_t)(x + 1) * sw / dw);
            if (x1 <= x0)
                x1 = x0 + 1;
            uint64_t n = (uint64_t)(y1 - y0) * (x1 - x0);
            for (int c = 0; c < 4; c++)
                q[x * 4 + c] = (uint8_t)((job->sum[x * 4 + c] + n / 2) / n);
        }
        memset(job->sum, 0, (size_t)dw * 4 * sizeof *job->sum);
        y++; /* the rows of output row y partition the source: dh <= sh */
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(job->row);
    free(job->sum);
    job->row = NULL;
    job->sum = NULL;
    return true;
}

/* ---- PNG (libpng) ---- */

struct png_source {
    const unsigned char *data;
    size_t len, off;
    bool truncated;
    char msg[200];
};

static void
png_on_read(png_structp png, png_bytep out, size_t n)
{
    struct png_source *src = png_get_io_ptr(png);
    if (n > src->len - src->off) {
        src->truncated = true;
        png_error(png, "file is truncated");
    }
    memcpy(out, src->data + src->off, n);
    src->off += n;
}

static void
png_on_error(png_structp png, png_const_charp msg)
{
    struct png_source *src = png_get_error_ptr(png);
    snprintf(src->msg, sizeof src->msg, "%s", msg);
    png_longjmp(png, 1);
}

/* Warnings (an incorrect sRGB profile, an unknown ancillary chunk) are
 * harmless to the picture; truncation and CRC errors in critical chunks are
 * errors and end the decode. */
static void
png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* A libpng reader of data with its info struct; NULL when out of memory.
 * The caller sets its own setjmp and ends with png_destroy_read_struct. */
static png_structp
png_begin(struct png_source *src, const void *data, size_t len, png_infop *info)
{
    memset(src, 0, sizeof *src);
    src->data = data;
    src->len = len;
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, src, png_on_error, png_on_warning);
    if (!png)
        return NULL;
    *info = png_create_info_struct(png);
    if (!*info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return NULL;
    }
    png_set_read_fn(png, src, png_on_read);
    /* Our own limits are checked after the header; let libpng accept any
     * size up to the format's so that the message is ours. */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    return png;
}

static bool
png_probe(const void *data, size_t len, struct image_info *out, struct err *e)
{
    struct png_source src;
    png_infop info;
    png_structp png = png_begin(&src, data, len, &info);
    if (!png)
        return err_set(e, ERR_NOMEM, "out of memory reading a PNG header");
    /* png_read_info reads every chunk up to the first IDAT, but a probe may
     * hold only the first bytes of the file: running out of data after a
     * good IHDR is fine here (the decode reads the whole file). */
    if (setjmp(png_jmpbuf(png))) {
        uint32_t w = png_get_image_width(png, info), h = png_get_image_height(png, info);
        png_destroy_read_struct(&png, &info, NULL);
        if (src.truncated && w && h) {
            out->type = IMAGE_PNG;
            out->width = w;
            out->height = h;
            return true;
        }
        return err_set(e, ERR_INVALID, "unreadable PNG header: %s", src.msg);
    }
    png_read_info(png, info);
    out->type = IMAGE_PNG;
    out->width = png_get_image_width(png, info);
    out->height = png_get_image_height(png, info);
    png_destroy_read_struct(&png, &info, NULL);
    return true;
}

struct png_job {
    uint8_t *rgba;
    png_bytep *rows;
    uint32_t width, height;
};

static bool
png_decode(const void *data, size_t len, struct png_job *job, struct err *e)
{
    struct png_source src;
    png_infop info;
    png_structp png = png_begin(&src, data, len, &info);
    if (!png)
        return err_set(e, ERR_NOMEM, "out of memory decoding a PNG");
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(job->rows);
        free(job->rgba);
        job->rows = NULL;
        job->rgba = NULL;
        return err_set(e, ERR_INVALID, "broken PNG data: %s", src.msg);
    }
    png_read_info(png, info);
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    job->width = png_get_image_width(png, info);
    job->height = png_get_image_height(png, info);
    size_t stride = (size_t)job->width * 4;
    if (png_get_rowbytes(png, info) != stride)
        png_error(png, "unexpected row size after conversion to RGBA");
    job->rgba = malloc(stride * job->height);
    job->rows = malloc(sizeof *job->rows * job->height);
    if (!job->rgba || !job->rows) {
        png_destroy_read_struct(&png, &info, NULL);
        free(job->rows);
        free(job->rgba);
        job->rows = NULL;
        job->rgba = NULL;
        return err_set(e, ERR_NOMEM, "out of memory decoding a %ux%u PNG", (unsigned)job->width,
                       (unsigned)job->height);
    }
    for (uint32_t y = 0; y < job->height; y++)
        job->rows[y] = job->rgba + stride * y;
    png_read_image(png, job->rows);
    png_read_end(png, NULL); /* reads up to IEND: a cut-off file fails here */
    png_destroy_read_struct(&png, &info, NULL);
    free(job->rows);
    job->rows = NULL;
    return true;
}

/* ---- WebP (libwebp) ---- */

static bool
webp_probe(const void *data, size_t len, struct image_info *out, struct err *e)
{
    WebPBitstreamFeatures f;
    VP8StatusCode st = WebPGetFeatures(data, len, &f);
    if (st != VP8_STATUS_OK)
        return err_set(e, ERR_INVALID, "unreadable WebP header (libwebp status %d)", (int)st);
    if (f.has_animation)
        return err_set(e, ERR_INVALID, "animated WebP is not supported");
    out->type = IMAGE_WEBP;
    out->width = (uint32_t)f.width;
    out->height = (uint32_t)f.height;
    return true;
}

/* ---- public ---- */

bool
image_probe(const void *data, size_t len, uint32_t max_pixels, struct image_info *out,
            struct err *e)
{
    struct image_info info = {0};
    bool ok;
    switch (image_type_from_magic(data, len)) {
    case IMAGE_JPEG:
        ok = jpeg_probe(data, len, &info, e);
        break;
    case IMAGE_PNG:
        ok = png_probe(data, len, &info, e);
        break;
    case IMAGE_WEBP:
        ok = webp_probe(data, len, &info, e);
        break;
    default:
        return err_set(e, ERR_INVALID, "not a JPEG, PNG or WebP file (unknown magic bytes)");
    }
    if (!ok || !check_limits(info.type, info.width, info.height, max_pixels, e))
        return false;
    if (out)
        *out = info;
    return true;
}

/* The size that fits inside max_w x max_h (0: unbounded) keeping the aspect
 * ratio, never larger than w x h. */
static void
fit_size(uint32_t w, uint32_t h, uint32_t max_w, uint32_t max_h, uint32_t *ow, uint32_t *oh)
{
    uint64_t mw = max_w ? max_w : w, mh = max_h ? max_h : h;
    *ow = w;
    *oh = h;
    if (w <= mw && h <= mh)
        return;
    if ((uint64_t)w * mh >= (uint64_t)h * mw) { /* width is the tighter bound */
        *ow = (uint32_t)mw;
        uint64_t t = ((uint64_t)h * mw + w / 2) / w;
        *oh = (uint32_t)(t ? t : 1);
    } else {
        *oh = (uint32_t)mh;
        uint64_t t = ((uint64_t)w * mh + h / 2) / h;
        *ow = (uint32_t)(t ? t : 1);
    }
}

/* Area-average downscale of RGBA src (sw x sh) to dw x dh (each no larger). */
static uint8_t *
box_downscale(const uint8_t *src, uint32_t sw, uint32_t sh, uint32_t dw, uint32_t dh)
{
    uint8_t *dst = malloc((size_t)dw * dh * 4);
    if (!dst)
        return NULL;
    for (uint32_t y = 0; y < dh; y++) {
        uint32_t y0 = (uint32_t)((uint64_t)y * sh / dh);
        uint32_t y1 = (uint32_t)((uint64_t)(y + 1) * sh / dh);
        if (y1 <= y0)
            y1 = y0 + 1;
        for (uint32_t x = 0; x < dw; x++) {
            uint32_t x0 = (uint32_t)((uint64_t)x * sw / dw);
            uint32_t x1 = (uint32_t)((uint64_t)(x + 1) * sw / dw);
            if (x1 <= x0)
                x1 = x0 + 1;
            uint64_t sum[4] = {0, 0, 0, 0};
            for (uint32_t sy = y0; sy < y1; sy++) {
                const uint8_t *p = src + ((size_t)sy * sw + x0) * 4;
                for (uint32_t sx = x0; sx < x1; sx++, p += 4)
                    for (int c = 0; c < 4; c++)
                        sum[c] += p[c];
            }
            uint64_t n = (uint64_t)(y1 - y0) * (x1 - x0);
            uint8_t *q = dst + ((size_t)y * dw + x) * 4;
            for (int c = 0; c < 4; c++)
                q[c] = (uint8_t)((sum[c] + n / 2) / n);
        }
    }
    return dst;
}

bool
image_decode(const void *data, size_t len, uint32_t max_pixels, uint32_t max_w, uint32_t max_h,
             struct image_pixels *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct image_info info;
    if (!image_probe(data, len, max_pixels, &info, e))
        return false;
    uint32_t want_w, want_h;
    fit_size(info.width, info.height, max_w, max_h, &want_w, &want_h);

    uint8_t *rgba = NULL;
    uint32_t w = 0, h = 0;
    switch (info.type) {
    case IMAGE_JPEG: {
        struct jpeg_job job = {0};
        if (!jpeg_decode(data, len, want_w, want_h, &job, e))
            return false;
        rgba = job.rgba;
        w = job.width;
        h = job.height;
        break;
    }
    case IMAGE_PNG: {
        struct png_job job = {0};
        if (!png_decode(data, len, &job, e))
            return false;
        rgba = job.rgba;
        w = job.width;
        h = job.height;
        break;
    }
    case IMAGE_WEBP: {
        w = info.width;
        h = info.height;
        size_t size = (size_t)w * h * 4;
        rgba = malloc(size);
        if (!rgba)
            return err_set(e, ERR_NOMEM, "out of memory decoding a %ux%u WebP", (unsigned)w,
                           (unsigned)h);
        if (!WebPDecodeRGBAInto(data, len, rgba, size, (int)w * 4)) {
            free(rgba);
            return err_set(e, ERR_INVALID, "broken WebP data (truncated or corrupt)");
        }
        break;
    }
    case IMAGE_UNKNOWN:
        return err_set(e, ERR_INVALID, "not a JPEG, PNG or WebP file");
    }

    /* libjpeg's scaled size may differ from ours by rounding: fit again. */
    uint32_t dw, dh;
    fit_size(w, h, want_w, want_h, &dw, &dh);
    if (dw != w || dh != h) {
        uint8_t *small = box_downscale(rgba, w, h, dw, dh);
        free(rgba);
        if (!small)
            return err_set(e, ERR_NOMEM, "out of memory scaling an image to %ux%u", (unsigned)dw,
                           (unsigned)dh);
        rgba = small;
        w = dw;
        h = dh;
    }
    out->width = w;
    out->height = h;
    out->stride = w * 4;
    out->rgba = rgba;
    return true;
}

void
image_pixels_free(struct image_pixels *px)
{
    if (!px)
        return;
    free(px->rgba);
    px->rgba = NULL;
    px->width = px->height = px->stride = 0;
}

/* ---- writing PNG (libpng) ---- */

bool
image_write_png(const char *path, const uint8_t *rgb, uint32_t w, uint32_t h, size_t stride,
                struct err *e)
{
    char shown[256];
    err_escape(shown, sizeof shown, path, strlen(path));
    if (w == 0 || h == 0 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE || stride < (size_t)w * 3)
        return err_set(e, ERR_USAGE, "%s: cannot write a %ux%u image with rows of %zu bytes", shown,
                       (unsigned)w, (unsigned)h, stride);
    FILE *f = fopen(path, "wb");
    if (!f)
        return err_set(e, ERR_IO, "%s: cannot create the PNG: %s", shown, strerror(errno));
    struct png_source src = {0}; /* only its msg: what libpng's error said */
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error, png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        fclose(f);
        remove(path);
        return err_set(e, ERR_NOMEM, "%s: out of memory writing the PNG", shown);
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        remove(path);
        return err_set(e, ERR_IO, "%s: cannot write the PNG: %s", shown, src.msg);
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < h; y++)
        png_write_row(png, rgb + stride * y);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    int saved = ferror(f) ? EIO : 0;
    if (fclose(f) != 0 && !saved)
        saved = errno;
    if (saved) {
        remove(path);
        return err_set(e, ERR_IO, "%s: cannot write the PNG: %s", shown, strerror(saved));
    }
    return true;
}
