/* Finding the parties of an index: candidate links from shared identifiers
 * and from kd_match over each record's own name, each judged by rules
 * written down in README (Parties across lists), then joined strongest
 * first, never across a pair known to be two parties. */
#include "resolve/resolve.h"
#include "core/core.h"
#include "match/match.h"
#include "model/model.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A person's name must match this well (kd_match's name score, across
 * scripts) before birth dates are even compared; a body's, with a country
 * in common, this well. Below, a name alone proves nothing. */
#define PERSON_NAME_FLOOR 0.90
#define BODY_NAME_FLOOR 0.95
/* A body's names tried: its name and first aliases. Each pair of lists is
 * searched from its smaller side only (half the work), so that side tries
 * more of its names: 8 find all but 4 of the 3,866 record pairs that both
 * sides with 4 names each found on the shared lists. */
#define BODY_NAMES 8
/* Names this alike with birth dates that disagree are two people. */
#define APART_NAME_FLOOR 0.97
/* Names of records that share an identifier must not contradict it. A
 * passport or ID number is short and issued by many countries: the names
 * must match. A registry number (INN, OGRN, LEI, BIC...) is unique where it
 * is issued: names need only have something in common ("Federal State
 * Unitary Enterprise 'Crimea Railway'" and "CRIMEAN RAILWAY"). */
#define DOCUMENT_NAME_FLOOR KD_MATCH_THRESHOLD
#define REGISTRY_NAME_FLOOR 0.50
#define MAX_DATES 6
#define MAX_CODES 6
#define CANDIDATES 10

enum family { FAMILY_NONE, FAMILY_PERSON, FAMILY_BODY, FAMILY_VESSEL, FAMILY_AIRPLANE };

typedef struct record {
    int family;
    uint16_t dataset;
    const char *id, *name, *gender;
    const char *source;         /* the list document: first sourceUrl, or "" */
    const char *dates[MAX_DATES];
    int n_dates;
    char nationality[MAX_CODES][3];
    int n_nationality;
    char country[MAX_CODES][3];
    int n_country;
    /* the countries its sanctions programmes are about (EU-UKR, UKRAINE-
     * EO13661, "SEMA - Ukraine"): what a person's record says of a
     * country when it gives no nationality */
    char regime[MAX_CODES][3];
    int n_regime;
    char imo[2][8];
    int n_imo;
} record;

/* What one thread finds: candidate links, and pairs known to be two
 * parties. */
typedef struct found {
    resolve_link *candidates;
    size_t n_candidates, cap_candidates;
    resolve_link *kept_apart;
    size_t n_kept_apart, cap_kept_apart;
} found;

typedef struct state {
    const kd_index *ix;
    record *records;
    size_t n;
    uint32_t *parent;
    uint32_t *ring;             /* next record of the same party, circular */
    found all;
    /* pairs of records on different lists sharing an IMO or passport/ID
     * number, to count how many end in one party */
    resolve_link *documents;
    size_t n_documents, cap_documents;
    /* records per dataset (kd_index_dataset_count entries): a body looks
     * for its matches only among the lists larger than its own, so each
     * pair of lists is searched once, from its smaller side */
    size_t *dataset_size;
    size_t n_datasets;
} state;

static int family_of(kd_schema s)
{
    switch (s) {
    case KD_SCHEMA_PERSON: return FAMILY_PERSON;
    case KD_SCHEMA_ORGANIZATION:
    case KD_SCHEMA_COMPANY:
    case KD_SCHEMA_LEGAL_ENTITY:
    case KD_SCHEMA_PUBLIC_BODY: return FAMILY_BODY;
    case KD_SCHEMA_VESSEL: return FAMILY_VESSEL;
    case KD_SCHEMA_AIRPLANE: return FAMILY_AIRPLANE;
    default: return FAMILY_NONE;
    }
}

const char *resolve_kind_name(resolve_kind kind)
{
    static const char *const names[] = {"analyst", "identifier", "name+birth date",
                                        "name+birth day (year differs)", "name+country",
                                        "person's name+country"};
    return kind < RESOLVE_KIND_COUNT ? names[kind] : "?";
}

const char *resolve_refusal_name(resolve_refusal refusal)
{
    static const char *const names[] = {"-", "birth dates differ", "gender differs", "no nationality in common",
                                        "names differ", "identifiers differ", "kept apart by a list",
                                        "one list holds both as two bodies", "split by an analyst"};
    return refusal < REFUSED_COUNT ? names[refusal] : "?";
}

/* ---- what each record says -------------------------------------------- */

/* The length of s cut to at most max bytes on a character boundary. */
static size_t utf8_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    while (max && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static void add_code(char codes[][3], int *n, const char *v)
{
    if (*n >= MAX_CODES || strlen(v) != 2)
        return;
    for (int i = 0; i < *n; i++)
        if (strcmp(codes[i], v) == 0)
            return;
    memcpy(codes[(*n)++], v, 3);
}

/* The seven digits of an IMO number ("IMO 9187629"), or false. */
static bool imo_digits(const char *v, char out[8])
{
    size_t k = 0;
    for (; *v; v++)
        if (isdigit((unsigned char)*v)) {
            if (k == 7)
                return false;
            out[k++] = *v;
        }
    out[k] = '\0';
    return k == 7;
}

/* The countries an address or a place of birth names in one of its
 * comma-separated or bracketed parts ("Russian Federation, 119019, Moscow,
 * ...", "Leningrad, USSR (now St. Petersburg, Russian Federation)"): many
 * lists give a body's address but no country, a person's birth place but
 * no nationality. */
static void address_countries(const char *address, record *r)
{
    for (const char *p = address; *p;) {
        size_t n = strcspn(p, ",;()");
        while (n && *p == ' ')
            p++, n--;
        size_t m = n;
        while (m && p[m - 1] == ' ')
            m--;
        char code[3];
        if (m >= 4 && country_code(p, m, code))
            add_code(r->country, &r->n_country, code);
        p += n;
        if (*p)
            p++;
    }
}

/* The countries a programme's name names in its words of three letters
 * or more ("EU-UKR", "RUSSIA-EO14024", "SEMA - Russia - Schedule 1"). */
static void program_countries(const char *program, record *r)
{
    for (const char *p = program; *p;) {
        size_t n = 0;
        while (p[n] && isalpha((unsigned char)p[n]))
            n++;
        char code[3];
        if (n >= 3 && country_code(p, n, code))
            add_code(r->regime, &r->n_regime, code);
        p += n;
        while (*p && !isalpha((unsigned char)*p))
            p++;
    }
}

static void read_record(const kd_index *ix, size_t e, record *r)
{
    memset(r, 0, sizeof *r);
    kd_entity_view v;
    kd_index_entity(ix, e, &v);
    r->id = v.id;
    r->family = family_of(v.schema);
    r->dataset = v.n_datasets ? v.datasets[0] : 0;
    r->source = "";
    for (uint32_t i = 0; i < v.n_values; i++) {
        kd_value_ref x = kd_entity_view_value(ix, &v, i);
        switch (x.prop) {
        case KD_PROP_NAME:
            if (!r->name)
                r->name = x.value;
            break;
        case KD_PROP_BIRTH_DATE:
            if (r->n_dates < MAX_DATES)
                r->dates[r->n_dates++] = x.value;
            break;
        case KD_PROP_GENDER: r->gender = x.value; break;
        case KD_PROP_SOURCE_URL:
            if (!*r->source)
                r->source = x.value;
            break;
        case KD_PROP_NATIONALITY:
        case KD_PROP_CITIZENSHIP: add_code(r->nationality, &r->n_nationality, x.value); break;
        case KD_PROP_COUNTRY:
        case KD_PROP_JURISDICTION:
        case KD_PROP_FLAG: add_code(r->country, &r->n_country, x.value); break;
        case KD_PROP_ADDRESS:
        case KD_PROP_BIRTH_PLACE:
            address_countries(x.value, r);
            break;
        case KD_PROP_BIRTH_COUNTRY: add_code(r->country, &r->n_country, x.value); break;
        case KD_PROP_PROGRAM: program_countries(x.value, r); break;
        case KD_PROP_IMO_NUMBER:
            if (r->n_imo < 2 && imo_digits(x.value, r->imo[r->n_imo]))
                r->n_imo++;
            break;
        default: break;
        }
    }
}

/* ---- the rules ---------------------------------------------------------- */

/* 2: a birth date in common, as kd_match compares them (the same date, or
 * one a less precise form of the other: "1976" and "1976-04-29", "1964~"
 * and "1963/1965"); 1: only the same day and month in other years (lists
 * differ by a year's typing slip: 1957-03-01 and 1967-03-01); 0: dates
 * that disagree; -1: one side has none. */
static int dates_agree(const record *a, const record *b, char *which, size_t size)
{
    if (!a->n_dates || !b->n_dates)
        return -1;
    int best = 0;
    for (int i = 0; i < a->n_dates; i++)
        for (int j = 0; j < b->n_dates; j++) {
            const char *x = a->dates[i], *y = b->dates[j];
            date_verdict v = match_compare_dates(x, y);
            if (v == DATE_EXACT || v == DATE_SAME_YEAR) {
                /* the more precise of the two */
                snprintf(which, size, "born %s on both", strlen(x) >= strlen(y) ? x : y);
                if (v == DATE_SAME_YEAR && strcmp(x, y) != 0)
                    snprintf(which, size, "born %s and %s", x, y);
                return 2;
            }
            if (strlen(x) == 10 && strlen(y) == 10 && strncmp(x + 4, y + 4, 6) == 0 && best < 1) {
                snprintf(which, size, "born %.10s and %.10s (same day and month)", x, y);
                best = 1;
            }
        }
    if (!best)
        snprintf(which, size, "born %.10s, other record %.10s", a->dates[0], b->dates[0]);
    return best;
}

static bool codes_meet(const char a[][3], int na, const char b[][3], int nb)
{
    if (!na || !nb)
        return true; /* one says nothing: no contradiction */
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            if (strcmp(a[i], b[j]) == 0)
                return true;
    return false;
}

static bool codes_shared(const char a[][3], int na, const char b[][3], int nb, char out[3])
{
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            if (strcmp(a[i], b[j]) == 0) {
                memcpy(out, a[i], 3);
                return true;
            }
    return false;
}

/* ---- candidates --------------------------------------------------------- */

/* Appends to a growing array of links. */
static int links_append(resolve_link **list, size_t *n, size_t *cap, const resolve_link *l)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        resolve_link *p = realloc(*list, c * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        *list = p;
        *cap = c;
    }
    (*list)[(*n)++] = *l;
    return KD_OK;
}

/* A candidate, its pair in order (a < b) so that both finds of it meet. */
static int add_candidate(found *f, resolve_link *l)
{
    if (l->a > l->b) {
        uint32_t t = l->a;
        l->a = l->b;
        l->b = t;
    }
    return links_append(&f->candidates, &f->n_candidates, &f->cap_candidates, l);
}

static int keep_apart(found *f, const resolve_link *l)
{
    return links_append(&f->kept_apart, &f->n_kept_apart, &f->cap_kept_apart, l);
}

typedef struct accept_context {
    const state *s;
    size_t self;
    int family;
    int64_t only;               /* >= 0: no other entity */
    bool larger_lists;          /* only records of lists larger than self's */
} accept_context;

/* Whether list a comes before list b in the order bodies are searched in:
 * smaller first, then by position. */
static bool list_before(const state *s, uint16_t a, uint16_t b)
{
    return s->dataset_size[a] < s->dataset_size[b] || (s->dataset_size[a] == s->dataset_size[b] && a < b);
}

static int accept_other(void *context, size_t e)
{
    const accept_context *c = context;
    if (c->only >= 0)
        return (int64_t)e == c->only;
    const record *r = &c->s->records[e];
    if (c->larger_lists && !list_before(c->s, c->s->records[c->self].dataset, r->dataset))
        return 0;
    return e != c->self && r->family == c->family;
}

static double name_score_against(const state *s, kd_matcher *m, size_t a, size_t b, kd_error *err);

/* A candidate link of two persons' records, refused when their genders
 * differ or both give nationalities with none in common. */
static int add_person_candidate(found *f, const record *r, const record *o, resolve_link *l)
{
    if (r->gender && o->gender && strcmp(r->gender, o->gender) != 0)
        l->refused = REFUSED_GENDER;
    else if (!codes_meet(r->nationality, r->n_nationality, o->nationality, o->n_nationality))
        l->refused = REFUSED_NATIONALITY;
    return add_candidate(f, l);
}

/* Every country a person's record ties it to: nationality, country, birth
 * place, the programmes' countries. */
static int person_countries(const record *r, char out[][3])
{
    int n = 0;
    for (int i = 0; i < r->n_nationality; i++)
        memcpy(out[n++], r->nationality[i], 3);
    for (int i = 0; i < r->n_country; i++)
        memcpy(out[n++], r->country[i], 3);
    for (int i = 0; i < r->n_regime; i++)
        memcpy(out[n++], r->regime[i], 3);
    return n;
}

/* Persons: the record's name with its first birth date; every other person
 * whose name matches confidently is a candidate, judged by the dates. */
static int person_candidates(const state *s, found *f, kd_matcher *m, size_t e, kd_error *err)
{
    const record *r = &s->records[e];
    accept_context ac = {s, e, FAMILY_PERSON, -1, false};
    kd_match_query q = {.by_record = 1, .name = r->name, .schema = KD_SCHEMA_PERSON, .birth_date = r->dates[0],
                        .limit = CANDIDATES, .accept = accept_other, .accept_context = &ac, .explain_floor = 1.0};
    kd_match_result results[CANDIDATES];
    int n = kd_match(m, &q, results, NULL, err);
    if (n < 0)
        return n;
    /* how many records of each list bear a name this close: a name one
     * list gives two persons is no one's in particular */
    size_t per_list[64] = {0};
    for (int i = 0; i < n; i++)
        if (results[i].name_score >= PERSON_NAME_FLOOR && s->records[results[i].entity].dataset < 64)
            per_list[s->records[results[i].entity].dataset]++;
    bool unique_name = n < CANDIDATES && per_list[r->dataset] == 0;
    for (size_t d = 0; d < 64 && unique_name; d++)
        unique_name = per_list[d] <= 1;
    for (int i = 0; i < n; i++) {
        const record *o = &s->records[results[i].entity];
        if (results[i].name_score < PERSON_NAME_FLOOR)
            continue;
        resolve_link l = {(uint32_t)e, (uint32_t)results[i].entity, RESOLVE_BIRTH_DATE, REFUSED_NONE,
                          results[i].name_score, ""};
        int agree = dates_agree(r, o, l.detail, sizeof l.detail);
        if (agree < 0 && unique_name && r->dataset != o->dataset) {
            /* no two birth dates to compare: a name no other person of
             * either list bears, matched both ways, and a country in
             * common (Canada's Arkady ROTENBERG, country ru, no birth
             * date; the EU's Arkady Romanovich ROTENBERG, Russian) */
            char shared[3], ours[3 * MAX_CODES][3], theirs[3 * MAX_CODES][3];
            int n_ours = person_countries(r, ours), n_theirs = person_countries(o, theirs);
            if (!codes_shared(ours, n_ours, theirs, n_theirs, shared))
                continue;
            double back = name_score_against(s, m, results[i].entity, e, err);
            if (back < PERSON_NAME_FLOOR)
                continue;
            l.kind = RESOLVE_PERSON_COUNTRY;
            l.name_score = back < l.name_score ? back : l.name_score;
            snprintf(l.detail, sizeof l.detail, "\"%.*s\" %.2f both ways, no other person so named, country %s",
                     (int)utf8_prefix(r->name, 100), r->name, l.name_score, shared);
            if (add_person_candidate(f, r, o, &l))
                return KD_ENOMEM;
            continue;
        }
        if (agree == 1)
            l.kind = RESOLVE_BIRTH_YEAR;
        if (agree <= 0) {
            /* one authority listing the name twice with other dates has
             * listed two people: no list may join them; across lists,
             * other dates only mean this is no evidence */
            if (agree == 0 && results[i].name_score >= APART_NAME_FLOOR && r->dataset == o->dataset) {
                l.refused = REFUSED_BIRTH_DATE;
                if (keep_apart(f, &l))
                    return KD_ENOMEM;
            }
            continue; /* without two birth dates, a name proves nothing */
        }
        if (r->dataset == o->dataset)
            continue; /* one list, one record a person: its own duplicates are not ours to judge */
        if (add_person_candidate(f, r, o, &l))
            return KD_ENOMEM;
    }
    return 0;
}

/* Bodies and vessels: a confident name match both ways (a body's short
 * name is often one word of another's long one) with a country, flag or
 * address country in common; two different IMO numbers forbid it. */
static int body_candidates(const state *s, found *f, kd_matcher *m, size_t e, kd_error *err)
{
    const record *r = &s->records[e];
    if (!r->n_country)
        return 0;
    bool larger = false; /* the largest list's bodies are found by the others' */
    for (uint16_t d = 0; d < s->n_datasets && !larger; d++)
        larger = list_before(s, r->dataset, d);
    if (!larger)
        return 0;
    accept_context ac = {s, e, r->family, -1, true};
    kd_entity_view v;
    kd_index_entity(s->ix, e, &v);
    int tried = 0;
    for (uint32_t k = 0; k < v.n_values && tried < BODY_NAMES; k++) {
        kd_value_ref x = kd_entity_view_value(s->ix, &v, k);
        if (x.prop != KD_PROP_NAME && x.prop != KD_PROP_ALIAS)
            continue;
        tried++;
        kd_match_query q = {.by_record = 1, .name = x.value, .schema = -1, .limit = CANDIDATES, .accept = accept_other,
                            .accept_context = &ac, .explain_floor = 1.0};
        kd_match_result results[CANDIDATES];
        int n = kd_match(m, &q, results, NULL, err);
        if (n < 0)
            return n;
        for (int i = 0; i < n; i++) {
            const record *o = &s->records[results[i].entity];
            char shared[3];
            if (results[i].name_score < BODY_NAME_FLOOR || o->dataset == r->dataset ||
                !codes_shared(r->country, r->n_country, o->country, o->n_country, shared))
                continue;
            double back = name_score_against(s, m, results[i].entity, e, err);
            if (back < BODY_NAME_FLOOR)
                continue;
            resolve_link l = {(uint32_t)e, (uint32_t)results[i].entity, RESOLVE_COUNTRY, REFUSED_NONE,
                              results[i].name_score < back ? results[i].name_score : back, ""};
            snprintf(l.detail, sizeof l.detail, "\"%.*s\" %.2f both ways, country %s on both",
                     (int)utf8_prefix(x.value, 120), x.value, l.name_score, shared);
            if (r->n_imo && o->n_imo && strcmp(r->imo[0], o->imo[0]) != 0)
                l.refused = REFUSED_IDENTIFIER;
            if (add_candidate(f, &l))
                return KD_ENOMEM;
        }
    }
    return 0;
}

/* ---- shared identifiers ------------------------------------------------- */

typedef struct id_entry {
    char key[40];               /* class letter + normalised value */
    uint32_t entity;
} id_entry;

static int compare_id_entry(const void *a, const void *b)
{
    const id_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->entity > y->entity) - (x->entity < y->entity);
}

/* The class of an identifier property: numbers of one class may be
 * compared with each other (a passport with a national ID card, a tax
 * number with an INN). 0: not a strong identifier. */
static char identifier_class(kd_prop p)
{
    switch (p) {
    case KD_PROP_IMO_NUMBER: return 'I';
    case KD_PROP_PASSPORT_NUMBER:
    case KD_PROP_ID_NUMBER: return 'D';
    case KD_PROP_TAX_NUMBER:
    case KD_PROP_INN_CODE: return 'T';
    case KD_PROP_OGRN_CODE:
    case KD_PROP_REGISTRATION_NUMBER: return 'R';
    case KD_PROP_LEI_CODE: return 'L';
    case KD_PROP_SWIFT_BIC: return 'S';
    default: return 0;
    }
}

static int collect_identifiers(state *s, id_entry **out, size_t *n_out)
{
    size_t n = 0, cap = 0;
    id_entry *list = NULL;
    for (size_t e = 0; e < s->n; e++) {
        if (!s->records[e].family)
            continue;
        kd_entity_view v;
        kd_index_entity(s->ix, e, &v);
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_value_ref x = kd_entity_view_value(s->ix, &v, i);
            char cls = identifier_class(x.prop);
            if (!cls)
                continue;
            id_entry entry = {.entity = (uint32_t)e};
            entry.key[0] = cls;
            size_t len;
            if (cls == 'I')
                len = imo_digits(x.value, entry.key + 1) ? 7 : 0;
            else
                len = match_identifier_key(x.value, entry.key + 1, sizeof entry.key - 1);
            /* short numbers ("1", "123") are shared by chance */
            if (len < 5)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 4096;
                id_entry *p = realloc(list, cap * sizeof *p);
                if (!p) {
                    free(list);
                    return KD_ENOMEM;
                }
                list = p;
            }
            list[n++] = entry;
        }
    }
    if (n)
        qsort(list, n, sizeof *list, compare_id_entry);
    *out = list;
    *n_out = n;
    return 0;
}

/* The best name score of a's names against b alone. */
static double name_score_against(const state *s, kd_matcher *m, size_t a, size_t b, kd_error *err)
{
    kd_entity_view v;
    kd_index_entity(s->ix, a, &v);
    double best = 0;
    int tried = 0;
    /* no name scores above 1: the first perfect one ends the search */
    for (uint32_t i = 0; i < v.n_values && tried < 8 && best < 1.0; i++) {
        kd_value_ref x = kd_entity_view_value(s->ix, &v, i);
        if (x.prop != KD_PROP_NAME && x.prop != KD_PROP_ALIAS)
            continue;
        tried++;
        double score;
        if (kd_match_entity(m, x.value, b, &score, err) == 0 && score > best)
            best = score;
    }
    return best;
}

static int identifier_candidates(state *s, kd_matcher *m, kd_error *err)
{
    id_entry *ids;
    size_t n;
    if (collect_identifiers(s, &ids, &n))
        return error_set(err, KD_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        for (size_t j = i + 1; j < n && !rc && strcmp(ids[i].key, ids[j].key) == 0; j++) {
            const record *a = &s->records[ids[i].entity], *b = &s->records[ids[j].entity];
            if (ids[i].entity == ids[j].entity || a->family != b->family || a->dataset == b->dataset)
                continue;
            char cls = ids[i].key[0];
            resolve_link l = {ids[i].entity, ids[j].entity, RESOLVE_IDENTIFIER, REFUSED_NONE, 1.0, ""};
            static const struct { char cls; const char *label; } labels[] = {
                {'I', "IMO"}, {'D', "passport/ID"}, {'T', "tax number/INN"}, {'R', "registration number/OGRN"},
                {'L', "LEI"}, {'S', "SWIFT/BIC"}};
            const char *label = "identifier";
            for (size_t k = 0; k < KD_ARRAY_LEN(labels); k++)
                if (labels[k].cls == cls)
                    label = labels[k].label;
            snprintf(l.detail, sizeof l.detail, "%s %s on both", label, ids[i].key + 1);
            /* a vessel keeps its IMO number through renaming: the number
             * decides; other numbers need names that match */
            if (cls != 'I') {
                /* the better of the two directions (the second needed
                 * only when the first is not perfect) */
                double score = name_score_against(s, m, ids[i].entity, ids[j].entity, err);
                double back = score < 1.0 ? name_score_against(s, m, ids[j].entity, ids[i].entity, err) : 0;
                l.name_score = score > back ? score : back;
                /* birth dates are not asked: lists that share a passport
                 * number and a name disagree on dates more often than on
                 * who the person is */
                if (l.name_score < (cls == 'D' ? DOCUMENT_NAME_FLOOR : REGISTRY_NAME_FLOOR))
                    l.refused = REFUSED_NAME;
            }
            if ((cls == 'I' || cls == 'D') && links_append(&s->documents, &s->n_documents, &s->cap_documents, &l))
                rc = error_set(err, KD_ENOMEM, "out of memory");
            if (!rc)
                rc = add_candidate(&s->all, &l) ? error_set(err, KD_ENOMEM, "out of memory") : 0;
        }
    free(ids);
    return rc;
}

/* ---- joining ------------------------------------------------------------ */

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Identifiers first, then exact birth dates, then the rest. */
static int compare_candidate(const void *a, const void *b)
{
    const resolve_link *x = a, *y = b;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    if (x->name_score != y->name_score)
        return y->name_score > x->name_score ? 1 : -1;
    return strcmp(x->detail, y->detail); /* ties in a fixed order, whichever thread found them */
}

static bool joins_kept_apart(state *s, uint32_t ra, uint32_t rb)
{
    for (size_t i = 0; i < s->all.n_kept_apart; i++) {
        uint32_t x = find(s->parent, s->all.kept_apart[i].a), y = find(s->parent, s->all.kept_apart[i].b);
        if ((x == ra && y == rb) || (x == rb && y == ra))
            return true;
    }
    return false;
}

/* Whether the parties of records a and b each hold a record of one list
 * (one dataset, one published document: the EU's regulations are lists of
 * their own) and those two records are not the list's own duplicates (their
 * main names matching each other both ways). A list that names two bodies
 * separately, under different names, has listed two bodies, and a third
 * list's aliases (the UN's Afghan Support Committee and Revival of Islamic
 * Heritage Society, both under one OFAC record's names) do not make them
 * one; Canada listing "Uralvagonzavod" twice has listed it twice. Persons
 * are not judged so: one list's records of one name and one birth date are
 * one person listed under two regimes. */
static bool one_list_holds_both(const state *s, kd_matcher *m, uint32_t a, uint32_t b)
{
    uint32_t x = a;
    do {
        uint32_t y = b;
        do {
            const record *rx = &s->records[x], *ry = &s->records[y];
            if (rx->dataset == ry->dataset && strcmp(rx->source, ry->source) == 0) {
                double there = 0, back = 0;
                if (!rx->name || !ry->name || kd_match_entity(m, rx->name, y, &there, NULL) ||
                    kd_match_entity(m, ry->name, x, &back, NULL) || there < BODY_NAME_FLOOR ||
                    back < BODY_NAME_FLOOR)
                    return true;
            }
            y = s->ring[y];
        } while (y != b);
        x = s->ring[x];
    } while (x != a);
    return false;
}

static int join(state *s, kd_matcher *m, resolve_result *out)
{
    size_t cap_links = 0, cap_refused = 0;
    if (s->all.n_candidates)
        qsort(s->all.candidates, s->all.n_candidates, sizeof *s->all.candidates, compare_candidate);
    for (size_t i = 0; i < s->all.n_candidates; i++) {
        resolve_link *l = &s->all.candidates[i];
        /* the same pair found again from its other side: sorted next to it */
        const resolve_link *prev = i ? &s->all.candidates[i - 1] : NULL;
        if (prev && prev->kind == l->kind && prev->a == l->a && prev->b == l->b)
            continue;
        uint32_t ra = find(s->parent, l->a), rb = find(s->parent, l->b);
        if (ra == rb)
            continue; /* in one party already, by stronger evidence */
        if (!l->refused && joins_kept_apart(s, ra, rb))
            l->refused = l->kind == RESOLVE_ANALYST ? REFUSED_SPLIT : REFUSED_KEPT_APART;
        if (!l->refused && l->kind == RESOLVE_COUNTRY && one_list_holds_both(s, m, l->a, l->b))
            l->refused = REFUSED_SAME_LIST;
        if (l->refused) {
            if (links_append(&out->refused, &out->n_refused, &cap_refused, l))
                return KD_ENOMEM;
            continue;
        }
        s->parent[ra] = rb;
        uint32_t next = s->ring[l->a]; /* splice the two rings into one */
        s->ring[l->a] = s->ring[l->b];
        s->ring[l->b] = next;
        if (links_append(&out->links, &out->n_links, &cap_links, l))
            return KD_ENOMEM;
    }
    /* the representative: the record of the highest authority (the order
     * kd_match shows ties in), then the smallest id; stable across rebuilds
     * while that record exists */
    uint32_t *best = malloc(s->n * sizeof *best);
    if (!best)
        return KD_ENOMEM;
    for (size_t e = 0; e < s->n; e++)
        best[e] = UINT32_MAX;
    for (size_t e = 0; e < s->n; e++) {
        uint32_t root = find(s->parent, (uint32_t)e), *b = &best[root];
        if (*b == UINT32_MAX) {
            *b = (uint32_t)e;
            continue;
        }
        int re = index_authority_rank(s->ix, e), rb = index_authority_rank(s->ix, *b);
        if (re < rb || (re == rb && strcmp(s->records[e].id, s->records[*b].id) < 0))
            *b = (uint32_t)e;
    }
    for (size_t e = 0; e < s->n; e++) {
        out->party[e] = best[find(s->parent, (uint32_t)e)];
        out->parties += s->records[e].family && out->party[e] == e;
    }
    free(best);
    return 0;
}

/* Matching every record against the others is most of the work: it is
 * shared by threads (a matcher each, the index read-only), every thread
 * taking every n-th record; the candidates are sorted before they are
 * joined, so the result does not depend on who found what. */
#define RESOLVE_THREADS 2

typedef struct worker {
    const state *s;
    size_t first, step;
    found f;
    kd_error err;
    int rc;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    kd_matcher *m;
    if ((w->rc = kd_matcher_new(w->s->ix, &m, &w->err)))
        return NULL;
    for (size_t e = w->first; !w->rc && e < w->s->n; e += w->step) {
        const record *r = &w->s->records[e];
        if (!r->name)
            continue;
        if (r->family == FAMILY_PERSON && r->n_dates)
            w->rc = person_candidates(w->s, &w->f, m, e, &w->err);
        else if (r->family == FAMILY_BODY || r->family == FAMILY_VESSEL)
            w->rc = body_candidates(w->s, &w->f, m, e, &w->err);
    }
    if (w->rc && !w->err.message[0])
        error_set(&w->err, w->rc, "out of memory");
    kd_matcher_free(m);
    return NULL;
}

static int match_records(state *s, kd_error *err)
{
    worker workers[RESOLVE_THREADS] = {0};
    pthread_t threads[RESOLVE_THREADS];
    size_t started = 0;
    for (size_t i = 0; i < RESOLVE_THREADS; i++) {
        workers[i] = (worker){.s = s, .first = i, .step = RESOLVE_THREADS};
        if (i && pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0)
            started++;
        else if (i)
            workers[i].rc = error_set(&workers[i].err, KD_ENOMEM, "cannot start a thread");
    }
    worker_main(&workers[0]);
    for (size_t i = 1; i <= started; i++)
        pthread_join(threads[i], NULL);
    int rc = 0;
    for (size_t i = 0; i < RESOLVE_THREADS; i++) {
        found *f = &workers[i].f;
        if (!rc && workers[i].rc) {
            *err = workers[i].err;
            rc = workers[i].rc;
        }
        for (size_t k = 0; !rc && k < f->n_candidates; k++)
            rc = links_append(&s->all.candidates, &s->all.n_candidates, &s->all.cap_candidates, &f->candidates[k]);
        for (size_t k = 0; !rc && k < f->n_kept_apart; k++)
            rc = links_append(&s->all.kept_apart, &s->all.n_kept_apart, &s->all.cap_kept_apart, &f->kept_apart[k]);
        free(f->candidates);
        free(f->kept_apart);
    }
    if (rc && !err->message[0])
        error_set(err, rc, "out of memory");
    return rc;
}

/* Judgments become links before the rules' (merges, strongest of all) and
 * pairs kept apart (splits). */
static int add_judgments(state *s, const kd_party_judgment *judgments, size_t n, resolve_result *out)
{
    for (size_t i = 0; i < n; i++) {
        const kd_party_judgment *j = &judgments[i];
        int64_t a = j->record_a ? kd_index_find(s->ix, j->record_a) : -1;
        int64_t b = j->record_b ? kd_index_find(s->ix, j->record_b) : -1;
        if (a < 0 || b < 0 || a == b) {
            out->judgments_skipped++;
            continue;
        }
        resolve_link l = {(uint32_t)(a < b ? a : b), (uint32_t)(a < b ? b : a), RESOLVE_ANALYST, REFUSED_NONE,
                          1.0, ""};
        snprintf(l.detail, sizeof l.detail, "%s %s", j->kind == KD_PARTY_MERGE ? "merged" : "split",
                 j->note && *j->note ? j->note : "by an analyst");
        int rc;
        if (j->kind == KD_PARTY_MERGE) {
            rc = links_append(&s->all.candidates, &s->all.n_candidates, &s->all.cap_candidates, &l);
        } else {
            l.refused = REFUSED_SPLIT;
            rc = links_append(&s->all.kept_apart, &s->all.n_kept_apart, &s->all.cap_kept_apart, &l);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int compare_pair(const void *x, const void *y)
{
    const resolve_link *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

int resolve_check_judgment(const kd_index *ix, kd_party_judgment_kind kind, const char *record_a,
                           const char *record_b, kd_error *err)
{
    if (kind != KD_PARTY_MERGE && kind != KD_PARTY_SPLIT)
        return error_set(err, KD_EUSAGE, "a judgment is a merge or a split");
    const char *ids[2] = {record_a, record_b};
    int64_t at[2];
    for (int k = 0; k < 2; k++) {
        if (!ids[k] || !*ids[k])
            return error_set(err, KD_EUSAGE, "a judgment names two records");
        if ((at[k] = kd_index_find(ix, ids[k])) < 0)
            return error_set(err, KD_ENOTFOUND, "no record \"%.200s\" in the index", ids[k]);
    }
    if (at[0] == at[1])
        return error_set(err, KD_EUSAGE, "\"%.200s\" twice: a record is one party with itself", ids[0]);
    kd_entity_view va, vb;
    kd_index_entity(ix, (size_t)at[0], &va);
    kd_index_entity(ix, (size_t)at[1], &vb);
    if (!family_of(va.schema) || family_of(va.schema) != family_of(vb.schema))
        return error_set(err, KD_EUSAGE, "%.200s is a %s and %.200s a %s: not one kind of party", ids[0],
                         kd_schema_name(va.schema), ids[1], kd_schema_name(vb.schema));
    bool together = kd_index_party(ix, (size_t)at[0]) == kd_index_party(ix, (size_t)at[1]);
    kd_entity_view party;
    kd_index_entity(ix, kd_index_party(ix, (size_t)at[0]), &party);
    if (kind == KD_PARTY_MERGE && together)
        return error_set(err, KD_EUSAGE, "%.200s and %.200s are already one party (%.200s)", ids[0], ids[1],
                         party.id);
    if (kind == KD_PARTY_SPLIT && !together)
        return error_set(err, KD_EUSAGE, "%.200s and %.200s are not one party: there is nothing to split", ids[0],
                         ids[1]);
    return 0;
}

int resolve_run(const kd_index *ix, const kd_party_judgment *judgments, size_t n_judgments, resolve_result *out,
                kd_error *err)
{
    memset(out, 0, sizeof *out);
    state s = {.ix = ix, .n = kd_index_entity_count(ix)};
    s.records = calloc(s.n ? s.n : 1, sizeof *s.records);
    s.parent = malloc((s.n ? s.n : 1) * sizeof *s.parent);
    s.ring = malloc((s.n ? s.n : 1) * sizeof *s.ring);
    s.n_datasets = kd_index_dataset_count(ix);
    s.dataset_size = calloc(s.n_datasets ? s.n_datasets : 1, sizeof *s.dataset_size);
    out->party = malloc((s.n ? s.n : 1) * sizeof *out->party);
    out->n_entities = s.n;
    kd_matcher *m = NULL;
    int rc = !s.records || !s.parent || !s.ring || !s.dataset_size || !out->party ? error_set(err, KD_ENOMEM, "out of memory")
                                                    : kd_matcher_new(ix, &m, err);
    for (size_t e = 0; !rc && e < s.n; e++) {
        read_record(ix, e, &s.records[e]);
        s.parent[e] = s.ring[e] = (uint32_t)e;
        if (s.records[e].dataset < s.n_datasets)
            s.dataset_size[s.records[e].dataset]++;
    }
    if (!rc && add_judgments(&s, judgments, n_judgments, out))
        rc = error_set(err, KD_ENOMEM, "out of memory");
    if (!rc)
        rc = identifier_candidates(&s, m, err);
    if (!rc)
        rc = match_records(&s, err);
    if (!rc && join(&s, m, out))
        rc = error_set(err, KD_ENOMEM, "out of memory");
    /* pairs one authority keeps apart, as found (each once) */
    size_t cap_apart = 0;
    for (size_t i = 0; !rc && i < s.all.n_kept_apart; i++) {
        const resolve_link *l = &s.all.kept_apart[i];
        if (l->a > l->b)
            continue;
        if (links_append(&out->apart, &out->n_apart, &cap_apart, l))
            rc = error_set(err, KD_ENOMEM, "out of memory");
    }
    /* how many document pairs ended in one party */
    /* a pair sharing two numbers (a passport also given as an ID) counts once */
    if (s.n_documents)
        qsort(s.documents, s.n_documents, sizeof *s.documents, compare_pair);
    size_t cap_documents = 0;
    for (size_t i = 0; !rc && i < s.n_documents; i++) {
        resolve_link l = s.documents[i];
        if (i && l.a == s.documents[i - 1].a && l.b == s.documents[i - 1].b)
            continue;
        out->document_pairs++;
        if (out->party[l.a] == out->party[l.b]) {
            out->document_pairs_joined++;
            continue;
        }
        for (size_t k = 0; k < out->n_refused; k++)
            if (out->refused[k].a == l.a && out->refused[k].b == l.b && out->refused[k].kind == RESOLVE_IDENTIFIER)
                l = out->refused[k];
        if (links_append(&out->documents_apart, &out->n_documents_apart, &cap_documents, &l))
            rc = error_set(err, KD_ENOMEM, "out of memory");
    }
    kd_matcher_free(m);
    free(s.records);
    free(s.parent);
    free(s.ring);
    free(s.dataset_size);
    free(s.all.candidates);
    free(s.all.kept_apart);
    free(s.documents);
    if (rc)
        resolve_result_free(out);
    return rc;
}

void resolve_result_free(resolve_result *r)
{
    free(r->party);
    free(r->links);
    free(r->refused);
    free(r->apart);
    free(r->documents_apart);
    memset(r, 0, sizeof *r);
}
