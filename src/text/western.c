/* English readings of names romanised for German, Polish and French readers.
 *
 * German and French media and some lists write Russian and Arabic names
 * with their own letters for the same sounds: Wladimir Wladimirowitsch,
 * Jewgeni, Schoigu, Chalid, Dschamal (German); Sergueï, Poutine, Prigojine,
 * Djamel, Youssouf, Chérif (French). The lists kordon reads write them the
 * English way (Vladimir Vladimirovich, Yevgeniy, Shoygu, Khalid, Jamal;
 * Sergey, Putin, Prigozhin, Jamal, Yusuf, Sharif). Spelling keys join some
 * of the pairs, not the ones whose letters say other sounds (German ch is
 * kh, j is y; French j is zh, ch is sh). A name gets a second form, the
 * English reading, only when a word of it shows the system unmistakably
 * (German dsch, tsch, -witsch, -owna; French -vitch, dj before a vowel, ou with
 * ch; Polish -owicz, cz/sz/rz with w or j); the form as written stays
 * the first.
 *
 * Three more orthographies write Latin letters for other sounds than
 * English does, and the lists romanise the same names the English way:
 * Indonesian and Malay write sy for sh (Ba'asyir, Syarif: Bashir,
 * Sharif); Basque tx for ch (Urrutikoetxea, Bengoetxea: Urruticoechea,
 * Bengoechea); Somali c for the Arabic ʿayn, which English romanisation
 * drops, x for ḥ and doubled letters for long vowels (Cali, Cumar,
 * Maxamed, Yasiin: Ali, Umar, Mahamed, Yasin). Each gets its reading
 * only when a word shows it unmistakably (Indonesian sy before a or i;
 * Basque tx before a vowel; Somali x after a vowel together with a word
 * that begins with c and a vowel or doubles a vowel).
 *
 * Facts of these languages' spelling, written for kordon; public domain. */
#include "text_internal.h"

#include <stdbool.h>
#include <string.h>

static bool has(const char *w, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(w + i, s, k) == 0)
            return true;
    return false;
}


/* German words themselves have sch (Schumacher, Lüdenscheid), English
 * ones -ow and -ew (Barlow, Andrew): the sounds German writes for Russian
 * and Arabic ones decide (dsch, tsch, -witsch, -owna) */
static bool german_word(const char *w, size_t n)
{
    return has(w, n, "dsch") || has(w, n, "tsch") || text__ends_with(w, n, "owna") || text__ends_with(w, n, "ewna");
}

/* French writes Russian names with -vitch and j for zh (Viktorovitch,
 * Prigojine), Arabic and African ones with dj and ch for sh, ou for u
 * (Djamel, Chérif, Houssein): two readings, the first only for names
 * with a Russian patronymic. */
static bool french_russian_word(const char *w, size_t n)
{
    return text__ends_with(w, n, "vitch") || text__ends_with(w, n, "vna");
}

static bool french_word(const char *w, size_t n)
{
    if (n >= 4 && w[0] == 'd' && w[1] == 'j' && text__vowel_y(w[2]))
        return true;
    /* ou with a ch that is not German sch (Chouka, Alouche; not Schou) */
    for (size_t i = 0; i + 1 < n; i++)
        if (w[i] == 'c' && w[i + 1] == 'h' && (i == 0 || w[i - 1] != 's') && has(w, n, "ou"))
            return true;
    return false;
}

/* Polish writes cz, sz, rz, szcz and -owicz where English writes ch, sh,
 * zh, shch and -ovich (Władimir Władimirowicz, Siergiej Szojgu) */
static bool polish_word(const char *w, size_t n)
{
    return text__ends_with(w, n, "owicz") || text__ends_with(w, n, "ewicz") ||
           ((has(w, n, "cz") || has(w, n, "sz") || has(w, n, "rz")) && (has(w, n, "w") || has(w, n, "j")));
}

/* sy before a or i (Syarif, Ba'asyir, Musyarraf, Irsyad); not before e,
 * o, u, as Russian romanised writes с before е, ё, ю (Afanasyev,
 * Vasyukov), nor in a word of a Russian surname's ending, where sya is ся
 * (Ovsyannikov, Kosyakina) */
static bool indonesian_word(const char *w, size_t n)
{
    static const char *const russian[] = {"ov", "ev", "in", "ova", "eva", "ina", "sky", "skiy", "kiy", "enko"};
    for (size_t k = 0; k < sizeof russian / sizeof *russian; k++)
        if (text__ends_with(w, n, russian[k]))
            return false;
    for (size_t i = 0; i + 2 < n; i++)
        if (w[i] == 's' && w[i + 1] == 'y' && (w[i + 2] == 'a' || w[i + 2] == 'i'))
            return true;
    return false;
}

/* tx before a vowel (Etxeberria, Urrutikoetxea, Txapartegi) */
static bool basque_word(const char *w, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++)
        if (w[i] == 't' && w[i + 1] == 'x' && strchr("aeiou", w[i + 2]))
            return true;
    return false;
}

static bool somali_c_or_long_vowel(const char *w, size_t n)
{
    if (n >= 3 && w[0] == 'c' && strchr("aeiou", w[1]))
        return true;
    for (size_t i = 0; i + 1 < n; i++)
        if (w[i] == w[i + 1] && strchr("aiu", w[i]))
            return true;
    return false;
}

static bool somali_x(const char *w, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (w[i] == 'x' && strchr("aeiou", w[i - 1]))
            return true;
    return false;
}

/* A whole name shows Somali spelling: an x after a vowel (Maxamed,
 * Baynax, Faarax) with a word beginning with c and a vowel or doubling a
 * vowel (Cali, Cabdi, Yasiin): English names have either (Alexander,
 * Carla, Isaac), seldom both in one name. */
static bool somali_name(const char *form, size_t n)
{
    bool x = false, c = false;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && form[j] != ' ')
            j++;
        x = x || somali_x(form + i, j - i);
        c = c || somali_c_or_long_vowel(form + i, j - i);
        i = j + 1;
    }
    return x && c;
}

typedef struct rule {
    const char *from, *to;
} rule;

/* Longest first at each position. German: dsch j, tsch ch, sch sh, ch kh,
 * j y, w v. French: dj j, tch ch, ch sh, ou u, j zh, gue/gui ge/gi. */
static const rule german[] = {{"dsch", "j"}, {"tsch", "ch"}, {"sch", "sh"}, {"ch", "kh"}, {"j", "y"}, {"w", "v"}};
static const rule polish[] = {{"szcz", "shch"}, {"cz", "ch"}, {"sz", "sh"}, {"rz", "zh"}, {"w", "v"}, {"j", "y"}};
static const rule french_russian[] = {{"dj", "j"}, {"tch", "ch"}, {"ch", "sh"}, {"ou", "u"}, {"gue", "ge"},
                                      {"gui", "gi"}, {"j", "zh"}};
static const rule french[] = {{"dj", "j"}, {"tch", "ch"}, {"ch", "sh"}, {"ou", "u"}};
static const rule indonesian[] = {{"sy", "sh"}};
static const rule basque[] = {{"tx", "ch"}};
/* c (ʿayn) is dropped only at the start of a word, before a vowel
 * (Cabdi, Cumar); within a word it is a consonant of loans */
static const rule somali[] = {{"aa", "a"}, {"ii", "i"}, {"uu", "u"}, {"oo", "o"}, {"ee", "e"}, {"x", "h"}};

static int read_word(const char *w, size_t n, const rule *rules, size_t n_rules, bool french_ending, buf *out)
{
    /* a French -ine after a consonant is the -in of Russian names
     * (Poutine, Prigojine, Raspoutine) */
    size_t end = french_ending && n >= 5 && text__ends_with(w, n, "ine") && !text__vowel_y(w[n - 4]) ? n - 1 : n;
    for (size_t i = 0; i < end;) {
        size_t r = 0;
        for (; r < n_rules; r++) {
            size_t k = strlen(rules[r].from);
            if (i + k <= end && memcmp(w + i, rules[r].from, k) == 0)
                break;
        }
        if (r == n_rules) {
            if (buf_append_char(out, w[i]))
                return KD_ENOMEM;
            i++;
            continue;
        }
        if (buf_append_str(out, rules[r].to))
            return KD_ENOMEM;
        i += strlen(rules[r].from);
    }
    return KD_OK;
}

int text__read_form(const char *form, size_t n, text__word_reader read, const void *ctx, buf *out)
{
    buf_clear(out);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && form[j] != ' ')
            j++;
        if ((out->len && buf_append_char(out, ' ')) || read(form + i, j - i, ctx, out))
            return KD_ENOMEM;
        i = j + 1;
    }
    if (buf_append_char(out, '\0'))
        return KD_ENOMEM;
    out->len--;
    return out->len == n && memcmp(out->data, form, n) == 0 ? 0 : 1;
}

/* One system's rules, as text__read_form reads words with them. */
typedef struct reading_system {
    const rule *rules;
    size_t n_rules;
    bool french_ending;
} reading_system;

static int read_system_word(const char *w, size_t n, const void *ctx, buf *out)
{
    const reading_system *sys = ctx;
    return read_word(w, n, sys->rules, sys->n_rules, sys->french_ending, out);
}

/* The reading of form by one system: 1 written to out when a word shows
 * the system and the reading differs, 0 when not, KD_ENOMEM. */
static int reading(const char *form, size_t n, bool (*shows)(const char *, size_t), const rule *rules,
                   size_t n_rules, bool french_ending, buf *out)
{
    bool any = false;
    for (size_t i = 0; i < n && !any;) {
        size_t j = i;
        while (j < n && form[j] != ' ')
            j++;
        any = shows(form + i, j - i);
        i = j + 1;
    }
    reading_system sys = {rules, n_rules, french_ending};
    return any ? text__read_form(form, n, read_system_word, &sys, out) : 0;
}

int text__german_reading(const char *form, size_t n, buf *out)
{
    return reading(form, n, german_word, german, sizeof german / sizeof *german, false, out);
}

int text__polish_reading(const char *form, size_t n, buf *out)
{
    return reading(form, n, polish_word, polish, sizeof polish / sizeof *polish, false, out);
}

int text__indonesian_reading(const char *form, size_t n, buf *out)
{
    return reading(form, n, indonesian_word, indonesian, sizeof indonesian / sizeof *indonesian, false, out);
}

int text__basque_reading(const char *form, size_t n, buf *out)
{
    return reading(form, n, basque_word, basque, sizeof basque / sizeof *basque, false, out);
}

static int read_somali_word(const char *w, size_t n, const void *ctx, buf *out)
{
    (void)ctx;
    if (n >= 3 && w[0] == 'c' && strchr("aeiou", w[1]))
        w++, n--;
    return read_word(w, n, somali, sizeof somali / sizeof *somali, false, out);
}

int text__somali_reading(const char *form, size_t n, buf *out)
{
    return somali_name(form, n) ? text__read_form(form, n, read_somali_word, NULL, out) : 0;
}

int text__french_reading(const char *form, size_t n, buf *out)
{
    int rc = reading(form, n, french_russian_word, french_russian, sizeof french_russian / sizeof *french_russian,
                     true, out);
    return rc ? rc : reading(form, n, french_word, french, sizeof french / sizeof *french, false, out);
}
