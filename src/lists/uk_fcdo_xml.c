/* The UK Sanctions List (FCDO), XML: <Designations>, its <DateGenerated>,
 * then one <Designation> per designated person, entity or ship. Since
 * 2026-01-28 it is the only official UK list: OFSI's consolidated list
 * (uk_hmt_csv.c) closed that day, and its files stay readable. Where OFSI
 * wrote one CSV row per name, tied together by Group ID, a designation here
 * is one element, so records stream one at a time.
 *
 * Mapping: id "gb-fcdo-<UniqueID>"; IndividualEntityShip Individual →
 * Person, Entity → Organization, Ship → Vessel, as OFSI's Group Type.
 * Names/Name: Name1..Name5, then Name6 (the surname, or an organisation's
 * whole name), in natural order as for OFSI; NameType "Primary Name" →
 * name, "Primary Name Variation" and "Alias" → alias, but weakAlias when
 * AliasStrength says "Low quality", a type naming a previous or former
 * name → previousName, any other type → alias (a published name is
 * screened, not dropped). A person's primary name with a Name1 also gives
 * firstName (Name1), middleName (Name2..Name5) and lastName (Name6).
 * Without a primary name, the first name given names the entity.
 * NonLatinNames/NonLatinName/NameNonLatinScript → alias.
 * RegimeName → program; UNReferenceNumber → programId; DateDesignated →
 * listingDate; LastUpdated → modifiedAt; SanctionsImposed ("Asset
 * freeze|Travel Ban") → provisions; UKStatementofReasons → reason;
 * OtherInformation → notes; a DesignationSource other than UK → the note
 * "Designation source: UN" (the listing stays the UK's, so no authority).
 * Addresses/Address → address (AddressLine1..6, AddressPostalCode,
 * AddressCountry; not for a bare country) and country; PhoneNumbers →
 * phone; EmailAddresses → email (see add_emails); Websites → website.
 * IndividualDetails/Individual: DOBs → birthDate (see add_date);
 * Nationalities → nationality; Positions → position; Genders → gender;
 * Title or Titles → title; BirthDetails/Location TownOfBirth and
 * CountryOfBirth → birthPlace "Town, Country" and birthCountry;
 * PassportDetails/Passport PassportNumber → passportNumber and
 * NationalIdentifierDetails/NationalIdentifier NationalIdentifierNumber →
 * idNumber, their AdditionalInformation → notes "Passport N: ...".
 * EntityDetails/Entity: TypeOfEntities → legalForm;
 * BusinessRegistrationNumbers → see add_registration; Subsidiaries and
 * ParentCompanies → notes "Subsidiary: ..." (the build makes one an
 * Ownership when the list designates the company named: index/links.c).
 * ShipDetails/Ship: IMONumbers → imoNumber (its digits, as OFAC's);
 * CurrentOwnerOperators → ownerName; CurrentBelievedFlagOfShips → flag;
 * TypeOfShipDetails → type; TonnageOfShipDetails → tonnage; YearsBuilt →
 * buildDate; PreviousOwnerOperators, PreviousFlags and LengthOfShipDetails
 * → notes. OFSIGroupID and SanctionsImposedIndicators (SanctionsImposed
 * again, as booleans) carry nothing more for screening. */
#include "xml.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FCDO_DATASET "gb_fcdo_sanctions"
#define FCDO_SOURCE_URL "https://www.gov.uk/government/publications/the-uk-sanctions-list"

typedef struct fcdo_parser {
    xml_reader *x;
    model_entity e;
    buf scratch; /* xml_text of the value at hand */
    buf join;    /* a name, address or note being put together */
    kd_error *err;
} fcdo_parser;

static int nomem(fcdo_parser *p)
{
    return error_set(p->err, KD_ENOMEM, "%s: out of memory", xml_path(p->x));
}

static int add(fcdo_parser *p, kd_prop prop, xml_adder fn, const char *s, size_t n,
               const xmlNode *at, const char *field)
{
    return xml_add(p->x, &p->e, prop, fn, s, n, at, field, p->err);
}

static int add_text(fcdo_parser *p, kd_prop prop, xml_adder fn, const xmlNode *n)
{
    return n ? xml_add_text(p->x, &p->e, prop, fn, n, &p->scratch, p->err) : KD_OK;
}

/* Each <item> child of list. */
static int add_each(fcdo_parser *p, const xmlNode *list, const char *item, kd_prop prop,
                    xml_adder fn)
{
    for (xmlNode *i = xml_child(list, item); i; i = xml_next_sibling(i, item))
        TRY(add_text(p, prop, fn, i));
    return KD_OK;
}

/* Every repeatable value comes wrapped: <DOBs><DOB>..</DOB></DOBs>. */
static int add_items(fcdo_parser *p, const xmlNode *parent, const char *list, const char *item,
                     kd_prop prop, xml_adder fn)
{
    for (xmlNode *l = xml_child(parent, list); l; l = xml_next_sibling(l, list))
        TRY(add_each(p, l, item, prop, fn));
    return KD_OK;
}

/* Values screening has no property for become notes "label: value". */
static int add_labelled(fcdo_parser *p, const xmlNode *parent, const char *list,
                        const char *item, const char *label)
{
    for (xmlNode *l = xml_child(parent, list); l; l = xml_next_sibling(l, list))
        for (xmlNode *i = xml_child(l, item); i; i = xml_next_sibling(i, item)) {
            size_t n;
            const char *s = xml_text(i, &p->scratch, &n);
            if (n == 0)
                continue;
            buf_clear(&p->join);
            if (buf_printf(&p->join, "%s: ", label) || buf_append(&p->join, s, n))
                return nomem(p);
            TRY(add(p, KD_PROP_NOTES, entity_add_text, p->join.data, p->join.len, i, item));
        }
    return KD_OK;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* True when a haystack of n bytes holds needle, ignoring ASCII case. */
static bool contains(const char *s, size_t n, const char *needle)
{
    for (size_t i = 0, k = strlen(needle); i + k <= n; i++)
        if (strncasecmp(s + i, needle, k) == 0)
            return true;
    return false;
}

/* True when s holds word (case as given) with no letter on either side:
 * "INN 7702070139" but not "Innovation". */
static bool has_word(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, word, k) == 0 && (i == 0 || !isalpha((unsigned char)s[i - 1])) &&
            (i + k == n || !isalpha((unsigned char)s[i + k])))
            return true;
    return false;
}

/* ---- adders: xml_adder functions for the values that need reading -------- */

/* A day or month the FCDO does not know is written as letters ("dd",
 * "mm"), where OFSI wrote "00"; both are read. */
static bool unknown_part(const char *s)
{
    return (isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1])) ||
           (s[0] == '0' && s[1] == '0');
}

/* dd/mm/yyyy: "dd/mm/1945" is the year 1945 alone, "dd/05/1960" May 1960;
 * anything else goes through the common date reader. */
static int add_date(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    if (n == 10 && s[2] == '/' && s[5] == '/' && all_digits(s + 6, 4) && unknown_part(s)) {
        if (unknown_part(s + 3))
            return entity_add(e, prop, s + 6, 4);
        int month = (s[3] - '0') * 10 + (s[4] - '0');
        if (all_digits(s + 3, 2) && month >= 1 && month <= 12) {
            char iso[8];
            snprintf(iso, sizeof iso, "%.4s-%.2s", s + 6, s + 3);
            return entity_add(e, prop, iso, 7);
        }
    }
    return entity_add_date(e, prop, s, n);
}

static int add_gender(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    if (n == 4 && strncasecmp(s, "male", 4) == 0)
        return entity_add(e, prop, "male", 4);
    if (n == 6 && strncasecmp(s, "female", 6) == 0)
        return entity_add(e, prop, "female", 6);
    return entity_add(e, prop, s, n);
}

/* "IMO 9562233" or "9562233": the digits, as the OFAC parsers keep them,
 * so one ship's number compares equal across lists. Other text is kept. */
static int add_imo(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    const char *d = s;
    size_t k = n;
    if (text_istarts(d, k, "IMO")) {
        d += 3, k -= 3;
        while (k && (*d == ' ' || *d == ':' || *d == '-' || *d == '.'))
            d++, k--;
    }
    return all_digits(d, k) ? entity_add(e, prop, d, k) : entity_add(e, prop, s, n);
}

/* "Asset freeze|Travel Ban": one provision each. */
static int add_provisions(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    return entity_add_split(e, prop, s, n, "|");
}

static bool email_separator(char c)
{
    return c == ';' || c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* An EmailAddress element may hold several addresses, with words or a web
 * address between them ("Email: a@b.ru; www.c.ru"): a piece with an '@'
 * is an email, one starting "www." or "http" a website; the other pieces
 * are those words, not values. */
static int add_emails(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        while (i < n && email_separator(s[i]))
            i++;
        const char *w = s + i;
        while (i < n && !email_separator(s[i]))
            i++;
        size_t k = (size_t)(s + i - w);
        while (k && w[k - 1] == '.') /* the end of a sentence */
            k--;
        int rc = KD_OK;
        if (k && memchr(w, '@', k))
            rc = entity_add(e, prop, w, k);
        else if (text_istarts(w, k, "www.") || text_istarts(w, k, "http"))
            rc = entity_add(e, KD_PROP_WEBSITE, w, k);
        if (rc)
            return rc;
    }
    return KD_OK;
}

/* ---- parts of a designation ---------------------------------------------- */

static const char *const name_parts[] = {"Name1", "Name2", "Name3", "Name4", "Name5", "Name6"};

/* Appends " part" to p->join when part is not empty. */
static int join_child(fcdo_parser *p, const xmlNode *parent, const char *name, const char *sep)
{
    size_t n;
    const char *s = xml_child_text(parent, name, &p->scratch, &n);
    if (n && ((p->join.len && buf_append_str(&p->join, sep)) || buf_append(&p->join, s, n)))
        return nomem(p);
    return KD_OK;
}

static bool is_primary(fcdo_parser *p, const xmlNode *name)
{
    size_t n;
    const char *t = xml_child_text(name, "NameType", &p->scratch, &n);
    return n == 12 && strncasecmp(t, "Primary Name", 12) == 0;
}

static kd_prop name_prop(fcdo_parser *p, const xmlNode *name)
{
    if (is_primary(p, name))
        return KD_PROP_NAME;
    size_t n;
    const char *t = xml_child_text(name, "NameType", &p->scratch, &n);
    if (contains(t, n, "previous") || contains(t, n, "former") || contains(t, n, "fka") ||
        contains(t, n, "f.k.a"))
        return KD_PROP_PREVIOUS_NAME;
    t = xml_child_text(name, "AliasStrength", &p->scratch, &n);
    return contains(t, n, "low") ? KD_PROP_WEAK_ALIAS : KD_PROP_ALIAS;
}

/* firstName, middleName and lastName of a person's primary name. Only
 * with a Name1: a Name6 alone may be a whole name ("Mullah Mohammad
 * Hassan"), not a surname. */
static int add_name_parts(fcdo_parser *p, const xmlNode *name)
{
    xmlNode *first = xml_child(name, "Name1");
    size_t n;
    xml_text(first, &p->scratch, &n);
    if (n == 0)
        return KD_OK;
    TRY(add_text(p, KD_PROP_FIRST_NAME, entity_add, first));
    buf_clear(&p->join);
    for (size_t i = 1; i < 5; i++)
        TRY(join_child(p, name, name_parts[i], " "));
    TRY(add(p, KD_PROP_MIDDLE_NAME, entity_add, p->join.data, p->join.len, name, "Name2"));
    return add_text(p, KD_PROP_LAST_NAME, entity_add, xml_child(name, "Name6"));
}

static int add_names(fcdo_parser *p, const xmlNode *rec)
{
    bool primary = false;
    for (xmlNode *l = xml_child(rec, "Names"); l && !primary; l = xml_next_sibling(l, "Names"))
        for (xmlNode *m = xml_child(l, "Name"); m && !primary; m = xml_next_sibling(m, "Name"))
            primary = is_primary(p, m);
    bool named = false;
    for (xmlNode *l = xml_child(rec, "Names"); l; l = xml_next_sibling(l, "Names"))
        for (xmlNode *m = xml_child(l, "Name"); m; m = xml_next_sibling(m, "Name")) {
            buf_clear(&p->join);
            const xmlNode *at = NULL;
            for (size_t i = 0; i < KD_ARRAY_LEN(name_parts); i++) {
                size_t before = p->join.len;
                TRY(join_child(p, m, name_parts[i], " "));
                if (!at && p->join.len > before)
                    at = xml_child(m, name_parts[i]);
            }
            if (p->join.len == 0)
                continue;
            kd_prop prop = name_prop(p, m);
            if (!primary && !named) /* no primary name: the first one names it */
                prop = KD_PROP_NAME;
            named = true;
            TRY(add(p, prop, entity_add, p->join.data, p->join.len, at,
                    (const char *)at->name));
            if (prop == KD_PROP_NAME && p->e.schema == KD_SCHEMA_PERSON)
                TRY(add_name_parts(p, m));
        }
    if (!named)
        return error_set(p->err, KD_EPARSE, "%s:%zu: Designation %s: no name in Names/Name",
                         xml_path(p->x), xml_line(rec), p->e.id.data);
    return KD_OK;
}

static int add_address(fcdo_parser *p, const xmlNode *a)
{
    static const char *const parts[] = {"AddressLine1", "AddressLine2", "AddressLine3",
                                        "AddressLine4", "AddressLine5", "AddressLine6",
                                        "AddressPostalCode"};
    buf_clear(&p->join);
    for (size_t i = 0; i < KD_ARRAY_LEN(parts); i++)
        TRY(join_child(p, a, parts[i], ", "));
    if (p->join.len) { /* not for a bare country: that is the country alone */
        TRY(join_child(p, a, "AddressCountry", ", "));
        TRY(add(p, KD_PROP_ADDRESS, entity_add, p->join.data, p->join.len, a, "Address"));
    }
    return add_text(p, KD_PROP_COUNTRY, entity_add_country, xml_child(a, "AddressCountry"));
}

static int add_birth_place(fcdo_parser *p, const xmlNode *loc)
{
    buf_clear(&p->join);
    TRY(join_child(p, loc, "TownOfBirth", ", "));
    TRY(join_child(p, loc, "CountryOfBirth", ", "));
    TRY(add(p, KD_PROP_BIRTH_PLACE, entity_add, p->join.data, p->join.len, loc, "Location"));
    return add_text(p, KD_PROP_BIRTH_COUNTRY, entity_add_country,
                    xml_child(loc, "CountryOfBirth"));
}

/* A passport or national identifier: the number, and what the list adds
 * about it ("Afghanistan passport") as a note naming the number. */
static int add_document(fcdo_parser *p, const xmlNode *doc, const char *number_name,
                        const char *info_name, kd_prop prop, const char *label)
{
    xmlNode *number = xml_child(doc, number_name);
    size_t n;
    const char *s = xml_text(number, &p->scratch, &n);
    TRY(add(p, prop, entity_add, s, n, number, number_name));
    buf_clear(&p->join);
    if (buf_append_str(&p->join, label) || (n && buf_append_char(&p->join, ' ')) ||
        buf_append(&p->join, s, n) || buf_append_str(&p->join, ": "))
        return nomem(p);
    size_t head = p->join.len;
    TRY(join_child(p, doc, info_name, ""));
    if (p->join.len == head)
        return KD_OK;
    return add(p, KD_PROP_NOTES, entity_add_text, p->join.data, p->join.len,
               xml_child(doc, info_name), info_name);
}

static int add_individual(fcdo_parser *p, const xmlNode *ind)
{
    TRY(add_items(p, ind, "DOBs", "DOB", KD_PROP_BIRTH_DATE, add_date));
    TRY(add_items(p, ind, "Nationalities", "Nationality", KD_PROP_NATIONALITY,
                  entity_add_country));
    TRY(add_items(p, ind, "Positions", "Position", KD_PROP_POSITION, entity_add));
    TRY(add_items(p, ind, "Genders", "Gender", KD_PROP_GENDER, add_gender));
    TRY(add_items(p, ind, "Titles", "Title", KD_PROP_TITLE, entity_add));
    TRY(add_each(p, ind, "Title", KD_PROP_TITLE, entity_add));
    for (xmlNode *l = xml_child(ind, "BirthDetails"); l; l = xml_next_sibling(l, "BirthDetails"))
        for (xmlNode *loc = xml_child(l, "Location"); loc; loc = xml_next_sibling(loc, "Location"))
            TRY(add_birth_place(p, loc));
    for (xmlNode *l = xml_child(ind, "PassportDetails"); l;
         l = xml_next_sibling(l, "PassportDetails"))
        for (xmlNode *d = xml_child(l, "Passport"); d; d = xml_next_sibling(d, "Passport"))
            TRY(add_document(p, d, "PassportNumber", "PassportAdditionalInformation",
                             KD_PROP_PASSPORT_NUMBER, "Passport"));
    for (xmlNode *l = xml_child(ind, "NationalIdentifierDetails"); l;
         l = xml_next_sibling(l, "NationalIdentifierDetails"))
        for (xmlNode *d = xml_child(l, "NationalIdentifier"); d;
             d = xml_next_sibling(d, "NationalIdentifier"))
            TRY(add_document(p, d, "NationalIdentifierNumber",
                             "NationalIdentifierAdditionalInformation", KD_PROP_ID_NUMBER,
                             "National identifier"));
    return KD_OK;
}

/* The property a registration number's label names: "Legal Entity
 * Identifier - 9845...", "OGRN 1027739609391", "Tax Identification Number:
 * INN 7702070139". A company or registration number, or a bare number, is
 * a registrationNumber; an identifier of some other register an idNumber. */
static kd_prop registration_prop(const char *label, size_t n)
{
    if (contains(label, n, "legal entity identifier") || has_word(label, n, "LEI"))
        return KD_PROP_LEI_CODE;
    if (has_word(label, n, "INN"))
        return KD_PROP_INN_CODE;
    if (has_word(label, n, "OGRN"))
        return KD_PROP_OGRN_CODE;
    if (contains(label, n, "tax"))
        return KD_PROP_TAX_NUMBER;
    bool bare = true;
    for (size_t i = 0; i < n && bare; i++)
        bare = !isalpha((unsigned char)label[i]);
    if (bare || contains(label, n, "compan") || contains(label, n, "regist"))
        return KD_PROP_REGISTRATION_NUMBER;
    return KD_PROP_ID_NUMBER;
}

/* The first token of letters, digits, '-' and '/' (and '.' between digits)
 * with at least three digits: the number a labelled line carries. */
static bool number_token(const char *s, size_t n, size_t *start, size_t *len)
{
    for (size_t i = 0; i < n;) {
        size_t j = i, digits = 0;
        while (j < n) {
            char c = s[j];
            bool part = isalnum((unsigned char)c) || c == '-' || c == '/' ||
                        (c == '.' && j > i && j + 1 < n && isdigit((unsigned char)s[j - 1]) &&
                         isdigit((unsigned char)s[j + 1]));
            if (!part)
                break;
            digits += isdigit((unsigned char)c) != 0;
            j++;
        }
        while (j > i && (s[j - 1] == '-' || s[j - 1] == '/'))
            j--;
        if (digits >= 3) {
            *start = i, *len = j - i;
            return true;
        }
        i = j > i ? j : i + 1;
    }
    return false;
}

/* BusinessRegistrationNumber holds one number, or lines of "label -
 * number" ("UK Company number - 11655602"). Each line's number goes to
 * the property its label names; when there is more than the number, the
 * text stays as a note, since the labels say which register is meant. */
static int add_registration(fcdo_parser *p, const xmlNode *node)
{
    buf *b = &p->join;
    buf_clear(b);
    if (xml_append_text(b, node))
        return nomem(p);
    const char *all = b->data ? b->data : "";
    size_t all_n = text_trim(&all, b->len);
    bool only_number = false;
    for (size_t i = 0; i < all_n;) {
        size_t end = i;
        while (end < all_n && all[end] != '\n' && all[end] != '\r' && all[end] != ';')
            end++;
        size_t start, len;
        if (number_token(all + i, end - i, &start, &len)) {
            kd_prop prop = registration_prop(all + i, start);
            TRY(add(p, prop, entity_add, all + i + start, len, node, "BusinessRegistrationNumber"));
            only_number = len == all_n;
        }
        i = end + 1;
    }
    if (only_number || all_n == 0)
        return KD_OK;
    /* Move the text to the front so the label fits before it. */
    size_t off = (size_t)(all - (b->data ? b->data : all));
    static const char label[] = "Business registration number: ";
    if (buf_reserve(b, sizeof label))
        return nomem(p);
    memmove(b->data + sizeof label - 1, b->data + off, all_n);
    memcpy(b->data, label, sizeof label - 1);
    b->len = sizeof label - 1 + all_n;
    return add(p, KD_PROP_NOTES, entity_add_text, b->data, b->len, node,
               "BusinessRegistrationNumber");
}

static int add_entity_details(fcdo_parser *p, const xmlNode *ent)
{
    TRY(add_items(p, ent, "TypeOfEntities", "TypeOfEntity", KD_PROP_LEGAL_FORM, entity_add));
    for (xmlNode *l = xml_child(ent, "BusinessRegistrationNumbers"); l;
         l = xml_next_sibling(l, "BusinessRegistrationNumbers"))
        for (xmlNode *r = xml_child(l, "BusinessRegistrationNumber"); r;
             r = xml_next_sibling(r, "BusinessRegistrationNumber"))
            TRY(add_registration(p, r));
    TRY(add_labelled(p, ent, "Subsidiaries", "Subsidiary", "Subsidiary"));
    return add_labelled(p, ent, "ParentCompanies", "ParentCompany", "Parent company");
}

static int add_ship(fcdo_parser *p, const xmlNode *ship)
{
    TRY(add_items(p, ship, "IMONumbers", "IMONumber", KD_PROP_IMO_NUMBER, add_imo));
    TRY(add_items(p, ship, "CurrentOwnerOperators", "CurrentOwnerOperator", KD_PROP_OWNER_NAME,
                  entity_add));
    TRY(add_items(p, ship, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip",
                  KD_PROP_FLAG, entity_add_country));
    TRY(add_items(p, ship, "TypeOfShipDetails", "TypeOfShip", KD_PROP_TYPE, entity_add));
    TRY(add_items(p, ship, "TonnageOfShipDetails", "TonnageOfShip", KD_PROP_TONNAGE, entity_add));
    TRY(add_items(p, ship, "YearsBuilt", "YearBuilt", KD_PROP_BUILD_DATE, entity_add_date));
    TRY(add_labelled(p, ship, "PreviousOwnerOperators", "PreviousOwnerOperator",
                     "Previous owner/operator"));
    TRY(add_labelled(p, ship, "PreviousFlags", "PreviousFlag", "Previous flag"));
    return add_labelled(p, ship, "LengthOfShipDetails", "LengthOfShip", "Length");
}

/* ---- designation ----------------------------------------------------------- */

/* Text for a message: printable ASCII, at most 40 bytes. */
static const char *shown(char out[48], const char *s, size_t n)
{
    size_t k = 0;
    for (; k < n && k < 40; k++)
        out[k] = s[k] >= 0x20 && s[k] < 0x7F ? s[k] : '?';
    out[k] = '\0';
    return out;
}

static int set_id_and_schema(fcdo_parser *p, const xmlNode *rec)
{
    xmlNode *uid = xml_child(rec, "UniqueID");
    size_t n;
    const char *id = xml_text(uid, &p->scratch, &n);
    bool ok = n > 0 && n < 48;
    for (size_t i = 0; i < n && ok; i++)
        ok = isalnum((unsigned char)id[i]) || id[i] == '-' || id[i] == '_' || id[i] == '.';
    if (!ok)
        return error_set(p->err, KD_EPARSE, "%s:%zu: UniqueID: missing or not an id",
                         xml_path(p->x), xml_line(uid ? uid : rec));
    if (entity_set_id(&p->e, "gb-fcdo-%.*s", (int)n, id))
        return nomem(p);
    xmlNode *type = xml_child(rec, "IndividualEntityShip");
    const char *t = xml_text(type, &p->scratch, &n);
    if (n == 10 && strncasecmp(t, "Individual", n) == 0)
        p->e.schema = KD_SCHEMA_PERSON;
    else if (n == 6 && strncasecmp(t, "Entity", n) == 0)
        p->e.schema = KD_SCHEMA_ORGANIZATION;
    else if (n == 4 && strncasecmp(t, "Ship", n) == 0)
        p->e.schema = KD_SCHEMA_VESSEL;
    else {
        char show[48];
        return error_set(p->err, KD_EPARSE,
                         "%s:%zu: IndividualEntityShip: expected Individual, Entity or Ship, not "
                         "\"%s\" (designation %s)",
                         xml_path(p->x), xml_line(type ? type : rec), shown(show, t, n),
                         p->e.id.data);
    }
    return KD_OK;
}

static int add_source(fcdo_parser *p, const xmlNode *c)
{
    size_t n;
    const char *s = xml_text(c, &p->scratch, &n);
    if (n == 0 || (n == 2 && strncasecmp(s, "UK", 2) == 0))
        return KD_OK;
    buf_clear(&p->join);
    if (buf_append_str(&p->join, "Designation source: ") || buf_append(&p->join, s, n))
        return nomem(p);
    return add(p, KD_PROP_NOTES, entity_add, p->join.data, p->join.len, c, "DesignationSource");
}

static int parse_designation(fcdo_parser *p, const xmlNode *rec)
{
    model_entity *e = &p->e;
    entity_reset(e);
    e->dataset = FCDO_DATASET;
    TRY(set_id_and_schema(p, rec));
    TRY(add_names(p, rec));
    for (xmlNode *c = xml_child(rec, NULL); c; c = xml_next_sibling(c, NULL)) {
        const char *name = (const char *)c->name;
        int rc = KD_OK;
        if (strcmp(name, "RegimeName") == 0)
            rc = add_text(p, KD_PROP_PROGRAM, entity_add, c);
        else if (strcmp(name, "UNReferenceNumber") == 0)
            rc = add_text(p, KD_PROP_PROGRAM_ID, entity_add, c);
        else if (strcmp(name, "DateDesignated") == 0)
            rc = add_text(p, KD_PROP_LISTING_DATE, add_date, c);
        else if (strcmp(name, "LastUpdated") == 0)
            rc = add_text(p, KD_PROP_MODIFIED_AT, add_date, c);
        else if (strcmp(name, "SanctionsImposed") == 0)
            rc = add_text(p, KD_PROP_PROVISIONS, add_provisions, c);
        else if (strcmp(name, "UKStatementofReasons") == 0)
            rc = add_text(p, KD_PROP_REASON, entity_add_text, c);
        else if (strcmp(name, "OtherInformation") == 0)
            rc = add_text(p, KD_PROP_NOTES, entity_add_text, c);
        else if (strcmp(name, "DesignationSource") == 0)
            rc = add_source(p, c);
        else if (strcmp(name, "NonLatinNames") == 0) {
            for (xmlNode *l = xml_child(c, "NonLatinName"); l && !rc;
                 l = xml_next_sibling(l, "NonLatinName"))
                rc = add_each(p, l, "NameNonLatinScript", KD_PROP_ALIAS, entity_add);
        } else if (strcmp(name, "Addresses") == 0) {
            for (xmlNode *a = xml_child(c, "Address"); a && !rc; a = xml_next_sibling(a, "Address"))
                rc = add_address(p, a);
        } else if (strcmp(name, "PhoneNumbers") == 0)
            rc = add_each(p, c, "PhoneNumber", KD_PROP_PHONE, entity_add);
        else if (strcmp(name, "EmailAddresses") == 0)
            rc = add_each(p, c, "EmailAddress", KD_PROP_EMAIL, add_emails);
        else if (strcmp(name, "Websites") == 0)
            rc = add_each(p, c, "Website", KD_PROP_WEBSITE, entity_add);
        else if (strcmp(name, "IndividualDetails") == 0) {
            for (xmlNode *i = xml_child(c, "Individual"); i && !rc;
                 i = xml_next_sibling(i, "Individual"))
                rc = add_individual(p, i);
        } else if (strcmp(name, "EntityDetails") == 0) {
            for (xmlNode *i = xml_child(c, "Entity"); i && !rc; i = xml_next_sibling(i, "Entity"))
                rc = add_entity_details(p, i);
        } else if (strcmp(name, "ShipDetails") == 0) {
            for (xmlNode *i = xml_child(c, "Ship"); i && !rc; i = xml_next_sibling(i, "Ship"))
                rc = add_ship(p, i);
        }
        if (rc)
            return rc;
    }
    return add(p, KD_PROP_SOURCE_URL, entity_add, FCDO_SOURCE_URL, strlen(FCDO_SOURCE_URL), rec,
               "sourceUrl");
}

/* xml_each_record's view of parse_designation */
static int each_record(void *ctx, xmlNode *rec)
{
    return parse_designation(ctx, rec);
}

int parse_uk_fcdo_xml(const char *path, const list_sink *sink, kd_error *err)
{
    fcdo_parser p = {.err = err};
    int rc = xml_open(&p.x, path, "Designations", err);
    if (rc)
        return rc;
    entity_init(&p.e);
    static const char *const records[] = {"Designation", NULL};
    rc = xml_each_record(p.x, path, records, each_record, &p, &p.e, sink, NULL, err);
    entity_free(&p.e);
    buf_free(&p.scratch);
    buf_free(&p.join);
    xml_close(p.x);
    return rc;
}
