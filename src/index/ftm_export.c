/* The index as FollowTheMoney entities that FtM's own schema accepts
 * (`kordon export`): kordon keeps what the lists say as they say it (a
 * birth date "1955~", a phone "263-4-486946", an IMO number without its
 * prefix, a listing's reason on the person); FtM wants typed values and a
 * listing as a Sanction entity that points at its party. Each record
 * becomes one entity with its values normalised to FtM's types, and one
 * Sanction when the list says anything about the listing. A value FtM's
 * type cannot hold is not lost: it goes to `notes` ("phone: 263-4-486946")
 * where the schema has notes. */
#include "index.h"
#include "model/model.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what FtM allows ------------------------------------------------------ */

/* Schemata that descend from Thing: they have name, notes, country... */
static bool thing_schema(kd_schema s)
{
    return s <= KD_SCHEMA_ADDRESS || s == KD_SCHEMA_SECURITY || s == KD_SCHEMA_VEHICLE ||
           s == KD_SCHEMA_POSITION || s == KD_SCHEMA_ASSET || s == KD_SCHEMA_THING;
}

/* Schemata a list names as listed (a Sanction's `entity` is any Thing). */
static bool party_schema(kd_schema s)
{
    return thing_schema(s) && s != KD_SCHEMA_ADDRESS;
}

/* A listing's facts, which FtM keeps on a Sanction, not on its party. */
static bool listing_prop(kd_prop p)
{
    return p == KD_PROP_LISTING_DATE || p == KD_PROP_PROVISIONS || p == KD_PROP_REASON ||
           p == KD_PROP_RECORD_ID || p == KD_PROP_AUTHORITY || p == KD_PROP_START_DATE ||
           p == KD_PROP_END_DATE || p == KD_PROP_PROGRAM_URL || p == KD_PROP_AUTHORITY_ID;
}

/* Whether FtM defines the property on the schema; the few kordon keeps
 * elsewhere than FtM does. */
static bool prop_allowed(kd_schema s, kd_prop p)
{
    switch (p) {
    case KD_PROP_OWNER_NAME:
    case KD_PROP_PUBLISHER_DATASET:
    case KD_PROP_ABBREVIATION: return false;
    case KD_PROP_FLAG:
    case KD_PROP_IMO_NUMBER:
    case KD_PROP_MMSI:
    case KD_PROP_CALL_SIGN:
    case KD_PROP_TONNAGE:
    case KD_PROP_GROSS_TONNAGE: return s == KD_SCHEMA_VESSEL;
    case KD_PROP_ISIN: return s == KD_SCHEMA_COMPANY || s == KD_SCHEMA_SECURITY;
    default: return !(party_schema(s) && listing_prop(p));
    }
}

/* FtM's caption: the first value of the schema's caption properties,
 * else the schema's name. */
static const char *caption_of(const kd_index *ix, const kd_entity_view *v)
{
    kd_prop first = KD_PROP_NAME, second = KD_PROP_COUNT;
    switch (v->schema) {
    case KD_SCHEMA_ADDRESS: first = KD_PROP_FULL; break;
    case KD_SCHEMA_SANCTION: first = KD_PROP_PROGRAM; break;
    case KD_SCHEMA_PAYMENT: first = KD_PROP_COUNT; break; /* "amount": kordon keeps amountEur */
    case KD_SCHEMA_OWNERSHIP: first = KD_PROP_PERCENTAGE; break;
    case KD_SCHEMA_FAMILY: first = KD_PROP_RELATIONSHIP; break;
    case KD_SCHEMA_DIRECTORSHIP:
    case KD_SCHEMA_UNKNOWN_LINK:
    case KD_SCHEMA_MEMBERSHIP:
    case KD_SCHEMA_EMPLOYMENT:
    case KD_SCHEMA_ASSOCIATE: first = KD_PROP_ROLE; break;
    case KD_SCHEMA_PASSPORT: first = KD_PROP_PASSPORT_NUMBER, second = KD_PROP_NUMBER; break;
    case KD_SCHEMA_IDENTIFICATION: first = KD_PROP_NUMBER; break;
    default: break;
    }
    const char *c = first < KD_PROP_COUNT ? kd_entity_view_first(ix, v, first) : NULL;
    if (!c && second < KD_PROP_COUNT)
        c = kd_entity_view_first(ix, v, second);
    return c ? c : kd_schema_name(v->schema);
}

/* ---- values as FtM types --------------------------------------------------- */

typedef struct out_values {
    json_t *props;         /* the entity's properties */
    const char *note_prop; /* where values no FtM type holds go ("prop: value"), or NULL */
} out_values;

static void add_value(json_t *props, const char *key, const char *value)
{
    json_t *list = json_object_get(props, key);
    if (!list) {
        list = json_array();
        json_object_set_new(props, key, list);
    }
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(json_string_value(json_array_get(list, i)), value) == 0)
            return;
    json_array_append_new(list, json_string(value));
}

static void keep_as_note(out_values *o, kd_prop p, const char *value)
{
    if (!o->note_prop)
        return; /* the schema has no place for it */
    size_t n = strlen(kd_prop_name(p)) + strlen(value) + 3;
    char *note = malloc(n);
    if (!note)
        return;
    snprintf(note, n, "%s: %s", kd_prop_name(p), value);
    add_value(o->props, o->note_prop, note);
    free(note);
}

/* The length of a white-space character at s (ASCII, or the Unicode
 * spaces lists paste in: no-break, narrow no-break, zero-width, ideographic,
 * byte-order mark), or 0. */
static size_t space_at(const unsigned char *s)
{
    if (isspace(s[0]))
        return 1;
    if (s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8B) || s[2] == 0xAF))
        return 3;
    if ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) || (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF))
        return 3;
    return 0;
}

/* The value without surrounding white space (caller frees); NULL when
 * out of memory. */
static char *trimmed(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t k; (k = space_at(p));)
        p += k;
    size_t n = strlen((const char *)p), end = 0;
    for (size_t i = 0; i < n;) {
        size_t k = space_at(p + i);
        i += k ? k : 1;
        if (!k)
            end = i;
    }
    return strndup((const char *)p, end);
}

/* Dates: kordon's "1955~" (circa) is the year, "1960/1962" (either) both
 * years; anything else date_normalise reads. */
static bool add_dates(out_values *o, const char *key, const char *value)
{
    char norm[64];
    if (!date_normalise(value, strlen(value), norm, sizeof norm))
        return false;
    size_t n = strlen(norm);
    if (n && norm[n - 1] == '~')
        norm[--n] = '\0';
    char *slash = strchr(norm, '/');
    if (slash) {
        *slash = '\0';
        add_value(o->props, key, norm);
        add_value(o->props, key, slash + 1);
    } else {
        add_value(o->props, key, norm);
    }
    return true;
}

/* E.164 for a number written with its country code ("+", or "00" as
 * dialled from abroad); one written without it cannot be made one. */
static bool phone_e164(const char *s, char *out, size_t size)
{
    char plus[128];
    while (isspace((unsigned char)*s))
        s++;
    if (s[0] == '0' && s[1] == '0')
        snprintf(plus, sizeof plus, "+%s", s + 2);
    else if (s[0] == '+')
        snprintf(plus, sizeof plus, "%s", s);
    else
        return false;
    return phone_e164_of(plus, out, size);
}

/* An IMO number's check digit: the first six digits weighted 7 to 2. */
static bool imo_valid(const char *digits)
{
    int sum = 0;
    for (int i = 0; i < 6; i++)
        sum += (digits[i] - '0') * (7 - i);
    return sum % 10 == digits[6] - '0';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* Russian taxpayer numbers (INN): 10 digits for a company, 12 for a
 * person, with one or two check digits. */
static int inn_check(const char *s, const int *weights, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (s[i] - '0') * weights[i];
    return sum % 11 % 10;
}

static bool inn_valid(const char *s)
{
    size_t n = strlen(s);
    static const int w10[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
    static const int w11[] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    static const int w12[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    if (!all_digits(s, n))
        return false;
    if (n == 10)
        return inn_check(s, w10, 9) == s[9] - '0';
    if (n == 12)
        return inn_check(s, w11, 10) == s[10] - '0' && inn_check(s, w12, 11) == s[11] - '0';
    return false;
}

/* OGRN: 13 digits, the last the rest modulo 11 (mod 10); OGRNIP 15,
 * modulo 13. */
static bool ogrn_valid(const char *s)
{
    size_t n = strlen(s);
    if (!all_digits(s, n) || (n != 13 && n != 15))
        return false;
    unsigned long long body = 0;
    for (size_t i = 0; i + 1 < n; i++)
        body = body * 10 + (unsigned long long)(s[i] - '0');
    unsigned long long mod = n == 13 ? 11 : 13;
    return (int)(body % mod % 10) == s[n - 1] - '0';
}

static bool email_valid(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.'))
        return false;
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char)*p) || *p == ',' || *p == ';')
            return false;
    return at[strlen(at) - 1] != '.';
}

/* A website as a URL: a scheme added to a bare host ("www.x.org"); text
 * after the address is no part of it. */
static bool url_of(const char *s, char *out, size_t size)
{
    size_t n = strcspn(s, " \t,;");
    if (!n || s[n] != '\0')
        return false;
    bool scheme = strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
    if (!scheme && (!strchr(s, '.') || strchr(s, '@') || strstr(s, "://")))
        return false;
    snprintf(out, size, "%s%s", scheme ? "" : "http://", s);
    size_t len = strlen(out);
    while (len && out[len - 1] == '.')
        out[--len] = '\0'; /* the end of a sentence, not of the host */
    return strlen(out) < size - 1;
}

/* Countries as FtM's lower-case codes; the Soviet Union as FtM writes
 * it ("suhh"); the Netherlands Antilles, which FtM does not keep, in notes. */
static bool country_of(const char *s, char out[8])
{
    char code[3];
    if (strcmp(s, "su") == 0 || strcmp(s, "SU") == 0) {
        strcpy(out, "suhh");
        return true;
    }
    if (strcmp(s, "an") == 0 || strcmp(s, "AN") == 0)
        return false;
    if (!country_code(s, strlen(s), code) || !country_name(code))
        return false;
    strcpy(out, code);
    return true;
}

static bool country_prop(kd_prop p)
{
    return p == KD_PROP_COUNTRY || p == KD_PROP_NATIONALITY || p == KD_PROP_CITIZENSHIP ||
           p == KD_PROP_BIRTH_COUNTRY || p == KD_PROP_JURISDICTION || p == KD_PROP_FLAG;
}

static bool date_prop(kd_prop p)
{
    return p == KD_PROP_BIRTH_DATE || p == KD_PROP_DEATH_DATE || p == KD_PROP_INCORPORATION_DATE ||
           p == KD_PROP_DISSOLUTION_DATE || p == KD_PROP_BUILD_DATE || p == KD_PROP_LISTING_DATE ||
           p == KD_PROP_START_DATE || p == KD_PROP_END_DATE || p == KD_PROP_DATE ||
           p == KD_PROP_REGISTRATION_DATE;
}

/* FtM's longest identifier (and text of a short type such as a phone). */
#define IDENTIFIER_MAX 64

static bool identifier_prop(kd_prop p)
{
    return p == KD_PROP_PASSPORT_NUMBER || p == KD_PROP_ID_NUMBER || p == KD_PROP_TAX_NUMBER ||
           p == KD_PROP_REGISTRATION_NUMBER || p == KD_PROP_KPP_CODE || p == KD_PROP_OKPO_CODE ||
           p == KD_PROP_NUMBER || p == KD_PROP_SERIAL_NUMBER || p == KD_PROP_VAT_CODE;
}

/* The longest value of the property FtM's type allows. */
static size_t max_length(kd_prop p)
{
    switch (p) {
    case KD_PROP_NAME: case KD_PROP_ALIAS: case KD_PROP_WEAK_ALIAS: case KD_PROP_PREVIOUS_NAME:
    case KD_PROP_FIRST_NAME: case KD_PROP_MIDDLE_NAME: case KD_PROP_LAST_NAME: case KD_PROP_FATHER_NAME:
    case KD_PROP_MOTHER_NAME: return 384;
    case KD_PROP_ADDRESS: case KD_PROP_FULL: return 250;
    case KD_PROP_SWIFT_BIC: return 16;
    case KD_PROP_NOTES: case KD_PROP_SUMMARY: case KD_PROP_REASON: case KD_PROP_PROVISIONS: return 65000;
    default: return identifier_prop(p) ? IDENTIFIER_MAX : 1024;
    }
}

static void add_typed_trimmed(out_values *o, kd_prop p, const char *v);

/* One value of a record into o, as FtM types it. */
static void add_typed(out_values *o, kd_prop p, const char *raw)
{
    char *v = trimmed(raw);
    if (v && *v)
        add_typed_trimmed(o, p, v);
    free(v);
}

static void add_typed_trimmed(out_values *o, kd_prop p, const char *v)
{
    char out[256];
    const char *key = kd_prop_name(p);
    if (strlen(v) > max_length(p)) {
        keep_as_note(o, p, v);
    } else if (date_prop(p)) {
        if (!add_dates(o, key, v))
            keep_as_note(o, p, v);
    } else if (country_prop(p)) {
        char code[8];
        if (country_of(v, code))
            add_value(o->props, key, code);
        else
            keep_as_note(o, p, v);
    } else if (p == KD_PROP_PHONE) {
        /* several numbers in one value: each */
        char *copy = strdup(v), *save = NULL;
        for (char *one = copy ? strtok_r(copy, ";,", &save) : NULL; one; one = strtok_r(NULL, ";,", &save)) {
            char *n = trimmed(one);
            if (n && phone_e164(n, out, sizeof out))
                add_value(o->props, key, out);
            else if (n && *n)
                keep_as_note(o, p, n);
            free(n);
        }
        free(copy);
    } else if (p == KD_PROP_EMAIL) {
        if (email_valid(v))
            add_value(o->props, key, v);
        else
            keep_as_note(o, p, v);
    } else if (p == KD_PROP_WEBSITE || p == KD_PROP_SOURCE_URL || p == KD_PROP_PROGRAM_URL) {
        if (url_of(v, out, sizeof out))
            add_value(o->props, key, out);
        else
            keep_as_note(o, p, v);
    } else if (p == KD_PROP_IMO_NUMBER) {
        const char *d = strncmp(v, "IMO", 3) == 0 ? v + 3 + (v[3] == ' ') : v;
        if (strlen(d) == 7 && all_digits(d, 7) && imo_valid(d)) {
            snprintf(out, sizeof out, "IMO%s", d);
            add_value(o->props, key, out);
        } else {
            keep_as_note(o, p, v);
        }
    } else if (p == KD_PROP_INN_CODE || p == KD_PROP_OGRN_CODE) {
        if (p == KD_PROP_INN_CODE ? inn_valid(v) : ogrn_valid(v))
            add_value(o->props, key, v);
        else
            keep_as_note(o, p, v);
    } else if (p == KD_PROP_GENDER) {
        char g[16];
        size_t n = strlen(v) < sizeof g ? strlen(v) : sizeof g - 1;
        for (size_t i = 0; i < n; i++)
            g[i] = (char)tolower((unsigned char)v[i]);
        g[n] = '\0';
        if (strcmp(g, "m") == 0)
            strcpy(g, "male");
        else if (strcmp(g, "f") == 0)
            strcpy(g, "female");
        if (strcmp(g, "male") == 0 || strcmp(g, "female") == 0 || strcmp(g, "other") == 0)
            add_value(o->props, key, g);
        else
            keep_as_note(o, p, v);
    } else if (identifier_prop(p) && strlen(v) > IDENTIFIER_MAX) {
        keep_as_note(o, p, v);
    } else {
        add_value(o->props, key, v);
    }
}

void index_ftm_add_value(json_t *props, kd_schema schema, kd_prop p, const char *value)
{
    if (party_schema(schema) && listing_prop(p))
        return; /* the listing's: its Sanction's, and the party's `listings` */
    out_values o = {props, thing_schema(schema) ? "notes" : NULL};
    if (prop_allowed(schema, p))
        add_typed(&o, p, value);
    else
        keep_as_note(&o, p, value);
}

/* ---- entities ----------------------------------------------------------------- */

static json_t *entity_shell(const kd_index *ix, const kd_entity_view *v, const char *id, const char *schema,
                            const char *caption)
{
    json_t *root = json_object();
    json_object_set_new(root, "id", json_string(id));
    json_object_set_new(root, "caption", json_string(caption));
    json_object_set_new(root, "schema", json_string(schema));
    json_t *datasets = json_array();
    for (uint32_t i = 0; i < v->n_datasets; i++)
        json_array_append_new(datasets, json_string(index_string(ix, ix->datasets[v->datasets[i]].name)));
    json_object_set_new(root, "datasets", datasets);
    return root;
}

/* The record at `position` as FtM into *record (when record is given),
 * and its listing as a Sanction into *sanction, NULL when the list says
 * nothing of it. linked: index_linked_records', for the record's topics. */
static int record_entities(const kd_index *ix, size_t position, const uint8_t *linked, json_t **record,
                           json_t **sanction);

json_t *index_sanction_object(const kd_index *ix, size_t position)
{
    json_t *sanction = NULL;
    return record_entities(ix, position, NULL, NULL, &sanction) == KD_OK ? sanction : NULL;
}

static int record_entities(const kd_index *ix, size_t position, const uint8_t *linked, json_t **record,
                           json_t **sanction)
{
    *sanction = NULL;
    kd_entity_view v;
    if (kd_index_entity(ix, position, &v))
        return KD_ENOTFOUND;
    out_values o = {json_object(), thing_schema(v.schema) ? "notes" : NULL};
    out_values listing = {json_object(), "summary"};
    bool is_party = party_schema(v.schema);
    for (uint32_t i = 0; i < v.n_values; i++) {
        kd_value_ref r = kd_entity_view_value(ix, &v, i);
        if (kd_prop_is_meta(r.prop))
            continue;
        bool for_listing = is_party && (listing_prop(r.prop) || r.prop == KD_PROP_PROGRAM ||
                                        r.prop == KD_PROP_PROGRAM_ID);
        if (for_listing) {
            kd_prop to = r.prop == KD_PROP_RECORD_ID ? KD_PROP_AUTHORITY_ID : r.prop;
            add_typed(&listing, to, r.value);
        }
        if (!record || (for_listing && listing_prop(r.prop)))
            continue; /* the Sanction's alone; the program stays on the party too (FtM's
                       * Thing has it), as yente shows it */
        if (prop_allowed(v.schema, r.prop))
            add_typed(&o, r.prop, r.value);
        else
            keep_as_note(&o, r.prop, r.value);
    }
    if (record) {
        index_add_record_topics(ix, position, o.props);
        if (index_party_linked(ix, linked, position))
            index_add_topic(o.props, "sanction.linked");
        *record = entity_shell(ix, &v, v.id, kd_schema_name(v.schema), caption_of(ix, &v));
        json_object_set_new(*record, "properties", o.props);
    } else {
        json_decref(o.props);
    }
    if (is_party && json_object_size(listing.props)) {
        char id[512];
        snprintf(id, sizeof id, "%s-sanction", v.id);
        add_value(listing.props, "entity", v.id);
        json_t *program = json_object_get(listing.props, "program");
        const char *caption = json_string_value(json_array_get(program, 0));
        json_t *s = entity_shell(ix, &v, id, "Sanction", caption ? caption : "Sanction");
        json_object_set_new(s, "properties", listing.props);
        *sanction = s;
    } else {
        json_decref(listing.props);
    }
    return KD_OK;
}

int kd_index_export_ftm(const kd_index *ix, FILE *out, size_t *written, kd_error *err)
{
    size_t n = 0;
    /* the ties that make a party sanction.linked, found once */
    uint8_t *linked = index_linked_records(ix, NULL, NULL);
    if (!linked)
        return error_set(err, KD_ENOMEM, "out of memory exporting the index");
    for (size_t i = 0; i < ix->n_entities; i++) {
        json_t *entities[2] = {NULL, NULL};
        if (record_entities(ix, i, linked, &entities[0], &entities[1]))
            continue;
        for (size_t k = 0; k < 2; k++) {
            if (!entities[k])
                continue;
            bool failed = json_dumpf(entities[k], out, JSON_COMPACT | JSON_PRESERVE_ORDER) || fputc('\n', out) == EOF;
            json_decref(entities[k]);
            entities[k] = NULL;
            if (failed) {
                json_decref(entities[1]);
                free(linked);
                return error_set(err, KD_EIO, "cannot write the export: %s", strerror(errno));
            }
            n++;
        }
    }
    free(linked);
    if (written)
        *written = n;
    return KD_OK;
}
