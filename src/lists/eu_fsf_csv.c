/* The EU consolidated financial sanctions list in its CSV 1.0 form
 * (semicolon separated, one row per combination of an entity's name, birth
 * date, address, identification and citizenship).
 *
 * Rows of one Entity_logical_id are contiguous, so they are merged into one
 * entity that is emitted when the id changes: memory stays bounded by one
 * entity. (Should an id ever come back later, the index merges entities
 * that share an id, so nothing is lost.)
 *
 * The files in circulation went through a spreadsheet: each line is one
 * quoted field holding the ';'-separated row, every comma of the original
 * became a tab and the line is padded with tabs to 32 columns (every line
 * has exactly 31 tabs: "al-Awja\t near Tikrit"). Such a wrapped line is
 * unwrapped, its padding dropped and its tabs turned back into commas.
 * Line breaks inside remarks are written as a literal "\n".
 *
 * They are also Windows-1252, not UTF-8. The first field with bytes above
 * 0x7F decides: valid UTF-8 makes the file UTF-8, and an invalid sequence
 * later is an error; otherwise the file is read as Windows-1252.
 *
 * Mapping: Subject_type P → Person, E → Organization; Naal_wholename →
 * name (the first one without a Naal_language) and alias; Naal_firstname/
 * middlename/lastname/title/gender/function → firstName/middleName/
 * lastName/title/gender/position;
 * Birt_date/place/country → birthDate/birthPlace/birthCountry; Iden_number
 * → passportNumber or idNumber by its type; Citi_country → nationality;
 * Addr_* → address and country (PHONE[...] and FAX[...] → phone);
 * Programme → program; the earliest Leba_publication_date → listingDate;
 * Leba_url → sourceUrl; Entity_remark → notes; EU_ref_num → recordId. */
#include "lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FSF_DATASET "eu_fsf"

enum {
    F_ID, F_TYPE, F_PUBLISHED, F_URL, F_PROGRAMME, F_REMARK, F_WHOLENAME, F_FIRSTNAME,
    F_MIDDLENAME, F_LASTNAME, F_GENDER, F_TITLE, F_FUNCTION, F_LANGUAGE, F_ADDR_NUMBER,
    F_ADDR_STREET, F_ADDR_ZIP, F_ADDR_CITY, F_ADDR_COUNTRY, F_ADDR_OTHER, F_BIRTH_DATE,
    F_BIRTH_PLACE, F_BIRTH_COUNTRY, F_IDEN_NUMBER, F_CITI_COUNTRY, F_REF, F_COUNT
};

/* Header names; a name that occurs several times (Entity_logical_id heads
 * every block) is taken at its first occurrence. */
static const char *const field_names[F_COUNT] = {
    "Entity_logical_id", "Subject_type", "Leba_publication_date", "Leba_url", "Programme",
    "Entity_remark", "Naal_wholename", "Naal_firstname", "Naal_middlename", "Naal_lastname",
    "Naal_gender", "Naal_title", "Naal_function", "Naal_language", "Addr_number",
    "Addr_street", "Addr_zipcode", "Addr_city", "Addr_country", "Addr_other", "Birt_date",
    "Birt_place", "Birt_country", "Iden_number", "Citi_country", "EU_ref_num"};

enum { ENC_UNKNOWN, ENC_UTF8, ENC_CP1252 };

/* Fields of one row, NUL-separated. */
typedef struct fieldset {
    buf text;
    size_t *starts;
    size_t n, cap;
} fieldset;

typedef struct parser {
    const char *path;
    csv_reader *csv;
    int encoding;
    size_t line;
    fieldset raw, row; /* the unwrapped bytes, then the decoded fields */
    buf tmp, other;
    size_t at[F_COUNT];
    char current[64];  /* id of the entity being merged */
    char earliest[32]; /* its earliest publication date */
} parser;

static int fieldset_end(fieldset *f, size_t start)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        size_t *s = realloc(f->starts, cap * sizeof *s);
        if (!s)
            return KD_ENOMEM;
        f->starts = s;
        f->cap = cap;
    }
    f->starts[f->n++] = start;
    return buf_append_char(&f->text, '\0');
}

static void fieldset_clear(fieldset *f)
{
    buf_clear(&f->text);
    f->n = 0;
}

static void fieldset_free(fieldset *f)
{
    buf_free(&f->text);
    free(f->starts);
}

static const char *field(const parser *p, int f, size_t *n)
{
    size_t i = p->at[f];
    const char *s = i < p->row.n ? p->row.text.data + p->row.starts[i] : "";
    *n = strlen(s);
    return s;
}

static const char *column_name(const parser *p, size_t i, char *tmp, size_t size)
{
    for (int f = 0; f < F_COUNT; f++)
        if (p->at[f] == i)
            return field_names[f];
    snprintf(tmp, size, "column %zu", i + 1);
    return tmp;
}

/* Appends field i converted to UTF-8 under the file's encoding. */
static int decode(parser *p, size_t i, const char *s, size_t n, kd_error *err)
{
    bool ascii = true;
    for (size_t k = 0; k < n && ascii; k++)
        ascii = (unsigned char)s[k] < 0x80;
    if (!ascii && p->encoding == ENC_UNKNOWN)
        p->encoding = utf8_valid(s, n, NULL) ? ENC_UTF8 : ENC_CP1252;
    if (!ascii && p->encoding == ENC_UTF8 && !utf8_valid(s, n, NULL)) {
        char tmp[32];
        return error_set(err, KD_EUTF8, "%s:%zu: %s: invalid UTF-8 (the file's first non-ASCII "
                         "text was UTF-8)", p->path, p->line, column_name(p, i, tmp, sizeof tmp));
    }
    size_t start = p->row.text.len;
    int rc = ascii || p->encoding == ENC_UTF8 ? buf_append(&p->row.text, s, n)
                                              : buf_append_cp1252(&p->row.text, s, n);
    if (rc || fieldset_end(&p->row, start))
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    return KD_OK;
}

/* Splits a wrapped line on ';' (fields may be quoted, with "" escapes),
 * dropping the tab padding and turning the other tabs back into commas. */
static int split_wrapped(fieldset *out, const char *s, size_t n)
{
    while (n && (s[n - 1] == '\t' || s[n - 1] == ' '))
        n--;
    size_t i = 0;
    for (;;) {
        size_t start = out->text.len;
        bool quoted = i < n && s[i] == '"';
        if (quoted)
            i++;
        for (; i < n; i++) {
            char c = s[i];
            if (quoted && c == '"') {
                if (i + 1 < n && s[i + 1] == '"') {
                    i++;
                } else {
                    quoted = false;
                    continue;
                }
            } else if (!quoted && c == ';') {
                break;
            }
            if (buf_append_char(&out->text, c == '\t' ? ',' : c))
                return KD_ENOMEM;
        }
        if (fieldset_end(out, start))
            return KD_ENOMEM;
        if (i >= n)
            return KD_OK;
        i++; /* the ';' */
    }
}

/* Reads the next row into p->row: 1, 0 at the end, < 0 on error. */
static int next_row(parser *p, kd_error *err)
{
    int rc = csv_next(p->csv, err);
    if (rc <= 0)
        return rc;
    p->line = csv_line(p->csv);
    fieldset_clear(&p->row);
    size_t fields = csv_field_count(p->csv);
    if (fields > 1) { /* a plain ';'-separated file */
        for (size_t i = 0; i < fields; i++) {
            size_t n;
            const char *s = csv_field(p->csv, i, &n);
            if ((rc = decode(p, i, s, n, err)))
                return rc;
        }
        return 1;
    }
    size_t n;
    const char *s = csv_field(p->csv, 0, &n);
    fieldset_clear(&p->raw);
    if (split_wrapped(&p->raw, s, n))
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    for (size_t i = 0; i < p->raw.n; i++) {
        const char *f = p->raw.text.data + p->raw.starts[i];
        if ((rc = decode(p, i, f, strlen(f), err)))
            return rc;
    }
    return 1;
}

static int read_header(parser *p, kd_error *err)
{
    for (int f = 0; f < F_COUNT; f++)
        p->at[f] = SIZE_MAX;
    int rc = next_row(p, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return error_set(err, KD_EEMPTY, "%s: no records (the file is empty)", p->path);
    for (int f = 0; f < F_COUNT; f++) {
        for (size_t i = 0; i < p->row.n && p->at[f] == SIZE_MAX; i++) {
            const char *h = p->row.text.data + p->row.starts[i];
            size_t n = text_trim(&h, strlen(h));
            if (n == strlen(field_names[f]) && text_istarts(h, n, field_names[f]))
                p->at[f] = i;
        }
    }
    static const int required[] = {F_ID, F_TYPE, F_WHOLENAME};
    for (size_t k = 0; k < KD_ARRAY_LEN(required); k++)
        if (p->at[required[k]] == SIZE_MAX)
            return error_set(err, KD_EFORMAT, "%s:%zu: the header has no \"%s\" column", p->path,
                             p->line, field_names[required[k]]);
    return KD_OK;
}

static bool has_value(const model_entity *e, kd_prop prop, const char *s, size_t n)
{
    for (size_t i = 0; i < e->n_values; i++)
        if (e->values[i].prop == prop && e->values[i].len == n &&
            memcmp(entity_value_text(e, i), s, n) == 0)
            return true;
    return false;
}

/* Text with the literal "\n" the format uses for line breaks restored. */
static int add_remark(parser *p, model_entity *e, kd_prop prop, const char *s, size_t n)
{
    buf_clear(&p->tmp);
    for (size_t i = 0; i < n; i++) {
        bool escape = s[i] == '\\' && i + 1 < n && s[i + 1] == 'n';
        if (buf_append_char(&p->tmp, escape ? '\n' : s[i]))
            return KD_ENOMEM;
        i += escape;
    }
    return entity_add_text(e, prop, p->tmp.data, p->tmp.len);
}

/* "AD001095 (passport-National passport) ((passport))": the number, then
 * its type in parentheses. */
static int add_identification(model_entity *e, const char *s, size_t n)
{
    const char *paren = memchr(s, '(', n);
    size_t k = paren ? (size_t)(paren - s) : n;
    bool passport = paren && text_istarts(paren + 1, n - k - 1, "passport");
    return entity_add(e, passport ? KD_PROP_PASSPORT_NUMBER : KD_PROP_ID_NUMBER, s, k);
}

/* Addr_other holds "PHONE[...]" and "FAX[...]" parts, sometimes text. */
static int add_address(parser *p, model_entity *e)
{
    static const int parts[] = {F_ADDR_NUMBER, F_ADDR_STREET, F_ADDR_ZIP, F_ADDR_CITY,
                                F_ADDR_COUNTRY};
    buf_clear(&p->tmp);
    buf_clear(&p->other);
    size_t n;
    const char *s = field(p, F_ADDR_OTHER, &n);
    for (size_t i = 0; i < n; i++) {
        size_t tag = n - i > 6 && memcmp(s + i, "PHONE[", 6) == 0 ? 6
                     : n - i > 4 && memcmp(s + i, "FAX[", 4) == 0 ? 4 : 0;
        const char *end = tag ? memchr(s + i + tag, ']', n - i - tag) : NULL;
        if (end) {
            int rc = entity_add(e, KD_PROP_PHONE, s + i + tag, (size_t)(end - (s + i + tag)));
            if (rc)
                return rc;
            i = (size_t)(end - s);
            continue;
        }
        bool newline = s[i] == '\\' && i + 1 < n && s[i + 1] == 'n';
        if (buf_append_char(&p->other, newline ? ' ' : s[i]))
            return KD_ENOMEM;
        i += newline;
    }
    /* Other address text goes last, after the country. */
    bool only_country = true;
    for (size_t k = 0; k <= KD_ARRAY_LEN(parts); k++) {
        const char *part = p->other.data;
        n = p->other.len;
        if (k < KD_ARRAY_LEN(parts))
            part = field(p, parts[k], &n);
        if (!part || (n = text_trim(&part, n)) == 0)
            continue;
        if ((p->tmp.len && buf_append_str(&p->tmp, ", ")) || buf_append(&p->tmp, part, n))
            return KD_ENOMEM;
        only_country &= k < KD_ARRAY_LEN(parts) && parts[k] == F_ADDR_COUNTRY;
    }
    /* A bare country is already in "country". */
    if (p->tmp.len == 0 || only_country)
        return KD_OK;
    return entity_add(e, KD_PROP_ADDRESS, p->tmp.data, p->tmp.len);
}

/* Adds one row's values; on failure *failed names the column. */
static int add_row(parser *p, model_entity *e, const char **failed)
{
    static const struct {
        int field;
        kd_prop prop;
    } plain[] = {{F_FIRSTNAME, KD_PROP_FIRST_NAME},   {F_MIDDLENAME, KD_PROP_MIDDLE_NAME},
                 {F_LASTNAME, KD_PROP_LAST_NAME},     {F_TITLE, KD_PROP_TITLE},
                 {F_FUNCTION, KD_PROP_POSITION},      {F_BIRTH_PLACE, KD_PROP_BIRTH_PLACE},
                 {F_PROGRAMME, KD_PROP_PROGRAM},      {F_URL, KD_PROP_SOURCE_URL},
                 {F_REF, KD_PROP_RECORD_ID}},
      countries[] = {{F_BIRTH_COUNTRY, KD_PROP_BIRTH_COUNTRY},
                     {F_CITI_COUNTRY, KD_PROP_NATIONALITY},
                     {F_ADDR_COUNTRY, KD_PROP_COUNTRY}};
    int rc;
    size_t n;
    const char *s;
#define CHECK(f, call)                                                                            \
    do {                                                                                       \
        if ((rc = (call))) {                                                                   \
            *failed = field_names[f];                                                          \
            return rc;                                                                         \
        }                                                                                      \
    } while (0)
    for (size_t k = 0; k < KD_ARRAY_LEN(plain); k++) {
        s = field(p, plain[k].field, &n);
        CHECK(plain[k].field, entity_add(e, plain[k].prop, s, n));
    }
    for (size_t k = 0; k < KD_ARRAY_LEN(countries); k++) {
        s = field(p, countries[k].field, &n);
        CHECK(countries[k].field, entity_add_country(e, countries[k].prop, s, n));
    }
    /* The first name without a language is the name; translations
     * ("Naal_language" FR, ES ...) and later names are aliases. */
    size_t ln;
    const char *language = field(p, F_LANGUAGE, &ln);
    bool primary = text_trim(&language, ln) == 0 && !entity_first(e, KD_PROP_NAME);
    s = field(p, F_WHOLENAME, &n);
    n = text_trim(&s, n);
    if (n && !has_value(e, KD_PROP_NAME, s, n))
        CHECK(F_WHOLENAME, entity_add(e, primary ? KD_PROP_NAME : KD_PROP_ALIAS, s, n));
    s = field(p, F_GENDER, &n);
    n = text_trim(&s, n);
    if (n == 1 && (*s == 'M' || *s == 'F'))
        s = *s == 'M' ? "male" : "female", n = strlen(s);
    CHECK(F_GENDER, entity_add(e, KD_PROP_GENDER, s, n));
    s = field(p, F_BIRTH_DATE, &n);
    n = text_trim(&s, n);
    if (!(n == 3 && text_istarts(s, n, "N/A")))
        CHECK(F_BIRTH_DATE, entity_add_date(e, KD_PROP_BIRTH_DATE, s, n));
    s = field(p, F_IDEN_NUMBER, &n);
    if ((n = text_trim(&s, n)))
        CHECK(F_IDEN_NUMBER, add_identification(e, s, n));
    s = field(p, F_REMARK, &n);
    CHECK(F_REMARK, add_remark(p, e, KD_PROP_NOTES, s, n));
    CHECK(F_ADDR_STREET, add_address(p, e));
#undef CHECK
    s = field(p, F_PUBLISHED, &n);
    n = text_trim(&s, n);
    char date[sizeof p->earliest];
    if (n && n < sizeof date) {
        memcpy(date, s, n);
        date[n] = '\0';
        if (!p->earliest[0] || strcmp(date, p->earliest) < 0)
            memcpy(p->earliest, date, n + 1);
    }
    return KD_OK;
}

static int start_entity(parser *p, model_entity *e, const char *id, size_t n, kd_error *err)
{
    entity_reset(e);
    e->dataset = FSF_DATASET;
    p->earliest[0] = '\0';
    size_t tn;
    const char *type = field(p, F_TYPE, &tn);
    tn = text_trim(&type, tn);
    if (tn == 1 && (*type == 'P' || *type == 'p'))
        e->schema = KD_SCHEMA_PERSON;
    else if (tn == 1 && (*type == 'E' || *type == 'e'))
        e->schema = KD_SCHEMA_ORGANIZATION;
    else
        return error_set(err, KD_EPARSE, "%s:%zu: Subject_type: expected P or E, not \"%.20s\"",
                         p->path, p->line, type);
    memcpy(p->current, id, n);
    p->current[n] = '\0';
    if (entity_set_id(e, "eu-fsf-%s", p->current))
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    return KD_OK;
}

static int finish_entity(parser *p, model_entity *e, const list_sink *sink, kd_error *err)
{
    int rc = entity_add_date(e, KD_PROP_LISTING_DATE, p->earliest, strlen(p->earliest));
    if (rc)
        return list_value_error(err, rc, p->path, p->line, "Leba_publication_date");
    /* Only translated names: the first one names the entity. */
    for (size_t i = 0; i < e->n_values && !entity_first(e, KD_PROP_NAME); i++)
        if (e->values[i].prop == KD_PROP_ALIAS)
            e->values[i].prop = KD_PROP_NAME;
    if (!entity_first(e, KD_PROP_NAME))
        return error_set(err, KD_EPARSE, "%s:%zu: entity %s has no Naal_wholename", p->path,
                         p->line, p->current);
    return sink->emit(sink->ctx, e, err);
}

static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n >= 48)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-' || s[i] == '.' || s[i] == '_'))
            return false;
    return true;
}

int parse_eu_fsf_csv(const char *path, const list_sink *sink, kd_error *err)
{
    parser p = {.path = path};
    int rc = csv_open(&p.csv, path, ';', err);
    if (rc)
        return rc;
    model_entity e;
    entity_init(&e);
    size_t records = 0;
    rc = read_header(&p, err);
    while (rc == KD_OK && (rc = next_row(&p, err)) == 1) {
        rc = KD_OK;
        size_t n;
        const char *id = field(&p, F_ID, &n);
        n = text_trim(&id, n);
        if (!valid_id(id, n)) {
            rc = error_set(err, KD_EPARSE, "%s:%zu: Entity_logical_id: \"%.40s\" is not an id",
                           path, p.line, id);
            break;
        }
        if (strlen(p.current) != n || memcmp(p.current, id, n) != 0) {
            if (p.current[0]) {
                if ((rc = finish_entity(&p, &e, sink, err)))
                    break;
                records++;
            }
            if ((rc = start_entity(&p, &e, id, n, err)))
                break;
        }
        const char *failed = "row";
        if ((rc = add_row(&p, &e, &failed))) {
            rc = list_value_error(err, rc, path, p.line, failed);
            break;
        }
    }
    if (rc == KD_OK && p.current[0] && (rc = finish_entity(&p, &e, sink, err)) == KD_OK)
        records++;
    if (rc == KD_OK && records == 0)
        rc = error_set(err, KD_EEMPTY, "%s: no records", path);
    entity_free(&e);
    csv_close(p.csv);
    fieldset_free(&p.raw);
    fieldset_free(&p.row);
    buf_free(&p.tmp);
    buf_free(&p.other);
    return rc;
}
