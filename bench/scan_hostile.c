/* Scanning cost of hostile text: long runs of capitalised words without a
 * sentence break (bench/hostile-text.py writes them). Each file is scanned
 * in a child process of its own, so the peak resident memory reported is
 * that file's: the scanner set-up, the text, the mentions and their JSON.
 *
 * Prints, per file: its size, the scan's seconds (wall clock and this
 * thread's CPU time) and MB/s on the CPU time (one core, whatever else the
 * machine runs), the mentions found, the bytes of their JSON as POST /scan
 * would send it, and the child's peak RSS. MB/s that stays the same from 1
 * to 8 MiB is what linear means.
 *
 * usage: bench_scan_hostile [--max-related N] [--no-json] INDEX FILE...
 *   --max-related N  keep at most N related entries per mention (as the
 *                    server's --scan-max-related does); default: all
 *   --no-json        leave the JSON out (its bytes are reported as 0)
 * bench/scan-hostile.sh writes the three kinds of text at 1-8 MiB and runs
 * this on them. */
#include "kordon.h"
#include "scan/scan.h"

#include <errno.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds_of(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_scan_hostile: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    char *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *p = realloc(data, cap *= 2);
            if (!p) {
                free(data);
                data = NULL;
            }
            data = p;
        }
    }
    fclose(f);
    if (!data)
        fprintf(stderr, "bench_scan_hostile: %s: out of memory\n", path);
    *len = n;
    return data;
}

/* What one child reports back through its pipe. */
typedef struct result {
    int rc;
    size_t bytes, mentions, json_bytes;
    double seconds, cpu_seconds;
    char message[1100];
} result;

/* JSON bytes of the mentions, one at a time as a streaming server would
 * write them: never the whole answer in memory. */
static size_t json_size(const kd_index *ix, const char *text, const kd_mention *m, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *o = scan_mention_json(ix, NULL, text, &m[i]);
        char *s = json_dumps(o, JSON_COMPACT);
        total += s ? strlen(s) + 1 : 0;
        free(s);
        json_decref(o);
    }
    return total;
}

static void scan_one(const char *index_path, const char *path, size_t max_related, bool with_json, result *r)
{
    kd_error err = {0};
    kd_index *ix = NULL;
    kd_scanner *s = NULL;
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        r->rc = -1;
        snprintf(r->message, sizeof r->message, "cannot read %s", path);
        return;
    }
    r->bytes = len;
    if ((r->rc = kd_index_open(index_path, &ix, &err)) || (r->rc = kd_scanner_new(ix, &s, &err))) {
        snprintf(r->message, sizeof r->message, "%s", err.message);
    } else {
        kd_mention *m = NULL;
        size_t n = 0;
        kd_scan_options o = {.max_related = max_related};
        double t0 = seconds_of(CLOCK_MONOTONIC), c0 = seconds_of(CLOCK_THREAD_CPUTIME_ID);
        r->rc = kd_scan_with(s, text, len, &o, &m, &n, &err);
        r->seconds = seconds_of(CLOCK_MONOTONIC) - t0;
        r->cpu_seconds = seconds_of(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (r->rc)
            snprintf(r->message, sizeof r->message, "%s", err.message);
        r->mentions = n;
        r->json_bytes = with_json ? json_size(ix, text, m, n) : 0;
        kd_mentions_free(m, n);
    }
    kd_scanner_free(s);
    kd_index_close(ix);
    free(text);
}

int main(int argc, char **argv)
{
    size_t max_related = 0;
    bool with_json = true;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--no-json") == 0) {
            with_json = false;
        } else if (strcmp(argv[first], "--max-related") == 0 && first + 1 < argc) {
            char *end;
            const char *v = argv[++first];
            max_related = strtoull(v, &end, 10);
            if (*end || !*v || v[0] == '-') {
                fprintf(stderr, "bench_scan_hostile: --max-related needs a number, not \"%s\"\n", v);
                return 2;
            }
        } else {
            fprintf(stderr, "bench_scan_hostile: unknown option %s\n", argv[first]);
            return 2;
        }
    }
    if (argc - first < 2) {
        fprintf(stderr, "usage: bench_scan_hostile [--max-related N] [--no-json] INDEX FILE...\n");
        return 2;
    }
    const char *index_path = argv[first];
    printf("%-36s %9s %8s %8s %8s %9s %12s %9s\n", "file", "bytes", "seconds", "cpu s", "MB/s", "mentions",
           "json bytes", "peak RSS");
    int failed = 0;
    for (int i = first + 1; i < argc; i++) {
        int fds[2];
        if (pipe(fds)) {
            perror("bench_scan_hostile: pipe");
            return 1;
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("bench_scan_hostile: fork");
            return 1;
        }
        if (pid == 0) {
            close(fds[0]);
            result r = {0};
            scan_one(index_path, argv[i], max_related, with_json, &r);
            ssize_t w = write(fds[1], &r, sizeof r);
            _exit(w == (ssize_t)sizeof r ? 0 : 1);
        }
        close(fds[1]);
        result r = {0};
        ssize_t got = read(fds[0], &r, sizeof r);
        close(fds[0]);
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) < 0 || got != (ssize_t)sizeof r) {
            fprintf(stderr, "bench_scan_hostile: %s: the child scanning it died (status %d)\n", argv[i],
                    status);
            failed = 1;
            continue;
        }
        if (r.rc) {
            fprintf(stderr, "bench_scan_hostile: %s: %s\n", argv[i], r.message);
            failed = 1;
            continue;
        }
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        printf("%-36s %9zu %8.2f %8.2f %8.2f %9zu %12zu %6ld MB\n", name, r.bytes, r.seconds, r.cpu_seconds,
               r.cpu_seconds > 0 ? (double)r.bytes / 1e6 / r.cpu_seconds : 0.0, r.mentions, r.json_bytes,
               ru.ru_maxrss / 1024);
    }
    return failed;
}
