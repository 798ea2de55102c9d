/* /readyz and the freshness part of /metrics: which version of each
 * dataset is served, how old it is, and what the last `kordon fetch` of
 * each source said (read from its fetch-state.json on every call, so a
 * fetch running beside the server shows up without a restart). */
#include "http_internal.h"
#include "kordon/fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "2026-11-29T04:50:06Z" or "2026-02-24" → Unix time, 0 when unparsable. */
static int64_t iso_seconds(const char *s)
{
    struct tm tm = {0};
    int n = s ? sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                       &tm.tm_sec)
              : 0;
    if (n != 3 && n != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

static const char *fetch_dir(const http_options *o)
{
    if (o->fetch_dir)
        return o->fetch_dir;
    const char *env = getenv("KORDON_FETCH_DIR");
    return env && *env ? env : "lists";
}

static json_t *iso_time(time_t t)
{
    struct tm tm;
    char text[32];
    gmtime_r(&t, &tm);
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(text);
}

/* The last reload attempt: {"failed": false}, or when it failed why and
 * when, until a later one succeeds. */
static json_t *reload_state(http_request *rq, live_reload_state *st, int64_t now)
{
    live_reload_status(&rq->server->live, st);
    if (!st->failing)
        return json_pack("{s:b}", "failed", 0);
    /* the message names the index path, whose bytes need not be UTF-8 */
    json_t *error = json_string(st->error);
    return json_pack("{s:b,s:o,s:o,s:I}", "failed", 1, "error",
                     error ? error : json_string("(the reason is not valid UTF-8; see the server's log)"),
                     "failed_at", iso_time(st->failed_at), "failed_age_seconds", (json_int_t)(now - st->failed_at));
}

/* A failed reload leaves the previous index served and the answer 200 with
 * "status": "degraded" rather than 503: the replica still screens against
 * a complete, checked index, and a bad file published to every replica
 * would otherwise make the load balancer drop all of them at once, turning
 * a stale list into an outage. Monitoring sees "degraded" here and
 * kordon_index_reloads_total{result="failed"} in /metrics. Only with no
 * index at all is the answer 503. */
void route_readyz(http_request *rq, http_response *rs, const char *rest)
{
    (void)rest; /* always "": the route answers /readyz only */
    int64_t now = (int64_t)time(NULL);
    live_reload_state st;
    json_t *reload = reload_state(rq, &st, now);
    if (!rq->index) {
        http_reply_json(rs, 503, json_pack("{s:s,s:o}", "detail", "Index not ready.", "reload", reload));
        return;
    }
    const kd_index *ix = rq->index->index;
    int64_t built = iso_seconds(kd_index_built_at(ix));
    json_t *datasets = json_array();
    size_t n = kd_index_dataset_count(ix);
    size_t *parties = calloc(n ? n : 1, sizeof *parties);
    size_t all_parties = kd_index_party_counts(ix, parties);
    for (size_t i = 0; i < n; i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, i, &d);
        json_t *o = json_pack("{s:s,s:s,s:I}", "name", d.name, "version", d.version, "entity_count",
                              (json_int_t)d.entity_count);
        if (parties)
            json_object_set_new(o, "party_count", json_integer((json_int_t)parties[i]));
        if (d.newest_date && *d.newest_date) {
            json_object_set_new(o, "newest_listing", json_string(d.newest_date));
            int64_t t = iso_seconds(d.newest_date);
            if (t)
                json_object_set_new(o, "newest_listing_age_days", json_integer((now - t) / 86400));
        }
        json_array_append_new(datasets, o);
    }
    json_t *sources = json_array();
    kd_fetch_state state = {0};
    kd_error err = {0};
    size_t fetched = 0, served = 0;
    if (kd_fetch_state_load(fetch_dir(rq->options), &state, &err) == 0) {
        fetched = state.n_sources;
        for (size_t i = 0; i < state.n_sources; i++) {
            const kd_fetch_source_state *s = &state.sources[i];
            /* a dataset's version hashes the versions of the files it was
             * built from, and a fetched source is one such file (or set):
             * served or not tells a fetch state of this index from
             * another's */
            char as_built[65] = "";
            sha256_ctx *c = *s->sha256 ? sha256_new() : NULL;
            if (c) {
                sha256_update(c, s->sha256, strlen(s->sha256));
                sha256_final_hex(c, as_built);
            }
            bool in_index = false;
            for (size_t k = 0; k < n && !in_index && *as_built; k++) {
                kd_dataset_info d;
                kd_index_dataset(ix, k, &d);
                in_index = d.version && strcmp(d.version, as_built) == 0;
            }
            served += in_index;
            json_t *o = json_pack("{s:s,s:s,s:I,s:o,s:b}", "name", s->name, "version", s->sha256, "records",
                                  (json_int_t)s->records, "last_error",
                                  s->last_error ? json_string(s->last_error) : json_null(), "served", in_index);
            if (s->fetched_at)
                json_object_set_new(o, "fetched_age_seconds", json_integer(now - s->fetched_at));
            if (s->checked_at)
                json_object_set_new(o, "checked_age_seconds", json_integer(now - s->checked_at));
            json_array_append_new(sources, o);
        }
        kd_fetch_state_free(&state);
    }
    free(parties);
    json_t *store = http_store_readiness(rq->server);
    bool store_down = store && strcmp(json_string_value(json_object_get(store, "status")), "ok") != 0;
    json_t *body = json_pack("{s:s,s:{s:I,s:s,s:I,s:o,s:I,s:I},s:o,s:o,s:o}", "status",
                             st.failing ? "degraded" : "ok", "index", "generation",
                             (json_int_t)rq->index->generation, "built_at", kd_index_built_at(ix), "age_seconds",
                             (json_int_t)(built ? now - built : 0), "loaded_at", iso_time(rq->index->loaded_at),
                             "entity_count", (json_int_t)kd_index_entity_count(ix), "party_count",
                             (json_int_t)all_parties, "reload", reload, "datasets", datasets, "sources", sources);
    /* parties as analysts corrected them (kordon resolve, /resolve/judgments) */
    json_object_set_new(json_object_get(body, "index"), "judgments_applied", json_integer((json_int_t)rq->index->judgments));
    if (st.failing)
        json_object_set_new(body, "detail",
                            json_string("the last reload failed; still serving the index loaded before it"));
    else if (fetched && !served) {
        /* lists were fetched here, but what is served came from elsewhere
         * (make run's offline fallback, a copy): not what a reader of the
         * fetch state would assume */
        json_object_set_new(body, "status", json_string("degraded"));
        char why[600];
        snprintf(why, sizeof why, "none of the %zu sources fetched into %.300s is what this index serves: it was built "
                 "from other files (an offline fallback?); see sources[].last_error", fetched, fetch_dir(rq->options));
        json_object_set_new(body, "detail", json_string(why));
    }
    if (store)
        json_object_set_new(body, "store", store);
    /* without its audit store a server that records cannot answer: not ready */
    if (store_down) {
        json_object_set_new(body, "status", json_string("store unavailable"));
        json_object_set_new(body, "detail", json_string("the audit store does not answer; requests that record get 503"));
    }
    http_reply_json(rs, store_down ? 503 : 200, body);
}

/* Prometheus label values escape backslash, quote and newline. */
void metrics_append_label(buf *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '"')
            buf_append_char(out, '\\');
        if (*s == '\n')
            buf_append_str(out, "\\n");
        else
            buf_append_char(out, *s);
    }
}

void status_render_metrics(const http_options *o, live_index *g, buf *out)
{
    int64_t now = (int64_t)time(NULL);
    if (g) {
        int64_t built = iso_seconds(kd_index_built_at(g->index));
        buf_printf(out, "# HELP kordon_index_age_seconds Time since the served index was built.\n"
                        "# TYPE kordon_index_age_seconds gauge\nkordon_index_age_seconds %lld\n",
                   (long long)(built ? now - built : 0));
    }
    kd_fetch_state state = {0};
    kd_error err = {0};
    if (kd_fetch_state_load(fetch_dir(o), &state, &err) || !state.n_sources) {
        kd_fetch_state_free(&state);
        return;
    }
    buf_append_str(out, "# HELP kordon_fetch_age_seconds Time since each source's served version was downloaded.\n"
                        "# TYPE kordon_fetch_age_seconds gauge\n");
    for (size_t i = 0; i < state.n_sources; i++) {
        buf_append_str(out, "kordon_fetch_age_seconds{source=\"");
        metrics_append_label(out, state.sources[i].name);
        buf_printf(out, "\",version=\"%s\"} %lld\n", state.sources[i].sha256,
                   (long long)(state.sources[i].fetched_at ? now - state.sources[i].fetched_at : -1));
    }
    buf_append_str(out, "# HELP kordon_fetch_failing 1 when the last fetch of a source failed; the label says why.\n"
                        "# TYPE kordon_fetch_failing gauge\n");
    for (size_t i = 0; i < state.n_sources; i++) {
        buf_append_str(out, "kordon_fetch_failing{source=\"");
        metrics_append_label(out, state.sources[i].name);
        buf_append_str(out, "\",error=\"");
        metrics_append_label(out, state.sources[i].last_error ? state.sources[i].last_error : "");
        buf_printf(out, "\"} %d\n", state.sources[i].last_error != NULL);
    }
    kd_fetch_state_free(&state);
}
