/* Shared between the files of src/text; not part of the public API. */
#ifndef KD_TEXT_INTERNAL_H
#define KD_TEXT_INTERNAL_H

#include "text.h"

#include <stdbool.h>
#include <string.h>

/* Spelling-family keys of the multi-word legal forms ("limited liability
 * company"), computed once per normaliser. */
#define TEXT__PHRASES_MAX 64
typedef struct text_legal_keys {
    buf keys;                           /* "k1 k2 k3\0" per phrase */
    size_t off[TEXT__PHRASES_MAX];
    /* [(c1-'a')*26 + c2-'a']: a phrase starts with letters c1 c2; only
     * such tokens pay for a key. Variants keep their first two letters. */
    bool first_pairs[26 * 26];
} text_legal_keys;

int text__legal_keys_init(text_legal_keys *k);
void text__legal_keys_free(text_legal_keys *k);

/* Turns ASCII text (raw input or a transliteration) into a form: lowercase
 * tokens separated by single spaces, legal forms canonical. Bytes >= 0x80
 * separate tokens. form is cleared; tmp is scratch. */
int text__ascii_form(const char *s, size_t n, const text_legal_keys *lk, buf *form, buf *tmp);

/* Whether a word (n bytes) ends with suffix. */
static inline bool text__ends_with(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

/* A vowel letter of a romanised name, y counted (the readings' sense). */
static inline bool text__vowel_y(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* Reads a form word by word into out (words joined by one space): 1 when
 * the reading differs from the form, 0 when it is the same, KD_ENOMEM. */
typedef int (*text__word_reader)(const char *word, size_t len, const void *ctx, buf *out);
int text__read_form(const char *form, size_t n, text__word_reader read, const void *ctx, buf *out);

/* The Russian reading of a form written from Belarusian (belarusian.c)
 * into out: 1 when the form reads so and the reading differs, 0 when not,
 * KD_ENOMEM. */
int text__belarusian_reading(const char *form, size_t n, buf *out);
/* The English reading of a form written for German, French or Polish readers
 * (western.c), the same way. */
int text__german_reading(const char *form, size_t n, buf *out);
int text__french_reading(const char *form, size_t n, buf *out);
int text__polish_reading(const char *form, size_t n, buf *out);
/* The same for Indonesian/Malay sy, Basque tx, Somali c, x and long
 * vowels (western.c) */
int text__indonesian_reading(const char *form, size_t n, buf *out);
int text__basque_reading(const char *form, size_t n, buf *out);
int text__somali_reading(const char *form, size_t n, buf *out);

/* Whether a word is an entry of the name tables (fold.c), and its
 * language there ("be", "uk", "en"...). */
bool text__name_language(const char *s, size_t n, const char **language);

/* Whether two words are at most one letter apart (one substitution,
 * insertion or deletion). */
bool text__one_edit(const char *a, size_t la, const char *b, size_t lb);
/* Whether the diminutives' table is sorted (its test). */
bool text__nicknames_sorted(void);

#endif
