/* Reading cases (see store.h): the queue, a page at a time over an index
 * whatever its length (keyset paging: the cursor is the last row's sort
 * key, so page 2,000 costs what page 1 does), and one case whole. */
#include "store/store_internal.h"
#include "model/model.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const sort_names[] = {[KD_CASE_SORT_SCORE] = "score", [KD_CASE_SORT_NEWEST] = "newest",
                                         [KD_CASE_SORT_OLDEST] = "oldest", [KD_CASE_SORT_UPDATED] = "updated"};

const char *kd_case_sort_name(kd_case_sort sort)
{
    return (unsigned)sort < KD_ARRAY_LEN(sort_names) ? sort_names[sort] : "?";
}

int kd_case_sort_from_name(const char *name)
{
    for (size_t i = 0; name && i < KD_ARRAY_LEN(sort_names); i++)
        if (strcasecmp(name, sort_names[i]) == 0)
            return (int)i;
    return -1;
}

void kd_case_free(kd_case *c)
{
    if (!c)
        return;
    free(c->subject);
    free(c->customer_id);
    free(c->subject_name);
    free(c->verdict);
    free(c->assignee);
    free(c->proposed_by);
    free(c->datasets);
    free(c->created_at);
    free(c->updated_at);
    memset(c, 0, sizeof *c);
}

void kd_case_list_free(kd_case_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++)
        kd_case_free(&list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

#define CASE_COLUMNS                                                                                        \
    "id, subject, customer_id, subject_name, state, verdict, assignee, proposed_by, top_score, alert_count, " \
    "datasets, created_at, updated_at"

/* ",a,b," as "a,b" */
static char *datasets_plain(const char *stored)
{
    if (!stored)
        return strdup("");
    while (*stored == ',')
        stored++;
    char *out = strdup(stored);
    size_t n = out ? strlen(out) : 0;
    while (n && out[n - 1] == ',')
        out[--n] = '\0';
    return out;
}

static void case_from_row(db_stmt *q, kd_case *c)
{
    c->id = db_column_int(q, 0);
    c->subject = store_dup_or_null(db_column_text(q, 1));
    c->customer_id = store_dup_or_null(db_column_text(q, 2));
    c->subject_name = store_dup_or_null(db_column_text(q, 3));
    int state = kd_case_state_from_name(db_column_text(q, 4));
    c->state = state < 0 ? KD_CASE_OPEN : (kd_case_state)state;
    c->verdict = store_dup_or_null(db_column_text(q, 5));
    c->assignee = store_dup_or_null(db_column_text(q, 6));
    c->proposed_by = store_dup_or_null(db_column_text(q, 7));
    c->top_score = db_column_double(q, 8);
    c->alert_count = (size_t)db_column_int(q, 9);
    c->datasets = datasets_plain(db_column_text(q, 10));
    c->created_at = store_dup_or_null(db_column_text(q, 11));
    c->updated_at = store_dup_or_null(db_column_text(q, 12));
}

/* ---- the queue ------------------------------------------------------------------ */

/* A query's WHERE clause and what it binds, in order. */
typedef struct bound {
    enum { BIND_TEXT, BIND_DOUBLE, BIND_INT } type;
    const char *text;
    double number;
    int64_t integer;
} bound;

typedef struct where {
    buf sql;
    bound params[24];
    size_t n;
    char *owned[4]; /* texts built for the query */
    size_t n_owned;
} where;

static void where_add(where *w, const char *clause)
{
    buf_append_str(&w->sql, w->sql.len ? " AND " : " WHERE ");
    buf_append_str(&w->sql, clause);
}
static void bind_text(where *w, const char *v) { w->params[w->n++] = (bound){BIND_TEXT, v, 0, 0}; }
static void bind_double(where *w, double v) { w->params[w->n++] = (bound){BIND_DOUBLE, NULL, v, 0}; }
static void bind_int(where *w, int64_t v) { w->params[w->n++] = (bound){BIND_INT, NULL, 0, v}; }

static void where_bind(const where *w, db_stmt *q)
{
    for (size_t i = 0; i < w->n; i++) {
        const bound *b = &w->params[i];
        if (b->type == BIND_TEXT)
            db_bind_text(q, (int)i + 1, b->text);
        else if (b->type == BIND_DOUBLE)
            db_bind_double(q, (int)i + 1, b->number);
        else
            db_bind_int(q, (int)i + 1, b->integer);
    }
}

static void where_free(where *w)
{
    buf_free(&w->sql);
    for (size_t i = 0; i < w->n_owned; i++)
        free(w->owned[i]);
}

/* The filters (not the cursor) of q. */
static int where_filters(where *w, const kd_case_query *q, kd_error *err)
{
    if (q->states) {
        buf list = {0};
        for (int st = KD_CASE_OPEN; st <= KD_CASE_CLOSED; st++)
            if (q->states & (1u << st))
                buf_printf(&list, "%s'%s'", list.len ? ", " : "state IN (", kd_case_state_name((kd_case_state)st));
        if (list.len) {
            buf_append_char(&list, ')');
            where_add(w, list.data);
        }
        buf_free(&list);
    }
    if (q->assignee && !*q->assignee)
        where_add(w, "assignee IS NULL");
    else if (q->assignee) {
        where_add(w, "assignee = ?");
        bind_text(w, q->assignee);
    }
    if (q->customer_id) {
        where_add(w, "customer_id = ?");
        bind_text(w, q->customer_id);
    }
    if (q->dataset && *q->dataset) {
        /* LIKE's wildcards in a dataset name (its underscores) match themselves */
        buf pattern = {0};
        buf_append_str(&pattern, "%,");
        for (const char *p = q->dataset; *p; p++) {
            if (*p == '%' || *p == '_' || *p == '\\')
                buf_append_char(&pattern, '\\');
            buf_append_char(&pattern, *p);
        }
        buf_append_str(&pattern, ",%");
        if (!pattern.data)
            return error_set(err, KD_ENOMEM, "out of memory");
        w->owned[w->n_owned++] = pattern.data;
        where_add(w, "datasets LIKE ? ESCAPE '\\'");
        bind_text(w, pattern.data);
    }
    if (q->min_score > 0) {
        where_add(w, "top_score >= ?");
        bind_double(w, q->min_score);
    }
    if (q->max_score > 0) {
        where_add(w, "top_score <= ?");
        bind_double(w, q->max_score);
    }
    if (q->from) {
        where_add(w, "created_at >= ?");
        bind_text(w, q->from);
    }
    if (q->to) {
        where_add(w, "created_at < ?");
        bind_text(w, q->to);
    }
    if (q->awaiting) {
        /* an analyst's: the cases assigned to them; a supervisor's also
         * every escalated case and the closings others proposed */
        if (q->awaiting_role >= KD_ROLE_SUPERVISOR) {
            where_add(w, "((assignee = ? AND state IN ('open', 'in_review', 'escalated')) OR state = 'escalated' "
                         "OR (state = 'pending_approval' AND proposed_by <> ?))");
            bind_text(w, q->awaiting);
            bind_text(w, q->awaiting);
        } else {
            where_add(w, "(assignee = ? AND state IN ('open', 'in_review', 'escalated'))");
            bind_text(w, q->awaiting);
        }
    }
    return 0;
}

/* The cursor's condition: rows after the last one of the previous page. */
static int where_cursor(where *w, const kd_case_query *q, kd_error *err)
{
    if (!q->after || !*q->after)
        return 0;
    const char *comma = strrchr(q->after, ',');
    char *end;
    long long id = strtoll(comma ? comma + 1 : q->after, &end, 10);
    if (*end || id <= 0)
        return error_set(err, KD_EUSAGE, "after: not a cursor this query gave (\"%.64s\")", q->after);
    switch (q->sort) {
    case KD_CASE_SORT_SCORE: {
        double score = comma ? strtod(q->after, &end) : -1;
        if (!comma || end != comma)
            return error_set(err, KD_EUSAGE, "after: not a cursor of the score order (\"%.64s\")", q->after);
        where_add(w, "(top_score < ? OR (top_score = ? AND id < ?))");
        bind_double(w, score);
        bind_double(w, score);
        bind_int(w, id);
        return 0;
    }
    case KD_CASE_SORT_UPDATED: {
        if (!comma)
            return error_set(err, KD_EUSAGE, "after: not a cursor of the updated order (\"%.64s\")", q->after);
        char *time = strndup(q->after, (size_t)(comma - q->after));
        if (!time)
            return error_set(err, KD_ENOMEM, "out of memory");
        w->owned[w->n_owned++] = time;
        where_add(w, "(updated_at < ? OR (updated_at = ? AND id < ?))");
        bind_text(w, time);
        bind_text(w, time);
        bind_int(w, id);
        return 0;
    }
    case KD_CASE_SORT_NEWEST:
        where_add(w, "id < ?");
        bind_int(w, id);
        return 0;
    case KD_CASE_SORT_OLDEST:
        where_add(w, "id > ?");
        bind_int(w, id);
        return 0;
    }
    return error_set(err, KD_EUSAGE, "unknown sort order");
}

static const char *order_by(kd_case_sort sort)
{
    switch (sort) {
    case KD_CASE_SORT_NEWEST: return " ORDER BY id DESC";
    case KD_CASE_SORT_OLDEST: return " ORDER BY id";
    case KD_CASE_SORT_UPDATED: return " ORDER BY updated_at DESC, id DESC";
    default: return " ORDER BY top_score DESC, id DESC";
    }
}

static int count_cases(db *d, const where *w, size_t *total, kd_error *err)
{
    buf sql = {0};
    buf_printf(&sql, "SELECT COUNT(*) FROM cases%s", w->sql.data ? w->sql.data : "");
    db_stmt *q;
    int rc = sql.data ? db_prepare(d, sql.data, &q, err) : error_set(err, KD_ENOMEM, "out of memory");
    buf_free(&sql);
    if (rc)
        return rc;
    where_bind(w, q);
    rc = db_step(q, err);
    *total = rc == 1 ? (size_t)db_column_int(q, 0) : 0;
    db_finalize(q);
    return rc < 0 ? rc : 0;
}

int kd_store_cases(kd_store *s, const kd_case_query *query, kd_case_list *out, kd_error *err)
{
    memset(out, 0, sizeof *out);
    kd_case_query none = {0};
    const kd_case_query *q = query ? query : &none;
    if (q->from && *q->from && !timestamp_valid(q->from))
        return error_set(err, KD_EUSAGE, "from: %.64s is not a date YYYY-MM-DD[THH:MM:SS]", q->from);
    if (q->to && *q->to && !timestamp_valid(q->to))
        return error_set(err, KD_EUSAGE, "to: %.64s is not a date YYYY-MM-DD[THH:MM:SS]", q->to);
    int rc = kd_store_cases_gather(s, NULL, err);
    if (rc)
        return rc;
    where w = {0};
    if ((rc = where_filters(&w, q, err)) || (rc = count_cases(s->d, &w, &out->total, err)) ||
        (rc = where_cursor(&w, q, err))) {
        where_free(&w);
        return rc;
    }
    buf sql = {0};
    buf_printf(&sql, "SELECT " CASE_COLUMNS " FROM cases%s%s", w.sql.data ? w.sql.data : "", order_by(q->sort));
    if (q->limit)
        buf_printf(&sql, " LIMIT %zu", q->limit + 1); /* one more says whether a next page exists */
    db_stmt *st;
    rc = sql.data ? db_prepare(s->d, sql.data, &st, err) : error_set(err, KD_ENOMEM, "out of memory");
    buf_free(&sql);
    if (rc) {
        where_free(&w);
        return rc;
    }
    where_bind(&w, st);
    size_t cap = 0;
    bool more = false;
    while ((rc = db_step(st, err)) == 1) {
        if (q->limit && out->n == q->limit) {
            more = true;
            break;
        }
        if (out->n == cap) {
            cap = cap ? 2 * cap : 32;
            kd_case *grown = realloc(out->items, cap * sizeof *grown);
            if (!grown) {
                rc = error_set(err, KD_ENOMEM, "out of memory");
                break;
            }
            out->items = grown;
        }
        memset(&out->items[out->n], 0, sizeof out->items[0]);
        case_from_row(st, &out->items[out->n++]);
    }
    db_finalize(st);
    where_free(&w);
    if (rc < 0) {
        kd_case_list_free(out);
        return rc;
    }
    if (more && out->n) {
        const kd_case *last = &out->items[out->n - 1];
        if (q->sort == KD_CASE_SORT_SCORE)
            snprintf(out->next, sizeof out->next, "%.17g,%lld", last->top_score, (long long)last->id);
        else if (q->sort == KD_CASE_SORT_UPDATED)
            snprintf(out->next, sizeof out->next, "%s,%lld", last->updated_at ? last->updated_at : "",
                     (long long)last->id);
        else
            snprintf(out->next, sizeof out->next, "%lld", (long long)last->id);
    }
    return 0;
}

/* ---- one case -------------------------------------------------------------------- */

static json_t *text_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *datasets_json(const char *list)
{
    json_t *a = json_array();
    for (const char *p = list ? list : ""; *p;) {
        size_t k = strcspn(p, ",");
        if (k)
            json_array_append_new(a, json_stringn(p, k));
        p += k + (p[k] == ',');
    }
    return a;
}

json_t *kd_case_json(const kd_case *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "subject", text_or_null(c->subject));
    json_object_set_new(o, "customer_id", text_or_null(c->customer_id));
    json_object_set_new(o, "subject_name", text_or_null(c->subject_name));
    json_object_set_new(o, "state", json_string(kd_case_state_name(c->state)));
    json_object_set_new(o, "verdict", text_or_null(c->verdict));
    json_object_set_new(o, "assignee", text_or_null(c->assignee));
    json_object_set_new(o, "proposed_by", text_or_null(c->proposed_by));
    json_object_set_new(o, "top_score", json_real(c->top_score));
    json_object_set_new(o, "alert_count", json_integer((json_int_t)c->alert_count));
    json_object_set_new(o, "datasets", datasets_json(c->datasets));
    json_object_set_new(o, "created_at", text_or_null(c->created_at));
    json_object_set_new(o, "updated_at", text_or_null(c->updated_at));
    return o;
}

/* Runs the statement with the case id bound, giving each row to fn. */
static int each_row(db *d, const char *sql, int64_t id, void (*fn)(db_stmt *q, json_t *into), json_t *into,
                    kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d, sql, &q, err);
    if (rc)
        return rc;
    db_bind_int(q, 1, id);
    while ((rc = db_step(q, err)) == 1)
        fn(q, into);
    db_finalize(q);
    return rc < 0 ? rc : 0;
}

static void alert_row(db_stmt *q, json_t *alerts)
{
    json_t *a = json_object();
    json_object_set_new(a, "id", json_integer(db_column_int(q, 0)));
    json_object_set_new(a, "run_id", json_integer(db_column_int(q, 1)));
    json_object_set_new(a, "created_at", text_or_null(db_column_text(q, 2)));
    json_object_set_new(a, "reason", text_or_null(db_column_text(q, 3)));
    json_object_set_new(a, "entity_id", text_or_null(db_column_text(q, 4)));
    json_object_set_new(a, "entity_hash", text_or_null(db_column_text(q, 5)));
    json_object_set_new(a, "caption", text_or_null(db_column_text(q, 6)));
    json_object_set_new(a, "schema", text_or_null(db_column_text(q, 7)));
    json_object_set_new(a, "datasets", datasets_json(db_column_text(q, 8)));
    json_object_set_new(a, "score", json_real(db_column_double(q, 9)));
    json_object_set_new(a, "explanation", text_or_null(db_column_text(q, 10)));
    json_object_set_new(a, "matched_name", text_or_null(db_column_text(q, 11)));
    json_t *input = json_object();
    json_object_set_new(input, "name", text_or_null(db_column_text(q, 12)));
    json_object_set_new(input, "birth_date", text_or_null(db_column_text(q, 13)));
    json_object_set_new(input, "country", text_or_null(db_column_text(q, 14)));
    json_object_set_new(input, "row", json_integer(db_column_int(q, 15)));
    json_object_set_new(a, "input", input);
    json_object_set_new(a, "decisions", json_array());
    json_array_append_new(alerts, a);
}

static void decision_row(db_stmt *q, json_t *alerts)
{
    json_int_t alert_id = db_column_int(q, 0);
    size_t i;
    json_t *a;
    json_array_foreach(alerts, i, a)
    {
        if (json_integer_value(json_object_get(a, "id")) != alert_id)
            continue;
        json_array_append_new(json_object_get(a, "decisions"),
                              json_pack("{s:I,s:s?,s:s?,s:s?,s:s?}", "id", (json_int_t)db_column_int(q, 1), "reviewer",
                                        db_column_text(q, 2), "verdict", db_column_text(q, 3), "comment",
                                        db_column_text(q, 4), "decided_at", db_column_text(q, 5)));
        json_object_set_new(a, "verdict", text_or_null(db_column_text(q, 3)));
        return;
    }
}

static void run_row(db_stmt *q, json_t *runs)
{
    json_int_t run_id = db_column_int(q, 0);
    json_t *run = json_array_size(runs) ? json_array_get(runs, json_array_size(runs) - 1) : NULL;
    if (!run || json_integer_value(json_object_get(run, "id")) != run_id) {
        run = json_pack("{s:I,s:s?,s:s?,s:s?,s:[]}", "id", run_id, "actor", db_column_text(q, 1), "started_at",
                        db_column_text(q, 2), "index_built_at", db_column_text(q, 3), "datasets");
        json_array_append_new(runs, run);
    }
    json_array_append_new(json_object_get(run, "datasets"),
                          json_pack("{s:s?,s:s?,s:s?}", "dataset", db_column_text(q, 4), "version", db_column_text(q, 5),
                                    "newest_date", db_column_text(q, 6)));
}

static void event_row(db_stmt *q, json_t *events)
{
    json_t *e = json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?}", "id", (json_int_t)db_column_int(q, 0), "actor",
                          db_column_text(q, 1), "kind", db_column_text(q, 2), "state", db_column_text(q, 3),
                          "detail", db_column_text(q, 4), "created_at", db_column_text(q, 6));
    json_object_set_new(e, "alert_id", db_column_null(q, 5) ? json_null() : json_integer(db_column_int(q, 5)));
    json_array_append_new(events, e);
}

int kd_store_case_json(kd_store *s, int64_t id, json_t **out, kd_error *err)
{
    *out = NULL;
    int rc = kd_store_cases_gather(s, NULL, err);
    if (rc)
        return rc;
    db_stmt *q;
    if ((rc = db_prepare(s->d, "SELECT " CASE_COLUMNS " FROM cases WHERE id = ?", &q, err)))
        return rc;
    db_bind_int(q, 1, id);
    kd_case c = {0};
    if ((rc = db_step(q, err)) == 1)
        case_from_row(q, &c);
    db_finalize(q);
    if (rc == 0)
        return error_set(err, KD_ENOTFOUND, "no case %lld", (long long)id);
    if (rc < 0)
        return rc;
    json_t *o = kd_case_json(&c);
    kd_case_free(&c);
    json_t *alerts = json_array(), *runs = json_array(), *events = json_array();
    json_object_set_new(o, "alerts", alerts);
    json_object_set_new(o, "runs", runs);
    json_object_set_new(o, "events", events);
    db *d = s->d;
    if (!(rc = each_row(d,
                        "SELECT a.id, a.run_id, a.created_at, a.reason, a.entity_id, a.entity_hash, r.caption, "
                        "r.schema, r.datasets, r.score, r.explanation, r.matched_name, i.name, i.birth_date, "
                        "i.country, i.row_number FROM alerts a JOIN results r ON r.id = a.result_id JOIN inputs i "
                        "ON i.id = r.input_id WHERE a.case_id = ? ORDER BY r.score DESC, a.id",
                        id, alert_row, alerts, err)) &&
        !(rc = each_row(d,
                        "SELECT d.alert_id, d.id, d.reviewer, d.verdict, d.comment, d.decided_at FROM decisions d "
                        "JOIN alerts a ON a.id = d.alert_id WHERE a.case_id = ? ORDER BY d.id",
                        id, decision_row, alerts, err)) &&
        !(rc = each_row(d,
                        /* a run's datasets: its index version's, or (runs recorded
                         * before version 7 of the store) its own rows */
                        "WITH c AS (SELECT DISTINCT run_id FROM alerts WHERE case_id = ?) "
                        "SELECT r.id, r.actor, r.started_at, r.index_built_at, d.dataset, d.version, d.newest_date "
                        "FROM c JOIN runs r ON r.id = c.run_id JOIN index_version_datasets d "
                        "ON d.index_version_id = r.index_version_id UNION ALL "
                        "SELECT r.id, r.actor, r.started_at, r.index_built_at, d.dataset, d.version, d.newest_date "
                        "FROM c JOIN runs r ON r.id = c.run_id JOIN run_datasets_recorded d ON d.run_id = r.id "
                        "ORDER BY 1, 5",
                        id, run_row, runs, err)))
        rc = each_row(d,
                      "SELECT id, actor, kind, state, detail, alert_id, created_at FROM case_events WHERE case_id = ? "
                      "ORDER BY id",
                      id, event_row, events, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}
