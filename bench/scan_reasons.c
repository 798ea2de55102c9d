/* Text screening benchmark on the index of all lists.
 *
 * 1. Recall: every EU annex Person record whose reason names the person
 *    by the upper-case surname is scanned (scan_eval_reasons); prints the
 *    rate at which the record itself is found, and the misses by cause.
 *    Then every Cyrillic name of a listed person in a Russian sentence of
 *    its own (scan_eval_cyrillic): the rate at which the person is found,
 *    and the speed of such name-dense Russian text.
 * 2. Speed, in MB/s on one core:
 *    - news prose: the Baku article of the shared data, repeated to 4 MB
 *      and scanned as one text (names every few hundred bytes, as in news;
 *      from the second copy on, the per-text memory answers the windows);
 *    - news articles: the same bytes scanned one article at a time, each a
 *      new document (nothing remembered between them);
 *    - licence texts: the files of /usr/share/common-licenses (on Debian),
 *      each a new document: English prose without repeated names;
 *    - listing prose: every EU Person reason above, concatenated (a name
 *      in nearly every sentence: the worst case).
 *    Beside each, the naive way in the same run: every listed name (as the
 *    index romanised it) searched in the lower-cased text one by one.
 *
 * usage: bench_scan_reasons INDEX [ARTICLE]
 *        (ARTICLE defaults to $KORDON_SHARED_DATA/text/baku-russian-house.txt,
 *         or ../shared/data/text/... when the variable is unset) */
#include "kordon.h"
#include "index/index.h"
#include "core/core.h"
#include "scan/scan.h"
#include "scan_eval.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident memory of this process, KiB (Linux), 0 when unknown. */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = atol(line + 6);
    if (f)
        fclose(f);
    return kib;
}

static void print_miss(void *ctx, size_t entity, const char *reason, size_t at, size_t len,
                       scan_miss_cause cause, const kd_mention *m, size_t n)
{
    (void)m;
    (void)n;
    size_t *shown = ctx;
    if ((*shown)++ >= 40)
        return;
    size_t from = at > 30 ? at - 30 : 0;
    printf("  miss %-6zu %-9s …%.*s…\n", entity,
           cause == SCAN_MISS_LINKED ? "linked" : cause == SCAN_MISS_OTHER ? "other" :
           cause == SCAN_MISS_ALONE ? "alone" : "named", (int)(at + len + 20 - from), reason + from);
}

/* MB/s of kd_scan over the whole text, best of three. */
static double scan_speed(kd_scanner *s, const buf *text, size_t *mentions)
{
    double best = 0;
    for (int run = 0; run < 3; run++) {
        kd_mention *m;
        size_t n;
        kd_error err;
        double t = now();
        if (kd_scan(s, text->data, text->len, 0, &m, &n, &err)) {
            fprintf(stderr, "%s\n", err.message);
            exit(1);
        }
        double mbs = (double)text->len / 1e6 / (now() - t);
        best = mbs > best ? mbs : best;
        *mentions = n;
        kd_mentions_free(m, n);
    }
    return best;
}

/* MB/s of the naive search: strstr of every listed name in the first
 * 64 KB of the text, lower-cased (the whole text would take minutes). */
static double naive_speed(const kd_index *ix, const buf *text, size_t *found)
{
    size_t len = text->len < 65536 ? text->len : 65536;
    char *lower = malloc(len + 1);
    if (!lower)
        exit(1);
    for (size_t i = 0; i < len; i++)
        lower[i] = (char)tolower((unsigned char)text->data[i]);
    lower[len] = '\0';
    buf name = {0};
    size_t hits = 0;
    double t = now();
    for (size_t k = 0; k < ix->n_names; k++) {
        buf_clear(&name);
        for (uint16_t i = 0; i < ix->names[k].n_tokens; i++) {
            if (i)
                buf_append_char(&name, ' ');
            buf_append_str(&name, index_string(ix, ix->tokens[ix->names[k].tokens_first + i].surface));
        }
        if (name.len >= 4 && strstr(lower, name.data))
            hits++;
    }
    double mbs = (double)len / 1e6 / (now() - t);
    buf_free(&name);
    free(lower);
    *found = hits;
    return mbs;
}

typedef struct document {
    const char *text;
    size_t len;
} document;

/* MB/s of kd_scan over the documents, each scanned as a new text (nothing
 * of one text remembered for the next); *first: the first of the three
 * passes, best: returned. */
static double documents_speed(kd_scanner *s, const document *docs, size_t n, double *first)
{
    double best = 0;
    for (int run = 0; run < 3; run++) {
        double t = now();
        size_t bytes = 0;
        for (size_t i = 0; i < n; i++) {
            kd_mention *m;
            size_t nm;
            kd_error err;
            if (kd_scan(s, docs[i].text, docs[i].len, 0, &m, &nm, &err)) {
                fprintf(stderr, "%s\n", err.message);
                exit(1);
            }
            kd_mentions_free(m, nm);
            bytes += docs[i].len;
        }
        double mbs = (double)bytes / 1e6 / (now() - t);
        if (run == 0)
            *first = mbs;
        best = mbs > best ? mbs : best;
    }
    return best;
}

/* The regular files of a directory, read into all, as documents pointing
 * into it; NULL when the directory is missing (not a Debian machine). */
#define LICENCES "/usr/share/common-licenses"
static document *read_licences(const char *dir, buf *all, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t starts[256], lens[256];
    struct dirent *e;
    while ((e = readdir(d)) && *n < 256) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        FILE *f;
        if (e->d_name[0] == '.' || stat(path, &st) || !S_ISREG(st.st_mode) || !(f = fopen(path, "rb")))
            continue;
        starts[*n] = all->len;
        char chunk[65536];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_append(all, chunk, got);
        fclose(f);
        lens[*n] = all->len - starts[*n];
        (*n)++;
    }
    closedir(d);
    document *docs = calloc(*n ? *n : 1, sizeof *docs);
    for (size_t i = 0; docs && i < *n; i++)
        docs[i] = (document){all->data + starts[i], lens[i]};
    return docs;
}

static void report(const char *what, kd_scanner *s, const kd_index *ix, const buf *text)
{
    size_t mentions;
    double fast = scan_speed(s, text, &mentions);
    size_t naive_found;
    double naive = naive_speed(ix, text, &naive_found);
    printf("%-14s %8.2f MB/s kd_scan (%zu bytes, %zu mentions) | naive %.3f MB/s (%zu names in "
           "the first 64 KB) | ratio %.0fx\n",
           what, fast, text->len, mentions, naive, naive_found, fast / naive);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s INDEX [ARTICLE]\n", argv[0]);
        return 2;
    }
    char article[4096];
    if (argc == 3)
        snprintf(article, sizeof article, "%s", argv[2]);
    else
        snprintf(article, sizeof article, "%s/text/baku-russian-house.txt",
                 getenv("KORDON_SHARED_DATA") ? getenv("KORDON_SHARED_DATA") : "../shared/data");
    kd_index *ix;
    kd_scanner *s, *second;
    scan_tables *tables;
    kd_error err;
    if (kd_index_open(argv[1], &ix, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    /* the tables every scanner of the index shares, then two scanners on
     * them (what a server with two busy threads holds) */
    long rss0 = rss_kib();
    double t0 = now();
    if (scan_tables_new(ix, &tables, &err) || scan_scanner_new(tables, &s, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double setup = now() - t0;
    long rss1 = rss_kib();
    double t1 = now();
    if (scan_scanner_new(tables, &second, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double another = now() - t1;
    long rss2 = rss_kib();
    scan_tables_release(tables); /* the scanners hold their own references */
    printf("command: %s %s %s\n", argv[0], argv[1], article);
    /* figures from a loaded machine are not comparable: say how loaded */
    FILE *load = fopen("/proc/loadavg", "r");
    char loadavg[64] = "?";
    if (load) {
        if (!fgets(loadavg, sizeof loadavg, load))
            snprintf(loadavg, sizeof loadavg, "?");
        loadavg[strcspn(loadavg, "\n")] = '\0';
        fclose(load);
    }
    printf("load average: %s\n", loadavg);
    printf("index: %zu entities, %zu names; scanner ready in %.0f ms (+%ld MiB resident); "
           "another scanner on the same tables %.1f ms (+%.1f MiB)\n",
           ix->n_entities, ix->n_names, setup * 1e3, (rss1 - rss0) / 1024, another * 1e3,
           (double)(rss2 - rss1) / 1024.0);
    kd_scanner_free(second);

    /* recall */
    size_t shown = 0;
    scan_eval ev;
    if (scan_eval_reasons(s, ix, &ev, print_miss, &shown, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    printf("EU Person records whose reason names their upper-case surname: %zu\n", ev.tried);
    printf("own record among the listed hits: %zu (%.1f%%)\n", ev.found,
           ev.tried ? 100.0 * (double)ev.found / (double)ev.tried : 0.0);
    for (int c = 0; c < SCAN_MISS_COUNT; c++)
        printf("  %4zu misses: %s\n", ev.misses[c], scan_miss_cause_names[c]);

    /* the same in Russian: listed persons' Cyrillic names in a sentence each */
    scan_eval cy;
    double t_cy = now();
    if (scan_eval_cyrillic(s, ix, &cy, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    t_cy = now() - t_cy;
    printf("Cyrillic names of listed persons in a Russian sentence each: %zu of %zu found (%.1f%%), "
           "%.2f MB/s\n",
           cy.found, cy.tried, cy.tried ? 100.0 * (double)cy.found / (double)cy.tried : 0.0,
           (double)cy.bytes / 1e6 / t_cy);

    /* speed */
    buf news = {0}, reasons = {0};
    FILE *f = fopen(article, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", article);
        return 1;
    }
    char chunk[65536];
    size_t n;
    buf one = {0};
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&one, chunk, n);
    fclose(f);
    while (one.len && news.len < 4000000)
        buf_append(&news, one.data, one.len);
    for (size_t e = 0; e < ix->n_entities; e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        const char *reason = kd_entity_view_first(ix, &v, KD_PROP_REASON);
        if (v.schema == KD_SCHEMA_PERSON && strncmp(v.id, "eu-oj-", 6) == 0 && reason) {
            buf_append_str(&reasons, reason);
            buf_append_str(&reasons, "\n\n");
        }
    }
    report("news prose", s, ix, &news);
    /* the same bytes as separate documents: nothing remembered from one
     * copy to the next, the cost of a new article every time */
    size_t copies = one.len ? (4000000 + one.len - 1) / one.len : 0;
    document *articles = calloc(copies ? copies : 1, sizeof *articles);
    for (size_t i = 0; i < copies; i++)
        articles[i] = (document){one.data, one.len};
    double first;
    double best = documents_speed(s, articles, copies, &first);
    printf("%-14s %8.2f MB/s kd_scan, the article (%zu bytes) scanned as a new document each time\n",
           "news articles", best, one.len);
    free(articles);
    /* prose without repeats: Debian's licence texts, each file a document,
     * on a scanner of its own, so that its first pass shows the cost with
     * nothing learnt from earlier texts (the scanner keeps facts of the
     * index it looked up, such as the key of a word, from text to text) */
    buf licences = {0};
    size_t n_licences = 0;
    document *docs = read_licences(LICENCES, &licences, &n_licences);
    kd_scanner *fresh = NULL;
    if (docs && n_licences && !kd_scanner_new(ix, &fresh, &err)) {
        best = documents_speed(fresh, docs, n_licences, &first);
        printf("%-14s %8.2f MB/s kd_scan (first pass on a new scanner %.2f MB/s), %zu files of %s "
               "(%zu bytes), each a new document\n",
               "licence texts", best, first, n_licences, LICENCES, licences.len);
    }
    kd_scanner_free(fresh);
    free(docs);
    buf_free(&licences);
    report("listing prose", s, ix, &reasons);
    /* Russian prose: the Baku story retold in Russian for this benchmark
     * (bench/texts/baku-ru.txt, next to this file), each copy a new text */
    char ru_path[4096];
    snprintf(ru_path, sizeof ru_path, "%s", __FILE__);
    char *slash = strrchr(ru_path, '/');
    snprintf(slash ? slash + 1 : ru_path, sizeof ru_path - (size_t)(slash ? slash + 1 - ru_path : 0),
             "texts/baku-ru.txt");
    buf ru = {0};
    FILE *rf = fopen(ru_path, "rb");
    while (rf && (n = fread(chunk, 1, sizeof chunk, rf)) > 0)
        buf_append(&ru, chunk, n);
    if (rf)
        fclose(rf);
    if (ru.len) {
        size_t ru_copies = (400000 + ru.len - 1) / ru.len;
        document *ru_docs = calloc(ru_copies, sizeof *ru_docs);
        for (size_t i = 0; ru_docs && i < ru_copies; i++)
            ru_docs[i] = (document){ru.data, ru.len};
        best = documents_speed(s, ru_docs, ru_copies, &first);
        printf("%-14s %8.2f MB/s kd_scan, a Russian article (%zu bytes, %s) scanned as a new "
               "document each time\n",
               "russian news", best, ru.len, "bench/texts/baku-ru.txt");
        free(ru_docs);
    }
    buf_free(&ru);
    buf_free(&one);
    buf_free(&news);
    buf_free(&reasons);
    kd_scanner_free(s);
    kd_index_close(ix);
    return 0;
}
