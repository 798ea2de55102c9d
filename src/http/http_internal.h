/* Shared between the files of src/http; not part of the module's API. */
#ifndef KD_HTTP_INTERNAL_H
#define KD_HTTP_INTERNAL_H

#include "http.h"
#include "core/core.h"
#include "model/model.h"
#include "kordon/store.h"

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
size_t http_pool_size(http_pool *p);            /* idle items */
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
    /* what ties the parties (kd_ties): merged ids for /entities'
     * redirects, the records that refer to each party for its adjacent
     * entities and for results tied to listed parties */
    kd_ties *ties;
    /* per record: 1 when an ownership, directorship or link ties it to a
     * sanctioned record (index_linked_records: FtM's topic sanction.linked,
     * for a party that is not listed itself); per record so that judgments
     * that regroup parties after the load leave it true */
    uint8_t *linked;
    http_pool matchers;         /* idle kd_matcher, one in use per request */
    http_pool scanners;         /* idle kd_scanner */
    /* what every scanner of this generation reads: built by the first
     * /scan or /screen of text, under tables_lock */
    struct scan_tables *scan_tables;
    pthread_mutex_t tables_lock;
    size_t judgments;           /* analysts' judgments on parties applied to it */
} live_index;

/* Which version of the index file: a new file renamed into place has a new
 * inode; one rewritten in place keeps its inode but changes size or mtime. */
typedef struct live_file_id {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} live_file_id;

typedef struct live {
    pthread_mutex_t lock;       /* current, and the state of the last reload below */
    pthread_mutex_t load_lock;  /* one load at a time: watcher, SIGHUP and /admin/reload */
    live_index *current;        /* NULL until a file could be loaded */
    char *path;
    uint64_t generations;
    /* The file current was read from, held open so its inode number is not
     * reused by the next file and mistaken for the same one (-1: none). */
    live_file_id loaded;
    int loaded_fd;
    /* The last reload attempt failed: /readyz says "degraded" (or 503 with
     * no index at all) until one succeeds, and the watcher leaves the file
     * alone until it changes again. */
    bool failing;
    live_file_id failed;
    int failed_fd;
    time_t failed_at;
    char last_error[1024];
    /* A file modified in place is loaded once it has stopped changing for a
     * second, so the watcher does not read it while cp is still writing. */
    bool pending;
    live_file_id pending_id;
    double pending_since;       /* http_now() when pending_id was first seen */
    /* Called on every generation loaded, before it is served (the server
     * applies the store's judgments on parties); non-zero refuses it. */
    int (*prepare)(void *context, live_index *g, kd_error *err);
    void *prepare_context;
} live;

/* What the watcher makes of the file at the path. */
typedef enum live_change {
    LIVE_SAME,           /* the file loaded, or the one that failed: nothing to do */
    LIVE_REPLACED,       /* another file (renamed into place): load it now */
    LIVE_IN_PLACE,       /* the same file modified in place, just noticed: wait for writes to stop */
    LIVE_IN_PLACE_READY, /* ... and it has not changed for a second: load it */
} live_change;

/* The state of the last reload, for /readyz. */
typedef struct live_reload_state {
    bool failing;
    time_t failed_at;
    char error[1024];
} live_reload_state;

int live_init(live *l, const char *path);
/* (Re)loads the file, whatever the watcher thinks of it; on failure the
 * current generation stays and the failure is remembered. */
int live_load(live *l, kd_error *err);
live_change live_changed(live *l);
void live_reload_status(live *l, live_reload_state *out);
live_index *live_acquire(live *l);   /* NULL when no index is loaded */

/* ---- adjacent entities (adjacent.c) ---------------------------------------- */

/* The ties between parties (g->ties) and the records linked to
 * sanctioned ones, found once per loaded index. */
int live_adjacent_build(live_index *g);
/* The party of the entity at a position as index_party_object makes it,
 * with the topics that need the links: `sanction.linked` when a record of
 * it is tied to a sanctioned one and none is listed itself. */
struct json_t *http_party_object(const live_index *g, size_t position, bool provenance);
/* Whether the party of the entity at a position is sanction.linked. */
bool http_party_linked(const live_index *g, size_t position);
/* A party's entity as yente nests it: entity references made the entities
 * themselves, and the records that refer to it (links, ownerships, family,
 * its listings as Sanction entities) under FtM's reverse property names. */
void http_nest_adjacent(const live_index *g, size_t party, struct json_t *object);
/* yente's EntityAdjacentResponse's `adjacent`: per property, one page of
 * the adjacent entities with its total. */
struct json_t *http_adjacent_pages(const live_index *g, size_t party, size_t limit, size_t offset);
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
    X(ADMIN, "admin") X(ALERTS, "alerts") X(AUDIT, "audit")                    \
    X(RESOLVE, "resolve") X(CASES, "cases") X(ME, "me")                        \
    X(SETTINGS, "settings") X(WEB, "web") X(OTHER, "other")

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
    /* the audit store (--db): what the recorder thread wrote, how long a
     * group took to be durable, how often the store went away */
    atomic_ulong record_groups, record_runs, record_failed_runs;
    atomic_ulong record_buckets[METRICS_BUCKETS + 1];
    atomic_ulong record_us;
    atomic_ulong store_outages;
} metrics;

void metrics_record(metrics *m, http_route_id route, int status, double seconds);
/* One group of runs written (recorder.c): its size, failures, duration. */
void metrics_record_group(metrics *m, size_t runs, size_t failed, double seconds);
/* A label value with Prometheus' escapes. */
void metrics_append_label(buf *out, const char *s);
/* Appends the Prometheus text exposition. */
void metrics_render(const metrics *m, live_index *g, buf *out);
/* The audit store's metrics, when the server keeps one. */
void metrics_render_store(const metrics *m, http_server *s, buf *out);

/* ---- requests and responses ------------------------------------------- */

/* A connection as the slow-client reaper sees it: its socket and the time
 * by which its current request must have arrived (0: none pending). */
typedef struct http_connection {
    int fd;
    double deadline;
    struct http_connection *prev, *next;
} http_connection;

/* An API key and whose it is: a named key is one user's, with a role
 * (`KEY name=ana role=supervisor`); a key without a name is a service's,
 * whose requests may name their user in X-Kordon-User. */
typedef struct http_key {
    char *key;
    char *name;                 /* NULL: a service's key */
    kd_role role;               /* admin may use the admin routes */
} http_key;

/* Who a request comes from (http_identity_of). */
typedef struct http_identity {
    const char *name;           /* NULL: nobody named (a service's key without X-Kordon-User) */
    kd_role role;
    bool from_key;              /* the name is the key's, not a header's */
} http_identity;

/* A connection that records screening runs, and the thread that writes
 * /match runs' groups through it (recorder.c). */
#define HTTP_WRITERS_MAX 8
typedef struct http_writer {
    struct http_server *server;
    pthread_mutex_t lock;       /* held while a run or group is written */
    struct kd_store *store;     /* opened when first needed, closed when lost */
    unsigned long outages_seen; /* metrics.store_outages when it was opened */
    pthread_t thread;
    bool running;
} http_writer;

struct http_server {
    struct MHD_Daemon *daemon;
    http_options options;
    live live;
    metrics metrics;
    http_key *api_keys;
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
    /* Screening runs are written through the writers' connections, each
     * one run or group at a time (recorder.c). SQLite has one writer
     * anyway, and a queue on a mutex beats writers sleeping in SQLite's
     * busy handler: it gets one. PostgreSQL commits groups side by side:
     * while one writer waits for its commit, another writes. /screen
     * streams through writers[0]. */
    http_writer writers[HTTP_WRITERS_MAX];
    unsigned n_writers;
    /* /match runs waiting for a writer thread (recorder.c), written a
     * group at a time in one transaction */
    pthread_mutex_t group_lock;
    pthread_cond_t group_queued;
    struct http_pending_run *group_head, *group_tail;
    bool group_ready, group_stop;
    /* the thread that does what no answer should wait for: gathering
     * alerts into cases (PostgreSQL), checkpoints (SQLite); recorder.c */
    http_writer housekeeper;
    pthread_cond_t housekeeper_wake;
    /* Whether the store answers (route_alerts.c): while it does not,
     * requests that need it get 503 at once, and a new connection is tried
     * after a backoff (0.25 s doubling to 5 s), not for every request. */
    pthread_mutex_t store_state_lock;
    int64_t store_down_since_ms;  /* 0: up */
    int64_t store_retry_at_ms;
    int64_t store_backoff_ms;
    char store_error[300];
    /* names and origins the server answers to (guard.c) */
    char public_host[256];      /* host of --public-url, lower case */
    char public_origin[512];    /* scheme://host[:port] of --public-url */
    char listen_host[128];      /* host of --listen */
    bool any_host;              /* listening everywhere with keys and no --public-url */
    struct http_workers *workers; /* threads for deferred work (workers.c) */
};

/* ---- request guard (guard.c) -------------------------------------------- */

/* Query arguments one request may carry (414 beyond). */
#define HTTP_MAX_ARGS 256

typedef struct http_guard {
    int status;                 /* 0: go on; else refuse with detail */
    char detail[512];
    bool close;                 /* close the connection after the refusal */
    bool has_body;
    bool discard_body;          /* the route reads no body: drop what comes */
} http_guard;

struct sockaddr;
/* Checks the options against the address the server listens on: without
 * API keys only loopback, unless --insecure-no-auth; --cors-origin and
 * --public-url well-formed. Call after the keys are loaded. */
int http_guard_init(http_server *s, const struct sockaddr *listen_address, kd_error *err);
struct http_route;
/* Host, Origin, body framing and Content-Type of a request for a route
 * whose headers are in. Returns g->status. */
int http_guard_check(const http_server *s, struct MHD_Connection *c, const char *method,
                     const struct http_route *route, http_guard *g);
/* The configured CORS origin the request comes from, or NULL. */
const char *http_guard_cors_origin(const http_server *s, struct MHD_Connection *c);

/* ---- worker threads for deferred requests (workers.c) ------------------- */

struct http_workers;
int http_workers_start(unsigned n, struct http_workers **out, kd_error *err);
/* Promises the caller an idle worker; false when every worker is busy
 * or promised. A promise is kept by one http_workers_submit. */
bool http_workers_reserve(struct http_workers *w);
void http_workers_submit(struct http_workers *w, void (*work)(void *arg), void *arg);
/* Lets running jobs finish, then joins the threads. */
void http_workers_stop(struct http_workers *w);

double http_now(void); /* monotonic seconds */

/* API keys (auth.c): loads them from the options. */
int http_keys_load(http_server *s, kd_error *err);
/* Whether the request may use the route, by the route's scope: 0, or 401
 * or 403 with the detail to answer. */
int http_auth_check(http_server *s, struct MHD_Connection *c, const struct http_route *route, const char *url,
                    const char *method, const char **detail);
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

struct http_deferred;

typedef struct http_response {
    int status;
    char *body;                 /* owned (malloc) */
    size_t body_len;
    const char *content_type;
    char etag[32];
    char location[512];
    char batch_size[24];        /* yente's x-batch-size */
    char retry_after[16];       /* seconds, with 503 */
    const char *allow;          /* the methods a 405's route takes (a literal), for its Allow header */
    struct MHD_Response *stream; /* set by handlers that stream instead of body */
    bool cacheable;             /* static assets */
    struct http_deferred *deferred; /* set by handlers whose work runs on a worker thread */
    /* set by handlers whose answer waits for its run to be recorded
     * (http_record_hand_over): the server sends the answer once the
     * recorder thread has committed it, or an error instead */
    struct http_pending_run *record;
    bool replayed; /* the kept answer of an Idempotency-Key: says so in a header */
} http_response;

/* Work too long for a network thread (a /scan of megabytes): the handler
 * validates the request, then sets rs->deferred instead of answering. The
 * server suspends the connection, a worker thread calls run, which writes
 * the answer into its own http_response, and the connection resumes with
 * it. Workers are few (--scan-concurrency); when every one is busy the
 * request gets 503 at once and free is called without run. The request's
 * body and index stay valid until free has been called. */
typedef struct http_deferred {
    void (*run)(struct http_deferred *job, http_response *rs);
    void (*free)(struct http_deferred *job);
    struct MHD_Connection *connection; /* set by the server before run */
} http_deferred;

/* True once the client of a connection has closed or reset its end: run
 * polls it to stop work nobody will read. */
bool http_client_gone(struct MHD_Connection *c);

/* ---- the route table (router.c) ---------------------------------------- */

/* A route's handler: rest is the path after the route's prefix and its
 * '/' ("" for the prefix itself), as the route's `rest` lets through. */
typedef void http_handler(http_request *rq, http_response *rs, const char *rest);

/* Methods as a set; a method outside a route's set gets 405. */
enum {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
};

/* Who may call a route when the server has API keys (without keys every
 * client may: it listens on loopback, or was told to with
 * --insecure-no-auth). */
typedef enum http_scope {
    SCOPE_OPEN,      /* no key asked: probes and the web page */
    SCOPE_KEY,       /* any client's key */
    SCOPE_ADMIN,     /* a key of the admin scope (`KEY admin`, $KORDON_ADMIN_KEYS) */
    /* the Reconciliation API's rules: a service manifest (GET without
     * queries) is open so that a client learns how to authenticate, and
     * a wrong key gets 401 as a missing one does */
    SCOPE_RECONCILE,
} http_scope;

/* What may follow a route's prefix; otherwise 404 with the route's usage,
 * answered after the method check. */
typedef enum http_rest {
    REST_ANY,        /* anything, or nothing */
    REST_SOME,       /* something (/entities/{id}) */
    REST_SEGMENT,    /* one non-empty segment (/match/{dataset}) */
} http_rest;

/* One route: a path prefix and everything decided before its handler runs.
 * The table lists the first four by position, the rest by name. */
typedef struct http_route {
    const char *prefix;         /* answers prefix and prefix/... */
    http_route_id id;           /* its name in the metrics */
    unsigned methods;           /* HTTP_GET | ...; 0: any, the handler decides */
    http_scope scope;
    http_handler *handler;
    const char *const *reads;   /* Content-Types a POST may send; NULL: no body */
    /* the one path answered under prefix, others 404 before the method
     * check; NULL for any */
    const char *only;
    http_rest rest;
    const char *usage;          /* 404 detail when rest is not as wanted */
    bool any_origin;            /* Access-Control-Allow-Origin: * (pages of every origin) */
} http_route;

/* The route of a path: the first in the table whose prefix it is under,
 * else the web page's. Never NULL. */
const http_route *http_route_find(const char *path);
/* Checks the path and method against the route, then calls its handler. */
void http_dispatch(http_request *rq, http_response *rs, const http_route *route);

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
/* Any finite number (yente takes any float for /match's threshold and
 * cutoff: above 1, nothing matches). */
int http_arg_finite(const http_request *rq, http_response *rs, const char *key, double fallback, double *out);
int http_arg_double(const http_request *rq, http_response *rs, const char *key, double fallback,
                    double *out);
/* A matcher of the request's index generation, or NULL after replying 500. */
kd_matcher *http_take_matcher(const http_request *rq, http_response *rs);
/* Replies 503 (and returns false) when no index is loaded. */
bool http_need_index(const http_request *rq, http_response *rs);

/* ---- routes (one file each) ------------------------------------------- */

/* Handlers (http_handler) of the route table; rest is named for what it
 * holds. */
http_handler route_match;       /* rest: the dataset */
http_handler route_search;      /* rest: the dataset */
http_handler route_reconcile;   /* rest: {dataset}[/suggest/...] */
http_handler route_scan;
http_handler route_screen;
http_handler route_entities;    /* rest: the id[/adjacent...] */
http_handler route_catalog;
http_handler route_algorithms;
http_handler route_openapi;
http_handler route_readyz;
/* /alerts, /alerts/{id}, /alerts/{id}/decision, /audit (needs --db). */
http_handler route_alerts;
http_handler route_audit;
http_handler route_cases;
http_handler route_me;
http_handler route_settings;
/* /resolve/judgments: analysts' judgments on parties (GET lists, POST
 * records one and reloads the index so that it applies). */
http_handler route_resolve;
/* live.prepare of a server with a store: the standing judgments applied
 * to a generation's parties. */
int http_apply_judgments(void *server, live_index *g, kd_error *err);
/* A store connection from the pool (opened on demand), or NULL with a
 * reason; give it back with http_store_give. */
struct kd_store *http_store_take(http_server *s, kd_error *err);
void http_store_give(http_server *s, struct kd_store *store);
/* http_store_take, replying with the reason (404 without a store, 503
 * while it does not answer, else 500) when there is none. */
struct kd_store *http_store_take_or_reply(http_request *rq, http_response *rs);
/* The store's availability: marked down by a failed connection (with the
 * reason), up by a working one; while down, why and for how long. */
void http_store_mark_down(http_server *s, const char *why);
void http_store_mark_up(http_server *s);
bool http_store_down(http_server *s, char *why, size_t size, int64_t *since_ms);
/* The status for a store error: 404 without a store, 503 while it does not
 * answer, else 500. */
int http_store_status(http_server *s, const kd_error *err);
/* For /readyz: the store's state after a trivial question on a pooled
 * connection (never the recorder's, never waiting on a recording), or NULL
 * without a store. */
json_t *http_store_readiness(http_server *s);
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

/* yente's collection of the sanctions lists (OpenSanctions' "sanctions"):
 * here, the datasets read from an official sanctions list's own format
 * (UN, OFAC, EU, UK, Canada) — not FtM or CSV files of other kinds. */
#define HTTP_SANCTIONS_COLLECTION "sanctions"
bool http_sanctions_dataset(const char *name);
/* The human title of a dataset (its name when kordon knows no better). */
const char *http_dataset_title(const char *name);

typedef struct http_filter {
    const kd_index *ix;
    const live_index *live;     /* ix's, for the topics that need links */
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
    /* exclude_entity_ids, as the parties they name: any record's id
     * excludes its whole party (unknown ids exclude nothing) */
    size_t exclude_parties[HTTP_FILTER_MAX_IDS];
    size_t n_exclude_ids;
    /* yente's filter=field:value (properties.<prop>, schema, datasets):
     * every one must hold */
    struct {
        int prop;               /* a kd_prop, or FILTER_SCHEMA / FILTER_DATASET */
        const char *value;
    } fields[HTTP_FILTER_MAX];
    size_t n_fields;
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

/* FollowTheMoney's matchable schemata (ftm_schemata.c, generated from
 * FtM's schema files): the position of one in FtM's list, or -1; and the
 * set of them (bit i: position i) that has a property, 0 for none. */
int http_ftm_matchable(const char *schema);
uint16_t http_ftm_property_schemata(const char *property);

typedef struct http_match_query {
    const char *names[HTTP_MATCH_NAMES];
    int n_names;
    char built_name[512];       /* from firstName/lastName when no name */
    const char *dates[HTTP_MATCH_DATES];
    int n_dates;
    char country[3];
    const char *gender;
    const char *identifier;
    int schema;                 /* a kd_schema, or -1 (BankAccount...) */
    /* kordon's lists hold parties (persons, bodies, vessels, aircraft) and
     * compare a query with them; a query of another matchable schema (an
     * Address, a CryptoWallet) is valid and finds nothing */
    bool screened;
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
json_t *http_match_result(const live_index *g, const http_match_found *found, double score,
                          double threshold);

/* kordon's one scoring algorithm, which every algorithm name selects. */
#define HTTP_ALGORITHM "kordon-v1"
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
struct kd_kept_answer;    /* store.h */
struct http_idempotency;  /* below */
typedef struct http_pending_run http_pending_run;

typedef struct http_recording {
    struct kd_store *store;
    struct kd_run *run;
    http_server *server; /* whose recorder lock is held while a run is open */
    http_pending_run *pending; /* http_record_begin: kept until the group is written */
} http_recording;

/* Who asked: the client may name its user (X-Kordon-User); otherwise "api". */
const char *http_actor_of(const http_request *rq);
/* Who sends the request: a named key's user and role; else X-Kordon-User
 * with the key's role (analyst, or admin for an admin key); a server
 * without keys is open to all, so its users are admins. */
void http_identity_of(const http_request *rq, http_identity *out);
/* The recorder thread of group commit (recorder.c): started with the
 * server, stopped after the last request. */
int http_recorder_start(http_server *s, kd_error *err);
/* Writes what is queued and ends the thread; later runs are refused. */
void http_recorder_stop(http_server *s);
void http_recorder_free(http_server *s);
/* Queues a pending run (owned from here on) for the recorder thread,
 * which calls done(arg, rc, err) from its own thread once it is written. */
void http_recorder_submit(http_server *s, struct http_pending_run *run,
                          void (*done)(void *arg, int rc, const kd_error *err, const struct kd_kept_answer *kept),
                          void *arg);
/* kd_store_open, keeping the store's state (up, down, backoff). */
int http_store_open(http_server *s, struct kd_store **out, kd_error *err);
/* With --db, a screening run. http_record_begin (a /match request): kept
 * in memory, handed over with the answer (http_record_hand_over) and
 * written by the recorder thread with others in one transaction before
 * the answer is sent; http_record_end only drops it. http_record_begin_as (/screen, rows streamed): opens the run
 * on the server's one writer and holds it until http_record_end. Without
 * --db, both do nothing. Parameters holding "lookup": true make the run a
 * lookup (kd_run_request.lookup): recorded, raising no alerts. */
int http_record_begin(http_request *rq, const char *source, json_t *parameters, http_recording *rec,
                      kd_error *err);
int http_record_begin_as(http_server *s, const char *actor, const kd_index *ix, const char *source,
                         json_t *parameters, http_recording *rec, kd_error *err);
int http_record_add(http_recording *rec, size_t row, const char *id, const http_match_query *c,
                    const kd_match_result *results, size_t n, kd_error *err);
int http_record_end(http_recording *rec, bool commit, kd_error *err);
/* With a run of http_record_begin_as open: keeps an answer under an
 * Idempotency-Key in the run's transaction, durable with the run or not at
 * all (kd_store_answer_put: KD_EUSAGE when the key is kept already). */
int http_record_keep(http_recording *rec, const char *key, const char *request_sha256, int status,
                     const char *content_type, const char *body, kd_error *err);
/* Instead of http_record_end for a run of http_record_begin: hands it to
 * the answer (rs->record), which the server sends once it is recorded.
 * With an Idempotency-Key (idem, or NULL), the answer is kept with the run,
 * and a run whose key the store already keeps is not written: its kept
 * answer is sent instead. */
void http_record_hand_over(http_recording *rec, http_response *rs, const struct http_idempotency *idem);

/* ---- Idempotency-Key (idempotency.c) -------------------------------------- */
typedef struct http_idempotency {
    char key[300];            /* route and the client's key; "" without one */
    char request_sha256[65];  /* of the path and the body */
} http_idempotency;
/* Reads the request's Idempotency-Key. True when it answered: a bad key,
 * the store unreachable, or the answer kept for that key (a retry, or 422
 * for another request). False: handle the request, and keep its answer
 * under idem->key when that is set (with --db). */
bool http_idempotency_check(http_request *rq, http_response *rs, const char *route, http_idempotency *idem);
/* Only the first half of http_idempotency_check: the key read (true after
 * replying 400 to a bad one) and, with --db, idem set with the request's
 * hash, over also_header's value too when not NULL; nothing looked up. */
bool http_idempotency_read(http_request *rq, http_response *rs, const char *route, const char *also_header,
                           http_idempotency *idem);
/* The key of part `part` of an answer kept in parts (/screen's blocks). */
void http_idempotency_part(const http_idempotency *idem, size_t part, char *out, size_t size);
/* kd_store_answer_get and _put on a pooled connection: KD_ENOTFOUND (get)
 * when nothing is kept, KD_EUSAGE (put) when the key is kept already. */
int http_idempotency_get(http_server *s, const char *key, const char *request_sha256, struct kd_kept_answer *kept,
                         kd_error *err);
int http_idempotency_put(http_server *s, const char *key, const char *request_sha256, int status,
                         const char *content_type, const char *body, kd_error *err);
/* The kept answer as this request's, or 422 when it was another request's. */
void http_reply_kept(http_response *rs, const struct kd_kept_answer *kept);

#endif
