#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN (64 * 1024)
#define ALIGN_UP(n) (((n) + 15u) & ~(size_t)15u)

struct arena_block {
    struct arena_block *next;
    size_t size, off;
    _Alignas(16) unsigned char data[];
};

void
arena_init(struct arena *a, size_t budget)
{
    a->head = NULL;
    a->used = 0;
    a->budget = budget;
}

void
arena_fini(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}

void *
arena_alloc(struct arena *a, size_t size)
{
    size_t need = ALIGN_UP(size ? size : 1);
    if (need < size)
        return NULL;
    struct arena_block *b = a->head;
    if (!b || b->size - b->off < need) {
        size_t bsize = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
        if (a->budget && (a->used + bsize + sizeof *b > a->budget)) {
            /* Try an exact-size block before giving up. */
            bsize = need;
            if (a->used + bsize + sizeof *b > a->budget)
                return NULL;
        }
        /* Not malloc: it aligns to 8 only on 32-bit Arm (armhf), and the
         * header promises 16. Both sizes are multiples of 16, as C11 asks. */
        b = aligned_alloc(_Alignof(struct arena_block), sizeof *b + bsize);
        if (!b)
            return NULL;
        b->size = bsize;
        b->off = 0;
        a->used += bsize + sizeof *b;
        /* Keep the block with more room at the head. */
        if (a->head && a->head->size - a->head->off > bsize - need) {
            b->next = a->head->next;
            a->head->next = b;
            b->off = need;
            memset(b->data, 0, need);
            return b->data;
        }
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->off;
    b->off += need;
    memset(p, 0, need);
    return p;
}

void *
arena_realloc(struct arena *a, void *p, size_t old_size, size_t new_size)
{
    if (!p)
        return arena_alloc(a, new_size);
    if (new_size <= old_size)
        return p;
    struct arena_block *b = a->head;
    size_t old_al = ALIGN_UP(old_size ? old_size : 1), new_al = ALIGN_UP(new_size);
    if (b && (unsigned char *)p + old_al == b->data + b->off &&
        b->size - (b->off - old_al) >= new_al) {
        memset(b->data + b->off, 0, new_al - old_al);
        b->off += new_al - old_al;
        return p;
    }
    void *q = arena_alloc(a, new_size);
    if (q)
        memcpy(q, p, old_size);
    return q;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p && n)
        memcpy(p, s, n);
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
