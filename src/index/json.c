/* Entities as FollowTheMoney JSON, the shape yente and OpenSanctions emit. */
#include "index.h"

#include <jansson.h>
#include <stdlib.h>

/* The caption is the name an analyst would recognise: the first name, then
 * fallbacks for schemata without one (addresses, sanctions, payments). */
static const char *caption_of(const kd_index *ix, const kd_entity_view *v)
{
    static const kd_prop order[] = {KD_PROP_NAME, KD_PROP_ALIAS, KD_PROP_FULL,
                                    KD_PROP_LAST_NAME, KD_PROP_PROGRAM, KD_PROP_NUMBER};
    for (size_t i = 0; i < KD_ARRAY_LEN(order); i++) {
        const char *s = kd_entity_view_first(ix, v, order[i]);
        if (s)
            return s;
    }
    return v->id;
}

json_t *index_entity_object(const kd_index *ix, size_t position)
{
    kd_entity_view v;
    if (kd_index_entity(ix, position, &v))
        return NULL;
    json_t *root = json_object();
    json_t *props = json_object();
    json_t *datasets = json_array();
    json_object_set_new(root, "id", json_string(v.id));
    json_object_set_new(root, "caption", json_string(caption_of(ix, &v)));
    json_object_set_new(root, "schema", json_string(kd_schema_name(v.schema)));
    for (uint32_t i = 0; i < v.n_values; i++) {
        kd_value_ref r = kd_entity_view_value(ix, &v, i);
        json_t *target = kd_prop_is_meta(r.prop) ? root : props;
        const char *key = kd_prop_name(r.prop);
        json_t *list = json_object_get(target, key);
        if (!list) {
            list = json_array();
            json_object_set_new(target, key, list);
        }
        json_array_append_new(list, json_string(r.value));
    }
    json_object_set_new(root, "properties", props);
    for (uint32_t i = 0; i < v.n_datasets; i++)
        json_array_append_new(datasets, json_string(index_string(ix, ix->datasets[v.datasets[i]].name)));
    json_object_set_new(root, "datasets", datasets);
    /* FtM meta fields that hold a single value are scalars, not lists. */
    static const char *const scalars[] = {"first_seen", "last_seen", "last_change"};
    for (size_t i = 0; i < KD_ARRAY_LEN(scalars); i++) {
        json_t *list = json_object_get(root, scalars[i]);
        if (list && json_array_size(list) >= 1)
            json_object_set(root, scalars[i], json_array_get(list, 0));
    }
    if (!json_object_get(root, "referents"))
        json_object_set_new(root, "referents", json_array());
    json_object_set_new(root, "target", json_boolean(v.schema <= KD_SCHEMA_AIRPLANE));
    return root;
}

char *kd_index_entity_json(const kd_index *ix, size_t position, int pretty)
{
    json_t *root = index_entity_object(ix, position);
    if (!root)
        return NULL;
    char *out = json_dumps(root, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return out;
}
