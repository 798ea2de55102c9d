/* What route handlers use to read a request and write a response:
 * replies (JSON bodies, yente's {"detail"} errors), query-string
 * arguments, the shared preconditions. */
#include "http_internal.h"

#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

double http_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


/* ---- replies ----------------------------------------------------------- */

void http_reply_text(http_response *rs, int status, const char *content_type, char *body, size_t len)
{
    free(rs->body);
    rs->status = status;
    rs->body = body;
    rs->body_len = len;
    rs->content_type = content_type;
}

void http_reply_json(http_response *rs, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(body);
    if (!text) {
        http_reply_error(rs, 500, "could not serialise the response");
        return;
    }
    http_reply_text(rs, status, "application/json", text, strlen(text));
}

void http_reply_error(http_response *rs, int status, const char *fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    json_t *o = json_object();
    /* A message may quote invalid input; jansson refuses invalid UTF-8. */
    json_t *d = json_string(detail);
    json_object_set_new(o, "detail", d ? d : json_string("invalid input"));
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    http_reply_text(rs, status, "application/json", text, text ? strlen(text) : 0);
}

kd_matcher *http_take_matcher(const http_request *rq, http_response *rs)
{
    kd_error err = {0};
    kd_matcher *m = live_take_matcher(rq->index, &err);
    if (!m)
        http_reply_error(rs, 500, "%s", err.message);
    return m;
}

bool http_need_index(const http_request *rq, http_response *rs)
{
    if (rq->index)
        return true;
    http_reply_error(rs, 503, "Index not ready.");
    return false;
}

/* ---- query-string arguments ------------------------------------------- */

const char *http_arg(const http_request *rq, const char *key)
{
    return MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, key);
}

typedef struct args_collect {
    const char *key;
    const char **out;
    size_t n, max;
} args_collect;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    args_collect *a = cls;
    if (strcmp(key, a->key) == 0 && value && *value && a->n < a->max)
        a->out[a->n++] = value;
    return MHD_YES;
}

size_t http_args(const http_request *rq, const char *key, const char **out, size_t max)
{
    args_collect a = {key, out, 0, max};
    MHD_get_connection_values(rq->connection, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
    return a.n;
}

int http_arg_int(const http_request *rq, http_response *rs, const char *key, long fallback, long lo,
                 long hi, long *out)
{
    const char *v = http_arg(rq, key);
    *out = fallback;
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    /* not a number: 400; a number out of range: 422, as yente (FastAPI)
     * answers a value its validation refuses */
    if (errno || *end || n < lo || n > hi) {
        http_reply_error(rs, errno || *end ? 400 : 422, "%s: expected an integer from %ld to %ld", key, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

int http_arg_finite(const http_request *rq, http_response *rs, const char *key, double fallback, double *out)
{
    const char *v = http_arg(rq, key);
    *out = fallback;
    if (!v || !*v)
        return 0;
    char *end;
    double d = strtod(v, &end);
    if (*end || !isfinite(d)) {
        http_reply_error(rs, 400, "%s: expected a number", key);
        return -1;
    }
    *out = d;
    return 0;
}

int http_arg_double(const http_request *rq, http_response *rs, const char *key, double fallback,
                    double *out)
{
    const char *v = http_arg(rq, key);
    *out = fallback;
    if (!v || !*v)
        return 0;
    char *end;
    double d = strtod(v, &end);
    if (*end || !(d >= 0.0 && d <= 1.0)) {
        http_reply_error(rs, 400, "%s: expected a number from 0 to 1", key);
        return -1;
    }
    *out = d;
    return 0;
}

static enum MHD_Result check_arg_utf8(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    bool *ok = cls;
    if (!utf8_valid(key, strlen(key), NULL) || (value && !utf8_valid(value, strlen(value), NULL))) {
        *ok = false;
        return MHD_NO;
    }
    return MHD_YES;
}


bool http_args_valid_utf8(struct MHD_Connection *c)
{
    bool ok = true;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_arg_utf8, &ok);
    return ok;
}
