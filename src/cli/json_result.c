#include "cli.h"

#include <jansson.h>
#include <string.h>

/* A result is a party: its canonical id and caption, the datasets and ids
 * of all its records, one line of listings, and which record matched. */
json_t *cli_result_json(const kd_index *ix, const kd_match_result *r, bool details)
{
    kd_entity_view v, matched;
    kd_index_entity(ix, r->party, &v);
    kd_index_entity(ix, r->entity, &matched);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(v.id));
    const char *caption = kd_entity_view_first(ix, &v, KD_PROP_NAME);
    json_object_set_new(o, "caption", json_string(caption ? caption : v.id));
    json_object_set_new(o, "schema", json_string(kd_schema_name(v.schema)));
    size_t members[64];
    size_t n = kd_index_party_members(ix, r->party, members, 64);
    json_t *ds = json_array(), *referents = json_array();
    for (size_t m = 0; m < n && m < 64; m++) {
        kd_entity_view x;
        kd_index_entity(ix, members[m], &x);
        if (m > 0)
            json_array_append_new(referents, json_string(x.id));
        for (uint32_t i = 0; i < x.n_datasets; i++) {
            kd_dataset_info d;
            kd_index_dataset(ix, x.datasets[i], &d);
            size_t k;
            json_t *seen;
            bool have = false;
            json_array_foreach(ds, k, seen) have = have || strcmp(json_string_value(seen), d.name) == 0;
            if (!have)
                json_array_append_new(ds, json_string(d.name));
        }
    }
    json_object_set_new(o, "datasets", ds);
    json_object_set_new(o, "referents", referents);
    char listed[1024];
    kd_index_party_summary(ix, r->party, listed, sizeof listed);
    json_object_set_new(o, "listed", json_string(listed));
    json_object_set_new(o, "matched_record", json_string(matched.id));
    json_object_set_new(o, "score", json_real(r->score));
    json_object_set_new(o, "match", json_boolean(r->match));
    if (details) {
        json_object_set_new(o, "name_score", json_real(r->name_score));
        json_object_set_new(o, "matched_name", json_string(r->matched_name));
    }
    json_object_set_new(o, "explanation", json_string(r->explanation));
    return o;
}
