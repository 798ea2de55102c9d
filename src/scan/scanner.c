/* kd_scan: names in running text. Runs of capitalised words (with
 * connectors such as "of", "al", "von" inside) are candidate names; each
 * run is tried from its longest window down, and a window is
 *   listed — when kd_match finds a listed party for it, or
 *   linked  — when listing reasons, positions or notes name it
 * and then its words are taken, so "Evgeny Primakov Children's Aid
 * Foundation" is one linked name, not a mention of Evgeny Primakov.
 *
 * The cost is linear in the text: at most SCAN_MAX_WINDOW windows per
 * word, each bounded by the index, not the text (per-text memories are
 * capped). kd_scan_with bounds a scan for untrusted callers: mentions,
 * related entries kept, and a cancel asked every few milliseconds. */
#include "scanner_internal.h"
#include "match/match.h"
#include "model/model.h"
#include "text/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The first word try_listed keeps of the window from a: "President X"
 * is asked as "X", while a title after the name's first word stays in it
 * ("Azerbaijani President" is asked whole, and must be a listed name). */
static size_t after_titles(const scan_token *tok, size_t a, size_t b)
{
    while (a < b && (tok[a].title || tok[a].connector))
        a++;
    return a;
}

bool scan_is_country(const char *text, size_t len)
{
    char code[3];
    return country_code(text, len, code);
}

/* Whether one word of the name, or up to four in a row joined, is spelled
 * exactly as the word: "Abdulvahap" for the listed "abd ul vahap",
 * "Hizballah" for "hizb allah" (the index splits compounds the text
 * writes whole). */
static bool spelled_by_name(const char *matched_name, const char *word, size_t n)
{
    if (n == 0)
        return false;
    for (const char *p = matched_name; *p;) {
        size_t joined = 0, parts = 0;
        for (const char *q = p; joined < n && *q && parts < 4; parts++) {
            size_t part = strcspn(q, " ");
            if (joined + part > n || memcmp(q, word + joined, part) != 0)
                break;
            joined += part;
            q += part + (q[part] == ' ');
        }
        if (joined == n)
            return true;
        size_t len = strcspn(p, " ");
        p += len + (p[len] == ' ');
    }
    return false;
}

/* In prose every word of the window must be a word of the listed name
 * (same spelling family): "Team Eye" is not the company "Team", even if a
 * name field would score it high. Words without Latin letters are taken
 * on kd_match's word, which compares across scripts. */
/* Whether window word k is (part of) a legal form: "OOO", "LLC",
 * "Joint Stock Company", "Limited Liability Company". Prose names a
 * company with the legal form of its own language or none, whatever the
 * list wrote ("OOO Tako" for the listed "Tako LLC"): a body's legal forms
 * need not be the listed ones, but a name needs one word of its own. */
/* An initial: one capital Latin letter ("Arkady R. Rotenberg"), which the
 * matcher aligns with a name word it begins; the spelling checks below pass
 * over it. */
static bool initial_word(const scan_token *t)
{
    return t->end - t->start == 1 && t->ascii && t->capital;
}

static bool legal_word(const scan_token *tok, size_t k, size_t b)
{
    while (k < b && tok[k].legal == SCAN_LEGAL_BEFORE)
        k++; /* "Public Joint ...": as the word after it */
    return k < b && tok[k].legal == SCAN_LEGAL_WORD;
}

static bool window_covered(const char *text, const scan_token *tok, size_t a, size_t b,
                           const char *matched_name, bool person)
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
    size_t name_words = 0, loose_words = 0, legal_words = 0;
    for (size_t k = a; k < b; k++) {
        if (tok[k].connector)
            continue;
        if (person && b - a > 2 && initial_word(&tok[k])) {
            /* an initial beside two words or more: of a listed word's
             * first letter (R. for Romanovich) */
            bool begins = false;
            char letter = (char)(text[tok[k].start] - 'A' + 'a');
            for (size_t i = 0; i < n && !begins; i++)
                begins = word[i][0] == letter;
            if (!begins)
                return false;
            continue;
        }
        if (!tok[k].ascii)
            continue; /* Désiré, Примаков: kd_match's transliteration judges these */
        if (!person && legal_word(tok, k, b)) {
            legal_words++;
            continue;
        }
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
            found = (listed[i] == tok[k].hash &&
                     (alone ? text_edit_distance(lower, ll, word[i], word_len[i], 1) <=
                                 (ll >= 10 ? 1u : 0u)
                           : similarity_jaro_winkler(lower, ll, word[i], word_len[i]) >= 0.85 ||
                                 /* one given name in two languages: "Sergei" for "Siarhei";
                                  * vowels alone differing: "Kovalenko" for "Kavalenka" */
                                 text_name_equivalence(lower, ll, word[i], word_len[i], NULL, NULL) ||
                                 text_vowels_only_differ(lower, ll, word[i], word_len[i]))) ||
                    (!alone && person && text_patronymic_equivalence(lower, ll, word[i], word_len[i]));
        /* "Rahmatollah" for the listed "rahmat ollah" (even alone) */
        if (found || spelled_by_name(matched_name, lower, ll)) {
            name_words++;
            continue;
        }
        /* one word of a person's name may be another romanisation of a
         * listed word, beside words that are the name's: a given name of
         * its spelling family ("Alexander" for Alyaksandr; not "Maria" for
         * Marina), a surname spelled close ("Haniya" for Haniyeh; not
         * "Shmeleva" for Shumilova). A body's words are words of a
         * language: one unlike its own is another word ("Minister",
         * "Ministry"). */
        bool last = k + 1 == b;
        for (size_t i = 0; i < n && !found && !alone && person && loose_words == 0; i++)
            found = last ? ll >= 5 && word_len[i] >= 5 &&
                               ((lower[0] == word[i][0] && scan_words_near(lower, ll, word[i], word_len[i])) ||
                                scan_words_loose(lower, ll, word[i], word_len[i]))
                         : listed[i] == tok[k].hash && similarity_jaro_winkler(lower, ll, word[i], word_len[i]) >= 0.75;
        /* a body's word one letter off in a long word, beside its other
         * words as listed ("Myanmar Timber Enterprise" for Myanma ...) */
        for (size_t i = 0; i < n && !found && !alone && !person && loose_words == 0 && ll >= 6; i++)
            found = lower[0] == word[i][0] && text_edit_distance(lower, ll, word[i], word_len[i], 1) <= 1;
        if (!found)
            return false;
        loose_words++;
    }
    return (loose_words == 0 && legal_words == 0) || name_words >= 1;
}

/* Whether the token is the word, case and Latin-1 accents aside. */
static bool same_spelling(const char *text, const scan_token *t, const char *word, size_t len)
{
    char folded[64];
    size_t n = scan_fold_word(text + t->start, t->end - t->start, folded, sizeof folded);
    return n == len && memcmp(folded, word, len) == 0;
}

/* text_name_equivalence without the languages. */
static bool text_name_equivalence_words(const char *a, size_t la, const char *b, size_t lb)
{
    return text_name_equivalence(a, la, b, lb, NULL, NULL);
}

/* Whether the token, case and accents folded, is the listed word in
 * another language's form by `same` (a given name's table, a surname's
 * vowels): "Sergei Kovalenko" for Siarhei ... KAVALENKA. */
static bool written_as(const char *text, const scan_token *t, const char *word, size_t len,
                       bool (*same)(const char *, size_t, const char *, size_t))
{
    char folded[64];
    size_t n = scan_fold_word(text + t->start, t->end - t->start, folded, sizeof folded);
    return n && n < sizeof folded && same(folded, n, word, len);
}

/* Whether the window holds the first and the last word of the listed
 * name (each spelled alike, window_covered checks the rest): prose writes
 * "Konstantin Ernst" for Konstantin Lvovich ERNST, and the middle names a
 * name field would have are missing rather than different. */
/* Whether the person is of a country whose people carry two surnames, the
 * father's then the mother's, and are named in prose by the first. */
static bool two_surnames(const kd_index *ix, uint32_t entity)
{
    static const char countries[] = "ar bo cl co cr cu do ec es gt hn mx ni pa pe pr py sv uy ve";
    kd_entity_view v;
    if (kd_index_entity(ix, entity, &v))
        return false;
    for (uint32_t i = 0; i < v.n_values; i++) {
        kd_value_ref r = kd_entity_view_value(ix, &v, i);
        char code[3];
        if ((r.prop == KD_PROP_NATIONALITY || r.prop == KD_PROP_CITIZENSHIP || r.prop == KD_PROP_COUNTRY) &&
            country_code(r.value, strlen(r.value), code) && strstr(countries, code))
            return true;
    }
    return false;
}

static bool given_and_surname(const kd_index *ix, uint32_t entity, const char *text, const scan_token *tok,
                              size_t a, size_t b, const char *matched_name)
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
    if (!same_spelling(text, &tok[a], matched_name, first_len) &&
        !written_as(text, &tok[a], matched_name, first_len, text_name_equivalence_words))
        return false;
    if (same_spelling(text, &tok[b - 1], last, strlen(last)) ||
        written_as(text, &tok[b - 1], last, strlen(last), text_vowels_only_differ))
        return true;
    /* "Nicolás Maduro", "Diosdado Cabello": the given name and the first
     * of two surnames (MADURO MOROS, CABELLO RONDÓN) */
    if (window_words != 2 || words < 3 || !two_surnames(ix, entity))
        return false;
    const char *father = last - 1;
    while (father > matched_name && father[-1] != ' ')
        father--;
    return same_spelling(text, &tok[b - 1], father, (size_t)(last - 1 - father));
}

/* One short word alone is a name only as written in the list: "Câmara" is
 * not CAMORRA, nor "Courtès" CORTEZ, however close the spelling family; the
 * word, case and accents folded, must be one of the listed name's words.
 * A long word's spelling family is specific enough to cross
 * transliterations (Rossotrudnichestvo, Canada's Russotrudnichestvo). */
#define LONE_WORD_FUZZY_MIN 13
/* Beside a legal form ("OOO Aeroskan"), which says a body is meant, a word
 * this long may be one letter off the listed one (Aeroscan LLC): how a
 * Russian or Turkish company's name comes back from a translation. */
#define LEGAL_WORD_FUZZY_MIN 7

static bool word_in_name(const char *word, size_t n, const char *matched_name, bool with_legal)
{
    if (!n)
        return false;
    if (n >= LONE_WORD_FUZZY_MIN || spelled_by_name(matched_name, word, n))
        return true;
    for (const char *p = matched_name; with_legal && n >= LEGAL_WORD_FUZZY_MIN && *p;) {
        size_t len = strcspn(p, " ");
        if (len && p[0] == word[0] && text_edit_distance(p, len, word, n, 1) <= 1)
            return true;
        p += len;
        while (*p == ' ')
            p++;
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

/* Whether the last word of a person's mention can be said alone later as
 * the surname: a name word of three letters or more, not a particle ("Al",
 * آل "family of", "bin") that ends a name without being one, nor a word
 * listed names begin with (Muhammad, Ali): said alone, it names anyone. */
static bool surname_word(kd_scanner *s, const char *text, const scan_token *t)
{
    char spelling[64];
    size_t n = token_spelling(s, text, t, spelling);
    return n >= 3 && text_token_class_of(spelling, n) == TEXT_TOKEN_NAME &&
           !scan_names_given_word(s->names, spelling, n);
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

/* Whether the text wrote the word earlier after a given name (spelled as
 * the first word of listed persons' names: "Yesterday Patricia Wagner met
 * ... Later Wagner said"), as a surname; "The Federal Agency
 * Rossotrudnichestvo" is no such thing. */
static bool surname_earlier(const kd_scanner *s, const char *text, const scan_token *t)
{
    uint32_t k = t->key;
    if (k == UINT32_MAX || s->after_name_gen[k] != s->gen ||
        s->after_name_first[k] >= (uint32_t)(t - s->tokens.items))
        return false;
    const scan_token *given = &s->tokens.items[s->after_name_first[k] - 1];
    char folded[64];
    size_t n = scan_fold_word(text + given->start, given->end - given->start, folded, sizeof folded);
    return n && n < sizeof folded && scan_names_given_word(s->names, folded, n);
}

static bool listed_possible(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b);
static bool window_possible(const scan_token *tok, size_t a, size_t b, bool listed);

/* What listed_hits knows of a window before kd_match: where its name
 * starts (after titles), whether it is one word (beside legal forms and
 * repeats) and which, how that word is spelled in Latin letters, and
 * whether it is a titled surname ("Mr Govor"). */
typedef struct window_shape {
    size_t a, b;             /* the name's words: [a, b) */
    size_t one;              /* the one word, when single */
    bool single, titled_surname, with_legal, whole_name;
    size_t word_start, word_end;
    char spelling[64];       /* the one word's Latin spelling */
    size_t spelled;          /* its length; 0 when none */
    uint32_t as_written;     /* hash of the one word as written */
} window_shape;

/* Strips the titles leading [*win_a, b) ("President X",
 * "Brigadier-General X"; but "Hafez Makhlouf": a title that is also a
 * given name of the lists' persons, before one word, is that name's given
 * name); *titled says whether any was stripped. */
static size_t strip_titles(const kd_scanner *s, const scan_token *tok, size_t a, size_t b, bool *titled)
{
    size_t named = after_titles(tok, a, b);
    if (b - named == 1 && named > a && tok[named - 1].title && tok[named - 1].key != UINT32_MAX &&
        scan_bit(s->names->given_key, tok[named - 1].key))
        named--;
    *titled = false;
    for (size_t k = a; k < named; k++)
        *titled |= tok[k].title;
    return named;
}

/* The shape of the window [a, b) whose titles are stripped. */
static void shape_window(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b, bool titled,
                         bool bare, window_shape *w)
{
    w->a = a;
    w->b = b;
    /* "Mr Govor": a title and one rare surname name a person. */
    w->titled_surname = (titled || bare) && b - a == 1 && tok[a].end - tok[a].start >= 4;
    /* One word beside legal forms ("Company Team", "OOO Tako") is judged
     * as that word alone: the legal form says a body is meant, not which. */
    size_t one = a, own_words = 0, legal_words = 0, repeats = 0;
    for (size_t k = a; k < b; k++) {
        if (legal_word(tok, k, b)) {
            legal_words++;
            continue;
        }
        /* a word written again ("City City") is no word of its own: the
         * matcher weighs a body's repeated words as nothing */
        bool again = false;
        for (size_t e = a; e < k && !again; e++)
            again = !tok[e].connector && tok[e].end - tok[e].start == tok[k].end - tok[k].start &&
                    memcmp(text + tok[e].start, text + tok[k].start, tok[k].end - tok[k].start) == 0;
        repeats += again;
        if (!tok[k].connector && !again && own_words++ == 0)
            one = k;
    }
    w->single = b - a == 1 || ((legal_words || repeats) && own_words == 1 && !w->titled_surname);
    w->one = w->single ? one : a;
    w->word_start = tok[w->one].start;
    w->word_end = tok[w->one].end;
    w->spelled = w->single ? token_spelling(s, text, &tok[w->one], w->spelling) : 0;
    /* A body's whole name as listed that the listings themselves write as a
     * name again and again ("Taliban", "Hamas", "Hizballah") is that body,
     * however often their prose uses the word or persons' names share its
     * spelling family; a listed company's one word ("Drake", "Gauss") that
     * they do not is left to the rules below. */
    w->as_written = w->single ? scan_word_hash(text + w->word_start, w->word_end - w->word_start) : 0;
    w->whole_name = w->spelled && !w->titled_surname && scan_names_body_name(s->names, w->spelling, w->spelled) &&
                    reasons_name_uses(s->reasons, w->as_written) >= NOTABLE_NAME_USES;
    w->with_legal = w->single && legal_words > 0;
}

/* What rules out a single word whatever it matches, known before
 * kd_match; beside a legal form ("OOO Tako") the word needs not be one the
 * lists use alone, nor long, but still no common word nor given name. */
static bool single_word_ruled_out(const kd_scanner *s, const char *text, const scan_token *tok,
                                  const window_shape *w)
{
    if (!w->single || w->titled_surname)
        return false;
    const scan_token *t = &tok[w->one];
    return (!w->with_legal && w->word_end - w->word_start < 5) ||
           (!w->whole_name && reasons_word_count(s->reasons, t->hash) > SINGLE_WORD_MAX_USES) ||
           /* the text wrote it earlier as someone's surname ("Krystal Wagner
            * ... Later Wagner said"): that person again, not a body */
           surname_earlier(s, text, t) ||
           /* a word the listings' prose writes in lower case is a common
            * word, even when a body bears it ("JSC Package") */
           (reasons_word_marks(s->reasons, w->as_written) & REASONS_LOWER) ||
           /* word_in_name below needs Latin letters or a reading */
           !w->spelled ||
           (!w->whole_name && (t->ascii || t->romanised) &&
            (t->key >= s->ix->n_keys || (!w->with_legal && !scan_bit(s->names->lone_body_key, t->key)) ||
             /* "Patricia", "Oscar": a given name, whatever body bears it */
             scan_bit(s->names->given_key, t->key) ||
             (!w->with_legal && !spelled_as_body_word(w->spelling, w->spelled, s->names))));
}

/* kd_match's results for the window's words (remembered per text), by
 * record: the rules judge how a list spells the name (one list's "RONDÓN"
 * may fail where another's "RONDON" passes); try_listed reports each
 * party once. *n gets how many; 0 for a country's name. */
static int match_window(kd_scanner *s, const char *text, const scan_token *tok, const window_shape *w,
                        double threshold, kd_match_result *res, int *n, kd_error *err)
{
    *n = 0;
    /* below what any rule reports: a titled surname's 0.55, else the
     * threshold or a given name and surname's floor */
    double floor = w->titled_surname ? 0.55 : threshold < GIVEN_AND_SURNAME_FLOOR ? threshold
                                                                                 : GIVEN_AND_SURNAME_FLOOR;
    kd_match_query q = {.name = NULL, .schema = w->titled_surname ? KD_SCHEMA_PERSON : -1,
                        .threshold = threshold, .limit = MATCH_LIMIT, .explain_floor = floor,
                        .by_record = 1};
    /* the words alone: markup, entities and possessives stay out */
    buf_clear(&s->window);
    for (size_t k = w->a; k < w->b; k++)
        if ((k > w->a && buf_append_char(&s->window, ' ')) ||
            buf_append(&s->window, text + tok[k].start, tok[k].end - tok[k].start))
            return KD_ENOMEM;
    q.name = s->window.data;
    /* "Russia", "United States", "Azerbaijan": whatever body bears the
     * name, in prose it is the country */
    if (scan_is_country(q.name, s->window.len))
        return 0;
    uint32_t first, count;
    int tag = MEMO_TAG_LISTED + q.schema;
    if (scan_memo_get(&s->memo, tag, s->window.data, s->window.len, &first, &count)) {
        memcpy(res, s->memo_results + first, count * sizeof *res);
        *n = (int)count;
        return 0;
    }
    int found = kd_match(s->matcher, &q, res, NULL, err);
    if (found < 0)
        return found == KD_EUSAGE || found == KD_ELIMIT || found == KD_EUTF8 ? 0 : found;
    int rc = remember_results(s, tag, res, (size_t)found);
    if (rc)
        return error_set(err, rc, "out of memory");
    *n = found;
    return 0;
}

/* A titled surname three persons of the lists share may be any of them;
 * more is a common one. */
static bool too_many_bearers(const char *text, const scan_token *t, const kd_match_result *res, int n)
{
    uint32_t given[4];
    int bearers = 0;
    for (int i = 0; i < n && bearers < 4; i++) {
        if (!scan_titled_surname_matches(text, t, &res[i]))
            continue;
        uint32_t h = scan_key_hash(res[i].matched_name, strcspn(res[i].matched_name, " "));
        bool seen = false;
        for (int k = 0; k < bearers && !seen; k++)
            seen = given[k] == h;
        if (!seen)
            given[bearers++] = h;
    }
    return bearers > 3;
}

/* Whether the prose rules accept one result of the window. */
static bool hit_accepted(const kd_scanner *s, const char *text, const scan_token *tok, const window_shape *w,
                         const kd_match_result *r)
{
    size_t a = w->a, b = w->b;
    if (w->titled_surname) {
        if (!scan_titled_surname_matches(text, &tok[a], r))
            return false;
    } else if (w->single && !word_in_name(w->spelling, w->spelled, r->matched_name, w->with_legal)) {
        return false;
    } else if (!r->match &&
               !(r->score >= GIVEN_AND_SURNAME_FLOOR && s->ix->entities[r->entity].schema == KD_SCHEMA_PERSON &&
                 given_and_surname(s->ix, r->entity, text, tok, a, b, r->matched_name))) {
        return false;
    }
    kd_schema schema = (kd_schema)s->ix->entities[r->entity].schema;
    /* One word in prose ("Al-Assad" is one, with its particle) is a place
     * or a common noun far more often than a vessel, an aircraft or a
     * person: only bodies qualify. */
    if ((w->single || b - a - tok[a].prefix == 1) && !w->titled_surname &&
        (schema == KD_SCHEMA_PERSON || schema == KD_SCHEMA_VESSEL || schema == KD_SCHEMA_AIRPLANE ||
         r->score < SINGLE_WORD_THRESHOLD ||
         (w->single && ((!w->with_legal && w->word_end - w->word_start < 5) ||
                        (!w->whole_name && reasons_word_count(s->reasons, tok[w->one].hash) > SINGLE_WORD_MAX_USES)))))
        return false;
    /* a threshold the caller chose holds for the rules too; the words as
     * written must be the listed name's (window_covered), unless the
     * matcher, which knows more spellings than that check (Korean systems,
     * Arabic skeletons, patronymics in two languages), finds two words or
     * more one name beyond doubt */
    return r->score >= s->min_score &&
           ((b - a >= 2 && !w->single && r->name_score >= SCAN_SURE_NAME) ||
            window_covered(text, tok, a, b, r->matched_name, schema == KD_SCHEMA_PERSON));
}

/* The listed parties the window [*a, b) names (titles leading it
 * stripped: *a moves past them): kd_match's results in res[0, *n), hit[i]
 * set for those the prose rules accept. Changes nothing but the per-text
 * memory of kd_match results. The steps: strip the titles, shape the
 * window, rule out single words that cannot be a name, match, drop common
 * surnames, judge each result. */
static int listed_hits(kd_scanner *s, const char *text, const scan_token *tok, size_t *win_a, size_t b,
                       bool bare, double threshold, kd_match_result *res, bool *hit, int *n_res,
                       kd_error *err)
{
    *n_res = 0;
    bool titled;
    size_t a = *win_a = strip_titles(s, tok, *win_a, b, &titled);
    if (a == b || tok[b - 1].connector)
        return 0; /* "Centers for": a name does not end on a connector */
    window_shape w;
    shape_window(s, text, tok, a, b, titled, bare, &w);
    if (single_word_ruled_out(s, text, tok, &w))
        return 0;
    /* the bearer count decides a lone surname (see below); with Latin
     * letters it is known from the postings before any kd_match */
    if (w.titled_surname && tok[a].ascii) {
        int bearers = scan_surname_bearers(s, text, &tok[a]);
        if (bearers == 0 || bearers > 3)
            return 0;
    }
    int n;
    int rc = match_window(s, text, tok, &w, threshold, res, &n, err);
    if (rc || !n)
        return rc;
    *n_res = n;
    if (w.titled_surname && too_many_bearers(text, &tok[a], res, n))
        n = *n_res = 0;
    for (int i = 0; i < n; i++)
        hit[i] = hit_accepted(s, text, tok, &w, &res[i]);
    return 0;
}

bool scan_listed_within(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b)
{
    if (!window_possible(tok, a, b, true) || !listed_possible(s, text, tok, a, b))
        return false;
    kd_match_result res[MATCH_LIMIT];
    bool hit[MATCH_LIMIT];
    int n;
    kd_error err = {0};
    if (listed_hits(s, text, tok, &a, b, false, s->threshold, res, hit, &n, &err))
        return false;
    for (int i = 0; i < n; i++)
        if (hit[i])
            return true;
    return false;
}

/* Tries the window [a, b) of tokens as a listed mention; with bare, a
 * single word is tried as a surname standing alone. */
static int try_listed(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b,
                      bool bare, double threshold, mention_list *out, bool *taken, kd_error *err)
{
    kd_match_result res[MATCH_LIMIT];
    bool hit[MATCH_LIMIT];
    int n;
    int rc = listed_hits(s, text, tok, &a, b, bare, threshold, res, hit, &n, err);
    if (rc || n == 0)
        return rc;
    size_t start = tok[a].start, end = tok[b - 1].end;
    int added = 0;
    for (int i = 0; i < n; i++) {
        if (!hit[i])
            continue;
        /* the party's best record that passed the rules, once */
        res[i].party = kd_index_party(s->ix, res[i].entity);
        bool named = false;
        for (int k = 0; k < i && !named; k++)
            named = hit[k] && res[k].party == res[i].party;
        if (named)
            continue;
        kd_schema schema = (kd_schema)s->ix->entities[res[i].entity].schema;
        kd_mention *m = scan_push_mention(out, start, end, tok[a].line);
        if (!m)
            return KD_ENOMEM;
        m->entity = res[i].entity;
        m->party = res[i].party;
        m->score = res[i].score;
        memcpy(m->explanation, res[i].explanation, sizeof m->explanation);
        /* the same party named again: its related listings are known */
        const kd_mention *before = NULL;
        if (s->entity_gen[m->party] == s->gen) {
            before = &out->items[s->entity_first[m->party]];
        } else {
            s->entity_gen[m->party] = s->gen;
            s->entity_first[m->party] = (uint32_t)(out->n - 1);
        }
        if (before) {
            m->related = before->related;
            m->n_related = before->n_related;
            m->n_related_total = before->n_related_total;
            m->shared_related = 1;
        } else if (scan_find_related(s, m)) {
            return KD_ENOMEM;
        }
        if (!before && schema == KD_SCHEMA_PERSON && b - a >= 2 && surname_word(s, text, &tok[b - 1]) &&
            scan_remember_surname(s, tok[b - 1].key, out->n - 1))
            return KD_ENOMEM;
        added++;
    }
    if (added)
        *taken = true;
    return 0;
}

/* Whether some listed name holds every Latin word of the window [a, b)
 * (titles leading it aside) as window_covered will demand of a hit. */
/* Names walked at most to find a window with a word in another
 * romanisation (scan_names_possible's odd_walk) */
#define ODD_WALK_MAX 256

static bool listed_possible(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b)
{
    scan_word words[SCAN_MAX_WINDOW];
    char lower[SCAN_MAX_WINDOW][64];
    size_t n = 0;
    /* Words of other scripts are left to kd_match: it reads them in
     * several ways, inflected forms included ("Примакова" for Primakov),
     * where one reading's key would rule out real names. */
    for (size_t k = after_titles(tok, a, b); k < b && n < SCAN_MAX_WINDOW; k++) {
        if (tok[k].connector || !tok[k].ascii || legal_word(tok, k, b) || (b - a > 2 && initial_word(&tok[k])))
            continue;
        /* window_covered checks the spelling of Latin words, as written */
        size_t len = 0;
        for (size_t c = tok[k].start; c < tok[k].end && len < sizeof lower[n]; c++)
            lower[n][len++] = (char)tolower((unsigned char)text[c]);
        words[n] = (scan_word){tok[k].key, lower[n], len, true};
        n++;
    }
    if (n == 0)
        return true; /* titles and connectors only: try_listed decides */
    int possible = scan_names_possible(s->names, words, n, POSSIBLE_WALK_MAX, 0);
    if (possible == 1)
        return true;
    /* nothing found cheaply: a walk of many names, or a word in another
     * romanisation, asked once per window (below) */
    /* common words that share keys with many names ("If You" in a licence)
     * walk thousands of postings, and recur: remembered */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ scan_word_hash(words[i].spelling, words[i].len)) * 1099511628211ull;
    h |= 1;
    struct possible_answer *cached = &s->possible_cache[(h ^ (h >> 31)) % POSSIBLE_CACHE];
    if (cached->window != h) {
        cached->window = h;
        cached->possible =
            scan_names_possible(s->names, words, n, possible == SCAN_NAMES_COSTLY ? SIZE_MAX : POSSIBLE_WALK_MAX,
                                ODD_WALK_MAX) == 1;
    }
    return cached->possible;
}

/* Whether every word of the window could belong to a listed name, or to a
 * name the listings mention. Words in another script are not judged. */
static bool window_possible(const scan_token *tok, size_t a, size_t b, bool listed)
{
    /* a listed name may have one word in another romanisation than the
     * lists' ("Elena" for Helena), beside one of theirs at least:
     * scan_names_possible looks closer */
    size_t known = 0, odd = 0;
    for (size_t k = listed ? after_titles(tok, a, b) : a; k < b; k++) {
        if (tok[k].connector || !tok[k].ascii)
            continue;
        if (listed && b - a > 2 && initial_word(&tok[k]))
            continue; /* the matcher judges an initial */
        if (listed ? tok[k].in_names : tok[k].in_reasons)
            known++;
        else if (listed && legal_word(tok, k, b))
            continue; /* asked last: most windows end before */
        else if (!listed || ++odd > 1 || tok[k].end - tok[k].start < 4)
            return false;
    }
    return !odd || known >= 1;
}

/* The caller's cancel is asked when this much time has passed since it
 * was last asked; the clock is read every POLL_WINDOWS windows (or
 * POLL_TOKENS words of the first pass), which even the costliest windows
 * (kd_match on eight words of another script) get through in a few
 * milliseconds, while reading it at every window would cost a tenth of a
 * scan of plain prose. */
#define POLL_SECONDS 0.005
#define POLL_WINDOWS 16
#define POLL_TOKENS 256

static double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the scan must stop at byte `at`: more mentions than the caller
 * allows, or the caller cancels. `every` is how many calls pass between
 * readings of the clock. */
static int scan_bounds(kd_scanner *s, size_t n_found, size_t at, size_t len, unsigned every, kd_error *err)
{
    if (s->max_mentions && n_found > s->max_mentions)
        return error_set(err, KD_ELIMIT,
                         "the text names more than %zu parties (the limit max_mentions), by byte %zu of %zu",
                         s->max_mentions, at, len);
    if (!s->cancel || --s->poll_countdown > 0)
        return KD_OK;
    s->poll_countdown = every;
    double now = monotonic_now();
    if (now < s->poll_at)
        return KD_OK;
    s->poll_at = now + POLL_SECONDS;
    if (s->cancel(s->cancel_context))
        return error_set(err, KD_ECANCELED, "scan cancelled by the caller at byte %zu of %zu", at, len);
    return KD_OK;
}

/* Context of scan_tokenize_polled's poll. */
typedef struct tokenize_poll {
    kd_scanner *s;
    size_t len;
    kd_error *err;
} tokenize_poll;

static int poll_tokenizing(void *ctx, size_t at)
{
    tokenize_poll *p = ctx;
    return scan_bounds(p->s, 0, at, p->len, 1, p->err);
}

/* A quotation mark opening or closing a name: ASCII " and ', and the
 * typographers' “ ” „ ‘ ’ « ». Its length at p, or 0. */
static size_t quote_at(const char *p, size_t left, bool opening)
{
    if (left >= 1 && (*p == '"' || *p == '\''))
        return 1;
    static const char *const opens[] = {"\xe2\x80\x9c", "\xe2\x80\x9e", "\xe2\x80\x98", "\xc2\xab"};
    static const char *const closes[] = {"\xe2\x80\x9d", "\xe2\x80\x9c", "\xe2\x80\x99", "\xc2\xbb"};
    const char *const *set = opening ? opens : closes;
    for (size_t i = 0; i < 4; i++) {
        size_t k = strlen(set[i]);
        if (left >= k && memcmp(p, set[i], k) == 0)
            return k;
    }
    return 0;
}

/* Words a legal form quotes, at most: a body's name with its dedication
 * ("named after Academician A.A. Raspletin") */
#define QUOTED_NAME_WORDS 16

/* Where the name a legal form at `legal` quotes ends: the token after its
 * last word, or legal + 1 when no quotation mark opens right after the
 * legal form or none closes within QUOTED_NAME_WORDS words of one line. */
static size_t quoted_name_end(const char *text, size_t len, const scan_token *tok, size_t n, size_t legal)
{
    const char *gap = text + tok[legal].end;
    size_t gap_len = tok[legal + 1].start - tok[legal].end, q = 0;
    for (size_t i = 0; i < gap_len && !q; i++)
        if (gap[i] == '\n')
            return legal + 1;
        else
            q = quote_at(gap + i, gap_len - i, true);
    if (!q)
        return legal + 1;
    for (size_t k = legal + 1; k < n && k <= legal + QUOTED_NAME_WORDS; k++) {
        size_t from = tok[k].end, to = k + 1 < n ? tok[k + 1].start : len;
        for (size_t i = from; i < to; i++) {
            if (text[i] == '\n')
                return legal + 1;
            /* an apostrophe inside a word (O'Brien) is no quote: the gap
             * holds what is between words only */
            if (quote_at(text + i, to - i, false))
                return k + 1;
        }
    }
    return legal + 1;
}

/* The first pass over the words: keys, readings of other scripts, what
 * the listings' reasons hold. */
static int scan_words(kd_scanner *s, const char *text, size_t len, kd_error *err)
{
    scan_token *tok = s->tokens.items;
    size_t n = s->tokens.n;
    size_t quoted_to = 0; /* tokens before it are inside a legal form's quoted name */
    for (size_t i = 0; i < n; i++) {
        /* JSC «Nizhny Novgorod research and production association», OOO
         * “Avangard”: the name a legal form quotes is the body's, words in
         * lower case too, and runs on from the legal form (the quote would
         * end the run) */
        if (i >= quoted_to && tok[i].legal == SCAN_LEGAL_WORD && i + 1 < n) {
            size_t end = quoted_name_end(text, len, tok, n, i);
            for (size_t k = i + 1; k < end; k++) {
                tok[k].break_before = false;
                if (!tok[k].capital && !tok[k].connector && tok[k].ascii) {
                    tok[k].capital = true;
                    tok[k].hash = scan_token_hash(&s->tokens, text, &tok[k]);
                }
            }
            if (end > i + 1)
                quoted_to = end;
        }
        /* "Byong-chol Min", "Kim Kyong-il": a given name's second syllable
         * joined by a hyphen is written in lower case, inside a run of
         * capitalised words (not "Moscow-based", which ends one) */
        if (!tok[i].capital && !tok[i].connector && tok[i].ascii && i > 0 && tok[i].end - tok[i].start <= 6 &&
            tok[i - 1].capital && !tok[i - 1].title && !tok[i - 1].connector &&
            tok[i - 1].end + 1 == tok[i].start && text[tok[i - 1].end] == '-' &&
            ((i + 1 < n && tok[i + 1].capital && !tok[i + 1].break_before && !tok[i + 1].connector) ||
             (i > 1 && tok[i - 2].capital && !tok[i - 1].break_before && !tok[i - 2].title &&
              !tok[i - 2].connector))) {
            tok[i].capital = true;
            tok[i].hash = scan_token_hash(&s->tokens, text, &tok[i]);
        }
        if (!tok[i].capital && !tok[i].connector)
            continue;
        int rc = scan_bounds(s, 0, tok[i].start, len, POLL_TOKENS, err);
        if (rc)
            return rc;
        /* "Al-Qaeda", "El-Sisi": a capitalised particle a hyphen joins to
         * the next capitalised word begins the name, as listed */
        if (tok[i].connector && tok[i].capital && i + 1 < n && tok[i + 1].capital &&
            tok[i].end + 1 == tok[i + 1].start && text[tok[i].end] == '-') {
            tok[i].connector = false;
            tok[i].prefix = true;
        }
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
    return KD_OK;
}

/* A run of capitalised words this long is no prose: a list of names, a
 * text in capitals, or one built to be costly. Prose writes a few names in
 * a row between punctuation; news in Arabic script (no case: every word
 * counts as capitalised) writes twenty-odd words between commas. */
#define LONG_RUN_WORDS 32

/* kd_match's accept: nothing is scored, the candidates are counted. */
static int score_none(void *context, size_t entity)
{
    (void)context;
    (void)entity;
    return 0;
}

/* Whether kd_match, asked about the word alone, finds any listed name
 * with a word of its spelling family or one letter off it, in any of its
 * readings: a word that reaches none has nothing to add to a window but
 * weight kd_match finds unmatched. Asked of words in other scripts (Latin
 * words have in_names) once per scanner, and remembered with their reading. */
static bool word_reaches(kd_scanner *s, const char *text, scan_token *t)
{
    if (t->in_names || t->ascii || t->connector || t->title)
        return true;
    if (t->reach_known)
        return t->reaches;
    scan_roman_word *w = scan_roman_get(&s->roman, s->names, text + t->start, t->end - t->start);
    if (!w)
        return true; /* out of memory: left to kd_match */
    if (w->reaches < 0) {
        /* a title kd_match weighs nothing, and finds no names for */
        w->reaches = w->len && text_token_class_of(w->latin, w->len) == TEXT_TOKEN_HONORIFIC;
        buf_clear(&s->window);
        size_t candidates = 0;
        kd_error err = {0};
        kd_match_result res[1];
        kd_match_query q = {.schema = -1, .threshold = s->threshold, .limit = 1, .accept = score_none};
        if (!w->reaches && buf_append(&s->window, text + t->start, t->end - t->start) == KD_OK) {
            q.name = s->window.data;
            /* an error (a word over a kilobyte) leaves the windows to kd_match */
            w->reaches = kd_match(s->matcher, &q, res, &candidates, &err) < 0 || candidates > 0;
        } else {
            w->reaches = 1;
        }
    }
    t->reach_known = true;
    t->reaches = w->reaches;
    return t->reaches;
}

/* In a long run, where a window's kd_match costs the most and finds the
 * least, a window is asked of kd_match only when each of its words
 * reaches some listed name alone: as a Latin word must have a listed
 * name's key (window_possible). Random capitalised Cyrillic costs a third
 * as much: half its words reach none, and few windows are left. */
static bool words_reach(kd_scanner *s, const char *text, scan_token *tok, size_t a, size_t b)
{
    for (size_t k = after_titles(tok, a, b); k < b; k++)
        if (!word_reaches(s, text, &tok[k]))
            return false;
    return true;
}

/* Every run of capitalised words (connectors inside), each window from
 * the longest, leftmost first; taken words are skipped. */
static int scan_runs(kd_scanner *s, const char *text, size_t len, double threshold, mention_list *found,
                     kd_error *err)
{
    scan_token *tok = s->tokens.items;
    size_t n = s->tokens.n;
    int rc = KD_OK;
    for (size_t i = 0; i < n && !rc;) {
        if (!tok[i].capital) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && !tok[j].break_before &&
               (tok[j].capital || (tok[j].connector && j + 1 < n && tok[j + 1].capital &&
                                   !tok[j + 1].break_before)))
            j++;
        /* Latin words are judged by window_possible already */
        bool long_run = false;
        for (size_t k = i; j - i > LONG_RUN_WORDS && k < j && !long_run; k++)
            long_run = !tok[k].ascii;
        size_t a = i;
        while (a < j && !rc) {
            bool taken = false;
            size_t longest = j - a < SCAN_MAX_WINDOW ? j - a : SCAN_MAX_WINDOW;
            for (size_t w = longest; w >= 1 && !taken && !rc; w--) {
                if (tok[a].connector)
                    break;
                if ((rc = scan_bounds(s, found->n, tok[a].start, len, POLL_WINDOWS, err)))
                    break;
                if (w == 1)
                    rc = scan_try_named_surname(s, text, &tok[a], found, &taken);
                if (!rc && !taken && window_possible(tok, a, a + w, true) &&
                    (!long_run || w == 1 || words_reach(s, text, tok, a, a + w)) &&
                    listed_possible(s, text, tok, a, a + w))
                    rc = try_listed(s, text, tok, a, a + w, false, threshold, found, &taken, err);
                if (!rc && !taken && w == 1 && scan_bare_surname_possible(s, text, &tok[a]))
                    rc = try_listed(s, text, tok, a, a + 1, true, threshold, found, &taken, err);
                if (!rc && !taken && w >= 2 && window_possible(tok, a, a + w, false))
                    rc = scan_try_linked(s, text, tok, a, a + w, found, &taken);
                if (taken)
                    a += w;
            }
            if (!taken)
                a++;
        }
        i = j;
    }
    /* the last window's mentions count too */
    return rc ? rc : scan_bounds(s, found->n, len, len, 1, err);
}

int kd_scan_with(kd_scanner *s, const char *text, size_t len, const kd_scan_options *options,
                 kd_mention **out, size_t *n_out, kd_error *err)
{
    *out = NULL;
    *n_out = 0;
    kd_scan_options none = {0};
    const kd_scan_options *o = options ? options : &none;
    if (len >= UINT32_MAX)
        return error_set(err, KD_ELIMIT, "text of %zu bytes: kd_scan takes at most 4 GiB at a time", len);
    s->tokens.n = 0;
    s->n_surnames = 0;
    scan_memo_reset(&s->memo);
    s->n_memo_results = 0;
    if (++s->gen == 0) { /* after 4 billion scans the stamps wrap: forget them */
        memset(s->entity_gen, 0, (s->ix->n_entities + 1) * sizeof *s->entity_gen);
        memset(s->surname_gen, 0, (s->names->n_keys_all + 1) * sizeof *s->surname_gen);
        memset(s->after_name_gen, 0, (s->names->n_keys_all + 1) * sizeof *s->after_name_gen);
        s->gen = 1;
    }
    s->related_cap = o->max_related && o->max_related < MAX_RELATED ? o->max_related : MAX_RELATED;
    s->max_mentions = o->max_mentions;
    s->cancel = o->cancel;
    s->cancel_context = o->cancel_context;
    s->poll_countdown = 1; /* asked before the first word */
    s->poll_at = 0;
    if (err) { /* a message below is this scan's */
        err->code = 0;
        err->message[0] = '\0';
    }
    if (!utf8_valid(text, len, NULL))
        return error_set(err, KD_EUTF8, "text: invalid UTF-8");
    tokenize_poll poll = {s, len, err};
    int rc = scan_tokenize_polled(text, len, &s->tokens, s->cancel ? poll_tokenizing : NULL, &poll);
    if (rc)
        return rc == KD_ENOMEM ? error_set(err, rc, "out of memory") : rc;
    rc = scan_words(s, text, len, err);
    if (rc)
        return rc;
    double threshold = o->threshold;
    s->min_score = threshold > 0 ? threshold : 0;
    if (threshold <= 0)
        threshold = SCAN_THRESHOLD;
    s->threshold = threshold;
    mention_list found = {0};
    s->poll_countdown = 1;
    rc = scan_runs(s, text, len, threshold, &found, err);
    if (rc) {
        kd_mentions_free(found.items, found.n);
        /* the steps that run out of memory return the code alone */
        return err && err->code == rc ? rc : error_set(err, rc, "%s", kd_strerror(rc));
    }
    *out = found.items;
    *n_out = found.n;
    return KD_OK;
}

int kd_scan(kd_scanner *s, const char *text, size_t len, double threshold, kd_mention **out,
            size_t *n_out, kd_error *err)
{
    kd_scan_options o = {.threshold = threshold};
    return kd_scan_with(s, text, len, &o, out, n_out, err);
}
