/* The store's API on SQLite, with real UN releases: migrations, runs that
 * commit whole or not at all, alerts and the allow-list, decisions,
 * content hashes, the audit callback. tests/e2e_store.sh runs the same
 * scenarios through the binary on SQLite and PostgreSQL. */
#include "testutil.h"
#include "kordon/screening.h"
#include "kordon/store.h"
#include "store/migrations.h"

#include <sqlite3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char un25[4096], un26[4096];

static int build_indexes(void **state)
{
    (void)state;
    const struct {
        const char *source;
        char *out;
        const char *name;
    } builds[] = {{"versions/un-2025-04-19/consolidated.xml", un25, "store-un25.kdx"},
                  {"versions/un-2026-01-28/consolidated.xml", un26, "store-un26.kdx"}};
    for (size_t i = 0; i < 2; i++) {
        char src[4096];
        snprintf(src, sizeof src, "%s", data_path(builds[i].source));
        snprintf(builds[i].out, 4096, "%s", tmp_path(builds[i].name));
        const char *srcs[] = {src};
        kd_build_options opts = {.output = builds[i].out};
        kd_error err = {0};
        if (kd_build(srcs, 1, &opts, &err)) {
            fprintf(stderr, "build failed: %s\n", err.message);
            return -1;
        }
    }
    return 0;
}

static const char *fresh_db(const char *name)
{
    const char *path = tmp_path(name);
    char other[4200];
    unlink(path);
    snprintf(other, sizeof other, "%s-wal", path);
    unlink(other);
    snprintf(other, sizeof other, "%s-shm", path);
    unlink(other);
    return path;
}

static kd_index *open_index(const char *path)
{
    kd_index *ix;
    kd_error err = {0};
    if (kd_index_open(path, &ix, &err))
        fail_msg("%s", err.message);
    return ix;
}

static void test_migrations_once(void **state)
{
    (void)state;
    const char *path = fresh_db("store-migrate.db");
    kd_store *s;
    kd_error err = {0};
    assert_int_equal(kd_store_open(path, &s, &err), 0);
    assert_string_equal(kd_store_engine(s), "sqlite");
    assert_int_equal(kd_store_schema_version(s, &err), 7);
    kd_store_close(s);
    assert_int_equal(kd_store_open(path, &s, &err), 0);
    assert_int_equal(kd_store_schema_version(s, &err), 7);
    kd_store_close(s);

    /* A store written by a newer kordon is refused, not damaged. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO kordon_migrations VALUES (99, '0099_future.sql', 'x')",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(kd_store_open(path, &s, &err), KD_EUSAGE);
    assert_non_null(strstr(err.message, "newer than this kordon knows"));

    assert_int_not_equal(kd_store_open("", &s, &err), 0);
    assert_non_null(strstr(err.message, "no store given"));
}

static void test_customer_query(void **state)
{
    (void)state;
    kd_match_query q;
    kd_error err = {0};
    kd_customer c = {.name = "Ann Smith", .birth_date = "1970"};
    assert_int_equal(kd_customer_query(&c, 0, 5, &q, &err), 0);
    assert_int_equal(q.schema, KD_SCHEMA_PERSON);
    c = (kd_customer){.name = "Acme", .schema = "Company"};
    assert_int_equal(kd_customer_query(&c, 0.8, 3, &q, &err), 0);
    assert_int_equal(q.schema, KD_SCHEMA_COMPANY);
    assert_true(q.threshold == 0.8 && q.limit == 3);
    c = (kd_customer){.name = "x", .gender = "F"};
    assert_int_equal(kd_customer_query(&c, 0, 5, &q, &err), 0);
    assert_string_equal(q.gender, "female");
    c = (kd_customer){.name = "x", .schema = "Spaceship"};
    assert_int_equal(kd_customer_query(&c, 0, 5, &q, &err), KD_EPARSE);
    assert_non_null(strstr(err.message, "schema \"Spaceship\": a customer is a Person"));
    /* one spelling rule: any case; and a customer is a party, not an Address */
    c = (kd_customer){.name = "x", .schema = "company"};
    assert_int_equal(kd_customer_query(&c, 0, 5, &q, &err), 0);
    assert_int_equal(q.schema, KD_SCHEMA_COMPANY);
    c = (kd_customer){.name = "x", .schema = "Address"};
    assert_int_equal(kd_customer_query(&c, 0, 5, &q, &err), KD_EPARSE);
}

/* The same listing hashes the same across releases; a changed one does not. */
static void test_entity_hash(void **state)
{
    (void)state;
    kd_index *a = open_index(un25), *b = open_index(un26);
    char ha[65], hb[65];
    /* TANTOUSH: address dropped, country ly → af between the releases */
    kd_entity_hash(a, (size_t)kd_index_find(a, "unsc-111639"), ha);
    kd_entity_hash(b, (size_t)kd_index_find(b, "unsc-111639"), hb);
    assert_int_equal(strlen(ha), 64);
    assert_string_not_equal(ha, hb);
    size_t same = 0, both = 0;
    for (size_t i = 0; i < kd_index_entity_count(a); i++) {
        kd_entity_view v;
        kd_index_entity(a, i, &v);
        int64_t j = kd_index_find(b, v.id);
        if (j < 0)
            continue;
        both++;
        kd_entity_hash(a, i, ha);
        kd_entity_hash(b, (size_t)j, hb);
        same += strcmp(ha, hb) == 0;
    }
    /* kordon diff counts 11 changed of the 867 in both */
    assert_int_equal(both, 867);
    assert_int_equal(both - same, 11);
    kd_index_close(a);
    kd_index_close(b);
}

typedef struct fixture {
    kd_store *s;
    kd_index *ix;
    kd_matcher *m;
} fixture;

static void fixture_open(fixture *f, const char *db, const char *index)
{
    kd_error err = {0};
    f->ix = open_index(index);
    if (kd_matcher_new(f->ix, &f->m, &err) || kd_store_open(db, &f->s, &err))
        fail_msg("%s", err.message);
}

static void fixture_close(fixture *f)
{
    kd_store_close(f->s);
    kd_matcher_free(f->m);
    kd_index_close(f->ix);
}

/* Screens customers as one run; returns alerts raised. in_batch: a run
 * of the store's open batch (kd_store_batch_begin). */
static size_t screen_run(fixture *f, const kd_customer *cs, size_t n, bool commit, int64_t *run_id, bool in_batch)
{
    kd_error err = {0};
    kd_run_request req = {.kind = KD_RUN_SCREEN, .actor = "test", .source = "test_store",
                          .parameters = "{\"threshold\": 0.7}", .expected_inputs = n, .in_batch = in_batch};
    kd_run *run;
    if (kd_store_run_begin(f->s, &req, f->ix, &run, &err))
        fail_msg("%s", err.message);
    size_t alerts = 0;
    for (size_t i = 0; i < n; i++) {
        kd_match_query q;
        kd_match_result results[5];
        assert_int_equal(kd_customer_query(&cs[i], 0, 5, &q, &err), 0);
        int k = kd_match(f->m, &q, results, NULL, &err);
        assert_true(k >= 0);
        size_t raised;
        if (kd_store_run_add(run, i + 1, &cs[i], NULL, results, (size_t)k, &raised, &err))
            fail_msg("%s", err.message);
        alerts += raised;
    }
    if (!commit) {
        kd_store_run_abort(run);
        return alerts;
    }
    if (kd_store_run_commit(run, run_id, &err))
        fail_msg("%s", err.message);
    return alerts;
}

static size_t screen(fixture *f, const kd_customer *cs, size_t n, bool commit, int64_t *run_id)
{
    return screen_run(f, cs, n, commit, run_id, false);
}

static const kd_customer customers[] = {
    {.id = "c-1", .name = "IBRAHIM ALI ABU BAKR TANTOUSH"},
    {.id = "c-2", .name = "Jimmy Cherizier"},
    {.id = "c-3", .name = "Maria Schmidt-Oberländer"},
};

static void test_runs_commit_whole(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, fresh_db("store-runs.db"), un25);
    kd_alert_list list;
    kd_error err = {0};
    /* aborted: nothing recorded */
    size_t raised = screen(&f, customers, 3, false, NULL);
    assert_true(raised >= 1);
    assert_int_equal(kd_store_alerts(f.s, NULL, &list, &err), 0);
    assert_int_equal(list.n, 0);
    kd_alert_list_free(&list);
    /* committed: every match of a batch is an alert */
    int64_t run_id = 0;
    raised = screen(&f, customers, 3, true, &run_id);
    assert_true(run_id > 0);
    kd_alert_query open = {.open_only = true};
    assert_int_equal(kd_store_alerts(f.s, &open, &list, &err), 0);
    assert_int_equal(list.n, raised);
    bool tantoush = false;
    for (size_t i = 0; i < list.n; i++) {
        assert_int_equal(list.items[i].run_id, run_id);
        assert_string_equal(list.items[i].reason, "screen");
        assert_int_equal(strlen(list.items[i].entity_hash), 64);
        assert_string_not_equal(list.items[i].customer_id, "c-3");
        if (strcmp(list.items[i].entity_id, "unsc-111639") == 0) {
            tantoush = true;
            assert_string_equal(list.items[i].customer_id, "c-1");
            assert_true(list.items[i].score >= KD_MATCH_THRESHOLD);
            assert_int_equal(list.items[i].verdict, KD_VERDICT_NONE);
        }
    }
    assert_true(tantoush);
    kd_alert_list_free(&list);
    /* pages of one, by id; and by run */
    int64_t second_run = 0;
    assert_int_equal(screen(&f, customers, 3, true, &second_run), raised);
    kd_alert_query page = {.limit = 1};
    size_t seen = 0;
    for (;;) {
        assert_int_equal(kd_store_alerts(f.s, &page, &list, &err), 0);
        if (!list.n)
            break;
        assert_int_equal(list.n, 1);
        assert_true(list.items[0].id > page.after_id);
        page.after_id = list.items[0].id;
        seen++;
        kd_alert_list_free(&list);
    }
    assert_int_equal(seen, 2 * raised);
    kd_alert_query by_run = {.run_id = second_run};
    assert_int_equal(kd_store_alerts(f.s, &by_run, &list, &err), 0);
    assert_int_equal(list.n, raised);
    for (size_t i = 0; i < list.n; i++)
        assert_int_equal(list.items[i].run_id, second_run);
    kd_alert_list_free(&list);
    fixture_close(&f);
}

/* Group commit: runs of one batch are durable together, with their counts
 * and datasets, and an aborted batch leaves nothing. */
static void test_batch(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, fresh_db("store-batch.db"), un25);
    kd_error err = {0};
    kd_alert_list list;
    assert_int_equal(kd_store_batch_begin(f.s, &err), 0);
    assert_int_not_equal(kd_store_batch_begin(f.s, &err), 0); /* one at a time */
    int64_t first = 0, second = 0;
    size_t raised = screen_run(&f, customers, 3, true, &first, true);
    raised += screen_run(&f, customers, 1, true, &second, true);
    assert_true(raised >= 2);
    assert_true(second > first && first > 0);
    kd_store_batch_abort(f.s);
    assert_int_equal(kd_store_alerts(f.s, NULL, &list, &err), 0);
    assert_int_equal(list.n, 0);
    kd_alert_list_free(&list);

    assert_int_equal(kd_store_batch_begin(f.s, &err), 0);
    raised = screen_run(&f, customers, 3, true, &first, true);
    raised += screen_run(&f, customers, 1, true, &second, true);
    assert_int_equal(kd_store_batch_commit(f.s, &err), 0);
    assert_int_equal(kd_store_alerts(f.s, NULL, &list, &err), 0);
    assert_int_equal(list.n, raised);
    size_t in_second = 0;
    for (size_t i = 0; i < list.n; i++) {
        assert_true(list.items[i].run_id == first || list.items[i].run_id == second);
        in_second += list.items[i].run_id == second;
    }
    assert_true(in_second >= 1);
    kd_alert_list_free(&list);
    kd_store_close(f.s);
    f.s = NULL;
    /* each run's row is complete: counts and the index's datasets */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(tmp_path("store-batch.db"), &db), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT input_count, finished_at IS NOT NULL, (SELECT COUNT(*) FROM "
                                            "run_datasets d WHERE d.run_id = r.id) FROM runs r ORDER BY id", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 3);
    assert_int_equal(sqlite3_column_int(q, 1), 1);
    assert_int_equal(sqlite3_column_int64(q, 2), (sqlite3_int64)kd_index_dataset_count(f.ix));
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(db);
    fixture_close(&f);
}

static int64_t sql_count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

static int audit_run_detail(void *ctx, const kd_audit_event *ev)
{
    if (!strcmp(ev->kind, "run") && ev->id == 1)
        snprintf(ctx, 512, "%s", ev->detail ? ev->detail : "");
    return 0;
}

/* Version 7 keeps an index's datasets once, not once per run: a store
 * written by an older kordon keeps its runs' rows, readable as before,
 * and new runs of one index share one row of index_versions. */
static void test_index_versions_upgrade(void **state)
{
    (void)state;
    const char *path = fresh_db("store-upgrade.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE kordon_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
                                      "NULL, applied_at TEXT NOT NULL)", NULL, NULL, NULL), SQLITE_OK);
    for (size_t i = 0; i < store_migration_count; i++) {
        const store_migration *m = &store_migrations[i];
        if (strcmp(m->engine, "sqlite") || atoi(m->name) > 6)
            continue;
        assert_int_equal(sqlite3_exec(db, m->sql, NULL, NULL, NULL), SQLITE_OK);
        char sql[256];
        snprintf(sql, sizeof sql, "INSERT INTO kordon_migrations VALUES (%d, '%s', '2026-01-01T00:00:00Z')",
                 atoi(m->name), m->name);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    assert_int_equal(sqlite3_exec(db, "INSERT INTO runs (id, kind, actor, parameters, started_at) VALUES "
                                      "(1, 'screen', 'old', '{}', '2026-01-01T00:00:00.000Z');"
                                      "UPDATE runs SET finished_at = started_at;"
                                      "INSERT INTO run_datasets VALUES (1, 'un_sc_sanctions', 'v-old', NULL, 10);",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    fixture f;
    fixture_open(&f, path, un25);
    kd_error err = {0};
    assert_int_equal(kd_store_schema_version(f.s, &err), 7);
    screen(&f, customers, 3, true, NULL);
    screen(&f, customers, 3, true, NULL);
    char detail[512] = "";
    assert_int_equal(kd_store_audit(f.s, NULL, NULL, audit_run_detail, detail, &err), 0);
    assert_non_null(strstr(detail, "\"un_sc_sanctions\":\"v-old\""));
    fixture_close(&f);

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sql_count(db, "SELECT COUNT(*) FROM runs"), 3);
    assert_int_equal(sql_count(db, "SELECT COUNT(*) FROM index_versions"), 1);
    assert_int_equal(sql_count(db, "SELECT COUNT(DISTINCT index_version_id) FROM runs WHERE id > 1"), 1);
    assert_int_equal(sql_count(db, "SELECT COUNT(*) FROM run_datasets_recorded"), 1);
    /* the view: the old run's row, and each new run's index datasets */
    assert_int_equal(sql_count(db, "SELECT COUNT(*) FROM run_datasets WHERE run_id = 1 AND version = 'v-old'"), 1);
    assert_int_equal(sql_count(db, "SELECT COUNT(*) FROM run_datasets WHERE run_id = 3"),
                     sql_count(db, "SELECT COUNT(*) FROM index_version_datasets"));
    assert_true(sql_count(db, "SELECT COUNT(*) FROM index_version_datasets") >= 1);
    sqlite3_close(db);
}

static void test_decisions_and_allow_list(void **state)
{
    (void)state;
    const char *db = fresh_db("store-decide.db");
    fixture f;
    fixture_open(&f, db, un25);
    kd_error err = {0};
    size_t first = screen(&f, customers, 1, true, NULL);
    assert_true(first >= 1);
    kd_alert_list list;
    kd_alert_query open = {.open_only = true};
    assert_int_equal(kd_store_alerts(f.s, &open, &list, &err), 0);
    int64_t alert_id = 0;
    for (size_t i = 0; i < list.n; i++)
        if (strcmp(list.items[i].entity_id, "unsc-111639") == 0)
            alert_id = list.items[i].id;
    kd_alert_list_free(&list);
    assert_true(alert_id > 0);

    /* refused decisions say why */
    assert_int_equal(kd_store_decide(f.s, alert_id, KD_VERDICT_FALSE_POSITIVE, "ana", "", NULL, NULL, &err), KD_EUSAGE);
    assert_non_null(strstr(err.message, "comment"));
    assert_int_equal(kd_store_decide(f.s, 424242, KD_VERDICT_ESCALATE, "ana", "why", NULL, NULL, &err), KD_ENOTFOUND);
    assert_non_null(strstr(err.message, "no alert 424242"));

    int64_t d1 = 0, d2 = 0;
    assert_int_equal(kd_store_decide(f.s, alert_id, KD_VERDICT_FALSE_POSITIVE, "ana", "other person", &d1, NULL, &err), 0);
    kd_alert a;
    assert_int_equal(kd_store_alert_get(f.s, alert_id, &a, &err), 0);
    assert_int_equal(a.verdict, KD_VERDICT_FALSE_POSITIVE);
    assert_string_equal(a.reviewer, "ana");
    kd_alert_free(&a);
    /* cleared: the pair stays quiet in the next batch */
    size_t second = screen(&f, customers, 1, true, NULL);
    assert_int_equal(second, first - 1);
    /* corrected: a new decision, the old one kept, the pair alerts again */
    assert_int_equal(kd_store_decide(f.s, alert_id, KD_VERDICT_TRUE_MATCH, "lead", "same person", &d2, NULL, &err), 0);
    assert_true(d2 > d1);
    assert_int_equal(kd_store_alert_get(f.s, alert_id, &a, &err), 0);
    assert_int_equal(a.verdict, KD_VERDICT_TRUE_MATCH);
    assert_int_equal(a.decision_count, 2);
    kd_alert_free(&a);
    assert_int_equal(screen(&f, customers, 1, true, NULL), first);
    /* an allow-list entry for other content of the listing suppresses nothing */
    assert_int_equal(kd_store_allow(f.s, "c-1", "unsc-111639", "0000", true, "ana", "old listing", &err), 0);
    assert_int_equal(screen(&f, customers, 1, true, NULL), first);
    assert_int_equal(kd_store_allow(f.s, "c-1", "", "x", true, "ana", "", &err), KD_EUSAGE);
    fixture_close(&f);

    /* the database itself refuses to change a decision */
    sqlite3 *sq;
    assert_int_equal(sqlite3_open(db, &sq), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(sq, "UPDATE decisions SET verdict = 'escalate'", NULL, NULL, NULL), SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(sq), "append-only"));
    assert_int_not_equal(sqlite3_exec(sq, "DELETE FROM decisions", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(sq);
}

/* Conflicting decisions on one alert from several connections at once (as
 * from replicas): the allow-list always ends as the newest decision says,
 * and the newest decision repeated is one decision. */
typedef struct decider {
    const char *db;
    int64_t alert_id;
    int which;
    int failures;
} decider;

static void *decide_often(void *arg)
{
    decider *d = arg;
    kd_store *s = NULL;
    kd_error err = {0};
    if (kd_store_open(d->db, &s, &err)) {
        d->failures++;
        return NULL;
    }
    for (int round = 0; round < 15; round++) {
        char comment[64];
        snprintf(comment, sizeof comment, "worker %d round %d", d->which, round);
        kd_verdict v = (d->which + round) % 2 ? KD_VERDICT_FALSE_POSITIVE : KD_VERDICT_TRUE_MATCH;
        if (kd_store_decide(s, d->alert_id, v, "ana", comment, NULL, NULL, &err))
            d->failures++;
    }
    kd_store_close(s);
    return NULL;
}

/* The newest allow-list row of the pair says allowed (1), revoked or none (0). */
static int pair_allowed(const char *db, const char *customer, const char *entity)
{
    sqlite3 *sq;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(db, &sq), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(sq, "SELECT allowed FROM allow_list WHERE customer_id = ? AND entity_id = ? "
                                            "ORDER BY id DESC LIMIT 1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, customer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, entity, -1, SQLITE_STATIC);
    int allowed = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    sqlite3_close(sq);
    return allowed;
}

static void test_concurrent_decisions(void **state)
{
    (void)state;
    const char *db = fresh_db("store-race.db");
    fixture f;
    fixture_open(&f, db, un25);
    kd_error err = {0};
    assert_true(screen(&f, customers, 1, true, NULL) >= 1);
    kd_alert_list list;
    assert_int_equal(kd_store_alerts(f.s, NULL, &list, &err), 0);
    assert_true(list.n >= 1);
    int64_t alert_id = list.items[0].id;
    char customer[64], entity[64];
    snprintf(customer, sizeof customer, "%s", list.items[0].customer_id);
    snprintf(entity, sizeof entity, "%s", list.items[0].entity_id);
    kd_alert_list_free(&list);

    for (int trial = 0; trial < 4; trial++) {
        pthread_t t[4];
        decider d[4];
        for (int i = 0; i < 4; i++) {
            d[i] = (decider){db, alert_id, i + trial, 0};
            pthread_create(&t[i], NULL, decide_often, &d[i]);
        }
        for (int i = 0; i < 4; i++) {
            pthread_join(t[i], NULL);
            assert_int_equal(d[i].failures, 0);
        }
        kd_alert a;
        assert_int_equal(kd_store_alert_get(f.s, alert_id, &a, &err), 0);
        assert_int_equal(pair_allowed(db, customer, entity), a.verdict == KD_VERDICT_FALSE_POSITIVE);
        kd_alert_free(&a);
    }

    /* the newest decision again, three times: one decision, one allowance */
    int64_t first = 0, again = 0;
    bool repeated = true;
    assert_int_equal(kd_store_decide(f.s, alert_id, KD_VERDICT_FALSE_POSITIVE, "bo", "cleared", &first, &repeated,
                                     &err), 0);
    assert_false(repeated);
    kd_alert a;
    assert_int_equal(kd_store_alert_get(f.s, alert_id, &a, &err), 0);
    size_t decisions = a.decision_count;
    kd_alert_free(&a);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(kd_store_decide(f.s, alert_id, KD_VERDICT_FALSE_POSITIVE, "bo", "cleared", &again,
                                         &repeated, &err), 0);
        assert_true(repeated);
        assert_int_equal(again, first);
    }
    assert_int_equal(kd_store_alert_get(f.s, alert_id, &a, &err), 0);
    assert_int_equal(a.decision_count, decisions);
    kd_alert_free(&a);
    /* another reviewer agreeing is a decision of its own, but no second allowance */
    sqlite3 *sq;
    assert_int_equal(sqlite3_open(db, &sq), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(sq, "SELECT COUNT(*) FROM allow_list", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int rows = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(kd_store_decide(f.s, alert_id, KD_VERDICT_FALSE_POSITIVE, "cy", "agreed", &again, &repeated,
                                     &err), 0);
    assert_false(repeated);
    assert_int_equal(sqlite3_prepare_v2(sq, "SELECT COUNT(*) FROM allow_list", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), rows);
    sqlite3_finalize(st);
    sqlite3_close(sq);
    assert_true(pair_allowed(db, customer, entity));
    fixture_close(&f);
}

static void test_monitoring(void **state)
{
    (void)state;
    const char *db = fresh_db("store-monitor.db");
    kd_error err = {0};
    fixture f;
    fixture_open(&f, db, un25);
    kd_customer bad = {.name = "no id"};
    assert_int_equal(kd_store_monitor_add(f.s, &bad, 1, &err), KD_EUSAGE);
    kd_monitor_summary sum;
    assert_int_equal(kd_monitor_run(f.s, f.ix, f.m, 0, "test", NULL, NULL, &sum, &err), KD_EEMPTY);
    assert_int_equal(kd_store_monitor_add(f.s, customers, 3, &err), 0);
    assert_int_equal(kd_store_monitor_add(f.s, customers, 1, &err), 0); /* an update, not a duplicate */
    kd_customer_list cl;
    assert_int_equal(kd_store_monitor_list(f.s, &cl, &err), 0);
    assert_int_equal(cl.n, 3);
    kd_customer_list_free(&cl);
    assert_int_equal(kd_monitor_run(f.s, f.ix, f.m, 0, "test", NULL, NULL, &sum, &err), 0);
    assert_int_equal(sum.customers, 3);
    assert_true(sum.alerts >= 2 && sum.alerts == sum.matches);
    /* the same release again: nothing new */
    assert_int_equal(kd_monitor_run(f.s, f.ix, f.m, 0, "test", NULL, NULL, &sum, &err), 0);
    assert_int_equal(sum.alerts, 0);
    assert_int_equal(sum.suppressed, sum.matches);
    fixture_close(&f);
    /* the next release changed TANTOUSH's and CHERIZIER's listings (kordon
     * diff: country, address; notes): those hits alert again */
    fixture_open(&f, db, un26);
    assert_int_equal(kd_monitor_run(f.s, f.ix, f.m, 0, "test", NULL, NULL, &sum, &err), 0);
    kd_alert_list list;
    assert_int_equal(kd_store_alerts(f.s, NULL, &list, &err), 0);
    size_t changed = 0;
    for (size_t i = 0; i < list.n; i++)
        if (list.items[i].run_id == sum.run_id) {
            assert_string_equal(list.items[i].reason, "changed");
            const char *id = list.items[i].entity_id;
            if (strcmp(id, "unsc-111639") != 0 && strcmp(id, "unsc-6908911") != 0)
                fail_msg("alert on %s, whose listing did not change", id);
            changed++;
        }
    assert_int_equal(changed, 2);
    assert_int_equal(sum.alerts, 2);
    kd_alert_list_free(&list);
    fixture_close(&f);
}

typedef struct counter {
    size_t runs, alerts, decisions, other, stop_after;
    int stop_with;
} counter;

static int count_event(void *arg, const kd_audit_event *ev)
{
    counter *c = arg;
    if (strcmp(ev->kind, "run") == 0) {
        c->runs++;
        assert_non_null(strstr(ev->detail, "\"un_sc_sanctions\":\""));
        assert_string_equal(ev->actor, "test");
    } else if (strcmp(ev->kind, "alert") == 0) {
        c->alerts++;
        assert_non_null(ev->entity_hash);
    } else if (strcmp(ev->kind, "decision") == 0) {
        c->decisions++;
    } else {
        c->other++;
    }
    return c->stop_after && c->runs + c->alerts + c->decisions + c->other >= c->stop_after ? c->stop_with : 0;
}

/* Judgments on parties: append-only, the newest row of a pair its state,
 * the pair stored in one order whichever way it was named. */
static void test_judgments(void **state)
{
    (void)state;
    const char *path = fresh_db("store-judgments.db");
    kd_store *s;
    kd_error err = {0};
    assert_int_equal(kd_store_open(path, &s, &err), 0);
    int64_t id = 0;
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_SPLIT, "z-record", "a-record", "ada", "two people", &id, &err), 0);
    assert_true(id > 0);
    /* the same judgment again, a revoke of nothing, bad fields */
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_SPLIT, "a-record", "z-record", "ada", "again", NULL, &err),
                     KD_EUSAGE);
    assert_non_null(strstr(err.message, "already recorded"));
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_REVOKE, "a-record", "b-record", "ada", "r", NULL, &err),
                     KD_ENOTFOUND);
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_MERGE, "a-record", "a-record", "ada", "r", NULL, &err), KD_EUSAGE);
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_MERGE, "a-record", "b-record", "ada", "", NULL, &err), KD_EUSAGE);
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_MERGE, "a-record", "b-record", "", "r", NULL, &err), KD_EUSAGE);
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_MERGE, "a-record", "b\xff", "ada", "r", NULL, &err), KD_EUTF8);
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_MERGE, "a-record", "b-record", "bea", "one party", NULL, &err), 0);
    kd_judgment_list l;
    assert_int_equal(kd_store_judgments(s, true, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].kind, KD_JUDGMENT_SPLIT);
    assert_string_equal(l.items[0].record_a, "a-record");
    assert_string_equal(l.items[0].record_b, "z-record");
    kd_party_judgment *build = NULL;
    assert_int_equal(kd_judgments_for_build(&l, &build, &err), 0);
    assert_int_equal(build[1].kind, KD_PARTY_MERGE);
    assert_non_null(strstr(build[1].note, "by bea on "));
    assert_non_null(strstr(build[1].note, "one party"));
    free(build);
    kd_judgment_list_free(&l);
    /* revoked, the split no longer stands; every row is still there */
    assert_int_equal(kd_store_judge(s, KD_JUDGMENT_REVOKE, "a-record", "z-record", "ada", "one after all", NULL, &err),
                     0);
    assert_int_equal(kd_store_judgments(s, true, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].kind, KD_JUDGMENT_MERGE);
    kd_judgment_list_free(&l);
    assert_int_equal(kd_store_judgments(s, false, &l, &err), 0);
    assert_int_equal(l.n, 3);
    kd_judgment_list_free(&l);
    kd_store_close(s);
    /* append-only in the database itself */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM party_judgments", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE party_judgments SET kind = 'merge'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_audit(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, fresh_db("store-audit.db"), un25);
    kd_error err = {0};
    size_t alerts = screen(&f, customers, 3, true, NULL);
    screen(&f, customers, 3, false, NULL); /* aborted: not in the record */
    counter c = {0};
    assert_int_equal(kd_store_audit(f.s, NULL, NULL, count_event, &c, &err), 0);
    assert_int_equal(c.runs, 1);
    assert_int_equal(c.alerts, alerts);
    /* each case opened and each alert gathered into one: a case event */
    kd_case_list cases;
    assert_int_equal(kd_store_cases(f.s, NULL, &cases, &err), 0);
    assert_int_equal(c.other, alerts + cases.total);
    kd_case_list_free(&cases);
    counter none = {0};
    assert_int_equal(kd_store_audit(f.s, "2000-01-01", "2000-12-31", count_event, &none, &err), 0);
    assert_int_equal(none.runs + none.alerts, 0);
    counter stop = {.stop_after = 2, .stop_with = 7};
    assert_int_equal(kd_store_audit(f.s, NULL, NULL, count_event, &stop, &err), 7);
    assert_int_equal(stop.runs + stop.alerts, 2);
    counter stop1 = {.stop_after = 1, .stop_with = 1};
    assert_int_equal(kd_store_audit(f.s, NULL, NULL, count_event, &stop1, &err), 1);
    assert_int_equal(stop1.runs, 1); /* the run comes before its alerts */
    /* the export writes one line per event */
    FILE *out = tmpfile();
    size_t n = 0;
    assert_int_equal(kd_store_audit_export(f.s, NULL, NULL, KD_AUDIT_JSONL, out, &n, &err), 0);
    assert_int_equal(n, 1 + alerts + c.other);
    assert_int_equal(ftell(out) > 0, 1);
    fclose(out);
    fixture_close(&f);
}

/* Answers kept for Idempotency-Key retries expire; the first put of a
 * handle deletes what is older than it keeps, later puts once a minute. */
static void test_kept_answers_expire(void **state)
{
    (void)state;
    const char *path = fresh_db("store-answers.db");
    kd_store *s;
    kd_error err = {0};
    assert_int_equal(kd_store_open(path, &s, &err), 0);
    assert_int_equal(kd_store_answer_put(s, "match:a", "h1", 200, "application/json", "{\"a\":1}", &err), 0);
    assert_int_equal(kd_store_answer_put(s, "match:a", "h1", 200, "application/json", "{}", &err), KD_EUSAGE);
    kd_kept_answer kept;
    assert_int_equal(kd_store_answer_get(s, "match:a", "h1", &kept, &err), 0);
    assert_string_equal(kept.body, "{\"a\":1}");
    assert_false(kept.other_request);
    free(kept.body);
    /* nothing before 2000; everything before 2100 */
    size_t deleted = 99;
    assert_int_equal(kd_store_answers_expire(s, "2000-01-01T00:00:00.000Z", &deleted, &err), 0);
    assert_int_equal(deleted, 0);
    assert_int_equal(kd_store_answers_expire(s, "2100-01-01T00:00:00.000Z", &deleted, &err), 0);
    assert_int_equal(deleted, 1);
    assert_int_equal(kd_store_answer_get(s, "match:a", "h1", &kept, &err), KD_ENOTFOUND);
    /* the key may be used again once its answer is gone */
    assert_int_equal(kd_store_answer_put(s, "match:a", "h2", 200, "application/json", "{}", &err), 0);
    kd_store_close(s);

    /* a handle keeping answers one second deletes an older one at its first put */
    sleep(2);
    assert_int_equal(kd_store_open(path, &s, &err), 0);
    kd_store_keep_answers(s, 1);
    assert_int_equal(kd_store_answer_put(s, "match:b", "h3", 200, "application/json", "{}", &err), 0);
    assert_int_equal(kd_store_answer_get(s, "match:a", "h2", &kept, &err), KD_ENOTFOUND);
    assert_int_equal(kd_store_answer_get(s, "match:b", "h3", &kept, &err), 0);
    free(kept.body);
    /* kept for ever: nothing is deleted */
    kd_store_close(s);
    sleep(2);
    assert_int_equal(kd_store_open(path, &s, &err), 0);
    kd_store_keep_answers(s, 0);
    assert_int_equal(kd_store_answer_put(s, "match:c", "h4", 200, "application/json", "{}", &err), 0);
    assert_int_equal(kd_store_answer_get(s, "match:b", "h3", &kept, &err), 0);
    free(kept.body);
    kd_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_once),
        cmocka_unit_test(test_customer_query),
        cmocka_unit_test(test_index_versions_upgrade),
        cmocka_unit_test(test_entity_hash),
        cmocka_unit_test(test_runs_commit_whole),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_decisions_and_allow_list),
        cmocka_unit_test(test_concurrent_decisions),
        cmocka_unit_test(test_monitoring),
        cmocka_unit_test(test_judgments),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_kept_answers_expire),
    };
    return cmocka_run_group_tests(tests, build_indexes, NULL);
}
