/* Unit tests for base: the arena (budgets, alignment, realloc) and errors
 * (formatting, sanitising, escaping hostile names). */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "check.h"
#include "err.h"

static void
test_arena(void)
{
    struct arena a;
    arena_init(&a, 0);
    char *p = arena_alloc(&a, 3);
    CHECK(p != NULL);
    CHECK(((uintptr_t)p % 16) == 0);
    CHECK(p[0] == 0 && p[2] == 0);
    char *big = arena_alloc(&a, 1 << 20); /* larger than a block */
    CHECK(big != NULL);
    big[(1 << 20) - 1] = 1;
    CHECK_STR(arena_strndup(&a, "hello world", 5), "hello");
    CHECK_STR(arena_printf(&a, "%d-%s", 42, "x"), "42-x");

    /* realloc of the last allocation grows in place and keeps content */
    int *v = arena_alloc(&a, 4 * sizeof *v);
    for (int i = 0; i < 4; i++)
        v[i] = i;
    int *w = arena_realloc(&a, v, 4 * sizeof *v, 400 * sizeof *v);
    CHECK(w != NULL);
    CHECK(w[3] == 3 && w[399] == 0);
    arena_fini(&a);

    /* a budget is enforced and failure is recoverable */
    arena_init(&a, 100 * 1024);
    CHECK(arena_alloc(&a, 1000) != NULL);
    CHECK(arena_alloc(&a, 200 * 1024) == NULL);
    CHECK(arena_alloc(&a, 1000) != NULL);
    arena_fini(&a);
}

static void
test_err(void)
{
    struct err e;
    err_clear(&e);
    CHECK(e.code == ERR_OK);
    CHECK(!err_set(&e, ERR_INVALID, "%s:%d: title is required", "articles/a.md", 3));
    CHECK(e.code == ERR_INVALID);
    CHECK_STR(e.msg, "articles/a.md:3: title is required");
    err_prefix(&e, "bundle %s", "x.tar.zst");
    CHECK_STR(e.msg, "bundle x.tar.zst: articles/a.md:3: title is required");
    err_set(&e, ERR_INVALID, "bad\nname\033[1m");
    CHECK(strchr(e.msg, '\n') == NULL && strchr(e.msg, '\033') == NULL);
    CHECK(!err_set(NULL, ERR_IO, "ignored")); /* NULL is allowed */

    char out[64];
    const char name[] = "a\nb\\c\xff"
                        "d";
    err_escape(out, sizeof out, name, sizeof name - 1);
    CHECK_STR(out, "a\\x0Ab\\x5Cc\\xFFd");
    err_escape(out, sizeof out, "caf\xc3\xa9", 5); /* valid UTF-8 is kept */
    CHECK_STR(out, "caf\xc3\xa9");
    char small[8];
    err_escape(small, sizeof small, "abcdefghijklmnop", 16);
    CHECK(strlen(small) < sizeof small);
    CHECK_CONTAINS(small, "...");
}

int
main(void)
{
    test_arena();
    test_err();
    return check_summary("base");
}
