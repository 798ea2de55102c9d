/* Cases (see store.h): alerts gathered by subject, and what analysts do
 * with them. The cases row is the state the queue reads; case_events the
 * history, append-only. Every change runs in one transaction that first
 * locks its case (SQLite: the database; PostgreSQL: the row), so that two
 * reviewers, or two replicas, never both act on the state they read. */
#include "store/store_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- names ------------------------------------------------------------------ */

static const char *const state_names[] = {[KD_CASE_OPEN] = "open", [KD_CASE_IN_REVIEW] = "in_review",
                                          [KD_CASE_ESCALATED] = "escalated",
                                          [KD_CASE_PENDING_APPROVAL] = "pending_approval",
                                          [KD_CASE_CLOSED] = "closed"};
static const char *const role_names[] = {[KD_ROLE_ANALYST] = "analyst", [KD_ROLE_SUPERVISOR] = "supervisor",
                                         [KD_ROLE_ADMIN] = "admin"};
static const char *const action_names[] = {[KD_CASE_ASSIGN] = "assign", [KD_CASE_COMMENT] = "comment",
                                           [KD_CASE_ESCALATE] = "escalate", [KD_CASE_CLOSE] = "close",
                                           [KD_CASE_APPROVE] = "approve", [KD_CASE_REJECT] = "reject",
                                           [KD_CASE_REOPEN] = "reopen"};

static int name_index(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 1; name && i < n; i++)
        if (strcasecmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

const char *kd_case_state_name(kd_case_state state)
{
    return state >= KD_CASE_OPEN && state <= KD_CASE_CLOSED ? state_names[state] : "?";
}
int kd_case_state_from_name(const char *name) { return name_index(state_names, KD_ARRAY_LEN(state_names), name); }
const char *kd_role_name(kd_role role) { return role >= KD_ROLE_ANALYST && role <= KD_ROLE_ADMIN ? role_names[role] : "?"; }
int kd_role_from_name(const char *name) { return name_index(role_names, KD_ARRAY_LEN(role_names), name); }
const char *kd_case_action_name(kd_case_action_kind kind)
{
    return kind >= KD_CASE_ASSIGN && kind <= KD_CASE_REOPEN ? action_names[kind] : "?";
}
int kd_case_action_from_name(const char *name) { return name_index(action_names, KD_ARRAY_LEN(action_names), name); }

static const char *case_verdict_name(kd_verdict v)
{
    return v == KD_VERDICT_TRUE_MATCH ? "true_match" : v == KD_VERDICT_FALSE_POSITIVE ? "false_positive" : NULL;
}

/* ---- settings --------------------------------------------------------------- */

int kd_store_setting_get(kd_store *s, const char *name, char **value, kd_error *err)
{
    *value = NULL;
    db_stmt *q;
    int rc = db_prepare(s->d, "SELECT value FROM settings WHERE name = ?", &q, err);
    if (rc)
        return rc;
    db_bind_text(q, 1, name);
    rc = db_step(q, err);
    if (rc == 1 && !(*value = store_dup_or_null(db_column_text(q, 0))))
        rc = error_set(err, KD_ENOMEM, "out of memory");
    db_finalize(q);
    return rc < 0 ? rc : 0;
}

/* A four-eyes score as text: "off", or a number in (0, 1]. */
static bool four_eyes_valid(const char *value, double *score)
{
    if (strcasecmp(value, "off") == 0) {
        *score = 0;
        return true;
    }
    char *end;
    double v = strtod(value, &end);
    if (end == value || *end || !isfinite(v) || v <= 0 || v > 1)
        return false;
    *score = v;
    return true;
}

int kd_store_setting_set(kd_store *s, const char *name, const char *value, const char *actor, kd_error *err)
{
    double score;
    if (!name || strcmp(name, "four_eyes_score") != 0)
        return error_set(err, KD_EUSAGE, "unknown setting \"%.64s\" (known: four_eyes_score)", name ? name : "");
    if (!value || !four_eyes_valid(value, &score))
        return error_set(err, KD_EUSAGE, "four_eyes_score: expected a score in (0, 1] or \"off\", not \"%.64s\"",
                         value ? value : "");
    if (!actor || !*actor)
        return error_set(err, KD_EUSAGE, "a setting needs who sets it");
    char now[32];
    store_now_iso(now);
    db_stmt *st;
    int rc = db_prepare(s->d, "INSERT INTO settings (name, value, actor, updated_at) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT (name) DO UPDATE SET value = excluded.value, actor = excluded.actor, "
                              "updated_at = excluded.updated_at", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, value);
    db_bind_text(st, 3, actor);
    db_bind_text(st, 4, now);
    rc = db_step(st, err);
    db_finalize(st);
    return rc < 0 ? rc : 0;
}

/* The four-eyes score, 0 when off or unset. */
static int four_eyes_score(kd_store *s, double *score, kd_error *err)
{
    char *value = NULL;
    int rc = kd_store_setting_get(s, "four_eyes_score", &value, err);
    *score = 0;
    if (!rc && value && !four_eyes_valid(value, score))
        *score = 0;
    free(value);
    return rc;
}

/* ---- events and state --------------------------------------------------------- */

static int case_event(db *d, int64_t case_id, const char *actor, const char *kind, kd_case_state state,
                      const char *detail, int64_t alert_id, kd_error *err)
{
    char now[32];
    store_now_iso(now);
    db_stmt *st;
    int rc = db_prepare(d, "INSERT INTO case_events (case_id, actor, kind, state, detail, alert_id, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, actor);
    db_bind_text(st, 3, kind);
    db_bind_text(st, 4, kd_case_state_name(state));
    db_bind_text(st, 5, detail ? detail : "");
    if (alert_id > 0)
        db_bind_int(st, 6, alert_id);
    db_bind_text(st, 7, now);
    rc = db_step(st, err);
    db_finalize(st);
    return rc < 0 ? rc : 0;
}

/* Sets the case's state columns (verdict, proposed_by NULL to clear). */
static int case_set_state(db *d, int64_t case_id, kd_case_state state, const char *verdict, const char *proposed_by,
                          kd_error *err)
{
    char now[32];
    store_now_iso(now);
    db_stmt *st;
    int rc = db_prepare(d, "UPDATE cases SET state = ?, verdict = ?, proposed_by = ?, updated_at = ? WHERE id = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, kd_case_state_name(state));
    db_bind_text(st, 2, verdict);
    db_bind_text(st, 3, proposed_by);
    db_bind_text(st, 4, now);
    db_bind_int(st, 5, case_id);
    rc = db_step(st, err);
    db_finalize(st);
    return rc < 0 ? rc : 0;
}

/* The case's row, read in the transaction (locked on PostgreSQL). */
typedef struct case_row {
    kd_case_state state;
    double top_score;
    char verdict[16];
    char assignee[256], proposed_by[256];
} case_row;

static int case_read(db *d, int64_t id, case_row *out, kd_error *err)
{
    memset(out, 0, sizeof *out);
    db_stmt *q;
    int rc = db_prepare(d, db_is_postgresql(d) ? "SELECT state, top_score, verdict, assignee, proposed_by FROM cases "
                                                 "WHERE id = ? FOR UPDATE"
                                               : "SELECT state, top_score, verdict, assignee, proposed_by FROM cases "
                                                 "WHERE id = ?",
                        &q, err);
    if (rc)
        return rc;
    db_bind_int(q, 1, id);
    rc = db_step(q, err);
    if (rc == 1) {
        int state = kd_case_state_from_name(db_column_text(q, 0));
        out->state = state < 0 ? KD_CASE_OPEN : (kd_case_state)state;
        out->top_score = db_column_double(q, 1);
        snprintf(out->verdict, sizeof out->verdict, "%s", db_column_text(q, 2) ? db_column_text(q, 2) : "");
        snprintf(out->assignee, sizeof out->assignee, "%s", db_column_text(q, 3) ? db_column_text(q, 3) : "");
        snprintf(out->proposed_by, sizeof out->proposed_by, "%s", db_column_text(q, 4) ? db_column_text(q, 4) : "");
        rc = 0;
    } else if (rc == 0) {
        rc = error_set(err, KD_ENOTFOUND, "no case %lld", (long long)id);
    }
    db_finalize(q);
    return rc;
}

/* The alerts of a case whose newest decision is not a final verdict
 * (none, or escalate): their ids in *ids (the caller frees), and whether
 * any alert's newest decision is a true match. */
static int case_undecided(db *d, int64_t case_id, int64_t **ids, size_t *n, bool *any_true, kd_error *err)
{
    *ids = NULL;
    *n = 0;
    *any_true = false;
    db_stmt *q;
    int rc = db_prepare(d, "SELECT a.id, (SELECT e.verdict FROM decisions e WHERE e.alert_id = a.id "
                           "ORDER BY e.id DESC LIMIT 1) FROM alerts a WHERE a.case_id = ? ORDER BY a.id",
                        &q, err);
    if (rc)
        return rc;
    db_bind_int(q, 1, case_id);
    size_t cap = 0;
    while ((rc = db_step(q, err)) == 1) {
        const char *v = db_column_text(q, 1);
        if (v && strcmp(v, "true-match") == 0)
            *any_true = true;
        if (v && (strcmp(v, "true-match") == 0 || strcmp(v, "false-positive") == 0))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            int64_t *grown = realloc(*ids, cap * sizeof *grown);
            if (!grown) {
                rc = error_set(err, KD_ENOMEM, "out of memory");
                break;
            }
            *ids = grown;
        }
        (*ids)[(*n)++] = db_column_int(q, 0);
    }
    db_finalize(q);
    if (rc < 0) {
        free(*ids);
        *ids = NULL;
        *n = 0;
        return rc;
    }
    return 0;
}

/* Closes a case (or proposes it for four-eyes) once no alert of it waits
 * for a verdict: what deciding its alerts one by one leads to. */
int store_case_settle(kd_store *s, int64_t case_id, const char *actor, const char *comment, bool four_eyes,
                      kd_error *err)
{
    case_row row;
    int rc = case_read(s->d, case_id, &row, err);
    if (rc || row.state == KD_CASE_CLOSED || row.state == KD_CASE_PENDING_APPROVAL)
        return rc;
    int64_t *ids;
    size_t n;
    bool any_true;
    if ((rc = case_undecided(s->d, case_id, &ids, &n, &any_true, err)))
        return rc;
    free(ids);
    if (n)
        return 0;
    const char *verdict = any_true ? "true_match" : "false_positive";
    double limit = 0;
    if (four_eyes && !any_true && (rc = four_eyes_score(s, &limit, err)))
        return rc;
    if (!any_true && limit > 0 && row.top_score >= limit) {
        if (!(rc = case_set_state(s->d, case_id, KD_CASE_PENDING_APPROVAL, verdict, actor, err)))
            rc = case_event(s->d, case_id, actor, "propose", KD_CASE_PENDING_APPROVAL, comment, 0, err);
        return rc;
    }
    if (!(rc = case_set_state(s->d, case_id, KD_CASE_CLOSED, verdict, NULL, err)))
        rc = case_event(s->d, case_id, actor, "close", KD_CASE_CLOSED, comment, 0, err);
    return rc;
}

int store_case_follow_decision(kd_store *s, int64_t alert_id, kd_verdict verdict, const char *reviewer,
                               const char *comment, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(s->d, "SELECT case_id FROM alerts WHERE id = ?", &q, err);
    if (rc)
        return rc;
    db_bind_int(q, 1, alert_id);
    rc = db_step(q, err);
    int64_t case_id = rc == 1 && !db_column_null(q, 0) ? db_column_int(q, 0) : 0;
    db_finalize(q);
    if (rc < 0 || !case_id)
        return rc < 0 ? rc : 0; /* not gathered yet: the gathering reads the decision */
    case_row row;
    if ((rc = case_read(s->d, case_id, &row, err)))
        return rc;
    char detail[1200];
    snprintf(detail, sizeof detail, "alert %lld: %s: %.1000s", (long long)alert_id, kd_verdict_name(verdict), comment);
    /* escalating one alert escalates its case, whatever its state: the
     * case needs a supervisor again, and a closing proposed is void */
    if (verdict == KD_VERDICT_ESCALATE) {
        if (row.state != KD_CASE_ESCALATED && (rc = case_set_state(s->d, case_id, KD_CASE_ESCALATED, NULL, NULL, err)))
            return rc;
        return case_event(s->d, case_id, reviewer, "decision", KD_CASE_ESCALATED, detail, alert_id, err);
    }
    if ((rc = case_event(s->d, case_id, reviewer, "decision", row.state, detail, alert_id, err)))
        return rc;
    if (row.state != KD_CASE_CLOSED)
        return store_case_settle(s, case_id, reviewer, detail, true, err);
    /* a closed case's verdict follows its alerts' (a false positive
     * corrected to a true match makes the case one) */
    int64_t *ids;
    size_t n;
    bool any_true;
    if ((rc = case_undecided(s->d, case_id, &ids, &n, &any_true, err)))
        return rc;
    free(ids);
    const char *now = any_true ? "true_match" : "false_positive";
    if (strcmp(row.verdict, now) == 0)
        return 0;
    return case_set_state(s->d, case_id, KD_CASE_CLOSED, now, NULL, err);
}

/* ---- actions ------------------------------------------------------------------ */

/* Records the verdict on every alert of the case that has none yet. */
static int case_decide_alerts(kd_store *s, int64_t case_id, kd_verdict verdict, const char *reviewer,
                              const char *comment, kd_error *err)
{
    int64_t *ids;
    size_t n;
    bool any_true;
    int rc = case_undecided(s->d, case_id, &ids, &n, &any_true, err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = store_decide_in(s, ids[i], verdict, reviewer, comment, false, NULL, NULL, err);
    free(ids);
    return rc;
}

/* The comment of the newest closing proposed on a case. */
static int proposal_comment(db *d, int64_t case_id, buf *out, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d, "SELECT detail FROM case_events WHERE case_id = ? AND kind = 'propose' "
                           "ORDER BY id DESC LIMIT 1", &q, err);
    if (rc)
        return rc;
    db_bind_int(q, 1, case_id);
    if ((rc = db_step(q, err)) == 1)
        buf_append_str(out, db_column_text(q, 0) ? db_column_text(q, 0) : "");
    db_finalize(q);
    return rc < 0 ? rc : 0;
}

static int case_touch(db *d, int64_t case_id, const char *assignee, bool set_assignee, kd_error *err)
{
    char now[32];
    store_now_iso(now);
    db_stmt *st;
    int rc = db_prepare(d, set_assignee ? "UPDATE cases SET assignee = ?, updated_at = ?, state = CASE WHEN state "
                                          "= 'open' THEN 'in_review' ELSE state END WHERE id = ?"
                                        : "UPDATE cases SET updated_at = ? WHERE id = ?",
                        &st, err);
    if (rc)
        return rc;
    int k = 1;
    if (set_assignee)
        db_bind_text(st, k++, assignee);
    db_bind_text(st, k++, now);
    db_bind_int(st, k, case_id);
    rc = db_step(st, err);
    db_finalize(st);
    return rc < 0 ? rc : 0;
}

static bool text_ok(const char *s) { return s && *s && utf8_valid(s, strlen(s), NULL); }

/* What the action does to a case in row's state, in the open transaction. */
static int case_apply(kd_store *s, int64_t id, const case_row *row, const kd_case_action *a, kd_case_state *after,
                      kd_error *err)
{
    db *d = s->d;
    bool supervisor = a->role >= KD_ROLE_SUPERVISOR;
    bool working = row->state == KD_CASE_OPEN || row->state == KD_CASE_IN_REVIEW || row->state == KD_CASE_ESCALATED;
    const char *comment = a->comment ? a->comment : "";
    const char *state_now = kd_case_state_name(row->state);
    *after = row->state;
    int rc;
    switch (a->kind) {
    case KD_CASE_ASSIGN: {
        const char *to = a->assignee && *a->assignee ? a->assignee : a->actor;
        if (!working)
            return error_set(err, KD_EUSAGE, "case %lld is %s: only a case being worked is assigned", (long long)id,
                             state_now);
        if (!utf8_valid(to, strlen(to), NULL))
            return error_set(err, KD_EUTF8, "assignee: not valid UTF-8");
        if (strcmp(to, a->actor) != 0 && !supervisor)
            return error_set(err, KD_EUSAGE, "assigning a case to someone else needs a supervisor");
        if (row->state == KD_CASE_OPEN)
            *after = KD_CASE_IN_REVIEW;
        char detail[1400];
        snprintf(detail, sizeof detail, "%.255s%s%.1000s", to, *comment ? ": " : "", comment);
        if (!(rc = case_touch(d, id, to, true, err)))
            rc = case_event(d, id, a->actor, "assign", *after, detail, 0, err);
        return rc;
    }
    case KD_CASE_COMMENT:
        if (!(rc = case_touch(d, id, NULL, false, err)))
            rc = case_event(d, id, a->actor, "comment", row->state, comment, 0, err);
        return rc;
    case KD_CASE_ESCALATE:
        if (row->state != KD_CASE_OPEN && row->state != KD_CASE_IN_REVIEW)
            return error_set(err, KD_EUSAGE, "case %lld is %s: only an open case or one in review is escalated",
                             (long long)id, state_now);
        *after = KD_CASE_ESCALATED;
        if (!(rc = case_set_state(d, id, KD_CASE_ESCALATED, NULL, NULL, err)))
            rc = case_event(d, id, a->actor, "escalate", KD_CASE_ESCALATED, comment, 0, err);
        return rc;
    case KD_CASE_CLOSE: {
        const char *verdict = case_verdict_name(a->verdict);
        if (!verdict)
            return error_set(err, KD_EUSAGE, "closing a case needs the verdict: true_match or false_positive");
        if (!working)
            return error_set(err, KD_EUSAGE, "case %lld is %s: it cannot be closed now", (long long)id, state_now);
        if (row->state == KD_CASE_ESCALATED && !supervisor)
            return error_set(err, KD_EUSAGE, "case %lld is escalated: a supervisor closes it", (long long)id);
        double limit = 0;
        if (a->verdict == KD_VERDICT_FALSE_POSITIVE && (rc = four_eyes_score(s, &limit, err)))
            return rc;
        if (limit > 0 && row->top_score >= limit) {
            *after = KD_CASE_PENDING_APPROVAL;
            if (!(rc = case_set_state(d, id, KD_CASE_PENDING_APPROVAL, verdict, a->actor, err)))
                rc = case_event(d, id, a->actor, "propose", KD_CASE_PENDING_APPROVAL, comment, 0, err);
            return rc;
        }
        *after = KD_CASE_CLOSED;
        if (!(rc = case_decide_alerts(s, id, a->verdict, a->actor, comment, err)) &&
            !(rc = case_set_state(d, id, KD_CASE_CLOSED, verdict, NULL, err)))
            rc = case_event(d, id, a->actor, "close", KD_CASE_CLOSED, comment, 0, err);
        return rc;
    }
    case KD_CASE_APPROVE: {
        if (row->state != KD_CASE_PENDING_APPROVAL)
            return error_set(err, KD_EUSAGE, "case %lld is %s: there is no closing to approve", (long long)id,
                             state_now);
        if (!supervisor)
            return error_set(err, KD_EUSAGE, "approving a closing needs a supervisor");
        if (strcmp(row->proposed_by, a->actor) == 0)
            return error_set(err, KD_EUSAGE, "four eyes: %s proposed this closing, another supervisor approves it",
                             a->actor);
        kd_verdict v = strcmp(row->verdict, "true_match") == 0 ? KD_VERDICT_TRUE_MATCH : KD_VERDICT_FALSE_POSITIVE;
        buf why = {0};
        rc = proposal_comment(d, id, &why, err);
        buf_printf(&why, " (approved by %s%s%s)", a->actor, *comment ? ": " : "", comment);
        *after = KD_CASE_CLOSED;
        if (!rc && !why.data)
            rc = error_set(err, KD_ENOMEM, "out of memory");
        if (!rc && !(rc = case_decide_alerts(s, id, v, row->proposed_by, why.data, err)) &&
            !(rc = case_set_state(d, id, KD_CASE_CLOSED, row->verdict, NULL, err)))
            rc = case_event(d, id, a->actor, "approve", KD_CASE_CLOSED, comment, 0, err);
        buf_free(&why);
        return rc;
    }
    case KD_CASE_REJECT:
        if (row->state != KD_CASE_PENDING_APPROVAL)
            return error_set(err, KD_EUSAGE, "case %lld is %s: there is no closing to reject", (long long)id,
                             state_now);
        /* the proposer may withdraw their own proposal */
        if (!supervisor && strcmp(row->proposed_by, a->actor) != 0)
            return error_set(err, KD_EUSAGE, "rejecting a closing needs a supervisor");
        *after = KD_CASE_IN_REVIEW;
        if (!(rc = case_set_state(d, id, KD_CASE_IN_REVIEW, NULL, NULL, err)))
            rc = case_event(d, id, a->actor, "reject", KD_CASE_IN_REVIEW, comment, 0, err);
        return rc;
    case KD_CASE_REOPEN:
        if (row->state != KD_CASE_CLOSED)
            return error_set(err, KD_EUSAGE, "case %lld is %s: only a closed case is reopened", (long long)id,
                             state_now);
        if (!supervisor)
            return error_set(err, KD_EUSAGE, "reopening a case needs a supervisor");
        *after = KD_CASE_IN_REVIEW;
        if (!(rc = case_set_state(d, id, KD_CASE_IN_REVIEW, NULL, NULL, err)))
            rc = case_event(d, id, a->actor, "reopen", KD_CASE_IN_REVIEW, comment, 0, err);
        return rc;
    }
    return error_set(err, KD_EUSAGE, "unknown case action");
}

int kd_store_case_act(kd_store *s, int64_t id, const kd_case_action *a, kd_case_state *state, kd_error *err)
{
    if (!a || a->kind < KD_CASE_ASSIGN || a->kind > KD_CASE_REOPEN)
        return error_set(err, KD_EUSAGE, "a case action is assign, comment, escalate, close, approve, reject or reopen");
    if (!text_ok(a->actor))
        return error_set(err, KD_EUSAGE, "a case action needs who acts (a user name, valid UTF-8)");
    if (a->role < KD_ROLE_ANALYST || a->role > KD_ROLE_ADMIN)
        return error_set(err, KD_EUSAGE, "a case action needs the actor's role");
    bool needs_comment = a->kind == KD_CASE_COMMENT || a->kind == KD_CASE_ESCALATE || a->kind == KD_CASE_CLOSE ||
                         a->kind == KD_CASE_REJECT || a->kind == KD_CASE_REOPEN;
    if (needs_comment && !(a->comment && *a->comment))
        return error_set(err, KD_EUSAGE, "%s: a comment saying why is required", kd_case_action_name(a->kind));
    if (a->comment && !utf8_valid(a->comment, strlen(a->comment), NULL))
        return error_set(err, KD_EUTF8, "comment: not valid UTF-8");
    db *d = s->d;
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN" : "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    case_row row;
    kd_case_state after = 0;
    if (!(rc = case_read(d, id, &row, err)))
        rc = case_apply(s, id, &row, a, &after, err);
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc) {
        db_exec(d, "ROLLBACK", NULL);
        return rc;
    }
    if (state)
        *state = after;
    return 0;
}

int kd_store_case_open(kd_store *s, int64_t run_id, const char *actor, const char *comment, int64_t *case_id,
                       kd_error *err)
{
    *case_id = 0;
    if (!text_ok(actor))
        return error_set(err, KD_EUSAGE, "opening a case needs who opens it");
    if (!text_ok(comment))
        return error_set(err, KD_EUSAGE, "opening a case needs a comment saying why");
    int rc = kd_store_cases_gather(s, NULL, err);
    if (rc)
        return rc;
    db_stmt *q;
    if ((rc = db_prepare(s->d, "SELECT case_id FROM alerts WHERE run_id = ? ORDER BY id LIMIT 1", &q, err)))
        return rc;
    db_bind_int(q, 1, run_id);
    rc = db_step(q, err);
    *case_id = rc == 1 ? db_column_int(q, 0) : 0;
    db_finalize(q);
    if (rc < 0)
        return rc;
    if (!*case_id)
        return error_set(err, KD_ENOTFOUND, "run %lld raised no alert to open a case on (cleared pairs, or no run)",
                         (long long)run_id);
    kd_case_action assign = {KD_CASE_ASSIGN, actor, KD_ROLE_ANALYST, comment, actor, KD_VERDICT_NONE};
    rc = kd_store_case_act(s, *case_id, &assign, NULL, err);
    /* a case closed or awaiting approval is not reassigned: the comment
     * still goes on its record */
    if (rc == KD_EUSAGE) {
        kd_case_action note = {KD_CASE_COMMENT, actor, KD_ROLE_ANALYST, comment, NULL, KD_VERDICT_NONE};
        rc = kd_store_case_act(s, *case_id, &note, NULL, err);
    }
    return rc;
}
