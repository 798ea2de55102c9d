/* Private to src/index: the in-memory form of an index being built, shared
 * by builder.c (which fills it) and writer.c (which serialises it). */
#ifndef KD_BUILDER_INTERNAL_H
#define KD_BUILDER_INTERNAL_H

#include "index.h"

typedef struct built_value {
    uint16_t prop;
    const char *text;
} built_value;

typedef struct built_entity {
    const char *id;
    uint16_t schema, n_datasets;
    uint16_t *datasets;
    built_value *values;
    uint32_t n_values;
} built_entity;

typedef struct built_dataset {
    const char *name;
    sha256_ctx *hash;
    const char *last_file_hash; /* folded in once per file */
    char newest[11];
    uint32_t count;
    uint32_t schema_counts[KD_SCHEMA_COUNT];
} built_dataset;

struct index_builder {
    arena mem;
    built_entity *entities;
    size_t n_entities, cap_entities;
    strmap ids; /* id → entity position; keys are the entities' ids in mem */
    built_dataset *datasets;
    size_t n_datasets, cap_datasets;
    const char *file_hash;
};

/* Deduplicated NUL-terminated strings; entries are referred to by offset. */
typedef struct string_table {
    buf blob;
    strmap offsets; /* string → offset in blob; the keys are blob's strings */
} string_table;

int strings_intern(string_table *t, const char *s, uint32_t *out);

/* The name-matching tables (see index.h), built from the sorted entities. */
typedef struct name_tables {
    kdx_name *names;
    size_t n_names;
    kdx_token *tokens;
    size_t n_tokens;
    kdx_key *keys;
    size_t n_keys;
    uint32_t *postings;
    size_t n_postings;
    kdx_deletion *deletions;
    size_t n_deletions;
    kdx_hashed_name *joined;
    size_t n_joined;
} name_tables;

int names_build(const built_entity *entities, size_t n_entities, string_table *strings,
                name_tables *out, kd_error *err);
void names_free(name_tables *t);

#endif
