/* The audit store over HTTP (kordon serve --db): screening requests
 * recorded as runs, the alert queue, decisions and the audit export. A
 * store connection is not thread-safe, so requests borrow one from a pool;
 * SQLite (WAL) and PostgreSQL serialise the writers. */
#include "http_internal.h"
#include "kordon/store.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* ---- the pool ---------------------------------------------------------- */

/* ---- whether the store answers ------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void http_store_mark_down(http_server *s, const char *why)
{
    int64_t now = now_ms();
    pthread_mutex_lock(&s->store_state_lock);
    bool was_up = s->store_down_since_ms == 0;
    if (was_up) {
        s->store_down_since_ms = now;
        atomic_fetch_add(&s->metrics.store_outages, 1);
    }
    s->store_backoff_ms = s->store_backoff_ms ? s->store_backoff_ms * 2 : 250;
    if (s->store_backoff_ms > 5000)
        s->store_backoff_ms = 5000;
    s->store_retry_at_ms = now + s->store_backoff_ms;
    snprintf(s->store_error, sizeof s->store_error, "%s", why && *why ? why : "connection lost");
    pthread_mutex_unlock(&s->store_state_lock);
    if (was_up)
        fprintf(stderr, "kordon serve: the audit store is unavailable (%s); requests that need it get 503 "
                        "until it answers again\n", why && *why ? why : "connection lost");
}

void http_store_mark_up(http_server *s)
{
    pthread_mutex_lock(&s->store_state_lock);
    bool was_down = s->store_down_since_ms != 0;
    s->store_down_since_ms = s->store_retry_at_ms = s->store_backoff_ms = 0;
    s->store_error[0] = '\0';
    pthread_mutex_unlock(&s->store_state_lock);
    if (was_down)
        fprintf(stderr, "kordon serve: the audit store answers again\n");
}

bool http_store_down(http_server *s, char *why, size_t size, int64_t *since_ms)
{
    pthread_mutex_lock(&s->store_state_lock);
    bool down = s->store_down_since_ms != 0;
    if (down && why)
        snprintf(why, size, "%s", s->store_error);
    if (since_ms)
        *since_ms = down ? now_ms() - s->store_down_since_ms : 0;
    pthread_mutex_unlock(&s->store_state_lock);
    return down;
}

/* Whether a new connection may be tried now: the store is up, or its
 * backoff has passed (the caller that gets true tries; others wait). */
static bool store_may_try(http_server *s, kd_error *err)
{
    int64_t now = now_ms();
    pthread_mutex_lock(&s->store_state_lock);
    bool may = s->store_down_since_ms == 0 || now >= s->store_retry_at_ms;
    if (s->store_down_since_ms && may)
        s->store_retry_at_ms = now + s->store_backoff_ms;
    if (!may)
        error_set(err, KD_EIO, "the audit store is unavailable: %s", s->store_error);
    pthread_mutex_unlock(&s->store_state_lock);
    return may;
}

/* kd_store_open, keeping the store's state */
int http_store_open(http_server *s, kd_store **out, kd_error *err)
{
    if (!store_may_try(s, err))
        return KD_EIO;
    int rc = kd_store_open(s->options.db, out, err);
    if (rc) {
        http_store_mark_down(s, err->message);
    } else {
        http_store_mark_up(s);
        kd_store_keep_answers(*out, s->options.keep_answers_hours < 0 ? KD_KEEP_ANSWERS_DEFAULT
                                                                       : (int64_t)s->options.keep_answers_hours * 3600);
    }
    return rc;
}

kd_store *http_store_take(http_server *s, kd_error *err)
{
    if (!s->options.db) {
        error_set(err, KD_ENOTFOUND, "This server keeps no audit store: start kordon serve with --db.");
        return NULL;
    }
    kd_store *store = http_pool_take(&s->stores);
    if (!store && http_store_open(s, &store, err))
        return NULL;
    return store;
}

kd_store *http_store_take_or_reply(http_request *rq, http_response *rs)
{
    kd_error err = {0};
    kd_store *store = http_store_take(rq->server, &err);
    if (!store)
        http_reply_error(rs, http_store_status(rq->server, &err), "%s", err.message);
    return store;
}

void http_store_give(http_server *s, kd_store *store)
{
    if (store && kd_store_connection_lost(store)) {
        /* a restarted server: this connection will not work again */
        http_store_mark_down(s, "the connection to the store was lost");
        kd_store_close(store);
        return;
    }
    if (store && !http_pool_give(&s->stores, store))
        kd_store_close(store);
}

json_t *http_store_readiness(http_server *s)
{
    if (!s->options.db)
        return NULL;
    kd_error err = {0};
    kd_store *store = http_store_take(s, &err);
    if (store) {
        if (kd_store_ping(store, &err) == 0)
            http_store_mark_up(s);
        else if (!kd_store_connection_lost(store))
            http_store_mark_down(s, err.message);
        http_store_give(s, store); /* a lost connection marks the store down */
    }
    char why[300];
    int64_t since = 0;
    if (!http_store_down(s, why, sizeof why, &since))
        return json_pack("{s:s}", "status", "ok");
    return json_pack("{s:s,s:s,s:I}", "status", "unavailable", "detail", why, "down_seconds",
                     (json_int_t)(since / 1000));
}

int http_store_status(http_server *s, const kd_error *err)
{
    return err->code == KD_ENOTFOUND ? 404 : http_store_down(s, NULL, 0, NULL) ? 503 : 500;
}

/* A request's user, or "api" for a client that names none. */
const char *http_actor_of(const http_request *rq)
{
    http_identity who;
    http_identity_of(rq, &who);
    return who.name ? who.name : "api";
}

/* ---- alerts -------------------------------------------------------------- */

/* The web page and API speak snake_case verdicts; the store, hyphens. */
static const char *status_of(const kd_alert *a)
{
    switch (a->verdict) {
    case KD_VERDICT_TRUE_MATCH: return "true_match";
    case KD_VERDICT_FALSE_POSITIVE: return "false_positive";
    case KD_VERDICT_ESCALATE: return "escalated";
    default: return "open";
    }
}

static const char *verdict_json_name(kd_verdict v)
{
    return v == KD_VERDICT_TRUE_MATCH ? "true_match" : v == KD_VERDICT_FALSE_POSITIVE ? "false_positive" : "escalate";
}

static json_t *alert_json(const kd_alert *a)
{
    json_t *datasets = json_array();
    for (const char *p = a->datasets; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n)
            json_array_append_new(datasets, json_stringn(p, n));
        p += n + (p[n] == ',');
    }
    json_t *decisions = json_array();
    if (a->verdict != KD_VERDICT_NONE)
        json_array_append_new(decisions, json_pack("{s:s,s:s?,s:s?,s:s?}", "verdict", verdict_json_name(a->verdict),
                                                   "reviewer", a->reviewer, "comment", a->comment, "decided_at",
                                                   a->decided_at));
    return json_pack("{s:I,s:I,s:s?,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:o,s:f,s:s?,s:o,s:I}", "id", (json_int_t)a->id,
                     "run_id", (json_int_t)a->run_id, "created_at", a->created_at, "status", status_of(a), "reason",
                     a->reason, "customer_id", a->customer_id, "query_name", a->input_name, "entity_id", a->entity_id,
                     "entity_caption", a->caption, "schema", a->schema, "datasets", datasets, "score", a->score,
                     "explanation", a->explanation, "decisions", decisions, "decision_count",
                     (json_int_t)a->decision_count);
}

/* GET /alerts?status=open|decided|all&dataset=&customer=&min_score=&from=&to=&limit=&after=:
 * a page of alerts, oldest first, and how many the filters select in all
 * (page on with after = the last id seen). */
static void list_alerts(http_request *rq, http_response *rs, kd_store *store)
{
    const char *status = http_arg(rq, "status");
    if (!status || !*status)
        status = "open";
    bool open = strcmp(status, "open") == 0, decided = strcmp(status, "decided") == 0;
    if (!open && !decided && strcmp(status, "all") != 0) {
        http_reply_error(rs, 400, "status: open, decided or all");
        return;
    }
    long limit, after;
    double min_score;
    if (http_arg_int(rq, rs, "limit", 0, 0, 100000, &limit) || http_arg_int(rq, rs, "after", 0, 0, INT32_MAX, &after) ||
        http_arg_double(rq, rs, "min_score", 0.0, &min_score))
        return;
    kd_alert_query q = {.open_only = open,
                        .decided_only = decided,
                        .after_id = after,
                        .limit = (size_t)limit,
                        .dataset = http_arg(rq, "dataset"),
                        .customer_id = http_arg(rq, "customer"),
                        .min_score = min_score,
                        .from = http_arg(rq, "from"),
                        .to = http_arg(rq, "to")};
    kd_alert_list list = {0};
    kd_error err = {0};
    int rc = kd_store_alerts(store, &q, &list, &err);
    if (rc) {
        http_reply_error(rs, rc == KD_EUSAGE ? 400 : http_store_status(rq->server, &err), "%s", err.message);
        return;
    }
    json_t *alerts = json_array();
    for (size_t i = 0; i < list.n; i++)
        json_array_append_new(alerts, alert_json(&list.items[i]));
    int64_t last = list.n ? list.items[list.n - 1].id : 0;
    bool more = list.n && limit && list.n == (size_t)limit;
    json_t *body = json_pack("{s:o,s:I}", "alerts", alerts, "total", (json_int_t)list.total);
    if (more)
        json_object_set_new(body, "next_after", json_integer((json_int_t)last));
    kd_alert_list_free(&list);
    http_reply_json(rs, 200, body);
}

static void decide(http_request *rq, http_response *rs, kd_store *store, int64_t id)
{
    http_idempotency idem;
    if (http_idempotency_check(rq, rs, "decision", &idem))
        return;
    json_error_t jerr;
    json_t *body = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!body) {
        http_reply_error(rs, 400, "Invalid JSON body, line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return;
    }
    const char *verdict = json_string_value(json_object_get(body, "verdict"));
    const char *reviewer = json_string_value(json_object_get(body, "reviewer"));
    const char *comment = json_string_value(json_object_get(body, "comment"));
    char name[32] = "";
    if (verdict && strlen(verdict) < sizeof name) {
        for (size_t i = 0; verdict[i]; i++)
            name[i] = verdict[i] == '_' ? '-' : verdict[i];
        name[strlen(verdict)] = '\0';
    }
    int v = kd_verdict_from_name(name);
    if (v <= KD_VERDICT_NONE && strcmp(name, "escalated") == 0)
        v = KD_VERDICT_ESCALATE;
    if (v <= KD_VERDICT_NONE) {
        json_decref(body);
        http_reply_error(rs, 422, "verdict: true_match, false_positive or escalate");
        return;
    }
    /* a named key decides as its user; a service's key (or an open
     * server) names the reviewer in the body or in X-Kordon-User */
    http_identity who;
    http_identity_of(rq, &who);
    if (who.from_key && reviewer && strcmp(reviewer, who.name) != 0) {
        json_decref(body);
        http_reply_error(rs, 403, "reviewer: this API key is %s's; it decides as %s", who.name, who.name);
        return;
    }
    if (who.from_key || !reviewer || !*reviewer)
        reviewer = who.name;
    if (!reviewer || !*reviewer) {
        json_decref(body);
        http_reply_error(rs, 422, "reviewer: field required (who decides), or send X-Kordon-User");
        return;
    }
    if (!comment || !*comment) {
        json_decref(body);
        http_reply_error(rs, 422, "comment: field required (why this verdict)");
        return;
    }
    kd_error err = {0};
    int64_t decision = 0;
    kd_alert a = {0};
    bool repeated = false;
    int rc = kd_store_decide(store, id, (kd_verdict)v, reviewer, comment, &decision, &repeated, &err);
    json_decref(body);
    if (rc == KD_ENOTFOUND) {
        http_reply_error(rs, 404, "No alert %lld.", (long long)id);
        return;
    }
    if (rc || kd_store_alert_get(store, id, &a, &err)) {
        http_reply_error(rs, 500, "%s", err.message);
        return;
    }
    /* the newest decision again (a retry): 200 with it, nothing recorded */
    http_reply_json(rs, repeated ? 200 : 201,
                    json_pack("{s:I,s:b,s:o}", "decision_id", (json_int_t)decision, "repeated", repeated, "alert",
                              alert_json(&a)));
    kd_alert_free(&a);
    /* kept after the decision's own commit: a crash in between leaves a
     * retry to be "repeated", which records nothing either */
    if (idem.key[0] && rs->body &&
        kd_store_answer_put(store, idem.key, idem.request_sha256, rs->status, "application/json", rs->body, &err) &&
        err.code != KD_EUSAGE)
        fprintf(stderr, "kordon serve: decision %lld: Idempotency-Key not kept: %s\n", (long long)decision,
                err.message);
}

void route_alerts(http_request *rq, http_response *rs, const char *rest)
{
    kd_error err = {0};
    kd_store *store = http_store_take_or_reply(rq, rs);
    if (!store)
        return;
    bool post = strcmp(rq->method, "POST") == 0;
    char *end;
    /* digits only: strtoll would skip spaces ("/alerts/%20%201" is not alert 1) and take a sign */
    long long id = *rest >= '1' && *rest <= '9' ? strtoll(rest, &end, 10) : 0;
    if (!*rest) {
        if (post)
            http_reply_error(rs, 405, "Method Not Allowed (use GET)");
        else
            list_alerts(rq, rs, store);
    } else if (id <= 0 || (*end && strcmp(end, "/decision") != 0)) {
        http_reply_error(rs, 404, "use /alerts, /alerts/{id} or /alerts/{id}/decision");
    } else if (*end) {
        if (post)
            decide(rq, rs, store, id);
        else
            http_reply_error(rs, 405, "Method Not Allowed (use POST)");
    } else if (post) {
        http_reply_error(rs, 405, "Method Not Allowed (use GET)");
    } else {
        kd_alert a = {0};
        int rc = kd_store_alert_get(store, id, &a, &err);
        if (rc == KD_ENOTFOUND)
            http_reply_error(rs, 404, "No alert %lld.", id);
        else if (rc)
            http_reply_error(rs, 500, "%s", err.message);
        else
            http_reply_json(rs, 200, alert_json(&a));
        kd_alert_free(&a);
    }
    http_store_give(rq->server, store);
}

/* GET /audit?from=&to=&format=jsonl|csv: the period's runs, alerts,
 * decisions and allow-list entries, in the order they happened. */
void route_audit(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest; /* a path below the prefix is answered as the prefix */
    const char *format = http_arg(rq, "format");
    bool csv = format && strcmp(format, "csv") == 0;
    if (format && !csv && strcmp(format, "jsonl") != 0) {
        http_reply_error(rs, 400, "format: csv or jsonl");
        return;
    }
    kd_error err = {0};
    kd_store *store = http_store_take_or_reply(rq, rs);
    if (!store)
        return;
    char *text = NULL;
    size_t len = 0, n = 0;
    FILE *out = open_memstream(&text, &len);
    int rc = out ? kd_store_audit_export(store, http_arg(rq, "from"), http_arg(rq, "to"),
                                         csv ? KD_AUDIT_CSV : KD_AUDIT_JSONL, out, &n, &err)
                 : error_set(&err, KD_ENOMEM, "out of memory");
    if (out)
        fclose(out);
    http_store_give(rq->server, store);
    if (rc) {
        free(text);
        http_reply_error(rs, rc == KD_EUSAGE || rc == KD_EPARSE ? 400 : 500, "%s", err.message);
        return;
    }
    http_reply_text(rs, 200, csv ? "text/csv; charset=utf-8" : "application/x-ndjson", text, len);
}
