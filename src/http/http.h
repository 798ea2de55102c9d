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
    const char *fetch_dir;      /* where `kordon fetch` keeps fetch-state.json; NULL → $KORDON_FETCH_DIR or lists */
} http_options;

typedef struct http_server http_server;

/* Starts listening; returns once the socket is bound (the port is then in
 * http_server_port, useful with port 0). */
int http_server_start(const http_options *options, http_server **out, kd_error *err);
unsigned http_server_port(const http_server *server);
/* Loads the index file again and swaps it in (requests in flight finish on
 * the old one). */
int http_server_reload(http_server *server, kd_error *err);
/* Reloads when the file at index_path has been replaced or appeared since
 * the last load; returns 1 if it reloaded, 0 if unchanged, <0 on error. */
int http_server_poll_index(http_server *server, kd_error *err);
/* Stops accepting, lets requests in flight finish (at most grace_seconds),
 * then frees everything. */
void http_server_stop(http_server *server, unsigned grace_seconds);

#endif
