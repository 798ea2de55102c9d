/* The EU listing reasons and the lists' Cyrillic names as a corpus for the
 * scanner: test and benchmark code (tests/scan_eval.c, the static library
 * kordon_scan_eval), not part of libkordon. */
#ifndef KD_TESTS_SCAN_EVAL_H
#define KD_TESTS_SCAN_EVAL_H

#include "scan/scan.h"

typedef enum scan_miss_cause {
    SCAN_MISS_LINKED, /* the surname's words became a linked mention */
    SCAN_MISS_OTHER,  /* ... a listed mention of someone else */
    SCAN_MISS_ALONE,  /* the surname stands alone and was not taken */
    SCAN_MISS_NAMED,  /* with a capitalised word before it, not matched */
    SCAN_MISS_COUNT
} scan_miss_cause;

extern const char *const scan_miss_cause_names[SCAN_MISS_COUNT];

typedef struct scan_eval {
    size_t tried, found, bytes;
    size_t misses[SCAN_MISS_COUNT];
} scan_eval;

/* Called for each reason whose own record was not found: the surname's
 * first occurrence is reason[at, at + len). */
typedef void (*scan_eval_miss_fn)(void *ctx, size_t entity, const char *reason, size_t at,
                                  size_t len, scan_miss_cause cause, const kd_mention *m,
                                  size_t n);

/* Scans the reason of every EU annex Person record that names the person
 * by the upper-case surname of the listed name, and counts how often the
 * record itself is among the listed hits. */
int scan_eval_reasons(kd_scanner *s, const kd_index *ix, scan_eval *out, scan_eval_miss_fn miss,
                      void *ctx, kd_error *err);

/* Every Cyrillic name or alias of a listed person (two to four words) in a
 * Russian sentence ("Вчера Евгений Александрович Примаков заявил ..."):
 * counts how often the person is among the listed hits. */
int scan_eval_cyrillic(kd_scanner *s, const kd_index *ix, scan_eval *out, kd_error *err);

#endif
