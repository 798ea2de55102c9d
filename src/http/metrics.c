/* Prometheus metrics: request counts per route and status, latency
 * histograms per route, and what each dataset in the index is. Counters are
 * lock-free atomics bumped once per request. */
#include "http_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const route_names[ROUTE_COUNT] = {
#define HTTP_ROUTE_NAME(name, text) text,
    HTTP_ROUTES(HTTP_ROUTE_NAME)
#undef HTTP_ROUTE_NAME
};

/* The statuses the server sends; anything else counts under the last. */
static const int codes[METRICS_CODES] = {200, 204, 301, 304, 308, 400, 401, 403,
                                         404, 405, 408, 413, 422, 500, 503, 0};

static const double bounds[METRICS_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                0.005,  0.01,    0.025,  0.05,  0.1,
                                                0.25,   0.5,     1.0,    5.0};

void metrics_record(metrics *m, http_route_id route, int status, double seconds)
{
    size_t c = 0;
    while (c + 1 < METRICS_CODES && codes[c] != status)
        c++;
    atomic_fetch_add(&m->requests[route][c], 1);
    size_t b = 0;
    while (b < METRICS_BUCKETS && seconds > bounds[b])
        b++;
    atomic_fetch_add(&m->buckets[route][b], 1);
    atomic_fetch_add(&m->duration_us[route], (unsigned long)(seconds * 1e6));
}

void metrics_record_group(metrics *m, size_t runs, size_t failed, double seconds)
{
    atomic_fetch_add(&m->record_groups, 1);
    atomic_fetch_add(&m->record_runs, runs);
    atomic_fetch_add(&m->record_failed_runs, failed);
    size_t b = 0;
    while (b < METRICS_BUCKETS && seconds > bounds[b])
        b++;
    atomic_fetch_add(&m->record_buckets[b], 1);
    atomic_fetch_add(&m->record_us, (unsigned long)(seconds * 1e6));
}

/* The store's part, when the server keeps one. */
static void render_store(const metrics *m, http_server *s, buf *out)
{
    bool down = http_store_down(s, NULL, 0, NULL);
    buf_printf(out, "# HELP kordon_store_up 1 when the audit store answers (0 while requests that need it get 503).\n"
                    "# TYPE kordon_store_up gauge\nkordon_store_up %d\n"
                    "# HELP kordon_store_outages_total Times the audit store stopped answering.\n"
                    "# TYPE kordon_store_outages_total counter\nkordon_store_outages_total %lu\n"
                    "# HELP kordon_store_idle_connections Pooled store connections waiting for a request.\n"
                    "# TYPE kordon_store_idle_connections gauge\nkordon_store_idle_connections %zu\n",
               !down, atomic_load(&m->store_outages), http_pool_size(&s->stores));
    unsigned long runs = atomic_load(&m->record_runs), failed = atomic_load(&m->record_failed_runs);
    buf_printf(out, "# HELP kordon_recorded_runs_total Screening runs of /match written by the recorder thread, "
                    "and those that could not be.\n"
                    "# TYPE kordon_recorded_runs_total counter\n"
                    "kordon_recorded_runs_total{result=\"ok\"} %lu\n"
                    "kordon_recorded_runs_total{result=\"failed\"} %lu\n"
                    "# HELP kordon_record_groups_total Transactions the recorder thread committed (group commit).\n"
                    "# TYPE kordon_record_groups_total counter\nkordon_record_groups_total %lu\n",
               runs - failed, failed, atomic_load(&m->record_groups));
    buf_append_str(out, "# HELP kordon_record_group_seconds Time to write and commit one group of runs.\n"
                        "# TYPE kordon_record_group_seconds histogram\n");
    unsigned long cumulative = 0;
    for (size_t b = 0; b < METRICS_BUCKETS; b++) {
        cumulative += atomic_load(&m->record_buckets[b]);
        buf_printf(out, "kordon_record_group_seconds_bucket{le=\"%g\"} %lu\n", bounds[b], cumulative);
    }
    cumulative += atomic_load(&m->record_buckets[METRICS_BUCKETS]);
    buf_printf(out, "kordon_record_group_seconds_bucket{le=\"+Inf\"} %lu\n"
                    "kordon_record_group_seconds_sum %.6f\nkordon_record_group_seconds_count %lu\n",
               cumulative, (double)atomic_load(&m->record_us) / 1e6, cumulative);
}

void metrics_render_store(const metrics *m, http_server *s, buf *out)
{
    if (s->options.db)
        render_store(m, s, out);
}

void metrics_render(const metrics *m, live_index *g, buf *out)
{
    buf_append_str(out, "# HELP kordon_http_requests_total HTTP requests by route and status.\n"
                        "# TYPE kordon_http_requests_total counter\n");
    for (size_t r = 0; r < ROUTE_COUNT; r++)
        for (size_t c = 0; c < METRICS_CODES; c++) {
            unsigned long n = atomic_load(&m->requests[r][c]);
            if (!n)
                continue;
            if (codes[c])
                buf_printf(out, "kordon_http_requests_total{route=\"%s\",code=\"%d\"} %lu\n",
                           route_names[r], codes[c], n);
            else
                buf_printf(out, "kordon_http_requests_total{route=\"%s\",code=\"other\"} %lu\n",
                           route_names[r], n);
        }
    buf_append_str(out, "# HELP kordon_http_request_duration_seconds Time from the complete request "
                        "to the response handed to the network.\n"
                        "# TYPE kordon_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < ROUTE_COUNT; r++) {
        unsigned long total = 0;
        for (size_t b = 0; b <= METRICS_BUCKETS; b++)
            total += atomic_load(&m->buckets[r][b]);
        if (!total)
            continue;
        unsigned long cumulative = 0;
        for (size_t b = 0; b < METRICS_BUCKETS; b++) {
            cumulative += atomic_load(&m->buckets[r][b]);
            buf_printf(out, "kordon_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
                       route_names[r], bounds[b], cumulative);
        }
        buf_printf(out, "kordon_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n",
                   route_names[r], total);
        buf_printf(out, "kordon_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route_names[r],
                   (double)atomic_load(&m->duration_us[r]) / 1e6);
        buf_printf(out, "kordon_http_request_duration_seconds_count{route=\"%s\"} %lu\n",
                   route_names[r], total);
    }
    buf_printf(out, "# HELP kordon_index_reloads_total Index reloads, and those that failed.\n"
                    "# TYPE kordon_index_reloads_total counter\n"
                    "kordon_index_reloads_total{result=\"ok\"} %lu\n"
                    "kordon_index_reloads_total{result=\"failed\"} %lu\n",
               atomic_load(&m->reloads), atomic_load(&m->reload_failures));
    buf_printf(out, "# HELP kordon_index_ready 1 when an index is loaded.\n"
                    "# TYPE kordon_index_ready gauge\nkordon_index_ready %d\n",
               g != NULL);
    if (!g)
        return;
    buf_printf(out, "# HELP kordon_index_generation Loads of the index since start.\n"
                    "# TYPE kordon_index_generation gauge\nkordon_index_generation %llu\n"
                    "# HELP kordon_index_loaded_timestamp_seconds When the current index was loaded.\n"
                    "# TYPE kordon_index_loaded_timestamp_seconds gauge\n"
                    "kordon_index_loaded_timestamp_seconds %lld\n",
               (unsigned long long)g->generation, (long long)g->loaded_at);
    buf_append_str(out, "# HELP kordon_dataset_entities Entities per dataset; labels give its version.\n"
                        "# TYPE kordon_dataset_entities gauge\n");
    size_t n = kd_index_dataset_count(g->index);
    for (size_t i = 0; i < n; i++) {
        kd_dataset_info d;
        kd_index_dataset(g->index, i, &d);
        buf_append_str(out, "kordon_dataset_entities{dataset=\"");
        metrics_append_label(out, d.name);
        buf_printf(out, "\",version=\"%s\",newest=\"%s\"} %u\n", d.version,
                   d.newest_date ? d.newest_date : "", d.entity_count);
    }
}
