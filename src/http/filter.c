/* The filters /match and /search share (include_dataset, exclude_dataset,
 * exclude_schema, topics, changed_since, exclude_entity_ids, countries),
 * applied inside the matcher so filtered entities never take a result slot. */
#include "http_internal.h"
#include "index/index.h"

#include <ctype.h>
#include <string.h>

static bool dataset_known(const kd_index *ix, const char *dataset)
{
    if (strcmp(dataset, "default") == 0)
        return true;
    bool sanctions = strcmp(dataset, HTTP_SANCTIONS_COLLECTION) == 0;
    size_t n = kd_index_dataset_count(ix);
    for (size_t i = 0; i < n; i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, i, &d);
        if (sanctions ? http_sanctions_dataset(d.name) : strcmp(d.name, dataset) == 0)
            return true;
    }
    return false;
}

/* Whether a dataset of the index is in the URL's scope: itself, or one of
 * the official sanctions lists for the "sanctions" collection. */
static bool in_scope_of(const char *scope, const char *dataset)
{
    return strcmp(scope, HTTP_SANCTIONS_COLLECTION) == 0 ? http_sanctions_dataset(dataset)
                                                         : strcmp(dataset, scope) == 0;
}

/* filter=field:value fields beside the properties */
#define FILTER_SCHEMA (-2)
#define FILTER_DATASET (-3)

/* yente's filter=field:value: properties.<prop> (any FtM property the
 * index keeps), schema or datasets. */
static int parse_fields(const http_request *rq, http_response *rs, http_filter *f)
{
    const char *given[HTTP_FILTER_MAX];
    size_t n = http_args(rq, "filter", given, HTTP_FILTER_MAX);
    for (size_t i = 0; i < n; i++) {
        const char *colon = strchr(given[i], ':');
        if (!colon || colon == given[i] || !colon[1]) {
            http_reply_error(rs, 400, "filter: expected field:value, e.g. properties.birthDate:1951-12-15, got \"%s\"",
                             given[i]);
            return -1;
        }
        char field[64];
        size_t len = (size_t)(colon - given[i]);
        if (len >= sizeof field) {
            http_reply_error(rs, 400, "filter: unknown field");
            return -1;
        }
        memcpy(field, given[i], len);
        field[len] = '\0';
        int prop = strcmp(field, "schema") == 0 ? FILTER_SCHEMA
                   : strcmp(field, "datasets") == 0 || strcmp(field, "dataset") == 0 ? FILTER_DATASET
                   : strncmp(field, "properties.", 11) == 0 ? kd_prop_from_name(field + 11)
                                                             : -1;
        if (prop == -1) {
            http_reply_error(rs, 400, "filter: unknown field \"%s\" (properties.<property>, schema or datasets)",
                             field);
            return -1;
        }
        f->fields[f->n_fields].prop = prop;
        f->fields[f->n_fields++].value = colon + 1;
    }
    return 0;
}

/* Whether the entity holds every filter=field:value. */
static bool fields_hold(const http_filter *f, const kd_entity_view *v)
{
    for (size_t k = 0; k < f->n_fields; k++) {
        int prop = f->fields[k].prop;
        const char *want = f->fields[k].value;
        bool held = false;
        if (prop == FILTER_SCHEMA) {
            held = strcmp(kd_schema_name(v->schema), want) == 0;
        } else if (prop == FILTER_DATASET) {
            for (uint32_t i = 0; i < v->n_datasets && !held; i++) {
                kd_dataset_info d;
                kd_index_dataset(f->ix, v->datasets[i], &d);
                held = strcmp(d.name, want) == 0;
            }
        } else {
            for (uint32_t i = 0; i < v->n_values && !held; i++) {
                kd_value_ref r = kd_entity_view_value(f->ix, v, i);
                held = (int)r.prop == prop && strcmp(r.value, want) == 0;
            }
        }
        if (!held)
            return false;
    }
    return true;
}

int http_filter_parse(const http_request *rq, http_response *rs, http_filter *f)
{
    memset(f, 0, sizeof *f);
    f->live = rq->index;
    f->ix = rq->index->index;
    f->schema_only = -1;
    f->n_include = http_args(rq, "include_dataset", f->include, HTTP_FILTER_MAX);
    f->n_include += http_args(rq, "datasets", f->include + f->n_include, HTTP_FILTER_MAX - f->n_include);
    f->n_exclude = http_args(rq, "exclude_dataset", f->exclude, HTTP_FILTER_MAX);
    f->n_topics = http_args(rq, "topics", f->topics, HTTP_FILTER_MAX);
    const char *schemata[HTTP_FILTER_MAX];
    size_t ns = http_args(rq, "exclude_schema", schemata, HTTP_FILTER_MAX);
    for (size_t i = 0; i < ns; i++) {
        int s = kd_schema_from_name(schemata[i]);
        if (s < 0) {
            http_reply_error(rs, 400, "exclude_schema: unknown schema \"%s\"", schemata[i]);
            return -1;
        }
        f->exclude_schema[f->n_exclude_schema++] = s;
    }
    const char *countries[HTTP_FILTER_MAX];
    size_t nc = http_args(rq, "countries", countries, HTTP_FILTER_MAX);
    for (size_t i = 0; i < nc; i++) {
        if (!country_code(countries[i], strlen(countries[i]), f->countries[f->n_countries])) {
            http_reply_error(rs, 400, "countries: unknown country \"%s\"", countries[i]);
            return -1;
        }
        f->n_countries++;
    }
    f->changed_since = http_arg(rq, "changed_since");
    if (f->changed_since && *f->changed_since && !timestamp_valid(f->changed_since)) {
        http_reply_error(rs, 400, "changed_since: expected a date and time YYYY-MM-DD[THH[:MM[:SS]]]");
        return -1;
    }
    if (f->changed_since && !*f->changed_since)
        f->changed_since = NULL;
    const char *ids[HTTP_FILTER_MAX_IDS + 1];
    f->n_exclude_ids = http_args(rq, "exclude_entity_ids", ids, HTTP_FILTER_MAX_IDS + 1);
    if (f->n_exclude_ids > HTTP_FILTER_MAX_IDS) {
        http_reply_error(rs, 400, "exclude_entity_ids: at most %d ids", HTTP_FILTER_MAX_IDS);
        return -1;
    }
    size_t n = f->n_exclude_ids;
    f->n_exclude_ids = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t pos = kd_index_find(f->ix, ids[i]);
        if (pos >= 0)
            f->exclude_parties[f->n_exclude_ids++] = kd_index_party(f->ix, (size_t)pos);
    }
    return parse_fields(rq, rs, f);
}

static bool in_list(const char *value, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(value, list[i]) == 0)
            return true;
    return false;
}

int http_filter_accept(void *context, size_t entity)
{
    const http_filter *f = context;
    kd_entity_view v;
    if (kd_index_entity(f->ix, entity, &v))
        return 0;
    for (size_t i = 0; i < f->n_exclude_schema; i++)
        if ((int)v.schema == f->exclude_schema[i])
            return 0;
    if (f->schema_only >= 0 && f->schema_only != KD_SCHEMA_THING && (int)v.schema != f->schema_only)
        return 0;
    for (size_t i = 0; i < f->n_exclude_ids; i++)
        if (f->exclude_parties[i] == kd_index_party(f->ix, entity))
            return 0;
    if (f->n_fields && !fields_hold(f, &v))
        return 0;
    if (f->n_include || f->n_exclude || f->scope) {
        bool included = !f->n_include, in_scope = !f->scope;
        for (uint32_t i = 0; i < v.n_datasets; i++) {
            kd_dataset_info d;
            kd_index_dataset(f->ix, v.datasets[i], &d);
            if (in_list(d.name, f->exclude, f->n_exclude))
                return 0;
            included |= in_list(d.name, f->include, f->n_include);
            in_scope |= f->scope && in_scope_of(f->scope, d.name);
        }
        if (!included || !in_scope)
            return 0;
    }
    if (!f->n_topics && !f->changed_since && !f->n_countries)
        return 1;
    bool topic = !f->n_topics, country = !f->n_countries;
    /* the topics the entities are shown with: a listed party's sanction
     * (index_record_has_topic), a party tied to one's sanction.linked */
    for (size_t k = 0; k < f->n_topics && !topic; k++)
        topic = strcmp(f->topics[k], "sanction.linked") == 0 ? f->live && http_party_linked(f->live, entity)
                                                             : index_record_has_topic(f->ix, entity, f->topics[k]);
    const char *changed = NULL;
    for (uint32_t i = 0; i < v.n_values; i++) {
        kd_value_ref r = kd_entity_view_value(f->ix, &v, i);
        if (r.prop == KD_PROP_COUNTRY || r.prop == KD_PROP_NATIONALITY || r.prop == KD_PROP_CITIZENSHIP ||
            r.prop == KD_PROP_JURISDICTION)
            for (size_t c = 0; c < f->n_countries; c++)
                country |= strcmp(r.value, f->countries[c]) == 0;
        /* Lists without FtM's last_change still say when a record changed. */
        else if (r.prop == KD_PROP_LAST_CHANGE || (!changed && (r.prop == KD_PROP_MODIFIED_AT ||
                                                               r.prop == KD_PROP_LISTING_DATE)))
            changed = r.value;
    }
    if (f->changed_since && (!changed || strcmp(changed, f->changed_since) < 0))
        return 0;
    return topic && country;
}

int http_filter_for(const http_request *rq, http_response *rs, const char *dataset, http_filter *f)
{
    if (!http_need_index(rq, rs))
        return -1;
    if (!dataset_known(rq->index->index, dataset)) {
        http_reply_error(rs, 404, "No such dataset: %s", dataset);
        return -1;
    }
    if (http_filter_parse(rq, rs, f))
        return -1;
    f->scope = strcmp(dataset, "default") == 0 ? NULL : dataset;
    return 0;
}
