/* EU sanctions annexes as published in the Official Journal, transcribed by
 * OpenSanctions into one CSV file per regulation (eu_journal_sanctions).
 *
 * Columns are found by header name. Most are named after the FtM property
 * they hold, so such a column lands in that property even if it is new to
 * us; any other column is kept as a note "column: value", never dropped.
 *
 * Ids are eu-oj-<celex>-<recordId>, but recordId restarts at 1 in every
 * annex: Regulation 269/2014 has an entry 105 among its persons (Sheremet)
 * and another among its entities (Rossotrudnichestvo). The index would merge
 * entities that share an id, so a first pass over the file finds which
 * record owns each short id: the first in an annex of entities (bodies are
 * what other lists and references cite by these numbers), else the first
 * at all. The others carry their annex: eu-oj-32014R0269-105-I.PERSONS.
 * Some annexes of 833/2014 list bare names without a recordId; those use a
 * slug of the name: eu-oj-32014R0833-sberbank-XIV.
 *
 * Values. Multi-values are separated by "; ", and a value that contains
 * "; " itself is wrapped in double quotes. Reasons, notes and the measure
 * are prose and kept whole. Addresses are split: the data lists one address
 * per part, often ending with a bare country ("...; Russian Federation").
 * Names written "Latin (Кириллица)" become two names; see add_name.
 *
 * Mapping: programKey → program, measure ("Asset freeze") → provisions,
 * annex → programId ("Annex I.PERSONS"), recordId → recordId, startDate →
 * listingDate, schema → FtM schema, sourceUrl is the regulation on EUR-Lex. */
#include "lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OJ_DATASET "eu_journal_sanctions"
#define MAX_GROUPS 16

typedef enum col_kind {
    COL_OTHER, /* not an FtM property: a note "column: value" */
    COL_CELEX,
    COL_RECORD_ID,
    COL_ANNEX,
    COL_SCHEMA,
    COL_NAME,   /* the Latin part stays the name, other scripts are aliases */
    COL_NAMES,  /* alias, weakAlias, previousName: split by script too */
    COL_TEXT,   /* prose: never split */
    COL_DATE,
    COL_COUNTRY,
    COL_VALUES, /* "; "-separated plain values */
} col_kind;

typedef struct column {
    col_kind kind;
    kd_prop prop;
} column;

typedef struct parser {
    const char *path;
    csv_reader *csv;
    column *cols;
    size_t n_cols;
    csv_header header;
    size_t at_celex, at_record, at_annex, at_schema, at_name;
    buf tmp;
    arena owners_mem;
    struct owner **owners; /* celex+recordId → the annex that keeps the short id */
    size_t n_buckets;
} parser;

typedef struct owner {
    struct owner *next;
    bool entity;
    char annex[64];
    char key[]; /* "<celex>/<recordId>" */
} owner;

static const struct {
    const char *header;
    col_kind kind;
    kd_prop prop;
} special_columns[] = {
    {"celex", COL_CELEX, KD_PROP_NOTES},
    {"recordId", COL_RECORD_ID, KD_PROP_RECORD_ID},
    {"annex", COL_ANNEX, KD_PROP_PROGRAM_ID},
    {"schema", COL_SCHEMA, KD_PROP_NOTES},
    {"programKey", COL_VALUES, KD_PROP_PROGRAM},
    {"measure", COL_TEXT, KD_PROP_PROVISIONS},
    {"startDate", COL_DATE, KD_PROP_LISTING_DATE},
    {"name", COL_NAME, KD_PROP_NAME},
    {"reason", COL_TEXT, KD_PROP_REASON},
    {"notes", COL_TEXT, KD_PROP_NOTES},
    {"summary", COL_TEXT, KD_PROP_SUMMARY},
};

static col_kind kind_of_prop(kd_prop p)
{
    switch (p) {
    case KD_PROP_ALIAS: case KD_PROP_WEAK_ALIAS: case KD_PROP_PREVIOUS_NAME:
        return COL_NAMES;
    case KD_PROP_COUNTRY: case KD_PROP_NATIONALITY: case KD_PROP_CITIZENSHIP:
    case KD_PROP_JURISDICTION: case KD_PROP_FLAG: case KD_PROP_BIRTH_COUNTRY:
        return COL_COUNTRY;
    case KD_PROP_BIRTH_DATE: case KD_PROP_DEATH_DATE: case KD_PROP_INCORPORATION_DATE:
    case KD_PROP_DISSOLUTION_DATE: case KD_PROP_BUILD_DATE: case KD_PROP_REGISTRATION_DATE:
    case KD_PROP_LISTING_DATE: case KD_PROP_END_DATE:
        return COL_DATE;
    default:
        return COL_VALUES;
    }
}

static const char *col_name(const parser *p, size_t i)
{
    return csv_header_name(&p->header, i);
}

static int read_header(parser *p, kd_error *err)
{
    int rc = csv_header_read(p->csv, &p->header, 0, err);
    if (rc)
        return rc;
    p->n_cols = p->header.n;
    p->cols = calloc(p->n_cols, sizeof *p->cols);
    if (!p->cols)
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    p->at_celex = p->at_record = p->at_annex = p->at_schema = p->at_name = SIZE_MAX;
    for (size_t i = 0; i < p->n_cols; i++) {
        column *c = &p->cols[i];
        const char *name = col_name(p, i);
        c->kind = COL_OTHER;
        size_t k = 0;
        for (; k < KD_ARRAY_LEN(special_columns); k++)
            if (strcmp(name, special_columns[k].header) == 0)
                break;
        if (k < KD_ARRAY_LEN(special_columns)) {
            c->kind = special_columns[k].kind;
            c->prop = special_columns[k].prop;
        } else {
            int prop = kd_prop_from_name(name);
            if (prop >= 0 && !kd_prop_is_meta((kd_prop)prop)) {
                c->prop = (kd_prop)prop;
                c->kind = kind_of_prop(c->prop);
            }
        }
        size_t *at = c->kind == COL_CELEX       ? &p->at_celex
                     : c->kind == COL_RECORD_ID ? &p->at_record
                     : c->kind == COL_ANNEX     ? &p->at_annex
                     : c->kind == COL_SCHEMA    ? &p->at_schema
                     : c->kind == COL_NAME      ? &p->at_name
                                                : NULL;
        if (at && *at == SIZE_MAX)
            *at = i;
    }
    const char *missing = p->at_celex == SIZE_MAX    ? "celex"
                          : p->at_record == SIZE_MAX ? "recordId"
                          : p->at_schema == SIZE_MAX ? "schema"
                          : p->at_name == SIZE_MAX   ? "name"
                                                     : NULL;
    if (missing)
        return error_set(err, KD_EFORMAT, "%s:1: the header has no \"%s\" column", p->path,
                         missing);
    return KD_OK;
}

/* ---- values ------------------------------------------------------------ */

/* Next value of a "; "-separated list. A value that starts with a double
 * quote runs to the quote that is followed by "; " or the end. */
static bool next_value(const char *s, size_t n, size_t *pos, const char **v, size_t *vn)
{
    size_t i = *pos;
    if (i > n)
        return false;
    if (i < n && s[i] == '"') {
        for (size_t j = i + 1; j < n; j++) {
            if (s[j] != '"')
                continue;
            size_t k = j + 1;
            while (k < n && (s[k] == ' ' || s[k] == '\t'))
                k++;
            if (k == n || (s[j + 1] == ';' && j + 2 < n && s[j + 2] == ' ')) {
                *v = s + i + 1;
                *vn = j - i - 1;
                *pos = k == n ? n + 1 : j + 3;
                return true;
            }
        }
    }
    size_t j = i;
    while (j + 1 < n && !(s[j] == ';' && s[j + 1] == ' '))
        j++;
    if (j + 1 >= n)
        j = n;
    *v = s + i;
    *vn = j - i;
    *pos = j == n ? n + 1 : j + 2;
    return true;
}

/* Which writing system a code point's letter belongs to: 0 not a letter,
 * 1 Latin, 2 another script (Greek, Cyrillic, Armenian, Georgian, Arabic,
 * Hebrew, Indic, Thai, CJK, Hangul...). */
static int letter_script(uint32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    if (c < 0xC0 || c == 0xD7 || c == 0xF7)
        return 0;
    if (c <= 0x24F || (c >= 0x1E00 && c <= 0x1EFF))
        return 1;
    if (c < 0x370) /* IPA, modifier letters such as ʿ, combining marks */
        return 0;
    if (c < 0x2000)
        return 2;
    if (c >= 0x2E80 && c <= 0xD7FF && !(c >= 0x3000 && c <= 0x303F))
        return 2;
    if ((c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFB50 && c <= 0xFDFF) ||
        (c >= 0xFE70 && c <= 0xFEFC) || c >= 0x20000)
        return 2;
    return 0;
}

/* Counts Latin and other-script letters; s is valid UTF-8. */
static void count_letters(const char *str, size_t n, size_t *latin, size_t *other)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + len > n)
            break;
        uint32_t cp = len == 1 ? c : c & (0x7Fu >> len);
        for (size_t k = 1; k < len; k++)
            cp = (cp << 6) | (s[i + k] & 0x3F);
        int script = letter_script(cp);
        *latin += script == 1;
        *other += script == 2;
        i += len;
    }
}

enum { SCRIPT_NONE, SCRIPT_LATIN, SCRIPT_OTHER, SCRIPT_MIXED };

/* "Mainly" one script: at least three letters in four. */
static int classify(size_t latin, size_t other)
{
    if (latin + other == 0)
        return SCRIPT_NONE;
    if (latin >= 3 * other)
        return SCRIPT_LATIN;
    if (other >= 3 * latin)
        return SCRIPT_OTHER;
    return SCRIPT_MIXED;
}

/* Adds one name. The Journal writes a name in another script beside its
 * Latin form, "Sergei AKSENOV (Сергей АКСЁНОВ)", and sometimes the other
 * way round: a top-level parenthesised part is taken out as a name of its
 * own only when it and the text around it are each mainly in a different
 * script. Latin asides stay put: "Beltsy (Bălți)", "Rostec (Russian
 * Technologies State Corporation)", "(JSC)", as do same-script ones such
 * as "МАТВИЕНКО (born ТЮТИНА)" or "中國石油(香港)有限公司". Latin parts go
 * to latin_prop, the others to other_prop. */
static size_t language_label(const char *s, size_t n);

static int add_name(model_entity *e, kd_prop latin_prop, kd_prop other_prop, const char *s, size_t n,
                    buf *tmp)
{
    n = text_trim(&s, n);
    while (n && (s[n - 1] == ';' || s[n - 1] == ','))
        n = text_trim(&s, n - 1);
    size_t open[MAX_GROUPS], close[MAX_GROUPS], groups = 0;
    size_t depth = 0, start = 0;
    for (size_t i = 0; i < n && groups < MAX_GROUPS; i++) {
        if (s[i] == '(' && depth++ == 0)
            start = i;
        else if (s[i] == ')' && depth && --depth == 0)
            open[groups] = start, close[groups++] = i;
    }
    size_t latin = 0, other = 0;
    count_letters(s, n, &latin, &other);
    int kind[MAX_GROUPS];
    for (size_t g = 0; g < groups; g++) {
        size_t gl = 0, go = 0;
        count_letters(s + open[g] + 1, close[g] - open[g] - 1, &gl, &go);
        kind[g] = classify(gl, go);
        latin -= gl;
        other -= go;
    }
    int outer = classify(latin, other);
    bool split = false;
    for (size_t g = 0; g < groups; g++) {
        bool differs = (outer == SCRIPT_LATIN && kind[g] == SCRIPT_OTHER) ||
                       (outer == SCRIPT_OTHER && kind[g] == SCRIPT_LATIN);
        if (!differs)
            kind[g] = SCRIPT_NONE; /* stays inside the outer text */
        split |= differs;
    }
    if (!split) {
        /* "KIM Kwang Yon 김광연": the words of another script after the
         * Latin ones, without parentheses, are the other name */
        size_t cut = n;
        while (cut > 0) {
            size_t word_start = cut;
            while (word_start > 0 && s[word_start - 1] != ' ')
                word_start--;
            size_t wl = 0, wo = 0;
            count_letters(s + word_start, cut - word_start, &wl, &wo);
            if (wl || !wo)
                break;
            cut = word_start;
            while (cut > 0 && s[cut - 1] == ' ')
                cut--;
        }
        size_t pl = 0, po = 0;
        count_letters(s, cut, &pl, &po);
        if (cut > 0 && cut < n && classify(pl, po) == SCRIPT_LATIN) {
            size_t from = cut;
            while (from < n && s[from] == ' ')
                from++;
            int rc = entity_add(e, latin_prop, s, cut);
            return rc ? rc : entity_add(e, other_prop, s + from, n - from);
        }
        return entity_add(e, latin_prop, s, n);
    }
    buf_clear(tmp);
    size_t from = 0;
    for (size_t g = 0; g < groups; g++) {
        if (kind[g] == SCRIPT_NONE)
            continue;
        if (buf_append(tmp, s + from, open[g] - from) || buf_append_char(tmp, ' '))
            return KD_ENOMEM;
        from = close[g] + 1;
    }
    if (buf_append(tmp, s + from, n - from))
        return KD_ENOMEM;
    int rc = entity_add(e, outer == SCRIPT_OTHER ? other_prop : latin_prop, tmp->data, tmp->len);
    for (size_t g = 0; g < groups && !rc; g++)
        if (kind[g] != SCRIPT_NONE) { /* "(Russian:Артём ...)": the label is no part of the name */
            size_t label = language_label(s + open[g] + 1, close[g] - open[g] - 1);
            rc = entity_add(e, kind[g] == SCRIPT_OTHER ? other_prop : latin_prop, s + open[g] + 1 + label,
                            close[g] - open[g] - 1 - label);
        }
    return rc;
}

/* A language marker before a name ("укр. Анатолiй ..."): a word of up to
 * four letters ending with a dot. Returns how many bytes to skip. */
static size_t language_marker(const char *s, size_t n)
{
    size_t i = 0, letters = 0;
    while (i < n && s[i] != '.' && s[i] != ' ' && letters <= 4) {
        unsigned char c = (unsigned char)s[i];
        letters += (c & 0xC0) != 0x80; /* count characters, not bytes */
        i++;
    }
    return i < n && s[i] == '.' && letters >= 2 && letters <= 4 && i + 1 < n && s[i + 1] == ' ' ? i + 2 : 0;
}

/* The EU writes the spellings of one name in one field, " / " between
 * them ("Olga Valerievna POZDNYAKOVA / Olga Valeryevna POZDNYAKOVA", the
 * Russian and the Ukrainian form of an alias): the first is the field's,
 * the others are aliases of it (of the same property for alias columns). */
/* The EU labels a spelling with its language ("Vladimir Bronislavovich
 * TATUR Russian: Владимир ...", "Korean:"): the length of such a label at
 * s (the word, the colon and the spaces after it), 0 when there is none. */
static size_t language_label(const char *s, size_t n)
{
    static const char *const languages[] = {"arabic",   "armenian", "azerbaijani", "belarusian", "belarussian",
                                             "chinese",  "farsi",    "georgian",    "kazakh",     "korean",
                                             "kyrgyz",   "persian",  "russian",     "rusian",     "ukrainian",
                                             "uzbek"};
    for (size_t k = 0; k < sizeof languages / sizeof *languages; k++) {
        size_t len = strlen(languages[k]);
        if (n > len && strncasecmp(s, languages[k], len) == 0 && s[len] == ':') {
            size_t end = len + 1;
            while (end < n && s[end] == ' ')
                end++;
            return end;
        }
    }
    return 0;
}

/* Where the next spelling starts: " / ", a language label after a space,
 * or a '/' between two names of several words each ("Natalya Ivanovna
 * BEZRUCHENKO/Natalia Ivanovna BEZRUCHENKO"; "AO/JSC" stays one). Returns
 * the length of the separator at s + *at, 0 when there is none (*at = n). */
static size_t next_spelling(const char *s, size_t n, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        size_t label = i > 0 && s[i - 1] == ' ' ? language_label(s + i, n - i) : 0;
        if (label) {
            *at = i - 1;
            return label + 1;
        }
        if (i + 3 <= n && memcmp(s + i, " / ", 3) == 0) {
            *at = i;
            return 3;
        }
        if (s[i] == '/' && memchr(s, ' ', i) && i + 1 < n && memchr(s + i + 1, ' ', n - i - 1)) {
            *at = i;
            return 1;
        }
    }
    *at = n;
    return 0;
}

static int add_name_variants(model_entity *e, kd_prop first_prop, kd_prop other_prop, const char *s, size_t n,
                             buf *tmp)
{
    int rc = KD_OK;
    while (n && (s[n - 1] == '/' || s[n - 1] == ' ')) /* "KOSTERINA/": nothing follows */
        n--;
    while (n && *s == ' ')
        s++, n--;
    size_t label = language_label(s, n); /* "Korean:" alone, or before its name */
    s += label;
    n -= label;
    /* a note where a name was expected: the EU's "Text of image" */
    if (n == 13 && strncasecmp(s, "text of image", 13) == 0)
        return KD_OK;
    for (size_t part = 0; n && !rc; part++) {
        size_t len;
        size_t sep = next_spelling(s, n, &len);
        size_t skip = language_marker(s, len);
        kd_prop prop = part == 0 ? first_prop : other_prop;
        if (len > skip)
            rc = add_name(e, prop, prop == KD_PROP_NAME ? KD_PROP_ALIAS : prop, s + skip, len - skip, tmp);
        s += len + sep;
        n -= len + sep;
    }
    return rc;
}

static int add_column(parser *p, model_entity *e, const column *c, const char *s, size_t n)
{
    size_t pos = 0, vn;
    const char *v;
    int rc = KD_OK;
    switch (c->kind) {
    case COL_TEXT:
        return entity_add_text(e, c->prop, s, n);
    case COL_OTHER:
        buf_clear(&p->tmp);
        if (buf_printf(&p->tmp, "%s: ", col_name(p, (size_t)(c - p->cols))) ||
            buf_append(&p->tmp, s, n))
            return KD_ENOMEM;
        return entity_add_text(e, KD_PROP_NOTES, p->tmp.data, p->tmp.len);
    default:
        break;
    }
    while (!rc && next_value(s, n, &pos, &v, &vn)) {
        switch (c->kind) {
        case COL_NAME: rc = add_name_variants(e, KD_PROP_NAME, KD_PROP_ALIAS, v, vn, &p->tmp); break;
        case COL_NAMES: rc = add_name_variants(e, c->prop, c->prop, v, vn, &p->tmp); break;
        case COL_DATE: rc = entity_add_date(e, c->prop, v, vn); break;
        case COL_COUNTRY: rc = entity_add_country(e, c->prop, v, vn); break;
        default: rc = entity_add(e, c->prop, v, vn); break;
        }
    }
    return rc;
}

/* ---- ids --------------------------------------------------------------- */

/* Copies the id-safe characters of s (letters, digits, dots; anything else
 * becomes one '-'); lower also lowercases, for name slugs. */
static void id_part(char *out, size_t size, const char *s, size_t n, bool lower)
{
    size_t k = 0;
    bool dash = false;
    for (size_t i = 0; i < n && k + 2 < size; i++) {
        char c = s[i];
        bool keep = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c == '.' && !lower);
        if (!keep) {
            dash = k > 0;
            continue;
        }
        if (dash)
            out[k++] = '-';
        dash = false;
        out[k++] = lower && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    out[k] = '\0';
}

static owner **owner_slot(parser *p, const char *key)
{
    owner **slot = &p->owners[hash_bytes(key, strlen(key)) & (p->n_buckets - 1)];
    while (*slot && strcmp((*slot)->key, key) != 0)
        slot = &(*slot)->next;
    return slot;
}

/* First pass: who keeps each short id (see the comment at the top). */
static int find_owners(parser *p, kd_error *err)
{
    p->n_buckets = 4096;
    p->owners = calloc(p->n_buckets, sizeof *p->owners);
    if (!p->owners)
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    csv_reader *csv;
    int rc = csv_open(&csv, p->path, ',', err);
    if (rc)
        return rc;
    rc = csv_next(csv, err); /* the header, already checked */
    while (rc >= 0 && (rc = csv_next(csv, err)) == 1) {
        char celex[32], annex[64], record[64], key[128];
        size_t n;
        const char *s = csv_field(csv, p->at_celex, &n);
        id_part(celex, sizeof celex, s, n, false);
        s = csv_field(csv, p->at_record, &n);
        id_part(record, sizeof record, s, n, false);
        annex[0] = '\0';
        if (p->at_annex != SIZE_MAX) {
            s = csv_field(csv, p->at_annex, &n);
            id_part(annex, sizeof annex, s, n, false);
        }
        if (!record[0])
            continue;
        bool is_entity = p->at_schema != SIZE_MAX &&
                         strcmp(csv_field(csv, p->at_schema, NULL), "Person") != 0;
        snprintf(key, sizeof key, "%s/%s", celex, record);
        owner **slot = owner_slot(p, key);
        if (!*slot) {
            owner *o = arena_alloc(&p->owners_mem, sizeof *o + strlen(key) + 1);
            if (!o) {
                rc = error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
                break;
            }
            o->next = NULL;
            o->entity = is_entity;
            memcpy(o->annex, annex, sizeof annex);
            strcpy(o->key, key);
            *slot = o;
        } else if (is_entity && !(*slot)->entity) {
            (*slot)->entity = true;
            memcpy((*slot)->annex, annex, sizeof annex);
        }
    }
    csv_close(csv);
    return rc < 0 ? rc : KD_OK;
}

static int set_id(parser *p, model_entity *e, size_t line, kd_error *err)
{
    size_t n;
    const char *s = csv_field(p->csv, p->at_celex, &n);
    n = text_trim(&s, n);
    char celex[32], annex[64], record[64];
    id_part(celex, sizeof celex, s, n, false);
    if (!celex[0])
        return error_set(err, KD_EPARSE, "%s:%zu: celex: empty", p->path, line);
    annex[0] = '\0';
    if (p->at_annex != SIZE_MAX) {
        s = csv_field(p->csv, p->at_annex, &n);
        id_part(annex, sizeof annex, s, n, false);
    }
    s = csv_field(p->csv, p->at_record, &n);
    id_part(record, sizeof record, s, n, false);
    char key[128];
    snprintf(key, sizeof key, "%s/%s", celex, record);
    owner *o = *owner_slot(p, key);
    bool short_id = !o || strcmp(annex, o->annex) == 0;
    if (!record[0]) {
        s = csv_field(p->csv, p->at_name, &n);
        id_part(record, sizeof record, s, n, true);
        if (!record[0]) /* a name in another script only */
            snprintf(record, sizeof record, "h%08x", (unsigned)(hash_bytes(s, n) & 0xFFFFFFFFu));
        short_id = false;
    }
    int rc = short_id ? entity_set_id(e, "eu-oj-%s-%s", celex, record)
                      : entity_set_id(e, "eu-oj-%s-%s-%s", celex, record, annex[0] ? annex : "x");
    if (rc)
        return list_value_error(err, rc, p->path, line, "recordId");
    buf_clear(&p->tmp);
    if (buf_printf(&p->tmp, "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:%s", celex))
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    rc = entity_add(e, KD_PROP_SOURCE_URL, p->tmp.data, p->tmp.len);
    if (!rc && annex[0]) {
        buf_clear(&p->tmp);
        if (buf_printf(&p->tmp, "Annex %s", annex))
            return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
        rc = entity_add(e, KD_PROP_PROGRAM_ID, p->tmp.data, p->tmp.len);
    }
    return rc ? list_value_error(err, rc, p->path, line, "annex") : KD_OK;
}


static int parse_row(parser *p, model_entity *e, kd_error *err)
{
    size_t line = csv_line(p->csv);
    size_t fields = csv_field_count(p->csv);
    for (size_t i = 0; i < fields; i++) {
        size_t n;
        const char *s = csv_field(p->csv, i, &n);
        if (i >= p->n_cols) {
            if (text_trim(&s, n))
                return error_set(err, KD_EPARSE, "%s:%zu: %zu fields, but the header names %zu",
                                 p->path, line, fields, p->n_cols);
            continue;
        }
        if (!utf8_valid(s, n, NULL))
            return list_value_error(err, KD_EUTF8, p->path, line, col_name(p, i));
    }
    entity_reset(e);
    e->dataset = OJ_DATASET;
    size_t n;
    const char *s = csv_field(p->csv, p->at_schema, &n);
    n = text_trim(&s, n);
    char schema_name[40];
    snprintf(schema_name, sizeof schema_name, "%.*s", (int)(n < 39 ? n : 39), s);
    int schema = kd_schema_from_name(schema_name);
    if (schema < 0)
        return error_set(err, KD_EPARSE, "%s:%zu: schema: unknown FtM schema \"%.60s\"", p->path,
                         line, schema_name);
    e->schema = (kd_schema)schema;
    int rc = set_id(p, e, line, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < p->n_cols; i++) {
        const column *c = &p->cols[i];
        if (c->kind == COL_CELEX || c->kind == COL_SCHEMA || c->kind == COL_ANNEX)
            continue;
        s = csv_field(p->csv, i, &n);
        if ((n = text_trim(&s, n)) == 0)
            continue;
        if ((rc = add_column(p, e, c, s, n)))
            return list_value_error(err, rc, p->path, line, col_name(p, i));
    }
    if (!entity_first(e, KD_PROP_NAME))
        return error_set(err, KD_EPARSE, "%s:%zu: name: empty", p->path, line);
    return KD_OK;
}

int parse_eu_oj_csv(const char *path, const list_sink *sink, kd_error *err)
{
    parser p = {.path = path};
    int rc = csv_open(&p.csv, path, ',', err);
    if (rc)
        return rc;
    model_entity e;
    entity_init(&e);
    size_t records = 0;
    rc = read_header(&p, err);
    if (rc == KD_OK)
        rc = find_owners(&p, err);
    while (rc == KD_OK && (rc = csv_next(p.csv, err)) == 1) {
        if ((rc = parse_row(&p, &e, err)))
            break;
        if ((rc = sink->emit(sink->ctx, &e, err)))
            break;
        records++;
    }
    if (rc == KD_OK && records == 0)
        rc = error_set(err, KD_EEMPTY, "%s: no records", path);
    entity_free(&e);
    csv_close(p.csv);
    free(p.cols);
    free(p.owners);
    arena_free(&p.owners_mem);
    csv_header_free(&p.header);
    buf_free(&p.tmp);
    return rc;
}
