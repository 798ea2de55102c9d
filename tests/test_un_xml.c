/* The UN Security Council consolidated list XML: the real current list and
 * two earlier releases, field by field on chosen records, and the inputs
 * an XML reader must refuse cleanly. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static collected current; /* lists/un/consolidated.xml, parsed once */

static int setup(void **state)
{
    (void)state;
    list_sink storage;
    kd_error err = {0};
    double t0 = now();
    int rc = parse_un_xml(data_path("lists/un/consolidated.xml"), collect_sink(&current, &storage),
                          &err);
    double took = now() - t0;
    if (rc != 0) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    /* Speed is measured by the benchmarks, not asserted here. */
    (void)took;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    collected_free(&current);
    return 0;
}

static const model_entity *find(const char *id)
{
    const model_entity *e = collected_find(&current, id);
    if (!e)
        fail_msg("%s not found", id);
    return e;
}

static void test_counts_and_ids(void **state)
{
    (void)state;
    assert_int_equal(current.n, 1003);
    assert_int_equal(collected_count_schema(&current, KD_SCHEMA_PERSON), 730);
    assert_int_equal(collected_count_schema(&current, KD_SCHEMA_ORGANIZATION), 273);
    for (size_t i = 0; i < current.n; i++) {
        const model_entity *e = &current.items[i];
        assert_string_equal(e->dataset, "un_sc_sanctions");
        assert_memory_equal(e->id.data, "unsc-", 5);
        assert_non_null(entity_first(e, KD_PROP_NAME));
        assert_has(e, KD_PROP_SOURCE_URL,
                   "https://main.un.org/securitycouncil/content/un-sc-consolidated-list");
    }
}

static void test_eric_badege(void **state)
{
    (void)state;
    const model_entity *e = find("unsc-6907993");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "ERIC BADEGE");
    assert_int_equal(entity_count(e, KD_PROP_NAME), 1);
    assert_has(e, KD_PROP_FIRST_NAME, "ERIC");
    assert_has(e, KD_PROP_LAST_NAME, "BADEGE");
    assert_has(e, KD_PROP_BIRTH_DATE, "1971");
    assert_has(e, KD_PROP_NATIONALITY, "cd");
    assert_has(e, KD_PROP_GENDER, "male");
    assert_has(e, KD_PROP_LISTING_DATE, "2012-12-31");
    assert_has(e, KD_PROP_PROGRAM, "DRC");
    assert_has(e, KD_PROP_PROGRAM_ID, "CDi.001");
    assert_has(e, KD_PROP_MODIFIED_AT, "2016-10-13");
    assert_has(e, KD_PROP_COUNTRY, "rw");
    assert_true(entity_has_substring(e, KD_PROP_NOTES, "He fled to Rwanda in March 2013"));
    /* The empty <INDIVIDUAL_ALIAS> and bare-country address add nothing. */
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 0);
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 0);
}

static void test_birth_dates(void **state)
{
    (void)state;
    /* BETWEEN FROM_YEAR/TO_YEAR, and Low quality aliases. */
    const model_entity *e = find("unsc-6908021");
    assert_string_equal(entity_first(e, KD_PROP_NAME), "BOSCO TAGANDA");
    assert_has(e, KD_PROP_BIRTH_DATE, "1973/1974");
    assert_has(e, KD_PROP_WEAK_ALIAS, "Terminator");
    assert_has(e, KD_PROP_ALIAS, "Bosco Ntaganda");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Bigogwe, Rwanda");
    assert_has(e, KD_PROP_BIRTH_COUNTRY, "rw");
    /* APPROXIMATELY beside an EXACT date. */
    e = find("unsc-6908006");
    assert_has(e, KD_PROP_BIRTH_DATE, "1966~");
    assert_has(e, KD_PROP_BIRTH_DATE, "1962-03-17");
    assert_has(e, KD_PROP_ADDRESS, "Kinshasa, Democratic Republic of the Congo");
    assert_has(e, KD_PROP_COUNTRY, "cd");
    assert_has(e, KD_PROP_POSITION, "FDLR-FOCA Chief of Staff");
    /* BETWEEN with an "Approximately" note: still the range, twice. */
    e = find("unsc-110577");
    assert_has(e, KD_PROP_BIRTH_DATE, "1955/1958");
    assert_has(e, KD_PROP_BIRTH_DATE, "1945/1950");
    assert_has(e, KD_PROP_TITLE, "Mullah");
    /* Non-Gregorian and non-date notes are notes, never birth dates. */
    e = find("unsc-2962519");
    assert_has(e, KD_PROP_NOTES, "Date of birth: 24/06/1402 (Hijri Calendar)");
    for (size_t i = 0; i < e->n_values; i++)
        if (e->values[i].prop == KD_PROP_BIRTH_DATE)
            assert_null(strstr(entity_value_text(e, i), "1402"));
    e = find("unsc-6908703");
    assert_has(e, KD_PROP_NOTES, "Date of birth: 30-35 years old");
    assert_int_equal(entity_count(e, KD_PROP_BIRTH_DATE), 0);
}

static void test_names_and_documents(void **state)
{
    (void)state;
    const model_entity *e = find("unsc-2962519");
    assert_string_equal(entity_first(e, KD_PROP_NAME), "IBRAHIM HASSAN TALI AL-ASIRI");
    assert_has(e, KD_PROP_LAST_NAME, "AL-ASIRI");
    assert_has(e, KD_PROP_ALIAS, "إبراهيم حسن طالع العسيري"); /* NAME_ORIGINAL_SCRIPT */
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "F654645");
    assert_has(e, KD_PROP_ID_NUMBER, "1028745097");
    /* "Russian foreign travel passport number 515458008": the number. */
    e = find("unsc-6908487");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "515458008");
    /* An entity: f.k.a. names are previous names. */
    e = find("unsc-6908402");
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_has(e, KD_PROP_PREVIOUS_NAME, "NALU");
    assert_int_equal(entity_count(e, KD_PROP_FIRST_NAME), 0);
}

static void count_release(const char *path, size_t persons)
{
    collected c;
    list_sink storage;
    kd_error err = {0};
    int rc = parse_un_xml(data_path(path), collect_sink(&c, &storage), &err);
    if (rc)
        fail_msg("%s", err.message);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_PERSON), persons);
    collected_free(&c);
}

static void test_earlier_releases(void **state)
{
    (void)state;
    count_release("versions/un-2025-04-19/consolidated.xml", 684);
    count_release("versions/un-2026-01-28/consolidated.xml", 726);
}

/* ---- bad input ----------------------------------------------------------- */

/* "@@" marks the name value; it sits on line 6. */
static const char valid_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<CONSOLIDATED_LIST>\n"
    "<INDIVIDUALS>\n"
    "<INDIVIDUAL>\n"
    "<DATAID>42</DATAID>\n"
    "<FIRST_NAME>JOHN @@</FIRST_NAME>\n"
    "<SECOND_NAME>DOE</SECOND_NAME>\n"
    "</INDIVIDUAL>\n"
    "</INDIVIDUALS>\n"
    "</CONSOLIDATED_LIST>\n";

static int parse_text(const char *name, const char *marker_value, size_t cut, const char *from,
                      const char *to, kd_error *err, collected *c)
{
    char text[2048];
    const char *at = strstr(valid_doc, "@@");
    size_t head = (size_t)(at - valid_doc);
    snprintf(text, sizeof text, "%.*s%s%s", (int)head, valid_doc, marker_value, at + 2);
    if (from) {
        char *p = strstr(text, from);
        assert_non_null(p);
        char rest[2048];
        snprintf(rest, sizeof rest, "%s", p + strlen(from));
        snprintf(p, sizeof text - (size_t)(p - text), "%s%s", to, rest);
    }
    size_t n = cut ? cut : strlen(text);
    list_sink storage;
    return parse_un_xml(write_tmp(name, text, n), collect_sink(c, &storage), err);
}

static void test_bad_input(void **state)
{
    (void)state;
    collected c;
    kd_error err = {0};
    size_t name_at = (size_t)(strstr(valid_doc, "@@") - valid_doc);

    assert_int_equal(parse_text("un_ok.xml", "SMITH", 0, NULL, NULL, &err, &c), 0);
    assert_int_equal(c.n, 1);
    assert_has(&c.items[0], KD_PROP_NAME, "JOHN SMITH DOE");
    collected_free(&c);

    assert_int_not_equal(parse_text("un_cut.xml", "SMITH", name_at, NULL, NULL, &err, &c), 0);
    assert_non_null(strstr(err.message, ":6:"));
    assert_non_null(strstr(err.message, "truncated"));
    assert_int_equal(c.n, 0);
    collected_free(&c);

    assert_int_equal(parse_text("un_utf8.xml", "SM\xff\xfeTH", 0, NULL, NULL, &err, &c), KD_EUTF8);
    assert_non_null(strstr(err.message, "un_utf8.xml:6: invalid UTF-8"));
    collected_free(&c);

    assert_int_not_equal(parse_text("un_utf16.xml", "SMITH", 0, "UTF-8", "UTF-16", &err, &c), 0);
    assert_non_null(strstr(err.message, ":1:"));
    assert_non_null(strstr(err.message, "UTF-16"));
    collected_free(&c);

    list_sink storage;
    assert_int_equal(parse_un_xml(write_tmp("un_empty.xml", "", 0), collect_sink(&c, &storage), &err),
                     KD_EEMPTY);
    assert_non_null(strstr(err.message, "un_empty.xml:1: the file is empty"));
    assert_int_equal(parse_un_xml(write_tmp("un_blank.xml", "\n \n", 3), collect_sink(&c, &storage),
                                  &err),
                     KD_EEMPTY);

    static const char no_records[] = "<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>";
    assert_int_equal(parse_un_xml(write_tmp("un_none.xml", no_records, sizeof no_records - 1),
                                  collect_sink(&c, &storage), &err),
                     KD_EEMPTY);
    static const char other_root[] = "<sdnList><sdnEntry/></sdnList>";
    assert_int_equal(parse_un_xml(write_tmp("un_root.xml", other_root, sizeof other_root - 1),
                                  collect_sink(&c, &storage), &err),
                     KD_EFORMAT);
    assert_non_null(strstr(err.message, "<sdnList>"));
    assert_int_equal(parse_un_xml(tmp_path("does-not-exist.xml"), collect_sink(&c, &storage), &err),
                     KD_EIO);
}

static void test_entity_bomb(void **state)
{
    (void)state;
    /* in element text; no list declares entities */
    assert_entity_bomb_refused(parse_un_xml, "un_bomb.xml", "CONSOLIDATED_LIST",
                               "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&a9;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n");
    /* Even one harmless entity is refused: no list declares any. */
    collected c;
    list_sink storage;
    kd_error err = {0};
    static const char one[] = "<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY a \"x\">]>\n"
                              "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>"
                              "<FIRST_NAME>&a;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>"
                              "</CONSOLIDATED_LIST>\n";
    assert_int_equal(parse_un_xml(write_tmp("un_entity.xml", one, sizeof one - 1),
                                  collect_sink(&c, &storage), &err),
                     KD_EPARSE);
    assert_non_null(strstr(err.message, "un_entity.xml:2: the DOCTYPE declares entities"));
    collected_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_ids),
        cmocka_unit_test(test_eric_badege),
        cmocka_unit_test(test_birth_dates),
        cmocka_unit_test(test_names_and_documents),
        cmocka_unit_test(test_earlier_releases),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_entity_bomb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
