/* What bench_alias_recall and bench_name_pairs share: a second index in
 * which every listed party record of the chosen datasets (those whose name
 * starts with prefix; "" for all) stands under its first name only, so
 * that its other names can be queried against it. */
#ifndef KD_BENCH_FIRST_NAMES_H
#define KD_BENCH_FIRST_NAMES_H

#include "kordon.h"
#include "index/index.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Opens the first-name index of full into *out (the file is removed once
 * open); *records gets how many records it holds. 0, or 1 after printing
 * the error. */
static int first_names_index(const kd_index *full, const char *prefix, kd_index **out, size_t *records)
{
    kd_error err = {0};
    index_builder *b = index_builder_new();
    model_entity e;
    entity_init(&e);
    *records = 0;
    for (size_t i = 0; b && i < kd_index_entity_count(full); i++) {
        kd_entity_view v;
        kd_index_entity(full, i, &v);
        kd_dataset_info d;
        const char *first = kd_entity_view_first(full, &v, KD_PROP_NAME);
        if (v.schema > KD_SCHEMA_AIRPLANE || !first || !v.n_datasets || kd_index_dataset(full, v.datasets[0], &d) ||
            strncmp(d.name, prefix, strlen(prefix)) != 0)
            continue;
        entity_reset(&e);
        e.schema = v.schema;
        e.dataset = d.name;
        if (entity_set_id(&e, "%s", v.id) || entity_add_str(&e, KD_PROP_NAME, first) || index_builder_add(b, &e, &err)) {
            fprintf(stderr, "%s\n", err.message[0] ? err.message : "out of memory");
            entity_free(&e);
            index_builder_free(b);
            return 1;
        }
        ++*records;
    }
    entity_free(&e);
    char path[] = "/tmp/kordon-first-names-XXXXXX";
    int fd = b ? mkstemp(path) : -1;
    int rc = fd < 0 || (close(fd), index_builder_write(b, path, &err)) || kd_index_open(path, out, &err);
    index_builder_free(b);
    if (fd >= 0)
        unlink(path);
    if (rc)
        fprintf(stderr, "%s\n", err.message[0] ? err.message : "cannot write the first-name index");
    return rc ? 1 : 0;
}

#endif
