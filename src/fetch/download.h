/* download — one file over HTTP(S) with libcurl: a conditional request,
 * limits, and retries with exponential backoff for transient failures.
 * Internal to src/fetch. */
#ifndef KD_FETCH_DOWNLOAD_H
#define KD_FETCH_DOWNLOAD_H

#include "kordon/fetch.h"

#include <stdbool.h>

typedef struct download_request {
    const char *url;
    const char *dest;           /* holds the body after a 200; removed otherwise */
    const char *etag;           /* validators for If-None-Match / If-Modified-Since; */
    const char *last_modified;  /* NULL to ask unconditionally */
    const kd_fetch_settings *settings;
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
} download_request;

typedef struct download_result {
    bool not_modified;          /* 304: no dest file */
    char etag[256];             /* from the final response; "" when none */
    char last_modified[64];
    char sha256[65];            /* of the body written to dest */
    uint64_t size;
    long attempts;
} download_result;

/* Returns KD_OK with the file in dest (or not_modified), else a negative
 * code and a message naming the URL and the last failure. */
int download_file(const download_request *req, download_result *out, kd_error *err);

#endif
