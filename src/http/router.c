/* Routing: which handler answers a method and path, and the small
 * answers that need no handler of their own (health, metrics, reload). */
#include "http_internal.h"

#include <string.h>

/* ---- dispatch ---------------------------------------------------------- */

static bool is(const char *method, const char *want)
{
    return strcmp(method, want) == 0;
}

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

static void method_not_allowed(http_response *rs, const char *allowed)
{
    http_reply_error(rs, 405, "Method Not Allowed (use %s)", allowed);
}

http_route_id http_route_classify(const char *path)
{
    static const struct {
        const char *prefix;
        http_route_id route;
    } table[] = {
        {"/match", ROUTE_MATCH},       {"/search", ROUTE_SEARCH},       {"/entities", ROUTE_ENTITIES},
        {"/catalog", ROUTE_CATALOG},   {"/algorithms", ROUTE_ALGORITHMS}, {"/healthz", ROUTE_HEALTHZ},
        {"/readyz", ROUTE_READYZ},     {"/reconcile", ROUTE_RECONCILE}, {"/metrics", ROUTE_METRICS},
        {"/scan", ROUTE_SCAN},         {"/screen", ROUTE_SCREEN},       {"/openapi.json", ROUTE_OPENAPI},
        {"/admin", ROUTE_ADMIN},       {"/alerts", ROUTE_ALERTS},       {"/audit", ROUTE_AUDIT},
        {"/resolve", ROUTE_RESOLVE},
        /* yente's older name for the catalog, still answered there */
        {"/manifest", ROUTE_CATALOG},
    };
    for (size_t i = 0; i < KD_ARRAY_LEN(table); i++)
        if (under(path, table[i].prefix))
            return table[i].route;
    return ROUTE_WEB;
}

void http_dispatch(http_request *rq, http_response *rs, http_route_id route)
{
    const char *m = rq->method, *p = rq->path, *rest;
    http_server *s = rq->server;
    switch (route) {
    case ROUTE_HEALTHZ:
    case ROUTE_READYZ:
        /* probes answer their own path only, and only to reads */
        if (strcmp(p, route == ROUTE_HEALTHZ ? "/healthz" : "/readyz") != 0)
            http_reply_error(rs, 404, "Not Found");
        else if (!is(m, "GET") && !is(m, "HEAD"))
            method_not_allowed(rs, "GET");
        else if (route == ROUTE_HEALTHZ)
            http_reply_json(rs, 200, json_pack("{s:s}", "status", "ok"));
        else
            route_readyz(rq, rs);
        return;
    case ROUTE_MATCH:
        rest = under(p, "/match");
        if (!is(m, "POST")) {
            method_not_allowed(rs, "POST");
            return;
        }
        if (!*rest || strchr(rest, '/')) {
            http_reply_error(rs, 404, "use /match/{dataset}, e.g. /match/default");
            return;
        }
        route_match(rq, rs, rest);
        return;
    case ROUTE_SEARCH:
        rest = under(p, "/search");
        if (!is(m, "GET")) {
            method_not_allowed(rs, "GET");
            return;
        }
        if (!*rest || strchr(rest, '/')) {
            http_reply_error(rs, 404, "use /search/{dataset}, e.g. /search/default?q=...");
            return;
        }
        route_search(rq, rs, rest);
        return;
    case ROUTE_ENTITIES:
        rest = under(p, "/entities");
        if (!is(m, "GET")) {
            method_not_allowed(rs, "GET");
            return;
        }
        if (!*rest) {
            http_reply_error(rs, 404, "use /entities/{id}");
            return;
        }
        route_entities(rq, rs, rest);
        return;
    case ROUTE_RECONCILE: {
        rest = under(p, "/reconcile");
        if (!is(m, "GET") && !is(m, "POST")) {
            method_not_allowed(rs, "GET, POST");
            return;
        }
        if (!*rest) {
            http_reply_error(rs, 404, "use /reconcile/{dataset}");
            return;
        }
        char dataset[128];
        size_t n = strcspn(rest, "/");
        if (n >= sizeof dataset) {
            http_reply_error(rs, 404, "no such dataset");
            return;
        }
        memcpy(dataset, rest, n);
        dataset[n] = '\0';
        route_reconcile(rq, rs, dataset, rest[n] ? rest + n + 1 : "");
        return;
    }
    case ROUTE_CATALOG:
        is(m, "GET") ? route_catalog(rq, rs) : method_not_allowed(rs, "GET");
        return;
    case ROUTE_ALGORITHMS:
        is(m, "GET") ? route_algorithms(rq, rs) : method_not_allowed(rs, "GET");
        return;
    case ROUTE_OPENAPI:
        is(m, "GET") ? route_openapi(rq, rs) : method_not_allowed(rs, "GET");
        return;
    case ROUTE_SCAN:
        is(m, "POST") ? route_scan(rq, rs) : method_not_allowed(rs, "POST");
        return;
    case ROUTE_SCREEN:
        is(m, "POST") ? route_screen(rq, rs) : method_not_allowed(rs, "POST");
        return;
    case ROUTE_METRICS: {
        if (!is(m, "GET")) {
            method_not_allowed(rs, "GET");
            return;
        }
        buf out = {0};
        metrics_render(&s->metrics, rq->index, &out);
        metrics_render_store(&s->metrics, s, &out);
        status_render_metrics(&s->options, rq->index, &out);
        http_reply_text(rs, 200, "text/plain; version=0.0.4", out.data, out.len);
        return;
    }
    case ROUTE_ADMIN: {
        if (strcmp(p, "/admin/reload") != 0) {
            http_reply_error(rs, 404, "Not Found");
            return;
        }
        if (!is(m, "POST")) {
            method_not_allowed(rs, "POST");
            return;
        }
        kd_error err = {0};
        if (http_server_reload(s, &err)) {
            http_reply_error(rs, 500, "reload failed, still serving the previous index: %s",
                                    err.message);
            return;
        }
        live_index *g = live_acquire(&s->live);
        json_t *o = json_pack("{s:s,s:I,s:I}", "status", "ok", "generation", (json_int_t)g->generation,
                              "entities", (json_int_t)kd_index_entity_count(g->index));
        live_release(g);
        http_reply_json(rs, 200, o);
        return;
    }
    case ROUTE_ALERTS:
        if (!is(m, "GET") && !is(m, "POST")) {
            method_not_allowed(rs, "GET, POST");
            return;
        }
        route_alerts(rq, rs, under(p, "/alerts"));
        return;
    case ROUTE_RESOLVE:
        if (!is(m, "GET") && !is(m, "POST")) {
            method_not_allowed(rs, "GET, POST");
            return;
        }
        route_resolve(rq, rs, under(p, "/resolve"));
        return;
    case ROUTE_AUDIT:
        if (!is(m, "GET")) {
            method_not_allowed(rs, "GET");
            return;
        }
        route_audit(rq, rs);
        return;
    case ROUTE_WEB:
        if ((is(m, "GET") || is(m, "HEAD")) && route_web(rq, rs, p))
            return;
        http_reply_error(rs, 404, "Not Found");
        return;
    default:
        http_reply_error(rs, 404, "Not Found");
        return;
    }
}

