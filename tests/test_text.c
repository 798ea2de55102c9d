/* Name normalisation: romanised forms across scripts, legal forms and token
 * classes, and spelling-family keys that make transliterations collide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text/text.h"
#include "text/text_internal.h" /* the diminutives table's order */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uclean.h>

static text_normaliser *norm;

static int setup(void **state)
{
    (void)state;
    kd_error err = {0};
    return text_normaliser_new(&norm, &err);
}

static int teardown(void **state)
{
    (void)state;
    text_normaliser_free(norm);
    u_cleanup(); /* ICU's process-wide caches, so leak checkers see none */
    return 0;
}

/* Forms of name as a " | "-joined string, for messages and exact checks. */
static int forms_of(const char *name, buf *out)
{
    return text_name_forms(norm, name, strlen(name), out);
}

static char *joined(const buf *forms)
{
    static char s[4096];
    s[0] = '\0';
    for (size_t i = 0; i < forms->len; i += strlen(forms->data + i) + 1) {
        if (s[0])
            strncat(s, " | ", sizeof s - strlen(s) - 1);
        strncat(s, forms->data + i, sizeof s - strlen(s) - 1);
    }
    return s;
}

static bool has_form(const buf *forms, const char *want)
{
    for (size_t i = 0; i < forms->len; i += strlen(forms->data + i) + 1)
        if (strcmp(forms->data + i, want) == 0)
            return true;
    return false;
}

/* Keys of a form or of an ASCII phrase, e.g. "avhna prmkv". */
static char *keys_of(const char *form)
{
    static char s[2][1024];
    static int which;
    char *k = s[which ^= 1];
    buf b = {0};
    assert_int_equal(text_form_keys(form, strlen(form), &b), 0);
    snprintf(k, sizeof s[0], "%s", b.data ? b.data : "");
    buf_free(&b);
    return k;
}

static void assert_key_eq(const char *a, const char *b)
{
    char ka[64], kb[64];
    text_token_key(a, strlen(a), ka, sizeof ka);
    text_token_key(b, strlen(b), kb, sizeof kb);
    if (strcmp(ka, kb) != 0)
        fail_msg("key(%s) = %s but key(%s) = %s", a, ka, b, kb);
}

/* Some form of name has the same key sequence as the (ASCII) phrase. */
static void assert_some_form_keys(const char *name, const char *phrase)
{
    buf f = {0};
    assert_true(forms_of(phrase, &f) >= 1); /* its first form: as written */
    char want[512];
    snprintf(want, sizeof want, "%s", keys_of(f.data));
    assert_true(forms_of(name, &f) > 0);
    bool ok = false;
    for (size_t i = 0; i < f.len && !ok; i += strlen(f.data + i) + 1)
        ok = strcmp(keys_of(f.data + i), want) == 0;
    if (!ok)
        fail_msg("no form of %s keys as %s (%s); forms: %s", name, phrase, want, joined(&f));
    buf_free(&f);
}

static void test_primakov_cyrillic(void **state)
{
    (void)state;
    buf f = {0};
    int n = forms_of("Евгений Александрович ПРИМАКОВ", &f);
    assert_int_equal(n, 2);
    assert_true(has_form(&f, "yevgeniy aleksandrovich primakov"));
    assert_true(has_form(&f, "evgenij aleksandrovich primakov"));
    /* Every form, token by token, keys like the EU list's spelling. */
    char want[256];
    snprintf(want, sizeof want, "%s", keys_of("evgeny alexandrovich primakov"));
    for (size_t i = 0; i < f.len; i += strlen(f.data + i) + 1)
        assert_string_equal(keys_of(f.data + i), want);
    buf_free(&f);
}

static void test_spelling_families(void **state)
{
    (void)state;
    const char *evgeny[] = {"evgeny", "yevgeniy", "evgenii", "evgenij", "jewgeni",
                            "yevgeni", "evgeniy", "ievgenii", "evhenyy", "eugene"};
    for (size_t i = 1; i < KD_ARRAY_LEN(evgeny); i++)
        assert_key_eq(evgeny[0], evgeny[i]);
    assert_key_eq("primakov", "primakow");
    assert_key_eq("primakov", "primakoff");
    const char *muhammad[] = {"mohammed", "muhammad", "mohamed", "mohammad", "muhamad",
                              "magomed", "mhmd"};
    for (size_t i = 1; i < KD_ARRAY_LEN(muhammad); i++)
        assert_key_eq(muhammad[0], muhammad[i]);
    const char *alexander[] = {"aleksandr", "alexander", "aleksander", "oleksandr",
                               "aliaksandr", "alyaksandr"};
    for (size_t i = 1; i < KD_ARRAY_LEN(alexander); i++)
        assert_key_eq(alexander[0], alexander[i]);
    assert_key_eq("alexandrovich", "aleksandrovic");
    assert_key_eq("alexandrovich", "alexandrowitsch");
    assert_key_eq("rossotrudnichestvo", "rossotrudnitschestwo");
    assert_key_eq("rossotrudnichestvo", "russotrudnichestvo");
    assert_key_eq("lukashenko", "lukashenka");
    assert_key_eq("khrushchev", "khrouchtchev");
    assert_key_eq("shostakovich", "chostakovitch");
    assert_key_eq("kuznetsov", "kuznetzow");
    assert_key_eq("joseph", "iosif");
    assert_key_eq("joseph", "yusuf");
    assert_key_eq("usama", "osama");
    assert_key_eq("usama", "usamah");
    assert_key_eq("khalid", "halid");
    assert_key_eq("khalilov", "xalilov");
    assert_key_eq("gaddafi", "gadhafi");
    assert_key_eq("salih", "slh"); /* صالح: the h is ḥ */
    assert_key_eq("saleh", "salih");
    assert_key_eq("abdallah", "abdullah");
    /* ... and what must stay apart. */
    char a[16], b[16];
    text_token_key("al", 2, a, sizeof a);
    text_token_key("ali", 3, b, sizeof b);
    assert_string_not_equal(a, b);
    text_token_key("ivanov", 6, a, sizeof a);
    text_token_key("petrov", 6, b, sizeof b);
    assert_string_not_equal(a, b);
    text_token_key("primakov", 8, a, sizeof a);
    assert_string_equal(a, "prmkv");
    text_token_key("yevgeniy", 8, a, sizeof a);
    assert_string_equal(a, "avhna");
}

static void test_key_edges(void **state)
{
    (void)state;
    char k[8];
    assert_int_equal(text_token_key("", 0, k, sizeof k), 0);
    assert_string_equal(k, "");
    assert_int_equal(text_token_key("737", 3, k, sizeof k), 3);
    assert_string_equal(k, "737");
    assert_int_equal(text_token_key("ooo", 3, k, sizeof k), 1);
    assert_string_equal(k, "a");
    /* Truncated, never overflowing. */
    assert_int_equal(text_token_key("rossotrudnichestvo", 18, k, 4), 3);
    assert_string_equal(k, "rst");
    assert_int_equal(text_token_key("abc", 3, k, 0), 0);
    assert_int_equal(text_token_key("Primakov!", 9, k, sizeof k), 5);
    assert_string_equal(k, "prmkv");
    char big[200 * 1024];
    memset(big, 'x', sizeof big);
    char kb[TEXT_KEY_SIZE(64)];
    assert_true(text_token_key(big, sizeof big, kb, sizeof kb) < sizeof kb);
}

static void test_cross_script_keys(void **state)
{
    (void)state;
    assert_some_form_keys("Россотрудничество", "Rossotrudnitschestwo");
    assert_some_form_keys("Россотрудничество", "Rossotrudnichestvo");
    assert_string_equal(keys_of("jewgeni primakow"), keys_of("evgeny primakov"));
    assert_some_form_keys("Əliyev", "Aliyev");
    assert_some_form_keys("Алиев", "Aliyev");
    assert_some_form_keys("Ильхам Алиев", "Ilham Aliyev");
    assert_some_form_keys("عبد الحي سالك", "abd al hayy salik");
    assert_some_form_keys("Аляксандр Лукашэнка", "Aliaksandr Lukashenka");
    assert_some_form_keys("Аляксандр Лукашэнка", "Aleksandr Lukashenko");
    assert_some_form_keys("Олександр Юрійович Щербина", "Oleksandr Yuriyovych Shcherbyna");
    assert_some_form_keys("أسامة بن لادن", "Usama bin Laden");
    assert_some_form_keys("محمد", "Mohammed");
    assert_some_form_keys("عبدالله الالفي", "Abdullah al-Alfi");
    assert_some_form_keys("صلاح الدين", "Salahaldin");
    assert_some_form_keys("عبد القادر", "Abdelkader");
    assert_some_form_keys("Магомед", "Muhammad");
}

/* One given name in Belarusian, Ukrainian and Russian (and English) shares
 * a key, and the table says which languages; other names do not. */
static void test_name_equivalents(void **state)
{
    (void)state;
    assert_string_equal(keys_of("uladzimir"), keys_of("vladimir"));
    assert_string_equal(keys_of("volodymyr"), keys_of("vladimir"));
    assert_string_equal(keys_of("ihar mikalai"), keys_of("igor nikolay"));
    assert_string_equal(keys_of("yauhen"), keys_of("yevgeniy"));
    assert_some_form_keys("Уладзімір", "Vladimir");
    /* Belarusian -au/-ou is Russian -ov; -eau and short words keep theirs */
    assert_string_equal(keys_of("herasimau"), keys_of("gerasimov"));
    assert_string_equal(keys_of("lukashou"), keys_of("lukashov"));
    assert_string_not_equal(keys_of("moreau"), keys_of("morev"));
    assert_string_not_equal(keys_of("zhou"), keys_of("zhov"));
    const char *a = NULL, *b = NULL;
    assert_true(text_name_equivalence("uladzimir", 9, "vladimir", 8, &a, &b));
    assert_string_equal(a, "be");
    assert_string_equal(b, "ru");
    assert_true(text_name_equivalence("volodymyr", 9, "uladzimir", 9, &a, &b));
    assert_string_equal(a, "uk");
    assert_string_equal(b, "be");
    assert_true(text_name_equivalence("michael", 7, "mikhail", 7, NULL, NULL));
    assert_false(text_name_equivalence("vladimir", 8, "vladislav", 9, NULL, NULL));
    assert_false(text_name_equivalence("vladimir", 8, "vladimir", 8, NULL, NULL)); /* the same word, no entry */
    assert_false(text_name_equivalence("uladzimir", 9, "uladzislau", 10, NULL, NULL));
    assert_false(text_name_equivalence("", 0, "vladimir", 8, NULL, NULL));
    /* diminutives: the names they stand for, as the table above writes them */
    const char *names[4];
    size_t lens[4];
    assert_true(text__nicknames_sorted());
    assert_int_equal(text_nickname_names("sasha", 5, names, lens, 4), 2);
    assert_memory_equal(names[0], "aleksandr", lens[0]);
    assert_memory_equal(names[1], "aleksandra", lens[1]);
    assert_int_equal(text_nickname_names("slava", 5, names, lens, 2), 2); /* at most cap */
    assert_int_equal(text_nickname_names("vladimir", 8, names, lens, 4), 0);
    assert_int_equal(text_nickname_names("sash", 4, names, lens, 4), 0);
    assert_int_equal(text_nickname_names("", 0, names, lens, 4), 0);
    /* Spanish and English hypocoristics; not short forms that are names of their own */
    assert_int_equal(text_nickname_names("nacho", 5, names, lens, 4), 1);
    assert_memory_equal(names[0], "ignacio", lens[0]);
    assert_int_equal(text_nickname_names("paco", 4, names, lens, 4), 1);
    assert_memory_equal(names[0], "francisco", lens[0]);
    assert_int_equal(text_nickname_names("patty", 5, names, lens, 4), 1);
    assert_int_equal(text_nickname_names("jack", 4, names, lens, 4), 0);
    /* words of Russian organisation names and their English */
    assert_string_equal(keys_of("zavod"), keys_of("plant"));
    assert_string_equal(keys_of("nauchno issledovatelskiy institut"), keys_of("scientific research institute"));
    assert_string_equal(keys_of("predpriyatie"), keys_of("enterprise"));
    assert_true(text_name_equivalence("inzhiniring", 11, "engineering", 11, &a, &b));
    assert_string_equal(a, "ru");
    assert_string_equal(b, "en");
}

static char *loose_of(const char *word)
{
    static char out[2][64];
    static int which;
    which ^= 1;
    text_token_loose_key(word, strlen(word), out[which], sizeof out[which]);
    return out[which];
}

/* Loose keys merge what romanisation systems exchange, nothing else. */
/* Korean words as every romanisation writes them share one key; words
 * that no Korean syllables make have none. */
static void test_korean_keys(void **state)
{
    (void)state;
    static const char *const same[][2] = {
        {"jong", "chong"}, {"bong", "pong"}, {"gwang", "kwang"}, {"gyom", "kyom"}, {"bak", "pak"},
        {"seo", "so"},     {"thaek", "taek"}, {"jang", "chang"}, {"geum", "kum"},  {"ssang", "sang"},
    };
    char a[64], b[64];
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        size_t la = text_korean_key(same[i][0], strlen(same[i][0]), a, sizeof a);
        size_t lb = text_korean_key(same[i][1], strlen(same[i][1]), b, sizeof b);
        assert_true(la > 0);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
    }
    static const char *const apart[][2] = {{"song", "jong"}, {"kim", "kam"}, {"choe", "choi"}, {"nam", "man"}};
    for (size_t i = 0; i < sizeof apart / sizeof apart[0]; i++) {
        size_t la = text_korean_key(apart[i][0], strlen(apart[i][0]), a, sizeof a);
        size_t lb = text_korean_key(apart[i][1], strlen(apart[i][1]), b, sizeof b);
        assert_false(la == lb && memcmp(a, b, la) == 0);
    }
    /* not Korean: letters Korean lacks, consonant clusters, long words */
    assert_int_equal(text_korean_key("zhang", 5, a, sizeof a), 0);
    assert_int_equal(text_korean_key("strachan", 8, a, sizeof a), 0);
    assert_int_equal(text_korean_key("alexandrovich", 13, a, sizeof a), 0);
    assert_int_equal(text_korean_key("", 0, a, sizeof a), 0);
    assert_int_equal(text_korean_key("jong", 4, a, 2), 0); /* no room */
}

static void test_loose_keys(void **state)
{
    (void)state;
    assert_string_equal(loose_of("sadeq"), loose_of("sadegh"));         /* Persian q/gh */
    assert_string_equal(loose_of("ghathafi"), loose_of("gaddafi"));     /* Arabic th/d */
    assert_string_equal(loose_of("qadhafi"), loose_of("gaddafi"));
    assert_string_equal(loose_of("valiantsina"), loose_of("valentina")); /* Belarusian ts */
    assert_string_equal(loose_of("genadzeuna"), loose_of("gennadevna")); /* dz, and ў as v */
    assert_string_equal(loose_of("haniyeh"), loose_of("haniya"));       /* final -eh */
    assert_string_not_equal(loose_of("yousef"), loose_of("yovsef"));    /* ou stays a vowel */
    assert_string_not_equal(loose_of("fahad"), loose_of("fayad"));      /* other letters */
    assert_string_not_equal(loose_of("karimov"), loose_of("kasimov"));
    assert_int_equal(text_token_loose_key("1234", 4, (char[16]){0}, 16), 0);
    /* "Abdul" alone splits as it does in a compound */
    buf f = {0};
    assert_int_equal(forms_of("Abdul RAUF", &f), 1);
    assert_string_equal(f.data, "abd ul rauf");
    assert_int_equal(forms_of("Abdulov", &f), 1); /* a surname stays whole */
    assert_string_equal(f.data, "abdulov");
    /* Greek as modern Greek reads it, beside Any-Latin's ancient reading */
    assert_true(forms_of("Βλαντιμίρ Πούτιν", &f) >= 2);
    assert_true(has_form(&f, "vlantimir poutin"));
    buf_free(&f);
}

/* A bracket holds a second name ("Long Name (ACRONYM)"), not a gloss or
 * the body's legal form. */
static void test_parenthetical_names(void **state)
{
    (void)state;
    buf out = {0}, in = {0};
    assert_true(text_split_parenthetical("Islamic Revolutionary Guard Corps (IRGC)", &out, &in));
    assert_string_equal(in.data, "IRGC");
    assert_true(text_split_parenthetical("Nordlase LLC (OOO Nordlase)", &out, &in));
    assert_false(text_split_parenthetical("ONE CLASS PROPERTIES (PTY) LTD.", &out, &in));
    assert_false(text_split_parenthetical("GOLDEN FISH (S.A.L.)", &out, &in));
    assert_false(text_split_parenthetical("Hydro Plant (power)", &out, &in));
    assert_false(text_split_parenthetical("No bracket here", &out, &in));
    buf_free(&out);
    buf_free(&in);
}

static void test_script_forms(void **state)
{
    (void)state;
    buf f = {0};
    assert_int_equal(forms_of("Аляксандр Лукашэнка", &f), 2);
    assert_true(has_form(&f, "alyaksandr lukashenka"));
    assert_true(forms_of("Олександр Юрійович Щербина", &f) >= 2);
    assert_true(has_form(&f, "oleksandr yuriyovych shcherbyna"));
    assert_true(has_form(&f, "oleksandr yuriyovich shcherbina"));
    assert_true(forms_of("عبد الحي سالك", &f) >= 1);
    assert_true(has_form(&f, "abd al hy salk"));
    /* Persian qaf and ghain as Iranians write them, beside BGN's q */
    assert_true(forms_of("سعید آقاجانی", &f) >= 2 && has_form(&f, "sayd aghajany") && has_form(&f, "sayd aqajany"));
    assert_true(forms_of("أحمد", &f) >= 1);
    assert_true(has_form(&f, "ahmd"));
    assert_int_equal(forms_of("Əliyev", &f), 1);
    assert_true(has_form(&f, "aliyev"));
    assert_int_equal(forms_of("Xəlilov", &f), 2);
    assert_true(has_form(&f, "xalilov") && has_form(&f, "khalilov"));
    assert_int_equal(forms_of("Şahin Çelik", &f), 2);
    assert_true(has_form(&f, "sahin celik") && has_form(&f, "shahin chelik"));
    /* Korean: the lists' system and the Revised Romanization, a name alone
     * syllable by syllable, a given name beside a family name as one word */
    assert_int_equal(forms_of("김정은", &f), 2);
    assert_true(has_form(&f, "kim jong un") && has_form(&f, "gim jeong eun"));
    assert_true(forms_of("조경철", &f) == 2 && has_form(&f, "jo kyong chol") && has_form(&f, "jo gyeong cheol"));
    /* A Latin name written from Belarusian has a Russian reading too
     * (dz, ts soft; ia after a consonant; u after a vowel is v; h is g);
     * a French -eau is no Belarusian -au */
    assert_true(forms_of("Dzmitry Mikalaevich TSIKHANAU", &f) == 2 &&
                has_form(&f, "dmitry mikalaevich tikhanav"));
    assert_true(forms_of("Siarhei Piatrovich KAVALEU", &f) == 2 && has_form(&f, "sergei petrovich kavalev"));
    assert_int_equal(forms_of("Jean MOREAU", &f), 1);
    /* ... and one written for German or French readers its English one */
    assert_true(forms_of("Wladimir Wladimirowitsch Putin", &f) == 2 && has_form(&f, "vladimir vladimirovich putin"));
    assert_true(forms_of("Chalid Jussuf al-Dschaburi", &f) == 2 && has_form(&f, "khalid yussuf al jaburi"));
    assert_true(forms_of("Evgueni Viktorovitch Prigojine", &f) == 2 &&
                has_form(&f, "evgeni viktorovich prigozhin"));
    assert_int_equal(forms_of("Juan Carlos Perez", &f), 1);
    assert_true(forms_of("Władimir Władimirowicz Putin", &f) == 2 && has_form(&f, "vladimir vladimirovich putin"));
    assert_int_equal(forms_of("Jan Kowalski", &f), 1);
    assert_int_equal(forms_of("Vladimir Putin", &f), 1);
    /* Indonesian sy, Basque tx, Somali c (ʿayn), x and long vowels: read
     * the English way only when the name shows the system */
    assert_true(forms_of("Abu Bakar Ba'asyir", &f) == 2 && has_form(&f, "abu bakar baashir"));
    assert_true(forms_of("Jose Antonio Urrutikoetxea", &f) == 2 && has_form(&f, "jose antonio urrutikoechea"));
    assert_true(forms_of("Yasiin Cali Baynax", &f) == 2 && has_form(&f, "yasin ali baynah"));
    assert_true(forms_of("Cabdullahi Cusman Maxamed", &f) == 2 && has_form(&f, "abdullahi usman mahamed"));
    assert_int_equal(forms_of("Alexander Maxim", &f), 1);  /* x, but no c nor long vowel */
    assert_int_equal(forms_of("Carla Isaacs", &f), 1);     /* c and a long vowel, but no x */
    assert_int_equal(forms_of("Sydney Afanasyev", &f), 1); /* sy before no vowel, Russian sye */
    assert_int_equal(forms_of("Dmitry Ovsyannikov", &f), 1); /* Russian sya in a Russian surname */
    /* McCune-Reischauer voices k, t, p inside a given name after a vowel
     * or a nasal, as the lists write RI Yong Gil; not the given name's
     * first (Pak Pong Ju) */
    assert_true(forms_of("리영길", &f) >= 1 && has_form(&f, "ri yong gil"));
    assert_true(forms_of("김영복", &f) >= 1 && has_form(&f, "kim yong bok"));
    assert_true(forms_of("박봉주", &f) >= 1 && has_form(&f, "pak pong ju"));
    assert_true(forms_of("광수 이", &f) >= 1 && has_form(&f, "kwangsu i"));
    assert_true(forms_of("박 정수 철", &f) >= 1 && has_form(&f, "pak jongsu chol"));
    /* Chinese: a character a syllable; the words of company names in English */
    assert_true(forms_of("张晓明", &f) >= 1 && has_form(&f, "zhang xiao ming"));
    assert_true(forms_of("巨航航空科技（深圳）有限公司", &f) >= 1 &&
                has_form(&f, "ju hang aviation technology shen zhen co ltd"));
    assert_true(forms_of("中國石油(香港)有限公司", &f) >= 1 && has_form(&f, "china oil hong kong co ltd"));
    assert_int_equal(forms_of("Γιώργος Παπαδόπουλος", &f), 1);
    assert_true(has_form(&f, "giorgos papadopoulos"));
    assert_int_equal(forms_of("გიორგი", &f), 1);
    assert_true(has_form(&f, "giorgi"));
    assert_int_equal(forms_of("Արմեն", &f), 1);
    assert_true(has_form(&f, "armen"));
    assert_int_equal(forms_of("金正恩", &f), 1);
    assert_true(has_form(&f, "jin zheng en"));
    assert_int_equal(forms_of("ʿAbd al-Ḥayy", &f), 1);
    assert_string_equal(keys_of(f.data), keys_of("abd al hayy"));
    /* BGN's hard sign joins; Arabic abd-al compounds split. */
    assert_true(forms_of("Научно-Производственное Объединение", &f) >= 1);
    assert_true(has_form(&f, "nauchno proizvodstvennoye obyedineniye"));
    assert_true(forms_of("عبدالحميد", &f) >= 1);
    assert_true(has_form(&f, "abd al hmyd"));
    /* Latin look-alikes typed into Cyrillic: the Latin I is Ukrainian і. */
    assert_int_equal(forms_of("Олексій ЗIНЧЕНКО", &f), 2);
    assert_true(has_form(&f, "oleksiy zinchenko"));
    assert_true(forms_of("PRIMAKOV (ПРИМАКОВ)", &f) >= 1);
    assert_true(has_form(&f, "primakov primakov"));
    /* Mixed Latin and Cyrillic, as the EU lists write aliases. */
    assert_true(forms_of("PRIMAKOV Yevgeny (ПРИМАКОВ Евгений)", &f) >= 1);
    assert_true(has_form(&f, "primakov yevgeny primakov yevgeniy"));
    buf_free(&f);
}

static void test_tokenising(void **state)
{
    (void)state;
    buf f = {0};
    assert_int_equal(forms_of("al-Qaida", &f), 1);
    assert_string_equal(f.data, "al qaida");
    assert_int_equal(forms_of("O'Brien", &f), 1);
    assert_string_equal(f.data, "obrien");
    assert_int_equal(forms_of("O’Brien", &f), 1);
    assert_string_equal(f.data, "obrien");
    assert_int_equal(forms_of("  J.R.R. Tolkien, Jr.  ", &f), 1);
    assert_string_equal(f.data, "jrr tolkien jr"); /* three initials one word: scoring reads them as initials */
    /* Arabic compounds split as Arabic script writes them. */
    assert_int_equal(forms_of("Abdelkader Noureddine Khayrallah", &f), 1);
    assert_string_equal(f.data, "abd el kader nour ed dine khayr allah");
    assert_int_equal(forms_of("Abderrahmane Abdullah Salahuddin", &f), 1);
    assert_string_equal(f.data, "abd er rahmane abd ullah salah ud din");
    assert_int_equal(forms_of("Isabella Mullah Borodin Abdulov Abdoulaye", &f), 1);
    assert_string_equal(f.data, "isabella mullah borodin abdulov abdoulaye");
    assert_int_equal(forms_of("imeni S.A. Afanasyeva", &f), 1);
    assert_string_equal(f.data, "imeni s a afanasyeva");
    /* three dotted letters or more are an acronym (or initials scoring reads as such) */
    assert_int_equal(forms_of("A.B.C. Company", &f), 1);
    assert_string_equal(f.data, "abc co");
    assert_int_equal(forms_of("M/V \"OCEAN  STAR-1\"", &f), 1);
    assert_string_equal(f.data, "m v ocean star 1");
    assert_int_equal(forms_of("Müller-Lüdenscheidt", &f), 1);
    assert_string_equal(f.data, "muller ludenscheidt");
    assert_int_equal(forms_of("", &f), 0);
    assert_int_equal(f.len, 0);
    assert_int_equal(forms_of(" -- ,. ", &f), 0);
    assert_int_equal(forms_of("«»", &f), 0);
    buf_free(&f);
}

/* Every form of name holds the name tokens `names` (space separated,
 * compared by key) and exactly the legal token `legal`. */
static void assert_legal(const char *name, const char *names, const char *legal)
{
    buf f = {0};
    assert_true(forms_of(name, &f) >= 1);
    for (size_t i = 0; i < f.len; i += strlen(f.data + i) + 1) {
        char got_names[256] = "", got_legal[64] = "";
        const char *t = f.data + i;
        while (*t) {
            size_t l = strcspn(t, " ");
            text_token_class c = text_token_class_of(t, l);
            char *dst = c == TEXT_TOKEN_LEGAL ? got_legal : got_names;
            size_t cap = c == TEXT_TOKEN_LEGAL ? sizeof got_legal : sizeof got_names;
            if (dst[0])
                strncat(dst, " ", cap - strlen(dst) - 1);
            strncat(dst, t, l < cap - strlen(dst) - 1 ? l : cap - strlen(dst) - 1);
            t += l + (t[l] == ' ');
        }
        if (strcmp(keys_of(got_names), keys_of(names)) != 0 || strcmp(got_legal, legal) != 0)
            fail_msg("%s: form \"%s\" has names \"%s\" legal \"%s\", want \"%s\" + \"%s\"", name,
                     f.data + i, got_names, got_legal, names, legal);
    }
    buf_free(&f);
}

static void test_legal_forms(void **state)
{
    (void)state;
    assert_legal("OOO Romashka", "romashka", "llc");
    assert_legal("ООО «Ромашка»", "romashka", "llc");
    assert_legal("Romashka LLC", "romashka", "llc");
    assert_legal("Romashka, L.L.C.", "romashka", "llc");
    assert_legal("Romashka Limited Liability Company", "romashka", "llc");
    assert_legal("Общество с ограниченной ответственностью «Ромашка»", "romashka", "llc");
    assert_legal("Товариство з обмеженою відповідальністю «Ромашка»", "romashka", "llc");
    /* Phrases match by key, so other romanisations work too. */
    assert_legal("Obschestvo s ogranichennoi otvetstvennostju Romashka", "romashka", "llc");
    assert_legal("Общество C Ограниченной Ответственностью ‘Ромашка’", "romashka", "llc");
    assert_legal("Romashka Limited Liability Co.", "romashka", "llc");
    assert_legal("PAO Gazprom", "gazprom", "jsc");
    assert_legal("ПАО «Газпром»", "gazprom", "jsc");
    assert_legal("Public Joint-Stock Company Gazprom", "gazprom", "jsc");
    assert_legal("Открытое акционерное общество «Газпром»", "gazprom", "jsc");
    assert_legal("OJSC Gazprom", "gazprom", "jsc");
    assert_legal("Federal State Unitary Enterprise Rosoboronexport", "rosoboronexport", "fsue");
    assert_legal("ФГУП «Рособоронэкспорт»", "rosoboronexport", "fsue");
    assert_legal("Siemens AG", "siemens", "ag");
    assert_legal("Nestle S.A.", "nestle", "sa");
    assert_legal("Acme GmbH", "acme", "gmbh");
    assert_legal("Acme Gesellschaft mit beschränkter Haftung", "acme", "gmbh");
    assert_legal("Acme Limited", "acme", "ltd");
    assert_legal("ACME Ltd.", "acme", "ltd");
    assert_legal("Acme Inc.", "acme", "inc");
    assert_legal("Acme PLC", "acme", "plc");
    assert_string_equal(text_legal_form("ooo", 3), "llc");
    assert_string_equal(text_legal_form("pjsc", 4), "jsc");
    assert_string_equal(text_legal_form("limited", 7), "ltd");
    assert_null(text_legal_form("romashka", 8));
}

static void test_token_classes(void **state)
{
    (void)state;
    static const struct {
        const char *token;
        text_token_class c;
    } cases[] = {
        {"primakov", TEXT_TOKEN_NAME},   {"a", TEXT_TOKEN_INITIAL},
        {"737", TEXT_TOKEN_NUMBER},      {"2nd", TEXT_TOKEN_NUMBER},
        {"al", TEXT_TOKEN_PARTICLE},     {"bin", TEXT_TOKEN_PARTICLE},
        {"ibn", TEXT_TOKEN_PARTICLE},    {"abu", TEXT_TOKEN_PARTICLE},
        {"abd", TEXT_TOKEN_PARTICLE},    {"ul", TEXT_TOKEN_PARTICLE},
        {"van", TEXT_TOKEN_PARTICLE},    {"mr", TEXT_TOKEN_HONORIFIC},
        {"sheikh", TEXT_TOKEN_HONORIFIC}, {"haji", TEXT_TOKEN_HONORIFIC},
        {"hajji", TEXT_TOKEN_HONORIFIC}, {"general", TEXT_TOKEN_HONORIFIC},
        {"colonel", TEXT_TOKEN_HONORIFIC}, {"prof", TEXT_TOKEN_HONORIFIC},
        {"mullah", TEXT_TOKEN_HONORIFIC}, {"llc", TEXT_TOKEN_LEGAL},
        {"ooo", TEXT_TOKEN_LEGAL},       {"jsc", TEXT_TOKEN_LEGAL},
        {"gmbh", TEXT_TOKEN_LEGAL},      {"co", TEXT_TOKEN_LEGAL},
        {"the", TEXT_TOKEN_STOP},        {"of", TEXT_TOKEN_STOP},
    };
    for (size_t i = 0; i < KD_ARRAY_LEN(cases); i++) {
        text_token_class c = text_token_class_of(cases[i].token, strlen(cases[i].token));
        if (c != cases[i].c)
            fail_msg("%s: %s, want %s", cases[i].token, text_token_class_name(c),
                     text_token_class_name(cases[i].c));
    }
    buf f = {0};
    assert_int_equal(forms_of("Sheikh Abu Bakr al-Baghdadi", &f), 1);
    assert_string_equal(f.data, "sheikh abu bakr al baghdadi");
    buf_free(&f);
}

static void test_invalid_and_large_input(void **state)
{
    (void)state;
    buf f = {0};
    static const char *bad[] = {"\xC3\x28", "Ivan \xD0", "\xC0\xAF", "\xED\xA0\x80",
                                "\xF4\x90\x80\x80", "\xFF"};
    for (size_t i = 0; i < KD_ARRAY_LEN(bad); i++) {
        assert_int_equal(forms_of("x", &f), 1);
        assert_int_equal(text_name_forms(norm, bad[i], strlen(bad[i]), &f), KD_EUTF8);
        assert_int_equal(f.len, 0);
    }
    /* An embedded NUL separates like any control character. */
    assert_int_equal(text_name_forms(norm, "ivan\0petrov", 11, &f), 1);
    assert_string_equal(f.data, "ivan petrov");

    static const char *units[] = {"Ab-c ", "Жщ ", "عبد ", "ﷺ", "Ωσ ", "ə\xCC\x81", "😀x"};
    size_t size = TEXT_NAME_MAX;
    char *big = malloc(size + 1);
    assert_non_null(big);
    for (size_t u = 0; u < KD_ARRAY_LEN(units); u++) {
        size_t ul = strlen(units[u]), n = 0;
        while (n + ul <= size) {
            memcpy(big + n, units[u], ul);
            n += ul;
        }
        int rc = text_name_forms(norm, big, n, &f);
        if (rc < 1)
            fail_msg("%d bytes of \"%s\": %d", TEXT_NAME_MAX, units[u], rc);
    }
    memset(big, 'a', size);
    assert_int_equal(text_name_forms(norm, big, size, &f), 1);
    assert_int_equal(f.len, size + 1);
    char *huge = malloc(TEXT_NAME_MAX + 1);
    assert_non_null(huge);
    memset(huge, 'a', TEXT_NAME_MAX + 1);
    assert_int_equal(text_name_forms(norm, huge, TEXT_NAME_MAX + 1, &f), KD_ELIMIT);
    free(huge);
    /* 100 KB of Arabic, the script ICU is slowest on, is refused at once. */
    big = realloc(big, 100 * 1024);
    assert_non_null(big);
    for (size_t k = 0; k + 2 <= 100 * 1024; k += 2)
        memcpy(big + k, "\xd8\xb9", 2);
    assert_int_equal(text_name_forms(norm, big, 100 * 1024, &f), KD_ELIMIT);
    assert_int_equal(f.len, 0);
    free(big);
    buf_free(&f);
}

static void test_clone(void **state)
{
    (void)state;
    kd_error err = {0};
    text_normaliser *copy;
    assert_int_equal(text_normaliser_clone(norm, &copy, &err), 0);
    buf a = {0}, b = {0};
    static const char *names[] = {"Евгений Примаков", "عبد الحي سالك", "Şahin", "Olaf Scholz"};
    for (size_t i = 0; i < KD_ARRAY_LEN(names); i++) {
        int na = text_name_forms(norm, names[i], strlen(names[i]), &a);
        int nb = text_name_forms(copy, names[i], strlen(names[i]), &b);
        assert_int_equal(na, nb);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
    }
    text_normaliser_free(copy);
    buf_free(&a);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primakov_cyrillic),
        cmocka_unit_test(test_spelling_families),
        cmocka_unit_test(test_key_edges),
        cmocka_unit_test(test_cross_script_keys),
        cmocka_unit_test(test_name_equivalents),
        cmocka_unit_test(test_loose_keys),
        cmocka_unit_test(test_korean_keys),
        cmocka_unit_test(test_parenthetical_names),
        cmocka_unit_test(test_script_forms),
        cmocka_unit_test(test_tokenising),
        cmocka_unit_test(test_legal_forms),
        cmocka_unit_test(test_token_classes),
        cmocka_unit_test(test_invalid_and_large_input),
        cmocka_unit_test(test_clone),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
