/* Hand-labelled name pairs (tests/data/name-pairs.tsv), issue 15's dev set
 * (b) beside bench_name_pairs: each pair's listed name is added to the
 * lists as a record of its own, so that word weights are those of the
 * real lists, then the query is scored against it (kd_match_entity, the
 * name score) and looked up (kd_match: is the record among the first ten
 * results?). Printed: decisions right at the threshold by kind of pair,
 * and every wrong one.
 *
 * usage: bench_labelled_pairs LISTS_DIR PAIRS.tsv */
#include "kordon.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct pair {
    int label;
    char *kind, *schema, *listed, *query;
} pair;

typedef struct tally {
    const char *kind;
    size_t pairs, right, found, positives;
} tally;

/* The fields of one line, cut in place; false for comments and blank or
 * short lines. */
static bool parse_line(char *line, pair *p)
{
    line[strcspn(line, "\r\n")] = '\0';
    if (!*line || *line == '#')
        return false;
    char *f[5];
    for (int i = 0; i < 5; i++) {
        f[i] = line;
        char *tab = strchr(line, '\t');
        if (!tab && i < 4)
            return false;
        if (tab)
            *tab = '\0', line = tab + 1;
    }
    *p = (pair){f[0][0] == '1', strdup(f[1]), strdup(f[2]), strdup(f[3]), strdup(f[4])};
    return p->kind && p->schema && p->listed && p->query;
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static tally *tally_for(tally *t, size_t *n, const char *kind)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(t[i].kind, kind) == 0)
            return &t[i];
    t[*n] = (tally){.kind = kind};
    return &t[(*n)++];
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_labelled_pairs LISTS_DIR PAIRS.tsv\n");
        return 2;
    }
    FILE *in = fopen(argv[2], "r");
    if (!in) {
        perror(argv[2]);
        return 1;
    }
    pair *pairs = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    while (getline(&line, &line_cap, in) > 0) {
        pair p;
        if (!parse_line(line, &p))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            pair *grown = realloc(pairs, cap * sizeof *pairs);
            if (!grown)
                return 1;
            pairs = grown;
        }
        pairs[n++] = p;
    }
    free(line);
    fclose(in);

    char dir[] = "/tmp/kordon-pairs-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char records[sizeof dir + 32], index[sizeof dir + 32];
    snprintf(records, sizeof records, "%s/pairs.ftm.json", dir);
    snprintf(index, sizeof index, "%s/pairs.kdx", dir);
    FILE *out = fopen(records, "w");
    if (!out)
        return 1;
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "{\"id\":\"pair-%zu\",\"schema\":", i);
        json_string(out, pairs[i].schema);
        fputs(",\"properties\":{\"name\":[", out);
        json_string(out, pairs[i].listed);
        fputs("]}}\n", out);
    }
    fclose(out);
    const char *sources[] = {argv[1], records};
    kd_build_options options = {.output = index};
    kd_error err = {0};
    kd_index *ix = NULL;
    kd_matcher *m = NULL;
    int rc = kd_build(sources, 2, &options, &err);
    if (!rc)
        rc = kd_index_open(index, &ix, &err);
    unlink(records);
    unlink(index);
    rmdir(dir);
    if (rc || kd_matcher_new(ix, &m, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }

    tally kinds[64], all = {.kind = "all"};
    size_t n_kinds = 0;
    printf("hand-labelled name pairs from %s (threshold %.2f)\n\n", argv[2], KD_MATCH_THRESHOLD);
    for (size_t i = 0; i < n; i++) {
        const pair *p = &pairs[i];
        char id[32];
        snprintf(id, sizeof id, "pair-%zu", i);
        int64_t at = kd_index_find(ix, id);
        double score = 0;
        if (at < 0 || kd_match_entity(m, p->query, (size_t)at, &score, &err)) {
            fprintf(stderr, "%s: %s\n", p->query, at < 0 ? "record missing" : err.message);
            continue;
        }
        kd_match_query q = {.name = p->query, .schema = kd_schema_from_name(p->schema), .limit = 10, .by_record = 1};
        kd_match_result res[10];
        int k = kd_match(m, &q, res, NULL, NULL);
        bool found = false;
        const char *why = "";
        for (int r = 0; r < k && !found; r++)
            if ((found = res[r].entity == (size_t)at))
                why = res[r].explanation;
        bool right = p->label == (score >= KD_MATCH_THRESHOLD);
        tally *t = n_kinds < 64 ? tally_for(kinds, &n_kinds, p->kind) : &all;
        for (tally *u = t; u; u = u == &all ? NULL : &all) {
            u->pairs++;
            u->right += right;
            u->positives += p->label;
            u->found += p->label && found;
        }
        if (!right || (p->label && !found))
            printf("wrong: %s %-18s %.3f  \"%s\" for \"%s\"%s%s%s\n", p->label ? "one" : "two", p->kind, score,
                   p->query, p->listed, p->label && !found ? " (not among the first 10 results)" : "",
                   *why ? "\n       " : "", why);
    }
    printf("\n%-18s %6s %8s %22s\n", "kind", "pairs", "right", "positives found");
    for (size_t i = 0; i <= n_kinds; i++) {
        const tally *t = i < n_kinds ? &kinds[i] : &all;
        printf("%-18s %6zu %7.1f%% %14zu of %zu\n", t->kind, t->pairs,
               t->pairs ? 100.0 * (double)t->right / (double)t->pairs : 0.0, t->found, t->positives);
    }
    printf("reproduce: %s %s %s\n", argv[0], argv[1], argv[2]);
    for (size_t i = 0; i < n; i++) {
        free(pairs[i].kind);
        free(pairs[i].schema);
        free(pairs[i].listed);
        free(pairs[i].query);
    }
    free(pairs);
    kd_matcher_free(m);
    kd_index_close(ix);
    return 0;
}
