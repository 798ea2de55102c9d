/* Alias recall, the first dev set of issue 15: how well kordon finds a
 * listed party from one of its other names when the index knows only the
 * party's first name — as a customer file or a news article writes a name
 * the list gives under another spelling, script or form.
 *
 * From an index of the lists (kordon build), every record of the chosen
 * datasets (default: those whose name starts with "eu_") is written into a
 * second index with its first name only; every other name of the record
 * (name, alias, previous name; not weak aliases) that differs from it is
 * then a query, with the record's schema. A query is
 *   - matched when the record is among the results at the default
 *     threshold (what screening would alert on),
 *   - first when the record is ranked first whatever its score.
 * Queries are counted by script, by schema and by kind: "variant" when the
 * alias is the same name in another spelling or script (after ICU's
 * romanisation, every word of each side has a word of the other at
 * Jaro-Winkler >= 0.75), else "other" (nicknames, translations, other
 * names). The misses among variants are listed for study: tune to the
 * principles they show, not to them.
 *
 * With PROSE=1 the same aliases are written into a sentence of news
 * prose ("Officials said on Monday that Sergei Kovalenko had met ...",
 * capitals as prose writes them, "SURNAME, Given" turned round) and
 * scanned (kd_scan, default threshold) against the same index: matched
 * when the record is among the listed mentions. Text recall of names the
 * lists write otherwise, as unseen regimes' reasons and news write them.
 *
 * usage: bench_alias_recall INDEX [DATASET_PREFIX] [MISSES_TO_SHOW] */
#include "kordon.h"
#include "first_names.h"
#include "index/index.h"
#include "match/match.h"
#include "model/model.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *script_of(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80 || (*p & 0xC0) == 0x80)
            continue;
        unsigned cp = (*p & 0xE0) == 0xC0   ? ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F)
                      : (*p & 0xF0) == 0xE0 ? ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) |
                                                  (p[2] & 0x3F)
                                            : 0x10000;
        if (cp < 0x370 || (cp >= 0x1E00 && cp < 0x1F00) || (cp >= 0x2000 && cp < 0x2070))
            continue;
        if (cp >= 0x400 && cp < 0x530)
            return "cyrillic";
        if ((cp >= 0x600 && cp < 0x780) || (cp >= 0xFB50 && cp < 0xFF00))
            return "arabic";
        if (cp >= 0x370 && cp < 0x400)
            return "greek";
        if (cp >= 0x3400 && cp < 0xA000)
            return "han";
        if (cp >= 0xAC00 && cp < 0xD7B0)
            return "hangul";
        return "other";
    }
    return "latin";
}

/* The first romanised form of a name, words separated by spaces. */
static void romanised(text_normaliser *tn, const char *name, char *out, size_t size)
{
    buf forms = {0};
    out[0] = '\0';
    if (text_name_forms(tn, name, strlen(name), &forms) > 0)
        snprintf(out, size, "%s", forms.data);
    buf_free(&forms);
}

/* Every word of a has a word of b at Jaro-Winkler >= 0.75. */
static bool words_covered(const char *a, const char *b)
{
    int words = 0;
    for (const char *p = a; *p;) {
        size_t n = strcspn(p, " ");
        if (n) {
            words++;
            double best = 0;
            for (const char *q = b; *q;) {
                size_t m = strcspn(q, " ");
                if (m) {
                    double s = similarity_jaro_winkler(p, n, q, m);
                    best = s > best ? s : best;
                }
                q += m + (q[m] == ' ');
            }
            if (best < 0.75)
                return false;
        }
        p += n + (p[n] == ' ');
    }
    return words > 0;
}

typedef struct tally {
    char key[32];
    size_t queries, matched, first;
} tally;

static void count(tally *t, size_t *n, const char *key, bool matched, bool first)
{
    size_t i = 0;
    while (i < *n && strcmp(t[i].key, key) != 0)
        i++;
    if (i == *n) {
        snprintf(t[i].key, sizeof t[i].key, "%s", key);
        t[i].queries = t[i].matched = t[i].first = 0;
        (*n)++;
    }
    t[i].queries++;
    t[i].matched += matched;
    t[i].first += first;
}

static void print_tallies(const char *title, const tally *t, size_t n)
{
    printf("%-22s %8s %9s %8s\n", title, "queries", "matched", "first");
    for (size_t i = 0; i < n; i++)
        printf("  %-20s %8zu %8.1f%% %7.1f%%\n", t[i].key, t[i].queries,
               t[i].queries ? 100.0 * (double)t[i].matched / (double)t[i].queries : 0,
               t[i].queries ? 100.0 * (double)t[i].first / (double)t[i].queries : 0);
}

/* The name as news prose writes it: words in capitals get lower-case
 * letters after the first, "SURNAME, Given names" is turned round. */
static void as_prose(const char *name, char *out, size_t size)
{
    char turned[512];
    const char *comma = strchr(name, ',');
    if (comma && !strchr(comma + 1, ',')) {
        const char *given = comma + 1;
        while (*given == ' ')
            given++;
        snprintf(turned, sizeof turned, "%s %.*s", given, (int)(comma - name), name);
        name = turned;
    }
    size_t o = 0;
    bool word_start = true;
    for (const char *p = name; *p && o + 1 < size; p++) {
        char c = *p;
        if (!word_start && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        word_start = c == ' ' || c == '-' || c == '\'' || (unsigned char)c >= 0x80;
        out[o++] = c;
    }
    out[o] = '\0';
}

static bool alias_prop(kd_prop p)
{
    return p == KD_PROP_NAME || p == KD_PROP_ALIAS || p == KD_PROP_PREVIOUS_NAME;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_alias_recall INDEX [DATASET_PREFIX] [MISSES_TO_SHOW]\n");
        return 2;
    }
    const char *prefix = argc > 2 ? argv[2] : "eu_";
    int show = argc > 3 ? atoi(argv[3]) : 25;
    kd_error err = {0};
    kd_index *full;
    if (kd_index_open(argv[1], &full, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    /* the records of the chosen lists, each with its first name only */
    size_t records;
    kd_index *ix;
    kd_matcher *m;
    text_normaliser *tn;
    if (first_names_index(full, prefix, &ix, &records))
        return 1;
    if (kd_matcher_new(ix, &m, &err) || text_normaliser_new(&tn, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }

    bool prose = getenv("PROSE") && strcmp(getenv("PROSE"), "1") == 0;
    kd_scanner *scanner = NULL;
    if (prose && kd_scanner_new(ix, &scanner, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    tally by_script[16], by_schema[4], by_kind[8], all[1];
    size_t n_script = 0, n_schema = 0, n_kind = 0, n_all = 0, shown = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < kd_index_entity_count(ix); i++) {
        kd_entity_view listed, source;
        kd_index_entity(ix, i, &listed);
        int64_t at = kd_index_find(full, listed.id);
        if (at < 0)
            continue;
        kd_index_entity(full, (size_t)at, &source);
        const char *first = kd_entity_view_first(ix, &listed, KD_PROP_NAME);
        char first_roman[512];
        romanised(tn, first, first_roman, sizeof first_roman);
        for (uint32_t k = 0; k < source.n_values; k++) {
            kd_value_ref r = kd_entity_view_value(full, &source, k);
            if (!alias_prop(r.prop) || strcasecmp(r.value, first) == 0)
                continue;
            /* ONLY=TEXT: the aliases holding TEXT alone, each scan's mentions printed (PROSE=1) */
            if (getenv("ONLY") && !strstr(r.value, getenv("ONLY")))
                continue;
            kd_match_query q = {.name = r.value, .schema = (int)listed.schema, .limit = 5, .by_record = 1,
                                .explain_floor = 1.0};
            kd_match_result res[5];
            int n = 0;
            bool matched = false, top = false;
            if (prose) {
                char name[512], sentence[1024];
                as_prose(r.value, name, sizeof name);
                int len = snprintf(sentence, sizeof sentence,
                                   "Officials said on Monday that %s had met the delegation in the capital.", name);
                kd_mention *found = NULL;
                size_t n_found = 0;
                if (len <= 0 || (size_t)len >= sizeof sentence ||
                    kd_scan(scanner, sentence, (size_t)len, getenv("SCAN_THRESHOLD") ? atof(getenv("SCAN_THRESHOLD")) : 0, &found, &n_found, &err))
                    continue;
                for (size_t j = 0; j < n_found; j++) {
                    matched |= !found[j].linked && found[j].entity == i;
                    if (getenv("ONLY"))
                        printf("mention: \"%.*s\" %s %zu %.3f %s\n", (int)(found[j].end - found[j].start),
                               sentence + found[j].start, found[j].linked ? "linked" : "listed", found[j].entity,
                               found[j].score, found[j].explanation);
                }
                top = matched;
                kd_mentions_free(found, n_found);
                /* a miss shown with what kd_match makes of the name alone */
                if (!matched && show > 0 && (n = kd_match(m, &q, res, NULL, &err)) < 0)
                    n = 0;
            } else {
                n = kd_match(m, &q, res, NULL, &err);
                if (n < 0)
                    continue; /* a name kd_match refuses (over 1 KB): not a query */
                top = n > 0 && res[0].entity == i;
                for (int j = 0; j < n; j++)
                    matched |= res[j].entity == i && res[j].match;
            }
            char roman[512];
            romanised(tn, r.value, roman, sizeof roman);
            bool variant = words_covered(roman, first_roman) && words_covered(first_roman, roman);
            const char *script = script_of(r.value);
            bool person = listed.schema == KD_SCHEMA_PERSON;
            count(all, &n_all, "all", matched, top);
            count(by_script, &n_script, script, matched, top);
            count(by_schema, &n_schema, person ? "person" : "body/vessel", matched, top);
            count(by_kind, &n_kind, variant ? "variant" : "other", matched, top);
            if (variant) {
                char key[32];
                snprintf(key, sizeof key, "variant %s", script);
                count(by_kind, &n_kind, strcmp(script, "latin") == 0 || strcmp(script, "cyrillic") == 0 ||
                                                strcmp(script, "arabic") == 0
                                            ? key
                                            : "variant other",
                      matched, top);
            }
            /* SHOW=all lists every miss, not only the variants' */
            if ((variant || (getenv("SHOW") && strcmp(getenv("SHOW"), "all") == 0)) && !matched &&
                shown < (size_t)show) {
                double score = 0;
                const char *why = "";
                for (int j = 0; j < n; j++)
                    if (res[j].entity == i)
                        score = res[j].score, why = res[j].explanation;
                printf("miss: \"%s\" for \"%s\" (%s, %s): %s\n", r.value, first, listed.id,
                       kd_schema_name(listed.schema),
                       score > 0 ? "scored under the threshold" : "not among the 5 results");
                if (score > 0)
                    printf("      %.3f %s\n", score, why);
                shown++;
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (prose)
        printf("\nin prose (PROSE=1: each alias in a sentence, kd_scan at its default threshold; matched = "
               "a listed mention of the record)");
    printf("\nalias recall: %zu records of the lists \"%s*\", indexed by their first name; each other name queried "
           "(threshold %.2f, limit 5)\n\n",
           records, prefix, KD_MATCH_THRESHOLD);
    print_tallies("", all, n_all);
    print_tallies("by kind", by_kind, n_kind);
    print_tallies("by script", by_script, n_script);
    print_tallies("by schema", by_schema, n_schema);
    printf("\n%zu queries in %.2f s (%.0f µs a query)\n", all[0].queries, seconds,
           all[0].queries ? seconds * 1e6 / (double)all[0].queries : 0);
    printf("reproduce: %s %s %s\n", argv[0], argv[1], prefix);
    text_normaliser_free(tn);
    kd_scanner_free(scanner);
    kd_matcher_free(m);
    kd_index_close(ix);
    kd_index_close(full);
    return 0;
}
