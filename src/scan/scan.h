/* scan — mentions of listed and linked parties in free text. */
#ifndef KD_SCAN_H
#define KD_SCAN_H

#include "index/index.h"

/* A word of the text, with byte offsets into the original. */
typedef struct scan_token {
    size_t start, end;
    uint32_t hash;     /* of its spelling-family key, 0 until asked for a
                          lower-case word (scan_token_hash) */
    bool capital;      /* starts with a capital (or a letter of a caseless script) */
    bool connector;    /* of, the, al, bin, von...: may sit inside a name */
    bool title;        /* Mr, President, General...: may precede a name */
    bool break_before; /* sentence punctuation or a line break precedes it */
    bool in_names;     /* its key is a word of some listed name */
    uint32_t key;      /* that key in the index's name table, or UINT32_MAX */
    bool in_reasons;   /* it occurs in some listing's reasons */
    size_t line;
} scan_token;

typedef struct scan_tokens {
    scan_token *items;
    size_t n, cap;
} scan_tokens;

/* Splits text into words, skipping markup: HTML tags (and script/style
 * contents), entities, Markdown images and link targets, URLs. Possessive
 * 's and ’s are left out of the word. */
int scan_tokenize(const char *text, size_t len, scan_tokens *out);
void scan_tokens_free(scan_tokens *t);
uint32_t scan_key_hash(const char *word, size_t len);
/* The token's key hash, computed now when the tokenizer left it out. */
uint32_t scan_token_hash(const char *text, const scan_token *tok);

/* Sentences of listing reasons, positions and notes, searchable by word
 * sequence: who names "Rossotrudnichestvo" in their reasons. */
typedef struct reason_index reason_index;

int reasons_build(const kd_index *ix, reason_index **out, kd_error *err);
void reasons_free(reason_index *r);
/* How often a word hash occurs in the listing sentences. */
size_t reasons_word_count(const reason_index *r, uint32_t hash);
/* Calls found(ctx, entity, sentence, length) for each sentence holding the
 * hash sequence, at most once per entity; returns the number of entities. */
size_t reasons_find(const reason_index *r, const uint32_t *seq, size_t n, uint32_t skip_entity,
                    void (*found)(void *ctx, uint32_t entity, const char *sentence, size_t len),
                    void *ctx);

#endif
