/* Analysts' judgments on parties (see store.h): append-only rows, the
 * newest of a pair its state. The caller checks a judgment against the
 * index first (resolve_check_judgment); the store checks what it alone
 * knows: that a revoke has something to revoke. */
#include "store/store_internal.h"
#include "core/core.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {[KD_JUDGMENT_MERGE] = "merge", [KD_JUDGMENT_SPLIT] = "split",
                                         [KD_JUDGMENT_REVOKE] = "revoke"};

const char *kd_judgment_kind_name(kd_judgment_kind kind)
{
    return kind >= KD_JUDGMENT_MERGE && kind <= KD_JUDGMENT_REVOKE ? kind_names[kind] : "?";
}

int kd_judgment_kind_from_name(const char *name)
{
    for (int k = KD_JUDGMENT_MERGE; k <= KD_JUDGMENT_REVOKE; k++)
        if (name && strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

/* The newest judgment of a pair (a < b): its kind, or 0 when none. */
static int pair_state(db *d, const char *a, const char *b, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d, "SELECT kind FROM party_judgments WHERE record_a = ? AND record_b = ? "
                           "ORDER BY id DESC LIMIT 1", &q, err);
    if (rc)
        return rc;
    db_bind_text(q, 1, a);
    db_bind_text(q, 2, b);
    rc = db_step(q, err);
    int kind = rc == 1 ? kd_judgment_kind_from_name(db_column_text(q, 0)) : 0;
    db_finalize(q);
    if (rc < 0)
        return rc;
    return kind == KD_JUDGMENT_REVOKE ? 0 : kind;
}

int kd_store_judge(kd_store *s, kd_judgment_kind kind, const char *record_a, const char *record_b,
                   const char *actor, const char *reason, int64_t *id, kd_error *err)
{
    if (kind < KD_JUDGMENT_MERGE || kind > KD_JUDGMENT_REVOKE)
        return error_set(err, KD_EUSAGE, "a judgment is merge, split or revoke");
    if (!record_a || !*record_a || !record_b || !*record_b)
        return error_set(err, KD_EUSAGE, "a judgment names two records");
    if (strcmp(record_a, record_b) == 0)
        return error_set(err, KD_EUSAGE, "\"%.200s\" twice: a record is one party with itself", record_a);
    if (!actor || !*actor)
        return error_set(err, KD_EUSAGE, "a judgment needs who made it");
    if (!reason || !*reason)
        return error_set(err, KD_EUSAGE, "a judgment needs a reason");
    if (!utf8_valid(record_a, strlen(record_a), NULL) || !utf8_valid(record_b, strlen(record_b), NULL) ||
        !utf8_valid(actor, strlen(actor), NULL) || !utf8_valid(reason, strlen(reason), NULL))
        return error_set(err, KD_EUTF8, "a judgment's ids, actor and reason must be valid UTF-8");
    const char *a = strcmp(record_a, record_b) < 0 ? record_a : record_b;
    const char *b = a == record_a ? record_b : record_a;
    db *d = s->d;
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN" : "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    int state = pair_state(d, a, b, err);
    if (state < 0)
        rc = state;
    else if (kind == KD_JUDGMENT_REVOKE && state == 0)
        rc = error_set(err, KD_ENOTFOUND, "no judgment on %.200s and %.200s to revoke", a, b);
    else if (kind != KD_JUDGMENT_REVOKE && state == (int)kind)
        rc = error_set(err, KD_EUSAGE, "%.200s and %.200s: that %s is already recorded", a, b,
                       kd_judgment_kind_name(kind));
    char now[32];
    store_now_iso(now);
    db_stmt *st = NULL;
    int64_t new_id = 0;
    if (!rc && !(rc = db_prepare(d, "INSERT INTO party_judgments (kind, record_a, record_b, actor, reason, "
                                    "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", &st, err))) {
        db_bind_text(st, 1, kd_judgment_kind_name(kind));
        db_bind_text(st, 2, a);
        db_bind_text(st, 3, b);
        db_bind_text(st, 4, actor);
        db_bind_text(st, 5, reason);
        db_bind_text(st, 6, now);
        rc = store_insert_returning(st, &new_id, err);
        db_finalize(st);
    }
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc) {
        db_exec(d, "ROLLBACK", NULL);
        return rc;
    }
    if (id)
        *id = new_id;
    return KD_OK;
}

static char *copy(const char *s)
{
    return strdup(s ? s : "");
}

int kd_store_judgments(kd_store *s, bool current_only, kd_judgment_list *out, kd_error *err)
{
    memset(out, 0, sizeof *out);
    db_stmt *q;
    /* current: the newest row of each pair, unless it revokes */
    int rc = db_prepare(s->d,
                        current_only
                            ? "SELECT j.id, j.kind, j.record_a, j.record_b, j.actor, j.reason, j.created_at "
                              "FROM party_judgments j WHERE j.id = (SELECT MAX(k.id) FROM party_judgments k "
                              "WHERE k.record_a = j.record_a AND k.record_b = j.record_b) AND j.kind <> 'revoke' "
                              "ORDER BY j.id"
                            : "SELECT id, kind, record_a, record_b, actor, reason, created_at FROM party_judgments "
                              "ORDER BY id",
                        &q, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = db_step(q, err)) == 1) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            kd_judgment *p = realloc(out->items, cap * sizeof *p);
            if (!p) {
                rc = error_set(err, KD_ENOMEM, "out of memory reading judgments");
                break;
            }
            out->items = p;
        }
        kd_judgment *j = &out->items[out->n++];
        int kind = kd_judgment_kind_from_name(db_column_text(q, 1));
        *j = (kd_judgment){db_column_int(q, 0), kind < 0 ? KD_JUDGMENT_REVOKE : (kd_judgment_kind)kind,
                           copy(db_column_text(q, 2)), copy(db_column_text(q, 3)), copy(db_column_text(q, 4)),
                           copy(db_column_text(q, 5)), copy(db_column_text(q, 6)), NULL};
        if (!j->record_a || !j->record_b || !j->actor || !j->reason || !j->created_at) {
            rc = error_set(err, KD_ENOMEM, "out of memory reading judgments");
            break;
        }
    }
    db_finalize(q);
    if (rc < 0) {
        kd_judgment_list_free(out);
        return rc;
    }
    return KD_OK;
}

json_t *kd_judgment_json(const kd_judgment *j)
{
    return json_pack("{s:I,s:s,s:[s,s],s:s,s:s,s:s}", "id", (json_int_t)j->id, "kind", kd_judgment_kind_name(j->kind),
                     "records", j->record_a, j->record_b, "actor", j->actor, "reason", j->reason, "created_at",
                     j->created_at);
}

void kd_judgment_list_free(kd_judgment_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].record_a);
        free(l->items[i].record_b);
        free(l->items[i].actor);
        free(l->items[i].reason);
        free(l->items[i].created_at);
        free(l->items[i].note);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int kd_judgments_for_build(kd_judgment_list *l, kd_party_judgment **out, kd_error *err)
{
    *out = NULL;
    if (!l->n)
        return KD_OK;
    kd_party_judgment *p = calloc(l->n, sizeof *p);
    if (!p)
        return error_set(err, KD_ENOMEM, "out of memory");
    for (size_t i = 0; i < l->n; i++) {
        kd_judgment *j = &l->items[i];
        size_t size = strlen(j->actor) + strlen(j->reason) + strlen(j->created_at) + 32;
        free(j->note);
        if (!(j->note = malloc(size))) {
            free(p);
            return error_set(err, KD_ENOMEM, "out of memory");
        }
        snprintf(j->note, size, "by %s on %.10s (judgment %lld): %s", j->actor, j->created_at,
                 (long long)j->id, j->reason);
        p[i] = (kd_party_judgment){j->kind == KD_JUDGMENT_MERGE ? KD_PARTY_MERGE : KD_PARTY_SPLIT, j->record_a,
                                   j->record_b, j->note};
    }
    *out = p;
    return KD_OK;
}
