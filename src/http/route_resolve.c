/* Analysts' judgments on parties over HTTP (kordon serve --db), the API of
 * `kordon resolve`: GET /resolve/judgments lists them (?all=true: every
 * row, revokes included), POST /resolve/judgments records one —
 * {"kind": "merge"|"split"|"revoke", "records": [A, B], "reason": "..."},
 * the actor from X-Kordon-User as for other writes — and reloads the index
 * so that the judgment applies to every answer from then on. */
#include "http_internal.h"
#include "index/index.h"
#include "resolve/resolve.h"
#include "kordon/store.h"

#include <stdlib.h>
#include <string.h>

int http_apply_judgments(void *server, live_index *g, kd_error *err)
{
    http_server *s = server;
    kd_store *store = http_store_take(s, err);
    if (!store)
        return error_wrap(err, err->code ? err->code : KD_EIO, "cannot read analysts' judgments on parties: ");
    kd_judgment_list list;
    int rc = kd_store_judgments(store, true, &list, err);
    http_store_give(s, store);
    if (rc)
        return error_wrap(err, rc, "cannot read analysts' judgments on parties: ");
    kd_party_judgment *judgments = NULL;
    resolve_result r = {0};
    if (list.n && !(rc = kd_judgments_for_build(&list, &judgments, err)) &&
        !(rc = resolve_run(g->index, judgments, list.n, &r, err))) {
        /* the index takes the table; the rest of the result goes */
        rc = index_set_parties(g->index, r.party, err);
        r.party = NULL;
        g->judgments = list.n - r.judgments_skipped;
    }
    resolve_result_free(&r);
    free(judgments);
    kd_judgment_list_free(&list);
    return rc;
}

static void list_judgments(http_request *rq, http_response *rs, kd_store *store)
{
    const char *all = http_arg(rq, "all");
    kd_judgment_list list;
    kd_error err = {0};
    if (kd_store_judgments(store, !(all && strcmp(all, "true") == 0), &list, &err)) {
        http_reply_error(rs, 500, "%s", err.message);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < list.n; i++)
        json_array_append_new(items, kd_judgment_json(&list.items[i]));
    kd_judgment_list_free(&list);
    http_reply_json(rs, 200, json_pack("{s:o}", "judgments", items));
}

/* The party a record belongs to now, by its canonical id. */
static json_t *party_of(const kd_index *ix, const char *record)
{
    int64_t pos = kd_index_find(ix, record);
    if (pos < 0)
        return json_null();
    kd_entity_view v;
    kd_index_entity(ix, kd_index_party(ix, (size_t)pos), &v);
    return json_string(v.id);
}

static void record_judgment(http_request *rq, http_response *rs, kd_store *store)
{
    json_error_t jerr;
    json_t *body = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!body) {
        http_reply_error(rs, 400, "Invalid JSON body, line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return;
    }
    json_t *records = json_object_get(body, "records");
    const char *kind_name = json_string_value(json_object_get(body, "kind"));
    const char *reason = json_string_value(json_object_get(body, "reason"));
    const char *a = json_string_value(json_array_get(records, 0));
    const char *b = json_string_value(json_array_get(records, 1));
    int kind = kd_judgment_kind_from_name(kind_name);
    int status = 0;
    kd_error err = {0};
    char why[sizeof err.message] = "";
    if (kind < 0)
        status = 422, snprintf(why, sizeof why, "kind: merge, split or revoke");
    else if (!json_is_array(records) || json_array_size(records) != 2 || !a || !b)
        status = 422, snprintf(why, sizeof why, "records: two record ids, [A, B]");
    else if (!reason || !*reason)
        status = 422, snprintf(why, sizeof why, "reason: field required (why; kept as evidence)");
    if (!status && kind != KD_JUDGMENT_REVOKE) {
        int rc = resolve_check_judgment(rq->index->index, kind == KD_JUDGMENT_MERGE ? KD_PARTY_MERGE : KD_PARTY_SPLIT,
                                        a, b, &err);
        if (rc)
            status = rc == KD_ENOTFOUND ? 404 : 422, snprintf(why, sizeof why, "%s", err.message);
    }
    int64_t id = 0;
    if (!status) {
        int rc = kd_store_judge(store, (kd_judgment_kind)kind, a, b, http_actor_of(rq), reason, &id, &err);
        if (rc)
            status = rc == KD_ENOTFOUND ? 404 : rc == KD_EUSAGE || rc == KD_EUTF8 ? 422 : 500,
            snprintf(why, sizeof why, "%s", err.message);
    }
    if (status) {
        json_decref(body);
        http_reply_error(rs, status, "%s", why);
        return;
    }
    /* applied at once: the index is loaded again with the judgment */
    bool applied = http_server_reload(rq->server, &err) == 0;
    json_t *out = json_pack("{s:I,s:s,s:[s,s],s:b}", "id", (json_int_t)id, "kind", kd_judgment_kind_name(kind),
                            "records", a, b, "applied", applied);
    json_decref(body);
    if (applied) {
        live_index *g = live_acquire(&rq->server->live);
        json_t *records_out = json_object_get(out, "records");
        json_object_set_new(out, "parties",
                            json_pack("[o,o]", party_of(g->index, json_string_value(json_array_get(records_out, 0))),
                                      party_of(g->index, json_string_value(json_array_get(records_out, 1)))));
        live_release(g);
    } else {
        json_object_set_new(out, "detail", json_sprintf("recorded; the index could not be reloaded: %s", err.message));
    }
    http_reply_json(rs, 201, out);
}

void route_resolve(http_request *rq, http_response *rs, const char *rest)
{
    if (strcmp(rest, "judgments") != 0) {
        http_reply_error(rs, 404, "use /resolve/judgments");
        return;
    }
    if (strcmp(rq->method, "POST") == 0 && !http_need_index(rq, rs))
        return;
    kd_store *store = http_store_take_or_reply(rq, rs);
    if (!store)
        return;
    if (strcmp(rq->method, "POST") == 0)
        record_judgment(rq, rs, store);
    else
        list_judgments(rq, rs, store);
    http_store_give(rq->server, store);
}
