#include "core.h"

#include <ctype.h>
#include <string.h>

bool utf8_valid(const char *str, size_t n, size_t *bad_offset)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        uint32_t min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000;
        } else {
            goto bad;
        }
        if (i + len > n)
            goto bad;
        uint32_t cp = c & (0xFF >> (len + 1));
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += len;
    }
    return true;
bad:
    if (bad_offset)
        *bad_offset = i;
    return false;
}

/* Windows-1252 0x80..0x9F; 0 marks the five undefined positions. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

int buf_append_cp1252(buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    if (buf_reserve(b, n * 3))
        return KD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = s[i];
        if (cp >= 0x80 && cp < 0xA0)
            cp = cp1252_high[cp - 0x80] ? cp1252_high[cp - 0x80] : 0xFFFD;
        char *o = b->data + b->len;
        if (cp < 0x80) {
            o[0] = (char)cp;
            b->len += 1;
        } else if (cp < 0x800) {
            o[0] = (char)(0xC0 | (cp >> 6));
            o[1] = (char)(0x80 | (cp & 0x3F));
            b->len += 2;
        } else {
            o[0] = (char)(0xE0 | (cp >> 12));
            o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            o[2] = (char)(0x80 | (cp & 0x3F));
            b->len += 3;
        }
    }
    b->data[b->len] = '\0';
    return KD_OK;
}

static size_t space_prefix(const unsigned char *s, size_t n)
{
    if (n >= 1 && (isspace(s[0]) || s[0] == 0x1A))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) /* NBSP */
        return 2;
    return 0;
}

static size_t space_suffix(const unsigned char *s, size_t n)
{
    if (n >= 1 && (isspace(s[n - 1]) || s[n - 1] == 0x1A))
        return 1;
    if (n >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0)
        return 2;
    return 0;
}

size_t text_trim(const char **str, size_t n)
{
    const unsigned char *s = (const unsigned char *)*str;
    size_t k;
    while (n && (k = space_prefix(s, n))) {
        s += k;
        n -= k;
    }
    while (n && (k = space_suffix(s, n)))
        n -= k;
    *str = (const char *)s;
    return n;
}

int buf_append_collapsed(buf *out, const char *s, size_t n)
{
    n = text_trim(&s, n);
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            space = true;
            continue;
        }
        if (space && buf_append_char(out, ' '))
            return KD_ENOMEM;
        space = false;
        if (buf_append_char(out, (char)c))
            return KD_ENOMEM;
    }
    return KD_OK;
}

bool text_ieq(const char *a, const char *b)
{
    while (*a && *b) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++, b++;
    }
    return *a == *b;
}

bool text_istarts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (k > n)
        return false;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)prefix[i]))
            return false;
    return true;
}

/* Levenshtein (1966), in a band of width limit around the diagonal: work
 * and memory stay small for the short words names are made of. */
#define EDIT_DISTANCE_MAX_LEN 64

size_t text_edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
    const size_t over = limit + 1;
    if (la > EDIT_DISTANCE_MAX_LEN || lb > EDIT_DISTANCE_MAX_LEN)
        return over;
    size_t diff = la > lb ? la - lb : lb - la;
    if (diff > limit)
        return over;
    size_t row[EDIT_DISTANCE_MAX_LEN + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j <= limit ? j : over;
    for (size_t i = 1; i <= la; i++) {
        size_t lo = i > limit ? i - limit : 1;
        size_t hi = i + limit < lb ? i + limit : lb;
        size_t diag = row[lo - 1];
        size_t left = over; /* cell (i, lo - 1): outside the band unless it is column 0 */
        if (lo == 1) {
            left = i <= limit ? i : over;
            row[0] = left;
        }
        size_t best = left;
        for (size_t j = lo; j <= hi; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (left + 1 < v)
                v = left + 1;
            if (v > over)
                v = over;
            row[j] = v;
            diag = up;
            left = v;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return over;
    }
    return row[lb] > over ? over : row[lb];
}
