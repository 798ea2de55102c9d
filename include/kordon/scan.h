/* scan — mentions of listed parties in free text (see kordon.h). */
#ifndef KORDON_SCAN_H
#define KORDON_SCAN_H

#include "kordon/base.h"
#include "kordon/index.h"
#include "kordon/match.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- text screening -------------------------------------------------- */

typedef struct kd_related {
    size_t entity;            /* a listed entity whose reason, position or notes name it */
    char snippet[400];        /* the sentence that does */
} kd_related;

typedef struct kd_mention {
    size_t start, end, line;  /* byte offsets into the scanned text; 1-based line */
    int linked;               /* 0: the text names a listed party; 1: a party named by listings */
    size_t entity;            /* the listed record that matched (when !linked) */
    size_t party;             /* its party (kd_index_party): all its listings */
    double score;
    char explanation[384];
    kd_related *related;
    size_t n_related;
    int shared_related;       /* related is an earlier mention's of the same result
                                 (a party named again), freed with that one */
    size_t n_related_total;   /* related entities found, n_related of them kept in
                                 related: more means some were left out */
} kd_mention;

typedef struct kd_scanner kd_scanner;

/* Builds the scanner's index of listing reasons and listed names (about
 * 200 ms on all lists); one scanner per thread, reused from text to text. */
KD_API int kd_scanner_new(const kd_index *index, kd_scanner **out, kd_error *err);
KD_API void kd_scanner_free(kd_scanner *s);
/* Finds mentions in text (plain, Markdown or HTML); *out is the caller's
 * to release, all at once, with kd_mentions_free (mentions share related
 * arrays). threshold 0: names matched whole need 0.85, and the prose rules
 * (a titled or lone surname, given name and surname without the middle
 * names) report kd_match's own lower score; threshold T > 0: every listed
 * mention needs T. */
KD_API int kd_scan(kd_scanner *s, const char *text, size_t len, double threshold, kd_mention **out,
            size_t *n_out, kd_error *err);
KD_API void kd_mentions_free(kd_mention *mentions, size_t n);

/* Bounds on one scan, for text from callers not trusted to send little
 * (a server): zero in a field means that bound is off. */
typedef struct kd_scan_options {
    double threshold;         /* as kd_scan's */
    /* more mentions than this: the scan stops, returns KD_ELIMIT and no
     * mentions (a text naming that many parties is not prose to screen) */
    size_t max_mentions;
    /* related entries kept per mention, the first found; n_related_total
     * still counts them all. 0: every one, up to the library's own 40. */
    size_t max_related;
    /* Asked, from the scanning thread, about every 5 ms of scanning work
     * (never in a tight loop): non-zero stops the scan, which returns
     * KD_ECANCELED and no mentions. A deadline is a cancel that reads the
     * clock. */
    int (*cancel)(void *context);
    void *cancel_context;
} kd_scan_options;

/* kd_scan with bounds (options may be NULL: none). On any error *out is
 * NULL and *n_out 0: there is nothing to free. */
KD_API int kd_scan_with(kd_scanner *s, const char *text, size_t len, const kd_scan_options *options,
                 kd_mention **out, size_t *n_out, kd_error *err);

#ifdef __cplusplus
}
#endif
#endif
