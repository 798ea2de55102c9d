/* EU consolidated list, FSF CSV 1.0: one row per name/birth/address/
 * identification/citizenship combination, merged per Entity_logical_id. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FSF_FILE "formats/eu-fsf-csv-1.0-excerpt-2018-07-04.csv"
/* Distinct Entity_logical_id values, checked with Python's csv module. */
#define FSF_ENTITIES 93

/* Counts id changes: each line is one wrapped field "date;id;...". */
static size_t count_entities(const char *path)
{
    csv_reader *r;
    kd_error err = {0};
    assert_int_equal(csv_open(&r, path, ',', &err), 0);
    assert_int_equal(csv_next(r, &err), 1); /* header */
    char last[64] = "";
    size_t entities = 0;
    while (csv_next(r, &err) == 1) {
        const char *row = csv_field(r, 0, NULL);
        const char *id = strchr(row, ';');
        assert_non_null(id);
        id++;
        size_t n = strcspn(id, ";");
        assert_true(n < sizeof last);
        if (strlen(last) != n || memcmp(last, id, n) != 0) {
            memcpy(last, id, n);
            last[n] = '\0';
            entities++;
        }
    }
    csv_close(r);
    return entities;
}

static void parse_file(collected *c)
{
    list_sink sink;
    kd_error err = {0};
    const char *path = data_path(FSF_FILE);
    assert_int_equal(list_detect(path, &err), LIST_EU_FSF_CSV);
    int rc = parse_eu_fsf_csv(path, collect_sink(c, &sink), &err);
    if (rc)
        fail_msg("%s", err.message);
}

static void test_entity_count(void **state)
{
    (void)state;
    collected c;
    parse_file(&c);
    assert_int_equal(count_entities(data_path(FSF_FILE)), FSF_ENTITIES);
    assert_int_equal(c.n, FSF_ENTITIES);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_PERSON), 61);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_ORGANIZATION), 32);
    for (size_t i = 0; i < c.n; i++) {
        assert_string_equal(c.items[i].dataset, "eu_fsf");
        assert_int_equal(entity_count(&c.items[i], KD_PROP_NAME), 1);
    }
    collected_free(&c);
}

static void test_mugabe(void **state)
{
    (void)state;
    collected c;
    parse_file(&c);
    const model_entity *e = collected_find(&c, "eu-fsf-1");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Robert Gabriel Mugabe");
    assert_has(e, KD_PROP_FIRST_NAME, "Robert");
    assert_has(e, KD_PROP_MIDDLE_NAME, "Gabriel");
    assert_has(e, KD_PROP_LAST_NAME, "Mugabe");
    assert_has(e, KD_PROP_GENDER, "male");
    assert_has(e, KD_PROP_POSITION, "Former President");
    assert_has(e, KD_PROP_BIRTH_DATE, "1924-02-21");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Kutama");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "AD001095");
    assert_has(e, KD_PROP_PROGRAM, "ZWE");
    assert_has(e, KD_PROP_RECORD_ID, "EU.36.64");
    /* The earliest of its two regulations (2002 and 2018). */
    assert_has(e, KD_PROP_LISTING_DATE, "2002-09-13");
    assert_int_equal(entity_count(e, KD_PROP_LISTING_DATE), 1);
    assert_has(e, KD_PROP_SOURCE_URL,
               "http://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32018R0223&from=EN");
    /* The format writes line breaks as a literal \n. */
    assert_has(e, KD_PROP_NOTES, "(Date of UN designation: 2002-02-21)\n(Date of designation "
                                 "referred to in Article 7 (2): 21.2.2002.)");
    collected_free(&c);
}

static void test_spreadsheet_damage_and_encoding(void **state)
{
    (void)state;
    collected c;
    parse_file(&c);
    /* Commas came back from tabs; Windows-1252 became UTF-8. */
    const model_entity *e = collected_find(&c, "eu-fsf-39");
    assert_non_null(e);
    assert_has(e, KD_PROP_BIRTH_PLACE, "al-Awja, near Tikrit");
    e = collected_find(&c, "eu-fsf-481");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Salafist Group for Call and Combat");
    assert_has(e, KD_PROP_ALIAS, "Le Groupe Salafiste pour la Prédiction et le Combat");
    assert_has(e, KD_PROP_ALIAS, "AQIM");
    collected_free(&c);
}

static const char *const HEADER =
    "Date_file;Entity_logical_id;Subject_type;Leba_publication_date;Programme;Naal_wholename;"
    "Naal_gender;Birt_date;Iden_number;Addr_street;Addr_city;Addr_country;Addr_other\n";

static void test_plain_file(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "%s"
             "x;7;P;2010-05-01;ABC;Ann Example;F;N/A;X123 (passport-National passport) ;;;;\n"
             "x;7;P;2004-01-02;ABC;Anna Example;;1970-01-01;;Main St;Town;DEU;PHONE[+49 1]\n"
             "x;8;E;2004-01-02;ABC;\"ACME; Ltd\";;;;;;FRA;\n",
             HEADER);
    collected c;
    list_sink sink;
    kd_error err = {0};
    int rc = parse_eu_fsf_csv(write_tmp_text("fsf-plain.csv", text), collect_sink(&c, &sink), &err);
    if (rc)
        fail_msg("%s", err.message);
    assert_int_equal(c.n, 2);
    const model_entity *e = collected_find(&c, "eu-fsf-7");
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Ann Example");
    assert_has(e, KD_PROP_ALIAS, "Anna Example");
    assert_has(e, KD_PROP_GENDER, "female");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "X123");
    assert_int_equal(entity_count(e, KD_PROP_BIRTH_DATE), 1);
    assert_has(e, KD_PROP_ADDRESS, "Main St, Town, DEU");
    assert_has(e, KD_PROP_PHONE, "+49 1");
    assert_has(e, KD_PROP_LISTING_DATE, "2004-01-02");
    e = collected_find(&c, "eu-fsf-8");
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "ACME; Ltd");
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 0); /* a bare country */
    collected_free(&c);
}

static void expect_error(const char *name, const char *text, int code, const char *needle)
{
    collected c;
    list_sink sink;
    kd_error err = {0};
    int rc = parse_eu_fsf_csv(write_tmp_text(name, text), collect_sink(&c, &sink), &err);
    if (rc != code || !strstr(err.message, needle))
        fail_msg("%s: got %d \"%s\", wanted %d with \"%s\"", name, rc, err.message, code, needle);
    collected_free(&c);
}

static void test_bad_input(void **state)
{
    (void)state;
    char text[1024];
    expect_error("fsf-empty.csv", "", KD_EEMPTY, "no records");
    expect_error("fsf-header.csv", HEADER, KD_EEMPTY, "no records");
    expect_error("fsf-noname.csv", "Date_file;Entity_logical_id;Subject_type\nx;1;P\n", KD_EFORMAT,
                 "no \"Naal_wholename\" column");
    snprintf(text, sizeof text, "%sx;1;P;;;Zoë;;;;;;;\nx;2;P;;;Bad \xC3\x28;;;;;;;\n", HEADER);
    expect_error("fsf-utf8.csv", text, KD_EUTF8, ":3: Naal_wholename: invalid UTF-8");
    snprintf(text, sizeof text, "%sx;1;Q;;;Ann;;;;;;;\n", HEADER);
    expect_error("fsf-type.csv", text, KD_EPARSE, ":2: Subject_type: expected P or E");
    snprintf(text, sizeof text, "%sx;;P;;;Ann;;;;;;;\n", HEADER);
    expect_error("fsf-id.csv", text, KD_EPARSE, ":2: Entity_logical_id");
    snprintf(text, sizeof text, "%sx;1;P;;;;;;;;;;\n", HEADER);
    expect_error("fsf-nameless.csv", text, KD_EPARSE, "entity 1 has no Naal_wholename");
    snprintf(text, sizeof text, "%s\"x;1;P;;;Ann\n", HEADER);
    expect_error("fsf-trunc.csv", text, KD_EPARSE, "unterminated quoted field");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entity_count),
        cmocka_unit_test(test_mugabe),
        cmocka_unit_test(test_spreadsheet_damage_and_encoding),
        cmocka_unit_test(test_plain_file),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
