/* The OFAC SDN legacy CSV set: the real 2019, 2021 and 2024 releases, the
 * Remarks mini-language, Windows-1252 bytes and broken input. */
#include "testutil.h"

#include "lists/ofac_remarks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Writes name inside the scratch directory dir (created on demand); OFAC
 * companions are found by name next to sdn.csv, hence one directory per set. */
static const char *write_in(const char *dir, const char *name, const char *content, size_t n)
{
    static char path[8192];
    char sub[4096];
    snprintf(sub, sizeof sub, "%s", tmp_path(dir));
    mkdir(sub, 0755);
    snprintf(path, sizeof path, "%s/%s", sub, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, n, f), n);
    fclose(f);
    return path;
}

#define WRITE_IN(dir, name, literal) write_in(dir, name, literal, sizeof literal - 1)

static const model_entity *must_find(const collected *c, const char *id)
{
    const model_entity *e = collected_find(c, id);
    if (!e)
        fail_msg("%s not found", id);
    return e;
}

/* Dates and countries go through normalisers that may keep the list's text;
 * accept either the normalised or the original form where asked. */
#define assert_has_either(e, prop, a, b)                                       \
    do {                                                                       \
        if (!entity_has((e), (prop), (a)) && !entity_has((e), (prop), (b))) {  \
            entity_dump(e);                                                    \
            fail_msg("%s lacks %s=%s (or %s)", (e)->id.data, kd_prop_name(prop), (a), (b)); \
        }                                                                      \
    } while (0)

static void parse_ok(const char *path, collected *c)
{
    list_sink storage;
    kd_error err = {0};
    int rc = parse_ofac_csv(path, collect_sink(c, &storage), &err);
    if (rc)
        fail_msg("%s: %d %s", path, rc, err.message);
}

static int parse_fail(const char *path, kd_error *err)
{
    collected c;
    list_sink storage;
    memset(err, 0, sizeof *err);
    int rc = parse_ofac_csv(path, collect_sink(&c, &storage), err);
    collected_free(&c);
    assert_true(rc < 0);
    assert_true(err->message[0] != '\0');
    return rc;
}

static void test_2021_set(void **state)
{
    (void)state;
    collected c;
    parse_ok(data_path("lists/ofac/sdn.csv"), &c);
    assert_int_equal(c.n, 8976);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_PERSON), 4620);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_ORGANIZATION), 3673);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_VESSEL), 406);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_AIRPLANE), 277);
    size_t aliases = 0;
    for (size_t i = 0; i < c.n; i++)
        aliases += entity_count(&c.items[i], KD_PROP_ALIAS) +
                   entity_count(&c.items[i], KD_PROP_PREVIOUS_NAME);
    assert_true(aliases >= 11900); /* alt.csv holds 11,910 rows */

    const model_entity *e = must_find(&c, "ofac-36");
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(e->dataset, "us_ofac_sdn");
    assert_has(e, KD_PROP_NAME, "AEROCARIBBEAN AIRLINES");
    assert_has(e, KD_PROP_ALIAS, "AERO-CARIBBEAN");
    assert_has(e, KD_PROP_PROGRAM, "CUBA");
    assert_has(e, KD_PROP_ADDRESS, "Havana, Cuba");

    e = must_find(&c, "ofac-173"); /* commas belong to company names */
    assert_has(e, KD_PROP_NAME, "ANGLO-CARIBBEAN CO., LTD.");

    e = must_find(&c, "ofac-306");
    assert_has(e, KD_PROP_ALIAS, "NATIONAL BANK OF CUBA");
    assert_has(e, KD_PROP_WEAK_ALIAS, "BNC"); /* Remarks a.k.a. = OFAC's weak AKAs */
    assert_has(e, KD_PROP_ADDRESS, "Zweierstrasse 35, Zurich CH-8022, Switzerland");

    e = must_find(&c, "ofac-7203");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_has(e, KD_PROP_NAME, "Mohamed Ben Belgacem AOUADI");
    assert_has(e, KD_PROP_FIRST_NAME, "Mohamed Ben Belgacem");
    assert_has(e, KD_PROP_LAST_NAME, "AOUADI");
    assert_has(e, KD_PROP_PROGRAM, "SDGT");
    assert_has_either(e, KD_PROP_BIRTH_DATE, "1974-12-11", "11 Dec 1974");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Tunisia");
    assert_has_either(e, KD_PROP_NATIONALITY, "tn", "Tunisia");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "L 191609");
    assert_has(e, KD_PROP_TAX_NUMBER, "DAOMMD74T11Z352Z");

    e = must_find(&c, "ofac-6905");
    assert_has(e, KD_PROP_NAME, "ABU ZUBAYDAH"); /* a person without a comma */
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "484824");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Riyadh, Saudi Arabia");
    assert_has(e, KD_PROP_WEAK_ALIAS, "TARIQ");

    e = must_find(&c, "ofac-15036");
    assert_int_equal(e->schema, KD_SCHEMA_VESSEL);
    assert_has(e, KD_PROP_IMO_NUMBER, "9187629");
    assert_has(e, KD_PROP_MMSI, "572469210");
    assert_has_either(e, KD_PROP_FLAG, "ir", "Iran");
    assert_has(e, KD_PROP_CALL_SIGN, "T2EU4");
    assert_has(e, KD_PROP_TYPE, "Crude/Oil Products Tanker");
    assert_has(e, KD_PROP_TONNAGE, "99144");
    assert_has(e, KD_PROP_GROSS_TONNAGE, "56068");
    assert_has(e, KD_PROP_PREVIOUS_NAME, "ALPHA");
    assert_has(e, KD_PROP_NOTES, "Linked To: NATIONAL IRANIAN TANKER COMPANY");
    assert_has(e, KD_PROP_NOTES, "Former Vessel Flag Malta");

    /* Remarks cut at 1000 characters and continued in sdn_comments.csv. */
    e = must_find(&c, "ofac-28264");
    assert_has(e, KD_PROP_NAME, "Jiadong LI");
    assert_has(e, KD_PROP_PROGRAM, "DPRK3");
    assert_has(e, KD_PROP_PROGRAM, "CYBER2");
    assert_has(e, KD_PROP_PHONE, "8613314257947"); /* "...; P" + "hone Number 86..." */
    assert_has(e, KD_PROP_PHONE, "8618004121000");
    assert_has(e, KD_PROP_ID_NUMBER, "210302198701102136");
    assert_has(e, KD_PROP_WEAK_ALIAS, "blackjack1987");
    assert_has(e, KD_PROP_NOTES, "Linked To: LAZARUS GROUP");
    e = must_find(&c, "ofac-12300");
    assert_has(e, KD_PROP_NOTES, "Linked To: PROMO RAIZ S.A.S.");
    assert_has(e, KD_PROP_NOTES, "Linked To: R D I S.A.");
    e = must_find(&c, "ofac-28263");
    assert_has(e, KD_PROP_WEAK_ALIAS, "snowsjohn");
    /* Last: it needs the country normaliser (src/model/country.c). */
    assert_has(must_find(&c, "ofac-36"), KD_PROP_COUNTRY, "cu");
    collected_free(&c);
}

static void test_2019_set(void **state)
{
    (void)state;
    collected c;
    parse_ok(data_path("versions/ofac-2019/sdn.csv"), &c);
    /* The README's 7,378 is the file's line count: its last record has no
     * line end. There are 7,379 records (ent_num 36 ... 26235). */
    assert_int_equal(c.n, 7379);
    const model_entity *e = must_find(&c, "ofac-26235");
    assert_has(e, KD_PROP_NAME, "Alexander Aleksandrovich MALKEVICH");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "717637093");
    assert_has(e, KD_PROP_ID_NUMBER, "781005202108");
    assert_has(e, KD_PROP_GENDER, "male");
    assert_has(e, KD_PROP_NOTES, "Linked To: USA REALLY");
    assert_has(e, KD_PROP_ADDRESS, "St. Petersburg, Russia"); /* the cut "-0" line */
    e = must_find(&c, "ofac-15599");
    assert_has(e, KD_PROP_NOTES, "Linked To: VILLAS DEL COLLI S.A. DE C.V.");
    collected_free(&c);
}

static void test_2024_sdn_alone(void **state)
{
    (void)state;
    collected c;
    parse_ok(data_path("versions/ofac-2024-05/sdn.csv"), &c);
    assert_int_equal(c.n, 14965); /* 14,965 lines, one record each */
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_PERSON), 6854);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_VESSEL), 851);
    const model_entity *e = must_find(&c, "ofac-306");
    assert_has(e, KD_PROP_WEAK_ALIAS, "BNC");
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 0); /* no alt.csv */
    /* Cut by OFAC with no sdn_comments.csv: the last clause ("a.k.a. '@")
     * is a fragment, kept as a note but not read as a name. */
    e = must_find(&c, "ofac-47682");
    assert_has(e, KD_PROP_WEAK_ALIAS, "JACKROCK#3337");
    assert_false(entity_has(e, KD_PROP_WEAK_ALIAS, "@"));
    assert_has(e, KD_PROP_NOTES, "a.k.a. '@");
    assert_has(e, KD_PROP_EMAIL, "sinner4iter@gmail.com");
    collected_free(&c);
}

static int count_emit(void *ctx, const model_entity *e, kd_error *err)
{
    (void)e, (void)err;
    (*(size_t *)ctx)++;
    return 0;
}

/* Counting without copying: the parse itself, whose speed the benchmarks
 * measure. */
static void test_2021_count_only(void **state)
{
    (void)state;
    size_t n = 0;
    list_sink sink = {count_emit, &n};
    kd_error err = {0};
    assert_int_equal(parse_ofac_csv(data_path("lists/ofac/sdn.csv"), &sink, &err), 0);
    assert_int_equal(n, 8976);
}

static void test_cp1252_and_companions(void **state)
{
    (void)state;
    /* 0xC9 = É, 0xE9 = é, 0xFC = ü, 0x80 = €: Windows-1252, not UTF-8. */
    WRITE_IN("ofac-cp1252", "sdn.csv",
             "10,\"M\xDCLLER, Jos\xE9\",\"individual\",\"SDGT] [IRGC\",\"Director\",-0- ,-0- ,"
             "-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'A; B'; DOB 1960; a.k.a. 'ABU 'ABD AL-'AZIZ'; "
             "Gender Female; Fee \x80 5.\"\r\n"
             "20,\"CAF\xC9 LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Website www.x.com; "
             "Linked To: P\"\r\n"
             "30,\"DELOS REYES, Feliciano Semborio, Jr.\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,"
             "-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1A");
    WRITE_IN("ofac-cp1252", "alt.csv",
             "5,1,\"aka\",\"ORPHAN\",-0- \r\n"
             "10,2,\"aka\",\"G\xD3MEZ, Jos\xE9 Luis\",-0- \r\n"
             "10,3,\"fka\",\"OLD, Name\",-0- \r\n"
             "20,4,\"nka\",\"NEW CAF\xC9 S.A.\",-0- \r\n");
    WRITE_IN("ofac-cp1252", "add.csv",
             "20,7,\"Calle 1\",-0- ,\"Spain\",-0- \r\n"
             "25,8,\"Nowhere\",-0- ,\"Cuba\",-0- \r\n");
    WRITE_IN("ofac-cp1252", "sdn_comments.csv", "15,\"orphan continuation\"\n20,\"ROMO S.A.\"\n");
    collected c;
    char sdn[4096];
    snprintf(sdn, sizeof sdn, "%s/sdn.csv", tmp_path("ofac-cp1252"));
    parse_ok(sdn, &c);
    assert_int_equal(c.n, 3);
    const model_entity *e = must_find(&c, "ofac-10");
    assert_has(e, KD_PROP_NAME, "Jos\xC3\xA9 M\xC3\x9CLLER");
    assert_has(e, KD_PROP_FIRST_NAME, "Jos\xC3\xA9");
    assert_has(e, KD_PROP_LAST_NAME, "M\xC3\x9CLLER");
    assert_has(e, KD_PROP_ALIAS, "Jos\xC3\xA9 Luis G\xC3\x93MEZ");
    assert_has(e, KD_PROP_PREVIOUS_NAME, "Name OLD");
    assert_has(e, KD_PROP_PROGRAM, "SDGT");
    assert_has(e, KD_PROP_PROGRAM, "IRGC");
    assert_has(e, KD_PROP_POSITION, "Director");
    assert_has(e, KD_PROP_WEAK_ALIAS, "A; B");
    assert_has(e, KD_PROP_WEAK_ALIAS, "ABU 'ABD AL-'AZIZ");
    assert_has(e, KD_PROP_GENDER, "female");
    assert_has(e, KD_PROP_NOTES, "Fee \xE2\x82\xAC 5");
    assert_has(e, KD_PROP_BIRTH_DATE, "1960");
    assert_false(entity_has(e, KD_PROP_ALIAS, "ORPHAN"));
    e = must_find(&c, "ofac-20");
    assert_has(e, KD_PROP_NAME, "CAF\xC3\x89 LTD.");
    assert_has(e, KD_PROP_ALIAS, "NEW CAF\xC3\x89 S.A.");
    assert_has(e, KD_PROP_ADDRESS, "Calle 1, Spain");
    assert_has(e, KD_PROP_WEBSITE, "www.x.com");
    assert_has(e, KD_PROP_NOTES, "Linked To: PROMO S.A.");
    assert_false(entity_has(e, KD_PROP_ADDRESS, "Nowhere, Cuba"));
    e = must_find(&c, "ofac-30");
    assert_has(e, KD_PROP_NAME, "Feliciano Semborio DELOS REYES Jr.");
    assert_has(e, KD_PROP_FIRST_NAME, "Feliciano Semborio");
    collected_free(&c);
}

static model_entity *remarks(model_entity *e, kd_schema schema, const char *text)
{
    entity_reset(e);
    e->schema = schema;
    assert_int_equal(ofac_remarks_apply(e, text, strlen(text), false), 0);
    return e;
}

static void test_remarks_language(void **state)
{
    (void)state;
    model_entity e;
    entity_init(&e);
    remarks(&e, KD_SCHEMA_PERSON,
            "DOB circa 1955; alt. DOB 1960 to 1962; POB Tehran, Iran; nationality Iran; "
            "alt. citizen Iraq; Passport A1234 (Iran) issued 01 Jan 2000 expires 2010; "
            "National ID No. 123 (Iran); Cedula No. 77 (Colombia); C.U.R.P. AB12 (Mexico); "
            "NIT # 800-1 (Colombia); Email Address x@y.ir; Telephone (98)(21)(1); "
            "Title Basij Deputy Commander; f.k.a. 'ALI, Abu'; Scientific Studies Employee.");
    assert_has_either(&e, KD_PROP_BIRTH_DATE, "1955~", "circa 1955");
    assert_has_either(&e, KD_PROP_BIRTH_DATE, "1960/1962", "1960 to 1962");
    assert_has(&e, KD_PROP_BIRTH_PLACE, "Tehran, Iran");
    assert_has_either(&e, KD_PROP_NATIONALITY, "ir", "Iran");
    assert_has_either(&e, KD_PROP_CITIZENSHIP, "iq", "Iraq");
    assert_has(&e, KD_PROP_PASSPORT_NUMBER, "A1234");
    assert_has(&e, KD_PROP_ID_NUMBER, "123");
    assert_has(&e, KD_PROP_ID_NUMBER, "77");
    assert_has(&e, KD_PROP_ID_NUMBER, "AB12");
    assert_has(&e, KD_PROP_TAX_NUMBER, "800-1");
    assert_has(&e, KD_PROP_EMAIL, "x@y.ir");
    assert_has(&e, KD_PROP_PHONE, "(98)(21)(1)");
    assert_has(&e, KD_PROP_POSITION, "Basij Deputy Commander");
    assert_has(&e, KD_PROP_PREVIOUS_NAME, "Abu ALI");
    assert_has(&e, KD_PROP_NOTES, "Scientific Studies Employee"); /* unknown: kept */

    remarks(&e, KD_SCHEMA_PERSON, "Passport issued in Sarajevo, Bosnia-Herzegovina");
    assert_int_equal(entity_count(&e, KD_PROP_PASSPORT_NUMBER), 0);
    assert_has(&e, KD_PROP_NOTES, "Passport issued in Sarajevo, Bosnia-Herzegovina");

    remarks(&e, KD_SCHEMA_ORGANIZATION,
            "Tax ID No. 7707083893 (Russia); Registration Number 1027700132195 (Russia); "
            "Government Gazette Number 00032537 (Russia); SWIFT/BIC SABRRUMM; "
            "Organization Established Date 20 Jun 1991; D-U-N-S Number 542957624; "
            "Website www.sberbank.ru; Title Chairman; a.k.a. 'SBER, Bank'; "
            "Additional Sanctions Information - Subject to Secondary Sanctions; Linked To: X CO., LTD.");
    assert_has(&e, KD_PROP_TAX_NUMBER, "7707083893");
    assert_has(&e, KD_PROP_INN_CODE, "7707083893");
    assert_has(&e, KD_PROP_REGISTRATION_NUMBER, "1027700132195");
    assert_has(&e, KD_PROP_OGRN_CODE, "1027700132195");
    assert_has(&e, KD_PROP_OKPO_CODE, "00032537");
    assert_has(&e, KD_PROP_SWIFT_BIC, "SABRRUMM");
    assert_has(&e, KD_PROP_REGISTRATION_NUMBER, "542957624");
    assert_has(&e, KD_PROP_WEBSITE, "www.sberbank.ru");
    assert_has(&e, KD_PROP_WEAK_ALIAS, "SBER, Bank"); /* not a person: kept */
    assert_has(&e, KD_PROP_NOTES, "Title Chairman");
    assert_has(&e, KD_PROP_NOTES, "Linked To: X CO., LTD.");
    assert_int_equal(entity_count(&e, KD_PROP_INCORPORATION_DATE), 1);

    remarks(&e, KD_SCHEMA_VESSEL,
            "Vessel Registration Identification IMO 9187629; MMSI 572469210; "
            "Other Vessel Flag Panama; Vessel Year of Build 1999; "
            "International Maritime Organization No. (5777731); Identification Number IMO 5342883.");
    assert_has(&e, KD_PROP_IMO_NUMBER, "9187629");
    assert_has(&e, KD_PROP_IMO_NUMBER, "5777731");
    assert_has(&e, KD_PROP_IMO_NUMBER, "5342883");
    assert_has(&e, KD_PROP_MMSI, "572469210");
    assert_has_either(&e, KD_PROP_FLAG, "pa", "Panama");
    assert_int_equal(entity_count(&e, KD_PROP_BUILD_DATE), 1);

    /* Garbage never crashes and never loses the text. */
    remarks(&e, KD_SCHEMA_PERSON, ";;; a.k.a. '; Passport ; DOB; 'x");
    assert_has(&e, KD_PROP_NOTES, "Passport");
    assert_has(&e, KD_PROP_NOTES, "DOB");
    assert_has(&e, KD_PROP_NOTES, "'x");

    /* A cut text: the last clause is a fragment and only a note. */
    entity_reset(&e);
    e.schema = KD_SCHEMA_PERSON;
    const char *cut = "DOB 1960; a.k.a. 'X'; Passport A12";
    assert_int_equal(ofac_remarks_apply(&e, cut, strlen(cut), true), 0);
    assert_has(&e, KD_PROP_WEAK_ALIAS, "X");
    assert_has(&e, KD_PROP_NOTES, "Passport A12");
    assert_int_equal(entity_count(&e, KD_PROP_PASSPORT_NUMBER), 0);

    entity_reset(&e);
    assert_int_equal(ofac_remarks_apply(&e, "POB \xFF", 5, false), KD_EUTF8);
    entity_free(&e);
}

static void test_bad_input(void **state)
{
    (void)state;
    kd_error err;
    const char *p;

    p = WRITE_IN("ofac-truncated", "sdn.csv",
                 "1,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
                 "2,\"B\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1960; POB");
    assert_int_equal(parse_fail(p, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, "unterminated quoted field"));
    assert_non_null(strstr(err.message, "line 2"));

    size_t big = 10 * 1024 * 1024;
    char *text = malloc(big + 64);
    assert_non_null(text);
    memcpy(text, "1,\"", 3);
    memset(text + 3, 'x', big);
    memcpy(text + 3 + big, "\",-0- \r\n", 8);
    p = write_in("ofac-huge", "sdn.csv", text, big + 11);
    free(text);
    assert_int_equal(parse_fail(p, &err), KD_ELIMIT);
    assert_non_null(strstr(err.message, ":1: field 2 is longer"));

    /* Under the CSV limit but over the entity's: the field is named. */
    size_t long_name = 300 * 1024;
    text = malloc(long_name + 128);
    assert_non_null(text);
    memcpy(text, "1,\"", 3);
    memset(text + 3, 'N', long_name);
    static const char rest[] = "\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
    memcpy(text + 3 + long_name, rest, sizeof rest - 1);
    p = write_in("ofac-long-name", "sdn.csv", text, 3 + long_name + sizeof rest - 1);
    free(text);
    assert_int_equal(parse_fail(p, &err), KD_ELIMIT);
    assert_non_null(strstr(err.message, ":1: SDN_Name: value too long"));

    p = WRITE_IN("ofac-empty", "sdn.csv", "");
    assert_int_equal(parse_fail(p, &err), KD_EEMPTY);
    assert_non_null(strstr(err.message, "no records"));
    p = WRITE_IN("ofac-eof-only", "sdn.csv", "\r\n\x1A");
    assert_int_equal(parse_fail(p, &err), KD_EEMPTY);

    p = WRITE_IN("ofac-ent", "sdn.csv",
                 "1,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
                 "X7,\"B\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
    assert_int_equal(parse_fail(p, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, ":2: ent_num: not a number: \"X7\""));

    p = WRITE_IN("ofac-fields", "sdn.csv",
                 "1,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
                 "2,\"B, C\",-0- ,\"CUBA\",-0- ,-0- \r\n");
    assert_int_equal(parse_fail(p, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, ":2: expected 12 fields"));
    assert_non_null(strstr(err.message, "found 6"));

    /* Companions: out of order, or malformed, is an error naming the file. */
    WRITE_IN("ofac-unsorted", "sdn.csv",
             "1,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
             "2,\"B\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
    WRITE_IN("ofac-unsorted", "alt.csv", "2,1,\"aka\",\"X\",-0- \r\n1,2,\"aka\",\"Y\",-0- \r\n");
    char sdn[4096];
    snprintf(sdn, sizeof sdn, "%s/sdn.csv", tmp_path("ofac-unsorted"));
    assert_int_equal(parse_fail(sdn, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, "alt.csv:2: ent_num 1 follows 2"));

    WRITE_IN("ofac-unsorted", "alt.csv", "1,1,\"aka\",\"X\"\r\n");
    assert_int_equal(parse_fail(sdn, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, "alt.csv:1: expected 5 fields"));

    WRITE_IN("ofac-unsorted", "alt.csv", "1,1,\"aka\",\"X\xFF\",-0- \r\n");
    collected c;
    parse_ok(sdn, &c); /* 0xFF is "ÿ" in Windows-1252 */
    assert_has(must_find(&c, "ofac-1"), KD_PROP_ALIAS, "X\xC3\xBF");
    collected_free(&c);

    snprintf(sdn, sizeof sdn, "%s/no-such/sdn.csv", tmp_path("ofac-none"));
    assert_int_equal(parse_fail(sdn, &err), KD_EIO);
}

static int stop_emit(void *ctx, const model_entity *e, kd_error *err)
{
    (void)ctx, (void)e;
    return error_set(err, KD_EUSAGE, "stop");
}

static void test_sink_abort(void **state)
{
    (void)state;
    list_sink sink = {stop_emit, NULL};
    kd_error err = {0};
    assert_int_equal(parse_ofac_csv(data_path("lists/ofac/sdn.csv"), &sink, &err), KD_EUSAGE);
    assert_string_equal(err.message, "stop");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_2021_set),
        cmocka_unit_test(test_2019_set),
        cmocka_unit_test(test_2024_sdn_alone),
        cmocka_unit_test(test_2021_count_only),
        cmocka_unit_test(test_cp1252_and_companions),
        cmocka_unit_test(test_remarks_language),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_sink_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
