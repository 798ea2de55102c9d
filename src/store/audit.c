/* The audit trail (see store.h): runs, alerts, decisions, allow-list
 * entries and what was done to cases as one time-ordered stream of events, and its export as CSV or
 * JSON lines. */
#include "store/store_internal.h"
#include "model/model.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- audit export ---------------------------------------------------------- */

/* Every event kind as the same columns, ordered by time, then in the order
 * things happen (a run, its alerts, decisions, the allow-list entries
 * they make). A `to` bound is
 * compared on its own length, so "2026-11-29" includes that whole day. */
static const char audit_sql[] =
    "SELECT started_at, 'run', id, id, 0, actor, CAST(NULL AS TEXT), CAST(NULL AS TEXT), "
    "CAST(NULL AS TEXT), CAST(NULL AS TEXT), parameters, 1 FROM runs "
    "WHERE finished_at IS NOT NULL AND started_at >= ? AND substr(started_at, 1, ?) <= ? "
    "UNION ALL SELECT a.created_at, 'alert', a.id, a.run_id, a.id, r.actor, a.customer_id, "
    "a.entity_id, a.entity_hash, CAST(NULL AS TEXT), a.reason, 2 FROM alerts a JOIN runs r ON r.id = a.run_id "
    "WHERE a.created_at >= ? AND substr(a.created_at, 1, ?) <= ? "
    "UNION ALL SELECT d.decided_at, 'decision', d.id, a.run_id, d.alert_id, d.reviewer, a.customer_id, "
    "a.entity_id, a.entity_hash, d.verdict, d.comment, 3 FROM decisions d JOIN alerts a ON a.id = d.alert_id "
    "WHERE d.decided_at >= ? AND substr(d.decided_at, 1, ?) <= ? "
    "UNION ALL SELECT created_at, 'allow', id, 0, 0, actor, customer_id, entity_id, entity_hash, "
    "CASE WHEN allowed = 1 THEN 'allow' ELSE 'revoke' END, reason, 4 FROM allow_list "
    "WHERE created_at >= ? AND substr(created_at, 1, ?) <= ? "
    "UNION ALL SELECT e.created_at, 'case', e.id, 0, COALESCE(e.alert_id, 0), e.actor, c.customer_id, "
    "CAST(NULL AS TEXT), CAST(NULL AS TEXT), e.kind, "
    "'case ' || CAST(c.id AS TEXT) || ' ' || e.state || CASE WHEN e.detail <> '' THEN ': ' || e.detail ELSE '' END, "
    "5 FROM case_events e JOIN cases c ON c.id = e.case_id "
    "WHERE e.created_at >= ? AND substr(e.created_at, 1, ?) <= ? "
    "ORDER BY 1, 12, 3";

/* A run's detail: its parameters, source, counts and dataset versions. */
/* A run's datasets: its index version's, or (runs recorded before version
 * 7 of the store) its own rows; the run's id bound twice. */
#define RUN_DATASETS_SQL                                                                                      \
    "SELECT d.dataset, d.version FROM runs r JOIN index_version_datasets d ON d.index_version_id = "          \
    "r.index_version_id WHERE r.id = ? UNION ALL SELECT dataset, version FROM run_datasets_recorded WHERE " \
    "run_id = ? ORDER BY 1"

static char *run_detail(db *d, db_stmt *datasets, int64_t run_id, const char *parameters)
{
    json_error_t jerr;
    json_t *o = json_object();
    json_t *p = json_loads(parameters ? parameters : "{}", 0, &jerr);
    json_object_set_new(o, "parameters", p ? p : json_string(parameters));
    db_stmt *q;
    if (!db_prepare(d, "SELECT source, input_count, match_count, alert_count, index_built_at FROM runs "
                       "WHERE id = ?", &q, NULL)) {
        db_bind_int(q, 1, run_id);
        if (db_step(q, NULL) == 1) {
            const char *src = db_column_text(q, 0);
            json_object_set_new(o, "source", src ? json_string(src) : json_null());
            json_object_set_new(o, "inputs", json_integer(db_column_int(q, 1)));
            json_object_set_new(o, "matches", json_integer(db_column_int(q, 2)));
            json_object_set_new(o, "alerts", json_integer(db_column_int(q, 3)));
            const char *built = db_column_text(q, 4);
            json_object_set_new(o, "index_built_at", built ? json_string(built) : json_null());
        }
        db_finalize(q);
    }
    json_t *ds = json_object();
    db_bind_int(datasets, 1, run_id);
    db_bind_int(datasets, 2, run_id);
    while (db_step(datasets, NULL) == 1)
        json_object_set_new(ds, db_column_text(datasets, 0), json_string(db_column_text(datasets, 1)));
    db_reset(datasets);
    json_object_set_new(o, "datasets", ds);
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    return text;
}

int kd_store_audit(kd_store *s, const char *from, const char *to,
                   int (*fn)(void *ctx, const kd_audit_event *ev), void *ctx, kd_error *err)
{
    if (from && *from && !timestamp_valid(from))
        return error_set(err, KD_EUSAGE, "from: %.64s is not a date YYYY-MM-DD[THH:MM:SS]", from);
    if (to && *to && !timestamp_valid(to))
        return error_set(err, KD_EUSAGE, "to: %.64s is not a date YYYY-MM-DD[THH:MM:SS]", to);
    db *d = s->d;
    db_stmt *q, *datasets;
    int rc = db_prepare(d, audit_sql, &q, err);
    if (rc)
        return rc;
    if ((rc = db_prepare(d, RUN_DATASETS_SQL, &datasets, err))) {
        db_finalize(q);
        return rc;
    }
    /* No bound: "" precedes every time, "~" follows every digit. */
    const char *lo = from && *from ? from : "";
    const char *hi = to && *to ? to : "~";
    for (int k = 0; k < 5; k++) {
        db_bind_text(q, 3 * k + 1, lo);
        db_bind_int(q, 3 * k + 2, (int64_t)strlen(hi));
        db_bind_text(q, 3 * k + 3, hi);
    }
    while ((rc = db_step(q, err)) == 1) {
        kd_audit_event ev = {
            .time = db_column_text(q, 0), .kind = db_column_text(q, 1), .id = db_column_int(q, 2),
            .run_id = db_column_int(q, 3), .alert_id = db_column_int(q, 4),
            .actor = db_column_text(q, 5), .customer_id = db_column_text(q, 6),
            .entity_id = db_column_text(q, 7), .entity_hash = db_column_text(q, 8),
            .verdict = db_column_text(q, 9), .detail = db_column_text(q, 10)};
        char *detail = NULL;
        if (strcmp(ev.kind, "run") == 0)
            ev.detail = detail = run_detail(d, datasets, ev.run_id, ev.detail);
        int stop = fn(ctx, &ev);
        free(detail);
        if (stop) {
            db_finalize(datasets);
            db_finalize(q);
            return stop;
        }
    }
    db_finalize(datasets);
    db_finalize(q);
    return rc < 0 ? rc : 0;
}

typedef struct export_ctx {
    FILE *out;
    kd_audit_format format;
    size_t n;
} export_ctx;

static void csv_field(FILE *out, const char *s, bool last)
{
    if (s) {
        putc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                putc('"', out);
            putc(*s, out);
        }
        putc('"', out);
    }
    putc(last ? '\n' : ',', out);
}

static int export_event(void *arg, const kd_audit_event *ev)
{
    export_ctx *c = arg;
    c->n++;
    if (c->format == KD_AUDIT_CSV) {
        char id[24], run[24], alert[24];
        snprintf(id, sizeof id, "%lld", (long long)ev->id);
        snprintf(run, sizeof run, "%lld", (long long)ev->run_id);
        snprintf(alert, sizeof alert, "%lld", (long long)ev->alert_id);
        const char *fields[] = {ev->time, ev->kind, id, ev->run_id ? run : NULL,
                                ev->alert_id ? alert : NULL, ev->actor, ev->customer_id,
                                ev->entity_id, ev->entity_hash, ev->verdict, ev->detail};
        for (size_t i = 0; i < KD_ARRAY_LEN(fields); i++)
            csv_field(c->out, fields[i], i + 1 == KD_ARRAY_LEN(fields));
    } else {
        json_t *o = json_object();
        json_object_set_new(o, "time", json_string(ev->time));
        json_object_set_new(o, "kind", json_string(ev->kind));
        json_object_set_new(o, "id", json_integer(ev->id));
        if (ev->run_id)
            json_object_set_new(o, "run_id", json_integer(ev->run_id));
        if (ev->alert_id)
            json_object_set_new(o, "alert_id", json_integer(ev->alert_id));
        const struct {
            const char *key, *value;
        } texts[] = {{"actor", ev->actor}, {"customer_id", ev->customer_id},
                     {"entity_id", ev->entity_id}, {"entity_hash", ev->entity_hash},
                     {"verdict", ev->verdict}};
        for (size_t i = 0; i < KD_ARRAY_LEN(texts); i++)
            if (texts[i].value)
                json_object_set_new(o, texts[i].key, json_string(texts[i].value));
        json_t *detail = NULL;
        if (strcmp(ev->kind, "run") == 0 && ev->detail)
            detail = json_loads(ev->detail, 0, NULL);
        if (detail)
            json_object_set_new(o, "detail", detail);
        else if (ev->detail)
            json_object_set_new(o, "detail", json_string(ev->detail));
        char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        json_decref(o);
        if (text)
            fprintf(c->out, "%s\n", text);
        free(text);
    }
    return ferror(c->out) ? KD_EIO : 0;
}

int kd_store_audit_export(kd_store *s, const char *from, const char *to, kd_audit_format format,
                          FILE *out, size_t *n_events, kd_error *err)
{
    export_ctx c = {.out = out, .format = format};
    if (format == KD_AUDIT_CSV)
        fputs("time,kind,id,run_id,alert_id,actor,customer_id,entity_id,entity_hash,verdict,detail\n", out);
    int rc = kd_store_audit(s, from, to, export_event, &c, err);
    if (rc == KD_EIO && (!err || !err->message[0]))
        error_set(err, KD_EIO, "cannot write the audit export");
    if (n_events)
        *n_events = c.n;
    return rc;
}
