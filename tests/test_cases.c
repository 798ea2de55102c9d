/* Cases in the store, on SQLite with a real UN release: alerts gathered by
 * customer, the states and who may move a case between them, four eyes,
 * the history, paging through the queue, a case opened from a lookup.
 * tests/e2e_cases.sh drives the same through the server on SQLite and
 * PostgreSQL. */
#include "testutil.h"
#include "kordon/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char un25[4096];

typedef struct fixture {
    kd_store *s;
    kd_index *ix;
    kd_matcher *m;
    char db[4096];
} fixture;

static int build_index(void **state)
{
    (void)state;
    char src[4096];
    snprintf(src, sizeof src, "%s", data_path("versions/un-2025-04-19/consolidated.xml"));
    snprintf(un25, sizeof un25, "%s", tmp_path("cases-un25.kdx"));
    const char *srcs[] = {src};
    kd_build_options opts = {.output = un25};
    kd_error err = {0};
    if (kd_build(srcs, 1, &opts, &err)) {
        fprintf(stderr, "build failed: %s\n", err.message);
        return -1;
    }
    return 0;
}

static void fixture_open(fixture *f, const char *name)
{
    snprintf(f->db, sizeof f->db, "%s", tmp_path(name));
    unlink(f->db);
    char other[4200];
    snprintf(other, sizeof other, "%s-wal", f->db);
    unlink(other);
    kd_error err = {0};
    if (kd_index_open(un25, &f->ix, &err) || kd_matcher_new(f->ix, &f->m, &err) || kd_store_open(f->db, &f->s, &err))
        fail_msg("%s", err.message);
}

static void fixture_close(fixture *f)
{
    kd_store_close(f->s);
    kd_matcher_free(f->m);
    kd_index_close(f->ix);
}

/* One committed run of the customers; returns alerts raised. */
static int64_t last_run;

static size_t screen(fixture *f, const kd_customer *cs, size_t n, bool lookup)
{
    kd_error err = {0};
    kd_run_request req = {.kind = KD_RUN_SCREEN, .actor = "test", .source = "test_cases", .parameters = "{}",
                          .expected_inputs = n, .lookup = lookup};
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
    if (kd_store_run_commit(run, &last_run, &err))
        fail_msg("%s", err.message);
    return alerts;
}

static const kd_customer customers[] = {
    {.id = "c-1", .name = "IBRAHIM ALI ABU BAKR TANTOUSH"},
    {.id = "c-2", .name = "Jimmy Cherizier"},
    {.id = "c-3", .name = "Maria Schmidt-Oberländer"},
    {.name = "Jimmy Cherizier"}, /* no customer id: a case by name */
};

/* The case of a customer id (or of a name), 0 when none. */
static int64_t case_of(fixture *f, const char *customer_id, kd_case_list *all)
{
    kd_error err = {0};
    assert_int_equal(kd_store_cases(f->s, NULL, all, &err), 0);
    for (size_t i = 0; i < all->n; i++)
        if (customer_id ? all->items[i].customer_id && strcmp(all->items[i].customer_id, customer_id) == 0
                        : !all->items[i].customer_id)
            return all->items[i].id;
    return 0;
}

static kd_case_state act(fixture *f, int64_t id, kd_case_action_kind kind, const char *actor, kd_role role,
                         const char *comment, int expect)
{
    kd_error err = {0};
    kd_case_action a = {kind, actor, role, comment, NULL, KD_VERDICT_NONE};
    kd_case_state after = 0;
    int rc = kd_store_case_act(f->s, id, &a, &after, &err);
    if (rc != expect)
        fail_msg("%s by %s: %d (%s), expected %d", kd_case_action_name(kind), actor, rc, err.message, expect);
    return after;
}

static kd_case_state close_case(fixture *f, int64_t id, kd_verdict v, const char *actor, kd_role role, int expect,
                                kd_error *err)
{
    kd_case_action a = {KD_CASE_CLOSE, actor, role, "checked the birth date", NULL, v};
    kd_case_state after = 0;
    assert_int_equal(kd_store_case_act(f->s, id, &a, &after, err), expect);
    return after;
}

static void test_gathered_by_customer(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "cases-gather.db");
    size_t alerts = screen(&f, customers, 4, false);
    assert_true(alerts >= 3);
    kd_case_list all;
    int64_t c1 = case_of(&f, "c-1", &all);
    size_t total_alerts = 0;
    for (size_t i = 0; i < all.n; i++) {
        total_alerts += all.items[i].alert_count;
        assert_int_equal(all.items[i].state, KD_CASE_OPEN);
        assert_true(all.items[i].top_score >= 0.7);
    }
    assert_int_equal(total_alerts, alerts);
    assert_true(c1 > 0);
    /* Maria is nobody's: no case; the name-only input has its own */
    assert_int_equal(all.n, 3);
    kd_case_list_free(&all);
    assert_int_equal(case_of(&f, NULL, &all) > 0, 1);
    kd_case_list_free(&all);

    /* screened again: the alerts join the cases still open */
    size_t again = screen(&f, customers, 4, false);
    assert_int_equal(again, alerts);
    assert_int_equal(case_of(&f, "c-1", &all), c1);
    assert_int_equal(all.n, 3);
    total_alerts = 0;
    for (size_t i = 0; i < all.n; i++)
        total_alerts += all.items[i].alert_count;
    assert_int_equal(total_alerts, 2 * alerts);
    kd_case_list_free(&all);
    fixture_close(&f);
}

static void test_states_and_roles(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "cases-states.db");
    screen(&f, customers, 2, false);
    kd_case_list all;
    int64_t c1 = case_of(&f, "c-1", &all);
    kd_case_list_free(&all);
    kd_error err = {0};

    /* an analyst takes a case, not one for somebody else */
    kd_case_action give = {KD_CASE_ASSIGN, "ana", KD_ROLE_ANALYST, NULL, "bob", KD_VERDICT_NONE};
    assert_int_equal(kd_store_case_act(f.s, c1, &give, NULL, &err), KD_EUSAGE);
    assert_non_null(strstr(err.message, "supervisor"));
    assert_int_equal(act(&f, c1, KD_CASE_ASSIGN, "ana", KD_ROLE_ANALYST, NULL, 0), KD_CASE_IN_REVIEW);
    /* every action but assign and approve says why */
    act(&f, c1, KD_CASE_ESCALATE, "ana", KD_ROLE_ANALYST, "", KD_EUSAGE);
    assert_int_equal(act(&f, c1, KD_CASE_ESCALATE, "ana", KD_ROLE_ANALYST, "same birth year, ask", 0),
                     KD_CASE_ESCALATED);
    /* an escalated case is a supervisor's to close */
    close_case(&f, c1, KD_VERDICT_TRUE_MATCH, "ana", KD_ROLE_ANALYST, KD_EUSAGE, &err);
    assert_non_null(strstr(err.message, "escalated"));
    close_case(&f, c1, KD_VERDICT_ESCALATE, "sue", KD_ROLE_SUPERVISOR, KD_EUSAGE, &err);
    assert_int_equal(close_case(&f, c1, KD_VERDICT_TRUE_MATCH, "sue", KD_ROLE_SUPERVISOR, 0, &err), KD_CASE_CLOSED);
    /* closing decided every alert of it */
    json_t *c = NULL;
    assert_int_equal(kd_store_case_json(f.s, c1, &c, &err), 0);
    json_t *alerts = json_object_get(c, "alerts"), *a;
    size_t i;
    assert_true(json_array_size(alerts) >= 1);
    json_array_foreach(alerts, i, a)
    {
        assert_string_equal(json_string_value(json_object_get(a, "verdict")), "true-match");
        assert_int_equal(json_array_size(json_object_get(a, "decisions")), 1);
    }
    /* the history, in order, each with its user */
    const char *kinds[] = {"opened", "assign", "escalate", "close"};
    json_t *events = json_object_get(c, "events");
    size_t k = 0;
    json_array_foreach(events, i, a)
    {
        const char *kind = json_string_value(json_object_get(a, "kind"));
        if (strcmp(kind, "alert") == 0)
            continue;
        assert_true(k < 4);
        assert_string_equal(kind, kinds[k++]);
    }
    assert_int_equal(k, 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(events, json_array_size(events) - 1), "actor")),
                        "sue");
    /* the evidence: the list versions the run screened against */
    json_t *run = json_array_get(json_object_get(c, "runs"), 0);
    assert_non_null(run);
    assert_true(json_array_size(json_object_get(run, "datasets")) >= 1);
    json_decref(c);

    /* closed is closed, until a supervisor reopens it */
    act(&f, c1, KD_CASE_ESCALATE, "ana", KD_ROLE_ANALYST, "again", KD_EUSAGE);
    act(&f, c1, KD_CASE_REOPEN, "ana", KD_ROLE_ANALYST, "wrong person", KD_EUSAGE);
    assert_int_equal(act(&f, c1, KD_CASE_REOPEN, "sue", KD_ROLE_SUPERVISOR, "wrong person", 0), KD_CASE_IN_REVIEW);
    act(&f, 424242, KD_CASE_COMMENT, "ana", KD_ROLE_ANALYST, "x", KD_ENOTFOUND);
    kd_case_action nobody = {KD_CASE_COMMENT, "", KD_ROLE_ANALYST, "x", NULL, KD_VERDICT_NONE};
    assert_int_equal(kd_store_case_act(f.s, c1, &nobody, NULL, &err), KD_EUSAGE);
    fixture_close(&f);
}

static void test_four_eyes(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "cases-four-eyes.db");
    kd_error err = {0};
    assert_int_equal(kd_store_setting_set(f.s, "four_eyes_score", "1.5", "root", &err), KD_EUSAGE);
    assert_int_equal(kd_store_setting_set(f.s, "four_eyes", "0.8", "root", &err), KD_EUSAGE);
    assert_int_equal(kd_store_setting_set(f.s, "four_eyes_score", "0.8", "root", &err), 0);
    size_t raised = screen(&f, customers + 1, 1, false);
    assert_true(raised >= 1);
    kd_case_list all;
    int64_t c2 = case_of(&f, "c-2", &all);
    assert_true(all.items[0].top_score >= 0.8);
    kd_case_list_free(&all);

    /* a false positive that high is only proposed */
    assert_int_equal(close_case(&f, c2, KD_VERDICT_FALSE_POSITIVE, "ana", KD_ROLE_ANALYST, 0, &err),
                     KD_CASE_PENDING_APPROVAL);
    /* it waits for a supervisor, not for its proposer */
    kd_case_query waiting = {.awaiting = "sue", .awaiting_role = KD_ROLE_SUPERVISOR};
    assert_int_equal(kd_store_cases(f.s, &waiting, &all, &err), 0);
    assert_int_equal(all.n, 1);
    assert_int_equal(all.items[0].state, KD_CASE_PENDING_APPROVAL);
    assert_string_equal(all.items[0].proposed_by, "ana");
    kd_case_list_free(&all);
    waiting = (kd_case_query){.awaiting = "ana", .awaiting_role = KD_ROLE_SUPERVISOR};
    assert_int_equal(kd_store_cases(f.s, &waiting, &all, &err), 0);
    assert_int_equal(all.n, 0);
    kd_case_list_free(&all);
    act(&f, c2, KD_CASE_APPROVE, "ana", KD_ROLE_SUPERVISOR, NULL, KD_EUSAGE);
    act(&f, c2, KD_CASE_APPROVE, "bob", KD_ROLE_ANALYST, NULL, KD_EUSAGE);
    /* rejected, proposed again, approved */
    assert_int_equal(act(&f, c2, KD_CASE_REJECT, "sue", KD_ROLE_SUPERVISOR, "look at the address", 0),
                     KD_CASE_IN_REVIEW);
    assert_int_equal(close_case(&f, c2, KD_VERDICT_FALSE_POSITIVE, "ana", KD_ROLE_ANALYST, 0, &err),
                     KD_CASE_PENDING_APPROVAL);
    assert_int_equal(act(&f, c2, KD_CASE_APPROVE, "sue", KD_ROLE_SUPERVISOR, "agreed", 0), KD_CASE_CLOSED);
    json_t *c = NULL;
    assert_int_equal(kd_store_case_json(f.s, c2, &c, &err), 0);
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "false_positive");
    json_t *decision = json_array_get(json_object_get(json_array_get(json_object_get(c, "alerts"), 0), "decisions"), 0);
    assert_string_equal(json_string_value(json_object_get(decision, "reviewer")), "ana");
    assert_non_null(strstr(json_string_value(json_object_get(decision, "comment")), "approved by sue"));
    json_decref(c);
    /* the verdict holds: the customer screened again raises nothing */
    assert_int_equal(screen(&f, customers + 1, 1, false), 0);
    fixture_close(&f);
}

static void test_alert_decisions_settle(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "cases-settle.db");
    screen(&f, customers, 1, false);
    kd_case_list all;
    int64_t c1 = case_of(&f, "c-1", &all);
    kd_case_list_free(&all);
    kd_error err = {0};
    json_t *c = NULL;
    assert_int_equal(kd_store_case_json(f.s, c1, &c, &err), 0);
    json_t *alerts = json_object_get(c, "alerts"), *a;
    size_t i, n = json_array_size(alerts);
    json_array_foreach(alerts, i, a)
    {
        int64_t id = json_integer_value(json_object_get(a, "id"));
        assert_int_equal(kd_store_decide(f.s, id, KD_VERDICT_FALSE_POSITIVE, "ana", "other person", NULL, NULL, &err), 0);
        kd_case_list one;
        kd_case_query q = {.customer_id = "c-1"};
        assert_int_equal(kd_store_cases(f.s, &q, &one, &err), 0);
        assert_int_equal(one.items[0].state, i + 1 == n ? KD_CASE_CLOSED : KD_CASE_OPEN);
        kd_case_list_free(&one);
    }
    /* a closed case's verdict follows a corrected decision; an escalated
     * alert escalates its case */
    int64_t first = json_integer_value(json_object_get(json_array_get(alerts, 0), "id"));
    assert_int_equal(kd_store_decide(f.s, first, KD_VERDICT_TRUE_MATCH, "sue", "it is him after all", NULL, NULL, &err), 0);
    kd_case_list one;
    kd_case_query q = {.customer_id = "c-1"};
    assert_int_equal(kd_store_cases(f.s, &q, &one, &err), 0);
    assert_int_equal(one.items[0].state, KD_CASE_CLOSED);
    assert_string_equal(one.items[0].verdict, "true_match");
    kd_case_list_free(&one);
    assert_int_equal(kd_store_decide(f.s, first, KD_VERDICT_ESCALATE, "sue", "ask the MLRO", NULL, NULL, &err), 0);
    assert_int_equal(kd_store_cases(f.s, &q, &one, &err), 0);
    assert_int_equal(one.items[0].state, KD_CASE_ESCALATED);
    assert_null(one.items[0].verdict);
    kd_case_list_free(&one);
    json_decref(c);
    fixture_close(&f);
}

/* Every case exactly once over the pages, whatever the order. */
static void test_paging(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "cases-paging.db");
    kd_customer many[40];
    char ids[40][16];
    for (size_t i = 0; i < 40; i++) {
        snprintf(ids[i], sizeof ids[i], "p-%02zu", i);
        many[i] = (kd_customer){.id = ids[i], .name = i % 2 ? "Jimmy Cherizier" : "IBRAHIM ALI ABU BAKR TANTOUSH"};
    }
    screen(&f, many, 40, false);
    kd_error err = {0};
    for (int sort = KD_CASE_SORT_SCORE; sort <= KD_CASE_SORT_UPDATED; sort++) {
        bool seen[41] = {0};
        size_t count = 0, pages = 0;
        char cursor[96] = "";
        double last_score = 2;
        do {
            kd_case_query q = {.sort = (kd_case_sort)sort, .after = cursor, .limit = 7};
            kd_case_list page;
            assert_int_equal(kd_store_cases(f.s, &q, &page, &err), 0);
            assert_int_equal(page.total, 40);
            for (size_t i = 0; i < page.n; i++) {
                assert_true(page.items[i].id >= 1 && page.items[i].id <= 40);
                assert_false(seen[page.items[i].id]);
                seen[page.items[i].id] = true;
                if (sort == KD_CASE_SORT_SCORE) {
                    assert_true(page.items[i].top_score <= last_score);
                    last_score = page.items[i].top_score;
                }
                count++;
            }
            snprintf(cursor, sizeof cursor, "%s", page.next);
            kd_case_list_free(&page);
            pages++;
        } while (*cursor);
        assert_int_equal(count, 40);
        assert_int_equal(pages, 6);
    }
    /* filters */
    kd_case_query band = {.min_score = 0.7, .max_score = 1};
    kd_case_list list;
    assert_int_equal(kd_store_cases(f.s, &band, &list, &err), 0);
    assert_int_equal(list.total, 40);
    kd_case_list_free(&list);
    band = (kd_case_query){.min_score = 0.1, .max_score = 0.5};
    assert_int_equal(kd_store_cases(f.s, &band, &list, &err), 0);
    assert_int_equal(list.total, 0);
    kd_case_list_free(&list);
    kd_case_query un = {.dataset = "un_sc_sanctions", .states = 1u << KD_CASE_OPEN};
    assert_int_equal(kd_store_cases(f.s, &un, &list, &err), 0);
    assert_int_equal(list.total, 40);
    kd_case_list_free(&list);
    kd_case_query other = {.dataset = "un_sc", .states = 1u << KD_CASE_CLOSED};
    assert_int_equal(kd_store_cases(f.s, &other, &list, &err), 0);
    assert_int_equal(list.total, 0);
    kd_case_list_free(&list);
    kd_case_query bad = {.sort = KD_CASE_SORT_SCORE, .after = "abc"};
    assert_int_equal(kd_store_cases(f.s, &bad, &list, &err), KD_EUSAGE);
    fixture_close(&f);
}

/* A lookup raises nothing; a run the analyst records for a case opens it,
 * assigned to them. */
static void test_case_opened_by_hand(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "cases-by-hand.db");
    kd_error err = {0};
    assert_int_equal(screen(&f, customers + 3, 1, true), 0);
    int64_t lookup = last_run, id = 0;
    kd_case_list all;
    assert_int_equal(kd_store_cases(f.s, NULL, &all, &err), 0);
    assert_int_equal(all.n, 0);
    kd_case_list_free(&all);
    assert_int_equal(kd_store_case_open(f.s, lookup, "ana", "looks like him", &id, &err), KD_ENOTFOUND);
    assert_true(screen(&f, customers + 3, 1, false) > 0);
    assert_int_equal(kd_store_case_open(f.s, last_run, "ana", "", &id, &err), KD_EUSAGE);
    assert_int_equal(kd_store_case_open(f.s, last_run, "ana", "looks like him", &id, &err), 0);
    assert_true(id > 0);
    assert_int_equal(kd_store_cases(f.s, NULL, &all, &err), 0);
    assert_int_equal(all.n, 1);
    assert_string_equal(all.items[0].assignee, "ana");
    assert_int_equal(all.items[0].state, KD_CASE_IN_REVIEW);
    assert_string_equal(all.items[0].subject_name, "Jimmy Cherizier");
    kd_case_list_free(&all);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gathered_by_customer), cmocka_unit_test(test_states_and_roles),
        cmocka_unit_test(test_four_eyes),            cmocka_unit_test(test_alert_decisions_settle),
        cmocka_unit_test(test_paging),               cmocka_unit_test(test_case_opened_by_hand),
    };
    return cmocka_run_group_tests(tests, build_index, NULL);
}
