/* The .kdx index: build, map, look up, and refuse damaged files. */
#include "testutil.h"
#include "index/index.h"

#include <jansson.h>

#include <stddef.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *build_ftm(const char *name)
{
    static char out[4096];
    snprintf(out, sizeof out, "%s", tmp_path(name));
    const char *sources[] = {data_path("lists/ftm")};
    char src[4096];
    snprintf(src, sizeof src, "%s", sources[0]);
    const char *srcs[] = {src};
    kd_build_options opts = {.output = out};
    kd_error err = {0};
    int rc = kd_build(srcs, 1, &opts, &err);
    if (rc)
        fail_msg("build failed: %s", err.message);
    return out;
}

static void test_build_and_lookup(void **state)
{
    (void)state;
    const char *path = build_ftm("ftm.kdx");
    kd_index *ix;
    kd_error err = {0};
    assert_int_equal(kd_index_open(path, &ix, &err), 0);
    assert_int_equal(kd_index_entity_count(ix), 573);
    assert_int_equal(kd_index_dataset_count(ix), 3);
    size_t total = 0;
    for (size_t i = 0; i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info d;
        assert_int_equal(kd_index_dataset(ix, i, &d), 0);
        assert_int_equal(strlen(d.version), 64);
        total += d.entity_count;
        if (strcmp(d.name, "zala") == 0) {
            assert_int_equal(d.entity_count, 91);
            assert_int_equal(d.schema_counts[KD_SCHEMA_SANCTION], 41);
        }
    }
    assert_int_equal(total, 573);

    int64_t pos = kd_index_find(ix, "NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_true(pos >= 0);
    kd_entity_view v;
    assert_int_equal(kd_index_entity(ix, (size_t)pos, &v), 0);
    assert_string_equal(v.id, "NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_int_equal(v.schema, KD_SCHEMA_ORGANIZATION);
    assert_string_equal(kd_entity_view_first(ix, &v, KD_PROP_COUNTRY), "by");
    char *json = kd_index_entity_json(ix, (size_t)pos, 0);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"schema\":\"Organization\""));
    assert_non_null(strstr(json, "\"datasets\":[\"t1\"]"));
    assert_non_null(strstr(json, "\"registrationNumber\":[\"808000714\"]"));
    free(json);
    assert_int_equal(kd_index_find(ix, "no-such-id"), KD_ENOTFOUND);
    assert_int_equal(kd_index_find(ix, ""), KD_ENOTFOUND);
    kd_index_close(ix);
}

static void test_same_content_same_version(void **state)
{
    (void)state;
    kd_index *a, *b;
    kd_error err = {0};
    assert_int_equal(kd_index_open(build_ftm("v1.kdx"), &a, &err), 0);
    assert_int_equal(kd_index_open(build_ftm("v2.kdx"), &b, &err), 0);
    for (size_t i = 0; i < kd_index_dataset_count(a); i++) {
        kd_dataset_info da, db;
        kd_index_dataset(a, i, &da);
        kd_index_dataset(b, i, &db);
        assert_string_equal(da.version, db.version);
    }
    kd_index_close(a);
    kd_index_close(b);
}

static void copy_damaged(const char *from, const char *to, long offset, long truncate_to)
{
    FILE *in = fopen(from, "rb");
    assert_non_null(in);
    fseek(in, 0, SEEK_END);
    long n = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *data = malloc((size_t)n);
    assert_int_equal(fread(data, 1, (size_t)n, in), (size_t)n);
    fclose(in);
    if (offset >= 0)
        memset(data + offset, 0xFF, 8);
    FILE *out = fopen(to, "wb");
    fwrite(data, 1, truncate_to >= 0 ? (size_t)truncate_to : (size_t)n, out);
    fclose(out);
    free(data);
}

static void test_damaged_index_is_refused(void **state)
{
    (void)state;
    const char *good = build_ftm("good.kdx");
    char good_path[4096];
    snprintf(good_path, sizeof good_path, "%s", good);
    kd_index *ix;
    kd_error err = {0};
    struct stat st;
    stat(good_path, &st);

    char bad[4096];
    snprintf(bad, sizeof bad, "%s", tmp_path("truncated.kdx"));
    copy_damaged(good_path, bad, -1, st.st_size / 2);
    assert_int_equal(kd_index_open(bad, &ix, &err), KD_EINDEX);
    assert_non_null(strstr(err.message, "truncated"));

    /* Overwrite the first section's offset: points outside the file. */
    copy_damaged(good_path, bad, (long)offsetof(kdx_header, sections) + 8, -1);
    assert_int_equal(kd_index_open(bad, &ix, &err), KD_EINDEX);

    /* Corrupt the entity table: an id offset far outside the strings. */
    kd_index *gi;
    assert_int_equal(kd_index_open(good_path, &gi, &err), 0);
    long ents = (long)((const char *)gi->entities - (const char *)gi->map);
    kd_index_close(gi);
    copy_damaged(good_path, bad, ents + 100 * (long)sizeof(kdx_entity), -1);
    assert_int_equal(kd_index_open(bad, &ix, &err), KD_EINDEX);
    assert_non_null(strstr(err.message, "damaged"));

    copy_damaged(data_path("lists/ftm/t1.ftm.json"), bad, -1, -1);
    assert_int_equal(kd_index_open(bad, &ix, &err), KD_EINDEX);
    assert_non_null(strstr(err.message, "not a kordon index"));

    assert_int_equal(kd_index_open(tmp_path("missing.kdx"), &ix, &err), KD_EIO);
    assert_non_null(strstr(err.message, "kordon build"));
}

static void test_failed_build_keeps_previous_index(void **state)
{
    (void)state;
    const char *built = build_ftm("keep.kdx");
    char index_path[4096];
    snprintf(index_path, sizeof index_path, "%s", built);
    char broken[4096];
    snprintf(broken, sizeof broken, "%s", tmp_path("broken.json"));
    FILE *f = fopen(broken, "wb");
    fputs("{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{}}\n{\"id\":", f);
    fclose(f);
    const char *srcs[] = {broken};
    kd_build_options opts = {.output = index_path};
    kd_error err = {0};
    assert_int_equal(kd_build(srcs, 1, &opts, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, "broken.json:2:"));
    kd_index *ix;
    assert_int_equal(kd_index_open(index_path, &ix, &err), 0);
    assert_int_equal(kd_index_entity_count(ix), 573);
    kd_index_close(ix);
}

/* ---- integrity: checksum, truncation, rewrites in place ------------------ */

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *n = (size_t)size;
    return data;
}

/* Rewrites path in place, as cp does: same inode, truncated, then written. */
static void rewrite_in_place(const char *path, const unsigned char *data, size_t n, size_t chunk)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    for (size_t at = 0; at < n;) {
        size_t w = n - at < chunk ? n - at : chunk;
        ssize_t r = write(fd, data + at, w);
        assert_true(r > 0);
        at += (size_t)r;
    }
    close(fd);
}

static void test_checksum_is_xxh64(void **state)
{
    (void)state;
    /* the reference vectors of XXH64, seed 0 (libxxhash 0.8 agrees) */
    assert_true(kdx_xxh64("", 0) == 0xEF46DB3751D8E999ULL);
    assert_true(kdx_xxh64("a", 1) == 0xD24EC4F1A98C6E5BULL);
    assert_true(kdx_xxh64("abc", 3) == 0x44BC2CF5AD770999ULL);
    const char *spam = "Nobody inspects the spammish repetition";
    assert_true(kdx_xxh64(spam, strlen(spam)) == 0xFBCEA83C8A378BF1ULL);
    /* every tail length path: 1, 4 and 8-byte words after the stripes */
    unsigned char p[1000];
    for (int i = 0; i < 1000; i++)
        p[i] = (unsigned char)(i * 7 % 251);
    assert_true(kdx_xxh64(p, 13) == 0x92E7AC00FD9CE667ULL);
    assert_true(kdx_xxh64(p, 45) == 0x90BEFE4FFD33063BULL);
    assert_true(kdx_xxh64(p, 773) == 0x50E74F45280D2130ULL);
}

static void expect_refused(const char *path, const char *why, const char *what)
{
    kd_index *ix = (kd_index *)1;
    kd_error err = {0};
    int rc = kd_index_open(path, &ix, &err);
    if (rc != KD_EINDEX || ix != NULL || !strstr(err.message, path) || !strstr(err.message, why))
        fail_msg("%s: rc %d, message \"%s\"; want KD_EINDEX and \"%s\"", what, rc, err.message, why);
}

static void test_truncated_index_is_refused(void **state)
{
    (void)state;
    char good[4096], bad[4096];
    snprintf(good, sizeof good, "%s", build_ftm("trunc-good.kdx"));
    snprintf(bad, sizeof bad, "%s", tmp_path("trunc-bad.kdx"));
    size_t n;
    unsigned char *data = slurp(good, &n);
    size_t lengths[] = {0, 1, 8, sizeof(kdx_header) - 1, sizeof(kdx_header), n / 3, n / 2, n - 8, n - 1};
    for (size_t i = 0; i < KD_ARRAY_LEN(lengths); i++) {
        char what[64];
        snprintf(what, sizeof what, "truncated to %zu of %zu bytes", lengths[i], n);
        write_tmp("trunc-bad.kdx", data, lengths[i]);
        expect_refused(bad, lengths[i] < sizeof(kdx_header) ? "too short" : "truncated", what);
    }
    /* one byte too many is no better */
    data[n] = 0;
    write_tmp("trunc-bad.kdx", data, n + 1);
    expect_refused(bad, "truncated or damaged", "one byte appended");
    free(data);
}

static void test_flipped_byte_is_refused(void **state)
{
    (void)state;
    char good[4096], bad[4096];
    snprintf(good, sizeof good, "%s", build_ftm("flip-good.kdx"));
    snprintf(bad, sizeof bad, "%s", tmp_path("flip-bad.kdx"));
    size_t n;
    unsigned char *data = slurp(good, &n);
    kd_index *gi;
    kd_error err = {0};
    assert_int_equal(kd_index_open(good, &gi, &err), 0);
    size_t ents = (size_t)((const char *)gi->entities - (const char *)gi->map);
    size_t names = (size_t)((const char *)gi->names - (const char *)gi->map);
    kd_index_close(gi);
    struct {
        size_t at;
        const char *why;
    } flips[] = {
        {0, "not a kordon index"},
        {offsetof(kdx_header, version), "another kordon version"},
        {offsetof(kdx_header, file_size), "truncated or damaged"},
        {offsetof(kdx_header, checksum), "checksum mismatch"},
        {offsetof(kdx_header, checksum) + 7, "checksum mismatch"},
        {offsetof(kdx_header, sections) + 8, "checksum mismatch"},
        {sizeof(kdx_header) + 3, "checksum mismatch"}, /* a string */
        {ents + 1, "checksum mismatch"},
        {names + 5, "checksum mismatch"},
        {n / 2, "checksum mismatch"},
        {n - 1, "checksum mismatch"},
    };
    for (size_t i = 0; i < KD_ARRAY_LEN(flips); i++) {
        char what[64];
        snprintf(what, sizeof what, "byte %zu of %zu flipped", flips[i].at, n);
        data[flips[i].at] ^= 0x01;
        write_tmp("flip-bad.kdx", data, n);
        data[flips[i].at] ^= 0x01;
        expect_refused(bad, flips[i].why, what);
    }
    /* and a sweep over the whole file, one flipped bit at a time */
    for (size_t at = 0; at < n; at += 1009) {
        data[at] ^= 0x80;
        write_tmp("flip-bad.kdx", data, n);
        data[at] ^= 0x80;
        char what[64];
        snprintf(what, sizeof what, "bit 7 of byte %zu flipped", at);
        expect_refused(bad, "", what);
    }
    /* Damage whose checksum was recomputed (a faulty writer) still meets the
     * table checks: an entity's id far outside the strings. */
    kdx_entity *e = (kdx_entity *)(data + ents);
    e[3].id = 0xFFFFFF00u;
    ((kdx_header *)data)->checksum = kdx_checksum(data, n);
    write_tmp("flip-bad.kdx", data, n);
    expect_refused(bad, "a table points outside the file", "entity id out of range, checksum fixed");
    free(data);
}

/* Reads everything an index holds, as a server does after loading it. */
static size_t read_everything(const kd_index *ix)
{
    size_t bytes = 0;
    for (size_t i = 0; i < kd_index_entity_count(ix); i++) {
        char *json = kd_index_entity_json(ix, i, 0);
        assert_non_null(json);
        bytes += strlen(json);
        free(json);
    }
    kd_matcher *m;
    kd_error err = {0};
    assert_int_equal(kd_matcher_new(ix, &m, &err), 0);
    kd_match_query q = {.name = "Alexander Lukashenko", .schema = -1, .limit = 3};
    kd_match_result r[3];
    int found = kd_match(m, &q, r, NULL, &err);
    assert_true(found >= 0);
    bytes += (size_t)found;
    kd_matcher_free(m);
    return bytes;
}

static void test_rewritten_after_open_changes_nothing(void **state)
{
    (void)state;
    char path[4096], other[4096];
    snprintf(other, sizeof other, "%s", build_ftm("rewrite-other.kdx"));
    kd_index *un = build_open_index("lists/un", "rewrite-un.kdx");
    kd_index_close(un);
    snprintf(path, sizeof path, "%s", tmp_path("rewrite-un.kdx"));
    size_t n_other;
    unsigned char *bytes_other = slurp(other, &n_other);

    kd_index *ix;
    kd_error err = {0};
    assert_int_equal(kd_index_open(path, &ix, &err), 0);
    size_t entities = kd_index_entity_count(ix);
    size_t before = read_everything(ix);
    /* cp other.kdx over it (smaller, same inode), then damage, then cut it
     * short: the open index is a copy and reads the same throughout */
    rewrite_in_place(path, bytes_other, n_other, 1 << 16);
    assert_int_equal(kd_index_entity_count(ix), entities);
    assert_int_equal(read_everything(ix), before);
    assert_int_equal(truncate(path, 100), 0);
    assert_int_equal(read_everything(ix), before);
    kd_index_close(ix);
    expect_refused(path, "too short", "truncated to 100 bytes after the open");
    free(bytes_other);
}

/* A writer rewriting the file in place, over and over, while it is opened:
 * each open gets one complete version or a refusal that says why. */
typedef struct rewriter {
    const char *path;
    const unsigned char *a, *b;
    size_t na, nb;
    volatile int stop;
    int rounds;
} rewriter;

static void *rewrite_loop(void *arg)
{
    rewriter *w = arg;
    for (w->rounds = 0; !w->stop; w->rounds++) {
        int fd = open(w->path, O_WRONLY | O_TRUNC);
        if (fd < 0)
            break;
        const unsigned char *d = w->rounds % 2 ? w->a : w->b;
        size_t n = w->rounds % 2 ? w->na : w->nb;
        for (size_t at = 0; at < n;) {
            ssize_t r = write(fd, d + at, n - at < 8192 ? n - at : 8192);
            if (r <= 0)
                break;
            at += (size_t)r;
        }
        close(fd);
        /* a moment with a complete file, as between two deployments */
        struct timespec pause = {0, 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static void test_rewritten_while_opening(void **state)
{
    (void)state;
    char a_path[4096], b_path[4096], path[4096];
    snprintf(a_path, sizeof a_path, "%s", build_ftm("torn-a.kdx"));
    kd_index *un = build_open_index("lists/un", "torn-b.kdx");
    size_t un_entities = kd_index_entity_count(un);
    kd_index_close(un);
    snprintf(b_path, sizeof b_path, "%s", tmp_path("torn-b.kdx"));
    snprintf(path, sizeof path, "%s", tmp_path("torn-live.kdx"));
    rewriter w = {.path = path};
    unsigned char *a = slurp(a_path, &w.na), *b = slurp(b_path, &w.nb);
    w.a = a;
    w.b = b;
    write_tmp("torn-live.kdx", a, w.na);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, rewrite_loop, &w), 0);
    /* until both outcomes were seen over a few rewrites (10 s at most: the
     * writer's pace is up to the scheduler) */
    int loaded = 0, refused = 0, i;
    time_t until = time(NULL) + 10;
    for (i = 0; !(loaded && refused && w.rounds > 4) && time(NULL) < until; i++) {
        kd_index *ix;
        kd_error err = {0};
        int rc = kd_index_open(path, &ix, &err);
        if (rc == 0) {
            size_t n = kd_index_entity_count(ix);
            if (n != 573 && n != un_entities)
                fail_msg("open %d: %zu entities, neither version", i, n);
            kd_index_close(ix);
            loaded++;
        } else {
            if (rc != KD_EINDEX || !strstr(err.message, path))
                fail_msg("open %d: rc %d, \"%s\"", i, rc, err.message);
            if (!strstr(err.message, "changed while being read") && !strstr(err.message, "checksum mismatch") &&
                !strstr(err.message, "truncated") && !strstr(err.message, "too short"))
                fail_msg("open %d: unclear refusal \"%s\"", i, err.message);
            refused++;
            if (getenv("KORDON_TEST_VERBOSE"))
                print_message("%s\n", err.message);
        }
    }
    w.stop = 1;
    pthread_join(t, NULL);
    print_message("rewritten in place %d times during %d opens: %d loaded, %d refused\n", w.rounds, i, loaded,
                  refused);
    assert_true(loaded > 0 && refused > 0);
    free(a);
    free(b);
}


/* Writes one list file into a directory of its own, builds an index of
 * it and opens it. */
static kd_index *build_written(const char *dir_name, const char *file_name, const char *content)
{
    const char *dir = tmp_path(dir_name);
    mkdir(dir, 0700);
    char file[4096], out[4096];
    snprintf(file, sizeof file, "%s/%s", dir, file_name);
    snprintf(out, sizeof out, "%s/written.kdx", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    const char *srcs[] = {dir};
    kd_build_options opts = {.output = out};
    kd_error err = {0};
    kd_index *ix = NULL;
    if (kd_build(srcs, 1, &opts, &err) || kd_index_open(out, &ix, &err))
        fail_msg("%s: %s", file, err.message);
    return ix;
}

/* Ties: a company no list names, owned by a listed person, is reported as
 * tied to that person ("owned by"); a link written to an id an FtM input
 * merged into another entity is followed to it; the listed person's own
 * ties to unlisted parties are not "ties to listed parties". */
static void test_ties_to_listed(void **state)
{
    (void)state;
    kd_index *ix = build_written("ties", "ties.ftm.json",
                                 "{\"id\":\"p1\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Ivan Petrov\"],"
                                 "\"topics\":[\"sanction\"]},\"referents\":[\"old-p1\"]}\n"
                                 "{\"id\":\"c1\",\"schema\":\"Company\",\"properties\":{\"name\":[\"Petrov Trading LLC\"]}}\n"
                                 "{\"id\":\"c2\",\"schema\":\"Company\",\"properties\":{\"name\":[\"Volga Holding\"]}}\n"
                                 "{\"id\":\"c3\",\"schema\":\"Company\",\"properties\":{\"name\":[\"Nobody Ltd\"]}}\n"
                                 "{\"id\":\"o1\",\"schema\":\"Ownership\",\"properties\":{\"owner\":[\"p1\"],\"asset\":[\"c1\"]}}\n"
                                 "{\"id\":\"d1\",\"schema\":\"Directorship\",\"properties\":{\"director\":[\"old-p1\"],"
                                 "\"organization\":[\"c2\"]}}\n");
    kd_error err = {0};
    kd_ties *ties;
    assert_int_equal(kd_ties_new(ix, &ties, &err), 0);
    int64_t p1 = kd_index_find(ix, "p1"), c1 = kd_index_find(ix, "c1"), c2 = kd_index_find(ix, "c2"),
            c3 = kd_index_find(ix, "c3");
    assert_true(p1 >= 0 && c1 >= 0 && c2 >= 0 && c3 >= 0);
    assert_int_equal(kd_ties_referent(ties, "old-p1"), p1);
    assert_int_equal(kd_ties_referent(ties, "p1"), -1); /* an id of its own is no referent */
    kd_tie tie[4];
    assert_int_equal(kd_ties_to_listed(ties, (size_t)c1, tie, 4), 1);
    assert_int_equal(tie[0].listed, kd_index_party(ix, (size_t)p1));
    assert_int_equal(tie[0].role, KD_PROP_OWNER);
    assert_string_equal(index_tie_phrase(ix, &tie[0]), "owned by");
    /* through the merged id */
    assert_int_equal(kd_ties_to_listed(ties, (size_t)c2, tie, 4), 1);
    assert_int_equal(tie[0].role, KD_PROP_DIRECTOR);
    assert_string_equal(index_tie_phrase(ix, &tie[0]), "directed by");
    assert_int_equal(kd_ties_to_listed(ties, (size_t)c3, tie, 4), 0);
    /* the listed person is tied to no other listed party */
    assert_int_equal(kd_ties_to_listed(ties, (size_t)p1, tie, 4), 0);
    /* as JSON, for results: only for a party not listed itself */
    json_t *j = index_ties_json(ix, ties, (size_t)c1);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "id")), "p1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "relation")), "Ownership");
    json_decref(j);
    assert_null(index_ties_json(ix, ties, (size_t)p1));
    kd_ties_free(ties);
    kd_index_close(ix);
}


/* The UK Sanctions List's subsidiaries and parent companies, named in a
 * designation and designated themselves, become Ownership relations (the
 * parent the owner), derived like OFAC's "Linked To" links; a subsidiary
 * the list does not designate stays a note. */
static void test_uk_subsidiaries_become_ownerships(void **state)
{
    (void)state;
    static const char *const designations[][3] = {
        /* id, name, entity details */
        {"RUS9001", "VOLGA HOLDING LIMITED",
         "<Subsidiaries><Subsidiary>Volga Shipping LLC </Subsidiary><Subsidiary>Unlisted Daughter Ltd</Subsidiary>"
         "</Subsidiaries>"},
        {"RUS9002", "VOLGA SHIPPING LLC", ""},
        {"RUS9003", "KAMA TRADING LLC", "<ParentCompanies><ParentCompany>Volga Holding Limited</ParentCompany>"
                                        "</ParentCompanies>"},
    };
    char xml[8192];
    size_t used = (size_t)snprintf(xml, sizeof xml, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Designations>\n"
                                                    "<DateGenerated>02/10/2026</DateGenerated>\n");
    for (size_t i = 0; i < 3; i++)
        used += (size_t)snprintf(
            xml + used, sizeof xml - used,
            "<Designation><LastUpdated>01/10/2026</LastUpdated><DateDesignated>01/10/2026</DateDesignated>"
            "<UniqueID>%s</UniqueID><Names><Name><Name6>%s</Name6><NameType>Primary Name</NameType></Name>"
            "</Names><RegimeName>The Russia (Sanctions) (EU Exit) Regulations 2019</RegimeName>"
            "<IndividualEntityShip>Entity</IndividualEntityShip><DesignationSource>UK</DesignationSource>"
            "<EntityDetails><Entity>%s</Entity></EntityDetails></Designation>\n",
            designations[i][0], designations[i][1], designations[i][2]);
    snprintf(xml + used, sizeof xml - used, "</Designations>\n");
    kd_index *ix = build_written("uk-links", "uk.xml", xml);
    int64_t holding = kd_index_find(ix, "gb-fcdo-RUS9001");
    if (holding < 0) { /* the parser's id scheme, whatever it is: found by name */
        for (size_t e = 0; e < kd_index_entity_count(ix) && holding < 0; e++) {
            kd_entity_view v;
            kd_index_entity(ix, e, &v);
            const char *name = kd_entity_view_first(ix, &v, KD_PROP_NAME);
            if (name && strcmp(name, "VOLGA HOLDING LIMITED") == 0)
                holding = (int64_t)e;
        }
    }
    assert_true(holding >= 0);
    kd_entity_view h;
    kd_index_entity(ix, (size_t)holding, &h);
    size_t ownerships = 0;
    for (size_t e = 0; e < kd_index_entity_count(ix); e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        if (v.schema != KD_SCHEMA_OWNERSHIP)
            continue;
        ownerships++;
        assert_true(kd_index_entity_derived(ix, e));
        /* the holding owns both: the subsidiary it names, the company naming it as its parent */
        assert_string_equal(kd_entity_view_first(ix, &v, KD_PROP_OWNER), h.id);
        const char *asset = kd_entity_view_first(ix, &v, KD_PROP_ASSET);
        int64_t a = kd_index_find(ix, asset);
        assert_true(a >= 0);
        kd_entity_view av;
        kd_index_entity(ix, (size_t)a, &av);
        const char *name = kd_entity_view_first(ix, &av, KD_PROP_NAME);
        assert_true(strcmp(name, "VOLGA SHIPPING LLC") == 0 || strcmp(name, "KAMA TRADING LLC") == 0);
    }
    assert_int_equal(ownerships, 2);
    kd_index_close(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_lookup),
        cmocka_unit_test(test_same_content_same_version),
        cmocka_unit_test(test_damaged_index_is_refused),
        cmocka_unit_test(test_failed_build_keeps_previous_index),
        cmocka_unit_test(test_checksum_is_xxh64),
        cmocka_unit_test(test_truncated_index_is_refused),
        cmocka_unit_test(test_flipped_byte_is_refused),
        cmocka_unit_test(test_rewritten_after_open_changes_nothing),
        cmocka_unit_test(test_rewritten_while_opening),
        cmocka_unit_test(test_ties_to_listed),
        cmocka_unit_test(test_uk_subsidiaries_become_ownerships),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
