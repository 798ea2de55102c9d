/* Tokenising romanised names and classifying their tokens.
 *
 * Legal forms are rewritten to one canonical token inside the form rather
 * than removed: "Romashka LLC", "OOO Romashka" and "Romashka Limited
 * Liability Company" then differ only in where "llc" stands, and the caller
 * sees the token, classifies it TEXT_TOKEN_LEGAL and weighs it low.
 * Single tokens are matched by spelling (keys of "ao", "ooo" would catch
 * every short vowel-initial name); phrases of two or more words by their
 * spelling-family keys, so every transliteration of "общество с
 * ограниченной ответственностью" matches one entry. */
#include "text_internal.h"

#include <string.h>

typedef struct phrase {
    const char *text, *canonical;
} phrase;

/* Longest phrases first: the first match at a position wins. Spellings
 * that key alike need one entry (tovarystvo = tovaristvo). */
static const phrase legal_phrases[] = {
    {"otkrytoye aktsionernoye obshchestvo", "jsc"},
    {"zakrytoye aktsionernoye obshchestvo", "jsc"},
    {"publichnoye aktsionernoye obshchestvo", "jsc"},
    {"obshchestvo s ogranichennoy otvetstvennostyu", "llc"},
    {"tovarystvo z obmezhenoyu vidpovidalnistyu", "llc"},
    {"federalnoye gosudarstvennoye unitarnoye predpriyatiye", "fsue"},
    {"gosudarstvennoye unitarnoye predpriyatiye", "gup"},
    {"avtonomnaya nekommercheskaya organizatsiya", "ano"},
    {"federal state unitary enterprise", "fsue"},
    {"open joint stock company", "jsc"},
    {"closed joint stock company", "jsc"},
    {"public joint stock company", "jsc"},
    {"private joint stock company", "jsc"},
    {"publichne aktsionerne tovarystvo", "jsc"},
    {"pryvatne aktsionerne tovarystvo", "jsc"},
    {"aktsionerne tovarystvo", "jsc"},
    {"aktsionernoye obshchestvo", "jsc"},
    {"state unitary enterprise", "gup"},
    {"limited liability company", "llc"},
    {"limited liability partnership", "llp"},
    {"limited liability co", "llc"},
    {"joint stock company", "jsc"},
    {"public limited company", "plc"},
    {"spolka z ograniczona odpowiedzialnoscia", "llc"},
    {"societe a responsabilite limitee", "sarl"},
    {"societa a responsabilita limitata", "srl"},
    {"sociedad de responsabilidad limitada", "srl"},
    {"societe par actions simplifiee", "sas"},
    {"gesellschaft mit beschrankter haftung", "gmbh"},
    {"sociedad anonima de capital variable", "sa"},
    {"societa per azioni", "spa"},
    {"sociedade anonima", "sa"},
    {"sociedade limitada", "ltda"},
    {"anonim sirketi", "as"},
    {"limited sirketi", "ltd"},
    {"kabushiki kaisha", "kk"},
    {"sendirian berhad", "sdn bhd"},
    {"sa de cv", "sa"},
    {"s a de c v", "sa"},
    {"limited partnership", "lp"},
    {"societe anonyme", "sa"},
    {"sociedad anonima", "sa"},
    {"besloten vennootschap", "bv"},
    {"naamloze vennootschap", "nv"},
    {"sp z o o", "llc"},
    {"sdn bhd", "sdn bhd"},
};

_Static_assert(KD_ARRAY_LEN(legal_phrases) <= TEXT__PHRASES_MAX, "raise TEXT__PHRASES_MAX");

int text__legal_keys_init(text_legal_keys *k)
{
    *k = (text_legal_keys){0};
    for (size_t p = 0; p < KD_ARRAY_LEN(legal_phrases); p++) {
        const char *t = legal_phrases[p].text;
        k->first_pairs[(t[0] - 'a') * 26 + (t[1] - 'a')] = true;
        k->off[p] = k->keys.len;
        if (text_form_keys(t, strlen(t), &k->keys) || buf_append_char(&k->keys, '\0'))
            return KD_ENOMEM;
    }
    return KD_OK;
}

void text__legal_keys_free(text_legal_keys *k) { buf_free(&k->keys); }

static size_t token_end(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] != ' ')
        i++;
    return i;
}

/* Does the phrase whose keys are pk ("k1 k2 ...") start at the token
 * s[i..end) whose key is key? Sets *stop past its last token. */
static bool phrase_at(const char *pk, const char *key, size_t kl, const char *s, size_t n,
                      size_t end, size_t *stop)
{
    size_t pl = strcspn(pk, " ");
    if (pl != kl || memcmp(pk, key, kl) != 0)
        return false;
    pk += pl;
    while (*pk == ' ') {
        pk++;
        if (end >= n)
            return false;
        size_t i = end + 1;
        end = token_end(s, n, i);
        char k[TEXT_KEY_SIZE(64)];
        size_t l = text_token_key(s + i, end - i > 64 ? 64 : end - i, k, sizeof k);
        pl = strcspn(pk, " ");
        if (pl != l || memcmp(pk, k, l) != 0)
            return false;
        pk += pl;
    }
    *stop = end;
    return true;
}

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
    TK("ano", "ano"),
    /* Nordic and other forms written as one word (A/S, AB, Oy; Brazilian
     * Ltda, French SAS, Japanese KK) */
    TK("as", "as"),     TK("aksjeselskap", "as"), TK("aktieselskab", "as"), TK("asa", "as"),
    TK("aktiebolag", "ab"), TK("osakeyhtio", "oy"), TK("ltda", "ltda"), TK("sas", "sas"),
    TK("kk", "kk"),     TK("sdn", "sdn"),    TK("sal", "sa"),
};

static const char *const honorifics[] = {
    "mr", "mrs", "ms", "miss", "mister", "dr", "doctor", "prof", "professor", "sir",
    "dame", "lord", "lady", "sheikh", "shaikh", "shaykh", "sheik", "cheikh", "haji",
    "hajji", "hadji", "haj", "hajj", "alhaji", "alhaj", "mullah", "mulla", "mawlawi",
    "maulvi", "molvi", "molavi", "mawlavi", "maulana", "mawlana", "qari", "hafiz", "hafez",
    "imam", "sayyid", "sayed", "syed", "seyed", "seyyed", "sayyed", "seyyid", "mufti", "ayatollah", "hojatoleslam", "gen",
    "general", "col", "colonel", "maj", "major", "capt", "captain", "lt",
    "lieutenant", "brig", "brigadier", "adm", "admiral", "cmdr", "commander", "sgt",
    "sergeant", "marshal", "rev", "reverend", "bishop", "prince", "princess", "king",
    "queen", "president", "minister", "ambassador", "senator", "judge", "eng",
    "engineer", "hon", "honourable", "excellency",
    /* Burmese: Daw (a woman's), a title before the name, never a name */
    "daw",
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
    /* the first letter settles most comparisons without a strlen */
    return n && w[0] == s[0] && strlen(w) == n && memcmp(w, s, n) == 0;
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

/* A long legal-form word one letter off ("Aktiengesselschaft",
 * "Corporaton", "Limted"): typed by hand on customer files, as common as
 * the correct form. Short forms (ooo, ltd) are too close to names. */
static const char *legal_form_misspelt(const char *token, size_t len)
{
    if (len > 24)
        return NULL;
    for (size_t i = 0; i < KD_ARRAY_LEN(legal_tokens); i++) {
        const legal_token *l = &legal_tokens[i];
        if (l->len < 7 || l->len + 2 < len || len + 2 < l->len || l->text[0] != token[0])
            continue;
        /* one edit, two in words of twelve letters and more */
        if (text__one_edit(l->text, l->len, token, len) || (l->len >= 12 && text_edit_distance(l->text, l->len, token, len, 2) <= 2))
            return l->canonical;
    }
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
 * token when together they spell a legal form, or when three or more spell
 * an acronym ("A.B.C. Company" is "abc company"; scoring reads "jrr" as the
 * initials of "John Ronald Reuel" too); two initials ("J.R.") stay apart.
 * Returns the bytes consumed, 0 when s[i] starts no such run. */
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
    /* Two letters are initials ("S.A. Afanasyev") unless they end the name. */
    if (k == 2)
        for (size_t r = j; r < n; r++)
            if (is_alnum(s[r]))
                return 0;
    return k > 2 || (k > 1 && text_legal_form(word, k)) ? j - i : 0;
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

static bool vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }


/* Arabic compounds written as one word are split where Arabic script
 * writes them apart, so "Abdelkader", "Abd el-Kader" and عبد القادر
 * tokenise alike: abd + article ("abdelkader" → "abd el kader",
 * "abderrahmane" → "abd er rahmane"), name + Allah ("khayrallah" → "khayr
 * allah", "abdullah" → "abd ullah") and name + al-Din ("noureddine" →
 * "nour ed dine", "salahuddin" → "salah ud din"); "abdul" and "abdur"
 * alone split as they do in a compound. The parts go to out,
 * space separated (n + 2 bytes at most); returns their length, or 0. */
static size_t arabic_compound(const char *t, size_t n, char *out)
{
    size_t cut1 = 0, cut2 = 0; /* where spaces go */
    if ((text__ends_with(t, n, "llah") && n >= 8 && strchr("aeou", t[n - 5])) ||
        (text__ends_with(t, n, "lla") && n >= 7 && strchr("au", t[n - 4]))) {
        cut1 = t[n - 1] == 'h' ? n - 5 : n - 4; /* Isabella, Stella stay */
    } else if (n == 5 && memcmp(t, "abd", 3) == 0 && vowel(t[3]) && strchr("lrsndtz", t[4])) {
        cut1 = 3; /* "Abdul", "Abdur" Rahman, as "Abdulrahman" splits */
    } else if (n >= 9 && memcmp(t, "abd", 3) == 0 && vowel(t[3])) {
        size_t j = vowel(t[4]) ? 5 : 4;
        bool article = t[j] == 'l' && t[j + 1] != 'l';
        bool sun = t[j] == t[j + 1] && strchr("rsntdz", t[j]);
        if ((article || sun) && n - (j + 1) >= 4) /* Abdulov, Abdoulaye stay */
            cut1 = 3, cut2 = j + 1;
    } else {
        size_t k = text__ends_with(t, n, "dine") || text__ends_with(t, n, "deen") ? 4
                   : text__ends_with(t, n, "din")                          ? 3
                                                                      : 0;
        /* ...[vowel][d|l]din: Borodin, Baldin stay */
        if (k && n >= k + 2 && (t[n - k - 1] == 'd' || t[n - k - 1] == 'l') &&
            vowel(t[n - k - 2]) && (n - k - 2 == 0 || n - k - 2 >= 3))
            cut1 = n - k - 2, cut2 = n - k;
    }
    if (cut1 == 0 && cut2 == 0)
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if ((i == cut1 && i > 0) || (i == cut2 && cut2 > 0))
            out[o++] = ' ';
        out[o++] = t[i];
    }
    return o;
}

/* Pass 2: legal forms → canonical tokens. */
static int canonicalise(const char *s, size_t n, const text_legal_keys *lk, buf *out)
{
    if (buf_reserve(out, n))
        return KD_ENOMEM;
    size_t i = 0;
    while (i < n) {
        size_t end = token_end(s, n, i), len = end - i;
        const char *canon = NULL;
        if (len > 1 && s[i] >= 'a' && s[i] <= 'z' && s[i + 1] >= 'a' && s[i + 1] <= 'z' &&
            lk->first_pairs[(s[i] - 'a') * 26 + (s[i + 1] - 'a')]) {
            char key[TEXT_KEY_SIZE(64)];
            size_t kl = text_token_key(s + i, len > 64 ? 64 : len, key, sizeof key);
            for (size_t p = 0; p < KD_ARRAY_LEN(legal_phrases) && !canon; p++)
                if (phrase_at(lk->keys.data + lk->off[p], key, kl, s, n, end, &end))
                    canon = legal_phrases[p].canonical;
        }
        char parts[64 + 2];
        size_t pl = !canon && len >= 5 && len <= 64 ? arabic_compound(s + i, len, parts) : 0;
        if (!canon && !pl)
            canon = text_legal_form(s + i, len);
        if (!canon && !pl && len >= 6)
            canon = legal_form_misspelt(s + i, len);
        if (out->len && buf_append_char(out, ' '))
            return KD_ENOMEM;
        if (pl ? buf_append(out, parts, pl)
               : canon ? buf_append_str(out, canon) : buf_append(out, s + i, len))
            return KD_ENOMEM;
        i = end < n ? end + 1 : n;
    }
    return KD_OK;
}

int text__ascii_form(const char *s, size_t n, const text_legal_keys *lk, buf *form, buf *tmp)
{
    buf_clear(form);
    buf_clear(tmp);
    int rc = split((const unsigned char *)s, n, tmp);
    if (rc)
        return rc;
    return canonicalise(tmp->data ? tmp->data : "", tmp->len, lk, form);
}

/* An unclosed parenthesis (lists have them) runs to the end. */
bool text_split_parenthetical(const char *text, buf *outside, buf *inside)
{
    const char *open = strchr(text, '(');
    if (!open)
        return false;
    const char *close = strchr(open, ')');
    const char *end = close ? close : open + strlen(open);
    buf_clear(outside);
    buf_clear(inside);
    if (buf_append(inside, open + 1, (size_t)(end - open - 1)) ||
        buf_append(outside, text, (size_t)(open - text)) ||
        (close && buf_append_str(outside, close + 1)))
        return false;
    const char *a = inside->data, *b = outside->data;
    if (!a || !b)
        return false;
    size_t in = text_trim(&a, inside->len);
    if (in <= 1 || text_trim(&b, outside->len) <= 1)
        return false;
    /* A legal form in brackets ("(PTY) LTD", "S.A.L. (OFFSHORE)" aside)
     * is the body's form, not a second name every such body would share */
    if (in <= 16) {
        char letters[17];
        size_t k = 0;
        for (size_t i = 0; i < in; i++)
            if ((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z'))
                letters[k++] = (char)(a[i] | 0x20);
        if (k && text_legal_form(letters, k))
            return false;
    }
    /* One short word in brackets is a gloss ("(Power)"), not a short name;
     * a short name is several words, a long word, or an acronym. */
    if (!memchr(a, ' ', in) && in < 8) {
        for (size_t i = 0; i < in; i++)
            if (a[i] >= 'a' && a[i] <= 'z')
                return false;
    }
    return true;
}
