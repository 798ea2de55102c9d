/* Ties between parties: which records refer to a party (a link's subject,
 * an ownership's asset, a director's company, a listing's Sanction), found
 * once per loaded index, so that a party that is not listed itself can be
 * reported as tied to one that is ("owned by listed X"), and the entity
 * pages can show what refers to a party. FtM inputs may refer to an
 * entity by an id merged into another (its `referents`): those ids are
 * followed too. */
#include "index.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct kd_ties {
    const kd_index *ix;
    /* ids merged into another entity, sorted by id */
    struct referent {
        const char *id;
        uint32_t entity;
    } *referents;
    size_t n_referents;
    index_reference *references; /* sorted by party, prop, source */
    size_t n_references;
};

bool index_entity_reference(kd_prop p)
{
    switch (p) {
    case KD_PROP_ADDRESS_ENTITY: case KD_PROP_ENTITY: case KD_PROP_PERSON: case KD_PROP_RELATIVE:
    case KD_PROP_ORGANIZATION: case KD_PROP_DIRECTOR: case KD_PROP_OWNER: case KD_PROP_ASSET:
    case KD_PROP_HOLDER: case KD_PROP_PAYER: case KD_PROP_BENEFICIARY: case KD_PROP_SUBJECT:
    case KD_PROP_OBJECT: return true;
    default: return false;
    }
}

static int compare_referent(const void *a, const void *b)
{
    return strcmp(((const struct referent *)a)->id, ((const struct referent *)b)->id);
}

static int compare_reference(const void *a, const void *b)
{
    const index_reference *x = a, *y = b;
    if (x->party != y->party)
        return x->party < y->party ? -1 : 1;
    if (x->prop != y->prop)
        return x->prop < y->prop ? -1 : 1;
    return (x->source > y->source) - (x->source < y->source);
}

/* Appends one item to a growing array of `size`-byte items. */
static int grow(void **items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return KD_OK;
    size_t more = *cap ? *cap * 2 : 256;
    void *p = realloc(*items, more * size);
    if (!p)
        return KD_ENOMEM;
    *items = p;
    *cap = more;
    return KD_OK;
}

/* Every value of the index whose property `want` accepts, handed to
 * `take` with its record's position: the one walk both tables are built by. */
static int each_value(kd_ties *t, bool (*want)(kd_prop), int (*take)(kd_ties *t, size_t e, const char *value,
                                                                      kd_prop prop, size_t *cap))
{
    size_t n = kd_index_entity_count(t->ix), cap = 0;
    for (size_t e = 0; e < n; e++) {
        kd_entity_view v;
        kd_index_entity(t->ix, e, &v);
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(t->ix, &v, i);
            if (want(r.prop) && take(t, e, r.value, r.prop, &cap))
                return KD_ENOMEM;
        }
    }
    return KD_OK;
}

static bool referent_prop(kd_prop p)
{
    return p == KD_PROP_REFERENTS;
}

static int take_referent(kd_ties *t, size_t e, const char *value, kd_prop prop, size_t *cap)
{
    (void)prop;
    if (grow((void **)&t->referents, t->n_referents, cap, sizeof *t->referents))
        return KD_ENOMEM;
    t->referents[t->n_referents++] = (struct referent){value, (uint32_t)e};
    return KD_OK;
}

static int find_referents(kd_ties *t)
{
    if (each_value(t, referent_prop, take_referent))
        return KD_ENOMEM;
    if (t->n_referents)
        qsort(t->referents, t->n_referents, sizeof *t->referents, compare_referent);
    return KD_OK;
}

int64_t kd_ties_referent(const kd_ties *t, const char *id)
{
    struct referent key = {id, 0};
    const struct referent *r =
        t->n_referents ? bsearch(&key, t->referents, t->n_referents, sizeof key, compare_referent) : NULL;
    return r ? (int64_t)r->entity : -1;
}

int64_t index_ties_find(const kd_ties *t, const char *id)
{
    int64_t at = kd_index_find(t->ix, id);
    return at >= 0 ? at : kd_ties_referent(t, id);
}

static int take_reference(kd_ties *t, size_t e, const char *value, kd_prop prop, size_t *cap)
{
    int64_t target = index_ties_find(t, value);
    if (target < 0 || (size_t)target == e)
        return KD_OK;
    if (grow((void **)&t->references, t->n_references, cap, sizeof *t->references))
        return KD_ENOMEM;
    t->references[t->n_references++] =
        (index_reference){(uint32_t)kd_index_party(t->ix, (size_t)target), (uint32_t)e, (uint16_t)prop};
    return KD_OK;
}

static int find_references(kd_ties *t)
{
    if (each_value(t, index_entity_reference, take_reference))
        return KD_ENOMEM;
    if (t->n_references)
        qsort(t->references, t->n_references, sizeof *t->references, compare_reference);
    return KD_OK;
}

int kd_ties_new(const kd_index *ix, kd_ties **out, kd_error *err)
{
    *out = NULL;
    kd_ties *t = calloc(1, sizeof *t);
    if (!t || (t->ix = ix, find_referents(t)) || find_references(t)) {
        kd_ties_free(t);
        return error_set(err, KD_ENOMEM, "out of memory finding the ties between parties");
    }
    *out = t;
    return KD_OK;
}

void kd_ties_free(kd_ties *t)
{
    if (!t)
        return;
    free(t->referents);
    free(t->references);
    free(t);
}

size_t index_ties_references(const kd_ties *t, size_t party, const index_reference **first)
{
    *first = t->references;
    if (!t->n_references)
        return 0; /* an index no record of which refers to another */
    size_t lo = 0, hi = t->n_references;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->references[mid].party < party)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < t->n_references && t->references[end].party == party)
        end++;
    *first = t->references + lo;
    return end - lo;
}

/* Whether a party has a listed record (an official list's, by
 * index_record_listed). */
static bool party_listed(const kd_index *ix, size_t party)
{
    size_t members[INDEX_PARTY_MAX];
    size_t n = kd_index_party_members(ix, party, members, INDEX_PARTY_MAX);
    for (size_t m = 0; m < n && m < INDEX_PARTY_MAX; m++)
        if (index_record_has_topic(ix, members[m], "sanction"))
            return true;
    return false;
}

/* The relations a tie is read from: a link, an ownership, a directorship,
 * a family tie, a membership. Not a listing's Sanction, an address or an
 * identification, which refer to a party without tying it to another. */
static bool tying_schema(kd_schema s)
{
    return s == KD_SCHEMA_UNKNOWN_LINK || s == KD_SCHEMA_OWNERSHIP || s == KD_SCHEMA_DIRECTORSHIP ||
           s == KD_SCHEMA_FAMILY || s == KD_SCHEMA_MEMBERSHIP || s == KD_SCHEMA_ASSOCIATE ||
           s == KD_SCHEMA_EMPLOYMENT;
}

size_t kd_ties_to_listed(const kd_ties *t, size_t party, kd_tie *out, size_t max)
{
    const kd_index *ix = t->ix;
    party = kd_index_party(ix, party);
    const index_reference *refs;
    size_t n_refs = index_ties_references(t, party, &refs), found = 0;
    for (size_t k = 0; k < n_refs; k++) {
        kd_entity_view rel;
        kd_index_entity(ix, refs[k].source, &rel);
        if (!tying_schema(rel.schema))
            continue;
        /* the relation's other sides: the parties it names besides this one */
        for (uint32_t i = 0; i < rel.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(ix, &rel, i);
            if (!index_entity_reference(r.prop))
                continue;
            int64_t other = index_ties_find(t, r.value);
            if (other < 0)
                continue;
            size_t other_party = kd_index_party(ix, (size_t)other);
            if (other_party == party || !party_listed(ix, other_party))
                continue;
            bool seen = false;
            for (size_t j = 0; j < found && j < max && !seen; j++)
                seen = out[j].listed == other_party && out[j].relation == refs[k].source;
            if (seen)
                continue;
            if (found < max)
                out[found] = (kd_tie){other_party, refs[k].source, r.prop};
            found++;
        }
    }
    return found;
}

/* How a party stands to the listed party of a tie, said of the party:
 * "owned by" when the listed one is the owner. */
const char *index_tie_phrase(const kd_index *ix, const kd_tie *tie)
{
    kd_entity_view rel;
    kd_index_entity(ix, tie->relation, &rel);
    switch (rel.schema) {
    case KD_SCHEMA_OWNERSHIP: return tie->role == KD_PROP_OWNER ? "owned by" : "owner of";
    case KD_SCHEMA_DIRECTORSHIP: return tie->role == KD_PROP_DIRECTOR ? "directed by" : "director of";
    case KD_SCHEMA_FAMILY: return "family of";
    case KD_SCHEMA_MEMBERSHIP: return "member of";
    case KD_SCHEMA_ASSOCIATE: return "associate of";
    case KD_SCHEMA_EMPLOYMENT: return "employment tie to";
    default: return "linked to";
    }
}

json_t *index_ties_json(const kd_index *ix, const kd_ties *ties, size_t party)
{
    if (!ties || party_listed(ix, kd_index_party(ix, party)))
        return NULL;
    kd_tie found[16];
    size_t n = kd_ties_to_listed(ties, party, found, KD_ARRAY_LEN(found));
    if (n == 0)
        return NULL;
    json_t *list = json_array();
    for (size_t i = 0; i < n && i < KD_ARRAY_LEN(found); i++) {
        kd_entity_view listed, rel;
        kd_index_entity(ix, found[i].listed, &listed);
        kd_index_entity(ix, found[i].relation, &rel);
        const char *caption = kd_entity_view_first(ix, &listed, KD_PROP_NAME);
        char summary[512];
        kd_index_party_summary(ix, found[i].listed, summary, sizeof summary);
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "how",
                                              index_tie_phrase(ix, &found[i]), "id", listed.id, "caption",
                                              caption ? caption : listed.id, "schema",
                                              kd_schema_name(listed.schema), "listed", summary, "relation",
                                              kd_schema_name(rel.schema), "relation_id", rel.id, "role",
                                              kd_prop_name(found[i].role)));
    }
    return list;
}
