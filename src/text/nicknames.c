/* Given names and the everyday forms that stand for them: the diminutives
 * of Russian, Ukrainian and Belarusian names (Sasha for Aleksandr and
 * Aleksandra, Zhenya for Yevgeniy, Volodya and Vova for Vladimir) as lists
 * give them among a person's names ("Sasha JOST" for Alexandra JOST,
 * "Micha" for Mikhail), and the common English ones (Bill, Bob, Jim).
 * No spelling rule connects a diminutive to its name, and one diminutive
 * may stand for several: a match through it says less than the name
 * itself, and scoring weighs it so (see match/scoring.c).
 *
 * Compiled for kordon from the standard hypocoristics of these languages
 * (facts of language, no external dataset); the full names are written as
 * the equivalence table in fold.c writes them (BGN/PCGN of the Russian
 * form), which is what makes Uladzimir's Volodya Vladimir's too. Sorted by
 * diminutive. */
#include "text_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct nickname {
    const char *nickname;
    const char *names; /* the full names it stands for, space-separated */
} nickname;

static const nickname nicknames[] = {
    {"alyosha", "aleksey"},
    {"arkasha", "arkadiy"},
    {"bill", "william"},
    {"billy", "william"},
    {"bob", "robert"},
    {"bobby", "robert"},
    {"borya", "boris"},
    {"dasha", "darya"},
    {"dick", "richard"},
    {"dima", "dmitriy"},
    {"fedya", "fyodor"},
    {"galya", "galina"},
    {"gena", "gennadiy"},
    {"grisha", "grigoriy"},
    {"jim", "james"},
    {"jimmy", "james"},
    {"katya", "yekaterina"},
    {"kolya", "nikolay"},
    {"kostya", "konstantin"},
    {"ksyusha", "kseniya"},
    {"lena", "yelena"},
    {"lesha", "aleksey"},
    {"lyosha", "aleksey"},
    {"lyuba", "lyubov"},
    {"lyuda", "lyudmila"},
    {"masha", "mariya"},
    {"micha", "mikhail"},
    {"mischa", "mikhail"},
    {"misha", "mikhail"},
    {"nadya", "nadezhda"},
    {"nastya", "anastasiya"},
    {"natasha", "natalya"},
    {"olya", "olga"},
    {"pasha", "pavel"},
    {"petya", "pyotr"},
    {"rick", "richard"},
    {"sanya", "aleksandr"},
    {"sasha", "aleksandr aleksandra"},
    {"serezha", "sergey"},
    {"seryozha", "sergey"},
    {"shura", "aleksandr aleksandra"},
    {"slava", "vyacheslav vladislav stanislav yaroslav"},
    {"sonya", "sofiya"},
    {"sveta", "svetlana"},
    {"tanya", "tatyana"},
    {"tolya", "anatoliy"},
    {"tom", "thomas"},
    {"tony", "anthony"},
    {"valera", "valeriy"},
    {"valya", "valentina valentin"},
    {"vanya", "ivan"},
    {"vika", "viktoriya"},
    {"vitya", "viktor"},
    {"volodya", "vladimir"},
    {"vova", "vladimir"},
    {"yulya", "yuliya"},
    {"yura", "yuriy"},
    {"zhenya", "yevgeniy yevgeniya"},
};

static int compare_nickname(const void *key, const void *entry)
{
    return strcmp(key, ((const nickname *)entry)->nickname);
}

size_t text_nickname_names(const char *s, size_t n, const char **names, size_t *lens, size_t cap)
{
    char word[16];
    if (n == 0 || n >= sizeof word)
        return 0;
    memcpy(word, s, n);
    word[n] = '\0';
    const nickname *e = bsearch(word, nicknames, sizeof nicknames / sizeof *nicknames, sizeof *nicknames,
                                compare_nickname);
    size_t k = 0;
    for (const char *p = e ? e->names : ""; *p && k < cap;) {
        size_t len = strcspn(p, " ");
        names[k] = p;
        lens[k++] = len;
        p += len + (p[len] == ' ');
    }
    return k;
}

bool text__nicknames_sorted(void)
{
    for (size_t i = 1; i < sizeof nicknames / sizeof *nicknames; i++)
        if (strcmp(nicknames[i - 1].nickname, nicknames[i].nickname) >= 0)
            return false;
    return true;
}
