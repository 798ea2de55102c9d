/* screening — what kordon does with customers, above the store that
 * records it and the matcher that scores them: a monitoring run over every
 * customer under monitoring. (Which query a customer makes is
 * kd_customer_query, in kordon.h.) Every function returning int returns 0
 * or a negative KD_E* code with a message in err. */
#ifndef KD_SCREENING_H
#define KD_SCREENING_H

#include "kordon.h"
#include "kordon/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct kd_monitor_summary {
    int64_t run_id;
    size_t customers;        /* under monitoring */
    size_t rejected;         /* of them, not screened (see kd_monitor_rejected) */
    size_t matches, alerts, suppressed;
} kd_monitor_summary;

/* A customer that could not be screened (a name kd_match refuses, a schema
 * that names no party): recorded in the run with why, and never alerts. */
typedef void (*kd_monitor_rejected)(void *context, const kd_customer *customer, const char *why);

/* Screens every monitored customer against ix with m (one run of kind
 * monitor, recorded in s as actor's), raising alerts only for new or
 * changed hits; rejected (may be NULL) hears of each customer that could
 * not be screened. threshold 0 → KD_MATCH_THRESHOLD. KD_EEMPTY when
 * nobody is under monitoring. */
KD_API int kd_monitor_run(kd_store *s, const kd_index *ix, kd_matcher *m, double threshold, const char *actor,
                          kd_monitor_rejected rejected, void *context, kd_monitor_summary *out, kd_error *err);

#endif
