/* The EU consolidated financial sanctions list, FSF XML 1.1 (<export> in
 * namespace http://eu.europa.ec/fpi/fsd/export, one <sanctionEntity> per
 * listed party). Everything is in attributes.
 *
 * Mapping: id "eu-fsf-<logicalId>"; subjectType code person → Person,
 * enterprise → Organization, vessel → Vessel, anything else LegalEntity.
 * nameAlias wholeName (or first/middle/last joined when it is empty): one
 * strong alias names the entity — preferring one with firstName/lastName,
 * then one in English or without a language, since the first in the file is
 * often a translation — the other strong ones → alias, strong="false" →
 * weakAlias; firstName/middleName/lastName/title/function/gender ("M",
 * "F") → firstName/middleName/lastName/title/position/gender. A record with
 * no nameAlias is kept without a name. birthdate: birthdate, else
 * year-month-day, else yearRangeFrom/To → birthDate ("~" when circa; a
 * non-Gregorian one → notes); city, region, place → birthPlace; country →
 * birthCountry. citizenship → nationality. identification number (and
 * latinNumber) → passportNumber when its type code is passport, idNumber
 * otherwise. address → address (street, poBox, zipCode, city, region,
 * place, country; not for a bare country) and country; its contactInfo
 * PHONE/FAX → phone, EMAIL → email, WEB → website. regulation programme →
 * program, publicationUrl → sourceUrl; the earliest of the regulations'
 * publicationDate and the designationDate → listingDate. remark (anywhere)
 * → notes. euReferenceNumber and unitedNationId → programId.
 * Countries are taken from countryIso2Code ("00" = unknown), else from
 * countryDescription. */
#include "xml.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EU_DATASET "eu_fsf"

typedef struct eu_parser {
    xml_reader *x;
    model_entity e;
    buf scratch, tmp;
    char earliest[16]; /* earliest publication or designation date */
    kd_error *err;
} eu_parser;

static int nomem(eu_parser *p)
{
    return error_set(p->err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
}

static int add(eu_parser *p, kd_prop prop, xml_adder fn, const char *s, size_t n,
               const xmlNode *at, const char *field)
{
    return xml_add(p->x, &p->e, prop, fn, s, n, at, field, p->err);
}

/* Adds attribute `name` of n; messages name it "element@attribute". */
static int add_attr(eu_parser *p, kd_prop prop, xml_adder fn, const xmlNode *n,
                    const char *name)
{
    size_t len;
    const char *s = xml_attr(n, name, &p->scratch, &len);
    if (len == 0)
        return KD_OK;
    char field[96];
    snprintf(field, sizeof field, "%s@%s", (const char *)n->name, name);
    return add(p, prop, fn, s, len, n, field);
}

static bool attr_is(eu_parser *p, const xmlNode *n, const char *name, const char *value)
{
    size_t len;
    const char *s = xml_attr(n, name, &p->scratch, &len);
    return len == strlen(value) && strncasecmp(s, value, len) == 0;
}

/* Appends ", value" of an attribute to p->tmp; "-" means nothing. */
static int join_attr(eu_parser *p, const xmlNode *n, const char *name)
{
    size_t len;
    const char *s = xml_attr(n, name, &p->scratch, &len);
    if (len == 0 || (len == 1 && *s == '-'))
        return KD_OK;
    if ((p->tmp.len && buf_append_str(&p->tmp, ", ")) || buf_append(&p->tmp, s, len))
        return nomem(p);
    return KD_OK;
}

static int add_country(eu_parser *p, kd_prop prop, const xmlNode *n)
{
    size_t len;
    const char *s = xml_attr(n, "countryIso2Code", &p->scratch, &len);
    if (len == 2 && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1])) {
        char code[3] = {(char)tolower((unsigned char)s[0]), (char)tolower((unsigned char)s[1])};
        return add(p, prop, entity_add, code, 2, n, "countryIso2Code");
    }
    s = xml_attr(n, "countryDescription", &p->scratch, &len);
    if (len == 7 && strncasecmp(s, "UNKNOWN", 7) == 0)
        return KD_OK;
    return add(p, prop, entity_add_country, s, len, n, "countryDescription");
}

/* "668 33 01; 0300- 820 91 99": two numbers. */
static int add_phones(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    return entity_add_split(e, prop, s, n, "; ");
}

static int add_remarks(eu_parser *p, const xmlNode *n)
{
    for (xmlNode *r = xml_child(n, "remark"); r; r = xml_next_sibling(r, "remark"))
        TRY(xml_add_text(p->x, &p->e, KD_PROP_NOTES, entity_add_text, r, &p->scratch, p->err));
    return KD_OK;
}

/* ---- names --------------------------------------------------------------- */

static int name_rank(eu_parser *p, const xmlNode *a)
{
    if (attr_is(p, a, "strong", "false"))
        return 0;
    size_t first, last, lang;
    xml_attr(a, "firstName", &p->scratch, &first);
    xml_attr(a, "lastName", &p->scratch, &last);
    const char *l = xml_attr(a, "nameLanguage", &p->scratch, &lang);
    bool english = lang == 0 || (lang == 2 && strncasecmp(l, "EN", 2) == 0);
    return 1 + 2 * (first || last) + english;
}

static int add_alias(eu_parser *p, const xmlNode *a, kd_prop prop)
{
    size_t len;
    const char *s = xml_attr(a, "wholeName", &p->scratch, &len);
    if (len)
        return add(p, prop, entity_add, s, len, a, "nameAlias@wholeName");
    buf_clear(&p->tmp);
    static const char *const parts[] = {"firstName", "middleName", "lastName"};
    for (size_t i = 0; i < KD_ARRAY_LEN(parts); i++) {
        s = xml_attr(a, parts[i], &p->scratch, &len);
        if (len && ((p->tmp.len && buf_append_char(&p->tmp, ' ')) || buf_append(&p->tmp, s, len)))
            return nomem(p);
    }
    return add(p, prop, entity_add, p->tmp.data, p->tmp.len, a, "nameAlias@firstName");
}

static int add_names(eu_parser *p, const xmlNode *rec)
{
    const xmlNode *best = NULL;
    int best_rank = 0;
    for (xmlNode *a = xml_child(rec, "nameAlias"); a; a = xml_next_sibling(a, "nameAlias")) {
        int rank = name_rank(p, a);
        if (rank > best_rank)
            best = a, best_rank = rank;
    }
    if (!best)
        best = xml_child(rec, "nameAlias");
    if (best)
        TRY(add_alias(p, best, KD_PROP_NAME));
    for (xmlNode *a = xml_child(rec, "nameAlias"); a; a = xml_next_sibling(a, "nameAlias")) {
        if (a != best)
            TRY(add_alias(p, a, attr_is(p, a, "strong", "false") ? KD_PROP_WEAK_ALIAS
                                                                 : KD_PROP_ALIAS));
        TRY(add_attr(p, KD_PROP_FIRST_NAME, entity_add, a, "firstName"));
        TRY(add_attr(p, KD_PROP_MIDDLE_NAME, entity_add, a, "middleName"));
        TRY(add_attr(p, KD_PROP_LAST_NAME, entity_add, a, "lastName"));
        TRY(add_attr(p, KD_PROP_TITLE, entity_add, a, "title"));
        TRY(add_attr(p, KD_PROP_POSITION, entity_add, a, "function"));
        if (attr_is(p, a, "gender", "M"))
            TRY(add(p, KD_PROP_GENDER, entity_add, "male", 4, a, "nameAlias@gender"));
        else if (attr_is(p, a, "gender", "F"))
            TRY(add(p, KD_PROP_GENDER, entity_add, "female", 6, a, "nameAlias@gender"));
        TRY(add_remarks(p, a));
    }
    return KD_OK;
}

/* ---- other parts --------------------------------------------------------- */

static size_t attr_number(eu_parser *p, const xmlNode *n, const char *name, unsigned *out)
{
    size_t len;
    const char *s = xml_attr(n, name, &p->scratch, &len);
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]) || i >= 4)
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return len;
}

static int add_birthdate(eu_parser *p, const xmlNode *b)
{
    char date[48] = "";
    size_t len;
    const char *s = xml_attr(b, "birthdate", &p->scratch, &len);
    unsigned year = 0, month = 0, day = 0, from = 0, to = 0;
    if (len && len < 32)
        snprintf(date, sizeof date, "%.*s", (int)len, s);
    else if (attr_number(p, b, "year", &year) == 4 && year) {
        int k = snprintf(date, sizeof date, "%04u", year);
        if (attr_number(p, b, "monthOfYear", &month) && month >= 1 && month <= 12) {
            k += snprintf(date + k, sizeof date - (size_t)k, "-%02u", month);
            if (attr_number(p, b, "dayOfMonth", &day) && day >= 1 && day <= 31)
                snprintf(date + k, sizeof date - (size_t)k, "-%02u", day);
        }
    } else if (attr_number(p, b, "yearRangeFrom", &from) == 4 &&
               attr_number(p, b, "yearRangeTo", &to) == 4) {
        snprintf(date, sizeof date, "%04u/%04u", from, to);
    }
    if (date[0]) {
        s = xml_attr(b, "calendarType", &p->scratch, &len);
        if (len && !(len == 9 && strncasecmp(s, "GREGORIAN", 9) == 0)) {
            buf_clear(&p->tmp);
            if (buf_printf(&p->tmp, "Date of birth (%.*s calendar): %s", (int)len, s, date))
                return nomem(p);
            TRY(add(p, KD_PROP_NOTES, entity_add, p->tmp.data, p->tmp.len, b, "birthdate"));
        } else if (attr_is(p, b, "circa", "true")) {
            char iso[64];
            if (!date_normalise(date, strlen(date), iso, sizeof iso - 1))
                snprintf(iso, sizeof iso - 1, "%s", date);
            if (!strchr(iso, '~') && !strchr(iso, '/'))
                strcat(iso, "~");
            TRY(add(p, KD_PROP_BIRTH_DATE, entity_add, iso, strlen(iso), b, "birthdate"));
        } else {
            TRY(add(p, KD_PROP_BIRTH_DATE, entity_add_date, date, strlen(date), b, "birthdate"));
        }
    }
    buf_clear(&p->tmp);
    TRY(join_attr(p, b, "city"));
    TRY(join_attr(p, b, "region"));
    TRY(join_attr(p, b, "place"));
    TRY(add(p, KD_PROP_BIRTH_PLACE, entity_add, p->tmp.data, p->tmp.len, b, "birthdate@city"));
    return add_country(p, KD_PROP_BIRTH_COUNTRY, b);
}

static int add_identification(eu_parser *p, const xmlNode *id)
{
    kd_prop prop = attr_is(p, id, "identificationTypeCode", "passport") ? KD_PROP_PASSPORT_NUMBER
                                                                        : KD_PROP_ID_NUMBER;
    TRY(add_attr(p, prop, entity_add, id, "number"));
    return add_attr(p, prop, entity_add, id, "latinNumber");
}

static int add_address(eu_parser *p, const xmlNode *a)
{
    static const char *const parts[] = {"street", "poBox", "zipCode", "city", "region", "place"};
    buf_clear(&p->tmp);
    for (size_t i = 0; i < KD_ARRAY_LEN(parts); i++)
        TRY(join_attr(p, a, parts[i]));
    if (p->tmp.len) {
        size_t len;
        const char *c = xml_attr(a, "countryDescription", &p->scratch, &len);
        if (len && !(len == 7 && strncasecmp(c, "UNKNOWN", 7) == 0) &&
            (buf_append_str(&p->tmp, ", ") || buf_append(&p->tmp, c, len)))
            return nomem(p);
        TRY(add(p, KD_PROP_ADDRESS, entity_add, p->tmp.data, p->tmp.len, a, "address"));
    }
    TRY(add_country(p, KD_PROP_COUNTRY, a));
    for (xmlNode *c = xml_child(a, "contactInfo"); c; c = xml_next_sibling(c, "contactInfo")) {
        size_t kn;
        const char *key = xml_attr(c, "key", &p->tmp, &kn);
        kd_prop prop = kn == 5 && strncasecmp(key, "EMAIL", 5) == 0 ? KD_PROP_EMAIL
                       : kn >= 3 && strncasecmp(key, "WEB", 3) == 0 ? KD_PROP_WEBSITE
                                                                    : KD_PROP_PHONE;
        if (kn && prop == KD_PROP_PHONE && !(kn == 5 && strncasecmp(key, "PHONE", 5) == 0) &&
            !(kn == 3 && strncasecmp(key, "FAX", 3) == 0))
            prop = KD_PROP_NOTES;
        TRY(add_attr(p, prop, prop == KD_PROP_PHONE ? add_phones : entity_add, c, "value"));
    }
    return add_remarks(p, a);
}

static void note_date(eu_parser *p, const char *s, size_t n)
{
    if (n >= 4 && n < sizeof p->earliest && isdigit((unsigned char)s[0])) {
        char d[sizeof p->earliest];
        memcpy(d, s, n);
        d[n] = '\0';
        if (!p->earliest[0] || strcmp(d, p->earliest) < 0)
            memcpy(p->earliest, d, n + 1);
    }
}

static int add_regulation(eu_parser *p, const xmlNode *r)
{
    TRY(add_attr(p, KD_PROP_PROGRAM, entity_add, r, "programme"));
    size_t len;
    const char *s = xml_attr(r, "publicationDate", &p->scratch, &len);
    note_date(p, s, len);
    xmlNode *url = xml_child(r, "publicationUrl");
    if (url)
        TRY(xml_add_text(p->x, &p->e, KD_PROP_SOURCE_URL, entity_add, url, &p->scratch, p->err));
    return add_remarks(p, r);
}

static int set_schema_and_id(eu_parser *p, const xmlNode *rec)
{
    size_t n;
    const char *id = xml_attr(rec, "logicalId", &p->scratch, &n);
    bool ok = n > 0 && n < 48;
    for (size_t i = 0; i < n && ok; i++)
        ok = isalnum((unsigned char)id[i]) || id[i] == '-' || id[i] == '_' || id[i] == '.';
    if (!ok)
        return error_set(p->err, KD_EPARSE, "%s:%zu: sanctionEntity@logicalId: missing or invalid",
                         xml_path(p->x), xml_line(rec));
    if (entity_set_id(&p->e, "eu-fsf-%.*s", (int)n, id))
        return nomem(p);
    xmlNode *type = xml_child(rec, "subjectType");
    p->e.schema = attr_is(p, type, "code", "person")       ? KD_SCHEMA_PERSON
                  : attr_is(p, type, "code", "enterprise") ? KD_SCHEMA_ORGANIZATION
                  : attr_is(p, type, "code", "vessel")     ? KD_SCHEMA_VESSEL
                                                           : KD_SCHEMA_LEGAL_ENTITY;
    return KD_OK;
}

static int parse_record(eu_parser *p, const xmlNode *rec)
{
    model_entity *e = &p->e;
    entity_reset(e);
    e->dataset = EU_DATASET;
    p->earliest[0] = '\0';
    TRY(set_schema_and_id(p, rec));
    TRY(add_names(p, rec));
    size_t len;
    const char *s = xml_attr(rec, "designationDate", &p->scratch, &len);
    note_date(p, s, len);
    for (xmlNode *c = xml_child(rec, NULL); c; c = xml_next_sibling(c, NULL)) {
        const char *name = (const char *)c->name;
        int rc = KD_OK;
        if (strcmp(name, "regulation") == 0)
            rc = add_regulation(p, c);
        else if (strcmp(name, "birthdate") == 0)
            rc = add_birthdate(p, c);
        else if (strcmp(name, "citizenship") == 0)
            rc = add_country(p, KD_PROP_NATIONALITY, c);
        else if (strcmp(name, "identification") == 0)
            rc = add_identification(p, c);
        else if (strcmp(name, "address") == 0)
            rc = add_address(p, c);
        else if (strcmp(name, "remark") == 0)
            rc = xml_add_text(p->x, e, KD_PROP_NOTES, entity_add_text, c, &p->scratch, p->err);
        if (rc)
            return rc;
    }
    TRY(add(p, KD_PROP_LISTING_DATE, entity_add_date, p->earliest, strlen(p->earliest), rec,
            "regulation@publicationDate"));
    TRY(add_attr(p, KD_PROP_PROGRAM_ID, entity_add, rec, "euReferenceNumber"));
    return add_attr(p, KD_PROP_PROGRAM_ID, entity_add, rec, "unitedNationId");
}

/* xml_each_record's view of parse_record */
static int each_record(void *ctx, xmlNode *rec)
{
    return parse_record(ctx, rec);
}

int parse_eu_fsf_xml(const char *path, const list_sink *sink, kd_error *err)
{
    eu_parser p = {.err = err};
    int rc = xml_open(&p.x, path, "export", err);
    if (rc)
        return rc;
    entity_init(&p.e);
    static const char *const records[] = {"sanctionEntity", NULL};
    rc = xml_each_record(p.x, path, records, each_record, &p, &p.e, sink, NULL, err);
    entity_free(&p.e);
    buf_free(&p.scratch);
    buf_free(&p.tmp);
    xml_close(p.x);
    return rc;
}
