/* text — normalisation of names for matching across scripts and spellings.
 *
 * Three layers, each usable alone:
 *   1. text_name_forms: a name in any script → its plausible romanised forms,
 *      each lowercase ASCII tokens separated by single spaces, with legal
 *      forms rewritten to one canonical token ("limited liability company",
 *      "ООО", "o.o.o." → "llc").
 *   2. text_token_class: what a token of a form is (a name part, a title, a
 *      legal form, an Arabic or European particle...), so scoring can weigh
 *      titles and legal forms low instead of dropping them.
 *   3. text_token_key: a deliberately lossy spelling-family key of one token,
 *      so transliteration variants collide (yevgeniy/evgenij/jewgeni).
 *
 * Ownership: every function writes into caller-owned memory (a buf or a
 * char array); nothing returned needs freeing except the normaliser. */
#ifndef KD_TEXT_H
#define KD_TEXT_H

#include "core/core.h"

/* Owns the ICU transliterators. Creating one is cheap: each script's
 * transliterator (~10 ms to build) is opened on first use and kept. NOT
 * thread-safe: give every thread its own, made with text_normaliser_clone
 * (copies the transliterators already opened, ~15 µs each). */
typedef struct text_normaliser text_normaliser;

int text_normaliser_new(text_normaliser **out, kd_error *err);
int text_normaliser_clone(const text_normaliser *src, text_normaliser **out, kd_error *err);
void text_normaliser_free(text_normaliser *n);

/* Names longer than this are refused with KD_ELIMIT: a name, not a text.
 * ICU's Arabic transliteration grows quadratically with length (16 KB:
 * 0.1 s; 100 KB: seconds), so the bound is what keeps a hostile "name"
 * from stalling a build or a request. The longest real listed names are a
 * few hundred bytes. */
#define TEXT_NAME_MAX 2048

/* Clears out, then writes every distinct romanised form of name, each
 * followed by a NUL byte. Returns the number of forms (0 when the name has
 * no letters or digits), KD_EUTF8 for invalid UTF-8, KD_ELIMIT, KD_ENOMEM,
 * or KD_EPARSE when ICU fails.
 *
 * Every form: NFKC case-folded, transliterated, lowercase ASCII letters and
 * digits; hyphens and other punctuation split tokens ("al-Qaida" → "al
 * qaida"), apostrophes join them ("O'Brien" → "obrien"), dotted letters
 * join when they spell a legal form ("L.L.C." → "llc"; two letters only
 * at the end, so "S.A. Afanasyev" keeps its initials), legal forms become
 * their canonical token in place ("OOO Romashka" → "llc romashka";
 * phrases match by key, so "Obschestvo s ogranichennoi otvetstvennostju"
 * is found too).
 *
 *   pure ASCII       one form, no ICU (the fast path)
 *   other Latin      Latin-ASCII ("Şahin" → "sahin", "Əliyev" → "aliyev") and,
 *                    when it differs, a digraph form ("şahin" → "shahin",
 *                    "Miloševič" → "milosevich"; Azerbaijani x → kh)
 *   Cyrillic         Russian-Latin/BGN ("yevgeniy aleksandrovich primakov")
 *                    and ISO-like with digraphs ("evgenij aleksandrovich
 *                    primakov"); Ukrainian-Latin/BGN when і ї є ґ occur
 *                    without ы э ё ъ; Belarusian-Latin/BGN for ў, or і with
 *                    ы э ё. Latin look-alikes typed into Cyrillic words
 *                    ("ЗIНЧЕНКО", "Общество C ...") are read as Cyrillic
 *   Arabic script    Arabic-Latin/BGN, Persian-Latin/BGN and a vowel-less
 *                    skeleton (short-vowel marks stripped, و read as u);
 *                    the article ال is split off ("الحي" → "al hy",
 *                    "عبدالحميد" → "abd al hmyd")
 *   anything else    ICU Any-Latin then Latin-ASCII (Greek, Georgian,
 *                    Armenian, Hebrew; Han as pinyin, Hangul as romaja) */
int text_name_forms(text_normaliser *n, const char *name, size_t len, buf *out);

/* "Long Official Name (ACRONYM)" is how lists write a body and its short
 * name, and customers' names carry the same ("Nordlase LLC (OOO
 * Nordlase)"): the part outside the brackets and the part inside, each a
 * name of its own, into outside and inside (cleared first). False when
 * there is no bracket, when either part is empty, or when the bracket
 * holds one short lowercase word: a gloss ("(Power)"), not a name. */
bool text_split_parenthetical(const char *text, buf *outside, buf *inside);

typedef enum text_token_class {
    TEXT_TOKEN_NAME = 0,  /* an ordinary name part */
    TEXT_TOKEN_INITIAL,   /* a single letter */
    TEXT_TOKEN_NUMBER,    /* contains a digit ("737", "2nd") */
    TEXT_TOKEN_PARTICLE,  /* al, el, bin, ibn, abu, abd, ul, van, von, de, ... */
    TEXT_TOKEN_HONORIFIC, /* mr, dr, sheikh, haji, mullah, general, colonel, ... */
    TEXT_TOKEN_LEGAL,     /* llc, jsc, fsue, ltd, gmbh, sa, inc, corp, co, plc, ... */
    TEXT_TOKEN_STOP,      /* the, of, and, for */
} text_token_class;

/* Classifies one token of a form (lowercase ASCII). Legal forms are
 * recognised both canonical ("llc") and raw ("ooo", "limited"). */
text_token_class text_token_class_of(const char *token, size_t len);
const char *text_token_class_name(text_token_class c);

/* Canonical legal-form token for a single raw token ("ooo" → "llc",
 * "limited" → "ltd", "pjsc" → "jsc"), or NULL. Multi-word legal forms are
 * only recognised inside text_name_forms. */
const char *text_legal_form(const char *token, size_t len);

/* Worst case key length for a token of len bytes (x → "ks" doubles). */
#define TEXT_KEY_SIZE(len) (2 * (len) + 3)

/* Writes the spelling-family key of ONE token (lowercase ASCII from a form;
 * other bytes are skipped) to out, NUL-terminated, truncated to out_size-1.
 * Returns the key length written.
 *
 * The key keeps consonant classes and drops inner vowels: 'a' marks a
 * leading or trailing vowel, kh/h/g/gh → h, ch/sh/sch/tch/tsch/shch/cz →
 * c, s/z/zh/ss → s (so ts = tz), f/v/w/ph/ff → v, c/k/q/ck → k (c before
 * e/i/y → s, a final c → c as in -ić), th → t, dh → d, x → ks (h at the
 * start), y/j/dj/dzh count as vowels, doubled letters collapse and a
 * final -ah is a vowel (Usamah = Usama). A small table maps English
 * equivalents first (eugene → yevgeniy, michael → mikhail). Tokens holding
 * a digit are kept as they are; only the first 64 letters count.
 * Examples: yevgeniy/evgeny/jewgeni → "avhna", primakov/primakow/primakoff
 * → "prmkv", mohammed/muhammad/magomed → "mhmd". */
size_t text_token_key(const char *token, size_t len, char *out, size_t out_size);
/* A looser key for words whose keys differ where romanisation systems
 * differ: d/t, h/k and ts/t merged, Belarusian ў read as v, no final
 * vowel ("sadeq" and "sadegh", "ghathafi" and "gaddafi", "valiantsina" and
 * "valentina" share one). Only a hint that two spellings may be one name:
 * it merges far more than the key, so only close spellings may use it.
 * 0 for tokens holding digits. */
size_t text_token_loose_key(const char *token, size_t len, char *out, size_t out_size);
/* Whether two patronymics are made of one given name in two languages
 * (Uladzimiravich, Vladimirovich): text_name_equivalence of the names
 * without their endings. */
bool text_patronymic_equivalence(const char *a, size_t la, const char *b, size_t lb);
/* A word of a Korean name as every romanisation system writes it
 * (korean.c: Chong, Jong and Cho'ng; Pong and Bong; Kyom and Gyom share
 * one key) into out; its length, 0 for a word no Korean syllable or two
 * can be. */
size_t text_korean_key(const char *s, size_t n, char *out, size_t size);

/* Whether two romanised words are one given name in two languages by
 * kordon's table (Uladzimir, Volodymyr and Vladimir); the languages of the
 * two forms ("be", "uk", "ru", "en", "de") go to language_a/b when not NULL. */
bool text_name_equivalence(const char *a, size_t la, const char *b, size_t lb, const char **language_a,
                           const char **language_b);
/* The given names a diminutive stands for (text/nicknames.c: Sasha for
 * Aleksandr and Aleksandra, Volodya for Vladimir, Bill for William), as
 * the equivalence table writes them: up to cap of them in names[] with
 * their lengths (not NUL-terminated), how many; 0 for a word that is no
 * diminutive. s: a lower-case romanised word. */
size_t text_nickname_names(const char *s, size_t n, const char **names, size_t *lens, size_t cap);
/* The i-th form the equivalences map to (the Russian BGN "vladimir", the
 * English "engineering"), NULL past the last: every word in an equivalence
 * has the key of one of these, so a matcher marks those keys once and asks
 * text_name_equivalence only of words with a marked key. */
const char *text_name_equivalent_form(size_t i);
/* Whether two words of one length (seven letters or more) differ only in
 * one or two vowels, letter for letter (Russian and Belarusian
 * Kovalenko/Kavalenka): their consonants all agree, in place. */
bool text_vowels_only_differ(const char *a, size_t la, const char *b, size_t lb);

/* Appends the keys of every token of a form, separated by single spaces,
 * to out (not cleared). */
int text_form_keys(const char *form, size_t len, buf *out);

#endif
