/* A few threads for requests whose work is long (a /scan of megabytes).
 * libmicrohttpd binds each connection to one thread of its pool, so a long
 * handler there would stall every other connection of that thread — a
 * /match behind a scan waited seconds. Long work runs here instead, while
 * its connection is suspended; there are no more jobs than workers (a busy
 * server says 503 at once rather than queueing work nobody bounds), and
 * the workers run at a lower priority so that short requests keep the CPU
 * they need. */
#include "http_internal.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct worker_job {
    void (*work)(void *arg);
    void *arg;
} worker_job;

struct http_workers {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t *threads;
    unsigned n, started, idle;
    worker_job *queue;          /* ring of n jobs */
    unsigned head, queued;
    unsigned reserved;          /* promised to callers that will submit */
    bool stopping;
};

/* Niceness of worker threads: short requests on the network threads are
 * scheduled first when the cores are busy. */
#define WORKER_NICENESS 10

static void *worker_main(void *arg)
{
    struct http_workers *w = arg;
    /* Linux gives each thread its own nice value; failure only costs fairness */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WORKER_NICENESS);
    pthread_mutex_lock(&w->lock);
    for (;;) {
        /* stopping, a worker still waits for work already promised */
        while (!w->queued && (!w->stopping || w->reserved))
            pthread_cond_wait(&w->wake, &w->lock);
        if (!w->queued)
            break;
        worker_job job = w->queue[w->head];
        w->head = (w->head + 1) % w->n;
        w->queued--;
        w->idle--;
        pthread_mutex_unlock(&w->lock);
        job.work(job.arg);
        pthread_mutex_lock(&w->lock);
        w->idle++;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int http_workers_start(unsigned n, struct http_workers **out, kd_error *err)
{
    struct http_workers *w = calloc(1, sizeof *w);
    if (!w || !(w->threads = calloc(n, sizeof *w->threads)) || !(w->queue = calloc(n, sizeof *w->queue))) {
        if (w)
            free(w->threads);
        free(w);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    w->n = n;
    w->idle = n;
    for (; w->started < n; w->started++)
        if (pthread_create(&w->threads[w->started], NULL, worker_main, w)) {
            http_workers_stop(w);
            return error_set(err, KD_ENOMEM, "cannot start a worker thread");
        }
    *out = w;
    return 0;
}

bool http_workers_reserve(struct http_workers *w)
{
    pthread_mutex_lock(&w->lock);
    bool taken = !w->stopping && w->queued + w->reserved < w->idle;
    w->reserved += taken;
    pthread_mutex_unlock(&w->lock);
    return taken;
}

void http_workers_submit(struct http_workers *w, void (*work)(void *arg), void *arg)
{
    pthread_mutex_lock(&w->lock);
    /* a reservation holds a place even once stopping: running it is how
     * the suspended connection gets its answer */
    w->reserved--;
    w->queue[(w->head + w->queued) % w->n] = (worker_job){work, arg};
    w->queued++;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void http_workers_stop(struct http_workers *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->started; i++)
        pthread_join(w->threads[i], NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w->queue);
    free(w->threads);
    free(w);
}
