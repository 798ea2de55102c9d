/* Words of other scripts read in Latin letters, as kd_match's first form
 * reads them ("Примаков" → primakov), so that the cheap checks before
 * kd_match judge them too: without it every capitalised word of a Russian
 * text cost a kd_match. Remembered per scanner, from text to text: the
 * reading of a word depends on nothing else. */
#include "scan.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

/* words remembered before the table is emptied (at most ~6 MB) */
#define ROMAN_MAX_WORDS (1u << 16)

int scan_roman_init(scan_roman *r, kd_error *err)
{
    memset(r, 0, sizeof *r);
    return text_normaliser_new(&r->tn, err);
}

void scan_roman_free(scan_roman *r)
{
    if (r->tn)
        text_normaliser_free(r->tn);
    free(r->slots);
    free(r->words);
    buf_free(&r->forms);
    memset(r, 0, sizeof *r);
}

static uint64_t word_hash(const char *word, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)word[i]) * 1099511628211ull;
    return h | 1;
}

static int grow(scan_roman *r)
{
    size_t n = r->n_slots ? 2 * r->n_slots : 1024;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return KD_ENOMEM;
    for (size_t i = 0; i < r->n_words; i++) {
        size_t at = r->words[i].hash & (n - 1);
        while (slots[at])
            at = (at + 1) & (n - 1);
        slots[at] = (uint32_t)i + 1;
    }
    free(r->slots);
    r->slots = slots;
    r->n_slots = n;
    return KD_OK;
}

/* The reading of one word: a single Latin word of the first form, or
 * none (a word that reads as two, "عبدالحميد" → abd al hmyd). */
static void read_word(scan_roman *r, const scan_names *names, const char *word, size_t len,
                      scan_roman_word *w)
{
    w->key = UINT32_MAX;
    w->len = 0;
    w->reaches = -1;
    buf_clear(&r->forms);
    if (text_name_forms(r->tn, word, len, &r->forms) <= 0)
        return;
    const char *form = r->forms.data; /* the first form, NUL-terminated */
    size_t n = strlen(form);
    if (n == 0 || n >= sizeof w->latin || memchr(form, ' ', n))
        return;
    memcpy(w->latin, form, n);
    w->len = (uint8_t)n;
    w->key = scan_names_key(names, scan_key_hash(form, n));
}

scan_roman_word *scan_roman_get(scan_roman *r, const scan_names *names, const char *word, size_t len)
{
    uint64_t h = word_hash(word, len);
    for (size_t at = r->n_slots ? h & (r->n_slots - 1) : 0; r->n_slots && r->slots[at];
         at = (at + 1) & (r->n_slots - 1))
        if (r->words[r->slots[at] - 1].hash == h)
            return &r->words[r->slots[at] - 1];
    if (r->n_words >= ROMAN_MAX_WORDS) { /* forget all, rather than grow without end */
        r->n_words = 0;
        memset(r->slots, 0, r->n_slots * sizeof *r->slots);
    }
    if (r->n_words == r->cap_words) {
        size_t cap = r->cap_words ? 2 * r->cap_words : 512;
        scan_roman_word *p = realloc(r->words, cap * sizeof *p);
        if (!p)
            return NULL;
        r->words = p;
        r->cap_words = cap;
    }
    if (2 * (r->n_words + 1) > r->n_slots && grow(r))
        return NULL;
    scan_roman_word *w = &r->words[r->n_words];
    w->hash = h;
    read_word(r, names, word, len, w);
    size_t at = h & (r->n_slots - 1);
    while (r->slots[at])
        at = (at + 1) & (r->n_slots - 1);
    r->slots[at] = (uint32_t)++r->n_words;
    return w;
}
