/* The EU consolidated list in FSF XML 1.1: every record of the real
 * excerpt, field by field, and bad input. */
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
    if (parse_eu_fsf_xml(data_path("formats/eu-fsf-1.1-excerpt-2026-08-05.xml"),
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
    assert_string_equal(e->dataset, "eu_fsf");
    return e;
}

static void test_all_records(void **state)
{
    (void)state;
    assert_int_equal(all.n, 5);
    assert_int_equal(collected_count_schema(&all, KD_SCHEMA_PERSON), 3);
    assert_int_equal(collected_count_schema(&all, KD_SCHEMA_ORGANIZATION), 2);
}

static void test_saddam_hussein(void **state)
{
    (void)state;
    const model_entity *e = find("eu-fsf-13");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Saddam Hussein Al-Tikriti");
    assert_int_equal(entity_count(e, KD_PROP_NAME), 1);
    assert_has(e, KD_PROP_FIRST_NAME, "Saddam");
    assert_has(e, KD_PROP_LAST_NAME, "Hussein Al-Tikriti");
    assert_int_equal(entity_count(e, KD_PROP_MIDDLE_NAME), 0);
    assert_has(e, KD_PROP_GENDER, "male");
    assert_has(e, KD_PROP_ALIAS, "Abu Ali");
    assert_has(e, KD_PROP_ALIAS, "Abou Ali");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 2);
    assert_has(e, KD_PROP_NOTES, "UNSC RESOLUTION 1483");
    assert_has(e, KD_PROP_PROGRAM, "IRQ");
    assert_has(e, KD_PROP_SOURCE_URL,
               "http://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2003:169:0006:0023:EN:PDF");
    assert_has(e, KD_PROP_NATIONALITY, "iq");
    assert_has(e, KD_PROP_BIRTH_DATE, "1937-04-28");
    assert_has(e, KD_PROP_BIRTH_PLACE, "al-Awja, near Tikrit");
    assert_has(e, KD_PROP_BIRTH_COUNTRY, "iq");
    assert_has(e, KD_PROP_LISTING_DATE, "2003-07-08");
    assert_has(e, KD_PROP_PROGRAM_ID, "EU.27.28");
}

static void test_khalid_sheikh_mohammed(void **state)
{
    (void)state;
    const model_entity *e = find("eu-fsf-191");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    /* The first alias in the file is a French spelling; the one with its
     * name parts is the entity's name. */
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Khalid Sheikh MOHAMMED");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 6);
    assert_has(e, KD_PROP_ALIAS, "Bin Khalid Fahd Bin Adballah");
    assert_has(e, KD_PROP_ALIAS, "Henin Ashraf Refaat Nabith");
    assert_has(e, KD_PROP_ALIAS, "Ali Salem");
    assert_has(e, KD_PROP_FIRST_NAME, "Khalid Sheikh");
    assert_has(e, KD_PROP_LAST_NAME, "MOHAMMED");
    assert_has(e, KD_PROP_GENDER, "male");
    assert_has(e, KD_PROP_BIRTH_DATE, "1965-04-14");
    assert_has(e, KD_PROP_BIRTH_DATE, "1964-03-01");
    assert_has(e, KD_PROP_BIRTH_COUNTRY, "pk");
    assert_int_equal(entity_count(e, KD_PROP_BIRTH_PLACE), 0); /* city="-" */
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "488555");
    assert_int_equal(entity_count(e, KD_PROP_ID_NUMBER), 0);
    assert_has(e, KD_PROP_PROGRAM, "TERR");
    assert_has(e, KD_PROP_SOURCE_URL, "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202500206");
    assert_has(e, KD_PROP_LISTING_DATE, "2025-01-31");
    assert_has(e, KD_PROP_PROGRAM_ID, "EU.3579.2");
    assert_int_equal(entity_count(e, KD_PROP_NATIONALITY), 0);
}

static void test_global_relief_foundation(void **state)
{
    (void)state;
    const model_entity *e = find("eu-fsf-980");
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Global Relief Foundation (GRF)");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 0);
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 2);
    assert_has(e, KD_PROP_ADDRESS, "PO Box 1406 - 60455, Bridgeview, Illinois, UNITED STATES");
    assert_has(e, KD_PROP_ADDRESS,
               "9935 South 76th Avenue, Unit 1, 60455, Bridgeview, Illinois, UNITED STATES");
    assert_has(e, KD_PROP_COUNTRY, "us");
    assert_has(e, KD_PROP_PROGRAM, "TAQA");
    assert_has(e, KD_PROP_LISTING_DATE, "2014-04-01");
    assert_has(e, KD_PROP_PROGRAM_ID, "EU.589.30");
    assert_int_equal(entity_count(e, KD_PROP_GENDER), 0);
}

static void test_al_rashid_trust(void **state)
{
    (void)state;
    const model_entity *e = find("eu-fsf-330");
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Al-Rasheed Trust");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 11);
    assert_has(e, KD_PROP_ALIAS, "Организация за подпомагане на Ulema, Пакистан");
    assert_has(e, KD_PROP_ALIAS, "Al Amin Welfare Trust");
    /* The designation (2001) is older than the regulation (2024). */
    assert_has(e, KD_PROP_LISTING_DATE, "2001-10-06");
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 11);
    assert_has(e, KD_PROP_ADDRESS, "Jamia Masjid Sulaiman Park, Begum Pura, Lahore, PAKISTAN");
    assert_has(e, KD_PROP_ADDRESS, "Office Dha’rbi-M’unin, Top Floor, Dr. Dawa Khan Dental Clinic "
                                   "Surgeon, Main Baxae,Mingora, Mingora, Swat, PAKISTAN");
    assert_has(e, KD_PROP_COUNTRY, "pk");
    assert_int_equal(entity_count(e, KD_PROP_COUNTRY), 1);
    /* contactInfo: "668 33 01; 0300- 820 91 99" is two numbers; FAX too. */
    assert_has(e, KD_PROP_PHONE, "668 33 01");
    assert_has(e, KD_PROP_PHONE, "0300- 820 91 99");
    assert_has(e, KD_PROP_PHONE, "662 38 14");
    assert_int_equal(entity_count(e, KD_PROP_PHONE), 7);
    /* The remark inside a nameAlias, line breaks kept. */
    assert_true(entity_has_substring(e, KD_PROP_NOTES,
                                     "Founded by Mufti Rashid Ahmad Ledahyanoy.\nAssociated with"));
    assert_has(e, KD_PROP_PROGRAM, "TAQA");
    assert_has(e, KD_PROP_PROGRAM_ID, "EU.522.39");
}

static void test_record_without_names(void **state)
{
    (void)state;
    const model_entity *e = find("eu-fsf-999999");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_null(entity_first(e, KD_PROP_NAME));
    assert_has(e, KD_PROP_PROGRAM_ID, "EU.0.0");
    assert_int_equal(e->n_values, 1);
}

/* ---- bad input ----------------------------------------------------------- */

static const char valid_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\">\n"
    "<sanctionEntity euReferenceNumber=\"EU.1.1\" logicalId=\"7\">\n"
    "<subjectType code=\"person\" classificationCode=\"P\"/>\n"
    "<nameAlias wholeName=\"@@\" strong=\"true\"/>\n"
    "<birthdate circa=\"true\" year=\"1960\" calendarType=\"GREGORIAN\"/>\n"
    "<nameAlias wholeName=\"Ivo\" strong=\"false\"/>\n"
    "</sanctionEntity>\n"
    "</export>\n";

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
    return parse_eu_fsf_xml(write_tmp(name, text, cut ? cut : (size_t)n), collect_sink(c, &storage),
                            err);
}

static void test_bad_input(void **state)
{
    (void)state;
    collected c;
    kd_error err = {0};
    size_t cut = (size_t)(strstr(valid_doc, "@@") - valid_doc);
    assert_int_equal(parse_variant("eu_ok.xml", "Ivan Petrov", 0, false, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.items[0].id.data, "eu-fsf-7");
    assert_has(&c.items[0], KD_PROP_NAME, "Ivan Petrov");
    assert_has(&c.items[0], KD_PROP_WEAK_ALIAS, "Ivo");
    assert_has(&c.items[0], KD_PROP_BIRTH_DATE, "1960~");
    collected_free(&c);
    assert_int_not_equal(parse_variant("eu_cut.xml", "Ivan", cut, false, &c, &err), 0);
    assert_non_null(strstr(err.message, ":5:"));
    assert_int_equal(parse_variant("eu_utf8.xml", "Iv\xe2\x82n", 0, false, &c, &err), KD_EUTF8);
    assert_non_null(strstr(err.message, "eu_utf8.xml:5: invalid UTF-8"));
    assert_int_not_equal(parse_variant("eu_utf16.xml", "Ivan", 0, true, &c, &err), 0);
    assert_non_null(strstr(err.message, ":1:"));
    assert_non_null(strstr(err.message, "UTF-16"));
    list_sink storage;
    assert_int_equal(parse_eu_fsf_xml(write_tmp("eu_empty.xml", "", 0), collect_sink(&c, &storage),
                                      &err),
                     KD_EEMPTY);
    static const char no_id[] = "<export><sanctionEntity><subjectType code=\"person\"/>"
                                "</sanctionEntity></export>";
    assert_int_equal(parse_eu_fsf_xml(write_tmp("eu_noid.xml", no_id, sizeof no_id - 1),
                                      collect_sink(&c, &storage), &err),
                     KD_EPARSE);
    assert_non_null(strstr(err.message, "logicalId"));
}

static void test_entity_bomb(void **state)
{
    (void)state;
    /* in attribute values; no list declares entities */
    assert_entity_bomb_refused(parse_eu_fsf_xml, "eu_bomb.xml", "export",
                               "<export><sanctionEntity logicalId=\"1\"><nameAlias wholeName=\"&a9;\"/></sanctionEntity></export>\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_records),
        cmocka_unit_test(test_saddam_hussein),
        cmocka_unit_test(test_khalid_sheikh_mohammed),
        cmocka_unit_test(test_global_relief_foundation),
        cmocka_unit_test(test_al_rashid_trust),
        cmocka_unit_test(test_record_without_names),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_entity_bomb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
