#include "cli.h"
#include "index/index.h"

#include <jansson.h>
#include <string.h>

/* A result is a party: its canonical id and caption, the datasets and ids
 * of all its records, one line of listings, and which record matched. */
json_t *cli_result_json(const kd_index *ix, const kd_ties *ties, const kd_match_result *r, bool details)
{
    kd_entity_view v, matched;
    kd_index_entity(ix, r->party, &v);
    kd_index_entity(ix, r->entity, &matched);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(v.id));
    const char *caption = kd_entity_view_first(ix, &v, KD_PROP_NAME);
    json_object_set_new(o, "caption", json_string(caption ? caption : v.id));
    json_object_set_new(o, "schema", json_string(kd_schema_name(v.schema)));
    size_t members[64], datasets[64];
    size_t n = kd_index_party_members(ix, r->party, members, 64);
    json_t *ds = json_array(), *referents = json_array();
    for (size_t m = 1; m < n && m < 64; m++) {
        kd_entity_view x;
        kd_index_entity(ix, members[m], &x);
        json_array_append_new(referents, json_string(x.id));
    }
    size_t nd = kd_index_party_datasets(ix, r->party, datasets, 64);
    for (size_t k = 0; k < nd && k < 64; k++) {
        kd_dataset_info d;
        kd_index_dataset(ix, datasets[k], &d);
        json_array_append_new(ds, json_string(d.name));
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
    json_t *linked = index_ties_json(ix, ties, r->party);
    if (linked)
        json_object_set_new(o, "linked_to", linked);
    return o;
}

void cli_ties_line(const kd_index *ix, const kd_ties *ties, size_t party, char *out, size_t size)
{
    out[0] = '\0';
    json_t *linked = index_ties_json(ix, ties, party);
    size_t used = 0, i;
    json_t *tie;
    json_array_foreach(linked, i, tie) {
        int k = snprintf(out + used, size - used, "%s%s listed %s (%s)", used ? " · " : "",
                         json_string_value(json_object_get(tie, "how")),
                         json_string_value(json_object_get(tie, "caption")),
                         json_string_value(json_object_get(tie, "id")));
        if (k < 0 || (size_t)k >= size - used)
            break;
        used += (size_t)k;
    }
    json_decref(linked);
}
