/* The query a customer makes (see kordon.h): which of its fields weigh
 * how is matching policy, shared by `kordon screen`, monitoring and the
 * server's cases. */
#include "kordon.h"
#include "core/core.h"

#include <strings.h>

int kd_customer_query(const kd_customer *c, double threshold, size_t limit, kd_match_query *q,
                      kd_error *err)
{
    *q = (kd_match_query){.name = c->name, .schema = -1, .birth_date = c->birth_date,
                          .country = c->country, .identifier = c->identifier,
                          .threshold = threshold, .limit = limit};
    const char *gender = c->gender;
    if (gender && (gender[0] == 'm' || gender[0] == 'M'))
        q->gender = "male";
    else if (gender && (gender[0] == 'f' || gender[0] == 'F'))
        q->gender = "female";
    /* A birth date or a gender says the customer is a person. */
    if ((c->birth_date && *c->birth_date) || (gender && *gender))
        q->schema = KD_SCHEMA_PERSON;
    /* a schema column overrides, spelled in any case ("company"), and
     * names a party: a customer is no Address or Sanction */
    if (c->schema && *c->schema) {
        q->schema = -1;
        for (int k = 0; k <= KD_SCHEMA_PUBLIC_BODY && q->schema < 0; k++)
            if (strcasecmp(kd_schema_name((kd_schema)k), c->schema) == 0)
                q->schema = k;
        if (q->schema < 0)
            return error_set(err, KD_EPARSE, "schema \"%.40s\": a customer is a Person, Organization, Company, "
                                             "LegalEntity, Vessel, Airplane or PublicBody", c->schema);
    }
    return KD_OK;
}
