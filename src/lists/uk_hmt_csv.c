/* UK HM Treasury consolidated list, CSV form: a line "Last Updated,<date>",
 * then the header, then one row per name of a target, tied together by
 * Group ID.
 *
 * Rows of a group are not contiguous (the subset in shared/data has 132 of
 * its 463 groups spread over the file, one over 25 rows), so a group cannot
 * be emitted when the next id starts. Groups are held in a table keyed by
 * Group ID and emitted, in order of first appearance, at the end of the
 * file. That breaks the one-record memory bound on purpose: memory grows
 * with the file, which for this list (the full official file is a few MB)
 * is acceptable, and a limit of HMT_MAX_GROUPS refuses anything absurd.
 *
 * The files are Windows-1252 (0x91/0x92 quotes); the first field with bytes
 * above 0x7F decides between UTF-8 and Windows-1252 for the whole file.
 *
 * Mapping: Group Type Individual → Person, Entity → Organization, Ship →
 * Vessel; Name 1..5 + Name 6 (the surname) in natural order → name for
 * "Prime Alias"/"Primary name", alias for "AKA"/"Primary name variation",
 * previousName for "FKA" (a group without a primary name row gets its first
 * alias as name); DOB → birthDate ("00/00/1969" → 1969); Town + Country of
 * Birth → birthPlace (paired by their "(1) ... (2) ..." numbers) and
 * birthCountry; Nationality → nationality per numbered part; Passport
 * Details → passportNumber (the first number-like token of each part) and
 * the whole text as a note; NI Number → idNumber likewise; Position →
 * position; Title → title; Address 1..6 + Post/Zip Code + Country → address,
 * Country → country; Other Information → notes; Regime → program; Listed On
 * → listingDate; Last Updated → modifiedAt. */
#include "lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HMT_DATASET "gb_hmt_sanctions"
#define HMT_MAX_GROUPS 1000000
#define MAX_PARTS 16

enum {
    H_NAME1, H_NAME2, H_NAME3, H_NAME4, H_NAME5, H_NAME6, H_TITLE, H_DOB, H_TOWN, H_BIRTH_COUNTRY,
    H_NATIONALITY, H_PASSPORT, H_NI, H_POSITION, H_ADDR1, H_ADDR2, H_ADDR3, H_ADDR4, H_ADDR5,
    H_ADDR6, H_POSTCODE, H_COUNTRY, H_OTHER, H_GROUP_TYPE, H_ALIAS_TYPE, H_REGIME, H_LISTED,
    H_UPDATED, H_GROUP_ID, H_COUNT
};

static const char *const header_names[H_COUNT] = {
    "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6", "Title", "DOB", "Town of Birth",
    "Country of Birth", "Nationality", "Passport Details", "NI Number", "Position", "Address 1",
    "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code", "Country",
    "Other Information", "Group Type", "Alias Type", "Regime", "Listed On", "Last Updated",
    "Group ID"};

enum { ENC_UNKNOWN, ENC_UTF8, ENC_CP1252 };

typedef struct parser {
    const char *path;
    csv_reader *csv;
    int encoding;
    size_t line;
    size_t at[H_COUNT];
    buf row;        /* the current row's fields as UTF-8, NUL-separated */
    size_t starts[H_COUNT];
    buf tmp;
    model_entity *groups; /* in order of first appearance */
    size_t n_groups, cap_groups;
    strmap ids; /* Group ID → index in groups; keys are the groups' own ids */
} parser;

static const char *get(const parser *p, int h, size_t *n)
{
    const char *s = p->row.data ? p->row.data + p->starts[h] : "";
    *n = strlen(s);
    *n = text_trim(&s, *n);
    return s;
}

/* Copies the columns we use into p->row, as UTF-8. */
static int decode_row(parser *p, kd_error *err)
{
    buf_clear(&p->row);
    for (int h = 0; h < H_COUNT; h++) {
        size_t n = 0;
        const char *s = p->at[h] != SIZE_MAX ? csv_field(p->csv, p->at[h], &n) : "";
        bool ascii = true;
        for (size_t k = 0; k < n && ascii; k++)
            ascii = (unsigned char)s[k] < 0x80;
        if (!ascii && p->encoding == ENC_UNKNOWN)
            p->encoding = utf8_valid(s, n, NULL) ? ENC_UTF8 : ENC_CP1252;
        if (!ascii && p->encoding == ENC_UTF8 && !utf8_valid(s, n, NULL))
            return error_set(err, KD_EUTF8, "%s:%zu: %s: invalid UTF-8 (the file's first "
                             "non-ASCII text was UTF-8)", p->path, p->line, header_names[h]);
        p->starts[h] = p->row.len;
        int rc = ascii || p->encoding == ENC_UTF8 ? buf_append(&p->row, s, n)
                                                  : buf_append_cp1252(&p->row, s, n);
        if (rc || buf_append_char(&p->row, '\0'))
            return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    }
    return KD_OK;
}

/* The header follows a "Last Updated" line; skip at most a few lines. */
static int read_header(parser *p, kd_error *err)
{
    for (int tries = 0; tries < 5; tries++) {
        int rc = csv_next(p->csv, err);
        if (rc < 0)
            return rc;
        if (rc == 0 && tries == 0)
            return error_set(err, KD_EEMPTY, "%s: no records (the file is empty)", p->path);
        if (rc == 0)
            break;
        p->line = csv_line(p->csv);
        for (int h = 0; h < H_COUNT; h++) {
            p->at[h] = SIZE_MAX;
            for (size_t i = 0; i < csv_field_count(p->csv) && p->at[h] == SIZE_MAX; i++) {
                size_t n;
                const char *s = csv_field(p->csv, i, &n);
                n = text_trim(&s, n);
                if (n == strlen(header_names[h]) && text_istarts(s, n, header_names[h]))
                    p->at[h] = i;
            }
        }
        if (p->at[H_GROUP_ID] == SIZE_MAX)
            continue;
        static const int required[] = {H_NAME6, H_GROUP_TYPE};
        for (size_t k = 0; k < KD_ARRAY_LEN(required); k++)
            if (p->at[required[k]] == SIZE_MAX)
                return error_set(err, KD_EFORMAT, "%s:%zu: the header has no \"%s\" column",
                                 p->path, p->line, header_names[required[k]]);
        return KD_OK;
    }
    return error_set(err, KD_EFORMAT, "%s: no header line with a \"Group ID\" column", p->path);
}

/* ---- groups ------------------------------------------------------------ */

/* The group's entity, created (schema and id set) on first sight. */
static int group_for(parser *p, const char *id, kd_schema schema, model_entity **out, kd_error *err)
{
    size_t n = strlen(id);
    uintptr_t at;
    if (strmap_get(&p->ids, id, n, &at)) {
        *out = &p->groups[at];
        return KD_OK;
    }
    if (p->n_groups >= HMT_MAX_GROUPS)
        return error_set(err, KD_ELIMIT, "%s:%zu: more than %d groups", p->path, p->line,
                         HMT_MAX_GROUPS);
    /* entities hold no pointers into themselves, so the array may move */
    if (vec_reserve(&p->groups, &p->cap_groups, p->n_groups + 1, sizeof *p->groups))
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    model_entity *e = &p->groups[p->n_groups];
    entity_init(e);
    entity_reset(e);
    e->schema = schema;
    e->dataset = HMT_DATASET;
    p->n_groups++; /* entity_free'd with the others from here on */
    /* the key is the group's id buffer, which stays put when groups moves */
    if (buf_append(&e->id, id, n) || strmap_add(&p->ids, e->id.data, n, p->n_groups - 1, NULL) < 0)
        return error_set(err, KD_ENOMEM, "%s: out of memory", p->path);
    *out = e;
    return KD_OK;
}

/* ---- values ------------------------------------------------------------ */

typedef struct part {
    const char *s;
    size_t n;
} part;

/* Reads a "(n)" or "(n)-(m)" marker at s[*i]: the numbers, or false. */
static bool marker(const char *s, size_t n, size_t *i, int *lo, int *hi)
{
    size_t k = *i;
    int nums[2], count = 0;
    while (count < 2 && k + 2 < n && s[k] == '(' && s[k + 1] >= '0' && s[k + 1] <= '9') {
        int v = 0;
        size_t j = k + 1;
        while (j < n && s[j] >= '0' && s[j] <= '9' && j - k <= 2)
            v = v * 10 + (s[j++] - '0');
        if (j >= n || s[j] != ')' || v < 1 || v > MAX_PARTS)
            break;
        nums[count++] = v;
        k = j + 1;
        if (count == 1 && k + 1 < n && s[k] == '-' && s[k + 1] == '(')
            k++;
        else
            break;
    }
    if (count == 0)
        return false;
    *lo = nums[0];
    *hi = nums[count - 1] >= nums[0] ? nums[count - 1] : nums[0];
    *i = k;
    return true;
}

/* Splits "(1) Libyan (2) Tunisian" or "(1)-(2) Tunisia (3) Libya" by its
 * numbers; text without numbers is part 0. Returns how many slots were
 * filled; "-" and empty parts are left empty. */
static size_t numbered_parts(const char *s, size_t n, part out[MAX_PARTS])
{
    memset(out, 0, MAX_PARTS * sizeof *out);
    size_t i = 0;
    int lo, hi;
    if (!marker(s, n, &i, &lo, &hi)) {
        out[0] = (part){s, n};
        return n > 0;
    }
    size_t filled = 0;
    for (;;) {
        size_t start = i, end = i, next = i;
        int nlo = 0, nhi = 0;
        for (; end < n; end++) {
            next = end;
            if (s[end] == '(' && marker(s, n, &next, &nlo, &nhi))
                break;
        }
        const char *t = s + start;
        size_t tn = text_trim(&t, end - start);
        if (tn == 1 && *t == '-')
            tn = 0;
        for (int k = lo; k <= hi && tn; k++)
            if (!out[k - 1].n)
                out[k - 1] = (part){t, tn}, filled = filled > (size_t)k ? filled : (size_t)k;
        if (end >= n)
            return filled;
        i = next, lo = nlo, hi = nhi;
    }
}

/* The first token with at least three digits, before any "issued",
 * "expired" or "valid" that starts the document's dates: "W374031,
 * Tunisian national identity number" → W374031, "national ID
 * no.54201-247561-5" → 54201-247561-5, "(Egypt). Issued 1993" → none. */
static bool number_token(const char *s, size_t n, const char **tok, size_t *tn)
{
    static const char *const stops[] = {"issued", "expire", "valid"};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < KD_ARRAY_LEN(stops); k++)
            if (text_istarts(s + i, n - i, stops[k]))
                n = i;
    for (size_t i = 0; i < n;) {
        size_t j = i, digits = 0;
        while (j < n) {
            char c = s[j];
            bool word = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                        (c >= 'a' && c <= 'z') || c == '-' || c == '/' ||
                        (c == '.' && j > i && j + 1 < n && s[j - 1] >= '0' && s[j - 1] <= '9' &&
                         s[j + 1] >= '0' && s[j + 1] <= '9');
            if (!word)
                break;
            digits += c >= '0' && c <= '9';
            j++;
        }
        while (j > i && (s[j - 1] == '-' || s[j - 1] == '/'))
            j--;
        if (digits >= 3) {
            *tok = s + i;
            *tn = j - i;
            return true;
        }
        i = j > i ? j : i + 1;
    }
    return false;
}

/* Adds every numbered part's document number to prop, and the text as a
 * note when it says more than the number. */
static int add_documents(parser *p, model_entity *e, int h, kd_prop prop, const char *label)
{
    size_t n;
    const char *s = get(p, h, &n);
    if (!n)
        return KD_OK;
    part parts[MAX_PARTS];
    size_t count = numbered_parts(s, n, parts);
    bool only_number = false;
    for (size_t k = 0; k < count; k++) {
        const char *tok;
        size_t tn;
        if (!parts[k].n || !number_token(parts[k].s, parts[k].n, &tok, &tn))
            continue;
        only_number = tn == n;
        int rc = entity_add(e, prop, tok, tn);
        if (rc)
            return rc;
    }
    if (only_number)
        return KD_OK;
    buf_clear(&p->tmp);
    if (buf_printf(&p->tmp, "%s: ", label) || buf_append(&p->tmp, s, n))
        return KD_ENOMEM;
    return entity_add_text(e, KD_PROP_NOTES, p->tmp.data, p->tmp.len);
}

/* dd/mm/yyyy with 00 for an unknown day or month. */
static int add_date(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    char iso[8];
    if (n == 10 && s[2] == '/' && s[5] == '/' && memcmp(s, "00", 2) == 0) {
        if (memcmp(s + 3, "00", 2) == 0)
            return entity_add(e, prop, s + 6, 4);
        snprintf(iso, sizeof iso, "%.4s-%.2s", s + 6, s + 3);
        return entity_add(e, prop, iso, 7);
    }
    return entity_add_date(e, prop, s, n);
}

/* Towns and countries of birth pair up by their numbers, or when each is
 * a single value; otherwise a lone town would be glued to every country. */
static int add_birth_places(parser *p, model_entity *e)
{
    size_t tn, cn;
    const char *town = get(p, H_TOWN, &tn), *country = get(p, H_BIRTH_COUNTRY, &cn);
    part towns[MAX_PARTS], countries[MAX_PARTS];
    size_t nt = numbered_parts(town, tn, towns), nc = numbered_parts(country, cn, countries);
    bool numbered_t = tn && town[0] == '(', numbered_c = cn && country[0] == '(';
    bool pair = numbered_t == numbered_c || !tn || !cn;
    size_t count = nt > nc ? nt : nc;
    int rc = KD_OK;
    for (size_t k = 0; k < count && !rc; k++) {
        part t = towns[k], c = countries[k];
        if (c.n)
            rc = entity_add_country(e, KD_PROP_BIRTH_COUNTRY, c.s, c.n);
        if (!pair) {
            if (!rc && t.n)
                rc = entity_add(e, KD_PROP_BIRTH_PLACE, t.s, t.n);
            continue;
        }
        if (rc || (!t.n && !c.n))
            continue;
        buf_clear(&p->tmp);
        if (buf_append(&p->tmp, t.s ? t.s : "", t.n) ||
            (t.n && c.n && buf_append_str(&p->tmp, ", ")) ||
            buf_append(&p->tmp, c.s ? c.s : "", c.n))
            return KD_ENOMEM;
        rc = entity_add(e, KD_PROP_BIRTH_PLACE, p->tmp.data, p->tmp.len);
    }
    return rc;
}

static int add_address(parser *p, model_entity *e)
{
    static const int parts[] = {H_ADDR1, H_ADDR2, H_ADDR3, H_ADDR4, H_ADDR5, H_ADDR6, H_POSTCODE,
                                H_COUNTRY};
    buf_clear(&p->tmp);
    size_t n;
    for (size_t k = 0; k < KD_ARRAY_LEN(parts); k++) {
        const char *s = get(p, parts[k], &n);
        if (!n || (parts[k] == H_COUNTRY && p->tmp.len == 0)) /* a bare country */
            continue;
        if ((p->tmp.len && buf_append_str(&p->tmp, ", ")) || buf_append(&p->tmp, s, n))
            return KD_ENOMEM;
    }
    const char *s = get(p, H_COUNTRY, &n);
    int rc = entity_add_country(e, KD_PROP_COUNTRY, s, n);
    return rc ? rc : entity_add(e, KD_PROP_ADDRESS, p->tmp.data ? p->tmp.data : "", p->tmp.len);
}

static int add_row(parser *p, model_entity *e, const char **failed)
{
    int rc;
    size_t n;
    const char *s;
#define CHECK(h, call)                                                                         \
    do {                                                                                       \
        if ((rc = (call))) {                                                                   \
            *failed = header_names[h];                                                         \
            return rc;                                                                         \
        }                                                                                      \
    } while (0)
    /* Name 6 is the surname or a whole organisation name: it goes last. */
    buf_clear(&p->tmp);
    for (int h = H_NAME1; h <= H_NAME6; h++) {
        s = get(p, h, &n);
        if (n && ((p->tmp.len && buf_append_char(&p->tmp, ' ')) || buf_append(&p->tmp, s, n)))
            return KD_ENOMEM;
    }
    const char *type = get(p, H_ALIAS_TYPE, &n);
    kd_prop name_prop = KD_PROP_ALIAS;
    if (text_istarts(type, n, "Prime Alias") || (n == 12 && text_istarts(type, n, "Primary name")))
        name_prop = KD_PROP_NAME;
    else if (n == 3 && text_istarts(type, n, "FKA"))
        name_prop = KD_PROP_PREVIOUS_NAME;
    CHECK(H_NAME6, entity_add(e, name_prop, p->tmp.data ? p->tmp.data : "", p->tmp.len));
    static const struct {
        int h;
        kd_prop prop;
    } plain[] = {{H_TITLE, KD_PROP_TITLE}, {H_POSITION, KD_PROP_POSITION},
                 {H_REGIME, KD_PROP_PROGRAM}};
    for (size_t k = 0; k < KD_ARRAY_LEN(plain); k++) {
        s = get(p, plain[k].h, &n);
        CHECK(plain[k].h, entity_add(e, plain[k].prop, s, n));
    }
    part parts[MAX_PARTS];
    s = get(p, H_NATIONALITY, &n);
    size_t count = numbered_parts(s, n, parts);
    for (size_t k = 0; k < count; k++)
        if (parts[k].n)
            CHECK(H_NATIONALITY,
                  entity_add_country(e, KD_PROP_NATIONALITY, parts[k].s, parts[k].n));
    s = get(p, H_DOB, &n);
    count = numbered_parts(s, n, parts);
    for (size_t k = 0; k < count; k++)
        if (parts[k].n)
            CHECK(H_DOB, add_date(e, KD_PROP_BIRTH_DATE, parts[k].s, parts[k].n));
    s = get(p, H_LISTED, &n);
    CHECK(H_LISTED, add_date(e, KD_PROP_LISTING_DATE, s, n));
    s = get(p, H_UPDATED, &n);
    CHECK(H_UPDATED, add_date(e, KD_PROP_MODIFIED_AT, s, n));
    s = get(p, H_OTHER, &n);
    CHECK(H_OTHER, entity_add_text(e, KD_PROP_NOTES, s, n));
    CHECK(H_TOWN, add_birth_places(p, e));
    CHECK(H_PASSPORT, add_documents(p, e, H_PASSPORT, KD_PROP_PASSPORT_NUMBER, "Passport details"));
    CHECK(H_NI, add_documents(p, e, H_NI, KD_PROP_ID_NUMBER, "National identification"));
    CHECK(H_ADDR1, add_address(p, e));
#undef CHECK
    return KD_OK;
}

static int parse_row(parser *p, kd_error *err)
{
    int rc = decode_row(p, err);
    if (rc)
        return rc;
    size_t n;
    const char *gid = get(p, H_GROUP_ID, &n);
    bool ok = n > 0 && n < 48;
    for (size_t i = 0; i < n && ok; i++)
        ok = (gid[i] >= '0' && gid[i] <= '9') || (gid[i] >= 'A' && gid[i] <= 'Z') ||
             (gid[i] >= 'a' && gid[i] <= 'z') || gid[i] == '-';
    if (!ok)
        return error_set(err, KD_EPARSE, "%s:%zu: Group ID: \"%.40s\" is not an id", p->path,
                         p->line, gid);
    const char *type = get(p, H_GROUP_TYPE, &n);
    kd_schema schema;
    if (n == 10 && text_istarts(type, n, "Individual"))
        schema = KD_SCHEMA_PERSON;
    else if (n == 6 && text_istarts(type, n, "Entity"))
        schema = KD_SCHEMA_ORGANIZATION;
    else if (n == 4 && text_istarts(type, n, "Ship"))
        schema = KD_SCHEMA_VESSEL;
    else
        return error_set(err, KD_EPARSE,
                         "%s:%zu: Group Type: expected Individual, Entity or Ship, not \"%.40s\"",
                         p->path, p->line, type);
    char id[64];
    snprintf(id, sizeof id, "gb-hmt-%s", gid);
    model_entity *e = NULL;
    if ((rc = group_for(p, id, schema, &e, err)))
        return rc;
    const char *failed = "row";
    if ((rc = add_row(p, e, &failed)))
        return list_value_error(err, rc, p->path, p->line, failed);
    return KD_OK;
}

static int emit_groups(parser *p, const list_sink *sink, kd_error *err)
{
    for (size_t g = 0; g < p->n_groups; g++) {
        model_entity *e = &p->groups[g];
        /* Only aliases seen (a subset of the file): the first one names it. */
        for (size_t i = 0; i < e->n_values && !entity_first(e, KD_PROP_NAME); i++)
            if (e->values[i].prop == KD_PROP_ALIAS || e->values[i].prop == KD_PROP_PREVIOUS_NAME)
                e->values[i].prop = KD_PROP_NAME;
        if (!entity_first(e, KD_PROP_NAME))
            return error_set(err, KD_EPARSE, "%s: group %s has no name", p->path,
                             e->id.data + strlen("gb-hmt-"));
        int rc = sink->emit(sink->ctx, e, err);
        if (rc)
            return rc;
    }
    return KD_OK;
}

int parse_uk_hmt_csv(const char *path, const list_sink *sink, kd_error *err)
{
    parser p = {.path = path};
    int rc = csv_open(&p.csv, path, ',', err);
    if (rc)
        return rc;
    rc = read_header(&p, err);
    while (rc == KD_OK && (rc = csv_next(p.csv, err)) == 1) {
        p.line = csv_line(p.csv);
        rc = parse_row(&p, err);
    }
    if (rc == KD_OK && p.n_groups == 0)
        rc = error_set(err, KD_EEMPTY, "%s: no records", path);
    if (rc == KD_OK)
        rc = emit_groups(&p, sink, err);
    for (size_t g = 0; g < p.n_groups; g++)
        entity_free(&p.groups[g]);
    free(p.groups);
    strmap_free(&p.ids);
    buf_free(&p.row);
    buf_free(&p.tmp);
    csv_close(p.csv);
    return rc;
}
