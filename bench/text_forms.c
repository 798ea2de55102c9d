/* Measures text_name_forms on every name of the real lists (ns per name,
 * ASCII and non-ASCII apart) and reports how lossy text_token_key is: how
 * many distinct list tokens share each key, with the worst keys listed.
 * usage: bench_text_forms LISTS_DIR [ROUNDS]   (prints its own command) */
#define _XOPEN_SOURCE 700 /* nftw */
#include "lists/lists.h"
#include "text/text.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct names {
    char **items;
    size_t n, cap;
} names;

static names all;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int keep(names *v, const char *s)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 1024;
        char **p = realloc(v->items, v->cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        v->items = p;
    }
    return (v->items[v->n++] = strdup(s)) ? KD_OK : KD_ENOMEM;
}

static int collect(void *ctx, const model_entity *e, kd_error *err)
{
    (void)ctx, (void)err;
    for (size_t i = 0; i < e->n_values; i++) {
        kd_prop p = e->values[i].prop;
        if ((p == KD_PROP_NAME || p == KD_PROP_ALIAS || p == KD_PROP_WEAK_ALIAS ||
             p == KD_PROP_PREVIOUS_NAME) &&
            keep(&all, entity_value_text(e, i)))
            return KD_ENOMEM;
    }
    return KD_OK;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)ftw;
    if (type != FTW_F)
        return 0;
    kd_error err = {0};
    list_format f = list_detect(path, &err);
    if (f == LIST_UNKNOWN || f == LIST_OFAC_PART)
        return 0;
    list_sink sink = {collect, NULL};
    if (list_parse(path, f, &sink, &err))
        fprintf(stderr, "%s: %s\n", path, err.message);
    return 0;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static void time_group(text_normaliser *tn, const names *v, int rounds, const char *label)
{
    if (v->n == 0)
        return;
    buf out = {0};
    size_t forms = 0, bytes = 0;
    for (size_t i = 0; i < v->n; i++)
        bytes += strlen(v->items[i]);
    for (size_t i = 0; i < v->n; i++) /* warm up: opens the ICU chains */
        text_name_forms(tn, v->items[i], strlen(v->items[i]), &out);
    double t0 = now_ns();
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < v->n; i++) {
            int c = text_name_forms(tn, v->items[i], strlen(v->items[i]), &out);
            forms += c > 0 ? (size_t)c : 0;
        }
    double t1 = now_ns();
    printf("%-30s %7zu names %5.1f bytes %8.0f ns/name  %.2f forms/name\n", label, v->n,
           (double)bytes / (double)v->n, (t1 - t0) / ((double)v->n * rounds),
           (double)forms / ((double)v->n * rounds));
    buf_free(&out);
}

/* Distinct tokens with their keys, in a string hash set. */
typedef struct tok {
    char *text, *key;
} tok;
typedef struct tokset {
    tok *slots;
    size_t cap, n;
} tokset;

static void tokset_add(tokset *s, const char *t, size_t len)
{
    if (s->n * 2 >= s->cap) {
        tokset old = *s;
        s->cap = old.cap ? old.cap * 2 : 1 << 16;
        s->slots = calloc(s->cap, sizeof *s->slots);
        s->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].text) {
                size_t h = hash_bytes(old.slots[i].text, strlen(old.slots[i].text)) & (s->cap - 1);
                while (s->slots[h].text)
                    h = (h + 1) & (s->cap - 1);
                s->slots[h] = old.slots[i];
                s->n++;
            }
        free(old.slots);
    }
    size_t h = hash_bytes(t, len) & (s->cap - 1);
    while (s->slots[h].text) {
        if (strlen(s->slots[h].text) == len && memcmp(s->slots[h].text, t, len) == 0)
            return;
        h = (h + 1) & (s->cap - 1);
    }
    s->slots[h].text = strndup(t, len);
    char key[TEXT_KEY_SIZE(64)];
    text_token_key(t, len, key, sizeof key);
    s->slots[h].key = strdup(key);
    s->n++;
}

static int by_key(const void *a, const void *b)
{
    const tok *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->text, y->text);
}

typedef struct group {
    size_t first, count;
} group;

static int by_count(const void *a, const void *b)
{
    const group *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

static void key_stats(text_normaliser *tn)
{
    tokset set = {0};
    buf out = {0};
    for (size_t i = 0; i < all.n; i++) {
        if (text_name_forms(tn, all.items[i], strlen(all.items[i]), &out) <= 0)
            continue;
        for (size_t k = 0; k < out.len; k += strlen(out.data + k) + 1) {
            const char *f = out.data + k;
            while (*f) {
                size_t l = strcspn(f, " ");
                if (text_token_class_of(f, l) == TEXT_TOKEN_NAME && l <= 64)
                    tokset_add(&set, f, l);
                f += l + (f[l] == ' ');
            }
        }
    }
    tok *v = malloc(set.n * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < set.cap; i++)
        if (set.slots[i].text)
            v[n++] = set.slots[i];
    qsort(v, n, sizeof *v, by_key);
    group *g = malloc((n + 1) * sizeof *g);
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(v[i].key, v[i - 1].key) != 0)
            g[ng++] = (group){i, 0};
        g[ng - 1].count++;
    }
    size_t over10 = 0, in_over10 = 0, singles = 0;
    double sq = 0;
    for (size_t i = 0; i < ng; i++) {
        sq += (double)g[i].count * (double)g[i].count;
        singles += g[i].count == 1;
        if (g[i].count >= 10)
            over10++, in_over10 += g[i].count;
    }
    printf("\nkeys: %zu distinct name tokens → %zu keys (%.2f tokens/key); %zu keys hold one token;\n"
           "      %zu keys hold >= 10 tokens (%zu tokens, %.1f%%); a token shares its key with\n"
           "      %.1f distinct tokens on average\nworst keys:\n",
           n, ng, (double)n / (double)ng, singles, over10, in_over10,
           100.0 * (double)in_over10 / (double)n, sq / (double)n);
    qsort(g, ng, sizeof *g, by_count);
    for (size_t i = 0; i < ng && i < 15; i++) {
        printf("  %-10s %4zu:", v[g[i].first].key, g[i].count);
        for (size_t k = 0; k < g[i].count && k < 12; k++)
            printf(" %s", v[g[i].first + k].text);
        printf("\n");
    }
    for (size_t i = 0; i < set.cap; i++)
        if (set.slots[i].text) {
            free(set.slots[i].text);
            free(set.slots[i].key);
        }
    free(set.slots);
    free(v);
    free(g);
    buf_free(&out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s LISTS_DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (rounds < 1)
        rounds = 1;
    printf("command: %s %s %d\n", argv[0], argv[1], rounds);
    nftw(argv[1], visit, 16, FTW_PHYS);
    names ascii = {0}, other = {0}, cyr = {0};
    for (size_t i = 0; i < all.n; i++) {
        const char *s = all.items[i];
        names *v = is_ascii(s) ? &ascii : strstr(s, "\xd0") || strstr(s, "\xd1") ? &cyr : &other;
        if (v->n == v->cap) {
            v->cap = v->cap ? v->cap * 2 : 1024;
            v->items = realloc(v->items, v->cap * sizeof *v->items);
        }
        v->items[v->n++] = all.items[i];
    }
    text_normaliser *tn;
    kd_error err = {0};
    double t0 = now_ns();
    if (text_normaliser_new(&tn, &err))
        return 1;
    buf out = {0};
    text_name_forms(tn, "Примаков", strlen("Примаков"), &out);
    printf("normaliser_new + first Cyrillic name (opens 2 chains): %.1f ms\n",
           (now_ns() - t0) / 1e6);
    buf_free(&out);
    static char *one[] = {"Yevgeny Alexandrovich PRIMAKOV", "Евгений Александрович ПРИМАКОВ",
                          "عبد الحي سالك", "Ilham Heydər oğlu Əliyev"};
    for (size_t i = 0; i < KD_ARRAY_LEN(one); i++) {
        names v = {&one[i], 1, 1};
        time_group(tn, &v, rounds * 20000, one[i]);
    }
    time_group(tn, &ascii, rounds, "lists: ASCII");
    time_group(tn, &cyr, rounds, "lists: Cyrillic (often mixed)");
    time_group(tn, &other, rounds, "lists: other non-ASCII");
    key_stats(tn);
    text_normaliser_free(tn);
    for (size_t i = 0; i < all.n; i++)
        free(all.items[i]);
    free(all.items);
    free(ascii.items);
    free(cyr.items);
    free(other.items);
    return 0;
}
