/* core: the string map every module's tables are built on, and the array
 * growth helper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uintptr_t get(const strmap *m, const char *key, size_t len)
{
    uintptr_t v = 0;
    assert_true(strmap_get(m, key, len, &v));
    return v;
}

static void test_add_and_get(void **state)
{
    (void)state;
    strmap m = {0};
    assert_false(strmap_get(&m, "a", 1, NULL)); /* an empty map answers */
    uintptr_t *v = NULL;
    assert_int_equal(strmap_add(&m, "alpha", 5, 1, &v), 1);
    assert_int_equal(*v, 1);
    assert_int_equal(strmap_add(&m, "beta", 4, 2, NULL), 1);
    /* adding again finds the entry and keeps its value */
    assert_int_equal(strmap_add(&m, "alpha", 5, 99, &v), 0);
    assert_int_equal(*v, 1);
    *v = 7; /* the pointer is to the stored value */
    assert_int_equal(get(&m, "alpha", 5), 7);
    assert_int_equal(get(&m, "beta", 4), 2);
    assert_int_equal(m.count, 2);
    /* prefixes and extensions of a key are other keys */
    assert_false(strmap_get(&m, "alph", 4, NULL));
    assert_false(strmap_get(&m, "alphab", 6, NULL));
    assert_true(strmap_get(&m, "alphabet", 5, NULL)); /* the length decides, not a NUL */
    assert_false(strmap_get(&m, "gamma", 5, NULL));
    /* a pointer value round-trips */
    static int target;
    assert_int_equal(strmap_add(&m, "ptr", 3, (uintptr_t)&target, NULL), 1);
    assert_ptr_equal((int *)get(&m, "ptr", 3), &target);
    strmap_free(&m);
}

static void test_embedded_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        size_t len;
    } keys[] = {{"", 0}, {"a", 1}, {"a\0", 2}, {"a\0b", 3}, {"a\0c", 3}, {"\0", 1},
                {"\0\0", 2}, {"\xff\xfe", 2}, {"\xff", 1}, {"a\x1f" "b", 3}};
    strmap m = {0};
    for (size_t i = 0; i < KD_ARRAY_LEN(keys); i++)
        assert_int_equal(strmap_add(&m, keys[i].key, keys[i].len, i, NULL), 1);
    assert_int_equal(m.count, KD_ARRAY_LEN(keys));
    for (size_t i = 0; i < KD_ARRAY_LEN(keys); i++) {
        assert_int_equal(get(&m, keys[i].key, keys[i].len), i);
        assert_int_equal(strmap_add(&m, keys[i].key, keys[i].len, 100, NULL), 0);
    }
    /* the empty key may come as a NULL pointer */
    assert_int_equal(get(&m, NULL, 0), 0);
    assert_false(strmap_get(&m, "a\0d", 3, NULL));
    assert_false(strmap_get(&m, "\0\0\0", 3, NULL));
    strmap_free(&m);
}

/* Many thousands of keys: the map grows many times over, and every key
 * keeps its value and its place in insertion order. */
static void test_grow(void **state)
{
    (void)state;
    enum { N = 200000 };
    strmap m = {.copy_keys = true};
    char key[32];
    for (size_t i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "key-%zu", i * 7919);
        assert_int_equal(strmap_add(&m, key, (size_t)n, i, NULL), 1);
    }
    assert_int_equal(m.count, N);
    assert_true(m.n_slots >= 2 * m.count);
    assert_int_equal(m.n_slots & (m.n_slots - 1), 0);
    for (size_t i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "key-%zu", i * 7919);
        assert_int_equal(get(&m, key, (size_t)n), i);
        /* iteration: entries in the order they were added */
        assert_int_equal(m.entries[i].value, i);
        assert_int_equal(m.entries[i].len, (size_t)n);
        assert_memory_equal(m.entries[i].key, key, (size_t)n);
    }
    size_t missing = 0;
    for (size_t i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "key-%zu", i * 7919 + 1);
        missing += !strmap_get(&m, key, (size_t)n, NULL);
    }
    assert_int_equal(missing, N);
    strmap_free(&m);
    assert_int_equal(m.count, 0);
    assert_null(m.entries);
    assert_false(strmap_get(&m, "key-0", 5, NULL));
}

static void test_borrowed_and_copied_keys(void **state)
{
    (void)state;
    char scratch[16] = "changing";
    strmap borrowed = {0}, copied = {.copy_keys = true};
    assert_int_equal(strmap_add(&borrowed, scratch, 8, 1, NULL), 1);
    assert_int_equal(strmap_add(&copied, scratch, 8, 1, NULL), 1);
    assert_ptr_equal(borrowed.entries[0].key, scratch);
    assert_ptr_not_equal(copied.entries[0].key, scratch);
    assert_string_equal(copied.entries[0].key, "changing"); /* copies end in NUL */
    memcpy(scratch, "CHANGING", 8);
    assert_true(strmap_get(&copied, "changing", 8, NULL));
    assert_false(strmap_get(&copied, "CHANGING", 8, NULL));
    strmap_free(&borrowed);
    strmap_free(&copied);
    /* freed, the map is empty and keeps its mode */
    assert_true(copied.copy_keys);
    assert_int_equal(strmap_add(&copied, scratch, 8, 2, NULL), 1);
    assert_int_equal(get(&copied, "CHANGING", 8), 2);
    strmap_free(&copied);
}

/* Borrowed keys whose bytes move (a growing buffer) are repointed and
 * found as before. */
static void test_repointed_keys(void **state)
{
    (void)state;
    char *text = malloc(64);
    assert_non_null(text);
    memcpy(text, "one\0two\0three", 14);
    static const size_t at[] = {0, 4, 8}, len[] = {3, 3, 5};
    strmap m = {0};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(strmap_add(&m, text + at[i], len[i], at[i], NULL), 1);
    char *moved = malloc(64);
    assert_non_null(moved);
    memcpy(moved, text, 14);
    memset(text, 'x', 14); /* the old place no longer holds the keys */
    for (size_t i = 0; i < m.count; i++)
        m.entries[i].key = moved + m.entries[i].value;
    free(text);
    assert_int_equal(get(&m, "two", 3), 4);
    assert_int_equal(get(&m, "three", 5), 8);
    assert_int_equal(strmap_add(&m, "one", 3, 99, NULL), 0);
    strmap_free(&m);
    free(moved);
}

static void test_reserve(void **state)
{
    (void)state;
    strmap m = {0};
    assert_int_equal(strmap_reserve(&m, 1000), KD_OK);
    const strmap_entry *entries = m.entries;
    const strmap_slot *slots = m.slots;
    static char keys[1000][8];
    for (size_t i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof keys[i], "%zu", i);
        assert_int_equal(strmap_add(&m, keys[i], strlen(keys[i]), i, NULL), 1);
    }
    /* nothing moved: the room was there */
    assert_ptr_equal(m.entries, entries);
    assert_ptr_equal(m.slots, slots);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(get(&m, keys[i], strlen(keys[i])), i);
    assert_int_equal(strmap_add(&m, "1000", 4, 1000, NULL), 1);
    assert_int_equal(get(&m, "1000", 4), 1000);
    assert_int_equal(strmap_reserve(&m, (size_t)UINT32_MAX + 1), KD_ELIMIT);
    strmap_free(&m);
}

static void test_limits(void **state)
{
    (void)state;
    strmap m = {0};
    /* refused on its length alone: the bytes are never read */
    assert_int_equal(strmap_add(&m, "x", (size_t)UINT32_MAX + 1, 0, NULL), KD_ELIMIT);
    assert_false(strmap_get(&m, "x", (size_t)UINT32_MAX + 1, NULL));
    assert_int_equal(m.count, 0);
    strmap_free(&m);
}

static void test_vec_reserve(void **state)
{
    (void)state;
    uint64_t *items = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 100000; n++) {
        assert_int_equal(vec_reserve(&items, &cap, n + 1, sizeof *items), KD_OK);
        assert_true(cap >= n + 1);
        items[n] = n * 3;
    }
    assert_int_equal(cap & (cap - 1), 0); /* doubled, not grown by one */
    for (size_t n = 0; n < 100000; n++)
        assert_int_equal(items[n], n * 3);
    uint64_t *before = items;
    size_t before_cap = cap;
    assert_int_equal(vec_reserve(&items, &cap, cap, sizeof *items), KD_OK);
    assert_ptr_equal(items, before);
    /* a size that cannot be allocated fails and leaves the array alone */
    assert_int_equal(vec_reserve(&items, &cap, SIZE_MAX / 4, 64), KD_ENOMEM);
    assert_ptr_equal(items, before);
    assert_int_equal(cap, before_cap);
    free(items);
}

/* Keys whose stored (32-bit) hashes are equal: FNV-1a of "s6w00la" is 0 in
 * its low 32 bits, and appending NUL bytes multiplies that 0 by the prime.
 * Only the lengths and bytes can tell them apart. */
static void test_equal_hashes(void **state)
{
    (void)state;
    static const char key[] = "s6w00la\0\0";
    for (size_t n = 7; n <= 9; n++)
        assert_int_equal((uint32_t)hash_bytes(key, n), 0);
    strmap borrowed = {0}, copied = {.copy_keys = true};
    for (size_t n = 7; n <= 9; n++) {
        assert_int_equal(strmap_add(&borrowed, key, n, n, NULL), 1);
        assert_int_equal(strmap_add(&copied, key, n, n, NULL), 1);
    }
    for (size_t n = 7; n <= 9; n++) {
        assert_int_equal(get(&borrowed, key, n), n);
        assert_int_equal(get(&copied, key, n), n);
    }
    assert_int_equal(borrowed.count, 3);
    assert_int_equal(copied.count, 3);
    strmap_free(&borrowed);
    strmap_free(&copied);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_get),
        cmocka_unit_test(test_embedded_bytes),
        cmocka_unit_test(test_equal_hashes),
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_borrowed_and_copied_keys),
        cmocka_unit_test(test_repointed_keys),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_vec_reserve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
