/* Cases over HTTP: the queue (GET /cases: filters, sort, a cursor per
 * page, or every case at once as CSV or JSON lines), one case whole
 * (GET /cases/{id}), actions on one (POST /cases/{id}/actions) or many
 * (POST /cases/bulk), a case opened from a lookup (POST /cases), who
 * the caller is (GET /me) and the settings an admin keeps (/settings).
 * Every action is the caller's: a named key's user, or X-Kordon-User;
 * a request that names nobody is refused, never recorded as "unknown". */
#include "http_internal.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define CASES_PAGE_DEFAULT 50
#define CASES_PAGE_MAX 500
#define CASES_BULK_MAX 1000

/* The caller's identity, or NULL after replying 401. */
static const char *acting_user(http_request *rq, http_response *rs, http_identity *who)
{
    http_identity_of(rq, who);
    if (!who->name)
        http_reply_error(rs, 401,
                         "Who is acting? Use an API key with a user's name (\"KEY name=USER role=ROLE\") or send "
                         "X-Kordon-User.");
    return who->name;
}

static int store_status(http_request *rq, const kd_error *err)
{
    return err->code == KD_EUSAGE || err->code == KD_EUTF8 ? 400 : http_store_status(rq->server, err);
}

/* ---- the queue -------------------------------------------------------------- */

/* Reads the queue's filters from the arguments; replies 400 on a bad one. */
static int cases_query(http_request *rq, http_response *rs, const http_identity *who, kd_case_query *q)
{
    memset(q, 0, sizeof *q);
    const char *states[8];
    size_t n = http_args(rq, "state", states, 8);
    for (size_t i = 0; i < n; i++) {
        int st = kd_case_state_from_name(states[i]);
        if (st < 0) {
            http_reply_error(rs, 400, "state: \"%.64s\": expected open, in_review, escalated, pending_approval or "
                                      "closed", states[i]);
            return -1;
        }
        q->states |= 1u << st;
    }
    const char *sort = http_arg(rq, "sort");
    int order = sort ? kd_case_sort_from_name(sort) : KD_CASE_SORT_SCORE;
    if (order < 0) {
        http_reply_error(rs, 400, "sort: expected score, newest, oldest or updated");
        return -1;
    }
    q->sort = (kd_case_sort)order;
    long limit;
    if (http_arg_int(rq, rs, "limit", CASES_PAGE_DEFAULT, 1, CASES_PAGE_MAX, &limit) ||
        http_arg_double(rq, rs, "min_score", 0.0, &q->min_score) ||
        http_arg_double(rq, rs, "max_score", 0.0, &q->max_score))
        return -1;
    if (q->min_score < 0 || q->min_score > 1 || q->max_score < 0 || q->max_score > 1) {
        http_reply_error(rs, 400, "min_score and max_score: scores from 0 to 1");
        return -1;
    }
    q->limit = (size_t)limit;
    q->after = http_arg(rq, "after");
    q->customer_id = http_arg(rq, "customer");
    q->dataset = http_arg(rq, "dataset");
    q->from = http_arg(rq, "from");
    q->to = http_arg(rq, "to");
    /* "me": the caller; "none": nobody's */
    const char *assignee = http_arg(rq, "assignee");
    if (assignee && strcmp(assignee, "none") == 0)
        assignee = "";
    else if (assignee && strcmp(assignee, "me") == 0 && !(assignee = who->name)) {
        http_reply_error(rs, 400, "assignee=me: the request names no user");
        return -1;
    }
    q->assignee = assignee;
    const char *awaiting = http_arg(rq, "awaiting");
    if (awaiting) {
        if (strcmp(awaiting, "me") != 0 || !who->name) {
            http_reply_error(rs, 400, "awaiting: only \"me\", for a request that names its user");
            return -1;
        }
        q->awaiting = who->name;
        q->awaiting_role = who->role;
    }
    if (q->dataset && !*q->dataset)
        q->dataset = NULL;
    return 0;
}

static void csv_field(buf *out, const char *s)
{
    buf_append_char(out, '"');
    for (; s && *s; s++) {
        if (*s == '"')
            buf_append_char(out, '"');
        buf_append_char(out, *s);
    }
    buf_append_char(out, '"');
}

static void case_csv_row(buf *out, const kd_case *c)
{
    buf_printf(out, "%lld,", (long long)c->id);
    csv_field(out, c->customer_id);
    buf_append_char(out, ',');
    csv_field(out, c->subject_name);
    buf_printf(out, ",%s,", kd_case_state_name(c->state));
    csv_field(out, c->verdict);
    buf_append_char(out, ',');
    csv_field(out, c->assignee);
    buf_printf(out, ",%.4f,%zu,", c->top_score, c->alert_count);
    csv_field(out, c->datasets);
    buf_printf(out, ",%s,%s\r\n", c->created_at ? c->created_at : "", c->updated_at ? c->updated_at : "");
}

/* Every case the filters select, as CSV or JSON lines, read a page at a
 * time so that memory holds one page of rows besides the text. */
static void export_cases(http_request *rq, http_response *rs, kd_store *store, kd_case_query *q, bool csv)
{
    buf out = {0};
    if (csv)
        buf_append_str(&out, "id,customer_id,subject_name,state,verdict,assignee,top_score,alert_count,datasets,"
                             "created_at,updated_at\r\n");
    q->limit = 1000;
    char cursor[96] = "";
    q->after = cursor;
    kd_error err = {0};
    for (;;) {
        kd_case_list page;
        if (kd_store_cases(store, q, &page, &err)) {
            buf_free(&out);
            http_reply_error(rs, store_status(rq, &err), "%s", err.message);
            return;
        }
        for (size_t i = 0; i < page.n; i++) {
            if (csv) {
                case_csv_row(&out, &page.items[i]);
            } else {
                json_t *o = kd_case_json(&page.items[i]);
                char *line = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
                json_decref(o);
                if (line)
                    buf_printf(&out, "%s\n", line);
                free(line);
            }
        }
        snprintf(cursor, sizeof cursor, "%s", page.next);
        kd_case_list_free(&page);
        if (!*cursor)
            break;
    }
    if (!out.data && !(out.data = strdup(""))) {
        http_reply_error(rs, 500, "out of memory");
        return;
    }
    http_reply_text(rs, 200, csv ? "text/csv; charset=utf-8" : "application/x-ndjson", out.data, out.len);
}

static void list_cases(http_request *rq, http_response *rs, kd_store *store)
{
    http_identity who;
    http_identity_of(rq, &who);
    kd_case_query q;
    if (cases_query(rq, rs, &who, &q))
        return;
    const char *format = http_arg(rq, "format");
    if (format && strcmp(format, "json") != 0) {
        if (strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0) {
            http_reply_error(rs, 400, "format: json (a page), csv or jsonl (every case)");
            return;
        }
        export_cases(rq, rs, store, &q, strcmp(format, "csv") == 0);
        return;
    }
    kd_case_list list;
    kd_error err = {0};
    if (kd_store_cases(store, &q, &list, &err)) {
        http_reply_error(rs, store_status(rq, &err), "%s", err.message);
        return;
    }
    json_t *cases = json_array();
    for (size_t i = 0; i < list.n; i++)
        json_array_append_new(cases, kd_case_json(&list.items[i]));
    json_t *body = json_pack("{s:o,s:I,s:I}", "cases", cases, "total", (json_int_t)list.total, "limit",
                             (json_int_t)q.limit);
    json_object_set_new(body, "next", *list.next ? json_string(list.next) : json_null());
    kd_case_list_free(&list);
    http_reply_json(rs, 200, body);
}

/* ---- actions ------------------------------------------------------------------ */

/* An action from a JSON body: {"action", "comment", "assignee", "verdict"}.
 * Replies 422 and returns -1 on a bad one. Points into body. */
static int action_from(json_t *body, const http_identity *who, kd_case_action *a, http_response *rs)
{
    const char *name = json_string_value(json_object_get(body, "action"));
    int kind = kd_case_action_from_name(name);
    if (kind < 0) {
        http_reply_error(rs, 422, "action: assign, comment, escalate, close, approve, reject or reopen");
        return -1;
    }
    json_t *comment = json_object_get(body, "comment"), *assignee = json_object_get(body, "assignee");
    json_t *verdict = json_object_get(body, "verdict");
    if ((comment && !json_is_string(comment)) || (assignee && !json_is_string(assignee)) ||
        (verdict && !json_is_string(verdict))) {
        http_reply_error(rs, 422, "comment, assignee and verdict are strings");
        return -1;
    }
    *a = (kd_case_action){(kd_case_action_kind)kind, who->name, who->role, json_string_value(comment),
                          json_string_value(assignee), KD_VERDICT_NONE};
    if (kind == KD_CASE_CLOSE) {
        const char *v = json_string_value(verdict);
        a->verdict = v && strcmp(v, "true_match") == 0       ? KD_VERDICT_TRUE_MATCH
                     : v && strcmp(v, "false_positive") == 0 ? KD_VERDICT_FALSE_POSITIVE
                                                             : KD_VERDICT_NONE;
        if (!a->verdict) {
            http_reply_error(rs, 422, "verdict: true_match or false_positive");
            return -1;
        }
    }
    return 0;
}

static json_t *load_object(http_request *rq, http_response *rs)
{
    json_error_t jerr;
    json_t *body = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!body) {
        http_reply_error(rs, 400, "Invalid JSON body, line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        http_reply_error(rs, 422, "body: expected a JSON object");
        return NULL;
    }
    return body;
}

/* Who acts, and the action the body asks for (pointing into the body the
 * caller decrefs); NULL after replying when either is missing. */
static json_t *action_request(http_request *rq, http_response *rs, http_identity *who, kd_case_action *a)
{
    if (!acting_user(rq, rs, who))
        return NULL;
    json_t *body = load_object(rq, rs);
    if (body && action_from(body, who, a, rs)) {
        json_decref(body);
        return NULL;
    }
    return body;
}

static void act_one(http_request *rq, http_response *rs, kd_store *store, int64_t id)
{
    http_identity who;
    kd_case_action a;
    json_t *body = action_request(rq, rs, &who, &a);
    if (!body)
        return;
    kd_error err = {0};
    int rc = kd_store_case_act(store, id, &a, NULL, &err);
    json_decref(body);
    json_t *c = NULL;
    if (!rc)
        rc = kd_store_case_json(store, id, &c, &err);
    if (rc == KD_ENOTFOUND)
        http_reply_error(rs, 404, "No case %lld.", (long long)id);
    else if (rc == KD_EUSAGE || rc == KD_EUTF8)
        http_reply_error(rs, 409, "%s", err.message); /* not in this state, or not for this role */
    else if (rc)
        http_reply_error(rs, store_status(rq, &err), "%s", err.message);
    else
        http_reply_json(rs, 200, c);
}

/* {"ids": [...], "action": ...}: each case on its own (one refused does not
 * stop the others); the answer says what became of each. */
static void act_bulk(http_request *rq, http_response *rs, kd_store *store)
{
    http_identity who;
    kd_case_action a;
    json_t *body = action_request(rq, rs, &who, &a);
    if (!body)
        return;
    json_t *ids = json_object_get(body, "ids");
    if (!json_is_array(ids) || !json_array_size(ids) || json_array_size(ids) > CASES_BULK_MAX) {
        json_decref(body);
        http_reply_error(rs, 422, "ids: an array of 1 to %d case ids", CASES_BULK_MAX);
        return;
    }
    json_t *results = json_array(), *v;
    size_t i, done = 0;
    json_array_foreach(ids, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            json_array_append_new(results, json_pack("{s:O,s:s}", "id", v, "error", "not a case id"));
            continue;
        }
        int64_t id = json_integer_value(v);
        kd_error err = {0};
        kd_case_state after;
        if (kd_store_case_act(store, id, &a, &after, &err))
            json_array_append_new(results, json_pack("{s:I,s:s}", "id", (json_int_t)id, "error", err.message));
        else {
            done++;
            json_array_append_new(results,
                                  json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", kd_case_state_name(after)));
        }
    }
    json_decref(body);
    http_reply_json(rs, 200, json_pack("{s:I,s:I,s:o}", "done", (json_int_t)done, "refused",
                                       (json_int_t)(json_array_size(results) - done), "results", results));
}

/* The chosen entities' results among the subject's, marked as matches:
 * the analyst's choice is what opens the case. Replies 422 naming an
 * entity the subject does not match at all. */
static size_t chosen_results(http_request *rq, http_response *rs, json_t *ids, kd_match_result *results, size_t n)
{
    const kd_index *ix = rq->index->index;
    size_t kept = 0;
    json_t *v;
    size_t i;
    bool used[64] = {0};
    json_array_foreach(ids, i, v)
    {
        int64_t pos = json_is_string(v) ? kd_index_find(ix, json_string_value(v)) : -1;
        size_t party = pos >= 0 ? kd_index_party(ix, (size_t)pos) : (size_t)-1;
        size_t j = 0;
        while (j < n && results[j].party != party)
            j++;
        if (j == n) {
            http_reply_error(rs, 422, "entity_ids: %.200s is not among the entities the subject matches",
                             json_is_string(v) ? json_string_value(v) : "(not a string)");
            return 0;
        }
        used[j] = true;
    }
    for (size_t j = 0; j < n; j++)
        if (used[j]) {
            results[kept] = results[j];
            results[kept++].match = 1;
        }
    return kept;
}

/* {"name", "schema", "birth_date", "country", "customer_id", "entity_ids",
 * "comment"}: a case on a subject an analyst looked up, about the listed
 * entities they chose. The subject is matched again and recorded as a
 * screening run by the analyst, whose chosen results raise the alerts. */
static void open_case(http_request *rq, http_response *rs, kd_store *store)
{
    http_identity who;
    if (!acting_user(rq, rs, &who) || !http_need_index(rq, rs))
        return;
    json_t *body = load_object(rq, rs);
    if (!body)
        return;
    kd_customer c = {json_string_value(json_object_get(body, "customer_id")),
                     json_string_value(json_object_get(body, "name")),
                     json_string_value(json_object_get(body, "birth_date")),
                     json_string_value(json_object_get(body, "country")),
                     NULL,
                     json_string_value(json_object_get(body, "schema")),
                     NULL};
    const char *comment = json_string_value(json_object_get(body, "comment"));
    json_t *ids = json_object_get(body, "entity_ids");
    kd_error err = {0};
    kd_match_query q;
    int status = 0;
    if (!c.name || !*c.name)
        status = 422, error_set(&err, KD_EUSAGE, "name: the subject's name is required");
    else if (!json_is_array(ids) || !json_array_size(ids) || json_array_size(ids) > 64)
        status = 422, error_set(&err, KD_EUSAGE, "entity_ids: an array of 1 to 64 entity ids");
    else if (!comment || !*comment)
        status = 422, error_set(&err, KD_EUSAGE, "comment: why this case is opened");
    else if (kd_customer_query(&c, 0, 64, &q, &err))
        status = 422;
    if (status) {
        json_decref(body);
        http_reply_error(rs, status, "%s", err.message);
        return;
    }
    kd_matcher *m = http_take_matcher(rq, rs);
    if (!m) {
        json_decref(body);
        return;
    }
    kd_match_result results[64];
    q.threshold = 0.01; /* every candidate: the analyst chose among what the page showed */
    int n = kd_match(m, &q, results, NULL, &err);
    live_give_matcher(rq->index, m);
    size_t kept = n < 0 ? 0 : chosen_results(rq, rs, ids, results, (size_t)n);
    if (n < 0)
        http_reply_error(rs, 500, "%s", err.message);
    if (!kept) {
        json_decref(body);
        return;
    }
    json_t *params = json_pack("{s:O,s:s}", "entity_ids", ids, "opened_by", who.name);
    char *parameters = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    kd_run_request req = {KD_RUN_SCREEN, who.name, "api /cases", parameters ? parameters : "{}", 1, false, false};
    kd_run *run = NULL;
    int64_t run_id = 0, id = 0;
    int rc = kd_store_run_begin(store, &req, rq->index->index, &run, &err);
    if (!rc && (rc = kd_store_run_add(run, 1, &c, NULL, results, kept, NULL, &err)))
        kd_store_run_abort(run);
    if (!rc)
        rc = kd_store_run_commit(run, &run_id, &err);
    free(parameters);
    if (!rc)
        rc = kd_store_case_open(store, run_id, who.name, comment, &id, &err);
    json_decref(body); /* c and comment point into it */
    json_t *out = NULL;
    if (!rc)
        rc = kd_store_case_json(store, id, &out, &err);
    if (rc == KD_ENOTFOUND)
        http_reply_error(rs, 409, "%s", err.message);
    else if (rc)
        http_reply_error(rs, store_status(rq, &err), "%s", err.message);
    else {
        snprintf(rs->location, sizeof rs->location, "/cases/%lld", (long long)id);
        http_reply_json(rs, 201, out);
    }
}

void route_cases(http_request *rq, http_response *rs, const char *rest)
{
    kd_store *store = http_store_take_or_reply(rq, rs);
    if (!store)
        return;
    bool post = strcmp(rq->method, "POST") == 0;
    char *end = NULL;
    long long id = *rest >= '1' && *rest <= '9' ? strtoll(rest, &end, 10) : 0;
    if (!*rest) {
        if (post)
            open_case(rq, rs, store);
        else
            list_cases(rq, rs, store);
    } else if (strcmp(rest, "bulk") == 0) {
        if (post)
            act_bulk(rq, rs, store);
        else
            http_reply_error(rs, 405, "Method Not Allowed (use POST)");
    } else if (id <= 0 || (*end && strcmp(end, "/actions") != 0)) {
        http_reply_error(rs, 404, "use /cases, /cases/{id}, /cases/{id}/actions or /cases/bulk");
    } else if (*end) {
        if (post)
            act_one(rq, rs, store, id);
        else
            http_reply_error(rs, 405, "Method Not Allowed (use POST)");
    } else if (post) {
        http_reply_error(rs, 405, "Method Not Allowed (use GET)");
    } else {
        kd_error err = {0};
        json_t *c = NULL;
        int rc = kd_store_case_json(store, id, &c, &err);
        if (rc == KD_ENOTFOUND)
            http_reply_error(rs, 404, "No case %lld.", id);
        else if (rc)
            http_reply_error(rs, store_status(rq, &err), "%s", err.message);
        else
            http_reply_json(rs, 200, c);
    }
    http_store_give(rq->server, store);
}

/* GET /me: who the server takes the caller for. */
void route_me(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest;
    http_identity who;
    http_identity_of(rq, &who);
    json_t *o = json_pack("{s:s?,s:s,s:b,s:b}", "name", who.name, "role", kd_role_name(who.role), "named_by_key",
                          who.from_key, "keys_required", rq->server->n_api_keys > 0);
    http_reply_json(rs, 200, o);
}

/* GET /settings; POST /settings {"four_eyes_score": "0.9"} (admins). */
void route_settings(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest;
    kd_store *store = http_store_take_or_reply(rq, rs);
    if (!store)
        return;
    kd_error err = {0};
    if (strcmp(rq->method, "POST") == 0) {
        http_identity who;
        json_t *body = NULL;
        if (!acting_user(rq, rs, &who)) {
        } else if (who.role != KD_ROLE_ADMIN) {
            http_reply_error(rs, 403, "Settings are an admin's to change.");
        } else if ((body = load_object(rq, rs))) {
            const char *key;
            json_t *v;
            int rc = json_object_size(body) ? 0 : error_set(&err, KD_EUSAGE, "no setting given");
            json_object_foreach(body, key, v)
            {
                char number[32];
                const char *text = json_string_value(v);
                if (json_is_number(v))
                    snprintf(number, sizeof number, "%.6g", json_number_value(v)), text = number;
                if (!rc)
                    rc = text ? kd_store_setting_set(store, key, text, who.name, &err)
                              : error_set(&err, KD_EUSAGE, "%.64s: a number or a string", key);
            }
            json_decref(body);
            if (rc) {
                http_reply_error(rs, rc == KD_EUSAGE ? 422 : store_status(rq, &err), "%s", err.message);
                http_store_give(rq->server, store);
                return;
            }
        }
        if (rs->status) {
            http_store_give(rq->server, store);
            return;
        }
    }
    char *four_eyes = NULL;
    if (kd_store_setting_get(store, "four_eyes_score", &four_eyes, &err))
        http_reply_error(rs, store_status(rq, &err), "%s", err.message);
    else
        http_reply_json(rs, 200, json_pack("{s:s}", "four_eyes_score", four_eyes ? four_eyes : "off"));
    free(four_eyes);
    http_store_give(rq->server, store);
}
