/* A word read from Arabic or Persian script against a name written in
 * Latin letters. Arabic script writes consonants and long vowels (alef,
 * waw, yeh) and leaves short vowels and doubled consonants unwritten, so
 * its transliteration is a skeleton ("mhmd", "khald", "sdyqy", "mwswy")
 * that a spelling measure compares badly with the vowelled forms the lists
 * write (Mohammad, Khalid, Seddiqi, Mousavi). Here the listed word is read
 * letter group by letter group (sh, kh, ou...) and the skeleton must
 * account for every consonant of it, in order, each group by one of the
 * sounds Latin spellings give that letter (q as k or g, dh as z or d, th
 * as s or t, ch as sh or kh...), the listed word's short vowels and
 * doubled letters being what the script leaves out. A long vowel written
 * twice in Latin (ou, oo, ee) must be written in the script too, so that
 * "mhmd" is not Mahmoud. */
#include "match.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The sounds a letter group may stand for, as bits. */
enum {
    S_Q = 1u << 0, S_K = 1u << 1, S_G = 1u << 2, S_GH = 1u << 3, S_KH = 1u << 4, S_H = 1u << 5,
    S_J = 1u << 6, S_ZH = 1u << 7, S_Z = 1u << 8, S_DH = 1u << 9, S_D = 1u << 10, S_S = 1u << 11,
    S_TH = 1u << 12, S_T = 1u << 13, S_SH = 1u << 14, S_CH = 1u << 15, S_F = 1u << 16, S_V = 1u << 17,
    S_W = 1u << 18, S_B = 1u << 19, S_P = 1u << 20, S_R = 1u << 21, S_L = 1u << 22, S_M = 1u << 23,
    S_N = 1u << 24, S_Y = 1u << 25,
};

enum unit_kind { CONSONANT, SHORT_VOWEL, LONG_VOWEL };

typedef struct unit {
    uint8_t kind;
    char vowel;     /* a, i (e, i, y), u (o, u, w): the vowel's quality */
    uint32_t sounds; /* consonants: the sounds it may stand for */
} unit;

#define UNITS 32

typedef struct group {
    const char *text;
    uint32_t listed; /* read in a listed (Latin) spelling */
    uint32_t script; /* read in a skeleton (the transliteration's own letter) */
} group;

/* Letter groups of two or three letters, then single letters: compared
 * for every letter of every word a skeleton meets, so found by their
 * first letter rather than by a scan of the table. */
static const group trigraphs[] = {
    {"sch", S_SH, S_SH},
    {"tch", S_CH, S_CH},
};
static const group digraphs[] = {
    {"sh", S_SH, S_SH},
    {"kh", S_KH | S_H, S_KH},
    {"gh", S_GH | S_G | S_Q, S_GH},
    {"zh", S_ZH | S_J, S_ZH},
    {"dh", S_DH | S_D | S_Z, S_DH},
    {"th", S_TH | S_T | S_S | S_DH, S_TH},
    {"ch", S_CH | S_SH | S_KH, S_CH},
    {"ph", S_F, S_F},
    {"dj", S_J, S_J},
    {"ck", S_K | S_Q, S_K},
};
/* by letter, a..z; {0, 0} for a vowel */
static const group letters[26] = {
    ['b' - 'a'] = {"b", S_B | S_P, S_B},
    ['c' - 'a'] = {"c", S_K | S_Q | S_S, S_K},
    ['d' - 'a'] = {"d", S_D | S_DH, S_D},
    ['f' - 'a'] = {"f", S_F, S_F},
    ['g' - 'a'] = {"g", S_G | S_GH | S_Q | S_J, S_G},
    ['h' - 'a'] = {"h", S_H | S_KH, S_H},
    ['j' - 'a'] = {"j", S_J | S_ZH, S_J},
    ['k' - 'a'] = {"k", S_K | S_Q, S_K},
    ['l' - 'a'] = {"l", S_L, S_L},
    ['m' - 'a'] = {"m", S_M, S_M},
    ['n' - 'a'] = {"n", S_N, S_N},
    ['p' - 'a'] = {"p", S_P | S_B, S_P},
    ['q' - 'a'] = {"q", S_Q, S_Q},
    ['r' - 'a'] = {"r", S_R, S_R},
    ['s' - 'a'] = {"s", S_S | S_TH, S_S},
    ['t' - 'a'] = {"t", S_T | S_TH, S_T},
    ['v' - 'a'] = {"v", S_V | S_W | S_F, S_V},
    ['w' - 'a'] = {"w", S_W | S_V, S_W},
    ['x' - 'a'] = {"x", S_KH, S_KH},
    ['y' - 'a'] = {"y", S_Y, S_Y},
    ['z' - 'a'] = {"z", S_Z | S_DH | S_ZH | S_D, S_Z},
};

/* The consonant group at s[i..n): its entry and length, or NULL. */
static const group *consonant_at(const char *s, size_t n, size_t i, size_t *len)
{
    for (size_t k = 0; k < sizeof trigraphs / sizeof *trigraphs && i + 3 <= n; k++)
        if (s[i] == trigraphs[k].text[0] && s[i + 1] == trigraphs[k].text[1] && s[i + 2] == trigraphs[k].text[2])
            return *len = 3, &trigraphs[k];
    for (size_t k = 0; k < sizeof digraphs / sizeof *digraphs && i + 2 <= n; k++)
        if (s[i] == digraphs[k].text[0] && s[i + 1] == digraphs[k].text[1])
            return *len = 2, &digraphs[k];
    if (s[i] < 'a' || s[i] > 'z' || !letters[s[i] - 'a'].text)
        return NULL;
    return *len = 1, &letters[s[i] - 'a'];
}

static bool vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

static char quality(char c) { return c == 'a' ? 'a' : c == 'e' || c == 'i' || c == 'y' ? 'i' : 'u'; }

/* The letter groups of a word; 0 when it has a letter outside a-z or is
 * too long. `script` reads the skeleton's own letters: w and v (waw) and y
 * (yeh) as long vowels that may also be consonants, a as alef. */
static size_t units_of(const char *s, size_t n, bool script, unit *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (k == UNITS)
            return 0;
        unit u = {CONSONANT, 0, 0};
        if (vowel(s[i])) {
            size_t run = 1;
            while (i + run < n && vowel(s[i + run]))
                run++;
            /* a vowel written twice (ou, oo, ee, aa) is long: the script
             * writes it; ai, ei, ia are two short ones */
            bool doubled = run == 2 && (s[i] == s[i + 1] || (s[i] == 'o' && s[i + 1] == 'u'));
            u.kind = script || doubled ? LONG_VOWEL : SHORT_VOWEL;
            u.vowel = quality(s[i]);
            i += doubled ? 2 : 1;
            out[k++] = u;
            continue;
        }
        size_t l;
        const group *g = consonant_at(s, n, i, &l);
        if (!g)
            return 0;
        u.sounds = script ? g->script : g->listed;
        /* a doubled consonant is written once (shadda) */
        if (k > 0 && out[k - 1].kind == CONSONANT && out[k - 1].sounds == u.sounds && !script) {
            i += l;
            continue;
        }
        if (script && (u.sounds & (S_W | S_V | S_Y))) {
            /* waw and yeh: a long vowel or a consonant */
            u.kind = LONG_VOWEL;
            u.vowel = u.sounds & S_Y ? 'i' : 'u';
        }
        out[k++] = u;
        i += l;
    }
    return k;
}

/* Whether script unit q may write listed unit c. */
static bool writes(const unit *q, const unit *c, bool first)
{
    if (q->kind == CONSONANT)
        return c->kind == CONSONANT && (q->sounds & c->sounds);
    if (q->vowel == 'a') /* alef: a; at the start (alef, ayn) any vowel */
        return c->kind != CONSONANT && (c->vowel == 'a' || first);
    /* waw, yeh: the long vowel, or the consonant (Fawaz, Sayyed) */
    if (c->kind == CONSONANT)
        return c->sounds & (q->vowel == 'u' ? (S_W | S_V) : S_Y);
    return c->vowel == q->vowel;
}

/* Alignment of script units q[i..] with listed units c[j..]: listed short
 * vowels may be left out, a listed final h after a vowel too (-ah, -eh),
 * a script waw or yeh may be unwritten in Latin, and a final yeh may be
 * written a (alef maqsura: Musa, Isa). */
static bool align(const unit *q, size_t nq, size_t i, const unit *c, size_t nc, size_t j, uint8_t *seen)
{
    if (i == nq && j == nc)
        return true;
    uint8_t *mark = &seen[i * (nc + 1) + j];
    if (*mark)
        return false;
    *mark = 1;
    /* not the first: a word beginning with a vowel begins with alef or ayn */
    if (j < nc && j > 0 && c[j].kind == SHORT_VOWEL && align(q, nq, i, c, nc, j + 1, seen))
        return true;
    if (j + 1 == nc && i == nq && c[j].kind == CONSONANT && (c[j].sounds & S_H) && j > 0 &&
        c[j - 1].kind != CONSONANT)
        return true;
    /* a waw or yeh written twice (داوود "dawwd") is written once in Latin
     * (Daoud); a single one is always written */
    if (i + 1 < nq && q[i].kind == LONG_VOWEL && q[i].vowel != 'a' && q[i + 1].kind == LONG_VOWEL &&
        q[i + 1].vowel == q[i].vowel && align(q, nq, i + 1, c, nc, j, seen))
        return true;
    /* the article's l before a sun letter is spoken as that letter
     * (abdalrhmn Abdurrahman, nwraldyn Nuruddin): unwritten in Latin */
    if (i > 0 && i + 1 < nq && q[i].kind == CONSONANT && q[i].sounds == S_L && q[i - 1].kind == LONG_VOWEL &&
        q[i - 1].vowel == 'a' && q[i + 1].kind == CONSONANT &&
        (q[i + 1].sounds & (S_T | S_TH | S_D | S_DH | S_R | S_Z | S_S | S_SH | S_N)) &&
        align(q, nq, i + 1, c, nc, j, seen))
        return true;
    /* a final heh (or one before a final yeh) writes a vowel, e or a
     * (Fatemeh, Zadeh, Khamene-i): Latin writes the vowel, or nothing */
    bool vowels_after = i < nq;
    for (size_t k = i + 1; k < nq && vowels_after; k++)
        vowels_after = q[k].kind == LONG_VOWEL;
    if (i < nq && q[i].kind == CONSONANT && q[i].sounds == S_H && i > 0 && vowels_after) {
        if (align(q, nq, i + 1, c, nc, j, seen))
            return true;
        if (j < nc && c[j].kind == SHORT_VOWEL && c[j].vowel != 'u' && align(q, nq, i + 1, c, nc, j + 1, seen))
            return true;
    }
    /* a final alef-yeh (Persian -ای) is one vowel, i or ei */
    if (i + 2 == nq && i > 0 && q[i].kind == LONG_VOWEL && q[i].vowel == 'a' && q[i + 1].kind == LONG_VOWEL &&
        q[i + 1].vowel == 'i' && align(q, nq, i + 1, c, nc, j, seen))
        return true;
    if (i < nq && j < nc) {
        /* the article's alef inside a name takes the vowel before it
         * (abdalhy Abdulhai, Abdelhai) */
        bool article = i > 0 && i + 1 < nq && q[i].kind == LONG_VOWEL && q[i].vowel == 'a' &&
                       q[i + 1].kind == CONSONANT && q[i + 1].sounds == S_L && c[j].kind == SHORT_VOWEL;
        bool fits = article || writes(&q[i], &c[j], i == 0 && j == 0) ||
                    (i + 1 == nq && j + 1 == nc && q[i].vowel == 'i' && c[j].kind != CONSONANT && c[j].vowel == 'a');
        if (fits && align(q, nq, i + 1, c, nc, j + 1, seen))
            return true;
    }
    return false;
}

/* Whether a listed word beginning with letter b may be written by a
 * skeleton beginning with a: most pairs differ here, and are not read. */
static bool first_letters_may_agree(char a, char b)
{
    if (a == b)
        return true;
    switch (a) {
    case 'a': return vowel(b);
    case 'q': return b == 'k' || b == 'g' || b == 'c';
    case 'k': return b == 'c' || b == 'q' || b == 'h';
    case 'g': return b == 'q' || b == 'j';
    case 'h': return b == 'k' || b == 'c' || b == 'x';
    case 'j': return b == 'g' || b == 'd' || b == 'z';
    case 'z': return b == 'd' || b == 'j';
    case 'd': return b == 'z';
    case 's': return b == 't' || b == 'c';
    case 't': return b == 's';
    case 'c': return b == 's' || b == 'k' || b == 't';
    case 'f': return b == 'p' || b == 'v';
    case 'v': case 'w': return b == 'v' || b == 'w' || b == 'o' || b == 'u';
    case 'y': return b == 'i' || b == 'e';
    case 'b': return b == 'p';
    case 'p': return b == 'b' || b == 'f';
    default: return false;
    }
}

bool match_skeleton_writes(const char *skeleton, size_t ls, const char *listed, size_t ll)
{
    if (ls == 0 || ll == 0 || !first_letters_may_agree(skeleton[0], listed[0]))
        return false;
    unit q[UNITS], c[UNITS];
    size_t nq = units_of(skeleton, ls, true, q), nc = units_of(listed, ll, false, c);
    if (nq < 3 || nc < 3)
        return false;
    /* the skeleton must be one (consonants, long vowels), the listed word
     * vowelled: two skeletons are compared by their spellings */
    size_t consonants = 0, vowels = 0;
    for (size_t i = 0; i < nq; i++)
        consonants += q[i].kind == CONSONANT;
    for (size_t j = 0; j < nc; j++)
        vowels += c[j].kind != CONSONANT;
    /* two consonants at least, or one in a short word (wly Wali, aly Ali):
     * a consonant and two vowel letters write too many names (ala Illah) */
    if (consonants < (ll <= 4 ? 1u : 2u) || vowels == 0)
        return false;
    /* the states (i, j) visited, as many as the two words have: this runs
     * for many word pairs of a query, and most words are short */
    uint8_t seen[(UNITS + 1) * (UNITS + 1)];
    memset(seen, 0, (nq + 1) * (nc + 1));
    return align(q, nq, 0, c, nc, 0, seen);
}

bool match_is_skeleton(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == 'e' || s[i] == 'i' || s[i] == 'o' || s[i] == 'u')
            return false;
    return n >= 2;
}
