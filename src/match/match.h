/* match — candidate generation over the index's name tables and scoring of
 * query names against listed names, with an explanation for every score. */
#ifndef KD_MATCH_H
#define KD_MATCH_H

#include "index/index.h"

double similarity_jaro_winkler(const char *a, size_t la, const char *b, size_t lb);
/* Whether a word has no vowel letter but a (alef): what a name in Arabic
 * or Persian script transliterates to ("mhmd", "khald"). */
bool match_is_skeleton(const char *s, size_t n);
/* Whether a skeleton writes a listed Latin word: every consonant of it in
 * order, each by a sound Latin spellings give that letter, its short
 * vowels and doubled letters left out, its long vowels written
 * ("mhmd" Mohammad, "sdyqy" Seddiqi; not "mhmd" Mahmoud). */
bool match_skeleton_writes(const char *skeleton, size_t ls, const char *listed, size_t ll);

/* Binary search for a key's text in the index; -1 when absent. */
int64_t match_find_key(const kd_index *ix, const char *key);
/* Sets the bit (of ix->n_keys) of every key a given name of the
 * equivalence table has (text_name_equivalent_form): only words of those
 * keys may be one name in two languages. */
void match_mark_equivalent_keys(const kd_index *ix, uint8_t *bits);

/* Can a query of schema `query` be the same thing as a listed `listed`? */
bool match_schema_compatible(int query, kd_schema listed);

/* Birth-date comparison of ISO partial dates, ranges ("1960/1962") and
 * circa dates ("1955~"). */
typedef enum date_verdict { DATE_UNKNOWN, DATE_EXACT, DATE_SAME_YEAR, DATE_NEAR, DATE_CONFLICT } date_verdict;
date_verdict match_compare_dates(const char *query, const char *listed);

/* Identifiers compare on letters and digits only, case-folded:
 * "AB 123-456" = "ab123456"; remarks beside the number are left out
 * ("290320764 (issued by the DPRK)" = "290320764"). Returns the length
 * written. */
size_t match_identifier_key(const char *s, char *out, size_t size);
/* Whether a property holds an identifier (passport, IMO, INN, LEI...). */
bool match_identifier_prop(kd_prop p);

/* Moves a name score by the evidence beside the name — birth dates,
 * countries, gender, identifiers — and appends what it found to why.
 * q_date and q_country are the query's, normalised (or NULL). */
double match_apply_evidence(const kd_index *ix, const kd_match_query *q, const char *q_date,
                            const char *q_country, uint32_t entity, double s, char *why,
                            size_t why_size);

#endif
