/* UK HM Treasury consolidated list CSV: one row per name, grouped by
 * Group ID (rows of a group are not contiguous). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HMT_FILE "formats/uk-hmt-conlist-subset-2016-02-12.csv"
/* Distinct Group IDs, checked with Python's csv module. */
#define HMT_GROUPS 463

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct values of the last column, after the two header lines. */
static size_t count_groups(const char *path)
{
    csv_reader *r;
    kd_error err = {0};
    assert_int_equal(csv_open(&r, path, ',', &err), 0);
    char **ids = NULL;
    size_t n = 0, line = 0;
    while (csv_next(r, &err) == 1) {
        if (line++ < 2)
            continue;
        ids = realloc(ids, (n + 1) * sizeof *ids);
        ids[n++] = strdup(csv_field(r, csv_field_count(r) - 1, NULL));
    }
    csv_close(r);
    qsort(ids, n, sizeof *ids, cmp_str);
    size_t groups = 0;
    for (size_t i = 0; i < n; i++)
        groups += i == 0 || strcmp(ids[i - 1], ids[i]) != 0;
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    return groups;
}

static void parse_file(collected *c)
{
    list_sink sink;
    kd_error err = {0};
    const char *path = data_path(HMT_FILE);
    assert_int_equal(list_detect(path, &err), LIST_UK_HMT_CSV);
    int rc = parse_uk_hmt_csv(path, collect_sink(c, &sink), &err);
    if (rc)
        fail_msg("%s", err.message);
}

static void test_group_count(void **state)
{
    (void)state;
    collected c;
    parse_file(&c);
    assert_int_equal(count_groups(data_path(HMT_FILE)), HMT_GROUPS);
    assert_int_equal(c.n, HMT_GROUPS);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_PERSON), 323);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_ORGANIZATION), 140);
    for (size_t i = 0; i < c.n; i++) {
        assert_string_equal(c.items[i].dataset, "gb_hmt_sanctions");
        assert_non_null(entity_first(&c.items[i], KD_PROP_NAME));
    }
    collected_free(&c);
}

static void test_abu_abda(void **state)
{
    (void)state;
    collected c;
    parse_file(&c);
    const model_entity *e = collected_find(&c, "gb-hmt-7087");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    /* The subset holds only its AKA row, which therefore names it. */
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Mohamed ABU ABDA");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Tripoli, Libyan Arab Jamahiriya");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Tunis, Tunisia");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "W374031");
    assert_true(entity_has_substring(e, KD_PROP_NOTES, "Also referred to as Abu Obeida"));
    assert_true(entity_has_substring(e, KD_PROP_NOTES, "Passport details: W374031, Tunisian"));
    assert_has(e, KD_PROP_PROGRAM, "Al-Qaida");
    /* Spread over 25 rows of the file, its primary name among them. */
    e = collected_find(&c, "gb-hmt-7877");
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Mourad Ben Ali Ben Al-Basheer AL-TRABELSI");
    assert_has(e, KD_PROP_ALIAS, "Salah BEN ANAN");
    /* "00/00/1957": only the year is known. */
    e = collected_find(&c, "gb-hmt-11295");
    assert_non_null(e);
    assert_has(e, KD_PROP_BIRTH_DATE, "1957");
    collected_free(&c);
}

/* Needs the date and country normalisers (src/model/date.c, country.c). */
static void test_abu_abda_normalised(void **state)
{
    (void)state;
    collected c;
    parse_file(&c);
    const model_entity *e = collected_find(&c, "gb-hmt-7087");
    assert_non_null(e);
    assert_has(e, KD_PROP_BIRTH_DATE, "1969-02-05");
    assert_has(e, KD_PROP_NATIONALITY, "tn");
    assert_has(e, KD_PROP_LISTING_DATE, "2002-04-24");
    collected_free(&c);
}

static const char *const HEADER =
    "Last Updated,12/02/2016\n"
    "Name 6,Name 1,Name 2,DOB,Town of Birth,Country of Birth,Nationality,Passport Details,"
    "NI Number,Address 1,Country,Group Type,Alias Type,Regime,Group ID\n";

static void test_grouping_and_values(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text,
             "%s"
             "DOE,John,,00/05/1960,(1) Town A (2) Town B,(1) Aland (2)-(3) Bland,"
             "(1) Aish (2) Bish,(1) AB12345 (Aish) (2) Issued 1999,Ration card no. 1729765,"
             "1 High St,Aland,Individual,AKA,Reg,10\n"
             "ACME \x91LTD\x92,,,,,,,,,,Freedonia,Entity,Prime Alias,Reg,11\n"
             "DOE,Johnny,,,,,,,,,,Individual,Prime Alias,Reg,10\n"
             "BOAT,,,,,,,,,,,Ship,FKA,Reg,12\n",
             HEADER);
    collected c;
    list_sink sink;
    kd_error err = {0};
    int rc = parse_uk_hmt_csv(write_tmp_text("hmt.csv", text), collect_sink(&c, &sink), &err);
    if (rc)
        fail_msg("%s", err.message);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.items[0].id.data, "gb-hmt-10"); /* order of first appearance */
    const model_entity *e = &c.items[0];
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Johnny DOE");
    assert_has(e, KD_PROP_ALIAS, "John DOE");
    assert_has(e, KD_PROP_BIRTH_DATE, "1960-05");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Town A, Aland");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Town B, Bland");
    assert_has(e, KD_PROP_BIRTH_COUNTRY, "Bland");
    assert_has(e, KD_PROP_NATIONALITY, "Bish");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "AB12345");
    assert_int_equal(entity_count(e, KD_PROP_PASSPORT_NUMBER), 1);
    assert_has(e, KD_PROP_ID_NUMBER, "1729765");
    assert_has(e, KD_PROP_ADDRESS, "1 High St, Aland");
    e = collected_find(&c, "gb-hmt-11");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "ACME ‘LTD’"); /* Windows-1252 */
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 0);
    e = collected_find(&c, "gb-hmt-12");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_VESSEL);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "BOAT");
    collected_free(&c);
}

static void expect_error(const char *name, const char *text, int code, const char *needle)
{
    collected c;
    list_sink sink;
    kd_error err = {0};
    int rc = parse_uk_hmt_csv(write_tmp_text(name, text), collect_sink(&c, &sink), &err);
    if (rc != code || !strstr(err.message, needle))
        fail_msg("%s: got %d \"%s\", wanted %d with \"%s\"", name, rc, err.message, code, needle);
    collected_free(&c);
}

static void test_bad_input(void **state)
{
    (void)state;
    char text[1024];
    expect_error("hmt-empty.csv", "", KD_EEMPTY, "no records");
    expect_error("hmt-noheader.csv", "Last Updated,1\n", KD_EFORMAT, "no header line");
    expect_error("hmt-header.csv", HEADER, KD_EEMPTY, "no records");
    expect_error("hmt-nogroup.csv", "Last Updated,1\nName 6,Name 1\nA,B\n", KD_EFORMAT,
                 "\"Group ID\"");
    expect_error("hmt-noname.csv", "Group ID,Group Type\n1,Individual\n", KD_EFORMAT,
                 ":1: the header has no \"Name 6\" column");
    snprintf(text, sizeof text, "%sA,B,,,,,,,,,,Alien,AKA,R,1\n", HEADER);
    expect_error("hmt-type.csv", text, KD_EPARSE, ":3: Group Type: expected Individual");
    snprintf(text, sizeof text,
             "%sZOË,B,,,,,,,,,,Individual,AKA,R,1\nX,\xC3\x28,,,,,,,,,,Individual,AKA,R,2\n",
             HEADER);
    expect_error("hmt-utf8.csv", text, KD_EUTF8, ":4: Name 1: invalid UTF-8");
    snprintf(text, sizeof text, "%sA,B,,,,,,,,,,Individual,AKA,R,\n", HEADER);
    expect_error("hmt-id.csv", text, KD_EPARSE, ":3: Group ID");
    snprintf(text, sizeof text, "%s\"A,B\n", HEADER);
    expect_error("hmt-trunc.csv", text, KD_EPARSE, "unterminated quoted field");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_count),
        cmocka_unit_test(test_abu_abda),
        cmocka_unit_test(test_grouping_and_values),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_abu_abda_normalised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
