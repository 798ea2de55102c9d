/* Every list parser against the same hostile inputs: an empty file, a
 * file cut in half, invalid UTF-8, a 10 MB value, NUL bytes and (XML, JSON)
 * nesting far deeper than any list. Each input is a real list from the
 * shared data with one thing broken, so the parser is well into a record
 * when it meets it. What must hold: no crash (run it under ASan too), and
 * either a refusal whose message names the file (and the line, past the
 * empty file) or a clean success, as the table says for each parser. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HUGE_FIELD (10u * 1024 * 1024)
#define DEEP 100000

typedef enum broken { EMPTY, TRUNCATED, BAD_UTF8, HUGE_VALUE, NUL_BYTES, DEEP_NESTING, BROKEN_COUNT } broken;
static const char *const broken_names[BROKEN_COUNT] = {"empty", "truncated", "bad-utf8", "huge",
                                                       "nul", "deep"};

/* What a parser must do with a broken input. */
typedef enum expect {
    REFUSE_FILE, /* a negative code, the message naming the file */
    REFUSE_LINE, /* the same, naming the line too ("PATH:LINE: ...") */
    ACCEPT,      /* reads it: the break is in a value the format allows */
    EITHER,      /* a refusal naming file and line, or success */
    SKIP,        /* not a thing this format can have */
} expect;

typedef struct format {
    const char *name;
    int (*parse)(const char *path, const list_sink *sink, kd_error *err);
    const char *seed;   /* a real list under the shared data */
    const char *ext;
    const char *needle; /* the break goes right after this, inside a value */
    expect expect[BROKEN_COUNT];
} format;

/* Truncation and bad bytes are refused with their line by every parser
 * but these: a CSV or JSON-lines file cut at a record boundary is a
 * shorter list, and the OFAC, EU FSF and UK HMT CSV parsers read text that
 * is not UTF-8 as Windows-1252, which is what those publishers wrote (see
 * each parser). A NUL byte is valid UTF-8 and the CSV parsers keep it in
 * the value (EITHER: a refusal naming the line would do as well). */
static const format formats[] = {
    {"un_xml", parse_un_xml, "lists/un/consolidated.xml", "xml", "<FIRST_NAME>",
     {REFUSE_FILE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE}},
    {"ofac_xml", parse_ofac_xml, "formats/ofac-consolidated-non-sdn-2026-01-08.xml", "xml", "<lastName>",
     {REFUSE_FILE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE}},
    {"eu_fsf_xml", parse_eu_fsf_xml, "formats/eu-fsf-1.1-excerpt-2026-08-05.xml", "xml", "<remark>",
     {REFUSE_FILE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE}},
    {"uk_fcdo_xml", parse_uk_fcdo_xml, "formats/uk-sanctions-list-2026-10-excerpt.xml", "xml", "<Name6>",
     {REFUSE_FILE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE}},
    {"canada_xml", parse_canada_xml, "lists/canada/sema-consolidated.xml", "xml", "<LastName>",
     {REFUSE_FILE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE, REFUSE_LINE}},
    {"ofac_csv", parse_ofac_csv, "lists/ofac/sdn.csv", "csv", "36,\"",
     {REFUSE_FILE, EITHER, ACCEPT, REFUSE_LINE, EITHER, SKIP}},
    {"eu_oj_csv", parse_eu_oj_csv, "lists/eu_oj/32009R1284.csv", "csv", ",Person,",
     {REFUSE_FILE, EITHER, REFUSE_LINE, REFUSE_LINE, EITHER, SKIP}},
    {"eu_fsf_csv", parse_eu_fsf_csv, "formats/eu-fsf-csv-1.0-excerpt-2018-07-04.csv", "csv", ";Mugabe",
     {REFUSE_FILE, EITHER, ACCEPT, REFUSE_LINE, EITHER, SKIP}},
    {"uk_hmt_csv", parse_uk_hmt_csv, "formats/uk-hmt-conlist-subset-2016-02-12.csv", "csv", "ABU ABDA",
     {REFUSE_FILE, EITHER, ACCEPT, REFUSE_LINE, EITHER, SKIP}},
    {"generic_csv", parse_generic_csv, "eval/positives_un_untreated.csv", "csv", "ABDULHAI",
     {REFUSE_FILE, EITHER, REFUSE_LINE, REFUSE_LINE, EITHER, SKIP}},
    {"ftm_json", parse_ftm_json, "lists/ftm/t1.ftm.json", "json", "\"name\":[",
     {REFUSE_FILE, EITHER, REFUSE_LINE, REFUSE_LINE, EITHER, REFUSE_LINE}},
};

static int count_emit(void *ctx, const model_entity *e, kd_error *err)
{
    (void)e, (void)err;
    ++*(size_t *)ctx;
    return 0;
}

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: cannot open", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *n = (size_t)size;
    return data;
}

/* The seed with `insert` (n bytes) put right after the first needle. */
static char *splice(const char *seed, size_t seed_n, const char *needle, const char *insert, size_t n,
                    size_t *out_n)
{
    const char *at = strstr(seed, needle);
    if (!at)
        fail_msg("needle %s not in the seed", needle);
    size_t head = (size_t)(at - seed) + strlen(needle);
    char *out = malloc(seed_n + n + 1);
    assert_non_null(out);
    memcpy(out, seed, head);
    memcpy(out + head, insert, n);
    memcpy(out + head + n, seed + head, seed_n - head);
    *out_n = seed_n + n;
    return out;
}

/* The broken document, or NULL for SKIP. */
static char *break_seed(const format *f, broken b, const char *seed, size_t seed_n, size_t *n)
{
    switch (b) {
    case EMPTY:
        *n = 0;
        return calloc(1, 1);
    case TRUNCATED: {
        char *out = malloc(seed_n / 2 + 1);
        assert_non_null(out);
        memcpy(out, seed, seed_n / 2);
        *n = seed_n / 2;
        return out;
    }
    case BAD_UTF8:
        return splice(seed, seed_n, f->needle, "\xc3\x28\xff", 3, n);
    case NUL_BYTES:
        return splice(seed, seed_n, f->needle, "a\0b\0", 4, n);
    case HUGE_VALUE: {
        char *value = malloc(HUGE_FIELD);
        assert_non_null(value);
        memset(value, 'A', HUGE_FIELD);
        char *out = splice(seed, seed_n, f->needle, value, HUGE_FIELD, n);
        free(value);
        return out;
    }
    case DEEP_NESTING: {
        bool json = strcmp(f->ext, "json") == 0;
        const char *open = json ? "[" : "<a>", *close = json ? "]" : "</a>";
        size_t lo = strlen(open), lc = strlen(close);
        char *value = malloc(DEEP * (lo + lc) + 4);
        assert_non_null(value);
        size_t k = 0;
        for (size_t i = 0; i < DEEP; i++, k += lo)
            memcpy(value + k, open, lo);
        for (size_t i = 0; i < DEEP; i++, k += lc)
            memcpy(value + k, close, lc);
        if (json) /* the array is one more value of the list it sits in */
            value[k++] = ',';
        char *out = splice(seed, seed_n, f->needle, value, k, n);
        free(value);
        return out;
    }
    case BROKEN_COUNT:
        break;
    }
    return NULL;
}

/* "PATH:" followed by a line number somewhere in the message. */
static bool names_line(const char *message, const char *path)
{
    for (const char *p = strstr(message, path); p; p = strstr(p + 1, path)) {
        const char *after = p + strlen(path);
        if (after[0] == ':' && after[1] >= '0' && after[1] <= '9')
            return true;
    }
    return false;
}

static void run_format(const format *f)
{
    size_t seed_n;
    char *seed = read_all(data_path(f->seed), &seed_n);
    for (int b = 0; b < BROKEN_COUNT; b++) {
        expect want = f->expect[b];
        if (want == SKIP)
            continue;
        size_t n;
        char *doc = break_seed(f, (broken)b, seed, seed_n, &n);
        char name[96], path[4096];
        snprintf(name, sizeof name, "parsers-%s-%s.%s", f->name, broken_names[b], f->ext);
        snprintf(path, sizeof path, "%s", write_tmp(name, doc, n));
        free(doc);
        size_t records = 0;
        list_sink sink = {count_emit, &records};
        kd_error err = {0};
        int rc = f->parse(path, &sink, &err);
        if (getenv("KORDON_PARSERS_VERBOSE"))
            fprintf(stderr, "%-12s %-9s rc %3d, %5zu records: %.200s\n", f->name, broken_names[b], rc,
                    records, err.message);
        if (rc > 0)
            fail_msg("%s %s: rc %d is no status", f->name, broken_names[b], rc);
        if (rc == 0 && want != ACCEPT && want != EITHER)
            fail_msg("%s %s: accepted (%zu records), expected a refusal", f->name, broken_names[b], records);
        if (rc < 0 && want == ACCEPT)
            fail_msg("%s %s: refused: %s", f->name, broken_names[b], err.message);
        if (rc < 0 && !strstr(err.message, path))
            fail_msg("%s %s: the message does not name the file: %s", f->name, broken_names[b], err.message);
        if (rc < 0 && want != REFUSE_FILE && !names_line(err.message, path))
            fail_msg("%s %s: the message does not name the line: %s", f->name, broken_names[b], err.message);
        if (b == EMPTY && records)
            fail_msg("%s: %zu records from an empty file", f->name, records);
        remove(path);
    }
    free(seed);
}

static void test_parsers(void **state)
{
    const format *f = *state;
    run_format(f);
}

/* list_detect must not trip over the same inputs either. */
static void test_detect_hostile(void **state)
{
    (void)state;
    static const char *const docs[] = {"", "\xef\xbb\xbf", "<", "<?xml", "{", "\0\0\0\0", "\xff\xfe<\0a\0"};
    static const size_t sizes[] = {0, 3, 1, 5, 1, 4, 6};
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        char name[32];
        snprintf(name, sizeof name, "parsers-detect-%zu", i);
        const char *path = write_tmp(name, docs[i], sizes[i]);
        kd_error err = {0};
        if (list_detect(path, &err) == LIST_UNKNOWN && !err.message[0])
            fail_msg("detect %zu: unknown without a message", i);
    }
}

/* One rule for a dataset named after its file (lists.h). */
static void test_dataset_from_path(void **state)
{
    (void)state;
    static const struct {
        const char *path, *dataset;
    } cases[] = {
        {"lists/ftm/zala.ftm.json", "zala"},          {"t1.ftm.json", "t1"},
        {"/x/Internal Watchlist.csv", "internal_watchlist"}, {"a/b.c/d.csv.gz", "d"},
        {".hidden.csv", "_hidden"},                  {"/x/.csv", "_csv"},
        {"/x/", "fallback"},                          {"Ünï.csv", "__n__"},
        {"list.v2.csv", "list_v2"},                   {"EU.2024.XML", "eu_2024"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[64];
        list_dataset_from_path(cases[i].path, "fallback", out, sizeof out);
        assert_string_equal(out, cases[i].dataset);
    }
    char small[4];
    list_dataset_from_path("abcdef.csv", "fallback", small, sizeof small);
    assert_string_equal(small, "abc");
}

int main(void)
{
    struct CMUnitTest tests[sizeof formats / sizeof *formats + 2];
    size_t n = 0;
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        tests[n++] = (struct CMUnitTest){formats[i].name, test_parsers, NULL, NULL, (void *)&formats[i]};
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_detect_hostile);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_dataset_from_path);
    return _cmocka_run_group_tests("parsers", tests, n, NULL, NULL);
}
