/* Image probing and decoding for JPEG, PNG and WebP with hard limits, over
 * libjpeg-turbo, libpng and libwebp (no SDL): the bundle loader checks headers
 * with it, newsbundle fully decodes every photo with it, and the renderer
 * decodes at display size with it, and writes its screenshots as PNG with
 * it. Decoder warnings (a truncated JPEG) are errors. Stateless; any thread. */
#ifndef NK_IMAGE_H
#define NK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum image_type { IMAGE_UNKNOWN = 0, IMAGE_JPEG, IMAGE_PNG, IMAGE_WEBP };

#define IMAGE_MAX_PIXELS_DEFAULT (40u * 1000u * 1000u) /* 40 megapixels */
#define IMAGE_MAX_SIDE 65535u

struct image_info {
    enum image_type type;
    uint32_t width, height;
};

/* The type a file name promises by its extension (.jpg/.jpeg/.png/.webp,
 * ASCII case-insensitive), IMAGE_UNKNOWN otherwise. */
enum image_type image_type_from_name(const char *name);
/* The type the leading bytes (magic) say, IMAGE_UNKNOWN otherwise. */
enum image_type image_type_from_magic(const void *data, size_t len);
const char *image_type_name(enum image_type t); /* "JPEG", "PNG", "WebP", "unknown" */

/* Reads only the header of data (which need only hold the first few KiB for
 * JPEG/PNG/WebP; pass what you have): type from magic, width and height.
 * Fails (ERR_INVALID) if the header is unreadable, (ERR_LIMIT) if width*height
 * exceeds max_pixels or a side exceeds IMAGE_MAX_SIDE. */
bool image_probe(const void *data, size_t len, uint32_t max_pixels, struct image_info *out,
                 struct err *e);

/* A decoded image: 8-bit RGBA, rows of stride bytes, owned by the caller and
 * released with image_pixels_free. */
struct image_pixels {
    uint32_t width, height, stride;
    uint8_t *rgba;
};

/* Fully decodes data. When max_w/max_h are non-zero the result fits inside
 * max_w x max_h keeping the aspect ratio (JPEG uses libjpeg's DCT scaling,
 * then a box filter; never upscales). Any decoder warning or error, truncation
 * included, fails with ERR_INVALID; limits as image_probe. */
bool image_decode(const void *data, size_t len, uint32_t max_pixels, uint32_t max_w, uint32_t max_h,
                  struct image_pixels *out, struct err *e);
void image_pixels_free(struct image_pixels *px);

/* Writes w x h pixels of 8-bit RGB (rows of stride bytes) to path as a PNG,
 * replacing the file. Fails with ERR_IO naming path when it cannot be
 * written (no partial file is left), ERR_USAGE for an empty or oversized
 * image. */
bool image_write_png(const char *path, const uint8_t *rgb, uint32_t w, uint32_t h, size_t stride,
                     struct err *e);

#endif
