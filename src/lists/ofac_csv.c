/* OFAC SDN "legacy" CSV set: sdn.csv and, beside it, alt.csv (other names),
 * add.csv (addresses) and sdn_comments.csv (the rest of Remarks that OFAC
 * cut at 1000 characters). No header, "-0-" for an empty field,
 * Windows-1252 bytes.
 *
 * All four files are sorted by ent_num (checked on the 2019, 2021 and 2024
 * releases), so the companions are merge-walked alongside sdn.csv, one row
 * of each held at a time: memory stays bounded by one record. Should a
 * release ever break that order, the parse fails with the line rather than
 * silently dropping names. Companions are optional (versions/ofac-2024-05
 * has sdn.csv alone) and are only looked for next to a file named sdn.csv,
 * so a stray alt.csv in some shared directory is never picked up. */
#include "lists.h"
#include "ofac_remarks.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define DATASET "us_ofac_sdn"

enum {
    F_ENT, F_NAME, F_TYPE, F_PROGRAM, F_TITLE, F_CALL_SIGN, F_VESS_TYPE,
    F_TONNAGE, F_GRT, F_VESS_FLAG, F_VESS_OWNER, F_REMARKS, SDN_FIELDS
};

static const char *const sdn_columns[SDN_FIELDS] = {
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
    "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks"};

typedef struct companion {
    const char *file;    /* lower-case name; upper-cased beside an SDN.CSV */
    const char *columns; /* for messages */
    size_t fields;
    csv_reader *r;       /* NULL when the file is absent */
    unsigned long ent;   /* ent_num of the current row */
    bool has_row;
} companion;

typedef struct ofac_parser {
    const char *path;
    csv_reader *sdn;
    companion alt, add, comments;
    model_entity e;
    buf value;   /* the field at hand, as UTF-8 */
    buf joined;  /* an address being joined, the raw Remarks */
} ofac_parser;

/* For messages: at most 40 bytes of a field, non-printables as '?'. */
static const char *shown(char out[48], const char *s)
{
    size_t i = 0;
    for (; s[i] && i < 40; i++)
        out[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
    out[i] = '\0';
    return out;
}

static bool is_empty(const char *s, size_t n)
{
    n = text_trim(&s, n);
    /* "-0" is what the 2019 add.csv ends with: cut inside its last "-0-". */
    return n == 0 || (n == 3 && memcmp(s, "-0-", 3) == 0) || (n == 2 && memcmp(s, "-0", 2) == 0);
}

/* Converts bytes to UTF-8 into out (empty for "-0-"). OFAC writes
 * Windows-1252; a field that is already valid UTF-8 (a re-saved file) is
 * taken as it is, since Windows-1252 text almost never forms valid
 * multi-byte sequences. */
static int to_utf8(buf *out, const char *s, size_t n)
{
    buf_clear(out);
    if (is_empty(s, n))
        return buf_append(out, "", 0);
    if (utf8_valid(s, n, NULL))
        return buf_append(out, s, n);
    return buf_append_cp1252(out, s, n);
}

static int field_utf8(ofac_parser *p, csv_reader *r, size_t i)
{
    size_t n;
    const char *s = csv_field(r, i, &n);
    return to_utf8(&p->value, s, n);
}

static int parse_ent(csv_reader *r, unsigned long *out, kd_error *err)
{
    const char *raw = csv_field(r, 0, NULL), *s = raw;
    size_t n = text_trim(&s, strlen(raw));
    bool ok = n > 0 && n <= 9;
    for (size_t i = 0; ok && i < n; i++)
        ok = isdigit((unsigned char)s[i]);
    char tmp[48];
    if (!ok)
        return error_set(err, KD_EPARSE, "%s:%zu: ent_num: not a number: \"%s\"", csv_path(r),
                         csv_line(r), shown(tmp, raw));
    *out = strtoul(s, NULL, 10);
    return KD_OK;
}

static int check_fields(csv_reader *r, size_t want, const char *columns, kd_error *err)
{
    size_t got = csv_field_count(r);
    if (got == want)
        return KD_OK;
    return error_set(err, KD_EPARSE, "%s:%zu: expected %zu fields (%s), found %zu", csv_path(r),
                     csv_line(r), want, columns, got);
}

static int companion_next(companion *c, kd_error *err)
{
    unsigned long prev = c->ent;
    int rc = csv_next(c->r, err);
    c->has_row = rc == 1;
    if (rc <= 0)
        return rc;
    if ((rc = check_fields(c->r, c->fields, c->columns, err)) ||
        (rc = parse_ent(c->r, &c->ent, err)))
        return rc;
    if (c->ent < prev)
        return error_set(err, KD_EPARSE,
                         "%s:%zu: ent_num %lu follows %lu: the file must be sorted by ent_num, "
                         "as OFAC publishes it, to be read with sdn.csv",
                         csv_path(c->r), csv_line(c->r), c->ent, prev);
    return KD_OK;
}

static int companion_open(companion *c, const char *dir, int dir_len, bool upper, kd_error *err)
{
    char name[32], path[4096];
    size_t k = 0;
    for (; c->file[k] && k < sizeof name - 1; k++)
        name[k] = upper ? (char)toupper((unsigned char)c->file[k]) : c->file[k];
    name[k] = '\0';
    int n = snprintf(path, sizeof path, "%.*s%s", dir_len, dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return error_set(err, KD_ELIMIT, "%.*s: path too long", dir_len, dir);
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return KD_OK;
        return error_set(err, KD_EIO, "%s: %s", path, strerror(errno));
    }
    int rc = csv_open(&c->r, path, ',', err);
    return rc ? rc : companion_next(c, err);
}

/* Moves c past rows of entries that sdn.csv does not have (the 2019
 * sdn_comments.csv holds some) up to those of ent. */
static int companion_seek(companion *c, unsigned long ent, kd_error *err)
{
    while (c->r && c->has_row && c->ent < ent) {
        int rc = companion_next(c, err);
        if (rc < 0)
            return rc;
    }
    return KD_OK;
}

static bool companion_here(const companion *c, unsigned long ent)
{
    return c->r && c->has_row && c->ent == ent;
}

static int apply_alt(ofac_parser *p, kd_error *err)
{
    csv_reader *r = p->alt.r;
    const char *type = csv_field(r, 2, NULL);
    size_t tn = strlen(type);
    tn = text_trim(&type, tn);
    kd_prop prop = tn == 3 && strncasecmp(type, "fka", 3) == 0 ? KD_PROP_PREVIOUS_NAME
                                                                : KD_PROP_ALIAS;
    int rc = field_utf8(p, r, 3);
    if (rc == KD_OK)
        rc = ofac_add_name(&p->e, prop, p->value.data, p->value.len,
                           p->e.schema == KD_SCHEMA_PERSON, false);
    if (rc)
        return list_value_error(err, rc, csv_path(r), csv_line(r), "alt_name");
    if ((rc = field_utf8(p, r, 4)) || (rc = entity_add(&p->e, KD_PROP_NOTES, p->value.data,
                                                       p->value.len)))
        return list_value_error(err, rc, csv_path(r), csv_line(r), "alt_remarks");
    return KD_OK;
}

static int apply_add(ofac_parser *p, kd_error *err)
{
    csv_reader *r = p->add.r;
    static const char *const columns[] = {"", "", "address", "city/state/postal", "country",
                                          "add_remarks"};
    size_t i = 2;
    int rc = KD_OK;
    buf_clear(&p->joined);
    for (; i <= 4; i++) {
        if ((rc = field_utf8(p, r, i)))
            goto fail;
        if (p->value.len == 0)
            continue;
        if ((p->joined.len && (rc = buf_append(&p->joined, ", ", 2))) ||
            (rc = buf_append(&p->joined, p->value.data, p->value.len)))
            goto fail;
    }
    i = 2;
    /* A row with only a country ("-0- ,-0- ,Cuba") gives a country, not an
     * address. */
    bool only_country = p->value.len == p->joined.len;
    if (!only_country &&
        (rc = entity_add(&p->e, KD_PROP_ADDRESS, p->joined.data, p->joined.len)))
        goto fail;
    i = 4; /* p->value still holds the country */
    if ((rc = entity_add_country(&p->e, KD_PROP_COUNTRY, p->value.data, p->value.len)))
        goto fail;
    i = 5;
    if ((rc = field_utf8(p, r, 5)) ||
        (rc = entity_add(&p->e, KD_PROP_NOTES, p->value.data, p->value.len)))
        goto fail;
    return KD_OK;
fail:
    return list_value_error(err, rc, csv_path(r), csv_line(r), columns[i]);
}

/* "[SDGT] [IRGC]" and OFAC's own "SDGT] [IFSR" alike: split on brackets. */
static int add_programs(model_entity *e, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '[' && s[i] != ']')
            continue;
        int rc = entity_add(e, KD_PROP_PROGRAM, s + start, i - start);
        if (rc)
            return rc;
        start = i + 1;
    }
    return KD_OK;
}

/* "318,000" -> "318000": tonnage is a number, the comma a thousands mark. */
static int add_number(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    char tmp[64];
    size_t k = 0;
    if (n >= sizeof tmp)
        return entity_add(e, prop, s, n);
    for (size_t i = 0; i < n; i++)
        if (s[i] != ',')
            tmp[k++] = s[i];
    return entity_add(e, prop, tmp, k);
}

static kd_schema schema_of(const char *s)
{
    size_t n = text_trim(&s, strlen(s));
    if (is_empty(s, n))
        return KD_SCHEMA_ORGANIZATION;
    if (n == 10 && strncasecmp(s, "individual", n) == 0)
        return KD_SCHEMA_PERSON;
    if (n == 6 && strncasecmp(s, "vessel", n) == 0)
        return KD_SCHEMA_VESSEL;
    if (n == 8 && strncasecmp(s, "aircraft", n) == 0)
        return KD_SCHEMA_AIRPLANE;
    return KD_SCHEMA_LEGAL_ENTITY; /* a type OFAC did not have in 2024 */
}

/* The sdn.csv fields other than ent_num, type and Remarks. */
static int apply_fields(ofac_parser *p, size_t *bad)
{
    model_entity *e = &p->e;
    bool person = e->schema == KD_SCHEMA_PERSON;
    int rc = KD_OK;
    for (size_t i = F_NAME; i < F_REMARKS && rc == KD_OK; i++) {
        *bad = i;
        if (i == F_TYPE || (rc = field_utf8(p, p->sdn, i)) || p->value.len == 0)
            continue;
        const char *v = p->value.data;
        size_t n = p->value.len;
        switch (i) {
        case F_NAME: rc = ofac_add_name(e, KD_PROP_NAME, v, n, person, true); break;
        case F_PROGRAM: rc = add_programs(e, v, n); break;
        case F_TITLE: rc = entity_add(e, person ? KD_PROP_POSITION : KD_PROP_NOTES, v, n); break;
        case F_CALL_SIGN: rc = entity_add(e, KD_PROP_CALL_SIGN, v, n); break;
        case F_VESS_TYPE: rc = entity_add(e, KD_PROP_TYPE, v, n); break;
        case F_TONNAGE: rc = add_number(e, KD_PROP_TONNAGE, v, n); break;
        case F_GRT: rc = add_number(e, KD_PROP_GROSS_TONNAGE, v, n); break;
        case F_VESS_FLAG: rc = entity_add_country(e, KD_PROP_FLAG, v, n); break;
        case F_VESS_OWNER: rc = entity_add(e, KD_PROP_OWNER_NAME, v, n); break;
        }
    }
    return rc;
}

/* Remarks, joined with their sdn_comments.csv continuation when OFAC cut
 * them: the two halves meet mid-word ("...; P" + "hone Number ..."), so
 * neither is trimmed at the seam. */
static int apply_remarks(ofac_parser *p, unsigned long ent, kd_error *err)
{
    size_t n, line = csv_line(p->sdn);
    const char *s = csv_field(p->sdn, F_REMARKS, &n);
    buf_clear(&p->joined);
    int rc = is_empty(s, n) ? buf_append(&p->joined, "", 0) : buf_append(&p->joined, s, n);
    size_t cut = p->joined.len;
    bool continued = false;
    if (rc == KD_OK && (rc = companion_seek(&p->comments, ent, err)) < 0)
        return rc;
    while (rc == KD_OK && companion_here(&p->comments, ent)) {
        s = csv_field(p->comments.r, 1, &n);
        if (!is_empty(s, n) && (rc = buf_append(&p->joined, s, n)))
            break;
        continued = true;
        if ((rc = companion_next(&p->comments, err)) < 0)
            return rc;
    }
    /* A complete Remarks ends with '.'; one cut by OFAC without its
     * continuation ends wherever the cut fell. */
    bool truncated = !continued && cut >= OFAC_REMARKS_CUT && p->joined.data[cut - 1] != '.';
    if (rc == KD_OK && (rc = to_utf8(&p->value, p->joined.data, p->joined.len)) == KD_OK)
        rc = ofac_remarks_apply(&p->e, p->value.data, p->value.len, truncated);
    return rc ? list_value_error(err, rc, p->path, line, "Remarks") : KD_OK;
}

static int parse_record(ofac_parser *p, unsigned long ent, kd_error *err)
{
    model_entity *e = &p->e;
    entity_reset(e);
    e->schema = schema_of(csv_field(p->sdn, F_TYPE, NULL));
    e->dataset = DATASET;
    size_t bad = F_ENT;
    int rc = entity_set_id(e, "ofac-%lu", ent);
    if (rc == KD_OK)
        rc = apply_fields(p, &bad);
    if (rc)
        return list_value_error(err, rc, p->path, csv_line(p->sdn), sdn_columns[bad]);
    if ((rc = companion_seek(&p->alt, ent, err)))
        return rc;
    while (companion_here(&p->alt, ent)) {
        if ((rc = apply_alt(p, err)) || (rc = companion_next(&p->alt, err)) < 0)
            return rc;
    }
    if ((rc = companion_seek(&p->add, ent, err)))
        return rc;
    while (companion_here(&p->add, ent)) {
        if ((rc = apply_add(p, err)) || (rc = companion_next(&p->add, err)) < 0)
            return rc;
    }
    return apply_remarks(p, ent, err);
}

static int open_companions(ofac_parser *p, kd_error *err)
{
    const char *slash = strrchr(p->path, '/');
    const char *base = slash ? slash + 1 : p->path;
    int dir_len = (int)(base - p->path);
    if (strcasecmp(base, "sdn.csv") != 0)
        return KD_OK;
    bool upper = strcmp(base, "SDN.CSV") == 0;
    int rc = companion_open(&p->alt, p->path, dir_len, upper, err);
    if (rc == KD_OK)
        rc = companion_open(&p->add, p->path, dir_len, upper, err);
    if (rc == KD_OK)
        rc = companion_open(&p->comments, p->path, dir_len, upper, err);
    return rc;
}

int parse_ofac_csv(const char *sdn_path, const list_sink *sink, kd_error *err)
{
    ofac_parser p = {
        .path = sdn_path,
        .alt = {"alt.csv", "ent_num,alt_num,alt_type,alt_name,alt_remarks", 5, NULL, 0, false},
        .add = {"add.csv", "ent_num,add_num,address,city/state/postal,country,add_remarks", 6,
                NULL, 0, false},
        .comments = {"sdn_comments.csv", "ent_num,remarks continuation", 2, NULL, 0, false},
    };
    entity_init(&p.e);
    size_t records = 0;
    unsigned long prev = 0;
    int rc = csv_open(&p.sdn, sdn_path, ',', err);
    if (rc == KD_OK)
        rc = open_companions(&p, err);
    bool merged = p.alt.r || p.add.r || p.comments.r;
    while (rc == KD_OK && (rc = csv_next(p.sdn, err)) == 1) {
        unsigned long ent;
        if ((rc = check_fields(p.sdn, SDN_FIELDS,
                               "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,"
                               "Tonnage,GRT,Vess_flag,Vess_owner,Remarks",
                               err)) ||
            (rc = parse_ent(p.sdn, &ent, err)))
            break;
        if (merged && records && ent <= prev) {
            rc = error_set(err, KD_EPARSE,
                           "%s:%zu: ent_num %lu follows %lu: sdn.csv must be sorted by ent_num, "
                           "as OFAC publishes it, to be read with its companion files",
                           sdn_path, csv_line(p.sdn), ent, prev);
            break;
        }
        prev = ent;
        if ((rc = parse_record(&p, ent, err)))
            break;
        records++;
        if ((rc = sink->emit(sink->ctx, &p.e, err)))
            break;
    }
    if (rc == KD_OK && records == 0)
        rc = error_set(err, KD_EEMPTY, "%s: no records", sdn_path);
    csv_close(p.sdn);
    csv_close(p.alt.r);
    csv_close(p.add.r);
    csv_close(p.comments.r);
    buf_free(&p.value);
    buf_free(&p.joined);
    entity_free(&p.e);
    return rc;
}
