/* Text screening on the index of all real lists: the EU listing reasons
 * as a corpus of prose about listed persons. */
#include "testutil.h"
#include "kordon.h"
#include "scan/scan.h"
#include "scan_eval.h"
#include "core/core.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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


/* ---- bounds on a scan (kd_scan_with) ------------------------------------ */

/* One index and scanner of all lists for the tests of bounds: built once. */
static kd_index *bounds_ix;
static kd_scanner *bounds_scanner;

static int bounds_setup(void **state)
{
    (void)state;
    kd_error err = {0};
    bounds_ix = build_open_index("lists", "scan-bounds.kdx");
    if (kd_scanner_new(bounds_ix, &bounds_scanner, &err)) {
        fprintf(stderr, "scanner: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int bounds_teardown(void **state)
{
    (void)state;
    kd_scanner_free(bounds_scanner);
    kd_index_close(bounds_ix);
    return 0;
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    text[n] = '\0';
    *len = (size_t)n;
    return text;
}

/* Random capitalised Cyrillic words, no sentence break: every window is
 * new and costs a kd_match (the costliest text per byte there is). With a
 * vocabulary, the words are drawn from that many: each is read in Latin
 * letters once, and the cost is in the windows. */
static char *hostile_cyrillic(size_t bytes, unsigned seed, size_t vocabulary)
{
    static const char *const upper[] = {"А", "Б", "В", "Г", "Д", "Е", "Ж", "З", "И", "К", "Л", "М", "Н", "О",
                                        "П", "Р", "С", "Т", "У", "Ф", "Х", "Ц", "Ч", "Ш", "Э", "Ю", "Я"};
    static const char *const lower[] = {"а", "б", "в", "г", "д", "е", "ж", "з", "и", "й", "к", "л", "м", "н",
                                        "о", "п", "р", "с", "т", "у", "ф", "х", "ц", "ч", "ш", "ы", "ь", "э"};
    char *text = malloc(bytes + 32);
    assert_non_null(text);
    size_t n = 0;
    uint32_t x = seed;
#define NEXT() (x = x * 1103515245u + 12345u, (x >> 16) & 0x7FFF)
    size_t words = 0;
    while (n + 24 < bytes) {
        if (vocabulary && words >= vocabulary) { /* an earlier word again */
            size_t from = 0, pick = NEXT() % vocabulary;
            for (size_t w = 0; w < pick; w++)
                from += strcspn(text + from, " ") + 1;
            size_t wl = strcspn(text + from, " ");
            memcpy(text + n, text + from, wl);
            n += wl;
        } else {
            memcpy(text + n, upper[NEXT() % KD_ARRAY_LEN(upper)], 2);
            n += 2;
            for (unsigned k = 3 + NEXT() % 7; k > 0; k--, n += 2)
                memcpy(text + n, lower[NEXT() % KD_ARRAY_LEN(lower)], 2);
        }
        words++;
        text[n++] = ' ';
    }
#undef NEXT
    text[n] = '\0';
    return text;
}

static void assert_same_mentions(const kd_mention *a, size_t na, const kd_mention *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].start, b[i].start);
        assert_int_equal(a[i].end, b[i].end);
        assert_int_equal(a[i].entity, b[i].entity);
        assert_int_equal(a[i].linked, b[i].linked);
        assert_int_equal(a[i].n_related, b[i].n_related);
        assert_int_equal(a[i].n_related_total, b[i].n_related_total);
        assert_string_equal(a[i].explanation, b[i].explanation);
        for (size_t r = 0; r < a[i].n_related; r++)
            assert_int_equal(a[i].related[r].entity, b[i].related[r].entity);
    }
}

/* Without bounds kd_scan_with is kd_scan; the Baku article's 12 mentions
 * (of parties: Primakov and Rossotrudnichestvo, listed by the EU and by
 * Canada, are one mention each time they are named, not two) each list
 * every related listing found (none has more than 40). */
static void test_scan_with_no_bounds_is_kd_scan(void **state)
{
    (void)state;
    size_t len;
    char *text = read_whole(data_path("text/baku-russian-house.txt"), &len);
    kd_error err = {0};
    kd_mention *a, *b, *c;
    size_t na, nb, nc;
    assert_int_equal(kd_scan(bounds_scanner, text, len, 0, &a, &na, &err), 0);
    assert_int_equal(kd_scan_with(bounds_scanner, text, len, NULL, &b, &nb, &err), 0);
    kd_scan_options none = {0};
    assert_int_equal(kd_scan_with(bounds_scanner, text, len, &none, &c, &nc, &err), 0);
    assert_int_equal(na, 12);
    assert_same_mentions(a, na, b, nb);
    assert_same_mentions(a, na, c, nc);
    for (size_t i = 0; i < na; i++)
        assert_int_equal(a[i].n_related_total, a[i].n_related);
    kd_mentions_free(a, na);
    kd_mentions_free(b, nb);
    kd_mentions_free(c, nc);
    free(text);
}

/* One mention more than max_mentions fails the scan with KD_ELIMIT, a
 * message naming the limit and nothing to free; exactly as many pass. */
static void test_max_mentions(void **state)
{
    (void)state;
    size_t len;
    char *text = read_whole(data_path("text/baku-russian-house.txt"), &len);
    kd_error err = {0};
    kd_mention *m;
    size_t n;
    kd_scan_options o = {.max_mentions = 12};
    assert_int_equal(kd_scan_with(bounds_scanner, text, len, &o, &m, &n, &err), 0);
    assert_int_equal(n, 12);
    kd_mentions_free(m, n);
    o.max_mentions = 11;
    assert_int_equal(kd_scan_with(bounds_scanner, text, len, &o, &m, &n, &err), KD_ELIMIT);
    assert_null(m);
    assert_int_equal(n, 0);
    assert_int_equal(err.code, KD_ELIMIT);
    assert_non_null(strstr(err.message, "max_mentions"));
    assert_non_null(strstr(err.message, "11"));
    /* the scanner is fine afterwards */
    assert_int_equal(kd_scan(bounds_scanner, text, len, 0, &m, &n, &err), 0);
    assert_int_equal(n, 12);
    kd_mentions_free(m, n);
    free(text);
}

/* max_related keeps the first related entries found and counts the rest;
 * the JSON says how many there were only when some were left out. The
 * Wagner Group is named in more listings than the library's own 40. */
static void test_max_related(void **state)
{
    (void)state;
    size_t len;
    char *text = read_whole(data_path("text/baku-russian-house.txt"), &len);
    kd_error err = {0};
    kd_mention *full, *capped;
    size_t n_full, n_capped;
    assert_int_equal(kd_scan(bounds_scanner, text, len, 0, &full, &n_full, &err), 0);
    kd_scan_options o = {.max_related = 2};
    assert_int_equal(kd_scan_with(bounds_scanner, text, len, &o, &capped, &n_capped, &err), 0);
    assert_int_equal(n_full, n_capped);
    size_t left_out = 0;
    for (size_t i = 0; i < n_full; i++) {
        assert_int_equal(capped[i].n_related, full[i].n_related < 2 ? full[i].n_related : 2);
        assert_int_equal(capped[i].n_related_total, full[i].n_related);
        for (size_t r = 0; r < capped[i].n_related; r++) {
            assert_int_equal(capped[i].related[r].entity, full[i].related[r].entity);
            assert_string_equal(capped[i].related[r].snippet, full[i].related[r].snippet);
        }
        json_t *o_full = scan_mention_json(bounds_ix, NULL, text, &full[i]);
        json_t *o_capped = scan_mention_json(bounds_ix, NULL, text, &capped[i]);
        assert_null(json_object_get(o_full, "related_total"));
        if (full[i].n_related > 2) {
            left_out++;
            assert_int_equal(json_integer_value(json_object_get(o_capped, "related_total")),
                             (json_int_t)full[i].n_related);
            assert_int_equal(json_array_size(json_object_get(o_capped, "related")), 2);
        } else {
            assert_null(json_object_get(o_capped, "related_total"));
        }
        json_decref(o_full);
        json_decref(o_capped);
    }
    assert_true(left_out >= 4); /* Rossotrudnichestvo and the Russian House, named often */
    kd_mentions_free(full, n_full);
    kd_mentions_free(capped, n_capped);
    free(text);

    const char *wagner = "Fighters of the Wagner Group were seen there.";
    kd_mention *m;
    size_t n;
    assert_int_equal(kd_scan(bounds_scanner, wagner, strlen(wagner), 0, &m, &n, &err), 0);
    assert_true(n >= 1);
    assert_int_equal(m[0].n_related, 40);
    assert_true(m[0].n_related_total > 40);
    size_t total = m[0].n_related_total;
    kd_mentions_free(m, n);
    o.max_related = 100; /* above the library's own cap: that cap stands */
    assert_int_equal(kd_scan_with(bounds_scanner, wagner, strlen(wagner), &o, &m, &n, &err), 0);
    assert_int_equal(m[0].n_related, 40);
    assert_int_equal(m[0].n_related_total, total);
    kd_mentions_free(m, n);
}

/* In a long run of capitalised words (here 60 random Cyrillic ones with
 * no sentence break), where windows are asked of kd_match only when each
 * of their words reaches a listed name alone, a listed name is still found,
 * inflected as Russian writes it. */
static void test_listed_name_in_long_run(void **state)
{
    (void)state;
    char *noise = hostile_cyrillic(1200, 7, 0);
    size_t cut = 0;
    for (int words = 0; words < 30; words++)
        cut += strcspn(noise + cut, " ") + 1;
    buf text = {0};
    assert_int_equal(buf_append(&text, noise, cut), 0);
    assert_int_equal(buf_append_str(&text, "Евгения Примакова "), 0);
    assert_int_equal(buf_append_str(&text, noise + cut), 0);
    kd_mention *m;
    size_t n;
    kd_error err = {0};
    assert_int_equal(kd_scan(bounds_scanner, text.data, text.len, 0, &m, &n, &err), 0);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        kd_entity_view v;
        kd_index_entity(bounds_ix, m[i].entity, &v);
        found |= !m[i].linked && strcmp(v.id, "eu-oj-32014R0269-1426") == 0 && m[i].start == cut;
    }
    if (!found)
        fail_msg("Primakov not found in a long run of %zu mentions", n);
    kd_mentions_free(m, n);
    buf_free(&text);
    free(noise);
}

typedef struct cancel_probe {
    int calls;
    int cancel_at;        /* the call that cancels (0: by time) */
    double cpu_deadline;  /* thread CPU seconds: cancel from then on */
} cancel_probe;

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cancel_when(void *context)
{
    cancel_probe *p = context;
    p->calls++;
    if (p->cancel_at)
        return p->calls >= p->cancel_at;
    return thread_cpu() >= p->cpu_deadline;
}

/* A cancel that says stop at once: KD_ECANCELED, nothing to free. */
static void test_cancel_at_once(void **state)
{
    (void)state;
    const char *text = "Yesterday Evgeny Primakov visited the Russian House in Baku.";
    cancel_probe p = {.cancel_at = 1};
    kd_scan_options o = {.cancel = cancel_when, .cancel_context = &p};
    kd_mention *m;
    size_t n;
    kd_error err = {0};
    assert_int_equal(kd_scan_with(bounds_scanner, text, strlen(text), &o, &m, &n, &err), KD_ECANCELED);
    assert_int_equal(p.calls, 1);
    assert_null(m);
    assert_int_equal(n, 0);
    assert_int_equal(err.code, KD_ECANCELED);
    assert_non_null(strstr(err.message, "cancel"));
    assert_string_equal(kd_strerror(KD_ECANCELED), "cancelled");
    /* a cancel that never says stop changes nothing */
    p = (cancel_probe){.cancel_at = 1 << 30};
    assert_int_equal(kd_scan_with(bounds_scanner, text, strlen(text), &o, &m, &n, &err), 0);
    assert_true(n >= 1);
    assert_true(p.calls >= 1);
    kd_mentions_free(m, n);
}

/* On the costliest text per byte, a deadline is honoured within 50 ms of
 * work (measured in this thread's CPU time, whatever else the machine
 * runs): the scan asks often enough. */
static void test_cancel_deadline_on_hostile_text(void **state)
{
    (void)state;
    /* every word new: the deadline falls while words are read in Latin
     * letters; 300 words again and again: while windows are tried */
    size_t vocabularies[] = {0, 300};
    for (size_t v = 0; v < KD_ARRAY_LEN(vocabularies); v++) {
        char *text = hostile_cyrillic(512 * 1024, 13, vocabularies[v]);
        size_t len = strlen(text);
        double start = thread_cpu();
        cancel_probe p = {.cpu_deadline = start + 0.15};
        kd_scan_options o = {.cancel = cancel_when, .cancel_context = &p};
        kd_mention *m;
        size_t n;
        kd_error err = {0};
        assert_int_equal(kd_scan_with(bounds_scanner, text, len, &o, &m, &n, &err), KD_ECANCELED);
        double late = thread_cpu() - p.cpu_deadline;
        fprintf(stderr, "vocabulary %zu: deadline honoured %.1f ms of work late, after %d calls to cancel (%s)\n",
                vocabularies[v], late * 1e3, p.calls, err.message);
        assert_true(late < 0.05);
        assert_true(p.calls >= 2);
        free(text);
    }
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
    const struct CMUnitTest bounds[] = {
        cmocka_unit_test(test_scan_with_no_bounds_is_kd_scan),
        cmocka_unit_test(test_max_mentions),
        cmocka_unit_test(test_max_related),
        cmocka_unit_test(test_listed_name_in_long_run),
        cmocka_unit_test(test_cancel_at_once),
        cmocka_unit_test(test_cancel_deadline_on_hostile_text),
    };
    int failed = cmocka_run_group_tests(bounds, bounds_setup, bounds_teardown);
    return failed + cmocka_run_group_tests(tests, NULL, NULL);
}
