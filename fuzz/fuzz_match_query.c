/* /match and /screen bodies: any bytes through JSON parsing and the FtM
 * query cleaning (schema, properties, countries, dates, names built from
 * parts). Whatever comes in, the result is a query (a name, or an
 * identifier alone; anything for a schema kordon's lists hold nothing of,
 * an Address, which finds nothing) or a 4xx reason. */
#include "fuzz_target.h"
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    json_t *queries = json_is_object(body) ? json_object_get(body, "queries") : body;
    const char *key;
    json_t *q;
    json_object_foreach(queries, key, q) {
        http_match_query c;
        json_t *echo = NULL;
        char why[512];
        int status = http_match_clean(key, q, &c, &echo, why, sizeof why);
        if (status && (status < 400 || status > 499 || !why[0]))
            abort();
        /* a clean query of a party has a name, or an identifier to be found by */
        if (!status && c.screened && (c.n_names < 1 || !c.names[0][0]) && !(c.identifier && c.identifier[0]))
            abort();
        json_decref(echo);
    }
    json_decref(body);
    return 0;
}
