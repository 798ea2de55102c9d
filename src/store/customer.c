/* A listed entity's content hash: what tells a monitoring run that a
 * listing changed. */
#include "kordon/store.h"
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

typedef struct prop_value {
    const char *prop, *value;
} prop_value;

static int compare_prop_value(const void *a, const void *b)
{
    const prop_value *x = a, *y = b;
    int c = strcmp(x->prop, y->prop);
    return c ? c : strcmp(x->value, y->value);
}

void kd_entity_hash(const kd_index *ix, size_t position, char out[65])
{
    kd_entity_view v;
    out[0] = '\0';
    if (kd_index_entity(ix, position, &v))
        return;
    prop_value stack[64], *pairs = stack;
    if (v.n_values > KD_ARRAY_LEN(stack) && !(pairs = malloc(v.n_values * sizeof *pairs)))
        return;
    size_t n = 0;
    for (uint32_t i = 0; i < v.n_values; i++) {
        kd_value_ref r = kd_entity_view_value(ix, &v, i);
        /* first_seen, last_seen... move with every export without the
         * listing changing. */
        if (kd_prop_is_meta(r.prop))
            continue;
        pairs[n++] = (prop_value){kd_prop_name(r.prop), r.value};
    }
    /* Sorted by name, not enum value, so the hash survives reordering of
     * KD_PROP_MAP and of the values in the index. */
    qsort(pairs, n, sizeof *pairs, compare_prop_value);
    sha256_ctx *h = sha256_new();
    if (h) {
        const char *schema = kd_schema_name(v.schema);
        sha256_update(h, schema, strlen(schema) + 1);
        for (size_t i = 0; i < n; i++) {
            sha256_update(h, pairs[i].prop, strlen(pairs[i].prop) + 1);
            sha256_update(h, pairs[i].value, strlen(pairs[i].value) + 1);
        }
        sha256_final_hex(h, out);
    }
    if (pairs != stack)
        free(pairs);
}

void kd_party_hash(const kd_index *ix, size_t position, char out[65])
{
    size_t members[64];
    size_t n = kd_index_party_members(ix, position, members, 64);
    out[0] = '\0';
    if (n <= 1) { /* a record alone: its own hash, as before parties */
        if (n)
            kd_entity_hash(ix, members[0], out);
        return;
    }
    sha256_ctx *h = sha256_new();
    if (!h)
        return;
    for (size_t m = 0; m < n && m < 64; m++) {
        kd_entity_view v;
        char member[65];
        kd_index_entity(ix, members[m], &v);
        kd_entity_hash(ix, members[m], member);
        sha256_update(h, v.id, strlen(v.id) + 1);
        sha256_update(h, member, strlen(member) + 1);
    }
    sha256_final_hex(h, out);
}
