/* kd_match: candidates from the inverted name index, then a full score per
 * candidate name.
 *
 * Candidate generation looks up each query token's spelling-family key and
 * its one-edit neighbours (the DELS table), and sums rarity weights per
 * listed name; only names that share enough weight with the query are
 * scored. Scoring aligns query and listed tokens regardless of order, each
 * pair scored by key identity, edit distance or Jaro-Winkler, and combines
 * how much of the query and how much of the listed name is covered, each
 * weighted by token rarity. Birth dates, countries and gender then move the
 * score; schemata that cannot be the same thing never meet. */
#include "match.h"
#include "text/text.h"
#include "scoring.h"
#include "match_identifiers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

typedef struct candidate {
    uint32_t name;
    uint16_t form;
    float acc;
} candidate;

/* Forms of one query: its romanisations (up to four), those of its
 * bracketed parts, spaced initials joined. */
/* name score from which a candidate is scored by every reading of the query */
#define OTHER_READINGS_FLOOR 0.5
#define QUERY_FORMS 8

struct kd_matcher {
    const kd_index *ix;
    text_normaliser *tn;
    float *acc;          /* per listed name, for the form being looked up */
    uint32_t *stamp;     /* which query token last added to a name */
    uint32_t *touched;
    size_t n_touched;
    uint32_t stamp_now;
    float top; /* highest acc of the form being looked up, so far */
    candidate *cands;
    size_t n_cands;
    float *token_weight;   /* see listed_weights: computed once */
    uint8_t *substantive;
    uint8_t *name_schema;  /* per name: its entity's schema and NAME_KOREAN, read for every name a query touches */
    uint8_t *patronymic;   /* per listed token: match_patronymics */
    uint8_t *given_key;    /* bit per key: listed_weights.given_key */
    uint64_t *loose;       /* per listed token: listed_weights.loose */
    uint8_t *equivalent_key; /* listed_weights.equivalent_key */
    listed_weights weights;
    struct scored *best;   /* per query: best name per candidate entity */
    size_t cap_best;
    uint32_t *entity_slot; /* entity → its place in the scored list, per query */
    uint32_t *entity_stamp;
    uint32_t query_stamp;
    uint32_t *party_slot;  /* party → its place in party_score, per query */
    uint32_t *party_stamp;
    double *party_score;   /* best final score of each party evaluated */
    double *kth_scratch;
    buf forms;
    buf outside, inside; /* a query's bracketed name apart (prepare_forms) */
    qform query_forms[QUERY_FORMS];
    similarity_memo memo[QUERY_FORMS]; /* query_forms[f].memo */
    char query_form_text[QUERY_FORMS][TEXT_NAME_MAX + 1]; /* to skip a form met twice */
    double log_n;
    kdx_hashed_name *acronyms; /* bodies' names by their initials, by hash */
    size_t n_acronyms;
    kdx_hashed_name *korean_words; /* Korean persons' names by their words' text_korean_key, by hash */
    size_t n_korean_words;
    match_id_table *identifiers; /* records by identifier, for queries without a name */
};

/* A body's name by the first letters of its words (small words and legal
 * forms left out): "KCST" finds Korean Committee for Space Technology. */
#define ACRONYM_MIN 2
#define ACRONYM_MAX 6

/* The acronyms of every body's name, sorted (NULL with none): of its
 * name words, and of its name words with its legal form's when it has one
 * (NIOC for National Iranian Oil Company, as bodies call themselves). */
/* A name that can only be Korean as written: two words or more, each a
 * syllable or two of Korean (text_korean_key), one of them a family name
 * of Koreans (Kim, Ri, Pak, Choe, Jong...). Lists that give no nationality
 * write Korean names so. */
static bool korean_looking(const kd_index *ix, const kdx_name *name)
{
    static const char *const family[] = {
        "ahn",  "an",   "bae",  "baek", "bak",  "bang", "byon", "byun", "cha",  "chae", "chang", "cho",
        "choe", "choi", "chon", "chong", "chu", "chun", "chung", "chwe", "gang", "gil", "gim",  "go",
        "gwon", "gye",  "ha",   "han",  "heo",  "hong", "hwang", "hyon", "hyun", "im", "jang", "jeon",
        "jeong", "jo",  "jon",  "jong", "ju",   "jung", "kang", "kil",  "kim",  "ko",  "kwak", "kwon",
        "kye",  "lee",  "lim",  "min",  "mun",  "nam",  "o",    "oh",   "pae",  "paek", "paik", "pak",
        "pang", "park", "pyon", "rhee", "ri",   "rim",  "ro",   "ryom", "ryu",  "seo", "shin", "sim",
        "sin",  "so",   "son",  "song", "suh",  "tae",  "thae", "won",  "yang", "yi",  "yom",  "yoon",
        "yu",   "yun",
    };
    if (name->n_tokens < 2 || name->n_tokens > 5)
        return false;
    bool family_name = false;
    for (uint32_t k = 0; k < name->n_tokens; k++) {
        const kdx_token *t = &ix->tokens[name->tokens_first + k];
        const char *surface = index_string(ix, t->surface);
        char key[TOKEN_LEN];
        if (!text_korean_key(surface, t->len, key, sizeof key))
            return false;
        for (size_t f = 0; f < KD_ARRAY_LEN(family) && !family_name; f++)
            family_name = strlen(family[f]) == t->len && memcmp(family[f], surface, t->len) == 0;
    }
    return family_name;
}

/* Names of persons the lists say are Korean (a nationality, citizenship or
 * country kp or kr): their words are compared as every romanisation of
 * Korean writes them (text_korean_key). A name's language is its
 * bearer's, not its spelling's: Chong is Jong for a Korean only. */
static void mark_korean_names(const kd_index *ix, uint8_t *name_schema)
{
    uint32_t last_entity = UINT32_MAX;
    bool korean = false;
    for (size_t i = 0; i < ix->n_names; i++) {
        uint32_t e = ix->names[i].entity;
        if (e != last_entity) {
            last_entity = e;
            korean = false;
            if (ix->entities[e].schema == KD_SCHEMA_PERSON) {
                kd_entity_view v;
                kd_index_entity(ix, e, &v);
                for (uint32_t k = 0; k < v.n_values && !korean; k++) {
                    kd_value_ref r = kd_entity_view_value(ix, &v, k);
                    korean = (r.prop == KD_PROP_NATIONALITY || r.prop == KD_PROP_CITIZENSHIP ||
                              r.prop == KD_PROP_COUNTRY || r.prop == KD_PROP_BIRTH_COUNTRY) &&
                             (strcmp(r.value, "kp") == 0 || strcmp(r.value, "kr") == 0);
                }
            }
        }
        if (korean || (ix->entities[e].schema == KD_SCHEMA_PERSON && korean_looking(ix, &ix->names[i])))
            name_schema[i] |= NAME_KOREAN;
    }
}

static int acronyms_build(kd_matcher *m)
{
    const kd_index *ix = m->ix;
    m->acronyms = malloc((ix->n_names ? 2 * ix->n_names : 1) * sizeof *m->acronyms);
    m->n_acronyms = 0;
    if (!m->acronyms)
        return KD_ENOMEM;
    for (size_t i = 0; i < ix->n_names; i++) {
        const kdx_name *name = &ix->names[i];
        if (ix->entities[name->entity].schema == KD_SCHEMA_PERSON)
            continue;
        for (int with_legal = 0; with_legal < 2; with_legal++) {
            char letters[ACRONYM_MAX];
            size_t n = 0;
            bool fits = true, legal = false;
            for (uint32_t k = 0; k < name->n_tokens && fits; k++) {
                const kdx_token *t = &ix->tokens[name->tokens_first + k];
                bool counts = t->cls == TEXT_TOKEN_NAME || (with_legal && t->cls == TEXT_TOKEN_LEGAL);
                if (!counts || t->len < 2)
                    continue;
                legal |= t->cls == TEXT_TOKEN_LEGAL;
                if (n == ACRONYM_MAX)
                    fits = false;
                else
                    letters[n++] = index_string(ix, t->surface)[0];
            }
            if (fits && n >= ACRONYM_MIN && (!with_legal || legal))
                m->acronyms[m->n_acronyms++] = (kdx_hashed_name){hash_bytes(letters, n), (uint32_t)i, 0};
        }
    }
    qsort(m->acronyms, m->n_acronyms, sizeof *m->acronyms, index_hashed_name_compare);
    return KD_OK;
}

/* Korean persons' names (NAME_KOREAN) by each word's text_korean_key: a
 * word in another romanisation finds the names (Chung Chong KIM, Jung Jong
 * KIM), where only the family name shares a listed key. */
static int korean_words_build(kd_matcher *m)
{
    const kd_index *ix = m->ix;
    size_t n = 0;
    for (size_t i = 0; i < ix->n_names; i++)
        if (m->name_schema[i] & NAME_KOREAN)
            n += ix->names[i].n_tokens;
    m->korean_words = malloc((n ? n : 1) * sizeof *m->korean_words);
    if (!m->korean_words)
        return KD_ENOMEM;
    m->n_korean_words = 0;
    for (size_t i = 0; i < ix->n_names; i++) {
        if (!(m->name_schema[i] & NAME_KOREAN))
            continue;
        const kdx_name *name = &ix->names[i];
        for (uint32_t k = 0; k < name->n_tokens; k++) {
            const kdx_token *t = &ix->tokens[name->tokens_first + k];
            char key[TOKEN_LEN];
            size_t kl = text_korean_key(index_string(ix, t->surface), t->len, key, sizeof key);
            if (kl)
                m->korean_words[m->n_korean_words++] = (kdx_hashed_name){hash_bytes(key, kl), (uint32_t)i, 0};
        }
    }
    qsort(m->korean_words, m->n_korean_words, sizeof *m->korean_words, index_hashed_name_compare);
    return KD_OK;
}

/* Adds weight to a name for the query word being looked up, once: the
 * stamp says this word counted for the name already. */
static void credit_name(kd_matcher *m, uint32_t name, double weight)
{
    if (m->stamp[name] == m->stamp_now)
        return;
    if (m->acc[name] == 0.0f)
        m->touched[m->n_touched++] = name;
    m->stamp[name] = m->stamp_now;
    m->acc[name] += (float)weight;
    if (m->acc[name] > m->top)
        m->top = m->acc[name];
}

/* Adds weight to the names of table entries with hash h. */
static void hashed_postings(kd_matcher *m, const kdx_hashed_name *table, size_t n, uint64_t h, double weight)
{
    for (size_t lo = index_hashed_name_first(table, n, h); lo < n && table[lo].hash == h; lo++)
        credit_name(m, table[lo].name, weight);
}

/* Names whose acronym a query of one short word may be. The table is
 * made on the first such query: most matchers never see one. */
static void acronym_postings(kd_matcher *m, const qtoken *t)
{
    if (!m->acronyms && acronyms_build(m))
        return; /* out of memory: no acronym candidates */
    hashed_postings(m, m->acronyms, m->n_acronyms, hash_bytes(t->surface, t->len), t->weight);
}

/* ---- key lookup --------------------------------------------------------- */

int64_t match_find_key(const kd_index *ix, const char *key)
{
    size_t lo = 0, hi = ix->n_keys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(index_string(ix, ix->keys[mid].text), key);
        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void match_mark_equivalent_keys(const kd_index *ix, uint8_t *bits)
{
    for (size_t i = 0; text_name_equivalent_form(i); i++) {
        const char *form = text_name_equivalent_form(i);
        char key[TEXT_KEY_SIZE(64)];
        size_t kl = text_token_key(form, strlen(form), key, sizeof key);
        int64_t id = kl && kl < sizeof key ? match_find_key(ix, key) : -1;
        if (id >= 0)
            bits[id / 8] |= (uint8_t)(1u << (id % 8));
    }
}

/* First DELS entry whose text is `variant`, or n_deletions. */
static size_t find_deletions(const kd_index *ix, const char *variant)
{
    size_t lo = 0, hi = ix->n_deletions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(index_string(ix, ix->deletions[mid].text), variant) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- matcher life cycle ------------------------------------------------- */

/* The loose key hash of every listed word long enough to have one (on
 * first use instead, they made a fresh matcher's first queries 10 % slower).
 * Words repeat: each distinct surface string is keyed once. */
static int loose_keys_fill(kd_matcher *m)
{
    const kd_index *ix = m->ix;
    size_t cap = 1024;
    while (cap < 2 * ix->n_tokens)
        cap *= 2;
    struct seen {
        uint32_t surface_plus_one;
        uint64_t hash;
    } *seen = calloc(cap, sizeof *seen);
    if (!seen)
        return KD_ENOMEM;
    for (size_t i = 0; i < ix->n_tokens; i++) {
        const kdx_token *t = &ix->tokens[i];
        if (t->len < LOOSE_MIN || t->len >= TOKEN_LEN) {
            m->loose[i] = LOOSE_NONE;
            continue;
        }
        size_t at = (t->surface * 2654435761u) & (cap - 1);
        while (seen[at].surface_plus_one && seen[at].surface_plus_one != t->surface + 1)
            at = (at + 1) & (cap - 1);
        if (!seen[at].surface_plus_one) {
            char key[TOKEN_LEN];
            size_t kl = text_token_loose_key(index_string(ix, t->surface), t->len, key, sizeof key);
            seen[at] = (struct seen){t->surface + 1, kl ? match_loose_hash(key, kl) : LOOSE_NONE};
        }
        m->loose[i] = seen[at].hash;
    }
    free(seen);
    return KD_OK;
}

int kd_matcher_new(const kd_index *ix, kd_matcher **out, kd_error *err)
{
    *out = NULL;
    kd_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return error_set(err, KD_ENOMEM, "out of memory");
    m->ix = ix;
    size_t n = ix->n_names ? ix->n_names : 1;
    m->acc = calloc(n, sizeof *m->acc);
    m->stamp = calloc(n, sizeof *m->stamp);
    m->touched = malloc(n * sizeof *m->touched);
    /* every name may pass for one form; earlier forms keep MAX_CANDIDATES each */
    m->cands = malloc((n + QUERY_FORMS * MAX_CANDIDATES) * sizeof *m->cands);
    size_t ne = ix->n_entities ? ix->n_entities : 1;
    m->entity_slot = calloc(ne, sizeof *m->entity_slot);
    m->entity_stamp = calloc(ne, sizeof *m->entity_stamp);
    m->party_slot = calloc(ne, sizeof *m->party_slot);
    m->party_stamp = calloc(ne, sizeof *m->party_stamp);
    m->party_score = malloc(ne * sizeof *m->party_score);
    m->kth_scratch = malloc(ne * sizeof *m->kth_scratch);
    m->token_weight = malloc((ix->n_tokens ? ix->n_tokens : 1) * sizeof *m->token_weight);
    m->substantive = calloc(n, sizeof *m->substantive);
    m->name_schema = calloc(n, sizeof *m->name_schema);
    m->patronymic = calloc(ix->n_tokens ? ix->n_tokens : 1, sizeof *m->patronymic);
    m->loose = calloc(ix->n_tokens ? ix->n_tokens : 1, sizeof *m->loose);
    m->equivalent_key = calloc(ix->n_keys / 8 + 1, 1);
    m->given_key = calloc(ix->n_keys / 8 + 1, 1);
    /* per key: persons' names it begins, persons' name words it is */
    uint32_t *first_count = calloc(ix->n_keys ? ix->n_keys : 1, sizeof *first_count);
    uint32_t *person_count = calloc(ix->n_keys ? ix->n_keys : 1, sizeof *person_count);
    if (!m->given_key || !first_count || !person_count) {
        free(first_count);
        free(person_count);
        kd_matcher_free(m);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    if (!m->acc || !m->stamp || !m->touched || !m->cands || !m->entity_slot || !m->entity_stamp ||
        !m->token_weight || !m->substantive || !m->name_schema || !m->patronymic || !m->loose || !m->equivalent_key || !m->party_slot || !m->party_stamp || !m->party_score ||
        !m->kth_scratch) {
        kd_matcher_free(m);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < ix->n_names; i++) {
        const kdx_name *name = &ix->names[i];
        bool person = ix->entities[name->entity].schema == KD_SCHEMA_PERSON;
        m->name_schema[i] = (uint8_t)ix->entities[name->entity].schema;
        const char *surfaces[C_TOKENS];
        size_t lens[C_TOKENS];
        bool patronymic[C_TOKENS];
        size_t nt = name->n_tokens < C_TOKENS ? name->n_tokens : C_TOKENS;
        for (size_t k = 0; k < nt; k++) {
            surfaces[k] = index_string(ix, ix->tokens[name->tokens_first + k].surface);
            lens[k] = ix->tokens[name->tokens_first + k].len;
        }
        match_patronymics(surfaces, lens, nt, person, patronymic);
        float body_factor[C_TOKENS];
        if (!person)
            match_body_word_factors(surfaces, lens, nt, body_factor);
        bool first_seen = false, form_only = !person && name->n_tokens > 0;
        for (uint32_t k = 0; k < name->n_tokens; k++) {
            const kdx_token *t = &ix->tokens[name->tokens_first + k];
            form_only &= t->cls == TEXT_TOKEN_LEGAL || t->cls == TEXT_TOKEN_STOP || t->cls == TEXT_TOKEN_PARTICLE;
            if (person && t->cls == TEXT_TOKEN_NAME && t->len > 1 && t->key < ix->n_keys) {
                person_count[t->key]++;
                first_count[t->key] += !first_seen;
                first_seen = true;
            }
            /* "Sa", "Co", "Ao" in a person's name are names, not legal forms */
            int cls = t->cls == TEXT_TOKEN_LEGAL && person ? TEXT_TOKEN_NAME : t->cls;
            bool patr = k < nt && patronymic[k];
            m->patronymic[name->tokens_first + k] = patr;
            m->token_weight[name->tokens_first + k] =
                (float)match_token_weight(ix, (int64_t)t->key, cls, index_string(ix, t->surface), t->len, patr) *
                (!person && k < nt ? body_factor[k] : 1.0f);
            /* score_name looks at C_TOKENS words of a name at most */
            if (k < C_TOKENS && t->cls == TEXT_TOKEN_NAME && t->len > 1 && !patr && m->substantive[i] < UINT8_MAX)
                m->substantive[i]++;
        }
        _Static_assert(KD_SCHEMA_COUNT <= NAME_SCHEMA_MASK + 1, "a schema must fit under the name flags");
        if (form_only)
            m->name_schema[i] |= NAME_FORM_ONLY;
    }
    mark_korean_names(ix, m->name_schema);
    if (loose_keys_fill(m) || korean_words_build(m)) {
        kd_matcher_free(m);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    /* A given name begins persons' names often (a quarter of the names
     * it is in, and twice at least); a family name seldom does. */
    for (size_t k = 0; k < ix->n_keys; k++)
        if (first_count[k] >= 2 && first_count[k] * 4 >= person_count[k])
            m->given_key[k / 8] |= (uint8_t)(1u << (k % 8));
    free(first_count);
    free(person_count);
    match_mark_equivalent_keys(ix, m->equivalent_key);
    m->weights = (listed_weights){m->token_weight, m->substantive, m->name_schema, m->patronymic, m->equivalent_key,
                                  m->given_key, m->loose,
                                  log((double)(ix->n_entities + 1) / (SHORT_FORM_PARTIES + 1.0)) + 0.5};
    int rc = text_normaliser_new(&m->tn, err);
    if (rc) {
        kd_matcher_free(m);
        return rc;
    }
    *out = m;
    return KD_OK;
}

void kd_matcher_free(kd_matcher *m)
{
    if (!m)
        return;
    if (m->tn)
        text_normaliser_free(m->tn);
    free(m->acc);
    free(m->stamp);
    free(m->touched);
    free(m->cands);
    free(m->entity_slot);
    free(m->token_weight);
    free(m->substantive);
    free(m->name_schema);
    free(m->patronymic);
    free(m->given_key);
    free(m->acronyms);
    free(m->korean_words);
    match_id_table_free(m->identifiers);
    free(m->loose);
    free(m->equivalent_key);
    free(m->best);
    free(m->entity_stamp);
    free(m->party_slot);
    free(m->party_stamp);
    free(m->party_score);
    free(m->kth_scratch);
    buf_free(&m->forms);
    buf_free(&m->outside);
    buf_free(&m->inside);
    free(m);
}

/* ---- query preparation -------------------------------------------------- */

/* The keys of the names a diminutive query word stands for (Sasha: the
 * keys of Aleksandr and Aleksandra), when the index has them. */
static void nickname_keys(const kd_index *ix, qtoken *t)
{
    t->n_nickname_keys = 0;
    if (t->cls != TEXT_TOKEN_NAME)
        return;
    const char *names[4];
    size_t lens[4];
    size_t n = text_nickname_names(t->surface, t->len, names, lens, 4);
    for (size_t i = 0; i < n; i++) {
        char key[TOKEN_LEN];
        size_t kl = text_token_key(names[i], lens[i], key, sizeof key);
        if (!kl || kl >= sizeof key)
            continue;
        key[kl] = '\0';
        int64_t id = match_find_key(ix, key);
        if (id >= 0)
            t->nickname_key[t->n_nickname_keys++] = id;
    }
}

/* The tokens of one romanised form into q; false when none is left. */
static bool tokenise_form(kd_matcher *m, const char *form, int schema, qform *q, similarity_memo *memo)
{
    q->n = 0;
    q->total = 0;
    q->memo = memo;
    memset(memo->key, 0, sizeof memo->key);
    for (const char *p = form; *p && q->n < Q_TOKENS;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (!len)
            break;
        if (len < TOKEN_LEN) {
            qtoken *t = &q->t[q->n];
            memcpy(t->surface, p, len);
            t->surface[len] = '\0';
            t->len = len;
            t->key_len = text_token_key(p, len, t->key, sizeof t->key);
            if (t->key_len > 0 && t->key_len < sizeof t->key) {
                t->key[t->key_len] = '\0';
                t->key_id = match_find_key(m->ix, t->key);
                t->cls = text_token_class_of(p, len);
                /* "Sa", "Co", "Ao" are names too when a person is meant */
                if (t->cls == TEXT_TOKEN_LEGAL && schema == KD_SCHEMA_PERSON)
                    t->cls = TEXT_TOKEN_NAME;
                q->n++;
            }
        }
        p += len;
    }
    /* weights once the whole name is known: a patronymic is one in context */
    const char *surfaces[Q_TOKENS];
    size_t lens[Q_TOKENS];
    bool patronymic[Q_TOKENS];
    for (size_t k = 0; k < q->n; k++)
        surfaces[k] = q->t[k].surface, lens[k] = q->t[k].len;
    match_patronymics(surfaces, lens, q->n, schema == KD_SCHEMA_PERSON || schema < 0, patronymic);
    float body_factor[Q_TOKENS];
    match_body_word_factors(surfaces, lens, q->n, body_factor);
    q->body_total = 0;
    for (size_t k = 0; k < q->n; k++) {
        qtoken *t = &q->t[k];
        t->patronymic = patronymic[k];
        t->equivalents = match_equivalent_key(&m->weights, t->key_id);
        t->skeleton = t->cls == TEXT_TOKEN_NAME && match_is_skeleton(t->surface, t->len);
        t->loose_len = t->len >= LOOSE_MIN ? text_token_loose_key(t->surface, t->len, t->loose, sizeof t->loose) : 0;
        t->loose_hash = t->loose_len ? match_loose_hash(t->loose, t->loose_len) : 0;
        t->weight = match_token_weight(m->ix, t->key_id, t->cls, t->surface, t->len, t->patronymic);
        q->total += t->weight;
        t->body_factor = body_factor[k];
        t->numeral = match_numeral_value(t->surface, t->len);
        t->korean_len = t->cls == TEXT_TOKEN_NAME ? text_korean_key(t->surface, t->len, t->korean, sizeof t->korean) : 0;
        nickname_keys(m->ix, t);
        q->body_total += t->weight * body_factor[k];
    }
    /* "General Mudacumura": what score_name's titled-surname rule asks of
     * the query, known once per form */
    size_t titles = 0, words = 0;
    q->titled_word = -1;
    for (size_t k = 0; k < q->n; k++) {
        if (q->t[k].cls == TEXT_TOKEN_HONORIFIC)
            titles++;
        else if (q->t[k].weight > 0)
            words++, q->titled_word = (int)k;
    }
    if (!titles || words != 1)
        q->titled_word = -1;
    return q->n > 0;
}

/* A form whose single letters in a row are written as one word ("k l m
 * logistics" → "klm logistics"): how a body's initials are spaced out.
 * False when the form has no two single letters in a row. */
static bool join_spaced_initials(const char *form, char *out, size_t size)
{
    size_t o = 0, run = 0;
    bool joined = false;
    for (const char *p = form; *p;) {
        size_t len = strcspn(p, " ");
        bool single = len == 1;
        if (o && !(single && run > 0) && o + 1 < size)
            out[o++] = ' ';
        if (single && run > 0)
            joined = true;
        run = single ? run + 1 : 0;
        if (o + len + 1 >= size)
            return false;
        memcpy(out + o, p, len);
        o += len;
        p += len;
        while (*p == ' ')
            p++;
    }
    out[o] = '\0';
    return joined;
}

/* Adds the romanised forms of `name` (and their spaced-initials variant)
 * to forms[*count, max), skipping forms already there. */
static void add_forms(kd_matcher *m, const char *name, int schema, qform *forms, size_t *count, size_t max)
{
    buf_clear(&m->forms);
    int n = text_name_forms(m->tn, name, strlen(name), &m->forms);
    size_t at = 0;
    char joined[TEXT_NAME_MAX + 1];
    for (int f = 0; f < n && *count < max; f++) {
        const char *form = m->forms.data + at;
        at += strlen(form) + 1;
        for (int variant = 0; variant < 2 && *count < max; variant++) {
            const char *text = form;
            if (variant == 1) {
                if (schema == KD_SCHEMA_PERSON || !join_spaced_initials(form, joined, sizeof joined))
                    break;
                text = joined;
            }
            bool again = false;
            for (size_t k = 0; k < *count && !again; k++)
                again = strcmp(m->query_form_text[k], text) == 0;
            if (again || strlen(text) > TEXT_NAME_MAX || !tokenise_form(m, text, schema, &forms[*count], &m->memo[*count]))
                continue;
            strcpy(m->query_form_text[(*count)++], text);
        }
    }
}

/* The forms a query name is compared in: every romanisation of the whole
 * name and, when it carries a bracket, of the part outside and the part
 * inside ("Nordlase LLC (OOO Nordlase)"), as the index holds listed names
 * (text_split_parenthetical). The best-aligned form wins. */
/* The words of a part of a name field that name something (not legal
 * forms, stop words or initials: "S. de R.L. de C.V." names nothing);
 * *upper: every letter of the part is a capital. */
static size_t part_name_words(const char *s, size_t n, bool *upper)
{
    size_t words = 0;
    *upper = true;
    for (size_t i = 0; i < n;) {
        if (!((unsigned char)s[i] >= 0x80 || isalnum((unsigned char)s[i]))) {
            i++;
            continue;
        }
        char word[64];
        size_t len = 0;
        bool other_script = false;
        for (; i < n && ((unsigned char)s[i] >= 0x80 || isalnum((unsigned char)s[i])); i++) {
            other_script |= (unsigned char)s[i] >= 0x80;
            *upper &= !islower((unsigned char)s[i]);
            if (len < sizeof word)
                word[len++] = (char)tolower((unsigned char)s[i]);
        }
        words += other_script || (len > 1 && len < sizeof word && text_token_class_of(word, len) == TEXT_TOKEN_NAME);
    }
    return words;
}

/* A field that lists several names ("RI Yong Gi, RI Yo'ng-kil, YI
 * Yo'ng-kil", "Vagner Group, PMC Wagner, Liga"), as lists write aliases:
 * each name a form of its own (names parted by semicolons, else by
 * commas). Not a family name before the given names
 * ("KIM, Jong Un", "JUMA BARKALLA, Abdel Rahman") nor a legal form after a
 * name ("Rosneft, PJSC", "Cocina de Tijuana, S. de R.L. de C.V."): the
 * parts that name something must be three or more, or two of two words
 * each, not a person's, nor a first one in capitals before one that is
 * not. */
static void add_listed_names(kd_matcher *m, const char *name, int schema, qform *forms, size_t *count,
                             size_t max_forms)
{
    /* a semicolon parts names only; commas, where there is none */
    const char *separators = strchr(name, ';') ? ";" : ",";
    size_t parts = 0, short_parts = 0;
    bool first_upper = false, second_upper = false;
    for (const char *p = name;; p++) {
        size_t n = strcspn(p, separators);
        bool upper;
        size_t words = part_name_words(p, n, &upper);
        if (words) {
            if (parts == 0)
                first_upper = upper;
            else if (parts == 1)
                second_upper = upper;
            parts++;
            short_parts += words == 1;
        }
        p += n;
        if (!*p)
            break;
    }
    if (parts < 2 || (parts == 2 && *separators == ',' &&
                      (short_parts > 0 || schema == KD_SCHEMA_PERSON || (first_upper && !second_upper))))
        return;
    char part[TEXT_NAME_MAX + 1];
    for (const char *p = name; *count < max_forms;) {
        size_t n = strcspn(p, separators);
        bool upper;
        if (part_name_words(p, n, &upper) > 0 && n <= TEXT_NAME_MAX) {
            memcpy(part, p, n);
            part[n] = '\0';
            add_forms(m, part, schema, forms, count, max_forms);
        }
        p += n;
        if (!*p)
            break;
        p++;
    }
}

static size_t prepare_forms(kd_matcher *m, const char *name, int schema, qform *forms, size_t max_forms)
{
    size_t count = 0;
    add_forms(m, name, schema, forms, &count, max_forms);
    if (strpbrk(name, ",;"))
        add_listed_names(m, name, schema, forms, &count, max_forms);
    char country[3]; /* a country in brackets is no name (index/names.c) */
    if (count < max_forms && text_split_parenthetical(name, &m->outside, &m->inside) &&
        !country_code(m->inside.data, m->inside.len, country)) {
        add_forms(m, m->outside.data, schema, forms, &count, max_forms);
        add_forms(m, m->inside.data, schema, forms, &count, max_forms);
    }
    return count;
}

/* ---- candidate generation ----------------------------------------------- */

static void add_postings(kd_matcher *m, uint32_t key, double weight)
{
    const kdx_key *k = &m->ix->keys[key];
    for (uint32_t i = 0; i < k->n_postings; i++)
        credit_name(m, m->ix->postings[k->postings_first + i], weight);
}

static void fuzzy_postings(kd_matcher *m, const qtoken *t)
{
    const kd_index *ix = m->ix;
    if (t->key_len < 4 || t->key_len >= 40)
        return;
    /* list key one letter longer than the query's */
    for (size_t d = find_deletions(ix, t->key);
         d < ix->n_deletions && strcmp(index_string(ix, ix->deletions[d].text), t->key) == 0; d++)
        add_postings(m, ix->deletions[d].key, t->weight * 0.8);
    char variant[TOKEN_LEN];
    for (size_t i = 0; i < t->key_len; i++) {
        if (i && t->key[i] == t->key[i - 1])
            continue;
        memcpy(variant, t->key, i);
        memcpy(variant + i, t->key + i + 1, t->key_len - i);
        /* list key one letter shorter */
        int64_t k = match_find_key(ix, variant);
        if (k >= 0)
            add_postings(m, (uint32_t)k, t->weight * 0.8);
        /* one letter substituted or transposed */
        for (size_t d = find_deletions(ix, variant);
             d < ix->n_deletions && strcmp(index_string(ix, ix->deletions[d].text), variant) == 0; d++)
            add_postings(m, ix->deletions[d].key, t->weight * 0.8);
    }
}

/* A Russian adjective finds the names of its noun ("Leningradskiye"
 * Leningrad, "Lazernyye" Laser), which score_name accepts as the word
 * (place_adjective, noun_adjective). */
static void adjective_postings(kd_matcher *m, const qtoken *t)
{
    char nouns[3][TOKEN_LEN];
    size_t n = match_adjective_nouns(t->surface, t->len, nouns, 3);
    for (size_t i = 0; i < n; i++) {
        char key[TOKEN_LEN];
        size_t kl = text_token_key(nouns[i], strlen(nouns[i]), key, sizeof key);
        if (kl < 3 || kl >= sizeof key)
            continue;
        key[kl] = '\0';
        int64_t k = match_find_key(m->ix, key);
        if (k >= 0 && k != t->key_id)
            add_postings(m, (uint32_t)k, t->weight * 0.85);
    }
}

static int compare_candidates(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->acc != y->acc)
        return (x->acc < y->acc) - (x->acc > y->acc);
    /* ties by name, so that the cut does not depend on the order in
     * which postings were walked */
    return (x->name > y->name) - (x->name < y->name);
}

/* Moves the k candidates that compare_candidates puts first to the front
 * of c[0, n), in no particular order (quickselect: a common query word
 * touches thousands of names, and only the first MAX_CANDIDATES are kept). */
static void select_first_candidates(candidate *c, size_t n, size_t k)
{
    /* names are unique within one form, so no two candidates tie */
    size_t lo = 0, hi = n; /* the k-th first lies in [lo, hi) */
    while (hi - lo > 1 && k > 0) {
        size_t mid = lo + (hi - lo) / 2, store = lo;
        candidate t = c[mid];
        c[mid] = c[hi - 1];
        c[hi - 1] = t;
        for (size_t i = lo; i + 1 < hi; i++)
            if (compare_candidates(&c[i], &c[hi - 1]) < 0) {
                t = c[i];
                c[i] = c[store];
                c[store++] = t;
            }
        t = c[store];
        c[store] = c[hi - 1];
        c[hi - 1] = t;
        size_t first = store - lo + 1; /* c[lo, store] come before the rest */
        if (k == first)
            return;
        if (k < first) {
            hi = store;
        } else {
            k -= first;
            lo = store + 1;
        }
    }
}

/* Adds the weight of a query token to the names already touched that hold
 * its key: once the tokens left cannot lift a new name to the floor, a
 * common word ("Evgeny", "Federal") need not walk its thousands of
 * postings. */
static void add_to_touched(kd_matcher *m, uint32_t key, double weight)
{
    const kd_index *ix = m->ix;
    for (size_t i = 0; i < m->n_touched; i++) {
        uint32_t name = m->touched[i];
        const kdx_name *nm = &ix->names[name];
        for (uint16_t j = 0; j < nm->n_tokens; j++)
            if (ix->tokens[nm->tokens_first + j].key == key) {
                m->acc[name] += (float)weight;
                if (m->acc[name] > m->top)
                    m->top = m->acc[name];
                break;
            }
    }
}

static int compare_weight_desc(const void *a, const void *b)
{
    double x = (*(const qtoken *const *)a)->weight, y = (*(const qtoken *const *)b)->weight;
    return (x < y) - (x > y);
}

/* Whether t is the only name word of the query (legal forms and small
 * words aside): "KCST", "RIHS-Somalia" is no acronym. */
static bool unpronounceable(const qtoken *t)
{
    size_t vowels = 0;
    for (size_t i = 0; i < t->len; i++)
        vowels += strchr("aeiouy", t->surface[i]) != NULL;
    return t->len >= 3 && vowels <= 1;
}

static bool acronym_word(const qform *q, const qtoken *t)
{
    for (size_t i = 0; i < q->n; i++)
        if (&q->t[i] != t && q->t[i].cls == TEXT_TOKEN_NAME)
            return false;
    return true;
}

/* Two words written for one: "Xi Jin Ping" (Han read syllable by
 * syllable) for "XI Jinping". Two neighbouring query words whose joined
 * spelling the lists know find its names, as the heavier of the two,
 * with the stamp of the word being looked up, so that a name it found
 * already is not counted twice. The alignment in score_name decides what
 * the pair is worth. (One word for two listed, "Kim Jongun" for "KIM Jong
 * Un", needs the lists' word pairs indexed: their halves are too common
 * to look up by key: the index pairs them, kdx_hashed_name.) */
static void joined_postings(kd_matcher *m, const qform *q, size_t at)
{
    const kd_index *ix = m->ix;
    const qtoken *t = &q->t[at];
    if (t->cls != TEXT_TOKEN_NAME)
        return;
    /* the word itself may be two listed words run together, whether or
     * not the lists know its key ("jongun" keys as "yangon" does) */
    if (t->len >= 5)
        hashed_postings(m, ix->joined, ix->n_joined, hash_bytes(t->key, t->key_len), t->weight);
    char text[TOKEN_LEN], key[TEXT_KEY_SIZE(TOKEN_LEN)];
    for (size_t i = at ? at - 1 : 0; i + 1 < q->n && i <= at; i++) {
        const qtoken *a = &q->t[i], *b = &q->t[i + 1], *other = i == at ? b : a;
        if (other->cls != TEXT_TOKEN_NAME || a->len + b->len >= TOKEN_LEN || other->weight > t->weight ||
            (other->weight == t->weight && other < t))
            continue;
        memcpy(text, a->surface, a->len);
        memcpy(text + a->len, b->surface, b->len);
        size_t kl = text_token_key(text, a->len + b->len, key, sizeof key);
        /* a key of three symbols or fewer is too common a shape ("yunho"
         * keys as "jiang" does) */
        int64_t k = kl >= 4 && kl < sizeof key ? match_find_key(ix, key) : -1;
        if (k >= 0)
            add_postings(m, (uint32_t)k, t->weight);
    }
}

/* The one letter Persian and Arabic names are romanised two ways that
 * spelling keys keep apart: qaf/ghayn as q or gh (Baqer/Bagher,
 * Zolqadr/Zolghadr, Qasem/Ghasem). A word with one finds the names of its
 * other spelling too; scoring then reads them by their loose keys. */
static void alternation_postings(kd_matcher *m, const qtoken *t)
{
    if (t->cls != TEXT_TOKEN_NAME || t->len < 4 || t->len + 2 >= TOKEN_LEN)
        return;
    const char *gh = strstr(t->surface, "gh"), *q = strchr(t->surface, 'q');
    if (!gh && !q)
        return;
    char other[TOKEN_LEN], key[TEXT_KEY_SIZE(TOKEN_LEN)];
    size_t at = gh ? (size_t)(gh - t->surface) : (size_t)(q - t->surface), n = 0;
    memcpy(other, t->surface, at);
    n = at;
    if (gh) {
        other[n++] = 'q';
        at += 2;
    } else {
        other[n++] = 'g', other[n++] = 'h';
        at += 1;
    }
    memcpy(other + n, t->surface + at, t->len - at);
    n += t->len - at;
    other[n] = '\0';
    size_t kl = text_token_key(other, n, key, sizeof key);
    int64_t k = kl >= 3 && kl < sizeof key ? match_find_key(m->ix, key) : -1;
    if (k >= 0 && k != t->key_id)
        add_postings(m, (uint32_t)k, t->weight * 0.9);
}

static void collect_candidates(kd_matcher *m, const qform *q, uint16_t form, int schema)
{
    m->n_touched = 0;
    m->top = 0.0f;
    /* rarest (heaviest) tokens first: they decide which names can pass */
    const qtoken *order[Q_TOKENS];
    double left = 0;
    for (size_t i = 0; i < q->n; i++) {
        order[i] = &q->t[i];
        left += q->t[i].weight > 0 ? q->t[i].weight : 0;
    }
    qsort(order, q->n, sizeof *order, compare_weight_desc);
    for (size_t i = 0; i < q->n; i++) {
        const qtoken *t = order[i];
        if (t->weight <= 0)
            continue;
        m->stamp_now++;
        /* the floor below can only rise as names gain weight: a name the
         * tokens left cannot lift to it now never becomes a candidate (a
         * hair lower, so that float sums never cross it) */
        double floor_now = q->total * 0.3 > m->top * 0.6 ? q->total * 0.3 : m->top * 0.6;
        bool new_names = left >= floor_now * 0.999;
        left -= t->weight;
        if (t->key_id >= 0 && !new_names && m->n_touched * 8 < m->ix->keys[t->key_id].n_postings)
            add_to_touched(m, (uint32_t)t->key_id, t->weight);
        else if (t->key_id >= 0)
            add_postings(m, (uint32_t)t->key_id, t->weight);
        /* A token whose spelling family is listed finds its names directly;
         * one-edit neighbours are looked up only for tokens the lists do
         * not know, where a typo is the likely reason. */
        if (t->key_id < 0)
            fuzzy_postings(m, t);
        if (new_names) {
            if (t->korean_len)
                hashed_postings(m, m->korean_words, m->n_korean_words, hash_bytes(t->korean, t->korean_len),
                                t->weight);
            alternation_postings(m, t);
            joined_postings(m, q, (size_t)(t - q->t));
            adjective_postings(m, t);
        }
        /* one short word for a body, a word the lists do not have or one
         * no language would say (a vowel at most: "KLMZ", whose key
         * other words share), may be its acronym ("KCST"); words they have
         * ("Drake") are names */
        if ((t->key_id < 0 || unpronounceable(t)) && schema != KD_SCHEMA_PERSON && t->cls == TEXT_TOKEN_NAME &&
            t->len >= ACRONYM_MIN && t->len <= ACRONYM_MAX && acronym_word(q, t))
            acronym_postings(m, t);
    }
    /* Keep names that share a real part of the query's weight, and not far
     * less than the best candidate shares. */
    size_t first = m->n_cands;
    double floor = q->total * 0.3;
    if (floor < m->top * 0.6)
        floor = m->top * 0.6;
    for (size_t i = 0; i < m->n_touched; i++) {
        uint32_t name = m->touched[i];
        float acc = m->acc[name];
        m->acc[name] = 0.0f;
        if (acc < floor)
            continue;
        if (!match_schema_compatible(schema, (kd_schema)(m->name_schema[name] & NAME_SCHEMA_MASK)))
            continue;
        m->cands[m->n_cands++] = (candidate){name, form, acc};
    }
    size_t n = m->n_cands - first;
    if (n > MAX_CANDIDATES) {
        select_first_candidates(m->cands + first, n, MAX_CANDIDATES);
        /* in one order whatever order the postings were walked in */
        qsort(m->cands + first, MAX_CANDIDATES, sizeof *m->cands, compare_candidates);
        m->n_cands = first + MAX_CANDIDATES;
    }
}

/* ---- ranking (evidence beside the name: features.c) -------------------- */

/* The most dates and countries can add to a name score: (1 - s)·s²·(0.5 +
 * 0.1) peaks at 0.089 (s = 2/3); rounded up. An identifier can add more,
 * so a query with one is evaluated in full. */
#define EVIDENCE_LIFT 0.1

typedef struct scored scored;
struct scored {
    uint32_t entity, name;
    uint16_t form;
    int rank;
    double name_score, score;
};

static bool in_dataset(const kd_index *ix, uint32_t entity, const char *dataset)
{
    if (!dataset || !*dataset || strcmp(dataset, "default") == 0)
        return true;
    const kdx_entity *e = &ix->entities[entity];
    for (uint16_t i = 0; i < e->n_datasets; i++)
        if (strcmp(index_string(ix, ix->datasets[ix->dataset_ids[e->datasets_first + i]].name),
                   dataset) == 0)
            return true;
    return false;
}

/* The k-th largest of n scores (k <= n): the best k kept in order in
 * `top` as the scores go by, which for the few results asked for is far
 * cheaper than sorting every party evaluated each time one rises. */
static double kth_largest(const double *scores, size_t n, size_t k, double *top)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        double s = scores[i];
        if (kept == k && s <= top[k - 1])
            continue;
        size_t at = kept < k ? kept++ : k - 1;
        while (at > 0 && top[at - 1] < s) {
            top[at] = top[at - 1];
            at--;
        }
        top[at] = s;
    }
    return top[k - 1];
}

static int compare_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    return (x->entity > y->entity) - (x->entity < y->entity);
}

/* A new stamp for the per-entity and per-party marks; when the counter
 * wraps, old marks could pass for new ones: they are cleared. */
static void next_query_stamp(kd_matcher *m)
{
    if (++m->query_stamp == 0) {
        size_t ne = m->ix->n_entities ? m->ix->n_entities : 1;
        memset(m->entity_stamp, 0, ne * sizeof *m->entity_stamp);
        memset(m->party_stamp, 0, ne * sizeof *m->party_stamp);
        m->query_stamp = 1;
    }
}

/* Identifier agreeing, no name to compare: how sure a match is (under
 * what the same identifier beside a matching name gives). */
#define IDENTIFIER_ONLY_SCORE 0.9

/* A query with an identifier and no name (a vessel by its IMO number):
 * the records holding it, as parties, each scored IDENTIFIER_ONLY_SCORE
 * and its other evidence (dates, countries) applied. */
static int match_by_identifier(kd_matcher *m, const kd_match_query *query, kd_match_result *results,
                               size_t *candidates, kd_error *err)
{
    const kd_index *ix = m->ix;
    if (strlen(query->identifier) > 256)
        return error_set(err, KD_ELIMIT, "identifier: longer than 256 bytes");
    if (!utf8_valid(query->identifier, strlen(query->identifier), NULL))
        return error_set(err, KD_EUTF8, "identifier: invalid UTF-8");
    if (!m->identifiers && match_id_table_build(ix, &m->identifiers))
        return error_set(err, KD_ENOMEM, "out of memory");
    uint32_t found[MAX_RESULTS];
    size_t n_found = match_id_table_find(m->identifiers, query->identifier, found, MAX_RESULTS);
    if (candidates)
        *candidates = n_found;
    size_t limit = query->limit ? query->limit : 5;
    double threshold = query->threshold > 0 ? query->threshold : KD_MATCH_THRESHOLD;
    char date[64], country[3];
    const char *q_date = query->birth_date && *query->birth_date &&
                                 date_normalise(query->birth_date, strlen(query->birth_date), date, sizeof date)
                             ? date
                             : NULL;
    const char *q_country = query->country && *query->country &&
                                    country_code(query->country, strlen(query->country), country)
                                ? country
                                : NULL;
    size_t n = 0;
    for (size_t i = 0; i < n_found && n < limit; i++) {
        uint32_t e = found[i];
        if (!match_schema_compatible(query->schema, (kd_schema)ix->entities[e].schema) ||
            !in_dataset(ix, e, query->dataset) || (query->accept && !query->accept(query->accept_context, e)))
            continue;
        size_t party = query->by_record ? e : kd_index_party(ix, e);
        bool again = false;
        for (size_t k = 0; k < n && !again; k++)
            again = results[k].party == party;
        if (again)
            continue;
        kd_match_result *r = &results[n++];
        memset(r, 0, sizeof *r);
        r->entity = e;
        r->party = party;
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        const char *caption = kd_entity_view_first(ix, &v, KD_PROP_NAME);
        snprintf(r->matched_name, sizeof r->matched_name, "%s", caption ? caption : v.id);
        snprintf(r->explanation, sizeof r->explanation, "no name given");
        r->score = match_apply_evidence(ix, query, q_date, q_country, e, IDENTIFIER_ONLY_SCORE, r->explanation,
                                        sizeof r->explanation);
        r->score = floor(r->score * 1000 + 0.5) / 1000;
        r->match = r->score >= threshold;
    }
    return (int)n;
}

int kd_match(kd_matcher *m, const kd_match_query *query, kd_match_result *results,
             size_t *candidates, kd_error *err)
{
    const kd_index *ix = m->ix;
    if ((!query->name || !*query->name) && query->identifier && *query->identifier)
        return match_by_identifier(m, query, results, candidates, err);
    if (!query->name || !*query->name)
        return error_set(err, KD_EUSAGE, "name: empty");
    if (strlen(query->name) > 1024)
        return error_set(err, KD_ELIMIT, "name: longer than 1024 bytes");
    if (!utf8_valid(query->name, strlen(query->name), NULL))
        return error_set(err, KD_EUTF8, "name: invalid UTF-8");
    size_t limit = query->limit ? query->limit : 5;
    if (limit > MAX_RESULTS)
        limit = MAX_RESULTS;
    double threshold = query->threshold > 0 ? query->threshold : KD_MATCH_THRESHOLD;
    char date[64], country[3];
    const char *q_date = NULL, *q_country = NULL;
    if (query->birth_date && *query->birth_date &&
        date_normalise(query->birth_date, strlen(query->birth_date), date, sizeof date))
        q_date = date;
    if (query->country && *query->country &&
        country_code(query->country, strlen(query->country), country))
        q_country = country;

    qform *forms = m->query_forms;
    size_t nf = prepare_forms(m, query->name, query->schema, forms, QUERY_FORMS);
    m->n_cands = 0;
    for (size_t f = 0; f < nf; f++)
        collect_candidates(m, &forms[f], (uint16_t)f, query->schema);
    if (candidates)
        *candidates = m->n_cands;

    /* Best name per entity. Candidates are few (hundreds): sort by entity. */
    next_query_stamp(m);
    if (m->n_cands > m->cap_best) {
        scored *p = realloc(m->best, m->n_cands * sizeof *p);
        if (!p)
            return error_set(err, KD_ENOMEM, "out of memory");
        m->best = p;
        m->cap_best = m->n_cands;
    }
    scored *best = m->best;
    size_t n_best = 0;
    for (size_t i = 0; i < m->n_cands; i++) {
        const candidate *c = &m->cands[i];
        /* Candidates lie scattered over the index: the next one's words
         * and weights are asked for while this one is scored. */
        if (i + 3 < m->n_cands)
            __builtin_prefetch(&ix->names[m->cands[i + 3].name]);
        if (i + 1 < m->n_cands) {
            const kdx_name *next = &ix->names[m->cands[i + 1].name];
            __builtin_prefetch(&ix->tokens[next->tokens_first]);
            __builtin_prefetch(&m->token_weight[next->tokens_first]);
        }
        uint32_t entity = ix->names[c->name].entity;
        if (!in_dataset(ix, entity, query->dataset))
            continue;
        if (query->accept && !query->accept(query->accept_context, entity))
            continue;
        double s = score_name(ix, &m->weights, &forms[c->form], c->name, NULL, 0);
        uint16_t form = c->form;
        /* A name found by one reading of the query and near the decision
         * is scored by its other readings too: the reading that finds a
         * name (its keys) need not be the one that spells it best
         * (Arabic "mzlum" finds Mazloom, "mzlwm" writes it) */
        for (uint16_t f = 0; nf > 1 && s >= OTHER_READINGS_FLOOR && s < 0.95 && f < nf; f++) {
            double other = f == c->form ? 0 : score_name(ix, &m->weights, &forms[f], c->name, NULL, 0);
            if (other > s)
                s = other, form = f;
        }
        size_t k = n_best;
        if (m->entity_stamp[entity] == m->query_stamp)
            k = m->entity_slot[entity];
        m->entity_stamp[entity] = m->query_stamp;
        m->entity_slot[entity] = (uint32_t)k;
        if (k == n_best)
            best[n_best++] = (scored){entity, c->name, form, 0, s, s};
        else if (s > best[k].name_score)
            best[k] = (scored){entity, c->name, form, 0, s, s};
    }
    /* Evidence beside the name lifts a score by less than EVIDENCE_LIFT, so
     * going down the names by name score, once one cannot reach the
     * limit-th final score, none after it can: they are not looked at. */
    for (size_t i = 0; i < n_best; i++)
        best[i].score = best[i].name_score;
    /* Walked best first, and usually only a few are: with an identifier
     * every one is, and they are sorted at once; else each next best is
     * selected as it is needed (the order compare_scored gives, at this
     * point name score, then entity). */
    bool select_lazily = !query->identifier;
    if (n_best && !select_lazily) /* best is NULL until a query has had candidates */
        qsort(best, n_best, sizeof *best, compare_scored);
    /* Results are parties: the records of one party (kd_index_party) count
     * once, as their best-scoring member, so that one person listed by three
     * authorities is one result and leaves room for the next party. */
    size_t evaluated = 0, n_parties = 0;
    double kth = -1.0; /* lowest final score among the best `limit` parties so far */
    for (; evaluated < n_best; evaluated++) {
        if (select_lazily) {
            size_t top = evaluated;
            for (size_t i = evaluated + 1; i < n_best; i++)
                if (compare_scored(&best[i], &best[top]) < 0)
                    top = i;
            scored t = best[evaluated];
            best[evaluated] = best[top];
            best[top] = t;
        }
        scored *b = &best[evaluated];
        if (n_parties >= limit && !query->identifier && b->name_score + EVIDENCE_LIFT < kth)
            break;
        b->score = match_apply_evidence(ix, query, q_date, q_country, b->entity, b->name_score, NULL, 0);
        /* compare rounded scores, as they are shown */
        b->score = floor(b->score * 1000 + 0.5) / 1000;
        b->rank = index_authority_rank(ix, b->entity);
        size_t p = query->by_record ? b->entity : kd_index_party(ix, b->entity);
        bool raised = true;
        if (m->party_stamp[p] != m->query_stamp) {
            m->party_stamp[p] = m->query_stamp;
            m->party_slot[p] = (uint32_t)n_parties;
            m->party_score[n_parties++] = b->score;
        } else if (b->score > m->party_score[m->party_slot[p]]) {
            m->party_score[m->party_slot[p]] = b->score;
        } else {
            raised = false;
        }
        if (n_parties >= limit && raised && (n_parties == limit || b->score > kth)) {
            /* recompute the limit-th best party among those evaluated */
            kth = kth_largest(m->party_score, n_parties, limit, m->kth_scratch);
        }
    }
    if (evaluated)
        qsort(best, evaluated, sizeof *best, compare_scored);
    /* the best member of each party, best first; best[0, n) keeps them */
    next_query_stamp(m);
    size_t n = 0;
    for (size_t i = 0; i < evaluated && n < limit; i++) {
        size_t p = query->by_record ? best[i].entity : kd_index_party(ix, best[i].entity);
        if (m->party_stamp[p] == m->query_stamp)
            continue;
        m->party_stamp[p] = m->query_stamp;
        best[n++] = best[i];
    }
    for (size_t i = 0; i < n; i++) {
        kd_match_result *r = &results[i];
        memset(r, 0, sizeof *r);
        r->entity = best[i].entity;
        r->party = query->by_record ? best[i].entity : kd_index_party(ix, best[i].entity);
        r->name_score = best[i].name_score;
        const kdx_name *name = &ix->names[best[i].name];
        size_t used = 0;
        for (uint16_t t = 0; t < name->n_tokens; t++) {
            const char *surface = index_string(ix, ix->tokens[name->tokens_first + t].surface);
            size_t len = strlen(surface);
            if (used + (t > 0) + len >= sizeof r->matched_name)
                break;
            if (t)
                r->matched_name[used++] = ' ';
            memcpy(r->matched_name + used, surface, len + 1);
            used += len;
        }
        /* Explaining a score means scoring the name again with words; a
         * caller that drops weak results (text screening) need not pay. */
        if (query->explain_floor > 0 && best[i].score < query->explain_floor &&
            best[i].name_score < query->explain_floor) {
            r->score = best[i].score;
            r->match = r->score >= threshold;
            continue;
        }
        score_name(ix, &m->weights, &forms[best[i].form], best[i].name, r->explanation,
                   sizeof r->explanation);
        r->score = match_apply_evidence(ix, query, q_date, q_country, best[i].entity, best[i].name_score,
                                  r->explanation, sizeof r->explanation);
        r->score = floor(r->score * 1000 + 0.5) / 1000;
        r->match = r->score >= threshold;
    }
    return (int)n;
}

/* Names are stored in entity order: the first name of an entity by binary
 * search, then the run of its names. */
int kd_match_entity(kd_matcher *m, const char *name, size_t entity, double *name_score, kd_error *err)
{
    const kd_index *ix = m->ix;
    *name_score = 0;
    if (!name || !*name)
        return error_set(err, KD_EUSAGE, "name: empty");
    if (strlen(name) > 1024)
        return error_set(err, KD_ELIMIT, "name: longer than 1024 bytes");
    if (!utf8_valid(name, strlen(name), NULL))
        return error_set(err, KD_EUTF8, "name: invalid UTF-8");
    if (entity >= ix->n_entities)
        return error_set(err, KD_ENOTFOUND, "entity %zu: not in the index", entity);
    qform *forms = m->query_forms;
    size_t nf = prepare_forms(m, name, -1, forms, QUERY_FORMS);
    size_t lo = 0, hi = ix->n_names;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->names[mid].entity < entity)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t n = lo; n < ix->n_names && ix->names[n].entity == entity; n++)
        for (size_t f = 0; f < nf; f++) {
            double s = score_name(ix, &m->weights, &forms[f], (uint32_t)n, NULL, 0);
            if (s > *name_score)
                *name_score = s;
        }
    return 0;
}

/* ---- suggestions -------------------------------------------------------- */

/* Whether name `i` holds the words of `q` at `at`, its last word begun. */
static bool name_has_prefix_at(const kd_index *ix, const kdx_name *name, size_t at, const qform *q)
{
    if (at + q->n > name->n_tokens)
        return false;
    for (size_t w = 0; w < q->n; w++) {
        const kdx_token *t = &ix->tokens[name->tokens_first + at + w];
        const char *surface = index_string(ix, t->surface);
        bool last = w + 1 == q->n;
        if (last ? t->len < q->t[w].len || memcmp(surface, q->t[w].surface, q->t[w].len) != 0
                 : t->len != q->t[w].len || memcmp(surface, q->t[w].surface, t->len) != 0)
            return false;
    }
    return true;
}

int kd_match_suggest(kd_matcher *m, const char *prefix, int (*accept)(void *context, size_t entity),
                     void *accept_context, size_t cursor, size_t *parties, size_t max, kd_error *err)
{
    const kd_index *ix = m->ix;
    if (!prefix || strlen(prefix) > 1024)
        return error_set(err, KD_ELIMIT, "prefix: longer than 1024 bytes");
    if (!utf8_valid(prefix, strlen(prefix), NULL))
        return error_set(err, KD_EUTF8, "prefix: invalid UTF-8");
    qform *forms = m->query_forms;
    size_t nf = prepare_forms(m, prefix, -1, forms, QUERY_FORMS);
    if (!nf || !max)
        return 0;
    next_query_stamp(m);
    size_t n = 0, skipped = 0;
    /* names that begin with the prefix, then those with it further on */
    for (int later = 0; later < 2 && n < max; later++) {
        for (size_t i = 0; i < ix->n_names && n < max; i++) {
            const kdx_name *name = &ix->names[i];
            size_t party = kd_index_party(ix, name->entity);
            if (m->party_stamp[party] == m->query_stamp)
                continue;
            bool found = false;
            for (size_t f = 0; f < nf && !found; f++) {
                if (!later) {
                    found = name_has_prefix_at(ix, name, 0, &forms[f]);
                    continue;
                }
                for (size_t at = 1; at < name->n_tokens && !found; at++)
                    found = name_has_prefix_at(ix, name, at, &forms[f]);
            }
            if (!found || (accept && !accept(accept_context, name->entity)))
                continue;
            m->party_stamp[party] = m->query_stamp;
            if (skipped < cursor) {
                skipped++;
                continue;
            }
            parties[n++] = party;
        }
    }
    return (int)n;
}
