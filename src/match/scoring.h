/* Internal to src/match: the prepared query and the per-name scorer. */
#ifndef KD_MATCH_SCORING_H
#define KD_MATCH_SCORING_H

#include "match.h"

#define Q_TOKENS 24
#define C_TOKENS 48
#define TOKEN_LEN 64
#define MAX_CANDIDATES 96
#define MAX_RESULTS 1000
/* Loose keys (text_token_loose_key) are compared for words this long,
 * whose spellings are this close */
#define LOOSE_MIN 5
#define LOOSE_JARO_WINKLER 0.75
/* Two forms of one English word (word_forms in scoring.c) */
#define WORD_FORMS 0.85

typedef struct qtoken {
    char surface[TOKEN_LEN], key[TOKEN_LEN];
    size_t len, key_len;
    int64_t key_id;
    int cls;
    double weight;
    bool patronymic;  /* match_patronymics */
    bool equivalents; /* its key is one of listed_weights.equivalent_key */
    bool skeleton;    /* match_is_skeleton: a word from Arabic script, most likely */
    char loose[TOKEN_LEN]; /* text_token_loose_key, "" for short words */
    size_t loose_len;
    uint64_t loose_hash; /* match_loose_hash of loose */
    float body_factor;   /* match_body_word_factors, read when a body's name is scored */
    long numeral;        /* match_numeral_value: the number the word writes, or -1 */
    char korean[TOKEN_LEN]; /* text_korean_key, "" for a word no Korean syllables make */
    size_t korean_len;
    /* a diminutive's names (text_nickname_names) by their keys: Sasha's
     * Aleksandr and Aleksandra */
    int64_t nickname_key[4];
    size_t n_nickname_keys;
} qtoken;

/* Word similarities of one query form already computed, by query word and
 * listed word (an interned surface): candidate names of one query share
 * their common words (Mohammed, Al, Company), and a pair is compared once. */
#define SIMILARITY_MEMO 512
typedef struct similarity_memo {
    uint64_t key[SIMILARITY_MEMO]; /* 0: empty */
    double sim[SIMILARITY_MEMO];
} similarity_memo;

typedef struct qform {
    qtoken t[Q_TOKENS];
    size_t n;
    double total;
    double body_total; /* the weights' sum with body_factor */
    int titled_word;   /* a rank or title and one weighted word besides: that word's index, else -1 */
    similarity_memo *memo; /* cleared for each query; NULL: none */
} qform;

/* Rarity weight of a token: inverse entity frequency of its key, lowered
 * for legal forms, particles, initials and patronymics; 0 for honorifics. */
double match_token_weight(const kd_index *ix, int64_t key_id, int cls, const char *surface, size_t len,
                          bool patronymic);
bool match_is_patronymic(const char *s, size_t n);
/* The number a word writes: digits, an ordinal (2nd, second), or a Roman
 * numeral of two letters or more; -1 for any other word. */
long match_numeral_value(const char *s, size_t n);
/* Weight factors of a body's words that name nothing of their own: a word
 * the name wrote already (the bracketed repeat in "AO Avangard (AO
 * Avangard)", "Oje Parvaz Mado Nafar Company (Mado)": 0) and a dedication
 * to a person ("Plant named after N.P. Fedorov", "imeni Kartukova"), which
 * a body's names carry or leave out (DEDICATION). 1 for every other word. */
#define DEDICATION 0.25f
void match_body_word_factors(const char *const *surfaces, const size_t *lens, size_t n, float *factor);
/* The nouns a Russian adjective may be of, written to nouns (up to max):
 * a place's (Novosibirsk-iy, Leningrad-sk-iye) or another noun's in -n-
 * (lazer-n-yye); their count, 0 for a word that is no such adjective. */
size_t match_adjective_nouns(const char *adj, size_t la, char nouns[][TOKEN_LEN], size_t max);
/* Which words of one name are its patronymic, in context: a word with a
 * patronymic ending is one only if it is not the name's first word, the
 * name has three words or more, no female patronymic makes a male-looking
 * word a surname ("Alena Kanstantinauna KUNTSEVICH"), and no earlier word
 * is the patronymic already ("Uladzimir Uladzimiravich KUNTSEVICH"). */
void match_patronymics(const char *const *surfaces, const size_t *lens, size_t n, bool person, bool *out);

/* Name score in [0, 1] of one query form against one listed name (token
 * weights precomputed per listed token); writes the token-by-token
 * explanation to why when not NULL. */
/* What scoring needs of every listed name, computed once per matcher:
 * rarity weight per listed token, and per name the count of its words
 * that are substantive names (not initials, patronymics, legal forms). */
typedef struct listed_weights {
    const float *token_weight;
    const uint8_t *substantive;
    const uint8_t *name_schema; /* per name: its record's schema (NAME_SCHEMA_MASK) and NAME_KOREAN
                                 * (one byte: read per candidate) */
    const uint8_t *patronymic; /* per listed token: match_patronymics */
    const uint8_t *equivalent_key; /* bit per index key: the key of a text_name_equivalent_form */
    const uint8_t *given_key;  /* bit per index key: a given name in the lists' persons (begins their names) */
    uint64_t *loose;           /* per listed token: match_loose_hash of its loose key, filled on first use
                                * (0: not yet, LOOSE_NONE: none); the matcher's own, one per thread */
    double rare_weight;        /* match_token_weight of a word in SHORT_FORM_PARTIES records' names */
} listed_weights;

/* A body's short form (score_name) shares a word at most this many
 * records' names have */
#define SHORT_FORM_PARTIES 8.0
#define LOOSE_NONE 1
/* listed_weights.name_schema: the schema, whether the name is a Korean
 * person's (text_korean_key compares its words), whether it is a legal
 * form alone */
#define NAME_SCHEMA_MASK 0x3f
#define NAME_KOREAN 0x80
/* a body's name of legal forms, particles and small words alone ("Общество
 * с ограниченной ответственностью", cut from a list's alias): it names no
 * one, and matches nothing */
#define NAME_FORM_ONLY 0x40
/* Whether a key (id, or -1) is a given name in the lists' persons. */
static inline bool match_given_key(const listed_weights *w, int64_t key_id)
{
    return key_id >= 0 && (w->given_key[key_id / 8] & (1u << (key_id % 8)));
}

/* Whether a key (id, or -1) is one some given-name equivalence uses. */
static inline bool match_equivalent_key(const listed_weights *w, int64_t key_id)
{
    return key_id >= 0 && (w->equivalent_key[key_id / 8] & (1u << (key_id % 8)));
}
/* A hash of a loose key, never 0 or LOOSE_NONE. */
uint64_t match_loose_hash(const char *loose, size_t len);

double score_name(const kd_index *ix, const listed_weights *w, const qform *q, uint32_t name_id,
                  char *why, size_t why_size);

#endif
