/* EU Official Journal annexes (OpenSanctions' CSV transcription). */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every row of all 33 files, counted with Python's csv module. */
#define OJ_TOTAL_ROWS 6570
#define OJ_FILES 33

static size_t count_data_rows(const char *path)
{
    csv_reader *r;
    kd_error err = {0};
    assert_int_equal(csv_open(&r, path, ',', &err), 0);
    size_t rows = 0;
    int rc;
    while ((rc = csv_next(r, &err)) == 1)
        rows++;
    assert_int_equal(rc, 0);
    csv_close(r);
    return rows - 1; /* the header */
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_all_files(void **state)
{
    (void)state;
    char dir_path[2048];
    snprintf(dir_path, sizeof dir_path, "%s", data_path("lists/eu_oj"));
    DIR *dir = opendir(dir_path);
    assert_non_null(dir);
    size_t files = 0, rows = 0, records = 0, n_ids = 0;
    char **ids = NULL;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (!strstr(de->d_name, ".csv"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir_path, de->d_name);
        kd_error err = {0};
        assert_int_equal(list_detect(path, &err), LIST_EU_OJ_CSV);
        collected c;
        list_sink sink;
        int rc = parse_eu_oj_csv(path, collect_sink(&c, &sink), &err);
        if (rc)
            fail_msg("%s: %s", path, err.message);
        size_t file_rows = count_data_rows(path);
        assert_int_equal(c.n, file_rows);
        ids = realloc(ids, (n_ids + c.n) * sizeof *ids);
        for (size_t i = 0; i < c.n; i++) {
            assert_string_equal(c.items[i].dataset, "eu_journal_sanctions");
            assert_non_null(entity_first(&c.items[i], KD_PROP_NAME));
            ids[n_ids++] = strdup(c.items[i].id.data);
        }
        files++;
        rows += file_rows;
        records += c.n;
        collected_free(&c);
    }
    closedir(dir);
    assert_int_equal(files, OJ_FILES);
    assert_int_equal(rows, OJ_TOTAL_ROWS);
    assert_int_equal(records, OJ_TOTAL_ROWS);
    /* recordId restarts in every annex: the ids must still be unique. */
    qsort(ids, n_ids, sizeof *ids, cmp_str);
    for (size_t i = 1; i < n_ids; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0)
            fail_msg("duplicate id %s", ids[i]);
    for (size_t i = 0; i < n_ids; i++)
        free(ids[i]);
    free(ids);
}

static void parse_file(collected *c, const char *file)
{
    list_sink sink;
    kd_error err = {0};
    char path[256];
    snprintf(path, sizeof path, "lists/eu_oj/%s", file);
    int rc = parse_eu_oj_csv(data_path(path), collect_sink(c, &sink), &err);
    if (rc)
        fail_msg("%s", err.message);
}

static void parse_269(collected *c)
{
    parse_file(c, "32014R0269.csv");
}

static void test_primakov(void **state)
{
    (void)state;
    collected c;
    parse_269(&c);
    const model_entity *e = collected_find(&c, "eu-oj-32014R0269-1426");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Yevgeny Alexandrovich PRIMAKOV");
    assert_int_equal(entity_count(e, KD_PROP_NAME), 1);
    assert_has(e, KD_PROP_ALIAS, "Евгений Александрович ПРИМАКОВ");
    assert_has(e, KD_PROP_ALIAS, "Yevgeny Primakov Jr.");
    assert_has(e, KD_PROP_ALIAS, "Евгений Примаков-младший");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 5);
    assert_true(entity_has_substring(e, KD_PROP_REASON, "Rossotrudnichestvo"));
    assert_int_equal(entity_count(e, KD_PROP_REASON), 1);
    assert_has(e, KD_PROP_GENDER, "male");
    assert_has(e, KD_PROP_PROGRAM, "EU-UKR");
    assert_has(e, KD_PROP_PROGRAM_ID, "Annex I.PERSONS");
    assert_has(e, KD_PROP_PROVISIONS, "Asset freeze");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Moscow, former USSR (now Russian Federation)");
    assert_has(e, KD_PROP_SOURCE_URL,
               "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32014R0269");
    collected_free(&c);
}

/* Needs the date and country normalisers (src/model/date.c, country.c). */
static void test_primakov_normalised(void **state)
{
    (void)state;
    collected c;
    parse_269(&c);
    const model_entity *e = collected_find(&c, "eu-oj-32014R0269-1426");
    assert_non_null(e);
    assert_has(e, KD_PROP_BIRTH_DATE, "1976-04-29");
    assert_has(e, KD_PROP_NATIONALITY, "ru");
    assert_has(e, KD_PROP_LISTING_DATE, "2023-02-25");
    e = collected_find(&c, "eu-oj-32014R0269-105");
    assert_non_null(e);
    assert_has(e, KD_PROP_LISTING_DATE, "2022-07-21");
    collected_free(&c);
}

/* Entry 105 exists in both parts of Annex I; the entity keeps the short id
 * and the person carries its annex. Entry 1426 exists only once. */
static void test_rossotrudnichestvo(void **state)
{
    (void)state;
    collected c;
    parse_269(&c);
    const model_entity *e = collected_find(&c, "eu-oj-32014R0269-105");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_LEGAL_ENTITY);
    assert_true(entity_has_substring(e, KD_PROP_NAME, "Federal Agency for the Commonwealth"));
    assert_true(entity_has_substring(e, KD_PROP_NAME, "(Rossotrudnichestvo)"));
    assert_true(entity_has_substring(e, KD_PROP_ALIAS, "Федеральное агентство по делам"));
    assert_has(e, KD_PROP_WEBSITE, "https://rs.gov.ru");
    assert_has(e, KD_PROP_PROGRAM_ID, "Annex I.ENTITIES");
    e = collected_find(&c, "eu-oj-32014R0269-105-I.PERSONS");
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Mikhail Sergeyevich SHEREMET");
    assert_null(collected_find(&c, "eu-oj-32014R0269-1426-I.PERSONS"));
    assert_non_null(collected_find(&c, "eu-oj-32014R0269-1426"));
    collected_free(&c);
}

static void test_aksyonov_scripts(void **state)
{
    (void)state;
    collected c;
    parse_269(&c);
    const model_entity *e = collected_find(&c, "eu-oj-32014R0269-1-I.PERSONS"); /* entity 1 owns "-1" */
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Sergey Valeryevich AKSYONOV");
    assert_has(e, KD_PROP_ALIAS, "Sergei Valerievich AKSENOV");
    assert_has(e, KD_PROP_ALIAS, "Сергей Валерьевич АКСЁНОВ");
    assert_has(e, KD_PROP_ALIAS, "Serhiy Valeriyovych AKSYONOV");
    assert_has(e, KD_PROP_ALIAS, "Сергiй Валерiйович АКСЬОНОВ");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 4);
    assert_has(e, KD_PROP_BIRTH_PLACE, "Beltsy (Bălți), USSR (now Republic of Moldova)");
    /* The name column: the Latin part stays the name. */
    e = collected_find(&c, "eu-oj-32014R0269-34-I.PERSONS");
    assert_non_null(e);
    assert_has(e, KD_PROP_NAME, "Dmitry Nikolayevich KOZAK");
    assert_has(e, KD_PROP_ALIAS, "Дмитрий Николаевич КОЗАК");
    assert_int_equal(entity_count(e, KD_PROP_NAME), 1);
    /* spellings of one name in one field, " / " between them: each its own
     * value, a language marker ("укр.") left out */
    e = collected_find(&c, "eu-oj-32014R0269-1000");
    assert_non_null(e);
    assert_has(e, KD_PROP_ALIAS, "Юрий Иванович ПОКИНТЕЛИЦА");
    assert_has(e, KD_PROP_ALIAS, "Юрiй Iванович ПОКIНТЕЛИЦЯ");
    e = collected_find(&c, "eu-oj-32014R0269-319-I.PERSONS");
    assert_non_null(e);
    assert_has(e, KD_PROP_ALIAS, "Анатолiй Олександрович ВАССЕРМАН");
    /* ... or a '/' between two names of several words */
    e = collected_find(&c, "eu-oj-32014R0269-163-I.PERSONS");
    assert_non_null(e);
    assert_has(e, KD_PROP_NAME, "Natalya Ivanovna BEZRUCHENKO");
    assert_has(e, KD_PROP_ALIAS, "Natalia Ivanovna BEZRUCHENKO");
    collected_free(&c);
    /* a name in two scripts side by side, without parentheses */
    parse_file(&c, "32017R1509.csv");
    e = collected_find(&c, "eu-oj-32017R1509-32-XV.A");
    assert_non_null(e);
    assert_has(e, KD_PROP_NAME, "KIM Kwang Yon");
    assert_has(e, KD_PROP_ALIAS, "김광연");
    collected_free(&c);
    parse_269(&c);
    /* language labels and the note "Text of image" are no names */
    e = collected_find(&c, "eu-oj-32014R0269-887");
    assert_non_null(e);
    assert_has(e, KD_PROP_ALIAS, "Артём Григорьевич ШЕЙНИН");
    e = collected_find(&c, "eu-oj-32014R0269-1868");
    assert_non_null(e);
    assert_has(e, KD_PROP_ALIAS, "김영복");
    for (size_t i = 0; i < e->n_values; i++) {
        const char *v = e->text.data + e->values[i].offset;
        assert_null(strstr(v, "Text of image"));
        assert_null(strstr(v, "Korean:"));
    }
    collected_free(&c);
}

static void test_values_and_ids(void **state)
{
    (void)state;
    const char *path = write_tmp_text(
        "oj.csv",
        "celex,recordId,programKey,annex,measure,startDate,reason,schema,name,alias,address,"
        "phone,notes,passportNumber,riskNote\n"
        "32099R0001,1,EU-X,I.A,Asset freeze,1.2.2020,\"Head of X; also Y.\",Company,"
        "ACME Holdings (JSC),\"АКМЕ (ACME Holdings); 中國石油(香港)有限公司; \"\"Quoted; value\"\"\","
        "\"1 Main St, Town, Russia; Russian Federation\",+7 1; +7 2,\"a; b\",,high\n"
        "32099R0001,1,EU-X,I.B,,,,Asset,Port of Nowhere,,,,,,\n"
        "32099R0001,,EU-X,II,,,,LegalEntity,Bank Rossiya (Банк Россия),,,,,\"P1; \"\"P2; x\"\"\",\n");
    collected c;
    list_sink sink;
    kd_error err = {0};
    int rc = parse_eu_oj_csv(path, collect_sink(&c, &sink), &err);
    if (rc)
        fail_msg("%s", err.message);
    assert_int_equal(c.n, 3);
    const model_entity *e = collected_find(&c, "eu-oj-32099R0001-1");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_COMPANY);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "ACME Holdings (JSC)");
    assert_has(e, KD_PROP_ALIAS, "АКМЕ");
    assert_has(e, KD_PROP_ALIAS, "ACME Holdings");
    assert_has(e, KD_PROP_ALIAS, "中國石油(香港)有限公司");
    assert_has(e, KD_PROP_ALIAS, "Quoted; value");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 4);
    assert_has(e, KD_PROP_REASON, "Head of X; also Y.");
    assert_has(e, KD_PROP_NOTES, "a; b");
    assert_has(e, KD_PROP_NOTES, "riskNote: high");
    assert_has(e, KD_PROP_ADDRESS, "1 Main St, Town, Russia");
    assert_has(e, KD_PROP_ADDRESS, "Russian Federation");
    assert_has(e, KD_PROP_PHONE, "+7 2");
    /* A repeated number carries its annex; a row without recordId a name slug. */
    e = collected_find(&c, "eu-oj-32099R0001-1-I.B");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_ASSET);
    e = collected_find(&c, "eu-oj-32099R0001-bank-rossiya-II");
    assert_non_null(e);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Bank Rossiya");
    assert_has(e, KD_PROP_ALIAS, "Банк Россия");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "P1");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "P2; x");
    collected_free(&c);
}

static void expect_error(const char *name, const char *text, int code, const char *needle)
{
    collected c;
    list_sink sink;
    kd_error err = {0};
    int rc = parse_eu_oj_csv(write_tmp_text(name, text), collect_sink(&c, &sink), &err);
    if (rc != code || !strstr(err.message, needle))
        fail_msg("%s: got %d \"%s\", wanted %d with \"%s\"", name, rc, err.message, code, needle);
    collected_free(&c);
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *header = "celex,recordId,annex,schema,name,birthPlace\n";
    char text[512];
    expect_error("oj-empty.csv", "", KD_EEMPTY, "no records");
    expect_error("oj-header.csv", header, KD_EEMPTY, "no records");
    expect_error("oj-noname.csv", "celex,recordId,schema\n1,2,Person\n", KD_EFORMAT,
                 ":1: the header has no \"name\" column");
    snprintf(text, sizeof text,
             "%s32099R0001,1,I,Person,Ann,Ok\n32099R0001,2,I,Person,Bob,B\xC3\x28\n", header);
    expect_error("oj-utf8.csv", text, KD_EUTF8, ":3: birthPlace: invalid UTF-8");
    snprintf(text, sizeof text, "%s32099R0001,1,I,Starship,Ann,\n", header);
    expect_error("oj-schema.csv", text, KD_EPARSE, ":2: schema: unknown FtM schema \"Starship\"");
    snprintf(text, sizeof text, "%s32099R0001,1,I,Person,\"Ann\n", header);
    expect_error("oj-trunc.csv", text, KD_EPARSE, "unterminated quoted field");
    snprintf(text, sizeof text, "%s32099R0001,1,I,Person,,x\n", header);
    expect_error("oj-empty-name.csv", text, KD_EPARSE, ":2: name: empty");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_files),
        cmocka_unit_test(test_primakov),
        cmocka_unit_test(test_rossotrudnichestvo),
        cmocka_unit_test(test_aksyonov_scripts),
        cmocka_unit_test(test_values_and_ids),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_primakov_normalised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
