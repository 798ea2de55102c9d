/* Builds the name-matching tables (index.h) from the sorted entities.
 * Transliteration is the expensive step (microseconds a name through ICU),
 * so it happens here, once per build, and never at query time for list
 * names. */
#include "builder_internal.h"
#include "model/model.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

typedef struct pending_token {
    uint32_t key_text, surface;
    uint8_t cls, len;
} pending_token;

typedef struct key_map {
    uint32_t *slots; /* key text offset + 1 → id + 1 pairs packed below */
    uint32_t *ids;
    size_t n_slots, count;
} key_map;

static bool screenable(uint16_t schema)
{
    return schema == KD_SCHEMA_PERSON || schema == KD_SCHEMA_ORGANIZATION ||
           schema == KD_SCHEMA_COMPANY || schema == KD_SCHEMA_LEGAL_ENTITY ||
           schema == KD_SCHEMA_VESSEL || schema == KD_SCHEMA_AIRPLANE ||
           schema == KD_SCHEMA_PUBLIC_BODY;
}

static int name_kind(uint16_t prop)
{
    switch (prop) {
    case KD_PROP_NAME: return KDX_NAME_PRIMARY;
    case KD_PROP_ALIAS:
    case KD_PROP_ABBREVIATION: return KDX_NAME_ALIAS;
    case KD_PROP_WEAK_ALIAS: return KDX_NAME_WEAK;
    case KD_PROP_PREVIOUS_NAME: return KDX_NAME_PREVIOUS;
    }
    return -1;
}

static int grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return KD_OK;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    void *p = realloc(*items, n * size);
    if (!p)
        return KD_ENOMEM;
    *items = p;
    *cap = n;
    return KD_OK;
}

/* Maps an interned key text (its string offset) to a dense key id. */
static int key_id(key_map *m, uint32_t text, uint32_t *out)
{
    if ((m->count + 1) * 2 > m->n_slots) {
        size_t n = m->n_slots ? m->n_slots * 2 : 1 << 16;
        uint32_t *slots = calloc(n, sizeof *slots), *ids = calloc(n, sizeof *ids);
        if (!slots || !ids) {
            free(slots);
            free(ids);
            return KD_ENOMEM;
        }
        for (size_t i = 0; i < m->n_slots; i++) {
            if (!m->slots[i])
                continue;
            size_t h = (m->slots[i] * 2654435761u) & (n - 1);
            while (slots[h])
                h = (h + 1) & (n - 1);
            slots[h] = m->slots[i];
            ids[h] = m->ids[i];
        }
        free(m->slots);
        free(m->ids);
        m->slots = slots;
        m->ids = ids;
        m->n_slots = n;
    }
    size_t h = ((text + 1) * 2654435761u) & (m->n_slots - 1);
    while (m->slots[h] && m->slots[h] != text + 1)
        h = (h + 1) & (m->n_slots - 1);
    if (!m->slots[h]) {
        m->slots[h] = text + 1;
        m->ids[h] = (uint32_t)m->count++;
    }
    *out = m->ids[h];
    return KD_OK;
}

typedef struct build_state {
    string_table *strings;
    name_tables *out;
    size_t cap_names, cap_tokens;
    pending_token *pending;
    size_t n_pending, cap_pending;
    buf forms, seen;
} build_state;

/* Adds one romanised form of one name as a kdx_name, unless the entity
 * already has exactly this form (forms of aliases repeat a lot). */
static int add_form(build_state *st, uint32_t entity, int kind, const char *form, size_t seen_start)
{
    for (size_t at = seen_start; at < st->seen.len; at += strlen(st->seen.data + at) + 1)
        if (strcmp(st->seen.data + at, form) == 0)
            return KD_OK;
    if (buf_append(&st->seen, form, strlen(form) + 1))
        return KD_ENOMEM;
    name_tables *t = st->out;
    if (grow((void **)&t->names, &st->cap_names, t->n_names + 1, sizeof *t->names))
        return KD_ENOMEM;
    kdx_name *name = &t->names[t->n_names];
    /* every byte set: one input builds one file (realloc leaves padding
     * and the reserved byte as they were) */
    memset(name, 0, sizeof *name);
    name->entity = entity;
    name->kind = (uint8_t)kind;
    name->tokens_first = (uint32_t)st->n_pending;
    name->n_tokens = 0;
    const char *p = form;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (!len)
            break;
        char token[128], key[128];
        if (len >= sizeof token || name->n_tokens == UINT16_MAX) {
            p += len;
            continue;
        }
        memcpy(token, p, len);
        token[len] = '\0';
        size_t klen = text_token_key(token, len, key, sizeof key);
        if (klen == 0 || klen >= sizeof key) {
            p += len;
            continue;
        }
        key[klen] = '\0';
        if (grow((void **)&st->pending, &st->cap_pending, st->n_pending + 1, sizeof *st->pending))
            return KD_ENOMEM;
        pending_token *pt = &st->pending[st->n_pending++];
        pt->cls = (uint8_t)text_token_class_of(token, len);
        pt->len = (uint8_t)len;
        if (strings_intern(st->strings, token, &pt->surface) ||
            strings_intern(st->strings, key, &pt->key_text))
            return KD_ENOMEM;
        name->n_tokens++;
        p += len;
    }
    if (name->n_tokens)
        t->n_names++;
    else
        st->n_pending = name->tokens_first;
    return KD_OK;
}

/* Sorting by string: qsort has no context argument, so each item carries
 * its own pointer into the (by then stable) string blob. */
typedef struct sort_item {
    const char *text;
    uint32_t a, b;
} sort_item;

static int compare_items(const void *x, const void *y)
{
    const sort_item *p = x, *q = y;
    int c = strcmp(p->text, q->text);
    return c ? c : (p->b > q->b) - (p->b < q->b);
}

/* Turns pending tokens into the final key table, tokens and postings. */
static int finish(build_state *st, kd_error *err)
{
    name_tables *t = st->out;
    key_map map = {0};
    uint32_t *token_key = malloc((st->n_pending ? st->n_pending : 1) * sizeof *token_key);
    int rc = token_key ? KD_OK : KD_ENOMEM;
    for (size_t i = 0; i < st->n_pending && !rc; i++)
        rc = key_id(&map, st->pending[i].key_text, &token_key[i]);
    size_t n_keys = map.count;
    kdx_key *keys = rc ? NULL : calloc(n_keys ? n_keys : 1, sizeof *keys);
    if (!rc && !keys)
        rc = KD_ENOMEM;
    for (size_t i = 0; i < map.n_slots && !rc; i++)
        if (map.slots[i])
            keys[map.ids[i]].text = map.slots[i] - 1;
    /* Sort keys by text, then renumber every token's key. */
    uint32_t *renumber = rc ? NULL : malloc((n_keys ? n_keys : 1) * sizeof *renumber);
    if (!rc && !renumber)
        rc = KD_ENOMEM;
    sort_item *items = rc ? NULL : malloc((n_keys ? n_keys : 1) * sizeof *items);
    if (!rc && !items)
        rc = KD_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < n_keys; i++)
            items[i] = (sort_item){st->strings->blob.data + keys[i].text, keys[i].text, (uint32_t)i};
        qsort(items, n_keys, sizeof *items, compare_items);
        for (size_t i = 0; i < n_keys; i++) {
            keys[i].text = items[i].a;
            renumber[items[i].b] = (uint32_t)i;
        }
    }
    free(items);
    t->tokens = rc ? NULL : calloc(st->n_pending ? st->n_pending : 1, sizeof *t->tokens);
    if (!rc && !t->tokens)
        rc = KD_ENOMEM;
    for (size_t i = 0; i < st->n_pending && !rc; i++) {
        t->tokens[i].key = renumber[token_key[i]];
        t->tokens[i].surface = st->pending[i].surface;
        t->tokens[i].cls = st->pending[i].cls;
        t->tokens[i].len = st->pending[i].len;
    }
    t->n_tokens = rc ? 0 : st->n_pending;
    /* Postings: each name once per key, in name order; names are in entity
     * order, so counting distinct entities per key is a running compare. */
    uint32_t *last_name = rc ? NULL : malloc((n_keys ? n_keys : 1) * sizeof *last_name);
    uint32_t *last_entity = rc ? NULL : malloc((n_keys ? n_keys : 1) * sizeof *last_entity);
    if (!rc && (!last_name || !last_entity))
        rc = KD_ENOMEM;
    if (!rc) {
        memset(last_name, 0xFF, n_keys * sizeof *last_name);
        memset(last_entity, 0xFF, n_keys * sizeof *last_entity);
        for (int pass = 0; pass < 2 && !rc; pass++) {
            if (pass == 1) {
                size_t total = 0;
                for (size_t k = 0; k < n_keys; k++) {
                    keys[k].postings_first = (uint32_t)total;
                    total += keys[k].n_postings;
                    keys[k].n_postings = 0;
                }
                t->postings = malloc((total ? total : 1) * sizeof *t->postings);
                t->n_postings = total;
                if (!t->postings) {
                    rc = KD_ENOMEM;
                    break;
                }
                memset(last_name, 0xFF, n_keys * sizeof *last_name);
            }
            for (size_t n = 0; n < t->n_names; n++) {
                const kdx_name *name = &t->names[n];
                for (uint32_t k = 0; k < name->n_tokens; k++) {
                    uint32_t key = t->tokens[name->tokens_first + k].key;
                    if (last_name[key] == n)
                        continue;
                    last_name[key] = (uint32_t)n;
                    if (pass == 0) {
                        keys[key].n_postings++;
                        if (last_entity[key] != name->entity) {
                            last_entity[key] = name->entity;
                            keys[key].entity_count++;
                        }
                    } else {
                        t->postings[keys[key].postings_first + keys[key].n_postings++] = (uint32_t)n;
                    }
                }
            }
        }
    }
    /* Deletion neighbourhood of every key of four letters or more. */
    size_t cap_del = 0;
    for (size_t k = 0; k < n_keys && !rc; k++) {
        const char *text = st->strings->blob.data + keys[k].text;
        size_t len = strlen(text);
        if (len < 4 || len > 40)
            continue;
        for (size_t i = 0; i < len && !rc; i++) {
            if (i && text[i] == text[i - 1])
                continue; /* same variant as deleting the previous letter */
            char variant[48];
            memcpy(variant, text, i);
            memcpy(variant + i, text + i + 1, len - i);
            rc = grow((void **)&t->deletions, &cap_del, t->n_deletions + 1, sizeof *t->deletions);
            if (rc)
                break;
            kdx_deletion *d = &t->deletions[t->n_deletions++];
            d->key = (uint32_t)k;
            /* interning may move the blob: re-read text afterwards */
            rc = strings_intern(st->strings, variant, &d->text);
            text = st->strings->blob.data + keys[k].text;
        }
    }
    items = rc ? NULL : malloc((t->n_deletions ? t->n_deletions : 1) * sizeof *items);
    if (!rc && !items)
        rc = KD_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < t->n_deletions; i++)
            items[i] = (sort_item){st->strings->blob.data + t->deletions[i].text,
                                   t->deletions[i].text, t->deletions[i].key};
        qsort(items, t->n_deletions, sizeof *items, compare_items);
        for (size_t i = 0; i < t->n_deletions; i++)
            t->deletions[i] = (kdx_deletion){items[i].a, items[i].b};
    }
    free(items);
    t->keys = keys;
    t->n_keys = rc ? 0 : n_keys;
    free(token_key);
    free(renumber);
    free(last_name);
    free(last_entity);
    free(map.slots);
    free(map.ids);
    return rc ? error_set(err, rc, "building name tables: %s", kd_strerror(rc)) : KD_OK;
}

static int add_name(build_state *st, text_normaliser *tn, uint32_t entity, int kind, const char *text)
{
    buf_clear(&st->forms);
    int n = text_name_forms(tn, text, strlen(text), &st->forms);
    if (n < 0)
        return KD_OK; /* a name ICU cannot read stays unsearchable, not fatal */
    size_t at = 0;
    int rc = KD_OK;
    for (int f = 0; f < n && !rc; f++) {
        const char *form = st->forms.data + at;
        at += strlen(form) + 1;
        rc = add_form(st, entity, kind, form, 0);
    }
    return rc;
}

size_t index_hashed_name_first(const kdx_hashed_name *table, size_t n, uint64_t h)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int index_hashed_name_compare(const void *a, const void *b)
{
    const kdx_hashed_name *x = a, *y = b;
    if (x->hash != y->hash)
        return (x->hash > y->hash) - (x->hash < y->hash);
    return (x->name > y->name) - (x->name < y->name);
}

/* kdx_hashed_name for every pair of neighbouring words of every name: a name
 * word or particle then a name word ("al baghdadi" as "albaghdadi"). */
static int joined_build(name_tables *t, const string_table *strings)
{
    t->n_joined = 0;
    t->joined = malloc((t->n_tokens ? t->n_tokens : 1) * sizeof *t->joined);
    if (!t->joined)
        return KD_ENOMEM;
    char text[128], key[TEXT_KEY_SIZE(128)];
    for (size_t i = 0; i < t->n_names; i++) {
        const kdx_name *name = &t->names[i];
        for (uint32_t k = 0; k + 1 < name->n_tokens; k++) {
            const kdx_token *a = &t->tokens[name->tokens_first + k], *b = a + 1;
            if ((size_t)a->len + b->len >= sizeof text ||
                (a->cls != TEXT_TOKEN_NAME && a->cls != TEXT_TOKEN_PARTICLE) || b->cls != TEXT_TOKEN_NAME)
                continue;
            memcpy(text, strings->blob.data + a->surface, a->len);
            memcpy(text + a->len, strings->blob.data + b->surface, b->len);
            size_t kl = text_token_key(text, (size_t)a->len + b->len, key, sizeof key);
            if (kl && kl < sizeof key)
                t->joined[t->n_joined++] = (kdx_hashed_name){hash_bytes(key, kl), (uint32_t)i, 0};
        }
    }
    qsort(t->joined, t->n_joined, sizeof *t->joined, index_hashed_name_compare);
    return KD_OK;
}

int names_build(const built_entity *entities, size_t n_entities, string_table *strings,
                name_tables *out, kd_error *err)
{
    memset(out, 0, sizeof *out);
    text_normaliser *tn;
    int rc = text_normaliser_new(&tn, err);
    if (rc)
        return rc;
    build_state st = {.strings = strings, .out = out};
    buf outside = {0}, inside = {0};
    for (size_t i = 0; i < n_entities && !rc; i++) {
        const built_entity *e = &entities[i];
        if (!screenable(e->schema))
            continue;
        buf_clear(&st.seen);
        for (uint32_t v = 0; v < e->n_values && !rc; v++) {
            int kind = name_kind(e->values[v].prop);
            if (kind < 0)
                continue;
            const char *text = e->values[v].text;
            rc = add_name(&st, tn, (uint32_t)i, kind, text);
            /* a country in brackets says where ("FOUNDATION (KENYA)"): no
             * name of its own */
            char country[3];
            if (!rc && text_split_parenthetical(text, &outside, &inside) &&
                !country_code(inside.data, inside.len, country)) {
                rc = add_name(&st, tn, (uint32_t)i, kind, outside.data);
                rc = rc ? rc : add_name(&st, tn, (uint32_t)i, kind, inside.data);
            }
        }
    }
    if (!rc) {
        rc = finish(&st, err);
        if (!rc && joined_build(out, strings))
            rc = error_set(err, KD_ENOMEM, "building name tables: out of memory");
    } else {
        rc = error_set(err, rc, "building name tables: %s", kd_strerror(rc));
    }
    free(st.pending);
    buf_free(&outside);
    buf_free(&inside);
    buf_free(&st.forms);
    buf_free(&st.seen);
    text_normaliser_free(tn);
    return rc;
}

void names_free(name_tables *t)
{
    free(t->joined);
    free(t->names);
    free(t->tokens);
    free(t->keys);
    free(t->postings);
    free(t->deletions);
    memset(t, 0, sizeof *t);
}
