/* Times kd_index_open + one lookup + close, the cost every command and a
 * reloading server pays: reading the file into the index's own memory,
 * its checksum, the table checks. Compares with re-parsing the lists (what
 * a tool without a compiled index does at start). Prints its own command
 * line. */
#include "kordon.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s INDEX LISTS_DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 200;
    if (rounds < 1)
        rounds = 1;
    double *open_us = calloc((size_t)rounds, sizeof *open_us);
    kd_error err = {0};
    for (int i = 0; i < rounds; i++) {
        double t = now_us();
        kd_index *ix;
        if (kd_index_open(argv[1], &ix, &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        if (kd_index_find(ix, "eu-oj-32014R0269-1426") < 0) {
            fprintf(stderr, "lookup failed\n");
            return 1;
        }
        kd_index_close(ix);
        open_us[i] = now_us() - t;
    }
    qsort(open_us, (size_t)rounds, sizeof *open_us, compare);

    /* Baseline: rebuild from the lists, 3 rounds, best of. */
    double best_build = 1e18;
    const char *sources[] = {argv[2]};
    kd_build_options opts = {.output = "/tmp/kordon-bench-baseline.kdx"};
    for (int i = 0; i < 3; i++) {
        double t = now_us();
        if (kd_build(sources, 1, &opts, &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double d = now_us() - t;
        if (d < best_build)
            best_build = d;
    }
    remove(opts.output);
    double median = open_us[rounds / 2], p99 = open_us[(size_t)(rounds * 0.99)];
    printf("command: %s %s %s %d\n", argv[0], argv[1], argv[2], rounds);
    printf("open+lookup+close: median %.1f us, p99 %.1f us over %d rounds\n", median, p99, rounds);
    printf("baseline (parse the lists again): %.1f ms best of 3\n", best_build / 1e3);
    printf("ratio: opening the index is %.0fx faster than re-parsing\n", best_build / median);
    free(open_us);
    return 0;
}
