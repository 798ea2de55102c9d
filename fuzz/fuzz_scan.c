/* kd_scan on any bytes, against an index of the EU lists (built once, from
 * $KORDON_SHARED_DATA/lists/eu_oj or ../shared/data/lists/eu_oj): invalid
 * UTF-8 is refused with KD_EUTF8, anything else scans, and every mention
 * lies within the text, on character boundaries, with a score in [0, 1]
 * and, when listed, a real entity. kd_scan_with's bounds cut the same
 * result, never change it. */
#include "fuzz_target.h"
#include "kordon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static kd_index *index_once(void)
{
    static kd_index *ix; /* the harness's own: built on the first input */
    if (ix)
        return ix;
    const char *data = getenv("KORDON_SHARED_DATA");
    char lists[4096], out[4096];
    snprintf(lists, sizeof lists, "%s/lists/eu_oj", data && *data ? data : "../shared/data");
    const char *tmp = getenv("TMPDIR");
    snprintf(out, sizeof out, "%s/kordon-fuzz-scan-%ld.kdx", tmp && *tmp ? tmp : "/tmp", (long)getpid());
    const char *srcs[] = {lists};
    kd_build_options opts = {.output = out};
    kd_error err = {0};
    if (kd_build(srcs, 1, &opts, &err) || kd_index_open(out, &ix, &err)) {
        fprintf(stderr, "fuzz_scan: %s (set KORDON_SHARED_DATA)\n", err.message);
        abort();
    }
    unlink(out); /* mapped: the file can go */
    return ix;
}

static int is_continuation(uint8_t c) { return (c & 0xC0) == 0x80; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kd_scanner *s;
    kd_index *ix = index_once();
    kd_error err = {0};
    if (!s && kd_scanner_new(ix, &s, &err))
        abort();
    kd_mention *m = NULL;
    size_t n = 0;
    int rc = kd_scan(s, (const char *)data, size, 0, &m, &n, &err);
    if (rc && rc != KD_EUTF8)
        abort();
    if (rc && (m || n || !err.message[0]))
        abort();
    for (size_t i = 0; i < n; i++) {
        const kd_mention *x = &m[i];
        if (x->start >= x->end || x->end > size || x->score < 0 || x->score > 1)
            abort();
        if (is_continuation(data[x->start]) || (x->end < size && is_continuation(data[x->end])))
            abort();
        if (!x->linked && x->entity >= kd_index_entity_count(ix))
            abort();
        for (size_t k = 0; k < x->n_related; k++)
            if (x->related[k].entity >= kd_index_entity_count(ix))
                abort();
        if (x->n_related > x->n_related_total)
            abort();
    }
    /* With bounds: the same mentions up to max_mentions (else KD_ELIMIT
     * and none), related lists cut to max_related and counted alike. */
    if (!rc) {
        kd_scan_options o = {.max_mentions = 3, .max_related = 1};
        kd_mention *b = NULL;
        size_t nb = 0;
        int rb = kd_scan_with(s, (const char *)data, size, &o, &b, &nb, &err);
        if (n > 3 ? rb != KD_ELIMIT || b || nb : rb || nb != n)
            abort();
        for (size_t i = 0; i < nb; i++)
            if (b[i].start != m[i].start || b[i].entity != m[i].entity || b[i].n_related > 1 ||
                b[i].n_related_total != m[i].n_related_total)
                abort();
        kd_mentions_free(b, nb);
    }
    kd_mentions_free(m, n);
    return 0;
}
