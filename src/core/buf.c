#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return KD_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2)
            return KD_ENOMEM;
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p)
        return KD_ENOMEM;
    b->data = p;
    b->cap = cap;
    return KD_OK;
}

int buf_append(buf *b, const void *data, size_t n)
{
    if (buf_reserve(b, n))
        return KD_ENOMEM;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return KD_OK;
}

int buf_append_str(buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_append_char(buf *b, char c) { return buf_append(b, &c, 1); }

int buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n))
        return KD_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return KD_OK;
}

void buf_clear(buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int vec_reserve(void *items, size_t *cap, size_t need, size_t item_size)
{
    if (need <= *cap)
        return KD_OK;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return KD_ENOMEM;
        n *= 2;
    }
    if (item_size && n > SIZE_MAX / item_size)
        return KD_ENOMEM;
    /* Through memcpy: a T * is read and written as the void * it has the
     * representation of, without an lvalue of the wrong type. */
    void *old, *p;
    memcpy(&old, items, sizeof old);
    if (!(p = realloc(old, n * item_size)))
        return KD_ENOMEM;
    memcpy(items, &p, sizeof p);
    *cap = n;
    return KD_OK;
}

struct arena_block {
    arena_block *next;
    size_t size;
    _Alignas(16) unsigned char data[];
};

void *arena_alloc(arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (!a->head || a->used + size > a->head->size) {
        size_t bs = a->block_size ? a->block_size : 1 << 20;
        if (bs < size)
            bs = size;
        arena_block *blk = malloc(sizeof *blk + bs);
        if (!blk)
            return NULL;
        blk->next = a->head;
        blk->size = bs;
        a->head = blk;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += size;
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void arena_free(arena *a)
{
    arena_block *blk = a->head;
    while (blk) {
        arena_block *next = blk->next;
        free(blk);
        blk = next;
    }
    a->head = NULL;
    a->used = 0;
}

uint64_t hash_bytes(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}
