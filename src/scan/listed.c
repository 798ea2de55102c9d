/* The listed-window rules of kd_scan: which windows of a run of
 * capitalised words may name a listed party (cheap checks on the words and
 * the names' tables before any kd_match), asking kd_match about them, and
 * judging what it finds as prose names people and bodies — every word of
 * the mention a word of the listed name, titles stripped, a surname alone
 * only when few bear it, a single word only a body's whole name. scanner.c
 * walks the runs and asks scan_listed_window of each window. */
#include "scanner_internal.h"
#include "match/match.h"
#include "model/model.h"
#include "text/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first word try_listed keeps of the window from a: "President X"
 * is asked as "X", while a title after the name's first word stays in it
 * ("Azerbaijani President" is asked whole, and must be a listed name). */
static size_t after_titles(const scan_token *tok, size_t a, size_t b)
{
    while (a < b && (tok[a].title || tok[a].connector))
        a++;
    return a;
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

/* What listed_hits knows of a window before kd_match: where its name
 * starts (after titles), whether it is one word (beside legal forms and
 * repeats) and which, how that word is spelled in Latin letters, and
 * whether it is a titled surname ("Mr Govor"). */
typedef struct window_shape {
    size_t a, b;             /* the name's words: [a, b) */
    size_t one;              /* the one word, when single */
    bool single, titled_surname, with_legal, whole_name;
    bool syllabic;           /* one word of three or four Hangul or Han syllables: a whole name */
    size_t word_start, word_end;
    char spelling[64];       /* the one word's Latin spelling */
    size_t spelled;          /* its length; 0 when none */
    uint32_t as_written;     /* hash of the one word as written */
} window_shape;

/* Whether the token is three or four Hangul or Han syllables and nothing
 * else: how Korean and Chinese write a person's whole name, family name
 * and given name without a space ("김정은", "习近平"). Two are as often a
 * given name alone (혜진, 유진: "Hye Jin", "Yu Jin" are listed names). */
static bool syllabic_name(const char *text, const scan_token *t)
{
    size_t syllables = 0;
    for (size_t i = t->start; i < t->end;) {
        const unsigned char *p = (const unsigned char *)text + i;
        if ((p[0] & 0xF0) != 0xE0 || i + 3 > t->end)
            return false; /* Hangul syllables and common Han are three bytes in UTF-8 */
        unsigned cp = ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (unsigned)(p[2] & 0x3F);
        if (!((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x4E00 && cp <= 0x9FFF)))
            return false;
        syllables++;
        i += 3;
    }
    return syllables >= 3 && syllables <= 4;
}

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
    w->syllabic = b - a == 1 && !bare && syllabic_name(text, &tok[a]);
    w->single = !w->syllabic && (b - a == 1 || ((legal_words || repeats) && own_words == 1 && !w->titled_surname));
    if (w->syllabic)
        w->titled_surname = false;
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
    } else if (w->single && !word_in_name(w->spelling, w->spelled, r->matched_name, w->with_legal) &&
               /* a word of another script beside its legal form ("ООО «Тримикс»"): its
                * reading is one of several (trimiks, trimix), the matcher's word
                * comparison judges it, beyond doubt */
               !(tok[w->one].romanised && w->with_legal && r->name_score >= SCAN_SURE_NAME)) {
        return false;
    } else if (!r->match &&
               !(r->score >= GIVEN_AND_SURNAME_FLOOR && s->ix->entities[r->entity].schema == KD_SCHEMA_PERSON &&
                 given_and_surname(s->ix, r->entity, text, tok, a, b, r->matched_name))) {
        return false;
    }
    kd_schema schema = (kd_schema)s->ix->entities[r->entity].schema;
    /* A Korean or Chinese whole name in one word is read syllable by
     * syllable: the reading must be the listed name beyond doubt */
    if (w->syllabic && r->name_score < SCAN_SURE_NAME)
        return false;
    /* One word in prose ("Al-Assad" is one, with its particle) is a place
     * or a common noun far more often than a vessel, an aircraft or a
     * person: only bodies qualify. */
    if (!w->syllabic && (w->single || b - a - tok[a].prefix == 1) && !w->titled_surname &&
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
    if (a == b || tok[b - 1].connector || tok[b - 1].prefix)
        return 0; /* "Centers for", "Al Qaeda and Al": a name does not end on a connector or an article */
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
    if (!scan_window_possible(tok, a, b, true) || !listed_possible(s, text, tok, a, b))
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
bool scan_window_possible(const scan_token *tok, size_t a, size_t b, bool listed)
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

/* Names of the lists that hold a word at most this often: the word is
 * distinctive (a surname), not one of prose */
#define RUN_RARE_NAMES 20

/* Whether a whole run of capitalised words reads as a person's name — a
 * given name of the lists first, two to six words, one of them rare in
 * the lists — and so is worth a kd_match though listed_possible finds no
 * listed name of its spellings: that check knows the lists' own
 * spellings, kd_match others besides (Korean systems, patronymics in two
 * languages, a compound written whole: "Jong Chol Ri" for Chong Chol RI,
 * "Natalya Vladimirovna Piatkevich" for Natallia Uladzimirauna). Once a
 * run, and the prose rules still judge what it finds. */
static bool person_like_run(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b)
{
    a = after_titles(tok, a, b);
    if (b - a < 2 || b - a > 4 || !tok[a].ascii || !tok[a].in_names)
        return false;
    char spelling[64];
    size_t n = token_spelling(s, text, &tok[a], spelling);
    if (!n || !scan_names_given_word(s->names, spelling, n))
        return false;
    for (size_t k = a + 1; k < b; k++)
        if (tok[k].ascii && tok[k].in_names && s->ix->keys[tok[k].key].n_postings <= RUN_RARE_NAMES)
            return true;
    return false;
}

int scan_listed_window(kd_scanner *s, const char *text, scan_token *tok, size_t run, size_t run_end, size_t a,
                       size_t w, bool long_run, double threshold, mention_list *found, bool *taken, kd_error *err)
{
    /* in a long run a window's words must each reach a listed name; a
     * whole run that reads as a person's name is asked of kd_match
     * whatever the names' tables say of its spellings */
    if (!scan_window_possible(tok, a, a + w, true) || (long_run && w > 1 && !words_reach(s, text, tok, a, a + w)) ||
        !((a == run && a + w == run_end && person_like_run(s, text, tok, a, a + w)) ||
          listed_possible(s, text, tok, a, a + w)))
        return KD_OK;
    return try_listed(s, text, tok, a, a + w, false, threshold, found, taken, err);
}

int scan_listed_bare_surname(kd_scanner *s, const char *text, const scan_token *tok, size_t a, double threshold,
                             mention_list *found, bool *taken, kd_error *err)
{
    return try_listed(s, text, tok, a, a + 1, true, threshold, found, taken, err);
}
