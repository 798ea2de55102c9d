/* Listing reasons as a corpus for text screening: every EU annex Person
 * record whose reason names the person by the upper-case surname of the
 * listed name (record 1 of 32014R0269: "Sergey Aksyonov was elected ...")
 * is scanned, and its own record must be among the listed hits. Prints the
 * rate, the scan speed, and the misses by cause.
 *
 * usage: bench_scan_reasons INDEX */
#define _GNU_SOURCE /* strcasestr */
#include "kordon.h"
#include "index/index.h"
#include "core/core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The last all-capitals word of the name: the surname as EU annexes write it. */
static bool upper_surname(const char *name, char *out, size_t size)
{
    bool found = false;
    for (const char *p = name; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        bool upper = len >= 3;
        for (size_t i = 0; i < len && upper; i++)
            upper = !((unsigned char)p[i] < 0x80 && islower((unsigned char)p[i]));
        if (upper && len < size && isupper((unsigned char)p[0])) {
            memcpy(out, p, len);
            out[len] = '\0';
            found = true;
        }
        p += len;
    }
    return found;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s INDEX\n", argv[0]);
        return 2;
    }
    kd_index *ix;
    kd_scanner *s;
    kd_error err;
    if (kd_index_open(argv[1], &ix, &err) || kd_scanner_new(ix, &s, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    size_t tried = 0, found = 0, no_hit = 0, other_hit = 0, bytes = 0;
    double seconds = 0;
    for (size_t e = 0; e < kd_index_entity_count(ix); e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        if (v.schema != KD_SCHEMA_PERSON || strncmp(v.id, "eu-oj-", 6) != 0)
            continue;
        const char *name = kd_entity_view_first(ix, &v, KD_PROP_NAME);
        const char *reason = kd_entity_view_first(ix, &v, KD_PROP_REASON);
        char surname[128];
        if (!name || !reason || !upper_surname(name, surname, sizeof surname) ||
            !strcasestr(reason, surname))
            continue;
        tried++;
        kd_mention *m;
        size_t n;
        double t = now();
        if (kd_scan(s, reason, strlen(reason), 0, &m, &n, &err)) {
            fprintf(stderr, "%s: %s\n", v.id, err.message);
            return 1;
        }
        seconds += now() - t;
        bytes += strlen(reason);
        bool self = false, any = false;
        for (size_t i = 0; i < n; i++) {
            if (m[i].linked)
                continue;
            any = true;
            self |= m[i].entity == e;
        }
        found += self;
        if (!self) {
            if (any)
                other_hit++;
            else
                no_hit++;
            if (no_hit + other_hit <= (size_t)atoi(getenv("KORDON_SHOW_MISSES") ? getenv("KORDON_SHOW_MISSES") : "12"))
                printf("  miss %-32s %-40.40s %s\n", v.id, name, any ? "(another party matched)" : "(no listed hit)");
        }
        kd_mentions_free(m, n);
    }
    /* Baseline on the first 100 of those reasons: look for every listed
     * name (as the index romanised it) in the lowercased text, one by one —
     * the naive way to find listed names in prose. */
    size_t sample_bytes = 0, naive_hits = 0, taken = 0;
    buf sample = {0};
    for (size_t e = 0; e < kd_index_entity_count(ix) && taken < 100; e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        const char *reason = kd_entity_view_first(ix, &v, KD_PROP_REASON);
        if (v.schema != KD_SCHEMA_PERSON || strncmp(v.id, "eu-oj-", 6) != 0 || !reason)
            continue;
        buf_append_str(&sample, reason);
        buf_append_char(&sample, '\n');
        taken++;
    }
    sample_bytes = sample.len;
    for (size_t i = 0; i < sample.len; i++)
        sample.data[i] = (char)tolower((unsigned char)sample.data[i]);
    double t0 = now();
    buf name = {0};
    for (size_t k = 0; k < ix->n_names; k++) {
        buf_clear(&name);
        for (uint16_t t = 0; t < ix->names[k].n_tokens; t++) {
            if (t)
                buf_append_char(&name, ' ');
            buf_append_str(&name, index_string(ix, ix->tokens[ix->names[k].tokens_first + t].surface));
        }
        if (name.len >= 4 && strstr(sample.data, name.data))
            naive_hits++;
    }
    double naive_seconds = now() - t0;
    kd_mention *m;
    size_t n;
    t0 = now();
    kd_scan(s, sample.data, sample.len, 0, &m, &n, &err);
    double scan_seconds = now() - t0;
    kd_mentions_free(m, n);
    buf_free(&name);
    buf_free(&sample);
    printf("command: %s %s\n", argv[0], argv[1]);
    printf("baseline: every listed name searched in %zu bytes: %.3f MB/s (%zu names found); kd_scan on "
           "the same text: %.3f MB/s; ratio %.0fx\n", sample_bytes,
           (double)sample_bytes / 1e6 / naive_seconds, naive_hits,
           (double)sample_bytes / 1e6 / scan_seconds, naive_seconds / scan_seconds);
    printf("EU Person records whose reason names their upper-case surname: %zu\n", tried);
    printf("own record among the listed hits: %zu (%.1f%%); misses: %zu with no listed hit, %zu with only others\n",
           found, tried ? 100.0 * (double)found / (double)tried : 0.0, no_hit, other_hit);
    printf("scan speed on these reasons: %.2f MB/s (%zu bytes in %.2f s)\n",
           (double)bytes / 1e6 / seconds, bytes, seconds);
    kd_scanner_free(s);
    kd_index_close(ix);
    return 0;
}
