/* Dates as the real lists write them, normalised to ISO partial dates. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *text, *iso;
} normalised[] = {
    /* ISO and numeric, day first */
    {"1976-04-29", "1976-04-29"},
    {"1976-04", "1976-04"},
    {"1976", "1976"},
    {"1976/04/29", "1976-04-29"},
    {"19760429", "1976-04-29"},
    {"29.4.1976", "1976-04-29"},
    {"29.04.1976", "1976-04-29"},
    {"29/04/1976", "1976-04-29"},
    {"29-04-1976", "1976-04-29"},
    {"04.1976", "1976-04"},
    {"29.4.1976.", "1976-04-29"},
    {" 1953-10-27 ", "1953-10-27"},
    /* unknown parts (UK HMT "00/00/1976", "xx") */
    {"00.00.1976", "1976"},
    {"0.0.1976", "1976"},
    {"00/00/1930", "1930"},
    {"00/08/1977", "1977-08"},
    {"xx.04.1976", "1976-04"},
    {"XX.XX.1976", "1976"},
    /* month names */
    {"29 Apr 1976", "1976-04-29"},
    {"29 April 1976", "1976-04-29"},
    {"29 APR 1976", "1976-04-29"},
    {"1 Jan. 1960", "1960-01-01"},
    {"11 Sept. 2018", "2018-09-11"},
    {"9 Oct.1976", "1976-10-09"},
    {"29-Apr-1976", "1976-04-29"},
    {"29th April 1976", "1976-04-29"},
    {"APR 1976", "1976-04"},
    {"Apr. 1976", "1976-04"},
    {"(Apr. 1963)", "1963-04"},
    {"April 29, 1976", "1976-04-29"},
    {"01 Aug 1983.", "1983-08-01"},
    /* approximate */
    {"circa 1955", "1955~"},
    {"Circa 1955", "1955~"},
    {"c. 1955", "1955~"},
    {"ca. 1955", "1955~"},
    {"approximately 1955", "1955~"},
    {"Approximately 1955", "1955~"},
    {"approx. 1955", "1955~"},
    {"about 1955", "1955~"},
    {"1980 (presumed)", "1980~"},
    {"circa 12 Jul 1970", "1970-07-12~"},
    /* ranges */
    {"1960 to 1962", "1960/1962"},
    {"1960 - 1962", "1960/1962"},
    {"1960-1962", "1960/1962"},
    {"1960\u20131962", "1960/1962"},
    {"between 1960 and 1962", "1960/1962"},
    {"Between 1960 and 1962", "1960/1962"},
    {"01 Jan 1960 to 31 Dec 1962", "1960-01-01/1962-12-31"},
    {"01 Jan 1955 to 31 Dec 1956.", "1955-01-01/1956-12-31"},
    {"Mar 1960 to Feb 1962", "1960-03/1962-02"},
    {"1960/1962", "1960/1962"},
    {"Between 1960 and 1962 (Approximately)", "1960~/1962~"},
    {"Approximately 1960-1962", "1960~/1962~"},
    {"circa 1960-1962", "1960~/1962~"},
    /* datetimes: the time and zone are dropped */
    {"2022-07-21T00:00:00", "2022-07-21"},
    {"2022-07-21T00:00:00Z", "2022-07-21"},
    {"2022-07-21 10:30:00+02:00", "2022-07-21"},
    {"2022-07-21-04:00", "2022-07-21"},
    /* validity edges */
    {"29.2.1996", "1996-02-29"},
    {"29.2.2000", "2000-02-29"},
    {"31.12.2100", "2100-12-31"},
    {"1.1.1000", "1000-01-01"},
};

static const char *const rejected[] = {
    "unknown", "Tripoli", "N/D", "(year unknown)", "28 September", "Sep-99",
    "born in the early 1970s", "1976 or 1977", "1.1.1964 or 29.12.1968", "Circa 1946 or 1949 or 1960",
    "March/April 1965", "31.2.1990", "29.2.1900", "29.2.1999", "31.4.1976", "32.1.1976", "13.13.1976",
    "1976-13", "1976-00-32", "0999", "2101", "12.5.76", "1962 to 1960", "between 1960", "1960 and 1962",
    "12 13 1976", "197604", "1976-04-29/", "-", "/", ".", "circa", "T", "1976;", "1976?",
    "29 Apr\xff 1976", "\xc3", "29.4.1976 \xe2\x80", "2022-07-21Tnoon",
};

static void test_normalises_real_forms(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t i = 0; i < KD_ARRAY_LEN(normalised); i++) {
        char out[64] = "";
        const char *text = normalised[i].text;
        if (!date_normalise(text, strlen(text), out, sizeof out) || strcmp(out, normalised[i].iso) != 0) {
            print_error("%s: got '%s', want %s\n", text, out, normalised[i].iso);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
    assert_int_equal(KD_ARRAY_LEN(normalised), 62);
}

static void test_rejects_what_is_not_one_date(void **state)
{
    (void)state;
    for (size_t i = 0; i < KD_ARRAY_LEN(rejected); i++) {
        char out[64] = "";
        if (date_normalise(rejected[i], strlen(rejected[i]), out, sizeof out))
            fail_msg("'%s' normalised to %s", rejected[i], out);
    }
    assert_int_equal(KD_ARRAY_LEN(rejected), 39);
}

static void test_never_writes_past_out_size(void **state)
{
    (void)state;
    char out[32];
    const char *text = "01 Jan 1960 to 31 Dec 1962"; /* 21 bytes + NUL */
    for (size_t size = 0; size < 22; size++) {
        memset(out, '#', sizeof out);
        assert_false(date_normalise(text, strlen(text), out, size));
        for (size_t i = 0; i < sizeof out; i++)
            assert_int_equal(out[i], '#');
    }
    memset(out, '#', sizeof out);
    assert_true(date_normalise(text, strlen(text), out, 22));
    assert_string_equal(out, "1960-01-01/1962-12-31");
    assert_int_equal(out[22], '#');
    assert_false(date_normalise("1976", 4, NULL, 16));
}

static void test_odd_input_is_safe(void **state)
{
    (void)state;
    char out[64];
    assert_false(date_normalise("", 0, out, sizeof out));
    assert_false(date_normalise("1", 1, out, sizeof out));
    assert_false(date_normalise(NULL, 4, out, sizeof out));
    assert_false(date_normalise("19\0" "76", 5, out, sizeof out));
    assert_false(date_normalise("1976\0", 5, out, sizeof out));
    /* only n bytes are read */
    assert_true(date_normalise("1976-04-29xyz", 10, out, sizeof out));
    assert_string_equal(out, "1976-04-29");

    size_t n = 10 * 1024;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = "1976-"[i % 5];
    assert_false(date_normalise(big, n, out, sizeof out));
    assert_false(date_normalise(big, 128, out, sizeof out)); /* too many tokens */
    memset(big, '9', n);
    assert_false(date_normalise(big, 100, out, sizeof out)); /* huge number */
    memset(big, 'x', n);
    assert_false(date_normalise(big, 100, out, sizeof out)); /* huge word */
    free(big);
}

static void test_entity_add_date_keeps_unparsable_text(void **state)
{
    (void)state;
    model_entity e;
    entity_init(&e);
    static const char *const values[] = {"29.4.1976", "1976-04-29", "Circa 1946 or 1949", "1960 to 1962",
                                         /* remarks after a date in the same field (EU) */
                                         "7.10.1952 POB: Leningrad (now Saint-Petersburg)",
                                         "3.5.1977 (15.4.1974 for the alias Mikhail Stepanov)",
                                         "Leningrad, USSR", "6.3.1955 or 15.3.1955"};
    for (size_t i = 0; i < KD_ARRAY_LEN(values); i++)
        assert_int_equal(entity_add_date(&e, KD_PROP_BIRTH_DATE, values[i], strlen(values[i])), 0);
    assert_int_equal(entity_count(&e, KD_PROP_BIRTH_DATE), 9);
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "1955-03-06"));
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "1955-03-15"));
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "1952-10-07"));
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "1977-05-03"));
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "1974-04-15"));
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "Leningrad, USSR"));
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "1976-04-29"));
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "Circa 1946 or 1949"));
    assert_true(entity_has(&e, KD_PROP_BIRTH_DATE, "1960/1962"));
    entity_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalises_real_forms),
        cmocka_unit_test(test_rejects_what_is_not_one_date),
        cmocka_unit_test(test_never_writes_past_out_size),
        cmocka_unit_test(test_odd_input_is_safe),
        cmocka_unit_test(test_entity_add_date_keeps_unparsable_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
