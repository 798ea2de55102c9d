/* The live index: reference-counted generations so that a reload never
 * fails a request. A request holds the generation it started with until its
 * response is sent; the server drops its own reference when it swaps, and
 * whoever drops the last one unmaps the file. Matchers and scanners hold
 * per-thread scratch memory bound to one index, so they are pooled per
 * generation and die with it. */
#include "http_internal.h"

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

static void generation_free(live_index *g)
{
    for (size_t i = 0; i < g->n_matchers; i++)
        kd_matcher_free(g->matchers[i]);
    for (size_t i = 0; i < g->n_scanners; i++)
        kd_scanner_free(g->scanners[i]);
    free(g->matchers);
    free(g->scanners);
    pthread_mutex_destroy(&g->lock);
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
    pthread_mutex_init(&g->lock, NULL);
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

/* Pools: a stack of idle objects per generation. */
static void *pool_take(live_index *g, void ***items, size_t *n)
{
    void *p = NULL;
    pthread_mutex_lock(&g->lock);
    if (*n)
        p = (*items)[--*n];
    pthread_mutex_unlock(&g->lock);
    return p;
}

static bool pool_give(live_index *g, void ***items, size_t *n, size_t *cap, void *p)
{
    bool kept = false;
    pthread_mutex_lock(&g->lock);
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        void **grown = realloc(*items, c * sizeof *grown);
        if (grown) {
            *items = grown;
            *cap = c;
        }
    }
    if (*n < *cap) {
        (*items)[(*n)++] = p;
        kept = true;
    }
    pthread_mutex_unlock(&g->lock);
    return kept;
}

kd_matcher *live_take_matcher(live_index *g, kd_error *err)
{
    kd_matcher *m = pool_take(g, &g->matchers, &g->n_matchers);
    if (!m && kd_matcher_new(g->index, &m, err))
        return NULL;
    return m;
}

void live_give_matcher(live_index *g, kd_matcher *m)
{
    if (!pool_give(g, &g->matchers, &g->n_matchers, &g->cap_matchers, m))
        kd_matcher_free(m);
}

kd_scanner *live_take_scanner(live_index *g, kd_error *err)
{
    kd_scanner *s = pool_take(g, &g->scanners, &g->n_scanners);
    if (!s && kd_scanner_new(g->index, &s, err))
        return NULL;
    return s;
}

void live_give_scanner(live_index *g, kd_scanner *s)
{
    if (!pool_give(g, &g->scanners, &g->n_scanners, &g->cap_scanners, s))
        kd_scanner_free(s);
}
