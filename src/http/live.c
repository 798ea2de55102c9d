/* The live index: reference-counted generations so that a reload never
 * fails a request. A request holds the generation it started with until its
 * response is sent; the server drops its own reference when it swaps, and
 * whoever drops the last one frees the index. Matchers and scanners hold
 * per-thread scratch memory bound to one index, so they are pooled per
 * generation and die with it; the scanners share the generation's tables
 * of names and reasons.
 *
 * Each generation is a private, checksummed copy of the file (reader.c), so
 * nothing done to the file afterwards (rewritten in place, truncated,
 * damaged) reaches what requests read; a file read while being rewritten is
 * refused and the previous generation stays. */
#include "http_internal.h"
#include "index/index.h"
#include "scan/scan.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int live_init(live *l, const char *path)
{
    memset(l, 0, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
    pthread_mutex_init(&l->load_lock, NULL);
    l->loaded_fd = l->failed_fd = -1;
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
    kd_ties_free(g->ties);
    free(g->linked);
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

static live_file_id file_id(const struct stat *st)
{
    return (live_file_id){st->st_dev, st->st_ino, st->st_size, st->st_mtim};
}

static bool same_inode(const live_file_id *a, const live_file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino;
}

static bool same_file(const live_file_id *a, const live_file_id *b)
{
    return same_inode(a, b) && a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* A descriptor on the inode that was read (id), or -1 when the path already
 * names another one: held, it keeps that inode's number from being given to
 * the next file written, which would then pass for the same file. */
static int hold(const char *path, const live_file_id *id)
{
    if (!id->ino)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || st.st_dev != id->dev || st.st_ino != id->ino)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void drop(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int live_load(live *l, kd_error *err)
{
    /* one load at a time: two would race to set loaded/failed, and each
     * holds a full copy of the index while it checks it */
    pthread_mutex_lock(&l->load_lock);
    struct stat st;
    memset(&st, 0, sizeof st); /* ino 0: the file could not even be opened */
    live_index *g = calloc(1, sizeof *g);
    int rc = g ? index_open_stat(l->path, &g->index, &st, err)
               : error_set(err, KD_ENOMEM, "%s: out of memory", l->path);
    if (!rc && l->prepare)
        rc = l->prepare(l->prepare_context, g, err);
    /* after the analysts' judgments: the ties are found by party */
    if (!rc && live_adjacent_build(g))
        rc = error_set(err, KD_ENOMEM, "out of memory loading %s", l->path);
    live_file_id id = file_id(&st);
    int fd = hold(l->path, &id);
    if (rc) {
        if (g) {
            kd_index_close(g->index);
            kd_ties_free(g->ties);
            free(g->linked);
            free(g);
        }
        pthread_mutex_lock(&l->lock);
        l->failing = true;
        l->failed = id;
        drop(&l->failed_fd);
        l->failed_fd = fd;
        l->failed_at = time(NULL);
        snprintf(l->last_error, sizeof l->last_error, "%s", err->message);
        l->pending = false;
        pthread_mutex_unlock(&l->lock);
        pthread_mutex_unlock(&l->load_lock);
        return rc;
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
    l->loaded = id;
    drop(&l->loaded_fd);
    l->loaded_fd = fd;
    l->failing = false;
    drop(&l->failed_fd);
    l->last_error[0] = '\0';
    l->pending = false;
    pthread_mutex_unlock(&l->lock);
    pthread_mutex_unlock(&l->load_lock);
    live_release(old);
    return KD_OK;
}

/* The right way to publish an index is a new file renamed over the path: a
 * new inode, complete from its first byte, loaded at once. A file changed
 * in place (cp over it, dd) keeps its inode: it is loaded too, but only
 * after it has stayed the same for a second, since cp may still be writing
 * it; a copy caught mid-write is refused by the checksum anyway and the
 * watcher tries again when the file next changes. A file that failed is
 * not tried again until it changes (a new file, or new size or mtime):
 * retrying the same bad bytes every second only repeats the error. */
live_change live_changed(live *l)
{
    struct stat st;
    if (stat(l->path, &st) != 0)
        return LIVE_SAME; /* gone: keep serving what we have; a new file will show up */
    live_file_id id = file_id(&st);
    live_change change;
    double now = http_now();
    pthread_mutex_lock(&l->lock);
    if ((l->current && same_file(&id, &l->loaded)) || (l->failing && same_file(&id, &l->failed))) {
        change = LIVE_SAME;
    } else if (!(l->current && same_inode(&id, &l->loaded)) && !(l->failing && same_inode(&id, &l->failed))) {
        change = LIVE_REPLACED;
    } else if (!l->pending) {
        l->pending = true;
        l->pending_id = id;
        l->pending_since = now;
        change = LIVE_IN_PLACE;
    } else if (!same_file(&id, &l->pending_id)) {
        l->pending_id = id; /* still being written: wait on */
        l->pending_since = now;
        change = LIVE_SAME;
    } else {
        /* 0.9: the polls are a second apart, give or take the clock */
        change = now - l->pending_since >= 0.9 ? LIVE_IN_PLACE_READY : LIVE_SAME;
    }
    pthread_mutex_unlock(&l->lock);
    return change;
}

void live_reload_status(live *l, live_reload_state *out)
{
    pthread_mutex_lock(&l->lock);
    out->failing = l->failing;
    out->failed_at = l->failed_at;
    snprintf(out->error, sizeof out->error, "%s", l->last_error);
    pthread_mutex_unlock(&l->lock);
}

void live_destroy(live *l)
{
    live_release(l->current);
    l->current = NULL;
    drop(&l->loaded_fd);
    drop(&l->failed_fd);
    pthread_mutex_destroy(&l->lock);
    pthread_mutex_destroy(&l->load_lock);
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

size_t http_pool_size(http_pool *p)
{
    pthread_mutex_lock(&p->lock);
    size_t n = p->n;
    pthread_mutex_unlock(&p->lock);
    return n;
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
