/* The OFAC legacy CSV Remarks field: "DOB 12 Jan 1960; POB Tehran, Iran;
 * nationality Iran; Passport A1234 (Iran); a.k.a. 'X'; Linked To: Y." —
 * clauses separated by ';', each a label and a value. The vocabulary below
 * was read off the 2019, 2021 and 2024 releases; a clause it does not know
 * is kept as a note, so new labels lose structure but never data. */
#include "ofac_remarks.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

typedef enum rule_kind {
    R_NOTE,     /* a known clause that is only worth keeping as a note */
    R_TEXT,     /* the value as it stands */
    R_DATE,
    R_COUNTRY,
    R_GENDER,
    R_ID,       /* an identifier, without "(Country)", "issued ...", "expires ..." */
    R_TAX,      /* R_ID; a Russian one is also an INN */
    R_REG,      /* R_ID; a Russian one of 13 or 15 digits is also an OGRN */
    R_IMO,      /* the digits of an IMO number */
    R_POSITION, /* a person's position; a note for anything else */
    R_ALIAS,    /* a quoted name */
} rule_kind;

typedef struct rule {
    const char *label;
    size_t len;
    rule_kind kind;
    kd_prop prop;
} rule;

#define R(label, kind, prop) {label, sizeof label - 1, kind, KD_PROP_##prop}

/* Labels match case-insensitively (OFAC writes "Phone", "PHONE", "phone")
 * and the longest wins, so "Identification Number IMO" beats
 * "Identification Number". */
static const rule rules[] = {
    R("DOB", R_DATE, BIRTH_DATE),
    R("POB", R_TEXT, BIRTH_PLACE),
    R("nationality", R_COUNTRY, NATIONALITY),
    R("citizen", R_COUNTRY, CITIZENSHIP),
    R("citizenship", R_COUNTRY, CITIZENSHIP),
    R("Gender", R_GENDER, GENDER),
    R("Title", R_POSITION, POSITION),
    R("Alternate Title", R_POSITION, POSITION),
    /* In the legacy files the Remarks hold exactly OFAC's "weak" AKAs (the
     * strong ones are in alt.csv); OFAC does not expect them to be screened. */
    R("a.k.a.", R_ALIAS, WEAK_ALIAS),
    R("n.k.a.", R_ALIAS, WEAK_ALIAS),
    R("f.k.a.", R_ALIAS, PREVIOUS_NAME),

    R("Passport", R_ID, PASSPORT_NUMBER),
    R("Passport No.", R_ID, PASSPORT_NUMBER),
    R("Passport Booklet", R_ID, PASSPORT_NUMBER),
    R("Diplomatic Passport", R_ID, PASSPORT_NUMBER),
    R("Stateless Person Passport", R_ID, PASSPORT_NUMBER),
    R("British National Overseas Passport", R_ID, PASSPORT_NUMBER),
    R("Travel Document Number", R_ID, PASSPORT_NUMBER),

    R("National ID No.", R_ID, ID_NUMBER),
    R("Cedula No.", R_ID, ID_NUMBER),
    R("Identification Number", R_ID, ID_NUMBER),
    R("C.U.R.P.", R_ID, ID_NUMBER),
    R("D.N.I.", R_ID, ID_NUMBER),
    R("Personal ID Card", R_ID, ID_NUMBER),
    R("Birth Certificate Number", R_ID, ID_NUMBER),
    R("Electoral Registry No.", R_ID, ID_NUMBER),
    R("Credencial electoral", R_ID, ID_NUMBER),
    R("Citizen's Card Number", R_ID, ID_NUMBER),
    R("Numero de Identidad", R_ID, ID_NUMBER),
    R("Turkish Identification Number", R_ID, ID_NUMBER),
    R("Turkish Identificiation Number", R_ID, ID_NUMBER), /* sic, in the data */
    R("Kenyan ID No.", R_ID, ID_NUMBER),
    R("I.F.E.", R_ID, ID_NUMBER),
    R("C.U.I.P.", R_ID, ID_NUMBER),
    R("C.U.I.", R_ID, ID_NUMBER),
    R("Residency Number", R_ID, ID_NUMBER),
    R("Driver's License No.", R_ID, ID_NUMBER),
    R("Cartilla de Servicio Militar Nacional", R_ID, ID_NUMBER),
    R("National Foreign ID Number", R_ID, ID_NUMBER),
    R("SSN", R_ID, ID_NUMBER),
    R("Refugee ID Card", R_ID, ID_NUMBER),
    R("Stateless Person ID Card", R_ID, ID_NUMBER),
    R("N.I.E.", R_ID, ID_NUMBER),
    R("CNP (Personal Numerical Code)", R_ID, ID_NUMBER),
    R("Tazkira National ID Card", R_ID, ID_NUMBER),
    R("UAE Identification", R_ID, ID_NUMBER),
    R("Bosnian Personal ID No.", R_ID, ID_NUMBER),
    R("Moroccan Personal ID No.", R_ID, ID_NUMBER),
    R("Immigration No.", R_ID, ID_NUMBER),
    R("VisaNumberID", R_ID, ID_NUMBER),
    R("Pilot License Number", R_ID, ID_NUMBER),
    R("Romanian Permanent Resident CAN", R_ID, ID_NUMBER),
    R("Public Security and Immigration No.", R_ID, ID_NUMBER),
    R("Permit Number", R_ID, ID_NUMBER),
    R("SRE Permit No.", R_ID, ID_NUMBER),
    R("Military Registration Number", R_ID, ID_NUMBER),
    R("Seafarer's Identification Document", R_ID, ID_NUMBER),

    R("Tax ID No.", R_TAX, TAX_NUMBER),
    R("NIT #", R_TAX, TAX_NUMBER),
    R("R.F.C.", R_TAX, TAX_NUMBER),
    R("RFC", R_TAX, TAX_NUMBER),
    R("RUC #", R_TAX, TAX_NUMBER),
    R("RIF #", R_TAX, TAX_NUMBER),
    R("US FEIN", R_TAX, TAX_NUMBER),
    R("C.U.I.T.", R_TAX, TAX_NUMBER),
    R("C.I.F.", R_TAX, TAX_NUMBER),
    R("N.I.F.", R_TAX, TAX_NUMBER),
    R("RTN", R_TAX, TAX_NUMBER),
    R("Fiscal Code", R_TAX, TAX_NUMBER),
    R("Italian Fiscal Code", R_TAX, TAX_NUMBER),
    R("Romanian Tax Registration", R_TAX, TAX_NUMBER),
    R("Numero Unico de Identificacao Tributaria (NUIT)", R_TAX, TAX_NUMBER),
    R("Paraguayan tax identification number", R_TAX, TAX_NUMBER),
    R("V.A.T. Number", R_ID, VAT_CODE),

    R("Registration Number", R_REG, REGISTRATION_NUMBER),
    R("Registration ID", R_REG, REGISTRATION_NUMBER),
    R("Business Registration Number", R_REG, REGISTRATION_NUMBER),
    R("Business Registration Document #", R_REG, REGISTRATION_NUMBER),
    R("Company Number", R_REG, REGISTRATION_NUMBER),
    R("UK Company Number", R_REG, REGISTRATION_NUMBER),
    R("Commercial Registry Number", R_REG, REGISTRATION_NUMBER),
    R("Matricula Mercantil No", R_REG, REGISTRATION_NUMBER),
    R("Folio Mercantil No.", R_REG, REGISTRATION_NUMBER),
    R("C.R. No.", R_REG, REGISTRATION_NUMBER),
    R("Romanian C.R.", R_REG, REGISTRATION_NUMBER),
    R("Trade License No.", R_REG, REGISTRATION_NUMBER),
    R("Chamber of Commerce Number", R_REG, REGISTRATION_NUMBER),
    R("Dubai Chamber of Commerce Membership No.", R_REG, REGISTRATION_NUMBER),
    R("Istanbul Chamber of Comm. No.", R_REG, REGISTRATION_NUMBER),
    R("Legal Entity Number", R_REG, REGISTRATION_NUMBER),
    R("Economic Register Number (CBLS)", R_REG, REGISTRATION_NUMBER),
    R("Public Registration Number", R_REG, REGISTRATION_NUMBER),
    R("Certificate of Incorporation Number", R_REG, REGISTRATION_NUMBER),
    R("Enterprise Number", R_REG, REGISTRATION_NUMBER),
    R("Business Number", R_REG, REGISTRATION_NUMBER),
    R("Unified Social Credit Code (USCC)", R_REG, REGISTRATION_NUMBER),
    R("United Social Credit Code Certificate (USCCC)", R_REG, REGISTRATION_NUMBER),
    R("Central Registration System Number", R_REG, REGISTRATION_NUMBER),
    R("Registered Charity No.", R_REG, REGISTRATION_NUMBER),
    R("LE Number", R_REG, REGISTRATION_NUMBER),
    R("Branch Unit Number", R_REG, REGISTRATION_NUMBER),
    R("D-U-N-S Number", R_REG, REGISTRATION_NUMBER),
    R("License", R_REG, REGISTRATION_NUMBER),
    R("Afghan Money Service Provider License Number", R_REG, REGISTRATION_NUMBER),
    R("BIK (RU)", R_REG, REGISTRATION_NUMBER),
    R("File Number", R_REG, REGISTRATION_NUMBER),
    R("Organization Code", R_REG, REGISTRATION_NUMBER),
    R("Registration Certificate Number", R_REG, REGISTRATION_NUMBER),
    R("MSB Registration Number", R_REG, REGISTRATION_NUMBER),
    R("Tourism License No.", R_REG, REGISTRATION_NUMBER),
    R("Russian State Individual Business Registration Number Pattern (OGRNIP)", R_REG,
      REGISTRATION_NUMBER),
    /* Russian entities: this is their OKPO code. */
    R("Government Gazette Number", R_ID, OKPO_CODE),
    R("SWIFT/BIC", R_ID, SWIFT_BIC),
    R("ISIN", R_ID, ISIN),
    R("Identification Number ISIN", R_ID, ISIN),

    R("Vessel Registration Identification", R_IMO, IMO_NUMBER),
    R("Identification Number IMO", R_IMO, IMO_NUMBER),
    R("Company Number IMO", R_IMO, IMO_NUMBER),
    R("International Maritime Organization No.", R_IMO, IMO_NUMBER),
    R("MMSI", R_ID, MMSI),
    R("Other Vessel Call Sign", R_TEXT, CALL_SIGN),
    R("Other Vessel Flag", R_COUNTRY, FLAG),
    R("Nationality of Registration", R_COUNTRY, FLAG),
    R("Other Vessel Type", R_TEXT, TYPE),
    R("Vessel Year of Build", R_DATE, BUILD_DATE),
    R("Aircraft Manufacture Date", R_DATE, BUILD_DATE),
    R("Aircraft Model", R_TEXT, MODEL),
    R("Aircraft Manufacturer's Serial Number (MSN)", R_ID, SERIAL_NUMBER),
    R("Aircraft Serial Identification", R_ID, SERIAL_NUMBER),
    R("Aircraft Construction Number (also called L/N or S/N or F/N)", R_ID, SERIAL_NUMBER),
    R("Aircraft Tail Number", R_REG, REGISTRATION_NUMBER),

    R("Organization Established Date", R_DATE, INCORPORATION_DATE),
    R("Organization Type", R_TEXT, SECTOR),
    R("Email Address", R_TEXT, EMAIL),
    R("Email", R_TEXT, EMAIL),
    R("Website", R_TEXT, WEBSITE),
    R("Telephone", R_TEXT, PHONE),
    R("Telephone No.", R_TEXT, PHONE),
    R("Telephone Number", R_TEXT, PHONE),
    R("Phone", R_TEXT, PHONE),
    R("Phone No.", R_TEXT, PHONE),
    R("Phone Number", R_TEXT, PHONE),

    /* Known, but only notes; listed so that a ';' inside a quoted name is
     * told apart from one that starts such a clause. */
    R("Linked To", R_NOTE, NOTES),
    R("Additional Sanctions Information", R_NOTE, NOTES),
    R("Secondary sanctions risk", R_NOTE, NOTES),
    R("Transactions Prohibited For Persons", R_NOTE, NOTES),
    R("Digital Currency Address", R_NOTE, NOTES),
    R("Executive Order", R_NOTE, NOTES),
    R("Listing Date", R_NOTE, NOTES),
    R("Effective Date", R_NOTE, NOTES),
    R("CAATSA Section", R_NOTE, NOTES),
    R("IFCA Determination", R_NOTE, NOTES),
    R("Target Type", R_NOTE, NOTES),
    R("Aircraft Operator", R_NOTE, NOTES),
    R("Previous Aircraft Tail Number", R_NOTE, NOTES),
    R("Former Vessel Flag", R_NOTE, NOTES),
    R("Fax", R_NOTE, NOTES),
    R("Chinese Commercial Code", R_NOTE, NOTES),
};

/* Skips an "alt. " prefix ("alt. DOB", "Alt. Fax:"). */
static size_t skip_alt(const char *s, size_t n)
{
    return n > 5 && strncasecmp(s, "alt. ", 5) == 0 ? 5 : 0;
}

static const rule *match_rule(const char *s, size_t n)
{
    const rule *best = NULL;
    if (n == 0)
        return NULL;
    int first = tolower((unsigned char)s[0]);
    for (size_t i = 0; i < KD_ARRAY_LEN(rules); i++) {
        const rule *r = &rules[i];
        if (r->len > n || tolower((unsigned char)r->label[0]) != first ||
            (best && r->len <= best->len) || strncasecmp(s, r->label, r->len) != 0)
            continue;
        /* "DOB" must not match "DOBRINJA": the label ends at a word end. */
        unsigned char next = r->len < n ? (unsigned char)s[r->len] : ' ';
        unsigned char last = (unsigned char)r->label[r->len - 1];
        if (isalnum(last) && (isalnum(next) || next >= 0x80))
            continue;
        best = r;
    }
    return best;
}

static const char *find(const char *s, size_t n, const char *pat)
{
    size_t k = strlen(pat);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (s[i] == pat[0] && memcmp(s + i, pat, k) == 0)
            return s + i;
    return NULL;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* The identifier in "A1234 (Iran) issued 01 Jan 2000 expires 2010". */
static size_t id_length(const char *v, size_t n)
{
    static const char *const stops[] = {" (",        " issued",  ", issued", " expire",
                                        ", expire",  ", Issue ", " Issue Date"};
    size_t end = n;
    for (size_t i = 0; i < KD_ARRAY_LEN(stops); i++) {
        const char *p = find(v, end, stops[i]);
        if (p)
            end = (size_t)(p - v);
    }
    while (end && (v[end - 1] == ',' || v[end - 1] == ' '))
        end--;
    return end;
}

static int add_note(model_entity *e, const char *s, size_t n)
{
    return entity_add(e, KD_PROP_NOTES, s, n);
}

static int add_id(model_entity *e, const rule *r, const char *clause, size_t cn, const char *v,
                  size_t n)
{
    if (n && v[0] == '(') { /* "International Maritime Organization No. (5777731)" */
        const char *close = memchr(v, ')', n);
        size_t k = close ? (size_t)(close - v) : n;
        v++, n = k - 1;
    } else {
        n = id_length(v, n);
    }
    /* "Passport issued in Sarajevo, ...": words, not an identifier. */
    bool digit = false;
    for (size_t i = 0; i < n && !digit; i++)
        digit = isdigit((unsigned char)v[i]);
    if (n == 0 || (!digit && islower((unsigned char)v[0])))
        return add_note(e, clause, cn);
    int rc = entity_add(e, r->prop, v, n);
    if (rc || !(r->kind == R_TAX || r->kind == R_REG) || !find(clause, cn, "(Russia)") ||
        !all_digits(v, n))
        return rc;
    /* OFAC does not label Russian codes, but their lengths tell them apart. */
    if (r->kind == R_TAX && (n == 10 || n == 12))
        return entity_add(e, KD_PROP_INN_CODE, v, n);
    if (r->kind == R_REG && (n == 13 || n == 15))
        return entity_add(e, KD_PROP_OGRN_CODE, v, n);
    return KD_OK;
}

static int add_alias(model_entity *e, kd_prop prop, const char *v, size_t n)
{
    if (n >= 2 && v[n - 1] == '.' && v[n - 2] == '\'')
        n--;
    if (n && v[0] == '\'') {
        v++, n--;
        if (n && v[n - 1] == '\'')
            n--;
    }
    return ofac_add_name(e, prop, v, n, e->schema == KD_SCHEMA_PERSON, false);
}

static int apply_clause(model_entity *e, const char *s, size_t n)
{
    n = text_trim(&s, n);
    if (n == 0)
        return KD_OK;
    size_t alt = skip_alt(s, n);
    const rule *r = match_rule(s + alt, n - alt);
    if (!r || r->kind == R_NOTE)
        return add_note(e, s, n);
    const char *v = s + alt + r->len;
    size_t vn = n - alt - r->len;
    while (vn && (*v == ' ' || *v == ':' || *v == ',' || *v == '#'))
        v++, vn--;
    if (vn == 0)
        return add_note(e, s, n);
    switch (r->kind) {
    case R_TEXT: return entity_add(e, r->prop, v, vn);
    case R_DATE: return entity_add_date(e, r->prop, v, vn);
    case R_COUNTRY: return entity_add_country(e, r->prop, v, vn);
    case R_GENDER:
        if (text_istarts(v, vn, "female"))
            return entity_add_str(e, r->prop, "female");
        if (text_istarts(v, vn, "male"))
            return entity_add_str(e, r->prop, "male");
        return add_note(e, s, n);
    case R_ID:
    case R_TAX:
    case R_REG: return add_id(e, r, s, n, v, vn);
    case R_IMO: {
        size_t i = 0, k;
        while (i < vn && !isdigit((unsigned char)v[i]))
            i++;
        for (k = i; k < vn && isdigit((unsigned char)v[k]);)
            k++;
        return k > i ? entity_add(e, r->prop, v + i, k - i) : add_note(e, s, n);
    }
    case R_POSITION:
        return e->schema == KD_SCHEMA_PERSON ? entity_add(e, r->prop, v, vn) : add_note(e, s, n);
    case R_ALIAS: return add_alias(e, r->prop, v, vn);
    case R_NOTE: break;
    }
    return add_note(e, s, n);
}

/* Where a clause that starts at s ends. A ';' normally does it, but a quoted
 * alias may hold one ('A; B') and its quotes cannot be paired because names
 * hold apostrophes ('ABU 'ABD AL-'AZIZ'). So inside an alias a ';' ends the
 * clause only after a closing quote or before a clause we recognise. */
static size_t clause_length(const char *s, size_t n)
{
    const char *semi = memchr(s, ';', n);
    size_t plain = semi ? (size_t)(semi - s) : n;
    size_t alt = skip_alt(s, n);
    const rule *r = match_rule(s + alt, n - alt);
    if (!r || r->kind != R_ALIAS)
        return plain;
    size_t q = alt + r->len;
    while (q < n && s[q] == ' ')
        q++;
    if (q >= n || s[q] != '\'')
        return plain;
    for (size_t i = q + 1; i < n; i++) {
        if (s[i] != ';')
            continue;
        size_t k = i;
        if (k > q + 1 && s[k - 1] == '.')
            k--;
        if (k > q + 1 && s[k - 1] == '\'')
            return i;
        size_t j = i + 1;
        while (j < n && s[j] == ' ')
            j++;
        size_t a = skip_alt(s + j, n - j);
        if (match_rule(s + j + a, n - j - a))
            return i;
    }
    return n;
}

/* OFAC ends the Remarks with '.', unless the last clause already ends with
 * one ("Linked To: X S.A."). Keep a dot that closes an abbreviation: every
 * dot-separated piece of the last word is 1-3 letters (S.A., LTD., Jr.). */
static size_t strip_final_dot(const char *s, size_t n)
{
    if (n == 0 || s[n - 1] != '.')
        return n;
    size_t start = n - 1;
    while (start && s[start - 1] != ' ')
        start--;
    size_t piece = 0;
    for (size_t i = start; i < n - 1; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (piece == 0)
                return n - 1;
            piece = 0;
        } else if (!isalpha(c) || ++piece > 3) {
            return n - 1;
        }
    }
    return piece ? n : n - 1;
}

int ofac_remarks_apply(model_entity *e, const char *s, size_t n, bool truncated)
{
    n = text_trim(&s, n);
    if (!truncated)
        n = strip_final_dot(s, n);
    size_t pos = 0;
    while (pos < n) {
        while (pos < n && s[pos] == ' ')
            pos++;
        size_t len = clause_length(s + pos, n - pos);
        int rc = truncated && pos + len >= n ? add_note(e, s + pos, len)
                                             : apply_clause(e, s + pos, len);
        if (rc)
            return rc;
        pos += len + 1;
    }
    return KD_OK;
}

static bool is_suffix(const char *s, size_t n)
{
    static const char *const suffixes[] = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"};
    for (size_t i = 0; i < KD_ARRAY_LEN(suffixes); i++)
        if (strlen(suffixes[i]) == n && strncasecmp(s, suffixes[i], n) == 0)
            return true;
    return false;
}

int ofac_add_name(model_entity *e, kd_prop prop, const char *s, size_t n, bool person, bool parts)
{
    n = text_trim(&s, n);
    const char *comma = person ? memchr(s, ',', n) : NULL;
    const char *last = s;
    size_t last_len = comma ? text_trim(&last, (size_t)(comma - s)) : 0;
    /* A name of absurd length is kept as it is rather than reordered, so
     * this never needs the heap. */
    char first[512], suffix[64];
    if (!comma || last_len == 0 || n >= sizeof first)
        return entity_add(e, prop, s, n);
    size_t first_len = 0, suffix_len = 0;
    const char *p = comma + 1, *end = s + n;
    while (p < end) {
        const char *q = memchr(p, ',', (size_t)(end - p));
        if (!q)
            q = end;
        const char *part = p;
        size_t k = text_trim(&part, (size_t)(q - p));
        bool suf = is_suffix(part, k) && suffix_len + k + 1 < sizeof suffix;
        char *dst = suf ? suffix : first;
        size_t *len = suf ? &suffix_len : &first_len;
        if (k) {
            if (*len)
                dst[(*len)++] = ' ';
            memcpy(dst + *len, part, k);
            *len += k;
        }
        p = q + 1;
    }
    /* first_len + last_len <= n < sizeof first, so this cannot overflow. */
    char full[sizeof first + sizeof suffix + 2];
    size_t full_len = first_len;
    memcpy(full, first, first_len);
    if (full_len)
        full[full_len++] = ' ';
    memcpy(full + full_len, last, last_len);
    full_len += last_len;
    if (suffix_len) {
        full[full_len++] = ' ';
        memcpy(full + full_len, suffix, suffix_len);
        full_len += suffix_len;
    }
    int rc = entity_add(e, prop, full, full_len);
    if (rc == KD_OK && parts && first_len)
        rc = entity_add(e, KD_PROP_FIRST_NAME, first, first_len);
    if (rc == KD_OK && parts)
        rc = entity_add(e, KD_PROP_LAST_NAME, last, last_len);
    return rc;
}
