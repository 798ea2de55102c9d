/* kd_scan: names in running text. Runs of capitalised words (with
 * connectors such as "of", "al", "von" inside) are candidate names; each
 * run is tried from its longest window down, and a window is
 *   listed — when kd_match finds a listed party for it, or
 *   linked  — when listing reasons, positions or notes name it
 * and then its words are taken, so "Evgeny Primakov Children's Aid
 * Foundation" is one linked name, not a mention of Evgeny Primakov. */
#include "scan.h"
#include "match/match.h"
#include "text/text.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Prose is noisier than a name field: a listed hit needs this by default. */
#define SCAN_THRESHOLD 0.85
/* A single word must be the listed name itself, nearly letter for letter. */
#define SINGLE_WORD_THRESHOLD 0.9
/* ... and a word the listings' own prose uses often ("Federation") is a
 * common word there, not the short name of a listed body. */
#define SINGLE_WORD_MAX_USES 60
/* Given name and surname of a listed name with its middle names left out
 * score lower in kd_match (0.76 for Alexander Rusakov, listed with
 * Ilyich); in prose that is how people are named. */
#define GIVEN_AND_SURNAME_FLOOR 0.7
/* A surname alone names a listed person only when it is this long, at
 * most this many records hold its spelling family (a cheap first cut) and
 * at most three listed persons bear it spelled the same (try_listed). */
#define BARE_SURNAME_MIN_LEN 5
#define BARE_SURNAME_MAX_RECORDS 30
#define MAX_RELATED 40
#define MATCH_LIMIT 10
/* kd_match results remembered per text (each about 600 bytes) */
#define MEMO_MAX_RESULTS 16384
/* memo tags: a listed query (plus its schema) or a linked one (plus the
 * sentence-start bits of its words, which decide it too) */
/* names listed_possible reads before its answer is worth remembering, and
 * how many such answers are kept (direct-mapped) */
#define POSSIBLE_WALK_MAX 64
#define POSSIBLE_CACHE 4096
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
    uint32_t *entity_gen, *entity_first;    /* by entity */
    uint32_t *surname_gen, *surname_head;   /* by key, into surnames */
    /* by key: the first token of the text with the key right after another
     * capitalised word ("Kim Miller") */
    uint32_t *after_name_gen, *after_name_first;
    struct named_surname {
        uint32_t mention, next; /* next: UINT32_MAX ends the chain */
    } *surnames;
    size_t n_surnames, cap_surnames;
};

int scan_tables_new(const kd_index *ix, scan_tables **out, kd_error *err)
{
    *out = NULL;
    scan_tables *t = calloc(1, sizeof *t);
    if (!t)
        return error_set(err, KD_ENOMEM, "out of memory");
    atomic_init(&t->refs, 1);
    t->ix = ix;
    /* Every word of a listed mention must be a word of the listed name, so
     * a word whose key no listed name has rules its windows out at once:
     * this is what lets a scan skip most of a text cheaply. */
    if (scan_names_build(ix, &t->names)) {
        free(t);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    int rc = reasons_build(ix, &t->reasons, err);
    if (rc) {
        scan_names_free(&t->names);
        free(t);
        return rc;
    }
    *out = t;
    return KD_OK;
}

void scan_tables_release(scan_tables *t)
{
    if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
        return;
    scan_names_free(&t->names);
    reasons_free(t->reasons);
    free(t);
}

int scan_scanner_new(scan_tables *t, kd_scanner **out, kd_error *err)
{
    *out = NULL;
    const kd_index *ix = t->ix;
    kd_scanner *s = calloc(1, sizeof *s);
    if (!s)
        return error_set(err, KD_ENOMEM, "out of memory");
    atomic_fetch_add(&t->refs, 1);
    s->tables = t;
    s->ix = ix;
    s->names = &t->names;
    s->reasons = t->reasons;
    s->entity_gen = calloc(ix->n_entities + 1, sizeof *s->entity_gen);
    s->entity_first = calloc(ix->n_entities + 1, sizeof *s->entity_first);
    s->surname_gen = calloc(ix->n_keys + 1, sizeof *s->surname_gen);
    s->surname_head = calloc(ix->n_keys + 1, sizeof *s->surname_head);
    s->after_name_gen = calloc(ix->n_keys + 1, sizeof *s->after_name_gen);
    s->after_name_first = calloc(ix->n_keys + 1, sizeof *s->after_name_first);
    if (!s->entity_gen || !s->entity_first || !s->surname_gen || !s->surname_head ||
        !s->after_name_gen || !s->after_name_first) {
        kd_scanner_free(s);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    int rc = kd_matcher_new(ix, &s->matcher, err);
    if (!rc)
        rc = scan_roman_init(&s->roman, err);
    if (rc) {
        kd_scanner_free(s);
        return rc;
    }
    *out = s;
    return KD_OK;
}

int kd_scanner_new(const kd_index *ix, kd_scanner **out, kd_error *err)
{
    scan_tables *t;
    int rc = scan_tables_new(ix, &t, err);
    if (rc)
        return rc;
    rc = scan_scanner_new(t, out, err);
    scan_tables_release(t); /* the scanner holds its own reference */
    return rc;
}

void kd_scanner_free(kd_scanner *s)
{
    if (!s)
        return;
    kd_matcher_free(s->matcher);
    scan_roman_free(&s->roman);
    scan_tables_release(s->tables);
    scan_tokens_free(&s->tokens);
    buf_free(&s->window);
    free(s->surnames);
    scan_memo_free(&s->memo);
    free(s->memo_results);
    free(s->entity_gen);
    free(s->entity_first);
    free(s->surname_gen);
    free(s->surname_head);
    free(s->after_name_gen);
    free(s->after_name_first);
    free(s);
}

void kd_mentions_free(kd_mention *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!m[i].shared_related)
            free(m[i].related);
    free(m);
}

typedef struct mention_list {
    kd_mention *items;
    size_t n, cap;
} mention_list;

/* A new mention at [start, end) on line; NULL when out of memory. */
static kd_mention *push_mention(mention_list *l, size_t start, size_t end, size_t line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        kd_mention *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return NULL;
        l->items = p;
        l->cap = cap;
    }
    kd_mention *m = &l->items[l->n++];
    memset(m, 0, sizeof *m);
    m->start = start;
    m->end = end;
    m->line = line;
    return m;
}

/* The mention at index `was` again at another place: same party, same
 * listings (its related array shared, not copied). */
static kd_mention *push_repeat(mention_list *l, size_t was, size_t start, size_t end, size_t line)
{
    kd_mention *m = push_mention(l, start, end, line);
    if (!m)
        return NULL;
    *m = l->items[was]; /* after the push: it may have moved the array */
    m->start = start;
    m->end = end;
    m->line = line;
    m->shared_related = 1;
    return m;
}

/* Collects related entities (with their sentence) into a mention. */
static void add_related(void *ctx, uint32_t entity, const char *sentence, size_t len)
{
    kd_mention *m = ctx;
    if (m->n_related >= MAX_RELATED)
        return;
    for (size_t i = 0; i < m->n_related; i++)
        if (m->related[i].entity == entity)
            return;
    kd_related *p = realloc(m->related, (m->n_related + 1) * sizeof *p);
    if (!p)
        return;
    m->related = p;
    kd_related *r = &p[m->n_related++];
    r->entity = entity;
    size_t n = len < sizeof r->snippet - 1 ? len : sizeof r->snippet - 1;
    while (n > 0 && n < len && ((unsigned char)sentence[n] & 0xC0) == 0x80)
        n--; /* never cut a character in half */
    memcpy(r->snippet, sentence, n);
    r->snippet[n] = '\0';
}

/* The hash sequence of one of the index's names. */
static size_t name_hashes(const kd_index *ix, const kdx_name *name, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (uint16_t t = 0; t < name->n_tokens && n < max; t++) {
        const char *key = index_string(ix, ix->keys[ix->tokens[name->tokens_first + t].key].text);
        uint64_t h = hash_bytes(key, strlen(key));
        out[n++] = (uint32_t)(h ^ (h >> 32)) | 1u;
    }
    return n;
}

/* Other listed entities whose reasons name this one: by any of its names,
 * and for a person by first and last name alone. Single-word names count
 * only when the word is rare in the lists (an agency's short name, not a
 * common surname). */
static void find_related(kd_scanner *s, kd_mention *m)
{
    const kd_index *ix = s->ix;
    size_t lo = 0, hi = ix->n_names;
    while (lo < hi) { /* names are stored in entity order */
        size_t mid = lo + (hi - lo) / 2;
        if (ix->names[mid].entity < m->entity)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool person = ix->entities[m->entity].schema == KD_SCHEMA_PERSON;
    uint32_t seq[32];
    for (size_t i = lo; i < ix->n_names && ix->names[i].entity == m->entity; i++) {
        const kdx_name *name = &ix->names[i];
        size_t n = name_hashes(ix, name, seq, 32);
        if (n == 1 && ix->keys[ix->tokens[name->tokens_first].key].entity_count > 3)
            continue;
        if (n == 0)
            continue;
        reasons_find(s->reasons, seq, n, (uint32_t)m->entity, NULL, SIZE_MAX, add_related, m);
        if (person && n >= 3) {
            seq[1] = seq[n - 1];
            reasons_find(s->reasons, seq, 2, (uint32_t)m->entity, NULL, SIZE_MAX, add_related, m);
        }
    }
}

/* The first word try_listed keeps of the window from a: "President X"
 * is asked as "X", while a title after the name's first word stays in it
 * ("Azerbaijani President" is asked whole, and must be a listed name). */
static size_t after_titles(const scan_token *tok, size_t a, size_t b)
{
    while (a < b && (tok[a].title || tok[a].connector))
        a++;
    return a;
}

static bool is_country(const char *text, size_t len)
{
    char code[3];
    return country_code(text, len, code);
}

/* In prose every word of the window must be a word of the listed name
 * (same spelling family): "Team Eye" is not the company "Team", even if a
 * name field would score it high. Words without Latin letters are taken
 * on kd_match's word, which compares across scripts. */
static bool window_covered(const char *text, const scan_token *tok, size_t a, size_t b,
                           const char *matched_name)
{
    uint32_t listed[48];
    const char *word[48];
    size_t word_len[48], n = 0;
    for (const char *p = matched_name; *p && n < 48;) {
        size_t len = strcspn(p, " ");
        if (len) {
            word[n] = p;
            word_len[n] = len;
            listed[n++] = scan_key_hash(p, len);
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    for (size_t k = a; k < b; k++) {
        if (tok[k].connector)
            continue;
        if (!tok[k].ascii)
            continue; /* Désiré, Примаков: kd_match's transliteration judges these */
        /* the same spelling family, and close in spelling: keys alone
         * would let "Reason" stand for "Russian" */
        char lower[64];
        size_t ll = 0;
        for (size_t i = tok[k].start; i < tok[k].end && ll < sizeof lower; i++)
            if ((unsigned char)text[i] < 0x80)
                lower[ll++] = (char)tolower((unsigned char)text[i]);
        /* a word standing alone has nothing beside it to confirm it: it
         * must be spelled as listed, give or take one letter in a long
         * word (Rossotrudnichestvo, Russotrudnichestvo), not "Rivera" for
         * "Riviera" */
        bool alone = b - a == 1;
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = listed[i] == tok[k].hash &&
                    (alone ? similarity_levenshtein(lower, ll, word[i], word_len[i], 1) <=
                                 (ll >= 10 ? 1u : 0u)
                           : similarity_jaro_winkler(lower, ll, word[i], word_len[i]) >= 0.85);
        /* "Rahmatollah" for the listed "rahmat ollah", "Abdulvahap" for
         * "abd ul vahap": the index splits compounds the text writes whole */
        for (size_t i = 0; i < n && !found && !alone; i++) {
            char joined[64];
            size_t jl = 0;
            for (size_t w = i; w < n && w < i + 4 && jl + word_len[w] <= sizeof joined; w++) {
                memcpy(joined + jl, word[w], word_len[w]);
                jl += word_len[w];
                found = w > i && jl == ll && memcmp(joined, lower, ll) == 0;
                if (found || jl >= ll)
                    break;
            }
        }
        if (!found)
            return false;
    }
    return true;
}

/* Whether the token is the word, case and Latin-1 accents aside. */
static bool same_spelling(const char *text, const scan_token *t, const char *word, size_t len)
{
    char folded[64];
    size_t n = scan_fold_word(text + t->start, t->end - t->start, folded, sizeof folded);
    return n == len && memcmp(folded, word, len) == 0;
}

/* Whether the window holds the first and the last word of the listed
 * name (each spelled alike, window_covered checks the rest): prose writes
 * "Konstantin Ernst" for Konstantin Lvovich ERNST, and the middle names a
 * name field would have are missing rather than different. */
static bool given_and_surname(const char *text, const scan_token *tok, size_t a, size_t b,
                              const char *matched_name)
{
    while (a < b && (tok[a].connector || tok[a].title))
        a++;
    if (b - a < 2)
        return false;
    const char *last = strrchr(matched_name, ' ');
    size_t first_len = strcspn(matched_name, " ");
    if (!last)
        return false;
    last++;
    /* only middle names may be missing: "Xavier Moore" is not let off the
     * threshold against Xavier MOREAU */
    size_t words = 0, window_words = 0;
    for (const char *p = matched_name; *p; p++)
        words += p[0] != ' ' && (p == matched_name || p[-1] == ' ');
    for (size_t k = a; k < b; k++)
        window_words += !tok[k].connector;
    if (words <= window_words)
        return false;
    /* spelled as listed, accents aside: below the threshold a spelling
     * family is too loose ("Antoine" for "Antonio") */
    return same_spelling(text, &tok[a], matched_name, first_len) &&
           same_spelling(text, &tok[b - 1], last, strlen(last));
}

/* One short word alone is a name only as written in the list: "Câmara" is
 * not CAMORRA, nor "Courtès" CORTEZ, however close the spelling family; the
 * word, case and accents folded, must be one of the listed name's words.
 * A long word's spelling family is specific enough to cross
 * transliterations (Rossotrudnichestvo, Canada's Russotrudnichestvo). */
#define LONE_WORD_FUZZY_MIN 13
static bool word_in_name(const char *word, size_t n, const char *matched_name)
{
    if (!n)
        return false;
    if (n >= LONE_WORD_FUZZY_MIN)
        return true;
    for (const char *p = matched_name; *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && memcmp(p, word, n) == 0)
            return true;
        p += len + (p[len] == ' ');
    }
    return false;
}

/* The word as the index spells words: its Latin letters folded to lower
 * case, or the Latin reading of another script (scan_roman); 0 when it has
 * neither. */
static size_t token_spelling(kd_scanner *s, const char *text, const scan_token *t, char out[64])
{
    if (t->romanised) {
        const scan_roman_word *w = scan_roman_get(&s->roman, s->names, text + t->start, t->end - t->start);
        if (!w || !w->len)
            return 0;
        memcpy(out, w->latin, w->len);
        return w->len;
    }
    size_t n = scan_fold_word(text + t->start, t->end - t->start, out, 64);
    return n < 64 ? n : 0;
}

/* A surname after a title names a listed person when the listed name ends
 * with it, spelled the same, and few listed records bear it (the caller
 * counts): "Mr Govor" is Roman GOVOR; "President Aliyev" names no one
 * listed. */
static bool titled_surname_matches(const kd_scanner *s, const char *text, const scan_token *t,
                                   const kd_match_result *r)
{
    if (r->name_score < 0.55)
        return false;
    const char *last = strrchr(r->matched_name, ' ');
    if (!last)
        return false; /* a one-word name has no surname to be called by */
    last++;
    char lower[64];
    size_t n = 0;
    for (size_t i = t->start; i < t->end && n < sizeof lower; i++)
        lower[n++] = (char)tolower((unsigned char)text[i]);
    if (strlen(last) != n || memcmp(last, lower, n) != 0)
        return false;
    (void)s;
    return true;
}

static int remember_surname(kd_scanner *s, uint32_t key, size_t mention)
{
    if (key == UINT32_MAX)
        return KD_OK;
    if (s->n_surnames == s->cap_surnames) {
        size_t cap = s->cap_surnames ? s->cap_surnames * 2 : 16;
        struct named_surname *p = realloc(s->surnames, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        s->surnames = p;
        s->cap_surnames = cap;
    }
    bool known = s->surname_gen[key] == s->gen;
    s->surnames[s->n_surnames] = (struct named_surname){(uint32_t)mention,
                                                        known ? s->surname_head[key] : UINT32_MAX};
    s->surname_gen[key] = s->gen;
    s->surname_head[key] = (uint32_t)s->n_surnames++;
    return KD_OK;
}

/* A surname alone after the person was named in full: the same listed
 * parties, whatever other records share the surname. */
static int try_named_surname(kd_scanner *s, const char *text, const scan_token *t,
                             mention_list *out, bool *taken)
{
    if (!t->capital || t->title || t->connector || t->key == UINT32_MAX ||
        s->surname_gen[t->key] != s->gen)
        return 0;
    size_t first_here = out->n;
    for (uint32_t i = s->surname_head[t->key]; i != UINT32_MAX; i = s->surnames[i].next) {
        uint32_t full_at = s->surnames[i].mention;
        /* spelled as the full mention's last word: the key alone would let
         * "Maria" follow "Xavier Moreau" */
        const kd_mention *named = &out->items[full_at];
        size_t len = t->end - t->start, at = named->end - len;
        if (named->end < len || (at > named->start && text[at - 1] != ' ' && text[at - 1] != '-') ||
            strncasecmp(text + at, text + t->start, len) != 0)
            continue;
        bool dup = false; /* one mention per entity at this place */
        for (size_t k = first_here; k < out->n && !dup; k++)
            dup = out->items[k].entity == out->items[full_at].entity;
        if (dup)
            continue;
        kd_mention *m = push_repeat(out, full_at, t->start, t->end, t->line);
        if (!m)
            return KD_ENOMEM;
        const kd_mention *full = &out->items[full_at];
        snprintf(m->explanation, sizeof m->explanation, "surname of \"%.*s\" named above",
                 (int)(full->end - full->start), text + full->start);
        *taken = true;
    }
    return 0;
}

/* Whether a capitalised word standing alone may be the surname of a listed
 * person ("Dzhabarov supported..."): a word of listed names that few
 * records hold, never written in lower case in the listings' prose (a
 * common word: "Rage", "Hope") and never part of a birth place or an
 * address (a place: "Grozny"). kd_match and the bearer count decide. */
static bool bare_surname_possible(const kd_scanner *s, const char *text, const scan_token *t)
{
    if (!t->capital || t->title || t->connector || t->key == UINT32_MAX ||
        t->end - t->start < BARE_SURNAME_MIN_LEN || !t->ascii)
        return false;
    if (s->ix->keys[t->key].entity_count > BARE_SURNAME_MAX_RECORDS)
        return false;
    if (reasons_word_marks(s->reasons, scan_word_hash(text + t->start, t->end - t->start)) &
        (REASONS_LOWER | REASONS_PLACE))
        return false;
    if (is_country(text + t->start, t->end - t->start))
        return false;
    /* standing alone: a capitalised word beside it makes it part of a name
     * that is not listed ("Krystal Miller", "Osman Tlustek") */
    size_t at = (size_t)(t - s->tokens.items);
    if ((at > 0 && !t->break_before && t[-1].capital && !t[-1].title) ||
        (at + 1 < s->tokens.n && !t[1].break_before && t[1].capital))
        return false;
    /* "Yesterday Kim Miller met the press. Later Miller said...": the text
     * named its Miller in full, and not as a listed person (that one
     * try_named_surname would have taken) */
    return !(s->after_name_gen[t->key] == s->gen && s->after_name_first[t->key] <= at);
}

/* How many listed persons (up to 4) bear the word as the last word of a
 * name, spelled the same: read from the postings of its key, so a
 * surname no one or everyone bears costs no kd_match. One person is on
 * several lists (Malofeev on four): persons are told apart by the key of
 * the name's first word, the given name. */
static int surname_bearers(const kd_scanner *s, const char *text, const scan_token *t)
{
    const kd_index *ix = s->ix;
    size_t len = t->end - t->start;
    if (t->key == UINT32_MAX || len > 63)
        return 0;
    char lower[64];
    for (size_t i = 0; i < len; i++)
        lower[i] = (char)tolower((unsigned char)text[t->start + i]);
    const kdx_key *k = &ix->keys[t->key];
    uint32_t bearers[4];
    int n = 0;
    for (uint32_t p = 0; p < k->n_postings && n < 4; p++) {
        const kdx_name *name = &ix->names[ix->postings[k->postings_first + p]];
        /* a surname ends a name of two words or more: a one-word alias
         * ("MARTIN", an OFAC weak alias) is no one's surname */
        if (ix->entities[name->entity].schema != KD_SCHEMA_PERSON || name->n_tokens < 2)
            continue;
        const kdx_token *last = &ix->tokens[name->tokens_first + name->n_tokens - 1];
        if (last->key != t->key || last->len != len ||
            memcmp(index_string(ix, last->surface), lower, len) != 0)
            continue;
        uint32_t given = name->n_tokens > 1 ? ix->tokens[name->tokens_first].key : UINT32_MAX;
        bool seen = false;
        for (int i = 0; i < n && !seen; i++)
            seen = bearers[i] == given;
        if (!seen)
            bearers[n++] = given;
    }
    return n;
}

/* Remembers kd_match's answer for the window in s->window. */
static int remember_results(kd_scanner *s, int tag, const kd_match_result *res, size_t n)
{
    if (s->n_memo_results + n > MEMO_MAX_RESULTS)
        return KD_OK; /* memory stays bounded: asked again next time */
    if (s->n_memo_results + n > s->cap_memo_results) {
        size_t cap = s->cap_memo_results ? s->cap_memo_results * 2 : 64;
        while (cap < s->n_memo_results + n)
            cap *= 2;
        kd_match_result *p = realloc(s->memo_results, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        s->memo_results = p;
        s->cap_memo_results = cap;
    }
    if (n) /* nothing yet is a NULL array: no pointer arithmetic on it */
        memcpy(s->memo_results + s->n_memo_results, res, n * sizeof *res);
    int rc = scan_memo_put(&s->memo, tag, s->window.data, s->window.len,
                           (uint32_t)s->n_memo_results, (uint32_t)n);
    s->n_memo_results += n;
    return rc;
}

/* Whether word_in_name could hold for some body's name: the word spelled
 * (case and accents folded, or read in Latin letters) as a word of one, or
 * long enough to be taken across spellings. Known from a bit set, before
 * any kd_match. */
static bool spelled_as_body_word(const char *word, size_t n, const scan_names *names)
{
    return n && (n >= LONE_WORD_FUZZY_MIN || scan_names_body_spelling(names, word, n));
}

/* Tries the window [a, b) of tokens as a listed mention; with bare, a
 * single word is tried as a surname standing alone. */
static int try_listed(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b,
                      bool bare, double threshold, mention_list *out, bool *taken, kd_error *err)
{
    /* "President X", "Brigadier-General X": the title is not the name */
    bool titled = false;
    for (size_t k = a, first = after_titles(tok, a, b); k < first; k++)
        titled |= tok[k].title;
    a = after_titles(tok, a, b);
    if (a == b || tok[b - 1].connector)
        return 0; /* "Centers for": a name does not end on a connector */
    size_t start = tok[a].start, end = tok[b - 1].end;
    /* "Mr Govor": a title and one rare surname name a person. */
    bool titled_surname = (titled || bare) && b - a == 1 && tok[a].end - tok[a].start >= 4;
    char spelling[64];
    size_t spelled = b - a == 1 ? token_spelling(s, text, &tok[a], spelling) : 0;
    /* what rules out a single word whatever it matches, known before kd_match */
    if (b - a == 1 && !titled_surname &&
        (end - start < 5 || reasons_word_count(s->reasons, tok[a].hash) > SINGLE_WORD_MAX_USES ||
         /* a word the listings' prose writes in lower case is a common
          * word, even when a body bears it ("JSC Package") */
         (reasons_word_marks(s->reasons, scan_word_hash(text + start, end - start)) & REASONS_LOWER) ||
         /* word_in_name below needs Latin letters or a reading */
         !spelled ||
         ((tok[a].ascii || tok[a].romanised) &&
          (tok[a].key == UINT32_MAX || !scan_bit(s->names->lone_body_key, tok[a].key) ||
           /* "Patricia", "Oscar": a given name, whatever body bears it */
           scan_bit(s->names->given_key, tok[a].key) ||
           !spelled_as_body_word(spelling, spelled, s->names)))))
        return 0;
    /* the bearer count decides a lone surname (see below); with Latin
     * letters it is known from the postings before any kd_match */
    if (titled_surname && tok[a].ascii) {
        int bearers = surname_bearers(s, text, &tok[a]);
        if (bearers == 0 || bearers > 3)
            return 0;
    }
    /* below what any rule below reports: a titled surname's 0.55, else
     * the threshold or a given name and surname's floor */
    double floor = titled_surname ? 0.55 : threshold < GIVEN_AND_SURNAME_FLOOR ? threshold
                                                                              : GIVEN_AND_SURNAME_FLOOR;
    kd_match_query q = {.name = NULL, .schema = titled_surname ? KD_SCHEMA_PERSON : -1,
                        .threshold = threshold, .limit = MATCH_LIMIT, .explain_floor = floor};
    /* the words alone: markup, entities and possessives stay out */
    buf_clear(&s->window);
    for (size_t k = a; k < b; k++)
        if ((k > a && buf_append_char(&s->window, ' ')) ||
            buf_append(&s->window, text + tok[k].start, tok[k].end - tok[k].start))
            return KD_ENOMEM;
    q.name = s->window.data;
    /* "Russia", "United States", "Azerbaijan": whatever body bears the
     * name, in prose it is the country */
    if (is_country(q.name, s->window.len))
        return 0;
    kd_match_result res[MATCH_LIMIT];
    int n = 0;
    uint32_t first, count;
    int tag = MEMO_TAG_LISTED + q.schema;
    if (scan_memo_get(&s->memo, tag, s->window.data, s->window.len, &first, &count)) {
        n = (int)count;
        memcpy(res, s->memo_results + first, count * sizeof *res);
    } else {
        n = kd_match(s->matcher, &q, res, NULL, err);
        if (n < 0)
            return n == KD_EUSAGE || n == KD_ELIMIT || n == KD_EUTF8 ? 0 : n;
        int rc = remember_results(s, tag, res, (size_t)n);
        if (rc)
            return error_set(err, rc, "out of memory");
    }
    int added = 0;
    if (titled_surname) {
        /* three persons may share a surname in the lists; more is a common one */
        uint32_t given[4];
        int bearers = 0;
        for (int i = 0; i < n && bearers < 4; i++) {
            if (!titled_surname_matches(s, text, &tok[a], &res[i]))
                continue;
            uint32_t h = scan_key_hash(res[i].matched_name, strcspn(res[i].matched_name, " "));
            bool seen = false;
            for (int k = 0; k < bearers && !seen; k++)
                seen = given[k] == h;
            if (!seen)
                given[bearers++] = h;
        }
        if (bearers > 3)
            return 0;
    }
    for (int i = 0; i < n; i++) {
        if (titled_surname) {
            if (!titled_surname_matches(s, text, &tok[a], &res[i]))
                continue;
        } else if (b - a == 1 && !word_in_name(spelling, spelled, res[i].matched_name)) {
            continue;
        } else if (!res[i].match &&
                   !(res[i].score >= GIVEN_AND_SURNAME_FLOOR &&
                     s->ix->entities[res[i].entity].schema == KD_SCHEMA_PERSON &&
                     given_and_surname(text, tok, a, b, res[i].matched_name))) {
            continue;
        }
        kd_schema schema = (kd_schema)s->ix->entities[res[i].entity].schema;
        /* One word in prose is a place or a common noun far more often than
         * a vessel, an aircraft or a person: only bodies qualify. */
        if (b - a == 1 && !titled_surname && (schema == KD_SCHEMA_PERSON || schema == KD_SCHEMA_VESSEL ||
                           schema == KD_SCHEMA_AIRPLANE || end - start < 5 ||
                           res[i].score < SINGLE_WORD_THRESHOLD ||
                           reasons_word_count(s->reasons, tok[a].hash) > SINGLE_WORD_MAX_USES))
            continue;
        /* a threshold the caller chose holds for the rules too */
        if (res[i].score < s->min_score || !window_covered(text, tok, a, b, res[i].matched_name))
            continue;
        kd_mention *m = push_mention(out, start, end, tok[a].line);
        if (!m)
            return KD_ENOMEM;
        m->entity = res[i].entity;
        m->score = res[i].score;
        memcpy(m->explanation, res[i].explanation, sizeof m->explanation);
        /* the same party named again: its related listings are known */
        const kd_mention *before = NULL;
        if (s->entity_gen[m->entity] == s->gen) {
            before = &out->items[s->entity_first[m->entity]];
        } else {
            s->entity_gen[m->entity] = s->gen;
            s->entity_first[m->entity] = (uint32_t)(out->n - 1);
        }
        if (before) {
            m->related = before->related;
            m->n_related = before->n_related;
            m->shared_related = 1;
        } else {
            find_related(s, m);
        }
        if (!before && schema == KD_SCHEMA_PERSON && b - a >= 2 &&
            remember_surname(s, tok[b - 1].key, out->n - 1))
            return KD_ENOMEM;
        added++;
    }
    if (added)
        *taken = true;
    return 0;
}

typedef struct entity_set {
    uint32_t items[LINKED_MAX_ENTITIES];
    size_t n;
} entity_set;

static void collect_entity(void *ctx, uint32_t entity, const char *sentence, size_t len)
{
    (void)sentence;
    (void)len;
    entity_set *set = ctx;
    if (set->n < LINKED_MAX_ENTITIES)
        set->items[set->n++] = entity;
}

/* Whether the last two or more words of [a, b) are all words of one name
 * of the entity. */
static bool ends_with_name_of(const kd_scanner *s, const scan_token *tok, size_t a, size_t b,
                              uint32_t entity)
{
    const kd_index *ix = s->ix;
    size_t lo = 0, hi = ix->n_names;
    while (lo < hi) { /* names are stored in entity order */
        size_t mid = lo + (hi - lo) / 2;
        if (ix->names[mid].entity < entity)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < ix->n_names && ix->names[i].entity == entity; i++) {
        const kdx_name *name = &ix->names[i];
        const kdx_token *nt = &ix->tokens[name->tokens_first];
        size_t words = 0;
        for (size_t k = b; k-- > a;) {
            if (tok[k].connector)
                continue;
            if (!tok[k].ascii || tok[k].key == UINT32_MAX)
                break;
            bool in = false;
            for (uint16_t t = 0; t < name->n_tokens && !in; t++)
                in = nt[t].key == tok[k].key;
            if (!in)
                break;
            words++;
        }
        if (words >= 2)
            return true;
    }
    return false;
}

static int repeat_linked(mention_list *out, uint32_t first, size_t start, size_t end, size_t line,
                         bool *taken);
static int linked_decision(kd_scanner *s, const char *text, const scan_token *tok, size_t a,
                           size_t b, mention_list *out, bool *taken);

/* Tries the window as a linked mention: a name other listings mention. */
static int try_linked(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b,
                      mention_list *out, bool *taken)
{
    while (a < b && (tok[a].connector || tok[a].title))
        a++;
    while (b > a && tok[b - 1].connector)
        b--;
    if (b - a < 2)
        return 0;
    /* a name does not stop before the capitalised word that goes on with
     * it: "Army General Oleg" of "Army General Oleg Salyukov" is no one */
    if (b < s->tokens.n && !tok[b].break_before && tok[b].capital && !tok[b].connector)
        return 0;
    size_t start = tok[a].start, end = tok[b - 1].end;
    int tag = MEMO_TAG_LINKED;
    for (size_t i = a; i < b; i++)
        tag += tok[i].break_before ? 1 << (i - a) : 0;
    uint32_t first, count;
    if (scan_memo_get(&s->memo, tag, text + start, end - start, &first, &count)) {
        if (first == UINT32_MAX)
            return 0;
        return repeat_linked(out, first, start, end, tok[a].line, taken);
    }
    int rc = linked_decision(s, text, tok, a, b, out, taken);
    if (rc)
        return rc;
    return scan_memo_put(&s->memo, tag, text + start, end - start,
                         *taken ? (uint32_t)(out->n - 1) : UINT32_MAX, 0);
}

/* The same linked name again: the same listings name it. */
static int repeat_linked(mention_list *out, uint32_t first, size_t start, size_t end, size_t line,
                         bool *taken)
{
    if (!push_repeat(out, first, start, end, line))
        return KD_ENOMEM;
    *taken = true;
    return 0;
}

static int linked_decision(kd_scanner *s, const char *text, const scan_token *tok, size_t a,
                           size_t b, mention_list *out, bool *taken)
{
    size_t start = tok[a].start, end = tok[b - 1].end;
    /* A proper name has a word the listings write capitalised more often
     * than not: "This License" and "OR ANY" are common words however
     * capitalised, "Russian House" is a name. The first word of a sentence
     * is capitalised whatever it is; a word in capitals ("LIMITED") must
     * never be written in lower case there. */
    bool proper = false;
    for (size_t i = a; i < b && !proper; i++) {
        if (tok[i].connector || tok[i].break_before)
            continue;
        unsigned marks = reasons_word_marks(s->reasons, scan_word_hash(text + tok[i].start,
                                                                       tok[i].end - tok[i].start));
        bool caps = tok[i].end - tok[i].start >= 2;
        for (size_t k = tok[i].start; k < tok[i].end && caps; k++)
            caps = !islower((unsigned char)text[k]);
        proper = (marks & REASONS_MOSTLY_CAPITAL) && !(caps && (marks & REASONS_LOWER));
    }
    if (!proper)
        return 0;
    uint32_t seq[SCAN_MAX_WINDOW];
    for (size_t i = a; i < b; i++)
        seq[i - a] = tok[i].hash;
    reasons_spelling spell = {text, &tok[a]};
    entity_set named = {0};
    size_t count = reasons_find(s->reasons, seq, b - a, UINT32_MAX, &spell, LINKED_MAX_ENTITIES, collect_entity,
                                &named);
    if (count == 0 || count > LINKED_MAX_ENTITIES || is_country(text + start, end - start))
        return 0;
    /* "Army General Oleg Salyukov" in Salyukov's own listing is Salyukov:
     * the shorter windows will find him listed. */
    for (size_t i = 0; i < named.n; i++)
        if (ends_with_name_of(s, tok, a, b, named.items[i]))
            return 0;
    kd_mention *m = push_mention(out, start, end, tok[a].line);
    if (!m)
        return KD_ENOMEM;
    m->linked = 1;
    m->score = 1.0;
    snprintf(m->explanation, sizeof m->explanation, "named in the listings of %zu listed part%s",
             count, count == 1 ? "y" : "ies");
    reasons_find(s->reasons, seq, b - a, UINT32_MAX, &spell, SIZE_MAX, add_related, m);
    *taken = true;
    return 0;
}


/* Whether some listed name holds every Latin word of the window [a, b)
 * (titles leading it aside) as window_covered will demand of a hit. */
static bool listed_possible(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b)
{
    scan_word words[SCAN_MAX_WINDOW];
    char lower[SCAN_MAX_WINDOW][64];
    size_t n = 0;
    /* Words of other scripts are left to kd_match: it reads them in
     * several ways, inflected forms included ("Примакова" for Primakov),
     * where one reading's key would rule out real names. */
    for (size_t k = after_titles(tok, a, b); k < b; k++) {
        if (tok[k].connector || !tok[k].ascii)
            continue;
        /* window_covered checks the spelling of Latin words, as written */
        size_t len = 0;
        for (size_t c = tok[k].start; c < tok[k].end && len < sizeof lower[n]; c++)
            lower[n][len++] = (char)tolower((unsigned char)text[c]);
        words[n] = (scan_word){tok[k].key, lower[n], len, true};
        n++;
    }
    int possible = scan_names_possible(s->names, words, n, POSSIBLE_WALK_MAX);
    if (possible != SCAN_NAMES_COSTLY)
        return possible;
    /* common words that share keys with many names ("If You" in a licence)
     * walk thousands of postings, and recur: remembered */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ scan_word_hash(words[i].spelling, words[i].len)) * 1099511628211ull;
    h |= 1;
    struct possible_answer *cached = &s->possible_cache[(h ^ (h >> 31)) % POSSIBLE_CACHE];
    if (cached->window != h) {
        cached->window = h;
        cached->possible = scan_names_possible(s->names, words, n, SIZE_MAX) == 1;
    }
    return cached->possible;
}

/* Whether every word of the window could belong to a listed name, or to a
 * name the listings mention. Words in another script are not judged. */
static bool window_possible(const scan_token *tok, size_t a, size_t b, bool listed)
{
    for (size_t k = listed ? after_titles(tok, a, b) : a; k < b; k++) {
        if (tok[k].connector || !tok[k].ascii)
            continue;
        if (listed ? !tok[k].in_names : !tok[k].in_reasons)
            return false;
    }
    return true;
}

int kd_scan(kd_scanner *s, const char *text, size_t len, double threshold, kd_mention **out,
            size_t *n_out, kd_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (len >= UINT32_MAX)
        return error_set(err, KD_ELIMIT, "text of %zu bytes: kd_scan takes at most 4 GiB at a time", len);
    s->tokens.n = 0;
    s->n_surnames = 0;
    scan_memo_reset(&s->memo);
    s->n_memo_results = 0;
    if (++s->gen == 0) { /* after 4 billion scans the stamps wrap: forget them */
        memset(s->entity_gen, 0, (s->ix->n_entities + 1) * sizeof *s->entity_gen);
        memset(s->surname_gen, 0, (s->ix->n_keys + 1) * sizeof *s->surname_gen);
        memset(s->after_name_gen, 0, (s->ix->n_keys + 1) * sizeof *s->after_name_gen);
        s->gen = 1;
    }
    if (!utf8_valid(text, len, NULL))
        return error_set(err, KD_EUTF8, "text: invalid UTF-8");
    if (scan_tokenize(text, len, &s->tokens))
        return error_set(err, KD_ENOMEM, "out of memory");
    scan_token *tok = s->tokens.items;
    size_t n = s->tokens.n;
    for (size_t i = 0; i < n; i++) {
        if (!tok[i].capital && !tok[i].connector)
            continue;
        tok[i].key = scan_names_key(s->names, tok[i].hash);
        if (!tok[i].ascii && tok[i].key == UINT32_MAX) {
            /* a word of another script: its key is that of its reading */
            char folded[64];
            const scan_roman_word *w;
            if (scan_fold_word(text + tok[i].start, tok[i].end - tok[i].start, folded, sizeof folded) == 0 &&
                (w = scan_roman_get(&s->roman, s->names, text + tok[i].start, tok[i].end - tok[i].start)) &&
                w->len) {
                tok[i].key = w->key;
                tok[i].romanised = true;
            }
        }
        tok[i].in_names = tok[i].key != UINT32_MAX;
        uint32_t k = tok[i].key;
        if (k != UINT32_MAX && i > 0 && !tok[i].break_before && tok[i - 1].capital &&
            !tok[i - 1].title && !tok[i - 1].connector && s->after_name_gen[k] != s->gen) {
            s->after_name_gen[k] = s->gen;
            s->after_name_first[k] = (uint32_t)i;
        }
        tok[i].in_reasons = reasons_word_count(s->reasons, tok[i].hash) > 0;
    }
    mention_list found = {0};
    int rc = KD_OK;
    s->min_score = threshold > 0 ? threshold : 0;
    if (threshold <= 0)
        threshold = SCAN_THRESHOLD;
    for (size_t i = 0; i < n && !rc;) {
        if (!tok[i].capital) {
            i++;
            continue;
        }
        /* the run of capitalised words (connectors inside) from i */
        size_t j = i + 1;
        while (j < n && !tok[j].break_before &&
               (tok[j].capital || (tok[j].connector && j + 1 < n && tok[j + 1].capital &&
                                   !tok[j + 1].break_before)))
            j++;
        /* longest window first, leftmost first; taken words are skipped */
        size_t a = i;
        while (a < j && !rc) {
            bool taken = false;
            size_t longest = j - a < SCAN_MAX_WINDOW ? j - a : SCAN_MAX_WINDOW;
            for (size_t w = longest; w >= 1 && !taken && !rc; w--) {
                if (tok[a].connector)
                    break;
                if (w == 1)
                    rc = try_named_surname(s, text, &tok[a], &found, &taken);
                if (!rc && !taken && window_possible(tok, a, a + w, true) &&
                    listed_possible(s, text, tok, a, a + w))
                    rc = try_listed(s, text, tok, a, a + w, false, threshold, &found, &taken, err);
                if (!rc && !taken && w == 1 && bare_surname_possible(s, text, &tok[a]))
                    rc = try_listed(s, text, tok, a, a + 1, true, threshold, &found, &taken, err);
                if (!rc && !taken && w >= 2 && window_possible(tok, a, a + w, false))
                    rc = try_linked(s, text, tok, a, a + w, &found, &taken);
                if (taken)
                    a += w;
            }
            if (!taken)
                a++;
        }
        i = j;
    }
    if (rc) {
        kd_mentions_free(found.items, found.n);
        return rc;
    }
    *out = found.items;
    *n_out = found.n;
    return KD_OK;
}
