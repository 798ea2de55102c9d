/* Text screening on the index of all real lists: the EU listing reasons
 * as a corpus of prose about listed persons. */
#include "testutil.h"
#include "kordon.h"
#include "scan/scan.h"

#include <stdio.h>
#include <string.h>

static void print_miss(void *ctx, size_t entity, const char *reason, size_t at, size_t len,
                       scan_miss_cause cause, const kd_mention *m, size_t n)
{
    (void)m;
    (void)n;
    const kd_index *ix = ctx;
    kd_entity_view v;
    kd_index_entity(ix, entity, &v);
    fprintf(stderr, "  miss %s: \"%.*s\" — %s\n", v.id, (int)len, reason + at,
            scan_miss_cause_names[cause]);
}

/* Scanning each EU Person record's reason finds the record itself among
 * the listed hits for at least 95% of them. */
static void test_eu_reasons_find_their_own_record(void **state)
{
    (void)state;
    char out[4096], src[4096];
    snprintf(out, sizeof out, "%s", tmp_path("scan-all.kdx"));
    snprintf(src, sizeof src, "%s", data_path("lists"));
    const char *srcs[] = {src};
    kd_build_options opts = {.output = out};
    kd_error err = {0};
    assert_int_equal(kd_build(srcs, 1, &opts, &err), 0);
    kd_index *ix;
    assert_int_equal(kd_index_open(out, &ix, &err), 0);
    kd_scanner *s;
    assert_int_equal(kd_scanner_new(ix, &s, &err), 0);
    scan_eval ev;
    assert_int_equal(scan_eval_reasons(s, ix, &ev, print_miss, ix, &err), 0);
    fprintf(stderr, "EU reasons: own record found for %zu of %zu (%.1f%%)\n", ev.found, ev.tried,
            100.0 * (double)ev.found / (double)ev.tried);
    for (int c = 0; c < SCAN_MISS_COUNT; c++)
        fprintf(stderr, "  %zu misses: %s\n", ev.misses[c], scan_miss_cause_names[c]);
    /* about 1,800 such records in the EU annexes */
    assert_true(ev.tried >= 1700);
    assert_true(ev.found * 100 >= ev.tried * 95);
    kd_scanner_free(s);
    kd_index_close(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eu_reasons_find_their_own_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
