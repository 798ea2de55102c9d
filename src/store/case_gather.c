/* Gathering alerts into cases (see store.h), set by set: a round takes
 * every alert no case holds (into the connection's temporary table
 * kordon_gather) and, in a handful of statements whatever their number,
 * opens the cases their subjects lack, points each alert at its subject's
 * open case, records the events and updates the cases' counts, best scores
 * and lists. A statement per alert cost a recording server half its
 * throughput on PostgreSQL (a round trip each); this runs inside the
 * commit of the runs that raised the alerts. Every transaction that
 * commits alerts gathers them first under the gatherers' lock, so while a
 * gatherer holds it the uncased alerts it sees are all it must take. */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The actor of what kordon does by itself. */
#define GATHER_ACTOR "kordon"
/* Serialises gatherers across connections and replicas on PostgreSQL;
 * SQLite's write lock does it there. */
#define GATHER_LOCK "SELECT pg_advisory_xact_lock(60714217)"

/* A case's subject, from an alert (a) and its input (i). */
/* Joins are written CROSS JOIN: SQLite then takes the tables in the order
 * written (the round's alerts first, the rest by key) instead of scanning
 * every alert; PostgreSQL plans them as the inner joins they are. */
#define SUBJECT_SQL "CASE WHEN a.customer_id IS NOT NULL THEN 'customer:' || a.customer_id ELSE 'name:' || COALESCE(i.name, '') END"

typedef struct id_list {
    int64_t *ids;
    size_t n, cap;
} id_list;

static int ids_push(id_list *l, int64_t id, kd_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        int64_t *grown = realloc(l->ids, cap * sizeof *grown);
        if (!grown)
            return error_set(err, KD_ENOMEM, "out of memory");
        l->ids = grown;
        l->cap = cap;
    }
    l->ids[l->n++] = id;
    return 0;
}

/* Runs a statement to its end, collecting column 0 of its rows into
 * `into` (may be NULL); finalizes it. */
static int run_collect(db_stmt *st, id_list *into, kd_error *err)
{
    int rc;
    while ((rc = db_step(st, err)) == 1)
        if (into && !db_column_null(st, 0) && (rc = ids_push(into, db_column_int(st, 0), err)))
            break;
    db_finalize(st);
    return rc < 0 ? rc : 0;
}

/* Prepares and runs sql with `now` as its parameter when it has one. */
static int run_sql(db *d, const char *sql, const char *now, id_list *into, kd_error *err)
{
    db_stmt *st;
    int rc = db_prepare(d, sql, &st, err);
    if (rc)
        return rc;
    if (now)
        db_bind_text(st, 1, now);
    return run_collect(st, into, err);
}

/* ",a,b," with each of the comma-separated `more` added once. */
static void datasets_merge(buf *out, const char *more)
{
    for (const char *p = more ? more : ""; *p;) {
        size_t k = strcspn(p, ",");
        if (k) {
            char needle[256];
            snprintf(needle, sizeof needle, ",%.*s,", (int)(k < 250 ? k : 250), p);
            if (out->data && !strstr(out->data, needle)) {
                buf_append(out, p, k);
                buf_append_char(out, ',');
            }
        }
        p += k + (p[k] == ',');
    }
}

/* A case's lists are the union of its alerts' lists: merged here for the
 * cases whose union the round changed (one statement each; a new case
 * with one party was given its lists when it was opened). */
static int merge_datasets(db *d, const char *now, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d, "SELECT a.case_id, c.datasets, r.datasets FROM kordon_gather k CROSS JOIN alerts a CROSS "
                           "JOIN cases c CROSS JOIN results r WHERE a.id = k.id AND c.id = a.case_id AND r.id = "
                           "a.result_id ORDER BY a.case_id", &q, err);
    if (rc)
        return rc;
    /* (case id, merged lists) of the cases whose lists grew */
    int64_t *changed_ids = NULL;
    char **changed = NULL;
    size_t n_changed = 0, cap = 0;
    int64_t current = 0;
    buf merged = {0};
    char *before = NULL;
    for (;;) {
        int row = db_step(q, err);
        if (row < 0) {
            rc = row;
            break;
        }
        int64_t id = row == 1 ? db_column_int(q, 0) : 0;
        if (id != current && current) {
            if (merged.data && before && strcmp(merged.data, before) != 0) {
                if (n_changed == cap) {
                    cap = cap ? 2 * cap : 16;
                    int64_t *gi = realloc(changed_ids, cap * sizeof *gi);
                    char **gs = gi ? realloc(changed, cap * sizeof *gs) : NULL;
                    if (gi)
                        changed_ids = gi;
                    if (gs)
                        changed = gs;
                    if (!gi || !gs) {
                        rc = error_set(err, KD_ENOMEM, "out of memory");
                        break;
                    }
                }
                changed_ids[n_changed] = current;
                changed[n_changed++] = strdup(merged.data);
            }
            free(before);
            before = NULL;
        }
        if (row == 0)
            break;
        if (id != current) {
            current = id;
            const char *have = db_column_text(q, 1);
            before = strdup(have && *have ? have : ",");
            buf_clear(&merged);
            buf_append_str(&merged, before ? before : ",");
        }
        datasets_merge(&merged, db_column_text(q, 2));
    }
    db_finalize(q);
    free(before);
    buf_free(&merged);
    for (size_t i = 0; !rc && i < n_changed; i++) {
        db_stmt *u;
        if (!changed[i]) {
            rc = error_set(err, KD_ENOMEM, "out of memory");
            break;
        }
        if ((rc = db_prepare(d, "UPDATE cases SET datasets = ?, updated_at = ? WHERE id = ?", &u, err)))
            break;
        db_bind_text(u, 1, changed[i]);
        db_bind_text(u, 2, now);
        db_bind_int(u, 3, changed_ids[i]);
        rc = run_collect(u, NULL, err);
    }
    for (size_t i = 0; i < n_changed; i++)
        free(changed[i]);
    free(changed);
    free(changed_ids);
    return rc;
}

/* Gathers every alert no case holds. *n gets how many. */
static int gather_all(kd_store *s, const char *now, size_t *n, kd_error *err)
{
    db *d = s->d;
    *n = 0;
    id_list taken = {0}, opened = {0}, voided = {0}, decided = {0};
    int rc = db_exec(d, "DELETE FROM kordon_gather", err);
    if (!rc)
        rc = run_sql(d, "INSERT INTO kordon_gather (id) SELECT id FROM alerts WHERE case_id IS NULL RETURNING id", NULL,
                     &taken, err);
    if (rc || !taken.n)
        goto done;
    /* the subjects without an open case get one; "opened" for each */
    rc = run_sql(d,
                 "INSERT INTO cases (subject, customer_id, subject_name, state, top_score, alert_count, datasets, "
                 "created_at, updated_at) SELECT g.subject, MAX(g.customer_id), MAX(g.name), 'open', 0, 0, ',' || "
                 "MAX(g.datasets) || ',', g.now, g.now FROM (SELECT " SUBJECT_SQL " AS subject, a.customer_id AS "
                 "customer_id, COALESCE(i.name, '') AS name, r.datasets AS datasets, CAST(? AS TEXT) AS now FROM "
                 "kordon_gather k CROSS JOIN alerts a CROSS JOIN results r CROSS JOIN inputs i WHERE a.id = k.id AND "
                 "r.id = a.result_id AND i.id = r.input_id) g WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.subject = g.subject AND c.state <> "
                 "'closed') GROUP BY g.subject, g.now RETURNING id",
                 now, &opened, err);
    if (!rc && opened.n) {
        /* the new cases, by their id range (only gatherers open cases, one
         * at a time) and their count still 0 */
        int64_t lo = opened.ids[0], hi = opened.ids[0];
        for (size_t i = 1; i < opened.n; i++) {
            lo = opened.ids[i] < lo ? opened.ids[i] : lo;
            hi = opened.ids[i] > hi ? opened.ids[i] : hi;
        }
        db_stmt *st;
        if (!(rc = db_prepare(d,
                              "INSERT INTO case_events (case_id, actor, kind, state, detail, alert_id, created_at) "
                              "SELECT id, '" GATHER_ACTOR "', 'opened', 'open', 'case of ' || subject, CAST(NULL AS "
                              "BIGINT), created_at FROM cases WHERE id BETWEEN ? AND ? AND alert_count = 0 ORDER BY id",
                              &st, err))) {
            db_bind_int(st, 1, lo);
            db_bind_int(st, 2, hi);
            rc = run_collect(st, NULL, err);
        }
    }
    /* each alert in its subject's open case */
    if (!rc)
        rc = run_sql(d,
                     "UPDATE alerts SET case_id = (SELECT c.id FROM cases c WHERE c.state <> 'closed' AND c.subject = "
                     "(SELECT " SUBJECT_SQL " FROM results r JOIN inputs i ON i.id = r.input_id JOIN alerts a ON a.id "
                     "= alerts.id WHERE r.id = alerts.result_id) ORDER BY c.id DESC LIMIT 1) WHERE id IN (SELECT "
                     "id FROM kordon_gather)",
                     NULL, NULL, err);
    /* new evidence voids a closing proposed without it */
    if (!rc)
        rc = run_sql(d,
                     "SELECT DISTINCT c.id FROM kordon_gather k CROSS JOIN alerts a CROSS JOIN cases c WHERE a.id = "
                     "k.id AND c.id = a.case_id AND c.state = 'pending_approval'",
                     NULL, &voided, err);
    /* counts, best scores, states */
    if (!rc)
        rc = run_sql(d,
                     "UPDATE cases SET updated_at = ?, alert_count = cases.alert_count + t.n, top_score = CASE WHEN "
                     "t.best > cases.top_score THEN t.best ELSE cases.top_score END, state = CASE WHEN cases.state = "
                     "'pending_approval' THEN 'in_review' ELSE cases.state END, verdict = CASE WHEN cases.state = "
                     "'pending_approval' THEN NULL ELSE cases.verdict END, proposed_by = CASE WHEN cases.state = "
                     "'pending_approval' THEN NULL ELSE cases.proposed_by END FROM (SELECT a.case_id AS case_id, "
                     "COUNT(*) AS n, MAX(r.score) AS best FROM kordon_gather k CROSS JOIN alerts a CROSS JOIN results "
                     "r WHERE a.id = k.id AND r.id = a.result_id GROUP BY a.case_id) t WHERE cases.id = t.case_id",
                     now, NULL, err);
    for (size_t i = 0; !rc && i < voided.n; i++) {
        db_stmt *st;
        if ((rc = db_prepare(d,
                             "INSERT INTO case_events (case_id, actor, kind, state, detail, alert_id, created_at) VALUES "
                             "(?, '" GATHER_ACTOR "', 'reject', 'in_review', 'a new alert voids the closing proposed "
                             "before it', NULL, ?)",
                             &st, err)))
            break;
        db_bind_int(st, 1, voided.ids[i]);
        db_bind_text(st, 2, now);
        rc = run_collect(st, NULL, err);
    }
    /* an event per alert, in the state its case is in now */
    if (!rc)
        rc = run_sql(d,
                     "INSERT INTO case_events (case_id, actor, kind, state, detail, alert_id, created_at) SELECT "
                     "a.case_id, '" GATHER_ACTOR "', 'alert', c.state, 'alert ' || CAST(a.id AS TEXT) || ': ' || "
                     "r.caption, a.id, CAST(? AS TEXT) FROM kordon_gather k CROSS JOIN alerts a CROSS JOIN cases c CROSS "
                     "JOIN results r WHERE a.id = k.id AND c.id = a.case_id AND r.id = a.result_id ORDER BY a.id",
                     now, NULL, err);
    if (!rc)
        rc = merge_datasets(d, now, err);
    /* alerts decided before they were gathered (a store older than cases,
     * a decision between a run's commit and its gathering) close their new
     * case as deciding them would have */
    if (!rc && opened.n)
        rc = run_sql(d,
                     "SELECT DISTINCT a.case_id FROM kordon_gather k CROSS JOIN alerts a WHERE a.id = k.id AND EXISTS "
                     "(SELECT 1 FROM decisions e WHERE e.alert_id = a.id)",
                     NULL, &decided, err);
    for (size_t i = 0; !rc && i < decided.n; i++) {
        bool is_new = false;
        for (size_t k = 0; k < opened.n && !is_new; k++)
            is_new = opened.ids[k] == decided.ids[i];
        if (is_new)
            rc = store_case_settle(s, decided.ids[i], GATHER_ACTOR, "every alert of the case was already decided",
                                   false, err);
    }
    if (!rc)
        *n = taken.n;
done:
    free(taken.ids);
    free(opened.ids);
    free(voided.ids);
    free(decided.ids);
    return rc;
}

int store_cases_gather_in(kd_store *s, size_t *gathered, kd_error *err)
{
    if (gathered)
        *gathered = 0;
    db *d = s->d;
    int rc = db_is_postgresql(d) ? db_exec(d, GATHER_LOCK, err) : 0;
    char now[32];
    store_now_iso(now);
    size_t n = 0;
    if (!rc)
        rc = gather_all(s, now, &n, err);
    if (!rc && gathered)
        *gathered = n;
    return rc ? error_wrap(err, rc, "cannot gather alerts into cases: ") : 0;
}

/* Whether any alert waits for a case, without a transaction. */
static int any_uncased(db *d, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d, "SELECT id FROM alerts WHERE case_id IS NULL LIMIT 1", &q, err);
    if (rc)
        return rc;
    rc = db_step(q, err);
    db_finalize(q);
    return rc;
}

int kd_store_cases_gather(kd_store *s, size_t *gathered, kd_error *err)
{
    if (gathered)
        *gathered = 0;
    db *d = s->d;
    int rc = any_uncased(d, err);
    if (rc <= 0)
        return rc;
    if ((rc = db_exec(d, db_is_postgresql(d) ? "BEGIN" : "BEGIN IMMEDIATE", err)))
        return rc;
    rc = store_cases_gather_in(s, gathered, err);
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc)
        db_exec(d, "ROLLBACK", NULL);
    return rc;
}
