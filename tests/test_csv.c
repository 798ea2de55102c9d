/* The CSV reader against the quirks of real official files. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_quotes_crlf_and_eof_byte(void **state)
{
    (void)state;
    static const char text[] = "1,\"a, b\",-0- \r\n2,\"say \"\"hi\"\"\",\"multi\nline\"\r\n\x1A";
    const char *path = write_tmp("quirks.csv", text, sizeof text - 1);
    csv_reader *r;
    kd_error err = {0};
    assert_int_equal(csv_open(&r, path, ',', &err), 0);
    assert_int_equal(csv_next(r, &err), 1);
    assert_int_equal(csv_field_count(r), 3);
    assert_string_equal(csv_field(r, 1, NULL), "a, b");
    assert_string_equal(csv_field(r, 2, NULL), "-0- ");
    assert_int_equal(csv_next(r, &err), 1);
    assert_int_equal(csv_line(r), 2);
    assert_string_equal(csv_field(r, 1, NULL), "say \"hi\"");
    assert_string_equal(csv_field(r, 2, NULL), "multi\nline");
    assert_int_equal(csv_next(r, &err), 0);
    csv_close(r);
}

static void test_unterminated_quote_names_line(void **state)
{
    (void)state;
    static const char text[] = "a,b\n1,2\n3,\"open\n4,5\n";
    const char *path = write_tmp("unbalanced.csv", text, sizeof text - 1);
    csv_reader *r;
    kd_error err = {0};
    assert_int_equal(csv_open(&r, path, ',', &err), 0);
    assert_int_equal(csv_next(r, &err), 1);
    assert_int_equal(csv_next(r, &err), 1);
    assert_int_equal(csv_next(r, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, "unterminated quoted field"));
    assert_non_null(strstr(err.message, "line 3"));
    csv_close(r);
}

static void test_huge_field_is_refused(void **state)
{
    (void)state;
    size_t n = 10 * 1024 * 1024;
    char *text = malloc(n + 16);
    assert_non_null(text);
    memcpy(text, "a,b\n1,", 6);
    memset(text + 6, 'x', n);
    memcpy(text + 6 + n, "\n", 1);
    const char *path = write_tmp("huge.csv", text, n + 7);
    free(text);
    csv_reader *r;
    kd_error err = {0};
    assert_int_equal(csv_open(&r, path, ',', &err), 0);
    assert_int_equal(csv_next(r, &err), 1);
    assert_int_equal(csv_next(r, &err), KD_ELIMIT);
    assert_non_null(strstr(err.message, ":2: field 2 is longer"));
    csv_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quotes_crlf_and_eof_byte),
        cmocka_unit_test(test_unterminated_quote_names_line),
        cmocka_unit_test(test_huge_field_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
