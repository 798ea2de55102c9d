/* Evidence beside the name: schema compatibility and birth dates. */
#include "match.h"

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
