/* String similarity on normalised ASCII tokens. Written from the published
 * definitions (Jaro 1989, Winkler 1990; Levenshtein 1966). */
#include "match.h"

#include <string.h>

#define SIM_MAX_LEN 64

double similarity_jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == 0 || lb == 0)
        return la == lb ? 1.0 : 0.0;
    if (la > SIM_MAX_LEN)
        la = SIM_MAX_LEN;
    if (lb > SIM_MAX_LEN)
        lb = SIM_MAX_LEN;
    size_t window = (la > lb ? la : lb) / 2;
    window = window ? window - 1 : 0;
    bool a_used[SIM_MAX_LEN] = {0}, b_used[SIM_MAX_LEN] = {0};
    size_t matches = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > window ? i - window : 0;
        size_t hi = i + window + 1 < lb ? i + window + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!b_used[j] && a[i] == b[j]) {
                a_used[i] = b_used[j] = true;
                matches++;
                break;
            }
        }
    }
    if (matches == 0)
        return 0.0;
    size_t transpositions = 0, j = 0;
    for (size_t i = 0; i < la; i++) {
        if (!a_used[i])
            continue;
        while (!b_used[j])
            j++;
        transpositions += a[i] != b[j];
        j++;
    }
    double m = (double)matches;
    double jaro = (m / (double)la + m / (double)lb + (m - (double)transpositions / 2.0) / m) / 3.0;
    size_t prefix = 0;
    while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
        prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

/* Only cells within `limit` of the diagonal can stay within `limit` edits,
 * so each row computes 2 * limit + 1 of them (Ukkonen's band); anything
 * beyond the limit reads as limit + 1. */
size_t similarity_levenshtein(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
    const size_t over = limit + 1;
    if (la > SIM_MAX_LEN || lb > SIM_MAX_LEN)
        return over;
    size_t diff = la > lb ? la - lb : lb - la;
    if (diff > limit)
        return over;
    size_t row[SIM_MAX_LEN + 1];
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
