/* GET /search/{dataset}: free-text search with filters and facets, and the
 * OpenRefine reconciliation API (/reconcile/{dataset}) on the same matcher.
 * A query runs through kd_match (names in any script and spelling), so
 * search finds what /match would; without q, entities are listed in id
 * order, filtered and paginated. */
#include "http_internal.h"
#include "index/index.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_MAX_LIMIT 500
#define SEARCH_MAX_WINDOW 1000 /* offset + limit */
#define SEARCH_MIN_SCORE 0.30
/* Search and reconciliation show scores, not explanations: none is built. */
#define NO_EXPLANATIONS 2.0

typedef struct facet_count {
    char name[64];
    size_t count;
} facet_count;

typedef struct facet {
    facet_count items[256];
    size_t n;
} facet;

static void facet_add(facet *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i].name, name) == 0) {
            f->items[i].count++;
            return;
        }
    if (f->n < KD_ARRAY_LEN(f->items)) {
        snprintf(f->items[f->n].name, sizeof f->items[f->n].name, "%s", name);
        f->items[f->n++].count = 1;
    }
}

static int compare_facet(const void *a, const void *b)
{
    const facet_count *x = a, *y = b;
    if (x->count != y->count)
        return (x->count < y->count) - (x->count > y->count);
    return strcmp(x->name, y->name);
}

/* The facets /search counts (yente's names), in the order they answer. */
enum { FACET_COUNTRIES, FACET_TOPICS, FACET_DATASETS, FACET_SCHEMA, FACET_GENDERS, FACET_COUNT };
static const char *const facet_names[FACET_COUNT] = {"countries", "topics", "datasets", "schema", "genders"};
static const char *const facet_labels[FACET_COUNT] = {"Countries", "Topics", "Data sources", "Entity types",
                                                      "Genders"};

static void facets_add_entity(const live_index *g, size_t entity, facet *f)
{
    const kd_index *ix = g->index;
    kd_entity_view v;
    kd_index_entity(ix, entity, &v);
    facet_add(&f[FACET_SCHEMA], kd_schema_name(v.schema));
    for (uint32_t i = 0; i < v.n_datasets; i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, v.datasets[i], &d);
        facet_add(&f[FACET_DATASETS], d.name);
    }
    /* a listed party's topic is the index's, not a value of it */
    bool listed = index_record_listed(ix, entity);
    if (listed)
        facet_add(&f[FACET_TOPICS], "sanction");
    else if (http_party_linked(g, entity) && !index_record_has_topic(ix, entity, "sanction.linked"))
        facet_add(&f[FACET_TOPICS], "sanction.linked");
    /* count each country once per entity */
    const char *seen[16];
    size_t n_seen = 0;
    for (uint32_t i = 0; i < v.n_values; i++) {
        kd_value_ref r = kd_entity_view_value(ix, &v, i);
        if (r.prop == KD_PROP_TOPICS && !(listed && strcmp(r.value, "sanction") == 0))
            facet_add(&f[FACET_TOPICS], r.value);
        if (r.prop == KD_PROP_GENDER)
            facet_add(&f[FACET_GENDERS], r.value);
        if (r.prop != KD_PROP_COUNTRY && r.prop != KD_PROP_NATIONALITY && r.prop != KD_PROP_CITIZENSHIP &&
            r.prop != KD_PROP_JURISDICTION)
            continue;
        if (strlen(r.value) != 2)
            continue;
        bool dup = false;
        for (size_t k = 0; k < n_seen; k++)
            dup |= strcmp(seen[k], r.value) == 0;
        if (!dup && n_seen < 16) {
            seen[n_seen++] = r.value;
            facet_add(&f[FACET_COUNTRIES], r.value);
        }
    }
}

/* What a value of the facet is called: a country's name, a list's title,
 * the schema in the plural as yente labels it ("People"). */
static const char *facet_value_label(int which, const char *name, char *label, size_t size)
{
    static const struct {
        const char *schema, *plural;
    } plurals[] = {{"Person", "People"}, {"Company", "Companies"}, {"LegalEntity", "Legal entities"},
                   {"PublicBody", "Public bodies"}, {"Address", "Addresses"}, {"Family", "Family members"},
                   {"Directorship", "Directorships"}, {"Ownership", "Ownerships"}};
    switch (which) {
    case FACET_COUNTRIES: {
        const char *c = country_name(name);
        return c ? c : name;
    }
    case FACET_DATASETS: return http_dataset_title(name);
    case FACET_SCHEMA:
        for (size_t i = 0; i < KD_ARRAY_LEN(plurals); i++)
            if (strcmp(plurals[i].schema, name) == 0)
                return plurals[i].plural;
        snprintf(label, size, "%ss", name); /* Vessels, Airplanes, Organizations, Sanctions */
        return label;
    case FACET_GENDERS:
        snprintf(label, size, "%s", name);
        label[0] = (char)toupper((unsigned char)label[0]);
        return label;
    default: return name;
    }
}

static json_t *facet_json(facet *f, int which)
{
    qsort(f->items, f->n, sizeof *f->items, compare_facet);
    json_t *values = json_array();
    char label_text[96];
    for (size_t i = 0; i < f->n && i < 50; i++) {
        const char *name = f->items[i].name;
        json_array_append_new(values, json_pack("{s:s,s:s,s:I}", "name", name, "label",
                                                facet_value_label(which, name, label_text, sizeof label_text), "count",
                                                (json_int_t)f->items[i].count));
    }
    return json_pack("{s:s,s:o}", "label", facet_labels[which], "values", values);
}

/* The facets asked for (facets=schema&facets=genders), yente's three by
 * default; false (and a 400) for a facet kordon does not count. */
static bool facets_wanted(http_request *rq, http_response *rs, bool *wanted)
{
    const char *asked[FACET_COUNT * 2];
    size_t n = http_args(rq, "facets", asked, KD_ARRAY_LEN(asked));
    for (int k = 0; k < FACET_COUNT; k++)
        wanted[k] = n == 0 && (k == FACET_COUNTRIES || k == FACET_TOPICS || k == FACET_DATASETS);
    for (size_t i = 0; i < n; i++) {
        int k = 0;
        while (k < FACET_COUNT && strcmp(facet_names[k], asked[i]) != 0)
            k++;
        if (k == FACET_COUNT) {
            http_reply_error(rs, 400, "facets: unknown facet \"%.64s\" (countries, topics, datasets, schema, genders)",
                             asked[i]);
            return false;
        }
        wanted[k] = true;
    }
    return true;
}

/* Positions of the entities a search yields, best first; returns how many
 * (the total) and whether it stopped at the window. */
static int search_positions(http_request *rq, http_response *rs, http_filter *filter, const char *q,
                            size_t window, size_t *out, double *scores, bool *capped)
{
    const kd_index *ix = rq->index->index;
    *capped = false;
    if (!q || !*q) {
        /* every party with an accepted record, once, in index order */
        size_t n = kd_index_entity_count(ix), found = 0;
        unsigned char *seen = calloc(n ? n : 1, 1);
        if (!seen) {
            http_reply_error(rs, 500, "out of memory");
            return -1;
        }
        for (size_t e = 0; e < n; e++)
            if (http_filter_accept(filter, e) && !seen[kd_index_party(ix, e)]) {
                seen[kd_index_party(ix, e)] = 1;
                if (found < window) {
                    out[found] = kd_index_party(ix, e);
                    scores[found] = 1.0;
                }
                found++;
            }
        free(seen);
        return (int)found;
    }
    kd_error err = {0};
    kd_matcher *m = live_take_matcher(rq->index, &err);
    kd_match_result *results = m ? malloc(window * sizeof *results) : NULL;
    if (!results) {
        if (m)
            live_give_matcher(rq->index, m);
        http_reply_error(rs, 500, "%s", m ? "out of memory" : err.message);
        return -1;
    }
    kd_match_query query = {.name = q, .schema = filter->schema_only == KD_SCHEMA_THING ? -1 : filter->schema_only,
                            .threshold = KD_MATCH_THRESHOLD, .limit = window,
                            .accept = http_filter_accept, .accept_context = filter,
                            .explain_floor = NO_EXPLANATIONS};
    int n = kd_match(m, &query, results, NULL, &err);
    live_give_matcher(rq->index, m);
    if (n < 0) {
        free(results);
        http_reply_error(rs, 400, "q: %s", err.message);
        return -1;
    }
    size_t kept = 0;
    for (int i = 0; i < n; i++)
        if (results[i].score >= SEARCH_MIN_SCORE) {
            out[kept] = results[i].party;
            scores[kept++] = results[i].score;
        }
    *capped = (size_t)n == window;
    free(results);
    return (int)kept;
}

void route_search(http_request *rq, http_response *rs, const char *dataset)
{
    http_filter filter;
    if (http_filter_for(rq, rs, dataset, &filter))
        return;
    long limit, offset;
    if (http_arg_int(rq, rs, "limit", 10, 0, SEARCH_MAX_LIMIT, &limit) ||
        http_arg_int(rq, rs, "offset", 0, 0, SEARCH_MAX_WINDOW, &offset))
        return;
    if (offset + limit > SEARCH_MAX_WINDOW) {
        http_reply_error(rs, 400, "offset + limit: at most %d", SEARCH_MAX_WINDOW);
        return;
    }
    const char *schema = http_arg(rq, "schema");
    if (schema && *schema) {
        filter.schema_only = kd_schema_from_name(schema);
        if (filter.schema_only < 0) {
            http_reply_error(rs, 400, "schema: unknown schema \"%s\"", schema);
            return;
        }
    }
    const char *q = http_arg(rq, "q");
    bool wanted[FACET_COUNT];
    if (!facets_wanted(rq, rs, wanted))
        return;
    /* Facets count over everything found, so the window is the whole cap. */
    size_t window = SEARCH_MAX_WINDOW;
    size_t *positions = malloc(window * sizeof *positions);
    double *scores = malloc(window * sizeof *scores);
    if (!positions || !scores) {
        free(positions);
        free(scores);
        http_reply_error(rs, 500, "out of memory");
        return;
    }
    bool capped;
    int total = search_positions(rq, rs, &filter, q, window, positions, scores, &capped);
    if (total < 0) {
        free(positions);
        free(scores);
        return;
    }
    size_t listed = (size_t)total < window ? (size_t)total : window;
    facet *f = calloc(FACET_COUNT, sizeof *f);
    json_t *results = json_array();
    for (size_t i = 0; i < listed; i++) {
        if (f)
            facets_add_entity(rq->index, positions[i], f);
        if (i >= (size_t)offset && i < (size_t)(offset + limit)) {
            json_t *o = http_party_object(rq->index, positions[i], false);
            json_object_set_new(o, "score", json_real(scores[i]));
            json_array_append_new(results, o);
        }
    }
    json_t *facets = json_object();
    for (int k = 0; f && k < FACET_COUNT; k++)
        if (wanted[k])
            json_object_set_new(facets, facet_names[k], facet_json(&f[k], k));
    free(f);
    free(positions);
    free(scores);
    http_reply_json(rs, 200,
                    json_pack("{s:o,s:o,s:{s:I,s:s},s:I,s:I}", "results", results, "facets", facets, "total",
                              "value", (json_int_t)total, "relation", capped ? "gte" : "eq", "limit",
                              (json_int_t)limit, "offset", (json_int_t)offset));
}

/* ---- OpenRefine reconciliation (W3C Reconciliation API v0.2) ------------- */

/* Where clients reach this server: --public-url's origin, else the Host
 * the request was sent to (the guard has accepted it: an address, or a
 * name the server was told of). The manifest's URLs must be absolute. */
static void base_url(const http_request *rq, char *out, size_t size)
{
    const http_server *s = rq->server;
    if (s->public_origin[0]) {
        snprintf(out, size, "%s", s->public_origin);
        return;
    }
    const char *host = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    snprintf(out, size, "http://%s", host && *host ? host : "localhost");
}

static json_t *reconcile_manifest(const http_request *rq, const char *dataset)
{
    char base[600], view[700], service[800];
    base_url(rq, base, sizeof base);
    snprintf(view, sizeof view, "%s/entities/{{id}}", base);
    snprintf(service, sizeof service, "%s/reconcile/%s", base, dataset);
    json_t *types = json_array();
    static const kd_schema types_offered[] = {KD_SCHEMA_PERSON, KD_SCHEMA_ORGANIZATION, KD_SCHEMA_COMPANY,
                                              KD_SCHEMA_LEGAL_ENTITY, KD_SCHEMA_VESSEL, KD_SCHEMA_AIRPLANE};
    for (size_t i = 0; i < KD_ARRAY_LEN(types_offered); i++)
        json_array_append_new(types, json_pack("{s:s,s:s}", "id", kd_schema_name(types_offered[i]), "name",
                                               kd_schema_name(types_offered[i])));
    char name[256];
    snprintf(name, sizeof name, "kordon (%s)", dataset);
    json_t *manifest =
        json_pack("{s:[s],s:s,s:s,s:s,s:o,s:{s:s},s:{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}}", "versions", "0.2",
                  "name", name, "identifierSpace", "https://www.opensanctions.org/reference/#schema",
                  "schemaSpace", "https://www.opensanctions.org/reference/#schema", "defaultTypes", types, "view",
                  "url", view, "suggest", "entity", "service_url", service, "service_path", "/suggest/entity",
                  "type", "service_url", service, "service_path", "/suggest/type", "property", "service_url",
                  service, "service_path", "/suggest/property");
    /* with API keys, the scheme a client must use (a Swagger 2.0 security
     * definition, as the 0.2 manifest takes it) */
    if (manifest && rq->server->n_api_keys)
        json_object_set_new(manifest, "authentication",
                            json_pack("{s:s,s:s,s:s,s:s}", "type", "apiKey", "name", "X-API-Key", "in", "header",
                                      "description", "an API key of this server (Authorization: Bearer KEY too)"));
    return manifest;
}

static json_t *reconcile_one(http_request *rq, kd_matcher *m, http_filter *filter, json_t *query,
                             char *why, size_t why_size)
{
    const kd_index *ix = rq->index->index;
    /* "At least one of query or properties must be supplied": without a
     * query string, a name property stands for it, else an identifier
     * alone is the query */
    json_t *q = json_object_get(query, "query");
    const char *name = json_is_string(q) ? json_string_value(q) : "";
    json_t *props = json_object_get(query, "properties");
    size_t i;
    json_t *p;
    json_array_foreach(props, i, p) {
        const char *pid = json_string_value(json_object_get(p, "pid"));
        const char *v = json_string_value(json_object_get(p, "v"));
        if (!*name && pid && v && (strcmp(pid, "name") == 0 || strcmp(pid, "alias") == 0))
            name = v;
    }
    /* type: a schema name, or an array of them (0.2) whose first known one
     * applies; types the lists do not have find nothing */
    int schema = -1;
    json_t *type = json_object_get(query, "type");
    if (json_is_string(type)) {
        if ((schema = kd_schema_from_name(json_string_value(type))) < 0)
            return json_pack("{s:[]}", "result");
    } else if (json_is_array(type) && json_array_size(type)) {
        size_t t;
        json_t *one;
        json_array_foreach(type, t, one) {
            if (schema < 0 && json_is_string(one))
                schema = kd_schema_from_name(json_string_value(one));
        }
        if (schema < 0)
            return json_pack("{s:[]}", "result");
    }
    json_t *limit_j = json_object_get(query, "limit");
    size_t limit = json_is_integer(limit_j) && json_integer_value(limit_j) > 0 &&
                           json_integer_value(limit_j) <= 100
                       ? (size_t)json_integer_value(limit_j)
                       : 5;
    /* properties: [{"pid": "birthDate", "v": "1976"}, ...] */
    kd_match_query mq = {.name = name, .schema = schema == KD_SCHEMA_THING ? -1 : schema,
                         .limit = limit, .accept = http_filter_accept, .accept_context = filter,
                         .explain_floor = NO_EXPLANATIONS};
    json_array_foreach(props, i, p) {
        const char *pid = json_string_value(json_object_get(p, "pid"));
        const char *v = json_string_value(json_object_get(p, "v"));
        if (!pid || !v)
            continue;
        if (strcmp(pid, "birthDate") == 0 || strcmp(pid, "incorporationDate") == 0)
            mq.birth_date = v;
        else if (strcmp(pid, "country") == 0 || strcmp(pid, "nationality") == 0)
            mq.country = v;
        else if (strcmp(pid, "gender") == 0)
            mq.gender = v;
        else if (strstr(pid, "Number") || strstr(pid, "Code"))
            mq.identifier = v;
    }
    /* neither a query nor properties: no query at all; properties the
     * lists cannot be searched by (no name, no identifier): a valid query
     * that finds nothing */
    if (!*name && !mq.identifier && !json_array_size(props)) {
        snprintf(why, why_size, "each query needs a \"query\" string or properties");
        return NULL;
    }
    if (!*name && !mq.identifier)
        return json_pack("{s:[]}", "result");
    kd_match_result results[100];
    kd_error err = {0};
    int n = kd_match(m, &mq, results, NULL, &err);
    if (n < 0) {
        snprintf(why, why_size, "%.200s", err.message);
        return NULL;
    }
    json_t *out = json_array();
    for (int k = 0; k < n; k++) {
        kd_entity_view v;
        kd_index_entity(ix, results[k].party, &v);
        const char *caption = kd_entity_view_first(ix, &v, KD_PROP_NAME);
        json_array_append_new(out, json_pack("{s:s,s:s,s:f,s:b,s:[{s:s,s:s}]}", "id", v.id, "name",
                                             caption ? caption : v.id, "score", results[k].score * 100.0,
                                             "match", results[k].match, "type", "id",
                                             kd_schema_name(v.schema), "name", kd_schema_name(v.schema)));
    }
    return json_pack("{s:o}", "result", out);
}

static void reconcile_suggest(http_request *rq, http_response *rs, http_filter *filter, const char *kind)
{
    const char *prefix = http_arg(rq, "prefix");
    if (!prefix)
        prefix = "";
    json_t *result = json_array();
    if (strcmp(kind, "entity") == 0 && *prefix) {
        /* prefix search, as the suggest services of the Reconciliation
         * API are expected to do; `cursor` suggestions skipped */
        long cursor;
        if (http_arg_int(rq, rs, "cursor", 0, 0, 10000, &cursor)) {
            json_decref(result);
            return;
        }
        kd_error err = {0};
        kd_matcher *m = http_take_matcher(rq, rs);
        if (!m) {
            json_decref(result);
            return;
        }
        size_t parties[10];
        int n = kd_match_suggest(m, prefix, http_filter_accept, filter, (size_t)cursor, parties, 10, &err);
        live_give_matcher(rq->index, m);
        if (n < 0) {
            json_decref(result);
            http_reply_error(rs, 400, "%s", err.message);
            return;
        }
        for (int k = 0; k < n; k++) {
            kd_entity_view v;
            kd_index_entity(rq->index->index, parties[k], &v);
            const char *caption = kd_entity_view_first(rq->index->index, &v, KD_PROP_NAME);
            const char *schema = kd_schema_name(v.schema);
            json_array_append_new(result, json_pack("{s:s,s:s,s:s,s:[{s:s,s:s}]}", "id", v.id, "name",
                                                    caption ? caption : v.id, "n:type", schema, "notable", "id",
                                                    schema, "name", schema));
        }
    } else if (strcmp(kind, "entity") == 0) {
        /* nothing typed yet: nothing to suggest */
    } else if (strcmp(kind, "type") == 0) {
        for (int s = 0; s < KD_SCHEMA_COUNT; s++)
            if (text_istarts(kd_schema_name((kd_schema)s), strlen(kd_schema_name((kd_schema)s)), prefix))
                json_array_append_new(result, json_pack("{s:s,s:s}", "id", kd_schema_name((kd_schema)s), "name",
                                                        kd_schema_name((kd_schema)s)));
    } else if (strcmp(kind, "property") == 0) {
        for (int p = 0; p < KD_PROP_COUNT; p++)
            if (!kd_prop_is_meta((kd_prop)p) &&
                text_istarts(kd_prop_name((kd_prop)p), strlen(kd_prop_name((kd_prop)p)), prefix))
                json_array_append_new(result, json_pack("{s:s,s:s}", "id", kd_prop_name((kd_prop)p), "name",
                                                        kd_prop_name((kd_prop)p)));
    } else {
        json_decref(result);
        http_reply_error(rs, 404, "use suggest/entity, suggest/type or suggest/property");
        return;
    }
    http_reply_json(rs, 200, json_pack("{s:s,s:s,s:s,s:o}", "code", "/api/status/ok", "status", "200 OK",
                                       "prefix", prefix, "result", result));
}

/* The queries come as a form field or query argument "queries" holding a
 * JSON object of named queries. */
static const char *form_queries(http_request *rq, char **owned)
{
    *owned = NULL;
    const char *q = http_arg(rq, "queries");
    if (q)
        return q;
    const char *type = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!rq->body_len)
        return NULL;
    if (type && strstr(type, "application/json"))
        return rq->body;
    /* application/x-www-form-urlencoded: find queries=... and decode it */
    const char *p = rq->body;
    while (p && *p) {
        if (strncmp(p, "queries=", 8) == 0) {
            size_t n = strcspn(p + 8, "&");
            char *copy = strndup(p + 8, n);
            if (!copy)
                return NULL;
            for (char *c = copy; *c; c++)
                if (*c == '+')
                    *c = ' ';
            MHD_http_unescape(copy);
            *owned = copy;
            return copy;
        }
        p = strchr(p, '&');
        if (p)
            p++;
    }
    return NULL;
}

void route_reconcile(http_request *rq, http_response *rs, const char *path)
{
    char dataset[128];
    size_t n = strcspn(path, "/");
    if (n >= sizeof dataset) {
        http_reply_error(rs, 404, "no such dataset");
        return;
    }
    memcpy(dataset, path, n);
    dataset[n] = '\0';
    const char *rest = path[n] ? path + n + 1 : "";
    http_filter filter;
    if (http_filter_for(rq, rs, dataset, &filter))
        return;
    if (strncmp(rest, "suggest/", 8) == 0) {
        reconcile_suggest(rq, rs, &filter, rest + 8);
        return;
    }
    if (*rest) {
        http_reply_error(rs, 404, "Not Found");
        return;
    }
    char *owned;
    const char *text = form_queries(rq, &owned);
    if (!text) {
        http_reply_json(rs, 200, reconcile_manifest(rq, dataset));
        return;
    }
    json_error_t jerr;
    json_t *queries = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    free(owned);
    if (!json_is_object(queries)) {
        json_decref(queries);
        http_reply_error(rs, 400, "queries: expected a JSON object of named queries");
        return;
    }
    if (json_object_size(queries) > rq->options->max_queries) {
        json_decref(queries);
        http_reply_error(rs, 400, "Too many queries: at most %zu per request", rq->options->max_queries);
        return;
    }
    kd_matcher *m = http_take_matcher(rq, rs);
    if (!m) {
        json_decref(queries);
        return;
    }
    json_t *out = json_object();
    const char *key;
    json_t *q;
    char why[256] = "";
    json_object_foreach(queries, key, q) {
        json_t *r = json_is_object(q) ? reconcile_one(rq, m, &filter, q, why, sizeof why) : NULL;
        if (!r) {
            if (!why[0])
                snprintf(why, sizeof why, "expected an object");
            break;
        }
        json_object_set_new(out, key, r);
    }
    live_give_matcher(rq->index, m);
    /* the message quotes a key of queries: write it before freeing them */
    if (why[0]) {
        http_reply_error(rs, 400, "queries.%s: %s", key ? key : "?", why);
        json_decref(out);
        json_decref(queries);
        return;
    }
    json_decref(queries);
    http_reply_json(rs, 200, out);
}
