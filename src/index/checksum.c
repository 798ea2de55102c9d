/* The index file's checksum: XXH64 with seed 0, written here rather than
 * linked so the file format does not depend on a library's version. XXH64
 * runs four independent lanes of 8-byte words, so it hashes at memory speed
 * (a 15 MB index in about 2 ms) yet any flipped bit or torn region changes
 * the result; the standard test vectors are checked in tests/test_index.c. */
#include "index.h"

#include <stddef.h>
#include <string.h>

#define P1 11400714785074694791ULL
#define P2 14029467366897019727ULL
#define P3 1609587929392839161ULL
#define P4 9650029242287828579ULL
#define P5 2870177450012600261ULL

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* Little-endian loads through memcpy: the format is little-endian and the
 * compiler turns these into single loads on the machines kordon runs on. */
static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint32_t load32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint64_t round64(uint64_t acc, uint64_t input)
{
    acc += input * P2;
    acc = rotl(acc, 31);
    return acc * P1;
}

static inline uint64_t merge64(uint64_t acc, uint64_t lane)
{
    acc ^= round64(0, lane);
    return acc * P1 + P4;
}

uint64_t kdx_xxh64(const void *data, size_t size)
{
    const unsigned char *p = data, *end = p + size;
    uint64_t h;
    if (size >= 32) {
        uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
        const unsigned char *limit = end - 32;
        do {
            v1 = round64(v1, load64(p));
            v2 = round64(v2, load64(p + 8));
            v3 = round64(v3, load64(p + 16));
            v4 = round64(v4, load64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = merge64(h, v1);
        h = merge64(h, v2);
        h = merge64(h, v3);
        h = merge64(h, v4);
    } else {
        h = P5;
    }
    h += (uint64_t)size;
    for (; end - p >= 8; p += 8)
        h = rotl(h ^ round64(0, load64(p)), 27) * P1 + P4;
    if (end - p >= 4) {
        h ^= (uint64_t)load32(p) * P1;
        h = rotl(h, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++) {
        h ^= (uint64_t)*p * P5;
        h = rotl(h, 11) * P1;
    }
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

uint64_t kdx_checksum(void *file, size_t size)
{
    kdx_header *h = file;
    uint64_t stored = h->checksum;
    h->checksum = 0;
    uint64_t sum = kdx_xxh64(file, size);
    h->checksum = stored;
    return sum;
}
