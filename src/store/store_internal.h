/* What the store's files share; not for other modules (see store.h). */
#ifndef KD_STORE_INTERNAL_H
#define KD_STORE_INTERNAL_H

#include "kordon/store.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

/* The transaction of kd_store_batch_begin: the runs written in it share
 * its bulk statements and id reservations, so that each table's rows of
 * the whole group go in one COPY on PostgreSQL. */
typedef struct store_batch {
    bool open;
    db_stmt *runs, *inputs, *results, *alerts;
    db_stmt *runs_finish; /* SQLite: a run's row is written first, completed at its commit */
    db_stmt *allow_query;
    db_ids run_ids, input_ids, result_ids;
    size_t raised; /* alerts raised by the batch's runs: gathered into cases before the commit */
} store_batch;

/* The index a connection last recorded runs against (index_versions.c). */
typedef struct store_index_memo {
    const kd_index *ix;         /* alive while a run of it is open; compared, never followed after */
    char fingerprint[65];       /* "" before the first run */
    int64_t version_id;         /* its index_versions row, committed; 0: not known */
    int64_t pending_version_id; /* written by the open transaction */
    strmap hashes;              /* party position → index in hash_values (kd_party_hash) */
    char (*hash_values)[65];
    size_t n_hash_values, hash_cap;
} store_index_memo;

struct kd_store {
    db *d;
    store_batch batch;
    store_index_memo memo;
    int64_t keep_answers;      /* seconds an Idempotency-Key's answer is kept; 0: for ever */
    double answers_expired_at; /* monotonic seconds of the last expiry by this handle; 0: never */
    double gathered_at;        /* monotonic seconds of the last gathering in a batch's commit; 0: never */
    bool batch_leaves_gathering; /* kd_store_batch_gathers(s, false) */
};

/* Helpers every file of the store uses (store_open.c). */
/* ISO 8601 UTC with milliseconds: sorts as text, as the audit export needs. */
void store_now_iso(char out[32]);
/* The same, `seconds` before now. */
void store_iso_ago(int64_t seconds, char out[32]);
/* Steps an INSERT ... RETURNING id. */
int store_insert_returning(db_stmt *st, int64_t *id, kd_error *err);
/* A malloc'd copy of s (the caller's to free), or NULL for NULL or when
 * out of memory. */
char *store_dup_or_null(const char *s);

/* Decisions and cases (alerts.c, cases.c): a decision in the caller's
 * transaction; and what a decision on one alert does to its case. */
int store_decide_in(kd_store *s, int64_t alert_id, kd_verdict verdict, const char *reviewer, const char *comment,
                    bool follow_case, int64_t *decision_id, bool *repeated, kd_error *err);
int store_case_follow_decision(kd_store *s, int64_t alert_id, kd_verdict verdict, const char *reviewer,
                               const char *comment, kd_error *err);
/* Closes a case (or proposes it, with four_eyes) once every alert of it
 * has a final decision (cases.c). */
int store_case_settle(kd_store *s, int64_t case_id, const char *actor, const char *comment, bool four_eyes,
                      kd_error *err);
/* Gathers the alerts no case holds into cases, in the caller's open
 * transaction (case_gather.c): what a run's or a batch's commit does
 * before it commits, so that its alerts and their cases are durable
 * together, without a transaction (and an fsync) of their own. */
int store_cases_gather_in(kd_store *s, size_t *gathered, kd_error *err);

/* The index a run is recorded against (index_versions.c). Each run's
 * begin calls store_index_memo_begin; store_index_version gives (writing
 * it if need be) the index's row in index_versions; every commit and
 * rollback settles what the transaction wrote. */
void store_index_memo_begin(kd_store *s, const kd_index *ix);
int store_index_version(kd_store *s, const kd_index *ix, int64_t *id, kd_error *err);
void store_index_memo_settle(kd_store *s, bool committed);
void store_index_memo_free(kd_store *s);
/* kd_party_hash, remembered for the connection's index. */
void store_party_hash(kd_store *s, const kd_index *ix, size_t position, char out[65]);

#endif
