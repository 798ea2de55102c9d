/* Canada's Consolidated Autonomous Sanctions List (Special Economic Measures
 * Act, and the JVCFOR regulations), <data-set><record>.
 *
 * Ids: an Item number repeats across countries and schedules, so the id is
 * "ca-sema-" + a slug of (Country, Schedule, Item), the country by its
 * English half ("Belarus / Bélarus" → belarus, a trailing acronym such as
 * "(JVCFOR)" standing for a long regime name): "ca-sema-belarus-1-part-1-1".
 *
 * Mapping: LastName or GivenName → Person, name "GivenName LastName",
 * firstName, lastName, TitleOrShip → title (English half of
 * "Major General/major-général"); else ShipIMONumber or TitleOrShip → Vessel,
 * name EntityOrShip, TitleOrShip → type (it holds "Oil Tanker" for ships),
 * imoNumber; else Organization, name EntityOrShip.
 * DateOfBirthOrShipBuildDate → birthDate / buildDate / incorporationDate
 * (each of "1963 or 1964"). Country → country when it is one (the program's
 * country; "Hamas Terrorist Attacks" is not) and program "SEMA - <Country> -
 * Schedule <Schedule>"; DateOfListing → listingDate; Aliases → alias, see
 * add_aliases for how that free text is cut. */
#include "xml.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CA_DATASET "ca_dfatd_sema_sanctions"
#define CA_SOURCE_URL                                                                          \
    "https://www.international.gc.ca/world-monde/international_relations-"                     \
    "relations_internationales/sanctions/consolidated-consolides.aspx?lang=eng"

enum {
    F_COUNTRY, F_LAST, F_GIVEN, F_ORG, F_TITLE, F_IMO, F_ALIASES, F_DATE, F_SCHEDULE,
    F_ITEM, F_LISTED, F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "Country", "LastName", "GivenName", "EntityOrShip", "TitleOrShip", "ShipIMONumber",
    "Aliases", "DateOfBirthOrShipBuildDate", "Schedule", "Item", "DateOfListing"};

typedef struct field {
    const xmlNode *node;
    const char *s; /* trimmed text, in node or in buf; not NUL-terminated */
    size_t n;
    buf buf;
} field;

typedef struct ca_parser {
    xml_reader *x;
    model_entity e;
    field f[F_COUNT];
    buf tmp, aliases;
    const xmlNode *at; /* where the value being added comes from, for messages */
    const char *field;
    kd_error *err;
} ca_parser;

static int add(ca_parser *p, kd_prop prop, xml_adder fn, const char *s, size_t n)
{
    return xml_add(p->x, &p->e, prop, fn, s, n, p->at, p->field, p->err);
}

/* Adds field f (or a part of it) and names it in messages. */
static int add_field(ca_parser *p, kd_prop prop, xml_adder fn, int f, size_t n)
{
    p->at = p->f[f].node, p->field = field_names[f];
    return add(p, prop, fn, p->f[f].s, n);
}

static int nomem(ca_parser *p)
{
    return error_set(p->err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
}

/* ---- aliases ------------------------------------------------------------
 * The Aliases field is free text, read off the 2025 file: names are
 * separated by ';', ',', " or ", a spaced '/', and language labels
 * ("Belarusian: ..., Russian: ..."); line breaks only wrap long names.
 * Commas also sit inside organisation names ("Министерство культуры, спорта
 * и туризма", "Рембаза, АО"), so an organisation's piece is cut at its
 * commas only when no part is a bare legal form or starts with a lower-case
 * Cyrillic word. A one-word name of a person ("Alexei", a nickname) is a
 * weakAlias. Nothing is split inside parentheses. */

static const char *const labels[] = {"Russian", "Belarusian", "Belarussian", "Ukrainian",
                                     "Arabic",  "Persian",    "Farsi",       "Chinese",
                                     "Hebrew",  "Armenian"};

static const char *const legal_forms[] = {
    "АО", "ООО", "ОАО", "ПАО", "ЗАО", "САО", "ФГУП", "ФКП", "НП", "МК", "AO", "OOO",
    "OAO", "PAO", "ZAO", "LLC", "JSC", "OJSC", "PJSC", "CJSC", "FSUE", "Ltd", "Ltd.",
    "Limited", "Inc", "Inc.", "Co", "Co.", "Corp", "Corp.", "GmbH", "SA", "SARL"};

/* Length of a language label ("Russian :") starting at s[i], or 0. */
static size_t label_at(const char *s, size_t n, size_t i)
{
    if (i > 0 && isalpha((unsigned char)s[i - 1]))
        return 0;
    for (size_t l = 0; l < KD_ARRAY_LEN(labels); l++) {
        size_t k = strlen(labels[l]);
        if (i + k > n || memcmp(s + i, labels[l], k) != 0)
            continue;
        size_t j = i + k;
        while (j < n && (s[j] == ' ' || (s[j] == '\xC2' && j + 1 < n && s[j + 1] == '\xA0')))
            j += s[j] == ' ' ? 1 : 2;
        if (j < n && s[j] == ':')
            return j + 1 - i;
    }
    return 0;
}

static bool starts_lower_cyrillic(const char *s, size_t n)
{
    if (n < 2)
        return false;
    unsigned cp = ((unsigned char)s[0] & 0x1F) << 6 | ((unsigned char)s[1] & 0x3F);
    return ((unsigned char)s[0] & 0xE0) == 0xC0 && cp >= 0x430 && cp <= 0x45F;
}

static bool is_legal_form(const char *s, size_t n)
{
    for (size_t i = 0; i < KD_ARRAY_LEN(legal_forms); i++)
        if (strlen(legal_forms[i]) == n && strncasecmp(s, legal_forms[i], n) == 0)
            return true;
    return false;
}

/* The next separator in s[0..n) outside parentheses, for the kinds asked:
 * returns its offset and sets *len, or returns n. */
enum { SEP_COMMA = 1, SEP_OR = 2, SEP_LABEL = 4 };

static size_t next_sep(const char *s, size_t n, int kinds, size_t *len)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '(' && memchr(s + i, ')', n - i)) /* an unclosed '(' is a typo */
            depth++;
        else if (s[i] == ')' && depth > 0)
            depth--;
        size_t k;
        if ((kinds & SEP_LABEL) && (k = label_at(s, n, i)))
            return *len = k, i;
        if (depth)
            continue;
        if ((kinds & SEP_COMMA) && s[i] == ',')
            return *len = 1, i;
        if ((kinds & SEP_OR) && i + 4 <= n && memcmp(s + i, " or ", 4) == 0)
            return *len = 4, i;
        if ((kinds & SEP_OR) && s[i] == '/' &&
            ((i > 0 && s[i - 1] == ' ') || (i + 1 < n && s[i + 1] == ' ')))
            return *len = 1, i;
    }
    return *len = 0, n;
}

static size_t trim_fragment(const char **sp, size_t n)
{
    const char *s = *sp;
    for (;;) {
        n = text_trim(&s, n);
        if (n && (*s == ',' || *s == ';' || *s == ':'))
            s++, n--;
        else if (n && (s[n - 1] == ',' || s[n - 1] == ';' || s[n - 1] == ':'))
            n--;
        else if (n && (*s == ')' || (*s == '(' && !memchr(s, ')', n))))
            s++, n--;
        else if (n && (s[n - 1] == '(' || (s[n - 1] == ')' && !memchr(s, '(', n))))
            n--;
        else
            break;
    }
    *sp = s;
    return n;
}

static int add_fragment(ca_parser *p, const char *s, size_t n)
{
    n = trim_fragment(&s, n);
    bool letter = false, space = false;
    for (size_t i = 0; i < n; i++) {
        letter |= isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80;
        space |= s[i] == ' ';
    }
    if (!letter)
        return KD_OK;
    bool weak = p->e.schema == KD_SCHEMA_PERSON && !space;
    return add(p, weak ? KD_PROP_WEAK_ALIAS : KD_PROP_ALIAS, entity_add, s, n);
}

static bool commas_split_org(const char *s, size_t n)
{
    size_t len, at;
    do {
        at = next_sep(s, n, SEP_COMMA, &len);
        const char *part = s;
        size_t k = trim_fragment(&part, at);
        if (k == 0 || starts_lower_cyrillic(part, k) || is_legal_form(part, k))
            return false;
        s += at + len, n -= at < n ? at + len : at;
    } while (n);
    return true;
}

static int split_commas(ca_parser *p, const char *s, size_t n)
{
    if (p->e.schema != KD_SCHEMA_PERSON && !commas_split_org(s, n))
        return add_fragment(p, s, n);
    size_t len, at;
    while ((at = next_sep(s, n, SEP_COMMA, &len)) < n) {
        TRY(add_fragment(p, s, at));
        s += at + len, n -= at + len;
    }
    return add_fragment(p, s, n);
}

/* " or " and a spaced '/' come before commas: "РЕСО-Гарантия, САО or
 * Страховое ..." is two names, the first with its legal form. */
static int split_or(ca_parser *p, const char *s, size_t n)
{
    size_t len, at;
    while ((at = next_sep(s, n, SEP_OR, &len)) < n) {
        TRY(split_commas(p, s, at));
        s += at + len, n -= at + len;
    }
    return split_commas(p, s, n);
}

static int add_aliases(ca_parser *p, const xmlNode *node)
{
    buf *b = &p->aliases;
    buf_clear(b);
    if (xml_append_text(b, node) || buf_append_char(b, '\0'))
        return nomem(p);
    for (size_t i = 0; i < b->len; i++)
        if (b->data[i] == '\n' || b->data[i] == '\r' || b->data[i] == '\t')
            b->data[i] = ' ';
    const char *s = b->data;
    size_t n = b->len - 1;
    p->at = node, p->field = "Aliases";
    while (n) {
        const char *semi = memchr(s, ';', n);
        size_t piece = semi ? (size_t)(semi - s) : n;
        /* Labels cut the piece; each labelled part is then cut at commas. */
        const char *t = s;
        size_t m = piece, len, at;
        while ((at = next_sep(t, m, SEP_LABEL, &len)) < m) {
            TRY(split_or(p, t, at));
            t += at + len, m -= at + len;
        }
        TRY(split_or(p, t, m));
        s += piece, n -= piece;
        if (n)
            s++, n--;
    }
    return KD_OK;
}

/* ---- record -------------------------------------------------------------- */

/* "Belarus / Bélarus" → "Belarus"; the English half comes first. */
static size_t english(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, " / ", 3) == 0)
            return text_trim(&s, i);
    return n;
}

static int slug_append(buf *b, const char *s, size_t n)
{
    bool dash = b->len > 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) && c < 0x80) {
            if (dash && b->len && buf_append_char(b, '-'))
                return KD_ENOMEM;
            if (buf_append_char(b, (char)tolower(c)))
                return KD_ENOMEM;
            dash = false;
        } else {
            dash = true;
        }
    }
    return KD_OK;
}

/* Country part of the id: a trailing "(ACRONYM)" stands for the whole. */
static int slug_country(buf *b, const char *s, size_t n)
{
    const char *open = n > 4 && s[n - 1] == ')' ? memchr(s, '(', n) : NULL;
    if (open) {
        const char *a = open + 1;
        size_t k = (size_t)(s + n - 1 - a);
        bool acronym = k >= 3;
        for (size_t i = 0; i < k && acronym; i++)
            acronym = isupper((unsigned char)a[i]) != 0;
        if (acronym)
            return slug_append(b, a, k);
    }
    return slug_append(b, s, n);
}

static int add_dates(ca_parser *p, kd_prop prop, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i + 4 <= n; i++) {
        if (strncasecmp(s + i, " or ", 4) == 0) {
            TRY(add(p, prop, entity_add_date, s + start, i - start));
            start = i + 4;
            i += 3; /* "1963 or or 1964": matches must not overlap */
        }
    }
    return add(p, prop, entity_add_date, s + start, n - start);
}

static void read_fields(ca_parser *p, const xmlNode *rec)
{
    for (int f = 0; f < F_COUNT; f++)
        p->f[f].node = NULL, p->f[f].s = "", p->f[f].n = 0;
    for (xmlNode *c = xml_child(rec, NULL); c; c = xml_next_sibling(c, NULL))
        for (int f = 0; f < F_COUNT; f++)
            if (!p->f[f].node && strcmp((const char *)c->name, field_names[f]) == 0) {
                p->f[f].node = c;
                p->f[f].s = xml_text(c, &p->f[f].buf, &p->f[f].n);
                break;
            }
}

static int set_id(ca_parser *p, const xmlNode *rec, size_t country_n)
{
    buf *b = &p->tmp;
    buf_clear(b);
    if (slug_country(b, p->f[F_COUNTRY].s, country_n))
        return nomem(p);
    size_t country = b->len;
    if (slug_append(b, p->f[F_SCHEDULE].s, p->f[F_SCHEDULE].n))
        return nomem(p);
    size_t before_item = b->len;
    if (slug_append(b, p->f[F_ITEM].s, p->f[F_ITEM].n) || buf_append_char(b, '\0'))
        return nomem(p);
    if (country == 0 || b->len - 1 == before_item)
        return error_set(p->err, KD_EPARSE, "%s:%zu: record: %s missing (or has no Latin letter "
                         "or digit for the id)", xml_path(p->x), xml_line(rec),
                         country ? "Item" : "Country");
    if (entity_set_id(&p->e, "ca-sema-%s", b->data))
        return error_set(p->err, KD_ELIMIT, "%s:%zu: record: id too long", xml_path(p->x),
                         xml_line(rec));
    return KD_OK;
}

static int add_person(ca_parser *p)
{
    const field *given = &p->f[F_GIVEN], *last = &p->f[F_LAST];
    buf_clear(&p->tmp);
    if (buf_append(&p->tmp, given->s, given->n) ||
        (given->n && last->n && buf_append_char(&p->tmp, ' ')) ||
        buf_append(&p->tmp, last->s, last->n))
        return nomem(p);
    p->at = given->n ? given->node : last->node, p->field = "GivenName";
    TRY(add(p, KD_PROP_NAME, entity_add, p->tmp.data, p->tmp.len));
    TRY(add_field(p, KD_PROP_FIRST_NAME, entity_add, F_GIVEN, given->n));
    TRY(add_field(p, KD_PROP_LAST_NAME, entity_add, F_LAST, last->n));
    /* "Major General/major-général": the English half. */
    const field *t = &p->f[F_TITLE];
    const char *slash = memchr(t->s, '/', t->n);
    return add_field(p, KD_PROP_TITLE, entity_add, F_TITLE, slash ? (size_t)(slash - t->s) : t->n);
}

static int parse_record(ca_parser *p, const xmlNode *rec)
{
    model_entity *e = &p->e;
    entity_reset(e);
    e->dataset = CA_DATASET;
    read_fields(p, rec);
    size_t country_n = english(p->f[F_COUNTRY].s, p->f[F_COUNTRY].n);
    TRY(set_id(p, rec, country_n));
    kd_prop date_prop = KD_PROP_INCORPORATION_DATE;
    if (p->f[F_LAST].n || p->f[F_GIVEN].n) {
        e->schema = KD_SCHEMA_PERSON;
        date_prop = KD_PROP_BIRTH_DATE;
        TRY(add_person(p));
    } else if (p->f[F_ORG].n || p->f[F_TITLE].n) {
        bool vessel = p->f[F_IMO].n || p->f[F_TITLE].n;
        e->schema = vessel ? KD_SCHEMA_VESSEL : KD_SCHEMA_ORGANIZATION;
        int name = p->f[F_ORG].n ? F_ORG : F_TITLE;
        TRY(add_field(p, KD_PROP_NAME, entity_add, name, p->f[name].n));
        if (vessel) {
            date_prop = KD_PROP_BUILD_DATE;
            if (name == F_ORG)
                TRY(add_field(p, KD_PROP_TYPE, entity_add, F_TITLE, p->f[F_TITLE].n));
            TRY(add_field(p, KD_PROP_IMO_NUMBER, entity_add, F_IMO, p->f[F_IMO].n));
        }
    } else {
        return error_set(p->err, KD_EPARSE,
                         "%s:%zu: record %s: no LastName, GivenName or EntityOrShip",
                         xml_path(p->x), xml_line(rec), e->id.data);
    }
    if (p->f[F_ALIASES].node)
        TRY(add_aliases(p, p->f[F_ALIASES].node));
    p->at = p->f[F_DATE].node, p->field = field_names[F_DATE];
    TRY(add_dates(p, date_prop, p->f[F_DATE].s, p->f[F_DATE].n));

    const char *country = p->f[F_COUNTRY].s;
    char code[3];
    p->at = p->f[F_COUNTRY].node, p->field = "Country";
    if (country_code(country, country_n, code))
        TRY(add(p, KD_PROP_COUNTRY, entity_add, code, 2));
    /* JVCFOR is a law of its own, not a SEMA regulation. */
    bool sema = !text_istarts(country, country_n, "Justice for Victims");
    const field *sched = &p->f[F_SCHEDULE];
    buf_clear(&p->tmp);
    if ((sema && buf_append_str(&p->tmp, "SEMA - ")) || buf_append(&p->tmp, country, country_n) ||
        (sched->n && buf_printf(&p->tmp, " - Schedule %.*s", (int)sched->n, sched->s)))
        return nomem(p);
    TRY(add(p, KD_PROP_PROGRAM, entity_add, p->tmp.data, p->tmp.len));
    TRY(add_field(p, KD_PROP_LISTING_DATE, entity_add_date, F_LISTED, p->f[F_LISTED].n));
    p->at = rec, p->field = "record";
    return add(p, KD_PROP_SOURCE_URL, entity_add, CA_SOURCE_URL, strlen(CA_SOURCE_URL));
}

/* xml_each_record's view of parse_record */
static int each_record(void *ctx, xmlNode *rec)
{
    return parse_record(ctx, rec);
}

int parse_canada_xml(const char *path, const list_sink *sink, kd_error *err)
{
    ca_parser p = {.err = err};
    int rc = xml_open(&p.x, path, "data-set", err);
    if (rc)
        return rc;
    entity_init(&p.e);
    static const char *const records[] = {"record", NULL};
    rc = xml_each_record(p.x, path, records, each_record, &p, &p.e, sink, NULL, err);
    entity_free(&p.e);
    for (int f = 0; f < F_COUNT; f++)
        buf_free(&p.f[f].buf);
    buf_free(&p.tmp);
    buf_free(&p.aliases);
    xml_close(p.x);
    return rc;
}
