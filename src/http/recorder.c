/* Recording /match and /screen in the audit store (--db).
 *
 * /match requests are small runs, many at once: each is kept in memory
 * while it is answered, then handed to one recorder thread that writes
 * every run waiting in one transaction (kd_store_batch_begin) and commits
 * once: one fsync for a whole group instead of one a request, one COPY a
 * table on PostgreSQL, and the matching itself no longer queues behind
 * the writer. A request is answered only after the commit that holds its
 * run ("group commit").
 *
 * /screen streams a file's rows as they are screened, too many to keep:
 * it holds the recorder connection for its whole run, as before, and the
 * recorder thread waits for it. */
#include "http_internal.h"
#include "kordon/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One query of a /match request, its strings copied. */
typedef struct pending_row {
    size_t row;
    char *id, *name, *birth_date, *country, *gender, *identifier;
    const char *schema; /* a kd_schema_name: static */
    kd_match_result *results;
    size_t n_results;
} pending_row;

struct http_pending_run {
    char *actor, *source, *parameters;
    size_t expected_inputs;
    bool lookup; /* the parameters' "lookup": recorded, raises no alerts */
    const kd_index *ix; /* the request's index, alive until it is answered */
    pending_row *rows;
    size_t n_rows, cap_rows;
    kd_error err; /* why it was not recorded */
    int rc;
    /* the request suspended until it is written (http_recorder_submit) */
    void (*on_done)(void *arg, int rc, const kd_error *err, const kd_kept_answer *kept);
    void *on_done_arg;
    /* Idempotency-Key: kept with the run (answer_* is the answer given);
     * a key the store keeps already means no run, and `kept` is sent */
    http_idempotency idem;
    int answer_status;
    char *answer_body;
    kd_kept_answer kept;
    bool replay;
    http_pending_run *next;
};

/* Runs written in one transaction at most: a group holds SQLite's write
 * lock while it is written. */
#define GROUP_MAX 256


static void pending_free(http_pending_run *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_rows; i++) {
        pending_row *r = &p->rows[i];
        free(r->id);
        free(r->name);
        free(r->birth_date);
        free(r->country);
        free(r->gender);
        free(r->identifier);
        free(r->results);
    }
    free(p->rows);
    free(p->answer_body);
    free(p->kept.body);
    free(p->actor);
    free(p->source);
    free(p->parameters);
    free(p);
}

/* After a failed write: a writer whose connection is gone closes it
 * (the next run opens another), and the store is down until then. */
static void lost_writer(http_writer *w)
{
    if (w->store && kd_store_connection_lost(w->store)) {
        kd_store_close(w->store);
        w->store = NULL;
        http_store_mark_down(w->server, "the connection to the store was lost");
    }
}

static bool on_postgresql(const http_server *s)
{
    return s->options.db && !strcmp(kd_store_target_engine(s->options.db), "postgresql");
}

/* The writer's connection, opened if need be; the caller holds its lock.
 * A connection opened before the store's last outage is not trusted: the
 * outage was found on another connection (a PostgreSQL restart), and this
 * one's first write after it would fail a request. A writer's commits
 * leave to the housekeeper what it does (housekeeper_main): SQLite's
 * checkpoints, PostgreSQL's gathering. */
static int writer_ready(http_writer *w, kd_error *err)
{
    unsigned long outages = atomic_load(&w->server->metrics.store_outages);
    if (w->store && (kd_store_connection_lost(w->store) || w->outages_seen != outages)) {
        kd_store_close(w->store);
        w->store = NULL;
    }
    w->outages_seen = outages;
    if (w->store)
        return KD_OK;
    bool writer = w != &w->server->housekeeper;
    if (http_store_open(w->server, &w->store, err) ||
        (writer && kd_store_commits_checkpoint(w->store, false, err))) {
        kd_store_close(w->store);
        w->store = NULL;
        return err->code ? err->code : KD_EIO;
    }
    if (writer)
        kd_store_batch_gathers(w->store, !on_postgresql(w->server));
    return KD_OK;
}

/* Writes one pending run into the open batch. */
static int write_pending(kd_store *store, http_pending_run *p, kd_error *err)
{
    /* a retry (or its twin in this very group): the first answer stands */
    if (p->idem.key[0]) {
        free(p->kept.body);
        memset(&p->kept, 0, sizeof p->kept);
        p->replay = false;
        int rc = kd_store_answer_get(store, p->idem.key, p->idem.request_sha256, &p->kept, err);
        if (!rc) {
            p->replay = true;
            return KD_OK;
        }
        if (rc != KD_ENOTFOUND)
            return rc;
    }
    kd_run_request req = {KD_RUN_SCREEN, p->actor, p->source, p->parameters, p->expected_inputs, true, p->lookup};
    kd_run *run;
    int rc = kd_store_run_begin(store, &req, p->ix, &run, err);
    for (size_t i = 0; !rc && i < p->n_rows; i++) {
        const pending_row *r = &p->rows[i];
        kd_customer c = {r->id, r->name, r->birth_date, r->country, r->gender, r->schema, r->identifier};
        rc = kd_store_run_add(run, r->row, &c, NULL, r->results, r->n_results, NULL, err);
    }
    if (rc) {
        if (run)
            kd_store_run_abort(run);
        return rc;
    }
    rc = kd_store_run_commit(run, NULL, err);
    if (!rc && p->idem.key[0])
        rc = kd_store_answer_put(store, p->idem.key, p->idem.request_sha256, p->answer_status, "application/json",
                                 p->answer_body ? p->answer_body : "", err);
    return rc;
}

/* Writes runs in one batch; 0, or the error that spoiled the batch (and
 * *failed, the run that failed, if one did). */
static int write_batch(http_writer *w, http_pending_run *first, http_pending_run *end, http_pending_run **failed,
                       kd_error *err)
{
    *failed = NULL;
    int rc = writer_ready(w, err);
    if (!rc)
        rc = kd_store_batch_begin(w->store, err);
    for (http_pending_run *p = first; !rc && p != end; p = p->next)
        if ((rc = write_pending(w->store, p, err)))
            *failed = p;
    if (!rc)
        return kd_store_batch_commit(w->store, err);
    if (w->store)
        kd_store_batch_abort(w->store);
    return rc;
}

/* Writes a group: one transaction, one commit. A run that fails spoils
 * the transaction; then, unless the store is gone, each run is written
 * on its own, so that one bad run fails only its own request. */
static void write_group(http_writer *w, http_pending_run *group)
{
    double started = http_now();
    pthread_mutex_lock(&w->lock);
    kd_error err = {0};
    http_pending_run *failed;
    int rc = write_batch(w, group, NULL, &failed, &err);
    if (rc && failed && !kd_store_connection_lost(w->store)) {
        for (http_pending_run *p = group; p; p = p->next)
            p->rc = write_batch(w, p, p->next, &failed, &p->err);
    } else {
        for (http_pending_run *p = group; p; p = p->next) {
            p->rc = rc;
            if (rc)
                p->err = err;
        }
    }
    lost_writer(w);
    pthread_mutex_unlock(&w->lock);
    size_t runs = 0, not_written = 0;
    for (http_pending_run *p = group; p; p = p->next)
        runs++, not_written += p->rc != 0;
    metrics_record_group(&w->server->metrics, runs, not_written, http_now() - started);
}

static void *writer_main(void *arg)
{
    http_writer *w = arg;
    http_server *s = w->server;
    pthread_mutex_lock(&s->group_lock);
    for (;;) {
        while (!s->group_head && !s->group_stop)
            pthread_cond_wait(&s->group_queued, &s->group_lock);
        if (!s->group_head)
            break; /* stopping, nothing left */
        http_pending_run *group = s->group_head, *last = group;
        size_t n = 1;
        while (last->next && n < GROUP_MAX)
            last = last->next, n++;
        s->group_head = last->next;
        if (!s->group_head)
            s->group_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&s->group_lock);
        write_group(w, group);
        /* suspended requests are resumed from here, and their runs freed */
        for (http_pending_run *p = group, *next; p; p = next) {
            next = p->next;
            p->on_done(p->on_done_arg, p->rc, &p->err, p->replay ? &p->kept : NULL);
            pending_free(p);
        }
        pthread_mutex_lock(&s->group_lock);
    }
    pthread_mutex_unlock(&s->group_lock);
    return NULL;
}

/* The housekeeper: what the writers' commits leave to a thread of its
 * own, with its own connection, so that no answer waits for it.
 * PostgreSQL: gathering alerts into cases, once a second when any wait.
 * A gathering takes the gatherers' lock, which every writer that gathered
 * in its own commit queued behind (the writers of one server gathered at
 * the same moments, and each of their groups waited ~0.1 s a second); a
 * lock another replica's gathering holds now delays no answer. Readers of
 * cases gather first, as before. SQLite gathers in a group's commit (one
 * writer at a time there in any case; every 0.1 s, see runs.c), and the
 * housekeeper checkpoints the write-ahead log ten times a second: a
 * checkpoint copies the log into the database and syncs it, which the
 * commit that triggered it, and every request waiting on that commit,
 * would wait for. (Measured, recorded /match's p99 came from gathering,
 * not from checkpoints; moving them made no difference seen on this box,
 * but a larger store's checkpoints take longer.) */
static void *housekeeper_main(void *arg)
{
    http_writer *h = arg;
    http_server *s = h->server;
    bool postgresql = on_postgresql(s);
    long interval_ns = postgresql ? 1000000000L : 100000000L;
    pthread_mutex_lock(&s->group_lock);
    while (!s->group_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += interval_ns;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&s->housekeeper_wake, &s->group_lock, &until);
        if (s->group_stop)
            break;
        pthread_mutex_unlock(&s->group_lock);
        kd_error err = {0};
        if (!writer_ready(h, &err) &&
            (postgresql ? kd_store_cases_gather(h->store, NULL, &err) : kd_store_checkpoint(h->store, &err)))
            lost_writer(h);
        pthread_mutex_lock(&s->group_lock);
    }
    pthread_mutex_unlock(&s->group_lock);
    return NULL;
}

/* How many writers: --writers, else one on SQLite (one writer at a time
 * in any case) and HTTP_WRITERS_DEFAULT_PG on PostgreSQL, where a
 * connection spends most of a group waiting for the server. */
#define HTTP_WRITERS_DEFAULT_PG 2

static unsigned writers_wanted(const http_server *s)
{
    if (s->options.writers)
        return s->options.writers < HTTP_WRITERS_MAX ? s->options.writers : HTTP_WRITERS_MAX;
    return on_postgresql(s) ? HTTP_WRITERS_DEFAULT_PG : 1;
}

int http_recorder_start(http_server *s, kd_error *err)
{
    pthread_mutex_init(&s->group_lock, NULL);
    pthread_cond_init(&s->group_queued, NULL);
    s->n_writers = s->options.db ? writers_wanted(s) : 1;
    for (unsigned i = 0; i < s->n_writers; i++) {
        s->writers[i].server = s;
        pthread_mutex_init(&s->writers[i].lock, NULL);
    }
    s->group_ready = true;
    s->housekeeper.server = s;
    pthread_mutex_init(&s->housekeeper.lock, NULL);
    pthread_cond_init(&s->housekeeper_wake, NULL);
    if (!s->options.db)
        return KD_OK;
    for (unsigned i = 0; i < s->n_writers; i++) {
        if (pthread_create(&s->writers[i].thread, NULL, writer_main, &s->writers[i]))
            return error_set(err, KD_ENOMEM, "cannot start the recorder's writer threads");
        s->writers[i].running = true;
    }
    if (pthread_create(&s->housekeeper.thread, NULL, housekeeper_main, &s->housekeeper))
        return error_set(err, KD_ENOMEM, "cannot start the store's housekeeping thread");
    s->housekeeper.running = true;
    return KD_OK;
}

void http_recorder_stop(http_server *s)
{
    if (!s->group_ready)
        return;
    pthread_mutex_lock(&s->group_lock);
    s->group_stop = true;
    pthread_cond_broadcast(&s->group_queued);
    pthread_cond_broadcast(&s->housekeeper_wake);
    pthread_mutex_unlock(&s->group_lock);
    if (s->housekeeper.running) {
        pthread_join(s->housekeeper.thread, NULL);
        s->housekeeper.running = false;
    }
    for (unsigned i = 0; i < s->n_writers; i++)
        if (s->writers[i].running) {
            pthread_join(s->writers[i].thread, NULL);
            s->writers[i].running = false;
        }
}

void http_recorder_free(http_server *s)
{
    if (!s->group_ready)
        return;
    http_recorder_stop(s);
    for (unsigned i = 0; i < s->n_writers; i++) {
        kd_store_close(s->writers[i].store);
        s->writers[i].store = NULL;
        pthread_mutex_destroy(&s->writers[i].lock);
    }
    kd_store_close(s->housekeeper.store);
    s->housekeeper.store = NULL;
    pthread_mutex_destroy(&s->housekeeper.lock);
    pthread_cond_destroy(&s->housekeeper_wake);
    pthread_cond_destroy(&s->group_queued);
    pthread_mutex_destroy(&s->group_lock);
    s->group_ready = false;
}

void http_recorder_submit(http_server *s, http_pending_run *run,
                          void (*done)(void *arg, int rc, const kd_error *err, const kd_kept_answer *kept),
                          void *arg)
{
    run->on_done = done;
    run->on_done_arg = arg;
    pthread_mutex_lock(&s->group_lock);
    bool stopped = s->group_stop; /* set under the lock before the thread drains and ends */
    if (!stopped) {
        run->next = NULL;
        if (s->group_tail)
            s->group_tail->next = run;
        else
            s->group_head = run;
        s->group_tail = run;
        pthread_cond_signal(&s->group_queued);
    }
    pthread_mutex_unlock(&s->group_lock);
    if (stopped) { /* a request that outlived the shutdown's grace: not recorded, not answered 200 */
        kd_error err;
        error_set(&err, KD_EIO, "the server is stopping");
        done(arg, KD_EIO, &err, NULL);
        pending_free(run);
    }
}

/* ---- the request's side -------------------------------------------------- */

/* A run is a lookup when its recorded parameters say so: what the audit
 * trail reads and what the store does (no alerts) cannot disagree. */
static bool run_is_lookup(json_t *parameters)
{
    return json_is_true(json_object_get(parameters, "lookup"));
}

int http_record_begin_as(http_server *s, const char *actor, const kd_index *ix, const char *source,
                         json_t *parameters, http_recording *rec, kd_error *err)
{
    memset(rec, 0, sizeof *rec);
    if (!s->options.db)
        return 0;
    http_writer *w = &s->writers[0];
    pthread_mutex_lock(&w->lock);
    int rc = writer_ready(w, err);
    if (rc) {
        pthread_mutex_unlock(&w->lock);
        return rc;
    }
    rec->store = w->store;
    rec->server = s;
    char *params = json_dumps(parameters, JSON_COMPACT | JSON_SORT_KEYS);
    kd_run_request req = {KD_RUN_SCREEN, actor, source, params ? params : "{}",
                          json_integer_value(json_object_get(parameters, "queries")), false,
                          run_is_lookup(parameters)};
    rc = kd_store_run_begin(rec->store, &req, ix, &rec->run, err);
    free(params);
    if (rc) {
        lost_writer(w);
        memset(rec, 0, sizeof *rec);
        pthread_mutex_unlock(&w->lock);
    }
    return rc;
}

int http_record_begin(http_request *rq, const char *source, json_t *parameters, http_recording *rec,
                      kd_error *err)
{
    http_server *s = rq->server;
    memset(rec, 0, sizeof *rec);
    if (!s->options.db)
        return 0;
    /* a store known to be down fails the request now, not after matching */
    char why[256];
    if (http_store_down(s, why, sizeof why, NULL))
        return error_set(err, KD_EIO, "the audit store is unavailable: %s", why);
    http_pending_run *p = calloc(1, sizeof *p);
    if (p) {
        p->actor = strdup(http_actor_of(rq));
        p->source = strdup(source);
        p->parameters = json_dumps(parameters, JSON_COMPACT | JSON_SORT_KEYS);
        p->expected_inputs = (size_t)json_integer_value(json_object_get(parameters, "queries"));
        p->lookup = run_is_lookup(parameters);
        p->ix = rq->index->index;
    }
    if (!p || !p->actor || !p->source || !p->parameters) {
        pending_free(p);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    rec->pending = p;
    rec->server = s;
    return 0;
}

static char *copy_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

int http_record_add(http_recording *rec, size_t row, const char *id, const http_match_query *c,
                    const kd_match_result *results, size_t n, kd_error *err)
{
    kd_customer customer = {.id = id,
                            .name = c->n_names ? c->names[0] : NULL,
                            .birth_date = c->n_dates ? c->dates[0] : NULL,
                            .country = c->country[0] ? c->country : NULL,
                            .gender = c->gender,
                            .schema = c->schema >= 0 ? kd_schema_name((kd_schema)c->schema) : NULL,
                            .identifier = c->identifier};
    http_pending_run *p = rec->pending;
    if (p) {
        if (p->n_rows == p->cap_rows) {
            size_t cap = p->cap_rows ? p->cap_rows * 2 : 4;
            pending_row *rows = realloc(p->rows, cap * sizeof *rows);
            if (!rows)
                return error_set(err, KD_ENOMEM, "out of memory");
            p->rows = rows;
            p->cap_rows = cap;
        }
        pending_row *r = &p->rows[p->n_rows++];
        *r = (pending_row){row,
                           copy_or_null(customer.id),
                           copy_or_null(customer.name),
                           copy_or_null(customer.birth_date),
                           copy_or_null(customer.country),
                           copy_or_null(customer.gender),
                           copy_or_null(customer.identifier),
                           customer.schema,
                           n ? malloc(n * sizeof *results) : NULL,
                           n};
        if (n && r->results)
            memcpy(r->results, results, n * sizeof *results);
        if ((n && !r->results) || (customer.id && !r->id) || (customer.name && !r->name))
            return error_set(err, KD_ENOMEM, "out of memory");
        return 0;
    }
    if (!rec->run)
        return 0;
    int rc = kd_store_run_add(rec->run, row, &customer, NULL, results, n, NULL, err);
    if (rc && kd_store_connection_lost(rec->store))
        http_store_mark_down(rec->server, "the connection to the store was lost");
    return rc;
}

int http_record_end(http_recording *rec, bool commit, kd_error *err)
{
    http_server *s = rec->server;
    http_pending_run *p = rec->pending;
    if (p) {
        /* a kept run is committed only by handing it over with its answer */
        pending_free(p);
        memset(rec, 0, sizeof *rec);
        return commit ? error_set(err, KD_EUSAGE, "a kept run is recorded through http_record_hand_over") : 0;
    }
    if (!rec->store)
        return 0;
    int rc = 0;
    if (commit)
        rc = kd_store_run_commit(rec->run, NULL, err);
    else
        kd_store_run_abort(rec->run);
    lost_writer(&s->writers[0]);
    memset(rec, 0, sizeof *rec);
    pthread_mutex_unlock(&s->writers[0].lock);
    return rc;
}

int http_record_keep(http_recording *rec, const char *key, const char *request_sha256, int status,
                     const char *content_type, const char *body, kd_error *err)
{
    if (!rec->run)
        return error_set(err, KD_EUSAGE, "no recorded run is open to keep an answer with");
    int rc = kd_store_answer_put(rec->store, key, request_sha256, status, content_type, body, err);
    if (rc && kd_store_connection_lost(rec->store))
        http_store_mark_down(rec->server, "the connection to the store was lost");
    return rc;
}

void http_record_hand_over(http_recording *rec, http_response *rs, const http_idempotency *idem)
{
    http_pending_run *p = rec->pending;
    if (idem && idem->key[0]) {
        p->idem = *idem;
        p->answer_status = rs->status;
        p->answer_body = rs->body ? strndup(rs->body, rs->body_len) : NULL;
        if (rs->body && !p->answer_body)
            p->idem.key[0] = '\0'; /* out of memory: recorded, but not kept for a retry */
    }
    rs->record = p;
    memset(rec, 0, sizeof *rec);
}
