#include "cli.h"

#include <jansson.h>

json_t *cli_result_json(const kd_index *ix, const kd_match_result *r, bool details)
{
    kd_entity_view v;
    kd_index_entity(ix, r->entity, &v);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(v.id));
    const char *caption = kd_entity_view_first(ix, &v, KD_PROP_NAME);
    json_object_set_new(o, "caption", json_string(caption ? caption : v.id));
    json_object_set_new(o, "schema", json_string(kd_schema_name(v.schema)));
    json_t *ds = json_array();
    for (uint32_t i = 0; i < v.n_datasets; i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, v.datasets[i], &d);
        json_array_append_new(ds, json_string(d.name));
    }
    json_object_set_new(o, "datasets", ds);
    json_object_set_new(o, "score", json_real(r->score));
    json_object_set_new(o, "match", json_boolean(r->match));
    if (details) {
        json_object_set_new(o, "name_score", json_real(r->name_score));
        json_object_set_new(o, "matched_name", json_string(r->matched_name));
    }
    json_object_set_new(o, "explanation", json_string(r->explanation));
    return o;
}
