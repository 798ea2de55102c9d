/* OFAC's XML schema (sdn.xml, consolidated non-SDN list): the real
 * consolidated list, a hand-written sdn.xml with the parts that list lacks
 * (vessels, aircraft, passports), and bad input. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse(const char *path, collected *c, kd_error *err)
{
    list_sink storage;
    int rc = parse_ofac_xml(path, collect_sink(c, &storage), err);
    return rc;
}

static const model_entity *find(const collected *c, const char *id)
{
    const model_entity *e = collected_find(c, id);
    if (!e)
        fail_msg("%s not found", id);
    return e;
}

static void test_consolidated_list(void **state)
{
    (void)state;
    collected c;
    kd_error err = {0};
    /* The parser checks <Record_Count>442</Record_Count> itself. */
    if (parse(data_path("formats/ofac-consolidated-non-sdn-2026-01-08.xml"), &c, &err))
        fail_msg("%s", err.message);
    assert_int_equal(c.n, 442);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_PERSON), 79);
    assert_int_equal(collected_count_schema(&c, KD_SCHEMA_ORGANIZATION), 363);
    for (size_t i = 0; i < c.n; i++)
        assert_string_equal(c.items[i].dataset, "us_ofac_cons");

    const model_entity *e = find(&c, "ofac-9639");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Ismail Abdul Salah HANIYA");
    assert_has(e, KD_PROP_FIRST_NAME, "Ismail Abdul Salah");
    assert_has(e, KD_PROP_LAST_NAME, "HANIYA");
    assert_has(e, KD_PROP_ALIAS, "Ismaeel HANIYYA");
    assert_has(e, KD_PROP_ALIAS, "Ismail HANIYA");
    assert_has(e, KD_PROP_BIRTH_DATE, "1962");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Shati");
    assert_has(e, KD_PROP_PROGRAM, "NS-PLC");

    e = find(&c, "ofac-17013");
    assert_string_equal(entity_first(e, KD_PROP_NAME), "VTB BANK PUBLIC JOINT STOCK COMPANY");
    assert_has(e, KD_PROP_PREVIOUS_NAME, "JSC VTB BANK");
    assert_has(e, KD_PROP_ALIAS, "VTB BANK PJSC");
    assert_has(e, KD_PROP_WEAK_ALIAS, "JSC VTB BANK NEW DELHI BRANCH");
    assert_has(e, KD_PROP_PROGRAM, "RUSSIA-EO14024");
    assert_has(e, KD_PROP_TAX_NUMBER, "7702070139");
    assert_has(e, KD_PROP_INN_CODE, "7702070139");
    assert_has(e, KD_PROP_REGISTRATION_NUMBER, "1027739609391");
    assert_has(e, KD_PROP_SWIFT_BIC, "VTBRRUMM");
    assert_has(e, KD_PROP_WEBSITE, "www.vtb.ru");
    assert_has(e, KD_PROP_ADDRESS, "37 Plyushchikha ul., Moscow, 119121, Russia");
    assert_has(e, KD_PROP_COUNTRY, "ru");
    assert_true(entity_has_substring(e, KD_PROP_NOTES, "Secondary sanctions risk"));
    collected_free(&c);
}

static const char sdn_doc[] =
    "<?xml version=\"1.0\" standalone=\"yes\"?>\n"
    "<sdnList xmlns=\"http://tempuri.org/sdnList.xsd\">\n"
    "  <publshInformation><Publish_Date>01/02/2026</Publish_Date>"
    "<Record_Count>3</Record_Count></publshInformation>\n"
    "  <sdnEntry><uid>1</uid><lastName>OCEAN STAR</lastName><sdnType>Vessel</sdnType>\n"
    "    <programList><program>IRAN</program><program>SDGT</program></programList>\n"
    "    <idList><id><uid>9</uid><idType>Vessel Registration Identification</idType>"
    "<idNumber>IMO 9187629</idNumber></id>\n"
    "      <id><uid>10</uid><idType>MMSI</idType><idNumber>572469210</idNumber></id></idList>\n"
    "    <vesselInfo><callSign>9HA2571</callSign><vesselType>Crude Oil Tanker</vesselType>"
    "<vesselFlag>Malta</vesselFlag><vesselOwner>NITC</vesselOwner><tonnage>1,000</tonnage>"
    "<grossRegisteredTonnage>160,930</grossRegisteredTonnage></vesselInfo>\n"
    "    <remarks>(Linked To: NATIONAL IRANIAN TANKER COMPANY)</remarks></sdnEntry>\n"
    "  <sdnEntry><uid>2</uid><lastName>EP-ABC</lastName><sdnType>Aircraft</sdnType>\n"
    "    <programList><program>IRAN</program></programList></sdnEntry>\n"
    "  <sdnEntry><uid>3</uid><firstName>Ivan</firstName><lastName>PETROV</lastName>"
    "<title>Minister of Things</title><sdnType>Individual</sdnType>\n"
    "    <akaList><aka><uid>4</uid><type>f.k.a.</type><category>strong</category>"
    "<lastName>SIDOROV</lastName><firstName>Ivan</firstName></aka></akaList>\n"
    "    <idList><id><uid>5</uid><idType>Passport</idType><idNumber>AB123</idNumber>"
    "<idCountry>Russia</idCountry></id></idList>\n"
    "    <nationalityList><nationality><uid>6</uid><country>Russia</country>"
    "</nationality></nationalityList>\n"
    "    <citizenshipList><citizenship><uid>7</uid><country>Cyprus</country>"
    "</citizenship></citizenshipList>\n"
    "    <dateOfBirthList><dateOfBirthItem><uid>8</uid><dateOfBirth>12 Jan 1960</dateOfBirth>"
    "</dateOfBirthItem></dateOfBirthList>\n"
    "    <addressList><address><uid>11</uid><country>Russia</country></address></addressList>\n"
    "  </sdnEntry>\n"
    "</sdnList>\n";

static void test_sdn_schema_parts(void **state)
{
    (void)state;
    collected c;
    kd_error err = {0};
    if (parse(write_tmp("sdn.xml", sdn_doc, sizeof sdn_doc - 1), &c, &err))
        fail_msg("%s", err.message);
    assert_int_equal(c.n, 3);
    const model_entity *e = find(&c, "ofac-1");
    assert_string_equal(e->dataset, "us_ofac_sdn");
    assert_int_equal(e->schema, KD_SCHEMA_VESSEL);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "OCEAN STAR");
    assert_has(e, KD_PROP_IMO_NUMBER, "9187629");
    assert_has(e, KD_PROP_MMSI, "572469210");
    assert_has(e, KD_PROP_CALL_SIGN, "9HA2571");
    assert_has(e, KD_PROP_TYPE, "Crude Oil Tanker");
    assert_has(e, KD_PROP_FLAG, "mt");
    assert_has(e, KD_PROP_OWNER_NAME, "NITC");
    assert_has(e, KD_PROP_TONNAGE, "1,000");
    assert_has(e, KD_PROP_GROSS_TONNAGE, "160,930");
    assert_has(e, KD_PROP_PROGRAM, "SDGT");
    assert_has(e, KD_PROP_NOTES, "(Linked To: NATIONAL IRANIAN TANKER COMPANY)");
    assert_int_equal(find(&c, "ofac-2")->schema, KD_SCHEMA_AIRPLANE);
    e = find(&c, "ofac-3");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Ivan PETROV");
    assert_has(e, KD_PROP_POSITION, "Minister of Things");
    assert_has(e, KD_PROP_PREVIOUS_NAME, "Ivan SIDOROV");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "AB123");
    assert_has(e, KD_PROP_NATIONALITY, "ru");
    assert_has(e, KD_PROP_CITIZENSHIP, "cy");
    assert_has(e, KD_PROP_COUNTRY, "ru");
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 0);
    assert_int_equal(entity_count(e, KD_PROP_BIRTH_DATE), 1);
    collected_free(&c);

    /* A header that disagrees with the entries is a damaged file. */
    char *doc = strdup(sdn_doc);
    memcpy(strstr(doc, "<Record_Count>3"), "<Record_Count>4", 15);
    assert_int_equal(parse(write_tmp("sdn_count.xml", doc, strlen(doc)), &c, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, "sdn_count.xml:3: Record_Count says 4"));
    collected_free(&c);
    free(doc);
}

/* ---- bad input ----------------------------------------------------------- */

static const char valid_doc[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<sdnList>\n"
                                "<sdnEntry>\n"
                                "<uid>12</uid>\n"
                                "<lastName>@@</lastName>\n"
                                "<sdnType>Entity</sdnType>\n"
                                "</sdnEntry>\n"
                                "</sdnList>\n";

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
    return parse(write_tmp(name, text, cut ? cut : (size_t)n), c, err);
}

static void test_bad_input(void **state)
{
    (void)state;
    collected c;
    kd_error err = {0};
    size_t cut = (size_t)(strstr(valid_doc, "@@") - valid_doc);
    assert_int_equal(parse_variant("ofac_ok.xml", "ACME LTD", 0, false, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.items[0].id.data, "ofac-12");
    assert_string_equal(c.items[0].dataset, "us_ofac_sdn");
    assert_has(&c.items[0], KD_PROP_NAME, "ACME LTD");
    collected_free(&c);
    assert_int_not_equal(parse_variant("ofac_cut.xml", "ACME", cut, false, &c, &err), 0);
    assert_non_null(strstr(err.message, ":5:"));
    assert_int_equal(parse_variant("ofac_utf8.xml", "AC\x80ME", 0, false, &c, &err), KD_EUTF8);
    assert_non_null(strstr(err.message, "ofac_utf8.xml:5: invalid UTF-8"));
    assert_int_not_equal(parse_variant("ofac_utf16.xml", "ACME", 0, true, &c, &err), 0);
    assert_non_null(strstr(err.message, ":1:"));
    assert_non_null(strstr(err.message, "UTF-16"));
    assert_int_equal(parse(write_tmp("ofac_empty.xml", "", 0), &c, &err), KD_EEMPTY);
    static const char no_uid[] = "<sdnList><sdnEntry><lastName>X</lastName></sdnEntry></sdnList>";
    assert_int_equal(parse(write_tmp("ofac_nouid.xml", no_uid, sizeof no_uid - 1), &c, &err),
                     KD_EPARSE);
    assert_non_null(strstr(err.message, "uid"));
}

static void test_entity_bomb(void **state)
{
    (void)state;
    /* in element text; no list declares entities */
    assert_entity_bomb_refused(parse_ofac_xml, "ofac_bomb.xml", "sdnList",
                               "<sdnList><sdnEntry><uid>1</uid><lastName>&a9;</lastName></sdnEntry></sdnList>\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consolidated_list),
        cmocka_unit_test(test_sdn_schema_parts),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_entity_bomb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
