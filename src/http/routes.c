/* The small read-only routes (/entities, /catalog, /algorithms,
 * /openapi.json, the web page's files) and helpers the others share. */
#include "http_internal.h"
#include "index/index.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

json_t *http_entity_datasets(const kd_index *ix, size_t entity)
{
    kd_entity_view v;
    json_t *a = json_array();
    if (kd_index_entity(ix, entity, &v))
        return a;
    for (uint32_t i = 0; i < v.n_datasets; i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, v.datasets[i], &d);
        json_array_append_new(a, json_string(d.name));
    }
    return a;
}

int http_json_strings(json_t *value, const char **out, int max)
{
    if (json_is_string(value)) {
        if (max > 0)
            out[0] = json_string_value(value);
        return 1;
    }
    if (!json_is_array(value))
        return -1;
    int n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
        if (json_is_null(item))
            continue;
        if (!json_is_string(item))
            return -1;
        if (n < max)
            out[n++] = json_string_value(item);
    }
    return n;
}

/* ---- /entities/{id} ------------------------------------------------------ */

/* Properties whose values are ids of other entities in the index. */
static bool flag_value(const char *v)
{
    return v && (strcmp(v, "true") == 0 || strcmp(v, "false") == 0 || strcmp(v, "1") == 0 ||
                 strcmp(v, "0") == 0);
}

/* /entities/ID of a party's canonical record, with the view options the
 * client asked for (a flag's value is one of four words: nothing else of
 * the request is echoed into the header). */
static void party_location(const http_request *rq, const char *id, char *out, size_t size)
{
    static const char *const options[] = {"provenance", "nested"};
    int n = snprintf(out, size, "/entities/%s", id);
    const char *separator = "?";
    for (size_t k = 0; k < KD_ARRAY_LEN(options) && n > 0 && (size_t)n < size; k++) {
        const char *v = http_arg(rq, options[k]);
        if (flag_value(v)) {
            n += snprintf(out + n, size - (size_t)n, "%s%s=%s", separator, options[k], v);
            separator = "&";
        }
    }
}

void route_entities(http_request *rq, http_response *rs, const char *path)
{
    if (!http_need_index(rq, rs))
        return;
    const kd_index *ix = rq->index->index;
    /* /entities/{id}/adjacent: yente's EntityAdjacentResponse */
    char id[512];
    const char *slash = strchr(path, '/');
    bool adjacent = slash && strcmp(slash, "/adjacent") == 0;
    if (slash && !adjacent) {
        http_reply_error(rs, 404, "use /entities/{id} or /entities/{id}/adjacent");
        return;
    }
    snprintf(id, sizeof id, "%.*s", slash ? (int)(slash - path) : (int)strlen(path), path);
    long limit = 10, offset = 0;
    if (adjacent && (http_arg_int(rq, rs, "limit", 10, 0, 500, &limit) ||
                     http_arg_int(rq, rs, "offset", 0, 0, 100000, &offset)))
        return;
    int64_t pos = kd_index_find(ix, id);
    if (pos >= 0 && kd_index_party(ix, (size_t)pos) != (size_t)pos) {
        /* a record of a party that another record names: yente answers a
         * referent with a permanent redirect to the canonical entity */
        kd_entity_view v;
        kd_index_entity(ix, kd_index_party(ix, (size_t)pos), &v);
        party_location(rq, v.id, rs->location, sizeof rs->location);
        http_reply_error(rs, 308, "%s is a record of the party %s", id, v.id);
        return;
    }
    if (pos < 0) {
        int64_t canonical = kd_ties_referent(rq->index->ties, id);
        if (canonical >= 0) {
            kd_entity_view v;
            kd_index_entity(ix, (size_t)canonical, &v);
            snprintf(rs->location, sizeof rs->location, "/entities/%s", v.id);
            http_reply_error(rs, 308, "merged into %s", v.id);
            return;
        }
        http_reply_error(rs, 404, "No entity with id \"%s\".", id);
        return;
    }
    const char *provenance = http_arg(rq, "provenance");
    json_t *o = http_party_object(rq->index, (size_t)pos, provenance && (strcmp(provenance, "true") == 0 ||
                                                                   strcmp(provenance, "1") == 0));
    if (adjacent) {
        http_reply_json(rs, 200,
                        json_pack("{s:o,s:o}", "entity", o, "adjacent",
                                  http_adjacent_pages(rq->index, (size_t)pos, (size_t)limit, (size_t)offset)));
        return;
    }
    /* nested by default, as yente: ?nested=false gives the ids alone */
    const char *nested = http_arg(rq, "nested");
    if (!nested || strcmp(nested, "true") == 0 || strcmp(nested, "1") == 0)
        http_nest_adjacent(rq->index, (size_t)pos, o);
    http_reply_json(rs, 200, o);
}

/* ---- /catalog -------------------------------------------------------------- */

/* The official lists' titles are the index's (index_official_list_title):
 * the same table says which records are sanctioned (topics). */
const char *http_dataset_title(const char *name)
{
    const char *title = index_official_list_title(name);
    return title ? title : name;
}

bool http_sanctions_dataset(const char *name)
{
    return index_official_list_title(name) != NULL;
}

/* The fields yente's DatasetModel always has, with what kordon knows of
 * them (the index's version; the targets as things) and yente's defaults
 * for what it does not. */
static void catalog_defaults(json_t *o, json_int_t things, const char *index_version)
{
    static const char *const nulls[] = {"license", "summary", "description", "url", "last_export", "category",
                                        "publisher", "coverage", "deprecation", "load", "entities_url",
                                        "delta_url"};
    for (size_t i = 0; i < KD_ARRAY_LEN(nulls); i++)
        json_object_set_new(o, nulls[i], json_null());
    json_object_set_new(o, "thing_count", json_integer(things));
    json_object_set_new(o, "tags", json_array());
    json_object_set_new(o, "resources", json_array());
    json_object_set_new(o, "deprecated", json_false());
    json_object_set_new(o, "namespace", json_false());
    json_object_set_new(o, "index_version", json_string(index_version));
    json_object_set_new(o, "index_current", json_true());
}

void route_catalog(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest; /* a path below the prefix is answered as the prefix */
    if (!http_need_index(rq, rs))
        return;
    live_index *g = rq->index;
    snprintf(rs->etag, sizeof rs->etag, "%s", g->etag);
    const char *if_none = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND,
                                                      MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (if_none && (strstr(if_none, g->etag) || strcmp(if_none, "*") == 0)) {
        http_reply_text(rs, 304, NULL, NULL, 0);
        return;
    }
    const kd_index *ix = g->index;
    char version[24];
    snprintf(version, sizeof version, "%.*s", (int)strlen(g->etag) - 2, g->etag + 1);
    json_t *datasets = json_array(), *current = json_array(), *children = json_array();
    size_t n = kd_index_dataset_count(ix);
    size_t all_entities = 0, all_targets = 0;
    size_t *parties = calloc(n ? n : 1, sizeof *parties);
    size_t all_parties = kd_index_party_counts(ix, parties);
    for (size_t i = 0; i < n; i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, i, &d);
        size_t targets = 0;
        for (int s = 0; s <= KD_SCHEMA_AIRPLANE; s++)
            targets += d.schema_counts[s];
        all_entities += d.entity_count;
        all_targets += targets;
        char updated[40];
        if (d.newest_date && strlen(d.newest_date) == 10)
            snprintf(updated, sizeof updated, "%sT00:00:00", d.newest_date); /* a datetime, as yente's */
        else
            snprintf(updated, sizeof updated, "%s", kd_index_built_at(ix));
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:[]}", "name", d.name, "title",
                              http_dataset_title(d.name), "type", "source", "version", d.version,
                              "updated_at", updated, "entity_count", (json_int_t)d.entity_count, "target_count",
                              (json_int_t)targets, "children");
        catalog_defaults(o, (json_int_t)targets, version);
        /* kordon's own: the parties (one per real person, body or vessel
         * however many lists name it) this dataset's records belong to */
        if (parties)
            json_object_set_new(o, "party_count", json_integer((json_int_t)parties[i]));
        json_array_append_new(datasets, o);
        json_array_append_new(current, json_string(d.name));
        json_array_append_new(children, json_string(d.name));
    }
    json_array_append_new(datasets,
                          json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o}", "name", "default", "title",
                                    "All datasets in the index", "type", "collection", "version", version,
                                    "updated_at", kd_index_built_at(ix), "entity_count",
                                    (json_int_t)all_entities, "target_count", (json_int_t)all_targets,
                                    "children", children));
    json_object_set_new(json_array_get(datasets, json_array_size(datasets) - 1), "party_count",
                        json_integer((json_int_t)all_parties));
    catalog_defaults(json_array_get(datasets, json_array_size(datasets) - 1), (json_int_t)all_targets, version);
    /* the official lists among them, as yente's "sanctions" collection */
    json_t *lists = json_array();
    size_t list_entities = 0, list_targets = 0;
    for (size_t i = 0; i < n; i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, i, &d);
        if (!http_sanctions_dataset(d.name))
            continue;
        json_array_append_new(lists, json_string(d.name));
        list_entities += d.entity_count;
        for (int sc = 0; sc <= KD_SCHEMA_AIRPLANE; sc++)
            list_targets += d.schema_counts[sc];
    }
    if (json_array_size(lists)) {
        json_array_append_new(datasets,
                              json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o}", "name", HTTP_SANCTIONS_COLLECTION,
                                        "title", "Official sanctions lists in the index", "type", "collection",
                                        "version", version, "updated_at", kd_index_built_at(ix), "entity_count",
                                        (json_int_t)list_entities, "target_count", (json_int_t)list_targets,
                                        "children", lists));
        catalog_defaults(json_array_get(datasets, json_array_size(datasets) - 1), (json_int_t)list_targets,
                         version);
        json_array_append_new(current, json_string(HTTP_SANCTIONS_COLLECTION));
    } else {
        json_decref(lists);
    }
    free(parties);
    json_array_append_new(current, json_string("default"));
    http_reply_json(rs, 200,
                    json_pack("{s:o,s:o,s:[],s:b}", "datasets", datasets, "current", current, "outdated",
                              "index_stale", 0));
}

/* ---- /algorithms ------------------------------------------------------------ */

/* yente's algorithm names are accepted so its clients work unchanged; all
 * of them select kordon's one scorer, which /algorithms says. */
static const char *const algorithm_aliases[] = {"logic-v2", "ofac", "name-based", "name-qualified",
                                                 "logic-v1", "regression-v1", "regression-v2"};

/* Case aside, as yente reads them (name.lower()); "best" is the default. */
bool http_algorithm_known(const char *name)
{
    if (strcasecmp(name, HTTP_ALGORITHM) == 0 || strcasecmp(name, "best") == 0)
        return true;
    for (size_t i = 0; i < KD_ARRAY_LEN(algorithm_aliases); i++)
        if (strcasecmp(name, algorithm_aliases[i]) == 0)
            return true;
    return false;
}

/* The features of kordon's explanations, named as yente's logic-v2 names
 * the same comparisons (route_match.c), with kordon's effect of each: the
 * multipliers are match_apply_evidence's (src/match/features.c). */
static json_t *algorithm_features(void)
{
    static const struct {
        const char *name, *description;
        double coefficient;
    } features[] = {
        {"name_match",
         "Order-free alignment of the query's name tokens with each listed name, across scripts and "
         "transliterations; rarity-weighted coverage of both names. The score before any other evidence.",
         1.0},
        {"identifier_match",
         "An identifier of the query (passport, national id, registration or tax number...) equals one the record "
         "lists: the score is at least 0.95 (0.95 with no name given).",
         0.95},
        {"vessel_imo_mmsi_match", "The vessel's IMO or MMSI number is the record's: the score is at least 0.95.", 0.95},
        {"inn_code_match", "The Russian INN is the record's: the score is at least 0.95.", 0.95},
        {"ogrn_code_match", "The Russian OGRN is the record's: the score is at least 0.95.", 0.95},
        {"lei_code_match", "The LEI is the record's: the score is at least 0.95.", 0.95},
        {"bic_code_match", "The SWIFT/BIC code is the record's: the score is at least 0.95.", 0.95},
        {"uei_code_match", "The US Unique Entity ID is the record's: the score is at least 0.95.", 0.95},
        {"dob_year_disjoint",
         "No listed birth date falls in the query's year: more than a year apart multiplies the score by 0.65, "
         "a year apart by 0.97.",
         -0.35},
        {"dob_day_disjoint", "The listed birth date is in the query's year but on another month or day: the score "
                             "is multiplied by 0.97.",
         -0.03},
        {"country_mismatch", "The record lists countries and not the query's: the score is multiplied by 0.95.", -0.05},
        {"gender_mismatch", "The record's gender is another: the score is multiplied by 0.85.", -0.15},
    };
    json_t *o = json_object();
    for (size_t i = 0; i < KD_ARRAY_LEN(features); i++)
        /* the URL that documents it: this server's OpenAPI document */
        json_object_set_new(o, features[i].name,
                            json_pack("{s:s,s:f,s:s}", "description", features[i].description, "coefficient",
                                      features[i].coefficient, "url", "/openapi.json"));
    return o;
}

static json_t *algorithm_object(const char *name, const char *description)
{
    json_t *features = algorithm_features();
    /* yente's Algorithm model: the features at the top and in docs, and
     * docs named as the algorithm */
    return json_pack("{s:s,s:s,s:O,s:{s:s,s:s,s:o,s:{}}}", "name", name, "description", description, "features",
                     features, "docs", "name", name, "description", description, "features", features, "config");
}

void route_algorithms(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest; /* a path below the prefix is answered as the prefix */
    (void)rq;
    json_t *algorithms = json_array();
    json_array_append_new(
        algorithms,
        algorithm_object(HTTP_ALGORITHM,
                         "kordon's cross-script name matcher, with the evidence of birth dates, countries, gender "
                         "and identifiers; every score explained. Agreeing birth dates and countries also lift the "
                         "score, which logic-v2 does not weigh: each result's `evidence` says by how much."));
    /* yente's names, so that a client configured with one finds it; the
     * scores are kordon-v1's whichever is asked for, as each says */
    for (size_t i = 0; i < KD_ARRAY_LEN(algorithm_aliases); i++) {
        char description[256];
        snprintf(description, sizeof description,
                 "yente's name \"%s\", accepted so that yente clients work unchanged: this server scores every "
                 "query with " HTTP_ALGORITHM ", whose features these are.",
                 algorithm_aliases[i]);
        json_array_append_new(algorithms, algorithm_object(algorithm_aliases[i], description));
    }
    /* default: what a request without `algorithm` gets, "best", as yente
     * says it; best: the algorithm that scores, kordon-v1 (yente names its
     * own there, logic-v2, which this server does not run) */
    http_reply_json(rs, 200,
                    json_pack("{s:o,s:s,s:s}", "algorithms", algorithms, "default", "best", "best", HTTP_ALGORITHM));
}

/* ---- embedded files --------------------------------------------------------- */

void route_openapi(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest; /* a path below the prefix is answered as the prefix */
    (void)rq;
    const http_asset *a = http_asset_find("/web/openapi.json");
    if (!a) {
        http_reply_error(rs, 404, "no OpenAPI document in this build");
        return;
    }
    char *copy = malloc(a->size ? a->size : 1);
    if (!copy) {
        http_reply_error(rs, 500, "out of memory");
        return;
    }
    memcpy(copy, a->data, a->size);
    http_reply_text(rs, 200, "application/json", copy, a->size);
}

bool route_web(http_request *rq, http_response *rs, const char *path)
{
    (void)rq;
    char file[300];
    snprintf(file, sizeof file, "/web%s", strcmp(path, "/") == 0 ? "/index.html" : path);
    const http_asset *a = http_asset_find(file);
    if (!a)
        return false;
    char *copy = malloc(a->size ? a->size : 1);
    if (!copy)
        return false;
    memcpy(copy, a->data, a->size);
    http_reply_text(rs, 200, a->content_type, copy, a->size);
    rs->cacheable = true;
    return true;
}
