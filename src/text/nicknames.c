/* Given names and the everyday forms that stand for them: the diminutives
 * of Russian, Ukrainian and Belarusian names (Sasha for Aleksandr and
 * Aleksandra, Zhenya for Yevgeniy, Volodya and Vova for Vladimir) as lists
 * give them among a person's names ("Sasha JOST" for Alexandra JOST,
 * "Micha" for Mikhail), the common English ones (Bill, Bob, Jim, Mike,
 * Patty) and the Spanish hypocoristics the lists give Latin American
 * persons (Nacho for Ignacio, Paco and Pancho for Francisco, Chuy for
 * Jesús, Memo for Guillermo, Wencho for Wenceslao).
 * No spelling rule connects a diminutive to its name, and one diminutive
 * may stand for several: a match through it says less than the name
 * itself, and scoring weighs it so (see match/scoring.c).
 *
 * Compiled for kordon from the standard hypocoristics of these languages
 * (facts of language, no external dataset; short forms that are words or
 * names in their own right, such as Will, Pat, Jack, Ted, are left out);
 * the full names are written as
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
    {"abby", "abigail"},
    {"alex", "aleksandr alexander aleksey alexis"},
    {"alyosha", "aleksey"},
    {"andy", "andrew"},
    {"arkasha", "arkadiy"},
    {"ben", "benjamin"},
    {"beth", "elizabeth"},
    {"beto", "alberto roberto"},
    {"betty", "elizabeth"},
    {"bill", "william"},
    {"billy", "william"},
    {"bob", "robert"},
    {"bobby", "robert"},
    {"borya", "boris"},
    {"chalo", "gonzalo"},
    {"charlie", "charles"},
    {"charo", "rosario"},
    {"chelo", "consuelo"},
    {"chepe", "jose"},
    {"chris", "christopher christian"},
    {"chucho", "jesus"},
    {"chuck", "charles"},
    {"chuy", "jesus"},
    {"danny", "daniel"},
    {"dasha", "darya"},
    {"dave", "david"},
    {"dick", "richard"},
    {"dima", "dmitriy"},
    {"eddie", "edward"},
    {"fedya", "fyodor"},
    {"fred", "frederick"},
    {"galya", "galina"},
    {"gena", "gennadiy"},
    {"goyo", "gregorio"},
    {"greg", "gregory"},
    {"grisha", "grigoriy"},
    {"hank", "henry"},
    {"jake", "jacob"},
    {"jeff", "jeffrey"},
    {"jim", "james"},
    {"jimmy", "james"},
    {"joe", "joseph"},
    {"joey", "joseph"},
    {"johnny", "john"},
    {"kate", "katherine catherine"},
    {"kathy", "katherine catherine"},
    {"katya", "yekaterina"},
    {"kolya", "nikolay"},
    {"kostya", "konstantin"},
    {"ksyusha", "kseniya"},
    {"lalo", "eduardo"},
    {"larry", "lawrence"},
    {"lena", "yelena"},
    {"lencho", "lorenzo"},
    {"lesha", "aleksey"},
    {"licha", "alicia"},
    {"liz", "elizabeth"},
    {"lupe", "guadalupe"},
    {"lyosha", "aleksey"},
    {"lyuba", "lyubov"},
    {"lyuda", "lyudmila"},
    {"maggie", "margaret"},
    {"masha", "mariya"},
    {"matt", "matthew"},
    {"meche", "mercedes"},
    {"memo", "guillermo"},
    {"micha", "mikhail"},
    {"mike", "michael"},
    {"mischa", "mikhail"},
    {"misha", "mikhail"},
    {"moncho", "ramon"},
    {"nacho", "ignacio"},
    {"nadya", "nadezhda"},
    {"nando", "fernando"},
    {"nastya", "anastasiya"},
    {"natasha", "natalya"},
    {"nick", "nicholas"},
    {"olya", "olga"},
    {"paco", "francisco"},
    {"pancho", "francisco"},
    {"pasha", "pavel"},
    {"patty", "patricia"},
    {"peggy", "margaret"},
    {"pepe", "jose"},
    {"pete", "peter"},
    {"petya", "pyotr"},
    {"poncho", "alfonso"},
    {"quique", "enrique"},
    {"rafa", "rafael"},
    {"rick", "richard"},
    {"ron", "ronald"},
    {"sanya", "aleksandr"},
    {"sasha", "aleksandr aleksandra"},
    {"serezha", "sergey"},
    {"seryozha", "sergey"},
    {"shura", "aleksandr aleksandra"},
    {"slava", "vyacheslav vladislav stanislav yaroslav"},
    {"sonya", "sofiya"},
    {"steve", "steven stephen"},
    {"sue", "susan"},
    {"sveta", "svetlana"},
    {"tanya", "tatyana"},
    {"tim", "timothy"},
    {"tolya", "anatoliy"},
    {"tom", "thomas"},
    {"tono", "antonio"},
    {"tony", "anthony"},
    {"valera", "valeriy"},
    {"valya", "valentina valentin"},
    {"vanya", "ivan"},
    {"vicky", "victoria"},
    {"vika", "viktoriya"},
    {"vitya", "viktor"},
    {"volodya", "vladimir"},
    {"vova", "vladimir"},
    {"wencho", "wenceslao"},
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
