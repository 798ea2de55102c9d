/* Text screening on the index of all real lists: the EU listing reasons
 * as a corpus of prose about listed persons. */
#include "testutil.h"
#include "kordon.h"
#include "scan/scan.h"

#include <stdio.h>
#include <string.h>

static void print_miss(void *ctx, size_t entity, const char *reason, size_t at, size_t len,
                       scan_miss_cause cause, const kd_mention *m, size_t n)
{
    (void)m;
    (void)n;
    const kd_index *ix = ctx;
    kd_entity_view v;
    kd_index_entity(ix, entity, &v);
    fprintf(stderr, "  miss %s: \"%.*s\" — %s\n", v.id, (int)len, reason + at,
            scan_miss_cause_names[cause]);
}

/* Scanning each EU Person record's reason finds the record itself among
 * the listed hits for at least 95% of them. */
static void test_eu_reasons_find_their_own_record(void **state)
{
    (void)state;
    kd_error err = {0};
    kd_index *ix = build_open_index("lists", "scan-all.kdx");
    kd_scanner *s;
    assert_int_equal(kd_scanner_new(ix, &s, &err), 0);
    scan_eval ev;
    assert_int_equal(scan_eval_reasons(s, ix, &ev, print_miss, ix, &err), 0);
    fprintf(stderr, "EU reasons: own record found for %zu of %zu (%.1f%%)\n", ev.found, ev.tried,
            100.0 * (double)ev.found / (double)ev.tried);
    for (int c = 0; c < SCAN_MISS_COUNT; c++)
        fprintf(stderr, "  %zu misses: %s\n", ev.misses[c], scan_miss_cause_names[c]);
    /* about 1,800 such records in the EU annexes */
    assert_true(ev.tried >= 1700);
    assert_true(ev.found * 100 >= ev.tried * 95);
    kd_scanner_free(s);
    kd_index_close(ix);
}

/* Listed persons' Cyrillic names in Russian prose are found (their
 * scripts read as kd_match reads them, inflections left to it). */
static void test_cyrillic_names_in_russian_prose(void **state)
{
    (void)state;
    kd_error err = {0};
    kd_index *ix = build_open_index("lists", "scan-cyrillic.kdx");
    kd_scanner *s;
    assert_int_equal(kd_scanner_new(ix, &s, &err), 0);
    scan_eval ev;
    assert_int_equal(scan_eval_cyrillic(s, ix, &ev, &err), 0);
    fprintf(stderr, "Cyrillic names: found %zu of %zu (%.1f%%)\n", ev.found, ev.tried,
            100.0 * (double)ev.found / (double)ev.tried);
    assert_true(ev.tried >= 4000); /* EU and Canada write thousands of names in Cyrillic */
    assert_true(ev.found * 100 >= ev.tried * 99);
    kd_scanner_free(s);
    kd_index_close(ix);
}

/* Words fold as the index spells them: case and Latin-1 accents aside. */
static void test_fold_word(void **state)
{
    (void)state;
    char out[64];
    size_t n = scan_fold_word("Ávila", strlen("Ávila"), out, sizeof out);
    assert_int_equal(n, 5);
    assert_memory_equal(out, "avila", 5);
    n = scan_fold_word("Muñoz-Palacios", strlen("Muñoz-Palacios"), out, sizeof out);
    assert_int_equal(n, 13);
    assert_memory_equal(out, "munozpalacios", 13);
    /* Cyrillic has no Latin letters: nothing, and the key hash falls back
     * to the bytes, equal only to the same word */
    assert_int_equal(scan_fold_word("Примаков", strlen("Примаков"), out, sizeof out), 0);
    assert_int_equal(scan_key_hash("Ávila", strlen("Ávila")), scan_key_hash("AVILA", 5));
    assert_int_not_equal(scan_key_hash("Примаков", strlen("Примаков")),
                         scan_key_hash("Примакова", strlen("Примакова")));
}

/* Words as Unicode has them: arrows, guillemets and CJK brackets are no
 * part of a word and end a name; Persian joiners and Arabic vowel marks
 * are inside one; a typographic apostrophe joins, a possessive is left out. */
static void test_tokenize(void **state)
{
    (void)state;
    scan_tokens t = {0};
    const char *text = "Evgeny Primakov \xe2\x86\x92 Yevgeny \xc2\xabRossotrudnichestvo\xc2\xbb "
                       "\xe3\x80\x8c" "Aliyev\xe3\x80\x8d \xd8\xb9\xd9\x84\xdb\x8c\xe2\x80\x8c\xd8\xa7\xda\xa9\xd8\xa8\xd8\xb1 "
                       "\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x91\xd9\x8e\xd8\xaf d\xe2\x80\x99" "Estaing Primakov\xe2\x80\x99s";
    assert_int_equal(scan_tokenize(text, strlen(text), &t), 0);
    const char *want[] = {"Evgeny", "Primakov", "Yevgeny", "Rossotrudnichestvo", "Aliyev",
                          "\xd8\xb9\xd9\x84\xdb\x8c\xe2\x80\x8c\xd8\xa7\xda\xa9\xd8\xa8\xd8\xb1",
                          "\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x91\xd9\x8e\xd8\xaf",
                          "d\xe2\x80\x99\x45staing", "Primakov"};
    assert_int_equal(t.n, KD_ARRAY_LEN(want));
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(t.items[i].end - t.items[i].start, strlen(want[i]));
        assert_memory_equal(text + t.items[i].start, want[i], strlen(want[i]));
    }
    assert_false(t.items[1].break_before); /* Evgeny Primakov: one name */
    assert_true(t.items[2].break_before);  /* after the arrow */
    assert_true(t.items[3].break_before);  /* after « */
    assert_true(t.items[4].break_before);  /* after 「 */
    assert_true(t.items[0].ascii && !t.items[5].ascii);
    scan_tokens_free(&t);
}

/* The per-text memory answers what was put, under its tag only, and
 * forgets everything on reset. */
static void test_memo(void **state)
{
    (void)state;
    scan_memo m = {0};
    uint32_t first, count;
    assert_false(scan_memo_get(&m, 1, "Rossotrudnichestvo", 18, &first, &count));
    for (uint32_t i = 0; i < 1000; i++) { /* enough to grow the table a few times */
        char key[32];
        int len = snprintf(key, sizeof key, "window %u", i);
        assert_int_equal(scan_memo_put(&m, 1, key, (size_t)len, i, i * 2), 0);
    }
    assert_int_equal(scan_memo_put(&m, 2, "window 7", 8, 70, 1), 0);
    assert_true(scan_memo_get(&m, 1, "window 7", 8, &first, &count));
    assert_int_equal(first, 7);
    assert_int_equal(count, 14);
    assert_true(scan_memo_get(&m, 2, "window 7", 8, &first, &count));
    assert_int_equal(first, 70);
    assert_false(scan_memo_get(&m, 3, "window 7", 8, &first, &count));
    scan_memo_reset(&m);
    assert_false(scan_memo_get(&m, 1, "window 7", 8, &first, &count));
    assert_int_equal(scan_memo_put(&m, 1, "window 7", 8, 5, 5), 0);
    assert_true(scan_memo_get(&m, 1, "window 7", 8, &first, &count));
    assert_int_equal(first, 5);
    scan_memo_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_word),
        cmocka_unit_test(test_tokenize),
        cmocka_unit_test(test_memo),
        cmocka_unit_test(test_eu_reasons_find_their_own_record),
        cmocka_unit_test(test_cyrillic_names_in_russian_prose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
