/* String similarity on normalised ASCII tokens. Written from the published
 * definitions (Jaro 1989, Winkler 1990); the edit distance is core's
 * text_edit_distance. */
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
