/* Labelled name pairs and a calibration table, issue 15's second dev set:
 * how often the decision "match" at the threshold is right, and what share
 * of the pairs in each score band are the same party.
 *
 * Every record of the lists (persons, bodies, vessels, aircraft) is
 * written into a second index under its first name only. Then
 *   - positive pairs: each other name of a record (name, alias, previous
 *     name) against that record — kd_match_entity, the name score kordon
 *     gives a known pair, without candidate search;
 *   - negative pairs: each record's first name against the records of
 *     other parties kd_match ranks highest for it (up to 5 with a score of
 *     0.5 or more), when the records show them to be two: persons whose
 *     birth dates all conflict, bodies and vessels whose countries have
 *     none in common. These are the near misses screening meets; records
 *     of other parties without such evidence are left out (the same
 *     person on two lists without birth dates is no negative).
 * Printed: decisions right at the threshold (positives matched, negatives
 * not), by schema, and the calibration table: per score band, how many
 * pairs of each label and the share of true pairs.
 *
 * usage: [SHOW=neg|pos] bench_name_pairs INDEX */
#include "kordon.h"
#include "first_names.h"
#include "index/index.h"
#include "match/match.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BANDS 6 /* [0.5, 0.6) ... [0.9, 1.0], and under 0.5 */

typedef struct counts {
    size_t pos, pos_match, neg, neg_match;
    size_t band_pos[BANDS], band_neg[BANDS];
} counts;

static int band_of(double s)
{
    if (s < 0.5)
        return 0;
    int b = 1 + (int)((s - 0.5) * 10);
    return b >= BANDS ? BANDS - 1 : b;
}

static void count(counts *c, bool positive, double score)
{
    bool match = score >= KD_MATCH_THRESHOLD;
    if (positive) {
        c->pos++;
        c->pos_match += match;
        c->band_pos[band_of(score)]++;
    } else {
        c->neg++;
        c->neg_match += match;
        c->band_neg[band_of(score)]++;
    }
}

static void print_counts(const char *label, const counts *c)
{
    size_t right = c->pos_match + (c->neg - c->neg_match), all = c->pos + c->neg;
    printf("%-14s %7zu pairs, decisions right %5.1f%%: positives matched %5.1f%% of %zu, negatives matched "
           "%5.2f%% of %zu\n",
           label, all, all ? 100.0 * (double)right / (double)all : 0,
           c->pos ? 100.0 * (double)c->pos_match / (double)c->pos : 0, c->pos,
           c->neg ? 100.0 * (double)c->neg_match / (double)c->neg : 0, c->neg);
}

static bool country_prop(kd_prop p)
{
    return p == KD_PROP_COUNTRY || p == KD_PROP_NATIONALITY || p == KD_PROP_CITIZENSHIP || p == KD_PROP_JURISDICTION ||
           p == KD_PROP_FLAG;
}

/* Whether two records are shown to be two parties by their own values:
 * persons with birth dates on both sides that all conflict, others with
 * countries on both sides and none in common. */
static bool shown_apart(const kd_index *ix, size_t a, size_t b)
{
    kd_entity_view va, vb;
    kd_index_entity(ix, a, &va);
    kd_index_entity(ix, b, &vb);
    bool person = va.schema == KD_SCHEMA_PERSON;
    bool any_a = false, any_b = false;
    for (uint32_t i = 0; i < va.n_values; i++) {
        kd_value_ref x = kd_entity_view_value(ix, &va, i);
        if (person ? x.prop != KD_PROP_BIRTH_DATE : !country_prop(x.prop))
            continue;
        any_a = true;
        for (uint32_t j = 0; j < vb.n_values; j++) {
            kd_value_ref y = kd_entity_view_value(ix, &vb, j);
            if (person ? y.prop != KD_PROP_BIRTH_DATE : !country_prop(y.prop))
                continue;
            any_b = true;
            if (person ? match_compare_dates(x.value, y.value) != DATE_CONFLICT : strcmp(x.value, y.value) == 0)
                return false;
        }
    }
    return any_a && any_b;
}

static bool other_name(kd_prop p)
{
    return p == KD_PROP_NAME || p == KD_PROP_ALIAS || p == KD_PROP_PREVIOUS_NAME;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_name_pairs INDEX\n");
        return 2;
    }
    kd_error err = {0};
    kd_index *full;
    if (kd_index_open(argv[1], &full, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    size_t records;
    kd_index *ix;
    kd_matcher *m;
    if (first_names_index(full, "", &ix, &records))
        return 1;
    if (kd_matcher_new(ix, &m, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }

    /* SHOW=neg prints each negative pair matched at the threshold, with
     * its explanation, SHOW=pos every positive pair and its score: what
     * the calibration work reads */
    const char *show = getenv("SHOW");
    bool show_negatives = show && strcmp(show, "neg") == 0, show_positives = show && strcmp(show, "pos") == 0;
    counts all = {0}, persons = {0}, bodies = {0};
    for (size_t i = 0; i < kd_index_entity_count(ix); i++) {
        kd_entity_view listed, source;
        kd_index_entity(ix, i, &listed);
        int64_t at = kd_index_find(full, listed.id);
        if (at < 0)
            continue;
        kd_index_entity(full, (size_t)at, &source);
        counts *by = listed.schema == KD_SCHEMA_PERSON ? &persons : &bodies;
        const char *first = kd_entity_view_first(ix, &listed, KD_PROP_NAME);
        for (uint32_t k = 0; k < source.n_values; k++) {
            kd_value_ref r = kd_entity_view_value(full, &source, k);
            double score;
            if (!other_name(r.prop) || strcasecmp(r.value, first) == 0 ||
                kd_match_entity(m, r.value, i, &score, NULL))
                continue;
            count(&all, true, score);
            count(by, true, score);
            if (show_positives)
                printf("pos\t%.3f\t%s\t%s\n", score, r.value, first);
        }
        /* the parties nearest to this name that are not this record's */
        kd_match_query q = {.name = first, .schema = (int)listed.schema, .limit = 6, .by_record = 1,
                            .threshold = 0.5, .explain_floor = show_negatives ? 0.0 : 1.0};
        kd_match_result res[6];
        int n = kd_match(m, &q, res, NULL, NULL);
        size_t party = kd_index_party(full, (size_t)at);
        for (int j = 0, taken = 0; j < n && taken < 5; j++) {
            kd_entity_view other;
            kd_index_entity(ix, res[j].entity, &other);
            int64_t o = kd_index_find(full, other.id);
            if (res[j].entity == i || o < 0 || kd_index_party(full, (size_t)o) == party || res[j].name_score < 0.5 ||
                !shown_apart(full, (size_t)at, (size_t)o))
                continue;
            count(&all, false, res[j].name_score);
            count(by, false, res[j].name_score);
            if (show_negatives && res[j].name_score >= KD_MATCH_THRESHOLD)
                printf("neg\t%.3f\t%s\t%s\t%s\n", res[j].name_score, first,
                       kd_entity_view_first(ix, &other, KD_PROP_NAME), res[j].explanation);
            taken++;
        }
    }
    printf("labelled name pairs from the lists' own names (threshold %.2f)\n\n", KD_MATCH_THRESHOLD);
    print_counts("all", &all);
    print_counts("persons", &persons);
    print_counts("bodies", &bodies);
    printf("\ncalibration: name score band → pairs that are one party, pairs that are two, share of true pairs\n");
    static const char *const bands[BANDS] = {"< 0.50", "0.50-0.60", "0.60-0.70", "0.70-0.80", "0.80-0.90", ">= 0.90"};
    for (int k = 0; k < BANDS; k++) {
        size_t t = all.band_pos[k] + all.band_neg[k];
        printf("  %-10s %7zu %7zu   %5.1f%%\n", bands[k], all.band_pos[k], all.band_neg[k],
               t ? 100.0 * (double)all.band_pos[k] / (double)t : 0);
    }
    printf("(negatives are drawn only from 0.50 up: the band under it holds positives alone)\n");
    printf("reproduce: %s %s\n", argv[0], argv[1]);
    kd_matcher_free(m);
    kd_index_close(ix);
    kd_index_close(full);
    return 0;
}
