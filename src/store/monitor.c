/* Monitored customers (see store.h): added or updated by id, listed.
 * Screening them is a monitoring run (src/screening/monitor.c). */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- monitoring ------------------------------------------------------------ */

int kd_store_monitor_add(kd_store *s, const kd_customer *customers, size_t n, kd_error *err)
{
    db *d = s->d;
    for (size_t i = 0; i < n; i++)
        if (!customers[i].id || !*customers[i].id || !customers[i].name || !*customers[i].name)
            return error_set(err, KD_EUSAGE, "customer %zu: monitoring needs an id and a name", i + 1);
    int rc = db_exec(d, db_is_postgresql(d) ? "BEGIN" : "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    db_stmt *st;
    rc = db_prepare(d, "INSERT INTO customers (id, name, birth_date, country, gender, schema, identifier, "
                       "added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                       "birth_date = excluded.birth_date, country = excluded.country, "
                       "gender = excluded.gender, schema = excluded.schema, "
                       "identifier = excluded.identifier, updated_at = excluded.updated_at",
                    &st, err);
    char now[32];
    store_now_iso(now);
    for (size_t i = 0; !rc && i < n; i++) {
        const kd_customer *c = &customers[i];
        db_bind_text(st, 1, c->id);
        db_bind_text(st, 2, c->name);
        db_bind_text(st, 3, c->birth_date);
        db_bind_text(st, 4, c->country);
        db_bind_text(st, 5, c->gender);
        db_bind_text(st, 6, c->schema);
        db_bind_text(st, 7, c->identifier);
        db_bind_text(st, 8, now);
        db_bind_text(st, 9, now);
        if (db_step(st, err) < 0)
            rc = error_wrap(err, KD_EIO, "customer %s: ", c->id);
        db_reset(st);
    }
    db_finalize(st);
    if (!rc)
        rc = db_exec(d, "COMMIT", err);
    if (rc) {
        db_exec(d, "ROLLBACK", NULL);
        return rc;
    }
    return KD_OK;
}

void kd_customer_list_free(kd_customer_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        kd_customer *c = &list->items[i];
        free((char *)c->id);
        free((char *)c->name);
        free((char *)c->birth_date);
        free((char *)c->country);
        free((char *)c->gender);
        free((char *)c->schema);
        free((char *)c->identifier);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

int kd_store_monitor_list(kd_store *s, kd_customer_list *out, kd_error *err)
{
    out->items = NULL;
    out->n = 0;
    db_stmt *q;
    int rc = db_prepare(s->d, "SELECT id, name, birth_date, country, gender, schema, identifier "
                              "FROM customers ORDER BY id", &q, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = db_step(q, err)) == 1) {
        if (vec_reserve(&out->items, &cap, out->n + 1, sizeof *out->items)) {
            rc = error_set(err, KD_ENOMEM, "out of memory listing customers");
            break;
        }
        out->items[out->n++] = (kd_customer){
            .id = store_dup_or_null(db_column_text(q, 0)), .name = store_dup_or_null(db_column_text(q, 1)),
            .birth_date = store_dup_or_null(db_column_text(q, 2)), .country = store_dup_or_null(db_column_text(q, 3)),
            .gender = store_dup_or_null(db_column_text(q, 4)), .schema = store_dup_or_null(db_column_text(q, 5)),
            .identifier = store_dup_or_null(db_column_text(q, 6))};
    }
    db_finalize(q);
    if (rc < 0) {
        kd_customer_list_free(out);
        return rc;
    }
    return KD_OK;
}
