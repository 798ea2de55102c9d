/* FollowTheMoney topics of the records: what OpenSanctions tags an entity
 * with (`sanction` for a listed party, `sanction.linked` for one tied to a
 * listed one), so that a yente client filtering on topics=sanction finds
 * the listed parties. The official lists' own formats say no topic: a
 * person, body, vessel or aircraft an official sanctions list names is, by
 * being named there, sanctioned. FtM inputs bring their topics, which stay
 * as they are. */
#include "index.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The datasets kordon's parsers of official sanctions lists write (an FtM
 * input's dataset is named after its file), with OpenSanctions' titles. */
static const struct {
    const char *name, *title;
} official_lists[] = {
    {"un_sc_sanctions", "UN Security Council Consolidated Sanctions List"},
    {"us_ofac_sdn", "US OFAC Specially Designated Nationals (SDN) List"},
    {"us_ofac_cons", "US OFAC Consolidated (non-SDN) Sanctions List"},
    {"eu_journal_sanctions", "EU sanctions in the Official Journal"},
    {"eu_fsf", "EU Financial Sanctions Files (FSF)"},
    {"gb_fcdo_sanctions", "UK Sanctions List (FCDO)"},
    {"gb_hmt_sanctions", "UK HM Treasury Consolidated List (retired 2026-01-28)"},
    {"ca_dfatd_sema_sanctions", "Canadian Special Economic Measures Act sanctions"},
};

const char *index_official_list_title(const char *dataset)
{
    for (size_t i = 0; i < KD_ARRAY_LEN(official_lists); i++)
        if (strcmp(official_lists[i].name, dataset) == 0)
            return official_lists[i].title;
    return NULL;
}

bool index_schema_is_party(kd_schema schema)
{
    return schema <= KD_SCHEMA_PUBLIC_BODY;
}

bool index_record_listed(const kd_index *ix, size_t position)
{
    kd_entity_view v;
    if (kd_index_entity(ix, position, &v) || !index_schema_is_party(v.schema))
        return false;
    /* an FtM input's record (its publisher's datasets kept) says its own
     * topics, even in a file named as an official list: a party of an
     * OpenSanctions export need not be a listed one */
    if (kd_entity_view_first(ix, &v, KD_PROP_PUBLISHER_DATASET))
        return false;
    for (uint32_t i = 0; i < v.n_datasets; i++)
        if (index_official_list_title(index_string(ix, ix->datasets[v.datasets[i]].name)))
            return true;
    return false;
}

bool index_record_has_topic(const kd_index *ix, size_t position, const char *topic)
{
    if (strcmp(topic, "sanction") == 0 && index_record_listed(ix, position))
        return true;
    kd_entity_view v;
    if (kd_index_entity(ix, position, &v))
        return false;
    for (uint32_t i = 0; i < v.n_values; i++) {
        kd_value_ref r = kd_entity_view_value(ix, &v, i);
        if (r.prop == KD_PROP_TOPICS && strcmp(r.value, topic) == 0)
            return true;
    }
    return false;
}

void index_add_topic(json_t *properties, const char *topic)
{
    json_t *topics = json_object_get(properties, "topics");
    if (!topics) {
        topics = json_array();
        json_object_set_new(properties, "topics", topics);
    }
    size_t i;
    json_t *t;
    json_array_foreach(topics, i, t) {
        if (json_is_string(t) && strcmp(json_string_value(t), topic) == 0)
            return;
    }
    json_array_append_new(topics, json_string(topic));
}

void index_add_record_topics(const kd_index *ix, size_t position, json_t *properties)
{
    if (index_record_listed(ix, position))
        index_add_topic(properties, "sanction");
}

/* The sides of a tie that makes a party sanction-linked: a sanctioned
 * party's company or its owner (Ownership), the body a sanctioned person
 * directs or the person directing a sanctioned body (Directorship), a
 * list's "Linked To" (UnknownLink). A relative or an associate is another
 * FtM topic (role.rca), which kordon does not give. */
static bool linking_side(kd_schema schema, kd_prop p)
{
    switch (schema) {
    case KD_SCHEMA_OWNERSHIP: return p == KD_PROP_OWNER || p == KD_PROP_ASSET;
    case KD_SCHEMA_DIRECTORSHIP: return p == KD_PROP_DIRECTOR || p == KD_PROP_ORGANIZATION;
    case KD_SCHEMA_UNKNOWN_LINK: return p == KD_PROP_SUBJECT || p == KD_PROP_OBJECT;
    default: return false;
    }
}

uint8_t *index_linked_records(const kd_index *ix, int64_t (*referent)(const void *context, const char *id),
                              const void *context)
{
    size_t n = kd_index_entity_count(ix);
    uint8_t *linked = calloc(n ? n : 1, 1);
    if (!linked)
        return NULL;
    for (size_t e = 0; e < n; e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        if (v.schema != KD_SCHEMA_OWNERSHIP && v.schema != KD_SCHEMA_DIRECTORSHIP &&
            v.schema != KD_SCHEMA_UNKNOWN_LINK)
            continue;
        int64_t sides[8];
        size_t n_sides = 0;
        bool sanctioned = false;
        for (uint32_t i = 0; i < v.n_values && n_sides < KD_ARRAY_LEN(sides); i++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, i);
            if (!linking_side(v.schema, r.prop))
                continue;
            int64_t t = kd_index_find(ix, r.value);
            if (t < 0 && referent)
                t = referent(context, r.value);
            if (t < 0)
                continue;
            sides[n_sides++] = t;
            sanctioned |= index_record_has_topic(ix, (size_t)t, "sanction");
        }
        /* a sanctioned side is marked too: index_party_linked never reads
         * the mark of a listed party */
        for (size_t k = 0; sanctioned && k < n_sides; k++)
            linked[sides[k]] = 1;
    }
    return linked;
}

bool index_party_linked(const kd_index *ix, const uint8_t *linked, size_t position)
{
    if (!linked)
        return false;
    size_t members[INDEX_PARTY_MAX];
    size_t n = kd_index_party_members(ix, position, members, INDEX_PARTY_MAX);
    bool tied = false;
    for (size_t m = 0; m < n && m < INDEX_PARTY_MAX; m++) {
        if (index_record_has_topic(ix, members[m], "sanction"))
            return false; /* listed itself */
        tied |= linked[members[m]] != 0;
    }
    return tied;
}
