/* Words of free text with offsets into the original bytes. Markup is
 * skipped rather than removed, so offsets stay true to the input. */
#include "scan.h"
#include "text/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* ASCII classes without the C library's locale tables: the tokenizer asks
 * them of every byte of the text, and the text is read as UTF-8 whatever
 * the process locale. */
static inline bool ascii_upper(unsigned c) { return c - 'A' < 26u; }
static inline bool ascii_alnum(unsigned c) { return (c | 0x20u) - 'a' < 26u || c - '0' < 10u; }
/* The same as a table, for the loop that reads every letter of a text. */
#define R10(c) [c] = 1, [(c) + 1] = 1, [(c) + 2] = 1, [(c) + 3] = 1, [(c) + 4] = 1, \
               [(c) + 5] = 1, [(c) + 6] = 1, [(c) + 7] = 1, [(c) + 8] = 1, [(c) + 9] = 1
#define R6(c) [c] = 1, [(c) + 1] = 1, [(c) + 2] = 1, [(c) + 3] = 1, [(c) + 4] = 1, [(c) + 5] = 1
static const bool ascii_word[256] = {R10('0'), R10('A'), R10('K'), R6('U'), R10('a'), R10('k'), R6('u')};
#undef R10
#undef R6
static inline unsigned ascii_lower(unsigned c) { return ascii_upper(c) ? c | 0x20u : c; }

/* Words that may sit inside a name ("of", "al", "von"...), each packed
 * little-endian into 32 bits as connector_code packs a word of up to four
 * bytes, so a word is compared in one instruction; grouped by first letter,
 * as every short word of the text is looked up. */
#define C4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
static bool is_connector(uint32_t code)
{
    switch (code & 0xFFu) {
    case 'a':
        /* ag: "son of" in Tuareg names (Iyad ag Ghaly) */
        return code == C4('a', 'n', 'd', 0) || code == C4('a', 'l', 0, 0) || code == C4('a', 'b', 'u', 0) ||
               code == C4('a', 'g', 0, 0);
    case 'b':
        /* ben: "son of" in Maghrebi names (Kamal ben Hassan) */
        return code == C4('b', 'i', 'n', 0) || code == C4('b', 'i', 'n', 't') || code == C4('b', 'e', 'n', 0);
    case 'd':
        return code == C4('d', 'e', 0, 0) || code == C4('d', 'e', 'l', 0) || code == C4('d', 'e', 'r', 0) ||
               code == C4('d', 'e', 'n', 0) || code == C4('d', 'a', 0, 0) || code == C4('d', 'o', 0, 0) ||
               code == C4('d', 'o', 's', 0) || code == C4('d', 'u', 0, 0);
    case 'e': return code == C4('e', 'l', 0, 0);
    case 'f': return code == C4('f', 'o', 'r', 0);
    case 'i': return code == C4('i', 'b', 'n', 0);
    case 'l': return code == C4('l', 'a', 0, 0) || code == C4('l', 'e', 0, 0);
    case 'o': return code == C4('o', 'f', 0, 0) || code == C4('o', 'u', 'l', 'd'); /* Mohamed ould Abdel Aziz */
    case 't': return code == C4('t', 'h', 'e', 0);
    case 'u': return code == C4('u', 'l', 0, 0) || code == C4('u', 'd', 0, 0); /* Abd ul Rahman, Nasir ud Din */
    case 'v': return code == C4('v', 'a', 'n', 0) || code == C4('v', 'o', 'n', 0);
    case 'y': return code == C4('y', 0, 0, 0);
    default: return false;
    }
}
#undef C4

static uint32_t connector_code(const unsigned char *word, size_t n)
{
    uint32_t code = 0;
    for (size_t k = 0; k < n; k++)
        code |= (uint32_t)ascii_lower(word[k]) << (8 * k);
    return code;
}

/* Titles and ranks that precede a name in prose, beyond the honorifics
 * the name normaliser knows. */
static const char *const titles[] = {
    "mr", "mrs", "ms", "dr", "prof", "president", "minister", "governor", "mayor", "senator",
    "ambassador", "general", "lieutenant", "senior", "junior", "colonel", "major", "captain",
    "admiral", "brigadier", "commander", "sergeant", "marshal", "lt", "col", "gen", "capt",
    "sheikh", "judge", "prince", "emir"};

static bool is_title(const char *lower, size_t len)
{
    for (size_t k = 0; k < KD_ARRAY_LEN(titles); k++)
        if (titles[k][0] == lower[0] && strlen(titles[k]) == len && memcmp(titles[k], lower, len) == 0)
            return true;
    return text_token_class_of(lower, len) == TEXT_TOKEN_HONORIFIC;
}

size_t scan_fold_word(const char *word, size_t len, char *out, size_t size)
{
    /* Latin-1 letters folded to their base letter ("Ávila" as the index's
     * "avila"); '_': not a letter */
    static const char latin1[] = "aaaaaaaceeeeiiiidnooooo_ouuuuy_saaaaaaaceeeeiiiidnooooo_ouuuuy_y";
    size_t n = 0;
    for (size_t i = 0; i < len && n < size; i++) {
        unsigned char c = (unsigned char)word[i];
        if (c < 0x80 && ascii_alnum(c))
            out[n++] = (char)ascii_lower(c);
        else if (c == 0xC3 && i + 1 < len && (unsigned char)word[i + 1] >= 0x80 &&
                 (unsigned char)word[i + 1] <= 0xBF && latin1[(unsigned char)word[i + 1] - 0x80] != '_')
            out[n++] = latin1[(unsigned char)word[++i] - 0x80];
    }
    return n;
}

uint32_t scan_key_hash(const char *word, size_t len)
{
    char lower[128], key[TEXT_KEY_SIZE(128)];
    size_t n = scan_fold_word(word, len, lower, sizeof lower);
    size_t k = n ? text_token_key(lower, n, key, sizeof key) : 0;
    /* Words without Latin letters get a hash of their bytes: they compare
     * equal only to themselves. */
    uint64_t h = k ? hash_bytes(key, k) : hash_bytes(word, len) ^ 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h ^ (h >> 32)) | 1u;
}

/* Length of the character at p when it is no part of a word, 0 when it
 * is: ASCII by table; beyond ASCII, ICU's word: a letter, a digit or a
 * combining mark (Arabic harakat, Devanagari vowel signs), and the joiners
 * Persian writes inside words. Quotes, dashes, NBSP, arrows, CJK
 * punctuation are not words. */
static size_t nonword_len(const unsigned char *p, size_t left, UChar32 *cp)
{
    if (*p < 0x80) {
        *cp = *p;
        return ascii_word[*p] ? 0 : 1;
    }
    int32_t n = 0, max = left < 4 ? (int32_t)left : 4;
    U8_NEXT(p, n, max, *cp);
    if (*cp < 0)
        return 1; /* not UTF-8 (kd_scan refuses such text; reasons are valid) */
    if (*cp == 0x200C || *cp == 0x200D || u_isalnum(*cp))
        return 0;
    int8_t type = u_charType(*cp);
    return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK
               ? 0
               : (size_t)n;
}

static bool is_word_byte(const unsigned char *p, size_t left)
{
    UChar32 cp;
    return *p < 0x80 ? ascii_word[*p] : nonword_len(p, left, &cp) == 0;
}

/* ’ (U+2019), the typographic apostrophe */
static bool right_quote(const unsigned char *p, size_t left)
{
    return left >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99;
}

static bool capital_at(const unsigned char *p, size_t left)
{
    if (*p < 0x80)
        return ascii_upper(*p);
    if (left >= 2 && p[0] == 0xC3)
        return p[1] >= 0x80 && p[1] <= 0x9E; /* À..Þ */
    if (left >= 2 && p[0] == 0xD0)
        return p[1] >= 0x80 && p[1] <= 0xAF; /* Ѐ..Я */
    if (p[0] >= 0xC4 && p[0] <= 0xCF)
        return false; /* Latin Extended: cased, assume lower (rarely opens a name) */
    return p[0] >= 0xD7; /* Hebrew, Arabic, CJK...: no case */
}

/* Punctuation that ends the name in progress (a space, a hyphen or an
 * apostrophe does not): asked of every byte between words. */
static bool ends_name(unsigned char c)
{
    static const bool table[256] = {['.'] = 1, [','] = 1, [';'] = 1, [':'] = 1, ['!'] = 1, ['?'] = 1,
                                    ['('] = 1, [')'] = 1, ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1,
                                    ['"'] = 1, ['|'] = 1, ['/'] = 1, ['\n'] = 1, [0] = 1};
    return table[c];
}

/* Skips markup starting at i; returns the new position (i when none). */
static size_t skip_markup(const char *t, size_t len, size_t i)
{
    switch (t[i]) { /* called at every word start and punctuation: most bytes are none */
    case '<': case '&': case '!': case ']': case 'h': case 'w': break;
    default: return i;
    }
    if (t[i] == '<' && i + 1 < len && (isalpha((unsigned char)t[i + 1]) || t[i + 1] == '/' || t[i + 1] == '!')) {
        const char *close = memchr(t + i, '>', len - i);
        if (!close)
            return len;
        size_t end = (size_t)(close - t) + 1;
        if (len - i > 7 && (strncasecmp(t + i, "<script", 7) == 0 || strncasecmp(t + i, "<style", 6) == 0)) {
            const char *tag = strncasecmp(t + i, "<script", 7) == 0 ? "</script" : "</style";
            for (size_t k = end; k + strlen(tag) <= len; k++)
                if (strncasecmp(t + k, tag, strlen(tag)) == 0)
                    return k;
            return len;
        }
        return end;
    }
    if (t[i] == '&') {
        size_t k = i + 1;
        while (k < len && k - i < 10 && (isalnum((unsigned char)t[k]) || t[k] == '#'))
            k++;
        if (k < len && t[k] == ';' && k > i + 1)
            return k + 1;
    }
    if (t[i] == '!' && i + 1 < len && t[i + 1] == '[') { /* Markdown image: to its ')' */
        const char *paren = memchr(t + i, ')', len - i);
        const char *nl = memchr(t + i, '\n', len - i);
        if (paren && (!nl || paren < nl))
            return (size_t)(paren - t) + 1;
    }
    if (t[i] == ']' && i + 1 < len && t[i + 1] == '(') { /* Markdown link target */
        const char *paren = memchr(t + i, ')', len - i);
        if (paren)
            return (size_t)(paren - t) + 1;
    }
    if ((len - i > 7 && strncmp(t + i, "http://", 7) == 0) ||
        (len - i > 8 && strncmp(t + i, "https://", 8) == 0) ||
        (len - i > 4 && strncmp(t + i, "www.", 4) == 0)) {
        size_t k = i;
        while (k < len && !isspace((unsigned char)t[k]))
            k++;
        return k;
    }
    return i;
}

static scan_word_info *word_info(scan_tokens *out, const char *word, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a, lower-cased */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)word[i];
        h = (h ^ (c < 0x80 ? ascii_lower(c) : c)) * 1099511628211ull;
    }
    h |= 1;
    scan_word_info *w = &out->cache[(h ^ (h >> 29)) & (SCAN_WORD_CACHE - 1)];
    if (w->word == h)
        return w;
    w->word = h;
    w->key_hash = scan_key_hash(word, len);
    w->title = -1; /* asked of capitalised words only: see word_is_title */
    w->legal = -1;
    return w;
}

/* Prose names a company with the legal form of its own language or none,
 * whatever the list wrote ("OOO Tako" for the listed "Tako LLC"): the
 * scanner lets a body's legal-form words differ (scanner.c, legal_word). */
static int word_legal(scan_word_info *w, const char *word, size_t len)
{
    if (w->legal < 0) {
        w->legal = SCAN_LEGAL_NONE;
        char lower[32];
        size_t n = len < sizeof lower ? scan_fold_word(word, len, lower, sizeof lower) : 0;
        /* words that in a body's name stand only inside a legal form */
        static const char *const inside[] = {"joint", "stock", "liability", "unitary", "responsibility"};
        static const char *const before[] = {"public", "closed", "open", "private"};
        if (n && n < sizeof lower && text_legal_form(lower, n))
            w->legal = SCAN_LEGAL_WORD;
        for (size_t i = 0; n && i < KD_ARRAY_LEN(inside); i++)
            if (strlen(inside[i]) == n && memcmp(inside[i], lower, n) == 0)
                w->legal = SCAN_LEGAL_WORD;
        for (size_t i = 0; n && i < KD_ARRAY_LEN(before); i++)
            if (strlen(before[i]) == n && memcmp(before[i], lower, n) == 0)
                w->legal = SCAN_LEGAL_BEFORE;
    }
    return w->legal;
}

/* The legal forms Russian, Belarusian, Ukrainian and Kazakh prose writes
 * before a quoted name, in capitals as written ("ООО «Тримикс»", "АО
 * «Воентелеком»", "ТОВ «…»"). */
static int cyrillic_legal(const char *word, size_t len)
{
    static const char *const forms[] = {"ООО", "ОАО", "ЗАО", "ПАО", "АО", "НАО", "НПО", "НПП", "ФГУП", "ФГБУ",
                                        "ГУП", "МУП", "АНО", "ТОО", "ЧАО", "ПАТ", "ПрАТ", "ТОВ", "ОДО", "ЧУП"};
    for (size_t i = 0; i < KD_ARRAY_LEN(forms); i++)
        if (strlen(forms[i]) == len && memcmp(forms[i], word, len) == 0)
            return SCAN_LEGAL_WORD;
    return SCAN_LEGAL_NONE;
}

static bool word_is_title(scan_word_info *w, const char *word, size_t len)
{
    if (w->title < 0) {
        w->title = 0;
        if (len >= 2 && len < 32) {
            char lower[32];
            for (size_t k = 0; k < len; k++)
                lower[k] = (char)ascii_lower((unsigned char)word[k]);
            w->title = is_title(lower, len);
        }
    }
    return w->title;
}

int scan_tokenize(const char *text, size_t len, scan_tokens *out)
{
    return scan_tokenize_polled(text, len, out, NULL, NULL);
}

int scan_tokenize_polled(const char *text, size_t len, scan_tokens *out, int (*poll)(void *ctx, size_t at),
                         void *ctx)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t line = 1;
    bool brk = true;
    size_t next_poll = poll ? SCAN_TOKENIZE_POLL : SIZE_MAX;
    for (size_t i = 0; i < len;) {
        if (i >= next_poll) {
            int rc = poll(ctx, i);
            if (rc)
                return rc;
            next_poll = i + SCAN_TOKENIZE_POLL;
        }
        size_t skip = skip_markup(text, len, i);
        if (skip != i) {
            for (size_t k = i; k < skip; k++)
                line += t[k] == '\n';
            /* an entity (&nbsp;) stands for a character inside the prose;
             * a tag, an image or a URL ends the name in progress */
            if (t[i] != '&')
                brk = true;
            i = skip;
            continue;
        }
        UChar32 cp;
        size_t step = nonword_len(t + i, len - i, &cp);
        if (step) {
            unsigned char c = t[i];
            if (c == '\n')
                line++;
            /* a hyphen or apostrophe joins words; anything else but a space
             * ends the name in progress */
            bool after_title = c == '.' && out->n && out->items[out->n - 1].title &&
                               out->items[out->n - 1].end == i;
            /* nor does an initial's ("Arkady R. Rotenberg", "M.V. Frunze") */
            bool after_initial = c == '.' && out->n && out->items[out->n - 1].end == i &&
                                 out->items[out->n - 1].end - out->items[out->n - 1].start == 1 &&
                                 out->items[out->n - 1].capital;
            if (c < 0x80 ? ends_name(c) && !after_title && !after_initial
                         : !(u_isUWhiteSpace(cp) || u_charType(cp) == U_DASH_PUNCTUATION || cp == 0x2018 ||
                             cp == 0x2019))
                brk = true;
            i += step;
            continue;
        }
        size_t start = i;
        bool ascii = true;
        while (i < len) {
            while (i < len && ascii_word[t[i]])
                i++; /* most of a text's bytes */
            if (i == len)
                break;
            if (is_word_byte(t + i, len - i)) {
                ascii &= t[i] < 0x80;
                i += t[i] < 0x80 ? 1 : (t[i] >= 0xF0 ? 4 : t[i] >= 0xE0 ? 3 : 2);
                continue;
            }
            /* O'Brien, d’Estaing: an apostrophe between letters, but not 's */
            size_t ap = t[i] == '\'' ? 1 : right_quote(t + i, len - i) ? 3 : 0;
            if (ap && i + ap < len && is_word_byte(t + i + ap, len - i - ap) &&
                !((t[i + ap] == 's' || t[i + ap] == 'S') &&
                  (i + ap + 1 >= len || !is_word_byte(t + i + ap + 1, len - i - ap - 1)))) {
                ascii &= ap == 1;
                i += ap;
                continue;
            }
            break;
        }
        if (i > len)
            i = len;
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 256;
            scan_token *p = realloc(out->items, cap * sizeof *p);
            if (!p)
                return KD_ENOMEM;
            out->items = p;
            out->cap = cap;
        }
        /* the token is built in a local and stored whole: reading back
         * flags just stored byte by byte stalls the store buffer */
        bool capital = capital_at(t + start, len - start);
        bool connector = i - start <= 4 && is_connector(connector_code(t + start, i - start));
        scan_token tok = {.start = (uint32_t)start, .end = (uint32_t)i, .line = (uint32_t)line,
                          .key = UINT32_MAX, .capital = capital, .connector = connector, .ascii = ascii,
                          .break_before = brk};
        /* Only words that can be part of a name are keyed: in prose most
         * words are lower-case, and keying them would be most of the cost
         * of a scan. scan_token_hash keys the others when asked. */
        if (capital || connector) {
            scan_word_info *w = word_info(out, text + start, i - start);
            tok.hash = w->key_hash;
            tok.title = capital && word_is_title(w, text + start, i - start);
            tok.legal = !capital ? SCAN_LEGAL_NONE
                        : ascii  ? (unsigned)word_legal(w, text + start, i - start)
                                 : (unsigned)cyrillic_legal(text + start, i - start);
        }
        out->items[out->n++] = tok;
        brk = false;
        /* skip a possessive 's / ’s */
        if (i < len && (t[i] == '\'' || right_quote(t + i, len - i))) {
            size_t ap = t[i] == '\'' ? 1 : 3;
            if (i + ap < len && (t[i + ap] == 's' || t[i + ap] == 'S'))
                i += ap + 1;
        }
    }
    return KD_OK;
}

uint32_t scan_word_hash(const char *word, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the lower-cased bytes */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)word[i];
        h = (h ^ (c < 0x80 ? ascii_lower(c) : c)) * 1099511628211ull;
    }
    return (uint32_t)(h ^ (h >> 32)) | 1u;
}

uint32_t scan_cached_key_hash(scan_tokens *toks, const char *word, size_t len)
{
    return word_info(toks, word, len)->key_hash;
}

uint32_t scan_token_hash(scan_tokens *toks, const char *text, const scan_token *tok)
{
    return tok->hash ? tok->hash : word_info(toks, text + tok->start, tok->end - tok->start)->key_hash;
}

void scan_tokens_free(scan_tokens *t)
{
    free(t->items);
    memset(t, 0, sizeof *t);
}
