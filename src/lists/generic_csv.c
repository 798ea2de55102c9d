/* A user's own list (an internal watchlist, a customer file) as CSV.
 *
 * Format, as the user sees it:
 *
 *   - The first line is a header naming the columns. Names are matched
 *     ignoring case, spaces, '_' and '-' ("First Name" = first_name =
 *     firstname). The separator is whichever of ',', ';' or tab the header
 *     line holds most of. The file must be UTF-8 (a BOM is fine).
 *   - A name is required: a column `name` (also full_name, whole_name,
 *     caption), or `first_name` and/or `last_name` (with an optional
 *     middle_name), which are joined in that order when `name` is empty.
 *   - Recognised columns (other spellings in brackets):
 *       id [identifier, ref, reference, record_id, entity_id, uid,
 *           customer_id, client_id]
 *       alias [aliases, aka, other_names]        several, separated by ';'
 *       schema [type, entity_type]  person (default), individual, company,
 *              organization, entity, vessel, ship, or any FollowTheMoney
 *              schema name (Person, Company, LegalEntity, Airplane ...)
 *       birth_date [dob, date_of_birth]           several, ';'
 *       birth_place [place_of_birth, pob]         several, ';'
 *       country, nationality [citizenship]        several, ';'
 *       gender [sex]    m/male, f/female
 *       passport [passport_number, passport_no]   several, ';'
 *       id_number [national_id]                   several, ';'
 *       imo [imo_number], registration_number [reg_no, company_number],
 *       tax_number [tax_id, tin], address, notes [note, remarks, comments],
 *       program [programme, regime, list], listing_date [listed_on,
 *       date_added], source_url [url, source]
 *     A column named after any other FollowTheMoney property (email, phone,
 *     website, position, title, weakAlias, innCode, ...) fills that property.
 *   - Any other column is kept, as a note "column: value": nothing is
 *     silently dropped.
 *   - The dataset is the file name up to its first '.', lowercased, with
 *     other characters than letters and digits turned into '_'
 *     ("Internal Watchlist.csv" → internal_watchlist, "list.v2.csv" → list;
 *     list_dataset_from_path in lists.h). Entity ids are
 *     "<dataset>-<id>", or "<dataset>-<n>" for the n-th data row when the
 *     file has no id column. Two rows with the same id are an error.
 *   - Rows whose cells are all empty are skipped; a row with data but no
 *     name is an error, as is an unknown schema or invalid UTF-8 (each
 *     message names the line and column).
 *
 * Memory: one entity, plus the set of ids seen so far (needed to refuse
 * duplicates), which grows with the file. */
#include "lists.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_MAX 256

typedef enum kind {
    K_OTHER, K_ID, K_SCHEMA, K_NAME, K_FIRST, K_MIDDLE, K_LAST, K_GENDER,
    K_VALUE, /* one value */
    K_MULTI, /* several, separated by ';' */
    K_TEXT,  /* prose: line breaks kept */
    K_DATE, K_COUNTRY,
} kind;

static const struct {
    const char *names; /* normalised spellings, space separated */
    kind kind;
    kd_prop prop;
} known[] = {
    {"id identifier ref reference recordid entityid uid customerid clientid", K_ID,
     KD_PROP_RECORD_ID},
    {"name fullname wholename caption entityname primaryname", K_NAME, KD_PROP_NAME},
    {"firstname givenname givennames forename", K_FIRST, KD_PROP_FIRST_NAME},
    {"middlename middlenames", K_MIDDLE, KD_PROP_MIDDLE_NAME},
    {"lastname surname familyname", K_LAST, KD_PROP_LAST_NAME},
    {"alias aliases aka othernames", K_MULTI, KD_PROP_ALIAS},
    {"schema type entitytype", K_SCHEMA, KD_PROP_NOTES},
    {"birthdate dob dateofbirth", K_DATE, KD_PROP_BIRTH_DATE},
    {"birthplace placeofbirth pob", K_MULTI, KD_PROP_BIRTH_PLACE},
    {"country countries", K_COUNTRY, KD_PROP_COUNTRY},
    {"nationality nationalities citizenship", K_COUNTRY, KD_PROP_NATIONALITY},
    {"gender sex", K_GENDER, KD_PROP_GENDER},
    {"passport passportnumber passportno", K_MULTI, KD_PROP_PASSPORT_NUMBER},
    {"idnumber nationalid", K_MULTI, KD_PROP_ID_NUMBER},
    {"imo imonumber", K_MULTI, KD_PROP_IMO_NUMBER},
    {"registrationnumber regno companynumber", K_MULTI, KD_PROP_REGISTRATION_NUMBER},
    {"taxnumber taxid tin", K_MULTI, KD_PROP_TAX_NUMBER},
    {"address", K_VALUE, KD_PROP_ADDRESS},
    {"notes note remarks comments comment", K_TEXT, KD_PROP_NOTES},
    {"program programme regime list", K_MULTI, KD_PROP_PROGRAM},
    {"listingdate listedon dateadded", K_DATE, KD_PROP_LISTING_DATE},
    {"sourceurl url source", K_MULTI, KD_PROP_SOURCE_URL},
};

typedef struct column {
    kind kind;
    kd_prop prop;
} column;

typedef struct parser {
    const char *path;
    csv_reader *csv;
    char dataset[64];
    column *cols;
    size_t n_cols, at_id;
    csv_header header;
    buf tmp;
    strmap seen; /* id → line of first use; keys copied (the entity's id is reused) */
} parser;

/* "First Name" → "firstname". */
static void normalise(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        if (isalnum((unsigned char)s[i]))
            out[k++] = (char)tolower((unsigned char)s[i]);
    out[k] = '\0';
}

static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && memcmp(p, word, n) == 0)
            return true;
        p += k + (p[k] == ' ');
    }
    return false;
}

static kind kind_of_prop(kd_prop p)
{
    switch (p) {
    case KD_PROP_COUNTRY: case KD_PROP_NATIONALITY: case KD_PROP_CITIZENSHIP:
    case KD_PROP_JURISDICTION: case KD_PROP_FLAG: case KD_PROP_BIRTH_COUNTRY:
        return K_COUNTRY;
    case KD_PROP_BIRTH_DATE: case KD_PROP_DEATH_DATE: case KD_PROP_INCORPORATION_DATE:
    case KD_PROP_DISSOLUTION_DATE: case KD_PROP_BUILD_DATE: case KD_PROP_LISTING_DATE:
    case KD_PROP_START_DATE: case KD_PROP_END_DATE: case KD_PROP_MODIFIED_AT:
        return K_DATE;
    case KD_PROP_NOTES: case KD_PROP_SUMMARY: case KD_PROP_REASON: case KD_PROP_ADDRESS:
        return K_TEXT;
    default:
        return K_MULTI;
    }
}

static void classify_column(column *c, const char *header, size_t n)
{
    char norm[64];
    normalise(header, n, norm, sizeof norm);
    c->kind = K_OTHER;
    c->prop = KD_PROP_NOTES;
    for (size_t k = 0; k < KD_ARRAY_LEN(known); k++) {
        if (norm[0] && in_list(known[k].names, norm)) {
            c->kind = known[k].kind;
            c->prop = known[k].prop;
            return;
        }
    }
    for (int p = 0; p < KD_PROP_COUNT && norm[0]; p++) {
        char prop[64];
        const char *name = kd_prop_name((kd_prop)p);
        normalise(name, strlen(name), prop, sizeof prop);
        if (strcmp(prop, norm) == 0 && !kd_prop_is_meta((kd_prop)p)) {
            c->prop = (kd_prop)p;
            c->kind = kind_of_prop(c->prop);
            return;
        }
    }
}

/* The separator the header line holds most of (',' on a tie). */
static int detect_delimiter(const char *path, char *out, kd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, KD_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t commas = 0, semicolons = 0, tabs = 0;
    bool quoted = false;
    int c;
    for (size_t i = 0; i < 65536 && (c = getc(f)) != EOF; i++) {
        if (c == '"')
            quoted = !quoted;
        if (quoted)
            continue;
        if (c == '\n' || c == '\r')
            break;
        commas += c == ',';
        semicolons += c == ';';
        tabs += c == '\t';
    }
    fclose(f);
    *out = semicolons > commas && semicolons >= tabs ? ';' : tabs > commas ? '\t' : ',';
    return KD_OK;
}

static const char *col_name(const parser *p, size_t i)
{
    return csv_header_name(&p->header, i);
}

static int read_header(parser *p, kd_error *err)
{
    /* names are kept to 200 bytes: they only go into messages and notes */
    int rc = csv_header_read(p->csv, &p->header, 200, err);
    if (rc)
        return rc;
    p->n_cols = p->header.n;
    p->cols = calloc(p->n_cols, sizeof *p->cols);
    if (!p->cols)
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    p->at_id = SIZE_MAX;
    bool name = false, first_or_last = false;
    for (size_t i = 0; i < p->n_cols; i++) {
        size_t n;
        const char *h = csv_field(p->csv, i, &n);
        n = text_trim(&h, n);
        classify_column(&p->cols[i], h, n);
        if (p->cols[i].kind == K_ID && p->at_id == SIZE_MAX)
            p->at_id = i;
        name |= p->cols[i].kind == K_NAME;
        first_or_last |= p->cols[i].kind == K_FIRST || p->cols[i].kind == K_LAST;
    }
    if (!name && !first_or_last)
        return error_set(err, KD_EFORMAT,
                         "%s:1: the header needs a name column (name, full_name) or "
                         "first_name and last_name", p->path);
    return KD_OK;
}

/* Refuses an id used before; remembers it otherwise. */
static int check_unique(parser *p, const char *id, size_t line, kd_error *err)
{
    uintptr_t *first;
    int rc = strmap_add(&p->seen, id, strlen(id), line, &first);
    if (rc < 0)
        return error_set(err, rc, "%s: %s", p->path, rc == KD_ENOMEM ? "out of memory" : "too many ids");
    if (rc == 0)
        return error_set(err, KD_EPARSE,
                         "%s:%zu: %s: duplicate id \"%s\" (first used on line %zu)", p->path,
                         line, col_name(p, p->at_id), id, (size_t)*first);
    return KD_OK;
}

static int parse_schema(const char *s, size_t n)
{
    static const struct {
        const char *words;
        kd_schema schema;
    } words[] = {{"person individual people natural", KD_SCHEMA_PERSON},
                 {"company business", KD_SCHEMA_COMPANY},
                 {"organization organisation entity org", KD_SCHEMA_ORGANIZATION},
                 {"vessel ship", KD_SCHEMA_VESSEL},
                 {"aircraft airplane plane", KD_SCHEMA_AIRPLANE}};
    char norm[64];
    normalise(s, n, norm, sizeof norm);
    if (!norm[0])
        return KD_SCHEMA_PERSON;
    for (size_t k = 0; k < KD_ARRAY_LEN(words); k++)
        if (in_list(words[k].words, norm))
            return words[k].schema;
    for (int i = 0; i < KD_SCHEMA_COUNT; i++) {
        char name[64];
        const char *text = kd_schema_name((kd_schema)i);
        normalise(text, strlen(text), name, sizeof name);
        if (strcmp(name, norm) == 0)
            return i;
    }
    return -1;
}

static int add_value(parser *p, model_entity *e, const column *c, const char *s, size_t n)
{
    switch (c->kind) {
    case K_TEXT:
        return entity_add_text(e, c->prop, s, n);
    case K_OTHER:
        buf_clear(&p->tmp);
        if (buf_printf(&p->tmp, "%s: ", col_name(p, (size_t)(c - p->cols))) || buf_append(&p->tmp, s, n))
            return KD_ENOMEM;
        return entity_add_text(e, KD_PROP_NOTES, p->tmp.data, p->tmp.len);
    case K_GENDER: {
        char norm[16];
        normalise(s, n, norm, sizeof norm);
        if (in_list("m male man", norm))
            return entity_add_str(e, KD_PROP_GENDER, "male");
        if (in_list("f female woman", norm))
            return entity_add_str(e, KD_PROP_GENDER, "female");
        return entity_add(e, KD_PROP_GENDER, s, n);
    }
    case K_MULTI: case K_DATE: case K_COUNTRY: {
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i < n && s[i] != ';')
                continue;
            int rc = c->kind == K_DATE      ? entity_add_date(e, c->prop, s + start, i - start)
                     : c->kind == K_COUNTRY ? entity_add_country(e, c->prop, s + start, i - start)
                                            : entity_add(e, c->prop, s + start, i - start);
            if (rc)
                return rc;
            start = i + 1;
        }
        return KD_OK;
    }
    default:
        return entity_add(e, c->prop, s, n);
    }
}

/* Returns 1 for an entity to emit, 0 for a blank row, < 0 on error. */
static int parse_row(parser *p, model_entity *e, size_t row, kd_error *err)
{
    size_t line = csv_line(p->csv), fields = csv_field_count(p->csv), n;
    bool blank = true;
    for (size_t i = 0; i < fields; i++) {
        const char *s = csv_field(p->csv, i, &n);
        if ((n = text_trim(&s, n)) == 0)
            continue;
        blank = false;
        if (i >= p->n_cols)
            return error_set(err, KD_EPARSE, "%s:%zu: %zu fields, but the header names %zu "
                             "(a missing quote?)", p->path, line, fields, p->n_cols);
        if (!utf8_valid(s, n, NULL))
            return error_set(err, KD_EUTF8, "%s:%zu: %s: invalid UTF-8 (the file must be UTF-8)",
                             p->path, line, col_name(p, i));
    }
    if (blank)
        return 0;
    entity_reset(e);
    e->dataset = p->dataset;
    e->schema = KD_SCHEMA_PERSON;
    int rc;
    if (p->at_id != SIZE_MAX) {
        const char *s = csv_field(p->csv, p->at_id, &n);
        n = text_trim(&s, n);
        if (n == 0 || n > ID_MAX)
            return error_set(err, KD_EPARSE, "%s:%zu: %s: %s", p->path, line,
                             col_name(p, p->at_id), n ? "longer than 256 bytes" : "empty");
        rc = entity_set_id(e, "%s-%.*s", p->dataset, (int)n, s);
    } else {
        rc = entity_set_id(e, "%s-%zu", p->dataset, row);
    }
    if (rc)
        return list_value_error(err, rc, p->path, line,
                                p->at_id != SIZE_MAX ? col_name(p, p->at_id) : "id");
    if ((rc = check_unique(p, e->id.data, line, err)))
        return rc;
    for (size_t i = 0; i < p->n_cols; i++) {
        const column *c = &p->cols[i];
        const char *s = csv_field(p->csv, i, &n);
        if ((n = text_trim(&s, n)) == 0)
            continue;
        if (c->kind == K_SCHEMA) {
            int schema = parse_schema(s, n);
            if (schema < 0)
                return error_set(err, KD_EPARSE,
                                 "%s:%zu: %s: unknown type \"%.*s\" (use person, company, "
                                 "organization, vessel or a FollowTheMoney schema name)",
                                 p->path, line, col_name(p, i), (int)(n < 60 ? n : 60), s);
            e->schema = (kd_schema)schema;
        } else if ((rc = add_value(p, e, c, s, n))) {
            return list_value_error(err, rc, p->path, line, col_name(p, i));
        }
    }
    if (entity_first(e, KD_PROP_NAME))
        return 1;
    /* No full name: join the parts as a person would write them. */
    static const kd_prop parts[] = {KD_PROP_FIRST_NAME, KD_PROP_MIDDLE_NAME, KD_PROP_LAST_NAME};
    buf_clear(&p->tmp);
    for (size_t k = 0; k < KD_ARRAY_LEN(parts); k++) {
        for (size_t i = 0; i < e->n_values; i++) {
            if (e->values[i].prop != parts[k])
                continue;
            if ((p->tmp.len && buf_append_char(&p->tmp, ' ')) ||
                buf_append_str(&p->tmp, entity_value_text(e, i)))
                return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
        }
    }
    if (p->tmp.len == 0)
        return error_set(err, KD_EPARSE, "%s:%zu: no name (the name and first/last name columns "
                         "are empty)", p->path, line);
    if ((rc = entity_add(e, KD_PROP_NAME, p->tmp.data, p->tmp.len)))
        return list_value_error(err, rc, p->path, line, "name");
    return 1;
}

int parse_generic_csv(const char *path, const list_sink *sink, kd_error *err)
{
    char delimiter = ',';
    int rc = detect_delimiter(path, &delimiter, err);
    if (rc)
        return rc;
    parser p = {.path = path, .seen = {.copy_keys = true}};
    list_dataset_from_path(path, "generic", p.dataset, sizeof p.dataset);
    if ((rc = csv_open(&p.csv, path, delimiter, err)))
        return rc;
    model_entity e;
    entity_init(&e);
    size_t rows = 0, records = 0;
    rc = read_header(&p, err);
    while (rc == KD_OK && (rc = csv_next(p.csv, err)) == 1) {
        rc = parse_row(&p, &e, ++rows, err);
        if (rc == 1) {
            rc = sink->emit(sink->ctx, &e, err);
            records++;
        }
    }
    if (rc == KD_OK && records == 0)
        rc = error_set(err, KD_EEMPTY, "%s: no records", path);
    entity_free(&e);
    csv_close(p.csv);
    free(p.cols);
    strmap_free(&p.seen);
    csv_header_free(&p.header);
    buf_free(&p.tmp);
    return rc;
}
