#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_index_option(int argc, char **argv, const char **index, int *json)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *index = cli_default_index();
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:jh", options, NULL)) != -1) {
        switch (c) {
        case 'i': *index = optarg; break;
        case 'j': *json = 1; break;
        case 'h': return cli_usage("info", 0);
        default: return cli_usage("info", EXIT_USAGE);
        }
    }
    return -1;
}

static void print_json(const kd_index *ix, const char *path)
{
    json_t *root = json_object();
    json_object_set_new(root, "index", json_string(path));
    json_object_set_new(root, "built_at", json_string(kd_index_built_at(ix)));
    size_t derived = 0, total = kd_index_entity_count(ix);
    for (size_t e = 0; e < total; e++)
        derived += kd_index_entity_derived(ix, e) != 0;
    json_object_set_new(root, "entities", json_integer((json_int_t)(total - derived)));
    json_object_set_new(root, "derived_links", json_integer((json_int_t)derived));
    size_t parties[UINT16_MAX];
    json_object_set_new(root, "parties", json_integer((json_int_t)kd_index_party_counts(ix, parties)));
    json_t *list = json_array();
    for (size_t i = 0; i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, i, &d);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(d.name));
        json_object_set_new(o, "version", json_string(d.version));
        json_object_set_new(o, "newest_date", json_string(d.newest_date));
        json_object_set_new(o, "entities", json_integer(d.entity_count));
        json_object_set_new(o, "parties", json_integer((json_int_t)parties[i]));
        json_t *schemata = json_object();
        for (int s = 0; s < KD_SCHEMA_COUNT; s++)
            if (d.schema_counts[s])
                json_object_set_new(schemata, kd_schema_name((kd_schema)s),
                                    json_integer(d.schema_counts[s]));
        json_object_set_new(o, "schemata", schemata);
        json_array_append_new(list, o);
    }
    json_object_set_new(root, "datasets", list);
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(root);
}

static void print_text(const kd_index *ix, const char *path)
{
    size_t parties[UINT16_MAX];
    size_t all = kd_index_party_counts(ix, parties);
    /* the lists' records; the links kordon derived from their remarks apart */
    size_t derived = 0, total = kd_index_entity_count(ix);
    for (size_t e = 0; e < total; e++)
        derived += kd_index_entity_derived(ix, e) != 0;
    printf("index %s: %zu entities, %zu parties, built %s\n", path, total - derived, all, kd_index_built_at(ix));
    if (derived)
        printf("%zu links derived from the records' remarks (\"Linked To:\", subsidiaries, parent companies)\n", derived);
    putchar('\n');
    printf("%-24s %8s %8s  %-10s  %-12s  %s\n", "dataset", "entities", "parties", "newest", "version",
           "schemata");
    for (size_t i = 0; i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info d;
        kd_index_dataset(ix, i, &d);
        printf("%-24s %8u %8zu  %-10s  %.12s ", d.name, d.entity_count, parties[i],
               d.newest_date[0] ? d.newest_date : "-", d.version);
        const char *sep = " ";
        for (int s = 0; s < KD_SCHEMA_COUNT; s++)
            if (d.schema_counts[s]) {
                printf("%s%s %u", sep, kd_schema_name((kd_schema)s), d.schema_counts[s]);
                sep = ", ";
            }
        putchar('\n');
    }
}

int cmd_info(int argc, char **argv)
{
    const char *path;
    int json = 0;
    int rc = parse_index_option(argc, argv, &path, &json);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage("info", EXIT_USAGE);
    kd_index *ix;
    kd_error err = {0};
    if (kd_index_open(path, &ix, &err))
        return cli_fail(&err);
    if (json)
        print_json(ix, path);
    else
        print_text(ix, path);
    kd_index_close(ix);
    return 0;
}

/* kordon entity: a party as one entity (any of its records' ids finds
 * it), with --provenance which record says what; --record prints the
 * record itself as its list states it. */
int cmd_entity(int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'}, {"provenance", no_argument, NULL, 'p'},
        {"record", no_argument, NULL, 'r'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = cli_default_index();
    int flags = KD_JSON_PRETTY, record = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:prh", options, NULL)) != -1) {
        switch (c) {
        case 'i': path = optarg; break;
        case 'p': flags |= KD_JSON_PROVENANCE; break;
        case 'r': record = 1; break;
        case 'h': return cli_usage("entity", 0);
        default: return cli_usage("entity", EXIT_USAGE);
        }
    }
    if (optind >= argc || (record && (flags & KD_JSON_PROVENANCE)))
        return cli_usage("entity", EXIT_USAGE);
    kd_index *ix;
    kd_error err = {0};
    if (kd_index_open(path, &ix, &err))
        return cli_fail(&err);
    int status = 0;
    for (int i = optind; i < argc; i++) {
        int64_t pos = kd_index_find(ix, argv[i]);
        if (pos < 0) {
            fprintf(stderr, "kordon: no entity \"%s\" in %s\n", argv[i], path);
            status = EXIT_FAILED;
            continue;
        }
        char *text = record ? kd_index_entity_json(ix, (size_t)pos, 1) : kd_index_party_json(ix, (size_t)pos, flags);
        if (text)
            puts(text);
        free(text);
    }
    kd_index_close(ix);
    return status;
}
