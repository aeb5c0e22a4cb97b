/* libFuzzer target over the image probes and decoders (JPEG, PNG, WebP):
 * whatever the bytes, no crash, no leak, no allocation past the limits. */
#include <stddef.h>
#include <stdint.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small limits keep every run fast; the checks are the same at 40 MP. */
#define FUZZ_MAX_PIXELS (1u << 20)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    struct image_info info;
    bool probed = image_probe(data, size, FUZZ_MAX_PIXELS, &info, &e);
    if (probed && ((uint64_t)info.width * info.height > FUZZ_MAX_PIXELS || info.width == 0))
        __builtin_trap();
    struct image_pixels px;
    if (image_decode(data, size, FUZZ_MAX_PIXELS, 64, 64, &px, &e)) {
        if (!probed || px.width == 0 || px.width > 64 || px.height > 64 || !px.rgba)
            __builtin_trap();
        /* touch every pixel so ASan checks the buffer's size */
        uint32_t sum = 0;
        for (size_t i = 0; i < (size_t)px.stride * px.height; i++)
            sum += px.rgba[i];
        (void)sum;
        image_pixels_free(&px);
    }
    return 0;
}
