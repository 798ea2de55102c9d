/* kordon — sanctions and watchlist screening engine. Public library API.
 *
 * Ownership, stated once: every kd_*_open / kd_*_new returns an object the
 * caller releases with the matching kd_*_close / kd_*_free. Strings returned
 * by an index (kd_index_*) point into the mapped file and live as long as the
 * index stays open; strings returned as `char *` are the caller's to free().
 * Every function that can fail returns 0 or a negative KD_E* code and, when
 * given a kd_error, fills it with a message naming file, line and field. */
#ifndef KORDON_H
#define KORDON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What libkordon.a exports: the library is compiled with hidden visibility
 * and every function of the public headers is marked so. */
#if defined(__GNUC__) || defined(__clang__)
#define KD_API __attribute__((visibility("default")))
#else
#define KD_API
#endif

#define KORDON_VERSION_STRING "0.1.0"

/* ---- errors ------------------------------------------------------------ */

#define KD_ERRNO_MAP(X)                                                        \
    X(IO, -1, "input/output error")                                            \
    X(PARSE, -2, "malformed input")                                            \
    X(FORMAT, -3, "unrecognised list format")                                  \
    X(NOMEM, -4, "out of memory")                                              \
    X(LIMIT, -5, "input exceeds a size limit")                                 \
    X(INDEX, -6, "invalid or corrupt index file")                              \
    X(NOTFOUND, -7, "not found")                                               \
    X(USAGE, -8, "invalid usage")                                              \
    X(UTF8, -9, "invalid UTF-8")                                               \
    X(EMPTY, -10, "no records found")                                          \
    X(CANCELED, -11, "cancelled")

enum {
    KD_OK = 0,
#define KD_ERRNO_ENUM(name, code, text) KD_E##name = code,
    KD_ERRNO_MAP(KD_ERRNO_ENUM)
#undef KD_ERRNO_ENUM
};

typedef struct kd_error {
    int code;
    char message[1024];
} kd_error;

/* A short description of an error code ("malformed input"). */
KD_API const char *kd_strerror(int code);

/* ---- schemata ---------------------------------------------------------- */
/* FollowTheMoney schema names. The first six are the parties kordon screens;
 * the rest appear in FtM exports and are kept so nothing is dropped. */
#define KD_SCHEMA_MAP(X)                                                       \
    X(PERSON, "Person")                                                        \
    X(ORGANIZATION, "Organization")                                            \
    X(COMPANY, "Company")                                                      \
    X(LEGAL_ENTITY, "LegalEntity")                                             \
    X(VESSEL, "Vessel")                                                        \
    X(AIRPLANE, "Airplane")                                                    \
    X(PUBLIC_BODY, "PublicBody")                                               \
    X(ADDRESS, "Address")                                                      \
    X(SANCTION, "Sanction")                                                    \
    X(PAYMENT, "Payment")                                                      \
    X(OWNERSHIP, "Ownership")                                                  \
    X(FAMILY, "Family")                                                        \
    X(ASSOCIATE, "Associate")                                                  \
    X(DIRECTORSHIP, "Directorship")                                            \
    X(MEMBERSHIP, "Membership")                                                \
    X(EMPLOYMENT, "Employment")                                                \
    X(OCCUPANCY, "Occupancy")                                                  \
    X(PASSPORT, "Passport")                                                    \
    X(IDENTIFICATION, "Identification")                                        \
    X(SECURITY, "Security")                                                    \
    X(VEHICLE, "Vehicle")                                                      \
    X(POSITION, "Position")                                                    \
    X(UNKNOWN_LINK, "UnknownLink")                                             \
    X(ASSET, "Asset")                                                          \
    X(THING, "Thing")

typedef enum kd_schema {
#define KD_SCHEMA_ENUM(name, text) KD_SCHEMA_##name,
    KD_SCHEMA_MAP(KD_SCHEMA_ENUM)
#undef KD_SCHEMA_ENUM
    KD_SCHEMA_COUNT
} kd_schema;

KD_API const char *kd_schema_name(kd_schema schema);
/* Returns the schema for an FtM name, or -1 when unknown. */
KD_API int kd_schema_from_name(const char *name);

/* ---- properties -------------------------------------------------------- */
/* FollowTheMoney property names. Country-typed properties hold ISO 3166-1
 * alpha-2 codes when the list's text could be resolved, the text otherwise;
 * date-typed ones hold ISO 8601 partial dates ("1976", "1976-04",
 * "1976-04-29"), "1960/1962" for a range and a trailing "~" for circa. */
#define KD_PROP_MAP(X)                                                         \
    X(NAME, "name")                                                            \
    X(ALIAS, "alias")                                                          \
    X(WEAK_ALIAS, "weakAlias")                                                 \
    X(PREVIOUS_NAME, "previousName")                                           \
    X(ABBREVIATION, "abbreviation")                                            \
    X(FIRST_NAME, "firstName")                                                 \
    X(MIDDLE_NAME, "middleName")                                               \
    X(LAST_NAME, "lastName")                                                   \
    X(FATHER_NAME, "fatherName")                                               \
    X(MOTHER_NAME, "motherName")                                               \
    X(TITLE, "title")                                                          \
    X(BIRTH_DATE, "birthDate")                                                 \
    X(BIRTH_PLACE, "birthPlace")                                               \
    X(BIRTH_COUNTRY, "birthCountry")                                           \
    X(DEATH_DATE, "deathDate")                                                 \
    X(NATIONALITY, "nationality")                                              \
    X(CITIZENSHIP, "citizenship")                                              \
    X(COUNTRY, "country")                                                      \
    X(JURISDICTION, "jurisdiction")                                            \
    X(GENDER, "gender")                                                        \
    X(POSITION, "position")                                                    \
    X(PASSPORT_NUMBER, "passportNumber")                                       \
    X(ID_NUMBER, "idNumber")                                                   \
    X(TAX_NUMBER, "taxNumber")                                                 \
    X(REGISTRATION_NUMBER, "registrationNumber")                               \
    X(INN_CODE, "innCode")                                                     \
    X(OGRN_CODE, "ogrnCode")                                                   \
    X(KPP_CODE, "kppCode")                                                     \
    X(OKPO_CODE, "okpoCode")                                                   \
    X(LEI_CODE, "leiCode")                                                     \
    X(SWIFT_BIC, "swiftBic")                                                   \
    X(PERM_ID, "permId")                                                       \
    X(UNIQUE_ENTITY_ID, "uniqueEntityId")                                      \
    X(IMO_NUMBER, "imoNumber")                                                 \
    X(MMSI, "mmsi")                                                            \
    X(CALL_SIGN, "callSign")                                                   \
    X(FLAG, "flag")                                                            \
    X(BUILD_DATE, "buildDate")                                                 \
    X(TYPE, "type")                                                            \
    X(TONNAGE, "tonnage")                                                      \
    X(GROSS_TONNAGE, "grossRegisteredTonnage")                                 \
    X(OWNER_NAME, "ownerName")                                                 \
    X(ADDRESS, "address")                                                      \
    X(EMAIL, "email")                                                          \
    X(PHONE, "phone")                                                          \
    X(WEBSITE, "website")                                                      \
    X(NOTES, "notes")                                                          \
    X(SUMMARY, "summary")                                                      \
    X(PROGRAM, "program")                                                      \
    X(PROGRAM_ID, "programId")                                                 \
    X(REASON, "reason")                                                        \
    X(LISTING_DATE, "listingDate")                                             \
    X(START_DATE, "startDate")                                                 \
    X(END_DATE, "endDate")                                                     \
    X(AUTHORITY, "authority")                                                  \
    X(SOURCE_URL, "sourceUrl")                                                 \
    X(TOPICS, "topics")                                                        \
    X(LEGAL_FORM, "legalForm")                                                 \
    X(INCORPORATION_DATE, "incorporationDate")                                 \
    X(DISSOLUTION_DATE, "dissolutionDate")                                     \
    X(STATUS, "status")                                                        \
    X(SECTOR, "sector")                                                        \
    X(CREATED_AT, "createdAt")                                                 \
    X(MODIFIED_AT, "modifiedAt")                                               \
    X(RECORD_ID, "recordId")                                                   \
    X(ADDRESS_ENTITY, "addressEntity")                                         \
    X(FULL, "full")                                                            \
    X(STREET, "street")                                                        \
    X(CITY, "city")                                                            \
    X(POSTAL_CODE, "postalCode")                                               \
    X(POST_OFFICE_BOX, "postOfficeBox")                                        \
    X(REGION, "region")                                                        \
    X(ENTITY, "entity")                                                        \
    X(PERSON, "person")                                                        \
    X(RELATIVE, "relative")                                                    \
    X(RELATIONSHIP, "relationship")                                            \
    X(ORGANIZATION, "organization")                                            \
    X(DIRECTOR, "director")                                                    \
    X(OWNER, "owner")                                                          \
    X(ASSET, "asset")                                                          \
    X(HOLDER, "holder")                                                        \
    X(ROLE, "role")                                                            \
    X(PERCENTAGE, "percentage")                                                \
    X(SHARES_COUNT, "sharesCount")                                             \
    X(PAYER, "payer")                                                          \
    X(BENEFICIARY, "beneficiary")                                              \
    X(AMOUNT_EUR, "amountEur")                                                 \
    X(DATE, "date")                                                            \
    X(DURATION, "duration")                                                    \
    X(NAMES_MENTIONED, "namesMentioned")                                       \
    X(PROVISIONS, "provisions")                                                \
    X(PROGRAM_URL, "programUrl")                                               \
    X(AUTHORITY_ID, "authorityId")                                             \
    X(NUMBER, "number")                                                        \
    X(APPEARANCE, "appearance")                                                \
    X(ETHNICITY, "ethnicity")                                                  \
    X(RELIGION, "religion")                                                    \
    X(EDUCATION, "education")                                                  \
    X(POLITICAL, "political")                                                  \
    X(WIKIDATA_ID, "wikidataId")                                               \
    X(KEYWORDS, "keywords")                                                    \
    X(VAT_CODE, "vatCode")                                                     \
    X(TICKER, "ticker")                                                        \
    X(ISIN, "isin")                                                            \
    X(MODEL, "model")                                                          \
    X(REGISTRATION_DATE, "registrationDate")                                   \
    X(SERIAL_NUMBER, "serialNumber")                                           \
    X(PUBLISHER_DATASET, "publisherDataset")                                   \
    X(REFERENTS, "referents")                                                  \
    X(FIRST_SEEN, "first_seen")                                                \
    X(LAST_SEEN, "last_seen")                                                  \
    X(LAST_CHANGE, "last_change")                                              \
    X(SUBJECT, "subject")                                                      \
    X(OBJECT, "object")

typedef enum kd_prop {
#define KD_PROP_ENUM(name, text) KD_PROP_##name,
    KD_PROP_MAP(KD_PROP_ENUM)
#undef KD_PROP_ENUM
    KD_PROP_COUNT
} kd_prop;

KD_API const char *kd_prop_name(kd_prop prop);
/* Returns the property for an FtM name, or -1 when unknown. */
KD_API int kd_prop_from_name(const char *name);
/* Meta properties (referents, first_seen, ...) sit at the top level of an
 * FtM JSON entity rather than inside "properties". */
KD_API int kd_prop_is_meta(kd_prop prop);

/* ---- building an index ------------------------------------------------- */

/* An analyst's correction of the parties the build finds (see `kordon
 * resolve`): merge says two records are one party, split that they are
 * two, whatever the rules say. */
typedef enum kd_party_judgment_kind { KD_PARTY_MERGE = 1, KD_PARTY_SPLIT = 2 } kd_party_judgment_kind;
typedef struct kd_party_judgment {
    kd_party_judgment_kind kind;
    const char *record_a, *record_b; /* record ids */
    const char *note;                /* who, when and why: shown as the evidence */
} kd_party_judgment;

typedef struct kd_build_options {
    const char *output;        /* index file to write (renamed into place) */
    int verbose;               /* print one line per source file to stderr */
    /* Where to write the report of which records of different lists were
     * found to be one party, with the evidence (NULL: none). */
    const char *report;
    /* Analysts' judgments to apply (records no longer listed are skipped). */
    const kd_party_judgment *judgments;
    size_t n_judgments;
} kd_build_options;

/* Parses every list found under the given files or directories (format
 * detected from content) and writes one index file. */
KD_API int kd_build(const char *const *sources, size_t n_sources,
             const kd_build_options *options, kd_error *err);

/* ---- reading an index -------------------------------------------------- */

typedef struct kd_index kd_index;

typedef struct kd_dataset_info {
    const char *name;
    const char *version;       /* content hash of the source files (hex) */
    const char *newest_date;   /* newest listing/publication date, ISO */
    uint32_t entity_count;
    uint32_t schema_counts[KD_SCHEMA_COUNT];
} kd_dataset_info;

/* Reads the whole file into memory of the index's own (a few ms for tens
 * of MB) and checks its checksum and every table once, so what the file
 * becomes afterwards (rewritten in place, truncated, deleted) never
 * affects an open index. A file that is damaged, cut short or was being
 * rewritten while read is refused with KD_EINDEX and a message saying so;
 * publish a new index by writing a new file and renaming it into place. */
KD_API int kd_index_open(const char *path, kd_index **out, kd_error *err);
KD_API void kd_index_close(kd_index *index);

KD_API size_t kd_index_entity_count(const kd_index *index);
/* The entity naming the party an entity belongs to (itself when it is the
 * only record of its party, or when the index was built without parties):
 * records of several lists that are the same person, body or vessel share
 * one (see `kordon xref`). */
KD_API size_t kd_index_party(const kd_index *index, size_t entity);
/* The records of the party an entity belongs to, its representative first,
 * then by authority (UN, EU, UK, US, Canada, others) and id: up to cap
 * positions into members; returns how many there are (1 for a record that
 * is its own party, 0 for a position outside the index). */
KD_API size_t kd_index_party_members(const kd_index *index, size_t entity, size_t *members, size_t cap);
/* The datasets the records of that party come from (kd_index_dataset
 * positions), each once, in the order of the records: up to cap into
 * datasets; returns how many there are. */
KD_API size_t kd_index_party_datasets(const kd_index *index, size_t entity, size_t *datasets, size_t cap);
/* How many parties (persons, bodies, vessels, aircraft) the index holds;
 * per_dataset, when not NULL, gets for each dataset the number of parties
 * its records belong to (kd_index_dataset_count entries). */
KD_API size_t kd_index_party_counts(const kd_index *index, size_t *per_dataset);
KD_API size_t kd_index_dataset_count(const kd_index *index);
KD_API int kd_index_dataset(const kd_index *index, size_t i, kd_dataset_info *out);
KD_API const char *kd_index_built_at(const kd_index *index);

/* Whether the entity at a position is no list's record but one kordon
 * derived from a record's text (an UnknownLink from OFAC's "Linked To:"
 * remark, whose `summary` begins with KD_DERIVED_PREFIX): counts and diffs
 * of the lists leave such entities out. */
#define KD_DERIVED_PREFIX "Derived by kordon from the record's "
KD_API int kd_index_entity_derived(const kd_index *index, size_t position);
/* Finds an entity by id; returns its position or KD_ENOTFOUND. */
KD_API int64_t kd_index_find(const kd_index *index, const char *id);
/* The record at a position, as its list states it, as FtM JSON (caller
 * frees). */
KD_API char *kd_index_entity_json(const kd_index *index, size_t position, int pretty);
enum { KD_JSON_PRETTY = 1, KD_JSON_PROVENANCE = 2 };
/* The party of the record at a position as one FtM entity (caller frees):
 * the canonical record's id, caption and values, its other records' values
 * and datasets added, their ids in `referents`, and `listings`, one per
 * record (id, authority, datasets, program, listingDate, reason,
 * sourceUrl). KD_JSON_PROVENANCE adds `provenance`: for each property and
 * value, the ids of the records that state it. A party no record of which is
 * listed, but tied to one that is, has the topic `sanction.linked`. */
KD_API char *kd_index_party_json(const kd_index *index, size_t position, int flags);
/* Every record of the index as FollowTheMoney JSON lines that FtM's schema
 * accepts: values in FtM's types (dates, countries, E.164 phones, IMO
 * numbers, URLs), what no type holds kept in `notes`, and each record's
 * listing (program, authority, reason, provisions, listing date) as a
 * Sanction entity pointing at it. *written gets the number of lines. */
KD_API int kd_index_export_ftm(const kd_index *index, FILE *out, size_t *written, kd_error *err);
/* "EU since 2023-02-25 (EU-UKR) · Canada since 2023-09-20 (SEMA - Russia -
 * Schedule 1, Part 1)": the listings of a party, one line, cut to size;
 * returns the number of records of the party. */
KD_API size_t kd_index_party_summary(const kd_index *index, size_t position, char *out, size_t size);

typedef struct kd_value_ref {
    kd_prop prop;
    const char *value;
} kd_value_ref;

/* Read-only view of one entity inside an index. */
typedef struct kd_entity_view {
    const char *id;
    kd_schema schema;
    const uint16_t *datasets;  /* indices into the dataset table */
    uint32_t n_datasets;
    const void *values_;       /* internal; read with kd_entity_view_value */
    uint32_t n_values;
} kd_entity_view;

KD_API int kd_index_entity(const kd_index *index, size_t position, kd_entity_view *out);
KD_API kd_value_ref kd_entity_view_value(const kd_index *index, const kd_entity_view *view, uint32_t i);
/* First value of a property, or NULL. */
KD_API const char *kd_entity_view_first(const kd_index *index, const kd_entity_view *view, kd_prop prop);

/* ---- matching ---------------------------------------------------------- */

/* The score above which a result is reported as `match: true`. Chosen on
 * the labelled sets in ../shared/data/eval (see README, Matching). */
#define KD_MATCH_THRESHOLD 0.70

typedef struct kd_match_query {
    const char *name;        /* required */
    int schema;              /* a kd_schema, or -1 for any screenable party */
    const char *birth_date;  /* ISO partial date, optional */
    const char *country;     /* ISO alpha-2 or a country name, optional */
    const char *gender;      /* "male"/"female", optional */
    const char *identifier;  /* passport, national id, IMO, INN, registration... optional */
    const char *dataset;     /* only this dataset, optional */
    double threshold;        /* 0 → KD_MATCH_THRESHOLD */
    size_t limit;            /* 0 → 5 */
    /* Optional filter: entities for which accept() returns 0 are never
     * scored (the HTTP API's include/exclude datasets, schemata, ids...). */
    int (*accept)(void *context, size_t entity);
    void *accept_context;
    /* Results scoring below this (name and final score) come without an
     * explanation, which saves rescoring them; 0 explains every result. */
    double explain_floor;
    /* Results are parties (kd_index_party): the records of one party count
     * once, as their best-scoring member. Non-zero: every record is a
     * result of its own (resolution itself compares records). */
    int by_record;
} kd_match_query;

typedef struct kd_match_result {
    size_t entity;           /* position in the index (kd_index_entity): the
                                record that matched best */
    size_t party;            /* the party it belongs to (kd_index_party) */
    double score;            /* [0, 1] */
    int match;               /* score >= threshold */
    double name_score;       /* the name alone, before dates and countries */
    char matched_name[160];  /* the listed name that matched, romanised */
    char explanation[384];   /* "evgeny≈yevgeniy 0.97 · primakov=primakov · born ..." */
} kd_match_result;

/* A matcher holds per-thread scratch memory and transliterators: create one
 * per thread; the index itself is shared read-only. */
typedef struct kd_matcher kd_matcher;

KD_API int kd_matcher_new(const kd_index *index, kd_matcher **out, kd_error *err);
KD_API void kd_matcher_free(kd_matcher *m);
/* Fills up to query->limit results, best first; returns how many (>= 0) or
 * a negative error. Candidates generated before scoring are counted in
 * *candidates when it is not NULL (to measure candidate recall). */
KD_API int kd_match(kd_matcher *m, const kd_match_query *query, kd_match_result *results,
             size_t *candidates, kd_error *err);
/* How well a name matches one entity's own names (the best name score
 * kd_match would give it), without searching the index for candidates:
 * for comparing two known records. */
KD_API int kd_match_entity(kd_matcher *m, const char *name, size_t entity, double *name_score, kd_error *err);

/* A customer: a party to screen, as a customer file or an API call gives it. Every
 * field but name is optional. */
typedef struct kd_customer {
    const char *id;          /* the customer's own reference; needed for monitoring */
    const char *name;
    const char *birth_date;
    const char *country;
    const char *gender;      /* anything starting with m/f */
    const char *schema;      /* FtM schema name */
    const char *identifier;  /* passport, IMO, INN, ... */
} kd_customer;

/* The query `kordon screen` and `kordon monitor run` both make of a
 * customer: a birth date or a gender make it a Person, a schema column
 * overrides. Points into c; fails only on an unknown schema. */
KD_API int kd_customer_query(const kd_customer *c, double threshold, size_t limit, kd_match_query *q,
                             kd_error *err);
/* Parties with a name that a prefix begins ("Rotenb", "Arkady Rot"), as a
 * user types: its words as the name's words, the last one begun, in any
 * script and spelling the index romanises to; names that begin with it
 * first, then names with it later on. The parties `accept` admits (NULL:
 * all), after skipping `cursor` of them; up to max party entities into
 * parties. Returns how many, or a negative error. */
KD_API int kd_match_suggest(kd_matcher *m, const char *prefix, int (*accept)(void *context, size_t entity),
                     void *accept_context, size_t cursor, size_t *parties, size_t max, kd_error *err);

/* ---- text screening -------------------------------------------------- */

typedef struct kd_related {
    size_t entity;            /* a listed entity whose reason, position or notes name it */
    char snippet[400];        /* the sentence that does */
} kd_related;

typedef struct kd_mention {
    size_t start, end, line;  /* byte offsets into the scanned text; 1-based line */
    int linked;               /* 0: the text names a listed party; 1: a party named by listings */
    size_t entity;            /* the listed record that matched (when !linked) */
    size_t party;             /* its party (kd_index_party): all its listings */
    double score;
    char explanation[384];
    kd_related *related;
    size_t n_related;
    int shared_related;       /* related is an earlier mention's of the same result
                                 (a party named again), freed with that one */
    size_t n_related_total;   /* related entities found, n_related of them kept in
                                 related: more means some were left out */
} kd_mention;

typedef struct kd_scanner kd_scanner;

/* Builds the scanner's index of listing reasons and listed names (about
 * 200 ms on all lists); one scanner per thread, reused from text to text. */
KD_API int kd_scanner_new(const kd_index *index, kd_scanner **out, kd_error *err);
KD_API void kd_scanner_free(kd_scanner *s);
/* Finds mentions in text (plain, Markdown or HTML); *out is the caller's
 * to release, all at once, with kd_mentions_free (mentions share related
 * arrays). threshold 0: names matched whole need 0.85, and the prose rules
 * (a titled or lone surname, given name and surname without the middle
 * names) report kd_match's own lower score; threshold T > 0: every listed
 * mention needs T. */
KD_API int kd_scan(kd_scanner *s, const char *text, size_t len, double threshold, kd_mention **out,
            size_t *n_out, kd_error *err);
KD_API void kd_mentions_free(kd_mention *mentions, size_t n);

/* Bounds on one scan, for text from callers not trusted to send little
 * (a server): zero in a field means that bound is off. */
typedef struct kd_scan_options {
    double threshold;         /* as kd_scan's */
    /* more mentions than this: the scan stops, returns KD_ELIMIT and no
     * mentions (a text naming that many parties is not prose to screen) */
    size_t max_mentions;
    /* related entries kept per mention, the first found; n_related_total
     * still counts them all. 0: every one, up to the library's own 40. */
    size_t max_related;
    /* Asked, from the scanning thread, about every 5 ms of scanning work
     * (never in a tight loop): non-zero stops the scan, which returns
     * KD_ECANCELED and no mentions. A deadline is a cancel that reads the
     * clock. */
    int (*cancel)(void *context);
    void *cancel_context;
} kd_scan_options;

/* kd_scan with bounds (options may be NULL: none). On any error *out is
 * NULL and *n_out 0: there is nothing to free. */
KD_API int kd_scan_with(kd_scanner *s, const char *text, size_t len, const kd_scan_options *options,
                 kd_mention **out, size_t *n_out, kd_error *err);

#ifdef __cplusplus
}
#endif
#endif
