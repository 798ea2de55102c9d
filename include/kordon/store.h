/* store — the audit record of screening: runs, every input and its
 * results, alerts, reviewers' decisions, the allow-list and the customers
 * under monitoring (screening them is kordon/screening.h's). One SQLite file by default, or PostgreSQL through libpq
 * for a URI target; the schema comes from the migrations in
 * src/store/migrations, applied on open.
 *
 * Ownership: kd_store_open returns a store released with kd_store_close.
 * Structures the store fills (kd_alert, kd_alert_list, kd_customer_list)
 * own their strings and are released with their *_free function. Strings
 * passed in are copied; the store keeps no pointer to them.
 * A store is not thread-safe: one per thread (SQLite and PostgreSQL both
 * serialise writers; WAL lets SQLite readers proceed during a run).
 * Every function returning int returns 0 or a negative KD_E* code with a
 * message in err. */
#ifndef KD_STORE_H
#define KD_STORE_H

#include "kordon.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct kd_store kd_store;

/* target: a file path (SQLite, created when missing) or a
 * "postgresql://user@host/db" URI. Applies pending migrations. */
KD_API int kd_store_open(const char *target, kd_store **out, kd_error *err);
/* Whether the store's connection is gone (its PostgreSQL server restarted
 * or unreachable): close it and open another. */
KD_API bool kd_store_connection_lost(const kd_store *s);
/* Asks the store a trivial question: whether it answers. */
KD_API int kd_store_ping(kd_store *s, kd_error *err);
KD_API void kd_store_close(kd_store *s);
/* "sqlite" or "postgresql" */
KD_API const char *kd_store_engine(const kd_store *s);
/* The engine a --db target names, before anything is opened. */
KD_API const char *kd_store_target_engine(const char *target);
/* Highest migration applied. */
KD_API int kd_store_schema_version(kd_store *s, kd_error *err);

/* Content hash (SHA-256 hex) of an entity's schema and property values,
 * independent of value order and of dataset versions; a listing "changed"
 * when this changes. */
KD_API void kd_entity_hash(const kd_index *ix, size_t position, char out[65]);
/* The same for a party: a record alone hashes as kd_entity_hash; a party
 * of several records hashes their ids and hashes, so that a listing added,
 * changed or dropped by any authority is a change of the party. */
KD_API void kd_party_hash(const kd_index *ix, size_t position, char out[65]);

/* ---- screening runs -------------------------------------------------------
 * A run is written in one transaction: kd_store_run_begin opens it,
 * kd_store_run_add records each input with its results (raising alerts),
 * kd_store_run_commit makes it visible. A run that is not committed (an
 * error, a crash, kd_store_run_abort) leaves nothing behind. */
typedef enum kd_run_kind { KD_RUN_SCREEN, KD_RUN_MONITOR } kd_run_kind;

typedef struct kd_run_request {
    kd_run_kind kind;
    const char *actor;       /* who asked: user name or API client */
    const char *source;      /* input file, "api", "monitor" */
    const char *parameters;  /* JSON object text: threshold, limit, ... */
    /* How many inputs the run will have, when known (an API request: its
     * queries). A small screening run looks each hit's pair up in the
     * allow-list instead of loading the whole list first. 0: unknown. */
    size_t expected_inputs;
    /* The run is one of several in the transaction of
     * kd_store_batch_begin: nothing is durable before
     * kd_store_batch_commit, and a run that fails spoils the batch (abort
     * it; kd_store_run_abort only frees the run). Screening runs only. */
    bool in_batch;
    /* A lookup (an analyst's search, a text scan): its inputs and results
     * are recorded like any run's, but its matches raise no alerts, since
     * nobody is screened; an analyst who wants a case opens one.
     * Screening runs only. */
    bool lookup;
} kd_run_request;

typedef struct kd_run kd_run;

/* Records the request and the version of every dataset in ix. */
KD_API int kd_store_run_begin(kd_store *s, const kd_run_request *req, const kd_index *ix, kd_run **out,
                       kd_error *err);
/* One input (row is its 1-based position in the input) and its results,
 * best first. error: why the input could not be screened, or NULL.
 * Screening runs raise an alert for every result with match: true unless
 * the (customer id, entity) pair is allow-listed at the entity's current
 * content; monitoring runs only for pairs that are new since the previous
 * monitoring run or whose entity changed. *alerts_raised (may be NULL)
 * receives how many this input raised. */
KD_API int kd_store_run_add(kd_run *run, size_t row, const kd_customer *input, const char *error,
                     const kd_match_result *results, size_t n_results, size_t *alerts_raised,
                     kd_error *err);
/* Commits; *run_id (may be NULL) receives the run's id. Frees run, also
 * when it fails. After an error from kd_store_run_add, abort the run. */
KD_API int kd_store_run_commit(kd_run *run, int64_t *run_id, kd_error *err);
/* Rolls back and frees run. */
KD_API void kd_store_run_abort(kd_run *run);

/* Group commit: many small runs (a server's concurrent requests) in one
 * transaction, one fsync for all of them, each table's rows in one COPY on
 * PostgreSQL. Begin, then each run with in_batch set, then commit (or
 * abort: every run of the batch is gone). One batch at a time per store. */
KD_API int kd_store_batch_begin(kd_store *s, kd_error *err);
KD_API int kd_store_batch_commit(kd_store *s, kd_error *err);
/* Whether a batch's commit gathers the alerts it raised into cases (at
 * most once a second; the default). A server whose own thread gathers
 * (kd_store_cases_gather) turns it off, so that no batch waits for a
 * gathering: readers of cases gather first in any case. */
KD_API void kd_store_batch_gathers(kd_store *s, bool gathers);
/* SQLite: whether this connection's commits checkpoint the write-ahead
 * log when it has grown (SQLite's default). A checkpoint copies the log
 * into the database and syncs it, which the commit that triggered it (and
 * every request waiting on it) waits for; a server turns it off on its
 * writers and checkpoints from a thread of its own with
 * kd_store_checkpoint, which writers need not wait for. Nothing on
 * PostgreSQL. */
KD_API int kd_store_commits_checkpoint(kd_store *s, bool checkpoint, kd_error *err);
/* SQLite: copies what the write-ahead log holds into the database as far
 * as no reader needs it (a passive checkpoint); nothing on PostgreSQL. */
KD_API int kd_store_checkpoint(kd_store *s, kd_error *err);
KD_API void kd_store_batch_abort(kd_store *s);

/* ---- alerts and decisions ------------------------------------------------ */
typedef enum kd_verdict { KD_VERDICT_NONE = 0, KD_VERDICT_TRUE_MATCH, KD_VERDICT_FALSE_POSITIVE,
                          KD_VERDICT_ESCALATE } kd_verdict;
/* "true-match", "false-positive", "escalate" (and "" for none). */
KD_API const char *kd_verdict_name(kd_verdict v);
/* Returns the verdict for its name, or -1. */
KD_API int kd_verdict_from_name(const char *name);

typedef struct kd_alert {
    int64_t id, run_id;
    char *created_at;
    char *reason;            /* "screen", "new" (monitoring), "changed" (monitoring) */
    char *customer_id;       /* NULL when the input had none */
    char *input_name;
    char *entity_id, *entity_hash, *caption, *schema, *datasets;
    double score;
    char *explanation;
    /* the newest decision, if any */
    kd_verdict verdict;
    char *reviewer, *comment, *decided_at;
    size_t decision_count;
} kd_alert;

typedef struct kd_alert_list {
    kd_alert *items;
    size_t n;
    size_t total;            /* alerts the query's filters select, all pages */
} kd_alert_list;

/* Which alerts to list; a zero-filled query (or NULL) lists them all, by
 * id. Pages: pass the last id seen as after_id. */
typedef struct kd_alert_query {
    bool open_only;          /* no decision yet, or the newest one is "escalate" */
    bool decided_only;       /* the newest decision is true-match or false-positive */
    int64_t run_id;          /* only this run's, when > 0 */
    int64_t after_id;        /* only ids greater than this */
    size_t limit;            /* at most this many, when > 0 */
    const char *dataset;     /* only alerts on a party this dataset lists, when set */
    const char *customer_id; /* only this customer's, when set */
    double min_score;        /* only scores at least this */
    const char *from, *to;   /* created from (inclusive) to (exclusive), ISO 8601 text, when set */
} kd_alert_query;

KD_API int kd_store_alerts(kd_store *s, const kd_alert_query *q, kd_alert_list *out, kd_error *err);
KD_API void kd_alert_list_free(kd_alert_list *list);
/* KD_ENOTFOUND when there is no such alert. */
KD_API int kd_store_alert_get(kd_store *s, int64_t id, kd_alert *out, kd_error *err);
KD_API void kd_alert_free(kd_alert *a);

/* Appends a decision (never changes an earlier one). A false-positive
 * verdict on an alert with a customer id allow-lists the pair at the
 * entity's current content; a later other verdict revokes that. Decisions
 * on one alert are serialised across connections and processes (the
 * newest by commit order is the one the allow-list follows). The newest
 * decision again (same verdict, reviewer and comment: a retry, or a copy
 * through another replica) records nothing: *decision_id is that
 * decision's and *repeated (when not NULL) true. */
KD_API int kd_store_decide(kd_store *s, int64_t alert_id, kd_verdict verdict, const char *reviewer,
                    const char *comment, int64_t *decision_id, bool *repeated, kd_error *err);

/* Allow-lists "customer is not entity" while the entity's content hash is
 * entity_hash (allowed = true), or revokes it (false). */
KD_API int kd_store_allow(kd_store *s, const char *customer_id, const char *entity_id,
                   const char *entity_hash, bool allowed, const char *actor, const char *reason,
                   kd_error *err);

/* ---- idempotency keys ------------------------------------------------------
 * The answer a request got, kept by its route and Idempotency-Key, so that
 * a retry gets the same answer and records nothing new. */
typedef struct kd_kept_answer {
    int status;
    char content_type[64];
    char *body; /* owned: free() */
    bool other_request; /* the key was used for another request (request_sha256 differs) */
} kd_kept_answer;

/* The answer kept for key; KD_ENOTFOUND when there is none. */
KD_API int kd_store_answer_get(kd_store *s, const char *key, const char *request_sha256, kd_kept_answer *out,
                        kd_error *err);
/* Keeps an answer (in the caller's transaction or batch, if one is open).
 * A key kept already fails with KD_EUSAGE. Answers older than the handle
 * keeps them (kd_store_keep_answers) are deleted first, at most once a
 * minute per handle. */
KD_API int kd_store_answer_put(kd_store *s, const char *key, const char *request_sha256, int status,
                        const char *content_type, const char *body, kd_error *err);
/* How long answers are kept, in seconds (0: for ever). A retry after that
 * is a new request: it is answered and recorded again. The audit trail
 * (runs, results, decisions) is never deleted; only the copies of answers
 * kept for retries are. */
#define KD_KEEP_ANSWERS_DEFAULT (24 * 3600)
KD_API void kd_store_keep_answers(kd_store *s, int64_t seconds);
/* Deletes the answers kept before `before` (ISO 8601 UTC, as stored);
 * *deleted gets how many (may be NULL). */
KD_API int kd_store_answers_expire(kd_store *s, const char *before, size_t *deleted, kd_error *err);

/* ---- monitoring ---------------------------------------------------------- */
/* Adds customers, or updates them by id. Every customer needs an id and a
 * name. */
KD_API int kd_store_monitor_add(kd_store *s, const kd_customer *customers, size_t n, kd_error *err);

typedef struct kd_customer_list {
    kd_customer *items;      /* strings owned by the list */
    size_t n;
} kd_customer_list;

KD_API int kd_store_monitor_list(kd_store *s, kd_customer_list *out, kd_error *err);
KD_API void kd_customer_list_free(kd_customer_list *list);

/* ---- audit export ---------------------------------------------------------
 * Everything that happened in [from, to]: runs, alerts raised, decisions,
 * allow-list entries, what was done to cases, in time order. from and to are ISO 8601 dates or
 * times ("2026-11-29", "2026-11-29T06:00:00Z"); a date as `to` includes
 * that whole day; NULL leaves that end open. */
typedef struct kd_audit_event {
    const char *time;
    const char *kind;        /* "run", "alert", "decision", "allow", "case" */
    int64_t id;              /* of the run, alert, decision, allow-list row or case event */
    int64_t run_id, alert_id;/* 0 when not applicable */
    const char *actor;       /* who: the run's actor, the reviewer */
    const char *customer_id, *entity_id, *entity_hash;
    const char *verdict;     /* decisions; "allow"/"revoke" for the allow-list; a case
                                event's action ("opened", "assign", "close", ...) */
    const char *detail;      /* run: parameters and dataset versions (JSON); alert: reason
                                and score; decision, allow: the comment; case: "case N
                                STATE: comment" */
} kd_audit_event;

/* Calls fn for each event; a non-zero return stops and is returned. */
KD_API int kd_store_audit(kd_store *s, const char *from, const char *to,
                   int (*fn)(void *ctx, const kd_audit_event *ev), void *ctx, kd_error *err);

typedef enum kd_audit_format { KD_AUDIT_CSV, KD_AUDIT_JSONL } kd_audit_format;
/* kd_store_audit written to out as CSV (with a header) or JSON lines. */
KD_API int kd_store_audit_export(kd_store *s, const char *from, const char *to, kd_audit_format format,
                          FILE *out, size_t *n_events, kd_error *err);

/* ---- analysts' judgments on parties ----------------------------------------
 * "These two records are one party" (merge), "are two" (split), or the end
 * of an earlier judgment on the pair (revoke). Append-only; the newest row
 * of a pair is its state. Check a merge or split against the index first
 * (resolve_check_judgment): the store only knows its own rows. */
typedef enum kd_judgment_kind { KD_JUDGMENT_MERGE = 1, KD_JUDGMENT_SPLIT, KD_JUDGMENT_REVOKE } kd_judgment_kind;
KD_API const char *kd_judgment_kind_name(kd_judgment_kind kind);
KD_API int kd_judgment_kind_from_name(const char *name); /* -1 when unknown */

typedef struct kd_judgment {
    int64_t id;
    kd_judgment_kind kind;
    char *record_a, *record_b; /* record_a sorts first */
    char *actor, *reason, *created_at;
    char *note;                /* set by kd_judgments_for_build */
} kd_judgment;

typedef struct kd_judgment_list {
    kd_judgment *items;
    size_t n;
} kd_judgment_list;

/* Records a judgment (KD_EUSAGE: the same judgment already stands, or
 * fields missing; KD_ENOTFOUND: a revoke with nothing to revoke). */
KD_API int kd_store_judge(kd_store *s, kd_judgment_kind kind, const char *record_a, const char *record_b,
                   const char *actor, const char *reason, int64_t *id, kd_error *err);
/* Every judgment in order, or (current_only) the standing merges and
 * splits, one per pair. */
KD_API int kd_store_judgments(kd_store *s, bool current_only, kd_judgment_list *out, kd_error *err);
KD_API void kd_judgment_list_free(kd_judgment_list *list);
/* A judgment as the CLI and the API show it: {"id", "kind", "records":
 * [A, B], "actor", "reason", "created_at"} (a jansson object; caller decrefs). */
struct json_t;
KD_API struct json_t *kd_judgment_json(const kd_judgment *j);
/* The standing judgments of a list (kd_store_judgments with current_only)
 * as kd_build_options wants them, pointing into the list (free *out with
 * free(), before the list). */
KD_API int kd_judgments_for_build(kd_judgment_list *list, kd_party_judgment **out, kd_error *err);

/* ---- cases ------------------------------------------------------------------
 * A case is one subject's hits under review: a customer's (by its id) or,
 * for an input without one, a name's. Alerts are gathered into cases after
 * their run commits (kd_store_cases_gather; listing and reading cases
 * gather first): alerts of a subject whose case is not closed join it,
 * otherwise they open a new one. A case goes open → in_review (assigned)
 * → escalated (to a supervisor) → closed as a true match or a false
 * positive; closing as a false positive a case whose best hit scores at
 * least the four-eyes score (kd_store_setting_set, "four_eyes_score") only
 * proposes it (pending_approval) until a supervisor other than the
 * proposer approves. Closing records the verdict as a decision on every
 * alert of the case not decided yet (so the allow-list follows); deciding
 * every alert one by one closes the case the same way. Every action is an
 * event of the case's history, append-only, with its user. */
typedef enum kd_case_state { KD_CASE_OPEN = 1, KD_CASE_IN_REVIEW, KD_CASE_ESCALATED, KD_CASE_PENDING_APPROVAL,
                             KD_CASE_CLOSED } kd_case_state;
/* "open", "in_review", "escalated", "pending_approval", "closed" */
KD_API const char *kd_case_state_name(kd_case_state state);
KD_API int kd_case_state_from_name(const char *name); /* -1 when unknown */

/* Who may do what: an analyst works cases; a supervisor also approves and
 * rejects proposals, closes escalated cases, reopens closed ones and
 * assigns cases to others; an admin also changes settings. */
typedef enum kd_role { KD_ROLE_ANALYST = 1, KD_ROLE_SUPERVISOR, KD_ROLE_ADMIN } kd_role;
KD_API const char *kd_role_name(kd_role role); /* "analyst", "supervisor", "admin" */
KD_API int kd_role_from_name(const char *name); /* -1 when unknown; case-insensitive */

typedef enum kd_case_action_kind { KD_CASE_ASSIGN = 1, KD_CASE_COMMENT, KD_CASE_ESCALATE, KD_CASE_CLOSE,
                                   KD_CASE_APPROVE, KD_CASE_REJECT, KD_CASE_REOPEN } kd_case_action_kind;
/* "assign", "comment", "escalate", "close", "approve", "reject", "reopen" */
KD_API const char *kd_case_action_name(kd_case_action_kind kind);
KD_API int kd_case_action_from_name(const char *name); /* -1 when unknown */

typedef struct kd_case_action {
    kd_case_action_kind kind;
    const char *actor;      /* who acts: required */
    kd_role role;           /* the actor's role */
    const char *comment;    /* required for escalate, close, reject, reopen */
    const char *assignee;   /* assign: to whom (the actor when NULL) */
    kd_verdict verdict;     /* close: KD_VERDICT_TRUE_MATCH or KD_VERDICT_FALSE_POSITIVE */
} kd_case_action;

typedef struct kd_case {
    int64_t id;
    char *subject, *customer_id, *subject_name;
    kd_case_state state;
    char *verdict;          /* "true_match"/"false_positive" when closed or proposed; NULL */
    char *assignee, *proposed_by; /* NULL when none */
    double top_score;
    size_t alert_count;
    char *datasets;         /* comma-separated */
    char *created_at, *updated_at;
} kd_case;

typedef enum kd_case_sort { KD_CASE_SORT_SCORE = 0, KD_CASE_SORT_NEWEST, KD_CASE_SORT_OLDEST,
                            KD_CASE_SORT_UPDATED } kd_case_sort;
/* "score" (best hit first), "newest", "oldest", "updated" (last changed first) */
KD_API const char *kd_case_sort_name(kd_case_sort sort);
KD_API int kd_case_sort_from_name(const char *name); /* -1 when unknown */

typedef struct kd_case_query {
    unsigned states;        /* bits 1 << kd_case_state; 0: every state */
    const char *assignee;   /* only this user's; "" for unassigned */
    const char *customer_id;
    const char *dataset;    /* only cases with a hit this dataset lists */
    double min_score, max_score; /* best hit in [min, max]; max 0: no bound */
    const char *from, *to;  /* created from (inclusive) to (exclusive), ISO 8601 */
    const char *awaiting;   /* only cases awaiting this user's action (with awaiting_role) */
    kd_role awaiting_role;
    kd_case_sort sort;
    const char *after;      /* the cursor of the previous page (kd_case_list.next) */
    size_t limit;           /* page size; 0: every case */
} kd_case_query;

typedef struct kd_case_list {
    kd_case *items;
    size_t n;
    size_t total;           /* cases the filters select, all pages */
    char next[96];          /* cursor of the next page; "" on the last */
} kd_case_list;

/* Gathers alerts no case holds yet into cases; *gathered (may be NULL)
 * receives how many. Serialised across connections and replicas. */
KD_API int kd_store_cases_gather(kd_store *s, size_t *gathered, kd_error *err);
KD_API int kd_store_cases(kd_store *s, const kd_case_query *q, kd_case_list *out, kd_error *err);
KD_API void kd_case_list_free(kd_case_list *list);
KD_API void kd_case_free(kd_case *c);
/* A case as a JSON object (jansson; caller decrefs): its fields, and with
 * detail its alerts (each with the hit's score, explanation and decisions),
 * the list versions every run that raised them screened against (the
 * evidence as it was) and its history. KD_ENOTFOUND when there is none. */
struct json_t;
KD_API struct json_t *kd_case_json(const kd_case *c);
KD_API int kd_store_case_json(kd_store *s, int64_t id, struct json_t **out, kd_error *err);
/* Applies an action; KD_EUSAGE says why it is not allowed (the state, the
 * role, four-eyes), KD_ENOTFOUND when there is no such case. *state
 * (may be NULL) receives the case's state after it. */
KD_API int kd_store_case_act(kd_store *s, int64_t id, const kd_case_action *action, kd_case_state *state,
                             kd_error *err);
/* Opens a case by hand: an analyst's lookup that needs one is recorded
 * as a screening run of its subject whose chosen results are matches
 * (what raises their alerts); this gathers them into the subject's case
 * (its first, for a run of several inputs), assigns the actor and records
 * the comment. *case_id gets it; KD_ENOTFOUND when the run raised no
 * alert (its pairs were cleared, or it is no run). */
KD_API int kd_store_case_open(kd_store *s, int64_t run_id, const char *actor, const char *comment,
                              int64_t *case_id, kd_error *err);

/* ---- settings ---------------------------------------------------------------
 * Values an admin sets once for every replica: "four_eyes_score" (a score
 * in (0, 1], or "off"). *value is the caller's to free; NULL when unset. */
KD_API int kd_store_setting_get(kd_store *s, const char *name, char **value, kd_error *err);
KD_API int kd_store_setting_set(kd_store *s, const char *name, const char *value, const char *actor,
                                kd_error *err);

#endif
