#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kordon export [-i INDEX] [-o FILE] [--format ftm]: the index's records as
 * FollowTheMoney JSON lines, for other FtM tools (yente, followthemoney
 * validate, aleph) and for archiving what was screened against. */
int cmd_export(int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *index_path = cli_default_index(), *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:o:f:h", options, NULL)) != -1) {
        switch (c) {
        case 'i': index_path = optarg; break;
        case 'o': output = optarg; break;
        case 'f':
            if (strcmp(optarg, "ftm") != 0) {
                fprintf(stderr, "kordon export: --format %s: the one format is ftm (FollowTheMoney JSON lines)\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': return cli_usage("export", 0);
        default: return cli_usage("export", EXIT_USAGE);
        }
    }
    if (optind != argc)
        return cli_usage("export", EXIT_USAGE);
    kd_index *ix;
    kd_error err;
    if (kd_index_open(index_path, &ix, &err)) {
        fprintf(stderr, "kordon export: %s\n", err.message);
        return EXIT_FAILED;
    }
    FILE *out = output ? fopen(output, "w") : stdout;
    if (!out) {
        fprintf(stderr, "kordon export: %s: cannot write: %s\n", output, strerror(errno));
        kd_index_close(ix);
        return EXIT_FAILED;
    }
    size_t lines = 0;
    int rc = kd_index_export_ftm(ix, out, &lines, &err);
    kd_index_close(ix);
    if (rc) {
        fprintf(stderr, "kordon export: %s\n", err.message);
        if (out != stdout)
            fclose(out);
        return EXIT_FAILED;
    }
    if (out != stdout ? fclose(out) != 0 : fflush(stdout) != 0) {
        fprintf(stderr, "kordon export: %s: cannot write: %s\n", output ? output : "standard output", strerror(errno));
        return EXIT_FAILED;
    }
    if (output)
        fprintf(stderr, "wrote %s: %zu entities\n", output, lines);
    return 0;
}
