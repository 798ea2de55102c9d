/* The .kdx index: build, map, look up, and refuse damaged files. */
#include "testutil.h"
#include "index/index.h"

#include <stddef.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *build_ftm(const char *name)
{
    static char out[4096];
    snprintf(out, sizeof out, "%s", tmp_path(name));
    const char *sources[] = {data_path("lists/ftm")};
    char src[4096];
    snprintf(src, sizeof src, "%s", sources[0]);
    const char *srcs[] = {src};
    kd_build_options opts = {.output = out};
    kd_error err = {0};
    int rc = kd_build(srcs, 1, &opts, &err);
    if (rc)
        fail_msg("build failed: %s", err.message);
    return out;
}

static void test_build_and_lookup(void **state)
{
    (void)state;
    const char *path = build_ftm("ftm.kdx");
    kd_index *ix;
    kd_error err = {0};
    assert_int_equal(kd_index_open(path, &ix, &err), 0);
    assert_int_equal(kd_index_entity_count(ix), 573);
    assert_int_equal(kd_index_dataset_count(ix), 3);
    size_t total = 0;
    for (size_t i = 0; i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info d;
        assert_int_equal(kd_index_dataset(ix, i, &d), 0);
        assert_int_equal(strlen(d.version), 64);
        total += d.entity_count;
        if (strcmp(d.name, "zala") == 0) {
            assert_int_equal(d.entity_count, 91);
            assert_int_equal(d.schema_counts[KD_SCHEMA_SANCTION], 41);
        }
    }
    assert_int_equal(total, 573);

    int64_t pos = kd_index_find(ix, "NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_true(pos >= 0);
    kd_entity_view v;
    assert_int_equal(kd_index_entity(ix, (size_t)pos, &v), 0);
    assert_string_equal(v.id, "NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_int_equal(v.schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(kd_entity_view_first(ix, &v, KD_PROP_COUNTRY), "by");
    char *json = kd_index_entity_json(ix, (size_t)pos, 0);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"schema\":\"Organization\""));
    assert_non_null(strstr(json, "\"datasets\":[\"t1\"]"));
    assert_non_null(strstr(json, "\"registrationNumber\":[\"808000714\"]"));
    free(json);
    assert_int_equal(kd_index_find(ix, "no-such-id"), KD_ENOTFOUND);
    assert_int_equal(kd_index_find(ix, ""), KD_ENOTFOUND);
    kd_index_close(ix);
}

static void test_same_content_same_version(void **state)
{
    (void)state;
    kd_index *a, *b;
    kd_error err = {0};
    assert_int_equal(kd_index_open(build_ftm("v1.kdx"), &a, &err), 0);
    assert_int_equal(kd_index_open(build_ftm("v2.kdx"), &b, &err), 0);
    for (size_t i = 0; i < kd_index_dataset_count(a); i++) {
        kd_dataset_info da, db;
        kd_index_dataset(a, i, &da);
        kd_index_dataset(b, i, &db);
        assert_string_equal(da.version, db.version);
    }
    kd_index_close(a);
    kd_index_close(b);
}

static void copy_damaged(const char *from, const char *to, long offset, long truncate_to)
{
    FILE *in = fopen(from, "rb");
    assert_non_null(in);
    fseek(in, 0, SEEK_END);
    long n = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *data = malloc((size_t)n);
    assert_int_equal(fread(data, 1, (size_t)n, in), (size_t)n);
    fclose(in);
    if (offset >= 0)
        memset(data + offset, 0xFF, 8);
    FILE *out = fopen(to, "wb");
    fwrite(data, 1, truncate_to >= 0 ? (size_t)truncate_to : (size_t)n, out);
    fclose(out);
    free(data);
}

static void test_damaged_index_is_refused(void **state)
{
    (void)state;
    const char *good = build_ftm("good.kdx");
    char good_path[4096];
    snprintf(good_path, sizeof good_path, "%s", good);
    kd_index *ix;
    kd_error err = {0};
    struct stat st;
    stat(good_path, &st);

    char bad[4096];
    snprintf(bad, sizeof bad, "%s", tmp_path("truncated.kdx"));
    copy_damaged(good_path, bad, -1, st.st_size / 2);
    assert_int_equal(kd_index_open(bad, &ix, &err), KD_EINDEX);
    assert_non_null(strstr(err.message, "truncated"));

    /* Overwrite the first section's offset: points outside the file. */
    copy_damaged(good_path, bad, (long)offsetof(kdx_header, sections) + 8, -1);
    assert_int_equal(kd_index_open(bad, &ix, &err), KD_EINDEX);

    /* Corrupt the entity table: an id offset far outside the strings. */
    kd_index *gi;
    assert_int_equal(kd_index_open(good_path, &gi, &err), 0);
    long ents = (long)((const char *)gi->entities - (const char *)gi->map);
    kd_index_close(gi);
    copy_damaged(good_path, bad, ents + 100 * (long)sizeof(kdx_entity), -1);
    assert_int_equal(kd_index_open(bad, &ix, &err), KD_EINDEX);
    assert_non_null(strstr(err.message, "damaged"));

    copy_damaged(data_path("lists/ftm/t1.ftm.json"), bad, -1, -1);
    assert_int_equal(kd_index_open(bad, &ix, &err), KD_EINDEX);
    assert_non_null(strstr(err.message, "not a kordon index"));

    assert_int_equal(kd_index_open(tmp_path("missing.kdx"), &ix, &err), KD_EIO);
    assert_non_null(strstr(err.message, "kordon build"));
}

static void test_failed_build_keeps_previous_index(void **state)
{
    (void)state;
    const char *built = build_ftm("keep.kdx");
    char index_path[4096];
    snprintf(index_path, sizeof index_path, "%s", built);
    char broken[4096];
    snprintf(broken, sizeof broken, "%s", tmp_path("broken.json"));
    FILE *f = fopen(broken, "wb");
    fputs("{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{}}\n{\"id\":", f);
    fclose(f);
    const char *srcs[] = {broken};
    kd_build_options opts = {.output = index_path};
    kd_error err = {0};
    assert_int_equal(kd_build(srcs, 1, &opts, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, "broken.json:2:"));
    kd_index *ix;
    assert_int_equal(kd_index_open(index_path, &ix, &err), 0);
    assert_int_equal(kd_index_entity_count(ix), 573);
    kd_index_close(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_lookup),
        cmocka_unit_test(test_same_content_same_version),
        cmocka_unit_test(test_damaged_index_is_refused),
        cmocka_unit_test(test_failed_build_keeps_previous_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
