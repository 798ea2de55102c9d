/* Screening and monitoring runs (see store.h): a run's inputs, results
 * and the alerts they raise, written in one transaction, alone or with
 * other runs in a batch (group commit); and what decides that a hit is an
 * alert (the allow-list, the previous monitoring run). */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The PostgreSQL advisory lock monitoring runs take (any number the
 * database's other users would not: "kordon" in ASCII) */
#define MONITOR_LOCK_KEY "118126404726638"

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

/* The allow-list as it stands: the newest row for each pair. */
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
    bool lookup;   /* recorded, raises no alerts (kd_run_request) */
    int64_t id;
    db_stmt *ins_input, *ins_result, *ins_alert;
    db_ids *input_ids_in, *result_ids_in; /* the run's own, or the batch's */
    db_ids input_ids, result_ids;
    pair_map allow, previous;
    db_stmt *allow_query; /* small runs: one pair at a time, instead of allow */
    int64_t index_version_id; /* its row in index_versions */
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
    if (!run->in_batch) {
        db_exec(run->s->d, "ROLLBACK", NULL);
        store_index_memo_settle(run->s, false);
    }
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
    rc = db_prepare_bulk(d, "runs", "id, kind, actor, source, parameters, index_built_at, index_version_id, "
                                    "started_at, finished_at, input_count, match_count, alert_count", &b->runs, err);
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

/* Gathers the transaction's alerts into cases before its commit: durable
 * together, one fsync. A failure to gather spoils nothing recorded: rolled
 * back to before it, the alerts wait for the next gathering (reading cases
 * gathers first). */
static int gather_before_commit(kd_store *s, kd_error *err)
{
    int rc = db_exec(s->d, "SAVEPOINT gather", err);
    if (rc)
        return rc;
    kd_error why = {0};
    if (store_cases_gather_in(s, NULL, &why))
        return db_exec(s->d, "ROLLBACK TO SAVEPOINT gather", err);
    return db_exec(s->d, "RELEASE SAVEPOINT gather", err);
}

/* A server's batches gather at most this often (seconds): on PostgreSQL a
 * gathering is a dozen statements planned anew, and a batch every few
 * milliseconds paying them lost two thirds of the recorded throughput.
 * Alerts in between wait at most this long, and reading cases gathers
 * first, so no reader sees one without its case. */
#define BATCH_GATHER_EVERY 0.1

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int kd_store_batch_commit(kd_store *s, kd_error *err)
{
    int rc = db_bulk_flush(s->d, err);
    double now = monotonic_seconds();
    if (!rc && s->batch.raised && !s->batch_leaves_gathering && (s->gathered_at == 0 || now - s->gathered_at >= BATCH_GATHER_EVERY)) {
        s->gathered_at = now;
        rc = gather_before_commit(s, err);
    }
    if (!rc)
        rc = db_exec(s->d, "COMMIT", err);
    if (rc) {
        kd_store_batch_abort(s);
        return error_wrap(err, rc, "cannot commit the recorded runs: ");
    }
    store_index_memo_settle(s, true);
    batch_close(s);
    return KD_OK;
}

void kd_store_batch_gathers(kd_store *s, bool gathers) { s->batch_leaves_gathering = !gathers; }

int kd_store_commits_checkpoint(kd_store *s, bool checkpoint, kd_error *err)
{
    if (db_is_postgresql(s->d))
        return KD_OK;
    /* 1000 pages: SQLite's default */
    return db_exec(s->d, checkpoint ? "PRAGMA wal_autocheckpoint = 1000" : "PRAGMA wal_autocheckpoint = 0", err);
}

int kd_store_checkpoint(kd_store *s, kd_error *err)
{
    if (db_is_postgresql(s->d))
        return KD_OK;
    return db_exec(s->d, "PRAGMA wal_checkpoint(PASSIVE)", err);
}

void kd_store_batch_abort(kd_store *s)
{
    batch_close(s); /* unsent COPY rows go with the statements */
    db_exec(s->d, "ROLLBACK", NULL);
    store_index_memo_settle(s, false);
}

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
    db_bind_int(st, 7, run->index_version_id);
    db_bind_text(st, 8, run->started_at);
    db_bind_text(st, 9, finished_at); /* NULL: not yet */
    db_bind_int(st, 10, (int64_t)run->inputs);
    db_bind_int(st, 11, (int64_t)run->matches);
    db_bind_int(st, 12, (int64_t)run->alerts);
    int rc = db_step(st, err) < 0 ? KD_EIO : 0;
    db_reset(st);
    return rc;
}

/* A run of the store's batch: its id reserved, the batch's statements
 * borrowed; the runs row waits for the commit. */
static int run_begin_in_batch(kd_store *s, kd_run *run, const kd_run_request *req, kd_run **out, kd_error *err)
{
    store_batch *b = &s->batch;
    run->ins_input = b->inputs;
    run->ins_result = b->results;
    run->ins_alert = b->alerts;
    run->allow_query = b->allow_query;
    run->input_ids_in = &b->input_ids;
    run->result_ids_in = &b->result_ids;
    run->actor = strdup(req->actor);
    run->source = strdup(req->source ? req->source : "");
    run->parameters = strdup(req->parameters && *req->parameters ? req->parameters : "{}");
    int rc = run->actor && run->source && run->parameters ? db_next_id(s->d, &b->run_ids, &run->id, err)
                                                          : error_set(err, KD_ENOMEM, "out of memory");
    if (!rc)
        rc = store_index_version(s, run->ix, &run->index_version_id, err);
    if (!rc && !db_is_postgresql(s->d))
        rc = write_batch_run(run, NULL, err);
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
    /* the record says who: a run nobody asked for is not recorded */
    if (!req->actor || !*req->actor)
        return error_set(err, KD_EUSAGE, "a run needs who asked for it (a user or a client's name)");
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
    run->lookup = req->lookup;
    if (req->lookup && req->kind != KD_RUN_SCREEN) {
        free(run);
        return error_set(err, KD_EUSAGE, "only screening runs can be lookups");
    }
    if (run->in_batch && !s->batch.open) {
        free(run);
        return error_set(err, KD_EUSAGE, "no recording batch is open");
    }
    run->input_ids.table = "inputs";
    run->result_ids.table = "results";
    store_now_iso(run->started_at);
    store_index_memo_begin(s, ix);
    /* keys built in scratch buffers or on the stack: the maps keep copies */
    run->allow.keys.copy_keys = run->previous.keys.copy_keys = true;
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
    if (!rc)
        rc = store_index_version(s, ix, &run->index_version_id, err);
    if (!rc)
        rc = db_prepare(d, "INSERT INTO runs (kind, actor, source, parameters, index_built_at, index_version_id, "
                           "started_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", &st, err);
    if (!rc) {
        db_bind_text(st, 1, req->kind == KD_RUN_MONITOR ? "monitor" : "screen");
        db_bind_text(st, 2, req->actor);
        db_bind_text(st, 3, req->source);
        db_bind_text(st, 4, req->parameters && *req->parameters ? req->parameters : "{}");
        db_bind_text(st, 5, kd_index_built_at(ix));
        db_bind_int(st, 6, run->index_version_id);
        db_bind_text(st, 7, run->started_at);
        rc = store_insert_returning(st, &run->id, err);
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
    else if (!rc && !run->lookup) /* a lookup raises no alert to silence */
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
        /* computed once per index and connection */
        char hash[65] = "";
        if (r->match)
            store_party_hash(run->s, run->ix, r->party, hash);
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
        if (run->lookup)
            continue;
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
        if (run->in_batch)
            run->s->batch.raised++;
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
    if (!rc && run->alerts)
        rc = gather_before_commit(run->s, err);
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc) {
        error_wrap(err, rc, "cannot commit run: ");
        kd_store_run_abort(run);
        return rc;
    }
    store_index_memo_settle(run->s, true);
    if (run_id)
        *run_id = run->id;
    run_free(run);
    return KD_OK;
}
