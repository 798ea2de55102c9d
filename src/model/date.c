/* Dates: every list writes birth and listing dates its own way ("29.4.1976",
 * "29 Apr 1976", "circa 1955", "Between 1960 and 1962 (Approximately)",
 * "00/00/1976", "2022-07-21T00:00:00"). They are turned into ISO 8601 partial
 * dates so that the same day compares equal whichever list it came from;
 * ranges use the ISO interval "1960/1962" and uncertain dates the EDTF
 * qualifier "1955~".
 *
 * The text is cut into tokens (numbers, words, separators) and the token
 * shapes are matched against the forms below. Anything else — "unknown",
 * "1976 or 1977", a two-digit year — is not a date, and the caller keeps
 * the original text. */
#include "model.h"

#include <stdio.h>
#include <string.h>

#define DATE_TEXT_MAX 128 /* longer text is a sentence, not a date */
#define MAX_TOKENS 32

typedef struct token {
    char kind;     /* 'n' number, 'w' word, else the separator itself */
    bool spaced;   /* whitespace came before it */
    int digits;    /* numbers: how many digits were written */
    int val;       /* numbers: the value, 0 for "xx" */
    char word[16]; /* words: lowercase */
} token;

typedef struct pdate {
    int y, m, d; /* m and d are 0 when unknown */
    bool circa;
} pdate;

static const char *const month_names[12][3] = {
    {"jan", "january", NULL}, {"feb", "february", NULL}, {"mar", "march", NULL},
    {"apr", "april", NULL},   {"may", NULL, NULL},       {"jun", "june", NULL},
    {"jul", "july", NULL},    {"aug", "august", NULL},   {"sep", "sept", "september"},
    {"oct", "october", NULL}, {"nov", "november", NULL}, {"dec", "december", NULL},
};

static int month_of(const char *w)
{
    for (int m = 0; m < 12; m++)
        for (int k = 0; k < 3 && month_names[m][k]; k++)
            if (strcmp(w, month_names[m][k]) == 0)
                return m + 1;
    return 0;
}

static bool is_word(const token *t, const char *w)
{
    return t->kind == 'w' && strcmp(t->word, w) == 0;
}

static bool is_circa_word(const token *t)
{
    /* A presumed or probable date is as fuzzy for matching as an approximate one. */
    static const char *const words[] = {"circa", "ca", "c", "approximately", "approx", "about", "around",
                                        "abt", "presumed", "presumably", "probably", "possibly"};
    for (size_t i = 0; i < KD_ARRAY_LEN(words); i++)
        if (is_word(t, words[i]))
            return true;
    return false;
}

/* Cuts text into tokens. Returns the count, or -1 for a character no date
 * contains. */
static int tokenise(const char *s, size_t n, token *toks)
{
    int count = 0;
    bool spaced = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        char sep = 0;
        size_t skip = 1;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            spaced = true;
            i++;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) { /* NBSP */
            spaced = true;
            i += 2;
            continue;
        }
        if (count == MAX_TOKENS)
            return -1;
        token *t = &toks[count];
        memset(t, 0, sizeof *t);
        t->spaced = spaced || count == 0;
        spaced = false;
        if (c >= '0' && c <= '9') {
            t->kind = 'n';
            for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
                if (++t->digits > 8)
                    return -1;
                t->val = t->val * 10 + (s[i] - '0');
            }
        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            t->kind = 'w';
            size_t len = 0;
            for (; i < n && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'); i++) {
                if (len + 1 >= sizeof t->word)
                    return -1;
                t->word[len++] = (char)(s[i] | 0x20);
            }
        } else {
            if (c != 0 && strchr("./-,()", c))
                sep = (char)c;
            else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                     ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94))
                sep = '-', skip = 3; /* en and em dash */
            else
                return -1;
            t->kind = sep;
            i += skip;
        }
        count++;
    }
    return count;
}

/* Drops what carries no meaning for the date: abbreviation dots ("Apr.",
 * "c."), ordinal suffixes ("29th"), commas, brackets and a final dot, and
 * turns "x"/"xx" placeholders into unknown numbers. */
static int simplify(token *toks, int count)
{
    int out = 0;
    for (int i = 0; i < count; i++) {
        token *t = &toks[i];
        const token *prev = out ? &toks[out - 1] : NULL;
        if (t->kind == '.' && prev && prev->kind == 'w')
            continue;
        if (t->kind == ',' || t->kind == '(' || t->kind == ')')
            continue;
        if (t->kind == 'w' && !t->spaced && prev && prev->kind == 'n' &&
            (!strcmp(t->word, "st") || !strcmp(t->word, "nd") || !strcmp(t->word, "rd") ||
             !strcmp(t->word, "th")))
            continue;
        if (t->kind == 'w' && (!strcmp(t->word, "x") || !strcmp(t->word, "xx"))) {
            t->digits = (int)strlen(t->word);
            t->kind = 'n';
            t->val = 0;
        }
        toks[out++] = *t;
    }
    if (out && toks[out - 1].kind == '.')
        out--;
    return out;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid(pdate *d)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d->y < 1000 || d->y > 2100 || d->m < 0 || d->m > 12 || d->d < 0 || d->d > 31)
        return false;
    if (d->m == 0) {
        d->d = 0; /* a day without its month says nothing */
        return true;
    }
    int dim = days[d->m - 1] + (d->m == 2 && leap(d->y));
    return d->d <= dim;
}

/* One date (no range) from toks[0..count). */
static bool parse_one(const token *toks, int count, pdate *d)
{
    memset(d, 0, sizeof *d);
    while (count > 0 && is_circa_word(&toks[0])) {
        d->circa = true;
        toks++, count--;
    }
    /* The shape names each token: y year, n day or month, e yyyymmdd,
     * m month name, and the separators as written. */
    char shape[MAX_TOKENS + 1];
    int vals[MAX_TOKENS];
    if (count <= 0 || count > 5)
        return false;
    for (int i = 0; i < count; i++) {
        const token *t = &toks[i];
        vals[i] = t->val;
        if (t->kind == 'n') {
            shape[i] = t->digits <= 2 ? 'n' : t->digits == 4 ? 'y' : t->digits == 8 ? 'e' : '?';
        } else if (t->kind == 'w') {
            shape[i] = (vals[i] = month_of(t->word)) ? 'm' : '?';
        } else {
            shape[i] = t->kind;
        }
        if (shape[i] == '?')
            return false;
    }
    shape[count] = '\0';

    static const struct {
        const char *shape;
        char order[4]; /* which field each value token fills */
    } forms[] = {
        {"y", "Y"},       {"e", "E"},       {"y-n-n", "YMD"}, {"y/n/n", "YMD"}, {"y.n.n", "YMD"},
        {"y-n", "YM"},    {"y/n", "YM"},    {"y.n", "YM"},    {"n.n.y", "DMY"}, {"n/n/y", "DMY"},
        {"n-n-y", "DMY"}, {"n.y", "MY"},    {"n/y", "MY"},    {"n-y", "MY"},    {"nmy", "DMY"},
        {"n-m-y", "DMY"}, {"n.m.y", "DMY"}, {"n/m/y", "DMY"}, {"my", "MY"},     {"m-y", "MY"},
        {"mny", "MDY"},   {"ymn", "YMD"},   {"y-m-n", "YMD"},
    };
    for (size_t f = 0; f < KD_ARRAY_LEN(forms); f++) {
        if (strcmp(shape, forms[f].shape) != 0)
            continue;
        const char *o = forms[f].order;
        for (int i = 0, k = 0; i < count; i++) {
            if (shape[i] != 'n' && shape[i] != 'y' && shape[i] != 'm' && shape[i] != 'e')
                continue;
            int v = vals[i];
            switch (o[k++]) {
            case 'Y': d->y = v; break;
            case 'M': d->m = v; break;
            case 'D': d->d = v; break;
            case 'E': d->y = v / 10000, d->m = v / 100 % 100, d->d = v % 100; break;
            }
        }
        return valid(d);
    }
    return false;
}

static int format_one(char *out, size_t size, const pdate *d, bool circa)
{
    const char *q = circa || d->circa ? "~" : "";
    if (d->m == 0)
        return snprintf(out, size, "%04d%s", d->y, q);
    if (d->d == 0)
        return snprintf(out, size, "%04d-%02d%s", d->y, d->m, q);
    return snprintf(out, size, "%04d-%02d-%02d%s", d->y, d->m, d->d, q);
}

/* "2022-07-21T00:00:00", "2022-07-21 00:00:00+02:00", "2022-07-21-04:00":
 * the time and zone say nothing about a person's birth or a listing day. */
static size_t drop_time(const char *s, size_t n)
{
    if (n <= 10)
        return n;
    for (size_t i = 0; i < 10; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
            return n;
    bool colon = false;
    for (size_t i = 10; i < n; i++) {
        if (s[i] == 0 || !strchr("0123456789:.+-TtZz ", s[i]))
            return n;
        colon |= s[i] == ':';
    }
    return colon || s[10] == 'T' || s[10] == 't' || s[10] == 'Z' ? 10 : n;
}

bool date_normalise(const char *s, size_t n, char *out, size_t out_size)
{
    if (!s || !out || out_size == 0 || n == 0 || n > DATE_TEXT_MAX)
        return false;
    n = drop_time(s, n);
    token toks[MAX_TOKENS];
    int count = tokenise(s, n, toks);
    if (count <= 0)
        return false;
    count = simplify(toks, count);

    bool circa = false;
    while (count > 0 && is_circa_word(&toks[0]))
        circa = true, memmove(toks, toks + 1, (size_t)--count * sizeof *toks);
    while (count > 0 && is_circa_word(&toks[count - 1]))
        circa = true, count--;
    const char *joiner = NULL; /* the word a leading "between"/"from" needs */
    if (count > 0 && (is_word(&toks[0], "between") || is_word(&toks[0], "from"))) {
        joiner = toks[0].word[0] == 'b' ? "and" : "to";
        memmove(toks, toks + 1, (size_t)--count * sizeof *toks);
    }

    char tmp[64];
    int len = -1;
    pdate a, b;
    if (!joiner && parse_one(toks, count, &a)) {
        len = format_one(tmp, sizeof tmp, &a, circa);
    } else {
        for (int k = 1; k < count - 1 && len < 0; k++) {
            const token *t = &toks[k];
            bool split = joiner ? is_word(t, joiner)
                                : (t->kind == '-' || t->kind == '/' || is_word(t, "to") ||
                                   is_word(t, "until") || is_word(t, "till") || is_word(t, "through"));
            if (!split || !parse_one(toks, k, &a) || !parse_one(toks + k + 1, count - k - 1, &b))
                continue;
            if (a.y > b.y || (a.y == b.y && a.m && b.m && a.m > b.m))
                return false;
            int l1 = format_one(tmp, sizeof tmp, &a, circa);
            tmp[l1] = '/';
            len = l1 + 1 + format_one(tmp + l1 + 1, sizeof tmp - (size_t)l1 - 1, &b, circa);
        }
    }
    if (len < 0 || (size_t)len >= out_size)
        return false;
    memcpy(out, tmp, (size_t)len + 1);
    return true;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool timestamp_valid(const char *s)
{
    int y, m, d, v;
    if (!s || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > month_days[m - 1] || (m == 2 && d == 29 && !leap))
        return false;
    s += 10;
    if (!*s)
        return true;
    if (*s != 'T' || !digits(s + 1, 2, &v) || v > 23)
        return false;
    s += 3;
    /* minutes and seconds, each optional but in order */
    for (int part = 0; part < 2 && *s == ':'; part++, s += 3)
        if (!digits(s + 1, 2, &v) || v > 59)
            return false;
    if (*s == '.') {
        const char *f = ++s;
        while (*s >= '0' && *s <= '9')
            s++;
        if (s == f)
            return false;
    }
    if (*s == 'Z')
        s++;
    return *s == '\0';
}
