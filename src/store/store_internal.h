/* What the store's files share; not for other modules (see store.h). */
#ifndef KD_STORE_INTERNAL_H
#define KD_STORE_INTERNAL_H

#include "store.h"
#include "store/db.h"

#include <stdint.h>

struct kd_store {
    db *d;
};

/* ISO 8601 UTC with milliseconds: sorts as text, as the audit export needs. */
void store_now_iso(char out[32]);
/* Steps an INSERT ... RETURNING id. */
int store_insert_returning(db_stmt *st, int64_t *id, kd_error *err);

#endif
