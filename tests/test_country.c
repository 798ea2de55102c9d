/* Country names, demonyms and codes as the real lists write them. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *text, *code;
} resolved[] = {
    /* UN formal names, OFAC index forms and plain short names */
    {"Russia", "ru"},
    {"Russian Federation", "ru"},
    {"Russian", "ru"},
    {"Iran (Islamic Republic of)", "ir"},
    {"Iran, Islamic Republic of", "ir"},
    {"Democratic Republic of the Congo", "cd"},
    {"Congo, Democratic Republic of the", "cd"},
    {"Congo, Democratic Republic of the.", "cd"},
    {"DRC", "cd"},
    {"Congo", "cg"},
    {"Azerbaijani", "az"},
    {"Syrian Arab Republic", "sy"},
    {"Korea, Democratic People's Republic of", "kp"},
    {"Democratic People\u2019s Republic of Korea (DPRK)", "kp"},
    {"North Korea", "kp"},
    {"DPRK", "kp"},
    {"DPRK.", "kp"},
    {"Korea, North", "kp"},
    {"Republic of Korea", "kr"},
    {"Korea, South", "kr"},
    {"Viet Nam", "vn"},
    {"Lao People's Democratic Republic", "la"},
    {"United Kingdom of Great Britain and Northern Ireland", "gb"},
    {"UK", "gb"},
    {"British", "gb"},
    {"USA", "us"},
    {"U.S.A.", "us"},
    {"United States of America", "us"},
    {"Libyan Arab Jamahiriya", "ly"},
    {"Libyan Arab Jamahirya", "ly"},
    {"T\u00fcrkiye", "tr"},
    {"Turkey", "tr"},
    {"Burma", "mm"},
    {"Myanmar", "mm"},
    {"Myanmar/Burma", "mm"},
    {"Moldova, Republic of", "md"},
    {"Republic of Moldova", "md"},
    {"of the Republic of Moldova", "md"},
    {"Palestinian", "ps"},
    {"State of Palestine", "ps"},
    {"occupied Palestinian territory", "ps"},
    {"Gaza", "ps"},
    {"Region: Gaza", "ps"},
    {"Kosovo", "xk"},
    {"Soviet Union", "su"},
    {"USSR", "su"},
    {"Yemeni", "ye"},
    {"Iraqi", "iq"},
    {"Afghan", "af"},
    {"Emirati", "ae"},
    {"Belarusian", "by"},
    {"Belarussian", "by"},
    {"Ukrainian", "ua"},
    {"Crimea", "ua"},
    {"Bosnia and Herzegovina", "ba"},
    {"Macedonia, The Former Yugoslav Republic of", "mk"},
    {"North Macedonia, The Republic of", "mk"},
    {"China, Hong Kong Special Administrative Region", "hk"},
    {"Gambia, The", "gm"},
    {"Virgin Islands, British", "vg"},
    {"United Republic of Tanzania", "tz"},
    {"Ivory Coast", "ci"},
    {"Cote d Ivoire", "ci"},
    {"Saudi Arabian", "sa"},
    {"Isle of Man", "im"},
    {"St. Kitts & Nevis", "kn"},
    /* diacritics, case, spacing, punctuation, a leading "the" */
    {"C\u00f4te d'Ivoire", "ci"},
    {"Cote d'Ivoire", "ci"},
    {"C\u00d4TE D\u2019IVOIRE", "ci"},
    {"B\u00e9larus", "by"},
    {"Cura\u00e7ao", "cw"},
    {"S\u00e3o Tom\u00e9 and Pr\u00edncipe", "st"},
    {"\u00c5land Islands", "ax"},
    {"  the   GAMBIA ", "gm"},
    {"The Netherlands", "nl"},
    {"Guinea-Bissau", "gw"},
    {"Afghanistan.", "af"},
    {"Venezuela ", "ve"},
    /* bilingual "English / French" (Canada) and bracketed remarks (UK, EU) */
    {"Belarus / B\u00e9larus", "by"},
    {"Russia / Russie", "ru"},
    {"Myanmar (Burma) / Myanmar (Birmanie)", "mm"},
    {"South Sudan / Soudan du sud", "ss"},
    {"Haiti / Ha\u00efti", "ht"},
    {"Russia / \u0420\u043e\u0441\u0441\u0438\u044f", "ru"},
    {"Jordanian (presumed)", "jo"},
    {"assumed Congolese (DRC)", "cd"},
    {"Kuwait (residence as at Mar 2009) (UN address)", "kw"},
    {"possibly Palestinian", "ps"},
    {"Possibly Ethiopian", "et"},
    {"allegedly Russian", "ru"},
    {"Sudanese by birth", "sd"},
    {"Iranian citizenship", "ir"},
    {"Uganda Passport", "ug"},
    /* codes */
    {"ru", "ru"},
    {"RU", "ru"},
    {"RUS", "ru"},
    {"gbr", "gb"},
    {"XK", "xk"},
};

static const char *const unresolved[] = {
    "unknown",
    "Tripoli",
    "Africa",
    "na", /* "not available" far more often than Namibia */
    "N/A",
    "-0-",
    "Russian, Ukrainian",   /* several countries: the parser splits */
    "Russian / Ukrainian",  /* the sides disagree */
    "Australian/Russian",
    "Ukrainian and/or Russian",
    "Iranian and US",
    "Gaza Strip, West Bank, Southern Lebanon",
    "In Syria as at June 2013",
    "\u0420\u043e\u0441\u0441\u0438\u044f",
    "Extremist Settler Violence / Violence extr\u00e9miste des colons",
    "()",
    "&",
    "and",
    "/",
    ",",
};

static void test_resolves_names_demonyms_and_codes(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t i = 0; i < KD_ARRAY_LEN(resolved); i++) {
        char out[3] = "??";
        if (!country_code(resolved[i].text, strlen(resolved[i].text), out) ||
            strcmp(out, resolved[i].code) != 0) {
            print_error("%s: got %s, want %s\n", resolved[i].text, out, resolved[i].code);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
    assert_int_equal(KD_ARRAY_LEN(resolved), 98);
}

static void test_unknown_text_is_not_a_country(void **state)
{
    (void)state;
    for (size_t i = 0; i < KD_ARRAY_LEN(unresolved); i++) {
        char out[3] = "??";
        if (country_code(unresolved[i], strlen(unresolved[i]), out))
            fail_msg("%s resolved to %s", unresolved[i], out);
        assert_string_equal(out, "??");
    }
}

static void test_reads_only_n_bytes(void **state)
{
    (void)state;
    char out[3];
    assert_true(country_code("Russiaxyz", 6, out));
    assert_string_equal(out, "ru");
    assert_false(country_code("Russia", 0, out));
    assert_false(country_code("R", 1, out));
}

static void test_odd_input_is_safe(void **state)
{
    (void)state;
    char out[3];
    static const char *const bad_utf8[] = {"Russia\xff", "\xc3", "B\xc3\x28larus", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                           "Russia\xc0\xafn"};
    for (size_t i = 0; i < KD_ARRAY_LEN(bad_utf8); i++)
        assert_false(country_code(bad_utf8[i], strlen(bad_utf8[i]), out));
    assert_false(country_code("Rus\0sia", 7, out));

    size_t n = 10 * 1024;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    assert_false(country_code(big, n, out));
    for (size_t i = 0; i < n; i++)
        big[i] = "/(), &"[i % 6];
    assert_false(country_code(big, n, out));
    assert_false(country_code(big, 200, out));
    /* Every "&" widens the key five-fold: it must not overflow. */
    memset(big, '&', 256);
    assert_false(country_code(big, 256, out));
    free(big);
}

static void test_country_name(void **state)
{
    (void)state;
    assert_string_equal(country_name("ru"), "Russia");
    assert_string_equal(country_name("RU"), "Russia");
    assert_string_equal(country_name("ci"), "C\u00f4te d'Ivoire");
    assert_string_equal(country_name("xk"), "Kosovo");
    assert_string_equal(country_name("gb"), "United Kingdom");
    assert_string_equal(country_name("na"), "Namibia");
    assert_null(country_name("zz"));
    assert_null(country_name("r"));
    assert_null(country_name("rus"));
    assert_null(country_name(""));
    assert_null(country_name("1x"));
    assert_null(country_name(NULL));
}

static void test_entity_add_country_uses_codes(void **state)
{
    (void)state;
    model_entity e;
    entity_init(&e);
    static const char *const values[] = {"Russian Federation", "Russian", "Narnia", "Iran (Islamic Republic of)"};
    for (size_t i = 0; i < KD_ARRAY_LEN(values); i++)
        assert_int_equal(entity_add_country(&e, KD_PROP_NATIONALITY, values[i], strlen(values[i])), 0);
    assert_int_equal(entity_count(&e, KD_PROP_NATIONALITY), 3);
    assert_true(entity_has(&e, KD_PROP_NATIONALITY, "ru"));
    assert_true(entity_has(&e, KD_PROP_NATIONALITY, "Narnia"));
    assert_true(entity_has(&e, KD_PROP_NATIONALITY, "ir"));
    entity_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolves_names_demonyms_and_codes),
        cmocka_unit_test(test_unknown_text_is_not_a_country),
        cmocka_unit_test(test_reads_only_n_bytes),
        cmocka_unit_test(test_odd_input_is_safe),
        cmocka_unit_test(test_country_name),
        cmocka_unit_test(test_entity_add_country_uses_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
