/* Canada's consolidated autonomous sanctions list XML: counts, ids, the
 * three kinds of record, the free-text Aliases field, and bad input. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static collected all;

static int setup(void **state)
{
    (void)state;
    list_sink storage;
    kd_error err = {0};
    if (parse_canada_xml(data_path("lists/canada/sema-consolidated.xml"),
                         collect_sink(&all, &storage), &err)) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    collected_free(&all);
    return 0;
}

static const model_entity *find(const char *id)
{
    const model_entity *e = collected_find(&all, id);
    if (!e)
        fail_msg("%s not found", id);
    return e;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_counts_and_unique_ids(void **state)
{
    (void)state;
    assert_int_equal(all.n, 4759);
    assert_int_equal(collected_count_schema(&all, KD_SCHEMA_PERSON), 3334);
    assert_int_equal(collected_count_schema(&all, KD_SCHEMA_ORGANIZATION), 1316);
    assert_int_equal(collected_count_schema(&all, KD_SCHEMA_VESSEL), 109);
    const char **ids = malloc(all.n * sizeof *ids);
    assert_non_null(ids);
    for (size_t i = 0; i < all.n; i++) {
        ids[i] = all.items[i].id.data;
        assert_memory_equal(ids[i], "ca-sema-", 8);
        assert_string_equal(all.items[i].dataset, "ca_dfatd_sema_sanctions");
        assert_non_null(entity_first(&all.items[i], KD_PROP_NAME));
        assert_non_null(entity_first(&all.items[i], KD_PROP_LISTING_DATE));
    }
    qsort(ids, all.n, sizeof *ids, by_id);
    for (size_t i = 1; i < all.n; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0)
            fail_msg("duplicate id %s", ids[i]);
    free(ids);
}

static void test_primakov(void **state)
{
    (void)state;
    const model_entity *e = find("ca-sema-russia-1-part-1-1358");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Evgeny Alexandrovich PRIMAKOV");
    assert_true(entity_has_substring(e, KD_PROP_NAME, "Evgeny"));
    assert_true(entity_has_substring(e, KD_PROP_NAME, "PRIMAKOV"));
    assert_has(e, KD_PROP_FIRST_NAME, "Evgeny Alexandrovich");
    assert_has(e, KD_PROP_LAST_NAME, "PRIMAKOV");
    assert_has(e, KD_PROP_ALIAS, "Евгений Александрович Примаков");
    assert_has(e, KD_PROP_BIRTH_DATE, "1976-04-29");
    assert_has(e, KD_PROP_COUNTRY, "ru");
    assert_has(e, KD_PROP_PROGRAM, "SEMA - Russia - Schedule 1, Part 1");
    assert_has(e, KD_PROP_LISTING_DATE, "2023-09-20");
    /* The brief's example id, and the first record of the file. */
    e = find("ca-sema-belarus-1-part-1-1");
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Khazalbek Bakhtibekovich Atabekov");
    assert_has(e, KD_PROP_COUNTRY, "by");
}

static void test_vessel_and_organisations(void **state)
{
    (void)state;
    const model_entity *e = find("ca-sema-russia-1-1-1");
    assert_int_equal(e->schema, KD_SCHEMA_VESSEL);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Balitiyskiy III");
    assert_has(e, KD_PROP_IMO_NUMBER, "7612448");
    assert_has(e, KD_PROP_TYPE, "General Cargo / Multi Purpose");
    assert_has(e, KD_PROP_BUILD_DATE, "1980");
    assert_has(e, KD_PROP_PROGRAM, "SEMA - Russia - Schedule 1.1");
    /* A person's TitleOrShip is a title, its English half. */
    e = find("ca-sema-syria-part-2-60");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_has(e, KD_PROP_TITLE, "Major General");
    /* No schedule; a regime that is not a country gets no country. */
    e = find("ca-sema-venezuela-117");
    assert_has(e, KD_PROP_PROGRAM, "SEMA - Venezuela");
    assert_has(e, KD_PROP_BIRTH_DATE, "1965-07-15"); /* "1965-07-15 OR 1969-09-28" */
    assert_has(e, KD_PROP_BIRTH_DATE, "1969-09-28");
    e = find("ca-sema-jvcfor-54");
    assert_has(e, KD_PROP_PROGRAM,
               "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)");
    assert_int_equal(entity_count(e, KD_PROP_COUNTRY), 0);
}

static void test_aliases(void **state)
{
    (void)state;
    /* "A, B, Belarusian: C; Russian: D, E" */
    const model_entity *e = find("ca-sema-belarus-1-part-1-120");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 5);
    assert_has(e, KD_PROP_ALIAS, "Mikalay Alyaksandravich Lukashenka");
    assert_has(e, KD_PROP_ALIAS, "Kolya Lukashenko");
    assert_has(e, KD_PROP_ALIAS, "Мікалай Аляксандравіч Лукашэнка");
    assert_has(e, KD_PROP_ALIAS, "Николай Александрович Лукашенко");
    assert_has(e, KD_PROP_ALIAS, "Коля Лукашенко");
    /* A one-word name of a person is weak. */
    assert_has(find("ca-sema-sudan-part-1-5"), KD_PROP_WEAK_ALIAS, "Hemedti");
    /* Commas inside organisation names and before legal forms stay. */
    e = find("ca-sema-belarus-1-part-3-3");
    assert_has(e, KD_PROP_ALIAS, "OMON");
    assert_has(e, KD_PROP_ALIAS, "Minsk OMON");
    assert_has(find("ca-sema-russia-1-part-2-387"), KD_PROP_ALIAS, "Рембаза, АО");
    e = find("ca-sema-russia-1-part-2-479");
    assert_has(e, KD_PROP_ALIAS, "РЕСО-Гарантия, САО");
    assert_has(e, KD_PROP_ALIAS, "Страховое Акционерное Общество \"РЕСО-Гарантия\"");
    for (size_t i = 0; i < all.n; i++)
        for (size_t k = 0; k < all.items[i].n_values; k++) {
            const char *v = entity_value_text(&all.items[i], k);
            if (all.items[i].values[k].prop == KD_PROP_ALIAS &&
                (strstr(v, "Russian:") || strcmp(v, "АО") == 0 || strcmp(v, "САО") == 0))
                fail_msg("%s: alias \"%s\"", all.items[i].id.data, v);
        }
}

/* ---- bad input ----------------------------------------------------------- */

static const char valid_doc[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<data-set>\n"
                                "<record>\n"
                                "<Country>Russia / Russie</Country>\n"
                                "<LastName>@@</LastName>\n"
                                "<GivenName>Ivan</GivenName>\n"
                                "<Schedule>1, Part 1</Schedule>\n"
                                "<Item>7</Item>\n"
                                "</record>\n"
                                "</data-set>\n";

static int parse_variant(const char *name, const char *value, size_t cut, bool utf16,
                         collected *c, kd_error *err)
{
    char text[2048];
    const char *at = strstr(valid_doc, "@@");
    int n = snprintf(text, sizeof text, "%.*s%s%s", (int)(at - valid_doc), valid_doc, value, at + 2);
    if (utf16) {
        char *enc = strstr(text, "UTF-8");
        memmove(enc + 6, enc + 5, strlen(enc + 5) + 1);
        memcpy(enc, "UTF-16", 6);
        n++;
    }
    list_sink storage;
    return parse_canada_xml(write_tmp(name, text, cut ? cut : (size_t)n), collect_sink(c, &storage),
                            err);
}

static void test_bad_input(void **state)
{
    (void)state;
    collected c;
    kd_error err = {0};
    size_t cut = (size_t)(strstr(valid_doc, "@@") - valid_doc);
    assert_int_equal(parse_variant("ca_ok.xml", "Petrov", 0, false, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.items[0].id.data, "ca-sema-russia-1-part-1-7");
    assert_has(&c.items[0], KD_PROP_NAME, "Ivan Petrov");
    collected_free(&c);
    assert_int_not_equal(parse_variant("ca_cut.xml", "Petrov", cut, false, &c, &err), 0);
    assert_non_null(strstr(err.message, ":5:"));
    assert_int_equal(parse_variant("ca_utf8.xml", "Pe\xc3\x28trov", 0, false, &c, &err), KD_EUTF8);
    assert_non_null(strstr(err.message, "ca_utf8.xml:5: invalid UTF-8"));
    assert_int_not_equal(parse_variant("ca_utf16.xml", "Petrov", 0, true, &c, &err), 0);
    assert_non_null(strstr(err.message, ":1:"));
    assert_non_null(strstr(err.message, "UTF-16"));
    list_sink storage;
    assert_int_equal(parse_canada_xml(write_tmp("ca_empty.xml", "", 0), collect_sink(&c, &storage),
                                      &err),
                     KD_EEMPTY);
    static const char no_item[] = "<data-set><record><Country>Iran</Country>"
                                  "<EntityOrShip>X</EntityOrShip></record></data-set>";
    assert_int_equal(parse_canada_xml(write_tmp("ca_noitem.xml", no_item, sizeof no_item - 1),
                                      collect_sink(&c, &storage), &err),
                     KD_EPARSE);
    assert_non_null(strstr(err.message, "Item missing"));
}

static void test_entity_bomb(void **state)
{
    (void)state;
    /* in element text; no list declares entities */
    assert_entity_bomb_refused(parse_canada_xml, "ca_bomb.xml", "data-set",
                               "<data-set><record><Country>Iran</Country><Item>1</Item><EntityOrShip>&a9;</EntityOrShip><Aliases>&a9;</Aliases></record></data-set>\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_unique_ids),
        cmocka_unit_test(test_primakov),
        cmocka_unit_test(test_vessel_and_organisations),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_entity_bomb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
