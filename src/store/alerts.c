/* Alerts, analysts' decisions on them, and the allow-list the decisions
 * keep (see store.h). */
#include "store/store_internal.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

/* ---- alerts and decisions ------------------------------------------------ */

static const char *const verdict_names[] = {"", "true-match", "false-positive", "escalate"};

const char *kd_verdict_name(kd_verdict v)
{
    return (unsigned)v < KD_ARRAY_LEN(verdict_names) ? verdict_names[v] : "";
}

int kd_verdict_from_name(const char *name)
{
    for (size_t i = 1; name && i < KD_ARRAY_LEN(verdict_names); i++)
        if (strcmp(name, verdict_names[i]) == 0)
            return (int)i;
    return -1;
}

#define ALERT_SELECT                                                                        \
    "SELECT a.id, a.run_id, a.created_at, a.reason, a.customer_id, i.name, a.entity_id, "   \
    "a.entity_hash, r.caption, r.schema, r.datasets, r.score, r.explanation, "              \
    "d.verdict, d.reviewer, d.comment, d.decided_at, "                                      \
    "(SELECT COUNT(*) FROM decisions c WHERE c.alert_id = a.id) "                           \
    "FROM alerts a JOIN results r ON r.id = a.result_id JOIN inputs i ON i.id = r.input_id " \
    "LEFT JOIN decisions d ON d.id = (SELECT MAX(e.id) FROM decisions e WHERE e.alert_id = a.id) "

static void alert_from_row(db_stmt *q, kd_alert *a)
{
    a->id = db_column_int(q, 0);
    a->run_id = db_column_int(q, 1);
    a->created_at = store_dup_or_null(db_column_text(q, 2));
    a->reason = store_dup_or_null(db_column_text(q, 3));
    a->customer_id = store_dup_or_null(db_column_text(q, 4));
    a->input_name = store_dup_or_null(db_column_text(q, 5));
    a->entity_id = store_dup_or_null(db_column_text(q, 6));
    a->entity_hash = store_dup_or_null(db_column_text(q, 7));
    a->caption = store_dup_or_null(db_column_text(q, 8));
    a->schema = store_dup_or_null(db_column_text(q, 9));
    a->datasets = store_dup_or_null(db_column_text(q, 10));
    a->score = db_column_double(q, 11);
    a->explanation = store_dup_or_null(db_column_text(q, 12));
    int v = kd_verdict_from_name(db_column_text(q, 13));
    a->verdict = v < 0 ? KD_VERDICT_NONE : (kd_verdict)v;
    a->reviewer = store_dup_or_null(db_column_text(q, 14));
    a->comment = store_dup_or_null(db_column_text(q, 15));
    a->decided_at = store_dup_or_null(db_column_text(q, 16));
    a->decision_count = (size_t)db_column_int(q, 17);
}

void kd_alert_free(kd_alert *a)
{
    if (!a)
        return;
    char **fields[] = {&a->created_at, &a->reason, &a->customer_id, &a->input_name, &a->entity_id,
                       &a->entity_hash, &a->caption, &a->schema, &a->datasets, &a->explanation,
                       &a->reviewer, &a->comment, &a->decided_at};
    for (size_t i = 0; i < KD_ARRAY_LEN(fields); i++)
        free(*fields[i]);
    memset(a, 0, sizeof *a);
}

void kd_alert_list_free(kd_alert_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        kd_alert_free(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

/* The filters of kd_alert_query, as parameters that match everything
 * when unset, so that one statement serves every query. */
#define ALERT_FILTERS                                                                             \
    "WHERE (? = 0 OR d.verdict IS NULL OR d.verdict = 'escalate') "                               \
    "AND (? = 0 OR (d.verdict IS NOT NULL AND d.verdict <> 'escalate')) "                         \
    "AND (? <= 0 OR a.run_id = ?) AND (? = '' OR (',' || r.datasets || ',') LIKE ('%,' || CAST(? AS TEXT) || ',%')) " \
    "AND (? = '' OR a.customer_id = ?) AND r.score >= ? AND a.created_at >= ? "                  \
    "AND substr(a.created_at, 1, ?) <= ? "

static void bind_alert_filters(db_stmt *q, const kd_alert_query *query)
{
    const char *dataset = query->dataset ? query->dataset : "";
    const char *customer = query->customer_id ? query->customer_id : "";
    db_bind_int(q, 1, query->open_only ? 1 : 0);
    db_bind_int(q, 2, query->decided_only ? 1 : 0);
    db_bind_int(q, 3, query->run_id);
    db_bind_int(q, 4, query->run_id);
    db_bind_text(q, 5, dataset);
    db_bind_text(q, 6, dataset);
    db_bind_text(q, 7, customer);
    db_bind_text(q, 8, customer);
    db_bind_double(q, 9, query->min_score);
    /* as the audit export: "" precedes every time, "~" follows every
     * digit, and a date as `to` includes that day */
    const char *to = query->to && *query->to ? query->to : "~";
    db_bind_text(q, 10, query->from && *query->from ? query->from : "");
    db_bind_int(q, 11, (int64_t)strlen(to));
    db_bind_text(q, 12, to);
}

int kd_store_alerts(kd_store *s, const kd_alert_query *query, kd_alert_list *out, kd_error *err)
{
    out->items = NULL;
    out->n = out->total = 0;
    kd_alert_query all = {0};
    if (!query)
        query = &all;
    if (query->from && *query->from && !timestamp_valid(query->from))
        return error_set(err, KD_EUSAGE, "from: %.64s is not a date YYYY-MM-DD[THH:MM:SS]", query->from);
    if (query->to && *query->to && !timestamp_valid(query->to))
        return error_set(err, KD_EUSAGE, "to: %.64s is not a date YYYY-MM-DD[THH:MM:SS]", query->to);
    db_stmt *q;
    int rc = db_prepare(s->d,
                        "SELECT COUNT(*) FROM alerts a JOIN results r ON r.id = a.result_id "
                        "LEFT JOIN decisions d ON d.id = (SELECT MAX(e.id) FROM decisions e WHERE e.alert_id = a.id) "
                        ALERT_FILTERS,
                        &q, err);
    if (rc)
        return rc;
    bind_alert_filters(q, query);
    rc = db_step(q, err);
    if (rc == 1)
        out->total = (size_t)db_column_int(q, 0);
    db_finalize(q);
    if (rc < 0)
        return rc;
    rc = db_prepare(s->d, ALERT_SELECT ALERT_FILTERS "AND a.id > ? ORDER BY a.id LIMIT ?", &q, err);
    if (rc)
        return rc;
    bind_alert_filters(q, query);
    db_bind_int(q, 13, query->after_id);
    db_bind_int(q, 14, query->limit ? (int64_t)query->limit : INT64_MAX);
    size_t cap = 0;
    while ((rc = db_step(q, err)) == 1) {
        if (vec_reserve(&out->items, &cap, out->n + 1, sizeof *out->items)) {
            rc = error_set(err, KD_ENOMEM, "out of memory listing alerts");
            break;
        }
        memset(&out->items[out->n], 0, sizeof *out->items);
        alert_from_row(q, &out->items[out->n++]);
    }
    db_finalize(q);
    if (rc < 0) {
        kd_alert_list_free(out);
        return rc;
    }
    return KD_OK;
}

int kd_store_alert_get(kd_store *s, int64_t id, kd_alert *out, kd_error *err)
{
    memset(out, 0, sizeof *out);
    db_stmt *q;
    int rc = db_prepare(s->d, ALERT_SELECT "WHERE a.id = ?", &q, err);
    if (rc)
        return rc;
    db_bind_int(q, 1, id);
    rc = db_step(q, err);
    if (rc == 1)
        alert_from_row(q, out);
    else if (rc == 0)
        error_set(err, KD_ENOTFOUND, "no alert %lld", (long long)id);
    db_finalize(q);
    return rc == 1 ? KD_OK : rc == 0 ? KD_ENOTFOUND : rc;
}

static int insert_allow(db *d, const char *customer_id, const char *entity_id, const char *hash,
                        bool allowed, int64_t decision_id, const char *actor, const char *reason,
                        kd_error *err)
{
    char now[32];
    store_now_iso(now);
    db_stmt *st;
    int rc = db_prepare(d, "INSERT INTO allow_list (customer_id, entity_id, entity_hash, allowed, "
                           "decision_id, actor, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, customer_id);
    db_bind_text(st, 2, entity_id);
    db_bind_text(st, 3, hash);
    db_bind_int(st, 4, allowed);
    if (decision_id)
        db_bind_int(st, 5, decision_id);
    db_bind_text(st, 6, actor);
    db_bind_text(st, 7, reason ? reason : "");
    db_bind_text(st, 8, now);
    rc = db_step(st, err) < 0 ? KD_EIO : 0;
    db_finalize(st);
    return rc;
}

/* The newest allow-list row of a pair: 1 allowed (at *hash, the caller's
 * to free), 0 revoked or none, negative on error. */
static int allow_state(db *d, const char *customer_id, const char *entity_id, char **hash, kd_error *err)
{
    *hash = NULL;
    db_stmt *st;
    int rc = db_prepare(d, "SELECT allowed, entity_hash FROM allow_list WHERE customer_id = ? AND entity_id = ? "
                           "ORDER BY id DESC LIMIT 1",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, customer_id);
    db_bind_text(st, 2, entity_id);
    int row = db_step(st, err);
    int state = row < 0 ? row : row == 1 && db_column_int(st, 0) == 1;
    if (state == 1)
        *hash = store_dup_or_null(db_column_text(st, 1));
    db_finalize(st);
    return state;
}

/* The id of the alert's newest decision, 0 with none, negative on error. */
static int64_t newest_decision(db *d, int64_t alert_id, kd_error *err)
{
    db_stmt *st;
    int rc = db_prepare(d, "SELECT MAX(id) FROM decisions WHERE alert_id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, alert_id);
    int row = db_step(st, err);
    int64_t id = row < 0 ? row : row == 1 ? db_column_int(st, 0) : 0;
    db_finalize(st);
    return id;
}

/* The decision itself, in the caller's transaction (the alert locked on
 * PostgreSQL). follow_case: tell the alert's case (an alert decided on its
 * own); a case that decides its alerts passes false. */
int store_decide_in(kd_store *s, int64_t alert_id, kd_verdict verdict, const char *reviewer, const char *comment,
                    bool follow_case, int64_t *decision_id, bool *repeated, kd_error *err)
{
    db *d = s->d;
    kd_alert a = {0};
    int rc = kd_store_alert_get(s, alert_id, &a, err);
    int64_t id = 0;
    /* the same verdict, reviewer and comment as the newest decision: a
     * retry or a second replica's copy of it, not a new decision */
    bool same = !rc && a.verdict == verdict && a.reviewer && strcmp(a.reviewer, reviewer) == 0 && a.comment &&
                strcmp(a.comment, comment) == 0;
    if (same) {
        id = newest_decision(d, alert_id, err);
        rc = id < 0 ? (int)id : 0;
    } else if (!rc) {
        char now[32];
        store_now_iso(now);
        db_stmt *st = NULL;
        if (!(rc = db_prepare(d, "INSERT INTO decisions (alert_id, reviewer, verdict, comment, decided_at) "
                                 "VALUES (?, ?, ?, ?, ?) RETURNING id", &st, err))) {
            db_bind_int(st, 1, alert_id);
            db_bind_text(st, 2, reviewer);
            db_bind_text(st, 3, kd_verdict_name(verdict));
            db_bind_text(st, 4, comment);
            db_bind_text(st, 5, now);
            rc = store_insert_returning(st, &id, err);
            db_finalize(st);
        }
    }
    /* The allow-list follows the newest decision on the pair: clearing a
     * customer allows the pair at the entity's current content, unless it
     * is allowed so already; another verdict revokes an allowance. */
    if (!rc && !same && a.customer_id) {
        bool clear = verdict == KD_VERDICT_FALSE_POSITIVE;
        char *hash = NULL;
        int state = allow_state(d, a.customer_id, a.entity_id, &hash, err);
        if (state < 0)
            rc = state;
        else if (clear ? !(state == 1 && hash && a.entity_hash && strcmp(hash, a.entity_hash) == 0) : state == 1)
            rc = insert_allow(d, a.customer_id, a.entity_id, a.entity_hash, clear, id, reviewer, comment, err);
        free(hash);
    }
    kd_alert_free(&a);
    if (!rc && !same && follow_case)
        rc = store_case_follow_decision(s, alert_id, verdict, reviewer, comment, err);
    if (decision_id)
        *decision_id = id;
    if (repeated)
        *repeated = same;
    return rc;
}

int kd_store_decide(kd_store *s, int64_t alert_id, kd_verdict verdict, const char *reviewer,
                    const char *comment, int64_t *decision_id, bool *repeated, kd_error *err)
{
    if (repeated)
        *repeated = false;
    if (verdict < KD_VERDICT_TRUE_MATCH || verdict > KD_VERDICT_ESCALATE)
        return error_set(err, KD_EUSAGE, "a verdict is true-match, false-positive or escalate");
    if (!reviewer || !*reviewer)
        return error_set(err, KD_EUSAGE, "a decision needs a reviewer");
    if (!comment || !*comment)
        return error_set(err, KD_EUSAGE, "a decision needs a comment saying why");
    db *d = s->d;
    /* Decisions on one alert are serialised, so that the newest one (by
     * commit order, which is id order) is the one the allow-list follows:
     * SQLite's write lock is the database's; PostgreSQL locks the alert's
     * case (first, in the order closing a case takes them) and row until
     * commit, and a second decision reads the first one's. */
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN" : "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    if (db_is_postgresql(d)) {
        db_stmt *lock;
        if (!(rc = db_prepare(d, "SELECT id FROM cases WHERE id = (SELECT case_id FROM alerts WHERE id = ?) "
                                 "FOR UPDATE", &lock, err))) {
            db_bind_int(lock, 1, alert_id);
            rc = db_step(lock, err) < 0 ? KD_EIO : 0;
            db_finalize(lock);
        }
        if (!rc && !(rc = db_prepare(d, "SELECT id FROM alerts WHERE id = ? FOR UPDATE", &lock, err))) {
            db_bind_int(lock, 1, alert_id);
            rc = db_step(lock, err) < 0 ? KD_EIO : 0;
            db_finalize(lock);
        }
    }
    if (!rc)
        rc = store_decide_in(s, alert_id, verdict, reviewer, comment, true, decision_id, repeated, err);
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc) {
        db_exec(d, "ROLLBACK", NULL);
        if (repeated)
            *repeated = false;
        return rc;
    }
    return KD_OK;
}

int kd_store_allow(kd_store *s, const char *customer_id, const char *entity_id,
                   const char *entity_hash, bool allowed, const char *actor, const char *reason,
                   kd_error *err)
{
    if (!customer_id || !*customer_id || !entity_id || !*entity_id || !entity_hash || !*entity_hash)
        return error_set(err, KD_EUSAGE, "an allow-list entry needs a customer, an entity and its hash");
    if (!actor || !*actor)
        return error_set(err, KD_EUSAGE, "an allow-list entry needs who made it");
    return insert_allow(s->d, customer_id, entity_id, entity_hash, allowed, 0, actor, reason, err);
}
