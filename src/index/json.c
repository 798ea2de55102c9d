/* Entities as FollowTheMoney JSON, the shape yente and OpenSanctions emit. */
#include "index.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The caption is the name an analyst would recognise: the first name, then
 * fallbacks for schemata without one (addresses, sanctions, payments). */
static const char *caption_of(const kd_index *ix, const kd_entity_view *v)
{
    static const kd_prop order[] = {KD_PROP_NAME, KD_PROP_ALIAS, KD_PROP_FULL,
                                    KD_PROP_LAST_NAME, KD_PROP_PROGRAM, KD_PROP_NUMBER,
                                    KD_PROP_ROLE, KD_PROP_RELATIONSHIP};
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
        if (!kd_prop_is_meta(r.prop)) {
            index_ftm_add_value(props, v.schema, r.prop, r.value);
            continue;
        }
        const char *key = kd_prop_name(r.prop);
        json_t *list = json_object_get(root, key);
        if (!list) {
            list = json_array();
            json_object_set_new(root, key, list);
        }
        json_array_append_new(list, json_string(r.value));
    }
    index_add_record_topics(ix, position, props);
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

/* ---- parties: the records of one real party as one entity --------------- */

/* Of two schemata of one party, the more specific (a Company over an
 * Organization over a LegalEntity); resolution joins only records of one
 * family, and where neither is more specific the first stays. */
static int schema_specificity(kd_schema s)
{
    switch (s) {
    case KD_SCHEMA_LEGAL_ENTITY: return 0;
    case KD_SCHEMA_ORGANIZATION: return 1;
    default: return 2;
    }
}

static bool array_has_string(json_t *list, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), value) == 0)
            return true;
    }
    return false;
}

static void add_unique(json_t *object, const char *key, const char *value)
{
    json_t *list = json_object_get(object, key);
    if (!list) {
        list = json_array();
        json_object_set_new(object, key, list);
    }
    if (!array_has_string(list, value))
        json_array_append_new(list, json_string(value));
}

/* provenance[prop][value] lists the records that state it */
static void add_provenance(json_t *provenance, const char *prop, const char *value, const char *record)
{
    json_t *values = json_object_get(provenance, prop);
    if (!values) {
        values = json_object();
        json_object_set_new(provenance, prop, values);
    }
    add_unique(values, value, record);
}

/* A meta field holding one timestamp: the earliest (first_seen) or the
 * latest (last_seen, last_change) of the members'. */
static void merge_scalar(json_t *root, const char *key, const char *value, bool earliest)
{
    json_t *old = json_object_get(root, key);
    const char *had = json_is_string(old) ? json_string_value(old) : NULL;
    if (!had || (earliest ? strcmp(value, had) < 0 : strcmp(value, had) > 0))
        json_object_set_new(root, key, json_string(value));
}

json_t *index_listing_object(const kd_index *ix, size_t position)
{
    kd_entity_view v;
    if (kd_index_entity(ix, position, &v))
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(v.id));
    const char *authority = kd_entity_view_first(ix, &v, KD_PROP_AUTHORITY);
    char label[64];
    index_authority_label(ix, position, label, sizeof label);
    json_object_set_new(o, "authority", json_string(authority ? authority : label));
    json_t *datasets = json_array();
    for (uint32_t i = 0; i < v.n_datasets; i++)
        json_array_append_new(datasets, json_string(index_string(ix, ix->datasets[v.datasets[i]].name)));
    json_object_set_new(o, "datasets", datasets);
    json_object_set_new(o, "schema", json_string(kd_schema_name(v.schema)));
    json_object_set_new(o, "caption", json_string(caption_of(ix, &v)));
    static const kd_prop lists[] = {KD_PROP_PROGRAM, KD_PROP_PROGRAM_ID};
    static const kd_prop singles[] = {KD_PROP_LISTING_DATE, KD_PROP_START_DATE, KD_PROP_REASON,
                                      KD_PROP_SOURCE_URL};
    for (size_t k = 0; k < KD_ARRAY_LEN(lists); k++) {
        json_t *values = json_array();
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, i);
            if (r.prop == lists[k] && !array_has_string(values, r.value))
                json_array_append_new(values, json_string(r.value));
        }
        if (json_array_size(values))
            json_object_set_new(o, kd_prop_name(lists[k]), values);
        else
            json_decref(values);
    }
    for (size_t k = 0; k < KD_ARRAY_LEN(singles); k++) {
        const char *value = kd_entity_view_first(ix, &v, singles[k]);
        if (value)
            json_object_set_new(o, kd_prop_name(singles[k]), json_string(value));
    }
    return o;
}

json_t *index_party_object(const kd_index *ix, size_t position, bool provenance)
{
    size_t members[INDEX_PARTY_MAX];
    size_t n = kd_index_party_members(ix, position, members, INDEX_PARTY_MAX);
    if (n > INDEX_PARTY_MAX)
        n = INDEX_PARTY_MAX;
    json_t *root = n ? index_entity_object(ix, members[0]) : NULL;
    if (!root)
        return NULL;
    json_t *props = json_object_get(root, "properties");
    json_t *datasets = json_object_get(root, "datasets");
    json_t *referents = json_object_get(root, "referents");
    json_t *listings = json_array();
    json_t *origin = provenance ? json_object() : NULL;
    kd_schema schema = (kd_schema)kd_schema_from_name(json_string_value(json_object_get(root, "schema")));
    for (size_t m = 0; m < n; m++) {
        kd_entity_view v;
        kd_index_entity(ix, members[m], &v);
        json_array_append_new(listings, index_listing_object(ix, members[m]));
        if (m > 0) {
            if (!array_has_string(referents, v.id))
                json_array_append_new(referents, json_string(v.id));
            for (uint32_t i = 0; i < v.n_datasets; i++) {
                const char *name = index_string(ix, ix->datasets[v.datasets[i]].name);
                if (!array_has_string(datasets, name))
                    json_array_append_new(datasets, json_string(name));
            }
            if (schema_specificity(v.schema) > schema_specificity(schema))
                schema = v.schema;
            index_add_record_topics(ix, members[m], props);
        }
        if (origin && index_record_listed(ix, members[m]))
            add_provenance(origin, "topics", "sanction", v.id);
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, i);
            const char *key = kd_prop_name(r.prop);
            if (r.prop == KD_PROP_FIRST_SEEN)
                merge_scalar(root, key, r.value, true);
            else if (r.prop == KD_PROP_LAST_SEEN || r.prop == KD_PROP_LAST_CHANGE)
                merge_scalar(root, key, r.value, false);
            else if (r.prop == KD_PROP_REFERENTS)
                add_unique(root, key, r.value);
            else if (kd_prop_is_meta(r.prop))
                continue;
            else {
                if (m > 0)
                    index_ftm_add_value(props, v.schema, r.prop, r.value);
                if (origin) {
                    /* which record states each value, as the party shows it */
                    json_t *typed = json_object();
                    index_ftm_add_value(typed, v.schema, r.prop, r.value);
                    const char *tkey;
                    json_t *values;
                    json_object_foreach(typed, tkey, values) {
                        size_t k;
                        json_t *one;
                        json_array_foreach(values, k, one) add_provenance(origin, tkey, json_string_value(one), v.id);
                    }
                    json_decref(typed);
                }
            }
        }
    }
    json_object_set_new(root, "schema", json_string(kd_schema_name(schema)));
    json_object_set_new(root, "listings", listings);
    if (origin)
        json_object_set_new(root, "provenance", origin);
    return root;
}

size_t kd_index_party_summary(const kd_index *ix, size_t position, char *out, size_t size)
{
    size_t members[INDEX_PARTY_MAX];
    size_t n = kd_index_party_members(ix, position, members, INDEX_PARTY_MAX);
    size_t used = 0;
    if (size)
        out[0] = '\0';
    for (size_t m = 0; m < n && m < INDEX_PARTY_MAX && used < size; m++) {
        kd_entity_view v;
        kd_index_entity(ix, members[m], &v);
        char label[64];
        const char *authority = kd_entity_view_first(ix, &v, KD_PROP_AUTHORITY);
        index_authority_label(ix, members[m], label, sizeof label);
        const char *since = kd_entity_view_first(ix, &v, KD_PROP_LISTING_DATE);
        if (!since)
            since = kd_entity_view_first(ix, &v, KD_PROP_START_DATE);
        const char *program = kd_entity_view_first(ix, &v, KD_PROP_PROGRAM);
        int k = snprintf(out + used, size - used, "%s%s%s%s%s%s%s", m ? " · " : "", authority ? authority : label,
                         since ? " since " : "", since ? since : "", program ? " (" : "", program ? program : "",
                         program ? ")" : "");
        if (k < 0)
            break;
        used += (size_t)k;
    }
    return n;
}

/* Whether a record of the entity's party is listed itself. */
static bool party_listed(const kd_index *ix, size_t position)
{
    size_t members[INDEX_PARTY_MAX];
    size_t n = kd_index_party_members(ix, position, members, INDEX_PARTY_MAX);
    for (size_t m = 0; m < n && m < INDEX_PARTY_MAX; m++)
        if (index_record_listed(ix, members[m]))
            return true;
    return false;
}

char *kd_index_party_json(const kd_index *ix, size_t position, int flags)
{
    json_t *root = index_party_object(ix, position, flags & KD_JSON_PROVENANCE);
    if (!root)
        return NULL;
    /* A party none of whose records is listed may be tied to one that is
     * (FtM's topic sanction.linked), as the server and the export say it:
     * the ties are read here for such a party only, one pass over the
     * index's links. */
    if (!party_listed(ix, position)) {
        uint8_t *linked = index_linked_records(ix, NULL, NULL);
        if (!linked) {
            json_decref(root);
            return NULL;
        }
        if (index_party_linked(ix, linked, position))
            index_add_topic(json_object_get(root, "properties"), "sanction.linked");
        free(linked);
    }
    char *out = json_dumps(root, (flags & KD_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return out;
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
