/* The UN Security Council consolidated list XML (<CONSOLIDATED_LIST>, with
 * <INDIVIDUALS><INDIVIDUAL> and <ENTITIES><ENTITY>), one record at a time.
 *
 * Mapping: INDIVIDUAL → Person, ENTITY → Organization, id "unsc-<DATAID>".
 * FIRST_NAME..FOURTH_NAME joined in the list's own order → name; for people
 * FIRST_NAME → firstName and the last non-empty of SECOND..FOURTH_NAME →
 * lastName (the UN puts the family name last in most entries; for those with
 * FIRST_NAME alone there is no lastName). NAME_ORIGINAL_SCRIPT → alias.
 * *_ALIAS: QUALITY Good / a.k.a. / empty → alias, Low → weakAlias, fka /
 * f.k.a. → previousName; an alias's own DATE_OF_BIRTH, CITY_OF_BIRTH and
 * COUNTRY_OF_BIRTH → birthDate, birthPlace, birthCountry.
 * INDIVIDUAL_DATE_OF_BIRTH: EXACT DATE or YEAR → birthDate; APPROXIMATELY →
 * the date with "~"; BETWEEN FROM_YEAR/TO_YEAR → "1960/1962"; a NOTE alone
 * ("Nov. 1973") → birthDate when it reads as a date, notes otherwise (a NOTE
 * beside a value is ignored). NATIONALITY → nationality. PLACE_OF_BIRTH →
 * birthPlace "STREET, CITY, STATE_PROVINCE, COUNTRY" and birthCountry.
 * DOCUMENT: a TYPE_OF_DOCUMENT naming a passport (in English, French or
 * Spanish) → passportNumber, else idNumber; the number is cut out of the
 * prose it often comes in ("Russian foreign travel passport number
 * 515458008" → 515458008). *_ADDRESS → address (STREET, CITY,
 * STATE_PROVINCE, ZIP_CODE, COUNTRY; not for a bare country) and country.
 * DESIGNATION → position, TITLE → title, GENDER → gender, UN_LIST_TYPE →
 * program, REFERENCE_NUMBER → programId, LISTED_ON → listingDate, COMMENTS1
 * → notes, the newest LAST_DAY_UPDATED → modifiedAt. LIST_TYPE, SORT_KEY
 * and VERSIONNUM carry nothing for screening. */
#include "xml.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define UN_DATASET "un_sc_sanctions"
#define UN_SOURCE_URL "https://main.un.org/securitycouncil/content/un-sc-consolidated-list"

typedef struct un_parser {
    xml_reader *x;
    model_entity e;
    buf scratch; /* xml_text of the value at hand */
    buf join;    /* a name, address or date being put together */
    kd_error *err;
} un_parser;

static int add(un_parser *p, kd_prop prop, xml_adder fn, const char *s, size_t n,
               const xmlNode *at, const char *field, kd_error *err)
{
    return xml_add(p->x, &p->e, prop, fn, s, n, at, field, err);
}

static int add_child(un_parser *p, kd_prop prop, xml_adder fn, const xmlNode *parent,
                     const char *name, kd_error *err)
{
    xmlNode *c = xml_child(parent, name);
    return c ? xml_add_text(p->x, &p->e, prop, fn, c, &p->scratch, err) : KD_OK;
}

/* Appends ", part" (or " part" with sep " ") when part is not empty. */
static int join_part(buf *b, const char *sep, const char *s, size_t n)
{
    if (n == 0)
        return KD_OK;
    if ((b->len && buf_append_str(b, sep)) || buf_append(b, s, n))
        return KD_ENOMEM;
    return KD_OK;
}

static int add_names(un_parser *p, const xmlNode *rec, bool person, kd_error *err)
{
    static const char *const parts[] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                        "FOURTH_NAME"};
    const xmlNode *last = NULL, *first = NULL;
    buf_clear(&p->join);
    for (size_t i = 0; i < KD_ARRAY_LEN(parts); i++) {
        xmlNode *c = xml_child(rec, parts[i]);
        size_t n;
        const char *s = xml_text(c, &p->scratch, &n);
        if (join_part(&p->join, " ", s, n))
            return error_set(err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
        if (n && i > 0)
            last = c;
        if (n && !first)
            first = c;
    }
    TRY(add(p, KD_PROP_NAME, entity_add, p->join.data, p->join.len, first,
            first ? (const char *)first->name : "FIRST_NAME", err));
    if (person) {
        TRY(add_child(p, KD_PROP_FIRST_NAME, entity_add, rec, "FIRST_NAME", err));
        if (last)
            TRY(xml_add_text(p->x, &p->e, KD_PROP_LAST_NAME, entity_add, last, &p->scratch, err));
    }
    return add_child(p, KD_PROP_ALIAS, entity_add, rec, "NAME_ORIGINAL_SCRIPT", err);
}

/* QUALITY → property; dots and case do not matter ("f.k.a.", "FKA"). */
static kd_prop alias_prop(const char *s, size_t n)
{
    char q[16];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof q; i++)
        if (s[i] != '.' && s[i] != ' ')
            q[k++] = (char)tolower((unsigned char)s[i]);
    q[k] = '\0';
    if (strcmp(q, "low") == 0)
        return KD_PROP_WEAK_ALIAS;
    if (strcmp(q, "fka") == 0)
        return KD_PROP_PREVIOUS_NAME;
    return KD_PROP_ALIAS;
}

static int add_alias(un_parser *p, const xmlNode *alias, kd_error *err)
{
    xmlNode *name = xml_child(alias, "ALIAS_NAME");
    size_t qn;
    const char *q = xml_child_text(alias, "QUALITY", &p->scratch, &qn);
    kd_prop prop = alias_prop(q, qn);
    if (name)
        TRY(xml_add_text(p->x, &p->e, prop, entity_add, name, &p->scratch, err));
    /* Some aliases come with the birth details used under that name. */
    TRY(add_child(p, KD_PROP_BIRTH_DATE, entity_add_date, alias, "DATE_OF_BIRTH", err));
    buf_clear(&p->join);
    static const char *const place[] = {"CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"};
    for (size_t i = 0; i < KD_ARRAY_LEN(place); i++) {
        size_t n;
        const char *s = xml_child_text(alias, place[i], &p->scratch, &n);
        if (join_part(&p->join, ", ", s, n))
            return error_set(err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
    }
    TRY(add(p, KD_PROP_BIRTH_PLACE, entity_add, p->join.data, p->join.len, alias,
            "CITY_OF_BIRTH", err));
    return add_child(p, KD_PROP_BIRTH_COUNTRY, entity_add_country, alias, "COUNTRY_OF_BIRTH",
                     err);
}

static const char *find_bytes(const char *s, size_t n, const char *pat)
{
    size_t k = strlen(pat);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, pat, k) == 0)
            return s + i;
    return NULL;
}

static const char *last_byte(const char *s, size_t n, char c)
{
    while (n--)
        if (s[n] == c)
            return s + n;
    return NULL;
}

static bool is_year(const char *s, size_t n)
{
    return n == 4 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
           isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]);
}

/* "1955", "1955-06" or "1955-06-01": already what birthDate holds. */
static bool is_iso_partial(const char *s, size_t n)
{
    if (n < 4 || !is_year(s, 4))
        return false;
    for (size_t i = 4; i < n; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    return n == 4 || n == 7 || n == 10;
}

static int add_birth_date(un_parser *p, const xmlNode *dob, kd_error *err)
{
    size_t tn, from_n, to_n, vn, note_n;
    const char *t = xml_child_text(dob, "TYPE_OF_DATE", &p->scratch, &tn);
    bool circa = tn == 13 && strncasecmp(t, "APPROXIMATELY", 13) == 0;
    xmlNode *from = xml_child(dob, "FROM_YEAR"), *to = xml_child(dob, "TO_YEAR");
    char range[16] = "";
    const char *s = xml_text(from, &p->scratch, &from_n);
    if (is_year(s, from_n))
        memcpy(range, s, 4);
    s = xml_text(to, &p->scratch, &to_n);
    if (range[0] && is_year(s, to_n)) {
        snprintf(range + 4, sizeof range - 4, "/%.4s", s);
        return add(p, KD_PROP_BIRTH_DATE, entity_add, range, 9, from, "FROM_YEAR", err);
    }
    if (from_n || to_n) {
        TRY(add_child(p, KD_PROP_BIRTH_DATE, entity_add_date, dob, "FROM_YEAR", err));
        return add_child(p, KD_PROP_BIRTH_DATE, entity_add_date, dob, "TO_YEAR", err);
    }

    xmlNode *value = xml_child(dob, "DATE");
    const char *v = xml_text(value, &p->scratch, &vn);
    if (vn == 0) {
        value = xml_child(dob, "YEAR");
        v = xml_text(value, &p->scratch, &vn);
    }
    if (vn) {
        const char *field = (const char *)value->name;
        if (!circa)
            return add(p, KD_PROP_BIRTH_DATE, entity_add_date, v, vn, value, field, err);
        char iso[64];
        if (is_iso_partial(v, vn))
            snprintf(iso, sizeof iso, "%.*s~", (int)vn, v);
        else if (date_normalise(v, vn, iso, sizeof iso - 1) && !strchr(iso, '~'))
            strcat(iso, "~");
        else
            return add(p, KD_PROP_BIRTH_DATE, entity_add_date, v, vn, value, field, err);
        return add(p, KD_PROP_BIRTH_DATE, entity_add, iso, strlen(iso), value, field, err);
    }
    /* No value: the NOTE is all there is ("Nov. 1973", "30-35 years old",
     * "24/06/1402 (Hijri Calendar)"). Only a Gregorian date is a birthDate. */
    xmlNode *note = xml_child(dob, "NOTE");
    s = xml_text(note, &p->scratch, &note_n);
    if (note_n == 0)
        return KD_OK;
    char iso[64];
    bool hijri = find_bytes(s, note_n, "Hijri") != NULL;
    if (!hijri && date_normalise(s, note_n, iso, sizeof iso - 1)) {
        if (circa && !strchr(iso, '~'))
            strcat(iso, "~");
        return add(p, KD_PROP_BIRTH_DATE, entity_add, iso, strlen(iso), note, "NOTE", err);
    }
    buf_clear(&p->join);
    if (buf_append_str(&p->join, "Date of birth: ") || buf_append(&p->join, s, note_n))
        return error_set(err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
    return add(p, KD_PROP_NOTES, entity_add, p->join.data, p->join.len, note, "NOTE", err);
}

/* An address or a place of birth: the parts joined into `text`, and the
 * COUNTRY on its own into `country`. */
static int add_place(un_parser *p, const xmlNode *node, const char *const *parts, size_t n_parts,
                     kd_prop text, kd_prop country, bool bare_country, kd_error *err)
{
    buf_clear(&p->join);
    bool only_country = true;
    for (size_t i = 0; i < n_parts; i++) {
        size_t n;
        const char *s = xml_child_text(node, parts[i], &p->scratch, &n);
        if (join_part(&p->join, ", ", s, n))
            return error_set(err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
        only_country &= n == 0 || strcmp(parts[i], "COUNTRY") == 0;
    }
    if (bare_country || !only_country)
        TRY(add(p, text, entity_add, p->join.data, p->join.len, node, (const char *)node->name,
                err));
    return add_child(p, country, entity_add_country, node, "COUNTRY", err);
}

static bool is_code_token(const char *s, size_t n)
{
    bool letter = false;
    for (size_t i = 0; i < n; i++) {
        if (!(isupper((unsigned char)s[i]) || s[i] == '-' || s[i] == '/'))
            return false;
        letter |= isupper((unsigned char)s[i]) != 0;
    }
    return letter && n <= 4;
}

/* Cuts the number out of "Libyan passport No. 513519", "381110042 (Expired
 * 25 Jan. 2016)" or "R00012098, South Sudan": the trailing run of words
 * that hold a digit, with short upper-case series letters before them
 * ("OB 0243318", "TR-P 614 166"). Text with no such run is kept whole. */
static size_t clean_number(const char **sp, size_t n)
{
    const char *s = *sp;
    n = text_trim(&s, n);
    const char *open = n && s[n - 1] == ')' ? last_byte(s, n, '(') : NULL;
    if (open && open > s)
        n = text_trim(&s, (size_t)(open - s));
    const char *comma;
    while ((comma = last_byte(s, n, ',')) && comma > s) {
        size_t k = (size_t)(comma - s);
        bool digit = false;
        for (size_t i = k; i < n; i++)
            digit |= isdigit((unsigned char)s[i]) != 0;
        if (digit)
            break;
        n = k;
    }
    size_t start = n, end = n;
    bool any = false;
    while (end > 0) {
        size_t b = end;
        while (b > 0 && !isspace((unsigned char)s[b - 1]))
            b--;
        bool digit = false;
        for (size_t i = b; i < end; i++)
            digit |= isdigit((unsigned char)s[i]) != 0;
        if (!(digit || (any && is_code_token(s + b, end - b))))
            break;
        any = true;
        start = b;
        while (b > 0 && isspace((unsigned char)s[b - 1]))
            b--;
        end = b;
    }
    if (any)
        s += start, n -= start;
    *sp = s;
    return n;
}

static bool names_passport(const char *s, size_t n)
{
    static const char *const words[] = {"passport", "passeport", "pasaporte"};
    for (size_t w = 0; w < KD_ARRAY_LEN(words); w++)
        for (size_t i = 0, k = strlen(words[w]); i + k <= n; i++)
            if (strncasecmp(s + i, words[w], k) == 0)
                return true;
    return false;
}

static int add_document(un_parser *p, const xmlNode *doc, kd_error *err)
{
    xmlNode *number = xml_child(doc, "NUMBER");
    size_t n, tn;
    const char *s = xml_text(number, &p->scratch, &n);
    if (n == 0)
        return KD_OK;
    n = clean_number(&s, n);
    /* The number stays in p->scratch; the types are read with p->join. */
    const char *t = xml_child_text(doc, "TYPE_OF_DOCUMENT", &p->join, &tn);
    bool passport = names_passport(t, tn);
    if (!passport && tn == 0) {
        t = xml_child_text(doc, "TYPE_OF_DOCUMENT2", &p->join, &tn);
        passport = names_passport(t, tn);
    }
    return add(p, passport ? KD_PROP_PASSPORT_NUMBER : KD_PROP_ID_NUMBER, entity_add, s, n,
               number, "NUMBER", err);
}

/* <NATIONALITY><VALUE>..</VALUE><VALUE>..</VALUE></NATIONALITY> */
static int add_values(un_parser *p, const xmlNode *node, kd_prop prop, xml_adder fn,
                      kd_error *err)
{
    for (xmlNode *v = xml_child(node, "VALUE"); v; v = xml_next_sibling(v, "VALUE"))
        TRY(xml_add_text(p->x, &p->e, prop, fn, v, &p->scratch, err));
    return KD_OK;
}

/* LAST_DAY_UPDATED lists every update; the newest one is the entry's date. */
static int add_newest(un_parser *p, const xmlNode *node, kd_error *err)
{
    char newest[32] = "", value[32];
    const xmlNode *at = node;
    for (xmlNode *v = xml_child(node, "VALUE"); v; v = xml_next_sibling(v, "VALUE")) {
        size_t n;
        const char *s = xml_text(v, &p->scratch, &n);
        if (n == 0 || n >= sizeof value)
            continue;
        memcpy(value, s, n);
        value[n] = '\0';
        if (strcmp(value, newest) > 0)
            memcpy(newest, value, n + 1), at = v;
    }
    return add(p, KD_PROP_MODIFIED_AT, entity_add_date, newest, strlen(newest), at,
               "LAST_DAY_UPDATED", err);
}

static int parse_record(un_parser *p, const xmlNode *rec, kd_error *err)
{
    bool person = xml_is(rec, "INDIVIDUAL");
    model_entity *e = &p->e;
    entity_reset(e);
    e->schema = person ? KD_SCHEMA_PERSON : KD_SCHEMA_ORGANIZATION;
    e->dataset = UN_DATASET;
    size_t n;
    const char *id = xml_child_text(rec, "DATAID", &p->scratch, &n);
    bool ok = n > 0 && n < 24;
    for (size_t i = 0; i < n && ok; i++)
        ok = isalnum((unsigned char)id[i]) != 0;
    if (!ok)
        return error_set(err, KD_EPARSE, "%s:%zu: DATAID: missing or not a number", xml_path(p->x),
                         xml_line(rec));
    if (entity_set_id(e, "unsc-%.*s", (int)n, id))
        return error_set(err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
    TRY(add_names(p, rec, person, err));

    static const char *const address[] = {"STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE",
                                          "COUNTRY"};
    static const char *const birth_place[] = {"STREET", "CITY", "STATE_PROVINCE", "COUNTRY"};
    for (xmlNode *c = xml_child(rec, NULL); c; c = xml_next_sibling(c, NULL)) {
        const char *name = (const char *)c->name;
        int rc = KD_OK;
        if (strcmp(name, "INDIVIDUAL_ALIAS") == 0 || strcmp(name, "ENTITY_ALIAS") == 0)
            rc = add_alias(p, c, err);
        else if (strcmp(name, "INDIVIDUAL_DATE_OF_BIRTH") == 0)
            rc = add_birth_date(p, c, err);
        else if (strcmp(name, "INDIVIDUAL_PLACE_OF_BIRTH") == 0)
            rc = add_place(p, c, birth_place, KD_ARRAY_LEN(birth_place), KD_PROP_BIRTH_PLACE,
                           KD_PROP_BIRTH_COUNTRY, true, err);
        else if (strcmp(name, "INDIVIDUAL_ADDRESS") == 0 || strcmp(name, "ENTITY_ADDRESS") == 0)
            rc = add_place(p, c, address, KD_ARRAY_LEN(address), KD_PROP_ADDRESS,
                           KD_PROP_COUNTRY, false, err);
        else if (strcmp(name, "INDIVIDUAL_DOCUMENT") == 0)
            rc = add_document(p, c, err);
        else if (strcmp(name, "NATIONALITY") == 0)
            rc = add_values(p, c, KD_PROP_NATIONALITY, entity_add_country, err);
        else if (strcmp(name, "DESIGNATION") == 0)
            rc = add_values(p, c, KD_PROP_POSITION, entity_add, err);
        else if (strcmp(name, "TITLE") == 0)
            rc = add_values(p, c, KD_PROP_TITLE, entity_add, err);
        else if (strcmp(name, "LAST_DAY_UPDATED") == 0)
            rc = add_newest(p, c, err);
        else if (strcmp(name, "GENDER") == 0) {
            const char *g = xml_text(c, &p->scratch, &n);
            if (text_istarts(g, n, "female"))
                g = "female", n = 6;
            else if (text_istarts(g, n, "male"))
                g = "male", n = 4;
            rc = add(p, KD_PROP_GENDER, entity_add, g, n, c, "GENDER", err);
        } else if (strcmp(name, "UN_LIST_TYPE") == 0)
            rc = xml_add_text(p->x, e, KD_PROP_PROGRAM, entity_add, c, &p->scratch, err);
        else if (strcmp(name, "REFERENCE_NUMBER") == 0)
            rc = xml_add_text(p->x, e, KD_PROP_PROGRAM_ID, entity_add, c, &p->scratch, err);
        else if (strcmp(name, "LISTED_ON") == 0)
            rc = xml_add_text(p->x, e, KD_PROP_LISTING_DATE, entity_add_date, c, &p->scratch, err);
        else if (strcmp(name, "COMMENTS1") == 0)
            rc = xml_add_text(p->x, e, KD_PROP_NOTES, entity_add_text, c, &p->scratch, err);
        if (rc)
            return rc;
    }
    return add(p, KD_PROP_SOURCE_URL, entity_add, UN_SOURCE_URL, strlen(UN_SOURCE_URL), rec,
               "sourceUrl", err);
}

/* xml_each_record's view of parse_record */
static int each_record(void *ctx, xmlNode *rec)
{
    un_parser *p = ctx;
    return parse_record(p, rec, p->err);
}

int parse_un_xml(const char *path, const list_sink *sink, kd_error *err)
{
    un_parser p = {.err = err};
    int rc = xml_open(&p.x, path, "CONSOLIDATED_LIST", err);
    if (rc)
        return rc;
    entity_init(&p.e);
    static const char *const records[] = {"INDIVIDUAL", "ENTITY", NULL};
    rc = xml_each_record(p.x, path, records, each_record, &p, &p.e, sink, NULL, err);
    entity_free(&p.e);
    buf_free(&p.scratch);
    buf_free(&p.join);
    xml_close(p.x);
    return rc;
}
