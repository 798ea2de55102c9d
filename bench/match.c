/* Name matching benchmark: latency of kd_match per name (p50/p99), batch
 * throughput on 1 and 2 threads, candidates per query, and a brute-force
 * baseline run in the same process on the same queries — Jaro-Winkler of
 * the query against every listed name, as moov-io Watchman screens — with
 * the speed ratio and both recalls on the labelled positives.
 *
 * Recall and false positives are broken down by the script of the query
 * and by schema, for any labelled CSV (see load()).
 *
 * usage: bench_match INDEX POSITIVES.csv NEGATIVES.csv...   (SHOW=misses prints each miss and false positive) */
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
    char *name, *dob, *country, *expected;
    int schema;
    bool positive;
} query;

/* The script a name is written in, from its first letter outside ASCII. */
static const char *script_of(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        if (*p < 0x80 || (*p & 0xC0) == 0x80)
            continue; /* ASCII, or the middle of a character already read */
        unsigned cp = 0;
        if ((*p & 0xE0) == 0xC0)
            cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        else if ((*p & 0xF0) == 0xE0)
            cp = ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        else
            return "other";
        if (cp < 0x370 || (cp >= 0x1E00 && cp < 0x1F00))
            continue; /* Latin letters, diacritics, combining marks: look further */
        if (cp >= 0x370 && cp < 0x400) return "greek";
        if (cp >= 0x400 && cp < 0x530) return "cyrillic";
        if (cp >= 0x590 && cp < 0x600) return "hebrew";
        if ((cp >= 0x600 && cp < 0x780) || (cp >= 0xFB50 && cp < 0xFF00)) return "arabic";
        if (cp >= 0x900 && cp < 0x980) return "devanagari";
        if (cp >= 0xE00 && cp < 0xE80) return "thai";
        if (cp >= 0x3040 && cp < 0x3100) return "kana";
        if ((cp >= 0x3400 && cp < 0xA000)) return "han";
        if ((cp >= 0xAC00 && cp < 0xD7B0) || (cp >= 0x1100 && cp < 0x1200)) return "hangul";
        if (cp >= 0x2000 && cp < 0x2070) continue; /* punctuation such as ‘ */
        return "other";
    }
    for (p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80)
            return "latin";
    return "latin-ascii";
}

typedef struct tally {
    const char *key;
    size_t pos, found, neg, false_pos;
    double micros;
} tally;

static tally *tally_for(tally *t, size_t *n, const char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(t[i].key, key) == 0)
            return &t[i];
    t[*n] = (tally){key, 0, 0, 0, 0, 0};
    return &t[(*n)++];
}

static void print_tallies(const char *title, tally *t, size_t n)
{
    printf("%-12s %9s %8s %9s %8s %10s\n", title, "positives", "recall", "negatives", "FP rate",
           "mean us");
    for (size_t i = 0; i < n; i++)
        printf("%-12s %9zu %7.1f%% %9zu %7.2f%% %10.1f\n", t[i].key, t[i].pos,
               t[i].pos ? 100.0 * (double)t[i].found / (double)t[i].pos : 0.0, t[i].neg,
               t[i].neg ? 100.0 * (double)t[i].false_pos / (double)t[i].neg : 0.0,
               t[i].micros / (double)(t[i].pos + t[i].neg));
}

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

/* Loads a labelled CSV by its header: full_name (or name), date_of_birth,
 * nationality, and, when present, schema and expected_id (the entity a
 * positive must find; without it, a UN entry must come first). */
static size_t load(const char *path, bool positive, query **qs, size_t n)
{
    csv_reader *r;
    kd_error err;
    if (csv_open(&r, path, ',', &err) || csv_next(r, &err) != 1) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        exit(1);
    }
    size_t col_name = SIZE_MAX, col_dob = SIZE_MAX, col_country = SIZE_MAX, col_schema = SIZE_MAX,
           col_expected = SIZE_MAX;
    for (size_t i = 0; i < csv_field_count(r); i++) {
        const char *h = csv_field(r, i, NULL);
        if (strcmp(h, "full_name") == 0 || (strcmp(h, "name") == 0 && col_name == SIZE_MAX))
            col_name = i;
        else if (strcmp(h, "date_of_birth") == 0 || strcmp(h, "birth_date") == 0)
            col_dob = i;
        else if (strcmp(h, "nationality") == 0 || strcmp(h, "country") == 0)
            col_country = i;
        else if (strcmp(h, "schema") == 0)
            col_schema = i;
        else if (strcmp(h, "expected_id") == 0)
            col_expected = i;
    }
    if (col_name == SIZE_MAX) {
        fprintf(stderr, "%s: no full_name or name column\n", path);
        exit(1);
    }
    while (csv_next(r, &err) == 1) {
        *qs = realloc(*qs, (n + 1) * sizeof **qs);
        const char *schema = csv_field(r, col_schema, NULL);
        int sc = *schema ? kd_schema_from_name(schema) : KD_SCHEMA_PERSON;
        const char *expected = csv_field(r, col_expected, NULL);
        (*qs)[n] = (query){strdup(csv_field(r, col_name, NULL)), strdup(csv_field(r, col_dob, NULL)),
                           strdup(csv_field(r, col_country, NULL)),
                           *expected ? strdup(expected) : NULL, sc < 0 ? -1 : sc, positive};
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

/* A positive is found when its expected entity (or, without one, a UN
 * entry) is among the best-scored results and matches. */
static bool found_expected(const kd_index *ix, const query *q, const kd_match_result *res, int k)
{
    for (int j = 0; j < k && res[j].score == res[0].score; j++) {
        if (!res[j].match)
            continue;
        kd_entity_view v;
        kd_index_entity(ix, res[j].entity, &v);
        if (q->expected ? strcmp(v.id, q->expected) == 0 : strncmp(v.id, "unsc-", 5) == 0)
            return true;
    }
    return false;
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
     * script on first use); the best of three after it is the figure: on a
     * shared virtual machine one pass can lose a third of its time to
     * neighbours, and the best pass is the one that did not. */
    b->elapsed = 0;
    for (int pass = 0; pass < 4; pass++) {
        double start = now();
        for (size_t i = b->from; i < b->to; i++) {
            kd_match_query q = {.name = b->qs[i].name, .schema = b->qs[i].schema,
                                .birth_date = b->qs[i].dob, .country = b->qs[i].country};
            kd_match(m, &q, res, NULL, &err);
        }
        double took = now() - start;
        if (pass == 1 || (pass > 1 && took < b->elapsed))
            b->elapsed = took;
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
    bool show_misses = getenv("SHOW") && strcmp(getenv("SHOW"), "misses") == 0;
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
    tally by_script[16], by_schema[KD_SCHEMA_COUNT + 1];
    size_t n_script = 0, n_schema = 0;
    kd_match_result res[5];
    for (size_t i = 0; i < n; i++) {
        kd_match_query q = {.name = qs[i].name, .schema = qs[i].schema,
                            .birth_date = qs[i].dob, .country = qs[i].country};
        size_t cands = 0;
        double t = now();
        int k = kd_match(m, &q, res, &cands, &err);
        lat[i] = (now() - t) * 1e6;
        total_cands += cands;
        tally *ts = tally_for(by_script, &n_script, script_of(qs[i].name));
        tally *tc = tally_for(by_schema, &n_schema, qs[i].schema >= 0 ? kd_schema_name((kd_schema)qs[i].schema) : "any");
        ts->micros += lat[i];
        tc->micros += lat[i];
        if (qs[i].positive) {
            bool ok = k > 0 && found_expected(ix, &qs[i], res, k);
            found += ok;
            if (!ok && show_misses)
                printf("missed: \"%s\"%s\n", qs[i].name, k > 0 ? "" : " (no result)");
            ts->pos++, tc->pos++;
            ts->found += ok, tc->found += ok;
        } else {
            bool fp = k > 0 && res[0].match;
            false_pos += fp;
            if (fp && show_misses)
                printf("false positive: \"%s\" as \"%s\" %.3f\n", qs[i].name, res[0].matched_name, res[0].score);
            ts->neg++, tc->neg++;
            ts->false_pos += fp, tc->false_pos += fp;
        }
    }
    /* Candidate recall: is the expected entity among the scored candidates
     * at all (any score, best 100), separately from whether it wins. */
    size_t cand_found = 0;
    kd_match_result *wide = malloc(100 * sizeof *wide);
    for (size_t i = 0; i < n_pos; i++) {
        kd_match_query q = {.name = qs[i].name, .schema = qs[i].schema, .limit = 100};
        int k = kd_match(m, &q, wide, NULL, &err);
        for (int j = 0; j < k; j++) {
            kd_entity_view v;
            kd_index_entity(ix, wide[j].entity, &v);
            if (qs[i].expected ? strcmp(v.id, qs[i].expected) == 0 : strncmp(v.id, "unsc-", 5) == 0) {
                cand_found++;
                break;
            }
        }
    }
    free(wide);
    /* SLOWEST=N prints the N slowest queries of the first pass */
    if (getenv("SLOWEST")) {
        size_t show = (size_t)atoi(getenv("SLOWEST"));
        for (size_t s = 0; s < show && s < n; s++) {
            size_t worst = 0;
            for (size_t i = 1; i < n; i++)
                if (lat[i] > lat[worst])
                    worst = i;
            printf("slow: %8.1f us  \"%s\"\n", lat[worst], qs[worst].name);
            lat[worst] = -lat[worst]; /* shown; restored below */
        }
        for (size_t i = 0; i < n; i++)
            lat[i] = lat[i] < 0 ? -lat[i] : lat[i];
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
    /* BASELINE=0 leaves the baseline out (to profile kordon alone) */
    size_t sample = n_pos < 200 ? n_pos : 200, base_found = 0, kd_found_sample = 0;
    if (getenv("BASELINE") && strcmp(getenv("BASELINE"), "0") == 0)
        sample = 0;
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
        kd_match_query q = {.name = qs[qi].name, .schema = qs[qi].schema,
                            .birth_date = qs[qi].dob, .country = qs[qi].country};
        int k = kd_match(m, &q, res, NULL, &err);
        kd_found_sample += k > 0 && found_expected(ix, &qs[qi], res, k);
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
    printf("candidates: the expected entity is among the scored candidates for %zu/%zu positives\n",
           cand_found, n_pos);
    printf("accuracy: recall %.1f%% (%zu/%zu expected entity top with match), false positives %.2f%% (%zu/%zu)\n",
           100.0 * (double)found / (double)n_pos, found, n_pos,
           n > n_pos ? 100.0 * (double)false_pos / (double)(n - n_pos) : 0.0, false_pos, n - n_pos);
    if (sample) {
        printf("baseline: brute-force Jaro-Winkler over all names: %.0f us per name, recall %zu/%zu on a "
               "sample where kordon finds %zu/%zu\n", base_per_query, base_found, sample, kd_found_sample,
               sample);
        printf("ratio:    kordon is %.0fx faster than the baseline (mean latency)\n",
               base_per_query / (1e6 / tp1));
    } else {
        printf("baseline: left out (BASELINE=0)\n");
    }
    printf("peak RSS: %ld MiB\n\n", ru.ru_maxrss / 1024);
    print_tallies("script", by_script, n_script);
    print_tallies("schema", by_schema, n_schema);
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
