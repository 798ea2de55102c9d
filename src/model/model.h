/* model — the entity every parser produces: an id, a schema, the dataset it
 * came from and multi-valued FtM properties. One kd_entity is reused record
 * after record, so a parser's memory is bounded by its largest record. */
#ifndef KD_MODEL_H
#define KD_MODEL_H

#include "core/core.h"

/* A single value may not exceed this; a longer one is an input error. */
#define ENTITY_VALUE_MAX (256 * 1024)

typedef struct entity_value {
    uint16_t prop;
    uint32_t offset, len; /* into entity.text */
} entity_value;

typedef struct model_entity {
    buf id;
    kd_schema schema;
    const char *dataset;    /* static or owned by the parser */
    entity_value *values;
    size_t n_values, cap_values;
    buf text;               /* NUL-separated value storage */
} model_entity;

void entity_init(model_entity *e);
void entity_reset(model_entity *e);   /* keeps allocations for the next record */
void entity_free(model_entity *e);

int entity_set_id(model_entity *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds a value after trimming spaces and collapsing inner whitespace runs.
 * Empty values and exact duplicates of the same property are skipped.
 * Returns KD_EUTF8 for invalid UTF-8 and KD_ELIMIT for an oversized value;
 * the parser turns that into a message with file and line. */
int entity_add(model_entity *e, kd_prop prop, const char *s, size_t n);
int entity_add_str(model_entity *e, kd_prop prop, const char *s);
/* As entity_add, but keeps line breaks (reasons, notes). */
int entity_add_text(model_entity *e, kd_prop prop, const char *s, size_t n);
/* Resolves a country name, demonym or code to ISO 3166-1 alpha-2; keeps the
 * text when it cannot be resolved. */
int entity_add_country(model_entity *e, kd_prop prop, const char *s, size_t n);
/* Normalises a date to an ISO partial date; keeps the text when unparsable. */
int entity_add_date(model_entity *e, kd_prop prop, const char *s, size_t n);
/* Adds every part of s split on sep (e.g. "; "), each through entity_add. */
int entity_add_split(model_entity *e, kd_prop prop, const char *s, size_t n, const char *sep);

const char *entity_value_text(const model_entity *e, size_t i);
const char *entity_first(const model_entity *e, kd_prop prop);
size_t entity_count(const model_entity *e, kd_prop prop);

/* Countries: ISO 3166-1 alpha-2 for a name ("Russian Federation"), a demonym
 * ("Russian", "Azerbaijani"), an alpha-2/alpha-3 code or a common variant
 * ("Iran (Islamic Republic of)"). Case and diacritics are ignored. Returns
 * true and writes a lowercase code to out on success. */
bool country_code(const char *s, size_t n, char out[3]);
/* The English short name of an alpha-2 code, or NULL. */
const char *country_name(const char *code);

/* Dates: writes an ISO partial date ("1976", "1976-04", "1976-04-29"), a
 * range "1960/1962" or a circa date "1955~" for the many ways lists write
 * them: "29.4.1976", "29/04/1976", "1976-04-29", "29 Apr 1976",
 * "Apr 1976", "circa 1955", "1960 to 1962", "between 1960 and 1962", ...
 * Day-first is assumed for ambiguous numeric dates. Returns false when the
 * text is not a date. */
bool date_normalise(const char *s, size_t n, char *out, size_t out_size);

/* A number written with its country code ("+7 (8462) 27-32-52") as E.164
 * ("+78462273252") when it is one some country's plan gives out (length
 * and leading digits by country: libphonenumber's metadata) — lists run two
 * numbers together or drop a digit. Writes it to out; false when not. */
bool phone_e164_of(const char *international, char *out, size_t size);
/* A strict ISO 8601 time as bounds of a period are written:
 * YYYY-MM-DD[THH[:MM[:SS[.fff]]]][Z], with real months, days and hours
 * ("2026-13-45" is not one). */
bool timestamp_valid(const char *s);

#endif
