/* Answers kept under an Idempotency-Key (see store.h), so that a retried
 * request gets the answer of the first. */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

void kd_store_keep_answers(kd_store *s, int64_t seconds) { s->keep_answers = seconds > 0 ? seconds : 0; }

int kd_store_answers_expire(kd_store *s, const char *before, size_t *deleted, kd_error *err)
{
    if (deleted)
        *deleted = 0;
    db_stmt *st;
    int rc = db_prepare(s->d, "DELETE FROM idempotency_keys WHERE created_at < ? RETURNING key", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, before);
    int step;
    size_t n = 0;
    while ((step = db_step(st, err)) == 1)
        n++;
    db_finalize(st);
    if (deleted)
        *deleted = n;
    return step < 0 ? KD_EIO : KD_OK;
}

/* Seconds between two expiries by one handle: the delete walks an index
 * by date, and most minutes have nothing to delete. */
#define EXPIRY_EVERY 60.0

static int expire_when_due(kd_store *s, kd_error *err)
{
    if (s->keep_answers <= 0)
        return KD_OK;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    if (s->answers_expired_at > 0 && now - s->answers_expired_at < EXPIRY_EVERY)
        return KD_OK;
    s->answers_expired_at = now;
    char before[32];
    store_iso_ago(s->keep_answers, before);
    return kd_store_answers_expire(s, before, NULL, err);
}

int kd_store_answer_put(kd_store *s, const char *key, const char *request_sha256, int status,
                        const char *content_type, const char *body, kd_error *err)
{
    int rc = expire_when_due(s, err);
    if (rc)
        return rc;
    char now[32];
    store_now_iso(now);
    db_stmt *st;
    rc = db_prepare(s->d, db_is_postgresql(s->d)
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
