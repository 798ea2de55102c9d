/* Shared between the files of src/http; not part of the module's API. */
#ifndef KD_HTTP_INTERNAL_H
#define KD_HTTP_INTERNAL_H

#include "http.h"
#include "core/core.h"
#include "model/model.h"

#include <jansson.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct MHD_Connection;
struct MHD_Response;

/* ---- pools of per-request objects (live.c) ----------------------------- */

/* A stack of idle objects (matchers, scanners, store connections): each
 * request takes one, and gives it back when done. */
typedef struct http_pool {
    pthread_mutex_t lock;
    void **items;
    size_t n, cap;
} http_pool;

void http_pool_init(http_pool *p);
void *http_pool_take(http_pool *p);            /* NULL when empty */
bool http_pool_give(http_pool *p, void *item); /* false: not kept, free it yourself */
/* Frees every idle item with free_item, then the pool. */
void http_pool_destroy(http_pool *p, void (*free_item)(void *));

/* ---- the live index (live.c) ------------------------------------------- */

/* One loaded index file. Freed when the server has moved on to a newer one
 * and the last request holding it has finished. */
typedef struct live_index {
    kd_index *index;
    atomic_int refs;
    uint64_t generation;
    time_t loaded_at;
    char etag[24];              /* over dataset versions: /catalog's ETag */
    /* ids merged into another entity (FtM referents), sorted by id, for
     * /entities' redirects: found once per load, not per unknown id */
    struct live_referent {
        const char *id;
        uint32_t entity;
    } *referents;
    size_t n_referents;
    http_pool matchers;         /* idle kd_matcher, one in use per request */
    http_pool scanners;         /* idle kd_scanner */
    /* what every scanner of this generation reads: built by the first
     * /scan or /screen of text, under tables_lock */
    struct scan_tables *scan_tables;
    pthread_mutex_t tables_lock;
} live_index;

typedef struct live {
    pthread_mutex_t lock;
    live_index *current;        /* NULL until a file could be loaded */
    char *path;
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    uint64_t generations;
    char last_error[1024];
} live;

int live_init(live *l, const char *path);
/* (Re)loads the file; on failure the current generation stays. */
int live_load(live *l, kd_error *err);
int live_changed(live *l);
live_index *live_acquire(live *l);   /* NULL when no index is loaded */
/* The entity a merged id now lives in, or -1. */
int64_t live_referent(const live_index *g, const char *id);
void live_release(live_index *g);
void live_destroy(live *l);
kd_matcher *live_take_matcher(live_index *g, kd_error *err);
void live_give_matcher(live_index *g, kd_matcher *m);
kd_scanner *live_take_scanner(live_index *g, kd_error *err);
void live_give_scanner(live_index *g, kd_scanner *s);

/* ---- metrics (metrics.c) ----------------------------------------------- */

#define HTTP_ROUTES(X)                                                         \
    X(MATCH, "match") X(SEARCH, "search") X(ENTITIES, "entities")              \
    X(CATALOG, "catalog") X(ALGORITHMS, "algorithms") X(HEALTHZ, "healthz")    \
    X(READYZ, "readyz") X(RECONCILE, "reconcile") X(METRICS, "metrics")        \
    X(SCAN, "scan") X(SCREEN, "screen") X(OPENAPI, "openapi")                  \
    X(ADMIN, "admin") X(ALERTS, "alerts") X(AUDIT, "audit") X(WEB, "web")      \
    X(OTHER, "other")

typedef enum http_route_id {
#define HTTP_ROUTE_ENUM(name, text) ROUTE_##name,
    HTTP_ROUTES(HTTP_ROUTE_ENUM)
#undef HTTP_ROUTE_ENUM
    ROUTE_COUNT
} http_route_id;

#define METRICS_CODES 16
#define METRICS_BUCKETS 14

typedef struct metrics {
    atomic_ulong requests[ROUTE_COUNT][METRICS_CODES];
    atomic_ulong buckets[ROUTE_COUNT][METRICS_BUCKETS + 1];
    atomic_ulong duration_us[ROUTE_COUNT];
    atomic_ulong reloads, reload_failures;
} metrics;

void metrics_record(metrics *m, http_route_id route, int status, double seconds);
/* A label value with Prometheus' escapes. */
void metrics_append_label(buf *out, const char *s);
/* Appends the Prometheus text exposition. */
void metrics_render(const metrics *m, live_index *g, buf *out);

/* ---- requests and responses ------------------------------------------- */

/* A connection as the slow-client reaper sees it: its socket and the time
 * by which its current request must have arrived (0: none pending). */
typedef struct http_connection {
    int fd;
    double deadline;
    struct http_connection *prev, *next;
} http_connection;

struct http_server {
    struct MHD_Daemon *daemon;
    http_options options;
    live live;
    metrics metrics;
    char **api_keys;
    size_t n_api_keys;
    FILE *access_log;
    bool own_access_log;
    unsigned port;
    atomic_int in_flight;
    pthread_mutex_t connections_lock;
    http_connection *connections;
    pthread_t reaper;
    atomic_bool stopping;
    http_pool stores;           /* idle kd_store connections (--db) for reading */
    /* Screening runs are written through one connection, one at a time:
     * SQLite has one writer anyway, and a queue on a mutex beats writers
     * sleeping in SQLite's busy handler. */
    pthread_mutex_t recorder_lock;
    struct kd_store *recorder;
};

double http_now(void); /* monotonic seconds */

/* API keys (auth.c): loads them from the options; 0, 401 or 403. */
int http_keys_load(http_server *s, kd_error *err);
int http_key_check(http_server *s, struct MHD_Connection *c);
/* Routing (router.c); http_dispatch is declared with the request type. */
http_route_id http_route_classify(const char *path);
/* Every query-string key and value is valid UTF-8 (request.c). */
bool http_args_valid_utf8(struct MHD_Connection *c);

typedef struct http_request {
    struct MHD_Connection *connection;
    const char *method;
    const char *path;           /* URL path, already percent-decoded by MHD */
    const char *body;
    size_t body_len;
    live_index *index;          /* the generation this request uses; NULL if none loaded */
    const http_options *options;
    http_server *server;
} http_request;

typedef struct http_response {
    int status;
    char *body;                 /* owned (malloc) */
    size_t body_len;
    const char *content_type;
    char etag[32];
    char location[512];
    char batch_size[24];        /* yente's x-batch-size */
    struct MHD_Response *stream; /* set by handlers that stream instead of body */
    bool cacheable;             /* static assets */
} http_response;

void http_dispatch(http_request *rq, http_response *rs, http_route_id route);

/* A JSON body (takes the reference) with a status. */
void http_reply_json(http_response *rs, int status, json_t *body);
/* {"detail": "..."} with a status: yente's error shape. */
void http_reply_error(http_response *rs, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void http_reply_text(http_response *rs, int status, const char *content_type, char *body, size_t len);

/* A query-string argument, or NULL. */
const char *http_arg(const http_request *rq, const char *key);
/* All values of a repeatable argument (also comma-separated), up to max. */
size_t http_args(const http_request *rq, const char *key, const char **out, size_t max);
/* Parses an integer argument in [lo, hi]; replies 400 and returns -1 when
 * it is not one. Absent → *out = fallback. */
int http_arg_int(const http_request *rq, http_response *rs, const char *key, long fallback,
                 long lo, long hi, long *out);
int http_arg_double(const http_request *rq, http_response *rs, const char *key, double fallback,
                    double *out);
/* A matcher of the request's index generation, or NULL after replying 500. */
kd_matcher *http_take_matcher(const http_request *rq, http_response *rs);
/* Replies 503 (and returns false) when no index is loaded. */
bool http_need_index(const http_request *rq, http_response *rs);

/* ---- routes (one file each) ------------------------------------------- */

void route_match(http_request *rq, http_response *rs, const char *dataset);
void route_search(http_request *rq, http_response *rs, const char *dataset);
void route_reconcile(http_request *rq, http_response *rs, const char *dataset, const char *rest);
void route_scan(http_request *rq, http_response *rs);
void route_screen(http_request *rq, http_response *rs);
void route_entities(http_request *rq, http_response *rs, const char *id);
void route_catalog(http_request *rq, http_response *rs);
void route_algorithms(http_request *rq, http_response *rs);
void route_openapi(http_request *rq, http_response *rs);
void route_readyz(http_request *rq, http_response *rs);
/* /alerts, /alerts/{id}, /alerts/{id}/decision, /audit (needs --db). */
void route_alerts(http_request *rq, http_response *rs, const char *rest);
void route_audit(http_request *rq, http_response *rs);
/* A store connection from the pool (opened on demand), or NULL with a
 * reason; give it back with http_store_give. */
struct kd_store *http_store_take(http_server *s, kd_error *err);
void http_store_give(http_server *s, struct kd_store *store);
/* Index age and each fetched source's age and last error, for /metrics. */
void status_render_metrics(const http_options *o, live_index *g, buf *out);
/* Static files of the analyst web page; false when there is none at path. */
bool route_web(http_request *rq, http_response *rs, const char *path);

/* ---- shared helpers for routes ----------------------------------------- */

/* The datasets of an entity as a JSON array of names. */
json_t *http_entity_datasets(const kd_index *ix, size_t entity);
/* Converts a JSON property value (string or list of strings) to strings;
 * returns how many, or -1 when a value has the wrong type. */
int http_json_strings(json_t *value, const char **out, int max);

/* ---- filters shared by /match and /search (filter.c) ------------------- */

#define HTTP_FILTER_MAX 32
#define HTTP_FILTER_MAX_IDS 50

typedef struct http_filter {
    const kd_index *ix;
    const char *scope;          /* the dataset in the URL; NULL for "default" */
    int schema_only;            /* /search's schema; -1 for any */
    const char *include[HTTP_FILTER_MAX];
    size_t n_include;
    const char *exclude[HTTP_FILTER_MAX];
    size_t n_exclude;
    int exclude_schema[HTTP_FILTER_MAX];
    size_t n_exclude_schema;
    const char *topics[HTTP_FILTER_MAX];
    size_t n_topics;
    char countries[HTTP_FILTER_MAX][3];
    size_t n_countries;
    const char *changed_since;
    const char *exclude_ids[HTTP_FILTER_MAX_IDS];
    size_t n_exclude_ids;
} http_filter;

/* Reads the filter arguments of the request; replies 400 and returns -1
 * when one is invalid. Set scope and schema_only afterwards. */
int http_filter_parse(const http_request *rq, http_response *rs, http_filter *f);
/* What every route scoped to /{dataset} starts with: an index loaded
 * (else 503), the dataset known or "default" (else 404), the filter
 * arguments valid (else 400), the scope set. 0, or -1 once answered. */
int http_filter_for(const http_request *rq, http_response *rs, const char *dataset, http_filter *f);
/* kd_match_query.accept for a http_filter. */
int http_filter_accept(void *context, size_t entity);

/* ---- /match's query handling, shared with /screen (route_match.c) ------ */

#define HTTP_MATCH_NAMES 8
#define HTTP_MATCH_DATES 3
#define HTTP_MATCH_LIMIT 500
/* kd_match calls per query at most: every name with every date */
#define HTTP_MATCH_RUNS (HTTP_MATCH_NAMES * HTTP_MATCH_DATES)

typedef struct http_match_weights {
    double name_match, evidence;
} http_match_weights;

typedef struct http_match_query {
    const char *names[HTTP_MATCH_NAMES];
    int n_names;
    char built_name[512];       /* from firstName/lastName when no name */
    const char *dates[HTTP_MATCH_DATES];
    int n_dates;
    char country[3];
    const char *gender;
    const char *identifier;
    int schema;
} http_match_query;

typedef struct http_match_found {
    kd_match_result r;
    const char *query_name;
} http_match_found;

/* Validates one FtM query (schema, properties) and cleans its values as
 * FtM does; *echo is the normalised query. Returns 0 or an HTTP status with
 * the reason in why. */
int http_match_clean(const char *key, json_t *q, http_match_query *c, json_t **echo, char *why,
                     size_t why_size);
/* Runs every name x date of the query; each entity's best result, best
 * first. results is scratch of `limit` entries; out holds cap (up to
 * limit * HTTP_MATCH_RUNS). */
int http_match_run(kd_matcher *m, const http_match_query *c, http_filter *filter, size_t limit,
                   double threshold, kd_match_result *results, http_match_found *out, size_t cap,
                   kd_error *err);
double http_match_reweigh(const kd_match_result *r, const http_match_weights *w);
/* A result in yente's shape: the entity plus score, match, explanations. */
json_t *http_match_result(const kd_index *ix, const http_match_found *found, double score,
                          double threshold);

/* yente's algorithm names and kordon's own. */
bool http_algorithm_known(const char *name);

/* Embedded files (generated at build time from web/ and openapi.json). */
typedef struct http_asset {
    const char *path;
    const char *content_type;
    const unsigned char *data;
    size_t size;
} http_asset;
const http_asset *http_asset_find(const char *path);

/* Screening requests recorded as runs in the store (with --db): begin,
 * one add per query, end (commit, or roll back on failure). */
typedef struct http_recording {
    struct kd_store *store;
    struct kd_run *run;
    http_server *server; /* whose recorder lock is held while a run is open */
} http_recording;

/* Who asked: the client may name its user (X-Kordon-User); otherwise "api". */
const char *http_actor_of(const http_request *rq);
/* With --db, opens a screening run and holds the server's one writer until
 * http_record_end; without, does nothing (rec->run stays NULL). */
int http_record_begin(http_request *rq, const char *source, json_t *parameters, http_recording *rec,
                      kd_error *err);
int http_record_begin_as(http_server *s, const char *actor, const kd_index *ix, const char *source,
                         json_t *parameters, http_recording *rec, kd_error *err);
int http_record_add(http_recording *rec, size_t row, const char *id, const http_match_query *c,
                    const kd_match_result *results, size_t n, kd_error *err);
int http_record_end(http_recording *rec, bool commit, kd_error *err);

#endif
