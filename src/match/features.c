/* Evidence beside the name: schema compatibility, birth dates, countries,
 * gender and identifiers. */
#include "match.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

bool match_schema_compatible(int query, kd_schema listed)
{
    bool listed_org = listed == KD_SCHEMA_ORGANIZATION || listed == KD_SCHEMA_COMPANY ||
                      listed == KD_SCHEMA_LEGAL_ENTITY || listed == KD_SCHEMA_PUBLIC_BODY;
    switch (query) {
    case -1:
    case KD_SCHEMA_THING:
    case KD_SCHEMA_LEGAL_ENTITY:
        /* A LegalEntity may be a person or an organisation, not a vessel. */
        return query == KD_SCHEMA_LEGAL_ENTITY ? (listed_org || listed == KD_SCHEMA_PERSON) : true;
    /* EU annexes write their bodies as LegalEntity: a person query is
     * compared with persons only. */
    case KD_SCHEMA_PERSON: return listed == KD_SCHEMA_PERSON;
    case KD_SCHEMA_ORGANIZATION:
    case KD_SCHEMA_COMPANY:
    case KD_SCHEMA_PUBLIC_BODY: return listed_org;
    case KD_SCHEMA_VESSEL: return listed == KD_SCHEMA_VESSEL;
    case KD_SCHEMA_AIRPLANE: return listed == KD_SCHEMA_AIRPLANE;
    }
    return false;
}

typedef struct date_span {
    int year_lo, year_hi; /* inclusive */
    int month, day;       /* 0 when unknown or a range */
    bool circa;
} date_span;

static int read_number(const char **s, int digits)
{
    int v = 0;
    for (int i = 0; i < digits; i++) {
        if ((*s)[0] < '0' || (*s)[0] > '9')
            return -1;
        v = v * 10 + (*s)[0] - '0';
        (*s)++;
    }
    return v;
}

static bool parse_span(const char *s, date_span *out)
{
    memset(out, 0, sizeof *out);
    const char *p = s;
    int y = read_number(&p, 4);
    if (y < 0)
        return false;
    out->year_lo = out->year_hi = y;
    if (p[0] == '-' && (out->month = read_number(&(const char *){p + 1}, 2)) > 0) {
        p += 3;
        if (p[0] == '-') {
            const char *q = p + 1;
            int d = read_number(&q, 2);
            if (d > 0) {
                out->day = d;
                p = q;
            }
        }
    }
    if (p[0] == '/') {
        const char *q = p + 1;
        int hi = read_number(&q, 4);
        if (hi >= y) {
            out->year_hi = hi;
            out->month = out->day = 0;
        }
    }
    out->circa = strchr(s, '~') != NULL;
    if (out->circa) {
        out->year_lo -= 1;
        out->year_hi += 1;
        out->month = out->day = 0;
    }
    return true;
}

date_verdict match_compare_dates(const char *query, const char *listed)
{
    date_span q, l;
    if (!parse_span(query, &q) || !parse_span(listed, &l))
        return DATE_UNKNOWN;
    bool overlap = q.year_lo <= l.year_hi && l.year_lo <= q.year_hi;
    if (!overlap) {
        int gap = q.year_lo > l.year_hi ? q.year_lo - l.year_hi : l.year_lo - q.year_hi;
        return gap <= 1 ? DATE_NEAR : DATE_CONFLICT;
    }
    if (q.year_lo == q.year_hi && l.year_lo == l.year_hi && q.month && l.month) {
        if (q.month != l.month)
            return DATE_NEAR; /* same year, another month: often a typo, rarely a different person */
        if (q.day && l.day)
            return q.day == l.day ? DATE_EXACT : DATE_NEAR;
    }
    return (q.day && l.day && q.month == l.month) ? DATE_EXACT : DATE_SAME_YEAR;
}

/* Where the remarks beside a number start: a ',' or ';', or a '(' after a
 * space (one inside the number is part of it: Myanmar's "12/SAKHANA(N)020199"). */
static size_t remarks_at(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (s[i] == ',' || s[i] == ';' || (s[i] == '(' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')))
            break;
    return i;
}

/* Lists write remarks beside a number in the same field: "290320764
 * (issued by the DPRK)", "Yemen number 05274639, issued on 7.10.2013".
 * The number is what comes before the remarks, without the words of three
 * letters or more that carry no digit ("Yemen", "number"); a short prefix
 * stays ("AB 123456"). A value without digits is kept whole. */
size_t match_identifier_key(const char *s, char *out, size_t size)
{
    size_t n = remarks_at(s);
    bool digits = false;
    for (size_t i = 0; i < n && !digits; i++)
        digits = s[i] >= '0' && s[i] <= '9';
    if (!digits)
        n = strlen(s);
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size;) {
        size_t end = i;
        bool word_digits = false;
        size_t letters = 0;
        while (end < n && s[end] != ' ' && s[end] != '\t') {
            word_digits |= s[end] >= '0' && s[end] <= '9';
            letters += (s[end] >= 'a' && s[end] <= 'z') || (s[end] >= 'A' && s[end] <= 'Z');
            end++;
        }
        bool remark = digits && !word_digits && letters >= 3;
        for (; i < end && k + 1 < size; i++) {
            char c = s[i];
            if (c >= 'a' && c <= 'z')
                c = (char)(c - 32);
            if (!remark && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
                out[k++] = c;
        }
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
    }
    out[k] = '\0';
    return k;
}

bool match_identifier_prop(kd_prop p)
{
    switch (p) {
    case KD_PROP_PASSPORT_NUMBER: case KD_PROP_ID_NUMBER: case KD_PROP_TAX_NUMBER:
    case KD_PROP_REGISTRATION_NUMBER: case KD_PROP_INN_CODE: case KD_PROP_OGRN_CODE:
    case KD_PROP_IMO_NUMBER: case KD_PROP_MMSI: case KD_PROP_LEI_CODE: case KD_PROP_SWIFT_BIC:
    case KD_PROP_VAT_CODE: case KD_PROP_KPP_CODE: case KD_PROP_OKPO_CODE:
        return true;
    default:
        return false;
    }
}

static const char *rank_names[] = {"", "born %s = %s", "born %s ~ %s (same year)",
                                   "born %s ~ %s (near)", "born %s ≠ %s"};

/* Applies birth date, country and gender evidence; appends to why (when
 * not NULL: ranking many candidates needs the score, not the words). */
double match_apply_evidence(const kd_index *ix, const kd_match_query *q, const char *q_date,
                             const char *q_country, uint32_t entity, double s, char *why,
                             size_t why_size)
{
    /* nothing beside the name to weigh: the record's values (decoded one
     * by one) need not be read */
    bool has_id = q->identifier && q->identifier[0];
    if (!q_date && !q_country && !has_id && !(q->gender && q->gender[0]))
        return s > 1.0 ? 1.0 : s;
    /* A party is weighed on what all its records say: the EU's birth date
     * of a person holds against a query though Canada's record of him
     * gives none. One result per record (by_record) is weighed on the
     * record alone. */
    size_t members[16] = {entity}, n_members = 1;
    if (!q->by_record) {
        n_members = kd_index_party_members(ix, entity, members, KD_ARRAY_LEN(members));
        if (n_members > KD_ARRAY_LEN(members))
            n_members = KD_ARRAY_LEN(members);
        if (n_members == 0)
            members[0] = entity, n_members = 1;
    }
    int best = DATE_UNKNOWN;
    const char *best_date = NULL;
    /* Verdicts ranked from most to least favourable. */
    static const int rank[] = {[DATE_EXACT] = 4, [DATE_SAME_YEAR] = 3, [DATE_NEAR] = 2,
                               [DATE_CONFLICT] = 1, [DATE_UNKNOWN] = 0};
    bool has_country = false, country_hit = false;
    const char *gender = NULL;
    char q_id[64], listed_id[64];
    size_t q_id_len = q->identifier ? match_identifier_key(q->identifier, q_id, sizeof q_id) : 0;
    if (q_id_len > 3 && memcmp(q_id, "IMO", 3) == 0) /* "IMO 9187629" */
        memmove(q_id, q_id + 3, (q_id_len -= 3) + 1);
    bool id_hit = false, has_imo = false, imo_hit = false; /* imo: or INN */
    const char *id_prop = NULL;
    for (size_t m = 0; m < n_members; m++) {
        kd_entity_view v;
        kd_index_entity(ix, members[m], &v);
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, i);
            if (r.prop == KD_PROP_BIRTH_DATE && q_date) {
                int verdict = (int)match_compare_dates(q_date, r.value);
                if (rank[verdict] > rank[best]) {
                    best = verdict;
                    best_date = r.value;
                }
            } else if (q_country && (r.prop == KD_PROP_NATIONALITY || r.prop == KD_PROP_CITIZENSHIP ||
                                     r.prop == KD_PROP_COUNTRY || r.prop == KD_PROP_BIRTH_COUNTRY)) {
                if (r.value[0] && r.value[1] && !r.value[2]) { /* an ISO code, not text */
                    has_country = true;
                    country_hit |= strcmp(r.value, q_country) == 0;
                }
            } else if (r.prop == KD_PROP_GENDER) {
                if (!gender)
                    gender = r.value;
            } else if (q_id_len >= 4 && match_identifier_prop(r.prop)) {
                size_t listed_len = match_identifier_key(r.value, listed_id, sizeof listed_id);
                const char *l = listed_id;
                if (listed_len > 3 && memcmp(l, "IMO", 3) == 0)
                    l += 3, listed_len -= 3;
                bool same = listed_len == q_id_len && memcmp(l, q_id, q_id_len) == 0;
                if (same && !id_hit) {
                    id_hit = true;
                    id_prop = kd_prop_name(r.prop);
                }
                /* A vessel has one IMO number, a Russian taxpayer one INN: when the
                 * query's identifier has that shape and the listed one differs,
                 * it is another vessel or company. */
                bool digits_only = strspn(q_id, "0123456789") == q_id_len;
                if ((r.prop == KD_PROP_IMO_NUMBER && digits_only && q_id_len == 7) ||
                    (r.prop == KD_PROP_INN_CODE && digits_only && (q_id_len == 10 || q_id_len == 12))) {
                    has_imo = true;
                    imo_hit |= same;
                }
            }
        }
    }
    char none[1] = "";
    if (!why)
        why = none, why_size = 1; /* no room: nothing is written */
    size_t used = strlen(why);
    /* Agreeing evidence lifts a name in proportion to how well the name
     * itself matches: the same birthday does not make Baker into Bakr. */
    switch (best) {
    case DATE_EXACT: s += (1 - s) * 0.5 * s * s; break;
    case DATE_SAME_YEAR: s += (1 - s) * 0.2 * s * s; break;
    case DATE_NEAR: s *= 0.97; break;
    case DATE_CONFLICT: s *= 0.65; break;
    }
    if (best != DATE_UNKNOWN && used + 1 < why_size) {
        used += (size_t)snprintf(why + used, why_size - used, " · ");
        if (used < why_size)
            used += (size_t)snprintf(why + used, why_size - used, rank_names[rank[best] ? 5 - rank[best] : 0],
                                     q_date, best_date);
    }
    if (q_country && has_country) {
        s = country_hit ? s + (1 - s) * 0.1 * s * s : s * 0.95;
        if (used + 1 < why_size)
            used += (size_t)snprintf(why + used, why_size - used, " · country %s %s", q_country,
                                     country_hit ? "listed" : "not listed");
    }
    /* The same identifier is close to decisive; a vessel's IMO number or a
     * company's INN that differs says it is another one. */
    if (id_hit) {
        s = s < 0.95 ? 0.95 : s;
        if (used + 1 < why_size)
            used += (size_t)snprintf(why + used, why_size - used, " · %s %s = listed", id_prop,
                                     q->identifier);
    } else if (has_imo && !imo_hit && q_id_len >= 4) {
        s *= 0.6;
        if (used + 1 < why_size)
            used += (size_t)snprintf(why + used, why_size - used, " · identifier %s not listed",
                                     q->identifier);
    }
    if (q->gender && gender && strcmp(q->gender, gender) != 0) {
        s *= 0.85;
        if (used + 1 < why_size)
            used += (size_t)snprintf(why + used, why_size - used, " · gender %s ≠ %s", q->gender, gender);
    }
    return s > 1.0 ? 1.0 : s;
}

