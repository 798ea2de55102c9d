/* The command line's values checked as they are read: a mistyped flag is
 * an error that names it, never a default taken in silence ("--threshold
 * abc" was 0.7, "--country Narnia" nothing). One spelling rule for names of
 * schemata: any case. */
#include "cli.h"
#include "core/core.h"
#include "model/model.h"
#include "kordon/store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

bool cli_number(const char *flag, const char *text, double lo, double hi, bool lo_open, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v) || v > hi || (lo_open ? v <= lo : v < lo)) {
        fprintf(stderr, "kordon: %s %s: expected a number %s %g and at most %g\n", flag, text, lo_open ? "above" : "from",
                lo, hi);
        return false;
    }
    *out = v;
    return true;
}

bool cli_count(const char *flag, const char *text, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!*text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "kordon: %s %s: expected a whole number from %ld to %ld\n", flag, text, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

bool cli_country(const char *flag, const char *text)
{
    char code[3];
    if (country_code(text, strlen(text), code))
        return true;
    fprintf(stderr, "kordon: %s %s: not a country kordon knows (a name, demonym or ISO code: Russia, Russian, RU)\n",
            flag, text);
    return false;
}

bool cli_date(const char *flag, const char *text)
{
    char norm[64];
    if (date_normalise(text, strlen(text), norm, sizeof norm))
        return true;
    fprintf(stderr, "kordon: %s %s: not a date (1976, 1976-04, 1976-04-29, 29.04.1976, 29 Apr 1976)\n", flag, text);
    return false;
}

bool cli_timestamp(const char *flag, const char *text)
{
    if (timestamp_valid(text))
        return true;
    fprintf(stderr, "kordon: %s %s: expected a date or time as YYYY-MM-DD[THH:MM:SS]Z\n", flag, text);
    return false;
}

int cli_schema(const char *flag, const char *text)
{
    for (int s = 0; s < KD_SCHEMA_COUNT; s++)
        if (strcasecmp(kd_schema_name((kd_schema)s), text) == 0)
            return s;
    fprintf(stderr, "kordon: %s %s: unknown schema (Person, Organization, Company, LegalEntity, Vessel, Airplane)\n",
            flag, text);
    return -1;
}

bool cli_gender(const char *flag, const char *text)
{
    if (strcasecmp(text, "male") == 0 || strcasecmp(text, "female") == 0 || strcasecmp(text, "other") == 0)
        return true;
    fprintf(stderr, "kordon: %s %s: expected male, female or other\n", flag, text);
    return false;
}

bool cli_dataset(const kd_index *ix, const char *flag, const char *text)
{
    for (size_t i = 0; i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info d;
        if (!kd_index_dataset(ix, i, &d) && strcmp(d.name, text) == 0)
            return true;
    }
    fprintf(stderr, "kordon: %s %s: no such dataset in the index (kordon info lists them)\n", flag, text);
    return false;
}

int cli_open_store(const char *db, kd_store **store, kd_error *err)
{
    /* a SQLite file that is not there is a mistyped path or the wrong
     * directory: creating an empty store would answer "0 alerts" */
    bool server = strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
    if (!server && access(db, F_OK) != 0)
        return error_set(err, KD_ENOTFOUND,
                         "%s: no store here (give --db or $KORDON_DB; screen --db and monitor add create one)", db);
    return kd_store_open(db, store, err);
}
