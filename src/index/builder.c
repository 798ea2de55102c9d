/* Collects parsed entities in memory and writes the .kdx snapshot. All of a
 * build's strings live in one arena and are freed together. */
#include "index.h"
#include "builder_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .kdx format is little-endian; add byte swapping for this target"
#endif

index_builder *index_builder_new(void)
{
    index_builder *b = calloc(1, sizeof *b);
    if (b)
        b->mem.block_size = 4 << 20;
    return b;
}

void index_builder_free(index_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_datasets; i++)
        if (b->datasets[i].hash) {
            char tmp[65];
            sha256_final_hex(b->datasets[i].hash, tmp);
        }
    free(b->datasets);
    free(b->entities);
    strmap_free(&b->ids);
    arena_free(&b->mem);
    free(b);
}

void index_builder_begin_file(index_builder *b, const char *file_hash)
{
    b->file_hash = arena_strndup(&b->mem, file_hash, strlen(file_hash));
}

size_t index_builder_count(const index_builder *b) { return b->n_entities; }

static int dataset_for(index_builder *b, const char *name, uint16_t *out)
{
    for (size_t i = 0; i < b->n_datasets; i++)
        if (strcmp(b->datasets[i].name, name) == 0) {
            *out = (uint16_t)i;
            return KD_OK;
        }
    if (b->n_datasets >= UINT16_MAX)
        return KD_ELIMIT;
    if (vec_reserve(&b->datasets, &b->cap_datasets, b->n_datasets + 1, sizeof *b->datasets))
        return KD_ENOMEM;
    built_dataset *d = &b->datasets[b->n_datasets];
    memset(d, 0, sizeof *d);
    d->name = arena_strndup(&b->mem, name, strlen(name));
    d->hash = sha256_new();
    if (!d->name || !d->hash)
        return KD_ENOMEM;
    *out = (uint16_t)b->n_datasets++;
    return KD_OK;
}

static bool is_iso_date(const char *s)
{
    return strlen(s) >= 4 && s[0] >= '1' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
           s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
}

static void note_dates(built_dataset *d, const model_entity *e)
{
    for (size_t i = 0; i < e->n_values; i++) {
        uint16_t p = e->values[i].prop;
        if (p != KD_PROP_LISTING_DATE && p != KD_PROP_MODIFIED_AT && p != KD_PROP_START_DATE)
            continue;
        const char *v = entity_value_text(e, i);
        if (!is_iso_date(v))
            continue;
        char date[11];
        size_t n = strcspn(v, "T/~ ");
        if (n > 10)
            n = 10;
        memcpy(date, v, n);
        date[n] = '\0';
        if (strcmp(date, d->newest) > 0)
            memcpy(d->newest, date, n + 1);
    }
}

static int merge_into(index_builder *b, built_entity *be, const model_entity *e, uint16_t ds,
                      bool *added_dataset)
{
    bool has_ds = false;
    for (uint16_t i = 0; i < be->n_datasets; i++)
        has_ds |= be->datasets[i] == ds;
    if (!has_ds) {
        uint16_t *p = arena_alloc(&b->mem, (be->n_datasets + 1u) * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        if (be->n_datasets)
            memcpy(p, be->datasets, be->n_datasets * sizeof *p);
        p[be->n_datasets++] = ds;
        be->datasets = p;
    }
    *added_dataset = !has_ds;
    built_value *vals = arena_alloc(&b->mem, (be->n_values + e->n_values) * sizeof *vals);
    if (!vals)
        return KD_ENOMEM;
    if (be->n_values)
        memcpy(vals, be->values, be->n_values * sizeof *vals);
    uint32_t n = be->n_values;
    for (size_t i = 0; i < e->n_values; i++) {
        const char *text = entity_value_text(e, i);
        bool dup = false;
        for (uint32_t k = 0; k < be->n_values && !dup; k++)
            dup = vals[k].prop == e->values[i].prop && strcmp(vals[k].text, text) == 0;
        if (dup)
            continue;
        vals[n].prop = e->values[i].prop;
        vals[n].text = arena_strndup(&b->mem, text, e->values[i].len);
        if (!vals[n++].text)
            return KD_ENOMEM;
    }
    be->values = vals;
    be->n_values = n;
    return KD_OK;
}

int index_builder_add(index_builder *b, const model_entity *e, kd_error *err)
{
    if (!e->id.data || e->id.len == 0 || !e->dataset)
        return error_set(err, KD_EPARSE, "entity without id or dataset");
    uint16_t ds;
    if (dataset_for(b, e->dataset, &ds))
        return error_set(err, KD_ENOMEM, "too many datasets");
    built_dataset *d = &b->datasets[ds];
    if (b->file_hash && d->last_file_hash != b->file_hash) {
        sha256_update(d->hash, b->file_hash, strlen(b->file_hash));
        d->last_file_hash = b->file_hash;
    }
    note_dates(d, e);

    uintptr_t at;
    bool added = false;
    if (strmap_get(&b->ids, e->id.data, e->id.len, &at)) {
        built_entity *be = &b->entities[at];
        if (merge_into(b, be, e, ds, &added))
            return error_set(err, KD_ENOMEM, "out of memory");
        if (added) {
            d->count++;
            d->schema_counts[be->schema]++;
        }
        return KD_OK;
    }
    if (b->n_entities >= UINT32_MAX - 1)
        return error_set(err, KD_ELIMIT, "too many entities");
    if (vec_reserve(&b->entities, &b->cap_entities, b->n_entities + 1, sizeof *b->entities))
        return error_set(err, KD_ENOMEM, "out of memory");
    built_entity *be = &b->entities[b->n_entities];
    memset(be, 0, sizeof *be);
    be->id = arena_strndup(&b->mem, e->id.data, e->id.len);
    be->schema = (uint16_t)e->schema;
    if (!be->id || merge_into(b, be, e, ds, &added))
        return error_set(err, KD_ENOMEM, "out of memory");
    /* the key is the arena copy, which lives as long as the map */
    int rc = strmap_add(&b->ids, be->id, e->id.len, b->n_entities, NULL);
    if (rc < 0)
        return error_set(err, rc, rc == KD_ENOMEM ? "out of memory" : "too many entities");
    b->n_entities++;
    d->count++;
    d->schema_counts[e->schema]++;
    return KD_OK;
}
