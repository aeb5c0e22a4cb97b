/* A bump allocator with a byte budget. Everything derived from one edition
 * (strings, article model, layout runs) lives in one arena and is freed at once
 * by arena_fini. Allocation sized by untrusted content fails recoverably (NULL)
 * when the budget is spent. Not thread-safe: one owner at a time. */
#ifndef NK_ARENA_H
#define NK_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head; /* newest block first */
    size_t used;              /* bytes handed out plus block overhead */
    size_t budget;            /* 0 means unlimited */
};

/* Caller-owned storage; budget in bytes, 0 for no limit. */
void arena_init(struct arena *a, size_t budget);
void arena_fini(struct arena *a); /* frees every allocation; a may be re-inited */

/* 16-byte-aligned, zeroed memory valid until arena_fini; NULL when the budget
 * or the system allocator is exhausted. */
void *arena_alloc(struct arena *a, size_t size);
/* Grows the last allocation p (old_size bytes) to new_size when possible,
 * else copies; NULL on exhaustion (p stays valid). */
void *arena_realloc(struct arena *a, void *p, size_t old_size, size_t new_size);
char *arena_strndup(struct arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
