/* Listed parties by identifier, for a query that has one and no name (a
 * vessel by its IMO number, a company by its INN): yente answers those,
 * and a payment message may carry only the number. The table is built
 * from the index on the first such query (most matchers never see one). */
#include "match.h"
#include "match_identifiers.h"

#include <stdlib.h>
#include <string.h>

/* entries by the hash of their lookup key; `name` holds the record */
struct match_id_table {
    kdx_hashed_name *entries;
    size_t n;
};

/* The form identifiers are looked up by: match_identifier_key, and of a
 * number written with a prefix ("IMO 9187629", "INN7701234567") the digits
 * alone when there are six or more, since lists write the prefix or not. */
static size_t lookup_key(const char *value, char *out, size_t size)
{
    char key[128];
    size_t n = match_identifier_key(value, key, sizeof key);
    size_t digits = 0;
    for (size_t i = 0; i < n; i++)
        digits += key[i] >= '0' && key[i] <= '9';
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        if (digits < 6 || (key[i] >= '0' && key[i] <= '9'))
            out[k++] = key[i];
    out[k] = '\0';
    return k;
}

int match_id_table_build(const kd_index *ix, match_id_table **out)
{
    match_id_table *t = calloc(1, sizeof *t);
    if (!t)
        return KD_ENOMEM;
    size_t cap = 1024;
    t->entries = malloc(cap * sizeof *t->entries);
    for (size_t e = 0; t->entries && e < kd_index_entity_count(ix); e++) {
        kd_entity_view v;
        if (kd_index_entity(ix, e, &v))
            continue;
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, i);
            char key[128];
            size_t n;
            if (!match_identifier_prop(r.prop) || (n = lookup_key(r.value, key, sizeof key)) < 4)
                continue;
            if (t->n == cap) {
                kdx_hashed_name *grown = realloc(t->entries, 2 * cap * sizeof *grown);
                if (!grown) {
                    match_id_table_free(t);
                    return KD_ENOMEM;
                }
                t->entries = grown;
                cap *= 2;
            }
            t->entries[t->n++] = (kdx_hashed_name){hash_bytes(key, n), (uint32_t)e, 0};
        }
    }
    if (!t->entries) {
        free(t);
        return KD_ENOMEM;
    }
    qsort(t->entries, t->n, sizeof *t->entries, index_hashed_name_compare);
    *out = t;
    return KD_OK;
}

void match_id_table_free(match_id_table *t)
{
    if (!t)
        return;
    free(t->entries);
    free(t);
}

size_t match_id_table_find(const match_id_table *t, const char *identifier, uint32_t *entities, size_t most)
{
    char key[128];
    size_t n = lookup_key(identifier, key, sizeof key);
    if (n < 4)
        return 0;
    uint64_t h = hash_bytes(key, n);
    size_t found = 0;
    for (size_t lo = index_hashed_name_first(t->entries, t->n, h); lo < t->n && t->entries[lo].hash == h && found < most;
         lo++)
        if (!found || entities[found - 1] != t->entries[lo].name)
            entities[found++] = t->entries[lo].name;
    return found;
}
