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
