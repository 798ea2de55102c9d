/* FollowTheMoney JSON lines, OpenSanctions' export format. Entities keep
 * their own ids; the kordon dataset is the file's stem ("t1.ftm.json" → t1)
 * because the "datasets" field names OpenSanctions' sources, which would
 * clash with the lists kordon reads from the publishers directly: those are
 * kept as publisherDataset. */
#include "lists.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FTM_LINE_MAX (8 * 1024 * 1024)

static int add_json_string(model_entity *e, kd_prop prop, json_t *v, const char *path, size_t line,
                           const char *field, kd_error *err)
{
    if (!json_is_string(v))
        return error_set(err, KD_EPARSE, "%s:%zu: %s: expected a string", path, line, field);
    int rc = entity_add_text(e, prop, json_string_value(v), json_string_length(v));
    return rc ? list_value_error(err, rc, path, line, field) : KD_OK;
}

static int add_values(model_entity *e, kd_prop prop, json_t *values, const char *path, size_t line,
                      const char *field, kd_error *err)
{
    if (json_is_string(values))
        return add_json_string(e, prop, values, path, line, field, err);
    if (!json_is_array(values))
        return error_set(err, KD_EPARSE, "%s:%zu: %s: expected a list of strings", path, line, field);
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v) {
        int rc = add_json_string(e, prop, v, path, line, field, err);
        if (rc)
            return rc;
    }
    return KD_OK;
}

/* A property kordon has no slot for is kept as a note rather than dropped. */
static int add_unknown(model_entity *e, const char *key, json_t *values, const char *path, size_t line,
                       kd_error *err)
{
    buf note = {0};
    size_t i;
    json_t *v;
    int rc = KD_OK;
    json_t *list = json_is_array(values) ? values : NULL;
    for (i = 0; list ? i < json_array_size(list) : i < 1; i++) {
        v = list ? json_array_get(list, i) : values;
        if (!json_is_string(v))
            continue;
        buf_clear(&note);
        if (buf_printf(&note, "%s: %s", key, json_string_value(v))) {
            rc = KD_ENOMEM;
            break;
        }
        if ((rc = entity_add_text(e, KD_PROP_NOTES, note.data, note.len)))
            break;
    }
    buf_free(&note);
    return rc ? list_value_error(err, rc, path, line, key) : KD_OK;
}

static int parse_record(model_entity *e, json_t *root, const char *path, size_t line, kd_error *err)
{
    if (!json_is_object(root))
        return error_set(err, KD_EPARSE, "%s:%zu: expected a JSON object", path, line);
    json_t *id = json_object_get(root, "id");
    json_t *schema = json_object_get(root, "schema");
    if (!json_is_string(id) || json_string_length(id) == 0)
        return error_set(err, KD_EPARSE, "%s:%zu: id: missing or not a string", path, line);
    if (json_string_length(id) > 400 || !utf8_valid(json_string_value(id), json_string_length(id), NULL))
        return error_set(err, KD_EPARSE, "%s:%zu: id: too long", path, line);
    if (!json_is_string(schema))
        return error_set(err, KD_EPARSE, "%s:%zu: schema: missing or not a string", path, line);
    int s = kd_schema_from_name(json_string_value(schema));
    if (s < 0)
        return error_set(err, KD_EPARSE, "%s:%zu: schema: unknown FtM schema \"%.80s\"", path,
                         line, json_string_value(schema));
    e->schema = (kd_schema)s;
    entity_set_id(e, "%s", json_string_value(id));

    json_t *props = json_object_get(root, "properties");
    if (props && !json_is_object(props))
        return error_set(err, KD_EPARSE, "%s:%zu: properties: expected an object", path, line);
    const char *key;
    json_t *values;
    int rc;
    json_object_foreach(props, key, values) {
        int p = kd_prop_from_name(key);
        if (p < 0 || kd_prop_is_meta((kd_prop)p))
            rc = add_unknown(e, key, values, path, line, err);
        else
            rc = add_values(e, (kd_prop)p, values, path, line, key, err);
        if (rc)
            return rc;
    }
    static const struct {
        const char *key;
        kd_prop prop;
    } meta[] = {{"datasets", KD_PROP_PUBLISHER_DATASET}, {"referents", KD_PROP_REFERENTS},
                {"first_seen", KD_PROP_FIRST_SEEN},      {"last_seen", KD_PROP_LAST_SEEN},
                {"last_change", KD_PROP_LAST_CHANGE}};
    for (size_t i = 0; i < KD_ARRAY_LEN(meta); i++) {
        json_t *v = json_object_get(root, meta[i].key);
        if (v && (rc = add_values(e, meta[i].prop, v, path, line, meta[i].key, err)))
            return rc;
    }
    return KD_OK;
}

int parse_ftm_json(const char *path, const list_sink *sink, kd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, KD_EIO, "%s: cannot open: %s", path, strerror(errno));
    char dataset[128];
    list_dataset_from_path(path, "ftm", dataset, sizeof dataset);
    model_entity e;
    entity_init(&e);
    char *line = NULL;
    size_t cap = 0, line_no = 0, records = 0;
    ssize_t n;
    int rc = KD_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        line_no++;
        if (n > FTM_LINE_MAX) {
            rc = error_set(err, KD_ELIMIT, "%s:%zu: line longer than %d bytes", path, line_no,
                           FTM_LINE_MAX);
            break;
        }
        const char *s = line;
        if (text_trim(&s, (size_t)n) == 0)
            continue;
        json_error_t jerr;
        json_t *root = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
            rc = error_set(err, KD_EPARSE, "%s:%zu: column %d: %s", path, line_no, jerr.column,
                           jerr.text);
            break;
        }
        entity_reset(&e);
        e.dataset = dataset;
        rc = parse_record(&e, root, path, line_no, err);
        json_decref(root);
        if (rc || (rc = sink->emit(sink->ctx, &e, err)))
            break;
        records++;
    }
    if (!rc && ferror(f))
        rc = error_set(err, KD_EIO, "%s:%zu: read error", path, line_no);
    if (!rc && records == 0)
        rc = error_set(err, KD_EEMPTY, "%s: no records", path);
    free(line);
    fclose(f);
    entity_free(&e);
    return rc;
}
