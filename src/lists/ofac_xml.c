/* OFAC's XML lists: sdn.xml and the consolidated (non-SDN) list share one
 * schema, <sdnList> with a <publshInformation> header (sic) and one
 * <sdnEntry> per party, in a default namespace that has changed over the
 * years (so only local names are matched).
 *
 * Dataset: "us_ofac_cons" when the file name says "cons" or "non-sdn",
 * "us_ofac_sdn" otherwise. Mapping: id "ofac-<uid>"; sdnType Individual →
 * Person, Entity → Organization, Vessel → Vessel, Aircraft → Airplane.
 * name "firstName lastName" (people) or lastName, with firstName/lastName
 * for people; akaList aka: type f.k.a. → previousName, category weak →
 * weakAlias, else alias. programList → program; title → position (people;
 * notes otherwise, as in the legacy CSV); idList id → read as the legacy
 * Remarks clause "idType idNumber (idCountry)" would be (ofac_remarks.h):
 * Passport → passportNumber, Vessel Registration Identification IMO n →
 * imoNumber, MMSI → mmsi, Tax ID No. → taxNumber, Website → website, ...;
 * a type it does not know → notes. dateOfBirthList → birthDate;
 * placeOfBirthList → birthPlace; nationalityList → nationality;
 * citizenshipList → citizenship; addressList → address (address1-3, city,
 * stateOrProvince, postalCode, country; not for a bare country) and
 * country; vesselInfo callSign/vesselType/vesselFlag/vesselOwner/tonnage/
 * grossRegisteredTonnage → callSign/type/flag/ownerName/tonnage/
 * grossRegisteredTonnage; remarks → notes.
 * The header's Record_Count is checked against the entries read. */
#include "ofac_remarks.h"
#include "xml.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct ofac_parser {
    xml_reader *x;
    model_entity e;
    buf scratch, tmp;
    kd_error *err;
    const char *dataset;
    long expected;        /* publshInformation's Record_Count, or -1 */
    size_t expected_line; /* where it says so */
} ofac_parser;

static int nomem(ofac_parser *p)
{
    return error_set(p->err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
}

static int add(ofac_parser *p, kd_prop prop, xml_adder fn, const char *s, size_t n,
               const xmlNode *at, const char *field)
{
    return xml_add(p->x, &p->e, prop, fn, s, n, at, field, p->err);
}

static int add_child(ofac_parser *p, kd_prop prop, xml_adder fn, const xmlNode *parent,
                     const char *name)
{
    xmlNode *c = xml_child(parent, name);
    return c ? xml_add_text(p->x, &p->e, prop, fn, c, &p->scratch, p->err) : KD_OK;
}

/* Each <item><field>value</field></item> of a list element (<item>value</item>
 * when field is NULL). */
static int add_list(ofac_parser *p, const xmlNode *rec, const char *list, const char *item,
                    const char *field, kd_prop prop, xml_adder fn)
{
    for (xmlNode *l = xml_child(rec, list); l; l = xml_next_sibling(l, list))
        for (xmlNode *i = xml_child(l, item); i; i = xml_next_sibling(i, item))
            TRY(field ? add_child(p, prop, fn, i, field)
                      : xml_add_text(p->x, &p->e, prop, fn, i, &p->scratch, p->err));
    return KD_OK;
}

static int append_part(ofac_parser *p, const char *sep, const xmlNode *parent, const char *name)
{
    size_t n;
    const char *s = xml_child_text(parent, name, &p->scratch, &n);
    if (n && ((p->tmp.len && buf_append_str(&p->tmp, sep)) || buf_append(&p->tmp, s, n)))
        return nomem(p);
    return KD_OK;
}

/* "firstName lastName" into p->tmp. */
static int person_name(ofac_parser *p, const xmlNode *n)
{
    buf_clear(&p->tmp);
    TRY(append_part(p, " ", n, "firstName"));
    return append_part(p, " ", n, "lastName");
}

static int add_akas(ofac_parser *p, const xmlNode *rec)
{
    for (xmlNode *l = xml_child(rec, "akaList"); l; l = xml_next_sibling(l, "akaList"))
        for (xmlNode *a = xml_child(l, "aka"); a; a = xml_next_sibling(a, "aka")) {
            size_t tn, cn;
            const char *type = xml_child_text(a, "type", &p->scratch, &tn);
            kd_prop prop = text_istarts(type, tn, "f.k.a") ? KD_PROP_PREVIOUS_NAME : KD_PROP_ALIAS;
            const char *cat = xml_child_text(a, "category", &p->scratch, &cn);
            if (prop == KD_PROP_ALIAS && text_istarts(cat, cn, "weak"))
                prop = KD_PROP_WEAK_ALIAS;
            TRY(person_name(p, a));
            TRY(add(p, prop, entity_add, p->tmp.data, p->tmp.len, a, "aka"));
        }
    return KD_OK;
}

static int add_addresses(ofac_parser *p, const xmlNode *rec)
{
    static const char *const parts[] = {"address1", "address2",   "address3", "city",
                                        "stateOrProvince", "postalCode", "country"};
    for (xmlNode *l = xml_child(rec, "addressList"); l; l = xml_next_sibling(l, "addressList"))
        for (xmlNode *a = xml_child(l, "address"); a; a = xml_next_sibling(a, "address")) {
            buf_clear(&p->tmp);
            for (size_t i = 0; i + 1 < KD_ARRAY_LEN(parts); i++)
                TRY(append_part(p, ", ", a, parts[i]));
            if (p->tmp.len) {
                TRY(append_part(p, ", ", a, "country"));
                TRY(add(p, KD_PROP_ADDRESS, entity_add, p->tmp.data, p->tmp.len, a, "address"));
            }
            TRY(add_child(p, KD_PROP_COUNTRY, entity_add_country, a, "country"));
        }
    return KD_OK;
}

/* An id is read as the legacy Remarks clause it stands for, so both OFAC
 * formats share one vocabulary of identifier types. */
static int add_ids(ofac_parser *p, const xmlNode *rec)
{
    for (xmlNode *l = xml_child(rec, "idList"); l; l = xml_next_sibling(l, "idList"))
        for (xmlNode *id = xml_child(l, "id"); id; id = xml_next_sibling(id, "id")) {
            buf_clear(&p->tmp);
            TRY(append_part(p, " ", id, "idType"));
            TRY(append_part(p, " ", id, "idNumber"));
            size_t cn;
            const char *country = xml_child_text(id, "idCountry", &p->scratch, &cn);
            if (cn && buf_printf(&p->tmp, " (%.*s)", (int)cn, country))
                return nomem(p);
            /* ';' separates clauses in that language; here it is text. */
            for (size_t i = 0; i < p->tmp.len; i++)
                if (p->tmp.data[i] == ';')
                    p->tmp.data[i] = ',';
            int rc = ofac_remarks_apply(&p->e, p->tmp.data, p->tmp.len, false);
            if (rc == KD_ENOMEM)
                return nomem(p);
            if (rc)
                return list_value_error(p->err, rc, xml_path(p->x), xml_line(id), "id");
        }
    return KD_OK;
}

static int add_vessel(ofac_parser *p, const xmlNode *v)
{
    TRY(add_child(p, KD_PROP_CALL_SIGN, entity_add, v, "callSign"));
    TRY(add_child(p, KD_PROP_TYPE, entity_add, v, "vesselType"));
    TRY(add_child(p, KD_PROP_FLAG, entity_add_country, v, "vesselFlag"));
    TRY(add_child(p, KD_PROP_OWNER_NAME, entity_add, v, "vesselOwner"));
    TRY(add_child(p, KD_PROP_TONNAGE, entity_add, v, "tonnage"));
    return add_child(p, KD_PROP_GROSS_TONNAGE, entity_add, v, "grossRegisteredTonnage");
}

static kd_schema schema_of(const char *s, size_t n)
{
    if (n == 10 && strncasecmp(s, "Individual", n) == 0)
        return KD_SCHEMA_PERSON;
    if (n == 6 && strncasecmp(s, "Entity", n) == 0)
        return KD_SCHEMA_ORGANIZATION;
    if (n == 6 && strncasecmp(s, "Vessel", n) == 0)
        return KD_SCHEMA_VESSEL;
    if (n == 8 && strncasecmp(s, "Aircraft", n) == 0)
        return KD_SCHEMA_AIRPLANE;
    return KD_SCHEMA_LEGAL_ENTITY;
}

static int parse_entry(ofac_parser *p, const xmlNode *rec, const char *dataset)
{
    model_entity *e = &p->e;
    entity_reset(e);
    e->dataset = dataset;
    size_t n;
    const char *uid = xml_child_text(rec, "uid", &p->scratch, &n);
    bool ok = n > 0 && n < 24;
    for (size_t i = 0; i < n && ok; i++)
        ok = isdigit((unsigned char)uid[i]) != 0;
    if (!ok)
        return error_set(p->err, KD_EPARSE, "%s:%zu: sdnEntry: uid missing or not a number",
                         xml_path(p->x), xml_line(rec));
    if (entity_set_id(e, "ofac-%.*s", (int)n, uid))
        return nomem(p);
    const char *type = xml_child_text(rec, "sdnType", &p->scratch, &n);
    e->schema = schema_of(type, n);
    bool person = e->schema == KD_SCHEMA_PERSON;

    TRY(person_name(p, rec));
    TRY(add(p, KD_PROP_NAME, entity_add, p->tmp.data, p->tmp.len, rec, "lastName"));
    if (person) {
        TRY(add_child(p, KD_PROP_FIRST_NAME, entity_add, rec, "firstName"));
        TRY(add_child(p, KD_PROP_LAST_NAME, entity_add, rec, "lastName"));
    }
    TRY(add_akas(p, rec));
    TRY(add_list(p, rec, "programList", "program", NULL, KD_PROP_PROGRAM, entity_add));
    TRY(add_child(p, person ? KD_PROP_POSITION : KD_PROP_NOTES, entity_add, rec, "title"));
    TRY(add_list(p, rec, "dateOfBirthList", "dateOfBirthItem", "dateOfBirth",
                 KD_PROP_BIRTH_DATE, entity_add_date));
    TRY(add_list(p, rec, "placeOfBirthList", "placeOfBirthItem", "placeOfBirth",
                 KD_PROP_BIRTH_PLACE, entity_add));
    TRY(add_list(p, rec, "nationalityList", "nationality", "country", KD_PROP_NATIONALITY,
                 entity_add_country));
    TRY(add_list(p, rec, "citizenshipList", "citizenship", "country", KD_PROP_CITIZENSHIP,
                 entity_add_country));
    TRY(add_addresses(p, rec));
    TRY(add_ids(p, rec));
    xmlNode *vessel = xml_child(rec, "vesselInfo");
    if (vessel)
        TRY(add_vessel(p, vessel));
    return add_child(p, KD_PROP_NOTES, entity_add_text, rec, "remarks");
}

/* "cons_prim.xml", "consolidated.xml", "...-non-sdn-...": the consolidated
 * list; anything else is taken for the SDN list. */
static const char *dataset_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *s = base; *s; s++)
        if (strncasecmp(s, "cons", 4) == 0 || strncasecmp(s, "non-sdn", 7) == 0)
            return "us_ofac_cons";
    return "us_ofac_sdn";
}

/* xml_each_record's view of an element: an entry, or the header that says
 * how many entries the file holds */
static int each_record(void *ctx, xmlNode *rec)
{
    ofac_parser *p = ctx;
    if (xml_is(rec, "publshInformation")) {
        size_t n;
        const char *s = xml_child_text(rec, "Record_Count", &p->scratch, &n);
        if (n && n < 10 && strspn(s, "0123456789") >= n)
            p->expected = strtol(s, NULL, 10), p->expected_line = xml_line(rec);
        return XML_NOT_A_RECORD;
    }
    return parse_entry(p, rec, p->dataset);
}

int parse_ofac_xml(const char *path, const list_sink *sink, kd_error *err)
{
    ofac_parser p = {.err = err, .dataset = dataset_of(path), .expected = -1};
    int rc = xml_open(&p.x, path, "sdnList", err);
    if (rc)
        return rc;
    entity_init(&p.e);
    static const char *const records[] = {"sdnEntry", "publshInformation", NULL};
    size_t count = 0;
    rc = xml_each_record(p.x, path, records, each_record, &p, &p.e, sink, &count, err);
    if (rc == 0 && p.expected >= 0 && (size_t)p.expected != count)
        rc = error_set(err, KD_EPARSE, "%s:%zu: Record_Count says %ld entries, the file has %zu",
                       path, p.expected_line, p.expected, count);
    entity_free(&p.e);
    buf_free(&p.scratch);
    buf_free(&p.tmp);
    xml_close(p.x);
    return rc;
}
