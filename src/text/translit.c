/* Romanised forms of a name through ICU transliteration.
 *
 * Each "chain" is one ICU rule-based transliterator ending in the same fold
 * to ASCII. Which chains run depends on the scripts found in the name: a
 * Cyrillic name gets the Russian BGN spelling lists mostly use plus an
 * ISO-like one, and Ukrainian or Belarusian BGN only when their letters show
 * (running them on Russian gives wrong readings: "Evhenyy PRYMAKOV"). ICU
 * compiles a chain in ~10 ms, so chains are opened on first use and kept. */
#include "text_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* Every chain ends in Any-Latin and Latin-ASCII, filtered to non-ASCII:
 * unfiltered they cost ~3x as much, mostly walking the ASCII that BGN has
 * already produced. What they leave (ə, ʿ, BGN's middle dot, modifier
 * letters) is settled in C by to_ascii; the soft and hard sign primes are
 * kept from Latin-ASCII, which would turn ʺ into a quote mark and split
 * "ob"yedineniye" in two. */
#define TO_LATIN                                                               \
    ":: [^[:ASCII:]] Any-Latin; :: [^[:ASCII:]\\u02B9\\u02BA] Latin-ASCII;"
/* Arabic script before BGN: a word-initial alef is a vowel BGN would drop
 * (أحمد → "hmd"), hamza seats become plain alef, ta marbuta reads -a, the
 * Urdu-keyboard hehs are heh, the article is split off once (الحي → "al
 * hy", عبدالحميد → "abd al hmyd", الالفي → "al alfy") and Allah kept whole
 * (عبدالله → "abd allah"). */
#define ARABIC_PRE                                                             \
    "ة > a; الله > allah; ھ > ه; ہ > ه;"                                       \
    "[^[:L:][:M:]] { عبدالله > 'abd allah'; ^ عبدالله > 'abd allah';"           \
    "[^[:L:][:M:]] { عبدال } [:L:] > 'abd al '; ^ عبدال } [:L:] > 'abd al ';"   \
    "[^[:L:][:M:]] { الال } [:L:] > 'al al'; ^ الال } [:L:] > 'al al';"         \
    "[^[:L:][:M:]] { ال } [:L:] > 'al '; ^ ال } [:L:] > 'al ';"                 \
    "[^[:L:][:M:]] { [اأإآٱ] > a; ^ [اأإآٱ] > a; [أإآٱ] > ا;"
/* BGN writes ayn as a left quote, which Latin-ASCII would make an
 * apostrophe; lists write it as a vowel (ʿAbd → Abd). */
#define ARABIC_POST "\u2018 > a; " TO_LATIN

enum chain {
    CH_RUSSIAN,    /* Russian-Latin/BGN */
    CH_UKRAINIAN,  /* Ukrainian-Latin/BGN */
    CH_BELARUSIAN, /* Belarusian-Latin/BGN */
    CH_ARABIC,     /* Arabic-Latin/BGN */
    CH_PERSIAN,    /* Persian-Latin/BGN */
    CH_SKELETON,   /* Arabic script without short vowels, و as u */
    CH_GREEK,      /* Greek-Latin/UNGEGN: modern Greek as Greeks romanise it */
    CH_INDIC,      /* Any-Latin (ISO 15919) with ś ṣ as sh and c as ch */
    CH_ANY,        /* Any-Latin, Latin-ASCII: Latin, Greek, ISO 9 Cyrillic... */
    CH_LATIN,      /* Latin-ASCII alone: Latin with diacritics, no other script */
    CH_COUNT
};

static const char *const chain_rules[CH_COUNT] = {
    [CH_RUSSIAN] = ":: Russian-Latin/BGN; " TO_LATIN,
    [CH_UKRAINIAN] = ":: Ukrainian-Latin/BGN; " TO_LATIN,
    [CH_BELARUSIAN] = ":: Belarusian-Latin/BGN; " TO_LATIN,
    [CH_ARABIC] = ARABIC_PRE ":: Arabic-Latin/BGN; " ARABIC_POST,
    [CH_PERSIAN] = ARABIC_PRE ":: Persian-Latin/BGN; " ARABIC_POST,
    /* yeh after a letter is the long vowel i unless a vowel follows it
     * (علی Ali, لاریجانی Larijani; بيان Bayan) */
    [CH_SKELETON] = ":: [\\u064B-\\u065F\\u0670] Remove; " ARABIC_PRE "و > u; "
                    "[:L:] { [يی] } [اآوي] > y; [:L:] { [يی] > i; " ARABIC_POST,
    [CH_GREEK] = ":: Greek-Latin/UNGEGN; " TO_LATIN,
    /* ISO 15919 writes श ष as ś ṣ and च as c, which Latin-ASCII would
     * flatten to s and c; names write them sh and ch (Sheikh, Chand). A
     * long ā is kept apart (aa) from the vowel every consonant carries
     * until indic_final_vowels has seen it. */
    [CH_INDIC] = ":: [^[:ASCII:]] Any-Latin; ś > sh; ṣ > sh; ch > ch; c > ch; ā > aa;"
                 ":: [^[:ASCII:]\\u02B9\\u02BA] Latin-ASCII;",
    [CH_ANY] = TO_LATIN,
    /* Any-Latin dispatches on every character's script, which costs
     * several times Latin-ASCII on text that is Latin already. */
    [CH_LATIN] = ":: [^[:ASCII:]] Latin-ASCII;",
};

/* Letters rewritten in C before a chain runs, where one Unicode letter
 * becomes a digraph that Latin-ASCII would flatten to one letter. */
typedef struct digraph {
    UChar from;
    const char *to;
} digraph;

/* Cyrillic before Any-Latin: ISO 9 with the digraphs lists use, so the
 * form reads "evgenij aleksandrovich", "kuznetsov", "vjacheslav" (not
 * "...ovic", "kuznecov", "vacheslav"). */
static const digraph iso_digraphs[] = {
    {0x0436, "zh"}, {0x0446, "ts"}, {0x0447, "ch"}, {0x0448, "sh"},
    {0x0449, "shch"}, {0x044F, "ja"}, {0x044E, "ju"}, {0},
};
/* Latin letters with háček, cedilla or breve: "Miloševič" → "milosevich",
 * Turkish/Azerbaijani ş ç ğ → sh ch gh. */
static const digraph latin_digraphs[] = {
    {0x0161, "sh"}, {0x010D, "ch"}, {0x017E, "zh"}, {0x015D, "shch"}, {0x0109, "ch"},
    {0x015F, "sh"}, {0x00E7, "ch"}, {0x011F, "gh"}, {0x0107, "ch"},   {0x015B, "sh"},
    {0x017A, "zh"}, {0x017C, "zh"}, {0x0163, "ts"}, {0x021B, "ts"},   {0},
};
/* Persian as Iranians write it in Latin: qaf and ghain are both "gh"
 * (آقاجانی Aghajani, قاسم Ghasem), where BGN writes q. */
static const digraph persian_digraphs[] = {
    {0x0642, "gh"}, {0x063A, "gh"}, {0},
};
/* Armenian as Armenians romanise it (Ghazaryan, Khachatryan, Tsarukyan),
 * where ISO 9985 writes ġ x č ǰ c ch č ž š, which Latin-ASCII would
 * flatten further. */
static const digraph armenian_digraphs[] = {
    {0x0572, "gh"}, {0x056D, "kh"}, {0x0573, "ch"}, {0x057B, "j"},  {0x056E, "ts"},
    {0x0581, "ts"}, {0x0579, "ch"}, {0x056A, "zh"}, {0x0577, "sh"}, {0},
};
/* Hebrew writes vowels only as the letters vav and yod, which Any-Latin
 * reads as the consonants w and y (נתניהו → "ntnyhw"); read as vowels,
 * the word keys as its Latin spelling does (Netanyahu), and alef and ayin
 * are vowel seats. */
static const digraph hebrew_digraphs[] = {
    {0x05D5, "o"}, {0x05D9, "i"}, {0x05D0, "a"}, {0x05E2, "a"}, {0},
};
/* Azerbaijani (told by ə): x is kh, Xəlilov = Khalilov. */
static const digraph azeri_digraphs[] = {
    {0x0161, "sh"}, {0x010D, "ch"}, {0x017E, "zh"}, {0x015F, "sh"}, {0x00E7, "ch"},
    {0x011F, "gh"}, {'x', "kh"},    {0},
};

/* Han characters transliterated one at a time, remembered: ICU's Han-Latin
 * is by far its slowest transliterator (hundreds of microseconds a name),
 * its output is per character anyway ("jin zheng en"), and names reuse few
 * characters. */
#define HAN_CACHE 4096
typedef struct han_entry {
    UChar ch;
    char latin[14];
} han_entry;

/* Transliterations of single words, by chain: names repeat their words
 * (a text scanner asks for every window of a run of capitalised words,
 * a screening batch for the same given names), and ICU's rules cost
 * microseconds a word. Direct-mapped; a clash replaces. */
#define WORD_CACHE 1024
#define WORD_CACHE_IN 24
#define WORD_CACHE_OUT 64
typedef struct word_entry {
    uint64_t hash; /* of chain and input, 0 = empty */
    uint16_t in_len, out_len;
    UChar in[WORD_CACHE_IN], out[WORD_CACHE_OUT];
} word_entry;

struct text_normaliser {
    UTransliterator *chain[CH_COUNT];
    word_entry *words; /* WORD_CACHE entries, allocated on first use */
    UChar *trans;      /* the chain's output, built word by word */
    int32_t trans_cap;
    han_entry *han;
    const UNormalizer2 *nfkc_cf; /* owned by ICU */
    UChar *norm, *work;
    int32_t norm_cap, work_cap;
    buf aux, form, tmp;
    text_legal_keys legal;
};

int text_normaliser_new(text_normaliser **out, kd_error *err)
{
    *out = NULL;
    text_normaliser *n = calloc(1, sizeof *n);
    if (!n)
        return error_set(err, KD_ENOMEM, "text normaliser: out of memory");
    UErrorCode st = U_ZERO_ERROR;
    n->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        free(n);
        return error_set(err, KD_EFORMAT, "ICU NFKC_Casefold unavailable: %s", u_errorName(st));
    }
    if (text__legal_keys_init(&n->legal)) {
        text_normaliser_free(n);
        return error_set(err, KD_ENOMEM, "text normaliser: out of memory");
    }
    *out = n;
    return KD_OK;
}

int text_normaliser_clone(const text_normaliser *src, text_normaliser **out, kd_error *err)
{
    int rc = text_normaliser_new(out, err);
    if (rc)
        return rc;
    for (int c = 0; c < CH_COUNT; c++) {
        if (!src->chain[c])
            continue;
        UErrorCode st = U_ZERO_ERROR;
        (*out)->chain[c] = utrans_clone(src->chain[c], &st);
        if (U_FAILURE(st)) {
            text_normaliser_free(*out);
            *out = NULL;
            return error_set(err, KD_ENOMEM, "ICU transliterator clone: %s", u_errorName(st));
        }
    }
    return KD_OK;
}

void text_normaliser_free(text_normaliser *n)
{
    if (!n)
        return;
    for (int c = 0; c < CH_COUNT; c++)
        if (n->chain[c])
            utrans_close(n->chain[c]);
    free(n->words);
    free(n->trans);
    free(n->han);
    free(n->norm);
    free(n->work);
    buf_free(&n->aux);
    buf_free(&n->form);
    buf_free(&n->tmp);
    text__legal_keys_free(&n->legal);
    free(n);
}

static int grow_uchars(UChar **p, int32_t *cap, int64_t need)
{
    if (need <= *cap)
        return KD_OK;
    if (need > INT32_MAX / 2)
        return KD_ELIMIT;
    UChar *q = realloc(*p, (size_t)need * sizeof **p);
    if (!q)
        return KD_ENOMEM;
    *p = q;
    *cap = (int32_t)need;
    return KD_OK;
}

static UTransliterator *chain_get(text_normaliser *n, enum chain c)
{
    if (n->chain[c])
        return n->chain[c];
    const char *rules = chain_rules[c];
    int32_t len = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(NULL, 0, &len, rules, -1, &st);
    UChar *u = malloc(((size_t)len + 1) * sizeof *u);
    if (!u)
        return NULL;
    st = U_ZERO_ERROR;
    u_strFromUTF8(u, len + 1, NULL, rules, -1, &st);
    UChar id[] = {'k', 'o', 'r', 'd', 'o', 'n', 0};
    UParseError pe;
    n->chain[c] = utrans_openU(id, -1, UTRANS_FORWARD, u, len, &pe, &st);
    free(u);
    return U_SUCCESS(st) ? n->chain[c] : NULL;
}

typedef struct chain_pass {
    enum chain chain;
    const digraph *dg;
} chain_pass;

/* The chain's input: n->norm, with digraphs applied when given. */
static int chain_input(text_normaliser *n, int32_t nlen, const digraph *dg, int64_t cap,
                       int32_t *len)
{
    int rc = grow_uchars(&n->work, &n->work_cap, cap);
    if (rc)
        return rc;
    if (!dg) {
        memcpy(n->work, n->norm, (size_t)nlen * sizeof *n->work);
        *len = nlen;
        return KD_OK;
    }
    int32_t o = 0;
    for (int32_t i = 0; i < nlen; i++) {
        const char *to = NULL;
        for (const digraph *d = dg; d->from && !to; d++)
            if (d->from == n->norm[i])
                to = d->to;
        if (!to)
            n->work[o++] = n->norm[i];
        else
            while (*to)
                n->work[o++] = (UChar)*to++;
    }
    *len = o;
    return KD_OK;
}

/* Transliterated text → ASCII for the tokeniser: what the chain left
 * non-ASCII either joins (marks, modifier letters, ayn ʿ and ə read as a
 * vowel, BGN's disambiguating middle dot) or separates (punctuation). */
static int to_ascii(const UChar *u, int32_t len, buf *out)
{
    buf_clear(out);
    if (buf_reserve(out, (size_t)len + 1))
        return KD_ENOMEM;
    char *o = out->data;
    size_t k = 0;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U16_NEXT(u, i, len, c);
        if (c < 0x80) {
            o[k++] = (char)c;
        } else if (c == 0x02BF || c == 0x02BE || c == 0x0259) {
            o[k++] = 'a';
        } else if (c != 0x00B7) {
            int8_t t = u_charType(c);
            bool joins = (t >= U_UPPERCASE_LETTER && t <= U_COMBINING_SPACING_MARK) ||
                         t == U_MODIFIER_SYMBOL || t == U_FORMAT_CHAR;
            if (!joins)
                o[k++] = ' ';
        }
    }
    out->len = k;
    o[k] = '\0';
    return KD_OK;
}

/* Runs one chain over n->norm (nlen units) and appends the resulting form
 * to out unless empty or already there. Returns 1 when added, 0 if not. */
/* Transliterates u[0, *len) in place (u holds cap units); KD_ELIMIT when
 * the result would not fit. */
static int translit(UTransliterator *t, UChar *u, int32_t *len, int32_t cap)
{
    int32_t limit = *len;
    UErrorCode st = U_ZERO_ERROR;
    utrans_transUChars(t, u, len, cap, 0, &limit, &st);
    return st == U_BUFFER_OVERFLOW_ERROR ? KD_ELIMIT : U_FAILURE(st) ? KD_EPARSE : KD_OK;
}

static uint64_t word_hash(enum chain c, const UChar *u, int32_t len)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)c;
    for (int32_t i = 0; i < len; i++)
        h = (h ^ u[i]) * 1099511628211ull;
    return h | 1;
}

/* Appends the word's transliteration to n->trans at *at. The chains'
 * rules read no context across a space, so a name transliterates word by
 * word as it does whole. */
static int trans_word(text_normaliser *n, enum chain c, UTransliterator *t, const UChar *w, int32_t wlen,
                      int32_t *at)
{
    word_entry *e = NULL;
    uint64_t h = 0;
    if (wlen <= WORD_CACHE_IN) {
        if (!n->words && !(n->words = calloc(WORD_CACHE, sizeof *n->words)))
            return KD_ENOMEM;
        h = word_hash(c, w, wlen);
        e = &n->words[(h ^ (h >> 29)) % WORD_CACHE];
        if (e->hash == h && e->in_len == wlen && memcmp(e->in, w, (size_t)wlen * sizeof *w) == 0) {
            int rc = grow_uchars(&n->trans, &n->trans_cap, (int64_t)*at + e->out_len + 1);
            if (rc)
                return rc;
            memcpy(n->trans + *at, e->out, (size_t)e->out_len * sizeof *e->out);
            *at += e->out_len;
            return KD_OK;
        }
    }
    for (int64_t cap = (int64_t)wlen * 4 + 16;; cap *= 2) {
        int rc = grow_uchars(&n->trans, &n->trans_cap, (int64_t)*at + cap);
        if (rc)
            return rc;
        int32_t len = wlen;
        memcpy(n->trans + *at, w, (size_t)wlen * sizeof *w);
        rc = translit(t, n->trans + *at, &len, (int32_t)cap);
        if (rc == KD_ELIMIT)
            continue;
        if (rc)
            return rc;
        if (e && len <= WORD_CACHE_OUT) {
            e->hash = h;
            e->in_len = (uint16_t)wlen;
            e->out_len = (uint16_t)len;
            memcpy(e->in, w, (size_t)wlen * sizeof *w);
            memcpy(e->out, n->trans + *at, (size_t)len * sizeof *e->out);
        }
        *at += len;
        return KD_OK;
    }
}

static int run_chain(text_normaliser *n, enum chain c, const digraph *dg, int32_t nlen, buf *out)
{
    UTransliterator *t = chain_get(n, c);
    if (!t)
        return KD_EPARSE;
    int32_t in_len;
    int rc = chain_input(n, nlen, dg, (int64_t)nlen * 4 + 64, &in_len);
    if (rc)
        return rc;
    /* word by word, spaces kept as they are */
    int32_t len = 0;
    for (int32_t i = 0; i < in_len;) {
        int32_t j = i;
        while (j < in_len && n->work[j] != ' ')
            j++;
        if (j > i && (rc = trans_word(n, c, t, n->work + i, j - i, &len)))
            return rc;
        for (; j < in_len && n->work[j] == ' '; j++) {
            if ((rc = grow_uchars(&n->trans, &n->trans_cap, (int64_t)len + 1)))
                return rc;
            n->trans[len++] = ' ';
        }
        i = j;
    }
    if (to_ascii(n->trans, len, &n->aux) ||
        text__ascii_form(n->aux.data, n->aux.len, &n->legal, &n->form, &n->tmp))
        return KD_ENOMEM;
    if (n->form.len == 0)
        return 0;
    for (size_t i = 0; i < out->len; i += strlen(out->data + i) + 1)
        if (strcmp(out->data + i, n->form.data) == 0)
            return 0;
    return buf_append(out, n->form.data, n->form.len + 1) ? KD_ENOMEM : 1;
}

/* Letters that decide which chains run. */
typedef struct scripts {
    bool cyrillic, arabic, greek;
    bool uk_letter, be_letter, ru_only, i_letter;
    bool digraph, schwa;
    bool other; /* a letter of a script that is neither Latin, Cyrillic nor Arabic */
    bool non_han; /* such a letter that is not Han */
    bool hangul;  /* a Hangul syllable */
    bool indic, armenian, hebrew;
    bool non_cjk; /* such a letter that is neither Han nor a Hangul syllable */
} scripts;

static scripts scan(const UChar *u, int32_t len)
{
    scripts s = {0};
    for (int32_t i = 0; i < len; i++) {
        UChar c = u[i];
        if (c < 0x80)
            continue;
        if (c >= 0x0400 && c <= 0x052F) {
            s.cyrillic = true;
            s.i_letter |= c == 0x0456;                                 /* і */
            s.uk_letter |= c == 0x0457 || c == 0x0454 || c == 0x0491;  /* ї є ґ */
            s.be_letter |= c == 0x045E;                                /* ў */
            s.ru_only |= c == 0x044B || c == 0x044D || c == 0x0451 || c == 0x044A; /* ы э ё ъ */
        } else if ((c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
                   (c >= 0x08A0 && c <= 0x08FF)) {
            s.arabic = true;
        } else {
            /* Latin-1, Latin Extended-A/B, IPA, combining marks, Latin
             * Extended Additional; general punctuation (‘ ’) is harmless */
            bool latin = c < 0x0370 || (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0x2000 && c <= 0x206F);
            bool han = (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF);
            bool syllable = c >= 0xAC00 && c <= 0xD7A3;
            s.greek |= (c >= 0x0370 && c <= 0x03FF) || (c >= 0x1F00 && c <= 0x1FFF);
            s.other |= !latin;
            s.non_han |= !latin && !han;
            s.hangul |= syllable;
            s.non_cjk |= !latin && !han && !syllable;
            s.schwa |= c == 0x0259;
            s.indic |= c >= 0x0900 && c <= 0x0DFF;
            s.armenian |= c >= 0x0530 && c <= 0x058F;
            s.hebrew |= c >= 0x0590 && c <= 0x05FF;
            /* š č ž ŝ ĉ ş ç ğ ć ś ź ż ţ ț */
            static const UChar dg[] = {0x0161, 0x010D, 0x017E, 0x015D, 0x0109, 0x015F, 0x00E7,
                                       0x011F, 0x0107, 0x015B, 0x017A, 0x017C, 0x0163, 0x021B};
            for (size_t k = 0; k < sizeof dg / sizeof *dg; k++)
                s.digraph |= c == dg[k];
        }
    }
    return s;
}

/* The Latin of one Han character, from the cache or ICU (NULL on error). */
static const char *han_latin(text_normaliser *n, UChar ch)
{
    if (!n->han && !(n->han = calloc(HAN_CACHE, sizeof *n->han)))
        return NULL;
    size_t h0 = (ch * 2654435761u) & (HAN_CACHE - 1), h = h0;
    han_entry *e = &n->han[h0]; /* evicted when the probe run is full */
    for (size_t probe = 0; probe < 8; probe++, h = (h + 1) & (HAN_CACHE - 1)) {
        if (n->han[h].ch == ch)
            return n->han[h].latin;
        if (n->han[h].ch == 0) {
            e = &n->han[h];
            break;
        }
    }
    UTransliterator *t = chain_get(n, CH_ANY);
    if (!t)
        return NULL;
    UChar u[32] = {ch};
    int32_t len = 1, limit = 1;
    UErrorCode st = U_ZERO_ERROR;
    utrans_transUChars(t, u, &len, 32, 0, &limit, &st);
    if (U_FAILURE(st))
        return NULL;
    int32_t k = 0;
    for (int32_t i = 0; i < len && k < 12; i++)
        if (u[i] < 0x80)
            e->latin[k++] = (char)u[i];
    e->latin[k] = '\0';
    e->ch = ch;
    return e->latin;
}

/* Words of Chinese company names that the lists give in translation
 * ("巨航航空科技（深圳）有限公司" is "Juhang Aviation Technology Shenzhen Co.
 * Limited"), read as the English word instead of syllable by syllable;
 * the longest first. Simplified and traditional characters. Compiled for
 * kordon from the usual English of these terms; public domain. */
static const struct {
    const UChar text[8];
    const char *english;
} han_words[] = {
    {{0x80A1, 0x4EFD, 0x6709, 0x9650, 0x516C, 0x53F8}, "company limited"}, /* 股份有限公司 */
    {{0x6709, 0x9650, 0x8D23, 0x4EFB, 0x516C, 0x53F8}, "company limited"}, /* 有限责任公司 */
    {{0x6709, 0x9650, 0x8CAC, 0x4EFB, 0x516C, 0x53F8}, "company limited"}, /* 有限責任公司 */
    {{0x6709, 0x9650, 0x516C, 0x53F8}, "company limited"},                 /* 有限公司 */
    {{0x8FDB, 0x51FA, 0x53E3}, "import export"},                           /* 进出口 */
    {{0x9032, 0x51FA, 0x53E3}, "import export"},                           /* 進出口 */
    {{0x7814, 0x7A76, 0x6240}, "research institute"},                      /* 研究所 */
    {{0x53D1, 0x52A8, 0x673A}, "engine"},                                  /* 发动机 */
    {{0x516C, 0x53F8}, "company"},       {{0x96C6, 0x56E2}, "group"},       /* 公司 集团 */
    {{0x96C6, 0x5718}, "group"},         {{0x79D1, 0x6280}, "technology"},  /* 集團 科技 */
    {{0x6280, 0x672F}, "technology"},    {{0x6280, 0x8853}, "technology"},  /* 技术 技術 */
    {{0x7535, 0x5B50}, "electronic"},    {{0x96FB, 0x5B50}, "electronic"},  /* 电子 電子 */
    {{0x822A, 0x7A7A}, "aviation"},      {{0x822A, 0x5929}, "aerospace"},   /* 航空 航天 */
    {{0x56FD, 0x9645}, "international"}, {{0x570B, 0x969B}, "international"}, /* 国际 國際 */
    {{0x8D38, 0x6613}, "trade"},         {{0x8CBF, 0x6613}, "trade"},       /* 贸易 貿易 */
    {{0x5546, 0x8D38}, "trade"},         {{0x7269, 0x6D41}, "logistics"},   /* 商贸 物流 */
    {{0x5B9E, 0x4E1A}, "industrial"},    {{0x5DE5, 0x4E1A}, "industry"},    /* 实业 工业 */
    {{0x673A, 0x68B0}, "machinery"},     {{0x6A5F, 0x68B0}, "machinery"},   /* 机械 機械 */
    {{0x8BBE, 0x5907}, "equipment"},     {{0x8A2D, 0x5099}, "equipment"},   /* 设备 設備 */
    {{0x6FC0, 0x5149}, "laser"},         {{0x80FD, 0x6E90}, "energy"},      /* 激光 能源 */
    {{0x77F3, 0x6CB9}, "oil"},           {{0x5316, 0x5DE5}, "chemical"},    /* 石油 化工 */
    {{0x822A, 0x8FD0}, "shipping"},      {{0x6D77, 0x8FD0}, "shipping"},    /* 航运 海运 */
    {{0x63A7, 0x80A1}, "holding"},       {{0x6295, 0x8D44}, "investment"},  /* 控股 投资 */
    {{0x53D1, 0x5C55}, "development"},   {{0x670D, 0x52A1}, "services"},    /* 发展 服务 */
    {{0x5927, 0x5B66}, "university"},    {{0x9999, 0x6E2F}, "hong kong"},   /* 大学 香港 */
    {{0x4E2D, 0x56FD}, "china"},         {{0x4E2D, 0x570B}, "china"},       /* 中国 中國 */
};

/* The han_words entry that starts at u (of at most len units), or -1. */
static int han_word_at(const UChar *u, int32_t len)
{
    int best = -1;
    int32_t best_len = 0;
    for (size_t w = 0; w < sizeof han_words / sizeof *han_words; w++) {
        int32_t k = 0;
        while (k < 8 && han_words[w].text[k])
            k++;
        if (k > best_len && k <= len && memcmp(u, han_words[w].text, (size_t)k * sizeof *u) == 0)
            best = (int)w, best_len = k;
    }
    return best;
}

static int32_t han_word_len(int w)
{
    int32_t k = 0;
    while (k < 8 && han_words[w].text[k])
        k++;
    return k;
}

/* A name whose only non-ASCII letters are Han: each character replaced by
 * its Latin and a space (a company word by its English), in n->norm, ready
 * for the Latin chain. */
static int han_expand(text_normaliser *n, int32_t *nlen)
{
    int rc = grow_uchars(&n->work, &n->work_cap, (int64_t)*nlen * 16 + 16);
    if (rc)
        return rc;
    int32_t o = 0;
    for (int32_t i = 0; i < *nlen; i++) {
        UChar c = n->norm[i];
        if (c < 0x3400) {
            n->work[o++] = c;
            continue;
        }
        int w = han_word_at(n->norm + i, *nlen - i);
        if (w >= 0) {
            n->work[o++] = ' ';
            for (const char *e = han_words[w].english; *e; e++)
                n->work[o++] = (UChar)*e;
            n->work[o++] = ' ';
            i += han_word_len(w) - 1;
            continue;
        }
        const char *latin = han_latin(n, c);
        if (!latin)
            return KD_EPARSE;
        n->work[o++] = ' ';
        while (*latin)
            n->work[o++] = (UChar)*latin++;
        n->work[o++] = ' ';
    }
    if ((rc = grow_uchars(&n->norm, &n->norm_cap, o + 1)))
        return rc;
    memcpy(n->norm, n->work, (size_t)o * sizeof *n->norm);
    *nlen = o;
    return KD_OK;
}

/* Korean names in Hangul as the lists romanise them. A syllable is an
 * initial, a vowel and an optional final (Unicode composes them
 * arithmetically). Two
 * systems: the one North Korean names come in on the lists (McCune-Reischauer
 * without its breves: Kim, Jong, Chol, Pak, Ryong, Tong) and South Korea's
 * Revised Romanization (Gim, Jeong, Cheol, Bak, Deok). */
enum { HANGUL_LISTS, HANGUL_REVISED };

static const char *const hangul_initials[2][19] = {
    {"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"},
    {"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"},
};
static const char *const hangul_vowels[2][21] = {
    {"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u",
     "ui", "i"},
    {"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu",
     "ui", "i"},
};
static const char *const hangul_finals[28] = {"",  "k", "k", "k", "n", "n", "n",  "t", "l", "k",
                                              "m", "l", "l", "l", "p", "l", "m",  "p", "p", "t",
                                              "t", "ng", "t", "t", "k", "t", "p", "t"};

static bool is_syllable(UChar c) { return c >= 0xAC00 && c <= 0xD7A3; }

/* n->norm with every Hangul syllable romanised by `system`, into n->work
 * (returns its length through *wlen). A word of Hangul is a name as Korean
 * writes it. Alone, it is the whole name, a syllable a word as the lists
 * write them (김정은: "kim jong un", 렴영: "ryom yong"). Beside others, a word
 * is a part of the name: the family name and the given name of three
 * syllables or more (the first syllable is the family name), else one part
 * ("광수 이": "kwangsu i"), so that a given name shared with a listed person
 * is one word of the name, not two, and one different syllable of it leaves
 * the name unmatched. */
static int hangul_expand(text_normaliser *n, int32_t nlen, int system, int32_t *wlen)
{
    int rc = grow_uchars(&n->work, &n->work_cap, (int64_t)nlen * 10 + 16);
    if (rc)
        return rc;
    int32_t o = 0, words = 0;
    for (int32_t i = 0; i < nlen; i++)
        words += is_syllable(n->norm[i]) && (i == 0 || !is_syllable(n->norm[i - 1]));
    for (int32_t i = 0; i < nlen;) {
        UChar c = n->norm[i];
        if (!is_syllable(c)) {
            n->work[o++] = c;
            i++;
            continue;
        }
        int32_t run = 0;
        while (i + run < nlen && is_syllable(n->norm[i + run]))
            run++;
        n->work[o++] = ' ';
        /* the first syllable of the given name: after the family name when
         * the word holds both */
        int32_t given_start = run >= 3 || words == 1 ? 1 : 0;
        for (int32_t k = 0; k < run; k++) {
            unsigned index = n->norm[i + k] - 0xAC00;
            const char *parts[3] = {hangul_initials[system][index / 588], hangul_vowels[system][index % 588 / 28],
                                    hangul_finals[index % 28]};
            /* McCune-Reischauer voices k, t, p inside a given name after a
             * vowel, n, l, m or ng (영복 Yong Bok, 영길 Yong Gil, 정각 Jong Gak) */
            if (system == HANGUL_LISTS && k > given_start) {
                unsigned initial = index / 588, before = (n->norm[i + k - 1] - 0xAC00) % 28;
                bool voiced = before == 0 || before == 4 || before == 5 || before == 6 || before == 8 ||
                              before == 16 || before == 21;
                if (voiced && (initial == 0 || initial == 3 || initial == 7))
                    parts[0] = initial == 0 ? "g" : initial == 3 ? "d" : "b";
            }
            for (int p = 0; p < 3; p++)
                for (const char *q = parts[p]; *q; q++)
                    n->work[o++] = (UChar)*q;
            if (words == 1 || (k == 0 && run >= 3))
                n->work[o++] = ' ';
        }
        n->work[o++] = ' ';
        i += run;
    }
    *wlen = o;
    return KD_OK;
}

/* The forms of a name in Hangul (and Han, and Latin): one per system. */
static int hangul_forms(text_normaliser *n, int32_t nlen, buf *out)
{
    UChar *original = malloc(((size_t)nlen + 1) * sizeof *original);
    if (!original)
        return KD_ENOMEM;
    memcpy(original, n->norm, (size_t)nlen * sizeof *original);
    int count = 0, rc = 0;
    for (int system = HANGUL_LISTS; system <= HANGUL_REVISED && rc >= 0; system++) {
        int32_t wlen = 0, len = nlen;
        memcpy(n->norm, original, (size_t)nlen * sizeof *original);
        if ((rc = hangul_expand(n, nlen, system, &wlen)) < 0)
            break;
        if ((rc = grow_uchars(&n->norm, &n->norm_cap, wlen + 1)) < 0)
            break;
        memcpy(n->norm, n->work, (size_t)wlen * sizeof *n->norm);
        len = wlen;
        scripts s = scan(n->norm, len);
        if (s.other && (rc = han_expand(n, &len)) < 0) /* Han beside the Hangul */
            break;
        rc = run_chain(n, CH_LATIN, NULL, len, out);
        if (rc > 0)
            count += rc;
    }
    free(original);
    return rc < 0 ? rc : count;
}

/* The Cyrillic letter a Latin one is mistaken for (after case folding). */
static UChar cyrillic_twin(UChar c)
{
    static const char latin[] = "abcehikmoptxy";
    static const UChar cyr[] = {0x0430, 0x0432, 0x0441, 0x0435, 0x043D, 0x0456, 0x043A,
                                0x043C, 0x043E, 0x0440, 0x0442, 0x0445, 0x0443};
    const char *p = c < 0x80 && c ? strchr(latin, (char)c) : NULL;
    return p ? cyr[p - latin] : 0;
}

static bool is_cyrillic(UChar c) { return c >= 0x0400 && c <= 0x052F; }
static bool is_word(UChar c) { return (c >= 'a' && c <= 'z') || is_cyrillic(c); }

/* Lists type Latin look-alikes into Cyrillic names ("ЗIНЧЕНКО", "Общество
 * C Ограниченной"), which would transliterate to a stray "c" or hide the
 * Ukrainian і. A word mixing both scripts, or a word of look-alikes only
 * between Cyrillic words, is made Cyrillic. */
static void repair_lookalikes(UChar *u, int32_t len)
{
    for (int32_t i = 0; i < len;) {
        if (!is_word(u[i])) {
            i++;
            continue;
        }
        int32_t start = i, cyr = 0, latin = 0, twins = 0;
        for (; i < len && is_word(u[i]); i++) {
            if (is_cyrillic(u[i]))
                cyr++;
            else
                latin++, twins += cyrillic_twin(u[i]) != 0;
        }
        if (latin == 0 || twins < latin)
            continue;
        if (cyr == 0) {
            int32_t p = start - 1, q = i;
            while (p >= 0 && !is_word(u[p]))
                p--;
            while (q < len && !is_word(u[q]))
                q++;
            if (p < 0 || q >= len || !is_cyrillic(u[p]) || !is_cyrillic(u[q]))
                continue;
        }
        for (int32_t k = start; k < i; k++)
            if (!is_cyrillic(u[k]))
                u[k] = cyrillic_twin(u[k]);
    }
}

/* Devanagari and Bengali write a consonant with its vowel a unless marked
 * otherwise, and ISO 15919 spells that a out; Hindi and Bengali do not say
 * it at the end of a word after a single consonant (मिखाइल Mikhail, শেখ
 * Sheikh), only after a cluster (नरेन्द्र Narendra). A long ā (the chain's
 * "aa") is said: it stays, as a. The form from `start` in out, rewritten
 * in place (never longer). */
static int indic_final_vowels(buf *out, size_t start)
{
    size_t len = strlen(out->data + start), o = 0;
    char *f = malloc(len + 1), *w = out->data + start;
    if (!f)
        return KD_ENOMEM;
    memcpy(f, w, len + 1);
    for (size_t i = 0; i < len; i++) {
        bool word_end = i + 1 == len || f[i + 1] == ' ';
        if (f[i] == 'a' && i + 1 < len && f[i + 1] == 'a') {
            w[o++] = 'a';
            i++;
            continue;
        }
        if (word_end && f[i] == 'a' && i >= 2 && f[i - 1] != ' ' && !strchr("aeiou", f[i - 1])) {
            /* the consonant before it: one letter, or a letter and h */
            size_t c = f[i - 1] == 'h' && i >= 3 && !strchr("aeiou ", f[i - 2]) ? i - 2 : i - 1;
            if (c >= 1 && strchr("aeiou", f[c - 1]))
                continue;
        }
        w[o++] = f[i];
    }
    w[o] = '\0';
    out->len = start + o + 1;
    free(f);
    return KD_OK;
}

static bool ascii_only(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* Appends to the count forms in out their readings by other systems, each
 * not there yet: the Russian reading of a name written from Belarusian
 * (text__belarusian_reading), the English reading of one written for
 * German or French readers (text__german_reading, text__french_reading);
 * the new count. */
static int with_readings(text_normaliser *n, buf *out, int count)
{
    static int (*const readers[])(const char *, size_t, buf *) = {
        text__belarusian_reading, text__german_reading,     text__french_reading, text__polish_reading,
        text__indonesian_reading, text__basque_reading, text__somali_reading};
    size_t at = 0, end = out->len;
    int written = count;
    for (int f = 0; f < written && at < end; f++) {
        size_t l = strlen(out->data + at);
        for (size_t r = 0; r < sizeof readers / sizeof *readers; r++) {
            int rc = readers[r](out->data + at, l, &n->aux);
            if (rc < 0)
                return rc;
            bool seen = rc == 0;
            for (size_t i = 0; i < out->len && !seen; i += strlen(out->data + i) + 1)
                seen = strcmp(out->data + i, n->aux.data) == 0;
            if (!seen) {
                /* out may move: the form being read is found again by offset */
                if (buf_append(out, n->aux.data, n->aux.len + 1))
                    return KD_ENOMEM;
                count++;
            }
        }
        at += l + 1;
    }
    return count;
}

int text_name_forms(text_normaliser *n, const char *name, size_t len, buf *out)
{
    buf_clear(out);
    if (len > TEXT_NAME_MAX)
        return KD_ELIMIT;
    if (!utf8_valid(name, len, NULL))
        return KD_EUTF8;
    if (ascii_only(name, len)) {
        if (text__ascii_form(name, len, &n->legal, &n->form, &n->tmp))
            return KD_ENOMEM;
        if (n->form.len == 0)
            return 0;
        if (buf_append(out, n->form.data, n->form.len + 1))
            return KD_ENOMEM;
        return with_readings(n, out, 1);
    }
    /* UTF-8 → UTF-16 never needs more units than bytes. */
    int rc = grow_uchars(&n->work, &n->work_cap, (int64_t)len + 1);
    if (rc)
        return rc;
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8(n->work, n->work_cap, &ulen, name, (int32_t)len, &st);
    if (U_FAILURE(st))
        return KD_EUTF8;
    int32_t nlen;
    for (int64_t cap = (int64_t)ulen + 16;; cap *= 2) {
        if ((rc = grow_uchars(&n->norm, &n->norm_cap, cap)))
            return rc;
        st = U_ZERO_ERROR;
        nlen = unorm2_normalize(n->nfkc_cf, n->work, ulen, n->norm, n->norm_cap, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            cap = nlen > cap ? nlen : cap;
            continue;
        }
        if (U_FAILURE(st))
            return KD_EPARSE;
        break;
    }
    scripts s = scan(n->norm, nlen);
    if (s.cyrillic) {
        repair_lookalikes(n->norm, nlen);
        s = scan(n->norm, nlen);
    }
    chain_pass run[8]; /* Cyrillic takes 3 at most, Arabic 4 */
    int nrun = 0;
    if (s.cyrillic) {
        run[nrun++] = (chain_pass){CH_RUSSIAN, NULL};
        run[nrun++] = (chain_pass){CH_ANY, iso_digraphs};
        if ((s.i_letter || s.uk_letter) && !s.ru_only && !s.be_letter)
            run[nrun++] = (chain_pass){CH_UKRAINIAN, NULL};
        if (s.be_letter || (s.i_letter && s.ru_only))
            run[nrun++] = (chain_pass){CH_BELARUSIAN, NULL};
    }
    if (s.arabic) {
        run[nrun++] = (chain_pass){CH_ARABIC, NULL};
        run[nrun++] = (chain_pass){CH_PERSIAN, NULL};
        run[nrun++] = (chain_pass){CH_SKELETON, NULL};
        run[nrun++] = (chain_pass){CH_PERSIAN, persian_digraphs};
    }
    /* Any-Latin reads Greek as the ancient language (β → b, η → e); names
     * are modern Greek (Vladimir, Mitsotakis): both forms */
    if (s.greek && !s.cyrillic && !s.arabic) {
        run[nrun++] = (chain_pass){CH_GREEK, NULL};
        run[nrun++] = (chain_pass){CH_ANY, NULL};
    }
    if (nrun == 0 && s.hangul && !s.non_cjk) {
        int count = hangul_forms(n, nlen, out);
        if (count < 0)
            buf_clear(out);
        return count;
    }
    if (nrun == 0 && s.other && !s.non_han) {
        if ((rc = han_expand(n, &nlen)))
            return rc;
        s.other = false;
    }
    if (nrun == 0 && s.indic) {
        run[nrun++] = (chain_pass){CH_INDIC, NULL};
    } else if (nrun == 0) {
        enum chain c = s.other ? CH_ANY : CH_LATIN;
        run[nrun++] = (chain_pass){c, NULL};
        if (s.armenian)
            run[nrun++] = (chain_pass){c, armenian_digraphs};
        if (s.hebrew)
            run[nrun++] = (chain_pass){c, hebrew_digraphs};
        if (s.schwa)
            run[nrun++] = (chain_pass){c, azeri_digraphs};
        else if (s.digraph)
            run[nrun++] = (chain_pass){c, latin_digraphs};
    }
    int count = 0;
    for (int i = 0; i < nrun; i++) {
        size_t start = out->len;
        rc = run_chain(n, run[i].chain, run[i].dg, nlen, out);
        if (rc > 0 && run[i].chain == CH_INDIC)
            rc = indic_final_vowels(out, start) ? KD_ENOMEM : rc;
        if (rc < 0) {
            buf_clear(out);
            return rc;
        }
        count += rc;
    }
    /* a Latin name written from Belarusian (Cyrillic ones have their
     * Russian reading from the chains) */
    return s.cyrillic || s.arabic ? count : with_readings(n, out, count);
}
