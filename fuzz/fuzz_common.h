/* Shared by the fuzz harnesses: parsers read files, so each input is written
 * to a per-process scratch file first. The sink checks every emitted entity
 * for the invariants the index relies on. */
#ifndef KD_FUZZ_COMMON_H
#define KD_FUZZ_COMMON_H

#include "lists/lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char *fuzz_write_input(const uint8_t *data, size_t size, const char *suffix)
{
    static char path[256];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/kordon-fuzz-%ld%s", dir && *dir ? dir : "/tmp",
             (long)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    return path;
}

static inline int fuzz_check_entity(void *ctx, const model_entity *e, kd_error *err)
{
    (void)ctx;
    (void)err;
    if (!e->id.data || e->id.len == 0 || !e->dataset)
        abort(); /* every record needs an id and a dataset */
    for (size_t i = 0; i < e->n_values; i++) {
        const char *v = entity_value_text(e, i);
        if (e->values[i].prop >= KD_PROP_COUNT || !utf8_valid(v, strlen(v), NULL))
            abort();
    }
    return 0;
}

static inline void fuzz_parse_as(const uint8_t *data, size_t size, list_format format,
                                 const char *suffix)
{
    const char *path = fuzz_write_input(data, size, suffix);
    list_sink sink = {fuzz_check_entity, NULL};
    kd_error err = {0};
    int rc = list_parse(path, format, &sink, &err);
    if (rc != 0 && err.message[0] == '\0')
        abort(); /* a failure must always explain itself */
    unlink(path);
}

#endif
