/* Spelling-family keys: one key for the many ways a name is romanised.
 *
 * Lists spell the same Cyrillic or Arabic name in English (BGN), German,
 * French and scholarly (ISO) transliteration. The spellings differ mostly in
 * vowels (yevgeniy/evgenij, mohammed/muhammad, lukashenko/lukashenka) and in
 * how one sound is written (kh/h/ch, sh/sch/ch, ts/tz, v/w/ff). The key
 * therefore keeps consonant classes and throws inner vowels away, keeping
 * only whether the token starts and ends with a vowel, which separates "al"
 * from "ali" and matches unvowelled Arabic skeletons ("slk" = "salik"). */
#include "text_internal.h"

#include <stdbool.h>
#include <string.h>

/* One given name in several languages, whose letters no spelling rule
 * connects (Uladzimir, Volodymyr and Vladimir; Ihar, Ihor and Igor; Michael
 * and Mikhail): each maps to the BGN spelling of the Russian form, so that
 * all share one key, and scoring counts them as the same name ("uladzimir~
 * vladimir be/ru"). Compiled for kordon from the correspondences of
 * Belarusian (BGN/PCGN 1979 and the national system of 2007), Ukrainian
 * (the national system of 2010) and Russian (BGN/PCGN) romanisation of the
 * same Cyrillic names, as the EU, UK, US and Canadian lists write the
 * Belarusian and Ukrainian persons they list under both forms; English and
 * German forms as before. Kept explicit: every entry is one name. Public
 * domain (facts of language), no external dataset. Sorted by `from`. */
typedef struct equivalence {
    const char *from, *to, *language;
} equivalence;

static const equivalence given_names[] = {
    {"aleh", "oleg", "be"},               {"alena", "yelena", "be"},            {"aliaksandr", "aleksandr", "be"},
    {"aliaksandra", "aleksandra", "be"},  {"aliaksei", "aleksey", "be"},        {"alizaveta", "yelizaveta", "be"},
    {"alyaksandr", "aleksandr", "be"},    {"alyaksei", "aleksey", "be"},        {"alyaksey", "aleksey", "be"},
    {"anastasiia", "anastasiya", "uk"},   {"anatol", "anatoliy", "be"},         {"anatolii", "anatoliy", "uk"},
    {"andrei", "andrey", "be"},           {"andrew", "andrey", "en"},           {"andrii", "andrey", "uk"},
    {"andriy", "andrey", "uk"},           {"arkadii", "arkadiy", "uk"},         {"arkadz", "arkadiy", "be"},
    {"artsem", "artem", "be"},            {"artsiom", "artem", "be"},           {"barys", "boris", "be"},
    {"borys", "boris", "uk"},             {"catherine", "yekaterina", "en"},    {"dariia", "darya", "uk"},
    {"denys", "denis", "uk"},             {"dmytro", "dmitriy", "uk"},          {"dzianis", "denis", "be"},
    {"dzmitry", "dmitriy", "be"},         {"dzmitryi", "dmitriy", "be"},        {"dzyanis", "denis", "be"},
    {"ekaterina", "yekaterina", "ru"},    {"eugen", "yevgeniy", "de"},          {"eugene", "yevgeniy", "en"},
    {"fedar", "fyodor", "be"},            {"fedir", "fyodor", "uk"},            {"fiodar", "fyodor", "be"},
    {"halina", "galina", "be"},           {"halyna", "galina", "uk"},           {"hanna", "anna", "uk"},
    {"helen", "yelena", "en"},            {"henadz", "gennadiy", "be"},         {"hennadii", "gennadiy", "uk"},
    {"hennadiy", "gennadiy", "uk"},       {"heorhi", "georgiy", "be"},          {"heorhii", "georgiy", "uk"},
    {"heorhiy", "georgiy", "uk"},         {"hryhorii", "grigoriy", "uk"},       {"hryhoriy", "grigoriy", "uk"},
    {"ihar", "igor", "be"},               {"ihor", "igor", "uk"},               {"illia", "ilya", "uk"},
    {"iryna", "irina", "uk"},             {"jacob", "yakov", "en"},             {"jakob", "yakov", "de"},
    {"kanstantsin", "konstantin", "be"},  {"kateryna", "yekaterina", "uk"},     {"katherine", "yekaterina", "en"},
    {"katsiaryna", "yekaterina", "be"},   {"katsyaryna", "yekaterina", "be"},   {"kiryl", "kirill", "be"},
    {"kostiantyn", "konstantin", "uk"},   {"kostyantyn", "konstantin", "uk"},   {"kyrylo", "kirill", "uk"},
    {"larysa", "larisa", "uk"},           {"leanid", "leonid", "be"},           {"lidiia", "lidiya", "uk"},
    {"lidzia", "lidiya", "be"},           {"lidziya", "lidiya", "be"},          {"liubou", "lyubov", "be"},
    {"liubov", "lyubov", "uk"},           {"liudmila", "lyudmila", "be"},       {"liudmyla", "lyudmila", "uk"},
    {"lizaveta", "yelizaveta", "be"},     {"lyubou", "lyubov", "be"},           {"lyudmyla", "lyudmila", "uk"},
    {"maksym", "maksim", "uk"},           {"mariia", "mariya", "uk"},           {"maryia", "mariya", "be"},
    {"maryna", "marina", "uk"},           {"matsvei", "matvey", "be"},          {"matthew", "matvey", "en"},
    {"matvii", "matvey", "uk"},           {"michael", "mikhail", "en"},         {"michail", "mikhail", "de"},
    {"mikalai", "nikolay", "be"},         {"mikalay", "nikolay", "be"},         {"mikita", "nikita", "be"},
    {"mykhailo", "mikhail", "uk"},        {"mykhaylo", "mikhail", "uk"},        {"mykola", "nikolay", "uk"},
    {"mykyta", "nikita", "uk"},           {"nadiia", "nadezhda", "uk"},         {"nadzeia", "nadezhda", "be"},
    {"nadzeya", "nadezhda", "be"},        {"nataliia", "natalya", "uk"},        {"natallia", "natalya", "be"},
    {"nicholas", "nikolay", "en"},        {"nicolas", "nikolay", "en"},         {"oleh", "oleg", "uk"},
    {"oleksandr", "aleksandr", "uk"},     {"oleksandra", "aleksandra", "uk"},   {"oleksii", "aleksey", "uk"},
    {"oleksiy", "aleksey", "uk"},         {"olena", "yelena", "uk"},            {"olha", "olga", "uk"},
    {"paul", "pavel", "en"},              {"paval", "pavel", "be"},             {"pavlo", "pavel", "uk"},
    {"petro", "pyotr", "uk"},             {"piatro", "pyotr", "be"},            {"piotr", "pyotr", "be"},
    {"pyatro", "pyotr", "be"},            {"raman", "roman", "be"},             {"ryhor", "grigoriy", "be"},
    {"semen", "semyon", "uk"},            {"serhii", "sergey", "uk"},           {"serhiy", "sergey", "uk"},
    {"siarhei", "sergey", "be"},          {"siarhiej", "sergey", "be"},         {"stanislau", "stanislav", "be"},
    {"stephen", "stepan", "en"},          {"steven", "stepan", "en"},           {"stsiapan", "stepan", "be"},
    {"sviatlana", "svetlana", "be"},      {"svitlana", "svetlana", "uk"},       {"syarhey", "sergey", "be"},
    {"symon", "semyon", "be"},            {"tatsiana", "tatyana", "be"},        {"tetiana", "tatyana", "uk"},
    {"tetyana", "tatyana", "uk"},         {"theodore", "fyodor", "en"},         {"tsimafei", "timofey", "be"},
    {"tymofii", "timofey", "uk"},         {"uladzimer", "vladimir", "be"},      {"uladzimir", "vladimir", "be"},
    {"uladzislau", "vladislav", "be"},    {"vadym", "vadim", "uk"},             {"vadzim", "vadim", "be"},
    {"valentyn", "valentin", "uk"},       {"valentyna", "valentina", "uk"},     {"valiantsin", "valentin", "be"},
    {"valiantsina", "valentina", "be"},   {"vasil", "vasiliy", "be"},           {"vasyl", "vasiliy", "uk"},
    {"veranika", "veronika", "be"},       {"viachaslau", "vyacheslav", "be"},   {"viacheslav", "vyacheslav", "uk"},
    {"viktar", "viktor", "be"},           {"viktoriia", "viktoriya", "uk"},     {"viktoryia", "viktoriya", "be"},
    {"vira", "vera", "uk"},               {"vitalii", "vitaliy", "uk"},         {"vladyslav", "vladislav", "uk"},
    {"volha", "olga", "be"},              {"volodymyr", "vladimir", "uk"},      {"vyachaslau", "vyacheslav", "be"},
    {"yahor", "yegor", "be"},             {"yakau", "yakov", "be"},             {"yakiv", "yakov", "uk"},
    {"yaraslau", "yaroslav", "be"},       {"yauhen", "yevgeniy", "be"},         {"yauheni", "yevgeniy", "be"},
    {"yehor", "yegor", "uk"},             {"yelyzaveta", "yelizaveta", "uk"},   {"yevhen", "yevgeniy", "uk"},
    {"yevhenii", "yevgeniy", "uk"},       {"yevheniy", "yevgeniy", "uk"},       {"yuliia", "yuliya", "uk"},
    {"yurii", "yuriy", "uk"},             {"yuryi", "yuriy", "be"},
};

/* Words of Russian organisation names as the lists transliterate them,
 * and the English the same lists translate them with ("ZAO Svyaz
 * Inzhiniring" for "Svyaz Engineering", "Kontsern Avtomatika" for "Concern
 * Automation"); the forms written, since Russian inflects. Compiled for
 * kordon; public domain. Sorted by `from`. Not Arabic or Persian words:
 * mapped to their English, one spelling (hizb) left the others (hezb,
 * hisb) of its family, which cost more variants than it gained. */
static const equivalence business_words[] = {
    {"agentstvo", "agency", "ru"},             {"airline", "air", "en"},
    {"airlines", "air", "en"},                 {"airways", "air", "en"},
    {"aviatsionnaya", "aviation", "ru"},
    {"aviatsionnyy", "aviation", "ru"},        {"avtomatika", "automation", "ru"},
    {"avtomatiki", "automation", "ru"},        {"byuro", "bureau", "ru"},
    {"center", "centre", "en"},                {"elektronika", "electronics", "ru"},
    {"elektroniki", "electronics", "ru"},      {"factory", "plant", "en"},
    {"federalnoe", "federal", "ru"},           {"federalnoye", "federal", "ru"},
    {"federalnyy", "federal", "ru"},           {"gosudarstvennoe", "state", "ru"},
    {"gosudarstvennoye", "state", "ru"},       {"gosudarstvennyy", "state", "ru"},
    {"gruppa", "group", "ru"},                 {"institut", "institute", "ru"},
    {"instituta", "institute", "ru"},          {"inzhiniring", "engineering", "ru"},
    {"issledovatelskiy", "scientific", "ru"},    {"issledovatelsky", "scientific", "ru"},
    {"khimiya", "chemistry", "ru"},            {"kompozit", "composite", "ru"},
    {"konstruktorskoe", "design", "ru"},       {"konstruktorskoye", "design", "ru"},
    {"kontsern", "concern", "ru"},             {"korporatsiya", "corporation", "ru"},
    {"mashinostroitelnyy", "machine", "ru"},   {"mezhdunarodnyy", "international", "ru"},
    {"nauchno", "scientific", "ru"},           {"nauchnyy", "scientific", "ru"},
    {"obedinenie", "association", "ru"},       {"obedineniye", "association", "ru"},
    {"obyedinenie", "association", "ru"},      {"predpriyatie", "enterprise", "ru"},
    {"predpriyatiye", "enterprise", "ru"},     {"proizvodstvennoe", "production", "ru"},
    {"proizvodstvennoye", "production", "ru"}, {"promyshlennost", "industry", "ru"},
    {"research", "scientific", "en"},          {"science", "scientific", "en"},
    {"sciences", "scientific", "en"},          {"sistemy", "systems", "ru"},
    {"tekhnologii", "technologies", "ru"},     {"tekhnologiya", "technology", "ru"},
    {"torgovyy", "trading", "ru"},             {"tsentr", "centre", "ru"},
    {"upravlenie", "directorate", "ru"},       {"zavod", "plant", "ru"},
    {"zavoda", "plant", "ru"},
};

/* Stems of Russian words of organisation names, as BGN and ISO 9 romanise
 * them, and the English the lists translate them with: a stem stands for
 * every inflected form (nauchno-, nauchnyy, nauchnogo, nauchnaya), which
 * a word is when it is the stem and one of russian_endings after it
 * ("Gazprom" is no form of any). Translated names then share their words'
 * keys: "Московский кредитный банк" is Credit Bank of Moscow. Compiled for
 * kordon from the vocabulary of Russian, Belarusian and Ukrainian bodies'
 * names in the EU and Canadian lists (each stem checked against how those
 * lists translate it); public domain (facts of language). Sorted by
 * `from`. */
static const equivalence russian_stems[] = {
    {"administrats", "administration", "ru"},  {"aeroport", "airport", "ru"},
    {"agentstv", "agency", "ru"},              {"agrarn", "agrarian", "ru"},
    {"akademi", "academy", "ru"},              {"akademich", "academic", "ru"},
    {"apparatur", "equipment", "ru"},          {"armi", "army", "ru"},
    {"aviakompani", "airline", "ru"},          {"avialini", "airlines", "ru"},
    {"aviastroeni", "aircraft", "ru"},         {"aviastroitel", "aircraft", "ru"},
    {"aviastroyeni", "aircraft", "ru"},        {"aviats", "aviation", "ru"},
    {"avtomatik", "automation", "ru"},         {"avtomatiz", "automation", "ru"},
    {"avtomatizirovann", "automated", "ru"},   {"avtomobil", "automobile", "ru"},
    {"avtonomn", "autonomous", "ru"},          {"batalon", "battalion", "ru"},
    {"batalyon", "battalion", "ru"},           {"bespilotn", "unmanned", "ru"},
    {"bezopasnost", "security", "ru"},         {"birzh", "exchange", "ru"},
    {"blagosostoyani", "wealth", "ru"},        {"blagotvoritel", "charitable", "ru"},
    {"brigad", "brigade", "ru"},               {"byudzhetn", "budgetary", "ru"},
    {"demokratich", "democratic", "ru"},       {"departament", "department", "ru"},
    {"divizi", "division", "ru"},              {"dobych", "extraction", "ru"},
    {"dvizheni", "movement", "ru"},            {"eksperimentaln", "experimental", "ru"},
    {"eksport", "export", "ru"},               {"elektrichesk", "electric", "ru"},
    {"elektromekhanich", "electromechanical", "ru"},
    {"elektron", "electronics", "ru"},         {"elektrosvyaz", "telecommunications", "ru"},
    {"elektrotekhnich", "electrotechnical", "ru"},
    {"energetich", "energy", "ru"},            {"energi", "energy", "ru"},
    {"farmatsevtich", "pharmaceutical", "ru"}, {"federaln", "federal", "ru"},
    {"federats", "federation", "ru"},          {"filial", "branch", "ru"},
    {"finansov", "financial", "ru"},           {"fizich", "physical", "ru"},
    {"flot", "fleet", "ru"},                   {"fond", "fund", "ru"},
    {"gazov", "gas", "ru"},                    {"geologich", "geological", "ru"},
    {"glavn", "main", "ru"},                   {"gorn", "mining", "ru"},
    {"gornodobyvayushch", "mining", "ru"},     {"gorodsk", "city", "ru"},
    {"gosudarstvenn", "state", "ru"},          {"import", "import", "ru"},
    {"informatsionn", "information", "ru"},    {"innovatsionn", "innovation", "ru"},
    {"institut", "institute", "ru"},           {"integrirovann", "integrated", "ru"},
    {"investits", "investment", "ru"},         {"inzhenern", "engineering", "ru"},
    {"inzhiniring", "engineering", "ru"},      {"ispytani", "testing", "ru"},
    {"ispytatel", "testing", "ru"},            {"issledovani", "scientific", "ru"},
    {"issledovatel", "scientific", "ru"},        {"izdeli", "products", "ru"},
    {"kapital", "capital", "ru"},              {"kazenn", "state", "ru"},
    {"khimich", "chemical", "ru"},             {"komitet", "committee", "ru"},
    {"kommunikats", "communications", "ru"},   {"kommunistich", "communist", "ru"},
    {"kompani", "company", "ru"},              {"kompleks", "complex", "ru"},
    {"konstruirovani", "design", "ru"},        {"konstruktor", "design", "ru"},
    {"kontrol", "control", "ru"},              {"kontsern", "concern", "ru"},
    {"korporats", "corporation", "ru"},        {"kosmich", "space", "ru"},
    {"kreditn", "credit", "ru"},               {"kulturn", "cultural", "ru"},
    {"laboratori", "laboratory", "ru"},        {"logistich", "logistics", "ru"},
    {"logistik", "logistics", "ru"},           {"mashinostroeni", "machine", "ru"},
    {"mashinostroitel", "machine", "ru"},      {"mashinostroyeni", "machine", "ru"},
    {"material", "materials", "ru"},           {"meditsin", "medical", "ru"},
    {"mekhanich", "mechanical", "ru"},         {"mekhanizats", "mechanisation", "ru"},
    {"metallurgich", "metallurgical", "ru"},   {"mezhdunarodn", "international", "ru"},
    {"mikroelektron", "microelectronics", "ru"},
    {"ministerstv", "ministry", "ru"},         {"molodezhn", "youth", "ru"},
    {"monitoring", "monitoring", "ru"},        {"morsk", "marine", "ru"},
    {"moskovsk", "moscow", "ru"},              {"narodn", "people", "ru"},
    {"natsionaln", "national", "ru"},          {"nauchn", "scientific", "ru"},
    {"nauk", "scientific", "ru"},              {"neftepererabatyvayushch", "refinery", "ru"},
    {"neftyan", "oil", "ru"},                  {"obedineni", "association", "ru"},
    {"obedinenn", "united", "ru"},             {"obespecheni", "support", "ru"},
    {"oboron", "defence", "ru"},               {"oboronn", "defence", "ru"},
    {"oborudovani", "equipment", "ru"},        {"obrazovani", "education", "ru"},
    {"obrazovateln", "educational", "ru"},     {"obshchestvenn", "public", "ru"},
    {"obsluzhivani", "maintenance", "ru"},     {"obyedineni", "association", "ru"},
    {"obyedinenn", "united", "ru"},            {"optichesk", "optical", "ru"},
    {"optiko", "optical", "ru"},               {"opytn", "experimental", "ru"},
    {"organizatsi", "organisation", "ru"},     {"parti", "party", "ru"},
    {"patriotichesk", "patriotic", "ru"},      {"poluprovodnik", "semiconductor", "ru"},
    {"port", "port", "ru"},                    {"postavk", "supply", "ru"},
    {"pravitelstv", "government", "ru"},       {"predpriyati", "enterprise", "ru"},
    {"prezident", "president", "ru"},          {"pribor", "instrument", "ru"},
    {"priborostroeni", "instrument", "ru"},    {"priborostroitel", "instrument", "ru"},
    {"priborostroyeni", "instrument", "ru"},   {"proizvodstv", "production", "ru"},
    {"proizvodstvenn", "production", "ru"},    {"promyshlenn", "industrial", "ru"},
    {"proyektirovani", "design", "ru"},        {"proyektn", "design", "ru"},
    {"radioelektron", "radioelectronic", "ru"},
    {"radiotekhnich", "radio", "ru"},          {"raketn", "missile", "ru"},
    {"razrabot", "development", "ru"},         {"razviti", "development", "ru"},
    {"remontn", "repair", "ru"},               {"respublik", "republic", "ru"},
    {"rossiysk", "russian", "ru"},             {"selskokhozyaystvenn", "agricultural", "ru"},
    {"servis", "service", "ru"},               {"severn", "northern", "ru"},
    {"shkol", "school", "ru"},                 {"sistem", "systems", "ru"},
    {"sluzhb", "service", "ru"},               {"snabzheni", "supply", "ru"},
    {"sovet", "council", "ru"},                {"sovremenn", "modern", "ru"},
    {"soyuz", "union", "ru"},                  {"spetsialn", "special", "ru"},
    {"sredstv", "means", "ru"},                {"strakhov", "insurance", "ru"},
    {"stroitel", "construction", "ru"},        {"stroitelstv", "construction", "ru"},
    {"sudokhodn", "shipping", "ru"},           {"sudostroeni", "shipbuilding", "ru"},
    {"sudostroitel", "shipbuilding", "ru"},    {"sudostroyeni", "shipbuilding", "ru"},
    {"svyaz", "communications", "ru"},         {"tekhnich", "technical", "ru"},
    {"tekhnolog", "technology", "ru"},         {"telekommunikats", "telecommunication", "ru"},
    {"televideni", "television", "ru"},        {"torgov", "trading", "ru"},
    {"transport", "transport", "ru"},          {"transportn", "transport", "ru"},
    {"tsentr", "centre", "ru"},                {"tsentraln", "central", "ru"},
    {"uchebn", "training", "ru"},              {"uchrezhdeni", "institution", "ru"},
    {"universitet", "university", "ru"},       {"upravleni", "directorate", "ru"},
    {"upravlyayushch", "management", "ru"},    {"vertolet", "helicopters", "ru"},
    {"veteran", "veterans", "ru"},             {"voenn", "military", "ru"},
    {"vooruzheni", "armament", "ru"},          {"vostochn", "eastern", "ru"},
    {"voyenn", "military", "ru"},              {"voysk", "troops", "ru"},
    {"vozdushn", "air", "ru"},                 {"vychislitel", "computing", "ru"},
    {"yadern", "nuclear", "ru"},               {"yuzhn", "southern", "ru"},
    {"zapadn", "western", "ru"},               {"zavod", "plant", "ru"},
    {"zheleznodorozhn", "railway", "ru"},
};

/* The endings Russian words take after those stems (BGN and ISO 9
 * spellings of adjective and noun cases), longest first per start. */
static const char *const russian_endings[] = {
    "",    "a",   "ya",  "u",   "yu",  "y",   "i",   "e",   "o",   "om",  "oy",  "oj",  "ey",  "yy",
    "yj",  "iy",  "ij",  "yi",  "aya", "aja", "oye", "oe",  "ogo", "ego", "omu", "emu", "ykh", "ikh",
    "yh",  "ih",  "yye", "iye", "ye",  "ie",  "iya", "ija", "ii",  "ov",  "ev",  "ami", "akh", "ah",
    "am",  "uyu", "uju", "yye", "yx",  "iyu", "yu",
};

/* What may stand between a stem and its case ending: nothing, or the
 * suffix that makes an adjective of a noun (aviastroitel-n-aya,
 * konstruktor-sk-oye, khimich-esk-iy, oboron-n-yy). */
static const char *const russian_suffixes[] = {"", "n", "nn", "sk", "esk", "ov", "ev"};

/* A word in the BGN spelling the stems are written in: ISO 9 and the
 * passport system write й as j and х as h (issledovatelskij,
 * tehnologij); z/s/c/k before h keep it (zh, sh, ch, kh). Writes at most
 * size - 1 letters; their count. */
static size_t russian_bgn(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        char c = s[i];
        if (c == 'j') {
            out[o++] = 'y';
        } else if (c == 'h' && !(i > 0 && strchr("zsck", s[i - 1]))) {
            out[o++] = 'k';
            out[o++] = 'h';
        } else {
            out[o++] = c;
        }
    }
    return o;
}

/* Whether `rest` is a suffix and a case ending. */
static bool russian_inflection(const char *rest, size_t n)
{
    for (size_t x = 0; x < KD_ARRAY_LEN(russian_suffixes); x++) {
        size_t xl = strlen(russian_suffixes[x]);
        if (xl > n || memcmp(rest, russian_suffixes[x], xl) != 0)
            continue;
        for (size_t e = 0; e < KD_ARRAY_LEN(russian_endings); e++) {
            size_t el = strlen(russian_endings[e]);
            /* a suffix is always followed by an ending: "armin" is no form of armi- */
            if (xl + el == n && (el || !xl) && memcmp(rest + xl, russian_endings[e], el) == 0)
                return true;
        }
    }
    return false;
}

/* The stem entry a word is a form of, or NULL. */
static const equivalence *russian_stem_entry(const char *word, size_t len)
{
    char bgn[96];
    if (len < 4 || len >= sizeof bgn / 2 || word[0] < 'a' || word[0] > 'z')
        return NULL;
    size_t n = russian_bgn(word, len, bgn, sizeof bgn);
    const char *s = bgn;
    /* the stems are sorted: those beginning with s[0] are a run */
    size_t lo = 0, hi = KD_ARRAY_LEN(russian_stems);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (russian_stems[mid].from[0] < s[0])
            lo = mid + 1;
        else
            hi = mid;
    }
    const equivalence *best = NULL;
    size_t best_len = 0;
    for (size_t i = lo; i < KD_ARRAY_LEN(russian_stems) && russian_stems[i].from[0] == s[0]; i++) {
        const char *stem = russian_stems[i].from;
        if (stem[1] != s[1])
            continue;
        size_t k = strlen(stem);
        if (k > n || k <= best_len || memcmp(stem, s, k) != 0)
            continue;
        if (russian_inflection(s + k, n - k)) {
            best = &russian_stems[i];
            best_len = k;
        }
    }
    return best;
}

static const char *exact_entry(const char *s, size_t n, const char **language, const char **to_language);

/* Each table, and the language its `to` forms are in. */
static const struct {
    const equivalence *entries;
    size_t n;
    const char *to_language;
} equivalence_tables[] = {
    {given_names, KD_ARRAY_LEN(given_names), "ru"},
    {business_words, KD_ARRAY_LEN(business_words), "en"},
};

/* The entry for a token, or NULL (binary search: called for every word). */
static const char *equivalent_entry(const char *s, size_t n, const char **language, const char **to_language)
{
    const char *to = exact_entry(s, n, language, to_language);
    if (to || n < 4)
        return to;
    const equivalence *stem = russian_stem_entry(s, n);
    if (stem && language)
        *language = stem->language;
    if (stem && to_language)
        *to_language = "en";
    return stem ? stem->to : NULL;
}

/* An entry of the tables spelled as the token. */
static const char *exact_entry(const char *s, size_t n, const char **language, const char **to_language)
{
    for (size_t t = 0; t < KD_ARRAY_LEN(equivalence_tables); t++) {
        const equivalence *e = equivalence_tables[t].entries;
        size_t lo = 0, hi = equivalence_tables[t].n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            size_t fl = strlen(e[mid].from);
            int c = memcmp(e[mid].from, s, fl < n ? fl : n);
            if (c == 0)
                c = fl < n ? -1 : fl > n ? 1 : 0;
            if (c == 0) {
                if (language)
                    *language = e[mid].language;
                if (to_language)
                    *to_language = equivalence_tables[t].to_language;
                return e[mid].to;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    return NULL;
}

static const char *equivalent(const char *s, size_t n)
{
    return n ? equivalent_entry(s, n, NULL, NULL) : NULL;
}

bool text_name_equivalence(const char *a, size_t la, const char *b, size_t lb, const char **language_a,
                           const char **language_b)
{
    const char *lang_a = NULL, *lang_b = NULL, *to_a = NULL, *to_b = NULL;
    const char *ta = equivalent_entry(a, la, &lang_a, &to_a), *tb = equivalent_entry(b, lb, &lang_b, &to_b);
    /* one maps to the other (or to a spelling of it one letter away:
     * "siarhei" maps to "sergey", the text writes "sergei"), or both to
     * one form */
    bool same = (ta && (text__one_edit(ta, strlen(ta), b, lb) || (tb && strcmp(ta, tb) == 0))) ||
                (tb && text__one_edit(tb, strlen(tb), a, la));
    /* a word that is no entry is in the language of the forms it maps to */
    if (same && language_a)
        *language_a = ta ? lang_a : to_b;
    if (same && language_b)
        *language_b = tb ? lang_b : to_a;
    return same;
}

/* The given name a patronymic is made of: its length without the
 * ending (Uladzimiravich → uladzimir, Mykolayovych → mykolay), or 0. */
static size_t patronymic_stem(const char *s, size_t n)
{
    static const char *const endings[] = {"yevich", "yevna", "ievich", "ievna", "ovich", "evich", "avich",
                                          "ovych", "evych", "ovna", "evna", "auna", "euna", "ivna", "awna"};
    for (size_t i = 0; i < KD_ARRAY_LEN(endings); i++) {
        size_t k = strlen(endings[i]);
        if (n >= k + 3 && memcmp(s + n - k, endings[i], k) == 0)
            return n - k;
    }
    return 0;
}

/* A patronymic swallows the end of its given name: Nikolay gives
 * Nikola-evich, Yevgeniy Yevgen-ievich, Mikalai Mikala-evich, while
 * Mykolay-ovych keeps it. The stem is compared as written and with each
 * ending the name may have lost, against the table and one edit apart. */
/* The spellings a patronymic's stem may have had as a given name (the
 * stem, without a final y or i, each with an ending the patronymic may
 * have swallowed) into forms, and the table's form of each into mapped
 * (NULL when none); their count. */
#define STEM_FORMS 10
static size_t stem_forms(const char *s, size_t n, char forms[STEM_FORMS][32], const char *mapped[STEM_FORMS])
{
    static const char *const lost[] = {"", "y", "i", "iy", "ai"};
    size_t k = 0;
    for (int cut = 0; cut <= (s[n - 1] == 'y' || s[n - 1] == 'i'); cut++)
        for (size_t i = 0; i < KD_ARRAY_LEN(lost); i++) {
            size_t kept = n - (size_t)cut, len = kept + strlen(lost[i]);
            memcpy(forms[k], s, kept);
            memcpy(forms[k] + kept, lost[i], len - kept);
            forms[k][len] = '\0';
            mapped[k] = equivalent_entry(forms[k], len, NULL, NULL);
            k++;
        }
    return k;
}

bool text_patronymic_equivalence(const char *a, size_t la, const char *b, size_t lb)
{
    size_t sa = patronymic_stem(a, la), sb = sa ? patronymic_stem(b, lb) : 0;
    /* a daughter's (-ovna, -auna) is not a son's (-ovich): the person differs */
    if (!sb || sa > 24 || sb > 24 || (a[la - 1] == 'a') != (b[lb - 1] == 'a'))
        return false;
    /* one spelling of one stem (Ivan-ovich, Ivan-ovych) */
    if ((sa == sb && memcmp(a, b, sa) == 0) || (sa >= 5 && sb >= 5 && text__one_edit(a, sa, b, sb)))
        return true;
    /* one stem in two romanisations (Barys-avich, Boris-ovich) */
    char ka[64], kb[64];
    size_t nka = text_token_loose_key(a, sa, ka, sizeof ka), nkb = text_token_loose_key(b, sb, kb, sizeof kb);
    if (nka >= 3 && nka == nkb && memcmp(ka, kb, nka) == 0)
        return true;
    /* one given name in two languages, as text_name_equivalence reads
     * them: one maps to the other or to a spelling of it, or both to one */
    char fa[STEM_FORMS][32], fb[STEM_FORMS][32];
    const char *ma[STEM_FORMS], *mb[STEM_FORMS];
    size_t na = stem_forms(a, sa, fa, ma), nb = stem_forms(b, sb, fb, mb);
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if ((ma[i] && (text__one_edit(ma[i], strlen(ma[i]), fb[j], strlen(fb[j])) ||
                           (mb[j] && strcmp(ma[i], mb[j]) == 0))) ||
                (mb[j] && text__one_edit(mb[j], strlen(mb[j]), fa[i], strlen(fa[i]))))
                return true;
    return false;
}

bool text__name_language(const char *s, size_t n, const char **language)
{
    return exact_entry(s, n, language, NULL) != NULL;
}

/* "sergei" is a spelling of the table's "sergey". */
bool text__one_edit(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > lb + 1 || lb > la + 1)
        return false;
    size_t i = 0;
    while (i < la && i < lb && a[i] == b[i])
        i++;
    if (la == lb)
        return i == la || memcmp(a + i + 1, b + i + 1, la - i - 1) == 0;
    if (la > lb)
        return memcmp(a + i + 1, b + i, la - i - 1) == 0;
    return memcmp(a + i, b + i + 1, lb - i - 1) == 0;
}

const char *text_name_equivalent_form(size_t i)
{
    for (size_t t = 0; t < KD_ARRAY_LEN(equivalence_tables); t++) {
        if (i < equivalence_tables[t].n)
            return equivalence_tables[t].entries[i].to;
        i -= equivalence_tables[t].n;
    }
    return i < KD_ARRAY_LEN(russian_stems) ? russian_stems[i].to : NULL;
}

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'j';
}

bool text_vowels_only_differ(const char *a, size_t la, const char *b, size_t lb)
{
    /* long words, two vowels at most: in short ones a vowel is a name
     * (Maria, Mario) */
    if (la != lb || la < 7)
        return false;
    size_t differ = 0;
    for (size_t i = 0; i < la; i++)
        if (a[i] != b[i] && (++differ > 2 || !(is_vowel(a[i]) && is_vowel(b[i]) && a[i] != 'j' && b[i] != 'j')))
            return false;
    return true;
}

static bool at(const char *s, size_t n, size_t i, const char *lit)
{
    size_t k = strlen(lit);
    return i + k <= n && memcmp(s + i, lit, k) == 0;
}

/* Key symbols: 'V' for a vowel, otherwise the class letter of the key. */
typedef struct keyw {
    char *out;
    size_t size, len;
    char last;          /* last consonant written, for collapsing doubles */
    bool vowel_since;   /* a vowel came after `last` */
    bool any;           /* something was seen */
    bool consonant;     /* a consonant was written */
    bool ends_vowel;
} keyw;

static void put(keyw *w, char c)
{
    if (w->len + 1 < w->size)
        w->out[w->len++] = c;
}

static void emit(keyw *w, char sym)
{
    if (sym == 'V') {
        if (!w->any)
            put(w, 'a');
        w->any = true;
        w->vowel_since = true;
        w->ends_vowel = true;
        return;
    }
    w->ends_vowel = false;
    if (w->any && sym == w->last && !w->vowel_since)
        return;
    w->any = true;
    w->consonant = true;
    put(w, sym);
    w->last = sym;
    w->vowel_since = false;
}

/* Reads one sound at s[i]; returns how many bytes it took. */
static size_t sound(keyw *w, const char *s, size_t n, size_t i)
{
    char c = s[i];
    if (is_vowel(c)) {
        emit(w, 'V');
        return 1;
    }
    switch (c) {
    case 'c':
        if (at(s, n, i, "ch")) {
            /* Chr-/Chl- (Christoph, Chloe) are hard; otherwise English ч or
             * French ш, which share a class. */
            bool hard = i == 0 && i + 2 < n && (s[i + 2] == 'r' || s[i + 2] == 'l');
            emit(w, hard ? 'k' : 'c');
            return 2;
        }
        if (at(s, n, i, "cz")) {
            emit(w, 'c');
            return 2;
        }
        if (at(s, n, i, "ck")) {
            emit(w, 'k');
            return 2;
        }
        if (i + 1 == n) { /* -ić/-ič written -ic */
            emit(w, 'c');
            return 1;
        }
        emit(w, s[i + 1] == 'e' || s[i + 1] == 'i' || s[i + 1] == 'y' ? 's' : 'k');
        return 1;
    case 'd':
        if (at(s, n, i, "dzh")) {
            emit(w, 'V');
            return 3;
        }
        if (at(s, n, i, "dj")) {
            emit(w, 'V');
            return 2;
        }
        emit(w, 'd');
        return at(s, n, i, "dh") ? 2 : 1;
    case 'f':
    case 'v':
    case 'w':
        emit(w, 'v');
        return 1;
    case 'g':
    case 'h':
        /* Russian writes Arabic and Caucasian h as г (Magomed, Gasan) and
         * Ukrainian г is h (Hryhoriy, Oleh): one class. */
        emit(w, 'h');
        return at(s, n, i, "gh") ? 2 : 1;
    case 'k':
        if (at(s, n, i, "kh")) {
            emit(w, 'h');
            return 2;
        }
        emit(w, 'k');
        return 1;
    case 'q':
        emit(w, 'k');
        return 1;
    case 'p':
        if (at(s, n, i, "ph")) {
            emit(w, 'v');
            return 2;
        }
        emit(w, 'p');
        return 1;
    case 's':
        if (at(s, n, i, "shch")) {
            emit(w, 'c');
            return 4;
        }
        if (at(s, n, i, "sch")) {
            emit(w, 'c');
            return 3;
        }
        if (at(s, n, i, "sh")) {
            emit(w, 'c');
            return 2;
        }
        emit(w, 's');
        return 1;
    case 't':
        if (at(s, n, i, "tsch")) {
            emit(w, 'c');
            return 4;
        }
        if (at(s, n, i, "tch") || at(s, n, i, "tsh")) {
            emit(w, 'c');
            return 3;
        }
        emit(w, 't');
        return at(s, n, i, "th") ? 2 : 1;
    case 'x':
        /* Azerbaijani and Spanish initial x is kh/h; elsewhere English ks. */
        if (i == 0) {
            emit(w, 'h');
        } else {
            emit(w, 'k');
            emit(w, 's');
        }
        return 1;
    case 'z':
        emit(w, 's');
        return at(s, n, i, "zh") ? 2 : 1;
    default:
        emit(w, c); /* b l m n r */
        return 1;
    }
}

static size_t token_key(const char *token, size_t len, char *out, size_t out_size, bool equivalents);

size_t text_token_key(const char *token, size_t len, char *out, size_t out_size)
{
    return token_key(token, len, out, out_size, true);
}

/* The key, with or without the table of equivalent names first. */
static size_t token_key(const char *token, size_t len, char *out, size_t out_size, bool equivalents)
{
    if (!out || out_size == 0)
        return 0;
    /* Lowercase letters and digits only; anything else is not part of a
     * token and is skipped rather than trusted. */
    char tmp[64];
    const char *s = tmp;
    size_t n = 0;
    bool digit = false;
    for (size_t i = 0; i < len; i++) {
        char c = token[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            continue;
        digit |= c >= '0' && c <= '9';
        if (n == sizeof tmp)
            break; /* longer tokens: the first 64 letters are key enough */
        tmp[n++] = c;
    }
    keyw w = {.out = out, .size = out_size};
    if (digit) {
        for (size_t i = 0; i < n; i++)
            put(&w, s[i]);
        out[w.len] = '\0';
        return w.len;
    }
    const char *eq = equivalents ? equivalent(s, n) : NULL;
    if (eq) {
        s = eq;
        n = strlen(eq);
    }
    /* Belarusian -аў/-оў/-еў (Herasimau, Lukashou) is Russian -ов/-ев
     * (Gerasimov): a final u after a vowel after a consonant is the v it
     * stands for. Not -eau (Moreau), not short words (Zhou). */
    char ending[64];
    if (n > 4 && s[n - 1] == 'u' && (s[n - 2] == 'a' || s[n - 2] == 'o' || s[n - 2] == 'e') &&
        !is_vowel(s[n - 3])) {
        memcpy(ending, s, n);
        ending[n - 1] = 'v';
        s = ending;
    }
    /* Usamah, Fatimah, Allah: a final -ah is a vowel (ta marbuta). Not
     * -ih, -eh: Salih, Saleh end in a consonant (ح), as Arabic writes. */
    if (n > 2 && s[n - 1] == 'h' && s[n - 2] == 'a')
        n--;
    for (size_t i = 0; i < n;)
        i += sound(&w, s, n, i);
    if (w.ends_vowel && w.consonant)
        put(&w, 'a');
    out[w.len] = '\0';
    return w.len;
}

size_t text_token_loose_key(const char *token, size_t len, char *out, size_t out_size)
{
    if (!out || out_size < 2)
        return 0;
    char tmp[64];
    size_t n = 0;
    for (size_t i = 0; i < len && n < sizeof tmp; i++) {
        char c = token[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c >= '0' && c <= '9')
            return 0; /* numbers are not romanised */
        if (c >= 'a' && c <= 'z')
            tmp[n++] = c;
    }
    /* Belarusian ў after a or e, before a consonant, is the v Russian
     * writes (Genadzeuna = Gennadevna, Daud = Dawud); not ou (Yousef). */
    for (size_t i = 1; i + 1 < n; i++)
        if (tmp[i] == 'u' && (tmp[i - 1] == 'a' || tmp[i - 1] == 'e') && !is_vowel(tmp[i + 1]))
            tmp[i] = 'v';
    /* a final h after a vowel: Persian -eh, Arabic -ah, what others write -a
     * (Haniyeh, Haniyah, Haniya) */
    if (n > 4 && tmp[n - 1] == 'h' && is_vowel(tmp[n - 2]))
        n--;
    char key[TEXT_KEY_SIZE(64)];
    /* spellings only: equivalent names have their own comparison */
    size_t kl = token_key(tmp, n, key, sizeof key, false);
    if (kl == 0 || kl >= sizeof key)
        return 0;
    /* Classes the romanisation systems exchange: d and t (Arabic dh/th/d,
     * Belarusian dz for Russian d before a soft vowel), h and k (Persian
     * gh for q, kh for k), ts for t (Belarusian ts for soft t); a final
     * vowel is not a consonant's. */
    size_t w = 0;
    for (size_t i = 0; i < kl; i++) {
        char c = key[i] == 'd' ? 't' : key[i] == 'h' ? 'k' : key[i];
        if (c == 's' && w > 0 && out[w - 1] == 't')
            continue; /* ts, ds, dz: t */
        if (w > 0 && out[w - 1] == c && c != 'a')
            continue;
        if (w + 1 >= out_size)
            break;
        out[w++] = c;
    }
    if (w > 1 && out[w - 1] == 'a')
        w--;
    out[w] = '\0';
    return w;
}

int text_form_keys(const char *form, size_t len, buf *out)
{
    size_t i = 0;
    bool first = true;
    while (i < len) {
        while (i < len && form[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && form[i] != ' ')
            i++;
        if (i == start)
            break;
        size_t tl = i - start > 64 ? 64 : i - start;
        char key[TEXT_KEY_SIZE(64)];
        size_t kl = text_token_key(form + start, tl, key, sizeof key);
        if ((!first && buf_append_char(out, ' ')) || buf_append(out, key, kl))
            return KD_ENOMEM;
        first = false;
    }
    return KD_OK;
}
