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

/* Properties whose values are entity ids. */
static bool entity_ref(kd_prop p)
{
    switch (p) {
    case KD_PROP_ADDRESS_ENTITY: case KD_PROP_ENTITY: case KD_PROP_PERSON: case KD_PROP_RELATIVE:
    case KD_PROP_ORGANIZATION: case KD_PROP_DIRECTOR: case KD_PROP_OWNER: case KD_PROP_ASSET:
    case KD_PROP_HOLDER: case KD_PROP_PAYER: case KD_PROP_BENEFICIARY: case KD_PROP_SUBJECT:
    case KD_PROP_OBJECT: return true;
    default: return false;
    }
}

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
    return live_referent(context, id);
}

/* g->linked: the records tied to a sanctioned one (index_linked_records),
 * FtM inputs' merged ids followed. */
static int linked_build(live_index *g)
{
    g->linked = index_linked_records(g->index, find_referent, g);
    return g->linked ? KD_OK : KD_ENOMEM;
}

static int compare_adjacent(const void *a, const void *b)
{
    const struct live_adjacent *x = a, *y = b;
    if (x->party != y->party)
        return x->party < y->party ? -1 : 1;
    if (x->prop != y->prop)
        return x->prop < y->prop ? -1 : 1;
    return (x->source > y->source) - (x->source < y->source);
}

int live_adjacent_build(live_index *g)
{
    const kd_index *ix = g->index;
    size_t n = kd_index_entity_count(ix), cap = 0;
    for (size_t e = 0; e < n; e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, i);
            if (!entity_ref(r.prop))
                continue;
            int64_t target = kd_index_find(ix, r.value);
            if (target < 0)
                target = live_referent(g, r.value);
            if (target < 0 || (size_t)target == e)
                continue;
            if (g->n_adjacent == cap) {
                cap = cap ? cap * 2 : 1024;
                struct live_adjacent *p = realloc(g->adjacent, cap * sizeof *p);
                if (!p)
                    return KD_ENOMEM;
                g->adjacent = p;
            }
            g->adjacent[g->n_adjacent++] =
                (struct live_adjacent){(uint32_t)kd_index_party(ix, (size_t)target), (uint32_t)e, (uint16_t)r.prop};
        }
    }
    if (g->n_adjacent)
        qsort(g->adjacent, g->n_adjacent, sizeof *g->adjacent, compare_adjacent);
    return linked_build(g);
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

/* The first reference to `party`, or n_adjacent. */
static size_t first_adjacent(const live_index *g, size_t party)
{
    size_t lo = 0, hi = g->n_adjacent;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->adjacent[mid].party < party)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
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
        if (p < 0 || !entity_ref((kd_prop)p))
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
            int64_t t = entity_ref(r.prop) ? kd_index_find(ix, r.value) : -1;
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
    for (size_t k = first_adjacent(g, party); k < g->n_adjacent && g->adjacent[k].party == party; k++) {
        const struct live_adjacent *a = &g->adjacent[k];
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
