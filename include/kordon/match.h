/* match — one query (a name, or a customer) scored against an index (see kordon.h). */
#ifndef KORDON_MATCH_H
#define KORDON_MATCH_H

#include "kordon/base.h"
#include "kordon/index.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- matching ---------------------------------------------------------- */

/* The score above which a result is reported as `match: true`. Chosen on
 * the labelled sets in ../shared/data/eval (see README, Matching). */
#define KD_MATCH_THRESHOLD 0.70

typedef struct kd_match_query {
    const char *name;        /* required */
    int schema;              /* a kd_schema, or -1 for any screenable party */
    const char *birth_date;  /* ISO partial date, optional */
    const char *country;     /* ISO alpha-2 or a country name, optional */
    const char *gender;      /* "male"/"female", optional */
    const char *identifier;  /* passport, national id, IMO, INN, registration... optional */
    const char *dataset;     /* only this dataset, optional */
    double threshold;        /* 0 → KD_MATCH_THRESHOLD */
    size_t limit;            /* 0 → 5 */
    /* Optional filter: entities for which accept() returns 0 are never
     * scored (the HTTP API's include/exclude datasets, schemata, ids...). */
    int (*accept)(void *context, size_t entity);
    void *accept_context;
    /* Results scoring below this (name and final score) come without an
     * explanation, which saves rescoring them; 0 explains every result. */
    double explain_floor;
    /* Results are parties (kd_index_party): the records of one party count
     * once, as their best-scoring member. Non-zero: every record is a
     * result of its own (resolution itself compares records). */
    int by_record;
} kd_match_query;

typedef struct kd_match_result {
    size_t entity;           /* position in the index (kd_index_entity): the
                                record that matched best */
    size_t party;            /* the party it belongs to (kd_index_party) */
    double score;            /* [0, 1] */
    int match;               /* score >= threshold */
    double name_score;       /* the name alone, before dates and countries */
    char matched_name[160];  /* the listed name that matched, romanised */
    char explanation[384];   /* "evgeny≈yevgeniy 0.97 · primakov=primakov · born ..." */
} kd_match_result;

/* A matcher holds per-thread scratch memory and transliterators: create one
 * per thread; the index itself is shared read-only. */
typedef struct kd_matcher kd_matcher;

KD_API int kd_matcher_new(const kd_index *index, kd_matcher **out, kd_error *err);
KD_API void kd_matcher_free(kd_matcher *m);
/* Fills up to query->limit results, best first; returns how many (>= 0) or
 * a negative error. Candidates generated before scoring are counted in
 * *candidates when it is not NULL (to measure candidate recall). */
KD_API int kd_match(kd_matcher *m, const kd_match_query *query, kd_match_result *results,
             size_t *candidates, kd_error *err);
/* How well a name matches one entity's own names (the best name score
 * kd_match would give it), without searching the index for candidates:
 * for comparing two known records. */
KD_API int kd_match_entity(kd_matcher *m, const char *name, size_t entity, double *name_score, kd_error *err);

/* A customer: a party to screen, as a customer file or an API call gives it. Every
 * field but name is optional. */
typedef struct kd_customer {
    const char *id;          /* the customer's own reference; needed for monitoring */
    const char *name;
    const char *birth_date;
    const char *country;
    const char *gender;      /* anything starting with m/f */
    const char *schema;      /* FtM schema name */
    const char *identifier;  /* passport, IMO, INN, ... */
} kd_customer;

/* The query `kordon screen` and `kordon monitor run` both make of a
 * customer: a birth date or a gender make it a Person, a schema column
 * overrides. Points into c; fails only on an unknown schema. */
KD_API int kd_customer_query(const kd_customer *c, double threshold, size_t limit, kd_match_query *q,
                             kd_error *err);
/* Parties with a name that a prefix begins ("Rotenb", "Arkady Rot"), as a
 * user types: its words as the name's words, the last one begun, in any
 * script and spelling the index romanises to; names that begin with it
 * first, then names with it later on. The parties `accept` admits (NULL:
 * all), after skipping `cursor` of them; up to max party entities into
 * parties. Returns how many, or a negative error. */
KD_API int kd_match_suggest(kd_matcher *m, const char *prefix, int (*accept)(void *context, size_t entity),
                     void *accept_context, size_t cursor, size_t *parties, size_t max, kd_error *err);

#ifdef __cplusplus
}
#endif
#endif
