#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_match(int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},   {"schema", required_argument, NULL, 's'},
        {"birth-date", required_argument, NULL, 'b'}, {"country", required_argument, NULL, 'c'},
        {"gender", required_argument, NULL, 'g'},  {"threshold", required_argument, NULL, 't'},
        {"id", required_argument, NULL, 'I'},
        {"limit", required_argument, NULL, 'n'},   {"dataset", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},          {"help", no_argument, NULL, 'h'},
        {"records", no_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    const char *path = cli_default_index();
    kd_match_query q = {.schema = -1};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:s:b:c:g:t:n:d:I:jh", options, NULL)) != -1) {
        switch (c) {
        case 'i': path = optarg; break;
        case 's':
            if ((q.schema = cli_schema("--schema", optarg)) < 0)
                return EXIT_USAGE;
            break;
        case 'b':
            if (!cli_date("--birth-date", optarg))
                return EXIT_USAGE;
            q.birth_date = optarg;
            break;
        case 'c':
            if (!cli_country("--country", optarg))
                return EXIT_USAGE;
            q.country = optarg;
            break;
        case 'g':
            if (!cli_gender("--gender", optarg))
                return EXIT_USAGE;
            q.gender = optarg;
            break;
        case 'I': q.identifier = optarg; break;
        case 't':
            if (!cli_number("--threshold", optarg, 0, 1, true, &q.threshold))
                return EXIT_USAGE;
            break;
        case 'n': {
            long limit;
            if (!cli_count("--limit", optarg, 1, 100, &limit))
                return EXIT_USAGE;
            q.limit = (size_t)limit;
            break;
        }
        case 'd': q.dataset = optarg; break;
        case 'j': json = 1; break;
        case 'R': q.by_record = 1; break;
        case 'h': return cli_usage("match", 0);
        default: return cli_usage("match", EXIT_USAGE);
        }
    }
    if (optind != argc - 1)
        return cli_usage("match", EXIT_USAGE);
    q.name = argv[optind];
    kd_index *ix;
    kd_matcher *m;
    kd_error err = {0};
    if (kd_index_open(path, &ix, &err))
        return cli_fail(&err);
    if (q.dataset && !cli_dataset(ix, "--dataset", q.dataset)) {
        kd_index_close(ix);
        return EXIT_USAGE;
    }
    if (kd_matcher_new(ix, &m, &err)) {
        kd_index_close(ix);
        return cli_fail(&err);
    }
    kd_match_result results[100];
    int n = kd_match(m, &q, results, NULL, &err);
    int status = 0;
    /* what ties a result that is not listed to one that is: found only
     * when there are results to tell of */
    kd_ties *ties = NULL;
    if (n > 0 && kd_ties_new(ix, &ties, &err))
        n = -1;
    if (n < 0) {
        status = cli_fail(&err);
    } else if (json) {
        json_t *root = json_object();
        json_t *list = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(list, cli_result_json(ix, ties, &results[i], true));
        json_object_set_new(root, "query", json_string(q.name));
        json_object_set_new(root, "results", list);
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        putchar('\n');
        json_decref(root);
    } else if (n == 0) {
        printf("no candidates for \"%s\"\n", q.name);
    } else {
        for (int i = 0; i < n; i++) {
            kd_entity_view v, matched;
            kd_index_entity(ix, results[i].party, &v);
            kd_index_entity(ix, results[i].entity, &matched);
            const char *caption = kd_entity_view_first(ix, &v, KD_PROP_NAME);
            char listed[1024];
            size_t records = kd_index_party_summary(ix, results[i].party, listed, sizeof listed);
            printf("%s %.3f  %-28s %-12s %s\n   listed: %s\n", results[i].match ? "MATCH" : "     ",
                   results[i].score, v.id, kd_schema_name(v.schema), caption ? caption : v.id, listed);
            if (records > 1)
                printf("   matched %s, one of %zu records\n", matched.id, records);
            printf("   %s\n", results[i].explanation);
            char linked[1024];
            cli_ties_line(ix, ties, results[i].party, linked, sizeof linked);
            if (*linked)
                printf("   linked: %s\n", linked);
        }
    }
    kd_ties_free(ties);
    kd_matcher_free(m);
    kd_index_close(ix);
    return status;
}
