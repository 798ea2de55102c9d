#include "cli.h"
#include "store/store.h"

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
        case 'h':
            printf("usage: kordon build SOURCE... [-o kordon.kdx] [-q] [--report PARTIES.txt] [--db DB]\n"
                   "  --db: the store whose analysts' judgments on parties apply (kordon resolve)\n");
            return 0;
        default: return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: kordon build SOURCE... [-o kordon.kdx] [-q] [--report PARTIES.txt]\n");
        return EXIT_USAGE;
    }
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
    fprintf(stderr, "wrote %s: %zu entities from %zu datasets in %.2f s\n", opts.output,
            kd_index_entity_count(ix), kd_index_dataset_count(ix), now_seconds() - start);
    kd_index_close(ix);
    return 0;
}
