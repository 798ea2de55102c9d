/* The audit store (see store.h): migrations, runs, alerts, decisions,
 * allow-list, monitoring and the audit export, over db.h. */
#include "store/store_internal.h"
#include "store/migrations.h"
#include "model/model.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The PostgreSQL advisory lock monitoring runs take (any number the
 * database's other users would not: "kordon" in ASCII) */
#define MONITOR_LOCK_KEY "118126404726638"
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

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* Binds the valid UTF-8 prefix of s: an input row refused for invalid
 * UTF-8 is still recorded, with its error, and PostgreSQL takes no invalid
 * text. */
static void bind_valid_text(db_stmt *st, int i, const char *s)
{
    size_t bad;
    if (!s || utf8_valid(s, strlen(s), &bad)) {
        db_bind_text(st, i, s);
        return;
    }
    char *prefix = strndup(s, bad);
    db_bind_text(st, i, prefix ? prefix : "");
    free(prefix);
}

/* Match results carry fixed-size text that may end in a cut UTF-8
 * sequence; PostgreSQL refuses such bytes, so store the valid prefix. */
static const char *valid_prefix(const char *s, char *scratch, size_t size)
{
    size_t n = strlen(s), bad;
    if (utf8_valid(s, n, &bad))
        return s;
    if (bad >= size)
        bad = size - 1;
    memcpy(scratch, s, bad);
    scratch[bad] = '\0';
    return scratch;
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
    int rc = db_open(target, &s->d, err);
    if (!rc)
        rc = migrate(s, err);
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
    free(s);
}

const char *kd_store_engine(const kd_store *s) { return db_is_postgresql(s->d) ? "postgresql" : "sqlite"; }

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

/* ---- pair maps: (customer, entity) → content hash ----------------------- */

typedef struct pair_value {
    char hash[65];
    bool allowed;
} pair_value;

/* values[i] belongs to the i-th key. Starts zeroed with keys.copy_keys set:
 * keys are built in a scratch buffer. */
typedef struct pair_map {
    strmap keys; /* customer \x1f entity → index in values */
    pair_value *values;
    size_t cap;
} pair_map;

/* The key of a pair: customer \x1f entity (a separator neither holds). */
static int pair_key(buf *key, const char *customer, const char *entity)
{
    buf_clear(key);
    if (buf_append_str(key, customer) || buf_append_char(key, '\x1f') || buf_append_str(key, entity))
        return KD_ENOMEM;
    return KD_OK;
}

static const pair_value *pair_find(const pair_map *m, const buf *key)
{
    uintptr_t i;
    return strmap_get(&m->keys, key->data, key->len, &i) ? &m->values[i] : NULL;
}

/* Inserts or replaces. */
static int pair_put(pair_map *m, const buf *key, const char *hash, bool allowed)
{
    /* room first: a key must never be in the map without its value */
    if (vec_reserve(&m->values, &m->cap, m->keys.count + 1, sizeof *m->values))
        return KD_ENOMEM;
    uintptr_t *i;
    if (strmap_add(&m->keys, key->data, key->len, m->keys.count, &i) < 0)
        return KD_ENOMEM;
    pair_value *v = &m->values[*i];
    snprintf(v->hash, sizeof v->hash, "%s", hash ? hash : "");
    v->allowed = allowed;
    return KD_OK;
}

static void pair_map_free(pair_map *m)
{
    strmap_free(&m->keys);
    free(m->values);
    m->values = NULL;
    m->cap = 0;
}

/* The allow-list as it stands: the newest row for each pair. */
/* The id of the party a stored entity id belongs to in this index: alerts
 * and decisions recorded against one record of a party (or before records
 * were resolved into parties) hold for the whole party. An id no longer in
 * the index stays as it is. */
static const char *party_id(const kd_index *ix, const char *id)
{
    int64_t pos = id ? kd_index_find(ix, id) : -1;
    if (pos < 0)
        return id ? id : "";
    kd_entity_view v;
    kd_index_entity(ix, kd_index_party(ix, (size_t)pos), &v);
    return v.id;
}

static int load_allow_list(db *d, const kd_index *ix, pair_map *out, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d, "SELECT customer_id, entity_id, entity_hash, allowed FROM allow_list ORDER BY id",
                        &q, err);
    if (rc)
        return rc;
    buf key = {0};
    while ((rc = db_step(q, err)) == 1)
        if (pair_key(&key, db_column_text(q, 0), party_id(ix, db_column_text(q, 1))) ||
            pair_put(out, &key, db_column_text(q, 2), db_column_int(q, 3) != 0)) {
            rc = error_set(err, KD_ENOMEM, "out of memory loading the allow-list");
            break;
        }
    buf_free(&key);
    db_finalize(q);
    return rc < 0 ? rc : 0;
}

/* Matches of the newest committed monitoring run, by pair. */
static int load_previous_hits(db *d, const kd_index *ix, pair_map *out, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d,
                        "SELECT i.customer_id, r.entity_id, r.entity_hash FROM results r "
                        "JOIN inputs i ON i.id = r.input_id "
                        "WHERE i.run_id = (SELECT MAX(id) FROM runs WHERE kind = 'monitor' "
                        "AND finished_at IS NOT NULL) "
                        "AND r.is_match = 1 AND i.customer_id IS NOT NULL",
                        &q, err);
    if (rc)
        return rc;
    buf key = {0};
    while ((rc = db_step(q, err)) == 1)
        if (pair_key(&key, db_column_text(q, 0), party_id(ix, db_column_text(q, 1))) ||
            pair_put(out, &key, db_column_text(q, 2), true)) {
            rc = error_set(err, KD_ENOMEM, "out of memory loading the previous monitoring run");
            break;
        }
    buf_free(&key);
    db_finalize(q);
    return rc < 0 ? rc : 0;
}

/* ---- runs ------------------------------------------------------------------ */

struct kd_run {
    kd_store *s;
    const kd_index *ix;
    kd_run_kind kind;
    bool in_batch; /* one of the runs of the store's batch, whose statements it borrows */
    int64_t id;
    db_stmt *ins_input, *ins_result, *ins_alert;
    db_ids *input_ids_in, *result_ids_in; /* the run's own, or the batch's */
    db_ids input_ids, result_ids;
    pair_map allow, previous;
    db_stmt *allow_query; /* small runs: one pair at a time, instead of allow */
    /* Content hashes by index position, computed on first use: a popular
     * listed name is hit by many inputs of a batch. A map that grows with
     * use, since an API request's run touches a handful of entities and
     * should not pay for one slot per entity in the index. */
    strmap hashes; /* the position's bytes → index in hash_values; keys copied */
    char (*hash_values)[65];
    size_t hash_cap;
    size_t inputs, matches, alerts;
    char started_at[32];
    char *actor, *source, *parameters; /* a batch's run: its runs row is written at commit */
};

static void run_free(kd_run *run)
{
    if (!run->in_batch) {
        db_finalize(run->ins_input);
        db_finalize(run->ins_result);
        db_finalize(run->ins_alert);
        db_finalize(run->allow_query);
    }
    pair_map_free(&run->allow);
    pair_map_free(&run->previous);
    db_ids_free(&run->input_ids);
    db_ids_free(&run->result_ids);
    strmap_free(&run->hashes);
    free(run->hash_values);
    free(run->actor);
    free(run->source);
    free(run->parameters);
    free(run);
}

void kd_store_run_abort(kd_run *run)
{
    if (!run)
        return;
    /* a run of a batch cannot take back what it wrote: the batch is
     * aborted by its owner */
    if (!run->in_batch)
        db_exec(run->s->d, "ROLLBACK", NULL);
    run_free(run);
}

/* The bulk statements of a run's rows, parents first (the order COPY sends
 * them in): inputs, results, alerts. */
static int prepare_run_rows(db *d, db_stmt **inputs, db_stmt **results, db_stmt **alerts, kd_error *err)
{
    int rc = db_prepare_bulk(d, "inputs", "id, run_id, row_number, customer_id, name, birth_date, country, "
                                "gender, schema, identifier, error", inputs, err);
    if (!rc)
        rc = db_prepare_bulk(d, "results", "id, input_id, rank, entity_id, entity_hash, caption, schema, "
                                "datasets, score, is_match, name_score, matched_name, explanation",
                             results, err);
    if (!rc)
        rc = db_prepare_bulk(d, "alerts", "run_id, result_id, customer_id, entity_id, entity_hash, reason, "
                                "created_at", alerts, err);
    return rc;
}

/* The newest allow-list row of a pair (small runs look pairs up one by one). */
#define ALLOW_QUERY                                                                                        \
    "SELECT entity_hash, allowed, id FROM allow_list WHERE customer_id = ? AND entity_id = ? ORDER BY id " \
    "DESC LIMIT 1"

/* One run_datasets row per dataset of the index. */
static int insert_run_datasets(db_stmt *st, int64_t run_id, const kd_index *ix, kd_error *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info info;
        kd_index_dataset(ix, i, &info);
        db_bind_int(st, 1, run_id);
        db_bind_text(st, 2, info.name);
        db_bind_text(st, 3, info.version);
        db_bind_text(st, 4, info.newest_date[0] ? info.newest_date : NULL);
        db_bind_int(st, 5, info.entity_count);
        rc = db_step(st, err) < 0 ? KD_EIO : 0;
        db_reset(st);
    }
    return rc;
}

/* ---- group commit ---------------------------------------------------------
 * A batch's runs share its statements: every table's rows of the group go
 * in one COPY on PostgreSQL, ids are reserved for the group, and the runs
 * rows are written last, when each run's counts are known. Foreign keys are
 * checked at the commit (deferred), since on PostgreSQL the runs arrive
 * after their inputs. */

static void batch_close(kd_store *s)
{
    store_batch *b = &s->batch;
    db_finalize(b->runs);
    db_finalize(b->runs_finish);
    db_finalize(b->run_datasets);
    db_finalize(b->inputs);
    db_finalize(b->results);
    db_finalize(b->alerts);
    db_finalize(b->allow_query);
    db_ids_free(&b->run_ids);
    db_ids_free(&b->input_ids);
    db_ids_free(&b->result_ids);
    memset(b, 0, sizeof *b);
}

int kd_store_batch_begin(kd_store *s, kd_error *err)
{
    db *d = s->d;
    store_batch *b = &s->batch;
    if (b->open)
        return error_set(err, KD_EUSAGE, "a recording batch is already open");
    /* IMMEDIATE: SQLite's write lock now, as a single run takes it.
     * PostgreSQL gets a run's rows by COPY, parents (runs) last: its
     * checks wait for the commit. SQLite writes each run's row first
     * instead (see run_begin_in_batch): PRAGMA defer_foreign_keys expires
     * every prepared statement, and each group re-parsed them all. */
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN; SET CONSTRAINTS ALL DEFERRED" : "BEGIN IMMEDIATE", err);
    if (rc)
        return error_wrap(err, rc, "cannot start recording: ");
    b->open = true;
    b->run_ids.table = "runs";
    b->input_ids.table = "inputs";
    b->result_ids.table = "results";
    /* prepared parents first: the order COPY sends them in */
    rc = db_prepare_bulk(d, "runs", "id, kind, actor, source, parameters, index_built_at, started_at, finished_at, "
                                    "input_count, match_count, alert_count", &b->runs, err);
    if (!rc)
        rc = db_prepare_bulk(d, "run_datasets", "run_id, dataset, version, newest_date, entity_count",
                             &b->run_datasets, err);
    if (!rc)
        rc = prepare_run_rows(d, &b->inputs, &b->results, &b->alerts, err);
    if (!rc)
        rc = db_prepare(d, ALLOW_QUERY, &b->allow_query, err);
    if (!rc && !db_is_postgresql(d))
        rc = db_prepare(d, "UPDATE runs SET finished_at = ?, input_count = ?, match_count = ?, alert_count = ? "
                           "WHERE id = ?", &b->runs_finish, err);
    if (rc) {
        kd_store_batch_abort(s);
        return error_wrap(err, rc, "cannot start recording: ");
    }
    return KD_OK;
}

int kd_store_batch_commit(kd_store *s, kd_error *err)
{
    int rc = db_bulk_flush(s->d, err);
    if (!rc)
        rc = db_exec(s->d, "COMMIT", err);
    if (rc) {
        kd_store_batch_abort(s);
        return error_wrap(err, rc, "cannot commit the recorded runs: ");
    }
    batch_close(s);
    return KD_OK;
}

void kd_store_batch_abort(kd_store *s)
{
    batch_close(s); /* unsent COPY rows go with the statements */
    db_exec(s->d, "ROLLBACK", NULL);
}

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

/* A run of the store's batch: its id reserved, its datasets queued, the
 * batch's statements borrowed; the runs row waits for the commit. */
/* A batch run's row in runs: finished (with its counts) when `finished_at`
 * is given, else as it starts (SQLite, completed by runs_finish). */
static int write_batch_run(kd_run *run, const char *finished_at, kd_error *err)
{
    db_stmt *st = run->s->batch.runs;
    db_bind_int(st, 1, run->id);
    db_bind_text(st, 2, "screen");
    db_bind_text(st, 3, run->actor);
    db_bind_text(st, 4, run->source);
    db_bind_text(st, 5, run->parameters);
    db_bind_text(st, 6, kd_index_built_at(run->ix));
    db_bind_text(st, 7, run->started_at);
    db_bind_text(st, 8, finished_at); /* NULL: not yet */
    db_bind_int(st, 9, (int64_t)run->inputs);
    db_bind_int(st, 10, (int64_t)run->matches);
    db_bind_int(st, 11, (int64_t)run->alerts);
    int rc = db_step(st, err) < 0 ? KD_EIO : 0;
    db_reset(st);
    return rc;
}

static int run_begin_in_batch(kd_store *s, kd_run *run, const kd_run_request *req, kd_run **out, kd_error *err)
{
    store_batch *b = &s->batch;
    run->ins_input = b->inputs;
    run->ins_result = b->results;
    run->ins_alert = b->alerts;
    run->allow_query = b->allow_query;
    run->input_ids_in = &b->input_ids;
    run->result_ids_in = &b->result_ids;
    run->actor = strdup(req->actor && *req->actor ? req->actor : "unknown");
    run->source = strdup(req->source ? req->source : "");
    run->parameters = strdup(req->parameters && *req->parameters ? req->parameters : "{}");
    int rc = run->actor && run->source && run->parameters ? db_next_id(s->d, &b->run_ids, &run->id, err)
                                                          : error_set(err, KD_ENOMEM, "out of memory");
    if (!rc && !db_is_postgresql(s->d))
        rc = write_batch_run(run, NULL, err);
    if (!rc)
        rc = insert_run_datasets(b->run_datasets, run->id, run->ix, err);
    if (rc) {
        run_free(run);
        return error_wrap(err, rc, "cannot start a run: ");
    }
    *out = run;
    return KD_OK;
}

int kd_store_run_begin(kd_store *s, const kd_run_request *req, const kd_index *ix, kd_run **out,
                       kd_error *err)
{
    *out = NULL;
    db *d = s->d;
    kd_run *run = calloc(1, sizeof *run);
    if (!run)
        return error_set(err, KD_ENOMEM, "out of memory starting a run");
    run->s = s;
    run->ix = ix;
    run->kind = req->kind;
    run->in_batch = req->in_batch && req->kind == KD_RUN_SCREEN;
    if (req->in_batch && !run->in_batch) {
        free(run);
        return error_set(err, KD_EUSAGE, "only screening runs are written in a batch");
    }
    if (run->in_batch && !s->batch.open) {
        free(run);
        return error_set(err, KD_EUSAGE, "no recording batch is open");
    }
    run->input_ids.table = "inputs";
    run->result_ids.table = "results";
    store_now_iso(run->started_at);
    /* keys built in scratch buffers or on the stack: the maps keep copies */
    run->allow.keys.copy_keys = run->previous.keys.copy_keys = run->hashes.copy_keys = true;
    run->input_ids_in = &run->input_ids;
    run->result_ids_in = &run->result_ids;
    if (run->in_batch)
        return run_begin_in_batch(s, run, req, out, err);
    /* IMMEDIATE takes SQLite's write lock now rather than at the first
     * insert, so two runs queue instead of one failing mid-way. */
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN" : "BEGIN IMMEDIATE", err);
    /* Monitoring runs alert on what earlier runs did not see: two at once
     * would both read the same earlier hits and alert twice. On PostgreSQL
     * (several processes, several hosts) one runs at a time under a lock
     * held to the run's commit, released by the server if the process
     * dies; SQLite's write lock, taken above, does as much. */
    if (!rc && req->kind == KD_RUN_MONITOR && db_is_postgresql(d))
        rc = db_exec(d, "SELECT pg_advisory_xact_lock(" MONITOR_LOCK_KEY ")", err);
    if (rc) {
        if (db_is_postgresql(d))
            db_exec(d, "ROLLBACK", NULL);
        run_free(run);
        return error_wrap(err, rc, "cannot start a run: ");
    }
    db_stmt *st = NULL;
    rc = db_prepare(d, "INSERT INTO runs (kind, actor, source, parameters, index_built_at, started_at) "
                       "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", &st, err);
    if (!rc) {
        db_bind_text(st, 1, req->kind == KD_RUN_MONITOR ? "monitor" : "screen");
        db_bind_text(st, 2, req->actor && *req->actor ? req->actor : "unknown");
        db_bind_text(st, 3, req->source);
        db_bind_text(st, 4, req->parameters && *req->parameters ? req->parameters : "{}");
        db_bind_text(st, 5, kd_index_built_at(ix));
        db_bind_text(st, 6, run->started_at);
        rc = store_insert_returning(st, &run->id, err);
        db_finalize(st);
    }
    if (!rc && !(rc = db_prepare(d, "INSERT INTO run_datasets (run_id, dataset, version, newest_date, "
                                    "entity_count) VALUES (?, ?, ?, ?, ?)", &st, err))) {
        rc = insert_run_datasets(st, run->id, ix, err);
        db_finalize(st);
    }
    /* A run's rows go in bulk (COPY on PostgreSQL, see db.h), parents
     * first; so inputs and results carry ids drawn here rather than
     * returned by the database. */
    if (!rc)
        rc = prepare_run_rows(d, &run->ins_input, &run->ins_result, &run->ins_alert, err);
    /* A few inputs touch a few pairs: looking each up by the pair's index
     * costs less than reading an allow-list that only grows. */
    bool small = req->kind == KD_RUN_SCREEN && req->expected_inputs && req->expected_inputs <= 64;
    if (!rc && small)
        rc = db_prepare(d, ALLOW_QUERY, &run->allow_query, err);
    else if (!rc)
        rc = load_allow_list(d, ix, &run->allow, err);
    if (!rc && run->kind == KD_RUN_MONITOR)
        rc = load_previous_hits(d, ix, &run->previous, err);
    if (rc) {
        error_wrap(err, rc, "cannot start a run: ");
        kd_store_run_abort(run);
        return rc;
    }
    *out = run;
    return KD_OK;
}

/* The datasets of a party's records, comma-separated, each once. */
static void party_datasets(const kd_index *ix, size_t party, char *out, size_t size)
{
    size_t datasets[64], k = 0;
    size_t n = kd_index_party_datasets(ix, party, datasets, 64);
    out[0] = '\0';
    for (size_t j = 0; j < n && j < 64 && k < size; j++) {
        kd_dataset_info info;
        kd_index_dataset(ix, datasets[j], &info);
        k += (size_t)snprintf(out + k, size - k, "%s%s", k ? "," : "", info.name);
    }
}

/* The newest allow-list row of a customer for any record of a party (a
 * decision taken on one record holds for the party): whether it clears
 * the pair at this hash. */
static bool cleared_in_store(kd_run *run, const char *customer_id, size_t party, const char *hash)
{
    size_t members[64];
    size_t n = kd_index_party_members(run->ix, party, members, 64);
    int64_t newest = -1;
    bool cleared = false;
    for (size_t m = 0; m < n && m < 64; m++) {
        kd_entity_view v;
        kd_index_entity(run->ix, members[m], &v);
        db_bind_text(run->allow_query, 1, customer_id);
        db_bind_text(run->allow_query, 2, v.id);
        /* a failed lookup raises the alert: silence needs a clearing */
        if (db_step(run->allow_query, NULL) == 1 && db_column_int(run->allow_query, 2) > newest) {
            newest = db_column_int(run->allow_query, 2);
            cleared = db_column_int(run->allow_query, 1) != 0 && db_column_text(run->allow_query, 0) &&
                      strcmp(db_column_text(run->allow_query, 0), hash) == 0;
        }
        db_reset(run->allow_query);
    }
    return cleared;
}

/* Decides whether a hit raises an alert, and why. */
static const char *alert_reason(kd_run *run, const char *customer_id, size_t party, const char *entity_id,
                                const char *hash)
{
    if (!customer_id || !*customer_id)
        return run->kind == KD_RUN_MONITOR ? "new" : "screen";
    buf key = {0};
    if (pair_key(&key, customer_id, entity_id)) {
        buf_free(&key);
        return run->kind == KD_RUN_MONITOR ? "new" : "screen";
    }
    const pair_value *allowed = pair_find(&run->allow, &key);
    const pair_value *seen = pair_find(&run->previous, &key);
    buf_free(&key);
    /* A cleared pair stays quiet until the listing itself changes. */
    if (allowed && allowed->allowed && strcmp(allowed->hash, hash) == 0)
        return NULL;
    if (run->allow_query && cleared_in_store(run, customer_id, party, hash))
        return NULL;
    if (run->kind == KD_RUN_SCREEN)
        return "screen";
    if (!seen)
        return "new";
    return strcmp(seen->hash, hash) == 0 ? NULL : "changed";
}

/* A party's content hash, computed once per run; NULL when out of memory. */
static const char *run_entity_hash(kd_run *run, size_t position)
{
    const char *key = (const char *)&position;
    uintptr_t i;
    if (strmap_get(&run->hashes, key, sizeof position, &i))
        return run->hash_values[i];
    i = run->hashes.count;
    if (vec_reserve(&run->hash_values, &run->hash_cap, i + 1, sizeof *run->hash_values) ||
        strmap_add(&run->hashes, key, sizeof position, i, NULL) < 0)
        return NULL;
    kd_party_hash(run->ix, position, run->hash_values[i]);
    return run->hash_values[i];
}

int kd_store_run_add(kd_run *run, size_t row, const kd_customer *in, const char *error,
                     const kd_match_result *results, size_t n_results, size_t *alerts_raised,
                     kd_error *err)
{
    if (alerts_raised)
        *alerts_raised = 0;
    db_stmt *st = run->ins_input;
    int64_t input_id = 0;
    int rc = db_next_id(run->s->d, run->input_ids_in, &input_id, err);
    if (rc)
        return error_wrap(err, rc, "recording row %zu: ", row);
    db_bind_int(st, 1, input_id);
    db_bind_int(st, 2, run->id);
    db_bind_int(st, 3, (int64_t)row);
    bind_valid_text(st, 4, in->id && *in->id ? in->id : NULL);
    bind_valid_text(st, 5, in->name);
    bind_valid_text(st, 6, in->birth_date);
    bind_valid_text(st, 7, in->country);
    bind_valid_text(st, 8, in->gender);
    bind_valid_text(st, 9, in->schema);
    bind_valid_text(st, 10, in->identifier);
    bind_valid_text(st, 11, error);
    rc = db_step(st, err);
    db_reset(st);
    if (rc < 0)
        return error_wrap(err, rc, "recording row %zu: ", row);
    run->inputs++;
    char now[32] = "";
    for (size_t i = 0; i < n_results && !error; i++) {
        const kd_match_result *r = &results[i];
        kd_entity_view v;
        /* results, alerts and decisions are about parties, named by their
         * canonical record */
        if (kd_index_entity(run->ix, r->party, &v))
            return error_set(err, KD_EINDEX, "recording row %zu: result %zu is not in the index", row, i + 1);
        const char *hash = "";
        if (r->match && !(hash = run_entity_hash(run, r->party)))
            return error_set(err, KD_ENOMEM, "recording row %zu: out of memory", row);
        char datasets[512];
        party_datasets(run->ix, r->party, datasets, sizeof datasets);
        const char *caption = kd_entity_view_first(run->ix, &v, KD_PROP_NAME);
        int64_t result_id = 0;
        if ((rc = db_next_id(run->s->d, run->result_ids_in, &result_id, err)))
            return error_wrap(err, rc, "recording row %zu: ", row);
        st = run->ins_result;
        db_bind_int(st, 1, result_id);
        db_bind_int(st, 2, input_id);
        db_bind_int(st, 3, (int64_t)i + 1);
        db_bind_text(st, 4, v.id);
        db_bind_text(st, 5, hash[0] ? hash : NULL);
        db_bind_text(st, 6, caption ? caption : v.id);
        db_bind_text(st, 7, kd_schema_name(v.schema));
        db_bind_text(st, 8, datasets);
        db_bind_double(st, 9, r->score);
        db_bind_int(st, 10, r->match ? 1 : 0);
        db_bind_double(st, 11, r->name_score);
        char name_buf[sizeof r->matched_name], explanation_buf[sizeof r->explanation];
        db_bind_text(st, 12, valid_prefix(r->matched_name, name_buf, sizeof name_buf));
        db_bind_text(st, 13, valid_prefix(r->explanation, explanation_buf, sizeof explanation_buf));
        rc = db_step(st, err);
        db_reset(st);
        if (rc < 0)
            return error_wrap(err, rc, "recording row %zu: ", row);
        if (!r->match)
            continue;
        run->matches++;
        const char *reason = alert_reason(run, in->id, r->party, v.id, hash);
        if (!reason)
            continue;
        if (!now[0])
            store_now_iso(now);
        st = run->ins_alert;
        db_bind_int(st, 1, run->id);
        db_bind_int(st, 2, result_id);
        db_bind_text(st, 3, in->id && *in->id ? in->id : NULL);
        db_bind_text(st, 4, v.id);
        db_bind_text(st, 5, hash);
        db_bind_text(st, 6, reason);
        db_bind_text(st, 7, now);
        rc = db_step(st, err);
        db_reset(st);
        if (rc < 0)
            return error_wrap(err, rc, "recording row %zu: ", row);
        run->alerts++;
        if (alerts_raised)
            ++*alerts_raised;
    }
    return KD_OK;
}

/* Steps an "UPDATE runs SET finished_at, input_count, match_count,
 * alert_count WHERE id" with the run's figures. */
static int finish_run(db_stmt *st, const kd_run *run, const char *now, kd_error *err)
{
    db_bind_text(st, 1, now);
    db_bind_int(st, 2, (int64_t)run->inputs);
    db_bind_int(st, 3, (int64_t)run->matches);
    db_bind_int(st, 4, (int64_t)run->alerts);
    db_bind_int(st, 5, run->id);
    return db_step(st, err) < 0 ? KD_EIO : 0;
}

int kd_store_run_commit(kd_run *run, int64_t *run_id, kd_error *err)
{
    db *d = run->s->d;
    char now[32];
    store_now_iso(now);
    db_stmt *st = NULL;
    if (run->in_batch) {
        /* the runs row, complete: durable with the batch */
        int rc;
        if (run->s->batch.runs_finish) {
            rc = finish_run(run->s->batch.runs_finish, run, now, err);
            db_reset(run->s->batch.runs_finish);
        } else {
            rc = write_batch_run(run, now, err);
        }
        if (!rc && run_id)
            *run_id = run->id;
        run_free(run);
        return rc ? error_wrap(err, rc, "cannot commit run: ") : KD_OK;
    }
    int rc = db_bulk_flush(d, err);
    if (!rc)
        rc = db_prepare(d, "UPDATE runs SET finished_at = ?, input_count = ?, match_count = ?, "
                           "alert_count = ? WHERE id = ?", &st, err);
    if (!rc) {
        rc = finish_run(st, run, now, err);
        db_finalize(st);
    }
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc) {
        error_wrap(err, rc, "cannot commit run: ");
        kd_store_run_abort(run);
        return rc;
    }
    if (run_id)
        *run_id = run->id;
    run_free(run);
    return KD_OK;
}

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
    a->created_at = dup_or_null(db_column_text(q, 2));
    a->reason = dup_or_null(db_column_text(q, 3));
    a->customer_id = dup_or_null(db_column_text(q, 4));
    a->input_name = dup_or_null(db_column_text(q, 5));
    a->entity_id = dup_or_null(db_column_text(q, 6));
    a->entity_hash = dup_or_null(db_column_text(q, 7));
    a->caption = dup_or_null(db_column_text(q, 8));
    a->schema = dup_or_null(db_column_text(q, 9));
    a->datasets = dup_or_null(db_column_text(q, 10));
    a->score = db_column_double(q, 11);
    a->explanation = dup_or_null(db_column_text(q, 12));
    int v = kd_verdict_from_name(db_column_text(q, 13));
    a->verdict = v < 0 ? KD_VERDICT_NONE : (kd_verdict)v;
    a->reviewer = dup_or_null(db_column_text(q, 14));
    a->comment = dup_or_null(db_column_text(q, 15));
    a->decided_at = dup_or_null(db_column_text(q, 16));
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
        *hash = dup_or_null(db_column_text(st, 1));
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
     * row until commit, and a second decision reads the first one's. */
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN" : "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    if (db_is_postgresql(d)) {
        db_stmt *lock;
        if (!(rc = db_prepare(d, "SELECT id FROM alerts WHERE id = ? FOR UPDATE", &lock, err))) {
            db_bind_int(lock, 1, alert_id);
            rc = db_step(lock, err) < 0 ? KD_EIO : 0;
            db_finalize(lock);
        }
    }
    kd_alert a = {0};
    if (!rc)
        rc = kd_store_alert_get(s, alert_id, &a, err);
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
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc) {
        db_exec(d, "ROLLBACK", NULL);
        return rc;
    }
    if (decision_id)
        *decision_id = id;
    if (repeated)
        *repeated = same;
    return KD_OK;
}

int kd_store_allow(kd_store *s, const char *customer_id, const char *entity_id,
                   const char *entity_hash, bool allowed, const char *actor, const char *reason,
                   kd_error *err)
{
    if (!customer_id || !*customer_id || !entity_id || !*entity_id || !entity_hash || !*entity_hash)
        return error_set(err, KD_EUSAGE, "an allow-list entry needs a customer, an entity and its hash");
    return insert_allow(s->d, customer_id, entity_id, entity_hash, allowed, 0,
                        actor && *actor ? actor : "unknown", reason, err);
}

/* ---- monitoring ------------------------------------------------------------ */

int kd_store_monitor_add(kd_store *s, const kd_customer *customers, size_t n, kd_error *err)
{
    db *d = s->d;
    for (size_t i = 0; i < n; i++)
        if (!customers[i].id || !*customers[i].id || !customers[i].name || !*customers[i].name)
            return error_set(err, KD_EUSAGE, "customer %zu: monitoring needs an id and a name", i + 1);
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN" : "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    db_stmt *st;
    rc = db_prepare(d, "INSERT INTO customers (id, name, birth_date, country, gender, schema, identifier, "
                       "added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                       "birth_date = excluded.birth_date, country = excluded.country, "
                       "gender = excluded.gender, schema = excluded.schema, "
                       "identifier = excluded.identifier, updated_at = excluded.updated_at",
                    &st, err);
    char now[32];
    store_now_iso(now);
    for (size_t i = 0; !rc && i < n; i++) {
        const kd_customer *c = &customers[i];
        db_bind_text(st, 1, c->id);
        db_bind_text(st, 2, c->name);
        db_bind_text(st, 3, c->birth_date);
        db_bind_text(st, 4, c->country);
        db_bind_text(st, 5, c->gender);
        db_bind_text(st, 6, c->schema);
        db_bind_text(st, 7, c->identifier);
        db_bind_text(st, 8, now);
        db_bind_text(st, 9, now);
        if (db_step(st, err) < 0)
            rc = error_wrap(err, KD_EIO, "customer %s: ", c->id);
        db_reset(st);
    }
    db_finalize(st);
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc) {
        db_exec(d, "ROLLBACK", NULL);
        return rc;
    }
    return KD_OK;
}

void kd_customer_list_free(kd_customer_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        kd_customer *c = &list->items[i];
        free((char *)c->id);
        free((char *)c->name);
        free((char *)c->birth_date);
        free((char *)c->country);
        free((char *)c->gender);
        free((char *)c->schema);
        free((char *)c->identifier);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

int kd_store_monitor_list(kd_store *s, kd_customer_list *out, kd_error *err)
{
    out->items = NULL;
    out->n = 0;
    db_stmt *q;
    int rc = db_prepare(s->d, "SELECT id, name, birth_date, country, gender, schema, identifier "
                              "FROM customers ORDER BY id", &q, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = db_step(q, err)) == 1) {
        if (vec_reserve(&out->items, &cap, out->n + 1, sizeof *out->items)) {
            rc = error_set(err, KD_ENOMEM, "out of memory listing customers");
            break;
        }
        out->items[out->n++] = (kd_customer){
            .id = dup_or_null(db_column_text(q, 0)), .name = dup_or_null(db_column_text(q, 1)),
            .birth_date = dup_or_null(db_column_text(q, 2)), .country = dup_or_null(db_column_text(q, 3)),
            .gender = dup_or_null(db_column_text(q, 4)), .schema = dup_or_null(db_column_text(q, 5)),
            .identifier = dup_or_null(db_column_text(q, 6))};
    }
    db_finalize(q);
    if (rc < 0) {
        kd_customer_list_free(out);
        return rc;
    }
    return KD_OK;
}

#define MONITOR_LIMIT 5

int kd_store_monitor_run(kd_store *s, const kd_index *ix, kd_matcher *m, double threshold,
                         const char *actor, kd_monitor_summary *out, kd_error *err)
{
    memset(out, 0, sizeof *out);
    kd_customer_list list;
    int rc = kd_store_monitor_list(s, &list, err);
    if (rc)
        return rc;
    if (list.n == 0) {
        kd_customer_list_free(&list);
        return error_set(err, KD_EEMPTY, "no customers under monitoring (add them with `kordon monitor add FILE.csv`)");
    }
    char parameters[128];
    snprintf(parameters, sizeof parameters, "{\"threshold\": %.2f, \"limit\": %d}",
             threshold > 0 ? threshold : KD_MATCH_THRESHOLD, MONITOR_LIMIT);
    kd_run_request req = {.kind = KD_RUN_MONITOR, .actor = actor, .source = "monitor",
                          .parameters = parameters};
    kd_run *run;
    if ((rc = kd_store_run_begin(s, &req, ix, &run, err))) {
        kd_customer_list_free(&list);
        return rc;
    }
    kd_match_result results[MONITOR_LIMIT];
    for (size_t i = 0; !rc && i < list.n; i++) {
        const kd_customer *c = &list.items[i];
        kd_match_query q;
        kd_error problem = {0};
        int n = kd_customer_query(c, threshold, MONITOR_LIMIT, &q, &problem);
        if (!n)
            n = kd_match(m, &q, results, NULL, &problem);
        size_t raised = 0;
        rc = kd_store_run_add(run, i + 1, c, n < 0 ? problem.message : NULL, results,
                              n < 0 ? 0 : (size_t)n, &raised, err);
        for (int k = 0; k < n; k++)
            out->matches += results[k].match != 0;
        out->alerts += raised;
    }
    out->customers = list.n;
    out->suppressed = out->matches - out->alerts;
    kd_customer_list_free(&list);
    if (rc) {
        kd_store_run_abort(run);
        return rc;
    }
    return kd_store_run_commit(run, &out->run_id, err);
}

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
    "ORDER BY 1, 12, 3";

/* A run's detail: its parameters, source, counts and dataset versions. */
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
    if ((rc = db_prepare(d, "SELECT dataset, version FROM run_datasets WHERE run_id = ? ORDER BY dataset",
                         &datasets, err))) {
        db_finalize(q);
        return rc;
    }
    /* No bound: "" precedes every time, "~" follows every digit. */
    const char *lo = from && *from ? from : "";
    const char *hi = to && *to ? to : "~";
    for (int k = 0; k < 4; k++) {
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

/* ---- idempotency keys ------------------------------------------------------ */

int kd_store_answer_get(kd_store *s, const char *key, const char *request_sha256, kd_kept_answer *out,
                        kd_error *err)
{
    memset(out, 0, sizeof *out);
    db_stmt *q;
    int rc = db_prepare(s->d, "SELECT request_sha256, status, content_type, body FROM idempotency_keys WHERE key = ?",
                        &q, err);
    if (rc)
        return rc;
    db_bind_text(q, 1, key);
    int step = db_step(q, err);
    if (step == 1) {
        const char *hash = db_column_text(q, 0), *type = db_column_text(q, 2), *body = db_column_text(q, 3);
        out->other_request = !hash || strcmp(hash, request_sha256) != 0;
        out->status = (int)db_column_int(q, 1);
        snprintf(out->content_type, sizeof out->content_type, "%s", type ? type : "application/json");
        out->body = strdup(body ? body : "");
        rc = out->body ? KD_OK : error_set(err, KD_ENOMEM, "out of memory");
    } else {
        rc = step < 0 ? KD_EIO : error_set(err, KD_ENOTFOUND, "no answer kept for this key");
    }
    db_finalize(q);
    return rc;
}

int kd_store_answer_put(kd_store *s, const char *key, const char *request_sha256, int status,
                        const char *content_type, const char *body, kd_error *err)
{
    char now[32];
    store_now_iso(now);
    db_stmt *st;
    int rc = db_prepare(s->d, db_is_postgresql(s->d)
                                  ? "INSERT INTO idempotency_keys (key, request_sha256, status, content_type, body, "
                                    "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING key"
                                  : "INSERT OR IGNORE INTO idempotency_keys (key, request_sha256, status, "
                                    "content_type, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING key",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, request_sha256);
    db_bind_int(st, 3, status);
    db_bind_text(st, 4, content_type ? content_type : "application/json");
    db_bind_text(st, 5, body ? body : "");
    db_bind_text(st, 6, now);
    int step = db_step(st, err);
    rc = step < 0 ? KD_EIO : KD_OK;
    bool inserted = step == 1; /* RETURNING answers only for a row inserted */
    while (step == 1)
        step = db_step(st, NULL);
    db_finalize(st);
    if (!rc && !inserted)
        return error_set(err, KD_EUSAGE, "Idempotency-Key: already used");
    return rc;
}
