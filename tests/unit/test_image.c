/* Unit tests for image: type from name and magic, header probes of JPEG, PNG
 * and WebP made here with the encoders, limits checked before any pixel
 * buffer (a crafted 50,000 x 50,000 header), truncated files, decoding to
 * a bounded size with the aspect ratio kept, and writing PNG. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>

#include "check.h"
#include "image.h"

struct buf {
    unsigned char *data;
    size_t len;
};

/* A gradient with a red left half, so that scaling can be checked. */
static unsigned char *
make_rgb(uint32_t w, uint32_t h)
{
    unsigned char *p = malloc((size_t)w * h * 3);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            unsigned char *q = p + ((size_t)y * w + x) * 3;
            q[0] = x < w / 2 ? 220 : 20;
            q[1] = (unsigned char)(y * 255 / (h ? h : 1));
            q[2] = 40;
        }
    return p;
}

static struct buf
make_jpeg(uint32_t w, uint32_t h)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long out_len = 0;
    jpeg_mem_dest(&c, &out, &out_len);
    c.image_width = w;
    c.image_height = h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 85, TRUE);
    jpeg_start_compress(&c, TRUE);
    unsigned char *rgb = make_rgb(w, h);
    while (c.next_scanline < h) {
        JSAMPROW row = rgb + (size_t)c.next_scanline * w * 3;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(rgb);
    struct buf b = {out, out_len};
    return b;
}

/* A progressive JPEG with one scan per coefficient, component and bit:
 * 380 scans, valid but far more than any encoder writes. */
static struct buf
make_jpeg_many_scans(uint32_t w, uint32_t h)
{
    static jpeg_scan_info scans[2 + 63 * 3 * 2];
    int n = 0;
    scans[n++] = (jpeg_scan_info){3, {0, 1, 2, 0}, 0, 0, 0, 1};
    for (int c = 0; c < 3; c++)
        for (int k = 1; k < 64; k++)
            scans[n++] = (jpeg_scan_info){1, {c, 0, 0, 0}, k, k, 0, 1};
    scans[n++] = (jpeg_scan_info){3, {0, 1, 2, 0}, 0, 0, 1, 0};
    for (int c = 0; c < 3; c++)
        for (int k = 1; k < 64; k++)
            scans[n++] = (jpeg_scan_info){1, {c, 0, 0, 0}, k, k, 1, 0};
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long out_len = 0;
    jpeg_mem_dest(&c, &out, &out_len);
    c.image_width = w;
    c.image_height = h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    c.scan_info = scans;
    c.num_scans = n;
    jpeg_start_compress(&c, TRUE);
    unsigned char *rgb = make_rgb(w, h);
    while (c.next_scanline < h) {
        JSAMPROW row = rgb + (size_t)c.next_scanline * w * 3;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(rgb);
    struct buf b = {out, out_len};
    return b;
}

static void
png_collect(png_structp png, png_bytep data, size_t n)
{
    struct buf *b = png_get_io_ptr(png);
    b->data = realloc(b->data, b->len + n);
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

static void
png_noflush(png_structp png)
{
    (void)png;
}

/* header_only: write the signature and IHDR alone (no pixels), so a huge
 * size can be claimed cheaply with a valid CRC. */
static struct buf
make_png(uint32_t w, uint32_t h, int color_type, bool header_only)
{
    struct buf b = {NULL, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(b.data);
        b.data = NULL;
        b.len = 0;
        return b;
    }
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_set_write_fn(png, &b, png_collect, png_noflush);
    png_set_IHDR(png, info, w, h, 8, color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (!header_only) {
        int ch = color_type == PNG_COLOR_TYPE_GRAY ? 1 : 3;
        unsigned char *rgb = make_rgb(w, h);
        unsigned char *row = malloc((size_t)w * 3);
        for (uint32_t y = 0; y < h; y++) {
            for (uint32_t x = 0; x < w; x++)
                for (int k = 0; k < ch; k++)
                    row[(size_t)x * ch + k] = rgb[((size_t)y * w + x) * 3 + k];
            png_write_row(png, row);
        }
        free(row);
        free(rgb);
        png_write_end(png, NULL);
    }
    png_destroy_write_struct(&png, &info);
    return b;
}

/* Formats that need libpng's conversions: 16-bit RGB interlaced, and a
 * palette with transparency. */
static struct buf
make_png_variant(uint32_t w, uint32_t h, bool palette)
{
    struct buf b = {NULL, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    unsigned char *row = calloc((size_t)w * 6, 1);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        free(b.data);
        b.data = NULL;
        return b;
    }
    png_set_write_fn(png, &b, png_collect, png_noflush);
    if (palette) {
        png_color pal[2] = {{200, 0, 0}, {0, 0, 200}};
        png_byte trans[1] = {0};
        png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_PLTE(png, info, pal, 2);
        png_set_tRNS(png, info, trans, 1, NULL);
    } else {
        png_set_IHDR(png, info, w, h, 16, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_ADAM7,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    }
    png_write_info(png, info);
    int passes = palette ? 1 : png_set_interlace_handling(png);
    for (int pass = 0; pass < passes; pass++)
        for (uint32_t y = 0; y < h; y++) {
            for (uint32_t x = 0; x < w; x++) {
                if (palette) {
                    row[x] = x < w / 2 ? 0 : 1;
                } else {
                    unsigned char *q = row + (size_t)x * 6;
                    q[0] = q[1] = x < w / 2 ? 0xdd : 0x10; /* red, 16-bit big-endian */
                    q[2] = q[3] = q[4] = q[5] = 0x20;
                }
            }
            png_write_row(png, row);
        }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    return b;
}

static struct buf
make_webp(uint32_t w, uint32_t h)
{
    unsigned char *rgb = make_rgb(w, h);
    uint8_t *out = NULL;
    size_t n = WebPEncodeRGB(rgb, (int)w, (int)h, (int)w * 3, 80, &out);
    free(rgb);
    unsigned char *copy = malloc(n);
    memcpy(copy, out, n);
    WebPFree(out);
    struct buf b = {copy, n};
    return b;
}

static void
test_names_and_magic(void)
{
    static const struct {
        const char *name;
        enum image_type type;
    } names[] = {
        {"images/a.jpg", IMAGE_JPEG}, {"images/a.JPEG", IMAGE_JPEG}, {"x.Png", IMAGE_PNG},
        {"x.webp", IMAGE_WEBP},       {"x.gif", IMAGE_UNKNOWN},      {"jpg", IMAGE_UNKNOWN},
        {"x.jpg.txt", IMAGE_UNKNOWN}, {"", IMAGE_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        CHECK_MSG(image_type_from_name(names[i].name) == names[i].type, "%s", names[i].name);
    CHECK_STR(image_type_name(IMAGE_WEBP), "WebP");
    CHECK_STR(image_type_name(IMAGE_UNKNOWN), "unknown");

    struct buf j = make_jpeg(16, 8), p = make_png(16, 8, PNG_COLOR_TYPE_RGB, false),
               w = make_webp(16, 8);
    CHECK_INT(image_type_from_magic(j.data, j.len), IMAGE_JPEG);
    CHECK_INT(image_type_from_magic(p.data, p.len), IMAGE_PNG);
    CHECK_INT(image_type_from_magic(w.data, w.len), IMAGE_WEBP);
    CHECK_INT(image_type_from_magic("GIF89a", 6), IMAGE_UNKNOWN);
    CHECK_INT(image_type_from_magic(j.data, 2), IMAGE_UNKNOWN);
    /* a PNG named .jpg: the loader compares the two and rejects it */
    CHECK(image_type_from_magic(p.data, p.len) != image_type_from_name("images/photo.jpg"));
    free(j.data);
    free(p.data);
    free(w.data);
}

static void
test_probe(void)
{
    struct {
        struct buf b;
        enum image_type type;
        uint32_t w, h;
    } cases[] = {
        {make_jpeg(40, 30), IMAGE_JPEG, 40, 30},
        {make_png(33, 17, PNG_COLOR_TYPE_RGB, false), IMAGE_PNG, 33, 17},
        {make_png(5, 7, PNG_COLOR_TYPE_GRAY, false), IMAGE_PNG, 5, 7},
        {make_webp(21, 12), IMAGE_WEBP, 21, 12},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct image_info info = {0};
        struct err e = {0};
        CHECK_MSG(image_probe(cases[i].b.data, cases[i].b.len, IMAGE_MAX_PIXELS_DEFAULT, &info, &e),
                  "case %zu: %s", i, e.msg);
        CHECK_INT(info.type, cases[i].type);
        CHECK_INT(info.width, cases[i].w);
        CHECK_INT(info.height, cases[i].h);
        /* the pixel limit applies to the probe */
        CHECK(!image_probe(cases[i].b.data, cases[i].b.len, 30, &info, &e));
        CHECK_INT(e.code, ERR_LIMIT);
        free(cases[i].b.data);
    }
    struct err e = {0};
    CHECK(!image_probe("hello world, not an image", 25, IMAGE_MAX_PIXELS_DEFAULT, NULL, &e));
    CHECK_INT(e.code, ERR_INVALID);
    CHECK_CONTAINS(e.msg, "not a JPEG, PNG or WebP");
    /* magic alone, header cut short */
    static const unsigned char stub[] = {0xff, 0xd8, 0xff, 0xe0, 0x00};
    CHECK(!image_probe(stub, sizeof stub, IMAGE_MAX_PIXELS_DEFAULT, NULL, &e));
    CHECK_INT(e.code, ERR_INVALID);
    struct buf p = make_png(8, 8, PNG_COLOR_TYPE_RGB, false);
    CHECK(!image_probe(p.data, 20, IMAGE_MAX_PIXELS_DEFAULT, NULL, &e));
    CHECK_INT(e.code, ERR_INVALID);
    free(p.data);
}

/* Rewrites the SOF0 frame size of a real JPEG: a header that claims a huge
 * image on a tiny file. */
static void
jpeg_set_sof_size(struct buf *b, uint16_t w, uint16_t h)
{
    for (size_t i = 2; i + 9 < b->len; i++)
        if (b->data[i] == 0xff && b->data[i + 1] == 0xc0) {
            b->data[i + 5] = (unsigned char)(h >> 8);
            b->data[i + 6] = (unsigned char)h;
            b->data[i + 7] = (unsigned char)(w >> 8);
            b->data[i + 8] = (unsigned char)w;
            return;
        }
}

static void
test_huge_headers(void)
{
    struct err e = {0};
    struct image_info info;
    struct image_pixels px;

    struct buf p = make_png(50000, 50000, PNG_COLOR_TYPE_RGB, true);
    CHECK(p.data != NULL && p.len == 33); /* signature + IHDR: no pixels at all */
    CHECK(!image_probe(p.data, p.len, IMAGE_MAX_PIXELS_DEFAULT, &info, &e));
    CHECK_INT(e.code, ERR_LIMIT);
    CHECK_CONTAINS(e.msg, "50000x50000");
    /* decode checks before allocating: under ASan a 10 GB malloc would abort */
    CHECK(!image_decode(p.data, p.len, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e));
    CHECK_INT(e.code, ERR_LIMIT);
    CHECK(px.rgba == NULL);
    free(p.data);

    struct buf side = make_png(70000, 10, PNG_COLOR_TYPE_RGB, true);
    CHECK(!image_probe(side.data, side.len, UINT32_MAX, &info, &e));
    CHECK_INT(e.code, ERR_LIMIT);
    CHECK_CONTAINS(e.msg, "side");
    free(side.data);

    struct buf j = make_jpeg(16, 16);
    jpeg_set_sof_size(&j, 50000, 50000);
    CHECK(!image_probe(j.data, j.len, IMAGE_MAX_PIXELS_DEFAULT, &info, &e));
    CHECK_INT(e.code, ERR_LIMIT);
    CHECK_CONTAINS(e.msg, "JPEG is 50000x50000");
    CHECK(!image_decode(j.data, j.len, IMAGE_MAX_PIXELS_DEFAULT, 800, 480, &px, &e));
    CHECK_INT(e.code, ERR_LIMIT);
    free(j.data);
}

static void
test_truncated(void)
{
    struct err e = {0};
    struct image_pixels px;
    struct image_info info;

    struct buf j = make_jpeg(200, 200);
    /* the header survives, so the probe passes, but the decode must not */
    CHECK_MSG(image_probe(j.data, j.len / 2, IMAGE_MAX_PIXELS_DEFAULT, &info, &e), "%s", e.msg);
    CHECK(!image_decode(j.data, j.len / 2, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e));
    CHECK_INT(e.code, ERR_INVALID);
    CHECK_CONTAINS(e.msg, "JPEG");
    CHECK(px.rgba == NULL);
    /* also when scaled down by DCT */
    CHECK(!image_decode(j.data, j.len - 10, IMAGE_MAX_PIXELS_DEFAULT, 8, 8, &px, &e));
    CHECK_INT(e.code, ERR_INVALID);
    CHECK(image_decode(j.data, j.len, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e));
    image_pixels_free(&px);
    free(j.data);

    struct buf p = make_png(64, 64, PNG_COLOR_TYPE_RGB, false);
    CHECK(!image_decode(p.data, p.len / 2, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e));
    CHECK_INT(e.code, ERR_INVALID);
    CHECK_CONTAINS(e.msg, "PNG");
    /* only IEND missing */
    CHECK(!image_decode(p.data, p.len - 12, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e));
    CHECK_INT(e.code, ERR_INVALID);
    free(p.data);

    struct buf w = make_webp(64, 64);
    CHECK(!image_decode(w.data, w.len / 2, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e));
    CHECK_INT(e.code, ERR_INVALID);
    free(w.data);

    /* a progressive JPEG of 380 scans: header fine, decode refused */
    struct buf many = make_jpeg_many_scans(16, 16);
    CHECK(image_probe(many.data, many.len, IMAGE_MAX_PIXELS_DEFAULT, &info, &e));
    CHECK(!image_decode(many.data, many.len, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e));
    CHECK_CONTAINS(e.msg, "more than 256 progressive scans");
    CHECK(px.rgba == NULL);
    free(many.data);
}

static void
test_decode_scaled(void)
{
    static const struct {
        int kind; /* 0 JPEG, 1 PNG, 2 WebP */
        uint32_t w, h, max_w, max_h, want_w, want_h;
    } cases[] = {
        {0, 400, 300, 0, 0, 400, 300},       {0, 400, 300, 100, 100, 100, 75},
        {0, 400, 300, 1000, 1000, 400, 300}, /* never upscales */
        {0, 300, 400, 200, 100, 75, 100},    {0, 640, 480, 90, 0, 90, 68},
        {1, 200, 100, 50, 50, 50, 25},       {1, 33, 17, 0, 0, 33, 17},
        {2, 120, 90, 60, 60, 60, 45},        {2, 120, 90, 0, 30, 40, 30},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b = cases[i].kind == 0 ? make_jpeg(cases[i].w, cases[i].h)
                       : cases[i].kind == 1
                           ? make_png(cases[i].w, cases[i].h, PNG_COLOR_TYPE_RGB, false)
                           : make_webp(cases[i].w, cases[i].h);
        struct image_pixels px;
        struct err e = {0};
        CHECK_MSG(image_decode(b.data, b.len, IMAGE_MAX_PIXELS_DEFAULT, cases[i].max_w,
                               cases[i].max_h, &px, &e),
                  "case %zu: %s", i, e.msg);
        CHECK_MSG(px.width == cases[i].want_w && px.height == cases[i].want_h,
                  "case %zu: %ux%u, expected %ux%u", i, px.width, px.height, cases[i].want_w,
                  cases[i].want_h);
        CHECK_INT(px.stride, px.width * 4);
        if (px.rgba && px.width > 4) {
            /* left half red, right half not; opaque */
            const uint8_t *mid = px.rgba + (size_t)(px.height / 2) * px.stride;
            CHECK_MSG(mid[0] > 160, "case %zu: left red %u", i, mid[0]);
            CHECK_MSG(mid[(px.width - 1) * 4] < 80, "case %zu: right red %u", i,
                      mid[(px.width - 1) * 4]);
            CHECK_INT(mid[3], 255);
        }
        image_pixels_free(&px);
        CHECK(px.rgba == NULL);
        free(b.data);
    }
    /* gray PNG expands to RGBA */
    struct buf g = make_png(10, 10, PNG_COLOR_TYPE_GRAY, false);
    struct image_pixels px;
    struct err e;
    CHECK(image_decode(g.data, g.len, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e));
    CHECK(px.rgba && px.rgba[0] == px.rgba[1] && px.rgba[1] == px.rgba[2] && px.rgba[3] == 255);
    image_pixels_free(&px);
    free(g.data);
    image_pixels_free(NULL);

    /* palette with a transparent entry: alpha 0 on the left, 255 on the right */
    struct buf pal = make_png_variant(12, 6, true);
    CHECK_MSG(image_decode(pal.data, pal.len, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e), "%s",
              e.msg);
    CHECK(px.rgba && px.width == 12 && px.rgba[0] == 200 && px.rgba[3] == 0);
    CHECK(px.rgba && px.rgba[11 * 4 + 2] == 200 && px.rgba[11 * 4 + 3] == 255);
    image_pixels_free(&px);
    free(pal.data);

    /* 16-bit interlaced, scaled down */
    struct buf deep = make_png_variant(64, 32, false);
    CHECK_MSG(image_decode(deep.data, deep.len, IMAGE_MAX_PIXELS_DEFAULT, 16, 16, &px, &e), "%s",
              e.msg);
    CHECK(px.rgba && px.width == 16 && px.height == 8);
    CHECK(px.rgba && px.rgba[0] == 0xdd && px.rgba[15 * 4] == 0x10 && px.rgba[3] == 255);
    image_pixels_free(&px);
    free(deep.data);
}

/* Reads path whole into b; false when it cannot. */
static bool
read_file(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    b->data = NULL;
    b->len = 0;
    unsigned char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        unsigned char *grown = realloc(b->data, b->len + n);
        if (!grown)
            break;
        b->data = grown;
        memcpy(b->data + b->len, chunk, n);
        b->len += n;
    }
    fclose(f);
    return b->len > 0;
}

/* image_write_png: rows with padding at their end (a stride wider than the
 * pixels) come back from image_decode pixel for pixel, opaque; a folder that
 * does not exist, an empty image and a short stride fail with the path named
 * and leave no file. */
static void
test_write_png(void)
{
    const uint32_t w = 37, h = 23;
    const size_t stride = w * 3 + 5;
    unsigned char *rgb = calloc(stride * h, 1);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            unsigned char *q = rgb + stride * y + x * 3;
            q[0] = (unsigned char)(x * 7);
            q[1] = (unsigned char)(y * 11);
            q[2] = (unsigned char)(x ^ y);
        }
    char path[] = "/tmp/nk-test-image-XXXXXX.png";
    int fd = mkstemps(path, 4);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    struct err e = {0};
    CHECK_MSG(image_write_png(path, rgb, w, h, stride, &e), "%s", e.msg);
    struct buf b = {0};
    CHECK(read_file(path, &b));
    struct image_pixels px = {0};
    CHECK_MSG(image_decode(b.data, b.len, IMAGE_MAX_PIXELS_DEFAULT, 0, 0, &px, &e), "%s", e.msg);
    CHECK_INT(px.width, w);
    CHECK_INT(px.height, h);
    int diff = 0;
    for (uint32_t y = 0; px.rgba && y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const unsigned char *q = rgb + stride * y + x * 3;
            const unsigned char *p = px.rgba + (size_t)px.stride * y + x * 4;
            diff += p[0] != q[0] || p[1] != q[1] || p[2] != q[2] || p[3] != 255;
        }
    CHECK_INT(diff, 0);
    image_pixels_free(&px);
    free(b.data);
    remove(path);

    CHECK(!image_write_png("/nonexistent-dir/shot.png", rgb, w, h, stride, &e));
    CHECK_INT(e.code, ERR_IO);
    CHECK_CONTAINS(e.msg, "/nonexistent-dir/shot.png");
    CHECK(!image_write_png(path, rgb, 0, h, stride, &e));
    CHECK_INT(e.code, ERR_USAGE);
    CHECK(!image_write_png(path, rgb, w, h, w * 3 - 1, &e));
    CHECK_INT(e.code, ERR_USAGE);
    CHECK_CONTAINS(e.msg, path);
    FILE *f = fopen(path, "rb");
    CHECK(f == NULL);
    if (f)
        fclose(f);
    free(rgb);
}

int
main(void)
{
    test_names_and_magic();
    test_probe();
    test_huge_headers();
    test_truncated();
    test_decode_scaled();
    test_write_png();
    return check_summary("image");
}
