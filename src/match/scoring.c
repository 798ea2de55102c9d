/* Scoring one query form against one listed name, and the evidence beside
 * names (dates, countries, gender) that moves the score. */
#include "match.h"
#include "text/text.h"
#include "scoring.h"
#include <stdbool.h>

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* ---- weights ------------------------------------------------------------ */

bool match_is_patronymic(const char *s, size_t n)
{
    /* lengths stored: this runs for every token of every scored name */
#define ENDING(e) {e, sizeof e - 1}
    static const struct {
        const char *text;
        size_t len;
    } endings[] = {/* Russian */
                   ENDING("ovich"), ENDING("evich"), ENDING("ovna"), ENDING("evna"),
                   /* Azerbaijani, Turkic */
                   ENDING("ogly"), ENDING("oglu"), ENDING("kyzy"), ENDING("qizi"),
                   /* Ukrainian */
                   ENDING("ovych"), ENDING("ivna"), ENDING("ichna"),
                   /* Belarusian (Uladzimiravich, Kanstantinauna, Genadzeuna;
                    * BGN's w for ў: Leanidawna) */
                   ENDING("avich"), ENDING("auna"), ENDING("euna"), ENDING("awna"),
                   /* German and French romanisations (Wladimirowitsch, Wladimirowna,
                    * Vladimirovitch) */
                   ENDING("owitsch"), ENDING("ewitsch"), ENDING("owna"), ENDING("ewna"), ENDING("ovitch"),
                   ENDING("evitch")};
#undef ENDING
    for (size_t i = 0; i < KD_ARRAY_LEN(endings); i++) {
        size_t k = endings[i].len;
        if (n > k + 2 && memcmp(s + n - k, endings[i].text, k) == 0)
            return true;
    }
    return false;
}

/* A male form ("-vich"), which a female patronymic in the same name makes
 * a surname. */
static bool male_patronymic(const char *s, size_t n)
{
    static const char *const endings[] = {"vich", "vych", "witsch", "vitch", "ogly", "oglu"};
    for (size_t i = 0; i < KD_ARRAY_LEN(endings); i++) {
        size_t k = strlen(endings[i]);
        if (n > k && memcmp(s + n - k, endings[i], k) == 0)
            return true;
    }
    return false;
}

void match_patronymics(const char *const *surfaces, const size_t *lens, size_t n, bool person, bool *out)
{
    bool female = false, taken = false;
    for (size_t i = 0; i < n; i++) {
        out[i] = false;
        female |= i > 0 && match_is_patronymic(surfaces[i], lens[i]) && !male_patronymic(surfaces[i], lens[i]);
    }
    for (size_t i = 1; person && i < n && n >= 3 && !taken; i++)
        if (match_is_patronymic(surfaces[i], lens[i]) && !(female && male_patronymic(surfaces[i], lens[i])))
            out[i] = taken = true;
}

static bool word_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

void match_body_word_factors(const char *const *surfaces, const size_t *lens, size_t n, float *factor)
{
    size_t dedication = n;
    for (size_t i = 0; i < n; i++) {
        factor[i] = 1.0f;
        /* "named after", "imeni" (имени), "im." before an initial; never a
         * name's first word */
        if (dedication == n && i > 0 &&
            ((word_is(surfaces[i], lens[i], "named") && i + 1 < n && word_is(surfaces[i + 1], lens[i + 1], "after")) ||
             word_is(surfaces[i], lens[i], "imeni") ||
             (word_is(surfaces[i], lens[i], "im") && i + 1 < n && lens[i + 1] == 1)))
            dedication = i;
        if (i >= dedication) {
            factor[i] = DEDICATION;
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (lens[k] == lens[i] && memcmp(surfaces[k], surfaces[i], lens[i]) == 0) {
                factor[i] = 0.0f;
                break;
            }
    }
}

double match_token_weight(const kd_index *ix, int64_t key_id, int cls, const char *surface, size_t len,
                          bool patronymic)
{
    (void)surface;
    double count = key_id >= 0 ? (double)ix->keys[key_id].entity_count : 0.0;
    double w = log((double)(ix->n_entities + 1) / (count + 1.0)) + 0.5;
    if (w < 0.5)
        w = 0.5;
    switch (cls) {
    case TEXT_TOKEN_HONORIFIC: return 0.0;
    case TEXT_TOKEN_LEGAL: return w * 0.25;
    case TEXT_TOKEN_PARTICLE: return w * 0.2;
    case TEXT_TOKEN_STOP: return w * 0.1;
    default: break;
    }
    if (len == 1)
        return w * 0.3; /* an initial says little */
    if (patronymic)
        return w * 0.35;
    return w;
}

typedef struct ctoken {
    const char *surface;
    size_t len;
    uint32_t key_id;
    double weight;
    uint64_t *loose; /* the listed token's slot in listed_weights.loose, or NULL */
    bool given;      /* a given name of the lists' persons, not a patronymic of it */
} ctoken;

uint64_t match_loose_hash(const char *loose, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)loose[i]) * 1099511628211ull;
    return h | 2; /* never 0 nor LOOSE_NONE */
}

/* Whether a word beginning with `letter` may have a loose key beginning
 * with `symbol` (the first symbol of another word's loose key): most
 * pairs of words differ here, and the listed word's loose key need not
 * be read from memory. c, s and p begin several classes (ch, sh, ph). */
static bool loose_first_may_agree(char symbol, char letter)
{
    switch (letter) {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': case 'j': return symbol == 'a';
    case 'd': case 't': return symbol == 't';
    case 'g': case 'h': case 'k': case 'q': case 'x': return symbol == 'k';
    case 'f': case 'v': case 'w': return symbol == 'v';
    case 'z': return symbol == 's';
    case 'b': case 'l': case 'm': case 'n': case 'r': return symbol == letter;
    default: return true;
    }
}

/* Whether two words beginning with these letters may be one name. */
static bool loose_first_may_agree_letters(char a, char b)
{
    if (a == b)
        return true;
    switch (a) {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': case 'j': return loose_first_may_agree('a', b);
    case 'd': case 't': return loose_first_may_agree('t', b);
    case 'g': case 'h': case 'k': case 'q': case 'x': return loose_first_may_agree('k', b);
    case 'f': case 'v': case 'w': return loose_first_may_agree('v', b);
    case 'z': return loose_first_may_agree('s', b);
    case 'b': case 'l': case 'm': case 'n': case 'r': return loose_first_may_agree(a, b);
    default: return true;
    }
}

/* Letters of a word's first sound: a digraph (gh, kh, ch, sh, zh, th,
 * dh, ph, dj, ts) or one letter. */
static size_t first_group(const char *s, size_t n)
{
    static const char *const digraphs[] = {"gh", "kh", "ch", "sh", "zh", "th", "dh", "ph", "dj", "ts"};
    for (size_t i = 0; n > 2 && i < KD_ARRAY_LEN(digraphs); i++)
        if (s[0] == digraphs[i][0] && s[1] == digraphs[i][1])
            return 2;
    return 1;
}

/* Whether the longer word is the shorter with one of its letters written
 * as another romanisation system writes the Arabic sound: th for s or t
 * (ث: Harith/Haris, Uthman/Usman), dh for z or d (ذ: Dhahab/Zahab,
 * Al-Dhari/Al-Dari), gh for q (ق as Persian writes it: Ghods/Qods,
 * Ghani/Qani). One such letter and nothing else apart: the spelling keys
 * and loose keys, which compare words of five letters and more by their
 * letters' classes, leave out the short words and th/s. */
static bool arabic_letter_alternation(const char *a, size_t na, const char *b, size_t nb)
{
    if (na == nb + 1) { /* a has the digraph */
        for (size_t i = 0; i + 1 < na; i++) {
            if (i >= nb || a[i] != b[i]) {
                bool alternate = a[i + 1] == 'h' && ((a[i] == 't' && (b[i] == 's' || b[i] == 't')) ||
                                                     (a[i] == 'd' && (b[i] == 'z' || b[i] == 'd')) ||
                                                     (a[i] == 'g' && b[i] == 'q'));
                return alternate && memcmp(a + i + 2, b + i + 1, nb - i - 1) == 0;
            }
        }
        return false;
    }
    return nb == na + 1 && arabic_letter_alternation(b, nb, a, na);
}

/* The loose key hash of a listed word, computed once per matcher. */
static uint64_t listed_loose(const ctoken *c)
{
    if (c->loose && *c->loose)
        return *c->loose;
    char key[TOKEN_LEN];
    size_t kl = c->len >= LOOSE_MIN ? text_token_loose_key(c->surface, c->len, key, sizeof key) : 0;
    uint64_t h = kl ? match_loose_hash(key, kl) : LOOSE_NONE;
    if (c->loose)
        *c->loose = h;
    return h;
}

/* Where two persons' names that disagree on a word stop: under the
 * threshold (KD_MATCH_THRESHOLD 0.70) */
#define CONFLICT_CAP 0.68
/* A body's name and its short form (score_name): the score */
#define SHORT_FORM 0.75
/* A title and one rare word of a person's name (see score_name) */
#define TITLED_SURNAME 0.72
/* A body's word abbreviated (score_name), when the word is in one
 * party's names of two hundred or more */
#define ABBREVIATED 0.85
#define ABBREVIATED_WEIGHT 5.8
/* A Korean's name word in another romanisation (text_korean_key) */
#define KOREAN_SYSTEMS 0.9
/* match_token_weight of a word in one party's names of fifty */
#define COMMON_NAME_WEIGHT 4.41
/* a listed patronymic's weight when the query writes none */
#define UNWRITTEN_PATRONYMIC 0.4
/* a listed middle name's weight when the query names the first and last */
#define UNWRITTEN_MIDDLE 0.4

/* Two forms of one given name in two languages (text_name_equivalence) */
#define NAME_EQUIVALENT 0.95
/* A diminutive for its name (Sasha for Aleksandra): the same person is
 * likely, but a diminutive may stand for several names, and a surname
 * beside it must carry the rest */
#define NAME_DIMINUTIVE 0.82
/* one Arabic letter written by two systems (arabic_letter_alternation) */
#define ARABIC_ALTERNATION 0.9

/* Whether a word contracts another as clerks abbreviate names: its
 * first and last letters, others of it in order between, at most one
 * vowel kept (Mohd, Md, Muhd for Muhammad; Chas, Wm), three letters
 * shorter at least. Two vowels make a name of its own (Ana, Ali). */
static bool contracts(const char *a, size_t la, const char *w, size_t lw)
{
    if (la < 2 || la + 3 > lw || a[0] != w[0] || a[la - 1] != w[lw - 1])
        return false;
    size_t vowels = (strchr("aeiouy", a[0]) != NULL) + (strchr("aeiouy", a[la - 1]) != NULL), at = 1;
    for (size_t i = 1; i + 1 < la; i++) {
        bool vowel = strchr("aeiouy", a[i]) != NULL;
        vowels += vowel;
        /* a vowel kept is any vowel: the name's spellings differ in them
         * (Mohd for Muhammad as for Mohammed) */
        while (at + 1 < lw && w[at] != a[i] && !(vowel && strchr("aeiouy", w[at])))
            at++;
        if (at + 1 >= lw)
            return false;
        at++;
    }
    return vowels <= 1;
}

/* The Arabic article as romanisations write it, its l assimilated to a
 * sun letter as spoken (Abdur Rahman, Nur ad-Din, Abdus Salam). */
static bool arabic_article(const char *s, size_t n)
{
    if (n < 2 || n > 3 || !strchr("aeu", s[0]))
        return false;
    if (n == 2)
        return strchr("lrsdztn", s[1]) != NULL;
    return (s[1] == 's' || s[1] == 'd' || s[1] == 't' || s[1] == 'z') && s[2] == 'h';
}

/* Two forms of one English word, as organisation names vary them
 * (financial/finance, industrial/industry, combatant/combat,
 * technologies/technology): a shared stem of four letters or more, each
 * word that stem and one ending of the list. */
static bool word_forms(const char *a, size_t la, const char *b, size_t lb)
{
#define ENDING(e) {e, sizeof e - 1}
    static const struct {
        const char *text;
        size_t len;
    } endings[] = {ENDING(""),     ENDING("s"),    ENDING("es"),    ENDING("e"),      ENDING("y"),
                   ENDING("ies"),  ENDING("ing"),  ENDING("ings"),  ENDING("ial"),    ENDING("al"),
                   ENDING("ic"),   ENDING("ical"), ENDING("ian"),   ENDING("ians"),   ENDING("an"),
                   ENDING("ans"),  ENDING("ation"), ENDING("ations"), ENDING("ant"),  ENDING("ants"),
                   ENDING("er"),   ENDING("ers"),  ENDING("ed"),    ENDING("ment"),   ENDING("ments"),
                   ENDING("ity"),  ENDING("ive"),  ENDING("ion"),   ENDING("ions"),   ENDING("ist"),
                   ENDING("ists"), ENDING("ism")};
#undef ENDING
    size_t p = 0;
    while (p < la && p < lb && a[p] == b[p])
        p++;
    /* the longest ending has six letters */
    if (p < 4 || (p == la && p == lb) || la - p > 6 || lb - p > 6)
        return false;
    bool end_a = false, end_b = false;
    for (size_t i = 0; i < KD_ARRAY_LEN(endings) && !(end_a && end_b); i++) {
        size_t k = endings[i].len;
        end_a |= la - p == k && memcmp(a + p, endings[i].text, k) == 0;
        end_b |= lb - p == k && memcmp(b + p, endings[i].text, k) == 0;
    }
    return end_a && end_b;
}

/* The consonants of a word (vowels, y and w aside; they stand for long
 * vowels in Arabic script) into out; how many vowels besides a first
 * letter it had go to *vowels. */
static size_t consonants(const char *s, size_t n, char *out, size_t *vowels)
{
    size_t k = 0;
    *vowels = 0;
    for (size_t i = 0; i < n; i++) {
        bool vowel = strchr("aeiou", s[i]) != NULL;
        if (vowel && i > 0)
            (*vowels)++;
        if (!vowel && s[i] != 'y' && s[i] != 'w')
            out[k++] = s[i];
    }
    return k;
}

/* Whether one of the two words is the other as Arabic script writes it:
 * no vowel but a first one, the same consonants in order. */
static bool unvowelled_form(const qtoken *q, const ctoken *c)
{
    const char *sa = q->surface, *sb = c->surface;
    size_t la = q->len, lb = c->len;
    if (la > lb) {
        const char *t = sa;
        sa = sb, sb = t;
        size_t u = la;
        la = lb, lb = u;
    }
    if (la >= TOKEN_LEN || lb >= TOKEN_LEN)
        return false;
    char ka[TOKEN_LEN], kb[TOKEN_LEN];
    size_t va, vb;
    size_t na = consonants(sa, la, ka, &va), nb = consonants(sb, lb, kb, &vb);
    return va == 0 && vb > 0 && na >= 2 && na == nb && memcmp(ka, kb, na) == 0;
}

/* The number a word writes: digits, or a Roman numeral of two letters or
 * more in i, v and x ("ii", "xiv"; one letter is an initial); -1 for any
 * other word. Vessels and companies are numbered (Ocean Star 2, Berlin
 * Invest III), and two numbers are two parties. */
long match_numeral_value(const char *s, size_t n)
{
    if (n == 0 || n > 12)
        return -1;
    long v = 0;
    if (s[0] >= '0' && s[0] <= '9') {
        size_t digits = 0;
        while (digits < n && digits < 9 && s[digits] >= '0' && s[digits] <= '9')
            v = v * 10 + (s[digits++] - '0');
        /* an ordinal's ending (2nd, 21st, 170th) is the same number */
        size_t rest = n - digits;
        if (rest == 0)
            return v;
        if (rest == 2 && (memcmp(s + digits, "st", 2) == 0 || memcmp(s + digits, "nd", 2) == 0 ||
                          memcmp(s + digits, "rd", 2) == 0 || memcmp(s + digits, "th", 2) == 0))
            return v;
        return -1;
    }
    /* ordinals written out, as bodies are numbered ("Second Academy of
     * Natural Sciences" is the 2nd) */
    static const char *const ordinals[] = {"first",      "second",     "third",     "fourth",     "fifth",
                                           "sixth",      "seventh",    "eighth",    "ninth",      "tenth",
                                           "eleventh",   "twelfth",    "thirteenth", "fourteenth", "fifteenth",
                                           "sixteenth",  "seventeenth", "eighteenth", "nineteenth", "twentieth"};
    if (n >= 5 && !(s[0] == 'i' || s[0] == 'v' || s[0] == 'x')) {
        for (size_t i = 0; i < KD_ARRAY_LEN(ordinals); i++)
            if (strlen(ordinals[i]) == n && memcmp(ordinals[i], s, n) == 0)
                return (long)i + 1;
        return -1;
    }
    if (n < 2 || n > 6)
        return -1;
    int last = 0;
    for (size_t i = n; i-- > 0;) {
        int d = s[i] == 'i' ? 1 : s[i] == 'v' ? 5 : s[i] == 'x' ? 10 : 0;
        if (!d)
            return -1;
        v += d < last ? -d : d;
        last = d > last ? d : last;
    }
    /* only the canonical spelling: "iix" and "vv" are no numerals */
    static const char *const units[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
    static const char *const tens[] = {"", "x", "xx", "xxx"};
    if (v <= 0 || v >= 40)
        return -1;
    char canonical[16];
    snprintf(canonical, sizeof canonical, "%s%s", tens[v / 10], units[v % 10]);
    return strlen(canonical) == n && memcmp(canonical, s, n) == 0 ? v : -1;
}

/* Whether a word says what kind of body a name is rather than which
 * (committee, union, institute, plant): translations of one name swap
 * them freely ("Syrian General Organization" and "... Authority for
 * Maritime Transport"; Russian "объединение" is association or union),
 * so two bodies differing in such a word are no proof of two parties;
 * in their line of business (oil, gas) or place they are. */
static bool kind_of_body(const char *s, size_t n)
{
    static const char *const words[] = {
        "administration", "agency",      "army",         "association",  "authority",   "battalion",
        "brigade",        "bureau",      "center",       "centre",       "commission",  "committee",
        "company",        "concern",     "corporation",  "council",      "department",  "directorate",
        "enterprise",     "establishment", "factory",    "firm",         "forces",      "foundation",
        "front",          "fund",        "group",        "headquarters", "holding",     "institute",
        "institution",    "league",      "movement",     "network",      "office",      "organisation",
        "organization",   "party",       "plant",        "society",      "trust",       "union",
        "works",
    };
    for (size_t i = 0; i < KD_ARRAY_LEN(words); i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return true;
    return false;
}

/* A word as its Russian romanisations agree on it: ё after a consonant
 * is "yo" in BGN and "e" elsewhere (Pyotr/Petr, Fyodor/Fedor, Semyon/
 * Semen), the ending -iy/-ii/-yi/-y is one sound (Yuriy/Yurii/Yuri).
 * Writes the folded word to out (size TOKEN_LEN); its length. */
static size_t russian_fold(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < TOKEN_LEN; i++) {
        bool consonant_before = i > 0 && !strchr("aeiouy", s[i - 1]);
        if (s[i] == 'y' && i + 1 < n && s[i + 1] == 'o' && consonant_before) {
            out[o++] = 'e';
            i++;
        } else if (i + 2 == n && (memcmp(s + i, "iy", 2) == 0 || memcmp(s + i, "ii", 2) == 0 ||
                                  memcmp(s + i, "yi", 2) == 0)) {
            out[o++] = 'i';
            break;
        } else if (i + 1 == n && s[i] == 'y' && consonant_before) {
            out[o++] = 'i';
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

static bool russian_alike(const char *a, size_t la, const char *b, size_t lb)
{
    char fa[TOKEN_LEN], fb[TOKEN_LEN];
    size_t na = russian_fold(a, la, fa), nb = russian_fold(b, lb, fb);
    return na == nb && memcmp(fa, fb, na) == 0;
}

/* Russian case endings of adjectives (BGN and ISO 9), longest first
 * where one ends another. */
static const char *const adjective_cases[] = {"iy", "ij", "yy", "ii", "aya", "aja", "oye", "oe", "ogo", "oy",
                                              "oj", "ikh", "ih", "iye", "ie", "yye", "ykh", "yh", "y", "i", "a", "o"};

/* The length of an adjective without its case ending (which leaves at
 * least five letters), or 0. */
static size_t adjective_stem(const char *adj, size_t la)
{
    size_t best = 0;
    for (size_t i = 0; i < KD_ARRAY_LEN(adjective_cases); i++) {
        size_t cl = strlen(adjective_cases[i]);
        if (la >= cl + 5 && memcmp(adj + la - cl, adjective_cases[i], cl) == 0 && (!best || la - cl < best))
            best = la - cl;
    }
    return best;
}

size_t match_adjective_nouns(const char *adj, size_t la, char nouns[][TOKEN_LEN], size_t max)
{
    size_t k = adjective_stem(adj, la), n = 0;
    if (!k || la >= TOKEN_LEN)
        return 0;
    size_t cuts[3] = {0};
    size_t n_cuts = 0;
    if (k >= 6 && adj[k - 2] == 's' && adj[k - 1] == 'k') {
        cuts[n_cuts++] = k;     /* Novosibirsk-iy */
        cuts[n_cuts++] = k - 2; /* Leningrad-sk-iye, Kazan-sk-iy */
    } else if (adj[k - 1] == 'n') {
        cuts[n_cuts++] = k - 1; /* lazer-n-yye, aviatsion-n-yy */
    }
    for (size_t c = 0; c < n_cuts && n < max; c++) {
        if (cuts[c] < 4)
            continue;
        memcpy(nouns[n], adj, cuts[c]);
        nouns[n][cuts[c]] = '\0';
        n++;
    }
    return n;
}

/* Whether `adj` is the Russian adjective of the place `noun`: names of
 * bodies say "Novosibirskiy Zavod" where lists translate "Novosibirsk
 * Plant" (Chelyabinsk, Klimovsk, Kazan, Ural, Tuapse). The adjective is
 * the place, "sk" (or "insk", "ovsk"...) and a case ending. */
static bool place_adjective(const char *adj, size_t la, const char *noun, size_t ln)
{
    if (la < 7 || ln < 4 || adj[0] != noun[0])
        return false;
    size_t k = adjective_stem(adj, la);
    if (!k || adj[k - 2] != 's' || adj[k - 1] != 'k')
        return false;
    /* the place ending in -sk itself, or without it (with one letter
     * of a linking vowel or n: Kazanskiy, Tuapsinskiy) */
    if (text_edit_distance(adj, k, noun, ln, 1) <= 1)
        return true;
    size_t stem = k - 2;
    while (stem > 4 && (adj[stem - 1] == 'n' || adj[stem - 1] == 'i' || adj[stem - 1] == 'o' || adj[stem - 1] == 'e' ||
                        adj[stem - 1] == 'v') && stem + 3 > k - 2)
        stem--;
    for (size_t cut = k - 2; cut >= stem && cut >= 4; cut--)
        if (text_edit_distance(adj, cut, noun, ln, 1) <= 1)
            return true;
    return false;
}

/* Whether `adj` is the Russian adjective in -n- of the noun: "Lazernyye
 * Sistemy" are Laser Systems, "Aviatsionnyy Kompleks" an Aviation
 * Complex; one letter of romanisation apart (lazer, laser). */
static bool noun_adjective(const char *adj, size_t la, const char *noun, size_t ln)
{
    if (la < 8 || ln < 5 || adj[0] != noun[0])
        return false;
    size_t k = adjective_stem(adj, la);
    if (!k || adj[k - 1] != 'n')
        return false;
    return k - 1 >= 5 && text_edit_distance(adj, k - 1, noun, ln, 1) <= 1;
}

/* Similarity of two tokens in [0, 1]; 0 means "not the same token".
 * Spelling-family keys are deliberately lossy (they drop inner vowels), so
 * a shared key only says "could be a transliteration of": how close the
 * spellings really are still decides the similarity. */
static double spelling_similarity(const qtoken *q, const ctoken *c);

/* A word from Arabic script written as a skeleton (match_skeleton_writes)
 * is the listed word it writes, a little under its spelling's equal */
#define SKELETON_WRITES 0.92

static double token_similarity(const qtoken *q, const ctoken *c)
{
    double sim = spelling_similarity(q, c);
    if (sim < SKELETON_WRITES && q->skeleton && c->len >= q->len &&
        match_skeleton_writes(q->surface, q->len, c->surface, c->len))
        sim = SKELETON_WRITES;
    return sim;
}

static double spelling_similarity(const qtoken *q, const ctoken *c)
{
    bool same_surface = q->len == c->len && memcmp(q->surface, c->surface, q->len) == 0;
    if (same_surface)
        return 1.0;
    long qv = q->numeral;
    long cv = qv >= 0 ? match_numeral_value(c->surface, c->len) : -1;
    if (qv >= 0 && cv >= 0)
        return qv == cv ? 1.0 : 0.0; /* 2 and II are one number, II and III two */
    if (q->len == 1 || c->len == 1)
        return q->surface[0] == c->surface[0] ? 0.6 : 0.0; /* an initial and its name */
    if (arabic_article(q->surface, q->len) && arabic_article(c->surface, c->len))
        return 0.9; /* al-, ul-, ur-, ad-: one article, assimilated as spoken */
    bool same_key = q->key_id >= 0 && (uint32_t)q->key_id == c->key_id;
    for (size_t k = 0; k < q->n_nickname_keys && !same_key; k++)
        if ((uint32_t)q->nickname_key[k] == c->key_id)
            return NAME_DIMINUTIVE; /* Sasha for Aleksandra */
    /* a given name cut short (Tina for Tinatin, Vlad for Vladislav): the
     * query's word, four letters at least, begins the listed given name,
     * three longer — not a surname or patronymic made of it (Ivanenko,
     * Igorevich: another person, perhaps the son) */
    if (!same_key && c->given && q->cls == TEXT_TOKEN_NAME && q->len >= 4 && c->len >= q->len + 3 &&
        memcmp(q->surface, c->surface, q->len) == 0 && !match_is_patronymic(c->surface, c->len))
        return NAME_DIMINUTIVE;
    /* a given name contracted as clerks write it (Mohd, Md for Muhammad,
     * Wm for William, Chas for Charles), either side the contraction */
    if (!same_key && c->given && q->cls == TEXT_TOKEN_NAME &&
        (contracts(q->surface, q->len, c->surface, c->len) || contracts(c->surface, c->len, q->surface, q->len)))
        return NAME_DIMINUTIVE;
    size_t shorter = q->len < c->len ? q->len : c->len, longer = q->len + c->len - shorter;
    /* Spellings whose keys differ only where romanisation systems differ
     * (sadeq/sadegh, ghathafi/gaddafi, valiantsina/valentina): one name
     * when the letters are close, below a shared key's similarity. */
    double loose = 0.0;
    if (!same_key && q->loose_len && shorter >= LOOSE_MIN && longer - shorter <= 2 &&
        loose_first_may_agree(q->loose[0], c->surface[0])) {
        if (listed_loose(c) == q->loose_hash) {
            double jw = similarity_jaro_winkler(q->surface, q->len, c->surface, c->len);
            /* Jaro-Winkler weighs the first letters most, where systems
             * differ most (Ghasem/Qasim, Djafar/Jafar): the rest after the
             * first letter group, a little under */
            if (jw < LOOSE_JARO_WINKLER && q->surface[0] != c->surface[0]) {
                size_t fq = first_group(q->surface, q->len), fc = first_group(c->surface, c->len);
                double rest = 0.97 * similarity_jaro_winkler(q->surface + fq, q->len - fq, c->surface + fc, c->len - fc);
                jw = rest > jw ? rest : jw;
            }
            loose = jw >= LOOSE_JARO_WINKLER ? 0.25 + 0.7 * jw : 0.0;
        }
    }
    if (!same_key && shorter >= 4 && loose < WORD_FORMS && memcmp(q->surface, c->surface, 4) == 0 &&
        word_forms(q->surface, q->len, c->surface, c->len))
        loose = WORD_FORMS;
    if (!same_key && shorter >= 3 && loose < ARABIC_ALTERNATION && q->cls == TEXT_TOKEN_NAME &&
        arabic_letter_alternation(q->surface, q->len, c->surface, c->len))
        loose = ARABIC_ALTERNATION;
    if (!same_key && loose < 0.85 && q->surface[0] == c->surface[0] &&
        (place_adjective(q->surface, q->len, c->surface, c->len) ||
         place_adjective(c->surface, c->len, q->surface, q->len) ||
         noun_adjective(q->surface, q->len, c->surface, c->len) ||
         noun_adjective(c->surface, c->len, q->surface, q->len)))
        return 0.85;
    /* patronymics of one given name in two languages (Uladzimiravich,
     * Vladimirovich), as the given names are (text_name_equivalence) */
    if (!same_key && loose < NAME_EQUIVALENT && q->len >= 8 && c->len >= 8) {
        if (text_patronymic_equivalence(q->surface, q->len, c->surface, c->len))
            return NAME_EQUIVALENT;
    }
    /* An h before the first vowel, written by one system and not by
     * another (Ukrainian Hanna for Anna, French Abib for Habib, Armenian
     * Hovhannes / Ovanes): one name, four letters at least besides it */
    if (!same_key && longer == shorter + 1 && shorter >= 4) {
        const char *l = q->len > c->len ? q->surface : c->surface, *sh = q->len > c->len ? c->surface : q->surface;
        if (l[0] == 'h' && strchr("aeiou", sh[0]) && memcmp(l + 1, sh, shorter) == 0 && loose < 0.85)
            loose = 0.85;
    }
    if (!same_key && longer - shorter > 2)
        return loose; /* neither one edit nor a Jaro-Winkler of 0.9 */
    if (!same_key && q->surface[0] != c->surface[0] &&
        (shorter < 5 || text_edit_distance(q->surface, q->len, c->surface, c->len, 1) > 1))
        return loose; /* without a shared first letter only one edit can be the same name */
    double jw = similarity_jaro_winkler(q->surface, q->len, c->surface, c->len);
    if (!same_key && jw < 0.85)
        return loose;
    /* the edit count decides only between different keys, and in short
     * tokens: it is the costlier of the two measures */
    size_t edits = !same_key || shorter <= 5
                       ? text_edit_distance(q->surface, q->len, c->surface, c->len, 3)
                       : 0;
    double sim = 0.0;
    if (same_key && jw < 0.9 && q->equivalents &&
        text_name_equivalence(q->surface, q->len, c->surface, c->len, NULL, NULL))
        return NAME_EQUIVALENT; /* Uladzimir/Vladimir: one name, two languages */
    if (same_key && shorter >= 4 && shorter <= 5 && jw < 0.9 &&
        russian_alike(q->surface, q->len, c->surface, c->len))
        return 0.95; /* Pyotr/Petr: not two letters of a short word apart */
    if (same_key)
        sim = jw >= 0.9 ? 1.0 : 0.3 + 0.7 * jw; /* Yevgeny/Evgeny: one name, two romanisations */
    else if (shorter >= 5 && edits <= 1)
        sim = 0.9;
    else if (jw >= 0.9 && edits <= 2)
        sim = jw * 0.95;
    /* In short tokens (Chinese and Korean syllables) one letter is a
     * different name: cheng/chen, yang/yong. Not when the shorter is the
     * longer without its vowels, as Arabic script writes names (mtqy for
     * motaqi, amyr for amir): its letters are all the script gives. */
    if (shorter <= 5 && edits <= 3 && !unvowelled_form(q, c)) {
        double by_edits = 1.0 - (double)edits / (double)longer;
        if (by_edits < sim)
            sim = by_edits;
    }
    return sim > loose ? sim : loose;
}

/* Whether a word of three letters or more abbreviates a word three
 * letters longer at least: its beginning ("tech", "ind"), or its first
 * letter and then consonants of it in order ("shpg", "intl", "mfg"). */
static bool abbreviates(const char *a, size_t la, const char *w, size_t lw)
{
    if (la < 3 || la + 3 > lw || a[0] != w[0])
        return false;
    if (memcmp(a, w, la) == 0)
        return true;
    size_t at = 1;
    for (size_t i = 1; i < la; i++) {
        if (strchr("aeiouy", a[i]))
            return false;
        while (at < lw && w[at] != a[i])
            at++;
        if (at == lw)
            return false;
        at++;
    }
    return true;
}

/* Whether two words written as one are that word. Not by spelling
 * family, which is loose for a joined pair ("asl aua" keys as "azalea",
 * "long ma" as "lengmo"): the letters must be those of the word, all of
 * them in a short word (syllables: "yang jie" is not "yingjie"), one edit
 * aside from eight letters ("abdul hay", "abdulhai"), two from twelve. */
static bool joined_alike(const char *joined, size_t jl, const char *word, size_t wl)
{
    size_t allowed = wl >= 12 ? 2 : wl >= 8 ? 1 : 0;
    if (jl > wl + allowed || wl > jl + allowed)
        return false;
    if (allowed == 0)
        return memcmp(joined, word, wl) == 0;
    return text_edit_distance(joined, jl, word, wl, allowed) <= allowed;
}

/* An Arabic article written onto its name ("ELKADDAFI", "Alsehri"): the
 * name without it, at least four letters, is what another list writes. */
static bool glued_article(const char *s, size_t n)
{
    if (n < 6 || (s[0] != 'a' && s[0] != 'e'))
        return false;
    /* al-, el-; or spoken into a sun letter, which it doubles (Es-Saadi
     * written "essaadi", Ed-Dine "eddine", Ar-Rashid "arrashid") */
    return (s[1] == 'l' && !strchr("aeiouyl", s[2])) || (s[1] == s[2] && strchr("tdrzsn", s[1]));
}

/* The query word without its glued article, as a query word. */
static void article_rest_query(const kd_index *ix, const listed_weights *w, const qtoken *t, qtoken *rest)
{
    memset(rest, 0, sizeof *rest);
    rest->numeral = -1;
    rest->len = t->len - 2;
    memcpy(rest->surface, t->surface + 2, rest->len + 1);
    rest->key_len = text_token_key(rest->surface, rest->len, rest->key, sizeof rest->key);
    if (rest->key_len >= sizeof rest->key)
        rest->key_len = 0;
    rest->key[rest->key_len] = '\0';
    rest->key_id = rest->key_len ? match_find_key(ix, rest->key) : -1;
    rest->cls = TEXT_TOKEN_NAME;
    rest->equivalents = match_equivalent_key(w, rest->key_id);
    rest->skeleton = match_is_skeleton(rest->surface, rest->len);
    rest->loose_len = rest->len >= LOOSE_MIN ? text_token_loose_key(rest->surface, rest->len, rest->loose,
                                                                      sizeof rest->loose)
                                             : 0;
    rest->loose_hash = rest->loose_len ? match_loose_hash(rest->loose, rest->loose_len) : 0;
}

/* Where the words from `start` spell `letters` by their first letters
 * (words[start] the first), small words between them skipped: the end of
 * the span, or 0. Only words no alignment has taken count. */
static size_t spelled_span(const char *letters, size_t k, size_t start, size_t n, const char *const *surface,
                           const size_t *len, const int *taken, const bool *small)
{
    size_t pos = start;
    for (size_t m = 0; m < k; m++) {
        while (m > 0 && pos < n && taken[pos] < 0 && small[pos] && surface[pos][0] != letters[m])
            pos++;
        if (pos >= n || taken[pos] >= 0 || len[pos] < 2 || surface[pos][0] != letters[m])
            return 0;
        pos++;
    }
    return pos;
}

/* Whether every word of a name outside [from, to) is a small word, a
 * legal form or aligned already: the span is all there is to the name. */
static bool spans_whole(size_t from, size_t to, size_t n, const int *taken, const bool *small, const bool *legal)
{
    for (size_t m = 0; m < n; m++)
        if ((m < from || m >= to) && taken[m] < 0 && !small[m] && !legal[m])
            return false;
    return true;
}

/* One part of an explanation: "a" "mid" "b", then " 0.87" when score >= 0,
 * after " · " when something precedes it. Written by hand: explaining the
 * results is done for every query, and printf's formatting was a twentieth
 * of a match. */
static void append(char *out, size_t size, const char *a, const char *mid, const char *b, double score)
{
    size_t used = strlen(out);
    if (used + 1 >= size)
        return;
    char num[6] = "";
    if (score >= 0) {
        int hundredths = (int)(score * 100 + 0.5);
        hundredths = hundredths > 999 ? 999 : hundredths;
        num[0] = ' ', num[1] = (char)('0' + hundredths / 100), num[2] = '.';
        num[3] = (char)('0' + hundredths / 10 % 10), num[4] = (char)('0' + hundredths % 10), num[5] = '\0';
    }
    const char *parts[] = {used ? " · " : "", a, mid, b, num};
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) {
        size_t n = strlen(parts[k]);
        if (used + n >= size)
            n = size - 1 - used; /* cut, as snprintf would */
        memcpy(out + used, parts[k], n);
        used += n;
        out[used] = '\0';
    }
}

double score_name(const kd_index *ix, const listed_weights *w, const qform *q, uint32_t name_id,
                  char *why, size_t why_size)
{
    const kdx_name *name = &ix->names[name_id];
    if (w->name_schema[name_id] & NAME_FORM_ONLY)
        return 0.0;
    bool listed_person = (w->name_schema[name_id] & NAME_SCHEMA_MASK) == KD_SCHEMA_PERSON;
    ctoken c[C_TOKENS];
    size_t nc = name->n_tokens < C_TOKENS ? name->n_tokens : C_TOKENS;
    double c_total = 0;
    /* A patronymic is left out far more often than written: when the query
     * has none, the listed one is hardly missed ("Volha DARASHENKA" is
     * "Volha Leanidauna DARASHENKA" more than "Olga DOROSHENKO" is) */
    bool query_patronymic = false;
    for (size_t i = 0; i < q->n && !query_patronymic; i++)
        query_patronymic = q->t[i].patronymic;
    for (size_t j = 0; j < nc; j++) {
        const kdx_token *t = &ix->tokens[name->tokens_first + j];
        c[j].surface = index_string(ix, t->surface);
        c[j].len = t->len;
        c[j].key_id = t->key;
        c[j].weight = w->token_weight[name->tokens_first + j];
        if (!query_patronymic && w->patronymic[name->tokens_first + j])
            c[j].weight *= UNWRITTEN_PATRONYMIC;
        c[j].loose = &w->loose[name->tokens_first + j];
        c[j].given = !w->patronymic[name->tokens_first + j] && match_given_key(w, t->key);
        c_total += c[j].weight;
    }
    double sim[Q_TOKENS][C_TOKENS];
    for (size_t j = 0; j < nc; j++) {
        uint32_t surface = ix->tokens[name->tokens_first + j].surface;
        for (size_t i = 0; i < q->n; i++) {
            if (!q->memo) {
                sim[i][j] = token_similarity(&q->t[i], &c[j]);
                continue;
            }
            uint64_t key = ((uint64_t)(i + 1) << 32) | surface;
            size_t slot = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 55) & (SIMILARITY_MEMO - 1);
            if (q->memo->key[slot] == key) {
                sim[i][j] = q->memo->sim[slot];
                continue;
            }
            double v = token_similarity(&q->t[i], &c[j]);
            q->memo->key[slot] = key;
            q->memo->sim[slot] = v;
            sim[i][j] = v;
        }
    }
    /* A Korean's name in another romanisation (Chong/Jong, Pong/Bong,
     * Gwang/Kwang): one word when the systems agree on it */
    if (w->name_schema[name_id] & NAME_KOREAN)
        for (size_t j = 0; j < nc; j++) {
            char key[TOKEN_LEN];
            size_t kl = 0;
            bool keyed = false;
            for (size_t i = 0; i < q->n; i++) {
                if (sim[i][j] >= KOREAN_SYSTEMS || !q->t[i].korean_len)
                    continue;
                if (!keyed)
                    kl = text_korean_key(c[j].surface, c[j].len, key, sizeof key), keyed = true;
                if (kl && kl == q->t[i].korean_len && memcmp(key, q->t[i].korean, kl) == 0)
                    sim[i][j] = KOREAN_SYSTEMS;
            }
        }
    /* A body's descriptive word abbreviated ("Shpg" for Shipping, "Intl",
     * "Tech", "Ind."): its first letter and others of it in order, of a
     * word many bodies' names have. A rare word cut short is another word
     * (Star, Starlight). */
    if (!listed_person)
        for (size_t j = 0; j < nc; j++)
            for (size_t i = 0; i < q->n; i++) {
                if (sim[i][j] >= ABBREVIATED || q->t[i].cls != TEXT_TOKEN_NAME)
                    continue;
                /* the list may be the one abbreviating (Korea Samma Shpg Co) */
                if ((c[j].weight < ABBREVIATED_WEIGHT && c[j].len >= 6 &&
                     abbreviates(q->t[i].surface, q->t[i].len, c[j].surface, c[j].len)) ||
                    (q->t[i].weight < ABBREVIATED_WEIGHT && q->t[i].len >= 6 &&
                     abbreviates(c[j].surface, c[j].len, q->t[i].surface, q->t[i].len)))
                    sim[i][j] = ABBREVIATED;
            }
    /* Greedy alignment: take the best remaining pair until none is left.
     * With a handful of tokens this equals the optimal assignment in
     * practice and costs nothing. */
    /* only the first q->n and nc entries are used: a name is scored for
     * every candidate, and clearing whole arrays was a tenth of it */
    double q_sim[Q_TOKENS], c_sim[C_TOKENS];
    int q_to[Q_TOKENS], c_to[C_TOKENS];
    for (size_t i = 0; i < q->n; i++)
        q_sim[i] = 0, q_to[i] = -1;
    for (size_t j = 0; j < nc; j++)
        c_sim[j] = 0, c_to[j] = -1;
    for (;;) {
        double best = 0;
        size_t bi = 0, bj = 0;
        for (size_t i = 0; i < q->n; i++) {
            if (q_to[i] >= 0)
                continue;
            for (size_t j = 0; j < nc; j++)
                if (c_to[j] < 0 && sim[i][j] > best)
                    best = sim[i][j], bi = i, bj = j;
        }
        if (best <= 0)
            break;
        q_to[bi] = (int)bj;
        c_to[bj] = (int)bi;
        q_sim[bi] = c_sim[bj] = best;
    }
    /* A token written as two ("abdulhai" / "abdul hai"): the joined pair
     * against the single token (joined_alike), both ways. */
    char joined[2 * TOKEN_LEN];
    /* A word the greedy pass gave a weaker partner ("jongun"≈"jong" 0.67
     * for "Jong Un") takes the pair instead, the partner set free. */
    for (size_t i = 0; i < q->n; i++) {
        if (q_to[i] >= 0 && q_sim[i] >= 0.95)
            continue;
        for (size_t j = 0; j + 1 < nc; j++) {
            size_t jl = c[j].len + c[j + 1].len;
            int mine = (int)i;
            if ((c_to[j] >= 0 && c_to[j] != mine) || (c_to[j + 1] >= 0 && c_to[j + 1] != mine) || jl >= TOKEN_LEN ||
                c[j].surface[0] != q->t[i].surface[0] || jl + 2 < q->t[i].len || jl > q->t[i].len + 2)
                continue;
            memcpy(joined, c[j].surface, c[j].len);
            memcpy(joined + c[j].len, c[j + 1].surface, c[j + 1].len);
            if (joined_alike(joined, jl, q->t[i].surface, q->t[i].len)) {
                if (q_to[i] >= 0)
                    c_to[q_to[i]] = -1, c_sim[q_to[i]] = 0;
                q_to[i] = (int)j;
                c_to[j] = c_to[j + 1] = (int)i;
                q_sim[i] = c_sim[j] = c_sim[j + 1] = 0.95;
                break;
            }
        }
    }
    for (size_t j = 0; j < nc; j++) {
        if (c_to[j] >= 0 && c_sim[j] >= 0.95)
            continue;
        for (size_t i = 0; i + 1 < q->n; i++) {
            size_t jl = q->t[i].len + q->t[i + 1].len;
            int mine = (int)j;
            if ((q_to[i] >= 0 && q_to[i] != mine) || (q_to[i + 1] >= 0 && q_to[i + 1] != mine) || jl >= TOKEN_LEN ||
                q->t[i].surface[0] != c[j].surface[0] || jl + 2 < c[j].len || jl > c[j].len + 2)
                continue;
            memcpy(joined, q->t[i].surface, q->t[i].len);
            memcpy(joined + q->t[i].len, q->t[i + 1].surface, q->t[i + 1].len);
            if (joined_alike(joined, jl, c[j].surface, c[j].len)) {
                if (c_to[j] >= 0)
                    q_to[c_to[j]] = -1, q_sim[c_to[j]] = 0;
                c_to[j] = (int)i;
                q_to[i] = q_to[i + 1] = (int)j;
                c_sim[j] = q_sim[i] = q_sim[i + 1] = 0.95;
                break;
            }
        }
    }

    /* A glued article on either side ("Saif al-Islam ELKADDAFI" for
     * "... QADHAFI"): the rest of the word against the words left. */
    for (size_t i = 0; i < q->n; i++) {
        if (q_to[i] >= 0 || !glued_article(q->t[i].surface, q->t[i].len))
            continue;
        /* read the rest only when some word left begins as it does */
        bool may = false;
        for (size_t j = 0; j < nc && !may; j++)
            may = c_to[j] < 0 && loose_first_may_agree_letters(q->t[i].surface[2], c[j].surface[0]);
        if (!may)
            continue;
        qtoken rest;
        article_rest_query(ix, w, &q->t[i], &rest);
        for (size_t j = 0; j < nc; j++) {
            double s = c_to[j] < 0 ? token_similarity(&rest, &c[j]) : 0.0;
            if (s >= 0.8) {
                q_to[i] = (int)j, c_to[j] = (int)i;
                q_sim[i] = c_sim[j] = s * 0.95;
                break;
            }
        }
    }
    for (size_t j = 0; j < nc; j++) {
        if (c_to[j] >= 0 || !glued_article(c[j].surface, c[j].len))
            continue;
        bool may = false;
        for (size_t i = 0; i < q->n && !may; i++)
            may = q_to[i] < 0 && loose_first_may_agree_letters(c[j].surface[2], q->t[i].surface[0]);
        if (!may)
            continue;
        qtoken listed;
        memset(&listed, 0, sizeof listed);
        listed.numeral = -1;
        listed.len = c[j].len;
        memcpy(listed.surface, c[j].surface, c[j].len < TOKEN_LEN ? c[j].len : TOKEN_LEN - 1);
        if (listed.len >= TOKEN_LEN)
            continue;
        qtoken rest;
        article_rest_query(ix, w, &listed, &rest);
        for (size_t i = 0; i < q->n; i++) {
            if (q_to[i] >= 0)
                continue;
            /* the query word as the listed side of the comparison */
            ctoken qc = {q->t[i].surface, q->t[i].len,
                         q->t[i].key_id >= 0 ? (uint32_t)q->t[i].key_id : UINT32_MAX, 0, NULL, false};
            double s = token_similarity(&rest, &qc);
            /* and the query word as itself: a skeleton reads the listed
             * rest ("sady" Es-Saadi, "syd" El-Sseid) */
            ctoken rc = {rest.surface, rest.len, rest.key_id >= 0 ? (uint32_t)rest.key_id : UINT32_MAX, 0, NULL, false};
            if (q->t[i].skeleton) {
                double as_query = token_similarity(&q->t[i], &rc);
                s = as_query > s ? as_query : s;
            }
            if (s >= 0.8) {
                q_to[i] = (int)j, c_to[j] = (int)i;
                q_sim[i] = c_sim[j] = s * 0.95;
                break;
            }
        }
    }

    /* Initials written as one word ("JC Juncker", "jrr" for John Ronald
     * Reuel, "RIHS" for Revival of Islamic Heritage Society): a short word
     * left over on one side whose letters begin the consecutive words left
     * over on the other, small words (of, de, al) skipped, as an initial
     * and its name weigh (0.6 each). Acronyms of bodies run longer. */
    size_t most = listed_person ? 4 : 6;
    bool short_left = false; /* a word left over that may be initials */
    for (size_t i = 0; i < q->n && !short_left; i++)
        short_left = q_to[i] < 0 && q->t[i].len >= 2 && q->t[i].len <= most;
    for (size_t j = 0; j < nc && !short_left; j++)
        short_left = c_to[j] < 0 && c[j].len >= 2 && c[j].len <= most;
    const char *c_surface[C_TOKENS], *q_surface[Q_TOKENS];
    size_t c_len[C_TOKENS], q_len[Q_TOKENS];
    bool c_small[C_TOKENS], q_small[Q_TOKENS], c_legal[C_TOKENS], q_legal[Q_TOKENS];
    for (size_t j = 0; j < nc && short_left; j++) {
        int cls = ix->tokens[name->tokens_first + j].cls;
        c_surface[j] = c[j].surface, c_len[j] = c[j].len;
        c_small[j] = cls == TEXT_TOKEN_STOP || cls == TEXT_TOKEN_PARTICLE;
        c_legal[j] = cls == TEXT_TOKEN_LEGAL;
    }
    for (size_t i = 0; i < q->n && short_left; i++) {
        q_surface[i] = q->t[i].surface, q_len[i] = q->t[i].len;
        q_small[i] = q->t[i].cls == TEXT_TOKEN_STOP || q->t[i].cls == TEXT_TOKEN_PARTICLE;
        q_legal[i] = q->t[i].cls == TEXT_TOKEN_LEGAL;
    }
    /* A body's acronym that spells its whole name (LTTE, "JSC MMZ" for
     * Mariyskiy Mashinostroitelniy Zavod: every word but small words and
     * legal forms) is how the body is known, more than initials are a
     * person's name; three letters at least. */
    const double whole_acronym = 0.8;
    for (size_t i = 0; i < q->n; i++) {
        size_t k = q->t[i].len;
        if (!short_left || q_to[i] >= 0 || k < 2 || k > most)
            continue;
        for (size_t j = 0; j < nc; j++) {
            size_t end = spelled_span(q->t[i].surface, k, j, nc, c_surface, c_len, c_to, c_small);
            if (!end)
                continue;
            double acronym_sim = !listed_person && k >= 3 && spans_whole(j, end, nc, c_to, c_small, c_legal) &&
                                 spans_whole(i, i + 1, q->n, q_to, q_small, q_legal)
                             ? whole_acronym
                             : 0.6;
            q_to[i] = (int)j;
            q_sim[i] = acronym_sim;
            for (size_t m = j; m < end; m++)
                c_to[m] = (int)i, c_sim[m] = acronym_sim;
            break;
        }
    }
    for (size_t j = 0; j < nc; j++) {
        size_t k = c[j].len;
        if (!short_left || c_to[j] >= 0 || k < 2 || k > most)
            continue;
        for (size_t i = 0; i < q->n; i++) {
            size_t end = spelled_span(c[j].surface, k, i, q->n, q_surface, q_len, q_to, q_small);
            if (!end)
                continue;
            double acronym_sim = !listed_person && k >= 3 && spans_whole(i, end, q->n, q_to, q_small, q_legal) &&
                                 spans_whole(j, j + 1, nc, c_to, c_small, c_legal)
                             ? whole_acronym
                             : 0.6;
            c_to[j] = (int)i;
            c_sim[j] = acronym_sim;
            for (size_t m = i; m < end; m++)
                q_to[m] = (int)j, q_sim[m] = acronym_sim;
            break;
        }
    }

    /* A person named by the first and last of four names or more ("Alain
     * GOETZ" for Alain Francois Viviane GOETZ, "Ayman AL-ZAWAHIRI"): the
     * given names between are hardly missed, every word of the query being
     * there. Not in shorter names, where a middle word is as much the name
     * (Kim Yong Chol is not Kim Chol). */
    if (listed_person && nc >= 4) {
        size_t first = 0, last = nc;
        while (first < nc && c[first].weight <= 0)
            first++;
        while (last > first && c[last - 1].weight <= 0)
            last--;
        bool whole_query = true;
        for (size_t i = 0; i < q->n && whole_query; i++)
            whole_query = q_to[i] >= 0 || q->t[i].weight <= 0;
        /* the words left between are given names (begin the lists'
         * persons' names often): not a first family name ("David GONZALEZ"
         * is not David Nicolas RUBIO GONZALEZ) */
        bool given_between = whole_query && last > first + 3 && c_to[first] >= 0 && c_to[last - 1] >= 0;
        for (size_t j = first + 1; j + 1 < last && given_between; j++)
            given_between = c_to[j] >= 0 || c[j].weight <= 0 ||
                            ix->tokens[name->tokens_first + j].cls != TEXT_TOKEN_NAME ||
                            match_given_key(w, (int64_t)c[j].key_id);
        for (size_t j = first + 1; j + 1 < last && given_between; j++)
            if (c_to[j] < 0) {
                c_total -= c[j].weight * (1.0 - UNWRITTEN_MIDDLE);
                c[j].weight *= UNWRITTEN_MIDDLE;
            }
    }
    /* a body's words that name nothing of their own (match_body_word_factors)
     * count as little in the query as in the listed name */
    double q_weight[Q_TOKENS], q_total = listed_person ? q->total : q->body_total;
    for (size_t i = 0; i < q->n; i++)
        q_weight[i] = listed_person ? q->t[i].weight : q->t[i].weight * q->t[i].body_factor;
    /* The same the other way: a query naming a person by four names or
     * more ("Aiman Muhammad Rabi al-Zawahiri") for a listed name of the
     * first and last of them (Ayman AL-ZAWAHIRI), every listed word there,
     * the query's given names between hardly missed. Not syllables (a
     * Korean's or a Chinese name's: "Kim Yong Chol Ha Yun" is not Kim Yong
     * Chol): the words left out are names of four letters or more. */
    if (listed_person && q->n >= 4 && !(w->name_schema[name_id] & NAME_KOREAN)) {
        size_t first = 0, last = q->n;
        while (first < q->n && q_weight[first] <= 0)
            first++;
        while (last > first && q_weight[last - 1] <= 0)
            last--;
        bool whole_listed = true;
        size_t c_first = nc, c_last = 0;
        for (size_t j = 0; j < nc && whole_listed; j++) {
            whole_listed = c_to[j] >= 0 || c[j].weight <= 0;
            if (c[j].weight > 0)
                c_first = c_first < j ? c_first : j, c_last = j;
        }
        /* the first and last of the query are those of the listed name, in
         * that order and spelled alike: names turned round, or a family
         * name only near in spelling, are another matter */
        bool given_between = whole_listed && last > first + 3 && q_to[first] >= 0 && q_to[last - 1] >= 0 &&
                             (size_t)q_to[first] == c_first && (size_t)q_to[last - 1] == c_last &&
                             q_sim[first] >= 0.9 && q_sim[last - 1] >= 0.9;
        for (size_t i = first + 1; i + 1 < last && given_between; i++)
            given_between = q_to[i] >= 0 || q_weight[i] <= 0 || q->t[i].cls != TEXT_TOKEN_NAME ||
                            (q->t[i].len >= 4 && match_given_key(w, q->t[i].key_id));
        for (size_t i = first + 1; i + 1 < last && given_between; i++)
            if (q_to[i] < 0) {
                q_total -= q_weight[i] * (1.0 - UNWRITTEN_MIDDLE);
                q_weight[i] *= UNWRITTEN_MIDDLE;
            }
    }
    double q_cov = 0, c_cov = 0;
    size_t strong_matches = 0, substantive = w->substantive[name_id];
    for (size_t i = 0; i < q->n; i++) {
        q_cov += q_weight[i] * q_sim[i];
        if (q_to[i] >= 0 && q->t[i].cls == TEXT_TOKEN_NAME && q->t[i].len > 1)
            strong_matches++;
    }
    for (size_t j = 0; j < nc; j++)
        c_cov += c[j].weight * c_sim[j];
    q_cov = q_total > 0 ? q_cov / q_total : 0;
    c_cov = c_total > 0 ? c_cov / c_total : 0;
    double score = (q_cov + c_cov) > 0 ? 2 * q_cov * c_cov / (q_cov + c_cov) : 0;
    /* One matching word does not identify a person with a full name —
     * unless the rest of it is there as initials, every word of both names
     * accounted for ("J.C. Juncker", "J. Smith" for John Smith) */
    bool all_aligned = true;
    for (size_t i = 0; i < q->n && all_aligned; i++)
        all_aligned = q_to[i] >= 0 || q_weight[i] <= 0;
    for (size_t j = 0; j < nc && all_aligned; j++)
        all_aligned = c_to[j] >= 0 || c[j].weight <= 0;
    if (listed_person && strong_matches < 2 && substantive >= 2 && score > 0.6 && !all_aligned)
        score = 0.6;
    /* ...but a rank or title before a surname that few records have
     * ("General Mudacumura", "Colonel Mutebutsi" for Sylvestre MUDACUMURA
     * and Jules MUTEBUTSI) is how prose and the lists' own aliases name
     * that person: a common surname ("Mr Smith") still names no one */
    int word = q->titled_word;
    if (listed_person && word >= 0 && score < TITLED_SURNAME) {
        int j = q_to[word];
        /* a surname: no listed person's name begins with it ("Hajji
         * Taysir" may be any Taysir) */
        if (j >= 0 && q_sim[word] >= 0.9 && c[j].weight >= w->rare_weight && c[j].len >= 4 &&
            ix->tokens[name->tokens_first + j].cls == TEXT_TOKEN_NAME && !match_given_key(w, q->t[word].key_id))
            score = TITLED_SURNAME;
    }
    /* A body's short form ("Grupo Arosfran" for Grupo Arosfran
     * Empreendimentos e Participacoes SARL, "Mehr Bank" for Mehr
     * Interest-Free Bank): every word of one name in the other, one of them
     * a word few parties' names have. The words the short form leaves out
     * describe the body more than they name it; shared common words alone
     * ("Overseas Trading Company") name no one. Not vessels, whose names
     * are one or two words anyway. */
    uint8_t listed_schema = w->name_schema[name_id] & NAME_SCHEMA_MASK;
    if (!listed_person && listed_schema != KD_SCHEMA_VESSEL && score < SHORT_FORM && score > 0.4) {
        bool query_inside = true, listed_inside = true, rare = false;
        /* legal forms aside: "JSC Stratim" is in "Stratim Design Bureau" */
        for (size_t i = 0; i < q->n && query_inside; i++)
            query_inside = q_weight[i] <= 0 || (q_to[i] >= 0 && q_sim[i] >= 0.85) || q->t[i].cls == TEXT_TOKEN_LEGAL;
        for (size_t j = 0; j < nc && listed_inside; j++)
            listed_inside = c[j].weight <= 0 || (c_to[j] >= 0 && c_sim[j] >= 0.85) ||
                            ix->tokens[name->tokens_first + j].cls == TEXT_TOKEN_LEGAL;
        if (query_inside || listed_inside) {
            for (size_t j = 0; j < nc && !rare; j++)
                rare = c_to[j] >= 0 && c_sim[j] >= 0.9 && c[j].weight >= w->rare_weight && c[j].len >= 4 &&
                       ix->tokens[name->tokens_first + j].cls == TEXT_TOKEN_NAME;
        }
        if (rare)
            score = SHORT_FORM;
    }
    /* Names that disagree on a word — each has a name word the other lacks
     * ("... OTHMAN AL-HARBI" and "... OTHMAN AL-GHAMDI", "Aung San Suu Win"
     * and "Aung San Suu Kyi"; "National Iranian Oil Company" and "...
     * Gas Company"; "Ocean Star 2" and "Ocean Star 3") — are two parties
     * however much else they share; a word only missing on one side (a
     * middle name, a patronymic, "Holding") is no disagreement. */
    int conflict_q = -1, conflict_c = -1; /* the two words that disagree, for the explanation */
    if (score > CONFLICT_CAP) {
        bool person = listed_person, conflict = false;
        for (size_t i = 0; i < q->n && !conflict; i++) {
            int qc = q->t[i].cls;
            long qv = person || q_to[i] >= 0 ? -1 : q->t[i].numeral;
            for (size_t j = 0; j < nc && qv >= 0 && !conflict; j++)
                if (c_to[j] < 0 && match_numeral_value(c[j].surface, c[j].len) >= 0)
                    conflict = true, conflict_q = (int)i, conflict_c = (int)j;
            if (q_to[i] >= 0 || q_weight[i] <= 0 ||
                !(qc == TEXT_TOKEN_NUMBER || (qc == TEXT_TOKEN_NAME && q->t[i].len >= (person ? 2u : 3u))) ||
                (!person && kind_of_body(q->t[i].surface, q->t[i].len)))
                continue;
            /* another word of its kind on the other side, not a spelling
             * of this one the alignment left (Jo/Cho, Gyu/Kyu). Two
             * patronymics are two fathers (Petrovich, Vladimirovich); a
             * patronymic and a name are not of a kind. Patronymics share
             * their endings, so they must be further apart than names, and
             * one father's name in two languages is one (Mykolayovych,
             * Nikolaevich). */
            bool patronymic = q->t[i].patronymic;
            for (size_t j = 0; j < nc && !conflict; j++) {
                int cc = ix->tokens[name->tokens_first + j].cls;
                conflict = c_to[j] < 0 && cc == qc && c[j].len >= (qc == TEXT_TOKEN_NUMBER ? 1u : person ? 2u : 3u) &&
                           c[j].weight > 0 && (bool)w->patronymic[name->tokens_first + j] == patronymic &&
                           (person || !kind_of_body(c[j].surface, c[j].len)) &&
                           similarity_jaro_winkler(q->t[i].surface, q->t[i].len, c[j].surface, c[j].len) <
                               (patronymic ? 0.9 : 0.75) &&
                           !(patronymic &&
                             text_patronymic_equivalence(q->t[i].surface, q->t[i].len, c[j].surface, c[j].len));
                if (conflict)
                    conflict_q = (int)i, conflict_c = (int)j;
            }
        }
        /* One generation apart: a given name before the other's given
         * name, the rest one name ("Rana Saddam Hussein al-Tikriti" and
         * "Saddam Hussein al-Tikriti"): where a name is a chain of given
         * names (the word after the shared one is a given name too, not
         * a family name as in "Juan Daniel VELASQUEZ"), the first word
         * left over is a child's own. Every other word must be there. */
        for (int side = 0; side < 2 && person && !conflict && q->n >= 3 && nc >= 2; side++) {
            bool first_left = side == 0 ? q_to[0] < 0 && q->t[0].weight > 0 && q->t[0].cls == TEXT_TOKEN_NAME &&
                                              q->t[0].len >= 2 && q_to[1] == 0 && q_to[2] == 1
                                        : c_to[0] < 0 && c[0].weight > 0 && nc >= 3 &&
                                              ix->tokens[name->tokens_first].cls == TEXT_TOKEN_NAME &&
                                              c[0].len >= 2 && c_to[1] == 0 && c_to[2] == 1;
            /* the second word of the longer name, a given name? The first,
             * no name of every fiftieth party (Muhammad, Mahamat often
             * precede the name a man goes by)? */
            if (!first_left)
                continue; /* (the third words read below exist only then) */
            int64_t next_key = side == 0 ? q->t[2].key_id : (int64_t)c[2].key_id;
            int next_cls = side == 0 ? q->t[2].cls : ix->tokens[name->tokens_first + 2].cls;
            double extra = side == 0 ? q->t[0].weight : c[0].weight;
            if (next_cls != TEXT_TOKEN_NAME || !match_given_key(w, next_key) || extra < COMMON_NAME_WEIGHT)
                continue;
            bool rest = true;
            for (size_t i = 1; i < q->n && rest; i++)
                rest = q_to[i] >= 0 || q->t[i].weight <= 0;
            for (size_t j = 1; j < nc && rest; j++)
                rest = c_to[j] >= 0 || c[j].weight <= 0;
            if (rest && (side == 0 ? c_to[0] >= 0 : q_to[0] >= 0))
                conflict = true, conflict_q = 0, conflict_c = 0;
        }
        if (conflict)
            score = CONFLICT_CAP;
    }

    if (why) {
        const char *language, *listed_language;
        why[0] = '\0';
        for (size_t i = 0; i < q->n; i++) {
            int j = q_to[i];
            /* a word written as two or more on one side: "jongun≈jong un
             * 0.95", "jin ping≈jinping 0.95", "ltte≈liberation tigers tamil
             * eelam 0.80" */
            bool listed_two = j >= 0 && (size_t)j + 1 < nc && c_to[j] == (int)i && c_to[j + 1] == (int)i;
            bool query_two = j >= 0 && i + 1 < q->n && q_to[i + 1] == j && c_to[j] == (int)i;
            if (!listed_two && j >= 0 && c_to[j] == (int)i) /* a span with small words skipped */
                for (size_t m = (size_t)j + 1; m < nc && !listed_two; m++)
                    listed_two = c_to[m] == (int)i;
            if (listed_two || query_two) {
                char one[4 * TOKEN_LEN], two[4 * TOKEN_LEN];
                size_t lo = 0, lt = 0;
                one[0] = two[0] = '\0';
                for (size_t m = i; m < q->n && (m == i || query_two); m++)
                    if (q_to[m] == j && lo + q->t[m].len + 2 < sizeof one)
                        lo += (size_t)snprintf(one + lo, sizeof one - lo, "%s%s", lo ? " " : "", q->t[m].surface);
                for (size_t m = (size_t)j; m < nc; m++)
                    if (c_to[m] == (int)i && lt + c[m].len + 2 < sizeof two)
                        lt += (size_t)snprintf(two + lt, sizeof two - lt, "%s%s", lt ? " " : "", c[m].surface);
                append(why, why_size, one, "≈", two, q_sim[i]);
                if (query_two)
                    while (i + 1 < q->n && q_to[i + 1] == j)
                        i++;
            } else if (j < 0) {
                if (q_weight[i] > 0)
                    append(why, why_size, q->t[i].surface, " unmatched", "", -1);
            } else if (strcmp(q->t[i].surface, c[j].surface) == 0) {
                append(why, why_size, q->t[i].surface, "=", c[j].surface, -1);
            } else if (q_sim[i] == NAME_EQUIVALENT &&
                       text_name_equivalence(q->t[i].surface, q->t[i].len, c[j].surface, c[j].len, &language,
                                             &listed_language)) {
                /* "volodymyr~uladzimir uk/be": one name, and in which languages */
                char pair[2 * TOKEN_LEN + 16];
                snprintf(pair, sizeof pair, "%s~%s %s", q->t[i].surface, c[j].surface, language);
                append(why, why_size, pair, "/", listed_language, -1);
            } else if (q_sim[i] == NAME_DIMINUTIVE && q->t[i].n_nickname_keys) {
                /* "sasha~alexandra diminutive": a name by its everyday form */
                char pair[2 * TOKEN_LEN + 16];
                snprintf(pair, sizeof pair, "%s~%s", q->t[i].surface, c[j].surface);
                append(why, why_size, pair, " diminutive", "", -1);
            } else {
                append(why, why_size, q->t[i].surface, "≈", c[j].surface, q_sim[i]);
            }
        }
        for (size_t j = 0; j < nc; j++)
            if (c_to[j] < 0 && c[j].weight > 0)
                append(why, why_size, "missing ", c[j].surface, "", -1);
        if (conflict_q >= 0) /* why the score stops under the threshold */
            append(why, why_size, q->t[conflict_q].surface, "≠", c[conflict_c].surface, -1);
    }
    return score;
}
