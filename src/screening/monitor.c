/* A monitoring run (see kordon/screening.h): every monitored customer
 * screened as one run of the store, which raises alerts only for hits
 * that are new or whose listing changed. Matching policy (the query a
 * customer makes, how many results) lives here, above the store, which
 * only records. */
#include "kordon/screening.h"
#include "core/core.h"

#include <stdio.h>
#include <string.h>

#define MONITOR_LIMIT 5

int kd_monitor_run(kd_store *s, const kd_index *ix, kd_matcher *m, double threshold, const char *actor,
                   kd_monitor_rejected rejected, void *context, kd_monitor_summary *out, kd_error *err)
{
    memset(out, 0, sizeof *out);
    kd_customer_list list;
    int rc = kd_store_monitor_list(s, &list, err);
    if (rc)
        return rc;
    if (list.n == 0) {
        kd_customer_list_free(&list);
        return error_set(err, KD_EEMPTY, "no customers under monitoring (add them with `kordon monitor add FILE.csv`)");
    }
    char parameters[128];
    snprintf(parameters, sizeof parameters, "{\"threshold\": %.2f, \"limit\": %d}",
             threshold > 0 ? threshold : KD_MATCH_THRESHOLD, MONITOR_LIMIT);
    kd_run_request req = {.kind = KD_RUN_MONITOR, .actor = actor, .source = "monitor",
                          .parameters = parameters};
    kd_run *run;
    if ((rc = kd_store_run_begin(s, &req, ix, &run, err))) {
        kd_customer_list_free(&list);
        return rc;
    }
    kd_match_result results[MONITOR_LIMIT];
    for (size_t i = 0; !rc && i < list.n; i++) {
        const kd_customer *c = &list.items[i];
        kd_match_query q;
        kd_error problem = {0};
        int n = kd_customer_query(c, threshold, MONITOR_LIMIT, &q, &problem);
        if (!n)
            n = kd_match(m, &q, results, NULL, &problem);
        if (n < 0) {
            out->rejected++;
            if (rejected)
                rejected(context, c, problem.message);
        }
        size_t raised = 0;
        rc = kd_store_run_add(run, i + 1, c, n < 0 ? problem.message : NULL, results,
                              n < 0 ? 0 : (size_t)n, &raised, err);
        for (int k = 0; k < n; k++)
            out->matches += results[k].match != 0;
        out->alerts += raised;
    }
    out->customers = list.n;
    out->suppressed = out->matches - out->alerts;
    kd_customer_list_free(&list);
    if (rc) {
        kd_store_run_abort(run);
        return rc;
    }
    return kd_store_run_commit(run, &out->run_id, err);
}
