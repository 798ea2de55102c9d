/* Idempotency-Key on POST /match, POST /screen and decisions (with --db): a
 * client or a load balancer that sends a request again with the same key
 * gets the answer the first one got, marked `Idempotent-Replayed: true`,
 * and nothing is recorded twice. The key is kept with the answer in the
 * store, in the same transaction as what the request recorded
 * (kd_store_answer_*), so a replica that answers the retry knows it too.
 * The same key with another request (another body, path, query or, for
 * /screen, Content-Type) is 422; a request whose key is not yet kept is
 * handled as usual. /screen's answer is kept in parts, one per block of
 * records recorded (http_idempotency_part). */
#include "http_internal.h"
#include "kordon/store.h"

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

bool http_idempotency_read(http_request *rq, http_response *rs, const char *route, const char *also_header,
                           http_idempotency *idem)
{
    memset(idem, 0, sizeof *idem);
    const char *key = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, "Idempotency-Key");
    if (!key)
        return false;
    if (!key_valid(key)) {
        http_reply_error(rs, 400, "Idempotency-Key: 1 to %d printable ASCII characters", KEY_MAX);
        return true;
    }
    if (!rq->server->options.db)
        return false; /* nothing is recorded: a retry records nothing either */
    snprintf(idem->key, sizeof idem->key, "%s %s", route, key);
    /* the request as sent: its path and body */
    sha256_ctx *h = sha256_new();
    if (!h) {
        memset(idem, 0, sizeof *idem);
        http_reply_error(rs, 500, "out of memory");
        return true;
    }
    sha256_update(h, rq->path, strlen(rq->path));
    MHD_get_connection_values(rq->connection, MHD_GET_ARGUMENT_KIND, hash_argument, h);
    /* a header that decides how the body is read (/screen's Content-Type) */
    if (also_header) {
        const char *v = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, also_header);
        sha256_update(h, "\n", 1);
        sha256_update(h, also_header, strlen(also_header));
        sha256_update(h, ":", 1);
        if (v)
            sha256_update(h, v, strlen(v));
    }
    sha256_update(h, "\n", 1);
    sha256_update(h, rq->body, rq->body_len);
    sha256_final_hex(h, idem->request_sha256);
    return false;
}

int http_idempotency_get(http_server *s, const char *key, const char *request_sha256, kd_kept_answer *kept,
                         kd_error *err)
{
    memset(kept, 0, sizeof *kept);
    kd_store *store = http_store_take(s, err);
    if (!store) /* never "not found": that would say no answer is kept */
        return err->code && err->code != KD_ENOTFOUND ? err->code : KD_EIO;
    int rc = kd_store_answer_get(store, key, request_sha256, kept, err);
    http_store_give(s, store); /* a lost connection is closed there, and the store marked down */
    return rc;
}

int http_idempotency_put(http_server *s, const char *key, const char *request_sha256, int status,
                         const char *content_type, const char *body, kd_error *err)
{
    kd_store *store = http_store_take(s, err);
    if (!store)
        return err->code && err->code != KD_ENOTFOUND ? err->code : KD_EIO;
    int rc = kd_store_answer_put(store, key, request_sha256, status, content_type, body, err);
    http_store_give(s, store);
    return rc;
}

void http_idempotency_part(const http_idempotency *idem, size_t part, char *out, size_t size)
{
    /* "route key" → "route/part key": no route has a slash, so a part's
     * key is never a whole answer's */
    const char *space = strchr(idem->key, ' ');
    int route_len = space ? (int)(space - idem->key) : 0;
    snprintf(out, size, "%.*s/%zu%s", route_len, idem->key, part, space ? space : "");
}

bool http_idempotency_check(http_request *rq, http_response *rs, const char *route, http_idempotency *idem)
{
    if (http_idempotency_read(rq, rs, route, NULL, idem))
        return true;
    if (!idem->key[0])
        return false;
    http_server *s = rq->server;
    kd_error err = {0};
    kd_kept_answer kept;
    int rc = http_idempotency_get(s, idem->key, idem->request_sha256, &kept, &err);
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
