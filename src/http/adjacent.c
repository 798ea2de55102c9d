/* Adjacent entities, as yente shows an entity: the entities it refers to
 * (an address, a link's other side) inlined, and the records that refer to
 * it — a "Linked To" link, an ownership, a family tie, its listings as
 * Sanction entities — under FtM's reverse property names (a link's
 * subject is the party's `unknownLinkSubject`). The references are found
 * once per loaded index (live_adjacent_build); a request only reads them. */
#include "http_internal.h"
#include "index/index.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* FtM's name, on the referred entity, of a reference from a record of
 * `schema` through `prop` (the property's `reverse`). */
static const char *reverse_name(kd_schema schema, kd_prop prop, char *label, size_t size)
{
    static const struct {
        kd_schema schema;
        kd_prop prop;
        const char *reverse;
    } names[] = {
        {KD_SCHEMA_UNKNOWN_LINK, KD_PROP_SUBJECT, "unknownLinkSubject"},
        {KD_SCHEMA_UNKNOWN_LINK, KD_PROP_OBJECT, "unknownLinkObject"},
        {KD_SCHEMA_FAMILY, KD_PROP_PERSON, "familyPerson"},
        {KD_SCHEMA_FAMILY, KD_PROP_RELATIVE, "familyRelative"},
        {KD_SCHEMA_OWNERSHIP, KD_PROP_OWNER, "ownershipOwner"},
        {KD_SCHEMA_OWNERSHIP, KD_PROP_ASSET, "ownershipAsset"},
        {KD_SCHEMA_DIRECTORSHIP, KD_PROP_DIRECTOR, "directorshipDirector"},
        {KD_SCHEMA_DIRECTORSHIP, KD_PROP_ORGANIZATION, "directorshipOrganization"},
        {KD_SCHEMA_MEMBERSHIP, KD_PROP_ORGANIZATION, "membershipOrganization"},
        {KD_SCHEMA_SANCTION, KD_PROP_ENTITY, "sanctions"},
        {KD_SCHEMA_PASSPORT, KD_PROP_HOLDER, "identification"},
        {KD_SCHEMA_IDENTIFICATION, KD_PROP_HOLDER, "identification"},
        {KD_SCHEMA_PAYMENT, KD_PROP_PAYER, "paymentPayer"},
        {KD_SCHEMA_PAYMENT, KD_PROP_BENEFICIARY, "paymentBeneficiary"},
        {KD_SCHEMA_OCCUPANCY, KD_PROP_HOLDER, "positionOccupancies"},
    };
    for (size_t i = 0; i < KD_ARRAY_LEN(names); i++)
        if (names[i].schema == schema && names[i].prop == prop)
            return names[i].reverse;
    if (prop == KD_PROP_ADDRESS_ENTITY)
        return "things";
    /* FtM's pattern for the rest: the schema, then the property */
    const char *s = kd_schema_name(schema), *p = kd_prop_name(prop);
    snprintf(label, size, "%c%s%c%s", (char)(s[0] | 0x20), s + 1, (char)(p[0] & ~0x20), p + 1);
    return label;
}

static int64_t find_referent(const void *context, const char *id)
{
    return kd_ties_referent(context, id);
}

int live_adjacent_build(live_index *g)
{
    kd_error err = {0};
    if (kd_ties_new(g->index, &g->ties, &err))
        return KD_ENOMEM;
    /* the records tied to a sanctioned one (index_linked_records), FtM
     * inputs' merged ids followed */
    g->linked = index_linked_records(g->index, find_referent, g->ties);
    return g->linked ? KD_OK : KD_ENOMEM;
}

bool http_party_linked(const live_index *g, size_t position)
{
    return index_party_linked(g->index, g->linked, position);
}

json_t *http_party_object(const live_index *g, size_t position, bool provenance)
{
    json_t *o = index_party_object(g->index, position, provenance);
    if (o && http_party_linked(g, position))
        index_add_topic(json_object_get(o, "properties"), "sanction.linked");
    return o;
}

/* A record that refers to the party, with its other references (to
 * anyone but the party) made the parties' entities: one level deep. */
static json_t *referring_object(const live_index *g, size_t source, size_t party)
{
    const kd_index *ix = g->index;
    json_t *o = index_entity_object(ix, source);
    json_t *props = json_object_get(o, "properties");
    const char *key;
    json_t *values;
    json_object_foreach(props, key, values) {
        int p = kd_prop_from_name(key);
        if (p < 0 || !index_entity_reference((kd_prop)p))
            continue;
        size_t i;
        json_t *v;
        json_array_foreach(values, i, v) {
            int64_t t = json_is_string(v) ? kd_index_find(ix, json_string_value(v)) : -1;
            if (t < 0 || kd_index_party(ix, (size_t)t) == party)
                continue;
            json_t *nested = http_party_object(g, kd_index_party(ix, (size_t)t), false);
            if (nested)
                json_array_set_new(values, i, nested);
        }
    }
    return o;
}

/* The party's adjacent entities, by property name: its own references
 * (the party's records' entity-typed values) and the records referring
 * to it, with their listings as Sanction entities under "sanctions". */
static json_t *adjacent_lists(const live_index *g, size_t party)
{
    const kd_index *ix = g->index;
    json_t *lists = json_object();
    char label_text[96];
    /* what the party's records refer to */
    size_t members[64];
    size_t n = kd_index_party_members(ix, party, members, KD_ARRAY_LEN(members));
    if (n > KD_ARRAY_LEN(members))
        n = KD_ARRAY_LEN(members);
    for (size_t m = 0; m < n; m++) {
        kd_entity_view v;
        kd_index_entity(ix, members[m], &v);
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, i);
            int64_t t = index_entity_reference(r.prop) ? kd_index_find(ix, r.value) : -1;
            if (t < 0)
                continue;
            const char *key = kd_prop_name(r.prop);
            json_t *list = json_object_get(lists, key);
            if (!list)
                json_object_set_new(lists, key, list = json_array());
            json_array_append_new(list, http_party_object(g, kd_index_party(ix, (size_t)t), false));
        }
        /* its listing, as FtM keeps it */
        json_t *sanction = index_sanction_object(ix, members[m]);
        if (sanction) {
            json_t *list = json_object_get(lists, "sanctions");
            if (!list)
                json_object_set_new(lists, "sanctions", list = json_array());
            json_array_append_new(list, sanction);
        }
    }
    /* the records that refer to it */
    const index_reference *refs;
    size_t n_refs = index_ties_references(g->ties, party, &refs);
    for (size_t k = 0; k < n_refs; k++) {
        const index_reference *a = &refs[k];
        kd_entity_view v;
        kd_index_entity(ix, a->source, &v);
        const char *key = reverse_name(v.schema, (kd_prop)a->prop, label_text, sizeof label_text);
        json_t *list = json_object_get(lists, key);
        if (!list)
            json_object_set_new(lists, key, list = json_array());
        json_array_append_new(list, referring_object(g, a->source, party));
    }
    return lists;
}

void http_nest_adjacent(const live_index *g, size_t party, json_t *object)
{
    json_t *props = json_object_get(object, "properties");
    json_t *lists = adjacent_lists(g, party);
    const char *key;
    json_t *list;
    /* the lists replace the ids they were made of */
    json_object_foreach(lists, key, list)
        json_object_set(props, key, list);
    json_decref(lists);
}

json_t *http_adjacent_pages(const live_index *g, size_t party, size_t limit, size_t offset)
{
    json_t *lists = adjacent_lists(g, party);
    json_t *pages = json_object();
    const char *key;
    json_t *list;
    json_object_foreach(lists, key, list) {
        size_t total = json_array_size(list);
        json_t *results = json_array();
        for (size_t i = offset; i < total && i < offset + limit; i++)
            json_array_append(results, json_array_get(list, i));
        json_object_set_new(pages, key,
                            json_pack("{s:o,s:{s:I,s:s},s:I,s:I}", "results", results, "total", "value",
                                      (json_int_t)total, "relation", "eq", "limit", (json_int_t)limit, "offset",
                                      (json_int_t)offset));
    }
    json_decref(lists);
    return pages;
}
