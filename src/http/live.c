/* The live index: reference-counted generations so that a reload never
 * fails a request. A request holds the generation it started with until its
 * response is sent; the server drops its own reference when it swaps, and
 * whoever drops the last one unmaps the file. Matchers and scanners hold
 * per-thread scratch memory bound to one index, so they are pooled per
 * generation and die with it; the scanners share the generation's tables
 * of names and reasons. */
#include "http_internal.h"
#include "scan/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int live_init(live *l, const char *path)
{
    memset(l, 0, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
    l->path = strdup(path);
    return l->path ? 0 : KD_ENOMEM;
}

static void free_matcher(void *m)
{
    kd_matcher_free(m);
}

static void free_scanner(void *s)
{
    kd_scanner_free(s);
}

static void generation_free(live_index *g)
{
    http_pool_destroy(&g->matchers, free_matcher);
    http_pool_destroy(&g->scanners, free_scanner);
    scan_tables_release(g->scan_tables);
    pthread_mutex_destroy(&g->tables_lock);
    free(g->referents);
    kd_index_close(g->index);
    free(g);
}

void live_release(live_index *g)
{
    if (g && atomic_fetch_sub(&g->refs, 1) == 1)
        generation_free(g);
}

live_index *live_acquire(live *l)
{
    pthread_mutex_lock(&l->lock);
    live_index *g = l->current;
    if (g)
        atomic_fetch_add(&g->refs, 1);
    pthread_mutex_unlock(&l->lock);
    return g;
}

/* The ETag changes whenever any dataset's content does. */
static void compute_etag(live_index *g)
{
    uint64_t h = 1469598103934665603ULL;
    size_t n = kd_index_dataset_count(g->index);
    for (size_t i = 0; i < n; i++) {
        kd_dataset_info d;
        kd_index_dataset(g->index, i, &d);
        h ^= hash_bytes(d.name, strlen(d.name));
        h *= 1099511628211ULL;
        h ^= hash_bytes(d.version, strlen(d.version));
        h *= 1099511628211ULL;
    }
    snprintf(g->etag, sizeof g->etag, "\"%016llx\"", (unsigned long long)h);
}

static int compare_referent(const void *a, const void *b)
{
    return strcmp(((const struct live_referent *)a)->id, ((const struct live_referent *)b)->id);
}

static int find_referents(live_index *g)
{
    size_t n = kd_index_entity_count(g->index), cap = 0;
    for (size_t e = 0; e < n; e++) {
        kd_entity_view v;
        kd_index_entity(g->index, e, &v);
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(g->index, &v, i);
            if (r.prop != KD_PROP_REFERENTS)
                continue;
            if (g->n_referents == cap) {
                cap = cap ? cap * 2 : 64;
                struct live_referent *p = realloc(g->referents, cap * sizeof *p);
                if (!p)
                    return KD_ENOMEM;
                g->referents = p;
            }
            g->referents[g->n_referents++] = (struct live_referent){r.value, (uint32_t)e};
        }
    }
    if (g->n_referents)
        qsort(g->referents, g->n_referents, sizeof *g->referents, compare_referent);
    return 0;
}

int64_t live_referent(const live_index *g, const char *id)
{
    struct live_referent key = {id, 0};
    const struct live_referent *r =
        g->n_referents ? bsearch(&key, g->referents, g->n_referents, sizeof key, compare_referent) : NULL;
    return r ? (int64_t)r->entity : -1;
}

int live_load(live *l, kd_error *err)
{
    struct stat st;
    if (stat(l->path, &st) != 0) {
        int rc = error_set(err, KD_EIO, "%s: cannot read the index (not built yet?)", l->path);
        snprintf(l->last_error, sizeof l->last_error, "%s", err->message);
        return rc;
    }
    live_index *g = calloc(1, sizeof *g);
    if (!g)
        return error_set(err, KD_ENOMEM, "out of memory");
    if (kd_index_open(l->path, &g->index, err)) {
        snprintf(l->last_error, sizeof l->last_error, "%s", err->message);
        free(g);
        return err->code;
    }
    if (find_referents(g)) {
        kd_index_close(g->index);
        free(g->referents);
        free(g);
        return error_set(err, KD_ENOMEM, "out of memory loading %s", l->path);
    }
    http_pool_init(&g->matchers);
    http_pool_init(&g->scanners);
    pthread_mutex_init(&g->tables_lock, NULL);
    atomic_init(&g->refs, 1); /* the server's own reference */
    g->loaded_at = time(NULL);
    compute_etag(g);
    pthread_mutex_lock(&l->lock);
    live_index *old = l->current;
    g->generation = ++l->generations;
    l->current = g;
    l->dev = st.st_dev;
    l->ino = st.st_ino;
    l->mtime = st.st_mtim;
    l->last_error[0] = '\0';
    pthread_mutex_unlock(&l->lock);
    live_release(old);
    return KD_OK;
}

/* A new index is renamed into place, so a new inode (or mtime, for tools
 * that rewrite in place) means a new file. */
int live_changed(live *l)
{
    struct stat st;
    if (stat(l->path, &st) != 0)
        return 0;
    pthread_mutex_lock(&l->lock);
    int changed = !l->current || st.st_ino != l->ino || st.st_dev != l->dev ||
                  st.st_mtim.tv_sec != l->mtime.tv_sec || st.st_mtim.tv_nsec != l->mtime.tv_nsec;
    pthread_mutex_unlock(&l->lock);
    return changed;
}

void live_destroy(live *l)
{
    live_release(l->current);
    l->current = NULL;
    pthread_mutex_destroy(&l->lock);
    free(l->path);
}

void http_pool_init(http_pool *p)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
}

void *http_pool_take(http_pool *p)
{
    void *item = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->n)
        item = p->items[--p->n];
    pthread_mutex_unlock(&p->lock);
    return item;
}

bool http_pool_give(http_pool *p, void *item)
{
    bool kept = false;
    pthread_mutex_lock(&p->lock);
    if (p->n == p->cap) {
        size_t c = p->cap ? p->cap * 2 : 8;
        void **grown = realloc(p->items, c * sizeof *grown);
        if (grown) {
            p->items = grown;
            p->cap = c;
        }
    }
    if (p->n < p->cap) {
        p->items[p->n++] = item;
        kept = true;
    }
    pthread_mutex_unlock(&p->lock);
    return kept;
}

void http_pool_destroy(http_pool *p, void (*free_item)(void *))
{
    for (size_t i = 0; i < p->n; i++)
        free_item(p->items[i]);
    free(p->items);
    pthread_mutex_destroy(&p->lock);
}

kd_matcher *live_take_matcher(live_index *g, kd_error *err)
{
    kd_matcher *m = http_pool_take(&g->matchers);
    if (!m && kd_matcher_new(g->index, &m, err))
        return NULL;
    return m;
}

void live_give_matcher(live_index *g, kd_matcher *m)
{
    if (!http_pool_give(&g->matchers, m))
        kd_matcher_free(m);
}

kd_scanner *live_take_scanner(live_index *g, kd_error *err)
{
    kd_scanner *s = http_pool_take(&g->scanners);
    if (s)
        return s;
    /* the tables are built once per generation, however many scanners
     * concurrent requests need */
    pthread_mutex_lock(&g->tables_lock);
    int rc = g->scan_tables ? KD_OK : scan_tables_new(g->index, &g->scan_tables, err);
    pthread_mutex_unlock(&g->tables_lock);
    if (rc || scan_scanner_new(g->scan_tables, &s, err))
        return NULL;
    return s;
}

void live_give_scanner(live_index *g, kd_scanner *s)
{
    if (!http_pool_give(&g->scanners, s))
        kd_scanner_free(s);
}
