/* Tokenising romanised names and classifying their tokens.
 *
 * Legal forms are rewritten to one canonical token inside the form rather
 * than removed: "Romashka LLC", "OOO Romashka" and "Romashka Limited
 * Liability Company" then differ only in where "llc" stands, and the caller
 * sees the token, classifies it TEXT_TOKEN_LEGAL and weighs it low. The
 * phrase table holds the spellings our own transliterations produce (BGN
 * and ISO-like) plus the English ones lists use. */
#include "text_internal.h"

#include <string.h>

typedef struct phrase {
    const char *first; /* first word, matched before the rest is tried */
    size_t first_len;
    const char *rest; /* " and the following words" */
    size_t rest_len;
    const char *canonical;
} phrase;

#define PH(first, rest, canonical) {first, sizeof first - 1, rest, sizeof rest - 1, canonical}

/* Longest phrases first: the first match at a position wins. */
static const phrase legal_phrases[] = {
    PH("otkrytoye", " aktsionernoye obshchestvo", "jsc"),
    PH("zakrytoye", " aktsionernoye obshchestvo", "jsc"),
    PH("publichnoye", " aktsionernoye obshchestvo", "jsc"),
    PH("otkrytoe", " aktsionernoe obshchestvo", "jsc"),
    PH("zakrytoe", " aktsionernoe obshchestvo", "jsc"),
    PH("publichnoe", " aktsionernoe obshchestvo", "jsc"),
    PH("obshchestvo", " s ogranichennoy otvetstvennostyu", "llc"),
    PH("obshchestvo", " s ogranichennoj otvetstvennostu", "llc"),
    PH("tovarystvo", " z obmezhenoyu vidpovidalnistyu", "llc"),
    PH("federalnoye", " gosudarstvennoye unitarnoye predpriyatiye", "fsue"),
    PH("federalnoe", " gosudarstvennoe unitarnoe predpriatie", "fsue"),
    PH("gosudarstvennoye", " unitarnoye predpriyatiye", "gup"),
    PH("gosudarstvennoe", " unitarnoe predpriatie", "gup"),
    PH("federal", " state unitary enterprise", "fsue"),
    PH("open", " joint stock company", "jsc"),
    PH("closed", " joint stock company", "jsc"),
    PH("public", " joint stock company", "jsc"),
    PH("private", " joint stock company", "jsc"),
    PH("publichne", " aktsionerne tovarystvo", "jsc"),
    PH("pryvatne", " aktsionerne tovarystvo", "jsc"),
    PH("aktsionerne", " tovarystvo", "jsc"),
    PH("aktsionernoye", " obshchestvo", "jsc"),
    PH("aktsionernoe", " obshchestvo", "jsc"),
    PH("state", " unitary enterprise", "gup"),
    PH("limited", " liability company", "llc"),
    PH("limited", " liability partnership", "llp"),
    PH("limited", " liability co", "llc"),
    PH("joint", " stock company", "jsc"),
    PH("public", " limited company", "plc"),
    PH("gesellschaft", " mit beschrankter haftung", "gmbh"),
    PH("limited", " partnership", "lp"),
    PH("societe", " anonyme", "sa"),
    PH("sociedad", " anonima", "sa"),
    PH("sociedade", " anonima", "sa"),
    PH("besloten", " vennootschap", "bv"),
    PH("naamloze", " vennootschap", "nv"),
    PH("sp", " z o o", "llc"),
    PH("sdn", " bhd", "sdn bhd"),
};

typedef struct legal_token {
    const char *text;
    size_t len;
    const char *canonical;
} legal_token;

#define TK(text, canonical) {text, sizeof text - 1, canonical}

/* Single tokens: raw spelling → canonical. Canonical tokens map to
 * themselves so text_legal_form accepts both. */
static const legal_token legal_tokens[] = {
    TK("llc", "llc"),   TK("ooo", "llc"),   TK("tov", "llc"),   TK("too", "llc"),
    TK("doo", "llc"),   TK("ood", "llc"),   TK("eood", "llc"),  TK("mchj", "llc"),
    TK("jsc", "jsc"),   TK("ojsc", "jsc"),  TK("cjsc", "jsc"),  TK("pjsc", "jsc"),
    TK("ao", "jsc"),    TK("zao", "jsc"),   TK("oao", "jsc"),   TK("pao", "jsc"),
    TK("fsue", "fsue"), TK("fgup", "fsue"), TK("gup", "gup"),   TK("ltd", "ltd"),
    TK("limited", "ltd"), TK("inc", "inc"), TK("incorporated", "inc"),
    TK("corp", "corp"), TK("corporation", "corp"),              TK("co", "co"),
    TK("company", "co"), TK("plc", "plc"),  TK("sa", "sa"),     TK("gmbh", "gmbh"),
    TK("ag", "ag"),     TK("aktiengesellschaft", "ag"),         TK("llp", "llp"),
    TK("lp", "lp"),     TK("bv", "bv"),     TK("nv", "nv"),     TK("spa", "spa"),
    TK("srl", "srl"),   TK("sarl", "sarl"), TK("sro", "sro"),   TK("kft", "kft"),
    TK("oy", "oy"),     TK("oyj", "oy"),    TK("ab", "ab"),     TK("kg", "kg"),
    TK("pte", "pte"),   TK("pty", "pty"),   TK("pvt", "pvt"),   TK("bhd", "bhd"),
    TK("fze", "fze"),   TK("fzco", "fzco"), TK("fzc", "fzc"),   TK("fzllc", "llc"),
};

static const char *const honorifics[] = {
    "mr", "mrs", "ms", "miss", "mister", "dr", "doctor", "prof", "professor", "sir",
    "dame", "lord", "lady", "sheikh", "shaikh", "shaykh", "sheik", "cheikh", "haji",
    "hajji", "hadji", "haj", "hajj", "alhaji", "alhaj", "mullah", "mulla", "mawlawi",
    "maulvi", "molvi", "mawlavi", "maulana", "mawlana", "qari", "hafiz", "hafez",
    "imam", "sayyid", "sayed", "syed", "mufti", "ayatollah", "hojatoleslam", "gen",
    "general", "col", "colonel", "maj", "major", "capt", "captain", "lt",
    "lieutenant", "brig", "brigadier", "adm", "admiral", "cmdr", "commander", "sgt",
    "sergeant", "marshal", "rev", "reverend", "bishop", "prince", "princess", "king",
    "queen", "president", "minister", "ambassador", "senator", "judge", "eng",
    "engineer", "hon", "honourable", "excellency",
};

static const char *const particles[] = {
    "al", "el", "ul", "ud", "ur", "ad", "ar", "ash", "az", "adh", "bin", "ibn",
    "bint", "binti", "abu", "abou", "abd", "umm", "um", "ould", "wuld", "bani",
    "beni", "van", "von", "der", "den", "de", "del", "della", "di", "da", "das",
    "do", "dos", "du", "la", "le", "los", "las", "zu", "ten", "ter",
};

static const char *const stopwords[] = {"the", "of", "and", "for", "und", "et"};

static bool word_eq(const char *w, const char *s, size_t n)
{
    return strlen(w) == n && memcmp(w, s, n) == 0;
}

static bool in_list(const char *const *list, size_t count, const char *s, size_t n)
{
    for (size_t i = 0; i < count; i++)
        if (word_eq(list[i], s, n))
            return true;
    return false;
}

const char *text_legal_form(const char *token, size_t len)
{
    if (len < 2 || len > 18)
        return NULL;
    for (size_t i = 0; i < KD_ARRAY_LEN(legal_tokens); i++)
        if (legal_tokens[i].len == len && memcmp(legal_tokens[i].text, token, len) == 0)
            return legal_tokens[i].canonical;
    return NULL;
}

text_token_class text_token_class_of(const char *token, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (token[i] >= '0' && token[i] <= '9')
            return TEXT_TOKEN_NUMBER;
    if (len == 1)
        return TEXT_TOKEN_INITIAL;
    if (text_legal_form(token, len) || word_eq("sdn", token, len))
        return TEXT_TOKEN_LEGAL;
    if (in_list(honorifics, KD_ARRAY_LEN(honorifics), token, len))
        return TEXT_TOKEN_HONORIFIC;
    if (in_list(particles, KD_ARRAY_LEN(particles), token, len))
        return TEXT_TOKEN_PARTICLE;
    if (in_list(stopwords, KD_ARRAY_LEN(stopwords), token, len))
        return TEXT_TOKEN_STOP;
    return TEXT_TOKEN_NAME;
}

const char *text_token_class_name(text_token_class c)
{
    static const char *const names[] = {"name",      "initial", "number", "particle",
                                        "honorific", "legal",   "stop"};
    return (unsigned)c < KD_ARRAY_LEN(names) ? names[c] : "?";
}

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static char lower(unsigned char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Single letters written with dots ("S.A.", "L.L.C", "s.p.a.") become one
 * token when together they spell a legal form; initials ("J. R.") stay
 * apart. Returns the bytes consumed, 0 when s[i] starts no such run. */
static size_t dotted_legal(const unsigned char *s, size_t n, size_t i, char *word)
{
    if (i > 0 && is_alnum(s[i - 1]))
        return 0;
    size_t j = i, k = 0;
    while (j + 1 < n && is_alpha(s[j]) && s[j + 1] == '.' && k < 7) {
        word[k++] = lower(s[j]);
        j += 2;
    }
    if (k == 0)
        return 0;
    if (j < n && is_alpha(s[j]) && (j + 1 == n || !is_alnum(s[j + 1])) && k < 7) {
        word[k++] = lower(s[j]);
        j++;
    }
    word[k] = '\0';
    return k > 1 && text_legal_form(word, k) ? j - i : 0;
}

/* Pass 1: lowercase tokens separated by single spaces. Apostrophes inside
 * a token join (O'Brien, the soft sign as '), everything else splits. The
 * output is never longer than the input, so it is written in place. */
static int split(const unsigned char *s, size_t n, buf *t)
{
    if (buf_reserve(t, n + 1))
        return KD_ENOMEM;
    char *o = t->data;
    size_t len = 0, i = 0;
    while (i < n) {
        if (!is_alnum(s[i])) {
            i++;
            continue;
        }
        if (len)
            o[len++] = ' ';
        char word[8];
        size_t used = dotted_legal(s, n, i, word);
        if (used) {
            size_t wl = strlen(word);
            memcpy(o + len, word, wl);
            len += wl;
            i += used;
            continue;
        }
        while (i < n && (is_alnum(s[i]) || s[i] == '\'' || s[i] == '`')) {
            if (is_alnum(s[i]))
                o[len++] = lower(s[i]);
            i++;
        }
    }
    t->len = len;
    o[len] = '\0';
    return KD_OK;
}

/* Pass 2: legal phrases → canonical tokens. */
static int canonicalise(const char *s, size_t n, buf *out)
{
    if (buf_reserve(out, n))
        return KD_ENOMEM;
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != ' ')
            end++;
        size_t len = end - i;
        const char *canon = NULL;
        for (size_t p = 0; p < KD_ARRAY_LEN(legal_phrases); p++) {
            const phrase *ph = &legal_phrases[p];
            if (ph->first_len == len && memcmp(ph->first, s + i, len) == 0 &&
                end + ph->rest_len <= n && memcmp(ph->rest, s + end, ph->rest_len) == 0 &&
                (end + ph->rest_len == n || s[end + ph->rest_len] == ' ')) {
                canon = ph->canonical;
                end += ph->rest_len;
                break;
            }
        }
        if (!canon)
            canon = text_legal_form(s + i, len);
        if (out->len && buf_append_char(out, ' '))
            return KD_ENOMEM;
        if (canon ? buf_append_str(out, canon) : buf_append(out, s + i, len))
            return KD_ENOMEM;
        i = end < n ? end + 1 : n;
    }
    return KD_OK;
}

int text__ascii_form(const char *s, size_t n, buf *form, buf *tmp)
{
    buf_clear(form);
    buf_clear(tmp);
    int rc = split((const unsigned char *)s, n, tmp);
    if (rc)
        return rc;
    return canonicalise(tmp->data ? tmp->data : "", tmp->len, form);
}
