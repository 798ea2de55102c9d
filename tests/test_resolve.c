/* Parties across lists (resolve): the same person or body on several
 * lists is one party, with its evidence; records one list keeps apart stay
 * apart; records sharing an IMO or passport number end in one party. On
 * the index of all the shared lists. */
#include "testutil.h"
#include "resolve/resolve.h"

#include <stdio.h>
#include <string.h>

static kd_index *ix;
static resolve_result result;

static int setup(void **state)
{
    (void)state;
    ix = build_open_index("lists", "resolve-all.kdx");
    kd_error err = {0};
    if (resolve_run(ix, NULL, 0, &result, &err)) {
        fprintf(stderr, "resolve_run: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    resolve_result_free(&result);
    kd_index_close(ix);
    return 0;
}

static uint32_t party_of(const char *id)
{
    int64_t e = kd_index_find(ix, id);
    if (e < 0)
        fail_msg("no record %s in the index", id);
    return result.party[e];
}

static void assert_one_party(const char *a, const char *b)
{
    if (party_of(a) != party_of(b))
        fail_msg("%s and %s are not one party", a, b);
}

static void test_one_person_on_two_lists(void **state)
{
    (void)state;
    /* EU and Canada list Evgeny Primakov, born 1976-04-29 on both */
    assert_one_party("eu-oj-32014R0269-1426", "ca-sema-russia-1-part-1-1358");
    /* UN, EU and OFAC list Eric Badege */
    assert_one_party("unsc-6907993", "ofac-15718");
    assert_one_party("unsc-6907993", "eu-oj-32005R1183-1-I.a");
    /* the party is named by the highest authority's record */
    int64_t un = kd_index_find(ix, "unsc-6907993");
    assert_int_equal(party_of("ofac-15718"), (uint32_t)un);
}

/* Without two birth dates to compare: a name no other person of either
 * list bears and a country in common (Canada's record of Rotenberg gives
 * its Russia regime's country and no birth date, the EU's his birth place
 * in Leningrad); a regime of another country is no country in common. */
static void test_one_person_by_name_and_country(void **state)
{
    (void)state;
    assert_one_party("ca-sema-russia-1-part-1-40", "eu-oj-32014R0269-92-I.PERSONS");
    assert_one_party("ca-sema-russia-1-part-1-40", "ofac-16669");
    bool found = false;
    for (size_t i = 0; i < result.n_links && !found; i++) {
        const resolve_link *l = &result.links[i];
        found = l->kind == RESOLVE_PERSON_COUNTRY && strstr(l->detail, "no other person so named, country ") &&
                (l->a == (uint32_t)kd_index_find(ix, "ca-sema-russia-1-part-1-40") ||
                 l->b == (uint32_t)kd_index_find(ix, "ca-sema-russia-1-part-1-40"));
    }
    assert_true(found);
    /* the EU lists GILMUTDINOV under its Ukraine regime, Canada under Russia's */
    assert_int_not_equal(party_of("ca-sema-russia-1-part-1-203"), party_of("eu-oj-32014R0269-447-I.PERSONS"));
    /* Boris is not Arkady: a name that does not match is no link, whatever the country */
    assert_int_not_equal(party_of("ca-sema-russia-1-part-1-40"), party_of("ca-sema-russia-1-part-1-41"));
}

static void test_one_body_on_two_lists(void **state)
{
    (void)state;
    /* the EU's long official name and Canada's "Russotrudnichestvo", the
     * country from the EU record's address */
    assert_one_party("eu-oj-32014R0269-105", "ca-sema-russia-1-part-2-181");
}

static void test_one_list_two_people(void **state)
{
    (void)state;
    /* OFAC lists two ARELLANO FELIX brothers, born 1964 and 1956 */
    assert_int_not_equal(party_of("ofac-6706"), party_of("ofac-8234"));
    bool found = false;
    for (size_t i = 0; i < result.n_apart; i++) {
        kd_entity_view a, b;
        kd_index_entity(ix, result.apart[i].a, &a);
        kd_index_entity(ix, result.apart[i].b, &b);
        found |= (strcmp(a.id, "ofac-6706") == 0 && strcmp(b.id, "ofac-8234") == 0) ||
                 (strcmp(a.id, "ofac-8234") == 0 && strcmp(b.id, "ofac-6706") == 0);
    }
    assert_true(found);
    /* and nothing joined two records a list keeps apart */
    for (size_t i = 0; i < result.n_apart; i++)
        assert_int_not_equal(result.party[result.apart[i].a], result.party[result.apart[i].b]);
}

/* A list that names two bodies separately has listed two bodies: the UN's
 * Afghan Support Committee and Revival of Islamic Heritage Society stay
 * apart although one OFAC record bears names of both; while the EU's
 * regulations are lists of their own (the same company in the sectoral
 * and in the asset-freeze regulation may be one). */
static void test_one_list_two_bodies(void **state)
{
    (void)state;
    assert_int_not_equal(party_of("unsc-113226"), party_of("unsc-113994"));
    size_t refused = 0;
    for (size_t i = 0; i < result.n_refused; i++)
        refused += result.refused[i].refused == REFUSED_SAME_LIST;
    assert_true(refused > 0);
    /* a person listed twice by one list under two regimes is one person */
    assert_one_party("unsc-111944", "unsc-6908034");
    /* a birth date written with remarks in the EU's field still counts */
    assert_one_party("eu-oj-32014R0269-669-I.PERSONS", "ca-sema-russia-1-part-1-503");
}

static void test_documents_join(void **state)
{
    (void)state;
    fprintf(stderr, "resolve: %zu document pairs across lists, %zu in one party; %zu links, %zu parties\n",
            result.document_pairs, result.document_pairs_joined, result.n_links, result.parties);
    assert_true(result.document_pairs > 400);
    assert_true(result.document_pairs_joined * 100 >= result.document_pairs * 95);
}

static void test_every_link_has_evidence(void **state)
{
    (void)state;
    for (size_t i = 0; i < result.n_links; i++) {
        const resolve_link *l = &result.links[i];
        assert_true(l->detail[0] != '\0');
        assert_int_equal(l->refused, REFUSED_NONE);
        assert_int_equal(result.party[l->a], result.party[l->b]);
    }
    for (size_t i = 0; i < result.n_refused; i++)
        assert_int_not_equal(result.refused[i].refused, REFUSED_NONE);
}

static void test_build_stores_parties(void **state)
{
    (void)state;
    /* kd_build resolved the index this test opened: the parties are in it */
    for (size_t e = 0; e < kd_index_entity_count(ix); e++)
        assert_int_equal(kd_index_party(ix, e), result.party[e]);
    size_t per_dataset[64];
    assert_true(kd_index_dataset_count(ix) <= 64);
    size_t parties = kd_index_party_counts(ix, per_dataset);
    assert_int_equal(parties, result.parties);
    for (size_t d = 0; d < kd_index_dataset_count(ix); d++) {
        kd_dataset_info info;
        kd_index_dataset(ix, d, &info);
        assert_true(per_dataset[d] <= info.entity_count);
    }
    int64_t primakov = kd_index_find(ix, "ca-sema-russia-1-part-1-1358");
    assert_int_equal(kd_index_party(ix, (size_t)primakov), (size_t)kd_index_find(ix, "eu-oj-32014R0269-1426"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_person_on_two_lists),
        cmocka_unit_test(test_one_person_by_name_and_country),
        cmocka_unit_test(test_one_body_on_two_lists),
        cmocka_unit_test(test_one_list_two_people),
        cmocka_unit_test(test_one_list_two_bodies),
        cmocka_unit_test(test_documents_join),
        cmocka_unit_test(test_every_link_has_evidence),
        cmocka_unit_test(test_build_stores_parties),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
