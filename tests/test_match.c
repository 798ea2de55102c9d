/* Matching building blocks: string similarity, date evidence, schemata. */
#include "testutil.h"
#include "match/match.h"
#include "match/scoring.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double jw(const char *a, const char *b)
{
    return similarity_jaro_winkler(a, strlen(a), b, strlen(b));
}

static void test_jaro_winkler_published_values(void **state)
{
    (void)state;
    /* Winkler (1990)'s examples. */
    assert_true(fabs(jw("martha", "marhta") - 0.961) < 0.001);
    assert_true(fabs(jw("dwayne", "duane") - 0.840) < 0.001);
    assert_true(fabs(jw("dixon", "dicksonx") - 0.813) < 0.001);
    assert_true(jw("primakov", "primakov") == 1.0);
    assert_true(jw("abc", "xyz") == 0.0);
    assert_true(jw("", "") == 1.0);
    assert_true(jw("a", "") == 0.0);
}

static void test_levenshtein_with_limit(void **state)
{
    (void)state;
    assert_int_equal(text_edit_distance("kitten", 6, "sitting", 7, 5), 3);
    assert_int_equal(text_edit_distance("primakov", 8, "primakow", 8, 2), 1);
    /* over the limit: limit + 1, whatever the true distance */
    assert_int_equal(text_edit_distance("abcdef", 6, "uvwxyz", 6, 2), 3);
    assert_int_equal(text_edit_distance("a", 1, "abcdefgh", 8, 2), 3);
}

static void test_birth_dates(void **state)
{
    (void)state;
    assert_int_equal(match_compare_dates("1976-04-29", "1976-04-29"), DATE_EXACT);
    assert_int_equal(match_compare_dates("1976", "1976-04-29"), DATE_SAME_YEAR);
    assert_int_equal(match_compare_dates("1976-04-29", "1976"), DATE_SAME_YEAR);
    assert_int_equal(match_compare_dates("1976-05-29", "1976-04-29"), DATE_NEAR);
    assert_int_equal(match_compare_dates("1977", "1976-04-29"), DATE_NEAR);
    assert_int_equal(match_compare_dates("1980", "1976-04-29"), DATE_CONFLICT);
    /* ranges and circa dates from the lists */
    assert_int_equal(match_compare_dates("1961", "1960/1962"), DATE_SAME_YEAR);
    assert_int_equal(match_compare_dates("1970", "1960/1962"), DATE_CONFLICT);
    assert_int_equal(match_compare_dates("1956", "1955~"), DATE_SAME_YEAR);
    assert_int_equal(match_compare_dates("unknown", "1955"), DATE_UNKNOWN);
}

static void test_schema_compatibility(void **state)
{
    (void)state;
    assert_true(match_schema_compatible(KD_SCHEMA_PERSON, KD_SCHEMA_PERSON));
    assert_false(match_schema_compatible(KD_SCHEMA_PERSON, KD_SCHEMA_VESSEL));
    assert_false(match_schema_compatible(KD_SCHEMA_PERSON, KD_SCHEMA_ORGANIZATION));
    assert_true(match_schema_compatible(KD_SCHEMA_ORGANIZATION, KD_SCHEMA_LEGAL_ENTITY));
    assert_true(match_schema_compatible(KD_SCHEMA_COMPANY, KD_SCHEMA_ORGANIZATION));
    assert_true(match_schema_compatible(KD_SCHEMA_LEGAL_ENTITY, KD_SCHEMA_PERSON));
    assert_false(match_schema_compatible(KD_SCHEMA_LEGAL_ENTITY, KD_SCHEMA_VESSEL));
    assert_true(match_schema_compatible(KD_SCHEMA_VESSEL, KD_SCHEMA_VESSEL));
    assert_false(match_schema_compatible(KD_SCHEMA_VESSEL, KD_SCHEMA_AIRPLANE));
    assert_true(match_schema_compatible(-1, KD_SCHEMA_AIRPLANE));
}

/* On a small real index (the FtM test datasets): a listed name is found,
 * the explanation names the tokens, bad queries are refused. */
static void test_match_on_ftm_index(void **state)
{
    (void)state;
    kd_error err = {0};
    kd_index *ix = build_open_index("lists/ftm", "match-ftm.kdx");
    kd_matcher *m;
    assert_int_equal(kd_matcher_new(ix, &m, &err), 0);
    kd_match_result r[5];
    kd_match_query q = {.name = "Inter Tobacco LLC", .schema = KD_SCHEMA_ORGANIZATION};
    int n = kd_match(m, &q, r, NULL, &err);
    assert_true(n >= 1);
    kd_entity_view v;
    kd_index_entity(ix, r[0].entity, &v);
    assert_string_equal(v.id, "NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_true(r[0].match);
    assert_non_null(strstr(r[0].explanation, "tobacco=tobacco"));
    /* the same query as a person: organisations are never candidates */
    q.schema = KD_SCHEMA_PERSON;
    n = kd_match(m, &q, r, NULL, &err);
    for (int i = 0; i < n; i++) {
        kd_index_entity(ix, r[i].entity, &v);
        assert_int_equal(v.schema, KD_SCHEMA_PERSON);
    }
    q.name = "";
    assert_int_equal(kd_match(m, &q, r, NULL, &err), KD_EUSAGE);
    q.name = "\xc3\x28";
    assert_int_equal(kd_match(m, &q, r, NULL, &err), KD_EUTF8);

    /* one known entity: the score kd_match gives its name, and a low one
     * for a name it does not have */
    q.name = "Inter Tobacco LLC";
    q.schema = KD_SCHEMA_ORGANIZATION;
    assert_true(kd_match(m, &q, r, NULL, &err) >= 1);
    double score;
    assert_int_equal(kd_match_entity(m, "Inter Tobacco LLC", r[0].entity, &score, &err), 0);
    assert_true(score >= r[0].name_score - 1e-9);
    assert_int_equal(kd_match_entity(m, "Wilhelmina Bartholomew-Ngozi", r[0].entity, &score, &err), 0);
    assert_true(score < 0.5);
    assert_int_equal(kd_match_entity(m, "Inter Tobacco", kd_index_entity_count(ix), &score, &err), KD_ENOTFOUND);
    assert_int_equal(kd_match_entity(m, "\xc3\x28", r[0].entity, &score, &err), KD_EUTF8);
    kd_matcher_free(m);
    kd_index_close(ix);
}

/* A patronymic ending makes a patronymic only in context: not the first
 * word, in a name of three, one per name, and no male form beside a female
 * patronymic (there it is the surname). */
static void test_patronymics_in_context(void **state)
{
    (void)state;
    struct {
        const char *words[4];
        size_t n;
        bool want[4];
    } cases[] = {
        {{"vladimir", "vladimirovich", "putin"}, 3, {false, true, false}},
        {{"alena", "kanstantinauna", "kuntsevich"}, 3, {false, true, false}},
        {{"uladzimir", "uladzimiravich", "kuntsevich"}, 3, {false, true, false}},
        {{"kuntsevich", "alena", "kanstantinauna"}, 3, {false, false, true}},
        {{"alena", "kuntsevich"}, 2, {false, false}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t lens[4];
        bool got[4];
        for (size_t i = 0; i < cases[c].n; i++)
            lens[i] = strlen(cases[c].words[i]);
        match_patronymics(cases[c].words, lens, cases[c].n, true, got);
        for (size_t i = 0; i < cases[c].n; i++)
            if (got[i] != cases[c].want[i])
                fail_msg("case %zu word %s: %d", c, cases[c].words[i], got[i]);
    }
}

/* Identifiers compare on their letters and digits; remarks the lists
 * write beside a number in the same field are not part of it. */
/* A word read from Arabic script (a skeleton) against Latin spellings:
 * consonants in order, short vowels and doubled letters unwritten, long
 * vowels written. */
static void test_arabic_skeletons(void **state)
{
    (void)state;
#define WRITES(s, l) match_skeleton_writes(s, strlen(s), l, strlen(l))
    assert_true(WRITES("mhmd", "mohammad"));
    assert_true(WRITES("mhmd", "muhammed"));
    assert_true(WRITES("hsyn", "hossein"));     /* yeh as e */
    assert_true(WRITES("mwswy", "mousavi"));    /* waw as ou, then as v */
    assert_true(WRITES("sdyqy", "seddiqi"));    /* dd written once */
    assert_true(WRITES("fdl", "fazl"));         /* dad read as z (Persian) */
    assert_true(WRITES("qdwr", "kaddour"));     /* qaf as k */
    assert_true(WRITES("syd", "seyyed"));
    assert_true(WRITES("khald", "khalid"));
    assert_true(WRITES("mwsy", "musa"));        /* final yeh as a */
    assert_true(WRITES("abdalhy", "abdulhai")); /* the article's vowel */
    assert_true(WRITES("abdalrhmn", "abdurrahman")); /* al before a sun letter */
    assert_false(WRITES("mhmd", "mahmoud"));    /* ou is a waw the skeleton lacks */
    assert_false(WRITES("hmd", "ahmad"));       /* an initial vowel is alef */
    assert_false(WRITES("khald", "khaled" "x"));
    assert_false(WRITES("hsn", "husayn"));      /* ay is a yeh */
    assert_false(WRITES("khyry", "horae"));     /* a yeh is written */
    assert_true(WRITES("dawwd", "daoud"));      /* two waws, written once */
    assert_true(WRITES("khamnhay", "khamenei")); /* heh as a vowel */
    assert_true(WRITES("fatmh", "fatemeh"));
    assert_false(WRITES("tamar", "timur"));     /* alef is a */
    assert_false(WRITES("mhmd", "mhmd"));       /* two skeletons: spellings decide */
#undef WRITES
    assert_true(match_is_skeleton("mhmd", 4) && match_is_skeleton("khald", 5));
    assert_false(match_is_skeleton("mohammad", 8));
}

static void test_identifier_keys(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"AB 123-456", "AB123456"},
        {"290320764 (issued by the DPRK)", "290320764"},
        {"Yemen number 05274639, issued on 7.10.2013", "05274639"},
        {"IMO 9187629", "9187629"},
        {"12/SAKHANA(N)020199", "12SAKHANAN020199"},
        {"no. 12 34", "NO1234"},
        {"unknown", "UNKNOWN"},
        {"", ""},
    };
    char key[64];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        match_identifier_key(cases[i][0], key, sizeof key);
        assert_string_equal(key, cases[i][1]);
    }
    /* a key never overruns its buffer */
    assert_int_equal(match_identifier_key("1234567890", key, 5), 4);
    assert_string_equal(key, "1234");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jaro_winkler_published_values),
        cmocka_unit_test(test_levenshtein_with_limit),
        cmocka_unit_test(test_birth_dates),
        cmocka_unit_test(test_identifier_keys),
        cmocka_unit_test(test_arabic_skeletons),
        cmocka_unit_test(test_patronymics_in_context),
        cmocka_unit_test(test_schema_compatibility),
        cmocka_unit_test(test_match_on_ftm_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
