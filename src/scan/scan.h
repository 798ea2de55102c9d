/* scan — mentions of listed and linked parties in free text. */
#ifndef KD_SCAN_H
#define KD_SCAN_H

#include "index/index.h"
#include "core/core.h"

/* A word of the text, with byte offsets into the original. */
typedef struct scan_token {
    /* 32-bit offsets and one-bit flags keep a token in 24 bytes: the array
     * of a long text's tokens is written once per word and read by every
     * window, and its size is what the cache sees (kd_scan refuses texts
     * over 4 GiB). */
    uint32_t start, end;
    uint32_t line;
    uint32_t hash;     /* of its spelling-family key, 0 until asked for a
                          lower-case word (scan_token_hash) */
    uint32_t key;      /* that key in the index's name table, or UINT32_MAX */
    bool capital : 1;      /* starts with a capital (or a letter of a caseless script) */
    bool connector : 1;    /* of, the, al, bin, von...: may sit inside a name */
    bool title : 1;        /* Mr, President, General...: may precede a name */
    bool break_before : 1; /* sentence punctuation or a line break precedes it */
    bool in_names : 1;     /* its key is a word of some listed name */
    bool in_reasons : 1;   /* it occurs in some listing's reasons */
    bool ascii : 1;        /* all its bytes are ASCII */
    bool romanised : 1;    /* in another script, key from its Latin reading (scan_roman) */
    bool prefix : 1;       /* a particle a hyphen joins to the next word ("Al-" of "Al-Qaeda") */
    bool reach_known : 1;  /* reaches is set (long runs only: see scanner.c) */
    bool reaches : 1;      /* kd_match finds some listed name for the word alone */
    unsigned legal : 2;    /* capitalised words: SCAN_LEGAL_* (part of a legal form) */
} scan_token;

/* A word of a legal form ("LLC", "Joint", "Stock"), or one that is before
 * another ("Public Joint Stock Company", "Private Limited"). */
enum { SCAN_LEGAL_NONE, SCAN_LEGAL_WORD, SCAN_LEGAL_BEFORE };

/* What a word's spelling gives (its key hash, whether it is a title),
 * remembered by the word: prose repeats its words, and keying one costs
 * more than the rest of tokenizing it. Direct-mapped; a clash replaces. */
#define SCAN_WORD_CACHE 8192
typedef struct scan_word_info {
    uint64_t word; /* 64-bit hash of the lower-cased spelling, 0: empty */
    uint32_t key_hash;
    int8_t title; /* -1: not asked yet */
    int8_t legal; /* SCAN_LEGAL_*, -1: not asked yet */
} scan_word_info;

typedef struct scan_tokens {
    scan_token *items;
    size_t n, cap;
    scan_word_info cache[SCAN_WORD_CACHE];
} scan_tokens;

/* Splits text into words, skipping markup: HTML tags (and script/style
 * contents), entities, Markdown images and link targets, URLs. Possessive
 * 's and ’s are left out of the word. */
int scan_tokenize(const char *text, size_t len, scan_tokens *out);
/* scan_tokenize calling poll(ctx, byte) every SCAN_TOKENIZE_POLL bytes (a
 * millisecond or two of work): a non-zero answer stops it and is returned. */
#define SCAN_TOKENIZE_POLL ((size_t)64 << 10)
int scan_tokenize_polled(const char *text, size_t len, scan_tokens *out, int (*poll)(void *ctx, size_t at),
                         void *ctx);
void scan_tokens_free(scan_tokens *t);
uint32_t scan_key_hash(const char *word, size_t len);
/* The word's Latin letters and digits, lower-cased, Latin-1 accents
 * folded ("Ávila" → "avila"); returns the length written to out. */
size_t scan_fold_word(const char *word, size_t len, char *out, size_t size);
/* A hash of the word's exact spelling, case aside: unlike keys, "Dugin"
 * and "doing" differ. */
uint32_t scan_word_hash(const char *word, size_t len);
/* scan_key_hash through toks' word cache */
uint32_t scan_cached_key_hash(scan_tokens *toks, const char *word, size_t len);
/* The token's key hash, computed now (through toks' word cache) when the
 * tokenizer left it out. */
uint32_t scan_token_hash(scan_tokens *toks, const char *text, const scan_token *tok);

/* ---- what is known of listed names before kd_match (names.c) ---------- */

/* Most words of a window a name can have */
#define SCAN_MAX_WINDOW 8

typedef struct scan_names {
    const kd_index *ix;
    struct scan_key_slot {
        uint32_t hash; /* of the key's text, as scan_key_hash; 0: empty */
        uint32_t key;
    } *slots;
    size_t n_slots;
    /* keys past the index's own: split words no name has whole */
    size_t n_keys_all;
    uint8_t *lone_body_key; /* bit per key: the one word of a body's name */
    uint8_t *given_key;     /* bit per key: the first word of a person's name */
    uint8_t *body_word;     /* bit per hashed spelling of a word of a body's name */
    uint8_t *body_name;     /* ... of a body's whole name, its words joined (legal forms aside) */
    uint8_t *given_word;    /* ... of the first word of a person's name */
    uint8_t *name_words;    /* by name: words beside particles, stop words, legal forms (max 255) */
    uint8_t *key_pairs;     /* bit per hashed pair of keys that share a listed name */
    uint8_t *equivalent_key; /* bit per key: the key of a given name in several languages (text_name_equivalent_form) */
    /* names holding a key through words the index split (abd ullah for
     * "Abdullah"): compound_names[compound_first[k] .. compound_first[k + 1]) */
    uint32_t *compound_first, *compound_names;
} scan_names;

int scan_names_build(const kd_index *ix, scan_names *out); /* KD_OK or KD_ENOMEM */
void scan_names_free(scan_names *n);
bool scan_bit(const uint8_t *bits, uint32_t i);
/* The index key whose text has this scan_key_hash (or, past the index's
 * keys, a split word's: < n_keys_all), or UINT32_MAX. */
uint32_t scan_names_key(const scan_names *n, uint32_t hash);
/* Whether a body's name has a word spelled so (folded as scan_fold_word). */
bool scan_names_body_spelling(const scan_names *n, const char *folded, size_t len);
/* Whether a listed person's name begins with a word spelled so ("patricia"). */
bool scan_names_given_word(const scan_names *n, const char *folded, size_t len);
/* Whether a body's whole name, legal forms aside, is spelled so ("hamas"). */
bool scan_names_body_name(const scan_names *n, const char *folded, size_t len);
/* Whether some listed name holds every one of the words as window_covered
 * will demand of a hit (by key alone where it will not check the spelling,
 * words of other scripts in their Latin reading): cheaper by far
 * than a kd_match, and most capitalised windows of prose fail it. Returns
 * 1 or 0, or SCAN_NAMES_COSTLY without an answer when that would mean
 * reading the words of more than max_walk names. With odd_walk, one word
 * may be another romanisation of a listed word (name_near): found through
 * the other words when they lead to odd_walk names at most. */
enum { SCAN_NAMES_COSTLY = -1 };
typedef struct scan_word {
    uint32_t key;
    const char *spelling; /* lower-case Latin letters */
    size_t len;
    bool spelled; /* window_covered will check the spelling too (Latin words) */
} scan_word;
int scan_names_possible(const scan_names *n, const scan_word *words, size_t count, size_t max_walk,
                        size_t odd_walk);
/* Whether two words (four letters or more, lengths two apart at most) are
 * spelled close: Jaro-Winkler SCAN_NEAR_JARO_WINKLER or more, vowels
 * alone differing, or one name to the matcher (scan_words_loose). */
#define SCAN_NEAR_JARO_WINKLER 0.88
bool scan_words_near(const char *a, size_t la, const char *b, size_t lb);
/* Whether two words of five letters or more are one name in two
 * romanisation systems as the matcher reads them (text_token_loose_key:
 * Ghasemi and Qasemi, Rezvanyanzadeh and Rezvanianzadeh), two letters
 * apart at most. */
bool scan_words_loose(const char *a, size_t la, const char *b, size_t lb);

/* ---- words of other scripts in Latin letters (roman.c) ----------------- */

typedef struct scan_roman_word {
    uint64_t hash;  /* of the word's bytes */
    uint32_t key;   /* the reading's key in the index's name table, or UINT32_MAX */
    uint8_t len;    /* of latin; 0: no single-word reading */
    int8_t reaches; /* -1: not asked; else whether kd_match finds a listed name for the word alone */
    char latin[63]; /* lower-case ASCII, as kd_match's first form */
} scan_roman_word;

typedef struct scan_roman {
    struct text_normaliser *tn;
    uint32_t *slots; /* word index + 1, 0 = empty */
    size_t n_slots;
    scan_roman_word *words;
    size_t n_words, cap_words;
    buf forms;
} scan_roman;

int scan_roman_init(scan_roman *r, kd_error *err);
void scan_roman_free(scan_roman *r);
/* The word's reading, worked out on first sight; NULL when out of memory.
 * Valid until the next call; the caller may set its `reaches`. */
scan_roman_word *scan_roman_get(scan_roman *r, const scan_names *names, const char *word, size_t len);

/* Sentences of listing reasons, positions and notes, searchable by word
 * sequence: who names "Rossotrudnichestvo" in their reasons. */
typedef struct reason_index reason_index;

int reasons_build(const kd_index *ix, reason_index **out, kd_error *err);
void reasons_free(reason_index *r);
/* How often a word hash occurs in the listing sentences. */
size_t reasons_word_count(const reason_index *r, uint32_t hash);
/* How the listings use a word (by scan_word_hash) beyond names: written in
 * lower case in their prose (a common word: "rage", "guy"), or in a birth
 * place or an address (a place: "Grozny"). */
enum {
    REASONS_LOWER = 1,        /* written in lower case at least once */
    REASONS_PLACE = 2,        /* a word of a birth place or an address */
    REASONS_MOSTLY_CAPITAL = 4, /* capitalised inside a sentence more often
                                   than in lower case ("Russian", not "license") */
};
unsigned reasons_word_marks(const reason_index *r, uint32_t hash);
/* How many more times the listings' prose writes the word (by
 * scan_word_hash) capitalised inside a sentence than in lower case: the
 * listings' own names for the parties they talk about ("Taliban"). */
unsigned reasons_name_uses(const reason_index *r, uint32_t hash);
/* Calls found(ctx, entity, sentence, length) for each sentence holding the
 * hash sequence, at most once per entity; returns the number of entities.
 * With spell (the text's words): only where the sentence writes them as a
 * name, a word capitalised inside the sentence ("the way head" does not
 * name "Way Head") and each spelled close to the text's. With standalone:
 * not where a capitalised common word goes on with it, as part of a longer
 * name (a foundation named after a person does not name the person). Stops after
 * limit + 1 entities: more than limit is all the caller needs to know. */
typedef struct reasons_spelling {
    const char *text;
    const scan_token *tokens; /* tokens[i] is the word hashed as seq[i] */
} reasons_spelling;
size_t reasons_find(const reason_index *r, const uint32_t *seq, size_t n, uint32_t skip_entity,
                    const reasons_spelling *spell, bool standalone, size_t limit,
                    void (*found)(void *ctx, uint32_t entity, const char *sentence, size_t len),
                    void *ctx);

/* ---- what scanners of one index share (scanner.c) ---------------------- */

/* The read-only tables of listed names and listing reasons for an index:
 * built once (about 200 ms and 25 MB on all lists) and shared by every
 * scanner of the index, each holding a reference. */
typedef struct scan_tables scan_tables;

int scan_tables_new(const kd_index *ix, scan_tables **out, kd_error *err);
void scan_tables_release(scan_tables *t); /* frees on the last reference */
/* A scanner on shared tables (it takes a reference of its own): a few
 * milliseconds and megabytes, the rest is shared. */
int scan_scanner_new(scan_tables *t, kd_scanner **out, kd_error *err);

/* One mention as the JSON object `kordon scan --json` prints and POST /scan
 * returns: start, end, line, text, kind, entity_id, caption, datasets,
 * score, explanation, related, and related_total when related lists fewer
 * than were found. */
struct json_t;
struct json_t *scan_mention_json(const kd_index *ix, const kd_ties *ties, const char *text,
                                 const kd_mention *m);

/* ---- per-scan memory of windows (memo.c) -------------------------------- */

/* What a window's words (the key, under a tag saying which question was
 * asked) gave earlier in the same text: two numbers the caller defines. */
typedef struct scan_memo {
    uint32_t *slots; /* entry index + 1, 0 = empty */
    size_t n_slots;
    struct memo_entry *entries;
    size_t n_entries, cap_entries;
    buf keys;
} scan_memo;

bool scan_memo_get(const scan_memo *m, int tag, const char *key, size_t len, uint32_t *first,
                   uint32_t *count);
int scan_memo_put(scan_memo *m, int tag, const char *key, size_t len, uint32_t first,
                  uint32_t count);
void scan_memo_reset(scan_memo *m);
void scan_memo_free(scan_memo *m);

#endif
