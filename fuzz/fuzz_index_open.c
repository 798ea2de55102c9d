/* Opening an index file of any bytes: it is refused with a message, or it
 * opens and everything a server does with it afterwards stays inside the
 * index (entities as JSON, lookups by id, a matcher and its queries, a
 * scanner). Each input is tried twice: as it is, through a file, the way
 * `kordon serve` reads it; then with its checksum recomputed, as a faulty
 * writer would leave it, because random damage otherwise never gets past
 * the checksum to the table checks of reader.c's validate(). Seeds are
 * small real indexes (valid_* in its corpus: not named .kdx, which git ignores) and damaged
 * copies of them. */
#include "fuzz_target.h"
#include "fuzz_common.h"
#include "index/index.h"

#include <stdint.h>

static void check_refusal(int rc, const kd_index *ix, const kd_error *err)
{
    if (rc != KD_EINDEX && rc != KD_EIO && rc != KD_ENOMEM)
        abort(); /* an unexpected kind of failure */
    if (ix || !err->message[0])
        abort(); /* a failure leaves nothing open and always explains itself */
}

static void use_everything(kd_index *ix)
{
    size_t n_entities = kd_index_entity_count(ix);
    for (size_t i = 0; i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info d;
        if (kd_index_dataset(ix, i, &d) || strlen(d.name) + strlen(d.version) + strlen(d.newest_date) > (1u << 30))
            abort();
    }
    if (!kd_index_built_at(ix))
        abort();
    const char *some_name = NULL;
    for (size_t i = 0; i < n_entities && i < 2000; i++) {
        kd_entity_view v;
        if (kd_index_entity(ix, i, &v))
            abort();
        /* ids are checked to be strictly increasing: lookups find each one */
        if (kd_index_find(ix, v.id) != (int64_t)i)
            abort();
        for (uint32_t k = 0; k < v.n_datasets; k++)
            if (v.datasets[k] >= kd_index_dataset_count(ix))
                abort();
        for (uint32_t k = 0; k < v.n_values; k++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, k);
            if (r.prop >= KD_PROP_COUNT || !r.value)
                abort();
            if (r.prop == KD_PROP_NAME && !some_name)
                some_name = r.value;
        }
        char *json = kd_index_entity_json(ix, i, 0);
        if (!json)
            abort();
        free(json);
    }
    kd_error err = {0};
    kd_matcher *m;
    if (kd_matcher_new(ix, &m, &err))
        abort();
    const char *queries[] = {some_name ? some_name : "Eric Badege", "Evgeny Primakov", "a"};
    for (size_t q = 0; q < KD_ARRAY_LEN(queries); q++) {
        kd_match_query query = {.name = queries[q], .schema = -1, .limit = 5};
        kd_match_result results[5];
        int found = kd_match(m, &query, results, NULL, &err);
        if (found < 0 && !err.message[0])
            abort();
        for (int r = 0; r < found; r++)
            if (results[r].entity >= n_entities || !(results[r].score >= 0 && results[r].score <= 1))
                abort();
    }
    kd_matcher_free(m);
    kd_scanner *s;
    if (kd_scanner_new(ix, &s, &err) == 0) {
        char text[512];
        snprintf(text, sizeof text, "A report names %s and Evgeny Primakov.", some_name ? some_name : "nobody");
        kd_mention *mentions = NULL;
        size_t n = 0;
        if (kd_scan(s, text, strlen(text), 0, &mentions, &n, &err) == 0) {
            for (size_t i = 0; i < n; i++)
                if (mentions[i].end > strlen(text) || (!mentions[i].linked && mentions[i].entity >= n_entities))
                    abort();
            kd_mentions_free(mentions, n);
        }
        kd_scanner_free(s);
    } else if (!err.message[0]) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kd_index *ix = NULL;
    kd_error err = {0};
    const char *path = fuzz_write_input(data, size, ".kdx");
    int rc = kd_index_open(path, &ix, &err);
    unlink(path);
    if (rc) {
        check_refusal(rc, ix, &err);
    } else {
        use_everything(ix);
        kd_index_close(ix);
    }

    if (size < sizeof(kdx_header))
        return 0;
    uint8_t *fixed = malloc(size);
    if (!fixed)
        return 0;
    memcpy(fixed, data, size);
    kdx_header *h = (kdx_header *)fixed;
    h->checksum = kdx_checksum(fixed, size);
    ix = NULL;
    memset(&err, 0, sizeof err);
    rc = index_open_bytes(fixed, size, "fuzz input", &ix, &err);
    free(fixed);
    if (rc) {
        check_refusal(rc, ix, &err);
    } else {
        use_everything(ix);
        kd_index_close(ix);
    }
    return 0;
}
