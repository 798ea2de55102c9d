/* Internal to the scanner's files (scanner.c, listed.c, linked.c, surnames.c): its
 * state, the tuning that several of them read, and the steps they share. */
#ifndef KD_SCAN_SCANNER_INTERNAL_H
#define KD_SCAN_SCANNER_INTERNAL_H

#include "scan.h"

#include <stdatomic.h>

/* Prose is noisier than a name field: a listed hit needs this by default. */
#define SCAN_THRESHOLD 0.85
/* A single word must be the listed name itself, nearly letter for letter. */
#define SINGLE_WORD_THRESHOLD 0.9
/* A name score of two words or more in prose that needs no check of its
 * spelling word by word (scanner.c, window_covered) */
#define SCAN_SURE_NAME 0.95
/* ... and a word the listings' own prose uses often ("Federation") is a
 * common word there, not the short name of a listed body. */
#define SINGLE_WORD_MAX_USES 60
/* ... unless it is a body's whole name that the listings' prose writes as
 * a name at least this often */
#define NOTABLE_NAME_USES 10
/* Given name and surname of a listed name with its middle names left out
 * score lower in kd_match (0.76 for Alexander Rusakov, listed with
 * Ilyich); in prose that is how people are named. */
#define GIVEN_AND_SURNAME_FLOOR 0.7
/* A surname alone names a listed person only when it is this long, at
 * most this many records hold its spelling family (a cheap first cut) and
 * at most three listed persons bear it spelled the same (try_listed). */
#define BARE_SURNAME_MIN_LEN 5
#define BARE_SURNAME_MAX_RECORDS 30
/* related entries a mention keeps at most (kd_scan_options.max_related
 * lowers it); the rest are counted */
#define MAX_RELATED 40
#define MATCH_LIMIT 10
/* kd_match results remembered per text (each about 600 bytes) */
#define MEMO_MAX_RESULTS 16384
/* names listed_possible reads before its answer is worth remembering, and
 * how many such answers are kept (direct-mapped) */
#define POSSIBLE_WALK_MAX 64
#define POSSIBLE_CACHE 4096
/* memo tags: a listed query (plus its schema) or a linked one (plus the
 * sentence-start bits of its words, which decide it too) */
#define MEMO_TAG_LISTED 10
#define MEMO_TAG_LINKED 1000
/* A phrase named in more listings than this is generic ("Armed Forces"). */
#define LINKED_MAX_ENTITIES 25

struct scan_tables {
    atomic_int refs;
    const kd_index *ix;
    scan_names names;
    reason_index *reasons;
};

struct kd_scanner {
    const kd_index *ix;
    scan_tables *tables;
    const scan_names *names;     /* tables->names */
    const reason_index *reasons; /* tables->reasons */
    kd_matcher *matcher;
    scan_roman roman; /* Latin readings of words in other scripts */
    scan_tokens tokens;
    buf window;
    /* kd_match results and linked decisions for windows seen earlier in
     * the text; results live in memo_results */
    scan_memo memo;
    /* listed_possible's costly answers: facts of the index, not of a text,
     * so kept from one text to the next ("If You" in every licence) */
    struct possible_answer {
        uint64_t window; /* hash of the words as spelled, case aside; 0: empty */
        bool possible;
    } possible_cache[POSSIBLE_CACHE];
    kd_match_result *memo_results;
    size_t n_memo_results, cap_memo_results;
    /* Per-scan memory, valid where the stamp equals gen (one increment
     * forgets it all, whatever the size of the index):
     * - the first listed mention of each entity, whose related listings a
     *   later mention reuses;
     * - persons named in full so far, by the name-table key of the last
     *   word as the text spells it: "Primakov" after "Evgeny Primakov". */
    uint32_t gen;
    double min_score; /* the caller's threshold: no listed mention below it */
    double threshold; /* what names matched whole need in this scan */
    uint32_t *entity_gen, *entity_first;    /* by entity */
    uint32_t *surname_gen, *surname_head;   /* by key, into surnames */
    /* by key: the first token of the text with the key right after another
     * capitalised word ("Kim Miller") */
    uint32_t *after_name_gen, *after_name_first;
    struct named_surname {
        uint32_t mention, next; /* next: UINT32_MAX ends the chain */
    } *surnames;
    size_t n_surnames, cap_surnames;
    /* by entity: counted among the related entities of the mention being
     * filled, where the stamp equals related_stamp */
    uint32_t *related_gen, related_stamp;
    /* this scan's bounds (kd_scan_with) */
    size_t related_cap;  /* related entries kept per mention */
    size_t max_mentions; /* 0: none */
    int (*cancel)(void *context);
    void *cancel_context;
    unsigned poll_countdown; /* windows until the clock is read again */
    double poll_at;          /* monotonic seconds: cancel is asked from then on */
};

typedef struct mention_list {
    kd_mention *items;
    size_t n, cap;
} mention_list;

/* A new mention at [start, end) on line; NULL when out of memory. */
kd_mention *scan_push_mention(mention_list *l, size_t start, size_t end, size_t line);
/* The mention at index `was` again at another place: same party, same
 * listings (its related array shared, not copied). */
kd_mention *scan_push_repeat(mention_list *l, size_t was, size_t start, size_t end, size_t line);
/* ---- related listings (related.c) ------------------------------------- */

/* Where reasons_find's callback collects a mention's related entities. */
typedef struct related_sink {
    kd_scanner *s;
    kd_mention *m;
    bool failed; /* out of memory: the caller fails the scan */
} related_sink;

/* Starts collecting the mention's related entities (none counted yet). */
void scan_related_begin(kd_scanner *s, kd_mention *m, related_sink *sink);
/* reasons_find's callback (ctx: a related_sink): counts each related
 * entity once, keeps it with its sentence up to the scan's cap. */
void scan_add_related(void *ctx, uint32_t entity, const char *sentence, size_t len);
/* The listings that name a listed mention's entity; KD_OK or KD_ENOMEM. */
int scan_find_related(kd_scanner *s, kd_mention *m);
/* Whether the text is a country's name ("Russia", "United States"). */
bool scan_is_country(const char *text, size_t len);

/* ---- listed mentions (listed.c) ----------------------------------------- */

/* Whether every word of the window could belong to a listed name (listed)
 * or to a name the listings mention (!listed); other scripts' words are
 * not judged. */
bool scan_window_possible(const scan_token *tok, size_t a, size_t b, bool listed);
/* Tries the window [a, a + w) of the run [run, run_end) as a listed
 * mention, adding what it names to found (*taken then set). long_run: the
 * run is longer than prose writes names, each word must reach a name. */
int scan_listed_window(kd_scanner *s, const char *text, scan_token *tok, size_t run, size_t run_end, size_t a,
                       size_t w, bool long_run, double threshold, mention_list *found, bool *taken, kd_error *err);
/* Tries the word at a as a surname standing alone. */
int scan_listed_bare_surname(kd_scanner *s, const char *text, const scan_token *tok, size_t a, double threshold,
                             mention_list *found, bool *taken, kd_error *err);
/* Whether the window [a, b) names a listed party as scan_listed_window
 * would report it (nothing is reported). */
bool scan_listed_within(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b);

/* ---- linked mentions (linked.c) ---------------------------------------- */

/* Tries the window as a linked mention: a name other listings mention. */
int scan_try_linked(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b,
                    mention_list *out, bool *taken);

/* ---- surnames (surnames.c) --------------------------------------------- */

bool scan_titled_surname_matches(const char *text, const scan_token *t, const kd_match_result *r);
int scan_remember_surname(kd_scanner *s, uint32_t key, size_t mention);
int scan_try_named_surname(kd_scanner *s, const char *text, const scan_token *t, mention_list *out,
                           bool *taken);
bool scan_bare_surname_possible(const kd_scanner *s, const char *text, const scan_token *t);
int scan_surname_bearers(const kd_scanner *s, const char *text, const scan_token *t);

#endif
