/* The UK Sanctions List (FCDO) XML: every record of the real excerpt, field
 * by field; a person and a ship (the excerpt holds three entities, so these
 * are written here in the list's own elements); and bad input. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FCDO_FILE "formats/uk-sanctions-list-2026-10-excerpt.xml"

static collected all;

static int setup(void **state)
{
    (void)state;
    list_sink storage;
    kd_error err = {0};
    if (parse_uk_fcdo_xml(data_path(FCDO_FILE), collect_sink(&all, &storage), &err)) {
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

static const model_entity *find_in(const collected *c, const char *id)
{
    const model_entity *e = collected_find(c, id);
    if (!e)
        fail_msg("%s not found", id);
    assert_string_equal(e->dataset, "gb_fcdo_sanctions");
    assert_has(e, KD_PROP_SOURCE_URL, "https://www.gov.uk/government/publications/the-uk-sanctions-list");
    return e;
}

static const model_entity *find(const char *id) { return find_in(&all, id); }

static void test_detect_and_counts(void **state)
{
    (void)state;
    kd_error err = {0};
    list_format f = list_detect(data_path(FCDO_FILE), &err);
    assert_int_equal(f, LIST_UK_FCDO_XML);
    assert_string_equal(list_format_name(f), "UK Sanctions List XML (FCDO)");
    assert_int_equal(all.n, 3);
    assert_int_equal(collected_count_schema(&all, KD_SCHEMA_ORGANIZATION), 3);
    assert_int_equal(collected_count_schema(&all, KD_SCHEMA_PERSON), 0);
    assert_int_equal(collected_count_schema(&all, KD_SCHEMA_VESSEL), 0);
    /* in the file's order */
    assert_string_equal(all.items[0].id.data, "gb-fcdo-GHR0190");
    assert_string_equal(all.items[1].id.data, "gb-fcdo-RUS3602");
    assert_string_equal(all.items[2].id.data, "gb-fcdo-AFG0001");
}

static void test_xinbi(void **state)
{
    (void)state;
    const model_entity *e = find("gb-fcdo-GHR0190");
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "XINBI COMPANY LIMITED");
    assert_int_equal(entity_count(e, KD_PROP_NAME), 1);
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 0);
    assert_has(e, KD_PROP_PROGRAM, "The Global Human Rights Sanctions Regulations 2020");
    assert_has(e, KD_PROP_LISTING_DATE, "2026-03-26");
    assert_has(e, KD_PROP_MODIFIED_AT, "2026-09-09");
    assert_int_equal(entity_count(e, KD_PROP_PROVISIONS), 2);
    assert_has(e, KD_PROP_PROVISIONS, "Asset freeze");
    assert_has(e, KD_PROP_PROVISIONS, "Director Disqualification Sanction");
    assert_int_equal(entity_count(e, KD_PROP_REASON), 1);
    assert_true(entity_has_substring(e, KD_PROP_REASON, "that Xinbi Company Limited (“Xinbi”) is an "
                                                        "involved person within the meaning"));
    assert_true(entity_has_substring(e, KD_PROP_NOTES, "TW5tokvhEfrb77z98Rc8HqbkzQJ6sxYtGX"));
    assert_has(e, KD_PROP_NOTES, "Subsidiary: Xinbi Guarantee");
    assert_has(e, KD_PROP_WEBSITE, "Xinbi.com");
    /* a UK designation: no source note, no UN reference, no address */
    assert_false(entity_has_substring(e, KD_PROP_NOTES, "Designation source"));
    assert_int_equal(entity_count(e, KD_PROP_PROGRAM_ID), 0);
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 0);
    assert_int_equal(entity_count(e, KD_PROP_COUNTRY), 0);
}

static void test_exmo(void **state)
{
    (void)state;
    const model_entity *e = find("gb-fcdo-RUS3602");
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "EXMO EXCHANGE LIMITED");
    assert_int_equal(entity_count(e, KD_PROP_NAME), 1);
    /* "Primary Name Variation" rows are aliases */
    static const char *const aliases[] = {"EXMO", "EXMO EXCHANGE", "EXMO EXCHANGE LTD", "EXMO GROUP",
                                          "EXMO PAYMENTS LTD.", "EXMO.COM", "EXMO.ME"};
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 7);
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        assert_has(e, KD_PROP_ALIAS, aliases[i]);
    assert_has(e, KD_PROP_PROGRAM, "The Russia (Sanctions) (EU Exit) Regulations 2019");
    assert_has(e, KD_PROP_LISTING_DATE, "2026-05-26");
    assert_has(e, KD_PROP_MODIFIED_AT, "2026-05-26");
    assert_int_equal(entity_count(e, KD_PROP_PROVISIONS), 5);
    assert_has(e, KD_PROP_PROVISIONS, "Trust Services Sanctions");
    assert_has(e, KD_PROP_PROVISIONS, "Internet Services Sanctions: see \"Other Information\"");
    assert_has(e, KD_PROP_PROVISIONS, "Correspondent Banking Sanctions and processing payments");
    /* two paragraphs, the line break kept */
    assert_true(entity_has_substring(e, KD_PROP_REASON, "strategic significance to the Government of "
                                                        "Russia.\nThe Secretary of State"));
    assert_has(e, KD_PROP_ADDRESS, "2 Kingdom Street, LONDON, W2 6JP, United Kingdom");
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 1);
    assert_has(e, KD_PROP_COUNTRY, "gb");
    assert_has(e, KD_PROP_PHONE, "02080682555");
    assert_has(e, KD_PROP_WEBSITE, "https://exmo.com/");
    assert_has(e, KD_PROP_LEGAL_FORM, "Limited Company");
    /* three labelled lines: each number under the property its label names */
    assert_has(e, KD_PROP_REGISTRATION_NUMBER, "11655602");
    assert_int_equal(entity_count(e, KD_PROP_REGISTRATION_NUMBER), 1);
    assert_has(e, KD_PROP_ID_NUMBER, "EEA90DD050C635EC8F637E8DB2F69969");
    assert_has(e, KD_PROP_LEI_CODE, "984500B899H9EED3B354");
    assert_true(entity_has_substring(e, KD_PROP_NOTES, "Business registration number: UK Company "
                                                       "number - 11655602\nEVA ID"));
    assert_has(e, KD_PROP_NOTES, "Subsidiary: EXMO POLAND SP Z.O.O.");
    assert_true(entity_has_substring(e, KD_PROP_NOTES, "TJqUC56SDZ373JYRurzXtMcor2HQvN9BaU"));
}

static void test_haji_khairullah(void **state)
{
    (void)state;
    const model_entity *e = find("gb-fcdo-AFG0001");
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE");
    assert_int_equal(entity_count(e, KD_PROP_NAME), 1);
    /* eight aliases and the name in Arabic script */
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 9);
    assert_has(e, KD_PROP_ALIAS, "Haji Alim Hawala");
    assert_has(e, KD_PROP_ALIAS, "Haji Khairullah-Haji Sattar Sarafi");
    assert_has(e, KD_PROP_ALIAS, "Sarafi-yi Haji Khairullah Haji Satar Haji Esmatullah");
    assert_has(e, KD_PROP_ALIAS, "حاجی خيرالله و حاجی ستار صرافی");
    assert_has(e, KD_PROP_PROGRAM, "The Afghanistan (Sanctions) (EU Exit) Regulations 2020");
    assert_has(e, KD_PROP_PROGRAM_ID, "TAe.010");
    assert_has(e, KD_PROP_LISTING_DATE, "2012-06-29");
    assert_has(e, KD_PROP_MODIFIED_AT, "2026-08-04");
    assert_has(e, KD_PROP_NOTES, "Designation source: UN");
    assert_int_equal(entity_count(e, KD_PROP_REASON), 0); /* the element holds a line break */
    assert_int_equal(entity_count(e, KD_PROP_PROVISIONS), 1);
    assert_has(e, KD_PROP_PROVISIONS, "Asset freeze");
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 4);
    assert_has(e, KD_PROP_ADDRESS, "Ansari Market, 2nd Floor, Nimroz Province, Afghanistan");
    assert_has(e, KD_PROP_ADDRESS, "Branch Office 10, Suite numbers 196-197, 3rd Floor, Khorasan "
                                   "Market, Herat City, Herat Province, Afghanistan");
    assert_has(e, KD_PROP_ADDRESS, "Branch Office 14, Dubai, United Arab Emirates");
    assert_has(e, KD_PROP_ADDRESS, "Branch Office 15, Zahedan, Iran");
    assert_int_equal(entity_count(e, KD_PROP_COUNTRY), 3);
    assert_has(e, KD_PROP_COUNTRY, "af");
    assert_has(e, KD_PROP_COUNTRY, "ae");
    assert_has(e, KD_PROP_COUNTRY, "ir");
    assert_has(e, KD_PROP_PHONE, "-103495");
    assert_has(e, KD_PROP_PHONE, "0202-104748");
    assert_has(e, KD_PROP_EMAIL, "helmand_exchange_msp@yahoo.com");
    assert_true(entity_has_substring(e, KD_PROP_NOTES, "Afghan Money Service Provider License "
                                                       "Number: 044."));
}

/* ---- a person and a ship, in the list's elements ---------------------------- */

static const char people_and_ships[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<Designations xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    "<DateGenerated>02/10/2026</DateGenerated>\n"
    "<Designation>\n"
    "<LastUpdated>04/08/2026</LastUpdated><DateDesignated>25/01/2001</DateDesignated>\n"
    "<UniqueID>TST0001</UniqueID><UNReferenceNumber>TAi.999</UNReferenceNumber>\n"
    "<Names>\n"
    "<Name><Name1>Ivan</Name1><Name2>Ivanovich</Name2><Name6>PETROV</Name6>"
    "<NameType>Primary Name</NameType></Name>\n"
    "<Name><Name6>Mullah Ivan</Name6><NameType>Alias</NameType>"
    "<AliasStrength>Good quality a.k.a</AliasStrength></Name>\n"
    "<Name><Name6>Vanya</Name6><NameType>Alias</NameType>"
    "<AliasStrength>Low quality a.k.a</AliasStrength></Name>\n"
    "<Name><Name1>Ioann</Name1><Name6>PETROFF</Name6><NameType>Primary Name Variation</NameType>"
    "</Name>\n"
    "</Names>\n"
    "<NonLatinNames><NonLatinName><NameNonLatinScript>Иван Иванович Петров</NameNonLatinScript>"
    "<NonLatinScriptLanguage>Russian</NonLatinScriptLanguage></NonLatinName></NonLatinNames>\n"
    "<RegimeName>The Afghanistan (Sanctions) (EU Exit) Regulations 2020</RegimeName>\n"
    "<IndividualEntityShip>Individual</IndividualEntityShip>\n"
    "<DesignationSource>UN</DesignationSource>\n"
    "<SanctionsImposed>Asset freeze|Travel Ban|Arms embargo</SanctionsImposed>\n"
    "<Addresses><Address><AddressCountry>Afghanistan</AddressCountry></Address></Addresses>\n"
    "<EmailAddresses><EmailAddress>Email: ivan@example.org; www.example.org</EmailAddress>"
    "</EmailAddresses>\n"
    "<IndividualDetails><Individual>\n"
    "<DOBs><DOB>dd/mm/1945</DOB><DOB>dd/05/1946</DOB><DOB>01/03/1958</DOB></DOBs>\n"
    "<Nationalities><Nationality>Afghanistan</Nationality><Nationality>British</Nationality>"
    "</Nationalities>\n"
    "<Positions><Position>Deputy Minister of Civil Aviation</Position></Positions>\n"
    "<Genders><Gender>Male</Gender></Genders>\n"
    "<Title>Mullah</Title>\n"
    "<BirthDetails><Location><TownOfBirth>Lakhi village</TownOfBirth>"
    "<CountryOfBirth>Afghanistan</CountryOfBirth></Location></BirthDetails>\n"
    "<PassportDetails><Passport><PassportNumber>P04581926</PassportNumber>"
    "<PassportAdditionalInformation>Afghanistan passport</PassportAdditionalInformation>"
    "</Passport></PassportDetails>\n"
    "<NationalIdentifierDetails><NationalIdentifier><NationalIdentifierNumber>545167"
    "</NationalIdentifierNumber></NationalIdentifier></NationalIdentifierDetails>\n"
    "</Individual></IndividualDetails>\n"
    "</Designation>\n"
    "<Designation>\n"
    "<DateDesignated>03/10/2017</DateDesignated><UniqueID>TST0002</UniqueID>\n"
    "<Names><Name><Name6>SEA STAR</Name6><NameType>Primary Name</NameType></Name>\n"
    "<Name><Name6>OCEAN STAR</Name6><NameType>Alias</NameType></Name></Names>\n"
    "<RegimeName>The Russia (Sanctions) (EU Exit) Regulations 2019</RegimeName>\n"
    "<IndividualEntityShip>Ship</IndividualEntityShip>\n"
    "<ShipDetails><Ship>\n"
    "<IMONumbers><IMONumber>IMO 9187629</IMONumber></IMONumbers>\n"
    "<CurrentOwnerOperators><CurrentOwnerOperator>Star Shipping LLC</CurrentOwnerOperator>"
    "</CurrentOwnerOperators>\n"
    "<PreviousOwnerOperators><PreviousOwnerOperator>Old Lines Ltd</PreviousOwnerOperator>"
    "</PreviousOwnerOperators>\n"
    "<CurrentBelievedFlagOfShips><CurrentBelievedFlagOfShip>Comoros</CurrentBelievedFlagOfShip>"
    "</CurrentBelievedFlagOfShips>\n"
    "<PreviousFlags><PreviousFlag>Panama</PreviousFlag></PreviousFlags>\n"
    "<TypeOfShipDetails><TypeOfShip>Crude Oil Tanker</TypeOfShip></TypeOfShipDetails>\n"
    "<TonnageOfShipDetails><TonnageOfShip>81302</TonnageOfShip></TonnageOfShipDetails>\n"
    "<YearsBuilt><YearBuilt>2001</YearBuilt></YearsBuilt>\n"
    "</Ship></ShipDetails>\n"
    "</Designation>\n"
    "<Designation>\n"
    "<UniqueID>TST0003</UniqueID><IndividualEntityShip>entity</IndividualEntityShip>\n"
    "<Names><Name><Name6>FIRST ALIAS CO</Name6><NameType>Alias</NameType></Name>\n"
    "<Name><Name6>SECOND ALIAS CO</Name6><NameType>Alias</NameType></Name></Names>\n"
    "<EntityDetails><Entity><BusinessRegistrationNumbers>"
    "<BusinessRegistrationNumber>1027700132195</BusinessRegistrationNumber>"
    "<BusinessRegistrationNumber>Tax Identification Number: INN 7702070139; OGRN "
    "1027739609391</BusinessRegistrationNumber>"
    "</BusinessRegistrationNumbers><ParentCompanies><ParentCompany>Mother Holding"
    "</ParentCompany></ParentCompanies></Entity></EntityDetails>\n"
    "</Designation>\n"
    "</Designations>\n";

static void test_person_ship_and_entity(void **state)
{
    (void)state;
    collected c;
    list_sink storage;
    kd_error err = {0};
    const char *path = write_tmp("fcdo_people.xml", people_and_ships, sizeof people_and_ships - 1);
    assert_int_equal(list_detect(path, &err), LIST_UK_FCDO_XML);
    if (parse_uk_fcdo_xml(path, collect_sink(&c, &storage), &err))
        fail_msg("%s", err.message);
    assert_int_equal(c.n, 3);

    const model_entity *e = find_in(&c, "gb-fcdo-TST0001");
    assert_int_equal(e->schema, KD_SCHEMA_PERSON);
    /* Name1..Name5 then Name6, the surname, last */
    assert_string_equal(entity_first(e, KD_PROP_NAME), "Ivan Ivanovich PETROV");
    assert_int_equal(entity_count(e, KD_PROP_NAME), 1);
    assert_has(e, KD_PROP_FIRST_NAME, "Ivan");
    assert_has(e, KD_PROP_MIDDLE_NAME, "Ivanovich");
    assert_has(e, KD_PROP_LAST_NAME, "PETROV");
    assert_int_equal(entity_count(e, KD_PROP_LAST_NAME), 1); /* not from the variation */
    assert_int_equal(entity_count(e, KD_PROP_ALIAS), 3);
    assert_has(e, KD_PROP_ALIAS, "Mullah Ivan");
    assert_has(e, KD_PROP_ALIAS, "Ioann PETROFF");
    assert_has(e, KD_PROP_ALIAS, "Иван Иванович Петров");
    assert_has(e, KD_PROP_WEAK_ALIAS, "Vanya");
    /* dd/mm/yyyy, unknown parts written as letters */
    assert_int_equal(entity_count(e, KD_PROP_BIRTH_DATE), 3);
    assert_has(e, KD_PROP_BIRTH_DATE, "1945");
    assert_has(e, KD_PROP_BIRTH_DATE, "1946-05");
    assert_has(e, KD_PROP_BIRTH_DATE, "1958-03-01");
    assert_has(e, KD_PROP_NATIONALITY, "af");
    assert_has(e, KD_PROP_NATIONALITY, "gb");
    assert_has(e, KD_PROP_POSITION, "Deputy Minister of Civil Aviation");
    assert_has(e, KD_PROP_GENDER, "male");
    assert_has(e, KD_PROP_TITLE, "Mullah");
    assert_has(e, KD_PROP_BIRTH_PLACE, "Lakhi village, Afghanistan");
    assert_has(e, KD_PROP_BIRTH_COUNTRY, "af");
    assert_has(e, KD_PROP_PASSPORT_NUMBER, "P04581926");
    assert_has(e, KD_PROP_NOTES, "Passport P04581926: Afghanistan passport");
    assert_has(e, KD_PROP_ID_NUMBER, "545167");
    assert_int_equal(entity_count(e, KD_PROP_NOTES), 2); /* no note for a bare id number */
    assert_has(e, KD_PROP_NOTES, "Designation source: UN");
    assert_has(e, KD_PROP_PROGRAM_ID, "TAi.999");
    assert_has(e, KD_PROP_LISTING_DATE, "2001-01-25");
    assert_int_equal(entity_count(e, KD_PROP_PROVISIONS), 3);
    assert_has(e, KD_PROP_PROVISIONS, "Travel Ban");
    /* a bare country is a country, not an address */
    assert_int_equal(entity_count(e, KD_PROP_ADDRESS), 0);
    assert_has(e, KD_PROP_COUNTRY, "af");
    assert_has(e, KD_PROP_EMAIL, "ivan@example.org");
    assert_int_equal(entity_count(e, KD_PROP_EMAIL), 1);
    assert_has(e, KD_PROP_WEBSITE, "www.example.org");

    e = find_in(&c, "gb-fcdo-TST0002");
    assert_int_equal(e->schema, KD_SCHEMA_VESSEL);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "SEA STAR");
    assert_has(e, KD_PROP_ALIAS, "OCEAN STAR");
    assert_has(e, KD_PROP_IMO_NUMBER, "9187629"); /* the digits, as OFAC's parsers keep them */
    assert_has(e, KD_PROP_OWNER_NAME, "Star Shipping LLC");
    assert_has(e, KD_PROP_FLAG, "km");
    assert_has(e, KD_PROP_TYPE, "Crude Oil Tanker");
    assert_has(e, KD_PROP_TONNAGE, "81302");
    assert_has(e, KD_PROP_BUILD_DATE, "2001");
    assert_has(e, KD_PROP_NOTES, "Previous owner/operator: Old Lines Ltd");
    assert_has(e, KD_PROP_NOTES, "Previous flag: Panama");
    assert_has(e, KD_PROP_LISTING_DATE, "2017-10-03");
    assert_int_equal(entity_count(e, KD_PROP_FIRST_NAME), 0);

    /* no primary name: the first name given names it */
    e = find_in(&c, "gb-fcdo-TST0003");
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(entity_first(e, KD_PROP_NAME), "FIRST ALIAS CO");
    assert_has(e, KD_PROP_ALIAS, "SECOND ALIAS CO");
    assert_has(e, KD_PROP_REGISTRATION_NUMBER, "1027700132195");
    assert_has(e, KD_PROP_INN_CODE, "7702070139");
    assert_has(e, KD_PROP_OGRN_CODE, "1027739609391");
    assert_has(e, KD_PROP_NOTES, "Business registration number: Tax Identification Number: INN "
                                 "7702070139; OGRN 1027739609391");
    assert_false(entity_has_substring(e, KD_PROP_NOTES, "Business registration number: 1027700132195"));
    assert_has(e, KD_PROP_NOTES, "Parent company: Mother Holding");
    collected_free(&c);
}

/* ---- bad input ----------------------------------------------------------- */

static const char valid_doc[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                "<Designations>\n"
                                "<Designation>\n"
                                "<UniqueID>RUS0001</UniqueID>\n"
                                "<Names><Name><Name6>@@</Name6><NameType>Primary Name</NameType>"
                                "</Name></Names>\n"
                                "<IndividualEntityShip>Entity</IndividualEntityShip>\n"
                                "</Designation>\n"
                                "</Designations>\n";

/* The valid document with @@ replaced by value, cut to `cut` bytes when
 * non-zero, its declaration saying UTF-16 when asked (the bytes stay
 * UTF-8: a wrong declaration). */
static int parse_variant(const char *name, const char *value, size_t cut, bool utf16,
                         collected *c, kd_error *err)
{
    buf text = {0};
    const char *at = strstr(valid_doc, "@@"), *enc = strstr(valid_doc, "utf-8");
    if (utf16) {
        buf_append(&text, valid_doc, (size_t)(enc - valid_doc));
        buf_append_str(&text, "UTF-16");
        buf_append(&text, enc + 5, (size_t)(at - enc - 5));
    } else {
        buf_append(&text, valid_doc, (size_t)(at - valid_doc));
    }
    buf_append_str(&text, value);
    buf_append_str(&text, at + 2);
    list_sink storage;
    int rc = parse_uk_fcdo_xml(write_tmp(name, text.data, cut ? cut : text.len),
                               collect_sink(c, &storage), err);
    buf_free(&text);
    return rc;
}

static void expect(int rc, int code, const kd_error *err, const char *needle)
{
    if (rc != code || !strstr(err->message, needle))
        fail_msg("got %d \"%s\", wanted %d with \"%s\"", rc, err->message, code, needle);
}

static int parse_text(const char *name, const char *text, collected *c, kd_error *err)
{
    list_sink storage;
    return parse_uk_fcdo_xml(write_tmp(name, text, strlen(text)), collect_sink(c, &storage), err);
}

static void test_bad_input(void **state)
{
    (void)state;
    collected c;
    kd_error err = {0};
    assert_int_equal(parse_variant("fcdo_ok.xml", "ACME LTD", 0, false, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.items[0].id.data, "gb-fcdo-RUS0001");
    assert_has(&c.items[0], KD_PROP_NAME, "ACME LTD");
    collected_free(&c);

    /* cut inside the name: the record is dropped and the line named */
    size_t cut = (size_t)(strstr(valid_doc, "@@") - valid_doc) + 2;
    int rc = parse_variant("fcdo_cut.xml", "ACME LTD", cut, false, &c, &err);
    expect(rc, KD_EPARSE, &err, "fcdo_cut.xml:5: the file ends inside <Name6> (truncated?)");
    assert_int_equal(c.n, 0);
    collected_free(&c);

    rc = parse_variant("fcdo_utf8.xml", "AC\xc3\x28ME", 0, false, &c, &err);
    expect(rc, KD_EUTF8, &err, "fcdo_utf8.xml:5: invalid UTF-8");
    collected_free(&c);

    rc = parse_variant("fcdo_utf16.xml", "ACME", 0, true, &c, &err);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(err.message, "fcdo_utf16.xml:1:"));
    assert_non_null(strstr(err.message, "UTF-16"));
    collected_free(&c);

    /* a name longer than a value may be: refused with file, line and field */
    size_t huge = ENTITY_VALUE_MAX + 1000;
    char *big = malloc(huge + 1);
    assert_non_null(big);
    memset(big, 'A', huge);
    big[huge] = '\0';
    rc = parse_variant("fcdo_huge.xml", big, 0, false, &c, &err);
    free(big);
    expect(rc, KD_ELIMIT, &err, "fcdo_huge.xml:5: Name6: value too long");
    collected_free(&c);

    rc = parse_text("fcdo_tags.xml",
                    "<Designations>\n<Designation><UniqueID>X1</UniqueID>\n</Designatoin>\n"
                    "</Designations>\n",
                    &c, &err);
    expect(rc, KD_EPARSE, &err, "fcdo_tags.xml:3: malformed XML");
    collected_free(&c);

    list_sink storage;
    rc = parse_uk_fcdo_xml(write_tmp("fcdo_empty.xml", "", 0), collect_sink(&c, &storage), &err);
    expect(rc, KD_EEMPTY, &err, "fcdo_empty.xml:1: the file is empty");
    collected_free(&c);

    rc = parse_text("fcdo_none.xml", "<Designations><DateGenerated>1</DateGenerated></Designations>",
                    &c, &err);
    expect(rc, KD_EEMPTY, &err, "fcdo_none.xml: no records");
    collected_free(&c);

    rc = parse_text("fcdo_root.xml", "<export>\n</export>\n", &c, &err);
    expect(rc, KD_EFORMAT, &err, "fcdo_root.xml:1: the document element is <export>, expected "
                                 "<Designations>");
    collected_free(&c);

    rc = parse_text("fcdo_noid.xml",
                    "<Designations>\n<Designation>\n<UniqueID>a b</UniqueID>\n</Designation>\n"
                    "</Designations>\n",
                    &c, &err);
    expect(rc, KD_EPARSE, &err, "fcdo_noid.xml:3: UniqueID: missing or not an id");
    collected_free(&c);

    rc = parse_text("fcdo_type.xml",
                    "<Designations>\n<Designation><UniqueID>X1</UniqueID>\n"
                    "<IndividualEntityShip>Aircraft</IndividualEntityShip>\n</Designation>\n"
                    "</Designations>\n",
                    &c, &err);
    expect(rc, KD_EPARSE, &err, "fcdo_type.xml:3: IndividualEntityShip: expected Individual, "
                                "Entity or Ship, not \"Aircraft\" (designation gb-fcdo-X1)");
    collected_free(&c);

    rc = parse_text("fcdo_noname.xml",
                    "<Designations>\n<Designation><UniqueID>X1</UniqueID>\n"
                    "<IndividualEntityShip>Ship</IndividualEntityShip>\n"
                    "<Names><Name><NameType>Primary Name</NameType></Name></Names>\n"
                    "</Designation>\n</Designations>\n",
                    &c, &err);
    expect(rc, KD_EPARSE, &err, "fcdo_noname.xml:2: Designation gb-fcdo-X1: no name in Names/Name");
    collected_free(&c);
}

static void test_entity_bomb(void **state)
{
    (void)state;
    /* in element text; no list declares entities */
    assert_entity_bomb_refused(parse_uk_fcdo_xml, "fcdo_bomb.xml", "Designations",
                               "<Designations><Designation><UniqueID>X1</UniqueID>"
                               "<IndividualEntityShip>Entity</IndividualEntityShip><Names><Name>"
                               "<Name6>&a9;</Name6></Name></Names></Designation></Designations>\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_and_counts),
        cmocka_unit_test(test_xinbi),
        cmocka_unit_test(test_exmo),
        cmocka_unit_test(test_haji_khairullah),
        cmocka_unit_test(test_person_ship_and_entity),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_entity_bomb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
