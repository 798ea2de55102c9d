/* Per-scan memory of what a window's words gave: a text names the same
 * parties again and again ("Rossotrudnichestvo" four times in a short
 * article), and the second time costs a hash lookup instead of a match. */
#include "scan.h"

#include <stdlib.h>
#include <string.h>

/* Beyond this many windows a text is mostly new names; memory stays bounded. */
#define MEMO_MAX_ENTRIES (1u << 16)

typedef struct memo_entry {
    uint64_t hash;
    uint32_t key_off, key_len; /* in keys */
    uint32_t first, count;
    int tag;
} memo_entry;

static uint64_t memo_hash(int tag, const char *key, size_t len)
{
    return hash_bytes(key, len) ^ ((uint64_t)(unsigned)tag * 0x9E3779B97F4A7C15ull);
}

static const memo_entry *find(const scan_memo *m, uint64_t h, int tag, const char *key, size_t len)
{
    if (!m->n_slots)
        return NULL;
    for (size_t at = h & (m->n_slots - 1); m->slots[at]; at = (at + 1) & (m->n_slots - 1)) {
        const memo_entry *e = &m->entries[m->slots[at] - 1];
        if (e->hash == h && e->tag == tag && e->key_len == len &&
            memcmp(m->keys.data + e->key_off, key, len) == 0)
            return e;
    }
    return NULL;
}

bool scan_memo_get(const scan_memo *m, int tag, const char *key, size_t len, uint32_t *first,
                   uint32_t *count)
{
    const memo_entry *e = find(m, memo_hash(tag, key, len), tag, key, len);
    if (!e)
        return false;
    *first = e->first;
    *count = e->count;
    return true;
}

static int grow(scan_memo *m)
{
    size_t n = m->n_slots ? m->n_slots * 2 : 256;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return KD_ENOMEM;
    for (size_t i = 0; i < m->n_entries; i++) {
        size_t at = m->entries[i].hash & (n - 1);
        while (slots[at])
            at = (at + 1) & (n - 1);
        slots[at] = (uint32_t)i + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = n;
    return KD_OK;
}

int scan_memo_put(scan_memo *m, int tag, const char *key, size_t len, uint32_t first, uint32_t count)
{
    if (m->n_entries >= MEMO_MAX_ENTRIES)
        return KD_OK; /* not remembered: looked up again next time */
    if ((m->n_entries + 1) * 2 > m->n_slots && grow(m))
        return KD_ENOMEM;
    if (m->n_entries == m->cap_entries) {
        size_t cap = m->cap_entries ? m->cap_entries * 2 : 128;
        memo_entry *p = realloc(m->entries, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        m->entries = p;
        m->cap_entries = cap;
    }
    uint64_t h = memo_hash(tag, key, len);
    memo_entry *e = &m->entries[m->n_entries];
    *e = (memo_entry){h, (uint32_t)m->keys.len, (uint32_t)len, first, count, tag};
    if (buf_append(&m->keys, key, len))
        return KD_ENOMEM;
    size_t at = h & (m->n_slots - 1);
    while (m->slots[at])
        at = (at + 1) & (m->n_slots - 1);
    m->slots[at] = (uint32_t)m->n_entries++ + 1;
    return KD_OK;
}

void scan_memo_reset(scan_memo *m)
{
    /* The table keeps the size the longest text gave it; a short text after
     * it clears the slots it used rather than the whole table. */
    if (m->n_entries && m->slots && m->n_entries * 16 < m->n_slots) {
        for (size_t i = 0; i < m->n_entries; i++) {
            size_t at = m->entries[i].hash & (m->n_slots - 1);
            while (m->slots[at] != i + 1)
                at = (at + 1) & (m->n_slots - 1);
            m->slots[at] = 0;
        }
    } else if (m->n_entries && m->slots) {
        memset(m->slots, 0, m->n_slots * sizeof *m->slots);
    }
    m->n_entries = 0;
    buf_clear(&m->keys);
}

void scan_memo_free(scan_memo *m)
{
    free(m->slots);
    free(m->entries);
    buf_free(&m->keys);
    memset(m, 0, sizeof *m);
}
