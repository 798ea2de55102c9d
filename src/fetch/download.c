#include "download.h"
#include "core/core.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

typedef struct transfer {
    FILE *out;
    sha256_ctx *sha;
    uint64_t size, limit;
    bool over_limit, write_failed;
    char etag[256];
    char last_modified[64];
} transfer;

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
    transfer *t = userdata;
    size_t bytes = size * n;
    if (t->size + bytes > t->limit) {
        /* Content-Length is optional and may lie: count what really comes. */
        t->over_limit = true;
        return 0;
    }
    if (fwrite(data, 1, bytes, t->out) != bytes) {
        t->write_failed = true;
        return 0;
    }
    sha256_update(t->sha, data, bytes);
    t->size += bytes;
    return bytes;
}

/* Copies a header value keeping printable ASCII only: validators are
 * echoed back to the server and stored in JSON, so nothing else belongs. */
static void copy_header_value(char *dst, size_t cap, const char *v, size_t n)
{
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    size_t k = 0;
    if (n >= cap) {
        dst[0] = '\0'; /* a truncated validator would never match: drop it */
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (v[i] >= 0x20 && v[i] < 0x7f)
            dst[k++] = v[i];
    dst[k] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
    transfer *t = userdata;
    size_t bytes = size * n;
    /* Each response of a redirect chain starts with a status line: only
     * the final response's validators count. */
    if (bytes >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        t->etag[0] = '\0';
        t->last_modified[0] = '\0';
    } else if (bytes > 5 && strncasecmp(data, "ETag:", 5) == 0) {
        copy_header_value(t->etag, sizeof t->etag, data + 5, bytes - 5);
    } else if (bytes > 14 && strncasecmp(data, "Last-Modified:", 14) == 0) {
        copy_header_value(t->last_modified, sizeof t->last_modified, data + 14, bytes - 14);
    }
    return bytes;
}

typedef enum attempt_status { ATTEMPT_OK, ATTEMPT_RETRY, ATTEMPT_FAIL } attempt_status;

static bool transient_curl_error(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static attempt_status attempt(CURL *h, const download_request *req, download_result *out,
                              kd_error *err)
{
    transfer t = {.limit = req->settings->max_size};
    t.out = fopen(req->dest, "wb");
    if (!t.out) {
        error_set(err, KD_EIO, "%s: cannot create: %s", req->dest, strerror(errno));
        return ATTEMPT_FAIL;
    }
    if (!(t.sha = sha256_new())) {
        fclose(t.out);
        error_set(err, KD_ENOMEM, "out of memory");
        return ATTEMPT_FAIL;
    }
    struct curl_slist *headers = NULL;
    char line[400];
    if (req->etag && *req->etag) {
        snprintf(line, sizeof line, "If-None-Match: %s", req->etag);
        headers = curl_slist_append(headers, line);
    }
    if (req->last_modified && *req->last_modified) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", req->last_modified);
        headers = curl_slist_append(headers, line);
    }
    char curl_message[CURL_ERROR_SIZE] = "";
    const kd_fetch_settings *s = req->settings;
    bool https = strncmp(req->url, "https://", 8) == 0;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_message);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kordon/" KORDON_VERSION_STRING);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    /* A list fetched over https must not be redirected to plain http,
     * where anyone on the path could swap it. */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(s->connect_timeout * 1000));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(s->timeout * 1000));
    if (s->low_speed_limit > 0 && s->low_speed_time > 0) {
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, s->low_speed_limit);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, s->low_speed_time);
    }
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max_size);

    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    int closed = fclose(t.out);
    sha256_final_hex(t.sha, out->sha256);
    out->size = t.size;
    snprintf(out->etag, sizeof out->etag, "%s", t.etag);
    snprintf(out->last_modified, sizeof out->last_modified, "%s", t.last_modified);

    if (t.over_limit || rc == CURLE_FILESIZE_EXCEEDED) {
        error_set(err, KD_ELIMIT, "%s: larger than the %llu-byte limit (set max_size)", req->url,
                  (unsigned long long)s->max_size);
        return ATTEMPT_FAIL;
    }
    if (t.write_failed || (rc == CURLE_OK && closed != 0)) {
        error_set(err, KD_EIO, "%s: cannot write: %s", req->dest, strerror(errno));
        return ATTEMPT_FAIL;
    }
    if (rc != CURLE_OK) {
        error_set(err, KD_EIO, "%s: %s", req->url,
                  curl_message[0] ? curl_message : curl_easy_strerror(rc));
        return transient_curl_error(rc) ? ATTEMPT_RETRY : ATTEMPT_FAIL;
    }
    if (status == 200) {
        if (t.size == 0) {
            /* An empty 200 is what a half-deployed publisher site serves. */
            error_set(err, KD_EEMPTY, "%s: the server sent an empty file", req->url);
            return ATTEMPT_RETRY;
        }
        return ATTEMPT_OK;
    }
    if (status == 304) {
        if (!(req->etag && *req->etag) && !(req->last_modified && *req->last_modified)) {
            error_set(err, KD_EPARSE, "%s: HTTP 304 to a request that was not conditional",
                      req->url);
            return ATTEMPT_FAIL;
        }
        out->not_modified = true;
        return ATTEMPT_OK;
    }
    error_set(err, status == 404 || status == 410 ? KD_ENOTFOUND : KD_EIO, "%s: HTTP %ld%s",
              req->url, status,
              status == 404   ? " (not found: has the publisher moved the file?)"
              : status >= 500 ? " (server error)"
                              : "");
    return status == 408 || status == 429 || status >= 500 ? ATTEMPT_RETRY : ATTEMPT_FAIL;
}

int download_file(const download_request *req, download_result *out, kd_error *err)
{
    *out = (download_result){0};
    CURL *h = curl_easy_init();
    if (!h)
        return error_set(err, KD_ENOMEM, "cannot start libcurl");
    double delay = req->settings->retry_delay;
    attempt_status st = ATTEMPT_FAIL;
    kd_error last = {0};
    for (long i = 0; i <= req->settings->retries; i++) {
        out->attempts = i + 1;
        double start = seconds_now();
        *out = (download_result){.attempts = i + 1};
        st = attempt(h, req, out, &last);
        if (st != ATTEMPT_RETRY || i == req->settings->retries)
            break;
        if (req->log) {
            char line[1400];
            snprintf(line, sizeof line, "  %s (after %.1f s); retrying in %.1f s", last.message,
                     seconds_now() - start, delay);
            req->log(req->log_ctx, line);
        }
        sleep_seconds(delay);
        delay = delay * 2 > 300 ? 300 : delay * 2;
    }
    curl_easy_cleanup(h);
    /* dest holds a body only after a 200; an error page or a 304's empty
     * body must not be mistaken for a download. */
    if (st != ATTEMPT_OK || out->not_modified)
        unlink(req->dest);
    if (st == ATTEMPT_OK)
        return KD_OK;
    if (out->attempts > 1)
        error_wrap(&last, last.code, "after %ld attempts: ", out->attempts);
    return error_set(err, last.code, "%s", last.message);
}
