/* A Russian reading of a name romanised from Belarusian.
 *
 * The lists write Belarusians as their passports do (Tsikhanau, Dzmitry,
 * Liabiodzau, Kavaleu) and often list the Russian form too (Tikhonov,
 * Dmitriy, Lebedev, Kovalev); a customer file or a news text has either.
 * Spelling keys join what Belarusian and Russian spell alike, and the
 * given-name table the given names; the family names differ in the few
 * places where the languages' sounds differ, always the same way:
 *   дз, ць (dz, ts before a front vowel)  Russian д, т  (Dzmitry, Tsitou)
 *   я, ё, е after a consonant (ia, io, ie)  Russian е     (Liabiodzau)
 *   ў after a vowel (au, ou, eu)            Russian в     (Navumau, Kavaleu)
 *   г (h)                                   Russian г (g) (Hancharuk)
 * A name gets this second form only when a word of it shows Belarusian
 * (dz before a vowel or m, ts before i or e, -au/-ou/-eu after a
 * consonant, -avich/-auna); the form as written stays the first. Facts of
 * the two languages' spelling, written for kordon; public domain. */
#include "text_internal.h"

#include <stdbool.h>
#include <string.h>


/* Whether a word shows Belarusian beyond doubt: dz or ts softened before
 * i or e (Dzmitry, Dzianis, Tsikhanouski), a Belarusian patronymic. */
static bool belarusian_word(const char *w, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (w[i] == 'd' && w[i + 1] == 'z' && (w[i + 2] == 'i' || w[i + 2] == 'e' || w[i + 2] == 'm'))
            return true;
        if (w[i] == 't' && w[i + 1] == 's' && (w[i + 2] == 'i' || w[i + 2] == 'e') && i + 3 < n && text__vowel_y(w[i + 3]))
            return true;
    }
    return text__ends_with(w, n, "avich") || text__ends_with(w, n, "auna") || text__ends_with(w, n, "awna");
}

/* A given name the table knows as Belarusian (Siarhei, Aliaksandr) */
static bool belarusian_given_name(const char *w, size_t n)
{
    const char *language = NULL;
    return text__name_language(w, n, &language) && strcmp(language, "be") == 0;
}

/* A family name ending as Belarusian ones do, -au, -ou, -eu after a
 * consonant (Navumau, Kazlou, Kavaleu): French and African names end so
 * too (Moreau, Soussou, Shekau), so it counts only beside a Belarusian
 * word or another such name. */
static bool belarusian_ending(const char *w, size_t n)
{
    return n >= 5 && ((!text__vowel_y(w[n - 3]) && (text__ends_with(w, n, "au") || text__ends_with(w, n, "ou") || text__ends_with(w, n, "eu"))) ||
                      text__ends_with(w, n, "enka"));
}

/* The Russian reading of one word into out (a text__word_reader). */
static int read_word(const char *w, size_t n, const void *ctx, buf *out)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        char c = w[i], next = i + 1 < n ? w[i + 1] : '\0';
        char after = i + 2 < n ? w[i + 2] : '\0';
        /* dz (not dzh, Russian's own dzh) and ts before a front vowel:
         * the soft d and t */
        if (c == 'd' && next == 'z' && after != 'h') {
            if (buf_append_char(out, 'd'))
                return KD_ENOMEM;
            i++;
            continue;
        }
        if (c == 't' && next == 's' && (after == 'i' || after == 'e')) {
            if (buf_append_char(out, 't'))
                return KD_ENOMEM;
            i++;
            continue;
        }
        /* ia, io, ie after a consonant: я, ё, е, read е */
        if (c == 'i' && i > 0 && !text__vowel_y(w[i - 1]) && (next == 'a' || next == 'o' || next == 'e')) {
            if (buf_append_char(out, 'e'))
                return KD_ENOMEM;
            i++;
            continue;
        }
        /* ў: u after a, o, e, before a consonant or at the end */
        if (c == 'u' && i > 0 && (w[i - 1] == 'a' || w[i - 1] == 'o' || w[i - 1] == 'e') &&
            (next == '\0' || !text__vowel_y(next))) {
            if (buf_append_char(out, 'v'))
                return KD_ENOMEM;
            continue;
        }
        /* г: an h that is no part of kh, sh, zh, ch, th */
        if (c == 'h' && !(i > 0 && strchr("kszct", w[i - 1]))) {
            if (buf_append_char(out, 'g'))
                return KD_ENOMEM;
            continue;
        }
        if (buf_append_char(out, c))
            return KD_ENOMEM;
    }
    return KD_OK;
}

int text__belarusian_reading(const char *form, size_t n, buf *out)
{
    size_t strong = 0, endings = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && form[j] != ' ')
            j++;
        strong += belarusian_word(form + i, j - i);
        endings += belarusian_ending(form + i, j - i);
        i = j + 1;
    }
    /* a Belarusian given name counts beside a Belarusian family name
     * ending (looked up only then: this runs for every name) */
    for (size_t i = 0; i < n && strong == 0 && endings == 1;) {
        size_t j = i;
        while (j < n && form[j] != ' ')
            j++;
        strong += belarusian_given_name(form + i, j - i);
        i = j + 1;
    }
    if (strong == 0 && endings < 2)
        return 0;
    return text__read_form(form, n, read_word, NULL, out);
}
