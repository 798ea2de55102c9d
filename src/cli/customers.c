/* Customer files, read one way for `kordon screen` and `kordon monitor
 * add`: the header names the columns (cli_column_role), each row is cut
 * into values by role, and what makes a row unscreenable is decided here
 * once. What to do about such a row is the command's policy: screen writes
 * it as rejected and goes on, monitor refuses the whole file. */
#include "cli.h"
#include "core/core.h"
#include "lists/lists.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Past this many columns a header names nothing kordon reads. */
#define CUSTOMER_COLUMNS_MAX 256

struct customer_file {
    csv_reader *csv;
    column_role roles[CUSTOMER_COLUMNS_MAX];
    size_t n_cols;
    bool need_id;
    buf name; /* working memory for names joined from their parts */
};

static column_role column_role_of(const char *header)
{
    char h[64];
    size_t k = 0;
    for (const char *p = header; *p && k + 1 < sizeof h; p++)
        if (*p != '_' && *p != ' ' && *p != '-')
            h[k++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    h[k] = '\0';
    static const struct {
        const char *name;
        column_role role;
    } names[] = {{"fullname", ROLE_NAME},    {"name", ROLE_NAME},       {"firstname", ROLE_FIRST},
                 {"middlename", ROLE_MIDDLE}, {"lastname", ROLE_LAST},   {"dateofbirth", ROLE_DOB},
                 {"birthdate", ROLE_DOB},     {"dob", ROLE_DOB},         {"nationality", ROLE_COUNTRY},
                 {"country", ROLE_COUNTRY},   {"gender", ROLE_GENDER},   {"schema", ROLE_SCHEMA},
                 {"type", ROLE_SCHEMA},       {"id", ROLE_ID},
                 {"passport", ROLE_IDENTIFIER}, {"passportnumber", ROLE_IDENTIFIER},
                 {"idnumber", ROLE_IDENTIFIER}, {"nationalid", ROLE_IDENTIFIER},
                 {"imo", ROLE_IDENTIFIER},    {"imonumber", ROLE_IDENTIFIER},
                 {"inn", ROLE_IDENTIFIER},    {"registrationnumber", ROLE_IDENTIFIER},
                 {"identifier", ROLE_IDENTIFIER}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(h, names[i].name) == 0)
            return names[i].role;
    return ROLE_NONE;
}

/* A row without a name column gets one from its first, middle and last
 * names. Returns KD_ENOMEM when the joined name cannot be kept. */
static int join_name(char *parts[], buf *scratch)
{
    if (parts[ROLE_NAME])
        return KD_OK;
    buf_clear(scratch);
    const column_role order[] = {ROLE_FIRST, ROLE_MIDDLE, ROLE_LAST};
    for (size_t k = 0; k < 3; k++)
        if (parts[order[k]]) {
            if (scratch->len)
                buf_append_char(scratch, ' ');
            buf_append_str(scratch, parts[order[k]]);
        }
    if (scratch->len && !(parts[ROLE_NAME] = strdup(scratch->data)))
        return KD_ENOMEM;
    return KD_OK;
}

/* A customer's schema named in any case is written as FtM spells it
 * ("company" is Company); one kordon does not know is the row's error: it
 * decides what is searched, so the row cannot be screened without it. */
int cli_customer_schema(char **parts, kd_error *err)
{
    if (!parts[ROLE_SCHEMA])
        return KD_OK;
    int schema = -1;
    for (int k = 0; k < KD_SCHEMA_COUNT && schema < 0; k++)
        if (strcasecmp(kd_schema_name((kd_schema)k), parts[ROLE_SCHEMA]) == 0)
            schema = k;
    if (schema < 0 || schema > KD_SCHEMA_PUBLIC_BODY)
        return error_set(err, KD_EPARSE, "schema \"%.40s\": a customer is a Person, Organization, "
                                         "Company, LegalEntity, Vessel, Airplane or PublicBody",
                         parts[ROLE_SCHEMA]);
    char *canonical = strdup(kd_schema_name((kd_schema)schema));
    if (!canonical)
        return error_set(err, KD_ENOMEM, "out of memory");
    free(parts[ROLE_SCHEMA]);
    parts[ROLE_SCHEMA] = canonical;
    return KD_OK;
}

/* Whether a row's country and birth date are values kordon reads. */
static int customer_values(char *const *parts, kd_error *err)
{
    char code[3], date[64];
    bool country = parts[ROLE_COUNTRY] && !country_code(parts[ROLE_COUNTRY], strlen(parts[ROLE_COUNTRY]), code);
    bool dob = parts[ROLE_DOB] && !date_normalise(parts[ROLE_DOB], strlen(parts[ROLE_DOB]), date, sizeof date);
    if (country && dob)
        return error_set(err, KD_EPARSE, "country \"%.40s\": not a country kordon knows; birth date \"%.40s\": "
                                         "not a date", parts[ROLE_COUNTRY], parts[ROLE_DOB]);
    if (country)
        return error_set(err, KD_EPARSE, "country \"%.40s\": not a country kordon knows", parts[ROLE_COUNTRY]);
    if (dob)
        return error_set(err, KD_EPARSE, "birth date \"%.40s\": not a date", parts[ROLE_DOB]);
    return KD_OK;
}

/* ',', ';' or tab, whichever the first line holds most of. */
static char csv_delimiter(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ',';
    char line[4096];
    size_t commas = 0, semis = 0, tabs = 0;
    if (fgets(line, sizeof line, f))
        for (char *p = line; *p; p++)
            commas += *p == ',', semis += *p == ';', tabs += *p == '\t';
    fclose(f);
    return tabs > commas && tabs > semis ? '\t' : semis > commas ? ';' : ',';
}

int customers_open(customer_file **out, const char *path, bool need_id, kd_error *err)
{
    *out = NULL;
    customer_file *f = calloc(1, sizeof *f);
    if (!f)
        return error_set(err, KD_ENOMEM, "out of memory reading %s", path);
    f->need_id = need_id;
    int rc = csv_open(&f->csv, path, csv_delimiter(path), err);
    if (!rc) {
        rc = csv_next(f->csv, err);
        rc = rc == 1 ? KD_OK : rc < 0 ? rc : error_set(err, KD_EEMPTY, "%s: empty file", path);
    }
    bool has_name = false, has_id = false;
    if (!rc) {
        size_t n = csv_field_count(f->csv);
        f->n_cols = n < CUSTOMER_COLUMNS_MAX ? n : CUSTOMER_COLUMNS_MAX;
        for (size_t i = 0; i < f->n_cols; i++) {
            f->roles[i] = column_role_of(csv_field(f->csv, i, NULL));
            has_name |= f->roles[i] == ROLE_NAME || f->roles[i] == ROLE_FIRST || f->roles[i] == ROLE_LAST;
            has_id |= f->roles[i] == ROLE_ID;
        }
    }
    /* monitoring follows a customer across runs by its id */
    if (!rc && need_id && (!has_name || !has_id))
        rc = error_set(err, KD_EPARSE, "%s:%zu: monitoring needs an id column and a name column "
                                       "(name, full_name, first_name, last_name)", path, csv_line(f->csv));
    else if (!rc && !has_name)
        rc = error_set(err, KD_EPARSE, "%s:%zu: no name column (name, full_name, first_name, last_name)", path,
                       csv_line(f->csv));
    if (rc) {
        customers_close(f);
        return rc;
    }
    *out = f;
    return KD_OK;
}

/* A value that is not UTF-8 is not kept: it could be neither matched nor
 * written back (JSON, the store) as the customer's. The first such column
 * is the row's problem. */
int customers_next(customer_file *f, customer_row *row, kd_error *err)
{
    memset(row, 0, sizeof *row);
    int rc = csv_next(f->csv, err);
    if (rc != 1)
        return rc;
    row->line = csv_line(f->csv);
    for (size_t i = 0; i < f->n_cols && i < csv_field_count(f->csv); i++) {
        size_t len;
        const char *s = csv_field(f->csv, i, &len);
        len = text_trim(&s, len);
        if (!utf8_valid(s, len, NULL)) {
            if (!row->problem.code)
                error_set(&row->problem, KD_EUTF8, "column %zu: invalid UTF-8", i + 1);
        } else if (f->roles[i] != ROLE_NONE && !row->fields[f->roles[i]] && len &&
                   !(row->fields[f->roles[i]] = strndup(s, len))) {
            rc = KD_ENOMEM;
        }
    }
    if (rc == 1 && join_name(row->fields, &f->name))
        rc = KD_ENOMEM;
    if (rc == KD_ENOMEM) {
        customer_row_free(row);
        return error_set(err, KD_ENOMEM, "out of memory reading %s", csv_path(f->csv));
    }
    if (row->problem.code)
        return 1;
    if (f->need_id && (!row->fields[ROLE_ID] || !row->fields[ROLE_NAME]))
        error_set(&row->problem, KD_EPARSE, "a customer needs an id and a name");
    else if (!row->fields[ROLE_NAME])
        error_set(&row->problem, KD_EPARSE, "no name");
    else if (cli_customer_schema(row->fields, &row->problem) == KD_OK)
        customer_values(row->fields, &row->warning);
    return 1;
}

long customers_offset(const customer_file *f)
{
    return csv_offset(f->csv);
}

void customers_close(customer_file *f)
{
    if (!f)
        return;
    csv_close(f->csv);
    buf_free(&f->name);
    free(f);
}

void customer_row_free(customer_row *row)
{
    for (size_t k = 0; k < ROLE_COUNT; k++)
        free(row->fields[k]);
    memset(row->fields, 0, sizeof row->fields);
}
