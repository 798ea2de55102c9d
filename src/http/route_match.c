/* POST /match/{dataset}: yente's batch matching API. Each query is an FtM
 * entity fragment; its names (or first/last names), dates, countries,
 * gender and identifiers become kd_match queries, and the best result per
 * party (the records of several lists that are one person, body or vessel)
 * is returned in yente's shape — the party's canonical id, its referents and
 * one listing per record — with kordon's explanation. */
#include "http_internal.h"
#include "index/index.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static const kd_prop country_props[] = {KD_PROP_NATIONALITY, KD_PROP_COUNTRY, KD_PROP_CITIZENSHIP,
                                        KD_PROP_JURISDICTION};
static const kd_prop identifier_props[] = {
    KD_PROP_ID_NUMBER,  KD_PROP_PASSPORT_NUMBER, KD_PROP_REGISTRATION_NUMBER, KD_PROP_TAX_NUMBER,
    KD_PROP_INN_CODE,   KD_PROP_OGRN_CODE,       KD_PROP_IMO_NUMBER,          KD_PROP_MMSI,
    KD_PROP_LEI_CODE,   KD_PROP_SWIFT_BIC,       KD_PROP_VAT_CODE};

static bool one_of(kd_prop p, const kd_prop *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == p)
            return true;
    return false;
}

/* The matchable schemata of the parties kordon screens, for Thing. */
static uint16_t party_schemata(void)
{
    static const char *const parties[] = {"Person", "Organization", "Company", "LegalEntity",
                                          "PublicBody", "Vessel", "Airplane"};
    uint16_t bits = 0;
    for (size_t i = 0; i < KD_ARRAY_LEN(parties); i++) {
        int k = http_ftm_matchable(parties[i]);
        if (k >= 0)
            bits |= (uint16_t)(1u << k);
    }
    return bits;
}

/* Validates one query and builds its normalised echo (yente returns the
 * query as it understood it: countries as codes, dates as ISO). Returns the
 * HTTP status of a failure, or 0. */
int http_match_clean(const char *key, json_t *q, http_match_query *c, json_t **echo, char *why,
                       size_t why_size)
{
    memset(c, 0, sizeof *c);
    if (!json_is_object(q))
        return snprintf(why, why_size, "queries.%s: expected an object", key), 422;
    json_t *schema = json_object_get(q, "schema");
    if (!schema)
        return snprintf(why, why_size, "queries.%s.schema: field required", key), 422;
    if (!json_is_string(schema))
        return snprintf(why, why_size, "queries.%s.schema: expected a string", key), 422;
    const char *schema_name = json_string_value(schema);
    c->schema = kd_schema_from_name(schema_name);
    /* FtM's matchable schemata, as yente takes them, and kordon's Thing:
     * any party, with any party's properties (yente refuses Thing) */
    int ftm = http_ftm_matchable(schema_name);
    uint16_t schema_bits = ftm >= 0 ? (uint16_t)(1u << ftm) : c->schema == KD_SCHEMA_THING ? party_schemata() : 0;
    if (!schema_bits && c->schema < 0)
        return snprintf(why, why_size, "queries.%s.schema: unknown schema \"%.64s\"", key, schema_name), 400;
    if (!schema_bits)
        return snprintf(why, why_size, "queries.%s.schema: %s cannot be matched", key, schema_name), 400;
    c->screened = c->schema >= 0 && (c->schema <= KD_SCHEMA_PUBLIC_BODY || c->schema == KD_SCHEMA_THING);
    json_t *props = json_object_get(q, "properties");
    if (props && !json_is_object(props))
        return snprintf(why, why_size, "queries.%s.properties: expected an object", key), 422;
    json_t *id = json_object_get(q, "id");
    if (id && !json_is_string(id) && !json_is_null(id))
        return snprintf(why, why_size, "queries.%s.id: expected a string", key), 422;
    json_t *out_props = json_object();
    *echo = json_pack("{s:O?,s:s,s:o}", "id", id, "schema", json_string_value(schema), "properties",
                      out_props);
    const char *part[4] = {0}; /* first, middle, father, last */
    const char *prop_name;
    json_t *value;
    json_object_foreach(props, prop_name, value) {
        const char *values[16];
        int n = http_json_strings(value, values, 16);
        if (n < 0)
            return snprintf(why, why_size, "queries.%s.properties.%.64s: expected a string or a list of strings",
                            key, prop_name),
                   422;
        /* a property the schema does not have is not part of the query:
         * yente drops it, from the comparison and from the echo */
        if (!(http_ftm_property_schemata(prop_name) & schema_bits))
            continue;
        int p = kd_prop_from_name(prop_name);
        json_t *cleaned = json_array();
        for (int i = 0; i < n && i < 16; i++) {
            const char *v = values[i];
            char code[3], date[64];
            if (p >= 0 && one_of((kd_prop)p, country_props, KD_ARRAY_LEN(country_props))) {
                if (!country_code(v, strlen(v), code))
                    continue; /* FtM drops what is not a country */
                json_array_append_new(cleaned, json_string(code));
                if (!c->country[0])
                    memcpy(c->country, code, 3);
                continue;
            }
            if (p == KD_PROP_BIRTH_DATE || p == KD_PROP_INCORPORATION_DATE) {
                if (!date_normalise(v, strlen(v), date, sizeof date))
                    continue;
                json_array_append_new(cleaned, json_string(date));
                if (c->n_dates < HTTP_MATCH_DATES)
                    c->dates[c->n_dates++] = v;
                continue;
            }
            json_array_append_new(cleaned, json_string(v));
            if ((p == KD_PROP_NAME || p == KD_PROP_ALIAS) && *v && c->n_names < HTTP_MATCH_NAMES)
                c->names[c->n_names++] = v;
            else if (p == KD_PROP_GENDER && !c->gender)
                c->gender = v;
            else if (p >= 0 && !c->identifier && one_of((kd_prop)p, identifier_props,
                                                      KD_ARRAY_LEN(identifier_props)))
                c->identifier = v;
            else if (p == KD_PROP_FIRST_NAME && !part[0])
                part[0] = v;
            else if (p == KD_PROP_MIDDLE_NAME && !part[1])
                part[1] = v;
            else if (p == KD_PROP_FATHER_NAME && !part[2])
                part[2] = v;
            else if (p == KD_PROP_LAST_NAME && !part[3])
                part[3] = v;
        }
        if (json_array_size(cleaned))
            json_object_set_new(out_props, prop_name, cleaned);
        else
            json_decref(cleaned);
    }
    if (!c->n_names) {
        size_t used = 0;
        for (int i = 0; i < 4; i++)
            if (part[i] && *part[i] && used < sizeof c->built_name)
                used += (size_t)snprintf(c->built_name + used, sizeof c->built_name - used, "%s%s",
                                         used ? " " : "", part[i]);
        if (used) {
            c->names[c->n_names++] = c->built_name;
            json_object_set_new(out_props, "name", json_pack("[s]", c->built_name));
        }
    }
    /* an identifier alone is a query too (a vessel by its IMO number) */
    if (c->screened && !c->n_names && !(c->identifier && *c->identifier))
        return snprintf(why, why_size,
                        "queries.%s: no name (give properties.name, or firstName and lastName, or an identifier "
                        "such as imoNumber)",
                        key),
               400;
    return 0;
}

static int compare_merged(const void *a, const void *b)
{
    const http_match_found *x = a, *y = b;
    return (x->r.score < y->r.score) - (x->r.score > y->r.score);
}

/* Runs every name × birth date of the query and keeps each party's best. */
int http_match_run(kd_matcher *m, const http_match_query *c, http_filter *filter, size_t limit,
                     double threshold, kd_match_result *results, http_match_found *out, size_t cap, kd_error *err)
{
    if (!c->screened)
        return 0; /* nothing of its schema is listed */
    /* party -> its row in out, so that merging stays linear however many
     * names, dates and results a query brings */
    size_t n_slots = 16;
    while (n_slots < 2 * cap)
        n_slots *= 2;
    uint32_t *slots = calloc(n_slots, sizeof *slots); /* row + 1; 0 = empty */
    if (!slots)
        return error_set(err, KD_ENOMEM, "out of memory");
    size_t n_out = 0;
    int n_dates = c->n_dates ? c->n_dates : 1;
    /* no name: one run by the identifier alone */
    int n_names = c->n_names ? c->n_names : 1;
    for (int i = 0; i < n_names; i++)
        for (int d = 0; d < n_dates; d++) {
            kd_match_query q = {.name = c->n_names ? c->names[i] : "",
                                .schema = c->schema == KD_SCHEMA_THING ? -1 : c->schema,
                                .birth_date = c->n_dates ? c->dates[d] : NULL,
                                .country = c->country[0] ? c->country : NULL,
                                .gender = c->gender,
                                .identifier = c->identifier,
                                .threshold = threshold,
                                .limit = limit,
                                .accept = http_filter_accept,
                                .accept_context = filter};
            int n = kd_match(m, &q, results, NULL, err);
            if (n < 0) {
                free(slots);
                return n;
            }
            for (int k = 0; k < n; k++) {
                size_t at = (results[k].party * 0x9E3779B97F4A7C15ull) & (n_slots - 1);
                while (slots[at] && out[slots[at] - 1].r.party != results[k].party)
                    at = (at + 1) & (n_slots - 1);
                size_t j = slots[at] ? slots[at] - 1 : n_out;
                if (j == n_out) {
                    if (n_out == cap)
                        continue;
                    slots[at] = (uint32_t)++n_out;
                } else if (out[j].r.score >= results[k].score) {
                    continue;
                }
                out[j].r = results[k];
                out[j].query_name = c->n_names ? c->names[i] : c->identifier;
            }
        }
    free(slots);
    qsort(out, n_out, sizeof *out, compare_merged);
    return (int)n_out;
}

double http_match_reweigh(const kd_match_result *r, const http_match_weights *w)
{
    double s = r->name_score * w->name_match + (r->score - r->name_score) * w->evidence;
    s = s < 0 ? 0 : s > 1 ? 1 : s;
    return floor(s * 1000 + 0.5) / 1000;
}

/* ---- explanations: kordon's evidence under yente's feature names ------- */

/* yente's logic-v2 feature for an identifier property that agrees. */
static const char *identifier_feature(const char *prop)
{
    static const struct {
        const char *prop, *feature;
    } features[] = {
        {"imoNumber", "vessel_imo_mmsi_match"}, {"mmsi", "vessel_imo_mmsi_match"},
        {"innCode", "inn_code_match"},          {"ogrnCode", "ogrn_code_match"},
        {"leiCode", "lei_code_match"},          {"swiftBic", "bic_code_match"},
        {"uniqueEntityId", "uei_code_match"},
    };
    for (size_t i = 0; i < KD_ARRAY_LEN(features); i++)
        if (strcmp(features[i].prop, prop) == 0)
            return features[i].feature;
    return "identifier_match";
}

#define SEPARATOR " \xC2\xB7 " /* " · " between the parts of an explanation */
#define UNEQUAL "\xE2\x89\xA0"  /* "≠" */

static bool starts_with(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A piece of an explanation as a JSON string, or null when empty. */
static json_t *piece(const char *s, size_t n)
{
    return s && n ? json_stringn(s, n) : json_null();
}

/* One fired feature: yente's FeatureResult, score 1 (yente's value of a
 * feature that holds; its weight is the algorithm's, in /algorithms). */
static void add_feature(json_t *explanations, const char *name, const char *detail, size_t n, const char *query,
                        size_t query_len, const char *candidate, size_t candidate_len)
{
    json_object_set_new(explanations, name,
                        json_pack("{s:f,s:o,s:o,s:o}", "score", 1.0, "detail", piece(detail, n), "query",
                                  piece(query, query_len), "candidate", piece(candidate, candidate_len)));
}

/* Where `needle` starts in s[0..n), or NULL. */
static const char *find_in(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return s + i;
    return NULL;
}

/* Reads one part of kordon's explanation that match_apply_evidence wrote
 * (src/match/features.c) and adds the yente feature it is, if any: a birth
 * date in another year (dob_year_disjoint) or on another day of the same
 * year (dob_day_disjoint), a country not listed (country_mismatch), another
 * gender, an identifier that agrees. Agreeing dates and countries lift
 * kordon's score and have no yente feature: they stay in the result's
 * evidence. Returns whether the part is evidence (not the name's). */
static bool evidence_part(const char *s, size_t n, json_t *explanations)
{
    const char *space = memchr(s, ' ', n);
    if (starts_with(s, n, "born ") && n > 5 && s[5] >= '0' && s[5] <= '9') {
        const char *q = s + 5, *q_end = memchr(q, ' ', (size_t)(s + n - q));
        if (!q_end)
            return true;
        const char *op = q_end + 1;
        const char *l = memchr(op, ' ', (size_t)(s + n - op));
        if (!l)
            return true;
        l++;
        const char *l_end = l;
        while (l_end < s + n && *l_end != ' ')
            l_end++;
        bool unequal = starts_with(op, (size_t)(s + n - op), UNEQUAL);
        bool near = ends_with(s, n, "(near)");
        if (unequal || near) {
            bool same_year = !unequal && l_end - l >= 4 && q_end - q >= 4 && memcmp(q, l, 4) == 0;
            add_feature(explanations, same_year ? "dob_day_disjoint" : "dob_year_disjoint", s, n, q,
                        (size_t)(q_end - q), l, (size_t)(l_end - l));
        }
        return true;
    }
    if (starts_with(s, n, "country ") && (ends_with(s, n, " listed"))) {
        if (ends_with(s, n, " not listed"))
            add_feature(explanations, "country_mismatch", s, n, s + 8, n >= 10 ? 2 : 0, NULL, 0);
        return true;
    }
    const char *sep = starts_with(s, n, "gender ") ? find_in(s, n, " " UNEQUAL " ") : NULL;
    if (sep) {
        const char *q = s + 7, *l = sep + strlen(" " UNEQUAL " ");
        add_feature(explanations, "gender_mismatch", s, n, q, (size_t)(sep - q), l, (size_t)(s + n - l));
        return true;
    }
    if (starts_with(s, n, "identifier ") && ends_with(s, n, " not listed"))
        return true; /* another vessel's IMO number: kordon's own penalty */
    if (space && ends_with(s, n, " = listed")) {
        char prop[32];
        snprintf(prop, sizeof prop, "%.*s", (int)(space - s), s);
        int p = kd_prop_from_name(prop);
        if (p < 0)
            return false;
        const char *q = space + 1;
        add_feature(explanations, identifier_feature(prop), s, n, q, (size_t)(s + n - strlen(" = listed") - q),
                    NULL, 0);
        return true;
    }
    return false;
}

json_t *http_match_result(const live_index *g, const http_match_found *mr, double score, double threshold)
{
    const kd_index *ix = g->index;
    const kd_match_result *r = &mr->r;
    json_t *o = http_party_object(g, r->party, false);
    kd_entity_view matched;
    kd_index_entity(ix, r->entity, &matched);
    /* which of the party's records the query matched best */
    json_object_set_new(o, "matched_record", json_string(matched.id));
    json_object_set_new(o, "score", json_real(score));
    json_object_set_new(o, "match", json_boolean(score >= threshold));
    /* kordon's explanation, "evgeny≈yevgeny 1.00 · primakov=primakov · born
     * 1976 ~ 1976-04-29 (same year) · country ru listed", split into the
     * name's parts and the evidence's; the evidence, where it means what a
     * feature of yente's default algorithm (logic-v2) means, under that
     * feature's name — clients written for yente read them as they are */
    json_t *explanations = json_object();
    char name_part[sizeof r->explanation], evidence[sizeof r->explanation];
    size_t name_len = 0, evidence_len = 0;
    bool named = true;
    for (const char *s = r->explanation; *s;) {
        const char *next = strstr(s, SEPARATOR);
        size_t n = next ? (size_t)(next - s) : strlen(s);
        bool part_of_evidence = evidence_part(s, n, explanations);
        if (!part_of_evidence && n == strlen("no name given") && starts_with(s, n, "no name given"))
            named = false; /* found by an identifier alone */
        char *to = part_of_evidence ? evidence : name_part;
        size_t *len = part_of_evidence ? &evidence_len : &name_len;
        *len += (size_t)snprintf(to + *len, sizeof evidence - *len, "%s%.*s", *len ? SEPARATOR : "", (int)n, s);
        if (*len >= sizeof evidence)
            *len = sizeof evidence - 1;
        s = next ? next + strlen(SEPARATOR) : s + n;
    }
    if (named) { /* first, as the score starts from it */
        json_t *all = json_pack("{s:{s:f,s:s%,s:s?,s:s}}", "name_match", "score", r->name_score, "detail",
                                name_part, name_len, "query", mr->query_name, "candidate", r->matched_name);
        if (all) {
            json_object_update(all, explanations);
            json_decref(explanations);
            explanations = all;
        }
    }
    /* kordon's own: how far everything beside the name moved the score,
     * agreement included (which logic-v2 does not weigh) */
    double moved = r->score - r->name_score;
    if (evidence_len || fabs(moved) >= 0.0005)
        json_object_set_new(o, "evidence", json_pack("{s:f,s:s%}", "score", moved, "detail", evidence, evidence_len));
    /* yente before 5.2.1 sent each feature's score as `features` */
    json_t *features = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(explanations, k, v)
        json_object_set(features, k, json_object_get(v, "score"));
    json_object_set_new(o, "explanations", explanations);
    json_object_set_new(o, "features", features);
    /* a party not listed itself, tied to one that is: with whom and how */
    json_t *linked = index_ties_json(ix, g->ties, r->party);
    if (linked)
        json_object_set_new(o, "linked_to", linked);
    return o;
}

/* The features of the explanations beside name_match: parts of kordon's
 * evidence (evidence_part). */
static bool evidence_feature(const char *name)
{
    static const char *const names[] = {"identifier_match", "vessel_imo_mmsi_match", "inn_code_match",
                                        "ogrn_code_match",  "lei_code_match",        "bic_code_match",
                                        "uei_code_match",   "dob_year_disjoint",     "dob_day_disjoint",
                                        "country_mismatch", "gender_mismatch"};
    for (size_t i = 0; i < KD_ARRAY_LEN(names); i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* weights and config name yente's features and options: kordon applies
 * those it has and names the others in the answer's `warnings`, as
 * nomenklatura ignores unknown ones — a client written for yente is not
 * refused. */
static int parse_weights(json_t *body, http_match_weights *w, json_t *warnings, char *why, size_t why_size)
{
    *w = (http_match_weights){1.0, 1.0};
    json_t *weights = json_object_get(body, "weights");
    if (weights && !json_is_null(weights)) {
        if (!json_is_object(weights))
            return snprintf(why, why_size, "weights: expected an object"), 422;
        const char *k;
        json_t *v;
        json_object_foreach(weights, k, v) {
            if (!json_is_number(v))
                return snprintf(why, why_size, "weights.%.64s: expected a number", k), 422;
            if (strcmp(k, "name_match") == 0)
                w->name_match = json_number_value(v);
            else if (strcmp(k, "evidence") == 0)
                w->evidence = json_number_value(v);
            else if (evidence_feature(k))
                json_array_append_new(warnings, json_sprintf("weights.%.64s: kordon weighs this feature within its "
                                                             "evidence, which weights.evidence scales as a whole: "
                                                             "ignored",
                                                             k));
            else
                json_array_append_new(warnings, json_sprintf("weights.%.64s: not a feature of kordon's algorithm "
                                                             "(see /algorithms): ignored", k));
        }
    }
    json_t *config = json_object_get(body, "config");
    if (config && !json_is_null(config)) {
        if (!json_is_object(config))
            return snprintf(why, why_size, "config: expected an object"), 422;
        const char *k;
        json_t *v;
        /* yente's logic-v2 options (nomenklatura's LogicV2.CONFIG): named
         * back as not applied; any other key is a client's mistake */
        static const char *const logic_v2[] = {"nm_name_property", "nm_number_mismatch", "nm_extra_query_name",
                                               "nm_extra_result_name", "nm_family_name_weight",
                                               "nm_fuzzy_cutoff_factor"};
        json_object_foreach(config, k, v) {
            if (json_is_object(v) || json_is_array(v))
                return snprintf(why, why_size, "config.%.64s: expected a string, number, boolean or null", k), 422;
            bool known = false;
            for (size_t i = 0; i < KD_ARRAY_LEN(logic_v2) && !known; i++)
                known = strcmp(logic_v2[i], k) == 0;
            if (!known)
                return snprintf(why, why_size, "config.%.64s: unknown option (see /algorithms)", k), 400;
            json_array_append_new(warnings, json_sprintf("config.%.64s: a logic-v2 option kordon's algorithm has "
                                                         "no counterpart for: ignored",
                                                         k));
        }
    }
    return 0;
}

/* Results looked at for total.value however small the limit. */
#define MATCH_TOTAL_LOOKAHEAD 10

void route_match(http_request *rq, http_response *rs, const char *dataset)
{
    /* a retry of a request recorded already gets its answer again */
    http_idempotency idem;
    if (http_idempotency_check(rq, rs, "match", &idem))
        return;
    http_filter filter;
    if (http_filter_for(rq, rs, dataset, &filter))
        return;
    long limit;
    double threshold, cutoff;
    if (http_arg_int(rq, rs, "limit", 5, 0, HTTP_MATCH_LIMIT, &limit) ||
        http_arg_finite(rq, rs, "threshold", KD_MATCH_THRESHOLD, &threshold) ||
        /* yente's default: nothing at or under the threshold's 0.70 is
         * returned unless the client asks for near misses (the web page) */
        http_arg_finite(rq, rs, "cutoff", KD_MATCH_THRESHOLD, &cutoff))
        return;
    const char *algorithm = http_arg(rq, "algorithm");
    if (algorithm && *algorithm && !http_algorithm_known(algorithm)) {
        http_reply_error(rs, 400, "Unknown algorithm: %s (see /algorithms)", algorithm);
        return;
    }
    /* lookup=true: an analyst's search, recorded with --db as a lookup by
     * its user (X-Kordon-User) and raising no alerts; a word other than
     * true or false is refused rather than read as either */
    const char *lookup_arg = http_arg(rq, "lookup");
    bool lookup = lookup_arg && (strcmp(lookup_arg, "true") == 0 || strcmp(lookup_arg, "1") == 0);
    if (lookup_arg && !lookup && strcmp(lookup_arg, "false") != 0 && strcmp(lookup_arg, "0") != 0) {
        http_reply_error(rs, 400, "lookup: expected true or false, not \"%.64s\"", lookup_arg);
        return;
    }

    json_error_t jerr;
    json_t *body = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!body) {
        /* 422, as yente (FastAPI) answers a body it cannot read */
        http_reply_error(rs, 422, "Invalid JSON body, line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return;
    }
    char why[512];
    http_match_weights weights;
    json_t *warnings = json_array();
    int status = json_is_object(body) ? parse_weights(body, &weights, warnings, why, sizeof why)
                                      : (snprintf(why, sizeof why, "body: expected a JSON object"), 422);
    json_t *queries = json_is_object(body) ? json_object_get(body, "queries") : NULL;
    if (!status && !json_is_object(queries))
        status = (snprintf(why, sizeof why, "queries: field required (an object of named queries)"), 422);
    if (!status && json_object_size(queries) == 0)
        status = (snprintf(why, sizeof why, "No queries provided."), 400); /* as yente says it */
    if (!status && json_object_size(queries) > rq->options->max_queries)
        status = (snprintf(why, sizeof why, "Too many queries: %zu, at most %zu per request",
                           json_object_size(queries), rq->options->max_queries),
                  400);
    if (status) {
        json_decref(body);
        json_decref(warnings);
        http_reply_error(rs, status, "%s", why);
        return;
    }
    kd_error err = {0};
    kd_matcher *m = http_take_matcher(rq, rs);
    if (!m) {
        json_decref(body);
        json_decref(warnings);
        return;
    }
    json_t *responses = json_object();
    double floor_score = cutoff < threshold ? cutoff : threshold;
    /* With --db, the request is one screening run: every query and what it
     * returned, in one transaction, before the client sees the answer. */
    http_recording rec;
    char source[160];
    snprintf(source, sizeof source, "api /match/%.64s", dataset);
    /* the algorithm asked for, and the one that scored (every name selects
     * it): an audit of the run must not read logic-v2 where kordon scored */
    json_t *params = json_pack("{s:s,s:I,s:f,s:f,s:s,s:s,s:I}", "dataset", dataset, "limit", (json_int_t)limit,
                               "threshold", threshold, "cutoff", cutoff, "algorithm",
                               algorithm && *algorithm ? algorithm : "best", "scored_by", HTTP_ALGORITHM, "queries",
                               (json_int_t)json_object_size(queries));
    if (lookup)
        json_object_set_new(params, "lookup", json_true());
    status = http_record_begin(rq, source, params, &rec, &err)
                 ? (snprintf(why, sizeof why, "cannot record the screening: %.400s", err.message),
                    http_store_status(rq->server, &err))
                 : 0;
    json_decref(params);
    size_t row = 0;
    /* each name and date adds at most `limit` entities to the merge */
    /* limit=0 (yente takes it) answers no results: the queries still run;
     * and total counts the matches before the answer is cut to limit, as
     * yente's does, among at least MATCH_TOTAL_LOOKAHEAD results */
    size_t run_limit = (size_t)limit > MATCH_TOTAL_LOOKAHEAD ? (size_t)limit : MATCH_TOTAL_LOOKAHEAD;
    size_t cap_found = run_limit * HTTP_MATCH_RUNS;
    http_match_found *found = malloc(cap_found * sizeof *found);
    kd_match_result *scratch = malloc(run_limit * sizeof *scratch);
    const char *key;
    json_t *q;
    json_object_foreach(queries, key, q) {
        if (status)
            break;
        http_match_query c;
        json_t *echo = NULL;
        status = http_match_clean(key, q, &c, &echo, why, sizeof why);
        if (!status && (!found || !scratch))
            status = (snprintf(why, sizeof why, "out of memory"), 500);
        if (status) {
            json_decref(echo);
            break;
        }
        if (!c.screened)
            json_array_append_new(warnings, json_sprintf("queries.%.64s: kordon's lists hold persons, bodies, vessels and "
                                                         "aircraft, no %s to compare with: no results",
                                                         key, json_string_value(json_object_get(echo, "schema"))));
        int n = http_match_run(m, &c, &filter, run_limit, threshold, scratch, found, cap_found, &err);
        if (n < 0) {
            json_decref(echo);
            status = err.code == KD_ENOMEM ? 500 : 400;
            snprintf(why, sizeof why, "queries.%.64s: %.400s", key, err.message);
            break;
        }
        json_t *results = json_array();
        size_t matches = 0;
        for (int i = 0; i < n; i++) {
            double score = http_match_reweigh(&found[i].r, &weights);
            if (score <= floor_score)
                continue;
            matches += score >= threshold;
            if (json_array_size(results) >= (size_t)limit)
                continue;
            json_array_append_new(results, http_match_result(rq->index, &found[i], score, threshold));
            /* what was answered is what is recorded */
            scratch[json_array_size(results) - 1] = found[i].r;
            scratch[json_array_size(results) - 1].score = score;
            scratch[json_array_size(results) - 1].match = score >= threshold;
        }
        const char *id = json_string_value(json_object_get(echo, "id"));
        if (http_record_add(&rec, ++row, id ? id : key, &c, scratch, json_array_size(results), &err)) {
            json_decref(results);
            json_decref(echo);
            status = http_store_status(rq->server, &err);
            snprintf(why, sizeof why, "cannot record the screening: %.400s", err.message);
            break;
        }
        json_object_set_new(responses, key,
                            json_pack("{s:i,s:o,s:{s:I,s:s},s:o}", "status", 200, "results", results, "total",
                                      "value", (json_int_t)matches, "relation", "eq", "query", echo));
    }
    /* a run kept for the recorder thread goes with the answer, which the
     * server sends once it is durable */
    bool hand_over = !status && rec.pending;
    if (!hand_over && http_record_end(&rec, status == 0, &err) && !status) {
        status = http_store_status(rq->server, &err);
        snprintf(why, sizeof why, "cannot record the screening: %.400s", err.message);
    }
    free(found);
    free(scratch);
    live_give_matcher(rq->index, m);
    snprintf(rs->batch_size, sizeof rs->batch_size, "%zu", json_object_size(queries));
    json_decref(body);
    if (status) {
        json_decref(responses);
        json_decref(warnings);
        http_reply_error(rs, status, "%s", why);
        return;
    }
    /* which index answered, as X-Kordon-Index says: kept with the answer
     * (Idempotency-Key) and comparable across replicas */
    const live_index *li = rq->index;
    json_t *which = json_pack("{s:s%,s:I,s:s}", "etag", li->etag + 1, strlen(li->etag) >= 2 ? strlen(li->etag) - 2 : 0,
                              "generation", (json_int_t)li->generation, "built_at", kd_index_built_at(li->index));
    json_t *answer = json_pack("{s:o,s:I,s:o}", "responses", responses, "limit", (json_int_t)limit, "index",
                               which ? which : json_null());
    if (json_array_size(warnings))
        json_object_set(answer, "warnings", warnings);
    json_decref(warnings);
    http_reply_json(rs, 200, answer);
    if (hand_over)
        http_record_hand_over(&rec, rs, &idem);
}
