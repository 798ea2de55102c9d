/* http — kordon's HTTP service: yente's API (/match, /search, /entities,
 * /catalog, /reconcile...) plus text screening, on libmicrohttpd.
 *
 * The server owns a "live" index: requests take a reference to the current
 * generation and keep it until their response is sent, so a reload swaps
 * the file under running requests without failing any of them. */
#ifndef KD_HTTP_H
#define KD_HTTP_H

#include "kordon.h"

#include <stddef.h>

typedef struct http_options {
    const char *index_path;     /* may not exist yet: /readyz says 503 until it does */
    const char *listen;         /* "127.0.0.1:8000", "[::1]:8000" or ":8000" */
    unsigned threads;           /* worker threads; 0 → number of cores */
    size_t max_body;            /* bytes; larger bodies get 413 */
    size_t max_queries;         /* per /match request */
    unsigned request_timeout;   /* seconds a client may take to send one request */
    const char *api_key_file;   /* one key per line; NULL → $KORDON_API_KEYS or none */
    const char *access_log;     /* file for JSON access log lines; NULL → stderr, "-" → stdout */
    int quiet;                  /* no access log */
    int watch;                  /* reload when the index file is replaced */
    const char *db;             /* audit store (SQLite path or postgresql:// URI); NULL: no recording */
    unsigned writers;           /* connections recording /match runs side by side; 0: 1 on SQLite, 2 on PostgreSQL */
    long keep_answers_hours;    /* answers kept for Idempotency-Key retries: hours, 0 for ever, < 0 the default (24) */
    const char *fetch_dir;      /* where `kordon fetch` keeps fetch-state.json; NULL → $KORDON_FETCH_DIR or lists */
    /* Browser safety: origins allowed to call the API from a web page
     * (CORS); none by default, so only the page kordon serves itself. */
    const char *cors_origins[16];
    size_t n_cors_origins;
    const char *public_url;     /* the URL users reach the server by ("https://kordon.example"); its host is accepted */
    int insecure_no_auth;       /* allow listening beyond loopback without API keys */
    /* /scan's limits: 0 → the defaults in server.c */
    size_t scan_max_mentions;   /* mentions in one answer (422 beyond) */
    size_t scan_max_related;    /* related entries per mention (the rest are counted, not listed) */
    size_t scan_max_response;   /* bytes of one answer (422 beyond) */
    double scan_timeout;        /* seconds of work for one /scan (503 beyond) */
    unsigned scan_concurrency;  /* /scan and text requests running at once (503 when busy) */
} http_options;

typedef struct http_server http_server;

/* Starts listening; returns once the socket is bound (the port is then in
 * http_server_port, useful with port 0). */
int http_server_start(const http_options *options, http_server **out, kd_error *err);
unsigned http_server_port(const http_server *server);
/* How many API keys the server wants one of (0: it is open). */
size_t http_server_key_count(const http_server *server);
/* Loads the index file again and swaps it in (requests in flight finish on
 * the old one). */
int http_server_reload(http_server *server, kd_error *err);
/* Reloads when the file at index_path has been replaced or appeared since
 * the last load; returns 1 if it reloaded, 0 if unchanged, <0 on error, and
 * 2 when it has just noticed the file being modified in place (the notice
 * is in err->message; it is loaded on a later call once it stops changing). */
int http_server_poll_index(http_server *server, kd_error *err);
/* Stops accepting, lets requests in flight finish (at most grace_seconds),
 * then frees everything. */
void http_server_stop(http_server *server, unsigned grace_seconds);

#endif
