#include "cli.h"
#include "kordon/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_report_written(const kd_index *ix, const char *path, double seconds)
{
    /* counted as `kordon info` counts: the lists' records, and apart the
     * links the build derived from their remarks */
    size_t derived = 0, total = kd_index_entity_count(ix);
    for (size_t e = 0; e < total; e++)
        derived += kd_index_entity_derived(ix, e) != 0;
    char links[64] = "", took[32] = "";
    if (derived)
        snprintf(links, sizeof links, " (and %zu links derived from their remarks)", derived);
    if (seconds >= 0)
        snprintf(took, sizeof took, " in %.2f s", seconds);
    fprintf(stderr, "wrote %s: %zu entities from %zu datasets%s%s\n", path, total - derived,
            kd_index_dataset_count(ix), links, took);
}

int cmd_build(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"report", required_argument, NULL, 'r'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    kd_build_options opts = {.output = "kordon.kdx", .verbose = 1};
    const char *db_path = cli_default_db();
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qr:d:h", options, NULL)) != -1) {
        switch (c) {
        case 'o': opts.output = optarg; break;
        case 'q': opts.verbose = 0; break;
        case 'r': opts.report = optarg; break;
        case 'd': db_path = optarg; break;
        case 'h': return cli_usage("build", 0);
        default: return cli_usage("build", EXIT_USAGE);
        }
    }
    if (optind >= argc)
        return cli_usage("build", EXIT_USAGE);
    double start = now_seconds();
    kd_error err = {0};
    kd_judgment_list judged;
    kd_party_judgment *judgments;
    if (cli_load_judgments(db_path, &judged, &judgments, &err))
        return cli_fail(&err);
    opts.judgments = judgments;
    opts.n_judgments = judged.n;
    int rc = kd_build((const char *const *)argv + optind, (size_t)(argc - optind), &opts, &err);
    free(judgments);
    kd_judgment_list_free(&judged);
    if (rc)
        return cli_fail(&err);
    kd_index *ix;
    if (kd_index_open(opts.output, &ix, &err))
        return cli_fail(&err);
    /* after the per-file lines, where it is seen: the index was written,
     * but without what the missing files hold */
    cli_warn_list_sets((const char *const *)argv + optind, (size_t)(argc - optind));
    cli_report_written(ix, opts.output, now_seconds() - start);
    kd_index_close(ix);
    return 0;
}
