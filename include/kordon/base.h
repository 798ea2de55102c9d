/* kordon/base.h — what every part of the public API shares: KD_API, the
 * error codes and kd_error, schemata and properties. Ownership and error
 * rules: see kordon.h. */
#ifndef KORDON_BASE_H
#define KORDON_BASE_H

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

#ifdef __cplusplus
}
#endif
#endif
