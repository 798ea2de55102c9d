/* A user's own list as header-driven CSV. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POSITIVES "eval/positives_un_untreated.csv"
#define POSITIVES_ROWS 683

static size_t count_data_rows(const char *path)
{
    csv_reader *r;
    kd_error err = {0};
    assert_int_equal(csv_open(&r, path, ',', &err), 0);
    size_t rows = 0;
    while (csv_next(r, &err) == 1)
        rows++;
    csv_close(r);
    return rows - 1;
}

static void parse(const char *path, collected *c)
{
    list_sink sink;
    kd_error err = {0};
    int rc = parse_generic_csv(path, collect_sink(c, &sink), &err);
    if (rc)
        fail_msg("%s", err.message);
}

static void test_customer_file(void **state)
{
    (void)state;
    const char *path = data_path(POSITIVES);
    kd_error err = {0};
    assert_int_equal(list_detect(path, &err), LIST_GENERIC_CSV);
    collected c;
    parse(path, &c);
    assert_int_equal(count_data_rows(path), POSITIVES_ROWS);
    assert_int_equal(c.n, POSITIVES_ROWS);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_PERSON), POSITIVES_ROWS);
    const model_entity *e = collected_find(&c, "positives_un_untreated-1");
    assert_non_null(e);
    assert_string_equal(e->dataset, "positives_un_untreated");
    assert_string_equal(entity_first(e, KD_PROP_NAME), "ABDULHAI SALEK");
    assert_has(e, KD_PROP_BIRTH_DATE, "1965");
    assert_has(e, KD_PROP_BIRTH_PLACE,
               "Awlyatak Village, Gardan Masjid Area, Chaki Wardak District, Afghanistan");
    assert_has(e, KD_PROP_NATIONALITY, "af");
    e = collected_find(&c, "positives_un_untreated-683");
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "BI SIDI SOULEMAN");
    collected_free(&c);
}

static void test_semicolons_ids_and_extra_columns(void **state)
{
    (void)state;
    const char *path = write_tmp_text("Internal Watchlist.csv",
        "\xEF\xBB\xBF"
        "Customer ID;Full Name;Type;AKA;Date of Birth;Country;Sex;IMO;Risk Score;Email\n"
        "C-001;Ivan Petrov;individual;\"Ivan P.; Vanya\";1970-01-02;ru;M;;high;ivan@example.com\n"
        "\n"
        ";;;;;;;;;\n"
        "C-002;ACME Shipping;Company;\"Acme; Ltd\";;cy;;;low;\n"
        "C-003;Sea Star;vessel;;;;;9123456;;\n");
    collected c;
    parse(path, &c);
    assert_int_equal(c.n, 3);
    const model_entity *e = collected_find(&c, "internal_watchlist-C-001");
    assert_non_null(e);
    assert_string_equal(e->dataset, "internal_watchlist");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Ivan Petrov");
    assert_has(e, KD_PROP_ALIAS, "Ivan P.");
    assert_has(e, KD_PROP_ALIAS, "Vanya");
    assert_has(e, KD_PROP_GENDER, "male");
    assert_has(e, KD_PROP_COUNTRY, "ru");
    assert_has(e, KD_PROP_EMAIL, "ivan@example.com");
    assert_has(e, KD_PROP_NOTES, "Risk Score: high"); /* never dropped */
    e = collected_find(&c, "internal_watchlist-C-002");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_COMPANY);
    assert_has(e, KD_PROP_ALIAS, "Acme");
    e = collected_find(&c, "internal_watchlist-C-003");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_VESSEL);
    assert_has(e, KD_PROP_IMO_NUMBER, "9123456");
    collected_free(&c);
}

static void test_tabs_and_name_parts(void **state)
{
    (void)state;
    const char *path = write_tmp_text("staff.tsv",
        "first_name\tmiddle_name\tlast_name\tschema\tpassport\n"
        "Anna\tMaria\tSchmidt\tPerson\tX1;X2\n"
        "Bob\t\tJones\t\t\n");
    collected c;
    parse(path, &c);
    assert_int_equal(c.n, 2);
    const model_entity *e = collected_find(&c, "staff-1");
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Anna Maria Schmidt");
    assert_has(e, KD_PROP_FIRST_NAME, "Anna");
    assert_has(e, KD_PROP_LAST_NAME, "Schmidt");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "X2");
    e = collected_find(&c, "staff-2");
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Bob Jones");
    collected_free(&c);
}

static void expect_error(const char *name, const char *text, int code, const char *needle)
{
    collected c;
    list_sink sink;
    kd_error err = {0};
    int rc = parse_generic_csv(write_tmp_text(name, text), collect_sink(&c, &sink), &err);
    if (rc != code || !strstr(err.message, needle))
        fail_msg("%s: got %d \"%s\", wanted %d with \"%s\"", name, rc, err.message, code, needle);
    collected_free(&c);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_error("g-empty.csv", "", KD_EEMPTY, "no records");
    expect_error("g-header.csv", "id,name\n", KD_EEMPTY, "no records");
    expect_error("g-blank.csv", "id,name\n,\n", KD_EEMPTY, "no records");
    expect_error("g-noname.csv", "id,dob\n1,1970\n", KD_EFORMAT, "needs a name column");
    expect_error("g-dup.csv", "id,name\n7,Ann\n8,Bob\n7,Cid\n", KD_EPARSE,
                 ":4: id: duplicate id \"g_dup-7\" (first used on line 2)");
    expect_error("g-schema.csv", "name,type\nAnn,starship\n", KD_EPARSE,
                 ":2: type: unknown type \"starship\"");
    expect_error("g-utf8.csv", "name,city\nAnn,ok\nBob,M\xFCnchen\n", KD_EUTF8,
                 ":3: city: invalid UTF-8");
    expect_error("g-nameless.csv", "name,dob\n,1970\n", KD_EPARSE, ":2: no name");
    expect_error("g-fields.csv", "name\nAnn\nBob,extra\n", KD_EPARSE,
                 ":3: 2 fields, but the header names 1");
    expect_error("g-trunc.csv", "name,dob\n\"Ann,1970\n", KD_EPARSE, "unterminated quoted field");
    expect_error("g-emptyid.csv", "id,name\n,Ann\n", KD_EPARSE, ":2: id: empty");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_customer_file),
        cmocka_unit_test(test_semicolons_ids_and_extra_columns),
        cmocka_unit_test(test_tabs_and_name_parts),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
