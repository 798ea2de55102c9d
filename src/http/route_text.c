/* kordon's own routes: POST /scan (text screening, the mentions `kordon
 * scan --json` prints) and POST /screen (many records in one body, results
 * streamed back as JSON lines while they are computed). */
#include "http_internal.h"
#include "lists/lists.h"
#include "scan/scan.h"
#include "kordon/store.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* ---- /scan ---------------------------------------------------------------- */

/* /scan's bounds where the server's options leave them 0. A text naming
 * ten thousand parties is a list, not prose (/screen is for lists); twenty
 * related listings per mention say who else is concerned without a
 * snippet flood; 16 MiB is far beyond any real article's answer. */
#define SCAN_DEFAULT_MAX_MENTIONS 10000
#define SCAN_DEFAULT_MAX_RELATED 20
#define SCAN_DEFAULT_MAX_RESPONSE ((size_t)16 << 20)
#define SCAN_DEFAULT_TIMEOUT 30.0
/* mentions serialised between two looks at the deadline and the client */
#define SCAN_JSON_POLL 64

typedef enum scan_stop { SCAN_RUNNING, SCAN_DEADLINE, SCAN_CLIENT_GONE } scan_stop;

/* One /scan, run on a worker thread (http_deferred). */
typedef struct scan_job {
    http_deferred base; /* first: the server hands this pointer back */
    live_index *index;
    const char *body;   /* the request's: valid until free */
    size_t body_len;
    double threshold;
    size_t max_mentions, max_related, max_response;
    double timeout, deadline;
    scan_stop stop;
    /* with --db: the scan is recorded as a lookup by this user */
    http_server *server;
    char *actor;
} scan_job;

/* One mention as http_reply_json would write it (takes the reference). */
static char *mention_text(json_t *o)
{
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(o);
    return text;
}

static size_t option_or(size_t value, size_t fallback)
{
    return value ? value : fallback;
}

/* kd_scan_options.cancel: the deadline has passed, or nobody is waiting. */
static int scan_cancel(void *context)
{
    scan_job *job = context;
    if (http_now() >= job->deadline)
        job->stop = SCAN_DEADLINE;
    else if (http_client_gone(job->base.connection))
        job->stop = SCAN_CLIENT_GONE;
    return job->stop != SCAN_RUNNING;
}

static void scan_reply_stopped(scan_job *job, http_response *rs)
{
    if (job->stop == SCAN_DEADLINE)
        http_reply_error(rs, 503,
                         "text screening stopped after %g s, the longest one /scan may take (--scan-timeout); "
                         "send a shorter text",
                         job->timeout);
    else /* the client left: no one reads this */
        http_reply_error(rs, 503, "text screening stopped: the client closed the connection");
}

/* The answer {"mentions": [...], "listed": L, "linked": K}, written one
 * mention at a time so that an answer over max_response is refused when
 * it gets there, not after a gigabyte has been built; or the reason why
 * not. */
static void scan_answer(scan_job *job, const kd_mention *m, size_t n, http_response *rs)
{
    const kd_index *ix = job->index->index;
    static const char head[] = "{\"mentions\":[";
    char tail[96];
    size_t listed = 0;
    for (size_t i = 0; i < n; i++)
        listed += !m[i].linked;
    int tail_len = snprintf(tail, sizeof tail, "],\"listed\":%zu,\"linked\":%zu}", listed, n - listed);
    buf out = {0};
    bool ok = buf_append(&out, head, sizeof head - 1) == KD_OK;
    for (size_t i = 0; ok && i < n; i++) {
        if (i % SCAN_JSON_POLL == SCAN_JSON_POLL - 1 && scan_cancel(job)) {
            buf_free(&out);
            scan_reply_stopped(job, rs);
            return;
        }
        char *text = mention_text(scan_mention_json(ix, job->index->ties, job->body, &m[i]));
        ok = text && (i == 0 || buf_append_char(&out, ',') == KD_OK) && buf_append_str(&out, text) == KD_OK;
        free(text);
        if (ok && out.len + (size_t)tail_len > job->max_response) {
            buf_free(&out);
            http_reply_error(rs, 422,
                             "the answer would be larger than %zu bytes, the most /scan sends "
                             "(--scan-max-response), by mention %zu of %zu; send a shorter text",
                             job->max_response, i + 1, n);
            return;
        }
    }
    if (!ok || buf_append(&out, tail, (size_t)tail_len)) {
        buf_free(&out);
        http_reply_error(rs, 500, "out of memory");
        return;
    }
    if (out.len > job->max_response) { /* a cap smaller than an answer without mentions */
        buf_free(&out);
        http_reply_error(rs, 422, "the answer would be larger than %zu bytes, the most /scan sends "
                                  "(--scan-max-response)", job->max_response);
        return;
    }
    http_reply_text(rs, 200, "application/json", out.data, out.len);
}

/* With --db, the scan is one lookup run: each mention of a listed party an
 * input (the words of the text that named it) with the party as its one
 * result; a party named by listings is not a hit and is left out. A
 * lookup raises no alerts: nobody was screened. 0, or why not. */
static int scan_record(scan_job *job, const kd_mention *m, size_t n, kd_error *err)
{
    size_t listed = 0;
    for (size_t i = 0; i < n; i++)
        listed += !m[i].linked;
    json_t *params = json_pack("{s:b,s:f,s:I,s:I}", "lookup", 1, "threshold", job->threshold, "queries",
                               (json_int_t)listed, "text_bytes", (json_int_t)job->body_len);
    if (!params)
        return error_set(err, KD_ENOMEM, "out of memory");
    http_recording rec;
    int rc = http_record_begin_as(job->server, job->actor, job->index->index, "api /scan", params, &rec, err);
    json_decref(params);
    size_t row = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (m[i].linked)
            continue;
        char *words = strndup(job->body + m[i].start, m[i].end - m[i].start);
        if (!words) {
            rc = error_set(err, KD_ENOMEM, "out of memory");
            break;
        }
        http_match_query q = {.names = {words}, .n_names = 1, .schema = -1};
        kd_match_result r = {.entity = m[i].entity, .party = m[i].party, .score = m[i].score, .match = 1,
                             .name_score = m[i].score};
        snprintf(r.explanation, sizeof r.explanation, "%s", m[i].explanation);
        rc = http_record_add(&rec, ++row, NULL, &q, &r, 1, err);
        free(words);
    }
    kd_error end_err = {0};
    if (http_record_end(&rec, rc == 0, &end_err) && !rc) {
        *err = end_err;
        rc = end_err.code ? end_err.code : KD_EIO;
    }
    return rc;
}

static void scan_run(http_deferred *base, http_response *rs)
{
    scan_job *job = (scan_job *)base;
    kd_error err = {0};
    kd_scanner *s = live_take_scanner(job->index, &err);
    if (!s) {
        http_reply_error(rs, 500, "%s", err.message);
        return;
    }
    /* from here: the first scan of an index builds the tables every later
     * one shares, which is the index's cost, not the text's */
    job->deadline = http_now() + job->timeout;
    kd_scan_options o = {.threshold = job->threshold, .max_mentions = job->max_mentions,
                         .max_related = job->max_related, .cancel = scan_cancel, .cancel_context = job};
    kd_mention *m = NULL;
    size_t n = 0;
    int rc = kd_scan_with(s, job->body, job->body_len, &o, &m, &n, &err);
    live_give_scanner(job->index, s);
    if (rc == KD_ECANCELED) {
        scan_reply_stopped(job, rs);
    } else if (rc == KD_ELIMIT) {
        http_reply_error(rs, 422,
                         "the text names more than %zu parties, the most one /scan reports "
                         "(--scan-max-mentions); send a shorter text, or a list to /screen",
                         job->max_mentions);
    } else if (rc) {
        http_reply_error(rs, rc == KD_ENOMEM ? 500 : 400, "%s", err.message);
    } else {
        scan_answer(job, m, n, rs);
        /* what was answered is recorded, before the client sees it */
        if (job->server && rs->status == 200 && scan_record(job, m, n, &err))
            http_reply_error(rs, http_store_status(job->server, &err), "cannot record the scan: %.400s",
                             err.message);
    }
    kd_mentions_free(m, n);
}

static void scan_job_free(http_deferred *base)
{
    scan_job *job = (scan_job *)base;
    live_release(job->index);
    free(job->actor);
    free(job);
}

/* Checks the request here, on the network thread; the scan runs on a
 * worker (--scan-concurrency of them), bounded by the --scan-* options. */
void route_scan(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest; /* a path below the prefix is answered as the prefix */
    if (!http_need_index(rq, rs))
        return;
    double threshold;
    if (http_arg_double(rq, rs, "threshold", 0.0, &threshold))
        return;
    size_t bad;
    if (!utf8_valid(rq->body, rq->body_len, &bad)) {
        http_reply_error(rs, 400, "body: invalid UTF-8 at byte %zu", bad);
        return;
    }
    /* kd_scan's own size limit, so that its KD_ELIMIT can only mean
     * too many mentions */
    if (rq->body_len >= UINT32_MAX) {
        http_reply_error(rs, 413, "body: %zu bytes, /scan takes less than 4 GiB", rq->body_len);
        return;
    }
    scan_job *job = calloc(1, sizeof *job);
    if (!job) {
        http_reply_error(rs, 500, "out of memory");
        return;
    }
    const http_options *o = rq->options;
    job->base.run = scan_run;
    job->base.free = scan_job_free;
    job->index = rq->index;
    atomic_fetch_add(&job->index->refs, 1); /* held until free, whatever the server does */
    job->body = rq->body;
    job->body_len = rq->body_len;
    job->threshold = threshold;
    job->max_mentions = option_or(o->scan_max_mentions, SCAN_DEFAULT_MAX_MENTIONS);
    job->max_related = option_or(o->scan_max_related, SCAN_DEFAULT_MAX_RELATED);
    job->max_response = option_or(o->scan_max_response, SCAN_DEFAULT_MAX_RESPONSE);
    job->timeout = o->scan_timeout > 0 ? o->scan_timeout : SCAN_DEFAULT_TIMEOUT;
    if (rq->server->options.db) {
        job->server = rq->server;
        if (!(job->actor = strdup(http_actor_of(rq)))) {
            scan_job_free(&job->base);
            http_reply_error(rs, 500, "out of memory");
            return;
        }
    }
    rs->deferred = &job->base;
}

/* ---- /screen -------------------------------------------------------------- */

/* CSV headers are FtM property names, compared without case, spaces,
 * dashes or underscores ("birth_date" = "birthDate"); "schema" and "id"
 * are the query's own fields. */
static const char *header_property(const char *header)
{
    char h[64];
    size_t k = 0;
    for (const char *p = header; *p && k + 1 < sizeof h; p++)
        if (*p != '_' && *p != ' ' && *p != '-')
            h[k++] = (char)tolower((unsigned char)*p);
    h[k] = '\0';
    if (strcmp(h, "schema") == 0 || strcmp(h, "id") == 0)
        return strcmp(h, "id") == 0 ? "id" : "schema";
    if (strcmp(h, "dob") == 0 || strcmp(h, "dateofbirth") == 0)
        return "birthDate";
    for (int p = 0; p < KD_PROP_COUNT; p++) {
        const char *name = kd_prop_name((kd_prop)p);
        size_t n = strlen(name);
        if (n != k)
            continue;
        size_t i = 0;
        while (i < n && tolower((unsigned char)name[i]) == h[i])
            i++;
        if (i == n)
            return name;
    }
    return NULL;
}

typedef struct screen_stream {
    live_index *index;
    kd_matcher *matcher;
    const char *body;           /* the request's, alive until the request completes */
    size_t body_len, pos;
    bool csv;
    csv_reader *reader;
    const char **columns;       /* property per CSV column, or NULL: as many as the header has */
    size_t n_columns;
    size_t record;
    http_filter filter;
    double threshold;
    size_t limit;
    buf out;                    /* produced, not yet handed to the network */
    size_t out_pos;
    bool done;
    http_match_found *found;
    kd_match_result *scratch;
    /* with --db: records go out in blocks, each block a screening run
     * committed before its lines are handed to the network */
    http_server *server;
    char *actor;
    http_recording rec;
    size_t block;               /* blocks begun: the run's "block" parameter */
    bool record_failed;
    char record_error[512];
    /* with an Idempotency-Key as well: each block's lines are kept with its
     * run, under the key's part for that block, so that a retry sends a
     * kept block as it was sent, reading past its records unscreened, and
     * screens (and records) only the blocks not recorded yet */
    http_idempotency idem;
    bool skipping;
} screen_stream;

/* records in one recorded run of /screen */
#define SCREEN_BLOCK 500

static void stream_line(screen_stream *st, json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (text) {
        buf_append_str(&st->out, text);
        buf_append_char(&st->out, '\n');
        free(text);
    }
}

static void stream_error(screen_stream *st, size_t line, int status, const char *why)
{
    stream_line(st, json_pack("{s:I,s:i,s:s}", "line", (json_int_t)line, "status", status, "detail", why));
}

/* Matches one query and appends its result line. */
static void screen_query(screen_stream *st, size_t line, json_t *q)
{
    if (st->skipping) /* a block kept already: its lines are sent as kept */
        return;
    char key[32], why[512];
    snprintf(key, sizeof key, "line %zu", line);
    http_match_query c;
    json_t *echo = NULL;
    int status = http_match_clean(key, q, &c, &echo, why, sizeof why);
    if (status) {
        json_decref(echo);
        stream_error(st, line, status, why);
        return;
    }
    kd_error err = {0};
    int n = http_match_run(st->matcher, &c, &st->filter, st->limit, st->threshold, st->scratch, st->found,
                           st->limit * HTTP_MATCH_RUNS, &err);
    if (n < 0) {
        json_decref(echo);
        stream_error(st, line, 400, err.message);
        return;
    }
    json_t *results = json_array();
    size_t matches = 0;
    http_match_weights w = {1.0, 1.0};
    for (int i = 0; i < n && (size_t)i < st->limit; i++) {
        double score = http_match_reweigh(&st->found[i].r, &w);
        matches += score >= st->threshold;
        json_array_append_new(results, http_match_result(st->index, &st->found[i], score, st->threshold));
        /* what was answered is what is recorded */
        st->scratch[i] = st->found[i].r;
        st->scratch[i].score = score;
        st->scratch[i].match = score >= st->threshold;
    }
    json_t *id = json_object_get(echo, "id");
    if (st->server && !st->record_failed) {
        char id_text[32];
        snprintf(id_text, sizeof id_text, "%zu", line);
        if (!st->rec.run) {
            json_t *params = json_pack("{s:I,s:f,s:s,s:I}", "limit", (json_int_t)st->limit, "threshold",
                                       st->threshold, "format", st->csv ? "csv" : "jsonl", "block",
                                       (json_int_t)st->block);
            if (http_record_begin_as(st->server, st->actor, st->index->index, "api /screen", params, &st->rec,
                                     &err))
                st->record_failed = true;
            json_decref(params);
        }
        if (!st->record_failed &&
            http_record_add(&st->rec, line, json_is_string(id) ? json_string_value(id) : id_text, &c, st->scratch,
                            json_array_size(results), &err))
            st->record_failed = true;
        if (st->record_failed)
            snprintf(st->record_error, sizeof st->record_error, "cannot record the screening: %.400s",
                     err.message);
    }
    /* which index answered (its ETag, as X-Kordon-Index and /match's
     * "index" give it): a block replayed for an Idempotency-Key says the
     * index that screened it, not the one loaded now */
    const char *etag = st->index->etag;
    size_t etag_len = strlen(etag);
    if (etag_len >= 2 && etag[0] == '"')
        etag++, etag_len -= 2;
    stream_line(st, json_pack("{s:I,s:O?,s:i,s:o,s:{s:I,s:s},s:o,s:s%}", "line", (json_int_t)line, "id", id,
                              "status", 200, "results", results, "total", "value", (json_int_t)matches, "relation",
                              "eq", "query", echo, "index", etag, etag_len));
}

/* Reads the next record of the body into a query; false at the end. */
static bool screen_next(screen_stream *st)
{
    if (st->csv) {
        kd_error err = {0};
        int rc = csv_next(st->reader, &err);
        if (rc <= 0) {
            if (rc < 0)
                stream_error(st, csv_line(st->reader), 400, err.message);
            return false;
        }
        json_t *props = json_object(), *q = json_pack("{s:s,s:o}", "schema", "Thing", "properties", props);
        for (size_t i = 0; i < st->n_columns && i < csv_field_count(st->reader); i++) {
            size_t len;
            const char *v = csv_field(st->reader, i, &len);
            if (!st->columns[i] || !len)
                continue;
            json_t *value = json_stringn(v, len);
            if (!value) {
                json_decref(q);
                stream_error(st, csv_line(st->reader), 400, "invalid UTF-8");
                return true;
            }
            if (strcmp(st->columns[i], "schema") == 0 || strcmp(st->columns[i], "id") == 0)
                json_object_set_new(q, st->columns[i], value);
            else
                json_object_set_new(props, st->columns[i], json_pack("[o]", value));
        }
        /* A birth date or gender says the row is a person. */
        if (!json_object_get(q, "schema") || strcmp(json_string_value(json_object_get(q, "schema")), "Thing") == 0)
            if (json_object_get(props, "birthDate") || json_object_get(props, "gender"))
                json_object_set_new(q, "schema", json_string("Person"));
        screen_query(st, csv_line(st->reader), q);
        json_decref(q);
        return true;
    }
    while (st->pos < st->body_len) {
        const char *start = st->body + st->pos;
        const char *nl = memchr(start, '\n', st->body_len - st->pos);
        size_t len = nl ? (size_t)(nl - start) : st->body_len - st->pos;
        st->pos += len + (nl != NULL);
        st->record++;
        if (len == 0 || (len == 1 && *start == '\r'))
            continue;
        json_error_t jerr;
        json_t *q = json_loadb(start, len, JSON_REJECT_DUPLICATES, &jerr);
        if (!q) {
            char why[256];
            snprintf(why, sizeof why, "invalid JSON at column %d: %s", jerr.column, jerr.text);
            stream_error(st, st->record, 400, why);
        } else {
            screen_query(st, st->record, q);
            json_decref(q);
        }
        return true;
    }
    return false;
}

/* A block's lines as kept for the Idempotency-Key in place of what the
 * block produced; more: whether blocks follow. */
static bool screen_send_kept(screen_stream *st, kd_kept_answer *kept, bool more)
{
    buf_clear(&st->out);
    bool ok = !kept->other_request && buf_append_str(&st->out, kept->body) == KD_OK;
    if (kept->other_request) /* a request sent at the same time with the key: the first kept stands */
        stream_error(st, st->record, 422, "Idempotency-Key: already used for another request");
    else if (!ok)
        stream_error(st, st->record, 500, "out of memory");
    free(kept->body);
    kept->body = NULL;
    return ok && more;
}

/* Keeps the block's lines (st->out) under its part of the key: with its
 * run, in the run's transaction, or on their own when no record of the
 * block was screened. KD_EUSAGE: the part is kept already. */
static int screen_keep(screen_stream *st, const char *key, kd_error *err)
{
    const char *lines = st->out.len ? st->out.data : "";
    return st->rec.run ? http_record_keep(&st->rec, key, st->idem.request_sha256, 200, "application/x-ndjson", lines,
                                          err)
                       : http_idempotency_put(st->server, key, st->idem.request_sha256, 200,
                                              "application/x-ndjson", lines, err);
}

/* The next lines to send: one record's, or with --db a block of records
 * recorded as one run, committed first. A block that cannot be recorded
 * is not sent: its lines give way to one error line, and the stream ends.
 * With an Idempotency-Key, a block kept already is sent as kept. */
static bool screen_more(screen_stream *st)
{
    if (!st->server)
        return screen_next(st);
    st->block++;
    kd_error err = {0};
    char key[sizeof st->idem.key + 24] = "";
    kd_kept_answer kept = {0};
    if (st->idem.key[0]) {
        http_idempotency_part(&st->idem, st->block, key, sizeof key);
        int rc = http_idempotency_get(st->server, key, st->idem.request_sha256, &kept, &err);
        if (rc && rc != KD_ENOTFOUND) {
            buf_clear(&st->out);
            snprintf(st->record_error, sizeof st->record_error, "Idempotency-Key: %.400s", err.message);
            stream_error(st, st->record, http_store_status(st->server, &err), st->record_error);
            return false;
        }
        if (!rc) {
            /* the block's records read past, for the blocks after it */
            bool more = true;
            st->skipping = true;
            for (size_t i = 0; i < SCREEN_BLOCK && more; i++)
                more = screen_next(st);
            st->skipping = false;
            return screen_send_kept(st, &kept, more);
        }
    }
    bool more = true;
    for (size_t i = 0; i < SCREEN_BLOCK && more && !st->record_failed; i++)
        more = screen_next(st);
    if (!st->record_failed && key[0]) {
        int rc = screen_keep(st, key, &err);
        if (rc == KD_EUSAGE) {
            /* the same request sent at once (through another replica, say)
             * kept this block first: its lines stand, this run is not kept */
            http_record_end(&st->rec, false, &err);
            if (!(rc = http_idempotency_get(st->server, key, st->idem.request_sha256, &kept, &err)))
                return screen_send_kept(st, &kept, more);
        }
        if (rc) {
            st->record_failed = true;
            snprintf(st->record_error, sizeof st->record_error,
                     "cannot keep the answer for the Idempotency-Key: %.400s", err.message);
        }
    }
    if (!st->record_failed && http_record_end(&st->rec, true, &err)) {
        st->record_failed = true;
        snprintf(st->record_error, sizeof st->record_error, "cannot record the screening: %.400s", err.message);
    }
    if (st->record_failed) {
        http_record_end(&st->rec, false, &err);
        buf_clear(&st->out);
        stream_error(st, st->record, http_store_status(st->server, &err), st->record_error);
        return false;
    }
    return more;
}

static ssize_t screen_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    screen_stream *st = cls;
    while (st->out_pos == st->out.len) {
        buf_clear(&st->out);
        st->out_pos = 0;
        if (st->done || !screen_more(st)) {
            st->done = true;
            if (st->out.len == 0)
                return MHD_CONTENT_READER_END_OF_STREAM;
        }
    }
    size_t n = st->out.len - st->out_pos;
    if (n > max)
        n = max;
    memcpy(out, st->out.data + st->out_pos, n);
    st->out_pos += n;
    return (ssize_t)n;
}

static void screen_free(void *cls)
{
    screen_stream *st = cls;
    kd_error err = {0};
    http_record_end(&st->rec, false, &err); /* a client gone mid-block: that run is not kept */
    free(st->actor);
    if (st->reader)
        csv_close(st->reader);
    if (st->matcher)
        live_give_matcher(st->index, st->matcher);
    live_release(st->index);
    buf_free(&st->out);
    free(st->found);
    free(st->scratch);
    free(st->columns);
    free(st);
}

void route_screen(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest; /* a path below the prefix is answered as the prefix */
    /* the Content-Type is the request too: the same bytes read as CSV or
     * as JSON lines are two requests */
    http_idempotency idem;
    if (http_idempotency_read(rq, rs, "screen", MHD_HTTP_HEADER_CONTENT_TYPE, &idem) || !http_need_index(rq, rs))
        return;
    /* a key kept for another request is refused before anything is
     * screened; one kept for this request is a retry: every block recorded
     * already is sent as kept (screen_more) */
    bool retry = false;
    if (idem.key[0]) {
        char key[sizeof idem.key + 24];
        http_idempotency_part(&idem, 1, key, sizeof key);
        kd_kept_answer kept;
        kd_error err = {0};
        int rc = http_idempotency_get(rq->server, key, idem.request_sha256, &kept, &err);
        if (rc && rc != KD_ENOTFOUND) {
            http_reply_error(rs, http_store_status(rq->server, &err), "Idempotency-Key: %s", err.message);
            return;
        }
        if (!rc && kept.other_request) {
            http_reply_kept(rs, &kept);
            free(kept.body);
            return;
        }
        if (!rc)
            free(kept.body);
        retry = rc == KD_OK;
    }
    long limit;
    double threshold;
    if (http_arg_int(rq, rs, "limit", 5, 1, 50, &limit) ||
        http_arg_double(rq, rs, "threshold", KD_MATCH_THRESHOLD, &threshold))
        return;
    size_t bad;
    if (!utf8_valid(rq->body, rq->body_len, &bad)) {
        http_reply_error(rs, 400, "body: invalid UTF-8 at byte %zu", bad);
        return;
    }
    screen_stream *st = calloc(1, sizeof *st);
    if (!st) {
        http_reply_error(rs, 500, "out of memory");
        return;
    }
    if (http_filter_parse(rq, rs, &st->filter)) {
        free(st);
        return;
    }
    st->index = rq->index;
    atomic_fetch_add(&st->index->refs, 1); /* the stream outlives this call */
    if (rq->options->db) {
        st->server = rq->server;
        st->actor = strdup(http_actor_of(rq)); /* the request's headers go with the call */
        st->idem = idem;
    }
    st->body = rq->body;
    st->body_len = rq->body_len;
    st->threshold = threshold;
    st->limit = (size_t)limit;
    st->found = malloc(st->limit * HTTP_MATCH_RUNS * sizeof *st->found);
    st->scratch = malloc(st->limit * sizeof *st->scratch);
    kd_error err = {0};
    const char *type = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    size_t skip = 0;
    while (skip < st->body_len && isspace((unsigned char)st->body[skip]))
        skip++;
    st->csv = type ? strstr(type, "csv") != NULL : (skip < st->body_len && st->body[skip] != '{');
    if (!st->found || !st->scratch || (st->server && !st->actor) ||
        !(st->matcher = live_take_matcher(st->index, &err))) {
        screen_free(st);
        http_reply_error(rs, 500, "%s", err.message[0] ? err.message : "out of memory");
        return;
    }
    if (st->csv) {
        if (csv_open_memory(&st->reader, st->body, st->body_len, "body", ',', &err) ||
            csv_next(st->reader, &err) < 0) {
            screen_free(st);
            http_reply_error(rs, 400, "%s", err.message);
            return;
        }
        /* a column per header field, however many: the body bounds them */
        size_t n_columns = csv_field_count(st->reader);
        if (n_columns && !(st->columns = calloc(n_columns, sizeof *st->columns))) {
            screen_free(st);
            http_reply_error(rs, 500, "out of memory");
            return;
        }
        st->n_columns = n_columns;
        bool has_name = false;
        for (size_t i = 0; i < st->n_columns; i++) {
            st->columns[i] = header_property(csv_field(st->reader, i, NULL));
            has_name |= st->columns[i] && (strcmp(st->columns[i], "name") == 0 ||
                                           strcmp(st->columns[i], "lastName") == 0);
        }
        if (!has_name) {
            screen_free(st);
            http_reply_error(rs, 400, "CSV header: needs a name (or lastName) column; columns are FtM "
                                      "property names such as name, birthDate, nationality, idNumber");
            return;
        }
    }
    rs->stream = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, screen_read, st, screen_free);
    if (!rs->stream) {
        screen_free(st);
        http_reply_error(rs, 500, "out of memory");
        return;
    }
    rs->status = 200;
    rs->content_type = "application/x-ndjson";
    rs->replayed = retry;
}
