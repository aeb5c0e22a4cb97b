/* Photos: a reference resolved to a local file (file: URLs too; network and
 * data URLs refused), decoded by the image module (the kiosk's decoder, its
 * limits), scaled to the publisher's width and written as JPEG quality 85
 * with libjpeg-turbo. A JPEG's IPTC (APP13) and XMP (APP1) caption and
 * credit are read for figures the input gave none. */
#include "import_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <setjmp.h>
#include <stdio.h> /* before jpeglib.h */
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

#include "fileio.h"
#include "image.h"

#define JPEG_QUALITY 85

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void
percent_decode(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        int h, l;
        if (r[0] == '%' && (h = hexval(r[1])) >= 0 && (l = hexval(r[2])) >= 0 && (h || l)) {
            *w++ = (char)(h * 16 + l);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

bool
imp_resolve(const char *ref, const char *base, char **out, struct err *e)
{
    size_t k = 0;
    while (isalnum((unsigned char)ref[k]) || ref[k] == '+' || ref[k] == '-' || ref[k] == '.')
        k++;
    char *path = NULL;
    if (k > 1 && ref[k] == ':' && isalpha((unsigned char)ref[0])) {
        if (k != 4 || strncasecmp(ref, "file", 4) != 0)
            return err_set(e, ERR_INVALID,
                           "%.200s: a network or data URL; only local files and file: URLs are "
                           "imported (save the file and give its path)",
                           ref);
        const char *p = ref + 5;
        if (p[0] == '/' && p[1] == '/') {
            p += 2;
            const char *slash = strchr(p, '/');
            if (!slash || !(slash == p || (slash - p == 9 && !strncasecmp(p, "localhost", 9))))
                return err_set(e, ERR_INVALID,
                               "%.200s: a file: URL on another host; only local files are "
                               "imported",
                               ref);
            p = slash;
        }
        path = strdup(p);
        if (path)
            percent_decode(path);
    } else if (ref[0] == '/' || !base) {
        path = strdup(ref);
    } else {
        size_t n = strlen(base) + strlen(ref) + 2;
        path = malloc(n);
        if (path) {
            snprintf(path, n, "%s/%s", base, ref);
            percent_decode(path + strlen(base) + 1);
        }
    }
    if (!path)
        return err_set(e, ERR_NOMEM, "out of memory");
    *out = path;
    return true;
}

/* IPTC-IIM text: UTF-8 when valid, else ISO 8859-1. */
static char *
iptc_string(const uint8_t *p, size_t n)
{
    if (!u8_check(p, n)) {
        char *s = malloc(n + 1);
        if (s) {
            memcpy(s, p, n);
            s[n] = '\0';
        }
        return s;
    }
    char *s = malloc(2 * n + 1), *w = s;
    for (size_t i = 0; s && i < n; i++) {
        if (p[i] < 0x80) {
            *w++ = (char)p[i];
        } else {
            *w++ = (char)(0xc0 | (p[i] >> 6));
            *w++ = (char)(0x80 | (p[i] & 0x3f));
        }
    }
    if (s)
        *w = '\0';
    return s;
}

static void
iptc(const uint8_t *p, size_t n, char **caption, char **credit)
{
    /* Photoshop image resources: "8BIM", id, Pascal name (even), size, data (even) */
    size_t i = 0;
    while (i + 12 <= n && memcmp(p + i, "8BIM", 4) == 0) {
        unsigned id = (unsigned)p[i + 4] << 8 | p[i + 5];
        size_t nl = p[i + 6];
        size_t off = i + 6 + ((nl + 2) & ~(size_t)1);
        if (off + 4 > n)
            return;
        size_t sz =
            (size_t)p[off] << 24 | (size_t)p[off + 1] << 16 | (size_t)p[off + 2] << 8 | p[off + 3];
        off += 4;
        if (sz > n - off)
            return;
        if (id == 0x0404) {
            const uint8_t *r = p + off;
            size_t j = 0;
            while (j + 5 <= sz && r[j] == 0x1c) {
                unsigned rec = r[j + 1], ds = r[j + 2];
                size_t len = (size_t)r[j + 3] << 8 | r[j + 4];
                if (len & 0x8000)
                    return; /* extended length: not for captions */
                j += 5;
                if (len > sz - j)
                    return;
                char **dst = rec == 2 && ds == 120   ? caption
                             : rec == 2 && ds == 110 ? credit
                                                     : NULL;
                if (dst && !*dst)
                    *dst = iptc_string(r + j, len);
                j += len;
            }
        }
        i = off + sz + (sz & 1);
    }
}

static char *
xml_first_text(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            const char *s = (const char *)c->content;
            while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
                s++;
            if (*s)
                return strdup(s);
        } else if (c->type == XML_ELEMENT_NODE) {
            char *r = xml_first_text(c);
            if (r)
                return r;
        }
    }
    return NULL;
}

#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_PS "http://ns.adobe.com/photoshop/1.0/"

static void
xmp_walk(const xmlNode *n, char **caption, char **credit, unsigned depth)
{
    for (; n && depth < 32; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *href = n->ns ? (const char *)n->ns->href : "";
        if (!*caption && !strcmp(href, NS_DC) && !strcmp((const char *)n->name, "description"))
            *caption = xml_first_text(n);
        if (!*credit && !strcmp(href, NS_PS) && !strcmp((const char *)n->name, "Credit"))
            *credit = xml_first_text(n);
        for (const xmlAttr *at = n->properties; at && !*credit; at = at->next)
            if (at->ns && !strcmp((const char *)at->ns->href, NS_PS) &&
                !strcmp((const char *)at->name, "Credit") && at->children && at->children->content)
                *credit = strdup((const char *)at->children->content);
        xmp_walk(n->children, caption, credit, depth + 1);
    }
}

static void
xmp(const uint8_t *p, size_t n, char **caption, char **credit)
{
    xmlDocPtr doc = xmlReadMemory((const char *)p, (int)n, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return;
    if (!doc->intSubset) /* no DOCTYPE: no entities to expand */
        xmp_walk(xmlDocGetRootElement(doc), caption, credit, 0);
    xmlFreeDoc(doc);
}

static void
jpeg_metadata(const uint8_t *p, size_t n, char **caption, char **credit)
{
    static const char xmp_id[] = "http://ns.adobe.com/xap/1.0/";
    size_t i = 2;
    while (i + 4 <= n && p[i] == 0xff) {
        unsigned m = p[i + 1];
        if (m == 0xd9 || m == 0xda)
            return;
        size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
        if (len < 2 || i + 2 + len > n)
            return;
        const uint8_t *seg = p + i + 4;
        size_t sl = len - 2;
        if (m == 0xed && sl > 14 && memcmp(seg, "Photoshop 3.0", 14) == 0)
            iptc(seg + 14, sl - 14, caption, credit);
        else if (m == 0xe1 && sl > sizeof xmp_id && memcmp(seg, xmp_id, sizeof xmp_id) == 0)
            xmp(seg + sizeof xmp_id, sl - sizeof xmp_id, caption, credit);
        i += 2 + len;
    }
}

struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
};

static void
jerr_exit(j_common_ptr c)
{
    longjmp(((struct jerr *)c->err)->jb, 1);
}

static bool
encode(const struct image_pixels *px, char **out, size_t *out_len)
{
    struct jpeg_compress_struct c;
    struct jerr je;
    unsigned char *buf = NULL;
    unsigned long len = 0;
    uint8_t *row = malloc((size_t)px->width * 3);
    if (!row)
        return false;
    c.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = jerr_exit;
    if (setjmp(je.jb)) {
        jpeg_destroy_compress(&c);
        free(buf);
        free(row);
        return false;
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &buf, &len);
    c.image_width = px->width;
    c.image_height = px->height;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, JPEG_QUALITY, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        const uint8_t *s = px->rgba + (size_t)c.next_scanline * px->stride;
        for (uint32_t x = 0; x < px->width; x++) {
            unsigned a = s[4 * x + 3];
            if (a == 255) { /* most photos: opaque */
                memcpy(row + 3 * x, s + 4 * x, 3);
                continue;
            }
            for (int k = 0; k < 3; k++) /* transparency over white paper */
                row[3 * x + k] = (uint8_t)((s[4 * x + k] * a + 255 * (255 - a) + 127) / 255);
        }
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    *out = (char *)buf;
    *out_len = len;
    return true;
}

bool
imp_photo_convert(const char *path, uint32_t max_width, char **jpeg, size_t *jpeg_len,
                  char **caption, char **credit, struct err *e)
{
    *caption = *credit = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_INVALID, "photo %.200s: cannot open: %s", path, strerror(errno));
    struct stat st;
    char *data = NULL;
    size_t len = 0;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (!ok)
        err_set(e, ERR_INVALID, "photo %.200s: not a regular file", path);
    else if (!(ok = fileio_read_all(fd, (size_t)st.st_size, IMPORT_MAX_PHOTO_BYTES, &data, &len)))
        err_set(e, errno == EFBIG ? ERR_LIMIT : ERR_IO, "photo %.200s: %s", path,
                errno == EFBIG ? "larger than 64 MiB" : strerror(errno));
    close(fd);
    if (!ok)
        return false;
    enum image_type t = image_type_from_magic(data, len);
    struct image_pixels px = {0};
    if (t == IMAGE_UNKNOWN)
        ok = err_set(e, ERR_INVALID, "photo %.200s: not a JPEG, PNG or WebP image", path);
    if (ok && t == IMAGE_JPEG)
        jpeg_metadata((const uint8_t *)data, len, caption, credit);
    if (ok &&
        !image_decode(data, len, IMAGE_MAX_PIXELS_DEFAULT, max_width, IMAGE_MAX_SIDE, &px, e)) {
        err_prefix(e, "photo %.200s", path);
        ok = false;
    }
    if (ok && !encode(&px, jpeg, jpeg_len))
        ok = err_set(e, ERR_NOMEM, "photo %.200s: the JPEG encoder failed", path);
    image_pixels_free(&px);
    free(data);
    if (!ok) {
        free(*caption);
        free(*credit);
        *caption = *credit = NULL;
    }
    return ok;
}
