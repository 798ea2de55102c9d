/* Routing: one table of routes, each a line saying which paths and
 * methods it answers, who may call it, what body it reads and which
 * handler answers; the dispatcher applies the line, so that a route's
 * rules are read in one place. The small answers that need no file of
 * their own (health, metrics, reload, the web page) are here too. */
#include "http_internal.h"

#include <string.h>

/* ---- small answers ----------------------------------------------------- */

static void answer_healthz(http_request *rq, http_response *rs, const char *rest)
{
    (void)rq;
    (void)rest;
    http_reply_json(rs, 200, json_pack("{s:s}", "status", "ok"));
}

static void answer_metrics(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest;
    http_server *s = rq->server;
    buf out = {0};
    metrics_render(&s->metrics, rq->index, &out);
    metrics_render_store(&s->metrics, s, &out);
    status_render_metrics(&s->options, rq->index, &out);
    http_reply_text(rs, 200, "text/plain; version=0.0.4", out.data, out.len);
}

static void answer_reload(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest;
    http_server *s = rq->server;
    kd_error err = {0};
    if (http_server_reload(s, &err)) {
        http_reply_error(rs, 500, "reload failed, still serving the previous index: %s", err.message);
        return;
    }
    live_index *g = live_acquire(&s->live);
    json_t *o = json_pack("{s:s,s:I,s:I}", "status", "ok", "generation", (json_int_t)g->generation, "entities",
                          (json_int_t)kd_index_entity_count(g->index));
    live_release(g);
    http_reply_json(rs, 200, o);
}

/* The web page answers reads of its files; anything else that no route
 * claims is 404, whatever the method, not 405. */
static void answer_web(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest;
    const char *m = rq->method;
    if ((strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) && route_web(rq, rs, rq->path))
        return;
    http_reply_error(rs, 404, "Not Found");
}

/* ---- the table --------------------------------------------------------- */

/* What each kind of POST reads (the guard answers 415 to others). */
static const char *const json_body[] = {"application/json", NULL};
static const char *const rows_body[] = {"application/json", "application/x-ndjson", "application/jsonl",
                                        "application/json-lines", "text/csv", NULL};
static const char *const text_body[] = {"text/plain", "text/markdown", "text/html", NULL};
/* OpenRefine posts forms: the Reconciliation API is form-encoded, and
 * only reads */
static const char *const form_body[] = {"application/x-www-form-urlencoded", "multipart/form-data",
                                        "application/json", NULL};

#define GET HTTP_GET
#define HEAD HTTP_HEAD
#define POST HTTP_POST

/* The first route whose prefix a path is under answers it. Adding a route
 * is a line here and its handler (an http_handler); for a name of its own
 * in the metrics, an entry in HTTP_ROUTES too. */
static const http_route routes[] = {
    {"/match", ROUTE_MATCH, POST, SCOPE_KEY, .handler = route_match, .reads = json_body,
     .rest = REST_SEGMENT, .usage = "use /match/{dataset}, e.g. /match/default"},
    {"/search", ROUTE_SEARCH, GET, SCOPE_KEY, .handler = route_search,
     .rest = REST_SEGMENT, .usage = "use /search/{dataset}, e.g. /search/default?q=..."},
    {"/entities", ROUTE_ENTITIES, GET, SCOPE_KEY, .handler = route_entities,
     .rest = REST_SOME, .usage = "use /entities/{id}"},
    {"/catalog", ROUTE_CATALOG, GET, SCOPE_KEY, .handler = route_catalog},
    {"/algorithms", ROUTE_ALGORITHMS, GET, SCOPE_KEY, .handler = route_algorithms},
    /* probes answer their own path only, and only to reads */
    {"/healthz", ROUTE_HEALTHZ, GET | HEAD, SCOPE_OPEN, .handler = answer_healthz, .only = "/healthz"},
    {"/readyz", ROUTE_READYZ, GET | HEAD, SCOPE_KEY, .handler = route_readyz, .only = "/readyz"},
    /* OpenRefine runs in a browser, and the spec asks CORS of every
     * endpoint: these routes only read the public lists, so a page on
     * another origin gains nothing it could not download, and still needs
     * a key where keys are asked */
    {"/reconcile", ROUTE_RECONCILE, GET | POST, SCOPE_RECONCILE, .handler = route_reconcile, .reads = form_body,
     .rest = REST_SOME, .usage = "use /reconcile/{dataset}", .any_origin = true},
    {"/metrics", ROUTE_METRICS, GET, SCOPE_KEY, .handler = answer_metrics},
    {"/scan", ROUTE_SCAN, POST, SCOPE_KEY, .handler = route_scan, .reads = text_body},
    {"/screen", ROUTE_SCREEN, POST, SCOPE_KEY, .handler = route_screen, .reads = rows_body},
    {"/openapi.json", ROUTE_OPENAPI, GET, SCOPE_KEY, .handler = route_openapi},
    /* swapping the index every replica serves is not any client's to do */
    {"/admin", ROUTE_ADMIN, POST, SCOPE_ADMIN, .handler = answer_reload, .reads = json_body, .only = "/admin/reload"},
    {"/alerts", ROUTE_ALERTS, GET | POST, SCOPE_KEY, .handler = route_alerts, .reads = json_body},
    {"/audit", ROUTE_AUDIT, GET, SCOPE_KEY, .handler = route_audit},
    {"/cases", ROUTE_CASES, GET | POST, SCOPE_KEY, .handler = route_cases, .reads = json_body},
    {"/me", ROUTE_ME, GET, SCOPE_KEY, .handler = route_me, .only = "/me"},
    /* changing them needs the admin role, which the handler checks: reading them does not */
    {"/settings", ROUTE_SETTINGS, GET | POST, SCOPE_KEY, .handler = route_settings, .reads = json_body,
     .only = "/settings"},
    {"/resolve", ROUTE_RESOLVE, GET | POST, SCOPE_KEY, .handler = route_resolve, .reads = json_body},
    /* yente's older name for the catalog, still answered there */
    {"/manifest", ROUTE_CATALOG, GET, SCOPE_KEY, .handler = route_catalog},
};

/* The analyst web page: what no route claims (methods 0: a method it does
 * not answer is 404 there, not 405). */
static const http_route web_page = {"/", ROUTE_WEB, 0, SCOPE_OPEN, .handler = answer_web};

#undef GET
#undef HEAD
#undef POST

/* ---- dispatch ---------------------------------------------------------- */

/* The part of path after prefix when path is prefix or prefix/..., else NULL. */
static const char *under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0)
        return NULL;
    if (path[n] == '\0')
        return path + n;
    return path[n] == '/' ? path + n + 1 : NULL;
}

static unsigned method_bit(const char *method)
{
    if (strcmp(method, "GET") == 0)
        return HTTP_GET;
    if (strcmp(method, "HEAD") == 0)
        return HTTP_HEAD;
    if (strcmp(method, "POST") == 0)
        return HTTP_POST;
    return 0;
}

const http_route *http_route_find(const char *path)
{
    for (size_t i = 0; i < KD_ARRAY_LEN(routes); i++)
        if (under(path, routes[i].prefix))
            return &routes[i];
    return &web_page;
}

void http_dispatch(http_request *rq, http_response *rs, const http_route *route)
{
    if (route->only && strcmp(rq->path, route->only) != 0) {
        http_reply_error(rs, 404, "Not Found");
        return;
    }
    if (route->methods && !(method_bit(rq->method) & route->methods)) {
        /* the detail names GET and POST, never HEAD, as it always has */
        bool get = route->methods & HTTP_GET, post = route->methods & HTTP_POST;
        http_reply_error(rs, 405, "Method Not Allowed (use %s%s%s)", get ? "GET" : "", get && post ? ", " : "",
                         post ? "POST" : "");
        /* RFC 9110 15.5.6: a 405 says which methods the resource takes */
        bool head = route->methods & HTTP_HEAD;
        rs->allow = get && post ? (head ? "GET, HEAD, POST" : "GET, POST")
                    : get       ? (head ? "GET, HEAD" : "GET")
                                : "POST";
        return;
    }
    const char *rest = route == &web_page ? rq->path : under(rq->path, route->prefix);
    bool fits = route->rest == REST_ANY || (*rest && (route->rest == REST_SOME || !strchr(rest, '/')));
    if (!fits) {
        http_reply_error(rs, 404, "%s", route->usage);
        return;
    }
    route->handler(rq, rs, rest);
}
