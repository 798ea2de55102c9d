#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *data_path(const char *relative)
{
    static char path[4096];
    const char *base = getenv("KORDON_SHARED_DATA");
    if (!base || !*base)
        base = "../shared/data";
    snprintf(path, sizeof path, "%s/%s", base, relative);
    return path;
}

const char *tmp_path(const char *name)
{
    static char path[4096];
    const char *base = getenv("KORDON_TMP");
    if (!base || !*base)
        base = "/tmp/kordon-test";
    mkdir(base, 0755);
    snprintf(path, sizeof path, "%s/%s", base, name);
    return path;
}

const char *write_tmp(const char *name, const void *content, size_t n)
{
    const char *path = tmp_path(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, n, f), n);
    fclose(f);
    return path;
}

const char *write_tmp_text(const char *name, const char *text)
{
    return write_tmp(name, text, strlen(text));
}

void assert_entity_bomb_refused(int (*parse)(const char *, const list_sink *, kd_error *),
                                const char *name, const char *root, const char *body)
{
    buf doc = {0};
    buf_printf(&doc, "<!DOCTYPE %s [<!ENTITY a0 \"lol\">\n", root);
    for (int i = 1; i <= 9; i++) {
        buf_printf(&doc, "<!ENTITY a%d \"", i);
        for (int k = 0; k < 10; k++)
            buf_printf(&doc, "&a%d;", i - 1);
        buf_append_str(&doc, "\">\n");
    }
    buf_printf(&doc, "]>\n%s", body);
    collected c;
    list_sink storage;
    kd_error err = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = parse(write_tmp(name, doc.data, doc.len), collect_sink(&c, &storage), &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* refused, not expanded: an expanding parser would take minutes */
    assert_true((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < 10.0);
    assert_int_not_equal(rc, 0);
    assert_int_equal(c.n, 0);
    collected_free(&c);
    buf_free(&doc);
}

static int collect_emit(void *ctx, const model_entity *e, kd_error *err)
{
    (void)err;
    collected *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->items = realloc(c->items, c->cap * sizeof *c->items);
        assert_non_null(c->items);
    }
    model_entity *copy = &c->items[c->n++];
    entity_init(copy);
    buf_append(&copy->id, e->id.data ? e->id.data : "", e->id.len);
    copy->schema = e->schema;
    copy->dataset = e->dataset ? strdup(e->dataset) : NULL; /* parsers may reuse theirs */
    for (size_t i = 0; i < e->n_values; i++) {
        const char *v = entity_value_text(e, i);
        /* entity_add_text keeps the value byte for byte */
        assert_int_equal(entity_add_text(copy, e->values[i].prop, v, strlen(v)), 0);
    }
    return 0;
}

const list_sink *collect_sink(collected *c, list_sink *storage)
{
    memset(c, 0, sizeof *c);
    storage->emit = collect_emit;
    storage->ctx = c;
    return storage;
}

void collected_free(collected *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free((char *)c->items[i].dataset);
        entity_free(&c->items[i]);
    }
    free(c->items);
    memset(c, 0, sizeof *c);
}

const model_entity *collected_find(const collected *c, const char *id)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].id.data && strcmp(c->items[i].id.data, id) == 0)
            return &c->items[i];
    return NULL;
}

size_t collected_count_schema(const collected *c, kd_schema schema)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->items[i].schema == schema;
    return n;
}

bool entity_has(const model_entity *e, kd_prop prop, const char *value)
{
    for (size_t i = 0; i < e->n_values; i++)
        if (e->values[i].prop == prop && strcmp(entity_value_text(e, i), value) == 0)
            return true;
    return false;
}

bool entity_has_substring(const model_entity *e, kd_prop prop, const char *needle)
{
    for (size_t i = 0; i < e->n_values; i++)
        if (e->values[i].prop == prop && strstr(entity_value_text(e, i), needle))
            return true;
    return false;
}

void entity_dump(const model_entity *e)
{
    fprintf(stderr, "entity %s [%s] dataset=%s\n", e->id.data ? e->id.data : "(no id)",
            kd_schema_name(e->schema), e->dataset ? e->dataset : "(none)");
    for (size_t i = 0; i < e->n_values; i++)
        fprintf(stderr, "  %s = %s\n", kd_prop_name(e->values[i].prop), entity_value_text(e, i));
}

kd_index *build_open_index(const char *lists, const char *name)
{
    char out[4096], src[4096];
    snprintf(out, sizeof out, "%s", tmp_path(name));
    snprintf(src, sizeof src, "%s", data_path(lists));
    const char *srcs[] = {src};
    kd_build_options opts = {.output = out};
    kd_error err = {0};
    kd_index *ix = NULL;
    if (kd_build(srcs, 1, &opts, &err) || kd_index_open(out, &ix, &err))
        fail_msg("%s: %s", lists, err.message);
    return ix;
}
