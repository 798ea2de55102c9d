/* Name matching benchmark: latency of kd_match per name (p50/p99), batch
 * throughput on 1 and 2 threads, candidates per query, and a brute-force
 * baseline run in the same process on the same queries — Jaro-Winkler of
 * the query against every listed name, as moov-io Watchman screens — with
 * the speed ratio and both recalls on the labelled positives.
 *
 * usage: bench_match INDEX POSITIVES.csv NEGATIVES.csv... */
#include "kordon.h"
#include "index/index.h"
#include "lists/lists.h"
#include "match/match.h"
#include "text/text.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct query {
    char *name, *dob, *country;
    bool positive;
} query;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static size_t load(const char *path, bool positive, query **qs, size_t n)
{
    csv_reader *r;
    kd_error err;
    if (csv_open(&r, path, ',', &err)) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    csv_next(r, &err); /* header: full_name,...,date_of_birth,place_of_birth,nationality */
    while (csv_next(r, &err) == 1) {
        *qs = realloc(*qs, (n + 1) * sizeof **qs);
        (*qs)[n] = (query){strdup(csv_field(r, 0, NULL)), strdup(csv_field(r, 5, NULL)),
                           strdup(csv_field(r, 7, NULL)), positive};
        n++;
    }
    csv_close(r);
    return n;
}

static bool is_un(const kd_index *ix, size_t entity)
{
    kd_entity_view v;
    kd_index_entity(ix, entity, &v);
    return strncmp(v.id, "unsc-", 5) == 0;
}

typedef struct batch {
    const kd_index *ix;
    query *qs;
    size_t from, to;
    double elapsed;
} batch;

static void *run_batch(void *arg)
{
    batch *b = arg;
    kd_matcher *m;
    kd_error err;
    if (kd_matcher_new(b->ix, &m, &err))
        return NULL;
    kd_match_result res[5];
    /* The first pass warms the matcher (ICU opens a transliterator per
     * script on first use); the second is timed. */
    for (int pass = 0; pass < 2; pass++) {
        double start = now();
        for (size_t i = b->from; i < b->to; i++) {
            kd_match_query q = {.name = b->qs[i].name, .schema = KD_SCHEMA_PERSON,
                                .birth_date = b->qs[i].dob, .country = b->qs[i].country};
            kd_match(m, &q, res, NULL, &err);
        }
        b->elapsed = now() - start;
    }
    kd_matcher_free(m);
    return NULL;
}

static double throughput(const kd_index *ix, query *qs, size_t n, int threads)
{
    pthread_t t[8];
    batch b[8];
    for (int i = 0; i < threads; i++) {
        b[i] = (batch){ix, qs, n * (size_t)i / (size_t)threads, n * (size_t)(i + 1) / (size_t)threads, 0};
        pthread_create(&t[i], NULL, run_batch, &b[i]);
    }
    double slowest = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        if (b[i].elapsed > slowest)
            slowest = b[i].elapsed;
    }
    return (double)n / slowest;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s INDEX POSITIVES.csv [NEGATIVES.csv...]\n", argv[0]);
        return 2;
    }
    kd_index *ix;
    kd_error err;
    if (kd_index_open(argv[1], &ix, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    query *qs = NULL;
    size_t n = load(argv[2], true, &qs, 0), n_pos = n;
    for (int i = 3; i < argc; i++)
        n = load(argv[i], false, &qs, n);

    kd_matcher *m;
    if (kd_matcher_new(ix, &m, &err))
        return 1;
    double *lat = malloc(n * sizeof *lat);
    size_t total_cands = 0, found = 0, false_pos = 0;
    kd_match_result res[5];
    for (size_t i = 0; i < n; i++) {
        kd_match_query q = {.name = qs[i].name, .schema = KD_SCHEMA_PERSON,
                            .birth_date = qs[i].dob, .country = qs[i].country};
        size_t cands = 0;
        double t = now();
        int k = kd_match(m, &q, res, &cands, &err);
        lat[i] = (now() - t) * 1e6;
        total_cands += cands;
        if (qs[i].positive) {
            for (int j = 0; j < k && res[j].score == res[0].score; j++)
                if (res[j].match && is_un(ix, res[j].entity)) {
                    found++;
                    break;
                }
        } else if (k > 0 && res[0].match) {
            false_pos++;
        }
    }
    qsort(lat, n, sizeof *lat, cmp_double);
    double tp1 = throughput(ix, qs, n, 1), tp2 = throughput(ix, qs, n, 2);

    /* Baseline: every listed name as one normalised string, Jaro-Winkler
     * against the query's first romanised form, best per query. */
    size_t n_names = ix->n_names;
    char **names = malloc(n_names * sizeof *names);
    for (size_t i = 0; i < n_names; i++) {
        buf b = {0};
        for (uint16_t t = 0; t < ix->names[i].n_tokens; t++) {
            if (t)
                buf_append_char(&b, ' ');
            buf_append_str(&b, index_string(ix, ix->tokens[ix->names[i].tokens_first + t].surface));
        }
        names[i] = b.data ? b.data : strdup("");
    }
    text_normaliser *tn;
    text_normaliser_new(&tn, &err);
    size_t sample = n_pos < 200 ? n_pos : 200, base_found = 0, kd_found_sample = 0;
    buf forms = {0};
    double start = now();
    for (size_t i = 0; i < sample; i++) {
        size_t qi = i * n_pos / sample;
        buf_clear(&forms);
        if (text_name_forms(tn, qs[qi].name, strlen(qs[qi].name), &forms) <= 0)
            continue;
        double best = 0;
        bool best_un = false;
        size_t ql = strlen(forms.data);
        for (size_t k = 0; k < n_names; k++) {
            double s = similarity_jaro_winkler(forms.data, ql, names[k], strlen(names[k]));
            bool un = is_un(ix, ix->names[k].entity);
            if (s > best + 1e-9)
                best = s, best_un = un;
            else if (s > best - 1e-9)
                best_un |= un; /* a tie with the UN entry counts, as for kordon */
        }
        if (best >= 0.92 && best_un)
            base_found++;
    }
    double base_per_query = (now() - start) / (double)sample * 1e6;
    for (size_t i = 0; i < sample; i++) {
        size_t qi = i * n_pos / sample;
        kd_match_query q = {.name = qs[qi].name, .schema = KD_SCHEMA_PERSON,
                            .birth_date = qs[qi].dob, .country = qs[qi].country};
        int k = kd_match(m, &q, res, NULL, &err);
        for (int j = 0; j < k && res[j].score == res[0].score; j++)
            if (res[j].match && is_un(ix, res[j].entity)) {
                kd_found_sample++;
                break;
            }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double p50 = lat[n / 2], p99 = lat[(size_t)((double)n * 0.99)];
    printf("command: %s", argv[0]);
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\nqueries: %zu (%zu positives, %zu negatives), %zu listed names\n", n, n_pos, n - n_pos,
           n_names);
    printf("kordon:   p50 %.1f us, p99 %.1f us per name; %.0f names/s on 1 thread, %.0f on 2 (warm); "
           "%.1f candidates scored per query\n", p50, p99, tp1, tp2, (double)total_cands / (double)n);
    printf("accuracy: recall %.1f%% (%zu/%zu UN entry top with match), false positives %.2f%% (%zu/%zu)\n",
           100.0 * (double)found / (double)n_pos, found, n_pos,
           n > n_pos ? 100.0 * (double)false_pos / (double)(n - n_pos) : 0.0, false_pos, n - n_pos);
    printf("baseline: brute-force Jaro-Winkler over all names: %.0f us per name, recall %zu/%zu on a "
           "sample where kordon finds %zu/%zu\n", base_per_query, base_found, sample, kd_found_sample,
           sample);
    printf("ratio:    kordon is %.0fx faster than the baseline (mean latency)\n",
           base_per_query / (1e6 / tp1));
    printf("peak RSS: %ld MiB\n", ru.ru_maxrss / 1024);
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    buf_free(&forms);
    text_normaliser_free(tn);
    kd_matcher_free(m);
    free(lat);
    kd_index_close(ix);
    return 0;
}
