/* Mentions as JSON, shared by `kordon scan --json` and POST /scan so both
 * speak the same shape. */
#include "scan.h"
#include "index/index.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

static const char *caption_of(const kd_index *ix, size_t entity, kd_entity_view *v)
{
    kd_index_entity(ix, entity, v);
    const char *c = kd_entity_view_first(ix, v, KD_PROP_NAME);
    return c ? c : v->id;
}

json_t *scan_mention_json(const kd_index *ix, const kd_ties *ties, const char *text, const kd_mention *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "start", json_integer((json_int_t)m->start));
    json_object_set_new(o, "end", json_integer((json_int_t)m->end));
    json_object_set_new(o, "line", json_integer((json_int_t)m->line));
    json_object_set_new(o, "text", json_stringn(text + m->start, m->end - m->start));
    json_object_set_new(o, "kind", json_string(m->linked ? "linked" : "listed"));
    kd_entity_view v = {0};
    json_t *datasets = json_array();
    json_t *referents = NULL;
    if (!m->linked) {
        /* the party, named by its canonical record, with every listing */
        const char *caption = caption_of(ix, m->party, &v);
        json_object_set_new(o, "entity_id", json_string(v.id));
        json_object_set_new(o, "caption", json_string(caption));
        size_t members[64], ds[64];
        size_t n = kd_index_party_members(ix, m->party, members, 64);
        referents = json_array();
        for (size_t k = 1; k < n && k < 64; k++) {
            kd_entity_view x;
            kd_index_entity(ix, members[k], &x);
            json_array_append_new(referents, json_string(x.id));
        }
        size_t nd = kd_index_party_datasets(ix, m->party, ds, 64);
        for (size_t k = 0; k < nd && k < 64; k++) {
            kd_dataset_info d;
            kd_index_dataset(ix, ds[k], &d);
            json_array_append_new(datasets, json_string(d.name));
        }
    } else {
        json_object_set_new(o, "entity_id", json_string(""));
        json_object_set_new(o, "caption", json_stringn(text + m->start, m->end - m->start));
    }
    json_object_set_new(o, "datasets", datasets);
    if (referents) {
        char listed[1024];
        kd_index_party_summary(ix, m->party, listed, sizeof listed);
        json_object_set_new(o, "referents", referents);
        json_object_set_new(o, "listed", json_string(listed));
        kd_entity_view matched;
        kd_index_entity(ix, m->entity, &matched);
        json_object_set_new(o, "matched_record", json_string(matched.id));
    }
    json_object_set_new(o, "score", json_real(m->score));
    json_object_set_new(o, "explanation", json_string(m->explanation));
    /* a party named that is not listed itself, tied to one that is */
    json_t *linked = m->linked ? NULL : index_ties_json(ix, ties, m->party);
    if (linked)
        json_object_set_new(o, "linked_to", linked);
    json_t *related = json_array();
    for (size_t i = 0; i < m->n_related; i++) {
        json_t *r = json_object();
        const char *caption = caption_of(ix, kd_index_party(ix, m->related[i].entity), &v);
        json_object_set_new(r, "entity_id", json_string(v.id));
        json_object_set_new(r, "caption", json_string(caption));
        json_object_set_new(r, "snippet", json_string(m->related[i].snippet));
        json_array_append_new(related, r);
    }
    json_object_set_new(o, "related", related);
    /* only when some were left out: a reader of "related" alone misses
     * nothing otherwise */
    if (m->n_related_total > m->n_related)
        json_object_set_new(o, "related_total", json_integer((json_int_t)m->n_related_total));
    return o;
}

