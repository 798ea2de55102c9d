/* strmap: see core.h. Slots are entry indexes rather than entries so that
 * the half of the table kept empty for short probe runs costs 8 bytes a
 * slot, and so that entries stay in insertion order. */
#include "core.h"

#include <stdlib.h>
#include <string.h>

/* The slot holding key, or the free slot where it would go. */
static inline size_t find_slot(const strmap *m, const char *key, size_t len, uint32_t hash)
{
    size_t mask = m->n_slots - 1;
    for (size_t at = hash & mask;; at = (at + 1) & mask) {
        const strmap_slot *s = &m->slots[at];
        if (!s->entry)
            return at;
        /* the hash beside the index settles almost every mismatch without
         * touching the entry or the key */
        if (s->hash != hash)
            continue;
        const strmap_entry *e = &m->entries[s->entry - 1];
        if (e->len == len && memcmp(e->key, key, len) == 0)
            return at;
    }
}

static int rehash(strmap *m, size_t n_slots)
{
    strmap_slot *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return KD_ENOMEM;
    for (size_t i = 0; i < m->n_slots; i++) {
        if (!m->slots[i].entry)
            continue;
        size_t at = m->slots[i].hash & (n_slots - 1);
        while (slots[at].entry)
            at = (at + 1) & (n_slots - 1);
        slots[at] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    return KD_OK;
}

/* Slots at most half full: linear probing's runs stay short. */
static int ensure_slots(strmap *m, size_t n)
{
    if (n * 2 <= m->n_slots)
        return KD_OK;
    size_t s = m->n_slots ? m->n_slots : 16;
    while (s < n * 2)
        s *= 2;
    return rehash(m, s);
}

int strmap_reserve(strmap *m, size_t n)
{
    if (n > UINT32_MAX)
        return KD_ELIMIT;
    if (vec_reserve(&m->entries, &m->cap_entries, n, sizeof *m->entries))
        return KD_ENOMEM;
    return ensure_slots(m, n);
}

bool strmap_get(const strmap *m, const char *key, size_t len, uintptr_t *value)
{
    if (!m->n_slots || len > UINT32_MAX)
        return false;
    if (!len)
        key = ""; /* memcmp wants a pointer even for no bytes */
    uint32_t s = m->slots[find_slot(m, key, len, (uint32_t)hash_bytes(key, len))].entry;
    if (!s)
        return false;
    if (value)
        *value = m->entries[s - 1].value;
    return true;
}

int strmap_add(strmap *m, const char *key, size_t len, uintptr_t value, uintptr_t **out)
{
    if (len > UINT32_MAX)
        return KD_ELIMIT;
    if (!len)
        key = "";
    uint32_t hash = (uint32_t)hash_bytes(key, len);
    size_t at = 0;
    if (m->n_slots) {
        at = find_slot(m, key, len, hash);
        if (m->slots[at].entry) {
            if (out)
                *out = &m->entries[m->slots[at].entry - 1].value;
            return 0;
        }
    }
    if (m->count >= UINT32_MAX) /* slots hold index + 1 in 32 bits */
        return KD_ELIMIT;
    if ((m->count + 1) * 2 > m->n_slots) {
        if (ensure_slots(m, m->count + 1))
            return KD_ENOMEM;
        at = find_slot(m, key, len, hash);
    }
    if (vec_reserve(&m->entries, &m->cap_entries, m->count + 1, sizeof *m->entries))
        return KD_ENOMEM;
    const char *stored = key;
    if (m->copy_keys) {
        /* Copies go in arena blocks sized by the map: many maps hold a
         * handful of keys (one run's cache), a large one should not pay a
         * malloc per few keys. */
        m->keys.block_size = m->count < 1024 ? 4 << 10 : 64 << 10;
        if (!(stored = arena_strndup(&m->keys, key, len)))
            return KD_ENOMEM;
    }
    m->entries[m->count] = (strmap_entry){stored, (uint32_t)len, value};
    m->slots[at] = (strmap_slot){(uint32_t)++m->count, hash};
    if (out)
        *out = &m->entries[m->count - 1].value;
    return 1;
}

void strmap_free(strmap *m)
{
    free(m->entries);
    free(m->slots);
    arena_free(&m->keys);
    *m = (strmap){.copy_keys = m->copy_keys};
}
