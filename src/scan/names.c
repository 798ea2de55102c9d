/* What the scanner knows of the listed names before any kd_match: which
 * keys a listed name has, which pairs of keys share one, which words stand
 * alone as a body's name, and the words the index split into parts
 * ("Abdullah" is indexed as abd ullah). Built once per scanner; read-only
 * while scanning. */
#include "scan.h"
#include "match/match.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

/* Pairs of keys that occur together in a listed name, as bits of a hashed
 * set (2^23 bits, 1 MiB; a few hundred thousand pairs leave few false
 * "maybe"s): most windows of ordinary capitalised words pair two keys no
 * listed name has together, and are ruled out without reading postings. */
#define KEY_PAIR_BITS (1u << 23)
/* bits of the set of spellings of words in bodies' names */
#define BODY_WORD_BITS (1u << 20)
/* a split word joins at most this many index tokens */
#define COMPOUND_PARTS 3

static inline uint32_t key_pair_bit(uint32_t a, uint32_t b)
{
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    uint64_t h = (lo << 32 | hi) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 41); /* top 23 bits */
}

static inline void set_bit(uint8_t *bits, uint32_t i) { bits[i / 8] |= (uint8_t)(1u << (i % 8)); }

bool scan_bit(const uint8_t *bits, uint32_t i) { return bits[i / 8] & (1u << (i % 8)); }

uint32_t scan_names_key(const scan_names *n, uint32_t hash)
{
    size_t at = hash & (n->n_slots - 1);
    while (n->slots[at].hash) {
        if (n->slots[at].hash == hash)
            return n->slots[at].key;
        at = (at + 1) & (n->n_slots - 1);
    }
    return UINT32_MAX;
}

/* The key of a split word that no listed name has whole ("nasrallah",
 * listed as nasr allah): an id past the index's keys, for the scanner's
 * checks only. */
static uint32_t virtual_key(scan_names *n, uint32_t hash)
{
    size_t at = hash & (n->n_slots - 1);
    while (n->slots[at].hash) {
        if (n->slots[at].hash == hash)
            return n->slots[at].key;
        at = (at + 1) & (n->n_slots - 1);
    }
    if (2 * (n->n_keys_all + 1) > n->n_slots)
        return UINT32_MAX; /* sized for it (keys and names); never here in practice */
    n->slots[at] = (struct scan_key_slot){hash, (uint32_t)n->n_keys_all};
    return (uint32_t)n->n_keys_all++;
}

static int index_keys(const kd_index *ix, scan_names *n)
{
    /* room for the keys of split words too (see find_compounds) */
    n->n_slots = 1024;
    while (n->n_slots < (ix->n_keys + ix->n_names) * 2 + 2)
        n->n_slots *= 2;
    n->n_keys_all = ix->n_keys;
    if (!(n->slots = calloc(n->n_slots, sizeof *n->slots)))
        return KD_ENOMEM;
    for (size_t k = 0; k < ix->n_keys; k++) {
        const char *key = index_string(ix, ix->keys[k].text);
        uint64_t h64 = hash_bytes(key, strlen(key));
        uint32_t h = (uint32_t)(h64 ^ (h64 >> 32)) | 1u;
        size_t at = h & (n->n_slots - 1);
        while (n->slots[at].hash && n->slots[at].hash != h)
            at = (at + 1) & (n->n_slots - 1);
        if (!n->slots[at].hash) /* two keys, one hash: the first stands */
            n->slots[at] = (struct scan_key_slot){h, (uint32_t)k};
    }
    return KD_OK;
}

typedef struct compound {
    uint32_t key, name;
} compound;

typedef struct compound_list {
    compound *items;
    size_t n, cap;
} compound_list;

/* Notes every listed key that the joined spelling of two to COMPOUND_PARTS
 * consecutive tokens of the name has: text writes "Abdullah" where the
 * index holds abd ullah. */
static int find_compounds(const kd_index *ix, scan_names *n, uint32_t name_id, scan_tokens *cache,
                          compound_list *out)
{
    const kdx_name *name = &ix->names[name_id];
    const kdx_token *nt = &ix->tokens[name->tokens_first];
    for (uint16_t x = 0; x + 1 < name->n_tokens; x++) {
        char joined[64];
        size_t jl = 0;
        for (uint16_t y = x; y < name->n_tokens && y < x + COMPOUND_PARTS; y++) {
            if (jl + nt[y].len > sizeof joined)
                break;
            memcpy(joined + jl, index_string(ix, nt[y].surface), nt[y].len);
            jl += nt[y].len;
            if (y == x)
                continue;
            /* the same parts recur in many names: keyed through a cache */
            uint32_t hash = scan_cached_key_hash(cache, joined, jl);
            uint32_t key = scan_names_key(n, hash);
            if (key == UINT32_MAX && (key = virtual_key(n, hash)) == UINT32_MAX)
                continue;
            if (out->n == out->cap) {
                size_t cap = out->cap ? 2 * out->cap : 4096;
                compound *p = realloc(out->items, cap * sizeof *p);
                if (!p)
                    return KD_ENOMEM;
                out->items = p;
                out->cap = cap;
            }
            out->items[out->n++] = (compound){key, name_id};
        }
    }
    return KD_OK;
}

/* Names holding a key through a split word, by key (CSR); the compound's
 * key pairs with every key of its name. */
static int index_compounds(const kd_index *ix, scan_names *n)
{
    compound_list list = {0};
    scan_tokens *cache = calloc(1, sizeof *cache);
    for (size_t i = 0; cache && i < ix->n_names; i++)
        if (find_compounds(ix, n, (uint32_t)i, cache, &list)) {
            free(list.items);
            free(cache);
            return KD_ENOMEM;
        }
    if (!cache)
        return KD_ENOMEM;
    free(cache);
    n->compound_first = calloc(n->n_keys_all + 2, sizeof *n->compound_first);
    n->compound_names = malloc((list.n + 1) * sizeof *n->compound_names);
    if (!n->compound_first || !n->compound_names) {
        free(list.items);
        return KD_ENOMEM;
    }
    for (size_t i = 0; i < list.n; i++)
        n->compound_first[list.items[i].key + 2]++;
    for (size_t k = 2; k <= n->n_keys_all + 1; k++)
        n->compound_first[k] += n->compound_first[k - 1];
    /* compound_first[k + 1] runs as the next free place of key k, and
     * ends as the start of key k + 1 */
    for (size_t i = 0; i < list.n; i++) {
        const compound *c = &list.items[i];
        n->compound_names[n->compound_first[c->key + 1]++] = c->name;
        const kdx_name *nm = &ix->names[c->name];
        for (uint16_t t = 0; t < nm->n_tokens; t++)
            set_bit(n->key_pairs, key_pair_bit(c->key, ix->tokens[nm->tokens_first + t].key));
    }
    free(list.items);
    return KD_OK;
}

int scan_names_build(const kd_index *ix, scan_names *n)
{
    memset(n, 0, sizeof *n);
    n->ix = ix;
    n->lone_body_key = calloc(ix->n_keys / 8 + 1, 1);
    n->given_key = calloc(ix->n_keys / 8 + 1, 1);
    n->name_words = malloc(ix->n_names + 1);
    n->key_pairs = calloc(KEY_PAIR_BITS / 8, 1);
    n->body_word = calloc(BODY_WORD_BITS / 8, 1);
    n->body_name = calloc(BODY_WORD_BITS / 8, 1);
    n->given_word = calloc(BODY_WORD_BITS / 8, 1);
    n->equivalent_key = calloc(ix->n_keys / 8 + 1, 1);
    if (!n->lone_body_key || !n->given_key || !n->name_words || !n->key_pairs || !n->body_word ||
        !n->body_name || !n->given_word || !n->equivalent_key ||
        index_keys(ix, n)) {
        scan_names_free(n);
        return KD_ENOMEM;
    }
    match_mark_equivalent_keys(ix, n->equivalent_key);
    for (size_t i = 0; i < ix->n_names; i++) {
        const kdx_name *name = &ix->names[i];
        const kdx_token *nt = &ix->tokens[name->tokens_first];
        kd_schema schema = (kd_schema)ix->entities[name->entity].schema;
        if (schema == KD_SCHEMA_PERSON && name->n_tokens > 1) {
            set_bit(n->given_key, nt[0].key);
            set_bit(n->given_word, scan_word_hash(index_string(ix, nt[0].surface), nt[0].len) % BODY_WORD_BITS);
        }
        uint32_t key = UINT32_MAX;
        size_t words = 0;
        for (uint16_t t = 0; t < name->n_tokens; t++) {
            if (nt[t].cls == TEXT_TOKEN_LEGAL || nt[t].cls == TEXT_TOKEN_STOP ||
                nt[t].cls == TEXT_TOKEN_PARTICLE || nt[t].cls == TEXT_TOKEN_HONORIFIC)
                continue;
            key = nt[t].key;
            words++;
        }
        n->name_words[i] = (uint8_t)(words < 255 ? words : 255);
        for (uint16_t x = 0; x < name->n_tokens; x++)
            for (uint16_t y = (uint16_t)(x + 1); y < name->n_tokens; y++)
                set_bit(n->key_pairs, key_pair_bit(nt[x].key, nt[y].key));
        if (schema == KD_SCHEMA_PERSON || schema == KD_SCHEMA_VESSEL || schema == KD_SCHEMA_AIRPLANE)
            continue;
        for (uint16_t t = 0; t < name->n_tokens; t++)
            set_bit(n->body_word,
                    scan_word_hash(index_string(ix, nt[t].surface), nt[t].len) % BODY_WORD_BITS);
        /* A single word is a listed hit only as the whole name of a body
         * (one word beside legal forms and stop words) */
        if (words == 1)
            set_bit(n->lone_body_key, key);
        /* ... and spelled as the whole name ("Hamas", "Taliban"; "Hizballah"
         * split as hizb allah), the word is that name however often the
         * listings' prose uses it */
        if (words >= 1 && words <= 3) {
            char joined[64];
            size_t jl = 0;
            bool fits = true;
            for (uint16_t t = 0; t < name->n_tokens && fits; t++) {
                if (nt[t].cls == TEXT_TOKEN_LEGAL || nt[t].cls == TEXT_TOKEN_STOP ||
                    nt[t].cls == TEXT_TOKEN_PARTICLE || nt[t].cls == TEXT_TOKEN_HONORIFIC)
                    continue;
                fits = jl + nt[t].len <= sizeof joined;
                if (fits)
                    memcpy(joined + jl, index_string(ix, nt[t].surface), nt[t].len), jl += nt[t].len;
            }
            if (fits && jl)
                set_bit(n->body_name, scan_word_hash(joined, jl) % BODY_WORD_BITS);
        }
    }
    if (index_compounds(ix, n)) {
        scan_names_free(n);
        return KD_ENOMEM;
    }
    return KD_OK;
}

void scan_names_free(scan_names *n)
{
    free(n->slots);
    free(n->lone_body_key);
    free(n->given_key);
    free(n->name_words);
    free(n->key_pairs);
    free(n->body_word);
    free(n->body_name);
    free(n->given_word);
    free(n->equivalent_key);
    free(n->compound_first);
    free(n->compound_names);
    memset(n, 0, sizeof *n);
}

bool scan_names_body_spelling(const scan_names *n, const char *folded, size_t len)
{
    return scan_bit(n->body_word, scan_word_hash(folded, len) % BODY_WORD_BITS);
}

bool scan_names_given_word(const scan_names *n, const char *folded, size_t len)
{
    return scan_bit(n->given_word, scan_word_hash(folded, len) % BODY_WORD_BITS);
}

bool scan_names_body_name(const scan_names *n, const char *folded, size_t len)
{
    return scan_bit(n->body_name, scan_word_hash(folded, len) % BODY_WORD_BITS);
}

/* Whether a token of the name has the key, or tokens of it joined spell
 * the word: the cheap half of name_covers, asked of every word first. */
static bool name_may_cover(const kd_index *ix, const kdx_name *name, uint32_t key)
{
    const kdx_token *nt = &ix->tokens[name->tokens_first];
    for (uint16_t t = 0; t < name->n_tokens; t++)
        if (nt[t].key == key)
            return true;
    return false;
}

/* Whether the name holds the word as window_covered will ask it of a
 * matched name: a word with its key spelled close to it, or words that
 * joined spell it. */
static bool name_covers(const scan_names *n, const kdx_name *name, const scan_word *w)
{
    const kd_index *ix = n->ix;
    const kdx_token *nt = &ix->tokens[name->tokens_first];
    for (uint16_t t = 0; t < name->n_tokens; t++)
        if (nt[t].key == w->key &&
            (!w->spelled ||
             similarity_jaro_winkler(w->spelling, w->len, index_string(ix, nt[t].surface), nt[t].len) >= 0.85 ||
             /* one given name in two languages (Sergei, Siarhei); Russian and
              * Belarusian vowels (Kovalenko, Kavalenka) */
             (scan_bit(n->equivalent_key, nt[t].key) &&
              text_name_equivalence(w->spelling, w->len, index_string(ix, nt[t].surface), nt[t].len, NULL,
                                    NULL)) ||
             text_vowels_only_differ(w->spelling, w->len, index_string(ix, nt[t].surface), nt[t].len)))
            return true;
    for (uint16_t x = 0; x + 1 < name->n_tokens; x++) {
        size_t jl = 0;
        for (uint16_t y = x; y < name->n_tokens && y < x + COMPOUND_PARTS; y++) {
            if (jl + nt[y].len > w->len || memcmp(w->spelling + jl, index_string(ix, nt[y].surface), nt[y].len))
                break;
            jl += nt[y].len;
            if (jl == w->len && y > x)
                return true;
        }
    }
    return false;
}

/* Whether some word of the name may be w in another romanisation: of its
 * spelling family and not far in spelling, or spelled close ("Elena" for
 * Helena, "Haniya" for Haniyeh, "Alexander" for Alyaksandr); kd_match and
 * window_covered judge afterwards. */
static bool name_near(const kd_index *ix, const kdx_name *name, const scan_word *w)
{
    const kdx_token *nt = &ix->tokens[name->tokens_first];
    for (uint16_t t = 0; t < name->n_tokens; t++) {
        const char *listed = index_string(ix, nt[t].surface);
        if ((nt[t].key == w->key && similarity_jaro_winkler(w->spelling, w->len, listed, nt[t].len) >= 0.75) ||
            scan_words_near(w->spelling, w->len, listed, nt[t].len))
            return true;
    }
    return false;
}

/* Whether some word of a body's name is w but for one letter, as
 * window_covered lets a body's long word be. */
static bool name_letter_off(const kd_index *ix, const kdx_name *name, const scan_word *w)
{
    const kdx_token *nt = &ix->tokens[name->tokens_first];
    for (uint16_t t = 0; t < name->n_tokens; t++) {
        const char *listed = index_string(ix, nt[t].surface);
        if (listed[0] == w->spelling[0] && text_edit_distance(w->spelling, w->len, listed, nt[t].len, 1) <= 1)
            return true;
    }
    return false;
}

static bool pair_known(const scan_names *n, const scan_word *a, const scan_word *b)
{
    return a->key == b->key || scan_bit(n->key_pairs, key_pair_bit(a->key, b->key));
}

bool scan_words_near(const char *a, size_t la, const char *b, size_t lb)
{
    return la >= 4 && lb >= 4 && la <= lb + 2 && lb <= la + 2 &&
           (similarity_jaro_winkler(a, la, b, lb) >= SCAN_NEAR_JARO_WINKLER || text_vowels_only_differ(a, la, b, lb) ||
            scan_words_loose(a, la, b, lb));
}

bool scan_words_loose(const char *a, size_t la, const char *b, size_t lb)
{
    if (la < 5 || lb < 5 || la > lb + 2 || lb > la + 2)
        return false;
    char ka[64], kb[64];
    size_t na = text_token_loose_key(a, la, ka, sizeof ka), nb = text_token_loose_key(b, lb, kb, sizeof kb);
    /* and two letters apart at most: where systems write one sound two
     * ways (gh/q, y/i), not a name's vowels changed ("Shmeleva" is not
     * Shumilova) */
    return na && na == nb && na < sizeof ka && memcmp(ka, kb, na) == 0 && text_edit_distance(a, la, b, lb, 2) <= 2;
}

/* Walks the names of the rarest key of the words other than `odd`: whether
 * one holds them all (odd: spelled close to one of its words). */
static int names_walk(const scan_names *n, const scan_word *words, size_t count, size_t odd, size_t max_walk)
{
    const kd_index *ix = n->ix;
    /* the names of the rarest key, whole or split */
    size_t rarest = SIZE_MAX, fewest = SIZE_MAX;
    for (size_t i = 0; i < count; i++) {
        if (i == odd)
            continue;
        uint32_t k = words[i].key;
        size_t names = (k < ix->n_keys ? ix->keys[k].n_postings : 0) + n->compound_first[k + 1] -
                       n->compound_first[k];
        if (names < fewest)
            fewest = names, rarest = i;
    }
    if (fewest > max_walk)
        return SCAN_NAMES_COSTLY;
    uint32_t rk = words[rarest].key;
    uint32_t whole = rk < ix->n_keys ? ix->keys[rk].n_postings : 0; /* names with the key as a word */
    uint32_t split_first = n->compound_first[rk];
    for (size_t p = 0; p < fewest; p++) {
        uint32_t position = p < whole ? ix->postings[ix->keys[rk].postings_first + p]
                                      : n->compound_names[split_first + p - whole];
        /* two words of a twenty-word name never score a hit: "Federal
         * Agency" of the Federal Agency for the Commonwealth of ...
         * (particles, legal forms and stop words aside) */
        if (2 * count < n->name_words[position])
            continue;
        const kdx_name *name = &ix->names[position];
        /* only persons' names take a word in another romanisation
         * (window_covered): a body's other word is another word, but for
         * a letter in a long word ("Syrian" for Syria, "Guards" for Guard) */
        bool body = ix->entities[name->entity].schema != KD_SCHEMA_PERSON;
        if (odd != SIZE_MAX && body && words[odd].len < 6)
            continue;
        /* the cheap half first: a key of the name, or one that split words
         * of some name hold */
        bool all = true;
        for (size_t i = 0; i < count && all && p < whole; i++)
            all = i == odd || name_may_cover(ix, name, words[i].key) ||
                  n->compound_first[words[i].key + 1] > n->compound_first[words[i].key];
        for (size_t i = 0; i < count && all; i++)
            all = i != odd ? name_covers(n, name, &words[i])
                  : body   ? name_letter_off(ix, name, &words[i])
                           : name_near(ix, name, &words[i]);
        if (all)
            return true;
    }
    return false;
}

/* Whether every pair of the words but `odd` shares a listed name. */
static bool pairs_known(const scan_names *n, const scan_word *words, size_t count, size_t odd)
{
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++)
            if (i != odd && j != odd && !pair_known(n, &words[i], &words[j]))
                return false;
    return true;
}

int scan_names_possible(const scan_names *n, const scan_word *words, size_t count, size_t max_walk,
                        size_t odd_walk)
{
    /* One word of a window may be spelled unlike any listed word with its
     * key (another romanisation: "Elena" for Helena, "Haniya" for
     * Haniyeh): the other words must hold, and a name they lead to must
     * have a word spelled close to it. */
    size_t odd = SIZE_MAX;
    for (size_t i = 0; i < count; i++)
        if (words[i].key == UINT32_MAX) {
            if (odd != SIZE_MAX || count < 2)
                return false;
            odd = i;
        }
    if (count <= 1)
        return true; /* one word: try_listed has rules of its own */
    if (odd == SIZE_MAX && pairs_known(n, words, count, SIZE_MAX)) {
        int walked = names_walk(n, words, count, SIZE_MAX, max_walk);
        if (walked)
            return walked;
    }
    if (odd_walk == 0)
        return false;
    /* the odd word: the unknown one, else each word in turn */
    for (size_t i = odd == SIZE_MAX ? 0 : odd; i < count; i++) {
        if (!words[i].spelled || words[i].len < 4 || !pairs_known(n, words, count, i))
            goto next;
        /* a name found through the other words, if they are rare enough
         * to walk: the odd word is tried only where it costs little */
        if (names_walk(n, words, count, i, odd_walk) == 1)
            return true;
    next:
        if (odd != SIZE_MAX)
            break;
    }
    return false;
}
