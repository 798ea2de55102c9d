/* Korean names in Latin letters, as the systems that write them agree:
 * McCune-Reischauer writes a plain consonant unvoiced at a word's start
 * and voiced inside it, and an aspirate with an apostrophe (Chong, Jong;
 * Pong, Bong; Kyong-t'aek), Revised Romanisation voices it always (Gwang,
 * Bak) and writes the vowels McCune-Reischauer marks with a breve as eo
 * and eu (Seo, So; Geum, Kum); the lists write either, or both with the
 * marks dropped (Cho'ng becomes chong). One key per syllable sequence,
 * written the same for every system: a consonant by its place (k g kh →
 * K, t d th → T, p b ph → P, ch j ts tch → C, s sh → S, r l → L), a
 * doubled one once, eo/o → O, eu/u → U, ae/e → E. */
#include "text.h"

#include <stdbool.h>
#include <string.h>

static bool vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

size_t text_korean_key(const char *s, size_t n, char *out, size_t size)
{
    /* a syllable or two: longer words are no Korean given name's part */
    if (n == 0 || n > 8 || size < 2)
        return 0;
    size_t o = 0;
    size_t vowels_in_a_row = 0, consonants_in_a_row = 0;
    for (size_t i = 0; i < n;) {
        char c = s[i], next = i + 1 < n ? s[i + 1] : '\0';
        char k = 0;
        size_t used = 1;
        if (c < 'a' || c > 'z')
            return 0;
        if (c == 't' && next == 'c' && i + 2 < n && s[i + 2] == 'h')
            k = 'C', used = 3;
        else if ((c == 'c' && next == 'h') || (c == 't' && next == 's'))
            k = 'C', used = 2;
        else if (c == 'j')
            k = 'C';
        else if (c == 'n' && next == 'g' && !(i + 2 < n && vowel(s[i + 2])))
            k = 'N', used = 2; /* a final ng, not n before a voiced k */
        else if ((c == 'k' || c == 'g') && next == 'h')
            k = 'K', used = 2;
        else if (c == 'k' || c == 'g')
            k = 'K';
        else if ((c == 't' || c == 'p') && next == 'h')
            k = c == 't' ? 'T' : 'P', used = 2;
        else if (c == 't' || c == 'd')
            k = 'T';
        else if (c == 'p' || c == 'b')
            k = 'P';
        else if (c == 's' && next == 'h')
            k = 'S', used = 2;
        else if (c == 's')
            k = 'S';
        else if (c == 'r' || c == 'l')
            k = 'L';
        else if (c == 'e' && next == 'o')
            k = 'O', used = 2;
        else if (c == 'e' && next == 'u')
            k = 'U', used = 2;
        else if (c == 'a' && next == 'e')
            k = 'E', used = 2;
        else if (c == 'o' || c == 'u' || c == 'e' || c == 'a' || c == 'i')
            k = (char)(c - 'a' + 'A');
        else if (c == 'y' || c == 'w' || c == 'h' || c == 'm' || c == 'n')
            k = (char)(c - 'a' + 'A');
        else
            return 0; /* f, q, v, x, z, c alone: not Korean */
        bool is_vowel = k == 'A' || k == 'E' || k == 'I' || k == 'O' || k == 'U';
        vowels_in_a_row = is_vowel ? vowels_in_a_row + 1 : 0;
        consonants_in_a_row = is_vowel || k == 'Y' || k == 'W' ? 0 : consonants_in_a_row + 1;
        /* a coda and the next onset at most (ng-k, k-ch): "Strachan" is
         * no Korean name */
        if (vowels_in_a_row > 2 || consonants_in_a_row > 2)
            return 0;
        /* a doubled consonant (kk, jj, ss) is one sound's tenseness */
        if (!(o > 0 && out[o - 1] == k && !is_vowel)) {
            if (o + 1 >= size)
                return 0;
            out[o++] = k;
        }
        i += used;
    }
    out[o] = '\0';
    return o;
}
