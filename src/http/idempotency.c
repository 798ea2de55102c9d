/* Idempotency-Key on POST /match and on decisions (with --db): a client or
 * a load balancer that sends a request again with the same key gets the
 * answer the first one got, marked `Idempotent-Replayed: true`, and
 * nothing is recorded twice. The key is kept with the answer in the store,
 * in the same transaction as what the request recorded (kd_store_answer_*),
 * so a replica that answers the retry knows it too. The same key with
 * another request (another body, path or query) is 422; a request whose key is
 * not yet kept is handled as usual. */
#include "http_internal.h"
#include "store/store.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* Keys are the client's: printable ASCII, as the draft standard's
 * examples and every client library use. */
#define KEY_MAX 255

static bool key_valid(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > KEY_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e)
            return false;
    return true;
}

/* The query string's arguments, in the order sent, into the hash. */
static enum MHD_Result hash_argument(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    sha256_ctx *h = cls;
    sha256_update(h, "&", 1);
    sha256_update(h, key, strlen(key));
    sha256_update(h, "=", 1);
    if (value)
        sha256_update(h, value, strlen(value));
    return MHD_YES;
}

bool http_idempotency_check(http_request *rq, http_response *rs, const char *route, http_idempotency *idem)
{
    memset(idem, 0, sizeof *idem);
    const char *key = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, "Idempotency-Key");
    if (!key)
        return false;
    if (!key_valid(key)) {
        http_reply_error(rs, 400, "Idempotency-Key: 1 to %d printable ASCII characters", KEY_MAX);
        return true;
    }
    http_server *s = rq->server;
    if (!s->options.db)
        return false; /* nothing is recorded: a retry records nothing either */
    snprintf(idem->key, sizeof idem->key, "%s %s", route, key);
    /* the request as sent: its path and body */
    sha256_ctx *h = sha256_new();
    if (!h) {
        http_reply_error(rs, 500, "out of memory");
        return true;
    }
    sha256_update(h, rq->path, strlen(rq->path));
    MHD_get_connection_values(rq->connection, MHD_GET_ARGUMENT_KIND, hash_argument, h);
    sha256_update(h, "\n", 1);
    sha256_update(h, rq->body, rq->body_len);
    sha256_final_hex(h, idem->request_sha256);
    kd_error err = {0};
    kd_store *store = http_store_take(s, &err);
    if (!store) {
        http_reply_error(rs, http_store_status(s, &err), "Idempotency-Key: %s", err.message);
        return true;
    }
    kd_kept_answer kept;
    int rc = kd_store_answer_get(store, idem->key, idem->request_sha256, &kept, &err);
    if (rc && rc != KD_ENOTFOUND && kd_store_connection_lost(store)) {
        kd_store_close(store);
        http_store_mark_down(s, "the connection to the store was lost");
    } else {
        http_store_give(s, store);
    }
    if (rc == KD_ENOTFOUND)
        return false;
    if (rc) {
        http_reply_error(rs, http_store_status(s, &err), "Idempotency-Key: %s", err.message);
        return true;
    }
    http_reply_kept(rs, &kept);
    free(kept.body);
    return true;
}

void http_reply_kept(http_response *rs, const kd_kept_answer *kept)
{
    if (kept->other_request) {
        http_reply_error(rs, 422, "Idempotency-Key: already used for another request");
        return;
    }
    free(rs->body);
    rs->body = strdup(kept->body);
    rs->body_len = rs->body ? strlen(rs->body) : 0;
    rs->status = rs->body ? kept->status : 500;
    rs->content_type = "application/json";
    rs->replayed = rs->body != NULL;
}
