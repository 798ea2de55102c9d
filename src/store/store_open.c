/* The audit store (see store.h): opening a store, bringing its schema
 * up to date, and the helpers every file of the store shares
 * (store_internal.h). The rest is one file per concern: runs.c (runs and
 * their group commit), alerts.c (alerts, decisions, the allow-list),
 * monitor.c, audit.c (the audit export), answers.c (Idempotency-Key
 * answers), judgments.c, customer.c. */
#include "store/store_internal.h"
#include "store/migrations.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ISO 8601 UTC with milliseconds: sorts as text, as the audit export needs. */
void store_now_iso(char out[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t k = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + k, 32 - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

void store_iso_ago(int64_t seconds, char out[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t then = ts.tv_sec - (time_t)seconds;
    struct tm tm;
    gmtime_r(&then, &tm);
    size_t k = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + k, 32 - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

char *store_dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* Steps an INSERT ... RETURNING id. */
int store_insert_returning(db_stmt *st, int64_t *id, kd_error *err)
{
    int rc = db_step(st, err);
    if (rc == 1) {
        *id = db_column_int(st, 0);
        while ((rc = db_step(st, err)) == 1)
            ;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* ---- opening and migrations --------------------------------------------- */

static int migration_version(const char *name) { return atoi(name); }

static int migrate(kd_store *s, kd_error *err)
{
    db *d = s->d;
    const char *engine = db_is_postgresql(d) ? "postgresql" : "sqlite";
    /* Two kordon processes starting at once must not both apply a
     * migration: SQLite's IMMEDIATE transaction and PostgreSQL's advisory
     * lock make the second wait, then find nothing left to do. */
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN; SELECT pg_advisory_xact_lock(60714216)"
                                            : "BEGIN IMMEDIATE",
                     err);
    if (rc)
        return rc;
    rc = db_exec(d, "CREATE TABLE IF NOT EXISTS kordon_migrations (version INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)", err);
    int current = 0;
    db_stmt *q = NULL;
    if (!rc && !(rc = db_prepare(d, "SELECT COALESCE(MAX(version), 0) FROM kordon_migrations", &q, err))) {
        if ((rc = db_step(q, err)) == 1) {
            current = (int)db_column_int(q, 0);
            rc = 0;
        }
        db_finalize(q);
    }
    int newest = 0;
    for (size_t i = 0; !rc && i < store_migration_count; i++) {
        const store_migration *m = &store_migrations[i];
        if (strcmp(m->engine, engine) != 0)
            continue;
        int version = migration_version(m->name);
        if (version > newest)
            newest = version;
        if (version <= current)
            continue;
        if ((rc = db_exec(d, m->sql, err))) {
            error_wrap(err, rc, "migration %s/%s: ", engine, m->name);
            break;
        }
        char now[32];
        store_now_iso(now);
        db_stmt *ins;
        if (!(rc = db_prepare(d, "INSERT INTO kordon_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                              &ins, err))) {
            db_bind_int(ins, 1, version);
            db_bind_text(ins, 2, m->name);
            db_bind_text(ins, 3, now);
            rc = db_step(ins, err) < 0 ? KD_EIO : 0;
            db_finalize(ins);
        }
    }
    if (!rc && current > newest)
        rc = error_set(err, KD_EUSAGE,
                       "the store is at schema version %d, newer than this kordon knows (%d): "
                       "upgrade kordon", current, newest);
    if (rc) {
        db_exec(d, "ROLLBACK", NULL);
        return rc;
    }
    return db_exec(d, "COMMIT", err);
}

int kd_store_open(const char *target, kd_store **out, kd_error *err)
{
    *out = NULL;
    if (!target || !*target)
        return error_set(err, KD_EUSAGE, "no store given (--db FILE or --db postgresql://...)");
    kd_store *s = calloc(1, sizeof *s);
    if (!s)
        return error_set(err, KD_ENOMEM, "out of memory opening the store");
    s->keep_answers = KD_KEEP_ANSWERS_DEFAULT;
    int rc = db_open(target, &s->d, err);
    if (!rc)
        rc = migrate(s, err);
    /* the alerts one gathering round takes (case_gather.c): this
     * connection's own, outside any transaction so that no rollback undoes it */
    if (!rc)
        rc = db_exec(s->d, db_is_postgresql(s->d) ? "CREATE TEMP TABLE kordon_gather (id BIGINT PRIMARY KEY)"
                                                   : "CREATE TEMP TABLE kordon_gather (id INTEGER PRIMARY KEY)",
                     err);
    if (rc) {
        kd_store_close(s);
        return rc;
    }
    *out = s;
    return KD_OK;
}

bool kd_store_connection_lost(const kd_store *s) { return s && db_connection_lost(s->d); }

int kd_store_ping(kd_store *s, kd_error *err) { return db_exec(s->d, "SELECT 1", err); }

void kd_store_close(kd_store *s)
{
    if (!s)
        return;
    if (s->batch.open)
        kd_store_batch_abort(s);
    db_close(s->d);
    store_index_memo_free(s);
    free(s);
}

const char *kd_store_engine(const kd_store *s) { return db_is_postgresql(s->d) ? "postgresql" : "sqlite"; }

const char *kd_store_target_engine(const char *target)
{
    return target && db_is_postgresql_target(target) ? "postgresql" : "sqlite";
}

/* Runs a query returning one integer. */
static int query_int(db *d, const char *sql, int64_t param, bool has_param, int64_t *out, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d, sql, &q, err);
    if (rc)
        return rc;
    if (has_param)
        db_bind_int(q, 1, param);
    rc = db_step(q, err);
    if (rc == 1) {
        *out = db_column_int(q, 0);
        rc = 0;
    } else if (rc == 0) {
        rc = KD_ENOTFOUND;
    }
    db_finalize(q);
    return rc;
}

int kd_store_schema_version(kd_store *s, kd_error *err)
{
    int64_t v = 0;
    int rc = query_int(s->d, "SELECT COALESCE(MAX(version), 0) FROM kordon_migrations", 0, false, &v, err);
    return rc ? rc : (int)v;
}
