/* FollowTheMoney JSON lines: OpenSanctions' export format. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static void test_real_files(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        size_t count;
    } files[] = {{"lists/ftm/t1.ftm.json", 7},
                 {"lists/ftm/zala.ftm.json", 91},
                 {"lists/ftm/parteispenden.ftm.json", 475}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        collected c;
        list_sink sink;
        kd_error err = {0};
        const char *path = data_path(files[i].file);
        assert_int_equal(list_detect(path, &err), LIST_FTM_JSON);
        assert_int_equal(parse_ftm_json(path, collect_sink(&c, &sink), &err), 0);
        assert_int_equal(c.n, files[i].count);
        collected_free(&c);
    }
}

static void test_entity_fields(void **state)
{
    (void)state;
    collected c;
    list_sink sink;
    kd_error err = {0};
    assert_int_equal(parse_ftm_json(data_path("lists/ftm/t1.ftm.json"), collect_sink(&c, &sink), &err), 0);
    const model_entity *e = collected_find(&c, "NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_non_null(e);
    assert_int_equal(e->schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(e->dataset, "t1");
    assert_has(e, KD_PROP_NAME, "LLC “Inter Tobacco”");
    assert_has(e, KD_PROP_NAME, "Общество с ограниченной ответственностью “Интер Тобако”");
    assert_has(e, KD_PROP_COUNTRY, "by");
    assert_has(e, KD_PROP_REGISTRATION_NUMBER, "808000714");
    assert_has(e, KD_PROP_REFERENTS, "ofac-32733");
    assert_has(e, KD_PROP_FIRST_SEEN, "2023-04-20T18:00:25");
    collected_free(&c);
}

static void expect_error(const char *name, const char *text, int code, const char *needle)
{
    collected c;
    list_sink sink;
    kd_error err = {0};
    int rc = parse_ftm_json(write_tmp_text(name, text), collect_sink(&c, &sink), &err);
    if (rc != code || !strstr(err.message, needle))
        fail_msg("%s: got %d \"%s\", wanted %d with \"%s\"", name, rc, err.message, code, needle);
    collected_free(&c);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_error("trunc.json", "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\n{\"id\":\"b\",\"sch",
                 KD_EPARSE, ":2: column");
    expect_error("utf8.json", "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"\xC3\x28\"]}}\n",
                 KD_EPARSE, ":1:");
    expect_error("schema.json", "{\"id\":\"a\",\"schema\":\"Spaceship\",\"properties\":{}}\n", KD_EPARSE,
                 ":1: schema: unknown FtM schema \"Spaceship\"");
    expect_error("noid.json", "{\"schema\":\"Person\",\"properties\":{}}\n", KD_EPARSE, ":1: id:");
    expect_error("types.json", "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[1]}}\n",
                 KD_EPARSE, ":1: name: expected a string");
    expect_error("empty.json", "\n\n", KD_EEMPTY, "no records");
}

static void test_unknown_property_kept_as_note(void **state)
{
    (void)state;
    collected c;
    list_sink sink;
    kd_error err = {0};
    const char *path = write_tmp_text("unknown.json",
        "{\"id\":\"x1\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Ann\"],\"favouriteColour\":[\"blue\"]}}\n");
    assert_int_equal(parse_ftm_json(path, collect_sink(&c, &sink), &err), 0);
    assert_int_equal(c.n, 1);
    assert_has(&c.items[0], KD_PROP_NOTES, "favouriteColour: blue");
    collected_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_files),
        cmocka_unit_test(test_entity_fields),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_unknown_property_kept_as_note),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
