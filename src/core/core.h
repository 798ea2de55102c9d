/* core — errors, growable buffers, arenas, UTF-8 checks and hashing shared by
 * every module. Nothing here keeps global mutable state. */
#ifndef KD_CORE_H
#define KD_CORE_H

#include "kordon.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KD_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Fills err (when not NULL) and returns code, so callers can write
 * `return error_set(err, KD_EPARSE, "%s:%zu: ...", ...)`. */
int error_set(kd_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes an existing message with context ("while building X: "). */
int error_wrap(kd_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Growable byte buffer, always NUL-terminated when len > 0. The owner frees
 * data with buf_free. */
typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

int buf_reserve(buf *b, size_t extra);
int buf_append(buf *b, const void *data, size_t n);
int buf_append_str(buf *b, const char *s);
int buf_append_char(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_clear(buf *b);
void buf_free(buf *b);

/* Bump allocator for data that lives as long as one build or one index. */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t used, block_size;
} arena;

void *arena_alloc(arena *a, size_t size);
char *arena_strndup(arena *a, const char *s, size_t n);
void arena_free(arena *a);

/* Makes room for need items in a doubling array. items is the address of
 * the array pointer (a T **, taken as void * so any T fits without a cast);
 * *cap is its capacity in items, updated on growth. On failure the array is
 * left as it was, still the caller's to free. */
int vec_reserve(void *items, size_t *cap, size_t need, size_t item_size);

/* Map from byte-string keys (pointer + length; NUL neither needed nor
 * special) to a number or a pointer. Open addressing with linear probing
 * over a power-of-two array of slots, each the index of an entry in a dense
 * array: iteration is in insertion order, so output built by walking a map
 * does not depend on hashing, and growing moves 8-byte slots (index and
 * hash) rather than entries, without re-reading keys.
 *
 * Without copy_keys the map borrows its keys: the caller keeps each one
 * alive and unchanged for the map's life (arena strings, an entry's own
 * buffer), or, when the bytes move, points entries[i].key at their new
 * place. With copy_keys the map copies every key it adds (NUL-terminated)
 * and frees the copies in strmap_free — for keys built in a scratch
 * buffer.
 *
 * Zero-initialise: `strmap m = {0}` or `strmap m = {.copy_keys = true}`.
 * Iterate by reading entries[0 .. count). Lookups on a map no one is adding
 * to may run on any number of threads. */
typedef struct strmap_entry {
    const char *key;
    uint32_t len;
    uintptr_t value;
} strmap_entry;

typedef struct strmap_slot {
    uint32_t entry; /* index + 1; 0 = free */
    uint32_t hash;  /* of the entry's key */
} strmap_slot;

typedef struct strmap {
    bool copy_keys;
    strmap_entry *entries; /* count of them, in insertion order */
    size_t count, cap_entries;
    strmap_slot *slots;
    size_t n_slots;
    arena keys; /* the copies, with copy_keys */
} strmap;

/* Room for n keys in all, so that adding them allocates nothing more. */
int strmap_reserve(strmap *m, size_t n);
/* true and *value (when not NULL) set when key is in the map. */
bool strmap_get(const strmap *m, const char *key, size_t len, uintptr_t *value);
/* Finds key or adds it with value: returns 1 when added, 0 when it was
 * there already (its value untouched), KD_ENOMEM, or KD_ELIMIT for a key
 * longer than UINT32_MAX bytes or a map already holding UINT32_MAX keys.
 * *out (when not NULL) points at the stored value, for the caller to read
 * or replace, until the next add. */
int strmap_add(strmap *m, const char *key, size_t len, uintptr_t value, uintptr_t **out);
/* Frees the map's memory (and copied keys); m can be used again after. */
void strmap_free(strmap *m);

/* UTF-8 */
bool utf8_valid(const char *s, size_t n, size_t *bad_offset);
/* Appends Windows-1252 bytes converted to UTF-8 (a superset of Latin-1 that
 * OFAC's files actually use). */
int buf_append_cp1252(buf *b, const char *s, size_t n);

/* Trims ASCII and Unicode spaces (NBSP) from both ends; returns new length. */
size_t text_trim(const char **s, size_t n);
/* Collapses runs of whitespace (incl. newlines) to one space into out. */
int buf_append_collapsed(buf *out, const char *s, size_t n);
bool text_ieq(const char *a, const char *b);            /* ASCII case-insensitive */
/* Edit distance (Levenshtein) of two words of 64 bytes at most, or limit + 1
 * as soon as it must exceed limit (also for longer words). */
size_t text_edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t limit);
bool text_istarts(const char *s, size_t n, const char *prefix);

/* FNV-1a, for hash tables (not for anything security related). */
uint64_t hash_bytes(const void *data, size_t n);

/* SHA-256 over a stream of bytes (OpenSSL libcrypto underneath). */
typedef struct sha256_ctx sha256_ctx;
sha256_ctx *sha256_new(void);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final_hex(sha256_ctx *c, char out[65]); /* frees c */
int sha256_file_hex(const char *path, char out[65], kd_error *err);

#endif
